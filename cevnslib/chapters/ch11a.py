"""Chapter 11.1, "The full COHERENT-2017 likelihood and its coverage" (``book/11a_likelihood.ipynb``).

The COHERENT CsI 2017 data release (Akimov et al., arXiv:1804.09459) in 12 PE x 12 arrival-time bins
with its beam-off side samples, fitted with the Poisson likelihood of
:class:`cevnslib.csi_likelihood.CsI2017Likelihood`: the time shape of the steady-state background
(:func:`background_tests`), the neutron radius from a ladder of simplified likelihoods
(:func:`rn_variants`), NSI (:func:`nsi_scans`), the coverage of Wilks' interval with pseudo-experiments
(:func:`coverage_study`) and the Feldman-Cousins interval (:func:`feldman_cousins`, Feldman & Cousins,
PRD 57 (1998) 3873). Every random number comes from a fixed seed, so the chapter's numbers are the
same on every run. :func:`numbers` returns every number the chapter quotes, keyed by its glue name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import matplotlib.pyplot as plt
import numpy as np
from scipy import stats

from .. import coverage, csi_likelihood, experiments, fits, form_factors, likelihood, statistics, style
from ..couplings import NSI
from ..coverage import Coverage, FeldmanCousins
from ..csi_likelihood import CsI2017Likelihood
from ..notebook import scientific
from ..statistics import Interval

#: Seeds of the chapter's random numbers: the independence test of the side samples, the coverage
#: of the full likelihood and of the 12-bin chi^2, and the Feldman-Cousins construction.
SEED_INDEPENDENCE, SEED_COVERAGE, SEED_COVERAGE_CHI2, SEED_FELDMAN_COUSINS = 20, 1101, 1102, 1104
#: Pseudo-tables of the independence test, toys of the two coverage studies, toys per Feldman-Cousins point.
N_INDEPENDENCE_TABLES, N_COVERAGE_TOYS, N_COVERAGE_TOYS_CHI2, N_FC_TOYS = 2000, 2000, 4000, 400
#: Likelihood variants of the R_n table: key -> (label, options of CsI2017Likelihood; None for the
#: 12-bin chi^2 of Chapter 6).
VARIANTS = {
    "chi2-12bin": ("12-bin Gaussian chi2 (Chapter 6)", None),
    "e-ac": (
        "Poisson, PE only, AC_on only, all delayed",
        dict(use_time=False, use_beam_off=False, renormalise_time=True),
    ),
    "e-all": ("  + beam-off samples", dict(use_time=False, renormalise_time=True)),
    "et-renorm": ("  + arrival time", dict(renormalise_time=True)),
    "et": ("  + delayed lost after 6 us (default)", dict()),
    "et-profile": ("default, background b_i c_j (time profile)", dict(background="time-profile")),
    "et-flat": ("default, background flat in time (wrong)", dict(background="flat-in-time")),
    "e-free": ("PE only, normalisation free", dict(use_time=False, sigma_alpha=100.0)),
    "et-free": ("PE x time, normalisation free", dict(sigma_alpha=100.0)),
}
#: The NSI scans' grid of eps_ee^dV (and eps_mumu^dV).
EPS_GRID = np.linspace(-0.3, 0.7, 61)
#: The R_n grid (fm) of the (eps_ee^dV, R_n) plane.
RN_PLANE_GRID_FM = np.linspace(2.0, 8.0, 61)

_C = style.COLORS


def _data():
    return experiments.csi_2017_data()


@cache
def variant(key: str) -> CsI2017Likelihood:
    """The likelihood of :data:`VARIANTS` called ``key`` (built once). Raises KeyError for an unknown key
    and ValueError for the 12-bin chi^2, which is not a CsI2017Likelihood."""
    options = VARIANTS[key][1]
    if options is None:
        raise ValueError(f"variant {key!r} is the 12-bin chi^2: use csi_likelihood.CsI2017Chi2()")
    return CsI2017Likelihood(**options)


@cache
def chi2_model() -> csi_likelihood.CsI2017Chi2:
    """The 12-bin chi^2 of Chapter 6, vectorised over pseudo-experiments."""
    return csi_likelihood.CsI2017Chi2()


# ------------------------------------------------------------------------------------- the data
def sample_table() -> str:
    """Counts and live times of the four samples of the release (text table)."""
    d = _data()
    lines = [f"{'sample':<8}{'counts':>8}{'live time [d]':>15}"]
    for key, days in (
        ("c_on", d.beam_on_live_days),
        ("ac_on", d.beam_on_live_days),
        ("c_off", d.beam_off_live_days),
        ("ac_off", d.beam_off_live_days),
    ):
        lines.append(f"{key:<8}{d.energy_time[key].sum():>8.0f}{days:>15.1f}")
    return "\n".join(lines)


@cache
def background_tests() -> dict:
    """Is the steady-state background flat in arrival time, and is its time shape the same in every PE bin?

    Uses the three background-only samples summed (AC_on + C_off + AC_off). Returns ``side`` (their
    PE x time table), ``side_time`` (summed over PE), ``flat_p`` (chi^2 test of a flat distribution
    in time) and ``indep_p`` (likelihood-ratio G test of independence of the PE x time table,
    calibrated with :data:`N_INDEPENDENCE_TABLES` multinomial pseudo-tables of the same total).
    """
    et = _data().energy_time
    side = et["ac_on"] + et["c_off"] + et["ac_off"]
    side_time = side.sum(axis=0)
    expected = np.outer(side.sum(axis=1), side_time) / side.sum()
    g_obs = likelihood.poisson_deviance(side, expected, axis=(0, 1))
    rng = np.random.default_rng(SEED_INDEPENDENCE)
    g_toys = []
    for table in rng.multinomial(int(side.sum()), (expected / side.sum()).ravel(), size=N_INDEPENDENCE_TABLES):
        x = table.reshape(side.shape)
        g_toys.append(likelihood.poisson_deviance(x, np.outer(x.sum(axis=1), x.sum(axis=0)) / x.sum(), axis=(0, 1)))
    return dict(
        side=side,
        side_time=side_time,
        flat_p=float(stats.chisquare(side_time).pvalue),
        indep_p=float(np.mean(np.array(g_toys) >= g_obs)),
    )


def data_figure() -> plt.Figure:
    """Left: beam-on coincidence counts in PE x arrival time. Right: the same summed over PE and the
    background-only samples scaled to the beam-on exposure, with a flat distribution of their total."""
    style.apply()
    d = _data()
    et, side_time = d.energy_time, background_tests()["side_time"]
    tau = variant("et").tau
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 3.4), constrained_layout=True)
    mesh = ax1.pcolormesh(d.time_edges_us, d.pe_edges, et["c_on"], cmap="viridis")
    fig.colorbar(mesh, ax=ax1, label="counts per cell")
    ax1.set(xlabel=r"arrival time $t$ [µs]", ylabel="PE", title=r"(a) $C_{\rm on}$")
    centres = 0.5 * (d.time_edges_us[1:] + d.time_edges_us[:-1])
    c_on = et["c_on"].sum(axis=0)
    ax2.errorbar(centres, c_on, yerr=np.sqrt(c_on), fmt="o", color=_C["black"], ms=4, label=r"$C_{\rm on}$")
    ax2.errorbar(
        centres,
        side_time / tau,
        yerr=np.sqrt(side_time) / tau,
        fmt="s",
        color=_C["orange"],
        ms=4,
        label=r"side samples$/\tau$",
    )
    ax2.axhline(side_time.sum() / tau / side_time.size, color=_C["orange"], ls=":", label="flat")
    ax2.set(xlabel=r"arrival time $t$ [µs]", ylabel="events per 0.5 µs", ylim=(0, 110), title="(b) summed over PE")
    ax2.legend(loc="upper right")
    return fig


# ------------------------------------------------------------------------------- the neutron radius
@cache
def rn_variants() -> dict[str, tuple[float, float, float, float]]:
    """(best R_n, lower, upper in fm; signal pull alpha at the best fit) for each of :data:`VARIANTS`.

    The lower end is -inf where the 1 sigma set reaches the smallest radius of the templates.
    Raises ValueError if a set splits into pieces.
    """
    out = {}
    for key, (_, options) in VARIANTS.items():
        if options is None:
            rn_set = fits.csi2017_rn_interval()
            alpha = float(chi2_model().chi2(rn_fm=rn_set.best, return_pulls=True)[1][0])
        else:
            rn_set = variant(key).fit_rn()
            alpha = float(variant(key).profile(rn_fm=rn_set.best).alpha)
        out[key] = (rn_set.best, *rn_set.single_piece(), alpha)
    return out


def rn_profile_figure() -> plt.Figure:
    """Delta(-2 ln L) against the common R_n of Cs and I (eps = 0) for the 12-bin chi^2, the Poisson
    likelihood in PE only and the full PE x time likelihood with two background models."""
    style.apply()
    rn_grid = np.linspace(*variant("et").rn_range_fm, 149)
    fig, ax = plt.subplots(figsize=(style.FULL_WIDTH_IN, 5.0), constrained_layout=True)
    values = chi2_model().chi2(rn_fm=rn_grid)
    ax.plot(rn_grid, values - values.min(), color="0.6", lw=2.5, label=r"12-bin Gaussian $\chi^2$")
    curves = {
        "e-ac": (_C["blue"], ":", r"Poisson, PE only, $AC_{\rm on}$ only"),
        "e-all": (_C["blue"], "--", "Poisson, PE only, all side samples"),
        "et": (_C["black"], "-", "PE × time, per-cell background"),
        "et-profile": (_C["orange"], "--", r"PE × time, background $b_i c_j$"),
    }
    for key, (color, linestyle, label) in curves.items():
        curve = variant(key).deviance(rn_fm=rn_grid)
        ax.plot(rn_grid, curve - curve.min(), color=color, ls=linestyle, label=label)
    ax.axhline(1.0, color="0.6", lw=0.8)
    ax.set(xlabel=r"$R_n$ [fm]", ylabel=r"$\Delta(-2\ln L)$, $\Delta\chi^2$", ylim=(0, 4), xlim=(1.6, 9.0))
    fig.legend(loc="outside lower center", ncols=2)  # below the axes: the curves reach every height
    return fig


@cache
def best_fit() -> csi_likelihood.Profile:
    """The full likelihood's nuisances at its best-fit R_n (eps = 0)."""
    return variant("et").profile(rn_fm=rn_variants()["et"][0])


