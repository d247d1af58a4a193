"""Standard-Model vector couplings of the nucleons and non-standard interactions (NSI).

The weak charge seen by a neutrino of flavour alpha (proceedings Eq. 2) is::

    Q_alpha^2 = [Z (g_V^p + 2 eps_aa^u + eps_aa^d) F_Z + N (g_V^n + eps_aa^u + 2 eps_aa^d) F_N]^2
              + sum_{beta != alpha} |Z (2 eps_ba^u + eps_ba^d) F_Z + N (eps_ba^u + 2 eps_ba^d) F_N|^2 .

Both brackets are linear in (F_Z, F_N), so Q^2 is a quadratic form: :func:`charge_coefficients`
returns its three coefficients; they are Z^2, Z N and N^2 times factors that depend on the
couplings only (:func:`nucleon_charge_factors`), the basis of the event templates.
"""

from __future__ import annotations

import cmath
from dataclasses import dataclass

import numpy as np

from . import validation
from .constants import SIN2_THETA_W, SIN2_THETA_W_MZ

FLAVORS = ("e", "mu", "tau")
_FLAVOR_INDEX = {"e": 0, "mu": 1, "tau": 2}
_PAIR = {"e": "e", "mu": "m", "tau": "t"}

#: Radiative corrections in the PDG parametrisation [Barranco, Miranda, Rashba, hep-ph/0508299; PDG].
RHO_NC = 1.0086
KAPPA_HAT = 0.9978
LAMBDA_UL = -0.0031
LAMBDA_DL = -0.0025
LAMBDA_DR = 7.5e-5
LAMBDA_UR = LAMBDA_DR / 2.0
#: Nucleon vector couplings with radiative corrections [Erler & Su, PPNP 71 (2013) 119].
ERLER_SU_GV = (0.0298, -0.5117)

COUPLING_SCHEMES = ("tree", "radiative", "erler-su")


def check_flavor(flavor: str) -> str:
    """Return ``flavor`` if it is one of e, mu, tau; raise otherwise."""
    return validation.choice("flavor", flavor, FLAVORS)


def nucleon_couplings(scheme: str = "tree", sin2_theta_w: float | None = None) -> tuple[float, float]:
    """Vector couplings (g_V^p, g_V^n) of proton and neutron to the Z.

    Parameters
    ----------
    scheme : ``"tree"`` (default: g_V^p = 1/2 - 2 s_W^2, g_V^n = -1/2, s_W^2 = 0.23857 at low energy),
        ``"radiative"`` (PDG parametrisation with rho, kappa and box terms, s_W^2 = 0.23122 at M_Z),
        or ``"erler-su"`` (fixed values 0.0298, -0.5117).
    sin2_theta_w : overrides the scheme's weak mixing angle (not used by ``"erler-su"``).

    Raises ValueError for an unknown scheme or a mixing angle outside (0, 1).
    """
    if scheme == "tree":
        s2 = SIN2_THETA_W if sin2_theta_w is None else sin2_theta_w
        _check_sin2(s2)
        return 0.5 - 2.0 * s2, -0.5
    if scheme == "radiative":
        s2 = SIN2_THETA_W_MZ if sin2_theta_w is None else sin2_theta_w
        _check_sin2(s2)
        gp = RHO_NC * (0.5 - 2.0 * KAPPA_HAT * s2) + 2 * LAMBDA_UL + 2 * LAMBDA_UR + LAMBDA_DL + LAMBDA_DR
        gn = -RHO_NC / 2.0 + LAMBDA_UL + LAMBDA_UR + 2 * LAMBDA_DL + 2 * LAMBDA_DR
        return gp, gn
    if scheme == "erler-su":
        return ERLER_SU_GV
    raise ValueError(f"couplings scheme {scheme!r} is unknown; allowed: {COUPLING_SCHEMES}")


def _check_sin2(s2: float) -> None:
    validation.number("sin2_theta_w", s2, 0.0, 1.0, low_open=True, high_open=True)


#: Largest magnitude of an NSI coupling accepted: far beyond every allowed region (of order 1); larger
#: values only overflow the counts.
MAX_COUPLING = 100.0
_FIELDS = ("ee_u", "ee_d", "mm_u", "mm_d", "tt_u", "tt_d", "em_u", "em_d", "et_u", "et_d", "mt_u", "mt_d")
_DIAGONAL = frozenset(name for name in _FIELDS if name[0] == name[1])


