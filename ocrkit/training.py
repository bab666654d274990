"""Training on the learner's own handwriting, with or without MNIST.

A sheet holds about a hundred digits of one hand (:func:`ocrkit.sheets.load_sheet`);
MNIST holds 60,000 of many.  Trained on both as they are, the sheet would be
lost in MNIST; trained on the sheet alone, a classifier would see each digit
ten times.  So:

1. **Augment** (:func:`augment_digits`): each sheet digit is copied a few
   times with the small changes the same hand makes anyway: a rotation of up
   to 8 degrees, a size change of up to 10 %, a shear, a shift of a pixel, a
   stroke a pixel thicker or thinner.
2. **Weigh** (``sheet_weight``): the sheet's digits (originals and copies)
   together carry a fixed share of the total training weight, whatever the
   number of MNIST digits, through the classifier's ``sample_weight``.
3. **Check** (:func:`sheet_cross_validation`): k-fold accuracy on the sheet's
   own digits, each fold holding about the same share of every label
   (scikit-learn's ``StratifiedKFold``).  Folds are split by original digit,
   and only the training folds are augmented, so that no copy of a test digit
   is ever trained on.
   Another page by the same hand measures a model too: :func:`page_digits`
   cuts its digits out with the page's truth.
"""

import warnings
from pathlib import Path

import cv2
import numpy as np

from .classify import DigitClassifier
from .datasets import N_TRAIN, _check_count, load_mnist
from .errors import OptionError
from .features import FeatureSettings, extract_features

__all__ = [
    "DEFAULT_SHEET_WEIGHT",
    "augment_digits",
    "page_digits",
    "sheet_cross_validation",
    "sheet_digits",
    "train_with_sheets",
]

#: Share of the total training weight the sheets' digits carry next to MNIST.
DEFAULT_SHEET_WEIGHT = 0.3


def sheet_digits(sheets):
    """Digits and labels of one or more sheets, stacked.

    Parameters
    ----------
    sheets : Sheet or sequence of Sheet
        Anything with ``digits`` (N, 28, 28) and ``labels`` (N,).

    Returns
    -------
    digits : (N, 28, 28) uint8 ndarray
    labels : (N,) int ndarray

    Raises
    ------
    OptionError
        If there is no sheet, no digit, or not one label per digit.
    """
    if hasattr(sheets, "digits"):
        sheets = [sheets]
    sheets = list(sheets)
    if not sheets:
        raise OptionError("sheets: give at least one sheet (ocrkit.sheets.load_sheet)")
    digits = np.concatenate([np.asarray(s.digits, np.uint8).reshape(-1, 28, 28) for s in sheets])
    labels = np.concatenate([np.asarray(s.labels, int).ravel() for s in sheets])
    if len(digits) != len(labels):
        raise OptionError(f"sheets: {len(digits)} digits but {len(labels)} labels")
    if len(digits) == 0:
        raise OptionError("sheets: they hold no digits; fill in the boxes and load them again")
    return digits, labels


