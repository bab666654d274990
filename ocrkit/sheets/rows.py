"""Rows of a free-form sheet: group digit boxes into rows that may slope.

Sorting boxes by y and then by x fails as soon as a row slopes: over a row ten
digits wide, a slope of 3 degrees lifts the last digit by half a digit, and it
sorts into the wrong row.  Instead:

1. :func:`estimate_slope` takes each digit's nearest neighbour to its right
   (within 25 degrees of horizontal) and the median angle of those pairs: the
   slope the rows share.
2. :func:`group_rows` turns the box centres by that angle, so that rows lie
   flat, and starts a new row wherever the turned y jumps by more than
   ``gap`` digit heights.  Each row then gets its own straight line (a row
   may slope a little differently from the others), every box goes to the
   row whose line passes nearest, and the rows are put top to bottom and
   each row left to right.

Sizes are in digit heights, never in pixels.
"""

import numpy as np

from ..segment import typical_digit_height

__all__ = ["estimate_slope", "group_rows"]

MAX_PAIR_ANGLE = 25.0  # degrees: steeper neighbours belong to other rows


def _centres(boxes):
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    return boxes[:, :2] + boxes[:, 2:] / 2


def _height(boxes, digit_height):
    """The digit height given, or else the boxes' own (1 for no boxes)."""
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    return float(digit_height or typical_digit_height(boxes[:, 3]) or 1.0)


def estimate_slope(boxes, *, digit_height=None, max_angle=MAX_PAIR_ANGLE):
    """Common slope of the rows of digits, from pairs of horizontal neighbours.

    Parameters
    ----------
    boxes : (N, 4) array_like
        ``x, y, w, h`` of each digit.
    digit_height : float, optional
        Typical digit height; the median box height by default.
    max_angle : float
        Neighbours steeper than this many degrees are not in the same row.

    Returns
    -------
    slope : float
        Degrees, positive when rows run down to the right (image y points
        down); 0.0 when no pair is found.

    Examples
    --------
    >>> x = np.arange(10) * 50.0
    >>> boxes = np.stack([x, 100 + x * np.tan(np.radians(4)), np.full(10, 20),
    ...                   np.full(10, 40)], 1)
    >>> round(estimate_slope(boxes), 1)
    4.0
    """
    centres = _centres(boxes)
    if len(centres) < 2:
        return 0.0
    height = _height(boxes, digit_height)
    dx = centres[None, :, 0] - centres[:, None, 0]
    dy = centres[None, :, 1] - centres[:, None, 1]
    dist = np.hypot(dx, dy)
    # Only neighbours to the right, near horizontal and not too far away.
    usable = (dx > 0) & (np.abs(dy) <= np.tan(np.radians(max_angle)) * dx) & (dist < 6 * height)
    dist = np.where(usable, dist, np.inf)
    nearest = np.argmin(dist, axis=1)
    has = np.isfinite(dist[np.arange(len(centres)), nearest])
    if not has.any():
        return 0.0
    rows = np.flatnonzero(has)
    angles = np.degrees(np.arctan2(dy[rows, nearest[rows]], dx[rows, nearest[rows]]))
    return float(np.median(angles))


def _fit_lines(centres, rows, n_rows):
    """Per row, y = a + b * x through its centres (b = 0 for a one-box row)."""
    lines = np.zeros((n_rows, 2))
    for r in range(n_rows):
        pts = centres[rows == r]
        if len(pts) >= 3 and np.ptp(pts[:, 0]) > 0:
            b, a = np.polyfit(pts[:, 0], pts[:, 1], 1)
        else:
            a, b = float(np.mean(pts[:, 1])), 0.0
        lines[r] = a, b
    return lines


def group_rows(boxes, *, digit_height=None, slope=None, gap=0.6):
    """Group digit boxes into rows, top to bottom, each left to right.

    Parameters
    ----------
    boxes : (N, 4) array_like
        ``x, y, w, h`` of each digit, in any order.
    digit_height : float, optional
        Typical digit height; the median box height by default.
    slope : float, optional
        Slope of the rows in degrees; :func:`estimate_slope` by default.
    gap : float
        A jump of more than this many digit heights in the turned y starts a
        new row.

    Returns
    -------
    row : (N,) int ndarray
        Row of each box, 0 at the top.
    col : (N,) int ndarray
        Position of each box in its row, 0 at the left.
    slope : float
        The slope used, degrees.
    """
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    n = len(boxes)
    if n == 0:
        empty = np.zeros(0, int)
        return empty, empty.copy(), 0.0
    height = _height(boxes, digit_height)
    if slope is None:
        slope = estimate_slope(boxes, digit_height=height)
    centres = _centres(boxes)
    theta = np.radians(slope)
    # Turn the page by -slope: rows become horizontal.
    turned_y = -np.sin(theta) * centres[:, 0] + np.cos(theta) * centres[:, 1]
    order = np.argsort(turned_y, kind="stable")
    jumps = np.diff(turned_y[order]) > gap * height
    rows = np.empty(n, int)
    rows[order] = np.concatenate([[0], np.cumsum(jumps)])
    n_rows = int(rows.max()) + 1
    # Each row its own line; a box goes to the line passing nearest to it.
    # Two rounds settle every box that the common slope put in a neighbour row.
    for _ in range(2):
        lines = _fit_lines(centres, rows, n_rows)
        predicted = lines[None, :, 0] + lines[None, :, 1] * centres[:, None, 0]
        rows = np.argmin(np.abs(predicted - centres[:, None, 1]), axis=1)
        used = np.unique(rows)
        rows = np.searchsorted(used, rows)
        n_rows = len(used)
    # Top to bottom by where each row's line crosses the middle of the boxes.
    lines = _fit_lines(centres, rows, n_rows)
    middle = float(np.median(centres[:, 0]))
    rank = np.argsort(np.argsort(lines[:, 0] + lines[:, 1] * middle, kind="stable"))
    rows = rank[rows]
    turned_x = np.cos(theta) * centres[:, 0] + np.sin(theta) * centres[:, 1]
    col = np.zeros(n, int)
    for r in range(n_rows):
        members = np.flatnonzero(rows == r)
        col[members[np.argsort(turned_x[members], kind="stable")]] = np.arange(len(members))
    return rows, col, float(slope)
