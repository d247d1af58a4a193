"""Chapter 3, "Non-standard interactions" (``book/03_nsi.ipynb``): its numbers, tables and figures.

The chapter derives the weak charge with vector NSI (the paper's Eq. 2, Cañas et al. 2020, as
numbered in the ICHEP2020 proceedings), shows that one target measures one combination of
eps_ee^uV and eps_ee^dV up to a sign (the SM and flipped lines), compares those lines with the
full event templates, and follows the two neutrino flavours of a spallation source.
:func:`numbers` returns every number its prose quotes; the figure functions draw its figures.

Couplings are dimensionless (in units of G_F); radii in fm. External numbers: tree-level nucleon
couplings with sin^2 theta_W of PDG 2020 (:mod:`cevnslib.couplings`), natural abundances of
:mod:`cevnslib.nuclei`, and the setups of :mod:`cevnslib.experiments`.
"""

from __future__ import annotations

from functools import cache

import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import brentq, minimize_scalar

from .. import couplings, csi_likelihood, experiments, fits, notebook, nuclei, style
from ..couplings import NSI
from . import ch02

#: The four targets and the setup that uses each.
SETUPS = {"Si": "CONNIE", "Ge": "CONUS", "CsI": "COHERENT-CsI-2017", "NaI": "COHERENT-NaI"}
#: The coupling of the two-flavour example, eps^dV [choice].
EXAMPLE_EPS = 0.2
#: Bracket of the flipped eps_ee^dV of CsI at eps_ee^uV = +-0.1 that excludes the SM-line root.
FLIPPED_ONLY_BRACKET = (0.15, 1.0)
#: Couplings (eps^u, eps^d) of the rate figure: 401 points from -1 to 1 on each axis.
RATIO_GRID = np.linspace(-1.0, 1.0, 401)
#: eps_ee^dV and eps_mumu^dV of the two-flavour exercise figure.
MUMU_GRID = np.linspace(-0.2, 0.6, 321)


def quark_couplings() -> tuple[float, float]:
    """(g_V^u, g_V^d) from the tree-level nucleon couplings: g_V^p = 2 g_V^u + g_V^d, g_V^n = g_V^u + 2 g_V^d
    inverted."""
    gp, gn = couplings.nucleon_couplings()
    return (2 * gp - gn) / 3, (2 * gn - gp) / 3


def mean_zn(target: str) -> tuple[float, float]:
    """Abundance-weighted (Z, N) of a target, averaged over the nuclei of a formula unit for compounds."""
    t = nuclei.target(target)
    w = np.asarray(t.multiplicities) / np.sum(t.multiplicities)
    return float(w @ [n.Z for n in t.nuclei]), float(w @ [n.N for n in t.nuclei])


def analytic_line(target: str, nucleon_couplings: tuple[float, float] | None = None) -> tuple[float, float]:
    """(slope, intercept) of the flipped line eps_d = intercept + slope eps_u for the mean Z, N of ``target``.

    From :func:`cevnslib.couplings.flipped_eps_ee_d`; ``nucleon_couplings`` (g_V^p, g_V^n) default tree level.
    """
    z, n = mean_zn(target)
    icpt = float(couplings.flipped_eps_ee_d(z, n, couplings=nucleon_couplings))
    slope = float(couplings.flipped_eps_ee_d(z, n, NSI(ee_u=1.0), couplings=nucleon_couplings)) - icpt
    return slope, icpt


def template_flip(setup: str) -> tuple[float, float]:
    """(-B/A, I_ZN/I_ZZ) of the nu_e templates of ``setup``: the flipped eps_ee^dV from the quadratic
    form of Eq. (eq-ch3-template) and the event-weighted N/Z."""
    gp, gn = couplings.nucleon_couplings()
    t = fits.templates_for(setup)
    j = t.flavors.index("e")
    izz, izn, inn = (float(x[j].sum()) for x in (t.i_zz, t.i_zn_default, t.i_nn_default))
    a = izz + 4 * izn + 4 * inn
    b = 2 * gp * izz + 2 * (2 * gp + gn) * izn + 4 * gn * inn
    return -b / a, izn / izz


