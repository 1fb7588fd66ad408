"""JSON answers that never carry NaN or Infinity (json.dumps(allow_nan=False))."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from app.wire.codec import dumps


class WireJSON(JSONResponse):
    """A JSON response encoded compactly; a non-finite number raises instead of reaching the client."""

    def render(self, content: Any) -> bytes:
        """The UTF-8 JSON body."""
        return dumps(content).encode("utf-8")
