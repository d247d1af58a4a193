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

from . import validation
from .couplings import NSI
from .likelihood import minimise_bounded, poisson_deviance, poisson_deviance_derivatives
from .rates import EventTemplates
from .validation import freeze


def delta_chi2_level(confidence: float | None = None, sigma: float | None = None, dof: int = 2) -> float:
    """Delta chi^2 that bounds a region of ``dof`` parameters at a confidence level.

    Give either ``confidence`` (e.g. 0.9) or ``sigma`` (e.g. 1 for the 68.27% of a Gaussian 1 sigma).
    Wilks' theorem is assumed: Delta chi^2 follows chi^2 with ``dof`` degrees of freedom. A level in
    sigma is computed through survival functions, p = P(abs(z) > sigma) = chi2_1.sf(sigma^2) and
    level = chi2_dof.isf(p), so it stays exact far into the tails (sigma = 9 gives 81.0 for one
    parameter). Raises ValueError naming the parameter: both or neither given, ``confidence``
    outside (0, 1), ``sigma`` outside (0, :data:`SIGMA_MAX`] (beyond, p underflows), ``dof`` not
    1, 2 or 3.

    >>> levels = delta_chi2_level(sigma=1), delta_chi2_level(0.9, dof=2), delta_chi2_level(sigma=9, dof=1)
    >>> f"{levels[0]:.3f}", f"{levels[1]:.3f}", f"{levels[2]:.1f}"
    ('2.296', '4.605', '81.0')
    """
    from scipy import stats

    if (confidence is None) == (sigma is None):
        raise ValueError("give exactly one of confidence or sigma")
    if isinstance(dof, (bool, np.bool_)) or dof not in (1, 2, 3):
        raise ValueError(f"dof = {dof} must be 1, 2 or 3")
    if sigma is not None:
        sigma = validation.number("sigma", sigma, 0.0, SIGMA_MAX, low_open=True)
        return float(stats.chi2.isf(stats.chi2.sf(sigma**2, 1), dof))
    confidence = validation.number("confidence", confidence, 0.0, 1.0, low_open=True, high_open=True)
    return float(stats.chi2.isf(1.0 - confidence, dof))


#: Largest level in sigma: beyond about 37.5 the two-sided p-value underflows to zero.
SIGMA_MAX = 37.0
#: Allowed widths of a Gaussian pull: narrower is a fixed parameter, wider a free one.
PULL_WIDTH_RANGE = (1e-6, 1e6)
#: Largest count a bin may hold: far above any experiment; beyond, squares of residuals overflow.
MAX_COUNTS = 1e15


def _bin_values(name: str, value, n_bins: int) -> np.ndarray:
    """``value`` as a read-only float array of one finite, non-negative entry per bin, else ValueError."""
    raw = np.asarray(value)
    if raw.dtype.kind not in "iuf":  # strings, objects, booleans, complex numbers
        raise ValueError(f"{name} must hold one real number per bin ({n_bins}), got {value!r}")
    array = np.array(raw, dtype=float)
    if array.shape != (n_bins,):
        raise ValueError(f"{name} must have one entry per bin ({n_bins}), got shape {array.shape}")
    if not np.all(np.isfinite(array)) or np.any(array < 0) or np.any(array > MAX_COUNTS):
        raise ValueError(f"{name} = {array} must be finite and lie in [0, {MAX_COUNTS:g}] in every bin (counts)")
    return freeze(array)


