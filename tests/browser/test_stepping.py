"""Stepping through lecture 004's worked example one phase at a time, and live learning-rate changes."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

LECTURE = "?preset=lecture004_forward"
# Lecture 004: x = (1.5, −1, 1.3), ReLU; a¹ = (0.31, 0.21, 0), a² = (0, 0.489), h(x) = 0.489.
FORWARD = {1: "(0.31, 0.21, 0)", 2: "(0, 0.489)", 3: "(0.489)"}
NUMBER = r"(?<![\d.])−?{}(?![\d])"


def has_number(text: str, number: str) -> bool:
    """`number` appears in `text` as a whole number (0.31 but not 0.315 or 10.31)."""
    return re.search(NUMBER.format(re.escape(number)), text) is not None


def step_phase(lab) -> None:
    """One phase forward with the → key; waits until the controls show the new phase."""
    before = lab.page.locator("#phase-indicator").inner_text()
    lab.page.keyboard.press("ArrowRight")
    lab.page.wait_for_function(
        "(b) => document.querySelector('#phase-indicator').innerText !== b", arg=before, timeout=10000
    )


def test_lecture004_forward_layer_by_layer(lab) -> None:
    lab.open(LECTURE)
    assert lab.page.locator("#preset").input_value() == "lecture004_forward"
    lab.screenshot("10-lecture004-start")
    for layer in (1, 2, 3):
        step_phase(lab)
        lab.page.wait_for_selector(f"#network-view[data-active-layer='{layer}']")
        assert lab.page.locator("#phase-indicator").get_attribute("data-phase") == "forward"
        assert lab.page.locator(".phase-now").inner_text() == f"forward, layer {layer} of 3"
        # The layer's activation vector a^l of the traced example, as the lecture computes it.
        text = lab.math_text()
        assert FORWARD[layer] in text, (layer, text)
        lab.screenshot(f"11-lecture004-forward-layer{layer}")
    # loss, then backward from the output layer down, then the update
    step_phase(lab)
    assert lab.page.locator("#phase-indicator").get_attribute("data-phase") == "loss"
    for layer in (3, 2, 1):
        step_phase(lab)
        lab.page.wait_for_selector(f"#network-view[data-active-layer='{layer}']")
        assert lab.page.locator(".phase-now").inner_text() == f"backward, layer {layer} of 3"
        if layer == 3:
            # δ at the output is 2(h − y) = 2(0.489 − 1) = −1.022 (square loss without ½).
            assert has_number(lab.math_text(), "1.022"), lab.math_text()
            lab.screenshot("12-lecture004-backward-layer3")
    step_phase(lab)
    assert lab.page.locator("#phase-indicator").get_attribute("data-phase") == "update"
    assert lab.step_count() == 1
    lab.screenshot("13-lecture004-update")
    lab.assert_clean()


def run_to_update(lab) -> None:
    """Step phases until the controls show the update phase."""
    for _ in range(12):
        step_phase(lab)
        if lab.page.locator("#phase-indicator").get_attribute("data-phase") == "update":
            return
    raise AssertionError("no update phase within 12 phases")


def test_learning_rate_slider_changes_the_next_update(lab) -> None:
    lab.open(LECTURE)
    assert lab.page.locator("#learning-rate-value").input_value() == "0.1"
    run_to_update(lab)
    assert "0.1" in lab.math_text() and "η" in lab.math_text()
    # One notch down on the log slider: 0.1 → 0.07, applied live (no reset).
    slider = lab.page.locator("#learning-rate")
    slider.focus()
    lab.page.keyboard.press("ArrowLeft")
    lab.page.wait_for_function("document.querySelector('#learning-rate-value').value === '0.07'")
    lab.page.wait_for_function(
        "Number(document.querySelector('#loss-view').dataset.marks) === 1", timeout=10000
    )
    assert lab.step_count() == 1  # nothing was reset
    # Moved with the keyboard, the slider keeps the focus (a second arrow moves it again); Esc gives the
    # keys back to the page, so → steps again.
    assert lab.page.evaluate("document.activeElement.id") == "learning-rate"
    lab.page.keyboard.press("Escape")
    assert lab.page.evaluate("document.activeElement === document.body")
    run_to_update(lab)
    text = lab.math_text()
    assert has_number(text, "0.07") and "η" in text, text
    # The change is marked on the loss curve, naming what changed.
    loss_text = lab.page.locator("#loss-view").inner_text()
    assert "0.07" in loss_text, loss_text
    lab.screenshot("14-learning-rate-changed")
    lab.assert_clean()


def test_typed_learning_rate_out_of_range_names_the_field(lab) -> None:
    lab.open()
    box = lab.page.locator("#learning-rate-value")
    box.fill("50")
    box.press("Enter")
    toast = lab.page.locator(".toast-error")
    toast.wait_for(timeout=10000)
    # named as the page labels it, not by its wire name
    assert toast.inner_text().startswith("Learning rate η must be between")
    assert "learning_rate" not in toast.inner_text() and "10" in toast.inner_text()
    # Nothing changed: the box shows the rate still in use.
    lab.page.wait_for_function("document.querySelector('#learning-rate-value').value === '0.03'")
    lab.screenshot("15-error-toast")
    lab.assert_clean()
