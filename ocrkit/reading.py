"""Reading order: digits into lines, and lines into numbers, as a person reads them.

Three steps, each measured on the page itself:

1. **The direction of writing.** Each digit's nearest neighbour within 50
   degrees of horizontal gives one direction; their median is the page's.
   A webcam line written at 35 degrees is then read along its own slope.
2. **Lines.** Digits are taken along that direction; each joins the line
   whose last digit overlaps it most across the direction (at least half
   the smaller height). There is no limit on the gap: two numbers far apart
   on one row are one line, as written.
3. **Numbers.** The gaps between neighbours in a line, in digit heights,
   with a narrow "1" counted as wide as a typical digit (so its own thinness
   does not look like a space), fall into gaps inside numbers and gaps
   between them. When the page's gaps split clearly into two groups, every
   line is cut at the page's threshold; otherwise a line whose own gaps
   split clearly is cut at its own, and a line of evenly spaced digits is
   one number.
"""

from statistics import median

import numpy as np

__all__ = ["reading_order", "ordered_with_direction", "writing_direction", "number_threshold"]

# Directions further than this from horizontal are not taken for writing.
_MAX_SLANT = np.radians(50)
# Two groups of gaps are "clearly" apart when their means differ by this
# many digit heights, and by this many of their spreads.
_MIN_SPLIT = 0.35
_MIN_SEPARATION = 2.5
# A gap this many digit heights wide is a space between numbers in any hand.
_WIDE_GAP = 1.5


def writing_direction(centres, heights):
    """Direction of the writing, radians (0: left to right, positive: going down).

    Parameters
    ----------
    centres : (N, 2) float array_like
        ``x, y`` of each digit's centre.
    heights : (N,) float array_like

    Returns
    -------
    angle : float
        The median direction from each digit to its nearest neighbour within
        50 degrees of horizontal and four heights; 0 when fewer than three
        digits have such a neighbour.

    Examples
    --------
    >>> centres = [(0, 0), (10, 10), (20, 20), (30, 30)]
    >>> round(float(np.degrees(writing_direction(centres, [8, 8, 8, 8]))))
    45
    """
    centres = np.asarray(centres, float).reshape(-1, 2)
    heights = np.asarray(heights, float).ravel()
    if len(centres) < 2:
        return 0.0
    dx = centres[None, :, 0] - centres[:, None, 0]
    dy = centres[None, :, 1] - centres[:, None, 1]
    # Fold every pair to point rightwards: a neighbour on the left is as good.
    flip = dx < 0
    dx, dy = np.where(flip, -dx, dx), np.where(flip, -dy, dy)
    distance = np.hypot(dx, dy)
    angle = np.arctan2(dy, dx)
    near = np.maximum(heights[:, None], heights[None, :])
    usable = (np.abs(angle) <= _MAX_SLANT) & (distance > 0) & (distance <= 4 * near)
    distance = np.where(usable, distance, np.inf)
    nearest = np.argmin(distance, axis=1)
    has = np.isfinite(distance[np.arange(len(centres)), nearest])
    # One or two pairs (a lone "08" on a form) say too little of the page.
    if has.sum() < 3:
        return 0.0
    return float(np.median(angle[np.arange(len(centres)), nearest][has]))


def _best_split(gaps):
    """Otsu's split of sorted gaps: (threshold, mean difference, separation) or None.

    Every split is scored at once from running sums. Splits whose scores
    agree to nine digits are a tie, which the lowest split wins: evenly
    spaced gaps in whole pixels tie exactly, and the winner must not hang
    on how the sums were rounded.
    """
    gaps = np.sort(np.asarray(gaps, float))
    n = len(gaps)
    if n < 2:
        return None
    lower_size = np.arange(1, n)
    lower_mean = np.cumsum(gaps)[:-1] / lower_size
    upper_mean = np.cumsum(gaps[::-1])[::-1][1:] / (n - lower_size)
    score = lower_size * (n - lower_size) * (upper_mean - lower_mean) ** 2
    best = 1 + int(np.argmax(score >= score.max() * (1 - 1e-9)))
    lower, upper = gaps[:best], gaps[best:]
    difference = upper.mean() - lower.mean()
    spread = np.sqrt((lower.var() + upper.var()) / 2)
    separation = difference / spread if spread > 0 else np.inf
    return (lower[-1] + upper[0]) / 2, difference, separation


def number_threshold(gaps):
    """Gap (in digit heights) above which a new number starts, or None.

    Parameters
    ----------
    gaps : (K,) float array_like
        Gaps between neighbouring digits, in digit heights.

    Returns
    -------
    threshold : float or None
        Half-way between the two groups of gaps (Otsu's split) when they are
        clearly apart (means :data:`_MIN_SPLIT` heights and
        :data:`_MIN_SEPARATION` spreads apart), but no more than 2.5
        standard deviations above the mean of the lower group; None when
        the gaps are all alike.

    Examples
    --------
    >>> round(number_threshold([0.1, 0.15, 0.9, 0.12, 1.1]), 3)
    0.175
    >>> number_threshold([0.6, 0.7, 0.8, 0.9]) is None   # evenly spaced
    True
    """
    gaps = np.asarray(gaps, float)
    if gaps.size < 2:
        return None
    threshold, difference, separation = _best_split(gaps)
    if difference < _MIN_SPLIT or separation < _MIN_SEPARATION:
        return None
    # Gaps inside numbers are a tight group, spaces a loose one that
    # reaches down towards it: stay within 2.5 spreads of the tight group.
    inside = gaps[gaps < threshold]
    if inside.size > 1:
        threshold = min(threshold, inside.mean() + 2.5 * inside.std())
    return float(threshold)


