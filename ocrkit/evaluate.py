"""Evaluation: how well a classifier reads digits, and a page, as plain numbers and tables.

The notebooks compare many classifiers, features and writers.  These small
functions turn true and predicted labels into the numbers they print:

:func:`accuracy`
    the share of digits read right.
:func:`confusion_matrix` and :func:`most_confused`
    which digits are taken for which.
:func:`error_indices`
    the misread digits, in a stable order, for a gallery of errors.
:func:`format_table`
    a fixed-width text table of results (rows of named columns).

Pages are scored against their truth (:mod:`ocrkit.truth`: every digit's box,
label, line and number):

:func:`match_boxes`
    which found box is which true digit (by :func:`ocrkit.boxes.box_iou`).
:func:`score_page`
    a reading of a page against its :class:`~ocrkit.truth.PageTruth`, as a
    :class:`PageScore`: digits right, wrong, unsure and missed, extra boxes,
    and lines and numbers split or run together.
:func:`score_real_page`
    a reading of one of the real photos in ``data/real/`` against its
    :class:`~ocrkit.truth.RealPage`, whose truth boxes are approximate: a true
    digit is found when one detection covers at least 40 % of its box
    (:func:`ocrkit.boxes.box_coverage`).

Both page scorers count the same things and share one denominator: a page's
:attr:`PageScore.accuracy` is the digits read right over the page's true
digits, so a digit missed counts against it as much as a digit misread.

Every number they return is a plain Python ``int`` or ``float`` (never a numpy
scalar), so that printed results read the same with every numpy version.
"""

from dataclasses import dataclass, field, fields

import numpy as np

from .boxes import as_boxes, box_coverage, box_iou
from .classify import UNKNOWN
from .errors import OptionError
from .truth import RealPage, _int_column, _page_truth

__all__ = ["FOUND_COVER", "IOU_MATCH", "MERGE_COVER", "PageScore", "accuracy",
           "confusion_matrix", "error_indices", "format_table", "match_boxes",
           "most_confused", "per_class_accuracy", "score_page", "score_real_page"]

#: Smallest intersection over union for a found box to count as a true digit's.
IOU_MATCH = 0.5
#: Smallest share of a real photo's (approximate) truth box that one detection
#: must cover to find the digit; thin 1s get tight boxes, hence below one half.
FOUND_COVER = 0.4
#: A detection covering this share of a second true digit has merged the two;
#: a detection this much inside a true digit's box is a piece of that digit.
MERGE_COVER = 0.5


def _labels(true, predicted):
    """Both label arrays as 1-D int64, checked to be the same length."""
    true = np.asarray(true)
    predicted = np.asarray(predicted)
    if true.ndim != 1 or predicted.ndim != 1:
        raise OptionError(
            f"labels must be 1-D sequences; got shapes {true.shape} and {predicted.shape}. "
            "Pass model.predict(digits), not the digits."
        )
    if len(true) != len(predicted):
        raise OptionError(f"{len(true)} true labels but {len(predicted)} predicted labels")
    if len(true) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if true.dtype.kind not in "iub" or predicted.dtype.kind not in "iub":
        raise OptionError(
            f"labels must be integers; got dtypes {true.dtype} and {predicted.dtype}"
        )
    return true.astype(np.int64), predicted.astype(np.int64)


def accuracy(true, predicted):
    """Share of the labels predicted right.

    Parameters
    ----------
    true, predicted : (N,) int array_like
        Labels; a rejected digit (label -1) counts as wrong.

    Returns
    -------
    accuracy : float
        In [0, 1]; NaN when there are no labels.

    Examples
    --------
    >>> accuracy([1, 2, 3, 4], [1, 2, 3, 7])
    0.75
    """
    true, predicted = _labels(true, predicted)
    if len(true) == 0:
        return float("nan")
    return float(np.mean(true == predicted))


