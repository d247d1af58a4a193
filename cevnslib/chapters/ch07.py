"""Chapter 7, *The paper's Figure 1* (``book/07_figure1.ipynb``): CONNIE, CONUS and their combination.

Reproduces Fig. 1 of Cañas et al., Phys. Rev. D 101 (2020) 035012 (arXiv:1911.09831), from its
published summary (the ICHEP2020 proceedings): the (eps_ee^uV, eps_ee^dV) regions one year of
CONNIE (Si) and CONUS (Ge) allow, alone and combined. The regions are those of
:func:`cevnslib.figures.figure1`; this module explains them: the two bands of each experiment
(slope, intercept, width), the two islands of the combination (position, length) and the
exercises of the chapter.

:func:`numbers` returns every number the chapter's prose quotes; the other functions return the
data of its tables and draw its figures. The confidence level (90%, two parameters) and the split
of the 4% systematic into 3% shared reactor flux and the rest are the book's choices (see the
Assumptions page).
"""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from scipy import ndimage
from scipy.optimize import brentq

from .. import couplings, experiments, figures, fits, notebook, nuclei, statistics, style, validation
from ..couplings import NSI
from ..validation import freeze
from . import ch06

#: Confidence level of the chapter's regions, two parameters [choice: the paper's text for its Fig. 1
#: is not part of its published summary].
CONFIDENCE = 0.90
#: The reactor experiments of the figure and their target materials.
REACTORS = {"CONUS": "Ge", "CONNIE": "Si"}
#: The default systematics: 4% per experiment [paper], 3% of it the shared reactor flux [choice].
SYSTEMATICS = fits.ReactorSystematics()
#: The halved systematics of the band-width comparison [choice].
NARROW_SYSTEMATICS = fits.ReactorSystematics(total=0.02, flux=0.015)
#: Half-range in eps_ee^uV and in distance from the CONUS band line (eps_ee^dV) of the island windows.
WINDOW_HALF_WIDTH = (0.16, 0.02)
#: Points of the island windows in each direction.
WINDOW_POINTS = (321, 201)
#: CONUS thresholds (keVee) of the threshold exercise; the first is the default.
EXERCISE_THRESHOLDS_KEVEE = (0.1, 0.15, 0.2, 0.25, 0.3)
#: The setups of the crossing exercise.
ALL_SETUPS = ("CONUS", "CONNIE", "COHERENT-CsI-2017", "COHERENT-NaI")

C = style.COLORS


def chi2_level(confidence: float = CONFIDENCE) -> float:
    """Delta chi^2 bounding a two-parameter region at ``confidence``; ValueError outside (0, 1)."""
    return statistics.delta_chi2_level(confidence, dof=2)


def expected_events(name: str) -> float:
    """SM events of one year of the reactor setup ``name``; ValueError for an unknown setup."""
    return float(fits.templates_for(name).counts().sum())


def setup_table(confidence: float = CONFIDENCE) -> str:
    """Text: the confidence level and the two reactor setups (target, mass, threshold, reactor, events)."""
    lines = [f"confidence {100 * confidence:g}%, two parameters: Delta chi2 <= {chi2_level(confidence):.2f}"]
    for name in REACTORS:
        exp = experiments.get(name)
        lines.append(
            f"{name:<7}{exp.target.name:>3} {exp.mass_kg:>4.0f} kg, threshold "
            f"{1000 * exp.detector.bin_edges[0]:>4.0f} eVee, {exp.source.power_gw:.1f} GW at "
            f"{exp.source.distance_m:>4.1f} m, {exp.live_time_days:.2f} days: "
            f"{expected_events(name):>8.1f} SM events"
        )
    return "\n".join(lines)


@functools.lru_cache(maxsize=4)
def _figure1_data(confidence: float, systematics: fits.ReactorSystematics) -> dict:
    result = figures.figure1(confidence=confidence, systematics=systematics)
    plt.close(result.figure)
    return {key: freeze(np.array(value)) for key, value in result.data.items()}


