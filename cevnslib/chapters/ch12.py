"""Chapter 12, "The paper's question with today's data": the COHERENT CsI[Na] full data set.

The chapter asks the paper's question (Cañas et al., PRD 101 (2020) 035012) of the COHERENT CsI[Na]
full data set (COHERENT, PRL 129 (2022) 081801, arXiv:2110.07730, and its data release): the events
in PE x arrival-time bins, the detector response, the Standard-Model prediction beside the data with
the backgrounds stacked, and the fits of :mod:`cevnslib.csi_2021_fits` (the CEvNS count, the neutron
radius, NSI) beside the published numbers. :func:`numbers` returns every number the chapter quotes;
the other functions return its tables and draw its figures. Counts are expected events over the run
(3.198e23 protons on target) in the analysis region PE < 60, t < 6 us.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import csi_2021_fits, experiments, fits, nuclei, profile_fits, statistics, style
from ..arrival_time import CSI_2021_TIMING_ONSET_US, ProtonPulse, csi_2021_timing_efficiency
from ..couplings import NSI
from ..csi_2021_likelihood import NUISANCES, RESPONSE_NUISANCES, CsI2021Likelihood
from ..likelihood import poisson_deviance
from ..notebook import scientific
from ..published import csi_2021_published
from ..validation import read_only
from .ch08 import charge_zero_eps_ee_d, interval_on_grid
from .ch08 import fit as ch08_fit

CSI = "COHERENT-CsI-2021"

#: Upper edges of the analysis region, PE and us [arXiv:2110.07730, supplemental material].
ROI_PE_MAX, ROI_TIME_MAX_US = 60.0, 6.0

#: The end of the prompt window (us) of the data table [choice]: the proton pulse (0.44 us +- 0.15 us)
#: and the pion lifetime put 99.9% of the prompt neutrinos before it.
PROMPT_WINDOW_US = 1.0

#: Two neutron radii (fm) between which the chapter quotes the change of the SM count [choice:
#: about R_p of Cs and I, and 0.5 fm more].
RN_STEP_FM = (4.8, 5.3)

#: Names of the stacked components, from the bottom of a stack to its top.
COMPONENTS = ("steady state", "BRN", "NIN", "CEvNS prompt", "CEvNS delayed")

#: Colours of the components (Okabe-Ito); "CEvNS" is the fitted signal, prompt and delayed together.
_COLOURS = dict(
    zip(
        COMPONENTS,
        (
            style.COLORS["sky blue"],
            style.COLORS["orange"],
            style.COLORS["reddish purple"],
            style.COLORS["blue"],
            style.COLORS["bluish green"],
        ),
    ),
    CEvNS=style.COLORS["blue"],
)


def experiment() -> experiments.Experiment:
    """The setup COHERENT-CsI-2021 with its default bins (:func:`cevnslib.experiments.coherent_csi_2021`)."""
    return experiments.get(CSI)


def likelihood() -> CsI2021Likelihood:
    """The Poisson likelihood of the data in PE x time bins that every fit uses
    (:func:`cevnslib.csi_2021_fits.default_likelihood`).

    Its backgrounds are the chapter's: the steady state from the anti-coincidence events, BRN and NIN
    the release's projections, factorised, and normalised to the expected counts of
    :func:`cevnslib.published.csi_2021_published` in the region.
    """
    return csi_2021_fits.default_likelihood()


@cache
def _components(nsi_key, rn_fm) -> dict[str, np.ndarray]:
    exp = experiment()
    nsi = None if nsi_key is None else NSI(**dict(nsi_key))
    prompt, delayed = (t.counts(nsi, rn_fm) for t in exp.cached_time_templates)
    return {
        **dict(zip(COMPONENTS[:3], likelihood().backgrounds)),
        "CEvNS prompt": read_only(np.outer(prompt, exp.arrival_time.prompt)),
        "CEvNS delayed": read_only(np.outer(delayed, exp.arrival_time.delayed)),
    }


def components(nsi: NSI | None = None, rn_fm: float | None = None) -> dict[str, np.ndarray]:
    """Expected counts of each component of :data:`COMPONENTS` in the PE x time bins, shape (15, 13) each.

    The backgrounds of :func:`likelihood` (steady state, BRN, NIN) and the CEvNS events, prompt
    (nu_mu) and delayed (nu_e, anti-nu_mu), at the couplings ``nsi`` (default the Standard Model) and
    one neutron radius ``rn_fm`` in fm (default each nucleus' R_p). Read-only arrays. Raises
    ValueError for an R_n outside the form factor's range or NSI couplings that are arrays.
    """
    if nsi is not None and not nsi.is_scalar:
        raise ValueError("nsi must hold scalar couplings (one physics point)")
    key = None if nsi is None else tuple(sorted(dataclasses.asdict(nsi).items()))
    return _components(key, None if rn_fm is None else float(rn_fm))


def prediction(nsi: NSI | None = None, rn_fm: float | None = None) -> np.ndarray:
    """The sum of :func:`components`: expected counts in the PE x time bins, shape (15, 13).

    Raises ValueError like :func:`components`.
    """
    return sum(components(nsi, rn_fm).values())


def _windows() -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks over the time bins: prompt (t < PROMPT_WINDOW_US) and delayed."""
    upper = np.asarray(experiment().arrival_time.time_edges_us[1:])
    prompt = upper <= PROMPT_WINDOW_US + 1e-9
    return prompt, ~prompt


def data_rows() -> dict[str, tuple[float, float, float]]:
    """Counts in the prompt window, the delayed window and the whole region, by row of the data table.

    Rows: "coincidence", "anti-coincidence", the components of :data:`COMPONENTS` (Standard Model,
    R_n = R_p) and "prediction".
    """
    data = experiment().data
    rows = {"coincidence": data.binned("C"), "anti-coincidence": data.binned("AC")}
    rows |= components()
    rows["prediction"] = prediction()
    prompt, delayed = _windows()
    return {k: (float(v[:, prompt].sum()), float(v[:, delayed].sum()), float(v.sum())) for k, v in rows.items()}


def data_table() -> str:
    """:func:`data_rows` as a text table."""
    head = f"{'':18s}{'t < ' + format(PROMPT_WINDOW_US, '.0f') + ' us':>12s}{'1-6 us':>10s}{'total':>10s}"
    lines = [head]
    for name, values in data_rows().items():
        fmt = "{:10.0f}" if name in ("coincidence", "anti-coincidence") else "{:10.1f}"
        lines.append(f"{name:18s}  " + "".join(fmt.format(v) for v in values))
    return "\n".join(lines)


def response_figure() -> plt.Figure:
    """(a) P(PE | recoil) of the response, efficiency included, in 1-PE bins; (b) the arrival-time shapes.

    (a) The response matrix of the setup's detector with 1-PE bins from 0 to 60 PE, for recoils of
    1-40 keVnr, and the mean PE; (b) prompt and delayed neutrino densities with the timing efficiency,
    and the BRN and NIN time projections normalised to unit area below 6 us.
    """
    style.apply()
    detector = dataclasses.replace(experiment().detector, pe_edges=tuple(np.arange(0.0, 61.0)))
    recoil = np.linspace(1.0, 40.0, 157)
    matrix = detector.response_matrix(recoil, nuclei.nucleus("Cs133"))
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 3.4), constrained_layout=True)
    centres = 0.5 * (np.asarray(detector.pe_edges[:-1]) + np.asarray(detector.pe_edges[1:]))
    image = ax.pcolormesh(recoil, centres, matrix, cmap="Blues", shading="nearest", rasterized=True)
    ax.plot(recoil, detector.observable_of(recoil), color=style.COLORS["vermillion"], lw=1.4, label="mean PE")
    ax.set(xlabel="recoil energy $T$ [keVnr]", ylabel="PE", ylim=(0, ROI_PE_MAX), title="(a) response")
    ax.legend(loc="upper left")
    fig.colorbar(image, ax=ax, label="probability per PE")
    t = np.linspace(0.0, ROI_TIME_MAX_US, 1201)
    pulse, eff = ProtonPulse(), csi_2021_timing_efficiency(t)
    bx.plot(t, pulse.prompt_pdf(t) * eff, color=_COLOURS["CEvNS prompt"], label=r"prompt $\nu_\mu$")
    bx.plot(t, pulse.delayed_pdf(t) * eff, color=_COLOURS["CEvNS delayed"], label=r"delayed $\nu_e$, $\bar\nu_\mu$")
    neutrons = experiment().data.neutrons_time
    inside = neutrons["time_us"] < ROI_TIME_MAX_US
    width = np.diff(neutrons["time_us"]).min()
    for kind, ls in (("brn", "--"), ("nin", ":")):
        shape = neutrons[kind][inside] / (neutrons[kind][inside].sum() * width)
        bx.plot(neutrons["time_us"][inside], shape, color=_COLOURS[kind.upper()], ls=ls, lw=1.2, label=kind.upper())
    bx.set(
        xlabel=r"arrival time $t$ [$\mu$s]",
        ylabel=r"density [1/$\mu$s]",
        yscale="log",
        ylim=(1e-3, 5),
        xlim=(0, ROI_TIME_MAX_US),
        title="(b) arrival times",
    )
    bx.legend(loc="upper right")
    return fig


