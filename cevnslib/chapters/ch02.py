"""Chapter 2, "Nuclear form factors and the neutron radius" (``book/02_form_factors.ipynb``).

The chapter compares the three form-factor models of :mod:`cevnslib.form_factors` at equal rms
radius, finds the momentum transfers at which CONUS and COHERENT CsI collect their events, fixes
the proton radius from charge radii and shows why a spallation source measures the neutron radius
R_n and a reactor does not. :func:`numbers` returns every number its prose quotes; the figure
functions draw its two figures; the other functions return the rows of its tables.

Units: momentum transfers q in MeV (q / hbar c in fm^-1), radii in fm, recoil energies in keV.
External numbers: the Helm, Klein-Nystrand and symmetrised-Fermi surface parameters of
:mod:`cevnslib.form_factors` (Lewin & Smith 1996, Klein & Nystrand 1999, Sprung & Martorell 1997),
charge radii of Angeli & Marinova 2013 (:mod:`cevnslib.nuclei`), the proton charge radius (CODATA
2018), the neutron mean-square charge radius (PDG 2020) and the setups of
:mod:`cevnslib.experiments` (the 28% CsI signal uncertainty of COHERENT, Akimov et al. 2017).
"""

from __future__ import annotations

import dataclasses
from functools import cache

import matplotlib.pyplot as plt
import numpy as np
from scipy.integrate import simpson

from .. import (
    constants,
    cross_section,
    experiments,
    fits,
    form_factors,
    likelihood,
    notebook,
    nuclei,
    statistics,
    style,
)
from ..experiments import Experiment
from ..nuclei import Nucleus
from ..rates import EventTemplates

#: hbar c in MeV fm: q [MeV] / HBARC_MEV_FM = q [fm^-1].
HBARC_MEV_FM = constants.HBARC_MEV_FM
#: The three models, by their names in :func:`cevnslib.form_factors.get`, with the labels the chapter prints.
MODELS = {"helm": "Helm", "klein-nystrand": "Klein-Nystrand", "symmetrized-fermi": "symmetrised Fermi"}
#: R_n grid (fm) on which the chapter tabulates F_N in the templates [choice].
RN_GRID_FM = np.linspace(3.5, 7.0, 15)
#: A common neutron radius (fm) for comparisons at fixed R_n [choice].
RN_REFERENCE_FM = 5.0
#: The R_n range (fm) of the neutron-radius figure and its table.
RN_RANGE_FM = (4.0, 6.5)
#: The four setups of the book, with the labels of the neutron-radius figure.
SETUPS = {
    "COHERENT-CsI-2017": "COHERENT CsI (π-DAR)",
    "COHERENT-NaI": "COHERENT NaI (π-DAR, forecast)",
    "CONUS": "CONUS Ge (reactor)",
    "CONNIE": "CONNIE Si (reactor)",
}
#: Seed of the pseudo-data of the exercise "fit R_n to pseudo-data" [choice].
PSEUDO_DATA_SEED = 20200212
#: True neutron radius (fm) of those pseudo-data.
PSEUDO_DATA_RN_FM = 5.0
#: Exposures (multiples of the 2017 one) of those pseudo-data.
PSEUDO_DATA_SCALES = (1, 10, 100)
#: q_max (MeV) of the exercise "the radius from the slope of F at small q".
SLOPE_FIT_Q_MAX_MEV = (10.0, 30.0, 60.0, 100.0)

_SIZE_NAMES = {"helm": "R_0", "klein-nystrand": "R_A", "symmetrized-fermi": "c"}


def _key(setup: str) -> str:
    """Short glue key of a setup: csi, nai, conus, connie."""
    return setup.lower().replace("coherent-", "").replace("-2017", "")