def augment_digits(digits, *, copies=8, seed=0, rotation=8.0, scale=0.1, shear=0.15, shift=1.0,
                   stroke=True):
    """Copies of normalised digits, each a little rotated, scaled, sheared and shifted.

    Parameters
    ----------
    digits : (N, 28, 28) uint8 ndarray
        White on black, normalised like MNIST.
    copies : int
        Copies of each digit.
    seed : int
        Seed of the random changes; the same seed gives the same copies.
    rotation : float
        Largest rotation, degrees either way.
    scale : float
        Largest relative change of size.
    shear : float
        Largest horizontal shear (x shift per row, relative).
    shift : float
        Largest shift, pixels.
    stroke : bool
        Make a quarter of the copies a pixel thicker and a quarter a pixel
        thinner (grey-level dilation or erosion with a 2x2 square).

    Returns
    -------
    augmented : (N * copies, 28, 28) uint8 ndarray
        Copy k of digit i is at ``k * N + i``.
    source : (N * copies,) int ndarray
        Index of the digit each copy was made from.

    Raises
    ------
    OptionError
        If `digits` is not (N, 28, 28) or `copies` is negative.
    """
    digits = np.asarray(digits)
    if digits.ndim != 3 or digits.shape[1:] != (28, 28):
        raise OptionError(f"digits must be (N, 28, 28), got shape {digits.shape}")
    if copies < 0:
        raise OptionError(f"copies must be 0 or more, got {copies}")
    rng = np.random.default_rng(seed)
    n = len(digits)
    out = np.empty((n * copies, 28, 28), np.uint8)
    centre = np.array([13.5, 13.5])
    kernel = np.ones((2, 2), np.uint8)
    for k in range(copies):
        for i, digit in enumerate(digits):
            angle = np.radians(rng.uniform(-rotation, rotation))
            size = 1 + rng.uniform(-scale, scale)
            c, s = np.cos(angle) * size, np.sin(angle) * size
            linear = np.array([[c, -s], [s, c]]) @ np.array([[1, rng.uniform(-shear, shear)],
                                                             [0, 1]])
            offset = centre - linear @ centre + rng.uniform(-shift, shift, 2)
            matrix = np.hstack([linear, offset[:, None]])
            copy = cv2.warpAffine(digit, matrix, (28, 28), flags=cv2.INTER_LINEAR)
            if stroke:
                change = rng.random()
                if change < 0.25:
                    copy = cv2.dilate(copy, kernel)
                elif change < 0.5:
                    thinner = cv2.erode(copy, kernel)
                    # Thinning must not erase a thin digit.
                    if thinner.sum() > 0.6 * copy.sum():
                        copy = thinner
            out[k * n + i] = copy
    return out, np.tile(np.arange(n), copies)


def _mnist_vectors(n_mnist, features, seed, progress):
    data = load_mnist(n_train=n_mnist, n_test=1, seed=seed)
    if progress:
        print(f"features of {len(data.y_train)} MNIST digits")
    return extract_features(data.x_train, settings=features), data.y_train.astype(int)


def _check_weight(sheet_weight):
    weight = DEFAULT_SHEET_WEIGHT if sheet_weight is None else float(sheet_weight)
    if not 0.0 < weight < 1.0:
        raise OptionError(f"sheet_weight is a share of the training weight, in (0, 1); "
                          f"got {sheet_weight}")
    return weight


def _fit(model, digits, labels, mnist, *, augment, weight, seed):
    """Fit ``model`` on augmented sheet digits, and MNIST vectors if given."""
    copies, _ = augment_digits(digits, copies=augment, seed=seed)
    sheet = np.concatenate([digits, copies])
    sheet_labels = np.tile(labels, augment + 1)
    vectors = extract_features(sheet, settings=model.features)
    if mnist is None:
        model.fit_features(vectors, sheet_labels)
        return model
    mnist_vectors, mnist_labels = mnist
    # Sheet samples together carry ``weight`` of the total, MNIST the rest.
    per_sample = weight / (1 - weight) * len(mnist_labels) / len(sheet_labels)
    sample_weight = np.concatenate([np.full(len(sheet_labels), per_sample),
                                    np.ones(len(mnist_labels))])
    model.fit_features(np.concatenate([vectors, mnist_vectors]),
                       np.concatenate([sheet_labels, mnist_labels]), sample_weight=sample_weight)
    return model


def _kind(kind, params):
    """``kind``, or the ``classifier=`` that ocrkit 0.1 took instead, with a warning."""
    if "classifier" in params:
        warnings.warn("classifier=... is now kind=..., as DigitClassifier and train_mnist_model "
                      "call it", DeprecationWarning, stacklevel=3)
        kind = params.pop("classifier")
    return kind


def _prepare(sheets, mnist, kind, features, sheet_weight, augment, n_mnist, seed, progress,
             params):
    digits, labels = sheet_digits(sheets)
    weight = _check_weight(sheet_weight)
    if augment < 0:
        raise OptionError(f"augment must be 0 or more copies, got {augment}")
    # Built here to check the classifier's kind and parameters before any work.
    DigitClassifier(kind, features=features, **params)
    if mnist:
        _check_count("n_mnist", n_mnist, N_TRAIN)
    if not mnist and len(np.unique(labels)) < 2:
        raise OptionError("sheets: without MNIST they must hold at least two different digits; "
                          "add mnist=True")
    features = features or FeatureSettings()
    vectors = _mnist_vectors(n_mnist, features, seed, progress) if mnist else None
    return digits, labels, weight, vectors


