"""The built website in a real browser, offline, at desktop and phone width: no JavaScript error, equations
typeset and inside the column, images load, explorers switch frames, links whole.

Takes the site in the folder named by ``CEVNS_BOOK_HTML`` (as .ci/run does after its strict build), or
the repository's ``_build/html`` if it was built after the last change to its sources (the README's
build command), or else builds the book strictly into a temporary folder; serves it on 127.0.0.1, opens every page
in headless Chromium (Debian's package ``chromium``, driven by Playwright) with every request to another host
refused, and keeps a screenshot of each page. Skips, saying why, where Chromium or the npm assets
(``npm ci``) are missing; CI installs both.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urldefrag

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if CHROMIUM is None:
    pytest.skip("Chromium is not installed (Debian package 'chromium'); .ci/run installs it", allow_module_level=True)
if not (REPO / "node_modules" / "mathjax").is_dir():
    pytest.skip("the website's JavaScript is not installed: run `npm ci`", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")

# Text the reader sees, without code blocks (code legitimately holds $ and TeX strings).
VISIBLE_TEXT_JS = """() => {
  const body = document.querySelector('main') || document.body;
  const copy = body.cloneNode(true);
  copy.querySelectorAll('pre, code, .highlight, script, style, mjx-container').forEach(e => e.remove());
  return copy.textContent;
}"""
RAW_TEX = re.compile(r"\$\$|\\frac|\\varepsilon|\\\(|\\\[|\\begin\{")


#: What the website is built from (git pathspecs): the repository's own ``_build/html`` is used as it
#: is only if it was built after the last change to any of them.
SITE_SOURCES = (
    "_config.yml",
    "_toc.yml",
    "references.bib",
    "book",
    "cevnslib",
    "_ext",
    "static",
    "site_root",
    "package-lock.json",
)


def up_to_date_site() -> Path | None:
    """``_build/html`` when its last build (its search index is rewritten by every build) is newer than
    every source file, tracked or new; None when there is none, or it is older, or git cannot say."""
    index = REPO / "_build" / "html" / "searchindex.js"
    if not (index.is_file() and (index.parent / "book" / "intro.html").is_file()):
        return None
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *SITE_SOURCES],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    files = [REPO / name for name in listed.stdout.split("\0") if name]
    if listed.returncode != 0 or not files:
        return None
    newest_source = max(f.stat().st_mtime for f in files if f.exists())
    return index.parent if index.stat().st_mtime > newest_source else None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if os.environ.get("CEVNS_BOOK_HTML"):
        root = Path(os.environ["CEVNS_BOOK_HTML"]).resolve()
        assert (root / "book" / "intro.html").is_file(), f"no built book in {root}"
    elif up_to_date_site() is not None:
        root = up_to_date_site()
    else:
        out = tmp_path_factory.mktemp("site")
        build = subprocess.run(
            ["jupyter-book", "build", str(REPO), "--path-output", str(out), "-W", "-n", "--keep-going"],
            capture_output=True,
            text=True,
        )
        assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
        root = out / "_build" / "html"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


#: Desktop and phone widths [CSS px] at which every page is opened.
WIDTHS_PX = (1400, 400)
#: Where equations and tables end, against the text column: ``overflow`` is how far their content
#: is wider than their box (a scroll box then lets the reader scroll it), ``outside`` how far their
#: box reaches beyond the column (cut off or pushing the page sideways).
MEASURE_JS = """() => {
  const main = document.querySelector('main') || document.body;
  const column = (main.querySelector('article') || main).getBoundingClientRect();
  const out = [];
  for (const el of main.querySelectorAll('mjx-container[display="true"], table')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;
    const scroller = el.closest('.math-wrapper, .table-wrapper, .pst-scrollable-table-container, '
                                + 'div.math, .cell_output, .output') || el;
    out.push({
      what: el.tagName === 'TABLE' ? 'table' : 'equation',
      label: (el.closest('[id]') || {}).id || '',
      overflow: Math.max(el.scrollWidth - el.clientWidth, box.width - scroller.clientWidth, 0),
      outside: Math.max(Math.min(box.right, scroller.getBoundingClientRect().right) - column.right, 0),
    });
  }
  return {boxes: out,
          page_scroll: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


@pytest.fixture(scope="module")
def visits(site, tmp_path_factory):
    """Open every page at each width of WIDTHS_PX; return what each page showed.

    Keys are ``(width_px, page)``. Each page is loaded once, at the desktop width, then the window is
    narrowed to each further width (the layout follows CSS media queries; MathJax typesets once), so
    a JavaScript error logged at load counts for every width. Screenshots are kept at the desktop
    width only.
    """
    root, base = site
    pages = sorted(p.relative_to(root).as_posix() for p in (root / "book").glob("*.html"))
    shots = tmp_path_factory.mktemp("screenshots")
    results = {}
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for page_path in pages:
            page = browser.new_page(viewport={"width": WIDTHS_PX[0], "height": 1000})
            external, errors = [], []

            def route(r, external=external):
                if r.request.url.startswith(base):
                    r.continue_()
                else:
                    external.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.goto(base + page_path, wait_until="load")
            page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
            for width in WIDTHS_PX:
                if width != WIDTHS_PX[0]:
                    page.set_viewport_size({"width": width, "height": 1000})
                    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                seen = {
                    "text": page.evaluate(VISIBLE_TEXT_JS),
                    "math": page.evaluate("document.querySelectorAll('.math, span.math, div.math').length"),
                    "typeset": page.evaluate("document.querySelectorAll('mjx-container').length"),
                    "broken_images": page.evaluate(
                        "[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
                    ),
                    "images": page.evaluate("document.images.length"),
                    "links": page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)"),
                    "external": external,
                    "errors": errors,
                    **page.evaluate(MEASURE_JS),
                }
                if width == WIDTHS_PX[0]:
                    seen["screenshot"] = shots / (Path(page_path).stem + ".png")
                    page.screenshot(path=str(seen["screenshot"]), full_page=False)
                results[width, page_path] = seen
            page.close()
        browser.close()
    return root, base, results


def test_every_chapter_page_was_visited_and_photographed(visits):
    _, _, results = visits
    pages = {page for _, page in results}
    assert {"book/intro.html", "book/07_figure1.html", "book/10_explore.html"} <= pages
    for (width, page), seen in results.items():
        if width == WIDTHS_PX[0]:
            assert seen["screenshot"].stat().st_size > 10_000, page


def test_no_page_logs_a_javascript_error(visits):
    _, _, results = visits
    for (width, page), seen in results.items():
        assert not seen["errors"], f"{page} at {width} px: {seen['errors'][:3]}"


def test_no_page_scrolls_sideways(visits):
    _, _, results = visits
    for (width, page), seen in results.items():
        assert seen["page_scroll"] <= 0, f"{page} at {width} px is {seen['page_scroll']} px too wide"


def test_equations_and_tables_stay_in_the_column(visits):
    """At the desktop width everything fits; at phone width a wide equation or table scrolls in its own box."""
    _, _, results = visits
    for (width, page), seen in results.items():
        for box in seen["boxes"]:
            where = f"{page} at {width} px: {box['what']} {box['label']!r}"
            assert box["outside"] <= 1, f"{where} reaches {box['outside']:.0f} px beyond the text column"
            if width == WIDTHS_PX[0]:
                assert box["overflow"] <= 1, f"{where} is {box['overflow']:.0f} px wider than its box"


def test_equations_are_typeset(visits):
    _, _, results = visits
    for (_width, page), seen in results.items():
        raw = RAW_TEX.findall(seen["text"])
        assert not raw, f"{page} shows raw TeX: {raw[:5]}"
        if seen["math"]:
            assert seen["typeset"] > 0, f"{page} has math but MathJax typeset none"


def test_every_image_loads(visits):
    _, _, results = visits
    assert sum(seen["images"] for seen in results.values()) > 40
    for (width, page), seen in results.items():
        assert not seen["broken_images"], f"{page} at {width} px: {seen['broken_images']}"


def test_explorers_switch_frames_offline(site):
    """Moving a control of each explorer shows the frame computed for the new value."""
    _, base = site
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTHS_PX[0], "height": 1000})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
        page.goto(base + "book/10_explore.html", wait_until="load")
        explorers = page.locator(".explorer[data-template]")
        assert explorers.count() == 3
        for i in range(explorers.count()):
            box = explorers.nth(i)
            image = box.locator("img")
            before = image.get_attribute("src")
            slider = box.locator("input[type=range]").first
            readout_before = box.locator("output").first.text_content()
            slider.evaluate(
                "s => { s.value = String((Number(s.value) + 1) % (Number(s.max) + 1));"
                " s.dispatchEvent(new Event('input')); }"
            )
            after = image.get_attribute("src")
            assert after != before, f"explorer {i}: the frame did not change"
            assert box.locator("output").first.text_content() != readout_before
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        browser.close()


