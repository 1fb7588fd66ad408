"""What a frame shows that depends only on the network's current parameters, the data and the traced example:
the metrics, the parameters, the example's forward pass and (custom rows) every example's output as JSON,
and the quantised maps.

Each part is computed when first asked for and kept until the parameters (compared bit for bit), the network,
the data or the selected example change: frames built while the parameters stay the same (paused, stepping
through the forward and backward phases, a live change of hyperparameters) reuse them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from app.config import Settings
from app.engine.data import Dataset
from app.engine.lab import Lab
from app.engine.network import Network
from app.wire.codec import NonFiniteError, wire_bytes
from app.wire.maps import NO_MAPS, NO_OUTPUT_MAP, EncodedMaps, MapEncoder, shape_of

_NO_PAYLOAD = memoryview(b"")


def _metric(name: str, value: float | None) -> float | None:
    """A metric as a float, None where undefined."""
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        raise NonFiniteError(f"metrics.{name} is {number}: non-finite numbers are never sent")
    return number


def parameters_json(net: Network) -> bytes:
    """`"weights":[...],"biases":[...]`: W^l as n_l rows of n_(l−1) numbers and b^l, exact float64."""
    weights: list[list[list[float]]] = []
    biases: list[list[float]] = []
    for block in net.blocks:  # [W^l | b^l], one row per neuron of layer l
        rows = block.tolist()
        weights.append([row[:-1] for row in rows])
        biases.append([row[-1] for row in rows])
    return wire_bytes({"weights": weights, "biases": biases}, "parameters")[1:-1]


def example_json(net: Network, data: Dataset, index: int) -> bytes:
    """`"example":{"index","a","z"}`: the traced training example's forward pass, a⁰ = its features,
    z^l = W^l a^(l−1) + b^l and a^l = g(z^l) for l = 1..L (the same calls as its phase records)."""
    x = data.x_train[index]
    layers = net.forward(x[None, :])
    a = [x.tolist(), *(a_l[0].tolist() for _, a_l in layers)]
    z = [None, *(z_l[0].tolist() for z_l, _ in layers)]
    return wire_bytes({"example": {"index": index, "a": a, "z": z}}, "example")[1:-1]


def _nullable(values: npt.NDArray[np.float64]) -> list[Any]:
    """An array as nested lists, null where a value is not finite (one vectorised pass)."""
    finite = np.isfinite(values)
    if finite.all():
        return list(values.tolist())
    shown = values.astype(object)
    shown[~finite] = None
    return list(shown.tolist())


def outputs_json(lab: Lab) -> bytes:
    """`"outputs":{...}` for data without a plane (custom rows): every training and test example's output a^L
    and loss ℓ_i at the current parameters (the table the page shows instead of a map); `"outputs":null` for
    data on the plane."""
    if lab.data.points is not None:
        return b'"outputs":null'
    out = {name: _nullable(values) for name, values in lab.outputs().items()}
    return wire_bytes({"outputs": out}, "outputs")[1:-1]


class Snapshot:
    """One session's frame parts at its current parameters, recomputed only when those change."""

    def __init__(self) -> None:
        self._net: Network | None = None
        self._theta = b""
        self._data: Dataset | None = None
        self._selected = -1
        self._metrics: dict[str, float | None] | None = None
        self._parameters: bytes | None = None
        self._example: bytes | None = None
        self._outputs: bytes | None = None
        self._maps: EncodedMaps | None = None
        self._encoder: MapEncoder | None = None

    def _sync(self, lab: Lab) -> None:
        """Forget the parts the lab's parameters, network, data or selected example no longer match."""
        net, data = lab.network, lab.data
        theta = net.theta.tobytes()
        if net is not self._net or data is not self._data or theta != self._theta:
            self._net, self._data, self._theta = net, data, theta
            self._metrics = self._parameters = self._example = self._outputs = self._maps = None
        selected = int(lab.config.selected)
        if selected != self._selected:
            self._selected, self._example = selected, None

    def metrics(self, lab: Lab) -> dict[str, float | None]:
        """Train/test loss and accuracy at the current parameters (None where undefined)."""
        self._sync(lab)
        if self._metrics is None:
            self._metrics = {name: _metric(name, value) for name, value in lab.metrics().items()}
        return self._metrics

    def encoded(self, lab: Lab, settings: Settings) -> tuple[bytes, memoryview]:
        """The header fields weights, biases, example, outputs, maps and output_map as UTF-8 JSON members
        (`"name":value,...`), and the payload."""
        self._sync(lab)
        net = lab.network
        if self._parameters is None:
            self._parameters = parameters_json(net)
        if self._example is None:
            self._example = example_json(net, lab.data, self._selected)
        if self._outputs is None:
            self._outputs = outputs_json(lab)
        maps = self._maps
        if maps is None:
            maps = self._maps = self._encode_maps(lab, settings)
        members = b"".join(
            (
                self._parameters,
                b",",
                self._example,
                b",",
                self._outputs,
                b',"maps":',
                maps.maps,
                b',"output_map":',
                maps.output_map,
            )
        )
        return members, maps.payload

    def _encode_maps(self, lab: Lab, settings: Settings) -> EncodedMaps:
        """Every neuron's map and the output map (none for custom rows: no plane)."""
        data = lab.data
        if data.points is None:
            return EncodedMaps(_NO_PAYLOAD, NO_MAPS, NO_OUTPUT_MAP)
        defaults = settings.defaults
        grids = lab.grids(defaults.grid_resolution, defaults.neuron_map_resolution)
        encoder = self._encoder
        if encoder is None or encoder.shape != shape_of(grids, data.kind):
            encoder = self._encoder = MapEncoder(grids, data.kind)
        return encoder.encode(grids)
