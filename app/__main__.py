"""`python -m app` (what `make run` runs): serve the lab with settings from BACKPROP_* variables.

BLAS runs on one thread: the server's matrix products are small, and split over threads each waits for the
others, which on a busy 2-core machine stalls frames. The BLAS libraries read these variables once, when NumPy
is first imported, so they are set before anything imports it (app/__init__.py and app/config.py import
nothing heavy; the server is imported only after). Values already in the environment are kept.
"""

import contextlib
import dataclasses
import os

from app.config import SERVE_STATE_FILE, Settings

SINGLE_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def main() -> None:
    """One BLAS thread (unless the environment says otherwise), then serve until SIGINT/SIGTERM; sessions
    are kept across restarts in SERVE_STATE_FILE unless BACKPROP_STATE_FILE names another file (or "")."""
    for name in SINGLE_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    from app.server import serve  # NumPy loads from here on

    # uvicorn re-raises the signal it shut down on: Ctrl+C ends here quietly after a clean shutdown
    with contextlib.suppress(KeyboardInterrupt):
        settings = Settings.from_env()
        if "BACKPROP_STATE_FILE" not in os.environ:
            settings = dataclasses.replace(settings, state_file=SERVE_STATE_FILE)
        serve(settings)


if __name__ == "__main__":
    main()
