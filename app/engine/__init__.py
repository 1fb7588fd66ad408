"""The NumPy engine: an MLP stepped one phase (layer) at a time. Imports only NumPy and the stdlib."""
