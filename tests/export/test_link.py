"""Share links (app/export/link.py): an exact round trip, every kind of damage refused with a clear reason,
the size cap leaving the weights out, and bounded decompression."""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable

import numpy as np
import pytest

from app.config import SHARE
from app.engine.lab import CustomData, Lab, LabConfig
from app.export.link import (
    MAX_PARAMETERS,
    LinkError,
    lab_from_link,
    link_config,
    make_link,
    payload,
    read_link,
)

ORIGIN = "http://127.0.0.1:8000/"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _flip(text: str, at: int) -> str:
    """`text` with one character changed."""
    return text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1 :]


def _trained() -> Lab:
    """A run with live changes, points added and removed and a reset to another seed (the data keeps its
    seed)."""
    lab = Lab(LabConfig(dataset="xor", points=80, hidden_layers=(3, 2), optimizer="momentum", seed=5))
    lab.reset(11)
    lab.train(9)
    lab.set_hyper(learning_rate=0.3, batch_size=4, regularization="l2", regularization_rate=0.01)
    lab.add_point(0.5, -1.25, 1.0)
    lab.add_point(-0.5, 2.0, 0.0)
    lab.remove_point(7)  # one of the data set's own points
    lab.remove_point(7)
    lab.remove_point(lab.data.n_train - 1)  # the last one added
    lab.remove_point(0)
    lab.train(6)
    lab.select(3)
    return lab


def _same_run(a: Lab, b: Lab) -> None:
    assert np.array_equal(a.network.theta, b.network.theta)
    assert np.array_equal(a.data.x_train, b.data.x_train)
    assert np.array_equal(a.data.y_train, b.data.y_train)
    assert np.array_equal(a.data.x_test, b.data.x_test)
    for name in ("learning_rate", "batch_size", "regularization", "regularization_rate", "seed", "selected"):
        assert getattr(a.config, name) == getattr(b.config, name), name


def test_round_trip_is_exact() -> None:
    lab = _trained()
    link = make_link(ORIGIN, link_config(lab), lab.network.theta, lab.step, ["formula", "settings"])
    assert link.weights_included and link.url is not None
    assert link.url.startswith("http://127.0.0.1:8000/#run=1.") and link.url.endswith(
        "&hide=settings,formula"
    )
    assert link.bytes == len(link.url.encode()) <= SHARE.link_max_bytes
    content = read_link(link.url)
    assert content.step == lab.step and content.hide == ("settings", "formula")
    opened = lab_from_link(content.config, content.theta)
    _same_run(lab, opened)
    assert [tuple(p) for p in opened.config.added_points] == list(lab.config.added_points)
    assert opened.step == 0
    # the fragment alone and the bare payload read the same
    assert np.array_equal(read_link(link.url.split("#")[1]).theta, content.theta)  # type: ignore[arg-type]
    # the weights are the new run's start: a reset goes back to them
    opened.train(3)
    opened.reset()
    assert np.array_equal(opened.network.theta, lab.network.theta)


def test_custom_rows_round_trip() -> None:
    rows = [[0.1 * i, -0.2 * i, 1.0 / (i + 1)] for i in range(12)]
    data = CustomData(rows, [[float(i % 2)] for i in range(12)])
    lab = Lab(LabConfig(dataset=data, hidden_layers=(2,), seed=3))
    lab.train(4)
    content = read_link(make_link(ORIGIN, link_config(lab), lab.network.theta, 4).url or "")
    _same_run(lab, lab_from_link(content.config, content.theta))


