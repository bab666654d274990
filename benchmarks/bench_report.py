"""Write the results: ``results.json`` (every number) and ``RESULTS.md`` (the tables)."""

import json
import math
from pathlib import Path

from bench_real import real_table
from bench_robustness import robustness_table

#: Section headings of RESULTS.md, in order (tests/test_bench_quick.py checks them).
SECTIONS = (
    "## Machine",
    "## MNIST",
    "## The original approach",
    "## Pages",
    "## Sheets",
    "## Writer A: training data",
    "## Real photos",
    "## Robustness map",
    "## Speed against the floor",
    "## How it was measured",
)


def plain(value):
    """JSON-able copy: numpy scalars to Python, NaN and infinities to None."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _num(value, digits=3):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}f}"


def _pct(value):
    return "-" if value is None or not math.isfinite(value) else f"{100 * value:.1f}%"


def _ms(value):
    return "-" if value is None else f"{1000 * value:.1f} ms"


def _runs(count, what):
    return f"{count} {what}" + ("" if count == 1 else "s")


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _machine(results):
    m = results["machine"]
    v = m["versions"]
    load = m.get("load_average_at_start")
    return [
        f"- Date: {m['date']}; mode: **{results['mode']}**; whole run {results['elapsed_s']:.0f} s",
        f"- CPU: {m['cpu']}, {m['cores']} cores available; {m['os']}"
        + (f"; load average at start {load[0]:.2f}" if load else ""),
        f"- Python {m['python']}; ocrkit {v['ocrkit']}, numpy {v['numpy']}, "
        f"OpenCV {v['opencv']}, scikit-image {v['scikit-image']}, "
        f"scikit-learn {v['scikit-learn']}",
    ]


def _mnist(results):
    mnist = results["mnist"]
    plan = mnist["plan"]
    out = [f"Trained on up to {mnist['n_train']:,} MNIST training digits, tested on "
           f"{mnist['n_test']:,} test digits. KNN uses k = 3 (the original's); SVM (RBF) and "
           "linear (logistic regression) use the kit's defaults. Feature time is for all "
           f"{mnist['n_train'] + mnist['n_test']:,} digits, measured once per feature setting; "
           f"prediction time is for the {mnist['n_test']:,} test digits. Budget for training "
           f"and prediction: {plan['budget_s']:.0f} s, of which pilots on {plan['pilot_digits']:,} "
           f"digits took {plan['pilot_s']:.0f} s; the sizes chosen were predicted to take "
           f"{plan['predicted_total_s']:.0f} s.", ""]
    rows = []
    for r in mnist["grid"]:
        params = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                           for k, v in r["params"].items())
        rows.append([r["features"], _num(r["deskew"]), r["dims"], f"{r['classifier']} ({params})",
                     _num(r["n_train"]), _pct(r["accuracy"]), _num(r["feature_s"], 2),
                     _num(r["train_s"], 2), _num(r["predict_s"], 2), _num(r["peak_mb"], 0),
                     r["note"] or ""])
    out.append(_table(["features", "deskew", "dims", "classifier", "trained on", "accuracy",
                       "features (s)", "train (s)", "predict (s)", "peak MB", "note"], rows))
    out += ["", "Feature extraction alone:", ""]
    out.append(_table(["features", "deskew", "dims", "digits", "seconds", "µs a digit", "peak MB"],
                      [[r["features"], _num(r["deskew"]), r["dims"], _num(r["digits"]),
                        _num(r["seconds"], 2), _num(1e6 * r["seconds"] / max(1, r["digits"]), 1),
                        _num(r["peak_mb"], 0)] for r in mnist["features"]]))
    pm = mnist.get("page_model")
    if pm:
        out += ["", f"The model the pages below are read with ({pm['model']}, obtained in "
                f"{pm['obtained_s']:.1f} s): MNIST test accuracy {_pct(pm['accuracy'])} on "
                f"{pm['n_test']:,} digits, prediction {pm['predict_s']:.2f} s "
                f"(+ {pm['feature_s']:.2f} s features), peak {pm['peak_mb']:.0f} MB."]
    return out


def _page_rows(rows):
    return [[r["page"], r["approach"], _num(r["truth_digits"]), _num(r["found"]),
             _pct(r["recall"]), _pct(r["precision"]), _pct(r["digit_accuracy"]),
             _pct(r["line_accuracy"]), _pct(r["line_accuracy_digits"]),
             f"{r['seconds']:.2f} ({r['runs']})"] for r in rows]


_PAGE_HEADER = ["page", "approach", "true digits", "found", "recall", "precision",
                "digit accuracy", "lines exact", "lines, spaces ignored", "s a page (runs)"]


def _original(results):
    orig = results["original"]
    out = ["Fixed threshold 127, top-level contours 5-200 px wide and 20-200 px tall sorted by "
           "(y, x), crops stretched to 28x28, HOG with 10 orientations on 5x5 cells, 3 nearest "
           "neighbours (`ocrkit/original.py`)."]
    m = orig.get("mnist")
    if m:
        out.append(f"On MNIST (trained on {m['n_train']:,} digits as they are): accuracy "
                   f"{_pct(m['accuracy'])} on {m['n_test']:,} test digits, predicted in "
                   f"{m['predict_s']:.2f} s.")
    rows = [r for r in results["pages"]["rows"] if r["approach"] == "original"]
    if rows:
        out += ["", _table(_PAGE_HEADER, _page_rows(rows))]
    else:
        out += ["", "No bundled pages were read."]
    return out


def _pages(results):
    pages = results["pages"]
    out = [f"Pages in `{pages['folder']}` with ground truth. A found box matches a true digit "
           f"when IoU >= 0.5 (one to one, greedy). Digit accuracy is over matched boxes (a "
           "rejected digit counts as wrong). A line is right when its text equals the truth's "
           "line at the same position. Time: median of the runs shown, image decoded and model "
           "loaded beforehand."]
    if pages["rows"]:
        out += ["", _table(_PAGE_HEADER, _page_rows(pages["rows"]))]
    else:
        out += ["", "No bundled pages found."]
    for problem in pages["problems"]:
        out.append(f"- skipped: {problem}")
    return out


def _sheets(results):
    rows = [[r["sheet"], r["kind"], _num(r["truth_digits"]), _num(r["found"]), _num(r["right"]),
             _num(r["empty_cells"]), _num(r["seconds"], 2)] for r in results.get("sheets", [])]
    if not rows:
        return ["No bundled sheets found."]
    return ["Training sheets read by `ocrkit.sheets.load_sheet` (free-form: rows found along "
            "their slope; template: ArUco markers). A digit is right when its box matches the "
            "truth's (IoU >= 0.5) and its label is the row's digit.", "",
            _table(["sheet", "kind", "digits", "found", "right", "empty cells", "time (s)"],
                   rows)]


def _writer_a(results):
    rows = []
    for r in results["writer_a"]:
        if r.get("notice"):
            rows.append([r["training"], "-", "-", "-", "-", "-", "-", r["notice"]])
            continue
        sheet = (f"{r['sheet_digits']:,} + {r['sheet_digits'] * r['sheet_copies']:,} copies"
                 if r["sheet_digits"] else "0")
        rows.append([r["training"], _num(r["mnist_digits"]), sheet, _num(r["train_s"], 1),
                     _pct(r["recall"]), _pct(r["digit_accuracy"]), _pct(r["line_accuracy"]), ""])
    return ["Writer A's test page read by the kit's pipeline with kit HOG + SVM models trained "
            "on different data (sheet digits are augmented by `ocrkit.training`).", "",
            _table(["training data", "MNIST digits", "sheet digits", "train (s)", "recall",
                    "digit accuracy", "lines exact", "notice"], rows)]


def _real(results):
    return [real_table(results["real"])]


def _robustness(results):
    r = results["robustness"]
    out = ["Synthetic phone photos (`benchmarks/bench_robustness.py`), one condition changed "
           "at a time, read by the kit with every binarisation (the default one marked) and by "
           f"the original approach, with the models above; {r['seconds']:.0f} s in all.", "",
           robustness_table(r).rstrip("\n"), ""]
    errors = [f"- {name} raised on {len(reader['errors'])} pictures (counted as nothing "
              f"found), first: {reader['errors'][0]}"
              for name, reader in r["readers"].items() if reader["errors"]]
    if errors:
        out += errors + [""]
    out.append(f"Figure: [{Path(r['figure']).name}]({r['figure']})")
    return out


def _page_speed(pages):
    rows = pages["rows"]
    if not rows:
        return ["No page could be read."] + [f"- skipped: {p}" for p in pages["problems"]]
    within = sum(r["within"] for r in rows)
    out = [f"Every bundled page and real photo, read by the kit with the page model loaded "
           f"({pages['model']}), the read starting from the decoded pixels, against the page's "
           "decode floor: `cv2.imdecode` of the file itself for a JPEG, of the same pixels "
           "encoded as a JPEG (quality 95) for any other format (a BMP decodes as a plain "
           "copy). Budget: k x decode + 0.15 ms per digit found, k = 2 on an A4 page at "
           "300 dpi, 3 on any other. Medians of "
           f"{_runs(rows[0]['decode_runs'], 'decode')} and "
           f"{_runs(rows[0]['read_runs'], 'read')} per page, timed in turn (after one untimed "
           "read), all in one process.", "",
           _table(["page", "size", "decode of", "digits found", "decode ms", "read ms",
                   "budget ms", "within"],
                  [[f"`{r['page']}`", f"{r['size'][0]} x {r['size'][1]}", r["floor"],
                    _num(r["digits_found"]), _num(1000 * r["decode_s"], 1),
                    _num(1000 * r["read_s"], 1),
                    f"{_num(1000 * r['budget_s'], 1)} (k = {r['k']})", _num(r["within"])]
                   for r in rows]),
           "", f"{within} of {len(rows)} pages read within their budget."]
    out += [f"- skipped: {p}" for p in pages["problems"]]
    staged = [r for r in rows if r.get("stages")]
    if staged:
        out += ["", "Where the time goes: each stage's median over as many more reads of the page "
                "(timed apart from the reads above), in ms. Sheet: looking for a sheet lying on "
                "something darker (`ocrkit.paper.find_sheet`); preprocessing: the rest of "
                "`ocrkit.ink.page_ink` (grey, resolution, flattening, binarisation, lined paper "
                "turned level); segmentation: `ocrkit.segment.segment_digits`, with the "
                "classifier's scoring of the pieces it may join or cut; reading: normalising and "
                "classifying the digits found. Bare minimum: the least any reader does before it "
                "segments (`bench_speed.bare_minimum`: grey, the paper's light divided out, "
                "Otsu's split, the components labelled, at the size the kit reads the page at), "
                "median of as many runs as the decodes, timed in turn with them. Left: the budget "
                "less the bare minimum and the reading, which every read pays: what the budget "
                "leaves for looking for a sheet and for segmentation.", "",
                _table(["page", "read ms", "sheet", "preprocessing", "segmentation", "reading",
                        "budget ms", "bare minimum", "left"],
                       [[f"`{r['page']}`", _num(1000 * r["read_s"], 1)]
                        + [_num(1000 * r["stages"][key], 1)
                           for key in ("sheet_s", "preprocessing_s", "segmentation_s",
                                       "reading_s")]
                        + [_num(1000 * r["budget_s"], 1), _num(1000 * r["bare_minimum_s"], 1),
                           _num(1000 * _left(r), 1)]
                        for r in staged])]
        nothing = [r for r in staged if _left(r) <= 0]
        short = [r for r in staged if 0 < _left(r) < r["stages"]["sheet_s"]]
        out += ["", f"{len(nothing)} of {len(staged)} pages leave nothing: the bare minimum and "
                "the reading alone take their budget or more. "
                f"{len(short)} more leave less than their sheet search takes."]
    return out


def _left(row):
    """What a page's budget leaves once the bare minimum and the reading are paid, in seconds."""
    return row["budget_s"] - row["bare_minimum_s"] - row["stages"]["reading_s"]


