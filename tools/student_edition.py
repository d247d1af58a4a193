"""Write the student edition of the book: every chapter and page without its exercises' solutions.

The student edition is a copy of the book's sources in which every solution is removed, both forms
that sphinx-exercise knows:

* a ``{solution}`` directive block (in a Markdown cell or a ``.md`` page) is cut out of the text;
* a gated solution, everything from its ``{solution-start}`` directive to its ``{solution-end}``
  directive, is removed whole, with the code cells inside it and their outputs (figures, printed
  numbers).

A cell tagged ``solutions-note`` (prose about the solutions, such as "each solution is hidden
below its exercise") is removed too. The exercises stay, with their numbers. The first page says
that this is the student edition.
Notebook cells outside the solutions are copied unchanged, outputs included, so the student
notebooks open with the same figures as the book and rerun in Jupyter, Binder or Colab.

Usage, from anywhere (paths are resolved from this file)::

    python tools/student_edition.py                       # writes _build/student
    python tools/student_edition.py --outdir DIR          # writes DIR
    python tools/student_edition.py --build               # and builds its website (strict)

The website is then in ``<outdir>/_build/html``; the notebooks to hand out are ``<outdir>/book``.
(sphinx-exercise's own switch, ``hide_solutions: true``, fails on gated solutions with the pinned
version, and it would leave the solutions in the notebooks.)
"""

from __future__ import annotations

import argparse
import copy
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parent.parent
#: What the student edition copies from the repository: the book's sources and the site's assets.
BOOK_SOURCES = ("_config.yml", "_toc.yml", "references.bib", "book", "static", "_ext", "site_root")
STUDENT_NOTE = "```{note}\nThis is the **student edition**: the exercises are here, their solutions are not.\n```\n"
#: File that marks a folder as a student edition this tool wrote (and may replace).
MARKER = ".cevns-student-edition"
#: A glue reference in MyST text: a role (``{glue:text}`name:.2f```, ``{glue}`page::name```) or a
#: directive (``{glue:figure} name``); group 1 or 2 is the reference, before its format.
_GLUE_REFERENCE = re.compile(r"\{glue(?::\w+)?\}`([^`]+)`|\{glue:\w+\}[ \t]+(\S+)")
#: Tag of a notebook cell that speaks of the solutions and has no place without them.
SOLUTIONS_NOTE_TAG = "solutions-note"
_FENCE_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}")


def _directive(line: str) -> tuple[str, str, str] | None:
    """(indent, fence, directive name) when ``line`` opens a MyST directive, else None."""
    match = _FENCE_OPEN.match(line)
    return (match["indent"], match["fence"], match["name"]) if match else None


def _directive_end(lines: list[str], start: int) -> int:
    """Index of the line closing the directive opened on ``lines[start]``."""
    fence = _directive(lines[start])[1]
    end = next((j for j in range(start + 1, len(lines)) if lines[j].strip() == fence), None)
    if end is None:
        raise ValueError(f"unclosed directive starting {lines[start].strip()!r}")
    return end


def _strip_lines(text: str, inside: bool) -> tuple[str, bool]:
    """Remove solutions from MyST ``text``; ``inside`` says whether it starts in a gated solution.

    Returns the text left and whether it ends inside a gated solution.
    """
    lines = text.splitlines(keepends=True)
    kept, i = [], 0
    while i < len(lines):
        name = (_directive(lines[i]) or ("", "", ""))[2]
        if inside:
            if name == "solution-start":
                raise ValueError("a {solution-start} inside another gated solution")
            if name == "solution-end":
                inside = False
            i = _directive_end(lines, i) + 1 if name else i + 1
        elif name == "solution-end":
            raise ValueError("a {solution-end} without its {solution-start}")
        elif name in ("solution", "solution-start"):
            inside = name == "solution-start"
            i = _directive_end(lines, i) + 1
        else:
            kept.append(lines[i])
            i += 1
    stripped = re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip("\n")
    return (stripped + "\n" if stripped and text.endswith("\n") else stripped), inside


def strip_solutions(text: str) -> str:
    """Remove every solution from MyST Markdown ``text`` (a page or a notebook's Markdown).

    Both forms go: a ``{solution}`` directive block, and a gated solution from its
    ``{solution-start}`` directive to its ``{solution-end}`` directive. A directive runs from its
    opening fence (three or more backticks or colons) to the first line that is exactly that
    fence; fences of nested directives are longer, as MyST requires. Blank lines left where a
    solution was are collapsed to one.

    Raises
    ------
    ValueError
        When a directive is not closed, or the gates of a gated solution do not pair up.
    """
    stripped, inside = _strip_lines(text, inside=False)
    if inside:
        raise ValueError("a {solution-start} without its {solution-end}")
    return stripped


