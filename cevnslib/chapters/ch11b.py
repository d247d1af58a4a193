"""Chapter 11.2, "Model dependence and validation" (``book/11b_model_validation.ipynb``).

The first half follows the open choices of the Assumptions page through to the results: the
neutron radius R_n fitted to the COHERENT CsI 2017 data (:func:`rn_combinations`,
:func:`rn_by_choice`) and the reactor NSI bands of the paper's Fig. 1 (:func:`reactor_bands`). The
second half sets the book's numbers beside published ones: COHERENT's prediction and measured count
(with an energy x arrival-time likelihood, :func:`signal_count_interval`), the R_n of Cadeddu et al.,
the reactor flux quoted by CONUS, and the conventions on which public codes differ.
:func:`numbers` returns every number the chapter quotes, keyed by its glue name.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator
from scipy.integrate import quad
from scipy.optimize import brentq

from .. import constants, cross_section, csi_likelihood, experiments, fits, statistics, style
from ..couplings import NSI, flipped_eps_ee_d, nucleon_couplings
from ..fluxes import FIT_E_MIN_MEV, PionDecayAtRest
from ..notebook import Quoted, scientific
from ..rates import EventTemplates
from ..statistics import Interval
from .assumptions import csi_rn_interval, tex_label

CSI = "COHERENT-CsI-2017"
REACTORS = ("CONUS", "CONNIE")
FORM_FACTORS = ("helm", "klein-nystrand", "symmetrized-fermi")
PROTON_RADII = ("charge", "point")
COUPLINGS = ("tree", "radiative", "erler-su")

#: 1 sigma of the CsI[Na] quenching factor [COHERENT, Science 357 (2017) 1123].
QF_SIGMA = 0.0166
#: Low and high Lindhard k per reactor detector [choice: Lindhard's theory for Ge and CONUS's first
#: analysis (CONUS 2021) for CONUS; a band around Lindhard's theory for CONNIE].
K_VALUES = {"CONUS": (0.157, 0.18), "CONNIE": (0.13, 0.16)}
#: COHERENT's SM prediction and the CEvNS count of its likelihood fit, (value, 1 sigma) in events
#: [COHERENT, Science 357 (2017) 1123].
COHERENT_SM = (173.0, 48.0)
COHERENT_FIT = (134.0, 22.0)
#: R_n of CsI (best fit, +error, -error) in fm [Cadeddu et al., PRL 120 (2018) 072501].
CADEDDU2018_RN_FM = (5.5, 0.9, 1.1)
#: "Up to" this total antineutrino flux at CONUS, per cm^2 per s [CONUS, PRL 133 (2024) 251802].
CONUS_FLUX_PER_CM2_S = 2.3e13
#: Prompt-line energies (MeV) found in other codes.
OTHER_LINES_MEV = (29.65, 29.0)
#: Rounded G_F (GeV^-2) and hbar c (MeV fm) found in other codes.
G_F_OTHER_GEV2, HBARC_OTHER_MEV_FM = 1.166e-5, 197.3
#: Level of the paper's Fig. 1: two parameters at 90% C.L.
LEVEL90 = statistics.delta_chi2_level(0.90, dof=2)
#: eps_ee^dV grid of the reactor band scans (eps_ee^uV = 0).
EPS_D_GRID = np.linspace(-0.1, 0.5, 6001)
#: CEvNS counts in the 0-6 us window scanned by :func:`signal_count_interval`.
SIGNAL_COUNT_GRID = np.arange(90.0, 191.0, 5.0)


def best_lo_hi(interval: Interval) -> tuple[float, float, float]:
    """(best fit, lower, upper) of a one-piece set; ValueError (from ``single_piece``) if it splits."""
    return (interval.best, *interval.single_piece())


def csi_rn(**overrides) -> tuple[float, float, float]:
    """(best, lower, upper) R_n in fm from the CsI 2017 12-bin chi^2 with setup ``overrides``.

    Raises ValueError like :func:`cevnslib.experiments.get` for an unknown override.
    """
    return best_lo_hi(csi_rn_interval(experiments.get(CSI, **overrides)))


# ------------------------------------------------------------------------ choices and the radius
@cache
def rn_combinations() -> dict[tuple[str, str, str], tuple[float, float, float]]:
    """(best, lower, upper) R_n in fm for every (form factor, proton radius, coupling scheme).

    Six template builds, not eighteen: the couplings multiply the template integrals, so one set of
    templates per form factor and proton radius serves every coupling scheme (its couplings swapped).
    """
    out = {}
    for ff in FORM_FACTORS:
        for rp in PROTON_RADII:
            exp = experiments.get(CSI, form_factor=ff, proton_radius=rp)
            for c in COUPLINGS:
                swapped = dataclasses.replace(exp.cached_templates, couplings=nucleon_couplings(c))
                out[ff, rp, c] = best_lo_hi(csi_rn_interval(exp, swapped))
    return out


def combinations_table() -> str:
    """:func:`rn_combinations` as a text table (fm)."""
    lines = [f"{'form factor':18s} {'R_p':7s} {'couplings':10s} {'best':>6s}  1 sigma interval [fm]"]
    for (ff, rp, c), (best, lo, hi) in rn_combinations().items():
        lines.append(f"{ff:18s} {rp:7s} {c:10s} {best:6.3f}  [{lo:.3f}, {hi:.3f}]")
    return "\n".join(lines)


@cache
def rn_quenching() -> dict[int, tuple[tuple[float, float, float], float]]:
    """For the CsI quenching factor at -1 and +1 sigma (keys -1, +1): ((best, lower, upper) R_n in fm,
    SM CEvNS count)."""
    qf0 = experiments.get(CSI).detector.quenching.factor
    out = {}
    for sign in (-1, +1):
        exp = experiments.get(CSI, quenching_factor=qf0 + sign * QF_SIGMA)
        out[sign] = (best_lo_hi(csi_rn_interval(exp)), exp.cached_templates.counts().sum())
    return out


def choices() -> dict[str, tuple[str, dict[str, dict]]]:
    """The choices of the chapter: key -> (label, {setup name: overrides}); a setup left out is not touched."""

    def everywhere(**overrides):
        return {CSI: overrides, "CONUS": overrides, "CONNIE": overrides}

    def reactors(**overrides):
        return {"CONUS": overrides, "CONNIE": overrides}

    qf0 = experiments.get(CSI).detector.quenching.factor
    low = f"below {FIT_E_MIN_MEV:.0f} MeV"
    return {
        "default": ("default choices", everywhere()),
        "ff-kn": ("form factor: Klein-Nystrand", everywhere(form_factor="klein-nystrand")),
        "ff-sf": ("form factor: symmetrized Fermi", everywhere(form_factor="symmetrized-fermi")),
        "radiative": ("couplings: radiative", everywhere(couplings="radiative")),
        "erler-su": ("couplings: Erler-Su", everywhere(couplings="erler-su")),
        "point": ("proton radius: point", everywhere(proton_radius="point")),
        "cut": (f"{low}: cut", reactors(low_energy="cut")),
        "frozen": (f"{low}: frozen fit", reactors(low_energy="frozen")),
        "ve": (f"{low}: Vogel-Engel", reactors(low_energy="vogel-engel")),
        "kt": ("Kopeikin total spectrum", reactors(low_energy="kopeikin-total")),
        "k-low": ("Lindhard k low", {n: {"quenching_k": K_VALUES[n][0]} for n in REACTORS}),
        "k-high": ("Lindhard k high", {n: {"quenching_k": K_VALUES[n][1]} for n in REACTORS}),
        "qf-low": ("CsI quenching -1 sigma", {CSI: {"quenching_factor": qf0 - QF_SIGMA}}),
        "qf-high": ("CsI quenching +1 sigma", {CSI: {"quenching_factor": qf0 + QF_SIGMA}}),
    }


def rn_by_choice() -> dict[str, tuple[float, float, float]]:
    """(best, lower, upper) R_n in fm for each choice of :func:`choices` that touches the CsI setup."""
    out = {}
    for key, (_, per_setup) in choices().items():
        if CSI in per_setup:
            o = per_setup[CSI]
            if "quenching_factor" in o:
                out[key] = rn_quenching()[-1 if key == "qf-low" else 1][0]
            else:
                out[key] = rn_combinations()[
                    o.get("form_factor", "helm"), o.get("proton_radius", "charge"), o.get("couplings", "tree")
                ]
    return out


# ----------------------------------------------------------------------------- the reactor bands
def flipped(templates: EventTemplates) -> float:
    """The non-zero eps_ee^dV at which ``templates`` give their SM count: what
    :func:`cevnslib.fits.setup_flipped_eps_ee_d` finds for a setup's default templates, for any templates.

    Raises ValueError (from brentq) if (0.05, 1.5) brackets no root.
    """
    n_sm = templates.counts().sum()
    return brentq(lambda ed: templates.counts(NSI(ee_d=ed)).sum() - n_sm, 0.05, 1.5, xtol=1e-12)


def branches(fit: statistics.Fit) -> np.ndarray:
    """The two 90% C.L. intervals along eps_ee^dV at eps_ee^uV = 0, [[SM branch], [flipped branch]].

    Delta chi^2 is scanned on :data:`EPS_D_GRID`; each end is interpolated linearly between grid
    points. Raises ValueError if the scan does not cross the level exactly four times.
    """
    dchi2 = fits.scan(fit, NSI(ee_d=EPS_D_GRID))
    inside = (dchi2 <= LEVEL90).astype(int)
    edges = []
    for i in np.flatnonzero(np.diff(inside)):
        x, y = EPS_D_GRID[i : i + 2], dchi2[i : i + 2]
        edges.append(float(np.interp(LEVEL90, y[::-1] if y[0] > y[1] else y, x[::-1] if y[0] > y[1] else x)))
    if len(edges) != 4:
        raise ValueError(f"the 90% C.L. set has {len(edges) // 2} pieces along eps_ee^dV, not two")
    return np.reshape(edges, (2, 2))


def _reactor_templates(name: str, overrides: dict) -> EventTemplates:
    """Templates of a reactor setup with ``overrides``; a change of couplings only swaps the couplings
    the default templates carry (they multiply the template integrals)."""
    if set(overrides) <= {"couplings"}:
        return dataclasses.replace(
            fits.templates_for(name), couplings=nucleon_couplings(overrides.get("couplings", "tree"))
        )
    return experiments.get(name, **overrides).templates()


@cache
def reactor_bands() -> dict[tuple[str, str], dict]:
    """The NSI bands of CONUS and CONNIE for every choice of :func:`choices` that touches them.

    Key (setup, choice); value: ``flip`` (the flipped eps_ee^dV), ``same`` (the two 90% C.L.
    intervals, Asimov data and fit made with the choice), ``mixed`` (pseudo-data that follow the
    choice, fitted with the defaults), ``scale`` (count of the choice / default count) and
    ``dchi2_sm`` (Delta chi^2 of the SM point in the mixed fit).
    """
    band = {}
    for name in REACTORS:
        exp0, t0 = experiments.get(name), fits.templates_for(name)
        n0 = t0.counts().sum()
        for key, (_, per_setup) in choices().items():
            if name not in per_setup:
                continue
            exp = experiments.get(name, **per_setup[name])
            t = _reactor_templates(name, per_setup[name])
            same = branches(fits.combine(fits.asimov_measurement(exp, t)))
            scale = t.counts().sum() / n0
            fit_mix = fits.combine(fits.asimov_measurement(exp0, t0, scale))
            # 0 when the alternative gives the default count, but for rounding (1e-29, of either sign)
            dchi2_sm = round(float(fit_mix.chi2(None) - fit_mix.chi2(NSI(ee_d=EPS_D_GRID)).min()), 9) + 0.0
            band[name, key] = dict(
                flip=flipped(t), same=same, mixed=branches(fit_mix), scale=scale, dchi2_sm=float(dchi2_sm)
            )
    return band


def bands_table() -> str:
    """:func:`reactor_bands` as a text table: flipped eps_ee^dV, width of the flipped band, change of
    the count and Delta chi^2 of the SM when the data follow the choice and the fit does not."""
    lines = []
    for name in REACTORS:
        lines.append(f"{name:6s} {'choice':30s} {'flip':>7s} {'width':>7s} {'count':>7s} {'dchi2(SM)':>10s}")
        for key, (label, _) in choices().items():
            if (name, key) in reactor_bands():
                b = reactor_bands()[name, key]
                lines.append(
                    f"{'':6s} {label:30s} {b['flip']:7.4f} {b['same'][1, 1] - b['same'][1, 0]:7.4f} "
                    f"{100 * (b['scale'] - 1):+6.1f}% {b['dchi2_sm']:10.2f}"
                )
    return "\n".join(lines)


def flip_per_isotope(name: str) -> np.ndarray:
    """The flipped eps_ee^dV of each isotope of setup ``name`` in the point-nucleus limit (tree level),
    -2 Q_0/(Z + 2N): :func:`cevnslib.couplings.flipped_eps_ee_d` at eps_ee^uV = 0."""
    return np.array([flipped_eps_ee_d(n.Z, n.N) for n in experiments.get(name).target.nuclei])


def width_estimate(name: str) -> float:
    """Full width of a 90% C.L. band of setup ``name`` from the count's relative precision:
    w = eps_flip sqrt(level) sqrt(sigma^2 + 1/N) / 2, with the band's flipped eps_ee^dV."""
    exp = experiments.get(name)
    n = fits.templates_for(name).counts().sum()
    return 0.5 * reactor_bands()[name, "default"]["flip"] * np.sqrt(LEVEL90) * np.sqrt(exp.systematic**2 + 1 / n)