def ellipse_half_axes(setup: str) -> tuple[float, float]:
    """(long, short) half-axes of the curve N_e = N_e,SM of ``setup`` in the (eps_ee^uV, eps_ee^dV) plane."""
    gp, gn = couplings.nucleon_couplings()
    jac = np.array([[2.0, 1.0], [1.0, 2.0]])  # (a, b) = (g_V^p, g_V^n) + J (eps_u, eps_d)
    t = fits.templates_for(setup)
    j = t.flavors.index("e")
    izn = t.i_zn_default[j].sum()
    gram = np.array([[t.i_zz[j].sum(), izn], [izn, t.i_nn_default[j].sum()]])
    m, centre = jac @ gram @ jac, -np.linalg.solve(jac, [gp, gn])
    half_axes = np.sqrt(centre @ m @ centre / np.linalg.eigvalsh(m))
    return float(half_axes[0]), float(half_axes[1])


def nu_e_count(setup: str = "COHERENT-CsI-2017") -> float:
    """SM counts of ``setup`` from its nu_e alone (a reactor's anti-nu_e count is its whole count)."""
    t = experiments.get(setup).templates()
    j = t.flavors.index("e")
    pzz, pzn, pnn = couplings.nucleon_charge_factors("e", None, t.couplings)
    return float((pzz * t.i_zz[j] + 2 * pzn * t.i_zn_default[j] + pnn * t.i_nn_default[j]).sum())


def nu_e_share(setup: str = "COHERENT-CsI-2017") -> float:
    """Fraction of the SM counts of ``setup`` that its nu_e give."""
    return nu_e_count(setup) / float(experiments.get(setup).templates().counts().sum())


def flip_table() -> str:
    """Flipped eps_ee^dV of each setup: analytic (mean Z, N), from the templates, their difference, event-weighted
    N/Z."""
    lines = [f"{'target':8s}{'setup':20s}{'analytic':>10s}{'templates':>11s}{'difference':>12s}{'N/Z (events)':>14s}"]
    for target, setup in SETUPS.items():
        icpt = analytic_line(target)[1]
        exact = fits.setup_flipped_eps_ee_d(setup)
        lines.append(
            f"{target:8s}{setup:20s}{icpt:10.5f}{exact:11.5f}{exact - icpt:+12.5f}{template_flip(setup)[1]:14.4f}"
        )
    return "\n".join(lines)


def flavour_example_counts() -> dict[str, tuple[float, float]]:
    """Expected (CsI 2017, CONUS) counts in the SM and with eps^dV = :data:`EXAMPLE_EPS` in ee, mumu or both."""
    csi, conus = experiments.get("COHERENT-CsI-2017").templates(), experiments.get("CONUS").templates()
    cases = {
        "SM": NSI(),
        "eps_ee^dV": NSI(ee_d=EXAMPLE_EPS),
        "eps_mumu^dV": NSI(mm_d=EXAMPLE_EPS),
        "both": NSI(ee_d=EXAMPLE_EPS, mm_d=EXAMPLE_EPS),
    }
    return {label: (float(csi.counts(nsi).sum()), float(conus.counts(nsi).sum())) for label, nsi in cases.items()}


def flavour_example_table() -> str:
    """The counts of :func:`flavour_example_counts` as a text table."""
    lines = [f"{'eps^dV = ' + format(EXAMPLE_EPS, 'g'):16s}{'CsI 2017 counts':>16s}{'CONUS counts':>15s}"]
    labels = {"SM": "SM", "eps_ee^dV": "in ee", "eps_mumu^dV": "in mumu", "both": "in ee and mumu"}
    for label, (n_csi, n_conus) in flavour_example_counts().items():
        lines.append(f"{labels[label]:16s}{n_csi:16.1f}{n_conus:15.1f}")
    return "\n".join(lines)


def count_minimum(rn_fm: float | None = None) -> tuple[float, float]:
    """(eps_ee^dV, count / SM count) where the CsI 2017 count is smallest at eps_ee^uV = 0, for neutron radius
    ``rn_fm``.

    ``scipy.optimize.minimize_scalar`` on (0, 0.4) over the templates of
    :func:`cevnslib.fits.templates_for`; ``rn_fm`` None takes R_n = R_p. Raises ValueError (from
    the templates) for an R_n outside their grid.
    """
    t = fits.templates_for("COHERENT-CsI-2017")

    def total(ed):
        return t.counts(NSI(ee_d=ed), rn_fm=rn_fm).sum()

    best = minimize_scalar(total, bounds=(0.0, 0.4), method="bounded", options={"xatol": 1e-9}).x
    return float(best), float(total(best) / t.counts(rn_fm=rn_fm).sum())


