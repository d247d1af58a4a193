"""Cost of a profiled 100 x 100 (R_n, eps_ee^dV) map of the COHERENT CsI[Na] full data set.

Run from the repository root: ``python benchmarks/bench_csi_2021_fit.py``. Every one of the 10,000
points profiles the seven nuisances of :class:`cevnslib.csi_2021_likelihood.CsI2021Likelihood`
(vectorised Newton steps over the whole grid). The target is at most 30 s on 2 cores; the one-time
template build is timed apart.
"""

from __future__ import annotations

import time

import numpy as np

from cevnslib.csi_2021_fits import map_rn_nsi
from cevnslib.csi_2021_likelihood import CsI2021Likelihood


def main(points: int = 100) -> None:
    start = time.perf_counter()
    likelihood = CsI2021Likelihood()
    likelihood.signal_cells()
    build = time.perf_counter() - start
    rn, eps = np.linspace(3.0, 8.0, points), np.linspace(-0.3, 0.7, points)
    start = time.perf_counter()
    result = map_rn_nsi(likelihood, rn, eps)
    elapsed = time.perf_counter() - start
    print(f"templates (nominal and +-1 sigma response, per nucleus): {build:.2f} s")
    print(
        f"{points} x {points} profiled (R_n, eps_ee^dV) map: {elapsed:.2f} s (target <= 30 s); "
        f"best R_n = {result.best[0]:.2f} fm, eps_ee^dV = {result.best[1]:.3f}"
    )


if __name__ == "__main__":
    main()
