"""What the notebooks' interactive explorers compute, as plain tested functions.

Each explorer in the course is an ``ipywidgets.interact`` call around one of
these functions and a figure from :mod:`ocrkit.viz`; the computation lives
here so that it is tested, and so that a notebook can draw the same view once
without a kernel (a static figure next to each widget).

:func:`threshold_view`
    a grey page binarised by one method, with the numbers that tell methods
    apart: ink fraction, connected components, the global threshold used,
    and, given a page's truth, how many of its digits still stand out.
:func:`settings_used`
    which of the explorer's settings (threshold, block size) a method reads,
    so that the explorer can show which of its sliders do nothing.
:func:`cast_shadow` and :func:`digits_visible`
    a page with a shadow across it, as from a hand or a phone held over it,
    and how many of its known digits still stand out after binarisation.
:func:`contour_counts`
    outer contours and holes of an ink mask (why 0, 6, 8 and 9 differ from
    1, 2, 3, 5 and 7).
:func:`segmentation_summary`
    a one-line account of a :class:`~ocrkit.segment.Segmentation`: digits,
    lines, numbers, and what was dropped and why.
:func:`number_lengths`
    how a segmentation's digits group into numbers, line by line, to check
    its reading order against a page's ground truth (which boxes are which
    true digits is :func:`ocrkit.evaluate.match_boxes`).
:func:`undo_each_change` and :func:`stretched_digits`
    a page read by the kit with one of its changes to the original program
    undone at a time (notebook 06's table of what each change fixed).
:func:`compare_features`
    one classifier trained and tested on the same digits with each of
    several feature settings (notebook 04's table of HOG variants).

Every number these functions return is a plain Python ``int``, ``float`` or
``str``, so that a notebook prints the same text with every numpy version.
"""

from collections import Counter
from dataclasses import dataclass

import cv2
import numpy as np

from .boxes import as_boxes
from .errors import OptionError
from .preprocess import BINARIZE_METHODS, binarize, flatten_illumination

__all__ = ["ThresholdView", "threshold_view", "settings_used", "ink_components", "cast_shadow",
           "digits_visible", "contour_depths", "contour_counts", "segmentation_summary",
           "number_lengths", "undo_each_change", "stretched_digits", "compare_features"]

#: Methods that compare every pixel with one grey level for the whole page.
GLOBAL_METHODS = ("fixed", "otsu")
#: Methods that compare every pixel with its neighbourhood, ``block_size`` wide.
LOCAL_METHODS = ("adaptive_mean", "adaptive_gaussian", "sauvola")
#: What each method does with the page, for :meth:`ThresholdView.note`.
_HOW = {"fixed": "cuts at the threshold", "otsu": "picks its own level from the histogram",
        "contrast": "measures the paper and the ink"}


def settings_used(method):
    """The thresholding explorer's settings that a binarisation method reads.

    The explorer offers a ``threshold`` and a ``block_size`` for every
    method, but only ``'fixed'`` cuts at the threshold, and only the local
    methods read a block size; ``'otsu'`` and ``'contrast'`` take every
    level they need from the page itself.

    Parameters
    ----------
    method : str
        One of :data:`ocrkit.preprocess.BINARIZE_METHODS`.

    Returns
    -------
    settings : tuple of str
        Those of ``'threshold'`` and ``'block_size'`` that change the result.

    Raises
    ------
    ValueError
        For an unknown method.

    Examples
    --------
    >>> settings_used("fixed"), settings_used("sauvola"), settings_used("contrast")
    (('threshold',), ('block_size',), ())
    """
    if method not in BINARIZE_METHODS:
        raise OptionError(f"unknown method {method!r}; choose one of {', '.join(BINARIZE_METHODS)}")
    if method == "fixed":
        return ("threshold",)
    return ("block_size",) if method in LOCAL_METHODS else ()


def ink_components(ink):
    """Number of 8-connected ink components in a mask.

    Parameters
    ----------
    ink : (M, N) bool ndarray

    Returns
    -------
    count : int
    """
    ink = np.asarray(ink)
    if ink.ndim != 2:
        raise OptionError(f"ink must be a 2-D (M, N) mask, got shape {ink.shape}")
    count, _ = cv2.connectedComponents(ink.astype(np.uint8), connectivity=8)
    return int(count - 1)


