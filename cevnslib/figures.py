"""The paper's figures as functions: each returns the matplotlib Figure, its scan data and a caption.

``figure1`` -- (eps_ee^uV, eps_ee^dV) for CONNIE, CONUS and their combination (one year each);
``figure2_left`` -- (R_n, eps_ee^dV) from the COHERENT CsI 2017 data, alone and with CONUS;
``figure2_right`` -- (R_n, eps_ee^dV) for NaI, CONNIE and NaI + CONNIE, with CONNIE at SM and +-30%;
``figure1_data`` -- Fig. 1 with real data: (eps_ee^uV, eps_ee^dV) from the COHERENT CsI 2021 and argon data
and their combination, beside the reactor forecasts of Fig. 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import experiments, fits, style, validation
from .couplings import NSI
from .statistics import delta_chi2_level

EPS_U_LABEL = r"$\varepsilon_{ee}^{uV}$"
EPS_D_LABEL = r"$\varepsilon_{ee}^{dV}$"
RN_LABEL = r"$R_n$ [fm]"


#: Colours of the regions (Okabe-Ito, colour-blind safe; see :mod:`cevnslib.style`).
C = style.COLORS
#: Contour lines are never thinner than this (points), so that narrow allowed regions stay visible.
MIN_LINE_WIDTH = 1.6


@dataclass
class FigureResult:
    """A figure, the grids it was drawn from (name -> array) and a caption stating its assumptions.

    The caption is MyST Markdown: maths between dollar signs, as the book renders it.
    """

    figure: plt.Figure
    data: dict[str, np.ndarray] = field(default_factory=dict)
    caption: str = ""


def _cl_text(confidence: float | None, sigma: float | None) -> str:
    return f"{sigma:g}$\\sigma$" if sigma is not None else f"{100 * confidence:g}% C.L."


def _axes(height_in: float = 5.6):
    """A figure at the full column width, in the book's style."""
    style.apply()
    return plt.subplots(figsize=(style.FULL_WIDTH_IN, height_in), constrained_layout=True)


def _result(fig, axes: dict, level: float, scans: dict, caption: str) -> FigureResult:
    """Bundle a figure with its axes, level and Delta chi^2 grids (keys "dchi2 <region>")."""
    data = {**axes, "level": np.array(level)}
    data.update({f"dchi2 {name}": grid for name, grid in scans.items()})
    return FigureResult(fig, data, caption)


def _region(ax, x, y, dchi2, level, color, linestyle="-", fill=False, linewidth=MIN_LINE_WIDTH):
    """Draw Delta chi^2 <= level over (x, y) grids indexed [x, y]: a filled area and its outline.

    The outline is drawn at least :data:`MIN_LINE_WIDTH` wide, so a region narrower than a pixel
    still shows as a line.
    """
    if fill:
        ax.contourf(x, y, dchi2.T, levels=[-1.0, level], colors=[color], alpha=0.40)
    ax.contour(
        x, y, dchi2.T, levels=[level], colors=[color], linestyles=[linestyle], linewidths=max(linewidth, MIN_LINE_WIDTH)
    )


