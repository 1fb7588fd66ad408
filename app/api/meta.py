"""GET /api/meta: every name the page offers (with its formula), the coherent output/loss pairs, what
targets each restricted loss needs (target_rules), the presets, the limits and the defaults, read from the
engine's registries and app/config.py."""

from __future__ import annotations

import dataclasses
from typing import Any

from app.api.presets import PRESETS
from app.config import SHARE, VIEWS, Settings
from app.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from app.engine.datasets import DATASETS
from app.engine.features import FEATURES
from app.engine.init import INIT_SCHEMES
from app.engine.losses import COHERENT_PAIRS, LOSSES
from app.engine.targets import TARGET_RULES
from app.schemas import MESSAGE_TYPES
from app.schemas.config import LIVE_FIELDS
from app.schemas.types import OptimizerName, RegularizationName, StepUnit
from app.wire.codec import to_wire

# Transport limits a page needs to know (the rest of Settings is the server's business).
_CLIENT_LIMITS = (
    "max_fps",
    "max_speed",
    "max_step_count",
    "max_records_per_reply",
    "max_message_bytes",
    "max_body_bytes",
    "rate_limit_messages",
    "rate_limit_window_seconds",
    "max_history",
    "room_code_length",
    "room_code_alphabet",
    "max_display_name_chars",
)


def _names(literal: Any) -> list[str]:
    """The values of a Literal type."""
    return list(literal.__args__)


def build_meta(settings: Settings) -> dict[str, Any]:
    """The /api/meta document."""
    limits = dataclasses.asdict(settings.engine)
    limits.update({name: getattr(settings, name) for name in _CLIENT_LIMITS})
    limits["dropout_max"] = VIEWS.dropout_max
    defaults = {
        k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(settings.defaults).items()
    }
    meta: dict[str, Any] = to_wire(
        {
            "activations": list(HIDDEN_ACTIVATIONS),
            "output_activations": list(OUTPUT_ACTIVATIONS),
            "losses": list(LOSSES),
            "coherent_pairs": {name: list(losses) for name, losses in COHERENT_PAIRS.items()},
            "target_rules": TARGET_RULES,
            "optimizers": _names(OptimizerName),
            "regularizations": _names(RegularizationName),
            "inits": list(INIT_SCHEMES),
            "step_units": _names(StepUnit),
            "live_fields": sorted(LIVE_FIELDS),
            "message_types": list(MESSAGE_TYPES),
            "datasets": [
                {
                    "name": name,
                    "kind": spec.kind,
                    "n_classes": spec.n_classes,
                    "description": spec.description,
                }
                for name, spec in DATASETS.items()
            ],
            "features": [{"name": name, "label": feature.label} for name, feature in FEATURES.items()],
            "formulas": {
                "activations": {
                    name: {"formula": act.formula, "derivative": act.derivative_formula}
                    for name, act in {**HIDDEN_ACTIVATIONS, **OUTPUT_ACTIVATIONS}.items()
                },
                "losses": {
                    name: {"formula": loss.formula, "gradient": loss.grad_formula}
                    for name, loss in LOSSES.items()
                },
                "inits": dict(INIT_SCHEMES),
            },
            "presets": _presets(),
            "limits": limits,
            "defaults": defaults,
            "views": dataclasses.asdict(VIEWS),  # the lecture views' bounds and defaults (app/config.py)
            "share": _plain(dataclasses.asdict(SHARE)),  # share links: size bound, parts a link may hide
        },
        "meta",
    )
    return meta


def _presets() -> Any:
    """The presets as plain JSON values."""
    return _plain(PRESETS)


def _plain(value: Any) -> Any:
    """Dataclasses and tuples as dicts and lists, recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