def figure1_data(confidence: float = CONFIDENCE, systematics: fits.ReactorSystematics = SYSTEMATICS) -> dict:
    """The grids of :func:`cevnslib.figures.figure1` (read-only arrays, computed once per argument set).

    Keys ``eps_u`` (401,), ``eps_d`` (2001,), ``level`` and ``dchi2 <region>`` (401, 2001) for the
    regions ``CONUS``, ``CONNIE`` and ``CONUS + CONNIE``. Raises ValueError for a confidence level
    outside (0, 1).
    """
    return dict(_figure1_data(float(confidence), systematics))


def figure1(confidence: float = CONFIDENCE, systematics: fits.ReactorSystematics = SYSTEMATICS) -> figures.FigureResult:
    """:func:`cevnslib.figures.figure1` with its two islands pointed out, for the column-wide figure.

    The islands of the combination are a few hundredths wide: arrows and labels show where they
    are (the chapter's zoom figure enlarges them). Raises ValueError for a confidence level
    outside (0, 1).
    """
    result = figures.figure1(confidence=confidence, systematics=systematics)
    ax = result.figure.axes[0]
    crossing = island_crossing()
    arrow = dict(arrowstyle="->", color=C["black"], lw=1.2, shrinkA=2, shrinkB=6)
    ax.annotate("SM island", xy=(0.03, -0.03), xytext=(-0.45, -0.5), fontsize=11, ha="center", arrowprops=arrow)
    ax.annotate(
        "flipped island",
        xy=(crossing[0] + 0.03, crossing[1] - 0.03),
        xytext=(0.1, 0.62),
        fontsize=11,
        ha="center",
        arrowprops=arrow,
    )
    return result


def mean_z_n(material: str) -> tuple[float, float]:
    """Abundance-weighted mean (Z, N) of a detector material's nuclei; ValueError if unknown."""
    target = nuclei.target(material)
    w = np.asarray(target.multiplicities) / np.sum(target.multiplicities)
    return float(np.sum(w * [n.Z for n in target.nuclei])), float(np.sum(w * [n.N for n in target.nuclei]))


def analytic_bands() -> dict[str, dict[str, float]]:
    """Setup -> mean ``z``, ``n``, band slope ``s`` = -(2Z + N)/(Z + 2N) and flipped intercept ``c``.

    ``c`` = -2 Q_SM/(Z + 2N), from :func:`cevnslib.couplings.flipped_eps_ee_d` (Eq. (eq-ch7-bands)).
    """
    bands = {}
    for name, material in REACTORS.items():
        z, n = mean_z_n(material)
        bands[name] = {"z": z, "n": n, "s": -(2 * z + n) / (z + 2 * n), "c": float(couplings.flipped_eps_ee_d(z, n))}
    return bands


def band_lines(
    dchi2: np.ndarray, eps_u_grid: np.ndarray, eps_d_grid: np.ndarray, level: float
) -> list[tuple[float, float]]:
    """(slope, intercept) of each connected band of Delta chi^2 <= level, fitted to its centre line.

    ``dchi2`` holds Delta chi^2 on the (eps_ee^uV, eps_ee^dV) grid, shape (eps_u_grid.size,
    eps_d_grid.size); for every eps_ee^uV column the mean eps_ee^dV of the band's allowed points
    is one point of the centre line. Sorted by the size of the intercept
    (the SM band first). Raises ValueError for a grid whose shape does not match the axes.
    """
    dchi2 = np.asarray(dchi2)
    if dchi2.shape != (np.size(eps_u_grid), np.size(eps_d_grid)):
        raise ValueError(f"dchi2 has shape {dchi2.shape}, the axes ({np.size(eps_u_grid)}, {np.size(eps_d_grid)})")
    labels, n_bands = ndimage.label(dchi2 <= level)
    lines = []
    for band in range(1, n_bands + 1):
        columns = [
            (eps_u_grid[i], eps_d_grid[labels[i] == band].mean())
            for i in range(eps_u_grid.size)
            if np.any(labels[i] == band)
        ]
        x, y = np.array(columns).T
        lines.append(tuple(float(v) for v in np.polyfit(x, y, 1)))
    return sorted(lines, key=lambda line: abs(line[1]))


