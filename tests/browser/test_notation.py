"""Weights written the way the teacher's course writes them: W^l_jk (rows, lecture 000) or w^(l)_ij
(columns, lectures 001 and 004, z = Wᵀa + b). The same numbers, transposed matrices, remembered."""

from __future__ import annotations

import pytest

from tests.browser.test_network import EDGE_SCRIPT

pytestmark = pytest.mark.browser

MATRIX = """() => {
  const mat = document.querySelector('#math-view .mv-mat');
  const rows = [...mat.querySelectorAll('tr')].map((tr) => [...tr.cells].map((c) => c.innerText));
  const marked = [...mat.querySelectorAll('td.sel')].map((c) => c.innerText);
  return {name: mat.querySelector('.mv-mat-name').innerText, rows, marked};
}"""


def set_notation(lab, notation: str) -> None:
    """Choose the notation in the help overlay."""
    lab.page.locator("#btn-help").click()
    lab.page.locator(f"#help-overlay input[value='{notation}']").check()
    lab.page.locator("#help-overlay .close-help").click()
    lab.page.wait_for_selector("#help-overlay", state="hidden")


def to_forward_layer_2(lab) -> None:
    lab.open("?preset=lecture004_forward")
    for text in ("forward, layer 1 of 3", "forward, layer 2 of 3"):
        lab.page.keyboard.press("ArrowRight")
        lab.page.wait_for_function(f"document.querySelector('.phase-now').innerText === '{text}'")


def test_columns_notation_transposes_the_matrices_and_renames_the_weights(lab) -> None:
    try:
        to_forward_layer_2(lab)
        rows = lab.page.evaluate(MATRIX)
        assert rows["name"].replace("\n", "").replace("\u200b", "").startswith("W2 ∈ ℝ2×3")
        assert rows["rows"] == [["0", "\u22121.2", "0.5"], ["0.9", "1", "0"]]
        assert rows["marked"] == ["0", "\u22121.2", "0.5"]  # neuron 1's incoming weights: a row
        # Switch in the formula panel itself.
        lab.page.locator("#math-view .mv-notation").click()
        lab.page.wait_for_function(
            "document.querySelector('#math-view').innerText.includes('holds them as columns')"
        )
        cols = lab.page.evaluate(MATRIX)
        assert cols["name"].replace("\n", "").replace("\u200b", "").startswith("W2 ∈ ℝ3×2")
        assert cols["rows"] == [["0", "0.9"], ["\u22121.2", "1"], ["0.5", "0"]]
        assert cols["marked"] == ["0", "\u22121.2", "0.5"]  # the same weights: now a column
        text = lab.page.locator("#math-view").inner_text()
        assert "0·0.31 + (\u22121.2)·0.21 + 0.5·0 + 0 = \u22120.252" in text  # the numbers do not change
        # The choice is remembered; the weight editor names w⁽²⁾₃₁: from neuron 3 of layer 1 to neuron 1.
        lab.page.reload()
        lab.wait_connected()
        assert lab.page.locator("#help-overlay input[value='columns']").is_checked()
        edge = lab.page.evaluate(EDGE_SCRIPT, [2, 0, 2])
        lab.page.mouse.click(edge["x"], edge["y"])
        editor = lab.page.locator("#network-view .nv-editor")
        editor.wait_for(state="visible")
        assert editor.inner_text().startswith("w\u207d\u00b2\u207e\u2083\u2081 =")
        lab.page.keyboard.press("Escape")
        lab.assert_clean()
    finally:
        set_notation(lab, "rows")
