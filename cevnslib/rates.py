"""Expected CEvNS events (proceedings Eq. 3): the recoil spectrum, and the event templates that make scans fast.

The recoil spectrum of nucleus k, per keV of recoil over an exposure, is

    dN_k/dT = N_k t G_F^2 M_k / pi * sum_alpha G_alpha(T) Q_alpha^2(T),
    G_alpha(T) = int dE phi_alpha(E) (1 - M T / (2 E^2)),

with N_k the number of nuclei, t the live time (1 for a source whose fluence covers its run) and
G the flux folded with the kinematics (:func:`folded_flux`). :func:`recoil_spectrum` returns it per
nucleus and incident flavour. A detector turns recoils into counts in analysis bins through its
response matrix P_b(T) (the probability that a recoil T is accepted in bin b; see
:mod:`cevnslib.detectors`), so that

    N_b = sum_k int dT P_b(T) dN_k/dT.

Q^2 is a quadratic form in (F_Z, F_N) whose coefficients are Z^2, Z N, N^2 times factors of the
couplings alone (:func:`cevnslib.couplings.nucleon_charge_factors`), so

    N_b = sum_alpha [p_ZZ J_ZZ + 2 p_ZN J_ZN(R_n) + p_NN J_NN(R_n)],

with J the same integral as N_b with Z^2 F_Z^2, Z N F_Z F_N, N^2 F_N^2 in place of Q^2, summed over
the target's nuclei: the *templates*. They are computed once per setup by fixed-order quadrature
(nodes in T, the response matrix evaluated at them), and any (NSI, R_n) then costs array
arithmetic. :func:`counts_quad` is the slow, direct nested ``scipy.integrate.quad`` reference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import form_factors, validation
from .constants import SECONDS_PER_DAY
from .couplings import NSI, charge_coefficients, nucleon_charge_factors
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
from .quadrature import Quadrature, gauss_legendre, piecewise_nodes, refine
from .validation import read_only

#: Spacing (fm) of the R_n grid on which templates are tabulated for :meth:`EventTemplates.counts`.
RN_GRID_SPACING_FM = 0.1
#: Upper end (fm) of that grid: every nucleus' neutron radius lies well below.
RN_GRID_MAX_FM = 10.0
#: Degree of the spline through the tabulated templates: quintic, within 2e-7 of exact templates.
RN_SPLINE_DEGREE = 5


def default_rn_grid_fm(
    form_factor: str, spacing_fm: float = RN_GRID_SPACING_FM, max_fm: float = RN_GRID_MAX_FM
) -> np.ndarray:
    """R_n grid (fm) for templates with ``form_factor``: from just above its smallest radius to ``max_fm``.

    Every form factor of :mod:`cevnslib.form_factors` has a smallest rms radius (its thickness
    parameter); the grid starts 0.01 fm above it, so scans and fits can reach any radius the model
    allows. Raises ValueError for an unknown form factor.
    """
    lo = form_factors.minimum_radius_fm(form_factor) + 0.01
    n = int(math.ceil((max_fm - lo) / spacing_fm)) + 1
    return np.linspace(lo, max_fm, max(n, RN_SPLINE_DEGREE + 1))


def folded_flux(
    component, recoil_kev, mass_gev: float, include_t_over_e: bool = False, quadrature: Quadrature = Quadrature()
) -> np.ndarray:
    """G(T) = int dE phi(E) K(E, T): the flux folded with the kinematic factor, nu/cm^2 [/s].

    ``recoil_kev``: recoil energies T (keV, array of shape (n,)); returns shape (n,). A line of
    fluence Phi at E_0 gives Phi K(E_0, T).
    """
    t = np.atleast_1d(np.asarray(recoil_kev, dtype=float))
    if component.line_mev is not None:
        return component.line_fluence * kinematic_factor(component.line_mev, t, mass_gev, include_t_over_e)
    inner = [p for p in component.breakpoints_mev if component.e_min_mev < p < component.e_max_mev]
    edges = refine(
        np.unique([component.e_min_mev, *inner, component.e_max_mev]), max_length=quadrature.max_energy_segment_mev
    )
    a, b = edges[:-1], edges[1:]
    lower = np.clip(e_min_mev(t, mass_gev)[:, None], a, b)
    x, w = gauss_legendre(quadrature.energy_nodes)
    half, mid = (b - lower) / 2.0, (b + lower) / 2.0
    energy = mid[..., None] + half[..., None] * x
    integrand = component.density(energy) * kinematic_factor(energy, t[:, None, None], mass_gev, include_t_over_e)
    return np.sum(integrand * w * half[..., None], axis=(1, 2))


def max_recoil_kev(source, nucleus: Nucleus) -> float:
    """The largest recoil energy (keVnr) any neutrino of ``source`` can give ``nucleus``."""
    e_max = max(c.line_mev if c.line_mev is not None else c.e_max_mev for c in source.components)
    return float(t_max_kev(e_max, nucleus.mass_gev))


def _flux_kinks_kev(source, nucleus: Nucleus) -> np.ndarray:
    """Recoil energies where the spectrum has kinks or steps: T_max of flux breakpoints and lines."""
    energies = []
    for c in source.components:
        energies.extend([c.line_mev] if c.line_mev is not None else [*c.breakpoints_mev, c.e_max_mev])
    return t_max_kev(np.array(energies), nucleus.mass_gev)


def _flavors(source) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.flavor for c in source.components))


def _spectrum_factors(
    target: Target,
    source,
    mass_kg: float,
    live_time_s: float,
    options: CrossSectionOptions,
    quadrature: Quadrature,
    k: int,
    recoil_kev: np.ndarray,
) -> np.ndarray:
    """N_k t G_F^2 M/pi G_alpha(T) for nucleus k: dN_k/dT per unit Q^2, shape (flavours, n), per keVnr.

    The one place where a recoil spectrum is assembled: :func:`recoil_spectrum` multiplies it by
    Q^2, :func:`build_templates` by the Z^2 F_Z^2, Z N F_Z F_N, N^2 F_N^2 parts of Q^2.
    """
    nuc = target.nuclei[k]
    norm = mass_kg * source.exposure_scale(live_time_s) * target.nuclei_per_kg[k] * prefactor_cm2_per_kev(nuc.mass_gev)
    t = np.ascontiguousarray(recoil_kev, dtype=float)
    return norm * _folded_by_flavor(source, nuc.mass_gev, t.tobytes(), options.include_t_over_e, quadrature)


@lru_cache(maxsize=64)
def _folded_by_flavor(
    source, mass_gev: float, recoil_bytes: bytes, include_t_over_e: bool, quadrature: Quadrature
) -> np.ndarray:
    """G_alpha(T) summed over the source's components of each flavour, shape (flavours, n); cached.

    Sources and quadrature settings are immutable, so the cache (keyed by the source object, the
    nuclear mass and the recoil energies) can never be stale; the arrays it returns are read-only.
    An explorer that redraws a spectrum for every slider move folds the flux once.
    """
    recoil_kev = np.frombuffer(recoil_bytes, dtype=float)
    return read_only(
        [
            sum(
                folded_flux(c, recoil_kev, mass_gev, include_t_over_e, quadrature)
                for c in source.components
                if c.flavor == flavor
            )
            for flavor in _flavors(source)
        ]
    )


@dataclass(frozen=True)
class RecoilSpectrum:
    """dN/dT of a setup per nucleus and incident flavour: events per keVnr over its exposure.

    ``dn_dt`` has shape (nuclei, flavours, recoil energies); ``total`` sums nuclei and flavours.
    Arrays are read-only.
    """

    recoil_kev: np.ndarray
    nuclei: tuple[Nucleus, ...]
    flavors: tuple[str, ...]
    dn_dt: np.ndarray
    unit: str

    @property
    def total(self) -> np.ndarray:
        """dN/dT summed over nuclei and flavours, shape (recoil energies,)."""
        return self.dn_dt.sum(axis=(0, 1))

    def per_nucleus(self) -> dict[str, np.ndarray]:
        """dN/dT of each nucleus (summed over flavours), keyed by the nucleus' name."""
        return {nuc.name: self.dn_dt[k].sum(axis=0) for k, nuc in enumerate(self.nuclei)}


