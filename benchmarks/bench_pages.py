"""Pages with ground truth: detection, digits and lines, for the kit and the original.

A page's truth is a JSON file in the schema of ``ocrkit read --json``, next
to its image (:class:`ocrkit.truth.PageTruth`).  A found box counts as a
detection of a true digit when their intersection over union is at least 0.5;
boxes are paired one to one, greedily, highest overlap first
(:func:`ocrkit.evaluate.score_page`).
"""

import importlib
import time
import tracemalloc
from functools import partial
from pathlib import Path

from bench_common import median_time, timed
from tqdm.auto import tqdm

from ocrkit.classify import DigitClassifier
from ocrkit.errors import OcrkitError
from ocrkit.evaluate import match_boxes, score_page
from ocrkit.pipeline import read_page
from ocrkit.truth import PageTruth


def _lines_without_spaces(truth_lines, found_lines):
    """Share of true lines whose digits are read exactly, in order, spaces ignored."""
    if not truth_lines:
        return float("nan")
    return sum(i < len(found_lines) and found_lines[i].replace(" ", "") == t.replace(" ", "")
               for i, t in enumerate(truth_lines)) / len(truth_lines)


def score_reading(truth, reading):
    """Detection, digit and line scores of a :class:`~ocrkit.pipeline.PageReading`.

    The counts are :func:`ocrkit.evaluate.score_page`'s.

    Parameters
    ----------
    truth : dict or PageTruth
        The page's truth.
    reading : PageReading

    Returns
    -------
    dict
        ``truth_digits``, ``found`` (boxes found), ``matched`` (true digits
        found), ``right``, ``extra`` (boxes that are no true digit's);
        ``recall`` (matched / truth_digits) and ``precision`` (matched /
        found) of the boxes; ``digit_accuracy`` (right / matched: of the
        digits found, the share read right; a rejected digit is wrong);
        ``page_accuracy`` (right / truth_digits); ``line_accuracy`` (lines
        equal to the truth's, in order) and ``line_accuracy_digits`` (the
        same with spaces removed).
    """
    if not isinstance(truth, PageTruth):
        truth = PageTruth.from_json(truth)
    score = score_page(truth, reading)
    nan = float("nan")
    return {
        "truth_digits": score.truth_digits, "found": score.detections, "matched": score.found,
        "right": score.right, "extra": score.extra,
        "recall": score.recall, "precision": score.precision,
        "digit_accuracy": score.right / score.found if score.found else nan,
        "page_accuracy": score.accuracy,
        "line_accuracy": score.lines_right / score.truth_lines if score.truth_lines else nan,
        "line_accuracy_digits": _lines_without_spaces(truth.lines, reading.lines),
    }


def find_pages(folder):
    """Bundled pages: (name, truth dict, image path) for every readable ``*.json``.

    Each truth is checked by :meth:`ocrkit.truth.PageTruth.load` and given
    as its ``to_json()`` dict.

    Returns
    -------
    pages : list of tuple
    problems : list of str
        Files skipped, and why.
    """
    folder = Path(folder)
    pages, problems = [], []
    for json_path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            truth = PageTruth.load(json_path)
        except OcrkitError as exc:
            problems.append(str(exc))
            continue
        image_path = json_path.parent / truth.image
        if not truth.image or not image_path.is_file():
            problems.append(f"{json_path.name}: its image {truth.image or '(not named)'} "
                            "is missing")
            continue
        pages.append((json_path.stem, truth.to_json(), image_path))
    return pages, problems


def is_sheet(name):
    """Training sheets (free-form or template) are scored by the sheet loader, not as pages."""
    return "_sheet_" in name or "_template_" in name


def bench_sheets(sheets):
    """How many digits of each bundled sheet the sheet loader finds with the right label.

    Parameters
    ----------
    sheets : list of (name, truth, image path)

    Returns
    -------
    rows : list of dict
    """
    from ocrkit.sheets import load_sheet

    rows = []
    for name, truth, path in sheets:
        start = time.perf_counter()
        sheet = load_sheet(path)
        seconds = time.perf_counter() - start
        truth_boxes = [d["box"] for d in truth["digits"]]
        truth_labels = [d["label"] for d in truth["digits"]]
        # A template's boxes are in the rectified page; compare in the photo's pixels.
        pairs = match_boxes(truth_boxes, sheet.image_boxes())
        right = sum(int(sheet.labels[f]) == int(truth_labels[t]) for t, f in pairs)
        rows.append({"sheet": name, "kind": sheet.kind, "truth_digits": len(truth_boxes),
                     "found": int(len(sheet.boxes)), "right": int(right),
                     "empty_cells": len(sheet.empty_cells), "seconds": seconds})
    return rows


def _read_image(path):
    from ocrkit.imageio import read_image

    return read_image(path)


