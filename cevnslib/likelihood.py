"""The likelihood core: Poisson terms, bounded nuisance parameters and their profiling.

Every likelihood of the library is quoted as -2 ln(L / L_saturated), the *deviance*, so that
differences are Delta(-2 ln L) and Asimov data give 0 at the truth. This module holds what all of
them share:

- :func:`poisson_deviance`, exact at zero counts (a bin with n = 0 contributes 2 mu, also at
  mu = 0) and convex everywhere (below a vanishing expectation a bin with n > 0 continues as its
  second-order Taylor expansion, so an optimiser never meets an infinity);
- :func:`minimise_bounded`, a vectorised projected-Newton minimiser of convex functions of a few
  nuisance parameters over a batch of problems (a scan grid, a set of toys), with linear
  constraints A x >= b (normalisations that cannot become negative). Convergence is judged on the
  projected Newton decrement (the predicted drop of the objective, ~1e-10), never on the size of a
  damped step; problems that do not converge are handed to ``scipy.optimize.minimize`` (SLSQP,
  a well-kept optimiser), and the better of the two minima is kept;
- :func:`profile_on_off_background` and :func:`profile_grouped_background`: the steady-state
  background measured in a side sample, profiled exactly (closed form for one cell, a safeguarded
  one-dimensional Newton iteration for a group of cells sharing one background).

The gradient g and Hessian H a caller supplies are those of the objective itself (-2 ln L), e.g.
g = 2 sum R (1 - n/mu) + 2 P (x - x0) for a Poisson model linear in its pulls x with Gaussian priors
of precision P.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: Below this fraction of the observed count, a Poisson term continues as its Taylor expansion.
_TAYLOR_FRACTION = 1e-12
#: Convergence: the projected Newton decrement g.H^-1.g (the expected drop of -2 ln L, doubled).
DECREMENT_TOLERANCE = 1e-11
MAX_NEWTON_STEPS = 60
#: Armijo constant and the number of step halvings of the line search.
_ARMIJO = 1e-4
_MAX_HALVINGS = 50


def poisson_deviance(observed, expected, axis=-1) -> np.ndarray:
    """-2 ln(L/L_sat) = 2 sum [mu - n + n ln(n/mu)] of Poisson counts ``observed`` given ``expected``.

    Summed over ``axis`` (None: no sum, one term per bin). Terms with n = 0 are 2 mu, exact also at
    mu = 0. For n > 0 and mu below 1e-12 n the term continues as its second-order Taylor expansion
    around mu0 = 1e-12 n (values there exceed 50 n, so no minimum can lie there): the deviance
    stays finite and convex for optimisers. Shapes broadcast.
    """
    n = np.asarray(observed, dtype=float)
    mu = np.asarray(expected, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mu0 = _TAYLOR_FRACTION * n
        safe_mu = np.maximum(mu, mu0)
        log_term = np.where(n > 0, n * np.log(np.where(n > 0, n, 1.0) / np.where(safe_mu > 0, safe_mu, 1.0)), 0.0)
        term = mu - n + log_term
        below = (n > 0) & (mu < mu0)
        if np.any(below):
            dx = mu - mu0
            # f(mu0) + f'(mu0) dx + f''(mu0) dx^2 / 2 with f = mu - n + n ln(n/mu)
            taylor = (
                mu0
                - n
                + n * np.log(1.0 / _TAYLOR_FRACTION)
                + (1.0 - 1.0 / _TAYLOR_FRACTION) * dx
                + 0.5 * dx * dx / (_TAYLOR_FRACTION**2 * np.where(n > 0, n, 1.0))
            )
            term = np.where(below, taylor, term)
    terms = 2.0 * term
    return terms if axis is None else np.sum(terms, axis=axis)


def poisson_deviance_derivatives(observed, expected) -> tuple[np.ndarray, np.ndarray]:
    """First and second derivative of each term of :func:`poisson_deviance` with respect to mu."""
    n = np.asarray(observed, dtype=float)
    mu = np.maximum(np.asarray(expected, dtype=float), _TAYLOR_FRACTION * n)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(n > 0, n / np.where(mu > 0, mu, 1.0), 0.0)
        first = 2.0 * (1.0 - ratio)
        second = 2.0 * np.where(n > 0, ratio / np.where(mu > 0, mu, 1.0), 0.0)
    below = (n > 0) & (np.asarray(expected) < _TAYLOR_FRACTION * n)
    if np.any(below):  # the Taylor continuation: f' grows linearly, f'' is constant
        mu0 = _TAYLOR_FRACTION * n
        dx = np.asarray(expected, dtype=float) - mu0
        curvature = 2.0 / (_TAYLOR_FRACTION**2 * np.where(n > 0, n, 1.0))
        first = np.where(below, 2.0 * (1.0 - 1.0 / _TAYLOR_FRACTION) + curvature * dx, first)
        second = np.where(below, curvature, second)
    return first, second


@dataclass(frozen=True)
class Minimum:
    """Result of :func:`minimise_bounded` for a batch of B problems.

    ``x`` (B, k): the minimising nuisances; ``value`` (B,): the objective there; ``converged`` (B,):
    whether the projected Newton decrement fell below tolerance, or scipy's SLSQP reported success;
    ``steps``: Newton iterations taken; ``fallbacks``: problems handed to scipy.
    """

    x: np.ndarray
    value: np.ndarray
    converged: np.ndarray
    steps: int
    fallbacks: int


def minimise_bounded(
    fgh: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]],
    x0,
    constraints: tuple[np.ndarray, np.ndarray] | None = None,
    max_steps: int = MAX_NEWTON_STEPS,
    tolerance: float = DECREMENT_TOLERANCE,
    objective: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> Minimum:
    """Minimise a convex function of k parameters for each of B problems, subject to A x >= b.

    ``fgh(x, index)`` returns the value (m,), gradient (m, k) and Hessian (m, k, k) of problems
    ``index`` (an int array of m problem numbers) at ``x`` (m, k). ``x0`` (B, k) must satisfy the
    constraints. ``constraints`` = (A (c, k), b (c,)): a row of A with one non-zero entry is a bound
    (handled by projection), any other row limits the step (ratio test).

    Projected Newton (Bertsekas 1982): parameters at a bound whose gradient pushes outward are held
    there; the others take a Newton step, with an Armijo line search along the projected path.
    A problem has converged when its projected Newton decrement is below ``tolerance``. Problems
    still unconverged after ``max_steps`` go to ``scipy.optimize.minimize(method="SLSQP")``.
    ``objective(x, index)``, if given, returns the value alone (m,): the line search then calls it
    instead of ``fgh`` (whose gradient and Hessian it would not use).

    Raises ValueError if x0 does not have shape (problems, parameters) or violates the constraints.
    """
    x = np.array(x0, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"x0 must have shape (problems, parameters), got {x.shape}")
    n_problems, k = x.shape
    a_mat, b_vec = (
        (np.zeros((0, k)), np.zeros(0))
        if constraints is None
        else (np.asarray(constraints[0], dtype=float).reshape(-1, k), np.asarray(constraints[1], dtype=float))
    )
    lower, upper, general = _split_constraints(a_mat, b_vec, k)
    if np.any(x < lower - 1e-12) or np.any(x > upper + 1e-12) or np.any(x @ general[0].T < general[1] - 1e-9):
        raise ValueError("x0 violates the constraints")
    value = np.empty(n_problems)
    converged = np.zeros(n_problems, dtype=bool)
    todo = np.arange(n_problems)
    steps = 0
    for steps in range(1, max_steps + 1):  # noqa: B007 (the count is returned in Minimum.steps)
        if todo.size == 0:
            break
        xs = x[todo]
        f, g, h = fgh(xs, todo)
        value[todo] = f
        at_lower = (xs <= lower + 1e-12) & (g > 0)
        at_upper = (xs >= upper - 1e-12) & (g < 0)
        held = at_lower | at_upper
        free = ~held
        h_free = np.where(free[:, :, None] & free[:, None, :], h, np.eye(k))
        g_free = np.where(free, g, 0.0)
        direction = -_solve_symmetric(h_free, g_free)
        decrement = -np.sum(g_free * direction, axis=-1)
        done = decrement < tolerance
        converged[todo[done]] = True
        keep = ~done
        todo, xs, f, g, direction = todo[keep], xs[keep], f[keep], g[keep], direction[keep]
        if todo.size == 0:
            break
        step_max = _ratio_test(xs, direction, general)
        x_new, f_new, ok = _line_search(
            objective or (lambda v, i: fgh(v, i)[0]), todo, xs, f, g, direction, lower, upper, step_max
        )
        x[todo[ok]] = x_new[ok]
        value[todo[ok]] = f_new[ok]
        todo = todo[ok]  # a failed line search is a stall: the scipy fallback below takes the problem
    fallbacks = np.flatnonzero(~converged)
    if fallbacks.size:
        _fallback(fgh, x, value, converged, fallbacks, lower, upper, general)
    return Minimum(x, value, converged, steps, int(fallbacks.size))


def _solve_symmetric(h: np.ndarray, g: np.ndarray) -> np.ndarray:
    """H^-1 g for a batch of symmetric positive semi-definite H, with eigenvalues floored at 1e-13 of
    the largest: a curvature that spans many orders of magnitude (a normalisation near its zero,
    where Poisson terms curve steeply) stays solvable instead of raising LinAlgError."""
    values, vectors = np.linalg.eigh(h)
    floor = 1e-13 * np.max(np.abs(values), axis=-1, keepdims=True)
    values = np.maximum(values, np.where(floor > 0, floor, 1e-300))
    return np.einsum("...ij,...j->...i", vectors, np.einsum("...ji,...j->...i", vectors, g) / values)


def _split_constraints(a_mat: np.ndarray, b_vec: np.ndarray, k: int):
    """Bounds (lower, upper) from rows with one non-zero entry; the other rows stay general."""
    lower, upper = np.full(k, -np.inf), np.full(k, np.inf)
    rows = []
    for row, bound in zip(a_mat, b_vec):
        nonzero = np.flatnonzero(row)
        if nonzero.size == 1:
            j = nonzero[0]
            if row[j] > 0:
                lower[j] = max(lower[j], bound / row[j])
            else:
                upper[j] = min(upper[j], bound / row[j])
        elif nonzero.size > 1:
            rows.append((row, bound))
    general = (np.array([r for r, _ in rows]).reshape(-1, k), np.array([b for _, b in rows]))
    return lower, upper, general


def _ratio_test(x: np.ndarray, direction: np.ndarray, general) -> np.ndarray:
    """Largest step along ``direction`` keeping A x >= b for the general rows (1 where unlimited)."""
    a_mat, b_vec = general
    if a_mat.shape[0] == 0:
        return np.ones(x.shape[0])
    slack = x @ a_mat.T - b_vec
    rate = direction @ a_mat.T
    with np.errstate(divide="ignore", invalid="ignore"):
        limit = np.where(rate < 0, np.maximum(slack, 0.0) / -rate, np.inf)
    return np.minimum(1.0, np.min(limit, axis=-1))


def _line_search(value, index, x, f, g, direction, lower, upper, step_max):
    """Armijo backtracking along the projected path x(t) = clip(x + t d); returns (x, f, success).

    ``value(x, index)`` returns the objective of problems ``index`` at ``x``."""
    t = step_max.copy()
    x_best, f_best = x.copy(), f.copy()
    accepted = np.zeros(x.shape[0], dtype=bool)
    trying = t > 0
    for _ in range(_MAX_HALVINGS):
        if not np.any(trying):
            break
        rows = np.flatnonzero(trying)
        candidate = np.clip(x[rows] + t[rows, None] * direction[rows], lower, upper)
        f_c = value(candidate, index[rows])
        predicted = np.sum(g[rows] * (candidate - x[rows]), axis=-1)
        good = np.isfinite(f_c) & (f_c <= f[rows] + _ARMIJO * predicted + 1e-12 * np.abs(f[rows]))
        x_best[rows[good]], f_best[rows[good]] = candidate[good], f_c[good]
        accepted[rows[good]] = True
        trying[rows[good]] = False
        t[rows[~good]] *= 0.5
    return x_best, f_best, accepted


def _fallback(fgh, x, value, converged, problems, lower, upper, general) -> None:
    """Minimise the given problems one by one with scipy's SLSQP; keep it where it is better."""
    from scipy.optimize import Bounds, LinearConstraint, minimize

    if len(problems) == 0:
        return
    k = x.shape[1]
    bounds = Bounds(lower, upper)
    extra = [] if general[0].shape[0] == 0 else [LinearConstraint(general[0], general[1], np.inf)]
    for i in problems:
        index = np.array([i])

        def fun(v, index=index):
            f, g, _ = fgh(v.reshape(1, k), index)
            return float(f[0]), g[0]

        result = minimize(
            fun,
            x[i],
            jac=True,
            method="SLSQP",
            bounds=bounds,
            constraints=extra,
            options={"ftol": 1e-15, "maxiter": 1000},
        )
        x_new = _feasible(result.x, lower, upper, general)
        f_new = fun(x_new)[0]
        if f_new <= value[i]:
            x[i], value[i] = x_new, f_new
        converged[i] = converged[i] or bool(result.success)


