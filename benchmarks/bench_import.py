"""Start-up cost: fresh interpreters importing cevnslib, and ``python -m cevnslib --help``.

Run from the repository root:  python benchmarks/bench_import.py [--runs N]
Each figure is the median (and the spread) of N fresh subprocesses (default 10, after one warm-up that
fills the file cache), wall time of the whole process, with the bare interpreter's start-up shown
first for reference. Goal: ``import cevnslib.experiments`` <= 500 ms. The SciPy subpackages and
matplotlib load inside the functions that compute with them, so neither the import nor ``--help``
pays for them (``python -X importtime -c "import cevnslib.experiments"`` lists what does load).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOAL_MS = {"import cevnslib.experiments": 500.0}
COMMANDS = {
    "python (no import)": ["-c", "pass"],
    "import cevnslib": ["-c", "import cevnslib"],
    "import cevnslib.experiments": ["-c", "import cevnslib.experiments"],
    "import cevnslib.fits": ["-c", "import cevnslib.fits"],
    "python -m cevnslib --help": ["-m", "cevnslib", "--help"],
}


def wall_ms(args: list[str], runs: int) -> list[float]:
    """Wall times (ms) of ``runs`` fresh interpreters running ``args``, after one uncounted warm-up."""
    # This checkout's cevnslib, whatever is installed.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    times = []
    for i in range(runs + 1):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, env=env, stdout=subprocess.DEVNULL)
        if i:
            times.append((time.perf_counter() - start) * 1e3)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="fresh processes per command (default 10)")
    runs = parser.parse_args().runs
    print(f"{'command':<30}{'median ms':>11}{'min ms':>9}{'max ms':>9}   ({runs} fresh processes each)")
    for label, args in COMMANDS.items():
        times = wall_ms(args, runs)
        goal = f"   goal <= {GOAL_MS[label]:.0f} ms" if label in GOAL_MS else ""
        print(f"{label:<30}{statistics.median(times):>11.0f}{min(times):>9.0f}{max(times):>9.0f}{goal}")


if __name__ == "__main__":
    main()
