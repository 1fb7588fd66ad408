"""A run as a share link: its settings, seed and exact parameters in a URL fragment, and back.

The link is `<origin>/#run=<payload>[&hide=<part>,<part>]`. A fragment never reaches a server, so no log holds
the weights. The payload is `<version>.<settings>[.<parameters>]`:

- settings: the JSON {"step", "n", "config"} (every configuration field that decides the numbers, live changes
  at their current values, points added by hand, custom rows), zlib-compressed, base64url without padding;
- parameters: θ (every W^l then b^l, the network's flat layout) as float64 little-endian bytes,
  zlib-compressed, base64url without padding; left out when the whole link would pass link_max_bytes.

Reading a link is bounded: the text by link_max_bytes, each part's decompressed size by
link_max_settings_bytes and the largest network's parameter count. Every refusal is a LinkError whose
message says what is wrong with the link (damaged, truncated, another version, too large).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any
from urllib.parse import unquote

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS, SHARE
from app.engine.custom import CustomData
from app.engine.lab import Lab
from app.sessions.labs import OperationError, build_lab, engine_call

VERSION = 1
RUN_KEY = "run"
HIDE_KEY = "hide"
# the largest network: hidden layers + output, each of at most max(neurons, outputs) rows of
# max(neurons, inputs) weights and a bias
MAX_PARAMETERS = (
    (LIMITS.max_hidden_layers + 1)
    * max(LIMITS.max_neurons, LIMITS.max_outputs)
    * (max(LIMITS.max_neurons, LIMITS.max_inputs) + 1)
)
_NOT_SETTINGS = ("weights", "biases")  # the parameters travel as bytes, not as settings
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")

FloatArray = NDArray[np.float64]


class LinkError(ValueError):
    """A link that cannot be read: the message says why."""


@dataclass(frozen=True)
class LinkContent:
    """What a link holds: the settings, θ (None when left out), the step it was taken at, the parts hidden."""

    config: dict[str, Any]
    theta: FloatArray | None
    step: int
    hide: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    """A link made: its URL (None when even the settings do not fit), size, and what it left out."""

    url: str | None
    bytes: int
    weights_included: bool
    message: str


def _plain(value: Any) -> Any:
    """Tuples and NumPy scalars as lists and Python numbers (recursively)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _removed(built: Lab, lab: Lab) -> list[int]:
    """The training examples to remove from `built`'s training set, in order, to leave `lab`'s (points
    removed by hand: the rows `built` has where `lab` has others)."""
    have, want = built.data.x_train, lab.data.x_train
    removed: list[int] = []
    j = 0
    for i in range(len(have)):
        if j < len(want) and np.array_equal(have[i], want[j]):
            j += 1
        else:
            removed.append(j)  # removing the row at j shifts the rest up: the next one is at j again
    return removed


def link_config(lab: Lab) -> dict[str, Any]:
    """The configuration fields of `lab` that decide its numbers (parameters excluded); `data_seed` when
    the data set was built from another seed than the run's (a reset to a new seed keeps the data), and
    `removed` when points were removed by hand (the training examples to remove, in order)."""
    config = lab.config
    out = {f.name: _plain(getattr(config, f.name)) for f in fields(config) if f.name not in _NOT_SETTINGS}
    if isinstance(config.dataset, CustomData):
        out["dataset"] = {k: v for k, v in _plain(asdict(config.dataset)).items() if v is not None}
    if lab.data.seed != config.seed:
        out["data_seed"] = int(lab.data.seed)
    built = lab_from_link({**out, "selected": 0}, None)
    if len(built.data.x_train) != len(lab.data.x_train) or not np.array_equal(
        built.data.x_train, lab.data.x_train
    ):
        out["removed"] = _removed(built, lab)
    return out


def _encode(raw: bytes) -> str:
    """zlib, then base64url without padding."""
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode("ascii")


