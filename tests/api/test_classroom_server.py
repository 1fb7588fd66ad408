"""A real `python -m app` on every interface (BACKPROP_HOST=0.0.0.0), as in a lecture hall: it answers the
machine's own addresses and nothing else, refuses a foreign Origin, says at startup where students join and
gives a teacher on loopback a join URL a student's laptop can open."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from app.netaddr import primary_address
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.server

LOG_WAIT_SECONDS = 10.0


def ask(
    address: str, port: int, method: str, path: str, host: str, body: Any = None, **headers: str
) -> tuple[int, Any]:
    """One request to `address`:`port` carrying `host` as its Host header; (status, JSON body or None)."""
    connection = http.client.HTTPConnection(address, port, timeout=10)
    try:
        sent = {"Host": host, **headers}
        if body is not None:
            sent["Content-Type"] = "application/json"
        connection.request(method, path, None if body is None else json.dumps(body), sent)
        answer = connection.getresponse()
        text = answer.read()
        return answer.status, json.loads(text) if text else None
    finally:
        connection.close()


def logged(server: LiveServer, text: str) -> bool:
    """Whether the server's log shows `text` within LOG_WAIT_SECONDS."""
    deadline = time.monotonic() + LOG_WAIT_SECONDS
    while not any(text in line for line in server.log) and time.monotonic() < deadline:
        time.sleep(0.05)
    return any(text in line for line in server.log)


@pytest.fixture
def classroom(live_server_factory: Callable[..., LiveServer]) -> LiveServer:
    """A real server listening on every interface on a free port."""
    return live_server_factory(host="0.0.0.0")


def test_on_every_interface_only_this_machine_is_served(classroom: LiveServer) -> None:
    port = classroom.port
    assert ask("127.0.0.1", port, "GET", "/api/meta", f"127.0.0.1:{port}")[0] == 200
    assert ask("127.0.0.1", port, "GET", "/api/meta", f"localhost:{port}")[0] == 200
    primary = primary_address()
    if primary is not None:  # reached at the address students use
        assert ask(primary, port, "GET", "/api/meta", f"{primary}:{port}")[0] == 200
    for foreign in [f"203.0.113.77:{port}", "evil.example", f"0.0.0.0:{port}"]:
        status, body = ask("127.0.0.1", port, "GET", "/api/meta", foreign)
        assert status == 400 and "is not served here" in body["detail"], (foreign, body)
    status, body = ask(
        "127.0.0.1", port, "POST", "/api/sessions", f"127.0.0.1:{port}", {}, Origin="http://evil.example"
    )
    assert status == 403 and "may not change sessions" in body["detail"], body
    own = {"Origin": f"http://127.0.0.1:{port}"}
    assert ask("127.0.0.1", port, "POST", "/api/sessions", f"127.0.0.1:{port}", {}, **own)[0] == 201


def test_students_are_told_where_to_join(classroom: LiveServer) -> None:
    port = classroom.port
    primary = primary_address()
    expected = f"students join at http://{primary}:{port}/join" if primary else "no network address found"
    assert logged(classroom, expected), "".join(classroom.log)
    status, session = ask("127.0.0.1", port, "POST", "/api/sessions", f"127.0.0.1:{port}", {})
    assert status == 201, session
    status, room = ask(
        "127.0.0.1", port, "POST", "/api/rooms", f"127.0.0.1:{port}", {"session": session["id"]}
    )
    assert status == 201, room
    link = urlsplit(room["join_url"])
    assert link.path == f"/r/{room['code']}"
    if primary is not None:
        assert (link.hostname, link.port) == (primary, port), room["join_url"]


def test_a_public_url_is_what_students_are_given(live_server_factory: Callable[..., LiveServer]) -> None:
    server = live_server_factory(host="0.0.0.0", public_url="http://lab.example.edu:8000")
    assert logged(server, "students join at http://lab.example.edu:8000/join"), "".join(server.log)
    assert ask("127.0.0.1", server.port, "GET", "/api/meta", "lab.example.edu:8000")[0] == 200
    status, session = ask("127.0.0.1", server.port, "POST", "/api/sessions", "lab.example.edu:8000", {})
    assert status == 201, session
    status, room = ask(
        "127.0.0.1", server.port, "POST", "/api/rooms", "lab.example.edu", {"session": session["id"]}
    )
    assert status == 201 and room["join_url"] == f"http://lab.example.edu:8000/r/{room['code']}", room
