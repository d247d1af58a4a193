"""A scintillator's energy response: recoil energy -> light -> photoelectrons (PE) with resolution and efficiency.

The chain of the COHERENT CsI[Na] full data set (COHERENT, PRL 129 (2022) 081801, arXiv:2110.07730, and
its data release), in pieces that other scintillators (the argon data) reuse:

- :class:`PolynomialQuenching`: electron-equivalent energy E_ee(T) = a x + b x^2 + c x^3 + d x^4,
  x = T in MeVnr, E_ee in MeVee, with principal-component nuisances (nominal + sum_i theta_i PC_i);
- :class:`GammaResolution`: the PE count of a recoil is gamma distributed, shape 1 + b E_ee and scale
  1 / (a (1 + b E_ee)) with a = a_0 / E_ee, so that its mean is E_ee / a_0 (the light yield is 1/a_0)
  and its variance mean^2 / (1 + b E_ee);
- :class:`LogisticEfficiency`: the PE efficiency eps(x) = a / (1 + exp(-b (x - c))) + d, clipped to
  [0, 1], with its nuisance (nominal + theta Delta);
- :class:`SmearedPEDetector`: the response matrix P_b(T) = int_{PE bin b} gamma(PE | T) eps(PE) dPE,
  with the interface of :class:`cevnslib.detectors.Detector`, so that
  :func:`cevnslib.rates.build_templates` folds the event templates through it once per nuisance value.

The chain of the COHERENT CENNS-10 liquid-argon data (PRL 126 (2021) 012002, arXiv:2003.10630; data
release arXiv:2006.12659), in electron-equivalent energy instead of PE:

- :class:`LinearQuenching`: a quenching factor linear in the recoil energy, QF(T) = a + b T, so that
  E_ee(T) = (a + b T) T;
- :class:`GaussianResolution`: the reconstructed energy is Gaussian about E_ee with sigma / E_ee =
  a / sqrt(E_ee);
- :class:`TabulatedAcceptance`: an acceptance tabulated against E_ee, interpolated linearly;
- :class:`SmearedEnergyDetector`: the response matrix P_b(T) = A(E_ee(T)) int_{bin b} N(E | E_ee(T), sigma) dE;
- :class:`F90Shares`: how the events of each energy bin spread over the bins of a pulse-shape parameter
  (F90, the fraction of a pulse's light in its first 90 ns), which does not depend on the physics point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import validation
from .nuclei import Nucleus
from .quadrature import piecewise_nodes

#: keV per MeV.
_KEV_PER_MEV = 1e3


def _coefficients(name: str, value, size: int = 4) -> tuple[float, ...]:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != size:
        raise ValueError(f"{name} = {value!r} must be {size} numbers")
    return tuple(validation.number(f"{name}[{i}]", v) for i, v in enumerate(value))


def _shifted(name: str, nominal, shifts, thetas) -> tuple[float, ...]:
    """nominal + sum_i thetas[i] shifts[i], checked: as many thetas as shifts."""
    base = np.array(_coefficients(name, nominal))
    shifts = tuple(_coefficients(f"{name} shift {i}", s, base.size) for i, s in enumerate(shifts))
    thetas = tuple(validation.number(f"theta[{i}]", t) for i, t in enumerate(thetas))
    if len(thetas) != len(shifts):
        raise ValueError(f"{name}: {len(thetas)} nuisance value(s) (theta) for {len(shifts)} shift(s)")
    return tuple(float(x) for x in base + sum((t * np.array(s) for t, s in zip(thetas, shifts)), np.zeros(base.size)))


@dataclass(frozen=True)
class PolynomialQuenching:
    """E_ee(T) = a x + b x^2 + c x^3 + d x^4, x = T in MeVnr, E_ee in MeVee; nominal + sum_i theta_i PC_i.

    Attributes
    ----------
    nominal : (a, b, c, d), the nominal coefficients (MeVee per MeVnr^k, k = 1..4).
    shifts : the principal components, each four coefficient shifts (the +1 sigma set minus nominal).
    thetas : one nuisance value per shift, in units of its sigma (default 0 for every shift).

    The same response for every nucleus of the target (the release's is for CsI[Na] as a whole).
    :attr:`coefficients` holds the shifted set. Raises ValueError for coefficients that are not four
    finite numbers, or thetas that do not match the shifts.
    """

    nominal: tuple[float, float, float, float]
    shifts: tuple[tuple[float, float, float, float], ...] = ()
    thetas: tuple[float, ...] | None = None

    def __post_init__(self):
        object.__setattr__(self, "nominal", _coefficients("nominal", self.nominal))
        object.__setattr__(self, "shifts", tuple(_coefficients(f"shifts[{i}]", s) for i, s in enumerate(self.shifts)))
        thetas = (0.0,) * len(self.shifts) if self.thetas is None else tuple(self.thetas)
        object.__setattr__(self, "thetas", thetas)
        object.__setattr__(self, "coefficients", _shifted("scintillation", self.nominal, self.shifts, thetas))

    def ee_kev(self, recoil_kev, nucleus: Nucleus | None = None) -> np.ndarray:
        """Electron-equivalent energy (keVee) of nuclear recoils of ``recoil_kev`` (keVnr, any shape).

        Negative values of the polynomial (far outside the fitted range) are clipped to 0 (no light).
        ``nucleus`` is accepted for the interface of :mod:`cevnslib.detectors` and not used. Raises
        ValueError for energies that are not finite numbers.
        """
        x = validation.real_array("recoil_kev", recoil_kev) / _KEV_PER_MEV
        a, b, c, d = self.coefficients
        return np.maximum(x * (a + x * (b + x * (c + x * d))), 0.0) * _KEV_PER_MEV


@dataclass(frozen=True)
class GammaResolution:
    """The PE count of a recoil with electron-equivalent energy E_ee is gamma distributed.

    Shape k = 1 + b E_ee and scale theta = 1 / (a (1 + b E_ee)) with a = ``a_kevee`` / E_ee and
    b E_ee = ``b_per_kevee`` E_ee (E_ee in keVee): the mean k theta = E_ee / ``a_kevee`` is the light
    yield 1 / ``a_kevee`` times E_ee, and the variance k theta^2 = mean^2 / (1 + b E_ee). Defaults:
    a = 0.0749 keVee (per PE), b = 9.56 / keVee, the resolution of the CsI[Na] full data set (data
    release of arXiv:2110.07730); 1 / 0.0749 = 13.35 PE/keVee is its light yield. Raises ValueError for
    a parameter that is not a finite number > 0 (a) or >= 0 (b).
    """

    a_kevee: float = 0.0749
    b_per_kevee: float = 9.56

    def __post_init__(self):
        object.__setattr__(self, "a_kevee", validation.positive("a_kevee", self.a_kevee))
        object.__setattr__(self, "b_per_kevee", validation.number("b_per_kevee", self.b_per_kevee, 0.0))

    @property
    def light_yield_pe_per_kevee(self) -> float:
        """Mean PE per keVee, 1 / a."""
        return 1.0 / self.a_kevee

    def shape_scale(self, ee_kev) -> tuple[np.ndarray, np.ndarray]:
        """(shape k, scale theta in PE) of the gamma distribution at ``ee_kev`` (keVee, > 0, any shape).

        Raises ValueError for energies that are not finite numbers > 0.
        """
        ee = validation.real_array("ee_kev", ee_kev)
        if np.any(ee <= 0):
            raise ValueError(f"ee_kev must be > 0 keVee, got {ee_kev!r}")
        shape = 1.0 + self.b_per_kevee * ee
        return shape, ee / (self.a_kevee * shape)

    def bin_probabilities(self, ee_kev, pe_edges) -> np.ndarray:
        """P(PE in bin b | E_ee), shape (n_bins, n) for ``ee_kev`` of shape (n,) (keVee, > 0).

        From the regularised incomplete gamma function (exact); the last edge may be inf. Raises
        ValueError for bad edges or energies.
        """
        from scipy.special import gammainc

        edges = np.array(validation.edges("pe_edges", pe_edges))
        shape, scale = self.shape_scale(np.atleast_1d(ee_kev))
        cdf = gammainc(shape[None, :], edges[:, None] / scale[None, :])
        return np.diff(cdf, axis=0)


@dataclass(frozen=True)
class LogisticEfficiency:
    """PE efficiency eps(x) = a / (1 + exp(-b (x - c))) + d, x in PE, clipped to [0, 1].

    Attributes
    ----------
    nominal : (a, b, c, d): a and d dimensionless, b in 1/PE, c in PE.
    shift : the +1 sigma set minus nominal (default none).
    theta : the nuisance value in units of sigma (default 0): coefficients = nominal + theta shift.

    Raises ValueError for coefficients that are not four finite numbers, or b <= 0.
    """

    nominal: tuple[float, float, float, float]
    shift: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    theta: float = 0.0

    def __post_init__(self):
        coefficients = _shifted("efficiency", self.nominal, (self.shift,), (self.theta,))
        if coefficients[1] <= 0:
            raise ValueError(f"efficiency b = {coefficients[1]} must be > 0 (a rising efficiency)")
        object.__setattr__(self, "coefficients", coefficients)

    def __call__(self, pe) -> np.ndarray:
        """eps at ``pe`` (PE, any shape), in [0, 1]. Raises ValueError for values that are not finite."""
        x = validation.real_array("pe", pe)
        a, b, c, d = self.coefficients
        return np.clip(a / (1.0 + np.exp(-b * (x - c))) + d, 0.0, 1.0)

    @property
    def kinks_pe(self) -> tuple[float, ...]:
        """PE values where the clipping to [0, 1] starts or ends (where eps crosses 0 or 1)."""
        a, b, c, d = self.coefficients
        out = []
        for level in (0.0, 1.0):
            ratio = a / (level - d) - 1.0 if level != d else 0.0
            if ratio > 0:
                x = c - np.log(ratio) / b
                if x > 0:
                    out.append(float(x))
        return tuple(sorted(out))


@dataclass(frozen=True)
class SmearedPEDetector:
    """Recoils -> PE bins through a scintillation response, gamma resolution and a PE efficiency.

    The interface of :class:`cevnslib.detectors.Detector` (``observable``, :attr:`bin_edges`, ``n_bins``,
    ``threshold``, :meth:`response_matrix`, the recoil support and breaks), so that
    :func:`cevnslib.rates.build_templates` folds templates through it.

    Attributes
    ----------
    pe_edges : PE bin edges, finite and increasing from >= 0.
    quenching : a :class:`PolynomialQuenching`.
    resolution : a :class:`GammaResolution`.
    efficiency : a :class:`LogisticEfficiency`, or None (1: the response before efficiency).
    min_recoil_kev : the lowest recoil energy (keVnr, > 0) integrated over: below it a recoil's chance
        to produce a PE count in a bin with efficiency > 0 is negligible (default 1 keVnr, 0.8 PE on
        average with the CsI[Na] response; see the tests).
    pe_nodes : Gauss-Legendre nodes per piece of at most 2 PE of the PE integral (2-200).

    Raises ValueError for bad edges or parameters.
    """

    pe_edges: tuple[float, ...]
    quenching: PolynomialQuenching
    resolution: GammaResolution = GammaResolution()
    efficiency: LogisticEfficiency | None = None
    min_recoil_kev: float = 1.0
    pe_nodes: int = 12

    observable = "PE"

    def __post_init__(self):
        edges = validation.edges("pe_edges", self.pe_edges)
        if not np.isfinite(edges[-1]):
            raise ValueError("pe_edges must be finite (the PE integral runs over the bins)")
        object.__setattr__(self, "pe_edges", edges)
        object.__setattr__(self, "min_recoil_kev", validation.positive("min_recoil_kev", self.min_recoil_kev))
        validation.integer("pe_nodes", self.pe_nodes, 2, 200)
        for name, kind in (("quenching", PolynomialQuenching), ("resolution", GammaResolution)):
            if not isinstance(getattr(self, name), kind):
                raise ValueError(f"{name} = {getattr(self, name)!r} must be a cevnslib.response.{kind.__name__}")
        if self.efficiency is not None and not isinstance(self.efficiency, LogisticEfficiency):
            raise ValueError(f"efficiency = {self.efficiency!r} must be a cevnslib.response.LogisticEfficiency or None")
        if self.efficiency is not None:  # nodes and weights of the PE integral, efficiency included
            x, w = piecewise_nodes(
                edges[0], edges[-1], [*edges[1:-1], *self.efficiency.kinks_pe], self.pe_nodes, max_length=2.0
            )
            bins = np.searchsorted(edges, x, side="right") - 1
            object.__setattr__(self, "_pe_nodes", validation.read_only(x))
            object.__setattr__(
                self, "_pe_weights", validation.read_only(np.eye(len(edges) - 1)[:, bins] * (w * self.efficiency(x)))
            )

    @property
    def bin_edges(self) -> tuple[float, ...]:
        """The analysis bin edges (PE): :attr:`pe_edges`, under the name of the Detector interface."""
        return self.pe_edges

    @property
    def n_bins(self) -> int:
        """Number of PE bins."""
        return len(self.pe_edges) - 1

    @property
    def threshold(self) -> float:
        """Lowest PE edge."""
        return self.pe_edges[0]

    def observable_of(self, recoil_kev, nucleus: Nucleus | None = None) -> np.ndarray:
        """Mean PE of recoils of ``recoil_kev`` (keVnr): light yield x E_ee(T).

        Raises ValueError for energies that are not finite numbers.
        """
        return self.quenching.ee_kev(recoil_kev) * self.resolution.light_yield_pe_per_kevee

    def recoil_support_kev(self, nucleus: Nucleus | None = None) -> tuple[float, float]:
        """(lowest, highest) recoil energy in keVnr integrated over: (``min_recoil_kev``, inf)."""
        return self.min_recoil_kev, np.inf

    def recoil_breaks_kev(self, nucleus: Nucleus | None = None) -> np.ndarray:
        """Recoil energies where the response jumps: none (the smearing makes it smooth in T)."""
        return np.empty(0)

    def response_matrix(self, recoil_kev, nucleus: Nucleus | None = None) -> np.ndarray:
        """P_b(T) = int_{bin b} gamma(PE | E_ee(T)) eps(PE) dPE, shape (n_bins, n) for ``recoil_kev`` (n,).

        Recoils that give no light (E_ee = 0) have a zero column. Without an efficiency the column is
        the exact gamma probability of each bin; with one, the integral runs over Gauss-Legendre nodes
        split at the bin edges and the efficiency's kinks. Raises ValueError for energies that are not
        finite numbers.
        """
        ee = np.atleast_1d(self.quenching.ee_kev(recoil_kev))
        lit = ee > 0
        out = np.zeros((self.n_bins, ee.size))
        if not np.any(lit):
            return out
        if self.efficiency is None:
            out[:, lit] = self.resolution.bin_probabilities(ee[lit], self.pe_edges)
            return out
        from scipy.special import gammaln

        shape, scale = self.resolution.shape_scale(ee[lit])
        x = self._pe_nodes[:, None]
        log_pdf = (shape - 1.0) * np.log(x) - x / scale - shape * np.log(scale) - gammaln(shape)
        out[:, lit] = self._pe_weights @ np.exp(log_pdf)
        return out


@dataclass(frozen=True)
class LinearQuenching:
    """A quenching factor linear in the recoil energy: QF(T) = a + b T, E_ee(T) = QF(T) T.

    Attributes
    ----------
    a : QF at zero recoil energy (dimensionless, > 0).
    b_per_kevnr : its slope in 1/keVnr (>= 0, so that E_ee rises with T).

    Defaults: the release of the COHERENT CENNS-10 argon data (arXiv:2006.12659, ``larQF``: a = 0.246
    +- 0.006, b = 0.00078 +- 0.00009 /keVnr, a linear fit to the literature in 0-125 keVnr). The same
    for every nucleus. Raises ValueError for a <= 0, b < 0 or values that are not finite numbers.
    """

    a: float = 0.246
    b_per_kevnr: float = 0.00078

    def __post_init__(self):
        object.__setattr__(self, "a", validation.positive("a", self.a))
        object.__setattr__(self, "b_per_kevnr", validation.number("b_per_kevnr", self.b_per_kevnr, 0.0))

    def ee_kev(self, recoil_kev, nucleus: Nucleus | None = None) -> np.ndarray:
        """Electron-equivalent energy (keVee) of recoils of ``recoil_kev`` (keVnr, >= 0, any shape).

        ``nucleus`` is accepted for the interface of :mod:`cevnslib.detectors` and not used. Raises
        ValueError for energies that are negative or not finite numbers.
        """
        t = validation.real_array("recoil_kev", recoil_kev)
        if np.any(t < 0):
            raise ValueError(f"recoil_kev must be >= 0 keVnr, got {recoil_kev!r}")
        return (self.a + self.b_per_kevnr * t) * t

    def recoil_kev(self, ee_kev, nucleus: Nucleus | None = None) -> np.ndarray:
        """Recoil energy (keVnr) whose E_ee is ``ee_kev`` (keVee, >= 0): the positive root of b T^2 + a T = E_ee.

        Written as 2 E_ee / (a + sqrt(a^2 + 4 b E_ee)), free of cancellation (and exact at b = 0).
        Raises ValueError for energies that are negative or not finite numbers.
        """
        ee = validation.real_array("ee_kev", ee_kev)
        if np.any(ee < 0):
            raise ValueError(f"ee_kev must be >= 0 keVee, got {ee_kev!r}")
        return 2.0 * ee / (self.a + np.sqrt(self.a**2 + 4.0 * self.b_per_kevnr * ee))


@dataclass(frozen=True)
class GaussianResolution:
    """The reconstructed energy of a recoil is Gaussian about its E_ee, with sigma = a sqrt(E_ee).

    That is sigma / E_ee = a / sqrt(E_ee), E_ee in keVee, ``a_sqrt_kevee`` in keVee^(1/2). Default
    0.58 keVee^(1/2), the resolution of the COHERENT CENNS-10 argon release (arXiv:2006.12659,
    ``energyResolution``). Raises ValueError for a value that is not a finite number > 0.
    """

    a_sqrt_kevee: float = 0.58

    def __post_init__(self):
        object.__setattr__(self, "a_sqrt_kevee", validation.positive("a_sqrt_kevee", self.a_sqrt_kevee))

    def sigma_kevee(self, ee_kev) -> np.ndarray:
        """The width sigma (keVee) at ``ee_kev`` (keVee, >= 0, any shape).

        Raises ValueError for energies that are negative or not finite numbers.
        """
        ee = validation.real_array("ee_kev", ee_kev)
        if np.any(ee < 0):
            raise ValueError(f"ee_kev must be >= 0 keVee, got {ee_kev!r}")
        return self.a_sqrt_kevee * np.sqrt(ee)

    def bin_probabilities(self, ee_kev, energy_edges_kevee) -> np.ndarray:
        """P(reconstructed energy in bin b | E_ee), shape (n_bins, n) for ``ee_kev`` of shape (n,) (keVee, > 0).

        Differences of the normal distribution function at the edges (exact); the last edge may be
        inf. Energies reconstructed below the first edge are lost. Raises ValueError for bad edges or
        energies that are not finite numbers > 0.
        """
        from scipy.special import ndtr

        edges = np.array(validation.edges("energy_edges_kevee", energy_edges_kevee, minimum=-np.inf))
        ee = np.atleast_1d(validation.real_array("ee_kev", ee_kev))
        if np.any(ee <= 0):
            raise ValueError(f"ee_kev must be > 0 keVee, got {ee_kev!r}")
        sigma = self.sigma_kevee(ee)
        return np.diff(ndtr((edges[:, None] - ee[None, :]) / sigma[None, :]), axis=0)


@dataclass(frozen=True, eq=False)
class TabulatedAcceptance:
    """An acceptance tabulated against electron-equivalent energy, interpolated linearly between nodes.

    Attributes
    ----------
    energy_kevee : the nodes (keVee), increasing, >= 0 (read-only).
    efficiency : the acceptance at each node, in [0, 1] (read-only).

    Below the first node the acceptance is the first value, above the last node the last value
    (the release of the argon data tabulates up to 39.75 keVee, where it has levelled off). Raises
    ValueError for nodes that do not increase, values outside [0, 1] or arrays of different sizes.
    """

    energy_kevee: np.ndarray
    efficiency: np.ndarray

    def __post_init__(self):
        x = validation.real_array("energy_kevee", self.energy_kevee)
        y = validation.real_array("efficiency", self.efficiency)
        if x.ndim != 1 or x.size < 2 or np.any(np.diff(x) <= 0) or x[0] < 0:
            raise ValueError("energy_kevee must be an increasing 1-D array of at least 2 energies >= 0 keVee")
        if y.shape != x.shape or np.any(y < 0) or np.any(y > 1):
            raise ValueError("efficiency must hold one value in [0, 1] per node of energy_kevee")
        object.__setattr__(self, "energy_kevee", validation.read_only(x))
        object.__setattr__(self, "efficiency", validation.read_only(y))

    def __call__(self, ee_kev) -> np.ndarray:
        """The acceptance at ``ee_kev`` (keVee, any shape). Raises ValueError for values that are not finite."""
        x = validation.real_array("ee_kev", ee_kev)
        return np.interp(x, self.energy_kevee, self.efficiency)

    @property
    def zero_below_kevee(self) -> float:
        """The energy (keVee) below which the acceptance is 0: the last node of the leading run of zeros
        (the first node if the acceptance starts above 0, where it is not zero: then 0.0)."""
        positive = np.flatnonzero(self.efficiency > 0)
        if positive.size == 0 or positive[0] == 0:
            return 0.0
        return float(self.energy_kevee[positive[0] - 1])


@dataclass(frozen=True)
class SmearedEnergyDetector:
    """Recoils -> bins of reconstructed electron-equivalent energy: quenching, Gaussian resolution, acceptance.

    P_b(T) = A(E_ee(T)) [Phi((E_b+1 - E_ee(T)) / sigma) - Phi((E_b - E_ee(T)) / sigma)], sigma = a sqrt(E_ee(T)):
    the acceptance A is taken at the recoil's mean electron-equivalent energy, i.e. as a function of
    the recoil energy (the argon release tabulates it against both, bin centre in keVee and in keVnr),
    and the Gaussian is integrated exactly over each bin. The interface of
    :class:`cevnslib.detectors.Detector`, so that :func:`cevnslib.rates.build_templates` folds event
    templates through it.

    Attributes
    ----------
    energy_edges_kevee : bin edges in reconstructed keVee, finite and increasing from >= 0.
    quenching : a :class:`LinearQuenching`.
    resolution : a :class:`GaussianResolution`.
    acceptance : a :class:`TabulatedAcceptance`, or None (1 everywhere).
    min_recoil_kev : the lowest recoil energy (keVnr, > 0) integrated over; recoils below it (or below
        the energy where the acceptance starts, if higher) are ignored. Default 1 keVnr (0.25 keVee
        with the argon quenching, where the argon acceptance is still 0).

    Raises ValueError for bad edges or parameters.
    """

    energy_edges_kevee: tuple[float, ...]
    quenching: LinearQuenching = LinearQuenching()
    resolution: GaussianResolution = GaussianResolution()
    acceptance: TabulatedAcceptance | None = None
    min_recoil_kev: float = 1.0

    observable = "keVee"

    def __post_init__(self):
        edges = validation.edges("energy_edges_kevee", self.energy_edges_kevee)
        if not np.isfinite(edges[-1]):
            raise ValueError("energy_edges_kevee must be finite")
        object.__setattr__(self, "energy_edges_kevee", edges)
        object.__setattr__(self, "min_recoil_kev", validation.positive("min_recoil_kev", self.min_recoil_kev))
        for name, kind in (("quenching", LinearQuenching), ("resolution", GaussianResolution)):
            if not isinstance(getattr(self, name), kind):
                raise ValueError(f"{name} = {getattr(self, name)!r} must be a cevnslib.response.{kind.__name__}")
        if self.acceptance is not None and not isinstance(self.acceptance, TabulatedAcceptance):
            raise ValueError(
                f"acceptance = {self.acceptance!r} must be a cevnslib.response.TabulatedAcceptance or None"
            )

    @property
    def bin_edges(self) -> tuple[float, ...]:
        """The analysis bin edges (keVee): :attr:`energy_edges_kevee`, under the name of the Detector interface."""
        return self.energy_edges_kevee

    @property
    def n_bins(self) -> int:
        """Number of energy bins."""
        return len(self.energy_edges_kevee) - 1

    @property
    def threshold(self) -> float:
        """Lowest energy edge (keVee)."""
        return self.energy_edges_kevee[0]

    def observable_of(self, recoil_kev, nucleus: Nucleus | None = None) -> np.ndarray:
        """Mean electron-equivalent energy (keVee) of recoils of ``recoil_kev`` (keVnr).

        Raises ValueError for energies that are negative or not finite numbers.
        """
        return self.quenching.ee_kev(recoil_kev)

    def recoil_support_kev(self, nucleus: Nucleus | None = None) -> tuple[float, float]:
        """(lowest, highest) recoil energy in keVnr integrated over: (``min_recoil_kev`` or the acceptance's
        onset, whichever is higher; inf)."""
        onset = 0.0 if self.acceptance is None else float(self.quenching.recoil_kev(self.acceptance.zero_below_kevee))
        return max(self.min_recoil_kev, onset), np.inf

    def recoil_breaks_kev(self, nucleus: Nucleus | None = None) -> np.ndarray:
        """Recoil energies (keVnr) where the response bends: the acceptance's nodes (its linear pieces meet there)."""
        if self.acceptance is None:
            return np.empty(0)
        return np.asarray(self.quenching.recoil_kev(self.acceptance.energy_kevee))

    def response_matrix(self, recoil_kev, nucleus: Nucleus | None = None) -> np.ndarray:
        """P_b(T), shape (n_bins, n) for ``recoil_kev`` (n,) (keVnr); recoils with no light have a zero column.

        Raises ValueError for energies that are negative or not finite numbers.
        """
        ee = np.atleast_1d(self.quenching.ee_kev(recoil_kev))
        out = np.zeros((self.n_bins, ee.size))
        lit = ee > 0
        if np.any(lit):
            out[:, lit] = self.resolution.bin_probabilities(ee[lit], self.energy_edges_kevee)
            if self.acceptance is not None:
                out[:, lit] *= self.acceptance(ee[lit])
        return out


@dataclass(frozen=True, eq=False)
class F90Shares:
    """How the events of each energy bin spread over the bins of the pulse-shape parameter F90.

    F90, the fraction of a liquid-argon pulse's light in its first 90 ns, tells nuclear recoils
    (F90 near 0.7) from electron recoils (near 0.3); its distribution for nuclear recoils depends on
    the recoil's energy, not on the couplings or the neutron radius that produced it.

    Attributes
    ----------
    f90_edges : F90 bin edges, increasing (the release's: 0.5 to 0.9 in steps of 0.05).
    shares : shape (n_energy_bins, n_f90_bins), the share of an energy bin's events in each F90 bin;
        every row sums to 1 (read-only).

    Raises ValueError for bad edges, negative shares, rows that do not sum to 1 (to 1e-9) or a
    shape that does not match the edges.
    """

    f90_edges: tuple[float, ...]
    shares: np.ndarray

    def __post_init__(self):
        edges = validation.edges("f90_edges", self.f90_edges)
        shares = validation.real_array("shares", self.shares)
        if shares.ndim != 2 or shares.shape[1] != len(edges) - 1:
            raise ValueError(f"shares must have shape (energy bins, {len(edges) - 1} F90 bins), got {shares.shape}")
        if np.any(shares < 0) or np.any(np.abs(shares.sum(axis=1) - 1.0) > 1e-9):
            raise ValueError("shares must be >= 0 with every row (energy bin) summing to 1")
        object.__setattr__(self, "f90_edges", edges)
        object.__setattr__(self, "shares", validation.read_only(shares))

    @property
    def n_bins(self) -> int:
        """Number of F90 bins."""
        return len(self.f90_edges) - 1

    def spread(self, counts) -> np.ndarray:
        """Counts in energy x time bins, shape (..., n_energy, n_time), spread over F90: shape
        (..., n_energy, n_f90, n_time).

        Raises ValueError for counts whose energy axis (second-last) does not match :attr:`shares`.
        """
        counts = np.asarray(counts, dtype=float)
        if counts.ndim < 2 or counts.shape[-2] != self.shares.shape[0]:
            raise ValueError(
                f"counts must have shape (..., {self.shares.shape[0]} energy bins, time bins), got {counts.shape}"
            )
        return counts[..., :, None, :] * self.shares[:, :, None]
