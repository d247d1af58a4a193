"""The setups as ready objects: the paper's four (CONUS, CONNIE, COHERENT CsI 2017, COHERENT NaI), the
COHERENT CsI[Na] full data set (COHERENT-CsI-2021) and the COHERENT CENNS-10 liquid-argon data
(COHERENT-LAr-2020).

``get(name, **overrides)`` builds one; every default is a published fact or a choice listed in the
book's Assumptions table, and every one can be overridden, e.g.
``get("CONUS", threshold_kevee=0.3, mass_kg=1.0)`` or ``get("CONNIE", low_energy="cut")``.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field, fields
from functools import cache, cached_property, lru_cache
from importlib.resources import files
from types import MappingProxyType

import numpy as np

from . import validation
from .arrival_time import ArrivalTimeBins, ProtonPulse
from .coherent_csi_2021 import DEFAULT_PE_EDGES, DEFAULT_TIME_EDGES_US, CsI2021Data, csi_2021_data
from .coherent_lar_2020 import F90_VARIANTS, LAr2020Data, lar_2020_data
from .constants import DAYS_PER_YEAR, SECONDS_PER_DAY
from .couplings import NSI
from .cross_section import CrossSectionOptions
from .detectors import (
    COHERENT_2017_ACCEPTANCE_STEPS_PE,
    ConstantQuenching,
    Detector,
    LindhardQuenching,
    coherent_2017_acceptance,
)
from .fluxes import PionDecayAtRest, ReactorFlux
from .form_factors import minimum_radius_fm
from .nuclei import Target, nucleus, target
from .quadrature import Quadrature
from .rates import (
    NEUTRON_RADIUS_MODELS,
    EventTemplates,
    NeutronSkinTemplates,
    RecoilSpectrum,
    build_templates,
    check_threshold,
    counts_quad,
    default_rn_grid_fm,
    max_recoil_kev,
    nucleus_radii_fm,
    recoil_spectrum,
)
from .response import (
    F90Shares,
    GammaResolution,
    GaussianResolution,
    LinearQuenching,
    SmearedEnergyDetector,
    SmearedPEDetector,
)
from .validation import freeze


def _read_csv(name: str) -> np.ndarray:
    text = (files("cevnslib") / "data" / name).read_text()
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    return freeze(np.genfromtxt(rows, delimiter=",", names=True))


@dataclass(frozen=True)
class CsI2017Data:
    """COHERENT CsI[Na] 2017 data (arXiv:1708.01294; release arXiv:1804.09459), t < 6 us, 6-30 PE.

    Immutable: every array is read-only, so the one cached instance is safe to share.
    """

    pe_edges: np.ndarray
    coincidence: np.ndarray
    anticoincidence: np.ndarray
    energy_time: np.ndarray
    time_edges_us: np.ndarray
    brn_pe_per_gwh: np.ndarray
    arrival_time: np.ndarray
    #: Beam energy on target in GWh [data release].
    beam_energy_gwh: float = 7.47594
    #: Beam-on and beam-off live days [data release].
    beam_on_live_days: float = 308.1
    beam_off_live_days: float = 153.5
    #: Fractional uncertainty of the beam-related-neutron normalisation [COHERENT 2017]. (The signal's
    #: 28% is the setup's ``systematic``.)
    brn_systematic: float = 0.25

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):  # a read-only copy: the caller's array stays as it was
                object.__setattr__(self, f.name, freeze(value.copy()))

    @property
    def excess(self) -> np.ndarray:
        """Coincidence minus anti-coincidence counts per PE bin: the background-subtracted signal."""
        return self.coincidence - self.anticoincidence

    def brn_expected(self) -> np.ndarray:
        """Expected beam-related-neutron counts per PE bin in t < 6 us.

        The release's PE spectrum (per GWh, per 1-PE bin) is folded with the signal acceptance at
        each 1-PE bin centre and with the fraction of prompt-neutron arrivals before 6 us.
        """
        lo, hi = self.brn_pe_per_gwh["pe_lo"], self.brn_pe_per_gwh["pe_hi"]
        rate = self.brn_pe_per_gwh["events_per_gwh"] * coherent_2017_acceptance((lo + hi) / 2)
        t_window = self.arrival_time["t_hi_us"] <= self.time_edges_us[-1]
        time_fraction = self.arrival_time["prompt_neutron"][t_window].sum()
        out = np.array([rate[(lo >= a) & (hi <= b)].sum() for a, b in zip(self.pe_edges[:-1], self.pe_edges[1:])])
        return out * self.beam_energy_gwh * time_fraction


@cache
def csi_2017_data() -> CsI2017Data:
    """Load the COHERENT CsI 2017 data shipped in ``cevnslib/data``."""
    spectrum = _read_csv("coherent_csi_2017_spectrum.csv")
    table = _read_csv("coherent_csi_2017_energy_time.csv")
    pe_edges = np.append(spectrum["pe_lo"], spectrum["pe_hi"][-1])
    time_edges = np.unique(np.concatenate([table["t_lo_us"], table["t_hi_us"]]))
    shape = (pe_edges.size - 1, time_edges.size - 1)
    energy_time = {k: table[k].reshape(shape) for k in ("c_on", "ac_on", "c_off", "ac_off")}
    return CsI2017Data(
        pe_edges=pe_edges,
        coincidence=spectrum["coincidence"],
        anticoincidence=spectrum["anticoincidence"],
        energy_time=freeze(np.rec.fromarrays(list(energy_time.values()), names=list(energy_time))),
        time_edges_us=time_edges,
        brn_pe_per_gwh=_read_csv("coherent_csi_2017_brn_pe.csv"),
        arrival_time=_read_csv("coherent_csi_2017_arrival_time.csv"),
    )


#: Range (powers of ten) that the exposure of a setup, mass x nuclei per kg x live time x flux per
#: cm^2, must lie in: beyond it the expected counts overflow to inf or underflow to 0.
_EXPOSURE_LOG10_RANGE = (-250.0, 250.0)


@dataclass(frozen=True)
class Experiment:
    """One CEvNS setup: target, source, detector response and exposure. Immutable once validated.

    Attributes
    ----------
    name : setup name as accepted by :func:`get`.
    target : detector material.
    mass_kg : target mass in kg.
    source : a :class:`~cevnslib.fluxes.ReactorFlux` or :class:`~cevnslib.fluxes.PionDecayAtRest`.
    detector : response and analysis bins.
    live_time_s : live time in s (a reactor's exposure; the pion source's POT covers its run).
    systematic : fractional normalisation uncertainty of the signal.
    options : cross-section choices.
    data : observed data, where the setup has any.
    quadrature : settings of the quadrature behind the event templates.
    arrival_time : arrival-time bins of a pulsed pion source (prompt and delayed shares per bin), for
        :meth:`predict_energy_time`; None where the setup has no time axis.
    pulse_shape : the share of each energy bin's events in each bin of a pulse-shape parameter (F90 of
        liquid argon), for :meth:`predict_energy_f90_time`; None where the setup has no such axis.
    neutron_radii : how one ``rn_fm`` sets the R_n of each nucleus of the target, one of
        :data:`~cevnslib.rates.NEUTRON_RADIUS_MODELS`: ``"common"`` (one R_n for every nucleus) or
        ``"skin"`` (one neutron skin: ``rn_fm`` is the heaviest nucleus' R_n, the others keep its
        R_n - R_p); see :func:`~cevnslib.rates.nucleus_radii_fm`.

    Every part is immutable, so the templates an instance caches (:meth:`predict`) can never go
    stale: a setup with other parameters is another instance, with its own cache. Raises ValueError
    for a parameter outside its range, an exposure whose counts would overflow or underflow, or a
    threshold above the kinematic maximum.
    """

    name: str
    target: Target
    mass_kg: float
    source: object
    detector: Detector
    live_time_s: float
    systematic: float
    options: CrossSectionOptions = CrossSectionOptions()
    data: CsI2017Data | CsI2021Data | LAr2020Data | None = field(default=None, repr=False)
    quadrature: Quadrature = Quadrature()
    arrival_time: ArrivalTimeBins | None = None
    pulse_shape: F90Shares | None = field(default=None, repr=False)
    neutron_radii: str = "common"

    def __post_init__(self):
        validation.choice("neutron_radii", self.neutron_radii, NEUTRON_RADIUS_MODELS)
        object.__setattr__(self, "mass_kg", validation.positive("mass_kg", self.mass_kg))
        object.__setattr__(self, "live_time_s", validation.positive("live_time_s", self.live_time_s))
        object.__setattr__(
            self, "systematic", validation.number("systematic", self.systematic, 0.0, 1.0, high_open=True)
        )
        if not isinstance(self.quadrature, Quadrature):
            raise ValueError(f"quadrature = {self.quadrature!r} must be a cevnslib.quadrature.Quadrature")
        if not isinstance(self.options, CrossSectionOptions):
            raise ValueError(f"options = {self.options!r} must be a cevnslib.cross_section.CrossSectionOptions")
        if self.arrival_time is not None and not (
            isinstance(self.arrival_time, ArrivalTimeBins) and isinstance(self.source, PionDecayAtRest)
        ):
            raise ValueError(
                "arrival_time must be a cevnslib.arrival_time.ArrivalTimeBins, with a PionDecayAtRest source"
            )
        if self.pulse_shape is not None and not (
            isinstance(self.pulse_shape, F90Shares)
            and self.arrival_time is not None
            and self.pulse_shape.shares.shape[0] == self.detector.n_bins
        ):
            raise ValueError(
                "pulse_shape must be a cevnslib.response.F90Shares with one row per analysis bin, "
                "on a setup with arrival-time bins"
            )
        self._check_exposure()
        check_threshold(self.target, self.source, self.detector)

    def _check_exposure(self) -> None:
        """Refuse masses and exposures so extreme that the counts would overflow or underflow."""
        lo, hi = _EXPOSURE_LOG10_RANGE
        exposure = self.source.exposure_scale(self.live_time_s)
        parts = {
            "mass_kg": math.log10(self.mass_kg),
            "nuclei per kg": math.log10(float(np.max(self.target.nuclei_per_kg))),
            "live time (s) or run": math.log10(exposure),
            "flux per cm^2": math.log10(self.source.flux_scale_per_cm2),
        }
        total = sum(parts.values())
        if not lo <= total <= hi:
            terms = " x ".join(f"{name} 10^{value:.0f}" for name, value in parts.items())
            raise ValueError(
                f"the exposure {terms} = 10^{total:.0f} is outside [1e{lo:.0f}, 1e{hi:.0f}]: its counts would "
                f"overflow or underflow; with the other factors as they are, mass_kg must lie in "
                f"[1e{lo - total + parts['mass_kg']:.0f}, 1e{hi - total + parts['mass_kg']:.0f}] kg"
            )

    @property
    def live_time_days(self) -> float:
        """Live time in days."""
        return self.live_time_s / SECONDS_PER_DAY

    def templates(self, rn_grid_fm=None, rn_fm: float | None = None) -> EventTemplates | NeutronSkinTemplates:
        """New event templates of this setup (see :func:`cevnslib.rates.build_templates`).

        ``rn_grid_fm``: radii (fm) to tabulate on; ``rn_fm``: the default radius of their ``counts``; both
        in the setup's :attr:`neutron_radii` model. Raises ValueError like ``build_templates``.
        """
        return self._templates_of(self.source, rn_grid_fm, rn_fm)

    def nucleus_radii_fm(self, rn_fm) -> tuple:
        """The R_n (fm) of each nucleus of the target for ``rn_fm`` under :attr:`neutron_radii`.

        >>> [f"{r:.2f}" for r in get("COHERENT-NaI").nucleus_radii_fm(4.75)]
        ['2.99', '4.75']
        >>> [f"{r:.2f}" for r in get("COHERENT-NaI", neutron_radii="common").nucleus_radii_fm(4.75)]
        ['4.75', '4.75']

        Raises ValueError for an ``rn_fm`` (a number or an array; None gives None for every nucleus)
        that is not finite or gives some nucleus an R_n at or below the form factor's smallest radius
        (the message gives the smallest ``rn_fm`` allowed, :attr:`smallest_rn_fm`).
        """
        if rn_fm is not None:
            radius = validation.real_array("rn_fm", rn_fm)
            if np.any(radius <= self.smallest_rn_fm):
                nuclei_text = " and ".join(nuc.name for nuc in self.target.nuclei)
                raise ValueError(
                    f"rn_fm = {rn_fm} fm must exceed {self.smallest_rn_fm:.3f} fm: with neutron_radii="
                    f"{self.neutron_radii!r} it sets the R_n of {nuclei_text}, each of which must exceed the "
                    f"{self.options.form_factor} form factor's smallest radius, "
                    f"{minimum_radius_fm(self.options.form_factor):.3f} fm"
                )
        return nucleus_radii_fm(self.target.nuclei, rn_fm, self.neutron_radii, self.options)

    @property
    def smallest_rn_fm(self) -> float:
        """The ``rn_fm`` (fm) at which the first nucleus reaches the form factor's smallest radius (excluded)."""
        offsets = nucleus_radii_fm(self.target.nuclei, 0.0, self.neutron_radii, self.options)
        return minimum_radius_fm(self.options.form_factor) - min(offsets)

    def _templates_of(self, source, rn_grid_fm=None, rn_fm=None) -> EventTemplates | NeutronSkinTemplates:
        """Templates of ``source`` in this setup's neutron-radius model (see :meth:`templates`)."""
        args = (self.target, source, self.detector, self.mass_kg, self.live_time_s, self.options)
        if self.neutron_radii == "common" or len(self.target.nuclei) == 1:
            return build_templates(*args, rn_grid_fm, rn_fm, self.quadrature)
        radii = self.nucleus_radii_fm(rn_fm)
        parts = tuple(build_templates(*args, rn_grid_fm, rn, self.quadrature, nucleus=k) for k, rn in enumerate(radii))
        if rn_grid_fm is not None:
            # with rn_fm = 0, each entry is R_p^k - R_p^ref
            offsets = nucleus_radii_fm(self.target.nuclei, 0.0, self.neutron_radii, self.options)
            return NeutronSkinTemplates(parts, tuple(float(r) for r in offsets))
        # no grid: only the default radii are needed, and the nuclei's integrals simply add up
        return EventTemplates(
            self.target.nuclei,
            parts[0].flavors,
            parts[0].couplings,
            *(sum(getattr(p, name) for p in parts) for name in ("i_zz", "i_zn_default", "i_nn_default")),
        )

    def _grid_templates(self, source) -> EventTemplates | NeutronSkinTemplates:
        """Templates of ``source`` on the form factor's R_n grid, in this setup's neutron-radius model."""
        return self._templates_of(source, default_rn_grid_fm(self.options.form_factor))

    @cached_property
    def cached_templates(self) -> EventTemplates | NeutronSkinTemplates:
        """Templates on the R_n grid of the chosen form factor, built on first use and kept.

        The grid (:func:`~cevnslib.rates.default_rn_grid_fm`) runs from just above the smallest
        radius the form factor allows to 10 fm; between its nodes a quintic spline interpolates
        (within 2e-7 of exact templates). With ``neutron_radii="skin"``, one set per nucleus
        (:class:`~cevnslib.rates.NeutronSkinTemplates`). Read-only, shared by every call of :meth:`predict`.
        """
        return self._grid_templates(self.source)

    def split_source(self, part: str) -> PionDecayAtRest:
        """The pion source with only its ``part``: "prompt" (the nu_mu line) or "delayed" (nu_e, anti-nu_mu).

        Raises ValueError for an unknown part or a source that is not a
        :class:`~cevnslib.fluxes.PionDecayAtRest`.
        """
        validation.choice("part", part, ("prompt", "delayed"))
        if not isinstance(self.source, PionDecayAtRest):
            raise ValueError(f"{self.name} has no pion source to split into prompt and delayed parts")
        src = self.source
        keep = {label: value * (label.startswith(part)) for label, value in src.efficiencies.items()}
        return PionDecayAtRest(src.protons_on_target, src.nu_per_proton, src.distance_m, src.prompt_energy_mev, keep)

    @cached_property
    def cached_time_templates(self) -> tuple[EventTemplates, EventTemplates]:
        """(prompt, delayed) templates on the R_n grid of the form factor, built on first use and kept.

        Templates of :meth:`split_source`'s two parts; their counts add up to :meth:`predict`'s.
        """
        return tuple(self._grid_templates(self.split_source(part)) for part in ("prompt", "delayed"))

    def predict_energy_time(self, nsi: NSI | None = None, rn_fm=None) -> np.ndarray:
        """Expected CEvNS counts in analysis bins x arrival-time bins, shape broadcast(nsi, rn_fm) + (n_bins, n_time).

        Prompt counts (nu_mu) follow the prompt arrival-time shape and delayed counts (nu_e, anti-nu_mu)
        the delayed one, each times the timing efficiency per time bin (see
        :class:`~cevnslib.arrival_time.ArrivalTimeBins`): N_bt = N^prompt_b p_t + N^delayed_b d_t. After the
        first call (which builds :attr:`cached_time_templates`) a point costs array arithmetic.

        Raises ValueError for a setup without arrival-time bins, or an R_n outside the form factor's range.

        >>> csi = get("COHERENT-CsI-2021")
        >>> f"{csi.predict_energy_time().sum():.1f}", csi.predict_energy_time().shape
        ('347.9', (15, 13))
        """
        if self.arrival_time is None:
            raise ValueError(f"{self.name} has no arrival-time bins (arrival_time=None)")
        prompt, delayed = (t.counts(nsi, rn_fm) for t in self.cached_time_templates)
        return prompt[..., None] * self.arrival_time.prompt + delayed[..., None] * self.arrival_time.delayed

    def predict_energy_f90_time(self, nsi: NSI | None = None, rn_fm=None) -> np.ndarray:
        """Expected CEvNS counts in analysis bins x F90 bins x arrival-time bins.

        Shape broadcast(nsi, rn_fm) + (n_bins, n_f90, n_time).

        :meth:`predict_energy_time` spread over the pulse-shape bins of :attr:`pulse_shape`:
        N_eft = (N^prompt_e p_t + N^delayed_e d_t) F_ef, where F_ef, the share of energy bin e's events
        in F90 bin f, does not depend on the physics point. Array arithmetic after the first call.

        Raises ValueError for a setup without pulse-shape or arrival-time bins, or an R_n outside the
        form factor's range.

        >>> lar = get("COHERENT-LAr-2020")
        >>> f"{lar.predict_energy_f90_time().sum():.1f}", lar.predict_energy_f90_time().shape
        ('123.1', (12, 8, 10))
        """
        if self.pulse_shape is None:
            raise ValueError(f"{self.name} has no pulse-shape (F90) bins (pulse_shape=None)")
        return self.pulse_shape.spread(self.predict_energy_time(nsi, rn_fm))

    def recoil_spectrum(self, recoil_kev, nsi: NSI | None = None, rn_fm=None) -> RecoilSpectrum:
        """dN/dT of this setup (events per keVnr over its exposure) per nucleus and incident flavour.

        Before the detector: no threshold, acceptance or bins (see :func:`cevnslib.rates.recoil_spectrum`);
        ``rn_fm`` sets each nucleus' R_n through :attr:`neutron_radii`.

        >>> spectrum = get("COHERENT-CsI-2017").recoil_spectrum([5.0, 20.0])
        >>> spectrum.flavors, [f"{x:.3f}" for x in spectrum.total]
        (('mu', 'e'), ['86.309', '6.936'])
        """
        return recoil_spectrum(
            self.target,
            self.source,
            recoil_kev,
            nsi,
            mass_kg=self.mass_kg,
            live_time_s=self.live_time_s,
            options=self.options,
            quadrature=self.quadrature,
            nucleus_rn_fm=self.nucleus_radii_fm(rn_fm),
        )

    def predict(self, nsi: NSI | None = None, rn_fm=None, method: str = "templates") -> np.ndarray:
        """Expected CEvNS counts per analysis bin over the exposure.

        ``nsi``: the NSI couplings (default none; fields may be arrays, which broadcast); ``rn_fm``:
        the neutron rms radius (fm), a number or an array (default: each nucleus' proton radius): one
        R_n for every nucleus, or with ``neutron_radii="skin"`` the heaviest nucleus' R_n, the others
        sharing its skin (:meth:`nucleus_radii_fm`). The result has shape broadcast(NSI fields, rn_fm) + (n_bins,).
        ``method``: ``"templates"`` (fast, default; the templates are built once per setup) or
        ``"quad"`` (direct nested quadrature, the slow reference; scalars only).

        Raises ValueError for an unknown method, or an R_n outside the form factor's range.

        >>> from cevnslib.couplings import NSI
        >>> csi = get("COHERENT-CsI-2017")
        >>> [f"{n:.1f}" for n in csi.predict(rn_fm=[4.5, 5.5]).sum(axis=-1)]
        ['187.8', '138.2']
        >>> f"{csi.predict(NSI(ee_d=0.1, mm_d=0.1)).sum():.1f}"
        '33.6'
        """
        if method == "templates":
            return self.cached_templates.counts(nsi, rn_fm)
        if method == "quad":
            if (nsi is not None and not nsi.is_scalar) or np.ndim(rn_fm) > 0:
                raise ValueError("method='quad' evaluates one physics point: give scalar nsi couplings and rn_fm")
            if rn_fm is not None:
                rn_fm = validation.number("rn_fm", rn_fm, self.smallest_rn_fm, low_open=True)
            radii = self.nucleus_radii_fm(rn_fm)
            return counts_quad(
                self.target,
                self.source,
                self.detector,
                self.mass_kg,
                self.live_time_s,
                self.options,
                nsi,
                nucleus_rn_fm=radii,
            )
        raise ValueError(f"method {method!r} is unknown; allowed: ('templates', 'quad')")