@dataclass(frozen=True)
class ThresholdView:
    """One binarisation of a page, as the thresholding explorer shows it.

    Attributes
    ----------
    grey : (M, N) uint8 ndarray
        The grey page that was binarised (flattened if asked).
    ink : (M, N) bool ndarray
        True where the method finds ink.
    method : str
    threshold : int or None
        For the global methods, the grey level the page was cut at on this
        image: every level below it is ink, every level from it up is paper.
        None for the local methods and ``'contrast'``, which have no single
        level.
    block_size : int or None
        Neighbourhood width given to a local method; None for the other
        methods, and for binarize's default width.
    ink_fraction : float
        Share of the page that is ink, 0-1.
    components : int
        8-connected ink components: a clean page of digits has about one per
        digit; thousands mean noise or paper texture taken for ink.
    visible : int or None
        How many of the page's known digits stand out
        (:func:`digits_visible`); None when no truth was given.
    digits : int or None
        How many digits the truth holds; None when no truth was given.
    flattened : bool
        Whether the light was flattened before binarising.
    """

    grey: np.ndarray
    ink: np.ndarray
    method: str
    threshold: int | None
    block_size: int | None
    ink_fraction: float
    components: int
    visible: int | None = None
    digits: int | None = None
    flattened: bool = False

    def summary(self):
        """The view's fingerprint in one line, e.g. ``'otsu t=142: 3.21% ink, 57 components'``.

        The setting the method used comes first (``t=`` for a global
        threshold, ``block=`` for a local method, nothing for ``'contrast'``);
        with a page's truth, ``'; 40 of 45 digits visible'`` ends it.
        """
        if self.threshold is not None:
            setting = f" t={self.threshold}"
        elif self.method in LOCAL_METHODS:
            setting = f" block={self.block_size or 'auto'}"
        else:
            setting = ""
        text = (f"{self.method}{setting}: {100 * self.ink_fraction:.2f}% ink, "
                f"{self.components} components")
        if self.visible is not None:
            text += f"; {self.visible} of {self.digits} digits visible"
        return text

    @property
    def title(self):
        """The summary on two or three short lines, for a figure's title.

        The first line also says whether the light was flattened first.
        """
        setting, numbers = self.summary().split(": ", 1)
        if self.flattened:
            setting += ", flattened"
        return "\n".join([setting] + numbers.split("; "))

    def note(self):
        """Which of the explorer's settings this view's method reads, in words.

        Examples
        --------
        >>> grey = np.full((20, 30), 200, np.uint8)
        >>> threshold_view(grey, method="fixed").note()
        'fixed cuts at the threshold; block_size has no effect'
        >>> threshold_view(grey, method="contrast").note()
        'contrast measures the paper and the ink; threshold and block_size have no effect'
        """
        used = settings_used(self.method)
        unused = [name for name in ("threshold", "block_size") if name not in used]
        how = _HOW.get(self.method, "compares each pixel with its block")
        if not unused:
            return f"{self.method} {how}"
        verb = "has" if len(unused) == 1 else "have"
        return f"{self.method} {how}; {' and '.join(unused)} {verb} no effect"


def threshold_view(grey, *, method="fixed", threshold=127, block_size=None, flatten=False,
                   boxes=None):
    """Binarise a grey page and measure the result.

    A thin layer over :func:`ocrkit.preprocess.binarize` that also reports
    what a learner compares between methods.

    Parameters
    ----------
    grey : (M, N) uint8 ndarray
        Dark ink on light paper (:func:`ocrkit.preprocess.to_grey`).
    method : {'fixed', 'contrast', 'otsu', 'adaptive_mean', 'adaptive_gaussian', 'sauvola'}
    threshold : int
        Grey level of ``'fixed'``, 0-255; ignored by the other methods.
    block_size : int, optional
        Odd neighbourhood width of the local methods; the default of
        :func:`~ocrkit.preprocess.binarize` (1/8 of the shorter side) if None.
        Ignored by the other methods (:func:`settings_used`).
    flatten : bool
        Divide out uneven lighting first
        (:func:`~ocrkit.preprocess.flatten_illumination`).
    boxes : (K, 4) int array_like, optional
        ``x, y, w, h`` of the page's known digits: the view then counts how
        many stand out (:func:`digits_visible`).

    Returns
    -------
    ThresholdView

    Raises
    ------
    ValueError
        For an unknown method, a threshold outside 0-255, or a block size that
        is even or below 3.

    Examples
    --------
    >>> grey = np.full((20, 30), 200, np.uint8)
    >>> grey[5:15, 10:12] = 40
    >>> view = threshold_view(grey, method="fixed", threshold=127)
    >>> view.summary()
    'fixed t=127: 3.33% ink, 1 components'
    """
    if method not in BINARIZE_METHODS:
        raise OptionError(f"unknown method {method!r}; choose one of {', '.join(BINARIZE_METHODS)}")
    if not 0 <= threshold <= 255:
        raise OptionError(f"threshold must be a grey level 0-255, got {threshold}")
    grey = np.asarray(grey)
    if grey.ndim != 2 or grey.dtype != np.uint8:
        raise OptionError(
            f"grey must be (M, N) uint8, got {grey.shape} {grey.dtype}; call to_grey first"
        )
    if flatten:
        grey = flatten_illumination(grey)
    ink = binarize(grey, method=method, threshold=int(threshold), block_size=block_size)
    if method == "fixed":
        level = int(threshold)
    elif method in GLOBAL_METHODS:
        # binarize keeps Otsu's level to itself; on this image it is the first
        # grey level that is not ink (all darker levels are).
        level = int(grey[ink].max()) + 1 if ink.any() else int(grey.min())
    else:
        level = None
    if method not in LOCAL_METHODS or block_size is None:
        block_size = None
    visible = digits = None
    if boxes is not None:
        boxes = as_boxes(boxes, dtype=int)
        visible, digits = digits_visible(ink, boxes), len(boxes)
    return ThresholdView(grey, ink, method, level, None if block_size is None else int(block_size),
                         float(ink.mean()), ink_components(ink), visible, digits, bool(flatten))


