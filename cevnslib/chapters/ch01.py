"""Chapter 1, "The CEvNS cross section" (``book/01_cross_section.ipynb``): its numbers, tables and figures.

The chapter derives the paper's Eq. 1 (Cañas et al. 2020, as numbered in the ICHEP2020 proceedings)
from the neutral-current Lagrangian and takes it apart: couplings, units, kinematics, the total
cross section and its N^2 law, the recoil spectrum and the two small terms the paper drops.
:func:`numbers` returns every number its prose quotes; the figure functions draw its two figures.

Units as everywhere in ``cevnslib``: neutrino energies in MeV, recoil energies in keV, nuclear
masses in GeV, momenta in MeV, radii in fm, cross sections in cm^2 (per keV for dsigma/dT).
External numbers come from :mod:`cevnslib.constants` (CODATA 2018, PDG 2020), the nuclear data of
:mod:`cevnslib.nuclei` (charge radii of Angeli & Marinova 2013) and the setups of
:mod:`cevnslib.experiments`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import brentq

from .. import constants, couplings, cross_section, experiments, form_factors, notebook, nuclei, style
from ..cross_section import CrossSectionOptions
from ..nuclei import Nucleus
from ..quadrature import gauss_legendre

#: Point-like nuclei: F_Z = F_N = 1.
POINT_LIKE = CrossSectionOptions(form_factor="unity")
#: The library default: Helm form factors with R_n = R_p.
HELM = CrossSectionOptions()
#: The five nuclei of the chapter's tables and figures (the targets of the book's four setups).
NUCLEI = ("Na23", "Si28", "Ge74", "I127", "Cs133")
#: A typical reactor antineutrino energy in MeV [choice].
REACTOR_ENERGY_MEV = 5.0
#: Nodes of the Gauss-Legendre rule of :func:`sigma_total_cm2` (exact for F = 1: the integrand is linear).
QUADRATURE_NODES = 64
#: The two setups whose counts the chapter compares between options.
SETUPS = ("COHERENT-CsI-2017", "CONUS")
#: Neutrino energies (MeV) of the total-cross-section figure: 200 points from 1 to 60 MeV.
FIGURE_ENERGIES_MEV = np.geomspace(1.0, 60.0, 200)

_LABELS = {
    "Na23": r"$^{23}$Na",
    "Si28": r"$^{28}$Si",
    "Ge74": r"$^{74}$Ge",
    "I127": r"$^{127}$I",
    "Cs133": r"$^{133}$Cs",
    "Ar40": r"$^{40}$Ar",
}


def prompt_energy_mev() -> float:
    """Energy of the prompt nu_mu line of pion decay at rest, (m_pi^2 - m_mu^2) / (2 m_pi), in MeV."""
    return (constants.M_PION_MEV**2 - constants.M_MUON_MEV**2) / (2 * constants.M_PION_MEV)


def endpoint_energy_mev() -> float:
    """Endpoint m_mu / 2 of the delayed nu_e and anti-nu_mu spectra of muon decay at rest, in MeV."""
    return constants.M_MUON_MEV / 2


def quark_couplings(sin2_theta_w: float = constants.SIN2_THETA_W) -> tuple[float, float]:
    """Tree-level vector couplings (g_V^u, g_V^d) = (1/2 - 4/3 s, -1/2 + 2/3 s), s = sin^2 theta_W."""
    return 0.5 - 4.0 / 3.0 * sin2_theta_w, -0.5 + 2.0 / 3.0 * sin2_theta_w


def weak_charge(nucleus: Nucleus, sin2_theta_w: float = constants.SIN2_THETA_W) -> float:
    """Tree-level weak charge Q_W = N - (1 - 4 sin^2 theta_W) Z of ``nucleus`` (dimensionless)."""
    return nucleus.N - (1 - 4 * sin2_theta_w) * nucleus.Z


def sigma_total_cm2(energy_mev, nucleus: Nucleus, options: CrossSectionOptions = HELM) -> np.ndarray:
    """Total CEvNS cross section in cm^2: dsigma/dT integrated over 0 < T < T_max(E).

    Parameters
    ----------
    energy_mev : neutrino energy in MeV, a number or a 1-D array of n energies.
    nucleus : the target nucleus.
    options : cross-section choices (default Helm form factors, R_n = R_p).


    Returns
    -------
    numpy.ndarray
        Shape (n,) (n = 1 for a number): the integral of :func:`~cevnslib.cross_section.dsigma_dT`
        by the Gauss-Legendre rule of :data:`QUADRATURE_NODES` nodes, exact for point-like nuclei.

    Raises
    ------
    ValueError
        From ``dsigma_dT``, for energies that are not finite numbers > 0.
    """
    nodes, weights = gauss_legendre(QUADRATURE_NODES)
    e = np.atleast_1d(np.asarray(energy_mev, dtype=float))[:, None]
    t_max = cross_section.t_max_kev(e, nucleus.mass_gev)
    t = t_max * (nodes + 1) / 2
    dsdt = cross_section.dsigma_dT(e, t, nucleus, options=options)
    return (dsdt * weights).sum(axis=1) * t_max[:, 0] / 2


def sigma_point_like_cm2(energy_mev, nucleus: Nucleus) -> np.ndarray:
    """The chapter's closed form for F = 1, G_F^2 E^2 / pi Q_V^2 M (M + 4E) / (M + 2E)^2, in cm^2.

    ``energy_mev`` in MeV (number or array; the result has its shape). Tree-level couplings.
    """
    e, m = np.asarray(energy_mev, dtype=float) * 1e-3, nucleus.mass_gev
    g_p, g_n = couplings.nucleon_couplings("tree")
    q_v = nucleus.Z * g_p + nucleus.N * g_n
    return (
        constants.G_F_GEV2**2 * e**2 / np.pi * q_v**2 * m * (m + 4 * e) / (m + 2 * e) ** 2 * constants.HBARC_GEV_CM**2
    )


def coherence_kept(energy_mev: float, nucleus: Nucleus) -> float:
    """sigma_Helm / sigma_(F=1): the fraction of the point-like total cross section the form factor keeps."""
    return float(sigma_total_cm2(energy_mev, nucleus)[0] / sigma_total_cm2(energy_mev, nucleus, POINT_LIKE)[0])


def four_vector_dsigma_dT(energy_mev: float, recoil_kev: float, nucleus: Nucleus) -> float:
    """dsigma/dT in cm^2/keV from the four-vectors of one event, contracted numerically (F = 1).

    Builds k (neutrino along z), k' (at the angle fixed by q^2 = -2MT), p (nucleus at rest) and
    p' = p + k - k', evaluates the chapter's spin sum 4 G_F^2 Q_V^2 [2(k.P)(k'.P) - (k.k') P^2]
    with P = p + p' and divides by 32 pi M E^2. It must equal
    :func:`~cevnslib.cross_section.dsigma_dT` with ``form_factor="unity"`` and ``include_t_over_e``.
    Raises ValueError for a recoil outside (0, T_max(E)).
    """
    m, e, t = nucleus.mass_gev, energy_mev * 1e-3, recoil_kev * 1e-6  # GeV
    if not 0 < recoil_kev < cross_section.t_max_kev(energy_mev, m):
        raise ValueError(f"recoil_kev = {recoil_kev!r} must lie in (0, T_max) for E = {energy_mev} MeV")
    e_out = e - t
    cos_theta = 1.0 - m * t / (e * e_out)  # q^2 = -2 M T = -2 E E' (1 - cos theta)
    sin_theta = np.sqrt(1.0 - cos_theta**2)
    metric = np.diag([1.0, -1.0, -1.0, -1.0])

    def dot(a, b):
        return a @ metric @ b

    k = np.array([e, 0.0, 0.0, e])
    k_out = e_out * np.array([1.0, sin_theta, 0.0, cos_theta])
    p = np.array([m, 0.0, 0.0, 0.0])
    big_p = 2 * p + k - k_out
    g_p, g_n = couplings.nucleon_couplings("tree")
    q_v = nucleus.Z * g_p + nucleus.N * g_n
    msq = (
        4 * constants.G_F_GEV2**2 * q_v**2 * (2 * dot(k, big_p) * dot(k_out, big_p) - dot(k, k_out) * dot(big_p, big_p))
    )
    return float(msq / (32 * np.pi * m * e**2) * constants.HBARC_GEV_CM**2 * 1e-6)


def scattering_angle_deg(energy_mev: float, recoil_kev: float, nucleus: Nucleus) -> float:
    """Neutrino scattering angle in degrees for recoil T: from M T = E (E - T) (1 - cos theta)."""
    e, t = energy_mev * 1e-3, recoil_kev * 1e-6
    return float(np.degrees(np.arccos(1.0 - nucleus.mass_gev * t / (e * (e - t)))))


@dataclass(frozen=True)
class KinematicsRow:
    """One row of the kinematics table: a source energy on one nucleus.

    ``source`` is "reactor", "prompt" or "endpoint"; ``energy_mev`` in MeV; ``t_max_kev`` the
    largest recoil (keV); ``e_min_mev`` the smallest energy for that recoil (MeV, equals the
    energy); ``q_max_mev`` the largest momentum transfer (MeV); ``qr`` = q_max R_ch / hbar c; ``f2``
    the squared Helm form factor at q_max.
    """

    source: str
    energy_mev: float
    nucleus: str
    t_max_kev: float
    e_min_mev: float
    q_max_mev: float
    qr: float
    f2: float


def kinematics_rows() -> list[KinematicsRow]:
    """T_max, E_min(T_max), q_max, q_max R and F^2(q_max) for a 5 MeV reactor antineutrino on Si
    and Ge and for the prompt line and the endpoint of pion decay at rest on Na, I and Cs."""
    cases = [
        ("reactor", REACTOR_ENERGY_MEV, ["Si28", "Ge74"]),
        ("prompt", prompt_energy_mev(), ["Na23", "I127", "Cs133"]),
        ("endpoint", endpoint_energy_mev(), ["Na23", "I127", "Cs133"]),
    ]
    rows = []
    for case, energy, names in cases:
        for name in names:
            nuc = nuclei.nucleus(name)
            t_max = float(cross_section.t_max_kev(energy, nuc.mass_gev))
            q_max = float(cross_section.momentum_transfer_mev(t_max, nuc.mass_gev))
            rows.append(
                KinematicsRow(
                    case,
                    energy,
                    name,
                    t_max,
                    float(cross_section.e_min_mev(t_max, nuc.mass_gev)),
                    q_max,
                    q_max * nuc.charge_radius_fm / constants.HBARC_MEV_FM,
                    float(form_factors.helm(q_max, nuc.charge_radius_fm) ** 2),
                )
            )
    return rows


def kinematics_table() -> str:
    """The rows of :func:`kinematics_rows` as a text table."""
    lines = [
        f"{'source':9s}{'E [MeV]':>8s}{'nucleus':>8s}{'T_max [keV]':>12s}{'E_min(T_max)':>13s}"
        f"{'q_max [MeV]':>12s}{'q_max R':>9s}{'F^2(q_max)':>11s}"
    ]
    for r in kinematics_rows():
        lines.append(
            f"{r.source:9s}{r.energy_mev:8.2f}{r.nucleus:>8s}{r.t_max_kev:12.3f}{r.e_min_mev:13.2f}"
            f"{r.q_max_mev:12.2f}{r.qr:9.3f}{r.f2:11.3f}"
        )
    return "\n".join(lines)


def weak_charge_table() -> str:
    """Z, N, the weak charge Q_W, Q_W^2/4 and the protons' share Z g_V^p / (N abs(g_V^n)) of the five nuclei."""
    g_p, g_n = couplings.nucleon_couplings("tree")
    lines = [f"{'nucleus':8s}{'Z':>4s}{'N':>4s}{'Q_W':>9s}{'Q_W^2/4':>10s}{'proton share':>14s}"]
    for name in NUCLEI:
        nuc = nuclei.nucleus(name)
        q_w = weak_charge(nuc)
        share = nuc.Z * g_p / (nuc.N * abs(g_n))
        lines.append(f"{name:8s}{nuc.Z:4d}{nuc.N:4d}{q_w:9.3f}{q_w**2 / 4:10.3f}{100 * share:13.2f}%")
    return "\n".join(lines)


@cache
def _counts(name: str, **overrides) -> float:
    """Total expected counts of setup ``name`` with ``overrides`` (cached)."""
    return float(experiments.get(name, **overrides).predict().sum())


def coupling_scheme_rows() -> list[tuple[str, float, float, float, float, float]]:
    """(scheme, g_V^p, g_V^n, Q^2(Cs)/tree, CsI counts/tree, CONUS counts/tree) for each coupling scheme."""
    cs = nuclei.nucleus("Cs133")
    q2_tree = couplings.weak_charge_squared(cs.Z, cs.N, "e")
    rows = []
    for scheme in couplings.COUPLING_SCHEMES:
        gp_s, gn_s = couplings.nucleon_couplings(scheme)
        q2_ratio = float(couplings.weak_charge_squared(cs.Z, cs.N, "e", couplings=(gp_s, gn_s)) / q2_tree)
        ratios = [_counts(name, couplings=scheme) / _counts(name) for name in SETUPS]
        rows.append((scheme, gp_s, gn_s, q2_ratio, *ratios))
    return rows


def coupling_scheme_table() -> str:
    """The rows of :func:`coupling_scheme_rows` as a text table."""
    lines = [f"{'scheme':10s}{'g_V^p':>9s}{'g_V^n':>9s}{'Q^2(Cs)/tree':>14s}{'CsI counts':>12s}{'CONUS counts':>14s}"]
    for scheme, gp_s, gn_s, q2, csi, conus in coupling_scheme_rows():
        lines.append(f"{scheme:10s}{gp_s:9.4f}{gn_s:9.4f}{q2:14.4f}{csi:12.4f}{conus:14.4f}")
    return "\n".join(lines)


def _thresholds() -> dict[str, float]:
    """Recoil thresholds (keV) of CONUS on 74Ge and COHERENT CsI on 133Cs and the neutrino energies (MeV) they need."""
    conus, csi = experiments.get("CONUS"), experiments.get("COHERENT-CsI-2017")
    ge74, cs = nuclei.nucleus("Ge74"), nuclei.nucleus("Cs133")
    t_ge = float(conus.detector.recoil_edges_kev(ge74)[0])
    t_cs = float(csi.detector.recoil_edges_kev(cs)[0])
    return {
        "ge-kevee": conus.detector.threshold,
        "ge-kev": t_ge,
        "ge-emin": float(cross_section.e_min_mev(t_ge, ge74.mass_gev)),
        "cs-pe": csi.detector.threshold,
        "cs-kev": t_cs,
        "cs-emin": float(cross_section.e_min_mev(t_cs, cs.mass_gev)),
        "reactor-emax": conus.source.components[0].e_max_mev,
    }


@cache
def _sigma_curves() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Total cross sections (cm^2) on :data:`FIGURE_ENERGIES_MEV`: (point-like, Helm), by nucleus."""
    point = {n: sigma_total_cm2(FIGURE_ENERGIES_MEV, nuclei.nucleus(n), POINT_LIKE) for n in NUCLEI}
    helm = {n: sigma_total_cm2(FIGURE_ENERGIES_MEV, nuclei.nucleus(n), HELM) for n in NUCLEI}
    return point, helm


def _universal_cm2(nucleus: Nucleus, energy_mev) -> np.ndarray:
    """G_F^2 E^2 N^2 / (4 pi) in cm^2: the N^2 law."""
    return (
        constants.G_F_GEV2**2
        * (np.asarray(energy_mev) * 1e-3) ** 2
        / (4 * np.pi)
        * nucleus.N**2
        * constants.HBARC_GEV_CM**2
    )


def half_suppression_energy_mev(nucleus: Nucleus) -> float:
    """Neutrino energy (MeV) at which the Helm form factor halves the total cross section (brentq)."""
    return brentq(lambda e: coherence_kept(e, nucleus) - 0.5, 5.0, 500.0, xtol=1e-8)


def _dsdt_per_formula_unit(target, energy_mev, recoil_kev, options):
    """dsigma/dT summed over the nuclei of one formula unit (CsI) or averaged over isotopes (Ge)."""
    return sum(
        m * cross_section.dsigma_dT(energy_mev, recoil_kev, n, options=options)
        for n, m in zip(target.nuclei, target.multiplicities)
    )


def numbers() -> dict:
    """Every number chapter 1 quotes, keyed by its glue name (see :func:`cevnslib.notebook.glue_all`).

    Floats are glued at the book's precision; numbers in scientific notation are strings from
    :func:`cevnslib.notebook.scientific`.
    """
    sci = notebook.scientific
    s2w, s2w_mz = constants.SIN2_THETA_W, constants.SIN2_THETA_W_MZ
    g_u, g_d = quark_couplings(s2w)
    g_p, g_n = 2 * g_u + g_d, g_u + 2 * g_d
    cs, ge74, ar40 = nuclei.nucleus("Cs133"), nuclei.nucleus("Ge74"), nuclei.nucleus("Ar40")
    targets = {name: nuclei.nucleus(name) for name in NUCLEI}
    e_prompt, e_end = prompt_energy_mev(), endpoint_energy_mev()
    out = {"ch1-s2w": s2w, "ch1-s2w-mz": s2w_mz, "ch1-gp-tree": g_p, "ch1-gp-over-gn": abs(g_n / g_p)}

    # The four-vector evaluation of one event on 133Cs at 30 MeV, halfway to T_max.
    t_half = 0.5 * float(cross_section.t_max_kev(30.0, cs.mass_gev))
    out["ch1-fourvec-t-kev"] = t_half
    out["ch1-fourvec-angle-deg"] = scattering_angle_deg(30.0, t_half, cs)
    out["ch1-fourvec-dsdt"] = sci(four_vector_dsigma_dT(30.0, t_half, cs), 4)
    m_e = 30.0e-3
    out["ch1-toe-bound-cs"] = sci(2 * m_e / (cs.mass_gev + 2 * m_e), 1)
    out["ch1-axial-coherent-cs"] = sci(1 / cs.N**2, 1)
    out["ch1-axial-incoherent-cs"] = sci(1 / cs.A, 1)

    for name, key in (("Ge74", "ge"), ("Cs133", "cs")):
        nuc = targets[name]
        share = nuc.Z * g_p / (nuc.N * abs(g_n))
        out[f"ch1-share-{key}"] = 100 * share
        if key == "cs":
            out["ch1-proton-rate-cs"] = 100 * (1 - (1 - share) ** 2)

    for scheme, gp_s, gn_s, _, csi_ratio, conus_ratio in coupling_scheme_rows():
        if scheme == "tree":
            continue
        key = scheme.replace("-", "")
        out[f"ch1-gp-{key}"] = gp_s
        out[f"ch1-gn-{key}"] = gn_s
        out[f"ch1-csi-{key}-pct"] = 100 * (csi_ratio - 1)
        out[f"ch1-conus-{key}-pct"] = 100 * (conus_ratio - 1)

    gf2_m_over_pi = constants.G_F_GEV2**2 * cs.mass_gev / np.pi
    hbarc2 = constants.HBARC_GEV_CM**2
    per_kev = gf2_m_over_pi * hbarc2 * 1e-6
    out["ch1-hbarc"] = sci(constants.HBARC_GEV_CM, 5)
    out["ch1-hbarc2"] = sci(hbarc2, 4)
    out["ch1-gfm-cs"] = sci(gf2_m_over_pi, 3)
    out["ch1-pref-cs"] = sci(per_kev, 3)
    out["ch1-dsdt0-cs"] = sci(per_kev * (cs.Z * g_p + cs.N * g_n) ** 2, 2)

    out["ch1-e-prompt"] = e_prompt
    out["ch1-e-end"] = e_end
    for r in kinematics_rows():
        key = f"{r.nucleus.lower()}-{r.source}"
        out[f"ch1-tmax-{key}"] = r.t_max_kev
        out[f"ch1-qmax-{key}"] = r.q_max_mev
        out[f"ch1-qr-{key}"] = r.qr
        out[f"ch1-f2-{key}"] = r.f2
    out["ch1-q-rel-cs"] = sci(float(cross_section.t_max_kev(e_end, cs.mass_gev)) * 1e-6 / (2 * cs.mass_gev), 1)

    thr = _thresholds()
    out["ch1-thr-ge-kevee"] = thr["ge-kevee"]
    out["ch1-thr-ge-kev"] = thr["ge-kev"]
    out["ch1-emin-ge"] = thr["ge-emin"]
    out["ch1-thr-cs-pe"] = thr["cs-pe"]
    out["ch1-thr-cs-kev"] = thr["cs-kev"]
    out["ch1-emin-cs"] = thr["cs-emin"]
    out["ch1-e-coh-cs"] = constants.HBARC_MEV_FM / (2 * cs.charge_radius_fm)
    out["ch1-e-coh-si"] = constants.HBARC_MEV_FM / (2 * targets["Si28"].charge_radius_fm)

    point, helm = _sigma_curves()
    out["ch1-sigma-ge-5"] = sci(float(np.interp(5.0, FIGURE_ENERGIES_MEV, helm["Ge74"])))
    out["ch1-sigma-cs-prompt"] = sci(float(np.interp(e_prompt, FIGURE_ENERGIES_MEV, helm["Cs133"])))
    out["ch1-sigma-cs-prompt-point"] = sci(float(np.interp(e_prompt, FIGURE_ENERGIES_MEV, point["Cs133"])))
    out["ch1-ff-ge-5"] = coherence_kept(5.0, ge74)
    out["ch1-ff-cs-prompt"] = coherence_kept(e_prompt, cs)
    out["ch1-ff-cs-end"] = coherence_kept(e_end, cs)
    per_n2 = [point[n][0] / _universal_cm2(targets[n], 1.0) for n in NUCLEI]
    out["ch1-pern2-min"] = min(per_n2)
    out["ch1-pern2-max"] = max(per_n2)
    csi_helm, csi_point = _counts("COHERENT-CsI-2017"), _counts("COHERENT-CsI-2017", form_factor="unity")
    out["ch1-csi-ff-factor"] = csi_helm / csi_point
    out["ch1-csi-ff-point-pct"] = 100 * (csi_point / csi_helm - 1)

    half_cs = float(cross_section.t_max_kev(e_prompt, cs.mass_gev)) / 2
    half_ge = float(cross_section.t_max_kev(REACTOR_ENERGY_MEV, ge74.mass_gev)) / 2
    out["ch1-half-cs-kev"] = half_cs
    out["ch1-ffratio-half-cs"] = float(
        cross_section.dsigma_dT(e_prompt, half_cs, cs)
        / cross_section.dsigma_dT(e_prompt, half_cs, cs, options=POINT_LIKE)
    )
    out["ch1-ffratio-half-ge"] = float(
        cross_section.dsigma_dT(REACTOR_ENERGY_MEV, half_ge, ge74)
        / cross_section.dsigma_dT(REACTOR_ENERGY_MEV, half_ge, ge74, options=POINT_LIKE)
    )

    exact_kinematics = CrossSectionOptions(form_factor="unity", include_t_over_e=True)
    for name, energy in (("Cs133", e_prompt), ("Ge74", REACTOR_ENERGY_MEV)):
        nuc = targets[name]
        ratio = sigma_total_cm2(energy, nuc, exact_kinematics)[0] / sigma_total_cm2(energy, nuc, POINT_LIKE)[0]
        out[f"ch1-toe-sigma-{name.lower()}"] = sci(1 - ratio, 2)
    for name in SETUPS:
        key = "csi" if name.startswith("COHERENT") else "conus"
        with_toe = _counts(name, include_t_over_e=True) / _counts(name) - 1
        with_q = _counts(name, relativistic_q=True) / _counts(name) - 1
        out[f"ch1-toe-{key}-pct"] = notebook.book_precision(-100 * with_toe, 3)
        out[f"ch1-relq-{key}"] = sci(-with_q, 1)

    # Exercise: maximum recoil.
    for nuc in (ar40, cs):
        t_lib = float(cross_section.t_max_kev(e_prompt, nuc.mass_gev))
        out[f"ch1-ex-tmax-{nuc.name.lower()}"] = t_lib
        out[f"ch1-ex-qmax-{nuc.name.lower()}"] = float(cross_section.momentum_transfer_mev(t_lib, nuc.mass_gev))
    out["ch1-ex-2e"] = 2 * e_prompt

    # Exercise: the N^2 law, caesium against argon at 30 MeV.
    out["ch1-ex-n2-ratio"] = (cs.N / ar40.N) ** 2
    out["ch1-ex-point-ratio"] = float(
        sigma_total_cm2(30.0, cs, POINT_LIKE)[0] / sigma_total_cm2(30.0, ar40, POINT_LIKE)[0]
    )
    out["ch1-ex-helm-ratio"] = float(sigma_total_cm2(30.0, cs)[0] / sigma_total_cm2(30.0, ar40)[0])
    out["ch1-ex-ff-cs30"] = coherence_kept(30.0, cs)
    out["ch1-ex-ff-ar30"] = coherence_kept(30.0, ar40)

    # Exercise: the mixing angle.
    out.update(mixing_angle_shifts())

    # Exercise: where coherence fades.
    for name, nuc in targets.items():
        e_half = half_suppression_energy_mev(nuc)
        out[f"ch1-ex-ehalf-{name.lower()}"] = e_half
        out[f"ch1-ex-ehalf-r-{name.lower()}"] = e_half * nuc.charge_radius_fm / constants.HBARC_MEV_FM
    out["ch1-ex-lo-estimate"] = 3 / (2 * np.sqrt(2))
    for name in ("Na23", "I127"):
        out[f"ch1-ex-{name.lower()}-end"] = coherence_kept(e_end, targets[name])
    return out


def mixing_angle_shifts() -> dict[str, float]:
    """Rate changes (per cent) when the Z-pole sin^2 theta_W replaces the low-energy one, and their lever arm.

    Keys ``ch1-ex-mix-cs133-pct`` and ``ch1-ex-mix-i127-pct`` (exact ratio of the squared weak
    charges, minus 1), ``ch1-ex-mix-csi-pct`` (COHERENT CsI expected counts), the linear estimates
    8 Z delta s / Q_W as ``ch1-ex-mix-<nucleus>-linear-pct``; ``ch1-ex-mix-ds`` (delta s),
    ``ch1-ex-mix-ds-rel-pct`` (abs(delta s) / sin^2 theta_W in per cent), ``ch1-ex-mix-4z-cs``
    (dQ_W / d sin^2 theta_W = 4 Z of 133Cs), ``ch1-ex-mix-lever-cs`` (8 Z / Q_W of 133Cs) and
    ``ch1-ex-mix-rate-1pct`` (the change of the 133Cs rate, per cent, for a 1% change of sin^2 theta_W).
    """
    s2w, s2w_mz = constants.SIN2_THETA_W, constants.SIN2_THETA_W_MZ
    ds = s2w_mz - s2w
    couplings_mz = couplings.nucleon_couplings("tree", sin2_theta_w=s2w_mz)
    out = {}
    for name in ("Cs133", "I127"):
        nuc = nuclei.nucleus(name)
        exact = (
            couplings.weak_charge_squared(nuc.Z, nuc.N, "e", couplings=couplings_mz)
            / couplings.weak_charge_squared(nuc.Z, nuc.N, "e")
            - 1
        )
        out[f"ch1-ex-mix-{name.lower()}-pct"] = 100 * float(exact)
        out[f"ch1-ex-mix-{name.lower()}-linear-pct"] = 100 * 8 * nuc.Z * ds / weak_charge(nuc)
    out["ch1-ex-mix-csi-pct"] = 100 * (
        _counts("COHERENT-CsI-2017", sin2_theta_w=s2w_mz) / _counts("COHERENT-CsI-2017") - 1
    )
    cs = nuclei.nucleus("Cs133")
    lever = 8 * cs.Z / weak_charge(cs)
    out.update(
        {
            "ch1-ex-mix-ds": ds,
            "ch1-ex-mix-ds-rel-pct": 100 * abs(ds) / s2w,
            "ch1-ex-mix-4z-cs": 4 * cs.Z,
            "ch1-ex-mix-lever-cs": lever,
            "ch1-ex-mix-rate-1pct": 100 * lever * 0.01 * s2w,
        }
    )
    return out


def _two_panels(height_in: float = 3.4):
    style.apply()
    return plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, height_in), constrained_layout=True)


def sigma_total_figure() -> plt.Figure:
    """Total cross section of the five nuclei against E_nu (left) and divided by G_F^2 E^2 N^2/(4 pi) (right).

    Solid: Helm form factors (R_n = R_p); dashed: point-like nuclei; dotted: the E^2 law. Shaded:
    the neutrino energies that can give a recoil above threshold in CONUS and in COHERENT CsI.
    """
    point, helm = _sigma_curves()
    energies = FIGURE_ENERGIES_MEV
    thr = _thresholds()
    fig, (ax1, ax2) = _two_panels()
    colors = [style.COLORS[c] for c in ("blue", "vermillion", "bluish green", "reddish purple", "black")]
    for name, color in zip(NUCLEI, colors):
        nuc = nuclei.nucleus(name)
        universal = _universal_cm2(nuc, energies)
        ax1.loglog(energies, helm[name], color=color, label=_LABELS[name])
        ax1.loglog(energies, point[name], color=color, ls="--", lw=1.2)
        ax2.semilogx(energies, helm[name] / universal, color=color)
        ax2.semilogx(energies, point[name] / universal, color=color, ls="--", lw=1.2)
    ax1.loglog(energies, 3e-43 * energies**2, color="0.4", ls=":", label=r"$\propto E_\nu^2$")
    reactor_band = (thr["ge-emin"], thr["reactor-emax"])
    pidar_band = (thr["cs-emin"], endpoint_energy_mev())
    for ax in (ax1, ax2):
        ax.axvspan(*reactor_band, color=style.COLORS["sky blue"], alpha=0.18, lw=0)
        ax.axvspan(*pidar_band, color=style.COLORS["orange"], alpha=0.18, lw=0)
        ax.set_xlabel(r"$E_\nu$ [MeV]")
        ax.set_xlim(energies[0], energies[-1])
    ax1.text(reactor_band[0] * 1.05, 2e-37, "reactor", color=style.COLORS["blue"], fontsize=9)
    ax1.text(pidar_band[0] * 1.05, 2e-37, r"$\pi$-DAR", color=style.COLORS["vermillion"], fontsize=9)
    ax1.set_ylim(1e-43, 1e-36)
    ax1.set_ylabel(r"$\sigma(E_\nu)$ [cm$^2$]")
    ax1.legend(loc="upper left", fontsize=8.5, handlelength=1.6)
    ax2.set_ylim(0.35, 1.0)
    ax2.set_ylabel(r"$\sigma \,/\, [G_F^2 E_\nu^2 N^2/(4\pi)]$")
    return fig


def recoil_spectrum_figure() -> plt.Figure:
    """dsigma/dT against recoil energy: CsI at the prompt line (left), natural Ge at 5 MeV (right).

    Solid: Helm form factors; dashed: point-like nuclei; thin lines: Cs and I alone (Helm).
    """
    e_prompt = prompt_energy_mev()
    csi_target, ge_target = nuclei.target("CsI"), nuclei.target("Ge")
    cs, iodine = nuclei.nucleus("Cs133"), nuclei.nucleus("I127")
    t_csi = np.linspace(0, 1.03 * float(cross_section.t_max_kev(e_prompt, iodine.mass_gev)), 800)
    t_ge = np.linspace(0, 1.05 * float(cross_section.t_max_kev(REACTOR_ENERGY_MEV, ge_target.nuclei[0].mass_gev)), 800)
    black, c = style.COLORS["black"], style.COLORS
    fig, (ax1, ax2) = _two_panels()
    ax1.plot(t_csi, _dsdt_per_formula_unit(csi_target, e_prompt, t_csi, HELM) / 1e-39, color=black, label="CsI, Helm")
    ax1.plot(
        t_csi,
        _dsdt_per_formula_unit(csi_target, e_prompt, t_csi, POINT_LIKE) / 1e-39,
        color=black,
        ls="--",
        label="CsI, $F = 1$",
    )
    ax1.plot(
        t_csi,
        cross_section.dsigma_dT(e_prompt, t_csi, cs) / 1e-39,
        color=c["vermillion"],
        lw=1.3,
        label=r"$^{133}$Cs, Helm",
    )
    ax1.plot(
        t_csi,
        cross_section.dsigma_dT(e_prompt, t_csi, iodine) / 1e-39,
        color=c["blue"],
        lw=1.3,
        ls="-.",
        label=r"$^{127}$I, Helm",
    )
    ax1.set_ylabel(r"$d\sigma/dT$ [$10^{-39}$ cm$^2$/keV]")
    ax1.set_title(rf"CsI, $E_\nu$ = {e_prompt:.2f} MeV")
    ax2.plot(
        t_ge,
        _dsdt_per_formula_unit(ge_target, REACTOR_ENERGY_MEV, t_ge, HELM) / 1e-40,
        color=c["blue"],
        label="Ge, Helm",
    )
    ax2.plot(
        t_ge,
        _dsdt_per_formula_unit(ge_target, REACTOR_ENERGY_MEV, t_ge, POINT_LIKE) / 1e-40,
        color=black,
        ls="--",
        lw=1.2,
        label="Ge, $F = 1$",
    )
    ax2.set_ylabel(r"$d\sigma/dT$ [$10^{-40}$ cm$^2$/keV]")
    ax2.set_title(rf"natural Ge, $E_\nu$ = {REACTOR_ENERGY_MEV:.0f} MeV")
    for ax in (ax1, ax2):
        ax.set_xlabel(r"$T$ [keV]")
        ax.set_ylim(bottom=0)
        ax.set_xlim(left=0)
        ax.legend(fontsize=8.5)
    return fig
