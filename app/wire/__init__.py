"""The wire format: engine arrays to bytes (codec), uint8 maps, the per-parameter snapshot and the state and
frame payloads of a session (through the FrameSource protocol, so this folder needs nothing above it).

Uses engine, schemas and config only; never sends NaN or Infinity."""