def _stack(ax, edges, parts: dict[str, np.ndarray], observed: np.ndarray, per: str) -> None:
    """Draw stacked components and the data with Poisson errors on ``ax``."""
    bottom = np.zeros(len(edges) - 1)
    for name, values in parts.items():
        ax.stairs(bottom + values, edges, baseline=bottom, fill=True, color=_COLOURS[name], alpha=0.85, label=name)
        bottom = bottom + values
    centres = 0.5 * (edges[:-1] + edges[1:])
    ax.errorbar(centres, observed, yerr=np.sqrt(observed), fmt="ko", ms=3.5, capsize=1.5, label="data (C)")
    ax.set(ylabel=f"events per {per}")


def projections_figure(parts: dict[str, np.ndarray] | None = None) -> plt.Figure:
    """The coincidence data projected on PE and on arrival time, with the stacked prediction and residuals.

    Counts are per bin divided by the bin width (PE bins of 4 PE; time bins of 0.125 us, then 1 us),
    so that the unequal time bins show a density. Residuals are (C - prediction) / sigma per bin of the
    projection, sigma^2 = prediction + SS (the Poisson variance of C and that of the anti-coincidence
    counts that estimate the steady state SS); bins with sigma = 0 are left out. ``parts``: the stacked
    components, name -> counts in the PE x time bins, bottom first, names from :data:`COMPONENTS` or
    "CEvNS" (default: :func:`components`, the Standard Model).
    """
    style.apply()
    exp = experiment()
    parts = components() if parts is None else parts
    observed, anti = exp.data.binned("C"), components()["steady state"]
    fig, axes = plt.subplots(
        2, 2, figsize=(style.FULL_WIDTH_IN, 5.2), sharex="col", height_ratios=(3, 1), constrained_layout=True
    )
    axis_info = (
        (1, np.asarray(exp.detector.pe_edges), "PE", "PE"),
        (0, np.asarray(exp.arrival_time.time_edges_us), r"arrival time $t$ [$\mu$s]", r"$\mu$s"),
    )
    for column, (summed_axis, edges, label, per) in enumerate(axis_info):
        width = np.diff(edges)
        projected = {name: values.sum(axis=summed_axis) / width for name, values in parts.items()}
        data = observed.sum(axis=summed_axis)
        _stack(axes[0, column], edges, projected, data / width, per)
        expected = sum(values.sum(axis=summed_axis) for values in parts.values())
        sigma = np.sqrt(expected + anti.sum(axis=summed_axis))
        keep = sigma > 0
        centres = 0.5 * (edges[:-1] + edges[1:])
        axes[1, column].plot(centres[keep], (data - expected)[keep] / sigma[keep], "ko", ms=3.5)
        axes[1, column].axhline(0.0, color="k", lw=0.6)
        axes[1, column].set(xlabel=label, ylabel="residual", xlim=(edges[0], edges[-1]), ylim=(-3.5, 3.5))
    axes[0, 0].legend(loc="upper right", fontsize=8)
    return fig


