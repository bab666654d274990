"""Real photos of handwritten digits (``data/real``): the kit and the original approach.

Every photo that ``data/real/truth.json`` lists is read by each approach and
scored by :func:`ocrkit.evaluate.score_real_page`: a true digit is found when
one detection covers at least 40 % of its (approximate) box, and right when
that detection's label is the digit.  Per photo and approach it reports the
digits right and found, the extra detections (specks, ruling, letters), the
line errors (true lines split, plus lines mixing true lines) and the number
errors (true numbers split, plus numbers run together; only on photos whose
grouping into numbers is certain), and the time a read takes.

A photo whose bytes are not the ones the truth lists is not scored (its
numbers would mean nothing), and is reported as a problem instead.

Usage::

    python benchmarks/bench_real.py [--folder data/real] [--repeats N] [--json]
"""

import argparse
import hashlib
import json
import sys
from functools import partial
from pathlib import Path

from bench_common import median_time
from tqdm.auto import tqdm

from ocrkit.errors import OcrkitError
from ocrkit.evaluate import score_real_page
from ocrkit.truth import load_real_truth

HERE = Path(__file__).resolve().parent
REAL = HERE.parent / "data" / "real"

#: Counts of a row that add up over the photos.
COUNTS = ("truth_digits", "detections", "right", "wrong", "unsure", "merged", "fragmented",
          "missed", "found", "extra", "on_printed", "line_errors", "number_errors")


def _row(page, approach, score, seconds, times):
    row = {"file": page.file, "approach": approach}
    row.update({key: getattr(score, key) for key in COUNTS})
    row.update({"numbers_scored": score.numbers_scored, "accuracy": score.accuracy,
                "confusions": list(score.confusions), "seconds": seconds, "runs": len(times)})
    return row


def _checked(page):
    """None if the photo's bytes are those the truth lists, else why not."""
    try:
        data = page.path.read_bytes()
    except OSError as exc:
        return f"{page.path}: cannot read it ({exc.strerror or type(exc).__name__})"
    digest = hashlib.sha256(data).hexdigest()
    if (len(data), digest) != (page.bytes, page.sha256):
        return (f"{page.path}: not the published file ({len(data)} bytes, SHA-256 "
                f"{digest[:12]}...; truth.json lists {page.bytes} bytes, {page.sha256[:12]}...)")
    return None


def bench_real(folder, approaches, *, repeats=1, progress=True):
    """Score and time every approach on every real photo.

    Parameters
    ----------
    folder : str or Path
        The folder with ``truth.json``, the photos and their licences
        (``data/real``).
    approaches : dict
        Name -> ``reader(image, name) -> PageReading``, the model already
        loaded (as :func:`bench_pages.bench_pages` takes them).
    repeats : int
        Reads timed per photo and approach; the median is reported.
    progress : bool
        Show a progress bar.

    Returns
    -------
    results : dict
        ``folder``; ``rows``, one per photo and approach, in the truth's
        order: ``file``, ``approach``, the counts of
        :class:`ocrkit.evaluate.PageScore` (``truth_digits``, ``detections``,
        ``right``, ``wrong``, ``unsure``, ``merged``, ``fragmented``,
        ``missed``, ``found``, ``extra``, ``on_printed``, ``line_errors``,
        ``number_errors``), ``numbers_scored``, ``accuracy`` (right over the
        photo's digits), ``confusions``, ``seconds`` and ``runs``;
        ``totals``, approach -> the counts summed over the photos scored;
        ``problems``, photos not scored and why.
    """
    from ocrkit.imageio import read_image

    folder = Path(folder)
    results = {"folder": str(folder), "rows": [], "totals": {}, "problems": []}
    try:
        pages = load_real_truth(folder)
    except OcrkitError as exc:
        results["problems"].append(str(exc))
        return results
    readable = []
    for page in pages:
        problem = _checked(page)
        if problem:
            results["problems"].append(problem)
        else:
            readable.append(page)
    work = [(page, name, reader) for page in readable for name, reader in approaches.items()]
    for page, approach, reader in tqdm(work, desc="real photos", disable=not progress):
        try:
            image = read_image(page.path)
        except OcrkitError as exc:
            results["problems"].append(str(exc))
            continue
        seconds, times, reading = median_time(partial(reader, image, page.file), repeats)
        results["rows"].append(_row(page, approach, score_real_page(page, reading), seconds,
                                    times))
    for approach in approaches:
        mine = [row for row in results["rows"] if row["approach"] == approach]
        if mine:
            totals = {key: sum(row[key] for row in mine) for key in COUNTS}
            totals["photos"] = len({row["file"] for row in mine})
            results["totals"][approach] = totals
    return results


