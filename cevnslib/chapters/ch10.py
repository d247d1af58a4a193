"""Chapter 10, Explore: the numbers its prose quotes.

The explorers themselves are in :mod:`cevnslib.widgets`; their precomputed frames for the website
are drawn by ``tools/make_explorer_frames.py``.
"""

from __future__ import annotations

from .. import fits, widgets

#: Thresholds (keVnr) of a 4 kg germanium reactor experiment quoted in the text.
THRESHOLDS_KEVNR = (0.3, 1.0, 1.5)
#: CONNIE deviations and NaI systematics quoted in the text.
DEVIATIONS = (-0.3, 0.0, 0.3)
NAI_SYSTEMATIC = 0.10


def numbers() -> dict:
    """Every number the chapter quotes, by glue name.

    ``ch10-counts-<threshold>``: expected SM events of 4 kg of germanium at the CONUS site for a
    year above each threshold (keVnr), rounded to whole events; ``ch10-best-<deviation>-<syst>``:
    the best-fit R_n (fm) of NaI + CONNIE on the SM branch (:func:`cevnslib.fits.nai_connie_best_rn`).
    """
    out = {}
    for threshold in THRESHOLDS_KEVNR:
        counts = widgets.designer_data("Ge", mass_kg=4.0, threshold_kevnr=threshold).counts
        out[f"ch10-counts-{threshold}"] = round(counts)
    for deviation in DEVIATIONS:
        out[f"ch10-best-{deviation:+.1f}-{NAI_SYSTEMATIC:.2f}"] = fits.nai_connie_best_rn(
            1.0 + deviation, "sm", nai_systematic=NAI_SYSTEMATIC
        )
    return out
