"""``'knn'``: k nearest neighbours, Euclidean.

It keeps every training vector; a digit gets the label most of its k
nearest training vectors have.  The confidence is the share of the votes the
winner got, and the distance to the nearest training vector is kept too.
"""

import numpy as np

from ..errors import OptionError
from .base import Classifier, squared_distances

__all__ = ["KNearest", "nearest_neighbours"]


class KNearest(Classifier):
    """k nearest neighbours on the training vectors, kept as they are.

    Parameters
    ----------
    k : int
        How many neighbours vote.  A training vector's ``sample_weight``
        counts as that many votes.
    """

    name = "knn"
    defaults = {"k": 5}
    reject_below = 0.5
    required = frozenset({"classes", "vectors", "labels", "weights"})

    def fit(self, vectors, labels, *, sample_weight=None):
        if sample_weight is not None:
            # Weights count as repeated votes of a training vector.
            sample_weight = np.asarray(sample_weight, dtype=np.float32)
        return {
            "classes": np.unique(labels),
            "vectors": vectors,
            "labels": labels,
            "weights": (np.ones(len(labels), np.float32) if sample_weight is None
                        else sample_weight),
        }

    def prepare(self, arrays):
        # A float64 copy of the training vectors, and their norms.
        if "vectors" in arrays:
            vectors = arrays["_vectors64"] = np.ascontiguousarray(arrays["vectors"],
                                                                  dtype=np.float64)
            arrays["_norms"] = np.einsum("ij,ij->i", vectors, vectors)
        return arrays

    def check(self, arrays, n_features):
        vectors, labels, weights = arrays["vectors"], arrays["labels"], arrays["weights"]
        if vectors.ndim != 2 or vectors.shape[1] != n_features:
            raise ValueError(f"training vectors {vectors.shape}, features of {n_features}")
        if not len(labels) == len(weights) == len(vectors):
            raise ValueError(f"{len(vectors)} training vectors, {len(labels)} labels "
                             f"and {len(weights)} weights")

    def scores(self, arrays, vectors):
        a, x = arrays, vectors
        classes = a["classes"]
        k = min(int(self.params["k"]), len(a["labels"]))
        dist = squared_distances(x, a["_vectors64"], b_norms=a["_norms"])
        nearest = nearest_neighbours(dist, k)
        near_dist = np.take_along_axis(dist, nearest, axis=1)
        votes = np.zeros((len(x), len(classes)))
        class_index = np.searchsorted(classes, a["labels"][nearest])
        weights = a["weights"][nearest]
        # Later neighbours count a hair less, so ties go to the nearest.
        np.add.at(votes, (np.arange(len(x))[:, None], class_index),
                  weights * (1.0 - 1e-6 * np.arange(k)))
        best = np.argmax(votes, axis=1)
        confidence = votes[np.arange(len(x)), best] / weights.sum(axis=1)
        return classes[best], np.clip(confidence, 0, 1), np.sqrt(near_dist[:, 0])


def nearest_neighbours(distances, k):
    """Indices of the `k` nearest of each row, nearest first, ties by index.

    Parameters
    ----------
    distances : (N, M) float ndarray
        Distance (or squared distance) of each query to each training vector.
    k : int
        How many neighbours, ``1 <= k <= M``.

    Returns
    -------
    nearest : (N, k) int ndarray
        Ordered by distance, and equal distances by training index.

    Raises
    ------
    OptionError
        If `k` is not between 1 and M.

    Notes
    -----
    ``np.argpartition`` and ``np.argsort`` order equal values differently on
    CPUs with and without AVX-512 (numpy dispatches them to SIMD sorts).
    Binary pixels give whole-number distances, so ties are common there: a
    tie at the k-th place would change the votes from one machine to
    another. Here the k-th smallest distance (a value, the same everywhere)
    is found first; everything nearer is in, and the tied ones at that
    distance are taken in index order.

    Examples
    --------
    >>> nearest_neighbours(np.array([[2.0, 1.0, 1.0, 0.0, 1.0]]), 3)
    array([[3, 1, 2]])
    """
    distances = np.asarray(distances)
    n_rows, n_cols = distances.shape
    if not 1 <= k <= n_cols:
        raise OptionError(f"k must be between 1 and {n_cols} (the training vectors), got {k}")
    nearest = np.argpartition(distances, k - 1, axis=1)[:, :k]
    kth = np.take_along_axis(distances, nearest, axis=1).max(axis=1, keepdims=True)
    # Rows with more than k candidates at or below the k-th distance have a
    # tie at the boundary, which argpartition settled in its own way.
    for row in np.flatnonzero((distances <= kth).sum(axis=1) > k):
        inside = np.flatnonzero(distances[row] < kth[row])
        tied = np.flatnonzero(distances[row] == kth[row])
        nearest[row] = np.concatenate([inside, tied[:k - len(inside)]])
    # Nearest first, equal distances in index order.
    order = np.lexsort((nearest, np.take_along_axis(distances, nearest, axis=1)), axis=1)
    nearest = np.take_along_axis(nearest, order, axis=1)
    return nearest
