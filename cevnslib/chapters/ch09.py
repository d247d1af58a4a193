"""Chapter 9, "The paper's Figure 2 (right)": NaI, CONNIE and a +-30% reactor deviation.

The chapter forecasts one year of a 2 t COHERENT NaI detector (Akimov et al., arXiv:1803.09183)
and of CONNIE (Aguilar-Arevalo et al., JHEP 04 (2020) 054), draws the paper's Fig. 2 (right)
(Canas et al., PRD 101 (2020) 035012) and reads off where NaI + CONNIE put the neutron radius
R_n when CONNIE sees its Standard-Model count or 30% more or less. :func:`numbers` returns every
number the chapter quotes; the other functions return its tables and draw its figures. Radii are
in fm; "scale" is CONNIE's observed count in units of its SM expectation.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import brentq

from .. import couplings, experiments, figures, fits, notebook, nuclei, rates, statistics, style, validation
from ..couplings import NSI
from ..cross_section import momentum_transfer_mev, t_max_kev
from ..experiments import Experiment
from ..fluxes import PION_DAR_E_MAX_MEV
from ..quadrature import piecewise_nodes
from .ch08 import counts_by_flavour, interval_on_grid

NAI, CONNIE = "COHERENT-NaI", "CONNIE"

#: The paper's CONNIE deviation: pseudo-data at (1 +- 0.30) x the SM count [Canas et al. 2020].
DEVIATION = 0.30
#: CONNIE scales of the paper's three scenarios, by label.
SCENARIOS = {"-30%": 1.0 - DEVIATION, "SM": 1.0, "+30%": 1.0 + DEVIATION}
#: Short names of the scenarios in the chapter's glue keys.
TAGS = {"-30%": "minus", "SM": "sm", "+30%": "plus"}
#: eps_ee^dV ranges in which the two branches' roots are sought: below and above CONNIE's Q_e = 0.
BRANCH_LIMITS = (-0.3, 0.7)
#: CONNIE scales of the curve of best-fit radii.
CURVE_SCALES = tuple(np.round(np.linspace(0.7, 1.3, 7), 10))
#: CONNIE scales of the exercises (the paper's +-30% and +-10%).
EXERCISE_SCALES = (0.7, 0.9, 1.1, 1.3)
#: NaI systematics of the sensitivity study, by glue tag.
NAI_SYSTEMATICS = {"05": 0.05, "10": 0.10, "20": 0.20}
#: NaI thresholds (keVnr) of the threshold exercise.
THRESHOLDS_KEVNR = (5.0, 13.0, 25.0, 40.0)
#: Step (fm) of the central differences that give d ln N / dR_n.
SLOPE_STEP_FM = 0.01


def _branch_check(branch: str) -> str:
    return validation.choice("branch", branch, ("SM", "flipped"))


def connie_split() -> float:
    """eps_ee^dV midway between CONNIE's two branches, where its charge vanishes (half its flipped value)."""
    return 0.5 * fits.setup_flipped_eps_ee_d(CONNIE)


def connie_eps_ee_d(scale: float, branch: str) -> float:
    """eps_ee^dV at which CONNIE expects ``scale`` x its SM count, on branch ``"SM"`` or ``"flipped"``.

    Raises ValueError for an unknown branch, or a scale that no coupling of that branch reaches
    (brentq finds no sign change).
    """
    _branch_check(branch)
    t = fits.templates_for(CONNIE)
    target = scale * t.counts().sum()
    lo, hi = (BRANCH_LIMITS[0], connie_split()) if branch == "SM" else (connie_split(), BRANCH_LIMITS[1])
    return brentq(lambda e: t.counts(NSI(ee_d=e)).sum() - target, lo, hi, xtol=1e-12)


def nai_observed() -> float:
    """Events of the NaI pseudo-data: the SM count with iodine's R_n = :data:`cevnslib.fits.NAI_TRUTH_RN_FM`
    (sodium at its R_p)."""
    return float(fits.templates_for(NAI).counts(rn_fm=fits.NAI_TRUTH_RN_FM).sum())


