"""Tests of cevnslib.nuclei against published numbers typed in again (IUPAC, AME2020, Angeli-Marinova)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from cevnslib import nuclei

N_A = 6.02214076e23  # mol^-1, SI exact

# IUPAC standard atomic weights (abridged/conventional values), g/mol
STANDARD_ATOMIC_WEIGHT = {
    "Na": 22.98976928,
    "Si": 28.0855,
    "Ar": 39.948,
    "Ge": 72.630,
    "I": 126.90447,
    "Xe": 131.293,
    "Cs": 132.90545196,
}
ATOMIC_NUMBER = {"Na": 11, "Si": 14, "Ar": 18, "Ge": 32, "I": 53, "Xe": 54, "Cs": 55}
# AME2020 atomic masses in u (Wang et al., Chin. Phys. C 45 (2021) 030003)
AME2020_ATOMIC_MASS_U = {
    "Na23": 22.989769282,
    "Si28": 27.976926534,
    "Ar40": 39.962383122,
    "Ge72": 71.922075824,
    "I127": 126.904471840,
    "Xe132": 131.904155087,
    "Cs133": 132.905451961,
}
# rms charge radii, Angeli & Marinova, ADNDT 99 (2013) 69, in fm
ANGELI_MARINOVA_FM = {"Na23": 2.9936, "Si28": 3.1224, "Ar40": 3.4274, "I127": 4.7500, "Cs133": 4.8041}


@pytest.mark.parametrize("name, molar_mass", [("CsI", 259.81), ("NaI", 149.89)])
def test_compound_molar_mass(name, molar_mass):
    assert nuclei.target(name).molar_mass_g_per_mol == pytest.approx(molar_mass, abs=0.01)


@pytest.mark.parametrize("symbol", ["Si", "Ge", "Ar", "Xe", "Na", "I", "Cs"])
def test_element_molar_mass_is_standard_atomic_weight(symbol):
    assert nuclei.target(symbol).molar_mass_g_per_mol == pytest.approx(STANDARD_ATOMIC_WEIGHT[symbol], abs=0.01)


def test_compound_molar_mass_is_sum_of_standard_weights():
    assert nuclei.target("CsI").molar_mass_g_per_mol == pytest.approx(
        STANDARD_ATOMIC_WEIGHT["Cs"] + STANDARD_ATOMIC_WEIGHT["I"], abs=0.01
    )
    assert nuclei.target("NaI").molar_mass_g_per_mol == pytest.approx(
        STANDARD_ATOMIC_WEIGHT["Na"] + STANDARD_ATOMIC_WEIGHT["I"], abs=0.01
    )


@pytest.mark.parametrize("symbol", nuclei.ELEMENTS)
def test_abundances_sum_to_one(symbol):
    t = nuclei.element(symbol)
    assert sum(t.multiplicities) == pytest.approx(1.0, abs=1e-6)
    assert all(0.0 < m <= 1.0 for m in t.multiplicities)


@pytest.mark.parametrize("symbol", nuclei.ELEMENTS)
def test_isotope_names_match_z_and_a(symbol):
    """The name 'Ge72' encodes element (so Z) and A = Z + N."""
    for nuc in nuclei.element(symbol).nuclei:
        sym, a = re.fullmatch(r"([A-Z][a-z]?)(\d+)", nuc.name).groups()
        assert sym == symbol
        assert nuc.Z == ATOMIC_NUMBER[symbol]
        assert nuc.A == int(a) == nuc.Z + nuc.N


def test_csi_nuclei_per_kg():
    t = nuclei.target("CsI")
    per_kg = t.nuclei_per_kg
    names = [n.name for n in t.nuclei]
    assert names == ["Cs133", "I127"]
    expected = 1000.0 * N_A / 259.81
    np.testing.assert_allclose(per_kg, [expected, expected], rtol=5e-5)


def test_natural_germanium_nuclei_per_kg_total():
    per_kg = nuclei.target("Ge").nuclei_per_kg
    assert per_kg.sum() == pytest.approx(1000.0 * N_A / 72.630, rel=2e-5)
    ge72 = [n.name for n in nuclei.target("Ge").nuclei].index("Ge72")
    assert per_kg[ge72] / per_kg.sum() == pytest.approx(0.2745, abs=1e-4)  # CIAAW abundance of Ge72


def test_cs133_numbers():
    cs = nuclei.nucleus("Cs133")
    assert (cs.Z, cs.N, cs.A) == (55, 78, 133)


@pytest.mark.parametrize("name", sorted(AME2020_ATOMIC_MASS_U))
def test_atomic_masses_against_ame2020(name):
    """Nuclear mass + Z m_e reproduces the AME atomic mass (electron binding < 1e-3 u)."""
    assert nuclei.nucleus(name).atomic_mass_u == pytest.approx(AME2020_ATOMIC_MASS_U[name], abs=1e-3)


@pytest.mark.parametrize("name", sorted(AME2020_ATOMIC_MASS_U))
def test_nuclear_masses_against_ame2020(name):
    """M = m_atom - Z m_e + B_e, with the total electron binding B_e <= 0.21 MeV for Z <= 55."""
    nuc = nuclei.nucleus(name)
    no_binding = AME2020_ATOMIC_MASS_U[name] * 0.93149410242 - nuc.Z * 0.51099895e-3
    assert -2e-6 < nuc.mass_gev - no_binding < 2.2e-4


def test_cs133_mass_in_gev():
    """Cs133: atomic mass minus 55 electrons plus their binding energy
    B_e = 14.4381 Z^2.39 + 1.55468e-6 Z^5.35 eV (Lunney, Pearson, Thibault, RMP 75 (2003) 1021)."""
    z = 55
    binding_gev = (14.4381 * z**2.39 + 1.55468e-6 * z**5.35) * 1e-9
    hand = 132.905451961 * 0.93149410242 - z * 0.51099895e-3 + binding_gev
    assert nuclei.nucleus("Cs133").mass_gev == pytest.approx(hand, abs=2e-6)
    assert nuclei.nucleus("Cs133").mass_gev == pytest.approx(123.772751, abs=1e-6)


@pytest.mark.parametrize("name", sorted(ANGELI_MARINOVA_FM))
def test_charge_radii(name):
    nuc = nuclei.nucleus(name)
    assert nuc.charge_radius_fm == pytest.approx(ANGELI_MARINOVA_FM[name], abs=1e-4)
    assert nuc.proton_radius_fm() == nuc.charge_radius_fm
    assert nuc.proton_radius_fm("charge") == nuc.charge_radius_fm


def test_point_proton_radius_cs133_by_hand():
    # R_p^2 = R_ch^2 - r_p^2 - (N/Z) <r_n^2> - 3/(4 M_p^2), <r_n^2> = -0.1161 fm^2, DF ~ 0.033 fm^2
    hand = math.sqrt(4.8041**2 - 0.8409**2 + (78 / 55) * 0.1161 - 0.033)
    assert nuclei.nucleus("Cs133").proton_radius_fm("point") == pytest.approx(hand, abs=1e-3)


def test_point_radius_smaller_than_charge_radius_everywhere():
    for symbol in nuclei.ELEMENTS:
        for nuc in nuclei.element(symbol).nuclei:
            shift = nuc.charge_radius_fm**2 - nuc.proton_radius_fm("point") ** 2
            # r_p^2 + DF - (N/Z) 0.1161: between 0.54 and 0.60 fm^2 for N/Z in [1, 1.6]
            assert 0.8409**2 + 0.0331 - 1.6 * 0.1161 < shift < 0.8409**2 + 0.0332 - 1.0 * 0.1161


def test_unknown_target_raises():
    with pytest.raises(ValueError, match="CsBr") as info:
        nuclei.target("CsBr")
    assert "allowed" in str(info.value) and "CsI" in str(info.value) and "Ge" in str(info.value)


def test_unknown_element_raises():
    with pytest.raises(ValueError, match="'Kr'") as info:
        nuclei.element("Kr")
    assert "allowed" in str(info.value) and "Xe" in str(info.value)


def test_unknown_nucleus_raises():
    with pytest.raises(ValueError, match="Cs134") as info:
        nuclei.nucleus("Cs134")
    assert "allowed" in str(info.value) and "Cs133" in str(info.value)


def test_unknown_radius_convention_raises():
    with pytest.raises(ValueError, match="bogus") as info:
        nuclei.nucleus("Cs133").proton_radius_fm("bogus")
    assert "allowed" in str(info.value) and "point" in str(info.value) and "charge" in str(info.value)
