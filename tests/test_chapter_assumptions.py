"""The Assumptions page: its numbers, tables and figures (cevnslib.chapters.assumptions)."""

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from cevnslib import experiments, fits, style  # noqa: E402
from cevnslib.chapters import assumptions  # noqa: E402
from cevnslib.notebook import Quoted  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "book" / "assumptions.ipynb"


def prose_glue_keys(path: Path) -> set[str]:
    """The glue names the markdown cells and figure captions of a notebook quote."""
    nb = json.loads(path.read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return set(re.findall(r"\{glue:text\}`([^`:]+)", text))


@pytest.fixture(scope="module")
def numbers():
    return assumptions.numbers()


def test_numbers_hold_every_quoted_number_with_book_types(numbers):
    assert prose_glue_keys(NOTEBOOK) <= set(numbers)
    for key, value in numbers.items():
        assert key.startswith("assume-")
        assert isinstance(value, (int, float, str, Quoted)), key
        if isinstance(value, float):
            assert np.isfinite(value), key


def test_the_rebuilt_fit_is_the_library_fit():
    """The recipe of csi_rn_interval with the default setup gives fits.csi2017_rn_interval (to 1e-9 fm)."""
    ours, library = assumptions.csi_rn_interval(), fits.csi2017_rn_interval()
    assert ours.best == pytest.approx(library.best, abs=1e-9)
    assert np.allclose(ours.pieces, library.pieces, atol=1e-9, rtol=0)
    assert assumptions.rn_choices()["default"] == pytest.approx((library.best, *library.single_piece()), abs=1e-9)


def test_count_shifts_apply_where_they_should():
    shift = assumptions.count_shifts()
    labels = list(assumptions.alternatives())
    assert shift.shape == (len(labels), len(experiments.PAPER_SETUPS))
    reactor_only = [i for i, (_, per) in enumerate(assumptions.alternatives().values()) if "COHERENT-NaI" not in per]
    assert np.all(np.isnan(shift[reactor_only, 2:])) and not np.any(np.isnan(shift[:, :2]))
    # The -T/E term lowers every count, by less than half a percent; F = 1 raises every count.
    assert np.all(shift[labels.index("t-over-e")] < 0) and np.all(shift[labels.index("t-over-e")] > -0.5)
    assert np.all(shift[labels.index("ff-unity")] > 0)
    # A larger Lindhard k quenches less: more events above threshold.
    assert np.all(shift[labels.index("k-up"), :2] > 0) and np.all(shift[labels.index("k-down"), :2] < 0)


def test_tables_format_every_number():
    for table in (assumptions.count_shift_table(), assumptions.rn_table()):
        assert not re.search(r"\d\.\d{7,}", table) and "nan" not in table


@pytest.mark.parametrize("draw", [assumptions.heatmap_figure, assumptions.rn_figure])
def test_figures_fit_the_column(draw):
    fig = draw()
    assert fig.get_figwidth() <= style.FULL_WIDTH_IN + 1e-9
    plt.close(fig)
