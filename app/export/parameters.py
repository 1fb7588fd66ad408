"""A session's parameters and current phase records as files: weights and biases as JSON or NumPy's .npz,
the records of the iteration in progress (or of the one that led to the current step) as JSON."""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from app.sessions.session import Session
from app.wire.codec import to_wire


def parameters(session: Session) -> dict[str, Any]:
    """{"weights", "biases", "step"} and what they belong to (sizes, activations, loss, seed)."""
    lab = session.lab
    return {
        "weights": [w.tolist() for w in lab.weights],
        "biases": [b.tolist() for b in lab.biases],
        "step": lab.step,
        "sizes": list(lab.network.sizes),
        "activations": [act.name for act in lab.network.activations],
        "loss": lab.config.loss,
        "seed": int(lab.config.seed),
        "session": session.id,
    }


def parameters_npz(session: Session) -> bytes:
    """The parameters as an .npz: W1..WL (n_l × n_(l−1)), b1..bL, step and sizes."""
    lab = session.lab
    arrays: dict[str, Any] = {f"W{n}": w for n, w in enumerate(lab.weights, start=1)}
    arrays.update({f"b{n}": b for n, b in enumerate(lab.biases, start=1)})
    arrays["step"] = np.array(lab.step)
    arrays["sizes"] = np.array(lab.network.sizes)
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def phase_records(session: Session) -> dict[str, Any]:
    """The current phase records as the page shows them, with where the run stands."""
    lab = session.lab
    return {
        "session": session.id,
        "step": lab.step,
        "phases_done": lab.phases_done,
        "cursor": to_wire(lab.cursor, "cursor"),
        "records": to_wire(session.iteration_records, "records"),
    }