def _parts(lab: Lab) -> list[str]:
    return payload(link_config(lab), lab.network.theta, lab.step).split(".")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda p: ["2", *p[1:]], "version 2; this server reads version 1"),
        (lambda p: ["x", *p[1:]], "does not start with a version number"),
        (lambda p: ["0" * 5000, *p[1:]], "does not start with a version number"),
        (lambda p: ["٣", *p[1:]], "does not start with a version number"),
        (lambda p: [p[0], p[1][:-9], p[2]], "settings are"),
        (lambda p: [p[0], p[1], p[2][:-6]], "weights are"),
        (lambda p: [p[0], p[1], p[2][:40]], "weights are"),
        (
            lambda p: [p[0], p[1][:20] + ("A" if p[1][20] != "A" else "B") + p[1][21:], p[2]],
            "settings are damaged",
        ),
        (
            lambda p: [p[0], p[1], p[2][:30] + ("A" if p[2][30] != "A" else "B") + p[2][31:]],
            "weights are damaged",
        ),
        (lambda p: [p[0], p[1] + "!", p[2]], "not base64url"),
        (lambda p: [p[0], p[1], p[2] + _b64(b"x")], "weights are damaged"),
        (lambda p: [*p, p[2]], "expected its settings"),
        (lambda p: [p[0], _b64(zlib.compress(b"[1, 2]")), p[2]], "expected step, n and config"),
        (lambda p: [p[0], _b64(zlib.compress(b"\xff\xfe")), p[2]], "not JSON"),
        (lambda p: [p[0], p[1], _b64(zlib.compress(b"\x00" * 24))], "24 bytes for"),
        (lambda p: [p[0], p[1], _b64(zlib.compress(np.array([np.nan] * 21).tobytes()))], "bytes for"),
    ],
)
def test_damage_is_refused_with_its_reason(damage: Callable[[list[str]], list[str]], reason: str) -> None:
    parts = _parts(_trained())
    with pytest.raises(LinkError, match=reason):
        read_link(ORIGIN + "#run=" + ".".join(damage(parts)))


def test_non_finite_weights_and_foreign_links_are_refused() -> None:
    lab = _trained()
    theta = lab.network.theta.copy()
    theta[2] = np.inf
    with pytest.raises(LinkError, match="not a finite number"):
        read_link(payload(link_config(lab), theta, 0))
    with pytest.raises(LinkError, match="no run="):
        read_link("http://x/#view=loss")
    with pytest.raises(LinkError, match="hide: 'menus'"):
        read_link(payload(link_config(lab), None, 0).join(["run=", "&hide=menus"]))
    with pytest.raises(LinkError, match="over link_max_bytes"):
        read_link("run=1." + "A" * SHARE.link_max_bytes)


def test_decompression_is_bounded() -> None:
    """A small part that would expand to megabytes is refused after reading one byte past the bound."""
    bomb = _b64(zlib.compress(b"\x00" * (4 * 1024 * 1024), 9))
    assert len(bomb) < SHARE.link_max_bytes
    lab = _trained()
    settings = _parts(lab)[1]
    with pytest.raises(LinkError, match=f"weights expand to more than {8 * MAX_PARAMETERS} bytes"):
        read_link(f"run=1.{settings}.{bomb}")
    with pytest.raises(LinkError, match=f"settings expand to more than {SHARE.link_max_settings_bytes}"):
        read_link(f"run=1.{bomb}")


def test_the_size_cap_leaves_the_weights_out() -> None:
    lab = Lab(LabConfig(hidden_layers=(16,) * 6, seed=2))
    lab.train(3)
    link = make_link(ORIGIN, link_config(lab), lab.network.theta, 3)
    assert not link.weights_included and link.url is not None
    assert "weights were left out" in link.message and "export the weights file" in link.message
    assert link.bytes <= SHARE.link_max_bytes
    content = read_link(link.url)
    assert content.theta is None
    opened = lab_from_link(content.config, None)
    lab.reset()
    assert np.array_equal(opened.network.theta, lab.network.theta)  # the seed's initialisation


def test_settings_too_large_for_any_link() -> None:
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(900, 2)).tolist()
    data = CustomData(inputs, [[float(i % 2)] for i in range(900)])
    lab = Lab(LabConfig(dataset=data, hidden_layers=(2,)))
    link = make_link(ORIGIN, link_config(lab), lab.network.theta, 0)
    assert link.url is None and not link.weights_included
    assert "even without the weights" in link.message and link.bytes > SHARE.link_max_bytes