def confusion_matrix(true, predicted, *, n_classes=10):
    """Count how often each true label was read as each label.

    Parameters
    ----------
    true, predicted : (N,) int array_like
        Labels in ``0 .. n_classes - 1``; predictions outside that range
        (such as the rejected label -1) are not counted.
    n_classes : int
        Number of classes (10 digits).

    Returns
    -------
    matrix : (n_classes, n_classes) int64 ndarray
        ``matrix[t, p]`` is the number of digits of label ``t`` predicted as
        ``p``; the diagonal holds the right answers.

    Raises
    ------
    OptionError
        If a true label lies outside ``0 .. n_classes - 1``, or the labels
        are not two 1-D integer sequences of one length.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1], [0, 1, 0], n_classes=2).tolist()
    [[1, 0], [1, 1]]
    """
    true, predicted = _labels(true, predicted)
    if len(true) and (true.min() < 0 or true.max() >= n_classes):
        raise OptionError(
            f"true labels must lie in 0..{n_classes - 1}; got {int(true.min())}..{int(true.max())}"
        )
    counted = (predicted >= 0) & (predicted < n_classes)
    flat = np.bincount(true[counted] * n_classes + predicted[counted],
                       minlength=n_classes * n_classes)
    return flat.reshape(n_classes, n_classes).astype(np.int64)


def per_class_accuracy(true, predicted, *, n_classes=10):
    """Share of each label's digits read right.

    Parameters
    ----------
    true, predicted : (N,) int array_like
        Labels; a rejected digit (label -1) counts as wrong.
    n_classes : int
        Number of classes (10 digits).

    Returns
    -------
    accuracies : list of float
        One per label ``0 .. n_classes - 1``; NaN for a label with no digits.

    Examples
    --------
    >>> per_class_accuracy([0, 0, 1], [0, 1, 1], n_classes=3)
    [0.5, 1.0, nan]
    """
    true, predicted = _labels(true, predicted)
    out = []
    for label in range(n_classes):
        mine = true == label
        out.append(float(np.mean(predicted[mine] == label)) if mine.any() else float("nan"))
    return out


