"""The Assumptions page (``book/assumptions.ipynb``): every choice the paper leaves open, and its effect.

The page lists the decisions the book makes where Cañas et al. 2020 (Phys. Rev. D 101, 035012) is
silent, with values read from the library objects the chapters use, and measures how much each
alternative moves two results: the expected Standard-Model counts of the four setups
(:func:`count_shifts`) and the neutron radius fitted to the COHERENT CsI 2017 data
(:func:`rn_choices`). :func:`numbers` returns every number the page quotes, keyed by its glue name.
"""

from __future__ import annotations

import inspect
from functools import cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import SymLogNorm

from .. import constants, experiments, figures, fits, fluxes, form_factors, nuclei, statistics, style
from ..arrival_time import CSI_2021_TIMING_DECAY_PER_US, CSI_2021_TIMING_ONSET_US
from ..cross_section import CrossSectionOptions
from ..csi_2021_likelihood import csi_2021_priors
from ..experiments import Experiment
from ..notebook import scientific
from ..published import csi_2021_published
from ..rates import EventTemplates
from ..statistics import Interval

CSI = "COHERENT-CsI-2017"
CSI_2021 = "COHERENT-CsI-2021"
REACTORS = ("CONUS", "CONNIE")
#: Short names of the setups, in the order of :data:`cevnslib.experiments.PAPER_SETUPS` (columns of the tables).
SHORT_NAMES = {"CONUS": "CONUS", "CONNIE": "CONNIE", CSI: "CsI 2017", "COHERENT-NaI": "NaI"}
#: Alternative end points of the reactor spectrum (MeV) [choice: below and above the default].
E_LOW_MEV, E_HIGH_MEV = 7.0, 9.0
#: Relative change of the Lindhard constant k tried for the reactors [choice].
K_STEP = 0.1
#: R_n grid (fm) of the CsI 2017 fits: 201 points over :data:`cevnslib.fits.RN_SCAN_RANGE_FM`, as
#: :func:`cevnslib.fits.csi2017_rn_interval` uses.
RN_GRID_FM = np.linspace(*fits.RN_SCAN_RANGE_FM, 201)


def setups() -> dict[str, Experiment]:
    """The four setups of the book with their default choices, by name."""
    return {name: experiments.get(name) for name in experiments.PAPER_SETUPS}


def alternatives() -> dict[str, tuple[str, dict[str, dict]]]:
    """The alternatives of the count table: key -> (label, {setup name: overrides of experiments.get}).

    A setup left out is not touched by the choice (reactor-only choices such as the flux or the
    quenching constant leave the spallation setups alone). The keys name the glued numbers
    (``assume-shift-<key>-<setup>``).
    """

    def everywhere(**overrides):
        return {name: overrides for name in experiments.PAPER_SETUPS}

    def reactors(**overrides):
        return {name: overrides for name in REACTORS}

    k = {name: experiments.get(name).detector.quenching.k for name in REACTORS}
    low = f"below {fluxes.FIT_E_MIN_MEV:.0f} MeV"
    return {
        "ff-kn": ("form factor: Klein-Nystrand", everywhere(form_factor="klein-nystrand")),
        "ff-sf": ("form factor: symmetrized Fermi", everywhere(form_factor="symmetrized-fermi")),
        "ff-unity": ("form factor: unity (F = 1)", everywhere(form_factor="unity")),
        "point": ("proton radius: point", everywhere(proton_radius="point")),
        "radiative": ("couplings: radiative", everywhere(couplings="radiative")),
        "erler-su": ("couplings: Erler-Su", everywhere(couplings="erler-su")),
        "sin2-mz": ("tree level, sin2(theta_W) at M_Z", everywhere(sin2_theta_w=constants.SIN2_THETA_W_MZ)),
        "t-over-e": ("keep the -T/E term", everywhere(include_t_over_e=True)),
        "relq": ("q^2 = 2MT + T^2", everywhere(relativistic_q=True)),
        "daya-bay": (
            "fission fractions: Daya Bay",
            reactors(fission_fractions=dict(fluxes.DAYA_BAY_FISSION_FRACTIONS)),
        ),
        "mueller": ("spectra: Mueller only", reactors(spectrum="mueller")),
        "cut": (f"{low}: cut", reactors(low_energy="cut")),
        "frozen": (f"{low}: frozen fit", reactors(low_energy="frozen")),
        "ve": (f"{low}: Vogel-Engel", reactors(low_energy="vogel-engel")),
        "emax-low": (f"end point {E_LOW_MEV:.0f} MeV", reactors(reactor_e_max_mev=E_LOW_MEV)),
        "kt-low": (
            f"Kopeikin total, end point {E_LOW_MEV:.0f} MeV",
            reactors(low_energy="kopeikin-total", reactor_e_max_mev=E_LOW_MEV),
        ),
        "kt-high": (
            f"Kopeikin total, end point {E_HIGH_MEV:.0f} MeV",
            reactors(low_energy="kopeikin-total", reactor_e_max_mev=E_HIGH_MEV),
        ),
        "k-down": (f"Lindhard k x {1 - K_STEP:.1f}", {n: {"quenching_k": (1 - K_STEP) * k[n]} for n in REACTORS}),
        "k-up": (f"Lindhard k x {1 + K_STEP:.1f}", {n: {"quenching_k": (1 + K_STEP) * k[n]} for n in REACTORS}),
    }


