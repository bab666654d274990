"""Pictures of what the sheet loader found: boxes coloured by row, labels, problems."""

import cv2
import numpy as np

from ..boxes import as_boxes
from ..render import as_rgb, draw_box, draw_label, label_size

__all__ = ["ROW_COLOURS", "draw_sheet_overlay"]

#: Colours of successive rows (matplotlib's tab10), RGB.
ROW_COLOURS = ((31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
               (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207))
PROBLEM = (230, 0, 0)
EMPTY = (255, 150, 0)


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
    canvas = as_rgb(image)
    boxes = as_boxes(boxes, dtype=int)
    empty = as_boxes(empty, dtype=int)
    stray = as_boxes(stray, dtype=int)
    sizes = np.concatenate([boxes[:, 3], empty[:, 3]])
    height = float(np.median(sizes)) if sizes.size else 0.02 * canvas.shape[0]
    thickness = max(1, round(height / 30))
    text_height = max(8, round(0.3 * height))
    rows = np.asarray(rows, int)
    for box, label, row in zip(boxes, labels, rows):
        colour = ROW_COLOURS[row % len(ROW_COLOURS)]
        draw_box(canvas, box, colour, thickness)
        text = "?" if label < 0 else str(int(label))
        draw_label(canvas, text, (box[0], box[1] - text_height - 3 * thickness),
                   height=text_height, thickness=thickness, background=colour)
    for x, y, w, h in empty:
        draw_box(canvas, (x, y, w, h), EMPTY, thickness)
        cv2.line(canvas, (x, y), (x + w - 1, y + h - 1), EMPTY, thickness)
        cv2.line(canvas, (x, y + h - 1), (x + w - 1, y), EMPTY, thickness)
    for x, y, w, h in stray:
        draw_box(canvas, (x, y, w, h), PROBLEM, 2 * thickness)
        draw_label(canvas, "stray ink", (x, y + h + 2 * thickness), height=text_height,
                   colour=PROBLEM, thickness=thickness)
    for row, note in (row_notes or {}).items():
        members = boxes[rows == row]
        if len(members) == 0:
            continue
        x, y, _, h = members[np.argmin(members[:, 0])]
        bad = row in bad_rows
        style = {"height": text_height * (1.4 if bad else 1.0), "thickness": thickness + bad}
        # Left of the row's first box, two strokes clear of it.
        width, _ = label_size(note, **style)
        draw_label(canvas, note, (x - 2 * thickness - width, y + h / 2 - text_height),
                   background=PROBLEM if bad else ROW_COLOURS[row % len(ROW_COLOURS)], **style)
    return canvas
