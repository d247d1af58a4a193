"""What the binned Poisson likelihoods of the COHERENT data releases share: data, priors, profiles, toys.

The likelihood of the CsI[Na] full data set (:class:`~cevnslib.csi_2021_likelihood.CsI2021Likelihood`,
PE x arrival time) and that of the CENNS-10 argon data
(:class:`~cevnslib.lar_2020_likelihood.LAr2020Likelihood`, energy x F90 x arrival time) have one form::

    mu = s (1 + a) max(S(nsi, R_n) + sum_k theta_k D_k, 0) + backgrounds(nuisances),
    -2 ln L = 2 sum_cells [mu - n + n ln(n / mu)] + sum_j ((x_j - x0_j) / sigma_j)^2,

the Poisson deviance of :func:`cevnslib.likelihood.poisson_deviance` plus a Gaussian prior on every
nuisance x_j (a normalisation 1 + x >= 0 or a morph theta in sigma units), minimised over the
nuisances by :func:`cevnslib.likelihood.minimise_bounded` for a whole grid of physics points at once.
They differ in their bins, nuisances and backgrounds; this module holds the rest:

- :class:`Prior`, the Gaussian prior of one nuisance with its source;
- :class:`BinnedCounts`, the counts a likelihood is evaluated on (data, Asimov data, toys), and
  :class:`BinnedProfile`, the minimum over the nuisances at each physics point;
- :class:`BinnedLikelihood`, the base class: the method convention that
  :mod:`cevnslib.profile_fits` relies on, Asimov data and pseudo-experiments, and the batched,
  continued minimisation over a grid of physics points;
- :func:`morph`, the linear morph of cells clipped at zero counts; :func:`signal_strengths`;
  :class:`FreeNuisances`, the free and held nuisances of one batch of minimisations.

Sources: the form of the model and its nuisances are those of the COHERENT analyses and data
releases, CsI[Na] (arXiv:2110.07730) and CENNS-10 argon (arXiv:2003.10630, arXiv:2006.12659); each
data set's module gives its priors and their sources.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

import numpy as np

from . import validation
from .couplings import NSI
from .likelihood import poisson_deviance
from .rates import default_rn_grid_fm
from .validation import read_only


@dataclass(frozen=True)
class Prior:
    """The Gaussian prior of one nuisance: its width (1 sigma, in the nuisance's units) and its source."""

    name: str
    sigma: float
    source: str


@dataclass(frozen=True, eq=False)
class BinnedCounts:
    """Counts a binned likelihood is evaluated on: the data, Asimov data or pseudo-experiments.

    Each data set subclasses it, naming its nuisances (``NUISANCES``), its bin axes (``BIN_AXES``, e.g.
    ("PE", "time")) and how its error messages say them (``SHAPE_TEXT``).

    Attributes
    ----------
    observed : counts, shape (..., bins) with one axis per bin axis, leading axes for toys; >= 0.
    pull_centres : centres x0 of the Gaussian priors, shape (..., k) in the order of ``NUISANCES``
        (default zeros: the data; a toy draws them around the truth).

    Read-only. Raises ValueError for counts that are negative, not finite, not numbers or of fewer
    dimensions than bin axes, and for pull centres that are not finite or do not end in k entries.
    """

    observed: np.ndarray
    pull_centres: np.ndarray | None = None

    #: The nuisances, in the order of ``pull_centres``.
    NUISANCES: ClassVar[tuple[str, ...]] = ()
    #: The names of the bin axes, in the order of the trailing axes of ``observed``.
    BIN_AXES: ClassVar[tuple[str, ...]] = ("cells",)
    #: The trailing axes of ``observed`` as the error messages name them.
    SHAPE_TEXT: ClassVar[str] = "cells"

    def __post_init__(self):
        counts = validation.real_array("observed", self.observed)
        if counts.ndim < len(self.BIN_AXES) or np.any(counts < 0):
            raise ValueError(
                f"observed must hold counts >= 0 with shape (..., {self.SHAPE_TEXT}), got shape {counts.shape}"
            )
        names = self.NUISANCES
        centres = (
            np.zeros(len(names))
            if self.pull_centres is None
            else validation.real_array("pull_centres", self.pull_centres)
        )
        if centres.ndim < 1 or centres.shape[-1] != len(names):
            raise ValueError(
                f"pull_centres must have shape (..., {len(names)}), one per nuisance {names}, got {centres.shape}"
            )
        object.__setattr__(self, "observed", read_only(counts))
        object.__setattr__(self, "pull_centres", read_only(centres))

    @property
    def shape(self) -> tuple:
        """The leading (toy) shape."""
        return np.broadcast_shapes(self.observed.shape[: -len(self.BIN_AXES)], self.pull_centres.shape[:-1])


@dataclass(frozen=True, eq=False)
class BinnedProfile:
    """The minimum of -2 ln L over the nuisances at given physics points (leading shape ``shape``).

    Attributes
    ----------
    deviance : -2 ln(L / L_saturated) with the pulls, shape (...).
    nuisances : the minimising nuisances, shape (..., k), in the order of the likelihood's ``NUISANCES``
        (normalisation pulls as fractions, morphs in sigma).
    signal : fitted CEvNS counts per cell, s (1 + a) max(S + theta . D, 0), shape (..., bins).
    expected : the full expectation mu per cell, shape (..., bins).
    converged : whether each minimisation converged, shape (...).

    Arrays are read-only. Each data set subclasses it, naming its priors (``PRIORS``).
    """

    deviance: np.ndarray
    nuisances: np.ndarray
    signal: np.ndarray
    expected: np.ndarray
    converged: np.ndarray

    #: The function that returns the priors of the nuisances, in their order (a staticmethod).
    PRIORS: ClassVar[Callable[[], tuple[Prior, ...]]]

    def __post_init__(self):
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, read_only(getattr(self, f.name), dtype=None))

    def pulls(self, priors: tuple[Prior, ...] | None = None) -> Mapping[str, np.ndarray]:
        """Each nuisance in units of its prior's sigma (x / sigma), by name (read-only mapping).

        ``priors``: one :class:`Prior` per nuisance, in their order (default the data set's, ``PRIORS()``).
        """
        priors = self.PRIORS() if priors is None else priors
        return MappingProxyType({p.name: self.nuisances[..., j] / p.sigma for j, p in enumerate(priors)})


