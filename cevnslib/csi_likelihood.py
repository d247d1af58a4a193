"""The COHERENT CsI 2017 data as an energy x arrival-time Poisson likelihood, profiled over its nuisances.

The data release counts the beam-on coincidence window C_on in 12 PE bins i x 12 arrival-time bins j
of 0.5 us (0-6 us). The expected count of a cell is

    mu_ij = (1 + alpha) [S^p_i(theta) p^p_j + S^d_i(theta) p^d_j] + (1 + beta) B_i p^n_j + b_ij,

with S^p the prompt nu_mu signal and S^d the delayed nu_e + anti-nu_mu signal per PE bin (event
templates of each flux component, theta = NSI couplings and R_n), p^p, p^d, p^n the arrival-time
probabilities of prompt neutrinos, delayed neutrinos and beam-related neutrons (BRN) per time bin,
B_i the BRN count per PE bin and b_ij the steady-state background. Three side samples measure the
steady-state background alone: the beam-on anti-coincidence window AC_on (same live time, same
window length), and the beam-off coincidence and anti-coincidence windows C_off, AC_off (live time
ratio r = 153.5/308.1). Assuming the steady-state rate is the same in all four windows, their sum
m_ij ~ Poisson(tau b_ij) with tau = 1 + 2 r. The signal and BRN normalisations carry Gaussian
constraints, alpha ~ 28% and beta ~ 25%.

The steady-state background is, by default, one nuisance per cell (``background="per-bin"``, 144
nuisances), which assumes nothing about its shape. It is not flat in arrival time: the side samples
fall by about a factor two from the first to the last microsecond (a feature of the event
selection that we take from the data rather than model). ``"time-profile"`` uses one nuisance per PE bin with the time
shape of the side samples summed over PE (b_ij = b_i c_j, c_j fixed from the data, 12 nuisances);
``"flat-in-time"`` (b_ij = b_i dt_j / 6 us) is kept to show what the wrong shape does. Every
nuisance is profiled. The model is linear in (alpha, beta, b), so -2 ln L is convex in them: damped
Newton steps on all of them at once, with the b-block of the Hessian diagonal (each b enters its own
cells only), converge from any start. For one nuisance per cell, b given (alpha, beta) has the
closed form of :func:`~cevnslib.likelihood.profile_on_off_background`, and only (alpha, beta) are iterated.

-2 ln L is quoted relative to the saturated model (each count equal to its expectation), so it is
zero for Asimov data at the truth.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from . import experiments, validation
from .couplings import NSI
from .coverage import minimise_on_grid
from .experiments import CsI2017Data, Experiment
from .likelihood import (
    Minimum,
    minimise_bounded,
    poisson_deviance,
    poisson_deviance_derivatives,
    profile_grouped_background,
    profile_on_off_background,
)
from .rates import EventTemplates, build_templates, default_rn_grid_fm
from .statistics import PULL_WIDTH_RANGE, FitData, Interval, interval_1d

#: Points of the coarse R_n grid (over the templates' range) of the vectorised minimisation over R_n.
RN_COARSE_POINTS = 19
BACKGROUND_MODELS = ("per-bin", "time-profile", "flat-in-time")
#: Labels of the flux components of pion decay at rest, grouped by their arrival time.
PROMPT_LABELS = ("prompt nu_mu",)
DELAYED_LABELS = ("delayed nu_e", "delayed anti-nu_mu")


@dataclass(frozen=True)
class SourceComponents:
    """A neutrino source restricted to some of its flux components (by label).

    It exposes ``components`` and ``exposure_scale`` like the source itself, so
    :func:`~cevnslib.rates.build_templates` makes templates of, e.g., the prompt nu_mu line alone.

    Raises ValueError for labels that are not components of the source.
    """

    source: object
    labels: tuple[str, ...]

    def __post_init__(self):
        known = tuple(c.label for c in self.source.components)
        unknown = sorted(set(self.labels) - set(known))
        if unknown or not self.labels:
            raise ValueError(f"labels {unknown or self.labels} are not components of the source; allowed: {known}")

    @property
    def components(self) -> tuple:
        """The selected flux components."""
        return tuple(c for c in self.source.components if c.label in self.labels)

    def exposure_scale(self, live_time_s: float) -> float:
        """The source's own exposure scale."""
        return self.source.exposure_scale(live_time_s)


