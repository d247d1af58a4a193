"""cevnslib as a package others install, cite and run: metadata, licence, citation, extras, the
console script, a fast start, and (slow) the built wheel in a fresh virtual environment.

The quick checks run in the default ``pytest``; the wheel test builds the wheel, installs it with its
dependencies into a new venv without the system's site packages and runs ``cevns`` from a folder
outside the repository, which takes about half a minute: it is marked slow (``pytest -m slow tests``).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

import cevnslib

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
#: Top-level keys of ``cevns summary --json``.
SUMMARY_KEYS = {
    "expected_counts",
    "csi2017_rn_fm",
    "flip_eps_dV",
    "connie_deviation_rn_fm",
    "csi2021",
    "lar2020",
    "combined_nsi",
}
WIDGETS_HINT = "pip install cevnslib[widgets]"


def _python(code: str, **kwargs) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter that imports this checkout's cevnslib."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, **kwargs)


# ----------------------------------------------------------------------------- metadata, licence, citation
def test_version_has_one_source():
    """pyproject.toml reads the version from cevnslib.__version__; the installed metadata agrees."""
    assert "version" not in PYPROJECT["project"] and "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "cevnslib.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", cevnslib.__version__)
    assert importlib.metadata.version("cevnslib") == cevnslib.__version__


def test_licence_is_mit_and_declared():
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    text = (REPO / "LICENSE").read_text()
    assert text.startswith("MIT License") and "Copyright (c) 2026 the cevns-book authors" in text


def test_citation_cites_the_book_and_the_paper():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"] == "cevns-book" and cff["version"] == cevnslib.__version__
    assert cff["license"] == PYPROJECT["project"]["license"]
    paper = cff["preferred-citation"]
    assert paper["doi"] == "10.1103/PhysRevD.101.035012"
    assert (paper["journal"], paper["volume"], paper["start"], paper["year"]) == (
        "Physical Review D",
        101,
        "035012",
        2020,
    )
    assert [a["family-names"] for a in paper["authors"]] == ["Cañas", "Garcés", "Miranda", "Parada", "Sanchez Garcia"]
    assert {"type": "other", "value": "arXiv:1911.09831"} in paper["identifiers"]
    assert cff["references"][0]["doi"] == paper["doi"]


# ----------------------------------------------------------------------------- dependencies and extras
def test_extras_and_exact_pins():
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {"widgets", "notebook", "book", "dev", "dask"} <= set(extras)
    assert any(r.startswith("ipywidgets") for r in extras["widgets"])
    assert {r.split(">")[0].split("=")[0] for r in extras["dask"]} == {"dask", "distributed"}
    # tools/install_cell.py installs cevnslib[notebook] in every notebook's hidden first cell.
    assert "cevnslib[notebook]" in (REPO / "tools" / "install_cell.py").read_text()
    assert {"myst-nb", "ipywidgets"} <= {r.split(">")[0] for r in extras["notebook"]}
    lines = [line.strip() for line in (REPO / "requirements.txt").read_text().splitlines()]
    requirements = [line for line in lines if line and not line.startswith("#")]
    assert requirements[-1] == "-e ."
    loose = [r for r in requirements[:-1] if not re.fullmatch(r"[A-Za-z0-9_.\-\[\],]+==[\w.]+", r)]
    assert not loose, f"requirements.txt pins exact versions (==): {loose}"
    pinned = {r.split("==")[0].lower() for r in requirements[:-1]}
    assert {"ruff", "dask", "distributed", "build", "ipywidgets"} <= pinned


def test_console_script_is_python_dash_m():
    assert PYPROJECT["project"]["scripts"] == {"cevns": "cevnslib.__main__:main"}
    from cevnslib import __main__

    assert callable(__main__.main)


def test_widgets_without_ipywidgets_say_how_to_install_them():
    run = _python("import sys; sys.modules['ipywidgets'] = None; import cevnslib.widgets")
    assert run.returncode != 0
    assert f"ImportError: cevnslib.widgets needs ipywidgets, which is not installed: {WIDGETS_HINT}" in run.stderr


# ----------------------------------------------------------------------------- fast start
#: Loaded by no cevnslib module at import: each computation imports what it needs when it runs.
HEAVY = ("scipy.integrate", "scipy.interpolate", "scipy.optimize", "scipy.stats", "scipy.special", "matplotlib")


def _loaded_heavy(code: str) -> list[str]:
    run = _python(code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))")
    assert run.returncode == 0, run.stderr
    loaded = run.stdout.split()
    return sorted({name for name in loaded for heavy in HEAVY if name == heavy or name.startswith(heavy + ".")})


@pytest.mark.parametrize("module", ["cevnslib.experiments", "cevnslib.fits", "cevnslib.coverage", "cevnslib.__main__"])
def test_import_loads_no_scipy_subpackage_or_matplotlib(module):
    assert _loaded_heavy(f"import {module}") == []


def test_help_loads_no_numerical_library():
    code = (
        "import sys, runpy\nsys.argv = ['cevns', '--help']\ntry:\n    runpy.run_module('cevnslib', "
        "run_name='__main__')\nexcept SystemExit:\n    pass\nprint('NUMPY' if 'numpy' in sys.modules else '')"
    )
    run = _python(code)
    assert run.returncode == 0 and "usage: cevns " in run.stdout and "NUMPY" not in run.stdout


def test_program_name_follows_how_it_was_started(monkeypatch):
    from cevnslib import __main__

    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/cevns", "--help"])
    assert __main__._program_name() == "cevns"
    monkeypatch.setattr(sys, "argv", [str(Path(__main__.__file__)), "--help"])
    assert __main__._program_name() == "python -m cevnslib"


# ----------------------------------------------------------------------------- the wheel, installed
@pytest.mark.slow
def test_wheel_installs_and_runs_in_a_fresh_venv(tmp_path):
    """Build the wheel from the package's sources alone, install it into a virtual environment without
    the system's site packages (numpy, scipy and matplotlib come from the package index or pip's
    cache), then run ``cevns`` from a folder outside the repository."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "cevnslib", source / "cevnslib", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = dist.glob("cevnslib-*.whl")
    assert wheel.name.startswith(f"cevnslib-{cevnslib.__version__}-")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["MPLBACKEND"] = "Agg"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, env=env, timeout=900)

    outside = tmp_path / "elsewhere"
    outside.mkdir()

    def run(*args):
        return subprocess.run(list(map(str, args)), cwd=outside, env=env, capture_output=True, text=True, timeout=600)

    probe = run(
        python,
        "-c",
        "import sys, cevnslib, importlib.metadata as m; "
        "print(sys.prefix != sys.base_prefix, cevnslib.__file__, m.version('cevnslib'), cevnslib.__version__)",
    )
    in_venv, location, metadata_version, version = probe.stdout.split()
    assert in_venv == "True" and Path(location).is_relative_to(venv)
    assert metadata_version == version == cevnslib.__version__

    help_ = run(bin_dir / "cevns", "--help")
    assert help_.returncode == 0 and help_.stdout.startswith("usage: cevns ")
    summary = run(bin_dir / "cevns", "summary", "--json")
    assert summary.returncode == 0, summary.stderr
    values = json.loads(summary.stdout)
    assert set(values) == SUMMARY_KEYS
    assert set(values["expected_counts"]) == {"CONUS", "CONNIE", "COHERENT-CsI-2017", "COHERENT-NaI"}

    data = run(
        python,
        "-c",
        "from importlib.resources import files; "
        "print(' '.join(sorted(p.name for p in files('cevnslib').joinpath('data').iterdir())))",
    )
    assert data.stdout.split() == sorted(p.name for p in (REPO / "cevnslib" / "data").glob("*.csv"))

    widgets = run(python, "-c", "import cevnslib.widgets")
    assert widgets.returncode != 0 and WIDGETS_HINT in widgets.stderr
