"""Cost of a repeated ``Experiment.predict()``: a new NSI point and an R_n inside the cached grid.

Run from the repository root:  python benchmarks/bench_predict.py
For each setup: the first call (which builds and caches the templates on the form factor's R_n
grid), then the median and best per-call time of many calls, each constructing a new ``NSI`` and
asking for a new R_n, and the cost of constructing the ``NSI`` alone. Goal: <= 50 us per call.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from cevnslib import experiments
from cevnslib.couplings import NSI

CALLS = 20000
REPEATS = 7


def per_call_us(func, calls: int = CALLS, repeats: int = REPEATS) -> tuple[float, float]:
    """Median and best time per call (us) over ``repeats`` runs of ``calls`` calls."""
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(calls):
            func(i)
        runs.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(runs), min(runs)


def bench(name: str) -> None:
    start = time.perf_counter()
    exp = experiments.get(name)
    exp.predict()
    first_ms = (time.perf_counter() - start) * 1e3
    lo, hi = exp.cached_templates.rn_range_fm
    rng = np.random.default_rng(0)
    eps = rng.uniform(-0.3, 0.3, (CALLS, 2)).tolist()
    radii = rng.uniform(max(lo, 3.0), min(hi, 7.0), CALLS).tolist()
    median, best = per_call_us(lambda i: exp.predict(NSI(ee_d=eps[i][0], mm_d=eps[i][1]), radii[i]))
    eps_np, radii_np = np.asarray(eps), np.asarray(radii)  # numpy scalars, as from indexing an array
    median_np, _ = per_call_us(lambda i: exp.predict(NSI(ee_d=eps_np[i, 0], mm_d=eps_np[i, 1]), radii_np[i]))
    nsi_median, _ = per_call_us(lambda i: NSI(ee_d=eps[i][0], mm_d=eps[i][1]))
    print(
        f"{name:18s} first call {first_ms:7.1f} ms | predict(NSI(...), rn_fm) median {median:6.1f} us, "
        f"best {best:6.1f} us, with numpy scalars {median_np:6.1f} us | NSI(...) alone {nsi_median:5.2f} us"
    )


if __name__ == "__main__":
    for setup in experiments.SETUPS:
        bench(setup)