def fit_components() -> dict[str, np.ndarray]:
    """Expected beam-on coincidence counts per cell (PE x time) at the best fit, by component."""
    lik, fit = variant("et"), best_fit()
    s_p, s_d = lik.signal(rn_fm=rn_variants()["et"][0])
    return {
        r"prompt $\nu_\mu$": (1 + fit.alpha) * np.multiply.outer(s_p, lik.p_prompt),
        r"delayed $\nu_e + \bar\nu_\mu$": (1 + fit.alpha) * np.multiply.outer(s_d, lik.p_delayed),
        "BRN": (1 + fit.beta) * lik.brn,
        "steady state": fit.background,
    }


def projections_figure() -> plt.Figure:
    """The best fit of the full likelihood projected onto PE and onto arrival time, stacked by component,
    with the beam-on coincidence counts."""
    style.apply()
    d, parts = _data(), fit_components()
    colors = [_C["blue"], _C["sky blue"], _C["bluish green"], _C["orange"]]
    fig, axes = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 4.2), constrained_layout=True)
    for ax, axis, edges, label in (
        (axes[0], 1, d.pe_edges, "PE"),
        (axes[1], 0, d.time_edges_us, r"arrival time $t$ [µs]"),
    ):
        bottom = np.zeros(edges.size - 1)
        for (name, part), color in zip(reversed(list(parts.items())), colors[::-1]):
            height = part.sum(axis=axis)
            ax.stairs(bottom + height, edges, baseline=bottom, fill=True, color=color, alpha=0.8, label=name)
            bottom = bottom + height
        counts = d.energy_time["c_on"].sum(axis=axis)
        ax.errorbar(
            0.5 * (edges[1:] + edges[:-1]),
            counts,
            yerr=np.sqrt(counts),
            fmt="o",
            color=_C["black"],
            ms=4,
            label=r"$C_{\rm on}$",
        )
        ax.set(xlabel=label, ylabel="events per bin")
    handles, labels = axes[0].get_legend_handles_labels()
    order = [4, 3, 2, 1, 0]  # the data, then the stack from the top
    fig.legend([handles[i] for i in order], [labels[i] for i in order], loc="outside lower center", ncols=3)
    return fig


