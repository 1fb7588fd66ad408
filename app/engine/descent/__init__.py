"""Gradient descent on a 2-D f(x, y) (lecture 002): the path, a quadratic's analysis, a contour grid."""

from app.engine.descent.contour import Grid, contour_grid
from app.engine.descent.path import Path, StartNotFinite, Stop, descend
from app.engine.descent.presets import FUNCTIONS, LECTURE002_RATES, FunctionPreset
from app.engine.descent.quadratic import Quadratic, Verdict, closed_form, quadratic_of, verdict
from app.engine.descent.surface import VARIABLES, Differentiable, Surface

__all__ = [
    "FUNCTIONS",
    "LECTURE002_RATES",
    "VARIABLES",
    "Differentiable",
    "FunctionPreset",
    "Grid",
    "Path",
    "Quadratic",
    "StartNotFinite",
    "Stop",
    "Surface",
    "Verdict",
    "closed_form",
    "contour_grid",
    "descend",
    "quadratic_of",
    "verdict",
]
