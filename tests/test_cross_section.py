"""Tests of cevnslib.cross_section against hand algebra, relativistic kinematics and quad integrals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq

from cevnslib.couplings import NSI
from cevnslib.cross_section import CrossSectionOptions, dsigma_dT, e_min_mev, momentum_transfer_mev, t_max_kev

# Literal constants (typed in again)
G_F = 1.1663787e-5  # GeV^-2, PDG
HBARC_GEV_CM = 1.973269804e-14  # GeV cm
HBARC_MEV_FM = 197.3269804
M_CS = 123.772751  # GeV, Cs133 nuclear mass
Z_CS, N_CS = 55, 78
S2W = 0.23857
Q_W_CS = N_CS - (1 - 4 * S2W) * Z_CS  # textbook weak charge, 75.4854
PER_KEV = 1e-6  # 1/GeV -> 1/keV


def prefactor_by_hand(mass_gev):
    """G_F^2 M / pi in cm^2/keV."""
    return G_F**2 * mass_gev / math.pi * HBARC_GEV_CM**2 * PER_KEV


def t_max_relativistic_kev(e_mev, m_mev):
    """Backscatter from energy-momentum conservation, solved numerically for T.

    The nucleus takes momentum p = E + E' = 2E - T and kinetic energy T = sqrt(M^2 + p^2) - M,
    i.e. p^2 = T^2 + 2 M T: root of (T^2 + 2 M T) - (2E - T)^2 in (0, 2E).
    """

    def g(t):
        return t * t + 2 * m_mev * t - (2 * e_mev - t) ** 2

    return brentq(g, 0.0, 2 * e_mev, xtol=1e-300, rtol=1e-15) * 1e3


# ------------------------------------------------------------------ kinematics


def test_t_max_cs133_30mev_by_hand():
    hand_kev = 2 * 30.0**2 / (123772.751 + 2 * 30.0) * 1e3  # 1800/123832.751 MeV = 14.5357 keV
    assert t_max_kev(30.0, M_CS) == pytest.approx(hand_kev, rel=1e-13, abs=0)
    assert t_max_kev(30.0, M_CS) == pytest.approx(14.5357, abs=1e-4)


@pytest.mark.parametrize("mass_gev", [M_CS, 26.053196, 0.93827208816])
def test_t_max_is_relativistic_backscatter(mass_gev):
    for e in (0.5, 5.0, 30.0, 52.8, 300.0):
        assert float(t_max_kev(e, mass_gev)) == pytest.approx(
            t_max_relativistic_kev(e, mass_gev * 1e3), rel=1e-12, abs=0
        )


@pytest.mark.parametrize("mass_gev", [M_CS, 66.978695, 21.409218])
def test_e_min_inverts_t_max(mass_gev):
    e = np.geomspace(0.1, 1000.0, 60)
    np.testing.assert_allclose(e_min_mev(t_max_kev(e, mass_gev), mass_gev), e, rtol=1e-10)
    t = np.geomspace(1e-3, 1e3, 60)
    np.testing.assert_allclose(t_max_kev(e_min_mev(t, mass_gev), mass_gev), t, rtol=1e-10)


def test_e_min_is_threshold_of_cross_section():
    for t in (0.5, 3.0, 20.0):
        e = float(e_min_mev(t, M_CS))
        assert dsigma_dT(e * (1 - 1e-9), t, "Cs133") == 0.0
        assert dsigma_dT(e * (1 + 1e-6), t, "Cs133") > 0.0


def test_momentum_transfer():
    # q^2 = 2 M T: M = 123772.751 MeV, T = 10 keV = 0.01 MeV
    assert momentum_transfer_mev(10.0, M_CS) == pytest.approx(math.sqrt(2 * 123772.751 * 0.01), rel=1e-13, abs=0)
    assert momentum_transfer_mev(10.0, M_CS, relativistic=True) == pytest.approx(
        math.sqrt(2 * 123772.751 * 0.01 + 0.01**2), rel=1e-13, abs=0
    )


# ------------------------------------------------------------------ the differential cross section


def test_zero_at_and_above_t_max_positive_below():
    e = 30.0
    tmax = float(t_max_kev(e, M_CS))
    for ff in ("helm", "unity", "klein-nystrand", "symmetrized-fermi"):
        assert dsigma_dT(e, tmax, "Cs133", form_factor=ff) == 0.0
        np.testing.assert_array_equal(dsigma_dT(e, [tmax * 1.0001, 2 * tmax, 1e3], "Cs133", form_factor=ff), 0.0)
        assert dsigma_dT(e, tmax * (1 - 1e-9), "Cs133", form_factor=ff) > 0.0


def test_zero_recoil_limit_by_hand():
    """T -> 0, F = 1: G_F^2 M/(4 pi) Q_W^2 (hbar c)^2 per keV."""
    hand = G_F**2 * M_CS / (4 * math.pi) * Q_W_CS**2 * HBARC_GEV_CM**2 * PER_KEV
    for e in (5.0, 30.0):
        assert dsigma_dT(e, 0.0, "Cs133", form_factor="unity") == pytest.approx(hand, rel=1e-12, abs=0)
        # at T = 1e-7 keV: M T/(2 E^2) <= 2.5e-7 and 1 - F^2 ~ 5e-9
        assert dsigma_dT(e, 1e-7, "Cs133", form_factor="helm") == pytest.approx(hand, rel=5e-7, abs=0)
    # numbers: 1.1663787e-5^2 * 123.772751 / 4pi * 75.4854^2 * 3.8938e-28 * 1e-6 ~ 2.973e-39 cm^2/keV
    assert hand == pytest.approx(2.973e-39, rel=1e-3, abs=0)


def test_unity_form_factor_shape_by_hand():
    e = 30.0
    t = np.array([0.5, 2.0, 7.0, 14.0])
    hand = prefactor_by_hand(M_CS) * (1 - M_CS * 1e3 * t * 1e-3 / (2 * e**2)) * Q_W_CS**2 / 4
    np.testing.assert_allclose(dsigma_dT(e, t, "Cs133", form_factor="unity"), hand, rtol=1e-12)


def _sigma_quad(e, nucleus="Cs133", mass=M_CS, **kw):
    tmax = float(t_max_kev(e, mass))
    return quad(lambda t: float(dsigma_dT(e, t, nucleus, form_factor="unity", **kw)), 0.0, tmax, epsrel=1e-11)[0]


@pytest.mark.parametrize("e", [10.0, 30.0, 52.8])
def test_total_cross_section_closed_form(e):
    """sigma = G_F^2 M/pi Q^2 [T_max - M T_max^2/(4 E^2)] (unity F), and ~ G_F^2 Q_W^2 E^2/(4 pi) for E << M."""
    m = M_CS * 1e3  # MeV
    tmax = 2 * e**2 / (m + 2 * e)  # MeV
    closed_gev = G_F**2 * M_CS / math.pi * Q_W_CS**2 / 4 * (tmax - m * tmax**2 / (4 * e**2)) * 1e-3
    closed = closed_gev * HBARC_GEV_CM**2
    sigma = _sigma_quad(e)
    assert sigma == pytest.approx(closed, rel=1e-9, abs=0)
    textbook = G_F**2 * Q_W_CS**2 * (e * 1e-3) ** 2 / (4 * math.pi) * HBARC_GEV_CM**2
    assert sigma == pytest.approx(textbook, rel=1e-2, abs=0)


def test_total_cross_section_with_t_over_e():
    e, m = 30.0, M_CS * 1e3
    tmax = 2 * e**2 / (m + 2 * e)
    closed = (
        G_F**2
        * M_CS
        / math.pi
        * Q_W_CS**2
        / 4
        * (tmax - m * tmax**2 / (4 * e**2) - tmax**2 / (2 * e))
        * 1e-3
        * HBARC_GEV_CM**2
    )
    options = CrossSectionOptions(include_t_over_e=True)
    assert _sigma_quad(e, options=options) == pytest.approx(closed, rel=1e-9, abs=0)


def test_drukier_stodolsky_magnitude():
    """sigma ~ 4.2e-45 cm^2 N^2 (E/MeV)^2 (neutron-only estimate); with the proton part (Q_W/N)^2."""
    sigma = _sigma_quad(30.0)
    estimate = 4.2e-45 * N_CS**2 * 30.0**2
    assert 1e-38 < sigma < 4e-38
    assert sigma / estimate == pytest.approx((Q_W_CS / N_CS) ** 2, rel=0.01, abs=0)


def test_form_factor_suppresses_total_cross_section():
    e, tmax = 30.0, float(t_max_kev(30.0, M_CS))
    helm = quad(lambda t: float(dsigma_dT(e, t, "Cs133")), 0.0, tmax, epsrel=1e-9)[0]
    ratio = helm / _sigma_quad(e)
    assert 0.6 < ratio < 1.0  # F^2(q <= 60 MeV) for Cs: between ~0.35 and 1, weighted to low T


def test_include_t_over_e_subtracts_exactly_the_term():
    e = 30.0
    t = np.array([0.1, 1.0, 5.0, 12.0, 14.5])
    base = dsigma_dT(e, t, "Cs133", form_factor="unity")
    with_term = dsigma_dT(e, t, "Cs133", form_factor="unity", options=CrossSectionOptions(include_t_over_e=True))
    hand = prefactor_by_hand(M_CS) * Q_W_CS**2 / 4 * (t * 1e-3 / e)
    np.testing.assert_allclose(base - with_term, hand, rtol=1e-9)
    # with the T/E term the exact kinematic factor vanishes at T_max
    tmax = float(t_max_kev(e, M_CS))
    near = dsigma_dT(
        e, tmax * (1 - 1e-6), "Cs133", form_factor="unity", options=CrossSectionOptions(include_t_over_e=True)
    )
    assert near / dsigma_dT(e, 0.0, "Cs133", form_factor="unity") < 2e-6


def test_helm_form_factor_plumbing_by_hand():
    """dsigma(helm) = dsigma(unity) * F^2(q = sqrt(2 M T)) with R_p = R_ch = 4.8041 fm."""
    e, t = 30.0, 8.0
    k = math.sqrt(2 * 123772.751 * t * 1e-3) / HBARC_MEV_FM
    r0 = math.sqrt(5 / 3 * 4.8041**2 - 5 * 0.9**2)
    x = k * r0
    f = 3 * (math.sin(x) - x * math.cos(x)) / x**3 * math.exp(-((k * 0.9) ** 2) / 2)
    ratio = dsigma_dT(e, t, "Cs133") / dsigma_dT(e, t, "Cs133", form_factor="unity")
    assert ratio == pytest.approx(f**2, rel=1e-12, abs=0)


def test_neutron_radius_enters_only_neutron_part():
    e, t, rn = 30.0, 8.0, 5.5
    k = math.sqrt(2 * 123772.751 * t * 1e-3) / HBARC_MEV_FM

    def helm(radius):
        x = k * math.sqrt(5 / 3 * radius**2 - 5 * 0.9**2)
        return 3 * (math.sin(x) - x * math.cos(x)) / x**3 * math.exp(-((k * 0.9) ** 2) / 2)

    gp, gn = 0.5 - 2 * S2W, -0.5
    q2 = (Z_CS * gp * helm(4.8041) + N_CS * gn * helm(rn)) ** 2
    kin = 1 - 123772.751 * t * 1e-3 / (2 * e**2)
    assert dsigma_dT(e, t, "Cs133", rn_fm=rn) == pytest.approx(prefactor_by_hand(M_CS) * kin * q2, rel=1e-12, abs=0)
    assert dsigma_dT(e, t, "Cs133", rn_fm=4.8041) == dsigma_dT(e, t, "Cs133")


def test_form_factor_choices_differ():
    e, t = 30.0, 10.0
    values = {
        ff: float(dsigma_dT(e, t, "Cs133", form_factor=ff))
        for ff in ("helm", "klein-nystrand", "symmetrized-fermi", "unity")
    }
    assert values["klein-nystrand"] != pytest.approx(values["helm"], rel=1e-4, abs=0)
    assert values["unity"] > max(values["helm"], values["klein-nystrand"], values["symmetrized-fermi"])
    # same rms radius: the models agree to a few per cent at q ~ 50 MeV
    assert values["klein-nystrand"] == pytest.approx(values["helm"], rel=0.05, abs=0)
    # keyword form_factor overrides options.form_factor
    opt = CrossSectionOptions(form_factor="klein-nystrand")
    assert dsigma_dT(e, t, "Cs133", options=opt) == values["klein-nystrand"]
    assert dsigma_dT(e, t, "Cs133", form_factor="unity", options=opt) == values["unity"]


def test_flavours_identical_without_nsi_and_nsi_acts_on_its_flavour():
    e, t = 30.0, np.array([1.0, 5.0, 10.0])
    sm = {f: dsigma_dT(e, t, "Cs133", flavor=f) for f in ("e", "mu", "tau")}
    np.testing.assert_array_equal(sm["e"], sm["mu"])
    np.testing.assert_array_equal(sm["e"], sm["tau"])
    nsi = NSI(ee_u=0.1)
    with_nsi = {f: dsigma_dT(e, t, "Cs133", flavor=f, nsi=nsi, form_factor="unity") for f in ("e", "mu", "tau")}
    sm_unity = dsigma_dT(e, t, "Cs133", form_factor="unity")
    np.testing.assert_array_equal(with_nsi["mu"], sm_unity)
    np.testing.assert_array_equal(with_nsi["tau"], sm_unity)
    gp, gn = 0.5 - 2 * S2W, -0.5
    ratio = (Z_CS * (gp + 0.2) + N_CS * (gn + 0.1)) ** 2 / (Z_CS * gp + N_CS * gn) ** 2
    np.testing.assert_allclose(with_nsi["e"] / sm_unity, ratio, rtol=1e-12)


def test_broadcasting_energy_against_recoil():
    e = np.array([10.0, 30.0, 50.0])[:, None]
    t = np.array([0.5, 5.0, 20.0])[None, :]
    out = dsigma_dT(e, t, "Cs133")
    assert out.shape == (3, 3)
    assert out[0, 2] == 0.0  # 20 keV is above T_max(10 MeV) = 1.6 keV
    assert out[1, 2] == 0.0  # and above T_max(30 MeV) = 14.5 keV
    assert out[2, 2] > 0.0


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize("bad", [-1.0, 0.0, float("nan"), float("inf"), [10.0, -5.0]])
def test_bad_energy_raises(bad):
    with pytest.raises(ValueError, match="energy_mev"):
        dsigma_dT(bad, 1.0, "Cs133")


@pytest.mark.parametrize("bad", [-1e-3, float("nan"), float("inf"), [1.0, -2.0]])
def test_bad_recoil_raises(bad):
    with pytest.raises(ValueError, match="recoil_kev"):
        dsigma_dT(30.0, bad, "Cs133")


def test_unknown_nucleus_raises():
    with pytest.raises(ValueError, match="Cs999") as info:
        dsigma_dT(30.0, 1.0, "Cs999")
    assert "allowed" in str(info.value)


def test_bad_options_raise():
    with pytest.raises(ValueError, match="nope"):
        dsigma_dT(30.0, 1.0, "Cs133", form_factor="nope")
    with pytest.raises(ValueError, match="bogus"):
        CrossSectionOptions(proton_radius="bogus")
    with pytest.raises(ValueError, match="one-loop"):
        CrossSectionOptions(couplings="one-loop")
    with pytest.raises(ValueError, match="flavor"):
        dsigma_dT(30.0, 1.0, "Cs133", flavor="sterile")
