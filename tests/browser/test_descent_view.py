"""The Descent view on the page: lecture 002's f with its three learning rates converges, crawls and
oscillates, the step is written out with the path's numbers, and the view fits the screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

# Set DESCENT_SHOTS=/tmp/shots-descent to keep screenshots (1024×768, 1920×1080, presenter) to look at.
SHOTS = os.environ.get("DESCENT_SHOTS", "")

FITS = """() => {
  const doc = document.scrollingElement;
  const r = document.querySelector('#view-descent').getBoundingClientRect();
  const plot = document.querySelector('#descent-plot').getBoundingClientRect();
  return {scrollH: doc.scrollHeight, scrollW: doc.scrollWidth, innerH: innerHeight, innerW: innerWidth,
          bottom: r.bottom, right: r.right, plotW: plot.width, plotH: plot.height};
}"""


def shot(lab, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        lab.page.screenshot(path=f"{SHOTS}/{name}.png")


def fits(lab) -> None:
    m = lab.page.evaluate(FITS)
    assert m["scrollH"] <= m["innerH"] and m["scrollW"] <= m["innerW"], m
    assert m["bottom"] <= m["innerH"] + 0.5 and m["right"] <= m["innerW"] + 0.5, m
    assert m["plotW"] >= 250 and m["plotH"] >= 250, m


def test_lecture002s_three_rates_converge_crawl_and_oscillate(lab) -> None:
    page = lab.page
    page.set_viewport_size({"width": 1024, "height": 768})
    lab.open("?view=descent")
    root = page.locator("#view-descent")
    page.wait_for_selector("#view-descent[data-verdict='converges']", timeout=15000)
    assert page.locator("#descent-function").input_value() == "1.5*x**2 + y**2 + 2"
    page.wait_for_selector("#descent-plot .contour")
    results = {}
    for rate, verdict in (("0.1", "converges"), ("0.001", "crawls"), ("0.665757", "oscillates")):
        page.click(f"#descent-rate-{rate.replace('.', '_')}")
        page.wait_for_selector(f"#view-descent[data-verdict='{verdict}']")
        assert page.locator("#descent-eta").input_value() == rate
        assert page.locator(f"#descent-rate-{rate.replace('.', '_')}").get_attribute("aria-pressed") == "true"
        eta = float(rate)
        factors = page.locator("#descent-factors").get_attribute("data-factors") or ""
        assert [float(v) for v in factors.split(",")] == [1 - 3 * eta, 1 - 2 * eta]
        # three steps, then the update written out is x_3 = x_2 − η·∂f/∂x with the path's numbers
        page.click("#descent-reset")
        for _ in range(3):
            page.click("#descent-step")
        assert root.get_attribute("data-step") == "3"
        x2, x3 = 4 * (1 - 3 * eta) ** 2, 4 * (1 - 3 * eta) ** 3
        assert page.locator("#descent-update").get_attribute("data-from") == "2"
        latex = page.locator("#descent-update").get_attribute("data-tex") or ""
        assert f"{x2:.6g}".replace("e-0", "e-") in latex or f"{x2:.6g}" in latex, latex
        assert latex.count(f"{float(f'{x3:.6g}'):g}") >= 1, latex
        results[rate] = page.locator("#descent-verdict").inner_text().lower()
        assert "1 − ηλ" in page.locator("#descent-rule").inner_text()
        shot(lab, f"1024x768-eta-{rate}")
    assert results == {"0.1": "converges", "0.001": "crawls", "0.665757": "oscillates"}
    # the view's keys: → steps, ← goes back, r resets; a click on the contour sets the start
    page.locator("#descent-plot").click(position={"x": 60, "y": 60})
    page.wait_for_function("document.querySelector('#descent-start-x').value !== '4'")
    x0, y0 = (
        float(page.locator("#descent-start-x").input_value()),
        float(page.locator("#descent-start-y").input_value()),
    )
    assert x0 < 0 < y0  # the plot's upper left
    page.wait_for_function(f"document.querySelector('#descent-update').dataset.tex.includes('{x0:g}')")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    assert root.get_attribute("data-step") == "1"
    page.keyboard.press("r")
    assert root.get_attribute("data-step") == "0"
    assert "0.666667" in (page.locator("#descent-threshold").get_attribute("data-tex") or "")  # 2/λ_max = 2/3
    fits(lab)

    # past the threshold the path leaves: it stops where it stops being finite and says so
    page.fill("#descent-eta", "5")
    page.press("#descent-eta", "Enter")
    page.wait_for_selector("#view-descent[data-verdict='diverges']")
    page.wait_for_selector("#descent-stopped:not([hidden])")
    assert "the path stops at step" in page.locator("#descent-stopped").inner_text()
    # a bad function is named next to its field
    page.fill("#descent-function", "x + z")
    page.press("#descent-function", "Enter")
    page.wait_for_function("document.querySelector('#descent-function-error').textContent.includes('z')")
    page.select_option("#descent-preset", "rosenbrock")
    page.wait_for_selector("#view-descent[data-verdict='none']")
    assert page.locator("#descent-function-error").inner_text() == ""
    page.click("#descent-end")
    shot(lab, "1024x768-rosenbrock")

    page.select_option("#descent-preset", "lecture002")
    page.click("#descent-rate-0_665757")
    page.wait_for_selector("#view-descent[data-verdict='oscillates']")
    page.click("#descent-end")
    for size, name in (((1920, 1080), "1920x1080"),):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.wait_for_timeout(300)
        fits(lab)
        shot(lab, name)
        page.keyboard.press("p")
        page.wait_for_selector("body.presenter")
        page.wait_for_timeout(300)
        fits(lab)
        shot(lab, f"{name}-presenter")
        page.keyboard.press("p")
    # the refused function's 422 is the browser's "failed to load" line; anything else is an error
    lab.record.errors[:] = [e for e in lab.record.errors if "422" not in e or "/api/descent" not in e]
    lab.assert_clean()
