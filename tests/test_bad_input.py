"""Bad input gets a clear error naming the parameter and its allowed range, never a NaN or a wrong number."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cevnslib import experiments, figures, fits
from cevnslib.__main__ import main, outdir_problem
from cevnslib.couplings import NSI
from cevnslib.detectors import ConstantQuenching, Detector
from cevnslib.statistics import Fit, Measurement, delta_chi2_level


@pytest.fixture(scope="module")
def csi_templates():
    return fits.templates_for("COHERENT-CsI-2017")


@pytest.mark.parametrize(
    "observed, match",
    [
        ([np.nan] + [1.0] * 11, "observed"),
        ([np.inf] + [1.0] * 11, "observed"),
        ([-1.0] + [1.0] * 11, "observed"),
        (["3"] * 12, "observed"),
    ],
)
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


@pytest.mark.parametrize(
    "name, parameter",
    [
        ("CONUS", "mass_kg"),
        ("CONUS", "threshold_kevee"),
        ("COHERENT-NaI", "threshold_kevnr"),
        ("CONUS", "distance_m"),
        ("CONNIE", "power_gw"),
        ("CONNIE", "quenching_k"),
        ("CONNIE", "live_time_days"),
        ("COHERENT-NaI", "years"),
        ("COHERENT-CsI-2017", "light_yield_pe_per_kevee"),
        ("COHERENT-CsI-2017", "protons_on_target"),
        ("COHERENT-NaI", "systematic"),
    ],
)
def test_numbers_given_as_strings_are_refused(name, parameter):
    with pytest.raises(ValueError, match=parameter):
        experiments.get(name, **{parameter: "4"})


@pytest.mark.parametrize(
    "name, parameter, value",
    [
        ("CONUS", "mass_kg", 1e300),
        ("CONUS", "mass_kg", 1e-300),
        ("CONUS", "distance_m", 1e-200),
        ("CONNIE", "distance_m", 1e200),
        ("COHERENT-NaI", "distance_m", 1e-170),
        ("COHERENT-CsI-2017", "protons_on_target", 1e300),
    ],
)
def test_extreme_exposures_are_refused_before_counts_overflow(name, parameter, value):
    with pytest.raises(ValueError, match=r"must lie in \[") as info:
        experiments.get(name, **{parameter: value})
    assert parameter in str(info.value)


@pytest.mark.parametrize("rn_fm", [float("nan"), np.array([5.0, np.nan])])
def test_nan_radius_is_called_not_finite(rn_fm):
    with pytest.raises(ValueError, match="rn_fm = .* must be a finite number in"):
        experiments.get("CONUS").predict(rn_fm=rn_fm)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"light_yield_pe_per_kevee": np.inf}, "light_yield_pe_per_kevee"),
        ({"light_yield_pe_per_kevee": np.nan}, "light_yield_pe_per_kevee"),
    ],
)
def test_infinite_light_yield_is_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        experiments.get("COHERENT-CsI-2017", **kwargs)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("CONUS", {"threshold_kevee": np.inf}),
        ("COHERENT-NaI", {"threshold_kevnr": np.inf}),
        ("CONUS", {"bin_edges_kevee": (0.1, np.inf, np.inf)}),
        ("COHERENT-NaI", {"bin_edges_kevnr": (13.0, np.inf, 100.0)}),
        ("CONNIE", {"bin_edges_kevee": (np.inf, 1.0)}),
    ],
)
def test_only_the_last_bin_edge_may_be_infinite(name, kwargs):
    with pytest.raises(ValueError, match="threshold_kev|bin_edges_kev"):
        experiments.get(name, **kwargs)
    edges = (
        {"bin_edges_kevnr": (13.0, 40.0, np.inf)} if name == "COHERENT-NaI" else {"bin_edges_kevee": (0.3, 0.5, np.inf)}
    )
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


@pytest.mark.parametrize(
    "deviation, labels",
    [
        (-0.3, ("CONNIE -30%", "CONNIE +30%")),
        (0.3, ("CONNIE +30%", "CONNIE -30%")),
    ],
)
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
    run = subprocess.run(
        [sys.executable, "-m", "cevnslib", "figures", "--outdir", str(a_file / "x")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parent.parent,
    )
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and "is a file" in run.stderr


def test_fit_with_unknown_pull_width_names_it(csi_templates):
    m = Measurement("x", csi_templates, np.ones(12), np.ones(12), signal_pulls=("a",))
    with pytest.raises(ValueError, match="pull_sigmas"):
        Fit([m], {})


# ------------------------------------------------- cases found by a reviewer trying to break the library


@pytest.mark.parametrize("observed", [0.5, 1.0, 2.0, 10.0, 100.0])
def test_reactor_poisson_fit_with_two_pulls_on_one_signal_is_right_far_from_the_model(observed):
    """CONNIE observing far fewer events than expected: its signal carries a shared flux pull and its
    own detector pull. Their sum u is all that matters; given u, the priors cost u^2/(s_f^2 + s_d^2)
    at best, so -2 ln L = min_u 2[S(1+u) - n + n ln(n/(S(1+u)))] + u^2/s^2 (an independent 1-D route)."""
    from scipy.optimize import minimize_scalar

    measurement, pulls = fits.asimov_measurement(experiments.get("CONNIE"), fits.templates_for("CONNIE"))
    zero = Measurement(
        measurement.name, measurement.templates, [observed], [1.0], signal_pulls=measurement.signal_pulls
    )
    value = float(Fit([zero], pulls).poisson_deviance())
    s_total = float(measurement.templates.counts().sum())
    variance = sum(s**2 for s in pulls.values())

    def one_dimensional(u):
        mu = s_total * (1 + u)
        return 2 * (mu - observed + observed * np.log(observed / mu)) + u * u / variance

    reference = minimize_scalar(
        one_dimensional, bounds=(-1 + 1e-15, 1.0), method="bounded", options={"xatol": 1e-14}
    ).fun
    assert value == pytest.approx(reference, rel=1e-7, abs=1e-7)


def test_reactor_poisson_scan_far_from_the_data_runs():
    from cevnslib.couplings import NSI

    fit = fits.combine(fits.asimov_measurement(experiments.get("CONUS"), fits.templates_for("CONUS")))
    values = fit.poisson_deviance(NSI(ee_u=np.linspace(-1.0, 1.0, 21)))
    assert np.all(np.isfinite(values)) and values.min() == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: __import__("cevnslib.coverage", fromlist=["x"]).coverage_of_interval(
                lambda rng, n: np.zeros(n), lambda t: t, 10, batch_size=0
            ),
            "batch_size",
        ),
        (
            lambda: __import__("cevnslib.widgets", fromlist=["x"]).spectrum_data(
                "CsI", list(__import__("cevnslib.widgets", fromlist=["x"]).SOURCES)[1], n_points=10**8
            ),
            "n_points",
        ),
        (lambda: experiments.get("CONUS", include_t_over_e="no"), "include_t_over_e"),
        (lambda: experiments.get("CONUS", relativistic_q="no"), "relativistic_q"),
        (lambda: __import__("cevnslib.widgets", fromlist=["x"]).designer_data(reactor="no"), "reactor"),
        (lambda: __import__("cevnslib.widgets", fromlist=["x"]).designer_data(n_grid=(0, 5)), "n_grid"),
        (lambda: experiments.get("CONUS", sin2_theta_w="0.2"), "sin2_theta_w"),
        (lambda: experiments.get("CONUS", quadrature=None), "quadrature"),
        (lambda: experiments.get("CONUS", quadrature="fast"), "quadrature"),
        (lambda: experiments.get(["CONUS"]), "experiment"),
        (lambda: __import__("cevnslib.nuclei", fromlist=["x"]).target(["Ge"]), "target"),
        (lambda: Fit([]), "at least one"),
        (lambda: fits.combine(), "at least one"),
        (lambda: fits.nai_connie_best_rn(1.0, n_eps=1), "n_eps"),
        (
            lambda: fits.setup_flipped_eps_ee_d(
                "COHERENT-CsI-2017", __import__("cevnslib.couplings", fromlist=["x"]).NSI(ee_u=-0.1)
            ),
            "bracket",
        ),
        (lambda: experiments.get("COHERENT-NaI", years=1e300), "years"),
        (lambda: experiments.get("CONUS", live_time_days=1e300), "live time"),
        (lambda: experiments.get("CONUS", fission_fractions={"U235": "1"}), "fission_fractions"),
        (
            lambda: __import__("cevnslib.csi_likelihood", fromlist=["x"]).CsI2017Likelihood(sigma_alpha="0.3"),
            "sigma_alpha",
        ),
        (lambda: __import__("cevnslib.cross_section", fromlist=["x"]).dsigma_dT("10", 1.0, "Cs133"), "energy_mev"),
        (lambda: experiments.get("CONUS").source.flux_per_mev("3"), "energy_mev"),
        (lambda: __import__("cevnslib.form_factors", fromlist=["x"]).helm(10.0, "4"), "radius_fm"),
        (lambda: delta_chi2_level(sigma=1, dof=True), "dof"),
        (lambda: delta_chi2_level(sigma=37.5), "sigma"),
        (lambda: __import__("cevnslib.notebook", fromlist=["x"]).scientific(float("nan")), "value"),
    ],
)
def test_reviewer_cases_raise_naming_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_nsi_couplings_beyond_any_allowed_region_are_refused():
    from cevnslib.couplings import NSI

    for bad in (dict(ee_d=1e160), dict(em_u=1e200j), dict(ee_u=np.array([0.0, 1e5]))):
        with pytest.raises(ValueError, match="NSI coupling"):
            NSI(**bad)
    with pytest.raises(TypeError, match="nsi"):
        experiments.get("CONUS").predict(nsi=0.1)


def test_radius_must_be_real():
    for bad in (np.array([5 + 3j]), True):
        with pytest.raises(ValueError, match="rn_fm"):
            experiments.get("COHERENT-CsI-2017").predict(rn_fm=bad)


def test_pseudo_data_must_hold_counts():
    from cevnslib.csi_likelihood import PseudoData

    zeros = np.zeros((12, 12))
    for observed in (-np.ones((12, 12)), np.full((12, 12), np.nan), [["1"] * 12] * 12):
        with pytest.raises(ValueError, match="observed"):
            PseudoData(observed, zeros)


def test_an_acceptance_that_is_not_a_probability_is_refused():
    from cevnslib.nuclei import target
    from cevnslib.rates import build_templates

    exp = experiments.get("COHERENT-NaI")
    detector = Detector("keVnr", (13.0, np.inf), acceptance=lambda x: -np.ones_like(x))
    with pytest.raises(ValueError, match="acceptance"):
        build_templates(target("NaI"), exp.source, detector, 1.0, 1.0)


def test_quad_evaluates_one_point_only():
    from cevnslib.couplings import NSI

    with pytest.raises(ValueError, match="one physics point"):
        experiments.get("COHERENT-NaI").predict(NSI(ee_d=np.array([0.0, 0.1])), method="quad")


def test_nan_in_a_scan_is_refused():
    from cevnslib.statistics import best_fit, interval_1d

    with pytest.raises(ValueError, match="func"):
        interval_1d(lambda x: np.where(x > 1, np.nan, x * x), np.linspace(0, 2, 21))
    with pytest.raises(ValueError, match="grid"):
        interval_1d(lambda x: x * x, np.array([0.0, np.nan, 1.0]))
    with pytest.raises(ValueError, match="NaN"):
        best_fit(np.array([np.nan, 1.0, 0.5]), np.arange(3.0))


def test_pull_widths_out_of_range_name_the_pull(csi_templates):
    m = Measurement("x", csi_templates, np.ones(12), np.ones(12), signal_pulls=("a",))
    for width in (1e-200, 1e200, True):
        with pytest.raises(ValueError, match="pull_sigmas"):
            Fit([m], {"a": width})


def test_figure2_right_caption_and_colours_do_not_depend_on_the_sign_of_the_deviation():
    a = figures.figure2_right(n_grid=(21, 41), deviation=-0.3)
    b = figures.figure2_right(n_grid=(21, 41), deviation=0.3)
    assert a.caption == b.caption and "+- -" not in a.caption
    assert [h.get_label() for h in a.figure.axes[0].get_legend().legend_handles] == [
        h.get_label() for h in b.figure.axes[0].get_legend().legend_handles
    ]


def test_outdir_problems_found_before_any_computation(tmp_path):
    (tmp_path / "out" / "figure1.pdf").mkdir(parents=True)
    assert "folder figure1.pdf" in outdir_problem(str(tmp_path / "out"), ("figure1.pdf",))
    assert "cannot be used" in outdir_problem(str(tmp_path / ("x" * 300)))
    a_file = tmp_path / "afile"
    a_file.write_text("x")
    assert outdir_problem(str(tmp_path / "nonexist" / ".." / "afile" / "x")) is not None
    assert not (tmp_path / "nonexist").exists()


@pytest.mark.parametrize("name", ["COHERENT-CsI-2017", "COHERENT-NaI"])
def test_nsi_and_radius_shapes_that_do_not_broadcast_are_named(name):
    exp = experiments.get(name)
    with pytest.raises(ValueError, match=r"NSI couplings \(shape \(3,\)\) and rn_fm \(shape \(2,\)\) must broadcast"):
        exp.predict(NSI(ee_d=np.zeros(3)), np.array([4.5, 5.0]))
    assert exp.predict(NSI(ee_d=np.zeros(3)[None, :]), np.array([4.5, 5.0])[:, None]).shape[:2] == (2, 3)


@pytest.mark.parametrize(
    "override, message",
    [
        ({"pulse_mean_us": -5.0}, r"pulse_mean_us = -5.0 must lie in \[0, 1.44\]"),
        ({"pulse_mean_us": 100.0}, r"pulse_mean_us = 100.0 must lie in \[0, 1.44\]"),
        ({"quenching_a": 2.0}, r"quenching_a = 2.0 must lie in \(0, 1\]"),
        ({"quenching_b_per_kevnr": 0.1}, r"quenching_b_per_kevnr = 0.1 must lie in \[0, 0.005"),
        ({"nu_per_proton": 5.0}, r"nu_per_proton = 5.0 must lie in \(0, 1\]"),
        ({"resolution_a_sqrt_kevee": -1.0}, "resolution_a_sqrt_kevee"),
        ({"f90_variant": "x"}, "f90_variant 'x' is unknown"),
    ],
)
def test_argon_setup_names_the_parameter_and_its_range(override, message):
    # The pulse mean is the release's 0.44 +- 0.20 us; a quenching factor above one is not light yield.
    with pytest.raises(ValueError, match=message):
        experiments.get("COHERENT-LAr-2020", **override)


@pytest.mark.parametrize(
    "override, name",
    [
        ({"resolution_a_kevee": -1.0}, "resolution_a_kevee"),
        ({"resolution_b_per_kevee": -1.0}, "resolution_b_per_kevee"),
        ({"efficiency_theta": float("nan")}, "efficiency_theta"),
        ({"quenching_theta0": float("inf")}, "quenching_theta0"),
        ({"quenching_theta1": 1e9}, "quenching_theta1"),
    ],
)
def test_csi_2021_setup_names_its_own_parameters(override, name):
    # The errors named the response pieces' fields (a_kevee, theta[0]) instead of the setup's keywords.
    with pytest.raises(ValueError, match=rf"^{name} = "):
        experiments.get("COHERENT-CsI-2021", **override)


def test_a_fixed_nuisance_given_as_a_string_is_refused_by_name():
    from cevnslib import lar_2020_fits

    with pytest.raises(ValueError, match=r"fixed = 'cevns_norm' must be a tuple of nuisance names"):
        lar_2020_fits.default_likelihood().deviance(fixed="cevns_norm")
