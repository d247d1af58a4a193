"""Every committed chapter notebook is a clean, top-to-bottom, script-made run."""

import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
BOOK = REPO / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))
ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(home|root|tmp|Users|work|private|var/folders)/")

# A float written out in text: 3.98, .5, 2., 1e-05, 2.1442546116187354e+25 (not digits inside a longer number).
FLOAT_LITERAL = re.compile(r"(?<![\w.])(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][-+]?\d+)?(?![\w.])")
MAX_SIGNIFICANT = 10  # a float's last digits differ between CPUs; cevnslib.notebook glues 6
TEXT_MIMES = ("text/plain", "text/html", "text/markdown")
GLUE_MIME_PREFIX = "application/papermill.record/"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_a_clean_run(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), "rerun tools/regen_outputs.py"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in code:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"committed error output in {path.name}"
            text = json.dumps(out.get("text", "")) + json.dumps(out.get("data", {}).get("text/plain", ""))
            assert not ABSOLUTE_PATH.search(text), f"absolute path in an output of {path.name}"


def test_every_notebook_is_in_the_table_of_contents():
    toc = (BOOK.parent / "_toc.yml").read_text()
    for path in NOTEBOOKS:
        assert f"book/{path.stem}" in toc, f"{path.name} is not listed in _toc.yml"


def significant_digits(literal: str) -> int:
    """Significant digits of a float literal's mantissa: '0.00123405' -> 6, '21468000000000.0' -> 5.

    Leading zeros do not count, nor do the zeros that end the digits: Python's repr of a float is the
    shortest that reads back, so those only fill the places before the decimal point of a round number.
    """
    mantissa = re.split(r"[eE]", literal)[0]
    return len(mantissa.replace(".", "").strip("0"))


def long_floats(text: str) -> list[str]:
    """The float literals in ``text`` with more than MAX_SIGNIFICANT significant digits."""
    return [m[0] for m in FLOAT_LITERAL.finditer(text) if significant_digits(m[0]) > MAX_SIGNIFICANT]


def _join(text) -> str:
    return "".join(text) if isinstance(text, list) else str(text)


def _widget_state_long_floats(obj, where="state") -> list[str]:
    """Long floats in a widget state: JSON numbers and floats written in its strings (images skipped)."""
    if isinstance(obj, bool) or obj is None:
        return []
    if isinstance(obj, float):
        return [f"{where}: {obj!r}"] if significant_digits(repr(obj)) > MAX_SIGNIFICANT else []
    if isinstance(obj, str):
        return [f"{where}: {x}" for x in long_floats(obj)]
    if isinstance(obj, dict):
        return [
            hit
            for key, value in obj.items()
            if not key.startswith("image/")
            for hit in _widget_state_long_floats(value, f"{where}.{key}")
        ]
    if isinstance(obj, list):
        return [hit for i, value in enumerate(obj) for hit in _widget_state_long_floats(value, f"{where}[{i}]")]
    return []


def notebook_long_floats(nb: dict) -> list[str]:
    """Every float with more than MAX_SIGNIFICANT significant digits in a notebook's outputs and widget state.

    Looks at stream text, the text/plain, text/html and text/markdown data of every output (execute_result
    and display_data), glue records (application/papermill.record/*) and the ipywidgets state in the
    notebook's metadata; not at images.
    """
    found = []
    for index, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            texts = []
            if out["output_type"] == "stream":
                texts.append(("stream", out["text"]))
            for mime, value in out.get("data", {}).items():
                if mime in TEXT_MIMES or mime.startswith(GLUE_MIME_PREFIX):
                    texts.append((mime, value))
            for mime, value in texts:
                found += [f"cell {index} {mime}: {x}" for x in long_floats(_join(value))]
    state = nb["metadata"].get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    found += _widget_state_long_floats(state, "metadata.widgets")
    return found


def test_long_floats_are_found():
    assert long_floats("10369.430857412613 and 2.1442546116187354e+25 and 3.9810717055349722") == [
        "10369.430857412613",
        "2.1442546116187354e+25",
        "3.9810717055349722",
    ]
    assert long_floats("0.0000123456789 1e-05 12345678901234 0.1234567890 v3.11.7 0x7f3a2c1d9e50") == []
    assert long_floats("21468000000000.0 2.1468e+25 10369.4 0.00012345678901") == ["0.00012345678901"]
    assert long_floats("[0.12345678901, -0.00012345678901]") == ["0.12345678901", "0.00012345678901"]
    assert _widget_state_long_floats({"value": 3.9810717055349722, "max": 2.0, "n": 3}) == [
        "state.value: 3.9810717055349722"
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_float_noise_in_outputs(path):
    """No output or widget state shows a float's full 17 digits, whose last ones depend on the CPU.

    Glue numbers with cevnslib.notebook.glue, print with a format, and give widgets values they can hold.
    """
    found = notebook_long_floats(json.loads(path.read_text()))
    assert not found, f"floats with more than {MAX_SIGNIFICANT} significant digits in {path.name}: " + "; ".join(
        found[:10]
    )


def _install_cell_module():
    spec = importlib.util.spec_from_file_location("install_cell", REPO / "tools" / "install_cell.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_install_cell_names_the_configured_repository():
    """The cell installs from _config.yml's repository, which is the repository's own URL."""
    install_cell = _install_cell_module()
    url, branch = install_cell.repository()
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url)
    assert f'"cevnslib[notebook] @ git+{url}@{branch}"' in install_cell.install_cell_source()
    pyproject = (REPO / "pyproject.toml").read_text()
    assert re.search(r"^notebook = \[", pyproject, flags=re.MULTILINE), "the notebook extra is gone"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_starts_with_the_hidden_install_cell(path):
    install_cell = _install_cell_module()
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "code" and first.source == install_cell.install_cell_source(), (
        "run python tools/install_cell.py, then tools/regen_outputs.py"
    )
    assert "remove-cell" in first.metadata.get("tags", [])
    assert not first.outputs  # where cevnslib is installed it does nothing