def band_fits() -> dict[str, dict[str, tuple[float, float]]]:
    """Setup -> ``"SM"`` and ``"flipped"`` -> (slope, intercept) of its bands in the figure's scan."""
    data = figure1_data()
    return {
        name: dict(
            zip(
                ("SM", "flipped"), band_lines(data[f"dchi2 {name}"], data["eps_u"], data["eps_d"], float(data["level"]))
            )
        )
        for name in REACTORS
    }


def band_table() -> str:
    """Text table: slopes and intercepts of the bands, from the scan and from Eq. (eq-ch7-bands)."""
    analytic, fitted = analytic_bands(), band_fits()
    lines = [
        f"{'setup':<8}{'<Z>':>6}{'<N>':>8}{'band':>9}{'slope (scan)':>14}{'slope (Eq.)':>13}"
        f"{'intercept (scan)':>18}{'intercept (Eq.)':>17}"
    ]
    for name, a in analytic.items():
        for band, c_eq in (("SM", 0.0), ("flipped", a["c"])):
            s_fit, c_fit = fitted[name][band]
            lines.append(
                f"{name:<8}{a['z']:>6.1f}{a['n']:>8.3f}{band:>9}{s_fit:>14.4f}{a['s']:>13.4f}"
                f"{c_fit:>18.4f}{c_eq:>17.4f}"
            )
    return "\n".join(lines)


def band_width(dchi2_column: np.ndarray, eps_d_grid: np.ndarray, centre: float, level: float) -> float:
    """Full width in eps_ee^dV of the allowed interval around ``centre``, crossings interpolated linearly.

    ``dchi2_column`` is Delta chi^2 along the eps_ee^dV values ``eps_d_grid`` (same shape). The band
    must lie within 0.05 of ``centre`` and end inside the grid. Raises ValueError otherwise.
    """
    dchi2_column, eps_d_grid = np.asarray(dchi2_column), np.asarray(eps_d_grid)
    near = np.flatnonzero(np.abs(eps_d_grid - centre) < 0.05)
    if near.size == 0 or dchi2_column.shape != eps_d_grid.shape or dchi2_column[near].min() > level:
        raise ValueError(f"no allowed band near eps_ee^dV = {centre} at Delta chi^2 <= {level}")
    lo = hi = near[np.argmin(dchi2_column[near])]
    while lo > 0 and dchi2_column[lo - 1] <= level:
        lo -= 1
    while hi < eps_d_grid.size - 1 and dchi2_column[hi + 1] <= level:
        hi += 1
    if lo == 0 or hi == eps_d_grid.size - 1:
        raise ValueError(f"the band around eps_ee^dV = {centre} reaches the end of the grid")
    x_lo = np.interp(level, [dchi2_column[lo], dchi2_column[lo - 1]], [eps_d_grid[lo], eps_d_grid[lo - 1]])
    x_hi = np.interp(level, [dchi2_column[hi], dchi2_column[hi + 1]], [eps_d_grid[hi], eps_d_grid[hi + 1]])
    return float(x_hi - x_lo)


def width_eq(name: str, total: float, level: float = chi2_level(), n_events: float | None = None) -> float:
    """Band width of Eq. (eq-ch7-width), (c/2) sqrt(L (1/N + sigma_tot^2)), for setup ``name``.

    ``n_events`` defaults to the setup's SM events of one year; ``total`` = 0 gives the width from
    statistics alone. Raises ValueError for a setup other than CONUS or CONNIE.
    """
    validation.choice("name", name, tuple(REACTORS))
    n = expected_events(name) if n_events is None else n_events
    return float(analytic_bands()[name]["c"] / 2 * np.sqrt(level * (1 / n + total**2)))


def _column_scans(systematics: fits.ReactorSystematics) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """eps_d grid and the eps_u = 0 Delta chi^2 of each reactor with ``systematics``."""
    data = figure1_data()
    eps_d = data["eps_d"]
    if systematics == SYSTEMATICS:
        column = int(np.abs(data["eps_u"]).argmin())
        return eps_d, {name: data[f"dchi2 {name}"][column] for name in REACTORS}
    return eps_d, {
        name: fits.scan(
            fits.combine(
                fits.asimov_measurement(experiments.get(name), fits.templates_for(name), systematics=systematics)
            ),
            NSI(ee_d=eps_d),
        )
        for name in REACTORS
    }


