"""Chapter 5, *Detectors and expected events* (``book/05_detectors.ipynb``): the paper's Eq. 3, factor by factor.

The chapter turns cross section and flux into expected counts for the four setups of the paper: the
number of target nuclei, the live time, flux or fluence, the quenching that turns a recoil into what a
detector sees, the COHERENT CsI acceptance and data, and a check of the CsI count by hand.
:func:`numbers` returns every number its prose quotes; the other functions return its tables (as
text) and draw its figures.

Energies: recoils in keVnr, ionisation in keVee (or eVee where the name says so), neutrinos in MeV;
fluxes in cm^-2 s^-1, fluences in cm^-2.
"""

from __future__ import annotations

from functools import cache

import matplotlib.pyplot as plt
import numpy as np

from .. import constants, cross_section, detectors, experiments, fluxes, form_factors, nuclei, rates, style, validation
from ..fluxes import PionDecayAtRest
from ..notebook import Quoted, book_precision, scientific
from . import ch04

#: Standard atomic weights in g/mol [IUPAC, CIAAW 2021], an independent route to the molar masses.
ATOMIC_WEIGHT_G_PER_MOL = {"Ge": 72.630, "Si": 28.085, "Cs": 132.905, "I": 126.904, "Na": 22.990}

#: Elements of each target's formula unit.
FORMULA_ELEMENTS = {"Ge": ("Ge",), "Si": ("Si",), "CsI": ("Cs", "I"), "NaI": ("Na", "I")}

#: Short names of the setups in the glue keys.
KEYS = {"CONUS": "conus", "CONNIE": "connie", "COHERENT-CsI-2017": "csi", "COHERENT-NaI": "nai"}

#: The Lindhard constant of germanium measured at keV energies, and its error [Bonhomme et al. 2022].
K_GE_MEASURED, K_GE_MEASURED_ERR = 0.162, 0.004

#: The Lindhard constant of germanium in the CONUS Run-1 analysis [CONUS Collaboration 2021].
K_CONUS_RUN1 = 0.18

#: Parameters k1 (plateau), k2 (slope, per PE) and x0 (midpoint, PE) of the COHERENT CsI 2017 acceptance
#: [data release, arXiv:1804.09459]; :func:`cevnslib.detectors.coherent_2017_acceptance` evaluates it.
ACCEPTANCE_K1, ACCEPTANCE_K2_PER_PE, ACCEPTANCE_X0_PE = 0.6655, 0.4942, 10.8507

#: The SM prediction COHERENT quoted for the 2017 CsI run, and its error [Akimov et al., Science 357 (2017) 1123].
COHERENT_SM_EVENTS, COHERENT_SM_EVENTS_ERR = 173, 48

#: CONUS thresholds (keVee) of the exercise on the CONUS threshold [our choice].
EXERCISE_CONUS_THRESHOLDS_KEVEE = (0.10, 0.15, 0.20, 0.25, 0.30)

#: Thresholds (keVnr) of the idealised CsI detector of the exercise on R_n [our choice].
EXERCISE_CSI_THRESHOLDS_KEVNR = (2.0, 5.0, 10.0, 15.0, 20.0, 25.0)

#: R_n (fm) at which the exercise evaluates d ln N / d R_n, and the half step of its central difference.
EXERCISE_RN_FM, EXERCISE_RN_STEP_FM = 4.8, 0.05


def _get(name: str) -> experiments.Experiment:
    return experiments.get(name)


@cache
def counts() -> dict[str, np.ndarray]:
    """The SM counts per analysis bin of the four setups (R_n = R_p), by setup name."""
    return {name: _get(name).predict() for name in experiments.PAPER_SETUPS}


def counts_table() -> str:
    """Total SM count and number of analysis bins of each setup."""
    return "\n".join(f"{name:18s} {c.sum():9.1f} events in {c.size:2d} bin(s)" for name, c in counts().items())


# --- number of targets -------------------------------------------------------------------------------


def nuclei_per_kg_by_hand(material: str) -> float:
    """Nuclei per kg of ``material`` (``"Ge"``, ``"Si"``, ``"CsI"``, ``"NaI"``) from the standard atomic
    weights, Eq. (eq-ch5-targets): 10^3 N_A / M_mol nuclei per formula unit.

    Raises ValueError for a material not in :data:`FORMULA_ELEMENTS`.
    """
    elements = FORMULA_ELEMENTS.get(material)
    if elements is None:
        raise ValueError(f"material {material!r} is unknown; allowed: {tuple(FORMULA_ELEMENTS)}")
    molar = sum(ATOMIC_WEIGHT_G_PER_MOL[el] for el in elements)
    return 1e3 * constants.AVOGADRO_PER_MOL / molar * len(elements)


def targets_table() -> str:
    """Molar mass, nuclei per kg by hand and from the library, mass and number of nuclei of each setup."""
    lines = [
        f"{'setup':18s} {'target':6s} {'M_mol':>8s} {'nuclei/kg (hand)':>17s} {'nuclei/kg (lib)':>16s}"
        f" {'mass [kg]':>10s} {'N_T':>10s}"
    ]
    for name in experiments.PAPER_SETUPS:
        exp = _get(name)
        tgt = exp.target
        molar = sum(ATOMIC_WEIGHT_G_PER_MOL[el] for el in FORMULA_ELEMENTS[tgt.name])
        library = tgt.nuclei_per_kg.sum()
        lines.append(
            f"{name:18s} {tgt.name:6s} {molar:8.3f} {nuclei_per_kg_by_hand(tgt.name):17.4e} {library:16.4e}"
            f" {exp.mass_kg:10.2f} {library * exp.mass_kg:10.3e}"
        )
    return "\n".join(lines)


def nuclei_per_kg_largest_difference() -> float:
    """The largest relative difference between :func:`nuclei_per_kg_by_hand` and the library, over the setups."""
    return max(
        abs(nuclei_per_kg_by_hand(_get(n).target.name) / _get(n).target.nuclei_per_kg.sum() - 1)
        for n in experiments.PAPER_SETUPS
    )


# --- live time, flux and fluence ---------------------------------------------------------------------


def antineutrinos_per_fission_trapezoid(name: str) -> float:
    """n_nu = int S(E) dE of setup ``name``'s reactor by the trapezoidal rule on 100001 points.

    Raises ValueError for a setup that is not a reactor.
    """
    src = _get(name).source
    if not isinstance(src, fluxes.ReactorFlux):
        raise ValueError(f"{name} is not a reactor setup")
    energy = np.linspace(src.e_min_mev, src.e_max_mev, 100001)
    return float(np.trapezoid(src.spectrum_per_fission(energy), energy))