def cast_shadow(grey, *, darkest=0.35, edge=0.5, softness=0.04):
    """Darken the right part of a grey page, as a hand's shadow across it would.

    Ink and paper alike are multiplied by the light that reaches them: full
    light left of ``edge``, ``darkest`` right of it, with a soft (logistic)
    transition, as a shadow cast by something held above the page has.

    Parameters
    ----------
    grey : (M, N) uint8 ndarray
    darkest : float
        Brightness in the shadow, in (0, 1].
    edge : float
        Where the shadow's edge crosses the page, as a fraction of its width.
    softness : float
        Width of the shadow's edge, as a fraction of the page width; the light
        goes from 88 % to 12 % of the way across in about 4 times this.

    Returns
    -------
    shaded : (M, N) uint8 ndarray

    Examples
    --------
    >>> cast_shadow(np.full((1, 5), 200, np.uint8), darkest=0.5, softness=0.01).tolist()
    [[200, 200, 150, 100, 100]]
    """
    grey = np.asarray(grey)
    if grey.ndim != 2 or grey.dtype != np.uint8:
        raise OptionError(
            f"grey must be (M, N) uint8, got {grey.shape} {grey.dtype}; call to_grey first"
        )
    if not 0 < darkest <= 1:
        raise OptionError(f"darkest is a brightness in (0, 1], got {darkest}")
    if softness <= 0:
        raise OptionError(f"softness must be positive, got {softness}")
    x = (np.arange(grey.shape[1]) + 0.5) / grey.shape[1]
    shade = 1.0 / (1.0 + np.exp(-(x - edge) / softness))
    light = 1.0 - (1.0 - darkest) * shade
    return np.clip(grey * light[None, :] + 0.5, 0, 255).astype(np.uint8)


def digits_visible(ink, boxes, *, lowest=0.02, margin=0.15, most_around=0.5):
    """How many known digits stand out as ink on paper.

    A digit stands out when its box holds some ink and the frame around the
    box is mostly paper.  A box with almost no ink lost its digit to the
    paper (a threshold too dark); a box in a frame of ink lost it to a
    shadow taken for ink (a threshold too light).

    Parameters
    ----------
    ink : (M, N) bool ndarray
    boxes : (K, 4) int array_like
        ``x, y, w, h`` of the digits, e.g. from a page's ground truth.
    lowest : float
        Least share of ink in the box.
    margin : float
        Width of the frame around the box, in box heights.  Narrow, so that
        the neighbouring digits of a number fall mostly outside it.
    most_around : float
        Largest share of ink in the frame.

    Returns
    -------
    count : int
    """
    ink = np.asarray(ink)
    if ink.ndim != 2:
        raise OptionError(f"ink must be a 2-D (M, N) mask, got shape {ink.shape}")
    rows, cols = ink.shape
    count = 0
    for x, y, w, h in as_boxes(boxes, dtype=int):
        inside = ink[y:y + h, x:x + w]
        if inside.size == 0 or inside.mean() < lowest:
            continue
        m = max(1, round(margin * h))
        top, left = max(0, y - m), max(0, x - m)
        outer = ink[top:min(rows, y + h + m), left:min(cols, x + w + m)]
        frame = outer.size - inside.size
        if frame > 0 and (outer.sum() - inside.sum()) / frame <= most_around:
            count += 1
    return count