def size_parameter_fm(model: str, radius_fm: float) -> float:
    """The size parameter of ``model`` (R_0, R_A or c, in fm) that gives the rms radius ``radius_fm``.

    Helm: R^2 = 3/5 R_0^2 + 3 s^2; Klein-Nystrand: R^2 = 3/5 R_A^2 + 6 a^2; symmetrised Fermi:
    R^2 = 3/5 c^2 + 7/5 (pi a)^2, with the surface parameters s, a of :mod:`cevnslib.form_factors`.
    Raises ValueError for an unknown model or a radius too small for the model's surface.
    """
    r2 = radius_fm**2
    if model == "helm":
        value2 = 5 / 3 * r2 - 5 * form_factors.HELM_SKIN_FM**2
    elif model == "klein-nystrand":
        value2 = 5 / 3 * (r2 - 6 * form_factors.KLEIN_NYSTRAND_RANGE_FM**2)
    elif model == "symmetrized-fermi":
        value2 = 5 / 3 * (r2 - 7 / 5 * (np.pi * form_factors.FERMI_DIFFUSENESS_FM) ** 2)
    else:
        raise ValueError(f"model {model!r} is unknown; allowed: {tuple(MODELS)}")
    if value2 <= 0:
        raise ValueError(f"radius_fm = {radius_fm} fm is too small for the {model} surface")
    return float(np.sqrt(value2))


def size_parameter_table(nucleus: Nucleus) -> str:
    """The size parameter of each model at the charge radius of ``nucleus``, as a text table."""
    radius = nucleus.charge_radius_fm
    lines = [f"{nucleus.name}, rms radius R = {radius:.4f} fm", f"{'model':18s}{'size parameter':>18s}"]
    for model, label in MODELS.items():
        lines.append(f"{label:18s}{_SIZE_NAMES[model]:>6s} = {size_parameter_fm(model, radius):.4f} fm")
    return "\n".join(lines)


def rms_from_curvature_fm(model: str, radius_fm: float) -> float:
    """R = sqrt(-6 dF/dq^2) at q = 0 (fm), by Richardson extrapolation of 6 [1 - F(q)] / q^2 from q = 2 and 4 MeV."""
    r2 = [6 * (1 - form_factors.get(model)(q, radius_fm)) / (q / HBARC_MEV_FM) ** 2 for q in (2.0, 4.0)]
    return float(np.sqrt((4 * r2[0] - r2[1]) / 3))


def symmetrized_fermi_density(r_fm, radius_fm: float) -> np.ndarray:
    """The symmetrised-Fermi density sinh(c/a) / [cosh(r/a) + cosh(c/a)] (unnormalised) of rms radius ``radius_fm``."""
    a = form_factors.FERMI_DIFFUSENESS_FM
    c = size_parameter_fm("symmetrized-fermi", radius_fm)
    return np.sinh(c / a) / (np.cosh(np.asarray(r_fm) / a) + np.cosh(c / a))


def event_distribution(experiment: Experiment, nucleus: Nucleus, n_points: int = 4000):
    """Recoil energies T (keV), momentum transfers q (MeV) and accepted events dN/dT (per keVnr) of one nucleus.

    The recoil spectrum of :meth:`~cevnslib.experiments.Experiment.recoil_spectrum` for ``nucleus``
    times the detector efficiency, on ``n_points`` geometric steps from the threshold to the
    smaller of the last bin edge and the largest recoil the source allows; arrays of shape (n_points,).
    """
    edges = experiment.detector.recoil_edges_kev(nucleus)
    e_top = max(c.line_mev or c.e_max_mev for c in experiment.source.components)
    t = np.geomspace(edges[0], min(edges[-1], cross_section.t_max_kev(e_top, nucleus.mass_gev)), n_points)
    dn_dt = experiment.recoil_spectrum(t).per_nucleus()[nucleus.name] * experiment.detector.efficiency(t, nucleus)
    return t, cross_section.momentum_transfer_mev(t, nucleus.mass_gev), dn_dt


@cache
def q_summary(setup: str, nucleus_name: str) -> tuple[tuple[float, float, float], float]:
    """((5%, 50%, 95% quantiles of q), rms q) over the expected events of one nucleus of a setup, in MeV."""
    t, q, dn_dt = event_distribution(experiments.get(setup), nuclei.nucleus(nucleus_name))
    cdf = np.concatenate([[0.0], np.cumsum((dn_dt[1:] + dn_dt[:-1]) / 2 * np.diff(t))])
    q_rms = float(np.sqrt(simpson(q**2 * dn_dt, x=t) / simpson(dn_dt, x=t)))
    return tuple(float(x) for x in np.interp([0.05, 0.5, 0.95], cdf / cdf[-1], q)), q_rms


#: The two event samples of the chapter's momentum-transfer table: (label, setup, nucleus, glue key).
Q_SAMPLES = (("CONUS, 74Ge", "CONUS", "Ge74", "conus"), ("COHERENT CsI, 133Cs", "COHERENT-CsI-2017", "Cs133", "csi"))


