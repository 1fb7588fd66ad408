"""A session's run as the exported script and notebook: its replay plan read under the session's lock, in
a worker thread (the replays it takes are bounded by the timeline's bounds: app/export/plan.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from app.export.notebook import render_notebook
from app.export.plan import Plan, build_plan
from app.export.script import render_script
from app.sessions.session import Session


def describe(session: Session) -> dict[str, Any]:
    """The words the exported code starts with: the session, its data set, its inputs and targets."""
    data = session.lab.data
    targets = f"the classes {', '.join(data.class_names)}" if data.n_classes else "real values"
    words = {
        "session": session.id,
        "dataset": data.name,
        "features": ", ".join(data.feature_labels),
        "targets": targets,
    }
    return {key: printable(value) for key, value in words.items()}


def printable(text: str) -> str:
    """User text as one line of a comment or a docstring of the exported code: no line break or control
    character (a CSV's names could end a comment and start code), no backslash or triple quote."""
    line = "".join(ch if ch.isprintable() else " " for ch in text)
    return line.replace("\\", "/").replace('"' * 3, "'" * 3)


def _plan(session: Session) -> Plan:
    return build_plan(session.timeline, session.lab, describe(session))


async def plan_of(session: Session) -> Plan:
    """The session's replay plan, as it stands now."""
    async with session.lock:
        return await asyncio.to_thread(_plan, session)


async def script_of(session: Session) -> str:
    """The standalone NumPy script."""
    return render_script(await plan_of(session))


async def notebook_of(session: Session) -> str:
    """The notebook (.ipynb JSON)."""
    return render_notebook(await plan_of(session))
