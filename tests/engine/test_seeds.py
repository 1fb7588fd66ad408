"""Random streams: one seed drives the data, the initial weights and the batch orders independently."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from app.engine.init import INIT_STREAM, ORDER_STREAM, init_parameters, seeded_stream
from app.engine.lab import Lab, LabConfig


def sizes(lab: Lab) -> list[int]:
    """The layer sizes (n_0, ..., n_L) of the lab's network."""
    return list(lab.network.sizes)


def run(lab: Lab, iterations: int) -> list[Any]:
    """Everything a run shows: each iteration's batch and records, then the final parameters and metrics."""
    seen: list[Any] = []
    for _ in range(iterations):
        for record in lab.step_iteration():
            seen.append(record["batch"].tolist())
            seen.append(repr({key: value for key, value in record.items() if key != "batch"}))
    seen += [w.tolist() for w in lab.weights] + [b.tolist() for b in lab.biases]
    seen.append(lab.metrics())
    return seen


@pytest.mark.parametrize("init", ["playground", "uniform", "xavier", "he"])
@pytest.mark.parametrize("seed", [0, 1, 4_294_967_295])
def test_initial_weights_are_not_the_data_generators_draws(init: str, seed: int) -> None:
    lab = Lab(LabConfig(init=init, seed=seed))
    # what the weights would be if they shared the data's generator np.random.default_rng(seed)
    shared, _ = init_parameters(sizes(lab), init, 0.1, np.random.default_rng(seed))
    for got, data_draws in zip(lab.weights, shared, strict=True):
        assert not np.any(got == data_draws)
    # they are the seed's own stream, child INIT_STREAM of SeedSequence(seed) (docs/engine.md)
    child = np.random.SeedSequence(seed).spawn(3)[INIT_STREAM]
    own, _ = init_parameters(sizes(lab), init, 0.1, np.random.default_rng(child))
    for got, want in zip(lab.weights, own, strict=True):
        np.testing.assert_array_equal(got, want)


def test_the_batch_order_is_its_own_stream() -> None:
    lab = Lab(LabConfig(batch_size=250, seed=5))  # full batch: the first batch is the whole first order
    order = lab.step_iteration()[0]["batch"]
    child = np.random.SeedSequence(5).spawn(3)[ORDER_STREAM]
    np.testing.assert_array_equal(order, np.random.default_rng(child).permutation(250))
    assert not np.array_equal(order, np.random.default_rng(5).permutation(250))  # not the data's stream
    # the init scheme draws nothing from it: the same seed gives the same batches whatever the weights
    for init in ("zeros", "he"):
        other = Lab(LabConfig(batch_size=250, seed=5, init=init))
        np.testing.assert_array_equal(other.step_iteration()[0]["batch"], order)


def test_streams_differ_between_seeds_and_between_each_other() -> None:
    draws = {(seed, k): seeded_stream(seed, k).random(8).tolist() for seed in (0, 1) for k in (1, 2)}
    draws.update({(seed, 0): np.random.default_rng(seed).random(8).tolist() for seed in (0, 1)})
    values = [tuple(v) for v in draws.values()]
    assert len(set(values)) == len(values)
    assert (
        seeded_stream(3, INIT_STREAM).random(8).tolist() == seeded_stream(3, INIT_STREAM).random(8).tolist()
    )


@pytest.mark.parametrize(
    "config",
    [
        LabConfig(seed=11),
        LabConfig(
            dataset="spiral",
            noise=0.3,
            hidden_layers=[6, 3],
            activation="relu",
            init="he",
            optimizer="adam",
            learning_rate=0.01,
            batch_size=7,
            seed=2024,
        ),
    ],
)
def test_the_same_seed_gives_the_same_run(config: LabConfig) -> None:
    first, second = Lab(config), Lab(config)
    np.testing.assert_array_equal(first.data.x_train, second.data.x_train)
    first.train(40)
    second.train(40)
    assert run(first, 30) == run(second, 30)
    # a reset to another seed draws the new seed's weights and batch order; the data stay the original's
    first.reset(seed=99)
    fresh = Lab(dataclasses.replace(config, seed=99))
    assert first.config.seed == 99
    np.testing.assert_array_equal(first.data.x_train, second.data.x_train)
    assert not np.array_equal(first.data.x_train, fresh.data.x_train)
    for got, want in zip(first.weights, fresh.weights, strict=True):
        np.testing.assert_array_equal(got, want)
    for _ in range(5):
        np.testing.assert_array_equal(first.step_iteration()[0]["batch"], fresh.step_iteration()[0]["batch"])