def universal_point_rows() -> list[tuple[str, float | None, float, float]]:
    """(setup, R_n or None, N(eps = -2 g_V)/N_SM, N(eps = -g_V)/N_SM) for the four setups; R_n = 4.5
    and 5.5 fm as well for the spallation targets."""
    gvu, gvd = quark_couplings()
    at_univ, at_zero = NSI(ee_u=-2 * gvu, ee_d=-2 * gvd), NSI(ee_u=-gvu, ee_d=-gvd)
    rows = []
    for setup in SETUPS.values():
        t = fits.templates_for(setup)
        for rn in (None,) if setup in ("CONUS", "CONNIE") else (None, 4.5, 5.5):
            n_sm = t.counts(rn_fm=rn).sum()
            left = round(max(float(t.counts(at_zero, rn_fm=rn).sum() / n_sm), 0.0), 12)  # rounding may leave +-1e-30
            rows.append((setup, rn, float(t.counts(at_univ, rn_fm=rn).sum() / n_sm), left))
    return rows


def universal_point_table() -> str:
    """The rows of :func:`universal_point_rows` as a text table."""
    lines = [f"{'setup':18s}{'R_n':>8s}{'N(-2 g_V) / N_SM':>18s}{'N(-g_V) / N_SM':>16s}"]
    for setup, rn, univ, left in universal_point_rows():
        lines.append(f"{setup:18s}{'R_p' if rn is None else f'{rn:.1f} fm':>8s}{univ:18.6f}{left:16.4f}")
    return "\n".join(lines)


@cache
def _csi_sm_count() -> float:
    return float(fits.templates_for("COHERENT-CsI-2017").counts().sum())


def flipped_eps_mumu_d() -> float:
    """The non-zero eps_mumu^dV (eps_ee = 0) at which the CsI 2017 count equals the SM one (brentq, xtol 1e-12)."""
    t = fits.templates_for("COHERENT-CsI-2017")
    return brentq(lambda x: t.counts(NSI(mm_d=x)).sum() - _csi_sm_count(), 0.05, 1.5, xtol=1e-12)


def count_curvature(flavor: str) -> float:
    """Second-order coefficient A of the CsI 2017 count in eps^dV of ``flavor`` ("e" or "mu"), from a
    parabola through eps = -0.1, 0, 0.1. Raises ValueError for another flavour."""
    field = {"e": "ee_d", "mu": "mm_d"}
    if flavor not in field:
        raise ValueError(f"flavor {flavor!r} must be 'e' or 'mu'")
    t = fits.templates_for("COHERENT-CsI-2017")
    x = [-0.1, 0.0, 0.1]
    return float(np.polyfit(x, [t.counts(NSI(**{field[flavor]: v})).sum() for v in x], 2)[0])


def sign_flip_points() -> dict[str, NSI]:
    """The four points of the two-flavour ellipse of CsI 2017 where each flavour keeps the size of its SM
    charge: the SM, eps_ee^dV flipped, eps_mumu^dV flipped, and both flipped (eps_ee^uV = 0)."""
    flip_ee, flip_mm = fits.setup_flipped_eps_ee_d("COHERENT-CsI-2017"), flipped_eps_mumu_d()
    return {
        "SM": NSI(),
        "ee flipped": NSI(ee_d=flip_ee),
        "mumu flipped": NSI(mm_d=flip_mm),
        "both flipped": NSI(ee_d=flip_ee, mm_d=flip_mm),
    }


def flavour_spectrum_deviations() -> dict[str, dict[str, float]]:
    """At each point of :func:`sign_flip_points`, the largest abs(N/N_SM - 1) over the 12 PE bins of
    COHERENT CsI 2017, for each incident flavour (``"e"``: delayed nu_e; ``"mu"``: prompt nu_mu
    and delayed anti-nu_mu). Dimensionless."""
    t = fits.templates_for("COHERENT-CsI-2017")
    out = {}
    for label, nsi in sign_flip_points().items():
        out[label] = {}
        for flavor in t.flavors:
            part = t.of_flavor(flavor)
            out[label][flavor] = float(np.max(np.abs(part.counts(nsi) / part.counts() - 1)))
    return out


