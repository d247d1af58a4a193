"""The COHERENT CsI[Na] full data set (arXiv:2110.07730): the release's counts, the backgrounds, and the
PE x arrival-time prediction against a direct computation without templates."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.integrate import quad, quad_vec

from cevnslib import experiments
from cevnslib.arrival_time import csi_2021_timing_efficiency
from cevnslib.coherent_csi_2021 import DEFAULT_PE_EDGES, DEFAULT_TIME_EDGES_US, csi_2021_data
from cevnslib.couplings import NSI
from cevnslib.rates import max_recoil_kev, recoil_spectrum

NAME = "COHERENT-CsI-2021"


@pytest.fixture(scope="module")
def data():
    return csi_2021_data()


@pytest.fixture(scope="module")
def csi():
    return experiments.get(NAME)


def test_event_lists_hold_the_released_events(data):
    # dataBeamOnC.txt / dataBeamOnAC.txt: 5142 and 4890 event lines; first events as printed there.
    assert data.coincidence.size == 5142 and data.anticoincidence.size == 4890
    assert (data.coincidence["pe"][0], data.coincidence["time_us"][0]) == (111.189, 2.24)
    assert (data.anticoincidence["pe"][-1], data.anticoincidence["time_us"][-1]) == (155.159, 5.664)
    assert data.efficiency_sets["set"].tolist() == ["nominal", "plus_1sigma", "minus_1sigma"]
    assert tuple(data.scintillation_sets[0][["a", "b", "c", "d"]]) == (0.0554628, 4.30681, -111.707, 840.384)


def test_binned_data_reproduce_the_counts_below_60_pe_and_6_us(data):
    """The issue quotes 1,578 coincidence and 1,295 anti-coincidence events below 60 PE and 6 us."""
    assert data.binned("C").sum() == 1578
    assert data.binned("AC").sum() == 1295
    pe, t = data.coincidence["pe"], data.coincidence["time_us"]
    assert np.count_nonzero((pe < 60) & (t < 6)) == 1578
    one_bin = data.binned("C", pe_edges=(0.0, 60.0), time_edges_us=(0.0, 6.0))
    assert one_bin.shape == (1, 1) and one_bin[0, 0] == 1578


def test_steady_state_is_the_anticoincidence_pe_projection_times_one_time_shape(data):
    """P(pe) x T(t): the AC sample's PE projection inside 0-6 us, spread over the time bins by one shape;
    its total is the AC count there (1,295), or ``expected``."""
    ss = data.steady_state()
    assert np.linalg.matrix_rank(ss, tol=1e-12 * ss.max()) == 1
    np.testing.assert_allclose(ss.sum(axis=1), data.binned("AC").sum(axis=1), rtol=1e-12)
    assert ss.sum() == pytest.approx(1295.0, rel=1e-12)
    assert data.steady_state(expected=1000.0).sum() == pytest.approx(1000.0, rel=1e-12)


@pytest.mark.parametrize("time_edges_us", [DEFAULT_TIME_EDGES_US, (0.0, 0.3, 0.52, 0.8, 2.5, 6.0), (0.25, 1.0, 3.0)])
def test_steady_state_time_shape_is_a_uniform_background_through_the_timing_efficiency(data, time_edges_us):
    """A steady background is uniform in time before the timing cut: its share of a bin is the integral of
    the efficiency over the bin over its integral over the window (quad, independent of the closed form)."""
    ss = data.steady_state(time_edges_us=time_edges_us)
    edges = np.array(time_edges_us)

    def integral(lo, hi):
        return quad(
            lambda t: float(csi_2021_timing_efficiency(t)),
            lo,
            hi,
            points=[0.52] if lo < 0.52 < hi else None,
            epsabs=0.0,
            epsrel=1e-12,
        )[0]

    expected = np.array([integral(lo, hi) for lo, hi in zip(edges[:-1], edges[1:])]) / integral(edges[0], edges[-1])
    np.testing.assert_allclose(ss.sum(axis=0) / ss.sum(), expected, rtol=1e-10)


def test_anticoincidence_time_projection_agrees_with_the_steady_state_shape(data):
    """The AC events (selected, so after the timing cut) against the shape of the steady-state model: a
    chi^2 goodness of fit in the default time bins (13 bins, 12 degrees of freedom, all expectations > 20
    events) must not reject it at 5% (it gives p = 0.63)."""
    observed = data.binned("AC").sum(axis=0)
    expected = data.steady_state().sum(axis=0)
    assert expected.min() > 20
    _, p_value = stats.chisquare(observed, expected)
    assert p_value > 0.05


@pytest.mark.parametrize("kind", ["brn", "nin"])
def test_neutron_backgrounds_factorise_and_carry_the_timing_efficiency(data, kind):
    counts = data.neutron_background(kind)
    assert counts.shape == (len(DEFAULT_PE_EDGES) - 1, len(DEFAULT_TIME_EDGES_US) - 1)
    assert np.linalg.matrix_rank(counts, tol=1e-12 * counts.max()) == 1  # P(pe) x N(t)
    # Independent route: the time projection's 10-ns bins inside 0-6 us times the efficiency at their centres
    # (the efficiency bends only at 0.52 us, so centres and bin means differ by < 1e-6 relative).
    t, n = data.neutrons_time["time_us"], data.neutrons_time[kind]
    inside = (t > 0) & (t < 6)
    assert counts.sum() == pytest.approx(np.sum(n[inside] * csi_2021_timing_efficiency(t[inside])), rel=1e-5)
    # The PE shape: the 1-PE projection below 60 PE, normalised.
    pe = data.neutrons_pe
    below = pe["pe"] < 4.0
    assert counts[0].sum() / counts.sum() == pytest.approx(pe[kind][below].sum() / pe[kind][pe["pe"] < 60].sum())
    assert data.neutron_background(kind, expected=20.0).sum() == pytest.approx(20.0, rel=1e-12)


def _direct_counts(csi, part, nsi, rn_fm):
    """PE counts of one part of the source by adaptive quadrature of the direct recoil spectrum (no templates)."""
    source = csi.split_source(part)
    total = np.zeros(csi.detector.n_bins)
    for k, nucleus in enumerate(csi.target.nuclei):

        def integrand(t):
            spectrum = recoil_spectrum(
                csi.target,
                source,
                [t],
                nsi,
                rn_fm,
                mass_kg=csi.mass_kg,
                live_time_s=csi.live_time_s,
                options=csi.options,
            )
            return spectrum.dn_dt[k].sum(axis=0)[0] * csi.detector.response_matrix([t])[:, 0]

        t_max = max_recoil_kev(source, nucleus)
        lo = csi.detector.min_recoil_kev
        total += quad_vec(integrand, lo, t_max, epsrel=1e-10, epsabs=0.0, points=[lo * 3, t_max / 3])[0]
    return total


@pytest.mark.parametrize("nsi, rn_fm", [(None, None), (NSI(ee_u=0.1, mm_d=-0.05), 5.2), (NSI(ee_d=0.3), 4.6)])
def test_prediction_with_templates_equals_a_direct_computation(csi, nsi, rn_fm):
    fast = csi.predict_energy_time(nsi, rn_fm)
    prompt, delayed = (_direct_counts(csi, part, nsi, rn_fm) for part in ("prompt", "delayed"))
    slow = np.outer(prompt, csi.arrival_time.prompt) + np.outer(delayed, csi.arrival_time.delayed)
    np.testing.assert_allclose(fast, slow, rtol=2e-6, atol=1e-9 * slow.sum())


def test_prompt_and_delayed_templates_add_up_to_the_time_integrated_prediction(csi):
    prompt, delayed = (t.counts() for t in csi.cached_time_templates)
    np.testing.assert_allclose(prompt + delayed, csi.predict(), rtol=1e-12)
    wide = experiments.get(NAME, time_edges_us=(-5.0, 100.0), timing_efficiency=False)
    np.testing.assert_allclose(wide.predict_energy_time()[:, 0], csi.predict(), rtol=1e-9)


def test_sm_total_lies_in_the_collaborations_predicted_range(csi):
    """COHERENT predicts 333 +- 43 CEvNS events for the full data set (issue; PRL 129 (2022) 081801); the
    prediction here, with its simplified flux (a flat 0.0848 nu/flavour/POT with pure pi/mu-DAR spectra),
    must lie inside that band."""
    total = csi.predict_energy_time().sum()
    assert 333 - 43 < total < 333 + 43


def test_arrays_handed_out_are_read_only(data, csi):
    arrays = [
        data.coincidence,
        data.anticoincidence,
        data.neutrons_pe,
        data.neutrons_time,
        data.binned("C"),
        data.neutron_background("brn"),
        csi.arrival_time.prompt,
        *(t.i_zz for t in csi.cached_time_templates),
    ]
    for array in arrays:
        with pytest.raises(ValueError):
            array[0] = array[0]
    assert csi_2021_data() is data


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: experiments.get(NAME, efficiency_theta="one"), "theta"),
        (lambda: experiments.get(NAME, mass_kg=-1.0), "mass_kg"),
        (lambda: experiments.get(NAME, pe_edges=(10.0, 5.0)), "pe_edges"),
        (lambda: experiments.get(NAME, time_edges_us=(0.0,)), "time_edges_us"),
        (lambda: experiments.get(NAME, resolution_b_per_kevee=-1.0), "b_per_kevee"),
        (lambda: experiments.get("COHERENT-CsI-2017").predict_energy_time(), "arrival_time"),
        (lambda: experiments.get(NAME).predict_energy_time(rn_fm=50.0), "rn_fm"),
        (lambda: csi_2021_data().binned("X"), "window"),
        (lambda: csi_2021_data().neutron_background("gamma"), "kind"),
        (lambda: csi_2021_data().steady_state(expected=-1.0), "expected"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_nuisances_move_the_prediction_the_expected_way():
    base = experiments.get(NAME).predict().sum()
    assert experiments.get(NAME, efficiency_theta=1.0).predict().sum() > base  # +1 sigma: c lower, a higher
    assert experiments.get(NAME, efficiency_theta=-1.0).predict().sum() < base
