"""Expected CEvNS events (proceedings Eq. 3) and the event templates that make scans fast.

Counts in analysis bin i, for nuclei k of the target and flux components c of the source:

    N_i = sum_k N_k sum_c int_{bin i} dT eff(T) int dE phi_c(E) dsigma_k/dT(E, T).

The cross section factorises as G_F^2 M/pi * K(E, T) * Q^2(T), with Q^2 a quadratic form in
(F_Z, F_N) whose coefficients are Z^2, Z N, N^2 times nucleus-independent factors. So

    N_i = sum_alpha [p_ZZ J_ZZ + 2 p_ZN J_ZN(R_n) + p_NN J_NN(R_n)],

with p the coupling factors of :func:`cevnslib.couplings.nucleon_charge_factors` and J the same
integral as N_i but with Z^2 F_Z^2, Z N F_Z F_N, N^2 F_N^2 in place of Q^2, summed over the
target's nuclei: the *templates*.
They are computed once by fixed-order Gauss-Legendre quadrature; any (eps, R_n) then costs array
arithmetic. :func:`counts_quad` is the slow, direct nested ``scipy.integrate.quad`` reference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy.integrate import quad
from scipy.interpolate import make_interp_spline

from . import form_factors
from .constants import SECONDS_PER_DAY
from .couplings import NSI, nucleon_charge_factors
from .cross_section import (
    CrossSectionOptions,
    dsigma_dT,
    e_min_mev,
    kinematic_factor,
    momentum_transfer_mev,
    nuclear_form_factors,
    prefactor_cm2_per_kev,
    t_max_kev,
)
from .detectors import Detector
from .nuclei import Nucleus, Target

@dataclass(frozen=True)
class Quadrature:
    """Settings of the fixed-order Gauss-Legendre quadrature behind the event templates.

    Attributes
    ----------
    energy_nodes, recoil_nodes : nodes per neutrino-energy and per recoil-energy segment (2-200).
    max_energy_segment_mev : neutrino-energy segments are at most this long (MeV, > 0).
    max_recoil_ratio : recoil segments span at most this ratio T_hi/T_lo (> 1).

    The defaults reproduce the direct nested ``quad`` path to better than 1e-10 (see the tests).
    They are part of a setup (:attr:`cevnslib.experiments.Experiment.quadrature`), so templates
    cached for one setting are never returned for another. Raises ValueError for values outside
    the ranges above.
    """

    energy_nodes: int = 24
    recoil_nodes: int = 24
    max_energy_segment_mev: float = 4.0
    max_recoil_ratio: float = 2.0

    def __post_init__(self):
        for name in ("energy_nodes", "recoil_nodes"):
            value = getattr(self, name)
            if not (isinstance(value, int) and not isinstance(value, bool) and 2 <= value <= 200):
                raise ValueError(f"{name} = {value!r} must be an integer in [2, 200]")
        segment = self.max_energy_segment_mev
        if not (isinstance(segment, (int, float)) and math.isfinite(segment) and segment > 0):
            raise ValueError(f"max_energy_segment_mev = {segment!r} must be a finite number > 0")
        ratio = self.max_recoil_ratio
        if not (isinstance(ratio, (int, float)) and math.isfinite(ratio) and ratio > 1):
            raise ValueError(f"max_recoil_ratio = {ratio!r} must be a finite number > 1")


#: Spacing (fm) of the R_n grid on which templates are tabulated for :meth:`EventTemplates.counts`.
RN_GRID_SPACING_FM = 0.1
#: Upper end (fm) of that grid: every nucleus' neutron radius lies well below.
RN_GRID_MAX_FM = 10.0
#: Degree of the spline through the tabulated templates: quintic, within 2e-7 of exact templates.
RN_SPLINE_DEGREE = 5


def default_rn_grid_fm(form_factor: str, spacing_fm: float = RN_GRID_SPACING_FM,
                       max_fm: float = RN_GRID_MAX_FM) -> np.ndarray:
    """R_n grid (fm) for templates with ``form_factor``: from just above its smallest radius to ``max_fm``.

    Every form factor of :mod:`cevnslib.form_factors` has a smallest rms radius (its thickness
    parameter); the grid starts 0.01 fm above it, so scans and fits can reach any radius the model
    allows. Raises ValueError for an unknown form factor.
    """
    lo = form_factors.minimum_radius_fm(form_factor) + 0.01
    n = int(math.ceil((max_fm - lo) / spacing_fm)) + 1
    return np.linspace(lo, max_fm, max(n, RN_SPLINE_DEGREE + 1))


@cache
def _legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    return tuple(_readonly(a) for a in np.polynomial.legendre.leggauss(n))


def _readonly(array) -> np.ndarray:
    """A read-only copy of ``array`` (cached and shared arrays must not be changed by a caller)."""
    out = np.array(array, dtype=float, copy=True)
    out.setflags(write=False)
    return out


def _split(points: np.ndarray, max_length: float | None = None, max_ratio: float | None = None) -> np.ndarray:
    """Refine sorted ``points`` so no interval is longer than max_length or wider than max_ratio."""
    out = [points[0]]
    for a, b in zip(points[:-1], points[1:]):
        n = 1
        if max_length is not None:
            n = max(n, int(np.ceil((b - a) / max_length)))
        if max_ratio is not None and a > 0:
            n = max(n, int(np.ceil(np.log(b / a) / np.log(max_ratio))))
        if max_ratio is not None and a > 0:
            out.extend(np.geomspace(a, b, n + 1)[1:])
        else:
            out.extend(np.linspace(a, b, n + 1)[1:])
    return np.array(out)


def _energy_edges(component, quadrature: Quadrature) -> np.ndarray:
    inner = [p for p in component.breakpoints_mev if component.e_min_mev < p < component.e_max_mev]
    edges = np.unique([component.e_min_mev, *inner, component.e_max_mev])
    return _split(edges, max_length=quadrature.max_energy_segment_mev)


def folded_flux(component, recoil_kev, mass_gev: float, include_t_over_e: bool = False,
                quadrature: Quadrature = Quadrature()) -> np.ndarray:
    """G(T) = int dE phi(E) K(E, T): the flux folded with the kinematic factor, nu/cm^2 [/s].

    ``recoil_kev``: recoil energies T (keV, array of shape (n,)); returns shape (n,). A line of
    fluence Phi at E_0 gives Phi K(E_0, T).
    """
    t = np.atleast_1d(np.asarray(recoil_kev, dtype=float))
    if component.line_mev is not None:
        return component.line_fluence * kinematic_factor(component.line_mev, t, mass_gev, include_t_over_e)
    edges = _energy_edges(component, quadrature)
    a, b = edges[:-1], edges[1:]
    lower = np.clip(e_min_mev(t, mass_gev)[:, None], a, b)
    x, w = _legendre(quadrature.energy_nodes)
    half, mid = (b - lower) / 2.0, (b + lower) / 2.0
    energy = mid[..., None] + half[..., None] * x
    integrand = component.density(energy) * kinematic_factor(energy, t[:, None, None], mass_gev, include_t_over_e)
    return np.sum(integrand * w * half[..., None], axis=(1, 2))


def _max_recoil_kev(source, nucleus: Nucleus) -> float:
    e_max = max(c.line_mev if c.line_mev is not None else c.e_max_mev for c in source.components)
    return float(t_max_kev(e_max, nucleus.mass_gev))


def _recoil_splits_kev(source, detector: Detector, nucleus: Nucleus) -> np.ndarray:
    """Recoil energies where the integrand has kinks or steps: T_max of flux breakpoints and lines."""
    energies = []
    for c in source.components:
        energies.extend([c.line_mev] if c.line_mev is not None else [*c.breakpoints_mev, c.e_max_mev])
    return np.concatenate([t_max_kev(np.array(energies), nucleus.mass_gev), detector.recoil_steps_kev(nucleus)])


def _recoil_quadrature(t_lo: float, t_hi: float, splits: np.ndarray,
                       quadrature: Quadrature) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [t_lo, t_hi], split at ``splits``."""
    if t_hi <= t_lo:
        return np.empty(0), np.empty(0)
    inner = splits[(splits > t_lo) & (splits < t_hi)]
    edges = _split(np.unique([t_lo, *inner, t_hi]), max_ratio=quadrature.max_recoil_ratio)
    a, b = edges[:-1, None], edges[1:, None]
    x, w = _legendre(quadrature.recoil_nodes)
    nodes = (a + b) / 2 + (b - a) / 2 * x
    weights = (b - a) / 2 * w
    return nodes.ravel(), weights.ravel()


