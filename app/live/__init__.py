"""The live transport: the socket endpoint, its connections (one newest-wins frame slot each), the hub that
holds the sessions and closes their sockets, the play loop, the socket protocol and rate limits.

Uses sessions, wire, engine, schemas and config; never the API."""
