"""The tree is the architecture: each folder of app/ imports only the folders below it, and no module imports
itself back through others (no import circles, TYPE_CHECKING imports included)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"

# The modules at app/'s top that form the config layer (standard library only, importable from anywhere).
CONFIG_LAYER = ("config", "netaddr")

# Each layer and what it may import, bottom first. Modules at app/'s top (main, server, __main__) compose
# the whole and may import anything.
ALLOWED: dict[str, set[str]] = {
    "config": set(),
    "engine": {"config"},
    "schemas": {"config"},
    "wire": {"engine", "schemas", "config"},
    "timeline": {"engine", "config"},
    "sessions": {"timeline", "wire", "engine", "schemas", "config"},
    "rooms": {"sessions", "timeline", "wire", "engine", "schemas", "config"},
    "live": {"rooms", "sessions", "timeline", "wire", "engine", "schemas", "config"},
    "export": {"sessions", "timeline", "wire", "engine", "schemas", "config"},
    "api": {"export", "live", "rooms", "sessions", "timeline", "wire", "engine", "schemas", "config"},
}


def module_name(path: Path) -> str:
    """app/live/hub.py -> app.live.hub (a package's __init__ is the package)."""
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every app module this file imports (from-imports of a package count its imported submodules)."""
    found: set[str] = set()
    modules = {module_name(p) for p in APP.rglob("*.py")}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("app"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in modules else node.module)
    return found - {"app"}


def layer_of(module: str) -> str | None:
    """The folder (layer) a module belongs to; None for the composing modules at app/'s top."""
    parts = module.split(".")
    if len(parts) == 1:
        return None
    if len(parts) == 2 and parts[1] in CONFIG_LAYER:
        return "config"
    return parts[1] if len(parts) > 2 or parts[1] in ALLOWED else None


GRAPH = {module_name(p): imports_of(p) for p in sorted(APP.rglob("*.py"))}


def test_the_config_layer_imports_only_itself() -> None:
    config = {f"app.{name}" for name in CONFIG_LAYER}
    for module in sorted(config):
        assert GRAPH[module] <= config, f"{module} imports {sorted(GRAPH[module] - config)}"


def test_every_folder_is_a_known_layer() -> None:
    folders = {p.name for p in APP.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(ALLOWED) - {"config"}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_run_downward(module: str) -> None:
    layer = layer_of(module)
    if layer is None:
        return  # the composing modules at the top
    upward = [
        target
        for target in sorted(GRAPH[module])
        if (other := layer_of(target)) is not None and other != layer and other not in ALLOWED[layer]
    ]
    assert upward == [], f"{module} ({layer}) imports from above it: {upward}"


def test_no_import_circles() -> None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(GRAPH.get(module, ())):
            if target not in GRAPH:
                continue
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                raise AssertionError("import circle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)
