"""Toys on a Dask cluster give the serial results, bit for bit.

cevnslib.coverage cuts pseudo-experiments into chunks whose random streams are spawned from the seed by
position, never by worker, so ``client=None`` (serial, the reference) and a cluster of any size give
the same numbers. The quick tests check the chunking and the error without dask; the cluster test
starts a LocalCluster of two worker processes (about 20 s) and is marked slow.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cevnslib import coverage as cv

REPO = Path(__file__).resolve().parent.parent


def _generate(mu, rng, n):
    """Gaussian toys of unit width, truncated at 0 (a bounded parameter)."""
    return np.maximum(rng.normal(mu, 1.0, n), 0.0)


def _statistic(mu, x):
    return (np.asarray(x) - mu) ** 2


GRID = np.linspace(0.0, 3.0, 7)


def _fc(**kwargs):
    return cv.feldman_cousins_interval(GRID, _statistic(GRID, 0.4), _generate, _statistic, 0.9, 250, seed=11, **kwargs)


def _coverage(**kwargs):
    return cv.coverage_of_interval(
        lambda rng, n: rng.normal(0.0, 1.0, n), lambda x: x**2, 1000, seed=5, batch_size=64, **kwargs
    )


def test_chunk_streams_depend_on_position_only():
    """A chunk's stream depends on the seed and its position: more toys add chunks, they do not
    change the first ones; without chunk_size the serial path is the one stream it always was."""
    few = cv.coverage_of_interval(lambda rng, n: rng.normal(0.0, 1.0, n), lambda x: x**2, 300, seed=5, chunk_size=100)
    more = cv.coverage_of_interval(lambda rng, n: rng.normal(0.0, 1.0, n), lambda x: x**2, 1000, seed=5, chunk_size=100)
    assert np.array_equal(few.statistics, more.statistics[:300])
    one_stream = cv.coverage_of_interval(lambda rng, n: rng.normal(0.0, 1.0, n), lambda x: x**2, 300, seed=5)
    assert np.array_equal(one_stream.statistics, np.random.default_rng(5).normal(0.0, 1.0, 300) ** 2)
    assert np.array_equal(_fc(chunk_size=100).toy_statistics, _fc(chunk_size=100).toy_statistics)
    # Feldman-Cousins without chunk_size: grid point k draws from SeedSequence(seed).spawn(n)[k], as before.
    stream = np.random.SeedSequence(11).spawn(GRID.size)[3]
    expected = _statistic(GRID[3], _generate(GRID[3], np.random.default_rng(stream), 250))
    assert np.array_equal(_fc().toy_statistics[3], expected)


def test_chunk_size_must_be_a_positive_integer():
    with pytest.raises(ValueError, match="chunk_size"):
        _coverage(chunk_size=0)
    with pytest.raises(ValueError, match="chunk_size"):
        _fc(chunk_size=2.5)


def test_a_scheduler_address_without_dask_says_what_to_install():
    code = (
        "import sys; sys.modules['distributed'] = None\n"
        "from cevnslib import coverage\n"
        "coverage.coverage_of_interval(lambda rng, n: rng.normal(size=n), lambda x: x**2, 10, "
        "chunk_size=5, client='tcp://127.0.0.1:8786')"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode != 0 and "pip install cevnslib[dask]" in run.stderr.splitlines()[-1]


@pytest.mark.slow
def test_local_cluster_gives_the_serial_results_bit_for_bit():
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    from cevnslib.chapters import ch11a

    _, *statistics = ch11a.feldman_cousins_inputs()  # chapter 11.1's construction, on three radii

    def csi_fc(client=None):
        return cv.feldman_cousins_interval(
            np.array([3.0, 4.5, 6.0]), *statistics, n_toys=60, seed=4, chunk_size=25, client=client
        )

    serial = {
        "gauss fc": _fc(chunk_size=100),
        "gauss coverage": _coverage(chunk_size=150),
        "csi fc": csi_fc(),
        "chapter coverage": ch11a.coverage_study(),
    }
    # Dask's default MALLOC_TRIM_THRESHOLD_ slows the profile fits several times (benchmarks/bench_dask.py).
    with (
        dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}),
        distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_cluster = {
            "gauss fc": _fc(chunk_size=100, client=client),
            "gauss coverage": _coverage(chunk_size=150, client=client),
            "csi fc": csi_fc(client),
            "chapter coverage": ch11a.coverage_study(client),
        }
        assert len(client.scheduler_info()["workers"]) == 2
    for key in ("gauss fc", "csi fc"):
        a, b = serial[key], on_cluster[key]
        assert np.array_equal(a.toy_statistics, b.toy_statistics), key
        assert np.array_equal(a.critical, b.critical) and a.interval == b.interval, key
    assert np.array_equal(serial["gauss coverage"].statistics, on_cluster["gauss coverage"].statistics)
    a, b = serial["chapter coverage"], on_cluster["chapter coverage"]
    for name in ("rn_hat_fm", "deviance_min"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.array_equal(a.full.statistics, b.full.statistics) and np.array_equal(a.chi2.statistics, b.chi2.statistics)
    assert a.gof_p == b.gof_p
