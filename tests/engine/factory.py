"""Small networks and data for the engine's tests, built without the data module (X and Y arrays directly)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from app.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from app.engine.hyper import Hyper
from app.engine.init import init_parameters
from app.engine.losses import LOSSES
from app.engine.network import Network
from app.engine.stepper import Stepper

HYPER = {
    "learning_rate": 0.03,
    "batch_size": 10,
    "optimizer": "sgd",
    "momentum": 0.9,
    "regularization": "none",
    "regularization_rate": 0.0,
    "train_biases": True,
    "shuffle": True,
    "drop_last": False,
}

# Stepper configurations: fused and unfused output/loss pairs (softmax too), every optimizer and regulariser,
# frozen biases, drop_last, batch sizes from 1 to full.
CONFIGS: dict[str, dict[str, Any]] = {
    "default tanh half_sse sgd": {},
    "softmax CE adam l2 relu": dict(
        act="relu",
        out="softmax",
        loss="cross_entropy",
        n_out=3,
        optimizer="adam",
        regularization="l2",
        regularization_rate=0.01,
        learning_rate=0.01,
    ),
    "sigmoid bce momentum l1 frozen biases": dict(
        act="sigmoid",
        out="sigmoid",
        loss="bce",
        optimizer="momentum",
        regularization="l1",
        regularization_rate=0.003,
        train_biases=False,
        learning_rate=0.3,
    ),
    "gelu linear mse multi-output batch 8": dict(act="gelu", out="linear", loss="mse", n_out=3, batch_size=8),
    "leaky tanh sse drop_last": dict(act="leaky_relu", loss="sse", drop_last=True, batch_size=5),
    "softmax mse sigmoid hidden": dict(act="sigmoid", out="softmax", loss="mse", n_out=2, learning_rate=1.0),
    "no hidden layer": dict(hidden=(), out="sigmoid", loss="half_sse", learning_rate=0.5),
    "per-layer activations 3 hidden": dict(hidden=(5, 3, 4), act=("relu", "tanh", "gelu"), batch_size=40),
    "sigmoid output sigmoid hidden mse": dict(act="sigmoid", out="sigmoid", loss="mse", batch_size=1),
    "relu output sse": dict(act="relu", out="relu", loss="sse", learning_rate=0.01),
    "tanh l1 adam multi-output": dict(out="tanh", loss="l1", n_out=2, optimizer="adam", learning_rate=0.01),
    "relu output l1 l2 batch 6": dict(out="relu", loss="l1", regularization="l2", batch_size=6),
}


def targets(out: str, rng: np.random.Generator, rows: int, n_out: int, x: np.ndarray) -> np.ndarray:
    """Targets fitting the output activation: one-hot, 0/1, ±1 or real values (from x, so learnable)."""
    if out == "softmax":
        return np.eye(n_out)[rng.integers(0, n_out, size=rows)]
    if out == "sigmoid":
        return (x[:, :1] * np.arange(1, n_out + 1) > 0).astype(float)
    if out == "tanh":
        return np.where(x[:, :1] * np.arange(1, n_out + 1) > 0, 1.0, -1.0)
    return x[:, :1] * np.arange(1, n_out + 1) - 0.5


def network(
    sizes: Sequence[int],
    act: str | Sequence[str] = "tanh",
    out: str = "tanh",
    init: str = "playground",
    seed: int = 0,
    bias_init: float = 0.1,
) -> Network:
    """A network with initial parameters drawn from default_rng(seed)."""
    hidden = [act] * (len(sizes) - 2) if isinstance(act, str) else list(act)
    weights, biases = init_parameters(sizes, init, bias_init, np.random.default_rng(seed))
    acts = [HIDDEN_ACTIVATIONS[name] for name in hidden] + [OUTPUT_ACTIVATIONS[out]]
    return Network(sizes, acts, weights, biases)


def stepper(
    hidden: Sequence[int] = (4, 2),
    act: str | Sequence[str] = "tanh",
    out: str = "tanh",
    loss: str = "half_sse",
    n_in: int = 2,
    n_out: int = 1,
    rows: int = 37,
    seed: int = 0,
    init: str = "playground",
    selected: int = 0,
    x: np.ndarray | None = None,
    y: np.ndarray | None = None,
    **hyper: Any,
) -> Stepper:
    """A Stepper on `rows` random examples (or the given x, y), hyperparameters HYPER updated by `hyper`."""
    rng = np.random.default_rng(seed + 1000)
    if x is None:
        x = rng.uniform(-3, 3, size=(rows, n_in))
    if y is None:
        y = targets(out, rng, len(x), n_out, x)
    net = network([x.shape[1], *hidden, y.shape[1]], act, out, init, seed)
    return Stepper(
        net, LOSSES[loss], Hyper(**{**HYPER, **hyper}), x, y, np.random.default_rng(seed), selected
    )