def test_navigation_toggles_open_the_chapter_list_and_the_contents(site):
    """The header's visible toggles work: at phone width they open the chapter list and the page's
    contents; at desktop width the chapter-list toggle folds the sidebar away."""
    _, base = site
    sidebar_left = "document.querySelector('#pst-primary-sidebar').getBoundingClientRect().left"
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in WIDTHS_PX:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
            page.goto(base + "book/07_figure1.html", wait_until="load")
            shown_before = page.evaluate(sidebar_left) >= 0
            page.locator(".primary-toggle:visible").first.click()
            page.wait_for_timeout(300)
            assert (page.evaluate(sidebar_left) >= 0) != shown_before, f"chapter list toggle at {width} px"
            if width == WIDTHS_PX[1]:
                page.keyboard.press("Escape")
                page.locator(".secondary-toggle:visible").first.click()
                page.wait_for_timeout(300)
                assert page.evaluate("document.querySelector('#pst-secondary-sidebar-modal').open")
            page.close()
        browser.close()


def test_the_link_in_a_solution_title_opens_the_solution(site):
    """Clicking the words of "Solution to Exercise 12.1 (...)" (a link to the exercise) opens the solution
    in place, as a click beside them does, with no JavaScript error."""
    _, base = site
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTHS_PX[1], "height": 900})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
        page.goto(base + "book/12_csi_2021.html", wait_until="load")
        solution = page.locator(".solution.dropdown").first
        hidden = "s => s.querySelector('section, .cell, p:not(.admonition-title)').closest('.toggle-hidden') !== null"
        assert solution.evaluate("s => s.classList.contains('toggle-hidden')") or solution.evaluate(hidden)
        url = page.url
        solution.locator(".admonition-title a").first.click()
        page.wait_for_timeout(300)
        assert page.url == url, "the click followed the link instead of opening the solution"
        assert not solution.evaluate("s => s.classList.contains('toggle-hidden')"), "the solution stayed closed"
        assert not errors, errors
        browser.close()


def test_no_page_asks_another_host(visits):
    _, _, results = visits
    for (_width, page), seen in results.items():
        assert not seen["external"], f"{page} requested {seen['external'][:3]}"


def test_no_broken_internal_link(visits):
    root, base, results = visits
    ids: dict[Path, set[str]] = {}
    for (width, page), seen in results.items():
        if width != WIDTHS_PX[0]:
            continue
        for href in seen["links"]:
            if not href.startswith(base):
                continue
            url, fragment = urldefrag(href)
            target = root / url[len(base) :]
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{page} links to missing {href}"
            if fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = set(re.findall(r'id="([^"]+)"', target.read_text(errors="replace")))
                assert fragment in ids[target], f"{page} links to missing anchor {href}"


def test_pdf_edition_is_linked_when_built(visits):
    """With the PDF built first (.ci/run), the first page links it; without it, there is no dead link."""
    root, base, results = visits
    links = results[WIDTHS_PX[0], "book/intro.html"]["links"]
    pdf = root / "cevns-book.pdf"
    if pdf.is_file():
        assert base + "cevns-book.pdf" in links
        assert pdf.read_bytes()[:5] == b"%PDF-"
    else:
        assert not any(link.endswith(".pdf") for link in links)