def q_table() -> str:
    """5%, 50% and 95% quantiles and the rms of q over the CONUS (74Ge) and CsI (133Cs) events, as text."""
    lines = [f"{'events':22s}{'q 5%':>8s}{'median':>8s}{'q 95%':>8s}{'rms q':>8s}   [MeV]"]
    for label, setup, name, _ in Q_SAMPLES:
        (q05, q50, q95), q_rms = q_summary(setup, name)
        lines.append(f"{label:22s}{q05:8.1f}{q50:8.1f}{q95:8.1f}{q_rms:8.1f}")
    return "\n".join(lines)


def csi_median_q_mev() -> float:
    """Median momentum transfer (MeV) of the expected COHERENT CsI events on 133Cs."""
    return q_summary("COHERENT-CsI-2017", "Cs133")[0][1]


@cache
def _counts(setup: str, **overrides) -> float:
    return float(experiments.get(setup, **overrides).predict().sum())


@cache
def rn_templates(setup: str) -> EventTemplates:
    """The cached templates of ``setup`` (R_n grid of its form factor), all bins summed (cached).

    NaI's R_n is iodine's, sodium sharing its neutron skin (``neutron_radii="skin"``, chapter 9).
    """
    return experiments.get(setup).cached_templates.summed()


def log_slope_per_fm(setup: str, rn_fm: float = RN_REFERENCE_FM, h_fm: float = 0.01) -> float:
    """d ln N / d R_n (fm^-1) of the total count of ``setup``, by a central difference of step ``h_fm``."""
    t = rn_templates(setup)
    up, down = (t.counts(rn_fm=rn_fm + d)[0] for d in (h_fm, -h_fm))
    return float((np.log(up) - np.log(down)) / (2 * h_fm))


def rn_table() -> str:
    """Counts at the ends of :data:`RN_RANGE_FM`, their change and d ln N / dR_n at 5 fm, per setup, as text."""
    lo, hi = RN_RANGE_FM
    lines = [f"{'setup':20s}{f'N({lo:g} fm)':>10s}{f'N({hi:g} fm)':>11s}{'change':>9s}{'dlnN/dR_n at 5 fm':>20s}"]
    for setup in SETUPS:
        t = rn_templates(setup)
        n_lo, n_hi = t.counts(rn_fm=lo)[0], t.counts(rn_fm=hi)[0]
        lines.append(
            f"{setup:20s}{n_lo:10.1f}{n_hi:11.1f}{100 * (n_hi / n_lo - 1):8.1f}%{log_slope_per_fm(setup):17.4f} /fm"
        )
    return "\n".join(lines)


def proton_radius_table() -> str:
    """Charge radius, point-proton radius and their difference for 133Cs and 127I (fm), as text."""
    lines = [f"{'nucleus':8s}{'R_ch [fm]':>11s}{'R_p point [fm]':>16s}{'difference':>12s}"]
    for name in ("Cs133", "I127"):
        nuc = nuclei.nucleus(name)
        r_charge, r_point = nuc.proton_radius_fm("charge"), nuc.proton_radius_fm("point")
        lines.append(f"{name:8s}{r_charge:11.4f}{r_point:16.4f}{r_charge - r_point:12.4f}")
    return "\n".join(lines)


def radius_from_slope_fit(q_max_mev: float, radius_fm: float | None = None) -> tuple[float, float]:
    """Rms radius (fm) of 133Cs read off its Helm F(q) by least squares at 20 points in (0, q_max].

    Returns (R from 1 - F = c1 q^2, R from 1 - F = c1 q^2 - c2 q^4), both sqrt(6 c1). ``radius_fm``
    is the true radius (default the charge radius of 133Cs).
    """
    radius = nuclei.nucleus("Cs133").charge_radius_fm if radius_fm is None else radius_fm
    q = np.linspace(q_max_mev / 20, q_max_mev, 20) / HBARC_MEV_FM  # fm^-1
    one_minus_f = 1 - form_factors.helm(q * HBARC_MEV_FM, radius)
    c1 = np.sum(one_minus_f * q**2) / np.sum(q**4)  # least squares through the origin
    (c1_b, _), *_ = np.linalg.lstsq(np.column_stack([q**2, -(q**4)]), one_minus_f, rcond=None)
    return float(np.sqrt(6 * c1)), float(np.sqrt(6 * c1_b))


