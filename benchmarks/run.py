"""Benchmarks: the numbers behind every claim the kit makes.

Run ``make bench`` (all of MNIST; the machine section of ``RESULTS.md`` says
how long the last run took) or ``make bench QUICK=1`` (the same measurements
on small subsets).  ``--smoke`` runs every step on the least data that runs
it: it shows that the benchmark works (the unit tests run it), and its
numbers say little.  Writes ``results.json`` and ``RESULTS.md`` into
``--out`` (this folder by default).

What is measured:

1. MNIST: features {raw pixels, the original's HOG, the kit's HOG} x deskew
   {off, on} x classifiers {KNN, RBF SVM, linear}: accuracy, feature time,
   training and prediction time, peak memory (:mod:`bench_mnist`).
2. The original approach (:mod:`ocrkit.original`) on MNIST and every page.
3. Every bundled page with ground truth (``data/handwriting/*.json``):
   detection recall and precision, digit accuracy, exact lines, time, for the
   kit's pipeline and the original (:mod:`bench_pages`); writer A's test page
   read with models trained on MNIST, on A's sheet, and on both.
4. The real photos in ``data/real``: digits right and found, extra boxes,
   lines and numbers, for the kit and the original (:mod:`bench_real`).
5. The robustness map: digits right on synthetic phone photos as contrast,
   noise, blur and size change, for the kit with every binarisation and the
   original (:mod:`bench_robustness`); its figure is written to
   ``docs/robustness_map.png`` (quick and smoke: into ``--out``).
6. Speed against the floor: every bundled page and real photo read against
   decoding it, with the budget each read must meet; a 300-dpi A4 page read
   against decoding its file; the kit's HOG against scikit-image's
   (:mod:`bench_speed`).

Usage::

    python benchmarks/run.py [--quick | --smoke] [--out DIR] [--pages DIR] [--budget S]
"""

import argparse
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
from bench_common import machine_info, memory_method, timed
from bench_mnist import compute_features, evaluate_model, nested_order, run_grid
from bench_pages import bench_pages, bench_sheets, bench_writer_a, find_pages, is_sheet
from bench_real import bench_real
from bench_report import write_results
from bench_robustness import FULL as ROBUSTNESS_FULL
from bench_robustness import QUICK as ROBUSTNESS_QUICK
from bench_robustness import SMOKE as ROBUSTNESS_SMOKE
from bench_robustness import draw_robustness_map, kit_readers, robustness_map
from bench_speed import bench_hog, bench_page_floor, bench_page_speed, is_a4_300dpi, make_page

from ocrkit.classify import DigitClassifier
from ocrkit.datasets import load_mnist
from ocrkit.errors import OcrkitError
from ocrkit.features import ORIGINAL_HOG, FeatureSettings
from ocrkit.original import original_classifier, read_page_original
from ocrkit.pipeline import read_page

HERE = Path(__file__).resolve().parent
PAGES = HERE.parent / "data" / "handwriting"
REAL = HERE.parent / "data" / "real"
#: Where a full run draws the robustness map (a quick or smoke run draws it into --out).
ROBUSTNESS_FIGURE = HERE.parent / "docs" / "robustness_map.png"


@dataclass
class Sizes:
    """How much of everything a run measures."""

    n_train: int | None  # None: all 60,000
    n_test: int | None  # None: all 10,000
    budget_s: float  # training + prediction time the MNIST grid may spend
    pilot: int  # digits a grid cell's cost is first measured on
    page_runs: int  # timed reads per bundled page and real photo
    decode_runs: int  # timed decodes of each page (and the speed page), against its reads
    read_runs: int  # timed reads of the speed page
    hog_digits: int | None  # None: every MNIST digit loaded
    speed_page: dict = field(default_factory=dict)
    page_model_train: int | None = None  # None: ocrkit.models.default_model()
    writer_a_mnist: int = 10000  # MNIST digits next to writer A's sheet
    sheet_copies: int | None = None  # of each sheet digit; None: ocrkit.training's default
    robustness: dict = field(default_factory=lambda: dict(ROBUSTNESS_FULL))  # the map's axes


FULL = Sizes(n_train=None, n_test=None, budget_s=720.0, pilot=2000, page_runs=5, decode_runs=7,
             read_runs=5, hog_digits=None,
             speed_page={"page": "A4", "dpi": 300, "n_lines": 12, "digits": (8, 9)},
             robustness=dict(ROBUSTNESS_FULL))
QUICK = Sizes(n_train=2000, n_test=500, budget_s=15.0, pilot=200, page_runs=1, decode_runs=3,
              read_runs=3, hog_digits=2000,
              speed_page={"page": "A6", "dpi": 150, "n_lines": 3, "digits": (4, 6)},
              page_model_train=1000, writer_a_mnist=500, robustness=dict(ROBUSTNESS_QUICK))