@dataclass
class Measurement:
    """One experiment's data and model in a fit.

    ``observed``, ``variance`` and ``background`` are stored as read-only copies; each must hold one
    finite, non-negative number per bin (the variance > 0), else ValueError naming it. A
    background-subtracted excess that fluctuates below zero is not a count: fit the raw counts with
    the subtracted part as ``background`` instead.

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
        n = self.templates.n_bins
        self.observed = _bin_values("observed", self.observed, n)
        self.variance = _bin_values("variance", self.variance, n)
        self.background = np.zeros(n) if self.background is None else _bin_values("background", self.background, n)
        if np.any(self.variance <= 0):
            raise ValueError(f"variance = {self.variance} must be > 0 in every bin")


@dataclass(frozen=True)
class FitData:
    """Data to evaluate a :class:`Fit` on in place of its measurements' own: pseudo-experiments.

    ``observed`` (..., n_bins) holds the counts of all measurements, concatenated in the fit's
    order; leading axes run over toys and broadcast with the physics point. They may fall below
    zero where they are a background-subtracted excess fitted by the Gaussian chi^2;
    :meth:`Fit.poisson_deviance` refuses that. ``variance`` (same shape; default: the
    measurements' own) is used by the Gaussian chi^2 only. ``pull_centres`` (..., n_pulls;
    default 0) are the centres of the Gaussian pull priors: the values the auxiliary measurements
    found, which fluctuate from toy to toy. Raises ValueError for NaN or infinite values.
    """

    observed: np.ndarray
    variance: np.ndarray | None = None
    pull_centres: np.ndarray | None = None

    def __post_init__(self):
        observed = np.array(self.observed, dtype=float)
        if not np.all(np.isfinite(observed)):
            raise ValueError("observed must be finite")
        object.__setattr__(self, "observed", observed)
        if self.variance is not None:
            variance = np.array(self.variance, dtype=float)
            if not np.all(np.isfinite(variance)) or np.any(variance <= 0):
                raise ValueError("variance must be finite and > 0")
            object.__setattr__(self, "variance", variance)
        if self.pull_centres is not None:
            object.__setattr__(self, "pull_centres", np.array(self.pull_centres, dtype=float))


@dataclass
class Fit:
    """Measurements combined through their pulls; ``pull_sigmas`` maps each pull to its width.

    Every method takes the physics point the same way: ``nsi`` (an :class:`~cevnslib.couplings.NSI`,
    fields may be arrays) and ``rn_fm`` (one neutron radius for the targets that depend on it, a
    number or an array); arrays broadcast, and with ``data`` (:class:`FitData`) also with the toys.

    Raises ValueError for no measurements, a pull without a width, or a width outside
    :data:`PULL_WIDTH_RANGE`.
    """

    measurements: list[Measurement]
    pull_sigmas: dict[str, float] = field(default_factory=dict)

    def __post_init__(self):
        used = {p for m in self.measurements for p in (*m.signal_pulls, *m.background_pulls)}
        missing = used - set(self.pull_sigmas)
        if missing:
            raise ValueError(f"pull_sigmas has no width for {sorted(missing)}")
        if not self.measurements:
            raise ValueError("measurements must hold at least one Measurement")
        for name, s in self.pull_sigmas.items():
            validation.number(f"pull_sigmas[{name!r}]", s, *PULL_WIDTH_RANGE)
        self.pulls = tuple(p for p in self.pull_sigmas if p in used)

    @property
    def n_bins(self) -> int:
        """Bins of all measurements together."""
        return sum(m.templates.n_bins for m in self.measurements)

    def _model(self, nsi: NSI | None, rn_fm, data: FitData | None):
        """Signal, background, response matrix A, data, variance and pull centres, over all measurements."""
        signals = [m.templates.counts(nsi, rn_fm if m.depends_on_rn else None) for m in self.measurements]
        shape = np.broadcast_shapes(*(s.shape[:-1] for s in signals))
        signal = np.concatenate([np.broadcast_to(s, shape + s.shape[-1:]) for s in signals], axis=-1)
        background = np.concatenate([m.background for m in self.measurements])
        observed = np.concatenate([m.observed for m in self.measurements])
        variance = np.concatenate([m.variance for m in self.measurements])
        centres = np.zeros(len(self.pulls))
        if data is not None:
            if data.observed.shape[-1] != observed.size:
                raise ValueError(
                    f"data.observed must have {observed.size} bins in its last axis, got shape {data.observed.shape}"
                )
            observed = data.observed
            variance = variance if data.variance is None else data.variance
            centres = centres if data.pull_centres is None else data.pull_centres
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
        return signal, background, response, observed, variance, centres

    def _precision(self) -> np.ndarray:
        return np.array([1.0 / self.pull_sigmas[p] ** 2 for p in self.pulls])

    def chi2(self, nsi: NSI | None = None, rn_fm=None, data: FitData | None = None, return_pulls: bool = False):
        """Gaussian chi^2 minimised over the pulls in closed form, vectorised over the whole grid.

        With pull centres x0 and prior precision P: b = A W r + P x0, M = A W A^T + P, the pulls are
        x = M^-1 b and chi^2_min = r^T W r + x0^T P x0 - b^T x (r = O - S - B, W = 1/sigma^2). With
        ``return_pulls`` also x, shape (..., n_pulls).
        """
        signal, background, response, observed, variance, centres = self._model(nsi, rn_fm, data)
        residual = observed - signal - background
        weighted = residual / variance
        chi2 = np.sum(residual * weighted, axis=-1)
        if not self.pulls:
            return (chi2, np.zeros(chi2.shape + (0,))) if return_pulls else chi2
        precision = self._precision()
        b = np.einsum("...kn,...n->...k", response, weighted) + precision * centres
        m = np.einsum("...kn,...ln,...n->...kl", response, response, 1.0 / variance) + np.diag(precision)
        pulls = np.linalg.solve(m, b[..., None])[..., 0]
        chi2 = chi2 + np.sum(precision * centres * centres, axis=-1) - np.sum(b * pulls, axis=-1)
        return (chi2, pulls) if return_pulls else chi2

    def normalisation_constraints(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows (A, b) of A x >= b: every normalisation 1 + (sum of its pulls) stays >= 0.

        One row per distinct set of pulls that scales a signal or a background; a set of one pull
        is a bound, pull >= -1.
        """
        sets = []
        for m in self.measurements:
            for pulls in (m.signal_pulls, m.background_pulls):
                key = frozenset(pulls)
                if key and key not in sets:
                    sets.append(key)
        a_mat = np.array([[1.0 if p in key else 0.0 for p in self.pulls] for key in sets]).reshape(-1, len(self.pulls))
        return a_mat, -np.ones(len(sets))

    def poisson_deviance(
        self, nsi: NSI | None = None, rn_fm=None, data: FitData | None = None, return_pulls: bool = False
    ):
        """-2 ln(L/L_sat) for Poisson bins plus Gaussian pull priors, profiled over the pulls.

        Suited to low counts, where the Gaussian chi^2 is poor. Exact at the boundaries: bins with
        zero counts, and normalisations held at zero (a pull at -1) when the data want less signal
        than none. The profile is :func:`cevnslib.likelihood.minimise_bounded` (projected Newton,
        scipy's SLSQP where it does not converge). With ``return_pulls`` also the pulls at the
        minimum, shape (..., n_pulls). Raises ValueError for negative counts in ``data``.
        """
        signal, background, response, observed, _, centres = self._model(nsi, rn_fm, data)
        if np.any(observed < 0):
            raise ValueError("a Poisson deviance needs counts >= 0 in data.observed, got negative values")
        shape = np.broadcast_shapes(signal.shape[:-1], observed.shape[:-1], np.shape(centres)[:-1])
        n_bins, k = signal.shape[-1], len(self.pulls)
        base = np.broadcast_to(signal + background, shape + (n_bins,)).reshape(-1, n_bins)
        counts = np.broadcast_to(observed, shape + (n_bins,)).reshape(-1, n_bins)
        if k == 0:
            values = poisson_deviance(counts, base).reshape(shape)
            return (values, np.zeros(shape + (0,))) if return_pulls else values
        resp = np.broadcast_to(response, shape + (k, n_bins)).reshape(-1, k, n_bins)
        centre = np.broadcast_to(centres, shape + (k,)).reshape(-1, k)
        precision = self._precision()

        def fgh(x, index):
            mu = base[index] + np.einsum("ik,ikn->in", x, resp[index])
            d1, d2 = poisson_deviance_derivatives(counts[index], mu)
            delta = x - centre[index]
            value = poisson_deviance(counts[index], mu) + np.sum(precision * delta * delta, axis=-1)
            grad = np.einsum("ikn,in->ik", resp[index], d1) + 2.0 * precision * delta
            hess = np.einsum("ikn,iln,in->ikl", resp[index], resp[index], d2) + np.diag(2.0 * precision)
            return value, grad, hess

        result = minimise_bounded(fgh, np.zeros((base.shape[0], k)), self.normalisation_constraints())
        values = result.value.reshape(shape)
        return (values, result.x.reshape(shape + (k,))) if return_pulls else values