def widths() -> dict[str, dict[str, float]]:
    """``"<setup>-<4|2>"`` -> SM and flipped band widths at eps_ee^uV = 0 (scan) and Eq. (eq-ch7-width).

    For the default 4% systematic (the figure's scan) and the halved 2% one (a rescan of that column).
    """
    bands, lev, rows = analytic_bands(), chi2_level(), {}
    for syst, tag in ((SYSTEMATICS, "4"), (NARROW_SYSTEMATICS, "2")):
        eps_d, scans = _column_scans(syst)
        for name in REACTORS:
            rows[f"{name}-{tag}"] = {
                "total": syst.total,
                "sm": band_width(scans[name], eps_d, 0.0, lev),
                "flipped": band_width(scans[name], eps_d, bands[name]["c"], lev),
                "eq": width_eq(name, syst.total, lev),
            }
    return rows


def width_table() -> str:
    """Text table of :func:`widths`."""
    lines = [f"{'setup':<8}{'sigma_tot':>10}{'SM band (scan)':>16}{'flipped (scan)':>16}{'Eq. width':>11}"]
    for key, row in widths().items():
        lines.append(
            f"{key.split('-')[0]:<8}{100 * row['total']:>9.0f}%{row['sm']:>16.4f}{row['flipped']:>16.4f}"
            f"{row['eq']:>11.4f}"
        )
    return "\n".join(lines)


def island_crossing() -> tuple[float, float]:
    """(eps_ee^uV, eps_ee^dV) where the flipped lines of Ge and Si cross (Eq. (eq-ch7-bands), mean Z and N)."""
    bands = analytic_bands()
    (s_ge, c_ge), (s_si, c_si) = ((bands[n]["s"], bands[n]["c"]) for n in REACTORS)
    u = (c_si - c_ge) / (s_ge - s_si)
    return float(u), float(c_ge + s_ge * u)


def flipped_island() -> tuple[float, float, float]:
    """(eps_ee^uV, eps_ee^dV, Delta chi^2) at the minimum of the combination's flipped island in the scan.

    The island is the largest 8-connected piece of the combined region that does not hold the SM.
    """
    data = figure1_data()
    eps_u, eps_d, combined = data["eps_u"], data["eps_d"], data["dchi2 CONUS + CONNIE"]
    labels, n_pieces = ndimage.label(combined <= data["level"], structure=np.ones((3, 3)))
    origin = labels[np.abs(eps_u).argmin(), np.abs(eps_d).argmin()]
    piece = max((k for k in range(1, n_pieces + 1) if k != origin), key=lambda k: np.sum(labels == k))
    i, j = np.unravel_index(np.argmin(np.where(labels == piece, combined, np.inf)), combined.shape)
    return float(eps_u[i]), float(eps_d[j]), float(combined[i, j])


def reactor_parts(systematics: fits.ReactorSystematics = SYSTEMATICS) -> dict[str, tuple]:
    """Setup -> (measurement, pulls) of CONUS and CONNIE with SM Asimov data and ``systematics``."""
    return {
        name: fits.asimov_measurement(experiments.get(name), fits.templates_for(name), systematics=systematics)
        for name in REACTORS
    }


def island_fits() -> dict[str, statistics.Fit]:
    """The fits of the island windows: ``shared`` (the figure's combination), ``independent`` (one
    private 4% pull each), ``private`` (only the private detector parts) and each reactor alone."""
    parts = reactor_parts()
    return {
        "shared": fits.combine(*parts.values()),
        "independent": fits.combine(*(ch06.uncorrelated(p, SYSTEMATICS.total) for p in parts.values())),
        "private": fits.combine(*(ch06.uncorrelated(p, SYSTEMATICS.detector) for p in parts.values())),
        **{name: fits.combine(part) for name, part in parts.items()},
    }


