"""Command line: ``cevns figures --outdir DIR`` and ``cevns summary [--json]``.

``cevns`` is the console script that ``pip install cevnslib`` puts on the PATH; ``python -m cevnslib``
is the same command. Both call :func:`main`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

FORMATS = ("pdf", "png", "svg")


def _pieces(interval) -> list:
    """The pieces of an Interval at the book's precision; an end beyond the scanned grid is null."""
    from .notebook import book_precision

    def end(x):
        return book_precision(x) if abs(x) != float("inf") else None

    return [[end(lo), end(hi)] for lo, hi in interval.pieces]


def _parameter(fit) -> dict:
    """Best fit, 1-sigma and 90% sets and pulls (in sigma, 4 significant digits: the minimiser fixes
    them to about 1e-6) of a one-parameter fit of the CsI 2021 or argon data. ``best_at_grid_edge`` is
    "lower" or "upper" when the best fit is the parameter's own bound (then the sets are one-sided limits
    and ``best`` is no fitted value), else null."""
    from .notebook import book_precision

    return {
        "best": book_precision(fit.best),
        "best_at_grid_edge": fit.best_at_grid_edge or None,
        "one_sigma": _pieces(fit.one_sigma),
        "ninety": _pieces(fit.ninety),
        "pulls_sigma": {name: book_precision(value, 4) for name, value in fit.pulls.items()},
    }


def csi2021_summary() -> dict:
    """The one-parameter fits of the CsI 2021 data (the two-parameter maps take longer: see
    :func:`cevnslib.csi_2021_fits.results`), at the book's precision."""
    from . import csi_2021_fits
    from .notebook import book_precision

    signal = csi_2021_fits.fit_signal_strength()
    return {
        "signal_strength": _parameter(signal.strength),
        "cevns_count": _parameter(signal.count),
        "sm_count": book_precision(signal.sm_count),
        "significance_sigma": book_precision(signal.significance),
        "rn_fm": _parameter(csi_2021_fits.fit_rn()),
        "neutron_skin_fm": _parameter(csi_2021_fits.fit_neutron_skin()),
        "note": "COHERENT CsI[Na] full data set (arXiv:2110.07730): Poisson likelihood in PE x arrival time, "
        "nuisances profiled; sets are Delta(-2 ln L) <= 1 and <= 2.706 as unions of pieces (null: beyond "
        "the scanned grid); eps = 0, one R_n for Cs and I (the skin adds to each R_p)",
    }


def lar2020_summary() -> dict:
    """The one-parameter fits of the argon data (CENNS-10, arXiv:2003.10630), at the book's precision."""
    from . import lar_2020_fits
    from .notebook import book_precision
    from .published import lar_2020_published

    results = lar_2020_fits.results()
    signal = results.signal
    published = lar_2020_published()["cevns_bestfit_events"]
    return {
        "signal_strength": _parameter(signal.strength),
        "cevns_count": _parameter(signal.count),
        "cevns_count_published": {"best": published.value, "minus": published.minus, "plus": published.plus},
        "sm_count": book_precision(signal.sm_count),
        "significance_sigma": book_precision(signal.significance),
        "rn_fm": _parameter(results.radius),
        "note": "COHERENT CENNS-10 argon, Analysis A (data release arXiv:2006.12659): Poisson likelihood in energy x "
        "F90 x arrival time, nuisances profiled; the count has a free normalisation, as in COHERENT's fit "
        "(cevns_count_published); sets are Delta(-2 ln L) <= 1 and <= 2.706 as unions of pieces (null: beyond "
        "the scanned grid); eps = 0; R_n's best fit is the smallest radius of its grid (best_at_grid_edge): the "
        "data give an upper limit",
    }


