"""Engine values -> wire: exact JSON numbers, quantised uint8 grids, and the binary frame layout.

Parameters and phase records keep every bit of their float64 value: Python's float repr is the shortest
string that reads back to the same double, so JSON carries the engine's numbers exactly. Only the
per-pixel maps are quantised (value = lo + (hi - lo) * byte / 255). A non-finite number reaching this
module is a bug (divergence is caught in the engine), so it raises instead of being replaced.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pydantic_core

_HEADER_LENGTH = struct.Struct("<I")


class NonFiniteError(ValueError):
    """A NaN or infinity reached the wire encoder; the message names where."""


def to_wire(value: Any, where: str = "value") -> Any:
    """Convert NumPy arrays and scalars (nested in dicts, lists, tuples) to JSON-ready Python values."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if not math.isfinite(number):
            raise NonFiniteError(f"{where} is {number}: non-finite numbers are never sent")
        return number
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f" and not bool(np.isfinite(value).all()):
            raise NonFiniteError(f"{where} holds a non-finite number: non-finite numbers are never sent")
        return value.tolist()
    if isinstance(value, Mapping):
        return {str(k): to_wire(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_wire(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise TypeError(f"{where}: cannot encode {type(value).__name__} for the wire")


_ENCODER = json.JSONEncoder(allow_nan=False, separators=(",", ":"), ensure_ascii=False)


def dumps(value: Any) -> str:
    """Compact JSON that refuses NaN and infinities (json.dumps(allow_nan=False))."""
    return _ENCODER.encode(value)


def wire_bytes(value: Any, where: str) -> bytes:
    """Compact UTF-8 JSON of plain Python values (dict, list, str, int, float, bool, None) by pydantic-core's
    serializer: the same numbers as dumps (each float in its shortest form that reads back to the same
    double), many times faster. Meant for values without free text (frame headers), where a NaN or Infinity
    token can only be a number: NonFiniteError naming `where`."""
    data = pydantic_core.to_json(value, inf_nan_mode="constants")
    if b"NaN" in data or b"Infinity" in data:
        raise NonFiniteError(f"{where} holds a non-finite number: non-finite numbers are never sent")
    return data


@dataclass(frozen=True)
class Quantised:
    """A grid mapped to bytes: value ≈ lo + (hi - lo) * byte / 255."""

    data: bytes
    lo: float
    hi: float


def quantise(grid: npt.NDArray[Any], lo: float | None = None, hi: float | None = None) -> Quantised:
    """Map a float grid to uint8 over [lo, hi] (its own range unless given), rounding to the nearest level."""
    values = np.asarray(grid, dtype=np.float64)
    if not bool(np.isfinite(values).all()):
        raise NonFiniteError("a map holds a non-finite number: non-finite numbers are never sent")
    low = float(values.min()) if lo is None else lo
    high = float(values.max()) if hi is None else hi
    span = high - low
    if span <= 0.0:
        return Quantised(bytes(values.size), low, high)
    # byte = round(255 * (v - lo) / (hi - lo)), clipped to the byte range
    scaled = (values - low) * (255.0 / span) + 0.5
    np.clip(scaled, 0.0, 255.0, out=scaled)
    return Quantised(scaled.astype(np.uint8).tobytes(), low, high)


_FLAT_SPAN = float(np.finfo(np.float32).tiny) * 255.0  # narrower rows cannot be scaled in float32
_MINIMUM, _MAXIMUM = np.minimum.reduce, np.maximum.reduce


def quantise_into(
    values: npt.NDArray[np.float32], out: npt.NDArray[np.uint8], work: npt.NDArray[np.float32]
) -> tuple[list[float], list[float]]:
    """Quantise each row of `values` (n, P) over its own range into `out` (n, P uint8), with `work` (n, P
    float32, may be `values` itself, which is then overwritten) as scratch; lo and hi per row."""
    low = _MINIMUM(values, axis=1, keepdims=True)
    high = _MAXIMUM(values, axis=1, keepdims=True)
    lows, highs = low[:, 0].tolist(), high[:, 0].tolist()
    # a NaN or an infinity anywhere in a row shows in its min or max
    if not all(map(math.isfinite, lows)) or not all(map(math.isfinite, highs)):
        raise NonFiniteError("a map holds a non-finite number: non-finite numbers are never sent")
    # byte = floor(255 (v − lo)/(hi − lo) + ½), i.e. rounded; v − lo ≥ 0 and the product stays ≤ 255 (up to
    # float32 rounding, still below 256), so the cast never wraps. A flat row maps to 0.
    scales = [255.0 / (h - lo) if h - lo > _FLAT_SPAN else 0.0 for lo, h in zip(lows, highs, strict=True)]
    if len(scales) == 1:  # one row: scalars (a broadcast column would go through a copy buffer)
        np.subtract(values, np.float32(lows[0]), out=work)
        work *= np.float32(scales[0])
    else:
        np.subtract(values, low, out=work)
        work *= np.array(scales, dtype=np.float32)[:, None]
    work += np.float32(0.5)
    out[...] = work
    return lows, highs


def quantise_rows(rows: npt.NDArray[Any]) -> tuple[bytes, list[float], list[float]]:
    """Quantise each row of an (n, P) array over its own range at once: the n·P bytes (row after row) and
    lo and hi per row."""
    values = np.array(rows, dtype=np.float32)
    out = np.empty(values.shape, dtype=np.uint8)
    lows, highs = quantise_into(values, out, values)
    return out.tobytes(), lows, highs


def dequantise(q: Quantised, shape: tuple[int, ...]) -> npt.NDArray[np.float64]:
    """The values a client reads back from quantised bytes (for tests and tools)."""
    levels = np.frombuffer(q.data, dtype=np.uint8).astype(np.float64).reshape(shape)
    return q.lo + (q.hi - q.lo) * levels / 255.0


def arrays(values: list[npt.NDArray[Any]], where: str) -> list[Any]:
    """A list of float arrays as nested lists (the fast path of to_wire for parameters)."""
    for i, value in enumerate(values):
        if not bool(np.isfinite(value).all()):
            raise NonFiniteError(f"{where}[{i}] holds a non-finite number: non-finite numbers are never sent")
    return [value.tolist() for value in values]


def pack_frame(head: bytes, payload: bytes | memoryview) -> bytes:
    """A binary frame: [uint32 little-endian N][N bytes UTF-8 JSON header `head`][payload]."""
    return b"".join((_HEADER_LENGTH.pack(len(head)), head, payload))


def unpack_frame(frame: bytes) -> tuple[dict[str, Any], bytes]:
    """Split a binary frame into its JSON header and payload (the inverse of pack_frame)."""
    if len(frame) < _HEADER_LENGTH.size:
        raise ValueError(f"frame too short: {len(frame)} bytes")
    (n,) = _HEADER_LENGTH.unpack_from(frame)
    end = _HEADER_LENGTH.size + n
    if end > len(frame):
        raise ValueError(f"frame header length {n} exceeds the frame ({len(frame)} bytes)")
    header = json.loads(frame[_HEADER_LENGTH.size : end].decode("utf-8"))
    if not isinstance(header, dict):
        raise ValueError("frame header is not a JSON object")
    return header, frame[end:]
