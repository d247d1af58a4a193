"""Chapter 9 (the paper's Fig. 2, right): the computations of cevnslib.chapters.ch09 against independent routes.

The chapter's prose quotes these agreements; here they are asserted, with the tolerances stated.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.integrate import quad  # noqa: E402
from test_chapter_ch08 import (  # noqa: E402
    api_problems,
    captions_with_symbols_outside_maths,
    figure_captions,
    glued_names,
    notebook_cells,
)

from cevnslib import cross_section, experiments, figures, fits, rates, style  # noqa: E402
from cevnslib.chapters import ch09  # noqa: E402
from cevnslib.couplings import NSI  # noqa: E402

NAI, CONNIE = "COHERENT-NaI", "CONNIE"


@pytest.fixture(scope="module")
def numbers():
    return ch09.numbers()


def test_numbers_hold_every_number_the_prose_quotes(numbers):
    assert glued_names(notebook_cells("09_figure2_right.ipynb")) <= set(numbers)


def test_captions_are_maths_and_the_paper_figure_has_the_library_caption():
    captions = figure_captions(notebook_cells("09_figure2_right.ipynb"))
    library = figures.figure2_right()
    plt.close(library.figure)
    assert captions["fig-ch9-figure2-right"] == library.caption
    assert captions_with_symbols_outside_maths(captions) == []


def test_public_functions_follow_the_library_conventions():
    assert api_problems(ch09) == []


def test_best_rn_figure_spans_the_column():
    fig = ch09.best_rn_figure()
    assert fig.get_size_inches()[0] == pytest.approx(style.FULL_WIDTH_IN)
    plt.close(fig)


def test_nucleus_events_add_up_to_the_target_templates():
    """The recoil spectrum of each nucleus, integrated above threshold, adds up to the templates' count
    (relative 1e-9 for NaI; 1e-6 for CsI, whose PE acceptance is folded in)."""
    for name, rel in ((NAI, 1e-9), ("COHERENT-CsI-2017", 1e-6)):
        exp, t = experiments.get(name), fits.templates_for(name)
        for rn in (None, 4.0, 5.5):
            assert sum(e.events for e in ch09.nucleus_events(exp, rn)) == pytest.approx(
                t.counts(rn_fm=rn).sum(), rel=rel
            )


def test_sodium_recoils_at_smaller_momentum_transfer_than_iodine():
    """q at threshold is sqrt(2 M T_thr); the rms q of the events, checked against scipy's quad to 1e-6,
    is smaller for sodium than for iodine."""
    nai = experiments.get(NAI)
    events = {e.name: e for e in ch09.nucleus_events(nai, fits.NAI_TRUTH_RN_FM)}
    threshold_mev = nai.detector.threshold / 1000
    for k, nuc in enumerate(nai.target.nuclei):
        m_mev = 1000 * nuc.mass_gev
        assert events[nuc.name].q_min_mev == pytest.approx(np.sqrt(2 * m_mev * threshold_mev), rel=1e-12)

        def spectrum(t, k=k):
            return nai.recoil_spectrum([t], rn_fm=fits.NAI_TRUTH_RN_FM).dn_dt[k, :, 0].sum()

        t_hi = rates.max_recoil_kev(nai.source, nuc)
        line_mev = next(c.line_mev for c in nai.source.components if c.line_mev is not None)  # prompt nu_mu
        kink = float(cross_section.t_max_kev(line_mev, nuc.mass_gev))
        n = quad(spectrum, nai.detector.threshold, t_hi, points=[kink], limit=200, epsrel=1e-10)[0]
        q2 = quad(
            lambda t: 2 * m_mev * t / 1000 * spectrum(t),
            nai.detector.threshold,
            t_hi,
            points=[kink],
            limit=200,
            epsrel=1e-10,
        )[0]
        assert events[nuc.name].events == pytest.approx(n, rel=1e-6)
        assert events[nuc.name].q_rms_mev == pytest.approx(np.sqrt(q2 / n), rel=1e-6)
    assert events["Na23"].q_rms_mev < 50 < 60 < events["I127"].q_rms_mev
    assert events["Na23"].q_min_mev < events["I127"].q_min_mev


def test_one_common_radius_suppresses_sodium_only(numbers):
    """With a shared skin the pseudo-data are the SM default (each R_n = R_p); one R_n common to Na and I
    (the old choice) leaves iodine's count unchanged and takes more than 20% of sodium's, which is the
    whole difference of the two pseudo-data (relative 1e-9)."""
    nai = experiments.get(NAI)
    assert numbers["ch9-nai-obs"] == pytest.approx(float(nai.predict().sum()), rel=1e-12)
    assert numbers["ch9-rn-Na23"] == pytest.approx(numbers["ch9-rp-Na23"], abs=1e-12)
    assert numbers["ch9-own-I127"] == pytest.approx(numbers["ch9-common-I127"], rel=1e-12)
    change = numbers["ch9-common-Na23"] - numbers["ch9-own-Na23"]
    assert change == pytest.approx(numbers["ch9-nai-common-obs"] - numbers["ch9-nai-obs"], rel=1e-9)
    assert numbers["ch9-change-Na23"] < -20
    assert abs(numbers["ch9-slope-Na23"]) < abs(numbers["ch9-slope-I127"])


def test_the_two_step_best_fit_matches_both_counts_exactly():
    """At (R_n*, eps*) NaI + CONNIE has chi^2 below 1e-8 on both branches: both counts are matched."""
    nai = fits.asimov_measurement(experiments.get(NAI), fits.templates_for(NAI), truth_rn_fm=fits.NAI_TRUTH_RN_FM)
    for scale in ch09.SCENARIOS.values():
        fit = fits.combine(nai, fits.asimov_measurement(experiments.get(CONNIE), fits.templates_for(CONNIE), scale))
        for branch in ("SM", "flipped"):
            point = NSI(ee_d=ch09.connie_eps_ee_d(scale, branch))
            assert float(fit.chi2(point, ch09.best_rn_fm(scale, branch))) < 1e-8


def test_library_profile_agrees_with_the_two_step_solution(numbers):
    """fits.nai_connie_best_rn (a profile on a grid) is within 0.002 fm of the exact solution."""
    for branch, scale, rn in ch09.library_best_rn():
        assert rn == pytest.approx(ch09.best_rn_fm(scale, branch), abs=0.002)
    assert numbers["ch9-lib-max-diff"] < 0.002


def test_a_deficit_lowers_and_an_excess_raises_r_n(numbers):
    assert numbers["ch9-best-minus-sm"] < numbers["ch9-rn-true"] < numbers["ch9-best-plus-sm"]
    assert numbers["ch9-best-sm-sm"] == pytest.approx(numbers["ch9-rn-true"], abs=1e-6)
    assert numbers["ch9-best-sm-fl"] < numbers["ch9-rn-true"]


def test_first_order_shift_and_its_improvement():
    """At +-10% the first-order shift is 0-20% too large; with NaI's actual count at eps* it is within 3%."""
    for row in ch09.shifts():
        if abs(row.scale - 1) < 0.15:
            assert 1.0 < row.first_order / row.exact < 1.2
            assert row.improved == pytest.approx(row.exact, rel=0.03)


