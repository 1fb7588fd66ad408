"""Runs of one family on the page: the branch dialog makes a run from step k with other settings and the
page switches to it; "same init, other setting" makes a sibling from step 0 with the same initial weights;
compare shows both runs' loss curves on one figure and both decision boundaries side by side."""

from __future__ import annotations

import pytest

from tests.browser.timeline import branch, rest, scrub_to, session_id, train_to, wait_run, wait_step

pytestmark = pytest.mark.browser

# The compare figure's traces (name, points), its vertical lines, and the share of each boundary canvas that
# is painted (the heatmap fills the plot square; the points and axes alone cover a few per cent).
COMPARE = """() => {
  const p = document.querySelector('#compare-plot');
  const traces = (p.data || []).map((t) => ({name: t.name, n: t.x.length}));
  const painted = [...document.querySelectorAll('#compare-overlay canvas.cv-boundary')].map((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let opaque = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) opaque++;
    return opaque / (c.width * c.height);
  });
  const shapes = (p.layout?.shapes || []).map((s) => s.x0);
  return {traces, painted, shapes};
}"""


def test_the_branch_dialog_makes_a_run_from_that_step_and_the_page_switches(lab) -> None:
    lab.open("?new")
    train_to(lab, 10)
    parent = session_id(lab)
    scrub_to(lab, 4)
    weights4 = rest(lab, parent)["weights"]
    lab.page.click("#btn-branch-here")
    dialog = lab.page.locator("#branch-overlay")
    dialog.wait_for(state="visible")
    assert lab.page.input_value("#branch-learning-rate") == "0.03"
    lab.screenshot("timeline-branch-dialog-1280x720")
    # A value that is not a number is said in the dialog, which stays open.
    lab.page.fill("#branch-learning-rate", "fast")
    lab.page.click("#branch-ok")
    assert "Learning rate η" in lab.page.locator("#branch-error").inner_text()
    child = branch(lab, "0.003")
    assert child != parent
    state = rest(lab, child)
    assert state["parent"] == {"id": parent, "step": 4}
    assert state["step"] == 4 and state["weights"] == weights4
    assert state["config"]["learning_rate"] == 0.003
    wait_step(lab, 4)
    assert lab.page.input_value("#learning-rate-value") == "0.003"
    # The parent is kept as it was, and its timeline names the branch.
    timeline = rest(lab, f"{parent}/timeline")
    assert timeline["latest"] == 10
    assert [b["id"] for b in timeline["branches"]] == [child]
    # The run picker lists both; switching back to the parent works.
    options = lab.page.locator("#run-select option").all_inner_texts()
    assert len(options) == 2 and any("parent" in o for o in options), options
    lab.page.select_option("#run-select", parent)
    wait_run(lab, parent)
    lab.page.wait_for_function("document.querySelector('#learning-rate-value').value === '0.03'")
    lab.assert_clean()


def test_same_init_other_setting_makes_a_sibling_from_step_0(lab) -> None:
    lab.open("?new")
    parent = session_id(lab)
    initial = rest(lab, parent)["weights"]
    train_to(lab, 8)
    lab.page.click("#btn-sibling")
    sibling = branch(lab, "0.3")
    state = rest(lab, sibling)
    assert state["parent"] == {"id": parent, "step": 0}
    assert state["step"] == 0 and state["weights"] == initial
    assert state["config"]["learning_rate"] == 0.3
    branches = rest(lab, f"{parent}/timeline")["branches"]
    assert [(b["id"], b["reason"]) for b in branches] == [(sibling, "sibling")]
    lab.assert_clean()


def test_compare_shows_both_loss_curves_and_both_boundaries(lab) -> None:
    lab.open("?new")
    train_to(lab, 30)
    scrub_to(lab, 10)
    lab.page.click("#btn-branch-here")
    branch(lab, "0.003")
    wait_step(lab, 10)
    lab.send({"type": "step", "unit": "iteration", "count": 20})
    wait_step(lab, 30)
    lab.page.click("#btn-compare")
    overlay = lab.page.locator("#compare-overlay")
    overlay.wait_for(state="visible")
    lab.page.wait_for_function("document.querySelector('#compare-overlay').dataset.step === '30'")
    m = lab.page.evaluate(COMPARE)
    names = [t["name"] for t in m["traces"]]
    assert any("η = 0.003" in n for n in names) and any("η = 0.03" in n for n in names), names
    assert all(t["n"] >= 2 for t in m["traces"]), m["traces"]
    assert 10 in m["shapes"], m["shapes"]  # the branch point
    assert len(m["painted"]) == 2 and all(share > 0.25 for share in m["painted"]), m["painted"]
    text = overlay.inner_text()
    assert "this run" in text and "parent" in text
    lab.screenshot("timeline-compare-1280x720")
    # The step slider moves both boundaries to another step.
    lab.page.locator("#compare-step").fill("12")
    lab.page.wait_for_function("document.querySelector('#compare-overlay').dataset.step === '12'")
    assert "step 12" in lab.page.locator("#compare-run-a").inner_text()
    lab.page.keyboard.press("Escape")
    overlay.wait_for(state="hidden")
    lab.assert_clean()


def test_the_way_out_of_a_divergence_is_a_branch_the_page_switches_to(lab) -> None:
    lab.open("?new")
    lab.page.select_option("#preset", "diverging_lr")
    lab.page.wait_for_function("document.querySelector('#learning-rate-value').value === '0.3'")
    diverged = session_id(lab)
    lab.page.keyboard.press("Space")
    button = lab.page.locator("#btn-recover")
    button.wait_for(state="visible", timeout=20000)
    assert "branch at η = 0.03" in button.inner_text(), button.inner_text()
    button.click()
    wait_run(lab, diverged, same=False)
    child = session_id(lab)
    state = rest(lab, child)
    assert state["parent"]["id"] == diverged and state["config"]["learning_rate"] == 0.03
    lab.page.wait_for_selector("#divergence-banner", state="hidden")
    # The run that diverged is kept; its timeline names the way out, and the page lists it as the parent.
    branches = rest(lab, f"{diverged}/timeline")["branches"]
    assert [(b["id"], b["reason"]) for b in branches] == [(child, "recover")]
    lab.page.wait_for_function("document.querySelector('#timeline-view').dataset.runs === '2'")
    assert "parent" in lab.page.locator("#run-select").inner_text()
    lab.assert_clean()
