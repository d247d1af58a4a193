"""Chapter 1 (the CEvNS cross section): the checks its prose quotes, as assertions.

Each test is a second route to a number of the chapter: a derivation by hand against the library,
or a quadrature against a closed form. Tolerances are stated per test.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from cevnslib import constants, couplings, cross_section, notebook, nuclei, style  # noqa: E402
from cevnslib.chapters import ch01  # noqa: E402
from cevnslib.cross_section import CrossSectionOptions  # noqa: E402


@pytest.fixture(scope="module")
def numbers():
    return ch01.numbers()


def test_nucleon_couplings_from_valence_quarks():
    """g_V^p = 2 g_V^u + g_V^d and g_V^n = g_V^u + 2 g_V^d equal the library's tree level to 1e-12."""
    g_u, g_d = ch01.quark_couplings()
    g_p, g_n = couplings.nucleon_couplings("tree")
    assert 2 * g_u + g_d == pytest.approx(g_p, rel=1e-12)
    assert g_u + 2 * g_d == pytest.approx(g_n, rel=1e-12)


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("name, energy_mev", [("Cs133", 30.0), ("Ge74", 5.0), ("Na23", 50.0)])
def test_four_vectors_give_the_library_cross_section(name, energy_mev, fraction):
    """The spin sum contracted from explicit four-vectors = dsigma_dT (F = 1, T/E kept), to 1e-12."""
    nuc = nuclei.nucleus(name)
    t = fraction * float(cross_section.t_max_kev(energy_mev, nuc.mass_gev))
    library = cross_section.dsigma_dT(
        energy_mev, t, nuc, options=CrossSectionOptions(form_factor="unity", include_t_over_e=True)
    )
    assert ch01.four_vector_dsigma_dT(energy_mev, t, nuc) == pytest.approx(float(library), rel=1e-12)


def test_four_vectors_refuse_an_impossible_recoil():
    cs = nuclei.nucleus("Cs133")
    with pytest.raises(ValueError, match="T_max"):
        ch01.four_vector_dsigma_dT(30.0, 20.0, cs)


def test_the_quoted_event_scatters_at_about_ninety_degrees(numbers):
    """Half the largest recoil on 133Cs at 30 MeV: cos theta = 1 - M T / (E E') is close to 0."""
    assert numbers["ch1-fourvec-angle-deg"] == pytest.approx(90.0, abs=0.05)


@pytest.mark.parametrize("name", ch01.NUCLEI)
def test_weak_charge_squared_is_qw_squared_over_four(name):
    """[Z g_V^p + N g_V^n]^2 = Q_W^2 / 4 with Q_W = N - (1 - 4 sin^2 theta_W) Z, to 1e-12."""
    nuc = nuclei.nucleus(name)
    assert float(couplings.weak_charge_squared(nuc.Z, nuc.N, "e")) == pytest.approx(
        ch01.weak_charge(nuc) ** 2 / 4, rel=1e-12
    )


def test_prefactor_by_hand_equals_the_library():
    """G_F^2 M / pi x (hbar c)^2 x 1e-6 = prefactor_cm2_per_kev, to 1e-12."""
    m = nuclei.nucleus("Cs133").mass_gev
    by_hand = constants.G_F_GEV2**2 * m / np.pi * constants.HBARC_GEV_CM**2 * 1e-6
    assert by_hand == pytest.approx(cross_section.prefactor_cm2_per_kev(m), rel=1e-12)


@pytest.mark.parametrize("name", ch01.NUCLEI)
def test_tmax_and_emin_formulas(name):
    """T_max = 2E^2/(M + 2E) equals t_max_kev to 1e-12, and E_min(T_max(E)) = E to 1e-9, for 0.1-60 MeV."""
    energies = np.geomspace(0.1, 60.0, 400)
    mass_gev = nuclei.nucleus(name).mass_gev
    m_mev = mass_gev * 1e3
    t_lib = cross_section.t_max_kev(energies, mass_gev)
    np.testing.assert_allclose(2 * energies**2 / (m_mev + 2 * energies) * 1e3, t_lib, rtol=1e-12, atol=0)
    np.testing.assert_allclose(cross_section.e_min_mev(t_lib, mass_gev), energies, rtol=1e-9, atol=0)


