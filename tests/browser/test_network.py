"""The network view draws its edges on a canvas: a click on an edge's pixels still picks that weight,
opens its editor, and the typed value becomes the weight on the server."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

pytestmark = pytest.mark.browser

# Where edge W^l[j][k] is on the page, from the neurons it joins: it leaves the right of neuron k's dot
# (layer l−1) and ends at the left of neuron j's map (layer l; its dot when there are no maps). Returns the
# midpoint and the alpha of the network canvas's pixel there.
EDGE_SCRIPT = """([l, j, k]) => {
  const node = (layer, row) =>
    document.querySelector(`#network-view .nv-node[data-layer='${layer}'][data-row='${row}']`);
  const from = node(l - 1, k).querySelector('.nv-dot').getBoundingClientRect();
  const dot = node(l, j).querySelector('.nv-dot').getBoundingClientRect();
  const frame = node(l, j).querySelector('.nv-map-frame').getBoundingClientRect();
  const x2 = frame.width > 0 ? frame.left : dot.left;
  const x = (from.right + x2) / 2;
  const y = ((from.top + from.bottom) / 2 + (dot.top + dot.bottom) / 2) / 2;
  const canvas = document.querySelector('#network-view canvas.nv-canvas');
  const box = canvas.getBoundingClientRect();
  const cx = Math.floor(((x - box.left) * canvas.width) / box.width);
  const cy = Math.floor(((y - box.top) * canvas.height) / box.height);
  const px = canvas.getContext('2d').getImageData(cx, cy, 1, 1);
  return {x, y, alpha: px.data[3]};
}"""

SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def session_weights(lab) -> Any:
    """The weights of the page's session, as the server holds them."""
    sid = lab.page.evaluate("JSON.parse(sessionStorage.getItem('backprop-lab:session')).id")
    with urllib.request.urlopen(f"{lab.base_url}/api/sessions/{sid}") as res:
        return json.load(res)["weights"]


def edit_edge(lab, layer: int, row: int, col: int, value: str) -> None:
    """Click edge W^layer[row][col] where it is drawn, check the editor names it, type `value` + Enter."""
    edge = lab.page.evaluate(EDGE_SCRIPT, [layer, row, col])
    assert edge["alpha"] > 0, edge  # the click lands on the edge's own pixels
    lab.page.mouse.click(edge["x"], edge["y"])
    editor = lab.page.locator("#network-view .nv-editor")
    editor.wait_for(state="visible")
    name = f"W{str(layer).translate(SUP)}{str(row + 1).translate(SUB)}{str(col + 1).translate(SUB)}"
    assert editor.inner_text().startswith(f"{name} ="), editor.inner_text()
    box = editor.locator("input")
    assert box.evaluate("el => document.activeElement === el")
    box.fill(value)
    box.press("Enter")
    editor.wait_for(state="hidden")


def wait_weight(lab, layer: int, row: int, col: int, value: float) -> None:
    """Wait until the server's W^layer[row][col] (1-based layer, 0-based row/col) is `value`."""
    sid = lab.page.evaluate("JSON.parse(sessionStorage.getItem('backprop-lab:session')).id")
    lab.page.wait_for_function(
        "([sid, l, j, k, v]) => fetch(`/api/sessions/${sid}`).then((r) => r.json())"
        ".then((s) => s.weights[l - 1][j][k] === v)",
        arg=[sid, layer, row, col, value],
    )


def test_click_an_edge_on_the_canvas_edits_its_weight(lab) -> None:
    # Lecture 004 (custom rows: neurons without maps): W³₁₂ joins a²₂ to the output.
    lab.open("?preset=lecture004_forward")
    assert session_weights(lab)[2][0][1] == 1
    edit_edge(lab, 3, 0, 1, "0.5")
    wait_weight(lab, 3, 0, 1, 0.5)
    assert lab.page.locator("#math-view").get_attribute("data-focus") == "weight:3:0:1"
    assert session_weights(lab)[2] == [[-1, 0.5]]  # only that weight changed
    # The page shows the new weight too (the formula panel's matrix W³ = [−1 0.5]).
    lab.page.wait_for_function("/−1\\s+0\\.5(?![\\d])/.test(document.querySelector('#math-view').innerText)")
    lab.screenshot("40-edge-edited")
    # The default network (every neuron with its map): W¹₁₁ joins x₁ to neuron 1 of layer 1; the editor
    # takes a typed minus sign (U+2212).
    lab.open("?new")
    edit_edge(lab, 1, 0, 0, "\u22121.25")
    wait_weight(lab, 1, 0, 0, -1.25)
    lab.assert_clean()
