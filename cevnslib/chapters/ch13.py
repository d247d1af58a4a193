"""Chapter 13, "Two targets with today's data": the COHERENT argon data beside the CsI[Na] full data set.

The paper (Cañas et al., PRD 101 (2020) 035012) argues that targets with different neutron-to-proton
ratios constrain NSI together far better than alone, and shows it with reactor forecasts (its
Fig. 1). COHERENT has published CEvNS on argon (CENNS-10, Analysis A: PRL 126 (2021) 012002,
arXiv:2003.10630; data release arXiv:2006.12659) beside CsI (Chapter 12). The chapter rebuilds the
argon prediction from the library's recoil spectrum, validates it against the release's own
Standard-Model PDF, fits the CEvNS count, the neutron radius of argon and NSI, and combines argon with
CsI 2021 (:mod:`cevnslib.lar_2020_fits`). :func:`numbers` returns every number the chapter quotes;
the other functions return its tables and draw its figures. Counts are expected events over the run
(13.8e22 protons on target) in the release's 12 energy x 8 F90 x 10 arrival-time bins.
"""

from __future__ import annotations

from functools import cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import couplings, csi_2021_fits, experiments, figures, lar_2020_fits, profile_fits, style
from ..couplings import NSI
from ..csi_2021_fits import LEVELS_2D
from ..detectors import Detector
from ..lar_2020_likelihood import NUISANCES, LAr2020Likelihood
from ..notebook import scientific
from ..published import lar_2020_published
from ..rates import build_templates
from ..validation import read_only
from . import ch07

LAR = "COHERENT-LAr-2020"

#: The end of the prompt window (us) of the data table [choice]: the first three time bins, -0.1 to 1.4 us,
#: hold every prompt beam-related neutron of the release and 99.9% of the prompt neutrinos.
PROMPT_WINDOW_US = 1.4
#: The confidence level of the chapter's two-parameter regions [choice: that of the paper's Fig. 1].
CONFIDENCE = "90%"
#: Names of the stacked components, from the bottom of a stack to its top.
COMPONENTS = ("steady state", "BRN prompt", "BRN delayed", "CEvNS")
#: Colours of the components (Okabe-Ito).
_COLOURS = dict(
    zip(
        COMPONENTS,
        (style.COLORS["sky blue"], style.COLORS["orange"], style.COLORS["reddish purple"], style.COLORS["blue"]),
    )
)
#: Targets whose band slopes the chapter compares, with their setups' names in the prose.
SLOPE_TARGETS = {"Ar": "argon", "CsI": "CsI", "Ge": "germanium (CONUS)", "Si": "silicon (CONNIE)"}
#: The quenching parameters of the release whose +-1 sigma the exercise on the response applies
#: (:func:`cevnslib.published.lar_2020_published`, arXiv:2006.12659).
QUENCHING_PARAMETERS = ("quenching_a", "quenching_b_per_kevnr")


def quenching_shifts() -> dict[str, float]:
    """The release's 1 sigma of each of :data:`QUENCHING_PARAMETERS` (a in 1, b in 1/keVnr)."""
    published = lar_2020_published()
    return {name: published[name].plus for name in QUENCHING_PARAMETERS}


#: The flux's own normalisation uncertainty, the alternative CEvNS prior of the exercise [arXiv:2006.12659:
#: neutrinosPerProton 0.09 +- 0.009].
FLUX_ONLY_SIGMA = 0.10


def experiment() -> experiments.Experiment:
    """The setup COHERENT-LAr-2020 (:func:`cevnslib.experiments.coherent_lar_2020`)."""
    return experiments.get(LAR)


def likelihood() -> LAr2020Likelihood:
    """The Poisson likelihood of the argon data that every fit uses
    (:func:`cevnslib.lar_2020_fits.default_likelihood`)."""
    return lar_2020_fits.default_likelihood()


def results() -> lar_2020_fits.LAr2020Results:
    """The fits of the argon data, alone and with CsI 2021 (:func:`cevnslib.lar_2020_fits.results`, cached)."""
    return lar_2020_fits.results()


# --- The data and the Standard-Model prediction -------------------------------------------------------------------