def figure1(
    n_grid: tuple[int, int] = (401, 2001),
    eps_range: tuple[float, float] = (-1.0, 1.0),
    confidence: float = 0.90,
    systematics: fits.ReactorSystematics = fits.ReactorSystematics(),
) -> FigureResult:
    """Expected (eps_ee^uV, eps_ee^dV) regions of CONNIE (dotted), CONUS (solid) and their combination (red).

    ``n_grid`` is the number of (eps_u, eps_d) grid points: the bands are narrow in eps_d.
    SM Asimov data for one year of each; 4% normalisation systematic per experiment, of which
    ``systematics.flux`` is the reactor-flux part shared in the combination; two parameters.
    """
    eps_u, eps_d, scans = reactor_scans(n_grid, eps_range, systematics)
    level = delta_chi2_level(confidence, dof=2)
    fig, ax = _axes(6.4)
    _region(ax, eps_u, eps_d, scans["CONUS"], level, C["black"], "-")
    _region(ax, eps_u, eps_d, scans["CONNIE"], level, C["blue"], ":", linewidth=2.0)
    _region(ax, eps_u, eps_d, scans["CONUS + CONNIE"], level, C["vermillion"], fill=True, linewidth=3.0)
    ax.plot(0, 0, "k+", ms=10)
    ax.set(xlabel=EPS_U_LABEL, ylabel=EPS_D_LABEL, xlim=eps_range, ylim=eps_range)
    cl = _cl_text(confidence, None)
    ax.legend(
        handles=[
            Line2D([], [], color=C["blue"], ls=":", lw=2.0, label=f"CONNIE ({cl})"),
            Line2D([], [], color=C["black"], ls="-", lw=MIN_LINE_WIDTH, label=f"CONUS ({cl})"),
            Patch(color=C["vermillion"], alpha=0.40, label=f"CONUS + CONNIE ({cl})"),
        ],
        loc="upper right",
    )
    caption = (
        f"The paper's Fig. 1: expected {cl} regions (two parameters, $\\Delta\\chi^2 = {level:.2f}$) in the "
        "($\\varepsilon_{ee}^{uV}$, $\\varepsilon_{ee}^{dV}$) plane for one year of CONNIE (Si, 1 kg, 28 eVee) and "
        f"CONUS (Ge, 4 kg, 0.1 keVee), SM Asimov data, a {100 * systematics.total:g}% normalisation systematic "
        f"each, of which {100 * systematics.flux:g}% (the reactor flux) is shared in the combination; every "
        "other coupling is zero."
    )
    return _result(fig, {"eps_u": eps_u, "eps_d": eps_d}, level, scans, caption)


def reactor_scans(
    n_grid: tuple[int, int] = (401, 2001),
    eps_range: tuple[float, float] = (-1.0, 1.0),
    systematics: fits.ReactorSystematics = fits.ReactorSystematics(),
) -> tuple[np.ndarray, np.ndarray, dict]:
    """The Delta chi^2 grids of the paper's Fig. 1: (eps_u, eps_d, {"CONNIE", "CONUS", "CONUS + CONNIE": grid}).

    SM Asimov data for one year of each reactor experiment, grids indexed [eps_u, eps_d] (see :func:`figure1`).
    """
    eps_u = np.linspace(*eps_range, n_grid[0])
    eps_d = np.linspace(*eps_range, n_grid[1])
    u, d = eps_u[:, None], eps_d[None, :]
    conus = fits.asimov_measurement(experiments.get("CONUS"), fits.templates_for("CONUS"), systematics=systematics)
    connie = fits.asimov_measurement(experiments.get("CONNIE"), fits.templates_for("CONNIE"), systematics=systematics)
    scans = {
        "CONNIE": fits.scan(fits.combine(connie), NSI(ee_u=u, ee_d=d)),
        "CONUS": fits.scan(fits.combine(conus), NSI(ee_u=u, ee_d=d)),
        "CONUS + CONNIE": fits.scan(fits.combine(conus, connie), NSI(ee_u=u, ee_d=d)),
    }
    return eps_u, eps_d, scans