def _flavors(source) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.flavor for c in source.components))


def check_threshold(target: Target, source, detector: Detector) -> None:
    """Raise if the detector threshold lies above every recoil the source can produce."""
    reach = []
    for nuc in target.nuclei:
        t_max = _max_recoil_kev(source, nuc)
        if detector.recoil_edges_kev(nuc)[0] < t_max:
            return
        reach.append(float(detector.observable_of(t_max, nuc)))
    raise ValueError(
        f"threshold = {detector.threshold} {detector.observable} is above the kinematic maximum "
        f"{max(reach):.4g} {detector.observable} of target {target.name} with this source"
    )


_TEMPLATE_ARRAYS = ("i_zz", "i_zn_default", "i_nn_default", "rn_grid_fm", "i_zn_grid", "i_nn_grid")


@dataclass(frozen=True, eq=False)
class EventTemplates:
    """Quadratic-form integrals of Eq. 3 for one setup; :meth:`counts` turns couplings into counts.

    The integrals are summed over the target's nuclei with weights Z^2, Z N and N^2 (see
    :func:`~cevnslib.couplings.nucleon_charge_factors`), so arrays are indexed [flavour, bin], with
    a leading R_n axis for the tabulated ones. Immutable: the arrays are read-only copies, so a
    cached instance can be shared safely.
    """

    nuclei: tuple[Nucleus, ...]
    flavors: tuple[str, ...]
    couplings: tuple[float, float]
    i_zz: np.ndarray
    i_zn_default: np.ndarray
    i_nn_default: np.ndarray
    rn_grid_fm: np.ndarray | None = None
    i_zn_grid: np.ndarray | None = None
    i_nn_grid: np.ndarray | None = None

    def __post_init__(self):
        for name in _TEMPLATE_ARRAYS:
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _readonly(value))
        if self.rn_grid_fm is not None:
            object.__setattr__(self, "_zn", make_interp_spline(self.rn_grid_fm, self.i_zn_grid, RN_SPLINE_DEGREE, axis=0))
            object.__setattr__(self, "_nn", make_interp_spline(self.rn_grid_fm, self.i_nn_grid, RN_SPLINE_DEGREE, axis=0))

    @property
    def n_bins(self) -> int:
        """Number of analysis bins."""
        return self.i_zz.shape[-1]

    def summed(self) -> "EventTemplates":
        """The same templates with all analysis bins merged into one (counts are linear in them)."""
        def merge(a):
            return None if a is None else a.sum(axis=-1, keepdims=True)
        return EventTemplates(
            self.nuclei, self.flavors, self.couplings, merge(self.i_zz), merge(self.i_zn_default),
            merge(self.i_nn_default), self.rn_grid_fm, merge(self.i_zn_grid), merge(self.i_nn_grid),
        )

    @property
    def rn_range_fm(self) -> tuple[float, float] | None:
        """(lowest, highest) R_n in fm that :meth:`counts` accepts, or None without a grid."""
        if self.rn_grid_fm is None:
            return None
        return float(self.rn_grid_fm[0]), float(self.rn_grid_fm[-1])

    def _radius_terms(self, rn_fm):
        if rn_fm is None:
            return self.i_zn_default, self.i_nn_default
        if self.rn_grid_fm is None:
            raise ValueError("rn_fm needs templates built with rn_grid_fm=...")
        rn = check_radius_array("rn_fm", rn_fm, self.rn_range_fm)
        return self._zn(rn), self._nn(rn)

    def counts(self, nsi: NSI | None = None, rn_fm=None) -> np.ndarray:
        """Expected counts per bin; NSI fields and ``rn_fm`` may be arrays (they broadcast).

        The result has shape broadcast(NSI fields, rn_fm) + (n_bins,). ``rn_fm=None`` takes the
        templates' default radius (each nucleus' R_p unless built with ``rn_fm``). Raises
        ValueError for an R_n outside :attr:`rn_range_fm` or not a finite number.
        """
        zn, nn = self._radius_terms(rn_fm)
        if (nsi is None or nsi.is_scalar) and zn.ndim == 2:  # one point: a single matrix product
            factors = [nucleon_charge_factors(flavor, nsi, self.couplings) for flavor in self.flavors]
            weights = [p_zz for p_zz, _, _ in factors] + [2.0 * p_zn for _, p_zn, _ in factors] + \
                [p_nn for _, _, p_nn in factors]
            return np.dot(weights, np.concatenate((self.i_zz, zn, nn)))
        total = 0.0
        for j, flavor in enumerate(self.flavors):
            p_zz, p_zn, p_nn = nucleon_charge_factors(flavor, nsi, self.couplings)
            if np.ndim(p_zz) or np.ndim(p_zn) or np.ndim(p_nn):  # NSI arrays: a bin axis goes last
                p_zz, p_zn, p_nn = (np.expand_dims(p, -1) for p in (p_zz, p_zn, p_nn))
            total = total + p_zz * self.i_zz[j] + 2.0 * p_zn * zn[..., j, :] + p_nn * nn[..., j, :]
        return np.asarray(total)


