"""Segmentation: from an ink mask to digit boxes in reading order.

Steps, each relative to the page and to the digits found, never to a fixed
number of pixels:

1. connected components of the ink (8-connected);
2. drop what is not writing: page borders and shadows (a large part of the
   page), specks (smaller than a few squared stroke widths), ruled lines
   (much longer than a digit is tall, and thin); a ruled line that digits
   stand on or cross is taken off them (:mod:`ocrkit.ruled`) and the
   page is segmented again, as are squared paper's lines both ways, and
   the margin line that joins an exercise book's lines;
3. estimate the typical digit height (a robust median);
4. merge the parts of one digit: pieces that sit over one another (the
   detached top bar of a 5, a broken 4 or 7) and fit together in one digit's
   size; with a scorer, also two strokes side by side that it reads better
   as one digit than as two (a 4 written as an L and a stem that do not
   touch);
5. drop specks and dots much smaller than a digit, blobs much larger,
   pieces cut by the image's edge (shorter than the digits: unreadable, and
   what a vignetted photo's dark corners look like), and strips along the
   edge that no digit is shaped like (far wider than tall: what lies beyond
   a straightened sheet), and a straightened sheet's rim (one stroke
   standing along a side);
6. split blobs of touching digits: a blob as wide as two or three digits is cut
   at the thinnest columns near where the cuts should be, and if a scorer is
   given (a classifier's confidence), the cuts it likes best win, and only if
   it likes them better than the whole blob;
7. reading order (:mod:`ocrkit.reading`): digits chained into lines along
   the page's direction of writing, and grouped into numbers by the gaps
   of their line and of the page.
"""

from dataclasses import dataclass, field

import cv2
import numpy as np

from .errors import OptionError
from .preprocess import estimate_stroke_width
from .reading import ordered_with_direction, reading_order
from .ruled import grid_line_pixels, margin_line_pixels, ruled_line_pixels
from .words import printed_ink, word_members

__all__ = ["Segmentation", "connected_components", "segment_digits", "reading_order",
           "typical_digit_height"]

# Ink touching the image's edge shorter than this share of the digits' height
# is part of a digit the edge cuts off (or of a dark corner), not a digit.
_CUT_SHORT = 0.75


@dataclass
class Segmentation:
    """Digits found on a page, in reading order.

    Attributes
    ----------
    boxes : (N, 4) int ndarray
        ``x, y, w, h`` of each digit, in page pixels.
    masks : list of (h, w) bool ndarray
        The ink of each digit inside its box (ink of neighbours left out).
    line : (N,) int ndarray
        Index of the text line, 0-based, top to bottom.
    number : (N,) int ndarray
        Index of the number (digits not separated by a gap), 0-based over the page.
    digit_height : float
        Typical digit height on this page, px (0 if nothing was found).
    stroke_width : float
        Typical pen stroke width, px.
    dropped : list of (box, reason)
        Ink that was not taken for a digit, and why.
    angle : float
        Direction of the writing, radians (:func:`ocrkit.reading.writing_direction`).
    """

    boxes: np.ndarray
    masks: list
    line: np.ndarray
    number: np.ndarray
    digit_height: float = 0.0
    stroke_width: float = 0.0
    dropped: list = field(default_factory=list)
    angle: float = 0.0

    def __len__(self):
        return len(self.boxes)


def connected_components(ink):
    """Label the 8-connected ink components and measure their boxes.

    The same components, labels and statistics as
    ``cv2.connectedComponentsWithStats(ink, connectivity=8)`` without the
    background's row, gathered from the ink pixels alone: OpenCV's
    statistics visit every pixel of the page, which on a 300-dpi scan costs
    several times the labelling itself.

    Parameters
    ----------
    ink : (M, N) bool ndarray

    Returns
    -------
    labels : (M, N) int32 ndarray
        0 for paper, 1..K for the components, numbered in raster order.
    stats : (K, 5) int32 ndarray
        ``x, y, w, h, area`` of each component (row ``k`` is label ``k + 1``).
    """
    ink = np.ascontiguousarray(ink, dtype=bool)
    count, labels = cv2.connectedComponents(ink.view(np.uint8), connectivity=8)
    if count == 1:
        return labels, np.zeros((0, 5), np.int32)
    rows, cols = ink.shape
    where = np.flatnonzero(ink)  # every ink pixel, in raster order (fast on bool)
    ids = labels.ravel()[where]
    y, x = np.divmod(where, cols)
    low_x = np.full(count, cols, np.int64)
    high_x = np.full(count, -1, np.int64)
    low_y = np.full(count, rows, np.int64)
    high_y = np.full(count, -1, np.int64)
    np.minimum.at(low_x, ids, x)
    np.maximum.at(high_x, ids, x)
    np.minimum.at(low_y, ids, y)
    np.maximum.at(high_y, ids, y)
    area = np.bincount(ids, minlength=count)
    stats = np.stack([low_x, low_y, high_x - low_x + 1, high_y - low_y + 1, area], axis=1)
    return labels, stats[1:].astype(np.int32)


