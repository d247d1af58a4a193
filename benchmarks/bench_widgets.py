"""Time of one explorer update (the computation behind a slider move), against the 200 ms goal.

Run from the repository root:  python benchmarks/bench_widgets.py
"""

from __future__ import annotations

import statistics
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from cevnslib import rates, widgets  # noqa: E402
from cevnslib.couplings import NSI  # noqa: E402

REACTOR, PION = list(widgets.SOURCES)


def median_ms(func, repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


CASES = {
    "spectrum, slider move (CsI, pion DAR)": (
        lambda: widgets.spectrum_data("CsI", PION, NSI(ee_d=0.1, mm_d=0.1), rn_fm=5.0),
        widgets.draw_spectrum,
    ),
    "spectrum, slider move (Ge, reactor)": (
        lambda: widgets.spectrum_data("Ge", REACTOR, NSI(ee_u=0.1)),
        widgets.draw_spectrum,
    ),
    "designer, reactor Ge": (lambda: widgets.designer_data("Ge"), widgets.draw_designer),
    "designer, pion DAR CsI": (
        lambda: widgets.designer_data("CsI", 14.6, 5.0, reactor=False, distance_m=19.3),
        widgets.draw_designer,
    ),
    "figure 2 plane, CONNIE +30%": (lambda: widgets.figure2_data(0.3), widgets.draw_figure2),
}


def compute_and_draw(compute, draw):
    def run():
        draw(compute())
        plt.close("all")

    return run


if __name__ == "__main__":
    widgets.figure2_data()  # templates of NaI and CONNIE are built once per session
    print(f"{'update':42s} {'compute [ms]':>13s} {'compute + draw [ms]':>20s}")
    for name, (compute, draw) in CASES.items():
        compute()
        print(f"{name:42s} {median_ms(compute):13.1f} {median_ms(compute_and_draw(compute, draw)):20.1f}")
    rates._folded_by_flavor.cache_clear()
    start = time.perf_counter()
    widgets.spectrum_data("Ge", REACTOR)
    print(
        f"{'spectrum, new target or source (Ge, reactor)':42s} {1e3 * (time.perf_counter() - start):13.1f}"
        "   (once per target/source pair, then cached)"
    )
