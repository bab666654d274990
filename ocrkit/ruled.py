"""Ruled lines: the long straight strokes of lined and squared paper, found in the ink they touch.

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
   a 2's foot on the line stays a 2; so do the columns as dark as the pen
   where the pen is clearly darker than a pale printed line, when the page's
   grey levels are given (a foot drawn exactly over the line); a stub of the
   line that no stroke touches goes with the line.

A digit the line crosses loses the few pixels it covers, and its halves are
joined again by the merging of broken digits.

An exercise book's margin line runs down the page across every ruled
line, and joins them all, with the digits on them, into one piece spanning
the page. :func:`margin_line_pixels` takes it off, and each line is one
with only its own digits again.

Lined paper photographed at a tilt, with no sheet edge to straighten it
by, has its lines slanted across the picture. :func:`ruled_slant` measures
their slope, so that the page can be turned level first.

On squared paper, the lines both ways and every digit written across them
are one piece spanning the page. :func:`grid_line_pixels` tells squared
paper from a table by its lines (at least four each way, as far apart
both ways), takes each of them with :func:`ruled_line_pixels`, and gives a
stroke back the pixels where it crosses a line slantwise. A stroke that
lies along a line, as thick as the line, goes with it: a 7's stem standing
on an upright line of the squares can read as a 1.
"""

import cv2
import numpy as np

from .preprocess import estimate_stroke_width

__all__ = ["grid_line_pixels", "margin_line_pixels", "ruled_line_pixels", "ruled_slant"]

# Directions a ruled line is looked for in: every degree up to 40 either way.
_SLOPES = np.tan(np.radians(np.arange(-40, 41)))
# Pixels the direction is found from, at most (every k-th of a larger component).
_SEARCH_PIXELS = 4000


def ruled_line_pixels(mask, *, min_length, stroke_width, grey=None):
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
    grey : (M, N) uint8 ndarray, optional
        The component's grey levels, dark ink on light paper. A pen clearly
        darker than the printed line tells a stroke lying along the line
        where it is no thicker than the line (:func:`_darker_than_the_line`).

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
    chosen, peak = _sharpest(y[::every], x[::every], _SLOPES)
    direction = _SLOPES[chosen]
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
    if grey is not None:
        in_run &= ~_darker_than_the_line(grey[y, x], x, on_line, in_run)
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


def _darker_than_the_line(levels, x, on_line, in_run):
    """(cols,) bool: columns where the ink on the line is as dark as the pen.

    ``levels`` are the grey levels of the component's pixels (columns
    ``x``), ``on_line`` marks those on the line, ``in_run`` the columns of
    the line alone. A printed line has one level along its course: the
    median of its columns' medians, with their spread. The pen's level is
    the median of the pixels off the line (the digits' strokes). When the
    pen stands clearly darker (two spreads), a column whose median on the
    line is nearer the pen's level than the line's holds a stroke lying
    along the line (a 2's foot on a pale line, drawn no thicker than it),
    and stays with the digit. (A column of the line alone that the
    camera's noise darkens as much touches no stroke: a stub, it goes with
    the line.) Otherwise (a black pen on black lines) no column is told
    this way.
    """
    cols = len(in_run)
    darker = np.zeros(cols, bool)
    if on_line.all() or not in_run.any():
        return darker
    # Each column's median on the line: sorted by column, then level.
    line_x, line_levels = x[on_line], levels[on_line]
    order = np.lexsort((line_levels, line_x))
    line_x, line_levels = line_x[order], line_levels[order].astype(np.float64)
    start = np.searchsorted(line_x, np.arange(cols))
    count = np.bincount(line_x, minlength=cols)
    has = count > 0
    median = np.full(cols, np.nan)
    low = start[has] + (count[has] - 1) // 2
    high = start[has] + count[has] // 2
    median[has] = (line_levels[low] + line_levels[high]) / 2
    alone = median[in_run & has]
    if alone.size == 0:
        return darker
    level = float(np.median(alone))
    spread = max(1.4826 * float(np.median(np.abs(alone - level))), 1.0)
    pen = float(np.median(levels[~on_line]))
    if pen >= level - 2.0 * spread:
        return darker
    darker[has] = median[has] <= (level + pen) / 2
    return darker