def recoil_spectrum(
    target: Target,
    source,
    recoil_kev,
    nsi: NSI | None = None,
    rn_fm=None,
    *,
    mass_kg: float = 1.0,
    live_time_s: float = SECONDS_PER_DAY,
    options: CrossSectionOptions = CrossSectionOptions(),
    quadrature: Quadrature = Quadrature(),
    nucleus_rn_fm: tuple | None = None,
) -> RecoilSpectrum:
    """The recoil spectrum dN/dT (events per keVnr) of ``target`` in the flux of ``source``.

    ``recoil_kev``: nuclear recoil energies T (keVnr, 1-D, >= 0); ``nsi``, ``rn_fm``: the physics
    point (default the SM with R_n = R_p; scalars: one spectrum per point); ``nucleus_rn_fm``: one
    R_n per nucleus of the target instead of the common ``rn_fm``. The exposure is
    ``mass_kg`` over ``live_time_s`` (default 1 kg for a day, so that a reactor's spectrum is per
    kg per day); a pion-decay-at-rest source covers its whole run, whatever ``live_time_s``.
    :meth:`cevnslib.experiments.Experiment.recoil_spectrum` fills these in from a setup.

    >>> from cevnslib.nuclei import target
    >>> from cevnslib.fluxes import ReactorFlux
    >>> spectrum = recoil_spectrum(target("Ge"), ReactorFlux(3.9, 17.1), [0.5, 1.0])
    >>> spectrum.unit, [f"{x:.4g}" for x in spectrum.total]
    ('events / keVnr over 1 kg x 1 d', ['62.93', '5.19'])

    Raises ValueError for recoil energies that are negative or not finite, a bad mass or live time,
    an R_n outside the form factor's domain, both ``rn_fm`` and ``nucleus_rn_fm``, or a wrong
    number of radii.
    """
    t = np.asarray(recoil_kev, dtype=float)
    if t.ndim != 1 or not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError(f"recoil_kev must be a 1-D array of finite recoil energies >= 0 keVnr, got {recoil_kev!r}")
    mass_kg = validation.positive("mass_kg", mass_kg)
    live_time_s = validation.positive("live_time_s", live_time_s)
    radii = _per_nucleus_radii(target, rn_fm, nucleus_rn_fm)
    smallest = form_factors.minimum_radius_fm(options.form_factor)
    for name, rn in zip(("rn_fm",) if nucleus_rn_fm is None else ("nucleus_rn_fm",) * len(radii), radii):
        if rn is not None:
            validation.number(name, rn, smallest, low_open=True)
    flavors = _flavors(source)
    out = np.zeros((len(target.nuclei), len(flavors), t.size))
    for k, nuc in enumerate(target.nuclei):
        factors = _spectrum_factors(target, source, mass_kg, live_time_s, options, quadrature, k, t)
        f_z, f_n = nuclear_form_factors(nuc, t, radii[k], options)
        for j, flavor in enumerate(flavors):
            c_zz, c_zn, c_nn = charge_coefficients(nuc.Z, nuc.N, flavor, nsi, options.nucleon_couplings)
            out[k, j] = factors[j] * (c_zz * f_z**2 + 2.0 * c_zn * f_z * f_n + c_nn * f_n**2)
    days = live_time_s / SECONDS_PER_DAY
    unit = (
        f"events / keVnr over {mass_kg:g} kg x {days:g} d"
        if source.exposure_scale(live_time_s) != 1.0
        else f"events / keVnr over {mass_kg:g} kg x the source's run"
    )
    return RecoilSpectrum(read_only(t), tuple(target.nuclei), flavors, read_only(out), unit)