def best_rn_fm(scale: float, branch: str) -> float:
    """Best fit R_n (fm) of NaI + CONNIE in two steps: CONNIE's count fixes eps_ee^dV, NaI's count then fixes R_n.

    Both counts are matched exactly (chi^2 = 0). Raises ValueError like :func:`connie_eps_ee_d`,
    or if no R_n in NaI's :func:`cevnslib.fits.rn_scan_range_fm` matches NaI's count.
    """
    eps = connie_eps_ee_d(scale, branch)
    t = fits.templates_for(NAI)
    n_obs = nai_observed()
    rn_range = fits.rn_scan_range_fm(experiments.get(NAI))
    return brentq(lambda r: t.counts(NSI(ee_d=eps), r).sum() - n_obs, *rn_range, xtol=1e-10)


class NucleusEvents(NamedTuple):
    """The expected events of one nucleus of a target, from its recoil spectrum.

    ``events``: count over the exposure; ``q_min_mev``: momentum transfer at the threshold;
    ``q_rms_mev``: rms momentum transfer of the events, sqrt(<q^2>), in MeV.
    """

    name: str
    events: float
    q_min_mev: float
    q_rms_mev: float


def nucleus_events(experiment: Experiment, rn_fm: float | None = None) -> tuple[NucleusEvents, ...]:
    """Events and momentum transfers of each nucleus of ``experiment``, from the recoil spectrum.

    Integrates :meth:`cevnslib.experiments.Experiment.recoil_spectrum` times the detector's
    acceptance over the recoils it records (threshold to the source's kinematic maximum) by
    Gauss-Legendre quadrature, split where the response jumps and where the flux has kinks (lines,
    end points). q = sqrt(2 M T) (with T^2 added if the setup's options ask for the relativistic
    q). ``rn_fm``: the neutron radius (fm) in the setup's ``neutron_radii`` model (default each
    nucleus' R_p). Raises ValueError (from ``recoil_spectrum``) for an R_n outside the form factor's domain.
    """
    out = []
    detector, source = experiment.detector, experiment.source
    for k, nuc in enumerate(experiment.target.nuclei):
        lo, hi = (
            detector.recoil_support_kev(nuc)[0],
            min(detector.recoil_support_kev(nuc)[1], rates.max_recoil_kev(source, nuc)),
        )
        energies = [
            e
            for c in source.components
            for e in ([c.line_mev] if c.line_mev is not None else [*c.breakpoints_mev, c.e_max_mev])
        ]
        breaks = np.concatenate([detector.recoil_breaks_kev(nuc), t_max_kev(np.array(energies), nuc.mass_gev)])
        t, w = piecewise_nodes(
            lo, hi, breaks, experiment.quadrature.recoil_nodes, max_ratio=experiment.quadrature.max_recoil_ratio
        )
        weight = w * detector.efficiency(t, nuc) * experiment.recoil_spectrum(t, rn_fm=rn_fm).dn_dt[k].sum(axis=0)
        q = momentum_transfer_mev(t, nuc.mass_gev, experiment.options.relativistic_q)
        q_min = momentum_transfer_mev(lo, nuc.mass_gev, experiment.options.relativistic_q)
        out.append(
            NucleusEvents(
                nuc.name, float(weight.sum()), float(q_min), float(np.sqrt(np.sum(weight * q**2) / weight.sum()))
            )
        )
    return tuple(out)


def common_radius_setup() -> Experiment:
    """The NaI setup with one R_n for Na and I (``neutron_radii="common"``): the choice of earlier versions."""
    return experiments.get(NAI, neutron_radii="common")


