"""The network's analyses (docs/protocol.md, "Diagnostics, gradient check, restarts"): what the
Diagnostics and Restarts views ask and are answered."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from app.config import LIMITS, VIEWS
from app.schemas.state import LayerCheck
from app.schemas.types import Integer, Outgoing, Strict

Runs = Annotated[Integer, Field(ge=1, le=VIEWS.restarts_max_runs)]
Epochs = Annotated[Integer, Field(ge=1, le=VIEWS.restarts_max_epochs)]
Seed = Annotated[Integer, Field(ge=0, le=LIMITS.max_seed)]


class SymmetricGroup(Outgoing):
    """Units of one layer (0-based) with identical incoming weights and bias; `outgoing_identical`: their
    outgoing weights are identical too, so they get identical gradients and stay identical."""

    units: list[int]
    outgoing_identical: bool


class LayerDiagnostics(Outgoing):
    """One layer l: dead ReLU units (null unless ReLU), saturated units (null where not counted), groups of
    identical units, ‖∂L/∂W^l‖ of the last update's gradient (null before the first update)."""

    layer: int
    activation: str
    units: int
    dead: int | None
    saturated: int | None
    symmetric: list[SymmetricGroup]
    grad_norm: float | None


class SaturationRule(Outgoing):
    """health.py's thresholds: g'(z) ≤ slope × max_slope[g] on at least `examples` of the examples."""

    slope: float
    examples: float
    max_slope: dict[str, float]


class DiagnosticsReply(Outgoing):
    """GET /api/sessions/{id}/diagnostics: the current parameters' diagnostics over the training set."""

    step: int
    examples: int
    layers: list[LayerDiagnostics]
    saturation: SaturationRule


class LayerVerdict(LayerCheck):
    """A layer's check with the largest relative error of W^l and of b^l and their verdicts."""

    weights_max: float | None
    biases_max: float | None
    weights_verdict: str
    biases_verdict: str


class Kink(Outgoing):
    """Checked values within kink_margin of a kink: a ReLU / leaky ReLU / step layer's z, an
    L1-regularised layer's W, the L1 loss's a − y (layer null)."""

    what: str
    layer: int | None
    count: int
    closest: float


class GradcheckVerdictReply(Outgoing):
    """GET /api/sessions/{id}/gradcheck: per layer the relative errors and their verdicts ("agrees" below
    thresholds.agree, "close" below thresholds.doubt, else "disagrees"), the overall verdict, and the kinks
    near which the check sat (where backprop and central differences may rightly disagree)."""

    layers: list[LayerVerdict]
    max: float | None
    verdict: str
    examples: int
    step_size: float
    thresholds: dict[str, float]
    kink_margin: float
    kinks: list[Kink]
    near_kink: bool


class RestartsRequest(Strict):
    """Train `runs` seeds (first_seed, first_seed + 1, ...; default: the session's seed) of the session's
    configuration for `epochs` epochs each."""

    runs: Runs = VIEWS.restarts_default_runs
    epochs: Epochs = VIEWS.restarts_default_epochs
    first_seed: Seed | None = None


class RestartRun(Outgoing):
    """One seed's run: train and test loss after each epoch (index 0 before training; null where
    undefined); `diverged`: why the curve stops early, or null."""

    seed: int
    train_loss: list[float | None]
    test_loss: list[float | None]
    diverged: str | None


class RestartsReply(Outgoing):
    """Every run, and `best`: the index of the lowest final training loss (null when every run diverged)."""

    epochs: int
    runs: list[RestartRun]
    best: int | None


class KeepRequest(Strict):
    """Keep the run of `seed` trained `epochs` epochs as a new session."""

    seed: Seed
    epochs: Epochs
