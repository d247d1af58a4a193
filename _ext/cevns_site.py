"""Sphinx extension for the cevns-book website: fixes to the themes' output.

- Every script is included once per page: sphinx-thebe's configuration script is registered
  twice (once with filename None, once with ""), and the second ``const THEBE_JS_URL``
  declaration is a JavaScript error.
- The theme's colour mode has a value: with none, pydata-sphinx-theme logs "invalid theme mode".
- PDF: a figure inside an exercise or solution is placed where it stands ([H]) instead of
  floating; LaTeX cannot float a figure out of the framed box sphinx-exercise draws
  ("Not in outer par mode"). Sphinx does the same for figures in its own admonitions.
  Exercises get a LaTeX label, so that references to them (the course guide) link in the PDF.
- PDF structure as on the website: the first page's sections are front matter (unnumbered), the
  numbered part starts the main matter at Chapter 1, and the unnumbered parts after it are
  appendices. The parts are read from _toc.yml (sphinx-external-toc's site map).
- Glued numbers are typeset with a minus sign (U+2212), not the ASCII hyphen-minus that Python's
  format gives them: "−0.27", as in the equations, not "-0.27".
- The PDF edition, when it has been built before the website (``cevns_pdf_path``, by default
  ``_build/latex/cevns-book.pdf`` from ``jupyter-book build . --builder pdflatex``), is copied
  into the site and linked from the first page. Without it the website is built as before, with
  no link: the strict HTML build does not depend on TeX.

Loaded from ``_config.yml`` (``sphinx.local_extensions``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

#: Name of the PDF edition in the built website.
PDF_NAME = "cevns-book.pdf"
#: A hyphen-minus that is a number's sign: not inside a word or a number ("1e-5", "p-value").
_SIGN = re.compile(r"(?<![\w.])-(?=[\d.])")


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        attributes = tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items()))
        # An inline script's filename is None or "" depending on who added it (sphinx-thebe, the
        # book theme): both mean "no file", so they are the same script when the bodies agree.
        key = (getattr(script, "filename", str(script)) or "", attributes)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique
    if not context.get("default_mode"):
        context["default_mode"] = "light"


def _without_floats(visit, depart):
    """LaTeX visitors around sphinx-exercise's own: no floats inside, and a label for the node."""

    def visit_without_floats(translator, node):
        visit(translator, node)
        translator.no_latex_floats += 1
        label = node.get("label")
        if label and node.tagname != "solution_node":  # sphinx-exercise labels solutions itself
            docname = translator.builder.env.sphinx_exercise_registry[label]["docname"]
            translator.body.append(f"\\phantomsection\\label{{\\detokenize{{{docname}:{label}}}}}\n")

    def depart_without_floats(translator, node):
        translator.no_latex_floats -= 1
        depart(translator, node)

    return visit_without_floats, depart_without_floats


def _exercise_figures_in_place(app):
    from sphinx_exercise import nodes

    for node_class, visit, depart in [
        (nodes.exercise_node, nodes.visit_exercise_node, nodes.depart_exercise_node),
        (nodes.exercise_enumerable_node, nodes.visit_exercise_enumerable_node, nodes.depart_exercise_enumerable_node),
        (nodes.solution_node, nodes.visit_solution_node, nodes.depart_solution_node),
    ]:
        app.add_node(node_class, override=True, latex=_without_floats(visit, depart))


def _latex_matter(app, doctree, docname):
    """Mark front matter, main matter and appendices in the PDF's one assembled document tree."""
    site_map = getattr(app.env, "external_site_map", None)
    if app.builder.name != "latex" or site_map is None:
        return
    root = site_map[site_map.root.docname]
    marks = {}
    numbered = [tree for tree in root.subtrees if tree.numbered]
    if numbered:
        marks[str(numbered[0].items[0])] = "\\mainmatter"
        after = root.subtrees[root.subtrees.index(numbered[-1]) + 1 :]
        if after:
            marks[str(after[0].items[0])] = "\\appendix"
    for start in doctree.findall(addnodes.start_of_file):
        if start["docname"] in marks:
            start.insert(0, nodes.raw("", marks[start["docname"]] + "\n", format="latex"))
    if docname == root.docname:
        doctree.insert(0, nodes.raw("", "\\frontmatter\n", format="latex"))


def _glued_minus_signs(app, doctree, docname):
    """Replace the hyphen-minus of negative glued numbers (myst-nb's "pasted-text" spans) by U+2212."""
    for node in list(doctree.findall(nodes.inline)):
        if "pasted-text" not in node.get("classes", ()):
            continue
        for text in list(node.findall(nodes.Text)):
            signed = _SIGN.sub("\u2212", str(text))
            if signed != str(text):
                text.parent.replace(text, nodes.Text(signed))


def _pdf_edition(app) -> Path | None:
    if app.builder.format != "html":
        return None
    pdf = Path(app.srcdir) / app.config.cevns_pdf_path
    return pdf if pdf.is_file() else None


def _link_pdf_edition(app, doctree, docname):
    if docname != app.config.root_doc or (pdf := _pdf_edition(app)) is None:
        return
    size_mb = pdf.stat().st_size / 1e6
    uri = "../" * docname.count("/") + PDF_NAME
    link = nodes.paragraph(
        "",
        "",
        nodes.Text("Read it offline or print it: "),
        nodes.reference("", "the PDF edition", refuri=uri),
        nodes.Text(f" ({size_mb:.0f} MB)."),
    )
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None:
        section.insert(1, link)  # after the title


def _copy_pdf_edition(app, exception):
    if exception is None and (pdf := _pdf_edition(app)) is not None:
        shutil.copyfile(pdf, Path(app.outdir) / PDF_NAME)


def setup(app):
    app.setup_extension("sphinx_exercise")
    app.add_config_value("cevns_pdf_path", "_build/latex/" + PDF_NAME, "html")
    _exercise_figures_in_place(app)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("doctree-resolved", _glued_minus_signs)
    app.connect("doctree-resolved", _latex_matter)
    app.connect("doctree-resolved", _link_pdf_edition)
    app.connect("build-finished", _copy_pdf_edition)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
