"""The physics the paper's figures must show, asserted on the regions the figure functions draw."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import ndimage  # noqa: E402

from cevnslib import figures, fits, nuclei  # noqa: E402


@pytest.fixture(scope="module")
def fig1():
    result = figures.figure1()
    plt.close(result.figure)
    return result


@pytest.fixture(scope="module")
def fig2_left():
    result = figures.figure2_left()
    plt.close(result.figure)
    return result


@pytest.fixture(scope="module")
def fig2_right():
    result = figures.figure2_right()
    plt.close(result.figure)
    return result


def _inside(result, name):
    return result.data[f"dchi2 {name}"] <= result.data["level"]


def _value_at(result, name, x, y):
    xs = result.data["eps_u"] if "eps_u" in result.data else result.data["rn_fm"]
    ys = result.data["eps_d"]
    return result.data[f"dchi2 {name}"][np.abs(xs - x).argmin(), np.abs(ys - y).argmin()]


def _mean_slope_and_n(name):
    target = nuclei.target(name)
    w = np.asarray(target.multiplicities)
    z = np.sum(w * [n.Z for n in target.nuclei]) / w.sum()
    n = np.sum(w * [n.N for n in target.nuclei]) / w.sum()
    return -(2 * z + n) / (z + 2 * n)


@pytest.mark.parametrize("setup, material", [("CONUS", "Ge"), ("CONNIE", "Si")])
def test_each_reactor_alone_allows_two_bands_with_the_flipped_slope(fig1, setup, material):
    inside = _inside(fig1, setup)
    labels, count = ndimage.label(inside)
    assert count == 2
    eps_u, eps_d = fig1.data["eps_u"], fig1.data["eps_d"]
    for band in (1, 2):
        cols = [
            (eps_u[i], eps_d[labels[i] == band].mean()) for i in range(0, eps_u.size, 20) if np.any(labels[i] == band)
        ]
        x, y = np.array(cols).T
        slope = np.polyfit(x, y, 1)[0]
        assert slope == pytest.approx(_mean_slope_and_n(material), rel=0.01)


def test_standard_model_lies_inside_every_sm_region(fig1, fig2_right):
    for name in ("CONUS", "CONNIE", "CONUS + CONNIE"):
        assert _value_at(fig1, name, 0.0, 0.0) <= fig1.data["level"]
    for name in ("NaI", "CONNIE SM", "NaI + CONNIE SM"):
        assert _value_at(fig2_right, name, fits.NAI_TRUTH_RN_FM, 0.0) <= fig2_right.data["level"]


def test_combination_lies_inside_each_single_region_and_splits_into_islands(fig1):
    combined = _inside(fig1, "CONUS + CONNIE")
    assert np.all(~combined | _inside(fig1, "CONUS"))
    assert np.all(~combined | _inside(fig1, "CONNIE"))
    assert ndimage.label(combined)[1] >= 2
    # Far along the SM bands (eps_u = 0.8) both single experiments allow points; the combination does not.
    u = np.abs(fig1.data["eps_u"] - 0.8).argmin()
    assert _inside(fig1, "CONUS")[u].any() and not combined[u].any()


def test_csi_and_csi_plus_conus_regions(fig2_left):
    csi = _inside(fig2_left, "COHERENT CsI")
    both = _inside(fig2_left, "COHERENT CsI + CONUS")
    # With real data the two minima differ, so inclusion holds up to the region's edge.
    assert np.mean(both & ~csi) < 0.01 * np.mean(both)
    assert ndimage.label(both)[1] == 2  # the SM and the flipped eps_d stripes
    rn = fits.csi2017_rn_interval()
    ((lo, hi),) = rn.pieces
    assert np.isfinite(lo) and np.isfinite(hi) and lo < rn.best < hi
    j = np.abs(fig2_left.data["eps_d"]).argmin()
    rn_inside = fig2_left.data["rn_fm"][both[:, j]]
    assert 0 < rn_inside.size and rn_inside.max() < fig2_left.data["rn_fm"][-1]


def test_connie_deviations_move_the_nai_radius_in_opposite_directions():
    low, sm, high = (fits.nai_connie_best_rn(s) for s in (0.7, 1.0, 1.3))
    assert sm == pytest.approx(fits.NAI_TRUTH_RN_FM, abs=0.02)
    assert (low - sm) * (high - sm) < 0


def test_contours_do_not_move_when_the_grid_is_refined(fig2_left):
    coarse = figures.figure2_left(n_grid=(101, 501))
    plt.close(coarse.figure)
    for name in ("COHERENT CsI", "COHERENT CsI + CONUS"):
        fine_area = _inside(fig2_left, name).mean()
        coarse_area = _inside(coarse, name).mean()
        assert coarse_area == pytest.approx(fine_area, rel=0.03)


def test_each_figure_has_labels_legend_and_caption(fig1, fig2_left, fig2_right):
    for result in (fig1, fig2_left, fig2_right):
        ax = result.figure.axes[0]
        assert "varepsilon" in ax.get_ylabel()
        assert ax.get_legend() is not None and len(ax.get_legend().get_texts()) >= 2
        assert "$\\Delta\\chi^2 = " in result.caption and ("C.L." in result.caption or "sigma" in result.caption)
        assert result.caption.startswith("The paper's Fig.")
        assert "eps_" not in result.caption and "Delta chi" not in result.caption  # maths, not code names
