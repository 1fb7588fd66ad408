"""Export benchmark: what the exported script and notebook cost, on TF Playground's default network.

A 5,000-iteration run (the default batch of 10) with a live change every 500 iterations and one weight set
by hand, through the real app (TestClient, REST). Figures:

1. building the script (GET /api/sessions/{id}/export/script) and the notebook, median over ROUNDS;
2. the script's size, and how long it takes to run (`python script.py --json`, a fresh interpreter: NumPy's
   import included) against the lab training the same iterations (Lab.train from a new Lab: the engine's
   compiled iteration) — the ratio is what writing the loop in plain NumPy, phase by phase, costs.

Run: `python -m tests.bench.bench_export` (also run by `python -m tests.bench.run_all`). The load average is
printed; the last line printed is the figures as one JSON object.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from app.config import Settings
from app.engine.lab import Lab, LabConfig
from app.main import create_app
from tests.bench.report import print_load

ITERATIONS = 5_000
CHANGE_EVERY = 500
ROUNDS = 5


def _run(client: TestClient) -> str:
    """The run the figures are about; its session id."""
    sid = str(client.post("/api/sessions", json={}).json()["id"])
    for i in range(ITERATIONS // CHANGE_EVERY):
        for _ in range(CHANGE_EVERY // 250):
            client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 250})
        client.patch(f"/api/sessions/{sid}", json={"learning_rate": 0.01 + 0.01 * (i % 3)})
    client.put(f"/api/sessions/{sid}/parameters", json=_edited(client, sid))
    return sid


def _edited(client: TestClient, sid: str) -> dict[str, object]:
    state = client.get(f"/api/sessions/{sid}").json()
    weights = state["weights"]
    weights[0][0][0] = 0.5
    return {"weights": weights, "biases": state["biases"]}


def _median_ms(call: object, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    """Print the figures; 0."""
    load = os.getloadavg()[0]
    with TestClient(create_app(Settings(allowed_hosts=("testserver",)))) as client:
        sid = _run(client)
        script_ms = _median_ms(lambda: client.get(f"/api/sessions/{sid}/export/script"))
        notebook_ms = _median_ms(lambda: client.get(f"/api/sessions/{sid}/export/notebook"))
        text = client.get(f"/api/sessions/{sid}/export/script").text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "run.py"
        path.write_text(text, encoding="utf-8")
        run_ms = _median_ms(
            lambda: subprocess.run(
                [sys.executable, "-I", str(path), "--json"], check=True, capture_output=True
            ),
            3,
        )
        bare_ms = _median_ms(
            lambda: subprocess.run([sys.executable, "-I", "-c", "import numpy"], check=True), 3
        )
    engine_ms = _median_ms(lambda: Lab(LabConfig()).train(ITERATIONS), 3)
    figures = {
        "iterations": ITERATIONS,
        "script_build_ms": round(script_ms, 1),
        "notebook_build_ms": round(notebook_ms, 1),
        "script_kb": round(len(text.encode()) / 1024, 1),
        "script_run_ms": round(run_ms, 1),
        "python_numpy_start_ms": round(bare_ms, 1),
        "engine_train_ms": round(engine_ms, 1),
        "script_vs_engine": round((run_ms - bare_ms) / engine_ms, 2),
    }
    for name, value in figures.items():
        print(f"{name:>24}: {value}")
    print_load(figures, load)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
