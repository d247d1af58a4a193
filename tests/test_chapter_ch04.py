"""Chapter 4 (neutrino sources): the cross-checks behind its prose, as assertions.

Each test states a second route to a number of ``cevnslib.chapters.ch04`` and the tolerance to which
the two routes must agree.
"""

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.integrate import quad  # noqa: E402

from cevnslib import constants, experiments, fluxes, style  # noqa: E402
from cevnslib.chapters import ch04  # noqa: E402
from cevnslib.cross_section import e_min_mev  # noqa: E402
from cevnslib.fluxes import PionDecayAtRest, ReactorFlux  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "book" / "04_sources.ipynb"
M_MU = constants.M_MUON_MEV


@pytest.fixture(scope="module")
def numbers():
    return ch04.numbers()


def glue_names_in_prose(notebook: Path) -> set[str]:
    """The glue names that the markdown cells of ``notebook`` quote with {glue:text}."""
    cells = json.loads(notebook.read_text())["cells"]
    prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return set(re.findall(r"\{glue:text\}`([^`:]+)", prose))


def test_numbers_are_exactly_the_ones_the_prose_quotes(numbers):
    assert glue_names_in_prose(NOTEBOOK) == set(numbers)


@pytest.mark.parametrize("label, mean_over_m_mu", [("delayed nu_e", 3 / 10), ("delayed anti-nu_mu", 7 / 20)])
def test_michel_spectra_are_normalised_with_the_means_of_the_text(label, mean_over_m_mu):
    # Eq. (eq-ch4-michel): one neutrino per decay; <E> = 3/10 m_mu and 7/20 m_mu, to quad's precision.
    end = fluxes.PION_DAR_E_MAX_MEV
    norm = quad(lambda e: PionDecayAtRest.spectrum(label, e), 0, end)[0]
    mean = quad(lambda e: e * PionDecayAtRest.spectrum(label, e), 0, end)[0]
    assert norm == pytest.approx(1.0, rel=1e-10)
    assert mean / M_MU == pytest.approx(mean_over_m_mu, rel=1e-10)
    assert ch04.mean_energies_mev()[label] == pytest.approx(mean, rel=1e-12)


def test_prompt_line_and_muon_energy_balance(numbers):
    m_pi = constants.M_PION_MEV
    line = (m_pi**2 - M_MU**2) / (2 * m_pi)
    assert experiments.get("COHERENT-CsI-2017").source.prompt_energy_mev == pytest.approx(line, rel=1e-14)
    # energy conservation m_pi = E_nu + T_mu + m_mu, and momentum balance p_mu = E_nu
    t_mu = ch04.muon_kinetic_energy_mev()
    assert line + t_mu + M_MU == pytest.approx(m_pi, rel=1e-14)
    assert np.sqrt((t_mu + M_MU) ** 2 - M_MU**2) == pytest.approx(line, rel=1e-12)
    assert numbers["ch4-ex-tmu"] == pytest.approx(t_mu, rel=1e-14)


def test_flux_moment_of_order_zero_is_the_library_total():
    component = experiments.get("CONUS").source.components[0]
    assert ch04.flux_moment(component) == pytest.approx(component.total(), rel=1e-12)
    with pytest.raises(ValueError, match="line"):
        ch04.flux_moment(experiments.get("COHERENT-CsI-2017").source.components[0])


@pytest.mark.parametrize("distance_m", ch04.EXERCISE_DISTANCES_M)
def test_flux_by_hand_equals_reactor_flux(distance_m):
    # Eq. (eq-ch4-flux) with P/<E_f> and the antineutrinos per fission, against ReactorFlux.total_flux, 1e-9.
    power = ch04.EXERCISE_POWER_GW
    library = ReactorFlux(power, distance_m)
    assert ch04.flux_by_hand_per_cm2_s(power, distance_m) == pytest.approx(library.total_flux(), rel=1e-9)
    # the share above 2 MeV does not depend on the distance
    share = ch04.flux_moment(library.components[0], 0, 2.0) / library.total_flux()
    conus = experiments.get("CONUS").source
    assert share == pytest.approx(ch04.flux_moment(conus.components[0], 0, 2.0) / conus.total_flux(), rel=1e-9)


def test_same_flux_distance_gives_the_conus_flux(numbers):
    conus = experiments.get("CONUS").source
    l_same = ch04.same_flux_distance_m(ch04.EXERCISE_POWER_GW)
    assert ReactorFlux(ch04.EXERCISE_POWER_GW, l_same).total_flux() == pytest.approx(conus.total_flux(), rel=1e-9)
    assert numbers["ch4-ex-flux-10-e13"] / numbers["ch4-ex-flux-20-e13"] == pytest.approx(4.0, rel=1e-5)


