"""Interactive explorers: ipywidgets controls driving matplotlib plots.

Each explorer has a pure computing function (testable, benchmarked in ``benchmarks/``) and a
builder that wires it to widgets:

- :func:`spectrum_data` / :func:`cross_section_explorer`: dsigma/dT and the recoil spectrum of any
  target and source, with NSI, R_n, sin^2(theta_W) and the form-factor model;
- :func:`designer_data` / :func:`experiment_designer`: a CEvNS experiment of your own: expected
  counts and the (eps_ee^uV, eps_ee^dV) band they allow;
- :func:`figure2_data` / :func:`figure2_explorer`: the plane of Figure 2 (right) with the CONNIE
  deviation and the NaI systematic as sliders.

The sources and defaults are the book's setups (:mod:`cevnslib.experiments`), read, not retyped.

ipywidgets is an optional dependency (``pip install cevnslib[widgets]``): without it, importing this
module raises ImportError saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

try:
    import ipywidgets as w
except ImportError as err:  # an optional dependency: say how to get it
    raise ImportError(
        "cevnslib.widgets needs ipywidgets, which is not installed: pip install cevnslib[widgets]"
    ) from err
import matplotlib.pyplot as plt
import numpy as np

from . import experiments, fits, form_factors, style, validation
from .constants import DAYS_PER_YEAR, SECONDS_PER_DAY
from .couplings import NSI
from .cross_section import CrossSectionOptions, dsigma_dT, t_max_kev
from .detectors import Detector
from .experiments import Experiment
from .fluxes import PionDecayAtRest, ReactorFlux
from .nuclei import TARGETS, target
from .rates import recoil_spectrum
from .statistics import delta_chi2_level


def _sources() -> MappingProxyType:
    """The explorers' sources: the reactor of CONUS and the SNS beam of COHERENT CsI 2017, by label."""
    reactor = experiments.get("CONUS").source
    sns = experiments.get("COHERENT-CsI-2017").source
    return MappingProxyType(
        {
            f"reactor: {reactor.power_gw:g} GW at {reactor.distance_m:g} m (CONUS)": reactor,
            f"SNS pion DAR: {sns.distance_m:g} m, {sns.protons_on_target:.3g} POT (COHERENT 2017)": sns,
        }
    )


#: Most points an explorer's curve or grid axis may have (memory stays below about 100 MB).
MAX_POINTS = 20_000
#: Sources offered by the explorers (label -> source).
SOURCES = _sources()
FORM_FACTOR_NAMES = tuple(form_factors.FORM_FACTORS)
#: Widget labels in plain Unicode, shown whole (no TeX: a static page cannot typeset widget labels).
_WIDE = {"description_width": "initial"}
#: Values offered by the designer's logarithmic controls: round numbers, so that the defaults (4 kg,
#: 0.5 keVnr, one year) are exactly reachable (a log slider would snap 4 kg to 10^0.6 = 3.98 kg).
MASS_CHOICES_KG = (
    0.1,
    0.25,
    0.5,
    1.0,
    2.0,
    4.0,
    10.0,
    25.0,
    50.0,
    100.0,
    250.0,
    500.0,
    1000.0,
    2000.0,
    5000.0,
    10000.0,
)
THRESHOLD_CHOICES_KEVNR = (0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0)
EXPOSURE_CHOICES_DAYS = (1.0, 7.0, 30.0, 100.0, DAYS_PER_YEAR, 2 * DAYS_PER_YEAR, 5 * DAYS_PER_YEAR, 10 * DAYS_PER_YEAR)


@dataclass(frozen=True)
class SpectrumData:
    """Curves of the cross-section explorer (SM and with the chosen parameters)."""

    recoil_kev: np.ndarray
    dsigma_sm: np.ndarray
    dsigma: np.ndarray
    rate_sm: np.ndarray
    rate: np.ndarray
    energy_mev: float
    rate_unit: str


