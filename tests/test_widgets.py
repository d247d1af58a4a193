"""The explorers' computing functions against the library's own independent paths."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from cevnslib import fits, rates, widgets  # noqa: E402
from cevnslib.constants import DAYS_PER_YEAR  # noqa: E402
from cevnslib.couplings import NSI  # noqa: E402
from cevnslib.fluxes import ReactorFlux  # noqa: E402
from cevnslib.nuclei import target  # noqa: E402

REACTOR, PION = list(widgets.SOURCES)


def test_spectrum_at_standard_parameters_equals_the_sm_curve():
    data = widgets.spectrum_data("CsI", PION)
    np.testing.assert_array_equal(data.rate, data.rate_sm)
    shifted = widgets.spectrum_data("CsI", PION, NSI(ee_d=0.2, mm_d=0.2))
    assert np.all(shifted.rate[shifted.rate_sm > 0] != data.rate_sm[data.rate_sm > 0])


def test_spectrum_integrates_to_the_template_rate():
    """Trapezoid over the explorer's dN/dT equals the Gauss-Legendre event rate above 0.5 keVnr."""
    data = widgets.spectrum_data("Ge", REACTOR, n_points=4000)
    above = data.recoil_kev >= 0.5
    integral = np.trapezoid(data.rate_sm[above], data.recoil_kev[above])
    reference = rates.rate_per_kg_day(target("Ge"), ReactorFlux(3.9, 17.1), data.recoil_kev[above][0])
    assert integral == pytest.approx(reference, rel=2e-3)


def test_designer_counts_match_the_rate_and_allow_the_standard_model():
    data = widgets.designer_data("Ge", mass_kg=4.0, threshold_kevnr=0.5)
    expected = rates.rate_per_kg_day(target("Ge"), ReactorFlux(3.9, 17.1), 0.5) * 4.0 * DAYS_PER_YEAR
    assert data.counts == pytest.approx(expected, rel=1e-10)
    i, j = np.abs(data.eps_ee_u_axis).argmin(), np.abs(data.eps_ee_d_axis).argmin()
    assert data.dchi2[i, j] <= data.level


def test_designer_refuses_a_threshold_above_the_kinematic_maximum():
    with pytest.raises(ValueError, match="threshold"):
        widgets.designer_data("Xe", threshold_kevnr=30.0)


def test_figure2_explorer_recovers_the_pseudo_data_radius():
    assert widgets.figure2_data(0.0).best_rn_fm == pytest.approx(fits.NAI_TRUTH_RN_FM, abs=0.06)
    low, high = widgets.figure2_data(-0.3).best_rn_fm, widgets.figure2_data(0.3).best_rn_fm
    assert low < fits.NAI_TRUTH_RN_FM < high


def _controls(widget):
    """All descendant controls of a widget box."""
    children = getattr(widget, "children", ())
    return [widget] + [c for child in children for c in _controls(child)]


@pytest.mark.parametrize(
    "build, needed",
    [
        (
            widgets.cross_section_explorer,
            ["ε_ee^uV", "ε_ee^dV", "ε_μμ^uV", "ε_μμ^dV", "R_n", "sin²θ_W", "form factor", "target", "source"],
        ),
        (widgets.experiment_designer, ["target", "mass", "threshold", "power", "distance", "exposure", "systematic"]),
        (widgets.figure2_explorer, ["CONNIE", "NaI"]),
    ],
)
def test_explorers_offer_the_controls_the_book_promises(build, needed):
    descriptions = " ".join(getattr(c, "description", "") for c in _controls(build()))
    for label in needed:
        assert label in descriptions
