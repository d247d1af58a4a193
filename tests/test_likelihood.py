"""The likelihood core at its boundaries, against scipy's optimisers and closed forms.

Every reference here is written independently of the library: the Poisson terms with
``scipy.stats``/``scipy.special.xlogy``, the minimisation over all nuisances at once (the
steady-state backgrounds included) with ``scipy.optimize.minimize``. The toys include zero-count
data sets and data with no CEvNS at all, where pulls sit at their bounds.
"""

import numpy as np
import pytest
from scipy import stats
from scipy.optimize import minimize
from scipy.special import xlogy

from cevnslib import csi_likelihood as cl
from cevnslib import experiments, fits
from cevnslib.likelihood import poisson_deviance, profile_grouped_background
from cevnslib.statistics import Fit, Measurement, interval_1d

#: Agreement required between the library's profile and scipy's, in -2 ln L.
TOLERANCE = 1e-3


def test_poisson_deviance_is_minus_twice_the_log_likelihood_ratio():
    rng = np.random.default_rng(0)
    n = rng.poisson(3.0, 50).astype(float)
    mu = rng.uniform(0.1, 8.0, 50)
    reference = -2 * (stats.poisson.logpmf(n, mu) - stats.poisson.logpmf(n, n)).sum()
    assert poisson_deviance(n, mu) == pytest.approx(reference, rel=1e-12)


def test_poisson_deviance_at_zero_counts_and_zero_expectation():
    assert poisson_deviance([0.0, 0.0], [0.0, 2.5]) == pytest.approx(5.0, abs=1e-15)
    # n > 0 with a vanishing expectation is very unlikely, but finite and convex for optimisers
    tiny = poisson_deviance([3.0], [0.0])
    assert np.isfinite(tiny) and tiny > 150.0
    assert poisson_deviance([3.0], [-1.0]) > tiny


# ----------------------------------------------------------------------------- the Gaussian-pull fit


def _csi_like_fit(observed):
    exp = experiments.get("COHERENT-CsI-2017")
    t = fits.templates_for("COHERENT-CsI-2017")
    brn = exp.data.brn_expected()
    m = Measurement("toy", t, observed, np.ones(t.n_bins), brn, ("s",), ("b",))
    return Fit([m], {"s": 0.28, "b": 0.25}), t.counts(), brn


def _scipy_pull_fit(observed, signal, background):
    def objective(x):
        mu = signal * (1 + x[0]) + background * (1 + x[1])
        dev = 2 * np.sum(mu - observed + xlogy(observed, observed) - xlogy(observed, mu))
        return dev + x[0] ** 2 / 0.28**2 + x[1] ** 2 / 0.25**2

    best = minimize(
        objective,
        [0.0, 0.0],
        method="L-BFGS-B",
        bounds=[(-1, None), (-1, None)],
        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10000},
    )
    return best.fun


def _pull_fit_toys():
    """200 toys: 100 at the SM, 60 with no CEvNS, 20 with zero counts, 20 with a single count."""
    _, signal, brn = _csi_like_fit(np.zeros(12))
    rng = np.random.default_rng(2024)
    toys = [rng.poisson(signal + brn).astype(float) for _ in range(100)]
    toys += [rng.poisson(brn).astype(float) for _ in range(60)]
    toys += [np.zeros(12) for _ in range(20)]
    for _ in range(20):
        one = np.zeros(12)
        one[rng.integers(12)] = 1.0
        toys.append(one)
    return toys


@pytest.mark.parametrize("every", [pytest.param(1, marks=pytest.mark.slow), 5])
def test_pull_fit_agrees_with_scipy_on_200_toys_at_and_off_the_boundaries(every):
    """All 200 toys in the slow run; every fifth (40, with each kind of boundary toy) in the fast one."""
    worst = 0.0
    for observed in _pull_fit_toys()[::every]:
        fit, signal, brn = _csi_like_fit(observed)
        ours = float(fit.poisson_deviance())
        worst = max(worst, abs(ours - _scipy_pull_fit(observed, signal, brn)))
    assert worst < TOLERANCE


