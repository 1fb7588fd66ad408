"""The schemas: every bound from app/config.py, NaN/±inf/1e999 refused, no coercion, clear messages."""

from __future__ import annotations

import json
import math
from typing import Any, get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from app.config import DEFAULTS, LIMITS, Settings
from app.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from app.engine.datasets import DATASETS
from app.engine.features import FEATURES
from app.engine.init import INIT_SCHEMES
from app.engine.losses import LOSSES
from app.schemas import CLIENT_MESSAGE, MESSAGE_TYPES, SessionConfig, StepRequest
from app.schemas import types as t
from app.schemas.errors import detail_list, field_path
from app.schemas.messages import PlayMessage


def errors_of(data: dict[str, Any], model: Any = SessionConfig) -> list[dict[str, Any]]:
    """The 422-style details of validating `data`."""
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return detail_list(info.value.errors(include_url=False))


def test_names_match_the_engine_registries() -> None:
    assert set(get_args(t.Activation)) == set(HIDDEN_ACTIVATIONS)
    assert set(get_args(t.OutputActivation)) == set(OUTPUT_ACTIVATIONS)
    assert set(get_args(t.LossName)) == set(LOSSES)
    assert set(get_args(t.DatasetName)) == set(DATASETS)
    assert set(get_args(t.FeatureName)) == set(FEATURES)
    assert set(get_args(t.InitName)) == set(INIT_SCHEMES)


def test_defaults_are_tf_playgrounds() -> None:
    config = SessionConfig()
    assert config.hidden_layers == list(DEFAULTS.hidden_layers) == [4, 2]
    assert (config.activation, config.learning_rate, config.batch_size) == ("tanh", 0.03, 10)
    assert (config.dataset, config.points, config.features) == ("circle", 500, ["x1", "x2"])


@pytest.mark.parametrize(
    ("field", "value", "lo", "hi"),
    [
        ("learning_rate", 50.0, LIMITS.learning_rate_min, LIMITS.learning_rate_max),
        ("learning_rate", 0.0, LIMITS.learning_rate_min, LIMITS.learning_rate_max),
        ("batch_size", 0, 1, LIMITS.max_points),
        ("momentum", 1.0, 0, LIMITS.momentum_max),
        ("regularization_rate", -0.1, 0, LIMITS.regularization_rate_max),
        ("noise", 0.9, 0, LIMITS.noise_max),
        ("train_fraction", 0.95, LIMITS.train_fraction_min, LIMITS.train_fraction_max),
        ("points", 3, LIMITS.min_points, LIMITS.max_points),
        ("seed", -1, 0, LIMITS.max_seed),
        ("selected", LIMITS.max_points, 0, LIMITS.max_points - 1),
    ],
)
def test_out_of_range_names_field_value_and_range(field: str, value: float, lo: float, hi: float) -> None:
    (detail,) = errors_of({field: value})
    assert detail["loc"] == [field]
    assert detail["type"] == "out_of_range"
    assert (
        detail["msg"] == f"{field}: must be between {t.show_bound(lo)} and {t.show_bound(hi)}, got {value!r}"
    )


def test_nested_positions_are_named() -> None:
    (detail,) = errors_of({"hidden_layers": [4, LIMITS.max_neurons + 1]})
    assert detail["msg"].startswith(f"hidden_layers[1]: must be between 1 and {LIMITS.max_neurons}")
    (detail,) = errors_of({"weights": [[[0.0, 2e6]]]})
    assert detail["loc"] == ["weights", 0, 0, 1]
    assert "weights[0][0][1]" in detail["msg"] and "2000000.0" in detail["msg"]
    (detail,) = errors_of({"dataset": {"inputs": [[1.0]], "targets": [[math.inf]]}})
    assert detail["loc"] == ["dataset", "targets", 0, 0]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, json.loads("1e999")])
@pytest.mark.parametrize("field", ["learning_rate", "noise", "bias_init", "momentum"])
def test_non_finite_numbers_are_refused(field: str, bad: float) -> None:
    (detail,) = errors_of({field: bad})
    assert detail["type"] == "finite_number"
    assert field in detail["msg"] and "finite" in detail["msg"]
    json.dumps(detail, allow_nan=False)  # the echo of the input is itself valid JSON


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"learning_rate": "0.1"}, "float_type"),
        ({"points": 500.5}, "int_type"),
        ({"seed": True}, "int_type"),
        ({"shuffle": 1}, "bool_type"),
        ({"hidden_layers": "4,2"}, "list_type"),
    ],
)
def test_no_type_coercion(data: dict[str, Any], kind: str) -> None:
    (detail,) = errors_of(data)
    assert detail["type"] == kind


def test_integral_floats_are_integers_as_json_schema_says() -> None:
    assert SessionConfig.model_validate({"points": 500.0, "seed": 3.0}).points == 500


def test_unknown_fields_and_names_are_refused() -> None:
    (detail,) = errors_of({"learning_rat": 0.1})
    assert detail["msg"] == "learning_rat: is not a known field"
    (detail,) = errors_of({"activation": "swish"})
    assert "activation" in detail["msg"] and "'swish'" in detail["msg"] and "'relu'" in detail["msg"]
    (detail,) = errors_of({"dataset": "spirals"})
    assert detail["loc"] == ["dataset"] and "'spiral'" in detail["msg"]


def test_settings_bounds_come_from_the_validation_context() -> None:
    assert StepRequest.model_validate({"unit": "epoch", "count": 500}).count == 500
    with pytest.raises(ValidationError, match="must be between 1 and 300, got 500"):
        StepRequest.model_validate(
            {"unit": "epoch", "count": 500}, context={"settings": Settings(max_step_count=300)}
        )
    fast = Settings(max_fps=1000.0)
    play = CLIENT_MESSAGE.validate_python({"type": "play", "fps": 900}, context={"settings": fast})
    assert isinstance(play, PlayMessage) and play.fps == 900
    with pytest.raises(ValidationError, match="between 1 and 60, got 900"):
        CLIENT_MESSAGE.validate_python({"type": "play", "fps": 900})


def test_every_message_type_has_a_model() -> None:
    minimal: dict[str, dict[str, Any]] = {
        "step": {"unit": "phase"},
        "set": {"changes": {"learning_rate": 0.1}},
        "rebuild": {"config": {}},
        "set_parameters": {"weights": [[[1.0]]], "biases": [[0.0]]},
        "set_weight": {"layer": 1, "row": 0, "col": 0, "value": 0.5},
        "set_bias": {"layer": 1, "row": 0, "value": 0.5},
        "select": {"example": 0},
        "add_point": {"x": [0.0, 1.0], "label": 1},
        "remove_point": {"index": 0},
        "seek": {"step": 0},
        "branch": {"step": 0},
        "auth": {"token": "t"},
        "ask": {"quantity": "loss"},
        "answer": {"question": "q", "value": 0.5},
    }
    for name in MESSAGE_TYPES:
        message = CLIENT_MESSAGE.validate_python({"type": name, **minimal.get(name, {})})
        assert message.type == name


def test_field_paths_skip_union_tags() -> None:
    assert field_path(("dataset", "~rows", "inputs", 0, 2)) == "dataset.inputs[0][2]"
    assert field_path(()) == ""


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_learning_rate_accepted_exactly_within_its_range(x: float) -> None:
    inside = LIMITS.learning_rate_min <= x <= LIMITS.learning_rate_max
    try:
        assert SessionConfig.model_validate({"learning_rate": x}).learning_rate == x
        assert inside
    except ValidationError:
        assert not inside
