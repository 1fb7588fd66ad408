"""Sessions kept across a server restart.

On shutdown, after every socket was closed with 1001, each session is written to `settings.state_file`: the
engine's checkpoint (configuration, data with added points, parameters, optimizer state, schedule) plus the
loss curve, its change marks, the frame sequence number and a divergence report. On start the file is read
back under the same session ids and then removed, so a page that was open reconnects to its own session
and finds everything as it was (paused; an iteration in progress starts over, since its phases committed
nothing). A session that cannot be read is skipped and logged (a file that cannot be read at all is kept
beside, named *.unreadable); an empty `state_file` turns this off.
The file is JSON written by the server itself (no pickle), replaced atomically.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from app.engine.errors import EngineError
from app.engine.lab import Lab
from app.sessions.session import Session, SessionLimit, SessionStore

FORMAT = "backprop-lab sessions 1"
log = logging.getLogger("backprop.persist")


def _session_data(session: Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "lab": session.lab.checkpoint(),
        "history": session.history,
        "stride": session.stride,
        "offered": session.offered,
        "tail": session.tail,
        "changes": session.changes,
        "speed": session.speed,
        "fps": session.fps,
        "seq": session.seq,
        "diverged": session.diverged,
    }


def save(store: SessionStore, path: Path) -> int:
    """Write every session of `store` to `path` (atomically); how many were written."""
    sessions = [_session_data(s) for s in store]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        text = json.dumps({"format": FORMAT, "sessions": sessions}, allow_nan=False, separators=(",", ":"))
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(sessions)


def _restore_one(store: SessionStore, data: dict[str, Any]) -> Session:
    session = store.add(Lab.restore(data["lab"]), session_id=str(data["id"]))
    session.history = list(data["history"])
    session.stride = int(data["stride"])
    session.offered = int(data["offered"])
    session.tail = data["tail"]
    session.changes = list(data["changes"])
    session.speed = int(data["speed"])
    session.fps = float(data["fps"])
    session.seq = int(data["seq"])
    session.diverged = data["diverged"]
    return session


def load(store: SessionStore, path: Path) -> int:
    """Read the sessions written by `save` into `store` under their ids, then remove the file; how many."""
    if not path.exists():
        return 0
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved.get("format") != FORMAT:
            raise ValueError(f"format {str(saved.get('format'))[:60]!r} is not {FORMAT!r}")
        entries = list(saved["sessions"])
    except (OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
        kept = path.with_name(path.name + ".unreadable")
        log.warning("sessions in %s not restored (%s); the file is kept as %s", path, exc, kept.name)
        path.replace(kept)
        return 0
    restored = 0
    for data in entries:
        try:
            _restore_one(store, data)
            restored += 1
        except SessionLimit:
            log.warning("sessions in %s: only %d restored, the store is full", path, restored)
            break
        except (EngineError, KeyError, TypeError, ValueError) as exc:
            log.warning("session %s not restored: %s", str(data.get("id"))[:40], exc)
    path.unlink(missing_ok=True)
    return restored