def test_closed_form_half_width_matches_the_fit():
    """sqrt(1/N + sigma^2) / |d ln N/dR_n| is within 5% of the half-width of the NaI fit, at every threshold."""
    for row in ch09.threshold_rows():
        assert row.estimate_fm == pytest.approx(row.fit_fm, rel=0.05)


def test_sm_branch_interval_scales_with_the_nai_systematic(numbers):
    """Doubling the NaI systematic doubles the SM-branch interval, within 10%; at 5% the branches separate."""
    assert numbers["ch9-sys10-sm-width"] / numbers["ch9-sys05-sm-width"] == pytest.approx(2.0, rel=0.10)
    assert numbers["ch9-sys20-sm-width"] / numbers["ch9-sys10-sm-width"] == pytest.approx(2.0, rel=0.10)
    assert [len(row.both.pieces) for row in ch09.systematic_rows()] == [2, 1, 1]


def test_the_paper_deviation_moves_r_n_by_about_one_half_width():
    rows = {row.scale: row for row in ch09.deviation_rows()}
    for scale in (0.7, 1.3):
        assert 0.8 < abs(rows[scale].shift_ratio) < 1.1
    for scale in (0.9, 1.1):
        assert abs(rows[scale].shift_ratio) < 0.4


def test_interval_text():
    assert ch09.interval_text(fits.Interval(1.0, ((0.5, 1.5), (2.6134, 3.3866)))) == "[0.50, 1.50] ∪ [2.61, 3.39]"


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="branch"):
        ch09.connie_eps_ee_d(1.0, "sm")
    with pytest.raises(ValueError):
        ch09.connie_eps_ee_d(20.0, "SM")  # no coupling of the SM branch gives 20 times the SM count
    assert np.isfinite(ch09.connie_split())
