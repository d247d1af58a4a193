"""Chi-square with pull terms, Poisson likelihoods, combinations, scans and confidence levels.

Every measurement predicts, per bin, ``S_i (1 + sum of its signal pulls) + B_i (1 + sum of its
background pulls)``. Pulls are Gaussian with widths ``sigma_k``; a pull shared by two measurements
(the reactor flux of CONUS and CONNIE) correlates them. The prediction is linear in the pulls, so
the Gaussian chi^2 is minimised over them in closed form, for a whole grid of (eps, R_n) at once:

    chi2_min = r^T W r - b^T M^{-1} b,   r = O - S - B,  b = A W r,  M = A W A^T + diag(1/sigma_k^2),

with W = diag(1/sigma_i^2) and A_ki the bin-i response to pull k.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats
from scipy.optimize import brentq

from .couplings import NSI
from .rates import EventTemplates

#: Newton steps of the Poisson profile over the pulls (started from the Gaussian solution).
POISSON_NEWTON_STEPS = 8


def delta_chi2_level(confidence: float | None = None, sigma: float | None = None, dof: int = 2) -> float:
    """Delta chi^2 that bounds a region of ``dof`` parameters at a confidence level.

    Give either ``confidence`` (e.g. 0.9) or ``sigma`` (e.g. 1 for the 68.27% of a Gaussian 1 sigma).
    Wilks' theorem is assumed: Delta chi^2 follows chi^2 with ``dof`` degrees of freedom.
    """
    if (confidence is None) == (sigma is None):
        raise ValueError("give exactly one of confidence or sigma")
    if sigma is not None:
        if not (np.isfinite(sigma) and sigma > 0):
            raise ValueError(f"sigma = {sigma} must be finite and > 0")
        confidence = stats.chi2.cdf(sigma**2, 1)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence = {confidence} must lie in (0, 1)")
    if dof not in (1, 2, 3):
        raise ValueError(f"dof = {dof} must be 1, 2 or 3")
    return float(stats.chi2.ppf(confidence, dof))


@dataclass
class Measurement:
    """One experiment's data and model in a fit.

    Attributes
    ----------
    name : label.
    templates : the setup's event templates (signal as a function of NSI and R_n).
    observed : counts per bin (data, Asimov or pseudo-data).
    variance : sigma_i^2 per bin for the Gaussian chi^2.
    background : expected background per bin (default none).
    signal_pulls : names of the pulls that scale the signal.
    background_pulls : names of the pulls that scale the background.
    depends_on_rn : whether the fit's R_n applies to this target; if False (a reactor experiment
        combined with a CsI or NaI fit of R_n) its nuclei keep their default radii.
    """

    name: str
    templates: EventTemplates
    observed: np.ndarray
    variance: np.ndarray
    background: np.ndarray | None = None
    signal_pulls: tuple[str, ...] = ()
    background_pulls: tuple[str, ...] = ()
    depends_on_rn: bool = True

    def __post_init__(self):
        self.observed = np.asarray(self.observed, dtype=float)
        self.variance = np.asarray(self.variance, dtype=float)
        n = self.templates.i_zz.shape[-1]
        self.background = np.zeros(n) if self.background is None else np.asarray(self.background, dtype=float)
        for label, arr in (("observed", self.observed), ("variance", self.variance), ("background", self.background)):
            if arr.shape != (n,):
                raise ValueError(f"{label} must have one entry per bin ({n}), got shape {arr.shape}")
        if np.any(self.variance <= 0) or not np.all(np.isfinite(self.variance)):
            raise ValueError("variance must be finite and > 0 in every bin")


@dataclass
class Fit:
    """Measurements combined through their pulls; ``pull_sigmas`` maps each pull to its width."""

    measurements: list[Measurement]
    pull_sigmas: dict[str, float] = field(default_factory=dict)

    def __post_init__(self):
        used = {p for m in self.measurements for p in (*m.signal_pulls, *m.background_pulls)}
        missing = used - set(self.pull_sigmas)
        if missing:
            raise ValueError(f"pull_sigmas has no width for {sorted(missing)}")
        for name, s in self.pull_sigmas.items():
            if not (np.isfinite(s) and s > 0):
                raise ValueError(f"pull_sigmas[{name!r}] = {s} must be finite and > 0")
        self.pulls = tuple(p for p in self.pull_sigmas if p in used)

    def _model(self, nsi: NSI | None, rn_fm):
        """Signal, background, response matrix A and data, concatenated over measurements."""
        signals = [m.templates.counts(nsi, rn_fm if m.depends_on_rn else None) for m in self.measurements]
        shape = np.broadcast_shapes(*(s.shape[:-1] for s in signals))
        signal = np.concatenate([np.broadcast_to(s, shape + s.shape[-1:]) for s in signals], axis=-1)
        background = np.concatenate([m.background for m in self.measurements])
        observed = np.concatenate([m.observed for m in self.measurements])
        variance = np.concatenate([m.variance for m in self.measurements])
        response = np.zeros(shape + (len(self.pulls), signal.shape[-1]))
        start = 0
        for m in self.measurements:
            stop = start + m.observed.size
            for k, p in enumerate(self.pulls):
                if p in m.signal_pulls:
                    response[..., k, start:stop] += signal[..., start:stop]
                if p in m.background_pulls:
                    response[..., k, start:stop] += m.background
            start = stop
        return signal, background, response, observed, variance

    def _prior_precision(self) -> np.ndarray:
        return np.diag([1.0 / self.pull_sigmas[p] ** 2 for p in self.pulls])

    def chi2(self, nsi: NSI | None = None, rn_fm=None, return_pulls: bool = False):
        """Gaussian chi^2 minimised over the pulls in closed form; arrays in ``nsi``/``rn_fm`` broadcast."""
        signal, background, response, observed, variance = self._model(nsi, rn_fm)
        residual = observed - signal - background
        weighted = residual / variance
        chi2 = np.sum(residual * weighted, axis=-1)
        if not self.pulls:
            return (chi2, np.zeros(chi2.shape + (0,))) if return_pulls else chi2
        b = np.einsum("...kn,...n->...k", response, weighted)
        m = np.einsum("...kn,...ln,n->...kl", response, response, 1.0 / variance) + self._prior_precision()
        pulls = np.linalg.solve(m, b[..., None])[..., 0]
        chi2 = chi2 - np.sum(b * pulls, axis=-1)
        return (chi2, pulls) if return_pulls else chi2

    def poisson(self, nsi: NSI | None = None, rn_fm=None) -> np.ndarray:
        """-2 ln(L/L_sat) for Poisson bins plus Gaussian pull priors, profiled over the pulls.

        The profile uses Newton steps started from the Gaussian solution; the expectation is kept
        positive. Suited to low counts, where the Gaussian chi^2 is poor.
        """
        signal, background, response, observed, _ = self._model(nsi, rn_fm)
        _, pulls = self.chi2(nsi, rn_fm, return_pulls=True)
        prior = self._prior_precision()
        for _ in range(POISSON_NEWTON_STEPS if self.pulls else 0):
            mu = np.maximum(signal + background + np.einsum("...k,...kn->...n", pulls, response), 1e-12)
            grad = np.einsum("...kn,...n->...k", response, 1.0 - observed / mu) + pulls @ prior
            hess = np.einsum("...kn,...ln,...n->...kl", response, response, observed / mu**2) + prior
            pulls = pulls - np.linalg.solve(hess, grad[..., None])[..., 0]
        mu = np.maximum(signal + background + np.einsum("...k,...kn->...n", pulls, response), 1e-12)
        log_term = np.where(observed > 0, observed * np.log(np.where(observed > 0, observed, 1.0) / mu), 0.0)
        deviance = 2.0 * np.sum(mu - observed + log_term, axis=-1)
        return deviance + np.einsum("...k,kl,...l->...", pulls, prior, pulls)


def region_mask(delta_chi2: np.ndarray, level: float) -> np.ndarray:
    """Grid points inside the region Delta chi^2 <= level."""
    return np.asarray(delta_chi2) <= level


def best_fit(values: np.ndarray, *axes: np.ndarray) -> tuple:
    """Minimum of a chi^2 grid and the coordinates where it is reached (one per axis)."""
    index = np.unravel_index(np.argmin(values), values.shape)
    return (float(values[index]), *(float(ax[i]) for ax, i in zip(axes, index)))


def interval_1d(func, grid: np.ndarray, level: float = 1.0) -> tuple[float, float, float]:
    """Best fit and the interval where func - min <= level, for a 1-D function of one parameter.

    ``func`` maps an array of parameter values to chi^2. The minimum is located on ``grid`` and
    refined by a parabola; each crossing is found with brentq. An end of the grid reached without
    crossing is returned as +-inf (the interval is open there).
    """
    grid = np.asarray(grid, dtype=float)
    values = np.asarray(func(grid), dtype=float)
    i = int(np.argmin(values))
    best = grid[i]
    if 0 < i < grid.size - 1:
        x, y = grid[i - 1 : i + 2], values[i - 1 : i + 2]
        a, b, _ = np.polyfit(x, y, 2)
        if a > 0:
            best = float(np.clip(-b / (2 * a), x[0], x[2]))
    chi_min = float(func(np.array([best]))[0])

    def excess(x):
        return float(func(np.array([x]))[0]) - chi_min - level

    lo, hi = -np.inf, np.inf
    left = np.nonzero(values[: i + 1] - chi_min > level)[0]
    if left.size:
        lo = brentq(excess, grid[left[-1]], best, xtol=1e-10)
    right = np.nonzero(values[i:] - chi_min > level)[0]
    if right.size:
        hi = brentq(excess, best, grid[i + right[0]], xtol=1e-10)
    return float(best), float(lo), float(hi)