# --- The fits: cevnslib.csi_2021_fits -----------------------------------------------------------------------------


def results() -> csi_2021_fits.CsI2021Results:
    """The fits of the full data set (:func:`cevnslib.csi_2021_fits.results`, computed once and cached)."""
    return csi_2021_fits.results()


def fitted_components() -> dict[str, np.ndarray]:
    """The components at the best signal strength of fit 1: the backgrounds times their fitted
    normalisations and the fitted CEvNS counts (prompt and delayed together), PE x time bins, read-only."""
    profile = likelihood().profile(signal_strength=results().signal.strength.best)
    pulls = dict(zip(NUISANCES, profile.nuisances))
    parts = {
        name: read_only((1 + pulls[key]) * b)
        for name, key, b in zip(COMPONENTS[:3], ("steady_state", "brn", "nin"), likelihood().backgrounds)
    }
    parts["CEvNS"] = read_only(profile.signal)
    return parts


def fit_table() -> str:
    """The nuisances at the best fit of fit 1, in their own units and in units of their prior width
    (:func:`cevnslib.profile_fits.pull_table`)."""
    return profile_fits.pull_table(results().signal.strength, likelihood().priors)


def interval(grid, deviance) -> statistics.Interval:
    """The 1-sigma set (-2 Delta ln L <= 1) of a one-parameter scan: ``deviance`` (-2 ln L) on ``grid``.

    Raises ValueError (from :func:`cevnslib.chapters.ch08.interval_on_grid`) for a grid that does not increase.
    """
    deviance = np.asarray(deviance, dtype=float)
    return interval_on_grid(np.asarray(grid, dtype=float), deviance, float(deviance.min()) + 1.0)


@cache
def rn_variants() -> dict[str, float]:
    """Best common R_n (fm) with the steady state ("fixed-ss") or the flux ("fixed-flux") held at its
    nominal value, on ``cevnslib.csi_2021_fits.RN_GRID_FM``."""
    grid = np.asarray(csi_2021_fits.RN_GRID_FM)
    fixed = {"fixed-ss": ("steady_state",), "fixed-flux": ("flux",)}
    return {k: interval(grid, likelihood().deviance(rn_fm=grid, fixed=v)).best for k, v in fixed.items()}