def _without_rim(ink, labels, pieces, *, width=0.015):
    """``ink`` without the pixels of ``pieces`` (labels) near its edges.

    Near: within ``width`` of the image's shorter side from an edge, where a
    straightened sheet's rim lies.
    """
    band = max(1, round(width * min(ink.shape)))
    near_edge = np.ones(ink.shape, bool)
    near_edge[band:-band, band:-band] = False
    return ink & ~(near_edge & np.isin(labels, pieces))


def _mean_per_label(labels, values, count):
    """Mean of ``values`` over each label's pixels: (count + 1,) float, index = label.

    Label 0 (the paper) gets 0: only the labelled pixels, a few percent of
    the page, are visited.
    """
    where = np.flatnonzero(labels != 0)  # (numpy finds nonzero bools far faster than int32s)
    ids = labels.ravel()[where]
    sums = np.bincount(ids, weights=values.ravel()[where], minlength=count + 1)
    sizes = np.bincount(ids, minlength=count + 1)
    return sums / np.maximum(sizes, 1)


def _empty(stroke_width=0.0, dropped=()):
    zeros = np.zeros(0, int)
    return Segmentation(np.zeros((0, 4), int), [], zeros, zeros.copy(), 0.0, stroke_width,
                        list(dropped))


def _plain(box):
    """A box as a tuple of Python ints, printable and JSON-able."""
    return tuple(int(v) for v in box)


def _union_box(boxes):
    if len(boxes) == 1:  # most digits are one component
        return np.array(boxes[0])
    x1, y1 = boxes[:, 0].min(), boxes[:, 1].min()
    x2, y2 = (boxes[:, 0] + boxes[:, 2]).max(), (boxes[:, 1] + boxes[:, 3]).max()
    return np.array([x1, y1, x2 - x1, y2 - y1])


def typical_digit_height(heights, *, stroke_width=1.0):
    """The digits' height on a page, from the heights of its ink components.

    The median height of the components taller than a dot (2.5 stroke
    widths), each weighted by the square root of its height, then the plain
    median of those within half and twice it, so that neither specks and
    fragments of strokes (however many) nor a few long lines move it.

    Parameters
    ----------
    heights : (K,) array_like
        Heights in pixels of the page's components (or of its digits).
    stroke_width : float
        The pen's stroke width in pixels (:func:`ocrkit.preprocess.estimate_stroke_width`).

    Returns
    -------
    height : float
        0.0 when there are no components.

    Examples
    --------
    >>> typical_digit_height([2, 3, 40, 42, 44, 150], stroke_width=2.0)
    42.0
    """
    heights = np.asarray(heights, float).ravel()
    if heights.size == 0:
        return 0.0
    tall = heights[heights >= 2.5 * max(stroke_width, 1.0)]
    if tall.size == 0:
        tall = heights
    # Weighted by the square root of the height: a thin pen on grainy paper
    # leaves more specks and stroke fragments than digits, which must not
    # outvote them, while one tall frame or scribble must not outvote a
    # line of digits either.
    ordered = np.sort(tall)
    weight = np.cumsum(np.sqrt(ordered))
    first = ordered[np.searchsorted(weight, weight[-1] / 2)]
    near = tall[(tall >= 0.5 * first) & (tall <= 2.0 * first)]
    return float(np.median(near)) if near.size else float(first)


def _ruled_lines(ink, labels, stats, writing, digit_height=None, grey=None):
    """Ruled lines inside components as wide as several digits.

    Candidates are thin (ink on less than 30 % of their box: not a dark
    border), at least three digit heights wide and taller than a bare line.
    A line must hold at least half of its component's pixels (a line with
    the digits on it), or its component be no taller than the tallest digit
    (two lines with digits between them): one side of a frame, or one line
    of a table's grid, does neither.

    ``writing`` (K,) bool marks the components that may be writing (not a
    border or a grid), which the stroke width is measured on; ``grey``, the
    page's grey levels if known, tells a stroke along a line by its
    darkness (:func:`ocrkit.ruled.ruled_line_pixels`). Returns
    ``([(x, y, line)], height, stroke_width)``: each ``line`` a bool mask of
    its component's box at ``x, y`` on the page; the digits' height the
    lines were looked for with (measured on every component but specks and
    solid border pieces, a line with digits on it being as tall as they
    are; at least ``digit_height``); the stroke width (None, with the
    height, when nothing was wide enough to look in).
    """
    x, y, w, h, area = stats.T
    thin = area < 0.3 * w * h
    rough = digit_height or typical_digit_height(h)
    if not (thin & (w > 3.0 * rough) & (h >= 0.6 * rough)).any():
        return [], None, None  # nothing wide enough to hold a line: the usual page
    # As segmentation measures it, on the largest components that are not
    # the page's border or grid (``writing``).
    small = np.flatnonzero(writing)
    largest = small[np.argsort(-area[small], kind="stable")[:24]]
    stroke_width = estimate_stroke_width(ink, boxes=stats[largest, :4]) if largest.size else 1.0
    # Not counting the solid pieces of a border: a ruled line running out
    # to the edge is thin, and counts. Nor a bare line that stops short of
    # the edge (a solid bar eight times as long as it is tall): on a page
    # turned level its lines end inside the picture, outnumber the one line
    # the digits hang on, and would make the digits' height a line's.
    measured = (writing | thin) & (area >= 1.5 * stroke_width**2) & (thin | (w <= 8 * h))
    height = max(typical_digit_height(h[measured], stroke_width=stroke_width), digit_height or 0)
    wide = thin & (w > 3.0 * height) & (h >= 0.6 * height)
    # Taller than a digit, a line must hold half of the pixels: a line w
    # long and a few strokes thick cannot hold half of a table's grid.
    wide &= (h <= 2.5 * height) | (w * (stroke_width + 3.0) >= area / 2)
    lines = []
    for k in np.flatnonzero(wide):
        box = np.s_[y[k]:y[k] + h[k], x[k]:x[k] + w[k]]
        line = ruled_line_pixels(labels[box] == k + 1, min_length=2.0 * height,
                                 stroke_width=stroke_width,
                                 grey=None if grey is None else grey[box])
        if np.count_nonzero(line) >= area[k] / 2 or (line.any() and h[k] <= 2.5 * height):
            lines.append((int(x[k]), int(y[k]), line))
    return lines, height, stroke_width


