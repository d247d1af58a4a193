"""Pseudo-experiments: the coverage of likelihood-ratio intervals and the Feldman-Cousins construction.

Both tools are generic. A model is described by two functions:

- ``generate``: draws pseudo-data (any container whose leading axis runs over toys) with a seeded
  :class:`numpy.random.Generator`;
- ``statistic``: the profile likelihood ratio t(theta) = -2 ln L(theta) - min_theta' [-2 ln L(theta')]
  of every toy, vectorised over toys, with theta' restricted to the allowed (physical) range.

:func:`coverage_of_interval` measures how often the interval {theta : t(theta) <= level} contains the
true value (Wilks' theorem says F_chi2(level; dof)); :func:`feldman_cousins_interval` replaces the
fixed level by the toy quantile at every value of a one-parameter grid (Feldman & Cousins, PRD 57
(1998) 3873: the likelihood-ratio ordering), which covers by construction.

Both run on a Dask cluster when given ``client`` (a ``dask.distributed.Client``, or a scheduler
address): the toys are cut into chunks of ``chunk_size``, each with its own random stream spawned from
``seed`` by its position, never by the worker that runs it, so the result is the same, bit for bit, as
with ``client=None`` (serial, the default and the reference) and whatever the number of workers. Dask is
optional: ``pip install cevnslib[dask]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from . import validation
from .statistics import Interval, runs

#: One Gaussian standard deviation as a probability, chi^2_1 CDF at 1: erf(1/sqrt 2) (the same double as
#: ``scipy.stats.chi2.cdf(1.0, 1)``, without loading scipy.stats at import).
ONE_SIGMA = math.erf(1.0 / math.sqrt(2.0))


def binomial_error(fraction, n: int):
    """Standard error sqrt(p (1 - p)/n) of a fraction estimated from n trials."""
    return np.sqrt(np.asarray(fraction) * (1.0 - np.asarray(fraction)) / n)


@dataclass(frozen=True)
class Coverage:
    """Result of :func:`coverage_of_interval`.

    ``statistics``: t at the truth for every toy; ``level``: the Delta(-2 ln L) that bounds the
    interval; ``nominal``: the confidence Wilks' theorem assigns to it (chi^2 CDF with ``dof``).
    """

    statistics: np.ndarray
    level: float
    nominal: float

    @property
    def n_toys(self) -> int:
        """Number of pseudo-experiments."""
        return int(self.statistics.size)

    @property
    def fraction(self) -> float:
        """Fraction of toys whose interval contains the truth (t <= level)."""
        return float(np.mean(self.statistics <= self.level))

    @property
    def error(self) -> float:
        """Monte Carlo (binomial) standard error of :attr:`fraction`."""
        return float(binomial_error(self.fraction, self.n_toys))

    def level_for(self, confidence: float = ONE_SIGMA) -> float:
        """The level that would give ``confidence`` coverage for this truth: the toys' quantile of t."""
        return float(np.quantile(self.statistics, confidence, method="inverted_cdf"))


def coverage_of_interval(
    generate: Callable[[np.random.Generator, int], object],
    statistic: Callable[[object], np.ndarray],
    n_toys: int,
    level: float = 1.0,
    seed: int = 0,
    dof: int = 1,
    batch_size: int | None = None,
    chunk_size: int | None = None,
    client=None,
) -> Coverage:
    """Coverage of the likelihood-ratio interval {theta : t(theta) <= level} at one true value.

    ``generate(rng, n)`` returns n pseudo-experiments drawn at the truth; ``statistic(toys)`` returns
    t(theta_true) of each (array of n). Toys are made in batches of ``batch_size`` (default all at
    once) from one generator seeded with ``seed``, so the result depends only on the seed.

    ``chunk_size`` cuts the toys into chunks of that many (the last may be smaller), chunk k drawing
    from its own stream ``SeedSequence(seed).spawn(n_chunks)[k]`` (in batches of ``batch_size``
    within the chunk): the chunks are then independent tasks. ``client`` (a ``dask.distributed.Client``
    or a scheduler address) runs them on a Dask cluster; the result equals the one with
    ``client=None`` and the same ``seed`` and ``chunk_size``, bit for bit, whatever the number of
    workers. Without ``chunk_size`` the toys are one stream, hence one task. ``generate`` and
    ``statistic`` then run on the workers: they must be picklable (cloudpickle takes closures), and
    side effects on the caller's objects are lost.

    Raises ValueError for n_toys, batch_size or chunk_size that is not an integer >= 1, or a statistic
    that does not return one value per toy; ImportError if ``client`` is an address and dask is not
    installed.
    """
    from scipy import stats

    n_toys = validation.integer("n_toys", n_toys, 1)
    batch = n_toys if batch_size is None else validation.integer("batch_size", batch_size, 1)
    if chunk_size is None:
        tasks = [(seed, n_toys)]
    else:
        chunk = validation.integer("chunk_size", chunk_size, 1)
        sizes = [min(chunk, n_toys - start) for start in range(0, n_toys, chunk)]
        tasks = list(zip(_seed_sequence(seed).spawn(len(sizes)), sizes))
    values = run_tasks(client, _coverage_chunk, (generate, statistic, batch), tasks)
    return Coverage(np.concatenate(values), float(level), float(stats.chi2.cdf(level, dof)))