@cache
def strength_variants() -> dict[str, float]:
    """Best signal strength with the steady state ("fixed-ss") or the three response nuisances
    ("fixed-resp") held at their nominal values, on ``cevnslib.csi_2021_fits.STRENGTH_GRID``."""
    grid = np.asarray(csi_2021_fits.STRENGTH_GRID)
    fixed = {"fixed-ss": ("steady_state",), "fixed-resp": RESPONSE_NUISANCES}
    return {k: interval(grid, likelihood().deviance(signal_strength=grid, fixed=v)).best for k, v in fixed.items()}


def rn_figure() -> plt.Figure:
    """(a) -2 Delta ln L of the common R_n (full data set) beside the 2017 Delta chi^2; (b) R_n of Cs and I.

    (b) The two-parameter 1-sigma region of :attr:`~cevnslib.csi_2021_fits.CsI2021Results.isotope_radii_map`,
    with the lines of a common R_n and of a common skin.
    """
    style.apply()
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 3.5), constrained_layout=True)
    grid = np.linspace(3.0, 8.0, 201)
    deviance = likelihood().deviance(rn_fm=grid)
    ax.plot(grid, deviance - deviance.min(), color=style.COLORS["blue"], label="full data set")
    chi2_2017 = ch08_fit("12-bin").chi2(None, grid)
    ax.plot(grid, chi2_2017 - chi2_2017.min(), color=style.COLORS["vermillion"], ls="--", label=r"2017 ($\chi^2$)")
    ax.axhline(1.0, color="k", lw=0.8, ls=":")
    ax.set(
        xlabel=r"$R_n$ [fm]",
        ylabel=r"$-2\,\Delta\ln L$, $\Delta\chi^2$",
        xlim=(3.0, 8.0),
        ylim=(0, 6),
        title="(a) one $R_n$ for Cs and I",
    )
    ax.legend(loc="upper right", fontsize=8)
    iso = results().isotope_radii_map
    level = csi_2021_fits.LEVELS_2D["1 sigma"]
    bx.contourf(iso.x, iso.y, iso.delta.T, levels=[0, level], colors=[style.COLORS["sky blue"]], alpha=0.6)
    bx.contour(iso.x, iso.y, iso.delta.T, levels=[level], colors=[style.COLORS["blue"]])
    bx.plot(iso.x, iso.x, color="k", lw=1.0, label="common $R_n$")
    cs, iodine = csi_2021_fits.proton_radii_fm()
    bx.plot(iso.x, iso.x - cs + iodine, color=style.COLORS["vermillion"], ls="--", lw=1.2, label="common skin")
    bx.set(
        xlabel=r"$R_n$ of Cs [fm]",
        ylabel=r"$R_n$ of I [fm]",
        xlim=(iso.x[0], iso.x[-1]),
        ylim=(iso.y[0], iso.y[-1]),
        title=r"(b) $R_n$ per isotope, 1$\sigma$",
    )
    bx.legend(loc="upper right", fontsize=8)
    return fig


def rn_nsi_map() -> csi_2021_fits.ProfileMap:
    """The (R_n, eps_ee^dV) map of the full data set (:func:`cevnslib.csi_2021_fits.map_rn_nsi`), default grids."""
    return results().radius_nsi_map


@cache
def maps_2017() -> tuple[np.ndarray, np.ndarray]:
    """Delta chi^2 of the 2017 data (12-bin chi^2 of Chapter 8) on the grids of the two NSI maps of
    the chapter: (eps_ee^dV, eps_mumu^dV) at R_n = R_p (:func:`results`), and (R_n, eps_ee^dV)
    (:func:`rn_nsi_map`). Read-only."""
    fit = ch08_fit("12-bin")
    nsi_map, rn_map = results().nsi_map, rn_nsi_map()
    first = fits.scan(fit, NSI(ee_d=nsi_map.x[:, None], mm_d=nsi_map.y[None, :]))
    second = fits.scan(fit, NSI(ee_d=rn_map.y[None, :]), rn_map.x[:, None])
    return read_only(first), read_only(second)


def _regions(ax, profile_map, old) -> None:
    """Filled 1-sigma region (2 parameters) of ``profile_map`` and the 2017 contour ``old`` (same grid)."""
    level = csi_2021_fits.LEVELS_2D["1 sigma"]
    x, y = profile_map.x, profile_map.y
    ax.contourf(x, y, profile_map.delta.T, levels=[0, level], colors=[style.COLORS["sky blue"]], alpha=0.6)
    ax.contour(x, y, profile_map.delta.T, levels=[level], colors=[style.COLORS["blue"]], linewidths=1.4)
    ax.contour(x, y, old.T, levels=[level], colors=[style.COLORS["vermillion"]], linewidths=1.4, linestyles="--")