def dependence_figure() -> plt.Figure:
    """(a) R_n of CsI for each choice; (b) the flipped reactor bands with the same choice in data and
    fit; (c) the SM reactor bands when the data follow the choice and the fit keeps the defaults."""
    style.apply()
    c = style.COLORS
    colors = {"CONUS": c["black"], "CONNIE": c["blue"]}
    rows = list(choices())
    labels = [tex_label(label) for label, _ in choices().values()]
    labels = [
        label.replace("k low", "$k$ low")
        .replace("k high", "$k$ high")
        .replace("-1 sigma", r"$-1\sigma$")
        .replace("+1 sigma", r"$+1\sigma$")
        for label in labels
    ]
    rn_default, rn_rows, band = csi_rn(), rn_by_choice(), reactor_bands()
    fig, axes = plt.subplots(1, 3, figsize=(style.FULL_WIDTH_IN, 6.2), sharey=True, constrained_layout=True)
    ax = axes[0]
    ax.axvspan(rn_default[1], rn_default[2], color=c["vermillion"], alpha=0.12)
    for y, key in enumerate(rows):
        if key in rn_rows:
            best, lo, hi = rn_rows[key]
            ax.errorbar(best, y, xerr=[[best - lo], [hi - best]], fmt="o", ms=4, capsize=3, color=c["vermillion"])
        else:
            ax.text(5.5, y, "not for CsI", ha="center", va="center", fontsize=9, color="0.45")
    ax.set(xlabel=r"$R_n$ [fm]", xlim=(3.0, 8.0), title="(a) $R_n$ of CsI")
    axes[1].set(xlabel=r"$\varepsilon_{ee}^{dV}$", xlim=(0.30, 0.37))
    axes[2].set(xlabel=r"$\varepsilon_{ee}^{dV}$", xlim=(-0.04, 0.03))
    for ax, which, branch, title in ((axes[1], "same", 1, "(b) flipped band"), (axes[2], "mixed", 0, "(c) SM band")):
        for j, name in enumerate(REACTORS):
            ref = band[name, "default"]["same"][branch]
            ax.axvspan(*ref, color=colors[name], alpha=0.08)
            for y, key in enumerate(rows):
                if (name, key) in band:
                    lo, hi = band[name, key][which][branch]
                    ax.plot(
                        [lo, hi],
                        [y + 0.15 * (2 * j - 1)] * 2,
                        color=colors[name],
                        lw=3,
                        label=name if key == "default" else None,
                        solid_capstyle="butt",
                    )
                elif j == 0:
                    ax.text(
                        np.mean(ax.get_xlim()),
                        y,
                        "not for reactors",
                        ha="center",
                        va="center",
                        fontsize=9,
                        color="0.45",
                    )
        ax.set_title(title)
        ax.xaxis.set_major_locator(MaxNLocator(3))
    axes[2].axvline(0.0, color="0.4", lw=0.8, ls=":")
    fig.legend(*axes[1].get_legend_handles_labels(), loc="outside lower center", ncols=2)
    axes[0].set_yticks(range(len(rows)), labels)
    axes[0].invert_yaxis()
    for ax in axes:
        ax.grid(alpha=0.3, axis="x")
    return fig


