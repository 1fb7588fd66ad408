"""A timeline as columns for the state file (app/sessions/persist.py), and back, exactly.

Per keyframe, one entry in parallel lists (step, event flag, optimizer `t`, schedule counters, each field of
the order generator's state); the arrays in one base64 blob each (θ as an n_frames × n_params float64 matrix,
one such matrix per optimizer slot over the keyframes whose optimizer has it, the epoch orders as one int64
blob with each keyframe's length, null where none was drawn); configurations, data sets, hyperparameters and
pending changes as tables of distinct entries named by index (a run's data set is written once). The tables
hold the engine's JSON checkpoint parts (Lab.checkpoint, read by checkpoint.parts), so they read back
exactly, and keyframes that shared a configuration or a data set share one object again.

`from_columns` refuses anything else, naming the column (ValueError or KeyError): lengths that disagree,
blobs of the wrong size or with NaN or Infinity, steps that go back, indices past their table, bad settings,
an order that is no permutation of its training set, a θ that does not fit its network, a generator state
NumPy will not take, more keyframes or bytes than the bounds allow.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.engine import checkpoint
from app.engine.data import Dataset
from app.engine.hyper import LIVE_FIELDS
from app.engine.lab import Lab
from app.engine.labconfig import LabConfig, check_live
from app.engine.optimizers import OPTIMIZERS
from app.timeline.blobs import FLOAT, INT, blob, column, integer, ints, unblob
from app.timeline.timeline import MIN_REGULAR, Bounds, Keyframe, Timeline, keyframe_bytes

MAX_SPACING = 2**40  # the timeline's own cap on a doubled spacing
TABLES = {"config": "configs", "data": "datasets", "hyper": "hypers", "pending": "pendings"}
_GENERATORS = ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937")


def _index(table: dict[str, int], entries: list[Any], value: Any) -> int:
    """The index of `value` among a table's distinct entries (compared by canonical JSON), added if new."""
    text = json.dumps(value, sort_keys=True, allow_nan=False)
    if text not in table:
        table[text] = len(entries)
        entries.append(value)
    return table[text]


def _flat(state: dict[str, Any]) -> dict[str, Any]:
    """A generator state's fields by dotted path ({"state": {"inc": 1}} -> {"state.inc": 1}; NumPy's states
    are two levels deep)."""
    inner = {f"{k}.{j}": w for k, v in state.items() if isinstance(v, dict) for j, w in v.items()}
    return {**{k: v for k, v in state.items() if not isinstance(v, dict)}, **inner}


def _nested(flat: dict[str, Any]) -> dict[str, Any]:
    """`_flat`'s input from its output."""
    out: dict[str, Any] = {}
    for path, value in flat.items():
        head, _, rest = path.partition(".")
        if rest:
            out.setdefault(head, {})[rest] = value
        else:
            out[head] = value
    return out


def _union(slots: list[dict[str, Any]]) -> list[str]:
    """The slot names of every keyframe's optimizer, each once, in the order they first appear."""
    return list(dict.fromkeys(name for slot in slots for name in slot))


def to_columns(timeline: Timeline) -> dict[str, Any]:
    """The timeline as JSON-able columns (see the module's docstring); ValueError if it has no keyframe."""
    frames = timeline.frames
    if not frames:
        raise ValueError("a timeline without keyframes is not kept")
    names = ("config", "data", "hyper", "pending")
    tables: dict[str, tuple[dict[str, int], list[Any]]] = {name: ({}, []) for name in names}
    refs: dict[str, list[int]] = {name: [] for name in names}
    known: dict[tuple[str, int], int] = {}  # a configuration or data set object already in its table
    for frame in frames:
        saved = frame.saved
        if int(saved["step"]) != frame.step:
            raise ValueError(f"keyframe at step {frame.step} holds a checkpoint of step {saved['step']}")
        for name in ("config", "data"):
            if (name, id(saved[name])) not in known:
                part = Lab(saved["config"], saved["data"]).checkpoint(
                    data_part=None if name == "data" else {}
                )
                known[name, id(saved[name])] = _index(*tables[name], part[name])
            refs[name].append(known[name, id(saved[name])])
        for name in ("hyper", "pending"):
            refs[name].append(_index(*tables[name], saved[name]))
    states = [_flat(f.saved["schedule"]["rng"]) for f in frames]
    if any(s.keys() != states[0].keys() for s in states):
        raise ValueError("the keyframes' generator states differ in their fields")
    theta = np.stack([f.saved["theta"] for f in frames])
    schedules = [f.saved["schedule"] for f in frames]
    orders = [s["order"] for s in schedules]
    slots = [f.saved["optimizer"]["slots"] for f in frames]
    return {
        "steps": [f.step for f in frames],
        "events": [f.event for f in frames],
        **{TABLES[name]: tables[name][1] for name in names},
        **refs,
        "n_params": int(theta.shape[1]),
        "theta": blob(theta, FLOAT),
        "optimizer": [f.saved["optimizer"]["name"] for f in frames],
        "t": [int(f.saved["optimizer"]["t"]) for f in frames],
        "slots": {k: blob(np.stack([s[k] for s in slots if k in s]), FLOAT) for k in _union(slots)},
        **{key: [int(s[key]) for s in schedules] for key in ("epoch", "batch_in_epoch", "position")},
        "order_lengths": [None if order is None else len(order) for order in orders],
        "orders": blob(np.concatenate([o for o in orders if o is not None] + [np.zeros(0)]), INT),
        "rng": {key: [s[key] for s in states] for key in states[0]},
        "marks": [dict(m) for m in timeline.marks],
        "branches": [dict(b) for b in timeline.branches],
        "parent": None if timeline.parent is None else dict(timeline.parent),
        "latest": timeline.latest,
        "applied": timeline.applied,
        "spacing": timeline.spacing,
    }


