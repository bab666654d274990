"""Classifiers: from normalised digits to labels with a confidence.

:class:`DigitClassifier` is what the rest of the kit uses: feature settings
(:mod:`ocrkit.features`), one kind of classifier from
:data:`~ocrkit.classifiers.CLASSIFIERS` (``'svm'``, ``'knn'`` or ``'linear'``,
one module each in :mod:`ocrkit.classifiers`), and a rejection threshold.

scikit-learn does the training.  Prediction runs on plain arrays kept by the
classifier (support vectors, coefficients, training vectors), so that a model
saved to an ``.npz`` file and loaded again predicts exactly the same without
any pickled object (see :mod:`ocrkit.models`).  A digit whose confidence is
below ``reject_below`` is reported as unknown (label -1).

OpenCV's ``cv2.ml.KNearest`` and ``cv2.ml.SVM``, which older tutorials use,
are not in opencv-python 5.x (they moved to opencv-contrib).
"""

import numpy as np

from .classifiers import CLASSIFIERS, nearest_neighbours
from .errors import NotTrainedError, OptionError
from .features import FeatureSettings, extract_features
from .normalize import normalize_digits

__all__ = ["CLASSIFIERS", "CLASSIFIER_KINDS", "UNKNOWN", "DigitClassifier", "nearest_neighbours"]

#: The classifier kinds' names, in the registry's order.
CLASSIFIER_KINDS = tuple(CLASSIFIERS)
#: Label given to a digit the classifier is not sure enough of.
UNKNOWN = -1


def _check_labels(n_vectors, labels):
    if n_vectors != len(labels):
        raise OptionError(f"labels: {n_vectors} digits but {len(labels)} labels; give one label "
                          "per digit")
    if len(np.unique(labels)) < 2:
        raise OptionError("labels: training needs digits of at least two different labels")


