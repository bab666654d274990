"""Normalisation: turn a cropped digit into a 28x28 image like MNIST's.

MNIST's digits were made by fitting each digit's longer side into 20 pixels
(keeping its aspect ratio), anti-aliasing, and placing it in a 28x28 field so
that its centre of mass is at pixel (14, 14).  A classifier trained on MNIST only
sees digits prepared that way, so the page's digits must be prepared the same
way.  The original program stretched every crop to 28x28 instead
(:func:`stretch_digit`, kept for comparison): a "1" became a black square.

:func:`deskew` straightens a slanted digit with its second-order image moments,
as in OpenCV's ``digits.py`` sample.
"""

import cv2
import numpy as np

from .errors import OptionError
from .preprocess import estimate_stroke_width

__all__ = ["SIZE", "FIT", "crop_to_ink", "deskew", "normalize_digit", "normalize_digits",
           "stretch_digit", "turn_upright", "UPRIGHT_BELOW"]

#: Lines written at less than this angle (radians) are read as they are: the
#: classifier has seen digits leaning that much, and turning costs a little
#: sharpness. Beyond it (a camera held at a slant), digits are turned upright.
UPRIGHT_BELOW = np.radians(10)

#: Side of a normalised digit, as in MNIST.
SIZE = 28
#: Side of the box the digit's longer side is fitted into, as in MNIST.
FIT = 20


def _as_ink(ink):
    ink = np.asarray(ink)
    if ink.ndim != 2:
        raise OptionError(f"a digit must be a 2-D (M, N) array of ink, got shape {ink.shape}")
    if ink.dtype == bool:
        return ink.astype(np.float32)
    if ink.dtype == np.uint8:
        return ink.astype(np.float32) / 255.0
    return np.clip(ink.astype(np.float32), 0.0, 1.0)


def crop_to_ink(ink, *, level=0.0):
    """Return the smallest sub-array holding every pixel above ``level``.

    Parameters
    ----------
    ink : (M, N) ndarray
        Ink is bright (bool, uint8 0..255 or float 0..1).

    Returns
    -------
    cropped : (m, n) ndarray
        Empty (0, 0) when there is no ink.
    """
    ink = np.asarray(ink)
    if ink.ndim == 2 and ink.size and level == 0 and ink.dtype == bool:
        # A mask's box in one OpenCV call, instead of numpy's several.
        left, top, width, height = cv2.boundingRect(ink.view(np.uint8))
        if (height, width) == ink.shape:
            return ink  # already tight, as segmentation's masks are
        return ink[top: top + height, left: left + width]
    above = ink > level
    rows = np.flatnonzero(above.any(axis=1))
    cols = np.flatnonzero(above.any(axis=0))
    if rows.size == 0:
        return ink[:0, :0]
    return ink[rows[0]: rows[-1] + 1, cols[0]: cols[-1] + 1]


def _deskew_one(digit, out=None):
    # uint8 ink has integer moments, which OpenCV sums exactly from uint8 as
    # from float32: the conversion would only cost time.
    moments = cv2.moments(digit if digit.dtype == np.uint8 else digit.astype(np.float32))
    if abs(moments["mu02"]) < 1e-2:
        if out is None:
            return digit.copy()
        out[...] = digit
        return out
    skew = moments["mu11"] / moments["mu02"]
    rows, cols = digit.shape
    shear = np.float32([[1, skew, -0.5 * rows * skew], [0, 1, 0]])
    straight = cv2.warpAffine(digit, shear, (cols, rows), dst=out,
                              flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR)
    if out is not None and straight is not out:
        out[...] = straight  # OpenCV made a new array instead of filling `out`
    return straight


def deskew(digits):
    """Shear digits so that their main axis is vertical.

    The shear of each digit is ``mu11 / mu02`` from its central image moments,
    applied about the image centre, as in OpenCV's ``samples/python/digits.py``.

    Parameters
    ----------
    digits : (M, N) or (K, M, N) ndarray
        White ink on black, e.g. normalised 28x28 digits.

    Returns
    -------
    straight : ndarray, same shape and dtype
        Digits without ink come back unchanged.
    """
    digits = np.asarray(digits)
    if digits.ndim == 2:
        return _deskew_one(digits)
    if digits.ndim != 3:
        raise OptionError(f"digits must be (M, N) or (K, M, N), got shape {digits.shape}")
    # OpenCV's per-image warp is faster than a vectorised numpy shear here
    # (benchmarks/RESULTS.md times the features with and without deskewing).
    # C order, so that OpenCV can write each digit straight into its row.
    out = np.empty(digits.shape, digits.dtype)
    for digit, straight in zip(digits, out):
        _deskew_one(digit, straight)
    return out


def _match_stroke(ink, scale, target):
    """Thicken or thin ``ink`` so its strokes are ``target`` px wide after ``scale``."""
    binary = ink > 0.5
    width = estimate_stroke_width(binary)
    if width <= 0:
        return ink
    # Radius in crop pixels of the change needed; one pixel of radius changes
    # the width by two.
    radius = int(round((target / scale - width) / 2.0))
    if radius == 0:
        return ink
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * abs(radius) + 1,) * 2)
    changed = cv2.dilate(ink, kernel) if radius > 0 else cv2.erode(ink, kernel)
    # Thinning must never erase a digit.
    return changed if changed.max() > 0.5 else ink


