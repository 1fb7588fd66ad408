"""pyproject.toml's minimum versions are ones the app works with: none below the floor found by installing
the minimums together and running the server tests (each floor with the reason it is there), and the
installed versions satisfy them."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version

from tests.support.live_server import ROOT

# name -> (lowest version that works, what breaks below it)
FLOORS = {
    "uvicorn": ("0.52.1", "up to 0.52.0 a socket gets one frame, then none (tests/live/test_live_server.py)"),
    "fastapi-offline": ("1.6", "before 1.6 it ships Swagger UI 4, which cannot show an OpenAPI 3.1 document"),
    "fastapi": ("0.110", "the oldest checked; the app sets its own body limit (app/api/guards.py)"),
    "pydantic": ("2.6", "the oldest checked"),
    "numpy": ("1.26", "the oldest checked"),
    "jinja2": ("3.1", "the oldest checked"),
    "segno": ("1.6", "the oldest checked (1.6.0): rooms' QR codes as SVG (tests/rooms/test_rooms_api.py)"),
    "plotly": ("5.20", "the oldest checked; /vendor/plotly.min.js is its package_data file"),
    "nbformat": ("5.9", "the oldest checked (5.9.0): the exported notebook (tests/export/test_notebook.py)"),
}
_REQUIREMENT = re.compile(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?>=([0-9][0-9.]*)$")


def as_tuple(text: str) -> tuple[int, ...]:
    """A release number as a comparable tuple ("0.52.1" -> (0, 52, 1)), padded to three parts."""
    parts = tuple(int(part) for part in re.findall(r"\d+", text)[:3])
    return parts + (0,) * (3 - len(parts))


def minimums() -> dict[str, str]:
    """pyproject.toml's runtime dependencies: name -> minimum version (each must state one)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found = {}
    for requirement in project["dependencies"]:
        match = _REQUIREMENT.match(requirement.replace(" ", ""))
        assert match, f"{requirement!r} states no minimum version"
        found[match.group(1).lower()] = match.group(3)
    return found


def test_every_dependency_has_a_checked_floor_and_none_is_below_it() -> None:
    stated = minimums()
    assert set(stated) == set(FLOORS)
    for name, (floor, reason) in FLOORS.items():
        assert as_tuple(stated[name]) >= as_tuple(floor), f"{name}>={stated[name]}: {reason}"


def test_the_installed_versions_satisfy_the_minimums() -> None:
    for name, minimum in minimums().items():
        assert as_tuple(version(name)) >= as_tuple(minimum), (name, version(name), minimum)
