"""Pictures of the steps before reading: the ink cleaned, its contours, the digits found.

Each function returns an image (an ndarray) for a notebook to show with
:func:`ocrkit.viz.show_images`, crop, or save:

:func:`draw_removed`
    what a clean-up removed from the ink, in red and ringed.
:func:`draw_contours`
    contours of the ink: outlines blue, holes magenta.
:func:`draw_segmentation`
    the digits found, boxed by text line and tagged with their reading
    order, and what was dropped, in red.
:func:`montage`
    a stack of small digits tiled into one image.

Text and boxes are drawn with :mod:`ocrkit.render`.
"""

import cv2
import numpy as np

from .boxes import as_boxes
from .errors import OptionError
from .explore import contour_depths
from .render import as_rgb, draw_box
from .render_tags import draw_tags, tag_layout

__all__ = ["OUTER_COLOUR", "HOLE_COLOUR", "LINE_COLOURS", "DROPPED_COLOUR", "draw_removed",
           "draw_contours", "draw_segmentation", "montage"]

#: Outlines of ink, and outlines of holes in the ink (:func:`draw_contours`).
OUTER_COLOUR = (0, 110, 200)
HOLE_COLOUR = (220, 0, 120)
#: Boxes of digits by text line, cycled; dropped candidates in red.
LINE_COLOURS = ((0, 150, 60), (0, 110, 200), (150, 60, 190), (200, 120, 0), (0, 150, 150))
DROPPED_COLOUR = (220, 30, 30)