class DigitClassifier:
    """Digit classifier: normalised 28x28 digits in, labels and confidences out.

    Parameters
    ----------
    kind : {'svm', 'knn', 'linear'}
        A name in :data:`~ocrkit.classifiers.CLASSIFIERS`.
    features : FeatureSettings, optional
        How digits become vectors; the kit's HOG by default.
    reject_below : float, optional
        Confidence under which :meth:`read` and :meth:`predict_confidence`
        answer :data:`UNKNOWN`; the kind's own default if not given.
    **params
        The kind's parameters (see its class): ``C``, ``gamma``,
        ``gamma_factor`` and ``components`` for 'svm'
        (:class:`~ocrkit.classifiers.RbfSvm`), ``k`` for 'knn'
        (:class:`~ocrkit.classifiers.KNearest`), ``C`` for 'linear'
        (:class:`~ocrkit.classifiers.Logistic`).

    Attributes
    ----------
    classifier : Classifier
        The kind, with its parameters (:attr:`params`).
    arrays : dict of str to ndarray
        What training learnt; empty until :meth:`fit`.
    trained_on : dict
        What it was trained on (JSON-able), kept in model files.

    Raises
    ------
    OptionError
        If `kind` is not a known kind or a parameter is not one of its own.

    Examples
    --------
    >>> from ocrkit.datasets import load_mnist
    >>> data = load_mnist(n_train=2000, n_test=200)
    >>> model = DigitClassifier("knn").fit(data.x_train, data.y_train)
    >>> float((model.predict(data.x_test) == data.y_test).mean()) > 0.9
    True
    """

    def __init__(self, kind="svm", *, features=None, reject_below=None, **params):
        if kind not in CLASSIFIERS:
            choices = ", ".join(repr(name) for name in CLASSIFIERS)
            raise OptionError(f"kind: unknown classifier {kind!r}; choose one of {choices}")
        self.kind = kind
        self.classifier = CLASSIFIERS[kind](**params)
        self.features = features or FeatureSettings()
        self.reject_below = (self.classifier.reject_below if reject_below is None
                             else float(reject_below))
        self.arrays = {}
        self.trained_on = {}

    @property
    def params(self):
        """The kind's parameters, every one of them (dict)."""
        return self.classifier.params

    # ------------------------------------------------------------------ fit
    @property
    def is_fitted(self):
        """Whether the classifier has been trained (or loaded from a model file)."""
        return bool(self.arrays)

    def fit(self, digits, labels, *, sample_weight=None, trained_on=None):
        """Train on normalised digits.

        Parameters
        ----------
        digits : (N, 28, 28) uint8 ndarray
            White on black, normalised like MNIST.
        labels : (N,) int array_like
            Their labels 0-9, at least two different ones.
        sample_weight : (N,) float ndarray, optional
            How much each digit counts.
        trained_on : dict, optional
            A JSON-able description kept in saved model files;
            ``{'samples': N}`` by default.

        Returns
        -------
        self : DigitClassifier

        Raises
        ------
        OptionError
            If there are not as many labels as digits, or fewer than two
            different labels.
        """
        digits = np.asarray(digits)
        labels = np.asarray(labels).astype(np.int64).ravel()
        _check_labels(len(digits), labels)
        vectors = extract_features(digits, settings=self.features)
        self.fit_features(vectors, labels, sample_weight=sample_weight)
        self.trained_on = dict(trained_on or {"samples": int(len(labels))})
        return self

    def fit_features(self, vectors, labels, *, sample_weight=None):
        """Train on feature vectors already computed with :attr:`features`.

        Parameters
        ----------
        vectors : (N, D) float ndarray
            From :func:`~ocrkit.features.extract_features`.
        labels : (N,) int array_like
            At least two different labels.
        sample_weight : (N,) float ndarray, optional
            How much each vector counts.

        Returns
        -------
        self : DigitClassifier

        Raises
        ------
        OptionError
            If there are not as many labels as vectors, or fewer than two
            different labels.
        """
        vectors = np.ascontiguousarray(vectors, dtype=np.float64)
        labels = np.asarray(labels).astype(np.int64)
        _check_labels(len(vectors), labels)
        self.arrays = self.classifier.fit(vectors, labels, sample_weight=sample_weight)
        return self.prepare()

    def prepare(self):
        """Precompute what prediction reuses (float64 copies, norms).

        Returns
        -------
        self : DigitClassifier
        """
        self.classifier.prepare(self.arrays)
        return self

    # -------------------------------------------------------------- predict
    def _check_fitted(self):
        if not self.is_fitted:
            raise NotTrainedError("this classifier is not trained yet; call fit() or load a model "
                                  "(ocrkit.models.load_model)")

    def scores(self, vectors, *, chunk=2000):
        """Labels, confidences and (for KNN) nearest distances of feature vectors.

        Parameters
        ----------
        vectors : (N, D) float ndarray
            From :func:`~ocrkit.features.extract_features` with :attr:`features`.
        chunk : int
            How many vectors are scored at once (bounds the memory).

        Returns
        -------
        labels : (N,) int ndarray
            The best class, never rejected.
        confidence : (N,) float ndarray
            In [0, 1].
        nearest : (N,) float ndarray
            Distance to the nearest training vector ('knn'), else NaN.

        Raises
        ------
        NotTrainedError
            If the classifier is not trained.
        OptionError
            If `vectors` is not (N, D).
        """
        self._check_fitted()
        vectors = np.ascontiguousarray(vectors, dtype=np.float64)
        if vectors.ndim != 2:
            raise OptionError(f"vectors: feature vectors must be (N, D), got shape {vectors.shape}")
        outputs = [self.classifier.scores(self.arrays, vectors[i:i + chunk])
                   for i in range(0, len(vectors), chunk)]
        if not outputs:
            return np.zeros(0, int), np.zeros(0), np.zeros(0)
        if len(outputs) == 1:
            return tuple(outputs[0])  # one chunk: nothing to join
        return tuple(np.concatenate(parts) for parts in zip(*outputs))

    def read(self, digits):
        """Best guess, label and confidence of each digit, from one pass.

        Parameters
        ----------
        digits : (N, 28, 28) uint8 ndarray
            Normalised digits (:func:`ocrkit.normalize.normalize_digits`).

        Returns
        -------
        guesses : (N,) int ndarray
            The best label, never rejected.
        labels : (N,) int ndarray
            ``guesses``, with :data:`UNKNOWN` where the confidence is below
            :attr:`reject_below`.
        confidence : (N,) float ndarray
            In [0, 1].
        """
        guesses, confidence, _ = self.scores(extract_features(digits, settings=self.features))
        labels = np.where(confidence >= self.reject_below, guesses, UNKNOWN)
        return guesses, labels, confidence

    def scorer(self, *, stroke_width=None):
        """How sure the classifier is of ink masks: what segmentation asks.

        Parameters
        ----------
        stroke_width : float, optional
            Passed to :func:`~ocrkit.normalize.normalize_digits`.

        Returns
        -------
        scorer : callable
            ``scorer(masks) -> (N,) float ndarray``: the confidence of each
            bool mask once normalised, for
            :func:`~ocrkit.segment.segment_digits`'s ``scorer``.
        """
        self._check_fitted()

        def score(masks):
            return self.read(normalize_digits(masks, stroke_width=stroke_width))[2]

        return score

    def predict_confidence(self, digits):
        """Labels (UNKNOWN below the rejection threshold) and confidences.

        Parameters
        ----------
        digits : (N, 28, 28) uint8 ndarray
            Normalised digits.

        Returns
        -------
        labels : (N,) int ndarray
            The best label, or :data:`UNKNOWN` where the confidence is below
            :attr:`reject_below`.
        confidence : (N,) float ndarray
            In [0, 1].
        """
        _, labels, confidence = self.read(digits)
        return labels, confidence

    def predict(self, digits):
        """Best label of each digit, never rejected.

        Parameters
        ----------
        digits : (N, 28, 28) uint8 ndarray
            Normalised digits.

        Returns
        -------
        labels : (N,) int ndarray
        """
        return self.read(digits)[0]

    def __repr__(self):
        params = ", ".join(f"{k}={v}" for k, v in self.params.items())
        state = "trained" if self.is_fitted else "untrained"
        return f"DigitClassifier({self.kind!r}, {params}, features={self.features.kind}, {state})"