def _first_bin(threshold, bin_edges, default_threshold: float, unit: str) -> tuple[float, ...]:
    """Analysis bin edges from a threshold and/or explicit edges (in ``unit``, "keVee" or "keVnr").

    Only a threshold: one bin above it. Only edges: they define the threshold. Both: they must
    agree, else a ValueError naming both (a threshold is never silently ignored).
    """
    name_t, name_e = f"threshold_{unit.lower()}", f"bin_edges_{unit.lower()}"
    if bin_edges is None:
        t = default_threshold if threshold is None else threshold
        return (validation.number(name_t, t, 0.0, low_open=True), math.inf)
    edges = validation.edges(name_e, bin_edges)
    if edges[0] <= 0:
        raise ValueError(f"{name_e}[0] = {edges[0]} is the threshold and must be > 0")
    if threshold is not None and validation.number(name_t, threshold) != edges[0]:
        raise ValueError(
            f"{name_t} = {threshold!r} disagrees with {name_e}[0] = {edges[0]}: "
            f"give {name_e} alone (its first edge is the threshold), or make them equal"
        )
    return edges


def conus(
    mass_kg: float = 4.0,
    threshold_kevee: float | None = None,
    quenching_k: float = 0.162,
    power_gw: float = 3.9,
    distance_m: float = 17.1,
    live_time_days: float = DAYS_PER_YEAR,
    systematic: float = 0.04,
    bin_edges_kevee: tuple[float, ...] | None = None,
    fission_fractions: dict | None = None,
    spectrum: str = "huber-mueller",
    low_energy: str = "kopeikin",
    reactor_e_max_mev: float | None = None,
    options: CrossSectionOptions = CrossSectionOptions(),
    quadrature: Quadrature = Quadrature(),
) -> Experiment:
    """CONUS at Brokdorf: natural Ge, reactor 3.9 GW_th at 17.1 m [pub]; 4 kg, 1 yr, 0.1 keVee, k = 0.162 [choice].

    ``threshold_kevee`` (default 0.1) and ``bin_edges_kevee`` are electron-equivalent energies;
    default one bin above threshold. Raises ValueError for a parameter out of range, a threshold that
    disagrees with the first bin edge, or a threshold above the kinematic maximum.
    """
    return _reactor_experiment("CONUS", "Ge", 0.1, **locals())