def nsi_figure() -> plt.Figure:
    """1-sigma regions (2 parameters) of the full data set (filled) and of 2017 (dashed):
    (a) (eps_ee^dV, eps_mumu^dV) at R_n = R_p; (b) (R_n, eps_ee^dV) with eps_mumu = 0, the paper's Fig. 2 (left)."""
    style.apply()
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 3.6), constrained_layout=True)
    old_nsi, old_rn = maps_2017()
    _regions(ax, results().nsi_map, old_nsi)
    ax.plot(0, 0, "k*", ms=8)
    ax.set(xlabel=r"$\varepsilon_{ee}^{dV}$", ylabel=r"$\varepsilon_{\mu\mu}^{dV}$", title=r"(a) $R_n = R_p$")
    _regions(bx, rn_nsi_map(), old_rn)
    bx.set(xlabel=r"$R_n$ [fm]", ylabel=r"$\varepsilon_{ee}^{dV}$", title=r"(b) $\varepsilon_{\mu\mu} = 0$")
    handles = [
        Patch(color=style.COLORS["sky blue"], alpha=0.6, label="full data set"),
        Line2D([], [], color=style.COLORS["vermillion"], ls="--", label="2017"),
    ]
    bx.legend(handles=handles, loc="lower left", fontsize=8)
    return fig


def branch_rn_ranges_fm() -> dict[str, tuple[float, float]]:
    """R_n range (fm, grid points) of the 1-sigma region (2 parameters) of :func:`rn_nsi_map`.

    By branch: "SM" below and "flipped" above the eps_ee^dV at which the nu_e charge of Cs vanishes
    (:func:`cevnslib.chapters.ch08.charge_zero_eps_ee_d`).
    """
    rn_map = rn_nsi_map()
    inside = rn_map.region("1 sigma")
    zero = charge_zero_eps_ee_d("Cs133")
    out = {}
    for name, side in (("SM", rn_map.y < zero), ("flipped", rn_map.y >= zero)):
        rows = rn_map.x[inside[:, side].any(axis=1)]
        out[name] = (float(rows.min()), float(rows.max()))
    return out


def nsi_sm_island() -> tuple[float, float, float]:
    """(eps_ee^dV, eps_mumu^dV) of the smallest -2 ln L of the NSI map on the Standard-Model island (both
    below the coupling where the nu_e charge of Cs vanishes), and -2 Delta ln L of the Standard Model (0, 0)."""
    nsi_map = results().nsi_map
    zero = charge_zero_eps_ee_d("Cs133")
    island = np.where((nsi_map.x < zero)[:, None] & (nsi_map.y < zero)[None, :], nsi_map.delta, np.inf)
    i, j = np.unravel_index(np.argmin(island), island.shape)
    k, m = int(np.argmin(np.abs(nsi_map.x))), int(np.argmin(np.abs(nsi_map.y)))
    return float(nsi_map.x[i]), float(nsi_map.y[j]), float(nsi_map.delta[k, m])


@cache
def coherence_test() -> tuple[float, float, float]:
    """Full coherence (form factors F = 1) against the best common R_n: (-2 Delta ln L, its sqrt in sigma,
    the fitted flux pull at F = 1 as a fraction), Standard-Model couplings, nuisances profiled."""
    unity = CsI2021Likelihood(experiments.get(CSI, form_factor="unity")).profile()
    delta = float(unity.deviance - results().radius.deviance_min)
    return delta, float(np.sqrt(delta)), float(unity.nuisances[NUISANCES.index("flux")])


# --- Exercises ----------------------------------------------------------------------------------------------


def asimov_discovery_z(signal, background) -> float:
    """Median significance (sigma) against no signal of Poisson counts ``signal`` + ``background``, no systematics.

    Z^2 = sum over cells of 2[(s + b) ln(1 + s/b) - s]: the Poisson deviance of the Asimov data s + b
    under the background alone (:func:`cevnslib.likelihood.poisson_deviance`; Cowan, Cranmer, Gross,
    Vitells, EPJC 71 (2011) 1554, Eq. 97). Arrays of
    one shape, b > 0 wherever s > 0. Raises ValueError for negative counts or a signal where b = 0.
    """
    s, b = np.asarray(signal, dtype=float), np.asarray(background, dtype=float)
    if s.shape != b.shape or np.any(s < 0) or np.any(b < 0) or np.any((b == 0) & (s > 0)):
        raise ValueError(
            "signal and background must be arrays of one shape, >= 0, with background > 0 wherever signal > 0"
        )
    return float(np.sqrt(poisson_deviance(s + b, b, axis=None).sum()))


