"""Drawing on images: text, labels and boxes, and the outputs of a page read.

Every picture the kit draws with OpenCV writes its text and boxes through
the few functions at the top of this module, so that all of them use one
font and place their labels alike:

:func:`put_text`, :func:`text_size`
    text of a given height in pixels, and the room it takes.
:func:`draw_label`, :func:`label_size`
    text on an optional coloured panel, kept inside the image.
:func:`draw_box`
    the outline of an ``x, y, w, h`` box.

The outputs of a page read (:mod:`ocrkit.pipeline`):

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
look the same on a 20 px and a 150 px handwriting.  Pictures of the steps
before reading (ink, contours, segmentation) are in :mod:`ocrkit.render_steps`.
"""

import cv2
import numpy as np

from .boxes import as_boxes
from .errors import OptionError

__all__ = ["FONT", "WHITE", "as_rgb", "text_size", "put_text", "label_size", "draw_label",
           "draw_box", "draw_annotations", "draw_digits", "draw_explanation", "SURE_COLOUR",
           "UNSURE_COLOUR", "REASON_COLOURS"]

#: The font of every text the kit draws on an image.
FONT = cv2.FONT_HERSHEY_SIMPLEX
#: Height in pixels of text at scale 1 above its baseline, as ``cv2.getTextSize``
#: measures it (the same for every text and stroke width).
_FONT_HEIGHT = cv2.getTextSize("0", FONT, 1.0, 1)[0][1]
WHITE = (255, 255, 255)
SURE_COLOUR = (0, 160, 60)
UNSURE_COLOUR = (235, 120, 0)


def as_rgb(image):
    """A contiguous RGB copy of a grey or RGB(A) uint8 image, to draw on.

    Parameters
    ----------
    image : (M, N) or (M, N, 3 or 4) uint8 ndarray

    Returns
    -------
    canvas : (M, N, 3) uint8 ndarray
        A copy: drawing on it leaves `image` as it was.
    """
    image = np.asarray(image)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    return np.ascontiguousarray(image[..., :3]).copy()


def _font_scale(height):
    """Scale at which text is ``height`` pixels tall above its baseline."""
    return height / _FONT_HEIGHT


def text_size(text, *, height, thickness=1):
    """Room that :func:`put_text` takes for ``text``.

    Parameters
    ----------
    text : str
    height : float
        Height of the text above its baseline, px, as OpenCV measures it;
        the ink of a digit is about four fifths of it.
    thickness : int
        Stroke width, px.

    Returns
    -------
    (width, text_height), baseline : ((int, int), int)
        As ``cv2.getTextSize`` gives them: the text's width and height above
        its baseline, and how far descenders (``g``, ``y``) reach below it.

    Examples
    --------
    >>> (width, tall), _ = text_size("10", height=27)
    >>> tall, width > tall
    (27, True)
    """
    return cv2.getTextSize(text, FONT, _font_scale(height), thickness)


def put_text(canvas, text, origin, *, height, colour, thickness=1):
    """Write ``text`` on ``canvas`` in place, its baseline starting at ``origin``.

    Parameters
    ----------
    canvas : (M, N) or (M, N, 3) uint8 ndarray
        Drawn on in place.
    text : str
    origin : (float, float)
        ``x, y`` of the left end of the baseline, cut to whole pixels.
    height : float
        Height of the text above its baseline, px (:func:`text_size`).
    colour : int or (int, int, int)
        A grey level on a grey canvas, an RGB triple on a colour one.
    thickness : int
        Stroke width, px.
    """
    cv2.putText(canvas, text, (int(origin[0]), int(origin[1])), FONT, _font_scale(height),
                colour, thickness, cv2.LINE_AA)


def _ink_extent(text, scale, thickness):
    """Where ``putText`` draws ``text``: (left, top, right, bottom) from its origin, px."""
    (tw, th), base = cv2.getTextSize(text, FONT, scale, thickness)
    margin = 2 * thickness + 2
    scratch = np.zeros((th + base + 2 * margin, tw + 2 * margin), np.uint8)
    cv2.putText(scratch, text, (margin, margin + th), FONT, scale, 255, thickness, cv2.LINE_AA)
    rows, cols = np.flatnonzero(scratch.any(axis=1)), np.flatnonzero(scratch.any(axis=0))
    if rows.size == 0:
        return 0, -th, tw, 0
    return (int(cols[0]) - margin, int(rows[0]) - margin - th,
            int(cols[-1]) + 1 - margin, int(rows[-1]) + 1 - margin - th)


