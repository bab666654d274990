"""Reading a page: every stage composed, from an image to digits and text.

:func:`read_page` is what ``ocrkit read`` and the notebooks call::

    image -> to_grey -> flatten_illumination -> binarize -> segment_digits
          -> normalize_digits -> classifier -> PageReading

One set of default settings serves scans and phone photos alike: every size
in the chain is measured on the page (stroke width, digit height), none is a
fixed number of pixels.
"""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .classify import UNKNOWN
from .features import extract_features
from .normalize import normalize_digits
from .preprocess import binarize, find_paper, flatten_illumination, to_grey
from .render import draw_annotations, draw_digits
from .segment import segment_digits

__all__ = ["PageReading", "read_page", "format_lines"]


def format_lines(labels, line, number):
    """Text of each line: digits concatenated, numbers separated by a space, ``?`` unknown."""
    texts = []
    for i, label in enumerate(labels):
        char = "?" if label < 0 else str(int(label))
        if i == 0 or line[i] != line[i - 1]:
            texts.append(char)
        elif number[i] != number[i - 1]:
            texts[-1] += " " + char
        else:
            texts[-1] += char
    return texts


@dataclass
class PageReading:
    """What :func:`read_page` found on one page.

    Attributes
    ----------
    image : (M, N) or (M, N, 3) uint8 ndarray
        The page as read.
    name : str
        File name, or ``'<array>'``.
    boxes : (K, 4) int ndarray
        ``x, y, w, h`` of each digit, in reading order.
    labels : (K,) int ndarray
        Recognised digit, -1 where the classifier was not sure enough.
    confidence : (K,) float ndarray
    line, number : (K,) int ndarray
        Text line and number of each digit (see :func:`ocrkit.segment.reading_order`).
    digits : (K, 28, 28) uint8 ndarray
        The normalised digits the classifier saw.
    ink : (M, N) bool ndarray
        The binarised page.
    notice : str or None
        Why nothing was found, when nothing was.
    dropped : list of (box, reason)
        Ink that was not taken for a digit (see :class:`ocrkit.segment.Segmentation`).
    guesses : (K,) int ndarray
        The classifier's best label for every digit, unsure ones included;
        the annotated page shows them with a ``?``.
    """

    image: np.ndarray
    name: str
    boxes: np.ndarray
    labels: np.ndarray
    confidence: np.ndarray
    line: np.ndarray
    number: np.ndarray
    digits: np.ndarray
    ink: np.ndarray
    reject_below: float = 0.0
    notice: str | None = None
    dropped: list = field(default_factory=list)
    guesses: np.ndarray | None = None

    @property
    def lines(self):
        """Text of each line in reading order."""
        return format_lines(self.labels, self.line, self.number)

    def to_json(self):
        """The result as the JSON-able dict ``ocrkit read --json`` prints."""
        rows, cols = self.image.shape[:2]
        return {
            "image": self.name,
            "size": [int(cols), int(rows)],
            "digits": [
                {
                    "box": [int(v) for v in box],
                    "label": None if label == UNKNOWN else int(label),
                    "confidence": round(float(conf), 4),
                    "line": int(line),
                    "number": int(number),
                }
                for box, label, conf, line, number in zip(
                    self.boxes, self.labels, self.confidence, self.line, self.number)
            ],
            "lines": self.lines,
        }

    def annotated(self):
        """The page with boxes and predicted digits: (M, N, 3) uint8."""
        labels = self.labels if self.guesses is None else self.guesses
        return draw_annotations(self.image, self.boxes, labels, self.confidence,
                                reject_below=self.reject_below)

    def digits_image(self):
        """The recognised digits alone on white, where they were written: (M, N, 3) uint8."""
        return draw_digits(self.image.shape, self.boxes, self.labels)

    def __repr__(self):
        return (f"PageReading({self.name!r}, {len(self.boxes)} digits, "
                f"lines={self.lines!r})")


def read_page(image, *, model=None, method="otsu", flatten=True, merge=True, split=True,
              stroke_width=None, name=None):
    """Find and recognise the handwritten digits on a page.

    Parameters
    ----------
    image : str, Path or (M, N[, 3]) ndarray
        A file (read with :func:`ocrkit.imageio.read_image`) or an image array.
    model : DigitClassifier, optional
        The default is :func:`ocrkit.models.default_model` (HOG + SVM on MNIST).
    method : {'otsu', 'sauvola', 'adaptive_mean', 'adaptive_gaussian', 'fixed'}
        Binarisation (see :func:`ocrkit.preprocess.binarize`).
    flatten : bool
        Divide out uneven lighting first (:func:`ocrkit.preprocess.flatten_illumination`).
    merge, split : bool
        Join broken digits; cut touching ones (see :func:`ocrkit.segment.segment_digits`).
    stroke_width : float, optional
        Make every digit's strokes about this many pixels wide at 28x28.
    name : str, optional
        Name used in the JSON; the file name by default.

    Returns
    -------
    PageReading
    """
    if isinstance(image, str | Path):
        from .imageio import read_image

        name = name or Path(image).name
        image = read_image(image)
    image = np.asarray(image)
    name = name or "<array>"
    if model is None:
        from .models import default_model

        model = default_model()
    grey = to_grey(image)
    paper = find_paper(grey)
    if flatten:
        grey = flatten_illumination(grey)
    ink = binarize(grey, method=method)
    if paper is not None:
        ink &= paper

    def scorer(masks):
        digits = normalize_digits(masks, stroke_width=stroke_width)
        return model.predict_confidence(digits)[1]

    found = segment_digits(ink, merge=merge, split=split, scorer=scorer)
    digits = normalize_digits(found.masks, stroke_width=stroke_width)
    if len(found):
        guesses, confidence, _ = model.scores(extract_features(digits, model.features))
        labels = np.where(confidence >= model.reject_below, guesses, UNKNOWN)
        notice = None
    else:
        guesses, labels, confidence = np.zeros(0, int), np.zeros(0, int), np.zeros(0)
        notice = ("no digits found: the page looks blank" if not ink.any()
                  else "no digits found: no ink of digit size (is the page dark all over?)")
    return PageReading(image, name, found.boxes, labels, confidence, found.line, found.number,
                       digits, ink, model.reject_below, notice, found.dropped, guesses)
