"""Toy Monte Carlo machinery against textbook answers: Gaussian coverage and Feldman-Cousins tables."""

import numpy as np
import pytest
from scipy import stats

from cevnslib import coverage as cv


# --------------------------------------------------------------------------------------- coverage
def test_delta_chi2_one_covers_68_percent_for_a_gaussian_mean():
    truth = 2.0
    cov = cv.coverage_of_interval(
        lambda rng, n: rng.normal(truth, 1.0, n), lambda x: (x - truth) ** 2, n_toys=20000, seed=1
    )
    assert cov.nominal == pytest.approx(0.682689, abs=1e-6)
    assert cov.error == pytest.approx(np.sqrt(cov.fraction * (1 - cov.fraction) / 20000))
    assert abs(cov.fraction - cov.nominal) < 3.5 * cov.error
    # the level that would give 68.27%: the chi^2_1 quantile 1
    assert cov.level_for() == pytest.approx(1.0, abs=0.05)


def test_an_underestimated_error_undercovers_by_the_predicted_amount():
    """Data with sigma = 1.25 fitted with sigma = 1: coverage P(|z| < 1/1.25) = 2 Phi(0.8) - 1."""
    cov = cv.coverage_of_interval(
        lambda rng, n: rng.normal(0.0, 1.25, n), lambda x: x**2, n_toys=20000, seed=2, batch_size=3000
    )
    expected = 2 * stats.norm.cdf(0.8) - 1
    assert abs(cov.fraction - expected) < 3.5 * cov.error
    assert cov.n_toys == 20000


def test_coverage_is_reproducible_with_its_seed():
    def run(seed):
        return cv.coverage_of_interval(lambda rng, n: rng.normal(0, 1, n), lambda x: x**2, 500, seed=seed)

    np.testing.assert_array_equal(run(3).statistics, run(3).statistics)
    assert not np.array_equal(run(3).statistics, run(4).statistics)


def test_minimise_on_grid_finds_the_vertex_of_shifted_parabolas():
    centres = np.array([0.13, 0.5, 0.77, 0.02])

    def f(x):
        return 3.0 * (x - centres) ** 2 + 1.0 + 0.1 * (x - centres) ** 3

    x, y = cv.minimise_on_grid(f, np.linspace(0.0, 1.0, 11), centres.shape)
    np.testing.assert_allclose(x, centres, atol=1e-4)
    np.testing.assert_allclose(y, 1.0, atol=1e-8)