def _lines(boxes, angle):
    """Digits chained into lines along the writing direction (lists of indices)."""
    cos, sin = np.cos(angle), np.sin(angle)
    centre_x = boxes[:, 0] + boxes[:, 2] / 2
    centre_y = boxes[:, 1] + boxes[:, 3] / 2
    along = (centre_x * cos + centre_y * sin).tolist()
    across = (-centre_x * sin + centre_y * cos).tolist()
    heights = boxes[:, 3].tolist()
    lines = []  # each: list of indices, in writing order
    for i in np.argsort(along, kind="stable").tolist():
        best, best_overlap = None, 0.5
        for li, members in enumerate(lines):
            last = members[-1]
            half = (heights[i] + heights[last]) / 4
            overlap = half * 2 - abs(across[i] - across[last])
            share = overlap / min(heights[i], heights[last])
            if share > best_overlap:
                best, best_overlap = li, share
        if best is None:
            lines.append([i])
        else:
            lines[best].append(i)
    # Top to bottom across the writing direction, then along it.
    lines.sort(key=lambda m: (median([across[i] for i in m]), along[m[0]]))
    return lines, np.array(along), cos, sin


def _extents(boxes, cos, sin, typical_width):
    """Start and end of each box along the writing, and the padding to ``typical_width``."""
    x, y, w, h = boxes.T
    corners_x = np.stack([x, x + w, x, x + w], axis=1)
    corners_y = np.stack([y, y, y + h, y + h], axis=1)
    along = corners_x * cos + corners_y * sin
    start, stop = along.min(axis=1), along.max(axis=1)
    return start, stop, np.maximum(typical_width - (stop - start), 0) / 2


def _gaps(boxes, members, extents):
    """Gaps between neighbours of one line along the writing, in the line's digit heights.

    A digit narrower than the typical width is counted as that wide,
    centred on itself (``extents`` from :func:`_extents`), so that the
    thinness of a "1" is not taken for a space.
    """
    start, stop, pad = (part[members] for part in extents)
    return (start[1:] - pad[1:] - stop[:-1] - pad[:-1]) / np.median(boxes[members, 3])


def reading_order(boxes, *, digit_height=None, number_gap=None, typical_width=None):
    """Order boxes into lines and numbers as a person would read them.

    Parameters
    ----------
    boxes : (N, 4) array_like
        ``x, y, w, h`` per digit, in any order.
    digit_height : float, optional
        Typical digit height, for the typical width; the median box height
        by default. Gaps are measured in each line's own median height.
    number_gap : float, optional
        A gap wider than this many digit heights starts a new number. By
        default it is learnt from the gaps of each line and of the page
        (:func:`number_threshold`).
    typical_width : float, optional
        Width of a typical digit, for counting narrow digits as that wide;
        by default the median width of the boxes between 0.35 and 0.9 times
        as wide as tall.

    Returns
    -------
    order : (N,) int ndarray
        Indices of ``boxes`` in reading order.
    line : (N,) int ndarray
        Line index of each box in reading order.
    number : (N,) int ndarray
        Number index of each box in reading order, counted over the page.

    Examples
    --------
    >>> boxes = [(0, 0, 10, 20), (14, 1, 10, 20), (60, 0, 10, 20),   # 12 3
    ...          (0, 40, 10, 20), (13, 41, 10, 20)]                  # 45
    >>> [a.tolist() for a in reading_order(boxes)]
    [[0, 1, 2, 3, 4], [0, 0, 0, 1, 1], [0, 0, 1, 2, 2]]
    """
    return ordered_with_direction(boxes, digit_height=digit_height, number_gap=number_gap,
                                  typical_width=typical_width)[:3]


def ordered_with_direction(boxes, *, digit_height=None, number_gap=None, typical_width=None):
    """:func:`reading_order`, and the direction of writing it followed.

    Returns
    -------
    order, line, number : (N,) int ndarray
        As :func:`reading_order`.
    angle : float
        :func:`writing_direction` of the boxes' centres, radians.
    """
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    empty = np.zeros(0, int)
    if len(boxes) == 0:
        return empty, empty.copy(), empty.copy(), 0.0
    height = float(digit_height or np.median(boxes[:, 3]))
    if typical_width is None:
        ratio = boxes[:, 2] / np.maximum(boxes[:, 3], 1e-9)
        regular = boxes[(ratio >= 0.35) & (ratio <= 0.9), 2]
        typical_width = float(np.median(regular)) if regular.size else 0.6 * height
    centres = boxes[:, :2] + boxes[:, 2:] / 2
    angle = writing_direction(centres, boxes[:, 3])
    lines, _, cos, sin = _lines(boxes, angle)
    extents = _extents(boxes, cos, sin, typical_width)
    gaps = [_gaps(boxes, members, extents) for members in lines]
    if number_gap is None:
        # Gaps wider than 1.5 heights are spaces whatever their width: clipped,
        # a few very wide ones (scattered digits, two columns) do not pull
        # the split away from the spaces between numbers.
        clipped = [np.clip(line_gaps, None, _WIDE_GAP) for line_gaps in gaps]
        page = number_threshold(np.concatenate(clipped))
        thresholds = [page if page is not None else number_threshold(line_gaps)
                      for line_gaps in clipped]
    else:
        thresholds = [number_gap] * len(lines)
    order, line_ids, number_ids = [], [], []
    number = -1
    for li, (members, line_gaps, threshold) in enumerate(zip(lines, gaps, thresholds)):
        for k, i in enumerate(members):
            if k == 0 or (threshold is not None and line_gaps[k - 1] > threshold):
                number += 1
            order.append(i)
            line_ids.append(li)
            number_ids.append(number)
    return np.array(order, int), np.array(line_ids, int), np.array(number_ids, int), angle