def region_mask(delta_chi2: np.ndarray, level: float) -> np.ndarray:
    """Grid points inside the region Delta chi^2 <= level."""
    return np.asarray(delta_chi2) <= level


def best_fit(values: np.ndarray, *axes: np.ndarray) -> tuple:
    """Minimum of a chi^2 grid and the coordinates where it is reached (one per axis).

    Raises ValueError if the grid holds NaN.
    """
    if np.any(np.isnan(values)):
        raise ValueError("values holds NaN: the minimum of the grid is undefined")
    index = np.unravel_index(np.argmin(values), values.shape)
    return (float(values[index]), *(float(ax[i]) for ax, i in zip(axes, index)))


@dataclass(frozen=True)
class Interval:
    """A confidence set of one parameter: the best fit and every disjoint piece of the set.

    ``pieces`` is a tuple of (lower, upper) pairs in increasing order; their union is the set. An
    end of the scanned range reached inside the set is returned as -inf or +inf (the set goes on
    beyond what was scanned). :attr:`hull` is the smallest single interval holding every piece,
    an explicit extra for a reader who wants one range.
    """

    best: float
    pieces: tuple[tuple[float, float], ...]

    @property
    def hull(self) -> tuple[float, float]:
        """(lowest lower end, highest upper end) of the pieces."""
        return self.pieces[0][0], self.pieces[-1][1]

    @property
    def is_connected(self) -> bool:
        """Whether the set is one interval."""
        return len(self.pieces) == 1

    def single_piece(self) -> tuple[float, float]:
        """(lower, upper) of a set that is one interval; ValueError if it has several pieces.

        For code that states the set is connected: a new data set or option that splits it then
        fails loudly instead of quietly reporting the hull.
        """
        if not self.is_connected:
            raise ValueError(f"the set {self} has {len(self.pieces)} pieces: use .pieces, or .hull for their span")
        return self.pieces[0]

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the set."""
        return any(lo <= value <= hi for lo, hi in self.pieces)

    def __str__(self) -> str:
        return " ∪ ".join(f"[{lo:.4g}, {hi:.4g}]" for lo, hi in self.pieces)


def runs(inside: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) indices of every maximal run of True in a 1-D boolean array."""
    idx = np.flatnonzero(inside)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    stops = np.concatenate((idx[breaks], [idx[-1]]))
    return list(zip(starts.tolist(), stops.tolist()))


