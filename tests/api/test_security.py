"""Security through the real app: the security headers on every answer (REST, page, static, docs, errors, a
server error), pages without inline script, the Host allow-list (REST and socket) and the refusal of
cross-site state-changing requests."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.netaddr import own_addresses
from tests.support.helpers import connect_headers, create


def assert_secured(headers: Mapping[str, str]) -> None:
    """The security headers, with a policy that allows no inline script and no framing."""
    csp = headers["content-security-policy"]
    directives = {name: value for name, _, value in (part.partition(" ") for part in csp.split("; "))}
    assert directives["frame-ancestors"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_every_kind_of_answer_carries_the_security_headers(app: FastAPI, settings: Settings) -> None:
    async def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        sid = create(client)["id"]
        answers = {
            "page": client.get("/"),
            "rest": client.get(f"/api/sessions/{sid}"),
            "meta": client.get("/api/meta"),
            "openapi": client.get("/openapi.json"),
            "docs": client.get("/docs"),
            "docs asset": client.get("/docs/assets/swagger-ui.css"),
            "static": client.get("/static/js/frame.js"),
            "plotly": client.get("/vendor/plotly.min.js"),
            "404": client.get("/api/sessions/nope"),
            "404 static": client.get("/static/nope.js"),
            "405": client.put("/api/meta"),
            "422": client.post("/api/sessions", json={"points": -1}),
            "413": client.post(
                "/api/sessions",
                content=b" " * (settings.max_body_bytes + 1),
                headers={"content-type": "application/json"},
            ),
            "415": client.post("/api/sessions", content="{}", headers={"content-type": "text/plain"}),
            "400 host": client.get("/api/meta", headers={"host": "rebound.example"}),
            "500": client.get("/boom"),
        }
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses["500"] == 500 and statuses["page"] == 200 and statuses["docs"] == 200, statuses
    for name, answer in answers.items():
        try:
            assert_secured(answer.headers)
        except (AssertionError, KeyError) as exc:
            raise AssertionError(f"{name} ({answer.status_code}): {dict(answer.headers)}") from exc


class _ScriptScan(HTMLParser):
    """Collects inline scripts and inline event handlers of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        self.inline += [f"{tag} {name}" for name in names if name.startswith("on")]
        self.inline += [f"{tag} {name}" for name, v in names.items() if (v or "").startswith("javascript:")]
        if tag == "script":
            self._in_script = True
            self.scripts.append(names.get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(f"inline script: {data.strip()[:60]}")


@pytest.mark.parametrize("path", ["/", "/docs"])
def test_pages_have_no_inline_script_or_handler(client: TestClient, path: str) -> None:
    scan = _ScriptScan()
    scan.feed(client.get(path).text)
    assert scan.scripts and all(scan.scripts), scan.scripts  # every script from a file
    assert scan.inline == []


@pytest.mark.parametrize("host", ["rebound.example", "rebound.example:8000", "127.0.0.2", "[::2]:80", ""])
def test_a_foreign_host_is_refused_on_rest(client: TestClient, host: str) -> None:
    response = client.get("/api/meta", headers={"host": host})
    assert response.status_code == 400
    assert "is not served here" in response.json()["detail"]
    assert client.post("/api/sessions", json={}, headers={"host": host}).status_code == 400


def test_a_foreign_host_is_refused_on_the_socket(client: TestClient) -> None:
    from starlette.testclient import WebSocketDenialResponse  # starlette >= 0.37's test client

    sid = create(client)["id"]
    headers = {**connect_headers("rebound.example"), "host": "rebound.example"}
    with (
        pytest.raises(WebSocketDenialResponse) as refused,
        client.websocket_connect(f"/ws/sessions/{sid}", headers=headers),
    ):
        pass
    assert refused.value.status_code == 400
    assert "rebound.example" in refused.value.json()["detail"]


def test_the_listen_host_loopback_names_and_configured_hosts_are_served(settings: Settings) -> None:
    configured = dataclasses.replace(settings, host="127.0.0.1", allowed_hosts=("lab.example.edu",))
    with TestClient(create_app(configured)) as client:
        for host in ["127.0.0.1:8000", "localhost", "LOCALHOST:1", "[::1]:8000", "lab.example.edu:443"]:
            assert client.get("/api/meta", headers={"host": host}).status_code == 200, host
        assert client.get("/api/meta", headers={"host": "example.edu"}).status_code == 400


def test_a_lan_address_serves_only_itself_and_what_is_configured() -> None:
    lan = Settings(host="10.1.2.3", allowed_hosts=("lab.local",))
    assert lan.host_allowed("10.1.2.3:8000") and lan.host_allowed("lab.local")
    assert not lan.host_allowed("localhost") and not lan.host_allowed("10.1.2.4")
    assert not lan.host_allowed("203.0.113.77")
    assert Settings(host="10.1.2.3", public_url="http://lab.example.edu:8000").host_allowed("lab.example.edu")


@pytest.mark.parametrize("wildcard", ["0.0.0.0", "::", ""])
def test_every_interface_serves_the_machines_own_addresses_and_nothing_else(wildcard: str) -> None:
    everywhere = Settings(host=wildcard)
    own = sorted(own_addresses())
    assert own, "the machine has no addresses"
    for address in own:
        shown = f"[{address}]:8000" if ":" in address else f"{address}:8000"
        assert everywhere.host_allowed(shown), shown
    assert everywhere.host_allowed("localhost:8000") and everywhere.host_allowed("127.3.4.5:8000")
    assert everywhere.host_allowed("[::ffff:127.0.0.1]:8000")  # IPv4-mapped: the IPv4 address
    for foreign in ["203.0.113.77:8000", "[2001:db8::77]:8000", "[::ffff:203.0.113.77]", "anything.example"]:
        assert not everywhere.host_allowed(foreign), foreign
    listening = f"[{wildcard}]:8000" if ":" in wildcard else f"{wildcard or '0.0.0.0'}:8000"
    assert not everywhere.host_allowed(":8000") and not everywhere.host_allowed(listening)
    named = Settings(host=wildcard, allowed_hosts=("lab.local",), public_url="https://lab.example.edu/")
    assert named.host_allowed("lab.local:8000") and named.host_allowed("LAB.example.edu")
    assert not named.host_allowed("example.edu")


def test_the_remaining_host_rules() -> None:
    assert Settings(allowed_hosts=("*",)).host_allowed("anything.example")
    assert not Settings().host_allowed(None)
    configured = Settings.from_env({"BACKPROP_ALLOWED_HOSTS": "lab.local, lab.example.edu"})
    assert configured.allowed_hosts == ("lab.local", "lab.example.edu")


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
def test_a_state_change_sent_as_a_simple_request_is_refused_with_415(
    client: TestClient, content_type: str | None
) -> None:
    sid = create(client)["id"]
    before = client.get(f"/api/sessions/{sid}").json()
    headers = {"content-type": content_type} if content_type else {}
    for method, path, body in [
        ("post", "/api/sessions", "{}"),
        ("patch", f"/api/sessions/{sid}", '{"learning_rate": 0.5}'),
        ("post", f"/api/sessions/{sid}/step", '{"unit": "epoch", "count": 2}'),
    ]:
        response = client.request(method, path, content=body, headers=headers)
        assert response.status_code == 415, (method, path, response.text)
        assert "must be sent as application/json" in response.json()["detail"]
    assert client.get(f"/api/sessions/{sid}").json()["step"] == before["step"]
    assert len(client.get("/api/meta").json()["presets"]) > 0


def test_a_foreign_origin_may_not_change_sessions(client: TestClient) -> None:
    sid = create(client)["id"]
    evil = {"origin": "http://rebound.example"}
    for method, path in [("post", "/api/sessions"), ("post", f"/api/sessions/{sid}/step")]:
        response = client.request(
            method, path, json={"unit": "phase"} if "step" in path else {}, headers=evil
        )
        assert response.status_code == 403
        assert "origin 'http://rebound.example' may not change sessions" in response.json()["detail"]
    assert client.delete(f"/api/sessions/{sid}", headers=evil).status_code == 403
    assert client.get(f"/api/sessions/{sid}", headers=evil).status_code == 200  # reading is not refused
    assert client.request("post", f"/api/sessions/{sid}/reset", headers={"origin": "null"}).status_code == 403


def test_the_pages_own_origin_allowed_origins_and_scripts_may(settings: Settings) -> None:
    configured = dataclasses.replace(settings, allowed_origins=("http://projector.local:8080",))
    with TestClient(create_app(configured)) as client:
        for origin in [{"origin": "http://testserver"}, {"origin": "http://projector.local:8080"}, {}]:
            assert client.post("/api/sessions", json={}, headers=origin).status_code == 201, origin
        sid = create(client)["id"]
        assert client.post(f"/api/sessions/{sid}/reset").status_code == 200  # no body, no content type
        json_utf8 = {"content-type": "application/json; charset=utf-8"}
        assert client.post(f"/api/sessions/{sid}/reset", content="{}", headers=json_utf8).status_code == 200
        assert (
            client.delete(f"/api/sessions/{sid}", headers={"origin": "http://testserver"}).status_code == 204
        )


def test_on_every_interface_a_foreign_origin_is_still_refused(settings: Settings) -> None:
    everywhere = dataclasses.replace(settings, host="0.0.0.0", allowed_hosts=())
    own = sorted(a for a in own_addresses() if ":" not in a)[-1]  # an IPv4 address of this machine
    with TestClient(create_app(everywhere), base_url=f"http://{own}:8000") as client:
        assert client.post("/api/sessions", json={}).status_code == 201  # the page's own origin (none sent)
        ours = {"origin": f"http://{own}:8000"}
        assert client.post("/api/sessions", json={}, headers=ours).status_code == 201
        sid = create(client)["id"]
        for origin in ["http://evil.example", "http://203.0.113.77:8000", f"http://{own}:8001", "null"]:
            response = client.post("/api/sessions", json={}, headers={"origin": origin})
            assert response.status_code == 403, origin
            headers = {"origin": origin, "host": f"{own}:8000"}  # the socket client's host is its own
            with client.websocket_connect(f"/ws/sessions/{sid}", headers=headers) as ws:
                message = ws.receive()
                assert message["type"] == "websocket.close" and message["code"] == 4003, origin
        with client.websocket_connect(f"/ws/sessions/{sid}", headers={**ours, "host": f"{own}:8000"}) as ws:
            assert ws.receive()["type"] == "websocket.send"