@cache
def pseudo_data_fits() -> tuple[dict, ...]:
    """Statistics-only R_n fits of COHERENT CsI pseudo-data, one per exposure of :data:`PSEUDO_DATA_SCALES`.

    Poisson pseudo-data in the 12 PE bins at R_n = :data:`PSEUDO_DATA_RN_FM`, drawn in turn from one
    generator seeded with :data:`PSEUDO_DATA_SEED`; the Poisson deviance
    (:func:`cevnslib.likelihood.poisson_deviance`) scanned over R_n on 1401 points. Each dict holds
    ``scale``, ``events``, ``best``, ``lo``, ``hi`` (the set where the deviance rises by at most 1),
    ``half_width`` and ``estimate`` = 1 / (sqrt(N) abs(d ln N / dR_n)), all in fm but the first two.
    """
    bins = experiments.get("COHERENT-CsI-2017").templates(rn_grid_fm=RN_GRID_FM)
    rn_scan = np.linspace(RN_GRID_FM[0], RN_GRID_FM[-1], 1401)
    rng = np.random.default_rng(PSEUDO_DATA_SEED)
    mu_true, mu_scan = bins.counts(rn_fm=PSEUDO_DATA_RN_FM), bins.counts(rn_fm=rn_scan)
    slope = abs(log_slope_per_fm("COHERENT-CsI-2017"))
    rows = []
    for scale in PSEUDO_DATA_SCALES:
        observed = rng.poisson(scale * mu_true)
        dchi2 = likelihood.poisson_deviance(observed, scale * mu_scan)
        dchi2 = dchi2 - dchi2.min()
        inside = rn_scan[dchi2 <= 1.0]
        lo, hi = float(inside[0]), float(inside[-1])
        rows.append(
            {
                "scale": scale,
                "events": int(observed.sum()),
                "best": float(rn_scan[np.argmin(dchi2)]),
                "lo": lo,
                "hi": hi,
                "half_width": (hi - lo) / 2,
                "estimate": float(1 / (np.sqrt(scale * mu_true.sum()) * slope)),
            }
        )
    return tuple(rows)


def pseudo_data_table() -> str:
    """The rows of :func:`pseudo_data_fits` as a text table."""
    lines = [
        f"{'exposure':>9s}{'events':>8s}{'best R_n':>10s}{'Delta chi2 <= 1 [fm]':>23s}"
        f"{'half-width':>12s}{'estimate':>10s}"
    ]
    for r in pseudo_data_fits():
        lines.append(
            f"{r['scale']:>8d}x{r['events']:8d}{r['best']:10.2f}      [{r['lo']:.2f}, {r['hi']:.2f}]"
            f"{r['half_width']:12.3f}{r['estimate']:10.3f}"
        )
    return "\n".join(lines)