def components(nsi: NSI | None = None, rn_fm: float | None = None) -> dict[str, np.ndarray]:
    """Expected counts of each component of :data:`COMPONENTS` in the 12 x 8 x 10 bins at their nominal values.

    The release's backgrounds (the steady state normalised to the predicted 3154 events) and our CEvNS
    prediction at ``nsi`` (default the Standard Model) and ``rn_fm`` (default R_p). Read-only arrays.
    Raises ValueError for an R_n outside the templates' range or NSI couplings that are arrays.
    """
    if nsi is not None and not nsi.is_scalar:
        raise ValueError("nsi must hold scalar couplings (one physics point)")
    lik = likelihood()
    return {
        "steady state": lik.backgrounds[1],
        "BRN prompt": lik.brn_cells[0],
        "BRN delayed": lik.backgrounds[0],
        "CEvNS": read_only(experiment().predict_energy_f90_time(nsi, rn_fm)),
    }


def _windows() -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks over the time bins: prompt (upper edge <= PROMPT_WINDOW_US) and delayed."""
    upper = np.asarray(experiment().arrival_time.time_edges_us[1:])
    prompt = upper <= PROMPT_WINDOW_US + 1e-9
    return prompt, ~prompt


def data_rows() -> dict[str, tuple[float, float, float]]:
    """Counts in the prompt window, the delayed window and all bins, by row of the data table.

    Rows: "observed", the components of :data:`COMPONENTS` (nominal, SM CEvNS), "CEvNS (release)" (the
    release's SM PDF) and "prediction" (the sum of the components).
    """
    parts = components()
    rows = {
        "observed": experiment().data.observed,
        **parts,
        "CEvNS (release)": experiment().data.pdf("cevns"),
        "prediction": sum(parts.values()),
    }
    prompt, delayed = _windows()
    return {k: (float(v[..., prompt].sum()), float(v[..., delayed].sum()), float(v.sum())) for k, v in rows.items()}


def data_table() -> str:
    """:func:`data_rows` as a text table."""
    lines = [f"{'':18s}{'t < ' + format(PROMPT_WINDOW_US, '.1f') + ' us':>12s}{'later':>10s}{'total':>10s}"]
    for name, values in data_rows().items():
        fmt = "{:10.0f}" if name == "observed" else "{:10.1f}"
        lines.append(f"{name:18s}  " + "".join(fmt.format(v) for v in values))
    return "\n".join(lines)


def _projections(counts: np.ndarray) -> list[np.ndarray]:
    """Energy, F90 and time projections of counts in the 3D bins."""
    return [counts.sum(axis=axes) for axes in ((1, 2), (0, 2), (0, 1))]


def _edges() -> list[np.ndarray]:
    data = experiment().data
    return [np.asarray(data.energy_edges_kevee), np.asarray(data.f90_edges), np.asarray(data.time_edges_us)]


_LABELS = (r"reconstructed energy [keVee]", r"F90", r"arrival time $t$ [$\mu$s]")


def response_figure() -> plt.Figure:
    """The pieces of the argon prediction, in three panels.

    Panel (a): the energy response, P(energy bin | recoil) in 2-keVee bins with acceptance, and the
    mean E_ee. Panel (b): the release's F90 distribution of CEvNS events in the first five energy
    bins. Panel (c): the shares of prompt and delayed neutrinos in each 0.5-us time bin.
    """
    style.apply()
    exp = experiment()
    fig, (ax, bx, cx) = plt.subplots(1, 3, figsize=(style.FULL_WIDTH_IN, 3.0), constrained_layout=True)
    fine = np.arange(0.0, 61.0, 2.0)
    detector = type(exp.detector)(tuple(fine), exp.detector.quenching, exp.detector.resolution, exp.detector.acceptance)
    recoil = np.linspace(1.0, 150.0, 150)
    matrix = detector.response_matrix(recoil) / np.diff(fine)[:, None]
    image = ax.pcolormesh(
        recoil, 0.5 * (fine[1:] + fine[:-1]), matrix, cmap="Blues", shading="nearest", rasterized=True
    )
    ax.plot(recoil, detector.observable_of(recoil), color=style.COLORS["vermillion"], lw=1.2, label=r"mean $E_{ee}$")
    ax.set(xlabel=r"recoil energy $T$ [keVnr]", ylabel="energy [keVee]", ylim=(0, 60), title="(a) energy")
    ax.legend(loc="upper left", fontsize=8)
    fig.colorbar(image, ax=ax, label="probability per keVee")
    f90 = exp.pulse_shape
    centres = 0.5 * (np.asarray(f90.f90_edges[1:]) + np.asarray(f90.f90_edges[:-1]))
    for e in range(5):
        lo, hi = exp.detector.energy_edges_kevee[e : e + 2]
        bx.plot(centres, f90.shares[e], marker="o", ms=3, lw=1.0, label=f"{lo:.0f}-{hi:.0f} keVee")
    bx.set(xlabel="F90", ylabel="share of the bin's events", title="(b) F90 (release)")
    bx.legend(fontsize=7, loc="upper left")
    times = np.asarray(exp.arrival_time.time_edges_us)
    cx.stairs(exp.arrival_time.prompt, times, color=style.COLORS["blue"], lw=1.4, label=r"prompt $\nu_\mu$")
    cx.stairs(
        exp.arrival_time.delayed,
        times,
        color=style.COLORS["bluish green"],
        lw=1.4,
        label=r"delayed $\nu_e$, $\bar\nu_\mu$",
    )
    cx.set(xlabel=r"arrival time [$\mu$s]", ylabel="share per bin", xlim=(times[0], times[-1]), title="(c) time")
    cx.legend(fontsize=7, loc="upper right")
    return fig


def validation_numbers() -> dict[str, float]:
    """Our SM prediction against the release's SM CEvNS PDF (the chapter's tolerances are in tests/test_lar_2020.py).

    Keys: ``ours`` and ``release`` (totals, events), ``ratio``; ``share-energy``, ``share-f90``,
    ``share-time`` (the largest difference of a projection bin's share of the events, in percentage
    points); ``data-sigma`` (the largest difference of a projection bin's counts over the Poisson error
    of the data in that bin).
    """
    ours, theirs = experiment().predict_energy_f90_time(), experiment().data.pdf("cevns")
    observed = experiment().data.observed
    out = {"ours": float(ours.sum()), "release": float(theirs.sum()), "ratio": float(ours.sum() / theirs.sum())}
    pulls = []
    for name, a, b, n in zip(
        ("energy", "f90", "time"), _projections(ours), _projections(theirs), _projections(observed)
    ):
        out[f"share-{name}"] = float(100 * np.abs(a / a.sum() - b / b.sum()).max())
        pulls.append(float(np.max(np.abs(a - b) / np.sqrt(n))))
    out["data-sigma"] = float(max(pulls))
    return out


def validation_figure() -> plt.Figure:
    """Our SM prediction (R_n = R_p) against the release's SM CEvNS PDF, projected on energy, F90 and time."""
    style.apply()
    ours, theirs = experiment().predict_energy_f90_time(), experiment().data.pdf("cevns")
    fig, axes = plt.subplots(1, 3, figsize=(style.FULL_WIDTH_IN, 2.8), constrained_layout=True)
    for ax, edges, a, b, label in zip(axes, _edges(), _projections(ours), _projections(theirs), _LABELS):
        ax.stairs(b, edges, color=style.COLORS["black"], lw=1.2, label="release (128)")
        ax.stairs(a, edges, color=style.COLORS["vermillion"], lw=1.4, ls="--", label=f"this book ({ours.sum():.0f})")
        ax.set(xlabel=label, ylabel="CEvNS events per bin")
    axes[0].set_xlim(0, 60)
    axes[0].legend(fontsize=8)
    return fig