def check_radius_array(name: str, value, allowed: tuple[float, float]) -> np.ndarray:
    """``value`` as a float array, or ValueError naming ``name`` and the allowed range in fm."""
    lo, hi = allowed
    if type(value) is float or type(value) is int:  # the common scalar case, without array overhead
        if lo <= value <= hi:
            return float(value)
        raise ValueError(f"{name} = {value} fm must lie in [{lo:.3f}, {hi:.3f}] fm")
    try:
        radius = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers (fm), got {value!r}") from None
    if isinstance(value, (str, bytes)) or np.asarray(value).dtype.kind in "USO":
        raise ValueError(f"{name} must be a number or an array of numbers (fm), got {value!r}")
    if np.any(~np.isfinite(radius)) or np.any(radius < lo) or np.any(radius > hi):
        raise ValueError(f"{name} = {value} fm must lie in [{lo:.3f}, {hi:.3f}] fm")
    return radius


def build_templates(
    target: Target,
    source,
    detector: Detector,
    mass_kg: float,
    live_time_s: float,
    options: CrossSectionOptions = CrossSectionOptions(),
    rn_grid_fm=None,
    rn_fm: float | None = None,
    quadrature: Quadrature = Quadrature(),
) -> EventTemplates:
    """Event templates for a setup (Gauss-Legendre quadrature; see the module docstring).

    ``rn_grid_fm``: neutron radii (fm, increasing, at least 6) on which I_ZN and I_NN are tabulated
    and interpolated by a quintic spline, so that :meth:`EventTemplates.counts` accepts any R_n in
    that range (one R_n common to all nuclei of the target). ``rn_fm``: the neutron radius used
    when :meth:`EventTemplates.counts` is called without one (default: each nucleus' proton
    radius). Raises ValueError for a bad grid or a threshold above the kinematic maximum.
    """
    check_threshold(target, source, detector)
    flavors = _flavors(source)
    grid = None if rn_grid_fm is None else np.asarray(rn_grid_fm, dtype=float)
    if grid is not None and (grid.ndim != 1 or grid.size <= RN_SPLINE_DEGREE or np.any(np.diff(grid) <= 0)):
        raise ValueError(f"rn_grid_fm must be an increasing 1-D array of at least {RN_SPLINE_DEGREE + 1} radii")
    n_fl, n_bins = len(flavors), detector.n_bins
    i_zz, i_zn0, i_nn0 = (np.zeros((n_fl, n_bins)) for _ in range(3))
    shape_grid = (0 if grid is None else grid.size, n_fl, n_bins)
    i_zn_g, i_nn_g = np.zeros(shape_grid), np.zeros(shape_grid)
    scale = mass_kg * source.exposure_scale(live_time_s)
    ff = form_factors.get(options.form_factor)
    for nuc, per_kg in zip(target.nuclei, target.nuclei_per_kg):
        edges = detector.recoil_edges_kev(nuc)
        t_top = _max_recoil_kev(source, nuc)
        splits = _recoil_splits_kev(source, detector, nuc)
        norm = scale * per_kg * prefactor_cm2_per_kev(nuc.mass_gev)
        zz, zn, nn = nuc.Z * nuc.Z, nuc.Z * nuc.N, nuc.N * nuc.N
        for i in range(n_bins):
            t, w = _recoil_quadrature(edges[i], min(edges[i + 1], t_top), splits, quadrature)
            if t.size == 0:
                continue
            weight = norm * w * detector.efficiency(t, nuc)
            f_z, f_n = nuclear_form_factors(nuc, t, rn_fm, options)
            folded = np.array([
                sum(folded_flux(c, t, nuc.mass_gev, options.include_t_over_e, quadrature)
                    for c in source.components if c.flavor == fl)
                for fl in flavors
            ])
            wg = weight * folded
            i_zz[:, i] += zz * (wg @ f_z**2)
            i_zn0[:, i] += zn * (wg @ (f_z * f_n))
            i_nn0[:, i] += nn * (wg @ f_n**2)
            if grid is not None:
                q = momentum_transfer_mev(t, nuc.mass_gev, options.relativistic_q)
                f_n_grid = ff(q[None, :], grid[:, None])          # (radii, nodes)
                i_zn_g[:, :, i] += zn * ((f_z * f_n_grid) @ wg.T)
                i_nn_g[:, :, i] += nn * (f_n_grid**2 @ wg.T)
    return EventTemplates(
        target.nuclei, flavors, options.nucleon_couplings, i_zz, i_zn0, i_nn0,
        grid, None if grid is None else i_zn_g, None if grid is None else i_nn_g,
    )


