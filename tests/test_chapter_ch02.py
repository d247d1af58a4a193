"""Chapter 2 (form factors and the neutron radius): the checks its prose quotes, as assertions."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.integrate import simpson  # noqa: E402

from cevnslib import fits, form_factors, nuclei, style  # noqa: E402
from cevnslib.chapters import ch02  # noqa: E402

CS = nuclei.nucleus("Cs133")


@pytest.fixture(scope="module")
def numbers():
    return ch02.numbers()


@pytest.mark.parametrize("model", list(ch02.MODELS))
def test_rms_radius_from_the_curvature_at_zero_q(model):
    """R = sqrt(-6 dF/dq^2) at q = 0 gives back the radius each model was built with, to 1e-5 fm."""
    assert ch02.rms_from_curvature_fm(model, CS.charge_radius_fm) == pytest.approx(CS.charge_radius_fm, abs=1e-5)


def test_symmetrized_fermi_density_has_the_radius_and_the_transform():
    """The density of Eq. (eq-ch2-sf) integrated numerically: rms radius to 1e-6 fm, F(q) to 1e-8."""
    radius = CS.charge_radius_fm
    r = np.linspace(0.0, 25.0, 20001)  # fm
    rho = ch02.symmetrized_fermi_density(r, radius)
    norm = simpson(r**2 * rho, x=r)
    assert np.sqrt(simpson(r**4 * rho, x=r) / norm) == pytest.approx(radius, abs=1e-6)
    q = np.array([10.0, 50.0, 100.0, 150.0])  # MeV
    k = q / ch02.HBARC_MEV_FM
    numeric = [simpson(r**2 * rho * np.sinc(kk * r / np.pi), x=r) / norm for kk in k]  # sinc(x) = sin(pi x)/(pi x)
    np.testing.assert_allclose(numeric, form_factors.symmetrized_fermi(q, radius), rtol=0, atol=1e-8)


def test_size_parameter_refuses_a_radius_below_the_surface():
    with pytest.raises(ValueError, match="too small"):
        ch02.size_parameter_fm("helm", 1.0)
    with pytest.raises(ValueError, match="unknown"):
        ch02.size_parameter_fm("gaussian", 4.0)


def test_models_agree_at_equal_radius(numbers):
    """At CsI momenta the models differ by < 0.5% in F^2 and < 0.5% in the counts; at CONUS ones by < 1e-4."""
    assert numbers["ch2-spread-csi"] < 5e-3
    assert ch02.model_spread("CONUS") < 1e-4
    for model in ("klein-nystrand", "symmetrized-fermi"):
        assert abs(numbers[f"ch2-csi-{model}-pct"]) < 0.5


def test_sensitivity_estimate(numbers):
    """d ln N/dR_n ~ -2/3 R_n <q^2>: within 5% for CONUS (qR << 1), within 15% for CsI (qR ~ 1)."""
    assert numbers["ch2-estimate-conus"] == pytest.approx(numbers["ch2-slope-conus"], rel=0.05)
    assert numbers["ch2-estimate-csi"] == pytest.approx(numbers["ch2-slope-csi"], rel=0.15)
    assert numbers["ch2-slope-ratio"] == pytest.approx(numbers["ch2-q2-ratio"], rel=0.15)


def test_spallation_source_sees_rn_and_reactors_do_not(numbers):
    assert numbers["ch2-change-csi-pct"] < -40 and numbers["ch2-change-nai-pct"] < -40
    assert abs(numbers["ch2-change-conus-pct"]) < 5 and abs(numbers["ch2-change-connie-pct"]) < 5


def test_slope_fit_with_a_quartic_term_holds_longer(numbers):
    for q_max in ch02.SLOPE_FIT_Q_MAX_MEV:
        lin, quad = numbers[f"ch2-ex-slope-lin-{q_max:.0f}"], numbers[f"ch2-ex-slope-quad-{q_max:.0f}"]
        assert lin < quad <= CS.charge_radius_fm + 1e-6


def test_pseudo_data_widths_fall_like_one_over_sqrt_n():
    """The half-widths follow 1/(sqrt(N) |d ln N/dR_n|) to 25%, and each best fit lies within 2 half-widths of the
    truth."""
    for row in ch02.pseudo_data_fits():
        assert row["half_width"] == pytest.approx(row["estimate"], rel=0.25)
        assert abs(row["best"] - ch02.PSEUDO_DATA_RN_FM) < 2 * row["half_width"]


def test_statistical_part_of_the_2017_error():
    """Without its signal and BRN pulls the CsI 2017 R_n interval has a half-width of 0.64 +- 0.03 fm
    (narrower than the full fit's, wider than the background-free pseudo-data's), best fit within 0.15 fm."""
    stat = ch02.csi2017_statistical_rn_interval()
    full = fits.csi2017_rn_interval()
    (lo, hi), ((full_lo, full_hi),) = stat.single_piece(), full.pieces
    assert (hi - lo) / 2 == pytest.approx(0.64, abs=0.03)
    assert hi - lo < full_hi - full_lo
    assert stat.best == pytest.approx(full.best, abs=0.15)
    assert (hi - lo) / 2 > 2 * ch02.pseudo_data_fits()[0]["half_width"]


def test_figures_fit_the_column():
    for draw in (ch02.models_figure, ch02.rn_figure):
        fig = draw()
        assert fig.get_size_inches()[0] <= style.FULL_WIDTH_IN + 1e-9
        plt.close(fig)