# --- The fits ------------------------------------------------------------------------------------------------------


@cache
def fitted_components() -> dict[str, np.ndarray]:
    """The components at the best signal strength of fit 1 (morphs and normalisations fitted), 3D bins, read-only."""
    lik = likelihood()
    x = lik.profile(signal_strength=results().signal.strength.best)
    nuisances = np.asarray(x.nuisances)
    brn = lik.brn_cells
    brn_fitted = (1 + nuisances[3]) * np.maximum(brn[0] + np.tensordot(nuisances[4:7], brn[1:], axes=1), 0.0)
    return {
        "steady state": read_only((1 + nuisances[8]) * lik.backgrounds[1]),
        "BRN prompt": read_only(brn_fitted),
        "BRN delayed": read_only((1 + nuisances[7]) * lik.backgrounds[0]),
        "CEvNS": read_only(x.signal),
    }


def projections_figure() -> plt.Figure:
    """The data minus the fitted steady state, projected on energy, F90 and time, with the fitted BRN and CEvNS
    stacked, and residuals.

    Error bars: sqrt(n + (sigma_ss SS)^2), the data's Poisson error and the fitted steady state's
    prior width; residuals (data - fit) / sqrt(fit) per projection bin.
    """
    style.apply()
    parts = fitted_components()
    observed = experiment().data.observed
    sigma_ss = dict(zip(NUISANCES, likelihood().sigmas))["steady_state"]
    fig, axes = plt.subplots(
        2, 3, figsize=(style.FULL_WIDTH_IN, 4.6), sharex="col", height_ratios=(3, 1), constrained_layout=True
    )
    for column, (edges, label) in enumerate(zip(_edges(), _LABELS)):
        proj = {k: _projections(v)[column] for k, v in parts.items()}
        data = _projections(observed)[column]
        centres = 0.5 * (edges[1:] + edges[:-1])
        bottom = np.zeros(len(edges) - 1)
        for name in COMPONENTS[1:]:
            axes[0, column].stairs(
                bottom + proj[name], edges, baseline=bottom, fill=True, color=_COLOURS[name], alpha=0.85, label=name
            )
            bottom = bottom + proj[name]
        excess = data - proj["steady state"]
        error = np.sqrt(data + (sigma_ss * proj["steady state"]) ** 2)
        axes[0, column].errorbar(centres, excess, yerr=error, fmt="ko", ms=3.0, capsize=1.5, label="data - SS")
        axes[0, column].axhline(0.0, color="k", lw=0.5)
        axes[0, column].set(ylabel="events per bin")
        total = sum(proj.values())
        axes[1, column].plot(centres, (data - total) / np.sqrt(total), "ko", ms=3.0)
        axes[1, column].axhline(0.0, color="k", lw=0.6)
        axes[1, column].set(xlabel=label, ylabel="residual", ylim=(-3.5, 3.5), xlim=(edges[0], edges[-1]))
    axes[0, 2].legend(fontsize=7, loc="upper right")
    return fig


