"""Fits of the COHERENT CsI[Na] full data set (arXiv:2110.07730): the CEvNS count, the neutron radius, NSI maps.

Every fit profiles the nuisances of :class:`~cevnslib.csi_2021_likelihood.CsI2021Likelihood` at each
point and quotes Delta(-2 ln L) = -2 ln L - its minimum. One-parameter sets are Delta(-2 ln L) <= 1
(1 sigma) and <= 2.706 (90%); two-parameter regions <= 2.296 (1 sigma) and <= 4.605 (90%)
(:func:`~cevnslib.statistics.delta_chi2_level`, Wilks' theorem). Sets are unions of disjoint pieces
(:class:`~cevnslib.statistics.Interval`). The fits are those of :mod:`cevnslib.profile_fits` on this data
set's grids; its result types (:class:`~cevnslib.profile_fits.ParameterFit`,
:class:`~cevnslib.profile_fits.SignalStrengthFit`, :class:`~cevnslib.profile_fits.ProfileMap`), levels
(``LEVELS_1D``, ``LEVELS_2D``) and ``COUPLING_NAMES`` can be imported from here too.

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

from dataclasses import dataclass
from functools import cache

import numpy as np

from . import profile_fits
from .couplings import NSI
from .csi_2021_likelihood import CsI2021Counts, CsI2021Likelihood

# The result types, levels and coupling names of the fits are re-exported under this module's name too, where
# the book and the tests use them (F401).
from .profile_fits import (  # noqa: F401
    COUPLING_NAMES,
    LEVELS_1D,
    LEVELS_2D,
    ParameterFit,
    ProfileMap,
    SignalStrengthFit,
    check_grid,
    fit_from_profile,
    parameter_fit,
    profile_map,
)

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


@dataclass(frozen=True)
class CsI2021Results:
    """The headline numbers of the CsI[Na] full data set, as fitted here (see :func:`results`).

    Attributes
    ----------
    signal : :class:`~cevnslib.profile_fits.SignalStrengthFit`.
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
    return profile_fits.checked_likelihood(likelihood, CsI2021Likelihood, default_likelihood)


@cache
def default_likelihood() -> CsI2021Likelihood:
    """The likelihood of the default setup ``COHERENT-CsI-2021`` (one shared instance)."""
    return CsI2021Likelihood()


def fit_signal_strength(
    likelihood: CsI2021Likelihood | None = None, grid=STRENGTH_GRID, data: CsI2021Counts | None = None
) -> SignalStrengthFit:
    """Fit the CEvNS signal strength mu (SM couplings, R_n = R_p), the fitted count and the significance.

    :func:`cevnslib.profile_fits.fit_signal_strength`: the strength profiles the flux pull (10%), the
    count holds it at zero (the count does not depend on the flux). ``grid``: signal strengths (>= 0,
    increasing) that locate the minimum and bracket the sets; ``data``: counts to fit (default the
    observed data). Raises ValueError for a bad grid or likelihood.
    """
    return profile_fits.fit_signal_strength(_likelihood(likelihood), grid, data)


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
    return profile_fits.fit_rn(_likelihood(likelihood), grid, nsi, data)


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
    grid = check_grid("grid", grid)
    rp = proton_radii_fm(lik)

    def point(skin):
        return {"nsi": nsi, "nucleus_rn_fm": tuple(r + np.asarray(skin, dtype=float) for r in rp), "data": data}

    return parameter_fit(lik, "Delta R_np", "fm", point, grid)


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
    x, y = check_grid("cs_grid_fm", cs_grid_fm), check_grid("i_grid_fm", i_grid_fm)
    return profile_map(
        lik, "R_n^Cs (fm)", "R_n^I (fm)", x, y, lambda a, b: {"nsi": nsi, "nucleus_rn_fm": (a, b), "data": data}
    )


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
    of :data:`~cevnslib.profile_fits.COUPLING_NAMES`) on ``x_grid`` x ``y_grid``, every other coupling zero,
    at one R_n ``rn_fm`` (default: each nucleus' R_p), nuisances profiled at every point
    (:func:`cevnslib.profile_fits.map_couplings`).

    ``("ee_u", "ee_d")`` is the plane of the paper's Fig. 1. Raises ValueError for unknown or equal
    couplings, bad grids, a radius out of range or a bad likelihood.
    """
    return profile_fits.map_couplings(_likelihood(likelihood), couplings, x_grid, y_grid, rn_fm, data)


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
    x, y = check_grid("rn_grid_fm", rn_grid_fm), check_grid("ee_grid", ee_grid)
    return profile_map(
        lik, "R_n (fm)", "eps_ee^dV", x, y, lambda rn, e: {"nsi": NSI(ee_d=e), "rn_fm": rn, "data": data}
    )


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
        radius_cs=fit_from_profile("R_n^Cs", "fm", iso.x, iso.profile_x(), iso),
        radius_i=fit_from_profile("R_n^I", "fm", iso.y, iso.profile_y(), iso),
        nsi_map=map_nsi(lik),
        radius_nsi_map=map_rn_nsi(lik),
    )