def time_cell_changes_events() -> dict[str, float]:
    """At each point of :func:`sign_flip_points`, the largest abs(change) of the expected CEvNS events
    in the 12 PE x 12 arrival-time cells of the CsI 2017 data release (events; from
    :meth:`cevnslib.csi_likelihood.CsI2017Likelihood.signal_cells`)."""
    cells = csi_likelihood.CsI2017Likelihood()
    sm = cells.signal_cells()
    return {label: float(np.max(np.abs(cells.signal_cells(nsi) - sm))) for label, nsi in sign_flip_points().items()}


def sign_flip_table() -> str:
    """The deviations of :func:`flavour_spectrum_deviations` and :func:`time_cell_changes_events` as a text table."""
    dev, cells = flavour_spectrum_deviations(), time_cell_changes_events()
    lines = [f"{'point':14s}{'nu_e, per PE bin':>18s}{'nu_mu + anti-nu_mu':>20s}{'energy x time cells':>21s}"]
    for label in dev:
        lines.append(
            f"{label:14s}{100 * dev[label]['e']:17.3f}%{100 * dev[label]['mu']:19.3f}%{cells[label]:14.4f} events"
        )
    return "\n".join(lines)


def numbers() -> dict:
    """Every number chapter 3 quotes, keyed by its glue name (see :func:`cevnslib.notebook.glue_all`)."""
    gvu, gvd = quark_couplings()
    out = {"ch3-gvu": gvu, "ch3-gvd": gvd}
    # qR of the detected events, from chapter 2: the median for CONUS (74Ge), the central 90% for CsI (133Cs).
    for _, setup, name, key in ch02.Q_SAMPLES:
        (q05, q50, q95), _ = ch02.q_summary(setup, name)
        radius = nuclei.nucleus(name).charge_radius_fm
        if key == "conus":
            out["ch3-qr-med-conus"] = q50 * radius / ch02.HBARC_MEV_FM
        else:
            out["ch3-qr-lo-csi"], out["ch3-qr-hi-csi"] = (q * radius / ch02.HBARC_MEV_FM for q in (q05, q95))
    radiative = couplings.nucleon_couplings("radiative")
    lines = {}
    for target in SETUPS:
        lines[target] = analytic_line(target)
        z, n = mean_zn(target)
        out[f"ch3-slope-{target.lower()}"] = lines[target][0]
        out[f"ch3-icpt-{target.lower()}"] = lines[target][1]
        out[f"ch3-icpt-rad-{target.lower()}"] = float(couplings.flipped_eps_ee_d(z, n, couplings=radiative))
    for target, setup in SETUPS.items():
        exact = fits.setup_flipped_eps_ee_d(setup)
        out[f"ch3-flip-{target.lower()}"] = exact
        out[f"ch3-flipdiff-{target.lower()}"] = exact - lines[target][1]
    out["ch3-nai-thr"] = experiments.get("COHERENT-NaI").detector.threshold
    for target, setup in SETUPS.items():
        out[f"ch3-nz-{target.lower()}"] = template_flip(setup)[1]
    for key, setup in (("nai", "COHERENT-NaI"), ("ge", "CONUS")):
        long_axis, short_axis = ellipse_half_axes(setup)
        out[f"ch3-ellipse-{key}"] = long_axis
        out[f"ch3-ellipse-{key}-short"] = short_axis
    efrac = nu_e_share()
    out["ch3-efrac-csi"] = efrac
    out["ch3-mufrac-csi"] = 1 - efrac

    out["ch3-univ-u"], out["ch3-univ-d"] = -2 * gvu, -2 * gvd
    (m_ge, c_ge), (m_si, c_si) = lines["Ge"], lines["Si"]
    out["ch3-mixed-gesi"] = min(abs(c_si / (m_ge - m_si)), abs(-c_ge / (m_ge - m_si)))

    out["ch3-eps-example"] = EXAMPLE_EPS
    for label, (n_csi, n_conus) in flavour_example_counts().items():
        key = label.split("^")[0].replace("_", "").lower()
        out[f"ch3-csi-{key}"] = n_csi
        out[f"ch3-conus-{key}"] = n_conus

    gp, gn = couplings.nucleon_couplings()
    for name in ("Cs133", "I127"):
        nuc = nuclei.nucleus(name)
        out[f"ch3-zero-{name[:-3].lower()}"] = -(nuc.Z * gp + nuc.N * gn) / (nuc.Z + 2 * nuc.N)
    zero = template_flip("COHERENT-CsI-2017")[0] / 2
    out["ch3-zero-csi"] = zero
    csi = experiments.get("COHERENT-CsI-2017").templates()
    n_e = nu_e_count("COHERENT-CsI-2017")
    resid = csi.counts(NSI(ee_d=zero)).sum() / n_e - (1 - efrac) / efrac  # nu_e count / its SM value
    out["ch3-zero-resid"] = notebook.scientific(notebook.book_precision(resid, 3), 1)

    # Exercise: the slope of the flipped band.
    up, down = (
        fits.setup_flipped_eps_ee_d("COHERENT-CsI-2017", NSI(ee_u=u), bracket=FLIPPED_ONLY_BRACKET) for u in (0.1, -0.1)
    )
    slope = (up - down) / 0.2
    for name in ("Cs133", "I127"):
        nuc = nuclei.nucleus(name)
        out[f"ch3-ex-slope-{name[:-3].lower()}"] = -(2 * nuc.Z + nuc.N) / (nuc.Z + 2 * nuc.N)
    out["ch3-ex-slope-templates"] = slope
    out["ch3-ex-nz-eff"] = -(2 + slope) / (1 + 2 * slope)

    # Exercise: where the nu_e charge of CsI vanishes.
    for key, rn in (("default", None), ("skin", 5.5)):
        best, fraction = count_minimum(rn)
        out[f"ch3-ex-zero-{key}"] = best
        out[f"ch3-ex-zero-frac-{key}"] = fraction

    # Exercise: the point no CEvNS measurement can see.
    names = {setup: target.lower() for target, setup in SETUPS.items()}
    for setup, rn, _, left in universal_point_rows():
        if rn is None:
            out[f"ch3-ex-zero-left-{names[setup]}"] = left

    # Exercise: two flavours at the SNS.
    flip_mm, flip_ee = flipped_eps_mumu_d(), fits.setup_flipped_eps_ee_d("COHERENT-CsI-2017")
    out["ch3-ex-flip-mm"] = flip_mm
    out["ch3-ex-flip-ee"] = flip_ee
    out["ch3-ex-flip-diff"] = notebook.scientific(notebook.book_precision(abs(flip_mm - flip_ee), 2), 1)
    out["ch3-ex-axis-ratio"] = float(np.sqrt(count_curvature("e") / count_curvature("mu")))
    out["ch3-ex-sqrt-e-over-mu"] = float(np.sqrt(efrac / (1 - efrac)))
    dev = flavour_spectrum_deviations()
    out["ch3-ex-mumu-dev-e-pct"] = 100 * max(d["e"] for d in dev.values())
    out["ch3-ex-mumu-dev-mu-pct"] = 100 * max(d["mu"] for d in dev.values())
    out["ch3-ex-mumu-cell-events"] = max(time_cell_changes_events().values())
    return out