def counting_significances() -> dict[str, float]:
    """Expected significance (sigma) of the Standard-Model CEvNS events against none, no systematics
    (:func:`asimov_discovery_z`), if the data were counted in: "whole region" (one bin), "prompt window"
    (t < :data:`PROMPT_WINDOW_US`, one bin), "PE bins" (the PE projection), "PE x time" (every cell)."""
    parts = components()
    signal = parts["CEvNS prompt"] + parts["CEvNS delayed"]
    background = sum(parts[k] for k in COMPONENTS[:3])
    prompt, _ = _windows()
    return {
        "whole region": asimov_discovery_z(signal.sum(keepdims=True), background.sum(keepdims=True)),
        "prompt window": asimov_discovery_z(
            signal[:, prompt].sum(keepdims=True), background[:, prompt].sum(keepdims=True)
        ),
        "PE bins": asimov_discovery_z(signal.sum(axis=1), background.sum(axis=1)),
        "PE x time": asimov_discovery_z(signal, background),
    }


def counting_table() -> str:
    """:func:`counting_significances` and the observed significance of fit 1, as text."""
    lines = [f"{'counted in':<16}{'expected Z [sigma]':>20}"]
    lines += [f"{k:<16}{v:>20.1f}" for k, v in counting_significances().items()]
    lines.append(f"{'fit 1 (observed, with nuisances)':<36}{results().signal.significance:>.1f}")
    return "\n".join(lines)


#: Step (fm) of the central differences of :func:`isotope_valley_rows`.
VALLEY_STEP_FM = 0.05
#: Every how many points of the isotope map's grid :func:`isotope_valley_rows` reports [choice: 0.5 fm].
VALLEY_EVERY = 5


@cache
def isotope_valley_rows() -> tuple[tuple[float, float, float, float, float], ...]:
    """Along the valley of the (R_n^Cs, R_n^I) map: (R_n^Cs, R_n^I of the valley, SM CEvNS count there,
    slope dR_n^I/dR_n^Cs of the line of constant count, slope of the valley), radii in fm.

    The valley is the R_n^I that minimises the map at each R_n^Cs whose minimum lies in the 1 sigma region,
    every :data:`VALLEY_EVERY` grid points; its slope is numpy's gradient of those points. The count-line
    slope is -(dN/dR_n^Cs)/(dN/dR_n^I) by central differences of step :data:`VALLEY_STEP_FM` on the signal
    of :func:`likelihood`.
    """
    lik, h = likelihood(), VALLEY_STEP_FM
    iso = results().isotope_radii_map
    inside = iso.profile_x() <= csi_2021_fits.LEVELS_2D["1 sigma"]
    xs = iso.x[inside][::VALLEY_EVERY]
    ys = iso.y[np.argmin(iso.delta, axis=1)][inside][::VALLEY_EVERY]

    def count(cs, iodine):
        return float(lik.signal_cells(nucleus_rn_fm=(cs, iodine)).sum())

    valley_slopes = np.gradient(ys, xs)
    return tuple(
        (
            float(x),
            float(y),
            count(x, y),
            -(count(x + h, y) - count(x - h, y)) / (count(x, y + h) - count(x, y - h)),
            float(v),
        )
        for x, y, v in zip(xs, ys, valley_slopes)
    )


def isotope_valley_table() -> str:
    """:func:`isotope_valley_rows` as text."""
    lines = [f"{'R_n^Cs':>8}{'R_n^I':>8}{'SM count':>10}{'count-line slope':>18}{'valley slope':>14}"]
    lines += [f"{x:>8.1f}{y:>8.1f}{n:>10.0f}{c:>18.2f}{v:>14.2f}" for x, y, n, c, v in isotope_valley_rows()]
    return "\n".join(lines)


def published_scientific(key: str) -> str:
    """The published value of ``key`` (:func:`cevnslib.published.csi_2021_published`) in scientific notation.

    Raises ValueError for an unknown key.
    """
    return scientific(csi_2021_published()[key].value, 3)