@functools.lru_cache(maxsize=2)
def _window(key: str) -> tuple[np.ndarray, np.ndarray, dict]:
    bands = analytic_bands()
    s_ge, c_ge = bands["CONUS"]["s"], bands["CONUS"]["c"]
    u0, offset = (0.0, 0.0) if key == "SM" else (flipped_island()[0], c_ge)
    u = u0 + np.linspace(-WINDOW_HALF_WIDTH[0], WINDOW_HALF_WIDTH[0], WINDOW_POINTS[0])
    y = np.linspace(-WINDOW_HALF_WIDTH[1], WINDOW_HALF_WIDTH[1], WINDOW_POINTS[1])
    nsi = NSI(ee_u=u[:, None], ee_d=y[None, :] + s_ge * u[:, None] + offset)
    # Asimov data: chi^2 is already Delta chi^2 (its minimum, 0, is at the SM)
    return freeze(u), freeze(y), {tag: freeze(np.asarray(fit.chi2(nsi))) for tag, fit in island_fits().items()}


def island_window(key: str) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """A fine grid around an island (``key`` ``"SM"`` or ``"flipped"``) that follows the CONUS band.

    Returns eps_ee^uV (321,), the distance y (201,) in eps_ee^dV from the CONUS band line
    (eps_d = s_Ge eps_u, plus c_Ge for the flipped island) and Delta chi^2 (321, 201) of every fit
    of :func:`island_fits`. The figure's grid (steps 0.005 in eps_u, 0.001 in eps_d) is coarse for
    the thin islands. Raises ValueError for another key.
    """
    validation.choice("key", key, ("SM", "flipped"))
    u, y, scans = _window(key)
    return u, y, dict(scans)