def train_with_sheets(sheets, *, mnist=True, kind="svm", features=None, sheet_weight=None,
                      augment=8, n_mnist=None, seed=0, progress=True, **params):
    """Train a classifier on handwriting sheets, with MNIST or alone.

    Parameters
    ----------
    sheets : Sheet or sequence of Sheet
        From :func:`ocrkit.sheets.load_sheet`.
    mnist : bool
        Train on MNIST's training digits too.
    kind : {'svm', 'knn', 'linear'}
        The kind of classifier (:class:`~ocrkit.classify.DigitClassifier`).
    features : FeatureSettings, optional
        The kit's HOG by default.
    sheet_weight : float, optional
        Share of the total training weight the sheets' digits carry next to
        MNIST, in (0, 1); :data:`DEFAULT_SHEET_WEIGHT` by default.  Ignored
        without MNIST.
    augment : int
        Augmented copies of each sheet digit (:func:`augment_digits`).
    n_mnist : int, optional
        How many of MNIST's training digits: a class-balanced subset instead
        of all 60,000.
    seed : int
        Seed of the augmentation and the MNIST subset.
    progress : bool
        Say what is being computed.
    **params
        Classifier parameters (see :class:`~ocrkit.classify.DigitClassifier`).

    Returns
    -------
    DigitClassifier
        Its ``trained_on`` records the sheets, copies, weight and MNIST size.

    Raises
    ------
    OptionError
        If an option is out of range, the sheets hold no digits, or (without
        MNIST) only one label.
    """
    kind = _kind(kind, params)
    digits, labels, weight, mnist_data = _prepare(sheets, mnist, kind, features, sheet_weight,
                                                  augment, n_mnist, seed, progress, params)
    model = DigitClassifier(kind, features=features, **params)
    if progress:
        print(f"training {kind} on {len(labels)} sheet digits x {augment + 1}"
              + (f" and {len(mnist_data[1])} MNIST digits" if mnist else ""))
    _fit(model, digits, labels, mnist_data, augment=augment, weight=weight, seed=seed)
    # File names only: a user's folders do not belong in a model file.
    names = [Path(getattr(s, "name", "<array>")).name for s in
             ([sheets] if hasattr(sheets, "digits") else sheets)]
    model.trained_on = {
        "sheets": names,
        "sheet_digits": int(len(labels)),
        "augment": int(augment),
        "mnist_train": int(len(mnist_data[1])) if mnist else 0,
        "sheet_weight": weight if mnist else 1.0,
    }
    return model


def _folds(labels, folds, seed):
    """Fold of each sample, each fold holding about the same share of every label."""
    from sklearn.model_selection import StratifiedKFold

    fold = np.empty(len(labels), int)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        # A label with fewer digits than folds is simply missing from some
        # folds, which is fine here; scikit-learn warns about it.
        warnings.filterwarnings("ignore", "The least populated class", UserWarning)
        for k, (_, held_out) in enumerate(splitter.split(np.zeros(len(labels)), labels)):
            fold[held_out] = k
    return fold


