"""HTTP details through the real app: every string field survives a lone surrogate (422, never 500), 405 fills
Allow, HEAD answers like GET without a body, 413 and malformed JSON (400) answer the JSON error shape, and
/select names its own field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.helpers import create

SURROGATE = "\ud800"  # valid in JSON text ("\ud800"), not encodable as UTF-8
JSON = {"content-type": "application/json"}


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def string_paths(
    schema: dict[str, Any], spec: dict[str, Any], path: tuple[Any, ...] = ()
) -> Iterator[tuple[Any, ...]]:
    """Every location in a body schema where a string may stand (arrays entered at index 0)."""
    schema = _resolve(schema, spec)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, ()):
            yield from string_paths(sub, spec, path)
    if schema.get("type") == "string" or isinstance(schema.get("const"), str):
        yield path
    for name, sub in schema.get("properties", {}).items():
        yield from string_paths(sub, spec, (*path, name))
    if "items" in schema:
        yield from string_paths(schema["items"], spec, (*path, 0))


def body_with(path: tuple[Any, ...], value: Any) -> Any:
    """A JSON value with `value` at `path` (lists for int parts, objects for names)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    return [body_with(rest, value)] if isinstance(head, int) else {head: body_with(rest, value)}


def string_field_cases(client: TestClient) -> list[tuple[str, str, tuple[Any, ...]]]:
    """(method, path, location) for every string in every REST body the OpenAPI document describes."""
    spec = client.get("/openapi.json").json()
    cases = []
    for route, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            found = set(string_paths(content["application/json"]["schema"], spec))
            cases += [(method, route, loc) for loc in sorted(found, key=str)]
    return cases


def test_a_lone_surrogate_in_any_string_field_is_a_422_naming_the_field(client: TestClient) -> None:
    sid = create(client)["id"]
    room = client.post("/api/rooms", json={"session": create(client)["id"]}).json()
    teacher = {**JSON, "authorization": f"Bearer {room['teacher_token']}"}
    cases = string_field_cases(client)
    assert {loc[0] for _, _, loc in cases} >= {"activation", "loss", "dataset", "features", "unit"}
    for method, route, loc in cases:
        text = json.dumps(body_with(loc, SURROGATE))  # ASCII JSON text carrying "\ud800"
        url = route.format(session_id=sid, code=room["code"])
        response = client.request(method, url, content=text, headers=teacher)
        assert response.status_code == 422, (method, route, loc, response.text)
        details = response.json()["detail"]
        named = [d for d in details if d["loc"] == ["body", *loc]]
        assert named, (loc, details)
        assert named[0]["input"] == "\\ud800"  # echoed, written out as its escape
    assert client.get(f"/api/sessions/{sid}").status_code == 200


def test_a_lone_surrogate_as_a_field_name_is_refused_cleanly(client: TestClient) -> None:
    response = client.post("/api/sessions", content='{"\\ud800": 1}', headers=JSON)
    assert response.status_code == 422
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("put", "/api/meta", "GET, HEAD"),
        ("get", "/api/sessions", "POST"),
        ("post", "/", "GET, HEAD"),
        ("post", "/api/sessions/{sid}/gradcheck", "GET, HEAD"),
        ("put", "/api/sessions/{sid}", "DELETE, GET, HEAD, PATCH"),
    ],
)
def test_405_lists_the_allowed_methods(client: TestClient, method: str, path: str, allow: str) -> None:
    sid = create(client)["id"]
    response = client.request(method, path.format(sid=sid))
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json() == {"detail": "Method Not Allowed"}


@pytest.mark.parametrize("path", ["/", "/api/meta", "/api/sessions/{sid}", "/static/js/frame.js", "/docs"])
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    url = path.format(sid=create(client)["id"])
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))


def test_a_body_over_the_limit_is_a_json_413_naming_the_limit(client: TestClient, settings: Any) -> None:
    payload = b'{"points": 4' + b" " * settings.max_body_bytes + b"}"
    response = client.post("/api/sessions", content=payload, headers=JSON)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "detail": f"the request body is {len(payload)} bytes; max_body_bytes is {settings.max_body_bytes}"
    }


def test_a_streamed_body_over_the_limit_is_a_json_413(client: TestClient, settings: Any) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted as the bytes arrive
        yield b'{"points": 4'
        for _ in range(settings.max_body_bytes // 4096 + 2):
            yield b" " * 4096
        yield b"}"

    response = client.post("/api/sessions", content=chunks(), headers=JSON)
    assert response.status_code == 413
    assert "max_body_bytes is" in response.json()["detail"]


def test_malformed_json_is_a_400_naming_the_body_and_the_position(client: TestClient) -> None:
    response = client.post("/api/sessions", content='{"points": 40,\n "noise": }', headers=JSON)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "the request body is not valid JSON: expecting value at character 25 (line 2, column 11)"
    }


def test_a_body_that_is_not_utf8_is_a_400_naming_the_byte(client: TestClient) -> None:
    response = client.post("/api/sessions", content=b'{"dataset": "\xff"}', headers=JSON)
    assert response.status_code == 400
    assert response.json() == {"detail": "the request body is not valid UTF-8: byte 0xff at 13"}


def test_select_errors_name_example(client: TestClient) -> None:
    sid = create(client, points=40)["id"]
    n_train = len(client.get(f"/api/sessions/{sid}").json()["data"]["train_indices"])
    response = client.post(f"/api/sessions/{sid}/select", json={"example": n_train})
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "example"]
    assert detail["msg"].startswith("example ") and f"between 0 and {n_train - 1}" in detail["msg"]