# --------------------------------------------------------------------------------------------- NSI
@cache
def nsi_scans() -> dict:
    """The NSI scans of the chapter.

    ``z_et``, ``chi2_map``: Delta(-2 ln L) of the full likelihood and chi^2 of the 12-bin fit on
    (R_n, eps_ee^dV) = :data:`RN_PLANE_GRID_FM` x :data:`EPS_GRID`; ``z_t``, ``z_e``: Delta(-2 ln L) on
    (eps_ee^dV, eps_mumu^dV) = :data:`EPS_GRID` x :data:`EPS_GRID` at R_n = R_p in PE x time and in PE
    only; ``profiled_t``, ``profiled_e``: R_n intervals (Delta = 1) with eps_ee^dV profiled over the
    range of :data:`EPS_GRID`; ``levels``: the 1 and 2 sigma levels for two parameters.
    """
    lik, lik_e = variant("et"), CsI2017Likelihood(use_time=False)
    eps = EPS_GRID
    out = dict(levels=[0, statistics.delta_chi2_level(sigma=1.0, dof=2), statistics.delta_chi2_level(sigma=2.0, dof=2)])
    out["z_et"] = lik.scan(NSI(ee_d=eps[None, :]), RN_PLANE_GRID_FM[:, None])
    out["chi2_map"] = chi2_model().chi2(NSI(ee_d=eps[None, :]), RN_PLANE_GRID_FM[:, None])
    out["z_t"] = lik.scan(NSI(ee_d=eps[:, None], mm_d=eps[None, :]))
    out["z_e"] = lik_e.scan(NSI(ee_d=eps[:, None], mm_d=eps[None, :]))
    eps_fine = np.linspace(eps[0], eps[-1], 101)
    rn_all = np.linspace(*lik.rn_range_fm, 75)
    for key, model in (("t", lik), ("e", lik_e)):
        out[f"profiled_{key}"] = statistics.interval_1d(
            lambda r, model=model: model.deviance(NSI(ee_d=eps_fine[None, :]), np.asarray(r)[:, None]).min(axis=1),
            rn_all,
        )
    return out


