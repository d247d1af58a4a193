"""No caller can corrupt a later result: cached and shared objects are immutable, caches never stale.

Each test edits a shared object the way a reader might by accident, and checks that the edit is
refused and that a later result is unchanged.
"""

import dataclasses

import numpy as np
import pytest

from cevnslib import experiments, fits, widgets
from cevnslib.couplings import NSI
from cevnslib.quadrature import Quadrature


def test_csi_data_cannot_be_edited_in_place():
    before = fits.csi2017_rn_interval().best
    data = experiments.get("COHERENT-CsI-2017").data
    with pytest.raises(ValueError, match="read-only"):
        data.coincidence[:] = 0
    with pytest.raises(ValueError, match="read-only"):
        data.energy_time["c_on"][0, 0] = 99
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.beam_on_live_days = 1.0
    assert fits.csi2017_rn_interval().best == before


def test_cached_templates_cannot_be_edited_in_place():
    templates = fits.templates_for("COHERENT-CsI-2017")
    total = templates.counts().sum()
    for name in ("i_zz", "i_zn_default", "i_nn_default", "rn_grid_fm", "i_zn_grid", "i_nn_grid"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(templates, name)[...] = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        templates.i_zz = np.zeros(3)
    assert fits.templates_for("COHERENT-CsI-2017").counts().sum() == total


def test_widget_arrays_are_read_only():
    data = widgets.spectrum_data("CsI", list(widgets.SOURCES)[1])
    with pytest.raises(ValueError, match="read-only"):
        data.recoil_kev[:] = 1.0
    again = widgets.spectrum_data("CsI", list(widgets.SOURCES)[1])
    assert again.recoil_kev[0] == pytest.approx(1e-3)


def test_a_validated_source_or_detector_cannot_be_changed():
    exp = experiments.get("CONUS")
    with pytest.raises(AttributeError, match="immutable"):
        exp.source.distance_m = -1.0
    with pytest.raises(AttributeError, match="immutable"):
        experiments.get("COHERENT-NaI").source.protons_on_target = 0.0
    with pytest.raises(TypeError):
        experiments.get("COHERENT-CsI-2017").source.efficiencies["prompt nu_mu"] = 5.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        exp.detector.bin_edges = (0.0, 1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        exp.mass_kg = 1e6


def test_changing_the_quadrature_never_returns_stale_templates():
    default = experiments.get("CONUS").predict().sum()
    coarse = experiments.get("CONUS", quadrature=Quadrature(energy_nodes=3, recoil_nodes=3)).predict().sum()
    assert coarse != pytest.approx(default, rel=1e-6)
    assert experiments.get("CONUS").predict().sum() == default


def test_get_shares_one_instance_per_setup_and_its_cache():
    assert experiments.get("CONNIE", mass_kg=2.0) is experiments.get("CONNIE", mass_kg=2.0)
    assert experiments.get("CONNIE", mass_kg=2.0) is not experiments.get("CONNIE")
    fractions = {"U235": 0.5, "U238": 0.1, "Pu239": 0.3, "Pu241": 0.1}
    assert experiments.get("CONUS", fission_fractions=fractions) is experiments.get(
        "CONUS", fission_fractions=fractions
    )


@pytest.mark.parametrize("name", list(experiments.SETUPS))
def test_radius_interpolation_is_within_1e_6_of_exact_templates(name):
    """predict() interpolates cached templates in R_n; exact templates are rebuilt at each radius."""
    exp = experiments.get(name)
    lo, hi = exp.cached_templates.rn_range_fm
    rng = np.random.default_rng(4)
    for rn in np.concatenate([rng.uniform(lo, hi, 6), [lo + 0.003, 4.77, hi - 0.003]]):
        exact = exp.templates(rn_fm=rn).counts()
        interpolated = exp.predict(rn_fm=float(rn))
        np.testing.assert_allclose(interpolated, exact, rtol=1e-6, atol=1e-9 * exact.sum())


def test_predict_broadcasts_radius_arrays_and_nsi_grids():
    exp = experiments.get("COHERENT-CsI-2017")
    radii = np.array([4.2, 4.8, 5.5])
    counts = exp.predict(rn_fm=radii)
    assert counts.shape == (3, exp.detector.n_bins)
    for row, rn in zip(counts, radii):
        np.testing.assert_allclose(row, exp.predict(rn_fm=float(rn)), rtol=1e-13)
    eps = np.linspace(-0.1, 0.1, 4)
    grid = exp.predict(NSI(ee_d=eps[:, None]), rn_fm=radii[None, :])
    assert grid.shape == (4, 3, exp.detector.n_bins)
    np.testing.assert_allclose(grid[2, 1], exp.predict(NSI(ee_d=float(eps[2])), rn_fm=4.8), rtol=1e-13)


def test_read_only_arrays_cannot_be_made_writeable_again():
    templates = fits.templates_for("COHERENT-CsI-2017")
    for array in (templates.i_zz, experiments.get("COHERENT-CsI-2017").data.coincidence):
        with pytest.raises(ValueError):
            array.setflags(write=True)
    with pytest.raises(ValueError, match="read-only"):
        templates._zn.c[...] = 0.0


def test_module_registries_are_read_only():
    from cevnslib import figures, form_factors, nuclei

    for registry in (nuclei.COMPOUNDS, figures.FIGURES, widgets.SOURCES, experiments.SETUPS, form_factors.FORM_FACTORS):
        with pytest.raises(TypeError):
            registry["new"] = None
