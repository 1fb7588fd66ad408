"""schemathesis against the OpenAPI schema, in-process on the ASGI app: no server errors, every answer
documented and matching its schema, schema-violating requests refused, schema-valid ones accepted.

Half the generated session ids are replaced by a real session's, so the routes past the 404 are exercised too.
A schema-valid request may still be refused with 422 when the engine's cross-field rules say no (an
incoherent output/loss pair, parameters of the wrong shape, an example index past the training set): JSON
Schema cannot state those rules. Such a 422 must come from the engine (type "rejected"), never from the
schema validation, which `engine_rules_only` checks.
"""

from __future__ import annotations

import random
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from app.config import Settings
from app.main import create_app

APP = create_app(
    Settings(allowed_hosts=("testserver",), max_sessions=10_000, max_step_count=20, max_records_per_reply=20)
)
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "403", "404", "409", "422", "423", "429", "503"]
            }
        }
    }
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)
_sessions: list[str] = []


def _session_id() -> str:
    """A real session (created once, reused; recreated if a case deleted it)."""
    hub = APP.state.hub
    while _sessions and _sessions[-1] not in {s.id for s in hub.store}:
        _sessions.pop()
    if not _sessions:
        from app.sessions.labs import build_lab

        session = hub.store.add(build_lab({"points": 40}))
        hub.record_point(session)
        _sessions.append(session.id)
    return _sessions[-1]


@schemathesis.check
def engine_rules_only(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 422 for schema-valid data comes from the engine's cross-field rules, never from the schema."""
    meta = case.meta
    if response.status_code == 422 and meta is not None and meta.generation.mode.is_positive:
        kinds = {d["type"] for d in response.json()["detail"]}
        assert kinds == {"rejected"}, f"schema-valid data refused by validation: {response.text[:300]}"
    return None


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: Any) -> None:
    if "session_id" in (case.path_parameters or {}) and random.random() < 0.7:
        case.path_parameters["session_id"] = _session_id()
    case.call_and_validate(additional_checks=[engine_rules_only])