def figure1_data(confidence: float = 0.90, joint=None, reactor_grid: tuple[int, int] = (401, 2001)) -> FigureResult:
    """Fig. 1 with real data: (a) (eps_ee^uV, eps_ee^dV) from the COHERENT CsI 2021 (solid) and argon (dotted)
    data and their combination (filled); (b) the reactor forecasts of Fig. 1 (CONUS, CONNIE, combined).

    ``joint``: a :class:`cevnslib.lar_2020_fits.JointMap` of the plane ("ee_u", "ee_d") (default: the one
    of :func:`cevnslib.lar_2020_fits.results`); two parameters at ``confidence``; every other coupling
    zero and R_n = R_p. Panel (a) uses the Poisson likelihoods of the two data sets, nuisances profiled,
    their deviances added (independent data); panel (b) is :func:`figure1`'s. Raises ValueError for a
    joint map of another plane.
    """
    from . import lar_2020_fits

    joint = lar_2020_fits.results().ud if joint is None else joint
    if tuple(joint.couplings) != ("ee_u", "ee_d"):
        raise ValueError(f"joint must be a map of ('ee_u', 'ee_d'), got {joint.couplings}")
    level = delta_chi2_level(confidence, dof=2)
    reactor_u, reactor_d, reactor = reactor_scans(reactor_grid)
    style.apply()
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 4.2), constrained_layout=True, sharey=True)
    maps = joint.maps
    x, y = maps["CsI"].x, maps["CsI"].y
    # The combination first: its outline lies on the single targets' edges, which must stay visible on top.
    _region(ax, x, y, maps["combined"].delta, level, C["vermillion"], fill=True, linewidth=2.2)
    _region(ax, x, y, maps["CsI"].delta, level, C["black"], "-")
    _region(ax, x, y, maps["argon"].delta, level, C["blue"], ":", linewidth=2.0)
    _region(bx, reactor_u, reactor_d, reactor["CONUS + CONNIE"], level, C["vermillion"], fill=True, linewidth=2.2)
    _region(bx, reactor_u, reactor_d, reactor["CONUS"], level, C["black"], "-")
    _region(bx, reactor_u, reactor_d, reactor["CONNIE"], level, C["blue"], ":", linewidth=2.0)
    span = (float(min(x[0], reactor_u[0])), float(max(x[-1], reactor_u[-1])))
    for axis, title in ((ax, "(a) COHERENT data"), (bx, "(b) reactor forecasts (Fig. 1)")):
        axis.plot(0, 0, "k+", ms=9)
        axis.set(xlabel=EPS_U_LABEL, xlim=span, ylim=span, title=title)
    ax.set(ylabel=EPS_D_LABEL)
    ax.legend(
        handles=[
            Line2D([], [], color=C["black"], lw=MIN_LINE_WIDTH, label="CsI 2021"),
            Line2D([], [], color=C["blue"], ls=":", lw=2.0, label="argon"),
            Patch(color=C["vermillion"], alpha=0.40, label="CsI + argon"),
        ],
        loc="upper right",
        fontsize=8,
    )
    bx.legend(
        handles=[
            Line2D([], [], color=C["black"], lw=MIN_LINE_WIDTH, label="CONUS"),
            Line2D([], [], color=C["blue"], ls=":", lw=2.0, label="CONNIE"),
            Patch(color=C["vermillion"], alpha=0.40, label="CONUS + CONNIE"),
        ],
        loc="upper right",
        fontsize=8,
    )
    caption = figure1_data_caption(confidence)
    data = {"eps_u": x, "eps_d": y, "reactor_eps_u": reactor_u, "reactor_eps_d": reactor_d}
    scans = {"CsI 2021": maps["CsI"].delta, "argon": maps["argon"].delta, "CsI 2021 + argon": maps["combined"].delta}
    scans |= {f"reactor {name}": grid for name, grid in reactor.items()}
    return _result(fig, data, level, scans, caption)


def figure1_data_caption(confidence: float = 0.90) -> str:
    """The caption of :func:`figure1_data` at ``confidence`` (MyST Markdown). Raises ValueError for a confidence
    level outside (0, 1)."""
    level = delta_chi2_level(confidence, dof=2)
    return (
        f"The paper's Fig. 1 with real data: {_cl_text(confidence, None)} regions (two parameters, "
        f"$\\Delta(-2\\ln L) = {level:.2f}$) in ($\\varepsilon_{{ee}}^{{uV}}$, $\\varepsilon_{{ee}}^{{dV}}$), "
        "every other "
        "coupling zero and $R_n = R_p$. (a) The COHERENT CsI[Na] full data set (solid), the CENNS-10 argon data "
        "(dotted) and their combination (filled): Poisson likelihoods with their nuisances profiled, the two "
        "deviances added. (b) The paper's reactor forecasts of one year of CONUS (solid), CONNIE (dotted) and their "
        "combination (filled), as in Fig. 1."
    )