def combined_nsi_summary() -> dict:
    """Each NSI coupling's 1-sigma and 90% sets from argon, CsI 2021 and their combination, and the shrink."""
    from . import lar_2020_fits
    from .notebook import book_precision

    results = lar_2020_fits.results()
    out = {}
    for joint in (results.ud, results.dm):
        plane = "(" + ", ".join(joint.couplings) + ")"
        rows = lar_2020_fits.coupling_intervals(joint)
        for coupling in joint.couplings:
            for other in ("profiled", "zero"):
                for level in lar_2020_fits.LEVELS_1D:
                    sets = {
                        r.data: _pieces(r.interval)
                        for r in rows
                        if (r.coupling, r.other, r.level) == (coupling, other, level)
                    }
                    cut = lar_2020_fits.shrink(rows, coupling, other, level)
                    out.setdefault(plane, {}).setdefault(coupling, {}).setdefault(other, {})[level] = {
                        **sets,
                        "shrink_vs_csi": None if cut != cut else book_precision(cut, 3),
                    }
    out["note"] = (
        "sets of one coupling (Delta(-2 ln L) <= 1 and <= 2.706) from each plane's maps, the other coupling "
        "profiled or held at zero, every other coupling zero, R_n = R_p; combined = argon + CsI 2021 "
        "deviances added (independent data sets); shrink_vs_csi = 1 - length(combined) / length(CsI), null "
        "where a set reaches the edge of the grid"
    )
    return out


def summary() -> dict:
    """The headline numbers of the book, computed."""
    from . import experiments, fits

    rn = fits.csi2017_rn_interval("12-bin")
    flips = {"Si": "CONNIE", "Ge": "CONUS", "CsI": "COHERENT-CsI-2017", "NaI": "COHERENT-NaI"}
    return {
        "expected_counts": {name: float(fits.templates_for(name).counts().sum()) for name in experiments.PAPER_SETUPS},
        "csi2017_rn_fm": {
            "best": rn.best,
            "pieces": [list(piece) for piece in rn.pieces],
            "hull": list(rn.hull),
            "note": "12-bin chi^2, eps = 0, Delta chi^2 = 1 (one parameter, 1 sigma); the set is the "
            "union of its pieces",
        },
        "flip_eps_dV": {target: fits.setup_flipped_eps_ee_d(setup) for target, setup in flips.items()},
        "connie_deviation_rn_fm": {
            label: fits.nai_connie_best_rn(scale) for label, scale in (("-30%", 0.7), ("0%", 1.0), ("+30%", 1.3))
        },
        "csi2021": csi2021_summary(),
        "lar2020": lar2020_summary(),
        "combined_nsi": combined_nsi_summary(),
    }


