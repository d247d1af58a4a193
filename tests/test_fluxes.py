"""Tests of cevnslib.fluxes against independent routes (literature numbers, hand algebra)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.polynomial import Polynomial
from scipy.integrate import quad

from cevnslib.constants import M_MUON_MEV, M_PION_MEV
from cevnslib.fluxes import (
    DAYA_BAY_FISSION_FRACTIONS,
    DEFAULT_FISSION_FRACTIONS,
    FluxComponent,
    PionDecayAtRest,
    ReactorFlux,
)

# Literal inputs, typed in again from the papers so that the module's data files are checked.
HUBER = {  # Huber, PRC 84 (2011) 024617
    "U235": (4.367, -4.577, 2.100, -5.294e-1, 6.186e-2, -2.777e-3),
    "Pu239": (4.757, -5.392, 2.563, -6.596e-1, 7.820e-2, -3.536e-3),
    "Pu241": (2.990, -2.882, 1.278, -3.343e-1, 3.905e-2, -1.754e-3),
}
MUELLER = {  # Mueller et al., PRC 83 (2011) 054615, Table VI
    "U235": (3.217, -3.111, 1.395, -3.690e-1, 4.445e-2, -2.053e-3),
    "U238": (4.833e-1, 1.927e-1, -1.283e-1, -6.762e-3, 2.233e-3, -1.536e-4),
    "Pu239": (6.413, -7.432, 3.535, -8.820e-1, 1.025e-1, -4.550e-3),
    "Pu241": (3.251, -3.204, 1.428, -3.675e-1, 4.254e-2, -1.896e-3),
}
HUBER_MUELLER = {**HUBER, "U238": MUELLER["U238"]}
PWR = {"U235": 0.58, "U238": 0.07, "Pu239": 0.30, "Pu241": 0.05}
# Kopeikin, Phys. At. Nucl. 75 (2012) 143: nodes below 2 MeV, (E/MeV, nu/(MeV fission))
KOPEIKIN_BELOW_2_MEV = [
    (0.010, 0.0774),
    (0.020, 0.301),
    (0.035, 0.848),
    (0.040, 0.354),
    (0.070, 0.989),
    (0.100, 1.81),
    (0.130, 2.74),
    (0.160, 3.85),
    (0.165, 3.26),
    (0.180, 3.74),
    (0.215, 4.66),
    (0.230, 4.08),
    (0.280, 5.03),
    (0.330, 5.97),
    (0.335, 4.30),
    (0.350, 4.08),
    (0.390, 4.42),
    (0.400, 4.04),
    (0.435, 4.39),
    (0.440, 2.84),
    (0.500, 3.03),
    (0.700, 3.14),
    (0.900, 3.23),
    (1.000, 3.11),
    (1.185, 2.80),
    (1.190, 2.24),
    (1.250, 2.06),
    (1.300, 1.77),
    (1.500, 1.59),
    (1.700, 1.48),
    (1.800, 1.42),
    (1.900, 1.36),
]
KOPEIKIN_ABOVE_2_MEV = [(2.000, 1.30), (3.000, 0.611), (5.000, 0.0928), (9.000, 0.0000831)]
MEV_IN_J = 1.602176634e-13  # SI exact


def fit_integral(coefficients: dict, fractions: dict, lo_mev: float, hi_mev: float) -> float:
    """sum_i f_i int exp(P_i(E)) dE with numpy Polynomial from the literal coefficients."""
    total = 0.0
    for iso, fraction in fractions.items():
        polynomial = Polynomial(coefficients[iso])
        total += fraction * quad(lambda e, p=polynomial: math.exp(p(e)), lo_mev, hi_mev)[0]
    return total


# ---------------------------------------------------------------- pion decay at rest


@pytest.mark.parametrize("label", ["delayed nu_e", "delayed anti-nu_mu"])
def test_delayed_spectra_normalised_and_non_negative(label):
    e_end = M_MUON_MEV / 2
    norm = quad(lambda e: PionDecayAtRest.spectrum(label, e), 0.0, e_end)[0]
    assert norm == pytest.approx(1.0, rel=1e-10)
    grid = np.linspace(-5.0, e_end + 5.0, 2001)
    values = PionDecayAtRest.spectrum(label, grid)
    assert (values >= 0.0).all()
    assert (values[grid > e_end] == 0.0).all() and (values[grid < 0.0] == 0.0).all()
    assert PionDecayAtRest.spectrum(label, 0.0) == 0.0


def test_delayed_mean_energies():
    # With x = E/m on [0, 1/2]:
    # nu_e:       <E>/m = 192 int x^3 (1/2 - x) dx = 192 (x^4/8 - x^5/5)|_{1/2}
    #                   = 192 (1/128 - 1/160) = 192/640 = 3/10
    # anti-nu_mu: <E>/m = 64 int x^3 (3/4 - x) dx = 64 (3 x^4/16 - x^5/5)|_{1/2}
    #                   = 64 (3/256 - 1/160) = 64 * 7/1280 = 7/20
    e_end = M_MUON_MEV / 2
    for label, mean_over_m in (("delayed nu_e", 0.3), ("delayed anti-nu_mu", 0.35)):
        mean = quad(lambda e: e * PionDecayAtRest.spectrum(label, e), 0.0, e_end)[0]
        assert mean == pytest.approx(mean_over_m * M_MUON_MEV, rel=1e-10)


def test_delayed_spectra_at_end_point():
    # nu_e: x^2 (1/2 - x) vanishes at x = 1/2. anti-nu_mu does not: (64/m)(1/4)(3/4 - 1/2) = 4/m,
    # a step down to zero at m/2.
    e_end = M_MUON_MEV / 2
    assert PionDecayAtRest.spectrum("delayed nu_e", e_end) == pytest.approx(0.0, abs=1e-15)
    at_end = PionDecayAtRest.spectrum("delayed anti-nu_mu", e_end)
    assert at_end == pytest.approx(4.0 / M_MUON_MEV, rel=1e-12)
    assert PionDecayAtRest.spectrum("delayed anti-nu_mu", e_end * (1 + 1e-12)) == 0.0


def test_prompt_line_is_two_body_momentum():
    def kallen(a, b, c):
        return a * a + b * b + c * c - 2 * a * b - 2 * a * c - 2 * b * c

    p_mev = math.sqrt(kallen(M_PION_MEV**2, M_MUON_MEV**2, 0.0)) / (2 * M_PION_MEV)
    source = PionDecayAtRest(1e20, 0.1, 20.0)
    assert source.prompt_energy_mev == pytest.approx(p_mev, rel=1e-12)
    assert source.prompt_energy_mev == pytest.approx(29.79, abs=0.005)


def test_coherent_fluence():
    # COHERENT-like: r = 0.08, 1.76e23 POT, 19.3 m = 1930 cm.
    # 0.08 * 1.76e23 = 1.408e22; 4 pi 1930^2 = 4.6808e7 cm^2  ->  3.008e14 /cm^2
    source = PionDecayAtRest(protons_on_target=1.76e23, nu_per_proton=0.08, distance_m=19.3)
    expected = 0.08 * 1.76e23 / (4 * math.pi * 1930.0**2)
    assert source.fluence_per_cm2 == pytest.approx(expected, rel=1e-12)
    assert source.fluence_per_cm2 == pytest.approx(3.008e14, rel=1e-3)


def test_pion_components():
    source = PionDecayAtRest(1.76e23, 0.08, 19.3)
    fluence = 0.08 * 1.76e23 / (4 * math.pi * 1930.0**2)
    prompt, nu_e, anti_nu_mu = source.components
    identities = [(c.label, c.flavor, c.antineutrino) for c in source.components]
    assert identities == [
        ("prompt nu_mu", "mu", False),
        ("delayed nu_e", "e", False),
        ("delayed anti-nu_mu", "mu", True),
    ]
    assert prompt.density is None and prompt.line_mev == pytest.approx(29.79, abs=0.005)
    for component in source.components:
        assert component.e_max_mev == pytest.approx(M_MUON_MEV / 2, rel=1e-12)
        assert component.total() == pytest.approx(fluence, rel=1e-9)
    # density = fluence x shape; at x = 1/4 by hand: nu_e 192/16/4 = 3, anti-nu_mu 64/16/2 = 2
    quarter = M_MUON_MEV / 4
    assert nu_e.density(quarter) == pytest.approx(fluence * 3.0 / M_MUON_MEV, rel=1e-12)
    assert anti_nu_mu.density(quarter) == pytest.approx(fluence * 2.0 / M_MUON_MEV, rel=1e-12)
    assert source.exposure_scale(3.15e7) == 1.0


# ---------------------------------------------------------------- reactor


@pytest.mark.parametrize(("spectrum", "coefficients"), [("huber-mueller", HUBER_MUELLER), ("mueller", MUELLER)])
def test_cut_spectrum_integral_matches_literal_fits(spectrum, coefficients):
    flux = ReactorFlux(1.0, 10.0, spectrum=spectrum, low_energy="cut")
    integral = quad(flux.spectrum_per_fission, 2.0, 8.0)[0]
    assert integral == pytest.approx(fit_integral(coefficients, PWR, 2.0, 8.0), rel=1e-8)
    assert (flux.spectrum_per_fission([0.5, 1.999, 8.001, 12.0]) == 0.0).all()


def test_cut_total_flux_by_hand():
    power_w, distance_cm = 2.0e9, 2500.0
    flux = ReactorFlux(power_gw=2.0, distance_m=25.0, low_energy="cut")
    mean_energy_mev = 0.58 * 202.36 + 0.07 * 205.99 + 0.30 * 211.12 + 0.05 * 214.26
    fissions = power_w / (mean_energy_mev * MEV_IN_J)
    area_cm2 = 4 * math.pi * distance_cm**2
    expected = fissions * fit_integral(HUBER_MUELLER, PWR, 2.0, 8.0) / area_cm2
    assert flux.total_flux() == pytest.approx(expected, rel=1e-8)
    s3 = sum(PWR[iso] * math.exp(Polynomial(HUBER_MUELLER[iso])(3.0)) for iso in PWR)
    assert flux.flux_per_mev(3.0) == pytest.approx(fissions * s3 / area_cm2, rel=1e-12)


def test_frozen_is_continuous_at_2_mev():
    flux = ReactorFlux(1.0, 10.0, low_energy="frozen")
    s2 = sum(PWR[iso] * math.exp(Polynomial(HUBER_MUELLER[iso])(2.0)) for iso in PWR)
    assert flux.spectrum_per_fission(2.0) == pytest.approx(s2, rel=1e-12)
    assert flux.spectrum_per_fission(2.0 - 1e-9) == pytest.approx(s2, rel=1e-12)
    assert flux.spectrum_per_fission([0.0, 0.7, 1.5]) == pytest.approx([s2] * 3, rel=1e-12)
    assert flux.spectrum_per_fission(2.0 + 1e-6) == pytest.approx(s2, rel=1e-5)


@pytest.mark.parametrize("fractions", [PWR, {"U235": 1.0}])
def test_kopeikin_reproduces_table_below_2_mev(fractions):
    flux = ReactorFlux(1.0, 10.0, fission_fractions=fractions)
    energies, values = np.array(KOPEIKIN_BELOW_2_MEV).T
    assert flux.spectrum_per_fission(energies) == pytest.approx(values, rel=1e-12)
    # log-linear between nodes: geometric mean at the midpoint of 1.5 and 1.7 MeV
    assert flux.spectrum_per_fission(1.6) == pytest.approx(math.sqrt(1.59 * 1.48), rel=1e-12)
    assert flux.spectrum_per_fission([0.0, 0.0099]) == pytest.approx([0.0, 0.0])
    assert set(energies[1:]) | {2.0} == set(flux.breakpoints_mev)
    # above 2 MeV: the fits
    s3 = sum(fractions[iso] * math.exp(Polynomial(HUBER_MUELLER[iso])(3.0)) for iso in fractions)
    assert flux.spectrum_per_fission(3.0) == pytest.approx(s3, rel=1e-12)


def test_kopeikin_total_uses_table_to_9_mev():
    flux = ReactorFlux(1.0, 10.0, low_energy="kopeikin-total")
    energies, values = np.array(KOPEIKIN_BELOW_2_MEV + KOPEIKIN_ABOVE_2_MEV).T
    assert flux.spectrum_per_fission(energies) == pytest.approx(values, rel=1e-12)
    assert flux.e_max_mev == 9.0 and flux.spectrum_per_fission(9.01) == 0.0


def test_vogel_engel_below_2_mev():
    # Vogel & Engel, PRD 39 (1989) 3378: exp(a0 + a1 E + a2 E^2)
    pure = ReactorFlux(1.0, 10.0, fission_fractions={"U235": 1.0}, low_energy="vogel-engel")
    u235_at_1_mev = math.exp(0.870 - 0.160 - 0.0910)
    assert pure.spectrum_per_fission(1.0) == pytest.approx(u235_at_1_mev, rel=1e-12)
    mixed = ReactorFlux(1.0, 10.0, low_energy="vogel-engel")
    e = 1.5
    ve = {
        "U235": (0.870, -0.160, -0.0910),
        "U238": (0.976, -0.162, -0.0790),
        "Pu239": (0.896, -0.239, -0.0981),
        "Pu241": (0.793, -0.080, -0.1085),
    }
    expected = sum(PWR[iso] * math.exp(a0 + a1 * e + a2 * e * e) for iso, (a0, a1, a2) in ve.items())
    assert mixed.spectrum_per_fission(e) == pytest.approx(expected, rel=1e-12)


def test_conus_total_flux():
    # CONUS: total flux up to 2.3e13 /(cm^2 s) at 17.1 m from 3.9 GW (arXiv:2401.07684)
    conus = ReactorFlux(power_gw=3.9, distance_m=17.1)
    assert conus.total_flux() == pytest.approx(2.3e13, rel=0.15)


def test_flux_scaling():
    reference = ReactorFlux(1.0, 10.0)
    energies = np.array([0.3, 1.0, 2.5, 6.0])
    base = reference.flux_per_mev(energies)
    assert ReactorFlux(1.0, 20.0).flux_per_mev(energies) == pytest.approx(base / 4, rel=1e-12)
    assert ReactorFlux(3.0, 10.0).flux_per_mev(energies) == pytest.approx(base * 3, rel=1e-12)
    total = reference.total_flux()
    assert ReactorFlux(3.0, 20.0).total_flux() == pytest.approx(total * 3 / 4, rel=1e-9)


def test_fission_rate_and_energy():
    flux = ReactorFlux(1.0, 10.0, fission_fractions={"U235": 1.0})
    assert flux.fissions_per_second == pytest.approx(1e9 / (202.36 * 1.602176634e-13), rel=1e-12)
    assert ReactorFlux(1.0, 10.0).mean_energy_per_fission_mev == pytest.approx(205.8371, rel=1e-12)
    daya_bay = ReactorFlux(1.0, 10.0, fission_fractions=DAYA_BAY_FISSION_FRACTIONS)
    assert daya_bay.mean_energy_per_fission_mev == pytest.approx(
        0.564 * 202.36 + 0.076 * 205.99 + 0.304 * 211.12 + 0.056 * 214.26, rel=1e-12
    )
    assert dict(DEFAULT_FISSION_FRACTIONS) == PWR


def test_reactor_component_and_exposure():
    flux = ReactorFlux(1.0, 10.0)
    (component,) = flux.components
    identity = (component.flavor, component.antineutrino, component.label)
    assert identity == ("e", True, "reactor anti-nu_e")
    assert component.density(3.0) == flux.flux_per_mev(3.0)
    assert flux.exposure_scale(86400.0) == 86400.0


def test_flux_component_total_splits_at_breakpoints():
    step = FluxComponent(
        flavor="e",
        antineutrino=False,
        label="step",
        e_max_mev=3.0,
        breakpoints_mev=(1.0,),
        density=lambda e: np.where(e < 1.0, 2.0, 0.5),
    )
    assert step.total() == pytest.approx(2.0 * 1.0 + 0.5 * 2.0, rel=1e-12)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"power_gw": 0.0}, "power_gw"),
        ({"power_gw": -1.0}, "power_gw"),
        ({"power_gw": float("nan")}, "power_gw"),
        ({"distance_m": 0.0}, "distance_m"),
        ({"distance_m": -3.0}, "distance_m"),
        ({"distance_m": float("nan")}, "distance_m"),
        ({"fission_fractions": {"U235": 1.1, "U238": -0.1}}, "fission_fractions"),
        ({"fission_fractions": {"U235": 0.5, "U238": 0.49999}}, "sum to 1"),
        ({"fission_fractions": {"U235": float("nan")}}, "fission_fractions"),
        ({"fission_fractions": {"U233": 1.0}}, "fission_fractions"),
        ({"spectrum": "huber"}, "spectrum"),
        ({"low_energy": "zero"}, "low_energy"),
        ({"e_max_mev": 9.0}, "e_max_mev"),
        ({"e_max_mev": 1.5}, "e_max_mev"),
        ({"low_energy": "kopeikin-total", "e_max_mev": 9.5}, "e_max_mev"),
    ],
)
def test_reactor_rejects_bad_input(kwargs, match):
    arguments = {"power_gw": 1.0, "distance_m": 10.0} | kwargs
    with pytest.raises(ValueError, match=match):
        ReactorFlux(**arguments)


def test_fraction_sum_tolerance_is_accepted():
    ReactorFlux(1.0, 10.0, fission_fractions={"U235": 0.5, "U238": 0.5 + 5e-7})


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"protons_on_target": 0.0}, "protons_on_target"),
        ({"protons_on_target": float("nan")}, "protons_on_target"),
        ({"nu_per_proton": -0.08}, "nu_per_proton"),
        ({"distance_m": 0.0}, "distance_m"),
        ({"distance_m": float("nan")}, "distance_m"),
    ],
)
def test_pion_rejects_bad_input(kwargs, match):
    arguments = {"protons_on_target": 1e23, "nu_per_proton": 0.08, "distance_m": 19.3} | kwargs
    with pytest.raises(ValueError, match=match):
        PionDecayAtRest(**arguments)


def test_other_bad_input():
    with pytest.raises(ValueError, match="label"):
        PionDecayAtRest.spectrum("prompt nu_mu", 10.0)
    with pytest.raises(ValueError, match="energy_mev"):
        ReactorFlux(1.0, 10.0).spectrum_per_fission([1.0, float("nan")])
    with pytest.raises(ValueError, match="live_time_s"):
        ReactorFlux(1.0, 10.0).exposure_scale(-1.0)
    with pytest.raises(ValueError, match="live_time_s"):
        PionDecayAtRest(1e23, 0.08, 19.3).exposure_scale(0.0)
    with pytest.raises(ValueError, match="flavor"):
        FluxComponent(flavor="x", antineutrino=False, label="bad", e_max_mev=1.0, line_mev=0.5)
    with pytest.raises(ValueError, match="breakpoints_mev"):
        FluxComponent(
            flavor="e", antineutrino=False, label="bad", e_max_mev=1.0, breakpoints_mev=(2.0,), density=np.ones_like
        )
