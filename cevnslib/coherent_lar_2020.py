"""The COHERENT CENNS-10 liquid-argon data, Analysis A (PRL 126 (2021) 012002, arXiv:2003.10630): frozen data.

:func:`lar_2020_data` loads the data release (arXiv:2006.12659, Zenodo record 3903810, CC-BY-4.0)
shipped in ``cevnslib/data`` (files ``coherent_lar_2020_*.csv``; provenance in each file's header):
the observed counts and the release's PDFs on its 3D bins, 12 bins of reconstructed energy
(keVee) x 8 bins of the pulse-shape parameter F90 x 10 bins of arrival time (us), and the signal
acceptance. The release's parameters (exposure, quenching, resolution, normalisations) are in
:func:`cevnslib.published.lar_2020_published`.

The release prints bin centres only. The edges here are derived from them with the widths the
centres' spacing states (and the files' header repeats): 10 keVee from 0 to 120 keVee, 0.05 in F90
from 0.5 to 0.9, 0.5 us in time from -0.1 to 4.9 us (the first time bin is centred at 0.15 us).

The PDFs are expected counts over the exposure, not unit-normalised: the CEvNS PDF sums to the
predicted 128 events, the prompt and delayed beam-related-neutron (BRN) PDFs to 497 and 33, the
steady-state (SS) PDF to 3152 (the release's yaml predicts 3154 +- 25); each systematic variant keeps
its nominal's sum, but for the BRN timing-mean +1 sigma variant (523.7: the later pulse moves BRN
into the window). The observed counts sum to 3,752 events.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files
from types import MappingProxyType

import numpy as np

from . import validation
from .response import F90Shares, TabulatedAcceptance
from .validation import freeze, read_only

#: Bin widths of the release [arXiv:2006.12659; the spacing of its bin centres]: energy (keVee), F90, time (us).
ENERGY_WIDTH_KEVEE = 10.0
F90_WIDTH = 0.05
TIME_WIDTH_US = 0.5

#: The release's PDFs by name (columns of ``coherent_lar_2020_bins.csv``; each file's name in the release
#: is in that file's header): the CEvNS PDF and its shape variants, the prompt BRN PDF and its variants,
#: the delayed BRN PDF and the steady-state PDF.
PDF_NAMES = (
    "cevns",
    "cevns_f90_plus_1sigma",
    "cevns_f90_minus_1sigma",
    "cevns_timing_mean",
    "brn_prompt",
    "brn_prompt_energy_plus_1sigma",
    "brn_prompt_energy_minus_1sigma",
    "brn_prompt_timing_mean_plus_1sigma",
    "brn_prompt_timing_mean_minus_1sigma",
    "brn_prompt_timing_width",
    "brn_delayed",
    "steady_state",
)

#: The variants of the CEvNS F90 distribution: the nominal PDF and its +-1 sigma F90 systematic.
F90_VARIANTS = MappingProxyType(
    {"nominal": "cevns", "plus_1sigma": "cevns_f90_plus_1sigma", "minus_1sigma": "cevns_f90_minus_1sigma"}
)


def _read_csv(name: str) -> np.ndarray:
    text = (files("cevnslib") / "data" / name).read_text()
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    return np.genfromtxt(rows, delimiter=",", names=True, dtype=None, encoding="utf-8")


def edges_from_centres(centres, width: float) -> tuple[float, ...]:
    """Bin edges of equal bins of ``width`` around ``centres`` (increasing, spaced by ``width``).

    Rounded to 12 decimals (the release prints at most 3), so that 0.525 - 0.025 is 0.5. Raises
    ValueError if the centres are not spaced by ``width`` (to 1e-9) or the width is not > 0.
    """
    width = validation.positive("width", width)
    c = validation.real_array("centres", centres)
    if c.ndim != 1 or c.size < 1 or np.any(np.abs(np.diff(c) - width) > 1e-9):
        raise ValueError(f"centres {c.tolist()} must be spaced by the stated width {width}")
    return tuple(float(x) for x in np.round(np.append(c - width / 2, c[-1] + width / 2), 12))


@dataclass(frozen=True, eq=False)
class LAr2020Data:
    """The CENNS-10 Analysis A release; immutable (every array is read-only).

    Attributes
    ----------
    energy_centres_kevee, f90_centres, time_centres_us : the bin centres as released, shapes (12,), (8,), (10,).
    observed : observed counts, shape (12, 8, 10) = :attr:`shape` (energy, F90, time).
    pdfs : the release's PDFs by name (:data:`PDF_NAMES`), each of shape (12, 8, 10), in expected counts.
    efficiency : the acceptance table, fields ``energy_kevee`` (0.5-keVee bin centres), ``recoil_kevnr``
        (the same in keVnr) and ``efficiency``.
    """

    energy_centres_kevee: np.ndarray
    f90_centres: np.ndarray
    time_centres_us: np.ndarray
    observed: np.ndarray
    pdfs: Mapping[str, np.ndarray]
    efficiency: np.ndarray

    def __post_init__(self):
        for f in fields(self):
            if f.name != "pdfs":
                object.__setattr__(self, f.name, freeze(np.array(getattr(self, f.name), copy=True)))
        object.__setattr__(self, "pdfs", MappingProxyType({k: read_only(v) for k, v in self.pdfs.items()}))

    @property
    def shape(self) -> tuple[int, int, int]:
        """(energy bins, F90 bins, time bins)."""
        return self.observed.shape

    @property
    def energy_edges_kevee(self) -> tuple[float, ...]:
        """Energy bin edges (keVee): 0 to 120 in steps of 10."""
        return edges_from_centres(self.energy_centres_kevee, ENERGY_WIDTH_KEVEE)

    @property
    def f90_edges(self) -> tuple[float, ...]:
        """F90 bin edges: 0.5 to 0.9 in steps of 0.05."""
        return edges_from_centres(self.f90_centres, F90_WIDTH)

    @property
    def time_edges_us(self) -> tuple[float, ...]:
        """Arrival-time bin edges (us): -0.1 to 4.9 in steps of 0.5."""
        return edges_from_centres(self.time_centres_us, TIME_WIDTH_US)

    def pdf(self, name: str) -> np.ndarray:
        """The release's PDF ``name`` (one of :data:`PDF_NAMES`), shape (12, 8, 10), read-only.

        Raises ValueError for an unknown name.
        """
        return self.pdfs[validation.choice("pdf", name, PDF_NAMES)]

    def acceptance(self) -> TabulatedAcceptance:
        """The signal acceptance against electron-equivalent energy (keVee), linear between the table's nodes."""
        return TabulatedAcceptance(self.efficiency["energy_kevee"], self.efficiency["efficiency"])

    def cevns_f90_shares(self, variant: str = "nominal") -> F90Shares:
        """The F90 distribution of CEvNS events in each energy bin, from the release's CEvNS PDF (``variant``
        "nominal", "plus_1sigma" or "minus_1sigma": its F90 systematic).

        The release's CEvNS PDF factorises exactly (to 1e-6) into energy x F90-given-energy x time, and
        F90 does not depend on the physics point: the share of an energy bin's events in each F90 bin
        is the PDF summed over time, normalised in that bin. Energy bins where the PDF holds no events
        (60 keVee and above, beyond the reach of CEvNS) take the shares of the highest bin that holds
        some. Raises ValueError for an unknown variant.
        """
        pdf = self.pdfs[F90_VARIANTS[validation.choice("variant", variant, tuple(F90_VARIANTS))]]
        per_bin = pdf.sum(axis=2)
        totals = per_bin.sum(axis=1)
        filled = np.flatnonzero(totals > 0)
        shares = np.empty_like(per_bin)
        shares[filled] = per_bin[filled] / totals[filled, None]
        for i in np.flatnonzero(totals <= 0):
            shares[i] = shares[filled[filled < i][-1]] if np.any(filled < i) else shares[filled[0]]
        return F90Shares(self.f90_edges, shares)


@cache
def lar_2020_data() -> LAr2020Data:
    """Load the CENNS-10 Analysis A release shipped in ``cevnslib/data`` (one cached, read-only instance)."""
    table = _read_csv("coherent_lar_2020_bins.csv")
    energy, f90, time = (np.unique(table[k]) for k in ("energy_kevee", "f90", "time_us"))
    shape = (energy.size, f90.size, time.size)
    order = np.lexsort((table["time_us"], table["f90"], table["energy_kevee"]))
    if not np.array_equal(order, np.arange(order.size)) or order.size != np.prod(shape):
        raise ValueError("coherent_lar_2020_bins.csv must list every (energy, F90, time) bin once, energy outermost")
    return LAr2020Data(
        energy_centres_kevee=energy,
        f90_centres=f90,
        time_centres_us=time,
        observed=table["observed"].reshape(shape).astype(float),
        pdfs={name: table[name].reshape(shape).astype(float) for name in PDF_NAMES},
        efficiency=_read_csv("coherent_lar_2020_efficiency.csv"),
    )