def bench_pages(pages, approaches, *, repeats, progress=True):
    """Score and time every approach on every page.

    Parameters
    ----------
    pages : list
        From :func:`find_pages`.
    approaches : dict
        Name -> ``reader(image, name) -> PageReading``, the model already loaded.
    repeats : int
        Page reads timed per page and approach; the median is reported.

    Returns
    -------
    rows : list of dict
    problems : list of str
    """
    rows, problems = [], []
    work = [(page, name, reader) for page in pages for name, reader in approaches.items()]
    for (page_name, truth, image_path), approach, reader in tqdm(
            work, desc="pages", disable=not progress):
        try:
            image = _read_image(image_path)
        except OcrkitError as exc:
            problems.append(str(exc))
            continue
        seconds, times, reading = median_time(partial(reader, image, page_name), repeats)
        rows.append({"page": page_name, "approach": approach, "size": list(truth["size"]),
                     "seconds": seconds, "runs": len(times), **score_reading(truth, reading)})
    return rows, problems


def _load_sheet_function():
    """ocrkit's sheet loader, wherever it lives, or None."""
    for module in ("ocrkit.sheets", "ocrkit.datasets"):
        try:
            return importlib.import_module(module).load_sheet
        except (ImportError, AttributeError):
            continue
    return None


def _train_with_sheets_function():
    try:
        from ocrkit.training import train_with_sheets
    except ImportError:
        return None
    return train_with_sheets


def bench_writer_a(folder, page_model, page_label, *, n_mnist, sheet_copies=None,
                   progress=True):
    """Writer A's test page read by models trained on MNIST, on A's sheet, and on both.

    The MNIST-only and combined models are trained on the same ``n_mnist``
    MNIST digits (an SVM's training grows about as the square of its
    digits); the model the pages are read with is shown too, for reference.  The sheet's digits are
    augmented with ``sheet_copies`` copies each (None: as
    :func:`ocrkit.training.train_with_sheets` does by default).  Each part
    that cannot run (no page, no sheet, a training function not available)
    becomes a row saying so, so the section always has rows.
    """
    folder = Path(folder)
    pages = {name: (truth, path) for name, truth, path in find_pages(folder)[0]}
    if "writer_a_test_scan" not in pages:
        return [{"training": "all", "notice": "not available: writer_a_test_scan not bundled"}]
    truth, test_path = pages["writer_a_test_scan"]
    test_image = _read_image(test_path)

    def row(training, model, train_s):
        reading = read_page(test_image, model=model, name="writer_a_test_scan")
        trained_on = model.trained_on
        return {"training": training, "mnist_digits": int(trained_on.get("mnist_train", 0)),
                "sheet_digits": int(trained_on.get("sheet_digits", 0)),
                "sheet_copies": int(trained_on.get("augment", 0)), "train_s": train_s,
                "notice": "", **score_reading(truth, reading)}

    from ocrkit.datasets import load_mnist

    rows = [row(f"MNIST only: the page model ({page_label})", page_model, None)]
    data = load_mnist(n_train=n_mnist, n_test=1, seed=0)
    mnist_model = DigitClassifier("svm", features=page_model.features)
    train_s, _ = timed(mnist_model.fit, data.x_train, data.y_train)
    mnist_model.trained_on = {"mnist_train": int(len(data.y_train))}
    rows.append(row(f"MNIST only ({len(data.y_train):,} digits)", mnist_model, train_s))

    sheet_names = [n for n in pages if n.startswith("writer_a") and "sheet" in n]
    load_sheet, train_with_sheets = _load_sheet_function(), _train_with_sheets_function()
    missing = ("ocrkit's load_sheet" if load_sheet is None
               else "ocrkit.training.train_with_sheets" if train_with_sheets is None
               else "a writer_a sheet page" if not sheet_names else None)
    if missing:
        for training in ("sheet only", "MNIST + sheet"):
            rows.append({"training": training, "notice": f"not available: {missing} missing"})
        return rows
    sheets = [load_sheet(pages[name][1]) for name in sheet_names]
    names = ", ".join(sheet_names)
    copies = {} if sheet_copies is None else {"augment": sheet_copies}
    train_s, model = timed(train_with_sheets, sheets, mnist=False,
                           features=page_model.features, progress=progress, **copies)
    rows.append(row(f"sheet only ({names}, augmented)", model, train_s))
    train_s, model = timed(train_with_sheets, sheets, n_mnist=len(data.y_train),
                           features=page_model.features, progress=progress, **copies)
    rows.append(row(f"MNIST ({len(data.y_train):,} digits) + sheet ({names})", model, train_s))
    return rows


def page_peak_memory(reader, image, name):
    """Peak memory (MB) of the arrays one page read allocates, by tracemalloc.

    Resident memory does not grow for a page read once the process has held
    larger arrays before (freed memory is reused), so RSS would say 0 here;
    numpy's and OpenCV's output arrays are allocated through numpy, which
    reports to tracemalloc.
    """
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = tracemalloc.get_traced_memory()[0]
    try:
        reader(image, name)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (peak - start) / 1e6