def morph(cells, theta, bin_axes: int) -> np.ndarray:
    """Cells at morph nuisances ``theta``: max(C + sum_k theta_k D_k, 0), without the (C, D_k) axis.

    ``cells`` (..., 1 + k, bins) hold the nominal cells C and the k morphs D_k, with ``bin_axes``
    trailing bin axes (3 for energy x F90 x time, 2 for PE x time, 1 for flattened cells); ``theta``
    (..., k) the nuisances in sigma. The leading axes of the two broadcast against each other. A
    morph far beyond its +-1 sigma anchors could take a cell below zero counts; it is clipped there,
    so every expectation stays >= 0 and -2 ln L bounded below (zero-count data would otherwise pull
    theta to infinity). Returns shape (..., bins).
    """
    theta = np.asarray(theta, dtype=float)
    cells = np.asarray(cells, dtype=float)
    missing = (theta.ndim - 1) - (cells.ndim - bin_axes - 1)  # leading axes theta has and cells lack
    if missing > 0:
        cells = cells.reshape((1,) * missing + cells.shape)
    elif missing < 0:
        theta = theta.reshape((1,) * -missing + theta.shape)
    parts = np.moveaxis(cells, -bin_axes - 1, 0)
    weights = np.moveaxis(theta, -1, 0).reshape(theta.shape[-1:] + theta.shape[:-1] + (1,) * bin_axes)
    return np.maximum(parts[0] + np.sum(weights * parts[1:], axis=0), 0.0)


def signal_strengths(signal_strength) -> np.ndarray:
    """``signal_strength`` (a number or an array, a multiple of the CEvNS prediction) as a float array.

    Raises ValueError for values that are negative, not finite or not numbers.
    """
    strength = validation.real_array("signal_strength", signal_strength)
    if np.any(strength < 0):
        raise ValueError(f"signal_strength = {signal_strength!r} must be >= 0 (a multiple of the CEvNS prediction)")
    return strength