def nsi_figure() -> plt.Figure:
    """Allowed regions (1 and 2 sigma, two parameters): (a) eps_ee^dV and R_n from the full likelihood and
    the 12-bin chi^2; (b) eps_ee^dV and eps_mumu^dV at R_n = R_p in PE only and in PE x time."""
    style.apply()
    scans, eps = nsi_scans(), EPS_GRID
    levels = scans["levels"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 3.7), constrained_layout=True)
    ax1.contourf(eps, RN_PLANE_GRID_FM, scans["z_et"], levels=levels, colors=["0.45", "0.8"])
    chi2_map = scans["chi2_map"]
    ax1.contour(
        eps,
        RN_PLANE_GRID_FM,
        chi2_map - chi2_map.min(),
        levels=levels[1:],
        colors=_C["vermillion"],
        linestyles=["-", "--"],
        linewidths=1.8,
    )
    ax1.set(xlabel=r"$\varepsilon^{dV}_{ee}$", ylabel=r"$R_n$ [fm]", title="(a) PE × time and 12-bin $\\chi^2$")
    ax2.contourf(eps, eps, scans["z_e"].T, levels=levels, colors=[_C["sky blue"], "#bfe3f7"])
    ax2.contour(eps, eps, scans["z_t"].T, levels=levels[1:], colors=_C["black"], linestyles=["-", "--"], linewidths=1.8)
    ax2.plot(0, 0, "*", color=_C["black"], ms=10)
    ax2.set(xlabel=r"$\varepsilon^{dV}_{ee}$", ylabel=r"$\varepsilon^{dV}_{\mu\mu}$", title="(b) $R_n = R_p$")
    return fig


# --------------------------------------------------------------------------------------- coverage
@dataclass(frozen=True)
class CoverageStudy:
    """Pseudo-experiments at the best fit: the coverage of Delta(-2 ln L) <= 1 for the full likelihood
    (``full``) and the 12-bin chi^2 (``chi2``), the best-fit R_n (fm) and minimum of -2 ln L of every
    toy of the full likelihood, and the goodness-of-fit p-value of the data (``gof_p``)."""

    full: Coverage
    chi2: Coverage
    rn_hat_fm: np.ndarray
    deviance_min: np.ndarray
    gof_p: float


def coverage_study(client=None) -> CoverageStudy:
    """The coverage of Wilks' 1 sigma interval at the best fit, with seeded pseudo-experiments.

    Full likelihood: :data:`N_COVERAGE_TOYS` toys in batches of 400 drawn from the best fit (every
    nuisance at its fitted value, constraint centres fluctuated). 12-bin chi^2: :data:`N_COVERAGE_TOYS_CHI2`
    toys of C and AC from its own best fit, with the steady state of the full fit summed over time.

    ``client`` (a ``dask.distributed.Client`` or a scheduler address) runs the two studies at once, one
    task each on the cluster's workers (each study is one random stream, as in the book); the result
    is the same as with ``client=None`` (computed once, then cached).
    """
    if client is None:
        return _coverage_study_serial()
    return _coverage_study(client)


