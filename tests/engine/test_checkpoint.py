"""A checkpoint, through JSON and back, continues with bit-identical numbers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from app.engine.lab import CustomData, EngineError, Lab, LabConfig
from app.engine.records import phase_of


def state(lab: Lab) -> tuple[Any, ...]:
    """Everything that decides or shows the numbers (the config's sequences may be lists or tuples)."""
    return (
        [w.tolist() for w in lab.weights],
        [b.tolist() for b in lab.biases],
        lab.cursor,
        repr(lab.optimizer_state()),
        lab.metrics(),
        lab.data.x_train.tolist(),
        lab.data.labels.tolist(),
        lab.data.train_indices.tolist(),
        lab.data.test_indices.tolist(),
    )


def through_json(lab: Lab) -> Lab:
    """Checkpoint, write as JSON text, read back, restore."""
    text = json.dumps(lab.checkpoint(), allow_nan=False)
    return Lab.restore(json.loads(text))


def sgd_mid_epoch(lab: Lab) -> None:
    lab.train(7)


def adam_mid_iteration_with_a_pending_change(lab: Lab) -> None:
    lab.set_hyper(optimizer="adam")
    lab.train(30)
    for _ in range(3):
        lab.step_phase()
    lab.set_hyper(batch_size=7, learning_rate=0.01)  # waits for the iteration in progress to end


def momentum_frozen_biases_no_shuffle(lab: Lab) -> None:
    lab.set_hyper(optimizer="momentum", train_biases=False, shuffle=False, drop_last=True, batch_size=16)
    lab.train(40)


def points_added_and_removed(lab: Lab) -> None:
    lab.train(12)
    lab.add_point(1.5, -2.0, 1)
    lab.remove_point(3)
    lab.select(5)
    lab.train(4)


def regularised_at_an_epoch_boundary(lab: Lab) -> None:
    lab.set_hyper(regularization="l2", regularization_rate=0.01)
    lab.step_epoch()


SCENARIOS: list[tuple[LabConfig, Callable[[Lab], None]]] = [
    (LabConfig(), sgd_mid_epoch),
    (
        LabConfig(dataset="spiral", noise=0.2, hidden_layers=(6, 5), activation="relu", seed=3),
        points_added_and_removed,
    ),
    (
        LabConfig(dataset="xor", output_activation="sigmoid", loss="bce"),
        adam_mid_iteration_with_a_pending_change,
    ),
    (
        LabConfig(dataset="gaussian", features=("x1", "x2", "x1x2", "sin_x1")),
        momentum_frozen_biases_no_shuffle,
    ),
    (
        LabConfig(
            dataset=CustomData(
                inputs=[[1.5, -1.0, 1.3], [0.2, 0.4, -0.5], [1, 2, 3], [0, 0, 1]],
                targets=[[1], [0], [2], [1.5]],
            ),
            hidden_layers=(3, 2),
            activation="relu",
            output_activation="linear",
            loss="sse",
            batch_size=3,
            train_fraction=0.9,
        ),
        regularised_at_an_epoch_boundary,
    ),
]


@pytest.mark.parametrize(("config", "scenario"), SCENARIOS, ids=lambda v: getattr(v, "__name__", ""))
def test_a_restored_lab_trains_exactly_like_the_original(
    config: LabConfig, scenario: Callable[[Lab], None]
) -> None:
    lab = Lab(config)
    scenario(lab)
    restored = through_json(lab)
    assert restored.config.learning_rate == lab.config.learning_rate
    assert restored.config.selected == lab.config.selected
    lab.train(1)  # finishes an iteration in progress; the restored lab starts it over: the same numbers
    restored.train(1)
    assert state(restored) == state(lab)
    lab.step_iteration()
    records = restored.step_iteration()
    assert [r["phase"] for r in records][-1] == "update"
    for _ in range(60):
        lab.train(1)
        restored.train(1)
    assert state(restored) == state(lab)
    assert all(np.array_equal(a, b) for a, b in zip(lab.weights, restored.weights, strict=True))


def test_a_checkpoint_is_plain_json() -> None:
    lab = Lab(LabConfig(optimizer="adam"))
    lab.train(3)
    saved = lab.checkpoint()
    assert json.loads(json.dumps(saved, allow_nan=False)) == saved
    assert saved["step"] == 3 and saved["optimizer"]["t"] == 3


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda s: s.update(version=99), "version 99"),
        (lambda s: s.pop("theta"), "unreadable"),
        (lambda s: s["theta"].update(shape=[2], bytes="AAAAAAAAAAAAAAAAAAAAAA=="), "do not fit"),
        (lambda s: s["theta"].update(bytes="not base64!"), "unreadable"),
        (
            lambda s: s["schedule"]["order"].update(shape=[2], bytes="AAAAAAAAAAAAAAAAAAAAAA=="),
            "not a permutation",
        ),
        (lambda s: s["config"].update(learning_rate=50.0), "learning_rate"),
    ],
)
def test_a_damaged_checkpoint_is_refused_by_name(
    damage: Callable[[dict[str, Any]], Any], message: str
) -> None:
    lab = Lab()
    lab.train(2)
    lab.step_phase()  # the order of the epoch is drawn
    saved = lab.checkpoint()
    damage(saved)
    with pytest.raises(EngineError) as info:
        Lab.restore(saved)
    assert message in str(info.value)


def test_step_and_phases_done_read_the_cursor_without_building_it() -> None:
    """Lab.step and Lab.phases_done (what time travel reads on every chunk) agree with the cursor in every
    phase of two iterations, after an edit that abandons an iteration, and on a restored checkpoint."""
    lab = Lab(LabConfig(hidden_layers=(3, 2)))
    depth = len(lab.weights)
    for _ in range(2 * (2 * depth + 2)):
        cursor = lab.cursor
        assert lab.step == cursor["step"]
        assert phase_of(lab.phases_done, depth) == (cursor["phase"], cursor["layer"])
        lab.step_phase()
    lab.step_phase()
    assert lab.phases_done == 1
    lab.set_bias(1, 0, 0.5)
    assert lab.phases_done == 0 and lab.cursor["phase"] == "forward"
    restored = Lab.restore(lab.checkpoint(raw=True))
    assert (restored.step, restored.phases_done) == (lab.step, 0)
