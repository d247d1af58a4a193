"""Chapter 4, *Neutrino sources* (``book/04_sources.ipynb``): reactor antineutrinos and pion decay at rest.

The chapter builds the reactor flux from the thermal power, the fission fractions and the spectra per
fission, asks which part of it a detector can see (the minimum neutrino energy at threshold, the
region below 2 MeV where the Huber-Mueller fits do not hold, the end point), and derives the prompt
line, the Michel spectra and the fluence of a spallation source. :func:`numbers` returns every number
its prose quotes; the other functions return its tables (as text) and draw its figures.

Energies are in MeV, fluxes in cm^-2 s^-1, fluences in cm^-2, thresholds in the unit their name says.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import matplotlib.pyplot as plt
import numpy as np
from scipy.integrate import quad

from .. import constants, experiments, fluxes, style, validation
from ..cross_section import e_min_mev, t_max_kev
from ..fluxes import FluxComponent, PionDecayAtRest, ReactorFlux
from ..notebook import Quoted

#: Total flux CONUS quotes at Brokdorf, "up to 2.3e13 cm^-2 s^-1" [CONUS Collaboration,
#: arXiv:2401.07684].
CONUS_QUOTED_FLUX_PER_CM2_S = 2.3e13

#: A lower silicon threshold than CONNIE's, to show the region below 2 MeV gaining weight [our choice].
LOW_THRESHOLD_KEVEE = 0.015

#: End points of the reactor spectrum tried for CONUS, in MeV (the fits end at 8 MeV) [our choice].
END_POINTS_MEV = (6.0, 6.5, 7.0, 7.5, 8.0)

#: The end point the prose compares with the fits' 8 MeV [our choice].
ALTERNATIVE_END_POINT_MEV = 7.0

#: Prompt-line energies in MeV that several public CEvNS codes use instead of (m_pi^2 - m_mu^2)/(2 m_pi).
PEER_LINES_MEV = (29.0, 29.65)

#: Charged-pion lifetime in ns [PDG 2020].
TAU_PION_NS = 26.033

#: Muon lifetime in microseconds [PDG 2020].
TAU_MUON_US = 2.1969811

#: The two reactor setups of the paper.
REACTOR_SETUPS = ("CONNIE", "CONUS")

#: The four setups of the paper, in the order of the chapter's threshold table.
ALL_SETUPS = ("CONNIE", "CONUS", "COHERENT-CsI-2017", "COHERENT-NaI")

#: Short names of the setups in the glue keys.
KEYS = {"CONUS": "conus", "CONNIE": "connie", "COHERENT-CsI-2017": "csi", "COHERENT-NaI": "nai"}

#: Energy above which the Huber-Mueller fits hold, in MeV.
FIT_EDGE_MEV = fluxes.FIT_E_MIN_MEV

#: Reactor power (GW thermal) and distances (m) of the exercise on the flux at a given distance [our choice].
EXERCISE_POWER_GW = 3.0
EXERCISE_DISTANCES_M = (10.0, 20.0, 40.0)

#: CONNIE thresholds (eVee) of the exercise on the region below 2 MeV [our choice].
EXERCISE_CONNIE_THRESHOLDS_EVEE = (15, 28, 50, 75, 100)


def flux_moment(component: FluxComponent, power: int = 0, e_low_mev: float = 0.0) -> float:
    """The moment int E^power dphi/dE dE of a flux component above ``e_low_mev``.

    Integrated with ``scipy.integrate.quad`` piece by piece between the component's kinks
    (``e_min_mev``, ``breakpoints_mev``, ``e_max_mev``), like
    :meth:`~cevnslib.fluxes.FluxComponent.total`, which is the moment of power 0 from the bottom.

    Parameters
    ----------
    component : a :class:`~cevnslib.fluxes.FluxComponent` with a density (not a line).
    power : the power k of E (0: number of neutrinos, 1: their energy in MeV).
    e_low_mev : lower limit in MeV; the density is integrated above it.

    Returns
    -------
    float
        In the component's unit times MeV^power (e.g. cm^-2 s^-1 MeV for a reactor and power 1).

    Raises ValueError for a line component, which has no density to integrate.
    """
    if component.density is None:
        raise ValueError(f"{component.label} is a line: its moments are line_fluence * line_mev**power")
    edges = (component.e_min_mev, *component.breakpoints_mev, component.e_max_mev)
    return float(
        sum(
            quad(lambda e: e**power * component.density(e), max(a, e_low_mev), b, limit=200)[0]
            for a, b in zip(edges[:-1], edges[1:])
            if b > e_low_mev
        )
    )


def _reactor(name: str) -> ReactorFlux:
    return experiments.get(name).source


def _reactor_spectrum() -> FluxComponent:
    """The reactor component at CONUS (its shape is the same for CONNIE)."""
    return _reactor("CONUS").components[0]


def _conus_flux(low_energy: str = "kopeikin") -> tuple[FluxComponent, float]:
    """The reactor component at CONUS with ``low_energy`` below 2 MeV, and the factor
    4 pi L^2 / (fissions per second) that turns its flux into antineutrinos per fission."""
    conus = _reactor("CONUS")
    flux = ReactorFlux(conus.power_gw, conus.distance_m, low_energy=low_energy)
    return flux.components[0], 4 * np.pi * (fluxes.CM_PER_M * flux.distance_m) ** 2 / flux.fissions_per_second


def antineutrinos_per_fission(low_energy: str = "kopeikin") -> float:
    """Antineutrinos per fission of the default fuel with the given treatment below 2 MeV.

    The CONUS flux, integrated over energy, times 4 pi L^2 over the fission rate. Raises ValueError
    for an unknown ``low_energy`` treatment (see :class:`~cevnslib.fluxes.ReactorFlux`).
    """
    component, per_fission = _conus_flux(low_energy)
    return flux_moment(component) * per_fission


def fit_coefficient_table() -> str:
    """The coefficients a_0..a_5 of the fits of Eq. (eq-ch4-fit) that the default spectrum uses.

    Read from ``cevnslib/data/reactor_spectra.csv`` (Huber 2011 for U235, Pu239, Pu241; Mueller et al.
    2011 for U238), as text with one row per isotope.
    """
    text = (files("cevnslib") / "data" / "reactor_spectra.csv").read_text(encoding="utf-8")
    rows = [line.split(",") for line in text.splitlines() if line and not line.startswith("#")][1:]
    chosen = fluxes.SPECTRUM_SOURCES["huber-mueller"]
    lines = ["isotope  source        a0          a1          a2          a3          a4          a5"]
    for iso, src, *a in rows:
        if chosen.get(iso) == src:
            lines.append(f"{iso:6s}   {src:8s}" + "".join(f"{float(x):12.3e}" for x in a))
    return "\n".join(lines)


def mean_energy_per_fission_mev(fission_fractions=None) -> float:
    """<E_f> = sum_i f_i E_i in MeV for ``fission_fractions`` (default: the library's mid-cycle mix).

    Raises ValueError for fractions that are not valid (see :class:`~cevnslib.fluxes.ReactorFlux`).
    """
    return ReactorFlux(1.0, 1.0, fission_fractions=fission_fractions).mean_energy_per_fission_mev


def fission_table() -> str:
    """Energy per fission and fission fractions of each isotope, default and Daya Bay, and <E_f>."""
    mixes = (fluxes.DEFAULT_FISSION_FRACTIONS, fluxes.DAYA_BAY_FISSION_FRACTIONS)
    lines = ["isotope   E_f [MeV]   f (default)   f (Daya Bay)"]
    for iso in fluxes.ISOTOPES:
        lines.append(
            f"{iso:7s}   {fluxes.ENERGY_PER_FISSION_MEV[iso]:8.2f}      {mixes[0][iso]:.3f}         {mixes[1][iso]:.3f}"
        )
    ef = [mean_energy_per_fission_mev(mix) for mix in mixes]
    lines.append(f"<E_f>      {ef[0]:8.2f}      (default)     {ef[1]:.2f} (Daya Bay)")
    return "\n".join(lines)


def isotope_spectra_figure() -> plt.Figure:
    """Spectra per fission of the four isotopes and of the default mix over the fits' 2-8 MeV range."""
    style.apply()
    energy = np.linspace(fluxes.FIT_E_MIN_MEV, fluxes.FIT_E_MAX_MEV, 301)
    fig, ax = plt.subplots(figsize=(style.FULL_WIDTH_IN, 4.6), constrained_layout=True)
    for iso, color in zip(fluxes.ISOTOPES, style.CYCLE):
        single = ReactorFlux(1.0, 1.0, fission_fractions={iso: 1.0}, low_energy="cut")
        label = {"U235": "$^{235}$U", "U238": "$^{238}$U", "Pu239": "$^{239}$Pu", "Pu241": "$^{241}$Pu"}[iso]
        ax.semilogy(energy, single.spectrum_per_fission(energy), color=color, label=label)
    mix = ReactorFlux(1.0, 1.0, low_energy="cut")
    ax.semilogy(
        energy, mix.spectrum_per_fission(energy), color=style.COLORS["black"], ls="--", lw=2.2, label="default mix"
    )
    ax.set(
        xlabel=r"$E_\nu$ [MeV]",
        ylabel=r"$S(E)$ [$\bar\nu_e$ MeV$^{-1}$ fission$^{-1}$]",
        xlim=(fluxes.FIT_E_MIN_MEV, fluxes.FIT_E_MAX_MEV),
    )
    ax.legend()
    return fig


def reactor_flux_table() -> str:
    """Power, distance, fission rate, total flux and the share above 2 MeV at CONUS and CONNIE."""
    lines = ["setup    P [GW]   L [m]   fissions/s   flux [cm^-2 s^-1]   above 2 MeV"]
    for name in ("CONUS", "CONNIE"):
        src = _reactor(name)
        total = src.total_flux()
        above = flux_moment(src.components[0], 0, FIT_EDGE_MEV) / total
        lines.append(
            f"{name:7s}  {src.power_gw:5.1f}   {src.distance_m:5.1f}   {src.fissions_per_second:.3e}"
            f"     {total:.3e}          {above:.3f}"
        )
    lines.append(f"antineutrinos per fission: {antineutrinos_per_fission():.2f}")
    return "\n".join(lines)


def low_energy_figure() -> plt.Figure:
    """Spectrum per fission (default fractions) with the five treatments below 2 MeV, 0-8 MeV."""
    style.apply()
    energy = np.linspace(0.0, fluxes.FIT_E_MAX_MEV, 1601)
    dashes = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)))
    fig, ax = plt.subplots(figsize=(style.FULL_WIDTH_IN, 4.8), constrained_layout=True)
    for option, dash, color in zip(fluxes.LOW_ENERGY_TREATMENTS, dashes, style.CYCLE):
        spectrum = ReactorFlux(1.0, 1.0, low_energy=option).spectrum_per_fission(energy)
        ax.semilogy(energy, spectrum, ls=dash, color=color, label=f'"{option}"')
    ax.axvspan(0, FIT_EDGE_MEV, color="0.92", zorder=0)
    ax.set(
        xlabel=r"$E_\nu$ [MeV]",
        ylabel=r"$S(E)$ [$\bar\nu_e$ MeV$^{-1}$ fission$^{-1}$]",
        xlim=(0, fluxes.FIT_E_MAX_MEV),
        ylim=(1e-3, 20),
    )
    ax.legend(title="low_energy")
    return fig