#: The quick run on the least data that runs every step: MNIST enough for HOG + SVM
#: to read well above chance, one copy of each sheet digit, and one picture per
#: axis of the robustness map.
SMOKE = replace(QUICK, n_train=200, n_test=100, budget_s=1.0, page_model_train=200,
                writer_a_mnist=200, sheet_copies=1, robustness=dict(ROBUSTNESS_SMOKE))
MODES = {"full": FULL, "quick": QUICK, "smoke": SMOKE}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description="Measure ocrkit: MNIST grid, the original approach, bundled pages, real "
                    "photos, robustness map, speed.")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true",
                      help="small subsets; the same code paths as the full run")
    size.add_argument("--smoke", action="store_true",
                      help="the least data every step runs on, to check that the benchmark "
                           "works; its numbers say little")
    parser.add_argument("--out", type=Path, default=HERE,
                        help="folder for results.json and RESULTS.md, and with --quick or "
                             "--smoke the robustness map's figure (default: %(default)s)")
    parser.add_argument("--pages", type=Path, default=PAGES,
                        help="folder of pages with ground-truth JSON (default: %(default)s)")
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds the MNIST grid may spend training and predicting "
                             f"(default: {FULL.budget_s:g}, quick: {QUICK.budget_s:g}, "
                             f"smoke: {SMOKE.budget_s:g})")
    parser.add_argument("--mnist", type=int, nargs=2, metavar=("N_TRAIN", "N_TEST"),
                        help="MNIST subset sizes instead of the mode's")
    parser.add_argument("--model", type=Path, default=None,
                        help="read pages with this model file (ocrkit train) instead of the "
                             "default model")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    return parser.parse_args(argv)


def _page_model(sizes, data, features, progress, path=None):
    """The model pages are read with: a model file, the default model, or a small one."""
    if path is not None:
        from ocrkit.models import load_model

        seconds, model = timed(load_model, path)
        return model, f"model file {path.name}", seconds
    if sizes.page_model_train is None:
        from ocrkit.models import default_model

        seconds, model = timed(default_model)
        return model, "default model (shipped): kit HOG + SVM on all MNIST", seconds
    n = min(sizes.page_model_train, len(data.y_train))
    keep = np.sort(nested_order(data.y_train)[:n])
    settings = FeatureSettings()
    model = DigitClassifier("svm", features=settings)
    seconds, _ = timed(model.fit_features, features["kit HOG", settings.deskew][0][keep],
                       data.y_train[keep])
    model.trained_on = {"mnist_train": int(n)}
    return model, f"small model: kit HOG + SVM on {n:,} MNIST digits", seconds


def _speed_page(scratch, sizes, pages):
    """The page for the floor measurement: writer A's if it is A4 at 300 dpi, else a new one."""
    for name, truth, path in pages:
        if name == "writer_a_test_scan" and sizes.speed_page.get("page") == "A4" \
                and is_a4_300dpi(truth["size"]):
            return path, name, "bundled"
    spec = dict(sizes.speed_page)
    path, truth = make_page(Path(scratch) / "speed_page.jpg", **spec)
    source = (f"synthetic, {spec['page']} at {spec['dpi']} dpi, writer a, scan look, "
              f"{len(truth['digits'])} digits")
    return path, "speed_page", source


def mode_of(args):
    """``'full'``, ``'quick'`` or ``'smoke'``: which of :data:`MODES` the options ask for."""
    return "smoke" if args.smoke else "quick" if args.quick else "full"


def figure_path(mode, out):
    """Where a run draws the robustness map: ``docs/`` for a full run, else next to RESULTS.md."""
    return ROBUSTNESS_FIGURE if mode == "full" else Path(out) / ROBUSTNESS_FIGURE.name