def connie(
    mass_kg: float = 1.0,
    threshold_kevee: float | None = None,
    quenching_k: float = 0.146,
    power_gw: float = 3.8,
    distance_m: float = 30.0,
    live_time_days: float = DAYS_PER_YEAR,
    systematic: float = 0.04,
    bin_edges_kevee: tuple[float, ...] | None = None,
    fission_fractions: dict | None = None,
    spectrum: str = "huber-mueller",
    low_energy: str = "kopeikin",
    reactor_e_max_mev: float | None = None,
    options: CrossSectionOptions = CrossSectionOptions(),
    quadrature: Quadrature = Quadrature(),
) -> Experiment:
    """CONNIE at Angra 2: Si CCDs, reactor 3.8 GW_th at 30 m [pub]; 1 kg, 1 yr, 28 eVee, k = 0.146 [choice].

    ``threshold_kevee`` (default 0.028) and ``bin_edges_kevee`` are electron-equivalent energies;
    default one bin above threshold. Raises ValueError like :func:`conus`.
    """
    return _reactor_experiment("CONNIE", "Si", 0.028, **locals())


def _reactor_experiment(
    name,
    material,
    default_threshold,
    *,
    mass_kg,
    threshold_kevee,
    quenching_k,
    power_gw,
    distance_m,
    live_time_days,
    systematic,
    bin_edges_kevee,
    fission_fractions,
    spectrum,
    low_energy,
    reactor_e_max_mev,
    options,
    quadrature,
):
    edges = _first_bin(threshold_kevee, bin_edges_kevee, default_threshold, "keVee")
    source = ReactorFlux(
        power_gw, distance_m, fission_fractions, spectrum=spectrum, low_energy=low_energy, e_max_mev=reactor_e_max_mev
    )
    detector = Detector("keVee", edges, quenching=LindhardQuenching(quenching_k))
    live_time_s = validation.positive("live_time_days", live_time_days) * SECONDS_PER_DAY
    return Experiment(
        name, target(material), mass_kg, source, detector, live_time_s, systematic, options, quadrature=quadrature
    )