class FreeNuisances:
    """The nuisances of one batch of m minimisations: those the minimiser moves and those held at their centres.

    Parameters
    ----------
    centres : the prior centres x0, shape (m, k).
    sigmas : the prior widths, shape (k,).
    free : which nuisances are minimised over, boolean (k,); the others sit at their centres (pull 0).
    bounded : which nuisances are normalisations 1 + x >= 0, boolean (k,).

    Attributes
    ----------
    centres, precision : x0, shape (m, k), and 1 / sigma^2, shape (k,).
    index : the indices of the free nuisances, shape (f,).
    bounded : which free nuisances are normalisations, boolean (f,).
    constraints : (A, b) of the bounds A x_free >= b (x >= -1) for :func:`~cevnslib.likelihood.minimise_bounded`.
    """

    def __init__(self, centres: np.ndarray, sigmas: np.ndarray, free: np.ndarray, bounded: np.ndarray):
        self.centres = centres
        self.precision = 1.0 / sigmas**2
        self.index = np.flatnonzero(free)
        self._held = centres * ~free  # held nuisances sit at their prior centre: their pull term is 0
        self.bounded = np.asarray(bounded)[self.index]
        rows = np.eye(self.index.size)[self.bounded]
        self.constraints = (rows, -np.ones(rows.shape[0]))

    def full(self, free_values: np.ndarray, index: np.ndarray) -> np.ndarray:
        """All k nuisances of the problems ``index`` (shape (n,)) from their free ones ``free_values`` (n, f)."""
        x = self._held[index].copy()
        x[:, self.index] = free_values
        return x

    def deviance(self, counts: np.ndarray, mu: np.ndarray, delta: np.ndarray) -> np.ndarray:
        """-2 ln L: the Poisson deviance of ``counts`` given ``mu`` (n, cells) plus the pulls of ``delta`` = x - x0
        (n, k); shape (n,)."""
        return poisson_deviance(counts, mu) + np.sum(self.precision * delta * delta, axis=-1)

    def inside(self, start: np.ndarray) -> np.ndarray:
        """Free nuisances ``start`` (n, f) with every normalisation moved inside its bound (1 + x >= 0.01): a
        start at the bound would hold there until its gradient turns."""
        return np.where(self.bounded, np.maximum(start, -0.99), start)