@cache
def _count_shifts() -> np.ndarray:
    reference = {name: exp.predict().sum() for name, exp in setups().items()}
    shift = np.full((len(alternatives()), len(reference)), np.nan)
    for i, (_, per_setup) in enumerate(alternatives().values()):
        for j, name in enumerate(reference):
            if name in per_setup:
                change = 100 * (experiments.get(name, **per_setup[name]).predict().sum() / reference[name] - 1)
                shift[i, j] = np.round(change, 6) + 0.0  # rounded once; + 0.0 turns -0 into 0
    shift.flags.writeable = False
    return shift


def count_shifts() -> np.ndarray:
    """Percent change of the expected SM count, shape (alternatives, setups), NaN where not applicable.

    Rows in the order of :func:`alternatives`, columns in that of :data:`cevnslib.experiments.PAPER_SETUPS`;
    one year of each setup at its default R_n. Values are rounded to 1e-6 percent (read-only array).
    """
    return _count_shifts()


def count_shift_table() -> str:
    """:func:`count_shifts` as a text table: one row per alternative, one column per setup, "n/a" where not used."""
    lines = [f"{'alternative (change of the SM count, %)':40s}" + "".join(f"{s:>10s}" for s in SHORT_NAMES.values())]
    for (label, _), row in zip(alternatives().values(), count_shifts()):
        lines.append(f"{label:40s}" + "".join("       n/a" if np.isnan(v) else f"{v:+10.2f}" for v in row))
    return "\n".join(lines)


#: Labels of the figures in TeX where the plain label of :func:`alternatives` is code-like.
_TEX = {
    "tree level, sin2(theta_W) at M_Z": r"tree level, $\sin^2\theta_W$ at $M_Z$",
    "keep the -T/E term": r"keep the $-T/E$ term",
    "q^2 = 2MT + T^2": r"$q^2 = 2MT + T^2$",
    "form factor: unity (F = 1)": r"form factor: unity ($F = 1$)",
    f"Lindhard k x {1 - K_STEP:.1f}": rf"Lindhard $k\,\times$ {1 - K_STEP:.1f}",
    f"Lindhard k x {1 + K_STEP:.1f}": rf"Lindhard $k\,\times$ {1 + K_STEP:.1f}",
}