def fit_table() -> str:
    """The nuisances at the best fit of fit 1, in their own units and in units of their prior width
    (:func:`cevnslib.profile_fits.pull_table`)."""
    return profile_fits.pull_table(results().signal.strength, likelihood().priors, name_width=18)


def fitted_backgrounds() -> dict[str, float]:
    """Fitted events of each background at the best fit of fit 1, by component name."""
    return {k: float(v.sum()) for k, v in fitted_components().items()}


def sm_cross_section_cm2(rn_fm: float | None = None) -> float:
    """The Standard-Model CEvNS cross section of Ar40 averaged over the pion-decay-at-rest flux (cm^2).

    Every recoil counted (no threshold, acceptance or time window), the three flavours of equal
    fluence: events / (nuclei x 3 x fluence). The measured cross section is the fitted signal
    strength times it. Raises ValueError for an R_n outside the form factor's range.
    """
    exp = experiment()
    detector = Detector("keVnr", (1e-6, np.inf))
    templates = build_templates(
        exp.target, exp.source, detector, exp.mass_kg, exp.live_time_s, exp.options, rn_fm=rn_fm
    )
    nuclei_count = exp.mass_kg * float(exp.target.nuclei_per_kg.sum())
    return float(templates.counts().sum() / (nuclei_count * 3.0 * exp.source.fluence_per_cm2))


def rn_figure() -> plt.Figure:
    """(a) -2 Delta ln L of the neutron radius of argon, SM couplings; (b) the SM count against R_n relative to
    each target's count at R_p, argon (all bins) and CsI 2021 (PE x time bins)."""
    style.apply()
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 3.2), constrained_layout=True)
    grid = np.asarray(lar_2020_fits.RN_GRID_FM)
    deviance = likelihood().deviance(rn_fm=grid)
    ax.plot(grid, deviance - deviance.min(), color=style.COLORS["blue"])
    ax.axhline(1.0, color="k", lw=0.8, ls=":")
    ax.axhline(lar_2020_fits.LEVELS_1D["90%"], color="k", lw=0.8, ls="--")
    ax.axvline(proton_radius_fm(), color=style.COLORS["vermillion"], lw=1.0, label=r"$R_p$")
    ax.set(
        xlabel=r"$R_n$ of argon [fm]",
        ylabel=r"$-2\,\Delta\ln L$",
        xlim=(grid[0], grid[-1]),
        ylim=(0, 8),
        title="(a) argon's neutron radius",
    )
    ax.legend(loc="upper left", fontsize=8)
    for name, label, colour in (
        (LAR, "argon", style.COLORS["blue"]),
        ("COHERENT-CsI-2021", "CsI 2021", style.COLORS["black"]),
    ):
        exp = experiments.get(name)
        counts = exp.predict_energy_time(rn_fm=grid).sum(axis=(-2, -1))
        bx.plot(grid, counts / exp.predict_energy_time().sum(), color=colour, label=label)
    bx.set(
        xlabel=r"$R_n$ [fm]",
        ylabel=r"SM count / count at $R_p$",
        xlim=(grid[0], grid[-1]),
        title="(b) how much the count feels $R_n$",
    )
    bx.legend(fontsize=8)
    return fig


