"""A small copy of a page, for statistics that need no fine detail."""

import cv2
import numpy as np


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
