"""What the notebooks' interactive explorers compute, as plain tested functions.

Each explorer in the course is an ``ipywidgets.interact`` call around one of
these functions and a figure from :mod:`ocrkit.viz`; the computation lives
here so that it is tested, and so that a notebook can draw the same view once
without a kernel (a static figure next to each widget).

:func:`threshold_view`
    a grey page binarised by one method, with the numbers that tell methods
    apart: ink fraction, connected components, the global threshold used.
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

Every number these functions return is a plain Python ``int``, ``float`` or
``str``, so that a notebook prints the same text with every numpy version.
"""

from collections import Counter
from dataclasses import dataclass

import cv2
import numpy as np

from .preprocess import BINARIZE_METHODS, binarize, flatten_illumination

__all__ = ["ThresholdView", "threshold_view", "ink_components", "cast_shadow",
           "digits_visible", "contour_depths", "contour_counts", "segmentation_summary",
           "number_lengths"]

#: Methods that compare every pixel with one grey level for the whole page.
GLOBAL_METHODS = ("fixed", "otsu")


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
        raise ValueError(f"ink must be a 2-D (M, N) mask, got shape {ink.shape}")
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
        None for the local methods, which have no single level.
    block_size : int or None
        Neighbourhood width given to a local method; None for the global
        methods, and for binarize's default width.
    ink_fraction : float
        Share of the page that is ink, 0-1.
    components : int
        8-connected ink components: a clean page of digits has about one per
        digit; thousands mean noise or paper texture taken for ink.
    """

    grey: np.ndarray
    ink: np.ndarray
    method: str
    threshold: int | None
    block_size: int | None
    ink_fraction: float
    components: int

    def summary(self):
        """The view's fingerprint in one line, e.g. ``'otsu t=142: 3.21% ink, 57 components'``."""
        if self.threshold is not None:
            setting = f"t={self.threshold}"
        else:
            setting = f"block={self.block_size or 'auto'}"
        return (f"{self.method} {setting}: {100 * self.ink_fraction:.2f}% ink, "
                f"{self.components} components")


def threshold_view(grey, *, method="fixed", threshold=127, block_size=None, flatten=False):
    """Binarise a grey page and measure the result.

    A thin layer over :func:`ocrkit.preprocess.binarize` that also reports
    what a learner compares between methods.

    Parameters
    ----------
    grey : (M, N) uint8 ndarray
        Dark ink on light paper (:func:`ocrkit.preprocess.to_grey`).
    method : {'fixed', 'otsu', 'adaptive_mean', 'adaptive_gaussian', 'sauvola'}
    threshold : int
        Grey level of ``'fixed'``, 0-255; ignored by the other methods.
    block_size : int, optional
        Odd neighbourhood width of the local methods; the default of
        :func:`~ocrkit.preprocess.binarize` (1/8 of the shorter side) if None.
        Ignored by the global methods.
    flatten : bool
        Divide out uneven lighting first
        (:func:`~ocrkit.preprocess.flatten_illumination`).

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
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(BINARIZE_METHODS)}")
    if not 0 <= threshold <= 255:
        raise ValueError(f"threshold must be a grey level 0-255, got {threshold}")
    grey = np.asarray(grey)
    if grey.ndim != 2 or grey.dtype != np.uint8:
        raise ValueError(
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
    if method in GLOBAL_METHODS or block_size is None:
        block_size = None
    return ThresholdView(grey, ink, method, level, None if block_size is None else int(block_size),
                         float(ink.mean()), ink_components(ink))


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
        raise ValueError(
            f"grey must be (M, N) uint8, got {grey.shape} {grey.dtype}; call to_grey first"
        )
    if not 0 < darkest <= 1:
        raise ValueError(f"darkest is a brightness in (0, 1], got {darkest}")
    if softness <= 0:
        raise ValueError(f"softness must be positive, got {softness}")
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
        raise ValueError(f"ink must be a 2-D (M, N) mask, got shape {ink.shape}")
    rows, cols = ink.shape
    count = 0
    for x, y, w, h in np.asarray(boxes, int).reshape(-1, 4):
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
        raise ValueError(f"mask must be a 2-D (M, N) mask, got shape {mask.shape}")
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
        raise ValueError(f"line and number must have one entry per digit, got {line.size} "
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