# ------------------------------------------------------------------ validation against COHERENT
def prompt_and_delayed() -> tuple[np.ndarray, np.ndarray]:
    """SM CEvNS counts per PE bin of CsI 2017 from the prompt nu_mu and from the delayed flavours
    (all arrival times), from a source whose delayed components have zero efficiency."""
    csi = experiments.get(CSI)
    s = csi.source
    no_delayed = PionDecayAtRest(
        s.protons_on_target,
        s.nu_per_proton,
        s.distance_m,
        efficiencies={"delayed nu_e": 0.0, "delayed anti-nu_mu": 0.0},
    )
    n_prompt = dataclasses.replace(csi, source=no_delayed).predict()
    return n_prompt, csi.predict() - n_prompt


@cache
def signal_count_interval(beam_off: bool = True, background: str = "per-bin") -> Interval:
    """CEvNS events in the 0-6 us window of CsI 2017 from the energy x arrival-time likelihood.

    The likelihood of :class:`~cevnslib.csi_likelihood.CsI2017Likelihood` with the signal
    normalisation free (held at s / S_window for each count s of :data:`SIGNAL_COUNT_GRID`), the BRN
    pull and the steady-state ``background`` (default one nuisance per cell, as in Chapter 11.1)
    profiled; ``beam_off`` adds the beam-off side samples. Returns the 1 sigma set (Delta(-2 ln L) <= 1).
    Raises ValueError for an unknown background model.
    """
    lik = csi_likelihood.CsI2017Likelihood(background=background, use_beam_off=beam_off, sigma_alpha=1e6)
    in_window = lik.signal_cells().sum()
    return statistics.interval_1d(
        lambda s: lik.profile(signal_scale=np.asarray(s) / in_window).deviance, SIGNAL_COUNT_GRID, level=1.0
    )