def coherent_csi_2017(
    mass_kg: float = 14.57,
    protons_on_target: float = 1.76e23,
    nu_per_proton: float = 0.08,
    distance_m: float = 19.3,
    live_time_days: float = 308.1,
    quenching_factor: float = 0.0878,
    light_yield_pe_per_kevee: float = 13.348,
    systematic: float = 0.28,
    arrival_time_cut_us: float | None = None,
    prompt_line_mev: float | None = None,
    options: CrossSectionOptions = CrossSectionOptions(),
    quadrature: Quadrature = Quadrature(),
) -> Experiment:
    """COHERENT CsI[Na] 2017 with its data: 14.57 kg at 19.3 m from the SNS, 1.76e23 POT, 0.08 nu/flavour/POT.

    Flat quenching 0.0878 and 13.348 PE/keVee; the published acceptance; 12 bins of 2 PE from 6 to 30 PE
    [COHERENT, Science 357 (2017) 1123; data release arXiv:1804.09459]. By default every arrival time
    counts, as in COHERENT's 173-event prediction and the chi^2 of Cadeddu et al. [choice];
    ``arrival_time_cut_us`` keeps only the share of prompt and delayed neutrinos arriving before it
    (from the release's arrival-time PDFs; the data window is 6 us). Raises ValueError for a
    parameter out of range.
    """
    data = csi_2017_data()
    efficiencies = None
    if arrival_time_cut_us is not None:
        cut = validation.number("arrival_time_cut_us", arrival_time_cut_us, 0.0, low_open=True)
        inside = data.arrival_time["t_hi_us"] <= cut + 1e-9
        if not inside.any():
            raise ValueError(f"arrival_time_cut_us = {arrival_time_cut_us} must be at least one 0.5 us bin")
        prompt = data.arrival_time["prompt_neutrino"][inside].sum()
        delayed = data.arrival_time["delayed_neutrino"][inside].sum()
        efficiencies = {"prompt nu_mu": min(prompt, 1.0), "delayed nu_e": delayed, "delayed anti-nu_mu": delayed}
    source = PionDecayAtRest(protons_on_target, nu_per_proton, distance_m, prompt_line_mev, efficiencies)
    detector = Detector(
        "PE",
        tuple(data.pe_edges),
        ConstantQuenching(quenching_factor),
        light_yield_pe_per_kevee,
        coherent_2017_acceptance,
        COHERENT_2017_ACCEPTANCE_STEPS_PE,
    )
    live_time_s = validation.positive("live_time_days", live_time_days) * SECONDS_PER_DAY
    return Experiment(
        "COHERENT-CsI-2017",
        target("CsI"),
        mass_kg,
        source,
        detector,
        live_time_s,
        systematic,
        options,
        data,
        quadrature,
    )


