"""Support for the book's notebooks: one set-up call, and numbers glued at the book's precision.

Numbers reach the book's prose through myst-nb's ``glue``. A float's full ``repr`` carries 17
significant digits, and the last ones differ between CPUs (numpy and OpenBLAS pick different
kernels on different machines), so a notebook that glued bare floats would fail nbval on a
reader's machine. :func:`glue` therefore rounds every number once, here, to
:data:`SIGNIFICANT_DIGITS` significant digits: more than any sentence of the book shows, far
fewer than the digits that differ between machines. The prose then chooses how many of them to
show (``{glue:text}`name:.2f```).

:func:`setup` makes a notebook's outputs independent of the reader's environment: figures are
drawn by the inline backend even when ``MPLBACKEND=Agg`` is set (as on CI servers), which would
otherwise drop every figure output.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Mapping
from dataclasses import dataclass

#: Significant digits kept in every glued number: the book's precision.
SIGNIFICANT_DIGITS = 6


def book_precision(value, significant: int = SIGNIFICANT_DIGITS):
    """``value`` rounded to ``significant`` significant digits, as a plain Python number.

    Integers (Python or numpy) stay exact integers; floats are rounded and ``-0.0`` becomes
    ``0.0``; non-finite floats are returned as they are. Raises TypeError for anything that is not
    a real number, and ValueError unless 1 <= ``significant`` <= 15.

    >>> book_precision(10369.430857412613)
    10369.4
    >>> book_precision(2.3659098842882103e-07, 3)
    2.37e-07
    """
    if not (isinstance(significant, int) and 1 <= significant <= 15):
        raise ValueError(f"significant = {significant!r} must be an integer in [1, 15]")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a real number, got {type(value).__name__}: {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    number = float(value)
    if not math.isfinite(number):
        return number
    return float(f"{number:.{significant}g}") + 0.0


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def scientific(value, digits: int = 2) -> str:
    """``value`` as text in scientific notation with ``digits`` decimals, e.g. ``'2.09 × 10⁻⁴²'``.

    For prose, where e-notation (``2.09e-42``) reads badly. Raises like :func:`book_precision`, and
    ValueError for a value that is not finite.

    >>> scientific(2.0912e-42)
    '2.09 × 10⁻⁴²'
    """
    number = float(book_precision(value))
    if not math.isfinite(number):
        raise ValueError(f"value = {value!r} must be finite to be written in scientific notation")
    mantissa, exponent = f"{number:.{digits}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def glue(name: str, value, significant: int = SIGNIFICANT_DIGITS) -> None:
    """Glue ``value`` under ``name`` for the prose, without displaying it.

    Numbers are rounded by :func:`book_precision`; strings are glued as they are. Anything else
    raises TypeError (glue figures and tables by other means). Pending printed text is flushed
    first, so that the order of a cell's outputs does not depend on buffering.
    """
    from myst_nb import glue as myst_glue

    if not isinstance(value, str):
        value = book_precision(value, significant)
    sys.stdout.flush()
    myst_glue(name, value, display=False)


@dataclass(frozen=True)
class Quoted:
    """A number the prose quotes with more than :data:`SIGNIFICANT_DIGITS` digits (at most 10)."""

    value: float
    significant: int


def glue_all(quoted: Mapping) -> None:
    """Glue every entry of ``quoted`` (name -> number, string or :class:`Quoted`) with :func:`glue`.

    A chapter's numbers come from one library call (e.g. ``chapters.detectors.numbers()``) and are
    glued here, each rounded once to the book's precision.
    """
    for name, value in quoted.items():
        if isinstance(value, Quoted):
            glue(name, value.value, value.significant)
        else:
            glue(name, value)


#: Resolution of the figures a notebook shows: PNG drawn at twice their 100-dpi display size.
FIGURE_DPI = 200


def setup() -> None:
    """Prepare a notebook: inline PNG figures at :data:`FIGURE_DPI` in the book's style, whatever
    ``MPLBACKEND`` says (a headless server's ``Agg`` would otherwise drop every figure).

    Call it once, in the first code cell. Outside IPython it only applies the style.
    """
    from . import style

    try:
        from IPython import get_ipython
    except ImportError:  # plain Python
        shell = None
    else:
        shell = get_ipython()
    if shell is not None:
        # "retina": PNG at twice the display resolution, shown at its display size.
        shell.run_line_magic("config", "InlineBackend.figure_formats = ['retina']")
        shell.run_line_magic("config", f"InlineBackend.rc = {{'figure.dpi': {FIGURE_DPI // 2}}}")
        shell.run_line_magic("matplotlib", "inline")
    style.apply()
