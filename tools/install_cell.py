"""Give every chapter notebook a first, hidden cell that installs cevnslib where it is missing.

Colab opens a chapter notebook alone, without the repository; the cell then installs the library,
with the notebook tools the chapters use (the ``notebook`` extra: MyST-NB's glue, ipywidgets),
from the repository and branch named once in ``_config.yml`` (``repository``). Where cevnslib is
importable (a clone with ``pip install -r requirements.txt``, Binder, nbval) the cell does
nothing. The cell is tagged ``remove-cell``: the website and the PDF do not show it.

Usage (from anywhere; paths are resolved from this file)::

    python tools/install_cell.py      # add or update the cell in every book/*.ipynb

then rerun ``python tools/regen_outputs.py`` so that execution counts follow.
``tests/test_notebooks.py`` checks that every notebook starts with the cell of this file.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parent.parent
#: Tag of the install cell; jupyter-book removes cells tagged remove-cell from the book.
TAGS = ["remove-cell"]
CELL_ID = "install-cevnslib"
FIRST_LINE = "# Colab, or any Jupyter without the book's library:"


def repository() -> tuple[str, str]:
    """The repository URL and branch of ``_config.yml`` (its ``repository`` block).

    Raises
    ------
    ValueError
        When ``_config.yml`` names no repository URL.
    """
    config = (REPO_ROOT / "_config.yml").read_text()
    block = re.search(r"^repository:\n((?:[ \t]+.*\n)+)", config, flags=re.MULTILINE)
    url = block and re.search(r"^\s+url:\s*(\S+)", block[1], flags=re.MULTILINE)
    if not url:
        raise ValueError("_config.yml has no repository: url: entry")
    branch = re.search(r"^\s+branch:\s*(\S+)", block[1], flags=re.MULTILINE)
    return url[1], branch[1] if branch else "main"


def install_cell_source() -> str:
    """The source of the install cell, for the repository of ``_config.yml``."""
    url, branch = repository()
    return (
        f"{FIRST_LINE} install cevnslib, with the notebook tools\n"
        "# the chapters use, from the book's repository. Where cevnslib is installed, nothing happens.\n"
        "import importlib.util\n"
        "\n"
        'if importlib.util.find_spec("cevnslib") is None:\n'
        f'    %pip install --quiet "cevnslib[notebook] @ git+{url}@{branch}"'
    )


def with_install_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` with the install cell first (replacing an older install cell)."""
    cell = nbformat.v4.new_code_cell(install_cell_source(), metadata={"tags": list(TAGS)})
    cell["id"] = CELL_ID
    cells = [c for c in nb.cells if not (c.cell_type == "code" and c.source.startswith(FIRST_LINE))]
    nb.cells = [cell, *cells]
    return nb


def main() -> int:
    for path in sorted((REPO_ROOT / "book").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nbformat.write(with_install_cell(nb), path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
