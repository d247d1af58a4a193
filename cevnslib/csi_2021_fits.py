"""Fits of the COHERENT CsI[Na] full data set (arXiv:2110.07730): the CEvNS count, the neutron radius, NSI maps.

Every fit profiles the nuisances of :class:`~cevnslib.csi_2021_likelihood.CsI2021Likelihood` at each
point and quotes Delta(-2 ln L) = -2 ln L - its minimum. One-parameter sets are Delta(-2 ln L) <= 1
(1 sigma) and <= 2.706 (90%); two-parameter regions <= 2.296 (1 sigma) and <= 4.605 (90%)
(:func:`~cevnslib.statistics.delta_chi2_level`, Wilks' theorem). Sets are unions of disjoint pieces
(:class:`~cevnslib.statistics.Interval`).

- :func:`fit_signal_strength`: the CEvNS signal strength mu (a multiple of the SM prediction, the
  flux pull profiled: the flux-averaged cross section over the SM's), the fitted CEvNS count
  (flux pull held: the count does not depend on the flux), and the significance against no CEvNS;
- :func:`fit_rn`: one R_n for Cs and I; :func:`fit_neutron_skin`: one neutron skin
  Delta R_np = R_n - R_p added to each isotope's proton radius; :func:`map_isotope_radii`:
  (R_n^Cs, R_n^I) separately;
- :func:`map_nsi`: (eps_ee^dV, eps_mumu^dV); :func:`map_couplings`: any two real NSI couplings, e.g.
  (eps_ee^uV, eps_ee^dV); :func:`map_rn_nsi`: (R_n, eps_ee^dV);
- :func:`results`: every headline number at once (cached), for the book.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import numpy as np

from . import validation
from .couplings import NSI
from .csi_2021_likelihood import CsI2021Counts, CsI2021Likelihood, CsI2021Profile
from .statistics import Interval, delta_chi2_level, interval_1d
from .validation import read_only

#: Delta(-2 ln L) of one parameter at 1 sigma and 90% CL.
LEVELS_1D = MappingProxyType({"1 sigma": 1.0, "90%": delta_chi2_level(0.9, dof=1)})
#: Delta(-2 ln L) of a two-parameter region at 1 sigma (68.27%) and 90% CL.
LEVELS_2D = MappingProxyType({"1 sigma": delta_chi2_level(sigma=1, dof=2), "90%": delta_chi2_level(0.9, dof=2)})
#: Signal-strength grid of :func:`fit_signal_strength` [choice]: 0 to 2 in steps of 0.02.
STRENGTH_GRID = tuple(np.round(np.linspace(0.0, 2.0, 101), 12))
#: R_n grid (fm) of :func:`fit_rn` [choice]: 2.5 to 8 fm in 0.05 fm steps (the templates reach 1.57-10 fm).
RN_GRID_FM = tuple(np.round(np.linspace(2.5, 8.0, 111), 12))
#: Neutron-skin grid (fm) of :func:`fit_neutron_skin` [choice]: -2 to 3 fm in 0.05 fm steps.
SKIN_GRID_FM = tuple(np.round(np.linspace(-2.0, 3.0, 101), 12))
#: R_n^Cs and R_n^I grid (fm) of :func:`map_isotope_radii` [choice]: 2 to 9 fm in 0.1 fm steps; the data
#: fix a combination of the two radii, and the valley along the other runs far.
ISOTOPE_GRID_FM = tuple(np.round(np.linspace(2.0, 9.0, 71), 12))
#: eps^dV grid of :func:`map_nsi` [choice]: -0.2 to 0.6 in 0.01 steps, past the flipped branch of CsI
#: (about 0.35 for eps_ee^dV alone).
EPS_GRID = tuple(np.round(np.linspace(-0.2, 0.6, 81), 12))
#: R_n grid (fm) of :func:`map_rn_nsi` [choice]: 3 to 10 fm (the templates' reach) in 0.05 fm steps.
RN_MAP_GRID_FM = tuple(np.round(np.linspace(3.0, 10.0, 141), 12))
#: eps_ee^dV grid of :func:`map_rn_nsi` [choice]: -0.4 to 0.8 in 0.01 steps, so that both islands of the
#: full data set (the SM branch and the flipped one) close inside the map.
EPS_MAP_GRID = tuple(np.round(np.linspace(-0.4, 0.8, 121), 12))
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
    """

    name: str
    unit: str
    best: float
    one_sigma: Interval
    ninety: Interval
    deviance_min: float
    pulls: Mapping[str, float]


