"""Chapter 13, argon beside CsI (cevnslib.chapters.ch13): the checks behind its prose.

The chapter's numbers come from ``ch13.numbers()``, whose NSI maps take some ten seconds; nbval already
re-executes the notebook and compares every glued number with the committed one. These tests therefore
read the glued numbers from the committed notebook and check them against independent routes (scipy on
the likelihood, brentq, closed forms, the published records), without computing the maps again.
"""

import ast
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.optimize import brentq  # noqa: E402
from test_chapter_assumptions import prose_glue_keys  # noqa: E402
from test_chapter_ch08 import api_problems, captions_with_symbols_outside_maths, figure_captions, notebook_cells  # noqa: E402
from test_chapter_ch12 import check_signal_strength_fit  # noqa: E402

from cevnslib import experiments, figures, lar_2020_fits, style  # noqa: E402
from cevnslib.chapters import ch13  # noqa: E402
from cevnslib.couplings import NSI  # noqa: E402
from cevnslib.published import lar_2020_published  # noqa: E402

BOOK = Path(__file__).resolve().parent.parent / "book"
NOTEBOOK = BOOK / "13_argon.ipynb"


@pytest.fixture(scope="module")
def glued() -> dict:
    """The numbers the committed notebook glued, by name (as nbval compares them with a fresh run)."""
    out = {}
    for cell in json.loads(NOTEBOOK.read_text())["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                out[name] = ast.literal_eval(output["data"]["application/papermill.record/text/plain"])
    return out


def test_every_quoted_number_is_glued(glued):
    assert prose_glue_keys(NOTEBOOK) <= set(glued)
    assert all(k.startswith("ch13-") and isinstance(v, (int, float, str)) for k, v in glued.items())


def test_the_data_rows_add_up_and_hold_the_release_counts(glued):
    rows = ch13.data_rows()
    for name, (prompt, later, total) in rows.items():
        assert prompt + later == pytest.approx(total, rel=1e-12), name
    assert rows["observed"][2] == glued["ch13-observed"] == lar_2020_published()["observed_events"].value
    assert rows["BRN prompt"][1] == 0.0  # no prompt BRN after the prompt window
    parts = ch13.components()
    assert tuple(parts) == ch13.COMPONENTS
    with pytest.raises(ValueError):
        parts["CEvNS"][0, 0, 0] = 1.0


def test_the_validation_numbers_are_the_library_comparison(glued):
    valid = ch13.validation_numbers()
    assert glued["ch13-sm"] == pytest.approx(valid["ours"], rel=1e-6)
    assert glued["ch13-share-energy"] == pytest.approx(valid["share-energy"], rel=1e-5)
    assert valid["data-sigma"] < 0.25 and abs(valid["ratio"] - 1) < 17 / 128  # the tolerances of test_lar_2020.py


def test_fit1_against_a_continuous_minimiser(glued):
    """Best s, its 1 sigma interval and q0 against scipy.optimize on the same likelihood."""
    check_signal_strength_fit(ch13.likelihood(), glued, "ch13", (0.2, 2.5))


def test_the_count_lies_in_the_published_interval(glued):
    published = lar_2020_published()["cevns_bestfit_events"]
    assert published.low < glued["ch13-n-fit"] < published.high
    assert glued["ch13-n-vs-pub"] == pytest.approx(
        abs(glued["ch13-n-fit"] - published.value) / published.minus, abs=1e-4
    )
    assert glued["ch13-z0"] > lar_2020_published()["significance_lower_bound_sigma"].value


def test_fit2_upper_limits_against_brentq(glued):
    """The radius fit runs to the grid's lower end; its 1 sigma and 90% upper limits from brentq (0.01 fm)."""
    lik = ch13.likelihood()
    lowest = lar_2020_fits.RN_GRID_FM[0]
    floor = float(lik.deviance(rn_fm=lowest))
    assert glued["ch13-rn-best"] == lowest
    for key, level in (("ch13-rn-hi", 1.0), ("ch13-rn-hi90", lar_2020_fits.LEVELS_1D["90%"])):
        limit = brentq(lambda r: float(lik.deviance(rn_fm=r)) - floor - level, lowest, 8.0, xtol=1e-6)
        assert glued[key] == pytest.approx(limit, abs=0.01)
    assert glued["ch13-rp"] == pytest.approx(ch13.proton_radius_fm())


LAR_OR_CSI = {"Ar": "COHERENT-LAr-2020", "CsI": "COHERENT-CsI-2021"}


def test_band_slopes_and_the_flipped_crossing(glued):
    """The slopes from the setups' own nuclei (Ar40 alone for argon: 0.4% of other isotopes move it by < 1e-3),
    and both setups see their SM count where both nucleon couplings flip."""
    for material, name in LAR_OR_CSI.items():
        target = experiments.get(name).target
        z = np.average([n.Z for n in target.nuclei], weights=target.multiplicities)
        n = np.average([n.N for n in target.nuclei], weights=target.multiplicities)
        assert glued[f"ch13-slope-{material.lower()}"] == pytest.approx(-(2 * z + n) / (z + 2 * n), abs=1e-3)
    assert glued["ch13-sep-1"] == pytest.approx(abs(glued["ch13-slope-ar"] - glued["ch13-slope-csi"]), abs=1e-6)
    u, d = glued["ch13-flip-u"], glued["ch13-flip-d"]
    for name in LAR_OR_CSI.values():
        exp = experiments.get(name)
        assert exp.predict_energy_time(NSI(ee_u=u, ee_d=d)).sum() == pytest.approx(
            exp.predict_energy_time().sum(), rel=1e-5
        )


def test_the_shrinks_follow_from_the_lengths(glued):
    for key in ("d-zero", "d-profiled", "m-zero", "m-profiled"):
        combined, csi = glued[f"ch13-len-{key}-combined"], glued[f"ch13-len-{key}-csi"]
        assert glued[f"ch13-shrink-{key}"] == pytest.approx(100 * (1 - combined / csi), abs=1e-3)
        assert glued[f"ch13-len-{key}-argon"] > csi  # argon alone is the weaker
    assert 0 < glued["ch13-shrink-d-zero"] < 30  # the prose: "about a tenth"


def test_the_cross_section_is_the_strength_times_the_sm_one(glued):
    sigma = ch13.sm_cross_section_cm2()
    assert glued["ch13-xs-sm"] == pytest.approx(sigma / 1e-39, rel=1e-5)
    assert glued["ch13-xs-fit"] == pytest.approx(glued["ch13-s-best"] * glued["ch13-xs-sm"], rel=1e-4)
    # Flux-averaged: events with every recoil counted over nuclei x 3 flavours x fluence, by the slow direct route.
    lar = experiments.get("COHERENT-LAr-2020")
    assert 1.0e-39 < sigma < 3.0e-39 and lar.source.fluence_per_cm2 > 0


def test_public_functions_follow_the_library_conventions():
    assert api_problems(ch13) == []


def test_captions_write_symbols_in_maths_and_figure1_is_the_library_caption():
    captions = figure_captions(notebook_cells("13_argon.ipynb"))
    assert captions_with_symbols_outside_maths(captions) == []
    assert captions["fig-ch13-figure1"].startswith(figures.figure1_data_caption())


def test_cheap_figures_span_the_column():
    for draw in (ch13.response_figure, ch13.validation_figure, ch13.rn_figure):
        fig = draw()
        assert fig.get_size_inches()[0] == pytest.approx(style.FULL_WIDTH_IN)
        plt.close(fig)


def test_bad_physics_point_is_refused():
    with pytest.raises(ValueError, match="nsi"):
        ch13.components(NSI(ee_d=np.array([0.0, 0.1])))
    with pytest.raises(ValueError):
        ch13.components(rn_fm=50.0)


def test_the_assumptions_page_lists_the_chapter_choices():
    from cevnslib.chapters import assumptions

    values = assumptions.lar2020_choice_numbers()
    expected = {
        "assume-ar-t-lo": -0.1,
        "assume-ar-t-hi": 4.9,
        "assume-ar-t-width": 0.5,
        "assume-ar-prior-cevns": 100 * 17 / 128,
        "assume-ar-prior-brn": 100 * 160 / 497,
        "assume-ar-prior-brnd": 100.0,
        "assume-ar-prior-ss": 100 * 25 / 3154,
        "assume-ar-timing-shift": 200.0,
        "assume-ar-ss": 3154.0,
        "assume-ar-acceptance-max": 39.75,
    }
    for key, value in expected.items():
        assert values[key] == pytest.approx(value, rel=1e-9), key
    assert {k for k in prose_glue_keys(BOOK / "assumptions.ipynb") if k.startswith("assume-ar-")} == set(values)
