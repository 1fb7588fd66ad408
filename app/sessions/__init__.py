"""Sessions: one Lab each with its loss-curve history, the store, stepping and operations on a session,
publishing to its outlets, persistence across restarts.

Uses wire, engine, schemas and config; never the live transport or the API (sockets reach a session only as
outlets, app/sessions/session.py)."""