#: Range (in units of their priors' sigma) of the CsI 2021 response nuisances a setup accepts: five
#: standard deviations of the release's principal components and efficiency parameter [choice].
CSI_2021_NUISANCE_RANGE_SIGMA = (-5.0, 5.0)


def coherent_csi_2021(
    mass_kg: float = 14.6,
    protons_on_target: float = 3.198e23,
    nu_per_proton: float = 0.0848,
    distance_m: float = 19.3,
    live_time_days: float = 1.0,
    pe_edges: tuple[float, ...] = DEFAULT_PE_EDGES,
    time_edges_us: tuple[float, ...] = DEFAULT_TIME_EDGES_US,
    efficiency_theta: float = 0.0,
    quenching_theta0: float = 0.0,
    quenching_theta1: float = 0.0,
    resolution_a_kevee: float = 0.0749,
    resolution_b_per_kevee: float = 9.56,
    timing_efficiency: bool = True,
    systematic: float = 0.10,
    options: CrossSectionOptions = CrossSectionOptions(),
    quadrature: Quadrature = Quadrature(),
) -> Experiment:
    """COHERENT CsI[Na] full data set: 14.6 kg at 19.3 m from the SNS, 3.198e23 POT, 0.0848 nu/flavour/POT.

    COHERENT, PRL 129 (2022) 081801, arXiv:2110.07730, and its data release: the scintillation
    response with its two principal-component nuisances (``quenching_theta0``, ``quenching_theta1``,
    in sigma), the gamma resolution (a = 0.0749 keVee, b = 9.56/keVee: light yield 13.35 PE/keVee), the
    PE efficiency with its nuisance (``efficiency_theta``), the timing efficiency (``timing_efficiency``)
    and the data (:func:`~cevnslib.coherent_csi_2021.csi_2021_data`). Bins ``pe_edges`` x
    ``time_edges_us`` (default :data:`~cevnslib.coherent_csi_2021.DEFAULT_PE_EDGES` x
    :data:`~cevnslib.coherent_csi_2021.DEFAULT_TIME_EDGES_US`, our choice). :meth:`Experiment.predict`
    counts every arrival time in the PE bins; :meth:`Experiment.predict_energy_time` gives the PE x time
    bins with the timing efficiency. ``systematic`` is the neutrino flux's 10% [COHERENT,
    arXiv:2109.11049]. The POT cover the run, so ``live_time_days`` does not enter the counts. Raises
    ValueError for a parameter out of range, named as here: the response nuisances in
    :data:`CSI_2021_NUISANCE_RANGE_SIGMA`, ``resolution_a_kevee`` > 0, ``resolution_b_per_kevee`` >= 0.
    """
    data = csi_2021_data()
    source = PionDecayAtRest(protons_on_target, nu_per_proton, distance_m)
    thetas = {
        name: validation.number(name, value, *CSI_2021_NUISANCE_RANGE_SIGMA)
        for name, value in (
            ("quenching_theta0", quenching_theta0),
            ("quenching_theta1", quenching_theta1),
            ("efficiency_theta", efficiency_theta),
        )
    }
    detector = SmearedPEDetector(
        pe_edges,
        data.quenching(thetas["quenching_theta0"], thetas["quenching_theta1"]),
        GammaResolution(
            validation.positive("resolution_a_kevee", resolution_a_kevee),
            validation.number("resolution_b_per_kevee", resolution_b_per_kevee, 0.0),
        ),
        data.efficiency(thetas["efficiency_theta"]),
    )
    arrival = ArrivalTimeBins(time_edges_us, timing_efficiency=timing_efficiency)
    live_time_s = validation.positive("live_time_days", live_time_days) * SECONDS_PER_DAY
    return Experiment(
        "COHERENT-CsI-2021",
        target("CsI"),
        mass_kg,
        source,
        detector,
        live_time_s,
        systematic,
        options,
        data,
        quadrature,
        arrival,
    )


