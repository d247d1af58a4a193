"""Bad input gets a clear error naming the parameter and its allowed range, never a NaN or a wrong number."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cevnslib import experiments, figures, fits
from cevnslib.__main__ import main, outdir_problem
from cevnslib.detectors import ConstantQuenching, Detector
from cevnslib.statistics import Fit, Measurement, delta_chi2_level


@pytest.fixture(scope="module")
def csi_templates():
    return fits.templates_for("COHERENT-CsI-2017")


@pytest.mark.parametrize("observed, match", [
    ([np.nan] + [1.0] * 11, "observed"),
    ([np.inf] + [1.0] * 11, "observed"),
    ([-1.0] + [1.0] * 11, "observed"),
    (["3"] * 12, "observed"),
])
def test_measurement_refuses_nan_infinite_or_negative_data(csi_templates, observed, match):
    with pytest.raises(ValueError, match=match):
        Measurement("x", csi_templates, observed, np.ones(12))


def test_measurement_refuses_bad_background_and_keeps_read_only_copies(csi_templates):
    with pytest.raises(ValueError, match="background"):
        Measurement("x", csi_templates, np.ones(12), np.ones(12), background=np.full(12, np.nan))
    data = np.ones(12)
    m = Measurement("x", csi_templates, data, np.ones(12))
    data[0] = 50.0
    assert m.observed[0] == 1.0


def test_nai_threshold_given_with_bin_edges_must_agree():
    with pytest.raises(ValueError, match="threshold_kevnr.*bin_edges_kevnr"):
        experiments.get("COHERENT-NaI", threshold_kevnr=5.0, bin_edges_kevnr=(13.0, 30.0, 60.0))
    same = experiments.get("COHERENT-NaI", threshold_kevnr=13.0, bin_edges_kevnr=(13.0, 30.0, 60.0))
    assert same.detector.bin_edges == (13.0, 30.0, 60.0)
    with pytest.raises(ValueError, match="threshold_kevee.*bin_edges_kevee"):
        experiments.get("CONUS", threshold_kevee=0.2, bin_edges_kevee=(0.1, 0.3))


@pytest.mark.parametrize("name, unit", [("CONUS", "kevee"), ("COHERENT-NaI", "kevnr")])
@pytest.mark.parametrize("edges", [(), (0.5,), "0.1,0.3"])
def test_too_few_bin_edges_are_refused(name, unit, edges):
    with pytest.raises(ValueError, match=f"bin_edges_{unit}"):
        experiments.get(name, **{f"bin_edges_{unit}": edges})


@pytest.mark.parametrize("name, parameter", [
    ("CONUS", "mass_kg"), ("CONUS", "threshold_kevee"), ("COHERENT-NaI", "threshold_kevnr"), ("CONUS", "distance_m"), ("CONNIE", "power_gw"),
    ("CONNIE", "quenching_k"), ("CONNIE", "live_time_days"), ("COHERENT-NaI", "years"),
    ("COHERENT-CsI-2017", "light_yield_pe_per_kevee"), ("COHERENT-CsI-2017", "protons_on_target"),
    ("COHERENT-NaI", "systematic"),
])
def test_numbers_given_as_strings_are_refused(name, parameter):
    with pytest.raises(ValueError, match=parameter):
        experiments.get(name, **{parameter: "4"})


@pytest.mark.parametrize("name, parameter, value", [
    ("CONUS", "mass_kg", 1e300),
    ("CONUS", "mass_kg", 1e-300),
    ("CONUS", "distance_m", 1e-200),
    ("CONNIE", "distance_m", 1e200),
    ("COHERENT-NaI", "distance_m", 1e-170),
    ("COHERENT-CsI-2017", "protons_on_target", 1e300),
])
def test_extreme_exposures_are_refused_before_counts_overflow(name, parameter, value):
    with pytest.raises(ValueError, match=r"must lie in \[") as info:
        experiments.get(name, **{parameter: value})
    assert parameter in str(info.value)


@pytest.mark.parametrize("kwargs, match", [
    ({"light_yield_pe_per_kevee": np.inf}, "light_yield_pe_per_kevee"),
    ({"light_yield_pe_per_kevee": np.nan}, "light_yield_pe_per_kevee"),
])
def test_infinite_light_yield_is_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        experiments.get("COHERENT-CsI-2017", **kwargs)


@pytest.mark.parametrize("name, kwargs", [
    ("CONUS", {"threshold_kevee": np.inf}),
    ("COHERENT-NaI", {"threshold_kevnr": np.inf}),
    ("CONUS", {"bin_edges_kevee": (0.1, np.inf, np.inf)}),
    ("COHERENT-NaI", {"bin_edges_kevnr": (13.0, np.inf, 100.0)}),
    ("CONNIE", {"bin_edges_kevee": (np.inf, 1.0)}),
])
def test_only_the_last_bin_edge_may_be_infinite(name, kwargs):
    with pytest.raises(ValueError, match="threshold_kev|bin_edges_kev"):
        experiments.get(name, **kwargs)
    edges = {"bin_edges_kevnr": (13.0, 40.0, np.inf)} if name == "COHERENT-NaI" else {"bin_edges_kevee": (0.3, 0.5, np.inf)}
    assert experiments.get(name, **edges).detector.n_bins == 2


def test_detector_refuses_an_infinite_interior_edge():
    with pytest.raises(ValueError, match=r"bin_edges \(PE\)\[1\]"):
        Detector("PE", (6.0, np.inf, 30.0), ConstantQuenching(0.08), 13.0)


def test_radius_outside_the_form_factor_domain_names_rn_fm():
    exp = experiments.get("COHERENT-CsI-2017")
    for bad in (1.0, np.nan, 50.0, np.array([4.0, np.nan])):
        with pytest.raises(ValueError, match="rn_fm"):
            exp.predict(rn_fm=bad)
    with pytest.raises(ValueError, match="rn_fm"):
        exp.predict(rn_fm="5.0")


def test_reactor_forecast_with_a_systematic_below_the_shared_flux_part_names_systematic():
    exp = experiments.get("CONUS", systematic=0.02)  # a valid setup on its own
    with pytest.raises(ValueError, match=r"systematic = 0\.02 .*\[0\.03, 1\)"):
        fits.asimov_measurement(exp, exp.cached_templates)


def test_delta_chi2_level_far_in_the_tail():
    """sigma = 9 for one parameter is Delta chi^2 = 81 exactly (chi^2_1 is a squared Gaussian)."""
    assert delta_chi2_level(sigma=9, dof=1) == pytest.approx(81.0, rel=1e-9)
    assert delta_chi2_level(sigma=9, dof=2) > 81.0
    assert delta_chi2_level(sigma=1, dof=1) == pytest.approx(1.0, rel=1e-9)
    with pytest.raises(ValueError, match="sigma"):
        delta_chi2_level(sigma=40)
    with pytest.raises(ValueError, match="sigma"):
        delta_chi2_level(sigma=np.nan)
    with pytest.raises(ValueError, match="confidence"):
        delta_chi2_level(confidence=1.0)


@pytest.mark.parametrize("deviation, labels", [
    (-0.3, ("CONNIE -30%", "CONNIE +30%")),
    (0.3, ("CONNIE +30%", "CONNIE -30%")),
])
def test_figure2_right_labels_carry_one_sign(deviation, labels):
    result = figures.figure2_right(n_grid=(21, 41), deviation=deviation)
    for label in labels:
        assert label in result.data or f"dchi2 {label}" in result.data
    names = " ".join(result.data)
    assert "--" not in names and "+-" not in names


@pytest.mark.parametrize("deviation", [0.0, 1.0, -1.5, np.nan])
def test_figure2_right_refuses_a_meaningless_deviation(deviation):
    with pytest.raises(ValueError, match="deviation"):
        figures.figure2_right(n_grid=(21, 41), deviation=deviation)


def test_outdir_that_cannot_be_written_exits_2_before_any_computation(tmp_path, capsys):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    for bad in ("", "   ", str(a_file), str(a_file / "below")):
        assert outdir_problem(bad) is not None
        assert main(["figures", "--outdir", bad]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "--outdir" in err
    assert outdir_problem(str(tmp_path / "new" / "folder")) is None


def test_cli_outdir_error_is_fast_and_one_line(tmp_path):
    """Through a real process: exit status 2 and one line on stderr, with no figure computed."""
    a_file = tmp_path / "f"
    a_file.write_text("x")
    run = subprocess.run([sys.executable, "-m", "cevnslib", "figures", "--outdir", str(a_file / "x")],
                         capture_output=True, text=True, timeout=60, cwd=Path(__file__).parent.parent)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and "is a file" in run.stderr


def test_fit_with_unknown_pull_width_names_it(csi_templates):
    m = Measurement("x", csi_templates, np.ones(12), np.ones(12), signal_pulls=("a",))
    with pytest.raises(ValueError, match="pull_sigmas"):
        Fit([m], {})
