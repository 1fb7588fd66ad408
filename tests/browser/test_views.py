"""The views' tabs: every lecture view opens from the lab in one click and starts, the URL follows the tab,
`?view=` opens one, and on the views that step on their own the lab's stepping keys leave the run alone."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from tests.browser.conftest import LabPage

TIMEOUT = 15000
VIEWS = ["graph", "descent", "surface", "activations", "diagnostics", "restarts"]


def test_every_view_opens_in_one_click_and_the_url_follows(lab: LabPage) -> None:
    lab.open("?new")
    for name in VIEWS:
        lab.page.click(f"#view-tabs [data-view='{name}']")
        section = lab.page.locator(f"#view-{name}")
        expect(section).to_be_visible(timeout=TIMEOUT)
        expect(lab.page.locator(f"#tab-{name}")).to_have_attribute("aria-selected", "true")
        assert parse_qs(urlparse(lab.page.url).query)["view"] == [name]
        # the lab's panels are covered, not laid out anew, and take no input
        assert lab.page.evaluate("document.querySelector('#workspace').inert") is True
        assert "failed to start" not in section.inner_text()
    lab.page.click("#view-tabs [data-view='lab']")
    expect(lab.page.locator("#network-view")).to_be_visible()
    assert "view" not in parse_qs(urlparse(lab.page.url).query)
    assert lab.page.evaluate("document.querySelector('#workspace').inert") is False
    lab.assert_clean()


def test_a_view_opened_by_url_keeps_the_stepping_keys_to_itself(lab: LabPage) -> None:
    lab.open("?new&view=graph")
    expect(lab.page.locator("#view-graph")).to_be_visible(timeout=TIMEOUT)
    before = lab.step_count()
    phase = lab.page.locator("#phase-indicator").inner_text()
    lab.page.locator("body").press("ArrowRight")
    lab.page.locator("body").press("Shift+ArrowRight")
    lab.page.wait_for_timeout(300)
    assert lab.step_count() == before
    assert lab.page.locator("#phase-indicator").inner_text() == phase  # the lab's run did not move
    # on a view about the run, the lab's keys work as ever
    lab.page.click("#view-tabs [data-view='diagnostics']")
    lab.page.keyboard.press("Escape")  # the focus leaves the tab (where ← / → move between tabs)
    lab.page.keyboard.press("Shift+ArrowRight")
    expect(lab.page.locator("#counters")).to_contain_text("step 1", timeout=TIMEOUT)
    lab.assert_clean()
