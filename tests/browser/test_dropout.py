"""Dropout on the lab page: a rate typed into "Dropout, layer 1" applies live; stepping the forward pass
greys the traced example's dropped units on the network (with a text saying which) and the formula panel
writes a = m · g(z)/(1 − p) with the mask; back at rate 0 the next iteration shows no mask at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.test_formulas import step_to

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("DROPOUT_SHOTS", "test-artifacts/browser"))


def set_rate(lab, value: str) -> None:
    """Type a rate into the first hidden layer's box and wait until the session has it."""
    box = lab.page.locator("#dropout-1-value")
    box.fill(value)
    box.press("Enter")
    lab.page.wait_for_function(
        "(v) => document.querySelector('#dropout-1-value').value === v", arg=value, timeout=10000
    )


def test_dropout_masks_show_on_the_network_and_in_the_formulas(lab) -> None:
    lab.open("?new")
    lab.send({"type": "rebuild", "config": {"hidden_layers": [6, 3], "activation": "tanh"}})
    lab.page.wait_for_selector("#dropout-2")
    assert lab.page.get_by_label("Dropout, layer 1", exact=True).count() == 1
    set_rate(lab, "0.5")
    step_to(lab, "forward, layer 1 of 3")
    dropped = lab.page.locator(".nv-node.dropped")
    lab.page.wait_for_function("document.querySelectorAll('.nv-node.dropped').length > 0", timeout=10000)
    count = dropped.count()
    assert 1 <= count < 6
    note = lab.page.locator("#nv-dropout")
    assert note.is_visible()
    assert note.inner_text().startswith("Dropout, traced example: layer 1 (p = 0.5) drops neuron")
    assert "of 6" in note.inner_text()
    # the formula panel of a layer-1 neuron: a = m·g(z)/(1 − p) and the layer's mask
    lab.page.locator(".nv-node").nth(3).dispatch_event("click")  # inputs first: x1, x2, then layer 1
    text = lab.math_text()
    assert "/ (1 − p)" in text and "Mask of layer 1: m = (" in text, text[:600]
    mask = text.split("Mask of layer 1: m = (")[1].split(")")[0].split(", ")
    assert sorted(set(mask)) <= ["0", "1"] and mask.count("0") == count
    for size, name in (((1024, 768), "1024"), ((1920, 1080), "1920")):
        lab.page.set_viewport_size({"width": size[0], "height": size[1]})
        lab.page.wait_for_timeout(300)
        assert lab.page.evaluate("document.documentElement.scrollHeight <= innerHeight + 1")
        lab.page.screenshot(path=str(SHOTS / f"dropout-{name}.png"))
    lab.page.keyboard.press("p")
    lab.page.wait_for_selector("body.presenter")
    lab.page.wait_for_timeout(300)
    lab.page.screenshot(path=str(SHOTS / "dropout-presenter.png"))
    lab.page.keyboard.press("p")
    # the loss phase's L is the thinned network's; then δ through the same mask in the backward pass
    step_to(lab, "loss")
    assert "thinned network" in lab.math_text()
    step_to(lab, "backward, layer 1 of 3")
    assert "δ passes through the same mask" in lab.math_text() or "no gradient flows" in lab.math_text()
    # off: the next iteration has no mask
    set_rate(lab, "0")
    step_to(lab, "update, all layers")
    step_to(lab, "forward, layer 1 of 3")
    lab.page.wait_for_function("document.querySelectorAll('.nv-node.dropped').length === 0", timeout=10000)
    assert not lab.page.locator("#nv-dropout").is_visible()
    assert "Mask of layer" not in lab.math_text()
    lab.assert_clean()
