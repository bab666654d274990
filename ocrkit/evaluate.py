"""Evaluation: how well a classifier reads digits, as plain numbers and tables.

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
:func:`match_boxes`
    which found boxes are which true digits on a page (by overlap).

Every number they return is a plain Python ``int`` or ``float`` (never a numpy
scalar), so that printed results read the same with every numpy version.
"""

import numpy as np

__all__ = ["IOU_MATCH", "accuracy", "box_iou", "confusion_matrix", "error_indices",
           "format_table", "match_boxes", "most_confused", "per_class_accuracy"]

#: Smallest intersection over union for a found box to count as a true digit's.
IOU_MATCH = 0.5


def _labels(true, predicted):
    """Both label arrays as 1-D int64, checked to be the same length."""
    true = np.asarray(true)
    predicted = np.asarray(predicted)
    if true.ndim != 1 or predicted.ndim != 1:
        raise ValueError(
            f"labels must be 1-D sequences; got shapes {true.shape} and {predicted.shape}. "
            "Pass model.predict(digits), not the digits."
        )
    if len(true) != len(predicted):
        raise ValueError(f"{len(true)} true labels but {len(predicted)} predicted labels")
    if len(true) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if true.dtype.kind not in "iub" or predicted.dtype.kind not in "iub":
        raise ValueError(
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
    ValueError
        If a true label lies outside ``0 .. n_classes - 1``.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1], [0, 1, 0], n_classes=2).tolist()
    [[1, 0], [1, 1]]
    """
    true, predicted = _labels(true, predicted)
    if len(true) and (true.min() < 0 or true.max() >= n_classes):
        raise ValueError(
            f"true labels must lie in 0..{n_classes - 1}; got {int(true.min())}..{int(true.max())}"
        )
    counted = (predicted >= 0) & (predicted < n_classes)
    flat = np.bincount(true[counted] * n_classes + predicted[counted],
                       minlength=n_classes * n_classes)
    return flat.reshape(n_classes, n_classes).astype(np.int64)


def per_class_accuracy(true, predicted, *, n_classes=10):
    """Share of each label's digits read right.

    Returns
    -------
    accuracies : list of float
        One per label ``0 .. n_classes - 1``; NaN for a label with no digits.
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

    Examples
    --------
    >>> most_confused([[5, 2], [0, 7]])
    [(0, 1, 2)]
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"a confusion matrix must be square (C, C); got shape {matrix.shape}")
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

    Examples
    --------
    >>> print(format_table({"knn": {"accuracy": 0.9612}, "svm": {"accuracy": 0.98}},
    ...                    index="model"))
    model  accuracy
    knn       0.961
    svm       0.980
    """
    if not isinstance(rows, dict) or not all(isinstance(r, dict) for r in rows.values()):
        raise ValueError("rows must be a dict of row name -> {column name: value}")
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


def _boxes(boxes):
    boxes = np.asarray(boxes, dtype=float)
    if boxes.size == 0:
        return np.zeros((0, 4))
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f"boxes must be (K, 4) rows of x, y, w, h; got shape {boxes.shape}")
    return boxes


def box_iou(first, second):
    """Intersection over union of every pair of boxes: (len(first), len(second))."""
    a, b = _boxes(first), _boxes(second)
    w = (np.minimum((a[:, 0] + a[:, 2])[:, None], (b[:, 0] + b[:, 2])[None])
         - np.maximum(a[:, 0][:, None], b[:, 0][None]))
    h = (np.minimum((a[:, 1] + a[:, 3])[:, None], (b[:, 1] + b[:, 3])[None])
         - np.maximum(a[:, 1][:, None], b[:, 1][None]))
    inter = np.clip(w, 0, None) * np.clip(h, 0, None)
    union = (a[:, 2] * a[:, 3])[:, None] + (b[:, 2] * b[:, 3])[None] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0)


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
