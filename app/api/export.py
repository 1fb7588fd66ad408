"""The run's numbers as files (docs/protocol.md, "Share and export"): weights and biases (JSON, .npz), the
run log (CSV, JSON) and the current phase records (JSON), each an attachment."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from app.api.responses import WireJSON
from app.api.rest import NOT_FOUND, SessionDep
from app.export.parameters import parameters, parameters_npz, phase_records
from app.export.runlog import run_log, run_log_csv
from app.schemas.export import ExportedRecords, ExportedWeights, RunLog

router = APIRouter(prefix="/api", tags=["export"])


def attachment(session_id: str, what: str, step: int, ext: str) -> dict[str, str]:
    """Content-Disposition for a download named backprop-<what>-step<k>.<ext>."""
    return {"Content-Disposition": f'attachment; filename="backprop-{what}-step{step}.{ext}"'}


@router.get(
    "/sessions/{session_id}/export/weights",
    response_model=ExportedWeights,
    responses={**NOT_FOUND, 200: {"content": {"application/x-npz": {}}, "description": "JSON, or the .npz"}},
)
async def export_weights(
    session: SessionDep, format: Annotated[Literal["json", "npz"], Query()] = "json"
) -> Response:
    """W^1..W^L (each n_l × n_(l−1)) and b^1..b^L at the current step, exactly (`format=npz`: NumPy's .npz
    with W1..WL, b1..bL, step and sizes)."""
    step = session.lab.step
    if format == "npz":
        headers = attachment(session.id, "weights", step, "npz")
        return Response(parameters_npz(session), media_type="application/x-npz", headers=headers)
    return WireJSON(parameters(session), headers=attachment(session.id, "weights", step, "json"))


@router.get(
    "/sessions/{session_id}/export/log",
    response_model=RunLog,
    responses={**NOT_FOUND, 200: {"content": {"text/csv": {}}, "description": "JSON, or one CSV table"}},
)
async def export_log(
    session: SessionDep, format: Annotated[Literal["json", "csv"], Query()] = "json"
) -> Response:
    """Every recorded step's train/test loss and accuracy and gradient norms, and the changes made on the
    way (`format=csv`: one table, a row per step, the changes in the last column)."""
    async with session.lock:
        log = run_log(session)
    step = session.lab.step
    if format == "csv":
        headers = attachment(session.id, "log", step, "csv")
        return Response(run_log_csv(log), media_type="text/csv; charset=utf-8", headers=headers)
    return WireJSON(log, headers=attachment(session.id, "log", step, "json"))


@router.get("/sessions/{session_id}/export/records", response_model=ExportedRecords, responses=NOT_FOUND)
async def export_records(session: SessionDep) -> Response:
    """The current phase records (as the formula panel shows them) and where the run stands."""
    body = phase_records(session)
    return WireJSON(body, headers=attachment(session.id, "records", session.lab.step, "json"))
