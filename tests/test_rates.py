"""Eq. 3: the template path against the direct nested-quad path, and against closed forms."""

import numpy as np
import pytest
from scipy.integrate import quad

from cevnslib import experiments, rates
from cevnslib.couplings import NSI
from cevnslib.cross_section import CrossSectionOptions
from cevnslib.detectors import Detector
from cevnslib.fluxes import PionDecayAtRest, ReactorFlux
from cevnslib.nuclei import Target, nucleus

G_F = 1.1663787e-5  # GeV^-2
HBARC_GEV_CM = 1.973269804e-14
N_A = 6.02214076e23

POINTS = [
    (None, None),
    (NSI(ee_u=0.12, ee_d=-0.07, mm_d=0.04, em_u=0.05, et_d=0.03j), 5.37),
    (NSI(ee_u=-0.3, ee_d=0.25), 4.61),
]


#: Every setup of the paper at several points; the reactor's direct quad is slow (many spectrum breakpoints) and
#: its counts barely depend on R_n, so it gets two. COHERENT-CsI-2021 has its own direct check in
#: test_csi_2021.py (nested quad through its smeared response would take minutes).
CASES = [(name, k) for name in experiments.PAPER_SETUPS for k in range(2 if name in ("CONUS", "CONNIE") else 3)]


@pytest.fixture(scope="module")
def templates_by_setup():
    grid = np.linspace(4.0, 6.0, 41)
    # one R_n common to the nuclei (NaI's default shares a skin instead: checked through predict below)
    return {
        name: experiments.get(name, **({"neutron_radii": "common"} if name == "COHERENT-NaI" else {})).templates(
            rn_grid_fm=grid
        )
        for name in experiments.PAPER_SETUPS
    }


@pytest.mark.parametrize("name, point", CASES)
def test_templates_agree_with_direct_quad(templates_by_setup, name, point):
    exp = experiments.get(name)
    nsi, rn = POINTS[point]
    common = exp.neutron_radii == "common"  # NaI's nuclei share a skin: its cached per-nucleus templates
    fast = templates_by_setup[name].counts(nsi, rn) if rn is not None and common else exp.predict(nsi, rn)
    slow = exp.predict(nsi, rn, method="quad")
    assert slow.sum() > 0
    np.testing.assert_allclose(fast, slow, rtol=1e-4)


@pytest.mark.parametrize("point", [1, 2])
def test_nai_common_radius_option_agrees_with_direct_quad(templates_by_setup, point):
    # The old choice, one R_n for Na and I, stays available and exact.
    exp = experiments.get("COHERENT-NaI", neutron_radii="common")
    nsi, rn = POINTS[point]
    np.testing.assert_allclose(
        templates_by_setup["COHERENT-NaI"].counts(nsi, rn), exp.predict(nsi, rn, method="quad"), rtol=1e-4
    )
    np.testing.assert_allclose(exp.predict(nsi, rn), exp.predict(nsi, rn, method="quad"), rtol=1e-4)


def test_nai_skin_model_is_each_nucleus_with_its_own_radius():
    # Independent route: the compound's counts are the two nuclei's, each computed by direct quad with
    # its own R_n = R_p + the common skin (sodium's share of nuclei kept by counts_quad's per-kg weights).
    exp = experiments.get("COHERENT-NaI")
    na, iodine = exp.target.nuclei
    skin = 0.3
    radii = (na.charge_radius_fm + skin, iodine.charge_radius_fm + skin)
    slow = rates.counts_quad(
        exp.target, exp.source, exp.detector, exp.mass_kg, exp.live_time_s, exp.options, nucleus_rn_fm=radii
    )
    np.testing.assert_allclose(exp.predict(rn_fm=iodine.charge_radius_fm + skin), slow, rtol=1e-4)
    # the skin, not the radius, is common; and at R_n = R_p both models are the SM default
    r_na, r_i = exp.nucleus_radii_fm(5.2)
    assert r_na - na.charge_radius_fm == pytest.approx(r_i - iodine.charge_radius_fm) and r_i == 5.2
    common = experiments.get("COHERENT-NaI", neutron_radii="common")
    assert common.nucleus_radii_fm(5.2) == (5.2, 5.2)
    np.testing.assert_allclose(exp.predict(), common.predict(), rtol=1e-12)
    # a larger skin on sodium too removes more events than iodine's radius alone would
    assert exp.predict(rn_fm=5.5).sum() > common.predict(rn_fm=5.5).sum()


def test_nai_skin_model_refuses_a_radius_that_pushes_sodium_off_its_grid():
    exp = experiments.get("COHERENT-NaI")
    lo, hi = exp.cached_templates.rn_range_fm
    assert lo > 3.0  # sodium's R_n = R_n^I - 1.76 fm must stay above the Helm form factor's smallest radius
    with pytest.raises(ValueError, match=r"rn_fm .*skin.* must be a finite number in \[3\.3"):
        exp.predict(rn_fm=3.0)
    with pytest.raises(ValueError, match=r"rn_fm = 3.0 must lie in \(3.3"):
        exp.predict(rn_fm=3.0, method="quad")
    with pytest.raises(ValueError, match="neutron_radii"):
        experiments.get("COHERENT-NaI", neutron_radii="per-isotope")
    assert exp.predict(rn_fm=lo).sum() > exp.predict(rn_fm=hi).sum()


def _sigma_total_cm2(energy_mev, nuc, q2):
    """Closed form of int_0^Tmax G_F^2 M/pi (1 - M T/(2E^2)) Q^2 dT for F = 1."""
    m = nuc.mass_gev * 1e3
    t_max = 2 * energy_mev**2 / (m + 2 * energy_mev)
    gev_per_mev = 1e-3
    integral_mev = t_max - m * t_max**2 / (4 * energy_mev**2)
    return G_F**2 * (m * gev_per_mev) / np.pi * q2 * integral_mev * gev_per_mev * HBARC_GEV_CM**2


