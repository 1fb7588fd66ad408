"""What the page shows agrees with itself and can be held back: the loss key and the curve after a typed
weight, ŷ before/after the update, a constant neuron map at its true colour with one legend label, the
presets' descriptions, "hide answers" for lecture 004, the ReLU output and L1 formulas, the edge legend."""

from __future__ import annotations

from itertools import pairwise

import pytest

pytestmark = pytest.mark.browser

LECTURE = "?preset=lecture004_forward"
CURVE_LAST = "document.querySelector('#loss-view .lv-plot').data[0].y.at(-1)"


def step(lab, phases: int) -> None:
    """`phases` phases with the → key, waiting for each to be shown."""
    for _ in range(phases):
        before = lab.page.locator("#phase-indicator").inner_text()
        lab.page.keyboard.press("ArrowRight")
        lab.page.wait_for_function(
            "(b) => document.querySelector('#phase-indicator').innerText !== b", arg=before, timeout=10000
        )


def toggle_hide_answers(lab, on: bool) -> None:
    """Press H until "hide answers" is `on`."""
    if lab.page.evaluate("document.body.classList.contains('hide-answers')") != on:
        lab.page.keyboard.press("h")
    lab.page.wait_for_function(f"document.body.classList.contains('hide-answers') === {str(on).lower()}")


def test_after_typing_a_weight_the_loss_key_and_the_curve_agree(lab) -> None:
    lab.open(LECTURE)
    lab.page.wait_for_function("document.querySelector('.lv-v-train').innerText === '0.2611'")
    lab.send({"type": "set_weight", "layer": 3, "row": 0, "col": 1, "value": 3.0})  # h = 3·0.489 = 1.467
    lab.page.wait_for_function("document.querySelector('.lv-v-train').innerText !== '0.2611'")
    lab.page.wait_for_function(f"Math.abs({CURVE_LAST} - 0.218089) < 1e-9", timeout=5000)  # (1.467 − 1)²
    assert lab.page.locator(".lv-v-train").inner_text() == "0.2181"
    lab.assert_clean()


def test_in_the_update_phase_the_table_shows_y_hat_before_and_after(lab) -> None:
    lab.open(LECTURE)
    step(lab, 8)  # forward ×3, loss, backward ×3, update
    lab.page.wait_for_selector(".bv-rows[data-phase='update']")
    heads = lab.page.locator(".bv-rows-table thead").inner_text()
    assert "ŷ before" in heads and "ŷ after" in heads
    before = lab.page.locator(".bv-rows-train td.bv-rows-before").first.inner_text()
    after = lab.page.locator(".bv-rows-train td.bv-rows-out").first.inner_text()
    assert before == "0.489" and after != "0.489"
    network = lab.page.locator("#network-view").inner_text()
    assert "a 0.489" in network and "before the update" in network  # the same ŷ, labelled
    lab.screenshot("answers-update-before-after-1280x720")
    lab.assert_clean()


def test_a_constant_neuron_map_has_its_true_colour_and_one_legend_label(lab) -> None:
    lab.open("?new")
    for col in (0, 1):  # neuron 1 of layer 1 without inputs: a = tanh(0.1) = 0.0997 everywhere
        lab.send({"type": "set_weight", "layer": 1, "row": 0, "col": col, "value": 0.0})
    lab.page.wait_for_function("document.querySelector('#network-view').innerText.includes('a 0.0997')")
    node = lab.page.locator(
        "#network-view svg .nv-node[data-layer='1'][data-row='0'] .nv-map-hit"
    ).bounding_box()
    assert node is not None
    lab.page.mouse.move(node["x"] + node["width"] / 2, node["y"] + node["height"] / 2)
    lab.page.wait_for_function("document.querySelector('.bv-legend').dataset.ticks === 'constant 0.0997'")
    colours = lab.page.evaluate(
        """async () => {
      const { divergingScale, paintMap } = await import('/static/js/views/boundary/draw.js');
      const c = document.querySelector('.bv-heat');
      const px = c.getContext('2d').getImageData(c.width >> 1, c.height >> 1, 1, 1).data;
      const v = Math.tanh(0.1);
      const paint = (half) => {  // one pixel of value v, shaded as the heatmap shades it, on ±half
        const img = new ImageData(1, 1);
        paintMap(img, { res: 1, lo: v, hi: v, bytes: new Uint8Array([0]) }, divergingScale(0, half), 0);
        return [img.data[0], img.data[1], img.data[2]];
      };
      return { shown: [px[0], px[1], px[2]], truth: paint(1), saturated: paint(v) };
    }"""
    )
    assert all(abs(a - b) <= 2 for a, b in zip(colours["shown"], colours["truth"], strict=True)), colours
    assert colours["shown"] != colours["saturated"]
    lab.screenshot("answers-constant-map-1280x720")
    lab.page.mouse.move(5, 5)
    # a legend whose labels would touch keeps them apart (lo, 0, hi of a real map)
    boxes = lab.page.evaluate(
        """async () => {
      const { drawLegend } = await import('/static/js/palette.js');
      const c = document.querySelector('.bv-legend');
      drawLegend(c, -0.0001, 70.0997, 'value');
      return JSON.parse(c.dataset.ticksBoxes);
    }"""
    )
    assert all(b[0] >= a[1] for a, b in pairwise(boxes)) or len(boxes) == 1, boxes
    lab.assert_clean()