@cache
def _treatment_totals() -> dict[str, float]:
    """Total flux at CONUS (cm^-2 s^-1) with each treatment below 2 MeV."""
    conus = _reactor("CONUS")
    return {
        option: ReactorFlux(conus.power_gw, conus.distance_m, low_energy=option).total_flux()
        for option in fluxes.LOW_ENERGY_TREATMENTS
    }


def low_energy_flux_table() -> str:
    """The total flux at CONUS with each treatment below 2 MeV."""
    return "\n".join(f"{option:15s} {value:.3e} cm^-2 s^-1" for option, value in _treatment_totals().items())


def _lightest(name: str):
    """The lightest nucleus of setup ``name``'s target: the one reaching threshold with the least energy."""
    return min(experiments.get(name).target.nuclei, key=lambda n: n.mass_gev)


def threshold_kevnr(name: str, nucleus=None) -> float:
    """The recoil threshold (keVnr) of setup ``name`` on ``nucleus`` (default its lightest).

    Raises ValueError for an unknown setup.
    """
    nuc = _lightest(name) if nucleus is None else nucleus
    return float(experiments.get(name).detector.recoil_edges_kev(nuc)[0])


def threshold_e_min_mev(name: str, nucleus=None) -> float:
    """E_min (MeV) at the threshold of setup ``name`` on ``nucleus`` (default its lightest), Eq. (eq-ch4-emin).

    Raises ValueError for an unknown setup.
    """
    nuc = _lightest(name) if nucleus is None else nucleus
    return float(e_min_mev(threshold_kevnr(name, nuc), nuc.mass_gev))


