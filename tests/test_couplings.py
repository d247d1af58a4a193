"""Tests of cevnslib.couplings: nucleon couplings, weak charge and NSI, against hand algebra."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from cevnslib import couplings
from cevnslib.couplings import NSI, charge_coefficients, flipped_eps_ee_d, nucleon_couplings, weak_charge_squared

S2W = 0.23857  # low-energy MS-bar sin^2 theta_W (typed in again)
NUCLEI_ZN = {"Si28": (14, 14), "Ge72": (32, 40), "Cs133": (55, 78), "I127": (53, 74), "Na23": (11, 12)}


def sm_amplitude(z, n, eu=0.0, ed=0.0, gp=0.5 - 2 * S2W, gn=-0.5):
    """Z (g_p + 2 eps_u + eps_d) + N (g_n + eps_u + 2 eps_d), by hand."""
    return z * (gp + 2 * eu + ed) + n * (gn + eu + 2 * ed)


# ------------------------------------------------------------------ nucleon couplings


def test_tree_couplings():
    gp, gn = nucleon_couplings("tree")
    assert gp == pytest.approx(0.5 - 2 * 0.23857, abs=1e-15)
    assert gn == -0.5
    assert nucleon_couplings() == (gp, gn)
    gp2, _ = nucleon_couplings("tree", sin2_theta_w=0.25)
    assert gp2 == pytest.approx(0.0, abs=1e-15)  # g_V^p vanishes at sin^2 = 1/4


def test_radiative_close_to_erler_su():
    gp, gn = nucleon_couplings("radiative")
    assert gp == pytest.approx(0.0298, abs=0.002)
    assert gn == pytest.approx(-0.5117, abs=0.002)
    assert nucleon_couplings("erler-su") == (0.0298, -0.5117)


def test_radiative_by_hand():
    """PDG parametrisation with rho = 1.0086, kappa = 0.9978, s^2(M_Z) = 0.23122 and the box terms."""
    lam_ul, lam_dl, lam_dr = -0.0031, -0.0025, 7.5e-5
    lam_ur = lam_dr / 2
    gp = 1.0086 * (0.5 - 2 * 0.9978 * 0.23122) + 2 * lam_ul + 2 * lam_ur + lam_dl + lam_dr
    gn = -1.0086 / 2 + lam_ul + lam_ur + 2 * lam_dl + 2 * lam_dr
    assert nucleon_couplings("radiative") == pytest.approx((gp, gn), abs=1e-12)


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, float("nan")])
def test_bad_mixing_angle_raises(bad):
    with pytest.raises(ValueError, match="sin2_theta_w"):
        nucleon_couplings("tree", sin2_theta_w=bad)


def test_unknown_scheme_raises():
    with pytest.raises(ValueError, match="one-loop") as info:
        nucleon_couplings("one-loop")
    assert "allowed" in str(info.value) and "erler-su" in str(info.value)


# ------------------------------------------------------------------ weak charge, SM


@pytest.mark.parametrize("name", NUCLEI_ZN)
def test_sm_weak_charge_is_textbook(name):
    z, n = NUCLEI_ZN[name]
    gp, gn = 0.5 - 2 * S2W, -0.5
    q2 = weak_charge_squared(z, n, "e")
    assert q2 == pytest.approx((z * gp + n * gn) ** 2, rel=1e-13)
    q_w = n - (1 - 4 * S2W) * z
    assert q2 == pytest.approx(q_w**2 / 4, rel=1e-13)
    for flavor in ("mu", "tau"):
        assert weak_charge_squared(z, n, flavor) == q2


def test_cs133_weak_charge_number():
    # Q_W = 78 - (1 - 4*0.23857)*55 = 78 - 0.04572*55 = 75.4854
    assert weak_charge_squared(55, 78, "e") == pytest.approx(75.4854**2 / 4, rel=1e-6)


def test_form_factors_enter_as_amplitude_weights():
    """Explicit (Eq. 1) form: [Z g_p F_Z + N g_n F_N]^2."""
    gp, gn = 0.5 - 2 * S2W, -0.5
    assert weak_charge_squared(55, 78, "e", f_z=0.8, f_n=0.6) == pytest.approx(
        (55 * gp * 0.8 + 78 * gn * 0.6) ** 2, rel=1e-13
    )


# ------------------------------------------------------------------ flipped branch


def _roots_of_sm_charge(z, n, eu):
    """All eps_d in [-3, 3] where Q^2(eps_u, eps_d) = Q_SM^2, found by scan + brentq."""
    q2_sm = weak_charge_squared(z, n, "e")

    def g(ed):
        return float(weak_charge_squared(z, n, "e", NSI(ee_u=eu, ee_d=ed))) - q2_sm

    grid = np.linspace(-3.0, 3.0, 6001) + 1.234e-4  # offset: no grid node sits on a root
    values = weak_charge_squared(z, n, "e", NSI(ee_u=eu, ee_d=grid)) - q2_sm
    idx = np.nonzero(np.sign(values[:-1]) != np.sign(values[1:]))[0]
    return [brentq(g, grid[i], grid[i + 1], xtol=1e-15, rtol=1e-14) for i in idx]


@pytest.mark.parametrize("name", NUCLEI_ZN)
def test_flipped_branch(name):
    z, n = NUCLEI_ZN[name]
    q_sm = sm_amplitude(z, n)
    eus = np.array([-0.3, -0.15, 0.0, 0.1, 0.25])
    flipped = []
    for eu in eus:
        roots = _roots_of_sm_charge(z, n, eu)
        assert len(roots) == 2
        amplitudes = [sm_amplitude(z, n, eu, ed) for ed in roots]
        # one root keeps the SM sign (Q = +Q_SM), the other flips it (Q = -Q_SM)
        (sm_root,) = [r for r, a in zip(roots, amplitudes) if np.sign(a) == np.sign(q_sm)]
        (flip_root,) = [r for r, a in zip(roots, amplitudes) if np.sign(a) != np.sign(q_sm)]
        assert sm_amplitude(z, n, eu, flip_root) == pytest.approx(-q_sm, rel=1e-9)
        assert sm_amplitude(z, n, eu, sm_root) == pytest.approx(q_sm, rel=1e-9)
        if eu == 0.0:
            assert sm_root == pytest.approx(0.0, abs=1e-12)
            assert flip_root != pytest.approx(0.0, abs=1e-3)
        assert float(flipped_eps_ee_d(z, n, NSI(ee_u=eu))) == pytest.approx(flip_root, abs=1e-11)
        flipped.append(flip_root)
    slope, _ = np.polyfit(eus, flipped, 1)
    assert slope == pytest.approx(-(2 * z + n) / (z + 2 * n), rel=1e-9)
    # and vectorised over eps_u
    np.testing.assert_allclose(flipped_eps_ee_d(z, n, NSI(ee_u=eus)), flipped, rtol=0, atol=1e-11)


def test_flipped_eps_ee_d_with_other_couplings():
    gp, gn = 0.0298, -0.5117
    z, n = 55, 78
    ed = flipped_eps_ee_d(z, n, couplings=(gp, gn))
    assert z * (gp + ed) + n * (gn + 2 * ed) == pytest.approx(-(z * gp + n * gn), rel=1e-12)


# ------------------------------------------------------------------ NSI


def test_flavour_changing_nsi_adds_to_e_and_mu_only():
    z, n = 55, 78
    q2_sm = sm_amplitude(z, n) ** 2
    nsi = NSI(em_u=0.05, em_d=-0.03)
    extra = (z * (2 * 0.05 - 0.03) + n * (0.05 - 2 * 0.03)) ** 2
    assert weak_charge_squared(z, n, "e", nsi) == pytest.approx(q2_sm + extra, rel=1e-13)
    assert weak_charge_squared(z, n, "mu", nsi) == pytest.approx(q2_sm + extra, rel=1e-13)
    assert weak_charge_squared(z, n, "tau", nsi) == pytest.approx(q2_sm, rel=1e-13)


def test_complex_flavour_changing_nsi():
    z, n = 32, 40
    nsi = NSI(et_u=0.1j, et_d=0.02 - 0.04j)
    # |Z (2 eu + ed) + N (eu + 2 ed)|^2 with eu = 0.1i, ed = 0.02 - 0.04i
    re = z * 0.02 + n * 0.04
    im = z * (0.2 - 0.04) + n * (0.1 - 0.08)
    extra = re**2 + im**2
    q2_sm = sm_amplitude(z, n) ** 2
    assert weak_charge_squared(z, n, "e", nsi) == pytest.approx(q2_sm + extra, rel=1e-13)
    assert weak_charge_squared(z, n, "tau", nsi) == pytest.approx(q2_sm + extra, rel=1e-13)
    assert weak_charge_squared(z, n, "mu", nsi) == pytest.approx(q2_sm, rel=1e-13)


def test_epsilon_is_hermitian():
    nsi = NSI(em_u=0.1j, mt_d=0.3 - 0.2j, et_u=0.05)
    assert nsi.epsilon("mu", "e", "u") == np.conj(nsi.epsilon("e", "mu", "u"))
    assert nsi.epsilon("mu", "e", "u") == -0.1j
    assert nsi.epsilon("e", "mu", "u") == 0.1j
    assert nsi.epsilon("tau", "mu", "d") == 0.3 + 0.2j
    assert nsi.epsilon("tau", "e", "u") == 0.05
    assert nsi.epsilon("e", "e", "u") == 0.0


def test_diagonal_nsi_shifts_one_flavour():
    z, n = 55, 78
    nsi = NSI(mm_u=0.1, mm_d=-0.05)
    assert weak_charge_squared(z, n, "mu", nsi) == pytest.approx(sm_amplitude(z, n, 0.1, -0.05) ** 2, rel=1e-13)
    assert weak_charge_squared(z, n, "e", nsi) == pytest.approx(sm_amplitude(z, n) ** 2, rel=1e-13)
    assert weak_charge_squared(z, n, "tau", nsi) == pytest.approx(sm_amplitude(z, n) ** 2, rel=1e-13)


@pytest.mark.parametrize("field", ["ee_u", "mt_d", "em_u"])
def test_nan_coupling_raises_naming_field(field):
    with pytest.raises(ValueError, match=field):
        NSI(**{field: float("nan")})


def test_non_numeric_coupling_raises():
    with pytest.raises(ValueError, match="tt_d"):
        NSI(tt_d="0.1")


@pytest.mark.parametrize("field", ["ee_u", "mm_d", "tt_u"])
def test_complex_diagonal_raises(field):
    with pytest.raises(ValueError, match=field):
        NSI(**{field: 0.1 + 0.01j})


def test_diagonal_nsi_in_complex_dtype_gives_real_charge():
    z, n = 55, 78
    q2 = weak_charge_squared(z, n, "e", NSI(ee_u=0.1 + 0j))
    assert np.isrealobj(q2)
    assert q2 == pytest.approx(sm_amplitude(z, n, 0.1) ** 2, rel=1e-13)


def test_unknown_flavor_raises():
    with pytest.raises(ValueError, match="sterile") as info:
        weak_charge_squared(55, 78, "sterile")
    assert "allowed" in str(info.value)
    with pytest.raises(ValueError, match="nu_e"):
        charge_coefficients(55, 78, "nu_e")
    with pytest.raises(ValueError, match="'s'"):
        NSI().epsilon("e", "mu", "s")
    with pytest.raises(ValueError, match="'x'"):
        NSI().epsilon("x", "mu", "u")


def test_array_nsi_broadcasts():
    z, n = 53, 74
    eu = np.linspace(-0.2, 0.2, 5)[:, None]
    ed = np.linspace(-0.1, 0.3, 4)[None, :]
    c_zz, c_zn, c_nn = charge_coefficients(z, n, "e", NSI(ee_u=eu, ee_d=ed, em_u=0.02))
    assert np.shape(c_zz) == np.shape(c_zn) == np.shape(c_nn) == (5, 4)
    gp, gn = 0.5 - 2 * S2W, -0.5
    for i in range(5):
        for j in range(4):
            u, d = eu[i, 0], ed[0, j]
            a, b = z * (gp + 2 * u + d), n * (gn + u + 2 * d)
            fa, fb = z * 2 * 0.02, n * 0.02  # the e-mu part, eps_u = 0.02
            assert c_zz[i, j] == pytest.approx(a * a + fa * fa, rel=1e-13)
            assert c_zn[i, j] == pytest.approx(a * b + fa * fb, rel=1e-13)
            assert c_nn[i, j] == pytest.approx(b * b + fb * fb, rel=1e-13)
    q2 = weak_charge_squared(z, n, "e", NSI(ee_u=eu, ee_d=ed))
    assert q2.shape == (5, 4)


def test_charge_coefficients_quadratic_form():
    """Q^2(F_Z, F_N) = c_ZZ F_Z^2 + 2 c_ZN F_Z F_N + c_NN F_N^2 (internal consistency)."""
    rng = np.random.default_rng(1)
    nsi = NSI(ee_u=0.1, ee_d=-0.2, em_u=0.05 + 0.02j, et_d=-0.03j, mt_u=0.01)
    for flavor in couplings.FLAVORS:
        c_zz, c_zn, c_nn = charge_coefficients(55, 78, flavor, nsi)
        f_z, f_n = rng.uniform(0.2, 1.0, 10), rng.uniform(0.2, 1.0, 10)
        np.testing.assert_allclose(
            weak_charge_squared(55, 78, flavor, nsi, f_z=f_z, f_n=f_n),
            c_zz * f_z**2 + 2 * c_zn * f_z * f_n + c_nn * f_n**2,
            rtol=1e-13,
        )


def test_weak_charge_hand_expanded_with_form_factors():
    """Proceedings Eq. 2 written out for flavour e, complex off-diagonal NSI, F_Z != F_N."""
    z, n = 55, 78
    f_z, f_n = 0.83, 0.71
    gp, gn = 0.5 - 2 * S2W, -0.5
    ee_u, ee_d = 0.1, -0.2
    em_u, em_d = 0.05 + 0.02j, 0.0  # eps_{mu e} = conj(eps_{e mu})
    et_u, et_d = 0.0, -0.03j
    diag = z * (gp + 2 * ee_u + ee_d) * f_z + n * (gn + ee_u + 2 * ee_d) * f_n
    mu_e = z * (2 * np.conj(em_u) + np.conj(em_d)) * f_z + n * (np.conj(em_u) + 2 * np.conj(em_d)) * f_n
    tau_e = z * (2 * np.conj(et_u) + np.conj(et_d)) * f_z + n * (np.conj(et_u) + 2 * np.conj(et_d)) * f_n
    hand = diag**2 + abs(mu_e) ** 2 + abs(tau_e) ** 2
    # numbers: diag = 55*(0.02286)*0.83 + 78*(-0.8)*0.71 = 1.04356 - 44.304
    assert diag == pytest.approx(55 * 0.02286 * 0.83 - 78 * 0.8 * 0.71, rel=1e-12)
    nsi = NSI(ee_u=ee_u, ee_d=ee_d, em_u=em_u, em_d=em_d, et_u=et_u, et_d=et_d, mt_u=0.2)
    assert weak_charge_squared(z, n, "e", nsi, f_z=f_z, f_n=f_n) == pytest.approx(hand, rel=1e-13)


def test_flipped_eps_ee_d_refuses_other_couplings():
    with pytest.raises(ValueError, match="ee_u"):
        flipped_eps_ee_d(55, 78, NSI(ee_u=0.1, mm_d=0.2))
