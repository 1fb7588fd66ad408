"""f over a box on a regular grid, for a contour plot: z[j][i] = f(xs[i], ys[j]) (rows are y)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.engine.descent.surface import FloatArray, Surface


@dataclass(frozen=True)
class Grid:
    """The grid's coordinates and f on it; a point where f is not finite holds nan."""

    xs: FloatArray
    ys: FloatArray
    z: FloatArray


def contour_grid(surface: Surface, box: tuple[float, float, float, float], resolution: int) -> Grid:
    """f at resolution × resolution points spanning box = (x_min, x_max, y_min, y_max), edges included."""
    x_min, x_max, y_min, y_max = box
    xs = np.linspace(x_min, x_max, resolution)
    ys = np.linspace(y_min, y_max, resolution)
    z = surface.value(xs[None, :], ys[:, None])
    z[~np.isfinite(z)] = np.nan
    return Grid(xs, ys, z)