def reactor_flux_by_hand_per_cm2_s(name: str) -> float:
    """Eq. (eq-ch5-reactor-flux): P/<E_f> n_nu / (4 pi L^2) for setup ``name``, in cm^-2 s^-1.

    Raises ValueError for a setup that is not a reactor.
    """
    n_nu = antineutrinos_per_fission_trapezoid(name)
    src = _get(name).source
    fissions = src.power_gw * fluxes.W_PER_GW / (src.mean_energy_per_fission_mev * constants.MEV_J)
    return fissions * n_nu / (4 * np.pi * (fluxes.CM_PER_M * src.distance_m) ** 2)


def _reactor_exposure_row(name: str) -> str:
    exp = _get(name)
    src, flux = exp.source, reactor_flux_by_hand_per_cm2_s(name)
    return (
        f"{name:7s} {src.power_gw:7.1f} {src.distance_m:6.1f} {src.mean_energy_per_fission_mev:11.2f}"
        f" {src.fissions_per_second:11.3e} {antineutrinos_per_fission_trapezoid(name):6.3f}"
        f" {flux:12.4e} {src.total_flux():11.4e} {exp.live_time_s:10.4e} {flux * exp.live_time_s:10.3e}"
    )


def reactor_exposure_table() -> str:
    """Power, distance, <E_f>, fission rate, n_nu, flux by hand and from the library, live time and fluence."""
    header = (
        f"{'setup':7s} {'P [GW]':>7s} {'L [m]':>6s} {'<E_f> [MeV]':>11s} {'fissions/s':>11s} {'n_nu':>6s}"
        f" {'flux (hand)':>12s} {'flux (lib)':>11s} {'t [s]':>10s} {'fluence':>10s}"
    )
    return "\n".join([header] + [_reactor_exposure_row(name) for name in ("CONUS", "CONNIE")])


def fluence_by_hand_per_cm2(name: str) -> float:
    """Eq. (eq-ch5-fluence): r N_POT / (4 pi L^2) of setup ``name``, in cm^-2 per flavour.

    Raises ValueError for a setup that is not a pion-decay-at-rest source.
    """
    src = _get(name).source
    if not isinstance(src, PionDecayAtRest):
        raise ValueError(f"{name} is not a pion-decay-at-rest setup")
    return src.nu_per_proton * src.protons_on_target / (4 * np.pi * (fluxes.CM_PER_M * src.distance_m) ** 2)


def fluence_table() -> str:
    """POT, r, distance, fluence by hand and from the library, and live days of the two COHERENT setups."""
    lines = [
        f"{'setup':18s} {'N_POT':>9s} {'r':>5s} {'L [m]':>6s} {'fluence (hand)':>15s} {'fluence (lib)':>14s}"
        f" {'live days':>9s}"
    ]
    for name in ("COHERENT-CsI-2017", "COHERENT-NaI"):
        exp = _get(name)
        src = exp.source
        lines.append(
            f"{name:18s} {src.protons_on_target:9.2e} {src.nu_per_proton:5.2f} {src.distance_m:6.1f}"
            f" {fluence_by_hand_per_cm2(name):15.4e} {src.fluence_per_cm2:14.4e} {exp.live_time_days:9.1f}"
        )
    return "\n".join(lines)


# --- the CsI count by hand ---------------------------------------------------------------------------


def _csi():
    return _get("COHERENT-CsI-2017")


def _gf2_over_pi_cm2_per_gev2() -> float:
    """G_F^2 / pi in cm^2 per GeV^2 (converted with (hbar c)^2)."""
    return constants.G_F_GEV2**2 * constants.HBARC_GEV_CM**2 / np.pi


def pion_dar_mean_e2_mev2() -> float:
    """<E^2> summed over the three pi-DAR components in MeV^2, Eq. (eq-ch5-e2):
    E_nu_mu^2 + m_mu^2/10 + 2 m_mu^2/15 (prompt line, delayed nu_e, delayed anti-nu_mu)."""
    m_mu = constants.M_MUON_MEV
    return _csi().source.prompt_energy_mev ** 2 + m_mu**2 / 10 + 2 * m_mu**2 / 15


def csi_point_count_by_hand() -> float:
    """CsI 2017 interactions with every recoil counted and F = 1, from Eq. (eq-ch5-sigma-total):
    N_CsI Phi (G_F^2/pi) (Q_Cs^2 + Q_I^2) <E^2> summed over the three components."""
    csi = _csi()
    gp, gn = csi.options.nucleon_couplings
    q2_sum = sum((nuc.Z * gp + nuc.N * gn) ** 2 for nuc in csi.target.nuclei)
    n_units = csi.mass_kg * 1e3 * constants.AVOGADRO_PER_MOL / csi.target.molar_mass_g_per_mol
    return n_units * csi.source.fluence_per_cm2 * _gf2_over_pi_cm2_per_gev2() * q2_sum * pion_dar_mean_e2_mev2() * 1e-6


def _all_recoils_count(form_factor: str) -> float:
    """CsI 2017 count of every recoil from T = 0, no acceptance, with ``form_factor`` (library quadrature)."""
    setup = experiments.get("COHERENT-CsI-2017", form_factor=form_factor)
    everything = detectors.Detector("keVnr", (0.0, np.inf))
    return float(
        rates.build_templates(
            setup.target, setup.source, everything, setup.mass_kg, setup.live_time_s, setup.options
        ).counts()[0]
    )


def csi_point_count_library() -> float:
    """The count of :func:`csi_point_count_by_hand` from the library's quadrature (keVnr detector from 0, F = 1)."""
    return _all_recoils_count("unity")


def csi_window_recoils_kevnr() -> tuple[float, float]:
    """(T_1, T_2) in keVnr: the acceptance midpoint x0 and the top of the 6-30 PE window, through PE = Y Q T."""
    det = _csi().detector
    pe_per_kevnr = det.light_yield_pe_per_kevee * det.quenching.factor
    return ACCEPTANCE_X0_PE / pe_per_kevnr, det.bin_edges[-1] / pe_per_kevnr


def window_cross_section_cm2(energy_mev, nucleus, t1_kevnr: float, t2_kevnr: float):
    """The paper's Eq. 1 with F = 1 integrated over T in [T_1, T_2]:
    (2 G_F^2/pi) Q^2 E^2 [(u_2 - u_1) - (u_2^2 - u_1^2)/2], u = T/T_max clipped to [0, 1], in cm^2.

    ``energy_mev``: neutrino energies (array); Q = Z g_V^p + N g_V^n with the default couplings.
    """
    gp, gn = cross_section.CrossSectionOptions().nucleon_couplings
    q2 = (nucleus.Z * gp + nucleus.N * gn) ** 2
    t_max = cross_section.t_max_kev(energy_mev, nucleus.mass_gev)
    u1, u2 = np.clip(t1_kevnr / t_max, 0, 1), np.clip(t2_kevnr / t_max, 0, 1)
    e_gev = np.asarray(energy_mev, dtype=float) * 1e-3
    return 2 * _gf2_over_pi_cm2_per_gev2() * q2 * e_gev**2 * ((u2 - u1) - (u2**2 - u1**2) / 2)


