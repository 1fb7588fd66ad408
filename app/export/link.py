"""A run as a share link: its configuration, seed and (when they fit) its exact current weights, in a URL's
fragment (`/#run=<payload>`), which a browser never sends to the server, so no log holds them.

The payload is JSON (version, configuration as SessionConfig fields, the step it was taken at, every layer's
[W^l | b^l] as the base64 of its little-endian float64 bytes with its shape), compressed with zlib and
written in base64url without padding. A link longer than LIMITS.link_max_chars leaves the weights out (the
settings and the seed still recreate the initialisation) and says so; reading one back is bounded: at most
link_max_chars characters, expanding to at most link_max_expanded bytes.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.config import LIMITS
from app.engine.errors import EngineError

VERSION = 1
PREFIX = "run="
HIDE = ("settings", "formulas", "tabs", "timeline")  # the page's parts a classroom link can hide
FIELD = "link"


@dataclass(frozen=True)
class Link:
    """What a link carries: the configuration (SessionConfig fields), the step, the weights if kept."""

    config: dict[str, Any]
    step: int
    weights: list[list[list[float]]] | None
    biases: list[list[float]] | None
    hide: tuple[str, ...]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _block(w: list[list[float]], b: list[float]) -> list[Any]:
    """[rows, cols, base64 of [W | b] as float64]."""
    block = np.hstack([np.asarray(w, dtype="<f8").reshape(len(b), -1), np.asarray(b, dtype="<f8")[:, None]])
    return [int(block.shape[0]), int(block.shape[1]), _b64(np.ascontiguousarray(block).tobytes())]


def encode(link: Link) -> str:
    """The fragment (without '#'): run=<payload>[&hide=a,b]."""
    body: dict[str, Any] = {"v": VERSION, "config": link.config, "step": link.step}
    if link.weights is not None and link.biases is not None:
        body["theta"] = [_block(w, b) for w, b in zip(link.weights, link.biases, strict=True)]
    packed = zlib.compress(json.dumps(body, separators=(",", ":")).encode(), 9)
    hide = f"&hide={','.join(link.hide)}" if link.hide else ""
    return f"{PREFIX}{_b64(packed)}{hide}"


def share(
    config: dict[str, Any], step: int, weights: Any, biases: Any, hide: tuple[str, ...]
) -> dict[str, Any]:
    """{"fragment", "weights_included", "message"}: with the weights when the link stays within the limit."""
    full = encode(Link(config, step, weights, biases, hide))
    if len(full) <= LIMITS.link_max_chars:
        return {"fragment": full, "weights_included": True, "message": None}
    bare = encode(Link(config, step, None, None, hide))
    if len(bare) > LIMITS.link_max_chars:
        raise EngineError(
            FIELD,
            f"this run's settings alone take {len(bare)} characters, over the {LIMITS.link_max_chars} a link "
            "may hold (its data set is too large for a link): export the script or the weights instead",
        )
    return {
        "fragment": bare,
        "weights_included": False,
        "message": (
            f"With the weights the link would be {len(full)} characters, over {LIMITS.link_max_chars}: it "
            "carries the settings and the seed (the same initialisation, not step "
            f"{step}'s weights). Download the weights or the script to share those."
        ),
    }


def _bad(message: str) -> EngineError:
    return EngineError(FIELD, f"{FIELD}: {message}")


def decode(text: str) -> Link:
    """The link a fragment or a whole URL holds; EngineError naming `link` for anything else."""
    if len(text) > LIMITS.link_max_chars + 2048:
        raise _bad(f"{len(text)} characters: a link holds at most {LIMITS.link_max_chars}")
    fragment = text.split("#", 1)[1] if "#" in text else text
    parts = dict(part.split("=", 1) for part in fragment.split("&") if "=" in part)
    payload = parts.get("run")
    if not payload:
        raise _bad("it holds no run (expected #run=...)")
    hide = tuple(h for h in parts.get("hide", "").split(",") if h)
    unknown = [h for h in hide if h not in HIDE]
    if unknown:
        raise _bad(f"hide={','.join(unknown)} is not one of {', '.join(HIDE)}")
    unreadable = "it cannot be read: it was cut short or changed (copy the whole link again)"
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(_unb64(payload), LIMITS.link_max_expanded)
    except (binascii.Error, ValueError, zlib.error):
        raise _bad(unreadable) from None
    if inflater.unconsumed_tail:
        raise _bad(f"it expands beyond the limit of {LIMITS.link_max_expanded} bytes")
    if not inflater.eof:
        raise _bad(unreadable)
    try:
        body = json.loads(raw)
    except ValueError:  # not JSON, or not UTF-8
        raise _bad(unreadable) from None
    if not isinstance(body, dict) or body.get("v") != VERSION:
        version = body.get("v") if isinstance(body, dict) else None
        raise _bad(f"version {version!r} is not one this server reads ({VERSION})")
    config, step = body.get("config"), body.get("step")
    if not isinstance(config, dict) or not isinstance(step, int) or isinstance(step, bool) or step < 0:
        raise _bad("its settings are missing or malformed")
    weights, biases = _parameters(body.get("theta"))
    return Link(config, step, weights, biases, hide)


def _parameters(theta: Any) -> tuple[list[Any] | None, list[Any] | None]:
    """The weights and biases of the payload's blocks (None, None without)."""
    if theta is None:
        return None, None
    if not isinstance(theta, list) or len(theta) > LIMITS.max_hidden_layers + 1:
        raise _bad("its weights are malformed")
    weights, biases = [], []
    for entry in theta:
        try:
            rows, cols, data = entry
            block = np.frombuffer(_unb64(data), dtype="<f8").reshape(int(rows), int(cols))
        except (TypeError, ValueError, binascii.Error):
            raise _bad("its weights are malformed (a layer's numbers do not fit its shape)") from None
        if not np.all(np.isfinite(block)):
            raise _bad("its weights hold a number that is not finite")
        weights.append(block[:, :-1].astype(np.float64).tolist())
        biases.append(block[:, -1].astype(np.float64).tolist())
    return weights, biases
