"""Coherent choices and clear messages: the loss picker refuses losses the data cannot fit, the activation
control says why it is off, the batch size in use is the one shown, typed numbers that are not numbers are
named next to their box, and errors use the page's labels in one stack that covers no view a class reads."""

from __future__ import annotations

import json
import urllib.request
from itertools import pairwise

import pytest

pytestmark = pytest.mark.browser

RECT = """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; }"""


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    """Whether two rectangles share any area."""
    across = a["left"] < b["right"] and b["left"] < a["right"]
    return across and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_the_loss_picker_disables_bce_on_regression_targets_with_the_reason(lab) -> None:
    lab.open("?new")
    bumps = {"dataset": "bumps", "output_activation": "sigmoid", "loss": "mse"}
    lab.send({"type": "rebuild", "config": bumps})
    lab.page.wait_for_selector("#output-loss option[value='sigmoid|bce'][disabled]", state="attached")
    option = lab.page.locator("#output-loss option[value='sigmoid|bce']")
    assert "needs targets between 0 and 1" in option.inner_text()
    assert option.is_disabled()
    assert not lab.page.locator("#output-loss option[value='sigmoid|mse']").is_disabled()
    # the new choices are offered: a ReLU output and the L1 loss
    assert lab.page.locator("#output-loss option[value='relu|l1']").count() == 1
    assert "L1" in lab.page.locator("#output-loss option[value='linear|l1']").inner_text()
    # on a classification data set BCE fits again
    circle = {"dataset": "circle", "output_activation": "sigmoid", "loss": "bce"}
    lab.send({"type": "rebuild", "config": circle})
    lab.page.wait_for_function("document.querySelector('#output-loss').value === 'sigmoid|bce'")
    assert not lab.page.locator("#output-loss option[value='sigmoid|bce']").is_disabled()
    lab.screenshot("choices-loss-picker-1280x720")
    lab.assert_clean()


def test_activation_is_disabled_without_hidden_layers_and_batch_shows_the_size_used(lab) -> None:
    lab.open("?new")
    lab.send({"type": "rebuild", "config": {"hidden_layers": []}})
    lab.page.wait_for_selector("#activation[disabled]")
    reason = lab.page.locator("#activation-reason")
    assert reason.is_visible() and "no hidden layer" in reason.inner_text()
    lab.send({"type": "rebuild", "config": {"hidden_layers": [3]}})
    lab.page.wait_for_selector("#activation:not([disabled])")
    assert not lab.page.locator("#activation-reason").is_visible()
    # a batch above the training set (250 of the default 500 points) is full batch: B = 250 everywhere
    lab.send({"type": "set", "changes": {"batch_size": 999}})
    lab.page.wait_for_function("document.querySelector('#batch-size-note').innerText.includes('250')")
    assert lab.page.locator("#batch-size-note").inner_text() == "B = 250 used (the whole training set)"
    lab.page.wait_for_function("document.querySelector('#math-view').innerText.includes('(B = 250)')")
    assert "B = 999" not in lab.math_text()
    lab.page.wait_for_function("document.querySelector('#loss-view').innerText.includes('(= 250, all)')")
    lab.screenshot("choices-batch-note-1280x720")
    lab.assert_clean()


def test_typing_something_that_is_not_a_number_is_said_next_to_the_box(lab) -> None:
    lab.open("?new")
    box = lab.page.locator("#learning-rate-value")
    box.fill("abc")
    box.press("Enter")
    problem = lab.page.locator("#learning-rate-error")
    problem.wait_for(state="visible")
    assert problem.inner_text() == "Learning rate η “abc” is not a number"
    assert box.get_attribute("aria-invalid") == "true"
    box_rect = lab.page.evaluate(RECT, "#learning-rate-value")
    msg_rect = lab.page.evaluate(RECT, "#learning-rate-error")
    assert abs(msg_rect["bottom"] - box_rect["top"]) < 8  # right above the box
    lab.screenshot("choices-not-a-number-1280x720")
    # a value out of range comes back from the server: said next to the box too, with the range
    box.fill("50")
    box.press("Enter")
    lab.page.wait_for_function("document.querySelector('#learning-rate-error').innerText.includes('between')")
    assert problem.inner_text().startswith("must be between 1e-05 and 10")  # under the box's own label
    box.fill("0.1")
    box.press("Enter")
    lab.page.wait_for_function("document.querySelector('#learning-rate-value').value === '0.1'")
    assert not problem.is_visible()
    # the in-place editor of a bias (and of a weight) says it too
    lab.page.locator("#network-view .nv-bias-box").first.click()
    editor = lab.page.locator("#network-view .nv-editor input")
    editor.wait_for(state="visible")
    editor.fill("abc")
    editor.press("Enter")
    hint = lab.page.locator("#network-view .nv-editor-hint")
    assert hint.inner_text().endswith("“abc” is not a number")
    assert editor.get_attribute("aria-invalid") == "true"
    lab.screenshot("choices-editor-not-a-number-1280x720")
    lab.assert_clean()


def test_errors_use_the_page_labels_stack_in_one_place_and_can_be_dismissed(lab) -> None:
    for size in ({"width": 1280, "height": 720}, {"width": 1920, "height": 1080}):
        lab.page.set_viewport_size(size)
        lab.open("?new")
        lab.send({"type": "set", "changes": {"learning_rate": 50}})
        lab.send({"type": "rebuild", "config": {"noise": 5}})
        lab.send({"type": "set", "changes": {"batch_size": 0}})
        lab.page.wait_for_function("document.querySelectorAll('#toasts .toast').length === 3")
        text = lab.page.locator("#toasts").inner_text()
        assert "Learning rate η must be between 1e-05 and 10" in text
        assert "Noise must be between 0 and 0.5" in text and "Batch must be between 1" in text
        assert "changes." not in text and "config." not in text and "learning_rate" not in text
        toasts = lab.page.evaluate(
            "[...document.querySelectorAll('#toasts .toast')].map((t) => {"
            " const r = t.getBoundingClientRect();"
            " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })"
        )
        for view in ("#network-view", "#math-view", "#controls"):
            rect = lab.page.evaluate(RECT, view)
            assert not any(overlaps(t, rect) for t in toasts), (view, toasts, rect)
        stack = sorted(toasts, key=lambda t: t["top"])
        assert all(below["top"] >= above["bottom"] for above, below in pairwise(stack))
        lab.screenshot(f"choices-toasts-{size['width']}x{size['height']}")
        lab.page.locator("#toasts .toast button.close").first.click()
        lab.page.wait_for_function("document.querySelectorAll('#toasts .toast').length === 2")
    lab.assert_clean()


def test_the_meta_rule_is_what_the_picker_reads(lab) -> None:
    with urllib.request.urlopen(f"{lab.base_url}/api/meta") as res:
        meta = json.load(res)
    assert meta["target_rules"]["bce"]["needs"] == "targets between 0 and 1"
    assert "l1" in meta["coherent_pairs"]["relu"]
