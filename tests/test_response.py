"""Scintillator response and arrival times, against scipy.stats, scipy.integrate.quad and the release's numbers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.integrate import quad

from cevnslib.arrival_time import (
    ArrivalTimeBins,
    ProtonPulse,
    csi_2021_timing_efficiency,
    csi_2021_timing_efficiency_mean,
)
from cevnslib.coherent_csi_2021 import csi_2021_data
from cevnslib.response import GammaResolution, LogisticEfficiency, PolynomialQuenching, SmearedPEDetector

#: The release's nominal coefficients, typed from scintRespCoefficients.txt and effCoefficients.txt.
SCINT = (0.0554628, 4.30681, -111.707, 840.384)
EFF = (1.32045, 0.285979, 10.8646, -0.333322)


def ee_by_hand_kev(recoil_kev, coefficients=SCINT):
    x = np.asarray(recoil_kev) / 1e3
    return 1e3 * np.polynomial.polynomial.polyval(x, (0.0, *coefficients))


def eff_by_hand(pe, coefficients=EFF):
    a, b, c, d = coefficients
    return min(max(a / (1 + np.exp(-b * (pe - c))) + d, 0.0), 1.0)


def gamma_by_hand(ee_kev):
    """The release's gamma: shape 1 + b, scale 1/(a (1 + b)), a = 0.0749/E_ee, b = 9.56 E_ee."""
    a, b = 0.0749 / ee_kev, 9.56 * ee_kev
    return stats.gamma(1 + b, scale=1 / (a * (1 + b)))


@pytest.fixture(scope="module")
def quenching():
    return csi_2021_data().quenching()


def test_scintillation_polynomial_and_its_principal_components(quenching):
    t = np.array([3.0, 10.0, 25.0, 45.0])
    np.testing.assert_allclose(quenching.ee_kev(t), ee_by_hand_kev(t), rtol=1e-13)
    # theta = +1 along PC0 (PC1) gives the release's "+1 sigma" set of that component.
    plus0 = csi_2021_data().quenching(1.0, 0.0)
    np.testing.assert_allclose(plus0.ee_kev(t), ee_by_hand_kev(t, (0.0613632, 3.51547, -85.5548, 595.562)), rtol=1e-12)
    minus1 = csi_2021_data().quenching(0.0, -1.0)
    np.testing.assert_allclose(
        minus1.ee_kev(t), ee_by_hand_kev(t, (0.0555126, 4.67765, -130.309, 1050.68)), rtol=3e-5
    )  # 6 printed digits: -1 sigma = nominal - shift to that precision


def test_gamma_mean_is_light_yield_times_ee_and_variance_shrinks_with_energy():
    resolution = GammaResolution()
    for ee in (0.3, 1.0, 3.0):
        shape, scale = resolution.shape_scale(ee)
        dist = stats.gamma(shape, scale=scale)
        assert dist.mean() == pytest.approx(13.35 * ee, rel=1e-4)  # the release's light yield, 13.35 PE/keVee
        assert dist.var() == pytest.approx(dist.mean() ** 2 / (1 + 9.56 * ee), rel=1e-12)
        assert dist.mean() == pytest.approx(gamma_by_hand(ee).mean(), rel=1e-12)


def test_response_before_efficiency_conserves_probability_and_has_the_right_mean(quenching):
    edges = np.append(np.arange(0.0, 400.0, 0.5), 1e6)
    detector = SmearedPEDetector(tuple(edges), quenching)
    t = np.array([2.0, 5.0, 12.0, 30.0])
    matrix = detector.response_matrix(t)
    np.testing.assert_allclose(matrix.sum(axis=0), 1.0, rtol=1e-12)
    for j, ee in enumerate(ee_by_hand_kev(t)):
        np.testing.assert_allclose(matrix[:, j], np.diff(gamma_by_hand(ee).cdf(edges)), atol=1e-12)
        mean = matrix[:-1, j] @ (edges[:-2] + edges[1:-1]) / 2  # bin centres: the mean to (0.5 PE)^2 / 12 / mean
        assert mean == pytest.approx(13.35 * ee, rel=2e-3)


def test_response_with_efficiency_is_the_integral_of_gamma_times_efficiency(quenching):
    edges = (0.0, 4.0, 8.0, 12.0, 20.0, 40.0, 60.0)
    detector = SmearedPEDetector(edges, quenching, efficiency=csi_2021_data().efficiency())
    t = np.array([4.0, 9.0, 20.0])
    matrix = detector.response_matrix(t)
    a, b, c, d = EFF
    kink = c - np.log(a / -d - 1) / b  # where the efficiency reaches 0
    for j, ee in enumerate(ee_by_hand_kev(t)):
        dist = gamma_by_hand(ee)
        for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
            expected = quad(
                lambda x: dist.pdf(x) * eff_by_hand(x),
                lo,
                hi,
                points=[kink] if lo < kink < hi else None,
                epsabs=0.0,
                epsrel=1e-12,
            )[0]
            assert matrix[k, j] == pytest.approx(expected, rel=1e-10, abs=1e-300)


def test_efficiency_clips_to_zero_below_its_kink_and_shifts_with_theta():
    eff = csi_2021_data().efficiency()
    (kink,) = eff.kinks_pe
    assert EFF[0] / (1 + np.exp(-EFF[1] * (kink - EFF[2]))) + EFF[3] == pytest.approx(0.0, abs=1e-12)
    pe = np.array([0.0, 5.0, kink + 0.1, 10.0, 30.0, 100.0])
    np.testing.assert_allclose(eff(pe), [eff_by_hand(x) for x in pe], rtol=1e-13)
    plus = csi_2021_data().efficiency(1.0)
    np.testing.assert_allclose(
        plus(pe), [eff_by_hand(x, (1.3439, 0.285366, 9.84596, -0.356364)) for x in pe], rtol=1e-12
    )