def numbers() -> dict:
    """Every number chapter 2 quotes, keyed by its glue name (see :func:`cevnslib.notebook.glue_all`)."""
    cs, iodine = nuclei.nucleus("Cs133"), nuclei.nucleus("I127")
    radius = cs.charge_radius_fm
    out = {f"ch2-size-{model}": size_parameter_fm(model, radius) for model in MODELS}
    out.update(
        {
            "ch2-hbarc": notebook.Quoted(HBARC_MEV_FM, 7),
            "ch2-helm-s": form_factors.HELM_SKIN_FM,
            "ch2-kn-a": form_factors.KLEIN_NYSTRAND_RANGE_FM,
            "ch2-sf-a": form_factors.FERMI_DIFFUSENESS_FM,
            "ch2-rch-cs": radius,
        }
    )

    for _, setup, name, key in Q_SAMPLES:
        quantiles, q_rms = q_summary(setup, name)
        r_nuc = nuclei.nucleus(name).charge_radius_fm
        for tag, value in zip(("lo", "med", "hi", "rms"), (*quantiles, q_rms)):
            out[f"ch2-q{tag}-{key}"] = value
            out[f"ch2-qr{tag}-{key}"] = value * r_nuc / HBARC_MEV_FM

    q_med = csi_median_q_mev()
    for model in MODELS:
        out[f"ch2-f2med-{model}"] = float(form_factors.get(model)(q_med, radius) ** 2)
    out["ch2-f2med-expansion"] = 1 - (q_med * radius / HBARC_MEV_FM) ** 2 / 3
    out["ch2-spread-csi"] = model_spread("COHERENT-CsI-2017")
    out["ch2-spread-conus"] = notebook.scientific(model_spread("CONUS"), 1)
    model_shift = {
        model: _counts("COHERENT-CsI-2017", form_factor=model) / _counts("COHERENT-CsI-2017") - 1
        for model in ("klein-nystrand", "symmetrized-fermi")
    }
    for model, shift in model_shift.items():
        out[f"ch2-csi-{model}-pct"] = 100 * shift

    out.update(
        {
            "ch2-rp": constants.PROTON_CHARGE_RADIUS_FM,
            "ch2-rn2": constants.NEUTRON_MS_CHARGE_RADIUS_FM2,
            "ch2-df": constants.DARWIN_FOLDY_FM2,
        }
    )
    for nuc in (cs, iodine):
        r_charge, r_point = nuc.proton_radius_fm("charge"), nuc.proton_radius_fm("point")
        out[f"ch2-rch-{nuc.name.lower()}"] = r_charge
        out[f"ch2-rpoint-{nuc.name.lower()}"] = r_point
        out[f"ch2-rdiff-{nuc.name.lower()}"] = r_charge - r_point
    point = experiments.get("COHERENT-CsI-2017", proton_radius="point")
    at_fixed_rn = (
        point.templates(rn_grid_fm=RN_GRID_FM).summed().counts(rn_fm=RN_REFERENCE_FM)[0]
        / rn_templates("COHERENT-CsI-2017").counts(rn_fm=RN_REFERENCE_FM)[0]
        - 1
    )
    out["ch2-rn-ref"] = RN_REFERENCE_FM
    out["ch2-point-fixed-pct"] = 100 * at_fixed_rn
    out["ch2-point-default-pct"] = 100 * (
        _counts("COHERENT-CsI-2017", proton_radius="point") / _counts("COHERENT-CsI-2017") - 1
    )

    lo, hi = RN_RANGE_FM
    slopes = {}
    for setup in SETUPS:
        key = _key(setup)
        slopes[setup] = log_slope_per_fm(setup)
        n_lo, n_hi = (float(rn_templates(setup).counts(rn_fm=r)[0]) for r in (lo, hi))
        out[f"ch2-slope-{key}"] = slopes[setup]
        out[f"ch2-n4-{key}"] = n_lo
        out[f"ch2-n65-{key}"] = n_hi
        out[f"ch2-change-{key}-pct"] = 100 * (n_hi / n_lo - 1)
    csi = experiments.get("COHERENT-CsI-2017")
    out["ch2-slope-ratio"] = slopes["COHERENT-CsI-2017"] / slopes["CONUS"]
    out["ch2-pct-per-tenth"] = -100 * 0.1 * slopes["COHERENT-CsI-2017"]
    out["ch2-csi-syst-pct"] = 100 * csi.systematic
    out["ch2-csi-default"] = _counts("COHERENT-CsI-2017")
    q_rms = {key: q_summary(setup, name)[1] for _, setup, name, key in Q_SAMPLES}
    for key in ("csi", "conus"):
        out[f"ch2-estimate-{key}"] = -2 / 3 * RN_REFERENCE_FM * (q_rms[key] / HBARC_MEV_FM) ** 2
    out["ch2-q2-ratio"] = (q_rms["csi"] / q_rms["conus"]) ** 2
    for model, shift in model_shift.items():
        out[f"ch2-rn-equiv-{model}"] = abs(shift / slopes["COHERENT-CsI-2017"])

    # Exercise: three models at the CsI momentum transfer, for 127I.
    r_i = iodine.charge_radius_fm
    f2_i = {model: float(form_factors.get(model)(q_med, r_i) ** 2) for model in MODELS}
    out["ch2-ex-i-spread"] = max(f2_i.values()) - min(f2_i.values())
    out["ch2-ex-i-dr"] = float(form_factors.helm(q_med, r_i + 0.1) ** 2) - f2_i["helm"]
    out["ch2-ex-i-helm"] = f2_i["helm"]

    # Exercise: the radius from the slope of F at small q.
    for q_max in SLOPE_FIT_Q_MAX_MEV:
        r_lin, r_quad = radius_from_slope_fit(q_max)
        out[f"ch2-ex-slope-lin-{q_max:.0f}"] = r_lin
        out[f"ch2-ex-slope-quad-{q_max:.0f}"] = r_quad
        out[f"ch2-ex-slope-dev-{q_max:.0f}-pct"] = 100 * (r_lin / radius - 1)

    # Exercise: fit R_n to pseudo-data.
    for row in pseudo_data_fits():
        out[f"ch2-ex-fit-best-{row['scale']}"] = row["best"]
        out[f"ch2-ex-fit-half-{row['scale']}"] = row["half_width"]
        out[f"ch2-ex-fit-est-{row['scale']}"] = row["estimate"]
    out["ch2-ex-fit-floor"] = csi.systematic / abs(slopes["COHERENT-CsI-2017"])
    stat_lo, stat_hi = csi2017_statistical_rn_interval().single_piece()
    full_lo, full_hi = fits.csi2017_rn_interval().single_piece()
    out["ch2-ex-fit-stat-lo"] = stat_lo
    out["ch2-ex-fit-stat-hi"] = stat_hi
    out["ch2-ex-fit-stat-half"] = (stat_hi - stat_lo) / 2
    out["ch2-ex-fit-stat-ratio"] = (stat_hi - stat_lo) / 2 / pseudo_data_fits()[0]["half_width"]
    out["ch2-ex-fit-full-half"] = (full_hi - full_lo) / 2
    return out


