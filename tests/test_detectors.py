"""Tests of cevnslib.detectors: quenching, acceptance and bin mapping against hand formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cevnslib.detectors import ConstantQuenching, Detector, LindhardQuenching, coherent_2017_acceptance
from cevnslib.nuclei import nucleus

SI28 = nucleus("Si28")
GE72 = nucleus("Ge72")
CS133 = nucleus("Cs133")


def lindhard_by_hand(t_kev, z, k):
    eps = 11.5 * z ** (-7.0 / 3.0) * t_kev
    g = 3.0 * eps**0.15 + 0.7 * eps**0.6 + eps
    return k * g / (1.0 + k * g)


def logistic_by_hand(x):
    """COHERENT 2017 acceptance without the step: k1/(1 + exp(-k2 (x - x0)))."""
    return 0.6655 / (1.0 + math.exp(-0.4942 * (x - 10.8507)))


# ------------------------------------------------------------------ Lindhard


@pytest.mark.parametrize("nuc", [SI28, GE72], ids=["Si", "Ge"])
def test_lindhard_ee_and_recoil_are_inverse(nuc):
    q = LindhardQuenching(0.157)
    for t in np.geomspace(1e-3, 100.0, 31):
        ee = float(q.ee_kev(t, nuc))
        assert 0.0 < ee < t
        assert q.recoil_kev(ee, nuc) == pytest.approx(t, rel=1e-10, abs=0)
    for ee in np.geomspace(1e-3, 100.0, 11):
        assert float(q.ee_kev(q.recoil_kev(ee, nuc), nuc)) == pytest.approx(ee, rel=1e-10, abs=0)
    assert q.recoil_kev(0.0, nuc) == 0.0


def test_lindhard_germanium_10_kev_by_hand():
    # eps = 11.5 * 32^(-7/3) * 10 = 115 / 2^(35/3) = 0.035372
    eps = 11.5 * 32 ** (-7.0 / 3.0) * 10.0
    assert eps == pytest.approx(115.0 / 2 ** (35.0 / 3.0), rel=1e-14)
    assert eps == pytest.approx(0.035372, rel=1e-4)
    g = 3.0 * eps**0.15 + 0.7 * eps**0.6 + eps
    hand = 0.157 * g / (1.0 + 0.157 * g)
    q = LindhardQuenching(0.157)
    assert float(q.factor(10.0, GE72)) == pytest.approx(hand, rel=1e-13)
    assert float(q.ee_kev(10.0, GE72)) == pytest.approx(10.0 * hand, rel=1e-13)
    # Ge quenching at 10 keVnr is measured at ~0.2-0.25
    assert 0.2 < hand < 0.25


@pytest.mark.parametrize("nuc", [SI28, GE72], ids=["Si", "Ge"])
def test_lindhard_monotonic_towards_one(nuc):
    quench = LindhardQuenching(0.157)
    t = np.geomspace(1e-2, 1e8, 200)
    f = quench.factor(t, nuc)
    assert np.all(np.diff(f) > 0)
    assert np.all(f < 1.0)
    # 1 - Q = 1/(1 + k g) -> 1/(k eps) for eps >> 1
    eps = 11.5 * nuc.Z ** (-7.0 / 3.0) * 1e8
    assert 1.0 - f[-1] == pytest.approx(1.0 / (0.157 * eps), rel=0.01)
    np.testing.assert_allclose(f, lindhard_by_hand(t, nuc.Z, 0.157), rtol=1e-13)


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, float("nan")])
def test_lindhard_bad_k_raises(bad):
    with pytest.raises(ValueError, match="k"):
        LindhardQuenching(bad)


# ------------------------------------------------------------------ constant quenching


def test_constant_quenching():
    q = ConstantQuenching(0.0878)
    t = np.array([0.0, 1.0, 25.0])
    np.testing.assert_allclose(q.ee_kev(t, CS133), [0.0, 0.0878, 2.195], rtol=1e-14)
    assert q.recoil_kev(2.195, CS133) == pytest.approx(25.0, rel=1e-14)
    assert ConstantQuenching(1.0).ee_kev(3.0, CS133) == 3.0


@pytest.mark.parametrize("bad", [0.0, 1.5, -0.2, float("nan")])
def test_constant_quenching_bad_factor_raises(bad):
    with pytest.raises(ValueError, match="quenching factor"):
        ConstantQuenching(bad)


# ------------------------------------------------------------------ COHERENT acceptance


def test_coherent_acceptance_steps_and_logistic():
    pe = np.array([0.0, 3.0, 4.999, 5.0, 5.5, 5.999, 6.0, 8.0, 10.8507, 15.0, 30.0])
    expected = [
        0.0,
        0.0,
        0.0,
        0.5 * logistic_by_hand(5.0),
        0.5 * logistic_by_hand(5.5),
        0.5 * logistic_by_hand(5.999),
        logistic_by_hand(6.0),
        logistic_by_hand(8.0),
        0.6655 / 2,
        logistic_by_hand(15.0),
        logistic_by_hand(30.0),
    ]
    np.testing.assert_allclose(coherent_2017_acceptance(pe), expected, rtol=1e-14, atol=0)
    # numbers: a(6) = 0.6655 / (1 + exp(0.4942 * 4.8507)) = 0.6655 / 11.99 ~ 0.0555
    assert float(coherent_2017_acceptance(6.0)) == pytest.approx(0.0555, abs=5e-4)


def test_coherent_acceptance_saturates():
    a = coherent_2017_acceptance(np.array([50.0, 100.0, 1e3]))
    assert np.all(np.diff(a) >= 0)
    assert a[-1] == pytest.approx(0.6655, rel=1e-12)
    assert a[0] == pytest.approx(0.6655, rel=1e-6)
    assert coherent_2017_acceptance(np.zeros((2, 3))).shape == (2, 3)


# ------------------------------------------------------------------ Detector


@pytest.mark.parametrize(
    "edges",
    [(5.0, 5.0, 10.0), (10.0, 5.0), (-1.0, 5.0), (3.0,), (1.0, float("nan"), 4.0), ()],
)
def test_bad_bin_edges_raise(edges):
    with pytest.raises(ValueError, match="bin_edges"):
        Detector("keVnr", edges)


def test_detector_configuration_errors():
    with pytest.raises(ValueError, match="light_yield"):
        Detector("PE", (6.0, 8.0), ConstantQuenching(0.0878))
    with pytest.raises(ValueError, match="light_yield"):
        Detector("PE", (6.0, 8.0), ConstantQuenching(0.0878), light_yield_pe_per_kevee=0.0)
    with pytest.raises(ValueError, match="quenching"):
        Detector("keVee", (0.2, 1.0))
    with pytest.raises(ValueError, match="quenching"):
        Detector("PE", (6.0, 8.0), light_yield_pe_per_kevee=13.348)
    with pytest.raises(ValueError, match="keV_nr"):
        Detector("keV_nr", (0.2, 1.0))
    # the last edge may be infinite
    assert Detector("keVnr", (1.0, 2.0, float("inf"))).n_bins == 2


def test_csi_pe_edges_to_recoil():
    """PE = 13.348 PE/keVee * 0.0878 * T  =>  T = PE / 1.1719544 keVnr."""
    pe_edges = (6.0, 8.0, 10.0, 20.0, 30.0, float("inf"))
    det = Detector(
        "PE",
        pe_edges,
        ConstantQuenching(0.0878),
        light_yield_pe_per_kevee=13.348,
        acceptance=coherent_2017_acceptance,
        acceptance_steps=(5.0, 6.0),
    )
    pe_per_kevnr = 13.348 * 0.0878
    assert pe_per_kevnr == pytest.approx(1.1719544, rel=1e-12)
    edges = det.recoil_edges_kev(CS133)
    np.testing.assert_allclose(edges[:-1], np.array(pe_edges[:-1]) / pe_per_kevnr, rtol=1e-13)
    assert edges[-1] == np.inf
    np.testing.assert_allclose(det.recoil_steps_kev(CS133), [5.0 / pe_per_kevnr, 6.0 / pe_per_kevnr], rtol=1e-13)
    np.testing.assert_allclose(
        det.observable_of([10.0, 20.0], CS133), [10 * pe_per_kevnr, 20 * pe_per_kevnr], rtol=1e-13
    )
    # the efficiency is the acceptance at the PE the recoil produces
    assert float(det.efficiency(10.0, CS133)) == pytest.approx(logistic_by_hand(10 * pe_per_kevnr), rel=1e-13)
    assert float(det.efficiency(4.0, CS133)) == 0.0  # 4.69 PE, below the 5 PE step
    assert det.n_bins == 5 and det.threshold == 6.0


def test_kevee_lindhard_edges_round_trip():
    det = Detector("keVee", (0.2, 0.5, 1.0, 2.0), LindhardQuenching(0.162))
    t_edges = det.recoil_edges_kev(GE72)
    np.testing.assert_allclose(det.observable_of(t_edges, GE72), [0.2, 0.5, 1.0, 2.0], rtol=1e-10)
    for ee, t in zip((0.2, 0.5, 1.0, 2.0), t_edges):
        assert ee == pytest.approx(t * lindhard_by_hand(t, 32, 0.162), rel=1e-10)
    assert np.all(np.diff(t_edges) > 0)
    assert np.all(det.efficiency(t_edges, GE72) == 1.0)


def test_kevnr_detector_is_identity():
    det = Detector("keVnr", (1.0, 3.0, 9.0))
    np.testing.assert_array_equal(det.recoil_edges_kev(CS133), [1.0, 3.0, 9.0])
    np.testing.assert_array_equal(det.observable_of([2.0, 4.0], CS133), [2.0, 4.0])