def ratio_figure() -> plt.Figure:
    """N(eps_ee^uV, eps_ee^dV) / N_SM for CONUS (left) and COHERENT CsI 2017 (right), with the contour
    N = N_SM of the templates and the analytic SM and flipped lines for the mean Z and N."""
    style.apply()
    c = style.COLORS
    eps = RATIO_GRID
    u, d = np.meshgrid(eps, eps, indexing="xy")
    fig, axes = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 3.5), constrained_layout=True, sharey=True)
    for ax, (setup, target) in zip(axes, (("CONUS", "Ge"), ("COHERENT-CsI-2017", "CsI"))):
        t = experiments.get(setup).templates()
        ratio = t.counts(NSI(ee_u=u, ee_d=d)).sum(axis=-1) / t.counts().sum()
        im = ax.pcolormesh(eps, eps, np.log10(ratio), cmap="RdBu_r", vmin=-2, vmax=2, shading="auto", rasterized=True)
        ax.contour(eps, eps, ratio, levels=[1.0], colors=c["black"], linewidths=2.5)
        slope, icpt = analytic_line(target)
        ax.plot(eps, slope * eps, color=c["orange"], ls="--", lw=1.6, label="SM line")
        ax.plot(eps, icpt + slope * eps, color=c["orange"], ls=":", lw=2.0, label="flipped line")
        ax.plot(0, 0, "k+", ms=10)
        ax.set(xlim=(-1, 1), ylim=(-1, 1), xlabel=r"$\varepsilon_{ee}^{uV}$", title=setup)
    axes[0].set_ylabel(r"$\varepsilon_{ee}^{dV}$")
    axes[0].legend(loc="lower left", fontsize=8.5)
    fig.colorbar(im, ax=axes, label=r"$\log_{10}\,N/N_{\rm SM}$")
    return fig


