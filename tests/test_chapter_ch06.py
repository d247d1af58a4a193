"""Chapter 6 (Statistics): the closed forms of the chapter against independent routes.

The brute-force cross-checks that the chapter quotes live here: a numerical minimiser against the
closed-form minimum over the pulls, the covariance form of the chi^2 against the pulls, the one-bin
formula against the library, Wilks' levels against seeded random numbers.
"""

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import stats  # noqa: E402
from scipy.optimize import minimize  # noqa: E402

from cevnslib import experiments, fits, notebook, style  # noqa: E402
from cevnslib.chapters import ch06  # noqa: E402
from cevnslib.couplings import NSI  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "book" / "06_statistics.ipynb"


@pytest.fixture(scope="module")
def numbers():
    return ch06.numbers()


def covariance_chi2(fit, nsi=None, rn_fm=None):
    """Eq. (eq-ch6-covariance): r^T V^-1 r with V_ij = sigma_i^2 delta_ij + sum_k sigma_k^2 A_ki A_kj."""
    rows, residuals, variances = [], [], []
    for m in fit.measurements:
        signal = m.templates.counts(nsi, rn_fm if m.depends_on_rn else None)
        residuals.append(m.observed - signal - m.background)
        variances.append(m.variance)
        rows.append(
            [
                signal if p in m.signal_pulls else m.background if p in m.background_pulls else np.zeros_like(signal)
                for p in fit.pulls
            ]
        )
    response = np.concatenate([np.array(r) for r in rows], axis=1)  # (pulls, bins)
    sigma2 = np.array([fit.pull_sigmas[p] ** 2 for p in fit.pulls])
    cov = np.diag(np.concatenate(variances)) + (response.T * sigma2) @ response
    r = np.concatenate(residuals)
    return float(r @ np.linalg.solve(cov, r))


def test_closed_form_equals_a_numerical_minimum_over_the_pulls():
    """Eq. (eq-ch6-chi2min) against Nelder-Mead on Eq. (eq-ch6-chi2): chi^2 to 1e-7, pulls to 1e-5."""
    check = ch06.pull_check(ch06.CHECK_NSI, ch06.CHECK_RN_FM)
    S, B, N_obs, var, sigma = check.signal, check.background, check.observed, check.variance, check.pull_sigmas

    def chi2_of_pulls(a):
        return np.sum((N_obs - S * (1 + a[0]) - B * (1 + a[1])) ** 2 / var) + np.sum(a**2 / sigma**2)

    brute = minimize(chi2_of_pulls, x0=np.zeros(2), method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12})
    assert brute.success
    assert check.chi2_min == pytest.approx(brute.fun, rel=1e-7)
    np.testing.assert_allclose(check.pulls, brute.x, atol=1e-5)


def test_closed_form_equals_the_covariance_form():
    """Eq. (eq-ch6-chi2min) and Eq. (eq-ch6-covariance) agree to 1e-10 (CsI: a signal and a BRN pull)."""
    check = ch06.pull_check(ch06.CHECK_NSI, ch06.CHECK_RN_FM)
    assert covariance_chi2(ch06.csi_fit(), ch06.CHECK_NSI, ch06.CHECK_RN_FM) == pytest.approx(check.chi2_min, rel=1e-10)


@pytest.mark.parametrize("case", ["common", "opposite"])
@pytest.mark.parametrize("correlated", [True, False])
def test_shared_pull_equals_the_covariance_form(case, correlated):
    """The four chi^2 of the correlation table are those of Eq. (eq-ch6-covariance), to 1e-10."""
    scales = ch06.correlation_cases()[case]
    syst = fits.ReactorSystematics()
    parts = [
        fits.asimov_measurement(experiments.get(name), fits.templates_for(name), s, systematics=syst)
        for name, s in zip(("CONUS", "CONNIE"), scales)
    ]
    if not correlated:
        parts = [ch06.uncorrelated(p, syst.total) for p in parts]
    expected = covariance_chi2(fits.combine(*parts))
    assert ch06.correlated_chi2(scales, correlated) == pytest.approx(expected, rel=1e-10)


def test_shared_pull_helps_common_shifts_and_hurts_opposite_ones(numbers):
    assert numbers["ch6-corr-common-shared"] < numbers["ch6-corr-common-uncorrelated"]
    assert numbers["ch6-corr-opposite-shared"] > 2 * numbers["ch6-corr-opposite-uncorrelated"]


def test_one_bin_formula_equals_the_library():
    """Eq. (eq-ch6-onebin) and Fit.chi2 agree to 1e-10 for CONNIE at 1.05 x SM with one 4% pull."""
    library, formula = ch06.onebin_chi2()
    assert library == pytest.approx(formula, rel=1e-10)


def test_pseudo_data_formulas():
    """1.3 x SM: chi^2 at the SM as Eq. (eq-ch6-onebin) to 1e-10; best fit as the formula to 5e-5."""
    result = ch06.pseudo_data()
    assert result["chi2"] == pytest.approx(result["chi2_formula"], rel=1e-10)
    # the formula treats CONNIE as one point nucleus; the fit uses its isotopes and threshold
    assert result["best"] == pytest.approx(result["best_formula"], abs=5e-5)
    assert abs(float(ch06.connie_fit().chi2())) < 1e-9  # Asimov data: zero at the truth


