"""A Lab as plain JSON-able data and back (Lab.checkpoint() and Lab.restore(saved) use this module).

A checkpoint holds everything that decides the numbers from here on: the configuration (live changes
included), the data set as it is now (points added or removed included), the current parameters, the
optimizer's state, the schedule (epoch, position, this epoch's order and the order stream's generator state),
the step count, and hyperparameter changes waiting for the next iteration. Training a restored Lab gives
bit-identical numbers to training the original (arrays are kept as the base64 of their bytes, and the
configuration's floats are written with repr: both read back exactly).

An iteration in progress is not kept: its phases committed nothing, so the restored Lab stands at that
iteration's start, on the same batch.

A raw checkpoint (`save(..., raw=True)`, Lab.checkpoint(raw=True)) holds the same parts in memory instead:
the LabConfig and Dataset objects themselves (both immutable, so consecutive checkpoints share them) and
copies of the arrays. It is what a run's timeline keeps (tens of microseconds to take, not JSON-able);
`restore` reads both kinds.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.engine.csvdata import CsvData
from app.engine.custom import CustomData
from app.engine.data import Dataset
from app.engine.errors import EngineError
from app.engine.hyper import Hyper
from app.engine.labconfig import LabConfig
from app.engine.optimizers import OPTIMIZERS
from app.engine.stepper import Stepper

VERSION = 1
_DATA_ARRAYS = ("points", "inputs", "labels", "targets", "train_indices", "test_indices")
_SEQUENCES = ("features", "hidden_layers", "layer_activations", "added_points", "dropout")


def _plain(value: Any) -> Any:
    """Arrays, tuples and NumPy scalars as lists and Python numbers (recursively)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _array(values: NDArray[Any]) -> dict[str, Any]:
    """An array as {dtype, shape, base64 of its bytes}: exact, compact and fast to write and read."""
    values = np.ascontiguousarray(values)
    return {
        "dtype": values.dtype.str,
        "shape": list(values.shape),
        "bytes": base64.b64encode(values.tobytes()).decode(),
    }


def _from_array(saved: dict[str, Any] | NDArray[Any]) -> NDArray[Any]:
    """The array `_array` wrote (a copy that owns its memory); a raw checkpoint's array, copied."""
    if isinstance(saved, np.ndarray):
        return saved.copy()
    dtype = np.dtype(saved["dtype"])
    if dtype.kind not in "fiub":
        raise ValueError(f"dtype {saved['dtype']!r} is not numeric")
    flat = np.frombuffer(base64.b64decode(saved["bytes"], validate=True), dtype=dtype)
    return flat.reshape([int(n) for n in saved["shape"]]).copy()


def _config_data(config: LabConfig) -> dict[str, Any]:
    """The configuration's fields as plain data (custom rows as {inputs, targets, kind})."""
    out = {f.name: _plain(getattr(config, f.name)) for f in fields(config)}
    if isinstance(config.dataset, (CustomData, CsvData)):
        out["dataset"] = _plain(asdict(config.dataset))
    return out


def _config_from(data: dict[str, Any]) -> LabConfig:
    """A LabConfig from `_config_data`'s output."""
    values = dict(data)
    if isinstance(values["dataset"], dict):
        kind = CsvData if "csv" in values["dataset"] else CustomData
        values["dataset"] = kind(**values["dataset"])
    for name in _SEQUENCES:
        if values.get(name) is not None:
            values[name] = tuple(values[name])
    return LabConfig(**values)


def _dataset_data(data: Dataset) -> dict[str, Any]:
    """The data set's fields (arrays with their dtypes)."""
    out: dict[str, Any] = {}
    for f in fields(data):
        if not f.init:
            continue
        value = getattr(data, f.name)
        if f.name in _DATA_ARRAYS and value is not None:
            out[f.name] = _array(value)
        else:
            out[f.name] = _plain(value)
    return out


