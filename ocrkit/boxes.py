"""Boxes: the rectangles around digits, and how much two sets of them overlap.

A box is a row ``x, y, w, h`` in pixels: its left and top edges, its width
and its height.  A set of K boxes is a (K, 4) array; these functions take
anything that converts to one (a list of ``[x, y, w, h]``, an int or float
array) and compare every box of one set with every box of another:

:func:`as_boxes`
    boxes as a (K, 4) array, checked: float to measure, int to draw or slice.
:func:`box_iou`
    intersection over union: 1 for the same box, 0 for boxes apart.
:func:`box_coverage`
    the share of each box of the first set that a box of the second covers;
    not symmetric, so it tells a box inside another from one around it.
"""

import numpy as np

from .errors import OptionError

__all__ = ["as_boxes", "box_coverage", "box_iou"]


def as_boxes(boxes, *, dtype=float):
    """Boxes as a (K, 4) array of ``x, y, w, h`` rows.

    Parameters
    ----------
    boxes : (K, 4) array_like
        One ``[x, y, w, h]`` per box; an empty sequence is no boxes.
    dtype : {float, int}
        ``int`` gives pixel boxes, to draw or to slice an image with;
        fractions of a pixel are dropped (cut toward zero).

    Returns
    -------
    boxes : (K, 4) float64 or int64 ndarray

    Raises
    ------
    ValueError
        If `boxes` is not K rows of four numbers.

    Examples
    --------
    >>> as_boxes([[1, 2, 3, 4]]).tolist()
    [[1.0, 2.0, 3.0, 4.0]]
    >>> as_boxes([(1.5, 2, 3, 4.9)], dtype=int).tolist()
    [[1, 2, 3, 4]]
    >>> as_boxes([]).shape
    (0, 4)
    """
    boxes = np.asarray(boxes, dtype=float)
    if boxes.size == 0:
        return np.zeros((0, 4), dtype)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise OptionError(f"boxes must be (K, 4) rows of x, y, w, h; got shape {boxes.shape}")
    return boxes.astype(dtype, copy=False)


def _intersections(a, b):
    """Intersection area of every pair of rows of two (K, 4) float arrays: (K, L)."""
    w = (np.minimum((a[:, 0] + a[:, 2])[:, None], (b[:, 0] + b[:, 2])[None])
         - np.maximum(a[:, 0][:, None], b[:, 0][None]))
    h = (np.minimum((a[:, 1] + a[:, 3])[:, None], (b[:, 1] + b[:, 3])[None])
         - np.maximum(a[:, 1][:, None], b[:, 1][None]))
    return np.clip(w, 0, None) * np.clip(h, 0, None)


def box_iou(first, second):
    """Intersection over union of every pair of boxes.

    Parameters
    ----------
    first : (K, 4) array_like
        ``x, y, w, h`` of each box.
    second : (L, 4) array_like

    Returns
    -------
    iou : (K, L) float ndarray
        ``iou[i, j]`` is the area the two boxes share over the area they
        cover together, in [0, 1]; 0 for two boxes without area.

    Examples
    --------
    >>> box_iou([[0, 0, 10, 10]], [[5, 0, 10, 10], [0, 0, 10, 10]]).round(3).tolist()
    [[0.333, 1.0]]
    """
    a, b = as_boxes(first), as_boxes(second)
    inter = _intersections(a, b)
    union = (a[:, 2] * a[:, 3])[:, None] + (b[:, 2] * b[:, 3])[None] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0)


def box_coverage(first, second):
    """Share of each box of `first` that each box of `second` covers.

    Parameters
    ----------
    first : (K, 4) array_like
        ``x, y, w, h`` of each box.
    second : (L, 4) array_like

    Returns
    -------
    coverage : (K, L) float ndarray
        ``coverage[i, j]`` is the area of ``first[i]`` inside ``second[j]``
        over the area of ``first[i]`` (counted as at least one pixel), in
        [0, 1].  Unlike the intersection over union it is not symmetric: a
        large box covers all of a small one, a small one little of a large.

    Examples
    --------
    >>> box_coverage([[0, 0, 10, 10]], [[0, 0, 10, 4], [-5, -5, 30, 30]]).tolist()
    [[0.4, 1.0]]
    """
    a, b = as_boxes(first), as_boxes(second)
    areas = np.maximum(a[:, 2] * a[:, 3], 1.0)
    return _intersections(a, b) / areas[:, None]