def spectrum_data(
    target_name: str,
    source_name: str,
    nsi: NSI | None = None,
    rn_fm=None,
    sin2_theta_w: float | None = None,
    form_factor: str = "helm",
    n_points: int = 300,
) -> SpectrumData:
    """dsigma/dT (heaviest nucleus, electron flavour, at a typical energy) and dN/dT of the whole
    target per kg, in the SM and at the physics point (``nsi``, ``rn_fm``: one R_n for every
    nucleus; default R_n = R_p) with the chosen sin^2(theta_W) and form factor.

    The rate is :func:`cevnslib.rates.recoil_spectrum` for 1 kg over a day (the reactor) or over the
    run (the pion source). Raises ValueError for an unknown target or source, or bad parameters.
    """
    validation.choice("source_name", source_name, tuple(SOURCES))
    n_points = validation.integer("n_points", n_points, 2, MAX_POINTS)
    tgt, source = target(target_name), SOURCES[source_name]
    e_max = max(c.line_mev or c.e_max_mev for c in source.components)
    lightest = min(tgt.nuclei, key=lambda n: n.mass_gev)
    recoil = np.geomspace(1e-3, float(t_max_kev(e_max, lightest.mass_gev)), n_points)
    energy = 5.0 if isinstance(source, ReactorFlux) else 30.0
    heavy = max(tgt.nuclei, key=lambda n: n.A)
    standard = CrossSectionOptions(form_factor=form_factor)
    chosen = CrossSectionOptions(form_factor=form_factor, sin2_theta_w=sin2_theta_w)
    sm = recoil_spectrum(tgt, source, recoil, options=standard)
    new = recoil_spectrum(tgt, source, recoil, nsi, rn_fm, options=chosen)
    return SpectrumData(
        sm.recoil_kev,
        dsigma_dT(energy, recoil, heavy, "e", options=standard),
        dsigma_dT(energy, recoil, heavy, "e", nsi, rn_fm, options=chosen),
        sm.total,
        new.total,
        energy,
        sm.unit.replace("events / keVnr", "events / keV"),
    )


def draw_spectrum(data: SpectrumData, title: str = "") -> plt.Figure:
    """Plot of :func:`spectrum_data`: dsigma/dT and dN/dT, SM and chosen parameters."""
    style.apply()
    fig, (a, b) = plt.subplots(1, 2, figsize=(style.FULL_WIDTH_IN, 3.4), constrained_layout=True)
    exposure = data.rate_unit.split(" over ", 1)[-1].replace(" x ", ", ")
    for ax, sm, new, ylabel in (
        (a, data.dsigma_sm, data.dsigma, r"$d\sigma/dT$ [cm$^2$/keV]"),
        (b, data.rate_sm, data.rate, r"$dN/dT$ [events/keV]"),
    ):
        ax.loglog(data.recoil_kev, np.where(sm > 0, sm, np.nan), "k--", label="SM")
        ax.loglog(
            data.recoil_kev, np.where(new > 0, new, np.nan), color=style.COLORS["vermillion"], label="chosen parameters"
        )
        ax.set(xlabel=r"$T$ [keV]", ylabel=ylabel)
    a.set_title(f"heaviest nucleus, $E_\\nu$ = {data.energy_mev:g} MeV", fontsize=10)
    b.set_title(f"{title}: {exposure}" if title else exposure, fontsize=10)
    b.legend(fontsize=9)
    return fig


@dataclass(frozen=True)
class DesignerData:
    """Expected SM counts of a user-defined setup and its scan over (eps_ee^uV, eps_ee^dV) axes."""

    counts: float
    eps_ee_u_axis: np.ndarray
    eps_ee_d_axis: np.ndarray
    dchi2: np.ndarray
    level: float


_CONUS = experiments.factory_defaults("CONUS")
_NAI = experiments.factory_defaults("COHERENT-NaI")