@cache
def _coverage_study_serial() -> CoverageStudy:
    return _coverage_study(None)


def _coverage_study(client) -> CoverageStudy:
    (full, minima, radii), chi2 = coverage.run_tasks(client, _run, (), [(_full_coverage,), (_chi2_coverage,)])
    gof_p = float(np.mean(minima >= float(best_fit().deviance)))
    return CoverageStudy(full, chi2, radii, minima, gof_p)


def _run(func):
    return func()


def _full_coverage() -> tuple[Coverage, np.ndarray, np.ndarray]:
    """The full likelihood's coverage, with every toy's minimum of -2 ln L and best-fit R_n (fm)."""
    lik, best_rn = variant("et"), rn_variants()["et"][0]
    truth = lik.truth(rn_fm=best_rn)
    minima, radii = [], []

    def t_at_truth(toys):
        rn_hat, nll_min = lik.minimise_rn(toys)
        minima.append(nll_min)
        radii.append(rn_hat)
        return lik.deviance(rn_fm=best_rn, data=toys) - nll_min

    full = coverage.coverage_of_interval(
        lambda rng, n: lik.generate(truth, rng, n),
        t_at_truth,
        N_COVERAGE_TOYS,
        level=1.0,
        seed=SEED_COVERAGE,
        batch_size=400,
    )
    return full, np.concatenate(minima), np.concatenate(radii)


def _chi2_coverage() -> Coverage:
    """The 12-bin chi^2's coverage, toys from its own best fit."""
    model, rn_c = chi2_model(), rn_variants()["chi2-12bin"][0]
    _, (alpha_c, beta_c) = model.chi2(rn_fm=rn_c, return_pulls=True)
    steady = best_fit().background.sum(axis=1)

    def t_chi2(toys):
        return model.chi2(rn_fm=rn_c, data=toys) - model.minimise_rn(toys)[1]

    return coverage.coverage_of_interval(
        lambda rng, n: model.generate(rng, n, rn_c, float(alpha_c), float(beta_c), steady),
        t_chi2,
        N_COVERAGE_TOYS_CHI2,
        seed=SEED_COVERAGE_CHI2,
    )


def coverage_table() -> str:
    """The coverage of both fits and the goodness of fit (text table)."""
    study = coverage_study()
    lines = [f"{'fit':<26}{'toys':>6}{'coverage [%]':>14}{'MC error [%]':>14}{'level for 68.27%':>18}"]
    for name, cov in (("PE x time likelihood", study.full), ("12-bin chi2", study.chi2)):
        lines.append(
            f"{name:<26}{cov.n_toys:>6d}{100 * cov.fraction:>14.1f}{100 * cov.error:>14.1f}{cov.level_for():>18.2f}"
        )
    lines.append(
        f"goodness of fit: -2 ln L_min = {float(best_fit().deviance):.1f}; toys above it: p = {study.gof_p:.2f}"
    )
    return "\n".join(lines)


@dataclass(frozen=True)
class FeldmanCousinsResult:
    """The Feldman-Cousins construction for R_n and what the chapter reads from it.

    ``construction``: the critical values on the grid and the toys' t; ``interval``: the confidence
    set with t_obs on a fine grid (``fine_rn_fm``) and the critical values interpolated;
    ``critical_error``: Monte Carlo error of each critical value; ``shifted_hulls``: the interval
    with every critical value moved down and up by its error; ``wilks_coverage``,
    ``wilks_coverage_error``: coverage of t <= 1 at every grid value.
    """

    construction: FeldmanCousins
    fine_rn_fm: np.ndarray
    observed_fine: np.ndarray
    interval: Interval
    critical_error: np.ndarray
    shifted_hulls: tuple
    wilks_coverage: np.ndarray
    wilks_coverage_error: np.ndarray


def feldman_cousins(client=None) -> FeldmanCousinsResult:
    """Feldman-Cousins interval of R_n: :data:`N_FC_TOYS` toys at each of 14 true radii (the lowest
    allowed and 2.0-8.0 fm in steps of 0.5), generated with the nuisances profiled on the data at that
    radius (the profile construction), seed :data:`SEED_FELDMAN_COUSINS`.

    ``client`` (a ``dask.distributed.Client`` or a scheduler address) spreads the 14 radii over the
    cluster's workers (:func:`cevnslib.coverage.feldman_cousins_interval`); the result is the same,
    bit for bit, as with ``client=None`` (computed once, then cached).
    """
    if client is None:
        return _feldman_cousins_serial()
    return _feldman_cousins(client)