def contour_depths(hierarchy):
    """Nesting depth of each contour of a ``cv2.RETR_TREE`` hierarchy.

    Parameters
    ----------
    hierarchy : (1, K, 4) int ndarray or None
        ``[next, previous, first_child, parent]`` per contour, as returned by
        ``cv2.findContours``; None (no contours) gives an empty array.

    Returns
    -------
    depth : (K,) int ndarray
        0 for an outline with no contour around it, 1 for a hole in it, 2
        for ink inside that hole, and so on: odd depths are holes.
    """
    if hierarchy is None:
        return np.zeros(0, int)
    parents = np.asarray(hierarchy).reshape(-1, 4)[:, 3]
    depth = np.zeros(len(parents), int)
    for i in range(len(parents)):
        j = parents[i]
        while j >= 0:
            depth[i] += 1
            j = parents[j]
    return depth


def contour_counts(mask):
    """Outer contours and holes of an ink mask.

    ``cv2.findContours`` with ``RETR_TREE`` nests every contour under the one
    that encloses it: an outline at even depth (0, 2, ...) bounds ink, one at
    odd depth bounds a hole in the ink (:func:`contour_depths`).  A clean 8
    has one outline and two holes, a 0, 6 or 9 one hole, a 1, 2, 3, 5 or 7
    none (a closed 4 has one).

    Parameters
    ----------
    mask : (M, N) bool ndarray
        True for ink.

    Returns
    -------
    outer, holes : int
    """
    mask = np.asarray(mask)
    if mask.ndim != 2:
        raise OptionError(f"mask must be a 2-D (M, N) mask, got shape {mask.shape}")
    _, hierarchy = cv2.findContours(mask.astype(np.uint8), cv2.RETR_TREE,
                                    cv2.CHAIN_APPROX_SIMPLE)
    depth = contour_depths(hierarchy)
    holes = int(np.count_nonzero(depth % 2))
    return int(len(depth) - holes), holes


def segmentation_summary(segmentation):
    """One line about a segmentation, with plain numbers only.

    Parameters
    ----------
    segmentation : Segmentation
        From :func:`ocrkit.segment.segment_digits`.

    Returns
    -------
    text : str
        For example ``'46 digits, 4 lines, 12 numbers; dropped: 3 too small
        for a digit, 1 ruled line'``.
    """
    digits = len(segmentation)
    lines = len(set(segmentation.line.tolist()))
    numbers = len(set(segmentation.number.tolist()))
    text = f"{digits} digits, {lines} lines, {numbers} numbers"
    reasons = Counter(reason for _, reason in segmentation.dropped)
    if reasons:
        text += "; dropped: " + ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items()))
    else:
        text += "; nothing dropped"
    return text


def number_lengths(line, number):
    """Digits per number, line by line, from reading-order line and number ids.

    Parameters
    ----------
    line, number : (N,) int array_like
        Line and number index of each digit in reading order
        (:attr:`Segmentation.line`, :attr:`Segmentation.number`).

    Returns
    -------
    lengths : list of list of int
        One list per line, one count per number.  A page's ground truth
        gives the same from its text: ``[[len(n) for n in text.split()] for
        text in truth["lines"]]``.

    Examples
    --------
    >>> number_lengths([0, 0, 0, 1, 1], [0, 0, 1, 2, 2])
    [[2, 1], [2]]
    """
    line, number = np.asarray(line, int).ravel(), np.asarray(number, int).ravel()
    if line.shape != number.shape:
        raise OptionError(f"line and number must have one entry per digit, got {line.size} "
                         f"and {number.size}")
    lengths = []
    for i in range(line.size):
        if i == 0 or line[i] != line[i - 1]:
            lengths.append([1])
        elif number[i] != number[i - 1]:
            lengths[-1].append(1)
        else:
            lengths[-1][-1] += 1
    return lengths


def stretched_digits(digits):
    """Normalised digits cropped to their ink and stretched to fill 28 x 28, as the original did.

    Parameters
    ----------
    digits : (K, 28, 28) uint8 ndarray
        Digits as :func:`ocrkit.normalize.normalize_digits` makes them.

    Returns
    -------
    stretched : (K, 28, 28) uint8 ndarray
        Each digit's ink box resized to the whole square
        (:func:`ocrkit.normalize.stretch_digit`): a narrow "1" becomes a block.
    """
    from .normalize import crop_to_ink, stretch_digit

    digits = np.asarray(digits)
    if digits.ndim != 3:
        raise OptionError(f"digits must be a (K, M, N) stack, got shape {digits.shape}")
    if not len(digits):
        return np.zeros((0, 28, 28), np.uint8)
    return np.stack([stretch_digit(crop_to_ink(digit)) for digit in digits])