def sheet_cross_validation(sheets, *, folds=5, mnist=True, kind="svm", features=None,
                           sheet_weight=None, augment=8, n_mnist=None, seed=0, progress=False,
                           **params):
    """k-fold accuracy on the sheets' own digits.

    Each fold's digits are held out; a classifier is trained as by
    :func:`train_with_sheets` on the other folds (augmented) and MNIST, and
    reads the held-out digits.  MNIST's features are computed once.

    Parameters
    ----------
    sheets : Sheet or sequence of Sheet
    folds : int
        At least 2 and at most the number of sheet digits.
    mnist, kind, features, sheet_weight, augment, n_mnist, progress, **params
        As for :func:`train_with_sheets`.
    seed : int
        Seed of the folds, the augmentation and the MNIST subset.

    Returns
    -------
    dict
        ``accuracy`` (over all sheet digits), ``fold_accuracy`` (list),
        ``folds``, ``samples``, ``predicted`` ((N,) labels read when held
        out), ``errors`` (list of (index, true, predicted)), and
        ``mnist_only`` (accuracy of a classifier trained on the same MNIST
        digits alone; None without MNIST).

    Raises
    ------
    OptionError
        If an option is out of range (`folds` included), or a fold cannot be
        held out without MNIST.
    """
    kind = _kind(kind, params)
    digits, labels, weight, mnist_data = _prepare(sheets, mnist, kind, features, sheet_weight,
                                                  augment, n_mnist, seed, progress, params)
    if not 2 <= folds <= len(labels):
        raise OptionError(f"folds must be 2 to {len(labels)} (the sheet digits), got {folds}")
    fold = _folds(labels, folds, seed)
    predicted = np.empty(len(labels), int)
    accuracy = []
    for k in range(folds):
        test, train = fold == k, fold != k
        if not mnist and len(np.unique(labels[train])) < 2:
            raise OptionError("folds: too few sheet digits to hold a fold out; use fewer folds "
                              "or mnist=True")
        model = DigitClassifier(kind, features=features, **params)
        _fit(model, digits[train], labels[train], mnist_data, augment=augment, weight=weight,
             seed=seed + k)
        predicted[test] = model.predict(digits[test])
        accuracy.append(float(np.mean(predicted[test] == labels[test])))
        if progress:
            print(f"fold {k + 1}/{folds}: {accuracy[-1]:.1%}")
    mnist_only = None
    if mnist:
        model = DigitClassifier(kind, features=features, **params)
        model.fit_features(*mnist_data)
        mnist_only = float(np.mean(model.predict(digits) == labels))
    wrong = np.flatnonzero(predicted != labels)
    return {
        "accuracy": float(np.mean(predicted == labels)),
        "fold_accuracy": accuracy,
        "folds": int(folds),
        "samples": int(len(labels)),
        "predicted": predicted,
        "errors": [(int(i), int(labels[i]), int(predicted[i])) for i in wrong],
        "mnist_only": mnist_only,
    }


def page_digits(path, *, method="otsu"):
    """Digits of a page with known truth, cut out with the truth's boxes and normalised.

    A classifier measured on these reads every digit where it really is, so
    that only the classifier can be wrong, not the segmentation.

    Parameters
    ----------
    path : str or Path
        A page image with its truth next to it (``NAME.json`` in the schema
        of ``ocrkit read --json``), such as the pages in ``data/handwriting``.
    method : {'otsu', 'contrast', 'fixed', 'adaptive_mean', 'adaptive_gaussian', 'sauvola'}
        How the page is binarised after its light is flattened
        (:func:`ocrkit.preprocess.binarize`).

    Returns
    -------
    digits : (N, 28, 28) uint8 ndarray
        Normalised like MNIST (:func:`ocrkit.normalize.normalize_digits`),
        in the truth's order.
    labels : (N,) int64 ndarray
        Their true labels.

    Raises
    ------
    DataFileError
        If the truth is missing or is not a page's truth.
    ImageReadError
        If the image is missing or cannot be decoded.
    OptionError
        If `method` is not a binarisation method.
    """
    from .imageio import read_image
    from .normalize import normalize_digits
    from .preprocess import BINARIZE_METHODS, binarize, flatten_illumination, to_grey
    from .truth import PageTruth

    if method not in BINARIZE_METHODS:
        choices = ", ".join(repr(name) for name in BINARIZE_METHODS)
        raise OptionError(f"method: unknown binarisation {method!r}; choose one of {choices}")

    truth = PageTruth.load(path)
    ink = binarize(flatten_illumination(to_grey(read_image(path))), method=method)
    crops = [ink[y:y + h, x:x + w] for x, y, w, h in truth.boxes.tolist()]
    digits = normalize_digits(crops) if crops else np.zeros((0, 28, 28), np.uint8)
    return digits, np.asarray(truth.labels, np.int64)