def _seed_sequence(seed) -> np.random.SeedSequence:
    return seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)


def _coverage_chunk(generate, statistic, batch: int, seed, n_toys: int) -> np.ndarray:
    """t of ``n_toys`` toys from one generator seeded with ``seed``, made in batches of ``batch``.

    Raises ValueError if the statistic does not return one value per toy.
    """
    rng = np.random.default_rng(seed)
    values = []
    done = 0
    while done < n_toys:
        n = min(batch, n_toys - done)
        t = np.asarray(statistic(generate(rng, n)), dtype=float).reshape(-1)
        if t.size != n:
            raise ValueError(f"statistic returned {t.size} values for {n} toys")
        values.append(t)
        done += n
    return np.concatenate(values)


@contextmanager
def _connected(client):
    """The Dask client to use: ``client`` itself, or one connected to the scheduler address ``client``
    (closed afterwards). Raises ImportError naming the extra to install when dask is missing."""
    if not isinstance(client, str):
        yield client
        return
    try:
        from distributed import Client
    except ImportError as err:
        raise ImportError(
            "running toys on a Dask cluster needs dask.distributed, which is not installed: pip install cevnslib[dask]"
        ) from err
    with Client(client) as connected:
        yield connected


def run_tasks(client, func: Callable, shared: tuple, tasks: list) -> list:
    """``[func(*shared, *task) for task in tasks]``, in that order: here if ``client`` is None, else
    as one Dask task each, on the cluster of ``client`` (a ``dask.distributed.Client`` or a scheduler
    address), with ``shared`` sent to every worker once.

    ``func`` must be picklable (a module-level function, or any function cloudpickle takes) and
    deterministic: then the list is the same with and without a client. The toy functions of this
    module are built on it.

    Raises ImportError naming ``cevnslib[dask]`` if ``client`` is an address and dask is not installed;
    whatever ``func`` raises, raised again here.
    """
    if client is None:
        return [func(*shared, *task) for task in tasks]
    with _connected(client) as dask_client:
        on_workers = dask_client.scatter(list(shared), broadcast=True, hash=False) if shared else []
        futures = [dask_client.submit(func, *on_workers, *task, pure=False) for task in tasks]
        try:
            return dask_client.gather(futures)
        finally:
            dask_client.cancel(futures + on_workers)


