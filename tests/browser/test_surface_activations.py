"""The Surface and Activations views on a trained network: two weights picked by their names give the
contour with the run's path and the current point; a refused resolution is said next to its box; the names
follow the notation; the activations' curves, the histogram of layer 1's z with its counts, and lecture
001's table; both views fit 1024×768 and 1920×1080, presenter mode included, without the page scrolling."""

from __future__ import annotations

import pytest

from tests.browser.test_notation import set_notation

pytestmark = pytest.mark.browser

PLOT = """(id) => {
  const plot = document.getElementById(id);
  return (plot.data || []).map((t) => ({type: t.type, n: (t.x || []).length, y: t.y}));
}"""
FITS = """() => [
  document.documentElement.scrollHeight <= innerHeight, document.documentElement.scrollWidth <= innerWidth
]"""


def test_surface_and_activations_views(lab) -> None:
    page = lab.page
    lab.open()
    page.keyboard.press("e")
    page.keyboard.press("e")
    page.wait_for_function(
        "document.querySelector('#counters').textContent.replace(/\\s/g, '').startsWith('step50')"
    )

    page.locator("[data-view='surface']").click()
    page.wait_for_selector("#view-surface[data-state='ready']", timeout=20000)
    page.locator("#sv-first").select_option("weight:1:0:0")
    page.wait_for_selector("#view-surface[data-state='ready']")
    page.locator("#sv-second").select_option("weight:1:0:1")
    page.wait_for_function(
        "document.querySelector('#sv-plot').layout?.yaxis.title.text === 'W¹₁₂'", timeout=20000
    )
    page.wait_for_selector("#view-surface[data-state='ready']")
    traces = page.evaluate(PLOT, "sv-plot")
    assert [t["type"] for t in traces] == ["contour", "scatter", "scatter", "scatter"]
    assert traces[0]["n"] == 41 and traces[1]["n"] == 51  # steps 0..50, every one recorded
    assert page.locator("#sv-plot .contourlayer path").count() > 10  # the contour is drawn
    assert page.locator("#view-surface").get_attribute("data-step") == "50"
    assert "Step 50: L = " in page.locator("#sv-note").inner_text()
    page.locator("#sv-resolution").fill("500")
    page.locator("#sv-resolution").press("Enter")
    page.wait_for_selector("#view-surface[data-state='error']")
    assert "between 5 and 101" in page.locator("#sv-resolution-error").inner_text()
    page.locator("#sv-resolution").fill("31")
    page.locator("#view-surface .sv-recompute").click()
    page.wait_for_selector("#view-surface[data-state='ready']")
    assert page.evaluate(PLOT, "sv-plot")[0]["n"] == 31

    set_notation(lab, "columns")  # w⁽¹⁾₂₁: from neuron 2 of layer 0 to neuron 1 of layer 1
    page.wait_for_function("document.querySelector('#sv-plot').layout.yaxis.title.text === 'w⁽¹⁾₂₁'")
    assert page.locator("#sv-second option:checked").inner_text().startswith("w⁽¹⁾₂₁")
    for size in ({"width": 1024, "height": 768}, {"width": 1920, "height": 1080}):
        page.set_viewport_size(size)
        assert page.evaluate(FITS) == [True, True]
    lab.screenshot("surface-1920x1080")

    page.locator("[data-view='activations']").click()
    page.wait_for_selector("#view-activations[data-layer='1']", timeout=20000)
    featured = page.locator("#view-activations .av-card.featured")
    assert featured.get_attribute("data-activation") == "tanh"
    assert page.locator("#view-activations .av-card .js-plotly-plot").count() == 7  # every elementwise g
    plot_id = featured.locator(".av-plot").evaluate("(p) => (p.id = 'av-featured-plot')")
    traces = page.evaluate(PLOT, plot_id)
    bars = [t for t in traces if t["type"] == "bar"]
    lines = [t for t in traces if t["type"] == "scatter"]
    assert len(bars) == 2 and len(lines) == 2 and lines[0]["n"] == 401
    assert sum(bars[0]["y"]) == 250 * 4  # layer 1: 4 units over the 250 training examples, all within ±6
    counts = featured.locator(".av-counts").first.inner_text()
    assert counts.startswith("Layer 1: z of 4 units over 250 training examples") and "Saturated" in counts
    assert featured.locator(".av-unit-table tr").count() == 5
    page.locator("#av-table-button").click()
    assert page.locator("#av-lecture").is_visible() and page.locator("#av-lecture tr").count() == 5
    page.locator("#av-layer").select_option("3")
    page.wait_for_selector("#view-activations[data-layer='3']")
    assert (
        page.locator("#view-activations .av-card.featured .av-counts")
        .first.inner_text()
        .startswith("Layer 3")
    )
    page.keyboard.press("p")  # presenter mode
    page.wait_for_selector("body.presenter")
    for size in ({"width": 1024, "height": 768}, {"width": 1920, "height": 1080}):
        page.set_viewport_size(size)
        assert page.evaluate(FITS) == [True, True]
    lab.screenshot("activations-presenter-1920x1080")
    page.keyboard.press("p")
    refused = [e for e in lab.record.errors if "status of 422" in e and e.endswith("/surface)")]
    assert len(refused) == 1  # the resolution refused above, as the browser logs it
    lab.record.errors = [e for e in lab.record.errors if e not in refused]
    lab.assert_clean()