@cache
def _feldman_cousins_serial() -> FeldmanCousinsResult:
    return _feldman_cousins(None)


def feldman_cousins_inputs() -> tuple[np.ndarray, Callable, Callable, Callable]:
    """What the Feldman-Cousins construction of R_n hands to :func:`cevnslib.coverage.feldman_cousins_interval`.

    Returns (grid, t_observed, generate, t_toys) for the full likelihood (:func:`variant` "et"): the
    14 true radii in fm, shape (14,) (the lowest the templates allow, then 2.0-8.0 fm in steps of 0.5);
    t_observed(rn_fm) = -2 ln L(R_n) of the data minus its minimum over R_n (arrays broadcast);
    generate(rn_fm, rng, n), n toys with the nuisances profiled on the data at R_n (the profile
    construction); t_toys(rn_fm, toys), each toy's -2 ln L at R_n minus its own minimum over R_n,
    shape (n,). :func:`feldman_cousins` runs the construction with them, as do
    ``benchmarks/bench_dask.py`` and the Dask test (``tests/test_dask.py``) with other numbers of toys.
    """
    lik = variant("et")
    grid = np.concatenate([[lik.rn_range_fm[0]], np.arange(2.0, 8.01, 0.5)])
    observed_min = float(lik.minimise_rn()[1])

    def t_observed(rn):
        return lik.deviance(rn_fm=rn) - observed_min

    def generate_at(rn, rng, n):
        return lik.generate(lik.truth(rn_fm=rn), rng, n)

    def t_toys(rn, toys):
        return lik.deviance(rn_fm=rn, data=toys) - lik.minimise_rn(toys)[1]

    return grid, t_observed, generate_at, t_toys


def _feldman_cousins(client) -> FeldmanCousinsResult:
    grid, t_observed, generate_at, t_toys = feldman_cousins_inputs()
    fc = coverage.feldman_cousins_interval(
        grid, t_observed, generate_at, t_toys, n_toys=N_FC_TOYS, seed=SEED_FELDMAN_COUSINS, client=client
    )
    fine = np.linspace(*variant("et").rn_range_fm, 741)
    observed_fine = t_observed(fine)
    err = fc.critical_error()
    shifted = tuple(
        FeldmanCousins(fc.grid, fc.observed, fc.critical + sign * err, fc.toy_statistics, fc.confidence)
        .refined_interval(fine, observed_fine)
        .hull
        for sign in (-1, 1)
    )
    wilks_cov, wilks_err = fc.wilks_coverage(1.0)
    return FeldmanCousinsResult(
        fc, fine, observed_fine, fc.refined_interval(fine, observed_fine), err, shifted, wilks_cov, wilks_err
    )


def feldman_cousins_table() -> str:
    """Critical value, its Monte Carlo error and the coverage of Wilks' interval at each true R_n (text)."""
    result = feldman_cousins()
    fc = result.construction
    lines = [f"{'R_n true':>8}{'t_c':>7}{'+-':>6}{'Wilks coverage [%]':>20}"]
    for r, c, e, w, we in zip(
        fc.grid, fc.critical, result.critical_error, result.wilks_coverage, result.wilks_coverage_error
    ):
        lines.append(f"{r:>8.1f}{c:>7.2f}{e:>6.2f}{100 * w:>13.0f} +- {100 * we:.0f}")
    _, lo, hi, _ = rn_variants()["et"]
    lines.append(f"Feldman-Cousins: {result.interval} fm;  Wilks: [{lo:.2f}, {hi:.2f}] fm")
    return "\n".join(lines)


