"""Regenerate the committed outputs of the book's notebooks.

Runs every ``book/*.ipynb`` in sorted order, in place, with the ``python3``
kernel, from the notebook's own directory -- the equivalent of::

    jupyter execute --inplace --kernel_name=python3 --timeout=600 book/NAME.ipynb

for each notebook, using nbclient directly so that execution timestamps are
not written into the notebooks (they would change on every run). The kernel
must be able to import ``cevnslib``; ``pip install -r requirements.txt``
arranges that.

Usage (from anywhere; paths are resolved from this file)::

    python tools/regen_outputs.py                  # every book/*.ipynb
    python tools/regen_outputs.py book/foo.ipynb   # only the named notebooks
    python tools/regen_outputs.py --timeout 1200

The committed outputs are what the website shows and what ``pytest`` (nbval)
compares against, so rerun this after changing a notebook or the library
code it calls, and commit the result.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO_ROOT = Path(__file__).resolve().parent.parent
BOOK_DIR = REPO_ROOT / "book"
KERNEL_NAME = "python3"
DEFAULT_TIMEOUT_S = 600


def find_notebooks(names: list[str]) -> list[Path]:
    """Return the notebooks to run: the named ones, or all of book/*.ipynb."""
    if not names:
        return sorted(BOOK_DIR.glob("*.ipynb"))
    paths = []
    for name in names:
        path = Path(name)
        if not path.is_absolute() and not path.exists():
            path = REPO_ROOT / name
        if path.suffix != ".ipynb" or not path.is_file():
            raise SystemExit(f"not a notebook: {name}")
        paths.append(path.resolve())
    return sorted(paths)


def run_notebook(path: Path, timeout: int) -> None:
    """Execute one notebook in place, in its own directory."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=timeout,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nbformat.write(nb, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: every book/*.ipynb)")
    parser.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_TIMEOUT_S,
        help=f"seconds a single cell may run (default {DEFAULT_TIMEOUT_S})",
    )
    args = parser.parse_args(argv)

    # Kernels inherit this environment. Force the inline matplotlib backend
    # (an inherited MPLBACKEND=Agg would silently drop every figure output)
    # and a fixed hash seed, so that reruns give the same outputs.
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    os.environ["PYTHONHASHSEED"] = "0"

    notebooks = find_notebooks(args.notebooks)
    if not notebooks:
        print(f"no notebooks in {BOOK_DIR.relative_to(REPO_ROOT)}/; nothing to regenerate")
        return 0

    failed = []
    for path in notebooks:
        rel = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
        start = time.perf_counter()
        print(f"running {rel} ...", flush=True)
        try:
            run_notebook(path, args.timeout)
        except Exception as exc:  # report and continue with the next notebook
            failed.append(rel)
            print(f"FAILED  {rel}: {type(exc).__name__}: {exc}", flush=True)
        else:
            print(f"ok      {rel} ({time.perf_counter() - start:.1f} s)", flush=True)

    print(f"{len(notebooks) - len(failed)} regenerated, {len(failed)} failed")
    for rel in failed:
        print(f"  failed: {rel}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