def test_zero_counts_put_the_signal_normalisation_at_its_bound():
    """With no counts, -2 ln L = 2 S (1 + a) + 2 B (1 + b) + a^2/sa^2 + b^2/sb^2. The signal S = 174
    pulls harder than its prior holds it (2 S > 2/sa^2), so a stops at its bound -1 (no negative
    signal); the small BRN (B = 5.4) settles inside, at b = -B sb^2."""
    fit, signal, brn = _csi_like_fit(np.zeros(12))
    value, (a, b) = fit.poisson_deviance(return_pulls=True)
    s_total, b_total = signal.sum(), brn.sum()
    assert 2 * s_total > 2 / 0.28**2
    assert a == -1.0
    assert b == pytest.approx(-b_total * 0.25**2, rel=1e-9)
    assert value == pytest.approx(1 / 0.28**2 + 2 * b_total * (1 + b) + b**2 / 0.25**2, rel=1e-12)


def test_shared_and_private_pulls_meet_their_joint_bound():
    """CONUS with a shared flux pull and its own detector pull scaling one signal: with zero counts
    the constraint 1 + flux + detector >= 0 is not a single bound. Minimising 2 S (1 + u) + u^2/s^2
    (u = flux + detector, s^2 the sum of their variances) puts u at -1: the minimum is 1/s^2."""
    exp = experiments.get("CONUS")
    measurement, pulls = fits.asimov_measurement(exp, fits.templates_for("CONUS"))
    zero = Measurement(measurement.name, measurement.templates, [0.0], [1.0], signal_pulls=measurement.signal_pulls)
    value, found = Fit([zero], pulls).poisson_deviance(return_pulls=True)
    total_variance = sum(s**2 for s in pulls.values())
    assert value == pytest.approx(1 / total_variance, rel=1e-9)
    assert found.sum() == pytest.approx(-1.0, abs=1e-9)


# ------------------------------------------------------------------------- the energy x time likelihood


def _scipy_energy_time(lik, signal, observed, sideband, alpha_obs, beta_obs):
    """-2 ln L minimised over alpha, beta and every steady-state background at once (L-BFGS-B)."""
    grouped = lik.background_model != "per-bin"
    w = np.broadcast_to(lik.weights, signal.shape)
    brn, tau = lik.brn, lik.tau
    pa, pb = 1 / lik.sigma_alpha**2, 1 / lik.sigma_beta**2
    shape_b = (signal.shape[0], 1) if grouped else signal.shape
    m = sideband.sum(axis=1, keepdims=True) if grouped else sideband

    def objective(x):
        a, b, bk = x[0], x[1], x[2:].reshape(shape_b)
        mu = (1 + a) * signal + (1 + b) * brn + bk * w
        value = 2 * np.sum(mu - observed + xlogy(observed, observed) - xlogy(observed, mu))
        value += 2 * np.sum(tau * bk - m + xlogy(m, m) - xlogy(m, tau * bk))
        ratio = np.where(observed > 0, observed / mu, 0.0)
        grad_cells = 2 * w * (1 - ratio)
        grad_b = grad_cells.sum(axis=1, keepdims=True) if grouped else grad_cells
        grad_b = grad_b + 2 * (tau - np.where(m > 0, m / bk, 0.0))
        value += pa * (a - alpha_obs) ** 2 + pb * (b - beta_obs) ** 2
        grad = [
            2 * np.sum(signal * (1 - ratio)) + 2 * pa * (a - alpha_obs),
            2 * np.sum(brn * (1 - ratio)) + 2 * pb * (b - beta_obs),
        ]
        return value, np.concatenate([grad, grad_b.ravel()])

    start = np.concatenate([[0.0, 0.0], np.maximum(m / tau, 0.05).ravel()])
    bounds = [(-1, None), (-1, None)] + [(1e-12, None)] * (start.size - 2)
    best = minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 50000, "ftol": 1e-16, "gtol": 1e-12, "maxcor": 50},
    )
    return best.fun


