"""Chapter 11.1, the full COHERENT-2017 likelihood (cevnslib.chapters.ch11a): the claims of its prose.

The pseudo-experiments are seeded, so these numbers are fixed; the tests check the statements the
prose makes about them (with the tolerances stated in each test).
"""

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from test_chapter_assumptions import prose_glue_keys  # noqa: E402

from cevnslib import coverage, style  # noqa: E402
from cevnslib.chapters import ch11a  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "book" / "11a_likelihood.ipynb"


def committed_glue(path: Path) -> dict[str, str]:
    """Glue name -> its text in the committed notebook. nbval reruns the notebook and checks that a
    fresh ``ch11a.numbers()`` glues exactly these, so the test does not repeat that 30 s computation."""
    nb = json.loads(path.read_text())
    return {
        output["metadata"]["scrapbook"]["name"]: output["data"]["application/papermill.record/text/plain"]
        for cell in nb["cells"]
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
        if "scrapbook" in output.get("metadata", {})
    }


def test_numbers_hold_every_quoted_number():
    glued = committed_glue(NOTEBOOK)
    assert prose_glue_keys(NOTEBOOK) <= set(glued)
    assert all(key.startswith("ch11a-") for key in glued)
    assert glued["ch11a-flat-p"].endswith("10⁻⁷'")  # scientific notation, not 2.4e-07


def test_window_holds_the_released_fractions_of_prompt_and_delayed_events():
    """expected_counts summed over cells = f_p S_p + f_d S_d + BRN, to 1e-12 relative."""
    lik = ch11a.variant("et")
    s_prompt, s_delayed = lik.signal()
    total = lik.p_prompt.sum() * s_prompt.sum() + lik.p_delayed.sum() * s_delayed.sum() + lik.brn.sum()
    assert lik.expected_counts().sum() == pytest.approx(total, rel=1e-12)
    assert lik.p_prompt.sum() == pytest.approx(1.0, abs=1e-4) and lik.p_delayed.sum() < 0.95


def test_steady_state_background_is_not_flat_but_has_one_time_shape():
    tests = ch11a.background_tests()
    assert tests["flat_p"] < 1e-5
    assert tests["indep_p"] > 0.05
    assert tests["side_time"][0] > 2 * tests["side_time"][-1]


def test_the_ladder_of_likelihoods():
    fits = ch11a.rn_variants()
    # Poisson set up like the chi^2 gives its best fit and interval to 0.05 fm.
    assert np.allclose(fits["e-ac"][:3], fits["chi2-12bin"][:3], atol=0.05)
    # The proton radius of Cs lies inside every closed interval of the table.
    rp = ch11a.variant("et").prompt.nuclei[0].charge_radius_fm
    for key in ("chi2-12bin", "e-ac", "e-all", "et-renorm", "et", "et-profile", "et-flat"):
        best, lo, hi, _ = fits[key]
        assert lo <= rp <= hi, key
    # Normalisation free, the intervals are open towards small radii.
    assert fits["e-free"][1] == -np.inf and fits["et-free"][1] == -np.inf


@pytest.mark.slow
def test_coverage_and_feldman_cousins_say_what_the_prose_says():
    """Seeded toy ensembles (about 25 s): in the slow run; nbval checks the glued numbers every run."""
    study, result = ch11a.coverage_study(), ch11a.feldman_cousins()
    # Wilks is close at the best fit: within three Monte Carlo errors of 68.27%.
    for cov in (study.full, study.chi2):
        assert abs(cov.fraction - coverage.ONE_SIGMA) < 3 * cov.error
    assert study.gof_p > 0.05
    # Over-coverage at the lower edge of the radii, by more than three Monte Carlo errors.
    assert result.wilks_coverage[0] - coverage.ONE_SIGMA > 3 * result.wilks_coverage_error[0]
    # The Feldman-Cousins interval moves up at both ends against Wilks'.
    _, wilks_lo, wilks_hi, _ = ch11a.rn_variants()["et"]
    fc_lo, fc_hi = result.interval.single_piece()
    assert fc_lo > wilks_lo and fc_hi > wilks_hi


def test_tables_format_every_number():
    """The printed tables of the committed notebook (nbval checks a fresh run prints the same)."""
    nb = json.loads(NOTEBOOK.read_text())
    printed = [
        "".join(output.get("text", "")) + "".join(output.get("data", {}).get("text/plain", ""))
        for cell in nb["cells"]
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
    ]
    tables = [text for text in printed if "\n" in text.strip()]
    assert len(tables) >= 3, "the sample, coverage and Feldman-Cousins tables are printed"
    for table in tables:
        assert "nan" not in table and not re.search(r"\de[+-]\d", table)


@pytest.mark.parametrize(
    "draw",
    [
        ch11a.data_figure,
        ch11a.rn_profile_figure,
        ch11a.projections_figure,
        ch11a.nsi_figure,
        pytest.param(ch11a.feldman_cousins_figure, marks=pytest.mark.slow),
    ],
)
def test_figures_fit_the_column(draw):
    fig = draw()
    assert fig.get_figwidth() <= style.FULL_WIDTH_IN + 1e-9
    plt.close(fig)