def _grid_lines(labels, stats, pieces):
    """Squared paper's lines in the woven pieces ``pieces`` (labels), as a page-sized mask.

    Returns ``(removed, pitch)``: the lines' pixels, and the largest side of
    a square among the pieces (0.0 if none was squared paper).
    """
    removed = np.zeros(labels.shape, bool)
    pitch = 0.0
    for piece in pieces:
        x, y, w, h = stats[piece - 1, :4]
        lines, side = grid_line_pixels(labels[y:y + h, x:x + w] == piece)
        removed[y:y + h, x:x + w] |= lines
        pitch = max(pitch, side)
    return removed, pitch


def _margin_lines(labels, stats, pieces):
    """Margin lines joining lined paper's lines in the ``pieces`` (labels), as a page-sized mask."""
    removed = np.zeros(labels.shape, bool)
    for piece in pieces:
        x, y, w, h = stats[piece - 1, :4]
        removed[y:y + h, x:x + w] |= margin_line_pixels(labels[y:y + h, x:x + w] == piece)
    return removed


def _letters(boxes, groups, height, tallest):
    """(N,) bool: the components of ``boxes`` in runs shaped like words.

    Only pieces a letter could be are looked at: none taller than
    ``tallest`` (a margin line or a frame's side beside a number would be
    its one tall letter, and the digits its short ones), nor flat, over
    2.5 times as wide as tall (a dash of a faint ruled line beside a digit
    is no short letter). ``groups`` are the characters the pieces were
    joined into (:func:`ocrkit.words.word_members`).
    """
    flat = (boxes[:, 2] > 2.5 * boxes[:, 3]) & (boxes[:, 3] < 0.4 * height)
    letter_like = (boxes[:, 3] <= tallest) & ~flat
    kept = np.flatnonzero(letter_like)
    place = np.full(len(boxes), -1)
    place[kept] = np.arange(len(kept))
    characters = [[int(place[i]) for i in g if letter_like[i]] for g in groups]
    letters = np.zeros(len(boxes), bool)
    letters[kept] = word_members(boxes[kept], characters=[c for c in characters if c])
    return letters


def _line_box(x0, y0, line):
    """The box ``x, y, w, h`` on the page of a line's pixels (a mask placed at ``x0, y0``)."""
    rows, cols = np.nonzero(line)
    return (x0 + int(cols.min()), y0 + int(rows.min()),
            int(np.ptp(cols)) + 1, int(np.ptp(rows)) + 1)


def _merge_groups(boxes, height, max_height, max_width, max_gap):
    """Group component indices that are parts of one digit (union-find)."""
    n = len(boxes)
    parent = list(range(n))
    group_box = {i: boxes[i].copy() for i in range(n)}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    x1, y1 = boxes[:, 0], boxes[:, 1]
    x2, y2 = x1 + boxes[:, 2], y1 + boxes[:, 3]
    overlap_x = np.minimum(x2[:, None], x2[None, :]) - np.maximum(x1[:, None], x1[None, :])
    gap_y = np.maximum(y1[:, None], y1[None, :]) - np.minimum(y2[:, None], y2[None, :])
    gap_x = -overlap_x
    narrow = np.minimum(boxes[:, 2][:, None], boxes[:, 2][None, :])
    small = np.minimum(boxes[:, 3][:, None], boxes[:, 3][None, :]) < 0.6 * height
    stacked = (overlap_x >= 0.5 * narrow) & (gap_y <= max_gap)
    # A small piece just beside a larger one (a broken stroke) also belongs.
    beside = small & (gap_x <= 0.15 * height) & (gap_y <= 0) & (overlap_x > -0.15 * height)
    candidates = np.argwhere(np.triu(stacked | beside, k=1))
    distance = np.maximum(gap_x, gap_y)[candidates[:, 0], candidates[:, 1]]
    for i, j in candidates[np.argsort(distance, kind="stable")]:
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        union = _union_box(np.stack([group_box[ri], group_box[rj]]))
        if union[3] <= max_height and union[2] <= max_width:
            parent[rj] = ri
            group_box[ri] = union
    groups = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _cut_candidates(profile, n_parts, typical_width, per_cut=8):
    """Up to ``per_cut`` low-ink columns near each of the ``n_parts - 1`` ideal cuts."""
    width = len(profile)
    smooth = np.convolve(profile, np.ones(3) / 3, mode="same")
    # Wide enough to reach a cut shifted by a narrow "1" among the digits.
    window = max(1, int(0.45 * typical_width))
    options = []
    for k in range(1, n_parts):
        ideal = round(k * width / n_parts)
        lo, hi = max(1, ideal - window), min(width - 1, ideal + window + 1)
        if hi <= lo:
            return []
        cols = np.arange(lo, hi)
        order = np.lexsort((np.abs(cols - ideal), smooth[lo:hi]))
        options.append(cols[order[:per_cut]])
    return options


