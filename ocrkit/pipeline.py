"""Reading a page: every stage composed, from an image to digits and text.

:func:`read_page` is what ``ocrkit read`` and the notebooks call::

    image -> to_grey -> (resample) -> flatten_illumination -> binarize
          -> segment_digits -> normalize_digits -> classifier -> PageReading

One set of default settings serves scans and phone photos alike: every size
in the chain is measured on the page (stroke width, digit height), none is a
fixed number of pixels.

A 300-dpi page has far more pixels than its digits need: a digit 6 mm tall
is about 70 px high, and the classifier sees it at 20. So a large page is
first looked at in an eighth-size copy to measure its digits, and then read
at the resolution where they are about :data:`WORKING_DIGIT_HEIGHT` pixels
tall (:func:`working_scale`); boxes are reported in the page's own pixels.
"""

from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from .classify import UNKNOWN
from .normalize import UPRIGHT_BELOW, normalize_digits, turn_upright
from .paper import boxes_to_image, find_sheet, rectify
from .preprocess import _writing_is_light, binarize, flatten_illumination, to_grey
from .render import draw_annotations, draw_digits, draw_explanation
from .segment import connected_components, segment_digits

__all__ = ["PageReading", "read_page", "format_lines", "working_scale", "WORKING_DIGIT_HEIGHT"]

#: Height in pixels that digits are brought down to before segmentation:
#: about twice the 20 px a digit is normalised into, so that gaps between the
#: parts of a broken digit and the thin necks between touching digits survive.
WORKING_DIGIT_HEIGHT = 40
# The quick look is at an eighth of the page's size, and only pages whose
# shorter side is at least _QUICK_MIN_SIDE px get one: a 300-dpi A4 page does,
# a phone screenshot does not.
_QUICK_HALVINGS = 3
_QUICK_SCALE = 0.5**_QUICK_HALVINGS
_QUICK_MIN_SIDE = 1600
# Never below half size: if the quick look misjudged the digits (a page of
# large scribbles over small digits), half size still keeps them readable.
_MIN_SCALE = 0.5
# Resampling by less than this gains too little to be worth its cost.
_MAX_SCALE = 0.8


def working_scale(grey, *, digit_height=WORKING_DIGIT_HEIGHT):
    """Scale factor at which to read a page: its digits about `digit_height` px tall.

    Parameters
    ----------
    grey : (M, N) uint8 ndarray
        Dark ink on light paper (:func:`ocrkit.preprocess.to_grey`).
    digit_height : float
        Height the digits should have after scaling.

    Returns
    -------
    scale : float
        In ``[0.5, 1]``. 1 (read at full size) for pages whose shorter side is
        under 1600 px, for pages where an eighth-size copy shows no digits,
        and where the digits are less than 1.25 times `digit_height` tall.

    Examples
    --------
    >>> page = np.full((2000, 1600), 255, np.uint8)
    >>> for x in range(200, 1400, 150):  # bars 200 px tall and 30 px wide
    ...     page[400:600, x:x + 30] = 0
    >>> round(working_scale(page), 2)
    0.5
    >>> working_scale(page[:1000])  # too small to be worth it
    1.0
    """
    rows, cols = grey.shape[:2]
    if min(rows, cols) < _QUICK_MIN_SIDE:
        return 1.0
    # Halvings: OpenCV averages 2x2 blocks far faster than larger ones.
    quick = grey
    for _ in range(_QUICK_HALVINGS):
        quick = cv2.resize(quick, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    height = _typical_height(binarize(flatten_illumination(quick)))
    if height == 0:
        return 1.0
    scale = digit_height * _QUICK_SCALE / height
    return 1.0 if scale > _MAX_SCALE else max(scale, _MIN_SCALE)


def _typical_height(ink):
    """Height of the components that hold half of the writing's ink, or 0.

    Weighting each component's height by its ink makes the many specks of a
    scan count for little; page borders and ruled lines are left out as in
    :func:`ocrkit.segment.segment_digits`.
    """
    rows, cols = ink.shape
    _, stats = connected_components(ink)
    x, y, w, h, area = stats.T
    writing = (w <= 0.5 * cols) & (h <= 0.5 * rows) & (w <= 3 * h)
    if not writing.any():
        return 0.0
    order = np.argsort(h[writing])
    ink_so_far = np.cumsum(area[writing][order])
    return float(h[writing][order][np.searchsorted(ink_so_far, ink_so_far[-1] / 2)])


def _resample(grey, scale):
    if scale == 1:
        return grey
    rows, cols = grey.shape
    size = (max(1, round(cols * scale)), max(1, round(rows * scale)))
    # Bilinear, not area averaging: at scales of 0.5 and up each new pixel
    # still draws on every old one, and OpenCV's area averaging is eight
    # times slower at scales that are not 1/n.
    return cv2.resize(grey, size, interpolation=cv2.INTER_LINEAR)


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
        :func:`working_scale`), or to the sheet when it was straightened.
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
        chooses it from the digits' size (:func:`working_scale`), 1 reads
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
    grey, sheet = _page_grey(image)
    if scale == "auto":
        scale = working_scale(grey)
    elif not (isinstance(scale, int | float) and 0 < scale <= 1):
        raise ValueError(f"scale must be 'auto' or a number in (0, 1], got {scale!r}")
    on_sheet = None
    if sheet is not None and sheet.corners is not None:
        # A sheet with a clear outline is straightened (and scaled) in one warp.
        work, to_work = rectify(grey, sheet.corners, scale=scale)
    else:
        if sheet is not None:
            # Only the sheet is read: what lies around it becomes paper, so
            # that the desk does not darken the light measured near the edge,
            # and the paper's own level and noise are measured on the sheet.
            grey = np.where(sheet.mask, grey, np.uint8(np.median(grey[sheet.mask])))
        work = _resample(grey, scale)
        to_work = np.diag([work.shape[1] / grey.shape[1], work.shape[0] / grey.shape[0], 1.0])
        if sheet is not None:
            on_sheet = cv2.resize(sheet.mask.view(np.uint8), work.shape[::-1],
                                  interpolation=cv2.INTER_NEAREST).view(bool)
    if flatten:
        work = flatten_illumination(work)
    ink = binarize(work, method=method, paper=on_sheet)

    def saturation():
        # Only asked for when the page has words: the colour of their ink.
        colour = _saturation(image)
        return None if colour is None else cv2.warpPerspective(
            colour, to_work, ink.shape[::-1], flags=cv2.INTER_NEAREST)

    found = segment_digits(ink, merge=merge, split=split,
                           scorer=model.scorer(stroke_width=stroke_width), saturation=saturation)
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
        notice = ("no digits found: the page looks blank" if not ink.any()
                  else "no digits found: no ink of digit size (is the page dark all over?)")
    return PageReading(image, name, boxes, labels, confidence, found.line, found.number,
                       digits, ink, model.reject_below, notice, dropped, guesses,
                       float(scale), sheet, to_work)


def _saturation(image):
    """HSV saturation (0-255) of a colour image, or None for a grey one."""
    if image.ndim != 3 or image.shape[2] < 3 or image.dtype != np.uint8:
        return None
    return cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2HSV)[..., 1]


def _page_grey(image):
    """The page in grey, dark ink on light paper, and the sheet found in it (or None).

    A light sheet on a darker surface is written dark on light; otherwise
    the writing decides (:func:`ocrkit.preprocess.to_grey`).
    """
    grey = to_grey(image, invert=False)
    sheet = find_sheet(grey)
    if sheet is None and _writing_is_light(grey):
        grey = 255 - grey
    return grey, sheet
