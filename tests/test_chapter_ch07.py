"""Chapter 7 (the paper's Fig. 1): the regions of the scan against the chapter's closed forms.

The bands' slopes, intercepts and widths, the islands' positions and lengths, and the exercises'
answers, each checked against an independent route with a stated tolerance.
"""

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from cevnslib import figures, fits, notebook, style  # noqa: E402
from cevnslib.chapters import ch07  # noqa: E402
from cevnslib.couplings import NSI  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "book" / "07_figure1.ipynb"
#: Grid steps of the paper's figure: eps_ee^uV and eps_ee^dV.
STEP_U, STEP_D = 0.005, 0.001


@pytest.fixture(scope="module")
def numbers():
    return ch07.numbers()


@pytest.mark.parametrize("name", list(ch07.REACTORS))
def test_band_slopes_and_intercepts_follow_the_bands_equation(name):
    """Scan slopes within 1e-3 of -(2Z+N)/(Z+2N); intercepts within half an eps_d step of 0 and c."""
    analytic, fitted = ch07.analytic_bands()[name], ch07.band_fits()[name]
    for band, intercept in (("SM", 0.0), ("flipped", analytic["c"])):
        slope, c_fit = fitted[band]
        assert slope == pytest.approx(analytic["s"], abs=1e-3)
        assert c_fit == pytest.approx(intercept, abs=STEP_D / 2)
    # the templates (all isotopes, form factors, thresholds) agree with the mean-Z-and-N line
    assert fits.setup_flipped_eps_ee_d(name) == pytest.approx(analytic["c"], abs=STEP_D / 2)


def test_band_widths_follow_the_width_equation():
    """SM and flipped widths equal to 1e-4; scan and Eq. (eq-ch7-width) agree to 1%."""
    rows = ch07.widths()
    assert set(rows) == {"CONUS-4", "CONNIE-4", "CONUS-2", "CONNIE-2"}
    for row in rows.values():
        assert row["sm"] == pytest.approx(row["flipped"], abs=1e-4)
        assert row["sm"] == pytest.approx(row["eq"], rel=0.01)
    for name in ch07.REACTORS:
        assert rows[f"{name}-2"]["sm"] < 0.6 * rows[f"{name}-4"]["sm"]


def test_flipped_island_sits_where_the_flipped_lines_cross():
    """Scan minimum within one grid step of the crossing; the crossing is the closed form to 1e-12."""
    u, d, dchi2 = ch07.flipped_island()
    u_eq, d_eq = ch07.island_crossing()
    assert u == pytest.approx(u_eq, abs=STEP_U) and d == pytest.approx(d_eq, abs=2 * STEP_D)
    assert 0 <= dchi2 < 0.01
    np.testing.assert_allclose(ch07.flip_point(), (u_eq, d_eq), rtol=1e-12)


@pytest.mark.parametrize("name", ch07.ALL_SETUPS)
def test_every_setup_expects_its_sm_count_at_the_flip_point(name):
    """Both nucleon couplings flip: every nucleus at every q sees -Q_SM, the count is the SM one to 1e-10."""
    u, d = ch07.flip_point()
    t = fits.templates_for(name)
    assert t.counts(NSI(ee_u=u, ee_d=d)).sum() == pytest.approx(t.counts().sum(), rel=1e-10)


def test_island_lengths_follow_the_island_equation():
    """Half-lengths within 2 steps (0.002) of Eq. (eq-ch7-island); the shared pull shortens the islands."""
    lengths = ch07.island_lengths()
    for key in ("SM", "flipped"):
        for tag in ("shared", "independent"):
            assert lengths[f"{key}-{tag}"] == pytest.approx(lengths[f"eq-{tag}"], abs=0.002)
        assert lengths[f"{key}-shared"] < 0.8 * lengths[f"{key}-independent"]


def test_without_the_flux_error_the_island_keeps_its_length():
    rows = ch07.correlated_rows()
    assert rows["private"]["ell"] == pytest.approx(rows["shared"]["ell"], abs=0.002)
    assert rows["private"]["CONUS"] < 0.75 * rows["shared"]["CONUS"]
    for row in rows.values():
        assert row["ell"] == pytest.approx(row["ell_eq"], abs=0.002)