def relative_error(fit) -> float:
    """Half the width of a one-parameter fit's 1 sigma hull over its best value (a
    :class:`~cevnslib.csi_2021_fits.ParameterFit`): how well a signal strength is known."""
    lo, hi = fit.one_sigma.hull
    return 0.5 * (hi - lo) / fit.best


def proton_radius_fm() -> float:
    """R_p of Ar40 (fm) in the setup's proton-radius convention."""
    exp = experiment()
    return float(exp.target.nuclei[0].proton_radius_fm(exp.options.proton_radius))


def sm_count_change(rn_a_fm: float, rn_b_fm: float, name: str = LAR) -> float:
    """Relative change (%) of setup ``name``'s SM count from R_n = ``rn_a_fm`` to ``rn_b_fm`` (in its time bins).

    Raises ValueError for radii outside the templates' range or an unknown setup.
    """
    exp = experiments.get(name)
    a, b = (float(exp.predict_energy_time(rn_fm=r).sum()) for r in (rn_a_fm, rn_b_fm))
    return 100.0 * (b / a - 1.0)


def _regions(ax, joint, level: float) -> None:
    """CsI (solid), argon (dotted) and the combination (filled) of a joint map at ``level``."""
    maps = joint.maps
    x, y = maps["CsI"].x, maps["CsI"].y
    ax.contourf(x, y, maps["combined"].delta.T, levels=[-1.0, level], colors=[style.COLORS["vermillion"]], alpha=0.4)
    ax.contour(x, y, maps["combined"].delta.T, levels=[level], colors=[style.COLORS["vermillion"]], linewidths=1.8)
    ax.contour(x, y, maps["CsI"].delta.T, levels=[level], colors=[style.COLORS["black"]], linewidths=1.4)
    ax.contour(
        x, y, maps["argon"].delta.T, levels=[level], colors=[style.COLORS["blue"]], linewidths=2.0, linestyles=":"
    )


def nsi_figure() -> plt.Figure:
    """(eps_ee^dV, eps_mumu^dV) at 90% CL (two parameters) from CsI 2021 (solid), argon (dotted) and both (filled),
    every other coupling zero, R_n = R_p."""
    style.apply()
    fig, ax = plt.subplots(figsize=(style.FULL_WIDTH_IN * 0.62, 4.0), constrained_layout=True)
    joint = results().dm
    _regions(ax, joint, LEVELS_2D[CONFIDENCE])
    ax.plot(0, 0, "k+", ms=9)
    ax.set(xlabel=r"$\varepsilon_{ee}^{dV}$", ylabel=r"$\varepsilon_{\mu\mu}^{dV}$")
    ax.legend(
        handles=[
            Line2D([], [], color=style.COLORS["black"], lw=1.4, label="CsI 2021"),
            Line2D([], [], color=style.COLORS["blue"], ls=":", lw=2.0, label="argon"),
            Patch(color=style.COLORS["vermillion"], alpha=0.4, label="CsI + argon"),
        ],
        loc="lower right",
        fontsize=8,
    )
    return fig


def figure1() -> figures.FigureResult:
    """The paper's Fig. 1 with real data (:func:`cevnslib.figures.figure1_data` on :func:`results`' plane)."""
    return figures.figure1_data(joint=results().ud)


def band_slopes() -> dict[str, float]:
    """Slope d eps_ee^dV / d eps_ee^uV of a target's bands, -(2Z + N)/(Z + 2N) with its mean Z and N, by target."""
    out = {}
    for material in SLOPE_TARGETS:
        z, n = ch07.mean_z_n(material)
        out[material] = -(2 * z + n) / (z + 2 * n)
    return out


def n_over_z(material: str) -> float:
    """Mean N / Z of a detector material (``"Ar"``, ``"CsI"``, ...). Raises ValueError for an unknown material."""
    z, n = ch07.mean_z_n(material)
    return n / z


def interval_tables() -> str:
    """The 90% sets of every coupling of both planes, argon, CsI, combined and the shrink
    (:func:`cevnslib.lar_2020_fits.interval_table`)."""
    res = results()
    return "\n\n".join(lar_2020_fits.interval_table(joint, CONFIDENCE) for joint in (res.ud, res.dm))