@cache
def csi_rough_estimate() -> dict:
    """Step 2 of the check by hand: window [T_1, T_2], plateau acceptance, F^2 at T_1.

    Returns a dict with ``"sigma_cm2"`` and ``"f2"`` (per nucleus name: the window cross section summed
    over the three components, and F^2 at T_1), ``"plateau"``, ``"t1_kevnr"``, ``"t2_kevnr"`` and ``"n"``
    (the estimated count).
    """
    csi = _csi()
    src = csi.source
    t1, t2 = csi_window_recoils_kevnr()
    plateau = float(detectors.coherent_2017_acceptance(1e3))
    energy = np.linspace(1e-3, fluxes.PION_DAR_E_MAX_MEV, 20001)
    michel = sum(PionDecayAtRest.spectrum(label, energy) for label in fluxes.DELAYED_LABELS)
    n_units = csi.mass_kg * 1e3 * constants.AVOGADRO_PER_MOL / csi.target.molar_mass_g_per_mol
    sigma, f2, n = {}, {}, 0.0
    for nuc in csi.target.nuclei:
        sigma[nuc.name] = window_cross_section_cm2(src.prompt_energy_mev, nuc, t1, t2) + np.trapezoid(
            michel * window_cross_section_cm2(energy, nuc, t1, t2), energy
        )
        q_mev = cross_section.momentum_transfer_mev(t1, nuc.mass_gev)
        f2[nuc.name] = float(form_factors.helm(q_mev, nuc.proton_radius_fm()) ** 2)
        n += n_units * src.fluence_per_cm2 * sigma[nuc.name] * plateau * f2[nuc.name]
    return {"sigma_cm2": sigma, "f2": f2, "plateau": plateau, "t1_kevnr": t1, "t2_kevnr": t2, "n": float(n)}


def csi_rough_table() -> str:
    """:func:`csi_rough_estimate` per nucleus, and the estimate against the library's count."""
    rough = csi_rough_estimate()
    lines = [
        f"{name}: <sigma> summed over flavours = {rough['sigma_cm2'][name]:.3e} cm^2,  "
        f"F^2(T1) = {rough['f2'][name]:.3f}"
        for name in rough["sigma_cm2"]
    ]
    n_lib = counts()["COHERENT-CsI-2017"].sum()
    lines.append(f"rough estimate {rough['n']:.1f}   library {n_lib:.1f}   ratio {rough['n'] / n_lib:.3f}")
    return "\n".join(lines)


# --- quenching ---------------------------------------------------------------------------------------


def mean_mass_number(target: nuclei.Target) -> float:
    """Abundance-weighted mass number of a target's nuclei."""
    weights = np.asarray(target.multiplicities, dtype=float)
    return float(np.sum(weights * [n.A for n in target.nuclei]) / weights.sum())


def lindhard_k_theory(material: str) -> float:
    """Lindhard's k = 0.133 Z^(2/3) A^(-1/2), Eq. (eq-ch5-lindhard-k), for a natural element (mean A).

    Raises ValueError for an unknown material (see :func:`cevnslib.nuclei.target`).
    """
    tgt = nuclei.target(material)
    return 0.133 * tgt.nuclei[0].Z ** (2 / 3) * mean_mass_number(tgt) ** -0.5


def lindhard_k_table() -> str:
    """<A> and the theoretical Lindhard k of germanium and silicon."""
    return "\n".join(
        f"{m}: <A> = {mean_mass_number(nuclei.target(m)):.2f}, k (theory) = {lindhard_k_theory(m):.4f}"
        for m in ("Ge", "Si")
    )


def _ge_k_values() -> tuple[tuple[float, str], ...]:
    """The three Lindhard k of germanium the chapter compares, with their line styles."""
    return ((lindhard_k_theory("Ge"), ":"), (K_GE_MEASURED, "-"), (K_CONUS_RUN1, "--"))


def quenching_figure() -> plt.Figure:
    """Lindhard quenching factor of Ge (three k) and Si versus recoil energy, with the reactor thresholds."""
    style.apply()
    t = np.geomspace(0.01, 20, 400)
    conus, connie = _get("CONUS"), _get("CONNIE")
    ge72, si28 = conus.target.nuclei[1], connie.target.nuclei[0]
    blue, orange = style.COLORS["blue"], style.COLORS["orange"]
    fig, ax = plt.subplots(figsize=(style.FULL_WIDTH_IN, 4.6), constrained_layout=True)
    for k, dash in _ge_k_values():
        ax.plot(t, detectors.LindhardQuenching(k).factor(t, ge72), color=blue, ls=dash, label=f"Ge, $k$ = {k:.3f}")
    ax.plot(
        t, connie.detector.quenching.factor(t, si28), color=orange, label=f"Si, $k$ = {connie.detector.quenching.k:.3f}"
    )
    for exp, nuc, color, offset in ((conus, ge72, blue, (6, -16)), (connie, si28, orange, (-8, 10))):
        t_th = exp.detector.recoil_edges_kev(nuc)[0]
        q_th = exp.detector.quenching.factor(t_th, nuc)
        ax.plot(t_th, q_th, "o", color=color, ms=7, mfc="none")
        ax.annotate(
            f"{exp.name} threshold",
            (t_th, q_th),
            color=color,
            textcoords="offset points",
            xytext=offset,
            ha="left" if offset[0] > 0 else "right",
        )
    ax.set(
        xscale="log",
        xlabel=r"nuclear recoil energy $T$ [keVnr]",
        ylabel=r"quenching factor $Q = E_\mathrm{ee}/T$",
        ylim=(0, 0.4),
    )
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    return fig


def reactor_threshold_table() -> str:
    """Threshold in eVee, recoil threshold, quenching factor there and E_min of CONUS and CONNIE (first nucleus)."""
    lines = []
    for name in ("CONUS", "CONNIE"):
        exp = _get(name)
        nuc = exp.target.nuclei[0]
        t_th = ch04.threshold_kevnr(name, nuc)
        lines.append(
            f"{name:6s}: {1e3 * exp.detector.threshold:5.1f} eVee -> T = {t_th:.4f} keVnr"
            f" (Q = {exp.detector.quenching.factor(t_th, nuc):.4f}),"
            f" E_min = {ch04.threshold_e_min_mev(name, nuc):.3f} MeV"
        )
    return "\n".join(lines)


@cache
def conus_counts_by_k() -> dict[float, float]:
    """CONUS SM count for each Lindhard k of germanium: theory, measured (Bonhomme et al. 2022) and CONUS Run 1."""
    return {k: float(experiments.get("CONUS", quenching_k=k).predict().sum()) for k, _ in _ge_k_values()}


