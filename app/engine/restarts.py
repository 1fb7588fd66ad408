"""Random restarts (lecture 001: "run several SGDs and keep the best"): the same configuration and data
trained from several seeds, each for the same number of epochs.

A run with seed s is `restart_lab(config, data, s)`: a Lab on the same data (never re-drawn) reset to seed s,
so its initial weights and its batch order are those of s (explicit weights in the configuration stay, and
only the order changes). It trains whole epochs by `Lab.train`, so a session built the same way and stepped
epoch by epoch reaches the same parameters bit for bit. The best run has the lowest final training loss
(a diverged run, or one whose loss is undefined, is never the best).
"""

from __future__ import annotations

import math
from typing import Any

from app.config import LIMITS, VIEWS
from app.engine.data import Dataset
from app.engine.errors import DivergenceError, EngineError
from app.engine.lab import Lab
from app.engine.labconfig import LabConfig


def seeds_from(first: int, runs: int) -> list[int]:
    """`runs` consecutive seeds from `first`, wrapping past LIMITS.max_seed."""
    return [(first + i) % (LIMITS.max_seed + 1) for i in range(runs)]


def restart_lab(config: LabConfig, data: Dataset, seed: int) -> Lab:
    """The run with seed `seed` of `config` on `data`, at step 0."""
    lab = Lab(config, data)
    lab.reset(seed)
    return lab


def cost(lab: Lab, runs: int, epochs: int) -> tuple[int, int]:
    """(iterations, multiply-adds ≈ iterations × batch × parameters) of `runs` runs of `epochs` epochs."""
    per_epoch = int(lab.cursor["batches_per_epoch"])
    batch = min(int(lab.config.batch_size), lab.data.n_train)
    iterations = runs * epochs * per_epoch
    return iterations, iterations * batch * int(lab.network.theta.size)


def check_work(lab: Lab, runs: int, epochs: int) -> None:
    """EngineError naming `epochs` when the runs would cost more than VIEWS.restarts_max_iterations or
    VIEWS.restarts_max_work (the message gives the most epochs allowed for this many runs)."""
    iterations, work = cost(lab, runs, epochs)
    if iterations <= VIEWS.restarts_max_iterations and work <= VIEWS.restarts_max_work:
        return
    one_iterations, one_work = cost(lab, runs, 1)
    most = min(VIEWS.restarts_max_iterations // one_iterations, VIEWS.restarts_max_work // one_work)
    raise EngineError(
        "epochs",
        f"epochs: {runs} runs × {epochs} epochs of this network and data set is more work than one request "
        f"may do; allowed 1..{max(most, 0)} epochs for {runs} runs (fewer runs allow more)",
    )


def train_curve(lab: Lab, epochs: int) -> dict[str, Any]:
    """Train `epochs` whole epochs, the train and test loss after each (index 0: before training);
    {"train_loss", "test_loss", "diverged"} (the curve stops at a divergence, its message kept)."""
    per_epoch = int(lab.cursor["batches_per_epoch"])
    metrics = lab.metrics()
    train, test = [metrics["train_loss"]], [metrics["test_loss"]]
    diverged = None
    for _ in range(epochs):
        try:
            lab.train(per_epoch)
        except DivergenceError as error:
            diverged = str(error)
            break
        metrics = lab.metrics()
        train.append(metrics["train_loss"])
        test.append(metrics["test_loss"])
    return {"train_loss": train, "test_loss": test, "diverged": diverged}


def best_run(runs: list[dict[str, Any]], epochs: int) -> int | None:
    """Index of the run with the lowest final training loss among those that trained every epoch with a
    finite loss (the first of equals); None when there is none."""
    best: int | None = None
    for i, run in enumerate(runs):
        final = run["train_loss"][-1]
        if run["diverged"] is not None or len(run["train_loss"]) != epochs + 1 or final is None:
            continue
        if not math.isfinite(final):
            continue
        if best is None or final < runs[best]["train_loss"][-1]:
            best = i
    return best


def restarts(config: LabConfig, data: Dataset, seeds: list[int], epochs: int) -> dict[str, Any]:
    """Every seed's run for `epochs` epochs: {"epochs", "runs": [{"seed", "train_loss", "test_loss",
    "diverged"}], "best"} (best: an index into runs, or None)."""
    if not 1 <= len(seeds) <= VIEWS.restarts_max_runs:
        raise EngineError("runs", f"runs: {len(seeds)}; allowed 1..{VIEWS.restarts_max_runs}")
    runs = [{"seed": seed, **train_curve(restart_lab(config, data, seed), epochs)} for seed in seeds]
    return {"epochs": epochs, "runs": runs, "best": best_run(runs, epochs)}