def counts_quad(
    target: Target,
    source,
    detector: Detector,
    mass_kg: float,
    live_time_s: float,
    options: CrossSectionOptions = CrossSectionOptions(),
    nsi: NSI | None = None,
    rn_fm: float | None = None,
    epsrel: float = 1e-7,
) -> np.ndarray:
    """Expected counts per bin by direct nested adaptive quadrature of :func:`~cevnslib.cross_section.dsigma_dT` (reference path)."""
    check_threshold(target, source, detector)
    scale = mass_kg * source.exposure_scale(live_time_s)
    counts = np.zeros(detector.n_bins)

    def spectrum_integral(t: float, nuc: Nucleus) -> float:
        total = 0.0
        for c in source.components:
            def xsec(e):
                return float(dsigma_dT(e, t, nuc, c.flavor, nsi, rn_fm, options=options))
            if c.line_mev is not None:
                total += c.line_fluence * xsec(c.line_mev) if t < t_max_kev(c.line_mev, nuc.mass_gev) else 0.0
                continue
            lo = max(float(e_min_mev(t, nuc.mass_gev)), c.e_min_mev)
            if lo >= c.e_max_mev:
                continue
            pts = [p for p in c.breakpoints_mev if lo < p < c.e_max_mev]
            total += quad(lambda e: float(c.density(np.array(e))) * xsec(e), lo, c.e_max_mev,
                          points=pts or None, epsabs=0.0, epsrel=epsrel, limit=400)[0]
        return total

    for nuc, per_kg in zip(target.nuclei, target.nuclei_per_kg):
        edges = detector.recoil_edges_kev(nuc)
        t_top = _max_recoil_kev(source, nuc)
        splits = _recoil_splits_kev(source, detector, nuc)
        for i in range(detector.n_bins):
            lo, hi = edges[i], min(edges[i + 1], t_top)
            if hi <= lo:
                continue
            pts = [s for s in splits if lo < s < hi]
            value = quad(lambda t: float(detector.efficiency(t, nuc)) * spectrum_integral(t, nuc), lo, hi,
                         points=pts or None, epsabs=0.0, epsrel=epsrel, limit=400)[0]
            counts[i] += scale * per_kg * value
    return counts


def event_rate(
    target: Target,
    flux,
    threshold_kev: float,
    nsi: NSI | None = None,
    rn_fm: float | None = None,
    options: CrossSectionOptions = CrossSectionOptions(),
) -> float:
    """Events per kg per day above a nuclear-recoil threshold, for quick numbers.

    For a steady source (reactor) this is a rate; for a source whose fluence covers a whole run
    (pion decay at rest) ``exposure_scale`` ignores the time and the result is per kg over that run.
    """
    if not (np.isfinite(threshold_kev) and threshold_kev >= 0):
        raise ValueError(f"threshold_kev = {threshold_kev} must be finite and >= 0")
    detector = Detector("keVnr", (threshold_kev, np.inf))
    templates = build_templates(target, flux, detector, 1.0, SECONDS_PER_DAY, options, rn_fm=rn_fm)
    return float(templates.counts(nsi)[0])
