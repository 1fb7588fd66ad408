"""Optimizers over the flat parameter vector θ (see network.Layout): SGD, momentum and Adam.

An update never mutates: `ops(...)` returns the NumPy calls that write the new θ into a spare vector and the
new optimizer state into the optimizer's spare buffers; `commit()` makes them current once the stepper has
checked they are finite. Frozen biases (train_biases=False) keep their values and their optimizer state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS
from app.engine.network import Layout

FloatArray = NDArray[np.float64]
Op = tuple[Callable[..., Any], tuple[Any, ...]]


class SGD:
    """Plain gradient descent (SGD): θ ← θ − η ∂L/∂θ. Subclasses add state kept in double buffers."""

    name = "sgd"
    formula = "W ← W − η ∂L/∂W"
    slots: tuple[str, ...] = ()  # state vectors, each the size of θ
    squared: frozenset[str] = frozenset()  # slots in gradient² units (checked against threshold²)

    def __init__(self, layout: Layout, momentum: float = 0.9) -> None:
        self.layout = layout
        self.momentum = float(momentum)
        self.t = 0  # updates committed
        self.parity = 0
        self.buffers = [{slot: np.zeros(layout.size) for slot in self.slots} for _ in range(2)]
        self.scratch = np.zeros(layout.size)
        self.bias_mask = layout.weight_mask == 0.0

    @property
    def current(self) -> dict[str, FloatArray]:
        """The committed state vectors."""
        return self.buffers[self.parity]

    @property
    def pending(self) -> dict[str, FloatArray]:
        """The state vectors the next update writes."""
        return self.buffers[1 - self.parity]

    def learning_rates(self, lr: float, train_biases: bool) -> FloatArray:
        """η per parameter: η at weights, η or 0 at biases."""
        return lr * (np.ones(self.layout.size) if train_biases else self.layout.weight_mask)

    def ops(
        self, theta: FloatArray, grad: FloatArray, out: FloatArray, lr: float, train_biases: bool
    ) -> list[Op]:
        """Calls writing θ − η g into `out` (η is 0 at frozen biases, so they stay exactly)."""
        rates, step = self.learning_rates(lr, train_biases), self.scratch
        return [(np.multiply, (grad, rates, step)), (np.subtract, (theta, step, out))]

    def _keep_frozen(self, train_biases: bool) -> list[Op]:
        """Calls copying the bias entries of the state into its pending buffers (frozen biases keep it)."""
        if train_biases:
            return []
        return [
            (_copy_where, (self.pending[slot], self.current[slot], self.bias_mask)) for slot in self.slots
        ]

    def commit(self) -> None:
        """Make the pending state current (the update it belongs to was committed)."""
        self.parity = 1 - self.parity
        self.t += 1

    def state(self) -> dict[str, Any]:
        """The optimizer's name, hyperparameters and state per layer (copies): slot_w, slot_b."""
        result: dict[str, Any] = {"name": self.name, "t": self.t}
        result.update(self.hyperparameters())
        for slot in self.slots:
            result[f"{slot}_w"] = [w.copy() for w in self.layout.weights(self.current[slot])]
            result[f"{slot}_b"] = [b.copy() for b in self.layout.biases(self.current[slot])]
        return result

    def hyperparameters(self) -> dict[str, float]:
        """The constants of the update rule."""
        return {}

    def update(
        self,
        weights: Sequence[FloatArray],
        biases: Sequence[FloatArray],
        grad_w: Sequence[FloatArray],
        grad_b: Sequence[FloatArray],
        lr: float,
        train_biases: bool = True,
    ) -> tuple[list[FloatArray], list[FloatArray]]:
        """The updated weights and biases (new arrays); the new state waits in `pending` until `commit()`."""
        theta, grad, out = (np.zeros(self.layout.size) for _ in range(3))
        self.layout.pack(weights, biases, theta)
        self.layout.pack(grad_w, grad_b, grad)
        with np.errstate(all="ignore"):
            for fn, args in self.ops(theta, grad, out, lr, train_biases):
                fn(*args)
        return self.layout.weights(out), self.layout.biases(out)


