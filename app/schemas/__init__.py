"""Pydantic models for every REST body and socket message: unknown fields refused, finite numbers only,
ranges from app/config.py."""

from app.schemas.config import (
    LIVE_FIELDS,
    CsvDataIn,
    CustomDataIn,
    HyperChanges,
    Parameters,
    RecoverRequest,
    ResetRequest,
    SelectRequest,
    SessionConfig,
    StepRequest,
)
from app.schemas.frame import FrameHeader
from app.schemas.messages import CLIENT_MESSAGE, MESSAGE_TYPES, ClientMessage
from app.schemas.state import (
    ChangedMessage,
    DivergenceReport,
    ErrorMessage,
    GradcheckReply,
    HistoryPoint,
    HistoryReply,
    SaturationMessage,
    SaturationReport,
    SessionState,
    SteppedMessage,
    StepReply,
)

__all__ = [
    "CLIENT_MESSAGE",
    "LIVE_FIELDS",
    "MESSAGE_TYPES",
    "ChangedMessage",
    "ClientMessage",
    "CsvDataIn",
    "CustomDataIn",
    "DivergenceReport",
    "ErrorMessage",
    "FrameHeader",
    "GradcheckReply",
    "HistoryPoint",
    "HistoryReply",
    "HyperChanges",
    "Parameters",
    "RecoverRequest",
    "ResetRequest",
    "SaturationMessage",
    "SaturationReport",
    "SelectRequest",
    "SessionConfig",
    "SessionState",
    "StepReply",
    "StepRequest",
    "SteppedMessage",
]