def component_templates(experiment: Experiment, labels: tuple[str, ...], rn_grid_fm=None) -> EventTemplates:
    """Event templates of ``experiment`` for the flux components called ``labels`` only.

    ``rn_grid_fm`` defaults to the R_n grid of the setup's form factor
    (:func:`~cevnslib.rates.default_rn_grid_fm`), so R_n fits reach every radius it allows.
    """
    source = SourceComponents(experiment.source, tuple(labels))
    grid = default_rn_grid_fm(experiment.options.form_factor) if rn_grid_fm is None else rn_grid_fm
    return build_templates(
        experiment.target,
        source,
        experiment.detector,
        experiment.mass_kg,
        experiment.live_time_s,
        experiment.options,
        grid,
        quadrature=experiment.quadrature,
    )


@cache
def _default_templates() -> tuple[EventTemplates, EventTemplates]:
    exp = experiments.get("COHERENT-CsI-2017")
    return component_templates(exp, PROMPT_LABELS), component_templates(exp, DELAYED_LABELS)


@dataclass
class PseudoData:
    """Counts a likelihood is evaluated on: the real data or pseudo-experiments.

    ``observed`` (beam-on coincidence) and ``sideband`` (AC_on + C_off + AC_off) have shape
    (..., n_pe, n_time), leading axes for toys; ``alpha_obs``, ``beta_obs`` (shape (...)) are the
    centres of the Gaussian constraints (0 for the real data, drawn around the truth for toys).
    Raises ValueError for counts that are negative, not finite or not numbers.
    """

    observed: np.ndarray
    sideband: np.ndarray
    alpha_obs: np.ndarray | float = 0.0
    beta_obs: np.ndarray | float = 0.0

    def __post_init__(self):
        for name in ("observed", "sideband"):
            counts = validation.real_array(name, getattr(self, name))
            if counts.ndim < 2 or np.any(counts < 0):
                raise ValueError(
                    f"{name} must hold counts >= 0 with shape (..., PE bins, time bins), got shape {counts.shape}"
                )
            setattr(self, name, counts)
        self.alpha_obs = validation.real_array("alpha_obs", self.alpha_obs)
        self.beta_obs = validation.real_array("beta_obs", self.beta_obs)

    @property
    def shape(self) -> tuple:
        """The leading (toy) shape."""
        return np.broadcast_shapes(
            self.observed.shape[:-2], self.sideband.shape[:-2], self.alpha_obs.shape, self.beta_obs.shape
        )


@dataclass
class Profile:
    """Nuisances at the minimum of -2 ln L for given physics parameters (arrays broadcast).

    ``deviance``: -2 ln(L/L_saturated) including the constraint terms; ``alpha``, ``beta``: signal
    and BRN normalisation pulls; ``background``: steady-state expectation per cell in the beam-on
    coincidence window; ``expected``: the full expectation mu_ij; ``steps``: Newton steps taken.
    """

    deviance: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    background: np.ndarray
    expected: np.ndarray
    steps: int = field(default=0)


def _prompt_and_delayed(experiment: Experiment | None):
    """The setup (default: COHERENT CsI 2017) and its prompt and delayed signal templates."""
    if experiment is None:
        return (experiments.get("COHERENT-CsI-2017"), *_default_templates())
    return (experiment, component_templates(experiment, PROMPT_LABELS), component_templates(experiment, DELAYED_LABELS))


