"""A session's run log: every recorded loss-curve point (train/test loss and accuracy, the gradient norms
per layer) and every change made on the way (the timeline's marks), as JSON or as one CSV table.

The log holds what the session holds, so its size is bounded by `max_history` points (the curve is thinned
evenly past it: `stride` says every how many steps a point was kept) and by the timeline's marks (at most
4 × `timeline_max_events`). In CSV, numbers are written with repr (they read back as the same float64) and
a text cell that a spreadsheet would take for a formula (starting with = + - @, a tab or a carriage
return) is prefixed with a single quote; numeric cells are never text, so a negative number stays a number.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from app.sessions.session import Session

METRICS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula (OWASP's CSV injection rule)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _value(value: Any) -> str:
    """A change's value as words: lists and numbers as Python writes them."""
    return repr(value) if isinstance(value, float) else str(value)


def describe(mark: dict[str, Any]) -> str:
    """One change as a line of words (its kind, then what it changed)."""
    kind = str(mark.get("kind", ""))
    if kind == "change":
        parts = [f"{k} {_value(v[0])} → {_value(v[1])}" for k, v in mark.get("changes", {}).items()]
        return "change: " + ", ".join(parts)
    details = ", ".join(f"{k} {_value(v)}" for k, v in mark.items() if k not in ("step", "kind"))
    return f"{kind}: {details}" if details else kind


def run_log(session: Session) -> dict[str, Any]:
    """The log as JSON-able data: columns and rows of the curve, the changes by step."""
    points = session.curve()
    depth = len(session.lab.weights)
    columns = ["step", "epoch", *METRICS, *[f"grad_norm_{layer}" for layer in range(1, depth + 1)]]
    rows = []
    for point in points:
        norms = point.get("grad_norms") or []
        norms = list(norms[:depth]) + [None] * (depth - len(norms[:depth]))
        rows.append([point["step"], point["epoch"], *[point[m] for m in METRICS], *norms])
    changes = [
        {"step": int(m["step"]), "kind": m["kind"], "text": describe(m), "mark": m}
        for m in session.timeline.marks
    ]
    return {
        "session": session.id,
        "step": session.step,
        "columns": columns,
        "rows": rows,
        "stride": session.history.stride,
        "changes": changes,
    }


def run_log_csv(log: dict[str, Any]) -> str:
    """The log as one CSV table: a row per recorded step, its changes in the last column (a change at a step
    with no recorded point gets a row of its own, its numbers empty)."""
    by_step: dict[int, list[str]] = {}
    for change in log["changes"]:
        by_step.setdefault(change["step"], []).append(change["text"])
    rows: list[list[Any]] = [[*row, None] for row in log["rows"]]
    seen = {row[0] for row in log["rows"]}
    width = len(log["columns"])
    rows += [[step, *[None] * (width - 1), None] for step in by_step if step not in seen]
    rows.sort(key=lambda row: row[0])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*log["columns"], "changes"])
    done: set[int] = set()
    for row in rows:
        step = row[0]
        text = "" if step in done else "; ".join(by_step.get(step, []))
        done.add(step)
        writer.writerow([_cell(v) for v in row[:-1]] + [neutralise(text)])
    return out.getvalue()


def _cell(value: Any) -> str:
    """A number as repr (exact), None as an empty cell."""
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)
