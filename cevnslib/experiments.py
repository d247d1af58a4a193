"""The four setups of the paper as ready objects: CONUS, CONNIE, COHERENT CsI 2017 and COHERENT NaI.

``get(name, **overrides)`` builds one; every default is a published fact or a choice listed in the
book's Assumptions table, and every one can be overridden, e.g.
``get("CONUS", threshold_kev=0.3, mass_kg=1.0)`` or ``get("CONNIE", low_energy="cut")``.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field, fields
from functools import cache
from importlib.resources import files

import numpy as np

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
from .nuclei import Target, target
from .rates import EventTemplates, build_templates, check_threshold, counts_quad


def _read_csv(name: str) -> np.ndarray:
    text = (files("cevnslib") / "data" / name).read_text()
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    return np.genfromtxt(rows, delimiter=",", names=True)


@dataclass(frozen=True)
class CsI2017Data:
    """COHERENT CsI[Na] 2017 data (arXiv:1708.01294; release arXiv:1804.09459), t < 6 us, 6-30 PE."""

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
    #: Fractional uncertainty of the signal normalisation: flux 10%, quenching 25%, acceptance 5%,
    #: form factor 5%, in quadrature [COHERENT 2017].
    signal_uncertainty: float = 0.28
    #: Fractional uncertainty of the beam-related-neutron normalisation [COHERENT 2017].
    brn_uncertainty: float = 0.25

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
        energy_time=np.rec.fromarrays(list(energy_time.values()), names=list(energy_time)),
        time_edges_us=time_edges,
        brn_pe_per_gwh=_read_csv("coherent_csi_2017_brn_pe.csv"),
        arrival_time=_read_csv("coherent_csi_2017_arrival_time.csv"),
    )


@dataclass(frozen=True)
class Experiment:
    """One CEvNS setup: target, source, detector response and exposure.

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
    """

    name: str
    target: Target
    mass_kg: float
    source: object
    detector: Detector
    live_time_s: float
    systematic: float
    options: CrossSectionOptions = CrossSectionOptions()
    data: CsI2017Data | None = field(default=None, repr=False)

    def __post_init__(self):
        for name in ("mass_kg", "live_time_s"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"{name} = {value} must be finite and > 0")
        if not (np.isfinite(self.systematic) and 0 <= self.systematic < 1):
            raise ValueError(f"systematic = {self.systematic} must lie in [0, 1)")
        check_threshold(self.target, self.source, self.detector)

    @property
    def live_time_days(self) -> float:
        """Live time in days."""
        return self.live_time_s / SECONDS_PER_DAY

    def templates(self, rn_grid_fm=None, rn_fm: float | None = None) -> EventTemplates:
        """Event templates of this setup (see :func:`cevnslib.rates.build_templates`)."""
        return build_templates(
            self.target, self.source, self.detector, self.mass_kg, self.live_time_s, self.options, rn_grid_fm, rn_fm
        )

    def predict(self, nsi: NSI | None = None, rn_fm: float | None = None, method: str = "templates") -> np.ndarray:
        """Expected CEvNS counts per analysis bin over the exposure.

        ``method``: ``"templates"`` (fast, default) or ``"quad"`` (direct nested quadrature, the reference).
        """
        if method == "templates":
            return self.templates(rn_fm=rn_fm).counts(nsi)
        if method == "quad":
            return counts_quad(
                self.target, self.source, self.detector, self.mass_kg, self.live_time_s, self.options, nsi, rn_fm
            )
        raise ValueError(f"method {method!r} is unknown; allowed: ('templates', 'quad')")


def conus(
    mass_kg: float = 4.0,
    threshold_kev: float = 0.1,
    quenching_k: float = 0.162,
    power_gw: float = 3.9,
    distance_m: float = 17.1,
    live_time_days: float = DAYS_PER_YEAR,
    systematic: float = 0.04,
    bin_edges_kev: tuple[float, ...] | None = None,
    fission_fractions: dict | None = None,
    spectrum: str = "huber-mueller",
    low_energy: str = "kopeikin",
    reactor_e_max_mev: float | None = None,
    options: CrossSectionOptions = CrossSectionOptions(),
) -> Experiment:
    """CONUS at Brokdorf: natural Ge, reactor 3.9 GW_th at 17.1 m [pub]; 4 kg, 1 yr, 0.1 keVee, k = 0.162 [choice].

    ``threshold_kev`` and ``bin_edges_kev`` are electron-equivalent (keVee); default one bin above threshold.
    """
    return _reactor_experiment("CONUS", "Ge", **locals())


def connie(
    mass_kg: float = 1.0,
    threshold_kev: float = 0.028,
    quenching_k: float = 0.146,
    power_gw: float = 3.8,
    distance_m: float = 30.0,
    live_time_days: float = DAYS_PER_YEAR,
    systematic: float = 0.04,
    bin_edges_kev: tuple[float, ...] | None = None,
    fission_fractions: dict | None = None,
    spectrum: str = "huber-mueller",
    low_energy: str = "kopeikin",
    reactor_e_max_mev: float | None = None,
    options: CrossSectionOptions = CrossSectionOptions(),
) -> Experiment:
    """CONNIE at Angra 2: Si CCDs, reactor 3.8 GW_th at 30 m [pub]; 1 kg, 1 yr, 28 eVee, k = 0.146 [choice].

    ``threshold_kev`` and ``bin_edges_kev`` are electron-equivalent (keVee); default one bin above threshold.
    """
    return _reactor_experiment("CONNIE", "Si", **locals())


def _reactor_experiment(name, material, *, mass_kg, threshold_kev, quenching_k, power_gw, distance_m,
                        live_time_days, systematic, bin_edges_kev, fission_fractions, spectrum, low_energy,
                        reactor_e_max_mev, options):
    edges = (threshold_kev, np.inf) if bin_edges_kev is None else tuple(bin_edges_kev)
    if bin_edges_kev is not None and edges[0] != threshold_kev:
        raise ValueError(f"bin_edges_kev must start at threshold_kev = {threshold_kev}")
    if not (np.isfinite(threshold_kev) and threshold_kev > 0):
        raise ValueError(f"threshold_kev = {threshold_kev} must be finite and > 0")
    source = ReactorFlux(power_gw, distance_m, fission_fractions, spectrum=spectrum, low_energy=low_energy,
                         e_max_mev=reactor_e_max_mev)
    detector = Detector("keVee", edges, quenching=LindhardQuenching(quenching_k))
    return Experiment(name, target(material), mass_kg, source, detector, live_time_days * SECONDS_PER_DAY,
                      systematic, options)


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
) -> Experiment:
    """COHERENT CsI[Na] 2017 with its data: 14.57 kg at 19.3 m from the SNS, 1.76e23 POT, 0.08 nu/flavour/POT.

    Flat quenching 0.0878 and 13.348 PE/keVee; the published acceptance; 12 bins of 2 PE from 6 to 30 PE
    [COHERENT, Science 357 (2017) 1123; data release arXiv:1804.09459]. By default every arrival time
    counts, as in COHERENT's 173-event prediction and the chi^2 of Cadeddu et al. [choice];
    ``arrival_time_cut_us`` keeps only the share of prompt and delayed neutrinos arriving before it
    (from the release's arrival-time PDFs; the data window is 6 us).
    """
    data = csi_2017_data()
    efficiencies = None
    if arrival_time_cut_us is not None:
        inside = data.arrival_time["t_hi_us"] <= arrival_time_cut_us + 1e-9
        if not inside.any():
            raise ValueError(f"arrival_time_cut_us = {arrival_time_cut_us} must be at least one 0.5 us bin")
        prompt = data.arrival_time["prompt_neutrino"][inside].sum()
        delayed = data.arrival_time["delayed_neutrino"][inside].sum()
        efficiencies = {"prompt nu_mu": min(prompt, 1.0), "delayed nu_e": delayed, "delayed anti-nu_mu": delayed}
    source = PionDecayAtRest(protons_on_target, nu_per_proton, distance_m, prompt_line_mev, efficiencies)
    detector = Detector(
        "PE", tuple(data.pe_edges), ConstantQuenching(quenching_factor), light_yield_pe_per_kevee,
        coherent_2017_acceptance, COHERENT_2017_ACCEPTANCE_STEPS_PE,
    )
    return Experiment("COHERENT-CsI-2017", target("CsI"), mass_kg, source, detector,
                      live_time_days * SECONDS_PER_DAY, systematic, options, data)


def coherent_nai(
    mass_kg: float = 2000.0,
    threshold_kev: float = 13.0,
    protons_on_target_per_year: float = 1.76e23,
    years: float = 1.0,
    nu_per_proton: float = 0.08,
    distance_m: float = 28.0,
    systematic: float = 0.10,
    bin_edges_kev: tuple[float, ...] | None = None,
    options: CrossSectionOptions = CrossSectionOptions(),
) -> Experiment:
    """Future COHERENT NaI[Tl]: 2 t at 28 m, 13 keVnr threshold [COHERENT 2018, arXiv:1803.09183].

    1.76e23 POT per year for 1 year and a 10% systematic are our choices. ``threshold_kev`` and
    ``bin_edges_kev`` are nuclear-recoil energies (keVnr); default one bin above threshold.
    """
    edges = (threshold_kev, np.inf) if bin_edges_kev is None else tuple(bin_edges_kev)
    if not (np.isfinite(years) and years > 0):
        raise ValueError(f"years = {years} must be finite and > 0")
    source = PionDecayAtRest(protons_on_target_per_year * years, nu_per_proton, distance_m)
    return Experiment("COHERENT-NaI", target("NaI"), mass_kg, source, Detector("keVnr", edges),
                      years * DAYS_PER_YEAR * SECONDS_PER_DAY, systematic, options)


SETUPS = {
    "CONUS": conus,
    "CONNIE": connie,
    "COHERENT-CsI-2017": coherent_csi_2017,
    "COHERENT-NaI": coherent_nai,
}

_OPTION_FIELDS = tuple(f.name for f in fields(CrossSectionOptions))


def get(name: str, **overrides) -> Experiment:
    """The setup called ``name`` ("CONUS", "CONNIE", "COHERENT-CsI-2017", "COHERENT-NaI").

    ``overrides`` are the keyword arguments of the setup's factory (e.g. ``mass_kg``,
    ``threshold_kev``) or fields of :class:`~cevnslib.cross_section.CrossSectionOptions`
    (e.g. ``form_factor="klein-nystrand"``).
    """
    if name not in SETUPS:
        raise ValueError(f"experiment {name!r} is unknown; allowed: {tuple(SETUPS)}")
    factory = SETUPS[name]
    allowed = tuple(p for p in inspect.signature(factory).parameters if p != "options")
    option_overrides = {k: overrides.pop(k) for k in list(overrides) if k in _OPTION_FIELDS}
    unknown = sorted(set(overrides) - set(allowed))
    if unknown:
        raise ValueError(f"{name} has no parameter {unknown}; allowed: {allowed + _OPTION_FIELDS}")
    options = CrossSectionOptions(**option_overrides)
    return factory(**overrides, options=options)
