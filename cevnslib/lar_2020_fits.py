"""Fits of the COHERENT CENNS-10 argon data (arXiv:2003.10630), alone and together with the CsI[Na] full data set.

Every fit profiles the nuisances of :class:`~cevnslib.lar_2020_likelihood.LAr2020Likelihood` at each
point and quotes Delta(-2 ln L) = -2 ln L - its minimum: the fits of :mod:`cevnslib.profile_fits`, with
its levels and result types (:data:`~cevnslib.profile_fits.LEVELS_1D`, :data:`~cevnslib.profile_fits.LEVELS_2D`,
:class:`~cevnslib.profile_fits.ParameterFit`, :class:`~cevnslib.profile_fits.SignalStrengthFit`,
:class:`~cevnslib.profile_fits.ProfileMap`), as for CsI 2021 (:mod:`cevnslib.csi_2021_fits`), so that both
data sets read alike.

- :func:`fit_signal_strength`: the CEvNS signal strength (its 13.3% normalisation pull profiled),
  the CEvNS count with a free normalisation (the pull held), and the significance against no CEvNS;
- :func:`fit_rn`: the neutron radius of argon;
- :func:`map_couplings` / :func:`map_nsi`: two NSI couplings, every other one zero;
- :func:`joint_map`: the same plane for argon alone, CsI 2021 alone and the two combined. The data
  sets are independent (different detectors, targets and runs), so their profiled deviances add;
  each keeps its own nuisances, the flux normalisations included (a shared SNS flux pull would tie
  them: leaving it out makes the combination slightly conservative). The CsI 2017 data are part of
  the 2021 set and are never added;
- :func:`coupling_intervals` and :func:`interval_table`: each coupling's 1-sigma and 90% sets from a
  joint map, profiling the other coupling or holding it at zero, alone and combined, and how much
  the combination shrinks them;
- :func:`results`: every headline number at once (cached), for the book.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import numpy as np

from . import csi_2021_fits, profile_fits, validation
from .couplings import NSI
from .csi_2021_likelihood import CsI2021Likelihood
from .lar_2020_likelihood import LAr2020Counts, LAr2020Likelihood

# The result types, levels and coupling names of the fits are re-exported under this module's name too (F401).
from .profile_fits import (  # noqa: F401
    COUPLING_NAMES,
    LEVELS_1D,
    LEVELS_2D,
    ParameterFit,
    ProfileMap,
    SignalStrengthFit,
    coupling_pair,
    profile_interval,
    pulls_at,
)
from .statistics import Interval
from .validation import read_only

#: Default grids [choice]: signal strength 0-3 (0.02 steps: argon's count is known to about 30%); R_n
#: 1.6-8 fm (0.05 fm steps; the templates start at 1.57 fm); the plane (eps_ee^uV, eps_ee^dV) over
#: [-1, 1]^2 as the paper's Fig. 1 (0.025 x 0.0167 steps: the CsI bands are about 0.13 wide in
#: eps_ee^dV); (eps_ee^dV, eps_mumu^dV) over the argon ring and the CsI islands (0.0125 steps).
STRENGTH_GRID = tuple(np.round(np.linspace(0.0, 3.0, 151), 12))
RN_GRID_FM = tuple(np.round(np.linspace(1.6, 8.0, 129), 12))
UD_GRIDS = (tuple(np.round(np.linspace(-1.0, 1.0, 81), 12)), tuple(np.round(np.linspace(-1.0, 1.0, 121), 12)))
DM_GRIDS = (tuple(np.round(np.linspace(-0.4, 0.8, 97), 12)), tuple(np.round(np.linspace(-0.3, 0.7, 81), 12)))
#: The data sets of a joint map, in the order of its tables.
DATA_SETS = ("argon", "CsI", "combined")


def _likelihood(likelihood: LAr2020Likelihood | None) -> LAr2020Likelihood:
    return profile_fits.checked_likelihood(likelihood, LAr2020Likelihood, default_likelihood)


@cache
def default_likelihood() -> LAr2020Likelihood:
    """The likelihood of the default setup ``COHERENT-LAr-2020`` (one shared instance)."""
    return LAr2020Likelihood()


def fit_signal_strength(
    likelihood: LAr2020Likelihood | None = None, grid=STRENGTH_GRID, data: LAr2020Counts | None = None
) -> SignalStrengthFit:
    """Fit the CEvNS signal strength (SM couplings, R_n = R_p), the CEvNS count and the significance.

    :func:`cevnslib.profile_fits.fit_signal_strength`: the strength profiles the CEvNS normalisation pull
    (13.3%); the count holds it at zero, a free normalisation as in COHERENT's fit of the number of CEvNS
    events (159 +- 43 for Analysis A): the strength of that fit times the events per unit strength at its
    fitted morphs, sum(S + theta . D). The significance is sqrt(Delta(-2 ln L)) between no CEvNS and
    the best fit. ``grid``: strengths (>= 0, increasing) that locate the minimum and bracket the sets;
    ``data``: counts to fit (default the observed data). Raises ValueError for a bad grid or likelihood.
    """
    return profile_fits.fit_signal_strength(_likelihood(likelihood), grid, data)


def fit_rn(
    likelihood: LAr2020Likelihood | None = None,
    nsi: NSI | None = None,
    grid=RN_GRID_FM,
    data: LAr2020Counts | None = None,
) -> ParameterFit:
    """Fit the neutron rms radius R_n (fm) of argon at fixed NSI couplings ``nsi`` (default none).

    ``grid`` (fm, increasing, inside the templates' range) locates the minimum and brackets the sets;
    an end of a set at the grid's edge is returned as +-inf. ``data``: counts to fit (default the
    observed data). Raises ValueError for a bad grid or likelihood.
    """
    return profile_fits.fit_rn(_likelihood(likelihood), grid, nsi, data)


def map_couplings(
    likelihood: LAr2020Likelihood | None = None,
    couplings: tuple[str, str] = ("ee_d", "mm_d"),
    x_grid=DM_GRIDS[0],
    y_grid=DM_GRIDS[1],
    rn_fm=None,
    data: LAr2020Counts | None = None,
) -> ProfileMap:
    """Delta(-2 ln L) of the argon data over two NSI couplings ``couplings`` (e.g. ``("ee_u", "ee_d")``), every
    other coupling zero, at one R_n ``rn_fm`` (default R_p), nuisances profiled at every point
    (:func:`cevnslib.profile_fits.map_couplings`).

    The grid costs :meth:`~cevnslib.lar_2020_likelihood.LAr2020Likelihood.deviance` only; the pulls
    are those of the grid minimum. Raises ValueError for unknown or equal couplings, bad grids, a
    radius out of range or a bad likelihood.
    """
    return profile_fits.map_couplings(_likelihood(likelihood), couplings, x_grid, y_grid, rn_fm, data)


def map_nsi(
    likelihood: LAr2020Likelihood | None = None,
    ee_grid=DM_GRIDS[0],
    mm_grid=DM_GRIDS[1],
    rn_fm=None,
    data: LAr2020Counts | None = None,
) -> ProfileMap:
    """Delta(-2 ln L) of the argon data over (eps_ee^dV, eps_mumu^dV): :func:`map_couplings` with ``("ee_d", "mm_d")``.

    Raises ValueError for bad grids, a radius out of range or a bad likelihood.
    """
    return map_couplings(likelihood, ("ee_d", "mm_d"), ee_grid, mm_grid, rn_fm, data)


@dataclass(frozen=True, eq=False)
class JointMap:
    """One NSI plane from argon alone, CsI 2021 alone and the two combined, on one grid.

    Attributes
    ----------
    couplings : the two NSI fields of the plane, e.g. ("ee_u", "ee_d").
    maps : :class:`~cevnslib.profile_fits.ProfileMap` by data set, "argon", "CsI" and "combined"
        (:data:`DATA_SETS`). The combined map's Delta(-2 ln L) is the sum of the two profiled
        deviances minus its minimum; its pulls are each likelihood's at the combined minimum,
        named "argon: <nuisance>" and "CsI: <nuisance>".
    """

    couplings: tuple[str, str]
    maps: Mapping[str, ProfileMap]

    def __post_init__(self):
        object.__setattr__(self, "maps", MappingProxyType(dict(self.maps)))


def joint_map(
    couplings: tuple[str, str] = ("ee_u", "ee_d"),
    x_grid=UD_GRIDS[0],
    y_grid=UD_GRIDS[1],
    argon: LAr2020Likelihood | None = None,
    csi: CsI2021Likelihood | None = None,
) -> JointMap:
    """The plane ``couplings`` (every other coupling zero, R_n = R_p) for argon, CsI 2021 and their sum.

    ``argon``, ``csi``: the likelihoods (default: :func:`default_likelihood` and
    :func:`cevnslib.csi_2021_fits.default_likelihood`). The two data sets are independent, so the
    combination adds their profiled deviances point by point (each with its own nuisances). Raises
    ValueError for unknown couplings, bad grids or likelihoods of the wrong kind.
    """
    first, second = coupling_pair(couplings)
    lar = _likelihood(argon)
    if csi is not None and not isinstance(csi, CsI2021Likelihood):
        raise ValueError(f"csi = {csi!r} must be a cevnslib.csi_2021_likelihood.CsI2021Likelihood")
    csi = csi_2021_fits.default_likelihood() if csi is None else csi
    alone = {
        "argon": map_couplings(lar, (first, second), x_grid, y_grid),
        "CsI": csi_2021_fits.map_couplings(csi, (first, second), x_grid, y_grid),
    }
    total = sum(m.delta + m.deviance_min for m in alone.values())
    i, j = np.unravel_index(np.argmin(total), total.shape)
    x, y = alone["argon"].x, alone["argon"].y
    point = NSI(**{first: float(x[i]), second: float(y[j])})
    pulls = {f"argon: {k}": v for k, v in pulls_at(lar, lar.profile(point)).items()}
    pulls |= {f"CsI: {k}": v for k, v in pulls_at(csi, csi.profile(point)).items()}
    combined = ProfileMap(
        COUPLING_NAMES[first],
        COUPLING_NAMES[second],
        x,
        y,
        read_only(total - total[i, j]),
        (float(x[i]), float(y[j])),
        float(total[i, j]),
        MappingProxyType(pulls),
    )
    return JointMap((first, second), {**alone, "combined": combined})


@dataclass(frozen=True)
class CouplingInterval:
    """One coupling's set from one data set of a :class:`JointMap`, at one level.

    Attributes
    ----------
    coupling : the NSI field, e.g. "ee_d".
    other : the other coupling of the plane, and how it is treated: "profiled" (minimised over the
        grid at each value) or "zero" (held at 0, a one-parameter fit).
    data : "argon", "CsI" or "combined".
    level : "1 sigma" or "90%" (one parameter: Delta(-2 ln L) <= 1 or <= 2.706).
    interval : the set, a union of pieces; an end at the edge of the grid is -inf or +inf.
    """

    coupling: str
    other: str
    data: str
    level: str
    interval: Interval

    @property
    def length(self) -> float:
        """The total length of the pieces (inf if the set reaches the edge of the grid)."""
        return float(sum(hi - lo for lo, hi in self.interval.pieces))


def coupling_intervals(joint: JointMap) -> tuple[CouplingInterval, ...]:
    """Every coupling's sets from ``joint``: both couplings x other "profiled" / "zero" x data set x level.

    "zero" needs 0 on the other coupling's grid. Sets come from the map's grid by linear
    interpolation, so their ends are good to a fraction of the grid step. Raises ValueError if the
    grid of the other coupling does not hold 0 and a "zero" set is asked for.
    """
    out = []
    for axis, coupling in enumerate(joint.couplings):
        for other in ("profiled", "zero"):
            for data in DATA_SETS:
                m = joint.maps[data]
                grid, other_grid = (m.x, m.y) if axis == 0 else (m.y, m.x)
                delta = m.delta if axis == 0 else m.delta.T
                if other == "profiled":
                    curve = delta.min(axis=1)
                else:
                    k = np.flatnonzero(np.abs(other_grid) < 1e-12)
                    if k.size == 0:
                        raise ValueError(f"the grid of the other coupling holds no 0: {other_grid}")
                    curve = delta[:, k[0]]
                for level in LEVELS_1D:
                    out.append(
                        CouplingInterval(
                            coupling, other, data, level, profile_interval(np.asarray(grid), curve - curve.min(), level)
                        )
                    )
    return tuple(out)


def shrink(
    intervals: tuple[CouplingInterval, ...], coupling: str, other: str, level: str, reference: str = "CsI"
) -> float:
    """1 - (length combined) / (length of ``reference`` alone) for one coupling, treatment and level.

    NaN when either set reaches the edge of the grid (its length is not known). Raises ValueError if
    ``intervals`` hold no such sets.
    """
    found = {i.data: i.length for i in intervals if (i.coupling, i.other, i.level) == (coupling, other, level)}
    if "combined" not in found or reference not in found:
        raise ValueError(f"no sets of {coupling!r} ({other}, {level}) for combined and {reference!r}")
    if not (math.isfinite(found["combined"]) and math.isfinite(found[reference])) or found[reference] == 0:
        return float("nan")
    return 1.0 - found["combined"] / found[reference]


def format_interval(interval: Interval, digits: int = 2) -> str:
    """A set as text, e.g. ``[-0.12, 0.05] ∪ [0.31, 0.45]``; an end at the edge of the grid is written ``…``."""

    def end(x):
        return "…" if not math.isfinite(x) else f"{x:.{digits}f}"

    return " ∪ ".join(f"[{end(lo)}, {end(hi)}]" for lo, hi in interval.pieces)


def interval_table(joint: JointMap, level: str = "90%") -> str:
    """The sets at ``level`` of every coupling of ``joint``, argon, CsI and combined, and the shrink against CsI.

    Raises ValueError for an unknown level.
    """
    validation.choice("level", level, tuple(LEVELS_1D))
    rows = coupling_intervals(joint)
    lines = [f"{'coupling':12s}{'other':10s}{'argon':>26s}{'CsI 2021':>30s}{'combined':>30s}{'shrink':>8s}"]
    for coupling in joint.couplings:
        for other in ("profiled", "zero"):
            cells = {
                r.data: format_interval(r.interval)
                for r in rows
                if (r.coupling, r.other, r.level) == (coupling, other, level)
            }
            cut = shrink(rows, coupling, other, level)
            text = "—" if math.isnan(cut) else f"{100 * cut:.0f}%"
            lines.append(
                f"{COUPLING_NAMES[coupling]:12s}{other:10s}{cells['argon']:>26s}{cells['CsI']:>30s}"
                f"{cells['combined']:>30s}{text:>8s}"
            )
    return "\n".join(lines)


@dataclass(frozen=True)
class LAr2020Results:
    """The headline numbers of the argon data, alone and with CsI 2021, as fitted here (see :func:`results`).

    Attributes
    ----------
    signal : :class:`~cevnslib.profile_fits.SignalStrengthFit` of argon.
    radius : R_n of argon (fm), eps = 0.
    ud : :class:`JointMap` of (eps_ee^uV, eps_ee^dV), the plane of the paper's Fig. 1.
    dm : :class:`JointMap` of (eps_ee^dV, eps_mumu^dV).
    intervals : :func:`coupling_intervals` of both planes.
    """

    signal: SignalStrengthFit
    radius: ParameterFit
    ud: JointMap
    dm: JointMap
    intervals: tuple[CouplingInterval, ...]


@cache
def results() -> LAr2020Results:
    """Every headline fit of the argon data on the default grids, alone and with CsI 2021 (computed once, cached)."""
    lik = default_likelihood()
    ud = joint_map(("ee_u", "ee_d"), *UD_GRIDS)
    dm = joint_map(("ee_d", "mm_d"), *DM_GRIDS)
    return LAr2020Results(
        fit_signal_strength(lik), fit_rn(lik), ud, dm, coupling_intervals(ud) + coupling_intervals(dm)
    )