def _data_numbers() -> dict:
    """The numbers of the sections on the data, the response and the Standard-Model prediction."""
    published = csi_2021_published()
    rows = data_rows()
    exp = experiment()
    sm_prompt, sm_delayed = rows["CEvNS prompt"][2], rows["CEvNS delayed"][2]
    background = sum(rows[k][2] for k in ("steady state", "BRN", "NIN"))
    times = np.diff(exp.arrival_time.time_edges_us)
    return {
        "ch12-c-total": int(rows["coincidence"][2]),
        "ch12-ac-total": int(rows["anti-coincidence"][2]),
        "ch12-c-pub": int(published["coincidence_events_roi"].value),
        "ch12-ac-pub": int(published["anticoincidence_events_roi"].value),
        "ch12-excess": int(rows["coincidence"][2] - rows["anti-coincidence"][2]),
        "ch12-excess-prompt": int(rows["coincidence"][0] - rows["anti-coincidence"][0]),
        "ch12-excess-delayed": int(rows["coincidence"][1] - rows["anti-coincidence"][1]),
        "ch12-pe-max": ROI_PE_MAX,
        "ch12-t-max": ROI_TIME_MAX_US,
        "ch12-prompt-window": PROMPT_WINDOW_US,
        "ch12-mass": exp.mass_kg,
        "ch12-distance": exp.source.distance_m,
        "ch12-pot-text": published_scientific("protons_on_target"),
        "ch12-energy-gwh": published["beam_energy_gwh"].value,
        "ch12-nu-per-pot": exp.source.nu_per_proton,
        "ch12-light-yield": exp.detector.resolution.light_yield_pe_per_kevee,
        "ch12-n-pe-bins": exp.detector.n_bins,
        "ch12-n-time-bins": exp.arrival_time.n_bins,
        "ch12-n-cells": exp.detector.n_bins * exp.arrival_time.n_bins,
        "ch12-pe-bin-width": float(np.diff(exp.detector.pe_edges)[0]),
        "ch12-t-step": float(times[0]),
        "ch12-t-wide": float(times[-1]),
        "ch12-eff-onset": CSI_2021_TIMING_ONSET_US,
        "ch12-tau-mu": exp.arrival_time.pulse.muon_lifetime_us,
        "ch12-brn": rows["BRN"][2],
        "ch12-nin": rows["NIN"][2],
        "ch12-brn-pub": published["brn_expected_events"].value,
        "ch12-nin-pub": published["nin_expected_events"].value,
        "ch12-sm": sm_prompt + sm_delayed,
        "ch12-sm-prompt": sm_prompt,
        "ch12-sm-delayed": sm_delayed,
        "ch12-sm-all-times": float(exp.predict().sum()),
        "ch12-prompt-share": 100 * float(exp.arrival_time.prompt.sum()),
        "ch12-delayed-share": 100 * float(exp.arrival_time.delayed.sum()),
        "ch12-prediction": rows["prediction"][2],
        "ch12-naive-ratio": (rows["coincidence"][2] - background) / (sm_prompt + sm_delayed),
        "ch12-xs-measured": published["cross_section_measured"].value,
        "ch12-xs-measured-minus": published["cross_section_measured"].minus,
        "ch12-xs-measured-plus": published["cross_section_measured"].plus,
        "ch12-xs-sm": published["cross_section_sm"].value,
        "ch12-xs-ratio": published["cross_section_ratio_to_sm"].value,
        "ch12-xs-ratio-minus": published["cross_section_ratio_to_sm"].minus,
        "ch12-xs-ratio-plus": published["cross_section_ratio_to_sm"].plus,
        "ch12-sm-drop-rn": 100 * (1 - exp.predict(rn_fm=RN_STEP_FM[1]).sum() / exp.predict(rn_fm=RN_STEP_FM[0]).sum()),
        "ch12-rn-a": RN_STEP_FM[0],
        "ch12-rn-b": RN_STEP_FM[1],
    }