def figure2_left(
    n_grid: tuple[int, int] = (201, 1001),
    rn_range_fm: tuple[float, float] = (3.0, 8.0),
    eps_range: tuple[float, float] = (-0.3, 0.7),
    sigma: float = 1.0,
    mode: str = "12-bin",
) -> FigureResult:
    """(R_n, eps_ee^dV) at 1 sigma from the COHERENT CsI 2017 data (blue) and CsI + CONUS (magenta)."""
    rn = np.linspace(*rn_range_fm, n_grid[0])
    eps_d = np.linspace(*eps_range, n_grid[1])
    r, d = rn[:, None], eps_d[None, :]
    csi = fits.csi2017_measurement(experiments.get("COHERENT-CsI-2017"), fits.templates_for("COHERENT-CsI-2017"), mode)
    conus = fits.asimov_measurement(experiments.get("CONUS"), fits.templates_for("CONUS"))
    scans = {
        "COHERENT CsI": fits.scan(fits.combine(csi), NSI(ee_d=d), r),
        "COHERENT CsI + CONUS": fits.scan(fits.combine(csi, conus), NSI(ee_d=d), r),
    }
    level = delta_chi2_level(sigma=sigma, dof=2)
    fig, ax = _axes(5.6)
    _region(ax, rn, eps_d, scans["COHERENT CsI"], level, C["sky blue"], fill=True)
    _region(ax, rn, eps_d, scans["COHERENT CsI + CONUS"], level, C["reddish purple"], fill=True, linewidth=2.2)
    ax.set(xlabel=RN_LABEL, ylabel=EPS_D_LABEL, xlim=rn_range_fm, ylim=eps_range)
    cl = _cl_text(None, sigma)
    ax.legend(
        handles=[
            Patch(color=C["sky blue"], alpha=0.40, label=f"COHERENT CsI 2017 ({cl})"),
            Patch(color=C["reddish purple"], alpha=0.40, label=f"COHERENT CsI + CONUS ({cl})"),
        ],
        loc="upper left",
    )  # above the band, which rises to the right: the legend covers no region
    caption = (
        f"The paper's Fig. 2 (left): {cl} regions (two parameters, $\\Delta\\chi^2 = {level:.2f}$) in "
        "($R_n$, $\\varepsilon_{ee}^{dV}$), with $\\varepsilon_{ee}^{uV} = \\varepsilon_{\\mu\\mu} = 0$, from the "
        f"COHERENT CsI 2017 data ({mode} $\\chi^2$, 28% signal and 25% BRN pulls, one $R_n$ common to Cs and I), "
        "alone and combined with one year of CONUS (SM Asimov data, 4% systematic)."
    )
    return _result(fig, {"rn_fm": rn, "eps_d": eps_d}, level, scans, caption)