def quenching_k_table() -> str:
    """CONUS recoil threshold and count for the three Lindhard k of germanium, and the change from the default."""
    reference = counts()["CONUS"].sum()
    lines = []
    for k, n in conus_counts_by_k().items():
        exp = experiments.get("CONUS", quenching_k=k)
        t_th = exp.detector.recoil_edges_kev(exp.target.nuclei[0])[0]
        lines.append(f"k = {k:.3f}: threshold {t_th:.4f} keVnr, {n:8.1f} events ({100 * (n / reference - 1):+5.1f}%)")
    return "\n".join(lines)


def observable_spectrum(experiment: experiments.Experiment, recoil_kev, dn_dt=None) -> tuple[np.ndarray, np.ndarray]:
    """(observable, dN/d(observable)) of ``experiment`` at recoil energies ``recoil_kev`` (keVnr), with its acceptance.

    dN/dO = A(T) (dN/dT) / (dO/dT), with dN/dT from :meth:`~cevnslib.experiments.Experiment.recoil_spectrum`
    (or ``dn_dt``, events per keVnr at ``recoil_kev``) and dO/dT by finite differences. The first nucleus
    stands for the whole target, which is right when every nucleus shares one response (Lindhard
    quenching of one element, the flat CsI quenching). Raises ValueError for recoil energies that are not
    a 1-D array of finite values >= 0.
    """
    t = np.asarray(recoil_kev, dtype=float)
    if t.ndim != 1 or not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError(f"recoil_kev must be a 1-D array of finite recoil energies >= 0 keVnr, got {recoil_kev!r}")
    nuc = experiment.target.nuclei[0]
    observable = experiment.detector.observable_of(t, nuc)
    if dn_dt is None:
        dn_dt = experiment.recoil_spectrum(t).total
    return observable, dn_dt * experiment.detector.efficiency(t, nuc) / np.gradient(observable, t)


def _threshold_line(ax, x, label="threshold"):
    ax.axvline(x, color=style.COLORS["vermillion"], ls="--", label=label)


def conus_figure() -> plt.Figure:
    """CONUS recoil spectrum per keVnr (left) and per keVee for the three k of germanium (right)."""
    style.apply()
    conus = _get("CONUS")
    t = np.geomspace(0.05, 2.0, 250)
    dn_dt = conus.recoil_spectrum(t).total  # the same for every k: quenching acts after the recoil
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 3.8), constrained_layout=True)
    ax1.plot(t, dn_dt, "k")
    _threshold_line(
        ax1,
        conus.detector.recoil_edges_kev(conus.target.nuclei[1])[0],
        f"threshold ($k$ = {conus.detector.quenching.k:.3f})",
    )
    ax1.set(
        xscale="log", yscale="log", ylim=(1e0, 1e7), xlabel=r"$T$ [keVnr]", ylabel=r"$dN/dT$ [keVnr$^{-1}$ yr$^{-1}$]"
    )
    for k, dash in _ge_k_values():
        ee, dn_dee = observable_spectrum(experiments.get("CONUS", quenching_k=k), t, dn_dt)
        ax2.plot(ee, dn_dee, "k", ls=dash, label=f"$k$ = {k:.3f}")
    _threshold_line(ax2, conus.detector.threshold)
    ax2.set(
        yscale="log",
        xlim=(0, 0.45),
        ylim=(1e2, 1e7),
        xlabel=r"$E_\mathrm{ee}$ [keVee]",
        ylabel=r"$dN/dE_\mathrm{ee}$ [keVee$^{-1}$ yr$^{-1}$]",
    )
    for ax in (ax1, ax2):
        ax.legend()
        ax.grid(alpha=0.3)
    return fig


def conus_spectrum_integral() -> float:
    """The CONUS keVee spectrum above threshold integrated by the trapezoidal rule (400 points up to T_max)."""
    conus = _get("CONUS")
    nuclei_ = conus.target.nuclei
    t_top = cross_section.t_max_kev(conus.source.e_max_mev, min(n.mass_gev for n in nuclei_))
    ee, dn_dee = observable_spectrum(conus, np.geomspace(conus.detector.recoil_edges_kev(nuclei_[1])[0], t_top, 400))
    return float(np.trapezoid(dn_dee, ee))


def connie_figure() -> plt.Figure:
    """CONNIE recoil spectrum per keVnr (left) and per eVee of ionisation (right)."""
    style.apply()
    connie = _get("CONNIE")
    t = np.geomspace(0.01, 5.0, 250)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 3.8), constrained_layout=True)
    ax1.plot(t, connie.recoil_spectrum(t).total, "k")
    _threshold_line(ax1, connie.detector.recoil_edges_kev(connie.target.nuclei[0])[0])
    ax1.set(xscale="log", yscale="log", xlabel=r"$T$ [keVnr]", ylabel=r"$dN/dT$ [keVnr$^{-1}$ yr$^{-1}$]")
    ee, dn_dee = observable_spectrum(connie, t)
    ax2.plot(1e3 * ee, 1e-3 * dn_dee, "k")
    _threshold_line(ax2, 1e3 * connie.detector.threshold)
    ax2.set(
        yscale="log",
        xlim=(0, 300),
        ylim=(1e-1, 1e3),
        xlabel=r"$E_\mathrm{ee}$ [eVee]",
        ylabel=r"$dN/dE_\mathrm{ee}$ [eVee$^{-1}$ yr$^{-1}$]",
    )
    for ax in (ax1, ax2):
        ax.legend()
        ax.grid(alpha=0.3)
    return fig


@cache
def connie_threshold_counts(factors=(2, 4)) -> dict[int, float]:
    """CONNIE SM count with its threshold multiplied by each of ``factors``."""
    threshold = _get("CONNIE").detector.threshold
    return {f: float(experiments.get("CONNIE", threshold_kevee=f * threshold).predict().sum()) for f in factors}


def connie_threshold_table() -> str:
    """:func:`connie_threshold_counts` as text."""
    threshold = _get("CONNIE").detector.threshold
    return "\n".join(
        f"threshold x{f}: {1e3 * f * threshold:5.0f} eVee, {n:8.1f} events"
        for f, n in connie_threshold_counts().items()
    )


# --- COHERENT CsI --------------------------------------------------------------------------------------


def csi_pe_per_kevnr() -> float:
    """Photoelectrons per keVnr of the CsI 2017 response, Y Q (Eq. (eq-ch5-csi-pe))."""
    det = _csi().detector
    return det.light_yield_pe_per_kevee * det.quenching.factor


