"""Data without a plane: the boundary view shows every example's output ŷ and loss ℓ as the server computes
them, marks the traced example, and a click on a row traces it."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

STATE = (
    "fetch('/api/sessions/' + JSON.parse(sessionStorage.getItem('backprop-lab:session')).id)"
    ".then((r) => r.json())"
)


def table(lab) -> list[list[str]]:
    """The examples table's training rows as cell texts (the cells shown)."""
    rows: list[list[str]] = lab.page.evaluate(
        "[...document.querySelectorAll('.bv-rows-train tr')]"
        ".map((tr) => [...tr.cells].filter((c) => !c.hidden).map((c) => c.innerText))"
    )
    return rows


def test_lecture_004_shows_h_x_and_its_loss_then_follows_training(lab) -> None:
    lab.open("?preset=lecture004_forward")
    lab.page.wait_for_selector(".bv-rows:not([hidden]) .bv-rows-train tr")
    assert table(lab) == [["0", "1.5", "\u22121", "1.3", "1", "0.489", "0.2611"]]  # ℓ = (0.489 − 1)²
    assert lab.page.locator(".bv-rows-train tr.traced").count() == 1
    lab.page.keyboard.press("Shift+ArrowRight")  # one iteration: the parameters move, so do ŷ and ℓ
    lab.page.wait_for_function("document.querySelector('.bv-rows').dataset.step === '1'")
    state: Any = lab.page.evaluate(STATE)
    a = [1.5, -1.0, 1.3]  # h(x) through the updated parameters, by hand (ReLU at every layer, the output too)
    for w, b in zip(state["weights"], state["biases"], strict=True):
        z = [sum(wk * ak for wk, ak in zip(row, a, strict=True)) + bj for row, bj in zip(w, b, strict=True)]
        a = [max(0.0, v) for v in z]
    # the iteration ended with its update: ŷ before it (what the network shows), then after it
    row = table(lab)[0]
    assert row[5] == "0.489"
    assert row[6] != "0.489" and float(row[6]) == float(f"{a[0]:.4g}")
    assert float(row[7]) == float(f"{(a[0] - 1.0) ** 2:.4g}")  # sse: (ŷ − y)²
    assert float(row[7]) == float(f"{state['metrics']['train_loss']:.4g}")  # one example: ℓ is the loss
    lab.assert_clean()


def test_a_click_on_a_row_traces_that_example(lab) -> None:
    lab.open("?new")
    config = {
        "dataset": {"inputs": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "targets": [[0.5], [-1], [2]]},
        "output_activation": "linear",
        "loss": "mse",
        "hidden_layers": [2],
    }
    lab.send({"type": "rebuild", "config": config})
    lab.page.wait_for_function("document.querySelectorAll('.bv-rows-train tr').length === 3")
    assert [r[4] for r in table(lab)] == ["0.5", "\u22121", "2"]
    lab.page.locator(".bv-rows-train tr").nth(2).click()
    lab.page.wait_for_function(
        "document.querySelectorAll('.bv-rows-train tr')[2].classList.contains('traced')"
    )
    lab.page.wait_for_function(f"{STATE}.then((s) => s.config.selected === 2)")
    state: Any = lab.page.evaluate(STATE)
    assert state["config"]["selected"] == 2
    lab.page.keyboard.press("ArrowRight")  # the formula panel follows: a⁰ is the third row
    lab.page.wait_for_function("/forward, layer 1/.test(document.querySelector('.phase-now').innerText)")
    assert "(0, 0, 1)" in lab.page.locator("#math-view").inner_text()
    lab.assert_clean()