def _sharpest(y, x, slopes):
    """Along which of ``slopes`` most points line up: ``(index, level)``.

    The points' levels ``round(y - slope * x)`` are counted for each slope;
    the first slope with the largest count wins, and ``level`` is that
    count's level (the line ``y = level + slope * x``).
    """
    best, chosen, peak = -1, 0, 0
    for k, slope in enumerate(slopes):
        level = np.round(y - slope * x).astype(np.int64)
        counts = np.bincount(level - level.min())
        if counts.max() > best:
            best, chosen, peak = counts.max(), k, int(np.argmax(counts)) + level.min()
    return chosen, peak


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


def grid_line_pixels(mask, *, stroke_width=None, share=0.5, squares=0.2):
    """The pixels of squared paper's lines, both ways, in one piece with the digits.

    Squared paper's lines, and the digits written across them, make one
    piece woven across the page. Its lines are the rows, then the columns,
    that hold at least ``share`` of the piece's extent more than the median
    row or column does (the other way's lines cross them all). It is
    squared paper when each way has at least four lines, at pitches that
    agree within ``squares`` (a table's cells are wider than tall, and it
    holds few lines); anything else gives no lines. Each line's pixels are
    then taken by :func:`ruled_line_pixels` in a band a square wide around
    it, and what that leaves with a digit stays ink: a stroke crossing the
    line or lying along it (thicker than the line there).

    On a photo held at a slant, the rows and columns cross the lines: when
    no row or column runs along a line for four fifths of the piece (as an
    upright table's or lined paper's do), the piece is turned by the
    direction along which most of its pixels line up (within 40 degrees of
    its rows), its lines are found upright, and they are turned back.

    Parameters
    ----------
    mask : (M, N) bool ndarray
        One connected component: a grid with the digits touching it.
    stroke_width : float, optional
        As :func:`ruled_line_pixels`; measured on the piece by default.
    share : float
        Shortest line, as a share of the piece's width (rows) or height
        (columns).
    squares : float
        How far the two ways' pitches may differ, relative to the larger.

    Returns
    -------
    lines : (M, N) bool ndarray
        All False when the piece is no squared paper.
    pitch : float
        The side of a square in pixels; 0.0 when the piece is no squared paper.

    Examples
    --------
    >>> paper = np.zeros((90, 90), bool)
    >>> paper[::15, :] = paper[:, ::15] = True     # squared paper, 15 px squares
    >>> paper[20:40, 37:39] = True                 # a "1" across a line
    >>> lines, pitch = grid_line_pixels(paper, stroke_width=1)
    >>> bool(lines[::15, :].sum() > 400), bool(lines[20:40, 37:39].any()), pitch
    (True, False, 15.0)
    >>> table = np.zeros((90, 90), bool)
    >>> table[::15, :] = True; table[:, ::45] = True   # wide cells: a table
    >>> grid_line_pixels(table, stroke_width=1)[1]
    0.0
    """
    mask = np.asarray(mask, bool)
    rows, cols = mask.shape
    lines, pitch, upright = _upright_grid_lines(mask, stroke_width, (cols, rows), share, squares)
    if pitch > 0 or upright:
        return lines, pitch
    angle = _line_direction(mask)  # turning by it counter-clockwise sets them upright
    if abs(angle) < 0.5:
        return lines, 0.0
    if stroke_width is None:
        stroke_width = estimate_stroke_width(mask)
    # Turned upright on a canvas that holds all of it, then back.
    side = int(np.ceil(np.hypot(rows, cols))) + 2
    turn = cv2.getRotationMatrix2D((cols / 2, rows / 2), angle, 1.0)
    turn[:, 2] += (side - cols) / 2, (side - rows) / 2
    turned = cv2.warpAffine(mask.view(np.uint8), turn, (side, side),
                            flags=cv2.INTER_NEAREST).view(bool)
    upright_lines, pitch, _ = _upright_grid_lines(turned, stroke_width, (cols, rows), share,
                                                  squares)
    if pitch <= 0:
        return lines, 0.0
    back = cv2.warpAffine(upright_lines.view(np.uint8), turn, (cols, rows),
                          flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP).view(bool)
    # Turning there and back misses a pixel here and there along the lines.
    back = cv2.dilate(back.view(np.uint8), np.ones((3, 3), np.uint8)).view(bool) & mask
    kept = mask & ~back
    reach = int(np.ceil(stroke_width / 2 + 1.5))
    back &= ~(_on_both_sides(kept, 2 * reach, axis=0) | _on_both_sides(kept, 2 * reach, axis=1))
    return back, pitch