def threshold_table() -> str:
    """Threshold, Lindhard k, recoil threshold, quenching factor and E_min of CONNIE and CONUS."""
    lines = ["setup    threshold        nucleus   Lindhard k   T_thr [keVnr]   Q_L     E_min [MeV]"]
    for name in REACTOR_SETUPS:
        detector = experiments.get(name).detector
        t_nr = threshold_kevnr(name)
        lines.append(
            f"{name:7s}  {1e3 * detector.threshold:5.0f} eVee       {_lightest(name).name:6s}    "
            f"{detector.quenching.k:.3f}         {t_nr:.4f}        {detector.threshold / t_nr:.3f}     "
            f"{threshold_e_min_mev(name):.3f}"
        )
    return "\n".join(lines)


@cache
def _counts_by_treatment() -> dict[str, dict[str, float]]:
    """Expected counts of CONNIE and CONUS (one year) with each treatment below 2 MeV."""
    return {
        name: {
            option: float(experiments.get(name, low_energy=option).predict().sum())
            for option in fluxes.LOW_ENERGY_TREATMENTS
        }
        for name in REACTOR_SETUPS
    }


def low_energy_counts_table() -> str:
    """Counts of CONNIE and CONUS with each treatment below 2 MeV, and their change from the default."""
    counts = _counts_by_treatment()
    lines = ["low_energy        CONNIE    vs default     CONUS    vs default"]
    for option in fluxes.LOW_ENERGY_TREATMENTS:
        r1, r2 = (counts[n][option] / counts[n]["kopeikin"] - 1 for n in REACTOR_SETUPS)
        lines.append(
            f"{option:15s}  {counts['CONNIE'][option]:8.1f}    {100 * r1:+6.2f}%    "
            f"{counts['CONUS'][option]:8.1f}   {100 * r2:+6.2f}%"
        )
    return "\n".join(lines)


