"""The engine's two errors: a refused input (`EngineError`) and a run that stopped being finite."""

from __future__ import annotations

from typing import Any


class EngineError(ValueError):
    """Invalid configuration or parameters: `field` names what, `message` the value and the allowed range.

    Raised before any state changes, so a rejected call loses nothing.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DivergenceError(ArithmeticError):
    """A non-finite value, or one beyond LIMITS.divergence_threshold, first appeared here.

    `step` is the iteration (iterations completed before it), `phase` one of forward | loss | backward |
    update, `layer` 1-based (None for the loss phase), `quantity` the record key ("z", "a", "delta",
    "weights", ...).
    The iteration was abandoned: parameters and optimizer state keep their last finite values.
    """

    def __init__(self, step: int, phase: str, layer: int | None, quantity: str, message: str) -> None:
        super().__init__(message)
        self.step = step
        self.phase = phase
        self.layer = layer
        self.quantity = quantity
        self.message = message

    def report(self) -> dict[str, Any]:
        """The error as a plain dict: step, phase, layer, quantity, message."""
        return {
            "step": self.step,
            "phase": self.phase,
            "layer": self.layer,
            "quantity": self.quantity,
            "message": self.message,
        }
