"""Engine benchmark: TF Playground's default network, an epoch and a whole frame, against a plain NumPy loop.

Run: `python -m tests.bench.bench_engine` (also run by `python -m tests.bench.run_all`). Every figure is the
median of many repeats (time.perf_counter), in the same process as the plain NumPy reference loop, so the
ratios hold whatever the machine. A frame's compute is: one epoch + train/test loss and accuracy + the output
map and every neuron's map. The issue defines the frame with every map at 100×100; the page's default draws
neuron maps at DEFAULTS.neuron_map_resolution, measured too.
"""

from __future__ import annotations

import gc
import itertools
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from app.config import DEFAULTS
from app.engine.lab import Lab, LabConfig

REPEATS = 400
WARMUP = 20
ALL_FEATURES = ("x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2")
TARGETS_MS = {"epoch": 0.5, "epoch_stretch": 0.25, "frame_default": 1.7, "frame_7x6x8": 8.0}


def timed(fn: Callable[[], object], repeats: int = REPEATS) -> dict[str, float]:
    """Wall time of fn() in ms after a warm-up: the median of the repeats, and the fastest (the cost when
    nothing else on the machine interfered)."""
    for _ in range(WARMUP):
        fn()
    gc.collect()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {"median": statistics.median(times) * 1e3, "min": min(times) * 1e3}


class PlainLoop:
    """The loop a student writes: per batch, forward with @ and tanh, backward by hand, SGD update."""

    def __init__(
        self, x: np.ndarray, y: np.ndarray, sizes: list[int], lr: float, batch: int, seed: int
    ) -> None:
        rng = np.random.default_rng(seed)
        self.x, self.y, self.lr, self.batch, self.rng = x, y, lr, batch, rng
        self.w = [rng.uniform(-0.5, 0.5, (n, m)) for m, n in itertools.pairwise(sizes)]
        self.b = [np.full(n, 0.1) for n in sizes[1:]]

    def epoch(self) -> None:
        """One pass over the shuffled training set in mini-batches (half squared error, tanh everywhere)."""
        order = self.rng.permutation(len(self.x))
        for start in range(0, len(order), self.batch):
            idx = order[start : start + self.batch]
            a = [self.x[idx]]
            for w, b in zip(self.w, self.b, strict=True):
                a.append(np.tanh(a[-1] @ w.T + b))
            delta = (a[-1] - self.y[idx]) * (1 - a[-1] ** 2)
            for layer in range(len(self.w) - 1, -1, -1):
                grad_w = delta.T @ a[layer] / len(idx)
                grad_b = delta.sum(axis=0) / len(idx)
                if layer > 0:
                    delta = (delta @ self.w[layer]) * (1 - a[layer] ** 2)
                self.w[layer] -= self.lr * grad_w
                self.b[layer] -= self.lr * grad_b


def measure(config: LabConfig, iterations: int) -> dict[str, dict[str, float]]:
    """Epoch, metrics, grids and whole-frame times of one configuration, in ms."""
    lab = Lab(config)
    neuron_res = DEFAULTS.neuron_map_resolution
    res = DEFAULTS.grid_resolution
    out = {
        "epoch": timed(lambda: lab.train(iterations=iterations)),
        "metrics": timed(lab.metrics),
        "grids_100_100": timed(lambda: lab.grids(res, res)),
        f"grids_100_{neuron_res}": timed(lambda: lab.grids(res, neuron_res)),
    }

    def frame(neurons: int) -> Callable[[], None]:
        def run() -> None:
            lab.train(iterations=iterations)
            lab.metrics()
            lab.grids(res, neurons)

        return run

    out["frame_100_100"] = timed(frame(res))
    out[f"frame_100_{neuron_res}"] = timed(frame(neuron_res))
    return out


def run() -> dict[str, Any]:
    """Measure everything; the figures as a dict."""
    default = LabConfig()
    lab = Lab(default)
    iterations = lab.cursor["batches_per_epoch"]  # one epoch
    sizes = [len(default.features), *default.hidden_layers, 1]
    loop = PlainLoop(
        np.array(lab.data.x_train),
        np.array(lab.data.y_train),
        sizes,
        default.learning_rate,
        default.batch_size,
        0,
    )
    results: dict[str, Any] = {"plain_numpy_epoch": timed(loop.epoch), "iterations_per_epoch": iterations}
    results["default"] = measure(default, iterations)
    big = LabConfig(features=list(ALL_FEATURES), hidden_layers=[8] * 6)
    results["7x6x8"] = measure(big, iterations)
    results["targets_ms"] = TARGETS_MS
    results["load_average_1min"] = os.getloadavg()[0]  # other work on the machine skews every figure
    return results


def report(results: dict[str, Any]) -> None:
    """Print the figures in ms, as ratios to the plain NumPy epoch, with the targets; then one JSON line."""
    plain = results["plain_numpy_epoch"]
    print(f"load average (1 min) at the end: {results['load_average_1min']:.2f}")
    print(
        f"plain NumPy loop, one epoch ({results['iterations_per_epoch']} batches): "
        f"median {plain['median']:.3f} ms, min {plain['min']:.3f} ms (= 1.00)"
    )
    goals = {
        ("default", "epoch"): "target ≤ 0.5 ms, stretch 0.25",
        ("default", "frame_100_100"): "target ≤ 1.7 ms",
        ("7x6x8", "frame_100_100"): "target ≤ 8 ms",
    }
    print(f"  {'':<16} {'median':>9}  {'× plain':>7}  {'min':>9}  {'× plain':>7}")
    for setup in ("default", "7x6x8"):
        print(f"{setup}:")
        for name, t in results[setup].items():
            ratio, ratio_min = t["median"] / plain["median"], t["min"] / plain["min"]
            goal = goals.get((setup, name), "")
            median, fastest = (
                f"{t['median']:6.3f} ms  {ratio:6.2f}×",
                f"{t['min']:6.3f} ms  {ratio_min:6.2f}×",
            )
            print(f"  {name:<16} {median}  {fastest}  {goal}")
    print(json.dumps({"bench": "engine", **results}))


def main() -> None:
    """Run the benchmark and print its report."""
    report(run())


if __name__ == "__main__":
    main()
