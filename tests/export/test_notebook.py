"""The exported notebook: valid nbformat 4, a markdown cell before each part (one per phase), and run top to
bottom by a real Jupyter kernel (nbclient + ipykernel) it ends with the session's weights."""

from __future__ import annotations

import itertools

import nbformat
from fastapi.testclient import TestClient
from nbclient import NotebookClient

from tests.export.runs import Driver


def test_the_notebook_runs_in_a_kernel_and_ends_with_the_sessions_weights(client: TestClient) -> None:
    driver = Driver(client, client.post("/api/sessions", json={"optimizer": "momentum"}).json()["id"])
    driver.rest("POST", "/step", {"unit": "iteration", "count": 30})
    driver.rest("PATCH", "", {"learning_rate": 0.1, "dropout": [0.3, 0.0]})
    driver.send({"type": "set_weight", "layer": 2, "row": 1, "col": 0, "value": 0.25})
    driver.rest("POST", "/step", {"unit": "iteration", "count": 30})
    response = client.get(f"/api/sessions/{driver.sid}/export/notebook")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ipynb+json")
    assert ".ipynb" in response.headers["content-disposition"]
    notebook = nbformat.reads(response.text, as_version=4)
    nbformat.validate(notebook)
    titles = [c.source.splitlines()[0] for c in notebook.cells if c.cell_type == "markdown"]
    for phase in ("## Forward", "## Loss", "## Backward", "## Update"):
        assert phase in titles
    kinds = [c.cell_type for c in notebook.cells]
    assert all(a != b or a == "markdown" for a, b in itertools.pairwise(kinds))  # text before code
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    last = notebook.cells[-1].outputs
    text = "".join(output.get("text", "") for output in last)
    assert "step 60:" in text
    assert "largest difference from the lab's weights and biases: 0.0" in text
    # the kernel's numbers are the session's, bit for bit
    state = driver.state()
    printed = notebook.cells[-1]
    assert str(state["metrics"]["train_loss"]) in "".join(o.get("text", "") for o in printed.outputs)
