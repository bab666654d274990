"""Reading a page: every stage composed, from an image to digits and text.

:func:`read_page` is what ``ocrkit read`` and the notebooks call::

    image -> page_ink -> segment_digits -> normalize_digits -> classifier -> PageReading

(:func:`ocrkit.ink.page_ink` is the preprocessing: grey, the sheet, the
working resolution, flattening, binarisation.) One set of default settings
serves scans and phone photos alike: every size in the chain is measured on
the page (stroke width, digit height), none is a fixed number of pixels.
Boxes are reported in the page's own pixels.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from .classify import UNKNOWN
from .ink import page_ink
from .normalize import UPRIGHT_BELOW, normalize_digits, turn_upright
from .paper import boxes_to_image
from .render import draw_annotations, draw_digits, draw_explanation
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
    ink : (m, n) bool ndarray
        The binarised page, at ``scale`` times the image's size.
    notice : str or None
        Why nothing was found, when nothing was.
    dropped : list of (box, reason)
        Ink that was not taken for a digit (see :class:`ocrkit.segment.Segmentation`).
    guesses : (K,) int ndarray
        The classifier's best label for every digit, unsure ones included;
        the annotated page shows them with a ``?``.
    scale : float
        The resolution the page was read at, relative to the image (see
        :func:`ocrkit.ink.working_scale`), or to the sheet when it was straightened.
    sheet : Sheet or None
        The sheet of paper found in a photo (:func:`ocrkit.paper.find_sheet`);
        None when the whole image is paper.
    to_work : (3, 3) float ndarray
        The homography from the image's pixels to the pixels of ``ink``
        (straightening the sheet, then scaling).
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
    scale: float = 1.0
    sheet: object = None
    to_work: np.ndarray = field(default_factory=lambda: np.eye(3))

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

    def explained(self):
        """Why each piece of ink was or was not read: (M, N, 3) uint8.

        The page faded, with the sheet found (if any), the ink, the digits
        read and every dropped piece coloured by its reason, and a legend
        (:func:`ocrkit.render.draw_explanation`).
        """
        outline = None if self.sheet is None else self.sheet.outline
        return draw_explanation(self.image, ink=self.ink, to_work=self.to_work,
                                boxes=self.boxes, dropped=self.dropped, sheet_outline=outline)

    def digits_image(self):
        """The recognised digits alone on white, where they were written: (M, N, 3) uint8."""
        return draw_digits(self.image.shape, self.boxes, self.labels)

    def __repr__(self):
        return (f"PageReading({self.name!r}, {len(self.boxes)} digits, "
                f"lines={self.lines!r})")


def read_page(image, *, model=None, method="contrast", flatten=True, merge=True, split=True,
              stroke_width=None, scale="auto", name=None):
    """Find and recognise the handwritten digits on a page.

    Parameters
    ----------
    image : str, Path or (M, N[, 3]) ndarray
        A file (read with :func:`ocrkit.imageio.read_image`) or an image array.
    model : DigitClassifier, optional
        The default is :func:`ocrkit.models.default_model` (HOG + SVM on MNIST).
    method : {'contrast', 'otsu', 'sauvola', 'adaptive_mean', 'adaptive_gaussian', 'fixed'}
        Binarisation (see :func:`ocrkit.preprocess.binarize`).
    flatten : bool
        Divide out uneven lighting first (:func:`ocrkit.preprocess.flatten_illumination`).
    merge, split : bool
        Join broken digits; cut touching ones (see :func:`ocrkit.segment.segment_digits`).
    stroke_width : float, optional
        Make every digit's strokes about this many pixels wide at 28x28.
    scale : float or 'auto'
        Resolution to read the page at, relative to the image: ``'auto'``
        chooses it from the digits' size (:func:`ocrkit.ink.working_scale`), 1 reads
        every pixel. Boxes are always in the image's pixels.
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
    page = page_ink(image, method=method, flatten=flatten, scale=scale)
    ink, to_work = page.ink, page.to_work

    def saturation():
        # Only asked for when the page has words: the colour of their ink.
        if np.array_equal(to_work, np.eye(3)):
            # Read in the image's own pixels: only the ink's colour is looked at.
            return _saturation(image, where=ink)
        colour = _saturation(image)
        if colour is None:
            return None
        return cv2.warpPerspective(colour, to_work, ink.shape[::-1], flags=cv2.INTER_NEAREST)

    straightened = page.sheet is not None and page.sheet.corners is not None
    found = segment_digits(ink, merge=merge, split=split, grey=page.grey,
                           scorer=model.scorer(stroke_width=stroke_width), saturation=saturation,
                           sheet_edges=straightened)
    boxes = boxes_to_image(found.boxes, to_work, image.shape)
    dropped_boxes = boxes_to_image([box for box, _ in found.dropped], to_work, image.shape)
    dropped = [(tuple(box.tolist()), reason)
               for box, (_, reason) in zip(dropped_boxes, found.dropped)]
    masks = found.masks
    if abs(found.angle) >= UPRIGHT_BELOW:
        # A camera held at a slant turns the digits with their line.
        masks = [turn_upright(mask, found.angle) for mask in masks]
    digits = normalize_digits(masks, stroke_width=stroke_width)
    if len(found):
        guesses, labels, confidence = model.read(digits)
        notice = None
    else:
        guesses, labels, confidence = np.zeros(0, int), np.zeros(0, int), np.zeros(0)
        notice = _nothing_found(ink, dropped)
    return PageReading(image, name, boxes, labels, confidence, found.line, found.number,
                       digits, ink, model.reject_below, notice, dropped, guesses,
                       page.scale, page.sheet, to_work)


def _nothing_found(ink, dropped):
    """Why a page gave no digits, in one line that says where to look."""
    if not ink.any():
        return "no digits found: the page looks blank"
    counts = Counter(reason for _, reason in dropped)
    left_out = ", ".join(f"{count} {reason}" for reason, count in counts.most_common(3))
    return ("no digits found: no piece of ink was taken for a digit"
            + (f" ({left_out})" if left_out else "")
            + "; ocrkit read --explain (PageReading.explained()) draws each piece and why")


def _saturation(image, where=None):
    """HSV saturation (0-255) of a colour image, or None for a grey one.

    With ``where`` (a bool mask of the image's shape), only those pixels are
    converted and the rest are 0: OpenCV's conversion is per pixel, so
    they get the numbers the whole image's conversion would give.
    """
    if image.ndim != 3 or image.shape[2] < 3 or image.dtype != np.uint8:
        return None
    if where is None:
        return cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2HSV)[..., 1]
    picked = np.flatnonzero(where)
    colours = image[..., :3].reshape(-1, 3)[picked]
    saturation = np.zeros(where.shape, np.uint8)
    if picked.size:
        hsv = cv2.cvtColor(np.ascontiguousarray(colours).reshape(-1, 1, 3), cv2.COLOR_RGB2HSV)
        saturation.ravel()[picked] = hsv[:, 0, 1]
    return saturation
