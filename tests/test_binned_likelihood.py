"""What the CsI 2021 and argon likelihoods share (cevnslib.binned_likelihood) and their fits (cevnslib.profile_fits):
the morph keeps bin axes apart from leading ones, counts and data are checked with the data set's own words, the
free and held nuisances of a batch, the generic fit helpers, and the data-set modules' re-exported names."""

from __future__ import annotations

import numpy as np
import pytest

from cevnslib import csi_2021_fits, lar_2020_fits, profile_fits
from cevnslib.binned_likelihood import BinnedLikelihood, FreeNuisances, morph, signal_strengths
from cevnslib.csi_2021_likelihood import CsI2021Counts, morphed
from cevnslib.lar_2020_likelihood import LAr2020Counts

FITS = {"CsI": csi_2021_fits, "argon": lar_2020_fits}


@pytest.fixture(scope="module", params=sorted(FITS))
def lik(request):
    return FITS[request.param].default_likelihood()


def test_both_likelihoods_share_the_convention(lik):
    assert isinstance(lik, BinnedLikelihood)
    assert lik.SIGNAL_NORMALISATION in lik.NORMALISATIONS and set(lik.SIGNAL_MORPHS) <= set(lik.NUISANCES)
    assert len(lik.priors) == len(lik.NUISANCES) == lik.sigmas.size
    assert lik.signal_cells().shape == (1 + len(lik.SIGNAL_MORPHS),) + lik.shape
    assert isinstance(lik.asimov(), lik.COUNTS) and isinstance(lik.profile(), lik.PROFILE)


def test_expected_counts_broadcast_radii_against_one_set_of_nuisances(lik):
    """The morphs keep the bin axes apart from the leading ones: one expectation per radius, whatever the
    nuisances' leading shape (before the shared morph, an array of radii with one set of nuisances raised)."""
    radii, x = np.array([3.5, 4.0, 4.5]), np.linspace(-0.2, 0.3, len(lik.NUISANCES))
    alone = np.stack([lik.expected_counts(rn_fm=r, nuisances=x) for r in radii])
    np.testing.assert_allclose(lik.expected_counts(rn_fm=radii, nuisances=x), alone, rtol=1e-12)
    np.testing.assert_array_equal(lik.expected_counts(rn_fm=radii), lik.asimov(rn_fm=radii).observed)
    toys = lik.expected_counts(rn_fm=4.0, nuisances=np.broadcast_to(x, (2, x.size)))
    np.testing.assert_allclose(toys, np.broadcast_to(alone[1], (2,) + lik.shape), rtol=1e-12)


def test_generated_toys_have_the_shape_of_the_data(lik):
    toys = lik.generate(np.random.default_rng(3), 4, rn_fm=4.0)
    assert toys.observed.shape == (4,) + lik.shape and toys.pull_centres.shape == (4, len(lik.NUISANCES))
    assert toys.shape == (4,) and lik.deviance(rn_fm=4.0, data=toys).shape == (4,)


def test_morph_clips_at_zero_and_broadcasts_either_way():
    cells = np.array([[1.0, 2.0], [1.0, -1.0], [0.5, 0.5]])  # C, D_1, D_2 over two cells
    np.testing.assert_array_equal(morph(cells, [1.0, 0.0], 1), [2.0, 1.0])
    np.testing.assert_array_equal(morph(cells, [0.0, -4.0], 1), [0.0, 0.0])  # clipped at zero counts
    thetas = np.array([[1.0, 0.0], [0.0, 2.0]])
    np.testing.assert_array_equal(morph(cells, thetas, 1), [[2.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(morph(np.stack([cells, 2 * cells]), [1.0, 0.0], 1), [[2.0, 1.0], [4.0, 2.0]])
    np.testing.assert_array_equal(morphed(cells, [1.0, 0.0]), morph(cells, [1.0, 0.0], 1))


def test_free_nuisances_hold_the_others_at_their_centres():
    centres = np.array([[0.1, 0.2, 0.3], [-0.1, -0.2, -0.3]])
    batch = FreeNuisances(
        centres, np.array([0.5, 1.0, 2.0]), np.array([True, False, True]), np.array([True, True, False])
    )
    np.testing.assert_array_equal(batch.index, [0, 2])
    np.testing.assert_array_equal(batch.full(np.array([[1.0, 2.0]]), np.array([1])), [[1.0, -0.2, 2.0]])
    np.testing.assert_array_equal(batch.precision, [4.0, 1.0, 0.25])
    np.testing.assert_array_equal(batch.inside(np.array([[-1.0, -1.0]])), [[-0.99, -1.0]])
    rows, bounds = batch.constraints
    np.testing.assert_array_equal(rows, [[1.0, 0.0]])
    np.testing.assert_array_equal(bounds, [-1.0])
    deviance = batch.deviance(np.array([[2.0]]), np.array([[2.0]]), np.array([[0.5, 0.0, 1.0]]))
    assert deviance == pytest.approx(4.0 * 0.25 + 0.25)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: CsI2021Counts(-np.ones((15, 13))), r"shape \(\.\.\., PE bins, time bins\)"),
        (lambda: CsI2021Counts(np.ones(15)), r"shape \(\.\.\., PE bins, time bins\)"),
        (lambda: LAr2020Counts(np.ones((12, 8))), r"shape \(\.\.\., energy, F90, time bins\)"),
        (lambda: CsI2021Counts(np.ones((15, 13)), np.zeros(9)), r"pull_centres must have shape \(\.\.\., 7\)"),
        (lambda: LAr2020Counts(np.ones((12, 8, 10)), np.zeros(7)), r"pull_centres must have shape \(\.\.\., 9\)"),
        (lambda: csi_2021_fits.default_likelihood().profile(data=LAr2020Counts(np.ones((12, 8, 10)))), "CsI2021Counts"),
        (lambda: lar_2020_fits.default_likelihood().deviance(data=CsI2021Counts(np.ones((15, 13)))), "LAr2020Counts"),
        (lambda: lar_2020_fits.default_likelihood().asimov(nuisances=np.zeros(7)), r"nuisances must have shape"),
        (lambda: signal_strengths([1.0, -0.5]), "signal_strength"),
        (lambda: profile_fits.check_grid("x_grid", [0.0, 1.0]), "x_grid"),
        (lambda: profile_fits.coupling_pair("ee_u"), "two NSI couplings"),
        (lambda: profile_fits.profile_interval(np.arange(3.0), np.zeros(3), "2 sigma"), "level"),
        (lambda: profile_fits.checked_likelihood(3, BinnedLikelihood, None), "BinnedLikelihood"),
    ],
)
def test_bad_input_raises_in_the_data_sets_words(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_the_data_set_modules_re_export_the_shared_names():
    for module in FITS.values():
        for name in ("ParameterFit", "SignalStrengthFit", "ProfileMap", "LEVELS_1D", "LEVELS_2D", "COUPLING_NAMES"):
            assert getattr(module, name) is getattr(profile_fits, name)
    assert profile_fits.LEVELS_1D["90%"] == pytest.approx(2.706, abs=1e-3)


def test_a_profile_interval_reads_the_set_off_a_tabulated_profile():
    grid = np.linspace(-2.0, 2.0, 41)
    one = profile_fits.profile_interval(grid, grid**2, "1 sigma")
    assert one.best == pytest.approx(0.0, abs=1e-12) and one.hull == pytest.approx((-1.0, 1.0), abs=1e-9)
