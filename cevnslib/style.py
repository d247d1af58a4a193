"""The book's figure style: a colour-blind-safe palette and type that stays readable at column width.

Colours are the Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2002; recommended by
Wong, Nature Methods 8 (2011) 441), distinguishable with every common form of colour blindness.
Every figure of the book and of ``python -m cevnslib figures`` is drawn with :func:`apply`.
"""

from __future__ import annotations

from types import MappingProxyType

#: Okabe-Ito colours by name.
COLORS = MappingProxyType(
    {
        "black": "#000000",
        "orange": "#E69F00",
        "sky blue": "#56B4E9",
        "bluish green": "#009E73",
        "yellow": "#F0E442",
        "blue": "#0072B2",
        "vermillion": "#D55E00",
        "reddish purple": "#CC79A7",
    }
)

#: The colour cycle of line plots: the palette without yellow (too pale on white) and black.
CYCLE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

#: Width (inches) of a figure spanning the text column; draw a figure at it or at a fraction of it.
FULL_WIDTH_IN = 7.4

#: Matplotlib settings of the book's figures.
RC = MappingProxyType(
    {
        "axes.prop_cycle": None,  # filled in by apply(), from CYCLE
        "font.size": 11,
        "axes.labelsize": 12,
        "axes.titlesize": 11,
        "legend.fontsize": 10,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "lines.linewidth": 1.8,
        "savefig.dpi": 200,
        "svg.hashsalt": "cevnslib",
    }
)


def apply() -> None:
    """Set matplotlib's defaults to the book's style (palette, font sizes, resolution)."""
    import matplotlib as mpl
    from cycler import cycler

    settings = dict(RC)
    settings["axes.prop_cycle"] = cycler(color=list(CYCLE))
    mpl.rcParams.update(settings)
