"""The run as code (docs/protocol.md, "Share and export"): a standalone NumPy script that replays it and
ends with the session's weights, and the same code as a Jupyter notebook."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.api.export import attachment
from app.api.rest import NOT_FOUND, SessionDep
from app.export.files import notebook_of, script_of

router = APIRouter(prefix="/api", tags=["export"])


@router.get(
    "/sessions/{session_id}/export/script",
    response_class=Response,
    responses={**NOT_FOUND, 200: {"content": {"text/x-python": {}}, "description": "The script"}},
)
async def export_script(session: SessionDep) -> Response:
    """A standalone Python file (NumPy only): the data, the run's start, its changes and the training loop
    in the lectures' notation; run, it ends with the session's weights (`--json`: its last line is
    {"step", "weights", "biases", "train_loss"})."""
    text = await script_of(session)
    headers = attachment(session.id, "script", session.lab.step, "py")
    return Response(text, media_type="text/x-python; charset=utf-8", headers=headers)


@router.get(
    "/sessions/{session_id}/export/notebook",
    response_class=Response,
    responses={
        **NOT_FOUND,
        200: {"content": {"application/x-ipynb+json": {}}, "description": "The notebook"},
    },
)
async def export_notebook(session: SessionDep) -> Response:
    """The script's code as a Jupyter notebook: a markdown cell before each part (one per phase), runnable
    top to bottom, its last cell comparing the weights with the session's."""
    text = await notebook_of(session)
    headers = attachment(session.id, "notebook", session.lab.step, "ipynb")
    return Response(text, media_type="application/x-ipynb+json", headers=headers)
