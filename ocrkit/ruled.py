"""Ruled lines: the long straight strokes of lined paper, found in the ink they touch.

Digits written on lined paper sit on its lines or cross them, and a line
with the digits hanging on it is one connected component, far too large for
a digit. :func:`ruled_line_pixels` finds the line in such a component so
that segmentation can take it off and find the digits again:

1. the line's direction is the one, to a degree, along which most of the
   component's pixels line up, then a least-squares fit to the pixels near
   that line;
2. the line's pixels are those within about half a stroke of the fitted
   line, in an unbroken run of columns at least ``min_length`` long; a
   digit's strokes are never that long, so a row of touching digits
   without a line keeps every pixel;
3. where a digit's stroke lies along the line or crosses it, the ink is
   thicker than the line alone (by a pixel on a crisp line, as thick in most
   columns; by two on a faint one), and those columns stay with the digit:
   a 2's foot on the line stays a 2; a stub of the line that no stroke
   touches goes with the line.

A digit the line crosses loses the few pixels it covers, and its halves are
joined again by the merging of broken digits.
"""

import cv2
import numpy as np

__all__ = ["ruled_line_pixels"]

# Directions a ruled line is looked for in: every degree up to 40 either way.
_SLOPES = np.tan(np.radians(np.arange(-40, 41)))
# Pixels the direction is found from, at most (every k-th of a larger component).
_SEARCH_PIXELS = 4000


def ruled_line_pixels(mask, *, min_length, stroke_width):
    """The pixels of one component that lie on a long straight line.

    Parameters
    ----------
    mask : (M, N) bool ndarray
        One connected component, e.g. a ruled line with digits touching it.
    min_length : float
        Shortest line, in pixels along the image's columns: longer than any
        stroke of a digit (segmentation asks for twice the digit height).
    stroke_width : float
        The pen's stroke width in pixels; a line is kept to within half of
        it, plus a pixel and a half for the rounding of a slanted line.

    Returns
    -------
    line : (M, N) bool ndarray
        All False when the component holds no such line.

    Examples
    --------
    >>> blob = np.zeros((20, 100), bool)
    >>> blob[15:17, :] = True      # a ruled line
    >>> blob[2:15, 40:42] = True   # a "1" standing on it
    >>> line = ruled_line_pixels(blob, min_length=40, stroke_width=2)
    >>> bool(line[15:17, :39].all()), bool(line[:, 40:42].any())  # the 1 keeps its foot
    (True, False)
    """
    mask = np.asarray(mask, bool)
    rows, cols = mask.shape
    line = np.zeros(mask.shape, bool)
    if cols < min_length:
        return line
    y, x = np.nonzero(mask)
    if y.size < 2:
        return line
    band = stroke_width / 2 + 1.5
    # The line's direction is the one along which most pixels line up: a
    # whole degree at a time up to the 40 degrees a line of writing may
    # slant, then a least-squares line through the pixels near it.
    # (Every k-th pixel is enough to tell the direction, on a long line.)
    every = max(1, y.size // _SEARCH_PIXELS)
    y_some, x_some = y[::every], x[::every]
    best = -1
    for slope in _SLOPES:
        level = np.round(y_some - slope * x_some).astype(np.int64)
        counts = np.bincount(level - level.min())
        if counts.max() > best:
            best, direction = counts.max(), slope
            peak = int(np.argmax(counts)) + level.min()
    level = np.round(y - direction * x).astype(np.int64)
    near = np.abs(level - peak) <= band + 1
    if np.ptp(x[near]) < min_length:
        return line
    slope, offset = _fit(x[near], y[near])
    on_line = np.abs(y - (slope * x + offset)) <= band
    # Only where the line runs unbroken for at least min_length columns.
    covered = np.zeros(cols, bool)
    covered[x[on_line]] = True
    edges = np.flatnonzero(np.diff(np.concatenate([[0], covered.astype(np.int8), [0]])))
    starts, stops = edges[0::2], edges[1::2]
    long_runs = np.zeros(cols + 1, np.int64)
    for start, stop in zip(starts, stops):
        if stop - start >= min_length:
            long_runs[start] += 1
            long_runs[stop] -= 1
    in_run = np.cumsum(long_runs)[:cols] > 0
    # Where a digit's stroke lies along the line or crosses it, the ink is
    # thicker than the line alone: it stays with the digit (a 2's foot on
    # the line, the stem of a 4 through it).
    thickness = np.bincount(x[on_line], minlength=cols)
    if not in_run.any():
        return line
    alone = np.median(thickness[in_run])
    # A crisp line (as thick in most columns) tells a digit's stroke by a
    # pixel more; a faint one, half lost to the paper, varies by a pixel
    # itself and needs two.
    crisp = np.mean(thickness[in_run] == alone) >= 0.6
    in_run &= thickness < alone + (1 if crisp else 2)
    keep = on_line & in_run[x]
    line[y[keep], x[keep]] = True
    # What is left of the line alone (a thick spot that no stroke leaves)
    # goes with it: a stub on the line is no piece of a digit.
    along = np.zeros(mask.shape, bool)
    along[y[on_line], x[on_line]] = True
    count, labels = cv2.connectedComponents((mask & ~line).view(np.uint8), connectivity=8)
    if count > 1:
        left = labels[y, x]
        off_band = np.bincount(left[~on_line], minlength=count)
        stub = (off_band == 0) & (np.bincount(left, minlength=count) > 0)
        stub[0] = False
        line |= stub[labels] & along
    return line


def _fit(x, y):
    """Least-squares line ``y = slope * x + offset`` through integer points.

    The sums are exact (Python integers), so the line is the same on every
    machine, whatever its floating-point unit does with long sums.
    """
    n = len(x)
    sum_x, sum_y = int(x.sum()), int(y.sum())
    sum_xx = int(np.dot(x.astype(object), x.astype(object)))
    sum_xy = int(np.dot(x.astype(object), y.astype(object)))
    spread = n * sum_xx - sum_x * sum_x
    if spread == 0:
        return 0.0, sum_y / n
    slope = (n * sum_xy - sum_x * sum_y) / spread
    return slope, (sum_y - slope * sum_x) / n
