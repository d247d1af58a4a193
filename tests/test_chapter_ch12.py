"""Chapter 12, the CsI[Na] full data set (cevnslib.chapters.ch12): the checks behind its prose."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import integrate, stats  # noqa: E402

from cevnslib import arrival_time, style  # noqa: E402
from cevnslib.chapters import ch12  # noqa: E402
from cevnslib.notebook import Quoted  # noqa: E402
from test_chapter_assumptions import prose_glue_keys  # noqa: E402
from test_chapter_ch08 import api_problems, captions_with_symbols_outside_maths, figure_captions, notebook_cells  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "book" / "12_csi_2021.ipynb"


@pytest.fixture(scope="module")
def numbers():
    return ch12.numbers()


def test_numbers_hold_every_quoted_number(numbers):
    assert prose_glue_keys(NOTEBOOK) <= set(numbers)
    assert all(k.startswith("ch12-") and isinstance(v, (int, float, str, Quoted)) for k, v in numbers.items())


def test_the_binned_data_reproduce_the_release_counts(numbers):
    """1,578 C and 1,295 AC events below 60 PE and 6 us, counted from the raw event lists with masks."""
    data = ch12.experiment().data
    for window, events, expected in (("C", data.coincidence, 1578), ("AC", data.anticoincidence, 1295)):
        inside = (events["pe"] >= 0) & (events["pe"] < 60) & (events["time_us"] >= 0) & (events["time_us"] < 6)
        assert int(inside.sum()) == expected
        assert data.binned(window).sum() == expected
    assert (numbers["ch12-c-total"], numbers["ch12-ac-total"]) == (1578, 1295)
    assert (numbers["ch12-c-pub"], numbers["ch12-ac-pub"]) == (1578, 1295)
    assert numbers["ch12-excess"] == 1578 - 1295


def test_the_stacked_components_sum_to_the_prediction():
    parts = ch12.components()
    assert tuple(parts) == ch12.COMPONENTS
    total = sum(parts.values())
    assert np.allclose(ch12.prediction(), total, rtol=1e-12, atol=0)
    cevns = parts["CEvNS prompt"] + parts["CEvNS delayed"]
    assert np.allclose(cevns, ch12.experiment().predict_energy_time(), rtol=1e-12, atol=0)
    assert np.array_equal(parts["steady state"], ch12.experiment().data.binned("AC"))
    with pytest.raises(ValueError):
        parts["BRN"][0, 0] = 1.0


def test_the_table_rows_add_up():
    for name, (prompt, delayed, total) in ch12.data_rows().items():
        assert prompt + delayed == pytest.approx(total, rel=1e-12), name


def _efficiency(t):
    return 1.0 if t < 0.52 else np.exp(-0.0494 * (t - 0.52))


def test_time_shares_against_quad(numbers):
    """Shares of prompt and delayed neutrinos kept below 6 us, by scipy.integrate.quad of scipy.stats densities."""
    mu, sigma, tau_pi, tau_mu = 0.44, 0.15, 0.026033, 2.1969811
    prompt = stats.exponnorm(tau_pi / sigma, loc=mu, scale=sigma)

    def delayed_pdf(t):  # prompt time plus an exponential muon lifetime: a convolution
        return integrate.quad(lambda s: prompt.pdf(s) * stats.expon(scale=tau_mu).pdf(t - s), -2.0, t,
                              points=[mu], limit=200)[0]

    kept_prompt = integrate.quad(lambda t: prompt.pdf(t) * _efficiency(t), 0, 6, points=[0.52], limit=200)[0]
    kept_delayed = integrate.quad(lambda t: delayed_pdf(t) * _efficiency(t), 0, 6, points=[0.52], limit=200)[0]
    assert numbers["ch12-prompt-share"] == pytest.approx(100 * kept_prompt, abs=1e-4)
    assert numbers["ch12-delayed-share"] == pytest.approx(100 * kept_delayed, abs=1e-4)
    assert arrival_time.PROTON_PULSE_MEAN_US == mu and arrival_time.MUON_LIFETIME_US == tau_mu


def test_neutron_backgrounds_match_the_release_numbers(numbers):
    """BRN and NIN in the region: the release's 18.4 and 5.6 (before the timing efficiency) times the
    efficiency averaged over each projection, recomputed here from the raw projections."""
    data = ch12.experiment().data
    pe, times = data.neutrons_pe, data.neutrons_time
    for kind, published in (("brn", 18.4), ("nin", 5.6)):
        inside = times["time_us"] < 6
        share_pe = pe[kind][pe["pe"] < 60].sum() / pe[kind].sum()
        before = times[kind][inside].sum() * share_pe
        assert before == pytest.approx(published, rel=0.01)
        weights = np.array([_efficiency(t) for t in times["time_us"][inside]])
        with_efficiency = (times[kind][inside] * weights).sum() * share_pe
        assert numbers[f"ch12-{kind}"] == pytest.approx(with_efficiency, rel=2e-3)


def test_published_numbers_are_the_library_records(numbers):
    assert (numbers["ch12-xs-measured"], numbers["ch12-xs-measured-minus"], numbers["ch12-xs-measured-plus"]) == (
        165.0, 25.0, 30.0)
    assert numbers["ch12-xs-sm"] == 189.0
    assert numbers["ch12-pot-text"] == "3.198 × 10²³"


def test_the_neutron_radius_lowers_the_count(numbers):
    """From R_n = 4.8 to 5.3 fm the count falls; a smaller weak-charge form factor, checked by its sign and size."""
    assert 5.0 < numbers["ch12-sm-drop-rn"] < 30.0


def test_public_functions_follow_the_library_conventions():
    assert api_problems(ch12) == []


def test_captions_write_symbols_in_maths():
    assert captions_with_symbols_outside_maths(figure_captions(notebook_cells("12_csi_2021.ipynb"))) == []


def test_figures_span_the_column():
    for draw in (ch12.response_figure, ch12.projections_figure):
        fig = draw()
        assert fig.get_size_inches()[0] == pytest.approx(style.FULL_WIDTH_IN)
        plt.close(fig)


def test_bad_physics_point_is_refused():
    from cevnslib.couplings import NSI

    with pytest.raises(ValueError, match="nsi"):
        ch12.components(NSI(ee_d=np.array([0.0, 0.1])))
    with pytest.raises(ValueError):
        ch12.components(rn_fm=-1.0)
