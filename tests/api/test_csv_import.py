"""CSV import through the API: POST /api/sessions with dataset {"csv", "label"} makes the session's data set
(a named data set written out as CSV comes back exactly), a bad file is a 422 naming dataset.csv with the row
and the column, and the exported script reproduces a CSV session's weights."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from tests.export.runs import Driver
from tests.export.test_script import assert_reproduces


def _as_csv(state: dict[str, object]) -> str:
    data = state["data"]
    assert isinstance(data, dict)
    out = io.StringIO()
    out.write("x₁,x₂,class\r\n")
    for (x1, x2), label in zip(data["points"], data["labels"], strict=True):
        out.write(f"{x1!r},{x2!r},{['blue', 'orange'][int(label)]}\r\n")
    return out.getvalue()


def test_a_data_set_written_as_csv_comes_back_exactly(client: TestClient) -> None:
    original = client.post("/api/sessions", json={"dataset": "xor", "points": 100}).json()
    body = {"dataset": {"csv": _as_csv(original), "label": "class"}, "train_fraction": 0.5}
    response = client.post("/api/sessions", json=body)
    assert response.status_code == 201, response.text
    state = response.json()
    assert state["config"]["dataset"] == body["dataset"]
    assert state["data"]["points"] == original["data"]["points"]  # the floats, exactly
    assert state["data"]["labels"] == original["data"]["labels"]
    assert state["data"]["class_names"] == ["blue", "orange"]
    assert state["data"]["feature_labels"] == ["x₁", "x₂"]
    assert len(state["data"]["train_indices"]) == 50 and len(state["data"]["test_indices"]) == 50
    # PATCH rebuilds with a file too, and a rejected one changes nothing
    sid = state["id"]
    bad = client.patch(f"/api/sessions/{sid}", json={"dataset": {"csv": "a,b\n1,x\n2,y\n", "label": "c"}})
    assert bad.status_code == 422
    assert client.get(f"/api/sessions/{sid}").json()["data"]["points"] == original["data"]["points"]


def test_a_bad_file_is_refused_naming_dataset_csv_the_row_and_the_column(client: TestClient) -> None:
    text = "size,weight,kind\n1,2,a\n3,heavy,b\n"
    response = client.post("/api/sessions", json={"dataset": {"csv": text, "label": "kind"}})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "dataset", "csv"]
    assert "row 3, column 'weight': 'heavy' is not a number" in detail["msg"]
    too_big = {"dataset": {"csv": "a,b\n" + "1,2\n" * 70_000, "label": "b"}}
    assert client.post("/api/sessions", json=too_big).status_code in (413, 422)


def test_the_exported_script_reproduces_a_csv_session(client: TestClient, tmp_path: Path) -> None:
    text = "a,b,c,label\n" + "".join(
        f"{float(np.sin(i))!r},{float(np.cos(i))!r},{i / 7!r},{'pq'[i % 2]}\n" for i in range(40)
    )
    config = {"dataset": {"csv": text, "label": "label"}, "output_activation": "sigmoid", "loss": "bce"}
    driver = Driver(client, client.post("/api/sessions", json=config).json()["id"])
    driver.rest("POST", "/step", {"unit": "epoch", "count": 5})
    assert assert_reproduces(client, driver.sid, tmp_path)["step"] > 0
