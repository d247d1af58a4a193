"""Detector response: quenching, light yield, acceptance and analysis bins.

A detector measures an observable (nuclear-recoil keV ``"keVnr"``, electron-equivalent keV
``"keVee"`` or photoelectrons ``"PE"``) that is a monotonic function of the nuclear recoil energy T.
Analysis bins are given in the observable; :meth:`Detector.recoil_edges_kev` maps them to T for a
given nucleus, which is where the rate integrals run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import validation
from .nuclei import Nucleus

OBSERVABLES = ("keVnr", "keVee", "PE")


@dataclass(frozen=True)
class ConstantQuenching:
    """Electron-equivalent energy = ``factor`` x nuclear recoil energy, for every nucleus."""

    factor: float

    def __post_init__(self):
        validation.number("quenching factor", self.factor, 0.0, 1.0, low_open=True)

    def ee_kev(self, recoil_kev, nucleus: Nucleus) -> np.ndarray:
        """Electron-equivalent energy in keVee."""
        return self.factor * np.asarray(recoil_kev, dtype=float)

    def recoil_kev(self, ee_kev: float, nucleus: Nucleus) -> float:
        """Nuclear recoil energy in keVnr giving ``ee_kev``."""
        return ee_kev / self.factor


@dataclass(frozen=True)
class LindhardQuenching:
    """Lindhard quenching Q = k g / (1 + k g), g = 3 eps^0.15 + 0.7 eps^0.6 + eps, eps = 11.5 Z^(-7/3) T[keV].

    Lindhard et al., Mat. Fys. Medd. 33 (1963) 10. ``k`` is the electronic-stopping constant
    (theory 0.133 Z^(2/3) A^(-1/2); measured for Ge 0.162 +- 0.004, Bonhomme et al. 2022).
    """

    k: float

    def __post_init__(self):
        validation.number("Lindhard k (quenching_k)", self.k, 0.0, 1.0, low_open=True, high_open=True)

    def factor(self, recoil_kev, nucleus: Nucleus) -> np.ndarray:
        """Quenching factor Q(T) for this nucleus."""
        eps = 11.5 * nucleus.Z ** (-7.0 / 3.0) * np.asarray(recoil_kev, dtype=float)
        g = 3.0 * eps**0.15 + 0.7 * eps**0.6 + eps
        return self.k * g / (1.0 + self.k * g)

    def ee_kev(self, recoil_kev, nucleus: Nucleus) -> np.ndarray:
        """Electron-equivalent energy in keVee."""
        t = np.asarray(recoil_kev, dtype=float)
        return t * self.factor(t, nucleus)

    def recoil_kev(self, ee_kev: float, nucleus: Nucleus) -> float:
        """Nuclear recoil energy in keVnr giving ``ee_kev``.

        Q(T) <= 1 rises with T, so T lies between ee and ee / Q(ee); solved with brentq.
        """
        from scipy.optimize import brentq

        if ee_kev == 0.0:
            return 0.0
        upper = 1.001 * ee_kev / float(self.factor(ee_kev, nucleus))
        return brentq(lambda t: self.ee_kev(t, nucleus) - ee_kev, ee_kev, upper, xtol=1e-14, rtol=1e-13)


def coherent_2017_acceptance(pe) -> np.ndarray:
    """COHERENT CsI[Na] 2017 signal acceptance versus photoelectrons (data release, arXiv:1804.09459).

    a(x) = k1 / (1 + exp(-k2 (x - x0))) Theta(x), k1 = 0.6655, k2 = 0.4942, x0 = 10.8507;
    Theta = 0 below 5 PE, 1/2 from 5 to 6 PE, 1 above.
    """
    x = np.asarray(pe, dtype=float)
    step = np.where(x < 5.0, 0.0, np.where(x < 6.0, 0.5, 1.0))
    return 0.6655 / (1.0 + np.exp(-0.4942 * (x - 10.8507))) * step


COHERENT_2017_ACCEPTANCE_STEPS_PE = (5.0, 6.0)


@dataclass(frozen=True)
class Detector:
    """How recoils become counts in analysis bins.

    Attributes
    ----------
    observable : ``"keVnr"``, ``"keVee"`` or ``"PE"``.
    bin_edges : increasing edges in the observable's unit; the last may be ``inf``.
    quenching : a quenching model (required unless the observable is keVnr).
    light_yield_pe_per_kevee : photoelectrons per keVee (required for ``"PE"``).
    acceptance : efficiency as a function of the observable (default 1).
    acceptance_steps : observable values where the acceptance jumps (for the quadrature).

    Raises ValueError for an unknown observable, bad bin edges, or a missing quenching model or
    light yield.
    """

    observable: str
    bin_edges: tuple[float, ...]
    quenching: ConstantQuenching | LindhardQuenching | None = None
    light_yield_pe_per_kevee: float | None = None
    acceptance: Callable[[np.ndarray], np.ndarray] | None = None
    acceptance_steps: tuple[float, ...] = ()

    def __post_init__(self):
        if self.observable not in OBSERVABLES:
            raise ValueError(f"observable {self.observable!r} is unknown; allowed: {OBSERVABLES}")
        object.__setattr__(self, "bin_edges", validation.edges(f"bin_edges ({self.observable})", self.bin_edges))
        object.__setattr__(
            self,
            "acceptance_steps",
            tuple(validation.number(f"acceptance_steps[{i}]", x, 0.0) for i, x in enumerate(self.acceptance_steps)),
        )
        if self.observable != "keVnr" and self.quenching is None:
            raise ValueError(f"observable {self.observable!r} needs a quenching model")
        if self.observable == "PE":
            if self.light_yield_pe_per_kevee is None:
                raise ValueError("light_yield_pe_per_kevee is required for the PE observable")
            validation.positive("light_yield_pe_per_kevee", self.light_yield_pe_per_kevee)

    @property
    def n_bins(self) -> int:
        """Number of analysis bins."""
        return len(self.bin_edges) - 1

    @property
    def threshold(self) -> float:
        """Lowest bin edge, in the observable's unit."""
        return self.bin_edges[0]

    def observable_of(self, recoil_kev, nucleus: Nucleus) -> np.ndarray:
        """Observable (keVnr, keVee or PE) produced by nuclear recoils of ``recoil_kev``."""
        t = np.asarray(recoil_kev, dtype=float)
        if self.observable == "keVnr":
            return t
        ee = self.quenching.ee_kev(t, nucleus)
        return ee if self.observable == "keVee" else ee * self.light_yield_pe_per_kevee

    def recoil_of(self, observable: float, nucleus: Nucleus) -> float:
        """Nuclear recoil energy in keV that produces ``observable`` (inverse of :meth:`observable_of`)."""
        if not np.isfinite(observable):
            return np.inf
        if self.observable == "keVnr":
            return float(observable)
        ee = observable if self.observable == "keVee" else observable / self.light_yield_pe_per_kevee
        return float(self.quenching.recoil_kev(ee, nucleus))

    def recoil_edges_kev(self, nucleus: Nucleus) -> np.ndarray:
        """Bin edges mapped to nuclear-recoil energy (keVnr) for ``nucleus``."""
        return np.array([self.recoil_of(x, nucleus) for x in self.bin_edges])

    def recoil_steps_kev(self, nucleus: Nucleus) -> np.ndarray:
        """Acceptance jumps mapped to nuclear-recoil energy."""
        return np.array([self.recoil_of(x, nucleus) for x in self.acceptance_steps])

    def recoil_support_kev(self, nucleus: Nucleus) -> tuple[float, float]:
        """(lowest, highest) recoil energy in keVnr that can land in a bin (the highest may be inf)."""
        edges = self.recoil_edges_kev(nucleus)
        return float(edges[0]), float(edges[-1])

    def recoil_breaks_kev(self, nucleus: Nucleus) -> np.ndarray:
        """Recoil energies (keVnr) where the response jumps: the finite bin edges and acceptance steps."""
        edges = self.recoil_edges_kev(nucleus)
        return np.concatenate([edges[np.isfinite(edges)], self.recoil_steps_kev(nucleus)])

    def response_matrix(self, recoil_kev, nucleus: Nucleus) -> np.ndarray:
        """P_b(T): the probability that a recoil of ``recoil_kev`` (keVnr, shape (n,)) is accepted in
        analysis bin b, shape (n_bins, n). Here the observable is a function of T (no smearing),
        so each column holds the acceptance in the one bin the recoil lands in. Raises ValueError
        if the acceptance is not a probability in [0, 1].
        """
        t = np.atleast_1d(np.asarray(recoil_kev, dtype=float))
        observable = self.observable_of(t, nucleus)
        edges = np.asarray(self.bin_edges)
        inside = (observable >= edges[:-1, None]) & (observable < edges[1:, None])
        efficiency = self.efficiency(t, nucleus)
        if np.any(~np.isfinite(efficiency)) or np.any(efficiency < 0) or np.any(efficiency > 1):
            raise ValueError("acceptance must return probabilities in [0, 1] (finite) at every recoil energy")
        return inside * efficiency

    def efficiency(self, recoil_kev, nucleus: Nucleus) -> np.ndarray:
        """Acceptance at nuclear recoil ``recoil_kev``."""
        if self.acceptance is None:
            return np.ones_like(np.asarray(recoil_kev, dtype=float))
        return self.acceptance(self.observable_of(recoil_kev, nucleus))
