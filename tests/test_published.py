"""Tests of cevnslib.published: the table of COHERENT CsI 2021 numbers parses, every row says where it
comes from, intervals hold their best values, unknown keys are refused, and the rows agree with the
paper's numbers typed in again (arXiv:2110.07730) and with the SNS beam energy (about 1 GeV per proton)."""

from __future__ import annotations

import csv
import math
from dataclasses import FrozenInstanceError
from importlib.resources import files

import pytest

from cevnslib.published import PublishedValue, csi_2021_published

TABLE = csi_2021_published()
RAW = (files("cevnslib") / "data" / "coherent_csi_2021_published.csv").read_text(encoding="utf-8")


def test_the_file_has_a_provenance_header_and_parses_into_every_row():
    header = [line for line in RAW.splitlines() if line.startswith("#")]
    assert any("arXiv:2110.07730" in line for line in header)
    rows = list(csv.DictReader(line for line in RAW.splitlines() if line and not line.startswith("#")))
    assert len(rows) == len(TABLE) > 10  # no key is listed twice
    assert all(None not in row and len(row) == 8 for row in rows)  # no row has a stray comma


@pytest.mark.parametrize("key", sorted(TABLE))
def test_every_row_has_a_source_a_unit_and_a_finite_value(key):
    value = TABLE[key]
    assert "arXiv:" in value.source, f"{key}: the source must name an arXiv id"
    assert value.unit.strip()
    assert math.isfinite(value.value)


@pytest.mark.parametrize("key", sorted(TABLE))
def test_intervals_contain_the_best_value_and_say_their_confidence_level(key):
    value = TABLE[key]
    for side in (value.minus, value.plus):
        assert side is None or side >= 0
    assert value.low <= value.value <= value.high
    if value.minus is not None or value.plus is not None:
        assert value.cl == "1 sigma" or "CL" in value.cl


def test_an_unknown_key_is_refused_with_the_known_keys_named():
    with pytest.raises(ValueError, match="cross_section_measured"):
        TABLE["cross_section"]
    with pytest.raises(ValueError):
        TABLE[3]
    assert "cross_section" not in TABLE and TABLE.get("cross_section") is None


def test_records_and_table_are_immutable():
    with pytest.raises(FrozenInstanceError):
        TABLE["baseline_m"].value = 20.0
    with pytest.raises(TypeError):
        TABLE["baseline_m"] = TABLE["beam_energy_gwh"]
    assert csi_2021_published() is TABLE


def test_the_abstract_cross_section_and_its_ratio_to_the_standard_model():
    # arXiv:2110.07730 abstract: (165 +30 -25) x 10^-40 cm^2; SM (189 +- 6) x 10^-40 cm^2
    measured, sm = TABLE["cross_section_measured"], TABLE["cross_section_sm"]
    assert (measured.low, measured.value, measured.high) == (140.0, 165.0, 195.0)
    ratio = TABLE["cross_section_ratio_to_sm"]
    assert ratio.value == pytest.approx(165 / 189, abs=5e-4)
    assert ratio.low == pytest.approx(140 / 189, abs=1e-3) and ratio.high == pytest.approx(195 / 189, abs=1e-3)
    assert measured.unit == sm.unit and ratio.unit == "1"


def test_protons_on_target_and_beam_energy_give_a_gev_proton_beam():
    # 13.99 GWh over 3.198e23 protons: about 0.98 GeV per proton, the SNS beam energy
    joules = TABLE["beam_energy_gwh"].value * 1e9 * 3600
    gev_per_proton = joules / TABLE["protons_on_target"].value / 1.602176634e-10
    assert gev_per_proton == pytest.approx(0.984, abs=0.002)
    flux = TABLE["neutrinos_per_flavour_per_proton"]
    assert flux.plus / flux.value == pytest.approx(TABLE["flux_uncertainty_fraction"].value)


def test_background_priors_are_the_fractions_used_by_public_fits():
    brn, nin = TABLE["brn_expected_events"], TABLE["nin_expected_events"]
    assert brn.plus / brn.value == pytest.approx(0.25, abs=0.001)
    assert nin.plus / nin.value == pytest.approx(0.36, abs=0.01)


def test_the_record_type_is_the_one_handed_out():
    assert all(isinstance(v, PublishedValue) for v in TABLE.values())