def _connie_cut_loss(threshold_kevee: float | None = None) -> float:
    """Fraction of CONNIE's events lost when the spectrum is cut at 2 MeV, at ``threshold_kevee``."""
    default, cut = (
        experiments.get("CONNIE", threshold_kevee=threshold_kevee, low_energy=option).predict().sum()
        for option in ("kopeikin", "cut")
    )
    return float(max(1 - cut / default, 0.0))


@cache
def _conus_end_points() -> dict[float, float]:
    """CONUS counts with the reactor spectrum stopped at each of :data:`END_POINTS_MEV`."""
    return {e: float(experiments.get("CONUS", reactor_e_max_mev=e).predict().sum()) for e in END_POINTS_MEV}


def end_point_table() -> str:
    """CONUS counts for each end point of the spectrum, and what Kopeikin's 8-9 MeV adds."""
    counts = _conus_end_points()
    top = counts[fluxes.FIT_E_MAX_MEV]
    lines = ["e_max [MeV]   CONUS counts   relative to 8 MeV"]
    lines += [f"   {e:4.1f}        {n:8.1f}        {n / top:.3f}" for e, n in counts.items()]
    lines.append(f"Kopeikin spectrum: counts from 8 to 9 MeV add {100 * kopeikin_tail():.1f}%")
    return "\n".join(lines)


def kopeikin_tail(threshold_kevee: float | None = None) -> float:
    """Relative increase of the CONUS count when Kopeikin's spectrum runs on from 8 MeV to its last node (9 MeV).

    ``threshold_kevee``: CONUS's threshold (default its own, 0.1 keVee). Raises ValueError for a
    threshold that is not a number > 0 or lies above every recoil the spectrum can give.
    """
    last = ReactorFlux(1.0, 1.0, low_energy="kopeikin-total").e_max_mev
    up_to = {
        e: experiments.get("CONUS", threshold_kevee=threshold_kevee, low_energy="kopeikin-total", reactor_e_max_mev=e)
        .predict()
        .sum()
        for e in (fluxes.FIT_E_MAX_MEV, last)
    }
    return float(up_to[last] / up_to[fluxes.FIT_E_MAX_MEV] - 1)


def _csi_source() -> PionDecayAtRest:
    return experiments.get("COHERENT-CsI-2017").source


@cache
def prompt_line_table() -> str:
    """The CsI SM count with the prompt line moved to each of :data:`PEER_LINES_MEV`, against ours."""
    ours = experiments.get("COHERENT-CsI-2017").predict().sum()
    lines = []
    for line in PEER_LINES_MEV:
        moved = experiments.get("COHERENT-CsI-2017", prompt_line_mev=line).predict().sum()
        lines.append(f"prompt line at {line:5.2f} MeV: CsI SM counts {moved:6.1f} (ours {ours:6.1f})")
    return "\n".join(lines)


def _peer_line_change(line_mev: float) -> float:
    """Relative change of the CsI SM count when the prompt line sits at ``line_mev``."""
    ours = experiments.get("COHERENT-CsI-2017").predict().sum()
    return float(experiments.get("COHERENT-CsI-2017", prompt_line_mev=line_mev).predict().sum() / ours - 1)


def pion_dar_figure() -> plt.Figure:
    """Spectra of pion decay at rest per decay: the prompt line and the delayed Michel spectra, 0-60 MeV."""
    style.apply()
    energy = np.linspace(0.0, 60.0, 601)
    line = _csi_source().prompt_energy_mev
    fig, ax = plt.subplots(figsize=(style.FULL_WIDTH_IN, 4.6), constrained_layout=True)
    names = {"delayed nu_e": r"delayed $\nu_e$", "delayed anti-nu_mu": r"delayed $\bar\nu_\mu$"}
    for label, color in zip(fluxes.DELAYED_LABELS, (style.COLORS["vermillion"], style.COLORS["blue"])):
        ax.plot(energy, PionDecayAtRest.spectrum(label, energy), color=color, lw=2, label=names[label])
    ax.axvline(line, color=style.COLORS["black"], lw=2.5, label=rf"prompt $\nu_\mu$ ({line:.2f} MeV)")
    ax.set(xlabel=r"$E_\nu$ [MeV]", ylabel=r"$dN/dE$ per decay [MeV$^{-1}$]", xlim=(0, 60), ylim=(0, 0.06))
    ax.legend()
    return fig