def test_presets_describe_themselves_and_hide_answers_keeps_0489_back(lab) -> None:
    lab.open(LECTURE)
    lab.page.click("#btn-preset-about")
    card = lab.page.locator("#preset-description")
    card.wait_for(state="visible")
    assert "x = (1.5, −1, 1.3) through a 3-3-2-1 ReLU network" in card.inner_text()
    lab.page.keyboard.press("Escape")
    card.wait_for(state="hidden")
    toggle_hide_answers(lab, True)
    try:
        for size in ({"width": 1280, "height": 720}, {"width": 1920, "height": 1080}):
            lab.page.set_viewport_size(size)
            lab.page.wait_for_timeout(300)
            body = lab.page.locator("body").inner_text()
            assert "0.489" not in body and "0.2611" not in body, body
            lab.screenshot(f"answers-hidden-{size['width']}x{size['height']}")
        lab.page.set_viewport_size({"width": 1280, "height": 720})
        # remembered across a reload, listed in the help overlay
        lab.page.reload()
        lab.wait_connected()
        lab.page.wait_for_selector("body.hide-answers")
        lab.page.keyboard.press("?")
        assert "hide answers" in lab.page.locator("#help-overlay").inner_text()
        lab.page.keyboard.press("Escape")
        step(lab, 1)  # layer 1 only: a¹ = (0.31, 0.21, 0), and nothing of layers 2 and 3 yet
        body = lab.page.locator("body").inner_text()
        assert "a 0.31" in body and "0.489" not in body
        assert lab.page.locator(".bv-rows-train td.bv-rows-out").first.inner_text() == "?"
        step(lab, 2)  # the forward pass reaches the output: ŷ = 0.489 is the answer now
        out = "document.querySelector('.bv-rows-train td.bv-rows-out').innerText"
        lab.page.wait_for_function(f"{out} === '0.489'")
        assert "?" in lab.page.locator(".lv-v-train").inner_text()  # the loss waits for the loss phase
        step(lab, 1)
        lab.page.wait_for_function("document.querySelector('.lv-v-train').innerText === '0.2611'")
    finally:
        toggle_hide_answers(lab, False)
    lab.assert_clean()


def test_relu_output_and_l1_formulas_and_the_edge_legend(lab) -> None:
    lab.open(LECTURE)
    step(lab, 3)
    math = lab.math_text()
    assert "relu(z) = max(0, z)" in math and "relu(0.489)" in math
    step(lab, 2)  # loss, backward at the output
    legend = lab.page.locator(".nv-key-g")
    assert legend.inner_text().startswith("∂L/∂W") and "flips in the update" in legend.get_attribute("title")
    step(lab, 3)  # backward ×2, update
    assert "ΔW = −η·∂L/∂W, so colours flip" in legend.inner_text()
    assert "opposite sign" in legend.get_attribute("title")
    lab.send({"type": "rebuild", "config": {"loss": "l1"}})
    lab.page.wait_for_function("document.querySelector('#output-loss').value === 'relu|l1'")
    step(lab, 4)
    math = lab.math_text()
    assert "ℓ = Σk |ŷk − yk|" in math.replace("\n", "") or "|ŷ" in math, math
    assert "sign(ŷ" in math and "0.511" in math, math  # |0.489 − 1| = 0.511
    lab.screenshot("answers-l1-loss-1280x720")
    lab.assert_clean()
