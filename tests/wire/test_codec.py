"""The wire codec: exact float64 numbers, refusal of non-finite values, quantised maps, frame layout."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from app.wire.codec import (
    NonFiniteError,
    dequantise,
    dumps,
    pack_frame,
    quantise,
    quantise_into,
    quantise_rows,
    to_wire,
    unpack_frame,
    wire_bytes,
)

finite64 = st.floats(allow_nan=False, allow_infinity=False, width=64)


def float32_grids(rows: int, columns: int, bound: float = 1e6) -> st.SearchStrategy[np.ndarray]:
    """Float32 arrays of 1..rows × 1..columns values in [−bound, bound]."""
    return hnp.arrays(
        np.float32,
        st.tuples(st.integers(1, rows), st.integers(1, columns)),
        elements=st.floats(-bound, bound, width=32),
    )


@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5), elements=finite64))
def test_float64_arrays_survive_json_bit_for_bit(array: np.ndarray) -> None:
    back = np.array(json.loads(dumps(to_wire(array))), dtype=np.float64).reshape(array.shape)
    assert np.array_equal(back.view(np.int64), array.view(np.int64))  # same bits, -0.0 included


@given(finite64)
def test_numpy_scalars_become_exact_python_floats(x: float) -> None:
    value = to_wire(np.float64(x))
    assert type(value) is float
    assert json.loads(dumps(value)) == x


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_values_raise_naming_where(bad: float) -> None:
    with pytest.raises(NonFiniteError, match=r"records\[1\]\.z"):
        to_wire({"records": [{"z": 1.0}, {"z": np.array([0.5, bad])}]}, "records")
    with pytest.raises(NonFiniteError):
        to_wire(np.float64(bad))
    with pytest.raises(ValueError):
        dumps({"x": bad})


def test_nested_structures_convert_types() -> None:
    value = to_wire({"a": (np.int64(3), np.bool_(True), None, "s"), 4: [np.arange(3)]})
    assert value == {"a": [3, True, None, "s"], "4": [[0, 1, 2]]}
    assert type(value["a"][0]) is int and type(value["a"][1]) is bool
    with pytest.raises(TypeError, match="cannot encode object"):
        to_wire(object())


@given(float32_grids(12, 12))
def test_quantised_maps_are_within_half_a_level(grid: np.ndarray) -> None:
    q = quantise(grid)
    assert len(q.data) == grid.size
    assert q.lo == float(grid.min()) and q.hi == float(grid.max())
    back = dequantise(q, grid.shape)
    level = (q.hi - q.lo) / 255.0
    # half a level, plus float32 rounding of the scaling
    assert np.all(
        np.abs(back - grid.astype(np.float64)) <= 0.5 * level + 1e-6 * max(1.0, abs(q.hi), abs(q.lo))
    )


def test_quantise_uses_a_given_range_and_clips() -> None:
    q = quantise(np.array([[-2.0, 0.0, 0.5, 3.0]], dtype=np.float32), lo=-1.0, hi=1.0)
    assert list(q.data) == [0, 128, 191, 255]
    assert (q.lo, q.hi) == (-1.0, 1.0)


def test_flat_map_is_all_zero_bytes() -> None:
    q = quantise(np.full((3, 3), 0.25, dtype=np.float32))
    assert q.data == bytes(9) and q.lo == q.hi == 0.25


def test_quantise_refuses_non_finite() -> None:
    with pytest.raises(NonFiniteError):
        quantise(np.array([0.0, np.nan], dtype=np.float32))


@given(
    st.dictionaries(st.text(max_size=5), finite64 | st.integers() | st.text(max_size=5), max_size=5),
    st.binary(),
)
def test_frame_layout_round_trips(header: dict[str, Any], payload: bytes) -> None:
    frame = pack_frame(json.dumps(header).encode("utf-8"), payload)
    n = int.from_bytes(frame[:4], "little")
    assert json.loads(frame[4 : 4 + n].decode("utf-8")) == header
    assert unpack_frame(frame) == (header, payload)


def test_unpack_rejects_truncated_frames() -> None:
    with pytest.raises(ValueError, match="too short"):
        unpack_frame(b"\x01")
    with pytest.raises(ValueError, match="exceeds"):
        unpack_frame((100).to_bytes(4, "little") + b"{}")


@given(float32_grids(6, 50, bound=999999995904.0))
def test_rows_quantise_each_over_its_own_range(rows: np.ndarray) -> None:
    data, lows, highs = quantise_rows(rows)
    assert len(data) == rows.size
    levels = np.frombuffer(data, dtype=np.uint8).reshape(rows.shape).astype(np.float64)
    for row, level, lo, hi in zip(rows.astype(np.float64), levels, lows, highs, strict=True):
        assert lo == row.min() and hi == row.max()
        back = lo + (hi - lo) * level / 255.0
        assert np.all(np.abs(back - row) <= 0.5 * (hi - lo) / 255.0 + 1e-6 * max(1.0, abs(lo), abs(hi)))


def test_rows_refuse_non_finite_and_keep_flat_rows_at_zero() -> None:
    data, lows, highs = quantise_rows(np.array([[2.0, 2.0], [0.0, 1.0]], dtype=np.float32))
    assert list(data) == [0, 0, 0, 255] and lows == [2.0, 0.0] and highs == [2.0, 1.0]
    with pytest.raises(NonFiniteError):
        quantise_rows(np.array([[0.0, np.inf]], dtype=np.float32))


@settings(deadline=None)  # timing is not the point; a loaded CI machine must not fail it
@given(st.lists(finite64 | st.integers(-(2**53), 2**53) | st.none() | st.booleans(), max_size=20))
def test_frame_json_carries_every_float64_bit_for_bit(values: list[Any]) -> None:
    data = wire_bytes({"values": values, "nested": [values, {"x": values}]}, "test")
    back = json.loads(data)
    assert back == json.loads(dumps({"values": values, "nested": [values, {"x": values}]}))
    for original, read in zip(values, back["values"], strict=True):
        assert type(read) is type(original)
        if isinstance(original, float):
            assert math.copysign(1.0, read) == math.copysign(1.0, original)  # -0.0 stays -0.0


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_frame_json_refuses_non_finite_numbers(bad: float) -> None:
    with pytest.raises(NonFiniteError, match="example holds a non-finite number"):
        wire_bytes({"a": [[0.5, bad]], "z": [None, [1.0]]}, "example")


@settings(deadline=None)
@given(float32_grids(4, 40))
def test_quantise_into_fills_the_given_buffer_and_leaves_the_values_alone(rows: np.ndarray) -> None:
    original = rows.copy()
    out = np.full(rows.shape, 7, dtype=np.uint8)
    lows, highs = quantise_into(rows, out, np.empty_like(rows))
    assert np.array_equal(rows, original)
    data, expected_lows, expected_highs = quantise_rows(original)
    assert out.tobytes() == data and lows == expected_lows and highs == expected_highs
