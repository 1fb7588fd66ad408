"""A real `python -m app` over raw sockets: a client trickling its headers or its body is answered 408 and cut
off within the configured bound (uvicorn alone holds it forever), and a foreign Host is refused on HTTP and
on the socket upgrade."""

from __future__ import annotations

import base64
import json
import os
import socket
from collections.abc import Callable

import pytest

from tests.support.live_server import LiveServer

pytestmark = pytest.mark.server

TRICKLE_SECONDS = 0.25  # between the slow client's bytes
GIVE_UP_SECONDS = 30.0  # far past the bound: a server that never cuts the client off fails here


def trickle(server: LiveServer, head: bytes, drip: bytes) -> bytes:
    """Send `head`, then one `drip` every TRICKLE_SECONDS until the server closes; what it answered."""
    answer = b""
    with socket.create_connection((server.host, server.port), timeout=TRICKLE_SECONDS) as sock:
        sock.sendall(head)
        for _ in range(int(GIVE_UP_SECONDS / TRICKLE_SECONDS)):
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                chunk = None
            except ConnectionResetError:
                return answer
            if chunk == b"":
                return answer
            if chunk:
                answer += chunk
                continue
            try:
                sock.sendall(drip)
            except (BrokenPipeError, ConnectionResetError):
                return answer
    raise AssertionError(f"the server held a slow client for {GIVE_UP_SECONDS} s: {answer!r}")


def _status_and_body(answer: bytes) -> tuple[str, dict[str, str]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode(), json.loads(body)


@pytest.fixture
def strict_server(live_server_factory: Callable[..., LiveServer]) -> LiveServer:
    """A real server whose headers and bodies must arrive within a second."""
    return live_server_factory(header_read_seconds="1", body_read_seconds="1")


def test_a_client_trickling_its_headers_is_cut_off(strict_server: LiveServer) -> None:
    head = f"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1:{strict_server.port}\r\n".encode()
    answer = trickle(strict_server, head, b"X-Slow: 1\r\n")
    status, body = _status_and_body(answer)
    assert status == "HTTP/1.1 408 Request Timeout"
    assert body == {"detail": "request headers did not arrive within 1 s"}


def test_a_connection_that_sends_nothing_is_cut_off(strict_server: LiveServer) -> None:
    answer = trickle(strict_server, b"", b"")
    assert answer.startswith(b"HTTP/1.1 408 ")


def test_a_kept_alive_connection_trickling_its_next_request_is_cut_off(strict_server: LiveServer) -> None:
    host = f"127.0.0.1:{strict_server.port}"
    first = f"GET /api/meta HTTP/1.1\r\nHost: {host}\r\n\r\nGET /api/meta HTTP/1.1\r\nHost: {host}\r\n"
    answer = trickle(strict_server, first.encode(), b"X-Slow: 1\r\n")
    assert answer.startswith(b"HTTP/1.1 200 OK") and b"HTTP/1.1 408 Request Timeout" in answer


def test_a_client_trickling_its_body_is_answered_408(strict_server: LiveServer) -> None:
    head = (
        f"POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1:{strict_server.port}\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
    ).encode()
    answer = trickle(strict_server, head, b" ")
    status, body = _status_and_body(answer)
    assert status == "HTTP/1.1 408 Request Timeout"
    assert body == {"detail": "the request body did not arrive within body_read_seconds (1 s)"}


def test_a_foreign_host_is_refused_on_http_and_on_the_socket(
    live_server_factory: Callable[..., LiveServer],
) -> None:
    server = live_server_factory()
    key = base64.b64encode(os.urandom(16)).decode()
    requests = {
        "http": "GET / HTTP/1.1\r\nHost: rebound.example:8000\r\nConnection: close\r\n\r\n",
        "socket": (
            "GET /ws/sessions/x HTTP/1.1\r\nHost: rebound.example:8000\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            "Origin: http://rebound.example:8000\r\n\r\n"
        ),
    }
    for name, request in requests.items():
        with socket.create_connection((server.host, server.port), timeout=10) as sock:
            sock.sendall(request.encode())
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
        status, body = _status_and_body(answer)
        assert status.startswith("HTTP/1.1 400"), (name, answer)
        assert "'rebound.example:8000' is not served here" in body["detail"], name