def normalize_digit(ink, *, size=SIZE, fit=FIT, deskew_digit=False, stroke_width=None):
    """Prepare one digit the way MNIST's digits were prepared.

    Parameters
    ----------
    ink : (M, N) ndarray
        The digit as bright ink on black (bool mask, uint8 or float in [0, 1]);
        it is cropped to its ink first.
    size : int
        Side of the output image.
    fit : int
        The longer side of the digit is scaled to this many pixels, keeping
        the aspect ratio.
    deskew_digit : bool
        Straighten slanted digits (:func:`deskew`) after centring.
    stroke_width : float, optional
        If given, thicken or thin the strokes so that they are about this
        many output pixels wide (MNIST's strokes are about 2-3 px).

    Returns
    -------
    digit : (size, size) uint8 ndarray
        White on black, centre of mass at pixel ``(size / 2, size / 2)`` as
        in MNIST.  All zero if there was no ink.
    """
    return _to_uint8(_centred(ink, size=size, fit=fit, deskew_digit=deskew_digit,
                              stroke_width=stroke_width))


def _centred(ink, *, size=SIZE, fit=FIT, deskew_digit=False, stroke_width=None):
    """:func:`normalize_digit` before the scaling to uint8: float32 in [0, 1]."""
    if fit > size:
        raise OptionError(f"fit ({fit}) must not exceed size ({size})")
    ink = np.asarray(ink)
    # A mask is cropped before it becomes float: less to convert.
    ink = _as_ink(crop_to_ink(ink)) if ink.dtype == bool else crop_to_ink(_as_ink(ink))
    if ink.size == 0:
        return np.zeros((size, size), np.float32)
    rows, cols = ink.shape
    scale = fit / max(rows, cols)
    if stroke_width is not None:
        ink = _match_stroke(ink, scale, stroke_width)
    new_rows, new_cols = max(1, round(rows * scale)), max(1, round(cols * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = cv2.resize(ink, (new_cols, new_rows), interpolation=interpolation)
    # Not cv2.moments: it reads an (N, 2) float array as N contour points, so a
    # "1" two pixels wide would have no mass.
    mass = float(small.sum())
    if mass <= 0:
        return np.zeros((size, size), np.float32)
    com_x = float(small.sum(axis=0) @ np.arange(new_cols)) / mass
    com_y = float(small.sum(axis=1) @ np.arange(new_rows)) / mass
    # Move the centre of mass to pixel (size / 2, size / 2), where MNIST put
    # it: every MNIST digit's centre of mass is within half a pixel of
    # (14, 14), not of the geometric middle (13.5, 13.5).
    shift = np.float32([[1, 0, size / 2 - com_x], [0, 1, size / 2 - com_y]])
    out = cv2.warpAffine(small, shift, (size, size), flags=cv2.INTER_LINEAR)
    return deskew(out) if deskew_digit else out


def _to_uint8(digits):
    """Grey levels in [0, 1] (float32, changed in place) to rounded uint8."""
    # Resizing and shifting mix values in [0, 1], so the result stays in range.
    digits *= 255.0
    digits += 0.5
    return digits.astype(np.uint8)


def normalize_digits(crops, **options):
    """Normalise a sequence of crops into an (N, 28, 28) uint8 stack.

    ``options`` are those of :func:`normalize_digit`.
    """
    size = options.get("size", SIZE)
    if len(crops) == 0:
        return np.zeros((0, size, size), np.uint8)
    # Scaled to uint8 once for the whole stack: the same arithmetic, one
    # call instead of three a digit.
    return _to_uint8(np.stack([_centred(crop, **options) for crop in crops]))


def turn_upright(mask, angle):
    """Turn a digit's ink by ``-angle``, so a digit on a slanted line stands upright.

    Parameters
    ----------
    mask : (M, N) bool ndarray
        The digit's ink, cropped.
    angle : float
        Direction of its line of writing, radians (positive: going down to
        the right, as :func:`ocrkit.reading.writing_direction`).

    Returns
    -------
    upright : (P, Q) bool ndarray
        The ink turned, on a canvas large enough to hold all of it, cropped
        to it.

    Examples
    --------
    >>> stroke = np.eye(20, dtype=bool)            # along a line going down at 45 degrees
    >>> turned = turn_upright(stroke, np.radians(45))
    >>> turned.shape[0] <= 3 < turned.shape[1]    # lies flat once turned
    True
    """
    mask = np.asarray(mask, bool)
    rows, cols = mask.shape
    degrees = float(np.degrees(angle))
    side = int(np.ceil(np.hypot(rows, cols))) + 2
    matrix = cv2.getRotationMatrix2D((cols / 2, rows / 2), degrees, 1.0)
    matrix[:, 2] += (side - cols) / 2, (side - rows) / 2
    # A quarter of a pixel of ink or more stays ink: one-pixel strokes
    # turned by 45 degrees spread over two.
    turned = cv2.warpAffine(mask.view(np.uint8) * 255, matrix, (side, side),
                            flags=cv2.INTER_LINEAR) >= 64
    cropped = crop_to_ink(turned)
    return cropped if cropped.size else mask


def stretch_digit(ink, *, size=SIZE):
    """The original program's normalisation: stretch the crop to size x size.

    Kept to show why it fails: the aspect ratio is lost, so a narrow "1"
    fills the whole square.

    Parameters
    ----------
    ink : (M, N) ndarray
        Bright ink on black; used as it is (no cropping).

    Returns
    -------
    digit : (size, size) uint8 ndarray
    """
    ink = _as_ink(ink)
    if ink.size == 0:
        return np.zeros((size, size), np.uint8)
    out = cv2.resize(ink, (size, size), interpolation=cv2.INTER_AREA)
    return np.clip(out * 255.0 + 0.5, 0, 255).astype(np.uint8)