#: The readings :func:`undo_each_change` makes, in order, and what each undoes.
UNDONE = {
    "original": "the original program (ocrkit.original), every change undone",
    "kit": "the kit as it is",
    "fixed 127": "the original's fixed threshold, without flattening the light",
    "stretched crops": "the kit's digits stretched to 28 x 28 instead of normalised like MNIST",
    "HOG+KNN": "the original's classifier instead of the kit's",
    "no merge/split": "broken digits not joined, touching digits not cut",
}


def undo_each_change(image, *, model, original_model):
    """Read a page with the kit, the original program, and the kit with one change undone.

    Parameters
    ----------
    image : str, Path or (M, N[, 3]) uint8 ndarray
        The page, as :func:`ocrkit.pipeline.read_page` takes it.
    model : DigitClassifier
        The kit's classifier.  To compare with the original, which answers
        every digit, give one with ``reject_below = 0``.
    original_model : DigitClassifier
        The original's classifier, trained
        (:func:`ocrkit.original.original_classifier`).

    Returns
    -------
    readings : dict of str to PageReading
        Keyed as :data:`UNDONE`, in its order.  ``'stretched crops'`` is the
        kit's reading (same boxes) with the labels `model` gives its digits
        stretched (:func:`stretched_digits`); the others are read from the page.
    """
    from dataclasses import replace
    from pathlib import Path

    from .imageio import read_image
    from .original import read_page_original
    from .pipeline import read_page

    name = None
    if isinstance(image, str | Path):
        name = Path(image).name
        image = read_image(image)
    kit = read_page(image, model=model, name=name)
    guesses, labels = kit.guesses, kit.labels
    if len(kit.boxes):
        guesses, labels, _ = model.read(stretched_digits(kit.digits))
    return {
        "original": read_page_original(image, model=original_model, name=name),
        "kit": kit,
        "fixed 127": read_page(image, model=model, method="fixed", flatten=False, name=name),
        "stretched crops": replace(kit, labels=labels, guesses=guesses),
        "HOG+KNN": read_page(image, model=original_model, name=name),
        "no merge/split": read_page(image, model=model, merge=False, split=False, name=name),
    }


def compare_features(variants, x_train, y_train, x_test, y_test, *, kind="knn", **params):
    """Train and test one classifier per feature setting, on the same digits.

    Parameters
    ----------
    variants : dict of str to FeatureSettings
        The settings to compare, by name.
    x_train, x_test : (N, 28, 28) uint8 ndarray
        Normalised digits, such as MNIST's.
    y_train, y_test : (N,) int ndarray
        Their labels.
    kind : {'svm', 'knn', 'linear'}
        The classifier (:class:`~ocrkit.classify.DigitClassifier`).
    **params
        Its parameters, such as ``k=3``.

    Returns
    -------
    dict of str to dict
        Per variant, in order: ``cell`` (such as ``'5x5'``), ``bins``,
        ``signed``, ``shared`` (votes shared between cells and bins),
        ``features`` (length of a vector) and ``accuracy`` on the test digits;
        a table for :func:`ocrkit.evaluate.format_table`.

    Examples
    --------
    >>> from ocrkit.datasets import load_mnist
    >>> from ocrkit.features import FeatureSettings
    >>> data = load_mnist(n_train=500, n_test=100)
    >>> table = compare_features({"default": FeatureSettings()}, data.x_train, data.y_train,
    ...                          data.x_test, data.y_test, k=3)
    >>> table["default"]["cell"], table["default"]["features"]
    ('5x5', 768)
    """
    from .classify import DigitClassifier
    from .evaluate import accuracy
    from .features import extract_features

    if not variants:
        raise OptionError("give at least one feature setting to compare, by name")
    table = {}
    for name, settings in variants.items():
        model = DigitClassifier(kind, features=settings, **params).fit(x_train, y_train)
        table[name] = {
            "cell": "x".join(str(v) for v in settings.pixels_per_cell),
            "bins": int(settings.orientations),
            "signed": bool(settings.signed),
            "shared": bool(settings.interpolate),
            "features": int(extract_features(x_train[:1], settings=settings).shape[1]),
            "accuracy": accuracy(y_test, model.predict(x_test)),
        }
    return table