def _tables(data: dict[str, Any]) -> tuple[list[LabConfig], list[Dataset]]:
    """The configurations and data sets as the engine's objects (read by checkpoint.parts), the added points
    as tuples as a live Lab keeps them (the engine's JSON checkpoint reads them back as lists)."""
    configs, datasets = column(data, "configs"), column(data, "datasets")
    if not configs or not datasets:
        raise ValueError("configs, datasets: a timeline needs at least one of each")

    def parts(config: Any, dataset: Any, name: str) -> tuple[LabConfig, Dataset]:
        try:
            c, d = checkpoint.parts({"version": checkpoint.VERSION, "config": config, "data": dataset})
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from exc
        return replace(c, added_points=tuple((p[0], p[1], p[2]) for p in c.added_points)), d

    config0, data0 = parts(configs[0], datasets[0], "configs[0], datasets[0]")
    return (
        [config0] + [parts(c, data0, f"configs[{i + 1}]")[0] for i, c in enumerate(configs[1:])],
        [data0] + [parts(config0, d, f"datasets[{i + 1}]")[1] for i, d in enumerate(datasets[1:])],
    )


def _live(data: dict[str, Any], name: str, exact: bool) -> list[dict[str, Any]]:
    """A table of live hyperparameters (all of them when `exact`), each checked as a live change is."""
    entries = column(data, name)
    for i, entry in enumerate(entries):
        # a hyperparameter added since the state file was written takes its default (dropout: none)
        if not isinstance(entry, dict) or (
            exact and set(entry) - {"dropout"} != set(LIVE_FIELDS) - {"dropout"}
        ):
            raise ValueError(f"{name}[{i}]: an object with the fields {', '.join(LIVE_FIELDS)} is expected")
        try:
            check_live(entry)
        except ValueError as exc:
            raise ValueError(f"{name}[{i}].{exc}") from exc
    return entries


def _slots(data: dict[str, Any], names: list[str], n_params: int) -> list[dict[str, NDArray[Any]]]:
    """Each keyframe's optimizer state vectors, from one matrix per slot."""
    holders: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        for slot in OPTIMIZERS[name].slots:
            holders.setdefault(slot, []).append(i)
    saved = data["slots"]
    if not isinstance(saved, dict) or set(saved) != set(holders):
        found = sorted(saved) if isinstance(saved, dict) else saved
        raise ValueError(f"slots: {found!r} where the keyframes' optimizers have {sorted(holders)}")
    out: list[dict[str, NDArray[Any]]] = [{} for _ in names]
    for slot, rows in holders.items():
        matrix = unblob(saved[slot], FLOAT, len(rows) * n_params, f"slots.{slot}")
        for row, i in enumerate(rows):
            out[i][slot] = matrix[row * n_params : (row + 1) * n_params].astype(np.float64)
    return out


def _orders(data: dict[str, Any], n: int, train_sizes: list[int]) -> list[NDArray[Any] | None]:
    """Each keyframe's epoch order (a permutation of its training set), or None."""
    lengths = column(data, "order_lengths", n)
    for i, length in enumerate(lengths):
        if length is not None and integer(length, f"order_lengths[{i}]") != train_sizes[i]:
            raise ValueError(f"order_lengths[{i}]: {length} where the training set has {train_sizes[i]}")
    total = sum(length for length in lengths if length is not None)
    flat, start = unblob(data["orders"], INT, total, "orders"), 0
    out: list[NDArray[Any] | None] = []
    for i, length in enumerate(lengths):
        order = None if length is None else flat[start : start + length].astype(np.int64)
        start += length or 0
        if order is not None and not np.array_equal(np.sort(order), np.arange(len(order))):
            raise ValueError(f"orders: keyframe {i}'s order is not a permutation of its training set")
        out.append(order)
    return out


