"""Checking a page reading against the right answers, and learning from corrections.

A classifier trained on MNIST misreads some of a writer's digits, usually the
same way every time (a "1" written with a flag read as a "7").  The learner
knows the right answers: each digit they correct becomes a labelled training
sample in their own hand, and a classifier retrained with those samples reads
the digits they did *not* correct better too.

A page's ground truth (a JSON file in the schema of ``ocrkit read --json``,
next to each bundled page) is a :class:`ocrkit.truth.PageTruth`, and a reading
is scored against it by :func:`ocrkit.evaluate.score_page`.  Here the truth
helps to correct:

:func:`true_labels`
    the true label of each digit a reading found: boxes are paired one to
    one, highest intersection over union first, if it is at least 0.5
    (:func:`ocrkit.evaluate.match_boxes`).
:func:`review_order`
    the digits to show the learner first: those the classifier rejected, then
    the least confident.
:func:`corrections_from_choices`
    the labels a learner chose (in a widget) that differ from the reading.
:func:`corrections_from_truth`
    the corrections a careful learner would make, taken from the ground truth.
:func:`collect_corrections`
    corrected digits as a :class:`Corrections`, a labelled set of digits that
    :func:`ocrkit.training.train_with_sheets` takes like a sheet.
:func:`retrain`
    a classifier trained with the corrections added (and any sheets).
:func:`changed_digits`
    the digits two readings of one page read differently.
:func:`retrain_and_reread`
    the three steps after a learner's corrections: collect them, retrain, and
    read the page again, with what now reads differently.

The functions that take a truth take it first, as every scoring function
does: ``true_labels(truth, reading)``.  Every number they return is a plain
Python ``int`` or ``float``.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np

from .classify import UNKNOWN
from .errors import OptionError
from .evaluate import IOU_MATCH, match_boxes
from .truth import PageTruth, _page_truth

__all__ = [
    "Corrections",
    "changed_digits",
    "collect_corrections",
    "corrections_from_choices",
    "corrections_from_truth",
    "retrain",
    "retrain_and_reread",
    "review_order",
    "true_labels",
]


def _truth_first(truth, reading, function):
    """``(PageTruth, reading)``; a reading given first, as ocrkit 0.1 took it, with a warning."""
    if not isinstance(truth, PageTruth | dict) and isinstance(reading, PageTruth | dict):
        warnings.warn(f"{function}() takes the truth first: {function}(truth, reading, ...)",
                      DeprecationWarning, stacklevel=3)
        truth, reading = reading, truth
    return _page_truth(truth), reading


def true_labels(truth, reading, *, threshold=IOU_MATCH):
    """The true label of each digit a reading found.

    Parameters
    ----------
    truth : PageTruth or dict
        From :meth:`ocrkit.truth.PageTruth.load`, or a truth's JSON dict.
    reading : PageReading
        From :func:`ocrkit.pipeline.read_page` (anything with ``boxes``).
    threshold : float
        Smallest intersection over union of a found and a true box.

    Returns
    -------
    labels : (K,) int ndarray
        One per found box; -1 for a box that is no true digit (or a true
        digit without a label).

    Raises
    ------
    OptionError
        If `truth` is not a page's truth.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> truth = {"digits": [{"box": [0, 0, 10, 10], "label": 4}]}
    >>> true_labels(truth, SimpleNamespace(boxes=[[50, 0, 10, 10], [1, 0, 10, 10]])).tolist()
    [-1, 4]
    """
    truth, reading = _truth_first(truth, reading, "true_labels")
    labels = np.full(len(reading.boxes), UNKNOWN, dtype=int)
    for t, f in match_boxes(truth.boxes, reading.boxes, threshold=threshold):
        labels[f] = int(truth.labels[t])
    return labels


def review_order(reading, *, limit=None):
    """The digits to show the learner first: rejected ones, then the least confident.

    Parameters
    ----------
    reading : PageReading
        Anything with ``labels`` and ``confidence``.
    limit : int, optional
        Return at most this many.

    Returns
    -------
    indices : list of int
        Digit indices, most doubtful first; equal confidences keep reading
        order.

    Raises
    ------
    OptionError
        If `limit` is negative, or the reading has not one confidence per
        label.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> reading = SimpleNamespace(labels=[3, -1, 7, 1], confidence=[0.9, 0.2, 0.5, 0.5])
    >>> review_order(reading)
    [1, 2, 3, 0]
    """
    labels = np.asarray(reading.labels).ravel()
    confidence = np.asarray(reading.confidence, dtype=float).ravel()
    if len(labels) != len(confidence):
        raise OptionError(f"{len(labels)} labels but {len(confidence)} confidences")
    order = np.lexsort((np.arange(len(labels)), confidence, labels != UNKNOWN))
    if limit is not None:
        if limit < 0:
            raise OptionError(f"limit must be 0 or more, got {limit}")
        order = order[:limit]
    return [int(i) for i in order]


def _check_label(label, where):
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or not 0 <= label <= 9:
        raise OptionError(f"{where}: a label must be a digit 0-9, got {label!r}")
    return int(label)


def _check_index(index, count):
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) \
            or not 0 <= index < count:
        raise OptionError(f"digit index {index!r} is not one of the page's {count} digits "
                         f"(0 to {count - 1})")
    return int(index)


def corrections_from_choices(reading, choices):
    """The labels a learner chose that differ from what the reading says.

    Parameters
    ----------
    reading : PageReading
        Anything with ``labels``.
    choices : dict of int to int or None
        Digit index to the label the learner chose; ``None`` or -1 means "no
        choice" (left as it was, or not sure).

    Returns
    -------
    corrections : dict of int to int
        Digit index to its right label, only where it differs from the
        reading's label, in index order.

    Raises
    ------
    OptionError
        If a digit index is not the reading's, or a label not a digit 0-9.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> reading = SimpleNamespace(labels=[7, -1, 3])
    >>> corrections_from_choices(reading, {0: 1, 1: 4, 2: 3})
    {0: 1, 1: 4}
    """
    labels = np.asarray(reading.labels).ravel()
    corrections = {}
    for index, label in sorted(dict(choices).items()):
        index = _check_index(index, len(labels))
        if label is None or label == UNKNOWN:
            continue
        label = _check_label(label, f"digit {index}")
        if label != int(labels[index]):
            corrections[index] = label
    return corrections


def corrections_from_truth(truth, reading, *, among=None, threshold=IOU_MATCH):
    """The corrections a careful learner would make, taken from the page's truth.

    Parameters
    ----------
    truth : PageTruth or dict
        From :meth:`ocrkit.truth.PageTruth.load`, or a truth's JSON dict.
    reading : PageReading
        Anything with ``boxes`` and ``labels``.
    among : sequence of int, optional
        Only these digits (those shown to the learner); all by default.
    threshold : float
        Smallest intersection over union of a found and a true box.

    Returns
    -------
    corrections : dict of int to int
        Digit index to its true label, for every digit (among ``among``) that
        is a true digit and was read as another label or rejected.

    Raises
    ------
    OptionError
        If `truth` is not a page's truth, or `among` names a digit the
        reading does not have.
    """
    truth, reading = _truth_first(truth, reading, "corrections_from_truth")
    truth_of = true_labels(truth, reading, threshold=threshold)
    indices = range(len(truth_of)) if among is None else sorted(
        _check_index(i, len(truth_of)) for i in among)
    return {int(i): int(truth_of[i]) for i in indices
            if truth_of[i] != UNKNOWN and truth_of[i] != reading.labels[i]}


@dataclass
class Corrections:
    """Digits of a page with the labels a learner gave them: extra training samples.

    :func:`ocrkit.training.train_with_sheets` takes it like a sheet.

    Attributes
    ----------
    digits : (N, 28, 28) uint8 ndarray
        The normalised digits, as the classifier saw them.
    labels : (N,) int ndarray
        The right labels.
    indices : (N,) int ndarray
        Where each digit is in the reading.
    was : (N,) int ndarray
        What the reading said (-1: rejected).
    name : str
    """

    digits: np.ndarray
    labels: np.ndarray
    indices: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    was: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    name: str = "corrections"

    def __len__(self):
        return len(self.labels)

    def summary(self):
        """How many digits were corrected, and from what to what.

        Returns
        -------
        summary : str
            One line.
        """
        if not len(self):
            return f"{self.name}: no corrections"
        changes = ", ".join(f"{'?' if w == UNKNOWN else w}->{label}"
                            for w, label in zip(self.was.tolist(), self.labels.tolist()))
        return f"{self.name}: {len(self)} digit(s) corrected ({changes})"


def collect_corrections(reading, corrections, *, name=None):
    """Gather corrected digits into extra training samples.

    Parameters
    ----------
    reading : PageReading
        The reading the corrections refer to (its ``digits`` are used).
    corrections : dict of int to int
        Digit index to its right label (from :func:`corrections_from_choices`
        or :func:`corrections_from_truth`).
    name : str, optional
        Name recorded in the trained model; ``'corrections of <page>'`` by
        default.

    Returns
    -------
    Corrections

    Raises
    ------
    OptionError
        If a digit index is not the reading's, or a label not a digit 0-9.
    """
    digits = np.asarray(reading.digits)
    count = len(digits)
    items = sorted((_check_index(i, count), _check_label(label, f"digit {i}"))
                   for i, label in dict(corrections).items())
    indices = np.array([i for i, _ in items], dtype=int)
    labels = np.array([label for _, label in items], dtype=int)
    was = np.asarray(reading.labels, dtype=int).ravel()[indices]
    return Corrections(digits[indices].astype(np.uint8).reshape(-1, 28, 28), labels, indices, was,
                       name or f"corrections of {getattr(reading, 'name', '<array>')}")


def retrain(corrections, *, sheets=(), **options):
    """Train a classifier with the corrected digits added (and any sheets).

    Parameters
    ----------
    corrections : Corrections or sequence of Corrections
        From :func:`collect_corrections`; empty ones are skipped.
    sheets : Sheet or sequence of Sheet
        Sheets of the same hand to train on as well (:func:`ocrkit.sheets.load_sheet`).
    **options
        Passed to :func:`ocrkit.training.train_with_sheets` (``n_mnist``,
        ``mnist``, ``kind``, ``augment``, ``sheet_weight``, ``seed``,
        ``progress``...).  The corrections count as sheet digits: augmented,
        and weighted together with the sheets.

    Returns
    -------
    DigitClassifier

    Raises
    ------
    OptionError
        If there is nothing of the learner's to train on, or an option is
        not one :func:`~ocrkit.training.train_with_sheets` takes.
    """
    from .training import train_with_sheets

    if isinstance(corrections, Corrections):
        corrections = [corrections]
    if hasattr(sheets, "digits"):
        sheets = [sheets]
    parts = [s for s in list(sheets) + list(corrections) if len(s.labels)]
    if not parts:
        raise OptionError("nothing to learn from: correct at least one digit "
                         "(or give a sheet)")
    return train_with_sheets(parts, **options)


def changed_digits(before, after, *, threshold=IOU_MATCH):
    """The digits another reading of the same page reads differently.

    Parameters
    ----------
    before, after : PageReading
        Two readings of one page, say with two classifiers.  Their boxes are
        paired as by :func:`match_boxes` (a classifier also helps to cut
        touching digits apart, so the boxes may differ a little).
    threshold : float
        Smallest intersection over union of two paired boxes.

    Returns
    -------
    changes : dict of int to int
        Index of a digit in ``before`` to the label ``after`` gives it, for
        every digit read differently, in index order; -1 where ``after``
        rejected it or found no digit there.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> boxes = [[0, 0, 5, 5], [9, 0, 5, 5], [18, 0, 5, 5]]
    >>> changed_digits(SimpleNamespace(boxes=boxes, labels=[7, 1, 4]),
    ...                SimpleNamespace(boxes=boxes[:2], labels=[1, 1]))
    {0: 1, 2: -1}
    """
    new = np.full(len(before.boxes), UNKNOWN, dtype=int)
    for b, a in match_boxes(before.boxes, after.boxes, threshold=threshold):
        new[b] = int(after.labels[a])
    old = np.asarray(before.labels, dtype=int).ravel()
    return {int(i): int(new[i]) for i in np.flatnonzero(old != new)}


def retrain_and_reread(reading, corrections, *, sheets=(), **options):
    """Learn a learner's corrections and read the page again.

    :func:`collect_corrections`, :func:`retrain`, then
    :func:`ocrkit.pipeline.read_page` on the same image, and
    :func:`changed_digits` between the two readings.

    Parameters
    ----------
    reading : PageReading
        The reading the corrections refer to (its ``image`` is read again).
    corrections : dict of int to int
        Digit index to its right label (:func:`corrections_from_choices`,
        :func:`corrections_from_truth`).
    sheets : Sheet or sequence of Sheet
        Sheets of the same hand to train on as well.
    **options
        Passed to :func:`retrain` (``n_mnist``, ``progress``...).

    Returns
    -------
    fixes : Corrections
        The corrected digits.
    again : PageReading
        The page read with the retrained classifier.
    changed : dict of int to int
        Index of a digit in `reading` to its new label, for every digit read
        differently (:func:`changed_digits`).

    Raises
    ------
    OptionError
        If there is nothing to learn from (no correction and no sheet).
    """
    from .pipeline import read_page

    fixes = collect_corrections(reading, corrections)
    model = retrain(fixes, sheets=sheets, **options)
    again = read_page(reading.image, model=model, name=reading.name)
    return fixes, again, changed_digits(reading, again)
