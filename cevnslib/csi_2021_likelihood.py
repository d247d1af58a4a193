"""The COHERENT CsI[Na] full data set (PRL 129 (2022) 081801, arXiv:2110.07730) as a binned Poisson likelihood.

The beam-on coincidence events of the release are counted in PE bins b x arrival-time bins t (the
setup's bins, by default :data:`~cevnslib.coherent_csi_2021.DEFAULT_PE_EDGES` x
:data:`~cevnslib.coherent_csi_2021.DEFAULT_TIME_EDGES_US`). The expected count of a cell is::

    mu_bt = s (1 + a) [S_bt(nsi, R_n) + sum_k theta_k D_k,bt]
            + (1 + b_ss) SS_bt + (1 + b_brn) BRN_bt + (1 + b_nin) NIN_bt,

- S: the CEvNS counts of :meth:`~cevnslib.experiments.Experiment.predict_energy_time` (prompt and
  delayed neutrinos with their arrival-time shapes and the timing efficiency), built per nucleus so
  that Cs and I can take their own R_n; s: a signal strength (1 unless fitted);
- a: the neutrino-flux normalisation pull;
- theta_k: the response nuisances in units of their sigma, the PE efficiency and the two principal
  components of the scintillation response (the release's +-1 sigma coefficient sets). The CEvNS
  cells move linearly with them: D_k = [S(theta_k = +1) - S(theta_k = -1)] / 2, a symmetric finite
  difference of templates rebuilt at +-1 sigma once per likelihood (exact for a response linear in
  theta; what it leaves out is the curvature, which at +-1 sigma moves the CEvNS total by 2.2 of
  the 34-38 events of the efficiency's shift, and by < 0.1 event for the scintillation components);
- SS: the steady-state background (:meth:`~cevnslib.coherent_csi_2021.CsI2021Data.steady_state`),
  measured by the anti-coincidence (AC) window (same exposure as the coincidence window): the AC
  sample's PE projection times the time shape of a background uniform in time before the timing
  cut, the integral of the timing efficiency over each time bin normalised over the window (the AC
  time projection agrees with that shape). Its total is the AC count, 1,295 events. Not the AC
  histogram cell by cell: at about 6.6 events a cell its Poisson noise, taken as the exact
  expectation under a 2.1% normalisation prior, would be fitted as signal (on toys with R_n = 5.4
  fm it pulled the fitted R_n about 1.4 fm low);
- BRN and NIN: the beam-related and neutrino-induced neutrons
  (:meth:`~cevnslib.coherent_csi_2021.CsI2021Data.neutron_background`) normalised to the expected
  counts of :func:`~cevnslib.published.csi_2021_published` in the analysis region, which are
  counted before the timing efficiency: each is scaled by the share of its events the efficiency
  keeps (BRN 18.4 -> 18.3, NIN 5.6 -> 5.2).

Every nuisance has a Gaussian prior (:func:`csi_2021_priors` lists each width and its source), so::

    -2 ln L = 2 sum_bt [mu - n + n ln(n / mu)] + sum_j ((x_j - x0_j) / sigma_j)^2,

the Poisson deviance of :func:`cevnslib.likelihood.poisson_deviance` (exact in zero-count cells)
plus the pulls; x0 = 0 for the data, the auxiliary measurements' values for a toy. It is minimised
over the seven nuisances by :func:`cevnslib.likelihood.minimise_bounded` for a whole grid of
physics points at once, with the normalisations 1 + a, 1 + b >= 0. Its Newton steps use the
Gauss-Newton Hessian J^T diag(2 n / mu^2) J + 2 diag(1 / sigma^2) (J = d mu / d x): positive
definite everywhere, so every step descends; it leaves out only the term of the product of the
flux pull with the response morph, so the gradient, and hence the minimum, is exact. What it
shares with the argon likelihood (its counts, profiles, Asimov data, pseudo-experiments and the
batched minimisation over a grid) is :mod:`cevnslib.binned_likelihood`.

The full data set contains the 2017 data (the first 7.5 GWh of its 13.99 GWh): this likelihood is
never to be added to :class:`cevnslib.csi_likelihood.CsI2017Likelihood` or to the 2017 chi^2,
which would count those events twice. The module offers no combination of the two.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import experiments
from .binned_likelihood import (
    BinnedCounts,
    BinnedLikelihood,
    BinnedProfile,
    FreeNuisances,
    Prior,
    morph,
    signal_strengths,
)
from .couplings import NSI
from .experiments import Experiment
from .likelihood import minimise_bounded, poisson_deviance_derivatives
from .published import csi_2021_published
from .rates import EventTemplates, build_templates, default_rn_grid_fm
from .validation import read_only

#: The nuisances, in the order of every array of them: flux normalisation, PE efficiency, the two
#: principal components of the scintillation response, steady-state, BRN and NIN normalisations.
NUISANCES = ("flux", "efficiency", "quenching_pc0", "quenching_pc1", "steady_state", "brn", "nin")
#: The response nuisances that morph the CEvNS cells (theta, in sigma units).
RESPONSE_NUISANCES = NUISANCES[1:4]
#: Nuisances that scale a normalisation 1 + x >= 0.
NORMALISATIONS = ("flux", "steady_state", "brn", "nin")
#: Physics points profiled together in one batch: small enough that a batch's arrays (about 1.6 MB
#: each) stay in the CPU cache, which makes a 100 x 100 map three times faster than batches of 2048.
BATCH = 256


def _through_timing_efficiency(data, kind: str, pe_edges, time_edges_us, before: float) -> float:
    """Expected ``kind`` events in the bins after the timing efficiency, from ``before``, the published
    count before it (the release's time projections do not include the timing efficiency, and the
    published BRN and NIN counts are their sums): ``before`` times the share the efficiency keeps."""
    seen = float(np.sum(data.neutron_background(kind, pe_edges, time_edges_us)))  # release total, efficiency applied
    centres = data.neutrons_time["time_us"]
    inside = (centres >= time_edges_us[0]) & (centres < time_edges_us[-1])
    return before * seen / float(np.sum(data.neutrons_time[kind][inside]))


def csi_2021_priors() -> tuple[Prior, ...]:
    """The priors of :data:`NUISANCES`, in that order, each with its source.

    - flux: ``flux_uncertainty_fraction`` (10%) of :func:`~cevnslib.published.csi_2021_published`;
    - efficiency, quenching_pc0, quenching_pc1: 1, by construction (the release's coefficient sets
      are the +-1 sigma variations, arXiv:2110.07730 data release);
    - steady_state: ``steady_state_prior_fraction`` (2.1%);
    - brn, nin: the relative 1-sigma width of ``brn_expected_events`` (25%) and
      ``nin_expected_events`` (36%).
    """
    published = csi_2021_published()

    def relative(key: str) -> float:
        record = published[key]
        return record.minus / record.value

    flux, steady = published["flux_uncertainty_fraction"], published["steady_state_prior_fraction"]
    release = "arXiv:2110.07730 data release: the +-1 sigma coefficient sets (theta in sigma units)"
    return (
        Prior("flux", flux.value, f"flux_uncertainty_fraction: {flux.source}"),
        Prior("efficiency", 1.0, release),
        Prior("quenching_pc0", 1.0, release),
        Prior("quenching_pc1", 1.0, release),
        Prior("steady_state", steady.value, f"steady_state_prior_fraction: {steady.source}"),
        Prior(
            "brn", relative("brn_expected_events"), f"brn_expected_events: {published['brn_expected_events'].source}"
        ),
        Prior(
            "nin", relative("nin_expected_events"), f"nin_expected_events: {published['nin_expected_events'].source}"
        ),
    )


@dataclass(frozen=True, eq=False)
class CsI2021Counts(BinnedCounts):
    """Counts the likelihood is evaluated on: the data, Asimov data or pseudo-experiments.

    Attributes
    ----------
    observed : beam-on coincidence counts, shape (..., n_pe, n_time), leading axes for toys; >= 0.
    pull_centres : centres x0 of the Gaussian priors, shape (..., 7) in the order of
        :data:`NUISANCES` (default zeros: the data; a toy draws them around the truth).

    Read-only (a :class:`~cevnslib.binned_likelihood.BinnedCounts`). Raises ValueError for counts that
    are negative, not finite, not numbers or of fewer than two dimensions, and for pull centres that
    are not finite or do not end in 7 entries.
    """

    NUISANCES = NUISANCES
    BIN_AXES = ("PE", "time")
    SHAPE_TEXT = "PE bins, time bins"


@dataclass(frozen=True, eq=False)
class CsI2021Profile(BinnedProfile):
    """The minimum of -2 ln L over the nuisances at given physics points (leading shape ``shape``).

    Attributes
    ----------
    deviance : -2 ln(L / L_saturated) with the pulls, shape (...).
    nuisances : the minimising nuisances, shape (..., 7), in the order of :data:`NUISANCES`
        (normalisation pulls as fractions, response nuisances in sigma).
    signal : fitted CEvNS counts per cell, s (1 + a) (S + sum theta D), shape (..., n_pe, n_time).
    expected : the full expectation mu per cell, shape (..., n_pe, n_time).
    converged : whether each minimisation converged, shape (...).

    Arrays are read-only; :meth:`~cevnslib.binned_likelihood.BinnedProfile.pulls` divides by the
    priors of :func:`csi_2021_priors` unless given others.
    """

    PRIORS = staticmethod(csi_2021_priors)


def _stacked(parts: list[EventTemplates]) -> EventTemplates:
    """One set of templates whose bins are those of ``parts`` side by side (counts are linear in them)."""
    first = parts[0]

    def cat(name):
        return np.concatenate([getattr(p, name) for p in parts], axis=-1)

    return EventTemplates(
        first.nuclei,
        first.flavors,
        first.couplings,
        cat("i_zz"),
        cat("i_zn_default"),
        cat("i_nn_default"),
        first.rn_grid_fm,
        cat("i_zn_grid"),
        cat("i_nn_grid"),
    )


def _half_difference(plus: EventTemplates, minus: EventTemplates) -> EventTemplates:
    """Templates of (plus - minus) / 2: the symmetric finite difference of two response variants."""

    def diff(name):
        return (getattr(plus, name) - getattr(minus, name)) / 2.0

    return EventTemplates(
        plus.nuclei,
        plus.flavors,
        plus.couplings,
        diff("i_zz"),
        diff("i_zn_default"),
        diff("i_nn_default"),
        plus.rn_grid_fm,
        diff("i_zn_grid"),
        diff("i_nn_grid"),
    )


def _response_variants(experiment: Experiment) -> list[tuple[Experiment, Experiment]]:
    """(+1 sigma, -1 sigma) variants of the setup for each response nuisance, around its own thetas."""
    detector = experiment.detector
    eff, quench = detector.efficiency, detector.quenching
    t0, t1 = quench.thetas
    variants = []
    for sign in (1.0, -1.0):
        variants.append(
            (
                dataclasses.replace(detector, efficiency=dataclasses.replace(eff, theta=eff.theta + sign)),
                dataclasses.replace(detector, quenching=dataclasses.replace(quench, thetas=(t0 + sign, t1))),
                dataclasses.replace(detector, quenching=dataclasses.replace(quench, thetas=(t0, t1 + sign))),
            )
        )
    return [
        (dataclasses.replace(experiment, detector=p), dataclasses.replace(experiment, detector=m))
        for p, m in zip(*variants)
    ]


class CsI2021Likelihood(BinnedLikelihood):
    """Poisson likelihood of the CsI[Na] full data set in PE x arrival time (see the module docstring).

    Parameters
    ----------
    experiment : the setup (default ``experiments.get("COHERENT-CsI-2021")``), with its data, bins,
        response and arrival-time shares. Its bins must span the analysis region of the published
        background counts (0-60 PE, 0-6 us: ``roi_*`` of :func:`~cevnslib.published.csi_2021_published`).

    Attributes
    ----------
    experiment : the setup.
    priors : the :class:`~cevnslib.binned_likelihood.Prior` of each nuisance (:func:`csi_2021_priors`);
        ``sigmas`` their widths, shape (7,).
    observed : the coincidence counts, shape (n_pe, n_time) = ``shape``.
    backgrounds : expected steady-state, BRN and NIN counts, shape (3, n_pe, n_time).
    rn_range_fm : (lowest, highest) R_n in fm the templates accept.

    The signal templates (nominal and the three response derivatives, per nucleus, prompt and
    delayed) are built on first use and kept; every later profile is array arithmetic. Never add
    this likelihood to the CsI 2017 one: the full data set contains the 2017 data. Asimov data and
    pseudo-experiments: :meth:`~cevnslib.binned_likelihood.BinnedLikelihood.asimov` (which also takes
    ``nucleus_rn_fm``) and :meth:`~cevnslib.binned_likelihood.BinnedLikelihood.generate`.

    Raises ValueError for a setup without CsI 2021 data or arrival-time bins, or bins that do not
    span the analysis region.
    """

    NUISANCES = NUISANCES
    NORMALISATIONS = NORMALISATIONS
    SIGNAL_NORMALISATION = "flux"
    SIGNAL_MORPHS = RESPONSE_NUISANCES
    COUNTS = CsI2021Counts
    PROFILE = CsI2021Profile
    BATCH = BATCH

    def __init__(self, experiment: Experiment | None = None):
        experiment = experiments.get("COHERENT-CsI-2021") if experiment is None else experiment
        if experiment.arrival_time is None or not hasattr(experiment.data, "anticoincidence"):
            raise ValueError(f"experiment {experiment.name} has no CsI 2021 data with arrival-time bins")
        published = csi_2021_published()
        pe, t = experiment.detector.pe_edges, experiment.arrival_time.time_edges_us
        region = tuple(published[k].value for k in ("roi_pe_min", "roi_pe_max", "roi_time_min_us", "roi_time_max_us"))
        if (pe[0], pe[-1], t[0], t[-1]) != region:
            raise ValueError(
                f"pe_edges {pe[0]}-{pe[-1]} PE and time_edges_us {t[0]}-{t[-1]} us must span the analysis "
                f"region {region[0]}-{region[1]} PE x {region[2]}-{region[3]} us"
            )
        data = experiment.data
        super().__init__(experiment, csi_2021_priors(), data.binned("C", pe, t))
        self.backgrounds = read_only(
            [data.steady_state(pe, t)]
            + [
                data.neutron_background(
                    kind,
                    pe,
                    t,
                    expected=_through_timing_efficiency(data, kind, pe, t, published[f"{kind}_expected_events"].value),
                )
                for kind in ("brn", "nin")
            ]
        )

    @cached_property
    def _templates(self) -> tuple[tuple[EventTemplates, EventTemplates], ...]:
        """Per nucleus: (prompt, delayed) templates whose bins are [nominal, D_eff, D_pc0, D_pc1] x PE bins."""
        exp = self.experiment
        grid = default_rn_grid_fm(exp.options.form_factor)
        variants = _response_variants(exp)

        def build(setup, part, k):
            return build_templates(
                setup.target,
                setup.split_source(part),
                setup.detector,
                setup.mass_kg,
                setup.live_time_s,
                setup.options,
                grid,
                None,
                setup.quadrature,
                nucleus=k,
            )

        out = []
        for k in range(len(exp.target.nuclei)):
            per_part = []
            for part in ("prompt", "delayed"):
                derivatives = [
                    _half_difference(build(plus, part, k), build(minus, part, k)) for plus, minus in variants
                ]
                per_part.append(_stacked([build(exp, part, k), *derivatives]))
            out.append(tuple(per_part))
        return tuple(out)

    def _radii(self, rn_fm, nucleus_rn_fm) -> tuple:
        """One R_n per nucleus: ``nucleus_rn_fm`` (one entry per nucleus) or ``rn_fm`` for all."""
        n = len(self.experiment.target.nuclei)
        if nucleus_rn_fm is None:
            return (rn_fm,) * n
        if rn_fm is not None:
            raise ValueError("give rn_fm (one R_n for every nucleus) or nucleus_rn_fm (one per nucleus), not both")
        if isinstance(nucleus_rn_fm, (str, bytes)) or not hasattr(nucleus_rn_fm, "__len__") or len(nucleus_rn_fm) != n:
            names = tuple(nuc.name for nuc in self.experiment.target.nuclei)
            raise ValueError(f"nucleus_rn_fm must hold one R_n (fm) per nucleus {names}, got {nucleus_rn_fm!r}")
        return tuple(nucleus_rn_fm)

    def signal_cells(self, nsi: NSI | None = None, rn_fm=None, *, nucleus_rn_fm=None) -> np.ndarray:
        """CEvNS counts and their response derivatives, shape (..., 4, n_pe, n_time).

        Index 0 of the fourth-last axis is S (the nominal response), 1-3 are D_k for
        :data:`RESPONSE_NUISANCES`. ``rn_fm`` is one R_n for Cs and I; ``nucleus_rn_fm`` = (R_n^Cs,
        R_n^I) gives each its own (arrays broadcast). Raises ValueError for radii outside
        ``rn_range_fm``, or both ``rn_fm`` and ``nucleus_rn_fm``.
        """
        arrival = self.experiment.arrival_time
        total = 0.0
        for (prompt, delayed), rn in zip(self._templates, self._radii(rn_fm, nucleus_rn_fm)):
            p, d = (t.counts(nsi, rn) for t in (prompt, delayed))
            p, d = (x.reshape(x.shape[:-1] + (4, self.shape[0])) for x in (p, d))
            total = total + p[..., None] * arrival.prompt + d[..., None] * arrival.delayed
        return np.asarray(total)

    def expected_counts(
        self, nsi: NSI | None = None, rn_fm=None, nuisances=None, *, nucleus_rn_fm=None, signal_strength=1.0
    ) -> np.ndarray:
        """mu per cell at ``nuisances`` (shape (..., 7), default all 0), shape (..., n_pe, n_time).

        Raises ValueError like :meth:`signal_cells`, or for nuisances without 7 entries in their last axis.
        """
        x = self._nuisance_values(nuisances)
        cells = self.signal_cells(nsi, rn_fm, nucleus_rn_fm=nucleus_rn_fm)
        strength = signal_strengths(signal_strength)[..., None, None]
        shape = morph(cells, x[..., 1:4], 2)
        return strength * (1.0 + x[..., 0, None, None]) * shape + np.einsum(
            "...j,jbt->...bt", 1.0 + x[..., 4:], self.backgrounds
        )

    def profile(
        self,
        nsi: NSI | None = None,
        rn_fm=None,
        *,
        nucleus_rn_fm=None,
        signal_strength=1.0,
        data: CsI2021Counts | None = None,
        fixed: tuple[str, ...] = (),
    ) -> CsI2021Profile:
        """Minimise -2 ln L over the nuisances for every physics point of a broadcast grid.

        ``nsi`` (fields may be arrays), ``rn_fm`` or ``nucleus_rn_fm`` (one R_n per nucleus, Cs then I)
        and ``signal_strength`` (s >= 0, an array for a scan of the CEvNS count) broadcast with the
        leading shape of ``data`` (default: the observed counts). ``fixed``: names of nuisances held
        at their prior centre instead of profiled. The model is linear in every nuisance but for the
        product of the flux pull with the response morph and the morph's clip at zero counts
        (:func:`~cevnslib.binned_likelihood.morph`); the minimiser takes Newton steps with the
        Gauss-Newton Hessian (exact gradient, convergence judged on the Newton decrement ~1e-11) on
        batches of :data:`BATCH` points. A RuntimeWarning names the points that did not converge (see
        ``converged``).

        Raises ValueError for radii out of range, a negative or non-finite signal strength, an
        unknown nuisance in ``fixed``, or ``data`` whose cells do not match the bins.
        """
        data = self._data(data)
        free = self._free(fixed)
        cells = self.signal_cells(nsi, rn_fm, nucleus_rn_fm=nucleus_rn_fm)
        batch, (cells,), strength, counts, centres = self._flat_points(data, signal_strength, (cells, 3))
        n_points, n_cells = counts.shape
        cells = cells.reshape(n_points, 4, n_cells)
        backgrounds = self.backgrounds.reshape(3, n_cells)
        sigmas, bounded = np.asarray(self.sigmas), self._bounded()

        def solve(part, start):
            return _minimise(
                cells[part], strength[part], counts[part], centres[part], backgrounds, sigmas, free, bounded, start
            )

        x, values, converged = self._in_batches(n_points, solve, stacklevel=2)
        signal = strength[:, None] * (1.0 + x[:, :1]) * morph(cells, x[:, 1:4], 1)
        expected = signal + (1.0 + x[:, 4:]) @ backgrounds
        return self._profile(batch, x, values, converged, signal, expected)

    def deviance(
        self,
        nsi: NSI | None = None,
        rn_fm=None,
        *,
        nucleus_rn_fm=None,
        signal_strength=1.0,
        data: CsI2021Counts | None = None,
        fixed: tuple[str, ...] = (),
    ) -> np.ndarray:
        """-2 ln(L / L_saturated), profiled over the nuisances (see :meth:`profile`); arrays broadcast.

        Raises ValueError like :meth:`profile`.
        """
        return self.profile(
            nsi, rn_fm, nucleus_rn_fm=nucleus_rn_fm, signal_strength=signal_strength, data=data, fixed=fixed
        ).deviance


def morphed(cells, theta) -> np.ndarray:
    """CEvNS cells at response nuisances ``theta``: max(S + sum_k theta_k D_k, 0), without the (S, D_k) axis.

    ``cells`` (..., 4, then the bin axes) hold S and the three D_k (:meth:`CsI2021Likelihood.signal_cells`),
    ``theta`` (..., 3) the nuisances in sigma, with the same leading axes: the bin axes are those
    ``cells`` has beyond them. :func:`~cevnslib.binned_likelihood.morph`, clipped at zero counts.
    """
    return morph(cells, theta, np.ndim(cells) - np.ndim(theta))


def _minimise(cells, strength, counts, centres, backgrounds, sigmas, free, bounded, start=None):
    """(nuisances, -2 ln L, converged) for a batch: cells (m, 4, c), strength (m,), counts (m, c), centres (m, 7);
    ``free`` and ``bounded`` (7,) as in :class:`~cevnslib.binned_likelihood.FreeNuisances`; ``start`` (m, 7):
    where the Newton steps start (default zero), moved inside the normalisations' bounds."""
    nuisances = FreeNuisances(centres, sigmas, free, bounded)
    precision, index_free = nuisances.precision, nuisances.index
    outer = np.einsum("jc,kc->jkc", backgrounds, backgrounds).reshape(-1, backgrounds.shape[1])

    def model(xf, index):
        x = nuisances.full(xf, index)
        c, s = cells[index], strength[index, None]
        shape = morph(c, x[:, 1:4], 1)
        norm = s * (1.0 + x[:, :1])
        mu = norm * shape + (1.0 + x[:, 4:]) @ backgrounds
        return x, c, s, shape, norm, mu, x - centres[index]

    def objective(xf, index):  # the value alone, for the line search
        *_, mu, delta = model(xf, index)
        return nuisances.deviance(counts[index], mu, delta)

    def fgh(xf, index):
        x, c, s, shape, norm, mu, delta = model(xf, index)
        d1, d2 = poisson_deviance_derivatives(counts[index], mu)
        value = nuisances.deviance(counts[index], mu, delta)
        # Jacobian of mu: signal rows (flux, three response nuisances) per problem, background rows shared.
        rows = np.concatenate([(s * shape)[:, None], (norm * (shape > 0))[:, None, :] * c[:, 1:]], axis=1)
        weighted = rows * d2[:, None, :]
        grad = np.concatenate([np.einsum("ikc,ic->ik", rows, d1), d1 @ backgrounds.T], axis=1)
        hess = np.empty((len(index), 7, 7))
        hess[:, :4, :4] = weighted @ rows.transpose(0, 2, 1)
        hess[:, :4, 4:] = weighted @ backgrounds.T
        hess[:, 4:, :4] = hess[:, :4, 4:].transpose(0, 2, 1)
        hess[:, 4:, 4:] = (d2 @ outer.T).reshape(-1, 3, 3)
        hess += np.diag(2.0 * precision)
        grad += 2.0 * precision * delta
        return value, grad[:, index_free], hess[:, index_free][:, :, index_free]

    x0 = (
        np.zeros((counts.shape[0], index_free.size))
        if start is None
        else nuisances.inside(np.asarray(start)[:, index_free])
    )
    result = minimise_bounded(fgh, x0, nuisances.constraints, objective=objective)
    return nuisances.full(result.x, np.arange(counts.shape[0])), result.value, result.converged