def _interval(coupling: str, other: str, data: str, level: str = CONFIDENCE, plane: str = "dm"):
    joint = getattr(results(), plane)
    for row in lar_2020_fits.coupling_intervals(joint):
        if (row.coupling, row.other, row.data, row.level) == (coupling, other, data, level):
            return row
    raise ValueError(f"no set of {coupling!r} ({other}, {data}, {level}) in the {plane} plane")


# --- Exercises -----------------------------------------------------------------------------------------------------


@cache
def flux_only_fit():
    """Fit 1 with the CEvNS normalisation prior of the flux alone (10%) instead of the release's 13.3%."""
    return lar_2020_fits.fit_signal_strength(LAr2020Likelihood(cevns_norm_sigma=FLUX_ONLY_SIGMA))


def quenching_table() -> dict[str, tuple[float, float]]:
    """SM CEvNS events in the bins, and in the 0-10 keVee bin, with each quenching parameter moved by +-1 sigma.

    Keys "nominal", "a+", "a-", "b+", "b-".
    """

    def counts(**overrides):
        x = experiments.get(LAR, **overrides).predict_energy_f90_time()
        return float(x.sum()), float(x[0].sum())

    nominal = experiment().detector.quenching
    out = {"nominal": counts()}
    for key, name, value in (("a", "quenching_a", nominal.a), ("b", "quenching_b_per_kevnr", nominal.b_per_kevnr)):
        for sign, label in ((1, "+"), (-1, "-")):
            out[key + label] = counts(**{name: value + sign * quenching_shifts()[name]})
    return out


def flipped_crossing() -> tuple[float, float]:
    """(eps_ee^uV, eps_ee^dV) where both nucleon couplings change sign: every target's flipped band passes there."""
    gp, gn = couplings.nucleon_couplings()
    return 2 * (gn - 2 * gp) / 3, 2 * (gp - 2 * gn) / 3


def argon_band_width() -> float:
    """Width in eps_ee^dV of argon's 90% set at eps_ee^uV = 0 (one parameter, the other coupling zero; its
    Standard-Model and flipped bands merge): the span of its pieces."""
    lo, hi = _interval("ee_d", "zero", "argon").interval.hull
    return float(hi - lo)


def band_parting_eps_u() -> float:
    """How far along eps_ee^uV the argon and CsI band lines are half argon's band width apart (:func:`band_gap`)."""
    return argon_band_width() / 2.0 / band_gap()


def band_gap() -> float:
    """The distance in eps_ee^dV between the argon and CsI SM band lines (both through the origin) per unit of
    eps_ee^uV: the difference of their slopes."""
    slopes = band_slopes()
    return abs(slopes["Ar"] - slopes["CsI"])


# --- Numbers -------------------------------------------------------------------------------------------------------


def _data_numbers() -> dict:
    published = lar_2020_published()
    exp = experiment()
    rows = data_rows()
    valid = validation_numbers()
    times = np.asarray(exp.arrival_time.time_edges_us)
    return {
        "ch13-mass": exp.mass_kg,
        "ch13-distance": exp.source.distance_m,
        "ch13-pot-text": scientific(exp.source.protons_on_target, 2),
        "ch13-gwh": published["beam_energy_gwh"].value,
        "ch13-nu-per-pot": exp.source.nu_per_proton,
        "ch13-observed": int(rows["observed"][2]),
        "ch13-observed-pub": int(published["observed_events"].value),
        "ch13-n-cells": int(np.prod(exp.data.shape)),
        "ch13-ss": rows["steady state"][2],
        "ch13-ss-pub": published["steady_state_predicted_events"].value,
        "ch13-brn": rows["BRN prompt"][2],
        "ch13-brn-pub": published["brn_prompt_predicted_events"].value,
        "ch13-brn-prior": 100
        * published["brn_prompt_predicted_events"].minus
        / published["brn_prompt_predicted_events"].value,
        "ch13-brnd": rows["BRN delayed"][2],
        "ch13-brnd-pub": published["brn_delayed_predicted_events"].value,
        "ch13-cevns-pub": published["cevns_predicted_events"].value,
        "ch13-cevns-pub-err": published["cevns_predicted_events"].minus,
        "ch13-cevns-prior": 100 * published["cevns_predicted_events"].minus / published["cevns_predicted_events"].value,
        "ch13-ss-prior": 100
        * published["steady_state_predicted_events"].minus
        / published["steady_state_predicted_events"].value,
        "ch13-prompt-window": PROMPT_WINDOW_US,
        "ch13-t-lo": float(times[0]),
        "ch13-t-hi": float(times[-1]),
        "ch13-excess-prompt": rows["observed"][0] - sum(rows[k][0] for k in COMPONENTS[:3]),
        "ch13-observed-prompt": int(rows["observed"][0]),
        "ch13-qf-a": exp.detector.quenching.a,
        "ch13-qf-b": exp.detector.quenching.b_per_kevnr,
        "ch13-res": exp.detector.resolution.a_sqrt_kevee,
        "ch13-pulse-mean": 1e3 * exp.arrival_time.pulse.mean_us,
        "ch13-pulse-sigma": 1e3 * exp.arrival_time.pulse.sigma_us,
        "ch13-pulse-err": published["pulse_mean_ns"].minus,
        "ch13-sm": valid["ours"],
        "ch13-sm-ratio": 100 * (valid["ratio"] - 1),
        "ch13-sm-below": 100 * (1 - valid["ratio"]),
        "ch13-reactor-syst": 100 * ch07.SYSTEMATICS.total,
        "ch13-share-energy": valid["share-energy"],
        "ch13-share-f90": valid["share-f90"],
        "ch13-share-time": valid["share-time"],
        "ch13-data-sigma": valid["data-sigma"],
        "ch13-prompt-share": 100 * rows["CEvNS"][0] / rows["CEvNS"][2],
        "ch13-nz-ar": n_over_z("Ar"),
        "ch13-nz-csi": n_over_z("CsI"),
        "ch13-nz-ge": n_over_z("Ge"),
        "ch13-nz-si": n_over_z("Si"),
    }


