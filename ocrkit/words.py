"""Words are not digits: tell runs of letters from numbers by their shape.

A form or a page of notes holds words, printed or written, beside the
digits. Their letters are recognised as digits with confidence ("o" as 0,
"l" as 1, "s" as 5), so they must be set aside before classification, by
what sets words apart from numbers:

- letters of a word sit close together, closer than a fifth of their
  height, on one row;
- a word mixes letter heights: short ones (a, c, e, n, o, r, s) beside tall
  ones (b, d, k, l, t, capitals), while the digits of a number are all about
  as tall as each other.

A run of at least three close neighbours in which at least two, and at least
a third, are clearly shorter than the tallest is taken for a word, and its
close neighbours on the row (a broken letter, a capital) join it. A piece
of a broken digit lying over another is not a short letter, nor is a
stroke of a broken digit whose strokes, joined, stand as tall as the
letters beside it, nor is a dot floating where text puts none (an i's dot
sits over its stem, a full stop on the line): grainy paper sprinkles such
specks among a thin pen's digits.

On a colour photo, the ink tells more: a printed form is printed in black,
and filled in with a coloured pen. When the page's words are in grey ink and
some candidates are in a clearly coloured one, the grey candidates are in
the printer's ink (:func:`printed_ink`): the numbers and letters of the form
itself. A page written in black pen has no such split, and keeps all.
"""

import numpy as np

__all__ = ["word_members", "printed_ink"]

# Neighbours in a word are closer than this share of the taller one's height.
_WORD_GAP = 0.2
# A letter is "short" below this share of its word's tallest letter.
_SHORT = 0.72
# An i's dot is at most this share of its word's tallest letter, either way.
_DOT = 0.25


def _neighbours(boxes, gap_share):
    """(N, N) bool: j is i's close right-hand neighbour on the same row.

    Close: the gap from i's right edge to j's left edge is at most
    ``gap_share`` times the taller one's height (``gap_share`` may be an
    (N, 1) array, one per i). Same row: their vertical extents share at
    least 60 % of the shorter one.
    """
    x, y, w, h = boxes.T
    gap = x[None, :] - (x + w)[:, None]
    taller = np.maximum(h[:, None], h[None, :])
    overlap = (np.minimum((y + h)[:, None], (y + h)[None, :])
               - np.maximum(y[:, None], y[None, :]))
    beside = (x[None, :] > (x + w / 2)[:, None]) & (gap <= gap_share * taller)
    return beside & (overlap >= 0.6 * np.minimum(h[:, None], h[None, :]))


def _runs(boxes):
    """Groups of boxes chained to close neighbours on the same row (union-find)."""
    n = len(boxes)
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in np.argwhere(_neighbours(boxes, _WORD_GAP)):
        parent[find(int(j))] = find(int(i))
    runs = {}
    for i in range(n):
        runs.setdefault(find(i), []).append(i)
    return list(runs.values())


def _stacked(boxes):
    """(N, N) bool: box i lies above or below box j, within j's columns.

    Within its columns: at least half of i's width lies in j's. Above or
    below: their rows overlap by less than half of the smaller one's height.
    """
    x, y, w, h = boxes.T
    columns = np.minimum((x + w)[:, None], (x + w)[None, :]) - np.maximum(x[:, None], x[None, :])
    rows = np.minimum((y + h)[:, None], (y + h)[None, :]) - np.maximum(y[:, None], y[None, :])
    stacked = (columns >= 0.5 * w[:, None]) & (rows < 0.5 * np.minimum(h[:, None], h[None, :]))
    np.fill_diagonal(stacked, False)
    return stacked


def _pieces(boxes, members, height, stacked):
    """(len(members),) bool: which ``members`` are pieces of a broken character.

    A piece lies over or under another box, within its columns and close to
    it: two strokes (both longer than :data:`_DOT` of ``height``) at most a
    dot's size apart, as a 5's flag over its body or a 4 in two strokes; or
    a dot and a stroke nearly touching (closer than half the dot's height),
    as the top of a 1 broken off it, where an i's dot stands clear of its
    stem. The other box may lie outside the run: a broken digit's pieces
    sit at different heights, and only one of them may be close enough to
    its neighbours to join their run. ``stacked`` is :func:`_stacked` of
    every box.
    """
    x, y, w, h = boxes.T
    stroke = np.maximum(w, h) > _DOT * height
    m = np.asarray(members)
    # Rows between each member and every box (negative where they overlap).
    gap = np.maximum(y[m, None], y[None, :]) - np.minimum((y + h)[m, None], (y + h)[None, :])
    # Two strokes as stacked: half of the member's width within the other's
    # columns (an accent over a letter covers too little of it); a dot and
    # a stroke either way (the stem under a 1's broken top is a piece too).
    strokes = stacked[m] & stroke[m, None] & stroke[None, :] & (gap <= _DOT * height)
    dot_height = np.where(stroke[m, None], h[None, :], h[m, None])
    broken_dot = ((stacked[m] | stacked[:, m].T) & (stroke[m, None] != stroke[None, :])
                  & (gap < 0.5 * dot_height))
    return (strokes | broken_dot).any(axis=1)


