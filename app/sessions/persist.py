"""Sessions kept across a server restart.

On shutdown, after every socket was closed with 1001, each session is written to `settings.state_file`: the
engine's checkpoint (configuration, data with added points, parameters, optimizer state, schedule) plus the
loss curve (one list per field: app/sessions/history.py), its change marks, the frame sequence number, a
divergence report, and the run's timeline as columns (app/timeline/columns.py: its keyframes, marks, branches
and parent). On start the file is read back under the same session ids and then removed, so a page
that was open reconnects to its own session and finds everything as it was (paused; an iteration in
progress starts over, since its phases committed nothing).

Every session read back is checked like a request (app/schemas/statefile.py, then the engine's own checks,
then its state is built once): a bad one is skipped and the log says which and why, the others are
restored. A timeline is checked on its own (app/schemas/statefile.py, then app/timeline/columns.py, then the
state it gives at the session's step must be the session's): a bad one is refused and its session restored
with a fresh timeline from its current step, the log saying why; so is a session of an older file (formats 1
and 2 had no timelines). A file that cannot be read at all is kept beside, named *.unreadable. Sessions
beyond max_sessions are not restored, and the log says how many. A save that fails says how many sessions
were lost and why; `check` tells at start whether the state file can be written at all. An empty
`state_file` turns this off.
The file is JSON written by the server itself (no pickle), replaced atomically.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.engine.errors import EngineError
from app.engine.lab import Lab
from app.schemas.statefile import FORMAT, SavedSession, SavedTimeline, StateFile
from app.sessions.history import FIELDS, History
from app.sessions.session import Session, SessionLimit, SessionStore
from app.timeline import replay
from app.timeline.columns import from_columns, to_columns
from app.timeline.timeline import Timeline
from app.wire.frames import state_payload

log = logging.getLogger("backprop.persist")
MAX_DEPTH = 32  # nesting of a saved session (a checkpoint is a few levels deep)
_BAD = (
    EngineError,
    ValidationError,
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    AttributeError,
    RecursionError,
)


def _timeline_data(session: Session) -> dict[str, Any] | None:
    """The session's timeline as columns; None (logged: it starts afresh after the restart) if it cannot be
    written."""
    try:
        return to_columns(session.timeline)
    except _BAD as exc:
        log.error(
            "session %s: its timeline is not kept (%s); it starts afresh after the restart", session.id, exc
        )
        return None


def _session_data(session: Session) -> dict[str, Any]:
    history = session.history
    return {
        "id": session.id,
        "lab": session.lab.checkpoint(),
        "history": history.to_columns(),
        "stride": history.stride,
        "offered": history.offered,
        "tail": history.tail,
        "changes": session.changes,
        "speed": session.speed,
        "fps": session.fps,
        "seq": session.seq,
        "diverged": session.diverged,
        "timeline": _timeline_data(session),
    }


def check(path: Path) -> str | None:
    """Why sessions could not be kept at `path` (its folder cannot be made or written), or None."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=path.name, suffix=".probe", dir=path.parent)
        os.close(fd)
        Path(probe).unlink()
    except OSError as exc:
        return f"{exc.strerror or exc} ({path.parent})"
    if path.exists() and not os.access(path, os.R_OK):
        return f"{path} cannot be read"
    return None


def save(store: SessionStore, path: Path) -> int:
    """Write every session of `store` to `path` (atomically); how many were written. A session that cannot
    be written is logged and left out; OSError when the file cannot be written (nothing is kept then)."""
    sessions = []
    for session in store:
        try:
            sessions.append(_session_data(session))
        except _BAD as exc:
            log.error("session %s not kept: %s", session.id, exc)
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


