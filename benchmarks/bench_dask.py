"""Wall time of one Feldman-Cousins construction: serial, and on a Dask LocalCluster of 1 and 2 workers.

Run from the repository root:  python benchmarks/bench_dask.py [--toys N] [--dask-malloc-default]
The construction is chapter 11.1's (:func:`cevnslib.chapters.ch11a.feldman_cousins`): the full CsI 2017
likelihood, 14 true radii, 400 toys each (``--toys`` changes that), each radius one task. The serial
run is the reference; each cluster run is checked to give the same toys, bit for bit. Times are of the
construction alone (workers started, cevnslib imported, likelihood sent to them inside it); starting
the cluster is timed separately. Workers are processes with one thread each.

Dask starts each worker process with ``MALLOC_TRIM_THRESHOLD_=65536`` (to hand memory back to the
system), which disables glibc's adaptive mmap threshold: every large numpy temporary of the profile
fits is then mapped and unmapped afresh, and the toys run several times slower. The benchmark, like
the book's example, unsets it (``distributed.nanny.pre-spawn-environ``); ``--dask-malloc-default``
keeps Dask's setting to show the difference.
"""

from __future__ import annotations

import argparse
import time

import dask
import numpy as np
from distributed import Client, LocalCluster

from cevnslib import coverage
from cevnslib.chapters import ch11a


def construction(n_toys: int, client=None) -> coverage.FeldmanCousins:
    """Chapter 11.1's Feldman-Cousins construction of R_n with ``n_toys`` toys per radius."""
    return coverage.feldman_cousins_interval(
        *ch11a.feldman_cousins_inputs(), n_toys=n_toys, seed=ch11a.SEED_FELDMAN_COUSINS, client=client
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toys", type=int, default=ch11a.N_FC_TOYS, help="toys per radius (default: the book's)")
    parser.add_argument(
        "--dask-malloc-default", action="store_true", help="keep Dask's MALLOC_TRIM_THRESHOLD_ in the workers"
    )
    args = parser.parse_args()
    if not args.dask_malloc_default:
        dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})

    ch11a.variant("et")  # build the templates once, outside every timing
    start = time.perf_counter()
    reference = construction(args.toys)
    serial_s = time.perf_counter() - start
    print(f"Feldman-Cousins construction of R_n: 14 radii x {args.toys} toys (chapter 11.1's likelihood)")
    print(f"{'run':<22}{'wall s':>8}{'cluster start s':>17}   same toys as serial")
    print(f"{'serial (client=None)':<22}{serial_s:>8.1f}{'':>17}   (reference)")
    for workers in (1, 2):
        start = time.perf_counter()
        with (
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
            Client(cluster) as client,
        ):
            started_s = time.perf_counter() - start
            start = time.perf_counter()
            result = construction(args.toys, client)
            wall_s = time.perf_counter() - start
        same = np.array_equal(result.toy_statistics, reference.toy_statistics)
        print(f"{f'{workers} worker' + 's' * (workers > 1):<22}{wall_s:>8.1f}{started_s:>17.1f}   {same}")


if __name__ == "__main__":
    main()