def half_length(inside: np.ndarray, u_values: np.ndarray) -> float:
    """Half the eps_ee^uV extent of the 8-connected allowed piece holding the centre of a window.

    ``inside`` (n_u, n_y) marks the allowed points; ``u_values`` (n_u,) are its eps_ee^uV. Raises
    ValueError if the centre is not allowed.
    """
    inside = np.asarray(inside, dtype=bool)
    centre = (inside.shape[0] // 2, inside.shape[1] // 2)
    if not inside[centre]:
        raise ValueError("the centre of the window is outside the allowed region")
    labels, _ = ndimage.label(inside, structure=np.ones((3, 3)))
    rows = np.flatnonzero(np.any(labels == labels[centre], axis=1))
    return float((u_values[rows[-1]] - u_values[rows[0]]) / 2)


def half_length_eq(private: float, flux: float, level: float = chi2_level()) -> float:
    """Half-length in eps_ee^uV of an island, Eq. (eq-ch7-island), for the private and shared parts."""
    bands = analytic_bands()
    (s_ge, c_ge), (s_si, c_si) = ((bands[n]["s"], bands[n]["c"]) for n in REACTORS)
    v = {name: 1 / expected_events(name) + private**2 for name in REACTORS}
    var = c_ge**2 * v["CONUS"] + c_si**2 * v["CONNIE"] + flux**2 * (c_ge - c_si) ** 2
    return float(np.sqrt(level * var) / (4 * abs(s_si - s_ge)))


#: The systematics of the island comparison: tag -> (private part, shared flux part).
ISLAND_CASES = {
    "shared": (SYSTEMATICS.detector, SYSTEMATICS.flux),
    "independent": (SYSTEMATICS.total, 0.0),
    "private": (SYSTEMATICS.detector, 0.0),
}


def island_lengths() -> dict[str, float]:
    """``"<SM|flipped>-<shared|independent>"`` -> half-length in eps_ee^uV on the window grid
    (rounded to its 0.001 step, as printed), and ``"eq-<tag>"`` -> Eq. (eq-ch7-island)."""
    lev, out = chi2_level(), {}
    for key in ("SM", "flipped"):
        u, _, scans = island_window(key)
        for tag in ("shared", "independent"):
            # rounded as printed: a half-length on the grid can sit on the rounding edge (0.0995 - 1e-17)
            out[f"{key}-{tag}"] = round(half_length(scans[tag] <= lev, u), 3)
    for tag in ("shared", "independent"):
        out[f"eq-{tag}"] = half_length_eq(*ISLAND_CASES[tag], lev)
    return out


def island_table() -> str:
    """Text table of :func:`island_lengths`: scan against Eq. (eq-ch7-island)."""
    lengths = island_lengths()
    lines = [f"{'island':<9}{'pulls':<13}{'half-length in eps_u (scan)':>29}{'(Eq.)':>9}"]
    for key in ("SM", "flipped"):
        for tag in ("shared", "independent"):
            lines.append(f"{key:<9}{tag:<13}{lengths[f'{key}-{tag}']:>29.3f}{lengths[f'eq-{tag}']:>9.3f}")
    return "\n".join(lines)


def zoom_figure() -> plt.Figure:
    """The two islands of the combination in sheared coordinates that follow the CONUS band.

    Left the SM island, right the flipped one; CONUS black, CONNIE blue dotted, the combination
    vermillion (filled: shared flux pull; dashed: independent pulls); crosses mark the crossings of
    the band lines.
    """
    style.apply()
    bands, lev = analytic_bands(), chi2_level()
    s_ge, c_ge = bands["CONUS"]["s"], bands["CONUS"]["c"]
    crossing = island_crossing()
    fig, axes = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 4.6), sharey=True, layout="constrained")
    for ax, key in zip(axes, ("SM", "flipped")):
        u, y, scans = island_window(key)
        y_milli = 1000 * y
        ax.contour(u, y_milli, scans["CONUS"].T, levels=[lev], colors=[C["black"]], linewidths=1.6)
        ax.contour(u, y_milli, scans["CONNIE"].T, levels=[lev], colors=[C["blue"]], linestyles=[":"], linewidths=2.0)
        ax.contourf(u, y_milli, scans["shared"].T, levels=[-1, lev], colors=[C["vermillion"]], alpha=0.40)
        ax.contour(u, y_milli, scans["shared"].T, levels=[lev], colors=[C["vermillion"]], linewidths=1.8)
        ax.contour(
            u,
            y_milli,
            scans["independent"].T,
            levels=[lev],
            colors=[C["vermillion"]],
            linestyles=["--"],
            linewidths=1.6,
        )
        point = (0.0, 0.0) if key == "SM" else (crossing[0], 1000 * (crossing[1] - s_ge * crossing[0] - c_ge))
        ax.plot(*point, "x", color=C["black"], ms=8, mew=1.6)
        ax.set(xlabel=figures.EPS_U_LABEL, title=f"{key} island")
        ax.locator_params(axis="x", nbins=5)
    axes[0].set_ylabel(r"$\Delta\varepsilon_{ee}^{dV}$ from the CONUS line [$10^{-3}$]")
    fig.legend(
        handles=[
            Line2D([], [], color=C["black"], lw=1.6, label="CONUS"),
            Line2D([], [], color=C["blue"], ls=":", lw=2.0, label="CONNIE"),
            Line2D([], [], color=C["black"], marker="x", ls="", ms=8, mew=1.6, label="crossing of the band lines"),
            Patch(
                facecolor=C["vermillion"],
                alpha=0.40,
                edgecolor=C["vermillion"],
                label="CONUS + CONNIE, shared flux pull",
            ),
            Line2D([], [], color=C["vermillion"], ls="--", lw=1.6, label="CONUS + CONNIE, independent pulls"),
        ],
        loc="outside lower center",
        ncol=2,
        fontsize=10,
    )
    return fig


def plane_areas() -> dict[str, float]:
    """Region -> % of the plotted (eps_ee^uV, eps_ee^dV) square allowed, for the figure's three regions."""
    data = figure1_data()
    return {
        name: float(100 * np.mean(data[f"dchi2 {name}"] <= data["level"]))
        for name in ("CONUS", "CONNIE", "CONUS + CONNIE")
    }


def csi_eps_d_range(confidence: float = CONFIDENCE) -> tuple[float, float, int]:
    """(lowest, highest, number of intervals) of the eps_ee^dV allowed by the CsI 2017 data (12 bins).

    At eps_ee^uV = 0 and R_n = R_p, Delta chi^2 <= the two-parameter level of ``confidence``, on
    4001 points of [-1, 1]. Raises ValueError for a confidence level outside (0, 1).
    """
    eps = np.linspace(-1.0, 1.0, 4001)
    inside = fits.scan(ch06.csi_fit("12-bin"), NSI(ee_d=eps)) <= chi2_level(confidence)
    return float(eps[inside].min()), float(eps[inside].max()), int(ndimage.label(inside)[1])


