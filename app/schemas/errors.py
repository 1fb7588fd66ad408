"""Validation errors as people read them: the field, the value and the allowed range in one sentence."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from app.schemas.types import show

_INPUT_ECHO_CHARS = 200  # inputs longer than this (as JSON) are not echoed back in a 422


def field_path(loc: Sequence[str | int]) -> str:
    """A location as a path: ("weights", 0, 1) -> "weights[0][1]"; union tags ("~name") are skipped."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.startswith("~"):
            continue
        else:
            path += f".{part}" if path else part
    return path


def _clean_loc(loc: Sequence[str | int]) -> list[str | int]:
    """The location without union tags."""
    return [part for part in loc if not (isinstance(part, str) and part.startswith("~"))]


def _sentence(error: dict[str, Any]) -> str:
    """What was wrong, without the field: names the value and, for numbers, the allowed range."""
    kind = error["type"]
    value = error.get("input")
    if kind == "out_of_range":
        return str(error["msg"])
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "finite_number":
        return f"must be a finite number (NaN and ±Infinity are refused), got {show(value)}"
    text = str(error["msg"])
    text = text[0].lower() + text[1:] if text else text
    if text.startswith("input should be"):
        text = "must be" + text[len("input should be") :]
    return f"{text}, got {show(value)}"


def describe(error: dict[str, Any], skip: int = 0) -> tuple[str, str]:
    """(field path, "field: what was wrong") for one pydantic error; `skip` drops leading loc parts."""
    path = field_path(error["loc"][skip:])
    sentence = _sentence(error)
    return path, f"{path}: {sentence}" if path else sentence


def _echo(value: Any) -> Any:
    """The offending input as JSON can carry it: non-finite numbers named, long inputs left out."""
    if isinstance(value, float) and not math.isfinite(value):
        return show(value)
    if isinstance(value, (list, tuple, dict)):
        try:
            text = json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            return None
        return value if len(text) <= _INPUT_ECHO_CHARS else None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value if len(str(value)) <= _INPUT_ECHO_CHARS else None
    return None


def encodable(value: Any) -> Any:
    """`value` with every string made UTF-8 encodable: a lone surrogate ("\\ud800", which JSON text may
    carry but UTF-8 cannot) is written out as its escape, so an answer echoing it can always be sent."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, (list, tuple)):
        return [encodable(item) for item in value]
    if isinstance(value, dict):
        return {encodable(key): encodable(item) for key, item in value.items()}
    return value


def detail_list(errors: Sequence[Any], prefix: Sequence[str | int] = ()) -> list[dict[str, Any]]:
    """FastAPI-shaped 422 details, each msg a full sentence naming the field, the value and the range;
    every string in them UTF-8 encodable (see `encodable`)."""
    out: list[dict[str, Any]] = []
    for error in errors:
        loc = encodable([*prefix, *_clean_loc(error["loc"])])
        shown = dict(error, loc=[part for part in loc if part != "body"])
        _, message = describe(shown)
        echoed = _echo(error.get("input"))
        out.append({"loc": loc, "msg": encodable(message), "type": error["type"], "input": encodable(echoed)})
    return out


def validation_details(exc: ValidationError, prefix: Sequence[str | int] = ()) -> list[dict[str, Any]]:
    """detail_list of a pydantic ValidationError."""
    return detail_list(exc.errors(include_url=False), prefix)
