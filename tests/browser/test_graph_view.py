"""The Graph view in a real Chromium: f = (x + y)z stepped forward node by node (values in order) and backward
(upstream × local = downstream on the edges, gradients −4, −4, 3 read from the page), with the keys and the
buttons; a lecture example picked; a refused expression shown with its position; no page scrolling at the
classroom sizes, presenter mode included."""

from __future__ import annotations

import pytest

from tests.browser.conftest import LabPage
from tests.browser.screens import set_presenter

pytestmark = pytest.mark.browser
MINUS = "\u2212"


def number(text: str) -> float:
    return float(text.replace(MINUS, "-").replace("∂", "").strip())


def values_shown(lab: LabPage) -> list[str]:
    texts = "els => els.map(e => e.textContent)"
    result: list[str] = lab.page.eval_on_selector_all("#gv-svg [data-node] .gv-value", texts)
    return result


def test_step_the_lecture_graph_forward_and_backward(lab: LabPage) -> None:
    lab.page.set_viewport_size({"width": 1024, "height": 768})
    lab.open("?view=graph")
    page = lab.page
    page.wait_for_selector("#view-graph #gv-svg [data-node='n4']")
    assert page.locator("#gv-values input[data-var]").evaluate_all("els => els.map(e => e.dataset.var)") == [
        "x",
        "y",
        "z",
    ]
    assert values_shown(lab) == [f"{MINUS}2", "5", f"{MINUS}4"]  # the inputs only
    page.keyboard.press("ArrowRight")  # q = x + y
    page.wait_for_function("document.querySelector('#view-graph').dataset.step === '1'")
    assert page.locator("[data-node='n2'] .gv-value").text_content() == "3"
    formula = page.locator("#gv-explain .gv-formula").first
    assert formula.get_attribute("title") == f"q = x + y = ({MINUS}2) + 5 = 3"
    assert formula.locator(".katex").count() == 1  # typeset
    page.keyboard.press("ArrowRight")  # f = qz
    assert page.locator("[data-node='n4'] .gv-value").text_content() == f"{MINUS}12"
    page.keyboard.press("ArrowRight")  # ∂f/∂f = 1
    assert page.locator("[data-node='n4'] .gv-grad").text_content() == "∂ 1"
    page.locator("#gv-next").click()  # f hands back: to q 1 × z = −4, to z 1 × q = 3
    labels = page.eval_on_selector_all(".gv-edge-label.gv-fresh", "els => els.map(e => e.textContent)")
    assert sorted(labels) == sorted([f"1 × {MINUS}4 = {MINUS}4", "1 × 3 = 3"])
    assert "multiply" in page.locator("#gv-heading").inner_text()
    assert page.locator("[data-grad-of='z']").inner_text() == "3"
    assert page.locator("[data-grad-of='x']").inner_text() == "·"  # not reached yet
    page.keyboard.press("ArrowLeft")
    assert page.locator(".gv-edge-label").count() == 0
    page.keyboard.press("e")
    assert page.locator("#view-graph").get_attribute("data-phase") == "done"
    grads = {v: number(page.locator(f"[data-grad-of='{v}']").inner_text()) for v in ("x", "y", "z")}
    assert grads == {"x": -4.0, "y": -4.0, "z": 3.0}
    assert page.evaluate("document.scrollingElement.scrollHeight <= innerHeight")

    # a value changed keeps the step; the gradients follow
    page.fill("#gv-value-z", "2")
    page.wait_for_function("document.querySelector(\"[data-grad-of='x']\").textContent === '2'")
    page.keyboard.press("Escape")  # leave the field: the keys are the view's again
    page.keyboard.press("r")
    assert page.locator("#view-graph").get_attribute("data-step") == "0"

    # a lecture example: the sigmoid neuron, all the way
    page.select_option("#gv-example", "neuron")
    page.wait_for_selector("#gv-value-w0")
    page.wait_for_function("document.querySelectorAll('#gv-svg [data-node]').length === 10")
    page.locator("#gv-end").click()
    assert number(page.locator("[data-grad-of='w0']").inner_text()) == pytest.approx(-0.1966, abs=1e-4)
    assert number(page.locator("[data-grad-of='x0']").inner_text()) == pytest.approx(0.3932, abs=1e-4)

    # a refused expression: the server's sentence next to the field, its position marked
    page.fill("#gv-expression", "x + foo(y)")
    page.wait_for_selector("#gv-error:not([hidden]) mark")
    assert "unknown function 'foo'" in page.locator("#gv-error").inner_text()
    assert page.locator("#gv-error mark").get_attribute("data-position") == "4"
    assert page.locator("#gv-expression").get_attribute("aria-invalid") == "true"
    page.fill("#gv-expression", "1 / (x - 2)")
    page.fill("#gv-value-x", "2")
    page.wait_for_function("document.querySelector('#gv-error').textContent.includes('division by zero')")
    page.fill("#gv-value-x", "3")
    page.wait_for_selector("#gv-error", state="hidden")
    page.keyboard.press("Escape")

    for width, height in ((1024, 768), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        set_presenter(lab, True)
        page.select_option("#gv-example", "logistic")
        page.wait_for_function("document.querySelectorAll('#gv-svg [data-node]').length > 15")
        page.locator("#gv-end").click()
        assert page.evaluate("document.scrollingElement.scrollHeight <= innerHeight"), (width, height)
        lab.screenshot(f"graph-presenter-{width}x{height}")
        set_presenter(lab, False)
    # Chromium logs every refused request as a console error: the 422s asked for above, and nothing else.
    refused = [e for e in lab.record.errors if "status of 422" in e and "/api/graph" in e]
    assert refused
    lab.record.errors[:] = [e for e in lab.record.errors if e not in refused]
    lab.assert_clean()