#: Range (us) of the argon setup's proton-pulse mean: the release's 0.44 +- 0.20 us, five of its
#: standard deviations either way but never before the time origin (arXiv:2006.12659, snsPOTTraceTiming).
LAR_PULSE_MEAN_RANGE_US = (0.0, 1.44)


def coherent_lar_2020(
    mass_kg: float = 24.4,
    protons_on_target: float = 13.8e22,
    nu_per_proton: float = 0.09,
    distance_m: float = 27.5,
    live_time_days: float = 1.0,
    material: str = "Ar40",
    quenching_a: float = 0.246,
    quenching_b_per_kevnr: float = 0.00078,
    resolution_a_sqrt_kevee: float = 0.58,
    pulse_mean_us: float = 0.44,
    f90_variant: str = "nominal",
    systematic: float = 17.0 / 128.0,
    options: CrossSectionOptions = CrossSectionOptions(),
    quadrature: Quadrature = Quadrature(),
) -> Experiment:
    """COHERENT CENNS-10 liquid argon, Analysis A: 24.4 kg of Ar40 at 27.5 m, 13.8e22 POT, 0.09 nu/flavour/POT.

    COHERENT, PRL 126 (2021) 012002, arXiv:2003.10630, and its data release arXiv:2006.12659
    (``LArParametersAnlA.yaml``): the quenching factor QF = a + b T[keVnr] (a = 0.246 +- 0.006,
    b = 0.00078 +- 0.00009 /keVnr: ``quenching_a``, ``quenching_b_per_kevnr``), a Gaussian resolution
    sigma/E = 0.58/sqrt(E[keVee]) (``resolution_a_sqrt_kevee``), the acceptance of
    ``CENNS10AnlAEfficiency.txt`` against the recoil's electron-equivalent energy, the release's bins
    (12 energy bins of 10 keVee x 8 F90 bins x 10 arrival-time bins of 0.5 us from -0.1 us) and the
    data (:func:`~cevnslib.coherent_lar_2020.lar_2020_data`).

    The energy axis of the CEvNS prediction is rebuilt from the library's recoil templates folded
    through the response (so that NSI and R_n move it); prompt (nu_mu) and delayed (nu_e,
    anti-nu_mu) events take the arrival-time shapes of :class:`~cevnslib.arrival_time.ArrivalTimeBins`
    (proton pulse of mean ``pulse_mean_us`` = 0.44 us and width 0.15 us convolved with the pion and
    muon lifetimes, no timing efficiency); the F90 distribution in each energy bin is the release's
    own (``f90_variant``: "nominal" or its F90 systematic "plus_1sigma", "minus_1sigma"), which does not
    depend on the physics point. ``material``: "Ar40" (default) or natural argon "Ar" (99.6% Ar40).
    ``systematic`` is the release's 17/128 uncertainty of its CEvNS prediction. The POT cover the
    run, so ``live_time_days`` does not enter the counts. Raises ValueError for a parameter out of range:
    ``nu_per_proton`` in (0, 1]; ``quenching_a`` and ``quenching_b_per_kevnr`` such that 0 < QF <= 1 up to
    the largest argon recoil; ``resolution_a_sqrt_kevee`` > 0; ``pulse_mean_us`` in
    :data:`LAR_PULSE_MEAN_RANGE_US`; ``f90_variant`` one of the release's.
    """
    data = lar_2020_data()
    material = validation.choice("material", material, ("Ar40", "Ar"))
    argon = Target("Ar40", (nucleus("Ar40"),), (1.0,)) if material == "Ar40" else target("Ar")
    nu_per_proton = validation.number("nu_per_proton", nu_per_proton, 0.0, 1.0, low_open=True)
    source = PionDecayAtRest(protons_on_target, nu_per_proton, distance_m)
    quenching_a = validation.number("quenching_a", quenching_a, 0.0, 1.0, low_open=True)
    t_max_kevnr = max(max_recoil_kev(source, nuc) for nuc in argon.nuclei)
    quenching_b_per_kevnr = validation.number(
        "quenching_b_per_kevnr", quenching_b_per_kevnr, 0.0, (1.0 - quenching_a) / t_max_kevnr
    )
    detector = SmearedEnergyDetector(
        data.energy_edges_kevee,
        LinearQuenching(quenching_a, quenching_b_per_kevnr),
        GaussianResolution(validation.positive("resolution_a_sqrt_kevee", resolution_a_sqrt_kevee)),
        data.acceptance(),
    )
    pulse = ProtonPulse(mean_us=validation.number("pulse_mean_us", pulse_mean_us, *LAR_PULSE_MEAN_RANGE_US))
    f90_variant = validation.choice("f90_variant", f90_variant, tuple(F90_VARIANTS))
    arrival = ArrivalTimeBins(data.time_edges_us, pulse, timing_efficiency=False)
    live_time_s = validation.positive("live_time_days", live_time_days) * SECONDS_PER_DAY
    return Experiment(
        "COHERENT-LAr-2020",
        argon,
        mass_kg,
        source,
        detector,
        live_time_s,
        systematic,
        options,
        data,
        quadrature,
        arrival,
        data.cevns_f90_shares(f90_variant),
    )


