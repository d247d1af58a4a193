"""Chapter 8 (the paper's Fig. 2, left): the computations of cevnslib.chapters.ch08 against independent routes.

The chapter's prose quotes these agreements; here they are asserted, with the tolerances stated.
"""

import inspect
import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.optimize import brentq  # noqa: E402

from cevnslib import experiments, figures, fits, nuclei, statistics, style  # noqa: E402
from cevnslib.chapters import ch08  # noqa: E402
from cevnslib.couplings import NSI  # noqa: E402

BOOK = Path(__file__).resolve().parent.parent / "book"
CSI = "COHERENT-CsI-2017"


def notebook_cells(name):
    return json.loads((BOOK / name).read_text())["cells"]


def glued_names(cells) -> set:
    """The glue names that the markdown of a notebook quotes."""
    prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return set(re.findall(r"\{glue:[a-z]*\}`([^`:]+)", prose))


def figure_captions(cells) -> dict:
    """Figure name -> caption of every figure cell."""
    return {
        c["metadata"]["mystnb"]["figure"]["name"]: c["metadata"]["mystnb"]["figure"]["caption"]
        for c in cells
        if "mystnb" in c["metadata"]
    }


def captions_with_symbols_outside_maths(captions: dict) -> list:
    """Captions that write a symbol outside $...$ (eps_ee, R_n, sigma, chi-square, a backslash or _)."""
    return [c for c in captions.values() if re.search(r"eps|R_n|sigma|chi-square|\\|_", re.sub(r"\$[^$]+\$", "", c))]


def api_problems(module) -> list:
    """Public functions of ``module`` that break the conventions of tests/test_api.py."""
    from test_api import LOOSE_COUPLING, NEUTRON_RADIUS, UNIT_FREE_THRESHOLD, _raises_directly

    problems = []
    for name, obj in vars(module).items():
        if name.startswith("_") or not inspect.isfunction(obj) or obj.__module__ != module.__name__:
            continue
        params = inspect.signature(obj).parameters
        bad = [p for p in params if LOOSE_COUPLING.match(p) or NEUTRON_RADIUS.search(p) or UNIT_FREE_THRESHOLD.match(p)]
        if bad:
            problems.append(f"{name}: parameters {bad}")
        for p in ("nsi", "rn_fm"):
            if p in params and params[p].default not in (None, inspect.Parameter.empty):
                problems.append(f"{name}: {p} must default to None")
        if _raises_directly(obj) and not re.search(r"\bRaises?\b|\b[A-Z]\w*Error\b", inspect.getdoc(obj) or ""):
            problems.append(f"{name} raises but does not say so")
    return problems


@pytest.fixture(scope="module")
def numbers():
    return ch08.numbers()


def test_numbers_hold_every_number_the_prose_quotes(numbers):
    assert glued_names(notebook_cells("08_figure2_left.ipynb")) <= set(numbers)


def test_captions_are_maths_and_the_paper_figure_keeps_the_library_caption():
    captions = figure_captions(notebook_cells("08_figure2_left.ipynb"))
    library = figures.figure2_left()
    plt.close(library.figure)
    assert captions["fig-ch8-figure2-left"].startswith(library.caption)
    assert captions_with_symbols_outside_maths(captions) == []


def test_public_functions_follow_the_library_conventions():
    assert api_problems(ch08) == []


def test_figures_span_the_column():
    for draw in (ch08.dchi2_figure, ch08.spectrum_figure, ch08.universal_nsi_figure):
        fig = draw()
        assert fig.get_size_inches()[0] == pytest.approx(style.FULL_WIDTH_IN)
        plt.close(fig)


def test_one_bin_closed_form_equals_the_library_fit():
    """The exercise's closed-form 1-bin chi^2 and fits.csi2017_rn_interval("1-bin") agree to 1e-4 fm."""
    n, b, variance, sig_a, sig_b = ch08.one_bin()
    signal = fits.templates_for(CSI).summed()

    def chi2(r):
        s = signal.counts(rn_fm=r)[0]
        return (n - s - b) ** 2 / (variance + (sig_a * s) ** 2 + (sig_b * b) ** 2)

    best = brentq(lambda r: signal.counts(rn_fm=r)[0] + b - n, 3.0, 8.0, xtol=1e-12)
    lo = brentq(lambda r: chi2(r) - 1.0, 3.0, best, xtol=1e-12)
    hi = brentq(lambda r: chi2(r) - 1.0, best, 8.0, xtol=1e-12)
    library = fits.csi2017_rn_interval("1-bin")
    assert library.best == pytest.approx(best, abs=1e-4)
    assert library.single_piece() == pytest.approx((lo, hi), abs=1e-4)
    assert chi2(best) == pytest.approx(0.0, abs=1e-12)


def test_the_fit_reproduces_cadeddu_2018(numbers):
    """Best fit and ends within 0.06 fm of the published 5.5 (+0.9, -1.1) fm, rounded to 0.1 fm."""
    best, plus, minus = ch08.CADEDDU2018_RN_FM
    assert numbers["ch8-rn12-best"] == pytest.approx(best, abs=0.06)
    assert numbers["ch8-rn12-lo"] == pytest.approx(best - minus, abs=0.06)
    assert numbers["ch8-rn12-hi"] == pytest.approx(best + plus, abs=0.06)


def test_count_error_over_slope_estimates_the_half_width(numbers):
    """sqrt(stat^2 + sigma_alpha^2) / |d ln S/dR_n| is within 10% of the 12-bin half-width."""
    half_width = numbers["ch8-rn12-width"] / 2
    assert numbers["ch8-est-halfwidth"] == pytest.approx(half_width, rel=0.10)


