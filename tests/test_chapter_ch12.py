"""Chapter 12, the CsI[Na] full data set (cevnslib.chapters.ch12): the checks behind its prose."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import integrate, stats  # noqa: E402
from scipy.optimize import brentq, minimize_scalar  # noqa: E402
from test_chapter_assumptions import prose_glue_keys  # noqa: E402
from test_chapter_ch08 import api_problems, captions_with_symbols_outside_maths, figure_captions, notebook_cells  # noqa: E402

from cevnslib import arrival_time, csi_2021_fits, style  # noqa: E402
from cevnslib.chapters import ch08, ch12  # noqa: E402
from cevnslib.couplings import NSI  # noqa: E402
from cevnslib.notebook import Quoted  # noqa: E402

BOOK = Path(__file__).resolve().parent.parent / "book"
NOTEBOOK = BOOK / "12_csi_2021.ipynb"


@pytest.fixture(scope="module")
def numbers():
    return ch12.numbers()


def _efficiency(t):
    return 1.0 if t < 0.52 else np.exp(-0.0494 * (t - 0.52))


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
    assert np.allclose(ch12.prediction(), sum(parts.values()), rtol=1e-12, atol=0)
    cevns = parts["CEvNS prompt"] + parts["CEvNS delayed"]
    assert np.allclose(cevns, ch12.experiment().predict_energy_time(), rtol=1e-12, atol=0)
    assert parts["steady state"].sum() == pytest.approx(1295, rel=1e-12)
    with pytest.raises(ValueError):
        parts["BRN"][0, 0] = 1.0


def test_the_table_rows_add_up():
    for name, (prompt, delayed, total) in ch12.data_rows().items():
        assert prompt + delayed == pytest.approx(total, rel=1e-12), name


def test_time_shares_against_quad(numbers):
    """Shares of prompt and delayed neutrinos kept below 6 us, by scipy.integrate.quad of scipy.stats densities."""
    mu, sigma, tau_pi, tau_mu = 0.44, 0.15, 0.026033, 2.1969811
    prompt = stats.exponnorm(tau_pi / sigma, loc=mu, scale=sigma)

    def delayed_pdf(t):  # prompt time plus an exponential muon lifetime: a convolution
        return integrate.quad(
            lambda s: prompt.pdf(s) * np.exp(-(t - s) / tau_mu) / tau_mu, -2.0, t, points=[mu], limit=200
        )[0]

    kept_prompt = integrate.quad(lambda t: prompt.pdf(t) * _efficiency(t), 0, 6, points=[0.52], limit=200)[0]
    kept_delayed = integrate.quad(lambda t: delayed_pdf(t) * _efficiency(t), 0, 6, points=[0.52], limit=200)[0]
    assert numbers["ch12-prompt-share"] == pytest.approx(100 * kept_prompt, abs=1e-4)
    assert numbers["ch12-delayed-share"] == pytest.approx(100 * kept_delayed, abs=1e-4)
    assert arrival_time.PROTON_PULSE_MEAN_US == mu and arrival_time.MUON_LIFETIME_US == tau_mu


def test_neutron_backgrounds_match_the_release_numbers(numbers):
    """BRN and NIN in the region: 18.4 and 5.6 events before the timing efficiency, the release's
    projections recomputed here (1%); the chapter's counts are those seen through the efficiency."""
    data = ch12.experiment().data
    pe, times = data.neutrons_pe, data.neutrons_time
    for kind, published in (("brn", 18.4), ("nin", 5.6)):
        inside = times["time_us"] < 6
        share_pe = pe[kind][pe["pe"] < 60].sum() / pe[kind].sum()
        assert times[kind][inside].sum() * share_pe == pytest.approx(published, rel=0.01)
        counts = times[kind][inside]
        kept = (counts * arrival_time.csi_2021_timing_efficiency(times["time_us"][inside])).sum() / counts.sum()
        assert numbers[f"ch12-{kind}"] == pytest.approx(published * kept, rel=2e-3)


def test_published_numbers_are_the_library_records(numbers):
    assert (numbers["ch12-xs-measured"], numbers["ch12-xs-measured-minus"], numbers["ch12-xs-measured-plus"]) == (
        165.0,
        25.0,
        30.0,
    )
    assert numbers["ch12-xs-sm"] == 189.0
    assert numbers["ch12-pot-text"] == "3.198 × 10²³"


def test_the_neutron_radius_lowers_the_count(numbers):
    assert 5.0 < numbers["ch12-sm-drop-rn"] < 30.0


