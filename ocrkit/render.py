"""Rendering the outputs of a page read.

:func:`draw_annotations`
    the page with a box around each digit and its predicted digit above it;
    digits the classifier is unsure of are drawn in orange with a ``?``.
:func:`draw_digits`
    a clean white page with only the recognised digits, each drawn where it
    was written and sized to its box.
:func:`draw_explanation`
    why each piece of ink was or was not read: the sheet found, the ink,
    the digits, and every dropped piece coloured by its reason.

Line widths and text sizes follow the digits' own height, so the pictures
look the same on a 20 px and a 150 px handwriting.
"""

import cv2
import numpy as np

__all__ = ["draw_annotations", "draw_digits", "draw_explanation", "SURE_COLOUR",
           "UNSURE_COLOUR", "REASON_COLOURS"]

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


#: Colour of each reason a piece of ink was not read (see :func:`draw_explanation`).
REASON_COLOURS = {
    "speck": (150, 150, 150),
    "page border or shadow": (150, 60, 200),
    "table or frame lines": (150, 60, 200),
    "ruled line": (150, 60, 200),
    "part of a word": (230, 120, 0),
    "printed: in the ink of the page's words": (230, 120, 0),
    "too small for a digit": (200, 170, 0),
    "too large for a digit": (220, 30, 30),
}
_INK_COLOUR = (30, 40, 140)
_SHEET_COLOUR = (0, 120, 230)


def draw_explanation(image, *, ink, to_work, boxes, dropped, sheet_outline=None):
    """Draw what the reader saw: the sheet, the ink, the digits and every dropped piece.

    Parameters
    ----------
    image : (M, N) or (M, N, 3) uint8 ndarray
        The page as read.
    ink : (m, n) bool ndarray
        The ink mask, in the working image's pixels.
    to_work : (3, 3) float ndarray
        Homography from the page's pixels to the ink's.
    boxes : (K, 4) int array_like
        The digits read, in page pixels.
    dropped : list of (box, reason)
        Pieces of ink left out, in page pixels, with the reason.
    sheet_outline : (P, 2) int array_like, optional
        The sheet found in a photo, in page pixels.

    Returns
    -------
    explained : (M, N, 3) uint8 ndarray
        The page faded, the ink in dark blue, the sheet's outline in light
        blue, digits in green, dropped pieces in their reason's colour
        (:data:`REASON_COLOURS`), and a legend with the count of each.
    """
    page = _as_rgb(image)
    rows, cols = page.shape[:2]
    canvas = (0.35 * page + 0.65 * 255).astype(np.uint8)
    back = cv2.warpPerspective(np.asarray(ink, np.uint8), np.linalg.inv(to_work), (cols, rows),
                               flags=cv2.INTER_NEAREST) > 0
    canvas[back] = _INK_COLOUR
    boxes = np.asarray(boxes, int).reshape(-1, 4)
    heights = boxes[:, 3] if len(boxes) else np.array([max(rows, cols) / 20])
    thickness = max(1, round(float(np.median(heights)) / 25))
    if sheet_outline is not None and len(sheet_outline) > 2:
        cv2.polylines(canvas, [np.asarray(sheet_outline, np.int32).reshape(-1, 1, 2)], True,
                      _SHEET_COLOUR, 2 * thickness)
    counts = {}
    for box, reason in dropped:
        colour = REASON_COLOURS.get(reason, (220, 30, 30))
        x, y, w, h = (int(v) for v in box)
        cv2.rectangle(canvas, (x, y), (x + max(w, 1) - 1, y + max(h, 1) - 1), colour,
                      1 if reason == "speck" else thickness)
        counts[reason] = counts.get(reason, 0) + 1
    for x, y, w, h in boxes:
        cv2.rectangle(canvas, (int(x), int(y)), (int(x + w - 1), int(y + h - 1)), SURE_COLOUR,
                      thickness)
    legend = [(f"{len(boxes)} digits read", SURE_COLOUR)]
    legend += [(f"{count} {reason}", REASON_COLOURS.get(reason, (220, 30, 30)))
               for reason, count in sorted(counts.items(), key=lambda item: -item[1])]
    if sheet_outline is not None and len(sheet_outline) > 2:
        legend.append(("sheet found", _SHEET_COLOUR))
    _draw_legend(canvas, legend)
    return canvas


def _draw_legend(canvas, entries):
    """A white panel in the top-left corner listing ``(text, colour)`` entries."""
    rows, cols = canvas.shape[:2]
    text_height = max(10, round(min(rows, cols) / 45))
    thickness = max(1, round(text_height / 12))
    scale = _font_scale("Ag", text_height, thickness)
    line = int(1.8 * text_height)
    width = max(cv2.getTextSize(text, _FONT, scale, thickness)[0][0] for text, _ in entries)
    width += 3 * text_height
    cv2.rectangle(canvas, (0, 0), (min(cols - 1, width), min(rows - 1, line * len(entries) + 8)),
                  (255, 255, 255), -1)
    for k, (text, colour) in enumerate(entries):
        top = 4 + k * line
        cv2.rectangle(canvas, (6, top + 4), (6 + text_height, top + 4 + text_height), colour, -1)
        cv2.putText(canvas, text, (12 + text_height + 4, top + 4 + text_height), _FONT, scale,
                    (30, 30, 30), thickness, cv2.LINE_AA)