def check_threshold(target: Target, source, detector: Detector) -> None:
    """Raise ValueError if the detector's threshold lies above every recoil the source can produce."""
    reach = []
    for nuc in target.nuclei:
        t_max = max_recoil_kev(source, nuc)
        if detector.recoil_support_kev(nuc)[0] < t_max:
            return
        reach.append(float(detector.observable_of(t_max, nuc)))
    parameter = {"keVee": "threshold_kevee", "keVnr": "threshold_kevnr"}.get(detector.observable, "the lowest bin edge")
    raise ValueError(
        f"{parameter} = {detector.threshold} {detector.observable} is above the kinematic maximum "
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
                object.__setattr__(self, name, read_only(value))
        if self.rn_grid_fm is not None:
            from scipy.interpolate import make_interp_spline

            for name, values in (("_zn", self.i_zn_grid), ("_nn", self.i_nn_grid)):
                spline = make_interp_spline(self.rn_grid_fm, values, RN_SPLINE_DEGREE, axis=0)
                spline.c.setflags(write=False)
                spline.t.setflags(write=False)
                object.__setattr__(self, name, spline)

    @property
    def n_bins(self) -> int:
        """Number of analysis bins."""
        return self.i_zz.shape[-1]

    def summed(self) -> EventTemplates:
        """The same templates with all analysis bins merged into one (counts are linear in them)."""

        def merge(a):
            return None if a is None else a.sum(axis=-1, keepdims=True)

        return EventTemplates(
            self.nuclei,
            self.flavors,
            self.couplings,
            merge(self.i_zz),
            merge(self.i_zn_default),
            merge(self.i_nn_default),
            self.rn_grid_fm,
            merge(self.i_zn_grid),
            merge(self.i_nn_grid),
        )

    def of_flavor(self, flavor: str) -> EventTemplates:
        """The part that one incident flavour (``"e"``, ``"mu"``, ...) contributes: its counts are that
        flavour's expected events per bin. Raises ValueError for a flavour the templates do not hold.
        """
        if flavor not in self.flavors:
            raise ValueError(f"flavor {flavor!r} is not among the templates' flavours {self.flavors}")
        j = self.flavors.index(flavor)

        def cut(a, axis):
            return None if a is None else np.take(a, [j], axis=axis)

        return EventTemplates(
            self.nuclei,
            (flavor,),
            self.couplings,
            cut(self.i_zz, 0),
            cut(self.i_zn_default, 0),
            cut(self.i_nn_default, 0),
            self.rn_grid_fm,
            cut(self.i_zn_grid, 1),
            cut(self.i_nn_grid, 1),
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
        ValueError for an R_n outside :attr:`rn_range_fm` or not a finite number, or NSI fields and
        ``rn_fm`` whose shapes do not broadcast; TypeError for ``nsi`` that is not an NSI.
        """
        check_broadcast(nsi, rn_fm)
        zn, nn = self._radius_terms(rn_fm)
        if (nsi is None or nsi.is_scalar) and zn.ndim == 2:  # one point: a single matrix product
            factors = [nucleon_charge_factors(flavor, nsi, self.couplings) for flavor in self.flavors]
            weights = (
                [p_zz for p_zz, _, _ in factors]
                + [2.0 * p_zn for _, p_zn, _ in factors]
                + [p_nn for _, _, p_nn in factors]
            )
            return np.dot(weights, np.concatenate((self.i_zz, zn, nn)))
        total = 0.0
        for j, flavor in enumerate(self.flavors):
            p_zz, p_zn, p_nn = nucleon_charge_factors(flavor, nsi, self.couplings)
            if np.ndim(p_zz) or np.ndim(p_zn) or np.ndim(p_nn):  # NSI arrays: a bin axis goes last
                p_zz, p_zn, p_nn = (np.expand_dims(p, -1) for p in (p_zz, p_zn, p_nn))
            total = total + p_zz * self.i_zz[j] + 2.0 * p_zn * zn[..., j, :] + p_nn * nn[..., j, :]
        return np.asarray(total)


#: How one fitted R_n sets the neutron radius of every nucleus of a compound target [choice; the
#: Assumptions page]: ``"common"``: every nucleus has R_n = ``rn_fm`` (one radius for the target, as
#: the paper's fits take it); ``"skin"``: every nucleus has the same neutron skin, R_n^k = R_p^k +
#: (``rn_fm`` - R_p^ref), with ``rn_fm`` the R_n of the reference nucleus, the heaviest (iodine in NaI).
NEUTRON_RADIUS_MODELS = ("common", "skin")


def reference_nucleus(nuclei) -> int:
    """Index of the heaviest nucleus: the one whose R_n a ``"skin"`` model's ``rn_fm`` is."""
    return int(np.argmax([nuc.mass_gev for nuc in nuclei]))


def nucleus_radii_fm(
    nuclei, rn_fm, model: str = "common", options: CrossSectionOptions = CrossSectionOptions()
) -> tuple:
    """The neutron radius (fm) of each nucleus for one fitted ``rn_fm`` under ``model``.

    ``model``: one of :data:`NEUTRON_RADIUS_MODELS`; R_p in the proton-radius convention of
    ``options``. ``rn_fm`` may be an array (each entry of the result then is one); None gives None
    for every nucleus (each nucleus' default, its R_p). Raises ValueError for an unknown model.

    >>> from cevnslib.nuclei import target
    >>> [f"{r:.3f}" for r in nucleus_radii_fm(target("NaI").nuclei, 5.0, "skin")]
    ['3.244', '5.000']
    """
    validation.choice("model", model, NEUTRON_RADIUS_MODELS)
    if rn_fm is None:
        return (None,) * len(nuclei)
    if model == "common":
        return (rn_fm,) * len(nuclei)
    proton = [nuc.proton_radius_fm(options.proton_radius) for nuc in nuclei]
    ref = reference_nucleus(nuclei)
    return tuple(rn_fm if k == ref else rn_fm + (rp - proton[ref]) for k, rp in enumerate(proton))


@dataclass(frozen=True, eq=False)
class NeutronSkinTemplates:
    """Templates of a compound whose nuclei share one neutron skin: the ``"skin"`` model.

    ``parts`` holds one :class:`EventTemplates` per nucleus (built with ``nucleus=k``, each on an
    R_n grid); ``skin_offsets_fm`` = R_p^k - R_p^ref, so that :meth:`counts` with ``rn_fm`` (the R_n
    of the reference nucleus) gives nucleus k the radius ``rn_fm`` + offset. The same interface as
    :class:`EventTemplates` (``counts``, ``summed``, ``n_bins``, ``rn_range_fm``), so fits take either.
    Immutable: the parts are. Raises ValueError for parts and offsets of different lengths, or a
    part without an R_n grid.
    """

    parts: tuple[EventTemplates, ...]
    skin_offsets_fm: tuple[float, ...]

    def __post_init__(self):
        if len(self.parts) != len(self.skin_offsets_fm) or not self.parts:
            raise ValueError("parts and skin_offsets_fm must hold one entry per nucleus (at least one)")
        if any(p.rn_grid_fm is None for p in self.parts):
            raise ValueError("every part needs templates built with rn_grid_fm=...")

    @property
    def nuclei(self) -> tuple[Nucleus, ...]:
        """The target's nuclei, one per part."""
        return tuple(nuc for p in self.parts for nuc in p.nuclei)

    @property
    def flavors(self) -> tuple[str, ...]:
        """Incident flavours (the same in every part)."""
        return self.parts[0].flavors

    @property
    def couplings(self) -> tuple[float, float]:
        """Nucleon couplings (g_V^p, g_V^n) of the templates."""
        return self.parts[0].couplings

    @property
    def n_bins(self) -> int:
        """Number of analysis bins."""
        return self.parts[0].n_bins

    @property
    def i_zz(self) -> np.ndarray:
        """I_ZZ summed over the nuclei, [flavour, bin] (see :class:`EventTemplates`)."""
        return read_only(sum(p.i_zz for p in self.parts))

    @property
    def i_zn_default(self) -> np.ndarray:
        """I_ZN at each nucleus' default radius, summed over the nuclei, [flavour, bin]."""
        return read_only(sum(p.i_zn_default for p in self.parts))

    @property
    def i_nn_default(self) -> np.ndarray:
        """I_NN at each nucleus' default radius, summed over the nuclei, [flavour, bin]."""
        return read_only(sum(p.i_nn_default for p in self.parts))

    @property
    def rn_range_fm(self) -> tuple[float, float]:
        """(lowest, highest) R_n (fm) of the reference nucleus that keeps every nucleus on its grid."""
        lo = max(p.rn_range_fm[0] - off for p, off in zip(self.parts, self.skin_offsets_fm))
        hi = min(p.rn_range_fm[1] - off for p, off in zip(self.parts, self.skin_offsets_fm))
        return float(lo), float(hi)

    def summed(self) -> NeutronSkinTemplates:
        """The same templates with all analysis bins merged into one."""
        return NeutronSkinTemplates(tuple(p.summed() for p in self.parts), self.skin_offsets_fm)

    def of_flavor(self, flavor: str) -> NeutronSkinTemplates:
        """The part one incident flavour contributes (see :meth:`EventTemplates.of_flavor`).

        Raises ValueError for a flavour the templates do not hold.
        """
        return NeutronSkinTemplates(tuple(p.of_flavor(flavor) for p in self.parts), self.skin_offsets_fm)

    def counts(self, nsi: NSI | None = None, rn_fm=None) -> np.ndarray:
        """Expected counts per bin, shape broadcast(NSI fields, rn_fm) + (n_bins,).

        ``rn_fm``: the R_n of the reference nucleus (default: every nucleus at its R_p, no skin).
        Raises ValueError for an ``rn_fm`` that puts a nucleus outside its templates' grid (the
        message gives the allowed range), or NSI fields and ``rn_fm`` whose shapes do not broadcast.
        """
        check_broadcast(nsi, rn_fm)
        if rn_fm is None:
            return sum(p.counts(nsi) for p in self.parts)
        rn = check_radius_array(
            "rn_fm (the reference nucleus' R_n; the others share its skin)", rn_fm, self.rn_range_fm
        )
        # np.clip only absorbs the last-bit rounding of rn + offset at the ends of the range checked above
        return sum(p.counts(nsi, np.clip(rn + off, *p.rn_range_fm)) for p, off in zip(self.parts, self.skin_offsets_fm))


def check_broadcast(nsi, rn_fm) -> None:
    """TypeError unless ``nsi`` is an NSI or None; ValueError if its fields' shape and ``rn_fm``'s do not broadcast."""
    if nsi is not None and not isinstance(nsi, NSI):
        raise TypeError(f"nsi must be a cevnslib.couplings.NSI (or None), got {type(nsi).__name__}")
    if nsi is not None and rn_fm is not None and not nsi.is_scalar and np.ndim(rn_fm):
        try:
            np.broadcast_shapes(nsi.shape, np.shape(rn_fm))
        except ValueError:
            raise ValueError(
                f"the NSI couplings (shape {nsi.shape}) and rn_fm (shape {np.shape(rn_fm)}) must "
                "broadcast: e.g. couplings on one axis and radii on another, NSI(ee_d=eps[None, :]) "
                "with rn_fm=radii[:, None]"
            ) from None


def check_radius_array(name: str, value, allowed: tuple[float, float]) -> np.ndarray:
    """``value`` as a float array, or ValueError naming ``name`` and the allowed range in fm."""
    lo, hi = allowed
    if type(value) is float or type(value) is int or isinstance(value, (np.floating, np.integer)):
        if lo <= value <= hi:  # the common scalar case, without array overhead
            return float(value)
        raise ValueError(f"{name} = {value} fm must be a finite number in [{lo:.3f}, {hi:.3f}] fm")
    radius = validation.real_array(name, value, finite=False)  # strings, booleans, complex: refused
    if np.any(~np.isfinite(radius)) or np.any(radius < lo) or np.any(radius > hi):
        raise ValueError(f"{name} = {value} fm must be a finite number in [{lo:.3f}, {hi:.3f}] fm")
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
    nucleus: int | None = None,
) -> EventTemplates:
    """Event templates for a setup: the spectrum's parts folded through the detector's response matrix.

    For each nucleus, Gauss-Legendre nodes in T cover the response's support, split at its
    discontinuities and the flux's kinks; the response matrix P_b(T) is evaluated at the nodes once
    (:meth:`~cevnslib.detectors.Detector.response_matrix`), and every template is that matrix
    applied to the weighted parts of the spectrum. ``rn_grid_fm``: neutron radii (fm, increasing, at
    least 6) on which I_ZN and I_NN are tabulated and interpolated by a quintic spline, so that
    :meth:`EventTemplates.counts` accepts any R_n in that range (one R_n common to all nuclei of the
    target). ``rn_fm``: the neutron radius used when :meth:`EventTemplates.counts` is called without
    one (default: each nucleus' proton radius). ``nucleus``: the index (into ``target.nuclei``) of
    the one nucleus whose events the templates hold, its share of the target's nuclei kept (default
    None: every nucleus, summed), so that each nucleus of a compound can take its own R_n (Cs and I
    of CsI). Raises ValueError for a bad grid, a nucleus index out of range or a threshold above
    the kinematic maximum.
    """
    check_threshold(target, source, detector)
    chosen = (
        range(len(target.nuclei))
        if nucleus is None
        else (validation.integer("nucleus", nucleus, 0, len(target.nuclei) - 1),)
    )
    flavors = _flavors(source)
    grid = None if rn_grid_fm is None else np.asarray(rn_grid_fm, dtype=float)
    if grid is not None and (grid.ndim != 1 or grid.size <= RN_SPLINE_DEGREE or np.any(np.diff(grid) <= 0)):
        raise ValueError(f"rn_grid_fm must be an increasing 1-D array of at least {RN_SPLINE_DEGREE + 1} radii")
    n_fl, n_bins = len(flavors), detector.n_bins
    i_zz, i_zn0, i_nn0 = (np.zeros((n_fl, n_bins)) for _ in range(3))
    shape_grid = (0 if grid is None else grid.size, n_fl, n_bins)
    i_zn_g, i_nn_g = np.zeros(shape_grid), np.zeros(shape_grid)
    ff = form_factors.get(options.form_factor)
    for k in chosen:
        nuc = target.nuclei[k]
        lo, hi = detector.recoil_support_kev(nuc)
        breaks = np.concatenate([detector.recoil_breaks_kev(nuc), _flux_kinks_kev(source, nuc)])
        t, w = piecewise_nodes(
            lo,
            min(hi, max_recoil_kev(source, nuc)),
            breaks,
            quadrature.recoil_nodes,
            max_ratio=quadrature.max_recoil_ratio,
        )
        if t.size == 0:
            continue
        response = detector.response_matrix(t, nuc)  # (bins, nodes)
        weighted = w * _spectrum_factors(target, source, mass_kg, live_time_s, options, quadrature, k, t)
        f_z, f_n = nuclear_form_factors(nuc, t, rn_fm, options)
        zz, zn, nn = nuc.Z * nuc.Z, nuc.Z * nuc.N, nuc.N * nuc.N
        i_zz += zz * (weighted * f_z**2) @ response.T
        i_zn0 += zn * (weighted * (f_z * f_n)) @ response.T
        i_nn0 += nn * (weighted * f_n**2) @ response.T
        if grid is not None:
            q = momentum_transfer_mev(t, nuc.mass_gev, options.relativistic_q)
            f_n_grid = ff(q[None, :], grid[:, None])  # (radii, nodes)
            i_zn_g += zn * np.einsum("rn,fn,bn->rfb", f_z * f_n_grid, weighted, response)
            i_nn_g += nn * np.einsum("rn,fn,bn->rfb", f_n_grid**2, weighted, response)
    return EventTemplates(
        tuple(target.nuclei[k] for k in chosen),
        flavors,
        options.nucleon_couplings,
        i_zz,
        i_zn0,
        i_nn0,
        grid,
        None if grid is None else i_zn_g,
        None if grid is None else i_nn_g,
    )


def _per_nucleus_radii(target: Target, rn_fm, nucleus_rn_fm) -> tuple:
    """One R_n (or None) per nucleus of ``target`` from a common ``rn_fm`` or a per-nucleus ``nucleus_rn_fm``."""
    if nucleus_rn_fm is None:
        return (rn_fm,) * len(target.nuclei)
    if rn_fm is not None:
        raise ValueError("give rn_fm (one R_n for every nucleus) or nucleus_rn_fm (one per nucleus), not both")
    if (
        isinstance(nucleus_rn_fm, (str, bytes))
        or not hasattr(nucleus_rn_fm, "__len__")
        or len(nucleus_rn_fm) != len(target.nuclei)
    ):
        names = tuple(nuc.name for nuc in target.nuclei)
        raise ValueError(f"nucleus_rn_fm must hold one R_n (fm) per nucleus {names}, got {nucleus_rn_fm!r}")
    return tuple(nucleus_rn_fm)


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
    *,
    nucleus_rn_fm: tuple | None = None,
) -> np.ndarray:
    """Expected counts per bin by direct nested adaptive quadrature of :func:`~cevnslib.cross_section.dsigma_dT`.

    The slow reference path of :func:`build_templates`: for each bin, int dT P_b(T) int dE phi(E)
    dsigma/dT with ``scipy.integrate.quad`` (relative tolerance ``epsrel``), split at the response's
    discontinuities and the flux's kinks. ``rn_fm``: one R_n for every nucleus; ``nucleus_rn_fm``:
    one per nucleus of the target instead (None entries: that nucleus' R_p). Raises ValueError like
    :func:`build_templates`, or for both ``rn_fm`` and ``nucleus_rn_fm``, or a wrong number of radii.
    """
    from scipy.integrate import quad

    check_threshold(target, source, detector)
    radii = _per_nucleus_radii(target, rn_fm, nucleus_rn_fm)
    scale = mass_kg * source.exposure_scale(live_time_s)
    counts = np.zeros(detector.n_bins)

    def spectrum_integral(t: float, nuc: Nucleus, rn_fm) -> float:
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
            total += quad(
                lambda e: float(c.density(np.array(e))) * xsec(e),
                lo,
                c.e_max_mev,
                points=pts or None,
                epsabs=0.0,
                epsrel=epsrel,
                limit=400,
            )[0]
        return total

    for nuc, per_kg, rn in zip(target.nuclei, target.nuclei_per_kg, radii):
        lo, hi = detector.recoil_support_kev(nuc)
        hi = min(hi, max_recoil_kev(source, nuc))
        breaks = np.concatenate([detector.recoil_breaks_kev(nuc), _flux_kinks_kev(source, nuc)])
        points = sorted({float(x) for x in breaks if lo < x < hi}) or None
        for i in range(detector.n_bins):

            def integrand(t, i=i):
                probability = float(detector.response_matrix(np.array([t]), nuc)[i, 0])
                return probability * spectrum_integral(t, nuc, rn) if probability > 0 else 0.0

            if hi > lo:
                value = quad(integrand, lo, hi, points=points, epsabs=0.0, epsrel=epsrel, limit=800)[0]
                counts[i] += scale * per_kg * value
    return counts


