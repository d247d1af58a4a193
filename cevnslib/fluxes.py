"""Neutrino sources: nuclear reactors and pion decay at rest (spallation sources).

A source exposes ``components``, a tuple of :class:`FluxComponent` (one per flavour), and
``exposure_scale(live_time_s)``, the factor that turns a component's fluence into the fluence of
a whole run. Reactor components are per second, pion-decay-at-rest components cover the run.
Data: ``cevnslib/data/reactor_spectra.csv`` and ``cevnslib/data/kopeikin_2012.csv`` (sources in
their headers).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
from numpy.polynomial import polynomial

from . import validation
from .constants import FOUR_PI, M_MUON_MEV, M_PION_MEV, MEV_J
from .validation import read_only

#: Allowed values of :attr:`FluxComponent.flavor`.
FLAVORS = ("e", "mu", "tau")

#: Centimetres per metre.
CM_PER_M = 100.0

#: Watts per gigawatt.
W_PER_GW = 1e9

#: Fissile isotopes of a reactor core, in the order used internally.
ISOTOPES = ("U235", "U238", "Pu239", "Pu241")

#: Fission fractions of a typical pressurised-water reactor [our choice].
DEFAULT_FISSION_FRACTIONS = MappingProxyType({"U235": 0.58, "U238": 0.07, "Pu239": 0.30, "Pu241": 0.05})

#: Daya Bay average effective fission fractions [Daya Bay, PRD 100 (2019) 052004, arXiv:1808.10836].
DAYA_BAY_FISSION_FRACTIONS = MappingProxyType({"U235": 0.564, "U238": 0.076, "Pu239": 0.304, "Pu241": 0.056})

#: Allowed deviation of the sum of the fission fractions from 1 [our choice].
FISSION_FRACTION_TOLERANCE = 1e-6

#: Energy released per fission in MeV [X. B. Ma et al., PRC 88 (2013) 014605].
ENERGY_PER_FISSION_MEV = MappingProxyType({"U235": 202.36, "U238": 205.99, "Pu239": 211.12, "Pu241": 214.26})

#: Spectrum fit S = exp(a0 + a1 E + a2 E^2), E in MeV, per isotope, used below 2 MeV by
#: ``low_energy="vogel-engel"`` [P. Vogel and J. Engel, PRD 39 (1989) 3378].
VOGEL_ENGEL_COEFFICIENTS = MappingProxyType(
    {
        "U235": (0.870, -0.160, -0.0910),
        "U238": (0.976, -0.162, -0.0790),
        "Pu239": (0.896, -0.239, -0.0981),
        "Pu241": (0.793, -0.080, -0.1085),
    }
)

#: Which fit of ``reactor_spectra.csv`` each ``spectrum`` choice takes per isotope
#: (Huber has no U238 spectrum, so "huber-mueller" takes Mueller's).
SPECTRUM_SOURCES = MappingProxyType(
    {
        "huber-mueller": {"U235": "huber", "U238": "mueller", "Pu239": "huber", "Pu241": "huber"},
        "mueller": {iso: "mueller" for iso in ISOTOPES},
    }
)

#: Treatments of the reactor spectrum below the fit range (see :class:`ReactorFlux`).
LOW_ENERGY_TREATMENTS = ("kopeikin", "kopeikin-total", "cut", "frozen", "vogel-engel")

#: Energy range of the Huber and Mueller fits in MeV [Huber 2011; Mueller et al. 2011].
FIT_E_MIN_MEV = 2.0
FIT_E_MAX_MEV = 8.0

#: End point of the muon-decay-at-rest spectra, m_mu/2 (electron mass neglected).
PION_DAR_E_MAX_MEV = M_MUON_MEV / 2.0

#: Labels of the delayed (muon-decay) components of a pion-decay-at-rest source.
DELAYED_LABELS = ("delayed nu_e", "delayed anti-nu_mu")

#: Labels of the three pion-decay-at-rest components.
PION_DAR_LABELS = ("prompt nu_mu", *DELAYED_LABELS)


class _Immutable:
    """Attributes are set in ``__init__`` only: a validated source cannot be changed afterwards.

    Changing a parameter means building a new source, which validates it again.
    """

    def __setattr__(self, name, value):
        if getattr(self, "_sealed", False):
            raise AttributeError(f"{type(self).__name__} is immutable: build a new one instead of setting {name}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name}")

    def _seal(self) -> None:
        object.__setattr__(self, "_sealed", True)


#: Range a flux or fluence per cm^2 must lie in: beyond it, counts overflow or underflow.
_FLUX_RANGE_PER_CM2 = (1e-250, 1e250)


def _power_of_ten(exponent: float) -> str:
    """10^exponent as text, also where it is beyond the range of a float."""
    if -300 < exponent < 300:
        return f"{10.0**exponent:.3g}"
    return f"10^{exponent:.0f}"


def _flux_scale(emitter: tuple[str, float], per_unit: float, distance_m: float, what: str) -> float:
    """value x ``per_unit`` / (4 pi L^2) per cm^2, checked to lie in :data:`_FLUX_RANGE_PER_CM2`.

    ``emitter`` is the (name, value) of the parameter the emission is proportional to, with
    ``per_unit`` particles per unit of it. Outside the range, a ValueError gives the allowed range
    of that parameter and of ``distance_m``, each with the other held fixed (computed in logs, so
    that the message itself cannot overflow).
    """
    name, x = emitter
    log_lo, log_hi = (math.log10(f) for f in _FLUX_RANGE_PER_CM2)
    log_emitted = math.log10(x) + math.log10(per_unit) - math.log10(FOUR_PI)
    log_flux = log_emitted - 2.0 * math.log10(distance_m * CM_PER_M)
    if not log_lo <= log_flux <= log_hi:
        log_x = math.log10(x)
        l_lo, l_hi = (_power_of_ten((log_emitted - bound) / 2.0 - 2.0) for bound in (log_hi, log_lo))
        x_lo, x_hi = (_power_of_ten(log_x + bound - log_flux) for bound in (log_lo, log_hi))
        raise ValueError(
            f"{name} = {x!r} and distance_m = {distance_m!r} give a {what} of 10^{log_flux:.0f} per cm^2, "
            f"outside [{_FLUX_RANGE_PER_CM2[0]:g}, {_FLUX_RANGE_PER_CM2[1]:g}]: with this {name}, distance_m must "
            f"lie in [{l_lo}, {l_hi}] m; with this distance_m, {name} must lie in [{x_lo}, {x_hi}]"
        )
    return x * per_unit / (FOUR_PI * (distance_m * CM_PER_M) ** 2)


def _energies(energy_mev: npt.ArrayLike) -> np.ndarray:
    """Return ``energy_mev`` as a float array, or raise ValueError if it holds NaN or is not numeric."""
    energies = validation.real_array("energy_mev", energy_mev, finite=False)
    if np.isnan(energies).any():
        raise ValueError("energy_mev must not contain NaN")
    return energies


def _read_csv(name: str) -> np.ndarray:
    """Rows (header first) of ``cevnslib/data/<name>`` as strings, '#' comments dropped."""
    text = (files("cevnslib") / "data" / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return np.loadtxt(lines, delimiter=",", dtype=str, ndmin=2)


@cache
def _fit_coefficients() -> Mapping[tuple[str, str], np.ndarray]:
    """Coefficients a0..a5 of ``reactor_spectra.csv``, keyed by (isotope, source); read-only."""
    rows = _read_csv("reactor_spectra.csv")
    return MappingProxyType({(row[0], row[1]): read_only(row[2:].astype(float)) for row in rows[1:]})


@cache
def _kopeikin_table() -> tuple[np.ndarray, np.ndarray]:
    """Energies (MeV) and spectrum (anti-nu_e/(MeV fission)) of ``kopeikin_2012.csv``; read-only."""
    rows = _read_csv("kopeikin_2012.csv")[1:].astype(float)
    return read_only(rows[:, 0]), read_only(rows[:, 1])


def _kopeikin_spectrum(energy_mev: np.ndarray) -> np.ndarray:
    """Kopeikin total spectrum, ln S linear in E between nodes (inside the table only)."""
    nodes_mev, spectrum = _kopeikin_table()
    return np.exp(np.interp(energy_mev, nodes_mev, np.log(spectrum)))


def _checked_fractions(fission_fractions: Mapping[str, float] | None) -> np.ndarray:
    """Fission fractions in the order of :data:`ISOTOPES`; missing isotopes count as 0."""
    fractions = DEFAULT_FISSION_FRACTIONS if fission_fractions is None else fission_fractions
    unknown = sorted(set(fractions) - set(ISOTOPES))
    if unknown:
        raise ValueError(f"fission_fractions: unknown isotope(s) {unknown}; allowed: {ISOTOPES}")
    values = np.array(
        [validation.number(f"fission_fractions[{iso!r}]", fractions.get(iso, 0.0), 0.0, 1.0) for iso in ISOTOPES]
    )
    if abs(values.sum() - 1.0) > FISSION_FRACTION_TOLERANCE:
        raise ValueError(f"fission_fractions must sum to 1 within {FISSION_FRACTION_TOLERANCE}, got {values.sum()!r}")
    return values


@dataclass(frozen=True)
class FluxComponent:
    """One neutrino flavour of a source, per cm^2 per exposure unit.

    The exposure unit is the second for a reactor and the whole run for pion decay at rest.

    Attributes
    ----------
    flavor : str
        ``"e"``, ``"mu"`` or ``"tau"``.
    antineutrino : bool
    label : str
        E.g. ``"reactor anti-nu_e"``, ``"prompt nu_mu"``, ``"delayed nu_e"``.
    e_max_mev : float
        The density is zero above.
    e_min_mev : float
        The density is zero below.
    breakpoints_mev : tuple of float
        Increasing energies in (e_min_mev, e_max_mev) where the density has kinks or steps.
    density : callable or None
        d(fluence)/dE in nu/(cm^2 MeV [s]), vectorised in energy (MeV); None for a line.
    line_mev : float or None
        Energy of a monochromatic line (then ``density`` is None).
    line_fluence : float
        nu/cm^2 [/s] in the line.

    Raises ValueError for an unknown flavour, energies out of order, or a density and a line given
    together (or neither).
    """

    flavor: str
    antineutrino: bool
    label: str
    e_max_mev: float
    e_min_mev: float = 0.0
    breakpoints_mev: tuple[float, ...] = ()
    density: Callable[[np.ndarray], np.ndarray] | None = None
    line_mev: float | None = None
    line_fluence: float = 0.0

    def __post_init__(self) -> None:
        if self.flavor not in FLAVORS:
            raise ValueError(f"flavor must be one of {FLAVORS}, got {self.flavor!r}")
        if not (math.isfinite(self.e_min_mev) and self.e_min_mev >= 0.0):
            raise ValueError(f"e_min_mev must be finite and >= 0, got {self.e_min_mev!r}")
        if not (math.isfinite(self.e_max_mev) and self.e_max_mev > self.e_min_mev):
            raise ValueError(f"e_max_mev must be finite and > e_min_mev={self.e_min_mev}, got {self.e_max_mev!r}")
        edges = (self.e_min_mev, *self.breakpoints_mev, self.e_max_mev)
        if not all(lo < hi for lo, hi in zip(edges[:-1], edges[1:])):
            raise ValueError(
                "breakpoints_mev must increase strictly inside "
                f"({self.e_min_mev}, {self.e_max_mev}), got {self.breakpoints_mev!r}"
            )
        if (self.density is None) == (self.line_mev is None):
            raise ValueError("exactly one of density and line_mev must be given")
        if self.line_mev is None:
            if self.line_fluence != 0.0:
                raise ValueError(f"line_fluence must be 0 without line_mev, got {self.line_fluence!r}")
        else:
            if not self.e_min_mev <= self.line_mev <= self.e_max_mev:
                raise ValueError(f"line_mev must be in [{self.e_min_mev}, {self.e_max_mev}], got {self.line_mev!r}")
            if not (math.isfinite(self.line_fluence) and self.line_fluence >= 0.0):
                raise ValueError(f"line_fluence must be finite and >= 0, got {self.line_fluence!r}")

    def total(self) -> float:
        """Fluence in nu/cm^2 [/s]: the line fluence, or the integral of the density.

        The density is integrated with ``scipy.integrate.quad`` piece by piece between
        e_min_mev, the breakpoints and e_max_mev.
        """
        from scipy.integrate import quad

        if self.density is None:
            return self.line_fluence
        edges = (self.e_min_mev, *self.breakpoints_mev, self.e_max_mev)
        return float(sum(quad(self.density, lo, hi, limit=200)[0] for lo, hi in zip(edges[:-1], edges[1:])))


class ReactorFlux(_Immutable):
    """Electron-antineutrino flux of a nuclear reactor. Immutable once built.

    Parameters
    ----------
    power_gw : float
        Thermal power in GW, > 0.
    distance_m : float
        Distance from the core in m, > 0.
    fission_fractions : mapping, optional
        Isotope (``"U235"``, ``"U238"``, ``"Pu239"``, ``"Pu241"``) to fraction of fissions;
        missing isotopes count as 0; fractions >= 0 summing to 1 within 1e-6. Default
        :data:`DEFAULT_FISSION_FRACTIONS`.
    spectrum : {"huber-mueller", "mueller"}
        Fits above 2 MeV: Huber for U235, Pu239, Pu241 and Mueller for U238, or Mueller for all.
        Not used by ``low_energy="kopeikin-total"``.
    low_energy : {"kopeikin", "kopeikin-total", "cut", "frozen", "vogel-engel"}
        Spectrum below 2 MeV, where the fits do not hold:

        - ``"kopeikin"``: Kopeikin's total spectrum (includes the U239 and Np239 decays after
          neutron capture on U238; same for any fission fractions), zero below its first
          node, 0.01 MeV;
        - ``"kopeikin-total"``: Kopeikin's spectrum over its whole range 0.01-9 MeV instead of
          the fits;
        - ``"cut"``: zero;
        - ``"frozen"``: the fit's value at 2 MeV, down to 0 MeV;
        - ``"vogel-engel"``: the Vogel-Engel fits, weighted by the fission fractions, down
          to 0 MeV.
    e_max_mev : float, optional
        The spectrum is zero above; in (2, 8] MeV, or in (0.01, 9] MeV for "kopeikin-total".
        Default: the upper end of that range.

    Notes
    -----
    The fission fractions always set the mean energy per fission, so they matter even where the
    Kopeikin spectrum is used.

    Raises ValueError for a parameter outside its range, an unknown spectrum or low-energy
    treatment, bad fission fractions, or a flux that would overflow or underflow.
    """

    def __init__(
        self,
        power_gw: float,
        distance_m: float,
        fission_fractions: Mapping[str, float] | None = None,
        spectrum: str = "huber-mueller",
        low_energy: str = "kopeikin",
        e_max_mev: float | None = None,
    ) -> None:
        self.power_gw = validation.positive("power_gw", power_gw)
        self.distance_m = validation.positive("distance_m", distance_m)
        self._fractions = read_only(_checked_fractions(fission_fractions))
        self.fission_fractions = MappingProxyType(dict(zip(ISOTOPES, self._fractions.tolist())))
        if spectrum not in SPECTRUM_SOURCES:
            raise ValueError(f"spectrum must be one of {tuple(SPECTRUM_SOURCES)}, got {spectrum!r}")
        if low_energy not in LOW_ENERGY_TREATMENTS:
            raise ValueError(f"low_energy must be one of {LOW_ENERGY_TREATMENTS}, got {low_energy!r}")
        self.spectrum = spectrum
        self.low_energy = low_energy

        kopeikin_nodes_mev = _kopeikin_table()[0]
        first_node_mev, last_node_mev = float(kopeikin_nodes_mev[0]), float(kopeikin_nodes_mev[-1])
        self.e_min_mev = {
            "kopeikin": first_node_mev,
            "kopeikin-total": first_node_mev,
            "cut": FIT_E_MIN_MEV,
            "frozen": 0.0,
            "vogel-engel": 0.0,
        }[low_energy]
        if low_energy == "kopeikin-total":
            e_max_floor_mev, e_max_ceiling_mev = first_node_mev, last_node_mev
        else:
            e_max_floor_mev, e_max_ceiling_mev = FIT_E_MIN_MEV, FIT_E_MAX_MEV
        self.e_max_mev = (
            e_max_ceiling_mev
            if e_max_mev is None
            else validation.number(
                f"e_max_mev (low_energy={low_energy!r})", e_max_mev, e_max_floor_mev, e_max_ceiling_mev, low_open=True
            )
        )

        if low_energy == "kopeikin-total":
            kinks_mev = kopeikin_nodes_mev
        elif low_energy == "kopeikin":
            below_fit = kopeikin_nodes_mev[kopeikin_nodes_mev < FIT_E_MIN_MEV]
            kinks_mev = np.append(below_fit, FIT_E_MIN_MEV)
        else:
            kinks_mev = np.array([FIT_E_MIN_MEV])
        inside = (kinks_mev > self.e_min_mev) & (kinks_mev < self.e_max_mev)
        self.breakpoints_mev: tuple[float, ...] = tuple(float(e) for e in kinks_mev[inside])

        table = _fit_coefficients()
        sources = SPECTRUM_SOURCES[spectrum]
        # shape (6, 4): column i holds a0..a5 of ISOTOPES[i], as numpy's polyval wants
        self._fit_coefficients = read_only(np.column_stack([table[(iso, sources[iso])] for iso in ISOTOPES]))
        self._vogel_engel_coefficients = read_only(np.column_stack([VOGEL_ENGEL_COEFFICIENTS[iso] for iso in ISOTOPES]))
        self.flux_scale_per_cm2 = _flux_scale(
            ("power_gw", self.power_gw),
            W_PER_GW / (self.mean_energy_per_fission_mev * MEV_J),
            self.distance_m,
            "flux of fissions per second",
        )
        self._seal()

    def _weighted(self, coefficients: np.ndarray, energy_mev: np.ndarray) -> np.ndarray:
        """sum_i f_i exp(sum_k a_ki E^k) for the coefficient columns of the isotopes."""
        per_isotope = np.exp(polynomial.polyval(energy_mev, coefficients))
        return np.tensordot(self._fractions, per_isotope, axes=1)

    def spectrum_per_fission(self, energy_mev: npt.ArrayLike) -> np.ndarray:
        """Antineutrinos per MeV per fission, weighted by the fission fractions.

        Parameters
        ----------
        energy_mev : array_like
            Antineutrino energy in MeV.

        Returns
        -------
        numpy.ndarray
            anti-nu_e/(MeV fission), zero outside [e_min_mev, e_max_mev].
        """
        energies = _energies(energy_mev)
        inside = (energies >= self.e_min_mev) & (energies <= self.e_max_mev)
        clipped = np.clip(energies, self.e_min_mev, self.e_max_mev)
        if self.low_energy == "kopeikin-total":
            values = _kopeikin_spectrum(clipped)
        else:
            # below 2 MeV this is the fit frozen at 2 MeV ("frozen"; "cut" never gets there)
            values = self._weighted(self._fit_coefficients, np.maximum(clipped, FIT_E_MIN_MEV))
            below = clipped < FIT_E_MIN_MEV
            if self.low_energy == "kopeikin":
                values = np.where(below, _kopeikin_spectrum(clipped), values)
            elif self.low_energy == "vogel-engel":
                vogel_engel = self._weighted(self._vogel_engel_coefficients, clipped)
                values = np.where(below, vogel_engel, values)
        return np.where(inside, values, 0.0)

    @property
    def mean_energy_per_fission_mev(self) -> float:
        """Mean thermal energy per fission in MeV, sum_i f_i E_i."""
        energies_mev = np.array([ENERGY_PER_FISSION_MEV[iso] for iso in ISOTOPES])
        return float(self._fractions @ energies_mev)

    @property
    def fissions_per_second(self) -> float:
        """Fission rate P_th/<E_f> in 1/s."""
        return self.power_gw * W_PER_GW / (self.mean_energy_per_fission_mev * MEV_J)

    def flux_per_mev(self, energy_mev: npt.ArrayLike) -> np.ndarray:
        """Differential flux at the detector in anti-nu_e/(cm^2 s MeV).

        Parameters
        ----------
        energy_mev : array_like
            Antineutrino energy in MeV.
        """
        distance_cm = self.distance_m * CM_PER_M
        spectrum = self.spectrum_per_fission(energy_mev)
        return self.fissions_per_second * spectrum / (FOUR_PI * distance_cm**2)

    def total_flux(self) -> float:
        """Flux integrated over energy in anti-nu_e/(cm^2 s)."""
        return self.components[0].total()

    @property
    def components(self) -> tuple[FluxComponent]:
        """The single component, reactor anti-nu_e, per second."""
        return (
            FluxComponent(
                flavor="e",
                antineutrino=True,
                label="reactor anti-nu_e",
                e_max_mev=self.e_max_mev,
                e_min_mev=self.e_min_mev,
                breakpoints_mev=self.breakpoints_mev,
                density=self.flux_per_mev,
            ),
        )

    def exposure_scale(self, live_time_s: float) -> float:
        """Factor turning the per-second components into a run: ``live_time_s`` (> 0)."""
        return validation.positive("live_time_s", live_time_s)


class PionDecayAtRest(_Immutable):
    """Neutrinos from pi+ decay at rest and the subsequent mu+ decay at rest.

    pi+ -> mu+ nu_mu gives the prompt nu_mu line; mu+ -> e+ nu_e anti-nu_mu gives the delayed
    nu_e and anti-nu_mu with the Michel spectra (electron mass neglected), up to m_mu/2.

    Parameters
    ----------
    protons_on_target : float
        Protons delivered during the run, > 0.
    nu_per_proton : float
        Neutrinos of each flavour component per proton on target, r > 0.
    distance_m : float
        Distance from the target in m, > 0.
    prompt_line_mev : float, optional
        Energy of the prompt line; default (m_pi^2 - m_mu^2)/(2 m_pi) from the PDG masses (other
        codes use 29.65 or 29 MeV).
    efficiencies : mapping, optional
        Fraction of each component kept, by label (e.g. the share of neutrinos arriving inside a
        timing window); default 1 for all.

    Immutable once built. Raises ValueError for a parameter outside its range, an unknown
    efficiency label, or a fluence that is not a finite number > 0.
    """

    def __init__(
        self,
        protons_on_target: float,
        nu_per_proton: float,
        distance_m: float,
        prompt_line_mev: float | None = None,
        efficiencies: Mapping[str, float] | None = None,
    ) -> None:
        self.protons_on_target = validation.positive("protons_on_target", protons_on_target)
        self.nu_per_proton = validation.positive("nu_per_proton", nu_per_proton)
        self.distance_m = validation.positive("distance_m", distance_m)
        line = (M_PION_MEV**2 - M_MUON_MEV**2) / (2.0 * M_PION_MEV) if prompt_line_mev is None else prompt_line_mev
        self._prompt_line_mev = validation.number("prompt_line_mev", line, 0.0, PION_DAR_E_MAX_MEV, low_open=True)
        kept = {label: 1.0 for label in PION_DAR_LABELS}
        for label, value in (efficiencies or {}).items():
            if label not in kept:
                raise ValueError(f"efficiencies key {label!r} is unknown; allowed: {PION_DAR_LABELS}")
            kept[label] = validation.number(f"efficiencies[{label!r}]", value, 0.0, 1.0)
        self.efficiencies = MappingProxyType(kept)
        self.flux_scale_per_cm2 = _flux_scale(
            ("protons_on_target", self.protons_on_target), self.nu_per_proton, self.distance_m, "fluence"
        )
        self._seal()

    @property
    def prompt_energy_mev(self) -> float:
        """Prompt nu_mu energy in MeV: (m_pi^2 - m_mu^2)/(2 m_pi) (two-body decay, m_nu = 0) unless set."""
        return self._prompt_line_mev

    @property
    def fluence_per_cm2(self) -> float:
        """Run fluence of each flavour component, r N_POT/(4 pi L^2), in nu/cm^2."""
        distance_cm = self.distance_m * CM_PER_M
        return self.nu_per_proton * self.protons_on_target / (FOUR_PI * distance_cm**2)

    @staticmethod
    def spectrum(label: str, energy_mev: npt.ArrayLike) -> np.ndarray:
        """Normalised spectrum of a delayed component in 1/MeV.

        With the Michel variable x = 2E/m_mu on 0 <= x <= 1: f dE = 12 x^2 (1 - x) dx for
        ``"delayed nu_e"`` and f dE = 2 x^2 (3 - 2x) dx for ``"delayed anti-nu_mu"``, i.e.
        f = (24/m_mu) x^2 (1 - x) and (4/m_mu) x^2 (3 - 2x); zero elsewhere.

        Parameters
        ----------
        label : {"delayed nu_e", "delayed anti-nu_mu"}
        energy_mev : array_like
            Neutrino energy in MeV.
        """
        if label not in DELAYED_LABELS:
            raise ValueError(f"label must be one of {DELAYED_LABELS}, got {label!r}")
        x = 2.0 * _energies(energy_mev) / M_MUON_MEV
        if label == "delayed nu_e":
            shape = 24.0 * x**2 * (1.0 - x)
        else:
            shape = 4.0 * x**2 * (3.0 - 2.0 * x)
        return np.where((x >= 0.0) & (x <= 1.0), shape / M_MUON_MEV, 0.0)

    def _delayed_density(self, label: str) -> Callable[[np.ndarray], np.ndarray]:
        """d(fluence)/dE of a delayed component in nu/(cm^2 MeV)."""
        fluence = self.fluence_per_cm2 * self.efficiencies[label]
        return lambda energy_mev: fluence * self.spectrum(label, energy_mev)

    @property
    def components(self) -> tuple[FluxComponent, FluxComponent, FluxComponent]:
        """Prompt nu_mu (line), delayed nu_e and delayed anti-nu_mu, fluence of the whole run."""
        return (
            FluxComponent(
                flavor="mu",
                antineutrino=False,
                label="prompt nu_mu",
                e_max_mev=PION_DAR_E_MAX_MEV,
                line_mev=self.prompt_energy_mev,
                line_fluence=self.fluence_per_cm2 * self.efficiencies["prompt nu_mu"],
            ),
            FluxComponent(
                flavor="e",
                antineutrino=False,
                label="delayed nu_e",
                e_max_mev=PION_DAR_E_MAX_MEV,
                density=self._delayed_density("delayed nu_e"),
            ),
            FluxComponent(
                flavor="mu",
                antineutrino=True,
                label="delayed anti-nu_mu",
                e_max_mev=PION_DAR_E_MAX_MEV,
                density=self._delayed_density("delayed anti-nu_mu"),
            ),
        )

    def exposure_scale(self, live_time_s: float) -> float:
        """Return 1.0: the components already hold the whole run's fluence.

        ``live_time_s`` (> 0) is checked but does not enter; the run is set by
        ``protons_on_target``.
        """
        validation.positive("live_time_s", live_time_s)
        return 1.0