def csi_response_text() -> str:
    """Light yield, quenching, PE per keVnr and the analysis window in PE and keVnr."""
    det = _csi().detector
    lo, hi = det.bin_edges[0], det.bin_edges[-1]
    per = csi_pe_per_kevnr()
    return (
        f"Y = {det.light_yield_pe_per_kevee:.3f} PE/keVee, Q = {det.quenching.factor:.4f}: {per:.4f} PE per keVnr;"
        f" window {lo:.0f}-{hi:.0f} PE = {lo / per:.2f}-{hi / per:.2f} keVnr"
    )


def csi_acceptance_figure() -> plt.Figure:
    """CsI 2017 acceptance versus PE (left) and the recoil spectrum per PE before and after it (right)."""
    style.apply()
    csi = _csi()
    edges = np.asarray(csi.detector.bin_edges)
    t = np.linspace(0.2, 45.0, 900)
    pe = csi.detector.observable_of(t, csi.target.nuclei[0])
    per_pe = csi.recoil_spectrum(t).total / csi_pe_per_kevnr()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 3.8), constrained_layout=True)
    x = np.linspace(0, 50, 2001)
    shade = dict(color=style.COLORS["sky blue"], alpha=0.25)
    ax1.plot(x, detectors.coherent_2017_acceptance(x), "k")
    ax1.axvspan(edges[0], edges[-1], label="analysis window", **shade)
    ax1.set(xlabel="PE", ylabel="signal acceptance $A$", ylim=(0, 0.8))
    ax1.legend(loc="lower right")
    ax2.plot(pe, per_pe, "k--", label="all recoils")
    ax2.plot(pe, per_pe * detectors.coherent_2017_acceptance(pe), "k", label="after acceptance")
    ax2.axvspan(edges[0], edges[-1], **shade)
    ax2.set(xlim=(0, 50), xlabel="PE", ylabel="$dN/d$PE [PE$^{-1}$]")
    ax2.legend()
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
    return fig


def csi_data_table() -> str:
    """Per PE bin: coincidence, anti-coincidence, excess with its error sqrt(C + AC), BRN and CEvNS; and totals."""
    data = _csi().data
    edges = data.pe_edges
    pred, brn = counts()["COHERENT-CsI-2017"], data.brn_expected()
    c, ac = data.coincidence, data.anticoincidence
    err = np.sqrt(c + ac)
    lines = [f"{'PE bin':>8s} {'C':>5s} {'AC':>5s} {'C-AC':>6s} {'err':>6s} {'BRN':>6s} {'CEvNS':>7s}"]
    for i in range(pred.size):
        lines.append(
            f"{edges[i]:3.0f}-{edges[i + 1]:<4.0f} {c[i]:5.0f} {ac[i]:5.0f} {c[i] - ac[i]:6.0f} {err[i]:6.1f}"
            f" {brn[i]:6.2f} {pred[i]:7.2f}"
        )
    lines.append(
        f"{'total':8s} {c.sum():5.0f} {ac.sum():5.0f} {data.excess.sum():6.0f} {np.sqrt(c.sum() + ac.sum()):6.1f}"
        f" {brn.sum():6.2f} {pred.sum():7.2f}"
    )
    return "\n".join(lines)


def csi_data_figure() -> plt.Figure:
    """CsI 2017 excess C - AC per PE bin with sqrt(C + AC) errors, the SM CEvNS prediction and the BRN."""
    style.apply()
    data = _csi().data
    edges = data.pe_edges
    pred, brn = counts()["COHERENT-CsI-2017"], data.brn_expected()
    fig, ax = plt.subplots(figsize=(style.FULL_WIDTH_IN, 4.6), constrained_layout=True)
    blue = style.COLORS["blue"]
    ax.stairs(pred + brn, edges, color=blue, lw=2, label="CEvNS (SM) + BRN")
    ax.stairs(pred, edges, color=blue, ls="--", label="CEvNS (SM)")
    ax.stairs(brn, edges, color=style.COLORS["orange"], fill=True, alpha=0.8, label="BRN")
    ax.errorbar(
        0.5 * (edges[:-1] + edges[1:]),
        data.excess,
        yerr=np.sqrt(data.coincidence + data.anticoincidence),
        fmt="ko",
        ms=4,
        capsize=2,
        label="data: C $-$ AC",
    )
    ax.axhline(0, color="0.5", lw=0.8)
    ax.set(xlabel="PE", ylabel="events / 2 PE", xlim=(edges[0], edges[-1]))
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def coherent_comparison_text() -> str:
    """Our CsI SM count with its normalisation error against COHERENT's prediction."""
    csi = _csi()
    n = counts()["COHERENT-CsI-2017"].sum()
    return (
        f"ours {n:.1f} +- {csi.systematic * n:.1f} ({100 * csi.systematic:.0f}%),  "
        f"COHERENT {COHERENT_SM_EVENTS} +- {COHERENT_SM_EVENTS_ERR}"
    )


# --- COHERENT NaI --------------------------------------------------------------------------------------


def _nai_recoils_kev() -> np.ndarray:
    return np.geomspace(_get("COHERENT-NaI").detector.threshold, 260.0, 1001)


def nai_counts_per_nucleus() -> dict[str, float]:
    """NaI events of each nucleus above threshold: dN/dT integrated by the trapezoidal rule up to 260 keVnr."""
    t = _nai_recoils_kev()
    per = _get("COHERENT-NaI").recoil_spectrum(t).per_nucleus()
    return {name: float(np.trapezoid(values, t)) for name, values in per.items()}


def nai_table() -> str:
    """:func:`nai_counts_per_nucleus` with their shares, and their sum against the library's count."""
    per = nai_counts_per_nucleus()
    total = sum(per.values())
    lines = [f"{name:6s} {n:8.1f} events ({100 * n / total:4.1f}%)" for name, n in per.items()]
    lines.append(f"sum    {total:8.1f}   predict(): {counts()['COHERENT-NaI'].sum():.1f}")
    return "\n".join(lines)