def test_rate_without_threshold_is_flux_times_total_cross_section():
    """With F = 1 and no threshold, the T-integral of Eq. 3 collapses to phi x sigma_total."""
    na = nucleus("Na23")
    target = Target("Na23", (na,), (1.0,))
    source = PionDecayAtRest(1e23, 0.08, 20.0)
    opts = CrossSectionOptions(form_factor="unity")
    q2 = (na.Z * (0.5 - 2 * 0.23857) - 0.5 * na.N) ** 2
    per_kg = 1e3 * N_A / na.atomic_mass_u
    m_mu = 105.6583755
    prompt = source.fluence_per_cm2 * _sigma_total_cm2(source.prompt_energy_mev, na, q2)
    delayed = sum(
        source.fluence_per_cm2
        * quad(lambda e: PionDecayAtRest.spectrum(lab, e) * _sigma_total_cm2(e, na, q2), 0, m_mu / 2)[0]
        for lab in ("delayed nu_e", "delayed anti-nu_mu")
    )
    counts = rates.build_templates(target, source, Detector("keVnr", (0.0, np.inf)), 1.0, 86400.0, opts).counts()
    assert counts[0] == pytest.approx(per_kg * (prompt + delayed), rel=1e-7)


def test_reactor_rate_scales_with_power_and_inverse_square_distance():
    ge = experiments.get("CONUS").target
    near = rates.rate_per_kg_day(ge, ReactorFlux(3.9, 17.1), 0.5)
    far = rates.rate_per_kg_day(ge, ReactorFlux(2 * 3.9, 2 * 17.1), 0.5)
    assert far == pytest.approx(near / 2, rel=1e-12)


def test_vectorised_counts_equal_pointwise_counts():
    exp = experiments.get("COHERENT-CsI-2017")
    t = exp.templates(rn_grid_fm=np.linspace(4.0, 6.0, 21))
    eu = np.array([[-0.2, 0.0], [0.1, 0.3]])
    ed = np.array([[0.05, 0.2], [-0.1, 0.0]])
    rn = np.array([[4.5, 5.0], [5.5, 4.9]])
    grid = t.counts(NSI(ee_u=eu, ee_d=ed), rn)
    assert grid.shape == (2, 2, exp.detector.n_bins)
    for i in range(2):
        for j in range(2):
            np.testing.assert_allclose(grid[i, j], t.counts(NSI(ee_u=eu[i, j], ee_d=ed[i, j]), rn[i, j]), rtol=1e-12)


def test_neutron_radius_lowers_counts_through_the_form_factor():
    t = experiments.get("COHERENT-CsI-2017").templates(rn_grid_fm=np.linspace(4.0, 6.0, 21))
    totals = t.counts(rn_fm=np.linspace(4.2, 5.8, 9)).sum(axis=-1)
    assert np.all(np.diff(totals) < 0)


def test_templates_refuse_radius_outside_grid_or_without_grid():
    exp = experiments.get("COHERENT-NaI")
    with pytest.raises(ValueError, match="rn_fm"):
        exp.templates().counts(rn_fm=5.0)
    with pytest.raises(ValueError, match="rn_fm"):
        exp.templates(rn_grid_fm=np.linspace(4, 5, 6)).counts(rn_fm=5.5)
    with pytest.raises(ValueError, match="rn_grid_fm"):
        exp.templates(rn_grid_fm=[4.0, 5.0])


def test_threshold_above_kinematic_maximum_is_refused():
    """The message names the parameter the reader passed."""
    with pytest.raises(ValueError, match="threshold_kevee = 3.0 keVee is above the kinematic maximum"):
        experiments.get("CONUS", threshold_kevee=3.0)
    with pytest.raises(ValueError, match="threshold_kevnr = 500.0 keVnr is above the kinematic maximum"):
        experiments.get("COHERENT-NaI", threshold_kevnr=500.0)


def test_rate_per_kg_day_rejects_bad_threshold_and_a_run_source():
    with pytest.raises(ValueError, match="threshold_kevnr"):
        rates.rate_per_kg_day(experiments.get("CONUS").target, ReactorFlux(3.9, 17.1), float("nan"))
    with pytest.raises(ValueError, match="steady source"):
        rates.rate_per_kg_day(experiments.get("CONUS").target, PionDecayAtRest(1e23, 0.08, 20.0), 1.0)


def test_recoil_spectrum_integrates_to_the_templates_of_a_keVnr_bin():
    """Two routes to the same count: the trapezoidal integral of the public spectrum over a bin, and
    the Gauss-Legendre templates folded through the response matrix."""
    exp = experiments.get("COHERENT-NaI", bin_edges_kevnr=(13.0, 40.0, 90.0))
    t = np.linspace(13.0, 90.0, 40001)
    spectrum = exp.recoil_spectrum(t, NSI(ee_d=0.1), 4.6)
    first = t <= 40.0
    by_trapezoid = [np.trapezoid(spectrum.total[first], t[first]), np.trapezoid(spectrum.total[~first], t[~first])]
    gap = np.trapezoid(
        spectrum.total[[np.flatnonzero(first)[-1], np.flatnonzero(~first)[0]]],
        t[[np.flatnonzero(first)[-1], np.flatnonzero(~first)[0]]],
    )
    assert sum(by_trapezoid) + gap == pytest.approx(exp.predict(NSI(ee_d=0.1), 4.6).sum(), rel=1e-7)
    assert spectrum.dn_dt.shape == (len(exp.target.nuclei), 2, t.size)
    assert set(spectrum.per_nucleus()) == {n.name for n in exp.target.nuclei}
