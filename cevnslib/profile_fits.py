"""Profile-likelihood fits and maps of any binned likelihood of the library's convention.

A likelihood of the convention is a :class:`~cevnslib.binned_likelihood.BinnedLikelihood` (the CsI[Na]
full data set, :class:`~cevnslib.csi_2021_likelihood.CsI2021Likelihood`, and the CENNS-10 argon data,
:class:`~cevnslib.lar_2020_likelihood.LAr2020Likelihood`): ``profile(nsi, rn_fm, *, signal_strength,
data, fixed)`` minimises -2 ln L over the nuisances at every point of a broadcast grid, ``deviance``
with the same arguments returns that minimum alone, ``signal_cells()`` the CEvNS counts and their
morphs, ``priors`` the Gaussian prior of each nuisance, and the class attributes
``SIGNAL_NORMALISATION`` and ``SIGNAL_MORPHS`` name the nuisance that scales the whole CEvNS
prediction and those that morph it.

Every fit quotes Delta(-2 ln L) = -2 ln L - its minimum. One-parameter sets are Delta(-2 ln L) <= 1
(1 sigma) and <= 2.706 (90%), :data:`LEVELS_1D`; two-parameter regions <= 2.296 (1 sigma) and <= 4.605
(90%), :data:`LEVELS_2D` (:func:`~cevnslib.statistics.delta_chi2_level`, Wilks' theorem: S. S. Wilks,
Ann. Math. Statist. 9 (1938) 60; chapter 11.1 checks its coverage with pseudo-experiments). Sets are
unions of disjoint pieces (:class:`~cevnslib.statistics.Interval`).

- :func:`fit_signal_strength`: the CEvNS signal strength, the fitted CEvNS count and the significance;
- :func:`fit_rn`: one neutron rms radius R_n (fm) for every nucleus of the target;
- :func:`map_couplings`: two NSI couplings on a grid, every other one zero;
- :func:`parameter_fit`, :func:`profile_map`, :func:`fit_from_profile`: the building blocks of those,
  for fits of other parameters (a neutron skin, a radius per isotope);
- :func:`pull_table`: the nuisances at a best fit, as text.

The data-set modules :mod:`cevnslib.csi_2021_fits` and :mod:`cevnslib.lar_2020_fits` call these with
their own default grids and likelihoods.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from . import validation
from .couplings import NSI
from .form_factors import minimum_radius_fm
from .statistics import Interval, delta_chi2_level, interval_1d
from .validation import read_only

#: Delta(-2 ln L) of one parameter at 1 sigma and 90% CL.
LEVELS_1D = MappingProxyType({"1 sigma": 1.0, "90%": delta_chi2_level(0.9, dof=1)})
#: Delta(-2 ln L) of a two-parameter region at 1 sigma (68.27%) and 90% CL.
LEVELS_2D = MappingProxyType({"1 sigma": delta_chi2_level(sigma=1, dof=2), "90%": delta_chi2_level(0.9, dof=2)})
#: The flavour-diagonal NSI couplings a map can scan (fields of :class:`~cevnslib.couplings.NSI`), and
#: their names in a map's labels.
COUPLING_NAMES = MappingProxyType(
    {
        "ee_u": "eps_ee^uV",
        "ee_d": "eps_ee^dV",
        "mm_u": "eps_mumu^uV",
        "mm_d": "eps_mumu^dV",
        "tt_u": "eps_tautau^uV",
        "tt_d": "eps_tautau^dV",
    }
)


@dataclass(frozen=True)
class ParameterFit:
    """A one-parameter fit: best value, 1-sigma and 90% sets, and the nuisances at the best fit.

    Attributes
    ----------
    name, unit : the parameter and its unit ("1" for a pure number).
    best : best fit, in ``unit``.
    one_sigma, ninety : the sets Delta(-2 ln L) <= 1 and <= 2.706 (unions of pieces).
    deviance_min : -2 ln(L / L_saturated) at the best fit.
    pulls : each nuisance at the best fit in units of its prior's sigma, by name.
    best_at_grid_edge : "lower" or "upper" when the smallest -2 ln L of the grid is at its first or
        last point and that point is the parameter's own bound (a signal strength of 0, the smallest
        radius the form factor allows): the data then set a one-sided limit, and ``best`` is that bound,
        not a fitted value; "" otherwise.
    """

    name: str
    unit: str
    best: float
    one_sigma: Interval
    ninety: Interval
    deviance_min: float
    pulls: Mapping[str, float]
    best_at_grid_edge: str = ""


@dataclass(frozen=True)
class SignalStrengthFit:
    """The CEvNS rate of the data (:func:`fit_signal_strength`).

    Attributes
    ----------
    strength : signal strength mu (data over the SM prediction), the normalisation pull of the CEvNS
        prediction profiled with its prior (the neutrino flux's 10% for CsI 2021, the release's 13.3%
        for argon).
    count : fitted CEvNS events in the analysis region (the normalisation pull held at 0): the signal
        strength of that fit, and its sets, times the events per unit strength at its fitted morphs,
        sum(S + theta . D).
    sm_count : SM prediction (events) at the setup's nominal response and R_n = R_p.
    significance : sqrt(Delta(-2 ln L)) between mu = 0 and the best fit, nuisances profiled (sigma).
    """

    strength: ParameterFit
    count: ParameterFit
    sm_count: float
    significance: float


@dataclass(frozen=True, eq=False)
class ProfileMap:
    """Delta(-2 ln L) on a two-parameter grid, nuisances profiled at every point.

    Attributes
    ----------
    x_name, y_name : the parameters (with units), e.g. "R_n (fm)" and "eps_ee^dV".
    x, y : grid values, shapes (nx,) and (ny,) (read-only).
    delta : Delta(-2 ln L), shape (nx, ny), 0 at the grid minimum, >= 0 (read-only).
    best : (x, y) of the grid minimum.
    deviance_min : -2 ln(L / L_saturated) there.
    pulls : the nuisances there, in units of their prior's sigma, by name.

    The regions of two parameters at 1 sigma and 90% CL are Delta(-2 ln L) <= :data:`LEVELS_2D`.
    """

    x_name: str
    y_name: str
    x: np.ndarray
    y: np.ndarray
    delta: np.ndarray
    best: tuple[float, float]
    deviance_min: float
    pulls: Mapping[str, float]

    def region(self, level: str) -> np.ndarray:
        """Grid points inside the region of ``level`` ("1 sigma" or "90%"), boolean (nx, ny).

        Raises ValueError for an unknown level.
        """
        return self.delta <= LEVELS_2D[validation.choice("level", level, tuple(LEVELS_2D))]

    def profile_x(self) -> np.ndarray:
        """Delta(-2 ln L) minimised over y at each x (shape (nx,)): the one-parameter profile of x."""
        return self.delta.min(axis=1)

    def profile_y(self) -> np.ndarray:
        """Delta(-2 ln L) minimised over x at each y (shape (ny,))."""
        return self.delta.min(axis=0)


def pull_table(fit: ParameterFit, priors, name_width: int = 16) -> str:
    """The nuisances at the best fit of ``fit``, one line each: the fitted value in the nuisance's own units
    (pull x sigma), the prior's 1 sigma and the pull in sigma, as text under a header line.

    ``priors``: the :class:`~cevnslib.binned_likelihood.Prior` of each nuisance, in the order of the
    lines (a likelihood's ``priors``); ``name_width``: the width of the name column, in characters.
    """
    lines = [f"{'nuisance':{name_width}s}{'fitted':>10s}{'prior 1 sigma':>15s}{'pull [sigma]':>14s}"]
    for prior in priors:
        pull = fit.pulls[prior.name]
        lines.append(f"{prior.name:{name_width}s}{pull * prior.sigma:+10.3f}{prior.sigma:15.3f}{pull:+14.2f}")
    return "\n".join(lines)


def checked_likelihood(likelihood, kind: type, default: Callable[[], object]):
    """``likelihood`` if it is an instance of ``kind``, ``default()`` if it is None.

    Raises ValueError naming ``kind`` (module and class) for anything else.
    """
    if likelihood is None:
        return default()
    if not isinstance(likelihood, kind):
        raise ValueError(f"likelihood = {likelihood!r} must be a {kind.__module__}.{kind.__qualname__}")
    return likelihood


def check_grid(name: str, grid) -> np.ndarray:
    """``grid`` as a float array, shape (n,), n >= 3, strictly increasing and finite.

    Raises ValueError naming ``name`` otherwise.
    """
    values = validation.real_array(name, grid)
    if values.ndim != 1 or values.size < 3 or np.any(np.diff(values) <= 0):
        raise ValueError(f"{name} must be an increasing 1-D array of at least 3 finite values")
    return values


def pulls_at(likelihood, profile) -> Mapping[str, float]:
    """The nuisances of ``profile`` (one point) in units of the priors of ``likelihood``, as floats by name
    (read-only mapping)."""
    return MappingProxyType({name: float(value) for name, value in profile.pulls(likelihood.priors).items()})


def parameter_fit(
    likelihood, name: str, unit: str, point: Callable[[np.ndarray], dict], grid, bounds=(None, None)
) -> ParameterFit:
    """The best fit and sets of one parameter, the nuisances profiled at every value.

    ``point(values)`` gives the keyword arguments of ``likelihood.deviance`` and ``likelihood.profile``
    for an array of parameter values (e.g. ``lambda rn: {"rn_fm": rn}``); ``grid`` (increasing, in
    ``unit``) locates the minimum and brackets the sets (:func:`~cevnslib.statistics.interval_1d`);
    the pulls are those of the profile at the best fit. ``bounds``: the parameter's own (lower, upper)
    limits, None where it has none. A grid minimum at an end of the grid is accepted only where that end
    lies within one grid step of the parameter's bound (then ``best_at_grid_edge`` says which end): elsewhere
    the true minimum may lie beyond the grid, and the fit refuses to report the edge as a best fit.

    Raises ValueError like :func:`~cevnslib.statistics.interval_1d` and the likelihood's methods, and when
    the minimum lies at an end of ``grid`` that is not the parameter's bound (the message says which end).
    """
    grid = np.asarray(grid, dtype=float)

    def deviance(values):
        return likelihood.deviance(**point(np.asarray(values, dtype=float)))

    one = interval_1d(deviance, grid, LEVELS_1D["1 sigma"])
    ninety = interval_1d(deviance, grid, LEVELS_1D["90%"])
    edge = ""
    units = "" if unit == "1" else f" {unit}"
    for end, grid_end, inward, bound in (
        ("lower", grid[0], grid[1] - grid[0], bounds[0]),
        ("upper", grid[-1], grid[-2] - grid[-1], bounds[1]),
    ):
        if abs(one.best - grid_end) > 0.5 * abs(inward):
            continue
        if bound is None or abs(grid_end - bound) > abs(inward):
            raise ValueError(
                f"the smallest -2 ln L of {name} lies at the {end} end of grid ({grid_end:g}{units}): the best "
                f"fit may lie beyond it; extend grid past {grid_end:g}"
                + ("" if bound is None else f" (towards the parameter's bound {bound:g})")
            )
        # at the parameter's bound: a one-sided limit only if -2 ln L rises from it, else the grid is too coarse
        probe = grid_end + np.sign(inward) * min(0.01 * abs(inward), 1e-3 * max(1.0, abs(grid_end)))
        if deviance([probe])[0] < deviance([grid_end])[0]:
            raise ValueError(
                f"grid is too coarse near its {end} end ({grid_end:g}{units}): -2 ln L of {name} falls into its "
                "first step, so the minimum lies between two grid points; use a finer grid"
            )
        edge = end
    best = likelihood.profile(**point(one.best))
    return ParameterFit(name, unit, one.best, one, ninety, float(best.deviance), pulls_at(likelihood, best), edge)


def fit_signal_strength(likelihood, grid, data=None) -> SignalStrengthFit:
    """Fit the CEvNS signal strength mu (SM couplings, R_n = R_p), the fitted count and the significance.

    The strength profiles every nuisance; the count holds the normalisation of the CEvNS prediction
    (``likelihood.SIGNAL_NORMALISATION``) at zero, and is the strength of that fit times the events per
    unit strength at its fitted morphs (``likelihood.SIGNAL_MORPHS``), sum(S + theta . D) over every
    bin. The significance is sqrt(Delta(-2 ln L)) between no CEvNS and the best fit. ``grid``:
    strengths (>= 0, increasing) that locate the minimum and bracket the sets; ``data``: counts to
    fit (default the observed data). Raises ValueError for a bad grid (negative, too coarse, or with the
    minimum at its upper end), or like the likelihood's methods.
    """
    grid = check_grid("grid", grid)
    if grid[0] < 0:
        raise ValueError(f"grid must hold signal strengths >= 0, got {grid[0]}")
    strength = parameter_fit(
        likelihood, "signal strength", "1", lambda mu: {"signal_strength": mu, "data": data}, grid, (0.0, None)
    )
    held = (likelihood.SIGNAL_NORMALISATION,)
    count_mu = parameter_fit(
        likelihood,
        "CEvNS count",
        "events",
        lambda mu: {"signal_strength": mu, "data": data, "fixed": held},
        grid,
        (0.0, None),
    )
    # Events per unit signal strength at the count fit's morph nuisances: S + theta . D, summed over the bins.
    morphs = [likelihood.NUISANCES.index(name) for name in likelihood.SIGNAL_MORPHS]
    theta = likelihood.profile(signal_strength=count_mu.best, data=data, fixed=held).nuisances[morphs]
    cells = likelihood.signal_cells().sum(axis=tuple(range(-len(likelihood.shape), 0)))
    per_strength = float(cells[0] + theta @ cells[1:])
    count = count_mu.best * per_strength

    def scaled(interval: Interval) -> Interval:
        return Interval(count, tuple((lo * per_strength, hi * per_strength) for lo, hi in interval.pieces))

    count_fit = ParameterFit(
        "CEvNS count",
        "events",
        count,
        scaled(count_mu.one_sigma),
        scaled(count_mu.ninety),
        count_mu.deviance_min,
        count_mu.pulls,
    )
    no_signal = float(likelihood.deviance(signal_strength=0.0, data=data))
    significance = float(np.sqrt(max(no_signal - strength.deviance_min, 0.0)))
    return SignalStrengthFit(strength, count_fit, float(cells[0]), significance)


def fit_rn(likelihood, grid, nsi: NSI | None = None, data=None) -> ParameterFit:
    """Fit one neutron rms radius R_n (fm) for every nucleus of the target at fixed NSI couplings ``nsi``.

    ``grid`` (fm, increasing, inside the templates' range) locates the minimum and brackets the sets;
    an end of a set at the grid's edge is returned as +-inf. ``data``: counts to fit (default the
    observed data). A minimum at the grid's first point is accepted when that point lies within one
    step of the form factor's smallest radius (``best_at_grid_edge`` = "lower": an upper limit).
    Raises ValueError for a bad grid, a minimum at another end of the grid, or like the likelihood's
    methods.
    """
    grid = check_grid("grid", grid)
    smallest = minimum_radius_fm(likelihood.experiment.options.form_factor)
    return parameter_fit(
        likelihood, "R_n", "fm", lambda rn: {"nsi": nsi, "rn_fm": rn, "data": data}, grid, (smallest, None)
    )


def coupling_pair(couplings) -> tuple[str, str]:
    """Two different keys of :data:`COUPLING_NAMES`, e.g. ``("ee_u", "ee_d")``.

    Raises ValueError naming ``couplings`` for anything else (not two, unknown or equal couplings).
    """
    if isinstance(couplings, (str, bytes)) or not hasattr(couplings, "__len__") or len(couplings) != 2:
        raise ValueError(f"couplings = {couplings!r} must be two NSI couplings, e.g. ('ee_u', 'ee_d')")
    first, second = (validation.choice("coupling", c, tuple(COUPLING_NAMES)) for c in couplings)
    if first == second:
        raise ValueError(f"couplings = {couplings!r} must be two different NSI couplings")
    return first, second


def profile_map(likelihood, x_name: str, y_name: str, x: np.ndarray, y: np.ndarray, point) -> ProfileMap:
    """A :class:`ProfileMap` of two parameters on the grid ``x`` (nx,) x ``y`` (ny,).

    ``point(X, Y)`` gives the keyword arguments of ``likelihood.deviance`` and ``likelihood.profile`` at
    parameter values X, Y that broadcast (X (nx, 1), Y (1, ny) for the grid). The grid costs
    ``deviance`` only; the pulls are those of the profile at the grid minimum. Raises ValueError like
    the likelihood's methods.
    """
    values = likelihood.deviance(**point(x[:, None], y[None, :]))
    i, j = np.unravel_index(np.argmin(values), values.shape)
    best = likelihood.profile(**point(x[i], y[j]))
    return ProfileMap(
        x_name,
        y_name,
        read_only(x),
        read_only(y),
        read_only(values - values[i, j]),
        (float(x[i]), float(y[j])),
        float(values[i, j]),
        pulls_at(likelihood, best),
    )


def map_couplings(likelihood, couplings: tuple[str, str], x_grid, y_grid, rn_fm=None, data=None) -> ProfileMap:
    """Delta(-2 ln L) over two NSI couplings ``couplings`` (keys of :data:`COUPLING_NAMES`) on ``x_grid`` x
    ``y_grid``, every other coupling zero, at one R_n ``rn_fm`` (fm; default R_p), nuisances profiled at
    every point (:func:`profile_map`).

    Raises ValueError for unknown or equal couplings, bad grids, or like the likelihood's methods
    (a radius out of range).
    """
    first, second = coupling_pair(couplings)
    x, y = check_grid("x_grid", x_grid), check_grid("y_grid", y_grid)
    return profile_map(
        likelihood,
        COUPLING_NAMES[first],
        COUPLING_NAMES[second],
        x,
        y,
        lambda a, b: {"nsi": NSI(**{first: a, second: b}), "rn_fm": rn_fm, "data": data},
    )


def profile_interval(grid: np.ndarray, delta: np.ndarray, level: str) -> Interval:
    """The set Delta(-2 ln L) <= :data:`LEVELS_1D` [``level``] of a profile ``delta`` tabulated on ``grid``
    (both shape (n,)), linear between the points; ``delta`` is taken as it is (its minimum should be 0).

    Raises ValueError for an unknown level, or like :func:`~cevnslib.statistics.interval_1d`.
    """
    threshold = LEVELS_1D[validation.choice("level", level, tuple(LEVELS_1D))]
    return interval_1d(lambda v: np.interp(v, grid, delta), grid, threshold)


def fit_from_profile(name: str, unit: str, grid: np.ndarray, delta: np.ndarray, source: ProfileMap) -> ParameterFit:
    """A one-parameter fit from a map's profile ``delta`` (e.g. :meth:`ProfileMap.profile_x`) on ``grid``.

    The sets are read off by linear interpolation between the grid points (:func:`profile_interval`);
    the best fit is the map's grid minimum, whose deviance and pulls it takes from ``source``. Raises
    ValueError like :func:`profile_interval`.
    """
    one, ninety = (profile_interval(grid, delta, level) for level in ("1 sigma", "90%"))
    return ParameterFit(name, unit, one.best, one, ninety, source.deviance_min, source.pulls)