@dataclass(frozen=True)
class NSI:
    """Vector NSI couplings eps_{alpha beta}^{qV}, q in {u, d}, alpha, beta in {e, mu, tau}.

    Field ``ee_u`` is eps_ee^uV, ``mt_d`` is eps_{mu tau}^dV, and so on. Diagonal couplings are real;
    off-diagonal ones may be complex, with eps_{beta alpha} = conj(eps_{alpha beta}) (the matrix is
    Hermitian). Fields may be numpy arrays of a common broadcastable shape, for scans.

    Raises ValueError for a coupling that is not a finite number (NaN, inf, a string), lies beyond
    :data:`MAX_COUPLING` in magnitude, or is a complex flavour-diagonal coupling. Constructing a scalar point costs
    a few microseconds.

    >>> import numpy as np
    >>> NSI(ee_d=0.3).epsilon("e", "e", "d"), NSI(em_u=0.1j).epsilon("mu", "e", "u")
    (0.3, np.complex128(-0.1j))
    >>> NSI(ee_u=np.linspace(-1, 1, 5)[:, None], ee_d=np.zeros(3)).shape
    (5, 3)
    """

    ee_u: float | np.ndarray = 0.0
    ee_d: float | np.ndarray = 0.0
    mm_u: float | np.ndarray = 0.0
    mm_d: float | np.ndarray = 0.0
    tt_u: float | np.ndarray = 0.0
    tt_d: float | np.ndarray = 0.0
    em_u: complex | np.ndarray = 0.0
    em_d: complex | np.ndarray = 0.0
    et_u: complex | np.ndarray = 0.0
    et_d: complex | np.ndarray = 0.0
    mt_u: complex | np.ndarray = 0.0
    mt_d: complex | np.ndarray = 0.0

    def __post_init__(self):
        values = self.__dict__
        scalar = True
        for name in _FIELDS:
            value = values[name]
            kind = type(value)
            if kind is not float and kind is not int and isinstance(value, (np.floating, np.integer)):
                value = float(value)  # a numpy scalar: keep the fast scalar path
                object.__setattr__(self, name, value)
                kind = float
            if kind is float or kind is int:
                if not -MAX_COUPLING <= value <= MAX_COUPLING:
                    raise ValueError(
                        f"NSI coupling {name} = {value!r} must be a finite number in "
                        f"[-{MAX_COUPLING:g}, {MAX_COUPLING:g}]"
                    )
            elif kind is complex and name not in _DIAGONAL:
                if not (cmath.isfinite(value) and abs(value) <= MAX_COUPLING):
                    raise ValueError(f"NSI coupling {name} = {value!r} must be finite with |value| <= {MAX_COUPLING:g}")
            else:
                scalar = False
                self._check_array(name, value)
        object.__setattr__(self, "_scalar", scalar)

    @staticmethod
    def _check_array(name: str, value) -> None:
        array = np.asarray(value)
        if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
            raise ValueError(f"NSI coupling {name} must be a number, got {value!r}")
        if not np.all(np.isfinite(array)) or np.any(np.abs(array) > MAX_COUPLING):
            raise ValueError(f"NSI coupling {name} must be finite with |value| <= {MAX_COUPLING:g}, got {value}")
        if name in _DIAGONAL and np.any(np.imag(array) != 0):
            raise ValueError(f"NSI coupling {name} is flavour-diagonal and must be real, got {value}")

    @property
    def shape(self) -> tuple[int, ...]:
        """The broadcast shape of the couplings (``()`` for a single point)."""
        if self._scalar:
            return ()
        return np.broadcast_shapes(*(np.shape(self.__dict__[name]) for name in _FIELDS))

    @property
    def is_scalar(self) -> bool:
        """Whether every coupling is a plain Python number (no arrays)."""
        return self._scalar

    def epsilon(self, beta: str, alpha: str, quark: str):
        """eps_{beta alpha}^{qV}.

        Raises ValueError for an unknown flavour or quark.
        """
        check_flavor(alpha)
        check_flavor(beta)
        if quark not in ("u", "d"):
            raise ValueError(f"quark {quark!r} is unknown; allowed: ('u', 'd')")
        order = "emt"
        b, a = _PAIR[beta], _PAIR[alpha]
        if order.index(b) <= order.index(a):
            return getattr(self, f"{b}{a}_{quark}")
        return np.conj(getattr(self, f"{a}{b}_{quark}"))


#: No NSI: the Standard Model.
STANDARD_MODEL = NSI()