def fluence_table() -> str:
    """Distance and fluence per flavour of the CsI 2017 run and of the NaI year."""
    lines = []
    for name, setup in (("CsI 2017", "COHERENT-CsI-2017"), ("NaI", "COHERENT-NaI")):
        s = experiments.get(setup).source
        lines.append(f"{name:8s} L = {s.distance_m:4.1f} m   fluence per flavour = {s.fluence_per_cm2:.4e} cm^-2")
    return "\n".join(lines)


def muon_decay_fraction(window_us: float) -> float:
    """Fraction of muons decayed within ``window_us`` microseconds of their birth (pulse width neglected).

    Raises ValueError unless ``window_us`` is a number >= 0.
    """
    window_us = validation.number("window_us", window_us, 0.0)
    return float(1 - np.exp(-window_us / TAU_MUON_US))


def _window_us() -> float:
    return float(experiments.get("COHERENT-CsI-2017").data.time_edges_us[-1])


@cache
def mean_energies_mev() -> dict[str, float]:
    """Mean energies (MeV) of the reactor flux (all, and above 2 MeV) and of the three pi-DAR components."""
    reactor = _reactor_spectrum()
    mean = {
        "reactor": flux_moment(reactor, 1) / flux_moment(reactor),
        "reactor > 2 MeV": flux_moment(reactor, 1, FIT_EDGE_MEV) / flux_moment(reactor, 0, FIT_EDGE_MEV),
        "prompt nu_mu": _csi_source().prompt_energy_mev,
    }
    for label in fluxes.DELAYED_LABELS:
        mean[label] = quad(lambda e: e * PionDecayAtRest.spectrum(label, e), 0, fluxes.PION_DAR_E_MAX_MEV)[0]
    return mean


def mean_energy_table() -> str:
    """The mean energies of :func:`mean_energies_mev`, one per line."""
    return "\n".join(f"<E> {key:20s} {value:7.3f} MeV" for key, value in mean_energies_mev().items())


def fractions_above(e_low_mev: float) -> dict[str, float]:
    """Fractions of the reactor flux and of the three pi-DAR components above ``e_low_mev`` (MeV).

    Keys ``"reactor"``, ``"prompt"``, ``"nue"`` and ``"numubar"``.
    """
    reactor = _reactor_spectrum()
    e_end = fluxes.PION_DAR_E_MAX_MEV
    delayed = [
        quad(lambda e: PionDecayAtRest.spectrum(label, e), e_low_mev, e_end)[0] if e_low_mev < e_end else 0.0
        for label in fluxes.DELAYED_LABELS
    ]
    return {
        "reactor": flux_moment(reactor, 0, e_low_mev) / flux_moment(reactor),
        "prompt": float(_csi_source().prompt_energy_mev > e_low_mev),
        "nue": delayed[0],
        "numubar": delayed[1],
    }


def _threshold_nuclei(name: str):
    """The lightest isotope of each element of setup ``name``'s target."""
    lightest = {}
    for nuc in sorted(experiments.get(name).target.nuclei, key=lambda n: n.mass_gev):
        lightest.setdefault(nuc.name.rstrip("0123456789"), nuc)
    return list(lightest.values())


def threshold_fraction_table() -> str:
    """E_min at each setup's threshold (lightest isotope of each element) and the fractions of flux above."""
    lines = ["setup               nucleus  T_thr [keVnr]  E_min [MeV]  reactor  prompt  nu_e  anti-nu_mu"]
    for name in ALL_SETUPS:
        for nuc in _threshold_nuclei(name):
            e_min = threshold_e_min_mev(name, nuc)
            fr = fractions_above(e_min)
            if name in REACTOR_SETUPS:
                cols = (f"{fr['reactor']:.3f}", "  -  ", "  -  ", "  -  ")
            else:
                cols = ("  -  ", f"{fr['prompt']:.0f}", f"{fr['nue']:.3f}", f"{fr['numubar']:.3f}")
            lines.append(
                f"{name:18s}  {nuc.name:6s}   {threshold_kevnr(name, nuc):9.3f}    {e_min:8.2f}     "
                f"{cols[0]:6s}   {cols[1]:5s}  {cols[2]:5s}  {cols[3]:5s}"
            )
    return "\n".join(line.rstrip() for line in lines)


def muon_kinetic_energy_mev() -> float:
    """Kinetic energy of the muon from pi+ decay at rest, (m_pi - m_mu)^2 / (2 m_pi), in MeV."""
    m_pi, m_mu = constants.M_PION_MEV, constants.M_MUON_MEV
    return (m_pi - m_mu) ** 2 / (2 * m_pi)