def main(argv=None):
    args = parse_args(argv)
    mode = mode_of(args)
    sizes = MODES[mode]
    if args.budget is not None:
        sizes = replace(sizes, budget_s=args.budget)
    if args.mnist:
        sizes = replace(sizes, n_train=args.mnist[0], n_test=args.mnist[1])
    progress = not args.no_progress
    started = time.perf_counter()
    sections, last = {}, [started]

    def lap(name):
        now = time.perf_counter()
        sections[name] = now - last[0]
        last[0] = now

    results = {"mode": mode, "machine": machine_info(),
               "memory_method": memory_method(),
               "sizes": asdict(sizes)}

    # 1. MNIST grid.
    data = load_mnist(n_train=sizes.n_train, n_test=sizes.n_test, seed=0)
    features, feature_rows = compute_features(data, progress=progress)
    lap("MNIST features")
    grid, plan = run_grid(data, features, feature_rows, budget=sizes.budget_s,
                          n_pilot=sizes.pilot, progress=progress)
    lap("MNIST grid")
    page_model, page_label, page_model_s = _page_model(sizes, data, features, progress,
                                                       args.model)
    page_model_row = evaluate_model(page_model, data, label=page_label)
    page_model_row["obtained_s"] = page_model_s
    results["mnist"] = {"n_train": int(len(data.y_train)), "n_test": int(len(data.y_test)),
                        "budget_s": sizes.budget_s, "plan": plan, "features": feature_rows,
                        "grid": grid, "page_model": page_model_row}
    lap("page model")

    # 2. The original approach: on MNIST it is the (original HOG, no deskew,
    # KNN) cell, if that cell could train on every digit.
    original = original_classifier()
    x_train, x_test = features["original HOG", ORIGINAL_HOG.deskew]
    original.fit_features(x_train, data.y_train)
    original.trained_on = {"mnist_train": int(len(data.y_train))}
    cell = next(r for r in grid if r["features"] == "original HOG" and not r["deskew"]
                and r["classifier"] == "knn")
    if cell["n_train"] < len(data.y_train):
        predict_s, scored = timed(original.scores, x_test)
        cell = {"n_train": int(len(data.y_train)), "n_test": int(len(data.y_test)),
                "accuracy": float(np.mean(scored[0] == data.y_test)), "predict_s": predict_s}
    results["original"] = {"mnist": {k: cell[k] for k in ("n_train", "n_test", "accuracy",
                                                          "predict_s")}}
    lap("original on MNIST")

    # 3. Pages.
    pages, problems = find_pages(args.pages)
    sheets = [page for page in pages if is_sheet(page[0])]
    pages = [page for page in pages if not is_sheet(page[0])]
    readers = {
        "kit": lambda image, name: read_page(image, model=page_model, name=name),
        "original": lambda image, name: read_page_original(image, model=original, name=name),
    }
    page_rows, read_problems = bench_pages(pages, readers, repeats=sizes.page_runs,
                                           progress=progress)
    results["pages"] = {"folder": str(args.pages), "rows": page_rows,
                        "problems": problems + read_problems}
    lap("pages")
    results["sheets"] = bench_sheets(sheets)
    lap("sheets")
    try:
        results["writer_a"] = bench_writer_a(args.pages, page_model, page_label,
                                             n_mnist=sizes.writer_a_mnist,
                                             sheet_copies=sizes.sheet_copies, progress=progress)
    except OcrkitError as exc:
        results["writer_a"] = [{"training": "all", "notice": f"not available: {exc}"}]
    lap("writer A")

    # 4. Real photos.
    results["real"] = bench_real(REAL, readers, repeats=sizes.page_runs, progress=progress)
    lap("real photos")

    # 5. Robustness map: the kit with every binarisation, and the original.
    robustness = robustness_map(read_functions=kit_readers(model=page_model, original=original),
                                **sizes.robustness, progress=progress)
    figure = draw_robustness_map(robustness, figure_path(mode, args.out))
    robustness["figure"] = Path(os.path.relpath(figure, args.out)).as_posix()
    results["robustness"] = robustness
    lap("robustness map")

    # 6. Speed against the floor: every page, then an A4 page, then HOG.
    bundled = sorted(pages + sheets, key=lambda page: page[0])
    real_files = dict.fromkeys(row["file"] for row in results["real"]["rows"])
    speed_pages = ([(f"{args.pages.name}/{path.name}", path) for _, _, path in bundled]
                   + [(f"{REAL.name}/{file}", REAL / file) for file in real_files])
    speed_rows, speed_problems = bench_page_speed(
        speed_pages, readers["kit"], decode_repeats=sizes.decode_runs,
        read_repeats=sizes.page_runs, progress=progress)
    every_page = {"model": page_label, "rows": speed_rows, "problems": speed_problems}
    lap("every page against decoding")
    with tempfile.TemporaryDirectory() as scratch:
        path, name, source = _speed_page(scratch, sizes, pages)
        floor = bench_page_floor(path, name, readers, decode_repeats=sizes.decode_runs,
                                 read_repeats=sizes.read_runs)
        floor["source"] = source
    lap("page against decoding")
    digits = np.concatenate([data.x_train, data.x_test])[:sizes.hog_digits]
    results["speed"] = {"pages": every_page, "page": floor,
                        "hog": bench_hog(digits, progress=progress)}
    lap("HOG against scikit-image")

    results["elapsed_s"] = time.perf_counter() - started
    results["sections_s"] = sections
    json_path, md_path = write_results(results, args.out)
    print(md_path.read_text(encoding="utf-8"))
    print(f"wrote {json_path} and {md_path} in {results['elapsed_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
