"""The energy x time likelihood of COHERENT CsI 2017 against independent routes."""

import numpy as np
import pytest
from scipy import stats
from scipy.optimize import minimize, minimize_scalar
from scipy.special import gammaln

from cevnslib import csi_likelihood as cl
from cevnslib import experiments, fits
from cevnslib.couplings import NSI


@pytest.fixture(scope="module")
def lik():
    return cl.CsI2017Likelihood()


@pytest.fixture(scope="module")
def csi():
    return experiments.get("COHERENT-CsI-2017")


def test_prompt_plus_delayed_templates_are_the_full_templates(lik):
    """Splitting the flux by component and summing back gives the 12-bin prediction of fits."""
    full = fits.templates_for("COHERENT-CsI-2017")
    for rn in (3.5, 5.0, 6.0):
        s_p, s_d = lik.signal(rn_fm=rn)
        np.testing.assert_allclose(s_p + s_d, full.counts(rn_fm=rn), rtol=2e-6)
    s_p, s_d = lik.signal()  # default radii: R_n = R_p of each nucleus
    np.testing.assert_allclose(s_p + s_d, experiments.get("COHERENT-CsI-2017").predict(), rtol=1e-10)
    assert lik.prompt.flavors == ("mu",) and lik.delayed.flavors == ("e", "mu")


def test_expected_counts_summed_over_time_are_the_12_bin_prediction_times_window_fractions(lik, csi):
    rn = 5.0
    cells = lik.expected_counts(rn_fm=rn)
    assert cells.shape == (12, 12)
    at = csi.data.arrival_time
    window = at["t_hi_us"] <= 6.0
    f_prompt, f_delayed = at["prompt_neutrino"][window].sum(), at["delayed_neutrino"][window].sum()
    assert f_prompt == pytest.approx(1.0, abs=1e-6) and 0.90 < f_delayed < 0.93
    s_p, s_d = lik.signal(rn_fm=rn)
    np.testing.assert_allclose(
        cells.sum(axis=1), f_prompt * s_p + f_delayed * s_d + csi.data.brn_expected(), rtol=1e-12
    )
    # renormalised arrival times: the time-summed prediction is the 12-bin one plus the BRN
    renorm = cl.CsI2017Likelihood(renormalise_time=True)
    np.testing.assert_allclose(
        renorm.expected_counts(rn_fm=rn).sum(axis=1),
        fits.templates_for("COHERENT-CsI-2017").counts(rn_fm=rn) + csi.data.brn_expected(),
        rtol=2e-6,
    )
    # BRN keep their window total, and the data are the released table
    np.testing.assert_allclose(lik.brn.sum(axis=1), csi.data.brn_expected(), rtol=1e-12)
    assert lik.observed_data.observed.sum() == 547 and lik.observed_data.sideband.sum() == 405 + 209 + 207
    assert lik.tau == pytest.approx(1 + 2 * 153.5 / 308.1)


@pytest.mark.parametrize(
    "s, n, m, tau", [(1.3, 4, 7, 2.0), (0.2, 0, 3, 1.0), (2.0, 9, 0, 1.99), (0.7, 0, 0, 2.0), (5.0, 1, 12, 1.5)]
)
def test_closed_form_background_profile_equals_numerical_minimum(s, n, m, tau):
    def nll(b):
        return -(stats.poisson.logpmf(n, s + b) + stats.poisson.logpmf(m, tau * b))

    b_hat = float(cl.profile_on_off_background(s, n, m, tau))
    numeric = minimize_scalar(nll, bounds=(0.0, 50.0), method="bounded", options={"xatol": 1e-10}).x
    assert b_hat == pytest.approx(numeric, abs=1e-6)
    assert b_hat >= 0


