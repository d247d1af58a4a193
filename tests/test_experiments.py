"""The four setups: their data against the published totals, their predictions against published ones."""

import numpy as np
import pytest

from cevnslib import experiments
from cevnslib.couplings import NSI


@pytest.fixture(scope="module")
def csi():
    return experiments.get("COHERENT-CsI-2017")


def test_csi_data_reproduce_the_published_totals(csi):
    d = csi.data
    assert d.coincidence.sum() == 547 and d.anticoincidence.sum() == 405 and d.excess.sum() == 142
    totals = {k: d.energy_time[k].sum() for k in ("c_on", "ac_on", "c_off", "ac_off")}
    assert totals == {"c_on": 547, "ac_on": 405, "c_off": 209, "ac_off": 207}


def test_csi_energy_time_table_sums_to_the_energy_spectrum(csi):
    """Two published forms of the same data: the 12 x 12 table summed over time is the 12-bin spectrum."""
    np.testing.assert_array_equal(csi.data.energy_time["c_on"].sum(axis=1), csi.data.coincidence)
    np.testing.assert_array_equal(csi.data.energy_time["ac_on"].sum(axis=1), csi.data.anticoincidence)
    np.testing.assert_allclose(csi.data.pe_edges, np.arange(6, 31, 2))


def test_csi_prediction_and_brn_match_coherent(csi):
    """COHERENT 2017 predicts 173 +- 48 SM events and ~6 beam-related neutrons in this window."""
    assert csi.predict().sum() == pytest.approx(173.0, rel=0.05)
    assert 4.5 < csi.data.brn_expected().sum() < 7.5


def test_pe_scale_is_light_yield_times_quenching(csi):
    """PE = 13.348 PE/keVee x 0.0878 x T: a 10 keVnr recoil gives 11.72 PE."""
    cs = csi.target.nuclei[0]
    assert csi.detector.observable_of(10.0, cs) == pytest.approx(13.348 * 0.0878 * 10.0)


@pytest.mark.parametrize("name", list(experiments.SETUPS))
def test_counts_scale_linearly_with_mass(name):
    base = experiments.get(name)
    double = experiments.get(name, mass_kg=2 * base.mass_kg)
    np.testing.assert_allclose(double.predict(), 2 * base.predict(), rtol=1e-12)


def test_reactor_exposure_is_live_time():
    one = experiments.get("CONUS").predict().sum()
    half = experiments.get("CONUS", live_time_days=365.25 / 2).predict().sum()
    assert half == pytest.approx(one / 2, rel=1e-12)


def test_lower_threshold_gives_more_events():
    counts = [experiments.get("CONUS", threshold_kevee=t).predict().sum() for t in (0.1, 0.2, 0.3)]
    assert counts[0] > counts[1] > counts[2] > 0


def test_options_reach_the_prediction():
    helm = experiments.get("COHERENT-CsI-2017").predict().sum()
    unity = experiments.get("COHERENT-CsI-2017", form_factor="unity").predict().sum()
    assert unity > helm  # the form factor only suppresses


def test_nsi_changes_electron_flavour_only_for_reactors():
    conus = experiments.get("CONUS")
    assert conus.predict(NSI(mm_u=0.3)).sum() == pytest.approx(conus.predict().sum(), rel=1e-14)
    assert conus.predict(NSI(ee_u=0.3)).sum() != pytest.approx(conus.predict().sum(), rel=1e-3)


@pytest.mark.parametrize(
    "name, kwargs, match",
    [
        ("CONUS", {"mass_kg": -1.0}, "mass_kg"),
        ("CONUS", {"distance_m": 0.0}, "distance_m"),
        ("CONNIE", {"power_gw": float("nan")}, "power_gw"),
        ("CONUS", {"systematic": float("nan")}, "systematic"),
        ("CONUS", {"threshold_kevee": -0.1}, "threshold_kevee"),
        ("CONUS", {"colour": "red"}, "allowed"),
        ("COHERENT-NaI", {"form_factor": "gaussian"}, "form_factor"),
        ("COHERENT-CsI-2017", {"quenching_factor": 1.5}, "quenching"),
    ],
)
def test_bad_overrides_raise(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        experiments.get(name, **kwargs)


def test_unknown_experiment_and_method_raise():
    with pytest.raises(ValueError, match="allowed"):
        experiments.get("TEXONO")
    with pytest.raises(ValueError, match="method"):
        experiments.get("COHERENT-NaI").predict(method="simpson")


def test_arrival_time_cut_keeps_the_published_share_of_each_component(csi):
    """Counts are linear in each component's fluence: N(cut) = f_prompt N_prompt + f_delayed N_delayed."""
    from cevnslib.fluxes import PionDecayAtRest
    from cevnslib.rates import build_templates

    def counts(efficiencies):
        source = PionDecayAtRest(1.76e23, 0.08, 19.3, efficiencies=efficiencies)
        return build_templates(csi.target, source, csi.detector, csi.mass_kg, csi.live_time_s).counts().sum()

    prompt_only = counts({"delayed nu_e": 0.0, "delayed anti-nu_mu": 0.0})
    delayed_only = counts({"prompt nu_mu": 0.0})
    assert prompt_only + delayed_only == pytest.approx(csi.predict().sum(), rel=1e-12)
    table = csi.data.arrival_time
    window = table["t_hi_us"] <= 6.0
    f_prompt, f_delayed = table["prompt_neutrino"][window].sum(), table["delayed_neutrino"][window].sum()
    cut = experiments.get("COHERENT-CsI-2017", arrival_time_cut_us=6.0).predict().sum()
    assert cut == pytest.approx(min(f_prompt, 1.0) * prompt_only + f_delayed * delayed_only, rel=1e-12)
    assert 0.90 < cut / csi.predict().sum() < 0.95


def test_prompt_line_energy_is_a_parameter():
    moved = experiments.get("COHERENT-CsI-2017", prompt_line_mev=29.0)
    assert moved.source.prompt_energy_mev == 29.0
    assert moved.predict().sum() < experiments.get("COHERENT-CsI-2017").predict().sum()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"prompt_line_mev": 60.0}, "prompt_line_mev"),
        ({"efficiencies": {"prompt nu_e": 0.5}}, "efficiencies"),
        ({"efficiencies": {"delayed nu_e": 1.5}}, "efficiencies"),
    ],
)
def test_pion_source_rejects_bad_options(kwargs, match):
    from cevnslib.fluxes import PionDecayAtRest

    with pytest.raises(ValueError, match=match):
        PionDecayAtRest(1.76e23, 0.08, 19.3, **kwargs)
