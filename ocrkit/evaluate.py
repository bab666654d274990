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

Pages are scored against their ground truth:

:func:`box_iou`, :func:`box_coverage` and :func:`match_boxes`
    how much boxes overlap, and which found box is which true digit.
:class:`PageTruth`
    the right answer for a page (every digit's box, label, line and number),
    loaded from and saved to the JSON schema of ``ocrkit read --json``.
:func:`score_page`
    a reading of a page against its :class:`PageTruth`, as a
    :class:`PageScore`: digits right, wrong, unsure and missed, extra boxes,
    and lines and numbers split or run together.
:class:`RealPage`, :func:`load_real_truth` and :func:`score_real_page`
    the real photos in ``data/real/``, whose truth boxes are approximate:
    a true digit is found when one detection covers at least 40 % of its box.

Both page scorers count the same things and share one denominator: a page's
:attr:`PageScore.accuracy` is the digits read right over the page's true
digits, so a digit missed counts against it as much as a digit misread.

Every number they return is a plain Python ``int`` or ``float`` (never a numpy
scalar), so that printed results read the same with every numpy version.
"""

import json
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from .classify import UNKNOWN
from .errors import DataFileError

__all__ = ["FOUND_COVER", "IOU_MATCH", "MERGE_COVER", "PageScore", "PageTruth", "RealPage",
           "accuracy", "box_coverage", "box_iou", "confusion_matrix", "error_indices",
           "format_table", "load_real_truth", "match_boxes", "most_confused",
           "per_class_accuracy", "score_page", "score_real_page"]

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


def _intersections(a, b):
    """Intersection area of every pair of rows of two (K, 4) float arrays: (K, L)."""
    w = (np.minimum((a[:, 0] + a[:, 2])[:, None], (b[:, 0] + b[:, 2])[None])
         - np.maximum(a[:, 0][:, None], b[:, 0][None]))
    h = (np.minimum((a[:, 1] + a[:, 3])[:, None], (b[:, 1] + b[:, 3])[None])
         - np.maximum(a[:, 1][:, None], b[:, 1][None]))
    return np.clip(w, 0, None) * np.clip(h, 0, None)


def _areas(boxes):
    """Area of each box, at least one pixel (so that a share is always defined)."""
    return np.maximum(boxes[:, 2] * boxes[:, 3], 1.0)


def box_iou(first, second):
    """Intersection over union of every pair of boxes: (len(first), len(second))."""
    a, b = _boxes(first), _boxes(second)
    inter = _intersections(a, b)
    union = (a[:, 2] * a[:, 3])[:, None] + (b[:, 2] * b[:, 3])[None] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0)


def box_coverage(first, second):
    """Share of each box of `first` that each box of `second` covers.

    Parameters
    ----------
    first : (K, 4) array_like
        ``x, y, w, h`` of each box.
    second : (L, 4) array_like

    Returns
    -------
    coverage : (K, L) float ndarray
        ``coverage[i, j]`` is the area of ``first[i]`` inside ``second[j]``
        over the area of ``first[i]`` (counted as at least one pixel), in
        [0, 1].  Unlike the intersection over union it is not symmetric: a
        large box covers all of a small one, a small one little of a large.

    Examples
    --------
    >>> box_coverage([[0, 0, 10, 10]], [[0, 0, 10, 4], [-5, -5, 30, 30]]).tolist()
    [[0.4, 1.0]]
    """
    a, b = _boxes(first), _boxes(second)
    return _intersections(a, b) / _areas(a)[:, None]


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


# ------------------------------------------------------------- page truth

def _is_int(value):
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _check_box(box, where, *, least=0):
    """``box`` as a list of four ints ``[x, y, w, h]`` with ``w, h >= least``, or ValueError."""
    if (not isinstance(box, list | tuple | np.ndarray) or len(box) != 4
            or not all(_is_int(v) for v in box) or min(box[2], box[3]) < least):
        raise ValueError(f"{where}: a box must be 4 integers [x, y, w, h] with w and h at "
                         f"least {least}; got {box!r}")
    return [int(v) for v in box]


def _int_column(values, count, name):
    values = np.asarray(values, dtype=np.int64).ravel() if len(values) else np.zeros(0, np.int64)
    if len(values) != count:
        raise ValueError(f"{count} boxes but {len(values)} values of {name}")
    return values


def _read_json(path, *, what, fix):
    """The JSON in ``path``; DataFileError naming the file and the problem otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(f"{path}: no {what} there. {fix}") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise DataFileError(f"{path}: cannot read the {what} ({reason}). {fix}") from None
    if text.startswith("version https://git-lfs"):
        raise DataFileError(f"{path}: is a Git LFS pointer, not the {what}. {fix}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, "
                            f"column {exc.colno}). {fix}") from None


def _json_rows(items):
    """A JSON list with one item per line, indented under a top-level key."""
    if not items:
        return "[]"
    return "[\n    " + ",\n    ".join(json.dumps(item) for item in items) + "\n  ]"


@dataclass(frozen=True, eq=False)
class PageTruth:
    """The right answer for one page: every digit's box, label, line and number.

    Its file is the JSON that ``ocrkit read --json`` prints for the page, with
    every label right: the bundled pages' ``data/handwriting/*.json``, or a
    learner's reading corrected by hand.  :meth:`load` reads and checks one,
    :meth:`save` writes one (one digit per line, so that diffs stay short).

    Attributes
    ----------
    image : str
        File name of the page image; ``''`` when the truth does not say.
    size : (int, int) or None
        Width and height of the page image in pixels, if known.
    boxes : (K, 4) int64 ndarray
        ``x, y, w, h`` of each true digit, in pixels of the page image.
    labels : (K,) int64 ndarray
        The digit 0-9 each box holds; -1 for a digit whose label is not given
        (it is never counted as read right).
    line, number : (K,) int64 ndarray
        Text line of each digit and the number it belongs to, counted from 0
        as in a reading (a number may be counted over the page or within its
        line: digits are grouped by ``(line, number)``); -1 where not given.
    lines : tuple of str
        Text of each line, numbers separated by one space.

    Examples
    --------
    >>> truth = PageTruth.from_json({"digits": [
    ...     {"box": [10, 5, 20, 40], "label": 4, "line": 0, "number": 0},
    ...     {"box": [35, 5, 20, 40], "label": 2, "line": 0, "number": 0}], "lines": ["42"]})
    >>> len(truth), truth.boxes.shape, truth.labels.tolist(), truth.lines
    (2, (2, 4), [4, 2], ('42',))
    """

    image: str
    size: tuple | None
    boxes: np.ndarray
    labels: np.ndarray
    line: np.ndarray
    number: np.ndarray
    lines: tuple = ()

    def __post_init__(self):
        boxes = np.asarray(self.boxes)
        if boxes.size == 0:
            boxes = np.zeros((0, 4), np.int64)
        if boxes.ndim != 2 or boxes.shape[1] != 4:
            raise ValueError(f"boxes must be (K, 4) rows of x, y, w, h; got shape {boxes.shape}")
        columns = {"boxes": boxes.astype(np.int64)}
        for name in ("labels", "line", "number"):
            columns[name] = _int_column(getattr(self, name), len(boxes), name)
        for name, array in columns.items():
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        if self.size is not None:
            object.__setattr__(self, "size", tuple(int(v) for v in self.size))
        object.__setattr__(self, "image", str(self.image))
        object.__setattr__(self, "lines", tuple(str(text) for text in self.lines))

    def __len__(self):
        return len(self.boxes)

    @classmethod
    def from_json(cls, data, *, where="truth"):
        """A page's truth from its JSON dict, checked.

        Parameters
        ----------
        data : dict
            ``{"image": str, "size": [width, height], "digits": [{"box": [x,
            y, w, h], "label": 0-9 or null, "line": int, "number": int}, ...],
            "lines": [str, ...]}``: the schema of ``ocrkit read --json``
            (a digit's ``confidence`` is ignored).  Only ``digits``, each with
            ``box`` and ``label``, is required.
        where : str
            Names the truth in error messages (a file name, say).

        Returns
        -------
        PageTruth

        Raises
        ------
        ValueError
            Naming `where`, the digit and the problem, if `data` is not a
            page's truth.
        """
        if not isinstance(data, dict) or not isinstance(data.get("digits"), list):
            raise ValueError(f"{where}: not a page's truth (expected a JSON object with a "
                             "'digits' list of {'box': [x, y, w, h], 'label': 0-9 or null, "
                             "'line': int, 'number': int})")
        boxes, labels, line, number = [], [], [], []
        for i, digit in enumerate(data["digits"]):
            at = f"{where}: digit {i}"
            if not isinstance(digit, dict) or "box" not in digit or "label" not in digit:
                raise ValueError(f"{at}: expected {{'box': [x, y, w, h], 'label': 0-9 or null, "
                                 f"...}}; got {digit!r}")
            boxes.append(_check_box(digit["box"], at))
            label = digit["label"]
            if label is not None and not (_is_int(label) and 0 <= label <= 9):
                raise ValueError(f"{at}: 'label' must be a digit 0-9 or null; got {label!r}")
            labels.append(UNKNOWN if label is None else int(label))
            for key, column in (("line", line), ("number", number)):
                value = digit.get(key, -1)
                if not _is_int(value) or value < -1:
                    raise ValueError(f"{at}: '{key}' must be an integer, 0 or more; "
                                     f"got {value!r}")
                column.append(int(value))
        lines = data.get("lines", [])
        if not isinstance(lines, list) or not all(isinstance(text, str) for text in lines):
            raise ValueError(f"{where}: 'lines' must be a list of strings; got {lines!r}")
        image = data.get("image", "")
        if not isinstance(image, str):
            raise ValueError(f"{where}: 'image' must be the image's file name; got {image!r}")
        size = data.get("size")
        if size is not None and (not isinstance(size, list | tuple) or len(size) != 2
                                 or not all(_is_int(v) and v > 0 for v in size)):
            raise ValueError(f"{where}: 'size' must be [width, height] in pixels; got {size!r}")
        return cls(image, size, np.array(boxes, np.int64).reshape(-1, 4), labels, line, number,
                   tuple(lines))

    @classmethod
    def load(cls, path):
        """Read and check a page's truth file.

        Parameters
        ----------
        path : str or Path
            The truth's ``.json`` file, or the page image next to it (the
            same name with ``.json``).

        Returns
        -------
        PageTruth

        Raises
        ------
        DataFileError
            On one line naming the file and the problem: missing, not JSON,
            or not a page's truth (which digit, and what is wrong with it).
        """
        path = Path(path)
        if path.suffix.lower() != ".json":
            path = path.with_suffix(".json")
        data = _read_json(path, what="ground-truth file",
                          fix="A page's truth is the JSON that `ocrkit read --json` writes, "
                              "with the labels corrected.")
        try:
            return cls.from_json(data, where=str(path))
        except ValueError as exc:
            raise DataFileError(str(exc)) from None

    def to_json(self):
        """The truth as a JSON-able dict, in the schema of ``ocrkit read --json``.

        Returns
        -------
        dict
            ``image``, ``size`` (``None`` if unknown), ``digits`` (``box``,
            ``label`` (``None`` where not given), ``confidence`` (always 1.0),
            ``line``, ``number``) and ``lines``; every number a Python int.
        """
        return {
            "image": self.image,
            "size": None if self.size is None else list(self.size),
            "digits": [
                {"box": box, "label": None if label == UNKNOWN else label, "confidence": 1.0,
                 "line": line, "number": number}
                for box, label, line, number in zip(self.boxes.tolist(), self.labels.tolist(),
                                                    self.line.tolist(), self.number.tolist())
            ],
            "lines": list(self.lines),
        }

    def save(self, path):
        """Write the truth as JSON text, one digit per line.

        Parameters
        ----------
        path : str or Path
            A ``.json`` file; the bundled pages' truth files are written this
            way, byte for byte.

        Returns
        -------
        Path
            The file written.
        """
        path = Path(path)
        if path.suffix.lower() != ".json":
            raise ValueError(f"{path}: a page's truth is saved as a .json file")
        data = self.to_json()
        path.write_text(
            "{\n"
            f'  "image": {json.dumps(data["image"])},\n'
            f'  "size": {json.dumps(data["size"])},\n'
            f'  "digits": {_json_rows(data["digits"])},\n'
            f'  "lines": {_json_rows(data["lines"])}\n'
            "}\n", encoding="utf-8")
        return path


def _page_truth(truth):
    return truth if isinstance(truth, PageTruth) else PageTruth.from_json(truth)


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
            raise ValueError("a reading must be a PageReading or its to_json() dict, with a "
                             "'digits' list")
        columns = ([], [], [], [])
        for i, digit in enumerate(digits):
            try:
                label = UNKNOWN if digit["label"] is None else int(digit["label"])
                values = (digit["box"], label, int(digit.get("line", -1)),
                          int(digit.get("number", -1)))
            except (KeyError, TypeError, ValueError):
                raise ValueError(f"reading: digit {i} is not {{'box': [x, y, w, h], 'label': "
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
    boxes = _boxes(boxes)
    columns = [_int_column(values, len(boxes), name) for values, name in
               ((labels, "labels"), (line, "line"), (number, "number"))]
    return _Found(boxes, *columns, list(lines))


# ------------------------------------------------------------ page scores

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
        """Every count and share as a JSON-able dict of plain Python values."""
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
        From :meth:`PageTruth.load`, or a truth's JSON dict.
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


# ------------------------------------------------------------- real photos

_HEX = frozenset("0123456789abcdef")
_SOURCE_KEYS = ("repo", "commit", "path", "licence", "copyright", "url")


@dataclass(frozen=True, eq=False, kw_only=True)
class RealPage:
    """A real photo of handwritten digits and its truth, as ``data/real/truth.json`` lists it.

    Attributes
    ----------
    file : str
        The image's file name.
    path : Path or None
        The image, in the folder of the truth file it was loaded from.
    truth : PageTruth
        ``boxes`` (K, 4), approximate (made from the ink's connected
        components, checked by eye), in reading order line by line;
        ``labels`` (K,); ``line`` (K,); ``number`` (K,) counted within each
        line; ``lines``; ``size``.
    accept : tuple of frozenset of int
        One per true digit: the labels read right for it (its label, and for
        a digit that cannot be read with certainty, the other readings
        accepted).
    printed_boxes : (P, 4) int64 ndarray
        Printed digits on the page, which must not be read, but are not
        counted as extra when they are.
    grouping_scored : bool
        Whether the truth's numbers are certain enough to score the grouping
        of digits into numbers (not for evenly spaced digits).
    sha256 : str
        The image file's SHA-256, hex.
    bytes : int
        The image file's size.
    source : dict
        Where the image comes from: ``repo``, ``commit``, ``path``,
        ``licence``, ``copyright``, ``url`` and more.
    notes : str
        What the photo shows and what makes it hard.
    """

    file: str
    path: Path | None = None
    truth: PageTruth
    accept: tuple
    printed_boxes: np.ndarray
    grouping_scored: bool
    sha256: str
    bytes: int
    source: dict
    notes: str = ""

    @classmethod
    def from_entry(cls, entry, *, folder=None, where="real page"):
        """One image's entry of ``data/real/truth.json``, checked.

        Parameters
        ----------
        entry : dict
            ``file``, ``lines`` (digits, numbers separated by one space),
            ``digit_boxes`` (per line, one ``[x, y, w, h]`` per digit),
            ``grouping_scored``, ``sha256``, ``bytes``, ``source``; optional
            ``uncertain`` (``line``, ``digit_index_in_line``, ``truth``,
            ``also_accept``), ``printed_digit_boxes``, ``size_px``,
            ``n_digits``, ``notes``.
        folder : str or Path, optional
            Where the image is.
        where : str
            Names the entry in error messages.

        Returns
        -------
        RealPage

        Raises
        ------
        ValueError
            Naming `where` and the problem.
        """
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: expected a JSON object; got {type(entry).__name__}")
        missing = [key for key in ("file", "lines", "digit_boxes", "grouping_scored", "sha256",
                                   "bytes", "source") if key not in entry]
        if missing:
            raise ValueError(f"{where}: missing {', '.join(repr(k) for k in missing)}")
        name = entry["file"]
        if not isinstance(name, str) or not name or Path(name).name != name:
            raise ValueError(f"{where}: 'file' must be a file name without folders; got {name!r}")
        lines, line_boxes = entry["lines"], entry["digit_boxes"]
        if (not isinstance(lines, list) or not lines or not all(
                isinstance(text, str) and text and all(part.isdigit() and part.isascii()
                                                        for part in text.split(" "))
                for text in lines)):
            raise ValueError(f"{where}: 'lines' must be a non-empty list of lines of digits, "
                             f"numbers separated by one space; got {lines!r}")
        if not isinstance(line_boxes, list) or len(line_boxes) != len(lines):
            raise ValueError(f"{where}: 'digit_boxes' must hold one list of boxes per line "
                             f"({len(lines)} lines)")
        boxes, labels, line, number = [], [], [], []
        for i, (text, row) in enumerate(zip(lines, line_boxes)):
            digits = text.replace(" ", "")
            if not isinstance(row, list) or len(row) != len(digits):
                count = len(row) if isinstance(row, list) else "no list of"
                raise ValueError(f"{where}: line {i} ({text!r}) has {len(digits)} digits but "
                                 f"{count} boxes")
            boxes += [_check_box(box, f"{where}: line {i}", least=1) for box in row]
            labels += [int(d) for d in digits]
            line += [i] * len(digits)
            for n, part in enumerate(text.split(" ")):
                number += [n] * len(part)
        accept = [{label} for label in labels]
        starts = np.cumsum([0] + [len(text.replace(" ", "")) for text in lines]).tolist()
        uncertain = entry.get("uncertain", [])
        if not isinstance(uncertain, list):
            raise ValueError(f"{where}: 'uncertain' must be a list")
        for item in uncertain:
            try:
                i, j = item["line"], item["digit_index_in_line"]
                index = starts[i] + j
                ok = (_is_int(i) and _is_int(j) and 0 <= i < len(lines)
                      and 0 <= j < starts[i + 1] - starts[i]
                      and item["truth"] == str(labels[index])
                      and isinstance(item["also_accept"], list)
                      and all(isinstance(a, str) and len(a) == 1 and a.isdigit()
                              for a in item["also_accept"]))
            except (KeyError, TypeError, IndexError):
                ok = False
            if not ok:
                raise ValueError(f"{where}: an 'uncertain' item must name a digit of the lines "
                                 "({'line': i, 'digit_index_in_line': j, 'truth': that digit, "
                                 f"'also_accept': ['5', ...]}}); got {item!r}")
            accept[index] |= {int(a) for a in item["also_accept"]}
        printed = entry.get("printed_digit_boxes", [])
        if not isinstance(printed, list):
            raise ValueError(f"{where}: 'printed_digit_boxes' must be a list of boxes")
        printed = [_check_box(box, f"{where}: printed digits", least=1) for box in printed]
        if "n_digits" in entry and entry["n_digits"] != len(labels):
            raise ValueError(f"{where}: 'n_digits' says {entry['n_digits']!r} but the lines "
                             f"hold {len(labels)} digits")
        size = entry.get("size_px")
        if size is not None and (not isinstance(size, list) or len(size) != 2
                                 or not all(_is_int(v) and v > 0 for v in size)):
            raise ValueError(f"{where}: 'size_px' must be [width, height]; got {size!r}")
        if not isinstance(entry["grouping_scored"], bool):
            raise ValueError(f"{where}: 'grouping_scored' must be true or false")
        sha256 = entry["sha256"]
        if not isinstance(sha256, str) or len(sha256) != 64 or not set(sha256) <= _HEX:
            raise ValueError(f"{where}: 'sha256' must be 64 lower-case hex digits; got {sha256!r}")
        if not _is_int(entry["bytes"]) or entry["bytes"] <= 0:
            raise ValueError(f"{where}: 'bytes' must be the file's size; got {entry['bytes']!r}")
        source = entry["source"]
        if not isinstance(source, dict) or not all(
                isinstance(source.get(key), str) and source[key] for key in _SOURCE_KEYS):
            raise ValueError(f"{where}: 'source' must give {', '.join(_SOURCE_KEYS)} as text")
        notes = entry.get("notes", "")
        truth = PageTruth(name, size, np.array(boxes, np.int64).reshape(-1, 4), labels, line,
                          number, tuple(lines))
        return cls(file=name, path=None if folder is None else Path(folder) / name, truth=truth,
                   accept=tuple(frozenset(a) for a in accept),
                   printed_boxes=np.array(printed, np.int64).reshape(-1, 4),
                   grouping_scored=entry["grouping_scored"], sha256=sha256,
                   bytes=int(entry["bytes"]), source=dict(source), notes=str(notes))


def load_real_truth(path=None):
    """The real photos and their truth, from ``data/real/truth.json``, checked.

    Parameters
    ----------
    path : str or Path, optional
        The truth file, or the folder holding it; the bundled
        ``data/real/truth.json`` by default.

    Returns
    -------
    pages : list of RealPage
        In the file's order; each page's ``path`` is its image, next to the
        truth file.

    Raises
    ------
    DataFileError
        On one line naming the file and the problem: missing, not JSON, or an
        entry that is not a real page's truth (which image, and what).

    Examples
    --------
    >>> pages = load_real_truth()
    >>> len(pages), sum(len(page.truth) for page in pages)
    (8, 192)
    """
    if path is None:
        from ._paths import DATA_DIR

        path = DATA_DIR / "real"
    path = Path(path)
    if path.is_dir():
        path = path / "truth.json"
    data = _read_json(path, what="truth of the real photos",
                      fix="Restore data/real/truth.json from the repository.")
    if not isinstance(data, dict) or not isinstance(data.get("images"), list) \
            or not data["images"]:
        raise DataFileError(f"{path}: expected a JSON object with a non-empty 'images' list")
    pages, seen = [], set()
    for i, entry in enumerate(data["images"]):
        name = entry.get("file") if isinstance(entry, dict) else None
        where = f"images[{i}]" + (f" ({name})" if isinstance(name, str) else "")
        try:
            page = RealPage.from_entry(entry, folder=path.parent, where=where)
        except ValueError as exc:
            raise DataFileError(f"{path}: {exc}") from None
        if page.file in seen:
            raise DataFileError(f"{path}: {where}: {page.file} is listed twice")
        seen.add(page.file)
        pages.append(page)
    return pages


def score_real_page(truth, reading):
    """Score a reading of a real photo against its approximate truth.

    The truth's boxes are drawn around the ink by hand, so boxes are not
    paired one to one.  For each true digit, the detection covering most of
    its box (:func:`box_coverage`) is looked at:

    - it covers at least :data:`FOUND_COVER` (40 %) of the box: the digit is
      found.  It is ``merged`` if that detection also covers
      :data:`MERGE_COVER` (half) or more of another true digit, else
      ``unsure`` if rejected, ``right`` if its label is one
      :attr:`RealPage.accept` lists, else ``wrong``;
    - only detections covering less touch it: ``fragmented``;
    - none: ``missed``.

    A detection that touches a true digit's box (and covers half of it, or
    lies half inside it) belongs to that digit.  Every other detection is on
    a printed digit (half of it inside a printed digit's box), a piece inside
    a true digit's box (not counted), or ``extra``.  Lines, and numbers where
    :attr:`RealPage.grouping_scored`, are judged on the digits found.

    Parameters
    ----------
    truth : RealPage or dict
        From :func:`load_real_truth`, or one entry of its file.
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
    true_boxes = _boxes(truth.boxes)
    inter = _intersections(true_boxes, found.boxes)  # (K, N)
    cover = inter / _areas(true_boxes)[:, None]  # share of each true box a detection covers
    inside = inter / _areas(found.boxes)[None]  # share of each detection inside a true box
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
    in_a_digit = (inter > 0).any(axis=0)
    rest = ~belongs
    return PageScore(
        image=page.file, truth_digits=len(truth), detections=n, **counts,
        extra=int(np.count_nonzero(rest & ~on_printed & ~in_a_digit)),
        on_printed=int(np.count_nonzero(rest & on_printed)),
        truth_lines=len(truth.lines), lines_right=_lines_right(truth.lines, found.lines),
        **_grouping_errors(pairs, truth, found, numbers=page.grouping_scored),
        numbers_scored=page.grouping_scored, confusions=tuple(confusions))
