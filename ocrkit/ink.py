"""From a page image to its ink: the preprocessing stages composed once.

Every reader of a page starts the same way, and :func:`page_ink` is that
start::

    image -> to_grey -> find_sheet -> rectify or resample -> flatten_illumination -> binarize
          -> (ruled lines slanted, no sheet edge: turn the page and its ink level)

:func:`ocrkit.pipeline.read_page` and both sheet readers
(:mod:`ocrkit.sheets`) call it; each stage is a public function of
:mod:`ocrkit.preprocess` or :mod:`ocrkit.paper` that the notebooks show on
its own.

A 300-dpi page has far more pixels than its digits need: a digit 6 mm tall
is about 70 px high, and the classifier sees it at 20. So a large page is
first looked at in an eighth-size copy to measure its digits, and then read
at the resolution where they are about :data:`WORKING_DIGIT_HEIGHT` pixels
tall (:func:`working_scale`).
"""

from dataclasses import dataclass

import cv2
import numpy as np

from ._small import grey_median
from .errors import OptionError
from .paper import Sheet, find_sheet, rectify
from .preprocess import _writing_is_light, binarize, flatten_illumination, to_grey
from .ruled import ruled_slant
from .segment import connected_components, typical_digit_height

__all__ = ["PageInk", "page_ink", "working_scale", "WORKING_DIGIT_HEIGHT"]

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


@dataclass
class PageInk:
    """A page made ready for segmentation.

    Attributes
    ----------
    grey : (m, n) uint8 ndarray
        The page in grey at the working resolution, dark ink on light paper,
        before flattening: the sheet alone when it was straightened, turned
        level when its ruled lines slanted.
    ink : (m, n) bool ndarray
        The ink of ``grey``.
    to_work : (3, 3) float64 ndarray
        The homography from the image's pixels to ``grey``'s and ``ink``'s.
    scale : float
        The working resolution relative to the image (or to the sheet).
    sheet : Sheet or None
        The sheet of paper found in a photo; None when the whole image is
        paper, or when it was not looked for.
    """

    grey: np.ndarray
    ink: np.ndarray
    to_work: np.ndarray
    scale: float
    sheet: Sheet | None = None


def page_ink(image, *, method="contrast", flatten=True, scale="auto", look_for_sheet=True):
    """Turn a page image into the ink to segment, at the resolution to read it at.

    Parameters
    ----------
    image : (M, N) or (M, N, 3) ndarray
        Grey or RGB page.
    method : {'contrast', 'otsu', 'sauvola', 'adaptive_mean', 'adaptive_gaussian', 'fixed'}
        Binarisation (:func:`ocrkit.preprocess.binarize`).
    flatten : bool
        Divide out uneven lighting first (:func:`ocrkit.preprocess.flatten_illumination`).
    scale : float or 'auto'
        Working resolution relative to the image: ``'auto'`` chooses it from
        the digits' size (:func:`working_scale`), 1 keeps every pixel.
    look_for_sheet : bool
        Look for a sheet of paper lying on something darker
        (:func:`ocrkit.paper.find_sheet`) and read only inside it,
        straightened when its outline is clear. False for an image that is
        the page already (a template sheet mapped onto its layout). A page
        not straightened by its sheet's outline whose ruled lines slant by
        5 degrees or more (:func:`ocrkit.ruled.ruled_slant`) is turned
        level, with its ink.

    Returns
    -------
    PageInk

    Raises
    ------
    OptionError
        For an image that is not (M, N) or (M, N, 3), or a scale outside (0, 1].
    """
    if scale != "auto" and not (isinstance(scale, int | float) and 0 < scale <= 1):
        raise OptionError(f"scale must be 'auto' or a number in (0, 1], got {scale!r}")
    if look_for_sheet:
        grey = to_grey(image, invert=False)
        sheet = find_sheet(grey)
        if sheet is None and _writing_is_light(grey):
            grey = 255 - grey
    else:
        grey, sheet = to_grey(image), None
    if scale == "auto":
        scale = working_scale(grey)
    on_sheet = measure_on = None
    if sheet is not None and sheet.corners is not None:
        # A sheet with a clear outline is straightened (and scaled) in one warp.
        work, to_work = rectify(grey, sheet.corners, scale=scale)
        measure_on = _within_rim(work.shape)
    else:
        if sheet is not None:
            # Only the sheet is read: what lies around it becomes paper, so
            # that the desk does not darken the light measured near the edge,
            # and the paper's own level and noise are measured on the sheet.
            # (The median from the histogram, the copy by OpenCV: the same
            # pixels as np.where with np.median, several times faster.)
            paper = np.full_like(grey, np.uint8(grey_median(grey, sheet.mask)))
            grey = cv2.copyTo(grey, sheet.mask.view(np.uint8), paper)
        work = _resample(grey, scale)
        to_work = np.diag([work.shape[1] / grey.shape[1], work.shape[0] / grey.shape[0], 1.0])
        if sheet is not None:
            on_sheet = cv2.resize(sheet.mask.view(np.uint8), work.shape[::-1],
                                  interpolation=cv2.INTER_NEAREST).view(bool)
    ink = binarize(flatten_illumination(work) if flatten else work, method=method,
                   paper=on_sheet, measure_on=measure_on)
    slope = 0.0 if measure_on is not None else ruled_slant(ink)
    if slope:
        # Lined paper at a tilt, with no sheet edge to straighten it by: turned
        # level, its lines are taken off and its digits read as on a level page.
        work, ink, turn = _turned_level(work, ink, slope)
        to_work = turn @ to_work
    return PageInk(work, ink, to_work, float(scale), sheet)