def _speed(results):
    speed = results["speed"]
    out = []
    if speed.get("pages"):
        out += _page_speed(speed["pages"]) + [""]
    p = speed.get("page")
    if p:
        decode = p["imdecode_s"]
        rows = [[f"cv2.imdecode of the file's bytes (median of {p['decode_runs']})",
                 _ms(decode), "1.00", "-"]]
        if p.get("read_image_s"):
            rows.append([f"ocrkit.imageio.read_image (median of {p['decode_runs']})",
                         _ms(p["read_image_s"]), _num(p["read_image_s"] / decode, 2), "-"])
        for approach, r in p["reads"].items():
            budget = (f"{_ms(r['budget_s'])}: {'within' if r['within'] else 'over'}"
                      if "budget_s" in r else "-")
            rows.append([f"page read, {approach}: {r['digits_found']} digits found "
                         f"(median of {p['read_runs']})", _ms(r["read_s"]),
                         _num(r["over_imdecode"], 2), budget])
        out += [f"Page `{p['page']}` ({p['size'][0]} x {p['size'][1]} px, "
                f"{p['file_bytes'] / 1e6:.2f} MB; {p['source']}). Page reads start from the "
                "decoded image with the model loaded. Budget: k x decode + 0.15 ms per digit "
                "found (k = 2 on an A4 page at 300 dpi, else 3).", "",
                _table(["step", "time", "x cv2.imdecode", "budget"], rows),
                "", f"Peak memory of one kit page read: {p['read_peak_mb']:.0f} MB of arrays "
                "(tracemalloc)."]
    h = speed.get("hog")
    if h:
        out += ["", f"HOG of {h['digits']:,} digits (28x28, {h['options']['orientations']} "
                f"orientations, {h['options']['pixels_per_cell']} cells, "
                f"{h['options']['cells_per_block']} blocks, unsigned): `ocrkit.hog.hog` on the "
                f"stack {h['kit_s']:.2f} s (median of {h['kit_runs']}), `skimage.feature.hog` "
                f"in a loop {h['skimage_s']:.2f} s: {h['speedup']:.1f}x faster; largest "
                f"difference {h['max_abs_difference']:.1e}."]
        if "kit_default_s" in h:
            out[-1] += (f" The default model's features (the same with signed gradients "
                        f"and interpolated votes): {h['kit_default_s']:.2f} s.")
    return out