def nai_figure() -> plt.Figure:
    """NaI recoil spectra of iodine, sodium and their sum, with the threshold."""
    style.apply()
    nai = _get("COHERENT-NaI")
    t = np.geomspace(1.0, 260.0, 300)
    parts = nai.recoil_spectrum(t).per_nucleus()
    fig, ax = plt.subplots(figsize=(style.FULL_WIDTH_IN, 4.6), constrained_layout=True)
    ax.plot(t, parts["I127"], color=style.COLORS["blue"], label=r"$^{127}$I")
    ax.plot(t, parts["Na23"], color=style.COLORS["orange"], label=r"$^{23}$Na")
    ax.plot(t, parts["I127"] + parts["Na23"], "k", label="NaI")
    _threshold_line(ax, nai.detector.threshold)
    ax.set(
        xscale="log", yscale="log", ylim=(1e-1, 1e4), xlabel=r"$T$ [keVnr]", ylabel=r"$dN/dT$ [keVnr$^{-1}$ yr$^{-1}$]"
    )
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def summary_table() -> str:
    """Target, mass, threshold (own unit and keVnr on the first nucleus), exposure and SM count of each setup."""
    lines = [
        f"{'setup':18s} {'target':6s} {'mass [kg]':>9s} {'threshold':>17s} {'[keVnr]':>8s} {'exposure':>14s}"
        f" {'N (SM)':>9s}"
    ]
    for name, c in counts().items():
        exp = _get(name)
        t_th = exp.detector.recoil_edges_kev(exp.target.nuclei[0])[0]
        threshold = f"{exp.detector.threshold:.3g} {exp.detector.observable}"
        exposure = (
            f"{exp.source.protons_on_target:.2e} POT"
            if isinstance(exp.source, PionDecayAtRest)
            else f"{exp.live_time_days:.2f} d"
        )
        lines.append(
            f"{name:18s} {exp.target.name:6s} {exp.mass_kg:9.2f} {threshold:>17s} {t_th:8.3f}"
            f" {exposure:>14s} {c.sum():9.1f}"
        )
    return "\n".join(lines)


# --- exercises ---------------------------------------------------------------------------------------


def csi_formula_units_by_hand() -> float:
    """CsI formula units in the 2017 crystal from the standard atomic weights of Cs and I."""
    molar = sum(ATOMIC_WEIGHT_G_PER_MOL[el] for el in FORMULA_ELEMENTS["CsI"])
    return _csi().mass_kg * 1e3 / molar * constants.AVOGADRO_PER_MOL


def csi_n2_law_count() -> float:
    """CsI 2017 interactions from the N^2 law sigma = G_F^2 E^2 N^2 / (4 pi), standard atomic weights,
    and the <E^2> of the three pi-DAR components (protons and form factors neglected)."""
    n2_sum = sum(nuc.N**2 for nuc in _csi().target.nuclei)
    gf2_over_4pi = _gf2_over_pi_cm2_per_gev2() / 4
    fluence = fluence_by_hand_per_cm2("COHERENT-CsI-2017")
    return csi_formula_units_by_hand() * fluence * gf2_over_4pi * n2_sum * pion_dar_mean_e2_mev2() * 1e-6


@cache
def csi_count_steps() -> dict[str, float]:
    """The CsI 2017 count, step by step: all recoils with F = 1, with Helm, inside 6-30 PE, with the acceptance."""
    csi = _csi()
    det = csi.detector
    window = detectors.Detector("PE", tuple(det.bin_edges), det.quenching, det.light_yield_pe_per_kevee)
    in_window = rates.build_templates(csi.target, csi.source, window, csi.mass_kg, csi.live_time_s, csi.options)
    return {
        "all recoils, F = 1": csi_point_count_library(),
        "all recoils, Helm": _all_recoils_count("helm"),
        "6-30 PE, no acceptance": float(in_window.counts().sum()),
        "6-30 PE, acceptance": float(counts()["COHERENT-CsI-2017"].sum()),
    }


def csi_count_steps_table() -> str:
    """:func:`csi_n2_law_count` and :func:`csi_count_steps`, with the fraction each step keeps."""
    previous = csi_n2_law_count()
    lines = [
        f"{csi_formula_units_by_hand():.4e} CsI units, "
        f"fluence {fluence_by_hand_per_cm2('COHERENT-CsI-2017'):.4e} cm^-2 per flavour: "
        f"{previous:.1f} interactions (N^2 law)",
        f"{'step':26s}{'events':>9s}{'kept':>8s}",
    ]
    for label, value in csi_count_steps().items():
        lines.append(f"{label:26s}{value:9.1f}{value / previous:8.3f}")
        previous = value
    return "\n".join(lines)


def lindhard_fixed_point(
    ee_kevee: float, nucleus: nuclei.Nucleus, k: float, tolerance_kev: float = 1e-10
) -> tuple[float, int]:
    """Solve T Q(T) = E_ee by the iteration T_{n+1} = E_ee / Q(T_n) from T_0 = E_ee (Lindhard quenching).

    Returns (T in keVnr, number of iterations until two iterates differ by less than ``tolerance_kev``).
    Raises ValueError for an energy or a tolerance that is not a number > 0, or an iteration that has not
    converged after 1000 steps.
    """
    ee = validation.positive("ee_kevee", ee_kevee)
    tolerance_kev = validation.positive("tolerance_kev", tolerance_kev)
    quenching = detectors.LindhardQuenching(k)
    t = ee
    for step in range(1, 1001):
        t_next = ee / float(quenching.factor(t, nucleus))
        if abs(t_next - t) < tolerance_kev:
            return t_next, step
        t = t_next
    raise ValueError(f"the iteration for E_ee = {ee} keVee has not converged in 1000 steps")


def lindhard_log_slope(recoil_kev: float, nucleus: nuclei.Nucleus, k: float) -> float:
    """d ln Q / d ln T of Lindhard's quenching at ``recoil_kev``, by a central difference in ln T (step 0.1%)."""
    q = detectors.LindhardQuenching(k).factor
    return float(
        (np.log(q(1.001 * recoil_kev, nucleus)) - np.log(q(recoil_kev / 1.001, nucleus))) / (2 * np.log(1.001))
    )


@cache
def conus_threshold_scan() -> list[dict[str, float]]:
    """CONUS at the thresholds of :data:`EXERCISE_CONUS_THRESHOLDS_KEVEE` (keVee).

    One dict per threshold: ``"threshold_kevee"``, the recoil threshold on Ge70 ``"t_kevnr"``, ``"e_min_mev"``
    there (Eq. (eq-ch5-emin)), the SM count ``"n"``, the fraction of the reactor antineutrinos above E_min
    ``"flux_fraction"`` and ``"tail"``, the relative increase of the count when Kopeikin's spectrum runs on
    from 8 to 9 MeV (:func:`cevnslib.chapters.ch04.kopeikin_tail`).
    """
    ge70 = _get("CONUS").target.nuclei[0]
    rows = []
    for threshold in EXERCISE_CONUS_THRESHOLDS_KEVEE:
        exp = experiments.get("CONUS", threshold_kevee=threshold)
        t_nr = float(exp.detector.recoil_edges_kev(ge70)[0])
        e_min = float(cross_section.e_min_mev(t_nr, ge70.mass_gev))
        rows.append(
            {
                "threshold_kevee": threshold,
                "t_kevnr": t_nr,
                "e_min_mev": e_min,
                "n": float(exp.predict().sum()),
                "flux_fraction": ch04.fractions_above(e_min)["reactor"],
                "tail": ch04.kopeikin_tail(threshold),
            }
        )
    return rows