def _trim(piece):
    """Crop a bool mask to its ink; returns (mask, top, left) or None if empty."""
    rows_on = np.flatnonzero(piece.any(axis=1))
    if rows_on.size == 0:
        return None
    cols_on = np.flatnonzero(piece.any(axis=0))
    return piece[rows_on[0]:rows_on[-1] + 1, cols_on[0]:cols_on[-1] + 1], rows_on[0], cols_on[0]


# A piece of a cut counts as recognised at this confidence; and each piece
# more or fewer than the blob's width suggests costs a cut this much of its
# mean confidence.
_SURE_PIECE = 0.8
_COUNT_PENALTY = 0.2
# With a classifier to ask, blobs wider than this many typical digit widths
# are tried for cuts (a pair of narrow digits is not much wider than one 0).
_WHOLE_WIDTH = 1.15


def _split_candidates(mask, typical_width, *, scored):
    """Ways to cut a blob into 2 or 3 column ranges, each a list of ``(start, stop)``.

    Cuts are tried at the low-ink columns near the ideal positions, into as
    many parts as the blob is wide enough for (only the number its width
    suggests when nothing will score them); no part narrower than a third
    of a digit.
    """
    width = mask.shape[1]
    profile = mask.sum(axis=0).astype(float)
    expected = int(np.clip(round(width / typical_width), 1, 3))
    least = 0.3 * typical_width
    candidates = []
    for n_parts in (2, 3):
        if width < (n_parts - 1.2) * typical_width or (not scored and n_parts != expected):
            continue
        options = [cols.tolist() for cols in _cut_candidates(profile, n_parts, typical_width)]
        if not options:
            continue
        # In the order of itertools.product, each part checked as soon as
        # it is known (a blob has up to 64 ways into three).
        if n_parts == 2:
            candidates += [[(0, cut), (cut, width)] for cut in options[0]
                           if cut >= least and width - cut >= least]
            continue
        for first in options[0]:
            if first < least:
                continue
            candidates += [[(0, first), (first, second), (second, width)]
                           for second in options[1]
                           if second - first >= least and width - second >= least]
    return candidates


def _least_ink_cut(mask, candidates):
    """Without a classifier: the candidate whose cuts cross the least ink."""
    profile = mask.sum(axis=0)
    costs = [sum(profile[a] for a, _ in bounds[1:]) for bounds in candidates]
    return candidates[int(np.argmin(costs))]


def _adjusted_mean(piece_scores, width, typical_width, count_penalty):
    """A candidate's mean piece confidence, less its penalty for the number of pieces.

    Cutting into more pieces than the width suggests has to earn it: slivers
    of a digit are often recognised as confident "1"s.
    """
    return piece_scores.mean() - count_penalty * abs(len(piece_scores) - width / typical_width)


def _best_cut(width, candidates, whole, scores, typical_width, *, sure=_SURE_PIECE,
              count_penalty=_COUNT_PENALTY):
    """The candidate the classifier likes best, if it likes it better than the whole.

    ``whole`` is the blob's own confidence and ``scores`` the confidences of
    every candidate's pieces, in order. A blob only a little wider than a
    digit is cut only if the whole is unsure and every piece is recognised
    with confidence ``sure``.
    """
    means, lows, start = [], [], 0
    for bounds in candidates:
        piece_scores = scores[start:start + len(bounds)]
        means.append(_adjusted_mean(piece_scores, width, typical_width, count_penalty))
        lows.append(piece_scores.min())
        start += len(bounds)
    best = int(np.argmax(means))
    if means[best] <= whole:
        return None
    # A blob only a little wider than a digit may well be one wide digit.
    if _little_wider(width, typical_width) and (whole >= sure or lows[best] < sure):
        return None
    return candidates[best]


def _little_wider(width, typical_width):
    return width < 1.5 * typical_width