def _feasible(x: np.ndarray, lower, upper, general) -> np.ndarray:
    """``x`` moved onto the constraints it violates by a rounding error (SLSQP stops within ~1e-8
    of them): the smallest correction that satisfies the violated general rows, then the bounds."""
    a_mat, b_vec = general
    x = np.clip(x, lower, upper)
    if a_mat.shape[0]:
        violated = a_mat @ x < b_vec
        if np.any(violated):
            a_v = a_mat[violated]
            x = x + a_v.T @ np.linalg.solve(a_v @ a_v.T, b_vec[violated] - a_v @ x)
            x = np.clip(x, lower, upper)
    return x


def profile_on_off_background(signal, observed, sideband, tau):
    """Background b maximising Poisson(n | s + b) Poisson(m | tau b), b >= 0 (elementwise).

    Setting the derivative of the log-likelihood to zero gives
    (1 + tau) b^2 + [(1 + tau) s - n - m] b - m s = 0, whose non-negative root is returned
    (in a form free of cancellation). ``signal`` s >= 0 is everything else expected in the on-sample.
    """
    s, n, m = (np.asarray(x, dtype=float) for x in (signal, observed, sideband))
    a = 1.0 + tau
    lin = a * s - n - m
    root = np.sqrt(lin * lin + 4.0 * a * m * s)
    b = np.array((root - lin) / (2.0 * a), dtype=float)  # fine where lin <= 0
    np.divide(2.0 * m * s, lin + root, out=b, where=lin > 0)  # no cancellation where lin > 0
    return b


