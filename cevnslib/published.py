"""Published numbers the book compares its own results with, each with its source.

One job: read the tables of quoted numbers in ``cevnslib/data`` and hand them out as immutable
records. It holds the COHERENT CsI[Na] full data set (PRL 129 (2022) 081801,
arXiv:2110.07730): the measured and Standard-Model flux-averaged cross sections, the exposure,
the analysis region, and the background expectations that a fit of the release needs; and the
COHERENT CENNS-10 argon data of Analysis A (PRL 126 (2021) 012002, arXiv:2003.10630, data release
arXiv:2006.12659): the parameters of the release's LArParametersAnlA.yaml and the abstract's numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from . import validation

_CSI_2021_FILE = "coherent_csi_2021_published.csv"
_LAR_2020_FILE = "coherent_lar_2020_published.csv"


@dataclass(frozen=True)
class PublishedValue:
    """One quoted number: its value, its interval and where it is stated.

    Attributes
    ----------
    key : str
        Name of the quantity, e.g. ``"cross_section_measured"``.
    value : float
        Best value (central value, or the exact number), in ``unit``.
    minus, plus : float or None
        Distances from ``value`` down and up to the ends of the interval, in ``unit``; None when
        no uncertainty is quoted or the number is exact.
    unit : str
        Unit of ``value``, ``minus`` and ``plus`` ("1" for a pure number).
    cl : str
        Confidence level of the interval ("1 sigma"), "exact", or "" with no interval.
    source : str
        Where the number is stated: arXiv id and place in the paper or its data release.
    note : str
        How the number was checked, and what it means.
    """

    key: str
    value: float
    minus: float | None
    plus: float | None
    unit: str
    cl: str
    source: str
    note: str

    @property
    def low(self) -> float:
        """Lower end of the interval (``value`` itself when none is quoted), in ``unit``."""
        return self.value - (self.minus or 0.0)

    @property
    def high(self) -> float:
        """Upper end of the interval (``value`` itself when none is quoted), in ``unit``."""
        return self.value + (self.plus or 0.0)


class _PublishedTable(Mapping):
    """A read-only mapping key -> PublishedValue whose lookup names the known keys when it fails."""

    def __init__(self, name: str, values: dict[str, PublishedValue]):
        self._name = name
        self._values = MappingProxyType(dict(values))

    def __getitem__(self, key: str) -> PublishedValue:
        return self._values[validation.choice(f"{self._name} key", key, self._values)]

    def __contains__(self, key) -> bool:
        return key in self._values

    def get(self, key, default=None):
        """The record of ``key``, or ``default`` when the table does not hold it."""
        return self._values.get(key, default)

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _optional(text: str) -> float | None:
    return None if text.strip() == "" else float(text)


def _read(name: str) -> dict[str, PublishedValue]:
    text = (files("cevnslib") / "data" / name).read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    values = {}
    for row in rows:
        value = PublishedValue(
            key=row["key"],
            value=float(row["value"]),
            minus=_optional(row["minus"]),
            plus=_optional(row["plus"]),
            unit=row["unit"],
            cl=row["cl"],
            source=row["source"],
            note=row["note"],
        )
        values[value.key] = value
    return values


@cache
def csi_2021_published() -> Mapping[str, PublishedValue]:
    """The published numbers of the COHERENT CsI[Na] full data set, by key.

    Source: COHERENT, Phys. Rev. Lett. 129 (2022) 081801, arXiv:2110.07730, its supplemental
    material and data release, and independent analyses of the same data (each record's
    ``source`` names its paper and place); the table is ``cevnslib/data/coherent_csi_2021_published.csv``.

    Returns
    -------
    Mapping[str, PublishedValue]
        Read-only mapping from key (e.g. ``"cross_section_measured"``, ``"brn_expected_events"``)
        to an immutable record. Looking up an unknown key raises ValueError naming the known keys.

    Raises
    ------
    ValueError
        When a key is looked up that the table does not hold.

    Examples
    --------
    >>> sigma = csi_2021_published()["cross_section_measured"]
    >>> (sigma.value, sigma.low, sigma.high, sigma.unit)
    (165.0, 140.0, 195.0, '1e-40 cm^2')
    """
    return _PublishedTable("csi_2021_published", _read(_CSI_2021_FILE))


@cache
def lar_2020_published() -> Mapping[str, PublishedValue]:
    """The parameters and published numbers of the COHERENT CENNS-10 argon data (Analysis A), by key.

    Source: COHERENT, Phys. Rev. Lett. 126 (2021) 012002, arXiv:2003.10630 (its abstract), and the
    data release arXiv:2006.12659 (Zenodo record 3903810, CC-BY-4.0), whose ``LArParametersAnlA.yaml``
    gives every parameter with its unit and uncertainty; the table is
    ``cevnslib/data/coherent_lar_2020_published.csv``.

    Returns
    -------
    Mapping[str, PublishedValue]
        Read-only mapping from key (e.g. ``"cevns_predicted_events"``, ``"quenching_a"``) to an
        immutable record. Looking up an unknown key raises ValueError naming the known keys.

    Raises
    ------
    ValueError
        When a key is looked up that the table does not hold.

    Examples
    --------
    >>> fit = lar_2020_published()["cevns_bestfit_events"]
    >>> (fit.value, fit.low, fit.high, fit.unit)
    (159.0, 116.0, 202.0, 'events')
    """
    return _PublishedTable("lar_2020_published", _read(_LAR_2020_FILE))
