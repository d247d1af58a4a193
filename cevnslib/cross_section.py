"""The CEvNS differential cross section (proceedings Eqs. 1-2) and its kinematics.

    dsigma/dT = G_F^2 M / pi * (1 - M T / (2 E^2) [- T/E]) * Q_alpha^2(q),   q^2 = 2 M T [+ T^2],

with Q_alpha^2 from :mod:`cevnslib.couplings`. Energies: neutrino ``energy_mev`` in MeV, nuclear
recoil ``recoil_kev`` in keV, nuclear masses in GeV. The result is in cm^2 per keV of recoil.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from . import form_factors, validation
from .constants import G_F_GEV2, HBARC_GEV_CM
from .couplings import NSI, nucleon_couplings, weak_charge_squared
from .nuclei import PROTON_RADIUS_CONVENTIONS, Nucleus
from .nuclei import nucleus as nucleus_by_name


@dataclass(frozen=True)
class CrossSectionOptions:
    """The choices behind the cross section where the paper is silent; each one a reader can change.

    Attributes
    ----------
    form_factor : ``"helm"`` (default), ``"klein-nystrand"``, ``"symmetrized-fermi"`` or ``"unity"``.
    proton_radius : ``"charge"`` (R_p = R_ch, default) or ``"point"`` (nucleon sizes removed).
    couplings : ``"tree"`` (default), ``"radiative"`` or ``"erler-su"``; see :func:`nucleon_couplings`.
    sin2_theta_w : weak mixing angle, or None for the scheme's default.
    include_t_over_e : keep the -T/E term the paper's Eq. 1 drops (default False).
    relativistic_q : use q^2 = 2 M T + T^2 instead of 2 M T (default False).

    Raises ValueError for an unknown form factor, proton-radius convention or coupling scheme, or a
    mixing angle outside (0, 1).
    """

    form_factor: str = "helm"
    proton_radius: str = "charge"
    couplings: str = "tree"
    sin2_theta_w: float | None = None
    include_t_over_e: bool = False
    relativistic_q: bool = False

    def __post_init__(self):
        validation.flag("include_t_over_e", self.include_t_over_e)
        validation.flag("relativistic_q", self.relativistic_q)
        form_factors.get(self.form_factor)
        if self.proton_radius not in PROTON_RADIUS_CONVENTIONS:
            raise ValueError(f"proton_radius {self.proton_radius!r} is unknown; allowed: {PROTON_RADIUS_CONVENTIONS}")
        nucleon_couplings(self.couplings, self.sin2_theta_w)

    @property
    def nucleon_couplings(self) -> tuple[float, float]:
        """(g_V^p, g_V^n) for these options."""
        return nucleon_couplings(self.couplings, self.sin2_theta_w)


def _as_nucleus(nucleus: Nucleus | str) -> Nucleus:
    return nucleus_by_name(nucleus) if isinstance(nucleus, str) else nucleus


def t_max_kev(energy_mev, mass_gev: float) -> np.ndarray:
    """Largest recoil energy in keV: T_max = 2 E^2 / (M + 2 E)."""
    e = np.asarray(energy_mev, dtype=float)
    m = mass_gev * 1e3
    return 2.0 * e**2 / (m + 2.0 * e) * 1e3


def e_min_mev(recoil_kev, mass_gev: float) -> np.ndarray:
    """Smallest neutrino energy in MeV giving recoil T: E_min = (T + sqrt(T^2 + 2 M T)) / 2."""
    t = np.asarray(recoil_kev, dtype=float) * 1e-3
    m = mass_gev * 1e3
    return 0.5 * (t + np.sqrt(t**2 + 2.0 * m * t))


def momentum_transfer_mev(recoil_kev, mass_gev: float, relativistic: bool = False) -> np.ndarray:
    """Momentum transfer in MeV for recoil T: sqrt(2 M T) (or sqrt(2 M T + T^2))."""
    t = np.asarray(recoil_kev, dtype=float) * 1e-3
    q2 = 2.0 * mass_gev * 1e3 * t + (t**2 if relativistic else 0.0)
    return np.sqrt(q2)


def prefactor_cm2_per_kev(mass_gev: float) -> float:
    """G_F^2 M / pi in cm^2 per keV (converted with (hbar c)^2)."""
    return G_F_GEV2**2 * mass_gev / math.pi * HBARC_GEV_CM**2 * 1e-6


def kinematic_factor(energy_mev, recoil_kev, mass_gev: float, include_t_over_e: bool = False):
    """1 - M T / (2 E^2) [- T/E], set to zero where T >= T_max (no recoil is possible there)."""
    e = np.asarray(energy_mev, dtype=float)
    t = np.asarray(recoil_kev, dtype=float) * 1e-3
    factor = 1.0 - mass_gev * 1e3 * t / (2.0 * e**2)
    if include_t_over_e:
        factor = factor - t / e
    allowed = np.asarray(recoil_kev) < t_max_kev(e, mass_gev)
    return np.where(allowed, np.maximum(factor, 0.0), 0.0)


def nuclear_form_factors(
    nucleus: Nucleus, recoil_kev, rn_fm: float | None, options: CrossSectionOptions
) -> tuple[np.ndarray, np.ndarray]:
    """(F_Z, F_N) at recoil T: F_Z with the proton radius, F_N with R_n (default R_n = R_p)."""
    rp = nucleus.proton_radius_fm(options.proton_radius)
    rn = rp if rn_fm is None else rn_fm
    q = momentum_transfer_mev(recoil_kev, nucleus.mass_gev, options.relativistic_q)
    ff = form_factors.get(options.form_factor)
    return ff(q, rp), ff(q, rn)


def dsigma_dT(
    energy_mev,
    recoil_kev,
    nucleus: Nucleus | str,
    flavor: str = "e",
    nsi: NSI | None = None,
    rn_fm: float | None = None,
    form_factor: str | None = None,
    options: CrossSectionOptions | None = None,
) -> np.ndarray:
    """CEvNS differential cross section dsigma/dT in cm^2/keV (proceedings Eq. 2; Eq. 1 at eps = 0).

    Parameters
    ----------
    energy_mev : neutrino energy E in MeV (array).
    recoil_kev : nuclear recoil energy T in keV (array, broadcast against ``energy_mev``).
    nucleus : a :class:`~cevnslib.nuclei.Nucleus` or its name, e.g. ``"Cs133"``.
    flavor : incident flavour ``"e"``, ``"mu"`` or ``"tau"`` (neutrino or antineutrino alike).
    nsi : vector NSI couplings (default none: the Standard Model).
    rn_fm : neutron rms radius in fm (default: equal to the proton radius).
    form_factor : form-factor model; overrides ``options.form_factor`` (default ``"helm"``).
    options : every other choice, see :class:`CrossSectionOptions`.

    Returns zero at and above T_max(E).

    >>> f"{float(dsigma_dT(30.0, 10.0, 'Cs133')):.3e} cm^2/keV"
    '5.612e-40 cm^2/keV'
    >>> f"{float(dsigma_dT(30.0, 10.0, 'Cs133', rn_fm=5.5) / dsigma_dT(30.0, 10.0, 'Cs133')):.4f}"
    '0.8434'


    Raises ValueError for energies that are not finite and > 0, recoil energies that are not finite
    and >= 0, an unknown nucleus or flavour, or an R_n outside the form factor's domain.
    """
    nuc = _as_nucleus(nucleus)
    options = CrossSectionOptions() if options is None else options
    if form_factor is not None:
        options = replace(options, form_factor=form_factor)
    e = validation.real_array("energy_mev", energy_mev)
    t = validation.real_array("recoil_kev", recoil_kev)
    if np.any(e <= 0):
        raise ValueError("energy_mev must be finite and > 0")
    if np.any(t < 0):
        raise ValueError("recoil_kev must be finite and >= 0")
    f_z, f_n = nuclear_form_factors(nuc, t, rn_fm, options)
    q2 = weak_charge_squared(nuc.Z, nuc.N, flavor, nsi, options.nucleon_couplings, f_z, f_n)
    kin = kinematic_factor(e, t, nuc.mass_gev, options.include_t_over_e)
    return prefactor_cm2_per_kev(nuc.mass_gev) * kin * q2
