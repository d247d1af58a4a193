"""Chapter 8, "The paper's Figure 2 (left)": the COHERENT CsI 2017 data, the neutron radius and NSI.

The chapter fits the COHERENT CsI[Na] 2017 data (Akimov et al., Science 357 (2017) 1123; data
release arXiv:1804.09459) in three steps: the neutron rms radius R_n with the Standard-Model
couplings, the band in the (R_n, eps_ee^dV) plane of the paper's Fig. 2 (left) (Canas et al.,
PRD 101 (2020) 035012), and the two islands left when one year of CONUS is added. :func:`numbers`
returns every number the chapter quotes; the other functions return its tables and draw its
figures. Radii are in fm, counts are expected events over the 2017 exposure.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import couplings, experiments, figures, fits, notebook, nuclei, statistics, style
from ..couplings import NSI
from ..rates import EventTemplates

CSI = "COHERENT-CsI-2017"

#: Neutron rms radius of CsI from the same data: best fit, +error, -error in fm
#: [Cadeddu, Giunti, Li & Zhang, PRL 120 (2018) 072501].
CADEDDU2018_RN_FM = (5.5, 0.9, 1.1)

#: Step (fm) of the central difference that gives d ln S / dR_n.
SLOPE_STEP_FM = 0.01

#: eps_ee^dV grid (-0.3 to 0.7, 2001 points) on which the fewest CsI events are searched.
EPS_SCAN = (-0.3, 0.7, 2001)

#: eps_mumu^dV values at which R_n is refitted with eps_ee = 0.
EPS_MUMU_STEP = 0.05

#: Radii (fm) of the exercise on the hole of the band.
HOLE_RADII_FM = (4.0, 5.5, 7.0)


def counts_by_flavour(templates: EventTemplates, nsi: NSI | None = None, rn_fm=None) -> dict[str, float]:
    """Expected counts (summed over bins) of each incident flavour of ``templates``' source.

    Each flavour's part of the templates (:meth:`~cevnslib.rates.EventTemplates.of_flavor`) counted
    by its ``counts``. ``rn_fm``: the neutron radius in fm (default each nucleus' R_p). Raises
    ValueError (from ``counts``) for an R_n outside the templates' range.
    """
    return {flavour: float(templates.of_flavor(flavour).counts(nsi, rn_fm).sum()) for flavour in templates.flavors}


def interval_on_grid(x: np.ndarray, profile: np.ndarray, level: float) -> statistics.Interval:
    """The set where a tabulated profile ``profile`` (shape like ``x``) lies at or below ``level``.

    ``level`` is absolute (a Delta chi^2 of the whole scan, not of this profile's own minimum);
    the ends of each piece are interpolated linearly between grid points, and the best fit is the
    grid point of the smallest value. Uses :func:`cevnslib.statistics.interval_1d` on the linear
    interpolation of the table. Raises ValueError (from it) for a grid that is not increasing or a
    level at or below the profile's minimum.
    """
    x, profile = np.asarray(x, dtype=float), np.asarray(profile, dtype=float)
    return statistics.interval_1d(lambda r: np.interp(r, x, profile), x, level - profile.min())


# --- The data and the fit of R_n with eps = 0 --------------------------------------------------------------


class DataRow(NamedTuple):
    """One PE bin of the 2017 data: edges (PE), coincidence, anti-coincidence, excess, BRN and SM counts."""

    pe_lo: float
    pe_hi: float
    coincidence: float
    anticoincidence: float
    excess: float
    brn: float
    sm: float


def data_rows() -> tuple[DataRow, ...]:
    """The 12 PE bins of the data release with the expected BRN and Standard-Model CEvNS counts.

    The SM prediction takes R_n = R_p of each nucleus (no neutron skin).
    """
    data = experiments.get(CSI).data
    sm = fits.templates_for(CSI).counts()
    columns = (
        data.pe_edges[:-1],
        data.pe_edges[1:],
        data.coincidence,
        data.anticoincidence,
        data.excess,
        data.brn_expected(),
        sm,
    )
    return tuple(DataRow(*(float(c) for c in row)) for row in zip(*columns))


def data_table() -> str:
    """:func:`data_rows` as a text table with a line of totals."""
    rows = data_rows()
    lines = [f"{'PE bin':>8} {'C':>5} {'AC':>5} {'C-AC':>6} {'BRN':>6} {'SM CEvNS':>9}"]
    lines += [
        f"{r.pe_lo:3.0f}-{r.pe_hi:<4.0f} {r.coincidence:5.0f} {r.anticoincidence:5.0f} {r.excess:6.0f} "
        f"{r.brn:6.2f} {r.sm:9.2f}"
        for r in rows
    ]
    total = [sum(getattr(r, f) for r in rows) for f in ("coincidence", "anticoincidence", "excess", "brn", "sm")]
    lines.append(f"{'total':>8} {total[0]:5.0f} {total[1]:5.0f} {total[2]:6.0f} {total[3]:6.2f} {total[4]:9.2f}")
    return "\n".join(lines)


def fit(mode: str = "12-bin") -> statistics.Fit:
    """The chi^2 of the CsI 2017 data alone (:func:`cevnslib.fits.csi2017_measurement`).

    Raises ValueError for an unknown mode.
    """
    return fits.combine(fits.csi2017_measurement(experiments.get(CSI), fits.templates_for(CSI), mode))


def mean_proton_radius_fm(convention: str = "charge") -> float:
    """Mean proton rms radius (fm) of Cs-133 and I-127 in a convention of
    :meth:`cevnslib.nuclei.Nucleus.proton_radius_fm`; raises ValueError for an unknown one."""
    return float(np.mean([nuclei.nucleus(n).proton_radius_fm(convention) for n in ("Cs133", "I127")]))


def rn_grid_fm() -> np.ndarray:
    """The R_n grid (fm) of the chapter's one-parameter scans: :data:`cevnslib.fits.RN_SCAN_RANGE_FM`, 201 points."""
    return np.linspace(*fits.RN_SCAN_RANGE_FM, 201)


def dchi2_figure() -> plt.Figure:
    """Delta chi^2(R_n) of the 12-bin and 1-bin fits with eps = 0, Cadeddu et al.'s interval and the charge radii."""
    style.apply()
    grid = rn_grid_fm()
    best, plus, minus = CADEDDU2018_RN_FM
    fig, ax = plt.subplots(figsize=(style.FULL_WIDTH_IN, 4.2), constrained_layout=True)
    ax.axvspan(best - minus, best + plus, color="0.85", label=r"Cadeddu et al. 2018, 1$\sigma$")
    for mode, color, ls in (("12-bin", style.COLORS["blue"], "-"), ("1-bin", style.COLORS["vermillion"], "--")):
        values = fit(mode).chi2(None, grid)
        ax.plot(grid, values - values.min(), color=color, ls=ls, label=f"{mode} $\\chi^2$")
    ax.axhline(1.0, color="k", lw=0.8, ls=":")
    ax.axvline(
        nuclei.nucleus("Cs133").charge_radius_fm, color=style.COLORS["reddish purple"], lw=1.4, label="$R_{ch}$ of Cs"
    )
    ax.axvline(nuclei.nucleus("I127").charge_radius_fm, color="k", lw=1.4, ls="-.", label="$R_{ch}$ of I")
    ax.set(xlabel=r"$R_n$ [fm]", ylabel=r"$\Delta\chi^2$", xlim=(grid[0], grid[-1]), ylim=(0, 4))
    ax.legend(loc="upper center")
    return fig


class BestFit(NamedTuple):
    """The 12-bin fit at its best R_n: R_n (fm), chi^2_min, signal and BRN pulls (fractions), CEvNS counts per bin."""

    rn_fm: float
    chi2: float
    pull_signal: float
    pull_brn: float
    signal: np.ndarray


def best_fit() -> BestFit:
    """The 12-bin fit with eps = 0 at its best-fit R_n, with its pulls."""
    rn = fits.csi2017_rn_interval("12-bin").best
    chi2, pulls = fit("12-bin").chi2(None, np.array([rn]), return_pulls=True)
    signal = fits.templates_for(CSI).counts(rn_fm=rn)
    signal.setflags(write=False)
    return BestFit(rn, float(chi2[0]), float(pulls[0, 0]), float(pulls[0, 1]), signal)


def spectrum_figure() -> plt.Figure:
    """Measured excess per PE bin with the chi^2 errors, against the SM (R_n = R_p) and the best fit."""
    style.apply()
    data = experiments.get(CSI).data
    brn, sm, best = data.brn_expected(), fits.templates_for(CSI).counts(), best_fit()
    predictions = {"sm": sm + brn, "best": (1 + best.pull_signal) * best.signal + (1 + best.pull_brn) * brn}
    sigma = np.sqrt(data.excess + 2 * data.anticoincidence + brn)
    centres = 0.5 * (data.pe_edges[:-1] + data.pe_edges[1:])
    fig, ax = plt.subplots(figsize=(style.FULL_WIDTH_IN, 4.2), constrained_layout=True)
    ax.errorbar(centres, data.excess, yerr=sigma, fmt="ko", ms=4, capsize=2, label="COHERENT 2017: C $-$ AC")
    ax.stairs(
        predictions["sm"],
        data.pe_edges,
        color=style.COLORS["vermillion"],
        lw=1.8,
        label=f"SM, $R_n = R_p$: {predictions['sm'].sum():.1f} events",
    )
    ax.stairs(
        predictions["best"],
        data.pe_edges,
        color=style.COLORS["blue"],
        lw=1.8,
        ls="--",
        label=f"best fit, $R_n$ = {best.rn_fm:.2f} fm: {predictions['best'].sum():.1f} events",
    )
    ax.stairs(brn, data.pe_edges, color="0.5", lw=1.2, label="beam-related neutrons")
    ax.axhline(0, color="k", lw=0.5)
    ax.set(xlabel="photoelectrons [PE]", ylabel="events per 2 PE", xlim=(data.pe_edges[0], data.pe_edges[-1]))
    ax.legend()
    return fig


# --- The paper's Fig. 2 (left) --------------------------------------------------------------------------------


def draw_constant_count_line(ax, rn_grid_fm: np.ndarray, eps_grid: np.ndarray) -> None:
    """Draw on ``ax`` the line of (R_n, eps_ee^dV) where the CsI count equals that of the eps = 0 best fit.

    ``rn_grid_fm`` (n,) and ``eps_grid`` (m,) are the axes of the plane (fm, and values of
    eps_ee^dV), as in the data of :func:`cevnslib.figures.figure2_left`; black, dashed.
    """
    templates = fits.templates_for(CSI)
    total = templates.counts(NSI(ee_d=np.asarray(eps_grid)[None, :]), np.asarray(rn_grid_fm)[:, None]).sum(axis=-1)
    reference = templates.counts(rn_fm=fits.csi2017_rn_interval("12-bin").best).sum()
    ax.contour(rn_grid_fm, eps_grid, total.T, levels=[reference], colors="k", linestyles="--", linewidths=1.2)


@cache
def _scan() -> dict[str, np.ndarray]:
    """The scan data of :func:`cevnslib.figures.figure2_left` (read-only), without keeping its figure."""
    result = figures.figure2_left()
    plt.close(result.figure)
    for value in result.data.values():
        value.setflags(write=False)
    return dict(result.data)


def neutron_share(nsi: NSI | None = None) -> float:
    """Fraction of the nu_e charge Q_e of one Cs + I pair carried by the neutrons, at F_Z = F_N = 1.

    N (g_V^n + eps_ee^uV + 2 eps_ee^dV) / Q_e with Q_e = Z (g_V^p + 2 eps_ee^uV + eps_ee^dV) + N (g_V^n
    + eps_ee^uV + 2 eps_ee^dV), tree-level couplings; only eps_ee^uV and eps_ee^dV of ``nsi`` (default
    none) enter. Above 1 when the proton term has the opposite sign.
    """
    nsi = NSI() if nsi is None else nsi
    gp, gn = couplings.nucleon_couplings()
    z = nuclei.nucleus("Cs133").Z + nuclei.nucleus("I127").Z
    n = nuclei.nucleus("Cs133").N + nuclei.nucleus("I127").N
    per_proton, per_neutron = gp + 2 * nsi.ee_u + nsi.ee_d, gn + nsi.ee_u + 2 * nsi.ee_d
    return float(n * per_neutron / (z * per_proton + n * per_neutron))


def charge_zero_eps_ee_d(name: str) -> float:
    """eps_ee^dV at which the nu_e charge of nucleus ``name`` vanishes (F_Z = F_N = 1, eps_ee^uV = 0).

    Midway between the SM and the flipped point: half of :func:`cevnslib.couplings.flipped_eps_ee_d`.
    Raises ValueError (from :func:`cevnslib.nuclei.nucleus`) for an unknown nucleus.
    """
    nuc = nuclei.nucleus(name)
    return float(couplings.flipped_eps_ee_d(nuc.Z, nuc.N)) / 2


class Island(NamedTuple):
    """One island of CsI + CONUS: eps_ee^dV of its minimum, R_n set (2 parameters), R_n interval (1 parameter)."""

    name: str
    eps_ee_d: float
    two_parameter: statistics.Interval
    one_parameter: statistics.Interval
    dchi2_min: float


def islands() -> tuple[Island, ...]:
    """The islands of CsI + CONUS on the Standard-Model branch, the flipped branch and both, from the scan.

    The eps_ee^dV axis is split halfway between CONUS's two lines; on each side the smallest
    Delta chi^2 over eps_ee^dV is a profile in R_n, read at the figure's level (two parameters)
    and at Delta chi^2 = 1 (one parameter, eps profiled) with :func:`interval_on_grid`.
    """
    scan = _scan()
    rn, eps_d, d_comb = scan["rn_fm"], scan["eps_d"], scan["dchi2 COHERENT CsI + CONUS"]
    split = 0.5 * fits.setup_flipped_eps_ee_d("CONUS")
    branches = {"SM": eps_d < split, "flipped": eps_d >= split, "both": np.ones_like(eps_d, dtype=bool)}
    out = []
    for name, sel in branches.items():
        profile = d_comb[:, sel].min(axis=1)
        j = np.unravel_index(np.argmin(d_comb[:, sel]), d_comb[:, sel].shape)[1]
        out.append(
            Island(
                name,
                float(eps_d[sel][j]),
                interval_on_grid(rn, profile, float(scan["level"])),
                interval_on_grid(rn, profile, 1.0),
                float(profile.min()),
            )
        )
    return tuple(out)


# --- eps_mumu ------------------------------------------------------------------------------------------------


def universal_nsi_figure() -> plt.Figure:
    """CsI alone at 1 sigma (2 parameters) with eps_mumu = 0 (filled) and with eps_mumu^dV = eps_ee^dV (black)."""
    style.apply()
    scan = _scan()
    rn, eps_d, level = scan["rn_fm"], scan["eps_d"], float(scan["level"])
    universal = fits.scan(fit(), NSI(ee_d=eps_d[None, :], mm_d=eps_d[None, :]), rn[:, None])
    fig, ax = plt.subplots(figsize=(style.FULL_WIDTH_IN, 5.0), constrained_layout=True)
    blue = style.COLORS["sky blue"]
    ax.contourf(rn, eps_d, scan["dchi2 COHERENT CsI"].T, levels=[-1.0, level], colors=[blue], alpha=0.40)
    ax.contour(rn, eps_d, scan["dchi2 COHERENT CsI"].T, levels=[level], colors=[blue], linewidths=1.6)
    ax.contour(rn, eps_d, universal.T, levels=[level], colors=["k"], linewidths=1.6)
    ax.set(xlabel=figures.RN_LABEL, ylabel=figures.EPS_D_LABEL, xlim=(rn[0], rn[-1]), ylim=(eps_d[0], eps_d[-1]))
    ax.legend(
        handles=[
            Patch(color=blue, alpha=0.40, label=r"$\varepsilon_{\mu\mu} = 0$ (paper)"),
            Line2D([], [], color="k", label=r"$\varepsilon_{\mu\mu}^{dV} = \varepsilon_{ee}^{dV}$"),
        ],
        loc="upper left",
    )
    return fig


def eps_mumu_intervals() -> dict[float, statistics.Interval]:
    """R_n interval (1 sigma, one parameter) of the 12-bin fit with eps_ee = 0 and eps_mumu^dV = -0.05, 0, +0.05."""
    chi2, grid = fit().chi2, rn_grid_fm()
    return {
        eps: statistics.interval_1d(lambda r, e=eps: chi2(NSI(mm_d=e), r), grid)
        for eps in (-EPS_MUMU_STEP, 0.0, EPS_MUMU_STEP)
    }


def eps_mumu_table() -> str:
    """:func:`eps_mumu_intervals` as a text table."""
    lines = [f"{'eps_mumu^dV':>12} {'R_n best [fm]':>14} {'1 sigma [fm]':>16}   (eps_ee = 0)"]
    lines += [
        f"{eps:12.2f} {interval.best:14.2f} {str(interval):>16}" for eps, interval in eps_mumu_intervals().items()
    ]
    return "\n".join(lines)


# --- Exercises -----------------------------------------------------------------------------------------------


class Skin(NamedTuple):
    """Neutron skin R_n - R_p (fm) of the 12-bin fit in one proton-radius convention, with its 1 sigma interval."""

    convention: str
    rp_fm: float
    rn_fm: float
    skin_fm: float
    lo_fm: float
    hi_fm: float


def skins() -> tuple[Skin, ...]:
    """The neutron skin with charge radii and with point-proton radii (R_p enters F_Z as well: refitted)."""
    out = []
    for convention in nuclei.PROTON_RADIUS_CONVENTIONS:
        exp = experiments.get(CSI, proton_radius=convention)
        measurement = fits.csi2017_measurement(exp, fits.templates_for(CSI, proton_radius=convention))
        interval = statistics.interval_1d(lambda r, f=fits.combine(measurement): f.chi2(None, r), rn_grid_fm())
        rp = mean_proton_radius_fm(convention)
        lo, hi = interval.single_piece()
        out.append(Skin(convention, rp, interval.best, interval.best - rp, lo - rp, hi - rp))
    return tuple(out)


def skin_table() -> str:
    """:func:`skins` as a text table."""
    lines = [
        f"{'R_p convention':<16}{'R_p [fm]':>9}{'R_n [fm]':>10}{'skin R_n - R_p [fm]':>22}{'1 sigma interval [fm]':>24}"
    ]
    lines += [
        f"{s.convention:<16}{s.rp_fm:>9.3f}{s.rn_fm:>10.2f}{s.skin_fm:>22.2f}{f'[{s.lo_fm:+.2f}, {s.hi_fm:+.2f}]':>24}"
        for s in skins()
    ]
    return "\n".join(lines)


class OneBin(NamedTuple):
    """The totals of the 1-bin chi^2: excess N, BRN B, variance sigma^2 = N + 2 AC + B, pull widths."""

    excess: float
    brn: float
    variance: float
    sigma_signal: float
    sigma_brn: float


def one_bin() -> OneBin:
    """Sums over the 12 bins that enter the 1-bin chi^2, with the signal and BRN pull widths."""
    csi = experiments.get(CSI)
    data = csi.data
    n, b = float(data.excess.sum()), float(data.brn_expected().sum())
    return OneBin(n, b, n + 2 * float(data.anticoincidence.sum()) + b, csi.systematic, data.brn_systematic)


class Hole(NamedTuple):
    """At one R_n (fm): the fewest CsI events over eps_ee^dV, the coupling there, and its 2-parameter Delta chi^2."""

    rn_fm: float
    fewest: float
    eps_ee_d: float
    dchi2: float


def holes() -> tuple[Hole, ...]:
    """The bottom of the count over eps_ee^dV at each of :data:`HOLE_RADII_FM`, and how far it is from the data.

    Delta chi^2 is measured from the minimum of the 12-bin chi^2 over the grid of the paper's figure.
    """
    templates, chi2 = fits.templates_for(CSI), fit().chi2
    scan = _scan()
    minimum = chi2(NSI(ee_d=scan["eps_d"][None, :]), scan["rn_fm"][:, None]).min()
    eps_scan = np.linspace(*EPS_SCAN)
    out = []
    for r in HOLE_RADII_FM:
        n_eps = templates.counts(NSI(ee_d=eps_scan), r).sum(axis=-1)
        k = int(np.argmin(n_eps))
        out.append(Hole(r, float(n_eps[k]), float(eps_scan[k]), float(chi2(NSI(ee_d=eps_scan[k]), r)) - minimum))
    return tuple(out)


def charge_zero_table() -> str:
    """Where the nu_e charge of Cs-133 and of I-127 vanishes (F = 1), with their N/Z."""
    lines = []
    for name in ("Cs133", "I127"):
        nuc = nuclei.nucleus(name)
        lines.append(
            f"{name}: Z = {nuc.Z}, N = {nuc.N}, N/Z = {nuc.N / nuc.Z:.3f}, "
            f"Q_e = 0 at eps_ee^dV = {charge_zero_eps_ee_d(name):.4f}"
        )
    return "\n".join(lines)


def hole_table() -> str:
    """:func:`holes` as a text table, with the BRN added and the observed excess."""
    brn, excess = one_bin().brn, one_bin().excess
    lines = [
        f"{'R_n [fm]':>9}{'fewest events':>15}{'at eps_ee^dV':>14}{'+ BRN':>8}{'excess':>8}{'Delta chi2 there':>18}"
    ]
    lines += [
        f"{h.rn_fm:>9.1f}{h.fewest:>15.1f}{h.eps_ee_d:>14.3f}{h.fewest + brn:>8.1f}{excess:>8.0f}{h.dchi2:>18.2f}"
        for h in holes()
    ]
    return "\n".join(lines)


# --- The chapter's numbers -----------------------------------------------------------------------------------


def numbers() -> dict[str, float | int | str | notebook.Quoted]:
    """Every number the chapter's prose quotes, keyed by its glue name."""
    csi = experiments.get(CSI)
    data, templates = csi.data, fits.templates_for(CSI)
    brn, sm = data.brn_expected(), templates.counts()
    excess_err = float(np.sqrt(data.excess.sum() + 2 * data.anticoincidence.sum() + brn.sum()))
    out = {
        "ch8-n-bins": data.excess.size,
        "ch8-pe-lo": int(round(data.pe_edges[0])),
        "ch8-pe-hi": int(round(data.pe_edges[-1])),
        "ch8-c-total": int(round(data.coincidence.sum())),
        "ch8-ac-total": int(round(data.anticoincidence.sum())),
        "ch8-excess-total": int(round(data.excess.sum())),
        "ch8-brn-total": brn.sum(),
        "ch8-sm-total": sm.sum(),
        "ch8-mass": csi.mass_kg,
        "ch8-distance": csi.source.distance_m,
        "ch8-excess-err": excess_err,
        "ch8-diff-sigma": (sm.sum() + brn.sum() - data.excess.sum()) / excess_err,
        "ch8-bin-width": data.pe_edges[1] - data.pe_edges[0],
        "ch8-t-max": data.time_edges_us[-1],
        "ch8-sig-signal": 100 * csi.systematic,
        "ch8-sig-brn": 100 * data.brn_systematic,
        "ch8-n-cs": nuclei.nucleus("Cs133").N,
        "ch8-n-i": nuclei.nucleus("I127").N,
    }
    # R_n with eps = 0
    for key, mode in (("12", "12-bin"), ("1", "1-bin")):
        interval = fits.csi2017_rn_interval(mode)
        lo, hi = interval.single_piece()
        out.update(
            {
                f"ch8-rn{key}-best": interval.best,
                f"ch8-rn{key}-lo": lo,
                f"ch8-rn{key}-hi": hi,
                f"ch8-rn{key}-width": hi - lo,
            }
        )
    best, plus, minus = CADEDDU2018_RN_FM
    out.update(
        {
            "ch8-cad-best": best,
            "ch8-cad-plus": plus,
            "ch8-cad-minus": minus,
            "ch8-cad-lo": best - minus,
            "ch8-cad-hi": best + plus,
        }
    )
    fitted, r_p = best_fit(), mean_proton_radius_fm()
    h = SLOPE_STEP_FM
    slope = (templates.counts(rn_fm=fitted.rn_fm + h).sum() - templates.counts(rn_fm=fitted.rn_fm - h).sum()) / (
        2 * h * fitted.signal.sum()
    )
    rel_stat = excess_err / data.excess.sum()
    rel_tot = np.hypot(rel_stat, csi.systematic)
    out.update(
        {
            "ch8-rch-cs": nuclei.nucleus("Cs133").charge_radius_fm,
            "ch8-rch-i": nuclei.nucleus("I127").charge_radius_fm,
            "ch8-skin": fitted.rn_fm - r_p,
            "ch8-dchi2-noskin": fit().chi2(None, np.array([r_p]))[0] - fitted.chi2,
            "ch8-chi2-min": fitted.chi2,
            "ch8-dof": data.excess.size - 1,
            "ch8-pull-signal": 100 * fitted.pull_signal,
            "ch8-slope": slope,
            "ch8-rel-stat": 100 * rel_stat,
            "ch8-rel-tot": 100 * rel_tot,
            "ch8-est-halfwidth": rel_tot / abs(slope),
        }
    )
    # what the fit sees
    pred_best = (1 + fitted.pull_signal) * fitted.signal + (1 + fitted.pull_brn) * brn
    out.update(
        {
            "ch8-pred-sm": (sm + brn).sum(),
            "ch8-pred-best": pred_best.sum(),
            "ch8-sbest-ratio": 100 * (fitted.signal.sum() / sm.sum() - 1),
            "ch8-ratio-first": 100 * (fitted.signal[0] / sm[0] - 1),
            "ch8-ratio-last": 100 * (fitted.signal[-1] / sm[-1] - 1),
        }
    )
    # the band
    scan = _scan()
    rn, eps_d, level = scan["rn_fm"], scan["eps_d"], float(scan["level"])
    z_csi = nuclei.nucleus("Cs133").Z + nuclei.nucleus("I127").Z
    n_csi = nuclei.nucleus("Cs133").N + nuclei.nucleus("I127").N
    flip_csi, flip_ge = fits.setup_flipped_eps_ee_d(CSI), fits.setup_flipped_eps_ee_d("CONUS")
    n_mu = counts_by_flavour(templates)["mu"]
    eps_scan = np.linspace(*EPS_SCAN)
    n_of_eps = templates.counts(NSI(ee_d=eps_scan)).sum(axis=-1)
    out.update(
        {
            "ch8-level2": level,
            "ch8-n-rn": rn.size,
            "ch8-n-eps": eps_d.size,
            "ch8-eps-zero": float(couplings.flipped_eps_ee_d(z_csi, n_csi)) / 2,
            "ch8-flip-csi": flip_csi,
            "ch8-flip-ge": flip_ge,
            "ch8-nshare-sm": 100 * neutron_share(),
            "ch8-nshare-flip": 100 * neutron_share(NSI(ee_d=flip_csi)),
            "ch8-n-mu": n_mu,
            "ch8-mu-share": 100 * n_mu / sm.sum(),
            "ch8-n-min": n_of_eps.min(),
            "ch8-eps-nmin": eps_scan[np.argmin(n_of_eps)],
        }
    )
    # the islands
    for island in islands():
        (lo2, hi2), (lo1, hi1) = island.two_parameter.single_piece(), island.one_parameter.single_piece()
        key = f"ch8-isl-{island.name}"
        out.update(
            {
                f"{key}-eps": island.eps_ee_d,
                f"{key}-lo2": lo2,
                f"{key}-hi2": hi2,
                f"{key}-best": island.one_parameter.best,
                f"{key}-lo1": lo1,
                f"{key}-hi1": hi1,
                f"{key}-min": island.dchi2_min,
            }
        )
    conus = experiments.get("CONUS")
    eps_width = interval_on_grid(eps_d, scan["dchi2 COHERENT CsI + CONUS"].min(axis=0), level).pieces[0]
    out.update(
        {
            "ch8-conus-count": fits.templates_for("CONUS").counts().sum(),
            "ch8-conus-syst": 100 * conus.systematic,
            "ch8-conus-mass": conus.mass_kg,
            "ch8-conus-thr": conus.detector.threshold,
            "ch8-conus-years": conus.live_time_days / 365.25,
            "ch8-rn-grid-lo": rn[0],
            "ch8-rn-grid-hi": rn[-1],
            "ch8-isl-eps-halfwidth": 0.5 * (eps_width[1] - eps_width[0]),
            "ch8-csi-profile-max": scan["dchi2 COHERENT CsI"].min(axis=1).max(),
        }
    )
    # eps_mumu
    for tag, interval in zip(("minus", "zero", "plus"), eps_mumu_intervals().values()):
        out[f"ch8-emm-{tag}-best"] = interval.best
    out["ch8-emm-step"] = EPS_MUMU_STEP
    # exercises
    for s in skins():
        out.update(
            {
                f"ch8-ex-skin-{s.convention}": s.skin_fm,
                f"ch8-ex-skin-{s.convention}-lo": s.lo_fm,
                f"ch8-ex-skin-{s.convention}-hi": s.hi_fm,
                f"ch8-ex-rp-{s.convention}": s.rp_fm,
            }
        )
    out["ch8-ex-rp-drop"] = np.mean(
        [
            nuclei.nucleus(n).proton_radius_fm("charge") - nuclei.nucleus(n).proton_radius_fm("point")
            for n in ("Cs133", "I127")
        ]
    )
    for name in ("Cs133", "I127"):
        out[f"ch8-ex-eps0-{name}"] = charge_zero_eps_ee_d(name)
    for hole in holes():
        tag = f"{10 * hole.rn_fm:.0f}"
        out[f"ch8-ex-hole-n-{tag}"] = hole.fewest
        out[f"ch8-ex-hole-d-{tag}"] = hole.dchi2
    return out