def model_spread(setup: str) -> float:
    """Largest abs(F^2_model - F^2_Helm) of 133Cs (charge radius) over the central 90% of the events of ``setup``.

    ``setup`` is "CONUS" (its 74Ge events) or "COHERENT-CsI-2017" (its 133Cs events); the models
    are compared on a 0.2 MeV grid of q. Raises ValueError for another setup.
    """
    samples = {s: n for _, s, n, _ in Q_SAMPLES}
    if setup not in samples:
        raise ValueError(f"setup {setup!r} has no momentum window here; allowed: {tuple(samples)}")
    (q05, _, q95), _ = q_summary(setup, samples[setup])
    q = np.linspace(0.0, 150.0, 751)
    radius = nuclei.nucleus("Cs133").charge_radius_fm
    f2 = {model: form_factors.get(model)(q, radius) ** 2 for model in MODELS}
    window = (q >= q05) & (q <= q95)
    return float(max(np.max(np.abs(f2[m] - f2["helm"])[window]) for m in MODELS))


def csi2017_statistical_rn_interval() -> statistics.Interval:
    """R_n interval (fm, Delta chi^2 <= 1) of the CsI 2017 12-bin chi^2 without its signal and BRN pulls.

    The fit of :func:`cevnslib.fits.csi2017_rn_interval` (the 12-bin chi^2 of chapter 8, after
    Cadeddu et al. 2018) with its two pulls, the 28% signal and 25% beam-related-neutron
    normalisation uncertainties, removed: what is left is the statistical part of the real error,
    from the bin variances N + 2 AC + B of the published data (excess N = coincidence minus
    anticoincidence counts AC, beam-related neutrons B), scanned on 201 points of
    :data:`cevnslib.fits.RN_SCAN_RANGE_FM`.
    """
    exp = experiments.get("COHERENT-CsI-2017")
    measurement, _ = fits.csi2017_measurement(exp, fits.templates_for("COHERENT-CsI-2017"))
    fit = statistics.Fit([dataclasses.replace(measurement, signal_pulls=(), background_pulls=())], {})
    return statistics.interval_1d(lambda rn: fit.chi2(None, rn), np.linspace(*fits.RN_SCAN_RANGE_FM, 201))


def _two_panels(height_in: float = 3.5):
    style.apply()
    return plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, height_in), constrained_layout=True)