def nucleus_table() -> str:
    """Na and I in the NaI pseudo-data: R_p, events with a common neutron skin (the setup's default: zero
    skin, each R_n = R_p) and with one R_n common to both (the old choice), and, with the skin, q at
    threshold, the rms q of the events and d ln N/dR_n."""
    nai, rn_true = experiments.get(NAI), fits.NAI_TRUTH_RN_FM
    skin, common = nucleus_events(nai, rn_true), nucleus_events(common_radius_setup(), rn_true)
    slopes = nucleus_log_slopes_per_fm(nai, rn_true)
    lines = [
        f"{'':<8}{'R_p':>6}{'events, R_n of I =':>20}{f'{rn_true:.2f} fm':>9}{'q [MeV]':>11}{'d ln N/dR_n':>13}",
        f"{'nucleus':<8}{'[fm]':>6}{'own skin':>10}{'common R_n':>12}{'change':>8}{'thr.':>6}{'rms':>6}{'[1/fm]':>11}",
    ]
    for a, b in zip(skin, common):
        lines.append(
            f"{a.name:<8}{nuclei.nucleus(a.name).charge_radius_fm:>6.2f}{a.events:>10.0f}{b.events:>12.0f}"
            f"{100 * (b.events / a.events - 1):>7.1f}%{a.q_min_mev:>6.1f}{a.q_rms_mev:>6.1f}{slopes[a.name]:>11.3f}"
        )
    return "\n".join(lines)


def nucleus_counts(experiment: Experiment, rn_fm: float | None = None) -> dict[str, float]:
    """Expected events of each nucleus of ``experiment``, by name (the counts of :func:`nucleus_events`)."""
    return {e.name: e.events for e in nucleus_events(experiment, rn_fm)}


def nucleus_log_slopes_per_fm(experiment: Experiment, rn_fm: float) -> dict[str, float]:
    """d ln N_k/dR_n (per fm) of each nucleus' count at ``rn_fm`` (the setup's radius model), by a central difference.

    Raises ValueError like :func:`nucleus_events`.
    """
    h = SLOPE_STEP_FM
    up, down, centre = (nucleus_counts(experiment, r) for r in (rn_fm + h, rn_fm - h, rn_fm))
    return {name: (up[name] - down[name]) / (2 * h) / centre[name] for name in centre}


def log_slope_per_fm(templates, rn_fm: float, nsi: NSI | None = None) -> float:
    """d ln N / dR_n (per fm) of the total count of ``templates`` at ``rn_fm``, by a central difference."""
    h = SLOPE_STEP_FM
    up, down = templates.counts(nsi, rn_fm + h).sum(), templates.counts(nsi, rn_fm - h).sum()
    return float((up - down) / (2 * h) / templates.counts(nsi, rn_fm).sum())


# --- NaI and CONNIE ------------------------------------------------------------------------------------------


def nai_summary() -> str:
    """The NaI forecast in four lines: setup, counts (R_n = R_p, pseudo-data), iodine share, nu_e share, slope."""
    nai, t = experiments.get(NAI), fits.templates_for(NAI)
    n_default, n_obs, rn_true = t.counts().sum(), nai_observed(), fits.NAI_TRUTH_RN_FM
    iodine = nucleus_counts(nai, rn_true)["I127"]
    e_share = counts_by_flavour(t)["e"] / n_default
    return "\n".join(
        [
            f"NaI: {nai.mass_kg / 1000:.1f} t, threshold {nai.detector.threshold:.0f} keVnr, "
            f"{nai.source.distance_m:.0f} m, {notebook.scientific(nai.source.protons_on_target)} POT, "
            f"{nai.live_time_days / 365.25:.0f} yr, systematic {100 * nai.systematic:.0f}%",
            f"SM events: {n_default:.0f} (R_n = R_p of each nucleus), {n_obs:.0f} (pseudo-data, R_n of iodine "
            f"{rn_true:.2f} fm, sodium sharing its skin)",
            f"iodine share of the pseudo-data: {100 * iodine / n_obs:.1f}%",
            f"nu_e share: {100 * e_share:.1f}%;  d ln N / d R_n = {log_slope_per_fm(t, rn_true):.3f} per fm",
        ]
    )


def connie_table() -> str:
    """CONNIE's SM count and the eps_ee^dV of each scenario on both branches, as text."""
    connie = experiments.get(CONNIE)
    lines = [
        f"CONNIE: {fits.templates_for(CONNIE).counts().sum():.0f} SM events, systematic {100 * connie.systematic:.0f}%",
        f"{'CONNIE sees':>12} {'eps_ee^dV (SM branch)':>22} {'eps_ee^dV (flipped)':>20}",
    ]
    for label, scale in SCENARIOS.items():
        on_sm = connie_eps_ee_d(scale, "SM") + 0.0
        lines.append(
            f"{label:>12} {0.0 if abs(on_sm) < 1e-9 else on_sm:22.4f} {connie_eps_ee_d(scale, 'flipped'):20.4f}"
        )
    lines.append(
        f"flipped eps_ee^dV: CONNIE (Si) {fits.setup_flipped_eps_ee_d(CONNIE):.4f}, "
        f"NaI {fits.setup_flipped_eps_ee_d(NAI):.4f}"
    )
    return "\n".join(lines)