class CsI2017Likelihood:
    """Poisson likelihood of COHERENT CsI 2017 in PE x arrival time (see the module docstring).

    Parameters
    ----------
    background : ``"per-bin"`` (default; one steady-state nuisance per cell), ``"time-profile"`` (one
        per PE bin, time shape of the side samples) or ``"flat-in-time"`` (one per PE bin, flat).
    use_beam_off : include C_off and AC_off in the background constraint (default) or use AC_on only.
    use_time : keep the 12 arrival-time bins (default) or sum over them (an energy-only likelihood).
    renormalise_time : if False (default), the arrival-time probabilities are taken as released, so
        the delayed neutrinos arriving after 6 us are lost; if True they are rescaled to sum to one
        in the window, as the 12-bin chi^2 of :func:`cevnslib.fits.csi2017_measurement` assumes.
    experiment : the setup (default ``experiments.get("COHERENT-CsI-2017")``); its templates are
        rebuilt on the R_n grid of its form factor unless it is the default.
    sigma_alpha, sigma_beta : widths of the signal and BRN constraints (default: the experiment's
        systematic, 28%, and the data's BRN uncertainty, 25%); a large value frees the normalisation.

    Raises ValueError for an unknown background model, a setup without data, or constraint widths
    that are not finite and > 0.
    """

    def __init__(
        self,
        background: str = "per-bin",
        use_beam_off: bool = True,
        use_time: bool = True,
        renormalise_time: bool = False,
        experiment: Experiment | None = None,
        sigma_alpha: float | None = None,
        sigma_beta: float | None = None,
    ):
        if background not in BACKGROUND_MODELS:
            raise ValueError(f"background {background!r} is unknown; allowed: {BACKGROUND_MODELS}")
        experiment, self.prompt, self.delayed = _prompt_and_delayed(experiment)
        if experiment.data is None:
            raise ValueError(f"experiment {experiment.name} carries no data")
        self.experiment = experiment
        self.data: CsI2017Data = experiment.data
        self.background_model, self.use_beam_off, self.use_time = background, use_beam_off, use_time
        self.renormalise_time = renormalise_time
        d = self.data
        self.sigma_alpha = validation.number(
            "sigma_alpha", experiment.systematic if sigma_alpha is None else sigma_alpha, *PULL_WIDTH_RANGE
        )
        self.sigma_beta = validation.number(
            "sigma_beta", d.brn_systematic if sigma_beta is None else sigma_beta, *PULL_WIDTH_RANGE
        )
        self.off_ratio = d.beam_off_live_days / d.beam_on_live_days
        self.tau = 1.0 + 2.0 * self.off_ratio if use_beam_off else 1.0

        n_time = d.time_edges_us.size - 1
        window = slice(0, n_time)
        at = d.arrival_time
        if not np.allclose(at["t_lo_us"][window], d.time_edges_us[:-1]):
            raise ValueError("arrival-time bins do not match the energy x time table")
        p_prompt, p_delayed = at["prompt_neutrino"][window], at["delayed_neutrino"][window]
        p_neutron = at["prompt_neutron"][window]
        if renormalise_time:
            p_prompt, p_delayed = p_prompt / p_prompt.sum(), p_delayed / p_delayed.sum()
        # BRN: brn_expected() already holds the fraction of neutrons inside the window.
        p_neutron = p_neutron / p_neutron.sum()
        et = d.energy_time
        observed, sideband = et["c_on"], et["ac_on"] + (et["c_off"] + et["ac_off"] if use_beam_off else 0.0)
        widths = np.diff(d.time_edges_us)
        if not use_time:
            p_prompt, p_delayed, p_neutron = (p.sum(keepdims=True) for p in (p_prompt, p_delayed, p_neutron))
            observed, sideband = observed.sum(axis=1, keepdims=True), sideband.sum(axis=1, keepdims=True)
            widths = widths.sum(keepdims=True)
        self.p_prompt, self.p_delayed, self.p_neutron = p_prompt, p_delayed, p_neutron
        self.brn = np.multiply.outer(d.brn_expected(), p_neutron)
        self.time_edges_us = d.time_edges_us if use_time else d.time_edges_us[[0, -1]]
        # Share of a PE bin's steady-state background in each time bin, or 1 per cell (per-bin).
        if background == "per-bin":
            self.weights = np.ones_like(widths)
        elif background == "flat-in-time":
            self.weights = widths / widths.sum()
        else:  # the arrival-time profile of all side-sample counts, summed over PE bins
            profile = sideband.sum(axis=0)
            self.weights = profile / profile.sum()
        self.observed_data = PseudoData(observed, sideband)

    # ----------------------------------------------------------------------------------------- model
    @property
    def shape(self) -> tuple[int, int]:
        """(PE bins, time bins) of the cells."""
        return self.brn.shape

    @property
    def rn_range_fm(self) -> tuple[float, float]:
        """The R_n range the templates cover."""
        grid = self.prompt.rn_grid_fm
        return float(grid[0]), float(grid[-1])

    def signal(self, nsi: NSI | None = None, rn_fm=None):
        """(prompt, delayed) CEvNS counts per PE bin over all arrival times (no time window); arrays broadcast."""
        return self.prompt.counts(nsi, rn_fm), self.delayed.counts(nsi, rn_fm)

    def signal_cells(self, nsi: NSI | None = None, rn_fm=None) -> np.ndarray:
        """CEvNS expectation per cell, shape (..., n_pe, n_time), at alpha = 0."""
        s_p, s_d = self.signal(nsi, rn_fm)
        return s_p[..., None] * self.p_prompt + s_d[..., None] * self.p_delayed

    def expected_counts(self, nsi: NSI | None = None, rn_fm=None, alpha=0.0, beta=0.0, background=0.0) -> np.ndarray:
        """Expected beam-on coincidence counts per cell (..., n_pe, n_time).

        ``background`` is the steady-state expectation per cell (scalar or array; default none), so
        by default this is the CEvNS signal plus the BRN at normalisation pulls ``alpha``, ``beta``.
        """
        signal = self.signal_cells(nsi, rn_fm)
        alpha, beta = np.asarray(alpha, dtype=float)[..., None, None], np.asarray(beta, dtype=float)[..., None, None]
        return (1.0 + alpha) * signal + (1.0 + beta) * self.brn + np.asarray(background, dtype=float)

    def _group(self, cells: np.ndarray) -> np.ndarray:
        """Sum cells over the time bins that share one background nuisance."""
        return cells if self.background_model == "per-bin" else cells.sum(axis=-1, keepdims=True)

    # ---------------------------------------------------------------------------------- likelihood
    def profile(self, nsi: NSI | None = None, rn_fm=None, data: PseudoData | None = None, signal_scale=None) -> Profile:
        """Minimise -2 ln L over alpha, beta and the steady-state background (vectorised).

        The physics point (``nsi`` fields and ``rn_fm``, arrays) broadcasts with the leading (toy)
        shape of ``data`` (default: the observed data). For given (alpha, beta) the background is
        profiled exactly (closed form per cell, or a safeguarded Newton iteration per PE bin for the
        grouped models); the reduced -2 ln L is convex in (alpha, beta) >= -1 (no negative
        normalisation) and is minimised by :func:`cevnslib.likelihood.minimise_bounded`, whose
        convergence is judged on the projected Newton decrement, so a pull held at its bound (a toy
        without signal) ends at the true minimum. ``signal_scale`` (>= 0, broadcasting) fixes the
        CEvNS normalisation 1 + alpha instead of profiling it, for a scan of the CEvNS count.
        Raises ValueError for a signal_scale that is negative or not finite.
        """
        data = self.observed_data if data is None else data
        cells = self.shape
        signal = self.signal_cells(nsi, rn_fm)
        batch = np.broadcast_shapes(
            signal.shape[:-2], data.shape, () if signal_scale is None else np.shape(signal_scale)
        )
        grouped = self.background_model != "per-bin" and self.use_time
        side_shape = cells[:-1] + (1,) if grouped else cells
        flat = int(np.prod(batch, dtype=int))
        signal = np.broadcast_to(signal, batch + cells).reshape((flat,) + cells)
        n = np.broadcast_to(data.observed, batch + cells).reshape((flat,) + cells)
        m_cells = self._group(data.sideband) if grouped else data.sideband
        m = np.broadcast_to(m_cells, batch + side_shape).reshape((flat,) + side_shape)
        centre = np.stack(
            [np.broadcast_to(data.alpha_obs, batch).reshape(flat), np.broadcast_to(data.beta_obs, batch).reshape(flat)],
            axis=-1,
        )
        precision = np.array([1.0 / self.sigma_alpha**2, 1.0 / self.sigma_beta**2])
        brn, tau = self.brn, self.tau
        w = np.broadcast_to(self.weights, cells)

        def background(s, index):
            if grouped:
                return profile_grouped_background(s, n[index], w, m[index], tau)
            return profile_on_off_background(s, n[index], m[index], tau)

        def fgh(x, index):
            sig = signal[index]
            s = (1.0 + x[:, 0, None, None]) * sig + (1.0 + x[:, 1, None, None]) * brn
            b = background(s, index)
            mu = s + b * w
            d1, d2 = poisson_deviance_derivatives(n[index], mu)
            e1, e2 = poisson_deviance_derivatives(m[index], tau * b)
            delta = x - centre[index]
            value = (
                poisson_deviance(n[index], mu, axis=(-2, -1))
                + poisson_deviance(m[index], tau * b, axis=(-2, -1))
                + np.sum(precision * delta * delta, axis=-1)
            )
            parts = (sig, np.broadcast_to(brn, sig.shape))
            grad = np.stack([np.sum(p * d1, axis=(-2, -1)) for p in parts], axis=-1) + 2.0 * precision * delta
            hess = np.empty(x.shape + (2,))
            for i, pi in enumerate(parts):
                for j, pj in enumerate(parts):
                    hess[:, i, j] = np.sum(pi * pj * d2, axis=(-2, -1))
            hess += np.diag(2.0 * precision)
            # Profiling b out: subtract the Schur complement of every background held away from 0.
            h_bb = np.sum(w * w * d2, axis=-1, keepdims=True) if grouped else w * w * d2
            h_bb = h_bb + tau * tau * e2
            cross = [np.sum(p * w * d2, axis=-1, keepdims=True) if grouped else p * w * d2 for p in parts]
            free = (b > 0) & (h_bb > 0)
            inverse = np.where(free, 1.0 / np.where(free, h_bb, 1.0), 0.0)
            for i in range(2):
                for j in range(2):
                    hess[:, i, j] -= np.sum(cross[i] * cross[j] * inverse, axis=(-2, -1))
            return value, grad, hess

        if signal_scale is None:
            result = minimise_bounded(fgh, np.zeros((flat, 2)), (np.eye(2), -np.ones(2)))
        else:  # alpha held: profile beta alone, alpha fixed per problem
            scale = np.broadcast_to(np.asarray(signal_scale, dtype=float), batch).reshape(flat)
            if np.any(~np.isfinite(scale)) or np.any(scale < 0):
                raise ValueError(f"signal_scale = {signal_scale} must be finite and >= 0")
            fixed = scale - 1.0

            def fgh_beta(x, index):
                full = np.stack([fixed[index], x[:, 0]], axis=-1)
                value, grad, hess = fgh(full, index)
                return value, grad[:, 1:], hess[:, 1:, 1:]

            beta_only = minimise_bounded(fgh_beta, np.zeros((flat, 1)), (np.eye(1), -np.ones(1)))
            result = Minimum(
                np.stack([fixed, beta_only.x[:, 0]], axis=-1),
                beta_only.value,
                beta_only.converged,
                beta_only.steps,
                beta_only.fallbacks,
            )
        if not np.all(result.converged):
            warnings.warn(
                f"profile: {np.count_nonzero(~result.converged)} of {flat} problems did not converge",
                RuntimeWarning,
                stacklevel=2,
            )
        alpha, beta = result.x[:, 0], result.x[:, 1]
        s = (1.0 + alpha[:, None, None]) * signal + (1.0 + beta[:, None, None]) * brn
        bkg = background(s, np.arange(flat))
        cells_bkg = bkg * w
        mu = s + cells_bkg
        return Profile(
            result.value.reshape(batch),
            alpha.reshape(batch),
            beta.reshape(batch),
            cells_bkg.reshape(batch + cells),
            mu.reshape(batch + cells),
            result.steps,
        )

    def deviance(self, nsi: NSI | None = None, rn_fm=None, data: PseudoData | None = None) -> np.ndarray:
        """-2 ln(L/L_saturated), profiled over alpha, beta and the background; arrays broadcast.

        >>> lik = CsI2017Likelihood()
        >>> f"{float(lik.deviance(rn_fm=4.5) - lik.deviance(rn_fm=5.5)):.3f}"
        '-0.743'
        """
        return self.profile(nsi, rn_fm, data).deviance

    def scan(self, nsi: NSI | None = None, rn_fm=None, data: PseudoData | None = None) -> np.ndarray:
        """Delta(-2 ln L) over broadcast parameter arrays, relative to the smallest value scanned."""
        values = self.deviance(nsi, rn_fm, data)
        return values - np.min(values)

    def fit_rn(self, nsi: NSI | None = None, level: float = 1.0, grid=None, data: PseudoData | None = None) -> Interval:
        """Best-fit R_n (fm) and the set Delta(-2 ln L) <= ``level`` at fixed NSI couplings ``nsi``.

        ``grid`` (default 141 points over the template range) locates the minimum; every disjoint
        piece of the set is returned (:class:`~cevnslib.statistics.Interval`); ends of the range
        reached inside the set are returned as +-inf.
        """
        lo, hi = self.rn_range_fm
        grid = np.linspace(lo, hi, 141) if grid is None else np.asarray(grid, dtype=float)
        return interval_1d(lambda rn: self.deviance(nsi, np.asarray(rn), data), grid, level)

    def minimise_rn(self, data: PseudoData | None = None, nsi: NSI | None = None, grid=None):
        """Best-fit R_n and the minimum of -2 ln L for every pseudo-experiment in ``data`` (vectorised).

        The minimum is located on ``grid`` (default :data:`RN_COARSE_POINTS` points over the
        templates' R_n range), then refined by two parabolas (:func:`cevnslib.coverage.minimise_on_grid`).
        Returns ``(rn_hat, deviance_min)``, each of shape ``data.shape``.
        """
        data = self.observed_data if data is None else data
        grid = np.linspace(*self.rn_range_fm, RN_COARSE_POINTS) if grid is None else grid
        return minimise_on_grid(lambda rn: self.deviance(nsi, rn, data), grid, data.shape)

    # --------------------------------------------------------------------------------- pseudo-data
    def asimov(self, nsi: NSI | None = None, rn_fm=None, alpha=0.0, beta=0.0, background=None) -> PseudoData:
        """Asimov data: every count equal to its expectation (default background: the fitted one)."""
        truth = self.truth(nsi, rn_fm, alpha, beta, background)
        return PseudoData(truth.expected, self.tau * truth.background, truth.alpha, truth.beta)

    def truth(self, nsi: NSI | None = None, rn_fm=None, alpha=None, beta=None, background=None) -> Profile:
        """A complete model point to generate pseudo-data from.

        Nuisances left as None take their profiled values on the observed data at these parameters
        (the usual choice for a frequentist construction).
        """
        fit = self.profile(nsi, rn_fm)
        alpha = fit.alpha if alpha is None else np.asarray(alpha, dtype=float)
        beta = fit.beta if beta is None else np.asarray(beta, dtype=float)
        background = fit.background if background is None else np.broadcast_to(background, self.shape)
        expected = self.expected_counts(nsi, rn_fm, alpha, beta, background)
        return Profile(np.zeros(np.shape(alpha)), alpha, beta, np.asarray(background), expected)

    def generate(
        self, truth: Profile, rng: np.random.Generator, n_toys: int, randomise_constraints: bool = True
    ) -> PseudoData:
        """``n_toys`` pseudo-experiments from a model point (see :meth:`truth`).

        Beam-on coincidence counts ~ Poisson(expected); sideband ~ Poisson(tau x background) per cell;
        with ``randomise_constraints`` the constraint centres are drawn as alpha_obs ~ N(alpha,
        sigma_alpha), beta_obs ~ N(beta, sigma_beta) (the auxiliary measurements fluctuate too).
        """
        observed = rng.poisson(np.broadcast_to(truth.expected, (n_toys,) + self.shape)).astype(float)
        sideband = rng.poisson(np.broadcast_to(self.tau * truth.background, (n_toys,) + self.shape)).astype(float)
        if randomise_constraints:
            a_obs = rng.normal(truth.alpha, self.sigma_alpha, n_toys)
            b_obs = rng.normal(truth.beta, self.sigma_beta, n_toys)
        else:
            a_obs, b_obs = np.full(n_toys, float(truth.alpha)), np.full(n_toys, float(truth.beta))
        return PseudoData(observed, sideband, a_obs, b_obs)