def designer_data(
    target_name: str = "Ge",
    mass_kg: float = _CONUS["mass_kg"],
    threshold_kevnr: float = 0.5,
    reactor: bool = True,
    power_gw: float = _CONUS["power_gw"],
    distance_m: float = _CONUS["distance_m"],
    protons_on_target_per_year: float = _NAI["protons_on_target_per_year"],
    exposure_days: float = _CONUS["live_time_days"],
    systematic: float = _CONUS["systematic"],
    confidence: float = 0.90,
    n_grid: tuple[int, int] = (121, 401),
    eps_range: tuple[float, float] = (-1.0, 1.0),
) -> DesignerData:
    """Counts and Asimov Delta chi^2 over (eps_ee^uV, eps_ee^dV) for a setup with one bin above a keVnr threshold.

    Defaults are those of CONUS (and, for the pion source, the NaI forecast's beam). Raises
    ValueError for bad parameters or a threshold above the kinematic maximum.
    """
    reactor = validation.flag("reactor", reactor)
    n_grid = tuple(validation.integer("n_grid", n, 2, MAX_POINTS) for n in n_grid)
    if reactor:
        source = ReactorFlux(power_gw, distance_m)
    else:
        source = PionDecayAtRest(
            protons_on_target_per_year * exposure_days / DAYS_PER_YEAR, _NAI["nu_per_proton"], distance_m
        )
    exp = Experiment(
        "designer",
        target(target_name),
        mass_kg,
        source,
        Detector("keVnr", (threshold_kevnr, np.inf)),
        exposure_days * SECONDS_PER_DAY,
        systematic,
    )
    templates = exp.templates()
    # Alone, a reactor setup's whole systematic acts as one normalisation pull.
    syst = fits.ReactorSystematics(systematic, systematic) if reactor else None
    measurement = fits.asimov_measurement(exp, templates, systematics=syst)
    eps_u = np.linspace(*eps_range, n_grid[0])
    eps_d = np.linspace(*eps_range, n_grid[1])
    dchi2 = fits.scan(fits.combine(measurement), NSI(ee_u=eps_u[:, None], ee_d=eps_d[None, :]))
    return DesignerData(float(templates.counts().sum()), eps_u, eps_d, dchi2, delta_chi2_level(confidence, dof=2))


@dataclass(frozen=True)
class Figure2Data:
    """Scans of the Figure 2 (right) explorer over R_n and eps_ee^dV axes."""

    rn_axis_fm: np.ndarray
    eps_ee_d_axis: np.ndarray
    nai: np.ndarray
    connie: np.ndarray
    combined: np.ndarray
    level: float
    best_rn_fm: float


def figure2_data(
    connie_deviation: float = 0.0,
    nai_systematic: float = 0.10,
    sigma: float = 1.0,
    n_grid: tuple[int, int] = (101, 401),
) -> Figure2Data:
    """NaI, CONNIE at (1 + deviation) x SM, and their combination over (R_n, eps_ee^dV).

    ``best_rn_fm`` is the best-fit R_n of the combination on the SM branch of eps_ee^dV, the same
    number as :func:`cevnslib.fits.nai_connie_best_rn` (chapter 9 explains why a best fit must
    name its branch). Raises ValueError for a bad grid size or systematic.
    """
    n_grid = tuple(validation.integer("n_grid", n, 2, MAX_POINTS) for n in n_grid)
    rn = np.linspace(*fits.rn_scan_range_fm(experiments.get("COHERENT-NaI")), n_grid[0])
    eps_d = np.linspace(-0.3, 0.7, n_grid[1])
    nai = fits.asimov_measurement(
        experiments.get("COHERENT-NaI", systematic=nai_systematic),
        fits.templates_for("COHERENT-NaI"),
        truth_rn_fm=fits.NAI_TRUTH_RN_FM,
    )
    connie = fits.asimov_measurement(experiments.get("CONNIE"), fits.templates_for("CONNIE"), 1.0 + connie_deviation)
    grids = [
        fits.scan(fits.combine(*parts), NSI(ee_d=eps_d[None, :]), rn[:, None])
        for parts in ((nai,), (connie,), (nai, connie))
    ]
    best = fits.nai_connie_best_rn(1.0 + connie_deviation, "sm", nai_systematic=nai_systematic)
    return Figure2Data(rn, eps_d, *grids, delta_chi2_level(sigma=sigma, dof=2), float(best))


