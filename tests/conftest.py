"""Shared fixtures: small-limit settings, the app, a TestClient, and a real `python -m app` server process."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator

import hypothesis
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from tests.support.live_server import LiveServer, start_server

# Property tests check values, not speed: no per-example deadline, so a loaded CI machine cannot fail them.
hypothesis.settings.register_profile("lab", deadline=None)
hypothesis.settings.load_profile("lab")


@pytest.fixture
def settings() -> Settings:
    """Settings with small limits, so tests reach every limit quickly."""
    return Settings(
        allowed_hosts=("testserver",),  # the TestClient's host name
        max_sessions=8,
        session_idle_seconds=600.0,
        max_message_bytes=8 * 1024,
        max_body_bytes=64 * 1024,
        rate_limit_messages=1000,
        rate_limit_window_seconds=1.0,
        send_timeout_seconds=2.0,
        max_fps=30.0,
        max_speed=50,
        max_step_count=300,
        max_records_per_reply=40,
        max_history=64,
        max_sockets_per_session=4,
        shutdown_close_seconds=2.0,
    )


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """The application under the small settings."""
    from app.main import create_app  # imported here so engine-only test runs never load the server

    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A TestClient with the app's lifespan running (one event loop for REST and sockets)."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def live_server_factory() -> Iterator[Callable[..., LiveServer]]:
    """Start real servers with chosen BACKPROP_* settings; every one is stopped after the test."""
    servers: list[LiveServer] = []

    def factory(**env: str) -> LiveServer:
        server = start_server(env)
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop(signal.SIGKILL)


@pytest.fixture
def live_server(live_server_factory: Callable[..., LiveServer]) -> str:
    """The base URL of a real `python -m app` server with default settings on a free port."""
    return live_server_factory().url