def test_the_numbers_table_matches_the_fits(numbers):
    """Every fitted number the prose and the table quote is the fit helper's (cevnslib.csi_2021_fits.results)."""
    res = ch12.results()
    assert numbers["ch12-s-best"] == res.signal.strength.best
    assert (numbers["ch12-s-lo"], numbers["ch12-s-hi"]) == res.signal.strength.one_sigma.single_piece()
    assert numbers["ch12-n-fit"] == res.signal.count.best
    assert numbers["ch12-z0"] == res.signal.significance
    assert (numbers["ch12-rn-best"], numbers["ch12-skin-best"]) == (res.radius.best, res.skin.best)
    assert (numbers["ch12-iso-cs"], numbers["ch12-iso-i"]) == res.isotope_radii_map.best
    assert numbers["ch12-max-pull"] == max(abs(v) for v in res.signal.strength.pulls.values())


def check_signal_strength_fit(likelihood, quoted, prefix: str, bounds: tuple[float, float]):
    """A chapter's fit 1 against scipy.optimize on the same ``likelihood``: the best signal strength (0.01), its
    1 sigma interval (2e-3) and q0 (1e-3 relative) quoted as ``<prefix>-s-best``, ``-s-lo``, ``-s-hi`` and ``-q0``
    in ``quoted``, against a bounded scalar minimiser and brentq between ``bounds``. Chapter 13 uses it too."""

    def deviance(s):
        return float(likelihood.deviance(signal_strength=s))

    best = minimize_scalar(deviance, bounds=bounds, method="bounded", options={"xatol": 1e-6})
    assert quoted[f"{prefix}-s-best"] == pytest.approx(best.x, abs=0.01)
    lo = brentq(lambda s: deviance(s) - best.fun - 1.0, bounds[0], best.x, xtol=1e-6)
    hi = brentq(lambda s: deviance(s) - best.fun - 1.0, best.x, bounds[1], xtol=1e-6)
    assert (quoted[f"{prefix}-s-lo"], quoted[f"{prefix}-s-hi"]) == pytest.approx((lo, hi), abs=2e-3)
    assert quoted[f"{prefix}-q0"] == pytest.approx(deviance(0.0) - best.fun, rel=1e-3)


def test_fit1_against_a_continuous_minimiser(numbers):
    """Best s, its interval and q0 against scipy.optimize on the same likelihood."""
    check_signal_strength_fit(ch12.likelihood(), numbers, "ch12", (0.3, 1.7))


def test_fit1_agrees_with_the_published_ratio_within_its_error(numbers):
    """The chapter's tolerance: s within one published error of COHERENT's 0.873 (-0.132, +0.159)."""
    ratio, minus, plus = 0.873, 0.132, 0.159
    assert ratio - minus < numbers["ch12-s-best"] < ratio + plus
    assert numbers["ch12-s-vs-pub"] < 1.0


def test_fitted_components_add_up_to_the_fitted_expectation():
    signal = ch12.results().signal
    profile = ch12.likelihood().profile(signal_strength=signal.strength.best)
    parts = ch12.fitted_components()
    assert np.allclose(sum(parts.values()), profile.expected, rtol=1e-12, atol=1e-12)
    assert parts["CEvNS"].sum() == pytest.approx(profile.signal.sum(), rel=1e-12)


def test_fit2_intervals_against_brentq(numbers):
    """R_n and skin intervals against brentq on the likelihood (0.01 fm)."""
    like = ch12.likelihood()
    cs, iodine = csi_2021_fits.proton_radii_fm()
    routes = {
        "rn": lambda r: float(like.deviance(rn_fm=r)),
        "skin": lambda d: float(like.deviance(nucleus_rn_fm=(cs + d, iodine + d))),
    }
    for key, deviance in routes.items():
        start = numbers[f"ch12-{key}-best"]
        best = minimize_scalar(deviance, bounds=(start - 0.3, start + 0.3), method="bounded", options={"xatol": 1e-5})
        assert start == pytest.approx(best.x, abs=0.03)
        lo = brentq(lambda x: deviance(x) - best.fun - 1.0, start - 1.5, best.x, xtol=1e-6)
        hi = brentq(lambda x: deviance(x) - best.fun - 1.0, best.x, start + 1.5, xtol=1e-6)
        assert (numbers[f"ch12-{key}-lo"], numbers[f"ch12-{key}-hi"]) == pytest.approx((lo, hi), abs=0.01)
    # A common skin is a common radius shifted by R_p: the two best fits differ by the mean R_p to 0.03 fm.
    assert numbers["ch12-rn-best"] - numbers["ch12-skin-best"] == pytest.approx(0.5 * (cs + iodine), abs=0.03)