def _check_tree(value: Any, depth: int = 0) -> None:
    """ValueError for nesting deeper than MAX_DEPTH or a number that is not finite."""
    if depth > MAX_DEPTH:
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a finite number")
    elif isinstance(value, dict):
        for item in value.values():
            _check_tree(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_tree(item, depth + 1)


def _columns(entry: Any) -> Any:
    """An entry of the first format with its loss curve as columns (one object per point there)."""
    if isinstance(entry, dict) and isinstance(entry.get("history"), list):
        points = entry["history"]
        if not all(isinstance(p, dict) for p in points):
            raise ValueError("history: every point must be an object")
        entry = {**entry, "history": {name: [p.get(name) for p in points] for name in FIELDS}}
    return entry


def _timeline(session: Session, saved: Any) -> Timeline:
    """The saved timeline of a restored session, checked; an error from _BAD names what is wrong."""
    _check_tree(saved)
    if not isinstance(saved, dict):
        raise ValueError(f"a timeline must be an object, not {type(saved).__name__}")
    SavedTimeline.model_validate(saved)
    timeline = from_columns(saved, session.timeline.bounds)
    Lab.restore(timeline.frames[-1].saved)  # the newest keyframe must restore as it is
    step = session.step
    if step < timeline.first:
        raise ValueError(f"steps: the session's step {step} is before the timeline's first {timeline.first}")
    timeline.observe(session.lab)  # training after the last recorded step (a shutdown mid-tick)
    lab, _ = replay.state_at(timeline, step)
    if lab.network.theta.tobytes() != session.lab.network.theta.tobytes():
        raise ValueError(f"theta: the timeline's parameters at step {step} are not the session's")
    return timeline


def _adopt_timeline(session: Session, saved: Any) -> None:
    """Give a restored session its saved timeline; none saved, or refused (logged): the fresh one it has."""
    if saved is None:
        log.info("saved session %s has no timeline: a new one starts at step %d", session.id, session.step)
        return
    try:
        session.timeline = _timeline(session, saved)
    except _BAD as exc:
        reason = str(exc).replace("\n", "; ")[:300]
        log.warning(
            "saved session %s: its timeline is refused (%s); a new one starts at step %d",
            session.id,
            reason,
            session.step,
        )


def _restore_one(store: SessionStore, entry: Any) -> Session:
    """One saved session into `store`, checked like a request; an error from _BAD names what is wrong
    (its timeline is checked apart: a bad one is replaced, the session kept)."""
    saved_timeline = entry.pop("timeline", None) if isinstance(entry, dict) else None
    _check_tree(entry)
    entry = _columns(entry)
    data = SavedSession.model_validate(entry)
    if data.id in store:
        raise ValueError(f"session id {data.id} appears twice")
    lab = Lab.restore(data.lab)
    settings = store.settings
    history = History.from_columns(
        settings.max_history,
        data.history.model_dump(),
        data.stride,
        data.offered,
        data.tail.model_dump() if data.tail is not None else None,
    )
    session = store.add(lab, session_id=data.id)
    try:
        session.history = history
        session.changes = [change.model_dump() for change in data.changes]
        session.speed = min(data.speed, settings.max_speed)
        session.fps = min(data.fps, settings.max_fps)
        session.seq = data.seq
        session.diverged = data.diverged.model_dump() if data.diverged is not None else None
        _adopt_timeline(session, saved_timeline)
        state_payload(session)  # what every later request builds: it must build now
    except BaseException:
        store.remove(session.id)
        raise
    return session


def _read(path: Path) -> list[Any] | None:
    """The saved entries, or None (logged; the file kept beside as *.unreadable) when the file is unusable."""
    try:
        saved = StateFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, RecursionError, ValidationError) as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        kept = path.with_name(path.name + ".unreadable")
        try:
            path.replace(kept)
            log.error("no session restored from %s (%s); the file is kept as %s", path, reason, kept.name)
        except OSError as moved:
            log.error(
                "no session restored from %s (%s); it could not be moved aside: %s", path, reason, moved
            )
        return None
    return saved.sessions


def _name(entry: Any) -> str:
    """How the log names a saved entry: its id when it has one."""
    return repr(str(entry.get("id"))[:40]) if isinstance(entry, dict) else f"({type(entry).__name__})"


def load(store: SessionStore, path: Path) -> int:
    """Read the sessions written by `save` into `store` under their ids, then remove the file; how many.
    Bad entries are skipped and logged with the reason; so are those beyond the store's capacity."""
    if not path.exists():
        return 0
    entries = _read(path)
    if entries is None:
        return 0
    restored = full = 0
    for index, entry in enumerate(entries):
        try:
            _restore_one(store, entry)
            restored += 1
        except SessionLimit:
            full += 1
        except _BAD as exc:
            reason = str(exc).replace("\n", "; ")[:300]
            log.warning("saved session %d %s not restored: %s", index, _name(entry), reason)
    if full:
        log.warning(
            "%d saved session(s) not restored: the server holds at most max_sessions = %d",
            full,
            store.settings.max_sessions,
        )
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        log.error("%s could not be removed (%s): it will be read again at the next start", path, exc)
    return restored
