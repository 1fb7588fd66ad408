"""The classroom in the browser: a teacher's tab and a student's tab in one test. The teacher opens a room
(join code, URL, QR code), the student joins on /join and follows (the teacher's phase after each step,
read-only controls, the teacher's selection), explores on their own and comes back, the teacher asks the
class and reveals; screenshots at the classroom's screen sizes, presenter mode included."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import VIEWPORT, LabPage, ServerProcess, new_lab_page

TIMEOUT = 15000


CODE = re.compile(r"^[A-HJKMNP-Z2-9]{6}$")


def teacher_opens_a_room(teacher: LabPage) -> str:
    """Click Classroom on a loaded lab page; the room's code as the join screen shows it."""
    teacher.page.click("#btn-classroom")
    code = teacher.page.locator("#join-code")
    expect(code).to_have_text(CODE, timeout=TIMEOUT)
    return code.inner_text()


def phase_text(page: Page) -> str:
    """The phase indicator's text."""
    return page.locator("#phase-indicator").text_content() or ""


def step_phase(teacher: LabPage, student: LabPage) -> str:
    """The teacher steps one phase; once the teacher's page shows it, the student's shows the same phase."""
    before = phase_text(teacher.page)
    teacher.page.click("#btn-step-phase")
    expect(teacher.page.locator("#phase-indicator")).not_to_have_text(before, timeout=TIMEOUT)
    now = phase_text(teacher.page)
    expect(student.page.locator("#phase-indicator")).to_have_text(now, timeout=TIMEOUT)
    return now


def join(student: LabPage, code: str, name: str) -> None:
    """Type the code and the name on /join; the page follows the room."""
    student.page.goto(f"{student.base_url}/join")
    student.page.fill("#join-code-input", code.lower())
    student.page.fill("#join-name-input", name)
    student.page.click("#join-submit")
    student.page.wait_for_url(f"**/r/{code}", timeout=TIMEOUT)
    student.wait_connected()
    expect(student.page.locator("#classroom-banner")).to_contain_text(f"Following room {code} as {name}")


@pytest.fixture
def pair(browser: Browser, server: ServerProcess) -> Any:
    """A teacher's tab and a student's tab, each in its own context (two laptops; two tabs of one context
    would share one window, and the hidden one would be throttled)."""
    contexts = [browser.new_context(viewport=VIEWPORT, bypass_csp=True) for _ in range(2)]  # type: ignore[arg-type]
    tabs = [new_lab_page(ctx, server.url) for ctx in contexts]
    yield tabs
    for ctx in contexts:
        ctx.close()


