"""The REST API and the page: routes (one module per concern), the meta description, presets, error handlers.

Uses every layer below it: live (the hub), sessions, wire, engine, schemas, config."""