def figure2_right(
    n_grid: tuple[int, int] = (201, 1001),
    rn_range_fm: tuple[float, float] | None = None,
    eps_range: tuple[float, float] = (-0.3, 0.7),
    sigma: float = 1.0,
    deviation: float = 0.30,
    nai_systematic: float = 0.10,
    nai_truth_rn_fm: float = fits.NAI_TRUTH_RN_FM,
) -> FigureResult:
    """(R_n, eps_ee^dV) at 1 sigma for NaI, CONNIE and NaI + CONNIE, with CONNIE at SM and (1 +- deviation) x SM.

    ``deviation`` and its negative are both drawn, so its sign does not matter. ``rn_range_fm``
    (default :func:`cevnslib.fits.rn_scan_range_fm` of NaI, whose sodium shares iodine's neutron skin:
    R_n on the axis is iodine's). Raises ValueError for a deviation that is zero or outside (-1, 1).
    """
    nai_exp = experiments.get("COHERENT-NaI", systematic=nai_systematic)
    rn_range_fm = fits.rn_scan_range_fm(nai_exp) if rn_range_fm is None else rn_range_fm
    rn = np.linspace(*rn_range_fm, n_grid[0])
    eps_d = np.linspace(*eps_range, n_grid[1])
    r, d = rn[:, None], eps_d[None, :]
    nai = fits.asimov_measurement(nai_exp, fits.templates_for("COHERENT-NaI"), truth_rn_fm=nai_truth_rn_fm)
    connie_exp = experiments.get("CONNIE")
    scans = {"NaI": fits.scan(fits.combine(nai), NSI(ee_d=d), r)}
    deviation = abs(validation.number("deviation", deviation, -1.0, 1.0, low_open=True, high_open=True))
    if deviation == 0:
        raise ValueError("deviation = 0 must be non-zero: it is the CONNIE shift drawn beside the SM case")
    cases = {"SM": 1.0, **{f"{100 * sign * deviation:+g}%": 1.0 + sign * deviation for sign in (1, -1)}}
    for label, scale in cases.items():
        connie = fits.asimov_measurement(connie_exp, fits.templates_for("CONNIE"), scale)
        scans[f"CONNIE {label}"] = fits.scan(fits.combine(connie), NSI(ee_d=d), r)
        scans[f"NaI + CONNIE {label}"] = fits.scan(fits.combine(nai, connie), NSI(ee_d=d), r)
    level = delta_chi2_level(sigma=sigma, dof=2)
    colors = dict(zip(cases, (C["vermillion"], C["bluish green"], C["reddish purple"])))
    fig, ax = _axes(6.2)
    _region(ax, rn, eps_d, scans["NaI"], level, C["sky blue"], fill=True)
    handles = [Patch(color=C["sky blue"], alpha=0.40, label="COHERENT NaI")]
    for label, color in colors.items():
        _region(ax, rn, eps_d, scans[f"CONNIE {label}"], level, color, ":")
        _region(ax, rn, eps_d, scans[f"NaI + CONNIE {label}"], level, color, fill=True, linewidth=2.2)
        handles += [
            Line2D([], [], color=color, ls=":", lw=MIN_LINE_WIDTH, label=f"CONNIE {label}"),
            Patch(color=color, alpha=0.40, label=f"NaI + CONNIE {label}"),
        ]
    ax.set(xlabel=RN_LABEL, ylabel=EPS_D_LABEL, xlim=rn_range_fm, ylim=eps_range)
    cl = _cl_text(None, sigma)
    ax.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.01),
        ncol=3,
        fontsize=9,
        title=f"all regions {cl}",
        title_fontsize=9,
    )
    caption = (
        f"The paper's Fig. 2 (right): expected {cl} regions (two parameters, $\\Delta\\chi^2 = {level:.2f}$) in "
        "($R_n$, $\\varepsilon_{ee}^{dV}$), with $\\varepsilon_{ee}^{uV} = 0$, for one year of COHERENT NaI (2 t, "
        f"13 keVnr, {100 * nai_systematic:g}% systematic, SM pseudo-data with $R_n = {nai_truth_rn_fm:.2f}$ fm; "
        "$R_n$ is iodine's, sodium shares its neutron skin), "
        f"CONNIE observing its SM expectation or $1 \\pm {deviation:g}$ times it, and their combinations."
    )
    return _result(fig, {"rn_fm": rn, "eps_d": eps_d}, level, scans, caption)


FIGURES = MappingProxyType(
    {"figure1": figure1, "figure2_left": figure2_left, "figure2_right": figure2_right, "figure1_data": figure1_data}
)