def test_a_student_follows_the_teachers_run_read_only(pair: list[LabPage]) -> None:
    teacher, student = pair
    teacher.open("?preset=lecture004_forward")
    code = teacher_opens_a_room(teacher)
    qr = teacher.page.locator("#join-qr")
    expect(qr).to_be_visible()
    teacher.page.wait_for_function("document.querySelector('#join-qr').naturalWidth > 0", timeout=TIMEOUT)
    assert teacher.page.locator("#join-url").inner_text().endswith(f"/r/{code}")
    teacher.screenshot("classroom-join-screen-1280")
    teacher.page.click("#join-hide")

    join(student, code, "Ada <b>")
    expect(teacher.page.locator("#classroom-counts")).to_contain_text("1 following", timeout=TIMEOUT)
    expect(teacher.page.locator("#classroom-names")).to_contain_text("Ada <b> (following)")
    for _ in range(4):
        step_phase(teacher, student)
        assert student.step_count() == teacher.step_count()
    # the teacher's selection and the formula panel follow
    teacher.page.locator("#network-view [data-layer='1'][data-row='1']").first.click()
    expect(student.page.locator("#math-view .mv-focus")).to_contain_text("layer 1, neuron 2", timeout=TIMEOUT)
    # read-only: the controls are inert, a message sent anyway is refused and changes nothing
    assert student.page.evaluate("document.querySelector('#controls .transport').inert") is True
    before = student.step_count()
    student.page.keyboard.press("ArrowRight")
    student.page.wait_for_timeout(300)
    assert student.step_count() == before == teacher.step_count()
    student.screenshot("classroom-student-following-1280")
    # the view the teacher opens opens on the student's page too
    teacher.page.click("#view-tabs [data-view='graph']")
    expect(student.page.locator("body")).to_have_attribute("data-view", "graph", timeout=TIMEOUT)
    expect(student.page.locator("#view-graph")).to_be_visible()
    teacher.page.click("#view-tabs [data-view='lab']")
    expect(student.page.locator("body")).to_have_attribute("data-view", "lab", timeout=TIMEOUT)

    # explore on my own: the same numbers, every control; back to class follows again
    student.page.click("#btn-explore")
    expect(student.page.locator("#classroom-banner")).to_contain_text(
        "Exploring on your own", timeout=TIMEOUT
    )
    student.wait_connected()
    assert student.page.evaluate("document.querySelector('#controls .transport').inert") is False
    student.page.click("#btn-step-iteration")
    expect(student.page.locator("#counters")).not_to_have_text(teacher.page.locator("#counters").inner_text())
    assert teacher.step_count() == before  # the teacher's run did not move
    student.page.click("#btn-back-to-class")
    expect(student.page.locator("#classroom-banner")).to_contain_text("Following room", timeout=TIMEOUT)
    step_phase(teacher, student)

    # lock: exploring is refused
    teacher.page.click("#classroom-lock")
    expect(student.page.locator("#btn-explore")).to_be_disabled(timeout=TIMEOUT)
    teacher.page.click("#classroom-lock")
    expect(student.page.locator("#btn-explore")).to_be_enabled(timeout=TIMEOUT)

    # closing the room tells the student
    teacher.page.click("#classroom-close")
    teacher.page.click("#classroom-close")
    expect(student.page.locator("#classroom-banner")).to_contain_text("has closed", timeout=TIMEOUT)
    expect(teacher.page.locator("#classroom-panel")).to_be_hidden()
    teacher.assert_clean()
    student.assert_clean()


def test_ask_the_class_round_trip(pair: list[LabPage]) -> None:
    teacher, student = pair
    teacher.open("?preset=lecture004_forward")  # lecture 004: x = (1.5, −1, 1.3) gives ŷ = 0.489
    code = teacher_opens_a_room(teacher)
    teacher.page.click("#join-hide")
    join(student, code, "Bo")
    expect(teacher.page.locator("#classroom-counts")).to_contain_text("1 following", timeout=TIMEOUT)
    # the teacher's "hide answers" is the room's: ŷ = 0.489 waits for the forward pass on both screens
    out = student.page.locator(".bv-rows-train td.bv-rows-out").first
    expect(out).to_have_text("0.489", timeout=TIMEOUT)
    teacher.page.keyboard.press("h")
    expect(out).to_have_text("?", timeout=TIMEOUT)
    teacher.page.keyboard.press("h")
    expect(out).to_have_text("0.489", timeout=TIMEOUT)
    teacher.page.click("#classroom-ask")
    teacher.page.select_option("#ask-quantity", "output")
    teacher.page.click("#ask-send")
    card = student.page.locator("#ask-student")
    expect(card).to_be_visible(timeout=TIMEOUT)
    expect(card).to_contain_text("Predict ŷ₁")
    student.page.fill("#ask-answer", "0.5")
    student.page.click("#ask-submit")
    expect(student.page.locator("#ask-mine")).to_contain_text("Your answer: 0.5", timeout=TIMEOUT)
    expect(teacher.page.locator("#ask-status")).to_contain_text("1 of 1 answered", timeout=TIMEOUT)
    expect(teacher.page.locator("#ask-chart .ask-bar")).to_have_count(12)
    expect(teacher.page.locator("#ask-reveal")).to_be_disabled()
    for _ in range(3):  # the forward pass reaches the output: ŷ is computed, and hidden on every screen
        step_phase(teacher, student)
    expect(teacher.page.locator("#ask-reveal")).to_be_enabled(timeout=TIMEOUT)
    for tab in (teacher, student):
        expect(tab.page.locator("#math-view")).to_contain_text(
            "Hidden while the class predicts", timeout=TIMEOUT
        )
        assert tab.page.locator(".bv-rows-train td.bv-rows-out").first.inner_text() == "?"
        assert "?" in tab.page.locator(".lv-v-train").inner_text()  # the loss would give ŷ away
    assert "a 0.31" in student.page.locator("#network-view").inner_text()  # layer 1's values still show
    student.screenshot("classroom-student-question-1280")
    teacher.screenshot("classroom-teacher-answers-1280")
    teacher.page.click("#ask-reveal")
    expect(student.page.locator("#ask-prompt")).to_contain_text("= 0.489", timeout=TIMEOUT)
    expect(student.page.locator("#ask-mine")).to_contain_text("Your answer: 0.5 — off by 0.011")
    expect(teacher.page.locator("#ask-status")).to_contain_text("= 0.489")
    for tab in (teacher, student):  # revealed: the values come back
        out = tab.page.locator(".bv-rows-train td.bv-rows-out").first
        expect(out).to_have_text("0.489", timeout=TIMEOUT)
    student.screenshot("classroom-student-revealed-1280")
    teacher.page.click("#ask-dismiss")
    expect(card).to_be_hidden(timeout=TIMEOUT)
    teacher.assert_clean()
    student.assert_clean()