def feldman_cousins_figure() -> plt.Figure:
    """(a) t at the best-fit truth in pseudo-experiments against chi^2_1; (b) coverage of Wilks' interval
    against the true R_n; (c) t of the data and the Feldman-Cousins critical values, with both intervals."""
    style.apply()
    study, result = coverage_study(), feldman_cousins()
    fc, err = result.construction, result.critical_error
    best_rn, wilks_lo, wilks_hi, _ = rn_variants()["et"]
    fc_lo, fc_hi = result.interval.single_piece()
    blue, vermillion = _C["blue"], _C["vermillion"]
    fig = plt.figure(figsize=(style.FULL_WIDTH_IN, 7.0), constrained_layout=True)
    grid = fig.add_gridspec(2, 2)
    ax1, ax2, ax3 = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])
    bins = np.linspace(0, 6, 31)
    cov = study.full
    weights = np.full(cov.n_toys, 1.0 / (cov.n_toys * (bins[1] - bins[0])))  # density of all toys
    ax1.hist(cov.statistics, bins=bins, weights=weights, color="0.7", label="toys")
    x = np.linspace(0.02, 6, 300)
    ax1.plot(x, stats.chi2.pdf(x, 1), color=_C["black"], label=r"$\chi^2_1$")
    ax1.axvline(1.0, color=vermillion, lw=1.0)
    ax1.set(
        xlabel=r"$t(R_n^{\rm true})$",
        ylabel="density",
        yscale="log",
        ylim=(1e-3, 5),
        title=rf"(a) truth $R_n$ = {best_rn:.2f} fm",
    )
    ax1.legend(loc="upper right")
    ax2.errorbar(
        fc.grid, 100 * result.wilks_coverage, yerr=100 * result.wilks_coverage_error, fmt="o", color=_C["black"], ms=4
    )
    ax2.axhline(100 * coverage.ONE_SIGMA, color=vermillion, lw=1.0)
    ax2.set(xlabel=r"true $R_n$ [fm]", ylabel=r"coverage of $t \leq 1$ [%]", ylim=(50, 100), title="(b) Wilks")
    ax3.plot(result.fine_rn_fm, result.observed_fine, color=_C["black"], label=r"$t_{\rm obs}(R_n)$")
    ax3.errorbar(fc.grid, fc.critical, yerr=err, fmt="s", color=blue, ms=4, label=r"$t_c(R_n)$, 68.27%")
    inside = result.fine_rn_fm <= fc.grid[-1]
    ax3.plot(result.fine_rn_fm[inside], np.interp(result.fine_rn_fm[inside], fc.grid, fc.critical), color=blue, lw=1.0)
    ax3.axhline(1.0, color=vermillion, lw=1.0, label="Wilks level 1")
    ax3.axvspan(fc_lo, fc_hi, color=blue, alpha=0.15, label="Feldman–Cousins")
    ax3.axvspan(wilks_lo, wilks_hi, ymin=0, ymax=0.05, color=vermillion, alpha=0.7, label="Wilks")
    ax3.set(xlabel=r"$R_n$ [fm]", ylabel=r"$t$", ylim=(0, 4), xlim=(1.6, 8.5), title="(c) the intervals")
    # below (c): its curves, points and bands leave no free corner for a legend inside the axes
    fig.legend(*ax3.get_legend_handles_labels(), loc="outside lower center", ncols=3)
    return fig


# ---------------------------------------------------------------------------------------- numbers
def _data_numbers() -> dict:
    d = _data()
    ratio = d.beam_off_live_days / d.beam_on_live_days
    tests = background_tests()
    out = {f"ch11a-n-{key}": float(d.energy_time[key].sum()) for key in ("c_on", "ac_on", "c_off", "ac_off")}
    return out | {
        "ch11a-days-on": d.beam_on_live_days,
        "ch11a-days-off": d.beam_off_live_days,
        "ch11a-ratio": ratio,
        "ch11a-tau": 1 + 2 * ratio,
        "ch11a-side-first": float(tests["side_time"][0]),
        "ch11a-side-last": float(tests["side_time"][-1]),
        "ch11a-flat-p": scientific(tests["flat_p"], 1),
        "ch11a-indep-p": tests["indep_p"],
    }