def student_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of notebook ``nb`` with every solution removed (see the module docstring).

    Code cells between a ``{solution-start}`` and its ``{solution-end}`` go with their outputs;
    Markdown cells lose the solution text they hold (see :func:`strip_solutions`) and go when
    nothing is left.

    Raises
    ------
    ValueError
        When a directive is not closed, or the gates of a gated solution do not pair up.
    """
    student = nbformat.from_dict(nb)
    cells, inside = [], False
    for cell in student.cells:
        if SOLUTIONS_NOTE_TAG in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "markdown":
            cell.source, inside = _strip_lines(cell.source, inside)
            if cell.source.strip():
                cells.append(cell)
        elif not inside:
            cells.append(cell)
    if inside:
        raise ValueError("a {solution-start} without its {solution-end}")
    student.cells = cells
    return student


def _announce(intro_md: str) -> str:
    """Put the student-edition note under the first page's title."""
    title, _, rest = intro_md.partition("\n")
    return f"{title}\n\n{STUDENT_NOTE}{rest}"


def quoted_glue(text: str) -> set[str]:
    """Names of the glued values that MyST ``text`` quotes (without a page prefix or format)."""
    names = set()
    for role, directive in _GLUE_REFERENCE.findall(text):
        reference = (role or directive).split("::")[-1]
        names.add(reference.split(":")[0])
    return names


def drop_unquoted_glue(nb: nbformat.NotebookNode, quoted: set[str]) -> nbformat.NotebookNode:
    """A copy of ``nb`` without the glue outputs whose names are not in ``quoted``."""

    def kept(output) -> bool:
        name = output.get("metadata", {}).get("scrapbook", {}).get("name")
        return name is None or name in quoted

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.outputs if kept(output)]
    return nb


def write_student_edition(outdir: Path) -> list[Path]:
    """Copy the book's sources into ``outdir`` without solutions; return the pages written.

    ``outdir`` must be new, empty, or a student edition this tool wrote before (it then holds the
    file ``MARKER``), which is replaced. ``node_modules`` (the website's MathJax, ``npm ci``) is
    linked, not copied. Glued numbers that only the removed solutions quoted are dropped from the
    notebooks' outputs too, so the handed-out notebooks do not carry the answers.

    Raises
    ------
    ValueError
        When ``outdir`` is the repository, holds it, or is a folder of the book's sources; when it
        is a non-empty folder this tool did not write; or when a solution is not closed (see
        :func:`strip_solutions`).
    """
    outdir = outdir.resolve()
    if REPO_ROOT.is_relative_to(outdir) or any(outdir.is_relative_to(REPO_ROOT / name) for name in BOOK_SOURCES):
        raise ValueError(f"outdir must not be the repository, a folder holding it, or one of its sources, got {outdir}")
    if outdir.exists():
        if not outdir.is_dir() or (any(outdir.iterdir()) and not (outdir / MARKER).is_file()):
            raise ValueError(
                f"outdir {outdir} exists and is not a student edition written by this tool "
                f"(no {MARKER} file): give a new or empty folder"
            )
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    (outdir / MARKER).write_text("Written by tools/student_edition.py; replaced by its next run.\n")
    for name in BOOK_SOURCES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, outdir / name, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        else:
            shutil.copy2(source, outdir / name)
    if (REPO_ROOT / "node_modules").is_dir():
        (outdir / "node_modules").symlink_to(REPO_ROOT / "node_modules", target_is_directory=True)
    pages = sorted((outdir / "book").glob("*.ipynb")) + sorted((outdir / "book").glob("*.md"))
    notebooks = {}
    for page in pages:
        if page.suffix == ".ipynb":
            notebooks[page] = student_notebook(nbformat.read(page, as_version=4))
        else:
            page.write_text(strip_solutions(page.read_text()))
    quoted = set().union(
        *(quoted_glue(page.read_text()) for page in pages if page.suffix == ".md"),
        *(quoted_glue(cell.source) for nb in notebooks.values() for cell in nb.cells if cell.cell_type == "markdown"),
    )
    for page, nb in notebooks.items():
        nbformat.write(drop_unquoted_glue(nb, quoted), page)
    intro = outdir / "book" / "intro.md"
    intro.write_text(_announce(intro.read_text()))
    config = outdir / "_config.yml"
    text = re.sub(r'^title: "(.*)"$', r'title: "\1 (student edition)"', config.read_text(), count=1, flags=re.MULTILINE)
    # Binder and Colab would open the book's own notebooks, solutions included: no launch buttons.
    text, found = re.subn(r"^launch_buttons:\n(?:[ \t]+.*\n)+", "", text, count=1, flags=re.MULTILINE)
    if not found:
        raise ValueError("_config.yml has no launch_buttons block to remove")
    config.write_text(text)
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--outdir",
        type=Path,
        default=REPO_ROOT / "_build" / "student",
        help="folder to write (replaced if it exists); default _build/student",
    )
    parser.add_argument("--build", action="store_true", help="build its website strictly into OUTDIR/_build/html")
    args = parser.parse_args(argv)
    try:
        pages = write_student_edition(args.outdir)
    except ValueError as error:
        parser.error(str(error))
    print(f"student edition: {len(pages)} pages without solutions in {args.outdir}")
    if args.build:
        build = ["jupyter-book", "build", "-W", "-n", "--keep-going", "--all", str(args.outdir)]
        return subprocess.run(build, check=False).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
