"""f(x, y) as gradient descent sees it: a parsed expression's value and gradient over arrays of points."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

VARIABLES = ("x", "y")

FloatArray = NDArray[np.float64]


class Differentiable(Protocol):
    """What the descent needs of a parsed expression (app/engine/graph's Expression)."""

    @property
    def variables(self) -> tuple[str, ...]: ...

    def evaluate(self, values: Mapping[str, float | FloatArray]) -> FloatArray: ...

    def gradient(
        self, values: Mapping[str, float | FloatArray]
    ) -> tuple[FloatArray, dict[str, FloatArray]]: ...

    def polynomial_degree(self) -> int | None: ...


@dataclass(frozen=True)
class Surface:
    """f(x, y) over the plane; a name the expression does not use is a direction f does not change in."""

    expression: Differentiable

    def _values(self, x: FloatArray, y: FloatArray) -> dict[str, FloatArray]:
        given = {"x": x, "y": y}
        return {name: given[name] for name in self.expression.variables}

    def value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        """f at every (x, y), broadcast (non-finite stays nan/inf)."""
        with np.errstate(all="ignore"):
            f = self.expression.evaluate(self._values(x, y))
        return np.broadcast_to(np.asarray(f, dtype=np.float64), np.broadcast(x, y).shape).copy()

    def value_and_gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(f, ∇f) at every point: ∇f stacked on a last axis of 2, (∂f/∂x, ∂f/∂y), reverse mode."""
        shape = np.broadcast(x, y).shape
        with np.errstate(all="ignore"):
            f, partial = self.expression.gradient(self._values(x, y))
        grad = np.zeros((*shape, 2))
        for axis, name in enumerate(VARIABLES):
            if name in partial:
                grad[..., axis] = partial[name]
        return np.broadcast_to(np.asarray(f, dtype=np.float64), shape).copy(), grad
