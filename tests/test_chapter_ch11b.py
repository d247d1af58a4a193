"""Chapter 11.2, model dependence and validation (cevnslib.chapters.ch11b): the checks behind its prose."""

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from test_chapter_assumptions import prose_glue_keys  # noqa: E402

from cevnslib import experiments, fits, style  # noqa: E402
from cevnslib.chapters import ch11b  # noqa: E402
from cevnslib.notebook import Quoted  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "book" / "11b_model_validation.ipynb"


@pytest.fixture(scope="module")
def numbers():
    return ch11b.numbers()


def test_numbers_hold_every_quoted_number(numbers):
    assert prose_glue_keys(NOTEBOOK) <= set(numbers)
    assert all(k.startswith("ch11b-") and isinstance(v, (int, float, str, Quoted)) for k, v in numbers.items())


def test_swapping_the_couplings_of_templates_is_a_direct_build():
    """The shortcut of Eq. (eq-ch11b-templates): equal to a build with the couplings, to 1e-9 fm."""
    direct = ch11b.csi_rn(form_factor="klein-nystrand", couplings="erler-su")
    assert direct == pytest.approx(ch11b.rn_combinations()["klein-nystrand", "charge", "erler-su"], abs=1e-9)
    library = fits.csi2017_rn_interval()
    assert ch11b.rn_combinations()["helm", "charge", "tree"] == pytest.approx(
        (library.best, *library.single_piece()), abs=1e-9
    )


@pytest.mark.parametrize("name", ch11b.REACTORS)
def test_flipped_band_position_and_width(name):
    bands = ch11b.reactor_bands()
    default = bands[name, "default"]
    # The root for any templates is the library's root for the setup's own, to 1e-9.
    assert default["flip"] == pytest.approx(fits.setup_flipped_eps_ee_d(name), abs=1e-9)
    # The centre of the flipped band lies between the point-nucleus roots of the setup's isotopes.
    per_isotope = ch11b.flip_per_isotope(name)
    assert per_isotope.min() <= default["flip"] <= per_isotope.max()
    # Eq. (eq-ch11b-width) predicts the scanned width to 2%.
    width = default["same"][1, 1] - default["same"][1, 0]
    assert ch11b.width_estimate(name) == pytest.approx(width, rel=0.02)
    # Flux, quenching, form factor and proton radius leave the flipped root where it is (to 1e-4).
    for key in ("ff-kn", "ff-sf", "point", "cut", "kt", "k-low", "k-high"):
        assert bands[name, key]["flip"] == pytest.approx(default["flip"], abs=1e-4), key
    # The couplings move it, upwards (|Q_0| grows with radiative corrections).
    assert bands[name, "radiative"]["flip"] > default["flip"] + 1e-3
    # Data and model alike: the mixed fit is the self-consistent one and the SM sits at its minimum.
    assert np.allclose(default["mixed"], default["same"], atol=1e-12) and default["dchi2_sm"] == 0.0


def test_prompt_and_delayed_add_up_to_the_prediction():
    n_prompt, n_delayed = ch11b.prompt_and_delayed()
    total = experiments.get(ch11b.CSI).predict()
    assert np.allclose(n_prompt + n_delayed, total, rtol=1e-12)
    assert 0.1 < n_prompt.sum() / total.sum() < 0.25  # the prompt line is one flavour of three, at the lowest energy


def test_signal_count_likelihood():
    """The energy x time count: COHERENT's fit within one of its standard deviations, an error near its
    22 events, and the background flat in time (rejected by the data) pulling the count up."""
    per_cell = ch11b.signal_count_interval(beam_off=True)
    lo, hi = per_cell.single_piece()
    best, sigma = ch11b.COHERENT_FIT
    assert abs(per_cell.best - best) < sigma
    assert 18.0 < (hi - lo) / 2 < 28.0
    flat = ch11b.signal_count_interval(beam_off=True, background="flat-in-time")
    assert flat.best > per_cell.best + 5.0


def test_tables_format_every_number():
    for table in (ch11b.combinations_table(), ch11b.bands_table(), ch11b.signal_count_table(), ch11b.flux_table()):
        assert "nan" not in table and not re.search(r"\de[+-]\d", table)


def test_figure_fits_the_column():
    fig = ch11b.dependence_figure()
    assert fig.get_figwidth() <= style.FULL_WIDTH_IN + 1e-9
    plt.close(fig)