def models_figure() -> plt.Figure:
    """Left: F^2 of 133Cs in the three models at its charge radius, with the small-q expansion.
    Right: differences from Helm. Shaded: the central 90% of the CONUS (74Ge) and CsI (133Cs) events."""
    c = style.COLORS
    radius = nuclei.nucleus("Cs133").charge_radius_fm
    q = np.linspace(0.0, 150.0, 751)
    f2 = {model: form_factors.get(model)(q, radius) ** 2 for model in MODELS}
    lines = {
        "helm": (c["black"], "-"),
        "klein-nystrand": (c["vermillion"], "--"),
        "symmetrized-fermi": (c["blue"], "-."),
    }
    windows = {
        "CONUS": (c["sky blue"], c["blue"], "Ge74"),
        "COHERENT-CsI-2017": (c["orange"], c["vermillion"], "Cs133"),
    }
    fig, (ax1, ax2) = _two_panels()
    for model, label in MODELS.items():
        color, ls = lines[model]
        ax1.plot(q, f2[model], color=color, ls=ls, label=label)
        if model != "helm":
            ax2.plot(q, f2[model] - f2["helm"], color=color, ls=ls, label=f"{label} $-$ Helm")
    ax1.plot(q, 1 - (q * radius / HBARC_MEV_FM) ** 2 / 3, color="0.4", ls=":", label=r"$1 - q^2R^2/3$")
    for ax in (ax1, ax2):
        for setup, (fill, edge, name) in windows.items():
            (q05, q50, q95), _ = q_summary(setup, name)
            ax.axvspan(q05, q95, color=fill, alpha=0.25, lw=0)
            ax.axvline(q50, color=edge, lw=0.9, ls="--")
        ax.set_xlim(0, 150)
        ax.set_xlabel(r"$q$ [MeV]")
        top = ax.secondary_xaxis(
            "top", functions=(lambda x: x * radius / HBARC_MEV_FM, lambda x: x * HBARC_MEV_FM / radius)
        )
        top.set_xlabel(r"$qR$ for $^{133}$Cs")
    (conus_q, _), (csi_q, _) = q_summary("CONUS", "Ge74"), q_summary("COHERENT-CsI-2017", "Cs133")
    ax1.text(conus_q[2] + 2, 0.06, "reactor\n(CONUS)", color=c["blue"], fontsize=9)
    ax1.text(csi_q[2] + 2, 0.45, "π-DAR\n(CsI)", color=c["vermillion"], fontsize=9)
    ax1.set_ylim(0, 1.02)
    ax1.set_ylabel(r"$F^2(q)$")
    ax1.legend(loc="upper right", fontsize=8.5)
    ax2.axhline(0, color="k", lw=0.8)
    ax2.set_ylabel(r"$F^2_\mathrm{model} - F^2_\mathrm{Helm}$")
    ax2.legend(loc="upper left", fontsize=8.5)
    return fig


def rn_figure() -> plt.Figure:
    """Left: expected CsI 2017 events against the common neutron radius of Cs and I (top axis: the
    neutron skin of 133Cs). Right: counts relative to R_n = 4 fm for the four setups."""
    c = style.COLORS
    cs, iodine = nuclei.nucleus("Cs133"), nuclei.nucleus("I127")
    rn = np.linspace(*RN_RANGE_FM, 101)
    counts = {setup: rn_templates(setup).counts(rn_fm=rn)[:, 0] for setup in SETUPS}
    look = {
        "COHERENT-CsI-2017": (c["vermillion"], "-"),
        "COHERENT-NaI": (c["orange"], "-."),
        "CONUS": (c["blue"], "--"),
        "CONNIE": (c["black"], ":"),
    }
    fig, (ax1, ax2) = _two_panels()
    ax1.plot(rn, counts["COHERENT-CsI-2017"], color=c["vermillion"])
    for nuc, ls in ((cs, "--"), (iodine, ":")):
        label = f"$R_p$ of $^{{{nuc.A}}}${nuc.name.rstrip('0123456789')}"
        ax1.axvline(nuc.proton_radius_fm(), color="0.4", ls=ls, lw=1.2, label=label)
    ax1.set_xlabel(r"$R_n$ [fm]")
    ax1.set_ylabel("expected CsI events (6–30 PE)")
    ax1.legend(loc="upper right", fontsize=8.5)
    skin = ax1.secondary_xaxis(
        "top", functions=(lambda x: x - cs.proton_radius_fm(), lambda x: x + cs.proton_radius_fm())
    )
    skin.set_xlabel(r"neutron skin $R_n - R_p$ of $^{133}$Cs [fm]")
    for setup, label in SETUPS.items():
        color, ls = look[setup]
        ax2.plot(rn, counts[setup] / counts[setup][0], color=color, ls=ls, label=label)
    ax2.set_xlabel(r"$R_n$ [fm]")
    ax2.set_ylabel(r"$N(R_n)\,/\,N(4\ \mathrm{fm})$")
    ax2.set_ylim(0, 1.05)
    ax2.legend(loc="lower left", fontsize=8.5)
    return fig
