"""The Diagnostics and Restarts views in a real browser: the vanishing gradient's norms per layer, dead and
saturated counts, the gradient check's verdict one click from the lab; four seeds, and keeping the best
switches the page to a run whose loss is the best curve's last point."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("BL_SHOTS", "/tmp/shots-diag"))


def shoot(lab, name: str) -> None:
    """Screenshots at 1024×768 and 1920×1080, and in presenter mode, into SHOTS (looked at by hand)."""
    if not os.environ.get("BL_SHOTS"):
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    for w, h in ((1024, 768), (1920, 1080)):
        lab.page.set_viewport_size({"width": w, "height": h})
        lab.page.wait_for_timeout(400)
        lab.page.screenshot(path=str(SHOTS / f"{name}-{w}x{h}.png"))
    lab.page.keyboard.press("p")
    lab.page.wait_for_timeout(400)
    lab.page.screenshot(path=str(SHOTS / f"{name}-presenter-1920x1080.png"))
    lab.page.keyboard.press("p")
    lab.page.set_viewport_size({"width": 1280, "height": 800})


def no_page_scroll(lab) -> None:
    assert lab.page.evaluate("document.documentElement.scrollHeight <= innerHeight + 1")


def test_diagnostics_show_the_vanishing_gradient_and_the_gradient_check(lab) -> None:
    lab.open("?preset=vanishing_sigmoid&view=diagnostics")
    view = lab.page.locator("#view-diagnostics")
    view.wait_for(state="visible")
    lab.page.wait_for_selector("#view-diagnostics[data-loaded='1']")
    for _ in range(2):
        lab.page.locator("#btn-step-epoch").click()
        lab.page.wait_for_timeout(200)
    plot = view.locator(".diag-plot")
    lab.page.wait_for_function(
        "Number(document.querySelector('#view-diagnostics .diag-plot').dataset.points) >= 2"
    )
    assert plot.get_attribute("data-layers") == "7"
    norms = json.loads(plot.get_attribute("data-last") or "null")
    assert norms[0] < 0.01 * norms[5]  # ‖∂L/∂W¹‖ ≪ ‖∂L/∂W⁶‖
    assert view.locator(".diag-plot .scatterlayer .trace").count() == 7
    rows = view.locator(".diag-counts tbody tr")
    assert rows.count() == 7 and rows.nth(0).locator(".diag-dead").inner_text() == "—"
    assert "Dead ReLU" in view.inner_text() and "Saturated" in view.inner_text()
    # the gradient check, from the header in one click
    lab.page.locator("#tab-lab").click()
    lab.page.locator("#btn-gradcheck").click()
    lab.page.wait_for_selector("#view-diagnostics .diag-check-result[data-verdict]", timeout=20000)
    # W¹'s entries are ~1e-6 here: the differences' round-off (~1e-16·L/h) leaves them "close", not exact
    assert view.locator(".diag-check-result").get_attribute("data-verdict") in ("agrees", "close")
    assert view.locator(".diag-check-result tbody tr").count() == 7
    assert "Below 1e-7 agrees" in view.locator(".diag-check-result").inner_text()
    no_page_scroll(lab)
    shoot(lab, "diagnostics-sigmoid")
    # zero init: identical rows, and a ReLU check near a kink
    lab.open("?preset=zero_init_symmetry&view=diagnostics")
    lab.page.wait_for_selector("#view-diagnostics .diag-rows")
    assert lab.page.locator("#view-diagnostics .diag-same").count() >= 2
    assert "stay identical forever" in lab.page.locator("#view-diagnostics .diag-symmetry").inner_text()
    shoot(lab, "diagnostics-zero-init")
    lab.assert_clean()


def test_restarts_run_four_seeds_and_keep_the_best(lab) -> None:
    lab.open("?view=restarts")
    view = lab.page.locator("#view-restarts")
    view.wait_for(state="visible")
    view.locator("input[name=epochs]").fill("400000")
    view.locator(".rs-run").click()
    error = view.locator(".rs-field-error[data-field=epochs]")
    error.wait_for(state="visible")
    assert "epochs" in error.inner_text()
    expected = [e for e in lab.record.errors if "422" in e and "/restarts" in e]  # the refused request
    assert len(expected) == 1
    lab.record.errors.remove(expected[0])
    view.locator("input[name=runs]").fill("4")
    view.locator("input[name=epochs]").fill("5")
    view.locator(".rs-run").click()
    lab.page.wait_for_selector("#view-restarts[data-runs='4']", timeout=20000)
    assert view.locator(".rs-plot .scatterlayer .trace").count() == 4
    best_seed = view.get_attribute("data-best")
    best_loss = float(view.get_attribute("data-best-loss") or "nan")
    assert f"seed {best_seed}" in view.locator(".rs-best").inner_text()
    no_page_scroll(lab)
    shoot(lab, "restarts")
    old = lab.page.evaluate("JSON.parse(sessionStorage.getItem('backprop-lab:session')).id")
    view.locator(".rs-keep").click()
    lab.page.wait_for_function(
        "(old) => { const s = JSON.parse(sessionStorage.getItem('backprop-lab:session'));"
        " return s && s.id !== old; }",
        arg=old,
        timeout=20000,
    )
    kept = lab.page.evaluate("JSON.parse(sessionStorage.getItem('backprop-lab:session')).id")
    assert kept == view.get_attribute("data-kept")
    state = lab.page.evaluate(f"fetch('/api/sessions/{kept}').then((r) => r.json())")
    assert state["config"]["seed"] == int(best_seed or "-1")
    assert state["metrics"]["train_loss"] == best_loss
    assert state["history"][-1]["train_loss"] == best_loss
    lab.page.wait_for_function(
        "(step) => document.querySelector('#counters').textContent.includes(String(step))",
        arg=state["step"],
    )
    lab.assert_clean()