def test_threshold_exercise():
    """Scan and Eq. (eq-ch7-width) agree to 1% while N >= 100; 1/N = sigma_tot^2 at the threshold found."""
    for row in ch07.threshold_rows().values():
        if row["events"] >= 100:
            assert row["width"] == pytest.approx(row["eq"], rel=0.01)
    threshold = ch07.threshold_equal()
    n = ch07.conus_at(threshold).cached_templates.counts().sum()
    assert n == pytest.approx(1 / ch07.SYSTEMATICS.total**2, rel=1e-3)


def test_level_ratio(numbers):
    """At 1 sigma every width shrinks by sqrt(L_1s / L_90): a scan of the CONUS band agrees to 0.5%.

    Not exactly: Delta chi^2 is only nearly quadratic in the distance from the band.
    """
    conus = fits.combine(ch07.reactor_parts()["CONUS"])
    eps = np.linspace(-0.03, 0.03, 6001)
    dchi2 = fits.scan(conus, NSI(ee_d=eps))
    w90, w1s = (np.ptp(eps[dchi2 <= level]) for level in (numbers["ch7-level"], numbers["ch7-ex-level-1s"]))
    assert w1s / w90 == pytest.approx(numbers["ch7-ex-level-ratio"], rel=0.005)


def test_areas_and_csi_interval():
    areas = ch07.plane_areas()
    assert areas["CONUS + CONNIE"] < 0.1 * min(areas["CONUS"], areas["CONNIE"])
    lo, hi, pieces = ch07.csi_eps_d_range()
    assert pieces == 1 and lo < 0 < ch07.island_crossing()[1] / 2 < hi  # one interval over both solutions


def test_helpers_refuse_what_they_cannot_do():
    data = ch07.figure1_data()
    with pytest.raises(ValueError, match="read-only"):
        data["dchi2 CONUS"][0, 0] = 1.0
    with pytest.raises(ValueError):
        ch07.island_window("middle")
    with pytest.raises(ValueError):
        ch07.band_width(np.full(data["eps_d"].size, 10.0), data["eps_d"], 0.0, 4.6)
    with pytest.raises(ValueError):
        ch07.half_length(np.zeros((3, 3), dtype=bool), np.arange(3.0))
    with pytest.raises(ValueError):
        ch07.band_lines(np.zeros((2, 2)), data["eps_u"], data["eps_d"], 4.6)
    with pytest.raises(ValueError):
        ch07.chi2_level(1.5)


def test_column_wide_figure1_points_to_both_islands():
    result = ch07.figure1()
    try:
        assert result.figure.get_size_inches()[0] <= style.FULL_WIDTH_IN + 1e-9
        texts = {t.get_text() for t in result.figure.axes[0].texts}
        assert {"SM island", "flipped island"} <= texts
    finally:
        plt.close(result.figure)
    fig = ch07.zoom_figure()
    try:
        assert fig.get_size_inches()[0] <= style.FULL_WIDTH_IN + 1e-9
        assert all(t.get_fontsize() >= 10 for t in fig.legends[0].get_texts())
    finally:
        plt.close(fig)


def test_figure_caption_is_the_library_caption():
    """The notebook's caption of the paper's Fig. 1 starts with figures.figure1().caption, word for word."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    (caption,) = [
        c["metadata"]["mystnb"]["figure"]["caption"]
        for c in cells
        if c["metadata"].get("mystnb", {}).get("figure", {}).get("name") == "fig-ch7-figure1"
    ]
    result = figures.figure1()
    plt.close(result.figure)
    assert caption.startswith(result.caption)


def test_numbers_are_the_numbers_the_prose_quotes(numbers):
    """numbers() holds every glue name the chapter's text and captions quote, and nothing else."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    quoted = set(re.findall(r"\{glue:\w*\}`([\w-]+)", json.dumps([c["source"] for c in cells])))
    assert quoted == set(numbers)
    values = [v.value if isinstance(v, notebook.Quoted) else v for v in numbers.values()]
    assert all(isinstance(v, (int, float)) and np.isfinite(v) for v in values)