def conus_threshold_table() -> str:
    """:func:`conus_threshold_scan` as text, with the count and the flux fraction relative to the lowest threshold."""
    rows = conus_threshold_scan()
    first = rows[0]
    lines = [
        f"{'thr [keVee]':>11s}{'T [keVnr]':>11s}{'E_min [MeV]':>13s}{'N':>9s}{'N / N(0.10)':>13s}"
        f"{'above E_min':>13s}{'/ at 0.10':>11s}{'8-9 MeV adds':>14s}"
    ]
    for r in rows:
        lines.append(
            f"{r['threshold_kevee']:11.2f}{r['t_kevnr']:11.3f}{r['e_min_mev']:13.2f}{r['n']:9.1f}"
            f"{r['n'] / first['n']:13.4f}{100 * r['flux_fraction']:12.3f}%"
            f"{r['flux_fraction'] / first['flux_fraction']:11.4f}{100 * r['tail']:13.1f}%"
        )
    return "\n".join(lines)


def _csi_systematics() -> dict[str, float]:
    return {"stat": 0.0, "10": 0.10, "2017": _csi().systematic}


@cache
def csi_threshold_scan() -> list[dict[str, float]]:
    """An idealised CsI detector (every recoil above a threshold in keVnr) at the thresholds of
    :data:`EXERCISE_CSI_THRESHOLDS_KEVNR`: count at R_n = 4.8 fm, d ln N / d R_n there (per fm) and the
    count-only error delta R_n = sqrt(1/N + sigma^2) / abs(d ln N / d R_n) for sigma = 0, 10% and the 2017 28%.
    """
    csi = _csi()
    rows = []
    for threshold in EXERCISE_CSI_THRESHOLDS_KEVNR:
        ideal = detectors.Detector("keVnr", (threshold, np.inf))
        tmpl = rates.build_templates(
            csi.target,
            csi.source,
            ideal,
            csi.mass_kg,
            csi.live_time_s,
            csi.options,
            rn_grid_fm=np.linspace(4.0, 6.0, 9),
        )
        n = float(tmpl.counts(rn_fm=EXERCISE_RN_FM).sum())
        slope = float(
            (
                np.log(tmpl.counts(rn_fm=EXERCISE_RN_FM + EXERCISE_RN_STEP_FM).sum())
                - np.log(tmpl.counts(rn_fm=EXERCISE_RN_FM - EXERCISE_RN_STEP_FM).sum())
            )
            / (2 * EXERCISE_RN_STEP_FM)
        )
        widths = {key: float(np.sqrt(1 / n + s**2) / abs(slope)) for key, s in _csi_systematics().items()}
        rows.append({"threshold_kevnr": threshold, "n": n, "slope_per_fm": slope, "delta_rn_fm": widths})
    return rows


def csi_threshold_table() -> str:
    """:func:`csi_threshold_scan` as text."""
    keys = list(_csi_systematics())
    names = {"stat": "stat", "10": "10%", "2017": "2017"}
    lines = [f"{'thr [keVnr]':>11s}{'N':>8s}{'dlnN/dR_n':>11s}" + "".join(f"{'dR_n ' + names[k]:>12s}" for k in keys)]
    for r in csi_threshold_scan():
        lines.append(
            f"{r['threshold_kevnr']:11.0f}{r['n']:8.1f}{r['slope_per_fm']:11.4f}"
            + "".join(f"{r['delta_rn_fm'][k]:12.3f}" for k in keys)
        )
    return "\n".join(lines)


# --- the numbers of the prose --------------------------------------------------------------------------