def coherent_nai(
    mass_kg: float = 2000.0,
    threshold_kevnr: float | None = None,
    protons_on_target_per_year: float = 1.76e23,
    years: float = 1.0,
    nu_per_proton: float = 0.08,
    distance_m: float = 28.0,
    systematic: float = 0.10,
    bin_edges_kevnr: tuple[float, ...] | None = None,
    neutron_radii: str = "skin",
    options: CrossSectionOptions = CrossSectionOptions(),
    quadrature: Quadrature = Quadrature(),
) -> Experiment:
    """Future COHERENT NaI[Tl]: 2 t at 28 m, 13 keVnr threshold [COHERENT 2018, arXiv:1803.09183].

    1.76e23 POT per year for 1 year and a 10% systematic are our choices. ``threshold_kevnr`` (default
    13) and ``bin_edges_kevnr`` are nuclear-recoil energies; default one bin above threshold.
    ``neutron_radii``: ``"skin"`` (default: ``rn_fm`` is iodine's R_n and sodium has the same neutron
    skin, R_n^Na = R_p^Na + R_n - R_p^I) or ``"common"`` (one R_n for Na and I, which gives sodium
    iodine's radius: the choice of earlier versions of this book) [choice; Assumptions page].
    Raises ValueError like :func:`conus`, or for an unknown ``neutron_radii``.
    """
    edges = _first_bin(threshold_kevnr, bin_edges_kevnr, 13.0, "keVnr")
    years = validation.positive("years", years)
    pot = validation.positive("protons_on_target_per_year", protons_on_target_per_year) * years
    if not math.isfinite(pot):
        raise ValueError(
            f"protons_on_target_per_year = {protons_on_target_per_year!r} x years = {years!r} "
            "overflows: give a smaller number of years or protons"
        )
    source = PionDecayAtRest(pot, nu_per_proton, distance_m)
    return Experiment(
        "COHERENT-NaI",
        target("NaI"),
        mass_kg,
        source,
        Detector("keVnr", edges),
        years * DAYS_PER_YEAR * SECONDS_PER_DAY,
        systematic,
        options,
        quadrature=quadrature,
        neutron_radii=neutron_radii,
    )