def _print_summary(values: dict) -> None:
    print("Expected SM CEvNS counts over each setup's exposure:")
    for name, n in values["expected_counts"].items():
        print(f"  {name:20s} {n:12.1f}")
    rn = values["csi2017_rn_fm"]
    pieces = " U ".join(f"[{lo:.2f}, {hi:.2f}]" for lo, hi in rn["pieces"])
    print(f"COHERENT CsI 2017, R_n (12-bin chi^2, eps = 0, 1 sigma): {rn['best']:.2f}, {pieces} fm")
    print("Flipped eps_ee^dV (eps_ee^uV = 0) giving the SM rate:")
    for target, eps in values["flip_eps_dV"].items():
        print(f"  {target:4s} {eps:.4f}")
    print("Best-fit R_n of NaI + CONNIE (SM branch of eps_ee^dV) for CONNIE observing (1 + x) SM:")
    for label, rn_fit in values["connie_deviation_rn_fm"].items():
        print(f"  {label:5s} {rn_fit:.2f} fm")
    csi = values["csi2021"]

    def sets(fit, digits):
        def end(x, beyond):
            return beyond if x is None else f"{x:.{digits}f}"

        pieces = fit["one_sigma"]
        if fit.get("best_at_grid_edge") == "lower" and len(pieces) == 1 and pieces[0][0] is None:
            return f"< {end(pieces[0][1], 'inf')}"  # a one-sided limit from the parameter's bound
        return " U ".join(f"[{end(lo, '-inf')}, {end(hi, 'inf')}]" for lo, hi in pieces)

    def value(fit, digits):
        edge = fit["best_at_grid_edge"]
        return (
            f"{fit['best']:.{digits}f}" if edge is None else f"(minimum at the {edge} bound {fit['best']:.{digits}f})"
        )

    print("COHERENT CsI 2021 (Poisson likelihood in PE x time, nuisances profiled, 1 sigma):")
    print(
        f"  signal strength {csi['signal_strength']['best']:.3f}, {sets(csi['signal_strength'], 3)}; "
        f"significance {csi['significance_sigma']:.1f} sigma"
    )
    print(
        f"  CEvNS count     {csi['cevns_count']['best']:.0f}, {sets(csi['cevns_count'], 0)} (SM {csi['sm_count']:.0f})"
    )
    print(f"  R_n             {value(csi['rn_fm'], 2)}, {sets(csi['rn_fm'], 2)} fm")
    print(f"  Delta R_np      {csi['neutron_skin_fm']['best']:.2f}, {sets(csi['neutron_skin_fm'], 2)} fm")
    lar = values["lar2020"]
    pub = lar["cevns_count_published"]
    same = pub["minus"] == pub["plus"]
    error = f"+- {pub['plus']:.0f}" if same else f"-{pub['minus']:.0f} +{pub['plus']:.0f}"
    print("COHERENT CENNS-10 argon (Poisson likelihood in energy x F90 x time, nuisances profiled, 1 sigma):")
    print(
        f"  signal strength {lar['signal_strength']['best']:.3f}, {sets(lar['signal_strength'], 3)}; "
        f"significance {lar['significance_sigma']:.1f} sigma"
    )
    print(
        f"  CEvNS count     {lar['cevns_count']['best']:.0f}, {sets(lar['cevns_count'], 0)} "
        f"(SM {lar['sm_count']:.0f}; COHERENT {pub['best']:.0f} {error})"
    )
    print(f"  R_n             {value(lar['rn_fm'], 2)}, {sets(lar['rn_fm'], 2)} fm")
    print("NSI sets at 90% (one coupling, the other held at zero): argon | CsI 2021 | combined, shrink against CsI")
    for plane, couplings in values["combined_nsi"].items():
        if plane == "note":
            continue
        for coupling, by_other in couplings.items():
            row = by_other["zero"]["90%"]
            text = " | ".join(
                " U ".join(
                    f"[{'-inf' if lo is None else f'{lo:.2f}'}, {'inf' if hi is None else f'{hi:.2f}'}]"
                    for lo, hi in row[data]
                )
                for data in ("argon", "CsI", "combined")
            )
            cut = "n/a" if row["shrink_vs_csi"] is None else f"{100 * row['shrink_vs_csi']:.0f}%"
            print(f"  {plane} {coupling}: {text}; {cut}")


#: Image settings that make every format byte-for-byte reproducible: no creation dates in PDF and
#: SVG, and SVG ids drawn from a fixed salt instead of random ones.
_REPRODUCIBLE_METADATA = {"pdf": {"CreationDate": None, "ModDate": None}, "svg": {"Date": None}, "png": {}}
_SVG_HASH_SALT = "cevnslib"