def interval_1d(func, grid: np.ndarray, level: float = 1.0) -> Interval:
    """Best fit and the set {x : func(x) - min <= level} of a one-parameter chi^2 or -2 ln L.

    ``func`` maps an array of parameter values to values. The minimum is located on ``grid`` and
    refined by a parabola; each run of grid points inside the set becomes one piece, whose ends
    are found with brentq between the neighbouring grid points. A likelihood with two minima (an
    NSI coupling and its flipped branch) gives two pieces. Regions narrower than the grid spacing
    can be missed: scan finely enough. Raises ValueError for a grid that is not increasing or a
    level that is not > 0.

    >>> import numpy as np
    >>> two_minima = lambda x: np.minimum((x - 1.0) ** 2, (x - 3.0) ** 2 + 0.1) / 0.25
    >>> result = interval_1d(two_minima, np.linspace(-1.0, 5.0, 121))
    >>> result.best, str(result), [f"{x:.3f}" for x in result.hull]
    (1.0, '[0.5, 1.5] ∪ [2.613, 3.387]', ['0.500', '3.387'])
    """
    from scipy.optimize import brentq

    grid = validation.real_array("grid", grid)
    if grid.ndim != 1 or grid.size < 3 or np.any(np.diff(grid) <= 0):
        raise ValueError("grid must be an increasing 1-D array of at least 3 finite values")
    level = validation.number("level", level, 0.0, low_open=True)
    values = np.asarray(func(grid), dtype=float)
    if values.shape != grid.shape or not np.all(np.isfinite(values)):
        raise ValueError("func must return one finite value per grid point (NaN or inf found, or a wrong shape)")
    i = int(np.argmin(values))
    best = grid[i]
    if 0 < i < grid.size - 1:
        x, y = grid[i - 1 : i + 2], values[i - 1 : i + 2]
        a, b, _ = np.polyfit(x, y, 2)
        if a > 0:
            best = float(np.clip(-b / (2 * a), x[0], x[2]))
    chi_min = float(func(np.array([best]))[0])
    if chi_min > values[i]:  # the parabola missed: keep the grid minimum
        best, chi_min = float(grid[i]), float(values[i])

    def excess(x):
        return float(func(np.array([x]))[0]) - chi_min - level

    inside = values - chi_min <= level
    pieces = []
    for first, last in runs(inside):
        lo = -np.inf if first == 0 else brentq(excess, grid[first - 1], grid[first], xtol=1e-10)
        hi = np.inf if last == grid.size - 1 else brentq(excess, grid[last], grid[last + 1], xtol=1e-10)
        pieces.append((float(lo), float(hi)))
    return Interval(float(best), tuple(pieces))