def _label_geometry(text, height, thickness, pad, fit):
    """Font scale, text origin from the label's top-left corner, and the label's (width, height)."""
    if fit == "font":
        scale = _font_scale(height)
        (tw, th), base = cv2.getTextSize(text, FONT, scale, thickness)
        return scale, (pad, pad + th), (tw + 2 * pad + 1, th + base + 2 * pad + 1)
    if fit == "ink":
        # Measured on the text as drawn, so that its ink is about `height`
        # tall and sits in the middle of the label.
        _, top, _, bottom = _ink_extent(text, 1.0, thickness)
        scale = height / max(bottom - top, 1)
        left, top, right, bottom = _ink_extent(text, scale, thickness)
        return scale, (pad - left, pad - top), (right - left + 2 * pad, bottom - top + 2 * pad)
    raise OptionError(f"fit must be 'font' or 'ink', got {fit!r}")


def _label_style(height, thickness, pad):
    """The stroke and padding of a label, their defaults filled in."""
    thickness = max(1, round(height / 8)) if thickness is None else int(thickness)
    return thickness, thickness + 1 if pad is None else int(pad)


def label_size(text, *, height, thickness=None, pad=None, fit="font"):
    """Width and height in pixels of the label :func:`draw_label` draws.

    Parameters
    ----------
    text : str
    height, thickness, pad, fit
        As for :func:`draw_label`.

    Returns
    -------
    (width, height) : (int, int)
    """
    thickness, pad = _label_style(height, thickness, pad)
    return _label_geometry(text, height, thickness, pad, fit)[2]


def draw_label(canvas, text, corner, *, height, colour=WHITE, background=None, thickness=None,
               pad=None, fit="font"):
    """Write a label on ``canvas`` in place: text on an optional panel, inside the image.

    Parameters
    ----------
    canvas : (M, N) or (M, N, 3) uint8 ndarray
        Drawn on in place.
    text : str
    corner : (float, float)
        ``x, y`` of the label's top-left corner.  The label is moved the
        least needed to lie inside the canvas (where it fits).
    height : float
        Height of the text, px.
    colour : int or (int, int, int)
        Colour of the text.
    background : int or (int, int, int), optional
        Colour of the panel filling the label; none by default.
    thickness : int, optional
        Stroke width of the text, px; an eighth of `height` by default.
    pad : int, optional
        Room between the text and the label's edges, px; ``thickness + 1``
        by default.
    fit : {'font', 'ink'}
        ``'font'``: the text is `height` tall above its baseline, as
        :func:`text_size` measures it, and the label keeps room below for
        descenders.
        ``'ink'``: the pixels the text covers are about `height` tall and
        centred in the label; a snug tag for small labels among crowded boxes.

    Returns
    -------
    (x0, y0, x1, y1) : tuple of int
        Where the label was drawn, ``x1`` and ``y1`` excluded.
    """
    thickness, pad = _label_style(height, thickness, pad)
    scale, (dx, dy), (width, tall) = _label_geometry(text, height, thickness, pad, fit)
    rows, cols = canvas.shape[:2]
    x0 = int(min(max(corner[0], 0), max(cols - width, 0)))
    y0 = int(min(max(corner[1], 0), max(rows - tall, 0)))
    if background is not None:
        draw_box(canvas, (x0, y0, width, tall), background, -1)
    cv2.putText(canvas, text, (x0 + dx, y0 + dy), FONT, scale, colour, thickness, cv2.LINE_AA)
    return x0, y0, x0 + width, y0 + tall