def test_fit3_maps_hold_the_2017_chapter_and_the_standard_model(numbers):
    """The SM point of the NSI map is as quoted, and the 2017 regions are Chapter 8's chi^2 on the same grid."""
    nsi_map = ch12.results().nsi_map
    k, m = int(np.argmin(np.abs(nsi_map.x))), int(np.argmin(np.abs(nsi_map.y)))
    assert (nsi_map.x[k], nsi_map.y[m]) == pytest.approx((0.0, 0.0), abs=1e-12)
    assert float(ch12.likelihood().deviance()) - nsi_map.deviance_min == pytest.approx(
        numbers["ch12-nsi-sm-dev"], abs=1e-6
    )
    old, old_rn = ch12.maps_2017()
    chi2 = ch08.fit("12-bin").chi2(NSI(ee_d=nsi_map.x[:, None], mm_d=nsi_map.y[None, :]), None)
    assert old[k, m] == pytest.approx(float(chi2[k, m] - chi2.min()), abs=1e-9)
    # Both islands of Fig. 2 (left) close inside the grid, as the prose says.
    rn_map = ch12.rn_nsi_map()
    for branch in ("sm", "flipped"):
        assert rn_map.x[0] < numbers[f"ch12-band-{branch}-lo"] and numbers[f"ch12-band-{branch}-hi"] < rn_map.x[-1]


def test_public_functions_follow_the_library_conventions():
    assert api_problems(ch12) == []


def test_captions_write_symbols_in_maths():
    assert captions_with_symbols_outside_maths(figure_captions(notebook_cells("12_csi_2021.ipynb"))) == []


def test_figures_span_the_column():
    for draw in (ch12.response_figure, ch12.projections_figure, ch12.rn_figure, ch12.nsi_figure):
        fig = draw()
        assert fig.get_size_inches()[0] == pytest.approx(style.FULL_WIDTH_IN)
        plt.close(fig)


def test_bad_physics_point_is_refused():
    with pytest.raises(ValueError, match="nsi"):
        ch12.components(NSI(ee_d=np.array([0.0, 0.1])))
    with pytest.raises(ValueError):
        ch12.components(rn_fm=-1.0)


def test_the_assumptions_page_lists_the_chapter_choices():
    """The Assumptions page quotes the chapter's choices, equal to the published numbers typed in again."""
    from cevnslib.chapters import assumptions

    values = assumptions.csi2021_choice_numbers()
    expected = {
        "assume-c21-pe-width": 4.0,
        "assume-c21-pe-max": 60.0,
        "assume-c21-t-max": 6.0,
        "assume-c21-cells": 195,
        "assume-c21-pulse-mean": 440.0,
        "assume-c21-pulse-sigma": 150.0,
        "assume-c21-tau-pi": 26.033,
        "assume-c21-tau-mu": 2.1969811,
        "assume-c21-eff-onset": 0.52,
        "assume-c21-eff-decay": 0.0494,
        "assume-c21-brn": 18.4,
        "assume-c21-nin": 5.6,
        "assume-c21-prior-flux": 10.0,
        "assume-c21-prior-ss": 2.1,
        "assume-c21-prior-brn": 25.0,
    }
    for key, value in expected.items():
        assert values[key] == pytest.approx(value, rel=1e-12), key
    assert values["assume-c21-prior-nin"] == pytest.approx(36.0, rel=1e-12)
    assert {k for k in prose_glue_keys(BOOK / "assumptions.ipynb") if k.startswith("assume-c21-")} == set(values)


def test_asimov_discovery_z_is_the_poisson_deviance_and_tends_to_s_over_sqrt_b():
    from scipy.special import gammaln

    s, b = np.array([3.0, 0.0, 12.5]), np.array([7.0, 2.0, 40.0])
    n = s + b
    log_p = lambda mu: n * np.log(mu) - mu - gammaln(n + 1)  # noqa: E731  Poisson log pmf at non-integer n
    deviance = -2.0 * (log_p(b) - log_p(s + b))
    assert ch12.asimov_discovery_z(s, b) == pytest.approx(np.sqrt(deviance.sum()), rel=1e-12)
    assert ch12.asimov_discovery_z([1e-3], [100.0]) == pytest.approx(1e-4, rel=1e-5)
    with pytest.raises(ValueError, match="background > 0"):
        ch12.asimov_discovery_z([1.0], [0.0])
    with pytest.raises(ValueError, match=">= 0"):
        ch12.asimov_discovery_z([-1.0], [2.0])


def test_finer_binning_never_loses_expected_significance():
    # Z^2 of merged bins is at most the sum over its parts (the deviance is convex): cells >= PE >= one bin
    z = ch12.counting_significances()
    assert z["PE x time"] >= z["PE bins"] >= z["whole region"] > z["prompt window"] > 0


def test_isotope_valley_follows_the_count_line_near_equal_radii_and_bends_with_it():
    rows = ch12.isotope_valley_rows()
    equal = min(rows, key=lambda r: abs(r[0] - r[1]))
    assert equal[3] == pytest.approx(-1.0, abs=0.15) and equal[4] == pytest.approx(equal[3], abs=0.25)
    count_slopes, valley_slopes = [r[3] for r in rows], [r[4] for r in rows]
    assert np.all(np.diff(count_slopes) > 0) and count_slopes[0] < -1.5 and count_slopes[-1] > -0.7
    assert np.all(np.diff([r[0] for r in rows]) > 0) and np.all(np.asarray(valley_slopes) < 0)