def lines_figure() -> plt.Figure:
    """The SM (dashed) and flipped (solid) lines of the four targets; right: eps_d + eps_u on the
    vertical axis. The origin, the universal point eps^qV = -2 g_V^q and the point of zero charge are marked."""
    style.apply()
    c = style.COLORS
    gvu, gvd = quark_couplings()
    univ = (-2 * gvu, -2 * gvd)
    x = np.linspace(-1.0, 1.0, 3)
    colors = (c["blue"], c["black"], c["vermillion"], c["reddish purple"])
    fig, axes = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 3.6), constrained_layout=True)
    for ax, shear in zip(axes, (0.0, 1.0)):  # right: eps_d + eps_u opens the fan
        for target, color in zip(SETUPS, colors):
            m, icpt = analytic_line(target)
            ax.plot(x, (m + shear) * x, color=color, lw=1.2, ls="--")
            ax.plot(x, icpt + (m + shear) * x, color=color, lw=1.8, label=f"{target}: slope {m:.3f}")
        ax.plot(0, 0, "ko", ms=6)
        ax.plot(univ[0], univ[1] + shear * univ[0], "k*", ms=12, label=r"$\varepsilon^{qV} = -2g_V^q$")
        ax.plot(-gvu, -gvd - shear * gvu, "kx", ms=8, label=r"$Q = 0$ for all nuclei")
        ax.set(xlim=(-1, 1), xlabel=r"$\varepsilon_{ee}^{uV}$")
    axes[0].set(ylim=(-1, 1), ylabel=r"$\varepsilon_{ee}^{dV}$")
    axes[1].set(ylim=(-0.15, 0.55), ylabel=r"$\varepsilon_{ee}^{dV} + \varepsilon_{ee}^{uV}$")
    axes[0].legend(fontsize=8, loc="lower left")
    return fig


def mumu_figure() -> plt.Figure:
    """The curve N(eps_ee^dV, eps_mumu^dV) = N_SM of COHERENT CsI 2017 (an ellipse), its centre, and
    the four points where each flavour has its SM or its flipped charge."""
    style.apply()
    c = style.COLORS
    grid = MUMU_GRID
    e_ee, e_mm = np.meshgrid(grid, grid, indexing="xy")
    t = fits.templates_for("COHERENT-CsI-2017")
    ratio = t.counts(NSI(ee_d=e_ee, mm_d=e_mm)).sum(axis=-1) / _csi_sm_count()
    flip_ee, flip_mm = fits.setup_flipped_eps_ee_d("COHERENT-CsI-2017"), flipped_eps_mumu_d()
    fig, ax = plt.subplots(figsize=(0.62 * style.FULL_WIDTH_IN, 4.0), constrained_layout=True)
    ax.contour(grid, grid, ratio, levels=[1.0], colors=c["black"], linewidths=2)
    ax.plot(
        [0, flip_ee, 0, flip_ee],
        [0, 0, flip_mm, flip_mm],
        "o",
        color=c["vermillion"],
        ms=7,
        label="SM or flipped charge\nin each flavour",
    )
    ax.plot(flip_ee / 2, flip_mm / 2, "k+", ms=12, label="centre")
    ax.set(xlabel=r"$\varepsilon_{ee}^{dV}$", ylabel=r"$\varepsilon_{\mu\mu}^{dV}$", aspect="equal")
    ax.legend(fontsize=8.5, loc="lower center")
    return fig
