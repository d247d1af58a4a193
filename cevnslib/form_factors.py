"""Nuclear form factors F(q), each parametrised by the rms radius of its distribution.

All functions take the momentum transfer ``q_mev`` (MeV, array) and the rms radius ``radius_fm``
(fm) and return F with F(0) = 1 and -6 dF/d(q^2) at q = 0 equal to radius_fm^2.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from . import validation
from .constants import HBARC_MEV_FM

#: Helm surface thickness s in fm [Lewin & Smith, Astropart. Phys. 6 (1996) 87].
HELM_SKIN_FM = 0.9
#: Klein-Nystrand Yukawa range a in fm [Klein & Nystrand, PRC 60 (1999) 014903].
KLEIN_NYSTRAND_RANGE_FM = 0.7
#: Symmetrised-Fermi diffuseness a in fm [Sprung & Martorell, J. Phys. A 30 (1997) 6525].
FERMI_DIFFUSENESS_FM = 0.52

#: Below this value of q*R the closed forms lose digits to cancellation; the Taylor series (to
#: q^4, truncation error ~ (qR)^6 / 5000 < 1e-15) replaces them.
_SMALL_QR = 1e-2


def _wavenumber_fm(q_mev) -> np.ndarray:
    q = np.abs(np.asarray(q_mev, dtype=float))
    return q / HBARC_MEV_FM


def _check_radius(radius_fm: float, minimum_fm: float, model: str) -> None:
    radius_fm = validation.real_array("radius_fm", radius_fm)
    if np.any(radius_fm <= minimum_fm):
        raise ValueError(
            f"radius_fm = {radius_fm} is outside the range of the {model} form factor: "
            f"it must exceed {minimum_fm:.3f} fm"
        )


def _sphere(x: np.ndarray) -> np.ndarray:
    """Form factor of a uniform sphere, 3 j1(x)/x, stable at small x."""
    small = x < _SMALL_QR
    xs = np.where(small, 1.0, x)
    closed = 3.0 * (np.sin(xs) - xs * np.cos(xs)) / xs**3
    return np.where(small, 1.0 - x**2 / 10.0 + x**4 / 280.0, closed)


def helm(q_mev, radius_fm: float, skin_fm: float = HELM_SKIN_FM) -> np.ndarray:
    """Helm form factor: 3 j1(q R0)/(q R0) exp(-q^2 s^2/2), with R0^2 = 5/3 R^2 - 5 s^2."""
    _check_radius(radius_fm, np.sqrt(3.0) * skin_fm, "Helm")
    q = _wavenumber_fm(q_mev)
    r0 = np.sqrt(5.0 / 3.0 * np.asarray(radius_fm) ** 2 - 5.0 * skin_fm**2)
    return _sphere(q * r0) * np.exp(-((q * skin_fm) ** 2) / 2.0)


def klein_nystrand(q_mev, radius_fm: float, range_fm: float = KLEIN_NYSTRAND_RANGE_FM) -> np.ndarray:
    """Klein-Nystrand form factor: 3 j1(q R_A)/(q R_A) / (1 + q^2 a^2), with R^2 = 3/5 R_A^2 + 6 a^2."""
    _check_radius(radius_fm, np.sqrt(6.0) * range_fm, "Klein-Nystrand")
    q = _wavenumber_fm(q_mev)
    r_a = np.sqrt(5.0 / 3.0 * (np.asarray(radius_fm) ** 2 - 6.0 * range_fm**2))
    return _sphere(q * r_a) / (1.0 + (q * range_fm) ** 2)


def symmetrized_fermi(q_mev, radius_fm: float, diffuseness_fm: float = FERMI_DIFFUSENESS_FM) -> np.ndarray:
    """Symmetrised-Fermi form factor (analytic Fourier transform), with R^2 = 3/5 c^2 + 7/5 (pi a)^2."""
    a = diffuseness_fm
    _check_radius(radius_fm, np.sqrt(7.0 / 5.0) * np.pi * a, "symmetrised-Fermi")
    q = _wavenumber_fm(q_mev)
    radius = np.asarray(radius_fm, dtype=float)
    c = np.sqrt(5.0 / 3.0 * (radius**2 - 7.0 / 5.0 * (np.pi * a) ** 2))
    small = q * radius < _SMALL_QR
    qs = np.where(small, 1.0, q)
    qcs, pqa = qs * c, np.pi * qs * a
    closed = (
        3.0 / (qcs * (qcs**2 + pqa**2)) * (pqa / np.sinh(pqa)) * (pqa / np.tanh(pqa) * np.sin(qcs) - qcs * np.cos(qcs))
    )
    r4 = 3.0 / 7.0 * c**4 + 18.0 / 7.0 * (np.pi * a * c) ** 2 + 31.0 / 7.0 * (np.pi * a) ** 4  # <r^4>
    return np.where(small, 1.0 - (q * radius) ** 2 / 6.0 + q**4 * r4 / 120.0, closed)


def unity(q_mev, radius_fm: float | None = None) -> np.ndarray:
    """F = 1: point-like nucleus (the paper's choice for reactor neutrinos)."""
    return np.ones_like(np.asarray(q_mev, dtype=float))


FORM_FACTORS = MappingProxyType(
    {
        "helm": helm,
        "klein-nystrand": klein_nystrand,
        "symmetrized-fermi": symmetrized_fermi,
        "unity": unity,
    }
)


#: Smallest rms radius (fm) each model can describe: its thickness parameter alone sets the radius.
MINIMUM_RADIUS_FM = MappingProxyType(
    {
        "helm": float(np.sqrt(3.0) * HELM_SKIN_FM),
        "klein-nystrand": float(np.sqrt(6.0) * KLEIN_NYSTRAND_RANGE_FM),
        "symmetrized-fermi": float(np.sqrt(7.0 / 5.0) * np.pi * FERMI_DIFFUSENESS_FM),
        "unity": 0.0,
    }
)


def minimum_radius_fm(name: str) -> float:
    """The radius (fm) that form factor ``name`` must exceed; raises ValueError for an unknown name."""
    get(name)
    return MINIMUM_RADIUS_FM[name]


def get(name: str):
    """The form-factor function called ``name`` (one of the keys of ``FORM_FACTORS``).

    Raises ValueError for an unknown name.
    """
    validation.choice("form_factor", name, sorted(FORM_FACTORS))
    return FORM_FACTORS[name]