def test_below_2mev_share_of_the_number_matches_the_per_fission_count():
    for treatment in ("kopeikin-total", "frozen"):
        below = ch04.below_2mev(treatment)
        assert below["per fission"] == pytest.approx(
            below["number"] * ch04.antineutrinos_per_fission(treatment), rel=1e-9
        )


def test_conus_does_not_see_below_2mev_but_connie_does():
    # "Only CONNIE moves": CONUS's E_min is far above 2 MeV, so every treatment that keeps the fits gives
    # the same count to 1e-9; CONNIE's cut count is lower.
    reference = experiments.get("CONUS").predict().sum()
    for option in ("cut", "frozen", "vogel-engel"):
        assert experiments.get("CONUS", low_energy=option).predict().sum() == pytest.approx(reference, rel=1e-9)
    assert experiments.get("CONNIE", low_energy="cut").predict().sum() < experiments.get("CONNIE").predict().sum()


def test_the_region_below_2mev_stops_mattering_at_the_derived_threshold():
    t_2mev, ee_2mev = ch04.two_mev_threshold()
    si28 = experiments.get("CONNIE").target.nuclei[0]
    assert float(e_min_mev(t_2mev, si28.mass_gev)) == pytest.approx(2.0, rel=1e-12)
    above = experiments.get("CONNIE", threshold_kevee=1.001 * ee_2mev / 1e3)
    assert above.predict().sum() == pytest.approx(
        experiments.get("CONNIE", threshold_kevee=1.001 * ee_2mev / 1e3, low_energy="cut").predict().sum(), rel=1e-9
    )
    for row in ch04.connie_threshold_scan():
        assert (row["share"] > 0) == (row["threshold_evee"] < ee_2mev)


def test_tables_print_every_number_formatted():
    for table in (
        ch04.fit_coefficient_table(),
        ch04.fission_table(),
        ch04.reactor_flux_table(),
        ch04.threshold_fraction_table(),
        ch04.connie_threshold_table(),
    ):
        assert not re.search(r"\d\.\d{8,}", table)


@pytest.mark.parametrize("draw", [ch04.isotope_spectra_figure, ch04.low_energy_figure, ch04.pion_dar_figure])
def test_figures_fit_the_column(draw):
    fig = draw()
    try:
        assert fig.get_figwidth() <= style.FULL_WIDTH_IN
        legend = fig.axes[0].get_legend()
        assert legend is not None and min(t.get_fontsize() for t in legend.get_texts()) >= 10
    finally:
        plt.close(fig)


# Eq. (eq-ch4-michel) as the text writes it: spectra per unit of the Michel variable x = 2E/m_mu on [0, 1].
MICHEL_PER_DX = {"delayed nu_e": lambda x: 12 * x**2 * (1 - x), "delayed anti-nu_mu": lambda x: 2 * x**2 * (3 - 2 * x)}


@pytest.mark.parametrize("label", fluxes.DELAYED_LABELS)
def test_michel_spectra_written_with_x_equal_2e_over_m_mu_are_the_library_spectra(label):
    per_dx = MICHEL_PER_DX[label]
    energy = np.linspace(0.0, fluxes.PION_DAR_E_MAX_MEV, 1001)
    x = 2 * energy / M_MU
    # per MeV: f(E) = (dx/dE) per_dx(x) = (2/m_mu) per_dx(x), i.e. 24/m_mu x^2 (1-x) and 4/m_mu x^2 (3-2x); 1e-12
    np.testing.assert_allclose(PionDecayAtRest.spectrum(label, energy), 2 / M_MU * per_dx(x), rtol=1e-12, atol=1e-16)
    # and the number of neutrinos between two energies is the integral over x between 2E/m_mu: 1e-10
    for lo, hi in ((0.0, 10.0), (10.0, 30.0), (30.0, fluxes.PION_DAR_E_MAX_MEV)):
        by_x = quad(per_dx, 2 * lo / M_MU, 2 * hi / M_MU)[0]
        assert quad(lambda e: PionDecayAtRest.spectrum(label, e), lo, hi)[0] == pytest.approx(by_x, rel=1e-10)
    # the normalisation and the mean of the text, integrated over x
    assert quad(per_dx, 0, 1)[0] == pytest.approx(1.0, rel=1e-12)
    assert M_MU / 2 * quad(lambda v: v * per_dx(v), 0, 1)[0] == pytest.approx(
        ch04.mean_energies_mev()[label], rel=1e-10
    )
