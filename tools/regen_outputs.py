"""Regenerate the committed outputs of the book's notebooks.

Runs every ``book/*.ipynb`` in sorted order, in place, with the ``python3``
kernel, from the notebook's own directory -- the equivalent of::

    jupyter execute --inplace --kernel_name=python3 --timeout=600 book/NAME.ipynb

for each notebook, using nbclient directly so that execution timestamps are
not written into the notebooks (they would change on every run). The kernel
must be able to import ``cevnslib``; ``pip install -r requirements.txt``
arranges that.

Two more things would change on every run, and are normalised after execution
so that rerunning with nothing changed leaves the files as they are:

* printed text: a cell's stdout arrives in pieces whose boundaries depend on
  buffering and timing, so consecutive stream outputs of the same name (stdout
  or stderr) within a cell are merged into one. A stream separated from the
  next by another output (a figure, a glued value) stays separate.
* ipywidgets model ids, which the kernel draws at random: every id in the
  widget state (``metadata.widgets``, its keys and the ``IPY_MODEL_<id>``
  references inside it) and in the widget views of the outputs is replaced by
  the first 32 hex digits of ``sha1("<notebook stem>:<n>")``, where n counts
  the models in order of first appearance: the widgets displayed by the cells,
  in cell order, each followed by the models it refers to, then any remaining
  models in the order the kernel created them.

The widget state itself (``metadata.widgets``) is then dropped: the website
shows precomputed explorers (``static/explore``, written by
``tools/make_explorer_frames.py``) instead of live widgets, so no page needs
the widget manager's JavaScript, and a reader who runs the notebook in Jupyter
gets live widgets from the kernel.

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
import hashlib
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO_ROOT = Path(__file__).resolve().parent.parent
BOOK_DIR = REPO_ROOT / "book"
KERNEL_NAME = "python3"
DEFAULT_TIMEOUT_S = 600
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MODEL_REFERENCE = re.compile(r"IPY_MODEL_(\w+)")


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


def merge_streams(nb) -> None:
    """Merge consecutive stream outputs of the same name within each code cell."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        merged = []
        for output in cell.outputs:
            previous = merged[-1] if merged else None
            if (
                output.output_type == "stream"
                and previous is not None
                and previous.output_type == "stream"
                and previous.name == output.name
            ):
                previous.text += output.text
            else:
                merged.append(output)
        cell.outputs = merged


def _model_references(obj) -> list[str]:
    """Model ids that a widget's state refers to, in a fixed order (dict keys sorted)."""
    if isinstance(obj, str):
        return MODEL_REFERENCE.findall(obj)
    if isinstance(obj, dict):
        found = []
        for key in sorted(obj):
            if key == WIDGET_VIEW and isinstance(obj[key], dict) and "model_id" in obj[key]:
                found.append(obj[key]["model_id"])  # a widget shown inside an Output widget
            else:
                found += _model_references(obj[key])
        return found
    if isinstance(obj, list):
        return [ref for item in obj for ref in _model_references(item)]
    return []


def _renamed(obj, new_ids: dict[str, str]):
    """``obj`` with every model id (references and widget views) replaced by its new id."""
    if isinstance(obj, str):
        return MODEL_REFERENCE.sub(lambda m: "IPY_MODEL_" + new_ids.get(m[1], m[1]), obj)
    if isinstance(obj, dict):
        out = type(obj)()
        for key, value in obj.items():
            if key == "model_id" and isinstance(value, str):
                out[key] = new_ids.get(value, value)
            else:
                out[key] = _renamed(value, new_ids)
        return out
    if isinstance(obj, list):
        return [_renamed(item, new_ids) for item in obj]
    return obj


def renumber_widgets(nb, stem: str) -> None:
    """Replace the kernel's random ipywidgets model ids by ids derived from ``stem``."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    order: list[str] = []

    def visit(model_id: str) -> None:
        queue = [model_id]
        while queue:
            current = queue.pop(0)
            if current in order:
                continue
            order.append(current)
            queue += _model_references(state.get(current, {}))

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view and "model_id" in view:
                visit(view["model_id"])
    for model_id in state:  # not displayed: in the order of creation
        visit(model_id)
    if not order:
        return
    new_ids = {old: hashlib.sha1(f"{stem}:{n}".encode()).hexdigest()[:32] for n, old in enumerate(order)}
    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = _renamed(cell.outputs, new_ids)
    if state:
        nb.metadata.widgets[WIDGET_STATE]["state"] = nbformat.from_dict(
            {new_ids[old]: _renamed(value, new_ids) for old, value in state.items()}
        )


def run_notebook(path: Path, timeout: int) -> None:
    """Execute one notebook in place, in its own directory, and normalise its outputs."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=timeout,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    merge_streams(nb)
    renumber_widgets(nb, path.stem)
    nb.metadata.pop("widgets", None)  # see the module docstring
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