def _fit_numbers() -> dict:
    """The numbers of the three fits and of the table beside the published ones."""
    published = csi_2021_published()
    res = results()
    signal, sigmas = res.signal, dict(zip(NUISANCES, likelihood().sigmas))
    strength, count = signal.strength, signal.count
    s_lo, s_hi = strength.one_sigma.single_piece()
    n_lo, n_hi = count.one_sigma.single_piece()
    ratio = published["cross_section_ratio_to_sm"]
    ss_pull = strength.pulls["steady_state"] * sigmas["steady_state"]
    out = {
        "ch12-s-best": strength.best,
        "ch12-s-lo": s_lo,
        "ch12-s-hi": s_hi,
        "ch12-s-minus": strength.best - s_lo,
        "ch12-s-plus": s_hi - strength.best,
        "ch12-n-fit": count.best,
        "ch12-n-fit-minus": count.best - n_lo,
        "ch12-n-fit-plus": n_hi - count.best,
        "ch12-n-fit-rel": 100 * 0.5 * (n_hi - n_lo) / count.best,
        "ch12-s-rel": 100 * 0.5 * (s_hi - s_lo) / strength.best,
        "ch12-q0": signal.significance**2,
        "ch12-z0": signal.significance,
        "ch12-ss-pull": 100 * ss_pull,
        "ch12-ss-pull-events": ss_pull * components()["steady state"].sum(),
        "ch12-ss-prior": 100 * sigmas["steady_state"],
        "ch12-flux-prior": 100 * sigmas["flux"],
        "ch12-brn-prior": 100 * sigmas["brn"],
        "ch12-nin-prior": 100 * sigmas["nin"],
        "ch12-max-pull": max(abs(v) for v in strength.pulls.values()),
        "ch12-s-vs-pub": abs(strength.best - ratio.value)
        / (ratio.plus if strength.best > ratio.value else ratio.minus),
    }
    out |= {f"ch12-s-{k}": v for k, v in strength_variants().items()}
    cs, iodine = csi_2021_fits.proton_radii_fm()
    common, skin = res.radius, res.skin
    (rn_lo, rn_hi), old = common.one_sigma.single_piece(), fits.csi2017_rn_interval("12-bin").single_piece()
    out |= {
        "ch12-rn-best": common.best,
        "ch12-rn-lo": rn_lo,
        "ch12-rn-hi": rn_hi,
        "ch12-rn-width": rn_hi - rn_lo,
        "ch12-rn2017-width": old[1] - old[0],
        "ch12-sig-2017": 100 * experiments.get("COHERENT-CsI-2017").systematic,
        "ch12-skin-best": skin.best,
        "ch12-skin-lo": skin.one_sigma.single_piece()[0],
        "ch12-skin-hi": skin.one_sigma.single_piece()[1],
        "ch12-rp-cs": cs,
        "ch12-rp-i": iodine,
        "ch12-level2": csi_2021_fits.LEVELS_2D["1 sigma"],
        "ch12-level2-2sigma": statistics.delta_chi2_level(sigma=2.0, dof=2),
        "ch12-rn-flux-pull": 100 * common.pulls["flux"] * sigmas["flux"],
        "ch12-rn-ss-pull": 100 * common.pulls["steady_state"] * sigmas["steady_state"],
        "ch12-rn-dev-rp": float(likelihood().deviance(rn_fm=0.5 * (cs + iodine))) - common.deviance_min,
    }
    out |= {f"ch12-rn-{k}": v for k, v in rn_variants().items()}
    iso = res.isotope_radii_map
    for key, fit in (("cs", res.radius_cs), ("i", res.radius_i)):
        lo, hi = fit.one_sigma.hull
        out |= {f"ch12-rn-{key}-lo": lo, f"ch12-rn-{key}-hi": hi}
    out |= {"ch12-iso-gain": float(np.diagonal(iso.delta).min()), "ch12-iso-cs": iso.best[0], "ch12-iso-i": iso.best[1]}
    for name, (lo, hi) in branch_rn_ranges_fm().items():
        out[f"ch12-band-{name.lower()}-lo"], out[f"ch12-band-{name.lower()}-hi"] = lo, hi
    ee, mm, sm_dev = nsi_sm_island()
    out |= {"ch12-nsi-ee": ee, "ch12-nsi-mm": mm, "ch12-nsi-sm-dev": sm_dev}
    delta, z, flux = coherence_test()
    out |= {
        "ch12-coh-dev": delta,
        "ch12-coh-z": z,
        "ch12-coh-flux": 100 * flux,
        "ch12-coh-flux-sigma": flux / sigmas["flux"],
        "ch12-coh-pub": published["nuclear_structure_suppression_sigma"].value,
    }
    return out


def _exercise_numbers() -> dict:
    """The numbers the solutions of the exercises quote."""
    z = counting_significances()
    rows = isotope_valley_rows()
    signal = data_rows()["CEvNS prompt"], data_rows()["CEvNS delayed"]
    equal = min(rows, key=lambda r: abs(r[0] - r[1]))
    return {
        "ch12-ex-z-region": z["whole region"],
        "ch12-ex-z-prompt": z["prompt window"],
        "ch12-ex-z-pe": z["PE bins"],
        "ch12-ex-z-cells": z["PE x time"],
        "ch12-ex-prompt-share": 100 * (signal[0][0] + signal[1][0]) / (signal[0][2] + signal[1][2]),
        "ch12-ex-valley-eq-cs": equal[0],
        "ch12-ex-valley-eq-count": equal[3],
        "ch12-ex-valley-eq-map": equal[4],
        "ch12-ex-valley-lo-cs": rows[0][0],
        "ch12-ex-valley-lo-i": rows[0][1],
        "ch12-ex-valley-lo-count": rows[0][3],
        "ch12-ex-valley-lo-map": rows[0][4],
        "ch12-ex-valley-lo-n": rows[0][2],
        "ch12-ex-valley-eq-n": equal[2],
        "ch12-ex-valley-step": float(np.diff(results().isotope_radii_map.y[:2])[0]),
        "ch12-ex-valley-n-min": min(r[2] for r in rows),
        "ch12-ex-valley-n-max": max(r[2] for r in rows),
        "ch12-ex-valley-hi-cs": rows[-1][0],
        "ch12-ex-valley-hi-i": rows[-1][1],
        "ch12-ex-valley-hi-count": rows[-1][3],
    }


def numbers() -> dict:
    """Every number the chapter quotes, keyed by its glue name (``ch12-...``)."""
    return _data_numbers() | _fit_numbers() | _exercise_numbers()