def flux_by_hand_per_cm2_s(power_gw: float, distance_m: float) -> float:
    """Total reactor flux (cm^-2 s^-1) from Eq. (eq-ch4-flux): P/<E_f> times antineutrinos per fission / (4 pi L^2).

    Default fission fractions and low-energy treatment. Raises ValueError for a power or distance
    that is not a number > 0.
    """
    power_gw = validation.positive("power_gw", power_gw)
    distance_m = validation.positive("distance_m", distance_m)
    fissions = power_gw * fluxes.W_PER_GW / (mean_energy_per_fission_mev() * constants.MEV_J)
    return fissions * antineutrinos_per_fission() / (4 * np.pi * (fluxes.CM_PER_M * distance_m) ** 2)


def same_flux_distance_m(power_gw: float) -> float:
    """Distance (m) at which a reactor of ``power_gw`` gives the CONUS flux: L_CONUS sqrt(P / P_CONUS).

    Raises ValueError for a power that is not a number > 0.
    """
    conus = _reactor("CONUS")
    return conus.distance_m * np.sqrt(validation.positive("power_gw", power_gw) / conus.power_gw)


def distance_table(power_gw: float = EXERCISE_POWER_GW, distances_m=EXERCISE_DISTANCES_M) -> str:
    """Flux of a reactor of ``power_gw`` at ``distances_m``: by hand, from the library, and its share above 2 MeV.

    Raises ValueError for a power or a distance that is not a number > 0.
    """
    ef_j = mean_energy_per_fission_mev() * constants.MEV_J
    fissions = validation.positive("power_gw", power_gw) * fluxes.W_PER_GW / ef_j
    lines = [
        f"{power_gw:.1f} GW: {fissions:.4e} fissions/s, {antineutrinos_per_fission():.3f} antineutrinos per fission",
        f"{'L [m]':>6s}{'by hand':>13s}{'ReactorFlux':>13s}{'share > 2 MeV':>15s}   [cm^-2 s^-1]",
    ]
    for distance in distances_m:
        flux = ReactorFlux(power_gw, distance)
        share = flux_moment(flux.components[0], 0, FIT_EDGE_MEV) / flux.total_flux()
        lines.append(
            f"{distance:6.0f}{flux_by_hand_per_cm2_s(power_gw, distance):13.4e}{flux.total_flux():13.4e}{share:15.4f}"
        )
    l_same = same_flux_distance_m(power_gw)
    lines.append(
        f"same flux as CONUS at L = {l_same:.2f} m: {ReactorFlux(power_gw, l_same).total_flux():.4e} "
        f"(CONUS {_reactor('CONUS').total_flux():.4e})"
    )
    return "\n".join(lines)


def below_2mev(low_energy: str) -> dict[str, float]:
    """What lies below 2 MeV with treatment ``low_energy``: shares of the antineutrinos and of their energy,
    and antineutrinos per fission.

    Keys ``"number"``, ``"energy"`` and ``"per fission"``. Raises ValueError for an unknown treatment.
    """
    component, per_fission = _conus_flux(low_energy)
    n_all, n_above = flux_moment(component), flux_moment(component, 0, FIT_EDGE_MEV)
    e_all, e_above = flux_moment(component, 1), flux_moment(component, 1, FIT_EDGE_MEV)
    return {
        "number": 1 - n_above / n_all,
        "energy": 1 - e_above / e_all,
        "per fission": (n_all - n_above) * per_fission,
    }


def below_2mev_table() -> str:
    """:func:`below_2mev` for Kopeikin's spectrum and for the fit frozen at its 2 MeV value."""
    lines = []
    for treatment in ("kopeikin-total", "frozen"):
        b = below_2mev(treatment)
        lines.append(
            f"{treatment:15s} below 2 MeV: {b['number']:.4f} of the antineutrinos, "
            f"{b['energy']:.4f} of their energy, {b['per fission']:.3f} per fission"
        )
    return "\n".join(lines)


def two_mev_threshold() -> tuple[float, float]:
    """(T in keVnr, E_ee in eVee) of the CONNIE threshold at which E_min on Si28 is exactly 2 MeV.

    T = T_max(2 MeV) on Si28, turned into ionisation by CONNIE's Lindhard quenching.
    """
    connie = experiments.get("CONNIE")
    si28 = connie.target.nuclei[0]
    t_2mev = float(t_max_kev(FIT_EDGE_MEV, si28.mass_gev))
    return t_2mev, 1e3 * float(connie.detector.quenching.ee_kev(t_2mev, si28))


