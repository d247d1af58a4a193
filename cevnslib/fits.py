"""The paper's fits: which data each experiment contributes, which pulls it carries, and the scans.

Builders return a :class:`~cevnslib.statistics.Measurement` and the widths of its pulls;
:func:`combine` joins them into one :class:`~cevnslib.statistics.Fit`. Pull names are shared on
purpose: ``"reactor-flux"`` is the one pull common to CONUS and CONNIE.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from . import experiments, validation
from .couplings import NSI, STANDARD_MODEL
from .experiments import Experiment
from .fluxes import ReactorFlux
from .nuclei import nucleus
from .rates import EventTemplates
from .statistics import Fit, Interval, Measurement, interval_1d

#: R_n range (fm) the fits of this module scan (see :func:`rn_scan_range_fm` for a given setup).
RN_SCAN_RANGE_FM = (3.0, 8.0)

CSI_MODES = ("12-bin", "1-bin")

#: Neutron radius of the NaI pseudo-data: iodine's proton radius, no neutron skin (sodium, sharing the
#: skin, keeps its own R_p) [choice].
NAI_TRUTH_RN_FM = nucleus("I127").charge_radius_fm


@dataclass(frozen=True)
class ReactorSystematics:
    """Normalisation uncertainty of a reactor experiment, split into a shared flux part and the rest.

    ``total`` = 4% per experiment [paper]; ``flux`` = 3%, the part correlated between CONUS and
    CONNIE through the reactor antineutrino spectrum [choice]; the remainder sqrt(total^2 - flux^2)
    is each detector's own.
    """

    total: float = 0.04
    flux: float = 0.03

    def __post_init__(self):
        validation.number("total", self.total, 0.0, 1.0, low_open=True, high_open=True)
        validation.number("flux", self.flux, 0.0, self.total, low_open=True)

    @property
    def detector(self) -> float:
        """Uncorrelated remainder."""
        return float(np.sqrt(self.total**2 - self.flux**2))


def rn_scan_range_fm(experiment: Experiment) -> tuple[float, float]:
    """:data:`RN_SCAN_RANGE_FM`, its lower end raised to the next half fm the setup's templates accept.

    With ``neutron_radii="skin"`` the lightest nucleus' R_n sits below the fitted one (sodium's
    1.76 fm below iodine's in NaI) and must stay above the form factor's smallest radius, so NaI's
    scans start at 3.5 fm where CsI's start at 3.0 fm.

    >>> rn_scan_range_fm(experiments.get("COHERENT-NaI")), rn_scan_range_fm(experiments.get("COHERENT-CsI-2017"))
    ((3.5, 8.0), (3.0, 8.0))
    """
    lo, hi = experiment.cached_templates.rn_range_fm
    return max(RN_SCAN_RANGE_FM[0], math.ceil(2.0 * lo) / 2.0), min(RN_SCAN_RANGE_FM[1], hi)


def templates_for(name: str, **overrides) -> EventTemplates:
    """Templates of a setup on the R_n grid of its form factor (cached with the setup; read-only).

    The same as ``experiments.get(name, **overrides).cached_templates``.
    """
    return experiments.get(name, **overrides).cached_templates


def is_reactor(experiment: Experiment) -> bool:
    """Whether the setup's source is a reactor."""
    return isinstance(experiment.source, ReactorFlux)


def asimov_measurement(
    experiment: Experiment,
    templates: EventTemplates,
    scale: float = 1.0,
    truth_rn_fm: float | None = None,
    systematics: ReactorSystematics | None = None,
) -> tuple[Measurement, dict[str, float]]:
    """Forecast data: ``scale`` x the SM expectation (Asimov for scale = 1), sigma_i^2 = observed.

    ``truth_rn_fm``: the neutron radius of the pseudo-data in the setup's ``neutron_radii`` model
    (default: each nucleus' R_p).
    Reactor setups carry the shared ``"reactor-flux"`` pull and their own detector pull (see
    :class:`ReactorSystematics`) and do not take part in R_n fits (their q is too small to care);
    other setups carry one signal pull of ``experiment.systematic``. Raises ValueError for a scale
    that is not a finite number > 0, or a reactor systematic below the shared flux part.
    """
    scale = validation.positive("scale", scale)
    observed = scale * templates.counts(rn_fm=truth_rn_fm)
    reactor = is_reactor(experiment)
    if reactor:
        if systematics is None and experiment.systematic < ReactorSystematics.flux:
            raise ValueError(
                f"systematic = {experiment.systematic!r} of {experiment.name} is below the reactor-flux part "
                f"{ReactorSystematics.flux} that the reactor forecasts share: a forecast needs systematic in "
                f"[{ReactorSystematics.flux}, 1), or pass systematics=ReactorSystematics(total=..., flux=...) "
                "with flux <= total"
            )
        syst = systematics or ReactorSystematics(total=experiment.systematic)
        pulls = {"reactor-flux": syst.flux}
        if syst.detector > 0:
            pulls[f"{experiment.name}-detector"] = syst.detector
    else:
        pulls = {f"{experiment.name}-signal": experiment.systematic}
    measurement = Measurement(
        experiment.name, templates, observed, observed, signal_pulls=tuple(pulls), depends_on_rn=not reactor
    )
    return measurement, pulls


