"""Cost of the COHERENT CENNS-10 argon data's SM prediction after the first call, and of a profiled 100 x 100 map.

Run from the repository root: ``python benchmarks/bench_lar_2020.py``. The first call builds the prompt
and delayed event templates on the R_n grid; every later call (any NSI point, any R_n) is two template
contractions, outer products with the arrival-time shares and the F90 spread. The map profiles the nine
nuisances of :class:`cevnslib.lar_2020_likelihood.LAr2020Likelihood` at each of 10,000 points of the
(eps_ee^uV, eps_ee^dV) plane; the same plane of the CsI 2021 data and their sum are timed beside it, as
:func:`cevnslib.lar_2020_fits.joint_map` computes them. Times are wall clock and CPU (process) time.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from cevnslib import csi_2021_fits, experiments, lar_2020_fits
from cevnslib.couplings import NSI


def _timed(func):
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main(calls: int = 2000, points: int = 100) -> None:
    lar = experiments.get("COHERENT-LAr-2020")
    total, first, _ = _timed(lambda: lar.predict_energy_f90_time().sum())
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        lar.predict_energy_f90_time()
        times.append(time.perf_counter() - start)
    rng = np.random.default_rng(1)
    scan = []
    for u, d, rn in zip(rng.uniform(-0.5, 0.5, calls), rng.uniform(-0.5, 0.5, calls), rng.uniform(2.0, 6.0, calls)):
        nsi = NSI(ee_u=float(u), ee_d=float(d))
        start = time.perf_counter()
        lar.predict_energy_f90_time(nsi, float(rn))
        scan.append(time.perf_counter() - start)
    print(f"first call (templates built): {first * 1e3:.1f} ms; SM total {total:.1f} events in 12 x 8 x 10 bins")
    print(f"later SM calls: median {statistics.median(times) * 1e6:.1f} us over {calls} calls")
    print(f"new (NSI, R_n) each call: median {statistics.median(scan) * 1e6:.1f} us over {calls} calls")
    argon, csi = lar_2020_fits.default_likelihood(), csi_2021_fits.default_likelihood()
    argon.deviance(), csi.deviance()  # templates and morphs built
    grid = np.linspace(-1.0, 1.0, points)
    _, wall, cpu = _timed(lambda: lar_2020_fits.map_couplings(argon, ("ee_u", "ee_d"), grid, grid))
    print(
        f"{points} x {points} profiled (eps_ee^uV, eps_ee^dV) map of the argon data: {wall:.2f} s wall, {cpu:.2f} s CPU"
    )
    _, wall, cpu = _timed(lambda: csi_2021_fits.map_couplings(csi, ("ee_u", "ee_d"), grid, grid))
    print(f"the same map of the CsI 2021 data: {wall:.2f} s wall, {cpu:.2f} s CPU")
    _, wall, cpu = _timed(lambda: lar_2020_fits.joint_map(("ee_u", "ee_d"), grid, grid))
    print(f"argon, CsI 2021 and their sum (joint_map): {wall:.2f} s wall, {cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
