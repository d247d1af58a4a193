"""Wall time of each figure function, cold (including template builds) and warm.

Run from the repository root:  python benchmarks/bench_figures.py
"""

from __future__ import annotations

import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from cevnslib import figures, fits  # noqa: E402


def timed(func) -> float:
    start = time.perf_counter()
    plt.close(func().figure)
    return time.perf_counter() - start


if __name__ == "__main__":
    cold = {name: timed(make) for name, make in figures.FIGURES.items()}
    warm = {name: timed(make) for name, make in figures.FIGURES.items()}
    fits.templates_for.cache_clear()
    start = time.perf_counter()
    for make in figures.FIGURES.values():
        plt.close(make().figure)
    all_cold = time.perf_counter() - start
    print(f"{'figure':15s} {'first call [s]':>15s} {'again [s]':>10s}")
    for name in figures.FIGURES:
        print(f"{name:15s} {cold[name]:15.2f} {warm[name]:10.2f}")
    print(f"all three, after imports, templates built from scratch: {all_cold:.2f} s")