def signal_count_table() -> str:
    """:func:`signal_count_interval` for beam-on data only and with the beam-off windows, and, for
    contrast, with a steady-state background flat in arrival time."""
    lines = [f"{'steady-state background':26s} {'side samples':22s} CEvNS events in the window"]
    for background, label in (("per-bin", "one per cell"), ("flat-in-time", "flat in time (rejected)")):
        for beam_off in (False, True):
            best, lo, hi = best_lo_hi(signal_count_interval(beam_off, background))
            side = "beam-on and beam-off" if beam_off else "beam-on only"
            lines.append(f"{label:26s} {side:22s} {best:.0f} +{hi - best:.0f} -{best - lo:.0f}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- reactor flux at CONUS
def reactor_flux_per_cm2_s() -> dict[str, float]:
    """Total antineutrino flux at CONUS (per cm^2 per s) for each treatment of the spectrum below 2 MeV."""
    return {
        low: experiments.get("CONUS", low_energy=low).source.total_flux()
        for low in ("kopeikin", "cut", "frozen", "vogel-engel", "kopeikin-total")
    }


def _per_fission(flux_per_cm2_s: float) -> float:
    """Antineutrinos per fission that a flux at CONUS implies with the book's power and <E_f>."""
    src = experiments.get("CONUS").source
    area_cm2 = 4 * np.pi * (100 * src.distance_m) ** 2
    return flux_per_cm2_s * area_cm2 / src.fissions_per_second


def flux_table() -> str:
    """:func:`reactor_flux_per_cm2_s` as a text table (10^13 per cm^2 per s, antineutrinos per fission),
    with the value CONUS quotes."""
    lines = [f"{'below 2 MeV':16s} {'flux [10¹³ cm⁻² s⁻¹]':>20s} {'per fission':>12s}"]
    for low, flux in reactor_flux_per_cm2_s().items():
        lines.append(f"{low:16s} {flux / 1e13:20.3f} {_per_fission(flux):12.2f}")
    flux = CONUS_FLUX_PER_CM2_S
    lines.append(f"{'CONUS 2024':16s} {'up to ' + f'{flux / 1e13:.3f}':>20s} {_per_fission(flux):12.2f}")
    return "\n".join(lines)


def threshold_reach(name: str) -> tuple[float, float]:
    """(smallest antineutrino energy in MeV that gives a recoil above threshold, fraction of the flux above it)."""
    exp = experiments.get(name)
    e_min = min(
        cross_section.e_min_mev(exp.detector.recoil_edges_kev(nuc)[0], nuc.mass_gev) for nuc in exp.target.nuclei
    )
    kinks = [e for e in exp.source.breakpoints_mev if e > e_min]  # where Kopeikin's table has nodes
    seen = quad(exp.source.flux_per_mev, e_min, exp.source.e_max_mev, points=kinks, limit=200)[0]
    return e_min, seen / exp.source.total_flux()


# ------------------------------------------------------------------------------------- conventions
def csi_change(**overrides) -> tuple[float, float]:
    """(percent change of the CsI 2017 SM count, shift of the fitted R_n in fm) for setup ``overrides``."""
    exp = experiments.get(CSI, **overrides)
    n_sm = experiments.get(CSI).predict().sum()
    return 100 * (exp.cached_templates.counts().sum() / n_sm - 1), csi_rn(**overrides)[0] - csi_rn()[0]


# ----------------------------------------------------------------------------------------- numbers
def _rn_numbers() -> dict:
    rn_default, (_, n_low), (_, n_high) = csi_rn(), rn_quenching()[-1], rn_quenching()[+1]
    bests = np.array([v[0] for v in rn_combinations().values()])
    combos = rn_combinations().values()
    csi = experiments.get(CSI)
    out = {
        "ch11b-qf": csi.detector.quenching.factor,
        "ch11b-pe-lo": csi.detector.threshold,
        "ch11b-qf-sigma": QF_SIGMA,
        "ch11b-qf-rel": 100 * QF_SIGMA / csi.detector.quenching.factor,
        "ch11b-rn-best": rn_default[0],
        "ch11b-rn-halfwidth": 0.5 * (rn_default[2] - rn_default[1]),
        "ch11b-rn-ncombos": len(rn_combinations()),
        "ch11b-rn-combo-min": bests.min(),
        "ch11b-rn-combo-max": bests.max(),
        "ch11b-rn-combo-spread": bests.max() - bests.min(),
        "ch11b-rn-env-lo": min(v[1] for v in combos),
        "ch11b-rn-env-hi": max(v[2] for v in combos),
        "ch11b-n-qf-lo": n_low,
        "ch11b-n-qf-hi": n_high,
        "ch11b-fit-emin": FIT_E_MIN_MEV,
    }
    for name in REACTORS:
        k = experiments.get(name).detector.quenching.k
        out |= {
            f"ch11b-k-{name.lower()}-default": k,
            f"ch11b-k-{name.lower()}-low": K_VALUES[name][0],
            f"ch11b-k-{name.lower()}-high": K_VALUES[name][1],
        }
    for key, (best, lo, hi) in rn_by_choice().items():
        out |= {
            f"ch11b-rn-{key}": best,
            f"ch11b-rn-{key}-lo": lo,
            f"ch11b-rn-{key}-hi": hi,
            f"ch11b-rn-{key}-shift": best - rn_default[0],
        }
    return out


def _band_numbers() -> dict:
    out = {}
    for (name, key), b in reactor_bands().items():
        p = f"ch11b-{name.lower()}-{key}"
        out |= {
            f"{p}-flip": b["flip"],
            f"{p}-width": b["same"][1, 1] - b["same"][1, 0],
            f"{p}-count": 100 * (b["scale"] - 1),
            f"{p}-dchi2": b["dchi2_sm"],
            f"{p}-mixed-lo": b["mixed"][0, 0],
            f"{p}-mixed-hi": b["mixed"][0, 1],
        }
    out["ch11b-level90"] = LEVEL90
    for name in REACTORS:
        per_isotope, n_reactor = flip_per_isotope(name), fits.templates_for(name).counts().sum()
        p = f"ch11b-{name.lower()}"
        out |= {
            f"{p}-flip-eq-lo": min(per_isotope),
            f"{p}-flip-eq-hi": max(per_isotope),
            f"{p}-width-est": width_estimate(name),
            f"{p}-n": n_reactor,
            f"{p}-stat": 100 / np.sqrt(n_reactor),
            f"{p}-flip-shift-radiative": reactor_bands()[name, "radiative"]["flip"]
            - reactor_bands()[name, "default"]["flip"],
        }
    out["ch11b-reactor-syst"] = 100 * experiments.get("CONUS").systematic
    return out


def _coherent_numbers() -> dict:
    csi = experiments.get(CSI)
    data = csi.data
    n_sm = csi.predict().sum()
    excess, anti, brn = data.excess.sum(), data.anticoincidence.sum(), data.brn_expected().sum()
    count_err = np.sqrt(excess + 2 * anti + brn)  # the sigma of the chi^2, one bin
    times = data.arrival_time[data.arrival_time["t_hi_us"] <= data.time_edges_us[-1]]
    n_prompt, n_delayed = prompt_and_delayed()
    windowed = experiments.get(CSI, arrival_time_cut_us=data.time_edges_us[-1])
    rn_window = best_lo_hi(csi_rn_interval(windowed))
    out = {
        "ch11b-sm-ours": n_sm,
        "ch11b-sm-ours-err": csi.systematic * n_sm,
        "ch11b-syst": 100 * csi.systematic,
        "ch11b-sm-coh": COHERENT_SM[0],
        "ch11b-sm-coh-err": COHERENT_SM[1],
        "ch11b-sm-diff": 100 * (n_sm / COHERENT_SM[0] - 1),
        "ch11b-fit-coh": COHERENT_FIT[0],
        "ch11b-fit-coh-err": COHERENT_FIT[1],
        "ch11b-excess": excess,
        "ch11b-count": excess - brn,
        "ch11b-count-err": count_err,
        "ch11b-err-ratio": count_err / COHERENT_FIT[1],
        "ch11b-brn-unc": 100 * data.brn_systematic,
        "ch11b-tmax": data.time_edges_us[-1],
        "ch11b-eff-delayed": times["delayed_neutrino"].sum(),
        "ch11b-n-prompt": n_prompt.sum(),
        "ch11b-n-delayed": n_delayed.sum(),
        "ch11b-n-window": windowed.predict().sum(),
        "ch11b-window-pct": 100 * (windowed.predict().sum() / n_sm - 1),
        "ch11b-rn-window": rn_window[0],
        "ch11b-rn-window-shift": rn_window[0] - csi_rn()[0],
        "ch11b-n-pe": data.energy_time["c_on"].shape[0],
        "ch11b-n-t": data.energy_time["c_on"].shape[1],
        "ch11b-off-days": data.beam_off_live_days,
        "ch11b-on-days": data.beam_on_live_days,
    }
    for beam_off, background, key in (
        (False, "per-bin", "on"),
        (True, "per-bin", "off"),
        (True, "flat-in-time", "flat-off"),
    ):
        best, lo, hi = best_lo_hi(signal_count_interval(beam_off, background))
        out |= {f"ch11b-lik-{key}": best, f"ch11b-lik-{key}-plus": hi - best, f"ch11b-lik-{key}-minus": best - lo}
    for key in ("on", "off"):
        out[f"ch11b-lik-diff-{key}"] = (out[f"ch11b-lik-{key}"] - COHERENT_FIT[0]) / COHERENT_FIT[1]
    best, lo, hi = csi_rn()
    out |= {
        "ch11b-cad": CADEDDU2018_RN_FM[0],
        "ch11b-cad-plus": CADEDDU2018_RN_FM[1],
        "ch11b-cad-minus": CADEDDU2018_RN_FM[2],
        "ch11b-rn-plus": hi - best,
        "ch11b-rn-minus": best - lo,
        "ch11b-cad-diff": best - CADEDDU2018_RN_FM[0],
    }
    return out


def _convention_numbers() -> dict:
    src = experiments.get("CONUS").source
    flux = reactor_flux_per_cm2_s()
    out = {}
    for name in REACTORS:
        e_min, seen = threshold_reach(name)
        out |= {f"ch11b-emin-{name.lower()}": e_min, f"ch11b-seen-{name.lower()}": 100 * seen}
    out |= {
        "ch11b-flux-conus": CONUS_FLUX_PER_CM2_S / 1e13,
        "ch11b-flux-ours": flux["kopeikin"] / 1e13,
        "ch11b-flux-diff": 100 * (flux["kopeikin"] / CONUS_FLUX_PER_CM2_S - 1),
        "ch11b-flux-below-pct": 100 * (1 - flux["cut"] / flux["kopeikin"]),
        "ch11b-nu-per-fission": _per_fission(flux["kopeikin"]),
        "ch11b-nu-per-fission-conus": _per_fission(CONUS_FLUX_PER_CM2_S),
        "ch11b-power": src.power_gw,
        "ch11b-ef": src.mean_energy_per_fission_mev,
    }
    csi = experiments.get(CSI)
    n_prompt, _ = prompt_and_delayed()
    out["ch11b-line"] = csi.source.prompt_energy_mev
    out["ch11b-prompt-share"] = 100 * n_prompt.sum() / csi.predict().sum()
    for e_line, key in zip(OTHER_LINES_MEV, ("2965", "29")):
        pct, rn_shift = csi_change(prompt_line_mev=e_line)
        out |= {f"ch11b-line-{key}": e_line, f"ch11b-line-{key}-pct": pct, f"ch11b-line-{key}-rn": rn_shift}
    sin2, rel_q, t_over_e = (
        csi_change(sin2_theta_w=constants.SIN2_THETA_W_MZ),
        csi_change(relativistic_q=True),
        csi_change(include_t_over_e=True),
    )
    out |= {
        "ch11b-sin2": constants.SIN2_THETA_W,
        "ch11b-sin2-mz": constants.SIN2_THETA_W_MZ,
        "ch11b-sin2-pct": sin2[0],
        "ch11b-sin2-rn": sin2[1],
        "ch11b-relq-pct": scientific(rel_q[0], 1),
        "ch11b-toe-pct": t_over_e[0],
        "ch11b-toe-rn": t_over_e[1],
        "ch11b-gf": Quoted(constants.G_F_GEV2 * 1e5, 10),
        "ch11b-gf-other": G_F_OTHER_GEV2 * 1e5,
        "ch11b-gf-pct": 100 * ((G_F_OTHER_GEV2 / constants.G_F_GEV2) ** 2 - 1),  # counts scale as G_F^2
        "ch11b-hbarc": Quoted(constants.HBARC_MEV_FM, 10),
        "ch11b-hbarc-other": HBARC_OTHER_MEV_FM,
        "ch11b-hbarc-pct": 100 * ((HBARC_OTHER_MEV_FM / constants.HBARC_MEV_FM) ** 2 - 1),  # and as (hbar c)^2
    }
    return out


def numbers() -> dict:
    """Every number chapter 11.2 quotes, keyed by its glue name (``ch11b-...``)."""
    return _rn_numbers() | _band_numbers() | _coherent_numbers() | _convention_numbers()