def most_confused(matrix, *, top=5):
    """The largest off-diagonal counts of a confusion matrix.

    Parameters
    ----------
    matrix : (C, C) int array_like
        As from :func:`confusion_matrix`.
    top : int
        How many pairs to return at most.

    Returns
    -------
    pairs : list of (int, int, int)
        ``(true, predicted, count)``, largest count first, ties by true then
        predicted label; pairs with a count of zero are left out.

    Raises
    ------
    OptionError
        If `matrix` is not square.

    Examples
    --------
    >>> most_confused([[5, 2], [0, 7]])
    [(0, 1, 2)]
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise OptionError(f"a confusion matrix must be square (C, C); got shape {matrix.shape}")
    pairs = [(int(t), int(p), int(matrix[t, p]))
             for t in range(len(matrix)) for p in range(len(matrix))
             if t != p and matrix[t, p] > 0]
    pairs.sort(key=lambda pair: (-pair[2], pair[0], pair[1]))
    return pairs[:top]


def error_indices(true, predicted, *, limit=None):
    """Positions of the misread digits, ordered by true label, then position.

    Parameters
    ----------
    true, predicted : (N,) int array_like
    limit : int, optional
        Return at most this many, spread over the true labels: the first
        error of every label before the second of any.

    Returns
    -------
    indices : list of int
        Ready to pick the digits and labels of a gallery of errors.

    Examples
    --------
    >>> error_indices([3, 1, 1, 3, 1], [3, 7, 1, 5, 4])
    [1, 4, 3]
    >>> error_indices([3, 1, 1, 3, 1], [3, 7, 1, 5, 4], limit=2)
    [1, 3]
    """
    true, predicted = _labels(true, predicted)
    wrong = np.flatnonzero(true != predicted)
    # Stable sort by true label keeps positions in order within a label.
    wrong = wrong[np.argsort(true[wrong], kind="stable")]
    if limit is None or limit >= len(wrong):
        return [int(i) for i in wrong]
    # Rank of each error within its label: 0 for the first 1, for the second...
    labels = true[wrong]
    starts = np.searchsorted(labels, labels, side="left")
    rank = np.arange(len(wrong)) - starts
    chosen = wrong[np.lexsort((labels, rank))][: int(limit)]
    chosen = chosen[np.argsort(true[chosen], kind="stable")]
    return [int(i) for i in chosen]


def _cell(value, digits):
    if value is None:
        return "-"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return "nan" if np.isnan(value) else f"{float(value):.{digits}f}"
    return str(value)


def format_table(rows, *, index="", digits=3):
    """A fixed-width text table of named rows.

    Parameters
    ----------
    rows : dict of str to dict
        Row name to ``{column name: value}``; columns appear in the order
        they are first met, and a row without a column shows ``-``.
    index : str
        Heading of the row-name column.
    digits : int
        Decimals shown for float values (ints and strings are shown as they are).

    Returns
    -------
    table : str
        Columns separated by two spaces, numbers right-aligned; no trailing
        newline.

    Raises
    ------
    OptionError
        If `rows` is not a dict of dicts.

    Examples
    --------
    >>> print(format_table({"knn": {"accuracy": 0.9612}, "svm": {"accuracy": 0.98}},
    ...                    index="model"))
    model  accuracy
    knn       0.961
    svm       0.980
    """
    if not isinstance(rows, dict) or not all(isinstance(r, dict) for r in rows.values()):
        raise OptionError("rows must be a dict of row name -> {column name: value}")
    columns = []
    for row in rows.values():
        columns += [c for c in row if c not in columns]
    header = [str(index)] + [str(c) for c in columns]
    body = [[str(name)] + [_cell(row.get(c), digits) for c in columns]
            for name, row in rows.items()]
    widths = [max(len(line[i]) for line in [header] + body) for i in range(len(header))]

    def line(cells):
        first = cells[0].ljust(widths[0])
        rest = [cell.rjust(width) for cell, width in zip(cells[1:], widths[1:])]
        return "  ".join([first] + rest).rstrip()

    return "\n".join(line(cells) for cells in [header] + body)


def match_boxes(truth_boxes, found_boxes, *, threshold=IOU_MATCH):
    """Pair true and found boxes one to one, greedily by decreasing overlap.

    Parameters
    ----------
    truth_boxes, found_boxes : (K, 4) array_like
        ``x, y, w, h`` of each box.
    threshold : float
        Smallest intersection over union of a pair.

    Returns
    -------
    pairs : list of (int, int)
        ``(truth index, found index)``, sorted by truth index.

    Examples
    --------
    >>> match_boxes([[0, 0, 10, 10], [20, 0, 10, 10]], [[21, 0, 10, 10], [50, 0, 5, 5]])
    [(1, 0)]
    """
    iou = box_iou(truth_boxes, found_boxes)
    if iou.size == 0:
        return []
    ti, fi = np.nonzero(iou >= threshold)
    order = np.lexsort((fi, ti, -iou[ti, fi]))
    used_t, used_f, pairs = set(), set(), []
    for t, f in zip(ti[order].tolist(), fi[order].tolist()):
        if t not in used_t and f not in used_f:
            used_t.add(t)
            used_f.add(f)
            pairs.append((t, f))
    return sorted(pairs)


# ------------------------------------------------------------ page scores

@dataclass(frozen=True)
class _Found:
    """A reading as arrays: boxes (N, 4) float, labels (N,) with -1 unsure, line, number."""

    boxes: np.ndarray
    labels: np.ndarray
    line: np.ndarray
    number: np.ndarray
    lines: list


def _found(reading):
    """A PageReading, or the dict its ``to_json()`` gives, as a :class:`_Found`."""
    if isinstance(reading, dict):
        digits = reading.get("digits")
        if not isinstance(digits, list):
            raise OptionError("a reading must be a PageReading or its to_json() dict, with a "
                             "'digits' list")
        columns = ([], [], [], [])
        for i, digit in enumerate(digits):
            try:
                label = UNKNOWN if digit["label"] is None else int(digit["label"])
                values = (digit["box"], label, int(digit.get("line", -1)),
                          int(digit.get("number", -1)))
            except (KeyError, TypeError, ValueError):
                raise OptionError(f"reading: digit {i} is not {{'box': [x, y, w, h], 'label': "
                                 f"int or null, 'line': int, 'number': int}}: {digit!r}") from None
            for column, value in zip(columns, values):
                column.append(value)
        boxes, labels, line, number = columns
        lines = reading.get("lines", [])
    else:
        boxes, labels = reading.boxes, reading.labels
        count = len(labels)
        line = getattr(reading, "line", None)
        number = getattr(reading, "number", None)
        line = np.full(count, -1) if line is None else line
        number = np.full(count, -1) if number is None else number
        lines = getattr(reading, "lines", [])
    boxes = as_boxes(boxes)
    columns = [_int_column(values, len(boxes), name) for values, name in
               ((labels, "labels"), (line, "line"), (number, "number"))]
    return _Found(boxes, *columns, list(lines))


@dataclass(frozen=True, kw_only=True)
class PageScore:
    """How well a reading matches a page's truth: counts, and shares of them.

    Every true digit is exactly one of ``right``, ``wrong``, ``unsure``,
    ``merged``, ``fragmented`` or ``missed``.  The shares divide by the
    page's true digits (``accuracy``, ``recall``) or by the detections
    (``precision``); they are NaN when that count is zero.

    Attributes
    ----------
    image : str
        The page's file name.
    truth_digits : int
        The page's true digits.
    detections : int
        Boxes the reading found.
    right, wrong, unsure : int
        True digits found and read as their label, as another label, or
        rejected (label -1, shown as ``?``).
    merged : int
        True digits found by a box that covers a second true digit too
        (:func:`score_real_page` only; :func:`score_page` pairs boxes one to
        one, so a box around two digits is one found digit and one missed).
    fragmented : int
        True digits touched only by boxes that each cover too little of them
        (:func:`score_real_page` only).
    missed : int
        True digits no box found.
    extra : int
        Boxes that are no true digit's: specks, ruling, letters, or (with
        :func:`score_page`) a piece of a digit.
    on_printed : int
        Boxes on printed digits the truth lists (:func:`score_real_page`
        only): neither right nor extra.
    truth_lines, lines_right : int
        Text lines of the truth, and those the reading gives exactly, at the
        same position.
    lines_split : int
        True lines whose found digits the reading puts on more than one line.
    lines_mixed : int
        Lines of the reading holding found digits of more than one true line.
    numbers_split, numbers_merged : int
        True numbers whose found digits the reading puts in more than one
        number, and numbers of the reading holding digits of more than one
        true number; 0 where ``numbers_scored`` is False.
    numbers_scored : bool
        Whether the truth's grouping into numbers is certain enough to score.
    confusions : tuple of str
        ``'true->read'`` for every digit found but not read right, in the
        truth's order (``?`` for a rejected digit).
    """

    image: str = ""
    truth_digits: int
    detections: int
    right: int
    wrong: int
    unsure: int
    merged: int = 0
    fragmented: int = 0
    missed: int
    extra: int
    on_printed: int = 0
    truth_lines: int
    lines_right: int
    lines_split: int
    lines_mixed: int
    numbers_split: int
    numbers_merged: int
    numbers_scored: bool = True
    confusions: tuple = field(default=())

    @property
    def found(self):
        """True digits a box was found for: right + wrong + unsure + merged."""
        return self.right + self.wrong + self.unsure + self.merged

    @property
    def accuracy(self):
        """Digits read right over the page's true digits (NaN for a page without digits).

        The one denominator of page scores: a digit missed counts against a
        reading as much as a digit misread.
        """
        return self.right / self.truth_digits if self.truth_digits else float("nan")

    @property
    def recall(self):
        """Share of the true digits that were found."""
        return self.found / self.truth_digits if self.truth_digits else float("nan")

    @property
    def precision(self):
        """Share of the detections that are not extra (NaN when nothing was found)."""
        if not self.detections:
            return float("nan")
        return (self.detections - self.extra) / self.detections

    @property
    def line_errors(self):
        """True lines split, plus lines of the reading mixing true lines."""
        return self.lines_split + self.lines_mixed

    @property
    def number_errors(self):
        """True numbers split, plus numbers of the reading running true numbers together."""
        return self.numbers_split + self.numbers_merged

    def as_dict(self):
        """Every count and share as plain Python values.

        Returns
        -------
        score : dict
            JSON-able: the fields, then ``found``, ``accuracy``, ``recall``,
            ``precision``, ``line_errors`` and ``number_errors``.
        """
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["confusions"] = list(self.confusions)
        for name in ("found", "accuracy", "recall", "precision", "line_errors",
                     "number_errors"):
            out[name] = getattr(self, name)
        return out


def _grouping_errors(pairs, truth, found, *, numbers=True):
    """Lines split and mixed, numbers split and merged, over found (truth, detection) pairs.

    A pair whose truth or detection has no line (-1) is left out; so is one
    without a number, for the numbers.
    """
    found_lines_of, truth_lines_of, found_numbers_of, truth_numbers_of = {}, {}, {}, {}
    for t, f in pairs:
        true_line, found_line = int(truth.line[t]), int(found.line[f])
        if true_line < 0 or found_line < 0:
            continue
        found_lines_of.setdefault(true_line, set()).add(found_line)
        truth_lines_of.setdefault(found_line, set()).add(true_line)
        if numbers and truth.number[t] >= 0 and found.number[f] >= 0:
            true_number = (true_line, int(truth.number[t]))
            found_number = (found_line, int(found.number[f]))
            found_numbers_of.setdefault(true_number, set()).add(found_number)
            truth_numbers_of.setdefault(found_number, set()).add(true_number)

    def several(groups):
        return sum(len(group) > 1 for group in groups.values())

    return {"lines_split": several(found_lines_of), "lines_mixed": several(truth_lines_of),
            "numbers_split": several(found_numbers_of),
            "numbers_merged": several(truth_numbers_of)}


def _lines_right(truth_lines, found_lines):
    return sum(i < len(found_lines) and found_lines[i] == text
               for i, text in enumerate(truth_lines))


def _shown(label):
    return "?" if label == UNKNOWN else str(label)


def score_page(truth, reading, *, threshold=IOU_MATCH):
    """Score a reading of a page against the page's truth.

    Each true digit is paired with at most one found box, and each box with
    at most one true digit: :func:`match_boxes`, highest intersection over
    union first, if it is at least `threshold`.  The truth's boxes are exact
    (the bundled pages' are the tight boxes of each digit's ink), so a box
    half off a digit, or around two digits, finds none or one of them.

    Parameters
    ----------
    truth : PageTruth or dict
        From :meth:`ocrkit.truth.PageTruth.load`, or a truth's JSON dict.
    reading : PageReading or dict
        From :func:`ocrkit.pipeline.read_page` (or anything with ``boxes``,
        ``labels`` and, for the grouping, ``line``, ``number`` and
        ``lines``), or the dict its ``to_json()`` gives.
    threshold : float
        Smallest intersection over union of a true and a found box.

    Returns
    -------
    PageScore
        ``accuracy`` is the digits read right over the page's true digits,
        ``recall`` the digits found over the true digits, and ``precision``
        the boxes paired with a true digit over all boxes found.  Boxes paired
        with no true digit are ``extra``; true digits without a box,
        ``missed``.  Lines and numbers are judged on the digits found.

    Examples
    --------
    >>> truth = {"digits": [{"box": [0, 0, 10, 10], "label": 1, "line": 0, "number": 0},
    ...                     {"box": [20, 0, 10, 10], "label": 2, "line": 0, "number": 0},
    ...                     {"box": [40, 0, 10, 10], "label": 3, "line": 0, "number": 1}],
    ...          "lines": ["12 3"]}
    >>> reading = {"digits": [{"box": [0, 0, 10, 10], "label": 7, "line": 0, "number": 0},
    ...                       {"box": [21, 0, 10, 10], "label": 2, "line": 0, "number": 0},
    ...                       {"box": [90, 0, 10, 10], "label": 4, "line": 0, "number": 1}],
    ...            "lines": ["72 4"]}
    >>> score = score_page(truth, reading)
    >>> score.right, score.wrong, score.missed, score.extra, score.accuracy
    (1, 1, 1, 1, 0.3333333333333333)
    >>> score.confusions
    ('1->7',)
    """
    truth = _page_truth(truth)
    found = _found(reading)
    pairs = match_boxes(truth.boxes, found.boxes, threshold=threshold)
    counts = {"right": 0, "wrong": 0, "unsure": 0}
    confusions = []
    for t, f in pairs:
        true_label, label = int(truth.labels[t]), int(found.labels[f])
        status = ("unsure" if label == UNKNOWN
                  else "right" if true_label != UNKNOWN and label == true_label else "wrong")
        counts[status] += 1
        if status != "right":
            confusions.append(f"{_shown(true_label)}->{_shown(label)}")
    return PageScore(
        image=truth.image, truth_digits=len(truth), detections=len(found.boxes), **counts,
        missed=len(truth) - len(pairs), extra=len(found.boxes) - len(pairs),
        truth_lines=len(truth.lines), lines_right=_lines_right(truth.lines, found.lines),
        **_grouping_errors(pairs, truth, found), numbers_scored=bool((truth.number >= 0).any()),
        confusions=tuple(confusions))


def score_real_page(truth, reading):
    """Score a reading of a real photo against its approximate truth.

    The truth's boxes are drawn around the ink by hand, so boxes are not
    paired one to one.  For each true digit, the detection covering most of
    its box (:func:`ocrkit.boxes.box_coverage`) is looked at:

    - it covers at least :data:`FOUND_COVER` (40 %) of the box: the digit is
      found.  It is ``merged`` if that detection also covers
      :data:`MERGE_COVER` (half) or more of another true digit, else
      ``unsure`` if rejected, ``right`` if its label is one
      :attr:`~ocrkit.truth.RealPage.accept` lists, else ``wrong``;
    - only detections covering less touch it: ``fragmented``;
    - none: ``missed``.

    A detection that touches a true digit's box (and covers half of it, or
    lies half inside it) belongs to that digit.  Every other detection is on
    a printed digit (half of it inside a printed digit's box), a piece inside
    a true digit's box (not counted), or ``extra``.  Lines, and numbers where
    :attr:`~ocrkit.truth.RealPage.grouping_scored`, are judged on the digits found.

    Parameters
    ----------
    truth : RealPage or dict
        From :func:`ocrkit.truth.load_real_truth`, or one entry of its file.
    reading : PageReading or dict
        From :func:`ocrkit.pipeline.read_page`, or the dict its ``to_json()``
        gives (``ocrkit read --json``).

    Returns
    -------
    PageScore
        Its ``accuracy`` is the digits right over the page's true digits.

    Examples
    --------
    >>> page = {"file": "a.png", "lines": ["12"], "digit_boxes": [[[0, 0, 10, 20],
    ...         [14, 0, 10, 20]]], "grouping_scored": True, "sha256": 64 * "0", "bytes": 1,
    ...         "source": dict.fromkeys(["repo", "commit", "path", "licence", "copyright",
    ...                                  "url"], "-")}
    >>> one_box = {"digits": [{"box": [0, 0, 24, 20], "label": 7, "line": 0, "number": 0}],
    ...            "lines": ["7"]}
    >>> score = score_real_page(page, one_box)
    >>> score.merged, score.found, score.extra, score.accuracy
    (2, 2, 0, 0.0)
    """
    page = truth if isinstance(truth, RealPage) else RealPage.from_entry(truth)
    truth = page.truth
    found = _found(reading)
    n = len(found.boxes)
    cover = box_coverage(truth.boxes, found.boxes)  # (K, N): of each true box, by a detection
    inside = box_coverage(found.boxes, truth.boxes).T  # (K, N): of each detection, in a true box
    belongs = np.zeros(n, bool)
    counts = dict.fromkeys(("right", "wrong", "unsure", "merged", "fragmented", "missed"), 0)
    pairs, confusions = [], []
    for t in range(len(truth)):
        touching = (cover[t] > 0) & ((cover[t] >= MERGE_COVER) | (inside[t] >= MERGE_COVER))
        belongs |= touching
        # The best cover; of equal ones, the last detection's.
        best = n - 1 - int(np.argmax(cover[t, ::-1])) if n else None
        if best is not None and cover[t, best] >= FOUND_COVER:
            label = int(found.labels[best])
            others = cover[:, best] >= MERGE_COVER
            others[t] = False
            status = ("merged" if others.any() else "unsure" if label == UNKNOWN
                      else "right" if label in page.accept[t] else "wrong")
            pairs.append((t, best))
            if status != "right":
                confusions.append(f"{truth.labels[t]}->{_shown(label)}")
        else:
            status = "fragmented" if touching.any() else "missed"
        counts[status] += 1
    on_printed = (box_coverage(found.boxes, page.printed_boxes) >= MERGE_COVER).any(axis=1)
    in_a_digit = (cover > 0).any(axis=0)
    rest = ~belongs
    return PageScore(
        image=page.file, truth_digits=len(truth), detections=n, **counts,
        extra=int(np.count_nonzero(rest & ~on_printed & ~in_a_digit)),
        on_printed=int(np.count_nonzero(rest & on_printed)),
        truth_lines=len(truth.lines), lines_right=_lines_right(truth.lines, found.lines),
        **_grouping_errors(pairs, truth, found, numbers=page.grouping_scored),
        numbers_scored=page.grouping_scored, confusions=tuple(confusions))