def _stray_dots(boxes, height):
    """(N,) bool: dots (at most :data:`_DOT` of ``height``) where no text puts one.

    An i's or a j's dot sits over its stem, and a full stop or a row of
    leader dots on the line the letters stand on; a dot floating beside the
    letters is a speck of the paper's grain, which a thin pen's digits
    gather too.
    """
    x, y, w, h = boxes.T
    dot = np.maximum(w, h) <= _DOT * height
    if dot.all():
        return np.zeros(len(boxes), bool)
    baseline = np.median((y + h)[~dot])
    floating = y + h < baseline - _DOT * height
    return dot & floating & ~_stacked(boxes).any(axis=1)


def word_members(boxes, *, characters=None):
    """Which boxes belong to runs shaped like words.

    Parameters
    ----------
    boxes : (N, 4) array_like
        ``x, y, w, h`` of candidate characters.
    characters : list of lists of int, optional
        The boxes joined into one character each (the parts of a broken
        digit, an i with its dot), every box in one. A part of a character
        as tall as the run's tall letters is no short letter: a thin pen's
        7 broken into bar and stem, beside a 3, is no word. (A dot joined
        to a stroke, an i's, leaves the stroke as it is.)

    Returns
    -------
    in_word : (N,) bool ndarray

    Examples
    --------
    >>> word = [(0, 10, 8, 20), (10, 18, 8, 12), (20, 18, 8, 12), (30, 10, 8, 20)]  # "late"
    >>> number = [(0, 60, 10, 20), (13, 61, 10, 20), (26, 60, 10, 19)]              # "123"
    >>> word_members(word + number).tolist()
    [True, True, True, True, False, False, False]
    """
    boxes = np.asarray(boxes, float).reshape(-1, 4)
    in_word = np.zeros(len(boxes), bool)
    if len(boxes) < 3:
        return in_word
    stacked = _stacked(boxes)
    # Each box's character's height: its own, or, joined with other strokes
    # (not a dot: an i's dot makes no tall letter of its stem), theirs.
    joined = boxes[:, 3].copy()
    for members in characters or []:
        if len(members) < 2:
            continue
        members = np.asarray(members)
        top, bottom = boxes[members, 1], boxes[members, 1] + boxes[members, 3]
        height = bottom.max() - top.min()
        strokes = np.maximum(boxes[members, 2], boxes[members, 3]) > _DOT * height
        if strokes.sum() >= 2:
            joined[members[strokes]] = bottom[strokes].max() - top[strokes].min()
    for run in _runs(boxes):
        if len(run) < 3:
            continue
        heights = boxes[run, 3]
        short = heights < _SHORT * heights.max()
        if short.sum() < 2 or short.mean() < 1 / 3:
            continue  # a number, whatever its short ones turn out to be
        # A piece of a broken character (a 5's flag, a 4 in two strokes, a
        # 1's broken top) is not a short letter beside it.
        short &= ~_pieces(boxes, run, heights.max(), stacked)
        # Nor is a speck beside them a short letter.
        short &= ~_stray_dots(boxes[run], heights.max())
        # Nor a part of a character as tall as the tall letters.
        short &= joined[run] < _SHORT * heights.max()
        if short.sum() >= 2 and short.mean() >= 1 / 3:
            in_word[run] = True
    # A word's neighbours on its row join it a little further out: short
    # letters stand further apart for their height than capitals do.
    for _ in range(len(boxes)):
        near = _neighbours(boxes, 1.5 * _WORD_GAP)
        grown = (in_word | (near & in_word[:, None]).any(axis=0)
                 | (near & in_word[None, :]).any(axis=1))
        if (grown == in_word).all():
            break
        in_word = grown
    return in_word


# A candidate's ink is "clearly coloured" this much more saturated than the words'.
_COLOURED = 0.2


def printed_ink(saturation, words):
    """Which candidates are in the same (grey) ink as the page's words.

    Parameters
    ----------
    saturation : (N,) float array_like
        Mean colour saturation (HSV's S, 0-1) of each candidate's ink.
    words : (K,) float array_like
        The same for the ink of the words found on the page.

    Returns
    -------
    printed : (N,) bool ndarray
        True for candidates nearer the words' saturation than the coloured
        ink's, when the words are grey and some candidates are clearly
        coloured; all False otherwise.

    Examples
    --------
    >>> printed_ink([0.1, 0.7, 0.65, 0.15], words=[0.1, 0.12])   # black print, pink pen
    array([ True, False, False,  True])
    >>> printed_ink([0.1, 0.15], words=[0.1]).any()               # all black
    np.False_
    """
    saturation = np.asarray(saturation, float).ravel()
    words = np.asarray(words, float).ravel()
    printed = np.zeros(saturation.shape, bool)
    if words.size == 0 or saturation.size == 0:
        return printed
    word_level = float(np.median(words))
    coloured = saturation[saturation > word_level + _COLOURED]
    if coloured.size == 0 or word_level > 1 - 2 * _COLOURED:
        return printed
    return saturation < (word_level + float(np.median(coloured))) / 2
