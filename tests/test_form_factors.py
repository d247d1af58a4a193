"""Tests of cevnslib.form_factors against independent routes.

Every model is checked against the numerical 3-D Fourier transform of its density (scipy quad),
its rms radius against the r^4 moment of that density, and its small-q slope against R^2.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from cevnslib import form_factors

HBARC = 197.3269804  # MeV fm, CODATA 2018 (typed in again)
SKIN = 0.9  # Helm s, fm
RANGE = 0.7  # Klein-Nystrand a, fm
DIFFUSENESS = 0.52  # symmetrised-Fermi a, fm

MODELS = {
    "helm": form_factors.helm,
    "klein-nystrand": form_factors.klein_nystrand,
    "symmetrized-fermi": form_factors.symmetrized_fermi,
}
RADII_FM = (2.9936, 3.1224, 4.0576, 4.8041)  # Na23, Si28, Ge72, Cs133 charge radii


# ------------------------------------------------------------------ reference densities (by hand)


def fermi_density(r, radius):
    """Symmetrised-Fermi density sinh(c/a)/(cosh(r/a)+cosh(c/a)), c^2 = 5/3 (R^2 - 7/5 pi^2 a^2)."""
    a = DIFFUSENESS
    c = math.sqrt(5.0 / 3.0 * (radius**2 - 7.0 / 5.0 * math.pi**2 * a**2))
    return math.sinh(c / a) / (math.cosh(r / a) + math.cosh(c / a))


def helm_r0(radius):
    """Uniform-sphere radius R0 of a Helm density with rms radius R: R^2 = 3/5 R0^2 + 3 s^2."""
    return math.sqrt(5.0 / 3.0 * (radius**2 - 3.0 * SKIN**2))


def helm_density(r, radius):
    """Uniform sphere (R0, unit density) convolved with a 3-D Gaussian of width s: closed form."""
    r0, s = helm_r0(radius), SKIN
    if r < 1e-6:  # the r -> 0 limit: P(|x| < R0) for an isotropic Gaussian
        return math.erf(r0 / (math.sqrt(2) * s)) - math.sqrt(2 / math.pi) * r0 / s * math.exp(-(r0**2) / (2 * s**2))
    erf_part = 0.5 * (math.erf((r + r0) / (math.sqrt(2) * s)) - math.erf((r - r0) / (math.sqrt(2) * s)))
    gauss_part = (
        s
        / (r * math.sqrt(2 * math.pi))
        * (math.exp(-((r + r0) ** 2) / (2 * s**2)) - math.exp(-((r - r0) ** 2) / (2 * s**2)))
    )
    return erf_part + gauss_part


def helm_density_by_convolution(r, radius):
    """The same density as a direct radial convolution integral (angles done analytically).

    rho(r) = int_0^R0 r'^2 dr' (2 pi s^2)^(-3/2) 2 pi s^2/(r r') [e^{-(r-r')^2/2s^2} - e^{-(r+r')^2/2s^2}].
    """
    r0, s = helm_r0(radius), SKIN
    norm = (2 * math.pi * s**2) ** -1.5 * 2 * math.pi * s**2 / r

    def integrand(rp):
        return norm * rp * (math.exp(-((r - rp) ** 2) / (2 * s**2)) - math.exp(-((r + rp) ** 2) / (2 * s**2)))

    return quad(integrand, 0.0, r0, epsabs=1e-14, epsrel=1e-12)[0]


def yukawa_density(r):
    """Yukawa exp(-r/a)/r (the r = 0 endpoint, where only r rho and r^2 rho are used, is finite)."""
    return math.exp(-r / RANGE) / max(r, 1e-300)


def sphere_ff(x):
    """Uniform sphere: 3 (sin x - x cos x)/x^3 (hand, x not small)."""
    x = np.asarray(x, dtype=float)
    return 3.0 * (np.sin(x) - x * np.cos(x)) / x**3


def fourier_ff(density, q_mev, rmax):
    """F(q) = 4 pi/q int r rho sin(q r) dr / (4 pi int r^2 rho dr), q in MeV, r in fm."""
    k = q_mev / HBARC
    norm = quad(lambda r: r * r * density(r), 0.0, rmax, epsabs=0, epsrel=1e-12, limit=200)[0]
    num = quad(lambda r: r * density(r), 0.0, rmax, weight="sin", wvar=k, epsabs=1e-13, limit=200)[0]
    return num / (k * norm)


def rms_from_density(density, rmax):
    m2 = quad(lambda r: r**2 * density(r), 0.0, rmax, epsabs=0, epsrel=1e-12, limit=200)[0]
    m4 = quad(lambda r: r**4 * density(r), 0.0, rmax, epsabs=0, epsrel=1e-12, limit=200)[0]
    return math.sqrt(m4 / m2)


Q_GRID_MEV = (5.0, 20.0, 45.0, 80.0, 120.0, 170.0, 250.0)


# ------------------------------------------------------------------ normalisation and slope


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("radius", RADII_FM)
def test_unit_at_zero_momentum(name, radius):
    f = MODELS[name](np.array([0.0, -0.0]), radius)
    np.testing.assert_array_equal(f, [1.0, 1.0])


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("radius", RADII_FM)
def test_slope_at_zero_is_rms_radius_squared(name, radius):
    """-6 dF/d(k^2) at k = 0 equals R^2; fitted on 0.02 < kR < 0.2 where the closed forms are used."""
    k = np.linspace(0.02, 0.2, 41) / radius  # fm^-1
    f = MODELS[name](k * HBARC, radius)
    coef = np.polynomial.polynomial.polyfit(k**2, f, 4)
    assert coef[0] == pytest.approx(1.0, abs=1e-9)
    assert -6.0 * coef[1] == pytest.approx(radius**2, rel=1e-5)


@pytest.mark.parametrize("name", MODELS)
def test_even_in_q(name):
    q = np.array([3.0, 40.0, 130.0])
    np.testing.assert_allclose(MODELS[name](-q, 4.0), MODELS[name](q, 4.0), rtol=0, atol=0)


# ------------------------------------------------------------------ Fourier transforms of densities


def test_helm_density_closed_form_matches_convolution_integral():
    radius = 4.8041
    for r in (0.0, 0.5, 2.0, 4.0, 5.8, 6.5, 8.0, 10.0):
        closed = helm_density(r, radius)
        direct = helm_density_by_convolution(max(r, 1e-4), radius)
        assert closed == pytest.approx(direct, rel=1e-7, abs=1e-14)
    # deep inside a big sphere the density is the sphere's, 1
    assert helm_density(0.0, 40.0) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("radius", (3.1224, 4.8041))
def test_helm_is_fourier_transform_of_smeared_sphere(radius):
    rmax = helm_r0(radius) + 12 * SKIN
    for q in Q_GRID_MEV:
        ref = fourier_ff(lambda r: helm_density(r, radius), q, rmax)
        assert form_factors.helm(q, radius) == pytest.approx(ref, abs=2e-9)


@pytest.mark.parametrize("radius", (2.9936, 4.0576, 4.8041))
def test_symmetrized_fermi_is_fourier_transform_of_density(radius):
    c = math.sqrt(5.0 / 3.0 * (radius**2 - 7.0 / 5.0 * math.pi**2 * DIFFUSENESS**2))
    rmax = c + 45 * DIFFUSENESS
    for q in Q_GRID_MEV:
        ref = fourier_ff(lambda r: fermi_density(r, radius), q, rmax)
        assert form_factors.symmetrized_fermi(q, radius) == pytest.approx(ref, abs=2e-9)


def test_uniform_sphere_and_yukawa_transforms():
    """The two factors of Klein-Nystrand, each from its own density by quad."""
    r_a = 6.0
    for q in Q_GRID_MEV:
        k = q / HBARC
        sphere = fourier_ff(lambda r: 1.0 if r < r_a else 0.0, q, r_a)
        assert sphere_ff(k * r_a) == pytest.approx(sphere, abs=1e-10)
        yukawa = fourier_ff(yukawa_density, q, 60 * RANGE)
        assert 1.0 / (1.0 + (k * RANGE) ** 2) == pytest.approx(yukawa, rel=1e-8)


@pytest.mark.parametrize("radius", RADII_FM)
def test_klein_nystrand_is_sphere_times_yukawa(radius):
    r_a = math.sqrt(5.0 / 3.0 * (radius**2 - 6.0 * RANGE**2))  # R^2 = 3/5 R_A^2 + 6 a^2
    q = np.array(Q_GRID_MEV)
    k = q / HBARC
    product = form_factors.klein_nystrand(q, radius) * (1.0 + (k * RANGE) ** 2)
    np.testing.assert_allclose(product, sphere_ff(k * r_a), rtol=0, atol=1e-13)


# ------------------------------------------------------------------ rms radii from the densities


@pytest.mark.parametrize("radius", (2.9936, 4.8041))
def test_rms_radius_of_densities(radius):
    c = math.sqrt(5.0 / 3.0 * (radius**2 - 7.0 / 5.0 * math.pi**2 * DIFFUSENESS**2))
    assert rms_from_density(lambda r: fermi_density(r, radius), c + 45 * DIFFUSENESS) == pytest.approx(radius, rel=1e-8)
    rmax = helm_r0(radius) + 12 * SKIN
    assert rms_from_density(lambda r: helm_density(r, radius), rmax) == pytest.approx(radius, rel=1e-8)
    # Klein-Nystrand: second moments add under folding, 3/5 R_A^2 + <r^2>_Yukawa
    yukawa_ms = rms_from_density(yukawa_density, 80 * RANGE) ** 2
    assert yukawa_ms == pytest.approx(6 * RANGE**2, rel=1e-8)


# ------------------------------------------------------------------ small-argument switch


@pytest.mark.parametrize("name", MODELS)
def test_continuous_across_small_argument_switch(name):
    """Around x = 1e-2 (the switch) 1 - F follows (kR)^2/6 to relative O((kR)^2) < 2e-4.

    A wrong series (e.g. x^2/6 in place of x^2/10 for the sphere factor) breaks this by tens of
    percent; a jump at the switch breaks the smoothness of (1 - F)/(kR)^2.
    """
    radius = 4.8041
    # the switch variable is q R (sF), q R0 (Helm) or q R_A (KN): cover all with kR in [2e-3, 3e-2]
    kr = np.geomspace(2e-3, 3e-2, 400)
    f = MODELS[name](kr / radius * HBARC, radius)
    ratio = (1.0 - f) / (kr**2 / 6.0)
    np.testing.assert_allclose(ratio, 1.0, rtol=0, atol=2e-4)
    assert np.max(np.abs(np.diff(ratio))) < 1e-6


# ------------------------------------------------------------------ shapes


@pytest.mark.parametrize("name", MODELS)
def test_shapes_preserved(name):
    ff = MODELS[name]
    q = np.linspace(0.0, 150.0, 12).reshape(3, 4)
    out = ff(q, 4.0)
    assert out.shape == (3, 4)
    assert np.ndim(ff(30.0, 4.0)) == 0
    for idx in np.ndindex(q.shape):
        assert out[idx] == pytest.approx(float(ff(float(q[idx]), 4.0)), rel=1e-14, abs=1e-15)
    # a column of q against a row of radii broadcasts to a table
    radii = np.array([3.0, 4.0, 5.0])
    table = ff(q.reshape(-1, 1), radii)
    assert table.shape == (12, 3)
    for j, rad in enumerate(radii):
        np.testing.assert_allclose(table[:, j], ff(q.ravel(), rad), rtol=1e-14, atol=1e-15)


def test_unity_shape_and_value():
    q = np.zeros((2, 5)) + 80.0
    np.testing.assert_array_equal(form_factors.unity(q, 4.0), np.ones((2, 5)))


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "name, minimum",
    [
        ("helm", math.sqrt(3) * SKIN),
        ("klein-nystrand", math.sqrt(6) * RANGE),
        ("symmetrized-fermi", math.sqrt(7 / 5) * math.pi * DIFFUSENESS),
    ],
)
def test_radius_too_small_raises(name, minimum):
    ff = MODELS[name]
    for bad in (0.999 * minimum, minimum, 0.0, -3.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="radius_fm"):
            ff(10.0, bad)
    # just above the minimum the model is defined and normalised
    assert float(ff(0.0, 1.001 * minimum)) == 1.0


def test_get_unknown_name_lists_allowed():
    with pytest.raises(ValueError, match="nope") as info:
        form_factors.get("nope")
    for allowed in ("helm", "klein-nystrand", "symmetrized-fermi", "unity"):
        assert allowed in str(info.value)
    assert form_factors.get("helm") is form_factors.helm
