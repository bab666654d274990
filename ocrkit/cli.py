"""The ``ocrkit`` command line.

    ocrkit read IMAGE... [--model M] [--out DIR] [--json]
    ocrkit train [--mnist] [--classifier svm|knn|linear] [--features hog|pixels] --out MODEL
    ocrkit --version

Every problem with what the user gave (a missing or damaged image, a bad model
file) is reported as one line naming the file, with exit status 2.
"""

import argparse
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from . import __version__
from .errors import OcrkitError

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
                    "recognised digits alone) and NAME.json into --out.")
    read.add_argument("images", nargs="+", metavar="IMAGE",
                      help="PNG, JPEG, TIFF, BMP or WebP files")
    read.add_argument("--model", metavar="M", help="a model file from `ocrkit train` "
                      "(default: HOG + SVM trained on MNIST, built once and cached)")
    read.add_argument("--out", metavar="DIR", default="out", help="output folder (default: out)")
    read.add_argument("--json", action="store_true", help="also print the JSON to stdout")
    read.add_argument("--method", default="otsu",
                      choices=["otsu", "sauvola", "adaptive_mean", "adaptive_gaussian", "fixed"],
                      help="binarisation method (default: otsu after flattening the light)")
    read.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                      help="pages read in parallel (default: all cores)")

    train = commands.add_parser(
        "train", help="train a classifier and save it as a model file",
        description="Train a digit classifier. Model files hold only arrays and settings; "
                    "loading one never runs code.")
    train.add_argument("--mnist", action="store_true",
                       help="train on MNIST's 60,000 training digits (the default source)")
    train.add_argument("--classifier", default="svm", choices=["svm", "knn", "linear"])
    train.add_argument("--features", default="hog", choices=["hog", "pixels"])
    train.add_argument("--n-train", type=int, metavar="N",
                       help="use a class-balanced subset of N MNIST digits (faster)")
    train.add_argument("--out", metavar="MODEL", required=True, help="model file to write (.npz)")
    return parser


def _read_one(path, model_path, out_dir, method):
    """Read one page and write its three outputs; returns (path, json, error)."""
    from .imageio import write_image
    from .models import default_model, load_model
    from .pipeline import read_page

    try:
        model = load_model(model_path) if model_path else default_model(progress=False)
        result = read_page(path, model=model, method=method)
        stem = Path(path).stem
        out_dir.mkdir(parents=True, exist_ok=True)
        write_image(out_dir / f"{stem}_annotated.png", result.annotated())
        write_image(out_dir / f"{stem}_digits.png", result.digits_image())
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

    # Load (or train, the first time) once here, so that workers find it cached
    # and a bad model file is reported before any page is read.
    if args.model:
        load_model(args.model)
    else:
        default_model(progress=True)
    out_dir = Path(args.out)
    jobs = max(1, min(args.jobs, len(args.images)))
    results = []
    bar = tqdm(total=len(args.images), desc="reading", unit="page",
               disable=len(args.images) < 2, file=sys.stderr)
    if jobs == 1:
        for path in args.images:
            results.append(_read_one(path, args.model, out_dir, args.method))
            bar.update()
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_read_one, path, args.model, out_dir, args.method)
                       for path in args.images]
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


def _cmd_train(args):
    from .features import FeatureSettings
    from .models import save_model, train_mnist_model

    features = FeatureSettings(kind=args.features)
    model = train_mnist_model(args.classifier, features=features, n_train=args.n_train)
    out = Path(args.out)
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True)
    save_model(model, out)
    print(f"saved {model} to {out}")
    return 0


def main(argv=None):
    """Entry point of the ``ocrkit`` command; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return {"read": _cmd_read, "train": _cmd_train}[args.command](args)
    except OcrkitError as exc:
        print(f"ocrkit: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("ocrkit: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
