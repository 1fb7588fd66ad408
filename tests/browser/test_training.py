"""Playing grows the loss curve; a diverging learning rate shows where it diverged and the way out;
the keyboard shortcuts drive the lab."""

from __future__ import annotations

import math

import pytest

pytestmark = pytest.mark.browser


def points(lab) -> int:
    """Points per trace on the loss curve."""
    return int(lab.page.locator("#loss-view").get_attribute("data-points") or "0")


# Drawn points of the train-loss trace: (markers, whether its line has a path).
DRAWN = """() => {
  const trace = document.querySelectorAll('#loss-view .scatterlayer .trace')[0];
  const line = trace.querySelector('.js-line');
  const path = line ? line.getAttribute('d') || '' : '';
  return [trace.querySelectorAll('.point').length, path.length > 2];
}"""


def test_the_step_zero_loss_is_drawn_before_any_training(lab) -> None:
    lab.open("?new")
    lab.page.wait_for_function("Number(document.querySelector('#loss-view').dataset.points) === 1")
    assert lab.page.evaluate(DRAWN) == [1, False]  # a lone point shows as a dot
    lab.page.keyboard.press("Shift+ArrowRight")
    lab.page.wait_for_function("Number(document.querySelector('#loss-view').dataset.points) === 2")
    assert lab.page.evaluate(DRAWN) == [0, True]  # then as a line
    # The key shows the newest point's numbers, as the server computed them (4 significant digits).
    newest = lab.page.evaluate(
        "fetch('/api/sessions/' + JSON.parse(sessionStorage.getItem('backprop-lab:session')).id)"
        ".then((r) => r.json()).then((s) => s.history[s.history.length - 1])"
    )
    assert newest["step"] == 1
    key = lab.page.locator("#loss-view .lv-key")
    for cls, name in (("train", "train_loss"), ("test", "test_loss")):
        shown = key.locator(f".lv-v-{cls}").inner_text()
        assert float(shown) == float(f"{newest[name]:.4g}"), (cls, shown, newest[name])
    pct = [math.floor(100 * newest[k] + 0.5) for k in ("train_accuracy", "test_accuracy")]  # JS Math.round
    accuracy = f"{pct[0]}% · {pct[1]}%"
    assert key.locator(".lv-v-acc").inner_text() == accuracy
    lab.assert_clean()


def test_loss_curve_grows_while_playing(lab) -> None:
    lab.open()
    start = points(lab)
    lab.page.locator("#btn-play").click()
    lab.page.wait_for_function("document.querySelector('#btn-play').getAttribute('aria-pressed') === 'true'")
    lab.page.wait_for_function(f"Number(document.querySelector('#loss-view').dataset.points) > {start + 20}")
    middle = points(lab)
    lab.page.wait_for_function(f"Number(document.querySelector('#loss-view').dataset.points) > {middle + 20}")
    assert lab.page.locator("#phase-indicator").get_attribute("data-phase") == "playing"
    lab.screenshot("20-playing")
    lab.page.locator("#btn-play").click()
    lab.page.wait_for_function("document.querySelector('#btn-play').getAttribute('aria-pressed') === 'false'")
    assert lab.step_count() > 40
    lab.assert_clean()


def test_divergence_names_step_phase_layer_and_the_way_out(lab) -> None:
    lab.open()
    lab.page.select_option("#preset", "diverging_lr")
    lab.page.wait_for_function("document.querySelector('#learning-rate-value').value === '0.3'")
    lab.page.keyboard.press("Space")
    banner = lab.page.locator("#divergence-banner")
    banner.wait_for(state="visible", timeout=20000)
    text = banner.inner_text()
    assert "diverged" in text.lower()
    assert "step" in text and "phase" in text
    assert "learning rate" in text.lower()
    assert lab.page.locator("#btn-play").get_attribute("aria-pressed") == "false"
    body = lab.page.locator("body").inner_text()
    assert "NaN" not in body and "Infinity" not in body
    lab.screenshot("21-diverged")
    # The way out: back before the blow-up, on at a tenth of the rate; the banner goes.
    back = lab.page.locator("#btn-recover")
    assert "0.03" in back.inner_text() and "step 0" in back.inner_text()
    back.click()
    banner.wait_for(state="hidden")
    lab.page.wait_for_function("document.querySelector('#learning-rate-value').value === '0.03'")
    lab.assert_clean()


def test_keyboard_shortcuts(lab) -> None:
    lab.open()
    kb = lab.page.keyboard
    indicator = lab.page.locator(".phase-now")
    kb.press("ArrowRight")
    lab.page.wait_for_function("document.querySelector('.phase-now').innerText === 'forward, layer 1 of 3'")
    kb.press("Shift+ArrowRight")
    lab.page.wait_for_function("document.querySelector('.phase-now').innerText === 'update, all layers'")
    assert lab.step_count() == 1
    kb.press("e")
    lab.page.wait_for_function("/epoch 1/.test(document.querySelector('#counters').innerText)")
    assert lab.step_count() == 25  # 250 training points, batch 10: one epoch is 25 iterations
    kb.press("r")
    lab.page.wait_for_function("/^step 0 /.test(document.querySelector('#counters').innerText)")
    assert indicator.inner_text() == "start of iteration"
    kb.press("Space")
    lab.page.wait_for_function("document.querySelector('#btn-play').getAttribute('aria-pressed') === 'true'")
    kb.press("Space")
    lab.page.wait_for_function("document.querySelector('#btn-play').getAttribute('aria-pressed') === 'false'")
    kb.press("?")
    overlay = lab.page.locator("#help-overlay")
    overlay.wait_for(state="visible")
    assert "Space" in overlay.inner_text() and "presenter" in overlay.inner_text()
    lab.screenshot("22-help-overlay")
    kb.press("Escape")
    overlay.wait_for(state="hidden")
    kb.press("p")
    lab.page.wait_for_selector("body.presenter")
    lab.screenshot("23-presenter-1280x720")
    kb.press("p")
    lab.page.wait_for_selector("body:not(.presenter)")
    lab.assert_clean()
