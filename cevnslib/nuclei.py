"""Nuclei, natural elements and compounds: what a detector is made of.

A :class:`Nucleus` knows its proton and neutron numbers, its mass and its charge radius; a
:class:`Target` knows which nuclei it holds, how many of each per formula unit, and so how many of
each kind one kilogram contains. Data: ``cevnslib/data/nuclei.csv`` (sources in its header).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import MappingProxyType

import numpy as np

from . import validation
from .constants import (
    AMU_GEV,
    AVOGADRO_PER_MOL,
    DARWIN_FOLDY_FM2,
    M_ELECTRON_GEV,
    NEUTRON_MS_CHARGE_RADIUS_FM2,
    PROTON_CHARGE_RADIUS_FM,
)

PROTON_RADIUS_CONVENTIONS = ("charge", "point")


@dataclass(frozen=True)
class Nucleus:
    """One isotope.

    Attributes
    ----------
    name : str  (e.g. ``"Cs133"``)
    Z, N : int  proton and neutron numbers
    mass_gev : float  nuclear mass in GeV
    charge_radius_fm : float  rms charge radius in fm
    """

    name: str
    Z: int
    N: int
    mass_gev: float
    charge_radius_fm: float

    @property
    def A(self) -> int:
        """Mass number."""
        return self.Z + self.N

    @property
    def atomic_mass_u(self) -> float:
        """Atomic mass in atomic mass units (nucleus plus Z electrons, binding neglected)."""
        return (self.mass_gev + self.Z * M_ELECTRON_GEV) / AMU_GEV

    def proton_radius_fm(self, convention: str = "charge") -> float:
        """rms radius of the proton distribution that enters F_Z, in fm.

        ``"charge"`` (default, as in the CsI literature the paper follows) takes R_p = R_ch;
        ``"point"`` removes the nucleon sizes: R_p^2 = R_ch^2 - r_p^2 - (N/Z) r_n^2 - 3/(4 M_p^2).

        Raises ValueError for an unknown convention.
        """
        if convention == "charge":
            return self.charge_radius_fm
        if convention == "point":
            r2 = (
                self.charge_radius_fm**2
                - PROTON_CHARGE_RADIUS_FM**2
                - (self.N / self.Z) * NEUTRON_MS_CHARGE_RADIUS_FM2
                - DARWIN_FOLDY_FM2
            )
            return math.sqrt(r2)
        raise ValueError(f"proton_radius convention {convention!r} is unknown; allowed: {PROTON_RADIUS_CONVENTIONS}")


@dataclass(frozen=True)
class Target:
    """A detector material: nuclei and their number per formula unit.

    For a natural element the multiplicities are the isotopic abundances (one atom per formula
    unit); for a compound such as CsI they are the atoms per molecule.
    """

    name: str
    nuclei: tuple[Nucleus, ...]
    multiplicities: tuple[float, ...]

    @property
    def molar_mass_g_per_mol(self) -> float:
        """Mass of one mole of formula units, in g/mol."""
        return sum(m * n.atomic_mass_u for n, m in zip(self.nuclei, self.multiplicities))

    @property
    def nuclei_per_kg(self) -> np.ndarray:
        """Number of nuclei of each kind per kilogram of target (same order as ``nuclei``)."""
        units_per_kg = 1e3 * AVOGADRO_PER_MOL / self.molar_mass_g_per_mol
        return units_per_kg * np.asarray(self.multiplicities, dtype=float)


@cache
def _table() -> MappingProxyType:
    text = (files("cevnslib") / "data" / "nuclei.csv").read_text()
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    out = {}
    for line in rows[1:]:
        name, element, z, n, mass, radius, abundance = line.split(",")
        out[name] = (element, Nucleus(name, int(z), int(n), float(mass), float(radius)), float(abundance))
    return MappingProxyType(out)


def nucleus(name: str) -> Nucleus:
    """The isotope called ``name`` (e.g. ``"Ge72"``, ``"Cs133"``).

    Raises ValueError for an unknown isotope.
    """
    table = _table()
    validation.choice("nucleus", name, sorted(table))
    return table[name][1]


def element(symbol: str) -> Target:
    """A natural element, its isotopes weighted by natural abundance.

    Raises ValueError for an unknown element.
    """
    validation.choice("element", symbol, ELEMENTS)
    members = [(nuc, ab) for el, nuc, ab in _table().values() if el == symbol]
    return Target(symbol, tuple(m[0] for m in members), tuple(m[1] for m in members))


ELEMENTS = ("Na", "Si", "Ar", "Ge", "I", "Xe", "Cs")
COMPOUNDS = MappingProxyType({"CsI": ("Cs", "I"), "NaI": ("Na", "I")})
TARGETS = ELEMENTS + tuple(COMPOUNDS)


def target(name: str) -> Target:
    """A detector material by name: ``"Si"``, ``"Ge"``, ``"Ar"``, ``"Xe"``, ``"CsI"``, ``"NaI"``, ...

    Compounds hold one atom of each element per formula unit, each element with its natural
    isotopic mix.

    Raises ValueError for an unknown material.

    >>> csi = target("CsI")
    >>> [n.name for n in csi.nuclei], f"{csi.nuclei_per_kg.sum():.4e} nuclei per kg"
    (['Cs133', 'I127'], '4.6358e+24 nuclei per kg')
    """
    validation.choice("target", name, TARGETS)
    if name in ELEMENTS:
        return element(name)
    if name in COMPOUNDS:
        parts = [element(symbol) for symbol in COMPOUNDS[name]]
        nuclei = tuple(n for p in parts for n in p.nuclei)
        mult = tuple(m for p in parts for m in p.multiplicities)
        return Target(name, nuclei, mult)
    raise ValueError(f"target {name!r} is unknown; allowed: {TARGETS}")
