"""Chapter 5 (detectors and expected events): the cross-checks behind its prose, as assertions.

Each test states a second route to a number of ``cevnslib.chapters.ch05`` and the tolerance to which
the two routes must agree.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.integrate import quad  # noqa: E402
from test_chapter_ch04 import glue_names_in_prose  # noqa: E402  (tests/ is on sys.path under pytest)

from cevnslib import constants, detectors, experiments, style  # noqa: E402
from cevnslib.chapters import ch05  # noqa: E402
from cevnslib.fluxes import PionDecayAtRest  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "book" / "05_detectors.ipynb"


@pytest.fixture(scope="module")
def numbers():
    return ch05.numbers()


def test_every_quoted_number_comes_from_the_module(numbers):
    assert glue_names_in_prose(NOTEBOOK) == set(numbers)


def test_numbers_in_scientific_notation_are_text_without_e_notation(numbers):
    texts = [v for v in numbers.values() if isinstance(v, str)]
    assert texts and all("×" in t and "e" not in t for t in texts)


#: Setups whose target is one isotope, not a natural material, and that isotope's atomic mass in u
#: (AME2020: Wang et al., Chin. Phys. C 45 (2021) 030003).
ISOTOPE_TARGETS = {"COHERENT-LAr-2020": ("Ar40", 39.9623831237)}


@pytest.mark.parametrize("name", [s for s in experiments.SETUPS if s not in ISOTOPE_TARGETS])
def test_nuclei_per_kg_from_standard_atomic_weights(name):
    # Eq. (eq-ch5-targets) with a periodic table's weights, against the library's isotope masses: 1e-5
    # (the electrons' binding energy and the rounding of the tabulated weights).
    target = experiments.get(name).target
    assert ch05.nuclei_per_kg_by_hand(target.name) == pytest.approx(target.nuclei_per_kg.sum(), rel=1e-5)
    assert ch05.nuclei_per_kg_largest_difference() < 1e-5


@pytest.mark.parametrize("name", list(ISOTOPE_TARGETS))
def test_nuclei_per_kg_of_an_isotope_target(name):
    # Eq. (eq-ch5-targets) with the isotope's atomic mass in place of a standard atomic weight: 1e-5.
    isotope, mass_u = ISOTOPE_TARGETS[name]
    target = experiments.get(name).target
    assert target.name == isotope and len(target.nuclei) == 1
    assert 1e3 * constants.AVOGADRO_PER_MOL / mass_u == pytest.approx(target.nuclei_per_kg.sum(), rel=1e-5)


@pytest.mark.parametrize("name", ["CONUS", "CONNIE"])
def test_reactor_flux_by_hand(name):
    # Eq. (eq-ch5-reactor-flux), n_nu by the trapezoidal rule, against ReactorFlux.total_flux (quad): 1e-6.
    library = experiments.get(name).source.total_flux()
    assert ch05.reactor_flux_by_hand_per_cm2_s(name) == pytest.approx(library, rel=1e-6)


@pytest.mark.parametrize("name", ["COHERENT-CsI-2017", "COHERENT-NaI"])
def test_fluence_by_hand(name):
    assert ch05.fluence_by_hand_per_cm2(name) == pytest.approx(experiments.get(name).source.fluence_per_cm2, rel=1e-14)


def test_csi_count_of_every_recoil_by_hand_equals_the_quadrature():
    # Eq. (eq-ch5-sigma-total) with the <E^2> of Eq. (eq-ch5-e2) against the library's quadrature: 1e-5.
    assert ch05.csi_point_count_by_hand() == pytest.approx(ch05.csi_point_count_library(), rel=1e-5)


@pytest.mark.parametrize(
    "label, per_dx, e2_over_m_mu2",
    [
        ("delayed nu_e", lambda x: 12 * x**2 * (1 - x), 1 / 10),
        ("delayed anti-nu_mu", lambda x: 2 * x**2 * (3 - 2 * x), 2 / 15),
    ],
)
def test_mean_e2_of_the_michel_spectra(label, per_dx, e2_over_m_mu2):
    # Eq. (eq-ch5-e2): (m_mu^2/4) int_0^1 x^2 per_dx(x) dx with x = 2E/m_mu, against the library spectrum in E.
    m_mu = constants.M_MUON_MEV
    by_x = m_mu**2 / 4 * quad(lambda x: x**2 * per_dx(x), 0, 1)[0]
    by_e = quad(lambda e: e**2 * PionDecayAtRest.spectrum(label, e), 0, m_mu / 2)[0]
    assert by_x == pytest.approx(e2_over_m_mu2 * m_mu**2, rel=1e-12)
    assert by_e == pytest.approx(by_x, rel=1e-10)
    line = experiments.get("COHERENT-CsI-2017").source.prompt_energy_mev
    assert ch05.pion_dar_mean_e2_mev2() == pytest.approx(line**2 + m_mu**2 * (1 / 10 + 2 / 15), rel=1e-14)


def test_rough_csi_estimate_is_high_but_close():
    # The step acceptance at its plateau and F^2 at T_1 overestimate: between 0 and 30% above the library.
    ratio = ch05.csi_rough_estimate()["n"] / ch05.counts()["COHERENT-CsI-2017"].sum()
    assert 1.0 < ratio < 1.3


def test_csi_acceptance_constants_are_the_library_acceptance():
    pe = np.linspace(6.0, 50.0, 45)
    written = ch05.ACCEPTANCE_K1 / (1 + np.exp(-ch05.ACCEPTANCE_K2_PER_PE * (pe - ch05.ACCEPTANCE_X0_PE)))
    np.testing.assert_allclose(detectors.coherent_2017_acceptance(pe), written, rtol=1e-14)


def test_conus_kevee_spectrum_integrates_to_predict():
    # trapezoidal rule on 400 points against the templates: 1e-4
    assert ch05.conus_spectrum_integral() == pytest.approx(ch05.counts()["CONUS"].sum(), rel=1e-4)


def test_nai_nuclei_sum_to_predict(numbers):
    per = ch05.nai_counts_per_nucleus()
    assert sum(per.values()) == pytest.approx(ch05.counts()["COHERENT-NaI"].sum(), rel=1e-4)
    assert per["I127"] > per["Na23"] > 0


def test_csi_steps_only_ever_remove_events():
    steps = list(ch05.csi_count_steps().values())
    assert all(b < a for a, b in zip(steps[:-1], steps[1:]))
    assert ch05.csi_n2_law_count() > steps[0]  # the proton term lowers the weak charge


def test_lindhard_fixed_point_converges_to_the_library_root():
    connie = experiments.get("CONNIE")
    si28, ee = connie.target.nuclei[0], connie.detector.threshold
    t, steps = ch05.lindhard_fixed_point(ee, si28, connie.detector.quenching.k)
    assert t == pytest.approx(connie.detector.recoil_of(ee, si28), abs=1e-9)
    # the error shrinks by |d ln Q / d ln T| < 1 per step
    assert 0 < ch05.lindhard_log_slope(t, si28, connie.detector.quenching.k) < 1
    assert 1 < steps < 50
    with pytest.raises(ValueError):
        ch05.lindhard_fixed_point(0.0, si28, 0.146)


def test_theoretical_k_of_germanium_is_a_few_per_cent_below_the_measured_one():
    assert ch05.lindhard_k_theory("Ge") / ch05.K_GE_MEASURED - 1 == pytest.approx(-0.03, abs=0.01)


def test_conus_count_falls_faster_with_the_threshold_than_the_flux_above_e_min():
    rows = ch05.conus_threshold_scan()
    assert rows[0]["n"] == pytest.approx(ch05.counts()["CONUS"].sum(), rel=1e-12)
    for lower, higher in zip(rows[:-1], rows[1:]):
        assert higher["e_min_mev"] > lower["e_min_mev"]
        assert higher["n"] / lower["n"] < higher["flux_fraction"] / lower["flux_fraction"] < 1
        assert higher["tail"] > lower["tail"] > 0  # the end point matters more and more
    assert rows[-1]["e_min_mev"] < 8.0 and rows[-1]["tail"] > 1  # 8-9 MeV more than doubles the count
    # the flux fraction is that of chapter 4's reactor spectrum above E_min, to 1e-12
    e_min = rows[0]["e_min_mev"]
    assert rows[0]["flux_fraction"] == pytest.approx(ch05.ch04.fractions_above(e_min)["reactor"], rel=1e-12)


def test_csi_sensitivity_to_the_radius_grows_with_the_threshold():
    slopes = [row["slope_per_fm"] for row in ch05.csi_threshold_scan()]
    assert all(s < 0 for s in slopes) and all(b < a for a, b in zip(slopes[:-1], slopes[1:]))


def test_unknown_material_and_bad_recoils_raise():
    with pytest.raises(ValueError, match="unknown"):
        ch05.nuclei_per_kg_by_hand("Xe")
    with pytest.raises(ValueError, match="1-D"):
        ch05.observable_spectrum(experiments.get("CONUS"), [[0.5]])


@pytest.mark.parametrize(
    "draw",
    [
        ch05.quenching_figure,
        ch05.conus_figure,
        ch05.connie_figure,
        ch05.csi_acceptance_figure,
        ch05.csi_data_figure,
        ch05.nai_figure,
    ],
)
def test_figures_fit_the_column(draw):
    fig = draw()
    try:
        assert fig.get_figwidth() <= style.FULL_WIDTH_IN
        for ax in fig.axes:
            legend = ax.get_legend()
            assert legend is None or min(t.get_fontsize() for t in legend.get_texts()) >= 10
    finally:
        plt.close(fig)