@pytest.mark.parametrize("name", ch01.NUCLEI)
def test_quadrature_equals_the_closed_form_for_point_nuclei(name):
    """The 64-point Gauss-Legendre total cross section = Eq. (eq-ch1-sigma) for F = 1, to 1e-12 (1-60 MeV)."""
    nuc = nuclei.nucleus(name)
    np.testing.assert_allclose(
        ch01.sigma_total_cm2(ch01.FIGURE_ENERGIES_MEV, nuc, ch01.POINT_LIKE),
        ch01.sigma_point_like_cm2(ch01.FIGURE_ENERGIES_MEV, nuc),
        rtol=1e-12,
        atol=0,
    )


@pytest.mark.parametrize("name, energy_mev", [("Cs133", ch01.prompt_energy_mev()), ("Ge74", 5.0)])
def test_t_over_e_term_matches_its_closed_form(name, energy_mev):
    """sigma_exact / sigma_approx = (M + 2E)/(M + 4E) (Eq. eq-ch1-t-over-e), to 1e-10."""
    nuc = nuclei.nucleus(name)
    exact = CrossSectionOptions(form_factor="unity", include_t_over_e=True)
    ratio = ch01.sigma_total_cm2(energy_mev, nuc, exact)[0] / ch01.sigma_total_cm2(energy_mev, nuc, ch01.POINT_LIKE)[0]
    m_mev = nuc.mass_gev * 1e3
    assert ratio == pytest.approx((m_mev + 2 * energy_mev) / (m_mev + 4 * energy_mev), rel=1e-10)


def test_mixing_angle_linear_estimate():
    """8 Z delta s / Q_W reproduces the exact change of Q_W^2 to 2% of itself; the CsI counts lie between Cs and I."""
    shifts = ch01.mixing_angle_shifts()
    for key in ("cs133", "i127"):
        assert shifts[f"ch1-ex-mix-{key}-linear-pct"] == pytest.approx(shifts[f"ch1-ex-mix-{key}-pct"], rel=0.02)
    low, high = sorted((shifts["ch1-ex-mix-cs133-pct"], shifts["ch1-ex-mix-i127-pct"]))
    assert low <= shifts["ch1-ex-mix-csi-pct"] <= high


@pytest.mark.parametrize("sin2_theta_w", [0.10, 0.23857, 0.25])
@pytest.mark.parametrize("name", ["Cs133", "I127", "Na23"])
def test_weak_charge_slope_is_4z_whatever_the_proton_factor(name, sin2_theta_w):
    """dQ_W/d sin^2 theta_W = 4Z, from the library's couplings by a central difference (to 1e-6 of 4Z),
    at angles where 1 - 4 sin^2 theta_W is 0.6, 0.05 and 0: the slope does not depend on it."""
    nuc = nuclei.nucleus(name)

    def q_w(s):  # Q_W = -2 (Z g_V^p + N g_V^n)
        g_p, g_n = couplings.nucleon_couplings("tree", sin2_theta_w=s)
        return -2 * (nuc.Z * g_p + nuc.N * g_n)

    h = 1e-4
    assert (q_w(sin2_theta_w + h) - q_w(sin2_theta_w - h)) / (2 * h) == pytest.approx(4 * nuc.Z, rel=1e-6)


def test_mixing_angle_shift_is_small_because_delta_s_is(numbers):
    """The lever arm 8Z/Q_W of 133Cs is large (> 5); the rate moves by ~4% only because |delta s| is ~3% of sin^2."""
    assert numbers["ch1-ex-mix-lever-cs"] > 5
    assert numbers["ch1-ex-mix-ds-rel-pct"] < 3.5
    assert numbers["ch1-ex-mix-cs133-linear-pct"] == pytest.approx(
        -numbers["ch1-ex-mix-lever-cs"] * numbers["ch1-ex-mix-ds-rel-pct"] * constants.SIN2_THETA_W, rel=1e-9
    )


def test_coherence_is_lost_at_a_fixed_e_r(numbers):
    """E_1/2 R / hbar c lies within 1.5% of 1.35 for all five nuclei (from 23Na to 133Cs)."""
    products = [numbers[f"ch1-ex-ehalf-r-{n.lower()}"] for n in ch01.NUCLEI]
    assert max(products) / min(products) < 1.015


def test_numbers_are_gluable(numbers):
    """Every value is a number or a string, and none needs more digits than the book keeps."""
    for name, value in numbers.items():
        assert name.startswith("ch1-")
        assert isinstance(value, (int, float, str, notebook.Quoted)), name


def test_figures_fit_the_column():
    for draw in (ch01.sigma_total_figure, ch01.recoil_spectrum_figure):
        fig = draw()
        assert fig.get_size_inches()[0] <= style.FULL_WIDTH_IN + 1e-9
        plt.close(fig)