def numbers() -> dict[str, float | int | str | Quoted]:
    """Every number the prose of chapter 5 quotes, keyed by its glue name."""
    exps = {name: _get(name) for name in experiments.PAPER_SETUPS}
    conus, connie, csi, nai = (exps[n] for n in experiments.PAPER_SETUPS)
    out: dict[str, float | int | str | Quoted] = {}

    # number of targets
    out["ch5-perkg-maxdiff"] = scientific(nuclei_per_kg_largest_difference(), 0)
    out["ch5-perkg-conus"] = scientific(conus.target.nuclei_per_kg.sum(), 3)
    for name in ("CONUS", "COHERENT-CsI-2017"):
        exp = exps[name]
        out[f"ch5-nt-{KEYS[name]}"] = scientific(exp.target.nuclei_per_kg.sum() * exp.mass_kg, 3)
    for name, exp in exps.items():
        out[f"ch5-mass-{KEYS[name]}"] = exp.mass_kg

    # live time, flux and fluence
    for name in ("CONUS", "CONNIE"):
        src, key = exps[name].source, KEYS[name]
        out[f"ch5-power-{key}"] = src.power_gw
        out[f"ch5-dist-{key}"] = src.distance_m
        out[f"ch5-flux-{key}"] = scientific(src.total_flux(), 3)
        out[f"ch5-livedays-{key}"] = exps[name].live_time_days
    out["ch5-fissions-conus"] = scientific(conus.source.fissions_per_second, 3)
    out["ch5-nnu-conus"] = antineutrinos_per_fission_trapezoid("CONUS")
    out["ch5-days-per-year"] = constants.DAYS_PER_YEAR
    out["ch5-s-per-day"] = constants.SECONDS_PER_DAY
    out["ch5-fit-emin"] = fluxes.FIT_E_MIN_MEV
    out["ch5-ef-conus"] = conus.source.mean_energy_per_fission_mev
    out["ch5-flux-conus-quoted"] = scientific(ch04.CONUS_QUOTED_FLUX_PER_CM2_S, 1)
    out["ch5-pot-csi"] = scientific(csi.source.protons_on_target, 2)
    out["ch5-r-csi"] = csi.source.nu_per_proton
    out["ch5-dist-csi"] = csi.source.distance_m
    out["ch5-fluence-csi"] = scientific(csi.source.fluence_per_cm2, 3)
    out["ch5-livedays-csi"] = csi.live_time_days
    out["ch5-pot-nai"] = scientific(nai.source.protons_on_target, 2)
    out["ch5-dist-nai"] = nai.source.distance_m

    # the counts
    for name, c in counts().items():
        out[f"ch5-n-{KEYS[name]}"] = c.sum()

    # the CsI count by hand
    by_hand, library = csi_point_count_by_hand(), csi_point_count_library()
    out["ch5-csi-all-hand"] = by_hand
    out["ch5-csi-all-lib"] = library
    out["ch5-csi-all-reldiff"] = scientific(abs(library / by_hand - 1), 0)
    out["ch5-csi-all-over-n"] = library / counts()["COHERENT-CsI-2017"].sum()
    rough = csi_rough_estimate()
    out["ch5-csi-x0"] = ACCEPTANCE_X0_PE
    out["ch5-csi-t1"] = rough["t1_kevnr"]
    out["ch5-csi-t2"] = rough["t2_kevnr"]
    out["ch5-csi-plateau"] = rough["plateau"]
    out["ch5-csi-rough"] = rough["n"]
    out["ch5-csi-rough-pct"] = 100 * (rough["n"] / counts()["COHERENT-CsI-2017"].sum() - 1)

    # quenching
    out["ch5-ktheory-ge"] = lindhard_k_theory("Ge")
    out["ch5-ktheory-si"] = lindhard_k_theory("Si")
    out["ch5-k-ge-measured"] = K_GE_MEASURED
    out["ch5-k-ge-measured-err"] = K_GE_MEASURED_ERR
    out["ch5-k-conus-run1"] = K_CONUS_RUN1
    out["ch5-k-conus"] = conus.detector.quenching.k
    out["ch5-k-connie"] = connie.detector.quenching.k
    for name in ("CONUS", "CONNIE"):
        exp, key = exps[name], KEYS[name]
        nuc = exp.target.nuclei[0]
        t_th = ch04.threshold_kevnr(name, nuc)
        out[f"ch5-emin-{key}"] = ch04.threshold_e_min_mev(name, nuc)
        if name == "CONUS":
            out["ch5-thr-ee-conus"] = exp.detector.threshold
            out["ch5-thr-nr-conus"] = t_th
            out["ch5-q-thr-conus"] = float(exp.detector.quenching.factor(t_th, nuc))
        else:
            out["ch5-thr-ev-connie"] = 1e3 * exp.detector.threshold
            out["ch5-thr-nr-ev-connie"] = 1e3 * t_th
    by_k = conus_counts_by_k()
    for label, k in (("theory", lindhard_k_theory("Ge")), ("run1", K_CONUS_RUN1)):
        out[f"ch5-conus-k-{label}-n"] = by_k[k]
        out[f"ch5-conus-k-{label}-pct"] = 100 * (by_k[k] / counts()["CONUS"].sum() - 1)
    out["ch5-k-theory-rel-pct"] = 100 * (lindhard_k_theory("Ge") / K_GE_MEASURED - 1)
    out["ch5-syst-conus"] = 100 * conus.systematic
    out["ch5-syst-connie"] = 100 * connie.systematic
    out["ch5-connie-thr2-n"] = connie_threshold_counts()[2]
    out["ch5-connie-thr2-ev"] = 2e3 * connie.detector.threshold

    # COHERENT CsI
    det, data = csi.detector, csi.data
    edges = np.asarray(det.bin_edges)
    out["ch5-csi-ly"] = det.light_yield_pe_per_kevee
    out["ch5-csi-qf"] = det.quenching.factor
    out["ch5-csi-pe-per-kevnr"] = csi_pe_per_kevnr()
    out["ch5-csi-pe-lo"] = edges[0]
    out["ch5-csi-pe-hi"] = edges[-1]
    out["ch5-csi-k1"] = ACCEPTANCE_K1
    out["ch5-csi-k2"] = ACCEPTANCE_K2_PER_PE
    out["ch5-csi-step1"], out["ch5-csi-step2"] = detectors.COHERENT_2017_ACCEPTANCE_STEPS_PE
    out["ch5-csi-nbins"] = det.n_bins
    out["ch5-csi-binw"] = edges[1] - edges[0]
    out["ch5-csi-tmax"] = data.time_edges_us[-1]
    out["ch5-csi-t-lo"] = edges[0] / csi_pe_per_kevnr()
    out["ch5-csi-t-hi"] = edges[-1] / csi_pe_per_kevnr()
    out["ch5-csi-excess"] = float(data.excess.sum())
    out["ch5-csi-excess-err"] = np.sqrt(data.coincidence.sum() + data.anticoincidence.sum())
    out["ch5-csi-brn"] = data.brn_expected().sum()
    out["ch5-csi-coherent-sm"] = COHERENT_SM_EVENTS
    out["ch5-csi-coherent-sm-err"] = COHERENT_SM_EVENTS_ERR
    out["ch5-csi-coherent-sm-rel"] = 100 * COHERENT_SM_EVENTS_ERR / COHERENT_SM_EVENTS
    out["ch5-csi-syst-pct"] = 100 * csi.systematic

    # COHERENT NaI
    per = nai_counts_per_nucleus()
    out["ch5-nai-na-pct"] = 100 * per["Na23"] / sum(per.values())
    out["ch5-syst-nai"] = 100 * nai.systematic
    out["ch5-thr-nr-nai"] = nai.detector.threshold

    # exercises
    steps = list(csi_count_steps().values())
    out["ch5-ex-n-hand"] = csi_n2_law_count()
    keep = [steps[0] / csi_n2_law_count()] + [b / a for a, b in zip(steps[:-1], steps[1:])]
    for i in (0, 1, 3):
        out[f"ch5-ex-step{i}"] = steps[i]
    for i, value in enumerate(keep):
        out[f"ch5-ex-keep{i}"] = value
    out["ch5-ex-detector-keep"] = steps[3] / steps[1]
    si28 = connie.target.nuclei[0]
    t_fixed, n_steps = lindhard_fixed_point(connie.detector.threshold, si28, connie.detector.quenching.k)
    out["ch5-ex-lind-steps"] = n_steps
    out["ch5-ex-lind-t"] = t_fixed
    out["ch5-ex-lind-slope"] = book_precision(lindhard_log_slope(t_fixed, si28, connie.detector.quenching.k), 4)
    scan = {f"{100 * r['threshold_kevee']:.0f}": r for r in conus_threshold_scan()}
    for key in ("10", "30"):
        out[f"ch5-ex-thr{key}-n"] = scan[key]["n"]
        out[f"ch5-ex-thr{key}-emin"] = book_precision(scan[key]["e_min_mev"], 4)
        out[f"ch5-ex-thr{key}-tnr"] = book_precision(scan[key]["t_kevnr"], 4)
        out[f"ch5-ex-thr{key}-frac-pct"] = 100 * scan[key]["flux_fraction"]
    for key in ("10", "20", "30"):
        out[f"ch5-ex-thr{key}-tail-pct"] = 100 * scan[key]["tail"]
    out["ch5-ex-thr-fall"] = scan["10"]["n"] / scan["30"]["n"]
    out["ch5-ex-thr-frac-fall"] = scan["10"]["flux_fraction"] / scan["30"]["flux_fraction"]
    quoted = {"2": ("n", "slope", "2017"), "5": ("stat",), "15": ("10",), "25": ("n", "slope", "2017")}
    for r in csi_threshold_scan():
        key = f"{r['threshold_kevnr']:.0f}"
        for what in quoted.get(key, ()):
            value = {"n": r["n"], "slope": r["slope_per_fm"]}.get(what, r["delta_rn_fm"].get(what))
            out[f"ch5-ex-csithr{key}-{what}"] = book_precision(value, 4)
    return out
