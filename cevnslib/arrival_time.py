"""Arrival times of neutrinos from a pulsed pion-decay-at-rest source, and a detector's timing efficiency.

The SNS proton pulse is a Gaussian in time (mean 440 ns, width 150 ns: ``snsPOTTraceTiming`` of the
COHERENT CENNS-10 argon data release, arXiv:2006.12659). A pi+ made by a proton decays after an
exponential time of mean tau_pi = 26.033 ns, giving the prompt nu_mu; its mu+ decays after a further
exponential time of mean tau_mu = 2196.98 ns, giving the delayed nu_e and anti-nu_mu (PDG, R. L.
Workman et al., PTEP 2022 083C01). So, with the proton time t_p ~ N(mu, sigma^2)::

    t_prompt  = t_p + Exp(tau_pi),                 an exponentially modified Gaussian (EMG);
    t_delayed = t_p + Exp(tau_pi) + Exp(tau_mu),   whose density is
        [tau_mu EMG(t; tau_mu) - tau_pi EMG(t; tau_pi)] / (tau_mu - tau_pi),

(the sum of the two exponentials has density [exp(-t/tau_mu) - exp(-t/tau_pi)] / (tau_mu - tau_pi)).
The shapes here are built this way, in closed form; they are not the arrival-time PDFs of the 2017
CsI release. Times are in microseconds throughout.

The timing efficiency of the COHERENT CsI[Na] full data set is 1 before 0.52 us and
exp(-0.0494/us (t - 0.52 us)) after (data release of arXiv:2110.07730, as used by public analyses of it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import validation
from .quadrature import piecewise_nodes
from .validation import read_only

#: pi+ mean lifetime in us: 2.6033e-8 s [PDG 2022].
PION_LIFETIME_US = 0.026033
#: mu+ mean lifetime in us: 2.1969811e-6 s [PDG 2022].
MUON_LIFETIME_US = 2.1969811
#: Proton-pulse mean and width in us: ``snsPOTTraceTiming`` of arXiv:2006.12659 (Gaussian, 440 ns, 150 ns).
PROTON_PULSE_MEAN_US = 0.44
PROTON_PULSE_SIGMA_US = 0.15
#: Timing efficiency of the CsI[Na] full data set: flat to 0.52 us, then exp(-0.0494/us (t - 0.52 us))
#: [data release of arXiv:2110.07730].
CSI_2021_TIMING_ONSET_US = 0.52
CSI_2021_TIMING_DECAY_PER_US = 0.0494
#: Gauss-Legendre nodes per piece, and longest piece (us), when a shape is integrated against the efficiency:
#: the pieces resolve the 0.15-us proton pulse.
_NODES = 24
_MAX_PIECE_US = 0.1


def _emg_pdf(time_us, mean_us: float, sigma_us: float, tau_us: float) -> np.ndarray:
    from scipy.stats import exponnorm  # here, not at import: scipy.stats takes 0.3 s to load

    return exponnorm.pdf(time_us, tau_us / sigma_us, loc=mean_us, scale=sigma_us)


def _emg_cdf(time_us, mean_us: float, sigma_us: float, tau_us: float) -> np.ndarray:
    from scipy.stats import exponnorm

    return exponnorm.cdf(time_us, tau_us / sigma_us, loc=mean_us, scale=sigma_us)


@dataclass(frozen=True)
class ProtonPulse:
    """Arrival-time densities of prompt and delayed neutrinos from a Gaussian proton pulse.

    Attributes
    ----------
    mean_us, sigma_us : mean and width of the proton pulse (us; sigma > 0).
    pion_lifetime_us, muon_lifetime_us : mean lifetimes (us, > 0, different).

    Raises ValueError for a parameter out of range.
    """

    mean_us: float = PROTON_PULSE_MEAN_US
    sigma_us: float = PROTON_PULSE_SIGMA_US
    pion_lifetime_us: float = PION_LIFETIME_US
    muon_lifetime_us: float = MUON_LIFETIME_US

    def __post_init__(self):
        object.__setattr__(self, "mean_us", validation.number("mean_us", self.mean_us))
        for name in ("sigma_us", "pion_lifetime_us", "muon_lifetime_us"):
            object.__setattr__(self, name, validation.positive(name, getattr(self, name)))
        if self.pion_lifetime_us == self.muon_lifetime_us:
            raise ValueError(
                "pion_lifetime_us and muon_lifetime_us must differ (the delayed shape divides by their difference)"
            )

    def _delayed(self, function, time_us) -> np.ndarray:
        tau_pi, tau_mu = self.pion_lifetime_us, self.muon_lifetime_us
        return (
            tau_mu * function(time_us, self.mean_us, self.sigma_us, tau_mu)
            - tau_pi * function(time_us, self.mean_us, self.sigma_us, tau_pi)
        ) / (tau_mu - tau_pi)

    def prompt_pdf(self, time_us) -> np.ndarray:
        """Density (1/us) of prompt (pi+ -> mu+ nu_mu) arrival times at ``time_us`` (us, any shape).

        Raises ValueError for times that are not finite numbers.
        """
        t = validation.real_array("time_us", time_us)
        return _emg_pdf(t, self.mean_us, self.sigma_us, self.pion_lifetime_us)

    def delayed_pdf(self, time_us) -> np.ndarray:
        """Density (1/us) of delayed (mu+ -> e+ nu_e anti-nu_mu) arrival times at ``time_us`` (us, any shape).

        Raises ValueError for times that are not finite numbers.
        """
        t = validation.real_array("time_us", time_us)
        return self._delayed(_emg_pdf, t)

    def prompt_cdf(self, time_us) -> np.ndarray:
        """Share of prompt neutrinos arriving before ``time_us`` (us, any shape).

        Raises ValueError for times that are not numbers (+-inf are allowed).
        """
        return _emg_cdf(
            validation.real_array("time_us", time_us, finite=False), self.mean_us, self.sigma_us, self.pion_lifetime_us
        )

    def delayed_cdf(self, time_us) -> np.ndarray:
        """Share of delayed neutrinos arriving before ``time_us`` (us, any shape).

        Raises ValueError for times that are not numbers (+-inf are allowed).
        """
        return self._delayed(_emg_cdf, validation.real_array("time_us", time_us, finite=False))


def csi_2021_timing_efficiency(time_us) -> np.ndarray:
    """Timing efficiency of the CsI[Na] full data set at ``time_us`` (us, any shape): 1 before 0.52 us,
    exp(-0.0494/us (t - 0.52 us)) after [data release of arXiv:2110.07730].

    Raises ValueError for times that are not finite numbers.
    """
    t = validation.real_array("time_us", time_us)
    return np.where(
        t < CSI_2021_TIMING_ONSET_US, 1.0, np.exp(-CSI_2021_TIMING_DECAY_PER_US * (t - CSI_2021_TIMING_ONSET_US))
    )


def csi_2021_timing_efficiency_mean(time_edges_us) -> np.ndarray:
    """Mean timing efficiency over each bin of ``time_edges_us`` (us, shape (n + 1,)), shape (n,).

    The closed-form average of :func:`csi_2021_timing_efficiency` over the bin (for a quantity flat
    within the bin, such as a background's fine time projection). Raises ValueError for edges that do
    not increase or are not finite.
    """
    edges = np.array(validation.edges("time_edges_us", time_edges_us, minimum=-np.inf))
    if not np.isfinite(edges[-1]):
        raise ValueError("time_edges_us must be finite")
    t0, lam = CSI_2021_TIMING_ONSET_US, CSI_2021_TIMING_DECAY_PER_US

    def primitive(t):  # int_{-inf..t} of (eff - 1 below t0), shifted: a primitive of the efficiency
        return np.where(t < t0, t - t0, (1.0 - np.exp(-lam * (t - t0))) / lam)

    return (primitive(edges[1:]) - primitive(edges[:-1])) / np.diff(edges)


@dataclass(frozen=True, eq=False)
class ArrivalTimeBins:
    """Shares of prompt and delayed neutrinos detected in each arrival-time bin, timing efficiency included.

    ``prompt`` and ``delayed`` (read-only, shape (n_time_bins,)) are int_bin shape(t) eff(t) dt, with
    the efficiency of the CsI[Na] full data set (:func:`csi_2021_timing_efficiency`) when
    ``timing_efficiency`` is True, else 1; integrated by Gauss-Legendre quadrature split at the
    efficiency's onset and into pieces of at most 0.1 us. Raises ValueError for bad edges.
    """

    time_edges_us: tuple[float, ...]
    pulse: ProtonPulse = ProtonPulse()
    timing_efficiency: bool = True

    def __post_init__(self):
        edges = validation.edges("time_edges_us", self.time_edges_us, minimum=-np.inf)
        if not np.isfinite(edges[-1]):
            raise ValueError("time_edges_us must be finite")
        object.__setattr__(self, "time_edges_us", edges)
        validation.flag("timing_efficiency", self.timing_efficiency)
        if not isinstance(self.pulse, ProtonPulse):
            raise ValueError(f"pulse = {self.pulse!r} must be a cevnslib.arrival_time.ProtonPulse")
        prompt, delayed = self._integrate()
        object.__setattr__(self, "prompt", read_only(prompt))
        object.__setattr__(self, "delayed", read_only(delayed))

    @property
    def n_bins(self) -> int:
        """Number of arrival-time bins."""
        return len(self.time_edges_us) - 1

    def _integrate(self) -> tuple[np.ndarray, np.ndarray]:
        edges = np.asarray(self.time_edges_us)
        if not self.timing_efficiency:
            return np.diff(self.pulse.prompt_cdf(edges)), np.diff(self.pulse.delayed_cdf(edges))
        prompt, delayed = np.zeros(self.n_bins), np.zeros(self.n_bins)
        for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
            t, w = piecewise_nodes(lo, hi, [CSI_2021_TIMING_ONSET_US], _NODES, max_length=_MAX_PIECE_US)
            weight = w * csi_2021_timing_efficiency(t)
            prompt[i] = weight @ self.pulse.prompt_pdf(t)
            delayed[i] = weight @ self.pulse.delayed_pdf(t)
        return prompt, delayed
