"""Field types shared by every schema: names the engine knows, and numbers bounded by app/config.py.

A bounded number is `Annotated[float, Within(lo, hi)]`: the OpenAPI schema gets minimum/maximum, and a value
outside answers "must be between lo and hi, got v" (one message naming the whole range). Limits that a
server's Settings may change (max_speed, max_fps, max_step_count) are `WithinSetting`: checked against the
Settings passed as validation context, documented with the default Settings' value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationInfo,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from app.config import Settings

Activation = Literal["step", "sigmoid", "tanh", "relu", "leaky_relu", "gelu", "linear"]
OutputActivation = Literal["sigmoid", "softmax", "linear", "tanh", "relu"]
LossName = Literal["mse", "half_sse", "sse", "l1", "bce", "cross_entropy"]
OptimizerName = Literal["sgd", "momentum", "adam"]
RegularizationName = Literal["none", "l1", "l2"]
InitName = Literal["zeros", "uniform", "xavier", "he", "playground"]
DatasetName = Literal[
    "circle", "xor", "gaussian", "spiral", "moons", "blobs3", "blobs4", "spiral3", "plane", "bumps"
]
FeatureName = Literal["x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"]
StepUnit = Literal["phase", "iteration", "epoch"]

DEFAULT_SETTINGS = Settings()


def _integral(value: Any) -> Any:
    """JSON Schema's integers include 3.0: a float with no fractional part reads as that int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# An integer as JSON Schema means it (3 or 3.0, never 3.5, "3" or true).
Integer = Annotated[int, BeforeValidator(_integral)]


class Strict(BaseModel):
    """Base of every incoming model: unknown fields refused, finite numbers only, no type coercion."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class Outgoing(BaseModel):
    """Base of every outgoing model (documentation and tests): finite numbers only."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def show(value: Any) -> str:
    """A value as an error message shows it: NaN and ±Infinity named, long inputs cut short."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def show_bound(value: float) -> str:
    """A range bound as people write it: 10 rather than 10.0, 1e-05 as is."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return show(value)


def _out_of_range(value: float, lo: float, hi: float) -> PydanticCustomError:
    """The one error every bound check raises."""
    return PydanticCustomError(
        "out_of_range",
        "must be between {lo} and {hi}, got {got}",
        {"lo": show_bound(lo), "hi": show_bound(hi), "got": show(value), "ge": lo, "le": hi},
    )


@dataclass(frozen=True)
class _Bound:
    """A range [lo, hi] for an int or float field, hi told by the subclass; documented as minimum/maximum."""

    lo: float

    def documented_hi(self) -> float:
        """The upper bound the OpenAPI schema states."""
        raise NotImplementedError

    def within(self, value: float, hi: float) -> float:
        """The value itself when lo <= value <= hi."""
        if not self.lo <= value <= hi:
            raise _out_of_range(value, self.lo, hi)
        return value

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.update(minimum=self.lo, maximum=self.documented_hi())
        return json_schema


@dataclass(frozen=True)
class Within(_Bound):
    """A closed range [lo, hi] for an int or float field."""

    hi: float

    def check(self, value: float) -> float:
        """The value itself when lo <= value <= hi."""
        return self.within(value, self.hi)

    def documented_hi(self) -> float:
        return self.hi

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))


@dataclass(frozen=True)
class WithinSetting(_Bound):
    """A range [lo, Settings.<name>]: the upper bound comes from the Settings in the validation context."""

    name: str

    def check(self, value: float, info: ValidationInfo) -> float:
        """The value itself when lo <= value <= Settings.<name> (the context's, else the default's)."""
        context = info.context if isinstance(info.context, dict) else {}
        settings = context.get("settings", DEFAULT_SETTINGS)
        return self.within(value, getattr(settings, self.name))

    def documented_hi(self) -> float:
        """The default Settings' value: what a server started without overrides allows."""
        value: float = getattr(DEFAULT_SETTINGS, self.name)
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.with_info_after_validator_function(self.check, handler(source))