# -------------------------------------------------------------------------------- Feldman-Cousins
def _poisson_model(b):
    def generate(mu, rng, n):
        return rng.poisson(mu + b, n).astype(float)

    def statistic(mu, n):
        n = np.asarray(n, dtype=float)
        mu_best = np.maximum(n - b, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_term = np.where(n > 0, n * np.log((mu + b) / (mu_best + b)), 0.0)
        return 2.0 * ((mu + b) - (mu_best + b) - log_term)

    return generate, statistic


def _exact_poisson_upper_limit_n0(b, cl=0.9):
    """Largest mu whose likelihood-ratio-ordered acceptance region contains n = 0 (direct enumeration)."""
    n = np.arange(80)
    last = 0.0
    for mu in np.arange(0.5, 1.5, 0.001):
        p = stats.poisson.pmf(n, mu + b)
        ratio = p / stats.poisson.pmf(n, np.maximum(n - b, 0) + b)
        order = np.argsort(-ratio, kind="stable")
        k = np.searchsorted(np.cumsum(p[order]), cl)
        if 0 in n[order[: k + 1]]:
            last = mu
    return last


def _gaps_are_toy_noise(interval, grid):
    """Near an end of an interval of discrete data the toys' quantile can flicker across the observed
    statistic, so the accepted set may show gaps: they must be narrower than three grid steps."""
    step = grid[1] - grid[0]
    for (_, hi), (lo, _) in zip(interval.pieces[:-1], interval.pieces[1:]):
        assert 0 < lo - hi < 3 * step


def test_feldman_cousins_reproduces_table_iv_without_background():
    """FC 1998 Table IV (90% CL, b = 0): n = 0..3 -> [0.00, 2.44], [0.11, 4.36], [0.53, 5.91], [1.10, 7.42]."""
    generate, statistic = _poisson_model(0.0)
    grid = np.arange(0.0, 8.0001, 0.02)
    fc = cv.feldman_cousins_interval(grid, statistic(grid, 0.0), generate, statistic, 0.9, 20000, seed=5)
    table = {0: (0.00, 2.44), 1: (0.11, 4.36), 2: (0.53, 5.91), 3: (1.10, 7.42)}
    for n_obs, (lo, hi) in table.items():
        interval = fc.for_observed(statistic(grid, float(n_obs))).interval
        assert interval.hull == pytest.approx((lo, hi), abs=0.03), n_obs
        _gaps_are_toy_noise(interval, grid)


def test_feldman_cousins_with_background_three():
    """b = 3, 90% CL: n = 3 gives [0.00, 4.42] (FC 1998 Table IV). For n = 0 the likelihood-ratio
    ordering, enumerated exactly, accepts n = 0 up to mu = 0.95; the toys must agree with that."""
    generate, statistic = _poisson_model(3.0)
    grid = np.arange(0.0, 5.0001, 0.02)
    fc = cv.feldman_cousins_interval(grid, statistic(grid, 3.0), generate, statistic, 0.9, 20000, seed=6)
    assert fc.interval.hull == pytest.approx((0.0, 4.42), abs=0.03)
    _gaps_are_toy_noise(fc.interval, grid)
    upper_n0 = fc.for_observed(statistic(grid, 0.0)).interval.hull[1]
    assert upper_n0 == pytest.approx(_exact_poisson_upper_limit_n0(3.0), abs=0.03)


def _exact_bounded_gaussian_interval(x0, cl):
    """FC interval for a Gaussian mean mu >= 0 (sigma = 1) by the exact acceptance regions.

    With x_best = max(x, 0), t(x; mu) = (x - mu)^2 - (x - x_best)^2 is (x - mu)^2 for x >= 0 and
    mu^2 - 2 x mu for x < 0; the acceptance region {t <= t_c} is [x1, mu + sqrt(t_c)] with
    x1 = mu - sqrt(t_c) if that is >= 0, else (mu^2 - t_c)/(2 mu). t_c(mu) is found by bisection
    (vectorised over mu) so that the region holds probability cl.
    """
    mus = np.arange(0.0, 5.0, 0.0005)

    def edges(tc):
        root = np.sqrt(tc)
        with np.errstate(divide="ignore", invalid="ignore"):
            low = np.where(mus - root >= 0, mus - root, np.where(mus > 0, (mus**2 - tc) / (2 * mus), -np.inf))
        return low, mus + root

    lo_t, hi_t = np.zeros_like(mus), np.full_like(mus, 50.0)
    for _ in range(60):
        mid = (lo_t + hi_t) / 2
        x1, x2 = edges(mid)
        prob = stats.norm.cdf(x2 - mus) - stats.norm.cdf(x1 - mus)
        lo_t, hi_t = np.where(prob < cl, mid, lo_t), np.where(prob < cl, hi_t, mid)
    x1, x2 = edges(hi_t)
    inside = (x1 <= x0) & (x0 <= x2)
    return mus[inside][0], mus[inside][-1]


@pytest.mark.parametrize("x0", [-1.0, 0.0, 0.5, 1.0, 2.0])
def test_feldman_cousins_bounded_gaussian_matches_exact_construction(x0):
    def generate(mu, rng, n):
        return rng.normal(mu, 1.0, n)

    def statistic(mu, x):
        return (x - mu) ** 2 - (x - np.maximum(x, 0.0)) ** 2

    grid = np.arange(0.0, 4.0001, 0.02)
    fc = cv.feldman_cousins_interval(grid, statistic(grid, x0), generate, statistic, cv.ONE_SIGMA, 20000, seed=7)
    exact = _exact_bounded_gaussian_interval(x0, cv.ONE_SIGMA)
    assert fc.interval.pieces == (pytest.approx(exact, abs=0.04),)


def test_bounded_gaussian_anchor_values():
    """FC 1998 Table X: x0 = 0 gives [0, 1.00] at 68.27% and [0, 1.64] at 90%; for large x0 the
    68.27% interval is x0 -+ 1 (Wilks' answer away from the boundary)."""
    assert _exact_bounded_gaussian_interval(0.0, cv.ONE_SIGMA) == pytest.approx((0.0, 1.00), abs=0.005)
    assert _exact_bounded_gaussian_interval(0.0, 0.9) == pytest.approx((0.0, 1.64), abs=0.005)
    assert _exact_bounded_gaussian_interval(3.0, cv.ONE_SIGMA) == pytest.approx((2.0, 4.0), abs=0.005)


def test_feldman_cousins_result_helpers():
    grid = np.linspace(0.0, 4.0, 41)
    toys = np.tile(stats.chi2.ppf(np.linspace(0.0005, 0.9995, 1000), 1), (grid.size, 1))
    fc = cv.FeldmanCousins(grid, (grid - 2.0) ** 2, np.full(grid.size, 1.0), toys, cv.ONE_SIGMA)
    assert fc.interval.pieces == (pytest.approx((1.0, 3.0), abs=1e-9),)
    assert fc.wilks_interval(1.0).pieces == (pytest.approx((1.0, 3.0), abs=1e-9),)
    refined = fc.refined_interval(np.linspace(0, 4, 4001), lambda x: (x - 2.0) ** 2)
    assert refined.pieces == (pytest.approx((1.0, 3.0), abs=1e-9),) and refined.best == 2.0
    coverage, error = fc.wilks_coverage(1.0)
    np.testing.assert_allclose(coverage, cv.ONE_SIGMA, atol=1e-3)
    assert np.all(fc.critical_error() > 0)
    with pytest.raises(ValueError):
        cv.feldman_cousins_interval(grid[::-1], grid, None, None)