def _draw_regions(ax, x, y, grids_colors, level):
    for grid, color, fill in grids_colors:
        if fill:
            ax.contourf(x, y, grid.T, levels=[-1.0, level], colors=[color], alpha=0.45)
        ax.contour(x, y, grid.T, levels=[level], colors=[color], linewidths=1.4)


def draw_designer(data: DesignerData) -> plt.Figure:
    """Plot of :func:`designer_data`: the allowed (eps_u, eps_d) region."""
    style.apply()
    fig, ax = plt.subplots(figsize=(0.75 * style.FULL_WIDTH_IN, 4.4), constrained_layout=True)
    _draw_regions(ax, data.eps_ee_u_axis, data.eps_ee_d_axis, [(data.dchi2, style.COLORS["blue"], True)], data.level)
    ax.set(
        xlabel=r"$\varepsilon_{ee}^{uV}$",
        ylabel=r"$\varepsilon_{ee}^{dV}$",
        title=f"{data.counts:,.0f} SM events; 90% C.L. region",
    )
    return fig


def draw_figure2(data: Figure2Data) -> plt.Figure:
    """Plot of :func:`figure2_data`: NaI (sky blue), CONNIE (orange line), combination (vermillion)."""
    style.apply()
    fig, ax = plt.subplots(figsize=(0.75 * style.FULL_WIDTH_IN, 4.6), constrained_layout=True)
    c = style.COLORS
    _draw_regions(
        ax,
        data.rn_axis_fm,
        data.eps_ee_d_axis,
        [(data.nai, c["sky blue"], True), (data.connie, c["orange"], False), (data.combined, c["vermillion"], True)],
        data.level,
    )
    ax.set(
        xlabel=r"$R_n$ [fm]",
        ylabel=r"$\varepsilon_{ee}^{dV}$",
        title=f"1$\\sigma$; NaI + CONNIE best fit $R_n$ = {data.best_rn_fm:.2f} fm",
    )
    return fig


def cross_section_explorer() -> w.Widget:
    """Sliders for eps_ee^uV, eps_ee^dV, R_n, sin^2(theta_W) and the form factor; any target and source."""
    controls = dict(
        target_name=w.Dropdown(options=TARGETS, value="CsI", description="target"),
        source_name=w.Dropdown(options=list(SOURCES), value=list(SOURCES)[1], description="source"),
        eps_ee_u=w.FloatSlider(value=0.0, min=-0.5, max=0.5, step=0.01, description="ε_ee^uV", style=_WIDE),
        eps_ee_d=w.FloatSlider(value=0.0, min=-0.5, max=0.5, step=0.01, description="ε_ee^dV", style=_WIDE),
        eps_mm_u=w.FloatSlider(value=0.0, min=-0.5, max=0.5, step=0.01, description="ε_μμ^uV", style=_WIDE),
        eps_mm_d=w.FloatSlider(value=0.0, min=-0.5, max=0.5, step=0.01, description="ε_μμ^dV", style=_WIDE),
        rn_fm=w.FloatSlider(value=4.8, min=3.0, max=7.0, step=0.05, description="R_n [fm]", style=_WIDE),
        sin2_theta_w=w.FloatSlider(
            value=0.23857, min=0.20, max=0.26, step=0.0005, readout_format=".4f", description="sin²θ_W", style=_WIDE
        ),
        form_factor=w.Dropdown(options=FORM_FACTOR_NAMES, value="helm", description="form factor", style=_WIDE),
    )
    out = w.Output()

    def update(target_name, source_name, eps_ee_u, eps_ee_d, eps_mm_u, eps_mm_d, **rest):
        nsi = NSI(ee_u=eps_ee_u, ee_d=eps_ee_d, mm_u=eps_mm_u, mm_d=eps_mm_d)
        with out:
            out.clear_output(wait=True)
            draw_spectrum(spectrum_data(target_name, source_name, nsi, **rest), f"{target_name}, {source_name}")
            plt.show()

    w.interactive_output(update, controls)
    return w.VBox(
        [
            w.HBox([controls["target_name"], controls["source_name"], controls["form_factor"]]),
            w.HBox([controls["eps_ee_u"], controls["eps_ee_d"]]),
            w.HBox([controls["eps_mm_u"], controls["eps_mm_d"]]),
            w.HBox([controls["rn_fm"], controls["sin2_theta_w"]]),
            out,
        ]
    )


