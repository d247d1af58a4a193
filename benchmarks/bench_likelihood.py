"""The likelihood core against scipy on seeded toys: agreement in -2 ln L and time per toy.

Run from the repository root:  python benchmarks/bench_likelihood.py
Uses the independent scipy references of ``tests/test_likelihood.py`` (every nuisance minimised
at once by L-BFGS-B) on the same toys as the tests: 200 for the Gaussian-pull Poisson fit and 200
for the CsI 2017 energy x time likelihood (SM, no-CEvNS and zero-count toys).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import test_likelihood as ref  # noqa: E402  (the references live with the tests)

from cevnslib import csi_likelihood as cl  # noqa: E402


def pull_fit() -> None:
    toys = ref._pull_fit_toys()
    start = time.perf_counter()
    ours = []
    for observed in toys:
        fit, signal, brn = ref._csi_like_fit(observed)
        ours.append(float(fit.poisson_deviance()))
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    theirs = [ref._scipy_pull_fit(o, *ref._csi_like_fit(o)[1:]) for o in toys]
    t_scipy = time.perf_counter() - start
    diff = np.abs(np.array(ours) - np.array(theirs))
    print(
        f"Gaussian-pull Poisson fit, {len(toys)} toys: max |delta(-2 ln L)| = {diff.max():.1e}; "
        f"{t_ours / len(toys) * 1e3:.2f} ms per toy (library), {t_scipy / len(toys) * 1e3:.2f} ms (scipy)"
    )


def energy_time(background: str, n_toys: int) -> None:
    lik = cl.CsI2017Likelihood(background=background)
    toys = ref._energy_time_toys(lik, np.random.default_rng(11), n_toys // 2, n_toys * 3 // 10, n_toys // 5)
    start = time.perf_counter()
    ours = lik.deviance(rn_fm=5.0, data=toys)
    t_ours = time.perf_counter() - start
    signal = lik.signal_cells(rn_fm=5.0)
    start = time.perf_counter()
    theirs = np.array(
        [
            ref._scipy_energy_time(lik, signal, toys.observed[i], toys.sideband[i], toys.alpha_obs[i], toys.beta_obs[i])
            for i in range(n_toys)
        ]
    )
    t_scipy = time.perf_counter() - start
    diff = np.abs(ours - theirs)
    print(
        f"CsI 2017 energy x time ({background}), {n_toys} toys: max |delta(-2 ln L)| = {diff.max():.1e} "
        f"(library lower by up to {max(0.0, (theirs - ours).max()):.1e}); {t_ours / n_toys * 1e3:.2f} ms per toy "
        f"(library, vectorised), {t_scipy / n_toys * 1e3:.1f} ms (scipy L-BFGS-B over all nuisances)"
    )


if __name__ == "__main__":
    pull_fit()
    energy_time("per-bin", 200)
    energy_time("time-profile", 200)