#: The setups by name: the factory that :func:`get` calls for each (read-only).
SETUPS = MappingProxyType(
    {
        "CONUS": conus,
        "CONNIE": connie,
        "COHERENT-CsI-2017": coherent_csi_2017,
        "COHERENT-NaI": coherent_nai,
        "COHERENT-CsI-2021": coherent_csi_2021,
        "COHERENT-LAr-2020": coherent_lar_2020,
    }
)
#: The paper's four setups (arXiv:1911.09831), in the order of its tables: the chapters' setups.
PAPER_SETUPS = ("CONUS", "CONNIE", "COHERENT-CsI-2017", "COHERENT-NaI")

_OPTION_FIELDS = tuple(f.name for f in fields(CrossSectionOptions))


def factory_defaults(name: str) -> MappingProxyType:
    """The default parameters of setup ``name`` (read-only), as its factory declares them.

    The one place a setup's facts live: other modules (the explorers, the book) read them here
    instead of typing them again. Raises ValueError for an unknown setup.

    >>> factory_defaults("CONUS")["power_gw"], factory_defaults("CONUS")["distance_m"]
    (3.9, 17.1)
    """
    validation.choice("experiment", name, tuple(SETUPS))
    parameters = inspect.signature(SETUPS[name]).parameters
    return MappingProxyType({k: p.default for k, p in parameters.items() if k not in ("options", "quadrature")})


def get(name: str, **overrides) -> Experiment:
    """The setup called ``name`` ("CONUS", "CONNIE", "COHERENT-CsI-2017", "COHERENT-NaI", "COHERENT-CsI-2021",
    "COHERENT-LAr-2020").

    ``overrides`` are the keyword arguments of the setup's factory (e.g. ``mass_kg``,
    ``threshold_kevee``, ``quadrature``) or fields of :class:`~cevnslib.cross_section.CrossSectionOptions`
    (e.g. ``form_factor="klein-nystrand"``). The same name and overrides give the same immutable
    instance, so its cached templates are shared. Raises ValueError for an unknown setup or
    parameter, and for a bad value (see the factories).

    >>> conus = get("CONUS", threshold_kevee=0.2)
    >>> conus.detector.bin_edges, f"{conus.predict().sum():.1f} events"
    ((0.2, inf), '681.3 events')
    """
    validation.choice("experiment", name, tuple(SETUPS))
    try:
        key = _hashable(overrides)
        hash(key)
    except TypeError:  # an override that cannot be a cache key: build without the cache
        return _build(name, overrides)
    return _cached_build(name, key)


def _hashable(value):
    """A hashable stand-in for override values (mappings and sequences become sorted tuples)."""
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, _hashable(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return ("seq", tuple(_hashable(v) for v in value))
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    return ("value", type(value).__name__, value)


#: Setups kept by :func:`get` (the least recently used beyond this are dropped with their templates).
CACHED_SETUPS = 256


@lru_cache(maxsize=CACHED_SETUPS)
def _cached_build(name: str, key) -> Experiment:
    return _build(name, _unhashable(key))


def _unhashable(key):
    kind, *rest = key
    if kind == "dict":
        return {k: _unhashable(v) for k, v in rest[0]}
    if kind == "seq":
        return tuple(_unhashable(v) for v in rest[0])
    if kind == "array":
        dtype, shape, raw = rest
        return np.frombuffer(raw, dtype=dtype).reshape(shape)
    return rest[1]


def _build(name: str, overrides: dict) -> Experiment:
    overrides = dict(overrides)
    factory = SETUPS[name]
    allowed = tuple(p for p in inspect.signature(factory).parameters if p != "options")
    option_overrides = {k: overrides.pop(k) for k in list(overrides) if k in _OPTION_FIELDS}
    unknown = sorted(set(overrides) - set(allowed))
    if unknown:
        raise ValueError(f"{name} has no parameter {unknown}; allowed: {allowed + _OPTION_FIELDS}")
    options = CrossSectionOptions(**option_overrides)
    return factory(**overrides, options=options)