def csi2017_measurement(
    experiment: Experiment, templates: EventTemplates, mode: str = "12-bin"
) -> tuple[Measurement, dict[str, float]]:
    """COHERENT CsI 2017 data in the chi^2 of the literature (e.g. Cadeddu et al. 2018).

    Observed N_i = C_i - AC_i (coincidence minus anti-coincidence), background B_i = beam-related
    neutrons, sigma_i^2 = N_i + 2 AC_i + B_i, signal pull 28%, BRN pull 25%. ``mode`` ``"12-bin"``
    uses the 12 PE bins, ``"1-bin"`` their sum. Raises ValueError for a setup without data or an
    unknown mode.
    """
    data = experiment.data
    if data is None:
        raise ValueError(f"experiment {experiment.name} carries no data")
    observed, anti, brn = data.excess.astype(float), data.anticoincidence.astype(float), data.brn_expected()
    if mode == "1-bin":
        observed, anti, brn, templates = (
            observed.sum(keepdims=True),
            anti.sum(keepdims=True),
            brn.sum(keepdims=True),
            templates.summed(),
        )
    elif mode != "12-bin":
        raise ValueError(f"mode {mode!r} is unknown; allowed: {CSI_MODES}")
    pulls = {"CsI-signal": experiment.systematic, "CsI-BRN": data.brn_systematic}
    variance = observed + 2.0 * anti + brn
    measurement = Measurement(
        f"{experiment.name} ({mode})",
        templates,
        observed,
        variance,
        brn,
        signal_pulls=("CsI-signal",),
        background_pulls=("CsI-BRN",),
    )
    return measurement, pulls


def combine(*parts: tuple[Measurement, dict[str, float]]) -> Fit:
    """One fit from several (measurement, pulls) pairs; pulls with the same name are shared.

    >>> conus = asimov_measurement(experiments.get("CONUS"), templates_for("CONUS"))
    >>> connie = asimov_measurement(experiments.get("CONNIE"), templates_for("CONNIE"), scale=1.1)
    >>> fit = combine(conus, connie)
    >>> fit.pulls, f"{float(fit.chi2()):.3f}"
    (('reactor-flux', 'CONUS-detector', 'CONNIE-detector'), '7.618')

    Raises ValueError for no parts, or if one pull name comes with two widths.
    """
    if not parts:
        raise ValueError("combine needs at least one (measurement, pulls) pair")
    sigmas: dict[str, float] = {}
    for _, pulls in parts:
        for name, s in pulls.items():
            if name in sigmas and sigmas[name] != s:
                raise ValueError(f"pull {name!r} has two widths: {sigmas[name]} and {s}")
            sigmas[name] = s
    return Fit([m for m, _ in parts], sigmas)


def scan(fit: Fit, nsi: NSI | None = None, rn_fm=None, poisson: bool = False) -> np.ndarray:
    """Delta chi^2 (or, with ``poisson``, Delta(-2 ln L)) over a grid of physics points.

    ``nsi`` fields and ``rn_fm`` are arrays that broadcast (e.g. ``NSI(ee_u=u[:, None],
    ee_d=d[None, :])``); the result has their broadcast shape, zero at the smallest value scanned.

    >>> import numpy as np
    >>> from cevnslib import experiments
    >>> conus = combine(asimov_measurement(experiments.get("CONUS"), templates_for("CONUS")))
    >>> delta = scan(conus, NSI(ee_d=np.array([-0.02, 0.0, 0.02])))
    >>> [f"{x:.3f}" for x in delta]
    ['23.246', '0.000', '44.170']
    """
    values = fit.poisson_deviance(nsi, rn_fm) if poisson else fit.chi2(nsi, rn_fm)
    shape = np.broadcast_shapes(() if nsi is None else nsi.shape, np.shape(rn_fm) if rn_fm is not None else ())
    return np.broadcast_to(values - np.min(values), shape)