def experiment_designer() -> w.Widget:
    """Design a CEvNS experiment: expected SM counts and the (eps_u, eps_d) region it allows (90% C.L.)."""
    controls = dict(
        target_name=w.Dropdown(options=TARGETS, value="Ge", description="target"),
        mass_kg=w.SelectionSlider(
            options=MASS_CHOICES_KG, value=_CONUS["mass_kg"], description="mass [kg]", style=_WIDE
        ),
        threshold_kevnr=w.SelectionSlider(
            options=THRESHOLD_CHOICES_KEVNR, value=0.5, description="threshold [keVnr]", style=_WIDE
        ),
        reactor=w.ToggleButtons(options=[("reactor", True), ("pion DAR", False)], value=True),
        power_gw=w.FloatSlider(
            value=_CONUS["power_gw"], min=0.1, max=10.0, step=0.1, description="power [GW]", style=_WIDE
        ),
        distance_m=w.FloatSlider(
            value=_CONUS["distance_m"], min=5.0, max=100.0, step=0.1, description="distance [m]", style=_WIDE
        ),
        exposure_days=w.SelectionSlider(
            options=EXPOSURE_CHOICES_DAYS, value=_CONUS["live_time_days"], description="exposure [d]", style=_WIDE
        ),
        systematic=w.FloatSlider(
            value=_CONUS["systematic"], min=0.005, max=0.5, step=0.005, description="systematic", style=_WIDE
        ),
    )
    out = w.Output()

    def update(**kw):
        with out:
            out.clear_output(wait=True)
            try:
                data = designer_data(**kw)
            except ValueError as err:  # e.g. a threshold above the kinematic maximum
                print(err)
                return
            draw_designer(data)
            plt.show()

    w.interactive_output(update, controls)
    return w.VBox(
        [
            w.HBox([controls["target_name"], controls["reactor"]]),
            w.HBox([controls["mass_kg"], controls["threshold_kevnr"]]),
            w.HBox([controls["power_gw"], controls["distance_m"]]),
            w.HBox([controls["exposure_days"], controls["systematic"]]),
            out,
        ]
    )


def figure2_explorer() -> w.Widget:
    """The (R_n, eps_ee^dV) plane of Figure 2 (right) with the CONNIE deviation and the NaI systematic."""
    controls = dict(
        connie_deviation=w.FloatSlider(
            value=0.0, min=-0.5, max=0.5, step=0.05, description="CONNIE deviation", style=_WIDE
        ),
        nai_systematic=w.FloatSlider(
            value=0.10, min=0.02, max=0.30, step=0.01, description="NaI systematic", style=_WIDE
        ),
    )
    out = w.Output()

    def update(**kw):
        with out:
            out.clear_output(wait=True)
            draw_figure2(figure2_data(**kw))
            plt.show()

    w.interactive_output(update, controls)
    return w.VBox([w.HBox(list(controls.values())), out])