def test_no_bin_resolves_the_change_of_r_n():
    """The best fit moves every bin's prediction by less than that bin's error bar."""
    data = experiments.get(CSI).data
    brn, best = data.brn_expected(), ch08.best_fit()
    moved = (1 + best.pull_signal) * best.signal + (1 + best.pull_brn) * brn - (fits.templates_for(CSI).counts() + brn)
    assert np.all(np.abs(moved) < np.sqrt(data.excess + 2 * data.anticoincidence + brn))


def test_counts_by_flavour_add_up_and_the_fewest_events_are_the_muon_events(numbers):
    templates = fits.templates_for(CSI)
    for rn in (None, 4.0, 6.5):
        parts = ch08.counts_by_flavour(templates, NSI(ee_d=0.1), rn)
        assert sum(parts.values()) == pytest.approx(templates.counts(NSI(ee_d=0.1), rn).sum(), rel=1e-12)
    # where Q_e is nearly zero only the muon flavours remain: within 0.01 events
    assert 0.0 <= numbers["ch8-n-min"] - numbers["ch8-n-mu"] < 0.01
    assert numbers["ch8-eps-nmin"] == pytest.approx(numbers["ch8-eps-zero"], abs=0.002)


def test_charge_zero_and_the_neutron_share():
    """Q_e of Cs and I vanishes at nearly one coupling, about N/(2(Z + 2N)); neutrons carry >100% of Q_SM."""
    eps = {name: ch08.charge_zero_eps_ee_d(name) for name in ("Cs133", "I127")}
    assert eps["Cs133"] == pytest.approx(eps["I127"], abs=1e-3)
    for name, value in eps.items():
        nuc = nuclei.nucleus(name)
        assert value == pytest.approx(nuc.N / (2 * (nuc.Z + 2 * nuc.N)), abs=0.01)
    assert ch08.neutron_share() > 1.0
    assert ch08.neutron_share(NSI(ee_d=fits.setup_flipped_eps_ee_d(CSI))) < 0.5


def test_interval_on_grid_interpolates_the_table_linearly():
    x = np.linspace(0.0, 4.0, 9)
    y = 0.1 + (x - 2.0) ** 2  # profile minimum 0.1, level absolute
    interval = ch08.interval_on_grid(x, y, 1.1)
    assert interval.best == 2.0
    # crossings of the straight lines between grid points: y(1.0) = 1.1, y(3.0) = 1.1 exactly
    assert interval.single_piece() == pytest.approx((1.0, 3.0), abs=1e-9)
    lo, hi = ch08.interval_on_grid(x, y, 0.45).single_piece()
    assert lo == pytest.approx(np.interp(0.45, [0.35, 1.1], [1.5, 1.0]), abs=1e-9)
    assert hi == pytest.approx(np.interp(0.45, [0.35, 1.1], [2.5, 3.0]), abs=1e-9)


def test_islands(numbers):
    """The SM island gives back the eps = 0 fit (within 0.02 fm); the flipped one is longer; both fit equally well."""
    islands = {island.name: island for island in ch08.islands()}
    sm, flipped, both = islands["SM"], islands["flipped"], islands["both"]
    assert sm.one_parameter.single_piece() == pytest.approx(fits.csi2017_rn_interval().single_piece(), abs=0.02)
    width = {name: np.diff(island.one_parameter.single_piece())[0] for name, island in islands.items()}
    assert width["flipped"] > width["SM"]
    assert both.one_parameter.single_piece() == pytest.approx(flipped.one_parameter.single_piece())
    assert abs(sm.dchi2_min - flipped.dchi2_min) < 0.1
    assert sm.eps_ee_d == pytest.approx(0.0, abs=0.01)
    assert flipped.eps_ee_d == pytest.approx(numbers["ch8-flip-ge"], abs=0.01)


def test_hole_opens_at_large_radius(numbers):
    holes = {hole.rn_fm: hole for hole in ch08.holes()}
    assert holes[4.0].dchi2 < numbers["ch8-level2"] < holes[7.0].dchi2
    assert holes[4.0].fewest > holes[5.5].fewest > holes[7.0].fewest


def test_point_proton_radii_move_the_skin_by_the_proton_size(numbers):
    """Point-proton radii raise the skin by the drop of R_p (within 0.01 fm); R_n moves by less than 0.01 fm."""
    charge, point = ch08.skins()
    assert point.skin_fm - charge.skin_fm == pytest.approx(numbers["ch8-ex-rp-drop"], abs=0.01)
    assert point.rn_fm == pytest.approx(charge.rn_fm, abs=0.01)
    assert charge.lo_fm < 0 < charge.hi_fm


def test_eps_mumu_moves_r_n_by_about_one_sigma():
    """eps_mumu^dV = +-0.05 shifts R_n by 0.7 to 1.1 half-widths of the eps = 0 interval."""
    intervals = ch08.eps_mumu_intervals()
    centre = intervals[0.0]
    half_width = np.diff(centre.single_piece())[0] / 2
    for eps, interval in intervals.items():
        if eps:
            assert 0.7 < abs(interval.best - centre.best) / half_width < 1.1
            assert np.sign(interval.best - centre.best) == -np.sign(eps)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        ch08.fit("3-bin")
    with pytest.raises(ValueError):
        ch08.mean_proton_radius_fm("matter")
    with pytest.raises(ValueError):
        ch08.charge_zero_eps_ee_d("Xx1")
    assert isinstance(ch08.islands()[0].one_parameter, statistics.Interval)