def profile_grouped_background(signal, observed, weights, sideband, tau, max_steps: int = 100):
    """Background b_g >= 0 of groups of cells: mu_c = s_c + b_g w_c, side sample m_g ~ Poisson(tau b_g).

    ``signal``, ``observed`` (..., groups, cells) and ``weights`` (cells,) or (groups, cells);
    ``sideband`` (..., groups, 1). Returns b (..., groups, 1) minimising
    sum_c D(n_c, s_c + b w_c) + D(m, tau b), a convex one-dimensional problem per group, by Newton
    steps safeguarded with a bracket (bisection where Newton would leave it), to 1e-13 relative.
    """
    s, n = np.asarray(signal, dtype=float), np.asarray(observed, dtype=float)
    w = np.broadcast_to(np.asarray(weights, dtype=float), s.shape)
    m = np.asarray(sideband, dtype=float)

    def slope(b):  # d/db of the objective, divided by 2
        mu = s + b * w
        with np.errstate(divide="ignore", invalid="ignore"):
            on = np.sum(w * (1.0 - np.where(n > 0, n / mu, 0.0)), axis=-1, keepdims=True)
            off = tau - np.where(m > 0, m / b, 0.0)
        return on + off

    def curvature(b):
        mu = s + b * w
        with np.errstate(divide="ignore", invalid="ignore"):
            on = np.sum(w * w * np.where(n > 0, n / (mu * mu), 0.0), axis=-1, keepdims=True)
            off = np.where(m > 0, m / (b * b), 0.0)
        return on + off

    # Bracket: the objective falls at b -> 0+ unless the slope there is >= 0 (then b = 0).
    total_w = np.sum(w, axis=-1, keepdims=True)
    hi = (np.sum(n, axis=-1, keepdims=True) + m) / np.where(total_w + tau > 0, total_w + tau, 1.0) + 1.0
    lo = np.zeros_like(hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        at_zero = np.where(
            m > 0, -np.inf, np.sum(w * (1.0 - np.where(n > 0, n / s, 0.0)), axis=-1, keepdims=True) + tau
        )
    pinned = at_zero >= 0
    b = np.where(pinned, 0.0, 0.5 * (lo + hi))
    for _ in range(max_steps):
        d1 = slope(b)
        lo = np.where(d1 < 0, b, lo)
        hi = np.where(d1 > 0, b, hi)
        d2 = curvature(b)
        newton = b - d1 / np.where(d2 > 0, d2, np.inf)
        inside = (d2 > 0) & (newton > lo) & (newton < hi)
        b_new = np.where(pinned, 0.0, np.where(inside, newton, 0.5 * (lo + hi)))
        if np.all(np.abs(b_new - b) <= 1e-13 * np.maximum(b_new, 1e-300)):
            b = b_new
            break
        b = b_new
    return b