@cache
def connie_threshold_scan() -> list[dict[str, float]]:
    """CONNIE at the thresholds of :data:`EXERCISE_CONNIE_THRESHOLDS_EVEE`: recoil threshold on Si28,
    E_min, counts with the default and with the cut spectrum, and the share from below 2 MeV.

    One dict per threshold, keys ``"threshold_evee"``, ``"t_kevnr"``, ``"e_min_mev"``, ``"n_default"``,
    ``"n_cut"`` and ``"share"``.
    """
    rows = []
    for thr_ev in EXERCISE_CONNIE_THRESHOLDS_EVEE:
        default = experiments.get("CONNIE", threshold_kevee=thr_ev / 1e3)
        si28 = default.target.nuclei[0]
        t_nr = float(default.detector.recoil_edges_kev(si28)[0])
        n_default = float(default.predict().sum())
        n_cut = float(experiments.get("CONNIE", threshold_kevee=thr_ev / 1e3, low_energy="cut").predict().sum())
        rows.append(
            {
                "threshold_evee": thr_ev,
                "t_kevnr": t_nr,
                "e_min_mev": float(e_min_mev(t_nr, si28.mass_gev)),
                "n_default": n_default,
                "n_cut": n_cut,
                "share": max(1 - n_cut / n_default, 0.0),
            }
        )
    return rows


def connie_threshold_table() -> str:
    """:func:`connie_threshold_scan` as text, and the threshold where E_min reaches 2 MeV."""
    lines = [
        f"{'threshold [eVee]':>17s}{'T [keVnr]':>11s}{'E_min [MeV]':>13s}{'N default':>11s}{'N cut':>9s}"
        f"{'from < 2 MeV':>14s}"
    ]
    for r in connie_threshold_scan():
        lines.append(
            f"{r['threshold_evee']:17d}{r['t_kevnr']:11.4f}{r['e_min_mev']:13.3f}{r['n_default']:11.1f}"
            f"{r['n_cut']:9.1f}{r['share']:14.4f}"
        )
    t_2mev, ee_2mev = two_mev_threshold()
    lines.append(f"E_min = 2 MeV at T = {t_2mev:.4f} keVnr = {ee_2mev:.1f} eVee")
    return "\n".join(lines)