def _method(results):
    spent = ", ".join(f"{name} {seconds:.0f} s"
                      for name, seconds in results.get("sections_s", {}).items())
    return [f"- Time by section: {spent}.", f"- Peak memory: {results['memory_method']}.",
            "- Timings are wall-clock (`time.perf_counter`); seeds are fixed (MNIST subsets: "
            "seed 0, class-balanced and nested).",
            "- No allocator or environment tuning (such as glibc's `mallopt`): every step runs "
            "as it does for a user, page faults on newly allocated arrays included.",
            "- MNIST training sizes below the full set were chosen at run time from a pilot "
            "run's cost (see each row's note), to fit the grid's time budget."]


def _option(mode):
    """The option that asked for a run's mode: '' for the full run, else ' --quick' or the like."""
    return "" if mode == "full" else f" --{mode}"


def to_markdown(results):
    """RESULTS.md text."""
    parts = ["# Benchmark results", "",
             f"Written by `benchmarks/run.py{_option(results['mode'])}`. "
             "Every number below is in `results.json` too."]
    builders = (_machine, _mnist, _original, _pages, _sheets, _writer_a, _real, _robustness,
                _speed, _method)
    for heading, build in zip(SECTIONS, builders):
        parts += ["", heading, "", *build(results)]
    return "\n".join(parts) + "\n"


def write_results(results, out_dir):
    """Write results.json and RESULTS.md into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    clean = plain(results)
    json_path, md_path = out_dir / "results.json", out_dir / "RESULTS.md"
    json_path.write_text(json.dumps(clean, indent=1) + "\n", encoding="utf-8")
    md_path.write_text(to_markdown(clean), encoding="utf-8")
    return json_path, md_path
