"""The student edition (tools/student_edition.py): exercises without their solutions.

The stripping is checked on hand-made text and notebooks, then on the book's own notebooks. The
built student website is checked against the built book: no solution's text, figure or box is
left, every exercise is. That check reads the two sites named by ``CEVNS_BOOK_HTML`` and
``CEVNS_STUDENT_HTML`` (.ci/run builds both) and skips, saying so, where they are not given.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("student_edition", REPO / "tools" / "student_edition.py")
student_edition = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(student_edition)

EXERCISE = "```{exercise} Title\n:label: ex-a\n\nDo it.\n```\n"


def test_solution_block_goes_and_its_exercise_stays():
    text = EXERCISE + "\n```{solution} ex-a\n:class: dropdown\n\nThe answer is 42.\n```\n\nAfter.\n"
    out = student_edition.strip_solutions(text)
    assert "answer" not in out and "{solution}" not in out
    assert out.startswith(EXERCISE) and out.endswith("\n\nAfter.\n")


def test_nested_and_colon_fences():
    text = (
        "::::{solution} ex-a\n````{math}\nx\n````\n```python\ncode\n```\n::::\nkept\n"
        "`````{solution} ex-b\n````{note}\n```\ninner\n```\n````\n`````\nalso kept\n"
    )
    assert student_edition.strip_solutions(text) == "kept\nalso kept\n"


def test_gated_solution_inside_one_text():
    text = (
        "before\n```{solution-start} ex-a\n:class: dropdown\n```\nhidden\n"
        "```{math}\ny\n```\n```{solution-end}\n```\nafter\n"
    )
    assert student_edition.strip_solutions(text) == "before\nafter\n"


@pytest.mark.parametrize(
    "text, message",
    [
        ("```{solution} ex-a\nnever closed\n", "unclosed"),
        ("```{solution-start} ex-a\n```\nno end\n", "without its {solution-end}"),
        ("```{solution-end}\n```\n", "without its {solution-start}"),
        ("```{solution-start} a\n```\n```{solution-start} b\n```\n", "inside another"),
    ],
)
def test_unpaired_solutions_are_refused(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        student_edition.strip_solutions(text)


def _cell(kind, source, tags=(), outputs=()):
    if kind == "code":
        return nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)}, outputs=list(outputs))
    return nbformat.v4.new_markdown_cell(source, metadata={"tags": list(tags)})


def test_gated_solution_across_cells_takes_code_and_outputs():
    figure = nbformat.v4.new_output("display_data", data={"image/png": "c29sdXRpb24="})
    nb = nbformat.v4.new_notebook(
        cells=[
            _cell("code", "setup()"),
            _cell("markdown", "Each solution is hidden below its exercise.", tags=["solutions-note"]),
            _cell("markdown", EXERCISE + "```{solution-start} ex-a\n:class: dropdown\n```\nWe compute:"),
            _cell("code", "answer = 42", outputs=[figure]),
            _cell("markdown", "```{solution-end}\n```\nNext section."),
            _cell("code", "plot()"),
        ]
    )
    student = student_edition.student_notebook(nb)
    assert [c.source for c in student.cells] == ["setup()", EXERCISE.rstrip("\n"), "Next section.", "plot()"]
    assert len(nb.cells) == 6  # the original is not modified
    with pytest.raises(ValueError, match="without its"):
        student_edition.student_notebook(nbformat.v4.new_notebook(cells=nb.cells[:4]))


@pytest.mark.parametrize("path", sorted((REPO / "book").glob("*.ipynb")), ids=lambda p: p.stem)
def test_book_notebooks_lose_solutions_and_keep_exercises(path):
    nb = nbformat.read(path, as_version=4)
    student = student_edition.student_notebook(nb)
    text = "\n".join(c.source for c in student.cells)
    assert not re.search(r"\{solution(-start|-end)?\}", text)
    original = "\n".join(c.source for c in nb.cells)
    assert text.count("{exercise}") == original.count("{exercise}")
    # What is left is the original's cells, in order: the student notebook reruns like the book.
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    left = iter(code)
    assert all(any(c.source == s for s in left) for c in student.cells if c.cell_type == "code")
    assert not re.search(r"solutions? (is|are) hidden", text), "a sentence about the solutions is left"
    # Every number the student prose quotes is still glued by a cell the student edition keeps.
    quoted = set(re.findall(r"\{glue(?::\w+)?\}`([\w.+-]+?)(?::[^`]*)?`", text))
    glued = {
        output["metadata"]["scrapbook"]["name"]
        for cell in student.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "scrapbook" in output.get("metadata", {})
    }
    assert quoted <= glued, f"glued only inside a solution: {sorted(quoted - glued)}"


@pytest.fixture
def fake_repo(tmp_path, monkeypatch):
    """A throwaway repository for the tool to guard: a wrong guard can only delete under tmp_path."""
    root = tmp_path / "outer" / "repo"
    (root / "book").mkdir(parents=True)
    (root / "book" / "keep.md").write_text("a page")
    monkeypatch.setattr(student_edition, "REPO_ROOT", root)
    return root


def test_outdir_must_not_be_the_book(fake_repo):
    with pytest.raises(ValueError, match="outdir"):
        student_edition.write_student_edition(fake_repo / "book")
    assert (fake_repo / "book" / "keep.md").is_file()


def test_outdir_must_not_hold_the_repository_nor_be_someone_elses_folder(fake_repo, tmp_path):
    for holder in (fake_repo, fake_repo.parent):
        with pytest.raises(ValueError, match="holding it"):
            student_edition.write_student_edition(holder)
    assert (fake_repo / "book" / "keep.md").is_file()
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("a reader's file")
    with pytest.raises(ValueError, match="not a student edition"):
        student_edition.write_student_edition(other)
    assert (other / "notes.txt").read_text() == "a reader's file"


def test_glue_references_are_read_without_prefix_or_format():
    text = "{glue:text}`ch7-n:.0f` and {glue}`other.ipynb::ch7-x+0.1` and\n```{glue:figure} fig-name\n:name: f\n```"
    assert student_edition.quoted_glue(text) == {"ch7-n", "ch7-x+0.1", "fig-name"}


def test_glue_that_only_solutions_quoted_is_dropped():
    glued = [_cell("code", "glue_all(numbers())")]
    glued[0].outputs = [
        nbformat.v4.new_output("display_data", data={"text/plain": "1"}, metadata={"scrapbook": {"name": name}})
        for name in ("kept", "answer")
    ]
    glued[0].outputs.append(nbformat.v4.new_output("stream", text="printed\n"))
    nb = nbformat.v4.new_notebook(cells=glued)
    left = student_edition.drop_unquoted_glue(nb, {"kept"}).cells[0].outputs
    assert [o.get("metadata", {}).get("scrapbook", {}).get("name") for o in left] == ["kept", None]
    assert len(nb.cells[0].outputs) == 3  # the original is not modified


def test_written_edition_carries_no_answer_and_no_launch_button(tmp_path):
    outdir = tmp_path / "student"
    student_edition.write_student_edition(outdir)
    student_edition.write_student_edition(outdir)  # its own earlier edition is replaced
    assert "launch_buttons" not in (outdir / "_config.yml").read_text()
    pages = sorted((outdir / "book").glob("*.md"))
    quoted_on_pages = set().union(*(student_edition.quoted_glue(md.read_text()) for md in pages))
    for path in sorted((outdir / "book").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        glued = {
            o["metadata"]["scrapbook"]["name"]
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.outputs
            if "scrapbook" in o.get("metadata", {})
        }
        assert glued <= student_edition.quoted_glue(text) | quoted_on_pages, path.name
        if path.name == "07_figure1.ipynb":  # a solution's number, glued by the chapter's numbers()
            assert "ch7-ex-thr-equal" not in glued and "ch7-ex-thr-equal" in (REPO / "book" / path.name).read_text()


# -- the built student website against the built book ------------------------------------------


def _sites():
    book, student = os.environ.get("CEVNS_BOOK_HTML"), os.environ.get("CEVNS_STUDENT_HTML")
    if not (book and student):
        pytest.skip("set CEVNS_BOOK_HTML and CEVNS_STUDENT_HTML to the two built sites (.ci/run does)")
    return Path(book).resolve(), Path(student).resolve()


def _pages(root):
    bs4 = pytest.importorskip("bs4")
    return {
        p.relative_to(root).as_posix(): bs4.BeautifulSoup(p.read_text(), "html.parser")
        for p in sorted((root / "book").glob("*.html"))
    }


def _pages_one(root, page):
    bs4 = pytest.importorskip("bs4")
    return bs4.BeautifulSoup((root / page).read_text(), "html.parser")


def _solution_boxes(soup):
    return soup.select("div.solution")


def _sentences(element):
    words = " ".join(element.get_text(" ").split())
    return [s for s in re.split(r"(?<=[.:;])\s+", words) if len(s) >= 40]


def test_student_site_has_every_exercise_and_no_solution():
    book_root, student_root = _sites()
    book, student = _pages(book_root), _pages(student_root)
    assert set(book) == set(student)
    solutions_seen = 0
    for page, soup in book.items():
        theirs = student[page]
        assert len(theirs.select("div.exercise")) == len(soup.select("div.exercise")), page
        assert not _solution_boxes(theirs), f"{page} still has a solution box"
        assert "Solution to" not in theirs.get_text(), page
        student_text = " ".join(theirs.get_text(" ").split())
        # Sentences a solution shares with the rest of its page may stay.
        for box in _solution_boxes(soup):
            box.extract()
        outside = " ".join(soup.get_text(" ").split())
        for box in _solution_boxes(_pages_one(book_root, page)):
            solutions_seen += 1
            for sentence in _sentences(box):
                if sentence not in outside:
                    assert sentence not in student_text, f"{page} keeps solution text: {sentence[:80]}"
            for image in box.select("img"):
                name = Path(image["src"]).name
                assert (book_root / "_images" / name).is_file()
                assert not (student_root / "_images" / name).exists(), f"{page} keeps a solution figure"
    assert solutions_seen >= 30
    assert "student edition" in student["book/intro.html"].get_text()