def _two_stroke_pairs(boxes, height, typical_width):
    """Neighbouring pieces that may be one digit written in two strokes: (K, 2) indices.

    A 4 is often written as an "L" and a stroke down past the end of its
    bar, and a thin pen can leave the two apart: two narrow pieces side by
    side, each of which would be read as a 1. A pair qualifies when their
    rows overlap by half the shorter one's height, they are at most 0.15 of
    a digit's height apart, one of them is shorter than 0.85 of it (two 1s
    written close are both full height), and together they are no wider
    than the blobs splitting leaves whole.
    """
    x, y, w, h = boxes.T.astype(float)
    left, right, top, bottom = x, x + w, y, y + h
    gap = np.maximum(left[None, :] - right[:, None], left[:, None] - right[None, :])
    rows = np.minimum(bottom[:, None], bottom[None, :]) - np.maximum(top[:, None], top[None, :])
    union = np.maximum(right[:, None], right[None, :]) - np.minimum(left[:, None], left[None, :])
    short = h < 0.85 * height
    pairs = ((short[:, None] | short[None, :]) & (gap <= 0.15 * height)
             & (rows >= 0.5 * np.minimum(h[:, None], h[None, :]))
             & (union <= _WHOLE_WIDTH * typical_width))
    return np.argwhere(np.triu(pairs, k=1))


def _join_strokes(keep, mask_of, height, typical_width, scorer):
    """``keep`` with the pairs of :func:`_two_stroke_pairs` the classifier reads as one digit.

    Splitting's test the other way round: a cut must beat the whole blob,
    its pieces' mean confidence less a penalty for more pieces than the
    width holds (:func:`_adjusted_mean`); a pair is joined when its union
    is read at least that surely, and surely (:data:`_SURE_PIECE`): two
    strokes that make no digit together stay apart. Each piece joins once,
    the clearest wins first.
    """
    pairs = _two_stroke_pairs(np.array([box for box, _ in keep]), height, typical_width)
    if len(pairs) == 0:
        return keep
    unions = [(_union_box(np.stack([keep[i][0], keep[j][0]])),
               np.concatenate([keep[i][1], keep[j][1]])) for i, j in pairs]
    pieces = sorted({int(i) for pair in pairs for i in pair})
    scores = np.asarray(scorer([mask_of(*keep[i]) for i in pieces]
                               + [mask_of(*union) for union in unions]), float)
    alone = dict(zip(pieces, scores[:len(pieces)]))
    gains = []
    for k, ((i, j), (box, _)) in enumerate(zip(pairs, unions)):
        whole = scores[len(pieces) + k]
        apart = _adjusted_mean(np.array([alone[i], alone[j]]), box[2], typical_width,
                               _COUNT_PENALTY)
        if whole >= max(apart, _SURE_PIECE):
            gains.append((whole - apart, k))
    joined, taken = [], set()
    for _, k in sorted(gains, key=lambda gain: (-gain[0], gain[1])):
        i, j = (int(v) for v in pairs[k])
        if i not in taken and j not in taken:
            taken |= {i, j}
            joined.append(unions[k])
    return [piece for i, piece in enumerate(keep) if i not in taken] + joined


def _split_blobs(masks, typical_width, scorer):
    """Column ranges to cut each blob into (None: keep it whole).

    With a scorer, pieces are scored in rounds, each one call for every blob
    (a classifier's fixed cost is paid per round, not per blob), and a piece
    shared by several candidates (the same column range) is scored once.
    Confidences are at most 1, so a candidate whose known pieces cannot
    lift its mean above what it has to beat (the whole blob, or a better
    cut) is dropped before its other pieces are scored. The answer is the
    one scoring everything would give:

    1. every blob whole;
    2. the left pieces of the two-piece cuts, except of a blob only a little
       wider than a digit that is recognised surely whole (such a blob is
       never cut);
    3. their right pieces, where the left piece could still make the cut
       beat the whole;
    4. the outer pieces of the three-piece cuts, where three pieces could
       still beat the whole and the best two-piece cut;
    5. their middle pieces, where the outer pieces leave that possible.
    """
    candidates = [_split_candidates(mask, typical_width, scored=scorer is not None)
                  for mask in masks]
    if scorer is None:
        return [_least_ink_cut(mask, found) if found else None
                for mask, found in zip(masks, candidates)]
    known = {}

    def score(spans):
        """Score every (blob, start, stop) not scored yet, in one call."""
        new = [key for key in dict.fromkeys(spans) if key not in known]
        if new:
            found = np.asarray(scorer([masks[blob][:, a:b] for blob, a, b in new]), float)
            known.update(zip(new, found))

    def penalty(blob, n_pieces):
        return _COUNT_PENALTY * abs(n_pieces - masks[blob].shape[1] / typical_width)

    def best_mean(blob, cuts):
        return max((_adjusted_mean(np.array([known[blob, a, b] for a, b in bounds]),
                                   masks[blob].shape[1], typical_width, _COUNT_PENALTY)
                    for bounds in cuts), default=-np.inf)

    active = [blob for blob, found in enumerate(candidates) if found]
    score([(blob, 0, masks[blob].shape[1]) for blob in active])
    whole = {blob: known[blob, 0, masks[blob].shape[1]] for blob in active}
    active = [blob for blob in active
              if not (_little_wider(masks[blob].shape[1], typical_width)
                      and whole[blob] >= _SURE_PIECE)]
    pairs = {blob: [c for c in candidates[blob] if len(c) == 2] for blob in active}
    triples = {blob: [c for c in candidates[blob] if len(c) == 3] for blob in active}
    # Two pieces: the left ones, then the right ones of the cuts still possible.
    score([(blob, *c[0]) for blob in active for c in pairs[blob]])
    for blob in active:
        pairs[blob] = [c for c in pairs[blob]
                       if (known[(blob, *c[0])] + 1.0) / 2 - penalty(blob, 2) > whole[blob]]
    score([(blob, *c[1]) for blob in active for c in pairs[blob]])
    # Three pieces: to be chosen, a cut must beat the whole and every two-piece cut.
    to_beat = {blob: max(whole[blob], best_mean(blob, pairs[blob])) for blob in active}
    for blob in active:
        if 1.0 - penalty(blob, 3) <= to_beat[blob]:
            triples[blob] = []
    score([(blob, *c[k]) for blob in active for c in triples[blob] for k in (0, 2)])
    for blob in active:
        triples[blob] = [c for c in triples[blob]
                         if (known[(blob, *c[0])] + known[(blob, *c[2])] + 1.0) / 3
                         - penalty(blob, 3) > to_beat[blob]]
    score([(blob, *c[1]) for blob in active for c in triples[blob]])
    cuts = [None] * len(masks)
    for blob in active:
        tried = pairs[blob] + triples[blob]
        if not tried:
            continue
        piece_scores = np.array([known[(blob, *piece)] for bounds in tried for piece in bounds])
        cuts[blob] = _best_cut(masks[blob].shape[1], tried, whole[blob], piece_scores,
                               typical_width)
    return cuts


