"""The hyperparameters a session can change between steps without a reset (the live fields).

The stepper holds one `Hyper`; a change made while an iteration is in progress waits for it to end
(stepper.py). LIVE_FIELDS names them, in the order of the REST API's live fields.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Hyper:
    """The hyperparameters that can change between steps without a reset."""

    learning_rate: float
    batch_size: int
    optimizer: str
    momentum: float
    regularization: str
    regularization_rate: float
    train_biases: bool
    shuffle: bool
    drop_last: bool
    dropout: tuple[float, ...] = ()  # p_l per hidden layer, or () for none (app/engine/dropout.py)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dropout", tuple(float(p) for p in self.dropout))  # JSON gives a list


LIVE_FIELDS = tuple(f.name for f in fields(Hyper))