def test_one_bin_formula_equals_the_library_on_a_toy_grid():
    """The toy exercise replaces Fit.chi2 by Eq. (eq-ch6-onebin): equal to 1e-10 on its grid."""
    fit = ch06.connie_fit(live_time_days=1.0)
    (asimov,) = fit.measurements
    toy = type(asimov)(
        asimov.name, asimov.templates, [15.0], [15.0], signal_pulls=asimov.signal_pulls, depends_on_rn=False
    )
    eps = np.linspace(*ch06.TOY_EPS_D)
    sigma_tot = np.sqrt(sum(s**2 for s in fit.pull_sigmas.values()))
    signal = asimov.templates.counts(NSI(ee_d=eps)).sum(axis=-1)
    formula = (15.0 - signal) ** 2 / (15.0 + (sigma_tot * signal) ** 2)
    library = fits.combine((toy, dict(fit.pull_sigmas))).chi2(NSI(ee_d=eps))
    np.testing.assert_allclose(library, formula, rtol=1e-10, atol=0)


def test_toys_cover_as_wilks_says():
    """2000 seeded toys: coverage within 3.5 (1 sigma) and 2 (2 sigma) percentage points of Wilks."""
    toys = ch06.toy_study()
    assert toys["cov1"] == pytest.approx(100 * stats.chi2.cdf(1, 1), abs=3.5)
    assert toys["cov4"] == pytest.approx(100 * stats.chi2.cdf(4, 1), abs=2.0)
    assert toys["width_toy"] == pytest.approx(toys["width_asimov"], rel=0.01)  # the width barely moves
    assert toys["q16"] < 0 < toys["q84"]


def test_wilks_levels_and_random_pairs():
    """Two-parameter 1 sigma level = -2 ln(1 - CL) to 1e-12; fractions of 1e5 pairs within 0.006 (4 sd)."""
    cl = stats.chi2.cdf(1, 1)
    result = ch06.wilks_two_parameters()
    assert result["level"] == pytest.approx(-2 * np.log(1 - cl), rel=1e-12)
    assert result["frac_level"] == pytest.approx(cl, abs=0.006)
    assert result["frac_r1"] == pytest.approx(1 - np.exp(-0.5), abs=0.006)
    assert result["frac_x1"] == pytest.approx(cl, abs=0.006)


def test_confidence_table():
    rows = ch06.confidence_levels()
    assert rows["1s"][1:] == pytest.approx((1.0, -2 * np.log(1 - stats.chi2.cdf(1, 1))), rel=1e-12)
    assert rows["90"] == pytest.approx((90.0, stats.chi2.ppf(0.9, 1), -2 * np.log(0.1)), rel=1e-12)
    assert rows["2s"][:2] == pytest.approx((100 * stats.chi2.cdf(4, 1), 4.0), rel=1e-12)


def test_reactors_sit_on_their_systematic_floor():
    floors = ch06.setup_floors()
    for name in ("CONUS", "CONNIE"):
        n, syst, sens = floors[name]
        assert syst < sens < 1.06 * syst and 1 / n < 0.2 * syst**2  # the statistics add little


def test_gaussian_and_poisson_intervals():
    """One year: the two intervals agree to 2e-4; one day: the Poisson ones lie lower (positive eps lowers the rate)."""
    _, year = ch06.poisson_intervals(365.25)
    for level in ("1", "4"):
        np.testing.assert_allclose(year[f"gauss-{level}"], year[f"pois-{level}"], atol=2e-4)
    _, day = ch06.poisson_intervals(1.0)
    for level in ("1", "4"):
        assert day[f"pois-{level}"][0] < day[f"gauss-{level}"][0]
        assert day[f"pois-{level}"][1] < day[f"gauss-{level}"][1]


def test_csi_fits(numbers):
    twelve = ch06.csi_rn_fit("12-bin")
    assert twelve["lo"] < twelve["best"] < twelve["hi"]
    assert twelve["pvalue"] == pytest.approx(stats.chi2.sf(twelve["chi2min"], 11), rel=1e-12)
    assert np.isnan(ch06.csi_rn_fit("1-bin")["pvalue"])
    profiled = ch06.csi_profiled_interval()
    assert profiled.pieces == ((-np.inf, np.inf),)
    assert numbers["ch6-csi-profile-max"] < 1.0
    with pytest.raises(ValueError):
        ch06.csi_fit("2-bin")


def test_crossover():
    result = ch06.crossover()
    assert result["n_equal"] == pytest.approx(625.0)
    assert result["sens_equal"] == pytest.approx(4 * np.sqrt(2), rel=1e-12)
    assert 0 < result["days_equal"] < experiments.get("CONNIE").live_time_days


def test_bad_input():
    part = fits.asimov_measurement(experiments.get("CONNIE"), fits.templates_for("CONNIE"))
    for total in (0.0, 1.0, -0.1, float("nan")):
        with pytest.raises(ValueError):
            ch06.uncorrelated(part, total)
    with pytest.raises(ValueError):
        ch06.sensitivity_floor(0.0, 0.04)
    with pytest.raises(ValueError):
        ch06.toy_study(n_toys=0)


@pytest.mark.parametrize("draw", [ch06.floor_figure, ch06.poisson_figure, ch06.csi_rn_figure])
def test_figures_fit_the_column(draw):
    fig = draw()
    try:
        assert fig.get_size_inches()[0] <= style.FULL_WIDTH_IN + 1e-9
    finally:
        plt.close(fig)


def test_numbers_are_the_numbers_the_prose_quotes(numbers):
    """numbers() holds every glue name the chapter's text and captions quote, and nothing else."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    text = json.dumps([c["source"] for c in cells if c["cell_type"] == "markdown"] + [c["metadata"] for c in cells])
    assert set(re.findall(r"\{glue:\w*\}`([\w-]+)", text)) == set(numbers)
    for value in numbers.values():
        number = value.value if isinstance(value, notebook.Quoted) else value
        assert isinstance(number, (int, float)) and np.isfinite(number)