@dataclass(frozen=True)
class SignalStrengthFit:
    """The CEvNS rate of the data.

    Attributes
    ----------
    strength : signal strength mu (data over the SM prediction; flux pull profiled with its 10% prior).
    count : fitted CEvNS events in the analysis region (flux pull held at 0): the signal strength of
        that fit, and its sets, times the events per unit strength at its response nuisances,
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


@dataclass(frozen=True)
class CsI2021Results:
    """The headline numbers of the CsI[Na] full data set, as fitted here (see :func:`results`).

    Attributes
    ----------
    signal : :class:`SignalStrengthFit`.
    radius : one R_n (fm) for Cs and I, eps = 0.
    skin : one neutron skin Delta R_np (fm) added to each isotope's R_p, eps = 0.
    isotope_radii_map : (R_n^Cs, R_n^I) map.
    radius_cs, radius_i : R_n^Cs and R_n^I (fm), each profiled over the other on the map's grid.
    nsi_map : (eps_ee^dV, eps_mumu^dV) map at R_n = R_p.
    radius_nsi_map : (R_n, eps_ee^dV) map.
    """

    signal: SignalStrengthFit
    radius: ParameterFit
    skin: ParameterFit
    isotope_radii_map: ProfileMap
    radius_cs: ParameterFit
    radius_i: ParameterFit
    nsi_map: ProfileMap
    radius_nsi_map: ProfileMap


def _likelihood(likelihood: CsI2021Likelihood | None) -> CsI2021Likelihood:
    if likelihood is None:
        return default_likelihood()
    if not isinstance(likelihood, CsI2021Likelihood):
        raise ValueError(f"likelihood = {likelihood!r} must be a cevnslib.csi_2021_likelihood.CsI2021Likelihood")
    return likelihood


@cache
def default_likelihood() -> CsI2021Likelihood:
    """The likelihood of the default setup ``COHERENT-CsI-2021`` (one shared instance)."""
    return CsI2021Likelihood()


def _grid(name: str, grid) -> np.ndarray:
    values = validation.real_array(name, grid)
    if values.ndim != 1 or values.size < 3 or np.any(np.diff(values) <= 0):
        raise ValueError(f"{name} must be an increasing 1-D array of at least 3 finite values")
    return values


def _pulls(lik: CsI2021Likelihood, profile: CsI2021Profile) -> Mapping[str, float]:
    return MappingProxyType({name: float(value) for name, value in profile.pulls(lik.priors).items()})


def _parameter_fit(lik, name: str, unit: str, deviance, profile_at, grid) -> ParameterFit:
    """Intervals of a one-parameter profile ``deviance`` (array -> array) on ``grid``, pulls from ``profile_at``."""
    one = interval_1d(deviance, grid, LEVELS_1D["1 sigma"])
    ninety = interval_1d(deviance, grid, LEVELS_1D["90%"])
    best = profile_at(one.best)
    return ParameterFit(name, unit, one.best, one, ninety, float(best.deviance), _pulls(lik, best))


def fit_signal_strength(
    likelihood: CsI2021Likelihood | None = None, grid=STRENGTH_GRID, data: CsI2021Counts | None = None
) -> SignalStrengthFit:
    """Fit the CEvNS signal strength mu (SM couplings, R_n = R_p), the fitted count and the significance.

    ``grid``: signal strengths (>= 0, increasing) that locate the minimum and bracket the sets;
    ``data``: counts to fit (default the observed data). Raises ValueError for a bad grid or likelihood.
    """
    lik = _likelihood(likelihood)
    grid = _grid("grid", grid)
    if grid[0] < 0:
        raise ValueError(f"grid must hold signal strengths >= 0, got {grid[0]}")
    strength = _parameter_fit(
        lik,
        "signal strength",
        "1",
        lambda mu: lik.deviance(signal_strength=mu, data=data),
        lambda mu: lik.profile(signal_strength=mu, data=data),
        grid,
    )
    held = ("flux",)
    count_mu = _parameter_fit(
        lik,
        "CEvNS count",
        "events",
        lambda mu: lik.deviance(signal_strength=mu, data=data, fixed=held),
        lambda mu: lik.profile(signal_strength=mu, data=data, fixed=held),
        grid,
    )
    # Events per unit signal strength at the count fit's response nuisances: S + theta . D, summed.
    theta = lik.profile(signal_strength=count_mu.best, data=data, fixed=held).nuisances[1:4]
    cells = lik.signal_cells().sum(axis=(-2, -1))
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
    no_signal = float(lik.deviance(signal_strength=0.0, data=data))
    significance = float(np.sqrt(max(no_signal - strength.deviance_min, 0.0)))
    sm_count = float(cells[0])
    return SignalStrengthFit(strength, count_fit, sm_count, significance)


def fit_rn(
    likelihood: CsI2021Likelihood | None = None,
    nsi: NSI | None = None,
    grid=RN_GRID_FM,
    data: CsI2021Counts | None = None,
) -> ParameterFit:
    """Fit one neutron rms radius R_n (fm) for Cs and I at fixed NSI couplings ``nsi`` (default none).

    ``grid`` (fm, increasing, inside the templates' range) locates the minimum and brackets the sets;
    ``data``: counts to fit (default the observed data). Raises ValueError for a bad grid or likelihood.
    """
    lik = _likelihood(likelihood)
    grid = _grid("grid", grid)
    return _parameter_fit(
        lik, "R_n", "fm", lambda rn: lik.deviance(nsi, rn, data=data), lambda rn: lik.profile(nsi, rn, data=data), grid
    )


def proton_radii_fm(likelihood: CsI2021Likelihood | None = None) -> tuple[float, ...]:
    """R_p (fm) of each nucleus of the target (Cs, I) in the setup's proton-radius convention.

    Raises ValueError for a likelihood that is not a :class:`~cevnslib.csi_2021_likelihood.CsI2021Likelihood`.
    """
    exp = _likelihood(likelihood).experiment
    return tuple(nuc.proton_radius_fm(exp.options.proton_radius) for nuc in exp.target.nuclei)


def fit_neutron_skin(
    likelihood: CsI2021Likelihood | None = None,
    nsi: NSI | None = None,
    grid=SKIN_GRID_FM,
    data: CsI2021Counts | None = None,
) -> ParameterFit:
    """Fit one neutron skin Delta R_np = R_n - R_p (fm), the same for Cs and I, at fixed ``nsi``.

    Each isotope's R_n is its own R_p (:func:`proton_radii_fm`) plus the skin; ``data``: counts to
    fit (default the observed data). Raises ValueError for a bad grid or likelihood.
    """
    lik = _likelihood(likelihood)
    grid = _grid("grid", grid)
    rp = proton_radii_fm(lik)

    def radii(skin):
        return tuple(r + np.asarray(skin, dtype=float) for r in rp)

    return _parameter_fit(
        lik,
        "Delta R_np",
        "fm",
        lambda s: lik.deviance(nsi, nucleus_rn_fm=radii(s), data=data),
        lambda s: lik.profile(nsi, nucleus_rn_fm=radii(s), data=data),
        grid,
    )


def _map(lik, x_name, y_name, x, y, profile) -> ProfileMap:
    """A ProfileMap from ``profile(X, Y)`` evaluated on the grid (X (nx, 1), Y (1, ny))."""
    values = profile(x[:, None], y[None, :]).deviance
    i, j = np.unravel_index(np.argmin(values), values.shape)
    best = profile(x[i], y[j])
    return ProfileMap(
        x_name,
        y_name,
        read_only(x),
        read_only(y),
        read_only(values - values[i, j]),
        (float(x[i]), float(y[j])),
        float(values[i, j]),
        _pulls(lik, best),
    )


def map_isotope_radii(
    likelihood: CsI2021Likelihood | None = None,
    cs_grid_fm=ISOTOPE_GRID_FM,
    i_grid_fm=ISOTOPE_GRID_FM,
    nsi: NSI | None = None,
    data: CsI2021Counts | None = None,
) -> ProfileMap:
    """Delta(-2 ln L) over (R_n^Cs, R_n^I) in fm at fixed ``nsi``, nuisances profiled at every point.

    ``data``: counts to fit (default the observed data), as in every map.

    Raises ValueError for bad grids or likelihood.
    """
    lik = _likelihood(likelihood)
    x, y = _grid("cs_grid_fm", cs_grid_fm), _grid("i_grid_fm", i_grid_fm)
    return _map(lik, "R_n^Cs (fm)", "R_n^I (fm)", x, y, lambda a, b: lik.profile(nsi, nucleus_rn_fm=(a, b), data=data))


def map_nsi(
    likelihood: CsI2021Likelihood | None = None,
    ee_grid=EPS_GRID,
    mm_grid=EPS_GRID,
    rn_fm=None,
    data: CsI2021Counts | None = None,
) -> ProfileMap:
    """Delta(-2 ln L) over (eps_ee^dV, eps_mumu^dV) at one R_n ``rn_fm`` (default: each nucleus' R_p).

    :func:`map_couplings` with ``couplings=("ee_d", "mm_d")``. Raises ValueError for bad grids, a
    radius out of range or a bad likelihood.
    """
    return map_couplings(likelihood, ("ee_d", "mm_d"), ee_grid, mm_grid, rn_fm, data)


def map_couplings(
    likelihood: CsI2021Likelihood | None = None,
    couplings: tuple[str, str] = ("ee_d", "mm_d"),
    x_grid=EPS_GRID,
    y_grid=EPS_GRID,
    rn_fm=None,
    data: CsI2021Counts | None = None,
) -> ProfileMap:
    """Delta(-2 ln L) over two NSI couplings ``couplings`` (fields of :class:`~cevnslib.couplings.NSI`, keys
    of :data:`COUPLING_NAMES`) on ``x_grid`` x ``y_grid``, every other coupling zero, at one R_n ``rn_fm``
    (default: each nucleus' R_p), nuisances profiled at every point.

    ``("ee_u", "ee_d")`` is the plane of the paper's Fig. 1. Raises ValueError for unknown or equal
    couplings, bad grids, a radius out of range or a bad likelihood.
    """
    lik = _likelihood(likelihood)
    first, second = _couplings(couplings)
    x, y = _grid("x_grid", x_grid), _grid("y_grid", y_grid)
    return _map(
        lik,
        COUPLING_NAMES[first],
        COUPLING_NAMES[second],
        x,
        y,
        lambda a, b: lik.profile(NSI(**{first: a, second: b}), rn_fm, data=data),
    )


def _couplings(couplings) -> tuple[str, str]:
    """Two different keys of :data:`COUPLING_NAMES`, or ValueError naming ``couplings``."""
    if isinstance(couplings, (str, bytes)) or not hasattr(couplings, "__len__") or len(couplings) != 2:
        raise ValueError(f"couplings = {couplings!r} must be two NSI couplings, e.g. ('ee_u', 'ee_d')")
    first, second = (validation.choice("coupling", c, tuple(COUPLING_NAMES)) for c in couplings)
    if first == second:
        raise ValueError(f"couplings = {couplings!r} must be two different NSI couplings")
    return first, second


def map_rn_nsi(
    likelihood: CsI2021Likelihood | None = None,
    rn_grid_fm=RN_MAP_GRID_FM,
    ee_grid=EPS_MAP_GRID,
    data: CsI2021Counts | None = None,
) -> ProfileMap:
    """Delta(-2 ln L) over (R_n in fm, eps_ee^dV), one R_n for Cs and I, nuisances profiled at every point.

    Raises ValueError for bad grids, radii out of range or a bad likelihood.
    """
    lik = _likelihood(likelihood)
    x, y = _grid("rn_grid_fm", rn_grid_fm), _grid("ee_grid", ee_grid)
    return _map(lik, "R_n (fm)", "eps_ee^dV", x, y, lambda rn, e: lik.profile(NSI(ee_d=e), rn, data=data))


def _from_map(name: str, unit: str, grid: np.ndarray, delta: np.ndarray, profile_map: ProfileMap) -> ParameterFit:
    """A one-parameter fit from a map's profile ``delta`` on ``grid`` (linear interpolation between points).

    The best fit is the map's grid minimum, whose deviance and pulls it takes.
    """

    def func(v):
        return np.interp(v, grid, delta)

    one, ninety = (interval_1d(func, grid, LEVELS_1D[k]) for k in ("1 sigma", "90%"))
    return ParameterFit(name, unit, one.best, one, ninety, profile_map.deviance_min, profile_map.pulls)


@cache
def results() -> CsI2021Results:
    """Every headline fit of the CsI[Na] full data set on the default grids (computed once, cached).

    R_n^Cs and R_n^I are each profiled over the other on the isotope map's grid (0.1 fm), their
    sets read off that profile by linear interpolation; their pulls are those of the map's minimum.
    """
    lik = default_likelihood()
    iso = map_isotope_radii(lik)

    return CsI2021Results(
        signal=fit_signal_strength(lik),
        radius=fit_rn(lik),
        skin=fit_neutron_skin(lik),
        isotope_radii_map=iso,
        radius_cs=_from_map("R_n^Cs", "fm", iso.x, iso.profile_x(), iso),
        radius_i=_from_map("R_n^I", "fm", iso.y, iso.profile_y(), iso),
        nsi_map=map_nsi(lik),
        radius_nsi_map=map_rn_nsi(lik),
    )
