"""The chi^2 machinery against brute-force minimisation and textbook values."""

import numpy as np
import pytest
from scipy import stats
from scipy.optimize import minimize

from cevnslib import experiments, fits
from cevnslib.couplings import NSI
from cevnslib.statistics import Fit, Measurement, delta_chi2_level, interval_1d


@pytest.fixture(scope="module")
def csi_templates():
    return fits.templates_for("COHERENT-CsI-2017")


def _brute_force(observed, variance, signal, background, response, sigmas, poisson=False):
    def objective(alpha):
        mu = signal + background + alpha @ response
        if poisson:
            ll = stats.poisson.logpmf(observed, mu) - stats.poisson.logpmf(observed, observed)
            return -2 * ll.sum() + np.sum(alpha**2 / sigmas**2)
        return np.sum((observed - mu) ** 2 / variance) + np.sum(alpha**2 / sigmas**2)

    return minimize(
        objective,
        np.zeros(len(sigmas)),
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000},
    ).fun


def test_closed_form_pulls_equal_brute_force_minimum(csi_templates):
    rng = np.random.default_rng(1)
    signal = csi_templates.counts()
    background = rng.uniform(0.2, 2.0, signal.size)
    observed = rng.poisson(signal * 1.1 + background).astype(float)
    variance = observed + 3.0
    m = Measurement("toy", csi_templates, observed, variance, background, ("s",), ("b",))
    fit = Fit([m], {"s": 0.28, "b": 0.25})
    expected = _brute_force(
        observed, variance, signal, background, np.array([signal, background]), np.array([0.28, 0.25])
    )
    assert fit.chi2() == pytest.approx(expected, rel=1e-7)


def test_one_bin_one_pull_has_the_textbook_form(csi_templates):
    """min over a of (O - S(1+a))^2/s^2 + a^2/sa^2 = (O - S)^2/(s^2 + sa^2 S^2)."""
    t = csi_templates.summed()
    s = t.counts()[0]
    m = Measurement("one", t, [142.0], [142.0 + 2 * 405.0], signal_pulls=("a",))
    chi2 = Fit([m], {"a": 0.28}).chi2()
    assert chi2 == pytest.approx((142.0 - s) ** 2 / (142.0 + 810.0 + (0.28 * s) ** 2), rel=1e-12)


def test_poisson_profile_equals_brute_force(csi_templates):
    rng = np.random.default_rng(7)
    signal = csi_templates.counts()
    background = np.full(signal.size, 0.5)
    observed = rng.poisson(signal * 0.9 + background).astype(float)
    m = Measurement("toy", csi_templates, observed, observed + 1.0, background, ("s",), ("b",))
    fit = Fit([m], {"s": 0.28, "b": 0.25})
    expected = _brute_force(
        observed, None, signal, background, np.array([signal, background]), np.array([0.28, 0.25]), poisson=True
    )
    assert fit.poisson_deviance() == pytest.approx(expected, rel=1e-6)


def test_shared_pull_correlates_experiments():
    """A shared pull can absorb a common offset that two private pulls of the same width cannot."""
    conus = fits.asimov_measurement(experiments.get("CONUS"), fits.templates_for("CONUS"), scale=1.05)[0]
    connie = fits.asimov_measurement(experiments.get("CONNIE"), fits.templates_for("CONNIE"), scale=1.05)[0]
    conus.signal_pulls, connie.signal_pulls = ("flux",), ("flux",)
    shared = Fit([conus, connie], {"flux": 0.04}).chi2()
    connie_private = Measurement(
        connie.name, connie.templates, connie.observed, connie.variance, signal_pulls=("other",)
    )
    private = Fit([conus, connie_private], {"flux": 0.04, "other": 0.04}).chi2()
    # One common +5% shift costs a single pull penalty when shared, two when private.
    assert shared < private
    assert shared == pytest.approx((0.05 / 0.04) ** 2, rel=0.05)


@pytest.mark.parametrize(
    "confidence, sigma, dof, value",
    [
        (None, 1.0, 2, 2.30),
        (None, 2.0, 2, 6.18),
        (0.90, None, 2, 4.61),
        (None, 1.0, 1, 1.00),
        (0.90, None, 1, 2.71),
    ],
)
def test_delta_chi2_levels_match_tables(confidence, sigma, dof, value):
    assert delta_chi2_level(confidence, sigma, dof) == pytest.approx(value, abs=0.005)


def test_interval_of_a_parabola():
    result = interval_1d(lambda x: (x - 1.0) ** 2 / 0.25, np.linspace(-2, 4, 61))
    assert result.best == pytest.approx(1.0, abs=1e-8)
    assert result.pieces == (pytest.approx((0.5, 1.5), abs=1e-8),)


def test_interval_open_at_grid_end():
    ((lo, hi),) = interval_1d(lambda x: (x - 1.0) ** 2, np.linspace(0.5, 3, 26)).pieces
    assert lo == -np.inf and hi == pytest.approx(2.0)


def test_scan_broadcasts_over_nsi_and_radius(csi_templates):
    fit = fits.combine(fits.csi2017_measurement(experiments.get("COHERENT-CsI-2017"), csi_templates))
    eps = np.linspace(-0.2, 0.2, 5)
    rn = np.linspace(4.0, 6.0, 3)
    grid = fits.scan(fit, NSI(ee_d=eps[None, :]), rn[:, None])
    raw = np.array([[fit.chi2(NSI(ee_d=e), r) for e in eps] for r in rn])
    np.testing.assert_allclose(grid, raw - raw.min(), atol=1e-10)


def test_errors_name_the_problem(csi_templates):
    m = Measurement("x", csi_templates, np.ones(12), np.ones(12), signal_pulls=("a",))
    with pytest.raises(ValueError, match="pull_sigmas"):
        Fit([m], {})
    with pytest.raises(ValueError, match="variance"):
        Measurement("x", csi_templates, np.ones(12), np.zeros(12))
    with pytest.raises(ValueError, match="observed"):
        Measurement("x", csi_templates, np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="two widths"):
        fits.combine((m, {"a": 0.1}), (m, {"a": 0.2}))
    with pytest.raises(ValueError, match="sigma"):
        delta_chi2_level(sigma=-1)
    with pytest.raises(ValueError, match="mode"):
        fits.csi2017_measurement(experiments.get("COHERENT-CsI-2017"), csi_templates, "3-bin")