def setup_flipped_eps_ee_d(name: str, nsi: NSI | None = None, bracket: tuple[float, float] = (0.05, 1.5)) -> float:
    """The non-zero eps_ee^dV at which setup ``name`` expects its SM count (default R_n).

    The other couplings are those of ``nsi`` (default none; its ``ee_d`` is replaced). For a point
    nucleus and zero momentum transfer :func:`cevnslib.couplings.flipped_eps_ee_d` gives it in closed
    form. ``bracket`` must hold the flipped root only: for eps_ee^uV < 0 the SM-line root moves
    above zero, so narrow it (e.g. (0.15, 1.0) for CsI at eps_ee^uV = -0.1). Raises ValueError if
    the bracket holds no root.
    """
    t = templates_for(name)
    n_sm = t.counts().sum()
    base = STANDARD_MODEL if nsi is None else nsi

    def excess(ed):
        return t.counts(dataclasses.replace(base, ee_d=ed)).sum() - n_sm

    lo, hi = (validation.number("bracket", x) for x in bracket)
    if excess(lo) * excess(hi) > 0:
        raise ValueError(
            f"bracket = {tuple(bracket)} holds no flipped root of {name} at these couplings: "
            "move it (for eps_ee^uV < 0 the flipped root rises, e.g. (0.15, 1.0) for CsI at -0.1)"
        )
    from scipy.optimize import brentq

    return brentq(excess, lo, hi, xtol=1e-12)


def csi2017_rn_interval(mode: str = "12-bin", level: float = 1.0, nsi: NSI | None = None) -> Interval:
    """Best-fit R_n (fm) and its confidence set from the CsI 2017 data (Delta chi^2 <= level).

    At fixed NSI couplings ``nsi`` (default none), one R_n for Cs and I, scanned over
    :data:`RN_SCAN_RANGE_FM`; see :func:`~cevnslib.statistics.interval_1d`.

    >>> result = csi2017_rn_interval()
    >>> f"{result.best:.2f}", [f"[{lo:.2f}, {hi:.2f}]" for lo, hi in result.pieces]
    ('5.47', ['[4.34, 6.38]'])

    Raises ValueError for an unknown mode or a level that is not > 0.
    """
    exp = experiments.get("COHERENT-CsI-2017")
    fit = combine(csi2017_measurement(exp, templates_for("COHERENT-CsI-2017"), mode))
    grid = np.linspace(*RN_SCAN_RANGE_FM, 201)
    return interval_1d(lambda rn: fit.chi2(nsi, rn), grid, level)


BRANCHES = ("sm", "flipped")


def nai_connie_best_rn(
    connie_scale: float,
    branch: str = "sm",
    n_eps: int = 2001,
    nai_truth_rn_fm: float = NAI_TRUTH_RN_FM,
    nai_systematic: float | None = None,
) -> float:
    """Best-fit R_n (fm) of NaI (SM Asimov) + CONNIE observing ``connie_scale`` x its SM count.

    Both counts can be matched exactly on each of the two eps_ee^dV branches that CONNIE allows,
    so the branch is a choice: ``"sm"`` (eps_ee^dV below the zero of CONNIE's charge, where the SM
    lies) or ``"flipped"`` (above it). eps_ee^dV is profiled on ``n_eps`` points of that branch.
    ``nai_truth_rn_fm`` is the neutron radius of the NaI pseudo-data, ``nai_systematic`` its
    normalisation systematic (default: the setup's, 10%). Raises ValueError for an unknown branch
    or an n_eps below 3.
    """
    validation.choice("branch", branch, BRANCHES)
    n_eps = validation.integer("n_eps", n_eps, 3)
    nai_setup = (
        experiments.get("COHERENT-NaI")
        if nai_systematic is None
        else experiments.get("COHERENT-NaI", systematic=nai_systematic)
    )
    nai = asimov_measurement(nai_setup, templates_for("COHERENT-NaI"), truth_rn_fm=nai_truth_rn_fm)
    connie = asimov_measurement(experiments.get("CONNIE"), templates_for("CONNIE"), connie_scale)
    fit = combine(nai, connie)
    zero = setup_flipped_eps_ee_d("CONNIE") / 2.0  # CONNIE's charge vanishes midway between its two branches
    eps_d = np.linspace(-0.3, zero, n_eps) if branch == "sm" else np.linspace(zero, 0.9, n_eps)

    def profile(rn):
        return fit.chi2(NSI(ee_d=eps_d[None, :]), np.asarray(rn)[:, None]).min(axis=1)

    return interval_1d(profile, np.linspace(*rn_scan_range_fm(nai_setup), 251)).best