def _fit_numbers() -> dict:
    published = lar_2020_published()
    res = results()
    signal, radius = res.signal, res.radius
    s_lo, s_hi = signal.strength.one_sigma.single_piece()
    n_lo, n_hi = signal.count.one_sigma.single_piece()
    bestfit = published["cevns_bestfit_events"]
    backgrounds = fitted_backgrounds()
    sigma_sm = sm_cross_section_cm2()
    measured = published["cross_section_measured"]
    out = {
        "ch13-s-best": signal.strength.best,
        "ch13-s-lo": s_lo,
        "ch13-s-hi": s_hi,
        "ch13-n-fit": signal.count.best,
        "ch13-n-minus": signal.count.best - n_lo,
        "ch13-n-plus": n_hi - signal.count.best,
        "ch13-n-pub": bestfit.value,
        "ch13-n-pub-err": bestfit.minus,
        "ch13-sm-count": signal.sm_count,
        "ch13-n-vs-pub": abs(signal.count.best - bestfit.value) / bestfit.minus,
        "ch13-z0": signal.significance,
        "ch13-q0": signal.significance**2,
        "ch13-z-pub": published["significance_lower_bound_sigma"].value,
        "ch13-max-pull": max(abs(v) for v in signal.strength.pulls.values()),
        "ch13-pull-width": signal.strength.pulls["brn_timing_width"],
        "ch13-fit-ss": backgrounds["steady state"],
        "ch13-fit-ss-pub": published["steady_state_bestfit_events"].value,
        "ch13-fit-ss-pub-err": published["steady_state_bestfit_events"].minus,
        "ch13-fit-brn": backgrounds["BRN prompt"],
        "ch13-fit-brn-pub": published["brn_prompt_bestfit_events"].value,
        "ch13-fit-brn-pub-err": published["brn_prompt_bestfit_events"].minus,
        "ch13-fit-brn-vs-pub": abs(backgrounds["BRN prompt"] - published["brn_prompt_bestfit_events"].value)
        / published["brn_prompt_bestfit_events"].minus,
        "ch13-fit-ss-vs-pub": abs(backgrounds["steady state"] - published["steady_state_bestfit_events"].value)
        / published["steady_state_bestfit_events"].minus,
        "ch13-fit-brnd": backgrounds["BRN delayed"],
        "ch13-fit-brnd-pub": published["brn_delayed_bestfit_events"].value,
        "ch13-fit-brnd-pub-err": published["brn_delayed_bestfit_events"].minus,
        "ch13-xs-sm": sigma_sm / 1e-39,
        "ch13-xs-fit": signal.strength.best * sigma_sm / 1e-39,
        "ch13-xs-fit-minus": (signal.strength.best - s_lo) * sigma_sm / 1e-39,
        "ch13-xs-fit-plus": (s_hi - signal.strength.best) * sigma_sm / 1e-39,
        "ch13-xs-pub": measured.value,
        "ch13-xs-pub-err": measured.minus,
        "ch13-rn-best": radius.best,
        "ch13-rn-hi": radius.one_sigma.hull[1],
        "ch13-rn-hi90": radius.ninety.hull[1],
        "ch13-rp": proton_radius_fm(),
        "ch13-rn-grid-lo": lar_2020_fits.RN_GRID_FM[0],
        "ch13-rn-dev-rp": float(likelihood().deviance(rn_fm=proton_radius_fm())) - radius.deviance_min,
        "ch13-count-drop-ar": -sm_count_change(3.0, 4.0),
        "ch13-count-drop-csi": -sm_count_change(4.5, 5.5, "COHERENT-CsI-2021"),
    }
    out |= {
        "ch13-rel-ar": 100 * relative_error(signal.strength),
        "ch13-rel-csi": 100 * relative_error(csi_2021_fits.fit_signal_strength().strength),
    }
    slopes = band_slopes()
    out |= {f"ch13-slope-{k.lower()}": v for k, v in slopes.items()}
    out["ch13-slope-gap-real"] = abs(slopes["Ar"] - slopes["CsI"])
    out["ch13-slope-gap-reactor"] = abs(slopes["Si"] - slopes["Ge"])
    out["ch13-sep-1"] = band_gap()
    flip_u, flip_d = flipped_crossing()
    out |= {"ch13-flip-u": flip_u, "ch13-flip-d": flip_d}
    for coupling in ("ee_d", "mm_d"):
        key = "d" if coupling == "ee_d" else "m"
        for other in ("zero", "profiled"):
            for data in ("argon", "CsI", "combined"):
                row = _interval(coupling, other, data)
                out[f"ch13-len-{key}-{other}-{data.lower()}"] = row.length
            cut = lar_2020_fits.shrink(lar_2020_fits.coupling_intervals(res.dm), coupling, other, CONFIDENCE)
            out[f"ch13-shrink-{key}-{other}"] = 100 * cut
    for coupling, key in (("ee_u", "u"), ("ee_d", "d")):
        rows = lar_2020_fits.coupling_intervals(res.ud)
        out[f"ch13-shrink-ud-{key}-zero"] = 100 * lar_2020_fits.shrink(rows, coupling, "zero", CONFIDENCE)
    argon_d = _interval("ee_d", "zero", "argon")
    out |= {"ch13-ar-d-lo": argon_d.interval.hull[0], "ch13-ar-d-hi": argon_d.interval.hull[1]}
    comb = res.dm.maps["combined"]
    out |= {"ch13-dm-best-d": comb.best[0], "ch13-dm-best-m": comb.best[1], "ch13-level2-90": LEVELS_2D[CONFIDENCE]}
    return out


