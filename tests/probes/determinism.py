"""Print, as JSON, numbers that must not depend on the CPU.

Run in a fresh interpreter by ``tests/test_determinism.py``, once as the
machine is and once with ``NPY_DISABLE_CPU_FEATURES`` hiding AVX-512 (and
AVX2) from numpy, which then takes other SIMD code paths for sorting,
partitioning and arithmetic. Every number printed here must come out the
same, so that a notebook prints the same digits on every learner's laptop.
"""

import json
import sys

import numpy as np
from numpy._core._multiarray_umath import __cpu_features__

from ocrkit._paths import DATA_DIR
from ocrkit.classifiers import squared_distances
from ocrkit.classify import DigitClassifier
from ocrkit.datasets import load_mnist
from ocrkit.features import FeatureSettings, extract_features
from ocrkit.models import default_model
from ocrkit.pipeline import read_page


def main():
    data = load_mnist(n_train=2000, n_test=300, seed=0)
    binary = FeatureSettings(kind="pixels", deskew=False, binary_pixels=True)
    knn = DigitClassifier("knn", features=binary, k=3).fit(data.x_train, data.y_train)
    knn_labels, knn_confidence = knn.predict_confidence(data.x_test)
    # How many test digits have a tie between their 3rd and 4th neighbour:
    # the probe is only worth something if there are some.
    dist = np.sort(squared_distances(extract_features(data.x_test, settings=binary),
                                     knn.arrays["vectors"]), axis=1)
    ties = int((dist[:, 2] == dist[:, 3]).sum())

    model = default_model()
    mnist_labels, mnist_confidence = model.predict_confidence(data.x_test[:200])
    page = read_page(DATA_DIR / "handwriting" / "writer_a_test_scan.jpg", model=model)
    json.dump({
        "cpu": {name: bool(__cpu_features__.get(name)) for name in ("X86_V3", "X86_V4",
                                                                     "AVX512_SKX", "AVX2")},
        "knn_ties": ties,
        "knn_labels": knn_labels.tolist(),
        "knn_confidence": knn_confidence.tolist(),
        "mnist_labels": mnist_labels.tolist(),
        "mnist_confidence": mnist_confidence.tolist(),
        "page_labels": page.labels.tolist(),
        "page_confidence": page.confidence.tolist(),
        "page_lines": page.lines,
    }, sys.stdout)


if __name__ == "__main__":
    main()
