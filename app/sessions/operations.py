"""What can be done to a session besides stepping, shared by REST and the socket: each runs under the
session's lock, turns the engine's refusals into OperationError, and publishes what the session's sockets
must see. A rejected operation changes nothing: the engine validates before it mutates, and a rebuild
builds the new Lab before replacing the old one.
"""

from __future__ import annotations

from typing import Any

from app.sessions import travel
from app.sessions.labs import build_lab, engine_call
from app.sessions.publisher import Publisher
from app.sessions.session import Session
from app.wire.codec import to_wire


async def set_hyper(hub: Publisher, session: Session, changes: dict[str, Any]) -> dict[str, list[Any]]:
    """Change live hyperparameters; logs and announces what changed as {field: [old, new]}."""
    async with session.lock:
        changed = engine_call(session.lab.set_hyper, **changes)
        diff = {name: [to_wire(old), to_wire(new)] for name, (old, new) in changed.items()}
        if diff:
            step_now = int(session.lab.cursor["step"])
            travel.record(hub, session, {"kind": "change", "changes": diff})
            session.add_change(step_now, diff)
            hub.publish_text(session, {"type": "changed", "step": step_now, "changes": diff})
            hub.publish_frame(session, session.iteration_records or None)
        return diff


async def rebuild(hub: Publisher, session: Session, values: dict[str, Any]) -> None:
    """Rebuild the network and data from the current configuration with `values` changed."""
    async with session.lock:
        session.lab = build_lab(values, session.lab.config)
        _restart(hub, session)


async def reset(hub: Publisher, session: Session, seed: int | None) -> None:
    """Back to the initial parameters (seed None) or a new initialisation from `seed`."""
    async with session.lock:
        if seed is None:
            engine_call(session.lab.reset)
        else:
            engine_call(session.lab.reset, seed=seed)
        _restart(hub, session)


def _restart(hub: Publisher, session: Session) -> None:
    """A fresh run: empty loss curve, a point at step 0, the new state and a frame to every socket."""
    session.clear_history()
    session.iteration_records = []
    session.diverged = None
    travel.restart(session)
    metrics = hub.record_point(session, changed=True)
    hub.publish_state(session)
    hub.publish_frame(session, None, metrics)


async def set_parameters(hub: Publisher, session: Session, weights: Any, biases: Any) -> None:
    """Set every parameter exactly."""
    async with session.lock:
        engine_call(session.lab.set_parameters, weights, biases)
        _parameters_changed(hub, session, {"kind": "edit", "what": "parameters"})


async def set_weight(hub: Publisher, session: Session, layer: int, row: int, col: int, value: float) -> None:
    """Set W^layer[row][col]."""
    async with session.lock:
        engine_call(session.lab.set_weight, layer, row, col, value)
        mark = {"kind": "edit", "what": "weight", "layer": layer, "row": row, "col": col}
        _parameters_changed(hub, session, mark)


async def set_bias(hub: Publisher, session: Session, layer: int, row: int, value: float) -> None:
    """Set b^layer[row]."""
    async with session.lock:
        engine_call(session.lab.set_bias, layer, row, value)
        _parameters_changed(hub, session, {"kind": "edit", "what": "bias", "layer": layer, "row": row})


def _parameters_changed(hub: Publisher, session: Session, mark: dict[str, Any]) -> None:
    """The edit on the timeline, a new loss-curve point and a frame after an edit of the parameters."""
    travel.record(hub, session, mark)
    session.diverged = None
    metrics = hub.record_point(session, changed=True)
    hub.publish_frame(session, session.iteration_records or None, metrics)


async def select(hub: Publisher, session: Session, index: int) -> None:
    """Trace training example `index`."""
    async with session.lock:
        engine_call(session.lab.select, index)
        hub.publish_frame(session, session.iteration_records or None)


async def change_points(
    hub: Publisher, session: Session, add: tuple[float, float, float] | None, remove: int | None
) -> None:
    """Add a training point (x1, x2, label) or remove one by index; everyone gets the new data."""
    async with session.lock:
        if add is not None:
            engine_call(session.lab.add_point, *add)
            travel.record(hub, session, {"kind": "data", "what": "add"})
        elif remove is not None:
            engine_call(session.lab.remove_point, remove)
            travel.record(hub, session, {"kind": "data", "what": "remove", "index": remove})
        metrics = hub.record_point(session, changed=True)
        hub.publish_state(session)
        hub.publish_frame(session, None, metrics)