def numbers() -> dict[str, float | int | str | Quoted]:
    """Every number the prose of chapter 4 quotes, keyed by its glue name."""
    out: dict[str, float | int | str | Quoted] = {
        "ch4-ef-default": mean_energy_per_fission_mev(fluxes.DEFAULT_FISSION_FRACTIONS),
        "ch4-ef-dayabay": mean_energy_per_fission_mev(fluxes.DAYA_BAY_FISSION_FRACTIONS),
    }
    for name in REACTOR_SETUPS:
        src, key = _reactor(name), KEYS[name]
        out[f"ch4-{key}-p"] = src.power_gw
        out[f"ch4-{key}-l"] = src.distance_m
        out[f"ch4-{key}-flux-e13"] = src.total_flux() / 1e13
    conus = _reactor("CONUS")
    out["ch4-conus-fissions-e20"] = conus.fissions_per_second / 1e20
    out["ch4-conus-above2"] = flux_moment(conus.components[0], 0, FIT_EDGE_MEV) / conus.total_flux()
    out["ch4-conus-quoted-e13"] = CONUS_QUOTED_FLUX_PER_CM2_S / 1e13
    out["ch4-conus-flux-ratio"] = conus.total_flux() / CONUS_QUOTED_FLUX_PER_CM2_S
    out["ch4-nu-per-fission"] = antineutrinos_per_fission()
    totals = _treatment_totals()
    out["ch4-flux-min-e13"] = min(totals.values()) / 1e13
    out["ch4-flux-max-e13"] = max(totals.values()) / 1e13

    for name in REACTOR_SETUPS:
        detector, key = experiments.get(name).detector, KEYS[name]
        out[f"ch4-{key}-thr-evee"] = 1e3 * detector.threshold
        out[f"ch4-{key}-thr-kevnr"] = threshold_kevnr(name)
        out[f"ch4-{key}-emin"] = threshold_e_min_mev(name)
    out["ch4-connie-k"] = experiments.get("CONNIE").detector.quenching.k
    out["ch4-connie-qf"] = experiments.get("CONNIE").detector.threshold / threshold_kevnr("CONNIE")

    counts = _counts_by_treatment()
    out["ch4-low-thr-evee"] = 1e3 * LOW_THRESHOLD_KEVEE
    out["ch4-low-thr-cut-pct"] = 100 * _connie_cut_loss(LOW_THRESHOLD_KEVEE)
    for name in REACTOR_SETUPS:
        out[f"ch4-{KEYS[name]}-koptot-pct"] = 100 * (1 - counts[name]["kopeikin-total"] / counts[name]["kopeikin"])
    out["ch4-connie-cut-pct"] = 100 * (1 - counts["CONNIE"]["cut"] / counts["CONNIE"]["kopeikin"])

    end_points = _conus_end_points()
    out["ch4-conus-emax7"] = end_points[ALTERNATIVE_END_POINT_MEV] / end_points[fluxes.FIT_E_MAX_MEV]
    out["ch4-fit-emax"] = fluxes.FIT_E_MAX_MEV
    out["ch4-emax-alt"] = ALTERNATIVE_END_POINT_MEV
    out["ch4-conus-tail-pct"] = 100 * kopeikin_tail()
    out["ch4-kop-last"] = ReactorFlux(1.0, 1.0, low_energy="kopeikin-total").e_max_mev

    src = _csi_source()
    out["ch4-mpi"] = Quoted(constants.M_PION_MEV, 9)
    out["ch4-mmu"] = Quoted(constants.M_MUON_MEV, 10)
    out["ch4-prompt"] = src.prompt_energy_mev
    out["ch4-endpoint"] = fluxes.PION_DAR_E_MAX_MEV
    for key, line in zip(("a", "b"), PEER_LINES_MEV):
        out[f"ch4-peer-{key}"] = line
        out[f"ch4-peer-{key}-pct"] = 100 * _peer_line_change(line)

    nai = experiments.get("COHERENT-NaI")
    out["ch4-r"] = src.nu_per_proton
    out["ch4-pot-e23"] = src.protons_on_target / 1e23
    out["ch4-csi-l"] = src.distance_m
    out["ch4-nai-l"] = nai.source.distance_m
    out["ch4-csi-fluence-e14"] = src.fluence_per_cm2 / 1e14
    out["ch4-nai-fluence-e14"] = nai.source.fluence_per_cm2 / 1e14

    out["ch4-tau-pi-ns"] = TAU_PION_NS
    out["ch4-tau-mu-us"] = TAU_MUON_US
    out["ch4-window-us"] = _window_us()
    out["ch4-window-frac"] = muon_decay_fraction(_window_us())

    mean = mean_energies_mev()
    out["ch4-mean-ratio"] = mean["delayed nu_e"] / mean["reactor > 2 MeV"]
    out["ch4-nai-thr"] = nai.detector.threshold
    for key, value in mean.items():
        out["ch4-mean-" + key.replace(" ", "-").replace(">", "gt").lower()] = value
    quoted_fractions = {
        ("CONNIE", "Si28"): ("reactor",),
        ("CONUS", "Ge70"): ("reactor",),
        ("COHERENT-CsI-2017", "I127"): ("nue", "numubar"),
        ("COHERENT-NaI", "I127"): ("nue", "numubar"),
    }
    for (name, nucleus), kinds in quoted_fractions.items():
        nuc = next(n for n in experiments.get(name).target.nuclei if n.name == nucleus)
        fractions = fractions_above(threshold_e_min_mev(name, nuc))
        for kind in kinds:
            out[f"ch4-frac-{KEYS[name]}-{nucleus.lower()}-{kind}"] = fractions[kind]
    for nuc in nai.target.nuclei:
        out[f"ch4-emin-nai-{nuc.name.lower()}"] = threshold_e_min_mev("COHERENT-NaI", nuc)

    out["ch4-ex-tmu"] = muon_kinetic_energy_mev()
    fissions = EXERCISE_POWER_GW * fluxes.W_PER_GW / (mean_energy_per_fission_mev() * constants.MEV_J)
    for distance in EXERCISE_DISTANCES_M[:2]:
        out[f"ch4-ex-flux-{distance:.0f}-e13"] = ReactorFlux(EXERCISE_POWER_GW, distance).total_flux() / 1e13
    out["ch4-ex-fissions-e19"] = fissions / 1e19
    out["ch4-ex-lsame"] = same_flux_distance_m(EXERCISE_POWER_GW)
    out["ch4-ex-fissions-per-gw-e19"] = fissions / EXERCISE_POWER_GW / 1e19
    kopeikin, frozen = below_2mev("kopeikin-total"), below_2mev("frozen")
    out["ch4-ex-below2-kopeikin"] = kopeikin["number"]
    out["ch4-ex-below2-e-kopeikin"] = kopeikin["energy"]
    out["ch4-ex-below2-nf-kopeikin"] = kopeikin["per fission"]
    out["ch4-ex-below2-nf-frozen"] = frozen["per fission"]
    for row in connie_threshold_scan():
        if row["threshold_evee"] <= 50:
            out[f"ch4-ex-share-{row['threshold_evee']}"] = row["share"]
    t_2mev, ee_2mev = two_mev_threshold()
    out["ch4-ex-thr-2mev-ev"] = ee_2mev
    out["ch4-ex-t-2mev"] = t_2mev
    return out
