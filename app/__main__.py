"""`python -m app` (what `make run` runs): serve the lab with settings from BACKPROP_* variables."""

import contextlib

from app.config import Settings
from app.server import serve

if __name__ == "__main__":
    # uvicorn re-raises the signal it shut down on: Ctrl+C ends here quietly after a clean shutdown
    with contextlib.suppress(KeyboardInterrupt):
        serve(Settings.from_env())