def margin_line_pixels(mask, *, stroke_width=None, most=2):
    """The pixels of a notebook's margin lines, in one piece with its ruled lines.

    A margin line runs down the page across every ruled line, and joins
    them, and the digits on them, into one piece spanning the page, which
    is neither squared paper nor a line with digits on it. Each margin is
    the straightest line of the piece turned on its side
    (:func:`ruled_line_pixels`, running for at least half the piece's
    height); where a ruled line or a stroke crosses it, the ink is thicker
    and stays. It is a margin only if taking it off leaves at least four
    ruled lines apart: pieces at least half as wide as the piece, holding
    less ink than a bar a tenth of their width thick. A table upright on
    the page, with more upright lines (its frame, its columns) than
    ``most``, is told at once, before any line is looked for.

    Parameters
    ----------
    mask : (M, N) bool ndarray
        One connected component: ruled lines joined by margin lines.
    stroke_width : float, optional
        As :func:`ruled_line_pixels`; measured on the piece by default.
    most : int
        Margin lines to take, at most.

    Returns
    -------
    lines : (M, N) bool ndarray
        All False when the piece is no lined paper with a margin.

    Examples
    --------
    >>> paper = np.zeros((120, 200), bool)
    >>> paper[10::20, :] = True                    # six ruled lines
    >>> paper[:, 30:32] = True                     # a margin across them
    >>> paper[35:50, 100:102] = True               # a "1" standing on a line
    >>> margin = margin_line_pixels(paper, stroke_width=2)
    >>> bool(margin[:, 30:32].sum() > 100), bool(margin[:, 40:].any())
    (True, False)
    """
    mask = np.asarray(mask, bool)
    rows, cols = mask.shape
    lines = np.zeros(mask.shape, bool)
    # A table upright on the page shows its frame and its columns' lines,
    # more upright lines than margins: told by the columns holding ink in
    # half of the rows, before any line is looked for.
    upright = np.flatnonzero(np.count_nonzero(mask, axis=0) >= 0.5 * rows)
    if upright.size and 1 + np.count_nonzero(np.diff(upright) > 1) > most:
        return lines
    if stroke_width is None:
        stroke_width = estimate_stroke_width(mask)
    for _ in range(most):
        margin = ruled_line_pixels((mask & ~lines).T, min_length=0.5 * rows,
                                   stroke_width=stroke_width).T
        if not margin.any():
            break
        lines |= margin
    if not lines.any():
        return lines
    count, _, stats, _ = cv2.connectedComponentsWithStats((mask & ~lines).view(np.uint8),
                                                          connectivity=8)
    # A ruled line, with or without digits on it, holds far less ink than a
    # tenth of its length squared (a solid block or a second frame would not).
    w, area = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_AREA].astype(float)
    ruled = (w >= 0.5 * cols) & (area <= 0.1 * w.astype(float) ** 2)
    return lines if np.count_nonzero(ruled) >= 4 else np.zeros(mask.shape, bool)


