"""Reading and writing the state file's columns: base64 blobs of exact little-endian arrays, and lists and
integers checked as they are read (ValueError naming the column)."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
from numpy.typing import NDArray

FLOAT, INT = np.dtype("<f8"), np.dtype("<i8")


def blob(values: NDArray[Any], dtype: np.dtype[Any]) -> str:
    """The values as a base64 blob of `dtype` (exact: their bytes)."""
    return base64.b64encode(np.ascontiguousarray(values, dtype=dtype).tobytes()).decode()


def unblob(text: Any, dtype: np.dtype[Any], count: int, name: str) -> NDArray[Any]:
    """`count` values of a base64 blob; ValueError naming `name` unless it holds exactly that many."""
    if not isinstance(text, str):
        raise ValueError(f"{name}: a base64 string is expected, not {type(text).__name__}")
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ValueError(f"{name}: not base64 ({exc})") from exc
    if len(raw) != count * dtype.itemsize:
        raise ValueError(f"{name}: {len(raw)} bytes where {count} values take {count * dtype.itemsize}")
    values = np.frombuffer(raw, dtype=dtype)
    if dtype.kind == "f" and not np.isfinite(values).all():
        raise ValueError(f"{name}: NaN or Infinity in a saved value")
    return values


def column(data: dict[str, Any], name: str, n: int | None = None) -> list[Any]:
    """The list `data[name]` (of `n` entries, one per keyframe, when given)."""
    values = data[name]
    if not isinstance(values, list):
        raise ValueError(f"{name}: a list is expected, not {type(values).__name__}")
    if n is not None and len(values) != n:
        raise ValueError(f"{name}: {len(values)} entries where there are {n} keyframes")
    return values


def integer(value: Any, name: str, lo: int = 0, hi: int = 2**62) -> int:
    """`value` as an integer in lo..hi (booleans refused)."""
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ValueError(f"{name}: {value!r} is not an integer in {lo}..{hi}")
    return value


def ints(data: dict[str, Any], name: str, n: int | None = None, hi: int = 2**62) -> list[int]:
    """The list `data[name]` of integers in 0..hi."""
    return [integer(v, f"{name}[{i}]", 0, hi) for i, v in enumerate(column(data, name, n))]
