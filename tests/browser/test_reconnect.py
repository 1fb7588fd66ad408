"""The page survives a server restart: it says it is reconnecting, then finds its own session again (kept by
the server across a clean restart), or after a crash recreates it from the last known configuration and
parameters, and carries on."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ServerProcess, free_port, new_lab_page

pytestmark = pytest.mark.browser


@pytest.fixture
def own_server(log_dir: Path, chromium_path: str, tmp_path: Path):
    """A server only this test uses (it gets restarted), keeping its sessions across clean restarts."""
    proc = ServerProcess(free_port(), log_dir, state_file=str(tmp_path / "sessions.json"))
    proc.start()
    yield proc
    proc.stop()


def session_state(page, server: ServerProcess) -> Any:
    """The server's state of the session the page works on (its id from the page's sessionStorage)."""
    sid = page.evaluate("JSON.parse(sessionStorage.getItem('backprop-lab:session')).id")
    with urllib.request.urlopen(f"{server.url}/api/sessions/{sid}") as res:
        return json.load(res)


@pytest.fixture
def own_lab(context, own_server: ServerProcess):
    """A tab on the test's own server."""
    tab = new_lab_page(context, own_server.url)
    yield tab
    tab.page.close()


def train_and_change_the_rate(lab, server: ServerProcess) -> Any:
    """Train an epoch and change the rate live (so there is something to lose); the server's state."""
    page = lab.page
    lab.open("?preset=xor_2_2_1")
    page.keyboard.press("e")
    page.wait_for_function("/epoch 1/.test(document.querySelector('#counters').innerText)")
    box = page.locator("#learning-rate-value")
    box.fill("0.2")
    box.press("Enter")
    page.wait_for_function("Number(document.querySelector('#loss-view').dataset.marks) === 1")
    lab.assert_clean()
    return session_state(page, server)


def test_finds_its_own_session_after_a_server_restart(own_lab, own_server: ServerProcess) -> None:
    lab = own_lab
    page = lab.page
    before = train_and_change_the_rate(lab, own_server)
    points = page.locator("#loss-view").get_attribute("data-points")

    own_server.stop()
    page.wait_for_selector("#reconnect-banner:not([hidden])", timeout=10000)
    assert page.locator("#connection-status").inner_text() == "reconnecting…"
    lab.screenshot("30-reconnecting")

    own_server.start()
    lab.wait_connected(timeout=20000)
    page.wait_for_selector("#reconnect-banner[hidden]", state="attached")
    # The same session: its step count, loss curve, change mark, parameters and optimizer state.
    after = session_state(page, own_server)
    assert after["id"] == before["id"]
    for key in ("step", "epoch", "weights", "biases", "history", "changes", "config", "metrics"):
        assert after[key] == before[key], key
    page.wait_for_function("Number(document.querySelector('#loss-view').dataset.marks) === 1")
    assert page.locator("#loss-view").get_attribute("data-points") == points
    assert page.locator("#learning-rate-value").input_value() == "0.2"
    page.keyboard.press("Shift+ArrowRight")
    page.wait_for_function("document.querySelector('.phase-now').innerText === 'update, all layers'")
    assert session_state(page, own_server)["step"] == before["step"] + 1
    lab.screenshot("31-reconnected")
    # While the server was down the browser logged its refused connections; nothing else went wrong.
    assert [e for e in lab.record.errors if "ERR_CONNECTION_REFUSED" not in e] == []


def test_recreates_its_session_after_a_server_crash(own_lab, own_server: ServerProcess) -> None:
    lab = own_lab
    page = lab.page
    box = page.locator("#learning-rate-value")
    before = train_and_change_the_rate(lab, own_server)

    own_server.stop(crash=True)  # nothing is kept
    page.wait_for_selector("#reconnect-banner:not([hidden])", timeout=10000)
    own_server.start()
    lab.wait_connected(timeout=20000)
    page.wait_for_selector("#reconnect-banner[hidden]", state="attached")
    # A new session with the same network, the same live learning rate and the same parameters.
    after = session_state(page, own_server)
    assert after["id"] != before["id"]
    assert after["config"]["learning_rate"] == 0.2
    for key, value in before["config"].items():
        if key not in ("weights", "biases"):  # explicit initial parameters: now the trained ones
            assert after["config"][key] == value, key
    assert after["weights"] == before["weights"] and after["biases"] == before["biases"]
    assert box.input_value() == "0.2"
    assert page.locator("#layer-count").inner_text() == "1"
    # And it keeps working.
    page.keyboard.press("Shift+ArrowRight")
    page.wait_for_function("document.querySelector('.phase-now').innerText === 'update, all layers'")
    lab.screenshot("32-recreated-after-a-crash")
