"""POST /api/descent, POST /api/descent/contour, GET /api/descent/functions: the names the page and scripts
use, the numbers, and every bad input answered 422 naming its field (never 500, never NaN)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import LIMITS, VIEWS

LECTURE = "1.5*x**2 + y**2 + 2"
BODY = {"function": LECTURE, "start": [4, 4], "learning_rate": 0.1, "steps": 20}


def post(client: TestClient, path: str, body: Any) -> Any:
    response = client.post(path, content=json.dumps(body), headers={"content-type": "application/json"})
    json.loads(response.text, parse_constant=lambda c: pytest.fail(f"{c} on the wire"))
    return response


def test_the_path_and_the_quadratics_analysis(client: TestClient) -> None:
    reply = post(client, "/api/descent", BODY)
    assert reply.status_code == 200
    body = reply.json()
    path = body["path"]
    assert len(path) == 21 and path[0] == [4.0, 4.0, 42.0]
    x, y = 4.0, 4.0
    for point, gradient in zip(path, body["gradients"], strict=True):
        assert point == [x, y, 1.5 * x**2 + y**2 + 2] and gradient == [1.5 * (2 * x), 2 * y]
        x, y = x - 0.1 * (1.5 * (2 * x)), y - 0.1 * (2 * y)
    assert body["stopped"] is None
    q = body["quadratic"]
    assert q["hessian"] == [[3.0, 0.0], [0.0, 2.0]] and q["diagonal"] is True
    assert q["factors"] == [1 - 3 * 0.1, 1 - 2 * 0.1] and q["threshold"] == pytest.approx(2 / 3)
    assert q["verdict"] == "converges" and q["stationary_point"] == [0.0, 0.0]
    verdicts = {
        eta: post(client, "/api/descent", BODY | {"learning_rate": eta}).json()["quadratic"]["verdict"]
        for eta in (0.1, 0.001, 0.665757, 0.7)
    }
    assert verdicts == {0.1: "converges", 0.001: "crawls", 0.665757: "oscillates", 0.7: "diverges"}
    valley = {"function": "(1 - x)**2 + 100*(y - x**2)**2", "start": [-1.2, 1], "learning_rate": 0.001}
    rosenbrock = post(client, "/api/descent", BODY | valley).json()
    assert rosenbrock["quadratic"] is None and rosenbrock["stopped"] is None


def test_an_overflowing_path_stops_where_it_stops_being_finite(client: TestClient) -> None:
    body = post(client, "/api/descent", BODY | {"learning_rate": 10, "steps": 1000}).json()
    stopped = body["stopped"]
    assert stopped["step"] == len(body["path"]) < 1001 and stopped["quantity"] == "f"
    assert all(abs(v) <= LIMITS.divergence_threshold for point in body["path"] for v in point)
    assert body["quadratic"]["verdict"] == "diverges"
    overflow = {"function": "exp(x*x) + y", "start": [2, 0], "learning_rate": 1}
    exp = post(client, "/api/descent", BODY | overflow)
    assert exp.status_code == 200 and exp.json()["stopped"]["step"] == 1 and len(exp.json()["path"]) == 1


def test_the_contour_and_the_functions(client: TestClient) -> None:
    log = {"function": "log(x) + y", "box": [-1, 3, 0, 1], "resolution": 5}
    grid = post(client, "/api/descent/contour", log)
    assert grid.status_code == 200
    body = grid.json()
    assert body["xs"] == [-1.0, 0.0, 1.0, 2.0, 3.0] and body["ys"] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert [row[:2] for row in body["z"]] == [[None, None]] * 5 and body["z"][0][2] == 0.0
    assert body["z_min"] == 0.0 and body["z_max"] == pytest.approx(math.log(3) + 1)
    default = post(client, "/api/descent/contour", {"function": LECTURE, "box": [-5, 5, -5, 5]}).json()
    assert len(default["xs"]) == VIEWS.descent_default_grid
    functions = client.get("/api/descent/functions").json()
    names = {f["name"]: f for f in functions["functions"]}
    assert {"lecture002", "saddle", "rosenbrock", "elongated"} <= set(names)
    assert names["lecture002"]["function"] == LECTURE and functions["lecture_rates"] == [0.1, 0.001, 0.665757]
    for preset in functions["functions"]:  # every preset runs
        run = {"function": preset["function"], "start": preset["start"], "learning_rate": 0.01, "steps": 5}
        assert post(client, "/api/descent", run).status_code == 200


MAX_STEPS = VIEWS.descent_max_steps
BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("/api/descent", {"function": "1.5*x**2 +"}, "function", "at character"),
    ("/api/descent", {"function": "x + z"}, "function", "z"),
    ("/api/descent", {"function": "x +* y"}, "function", "at character"),
    ("/api/descent", {"function": "__import__('os')"}, "function", ""),
    ("/api/descent", {"function": ""}, "function", "at least 1"),
    ("/api/descent", {"function": "x" * (VIEWS.graph_max_chars + 1)}, "function", str(VIEWS.graph_max_chars)),
    ("/api/descent", {"function": 3}, "function", "string"),
    ("/api/descent", {"function": "log(x)", "start": [-1, 0]}, "start", "start point"),
    ("/api/descent", {"start": [1]}, "start", "2 items"),
    ("/api/descent", {"start": [1, 2, 3]}, "start", "2 items"),
    ("/api/descent", {"start": [1e7, 0]}, "start", "between -1000000 and 1000000"),
    ("/api/descent", {"start": ["1", 0]}, "start", "number"),
    ("/api/descent", {"learning_rate": 0}, "learning_rate", "between 1e-05 and 10"),
    ("/api/descent", {"learning_rate": 11}, "learning_rate", "between 1e-05 and 10"),
    ("/api/descent", {"learning_rate": "0.1"}, "learning_rate", "number"),
    ("/api/descent", {"steps": -1}, "steps", f"between 0 and {MAX_STEPS}"),
    ("/api/descent", {"steps": MAX_STEPS + 1}, "steps", f"between 0 and {MAX_STEPS}"),
    ("/api/descent", {"steps": 2.5}, "steps", "integer"),
    ("/api/descent", {"surprise": 1}, "surprise", "not a known field"),
    ("/api/descent/contour", {"box": [1, -1, 0, 1]}, "box", "x_min < x_max"),
    ("/api/descent/contour", {"box": [0, 1, 0]}, "box", "4 items"),
    ("/api/descent/contour", {"resolution": VIEWS.descent_max_grid + 1}, "resolution", "between 2 and"),
    ("/api/descent/contour", {"function": "max(x)"}, "function", ""),
]


@pytest.mark.parametrize(("path", "change", "field", "says"), BAD)
def test_every_bad_input_names_its_field(
    client: TestClient, path: str, change: dict[str, Any], field: str, says: str
) -> None:
    base = BODY if path == "/api/descent" else {"function": LECTURE, "box": [-5, 5, -5, 5], "resolution": 9}
    reply = post(client, path, base | change)
    assert reply.status_code == 422, reply.text
    detail = reply.json()["detail"]
    assert detail[0]["loc"][:2] == ["body", field]
    assert detail[0]["msg"].startswith(f"{field}") and says in detail[0]["msg"]
    if field == "function" and "at character" in says:
        assert isinstance(detail[0]["position"], int)


NAN_START = '{"function": "x", "start": [NaN, 0], "learning_rate": 0.1, "steps": 1}'


@pytest.mark.parametrize("raw", [NAN_START, "{", "[]"])
def test_a_body_that_is_not_a_request_is_refused(client: TestClient, raw: str) -> None:
    reply = client.post("/api/descent", content=raw, headers={"content-type": "application/json"})
    assert reply.status_code in (400, 422)
    json.loads(reply.text, parse_constant=lambda c: pytest.fail(f"{c} on the wire"))


EXTREME = ["1e-320*x**2", "1e300*x**2 + 1e-300*x*y", "1e307*x**2 + y", "1.7e308*x**2 - 1.7e308*y**2", "x*y"]


@pytest.mark.parametrize("function", EXTREME)
def test_quadratics_at_the_edges_of_float64_answer_without_nan(client: TestClient, function: str) -> None:
    for eta in (1e-5, 10):
        reply = post(
            client, "/api/descent", {"function": function, "start": [0, 0], "learning_rate": eta, "steps": 5}
        )
        assert reply.status_code == 200, reply.text
    assert (
        post(client, "/api/descent/contour", {"function": function, "box": [-1e6, 1e6, -1, 1]}).status_code
        == 200
    )