def payload(config: dict[str, Any], theta: FloatArray | None, step: int) -> str:
    """The fragment's `run` value for `config`, θ (None: settings only) and `step`."""
    n = 0 if theta is None else int(theta.size)
    settings = {"step": int(step), "n": n, "config": config}
    text = json.dumps(settings, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    parts = [str(VERSION), _encode(text.encode("utf-8"))]
    if theta is not None:
        parts.append(_encode(np.ascontiguousarray(theta, dtype="<f8").tobytes()))
    return ".".join(parts)


def check_hide(names: Sequence[str]) -> tuple[str, ...]:
    """The parts to hide, each one of SHARE.link_hide, in SHARE.link_hide's order (LinkError otherwise)."""
    unknown = [name for name in names if name not in SHARE.link_hide]
    if unknown:
        raise LinkError(
            f"hide: {', '.join(repr(n) for n in unknown)} is not a part of the page that can be hidden "
            f"(choose among {', '.join(SHARE.link_hide)})"
        )
    return tuple(name for name in SHARE.link_hide if name in names)


def fragment(run: str, hide: Sequence[str] = ()) -> str:
    """`run=<payload>[&hide=a,b]`."""
    parts = check_hide(hide)
    return f"{RUN_KEY}={run}" + (f"&{HIDE_KEY}={','.join(parts)}" if parts else "")


def make_link(
    origin: str, config: dict[str, Any], theta: FloatArray, step: int, hide: Sequence[str] = ()
) -> Link:
    """The link to `origin`'s page: with θ when it fits in link_max_bytes, else the settings alone (and
    the reason); no URL when even they do not fit."""
    limit = SHARE.link_max_bytes
    base = origin.rstrip("/") + "/#"
    full = base + fragment(payload(config, theta, step), hide)
    if len(full.encode()) <= limit:
        message = "The link holds the settings, the seed and the exact weights."
        return Link(full, len(full.encode()), True, message)
    bare = base + fragment(payload(config, None, step), hide)
    size = len(bare.encode())
    if size <= limit:
        return Link(
            bare,
            size,
            False,
            f"The weights were left out: with them the link would be {len(full.encode())} bytes, over "
            f"link_max_bytes ({limit}). It holds the settings and the seed (training again from step 0 "
            "gives the same numbers); export the weights file to share the weights themselves.",
        )
    return Link(
        None,
        size,
        False,
        f"No link: even without the weights the settings take {size} bytes (the data set's own rows), over "
        f"link_max_bytes ({limit}). Export the weights file or the script instead.",
    )


def _decode(part: str, what: str, limit: int) -> bytes:
    """A base64url part, decompressed to at most `limit` bytes (LinkError naming `what` otherwise)."""
    if not _BASE64URL.fullmatch(part) or len(part) % 4 == 1 or not part:
        raise LinkError(f"the link's {what} are damaged: not base64url text (was it cut or changed?)")
    try:
        data = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise LinkError(f"the link's {what} are damaged: not base64url text") from None
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise LinkError(f"the link's {what} are damaged (they do not decompress: changed or cut)") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise LinkError(f"the link's {what} expand to more than {limit} bytes: refused")
    if not inflater.eof:
        raise LinkError(f"the link's {what} are truncated (the link was cut short)")
    if inflater.unused_data:
        raise LinkError(f"the link's {what} are damaged (bytes after their end)")
    return out


def _run_value(text: str) -> tuple[str, tuple[str, ...]]:
    """The `run` payload and the `hide` parts of a link, a fragment or a bare payload."""
    fragment_text = text.split("#", 1)[1] if "#" in text else text
    if "=" not in fragment_text:
        return fragment_text, ()
    values: dict[str, str] = {}
    for item in fragment_text.split("&"):
        key, _, value = item.partition("=")
        values[key] = unquote(value)
    if RUN_KEY not in values:
        raise LinkError(f"this is not a Backprop Lab run link: its fragment has no {RUN_KEY}=")
    hide = values.get(HIDE_KEY, "")
    return values[RUN_KEY], check_hide([name for name in hide.split(",") if name])


def _settings(raw: bytes) -> tuple[dict[str, Any], int, int]:
    """The settings JSON: (config, step, n)."""
    try:
        settings = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise LinkError("the link's settings are damaged: not JSON") from None
    if not isinstance(settings, dict) or set(settings) != {"step", "n", "config"}:
        raise LinkError("the link's settings are damaged: expected step, n and config")
    config, step, n = settings["config"], settings["step"], settings["n"]
    if not isinstance(config, dict):
        raise LinkError("the link's settings are damaged: config is not an object")
    for name, value in (("step", step), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise LinkError(f"the link's settings are damaged: {name} is not a count")
    if n > MAX_PARAMETERS:
        raise LinkError(f"the link names {n} parameters; the largest network has {MAX_PARAMETERS}")
    return config, step, n


def read_link(text: str) -> LinkContent:
    """What a link (the full URL, its fragment, or the `run` payload) holds; LinkError saying why not."""
    limit = SHARE.link_max_bytes
    size = len(text.encode("utf-8", "replace"))
    if size > limit:
        raise LinkError(
            f"the link is {size} bytes, over link_max_bytes ({limit}): too long to be one of ours"
        )
    run, hide = _run_value(text.strip())
    parts = run.split(".")
    if not (parts[0].isascii() and parts[0].isdigit() and len(parts[0]) <= 6):
        raise LinkError("the link is damaged: it does not start with a version number")
    if parts[0] != str(VERSION):
        raise LinkError(f"the link is version {parts[0]}; this server reads version {VERSION} links")
    if len(parts) not in (2, 3):
        raise LinkError("the link is damaged: expected its settings and, optionally, its weights")
    config, step, n = _settings(_decode(parts[1], "settings", SHARE.link_max_settings_bytes))
    if any(name in config for name in _NOT_SETTINGS):
        raise LinkError("the link's settings are damaged: weights travel in their own part")
    theta = None
    if len(parts) == 3:
        raw = _decode(parts[2], "weights", 8 * MAX_PARAMETERS)
        if len(raw) != 8 * n or n == 0:
            raise LinkError(
                f"the link's weights are damaged: {len(raw)} bytes for {n} parameters of 8 bytes each"
            )
        theta = np.frombuffer(raw, dtype="<f8").astype(np.float64)
        if not np.isfinite(theta).all():
            raise LinkError("the link's weights are damaged: a value is not a finite number")
    return LinkContent(config, theta, step, hide)


def lab_from_link(values: dict[str, Any], theta: FloatArray | None) -> Lab:
    """The Lab a link's checked settings describe, starting from θ when the link holds it (as explicit
    parameters, so a reset goes back to them); OperationError naming the field when the engine refuses."""
    values = dict(values)
    seed = values.get("seed", 0)
    data_seed = values.pop("data_seed", None)
    removed = values.pop("removed", None) or []
    selected = values.get("selected", 0)
    if removed:
        values["selected"] = 0  # chosen once the training set is as the link's
    if data_seed is not None:
        values["seed"] = data_seed  # the data set as it was built; the run's own seed is set after
    if theta is not None:
        layout = build_lab({**values, "selected": 0}).network.layout
        if theta.size != layout.size:
            raise OperationError(
                "weights",
                f"weights: the link holds {theta.size} parameters, its network has {layout.size}",
            )
        values["weights"] = [w.tolist() for w in layout.weights(theta)]
        values["biases"] = [b.tolist() for b in layout.biases(theta)]
    lab = build_lab(values)
    if data_seed is not None and data_seed != seed:
        engine_call(lab.reset, seed)
    for index in removed:
        engine_call(lab.remove_point, index)
    if removed:
        engine_call(lab.select, selected)
    return lab