# --- Where the combination puts R_n --------------------------------------------------------------------------


@cache
def library_best_rn() -> tuple[tuple[str, float, float], ...]:
    """(branch, scale, R_n in fm) from :func:`cevnslib.fits.nai_connie_best_rn`: three scenarios, both branches."""
    return tuple(
        (branch, scale, fits.nai_connie_best_rn(scale, branch=branch.lower()))
        for branch in ("SM", "flipped")
        for scale in SCENARIOS.values()
    )


def best_rn_table() -> str:
    """Best-fit R_n of NaI + CONNIE against the CONNIE scale: the two-step solution and the library's profile."""
    library = {(branch, scale): rn for branch, scale, rn in library_best_rn()}
    lines = [
        f"{'CONNIE scale':>12} {'SM exact':>9} {'SM library':>11} {'flipped exact':>14} {'flipped library':>16}"
        "   R_n [fm]"
    ]
    for s in CURVE_SCALES:
        lib_sm, lib_fl = (
            f"{library[b, s]:{w}.3f}" if (b, s) in library else f"{'-':>{w}}" for b, w in (("SM", 11), ("flipped", 16))
        )
        lines.append(f"{s:12.1f} {best_rn_fm(s, 'SM'):9.3f} {lib_sm} {best_rn_fm(s, 'flipped'):14.3f} {lib_fl}")
    return "\n".join(lines)


def best_rn_figure() -> plt.Figure:
    """Best-fit R_n of NaI + CONNIE against the CONNIE scale on each branch, with the library's values."""
    style.apply()
    fig, ax = plt.subplots(figsize=(style.FULL_WIDTH_IN, 4.2), constrained_layout=True)
    scales = np.array(CURVE_SCALES)
    ax.plot(
        scales,
        [best_rn_fm(s, "SM") for s in scales],
        "o-",
        color=style.COLORS["blue"],
        label=r"SM branch ($\varepsilon_{ee}^{dV} \approx 0$)",
    )
    ax.plot(
        scales,
        [best_rn_fm(s, "flipped") for s in scales],
        "s--",
        color=style.COLORS["reddish purple"],
        label="flipped branch",
    )
    _, lib_scales, lib_rn = zip(*library_best_rn())
    ax.plot(lib_scales, lib_rn, "kx", ms=9, mew=1.6, ls="none", label="library profile (each branch)")
    ax.axhline(fits.NAI_TRUTH_RN_FM, color="0.4", lw=1.0, ls=":", label="$R_n$ of the NaI pseudo-data")
    ax.set(xlabel="CONNIE observed / SM expectation", ylabel=r"best-fit $R_n$ [fm]")
    ax.legend()
    return fig


# --- The NaI systematic ----------------------------------------------------------------------------------------


class SystematicRow(NamedTuple):
    """R_n intervals (1 parameter, Delta chi^2 <= 1) of NaI + CONNIE (SM) for one NaI systematic."""

    systematic: float
    sm_branch: statistics.Interval
    flipped: statistics.Interval
    both: statistics.Interval


@cache
def systematic_rows() -> tuple[SystematicRow, ...]:
    """R_n intervals of NaI + CONNIE at its SM count for each of :data:`NAI_SYSTEMATICS`.

    Read off the scan of :func:`cevnslib.figures.figure2_right` with ``nai_systematic``: the
    smallest Delta chi^2 over eps_ee^dV on each branch (split at CONNIE's Q_e = 0) and over both.
    """
    out = []
    for syst in NAI_SYSTEMATICS.values():
        result = figures.figure2_right(nai_systematic=syst)
        plt.close(result.figure)
        rn, eps_d, d = result.data["rn_fm"], result.data["eps_d"], result.data["dchi2 NaI + CONNIE SM"]
        on_sm = eps_d < connie_split()
        out.append(
            SystematicRow(
                syst,
                interval_on_grid(rn, d[:, on_sm].min(axis=1), 1.0),
                interval_on_grid(rn, d[:, ~on_sm].min(axis=1), 1.0),
                interval_on_grid(rn, d.min(axis=1), 1.0),
            )
        )
    return tuple(out)