@dataclass(frozen=True)
class FeldmanCousins:
    """Result of :func:`feldman_cousins_interval` on a one-parameter grid.

    ``observed``: t of the observed data at each grid value; ``critical``: the toys' ``confidence``
    quantile of t there; ``toy_statistics``: t of every toy, shape (grid, toys).
    """

    grid: np.ndarray
    observed: np.ndarray
    critical: np.ndarray
    toy_statistics: np.ndarray
    confidence: float

    @property
    def accepted(self) -> np.ndarray:
        """Grid values inside the confidence set: t_obs <= t_critical."""
        return self.observed <= self.critical * (1.0 + 1e-12) + 1e-12

    @property
    def interval(self) -> Interval:
        """The confidence set: every disjoint piece, ends interpolated linearly between grid points.

        ``best`` is the grid value where t_obs is smallest. An end at the first or last grid value
        means the set reaches the end of the grid (a physical boundary, if the grid starts there).
        """
        return _pieces(self.grid, self.observed, self.observed - self.critical, self.accepted)

    def critical_error(self) -> np.ndarray:
        """Monte Carlo uncertainty of ``critical``: half the spread of the toy quantiles at
        confidence +- one binomial standard error (an order-statistics estimate)."""
        n = self.toy_statistics.shape[1]
        delta = float(binomial_error(self.confidence, n))
        lo = np.quantile(self.toy_statistics, max(self.confidence - delta, 0.0), axis=1, method="inverted_cdf")
        hi = np.quantile(self.toy_statistics, min(self.confidence + delta, 1.0), axis=1, method="inverted_cdf")
        return (hi - lo) / 2.0

    def refined_interval(self, fine_grid, observed_statistic) -> Interval:
        """Interval with t_obs evaluated on ``fine_grid`` (a function or array) and the critical
        values interpolated linearly onto it: the toys stay on the coarse grid, the smooth observed
        curve is resolved finely."""
        fine = np.asarray(fine_grid, dtype=float)
        observed = observed_statistic(fine) if callable(observed_statistic) else np.asarray(observed_statistic, float)
        critical = np.interp(fine, self.grid, self.critical)
        inside = observed <= critical * (1.0 + 1e-12) + 1e-12
        return _pieces(fine, observed, observed - critical, inside)

    def wilks_interval(self, level: float = 1.0) -> Interval:
        """The set t_obs <= ``level`` on the same grid (what Wilks' theorem would quote)."""
        return _pieces(self.grid, self.observed, self.observed - level, self.observed <= level)

    def wilks_coverage(self, level: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """Coverage of the fixed-level interval at every grid value, and its Monte Carlo error."""
        fraction = np.mean(self.toy_statistics <= level, axis=1)
        return fraction, binomial_error(fraction, self.toy_statistics.shape[1])

    def for_observed(self, observed_statistic) -> FeldmanCousins:
        """The same construction (critical values) with other observed data: t_obs on the grid.

        Raises ValueError if the observed statistic does not have the grid's shape.
        """
        observed = observed_statistic(self.grid) if callable(observed_statistic) else observed_statistic
        observed = np.asarray(observed, dtype=float)
        if observed.shape != self.grid.shape:
            raise ValueError(f"observed_statistic has shape {observed.shape}, the grid {self.grid.shape}")
        return FeldmanCousins(self.grid, observed, self.critical, self.toy_statistics, self.confidence)


def _pieces(grid: np.ndarray, observed: np.ndarray, excess: np.ndarray, inside: np.ndarray) -> Interval:
    """The accepted runs of ``grid`` as an Interval, each end interpolated where ``excess`` crosses 0.

    Raises ValueError if no grid value is accepted (the set is empty on this grid).
    """
    found = runs(inside)
    if not found:
        raise ValueError("no grid value is inside the confidence set: refine or widen the grid")

    def between(i, j):  # excess[i] > 0 (outside), excess[j] <= 0 (inside)
        x0, x1, y0, y1 = grid[i], grid[j], excess[i], excess[j]
        return float(x0 + (x1 - x0) * y0 / (y0 - y1)) if y0 != y1 else float(x1)

    pieces = tuple(
        (
            float(grid[0]) if first == 0 else between(first - 1, first),
            float(grid[-1]) if last == grid.size - 1 else between(last + 1, last),
        )
        for first, last in found
    )
    return Interval(float(grid[int(np.argmin(observed))]), pieces)


def feldman_cousins_interval(
    grid,
    observed_statistic,
    generate: Callable[[float, np.random.Generator, int], object],
    statistic: Callable[[float, object], np.ndarray],
    confidence: float = ONE_SIGMA,
    n_toys: int = 500,
    seed: int = 0,
    chunk_size: int | None = None,
    client=None,
) -> FeldmanCousins:
    """Feldman-Cousins (unified) confidence interval for one parameter, by pseudo-experiments.

    At every value theta_k of ``grid`` (which should span the allowed range), ``n_toys`` pseudo-
    experiments ``generate(theta_k, rng, n)`` give the distribution of ``statistic(theta_k, toys)``
    = t(theta_k); its ``confidence`` quantile t_c(theta_k) replaces Wilks' fixed level. The
    interval is {theta : t_obs(theta) <= t_c(theta)}. ``observed_statistic`` is t_obs on the grid
    (an array, or a function of the grid array). Each grid point has its own random stream,
    spawned from ``seed`` by its position in the grid, so the toys of different points are
    independent and the whole construction is reproducible.

    Ranking toys by t is the likelihood-ratio ordering of Feldman & Cousins. For discrete data the
    quantile is the smallest t_c with P(t <= t_c) >= confidence (ties all accepted, as in their
    construction).

    Each grid point is one task; ``chunk_size`` cuts its toys further into chunks of that many, chunk j
    of point k drawing from the stream of point k spawned again, ``.spawn(n_chunks)[j]``. ``client``
    (a ``dask.distributed.Client`` or a scheduler address) runs the tasks on a Dask cluster; the
    construction equals the one with ``client=None`` and the same ``seed`` and ``chunk_size``, bit for
    bit, whatever the number of workers. ``generate`` and ``statistic`` must then be picklable
    (cloudpickle takes closures); they are sent to each worker once.

    Raises ValueError for a grid that is not increasing, a confidence outside (0, 1), n_toys or
    chunk_size that is not an integer >= 1, or statistics of the wrong shape; ImportError if
    ``client`` is an address and dask is not installed.
    """
    n_toys = validation.integer("n_toys", n_toys, 1)
    grid = np.asarray(grid, dtype=float)
    if grid.ndim != 1 or grid.size < 2 or np.any(np.diff(grid) <= 0):
        raise ValueError("grid must be an increasing 1-D array of at least 2 values")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence = {confidence} must lie in (0, 1)")
    observed = observed_statistic(grid) if callable(observed_statistic) else observed_statistic
    observed = np.asarray(observed, dtype=float)
    if observed.shape != grid.shape:
        raise ValueError(f"observed_statistic has shape {observed.shape}, the grid {grid.shape}")
    streams = _seed_sequence(seed).spawn(grid.size)
    if chunk_size is None:
        tasks = [(value, stream, n_toys) for value, stream in zip(grid, streams)]
    else:
        chunk = validation.integer("chunk_size", chunk_size, 1)
        sizes = [min(chunk, n_toys - start) for start in range(0, n_toys, chunk)]
        tasks = [
            (value, chunk_stream, size)
            for value, stream in zip(grid, streams)
            for chunk_stream, size in zip(stream.spawn(len(sizes)), sizes)
        ]
    toys = np.concatenate(run_tasks(client, _feldman_cousins_chunk, (generate, statistic), tasks))
    toys = toys.reshape(grid.size, n_toys)
    critical = np.quantile(toys, confidence, axis=1, method="inverted_cdf")
    return FeldmanCousins(grid, observed, critical, toys, float(confidence))


def _feldman_cousins_chunk(generate, statistic, value, stream, n_toys: int) -> np.ndarray:
    """t(value) of ``n_toys`` toys generated at ``value`` from the random stream ``stream``.

    Raises ValueError if the statistic does not return one value per toy.
    """
    t = np.asarray(statistic(value, generate(value, np.random.default_rng(stream), n_toys)), dtype=float)
    if t.shape != (n_toys,):
        raise ValueError(f"statistic returned shape {t.shape} for {n_toys} toys")
    return t


def minimise_on_grid(func: Callable[[np.ndarray], np.ndarray], grid, batch_shape: tuple = (), refinements: int = 2):
    """Vectorised minimum of a smooth function of one parameter for a batch of problems (e.g. toys).

    ``func(x)`` takes x broadcastable to ``batch_shape`` (or with a leading grid axis,
    shape (n_grid, 1, ..., 1)) and returns values of the broadcast shape. The minimum is located on
    ``grid``, then refined ``refinements`` times by a parabola through three points, the spacing
    shrinking by 4 each time. Returns ``(x_min, f_min)`` of ``batch_shape``; x stays inside the grid.
    """
    grid = np.asarray(grid, dtype=float)
    lo, hi = grid[0], grid[-1]
    values = np.broadcast_to(func(grid.reshape((-1,) + (1,) * len(batch_shape))), grid.shape + tuple(batch_shape))
    index = np.argmin(values, axis=0)
    best_f, best_x = np.min(values, axis=0), grid[index]
    i = np.clip(index, 1, grid.size - 2)
    x = grid[i]
    y0, y1, y2 = (np.take_along_axis(values, (i + k)[None], 0)[0] for k in (-1, 0, 1))
    h = grid[1] - grid[0]
    for step in range(refinements):
        curvature = y0 - 2.0 * y1 + y2
        shift = np.where(curvature > 0, 0.5 * h * (y0 - y2) / np.where(curvature > 0, curvature, 1.0), 0.0)
        x_new = np.clip(x + np.clip(shift, -h, h), lo, hi)
        f_new = func(x_new)
        better = f_new < best_f
        best_f, best_x = np.where(better, f_new, best_f), np.where(better, x_new, best_x)
        if step == refinements - 1:
            break
        h = h / 4.0
        x = np.clip(best_x, lo + h, hi - h)
        y0, y1, y2 = (func(np.clip(x + k * h, lo, hi)) for k in (-1, 0, 1))
        better = y1 < best_f
        best_f, best_x = np.where(better, y1, best_f), np.where(better, x, best_x)
    return best_x, best_f