def _pct(count, total):
    return f"{100 * count / total:.0f}%" if total else "-"


def real_table(results):
    """The real photos' results as markdown, for ``RESULTS.md``.

    Parameters
    ----------
    results : dict
        From :func:`bench_real`.

    Returns
    -------
    markdown : str
        A sentence on what is counted, a table with one row per photo and
        approach and a total row per approach, and the problems, if any; no
        heading, no trailing newline.
    """
    rows, totals = results.get("rows", []), results.get("totals", {})
    out = [f"The real photos in `{Path(results['folder']).name}/` (see its README): each "
           "true digit is found when one box covers at least 40 % of its truth box, right "
           "when that box's label is the digit. Extra: boxes on no digit. Line errors: true "
           "lines split, plus lines mixing true lines. Number errors: true numbers split, "
           "plus numbers run together (`-` where the grouping is not scored).", ""]
    header = ["photo", "digits", "approach", "right", "found", "extra", "line errors",
              "number errors", "s a page (runs)"]
    table = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    for row in rows:
        numbers = str(row["number_errors"]) if row["numbers_scored"] else "-"
        cells = [f"`{row['file']}`", row["truth_digits"], row["approach"],
                 f"{row['right']} ({_pct(row['right'], row['truth_digits'])})", row["found"],
                 row["extra"], row["line_errors"], numbers,
                 f"{row['seconds']:.2f} ({row['runs']})"]
        table.append("| " + " | ".join(str(c) for c in cells) + " |")
    for approach, total in totals.items():
        cells = [f"**all {total['photos']} photos**", total["truth_digits"], approach,
                 f"**{total['right']} ({_pct(total['right'], total['truth_digits'])})**",
                 total["found"], total["extra"], total["line_errors"], total["number_errors"],
                 ""]
        table.append("| " + " | ".join(str(c) for c in cells) + " |")
    out += table if rows else ["No photo could be scored."]
    if results.get("problems"):
        out += ["", "Not scored:", ""] + [f"- {problem}" for problem in results["problems"]]
    return "\n".join(out)


def default_approaches(*, progress=True):
    """The kit with the default model, and the original approach trained on all of MNIST."""
    from ocrkit.datasets import load_mnist
    from ocrkit.models import default_model
    from ocrkit.original import original_classifier, read_page_original
    from ocrkit.pipeline import read_page

    model = default_model(progress=progress)
    mnist = load_mnist(n_test=1)
    original = original_classifier().fit(mnist.x_train, mnist.y_train)
    return {
        "kit": lambda image, name: read_page(image, model=model, name=name),
        "original": lambda image, name: read_page_original(image, model=original, name=name),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="benchmarks/bench_real.py",
        description="Score the kit and the original approach on the real photos.")
    parser.add_argument("--folder", type=Path, default=REAL,
                        help="folder with truth.json and the photos (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=1, help="timed reads per photo")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    progress = not args.no_progress
    results = bench_real(args.folder, default_approaches(progress=progress),
                         repeats=args.repeats, progress=progress)
    print(json.dumps(results, indent=1) if args.json else real_table(results))
    return 1 if results["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