def rate_per_kg_day(
    target: Target,
    source,
    threshold_kevnr: float,
    nsi: NSI | None = None,
    rn_fm: float | None = None,
    options: CrossSectionOptions = CrossSectionOptions(),
) -> float:
    """Events per kg per day above a nuclear-recoil threshold, for a steady source (a reactor).

    >>> from cevnslib.nuclei import target
    >>> from cevnslib.fluxes import ReactorFlux
    >>> f"{rate_per_kg_day(target('Ge'), ReactorFlux(3.9, 17.1), 0.5):.4g}"
    '12.29'

    Raises ValueError for a threshold that is negative, not finite or above the kinematic maximum,
    and for a source whose fluence covers a whole run (pion decay at rest: use an
    :class:`~cevnslib.experiments.Experiment` and its counts over the run instead).
    """
    threshold_kevnr = validation.number("threshold_kevnr", threshold_kevnr, 0.0)
    if source.exposure_scale(SECONDS_PER_DAY) == 1.0:
        raise ValueError(
            "rate_per_kg_day needs a steady source (counts grow with live time); this source's "
            "fluence covers a whole run: use experiments.Experiment(...).predict() for its counts"
        )
    detector = Detector("keVnr", (threshold_kevnr, np.inf))
    templates = build_templates(target, source, detector, 1.0, SECONDS_PER_DAY, options, rn_fm=rn_fm)
    return float(templates.counts(nsi)[0])