def interval_text(interval: statistics.Interval) -> str:
    """The pieces of ``interval`` with two decimals, joined by the union sign: '[4.20, 4.55] ∪ [4.61, 4.88]'."""
    return " ∪ ".join(f"[{lo:.2f}, {hi:.2f}]" for lo, hi in interval.pieces)


# --- Exercises -----------------------------------------------------------------------------------------------


class Shift(NamedTuple):
    """The shift of R_n (fm) for one CONNIE scale: first order, first order with NaI's actual count, exact."""

    scale: float
    eps_ee_d: float
    first_order: float
    improved: float
    exact: float


def shifts() -> tuple[Shift, ...]:
    """Eq. (shift) of the chapter against the exact two-step solution, on the SM branch, for :data:`EXERCISE_SCALES`."""
    t, rn_true, n_obs = fits.templates_for(NAI), fits.NAI_TRUTH_RN_FM, nai_observed()
    slope, f_e = log_slope_per_fm(t, rn_true), counts_by_flavour(t)["e"] / t.counts().sum()
    out = []
    for s in EXERCISE_SCALES:
        eps = connie_eps_ee_d(s, "SM")
        improved = -(t.counts(NSI(ee_d=eps), rn_true).sum() / n_obs - 1) / slope
        out.append(Shift(s, eps, -f_e * (s - 1) / slope, improved, best_rn_fm(s, "SM") - rn_true))
    return tuple(out)


def shift_table() -> str:
    """:func:`shifts` as a text table."""
    lines = [f"{'CONNIE scale':>12}{'eps*':>9}{'first order':>13}{'improved':>11}{'exact':>9}   Delta R_n [fm]"]
    lines += [
        f"{r.scale:>12.1f}{r.eps_ee_d:>+9.4f}{r.first_order:>+13.3f}{r.improved:>+11.3f}{r.exact:>+9.3f}"
        for r in shifts()
    ]
    return "\n".join(lines)


def charge_sensitivity() -> dict[str, float]:
    """``(Z + 2N)/abs(Q_SM)`` of natural Si (abundance-weighted Z and N), Na-23 and I-127, tree-level couplings.

    The relative change of the weak charge per unit eps_ee^dV at F = 1.
    """
    gp, gn = couplings.nucleon_couplings()
    silicon = nuclei.target("Si")
    w = np.asarray(silicon.multiplicities) / np.sum(silicon.multiplicities)
    charges = {"Si": (np.sum(w * [n.Z for n in silicon.nuclei]), np.sum(w * [n.N for n in silicon.nuclei]))}
    charges.update({name: (nuclei.nucleus(name).Z, nuclei.nucleus(name).N) for name in ("Na23", "I127")})
    return {name: float((z + 2 * n) / abs(z * gp + n * gn)) for name, (z, n) in charges.items()}


def charge_sensitivity_table() -> str:
    """:func:`charge_sensitivity` as text."""
    labels = {"Si": "Si (natural)", "Na23": "Na23", "I127": "I127"}
    return "\n".join(f"{labels[name]:<13} (Z + 2N)/|Q_SM| = {k:.3f}" for name, k in charge_sensitivity().items())


def largest_recoils_kevnr() -> dict[str, float]:
    """The largest recoil (keVnr) of Na-23 and I-127 from the pion-decay-at-rest end point m_mu/2."""
    source = experiments.get(NAI).source
    return {name: rates.max_recoil_kev(source, nuclei.nucleus(name)) for name in ("Na23", "I127")}


class ThresholdRow(NamedTuple):
    """The NaI forecast at one threshold (keVnr): events, iodine share (%), d ln N/dR_n (per fm), half-widths
    (fm), shift at +30% (fm)."""

    threshold_kevnr: float
    events: float
    iodine_pct: float
    log_slope: float
    estimate_fm: float
    fit_fm: float
    shift_fm: float


