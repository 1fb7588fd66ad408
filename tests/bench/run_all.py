"""Run every benchmark: each tests/bench/bench_*.py module's main(), in name order.

Run: `python -m tests.bench.run_all` (`make bench`). A benchmark that raises or whose main() returns a
non-zero status is reported and the others still run; the exit status is 1 if any failed.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def bench_modules() -> list[str]:
    """Dotted names of the benchmark modules, sorted."""
    return [f"tests.bench.{path.stem}" for path in sorted(BENCH_DIR.glob("bench_*.py"))]


def main() -> int:
    """Run each benchmark's main(); 0 if all finished, 1 otherwise."""
    failed = []
    for name in bench_modules():
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        try:
            status = importlib.import_module(name).main()
        except Exception:
            traceback.print_exc()
            status = 1
        if status:  # main() returned a non-zero exit status, or raised
            failed.append(name)
        print(f"== {name}: {time.perf_counter() - start:.1f} s", flush=True)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