def segment_digits(ink, *, merge=True, split=True, scorer=None, min_height=0.4,
                   max_height=2.5, number_gap=None, speck_area=1.5, saturation=None,
                   sheet_edges=False, grey=None):
    """Find the digits in an ink mask.

    Parameters
    ----------
    ink : (M, N) bool ndarray
        True where there is ink (:func:`ocrkit.preprocess.binarize`).
    merge : bool
        Join the parts of a broken digit.
    split : bool
        Cut blobs of two or three touching digits apart.
    scorer : callable, optional
        ``scorer(masks) -> confidences`` for a list of bool masks; used to
        choose among cuts of touching digits and to keep a wide digit whole
        when the classifier is surer of it whole.
    min_height, max_height : float
        Keep candidates whose height is within these multiples of the typical
        digit height.
    number_gap : float, optional
        See :func:`reading_order`.
    speck_area : float
        Components smaller than this many squared stroke widths are specks
        (a round dot as wide as the pen has about 0.8).
    saturation : (M, N) uint8 ndarray or callable, optional
        Colour saturation of the page (0-255), or a function that returns it
        (or None), called only if the page has words: for telling a form's
        printed numbers and letters from what is written on it in a
        coloured pen (:func:`ocrkit.words.printed_ink`).
    sheet_edges : bool
        The mask's edges are those of a straightened sheet
        (:func:`ocrkit.paper.rectify`), where its rim may show: one stroke
        standing along its left or right edge is the rim, not a 1, and a
        thin piece spanning the sheet (lined paper's lines, joined by the
        rim) loses its pixels near the edges.
    grey : (M, N) uint8 ndarray, optional
        The page the ink was found on, dark ink on light paper: where the
        pen is clearly darker than a ruled line, a stroke lying along the
        line (a 2's foot) is told from it by its darkness, not only by its
        thickness (:func:`ocrkit.ruled.ruled_line_pixels`).

    Returns
    -------
    Segmentation
    """
    if grey is not None and np.shape(grey) != np.shape(ink):
        raise OptionError(f"grey must have the ink's shape {np.shape(ink)}, got {np.shape(grey)}")
    return _segment(ink, merge=merge, split=split, scorer=scorer, min_height=min_height,
                    max_height=max_height, number_gap=number_gap, speck_area=speck_area,
                    saturation=saturation, sheet_edges=sheet_edges, grey=grey)