def conus_at(threshold_kevee: float) -> experiments.Experiment:
    """CONUS with its threshold (keVee) moved; ValueError for a threshold CONUS cannot have."""
    return experiments.get("CONUS", threshold_kevee=threshold_kevee)


def threshold_rows() -> dict[float, dict[str, float]]:
    """Threshold (keVee) -> CONUS ``events``, SM band ``width`` (scan at eps_ee^uV = 0), ``eq`` and
    ``stat`` (Eq. (eq-ch7-width) with the 4% systematic and with none)."""
    lev, eps, rows = chi2_level(), np.linspace(-0.12, 0.12, 2401), {}
    for threshold in EXERCISE_THRESHOLDS_KEVEE:
        exp = conus_at(threshold)
        n = float(exp.cached_templates.counts().sum())
        fit = fits.combine(fits.asimov_measurement(exp, exp.cached_templates, systematics=SYSTEMATICS))
        lo, hi = statistics.interval_1d(lambda e: fit.chi2(NSI(ee_d=e)), eps, lev).single_piece()
        rows[threshold] = {
            "events": n,
            "width": hi - lo,
            "eq": width_eq("CONUS", SYSTEMATICS.total, lev, n),
            "stat": width_eq("CONUS", 0.0, lev, n),
        }
    return rows


def threshold_equal() -> float:
    """CONUS threshold (keVee) at which 1/N = sigma_tot^2: statistics and the 4% systematic equal."""
    n_equal = 1 / SYSTEMATICS.total**2
    return float(brentq(lambda t: conus_at(t).cached_templates.counts().sum() - n_equal, 0.15, 0.25, xtol=1e-5))


def threshold_table() -> str:
    """Text table of :func:`threshold_rows`, and the threshold of :func:`threshold_equal`."""
    lines = [f"{'threshold':>12}{'events':>8}{'width (scan)':>14}{'width (Eq.)':>13}{'statistics only':>17}"]
    for threshold, row in threshold_rows().items():
        lines.append(
            f"{threshold:>6.2f} keVee{row['events']:>8.1f}{row['width']:>14.4f}{row['eq']:>13.4f}{row['stat']:>17.4f}"
        )
    lines.append(
        f"1/N = sigma_tot^2 (N = {1 / SYSTEMATICS.total**2:.0f} events) at a threshold of {threshold_equal():.3f} keVee"
    )
    return "\n".join(lines)


def flip_point() -> tuple[float, float]:
    """(eps_ee^uV, eps_ee^dV) = (2/3 (g_V^n - 2 g_V^p), 2/3 (g_V^p - 2 g_V^n)): both nucleon couplings flip."""
    gp, gn = couplings.nucleon_couplings()
    return 2 * (gn - 2 * gp) / 3, 2 * (gp - 2 * gn) / 3


#: The cases of the correlated-systematics exercise: label -> (tag, systematic of a band alone).
CORRELATION_CASES = {
    "shared 3% + private (default)": ("shared", SYSTEMATICS.total),
    "independent 4%": ("independent", SYSTEMATICS.total),
    "private only, no flux error": ("private", SYSTEMATICS.detector),
}


def correlated_rows() -> dict[str, dict[str, float]]:
    """Case tag -> CONUS and CONNIE band widths (Eq. (eq-ch7-width)) and the SM island's half-length
    (scan of the SM window, and Eq. (eq-ch7-island))."""
    lev, (u, _, scans) = chi2_level(), island_window("SM")
    rows = {}
    for tag, band_total in CORRELATION_CASES.values():
        rows[tag] = {
            **{name: width_eq(name, band_total, lev) for name in REACTORS},
            "ell": half_length(scans[tag] <= lev, u),
            "ell_eq": half_length_eq(*ISLAND_CASES[tag], lev),
        }
    return rows


def correlated_table() -> str:
    """Text table of :func:`correlated_rows`."""
    rows = correlated_rows()
    lines = [f"{'systematics':<31}{'CONUS band':>11}{'CONNIE band':>12}{'island (scan)':>15}{'(Eq.)':>8}"]
    for label, (tag, _) in CORRELATION_CASES.items():
        r = rows[tag]
        lines.append(f"{label:<31}{r['CONUS']:>11.4f}{r['CONNIE']:>12.4f}{r['ell']:>15.3f}{r['ell_eq']:>8.3f}")
    return "\n".join(lines)


