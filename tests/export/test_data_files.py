"""The run's numbers as files: weights (JSON exact, .npz), the run log (JSON and CSV, the changes at their
steps, formula injection neutralised) and the current phase records, through the real app."""

from __future__ import annotations

import csv
import io

import numpy as np
from fastapi.testclient import TestClient

from app.export.runlog import METRICS, neutralise
from tests.export.runs import Driver


def _driver(client: TestClient) -> Driver:
    driver = Driver(client, client.post("/api/sessions", json={"optimizer": "adam", "seed": 7}).json()["id"])
    driver.rest("POST", "/step", {"unit": "iteration", "count": 12})
    driver.rest("PATCH", "", {"learning_rate": 0.1})
    driver.rest("POST", "/step", {"unit": "iteration", "count": 5})
    driver.send({"type": "set_weight", "layer": 1, "row": 2, "col": 1, "value": -0.75})
    driver.send({"type": "add_point", "x": [1.5, -2.0], "label": 1})
    driver.rest("POST", "/step", {"unit": "phase", "count": 3})
    return driver


def test_weights_json_and_npz_equal_the_sessions_exactly(client: TestClient) -> None:
    driver = _driver(client)
    state = driver.state()
    response = client.get(f"/api/sessions/{driver.sid}/export/weights")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="backprop-weights-step17.json"'
    body = response.json()
    assert body["weights"] == state["weights"] and body["biases"] == state["biases"] and body["step"] == 17
    assert body["weights"][0][2][1] == -0.75 and body["sizes"] == [2, 4, 2, 1]
    npz = client.get(f"/api/sessions/{driver.sid}/export/weights", params={"format": "npz"})
    assert npz.status_code == 200 and npz.headers["content-type"] == "application/x-npz"
    with np.load(io.BytesIO(npz.content)) as arrays:
        for layer, (w, b) in enumerate(zip(state["weights"], state["biases"], strict=True), start=1):
            assert np.array_equal(arrays[f"W{layer}"], np.array(w))
            assert np.array_equal(arrays[f"b{layer}"], np.array(b))
        assert int(arrays["step"]) == 17


def test_a_format_it_does_not_know_is_refused_naming_format(client: TestClient) -> None:
    sid = client.post("/api/sessions", json={}).json()["id"]
    for path in ("weights", "log"):
        response = client.get(f"/api/sessions/{sid}/export/{path}", params={"format": "xlsx"})
        assert response.status_code == 422
        assert "format" in response.text
    assert client.get("/api/sessions/nope/export/weights").status_code == 404
    assert client.get("/api/sessions/nope/export/log").status_code == 404
    assert client.get("/api/sessions/nope/export/records").status_code == 404


def test_the_log_has_the_curve_and_the_changes_at_their_steps(client: TestClient) -> None:
    driver = _driver(client)
    state = driver.state()
    log = client.get(f"/api/sessions/{driver.sid}/export/log").json()
    assert log["columns"][:6] == ["step", "epoch", *METRICS]
    assert METRICS == ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
    curve = state["history"]
    assert [row[0] for row in log["rows"]] == [p["step"] for p in curve]
    assert [row[2] for row in log["rows"]] == [p["train_loss"] for p in curve]
    assert [row[6:] for row in log["rows"] if row[0] == 17][-1] == curve[-1]["grad_norms"]
    kinds = {(c["step"], c["kind"]) for c in log["changes"]}
    assert {(0, "start"), (12, "change"), (17, "edit"), (17, "data")} <= kinds
    change = next(c for c in log["changes"] if c["kind"] == "change")
    assert change["text"] == "change: learning_rate 0.03 → 0.1"
    # the CSV reads back to the same numbers, the changes in the last column at their steps
    text = client.get(f"/api/sessions/{driver.sid}/export/log", params={"format": "csv"}).text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [*log["columns"], "changes"]
    numbers = [[float(v) if v else None for v in row[:-1]] for row in rows[1:]]
    assert [r[2] for r in numbers if r[2] is not None] == [row[2] for row in log["rows"]]
    by_step = {int(float(row[0])): row[-1] for row in rows[1:] if row[-1]}
    assert "learning_rate 0.03 → 0.1" in by_step[12] and "edit" in by_step[17] and "data" in by_step[17]


def test_text_cells_that_a_spreadsheet_would_run_are_neutralised() -> None:
    for text in ('=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("change: learning_rate 0.03 → 0.1") == "change: learning_rate 0.03 → 0.1"
    out = io.StringIO()
    csv.writer(out).writerow([neutralise("=1+1")])
    assert out.getvalue().startswith("'=1+1")


def test_the_records_are_the_current_iterations(client: TestClient) -> None:
    driver = _driver(client)
    body = client.get(f"/api/sessions/{driver.sid}/export/records").json()
    assert body["step"] == 17 and body["phases_done"] == 3
    assert [(r["phase"], r["layer"]) for r in body["records"]] == [
        ("forward", 1),
        ("forward", 2),
        ("forward", 3),
    ]
    stepped = driver.rest("POST", "/step", {"unit": "phase", "count": 1})
    assert stepped["records"][0]["phase"] == "loss"
    body = client.get(f"/api/sessions/{driver.sid}/export/records").json()
    assert body["records"][-1] == stepped["records"][-1]


def test_user_text_in_the_exported_code_stays_on_its_line() -> None:
    from app.export.files import printable

    assert printable('a\nimport os\r\t"""\\') == "a import os  '''/"
