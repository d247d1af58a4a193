"""Every committed chapter notebook is a clean, top-to-bottom, script-made run."""

import json
import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parent.parent / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))
ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(home|root|tmp|Users|work|private|var/folders)/")


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