def _full_nll(lik, rn, x):
    """-2 ln L of a model with one background nuisance per PE bin, every nuisance explicit.

    Written directly as -2 sum (n ln mu - mu) plus the saturated constant from scipy.stats.
    """
    alpha, beta, log_b = x[0], x[1], x[2:]
    data = lik.observed_data
    b = np.exp(log_b)
    mu = (1 + alpha) * lik.signal_cells(rn_fm=rn) + (1 + beta) * lik.brn + b[:, None] * lik.weights
    m = data.sideband.sum(axis=1)
    n = data.observed
    ll = np.sum(n * np.log(mu) - mu) + np.sum(m * np.log(lik.tau * b) - lik.tau * b)
    saturated = stats.poisson.logpmf(n, n).sum() + stats.poisson.logpmf(m, m).sum()
    constant = -np.sum(gammaln(n + 1)) - np.sum(gammaln(m + 1))
    return -2 * (ll + constant - saturated) + alpha**2 / lik.sigma_alpha**2 + beta**2 / lik.sigma_beta**2


@pytest.mark.parametrize("model", ["time-profile", "flat-in-time"])
def test_profile_with_one_background_per_pe_bin_equals_brute_force_minimisation(model):
    lik = cl.CsI2017Likelihood(background=model)
    rn = 5.2
    prof = lik.profile(rn_fm=rn)
    m = lik.observed_data.sideband.sum(axis=1)
    x0 = np.concatenate([[0.0, 0.0], np.log(m / lik.tau)])
    res = minimize(lambda x: _full_nll(lik, rn, x), x0, method="BFGS", options={"gtol": 1e-8})
    assert float(prof.deviance) == pytest.approx(res.fun, abs=1e-6)
    assert float(prof.alpha) == pytest.approx(res.x[0], abs=1e-4)
    assert float(prof.beta) == pytest.approx(res.x[1], abs=1e-4)
    np.testing.assert_allclose(prof.background.sum(axis=1), np.exp(res.x[2:]), rtol=1e-4)


def test_per_bin_profile_equals_nested_minimisation():
    """Per-cell background: closed form inside, the two pulls by Nelder-Mead outside."""
    lik = cl.CsI2017Likelihood(background="per-bin")
    rn, d = 4.8, lik.observed_data
    signal = lik.signal_cells(rn_fm=rn)

    def outer(x):
        s = (1 + x[0]) * signal + (1 + x[1]) * lik.brn
        b = cl.profile_on_off_background(s, d.observed, d.sideband, lik.tau)
        on = stats.poisson.logpmf(d.observed, d.observed) - stats.poisson.logpmf(d.observed, s + b)
        side = stats.poisson.logpmf(d.sideband, d.sideband) - stats.poisson.logpmf(d.sideband, lik.tau * b)
        dev = 2 * np.sum(on) + 2 * np.sum(side)
        return dev + x[0] ** 2 / lik.sigma_alpha**2 + x[1] ** 2 / lik.sigma_beta**2

    res = minimize(outer, [0.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-11})
    assert float(lik.deviance(rn_fm=rn)) == pytest.approx(res.fun, abs=1e-6)


def test_asimov_data_give_zero_at_the_truth_and_fit_back_the_truth(lik):
    truth_rn = 5.3
    asimov = lik.asimov(rn_fm=truth_rn, alpha=0.0, beta=0.0, background=np.full((12, 12), 0.25))
    assert float(lik.deviance(rn_fm=truth_rn, data=asimov)) == pytest.approx(0.0, abs=1e-8)
    assert float(lik.deviance(rn_fm=truth_rn + 0.5, data=asimov)) > 0.05
    fit = lik.fit_rn(data=asimov)
    assert fit.best == pytest.approx(truth_rn, abs=2e-3)
    assert fit.is_connected and fit.contains(truth_rn)


def test_vectorised_minimisation_over_rn_equals_a_fine_scan(lik):
    rng = np.random.default_rng(3)
    toys = lik.generate(lik.truth(rn_fm=5.0), rng, 6)
    rn_hat, nll_min = lik.minimise_rn(toys)
    fine = np.linspace(*lik.rn_range_fm, 741)
    for k in range(6):
        one = cl.PseudoData(toys.observed[k], toys.sideband[k], toys.alpha_obs[k], toys.beta_obs[k])
        values = lik.deviance(rn_fm=fine, data=one)
        assert values.min() - 1e-4 < nll_min[k] < values.min() + 1e-5
        assert rn_hat[k] == pytest.approx(fine[np.argmin(values)], abs=0.01)