def numbers() -> dict[str, float | int | str | notebook.Quoted]:
    """Every number the prose of chapter 7 quotes, keyed by its glue name."""
    out: dict[str, float | int | str | notebook.Quoted] = {}
    for name in REACTORS:
        out[f"ch7-counts-{name}"] = expected_events(name)
    out["ch7-level"], out["ch7-confidence"] = chi2_level(), 100 * CONFIDENCE
    out["ch7-syst-total"], out["ch7-syst-flux"] = 100 * SYSTEMATICS.total, 100 * SYSTEMATICS.flux
    out["ch7-syst-detector"] = 100 * SYSTEMATICS.detector
    data = figure1_data()
    out["ch7-grid-u"], out["ch7-grid-d"] = data["eps_u"].size, data["eps_d"].size

    bands, fitted = analytic_bands(), band_fits()
    for name in REACTORS:
        for band in ("SM", "flipped"):
            out[f"ch7-slope-{name}-{band}"] = fitted[name][band][0]
        out[f"ch7-intercept-{name}-flipped"] = fitted[name]["flipped"][1]
        out[f"ch7-slope-{name}-eq"], out[f"ch7-flip-{name}-eq"] = bands[name]["s"], bands[name]["c"]
        out[f"ch7-flip-{name}-lib"] = fits.setup_flipped_eps_ee_d(name)
        out[f"ch7-n-{name}"] = bands[name]["n"]

    out["ch7-narrow-total"], out["ch7-narrow-flux"] = 100 * NARROW_SYSTEMATICS.total, 100 * NARROW_SYSTEMATICS.flux
    for key, row in widths().items():
        out[f"ch7-width-{key}"], out[f"ch7-width-{key}-eq"] = row["sm"], row["eq"]
    for name in REACTORS:
        out[f"ch7-width-{name}-stat"] = width_eq(name, 0.0)

    s_ge, s_si = bands["CONUS"]["s"], bands["CONNIE"]["s"]
    out["ch7-ds"] = s_ge - s_si
    out["ch7-island-u-eq"], out["ch7-island-d-eq"] = island_crossing()
    out["ch7-cross-far"] = bands["CONNIE"]["c"] / abs(s_ge - s_si)
    out["ch7-island-u"], out["ch7-island-d"], out["ch7-island-dchi2"] = flipped_island()
    for key, value in island_lengths().items():
        out[f"ch7-ell-{key}"] = value

    areas = plane_areas()
    out["ch7-area-CONUS"], out["ch7-area-CONNIE"] = areas["CONUS"], areas["CONNIE"]
    out["ch7-area-comb"] = areas["CONUS + CONNIE"]
    out["ch7-csi-lo"], out["ch7-csi-hi"], _ = csi_eps_d_range()

    level_1s = statistics.delta_chi2_level(sigma=1.0, dof=2)
    out["ch7-ex-level-1s"], out["ch7-ex-level-ratio"] = level_1s, float(np.sqrt(level_1s / chi2_level()))
    rows = threshold_rows()
    for threshold in (0.1, 0.15, 0.3):
        out[f"ch7-ex-thr-n-{100 * threshold:.0f}"] = rows[threshold]["events"]
        out[f"ch7-ex-thr-w-{100 * threshold:.0f}"] = rows[threshold]["width"]
    out["ch7-ex-thr-equal"] = threshold_equal()
    out["ch7-conus-thr"] = experiments.get("CONUS").detector.bin_edges[0]
    out["ch7-ex-n-equal"] = 1 / SYSTEMATICS.total**2
    out["ch7-ex-flip-u"], out["ch7-ex-flip-d"] = flip_point()
    corr = correlated_rows()
    for tag in ("shared", "independent", "private"):
        out[f"ch7-ex-corr-ell-{tag}"] = corr[tag]["ell"]
    out["ch7-ex-corr-w-shared"], out["ch7-ex-corr-w-private"] = corr["shared"]["CONUS"], corr["private"]["CONUS"]
    return out