def test_the_join_screen_is_large_in_presenter_mode(pair: list[LabPage]) -> None:
    teacher, student = pair
    teacher.open("?preset=lecture004_forward")
    teacher.page.keyboard.press("p")
    teacher.page.wait_for_selector("body.presenter")
    code = teacher_opens_a_room(teacher)
    teacher.page.wait_for_function("document.querySelector('#join-qr').naturalWidth > 0", timeout=TIMEOUT)
    for width, height in ((1024, 768), (1920, 1080)):
        teacher.page.set_viewport_size({"width": width, "height": height})
        teacher.page.wait_for_timeout(200)
        box = teacher.page.locator("#join-qr").bounding_box()
        assert box is not None and box["height"] >= 0.5 * height and box["width"] == box["height"]
        assert box["y"] >= 0 and box["y"] + box["height"] <= height  # all of it on screen
        code_box = teacher.page.locator("#join-code").bounding_box()
        assert code_box is not None and code_box["height"] >= 0.08 * height
        teacher.screenshot(f"classroom-presenter-join-{width}x{height}")
    teacher.page.click("#join-hide")
    join(student, code, "Cy")
    for width, height in ((1024, 768), (1920, 1080)):
        for tab in (teacher, student):
            tab.page.set_viewport_size({"width": width, "height": height})
        step_phase(teacher, student)
        teacher.screenshot(f"classroom-presenter-teacher-{width}x{height}")
        student.screenshot(f"classroom-student-{width}x{height}")
    teacher.assert_clean()
    student.assert_clean()


def test_an_unknown_code_is_said_on_the_join_page(lab: LabPage) -> None:
    lab.page.goto(f"{lab.base_url}/join")
    lab.page.fill("#join-code-input", "00")
    lab.page.click("#join-submit")
    expect(lab.page.locator("#join-error")).to_contain_text("6 characters")
    lab.page.fill("#join-code-input", "zz-zz-zz")
    lab.page.click("#join-submit")
    expect(lab.page.locator("#join-error")).to_contain_text("ZZZZZZ", timeout=TIMEOUT)
    response = lab.page.goto(f"{lab.base_url}/r/ZZZZZY")
    assert response is not None and response.status == 404
    expect(lab.page.locator("#join-problem")).to_contain_text("ZZZZZY")
    lab.screenshot("classroom-join-unknown")


def test_the_teacher_keeps_the_room_across_a_reload(pair: list[LabPage]) -> None:
    teacher, student = pair
    teacher.open("?preset=lecture004_forward")
    code = teacher_opens_a_room(teacher)
    teacher.page.click("#join-hide")
    join(student, code, "Di")
    teacher.page.reload()
    teacher.wait_connected()
    expect(teacher.page.locator("#classroom-panel")).to_contain_text(f"Room {code}", timeout=TIMEOUT)
    step_phase(teacher, student)  # the token came back with the tab: its control is the teacher's still
    expect(teacher.page.locator("#toasts")).not_to_contain_text("read-only")
    # the student's reload is the same student, following again
    student.page.reload()
    student.wait_connected()
    expect(student.page.locator("#classroom-banner")).to_contain_text(f"Following room {code} as Di")
    step_phase(teacher, student)
    expect(teacher.page.locator("#classroom-names")).to_have_text("Di (following)", timeout=TIMEOUT)
    teacher.assert_clean()
    student.assert_clean()