def test_toys_are_reproducible_and_fluctuate_the_constraints(lik):
    truth = lik.truth(rn_fm=5.0)
    a = lik.generate(truth, np.random.default_rng(9), 200)
    b = lik.generate(truth, np.random.default_rng(9), 200)
    np.testing.assert_array_equal(a.observed, b.observed)
    assert a.observed.shape == (200, 12, 12) and a.shape == (200,)
    assert np.std(a.alpha_obs) == pytest.approx(lik.sigma_alpha, rel=0.2)
    assert a.observed.sum(axis=(1, 2)).mean() == pytest.approx(truth.expected.sum(), rel=0.02)


def test_chi2_on_toys_with_shifted_constraints_equals_brute_force(csi):
    """The 12-bin chi^2 on pseudo-data whose auxiliary measurements moved (alpha_obs, beta_obs != 0),
    against a direct minimisation over (alpha, beta) of the formula written out here."""
    chi = cl.CsI2017Chi2()
    toys = chi.generate(
        np.random.default_rng(8),
        5,
        rn_fm=5.2,
        alpha=0.1,
        beta=-0.1,
        steady_state=csi.data.anticoincidence.astype(float),
    )
    for rn in (4.0, 5.5):
        values, pulls = chi.chi2(rn_fm=rn, data=toys, return_pulls=True)
        signal = chi.signal(rn_fm=rn)
        for k in range(5):
            n, var, (a0, b0) = toys.observed[k], toys.variance[k], toys.pull_centres[k]

            def chi2(x):
                resid = n - (1 + x[0]) * signal - (1 + x[1]) * chi.brn
                return np.sum(resid**2 / var) + (x[0] - a0) ** 2 / 0.28**2 + (x[1] - b0) ** 2 / 0.25**2

            best = minimize(chi2, [0.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12})
            assert values[k] == pytest.approx(best.fun, rel=1e-8)
            assert pulls[k] == pytest.approx(best.x, abs=1e-5)
    ours, ref = chi.fit_rn(), fits.csi2017_rn_interval()
    assert ours.best == pytest.approx(ref.best, abs=2e-3)
    assert np.array(ours.pieces) == pytest.approx(np.array(ref.pieces), abs=2e-3)


def test_poisson_likelihood_set_up_like_the_chi2_agrees_with_it():
    """Energy only, AC_on only, arrival times renormalised: the Poisson likelihood and the Gaussian
    chi^2 of the literature describe the same information and must give nearly the same R_n."""
    lik = cl.CsI2017Likelihood(use_time=False, use_beam_off=False, renormalise_time=True)
    fit, ref = lik.fit_rn(), fits.csi2017_rn_interval()
    assert fit.best == pytest.approx(ref.best, abs=0.05)
    assert fit.hull == pytest.approx(ref.hull, abs=0.1)


def test_scan_broadcasts_and_is_zero_at_its_minimum(lik):
    eps = np.linspace(-0.1, 0.1, 5)
    rn = np.linspace(4.0, 6.0, 4)
    delta = lik.scan(NSI(ee_d=eps[:, None]), rn[None, :])
    assert delta.shape == (5, 4) and delta.min() == 0.0 and np.all(np.isfinite(delta))
    both = lik.scan(NSI(ee_d=eps[:, None], mm_d=eps[None, :]))
    assert both.shape == (5, 5)


def test_bad_options_are_rejected(csi):
    with pytest.raises(ValueError, match="background"):
        cl.CsI2017Likelihood(background="smooth")
    with pytest.raises(ValueError, match="not components"):
        cl.SourceComponents(csi.source, ("prompt nu_e",))
