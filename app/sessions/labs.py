"""The engine as the server uses it: building a Lab from request fields, and the engine's refusals and
divergences as the errors REST and the socket answer with."""

from __future__ import annotations

import dataclasses
from typing import Any

from app.engine.dropout import fit_rates
from app.engine.errors import DivergenceError, EngineError
from app.engine.lab import CsvData, CustomData, Lab, LabConfig

# Fields a rebuild carries over from the old configuration only while they still fit the new one.
_CARRIED = ("weights", "biases", "selected", "added_points")


class OperationError(Exception):
    """The engine refused a value: `field` and a message naming the value and the allowed range."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    @classmethod
    def from_engine(cls, error: EngineError) -> OperationError:
        """The engine's error, its message prefixed with the field unless it already names it."""
        message = (
            error.message if error.message.startswith(error.field) else f"{error.field}: {error.message}"
        )
        return cls(error.field, message)


class Diverged(Exception):
    """A step stopped at a non-finite value; `report` is the diverged message."""

    def __init__(self, report: dict[str, Any]) -> None:
        super().__init__(report["message"])
        self.report = report


def divergence_report(
    error: DivergenceError, learning_rate: float, recover: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The diverged message: where values stopped being finite, and the way out: `recover`, the step to go
    back to and the learning rate to continue at (None when there is none)."""
    where = f"layer {error.layer}" if error.layer is not None else "the loss"
    if recover is not None:
        suggestion = (
            "The parameters kept here are already far off, so a lower rate alone would diverge again: "
            f"go back to step {recover['step']}, before the loss began to blow up, and continue at "
            f"learning rate η = {recover['learning_rate']:g} (now {learning_rate:g})."
        )
    else:
        suggestion = (
            f"Lower the learning rate (now {learning_rate:g}), for example to {learning_rate / 10:g}, "
            "then step again; the parameters kept their last finite values."
        )
    return {
        "type": "diverged",
        "step": int(error.step),
        "phase": error.phase,
        "layer": error.layer,
        "quantity": error.quantity,
        "message": f"step {error.step}, {error.phase} phase, {where}: {error.message}",
        "suggestion": suggestion,
        "learning_rate": float(learning_rate),
        "recover": recover,
    }


def lab_values(values: dict[str, Any]) -> dict[str, Any]:
    """SessionConfig fields as LabConfig arguments (explicit rows become CustomData)."""
    out = dict(values)
    dataset = out.get("dataset")
    if isinstance(dataset, dict) and "csv" in dataset:
        out["dataset"] = CsvData(dataset["csv"], dataset["label"])
    elif isinstance(dataset, dict):
        out["dataset"] = CustomData(dataset["inputs"], dataset["targets"], dataset.get("kind"))
    for name in ("hidden_layers", "features", "dropout"):
        if name in out and out[name] is not None:
            out[name] = tuple(out[name])
    if out.get("layer_activations") is not None:
        out["layer_activations"] = tuple(out["layer_activations"])
    return out


def build_lab(values: dict[str, Any], base: LabConfig | None = None) -> Lab:
    """A Lab from `values` over `base`; parameters and selection carried from `base` are dropped if they no
    longer fit (a new architecture), while values given explicitly must fit (OperationError otherwise)."""
    given = lab_values(values)
    if base is not None and "dataset" in given and given["dataset"] != base.dataset:
        given.setdefault("added_points", ())  # clicked points belong to the data set they were added to
    if (
        base is not None and "hidden_layers" in given and "dropout" not in given
    ):  # kept layers keep their rate
        given["dropout"] = fit_rates(base.dropout, given["hidden_layers"])
    config = LabConfig(**given) if base is None else dataclasses.replace(base, **given)
    defaults = LabConfig()
    carried = [name for name in _CARRIED if base is not None and name not in given]
    while True:
        try:
            return Lab(config)
        except EngineError as error:
            root = error.field.split(".")[0].split("[")[0]
            # explicit parameters come as a pair: when one no longer fits, both go
            group = (
                [n for n in ("weights", "biases") if n in carried]
                if root in ("weights", "biases")
                else [root]
            )
            if group and all(name in carried for name in group):
                config = dataclasses.replace(config, **{name: getattr(defaults, name) for name in group})
                for name in group:
                    carried.remove(name)
                continue
            raise OperationError.from_engine(error) from None


def engine_call(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Call into the engine, turning its refusal into OperationError."""
    try:
        return call(*args, **kwargs)
    except EngineError as error:
        raise OperationError.from_engine(error) from None