def tex_label(label: str) -> str:
    """The figure label (TeX maths) of a plain-text choice label; other labels are returned as they are."""
    return (
        _TEX.get(label, label)
        .replace("Klein-Nystrand", "Klein–Nystrand")
        .replace("Erler-Su", "Erler–Su")
        .replace("Vogel-Engel", "Vogel–Engel")
    )


def heatmap_figure() -> plt.Figure:
    """Percent change of the four setups' SM counts for every alternative (:func:`count_shifts`).

    A diverging red-blue map (colour-blind safe), logarithmic beyond one percent; each cell is labelled
    with its value, "n/a" where the choice does not apply.
    """
    style.apply()
    shift = count_shifts()
    fig, ax = plt.subplots(figsize=(style.FULL_WIDTH_IN, 8.0), constrained_layout=True)
    norm = SymLogNorm(linthresh=1.0, vmin=-100, vmax=100, base=10)
    image = ax.imshow(np.ma.masked_invalid(shift), cmap="RdBu_r", norm=norm, aspect="auto")
    for (i, j), v in np.ndenumerate(shift):
        text = "n/a" if np.isnan(v) else f"{v:+.1f}"
        ax.text(
            j,
            i,
            text,
            ha="center",
            va="center",
            fontsize=10,
            color="0.45" if np.isnan(v) else ("white" if abs(v) > 20 else "black"),
        )
    ax.set_xticks(range(len(SHORT_NAMES)), list(SHORT_NAMES.values()))
    ax.set_yticks(range(shift.shape[0]), [tex_label(label) for label, _ in alternatives().values()])
    ax.xaxis.tick_top()
    ax.set_facecolor("0.93")
    bar = fig.colorbar(image, ax=ax, shrink=0.6, label="change of the SM count [%]")
    bar.set_ticks([-100, -10, -1, 0, 1, 10, 100], labels=["-100", "-10", "-1", "0", "1", "10", "100"])
    return fig


# ----------------------------------------------------------------------------- the neutron radius
def csi_rn_interval(experiment: Experiment | None = None, templates: EventTemplates | None = None) -> Interval:
    """Best-fit R_n (fm) and 1 sigma set of the CsI 2017 data for any setup options: the recipe of
    :func:`cevnslib.fits.csi2017_rn_interval` (12-bin chi^2, signal and BRN pulls, NSI = 0,
    Delta chi^2 <= 1 on :data:`RN_GRID_FM`) with another ``experiment`` (default: the CsI 2017
    setup) and ``templates`` (default: the experiment's own).

    Raises ValueError (from :func:`cevnslib.fits.csi2017_measurement`) for a setup without data.
    """
    experiment = experiments.get(CSI) if experiment is None else experiment
    templates = experiment.cached_templates if templates is None else templates
    fit = fits.combine(fits.csi2017_measurement(experiment, templates, "12-bin"))
    return statistics.interval_1d(lambda rn: fit.chi2(None, rn), RN_GRID_FM, level=1.0)


#: Choices of the R_n table: key -> (label, overrides of the CsI 2017 setup).
RN_OPTIONS = {
    "default": ("default (Helm, tree, R_p = R_ch)", {}),
    "kn": ("form factor: Klein-Nystrand", {"form_factor": "klein-nystrand"}),
    "sf": ("form factor: symmetrized Fermi", {"form_factor": "symmetrized-fermi"}),
    "point": ("proton radius: point", {"proton_radius": "point"}),
    "radiative": ("couplings: radiative", {"couplings": "radiative"}),
    "erler-su": ("couplings: Erler-Su", {"couplings": "erler-su"}),
    "sin2-mz": ("tree level, sin2(theta_W) at M_Z", {"sin2_theta_w": constants.SIN2_THETA_W_MZ}),
}