def write_figures(outdir: Path, fmt: str) -> list[Path]:
    """Write the three figures, their scan data (.npz) and captions (.txt) into ``outdir``.

    Every file is byte-for-byte the same when written again on the same machine: no dates, no
    random ids, and .npz archives with fixed member timestamps.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    from .figures import FIGURES

    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in FIGURES.items():
        result = make()
        paths = [outdir / f"{name}.{fmt}", outdir / f"{name}.npz", outdir / f"{name}.txt"]
        with matplotlib.rc_context({"svg.hashsalt": _SVG_HASH_SALT}):
            result.figure.savefig(paths[0], metadata=_REPRODUCIBLE_METADATA[fmt])
        plt.close(result.figure)
        save_npz(paths[1], {k.replace(" ", "_"): v for k, v in result.data.items()})
        paths[2].write_text(result.caption + "\n")
        written += paths
    return written


def save_npz(path: Path, arrays: dict) -> None:
    """Like ``numpy.savez_compressed``, but reproducible: every member is dated 1980-01-01.

    ``numpy.savez`` stamps each member with the current time, so the same arrays saved twice
    differ; ``numpy.load`` reads this archive as it reads any .npz.
    """
    import io
    import zipfile

    import numpy as np

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, value in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asanyarray(value), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())


def outdir_problem(text: str, outputs: tuple[str, ...] = ()) -> str | None:
    """Why ``text`` cannot be the output folder, or None if it can be written (created if missing).

    Checked before any computation: an empty name, an existing file, a path below a regular file,
    a name the system refuses (too long, say), one of the ``outputs`` (file names) taken by a
    folder, or a folder in which a file cannot be created. The path is normalised first, so that
    ``a/../b`` never creates ``a``. Permissions are tested by writing, not by reading mode bits
    (which do not bind the superuser).
    """
    import os
    import tempfile

    if not text.strip():
        return "--outdir must name a folder, got an empty string"
    path = Path(os.path.normpath(text))
    try:
        if path.exists() and not path.is_dir():
            return f"--outdir {text} exists and is not a folder"
        for parent in path.parents:
            if parent.exists():
                if not parent.is_dir():
                    return f"--outdir {text} lies below {parent}, which is a file, not a folder"
                break
        for name in outputs:
            if (path / name).is_dir():
                return f"--outdir {text} holds a folder {name}, where a file is to be written"
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as err:
        return f"--outdir {text} cannot be used: {err.strerror or err}"
    return None


def _program_name() -> str:
    """``cevns`` when run as the console script, ``python -m cevnslib`` otherwise (usage and errors say so)."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return "cevns" if name in ("cevns", "cevns.exe") else "python -m cevnslib"


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    parser = argparse.ArgumentParser(
        prog=_program_name(),
        description="CEvNS with NSI and the neutron radius: reproduce Figures 1-2 of Canas et al., "
        "PRD 101 (2020) 035012, and print the headline numbers.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    fig = commands.add_parser(
        "figures",
        help="write Figure 1, both panels of Figure 2 and Figure 1 with real data, with their scan data",
        description="Write figure1, figure2_left, figure2_right and figure1_data (Fig. 1 with the "
        "COHERENT CsI 2021 and argon data beside the reactor forecasts) as images, their "
        "Delta chi^2 grids as .npz (arrays named after the regions) and captions as .txt.",
    )
    fig.add_argument("--outdir", required=True, help="folder to write into (created if missing)")
    fig.add_argument("--format", choices=FORMATS, default="pdf", help="image format (default pdf)")
    summ = commands.add_parser(
        "summary",
        help="print the headline numbers",
        description="Expected SM counts per setup, the CsI 2017 neutron radius, the "
        "flipped eps_ee^dV per target, the NaI + CONNIE R_n for CONNIE at -30%, SM, +30%, and the "
        "CsI 2021 signal strength, CEvNS count, significance, R_n and neutron skin, the same "
        "for argon, and each NSI coupling's sets from argon, CsI 2021 and their combination.",
    )
    summ.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = parser.parse_args(argv)

    if args.command == "figures":
        from .figures import FIGURES

        outputs = tuple(f"{name}.{ext}" for name in FIGURES for ext in (args.format, "npz", "txt"))
        problem = outdir_problem(args.outdir, outputs)
        if problem:
            print(f"{parser.prog} figures: error: {problem}", file=sys.stderr)
            return 2
        import matplotlib

        matplotlib.use("Agg")
        for path in write_figures(Path(args.outdir), args.format):
            print(path)
        return 0
    values = summary()
    if args.json:
        json.dump(values, sys.stdout, indent=2)
        print()
    else:
        _print_summary(values)
    return 0


if __name__ == "__main__":
    sys.exit(main())