class BinnedLikelihood:
    """The base of the binned Poisson likelihoods (see the module docstring).

    A data set's subclass sets the class attributes, calls ``__init__`` and implements ``signal_cells``
    (S and its morphs D_k, shape (..., 1 + k, bins)), ``expected_counts(nsi, rn_fm, nuisances, *,
    signal_strength)``, ``profile(nsi, rn_fm, *, signal_strength, data, fixed)`` (a
    :class:`BinnedProfile`) and ``deviance`` with the arguments of ``profile``, the convention of
    :mod:`cevnslib.profile_fits`.

    Parameters
    ----------
    experiment : the setup, with its data, bins and response.
    priors : the :class:`Prior` of each nuisance, in the order of ``NUISANCES``.
    observed : the observed counts, shape (bins).

    Attributes
    ----------
    experiment : the setup.
    priors : the priors; ``sigmas`` their widths, shape (k,).
    observed : the observed counts, shape ``shape`` (the bins).
    rn_range_fm : (lowest, highest) R_n in fm the templates accept.
    """

    #: The nuisances, in the order of every array of them.
    NUISANCES: ClassVar[tuple[str, ...]] = ()
    #: The nuisances that scale a normalisation 1 + x >= 0.
    NORMALISATIONS: ClassVar[tuple[str, ...]] = ()
    #: The nuisance that scales the whole CEvNS prediction (held at 0 when the CEvNS count is fitted).
    SIGNAL_NORMALISATION: ClassVar[str] = ""
    #: The nuisances that morph the CEvNS cells, in the order of the D_k of ``signal_cells``.
    SIGNAL_MORPHS: ClassVar[tuple[str, ...]] = ()
    #: The counts and the profiles of this data set.
    COUNTS: ClassVar[type[BinnedCounts]] = BinnedCounts
    PROFILE: ClassVar[type[BinnedProfile]] = BinnedProfile
    #: Physics points profiled together in one batch.
    BATCH: ClassVar[int] = 256

    def __init__(self, experiment, priors: tuple[Prior, ...], observed: np.ndarray):
        self.experiment = experiment
        self.priors = tuple(priors)
        self.sigmas = read_only([p.sigma for p in self.priors])
        self.observed = observed
        self.shape = self.observed.shape
        self.rn_range_fm = tuple(float(x) for x in (default_rn_grid_fm(experiment.options.form_factor)[[0, -1]]))

    def asimov(
        self, nsi: NSI | None = None, rn_fm=None, nuisances=None, *, signal_strength=1.0, **point
    ) -> BinnedCounts:
        """Asimov data: every cell equal to its expectation at the given point, pull centres at ``nuisances``.

        ``nsi``, ``rn_fm`` (fm) and ``signal_strength``: the physics point, as in ``expected_counts``;
        ``nuisances``: shape (..., k) (default all 0); ``point``: further keywords of ``expected_counts``
        that place the physics point (CsI 2021: ``nucleus_rn_fm``). Returns ``COUNTS`` whose observed
        counts have the shape of ``expected_counts``. Raises ValueError like ``expected_counts``.
        """
        expected = self.expected_counts(nsi, rn_fm, nuisances, signal_strength=signal_strength, **point)
        centres = np.zeros(len(self.NUISANCES)) if nuisances is None else np.asarray(nuisances, dtype=float)
        return self.COUNTS(expected, centres)

    def generate(
        self,
        rng: np.random.Generator,
        n_toys: int,
        nsi: NSI | None = None,
        rn_fm=None,
        nuisances=None,
        *,
        signal_strength=1.0,
        **point,
    ) -> BinnedCounts:
        """``n_toys`` pseudo-experiments: counts ~ Poisson(mu), pull centres ~ N(nuisances, sigma).

        ``nuisances``: the truth, shape (k,) (default all 0); ``point`` as in :meth:`asimov`. Returns
        ``COUNTS`` with observed counts of shape (n_toys, bins) and pull centres (n_toys, k). Raises
        ValueError for a number of toys below 1, or like ``expected_counts``.
        """
        n_toys = validation.integer("n_toys", n_toys, 1)
        truth = np.zeros(len(self.NUISANCES)) if nuisances is None else np.asarray(nuisances, dtype=float)
        mu = self.expected_counts(nsi, rn_fm, truth, signal_strength=signal_strength, **point)
        observed = rng.poisson(np.broadcast_to(mu, (n_toys,) + self.shape)).astype(float)
        centres = rng.normal(truth, np.asarray(self.sigmas), (n_toys, len(self.NUISANCES)))
        return self.COUNTS(observed, centres)

    def _nuisance_values(self, nuisances) -> np.ndarray:
        """``nuisances`` (default all 0) as a float array of shape (..., k), else ValueError."""
        k = len(self.NUISANCES)
        x = np.zeros(k) if nuisances is None else validation.real_array("nuisances", nuisances)
        if x.ndim < 1 or x.shape[-1] != k:
            raise ValueError(f"nuisances must have shape (..., {k}), got {x.shape}")
        return x

    def _data(self, data: BinnedCounts | None) -> BinnedCounts:
        """``data`` (default the observed counts) if they are ``COUNTS`` over this likelihood's bins.

        Raises ValueError otherwise."""
        data = self.COUNTS(self.observed) if data is None else data
        if not isinstance(data, self.COUNTS) or data.observed.shape[-len(self.shape) :] != self.shape:
            got = f"shape {data.observed.shape}" if isinstance(data, BinnedCounts) else type(data).__name__
            raise ValueError(
                f"data must be {self.COUNTS.__name__} whose observed counts end in the {self.shape} "
                f"{' x '.join(self.COUNTS.BIN_AXES)} bins, got {got}"
            )
        return data

    def _free(self, fixed) -> np.ndarray:
        """Which nuisances are profiled, boolean (k,): all but those named in ``fixed``, else ValueError."""
        if isinstance(fixed, (str, bytes)):
            raise ValueError(
                f"fixed = {fixed!r} must be a tuple of nuisance names, e.g. ({fixed!r},); allowed names: "
                f"{self.NUISANCES}"
            )
        for name in fixed:
            validation.choice("fixed nuisance", name, self.NUISANCES)
        return np.array([name not in fixed for name in self.NUISANCES])

    def _bounded(self) -> np.ndarray:
        """Which nuisances are normalisations, boolean (k,)."""
        return np.array([name in self.NORMALISATIONS for name in self.NUISANCES])

    def _flat_points(self, data: BinnedCounts, signal_strength, *per_point: tuple[np.ndarray, int]):
        """The broadcast grid of physics points, flattened: (batch shape, arrays, strengths (n,), counts (n, cells),
        pull centres (n, k)).

        ``per_point``: (array, number of trailing axes that are not physics-point axes) pairs, each
        returned with shape (n, trailing axes); their leading axes broadcast with the signal strength's
        and the toys' of ``data``. Raises ValueError like :func:`signal_strengths`.
        """
        strength = signal_strengths(signal_strength)
        leading = [a.shape[: a.ndim - trailing] for a, trailing in per_point]
        batch = np.broadcast_shapes(*leading, strength.shape, data.shape)
        flat = int(np.prod(batch, dtype=int))
        arrays = [
            np.broadcast_to(a, batch + a.shape[a.ndim - trailing :]).reshape((flat,) + a.shape[a.ndim - trailing :])
            for a, trailing in per_point
        ]
        k = len(self.NUISANCES)
        return (
            batch,
            arrays,
            np.broadcast_to(strength, batch).reshape(flat),
            np.broadcast_to(data.observed, batch + self.shape).reshape(flat, int(np.prod(self.shape))),
            np.broadcast_to(data.pull_centres, batch + (k,)).reshape(flat, k),
        )

    def _profile(self, batch: tuple, x, values, converged, signal, expected) -> BinnedProfile:
        """A ``PROFILE`` of the grid shape ``batch`` from the flattened minima of its n points: nuisances x (n, k),
        -2 ln L and converged (n,), fitted signal and expectation (n, cells)."""
        return self.PROFILE(
            values.reshape(batch),
            x.reshape(batch + (len(self.NUISANCES),)),
            signal.reshape(batch + self.shape),
            expected.reshape(batch + self.shape),
            converged.reshape(batch),
        )

    def _in_batches(self, n_points: int, solve, stacklevel: int):
        """Minimise ``n_points`` problems in batches of at most ``BATCH``: (nuisances (n, k), -2 ln L (n,),
        converged (n,)).

        ``solve(part, start)`` minimises the problems ``part`` (indices) from ``start`` (len(part), k; None for
        the first batch) and returns their (nuisances, -2 ln L, converged). Batches take every
        n_batches-th point, so that each point's predecessor in the flattened grid (its neighbour along
        the last axis) lies at the same place of the previous batch: its minimum starts the point's
        Newton steps (continuation along the grid). A RuntimeWarning, attributed ``stacklevel`` frames
        above the caller, counts the points that did not converge.
        """
        x = np.zeros((n_points, len(self.NUISANCES)))
        values = np.empty(n_points)
        converged = np.empty(n_points, dtype=bool)
        n_batches = -(-n_points // self.BATCH)
        start = None
        for k in range(n_batches):
            part = np.arange(k, n_points, n_batches)
            x[part], values[part], converged[part] = solve(part, None if start is None else start[: part.size])
            start = x[part]
        if not np.all(converged):
            warnings.warn(
                f"profile: {np.count_nonzero(~converged)} of {n_points} points did not converge",
                RuntimeWarning,
                stacklevel=stacklevel + 1,
            )
        return x, values, converged
