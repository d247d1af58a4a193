"""Speed of Eq. 3: direct nested quad against event templates, for COHERENT CsI 2017 and CONUS.

Run from the repository root:  python benchmarks/bench_rates.py
Prints, per setup, wall times (best of a few repeats) and the speed-up ratios measured in this run.
"""

from __future__ import annotations

import time

import numpy as np

from cevnslib import experiments
from cevnslib.couplings import NSI

RN_GRID_FM = np.linspace(4.0, 6.0, 41)
NSI_POINT = NSI(ee_u=0.1, ee_d=-0.05)
RN_POINT_FM = 5.1


def best_time(func, repeats: int = 3) -> tuple[float, object]:
    """Shortest wall time of ``repeats`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def bench(name: str) -> None:
    exp = experiments.get(name)
    t_quad, quad = best_time(lambda: exp.predict(NSI_POINT, RN_POINT_FM, method="quad"), repeats=1)
    t_build, templates = best_time(lambda: exp.templates(rn_grid_fm=RN_GRID_FM))
    t_eval, fast = best_time(lambda: templates.counts(NSI_POINT, RN_POINT_FM), repeats=20)
    t_one_incl = t_build + t_eval
    deviation = float(np.max(np.abs(fast / quad - 1.0)))

    eu, ed = np.meshgrid(np.linspace(-0.5, 0.5, 500), np.linspace(-0.5, 0.5, 500), indexing="ij")
    t_grid, grid = best_time(lambda: templates.counts(NSI(ee_u=eu, ee_d=ed), RN_POINT_FM))
    radii = np.linspace(4.2, 5.8, 200)
    t_scan, scan = best_time(lambda: templates.counts(rn_fm=radii))

    print(
        f"\n{name}: {exp.detector.n_bins} bin(s), {len(exp.target.nuclei)} nuclei, "
        f"{len(RN_GRID_FM)}-point R_n template grid"
    )
    print(f"  one prediction, direct quad               {t_quad * 1e3:10.1f} ms")
    print(f"  template build (incl. R_n grid)           {t_build * 1e3:10.1f} ms")
    print(f"  one prediction, templates (after build)   {t_eval * 1e3:10.4f} ms   speed-up x{t_quad / t_eval:,.0f}")
    print(
        f"  one prediction, templates (incl. build)   {t_one_incl * 1e3:10.1f} ms"
        f"   speed-up x{t_quad / t_one_incl:,.1f}"
    )
    print(
        f"  500 x 500 (eps_u, eps_d) grid             {t_grid * 1e3:10.1f} ms   "
        f"({grid.size:,} predictions; x{t_quad * grid.size / t_grid:,.0f} vs quad)"
    )
    print(
        f"  200-point R_n scan                        {t_scan * 1e3:10.2f} ms   "
        f"({scan.shape[0]} predictions; x{t_quad * scan.shape[0] / t_scan:,.0f} vs quad)"
    )
    print(f"  max |templates/quad - 1|                  {deviation:10.2e}")


if __name__ == "__main__":
    for setup in ("COHERENT-CsI-2017", "CONUS"):
        bench(setup)