def _model_numbers() -> dict:
    lik = variant("et")
    s_prompt, s_delayed = lik.signal()
    out = {
        "ch11a-sigma-alpha": 100 * lik.sigma_alpha,
        "ch11a-sigma-beta": 100 * lik.sigma_beta,
        "ch11a-sm-prompt": float(s_prompt.sum()),
        "ch11a-sm-delayed": float(s_delayed.sum()),
        "ch11a-frac-delayed": 100 * float(lik.p_delayed.sum()),
        "ch11a-sm-window": float((lik.expected_counts() - lik.brn).sum()),
        "ch11a-sm-12bin": float(experiments.get("COHERENT-CsI-2017").predict().sum()),
        "ch11a-newton-steps": lik.profile(rn_fm=5.0).steps,
    }
    for key, (best, lo, hi, alpha) in rn_variants().items():
        for name, value in (("best", best), ("lo", lo), ("hi", hi), ("alpha", 100 * alpha)):
            if np.isfinite(value):
                out[f"ch11a-{key}-{name}"] = float(value)
        if np.isfinite(lo):
            out[f"ch11a-{key}-width"] = float(hi - lo)
    out |= {
        "ch11a-rn-min": lik.rn_range_fm[0],
        "ch11a-helm-min": float(np.sqrt(3) * form_factors.HELM_SKIN_FM),
        "ch11a-rp-cs": lik.prompt.nuclei[0].charge_radius_fm,
    }
    parts = fit_components()
    names = list(parts)
    out |= {
        "ch11a-fit-signal": float(sum(parts[k].sum() for k in names[:2])),
        "ch11a-fit-brn": float(parts["BRN"].sum()),
        "ch11a-fit-steady": float(parts["steady state"].sum()),
        "ch11a-fit-beta": 100 * float(best_fit().beta),
    }
    scans = nsi_scans()
    cell_area = (EPS_GRID[1] - EPS_GRID[0]) ** 2
    out |= {
        "ch11a-level-1s": scans["levels"][1],
        "ch11a-level-2s": scans["levels"][2],
        "ch11a-area-e": float((scans["z_e"] <= scans["levels"][1]).sum() * cell_area),
        "ch11a-area-t": float((scans["z_t"] <= scans["levels"][1]).sum() * cell_area),
    }
    for key in ("t", "e"):
        lo, hi = scans[f"profiled_{key}"].single_piece()
        out |= {f"ch11a-prof-{key}-lo": lo, f"ch11a-prof-{key}-hi": hi}
    return out | {"ch11a-eps-lo": float(EPS_GRID[0]), "ch11a-eps-hi": float(EPS_GRID[-1])}


def _toy_numbers() -> dict:
    study = coverage_study()
    out = {}
    for key, cov in (("et", study.full), ("chi2", study.chi2)):
        out |= {
            f"ch11a-cov-{key}": 100 * cov.fraction,
            f"ch11a-cov-{key}-err": 100 * cov.error,
            f"ch11a-cov-{key}-level": cov.level_for(),
            f"ch11a-cov-{key}-n": cov.n_toys,
            f"ch11a-cov-{key}-pull": (cov.fraction - cov.nominal) / cov.error,
        }
    out |= {
        "ch11a-nominal": 100 * study.full.nominal,
        "ch11a-gof-p": study.gof_p,
        "ch11a-boundary-frac": 100 * float(np.mean(np.isclose(study.rn_hat_fm, variant("et").rn_range_fm[0]))),
    }
    result = feldman_cousins()
    fc = result.construction
    fc_lo, fc_hi = result.interval.single_piece()
    (lo_minus, hi_minus), (lo_plus, hi_plus) = result.shifted_hulls
    away = fc.grid >= 3.5  # away from the lower edge
    pooled = fc.toy_statistics[away].ravel()
    pooled_coverage = np.mean(pooled <= 1.0)
    return out | {
        "ch11a-fc-lo": fc_lo,
        "ch11a-fc-hi": fc_hi,
        "ch11a-fc-lo-mc": float(abs(lo_plus - lo_minus) / 2),
        "ch11a-fc-hi-mc": float(abs(hi_plus - hi_minus) / 2),
        "ch11a-fc-ntoys": fc.toy_statistics.shape[1],
        "ch11a-fc-npoints": fc.grid.size,
        "ch11a-fc-tc-edge": float(fc.critical[0]),
        "ch11a-fc-cov-edge": 100 * float(result.wilks_coverage[0]),
        "ch11a-fc-cov-edge-err": 100 * float(result.wilks_coverage_error[0]),
        "ch11a-fc-cov-3": 100 * float(result.wilks_coverage[np.isclose(fc.grid, 3.0)][0]),
        "ch11a-fc-3": 3.0,
        "ch11a-fc-away": float(fc.grid[away][0]),
        "ch11a-fc-cov-away": 100 * float(pooled_coverage),
        "ch11a-fc-cov-away-err": 100 * float(coverage.binomial_error(pooled_coverage, pooled.size)),
        "ch11a-fc-cov-away-n": pooled.size,
        "ch11a-fc-tc-away": float(np.quantile(pooled, coverage.ONE_SIGMA)),
        "ch11a-fc-tc-err": float(np.median(result.critical_error)),
    }


def numbers() -> dict:
    """Every number chapter 11.1 quotes, keyed by its glue name (``ch11a-...``); runs the seeded
    pseudo-experiments once (cached)."""
    return _data_numbers() | _model_numbers() | _toy_numbers()
