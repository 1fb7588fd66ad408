"""A real `python -m app` server process on a free port, for the live tests and the benchmarks."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
STARTUP_SECONDS = 30.0
_RUNNING = re.compile(r"Uvicorn running on https?://([\w.\-\[\]:]+):(\d+)")


@dataclass
class LiveServer:
    """A running `python -m app` process and where it listens."""

    process: subprocess.Popen[str]
    host: str
    port: int
    log: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:43817."""
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        """The socket base URL."""
        return f"ws://{self.host}:{self.port}"

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        """Send `sig`, wait for the process to end (killing it past `timeout`); its return code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
        finally:
            self.close()
        return code

    def close(self) -> None:
        """Once the process has ended: finish reading its log and close the pipe."""
        if self.process.poll() is None:
            return
        if self.reader is not None:
            self.reader.join(STARTUP_SECONDS)
        if self.process.stderr is not None:
            self.process.stderr.close()


def start_server(
    settings: dict[str, str] | None = None, *, unset: tuple[str, ...] = (), **env: str
) -> LiveServer:
    """Start `python -m app` on a free port (BACKPROP_PORT=0) with BACKPROP_<NAME> variables from
    `settings` and `env`, and without the environment variables named in `unset`."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("BACKPROP_") and k not in unset}
    environ.update({"BACKPROP_HOST": "127.0.0.1", "BACKPROP_PORT": "0", "BACKPROP_LOG_LEVEL": "info"})
    environ["BACKPROP_STATE_FILE"] = ""  # no sessions kept across restarts unless a test asks
    environ.update({f"BACKPROP_{k.upper()}": v for k, v in {**(settings or {}), **env}.items()})
    environ["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "app"],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []
    found: list[re.Match[str]] = []
    ready = threading.Event()
    # the log is read until the process exits, so the server never blocks on a full pipe
    reader = threading.Thread(target=_read_log, args=(process, log, found, ready), daemon=True)
    reader.start()
    if ready.wait(STARTUP_SECONDS) and found:
        return LiveServer(process, found[0].group(1), int(found[0].group(2)), log, reader)
    process.kill()
    process.wait()
    reader.join(STARTUP_SECONDS)
    if process.stderr is not None:
        process.stderr.close()
    raise RuntimeError("server did not start:\n" + "".join(log))


def _read_log(
    process: subprocess.Popen[str], log: list[str], found: list[re.Match[str]], ready: threading.Event
) -> None:
    """Collect the server's log; signal `ready` at uvicorn's "running on" line (or at exit)."""
    assert process.stderr is not None
    for line in process.stderr:
        log.append(line)
        match = _RUNNING.search(line)
        if match and not found:
            found.append(match)
            ready.set()
    ready.set()