def nucleon_charge_factors(
    flavor: str,
    nsi: NSI | None = None,
    couplings: tuple[float, float] | None = None,
) -> tuple:
    """Factors (p_ZZ, p_ZN, p_NN) with Q_alpha^2 = Z^2 p_ZZ F_Z^2 + 2 Z N p_ZN F_Z F_N + N^2 p_NN F_N^2.

    They depend on the couplings only, not on the nucleus: the key to summing event templates over
    all nuclei of a target. Arrays in ``nsi`` broadcast; ``couplings`` is (g_V^p, g_V^n), tree level
    by default. Raises ValueError for an unknown flavour.
    """
    if type(flavor) is not str or flavor not in _FLAVOR_INDEX:
        check_flavor(flavor)
    gp, gn = nucleon_couplings() if couplings is None else couplings
    nsi = STANDARD_MODEL if nsi is None else nsi
    a = _PAIR[flavor]
    if nsi.is_scalar:  # plain Python arithmetic: no array overhead for a single point
        values = nsi.__dict__
        per_proton = gp + 2.0 * values[f"{a}{a}_u"] + values[f"{a}{a}_d"]
        per_neutron = gn + values[f"{a}{a}_u"] + 2.0 * values[f"{a}{a}_d"]
        p_zz, p_zn, p_nn = per_proton * per_proton, per_proton * per_neutron, per_neutron * per_neutron
        for b in _OTHER_PAIRS[a]:
            eu, ed = _scalar_epsilon(values, b, a, "u"), _scalar_epsilon(values, b, a, "d")
            per_proton, per_neutron = 2.0 * eu + ed, eu + 2.0 * ed
            p_zz += abs(per_proton) ** 2
            p_zn += (per_proton * per_neutron.conjugate()).real
            p_nn += abs(per_neutron) ** 2
        return float(p_zz), float(p_zn), float(p_nn)
    eu, ed = np.real(nsi.epsilon(flavor, flavor, "u")), np.real(nsi.epsilon(flavor, flavor, "d"))
    per_proton = gp + 2 * eu + ed
    per_neutron = gn + eu + 2 * ed
    p_zz, p_zn, p_nn = per_proton**2, per_proton * per_neutron, per_neutron**2
    for beta in FLAVORS:
        if beta == flavor:
            continue
        eu, ed = nsi.epsilon(beta, flavor, "u"), nsi.epsilon(beta, flavor, "d")
        per_proton, per_neutron = 2 * eu + ed, eu + 2 * ed
        p_zz = p_zz + np.abs(per_proton) ** 2
        p_zn = p_zn + np.real(per_proton * np.conj(per_neutron))
        p_nn = p_nn + np.abs(per_neutron) ** 2
    return p_zz, p_zn, p_nn


_OTHER_PAIRS = {a: tuple(b for b in "emt" if b != a) for a in "emt"}


def _scalar_epsilon(values: dict, b: str, a: str, quark: str) -> complex:
    """eps_{b a}^q from the fields of a scalar NSI (Hermitian: the lower triangle is conjugated)."""
    if "emt".index(b) <= "emt".index(a):
        return complex(values[f"{b}{a}_{quark}"])
    return complex(values[f"{a}{b}_{quark}"]).conjugate()


def charge_coefficients(
    Z: int,
    N: int,
    flavor: str,
    nsi: NSI | None = None,
    couplings: tuple[float, float] | None = None,
) -> tuple:
    """Coefficients (c_ZZ, c_ZN, c_NN) of Q_alpha^2 = c_ZZ F_Z^2 + 2 c_ZN F_Z F_N + c_NN F_N^2."""
    p_zz, p_zn, p_nn = nucleon_charge_factors(flavor, nsi, couplings)
    return Z * Z * p_zz, Z * N * p_zn, N * N * p_nn


def weak_charge_squared(Z, N, flavor, nsi=None, couplings=None, f_z=1.0, f_n=1.0):
    """Q_alpha^2 of proceedings Eq. 2 (Eq. 1's [Z g_V^p F_Z + N g_V^n F_N]^2 at eps = 0)."""
    c_zz, c_zn, c_nn = charge_coefficients(Z, N, flavor, nsi, couplings)
    return c_zz * f_z**2 + 2 * c_zn * f_z * f_n + c_nn * f_n**2


def flipped_eps_ee_d(Z: int, N: int, nsi: NSI | None = None, couplings: tuple[float, float] | None = None):
    """The non-zero eps_ee^dV that, at the eps_ee^uV of ``nsi``, gives a point nucleus its SM charge.

    Q(eps) = -Q_SM defines the flipped band: eps_d = -2 Q_SM/(Z + 2N) - (2Z + N)/(Z + 2N) eps_u,
    with Q_SM = Z g_V^p + N g_V^n; its slope is -(2Z + N)/(Z + 2N). ``nsi`` may hold arrays of
    ``ee_u`` (default: none, eps_ee^uV = 0); :func:`cevnslib.fits.setup_flipped_eps_ee_d` finds the
    same point for a whole setup, form factors and thresholds included.

    >>> f"{flipped_eps_ee_d(55, 78):.4f}"
    '0.3578'

    Raises ValueError if ``nsi`` holds couplings other than ee_u (the band is drawn in the
    (eps_ee^uV, eps_ee^dV) plane with every other coupling at zero).
    """
    nsi = STANDARD_MODEL if nsi is None else nsi
    others = [name for name in _FIELDS if name not in ("ee_u", "ee_d") and np.any(getattr(nsi, name) != 0)]
    if others:
        raise ValueError(f"nsi may only set ee_u here (the other couplings are zero in this plane), got {others}")
    gp, gn = nucleon_couplings() if couplings is None else couplings
    q_sm = Z * gp + N * gn
    return (-2.0 * q_sm - (2 * Z + N) * np.asarray(nsi.ee_u)) / (Z + 2 * N)
