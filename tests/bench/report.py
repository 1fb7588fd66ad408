"""What the benchmark scripts print at their end: one row per figure (label, value, target) and the load
average at the start and at the end (kept in the figures)."""

from __future__ import annotations

import os
from typing import Any


def print_rows(rows: list[tuple[str, float, str]], digits: int = 2) -> None:
    """One line per figure: its label, its value with `digits` decimals, and its target ('' for none)."""
    for label, value, target in rows:
        print(f"{label:<52} {value:>10.{digits}f}  {target}")


def print_load(figures: dict[str, Any], load: float, note: str = "") -> None:
    """The load average at the start (`load`) and now, which goes into `figures` as load_average_end."""
    figures["load_average_end"] = os.getloadavg()[0]
    print(
        f"load average (1 min) at the start: {load:.2f}, at the end: {figures['load_average_end']:.2f}, "
        f"on {os.cpu_count()} cores{note}"
    )
