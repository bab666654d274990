"""Classifiers: from feature vectors to digit labels with a confidence.

Three classifiers behind one small interface (:class:`DigitClassifier`):

``'svm'``
    an RBF-kernel support vector machine (scikit-learn's ``SVC``, one-vs-one);
    confidence comes from the winning class's smallest pairwise margin.
``'knn'``
    k nearest neighbours (Euclidean); confidence is the share of the k votes
    the winner got, and the distance to the nearest neighbour is kept too.
``'linear'``
    multinomial logistic regression; confidence is its probability.

scikit-learn does the training.  Prediction runs on plain arrays kept by the
classifier (support vectors, coefficients, training vectors), so that a model
saved to an ``.npz`` file and loaded again predicts exactly the same without
any pickled object (see :mod:`ocrkit.models`).  A digit whose confidence is
below ``reject_below`` is reported as unknown (label -1).

OpenCV's ``cv2.ml.KNearest`` and ``cv2.ml.SVM``, which older tutorials use,
are not in opencv-python 5.x (they moved to opencv-contrib).
"""

import numpy as np

from .features import FeatureSettings, extract_features

__all__ = ["CLASSIFIER_KINDS", "UNKNOWN", "DigitClassifier"]

CLASSIFIER_KINDS = ("svm", "knn", "linear")
#: Label given to a digit the classifier is not sure enough of.
UNKNOWN = -1

DEFAULTS = {
    # 'scale' is gamma_factor / (D * variance of the features): the RBF
    # kernel's width follows the features' spread.  A fixed gamma suits one
    # feature length only: 0.3 gives 98 % on 2000 digits with 6x6-cell HOG,
    # but 82 % with 4x4 cells and 58 % on pixels, where every kernel value
    # is ~0.  With the kit's HOG on all 60,000 digits, scikit-learn's own
    # 'scale' (factor 1) reads 99.48 % of MNIST's test digits with 3,656
    # support vectors; factor 1.5 reads 99.49 % with 4,224, so each page
    # costs 15 % more for one digit in 10,000.
    # 'components' projects the features on their first principal axes
    # before the SVM: 192 of the 768 HOG numbers keep 99 % of their
    # variance, and the SVM reads 99.46 % instead of 99.48 % while every
    # kernel value costs a quarter (pages read faster, training halves).
    "svm": {"C": 10.0, "gamma": "scale", "gamma_factor": 1.0, "components": 192},
    "knn": {"k": 5},
    "linear": {"C": 1.0},
}
#: Confidence below which a digit is reported as unknown, per classifier.
# The SVM's confidence is at least 0.5 when the winner wins every duel; on
# MNIST's test digits, 0.6 set aside about 1 % of them, half of its errors.
REJECT_BELOW = {"svm": 0.6, "knn": 0.5, "linear": 0.4}


def _squared_distances(a, b, b_norms=None):
    """(len(a), len(b)) squared Euclidean distances, via one matrix product.

    In float64: the matrix product goes through BLAS kernels chosen per CPU,
    and float32 sums differ between them by about 1e-7, enough to move a
    printed confidence; in float64 they differ by about 1e-16.
    """
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    a_norms = np.einsum("ij,ij->i", a, a)[:, None]
    if b_norms is None:
        b_norms = np.einsum("ij,ij->i", b, b)
    return np.maximum(a_norms - 2.0 * (a @ b.T) + b_norms[None, :], 0.0)


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
        raise ValueError(f"k must be between 1 and {n_cols}, got {k}")
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


def _principal_axes(vectors, components):
    """``{'projection_mean', 'projection'}`` onto the first principal axes, or {}.

    The axes are the eigenvectors of the features' covariance with the
    largest eigenvalues (a D x D matrix: cheap for HOG's few hundred
    numbers, and exact, with no random start).
    """
    if not components or components >= vectors.shape[1]:
        return {}
    mean = vectors.mean(axis=0, dtype=np.float64)
    centred = vectors - mean
    covariance = (centred.T @ centred) / len(vectors)
    _, axes = np.linalg.eigh(covariance)  # ascending eigenvalues
    # Each axis's sign is whatever the eigensolver gave; fix it (largest
    # component positive) so that the stored file does not depend on it.
    axes = axes * np.where(axes[np.abs(axes).argmax(axis=0), np.arange(len(axes))] < 0, -1, 1)
    return {"projection_mean": mean.astype(np.float32),
            "projection": np.ascontiguousarray(axes[:, ::-1][:, :int(components)].T,
                                               dtype=np.float32)}


def _project(vectors, arrays):
    return (vectors - arrays["projection_mean"].astype(np.float64)) @ arrays["_projection64"].T


