"""Does training on shifted and rotated copies of MNIST help the default SVM?

Each run trains the default model's classifier (kit HOG + RBF SVM, C = 10,
gamma 'scale') on all 60,000 MNIST training digits plus ``--copies``
transformed copies of each (:func:`ocrkit.training.augment_digits`: random
rotation, scaling and shift; no shear, which deskewing undoes, and no stroke
change), and reports test accuracy, support vectors and seconds against the
same classifier without copies, measured in the same run.

It trains the SVM twice, on all of MNIST and then on more, so it is not
part of ``make bench``::

    .venv/bin/python benchmarks/augment_mnist.py --copies 1 --rotation 3 --scale 0.03 --shift 0.5
"""

import argparse
import json
import sys

import numpy as np
from bench_common import machine_info, timed

from ocrkit.classify import DigitClassifier
from ocrkit.datasets import load_mnist
from ocrkit.features import FeatureSettings, extract_features
from ocrkit.training import augment_digits


def run(x, y, x_test, y_test, *, copies, rotation, scale, shift, seed=0):
    """Train on MNIST plus ``copies`` transformed copies; return the measurements."""
    if copies:
        extra, source = augment_digits(x, copies=copies, seed=seed, rotation=rotation,
                                       scale=scale, shear=0.0, shift=shift, stroke=False)
        x, y = np.concatenate([x, extra]), np.concatenate([y, y[source]])
    settings = FeatureSettings()
    features_s, vectors = timed(extract_features, x, settings=settings)
    model = DigitClassifier("svm", features=settings)
    fit_s, _ = timed(model.fit_features, vectors, y)
    test = extract_features(x_test, settings=settings)
    predict_s, (labels, _, _) = timed(model.scores, test)
    return {"copies": copies, "rotation_deg": rotation, "scale": scale, "shift_px": shift,
            "train_digits": int(len(y)), "accuracy": float(np.mean(labels == y_test)),
            "support_vectors": int(model.arrays["support_vectors"].shape[0]),
            "features_s": features_s, "fit_s": fit_s, "predict_s": predict_s}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="benchmarks/augment_mnist.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=1, help="copies of each digit")
    parser.add_argument("--rotation", type=float, default=3.0, help="largest rotation, degrees")
    parser.add_argument("--scale", type=float, default=0.03, help="largest change of size")
    parser.add_argument("--shift", type=float, default=0.5, help="largest shift, pixels")
    parser.add_argument("--mnist", type=int, nargs=2, metavar=("N_TRAIN", "N_TEST"),
                        help="class-balanced MNIST subsets instead of all digits")
    args = parser.parse_args(argv)
    sizes = dict(zip(("n_train", "n_test"), args.mnist)) if args.mnist else {}
    data = load_mnist(**sizes)
    print(json.dumps(machine_info()), file=sys.stderr)
    for copies in (0, args.copies):
        result = run(data.x_train, data.y_train, data.x_test, data.y_test, copies=copies,
                     rotation=args.rotation, scale=args.scale, shift=args.shift)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