@cache
def threshold_rows() -> tuple[ThresholdRow, ...]:
    """The NaI forecast for each of :data:`THRESHOLDS_KEVNR`, with the pseudo-data's R_n.

    The fitted half-width is that of the NaI Asimov fit alone at eps = 0 (Delta chi^2 <= 1 on 101
    radii over NaI's :func:`cevnslib.fits.rn_scan_range_fm`); the shift is the two-step best fit's when
    CONNIE sees +30%.
    """
    rn_true, eps_plus = fits.NAI_TRUTH_RN_FM, connie_eps_ee_d(1.0 + DEVIATION, "SM")
    out = []
    for threshold in THRESHOLDS_KEVNR:
        exp = experiments.get(NAI, threshold_kevnr=threshold)
        t = fits.templates_for(NAI, threshold_kevnr=threshold)
        n = float(t.counts(rn_fm=rn_true).sum())
        slope = log_slope_per_fm(t, rn_true)
        fit = fits.combine(fits.asimov_measurement(exp, t, truth_rn_fm=rn_true))
        rn_range = fits.rn_scan_range_fm(exp)
        lo, hi = statistics.interval_1d(lambda r: fit.chi2(None, r), np.linspace(*rn_range, 101)).single_piece()
        shift = brentq(lambda r: t.counts(NSI(ee_d=eps_plus), r).sum() - n, *rn_range, xtol=1e-10) - rn_true
        out.append(
            ThresholdRow(
                threshold,
                n,
                100 * nucleus_counts(exp, rn_true)["I127"] / n,
                slope,
                float(np.sqrt(1 / n + exp.systematic**2) / abs(slope)),
                (hi - lo) / 2,
                shift,
            )
        )
    return tuple(out)


def threshold_table() -> str:
    """The largest recoils and :func:`threshold_rows` as text."""
    lines = [
        f"largest recoil of {name} for E = {PION_DAR_E_MAX_MEV:.1f} MeV: {t:.1f} keVnr"
        for name, t in largest_recoils_kevnr().items()
    ]
    lines.append(
        f"{'threshold':>12}{'events':>8}{'iodine':>8}{'dlnN/dRn':>10}{'half-width est.':>17}{'fit':>7}"
        f"{'shift at +30%':>15}"
    )
    lines += [
        f"{r.threshold_kevnr:>6.0f} keVnr{r.events:>8.0f}{r.iodine_pct:>7.1f}%{r.log_slope:>10.3f}"
        f"{r.estimate_fm:>13.2f} fm{r.fit_fm:>7.2f}{r.shift_fm:>+12.3f} fm"
        for r in threshold_rows()
    ]
    return "\n".join(lines)


class DeviationRow(NamedTuple):
    """NaI + CONNIE for one CONNIE scale: CONNIE's own chi^2 at the SM, the SM-branch R_n fit, shift in half-widths."""

    scale: float
    chi2_connie: float
    best_fm: float
    interval: statistics.Interval
    shift_ratio: float


@cache
def deviation_rows() -> tuple[DeviationRow, ...]:
    """For each of :data:`EXERCISE_SCALES`: how significant the deviation is for CONNIE, and where NaI + CONNIE put R_n.

    R_n is fitted with eps_ee^dV profiled on the SM branch (801 points from -0.3 to CONNIE's
    Q_e = 0), on 101 radii from 3.5 to 6 fm; the shift from the pseudo-data's R_n is given in
    units of the half-width of the 1 sigma interval.
    """
    nai_part = fits.asimov_measurement(experiments.get(NAI), fits.templates_for(NAI), truth_rn_fm=fits.NAI_TRUTH_RN_FM)
    eps_sm_branch = np.linspace(-0.3, connie_split(), 801)
    out = []
    for s in EXERCISE_SCALES:
        connie_part = fits.asimov_measurement(experiments.get(CONNIE), fits.templates_for(CONNIE), s)
        fit = fits.combine(nai_part, connie_part)
        interval = statistics.interval_1d(
            lambda r: fit.chi2(NSI(ee_d=eps_sm_branch[None, :]), np.asarray(r)[:, None]).min(axis=1),
            np.linspace(3.5, 6.0, 101),
        )
        lo, hi = interval.single_piece()
        out.append(
            DeviationRow(
                s,
                float(fits.combine(connie_part).chi2()),
                interval.best,
                interval,
                (interval.best - fits.NAI_TRUTH_RN_FM) / ((hi - lo) / 2),
            )
        )
    return tuple(out)


