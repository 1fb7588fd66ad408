"""The page, static files and the bundled plotly.js."""

from __future__ import annotations

import html
import json

from fastapi.testclient import TestClient

from app.api.pages import PLOTLY_JS, TEMPLATES_DIR


def test_the_lab_page_carries_meta_and_the_socket_base(client: TestClient) -> None:
    assert (TEMPLATES_DIR / "lab.html").exists()
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    text = response.text
    start = text.index('data-meta="') + len('data-meta="')
    meta = json.loads(html.unescape(text[start : text.index('"', start)]))
    assert meta == client.get("/api/meta").json()
    assert 'data-ws-base="/ws/sessions"' in text


def test_plotly_is_served_locally_with_a_long_cache(client: TestClient) -> None:
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.content == PLOTLY_JS.read_bytes()
    assert "max-age=31536000" in response.headers["cache-control"]
    assert response.headers["content-type"].startswith("text/javascript")


def test_static_files_are_served(client: TestClient) -> None:
    response = client.get("/static/js/frame.js")
    assert response.status_code == 200 and "decodeFrame" in response.text
    assert client.get("/static/js/nope.js").status_code == 404