def _energy_time_toys(lik, rng, n_sm=100, n_none=60, n_zero=40):
    """Toys at R_n = 5 fm: with CEvNS, without CEvNS, and with zero beam-on counts (half of them
    with an empty side sample too)."""
    truth = lik.truth(rn_fm=5.0)
    no_signal = cl.Profile(
        truth.deviance,
        np.asarray(-1.0),
        truth.beta,
        truth.background,
        lik.expected_counts(rn_fm=5.0, alpha=-1.0, beta=truth.beta, background=truth.background),
    )
    parts = [lik.generate(truth, rng, n_sm), lik.generate(no_signal, rng, n_none), lik.generate(truth, rng, n_zero)]
    parts[2].observed[:] = 0.0
    parts[2].sideband[: n_zero // 2] = 0.0
    return cl.PseudoData(
        *(np.concatenate([getattr(p, k) for p in parts]) for k in ("observed", "sideband", "alpha_obs", "beta_obs"))
    )


@pytest.mark.parametrize(
    "background, n_toys",
    [
        pytest.param("per-bin", 200, marks=pytest.mark.slow),
        pytest.param("time-profile", 60, marks=pytest.mark.slow),
        ("per-bin", 20),
        ("time-profile", 10),
    ],
)
def test_energy_time_profile_agrees_with_scipy_on_seeded_toys(background, n_toys):
    lik = cl.CsI2017Likelihood(background=background)
    toys = _energy_time_toys(lik, np.random.default_rng(11), n_toys // 2, n_toys * 3 // 10, n_toys // 5)
    ours = lik.deviance(rn_fm=5.0, data=toys)
    signal = lik.signal_cells(rn_fm=5.0)
    reference = np.array(
        [
            _scipy_energy_time(lik, signal, toys.observed[i], toys.sideband[i], toys.alpha_obs[i], toys.beta_obs[i])
            for i in range(toys.shape[0])
        ]
    )
    assert toys.shape == (n_toys,)
    assert np.max(np.abs(ours - reference)) < TOLERANCE


def test_grouped_background_solves_its_stationarity_condition():
    rng = np.random.default_rng(5)
    s = rng.uniform(0.0, 3.0, (4, 12))
    n = rng.poisson(s + 1.0).astype(float)
    w = rng.dirichlet(np.ones(12))
    m = rng.poisson(20.0, (4, 1)).astype(float)
    b = profile_grouped_background(s, n, w, m, 2.0)
    slope = np.sum(w * (1 - n / (s + b * w)), axis=-1, keepdims=True) + 2.0 - m / b
    np.testing.assert_allclose(slope, 0.0, atol=1e-9)


def test_energy_time_likelihood_follows_the_form_factor_domain():
    """Klein-Nystrand needs R > sqrt(6) x 0.7 fm = 1.71 fm; the likelihood's R_n range starts there."""
    exp = experiments.get("COHERENT-CsI-2017", form_factor="klein-nystrand")
    lik = cl.CsI2017Likelihood(experiment=exp)
    assert 1.71 < lik.rn_range_fm[0] < 1.75
    assert np.isfinite(lik.fit_rn().best)


# ----------------------------------------------------------------------------------- intervals


def test_interval_returns_both_branches_of_a_flipped_coupling():
    """CONNIE alone over eps_ee^dV in [-0.3, 0.9]: the SM and the flipped minimum are both allowed,
    separated by a region where the weak charge vanishes."""
    measurement, pulls = fits.asimov_measurement(experiments.get("CONNIE"), fits.templates_for("CONNIE"))
    fit = Fit([measurement], pulls)
    from cevnslib.couplings import NSI

    result = interval_1d(lambda e: fit.chi2(NSI(ee_d=e)), np.linspace(-0.3, 0.9, 1201))
    assert len(result.pieces) == 2
    (lo1, hi1), (lo2, hi2) = result.pieces
    assert lo1 < 0.0 < hi1 < lo2 < fits.setup_flipped_eps_ee_d("CONNIE") < hi2
    assert result.hull == (lo1, hi2)
