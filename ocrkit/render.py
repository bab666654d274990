"""Rendering the two outputs of a page read.

:func:`draw_annotations`
    the page with a box around each digit and its predicted digit above it;
    digits the classifier is unsure of are drawn in orange with a ``?``.
:func:`draw_digits`
    a clean white page with only the recognised digits, each drawn where it
    was written and sized to its box.

Line widths and text sizes follow the digits' own height, so the pictures
look the same on a 20 px and a 150 px handwriting.
"""

import cv2
import numpy as np

__all__ = ["draw_annotations", "draw_digits", "SURE_COLOUR", "UNSURE_COLOUR"]

SURE_COLOUR = (0, 160, 60)
UNSURE_COLOUR = (235, 120, 0)
_FONT = cv2.FONT_HERSHEY_SIMPLEX


def _as_rgb(image):
    """A contiguous RGB copy of a grey or RGB(A) uint8 image, to draw on."""
    image = np.asarray(image)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    return np.ascontiguousarray(image[..., :3]).copy()


def _font_scale(text, height, thickness):
    """Scale at which ``text`` is ``height`` pixels tall."""
    (_, text_height), _ = cv2.getTextSize(text, _FONT, 1.0, thickness)
    return height / max(text_height, 1)


def draw_annotations(image, boxes, labels, confidence, *, reject_below=0.0):
    """Draw boxes and predicted labels on a copy of the page.

    Parameters
    ----------
    image : (M, N) or (M, N, 3) uint8 ndarray
    boxes : (K, 4) int array_like
        ``x, y, w, h`` of each digit.
    labels : (K,) int array_like
        Predicted digit, -1 for unknown.
    confidence : (K,) float array_like
    reject_below : float
        Confidence under which a digit is drawn as unsure.

    Returns
    -------
    annotated : (M, N, 3) uint8 ndarray
    """
    canvas = _as_rgb(image)
    boxes = np.asarray(boxes, int).reshape(-1, 4)
    if len(boxes) == 0:
        return canvas
    height = float(np.median(boxes[:, 3]))
    thickness = max(1, round(height / 25))
    text_height = max(6, round(0.4 * height))
    for (x, y, w, h), label, conf in zip(boxes, labels, confidence):
        sure = label >= 0 and conf >= reject_below
        colour = SURE_COLOUR if sure else UNSURE_COLOUR
        cv2.rectangle(canvas, (int(x), int(y)), (int(x + w - 1), int(y + h - 1)), colour,
                      thickness)
        text = str(int(label)) if label >= 0 else "?"
        if not sure and label >= 0:
            text += "?"
        scale = _font_scale(text, text_height, thickness)
        (tw, th), base = cv2.getTextSize(text, _FONT, scale, thickness)
        pad = thickness + 1
        top = max(0, y - th - base - 2 * pad)
        label_box = (int(x + tw + 2 * pad), int(top + th + base + 2 * pad))
        cv2.rectangle(canvas, (int(x), int(top)), label_box, colour, -1)
        cv2.putText(canvas, text, (int(x + pad), int(top + th + pad)), _FONT, scale,
                    (255, 255, 255), thickness, cv2.LINE_AA)
    return canvas


def draw_digits(shape, boxes, labels, *, ink=(20, 20, 20)):
    """Draw the recognised digits alone on a white page.

    Parameters
    ----------
    shape : tuple
        ``(M, N)`` or ``(M, N, 3)`` of the page.
    boxes : (K, 4) int array_like
    labels : (K,) int array_like
        Unknown digits (-1) are left out.

    Returns
    -------
    page : (M, N, 3) uint8 ndarray
    """
    rows, cols = shape[:2]
    canvas = np.full((rows, cols, 3), 255, np.uint8)
    for (x, y, w, h), label in zip(np.asarray(boxes, int).reshape(-1, 4), labels):
        if label < 0:
            continue
        text = str(int(label))
        thickness = max(1, round(h / 12))
        scale = _font_scale(text, 0.9 * h, thickness)
        (tw, th), _ = cv2.getTextSize(text, _FONT, scale, thickness)
        origin = (int(x + (w - tw) / 2), int(y + (h + th) / 2))
        cv2.putText(canvas, text, origin, _FONT, scale, ink, thickness, cv2.LINE_AA)
    return canvas