def _line_direction(mask):
    """Degrees by which ``mask``'s straightest lines fall from its rows (down to the right).

    The direction, within 40 degrees of the rows, along which most pixels
    line up: a whole degree at a time, then a tenth; nearest the rows first,
    so that a tie keeps the straighter course.
    """
    y, x = np.nonzero(mask)
    if y.size < 2:
        return 0.0
    every = max(1, y.size // _SEARCH_PIXELS)
    y, x = y[::every], x[::every]

    def sharpest(degrees):
        return degrees[_sharpest(y, x, [np.tan(np.radians(angle)) for angle in degrees])[0]]

    whole = np.arange(-40, 41)
    angle = sharpest(whole[np.argsort(np.abs(whole), kind="stable")])
    tenths = np.round(np.arange(-1.0, 1.01, 0.1), 1)
    return float(sharpest(angle + tenths[np.argsort(np.abs(tenths), kind="stable")]))


def _upright_grid_lines(mask, stroke_width, extents, share, squares):
    """:func:`grid_line_pixels` along the rows and columns only: ``(lines, pitch, upright)``.

    ``extents``: the piece's width and height before any turning, which the
    shortest line is ``share`` of. ``upright``: a line runs along one row
    or column for most of the extent (a table, or lined paper, standing
    upright: no turning will make it squared).
    """
    lines = np.zeros(mask.shape, bool)
    along_rows, along_cols = np.count_nonzero(mask, axis=1), np.count_nonzero(mask, axis=0)
    upright = (along_rows.max(initial=0) >= 0.8 * extents[0]
             or along_cols.max(initial=0) >= 0.8 * extents[1])
    lengths = (share * extents[0], share * extents[1])
    across = _lines_along(along_rows, lengths[0])
    down = _lines_along(along_cols, lengths[1])
    pitches = [_pitch(levels) for levels in (across, down)]
    if min(pitches) <= 0 or abs(pitches[0] - pitches[1]) > squares * max(pitches):
        return lines, 0.0, upright
    if stroke_width is None:
        stroke_width = estimate_stroke_width(mask)
    reach = int(np.ceil(stroke_width / 2 + 1.5))
    near = np.zeros(mask.shape, bool)
    for piece, levels, pitch, length in ((mask, across, pitches[0], lengths[0]),
                                         (mask.T, down, pitches[1], lengths[1])):
        found = np.zeros(piece.shape, bool)
        courses = np.zeros(piece.shape, np.uint8)
        end = piece.shape[1] - 1
        for level in levels:
            # The line and the strokes that touch it: half a square either side.
            top = max(0, int(np.floor(level - pitch / 2)))
            bottom = min(piece.shape[0], int(np.ceil(level + pitch / 2)) + 1)
            band = piece[top:bottom] & ~found[top:bottom]
            line = ruled_line_pixels(band, min_length=length, stroke_width=stroke_width)
            found[top:bottom] |= line
            # Its whole course, as wide as the pixels taken for it: where the
            # printed line broke up, its pieces lie on it too.
            if line.any():
                y, x = np.nonzero(line)
                slope, offset = _fit(x, y)
                ends = (round(top + offset), round(top + offset + slope * end))
            else:  # too little of it in view to take (a corner): its course still
                ends = (round(level), round(level))
            cv2.line(courses, (0, ends[0]), (end, ends[1]), 1, thickness=2 * reach + 1)
        # Squares go on to the edge: lines cut short there by the edge of a
        # photo held at a slant lie a pitch on from the last ones found.
        for level in (*np.arange(levels[0] - pitch, -reach, -pitch),
                      *np.arange(levels[-1] + pitch, piece.shape[0] + reach, pitch)):
            cv2.line(courses, (0, round(level)), (end, round(level)), 1, thickness=2 * reach + 1)
        lines |= found if piece is mask else found.T
        near |= (courses if piece is mask else courses.T).view(bool)
    if not lines.any():
        return lines, 0.0, upright
    # Where the two ways cross, or a line runs a pixel thicker for a while,
    # each way left a spot as a stroke's, and where the printed line broke
    # up, its pieces were too short to be taken: what is left wholly on the
    # lines' courses goes with them; a digit crossing a line reaches
    # beyond it.
    count, labels = cv2.connectedComponents((mask & ~lines).view(np.uint8), connectivity=8)
    if count > 1:
        away = np.bincount(labels[~near & mask], minlength=count)
        spot = away == 0
        spot[0] = False
        lines |= spot[labels]
    # A stroke that crosses a line slantwise is hardly thicker there than
    # the line, and went with it: where ink stands on both sides of a line
    # pixel, across the line and within its width, the stroke goes on
    # through it.
    kept = mask & ~lines
    lines &= ~(_on_both_sides(kept, 2 * reach, axis=0) | _on_both_sides(kept, 2 * reach, axis=1))
    return lines, float(np.mean(pitches)), upright


def _pitch(levels):
    """The spacing of squared paper's lines at ``levels`` (sorted), or 0.0 for fewer than four.

    The median gap between neighbouring lines, leaving out gaps under 0.6
    of the wider gaps' median: a row of large digits across the squares
    holds as much ink as a line, and splits a square into short gaps.
    """
    if len(levels) < 4:
        return 0.0
    gaps = np.diff(levels)
    wide = np.median(gaps[gaps >= np.median(gaps)])
    return float(np.median(gaps[gaps >= 0.6 * wide]))


def _lines_along(counts, min_length):
    """Lines in a profile of ink per row: their rows, at the middle of each line's pixels.

    A row belongs to a line when it and its two neighbours hold at least
    ``min_length`` pixels more than the median row's three.
    """
    counts = np.asarray(counts, np.int64)
    if counts.size < 3:
        return np.zeros(0)
    near = np.convolve(counts, np.ones(3, np.int64), mode="same")
    strong = near - np.median(near) >= min_length
    edges = np.flatnonzero(np.diff(np.concatenate([[0], strong.astype(np.int8), [0]])))
    levels = []
    for start, stop in zip(edges[0::2], edges[1::2]):
        rows = np.arange(start, stop)
        levels.append(float(np.dot(rows, counts[rows]) / max(counts[rows].sum(), 1)))
    return np.array(levels)


def _on_both_sides(ink, reach, axis):
    """Where ``ink`` lies within ``reach`` pixels on both sides along ``axis``."""
    before = np.zeros(ink.shape, bool)
    after = np.zeros(ink.shape, bool)
    size = ink.shape[axis]
    for step in range(1, min(reach, size - 1) + 1):
        head = [slice(None)] * 2
        tail = [slice(None)] * 2
        head[axis], tail[axis] = slice(step, None), slice(None, -step)
        before[tuple(head)] |= ink[tuple(tail)]
        after[tuple(tail)] |= ink[tuple(head)]
    return before & after


def ruled_slant(ink, *, side=256):
    """The slope of the ruled lines across a page, in degrees (0 when there are none).

    Measured on a copy about ``side`` pixels on its shorter side (each of
    its pixels is ink where its block holds any, so a line a pixel thin
    stays whole): every component that is thin (ink on less than 30 % of
    its box), at least a quarter of the page's shorter side long and thirty
    times as long as its rotated bounding rectangle is wide is a bare
    printed line. At least three of them must agree on their slope (to
    within 1.5 degrees of their median, or of a steady fan in perspective:
    :func:`_agreeing`), slanted by 5 to 45 degrees, and lie evenly spaced,
    as printed lines do (a desk's grain does none of this); their median
    slope is the answer. A margin line joining the lines into one piece is
    taken off first (:func:`margin_line_pixels`).

    Parameters
    ----------
    ink : (M, N) bool ndarray
    side : int

    Returns
    -------
    slope : float
        Degrees, positive where the lines fall to the right (image rows
        grow downwards), within +-45.

    Examples
    --------
    >>> page = np.zeros((400, 600), np.uint8)
    >>> for k in range(4):
    ...     _ = cv2.line(page, (50, 60 + 70 * k), (550, 60 + 70 * k + 176), 1, 2)
    >>> round(ruled_slant(page.view(bool)))
    19
    """
    ink = np.asarray(ink, bool)
    step = max(1, round(min(ink.shape) / side))
    small = ink.view(np.uint8)
    if step > 1:
        # Every step-th pixel of the ink grown by a step: whatever a block
        # holds, however thin, is kept, and the lines stay whole.
        grown = cv2.dilate(small, np.ones((step, step), np.uint8))
        small = np.ascontiguousarray(grown[step // 2::step, step // 2::step])
    count, labels, stats, _ = cv2.connectedComponentsWithStats(small, connectivity=8)
    x, y, w, h, area = stats[1:].T
    # A margin line joins lined paper's lines into one piece spanning the
    # page: taken off, the lines are bare again.
    webs = np.flatnonzero(((w >= 0.5 * small.shape[1]) | (h >= 0.5 * small.shape[0]))
                          & (area < 0.3 * w * h))
    margins = np.zeros(small.shape, bool)
    for k in webs:
        box = np.s_[y[k]:y[k] + h[k], x[k]:x[k] + w[k]]
        margins[box] |= margin_line_pixels(labels[box] == k + 1)
    if margins.any():
        small = np.where(margins, np.uint8(0), small)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(small, connectivity=8)
        x, y, w, h, area = stats[1:].T
    long = (area < 0.3 * w * h) & (np.hypot(w, h) >= 0.25 * min(small.shape))
    # A line within 4.5 degrees of level or upright (a table's, a frame's) is
    # told by its box alone; so is a table's grid, which holds far more ink
    # for its length than a line with a row of digits on it.
    long &= (h >= 0.08 * w) & (w >= 0.08 * h)
    long &= area <= 0.05 * min(small.shape) * np.hypot(w, h)
    slopes, offsets = [], []
    for k in np.flatnonzero(long):
        found_rows, found_cols = np.nonzero(labels[y[k]:y[k] + h[k], x[k]:x[k] + w[k]] == k + 1)
        corners = cv2.boxPoints(cv2.minAreaRect(
            np.column_stack([found_cols, found_rows]).astype(np.float32)))
        length, across = sorted((corners[1] - corners[0], corners[2] - corners[1]),
                                key=lambda edge: -np.hypot(*edge))
        # Bare and straight: a printed line at this size is thirty times as
        # long as it is wide, a line with digits on it or a desk's grain
        # far less.
        if np.hypot(*length) < 30 * np.hypot(*across):
            continue
        dx, dy = (length if length[0] >= 0 else -length) / np.hypot(*length)
        slopes.append(np.degrees(np.arctan2(dy, dx)))
        # Where the line lies across its direction: where most of its pixels
        # do (the digits hanging on it are fewer, and spread).
        across_line = np.round((found_rows + y[k]) * dx - (found_cols + x[k]) * dy).astype(int)
        offsets.append(across_line.min() + np.bincount(across_line - across_line.min()).argmax())
    if len(slopes) < 3:
        return 0.0
    slopes, offsets = np.array(slopes, np.float64), np.array(offsets)
    agree = _agreeing(slopes, offsets, min(small.shape))
    if agree.sum() < 3:
        return 0.0
    middle = float(np.median(slopes[agree]))
    if not 5.0 <= abs(middle) <= 45.0:
        return 0.0
    # (Pieces of one line, a margin taken off between them, lie where it does.)
    levels = np.sort(offsets[agree])
    levels = levels[np.concatenate([[True], np.diff(levels) > 1])]
    if len(levels) < 3 or not _evenly_spaced(levels):
        return 0.0
    return float(np.median(slopes[agree]))


def _agreeing(slopes, offsets, side, *, within=1.5, fan=30.0):
    """(K,) bool: the lines that agree on their slope, as printed lines do.

    Printed lines are parallel on the sheet: their slopes agree to within
    ``within`` degrees of their median. A camera tilted along the lines
    makes them fan out towards a vanishing point, their slope changing
    steadily across the page (from 5 to 12 degrees on a close-up of an
    exercise book): then they agree with a straight line through two of
    them (slope against offset), changing by at most ``fan`` degrees over
    the page's shorter ``side`` (a camera tilted 25 degrees over a close-up
    turns them by 20-26 degrees; lines fanning faster are no ruling). A
    desk's grain, each piece at its own slope, agrees with neither. The
    larger set wins, the parallel one on a tie; pairs are tried in order,
    so that the answer is the same on every machine.
    """
    best = np.abs(slopes - np.median(slopes)) <= within
    for i in range(len(slopes)):
        for j in range(i + 1, len(slopes)):
            if offsets[i] == offsets[j]:
                continue
            rate = (slopes[j] - slopes[i]) / float(offsets[j] - offsets[i])
            agree = np.abs(slopes - (slopes[i] + rate * (offsets - offsets[i]))) <= within
            if agree.sum() > best.sum() and abs(rate) * side <= fan:
                best = agree
    return best


def _evenly_spaced(levels):
    """Whether lines at ``levels`` (sorted, across their direction) are printed ones.

    Printed lines are evenly spaced on the sheet: every gap between
    neighbouring lines is a whole number of spacings (a line with digits on
    it is not bare, and is missing), to within a quarter. A camera tilted
    across the lines makes their spacing shrink steadily from the near side
    of the picture to the far one, so the spacing is a straight-line
    function of where the gap lies, fitted to the gaps of neighbouring lines
    (those under 1.5 of the least), and may change by at most 2 times over
    the page (a camera tilted 35 degrees, close up). A desk's grain,
    irregular, fits no such spacing.
    """
    levels = np.asarray(levels, np.int64)
    gaps = np.diff(levels)
    where = levels[:-1] + levels[1:]  # twice each gap's middle: whole numbers
    near = gaps < 1.5 * gaps.min()
    # A least-squares line through the neighbours' gaps (exact sums: the
    # same on every machine); one gap, or gaps at one place, give a constant.
    slope, offset = _fit(where[near], gaps[near])
    spacing = offset + slope * where
    if spacing.min() <= 0 or spacing.max() > 2.0 * spacing.min():
        return False
    steps = np.maximum(np.round(gaps / spacing), 1)
    return bool(np.abs(gaps / spacing - steps).max() <= 0.25)
