"""The COHERENT CENNS-10 argon data (PRL 126 (2021) 012002, arXiv:2003.10630) as a binned Poisson likelihood.

The observed counts of the data release (arXiv:2006.12659) are fitted in its 3D bins: 12 bins of
reconstructed energy e (keVee) x 8 bins of the pulse-shape parameter F90 f x 10 bins of arrival time
t (:func:`~cevnslib.coherent_lar_2020.lar_2020_data`). The expected count of a cell is::

    mu_eft = s (1 + a) max(S_eft(nsi, R_n) + theta_F90 D^F90_eft + theta_t D^t_eft, 0)
             + (1 + b_p) max(B_eft + theta_E D^E_eft + theta_m D^m_eft + theta_w D^w_eft, 0)
             + (1 + b_d) BD_eft + (1 + b_ss) SS_eft,

- S: the CEvNS counts of :meth:`~cevnslib.experiments.Experiment.predict_energy_f90_time` (energy
  rebuilt from the recoil templates, prompt and delayed arrival-time shapes, the release's F90
  distribution per energy bin); s: a signal strength (1 unless fitted); a: the normalisation pull of
  the CEvNS prediction, with the release's 17/128 = 13.3% (its uncertainty of the 128 predicted
  events: flux 10%, quenching, acceptance, fiducial mass; our rebuild has no separate nuisances for
  these, so the total is the prior);
- theta_F90: the CEvNS F90 systematic, D^F90 = (N_e p_t) (F^+_ef - F^-_ef) / 2 from the release's
  +-1 sigma F90 PDFs, each normalised per energy bin (:meth:`~cevnslib.coherent_lar_2020.LAr2020Data.cevns_f90_shares`);
- theta_t: the CEvNS timing mean, D^t = F_ef sum_part N^part_e [p^part_t(mu + 200 ns) - p^part_t(mu)],
  our own arrival-time shapes with the proton pulse's mean moved later by its 200 ns uncertainty
  (the release's ``snsPOTTraceTiming``), one-sided as the release's own variant
  (``cevnspdfCEvNSTimingMeanSyst.txt``, the same shift of its SM shape): exact at theta_t = 1, its
  mirror image below 0. Both CEvNS morphs move with the physics point, as S does;
- B, b_p and the theta's: the prompt beam-related neutrons (BRN), the release's PDF (497 events)
  with its three shape systematics as linear morphs: energy and timing mean, D = (PDF^+ - PDF^-) / 2,
  and timing width, one-sided, D = PDF^w - PDF;
- BD, b_d: the delayed BRN, the release's PDF (33 events), bounded 1 + b_d >= 0;
- SS, b_ss: the steady state, the release's PDF scaled to the yaml's predicted 3154 events (the
  PDF sums to 3152).

Every nuisance has a Gaussian prior (:func:`lar_2020_priors` lists each with its source), and::

    -2 ln L = 2 sum_eft [mu - n + n ln(n / mu)] + sum_j ((x_j - x0_j) / sigma_j)^2,

the Poisson deviance of :func:`cevnslib.likelihood.poisson_deviance` (exact in zero-count cells)
plus the pulls, minimised over the nine nuisances by :func:`cevnslib.likelihood.minimise_bounded`
for a whole grid of physics points at once (Gauss-Newton Hessian, exact gradient), with the
normalisations 1 + x >= 0. The morphs are clipped at zero counts (:func:`cevnslib.binned_likelihood.morph`,
as for CsI 2021). The likelihood is a :class:`cevnslib.binned_likelihood.BinnedLikelihood`, as
:class:`cevnslib.csi_2021_likelihood.CsI2021Likelihood` is, so that the fits of both data sets share
one convention (:mod:`cevnslib.profile_fits`); the two data sets are independent, and their profiled
deviances add.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import experiments, validation
from .arrival_time import ArrivalTimeBins
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
from .published import lar_2020_published
from .validation import read_only

#: The nuisances, in the order of every array of them.
NUISANCES = (
    "cevns_norm",
    "cevns_f90",
    "cevns_timing",
    "brn_prompt",
    "brn_energy",
    "brn_timing_mean",
    "brn_timing_width",
    "brn_delayed",
    "steady_state",
)
#: The nuisances that morph the CEvNS cells, and those that morph the prompt BRN (theta, in sigma units).
CEVNS_MORPHS = NUISANCES[1:3]
BRN_MORPHS = NUISANCES[4:7]
#: Nuisances that scale a normalisation 1 + x >= 0.
NORMALISATIONS = ("cevns_norm", "brn_prompt", "brn_delayed", "steady_state")
#: Physics points profiled together in one batch (a batch's Jacobian is 9 x 960 cells per point).
BATCH = 64


def lar_2020_priors() -> tuple[Prior, ...]:
    """The priors of :data:`NUISANCES`, in that order, each with its source.

    - cevns_norm: ``cevns_predicted_events`` of :func:`~cevnslib.published.lar_2020_published` (17/128);
    - cevns_f90, brn_energy, brn_timing_mean, brn_timing_width: 1, by construction (the release's
      +-1 sigma PDFs, or its one-sided variant taken as +1 sigma);
    - cevns_timing: 1, in units of the pulse mean's 200 ns (``pulse_mean_ns``), one-sided as the release's variant;
    - brn_prompt, brn_delayed, steady_state: the relative widths of the yaml's predicted
      normalisations, 160/497, 33/33 and 25/3154.
    """
    published = lar_2020_published()

    def relative(key: str) -> tuple[float, str]:
        record = published[key]
        return record.minus / record.value, f"{key}: {record.source}"

    release = "arXiv:2006.12659 data release: the +-1 sigma PDFs (theta in sigma units)"
    timing = f"pulse_mean_ns (+-{published['pulse_mean_ns'].minus:g} ns): {published['pulse_mean_ns'].source}"
    return (
        Prior("cevns_norm", *relative("cevns_predicted_events")),
        Prior("cevns_f90", 1.0, release),
        Prior("cevns_timing", 1.0, timing),
        Prior("brn_prompt", *relative("brn_prompt_predicted_events")),
        Prior("brn_energy", 1.0, release),
        Prior("brn_timing_mean", 1.0, release),
        Prior("brn_timing_width", 1.0, "arXiv:2006.12659 data release: the one-sided timing-width PDF as +1 sigma"),
        Prior("brn_delayed", *relative("brn_delayed_predicted_events")),
        Prior("steady_state", *relative("steady_state_predicted_events")),
    )


@dataclass(frozen=True, eq=False)
class LAr2020Counts(BinnedCounts):
    """Counts the likelihood is evaluated on: the data, Asimov data or pseudo-experiments.

    Attributes
    ----------
    observed : counts, shape (..., 12, 8, 10) (energy, F90, time), leading axes for toys; >= 0.
    pull_centres : centres x0 of the Gaussian priors, shape (..., 9) in the order of
        :data:`NUISANCES` (default zeros: the data; a toy draws them around the truth).

    Read-only (a :class:`~cevnslib.binned_likelihood.BinnedCounts`). Raises ValueError for counts that
    are negative, not finite, not numbers or of fewer than three dimensions, and for pull centres that
    are not finite or do not end in 9 entries.
    """

    NUISANCES = NUISANCES
    BIN_AXES = ("energy", "F90", "time")
    SHAPE_TEXT = "energy, F90, time bins"


@dataclass(frozen=True, eq=False)
class LAr2020Profile(BinnedProfile):
    """The minimum of -2 ln L over the nuisances at given physics points (leading shape ``shape``).

    Attributes
    ----------
    deviance : -2 ln(L / L_saturated) with the pulls, shape (...).
    nuisances : the minimising nuisances, shape (..., 9), in the order of :data:`NUISANCES`
        (normalisation pulls as fractions, morphs in sigma).
    signal : fitted CEvNS counts per cell, s (1 + a) max(S + theta . D, 0), shape (..., 12, 8, 10).
    expected : the full expectation mu per cell, shape (..., 12, 8, 10).
    converged : whether each minimisation converged, shape (...).

    Arrays are read-only; :meth:`~cevnslib.binned_likelihood.BinnedProfile.pulls` divides by the
    priors of :func:`lar_2020_priors` unless given others.
    """

    PRIORS = staticmethod(lar_2020_priors)


class LAr2020Likelihood(BinnedLikelihood):
    """Poisson likelihood of the CENNS-10 argon data in energy x F90 x arrival time (see the module docstring).

    Parameters
    ----------
    experiment : the setup (default ``experiments.get("COHERENT-LAr-2020")``), with the release's data,
        bins, response, arrival-time shares and F90 distribution.
    cevns_norm_sigma : the prior width of the CEvNS normalisation pull (default None: the release's
        17/128 of :func:`lar_2020_priors`; 0.10 is the neutrino flux's alone).

    Attributes
    ----------
    experiment : the setup.
    priors : the :class:`~cevnslib.binned_likelihood.Prior` of each nuisance (:func:`lar_2020_priors`);
        ``sigmas`` their widths, shape (9,).
    observed : the observed counts, shape (12, 8, 10) = ``shape``.
    brn_cells : the prompt BRN and its three morphs [B, D^E, D^m, D^w], shape (4, 12, 8, 10).
    backgrounds : the delayed BRN and the steady state, shape (2, 12, 8, 10).
    timing_shift_us : the proton pulse's mean shift of the CEvNS timing morph (0.2 us).
    rn_range_fm : (lowest, highest) R_n in fm the templates accept.

    The signal templates are the setup's cached prompt and delayed templates: every profile is array
    arithmetic after the first. Asimov data and pseudo-experiments:
    :meth:`~cevnslib.binned_likelihood.BinnedLikelihood.asimov` and
    :meth:`~cevnslib.binned_likelihood.BinnedLikelihood.generate`. Raises ValueError for a setup
    without the argon data, pulse-shape or arrival-time bins, or a prior width that is not a finite
    number > 0.
    """

    NUISANCES = NUISANCES
    NORMALISATIONS = NORMALISATIONS
    SIGNAL_NORMALISATION = "cevns_norm"
    SIGNAL_MORPHS = CEVNS_MORPHS
    COUNTS = LAr2020Counts
    PROFILE = LAr2020Profile
    BATCH = BATCH

    def __init__(self, experiment: Experiment | None = None, cevns_norm_sigma: float | None = None):
        experiment = experiments.get("COHERENT-LAr-2020") if experiment is None else experiment
        data = experiment.data
        if experiment.pulse_shape is None or experiment.arrival_time is None or not hasattr(data, "pdfs"):
            raise ValueError(f"experiment {experiment.name} has no argon data with F90 and arrival-time bins")
        published = lar_2020_published()
        priors = lar_2020_priors()
        if cevns_norm_sigma is not None:
            chosen = Prior(
                "cevns_norm", validation.positive("cevns_norm_sigma", cevns_norm_sigma), "chosen by the caller"
            )
            priors = (chosen, *priors[1:])
        super().__init__(experiment, priors, data.observed)
        brn = {
            k: data.pdf(f"brn_prompt{k}")
            for k in (
                "",
                "_energy_plus_1sigma",
                "_energy_minus_1sigma",
                "_timing_mean_plus_1sigma",
                "_timing_mean_minus_1sigma",
                "_timing_width",
            )
        }
        self.brn_cells = read_only(
            [
                brn[""],
                (brn["_energy_plus_1sigma"] - brn["_energy_minus_1sigma"]) / 2.0,
                (brn["_timing_mean_plus_1sigma"] - brn["_timing_mean_minus_1sigma"]) / 2.0,
                brn["_timing_width"] - brn[""],
            ]
        )
        ss = data.pdf("steady_state")
        self.backgrounds = read_only(
            [data.pdf("brn_delayed"), ss * (published["steady_state_predicted_events"].value / ss.sum())]
        )
        self.timing_shift_us = 1e-3 * published["pulse_mean_ns"].minus

    @cached_property
    def _shapes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(F, Delta F, Delta p, Delta d): the F90 shares and their systematic's half difference, (12, 8), and
        the change of the prompt and delayed time shares when the pulse mean moves later by the shift, (10,)."""
        exp = self.experiment
        data = exp.data
        f90 = exp.pulse_shape.shares
        delta_f90 = (data.cevns_f90_shares("plus_1sigma").shares - data.cevns_f90_shares("minus_1sigma").shares) / 2.0
        pulse = exp.arrival_time.pulse
        later = ArrivalTimeBins(
            exp.arrival_time.time_edges_us,
            dataclasses.replace(pulse, mean_us=pulse.mean_us + self.timing_shift_us),
            exp.arrival_time.timing_efficiency,
        )
        delta_prompt = later.prompt - exp.arrival_time.prompt
        delta_delayed = later.delayed - exp.arrival_time.delayed
        return f90, read_only(delta_f90), read_only(delta_prompt), read_only(delta_delayed)

    def signal_cells(self, nsi: NSI | None = None, rn_fm=None) -> np.ndarray:
        """CEvNS counts and their two morphs [S, D^F90, D^t], shape (..., 3, 12, 8, 10).

        NSI fields and ``rn_fm`` (one R_n in fm) may be arrays; they broadcast. Raises ValueError for
        an R_n outside ``rn_range_fm``.
        """
        energy_time, energy_shift = self._energy_time(nsi, rn_fm)
        f90, delta_f90, _, _ = self._shapes
        return np.stack(
            [
                energy_time[..., :, None, :] * f90[:, :, None],
                energy_time[..., :, None, :] * delta_f90[:, :, None],
                energy_shift[..., :, None, :] * f90[:, :, None],
            ],
            axis=-4,
        )

    def expected_counts(self, nsi: NSI | None = None, rn_fm=None, nuisances=None, *, signal_strength=1.0) -> np.ndarray:
        """mu per cell at ``nuisances`` (shape (..., 9), default all 0), shape (..., 12, 8, 10).

        Raises ValueError like :meth:`signal_cells`, for a negative signal strength, or for nuisances
        without 9 entries in their last axis.
        """
        x = self._nuisance_values(nuisances)
        strength = signal_strengths(signal_strength)[..., None, None, None]
        cells = self.signal_cells(nsi, rn_fm)
        norm = 1.0 + x[..., :1, None, None]
        signal = strength * norm * morph(cells, x[..., 1:3], 3)
        brn = (1.0 + x[..., 3:4, None, None]) * morph(self.brn_cells, x[..., 4:7], 3)
        rest = np.einsum("...j,jeft->...eft", 1.0 + x[..., 7:], self.backgrounds)
        return signal + brn + rest

    def _energy_time(self, nsi, rn_fm) -> tuple[np.ndarray, np.ndarray]:
        """CEvNS counts in energy x time, (..., 12, 10), and their timing morph D^t before the F90 spread."""
        exp = self.experiment
        prompt, delayed = (t.counts(nsi, rn_fm) for t in exp.cached_time_templates)
        _, _, delta_prompt, delta_delayed = self._shapes
        arrival = exp.arrival_time
        return (
            prompt[..., None] * arrival.prompt + delayed[..., None] * arrival.delayed,
            prompt[..., None] * delta_prompt + delayed[..., None] * delta_delayed,
        )

    def _solve(self, nsi, rn_fm, signal_strength, data, fixed):
        """The minimisation behind :meth:`profile`: (batch shape, flat arrays of nuisances, values, converged,
        and the flat inputs (signal cells, strengths) for the outputs). The signal cells of each batch
        are spread over F90 only when the batch is solved, so that a large grid never holds them all."""
        data = self._data(data)
        free = self._free(fixed)
        energy_time, energy_shift = self._energy_time(nsi, rn_fm)
        batch, (energy_time, energy_shift), strength, counts, centres = self._flat_points(
            data, signal_strength, (energy_time, 2), (energy_shift, 2)
        )
        n_points, n_cells = counts.shape
        f90, delta_f90, _, _ = self._shapes

        def cells(part):  # (m, 3, cells): S, D^F90, D^t of the points ``part``
            et, shift = energy_time[part][:, :, None, :], energy_shift[part][:, :, None, :]
            return np.stack(
                [et * f90[:, :, None], et * delta_f90[:, :, None], shift * f90[:, :, None]], axis=1
            ).reshape(-1, 3, n_cells)

        brn = self.brn_cells.reshape(4, n_cells)
        rest = self.backgrounds.reshape(2, n_cells)
        sigmas, bounded = np.asarray(self.sigmas), self._bounded()

        def solve(part, start):
            return _minimise(
                cells(part), strength[part], counts[part], centres[part], brn, rest, sigmas, free, bounded, start
            )

        x, values, converged = self._in_batches(n_points, solve, stacklevel=3)
        return batch, x, values, converged, cells, strength

    def profile(
        self,
        nsi: NSI | None = None,
        rn_fm=None,
        *,
        signal_strength=1.0,
        data: LAr2020Counts | None = None,
        fixed: tuple[str, ...] = (),
    ) -> LAr2020Profile:
        """Minimise -2 ln L over the nuisances for every physics point of a broadcast grid.

        ``nsi`` (fields may be arrays), ``rn_fm`` and ``signal_strength`` (s >= 0, an array for a scan
        of the CEvNS count) broadcast with the leading shape of ``data`` (default: the observed
        counts). ``fixed``: names of nuisances held at their prior centre instead of profiled. The
        minimiser takes Newton steps (exact gradient; the exact Hessian where it is positive definite,
        else its Gauss-Newton part; convergence judged on the Newton decrement ~1e-11) on batches of
        :data:`BATCH` points, each point starting from the minimum of its neighbour along the grid's
        last axis. A RuntimeWarning names the points that did not converge (see ``converged``).

        Raises ValueError for a radius out of range, a negative or non-finite signal strength, an
        unknown nuisance in ``fixed``, or ``data`` whose cells do not match the bins.
        """
        batch, x, values, converged, cells, strength = self._solve(nsi, rn_fm, signal_strength, data, fixed)
        every = np.arange(x.shape[0])
        brn = self.brn_cells.reshape(4, -1)
        signal = strength[:, None] * (1.0 + x[:, :1]) * morph(cells(every), x[:, 1:3], 1)
        expected = (
            signal + (1.0 + x[:, 3:4]) * morph(brn, x[:, 4:7], 1) + (1.0 + x[:, 7:]) @ self.backgrounds.reshape(2, -1)
        )
        return self._profile(batch, x, values, converged, signal, expected)

    def deviance(
        self,
        nsi: NSI | None = None,
        rn_fm=None,
        *,
        signal_strength=1.0,
        data: LAr2020Counts | None = None,
        fixed: tuple[str, ...] = (),
    ) -> np.ndarray:
        """-2 ln(L / L_saturated), profiled over the nuisances (see :meth:`profile`); arrays broadcast.

        The same minimisation as :meth:`profile`, without the fitted cells (a large map never holds
        them). Raises ValueError like :meth:`profile`.
        """
        batch, _, values, *_ = self._solve(nsi, rn_fm, signal_strength, data, fixed)
        return values.reshape(batch)


def _minimise(cells, strength, counts, centres, brn, rest, sigmas, free, bounded, start=None):
    """(nuisances, -2 ln L, converged) for a batch: cells (m, 3, c), strength (m,), counts (m, c), centres (m, 9);
    brn (4, c) and rest (2, c) are shared by every problem; ``free`` and ``bounded`` (9,) as in
    :class:`~cevnslib.binned_likelihood.FreeNuisances`. ``start`` (m, 9): where the Newton steps start
    (default: the first problem's minimum, found from zero)."""
    nuisances = FreeNuisances(centres, sigmas, free, bounded)
    precision, index_free, constraints = nuisances.precision, nuisances.index, nuisances.constraints
    k = len(NUISANCES)
    b_nominal, b_morphs = brn[0], brn[1:]

    def model(xf, index):
        x = nuisances.full(xf, index)
        c, s = cells[index], strength[index, None]
        shape = np.maximum(c[:, 0] + x[:, 1, None] * c[:, 1] + x[:, 2, None] * c[:, 2], 0.0)
        brn_shape = np.maximum(b_nominal + x[:, 4:7] @ b_morphs, 0.0)
        norm = s * (1.0 + x[:, :1])
        brn_norm = 1.0 + x[:, 3:4]
        mu = norm * shape + brn_norm * brn_shape + (1.0 + x[:, 7:]) @ rest
        delta = x - centres[index]
        return x, c, s, shape, brn_shape, norm, brn_norm, mu, delta

    def value(xf, index):
        *_, mu, delta = model(xf, index)
        return nuisances.deviance(counts[index], mu, delta)

    def fgh(xf, index):
        x, c, s, shape, brn_shape, norm, brn_norm, mu, delta = model(xf, index)
        d1, d2 = poisson_deviance_derivatives(counts[index], mu)
        f = nuisances.deviance(counts[index], mu, delta)
        jac = np.empty((len(index), k, mu.shape[-1]))
        jac[:, 0] = s * shape
        jac[:, 1:3] = (norm * (shape > 0))[:, None, :] * c[:, 1:]
        jac[:, 3] = brn_shape
        jac[:, 4:7] = (brn_norm * (brn_shape > 0))[:, None, :] * brn[1:]
        jac[:, 7:] = rest
        grad = np.einsum("ikc,ic->ik", jac, d1) + 2.0 * precision * delta
        hess = (jac * d2[:, None, :]) @ jac.transpose(0, 2, 1) + np.diag(2.0 * precision)
        # The terms sum_c d1_c d^2 mu_c / dx_i dx_j that Gauss-Newton leaves out: a normalisation times
        # its morphs. Kept where the Hessian stays positive definite (then Newton converges
        # quadratically), left out elsewhere (every step still descends).
        cross = np.zeros_like(hess)
        cross[:, 0, 1:3] = np.einsum("ikc,ic->ik", c[:, 1:], d1 * s * (shape > 0))
        cross[:, 3, 4:7] = (d1 * (brn_shape > 0)) @ brn[1:].T
        cross = cross + cross.transpose(0, 2, 1)
        exact = (hess + cross)[:, index_free][:, :, index_free]
        hess = hess[:, index_free][:, :, index_free]
        definite = np.linalg.eigvalsh(exact)[:, 0] > 1e-9 * np.abs(np.diagonal(hess, axis1=1, axis2=2)).max(axis=1)
        return f, grad[:, index_free], np.where(definite[:, None, None], exact, hess)

    if start is None:  # the first problem alone from zero, then every problem from its minimum
        first = minimise_bounded(
            lambda v, i: fgh(v, i * 0),
            np.zeros((1, index_free.size)),
            constraints,
            objective=lambda v, i: value(v, i * 0),
        )
        x0 = np.broadcast_to(first.x, (counts.shape[0], index_free.size))
    else:
        x0 = np.asarray(start)[:, index_free]
    result = minimise_bounded(fgh, nuisances.inside(x0), constraints, objective=value)
    x, values, converged = result.x, result.value, result.converged
    # The morphs' clip at zero counts makes -2 ln L non-convex far from the prior centres: pseudo-data, whose
    # centres are drawn away from 0, can have a second minimum. Those problems start again from their
    # centres, and the lower minimum is kept.
    moved = np.flatnonzero(np.any(centres[:, index_free] != 0.0, axis=1))
    if moved.size:
        x1 = nuisances.inside(centres[moved][:, index_free])
        again = minimise_bounded(
            lambda v, i: fgh(v, moved[i]), x1, constraints, objective=lambda v, i: value(v, moved[i])
        )
        better = again.value < values[moved]
        x[moved[better]], values[moved[better]] = again.x[better], again.value[better]
        converged[moved[better]] = again.converged[better]
    return nuisances.full(x, np.arange(counts.shape[0])), values, converged
