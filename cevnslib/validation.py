"""Checks of user input, and read-only copies of what the library hands out.

Every bad value raises ValueError naming the parameter and its allowed range: used by every module
that takes numbers from a reader, so that a string, NaN, an infinity or a value out of range is
refused where it enters, never turned into a silent NaN or a wrong count. :func:`read_only` makes
the arrays the library shares or caches immutable, so that no caller can corrupt a later result.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def _range_text(low, high, low_open: bool, high_open: bool) -> str:
    left = "(" if low_open or low is None else "["
    right = ")" if high_open or high is None else "]"
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    return f"{left}{lo}, {hi}{right}"


def number(
    name: str,
    value,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a float if it is a real number in the range; ValueError naming ``name`` otherwise.

    ``low``/``high`` bound the range (None: unbounded), ``low_open``/``high_open`` exclude the
    bound itself. Strings, booleans, NaN and infinities are refused (an infinite bound is never
    reached).

    >>> number("mass_kg", 4, 0.0, low_open=True)
    4.0
    """
    allowed = _range_text(low, high, low_open, high_open)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} = {value!r} must be a number in {allowed}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} = {value!r} must be a finite number in {allowed}")
    if low is not None and (x < low or (low_open and x == low)):
        raise ValueError(f"{name} = {value!r} must lie in {allowed}")
    if high is not None and (x > high or (high_open and x == high)):
        raise ValueError(f"{name} = {value!r} must lie in {allowed}")
    return x


def real_array(name: str, value, finite: bool = True) -> np.ndarray:
    """``value`` (a number or an array of numbers) as a float array; ValueError naming ``name`` for
    strings, booleans, complex or non-numeric entries, and (with ``finite``) NaN or infinities."""
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be a number or an array of numbers, got {value!r}")
    raw = np.asarray(value)
    if raw.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be a number or an array of real numbers, got {value!r}")
    array = raw.astype(float)
    if finite and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return array


def choice(name: str, value, allowed):
    """``value`` if it is one of ``allowed`` (strings compared as strings); ValueError naming ``name``
    and the allowed values otherwise, also for unhashable input such as a list."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} {value!r} is unknown; allowed: {tuple(allowed)}")
    return value


def flag(name: str, value) -> bool:
    """``value`` if it is a bool (True or False); ValueError naming ``name`` otherwise (a string
    such as "no" would otherwise count as True)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} = {value!r} must be True or False")
    return bool(value)


def integer(name: str, value, low: int, high: int | None = None) -> int:
    """``value`` as an int in [low, high]; ValueError naming ``name`` for anything else (floats,
    strings and booleans included)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} = {value!r} must be an integer in [{low}, {'inf' if high is None else high}]")
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} = {value!r} must lie in [{low}, {'inf' if high is None else high}]")
    return int(value)


def positive(name: str, value) -> float:
    """``value`` as a float if it is a finite number > 0; ValueError naming ``name`` otherwise."""
    return number(name, value, 0.0, low_open=True)


def edges(name: str, value, minimum: float = 0.0) -> tuple[float, ...]:
    """Bin edges as a tuple of floats: at least two, strictly increasing, >= ``minimum``, all finite
    except that the last may be +inf. ValueError naming ``name`` otherwise."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise ValueError(f"{name} = {value!r} must be a sequence of at least 2 increasing numbers")
    if len(value) < 2:
        raise ValueError(f"{name} = {value!r} must hold at least 2 increasing numbers (one bin needs two edges)")
    out = []
    for i, edge in enumerate(value):
        last = i == len(value) - 1
        if last and isinstance(edge, numbers.Real) and not isinstance(edge, bool) and float(edge) == math.inf:
            out.append(math.inf)
            continue
        out.append(number(f"{name}[{i}]", edge, minimum))
    if any(b <= a for a, b in zip(out[:-1], out[1:])):
        raise ValueError(f"{name} = {tuple(value)} must increase strictly")
    return tuple(out)


def read_only(array, dtype=float) -> np.ndarray:
    """A read-only copy of ``array``: arrays the library caches or shares cannot be edited in place.

    The copy is handed out as a view of a read-only base, so that ``setflags(write=True)`` on it
    raises ValueError too.
    """
    return freeze(np.array(array, dtype=dtype, copy=True))


def freeze(array: np.ndarray) -> np.ndarray:
    """``array`` made read-only and returned as a read-only view (which cannot be made writeable)."""
    array.setflags(write=False)
    view = array.view()
    view.setflags(write=False)
    return view
