"""Chapter 3 (non-standard interactions): the checks its prose quotes, as assertions."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from cevnslib import couplings, fits, nuclei, style  # noqa: E402
from cevnslib.chapters import ch03  # noqa: E402
from cevnslib.couplings import NSI  # noqa: E402


@pytest.fixture(scope="module")
def numbers():
    return ch03.numbers()


def test_weak_charge_with_nsi_by_hand():
    """Eq. (eq-ch3-charge) evaluated by hand for 72Ge with a diagonal and a complex off-diagonal
    coupling equals weak_charge_squared, to 1e-12."""
    gp, gn = couplings.nucleon_couplings()
    ge = nuclei.nucleus("Ge72")
    z, n, f_z, f_n = ge.Z, ge.N, 0.98, 0.96  # illustrative form-factor values
    nsi = NSI(ee_u=0.05, ee_d=-0.10, et_u=0.02 + 0.03j, et_d=-0.04)
    diag = z * (gp + 2 * 0.05 - 0.10) * f_z + n * (gn + 0.05 - 2 * 0.10) * f_n
    eu, ed = nsi.epsilon("tau", "e", "u"), nsi.epsilon("tau", "e", "d")  # eps_{tau e} = conj(eps_{e tau})
    offdiag = z * (2 * eu + ed) * f_z + n * (eu + 2 * ed) * f_n
    library = couplings.weak_charge_squared(z, n, "e", nsi, f_z=f_z, f_n=f_n)
    assert float(library) == pytest.approx(diag**2 + abs(offdiag) ** 2, rel=1e-12)


def test_quoted_qr_is_chapter_2s_and_of_order_one(numbers):
    """The qR that chapter 3 quotes are chapter 2's numbers; CONUS events have qR < 0.3, the central
    90% of the CsI events 0.9 < qR < 2: of order one or below, not small."""
    from cevnslib.chapters import ch02

    ch2 = ch02.numbers()
    for key in ("med-conus", "lo-csi", "hi-csi"):
        assert numbers[f"ch3-qr-{key}"] == pytest.approx(ch2[f"ch2-qr{key}"], rel=1e-12)
    assert numbers["ch3-qr-med-conus"] < 0.3 and 0.9 < numbers["ch3-qr-lo-csi"] < numbers["ch3-qr-hi-csi"] < 2


def test_quark_couplings_invert_the_nucleon_ones():
    gvu, gvd = ch03.quark_couplings()
    gp, gn = couplings.nucleon_couplings()
    assert 2 * gvu + gvd == pytest.approx(gp, rel=1e-12) and gvu + 2 * gvd == pytest.approx(gn, rel=1e-12)


@pytest.mark.parametrize("setup", list(ch03.SETUPS.values()))
def test_minus_b_over_a_is_the_template_root(setup):
    """The flipped eps_ee^dV of the quadratic form, -B/A, equals the root found on the templates, to 1e-9."""
    assert ch03.template_flip(setup)[0] == pytest.approx(fits.setup_flipped_eps_ee_d(setup), abs=1e-9)


def test_analytic_lines_are_within_a_thousandth_of_the_templates(numbers):
    """Mean-Z, N intercepts agree with the templates to a per mille for Si, Ge and CsI, to 3 per mille for NaI."""
    for target, tolerance in (("si", 1e-3), ("ge", 1e-3), ("csi", 1e-3), ("nai", 3e-3)):
        assert abs(numbers[f"ch3-flipdiff-{target}"] / numbers[f"ch3-flip-{target}"]) < tolerance


def test_every_flipped_line_passes_through_the_universal_point():
    gvu, gvd = ch03.quark_couplings()
    for target in ch03.SETUPS:
        slope, icpt = ch03.analytic_line(target)
        assert icpt + slope * (-2 * gvu) == pytest.approx(-2 * gvd, abs=1e-12)


def test_universal_point_keeps_every_count_whatever_rn():
    """At eps^qV = -2 g_V^q every setup expects its SM count, also with R_n = 4.5 and 5.5 fm, to 1e-12."""
    for setup, rn, univ, left in ch03.universal_point_rows():
        assert univ == pytest.approx(1.0, rel=1e-12, abs=0), (setup, rn)
        if setup in ("CONUS", "CONNIE"):
            assert left == 0.0
        else:
            assert 0.6 < left < 0.7


def test_zero_of_the_nu_e_charge_is_half_the_flipped_coupling(numbers):
    assert numbers["ch3-zero-csi"] == pytest.approx(numbers["ch3-flip-csi"] / 2, rel=1e-12)
    assert numbers["ch3-ex-zero-default"] == pytest.approx(numbers["ch3-zero-csi"], abs=1e-5)
    assert numbers["ch3-ex-zero-frac-default"] == pytest.approx(numbers["ch3-mufrac-csi"], abs=1e-4)


def test_template_slope_is_the_event_weighted_one(numbers):
    """The flipped band of the CsI templates has the slope of the event-weighted N/Z, to 1e-3 in N/Z."""
    assert numbers["ch3-ex-nz-eff"] == pytest.approx(numbers["ch3-nz-csi"], abs=1e-3)
    low, high = sorted((numbers["ch3-ex-slope-cs"], numbers["ch3-ex-slope-i"]))
    assert low < numbers["ch3-ex-slope-templates"] < high


def test_ellipse_axes_follow_the_flavour_shares(numbers):
    """Half-axis ratio sqrt(A_e/A_mu) = sqrt(N_e/N_mu) to 1e-3."""
    assert numbers["ch3-ex-axis-ratio"] == pytest.approx(numbers["ch3-ex-sqrt-e-over-mu"], rel=1e-3)


def test_sign_flip_points_have_the_sm_spectra():
    """Where each flavour keeps the size of its SM charge, every flavour's expected events in every PE bin
    equal the SM ones within 0.07%, and no energy x arrival-time cell of the 2017 data moves by 0.01 event."""
    deviations = ch03.flavour_spectrum_deviations()
    assert set(deviations) == {"SM", "ee flipped", "mumu flipped", "both flipped"}
    for label, per_flavour in deviations.items():
        assert set(per_flavour) == {"e", "mu"}
        for flavor, deviation in per_flavour.items():
            assert deviation < 7e-4, (label, flavor, deviation)
    assert deviations["SM"] == {"e": 0.0, "mu": 0.0}
    assert max(ch03.time_cell_changes_events().values()) < 0.01


def test_elsewhere_on_the_ellipse_the_flavour_split_changes():
    """At the top of the ellipse (nu_e charge near zero, total count = SM) the nu_e events nearly vanish."""
    t = fits.templates_for("COHERENT-CsI-2017")
    centre_ee = fits.setup_flipped_eps_ee_d("COHERENT-CsI-2017") / 2
    e_part = t.of_flavor("e")
    assert e_part.counts(NSI(ee_d=centre_ee)).sum() < 1e-4 * e_part.counts().sum()


def test_flavor_parts_of_templates_add_up_and_refuse_tau():
    t = fits.templates_for("COHERENT-CsI-2017")
    nsi = NSI(ee_d=0.1, mm_u=-0.05)
    total = sum(t.of_flavor(f).counts(nsi, rn_fm=5.0) for f in t.flavors)
    np.testing.assert_allclose(total, t.counts(nsi, rn_fm=5.0), rtol=1e-12)
    with pytest.raises(ValueError, match="tau"):
        t.of_flavor("tau")


def test_count_curvature_refuses_tau():
    with pytest.raises(ValueError, match="flavor"):
        ch03.count_curvature("tau")


def test_figures_fit_the_column():
    for draw in (ch03.ratio_figure, ch03.lines_figure, ch03.mumu_figure):
        fig = draw()
        assert fig.get_size_inches()[0] <= style.FULL_WIDTH_IN + 1e-9
        plt.close(fig)
