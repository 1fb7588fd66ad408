"""Ask the class: the teacher names a value the run is about to compute (z, a or δ of one neuron, an output ŷ,
the loss ℓ, all of the traced example); every follower predicts it; the teacher sees how many answered and
how their answers spread; the reveal shows the true value next to each student's own.

The value is taken from the first phase record computed after the question (app/engine/records.py's
`example` values): when the iteration in progress has already computed it, the next iteration's is asked.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field
from typing import Any

import numpy as np

QUESTION_BYTES = 6

# quantity -> (the phase that computes it, its key in the record's `example`)
QUANTITIES: dict[str, tuple[str, str]] = {
    "z": ("forward", "z"),
    "a": ("forward", "a"),
    "delta": ("backward", "delta"),
    "output": ("forward", "a"),  # a^L of the output layer
    "loss": ("loss", "loss"),
}
_SYMBOLS = {"z": "z", "a": "a", "delta": "δ", "output": "ŷ", "loss": "ℓ"}


class BadQuestion(ValueError):
    """The question names no value of this network; `field` is the message's field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(eq=False)
class Question:
    """One question to the class and its answers (member id -> value)."""

    id: str
    quantity: str
    layer: int | None
    unit: int | None
    asked_step: int
    skip_current: bool  # the iteration in progress computed it already: the next one's is asked
    answers: dict[str, float] = field(default_factory=dict)
    value: float | None = None
    revealed: bool = False

    @property
    def phase(self) -> str:
        """The phase that computes the value."""
        return QUANTITIES[self.quantity][0]

    @property
    def label(self) -> str:
        """The value as the page names it (units and layers counted from 1)."""
        symbol = _SYMBOLS[self.quantity]
        if self.quantity == "loss":
            return "ℓ, the loss of the traced example"
        unit = (self.unit or 0) + 1
        if self.quantity == "output":
            return f"{symbol}{_sub(unit)}, output {unit} of the traced example"
        return f"{symbol}{_sub(unit)}^[{self.layer}], neuron {unit} of layer {self.layer}, traced example"

    def matches(self, record: dict[str, Any]) -> bool:
        """Whether `record` is the phase that computes the value (of the iteration it was asked of)."""
        if record.get("phase") != self.phase:
            return False
        if self.phase != "loss" and record.get("layer") != self.layer:
            return False
        step = int(record.get("step", -1))
        return step > self.asked_step or (step == self.asked_step and not self.skip_current)

    def capture(self, records: list[dict[str, Any]]) -> bool:
        """Take the value from the first matching record among `records`; whether it was taken now (a
        non-finite value, a diverged run's, is not taken)."""
        if self.value is not None:
            return False
        for record in records:
            if self.matches(record):
                found = record["example"][QUANTITIES[self.quantity][1]]
                value = float(found if self.quantity == "loss" else np.asarray(found)[self.unit or 0])
                if math.isfinite(value):
                    self.value = value
                    return True
        return False

    def message(self, member: str | None = None) -> dict[str, Any]:
        """The `question` message (with `member`'s own answer, for one who answered before reconnecting)."""
        message: dict[str, Any] = {
            "type": "question",
            "id": self.id,
            "quantity": self.quantity,
            "layer": self.layer,
            "unit": self.unit,
            "phase": self.phase,
            "label": self.label,
            "step": self.asked_step + int(self.skip_current),
        }
        if member is not None and member in self.answers:
            message["your_answer"] = self.answers[member]
        return message

    def summary(self, followers: int, bins: int) -> dict[str, Any]:
        """The teacher's `answers` message: how many answered of how many follow, and the spread."""
        return {
            "type": "answers",
            "question": self.id,
            "count": len(self.answers),
            "followers": followers,
            "computed": self.value is not None,
            **spread(list(self.answers.values()), bins),
        }

    def reveal(self, tolerance: float, bins: int) -> dict[str, Any]:
        """The `revealed` message: the true value, the spread, how many were within `tolerance`."""
        assert self.value is not None
        self.revealed = True
        margin = tolerance * max(1.0, abs(self.value))
        close = sum(abs(answer - self.value) <= margin for answer in self.answers.values())
        return {
            "type": "revealed",
            "question": self.id,
            "label": self.label,
            "value": self.value,
            "count": len(self.answers),
            "close": close,
            "tolerance": margin,
            **spread(list(self.answers.values()), bins),
        }


def ask(
    quantity: str, layer: int | None, unit: int | None, sizes: tuple[int, ...], step: int, records: list[Any]
) -> Question:
    """A question about the value `quantity` (of neuron `unit` of `layer`) of a network with layer sizes
    `sizes` whose run is at `step` with this iteration's `records` so far; BadQuestion naming the field."""
    depth = len(sizes) - 1
    if quantity == "loss":
        layer, unit = None, None
    else:
        if quantity == "output":
            layer = depth if layer is None else layer
            if layer != depth:
                raise BadQuestion("layer", f"layer: an output ŷ is of the output layer, {depth}")
        if layer is None or not 1 <= layer <= depth:
            raise BadQuestion("layer", f"layer: between 1 and {depth} (this network's layers)")
        width = sizes[layer]
        if unit is None or not 0 <= unit < width:
            raise BadQuestion("unit", f"unit: between 0 and {width - 1} (layer {layer}'s neurons, from 0)")
    question = Question(secrets.token_urlsafe(QUESTION_BYTES), quantity, layer, unit, step, False)
    question.skip_current = any(question.matches(r) and int(r["step"]) == step for r in records)
    return question


def spread(values: list[float], bins: int) -> dict[str, Any]:
    """A histogram of the answers (`edges`, one more than `counts`) and their mean and median."""
    if not values:
        return {"edges": [], "counts": [], "mean": None, "median": None}
    data = np.asarray(values, dtype=np.float64)
    low, high = float(data.min()), float(data.max())
    if low == high:
        low, high = low - 0.5, high + 0.5
    counts, edges = np.histogram(data, bins=bins, range=(low, high))
    return {
        "edges": [float(edge) for edge in edges],
        "counts": [int(count) for count in counts],
        "mean": float(data.mean()),
        "median": float(np.median(data)),
    }


def _sub(number: int) -> str:
    """A number as subscript digits."""
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
