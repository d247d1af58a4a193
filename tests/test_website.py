"""The built website in a real browser, offline: equations typeset, images load, widgets present, links whole.

Builds the book into a temporary folder (or takes the site already built in the folder named by
``CEVNS_BOOK_HTML``, as .ci/run does after its strict build), serves it on 127.0.0.1, opens every page in headless
Chromium (Debian's package ``chromium``, driven by Playwright) with every request to another host
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
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if CHROMIUM is None:
    pytest.skip("Chromium is not installed (Debian package 'chromium'); .ci/run installs it",
                allow_module_level=True)
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


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if os.environ.get("CEVNS_BOOK_HTML"):
        root = Path(os.environ["CEVNS_BOOK_HTML"]).resolve()
        assert (root / "book" / "intro.html").is_file(), f"no built book in {root}"
    else:
        out = tmp_path_factory.mktemp("site")
        build = subprocess.run(
            ["jupyter-book", "build", str(REPO), "--path-output", str(out), "-W", "-n", "--keep-going"],
            capture_output=True, text=True,
        )
        assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
        root = out / "_build" / "html"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def visits(site, tmp_path_factory):
    """Open every page once; return what each page showed."""
    root, base = site
    pages = sorted(p.relative_to(root).as_posix() for p in (root / "book").glob("*.html"))
    shots = tmp_path_factory.mktemp("screenshots")
    shots.mkdir(exist_ok=True)
    results = {}
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for page_path in pages:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            external = []

            def route(r, external=external):
                if r.request.url.startswith(base):
                    r.continue_()
                else:
                    external.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(base + page_path, wait_until="load")
            page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
            results[page_path] = {
                "text": page.evaluate(VISIBLE_TEXT_JS),
                "math": page.evaluate("document.querySelectorAll('.math, span.math, div.math').length"),
                "typeset": page.evaluate("document.querySelectorAll('mjx-container').length"),
                "broken_images": page.evaluate(
                    "[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"),
                "images": page.evaluate("document.images.length"),
                "widgets": page.evaluate("document.querySelectorAll('.jupyter-widgets').length"),
                "widget_figures": page.evaluate("document.querySelectorAll('.widget-output img').length"),
                "links": page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)"),
                "external": external,
            }
            shot = shots / (Path(page_path).stem + ".png")
            page.screenshot(path=str(shot), full_page=False)
            results[page_path]["screenshot"] = shot
            page.close()
        browser.close()
    return root, base, results


def test_every_chapter_page_was_visited_and_photographed(visits):
    _, _, results = visits
    assert {"book/intro.html", "book/07_figure1.html", "book/10_explore.html"} <= set(results)
    for page, seen in results.items():
        assert seen["screenshot"].stat().st_size > 10_000, page


def test_equations_are_typeset(visits):
    _, _, results = visits
    for page, seen in results.items():
        raw = RAW_TEX.findall(seen["text"])
        assert not raw, f"{page} shows raw TeX: {raw[:5]}"
        if seen["math"]:
            assert seen["typeset"] > 0, f"{page} has math but MathJax typeset none"


def test_every_image_loads(visits):
    _, _, results = visits
    assert sum(seen["images"] for seen in results.values()) > 20
    for page, seen in results.items():
        assert not seen["broken_images"], f"{page}: {seen['broken_images']}"


def test_explore_page_shows_its_widgets_offline(visits):
    _, _, results = visits
    explore = results["book/10_explore.html"]
    assert explore["widgets"] > 0
    assert explore["widget_figures"] >= 3  # each explorer's saved figure


def test_no_page_asks_another_host(visits):
    _, _, results = visits
    for page, seen in results.items():
        assert not seen["external"], f"{page} requested {seen['external'][:3]}"


def test_no_broken_internal_link(visits):
    root, base, results = visits
    ids: dict[Path, set[str]] = {}
    for page, seen in results.items():
        for href in seen["links"]:
            if not href.startswith(base):
                continue
            url, fragment = urldefrag(href)
            target = root / url[len(base):]
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{page} links to missing {href}"
            if fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = set(re.findall(r'id="([^"]+)"', target.read_text(errors="replace")))
                assert fragment in ids[target], f"{page} links to missing anchor {href}"