def _segment(ink, *, merge, split, scorer, min_height, max_height, number_gap, speck_area,
             saturation, sheet_edges, grey=None, digit_height=None, unwoven=False):
    """:func:`segment_digits`, with the digits' least height given once lines were taken off.

    Taking a ruled line off the digits it crosses leaves their upper and
    lower halves apart for a moment: measured then, the digits' height
    would be half of it, and the halves would not be joined again. The
    height measured before is a floor, not a replacement: what it was
    measured on may hold more small pieces than digits. ``unwoven``: squared
    paper's lines were taken off already.
    """
    ink = np.asarray(ink)
    if ink.ndim != 2:
        raise OptionError(f"ink must be a 2-D (M, N) mask, got shape {ink.shape}")
    if ink.size == 0:
        # OpenCV's connected components crash the interpreter on 0 x N arrays.
        return _empty()
    rows, cols = ink.shape
    labels, stats = connected_components(ink)
    boxes = stats[:, :4].astype(int)
    ids = np.arange(1, len(stats) + 1)
    dropped = []
    # Not writing: solid dark regions cut by the image edge (the table or the
    # shadow around a photographed sheet, a scanner's dark border), anything
    # spanning nearly the whole image from its edge, and thin lines that
    # span half of it (a table's grid, a frame). Pen strokes fill only part
    # of their box; a digit filling most of a close crop stays.
    x, y, w, h = boxes.T
    at_edge = (x == 0) | (y == 0) | (x + w == cols) | (y + h == rows)
    fill = stats[:, cv2.CC_STAT_AREA] / np.maximum(w * h, 1)
    spans_half = (w > 0.5 * cols) | (h > 0.5 * rows)
    border = at_edge & ((fill > 0.6) | (w > 0.9 * cols) | (h > 0.9 * rows))
    # A straightened sheet's rim, where its outline was found a little
    # outside the sheet, joins every line of lined paper (and the digits on
    # them) into one thin piece spanning the sheet: take the rim off that
    # piece and start again. (What is left of it no longer reaches the
    # edge, so it is no such piece again.)
    web = border & (w > 0.9 * cols) & (h > 0.9 * rows) & (fill < 0.1)
    if sheet_edges and web.any():
        return _segment(_without_rim(ink, labels, ids[web]), merge=merge, split=split,
                        scorer=scorer, min_height=min_height, max_height=max_height,
                        number_gap=number_gap, speck_area=speck_area, saturation=saturation,
                        sheet_edges=True, grey=grey, digit_height=digit_height)
    grid = spans_half & ~border & (fill < 0.1)
    # Squared paper: its lines, and the digits written across them, are one
    # piece woven across most of the page both ways. Take its straight
    # lines off and start again. (A solid border or shadow is no weave.)
    woven = (w > 0.5 * cols) & (h > 0.5 * rows) & (fill < 0.4)
    # Lined paper whose margin line joins its lines (and the digits on
    # them) spans half of the page as a table would, or, turned level on a
    # larger canvas, a quarter of it each way.
    webbed = woven | grid | ((w > 0.25 * cols) & (h > 0.25 * rows) & (fill < 0.1) & ~border)
    if webbed.any() and not unwoven:
        removed, pitch = _grid_lines(labels, stats, ids[woven])
        if not removed.any():
            # Take the margin off, and the lines are lined paper's again.
            removed = _margin_lines(labels, stats, ids[webbed])
        if removed.any():
            # The lines cut the digits they cross into pieces a square tall
            # at most: measured then, the digits' height would be a piece's,
            # and the pieces would not be joined again. Digits on squared
            # paper stand at least a square tall.
            found = _segment(ink & ~removed, merge=merge, split=split, scorer=scorer,
                             min_height=min_height, max_height=max_height,
                             number_gap=number_gap, speck_area=speck_area,
                             saturation=saturation, sheet_edges=sheet_edges, grey=grey,
                             digit_height=max(digit_height or 0, pitch) or None,
                             unwoven=True)
            found.dropped[:0] = [(_line_box(0, 0, removed), "ruled line")]
            return found
    # Digits written on lined paper touch its lines, and a line with digits
    # hanging on it is one component (too large, or running out to the
    # image's edge): take the lines off and start again.
    lines, height, measured_width = _ruled_lines(ink, labels, stats, ~(border | grid),
                                                 digit_height, grey)
    if lines:
        stripped = ink.copy()
        for x0, y0, line in lines:
            stripped[y0:y0 + line.shape[0], x0:x0 + line.shape[1]] &= ~line
        found = _segment(stripped, merge=merge, split=split, scorer=scorer,
                         min_height=min_height, max_height=max_height, number_gap=number_gap,
                         speck_area=speck_area, saturation=saturation, sheet_edges=sheet_edges,
                         grey=grey,
                         digit_height=height, unwoven=unwoven)
        found.dropped[:0] = [(_line_box(x0, y0, line), "ruled line") for x0, y0, line in lines]
        return found
    dropped += [(_plain(b), "page border or shadow") for b in boxes[border]]
    dropped += [(_plain(b), "table or frame lines") for b in boxes[grid]]
    huge = border | grid
    boxes, ids = boxes[~huge], ids[~huge]
    if len(boxes) == 0:
        return _empty(0.0, dropped)
    # The stroke width is measured on the 24 largest components only: a
    # median over them is steady, it is cheap on a 300-dpi page, and specks
    # cannot drag it down.
    # (Looking for ruled lines may have measured it on the same components.)
    stroke_width = measured_width
    if stroke_width is None:
        largest = np.argsort(-stats[ids - 1, cv2.CC_STAT_AREA], kind="stable")[:24]
        stroke_width = estimate_stroke_width(ink, boxes=boxes[largest])
    specks = stats[ids - 1, cv2.CC_STAT_AREA] < speck_area * stroke_width**2
    dropped += [(_plain(b), "speck") for b in boxes[specks][:1000]]
    boxes, ids = boxes[~specks], ids[~specks]
    if len(boxes) == 0:
        return _empty(stroke_width, dropped)
    height = max(typical_digit_height(boxes[:, 3], stroke_width=stroke_width), digit_height or 0)
    ruled = (boxes[:, 2] > 3.0 * height) & (boxes[:, 3] < 0.6 * height)
    dropped += [(_plain(b), "ruled line") for b in boxes[ruled]]
    boxes, ids = boxes[~ruled], ids[~ruled]
    if len(boxes) == 0:
        return _empty(stroke_width, dropped)
    height = max(typical_digit_height(boxes[:, 3], stroke_width=stroke_width), digit_height or 0)

    if merge:
        groups = _merge_groups(boxes, height, max_height=1.35 * height, max_width=1.2 * height,
                               max_gap=0.35 * height)
    else:
        groups = [[i] for i in range(len(boxes))]
    group_boxes = np.array([_union_box(boxes[g]) for g in groups])
    # Words (printed or written) are set aside before the digits' height is
    # measured: a form's many letters would otherwise set it. Letters are
    # judged as components, before an i's dot makes its letter look tall.
    letters = _letters(boxes, groups, height, max_height * height)
    in_word = np.array([letters[g].any() for g in groups], bool)
    dropped += [(_plain(b), "part of a word") for b in group_boxes[in_word]]
    if callable(saturation) and in_word.any():
        saturation = saturation()
    if saturation is not None and not callable(saturation) and in_word.any():
        ink_colour = _mean_per_label(labels, saturation, len(stats))
        group_colour = np.array([ink_colour[ids[g]].mean() for g in groups]) / 255.0
        printed = ~in_word & printed_ink(group_colour, words=group_colour[in_word])
        dropped += [(_plain(b), "printed: in the ink of the page's words")
                    for b in group_boxes[printed]]
        in_word |= printed
    groups = [g for g, word in zip(groups, in_word) if not word]
    group_boxes = group_boxes[~in_word]
    if len(group_boxes) == 0:
        return _empty(stroke_width, dropped)
    height = max(typical_digit_height(group_boxes[:, 3], stroke_width=stroke_width),
                 digit_height or 0)
    keep = []
    for g, box in zip(groups, group_boxes):
        x, y, w, h = box
        on_side = x == 0 or x + w == cols
        on_edge = on_side or y == 0 or y + h == rows
        if h < min_height * height:
            dropped.append((_plain(box), "too small for a digit"))
        elif h > max_height * height or w > 6 * height:
            dropped.append((_plain(box), "too large for a digit"))
        elif on_edge and h < _CUT_SHORT * height:
            dropped.append((_plain(box), "cut by the image's edge"))
        elif on_edge and w > 2.5 * h:
            # No digit is this much wider than tall: a strip of what lies
            # beyond the sheet (a desk's grain, a shadow) along its edge.
            dropped.append((_plain(box), "page border or shadow"))
        elif sheet_edges and on_side and w <= 2.5 * stroke_width:
            # One stroke standing along the left or right edge of a
            # straightened sheet: its rim, where a corner was found a pixel
            # or two out. (Elsewhere it may be a 1 in a tight crop.)
            dropped.append((_plain(box), "page border or shadow"))
        else:
            keep.append((box, ids[g]))
    if not keep:
        return _empty(stroke_width, dropped)

    def mask_of(box, members):
        x, y, w, h = box
        crop = labels[y:y + h, x:x + w]
        return crop == members[0] if len(members) == 1 else np.isin(crop, members)

    widths = np.array([b[2] for b, _ in keep], float)
    heights = np.array([b[3] for b, _ in keep], float)
    # Single digits: not a narrow "1", not a blob of several.
    regular = widths[(widths >= 0.35 * heights) & (widths <= 0.9 * heights)]
    typical_width = float(np.median(regular)) if regular.size else 0.7 * height

    if merge and scorer is not None:
        keep = _join_strokes(keep, mask_of, height, typical_width, scorer)
    masks = [mask_of(box, members) for box, members in keep]
    wide = _WHOLE_WIDTH if scorer is not None else 1.5
    blobs = [i for i, (box, _) in enumerate(keep) if split and box[2] > wide * typical_width]
    splits = dict(zip(blobs, _split_blobs([masks[i] for i in blobs], typical_width, scorer)))

    final_boxes, final_masks = [], []
    for i, ((box, _), mask) in enumerate(zip(keep, masks)):
        parts = splits.get(i)
        if parts is None:
            final_boxes.append(box)
            final_masks.append(mask)
            continue
        for a, b in parts:
            trimmed = _trim(mask[:, a:b])
            if trimmed is None:
                continue
            sub, top, left = trimmed
            part = np.array([box[0] + a + left, box[1] + top, sub.shape[1], sub.shape[0]])
            if sub.shape[0] < min_height * height:
                # A dash of a faint line, merged with the digit beside it.
                dropped.append((_plain(part), "too small for a digit"))
                continue
            final_boxes.append(part)
            final_masks.append(sub)

    final_boxes = np.array(final_boxes, int).reshape(-1, 4)
    order, line, number, angle = ordered_with_direction(final_boxes, digit_height=height,
                                                        number_gap=number_gap,
                                                        typical_width=typical_width)
    return Segmentation(final_boxes[order], [final_masks[i] for i in order], line, number,
                        height, stroke_width, dropped, angle)