def test_prompt_shape_is_the_convolution_of_the_pulse_with_the_pion_decay():
    pulse = ProtonPulse()
    gauss = stats.norm(0.44, 0.15)
    for t in (0.2, 0.45, 0.6, 1.0):
        direct = quad(lambda s: gauss.pdf(t - s) * np.exp(-s / 0.026033) / 0.026033, 0, np.inf)[0]
        assert pulse.prompt_pdf(t) == pytest.approx(direct, rel=1e-8)


def test_delayed_shape_is_the_convolution_with_both_decays():
    pulse = ProtonPulse()
    gauss = stats.norm(0.44, 0.15)
    tau_pi, tau_mu = 0.026033, 2.1969811

    def prompt(t):
        return quad(lambda s: gauss.pdf(t - s) * np.exp(-s / tau_pi) / tau_pi, 0, np.inf, epsabs=1e-14)[0]

    for t in (0.3, 0.8, 2.0, 5.0):
        # prompt(t - u) vanishes (< 1e-40) for u > t + 2 us: the muon-decay integral ends there
        direct = quad(
            lambda u: prompt(t - u) * np.exp(-u / tau_mu) / tau_mu,
            0,
            t + 2.0,
            points=[max(t - 0.44, 1e-3)],
            epsabs=1e-14,
            limit=200,
        )[0]
        assert pulse.delayed_pdf(t) == pytest.approx(direct, rel=1e-6)


@pytest.mark.parametrize("kind", ["prompt", "delayed"])
def test_shapes_integrate_to_one_and_match_their_cdfs(kind):
    pulse = ProtonPulse()
    pdf, cdf = getattr(pulse, f"{kind}_pdf"), getattr(pulse, f"{kind}_cdf")
    total = quad(pdf, -3, 0.44)[0] + quad(pdf, 0.44, 10)[0] + quad(pdf, 10, np.inf)[0]
    assert total == pytest.approx(1.0, abs=1e-9)
    assert cdf(-np.inf) == 0.0 and cdf(np.inf) == pytest.approx(1.0, abs=1e-15)
    for a, b in ((0.0, 0.5), (0.5, 1.0), (1.0, 6.0)):
        assert cdf(b) - cdf(a) == pytest.approx(quad(pdf, a, b, limit=200)[0], rel=1e-9)


def test_time_bins_hold_the_shapes_times_the_timing_efficiency():
    edges = (0.0, 0.25, 0.5, 0.75, 1.0, 3.0, 6.0)
    bins = ArrivalTimeBins(edges)
    pulse = ProtonPulse()
    for kind in ("prompt", "delayed"):
        pdf = getattr(pulse, f"{kind}_pdf")
        expected = [
            quad(
                lambda t: pdf(t) * csi_2021_timing_efficiency(t),
                a,
                b,
                points=[0.52] if a < 0.52 < b else None,
                epsabs=1e-13,
                limit=200,
            )[0]
            for a, b in zip(edges[:-1], edges[1:])
        ]
        np.testing.assert_allclose(getattr(bins, kind), expected, rtol=1e-9, atol=1e-14)
    without = ArrivalTimeBins(edges, timing_efficiency=False)
    np.testing.assert_allclose(without.prompt, np.diff(pulse.prompt_cdf(edges)), rtol=1e-14)


def test_timing_efficiency_values_and_bin_means():
    assert csi_2021_timing_efficiency(0.3) == 1.0
    assert csi_2021_timing_efficiency(1.52) == pytest.approx(np.exp(-0.0494))
    edges = [0.0, 0.4, 0.6, 2.0, 6.0]
    expected = [
        quad(csi_2021_timing_efficiency, a, b, points=[0.52] if a < 0.52 < b else None)[0] / (b - a)
        for a, b in zip(edges[:-1], edges[1:])
    ]
    np.testing.assert_allclose(csi_2021_timing_efficiency_mean(edges), expected, rtol=1e-12)


def test_arrays_handed_out_are_read_only(quenching):
    bins = ArrivalTimeBins((0.0, 1.0, 6.0))
    for array in (bins.prompt, bins.delayed):
        with pytest.raises(ValueError):
            array[0] = 1.0
    detector = SmearedPEDetector((0.0, 10.0, 60.0), quenching)
    with pytest.raises(AttributeError):
        detector.min_recoil_kev = 0.1


@pytest.mark.parametrize(
    "build, name",
    [
        (lambda: GammaResolution(a_kevee=-1.0), "a_kevee"),
        (lambda: GammaResolution().shape_scale([0.0]), "ee_kev"),
        (lambda: PolynomialQuenching((1.0, 2.0, 3.0)), "nominal"),
        (lambda: PolynomialQuenching(SCINT, ((0.0,) * 4,), (float("nan"),)), "theta[0]"),
        (lambda: LogisticEfficiency(EFF, theta="one"), "theta[0]"),
        (lambda: SmearedPEDetector((0.0, 10.0, float("inf")), PolynomialQuenching(SCINT)), "pe_edges"),
        (lambda: SmearedPEDetector((0.0, 10.0), PolynomialQuenching(SCINT), min_recoil_kev=0.0), "min_recoil_kev"),
        (lambda: ProtonPulse(sigma_us=0.0), "sigma_us"),
        (lambda: ProtonPulse().prompt_pdf("0.5"), "time_us"),
        (lambda: ArrivalTimeBins((1.0, 0.5)), "time_edges_us"),
        (lambda: csi_2021_timing_efficiency_mean((0.0, float("inf"))), "time_edges_us"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(build, name):
    with pytest.raises(ValueError, match=name.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        build()