def _turned_level(work, ink, slope):
    """The page and its ink turned by ``slope`` degrees, on a canvas that holds them.

    Returns the turned grey page (the corners the turn brings in continue
    its edge pixels), the turned ink (bilinear, then at least half ink: a
    line a pixel thin stays whole and no thicker) and the turn as a (3, 3)
    homography. The ink is turned as it was found, not found again on the
    turned page, whose new corners hold no light of its own to measure.
    """
    rows, cols = work.shape
    turn = cv2.getRotationMatrix2D((cols / 2, rows / 2), slope, 1.0)
    cos, sin = abs(turn[0, 0]), abs(turn[0, 1])
    size = (int(np.ceil(rows * sin + cols * cos)), int(np.ceil(rows * cos + cols * sin)))
    turn[:, 2] += ((size[0] - cols) / 2, (size[1] - rows) / 2)
    turned = cv2.warpAffine(work, turn, size, flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)
    turned_ink = cv2.warpAffine(ink.view(np.uint8) * np.uint8(255), turn, size,
                                flags=cv2.INTER_LINEAR) >= 128
    return turned, turned_ink, np.vstack([turn, [0.0, 0.0, 1.0]])


def _within_rim(shape, *, share=0.02):
    """A straightened sheet without its rim: where its paper and ink are measured.

    A corner found a pixel or two outside the sheet brings a sliver of the
    desk, or the sheet's dark edge, along the border of the straightened
    image. Segmentation drops it later as the page's border, but measured
    with the paper it would pass for the darkest ink, and a faint pen would
    then fall short of the ink's threshold everywhere.
    """
    rows, cols = shape
    rim = max(2, round(share * min(rows, cols)))
    inside = np.zeros(shape, bool)
    inside[rim:rows - rim, rim:cols - rim] = True
    return inside


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
    ink = binarize(flatten_illumination(quick))
    _, stats = connected_components(ink)
    x, y, w, h, area = stats.T
    # Page borders and ruled lines are left out as in segment_digits; the
    # strokes are a pixel or two wide at an eighth of a scan's size.
    writing = (w <= 0.5 * ink.shape[1]) & (h <= 0.5 * ink.shape[0]) & (w <= 3 * h)
    if not writing.any():
        return 1.0
    scale = digit_height * _QUICK_SCALE / typical_digit_height(h[writing])
    return 1.0 if scale > _MAX_SCALE else max(scale, _MIN_SCALE)


def _resample(grey, scale):
    if scale == 1:
        return grey
    rows, cols = grey.shape
    size = (max(1, round(cols * scale)), max(1, round(rows * scale)))
    # Bilinear, not area averaging: at scales of 0.5 and up each new pixel
    # still draws on every old one, and OpenCV's area averaging is much
    # slower at scales that are not 1/n.
    return cv2.resize(grey, size, interpolation=cv2.INTER_LINEAR)