@cache
def rn_choices() -> dict[str, tuple[float, float, float]]:
    """(best fit, lower, upper) R_n in fm from the CsI 2017 data for each choice of :data:`RN_OPTIONS`.

    Raises ValueError if a 1 sigma set splits into pieces (:meth:`~cevnslib.statistics.Interval.single_piece`).
    """
    out = {}
    for key, (_, overrides) in RN_OPTIONS.items():
        interval = csi_rn_interval(experiments.get(CSI, **overrides))
        out[key] = (interval.best, *interval.single_piece())
    return out


def rn_table() -> str:
    """:func:`rn_choices` as a text table: best fit, 1 sigma interval and shift from the default (fm)."""
    best0 = rn_choices()["default"][0]
    lines = [f"{'options':34s} {'best R_n':>9s} {'1 sigma interval':>18s} {'shift':>7s}   [fm]"]
    for key, (best, lo, hi) in rn_choices().items():
        lines.append(f"{RN_OPTIONS[key][0]:34s} {best:9.3f}   [{lo:.3f}, {hi:.3f}] {best - best0:+7.3f}")
    return "\n".join(lines)


def rn_figure() -> plt.Figure:
    """Best-fit R_n of CsI and its 1 sigma interval for each choice of :data:`RN_OPTIONS`; the band is the default."""
    style.apply()
    rn = rn_choices()
    best0, lo0, hi0 = rn["default"]
    blue = style.COLORS["blue"]
    fig, ax = plt.subplots(figsize=(style.FULL_WIDTH_IN, 3.8), constrained_layout=True)
    ax.axvspan(lo0, hi0, color=blue, alpha=0.12)
    ax.axvline(best0, color=blue, lw=1)
    for y, (best, lo, hi) in enumerate(rn.values()):
        ax.errorbar(best, y, xerr=[[best - lo], [hi - best]], fmt="o", color=blue if y == 0 else "k", capsize=3)
    ax.set_yticks(
        range(len(rn)), [tex_label(RN_OPTIONS[key][0]).replace("R_p = R_ch", r"$R_p = R_\mathrm{ch}$") for key in rn]
    )
    ax.invert_yaxis()
    ax.set(xlabel=r"$R_n$ of CsI [fm] (best fit and 1$\sigma$, $\varepsilon = 0$)")
    ax.grid(alpha=0.3, axis="x")
    return fig