class DigitClassifier:
    """Digit classifier: normalised 28x28 digits in, labels and confidences out.

    Parameters
    ----------
    kind : {'svm', 'knn', 'linear'}
    features : FeatureSettings, optional
        How digits become vectors; the kit's HOG by default.
    reject_below : float, optional
        Confidence under which :meth:`predict_confidence` answers
        :data:`UNKNOWN`; a per-kind default if not given.
    **params
        ``C``, ``gamma``, ``gamma_factor`` and ``components`` for 'svm'
        (``gamma`` a number, or ``'scale'`` for ``gamma_factor / (D *
        features.var())`` measured when fitting; ``components`` the number of
        principal axes the features are projected on first, or None to use
        them as they are), ``k`` for 'knn', ``C`` for 'linear'.

    Examples
    --------
    >>> from ocrkit.datasets import load_mnist
    >>> data = load_mnist(n_train=2000, n_test=200)
    >>> model = DigitClassifier("knn").fit(data.x_train, data.y_train)
    >>> float((model.predict(data.x_test) == data.y_test).mean()) > 0.9
    True
    """

    def __init__(self, kind="svm", *, features=None, reject_below=None, **params):
        if kind not in CLASSIFIER_KINDS:
            choices = ", ".join(CLASSIFIER_KINDS)
            raise ValueError(f"unknown classifier {kind!r}; choose one of {choices}")
        unknown = set(params) - set(DEFAULTS[kind])
        if unknown:
            raise ValueError(f"{kind} takes {sorted(DEFAULTS[kind])}, not {sorted(unknown)}")
        self.kind = kind
        self.features = features or FeatureSettings()
        self.params = {**DEFAULTS[kind], **params}
        self.reject_below = REJECT_BELOW[kind] if reject_below is None else float(reject_below)
        self.arrays = {}
        self.trained_on = {}

    # ------------------------------------------------------------------ fit
    @property
    def is_fitted(self):
        return bool(self.arrays)

    def fit(self, digits, labels, *, sample_weight=None, trained_on=None):
        """Train on (N, 28, 28) normalised digits with labels 0-9.

        ``trained_on`` is a JSON-able description kept in saved model files.
        """
        digits = np.asarray(digits)
        labels = np.asarray(labels).astype(np.int64).ravel()
        if len(digits) != len(labels):
            raise ValueError(f"{len(digits)} digits but {len(labels)} labels")
        if len(np.unique(labels)) < 2:
            raise ValueError("training needs digits of at least two different labels")
        vectors = extract_features(digits, self.features)
        self.fit_features(vectors, labels, sample_weight=sample_weight)
        self.trained_on = dict(trained_on or {"samples": int(len(labels))})
        return self

    def fit_features(self, vectors, labels, *, sample_weight=None):
        """Train on precomputed feature vectors (N, D)."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float64)
        labels = np.asarray(labels).astype(np.int64)
        if self.kind == "svm":
            from sklearn.svm import SVC

            projection = _principal_axes(vectors, self.params.get("components"))
            if projection:
                # Project with the stored (float32) axes, as prediction will.
                vectors = _project(vectors, {**projection, "_projection64":
                                             projection["projection"].astype(np.float64)})
            gamma = self.params["gamma"]
            if gamma == "scale":
                gamma = self.params["gamma_factor"] / (vectors.shape[1] * float(vectors.var()))
            svc = SVC(C=self.params["C"], gamma=float(gamma), kernel="rbf", cache_size=1000)
            svc.fit(vectors, labels, sample_weight=sample_weight)
            self.arrays = {
                "classes": svc.classes_.astype(np.int64),
                "support_vectors": svc.support_vectors_.astype(np.float32),
                "dual_coef": svc.dual_coef_.astype(np.float32),
                "intercept": svc.intercept_.astype(np.float64),
                "n_support": svc.n_support_.astype(np.int64),
                "gamma": np.float64(gamma),
                **projection,
            }
        elif self.kind == "knn":
            if sample_weight is not None:
                # Weights count as repeated votes of a training vector.
                sample_weight = np.asarray(sample_weight, dtype=np.float32)
            self.arrays = {
                "classes": np.unique(labels),
                "vectors": vectors,
                "labels": labels,
                "weights": (np.ones(len(labels), np.float32) if sample_weight is None
                            else sample_weight),
            }
        else:
            from sklearn.linear_model import LogisticRegression

            mean, scale = vectors.mean(axis=0), vectors.std(axis=0) + 1e-6
            model = LogisticRegression(C=self.params["C"], max_iter=300)
            model.fit((vectors - mean) / scale, labels, sample_weight=sample_weight)
            self.arrays = {
                "classes": model.classes_.astype(np.int64),
                "coef": model.coef_.astype(np.float32),
                "intercept": model.intercept_.astype(np.float32),
                "mean": mean.astype(np.float32),
                "scale": scale.astype(np.float32),
            }
        return self.prepare()

    # -------------------------------------------------------------- predict
    def _check_fitted(self):
        if not self.is_fitted:
            raise ValueError("this classifier is not trained yet; call fit() or load a model")

    def scores(self, vectors, *, chunk=2000):
        """Labels, confidences and (for KNN) nearest distances of feature vectors.

        Returns
        -------
        labels : (N,) int ndarray
            The best class, never rejected.
        confidence : (N,) float ndarray
            In [0, 1].
        nearest : (N,) float ndarray
            Distance to the nearest training vector ('knn'), else NaN.
        """
        self._check_fitted()
        vectors = np.ascontiguousarray(vectors, dtype=np.float64)
        if vectors.ndim != 2:
            raise ValueError(f"feature vectors must be (N, D), got {vectors.shape}")
        outputs = [self._scores_chunk(vectors[i:i + chunk]) for i in range(0, len(vectors), chunk)]
        if not outputs:
            return np.zeros(0, int), np.zeros(0), np.zeros(0)
        return tuple(np.concatenate(parts) for parts in zip(*outputs))

    def _scores_chunk(self, x):
        a = self.arrays
        classes = a["classes"]
        if self.kind == "svm":
            votes, margins = self._svm_pairwise(x)
            best = np.argmax(votes, axis=1)
            # The winner's weakest pairwise margin, squashed to (0, 1).
            margin = margins[np.arange(len(x)), best]
            confidence = 1.0 / (1.0 + np.exp(-2.0 * margin))
            return classes[best], confidence, np.full(len(x), np.nan)
        if self.kind == "knn":
            k = min(int(self.params["k"]), len(a["labels"]))
            dist = _squared_distances(x, a["_vectors64"], a["_norms"])
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
        logits = ((x - a["mean"]) / a["scale"]) @ a["coef"].astype(np.float64).T + a["intercept"]
        logits -= logits.max(axis=1, keepdims=True)
        prob = np.exp(logits)
        prob /= prob.sum(axis=1, keepdims=True)
        best = np.argmax(prob, axis=1)
        return classes[best], prob[np.arange(len(x)), best], np.full(len(x), np.nan)

    def _svm_pairwise(self, x):
        """One-vs-one votes and each class's weakest margin (libsvm's layout)."""
        a = self.arrays
        if "projection" in a:
            x = _project(x, a)
        sv, coef, n_support = a["_support_vectors64"], a["_dual_coef64"], a["n_support"]
        kernel = np.exp(-float(a["gamma"]) * _squared_distances(x, sv, a["_norms"]))
        starts = np.concatenate([[0], np.cumsum(n_support)])
        n_class = len(n_support)
        votes = np.zeros((len(x), n_class))
        margins = np.full((len(x), n_class), np.inf)
        pair = 0
        for i in range(n_class):
            si = slice(starts[i], starts[i + 1])
            for j in range(i + 1, n_class):
                sj = slice(starts[j], starts[j + 1])
                decision = (kernel[:, si] @ coef[j - 1, si] + kernel[:, sj] @ coef[i, sj]
                            + a["intercept"][pair])
                votes[:, i] += decision > 0
                votes[:, j] += decision <= 0
                margins[:, i] = np.minimum(margins[:, i], decision)
                margins[:, j] = np.minimum(margins[:, j], -decision)
                pair += 1
        return votes, margins

    def prepare(self):
        """Precompute what prediction reuses: float64 copies and norms.

        The model's arrays are stored in float32 (half the file); prediction
        computes in float64, where the sums of the matrix products agree
        across CPUs to about 1e-16 (see :func:`_squared_distances`).
        """
        a = self.arrays
        for name in ("support_vectors", "dual_coef", "projection", "vectors"):
            if name in a:
                a[f"_{name}64"] = np.ascontiguousarray(a[name], dtype=np.float64)
        stored = a.get("_support_vectors64", a.get("_vectors64"))
        if stored is not None:
            a["_norms"] = np.einsum("ij,ij->i", stored, stored)
        return self

    def predict_confidence(self, digits):
        """Labels (UNKNOWN below the rejection threshold) and confidences.

        Parameters
        ----------
        digits : (N, 28, 28) uint8 ndarray

        Returns
        -------
        labels : (N,) int ndarray
        confidence : (N,) float ndarray
        """
        labels, confidence, _ = self.scores(extract_features(digits, self.features))
        labels = np.where(confidence >= self.reject_below, labels, UNKNOWN)
        return labels, confidence

    def predict(self, digits):
        """Best label of each digit, never rejected: (N,) int ndarray."""
        return self.scores(extract_features(digits, self.features))[0]

    def __repr__(self):
        params = ", ".join(f"{k}={v}" for k, v in self.params.items())
        state = "trained" if self.is_fitted else "untrained"
        return f"DigitClassifier({self.kind!r}, {params}, features={self.features.kind}, {state})"