def _dataset_from(data: dict[str, Any]) -> Dataset:
    """A Dataset from `_dataset_data`'s output."""
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name in _DATA_ARRAYS and value is not None:
            values[name] = _from_array(value)
        elif isinstance(value, list):
            values[name] = tuple(value)
        else:
            values[name] = value
    return Dataset(**values)


def save(
    config: LabConfig,
    data: Dataset,
    st: Stepper,
    data_part: dict[str, Any] | None = None,
    raw: bool = False,
) -> dict[str, Any]:
    """Everything needed to continue exactly where a Lab is (JSON-able: lists, numbers, strings);
    `data_part`: the "data" of an earlier checkpoint of this same data set, used as it is. `raw`: the
    configuration and data set as objects and the arrays as copies (see the module's docstring)."""
    schedule, optimizer = st.schedule, st.optimizer
    array = _copy if raw else _array
    config_part: Any = config if raw else _config_data(config)
    data_value: Any = data if raw else (_dataset_data(data) if data_part is None else data_part)
    return {
        "version": VERSION,
        "config": config_part,
        "data": data_value,
        "theta": array(st.net.theta),
        "hyper": _plain(asdict(st.hyper)),
        "pending": _plain(st.pending),
        "step": st.step,
        "optimizer": {
            "name": optimizer.name,
            "t": optimizer.t,
            "slots": {slot: array(values) for slot, values in optimizer.current.items()},
        },
        "schedule": {
            "epoch": schedule.epoch,
            "batch_in_epoch": schedule.batch_in_epoch,
            "position": schedule.position,
            "order": None if schedule.order is None else array(schedule.order),
            "rng": _plain(schedule.rng.bit_generator.state),
        },
    }


def _copy(values: NDArray[Any]) -> NDArray[Any]:
    """A raw checkpoint's array: a copy that owns its memory."""
    return np.array(values, copy=True)


def _unreadable(exc: Exception) -> EngineError:
    return EngineError("checkpoint", f"unreadable: {type(exc).__name__}: {exc}")


def parts(saved: dict[str, Any]) -> tuple[LabConfig, Dataset]:
    """The configuration and the data set of a checkpoint; EngineError("checkpoint", ...) if unreadable."""
    if saved.get("version") != VERSION:
        raise EngineError("checkpoint", f"version {saved.get('version')!r} is not {VERSION}")
    try:
        config, data = saved["config"], saved["data"]
        return (
            config if isinstance(config, LabConfig) else _config_from(config),
            data if isinstance(data, Dataset) else _dataset_from(data),
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise _unreadable(exc) from exc


def resume(st: Stepper, saved: dict[str, Any]) -> None:
    """Put the checkpoint's parameters, optimizer state, schedule and counters into a fresh stepper."""
    try:
        theta = _from_array(saved["theta"]).astype(np.float64)
        if theta.shape != st.net.theta.shape:
            raise EngineError("checkpoint", "the parameters do not fit the network")
        st.net.theta[:] = theta
        st.hyper = Hyper(**saved["hyper"])
        opt = saved["optimizer"]
        st.optimizer = OPTIMIZERS[opt["name"]](st.net.layout, st.hyper.momentum)
        st.optimizer.t = int(opt["t"])
        for slot in st.optimizer.slots:
            st.optimizer.current[slot][:] = _from_array(opt["slots"][slot])
        st.step = int(saved["step"])
        schedule, sched, h = st.schedule, saved["schedule"], st.hyper
        schedule.batch_size, schedule.shuffle, schedule.drop_last = h.batch_size, h.shuffle, h.drop_last
        schedule.epoch = int(sched["epoch"])
        schedule.batch_in_epoch = int(sched["batch_in_epoch"])
        schedule.position = int(sched["position"])
        schedule.rng.bit_generator.state = sched["rng"]
        if sched["order"] is not None:
            st.take_order(_from_array(sched["order"]).astype(np.int64))
        if saved["pending"]:  # changed during the iteration in progress: they apply after it
            st.defer(saved["pending"])
    except EngineError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise _unreadable(exc) from exc