class CsI2017Chi2:
    """The 12-bin chi^2 of :func:`cevnslib.fits.csi2017_measurement`, evaluated on pseudo-data too.

    chi^2 = sum_i [N_i - (1 + alpha) S_i - (1 + beta) B_i]^2 / sigma_i^2 + (alpha - alpha_obs)^2 /
    sigma_alpha^2 + (beta - beta_obs)^2 / sigma_beta^2, N = C - AC, sigma_i^2 = N_i + 2 AC_i + B_i,
    minimised over (alpha, beta) in closed form by :meth:`cevnslib.statistics.Fit.chi2` on
    :class:`~cevnslib.statistics.FitData`: the toys fluctuate C, AC and the constraint centres.
    """

    def __init__(self, experiment: Experiment | None = None):
        from .fits import combine, csi2017_measurement

        self.experiment = experiments.get("COHERENT-CsI-2017") if experiment is None else experiment
        self.data = self.experiment.data
        self.fit = combine(csi2017_measurement(self.experiment, self.experiment.cached_templates))
        self.brn = self.fit.measurements[0].background
        self.sigma_alpha, self.sigma_beta = (self.fit.pull_sigmas[p] for p in self.fit.pulls)
        self.rn_range_fm = self.experiment.cached_templates.rn_range_fm

    def signal(self, nsi: NSI | None = None, rn_fm=None) -> np.ndarray:
        """CEvNS counts per PE bin (all arrival times)."""
        return self.experiment.cached_templates.counts(nsi, rn_fm)

    def fit_data(self, coincidence, anticoincidence, alpha_obs=0.0, beta_obs=0.0) -> FitData:
        """Pseudo-data (C, AC and the constraint centres, leading axes for toys) as the fit sees them."""
        c, ac = np.asarray(coincidence, dtype=float), np.asarray(anticoincidence, dtype=float)
        excess = c - ac  # may fall below zero in a toy: the Gaussian chi^2 of an excess allows it
        centres = np.stack(np.broadcast_arrays(np.asarray(alpha_obs, float), np.asarray(beta_obs, float)), axis=-1)
        return FitData(excess, excess + 2.0 * ac + self.brn, centres)

    def chi2(self, nsi: NSI | None = None, rn_fm=None, data: FitData | None = None, return_pulls: bool = False):
        """chi^2 minimised over the pulls on ``data`` (default: the observed data); arrays broadcast."""
        return self.fit.chi2(nsi, rn_fm, data, return_pulls)

    def fit_rn(self, nsi: NSI | None = None, level: float = 1.0, grid=None) -> Interval:
        """Best-fit R_n and its confidence set at fixed ``nsi`` on the observed data."""
        grid = np.linspace(*self.rn_range_fm, 141) if grid is None else np.asarray(grid, dtype=float)
        return interval_1d(lambda rn: self.chi2(nsi, np.asarray(rn)), grid, level)

    def minimise_rn(self, data: FitData | None = None, nsi: NSI | None = None, grid=None):
        """Best-fit R_n and chi^2_min for every toy in ``data`` (vectorised; default the observed data)."""
        shape = () if data is None else np.broadcast_shapes(data.observed.shape[:-1], data.pull_centres.shape[:-1])
        grid = np.linspace(*self.rn_range_fm, RN_COARSE_POINTS) if grid is None else grid
        return minimise_on_grid(lambda rn: self.chi2(nsi, np.asarray(rn), data), grid, shape)

    def generate(
        self,
        rng: np.random.Generator,
        n_toys: int,
        rn_fm,
        alpha: float,
        beta: float,
        steady_state,
        randomise_constraints: bool = True,
    ) -> FitData:
        """Toys: C ~ Poisson(S(1 + alpha) + B(1 + beta) + u), AC ~ Poisson(u), and constraint centres."""
        mu = self.signal(rn_fm=rn_fm) * (1.0 + alpha) + self.brn * (1.0 + beta) + steady_state
        c = rng.poisson(np.broadcast_to(mu, (n_toys, mu.size))).astype(float)
        ac = rng.poisson(np.broadcast_to(steady_state, (n_toys, mu.size))).astype(float)
        if randomise_constraints:
            a_obs, b_obs = rng.normal(alpha, self.sigma_alpha, n_toys), rng.normal(beta, self.sigma_beta, n_toys)
        else:
            a_obs, b_obs = np.full(n_toys, alpha), np.full(n_toys, beta)
        return self.fit_data(c, ac, a_obs, b_obs)