# ---------------------------------------------------------------------------------------- numbers
def _choice_numbers() -> dict:
    """The values of the table of choices, read from the library objects the chapters use."""
    defaults = CrossSectionOptions()
    by_name = setups()
    conus, connie, csi, nai = (by_name[name] for name in ("CONUS", "CONNIE", CSI, "COHERENT-NaI"))
    src = conus.source
    out = {
        "assume-couplings": defaults.couplings,
        "assume-gp": defaults.nucleon_couplings[0],
        "assume-sin2": constants.SIN2_THETA_W,
        "assume-sin2-mz": constants.SIN2_THETA_W_MZ,
        "assume-t-over-e": str(defaults.include_t_over_e),
        "assume-relq": str(defaults.relativistic_q),
        "assume-ff": defaults.form_factor,
        "assume-helm-s": form_factors.HELM_SKIN_FM,
        "assume-rp": defaults.proton_radius,
    }
    for name in ("Cs133", "I127"):
        out[f"assume-rp-{name}"] = nuclei.nucleus(name).proton_radius_fm(defaults.proton_radius)
    out |= {
        "assume-nai-rn": fits.NAI_TRUTH_RN_FM,
        "assume-fractions": " / ".join(f"{f:.2f}" for f in src.fission_fractions.values()),
        "assume-fractions-db": " / ".join(f"{f:.3f}" for f in fluxes.DAYA_BAY_FISSION_FRACTIONS.values()),
        "assume-spectrum": src.spectrum,
        "assume-low": src.low_energy,
        "assume-fit-emin": fluxes.FIT_E_MIN_MEV,
        "assume-emax": src.e_max_mev,
        "assume-ef": src.mean_energy_per_fission_mev,
    }
    for key, exp in (("conus", conus), ("connie", connie)):
        out |= {
            f"assume-{key}-mass": exp.mass_kg,
            f"assume-{key}-thr": exp.detector.threshold,
            f"assume-{key}-thr-ev": 1e3 * exp.detector.threshold,
            f"assume-{key}-k": exp.detector.quenching.k,
            f"assume-{key}-days": exp.live_time_days,
            f"assume-{key}-syst": 100 * exp.systematic,
            f"assume-{key}-nbins": exp.detector.n_bins,
        }
    syst = fits.ReactorSystematics()
    fig1_cl = inspect.signature(figures.figure1).parameters["confidence"].default
    fig2_sigma = inspect.signature(figures.figure2_left).parameters["sigma"].default
    csi_all = csi.predict().sum()
    csi_cut = experiments.get(CSI, arrival_time_cut_us=csi.data.time_edges_us[-1]).predict().sum()
    out |= {
        "assume-nai-mass": nai.mass_kg,
        "assume-nai-thr": nai.detector.threshold,
        "assume-nai-dist": nai.source.distance_m,
        "assume-nai-pot": scientific(nai.source.protons_on_target, 2),
        "assume-nai-years": nai.live_time_days / constants.DAYS_PER_YEAR,
        "assume-nai-syst": 100 * nai.systematic,
        "assume-r": nai.source.nu_per_proton,
        "assume-prompt": nai.source.prompt_energy_mev,
        "assume-days-per-year": constants.DAYS_PER_YEAR,
        "assume-syst-total": 100 * syst.total,
        "assume-syst-flux": 100 * syst.flux,
        "assume-syst-det": 100 * syst.detector,
        "assume-csi-signal": 100 * csi.systematic,
        "assume-csi-brn": 100 * csi.data.brn_systematic,
        "assume-csi-brn-total": csi.data.brn_expected().sum(),
        "assume-csi-tmax": csi.data.time_edges_us[-1],
        "assume-csi-all-times": csi_all,
        "assume-csi-cut-change": 100 * (csi_cut / csi_all - 1),
        "assume-fig1-cl": 100 * fig1_cl,
        "assume-fig1-level": statistics.delta_chi2_level(fig1_cl, dof=2),
        "assume-fig2-sigma": fig2_sigma,
        "assume-fig2-level": statistics.delta_chi2_level(sigma=fig2_sigma, dof=2),
        "assume-1d-level": statistics.delta_chi2_level(sigma=1.0, dof=1),
    }
    return out


def csi2021_choice_numbers() -> dict:
    """The values of the table of choices of the CsI[Na] full data set (Chapter 12), from the library objects."""
    exp = experiments.get(CSI_2021)
    pe, times = np.asarray(exp.detector.pe_edges), np.asarray(exp.arrival_time.time_edges_us)
    pulse = exp.arrival_time.pulse
    priors = {p.name: p.sigma for p in csi_2021_priors()}
    published = csi_2021_published()
    return {
        "assume-c21-pe-width": float(np.diff(pe)[0]),
        "assume-c21-pe-max": float(pe[-1]),
        "assume-c21-t-step": float(np.diff(times)[0]),
        "assume-c21-t-max": float(times[-1]),
        "assume-c21-t-fine-end": float(times[np.argmax(np.diff(times) > np.diff(times)[0] + 1e-9)]),
        "assume-c21-cells": (len(pe) - 1) * (len(times) - 1),
        "assume-c21-pulse-mean": 1e3 * pulse.mean_us,
        "assume-c21-pulse-sigma": 1e3 * pulse.sigma_us,
        "assume-c21-tau-pi": 1e3 * pulse.pion_lifetime_us,
        "assume-c21-tau-mu": pulse.muon_lifetime_us,
        "assume-c21-eff-onset": CSI_2021_TIMING_ONSET_US,
        "assume-c21-eff-decay": CSI_2021_TIMING_DECAY_PER_US,
        "assume-c21-light-yield": exp.detector.resolution.light_yield_pe_per_kevee,
        "assume-c21-brn": published["brn_expected_events"].value,
        "assume-c21-nin": published["nin_expected_events"].value,
        "assume-c21-prior-flux": 100 * priors["flux"],
        "assume-c21-prior-ss": 100 * priors["steady_state"],
        "assume-c21-prior-brn": 100 * priors["brn"],
        "assume-c21-prior-nin": 100 * priors["nin"],
    }


