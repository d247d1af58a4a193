"""Chapter 6, *Statistics* (``book/06_statistics.ipynb``): pulls, systematics, confidence levels.

The chapter builds the chi^2 with pull terms of Cañas et al., Phys. Rev. D 101 (2020) 035012
(arXiv:1911.09831; reproduced from its ICHEP2020 proceedings), and applies it to one reactor
experiment (CONNIE), to two with a shared systematic (CONUS and CONNIE) and to the COHERENT CsI
2017 data (Akimov et al., Science 357 (2017) 1123; data release arXiv:1804.09459).

:func:`numbers` returns every number the chapter's prose quotes; the other functions return the
data of its tables and draw its figures. Everything is computed with the library's public API:
:class:`~cevnslib.statistics.Fit` minimises over the pulls, :mod:`cevnslib.fits` builds the
measurements. The brute-force cross-checks (a numerical minimiser against the closed form, the
covariance form of the chi^2 against the pulls) are in ``tests/test_chapter_ch06.py``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from scipy import stats

from .. import experiments, fits, notebook, statistics, style, validation
from ..couplings import NSI
from ..statistics import Fit, Interval

#: The physics point of the closed-form check: eps_ee^dV = 0.1 (other couplings zero) [choice].
CHECK_NSI = NSI(ee_d=0.1)
#: Neutron radius (fm) of the closed-form check, one value for Cs and I [choice].
CHECK_RN_FM = 5.0
#: CONNIE observes this many times its SM count in the one-bin example [choice].
ONEBIN_SCALE = 1.05
#: Width of the single pull of the one-bin example (fraction): CONNIE's 4% [paper].
ONEBIN_SIGMA = 0.04
#: The four setups of the book, in the order of the chapter's figure annotations.
FLOOR_SETUPS = ("COHERENT-CsI-2017", "CONNIE", "COHERENT-NaI", "CONUS")
#: Normalisation systematics (fractions) drawn in the floor figure: none, the reactors' 4% [paper],
#: the NaI 10% [choice] and the CsI 28% [COHERENT 2017].
FLOOR_SYSTEMATICS = (0.0, 0.04, 0.10, 0.28)
#: Relative shift of the reactor rates in the correlated-systematics example [choice].
CORRELATION_DELTA = 0.05
#: CONNIE observes this many times its SM rate in the pseudo-data example (the paper's +30%).
PSEUDO_DATA_SCALE = 1.3
#: Live times (days) of the Poisson-versus-Gaussian comparison: one day and one year.
POISSON_LIVE_TIMES_DAYS = (1.0, 365.25)
#: Delta chi^2 levels of the one-parameter intervals: 1 sigma and 2 sigma.
ONE_PARAMETER_LEVELS = (1.0, 4.0)
#: The confidence levels of the chapter's table: name -> keyword of delta_chi2_level.
CONFIDENCE_ROWS = {"1s": {"sigma": 1.0}, "90": {"confidence": 0.90}, "2s": {"sigma": 2.0}}
#: eps_ee^dV grid over which the CsI 12-bin chi^2 is profiled at each R_n.
PROFILE_EPS_D = (-0.3, 0.7, 1001)
#: Seeds of the exercises' random numbers.
WILKS_SEED, TOY_SEED = 1911, 2020
#: Pseudo-experiments of the toy exercise.
N_TOYS = 2000

_NSI_LABEL = r"$\varepsilon_{ee}^{dV}$"


def csi_fit(mode: str = "12-bin") -> Fit:
    """The COHERENT CsI 2017 chi^2 of Eq. (eq-ch6-csi): 28% signal and 25% BRN pulls.

    ``mode`` is ``"12-bin"`` (the 12 PE bins) or ``"1-bin"`` (their sum). Raises ValueError for an
    unknown mode.
    """
    csi = experiments.get("COHERENT-CsI-2017")
    return fits.combine(fits.csi2017_measurement(csi, fits.templates_for("COHERENT-CsI-2017"), mode))


def connie_fit(scale: float = 1.0, live_time_days: float | None = None) -> Fit:
    """CONNIE with Asimov data, ``scale`` x its SM count, its 4% systematic (3% shared flux + detector).

    ``live_time_days`` defaults to one year. Raises ValueError for a scale or live time that is not
    a finite number > 0.
    """
    overrides = {}
    if live_time_days is not None:
        overrides["live_time_days"] = validation.positive("live_time_days", live_time_days)
    exp = experiments.get("CONNIE", **overrides)
    return fits.combine(fits.asimov_measurement(exp, fits.templates_for("CONNIE", **overrides), scale))


def uncorrelated(part: tuple, total: float = fits.ReactorSystematics.total) -> tuple:
    """A (measurement, pulls) pair with one private signal pull of width ``total`` instead of its own.

    For a reactor forecast this replaces the shared ``"reactor-flux"`` pull and the detector pull by
    a single pull named ``"<measurement>-total"``: the same experiment alone, but not correlated
    with any other. Raises ValueError for a width outside (0, 1).
    """
    total = validation.number("total", total, 0.0, 1.0, low_open=True, high_open=True)
    measurement, _ = part
    name = f"{measurement.name}-total"
    return dataclasses.replace(measurement, signal_pulls=(name,), background_pulls=()), {name: total}


@dataclass(frozen=True)
class PullCheck:
    """The CsI 2017 inputs of Eq. (eq-ch6-chi2min) at one physics point, and the library's answer.

    ``signal``, ``background``, ``observed`` and ``variance`` (events per PE bin, shape (12,)) and
    ``pull_sigmas`` (signal, BRN) are what a reader needs to evaluate the closed form by hand;
    ``chi2_min`` and ``pulls`` (signal alpha, BRN beta) are :meth:`~cevnslib.statistics.Fit.chi2`.
    """

    signal: np.ndarray
    background: np.ndarray
    observed: np.ndarray
    variance: np.ndarray
    pull_sigmas: np.ndarray
    chi2_min: float
    pulls: np.ndarray


def pull_check(nsi: NSI | None = None, rn_fm: float | None = None) -> PullCheck:
    """The 12-bin CsI 2017 chi^2 minimised over its two pulls at one physics point.

    Default: the SM with R_n = R_p; the chapter's point is eps_ee^dV = 0.1, R_n = 5 fm
    (:data:`CHECK_NSI`, :data:`CHECK_RN_FM`). Raises ValueError for an R_n outside the range of
    the CsI templates.
    """
    fit = csi_fit("12-bin")
    (measurement,) = fit.measurements
    chi2, pulls = fit.chi2(nsi, rn_fm, return_pulls=True)
    return PullCheck(
        signal=measurement.templates.counts(nsi, rn_fm),
        background=measurement.background,
        observed=measurement.observed,
        variance=measurement.variance,
        pull_sigmas=np.array([fit.pull_sigmas[p] for p in fit.pulls]),
        chi2_min=float(chi2),
        pulls=np.asarray(pulls, dtype=float),
    )


def onebin_chi2(scale: float = ONEBIN_SCALE, sigma: float = ONEBIN_SIGMA) -> tuple[float, float]:
    """(library, Eq. (eq-ch6-onebin)) chi^2 of CONNIE observing ``scale`` x SM with one pull ``sigma``.

    Asimov data (sigma_i^2 = observed) for one year, at the SM. Raises ValueError for a scale that
    is not > 0 or a pull width outside (0, 1).
    """
    sigma = validation.number("sigma", sigma, 0.0, 1.0, low_open=True, high_open=True)
    part = fits.asimov_measurement(experiments.get("CONNIE"), fits.templates_for("CONNIE"), scale)
    single = uncorrelated(part, sigma)
    library = float(fits.combine(single).chi2())
    expected, observed = fits.templates_for("CONNIE").counts()[0], single[0].observed[0]
    formula = float((observed - expected) ** 2 / (observed + (sigma * expected) ** 2))
    return library, formula


def sensitivity_floor(n_events, systematic):
    """Relative 1 sigma uncertainty of a normalisation, sqrt(1/N + sigma_alpha^2) (Eq. (eq-ch6-floor)).

    ``n_events`` (expected events, > 0) and ``systematic`` (fraction) broadcast. Raises ValueError
    for events that are not > 0.
    """
    n = np.asarray(n_events, dtype=float)
    if np.any(~(n > 0)):
        raise ValueError(f"n_events = {n_events!r} must be > 0")
    return np.sqrt(1.0 / n + np.asarray(systematic, dtype=float) ** 2)


def setup_floors() -> dict[str, tuple[float, float, float]]:
    """Setup name -> (SM events, systematic, relative 1 sigma sensitivity) of the four setups."""
    rows = {}
    for name in FLOOR_SETUPS:
        n = float(fits.templates_for(name).counts().sum())
        syst = float(experiments.get(name).systematic)
        rows[name] = (n, syst, float(sensitivity_floor(n, syst)))
    return rows


def floor_figure() -> plt.Figure:
    """The systematic floor sqrt(1/N + sigma_alpha^2) against N, with the four setups as dots."""
    style.apply()
    colors = dict(
        zip(
            FLOOR_SYSTEMATICS,
            (style.COLORS["black"], style.COLORS["vermillion"], style.COLORS["bluish green"], style.COLORS["blue"]),
        )
    )
    dashes = dict(zip(FLOOR_SYSTEMATICS, ("-", "--", "-.", "-")))
    counts = np.logspace(0, 6, 400)
    fig, ax = plt.subplots(figsize=(0.85 * style.FULL_WIDTH_IN, 4.4), constrained_layout=True)
    for syst, color in colors.items():
        ax.loglog(
            counts, sensitivity_floor(counts, syst), color=color, ls=dashes[syst], label=f"{100 * syst:g}% systematic"
        )
    for name, (n, syst, sens) in setup_floors().items():
        ax.plot(n, sens, "o", color=colors[syst], ms=7)
        offset, align = ((7, -14), "left") if name == "CONUS" else ((-7, 8), "right")
        ax.annotate(name, (n, sens), textcoords="offset points", xytext=offset, ha=align, fontsize=9)
    ax.set(xlabel=r"expected events $N$", ylabel=r"relative $1\sigma$ uncertainty", ylim=(0.01, 1.2))
    ax.legend(loc="lower left")
    return fig


def correlated_chi2(scales: tuple[float, float], correlated: bool = True) -> float:
    """chi^2 at the SM of CONUS and CONNIE observing ``scales`` x their SM counts (Asimov variances).

    ``correlated``: the default 4% each with its 3% reactor-flux pull shared; otherwise one private
    4% pull each. Raises ValueError for a scale that is not > 0.
    """
    syst = fits.ReactorSystematics()
    parts = [
        fits.asimov_measurement(experiments.get(name), fits.templates_for(name), scale, systematics=syst)
        for name, scale in zip(("CONUS", "CONNIE"), scales)
    ]
    if not correlated:
        parts = [uncorrelated(p, syst.total) for p in parts]
    return float(fits.combine(*parts).chi2())


def correlation_cases(delta: float = CORRELATION_DELTA) -> dict[str, tuple[float, float]]:
    """The two cases of the correlation example: both rates up by ``delta``, or in opposite directions."""
    return {"common": (1 + delta, 1 + delta), "opposite": (1 + delta, 1 - delta)}


def correlation_table(delta: float = CORRELATION_DELTA) -> str:
    """Text table: chi^2 of the CONUS and CONNIE shifts with the shared flux pull and without."""
    lines = [f"{'CONUS, CONNIE observe':<24}{'shared flux pull':>18}{'uncorrelated pulls':>20}"]
    for scales in correlation_cases(delta).values():
        shared, independent = correlated_chi2(scales, True), correlated_chi2(scales, False)
        lines.append(f"{scales[0]:.2f} x SM, {scales[1]:.2f} x SM    {shared:>18.3f}{independent:>20.3f}")
    return "\n".join(lines)


def pseudo_data(scale: float = PSEUDO_DATA_SCALE) -> dict[str, float]:
    """CONNIE observing ``scale`` x SM: chi^2 at the SM and best-fit eps_ee^dV, library and formula.

    Keys ``chi2``, ``chi2_formula`` (Eq. (eq-ch6-onebin) with the two pulls as one 4% pull),
    ``best`` (profile of :func:`~cevnslib.statistics.interval_1d` with eps_ee^uV = 0) and
    ``best_formula`` (-(sqrt(scale) - 1) eps_flip / 2). Raises ValueError for a scale not > 0.
    """
    fit = connie_fit(scale)
    n = fits.templates_for("CONNIE").counts().sum()
    total = fits.ReactorSystematics().total
    best = statistics.interval_1d(lambda e: fit.chi2(NSI(ee_d=e)), np.linspace(-0.15, 0.1, 251)).best
    return {
        "chi2": float(fit.chi2()),
        "chi2_formula": float((scale - 1) ** 2 / (scale / n + total**2)),
        "best": float(best),
        "best_formula": float(-(np.sqrt(scale) - 1) * fits.setup_flipped_eps_ee_d("CONNIE") / 2),
    }


def _poisson_grid(days: float) -> np.ndarray:
    return np.linspace(-0.08, 0.08, 321) if days < 30 else np.linspace(-0.012, 0.012, 321)


def poisson_intervals(live_time_days: float) -> tuple[float, dict[str, tuple[float, float]]]:
    """Gaussian and Poisson 1 sigma and 2 sigma intervals in eps_ee^dV for CONNIE (SM Asimov data).

    Returns the expected events and a dict ``"<kind>-<L>"`` -> (lower, upper), for ``kind``
    ``gauss`` (chi^2) or ``pois`` (Poisson -2 ln L) and each level L of
    :data:`ONE_PARAMETER_LEVELS` written as an integer (``"gauss-1"``, ``"pois-4"``). Raises
    ValueError for a live time that is not > 0, and if an interval falls apart into several pieces.
    """
    fit = connie_fit(live_time_days=live_time_days)
    grid = _poisson_grid(live_time_days)
    statistic = {"gauss": fit.chi2, "pois": fit.poisson_deviance}
    intervals = {
        f"{kind}-{level:.0f}": statistics.interval_1d(lambda e: func(NSI(ee_d=e)), grid, level).single_piece()
        for level in ONE_PARAMETER_LEVELS
        for kind, func in statistic.items()
    }
    return float(fit.measurements[0].observed.sum()), intervals


def poisson_table() -> str:
    """Text table: Gaussian and Poisson intervals of CONNIE for one day and one year of data."""
    lines = [f"{'live time':<10}{'events':>8}  {'level':>5}  {'Gaussian interval':>22}  {'Poisson interval':>22}"]
    for days in POISSON_LIVE_TIMES_DAYS:
        events, intervals = poisson_intervals(days)
        for level in ONE_PARAMETER_LEVELS:
            (g_lo, g_hi), (p_lo, p_hi) = intervals[f"gauss-{level:.0f}"], intervals[f"pois-{level:.0f}"]
            lines.append(
                f"{days:>6.2f} d {events:>8.1f}  {level:>5.1f}  "
                f"[{g_lo:+.4f}, {g_hi:+.4f}]      [{p_lo:+.4f}, {p_hi:+.4f}]"
            )
    return "\n".join(lines)


def poisson_figure() -> plt.Figure:
    """Gaussian chi^2 and Poisson -2 ln L against eps_ee^dV for CONNIE, one day (left) and one year."""
    style.apply()
    fig, axes = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 3.6), constrained_layout=True)
    for ax, days in zip(axes, POISSON_LIVE_TIMES_DAYS):
        fit, grid = connie_fit(live_time_days=days), _poisson_grid(days)
        gauss, pois = fit.chi2(NSI(ee_d=grid)), fit.poisson_deviance(NSI(ee_d=grid))
        ax.plot(grid, gauss - gauss.min(), color=style.COLORS["blue"], label=r"Gaussian $\chi^2$")
        ax.plot(grid, pois - pois.min(), color=style.COLORS["vermillion"], ls="--", label=r"Poisson $-2\ln L$")
        for level in ONE_PARAMETER_LEVELS:
            ax.axhline(level, color="0.6", lw=0.8)
        n_events = fit.measurements[0].observed.sum()
        ax.set(
            xlabel=_NSI_LABEL,
            ylabel=r"$\Delta\chi^2$",
            ylim=(0, 10),
            title=f"{'one day' if days < 30 else 'one year'} ({n_events:.0f} events)",
        )
        ax.locator_params(axis="x", nbins=5)
        ax.legend(loc="upper center", fontsize=9)
    return fig


def confidence_levels() -> dict[str, tuple[float, float, float]]:
    """Row name (``"1s"``, ``"90"``, ``"2s"``) -> (CL in %, Delta chi^2 for 1 and for 2 parameters)."""
    rows = {}
    for tag, kw in CONFIDENCE_ROWS.items():
        cl = kw.get("confidence") or stats.chi2.cdf(kw["sigma"] ** 2, 1)
        rows[tag] = (
            float(100 * cl),
            statistics.delta_chi2_level(dof=1, **kw),
            statistics.delta_chi2_level(dof=2, **kw),
        )
    return rows


def csi_bins_table() -> str:
    """Text table of the COHERENT CsI 2017 data per 2-PE bin: C, AC, excess, BRN, sigma_i, SM."""
    data = experiments.get("COHERENT-CsI-2017").data
    brn, sm = data.brn_expected(), fits.templates_for("COHERENT-CsI-2017").counts()
    sigma = np.sqrt(csi_fit().measurements[0].variance)
    lines = [f"{'PE bin':<9}{'C':>5}{'AC':>5}{'N=C-AC':>8}{'BRN':>7}{'sigma':>8}{'SM':>8}"]
    for k in range(len(data.coincidence)):
        lo, hi = data.pe_edges[k], data.pe_edges[k + 1]
        lines.append(
            f"{lo:>3.0f}-{hi:<5.0f}{data.coincidence[k]:>5.0f}{data.anticoincidence[k]:>5.0f}"
            f"{data.excess[k]:>8.0f}{brn[k]:>7.2f}{sigma[k]:>8.2f}{sm[k]:>8.2f}"
        )
    lines.append(
        f"{'total':<9}{data.coincidence.sum():>5.0f}{data.anticoincidence.sum():>5.0f}"
        f"{data.excess.sum():>8.0f}{brn.sum():>7.2f}{np.sqrt(np.sum(sigma**2)):>8.2f}{sm.sum():>8.2f}"
    )
    return "\n".join(lines)


def csi_rn_fit(mode: str = "12-bin") -> dict[str, float]:
    """The CsI 2017 fit in one ``mode``: the SM and the 1 sigma R_n interval at eps = 0.

    Keys: ``bins``; ``chi2sm`` and ``alphasm`` (chi^2 and signal pull in % at the SM);
    ``best``, ``lo``, ``hi``, ``plus``, ``minus`` (R_n in fm, from
    :func:`~cevnslib.fits.csi2017_rn_interval`); ``chi2min``; ``pvalue`` (chi^2_min for bins - 1
    degrees of freedom; NaN for one bin). Raises ValueError for an unknown mode.
    """
    fit = csi_fit(mode)
    chi2_sm, pulls_sm = fit.chi2(return_pulls=True)
    interval = fits.csi2017_rn_interval(mode)
    lo, hi = interval.single_piece()
    chi2_best = float(fit.chi2(None, interval.best))
    n_bins = fit.n_bins
    return {
        "bins": n_bins,
        "chi2sm": float(chi2_sm),
        "alphasm": float(100 * pulls_sm[0]),
        "best": interval.best,
        "lo": lo,
        "hi": hi,
        "plus": hi - interval.best,
        "minus": interval.best - lo,
        "chi2min": chi2_best,
        "pvalue": float(stats.chi2.sf(chi2_best, n_bins - 1)) if n_bins > 1 else float("nan"),
    }


def csi_rn_table() -> str:
    """Text table of :func:`csi_rn_fit` for the 12-bin and the 1-bin chi^2."""
    lines = [
        f"{'mode':<8}{'bins':>5}{'chi2(SM)':>10}{'alpha(SM)':>11}{'R_n best':>10}"
        f"{'1 sigma interval [fm]':>24}{'chi2_min':>10}{'p-value':>9}"
    ]
    for mode in fits.CSI_MODES:
        r = csi_rn_fit(mode)
        p_text = "-" if np.isnan(r["pvalue"]) else f"{r['pvalue']:.3f}"
        interval = f"[{r['lo']:.2f}, {r['hi']:.2f}]"
        lines.append(
            f"{mode:<8}{r['bins']:>5d}{r['chi2sm']:>10.3f}{r['alphasm']:>10.1f}%{r['best']:>10.2f}"
            f"{interval:>24}{r['chi2min']:>10.3f}{p_text:>9}"
        )
    return "\n".join(lines)


def rn_grid_fm() -> np.ndarray:
    """The R_n grid (fm) of the CsI figure: :data:`~cevnslib.fits.RN_SCAN_RANGE_FM` on 201 points."""
    return np.linspace(*fits.RN_SCAN_RANGE_FM, 201)


def csi_profiled_over_eps_d(rn_fm) -> np.ndarray:
    """12-bin CsI chi^2 at each R_n (fm, 1-D array), minimised over eps_ee^dV on :data:`PROFILE_EPS_D`.

    Raises ValueError for radii outside the range of the CsI templates.
    """
    eps_d = np.linspace(*PROFILE_EPS_D)
    return csi_fit().chi2(NSI(ee_d=eps_d[None, :]), np.asarray(rn_fm, dtype=float)[:, None]).min(axis=1)


def csi_profiled_interval() -> Interval:
    """The 1 sigma R_n set of the 12-bin CsI chi^2 profiled over eps_ee^dV: open at both ends."""
    return statistics.interval_1d(csi_profiled_over_eps_d, rn_grid_fm())


def csi_rn_figure() -> plt.Figure:
    """Delta chi^2 of the CsI 2017 data against R_n: eps fixed (12-bin and 1-bin) and profiled."""
    style.apply()
    rn = rn_grid_fm()
    fig, ax = plt.subplots(figsize=(0.8 * style.FULL_WIDTH_IN, 4.0), constrained_layout=True)
    for mode, line in (("12-bin", "-"), ("1-bin", "--")):
        fixed = csi_fit(mode).chi2(None, rn)
        ax.plot(rn, fixed - fixed.min(), line, color=style.COLORS["blue"], label=rf"{mode}, $\varepsilon = 0$ fixed")
    profiled = csi_profiled_over_eps_d(rn)
    ax.plot(
        rn,
        profiled - profiled.min(),
        color=style.COLORS["vermillion"],
        lw=2.2,
        label=rf"12-bin, profiled over {_NSI_LABEL}",
    )
    ax.axhline(1.0, color="0.6", lw=0.8)
    ax.set(xlabel=r"$R_n$ [fm]", ylabel=r"$\Delta\chi^2$", ylim=(0, 4))
    ax.legend(loc="upper center")
    return fig


def crossover(systematics: fits.ReactorSystematics = fits.ReactorSystematics()) -> dict[str, float]:
    """When CONNIE's statistical error equals its systematic (exercise *When does the systematic take over?*).

    Keys: ``n_equal`` (1 / sigma_tot^2 events), ``days_equal`` (live time to collect them),
    ``sens_equal`` and ``sens_year`` (relative 1 sigma sensitivity in %, then and after a year).
    """
    connie = experiments.get("CONNIE")
    n_year = fits.templates_for("CONNIE").counts().sum()
    n_equal = 1 / systematics.total**2
    return {
        "n_equal": float(n_equal),
        "days_equal": float(n_equal / n_year * connie.live_time_days),
        "sens_equal": float(100 * sensitivity_floor(n_equal, systematics.total)),
        "sens_year": float(100 * sensitivity_floor(n_year, systematics.total)),
    }


def wilks_two_parameters(n_pairs: int = 100_000, seed: int = WILKS_SEED) -> dict[str, float]:
    """The 1 sigma level of two parameters, and seeded standard normal pairs inside circles.

    Keys: ``level`` (Delta chi^2 with the 1 sigma probability for two parameters), ``frac_level``,
    ``frac_r1`` and ``frac_x1`` (fractions of ``n_pairs`` pairs with x^2 + y^2 <= level,
    x^2 + y^2 <= 1 and abs(x) <= 1), ``pct_r1`` (1 - exp(-1/2) in %) and ``halfwidth`` (sqrt of
    the level). Raises ValueError for fewer than 1 pair.
    """
    n_pairs = validation.integer("n_pairs", n_pairs, 1)
    level = float(stats.chi2.ppf(stats.norm.cdf(1) - stats.norm.cdf(-1), df=2))
    x, y = np.random.default_rng(seed).standard_normal((2, n_pairs))
    r2 = x**2 + y**2
    return {
        "level": level,
        "frac_level": float(np.mean(r2 <= level)),
        "frac_r1": float(np.mean(r2 <= 1)),
        "frac_x1": float(np.mean(np.abs(x) <= 1)),
        "pct_r1": float(100 * (1 - np.exp(-0.5))),
        "halfwidth": float(np.sqrt(level)),
    }


#: eps_ee^dV grid of the toy exercise.
TOY_EPS_D = (-0.12, 0.12, 1201)


def toy_study(n_toys: int = N_TOYS, seed: int = TOY_SEED) -> dict[str, float]:
    """One day of CONNIE: a Poisson toy against the Asimov data, then ``n_toys`` toys through Eq. onebin.

    The first draw of the seeded generator is the single toy, fitted with
    :meth:`~cevnslib.statistics.Fit.chi2`; the next ``n_toys`` draws use Eq. (eq-ch6-onebin) with
    the two pulls as one of width sigma_tot. Keys: ``toy_count``; ``width_asimov`` and
    ``width_toy`` (1 sigma widths in eps_ee^dV); ``best_toy``; ``cov1`` and ``cov4`` (% of toys
    whose Delta chi^2 <= 1 and <= 4 interval holds the truth eps_ee^dV = 0); ``q16``, ``q50``,
    ``q84`` (quantiles of the best fits); ``width_min``, ``width_max`` (interval widths on the grid).
    Raises ValueError for fewer than 1 toy.
    """
    n_toys = validation.integer("n_toys", n_toys, 1)
    asimov_fit = connie_fit(live_time_days=1.0)
    (asimov,), pulls = asimov_fit.measurements, asimov_fit.pull_sigmas
    eps = np.linspace(*TOY_EPS_D)
    rng = np.random.default_rng(seed)
    n_true = asimov.observed.sum()
    toy_count = float(rng.poisson(n_true))
    toy = dataclasses.replace(asimov, observed=np.array([toy_count]), variance=np.array([toy_count]))
    result = {"toy_count": toy_count}
    for label, fit in (("asimov", asimov_fit), ("toy", Fit([toy], dict(pulls)))):
        interval = statistics.interval_1d(lambda e: fit.chi2(NSI(ee_d=e)), eps)
        lo, hi = interval.single_piece()
        result[f"width_{label}"], result[f"best_{label}"] = hi - lo, interval.best
    sigma_tot = np.sqrt(sum(s**2 for s in pulls.values()))
    signal = asimov.templates.counts(NSI(ee_d=eps)).sum(axis=-1)
    counts = rng.poisson(n_true, size=n_toys).astype(float)[:, None]
    chi2 = (counts - signal) ** 2 / (counts + (sigma_tot * signal) ** 2)
    dchi2 = chi2 - chi2.min(axis=1, keepdims=True)
    best = eps[chi2.argmin(axis=1)]
    truth = np.abs(eps).argmin()
    widths = np.array([np.ptp(eps[row]) for row in dchi2 <= 1.0])
    q16, q50, q84 = np.percentile(best, [16, 50, 84])
    result.update(
        cov1=float(100 * np.mean(dchi2[:, truth] <= 1.0)),
        cov4=float(100 * np.mean(dchi2[:, truth] <= 4.0)),
        q16=float(q16),
        q50=float(q50),
        q84=float(q84),
        width_min=float(widths.min()),
        width_max=float(widths.max()),
    )
    return result


def toy_summary(n_toys: int = N_TOYS, seed: int = TOY_SEED) -> str:
    """Text summary of the ``n_toys`` toys of :func:`toy_study`: coverage, spread of the best fits, widths.

    Raises ValueError for fewer than 1 toy.
    """
    t = toy_study(n_toys, seed)
    wilks = {level: 100 * stats.chi2.cdf(level, 1) for level in ONE_PARAMETER_LEVELS}
    return "\n".join(
        [
            f"truth inside the Delta chi2 <= 1 interval: {t['cov1']:.1f}% of the toys (Wilks: {wilks[1.0]:.1f}%)",
            f"truth inside the Delta chi2 <= 4 interval: {t['cov4']:.1f}% of the toys (Wilks: {wilks[4.0]:.1f}%)",
            f"best fits: median {t['q50'] + 0.0:+.4f}, 16% to 84% quantiles [{t['q16']:+.4f}, {t['q84']:+.4f}]",
            f"interval widths: from {t['width_min']:.4f} to {t['width_max']:.4f}",
        ]
    )


def numbers() -> dict[str, float | int | str | notebook.Quoted]:
    """Every number the prose of chapter 6 quotes, keyed by its glue name."""
    out: dict[str, float | int | str | notebook.Quoted] = {}
    check = pull_check(CHECK_NSI, CHECK_RN_FM)
    out["ch6-check-eps"] = CHECK_NSI.ee_d
    out["ch6-check-rn"] = CHECK_RN_FM
    out["ch6-check-closed"] = notebook.Quoted(check.chi2_min, 7)
    out["ch6-check-alpha"] = float(100 * check.pulls[0])
    out["ch6-check-beta"] = float(100 * check.pulls[1])

    library, formula = onebin_chi2()
    out["ch6-onebin-scale"], out["ch6-onebin-sigma"] = ONEBIN_SCALE, 100 * ONEBIN_SIGMA
    out["ch6-onebin-lib"], out["ch6-onebin-formula"] = notebook.Quoted(library, 8), notebook.Quoted(formula, 8)

    for name, (n, _, sens) in setup_floors().items():
        out[f"ch6-floor-{name}"], out[f"ch6-counts-{name}"] = 100 * sens, n
    out["ch6-syst-nai"] = 100 * experiments.get("COHERENT-NaI").systematic
    out["ch6-crossover-4"] = 1 / 0.04**2

    syst = fits.ReactorSystematics()
    out["ch6-corr-delta"] = 100 * CORRELATION_DELTA
    for label, scales in correlation_cases().items():
        out[f"ch6-corr-{label}-shared"] = correlated_chi2(scales, True)
        out[f"ch6-corr-{label}-uncorrelated"] = correlated_chi2(scales, False)
    out["ch6-syst-total"], out["ch6-syst-flux"] = 100 * syst.total, 100 * syst.flux
    out["ch6-syst-detector"], out["ch6-corr-rho"] = 100 * syst.detector, syst.flux**2 / syst.total**2

    out["ch6-asimov-chi2"] = float(connie_fit().chi2())
    pseudo = pseudo_data()
    out["ch6-scale"] = PSEUDO_DATA_SCALE
    out["ch6-scale-chi2"], out["ch6-scale-chi2-formula"] = pseudo["chi2"], pseudo["chi2_formula"]
    out["ch6-scale-best"], out["ch6-scale-best-formula"] = pseudo["best"], pseudo["best_formula"]

    for days in POISSON_LIVE_TIMES_DAYS:
        events, intervals = poisson_intervals(days)
        out[f"ch6-pois-events-{days:.0f}d"] = events
        if days == POISSON_LIVE_TIMES_DAYS[0]:
            for key, (lo, hi) in intervals.items():
                kind, level = key.split("-")
                out[f"ch6-pois-{kind}-lo-{level}"], out[f"ch6-pois-{kind}-hi-{level}"] = lo, hi

    for tag, (cl, one, two) in confidence_levels().items():
        out[f"ch6-level-{tag}-1"], out[f"ch6-level-{tag}-2"] = one, two
        out[f"ch6-cl-{tag}"] = notebook.Quoted(cl, 7)
    out["ch6-cl-1sigma"] = float(100 * stats.chi2.cdf(1, 1))

    data = experiments.get("COHERENT-CsI-2017").data
    variance = csi_fit().measurements[0].variance
    out["ch6-csi-c"], out["ch6-csi-ac"] = float(data.coincidence.sum()), float(data.anticoincidence.sum())
    out["ch6-csi-2ac"], out["ch6-csi-n"] = float(2 * data.anticoincidence.sum()), float(data.excess.sum())
    out["ch6-csi-brn"] = float(data.brn_expected().sum())
    out["ch6-csi-sm"] = float(fits.templates_for("COHERENT-CsI-2017").counts().sum())
    pulls = csi_fit().pull_sigmas
    out["ch6-csi-sig-alpha"], out["ch6-csi-sig-beta"] = 100 * pulls["CsI-signal"], 100 * pulls["CsI-BRN"]
    out["ch6-csi-stat"] = float(100 * np.sqrt(variance.sum()) / data.excess.sum())
    out["ch6-csi-naive"] = float(100 / np.sqrt(data.excess.sum()))
    twelve, one = csi_rn_fit("12-bin"), csi_rn_fit("1-bin")
    for key in ("chi2sm", "alphasm", "best", "lo", "hi", "plus", "minus", "chi2min", "pvalue"):
        out[f"ch6-csi12-{key}"] = twelve[key]
    out["ch6-csi12-dof"] = twelve["bins"] - 1
    for key in ("chi2sm", "best", "lo", "hi"):
        out[f"ch6-csi1-{key}"] = one[key]
    nuclei = fits.templates_for("COHERENT-CsI-2017").nuclei
    out["ch6-csi-rp-cs"], out["ch6-csi-rp-i"] = nuclei[0].charge_radius_fm, nuclei[1].charge_radius_fm
    rn = rn_grid_fm()
    out["ch6-csi-profile-max"] = float(np.ptp(csi_profiled_over_eps_d(rn)))
    out["ch6-csi-rn-min"], out["ch6-csi-rn-max"] = float(rn[0]), float(rn[-1])

    cross = crossover()
    out["ch6-ex-days-equal"] = cross["days_equal"]
    out["ch6-ex-sens-equal"], out["ch6-ex-sens-year"] = cross["sens_equal"], cross["sens_year"]
    wilks = wilks_two_parameters()
    out["ch6-ex-frac-r1"], out["ch6-ex-pct-r1"] = wilks["frac_r1"], wilks["pct_r1"]
    out["ch6-ex-halfwidth-2d"] = wilks["halfwidth"]
    toys = toy_study()
    out["ch6-ex-toy-width-asimov"], out["ch6-ex-toy-width-toy"] = toys["width_asimov"], toys["width_toy"]
    out["ch6-ex-toy-count"] = toys["toy_count"]
    for key in ("cov1", "cov4", "q16", "q84"):
        out[f"ch6-ex-{key}"] = toys[key]
    return out
