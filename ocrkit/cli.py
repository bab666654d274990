"""The ``ocrkit`` command line.

    ocrkit read IMAGE... [--model M] [--out DIR] [--json]
    ocrkit train [--mnist] [--classifier svm|knn|linear] [--features hog|pixels] [--n-mnist N]
                 --out MODEL
    ocrkit train --sheet IMAGE [--sheet IMAGE...] [--order 1234567890] [--mnist] --out MODEL
    ocrkit template --out sheet.pdf [--digits 1234567890] [--repeats 10]
    ocrkit --version

Every problem with what the user gave (a missing or damaged image, a bad model
file, an option out of range) is reported as one line naming the file or the
option, with exit status 2.
"""

import argparse
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from . import __version__
from .classifiers import CLASSIFIERS
from .errors import OcrkitError
from .preprocess import BINARIZE_METHODS

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors also exit with status 2 and one line."""

    def error(self, message):
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _build_parser():
    parser = _Parser(prog="ocrkit", description=(
        "Read handwritten digits on scans and photos with classical computer vision."))
    parser.add_argument("--version", action="version", version=f"ocrkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    read = commands.add_parser(
        "read", help="read the digits on one or more page images",
        description="Find and recognise the digits on each page. For NAME.jpg it writes "
                    "NAME_annotated.png (boxes and predicted digits), NAME_digits.png (the "
                    "recognised digits alone) and NAME.json into --out, and with --explain "
                    "NAME_explain.png (why each piece of ink was or was not read).")
    read.add_argument("images", nargs="+", metavar="IMAGE",
                      help="PNG, JPEG, TIFF, BMP or WebP files")
    read.add_argument("--model", metavar="M", help="a model file from `ocrkit train` "
                      "(default: HOG + SVM trained on MNIST, shipped with the kit)")
    read.add_argument("--out", metavar="DIR", default="out", help="output folder (default: out)")
    read.add_argument("--json", action="store_true", help="also print the JSON to stdout")
    read.add_argument("--method", default="contrast", choices=BINARIZE_METHODS,
                      help="binarisation method (default: contrast, ink decided by its "
                           "contrast with the paper after flattening the light)")
    read.add_argument("--explain", action="store_true",
                      help="also write NAME_explain.png: the sheet found, the ink, and every "
                           "piece of ink left out, with the reason")
    read.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                      help="pages read in parallel (default: all cores)")

    train = commands.add_parser(
        "train", help="train a classifier and save it as a model file",
        description="Train a digit classifier. Model files hold only arrays and settings; "
                    "loading one never runs code.")
    train.add_argument("--mnist", action="store_true",
                       help="train on MNIST's 60,000 training digits (the default source; "
                            "with --sheet, add them to the sheets)")
    train.add_argument("--classifier", default="svm", choices=list(CLASSIFIERS),
                       help="the kind of classifier (default: svm)")
    train.add_argument("--features", default="hog", choices=["hog", "pixels"],
                       help="what the classifier sees of a digit (default: hog)")
    # --n-train is the name ocrkit 0.1 gave it.
    train.add_argument("--n-mnist", "--n-train", dest="n_mnist", type=int, metavar="N",
                       help="use a class-balanced subset of N MNIST training digits (faster)")
    train.add_argument("--out", metavar="MODEL", required=True, help="model file to write (.npz)")
    train.add_argument("--sheet", action="append", metavar="IMAGE",
                       help="a scan or photo of a sheet of your handwriting (a filled-in "
                            "`ocrkit template`, or rows written freely); repeat for more sheets")
    train.add_argument("--order", metavar="DIGITS",
                       help="digit of each row, top to bottom (default: the template's own, "
                            "or 1234567890 on a free-form sheet)")
    train.add_argument("--repeats", type=int, metavar="N",
                       help="digits per row (default: the template's own, or 10)")
    train.add_argument("--folds", type=int, default=5, metavar="K",
                       help="with --sheet, print K-fold accuracy on the sheet digits (0: skip)")

    template = commands.add_parser(
        "template", help="write a printable sheet for your own handwriting",
        description="Write an A4 sheet of boxes to fill in by hand, one row per digit, with "
                    "corner markers so that a phone photo of it can be read. Train on it "
                    "with `ocrkit train --sheet PHOTO`.")
    template.add_argument("--out", metavar="FILE", required=True, help=".pdf or .png file")
    template.add_argument("--digits", default="1234567890",
                          help="digit of each row, top to bottom (default: 1234567890)")
    template.add_argument("--repeats", type=int, default=10, help="boxes per row (default: 10)")
    template.add_argument("--dpi", type=int, default=300, help="resolution (default: 300)")
    return parser


def _read_one(path, model_path, out_dir, method, explain=False):
    """Read one page and write its three outputs; returns (path, json, error)."""
    from .imageio import write_image
    from .models import default_model, load_model
    from .pipeline import read_page

    try:
        model = load_model(model_path) if model_path else default_model()
        result = read_page(path, model=model, method=method)
        stem = Path(path).stem
        out_dir.mkdir(parents=True, exist_ok=True)
        write_image(out_dir / f"{stem}_annotated.png", result.annotated())
        write_image(out_dir / f"{stem}_digits.png", result.digits_image())
        if explain:
            write_image(out_dir / f"{stem}_explain.png", result.explained())
        data = result.to_json()
        (out_dir / f"{stem}.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        return path, data, result.notice
    except OcrkitError as exc:
        return path, None, f"error: {exc}"
    except OSError as exc:
        return path, None, f"error: {exc.filename or out_dir}: cannot write ({exc.strerror})"


def _cmd_read(args):
    from tqdm.auto import tqdm

    from .models import default_model, load_model

    # Load once here, so that a bad model file is reported before any page is read.
    if args.model:
        load_model(args.model)
    else:
        default_model()
    out_dir = Path(args.out)
    jobs = max(1, min(args.jobs, len(args.images)))
    results = []
    bar = tqdm(total=len(args.images), desc="reading", unit="page",
               disable=len(args.images) < 2, file=sys.stderr)
    if jobs == 1:
        for path in args.images:
            results.append(_read_one(path, args.model, out_dir, args.method, args.explain))
            bar.update()
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_read_one, path, args.model, out_dir, args.method,
                                   args.explain) for path in args.images]
            for future in as_completed(futures):
                results.append(future.result())
                bar.update()
    bar.close()
    order = {path: i for i, path in enumerate(args.images)}
    failed = 0
    for path, data, message in sorted(results, key=lambda r: order[r[0]]):
        if data is None:
            failed += 1
            print(f"ocrkit: {message}", file=sys.stderr)
            continue
        if message:
            print(f"ocrkit: {path}: {message}", file=sys.stderr)
        if args.json:
            print(json.dumps(data))
        else:
            digits = len(data["digits"])
            print(f"{path}: {digits} digits -> {out_dir / Path(path).stem}_*.png")
            for line in data["lines"]:
                print(f"  {line}")
    return EXIT_BAD_INPUT if failed else 0


def _load_sheets(args, out):
    """Load every --sheet; on a wrong count, save the overlay and return None."""
    from .errors import SheetError
    from .imageio import write_image
    from .sheets import load_sheet

    sheets = []
    for path in args.sheet:
        try:
            sheet = load_sheet(path, order=args.order, repeats=args.repeats)
        except SheetError as exc:
            overlay = getattr(exc, "overlay", None)
            if overlay is None:
                raise
            print(f"ocrkit: error: {exc}", file=sys.stderr)
            where = out.with_name(f"{out.stem}_sheet_overlay.png")
            out.parent.mkdir(parents=True, exist_ok=True)
            write_image(where, overlay)
            print(f"ocrkit: the rows found are drawn in {where}", file=sys.stderr)
            return None
        print(sheet.summary())
        sheets.append(sheet)
    return sheets


def _cmd_train_sheets(args, features):
    from .models import save_model
    from .training import sheet_cross_validation, train_with_sheets

    out = Path(args.out)
    sheets = _load_sheets(args, out)
    if sheets is None:
        return EXIT_BAD_INPUT
    options = {"mnist": args.mnist, "kind": args.classifier, "features": features}
    try:
        if args.folds:
            # Each fold trains a classifier: a smaller MNIST keeps the check short.
            n_check = min(args.n_mnist or 60000, 5000)
            n = sum(len(s) for s in sheets)
            check = sheet_cross_validation(sheets, folds=min(args.folds, n), n_mnist=n_check,
                                           **options)
            text = (f"{check['folds']}-fold accuracy on your {n} sheet digits: "
                    f"{check['accuracy']:.1%} ({len(check['errors'])} wrong)")
            if args.mnist:
                text += (f"; trained on MNIST alone ({n_check} digits): "
                         f"{check['mnist_only']:.1%}")
            print(text)
        model = train_with_sheets(sheets, n_mnist=args.n_mnist, **options)
    except ValueError as exc:
        print(f"ocrkit: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    out.parent.mkdir(parents=True, exist_ok=True)
    save_model(model, out)
    print(f"saved {model} to {out}")
    return 0


def _cmd_template(args):
    from .sheets import make_template, save_template

    try:
        image, layout = make_template(digits=args.digits, repeats=args.repeats, dpi=args.dpi)
        save_template(image, args.out, dpi=args.dpi)
    except ValueError as exc:
        print(f"ocrkit: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OcrkitError:
        raise  # already one line naming the file
    except OSError as exc:
        print(f"ocrkit: error: {args.out}: cannot write ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"wrote {args.out}: {layout.rows} rows ({layout.digits}) of {layout.repeats} boxes, "
          f"A4 at {args.dpi} dpi. Fill it in, scan or photograph it, then: "
          f"ocrkit train --sheet PHOTO --out MODEL")
    return 0


def _cmd_train(args):
    from .features import FeatureSettings
    from .models import save_model, train_mnist_model

    features = FeatureSettings(kind=args.features)
    if args.sheet:
        return _cmd_train_sheets(args, features)
    if args.order is not None or args.repeats is not None:
        print("ocrkit: error: --order and --repeats describe a --sheet; give one",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    model = train_mnist_model(args.classifier, features=features, n_mnist=args.n_mnist)
    out = Path(args.out)
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True)
    save_model(model, out)
    print(f"saved {model} to {out}")
    return 0


def main(argv=None):
    """Entry point of the ``ocrkit`` command.

    Parameters
    ----------
    argv : list of str, optional
        The arguments; ``sys.argv[1:]`` by default.

    Returns
    -------
    status : int
        0 on success, 2 (:data:`EXIT_BAD_INPUT`) for a bad file or option,
        130 when interrupted, 141 when whoever reads the output stops
        reading (as a shell reports a closed pipe).
    """
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return {"read": _cmd_read, "train": _cmd_train,
                "template": _cmd_template}[args.command](args)
    except OcrkitError as exc:
        print(f"ocrkit: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("ocrkit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``ocrkit read ... | head``):
        # nothing more to say, and Python must not complain on exit either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
