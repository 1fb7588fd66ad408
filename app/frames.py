"""What a session looks like on the wire: its full state (JSON) and its binary frames (docs/protocol.md).

A frame is built once per tick and the same bytes go to every socket of the session. Maps are quantised per
neuron (each with its own lo/hi); the output map is one uint8 map of the output value (binary, regression) or,
for several output units, the predicted class per pixel followed by that class's probability (0..255).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import numpy.typing as npt

from app.codec import arrays, map_entries, pack_frame, quantise, quantise_rows, to_wire
from app.config import Settings
from app.schemas import SessionConfig
from app.sessions import Session


def metrics_of(session: Session) -> dict[str, Any]:
    """Train/test loss and accuracy of the session's current parameters, wire-ready."""
    return dict(to_wire(session.lab.metrics(), "metrics"))


def history_point(session: Session, metrics: dict[str, Any]) -> dict[str, Any]:
    """A loss-curve point at the current step."""
    cursor = session.lab.cursor
    return {"step": int(cursor["step"]), "epoch": int(cursor["epoch"]), **metrics}


def data_view(session: Session) -> dict[str, Any]:
    """The examples as the page draws them."""
    data = session.lab.data
    return {
        "name": data.name,
        "kind": data.kind,
        "n_classes": int(data.n_classes),
        "feature_names": list(data.feature_names),
        "feature_labels": list(data.feature_labels),
        "class_names": list(data.class_names),
        "points": to_wire(data.points, "data.points"),
        "inputs": None if data.points is not None else to_wire(data.inputs, "data.inputs"),
        "labels": to_wire(data.labels, "data.labels"),
        "train_indices": to_wire(data.train_indices),
        "test_indices": to_wire(data.test_indices),
        "domain": [float(data.domain[0]), float(data.domain[1])],
    }


def config_view(session: Session) -> dict[str, Any]:
    """The session's current configuration (live changes included) in SessionConfig's shape."""
    config = session.lab.config
    values: dict[str, Any] = {}
    for name in SessionConfig.model_fields:
        if name == "dataset":
            continue
        values[name] = to_wire(getattr(config, name), f"config.{name}")
    dataset = config.dataset
    if isinstance(dataset, str):
        values["dataset"] = dataset
    else:
        values["dataset"] = {
            "inputs": to_wire(dataset.inputs, "config.dataset.inputs"),
            "targets": to_wire(dataset.targets, "config.dataset.targets"),
            "kind": dataset.kind,
        }
    return values


def state_payload(session: Session, metrics: dict[str, Any] | None = None) -> dict[str, Any]:
    """The SessionState of docs/protocol.md."""
    lab = session.lab
    cursor = to_wire(lab.cursor, "cursor")
    return {
        "id": session.id,
        "config": config_view(session),
        "step": cursor["step"],
        "epoch": cursor["epoch"],
        "cursor": cursor,
        "weights": to_wire(lab.weights, "weights"),
        "biases": arrays(lab.biases, "biases"),
        "metrics": metrics if metrics is not None else metrics_of(session),
        "history": session.curve(),
        "changes": list(session.changes),
        "data": data_view(session),
        "optimizer_state": to_wire(lab.optimizer_state(), "optimizer_state"),
        "diverged": session.diverged,
        "playing": session.playing,
        "speed": session.speed,
        "fps": session.fps,
        "clients": len(session.connections),
    }


def _gradients(records: list[dict[str, Any]], layers: int) -> tuple[list[Any] | None, list[Any] | None]:
    """Batch gradients from the current iteration's backward records, per layer (None where not yet run)."""
    grad_w: list[Any] = [None] * layers
    grad_b: list[Any] = [None] * layers
    found = False
    for record in records:
        if record["phase"] == "backward":
            index = int(record["layer"]) - 1
            grad_w[index] = to_wire(record["grad_weights"], "grad_weights")
            grad_b[index] = to_wire(record["grad_biases"], "grad_biases")
            found = True
    return (grad_w, grad_b) if found else (None, None)


def _neuron_maps(layers: list[npt.NDArray[Any]], parts: list[bytes], offset: int) -> tuple[str, int]:
    """Quantise every neuron's (nr, nr) map, each over its own range, in one pass; their headers (as JSON)
    and the new offset."""
    resolution = int(layers[0].shape[0])
    cells = resolution * resolution
    # (nr, nr, n_l) per layer -> one (Σ n_l, nr·nr) matrix: a row per neuron, row-major pixels
    rows = np.concatenate([grid.transpose(2, 0, 1).reshape(grid.shape[2], cells) for grid in layers])
    data, lows, highs = quantise_rows(rows)
    parts.append(data)
    owners = [(layer, neuron) for layer, grid in enumerate(layers) for neuron in range(grid.shape[2])]
    entries = [
        (layer, neuron, resolution, lows[i], highs[i], offset + i * cells, cells)
        for i, (layer, neuron) in enumerate(owners)
    ]
    return map_entries(entries), offset + len(data)


def _output_map(output: npt.NDArray[Any], kind: str, parts: list[bytes], offset: int) -> dict[str, Any]:
    """The output map: one value map for a single unit, else predicted class then its probability."""
    resolution = int(output.shape[0])
    if output.shape[2] == 1:
        data, (lo,), (hi,) = quantise_rows(output.reshape(1, resolution * resolution))
        parts.append(data)
        name = "regression" if kind == "regression" else "binary"
        return {"res": resolution, "kind": name, "lo": lo, "hi": hi, "offset": offset, "length": len(data)}
    classes = int(output.shape[2])
    predicted = np.argmax(output, axis=2)
    probability = np.take_along_axis(output, predicted[:, :, None], axis=2)[:, :, 0]
    q = quantise(probability, 0.0, 1.0)
    data = predicted.astype(np.uint8).tobytes() + q.data
    parts.append(data)
    return {
        "res": resolution,
        "kind": "multiclass",
        "lo": 0.0,
        "hi": 1.0,
        "offset": offset,
        "length": len(data),
        "classes": classes,
    }


def build_frame(
    session: Session, settings: Settings, metrics: dict[str, Any], records: list[dict[str, Any]] | None
) -> bytes:
    """One binary frame of the session's current state; `records` when stepping, None while playing."""
    lab = session.lab
    session.seq += 1
    cursor = lab.cursor
    weights = arrays(lab.weights, "weights")
    grad_w, grad_b = _gradients(records, len(weights)) if records else (None, None)
    parts: list[bytes] = []
    maps = "[]"
    output_map: dict[str, Any] | None = None
    if lab.data.points is not None:
        defaults = settings.defaults
        grids = lab.grids(defaults.grid_resolution, defaults.neuron_map_resolution)
        maps, offset = _neuron_maps(grids.neurons, parts, 0)
        output_map = _output_map(grids.output, lab.data.kind, parts, offset)
    header = {
        "type": "frame",
        "seq": session.seq,
        "t": time.time() * 1000.0,
        "step": cursor["step"],
        "epoch": cursor["epoch"],
        "cursor": cursor,
        "playing": session.playing,
        "speed": session.speed,
        "selected": int(lab.config.selected),
        "metrics": metrics,
        "history": session.take_unsent_points(),
        "weights": weights,
        "biases": arrays(lab.biases, "biases"),
        "grad_weights": grad_w,
        "grad_biases": grad_b,
        "records": to_wire(records, "records") if records else None,
        "output_map": output_map,
    }
    return pack_frame(header, b"".join(parts), {"maps": maps})
