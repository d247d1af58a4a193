"""Chapter 12, "The paper's question with today's data": the COHERENT CsI[Na] full data set.

The chapter asks the paper's question (Cañas et al., PRD 101 (2020) 035012) of the COHERENT CsI[Na]
full data set (COHERENT, PRL 129 (2022) 081801, arXiv:2110.07730, and its data release): the events
in PE x arrival-time bins, the detector response, and the Standard-Model prediction beside the data
with the backgrounds stacked. :func:`numbers` returns every number the chapter quotes; the other
functions return its tables and draw its figures. Counts are expected events over the run
(3.198e23 protons on target) in the analysis region PE < 60, t < 6 us.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import matplotlib.pyplot as plt
import numpy as np

from .. import experiments, nuclei, style
from ..arrival_time import ProtonPulse, csi_2021_timing_efficiency
from ..couplings import NSI
from ..notebook import scientific
from ..published import csi_2021_published
from ..validation import read_only

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

#: Colours of the components (Okabe-Ito).
_COLOURS = dict(zip(COMPONENTS, (style.COLORS["sky blue"], style.COLORS["orange"], style.COLORS["reddish purple"],
                                 style.COLORS["blue"], style.COLORS["bluish green"])))


def experiment() -> experiments.Experiment:
    """The setup COHERENT-CsI-2021 with its default bins (:func:`cevnslib.experiments.coherent_csi_2021`)."""
    return experiments.get(CSI)


def neutron_expected(kind: str) -> float:
    """Expected BRN (``kind="brn"``) or NIN (``"nin"``) events in the analysis region, timing efficiency included.

    The release's own normalisation: its arrival-time projection below 6 us times the timing
    efficiency (:meth:`~cevnslib.coherent_csi_2021.CsI2021Data.neutron_background`), times the share
    of its PE projection below 60 PE. Raises ValueError for an unknown kind.
    """
    data = experiment().data
    full = data.neutron_background(kind).sum()
    pe = data.neutrons_pe
    return float(full * pe[kind][pe["pe"] < ROI_PE_MAX].sum() / pe[kind].sum())


@cache
def _components(nsi_key, rn_fm) -> dict[str, np.ndarray]:
    exp = experiment()
    data = exp.data
    nsi = None if nsi_key is None else NSI(**dict(nsi_key))
    prompt, delayed = (t.counts(nsi, rn_fm) for t in exp.cached_time_templates)
    return {
        "steady state": data.steady_state(),
        "BRN": data.neutron_background("brn", expected=neutron_expected("brn")),
        "NIN": data.neutron_background("nin", expected=neutron_expected("nin")),
        "CEvNS prompt": read_only(np.outer(prompt, exp.arrival_time.prompt)),
        "CEvNS delayed": read_only(np.outer(delayed, exp.arrival_time.delayed)),
    }


def components(nsi: NSI | None = None, rn_fm: float | None = None) -> dict[str, np.ndarray]:
    """Expected counts of each component of :data:`COMPONENTS` in the PE x time bins, shape (15, 13) each.

    Steady state: the anti-coincidence histogram (same exposure). BRN and NIN: the release's PE and
    time projections, factorised (:meth:`~cevnslib.coherent_csi_2021.CsI2021Data.neutron_background`)
    and normalised by :func:`neutron_expected`. CEvNS: prompt (nu_mu) and delayed (nu_e, anti-nu_mu)
    events at the couplings ``nsi`` (default the Standard Model) and one neutron radius ``rn_fm`` in fm
    (default each nucleus' R_p). Read-only arrays. Raises ValueError for an R_n outside the form
    factor's range or NSI couplings that are arrays.
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
    bx.set(xlabel=r"arrival time $t$ [$\mu$s]", ylabel=r"density [1/$\mu$s]", yscale="log", ylim=(1e-3, 5),
           xlim=(0, ROI_TIME_MAX_US), title="(b) arrival times")
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


def projections_figure(nsi: NSI | None = None, rn_fm: float | None = None) -> plt.Figure:
    """The coincidence data projected on PE and on arrival time, with the stacked prediction and residuals.

    Counts are per bin divided by the bin width (PE bins of 4 PE; time bins of 0.125 us, then 1 us),
    so that the unequal time bins show a density. Residuals are (C - prediction) / sigma per bin of the
    projection, sigma^2 = prediction + AC (the Poisson variance of C and that of the anti-coincidence
    counts that estimate the steady state); bins with sigma = 0 are left out. ``nsi`` and ``rn_fm`` as
    in :func:`components`. Raises ValueError like it.
    """
    style.apply()
    exp = experiment()
    parts = components(nsi, rn_fm)
    observed, anti = exp.data.binned("C"), exp.data.binned("AC")
    fig, axes = plt.subplots(2, 2, figsize=(style.FULL_WIDTH_IN, 5.2), sharex="col", height_ratios=(3, 1),
                             constrained_layout=True)
    axis_info = ((1, np.asarray(exp.detector.pe_edges), "PE", "PE"),
                 (0, np.asarray(exp.arrival_time.time_edges_us), r"arrival time $t$ [$\mu$s]", r"$\mu$s"))
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


def numbers() -> dict:
    """Every number the chapter quotes, keyed by its glue name (``ch12-...``)."""
    published = csi_2021_published()
    rows = data_rows()
    exp = experiment()
    sm_prompt, sm_delayed = rows["CEvNS prompt"][2], rows["CEvNS delayed"][2]
    sm = sm_prompt + sm_delayed
    background = sum(rows[k][2] for k in ("steady state", "BRN", "NIN"))
    out = {
        "ch12-c-total": int(rows["coincidence"][2]),
        "ch12-ac-total": int(rows["anti-coincidence"][2]),
        "ch12-c-pub": int(published["coincidence_events_roi"].value),
        "ch12-ac-pub": int(published["anticoincidence_events_roi"].value),
        "ch12-excess": int(rows["coincidence"][2] - rows["anti-coincidence"][2]),
        "ch12-excess-prompt": int(rows["coincidence"][0] - rows["anti-coincidence"][0]),
        "ch12-excess-delayed": int(rows["coincidence"][1] - rows["anti-coincidence"][1]),
        "ch12-pe-max": ROI_PE_MAX, "ch12-t-max": ROI_TIME_MAX_US, "ch12-prompt-window": PROMPT_WINDOW_US,
        "ch12-mass": exp.mass_kg, "ch12-distance": exp.source.distance_m,
        "ch12-pot": published["protons_on_target"].value,
        "ch12-pot-text": published_scientific("protons_on_target"),
        "ch12-energy-gwh": published["beam_energy_gwh"].value,
        "ch12-nu-per-pot": exp.source.nu_per_proton,
        "ch12-light-yield": exp.detector.resolution.light_yield_pe_per_kevee,
        "ch12-n-pe-bins": exp.detector.n_bins, "ch12-n-time-bins": exp.arrival_time.n_bins,
        "ch12-pe-bin-width": float(np.diff(exp.detector.pe_edges)[0]),
        "ch12-brn": rows["BRN"][2], "ch12-nin": rows["NIN"][2],
        "ch12-brn-pub": published["brn_expected_events"].value, "ch12-nin-pub": published["nin_expected_events"].value,
        "ch12-sm": sm, "ch12-sm-prompt": sm_prompt, "ch12-sm-delayed": sm_delayed,
        "ch12-sm-all-times": float(exp.predict().sum()),
        "ch12-prompt-share": 100 * float(exp.arrival_time.prompt.sum()),
        "ch12-delayed-share": 100 * float(exp.arrival_time.delayed.sum()),
        "ch12-prediction": rows["prediction"][2],
        "ch12-background": background,
        "ch12-pull-naive": (rows["coincidence"][2] - rows["prediction"][2]) / np.sqrt(rows["prediction"][2]),
        "ch12-naive-ratio": (rows["coincidence"][2] - background) / sm,
        "ch12-xs-measured": published["cross_section_measured"].value,
        "ch12-xs-measured-minus": published["cross_section_measured"].minus,
        "ch12-xs-measured-plus": published["cross_section_measured"].plus,
        "ch12-xs-sm": published["cross_section_sm"].value,
        "ch12-xs-ratio": published["cross_section_ratio_to_sm"].value,
        "ch12-xs-ratio-minus": published["cross_section_ratio_to_sm"].minus,
        "ch12-xs-ratio-plus": published["cross_section_ratio_to_sm"].plus,
        "ch12-sm-drop-rn": 100 * (1 - exp.predict(rn_fm=RN_STEP_FM[1]).sum() / exp.predict(rn_fm=RN_STEP_FM[0]).sum()),
        "ch12-rn-a": RN_STEP_FM[0], "ch12-rn-b": RN_STEP_FM[1],
    }
    return out



def published_scientific(key: str) -> str:
    """The published value of ``key`` (:func:`cevnslib.published.csi_2021_published`) in scientific notation.

    Raises ValueError for an unknown key.
    """
    return scientific(csi_2021_published()[key].value, 3)
