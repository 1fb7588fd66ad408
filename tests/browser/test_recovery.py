"""Dead ends on the page: the divergence banner's way out goes back before the blow-up and training then
converges; the saturation banner; after a divergence the header and the formula panel agree on the phase."""

from __future__ import annotations

import math
from typing import Any

import pytest

pytestmark = pytest.mark.browser

SESSION = "JSON.parse(sessionStorage.getItem('backprop-lab:session')).id"


def state(lab: Any) -> dict[str, Any]:
    """The session's state as the server has it (REST)."""
    result: dict[str, Any] = lab.page.evaluate(f"fetch('/api/sessions/' + {SESSION}).then((r) => r.json())")
    return result


def preset(lab: Any, name: str, rate: str) -> None:
    """Load a preset from the picker and wait for its learning rate."""
    lab.page.select_option("#preset", name)
    lab.page.wait_for_function(f"document.querySelector('#learning-rate-value').value === '{rate}'")


def test_after_a_divergence_the_header_and_the_formula_panel_agree_on_the_phase(lab) -> None:
    lab.open()
    preset(lab, "diverging_lr", "0.3")
    kb = lab.page.keyboard
    for _ in range(8):  # the preset's loss passes 1e12 in the loss phase of step 8
        kb.press("Shift+ArrowRight")
    lab.page.wait_for_function("/^step 8 /.test(document.querySelector('#counters').innerText)")
    kb.press("ArrowRight")  # forward, layer 1 of step 8
    lab.page.wait_for_function("document.querySelector('.phase-now').innerText === 'forward, layer 1 of 1'")
    kb.press("ArrowRight")  # the loss phase: diverges, the iteration is abandoned
    lab.page.locator("#divergence-banner").wait_for(state="visible")
    lab.page.wait_for_timeout(300)  # let the divergence's frame be drawn
    header = lab.page.locator("#phase-indicator").get_attribute("data-phase")
    panel = lab.page.locator("#math-view").get_attribute("data-phase")
    # the iteration went back to its start: both say so (the header "start", the panel "idle")
    assert (header, panel) == ("start", "idle"), (header, panel, lab.page.locator(".phase-now").inner_text())
    assert lab.page.locator(".mv-phase").inner_text() == "Between iterations"
    assert lab.page.locator(".phase-now").inner_text() == "start of iteration"
    lab.assert_clean()


def test_the_divergence_banner_goes_back_before_the_blow_up_and_training_then_converges(lab) -> None:
    lab.open()
    preset(lab, "diverging_lr", "0.3")
    lab.page.keyboard.press("Space")  # play until it diverges
    banner = lab.page.locator("#divergence-banner")
    banner.wait_for(state="visible", timeout=20000)
    report = state(lab)["diverged"]
    back = report["recover"]
    assert back["step"] == 0 and back["learning_rate"] == 0.03, back
    button = lab.page.locator("#btn-recover")
    assert f"step {back['step']}" in button.inner_text() and "0.03" in button.inner_text()
    lab.screenshot("recovery-diverged-banner")
    button.click()
    banner.wait_for(state="hidden")
    lab.page.wait_for_function("/^step 0 /.test(document.querySelector('#counters').innerText)")
    lab.page.wait_for_function("document.querySelector('#learning-rate-value').value === '0.03'")
    after = state(lab)
    assert after["step"] == 0 and after["diverged"] is None
    assert max(p["step"] for p in after["history"]) == 0  # the blown-up part of the curve is gone
    # 500 iterations at the suggested rate: finite, and below the loss at the step it went back to
    for epoch in range(1, 21):  # 250 training points, batch 10: 25 iterations an epoch, 20 epochs
        lab.page.keyboard.press("e")
        lab.page.wait_for_function(
            f"/^step {25 * epoch} /.test(document.querySelector('#counters').innerText)"
        )
    assert lab.step_count() == 500
    lab.screenshot("recovery-after-500-iterations")
    end = state(lab)
    assert end["diverged"] is None
    loss = end["metrics"]["train_loss"]
    assert loss is not None and math.isfinite(loss) and loss < back["loss"], (loss, back)
    body = lab.page.locator("body").inner_text()
    assert "NaN" not in body and "Infinity" not in body
    lab.assert_clean()


def test_a_saturated_network_says_so_with_the_way_back(lab) -> None:
    lab.open("?new")
    box = lab.page.locator("#learning-rate-value")
    box.fill("10")
    box.press("Enter")
    lab.page.wait_for_function("Number(document.querySelector('#loss-view').dataset.marks) === 1")
    lab.page.keyboard.press("Space")
    banner = lab.page.locator("#saturation-banner")
    banner.wait_for(state="visible", timeout=30000)
    lab.page.keyboard.press("Space")
    text = banner.inner_text()
    assert "saturated" in text and "neurons" in text, text
    report = state(lab)["saturated"]
    assert report is not None and report["recover"] is not None
    button = lab.page.locator("#btn-recover-saturation")
    assert f"step {report['recover']['step']}" in button.inner_text()
    lab.screenshot("recovery-saturated-banner")
    button.click()
    banner.wait_for(state="hidden")
    after = state(lab)
    assert after["saturated"] is None and after["step"] == report["recover"]["step"]
    assert after["config"]["learning_rate"] == report["recover"]["learning_rate"]
    lab.assert_clean()