def lar2020_choice_numbers() -> dict:
    """The values of the table of choices of the argon data (Chapter 13), from the library objects."""
    from ..lar_2020_fits import RN_GRID_FM, UD_GRIDS
    from ..lar_2020_likelihood import LAr2020Likelihood

    exp = experiments.get("COHERENT-LAr-2020")
    lik = LAr2020Likelihood(exp)
    priors = {p.name: p.sigma for p in lik.priors}
    times = np.asarray(exp.arrival_time.time_edges_us)
    return {
        "assume-ar-t-lo": float(times[0]),
        "assume-ar-t-hi": float(times[-1]),
        "assume-ar-t-width": float(np.diff(times)[0]),
        "assume-ar-acceptance-max": float(exp.detector.acceptance.energy_kevee[-1]),
        "assume-ar-min-recoil": exp.detector.recoil_support_kev()[0],
        "assume-ar-prior-cevns": 100 * priors["cevns_norm"],
        "assume-ar-prior-ss": 100 * priors["steady_state"],
        "assume-ar-prior-brn": 100 * priors["brn_prompt"],
        "assume-ar-prior-brnd": 100 * priors["brn_delayed"],
        "assume-ar-timing-shift": 1e3 * lik.timing_shift_us,
        "assume-ar-ss": float(lik.backgrounds[1].sum()),
        "assume-ar-ss-pdf": float(exp.data.pdf("steady_state").sum()),
        "assume-ar-rn-lo": RN_GRID_FM[0],
        "assume-ar-eps-step": float(np.diff(UD_GRIDS[1])[0]),
    }


def numbers() -> dict:
    """Every number the Assumptions page quotes, keyed by its glue name (``assume-...``).

    The values of the table of choices, the percent changes of the SM counts
    (``assume-shift-<choice>-<setup>``, :func:`count_shifts`) and the R_n fits of :func:`rn_choices`.
    """
    out = _choice_numbers() | csi2021_choice_numbers() | lar2020_choice_numbers()
    by_name = setups()
    for name in REACTORS:
        unity = experiments.get(name, form_factor="unity").predict().sum()
        out[f"assume-unity-{name.lower()}"] = 100 * (unity / by_name[name].predict().sum() - 1)
    out |= {"assume-e-low": E_LOW_MEV, "assume-e-high": E_HIGH_MEV, "assume-k-step": 100 * K_STEP}
    shift = count_shifts()
    for i, key in enumerate(alternatives()):
        for j, name in enumerate(SHORT_NAMES.values()):
            if not np.isnan(shift[i, j]):
                out[f"assume-shift-{key}-{name.split()[0].lower()}"] = shift[i, j]
    out["assume-t-over-e-max"] = np.nanmax(np.abs(shift[list(alternatives()).index("t-over-e")]))
    rn = rn_choices()
    best0, lo0, hi0 = rn["default"]
    for key, (best, lo, hi) in rn.items():
        out |= {
            f"assume-rn-{key}": best,
            f"assume-rn-{key}-lo": lo,
            f"assume-rn-{key}-hi": hi,
            f"assume-rn-{key}-shift": best - best0,
        }
    out["assume-rn-max-shift"] = max(abs(v[0] - best0) for v in rn.values())
    out["assume-rn-default-width"] = 0.5 * (hi0 - lo0)
    return out
