"""`python -m app`: BLAS limited to one thread before NumPy loads (the server's products are small; split over
threads they stall frames on a busy 2-core machine)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.__main__ import SINGLE_THREAD_VARIABLES
from tests.support.live_server import ROOT, start_server

pytestmark = pytest.mark.server


def test_the_entry_point_loads_numpy_only_when_it_serves() -> None:
    script = "import sys, app.__main__; print(sorted(m for m in ('numpy', 'app.server') if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def _threads(pid: int) -> list[str]:
    """The names of a process's threads (Linux /proc)."""
    tasks = Path(f"/proc/{pid}/task")
    return [(tasks / tid / "comm").read_text().strip() for tid in os.listdir(tasks)]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads threads from Linux /proc")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="BLAS starts no worker thread on one core anyway")
def test_the_server_runs_blas_on_one_thread() -> None:
    server = start_server(unset=SINGLE_THREAD_VARIABLES)
    try:
        # before any request: the event loop's thread and uvloop's resolver pool (libuv-worker), nothing
        # else; without the limit OpenBLAS starts a worker per further core when NumPy loads
        names = _threads(server.process.pid)
    finally:
        server.stop()
    assert len([name for name in names if name != "libuv-worker"]) == 1, names