def deviation_table() -> str:
    """:func:`deviation_rows` as text."""
    lines = [
        f"{'CONNIE':>7}{'chi2(SM), CONNIE':>18}{'sigmas':>8}{'best R_n':>10}{'1 sigma interval':>18}"
        f"{'shift / half-width':>20}"
    ]
    lines += [
        f"{r.scale:>7.1f}{r.chi2_connie:>18.2f}{np.sqrt(r.chi2_connie):>8.1f}{r.best_fm:>10.3f}"
        f"{interval_text(r.interval):>18}{r.shift_ratio:>+20.2f}"
        for r in deviation_rows()
    ]
    return "\n".join(lines)


# --- The chapter's numbers -----------------------------------------------------------------------------------


def numbers() -> dict[str, float | int | str | notebook.Quoted]:
    """Every number the chapter's prose quotes, keyed by its glue name."""
    nai, connie = experiments.get(NAI), experiments.get(CONNIE)
    t_nai, rn_true = fits.templates_for(NAI), fits.NAI_TRUTH_RN_FM
    n_default, n_obs = float(t_nai.counts().sum()), nai_observed()
    slope = log_slope_per_fm(t_nai, rn_true)
    e_share = counts_by_flavour(t_nai)["e"] / n_default
    sigma_eff = np.sqrt(1 / n_obs + nai.systematic**2)
    out = {
        "ch9-nai-mass-t": nai.mass_kg / 1000,
        "ch9-nai-thr": nai.detector.threshold,
        "ch9-nai-dist": nai.source.distance_m,
        "ch9-nai-years": nai.live_time_days / 365.25,
        "ch9-nai-syst": 100 * nai.systematic,
        "ch9-nai-obs": n_obs,
        "ch9-rn-true": rn_true,
        "ch9-nai-e-share": 100 * e_share,
        "ch9-nai-slope": slope,
        "ch9-iodine-share": 100 * nucleus_counts(nai, rn_true)["I127"] / n_obs,
        "ch9-sigma-eff": 100 * sigma_eff,
        "ch9-est-halfwidth": sigma_eff / abs(slope),
    }
    # sodium and iodine: their radii, momentum transfers, and what one R_n common to both (the old choice) does
    common_nai = common_radius_setup()
    own, common = ({e.name: e for e in nucleus_events(exp, rn_true)} for exp in (nai, common_nai))
    for name in ("Na23", "I127"):
        out.update(
            {
                f"ch9-q-min-{name}": own[name].q_min_mev,
                f"ch9-q-rms-{name}": own[name].q_rms_mev,
                f"ch9-q-rms-common-{name}": common[name].q_rms_mev,
                f"ch9-rp-{name}": nuclei.nucleus(name).charge_radius_fm,
                f"ch9-own-{name}": own[name].events,
                f"ch9-common-{name}": common[name].events,
                f"ch9-change-{name}": 100 * (common[name].events / own[name].events - 1),
            }
        )
    out.update({f"ch9-slope-{name}": value for name, value in nucleus_log_slopes_per_fm(nai, rn_true).items()})
    out["ch9-rn-over-rp-Na23"] = rn_true / nuclei.nucleus("Na23").charge_radius_fm
    out["ch9-rn-Na23"] = nai.nucleus_radii_fm(rn_true)[0]
    out["ch9-rp-cs-minus-i"] = nuclei.nucleus("Cs133").charge_radius_fm - nuclei.nucleus("I127").charge_radius_fm
    out["ch9-skin-offset"] = rn_true - out["ch9-rn-Na23"]
    out["ch9-nai-common-obs"] = float(fits.templates_for(NAI, neutron_radii="common").counts(rn_fm=rn_true).sum())
    out["ch9-nai-common-ratio"] = 100 * (out["ch9-nai-common-obs"] / n_obs - 1)
    # CONNIE
    out.update(
        {
            "ch9-eps-minus-sm": connie_eps_ee_d(1.0 - DEVIATION, "SM"),
            "ch9-eps-plus-sm": connie_eps_ee_d(1.0 + DEVIATION, "SM"),
            "ch9-connie-count": fits.templates_for(CONNIE).counts().sum(),
            "ch9-connie-years": connie.live_time_days / 365.25,
            "ch9-connie-mass": connie.mass_kg,
            "ch9-connie-thr": 1000 * connie.detector.threshold,
            "ch9-flux-syst": 100 * fits.ReactorSystematics().flux,
            "ch9-dev": DEVIATION,
            "ch9-dev-pct": 100 * DEVIATION,
            "ch9-connie-syst": 100 * connie.systematic,
            "ch9-flip-connie": fits.setup_flipped_eps_ee_d(CONNIE),
            "ch9-flip-nai": fits.setup_flipped_eps_ee_d(NAI),
            "ch9-level2": statistics.delta_chi2_level(sigma=1.0, dof=2),
            "ch9-csi-syst": 100 * experiments.get("COHERENT-CsI-2017").systematic,
        }
    )
    # where the combination puts R_n
    library = {(branch, scale): rn for branch, scale, rn in library_best_rn()}
    out["ch9-lib-max-diff"] = max(abs(rn - best_rn_fm(scale, branch)) for (branch, scale), rn in library.items())
    for label, scale in SCENARIOS.items():
        tag = TAGS[label]
        out.update(
            {
                f"ch9-best-{tag}-lib": library["SM", scale],
                f"ch9-best-{tag}-sm": best_rn_fm(scale, "SM"),
                f"ch9-best-{tag}-fl": best_rn_fm(scale, "flipped"),
            }
        )
    out.update(
        {
            "ch9-shift-minus": out["ch9-best-minus-sm"] - rn_true,
            "ch9-shift-plus": out["ch9-best-plus-sm"] - rn_true,
            "ch9-lin-shift": e_share * DEVIATION / abs(slope),
        }
    )
    # the NaI systematic
    for tag, row in zip(NAI_SYSTEMATICS, systematic_rows()):
        (sm_lo, sm_hi), (fl_lo, fl_hi) = row.sm_branch.single_piece(), row.flipped.single_piece()
        out.update(
            {
                f"ch9-sys{tag}-sm-lo": sm_lo,
                f"ch9-sys{tag}-sm-hi": sm_hi,
                f"ch9-sys{tag}-sm-width": sm_hi - sm_lo,
                f"ch9-sys{tag}-fl-lo": fl_lo,
                f"ch9-sys{tag}-fl-hi": fl_hi,
                f"ch9-sys{tag}-both": interval_text(row.both),
                f"ch9-sys{tag}-pieces": len(row.both.pieces),
                f"ch9-sys{tag}-pct": 100 * row.systematic,
            }
        )
    # exercises
    for row in shifts():
        tag = f"{100 * row.scale:.0f}"
        out.update(
            {
                f"ch9-ex-first-{tag}": row.first_order,
                f"ch9-ex-improved-{tag}": row.improved,
                f"ch9-ex-exact-{tag}": row.exact,
            }
        )
    out.update({f"ch9-ex-k-{name}": k for name, k in charge_sensitivity().items()})
    out.update({f"ch9-ex-tmax-{name}": t for name, t in largest_recoils_kevnr().items()})
    for row in threshold_rows():
        tag = f"{row.threshold_kevnr:.0f}"
        out.update(
            {
                f"ch9-ex-thr-half-{tag}": row.fit_fm,
                f"ch9-ex-thr-n-{tag}": row.events,
                f"ch9-ex-thr-iodine-{tag}": row.iodine_pct,
            }
        )
    for row in deviation_rows():
        tag = f"{100 * row.scale:.0f}"
        out.update(
            {
                f"ch9-ex-c10-sig-{tag}": np.sqrt(row.chi2_connie),
                f"ch9-ex-c10-ratio-{tag}": row.shift_ratio,
                f"ch9-ex-c10-best-{tag}": row.best_fm,
            }
        )
    return out
