"""Precompute the frames of the website's explorers (the Explore chapter) and their controls.

A static website has no Python kernel, so the Explore chapter shows each explorer as pictures
computed here for a grid of control values, with HTML sliders that switch between them
(``static/explorer.js``). For every explorer this script writes

- ``static/explore/<name>/<i>-<j>...png``: one frame per combination of control values, drawn by
  the same functions as the live explorer (:mod:`cevnslib.widgets`);
- ``static/explore/<name>.html``: the controls and the first frame, included in the chapter with a
  ``{raw} html`` directive.

Run from anywhere (paths are resolved from this file):

    python tools/make_explorer_frames.py

Running it twice writes the same bytes (PNG without dates). Commit the result.
"""

from __future__ import annotations

import html
import itertools
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from cevnslib import style, widgets  # noqa: E402
from cevnslib.couplings import NSI  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "static" / "explore"
#: Resolution of the frames: sharp at the column width, small on disk.
FRAME_DPI = 110
#: The page that shows the explorers lives one folder below the site root (book/), and the
#: static folder is served as _static/.
URL_PREFIX = "../_static/explore"


@dataclass(frozen=True)
class Control:
    """One control of an explorer: a parameter name, its label (HTML), values and their labels."""

    name: str
    label: str
    values: tuple
    labels: tuple[str, ...]
    start: int
    select: bool = False


@dataclass(frozen=True)
class Explorer:
    """Frames of one explorer: its controls, a function drawing one frame and a text alternative."""

    name: str
    controls: tuple[Control, ...]
    draw: object
    alt: str


def _spectrum(source_index, eps, rn):
    target_name, source_name = SPECTRUM_SOURCES[source_index]
    nsi = NSI(ee_d=eps, mm_d=eps)
    data = widgets.spectrum_data(target_name, source_name, nsi, rn_fm=rn)
    return widgets.draw_spectrum(data, f"{target_name}, {'reactor' if 'reactor' in source_name else 'SNS'}")


def _designer(target_name, mass, threshold):
    try:
        data = widgets.designer_data(target_name, mass_kg=mass, threshold_kevnr=threshold)
    except ValueError as err:  # a threshold above the kinematic maximum: say so in the frame
        fig, ax = plt.subplots(figsize=(0.75 * style.FULL_WIDTH_IN, 4.4))
        ax.axis("off")
        ax.text(
            0.5, 0.5, str(err).replace(" with this source", "\nwith this source"), ha="center", va="center", wrap=True
        )
        return fig
    return widgets.draw_designer(data)


def _figure2(deviation, systematic):
    return widgets.draw_figure2(widgets.figure2_data(deviation, systematic))


SPECTRUM_SOURCES = (("CsI", list(widgets.SOURCES)[1]), ("Ge", list(widgets.SOURCES)[0]))
EPS_VALUES = (-0.2, -0.1, 0.0, 0.1, 0.18, 0.25, 0.36)
RN_VALUES_FM = (4.0, 4.5, 5.0, 5.5, 6.0)
MASS_VALUES_KG = (1.0, 4.0, 10.0, 100.0)
THRESHOLD_VALUES_KEVNR = (0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0)
DEVIATIONS = tuple(round(0.1 * k, 1) for k in range(-5, 6))
NAI_SYSTEMATICS = (0.05, 0.10, 0.20)

EXPLORERS = (
    Explorer(
        "spectrum",
        (
            Control(
                "source",
                "target and source",
                (0, 1),
                ("CsI at the SNS (COHERENT 2017)", "Ge at a reactor (CONUS)"),
                0,
                select=True,
            ),
            Control(
                "eps",
                "ε<sub>ee</sub><sup>dV</sup> = ε<sub>μμ</sub><sup>dV</sup>",
                EPS_VALUES,
                tuple(f"{v:+.2f}" for v in EPS_VALUES),
                2,
            ),
            Control("rn", "R<sub>n</sub> [fm]", RN_VALUES_FM, tuple(f"{v:.1f}" for v in RN_VALUES_FM), 2),
        ),
        _spectrum,
        "Differential cross section and recoil spectrum for the chosen couplings and neutron radius, "
        "against the Standard Model",
    ),
    Explorer(
        "designer",
        (
            Control("target", "target", ("Ge", "Si"), ("germanium", "silicon"), 0, select=True),
            Control("mass", "mass [kg]", MASS_VALUES_KG, tuple(f"{v:g}" for v in MASS_VALUES_KG), 1),
            Control(
                "threshold",
                "threshold [keVnr]",
                THRESHOLD_VALUES_KEVNR,
                tuple(f"{v:g}" for v in THRESHOLD_VALUES_KEVNR),
                4,
            ),
        ),
        _designer,
        "Expected events and the 90% C.L. region in the plane of the up- and down-quark couplings for a "
        "reactor experiment of the chosen target, mass and threshold",
    ),
    Explorer(
        "figure2",
        (
            Control("deviation", "CONNIE deviation", DEVIATIONS, tuple(f"{100 * v:+.0f}%" for v in DEVIATIONS), 5),
            Control(
                "systematic", "NaI systematic", NAI_SYSTEMATICS, tuple(f"{100 * v:.0f}%" for v in NAI_SYSTEMATICS), 1
            ),
        ),
        _figure2,
        "The plane of the paper's Fig. 2 (right): NaI, CONNIE at the chosen deviation and their combination",
    ),
)


def frame_name(indices) -> str:
    """File name of the frame with these control indices."""
    return "-".join(str(i) for i in indices) + ".png"


def controls_html(explorer: Explorer) -> str:
    """The explorer's controls and first frame, as HTML for the chapter."""
    template = f"{URL_PREFIX}/{explorer.name}/" + "-".join(f"{{{c.name}}}" for c in explorer.controls) + ".png"
    parts = [f'<div class="explorer" data-template="{html.escape(template)}">', '<div class="explorer-controls">']
    for c in explorer.controls:
        if c.select:
            options = "".join(
                f'<option value="{i}"{" selected" if i == c.start else ""}>{html.escape(text)}</option>'
                for i, text in enumerate(c.labels)
            )
            parts.append(f'<label>{c.label} <select data-param="{c.name}">{options}</select></label>')
        else:
            labels = html.escape("|".join(c.labels))
            parts.append(
                f'<label>{c.label} <input type="range" data-param="{c.name}" min="0" '
                f'max="{len(c.values) - 1}" step="1" value="{c.start}" data-labels="{labels}">'
                f"<output>{html.escape(c.labels[c.start])}</output></label>"
            )
    first = frame_name(c.start for c in explorer.controls)
    parts += ["</div>", f'<img src="{URL_PREFIX}/{explorer.name}/{first}" alt="{html.escape(explorer.alt)}">', "</div>"]
    return "\n".join(parts) + "\n"


def write(explorer: Explorer) -> int:
    """Draw every frame of ``explorer`` and its HTML; returns the number of frames."""
    folder = OUT_DIR / explorer.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    count = 0
    for indices in itertools.product(*(range(len(c.values)) for c in explorer.controls)):
        values = [c.values[i] for c, i in zip(explorer.controls, indices)]
        fig = explorer.draw(*values)
        fig.savefig(folder / frame_name(indices), dpi=FRAME_DPI, metadata={"Software": None})
        plt.close(fig)
        count += 1
    (OUT_DIR / f"{explorer.name}.html").write_text(controls_html(explorer))
    return count


def main() -> int:
    style.apply()
    for explorer in EXPLORERS:
        print(f"{explorer.name}: {write(explorer)} frames", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
