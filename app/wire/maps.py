"""A frame's maps on the wire: every neuron's map and the output map quantised into one reusable byte buffer,
with their JSON headers (docs/protocol.md, "Binary frame").

Neuron maps (layer 0 = the input features) are quantised each over its own range, all in one vectorised pass;
the output map is one value map (binary, regression) or, for several output units, the predicted class per
pixel followed by that class's probability (0..255 over [0, 1]). A MapEncoder is made for one network shape:
its buffers and everything in the headers but each map's lo and hi are fixed, so a frame only fills them in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from app.engine.evaluate import Grids
from app.wire.codec import NonFiniteError, quantise_into, wire_bytes

NO_MAPS = b"[]"
NO_OUTPUT_MAP = b"null"


@dataclass(frozen=True)
class EncodedMaps:
    """The payload (maps back to back) and the header fields `maps` and `output_map` as UTF-8 JSON."""

    payload: memoryview
    maps: bytes
    output_map: bytes


def shape_of(grids: Grids, kind: str) -> tuple[object, ...]:
    """What a MapEncoder is made for: neurons per layer, both resolutions, output units, data kind."""
    counts = tuple(int(grid.shape[2]) for grid in grids.neurons)
    return counts, grids.neuron_resolution, grids.resolution, int(grids.output.shape[2]), kind


class MapEncoder:
    """Quantises the maps of one network shape into a preallocated buffer, reused frame after frame."""

    def __init__(self, grids: Grids, kind: str) -> None:
        self.shape = shape_of(grids, kind)
        nr, r = grids.neuron_resolution, grids.resolution
        self.cells = nr * nr
        self.output_cells = r * r
        self.classes = int(grids.output.shape[2])
        owners = [
            (layer, neuron) for layer, grid in enumerate(grids.neurons) for neuron in range(grid.shape[2])
        ]
        n = len(owners)
        start = n * self.cells  # the output map follows the neuron maps
        length = self.output_cells if self.classes == 1 else 2 * self.output_cells
        self.buffer = np.empty(start + length, dtype=np.uint8)
        self.neuron_bytes = self.buffer[:start].reshape(n, self.cells)
        self.output_bytes = self.buffer[start:]
        self.rows = np.empty((n, self.cells), dtype=np.float32)  # one row per neuron, row-major pixels
        self.output_work = np.empty((1, self.output_cells), dtype=np.float32)
        self.predicted = np.empty(self.output_cells, dtype=np.intp)
        # each map's header, split around its lo and hi
        self.heads = [
            f'{{"layer":{layer},"neuron":{neuron},"res":{nr},"lo":'.encode() for layer, neuron in owners
        ]
        self.tails = [f',"offset":{i * self.cells},"length":{self.cells}}}'.encode() for i in range(n)]
        if self.classes == 1:
            name = "regression" if kind == "regression" else "binary"
            self.output_head = f'{{"res":{r},"kind":"{name}","lo":'.encode()
            self.output_tail = f',"offset":{start},"length":{length}}}'.encode()
        else:
            self.output_head = (
                f'{{"res":{r},"kind":"multiclass","lo":0.0,"hi":1.0,"offset":{start},"length":{length},'
                f'"classes":{self.classes}}}'
            ).encode()
            self.output_tail = b""

    def encode(self, grids: Grids) -> EncodedMaps:
        """Quantise `grids` (of this encoder's shape) into the buffer; the payload and the headers."""
        cells = self.cells
        # (nr, nr, n_l) per layer -> one (Σ n_l, nr·nr) matrix: a row per neuron, row-major pixels
        np.concatenate(
            [grid.transpose(2, 0, 1).reshape(grid.shape[2], cells) for grid in grids.neurons], out=self.rows
        )
        lows, highs = quantise_into(self.rows, self.neuron_bytes, self.rows)
        n = len(lows)
        output = self._output(grids)
        if output is not None:  # a single-unit output map: its range goes along with the neurons'
            lows.append(output[0])
            highs.append(output[1])
        # every lo and hi in one serializer call: "[lo_1,...,hi_1,...]" split at the commas
        numbers = wire_bytes(lows + highs, "maps")[1:-1].split(b",")
        los, his = numbers[: len(lows)], numbers[len(lows) :]
        maps = b",".join(
            b"".join((head, lo, b',"hi":', hi, tail))
            for head, lo, hi, tail in zip(self.heads, los[:n], his[:n], self.tails, strict=True)
        )
        if output is None:
            output_map = self.output_head
        else:
            output_map = b"".join((self.output_head, los[n], b',"hi":', his[n], self.output_tail))
        return EncodedMaps(self.buffer.data, b"[" + maps + b"]", output_map)

    def _output(self, grids: Grids) -> tuple[float, float] | None:
        """Quantise the output map into its part of the buffer; lo and hi of a single-unit map (None for
        several units: class and probability have fixed ranges)."""
        points = self.output_cells
        if self.classes == 1:
            values = grids.output.reshape(1, points)
            (lo,), (hi,) = quantise_into(values, self.output_bytes.reshape(1, points), self.output_work)
            return lo, hi
        rows = grids.output.reshape(points, self.classes)
        # the predicted class per pixel, then its probability as round(255 p)
        np.argmax(rows, axis=1, out=self.predicted)
        np.copyto(self.output_bytes[:points], self.predicted, casting="unsafe")
        probability = self.output_work[0]
        np.max(rows, axis=1, out=probability)
        if not math.isfinite(float(probability.max())):
            raise NonFiniteError(
                "the output map holds a non-finite number: non-finite numbers are never sent"
            )
        probability *= np.float32(255.0)
        probability += np.float32(0.5)
        np.clip(probability, 0.0, 255.0, out=probability)
        np.copyto(self.output_bytes[points:], probability, casting="unsafe")
        return None