def _copy_where(dst: FloatArray, src: FloatArray, where: NDArray[np.bool_]) -> None:
    """dst[where] = src[where]."""
    np.copyto(dst, src, where=where)


class Momentum(SGD):
    """Heavy-ball momentum: v ← μ v + ∂L/∂θ, θ ← θ − η v (velocity in gradient units)."""

    name = "momentum"
    formula = "v ← μv + ∂L/∂W;  W ← W − ηv"
    slots = ("velocity",)

    def ops(
        self, theta: FloatArray, grad: FloatArray, out: FloatArray, lr: float, train_biases: bool
    ) -> list[Op]:
        """Calls writing the new velocity into `pending` and θ − η v into `out`."""
        v, v_new = self.current["velocity"], self.pending["velocity"]
        rates, step = self.learning_rates(lr, train_biases), self.scratch
        mu = np.full(self.layout.size, self.momentum)
        return [
            (np.multiply, (v, mu, v_new)),  # μ v
            (np.add, (v_new, grad, v_new)),  # + ∂L/∂θ
            *self._keep_frozen(train_biases),
            (np.multiply, (v_new, rates, step)),  # η v
            (np.subtract, (theta, step, out)),  # θ − η v
        ]

    def hyperparameters(self) -> dict[str, float]:
        """μ."""
        return {"momentum": self.momentum}


class Adam(SGD):
    """Adam: m ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g², θ ← θ − η m̂/(√v̂ + ε).

    m̂ = m/(1−β1^t) and v̂ = v/(1−β2^t) correct the moments' start at zero (t counts this update too).
    """

    name = "adam"
    formula = "m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  W ← W − η m̂/(√v̂ + ε)"
    slots = ("m", "v")
    squared = frozenset({"v"})
    beta1 = LIMITS.adam_beta1
    beta2 = LIMITS.adam_beta2
    epsilon = LIMITS.adam_epsilon

    def ops(
        self, theta: FloatArray, grad: FloatArray, out: FloatArray, lr: float, train_biases: bool
    ) -> list[Op]:
        """Calls writing the new moments into `pending` and the Adam step into `out`."""
        m, v = self.current["m"], self.current["v"]
        m_new, v_new = self.pending["m"], self.pending["v"]
        rates, step = self.learning_rates(lr, train_biases), self.scratch
        corrected = np.zeros(self.layout.size)

        def apply() -> None:
            # bias correction of update t + 1, then the step η m̂ / (√v̂ + ε)
            t = self.t + 1
            np.divide(m_new, 1.0 - self.beta1**t, out=step)  # m̂
            np.divide(v_new, 1.0 - self.beta2**t, out=corrected)  # v̂
            np.sqrt(corrected, out=corrected)
            np.add(corrected, self.epsilon, out=corrected)
            np.divide(step, corrected, out=step)
            np.multiply(step, rates, out=step)
            np.subtract(theta, step, out=out)

        return [
            (np.multiply, (m, self.beta1, m_new)),  # β1 m
            (np.multiply, (grad, 1.0 - self.beta1, step)),
            (np.add, (m_new, step, m_new)),  # + (1 − β1) g
            (np.multiply, (grad, grad, step)),
            (np.multiply, (step, 1.0 - self.beta2, step)),
            (np.multiply, (v, self.beta2, v_new)),  # β2 v
            (np.add, (v_new, step, v_new)),  # + (1 − β2) g²
            *self._keep_frozen(train_biases),
            (apply, ()),
        ]

    def hyperparameters(self) -> dict[str, float]:
        """β1, β2, ε."""
        return {"beta1": self.beta1, "beta2": self.beta2, "epsilon": self.epsilon}


Optimizer = SGD  # the base class: every optimizer is an SGD with extra state
OPTIMIZERS: dict[str, type[SGD]] = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