def _rng_states(data: dict[str, Any], n: int) -> list[dict[str, Any]]:
    """Each keyframe's order generator state, checked by NumPy itself."""
    columns = data["rng"]
    if not isinstance(columns, dict) or "bit_generator" not in columns:
        raise ValueError("rng: columns of the generator's state (bit_generator, ...) are expected")
    states = [_nested({key: column(columns, key, n)[i] for key in columns}) for i in range(n)]
    for i, state in enumerate(states):
        if state["bit_generator"] not in _GENERATORS:
            raise ValueError(f"rng.bit_generator[{i}]: {state['bit_generator']!r} is not a NumPy generator")
        try:
            getattr(np.random, state["bit_generator"])().state = state
        except (TypeError, ValueError, KeyError) as exc:
            raise ValueError(f"rng[{i}]: NumPy refuses the state: {exc}") from exc
    return states


def from_columns(data: dict[str, Any], bounds: Bounds) -> Timeline:
    """The timeline `to_columns` wrote, under `bounds`; ValueError or KeyError naming what is wrong."""
    steps = ints(data, "steps")
    n = len(steps)
    most = bounds.max_keyframes + bounds.max_events + MIN_REGULAR + 2
    if not 1 <= n <= most:
        raise ValueError(f"steps: {n} keyframes; a timeline holds 1..{most}")
    back = next((i for i in range(1, n) if steps[i] < steps[i - 1]), None)
    if back is not None:
        raise ValueError(f"steps[{back}]: {steps[back]} after {steps[back - 1]} (steps never go back)")
    events = column(data, "events", n)
    if not all(isinstance(e, bool) for e in events):
        raise ValueError("events: true or false for each keyframe")
    latest = integer(data["latest"], "latest", steps[-1])
    configs, datasets = _tables(data)
    hypers, pendings = _live(data, "hypers", exact=True), _live(data, "pendings", exact=False)
    tables: dict[str, list[Any]] = {"config": configs, "data": datasets, "hyper": hypers, "pending": pendings}
    refs = {name: ints(data, name, n, len(table) - 1) for name, table in tables.items()}
    names = column(data, "optimizer", n)
    for i, name in enumerate(names):
        if name not in OPTIMIZERS or name != hypers[refs["hyper"][i]]["optimizer"]:
            raise ValueError(f"optimizer[{i}]: {name!r} is not the keyframe's optimizer")
    n_params = integer(data["n_params"], "n_params", 1)
    for c, d in sorted(set(zip(refs["config"], refs["data"], strict=True))):
        try:
            size = Lab(configs[c], datasets[d]).network.theta.size
        except ValueError as exc:
            raise ValueError(f"configs[{c}] with datasets[{d}]: {exc}") from exc
        if size != n_params:
            raise ValueError(f"n_params: {n_params} where config {c}'s network has {size} parameters")
    theta = unblob(data["theta"], FLOAT, n * n_params, "theta").reshape(n, n_params)
    slots = _slots(data, names, n_params)
    orders = _orders(data, n, [datasets[d].n_train for d in refs["data"]])
    states = _rng_states(data, n)
    t = ints(data, "t", n)
    counters = {key: ints(data, key, n) for key in ("epoch", "batch_in_epoch", "position")}
    frames = []
    for i in range(n):
        saved = {
            "version": checkpoint.VERSION,
            "config": configs[refs["config"][i]],
            "data": datasets[refs["data"][i]],
            "theta": theta[i].astype(np.float64),
            "hyper": dict(hypers[refs["hyper"][i]]),
            "pending": dict(pendings[refs["pending"][i]]),
            "step": steps[i],
            "optimizer": {"name": names[i], "t": t[i], "slots": slots[i]},
            "schedule": {**{k: counters[k][i] for k in counters}, "order": orders[i], "rng": states[i]},
        }
        frames.append(Keyframe(steps[i], saved, events[i], keyframe_bytes(saved)))
    timeline = Timeline(
        bounds,
        spacing=integer(data["spacing"], "spacing", 1, MAX_SPACING),
        frames=frames,
        marks=[dict(m) for m in column(data, "marks")],
        branches=[dict(b) for b in column(data, "branches")],
        parent=None if data["parent"] is None else dict(data["parent"]),
        latest=latest,
        applied=integer(data["applied"], "applied", 0, latest),
    )
    for i, mark in enumerate(timeline.marks):  # their kinds and fields: app/schemas/statefile.py
        integer(mark.get("step"), f"marks[{i}].step", 0, latest)
    if n > 1 and timeline.nbytes > bounds.max_bytes:
        raise ValueError(f"theta: {timeline.nbytes} bytes of keyframes; a timeline holds {bounds.max_bytes}")
    return timeline