def draw_removed(ink, kept, *, ring=0.01):
    """Show what a clean-up removed: kept ink black, removed ink red and ringed.

    Parameters
    ----------
    ink : (M, N) bool ndarray
        Ink before the clean-up.
    kept : (M, N) bool ndarray
        Ink after it (:func:`ocrkit.preprocess.remove_specks`).
    ring : float
        Radius of the ring drawn around each removed piece, as a fraction of
        the shorter image side, so that one-pixel specks show at any size.

    Returns
    -------
    canvas : (M, N, 3) uint8 ndarray
    """
    ink, kept = np.asarray(ink, bool), np.asarray(kept, bool)
    if ink.shape != kept.shape or ink.ndim != 2:
        raise OptionError(f"ink and kept must be 2-D masks of one shape, got {ink.shape} "
                         f"and {kept.shape}")
    canvas = np.full(ink.shape + (3,), 255, np.uint8)
    canvas[kept] = 0
    removed = ink & ~kept
    canvas[removed] = DROPPED_COLOUR
    count, _, stats, centres = cv2.connectedComponentsWithStats(removed.astype(np.uint8),
                                                                connectivity=8)
    radius = max(3, round(ring * min(ink.shape)))
    for i in range(1, count):
        size = max(stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT])
        centre = tuple(int(round(c)) for c in centres[i])
        cv2.circle(canvas, centre, radius + size // 2, DROPPED_COLOUR, max(1, radius // 4))
    return canvas


def draw_contours(mask, contours, hierarchy=None, *, thickness=1):
    """Draw contours over a pale copy of the ink: outlines blue, holes magenta.

    Parameters
    ----------
    mask : (M, N) bool ndarray
        The ink the contours were found in.
    contours : sequence of (K, 1, 2) int ndarray
        From ``cv2.findContours``.
    hierarchy : (1, len(contours), 4) int ndarray, optional
        From ``cv2.findContours``; without it every contour is an outline.
        With ``RETR_TREE``, contours at odd depth are holes.
    thickness : int
        Line width in pixels.

    Returns
    -------
    canvas : (M, N, 3) uint8 ndarray
    """
    mask = np.asarray(mask)
    if mask.ndim != 2:
        raise OptionError(f"mask must be a 2-D (M, N) mask, got shape {mask.shape}")
    canvas = np.full(mask.shape + (3,), 255, np.uint8)
    canvas[mask.astype(bool)] = 200
    depth = (contour_depths(hierarchy) if hierarchy is not None
             else np.zeros(len(contours), int))
    for i in range(len(contours)):
        colour = HOLE_COLOUR if depth[i] % 2 else OUTER_COLOUR
        cv2.drawContours(canvas, contours, i, colour, thickness)
    return canvas


def draw_segmentation(image, segmentation, *, order=True, lines=True, dropped=True):
    """Draw what segmentation found: digit boxes by line, reading order, dropped ink.

    Parameters
    ----------
    image : (M, N) or (M, N, 3) uint8 ndarray, or (M, N) bool ndarray
        The page, or its ink mask (drawn black on white).
    segmentation : Segmentation
        From :func:`ocrkit.segment.segment_digits` on this page.
    order : bool
        Tag each box with its place in reading order (0, 1, 2, ...), above
        the box, or below it where tags would run into each other.
    lines : bool
        Write each line's index (``L0``, ``L1``, ...) left of its first digit.
        No tag covers another tag or a digit's box where there is room, and
        every tag lies inside the image (:func:`ocrkit.render_tags.tag_layout`).
    dropped : bool
        Show in red what was not taken for a digit.  On an ink mask the
        dropped ink itself turns red, and the smaller drops (under two digit
        heights, specks and pieces) are also boxed so that they show at page
        scale; on a page image every dropped box is drawn.

    Returns
    -------
    canvas : (M, N, 3) uint8 ndarray
        Line widths and text sizes follow the typical digit height.
    """
    image = np.asarray(image)
    ink = image if image.dtype == bool else None
    if ink is not None:
        image = np.where(ink, 0, 255).astype(np.uint8)
    if image.ndim != 2 and not (image.ndim == 3 and image.shape[2] >= 3):
        raise OptionError(f"image must be (M, N) or (M, N, 3), got shape {image.shape}")
    canvas = as_rgb(image)
    boxes = as_boxes(segmentation.boxes, dtype=int)
    height = segmentation.digit_height or (float(np.median(boxes[:, 3])) if len(boxes) else 20.0)
    thickness = max(1, round(height / 20))
    drawn = []  # the dropped boxes drawn, which tags should not cover
    if dropped and segmentation.dropped:
        if ink is not None:
            # Ink inside a dropped box but not inside a digit's box: a page
            # border's box can span the whole page, digits included.
            where = np.zeros(ink.shape, bool)
            for (x, y, w, h), _ in segmentation.dropped:
                where[y:y + h, x:x + w] = True
            for x, y, w, h in boxes:
                where[y:y + h, x:x + w] = False
            canvas[where & ink] = DROPPED_COLOUR
        for box, _ in segmentation.dropped:
            small = max(box[2], box[3]) < 2 * height
            if ink is not None and not small:
                continue
            draw_box(canvas, box, DROPPED_COLOUR, max(1, thickness // 2))
            if small:
                drawn.append(box)
    for box, line_id in zip(boxes, segmentation.line):
        draw_box(canvas, box, LINE_COLOURS[int(line_id) % len(LINE_COLOURS)], thickness)
    tags = tag_layout(boxes, np.asarray(segmentation.line, int), height, canvas.shape[:2],
                      order=order, lines=lines, avoid=drawn)
    draw_tags(canvas, tags, LINE_COLOURS)
    return canvas


def montage(digits, *, cols=10, pad=2, value=0):
    """Tile a stack of small images into one image.

    Parameters
    ----------
    digits : (K, M, N) ndarray
    cols : int
        Tiles per row.
    pad : int
        Pixels between tiles, filled with ``value``.
    value : scalar
        Value of the padding.

    Returns
    -------
    tiled : 2-D ndarray
        Of the stack's dtype.
    """
    digits = np.asarray(digits)
    if digits.ndim != 3:
        raise OptionError(f"digits must be a (K, M, N) stack, got shape {digits.shape}")
    count, rows, width = digits.shape
    cols = max(1, min(cols, count))
    grid_rows = int(np.ceil(count / cols))
    out = np.full((grid_rows * (rows + pad) + pad, cols * (width + pad) + pad), value,
                  digits.dtype)
    for i, digit in enumerate(digits):
        r, c = divmod(i, cols)
        top, left = pad + r * (rows + pad), pad + c * (width + pad)
        out[top:top + rows, left:left + width] = digit
    return out