def _exercise_numbers() -> dict:
    res = results()
    flux = flux_only_fit()
    lo, hi = flux.strength.one_sigma.single_piece()
    s_lo, s_hi = res.signal.strength.one_sigma.single_piece()
    table = quenching_table()
    nominal = table["nominal"]
    return {
        "ch13-ex-flux-lo": lo,
        "ch13-ex-flux-hi": hi,
        "ch13-ex-flux-width": hi - lo,
        "ch13-ex-width": s_hi - s_lo,
        "ch13-ex-flux-z": flux.significance,
        "ch13-ex-flux-n": flux.count.best,
        "ch13-ex-qa-plus": 100 * (table["a+"][0] / nominal[0] - 1),
        "ch13-ex-qa-minus": 100 * (table["a-"][0] / nominal[0] - 1),
        "ch13-ex-qb-plus": 100 * (table["b+"][0] / nominal[0] - 1),
        "ch13-ex-qb-minus": 100 * (table["b-"][0] / nominal[0] - 1),
        "ch13-ex-qa-bin0": 100 * (table["a+"][1] / nominal[1] - 1),
        "ch13-ex-qa-sigma": quenching_shifts()["quenching_a"],
        "ch13-ex-qb-sigma": quenching_shifts()["quenching_b_per_kevnr"],
        "ch13-ex-flux-prior": 100 * FLUX_ONLY_SIGMA,
        "ch13-level1-90": lar_2020_fits.LEVELS_1D["90%"],
        "ch13-ar-d-width": argon_band_width(),
        "ch13-part-eps-u": band_parting_eps_u(),
    }


def numbers() -> dict:
    """Every number the chapter quotes, keyed by its glue name (``ch13-...``)."""
    return _data_numbers() | _fit_numbers() | _exercise_numbers()
