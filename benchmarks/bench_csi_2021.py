"""Cost of the COHERENT CsI[Na] full data set's SM prediction in PE x arrival-time bins after the first call.

Run from the repository root: ``python benchmarks/bench_csi_2021.py``. The first call builds the
prompt and delayed event templates; every later call is two template contractions and an outer
product. The target is a median of at most 1 ms.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from cevnslib import experiments
from cevnslib.couplings import NSI


def main(calls: int = 2000) -> None:
    csi = experiments.get("COHERENT-CsI-2021")
    start = time.perf_counter()
    total = csi.predict_energy_time().sum()
    first = time.perf_counter() - start
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        csi.predict_energy_time()
        times.append(time.perf_counter() - start)
    rng = np.random.default_rng(1)
    points = [
        (NSI(ee_u=u, ee_d=d), rn)
        for u, d, rn in zip(rng.uniform(-0.5, 0.5, calls), rng.uniform(-0.5, 0.5, calls), rng.uniform(4.0, 6.5, calls))
    ]
    scan = []
    for nsi, rn in points:
        start = time.perf_counter()
        csi.predict_energy_time(nsi, rn)
        scan.append(time.perf_counter() - start)
    shape = csi.predict_energy_time().shape
    print(f"first call (templates built): {first * 1e3:.1f} ms; SM total {total:.1f} events in {shape} bins")
    print(f"later SM calls: median {statistics.median(times) * 1e6:.1f} us over {calls} calls (target <= 1000 us)")
    print(f"new (NSI, R_n) each call: median {statistics.median(scan) * 1e6:.1f} us over {calls} calls")


if __name__ == "__main__":
    main()
