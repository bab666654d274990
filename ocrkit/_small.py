"""Small copies of a page, and exact statistics that are cheap to take on them."""

import cv2
import numpy as np

# OpenCV counts a histogram in float32, exact up to 2**24 pixels.
_EXACT_COUNTS = 2**24


def small_copy(grey, side=256):
    """A copy about ``side`` pixels on its shorter side, and its scale factor.

    Every k-th pixel is taken first, as many as leave the copy at least
    ``side`` pixels on its shorter side (cheap on a 300-dpi page), then the
    rest is area-averaged, which OpenCV does slowly at factors that are not
    1/n.

    Parameters
    ----------
    grey : (M, N) uint8 ndarray
    side : int

    Returns
    -------
    small : (m, n) uint8 ndarray
    factor : float
        ``m / M`` (and about ``n / N``); 1 if the image is already small.
    """
    rows, cols = grey.shape
    step = max(1, min(rows, cols) // side)
    coarse = np.ascontiguousarray(grey[::step, ::step])
    shrink = min(1.0, side / min(coarse.shape))
    size = (max(1, round(coarse.shape[1] * shrink)), max(1, round(coarse.shape[0] * shrink)))
    small = coarse if size == coarse.shape[::-1] else cv2.resize(coarse, size,
                                                                interpolation=cv2.INTER_AREA)
    return small, small.shape[0] / rows


def grey_histogram(grey, where=None):
    """How many pixels of a uint8 image have each grey level: (256,) int64.

    Parameters
    ----------
    grey : (M, N) uint8 ndarray
    where : (M, N) bool ndarray, optional
        Count only these pixels.
    """
    grey = np.ascontiguousarray(grey)
    if grey.size >= _EXACT_COUNTS:
        return np.bincount((grey if where is None else grey[where]).ravel(), minlength=256)
    mask = None if where is None else np.ascontiguousarray(where).view(np.uint8)
    counts = cv2.calcHist([grey], [0], mask, [256], [0, 256]).ravel()
    return counts.astype(np.int64)


def grey_median(grey, where=None):
    """``np.median`` of a uint8 image's pixels (those in ``where``), from their histogram.

    The same number as ``np.median(grey[where])`` (the mean of the two
    middle values for an even count), without the selection and the
    partition: about ten times faster on a page.

    Parameters
    ----------
    grey : (M, N) uint8 ndarray
    where : (M, N) bool ndarray, optional

    Returns
    -------
    median : float
        NaN when no pixel is counted, as numpy gives.

    Examples
    --------
    >>> grey = np.array([[10, 20, 30, 200]], np.uint8)
    >>> grey_median(grey), grey_median(grey, grey < 100)
    (25.0, 20.0)
    """
    cumulative = np.cumsum(grey_histogram(grey, where))
    count = int(cumulative[-1])
    if count == 0:
        return float("nan")
    # The grey levels of the sorted values at positions (n - 1) // 2 and n // 2.
    low, high = np.searchsorted(cumulative, [(count - 1) // 2, count // 2], side="right")
    return (float(low) + float(high)) / 2


def upper_percentile(values, q):
    """``np.percentile(values, q)`` (linear interpolation) of a float array, for high ``q``.

    The two order statistics that numpy interpolates between lie among the
    largest values; a strided sample gives a level below them, and only the
    values above it are partitioned. The result is numpy's to the bit (the
    same interpolation, in the array's own type).

    Parameters
    ----------
    values : ndarray
        Floating point, no NaN.
    q : float
        Percentile, in [0, 100]; the gain is for q near 100.

    Returns
    -------
    percentile : numpy floating scalar
        Of ``values``' dtype.
    """
    flat = np.asarray(values).ravel()
    count = flat.size
    virtual = (count - 1) * (q / 100)
    low = min(int(np.floor(virtual)), count - 1)
    high = min(low + 1, count - 1)
    # Every value from position `low` of the sorted array on is one of the
    # `count - low` largest; a level that at least that many values reach
    # keeps them all. The sample's level is taken with room to spare, and
    # checked.
    stride = 8
    sample = flat[::stride]
    above = count - low
    rank = sample.size - 1 - min(sample.size - 1, 2 * (above // stride) + 2)
    level = np.partition(sample, rank)[rank]
    candidates = flat[flat >= level]
    offset = count - candidates.size
    if offset > low:  # the level was too high: look at every value
        candidates, offset = flat, 0
    part = np.partition(candidates, [low - offset, high - offset])
    a, b = part[low - offset], part[high - offset]
    # numpy's interpolation (numpy.lib._function_base_impl._lerp) with a
    # Python float weight, so that the arithmetic stays in the array's type.
    gamma = float(virtual - low) if virtual < count - 1 else 0.0
    difference = b - a
    return b - difference * (1 - gamma) if gamma >= 0.5 else a + difference * gamma


def grey_percentile(grey, q, where=None):
    """``np.percentile`` (linear interpolation) of a uint8 image's pixels, from their histogram.

    Parameters
    ----------
    grey : (M, N) uint8 ndarray
    q : float
        Percentile, in [0, 100].
    where : (M, N) bool ndarray, optional
        Count only these pixels.

    Returns
    -------
    percentile : float
        numpy's number to the bit; NaN when no pixel is counted.

    Examples
    --------
    >>> grey = np.array([[0, 10, 20, 30, 40]], np.uint8)
    >>> grey_percentile(grey, 10), grey_percentile(grey, 50, grey > 0)
    (4.0, 25.0)
    """
    return percentile_of_counts(grey_histogram(grey, where), q)


def percentile_of_counts(counts, q):
    """The percentile of values 0..len(counts)-1 held ``counts[v]`` times, as numpy computes it."""
    cumulative = np.cumsum(counts)
    count = int(cumulative[-1])
    if count == 0:
        return float("nan")
    virtual = (count - 1) * (q / 100)
    low = min(int(np.floor(virtual)), count - 1)
    high = min(low + 1, count - 1)
    a, b = (int(v) for v in np.searchsorted(cumulative, [low, high], side="right"))
    # numpy interpolates integers in float64 (numpy.lib._function_base_impl._lerp).
    gamma = float(virtual - low) if virtual < count - 1 else 0.0
    difference = float(b - a)
    return b - difference * (1 - gamma) if gamma >= 0.5 else a + difference * gamma