def draw_box(canvas, box, colour, thickness=1, *, inside=False):
    """Draw the outline of a box on ``canvas`` in place.

    Parameters
    ----------
    canvas : (M, N) or (M, N, 3) uint8 ndarray
        Drawn on in place.
    box : (4,) array_like
        ``x, y, w, h``; a box without width or height is drawn one pixel wide.
    colour : int or (int, int, int)
    thickness : int
        Line width as OpenCV takes it, px (a line thicker than one pixel
        covers ``2 * ((thickness + 1) // 2) + 1`` pixels); -1 fills the box.
    inside : bool
        Draw the whole line inside the box, so that the box is the outline's
        outer edge; by default the line is centred on the box's edge pixels.
    """
    x, y, w, h = (int(v) for v in box)
    # OpenCV draws a line thicker than one pixel (thickness + 1) // 2 pixels
    # either side of its centre.
    inset = (thickness + 1) // 2 if inside and thickness > 1 else 0
    cv2.rectangle(canvas, (x + inset, y + inset),
                  (x + max(w, 1) - 1 - inset, y + max(h, 1) - 1 - inset), colour, thickness)


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
    canvas = as_rgb(image)
    boxes = as_boxes(boxes, dtype=int)
    if len(boxes) == 0:
        return canvas
    height = float(np.median(boxes[:, 3]))
    thickness = max(1, round(height / 25))
    text_height = max(6, round(0.4 * height))
    for box, label, conf in zip(boxes, labels, confidence):
        sure = label >= 0 and conf >= reject_below
        colour = SURE_COLOUR if sure else UNSURE_COLOUR
        draw_box(canvas, box, colour, thickness)
        text = str(int(label)) if label >= 0 else "?"
        if not sure and label >= 0:
            text += "?"
        # Above the box, its last row on the box's top edge so that the two join.
        _, tall = label_size(text, height=text_height, thickness=thickness)
        draw_label(canvas, text, (box[0], box[1] - tall + 1), height=text_height,
                   thickness=thickness, background=colour)
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
    for (x, y, w, h), label in zip(as_boxes(boxes, dtype=int), labels):
        if label < 0:
            continue
        text = str(int(label))
        thickness = max(1, round(h / 12))
        (tw, th), _ = text_size(text, height=0.9 * h, thickness=thickness)
        put_text(canvas, text, (x + (w - tw) / 2, y + (h + th) / 2), height=0.9 * h, colour=ink,
                 thickness=thickness)
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
    "cut by the image's edge": (150, 60, 200),
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
    page = as_rgb(image)
    rows, cols = page.shape[:2]
    canvas = (0.35 * page + 0.65 * 255).astype(np.uint8)
    back = cv2.warpPerspective(np.asarray(ink, np.uint8), np.linalg.inv(to_work), (cols, rows),
                               flags=cv2.INTER_NEAREST) > 0
    canvas[back] = _INK_COLOUR
    boxes = as_boxes(boxes, dtype=int)
    heights = boxes[:, 3] if len(boxes) else np.array([max(rows, cols) / 20])
    thickness = max(1, round(float(np.median(heights)) / 25))
    if sheet_outline is not None and len(sheet_outline) > 2:
        cv2.polylines(canvas, [np.asarray(sheet_outline, np.int32).reshape(-1, 1, 2)], True,
                      _SHEET_COLOUR, 2 * thickness)
    counts = {}
    for box, reason in dropped:
        colour = REASON_COLOURS.get(reason, (220, 30, 30))
        draw_box(canvas, box, colour, 1 if reason == "speck" else thickness)
        counts[reason] = counts.get(reason, 0) + 1
    for box in boxes:
        draw_box(canvas, box, SURE_COLOUR, thickness)
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
    line = int(1.8 * text_height)
    width = max(text_size(text, height=text_height, thickness=thickness)[0][0]
                for text, _ in entries)
    width += 3 * text_height
    draw_box(canvas, (0, 0, min(cols, width + 1), min(rows, line * len(entries) + 9)), WHITE, -1)
    for k, (text, colour) in enumerate(entries):
        top = 4 + k * line
        draw_box(canvas, (6, top + 4, text_height + 1, text_height + 1), colour, -1)
        put_text(canvas, text, (12 + text_height + 4, top + 4 + text_height), height=text_height,
                 colour=(30, 30, 30), thickness=thickness)
