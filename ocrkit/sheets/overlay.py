"""Pictures of what the sheet loader found: boxes coloured by row, labels, problems."""

import cv2
import numpy as np

from ..render import _as_rgb

__all__ = ["ROW_COLOURS", "draw_sheet_overlay"]

#: Colours of successive rows (matplotlib's tab10), RGB.
ROW_COLOURS = ((31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
               (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207))
PROBLEM = (230, 0, 0)
EMPTY = (255, 150, 0)
_FONT = cv2.FONT_HERSHEY_SIMPLEX


def _text(canvas, text, x, y, height, colour, thickness, *, background=None):
    """Text whose top-left is at (x, y), ``height`` px tall, on an optional band."""
    (_, th), _ = cv2.getTextSize("0", _FONT, 1.0, thickness)
    scale = height / max(th, 1)
    (tw, th), base = cv2.getTextSize(text, _FONT, scale, thickness)
    pad = thickness + 1
    # Keep the text on the canvas.
    x = int(min(max(0, x), canvas.shape[1] - tw - 2 * pad))
    y = int(min(max(0, y), canvas.shape[0] - th - base - 2 * pad))
    if background is not None:
        cv2.rectangle(canvas, (x, y), (x + tw + 2 * pad, y + th + base + 2 * pad), background, -1)
        x, y = x + pad, y + pad
    cv2.putText(canvas, text, (x, y + th), _FONT, scale, colour, thickness, cv2.LINE_AA)


def draw_sheet_overlay(image, boxes, labels, rows, *, empty=(), stray=(), row_notes=None,
                       bad_rows=()):
    """Draw the digits found on a sheet, coloured by row, with their labels.

    Parameters
    ----------
    image : (M, N) or (M, N, 3) uint8 ndarray
        The page the boxes refer to.
    boxes : (K, 4) int array_like
        ``x, y, w, h`` of each digit.
    labels : (K,) int array_like
        The label each digit was given; -1 for none.
    rows : (K,) int array_like
        Row of each digit; sets its colour.
    empty : (E, 4) array_like
        Boxes left empty, drawn crossed in orange.
    stray : (S, 4) array_like
        Ink outside every box, drawn in red.
    row_notes : dict of int to str, optional
        Text written left of a row's first digit (e.g. ``"row 3: 9 of 10"``).
    bad_rows : collection of int
        Rows whose note is a problem, written in red.

    Returns
    -------
    overlay : (M, N, 3) uint8 ndarray
    """
    canvas = _as_rgb(image)
    boxes = np.asarray(boxes, int).reshape(-1, 4)
    empty = np.asarray(empty, int).reshape(-1, 4)
    stray = np.asarray(stray, int).reshape(-1, 4)
    sizes = np.concatenate([boxes[:, 3], empty[:, 3]])
    height = float(np.median(sizes)) if sizes.size else 0.02 * canvas.shape[0]
    thickness = max(1, round(height / 30))
    text_height = max(8, round(0.3 * height))
    rows = np.asarray(rows, int)
    for (x, y, w, h), label, row in zip(boxes, labels, rows):
        colour = ROW_COLOURS[row % len(ROW_COLOURS)]
        cv2.rectangle(canvas, (x, y), (x + w - 1, y + h - 1), colour, thickness)
        text = "?" if label < 0 else str(int(label))
        _text(canvas, text, x, y - text_height - 3 * thickness, text_height, (255, 255, 255),
              thickness, background=colour)
    for x, y, w, h in empty:
        cv2.rectangle(canvas, (x, y), (x + w - 1, y + h - 1), EMPTY, thickness)
        cv2.line(canvas, (x, y), (x + w - 1, y + h - 1), EMPTY, thickness)
        cv2.line(canvas, (x, y + h - 1), (x + w - 1, y), EMPTY, thickness)
    for x, y, w, h in stray:
        cv2.rectangle(canvas, (x, y), (x + w - 1, y + h - 1), PROBLEM, 2 * thickness)
        _text(canvas, "stray ink", x, y + h + 2 * thickness, text_height, PROBLEM, thickness)
    for row, note in (row_notes or {}).items():
        members = boxes[rows == row]
        if len(members) == 0:
            continue
        first = members[np.argmin(members[:, 0])]
        bad = row in bad_rows
        colour = PROBLEM if bad else ROW_COLOURS[row % len(ROW_COLOURS)]
        (tw, _), _ = cv2.getTextSize(note, _FONT, text_height / 22, thickness)
        _text(canvas, note, first[0] - tw - 4 * thickness, first[1] + first[3] / 2 - text_height,
              text_height * (1.4 if bad else 1.0), (255, 255, 255), thickness + bad,
              background=colour)
    return canvas
