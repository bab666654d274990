"""Where the tags of a segmentation picture go, so that none hides another or a digit.

A picture of a segmentation (:func:`ocrkit.render_steps.draw_segmentation`)
tags each text line with its id (``L0``, ``L1``, ...) left of its first
digit, and each digit with its place in reading order (0, 1, 2, ...) above
it.  On a crowded page the obvious spot is often taken, so each tag tries a
few spots in turn and takes the first free one, or the one it covers least
of.  The tags are labels of :func:`ocrkit.render.draw_label`, sized to
their ink so that they stay small.
"""

import numpy as np

from .render import WHITE, draw_label, label_size

__all__ = ["ORDER_TAG", "LINE_TAG", "tag_layout", "draw_tags"]

#: Height of the tags' digits, in typical digit heights: reading order, line ids.
ORDER_TAG = 0.3
LINE_TAG = 0.36


def _tag_style(size):
    """The label options of a tag whose digits are ``size`` px tall."""
    return {"height": size, "thickness": max(1, round(size / 8)),
            "pad": max(2, round(0.2 * size)), "fit": "ink"}


def _covered(rect, taken):
    """Area of ``rect`` (x0, y0, x1, y1) under the rectangles ``taken`` (K, 4), summed."""
    if not len(taken):
        return 0
    taken = np.asarray(taken)
    across = np.minimum(rect[2], taken[:, 2]) - np.maximum(rect[0], taken[:, 0])
    down = np.minimum(rect[3], taken[:, 3]) - np.maximum(rect[1], taken[:, 1])
    return int((np.clip(across, 0, None) * np.clip(down, 0, None)).sum())


def tag_layout(boxes, line, height, shape, *, order=True, lines=True, avoid=()):
    """Where the tags go, none over another or over a digit where there is room.

    Each line's id goes left of its first digit; each digit's place in
    reading order above the box's left corner, or where that would cover a
    tag or a box, above its right corner, below it, or one tag further
    out, whichever covers least.  Tags are kept inside the image and a
    little apart, so that two neighbours' numbers do not run together.

    Parameters
    ----------
    boxes : (N, 4) int ndarray
        ``x, y, w, h`` of the digits, in reading order.
    line : (N,) int ndarray
        Line of each digit.
    height : float
        Typical digit height, px.
    shape : (rows, cols)
        Size of the image.
    order : bool
        Tag each digit with its place in reading order.
    lines : bool
        Tag each line with its id.
    avoid : sequence of (x, y, w, h)
        More boxes not to cover, such as the dropped pieces drawn in red.

    Returns
    -------
    tags : list of (text, line, (x0, y0, x1, y1), size)
        Line ids first, then the digits' places; ``x1`` and ``y1`` excluded;
        ``size`` is the height of the tag's digits, px.
    """
    rows, cols = shape
    gap = max(1, round(0.04 * height))
    boxes = [tuple(int(v) for v in box) for box in boxes]
    digits = [(x, y, x + w, y + h) for x, y, w, h in boxes]
    digits += [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h in avoid]
    tags, placed = [], []

    def place(text, line_id, size, spots):
        w, h = label_size(text, **_tag_style(size))
        best = None
        for left, top in spots:
            left = int(min(max(left, 0), max(cols - w, 0)))
            top = int(min(max(top, 0), max(rows - h, 0)))
            rect = (left, top, left + w, top + h)
            # Tags keep a gap between them; a tag may touch its own box.
            cost = (_covered((left - gap, top - gap, left + w + gap, top + h + gap), placed)
                    + _covered(rect, digits))
            if best is None or cost < best[0]:
                best = (cost, rect)
            if cost == 0:
                break
        placed.append(best[1])
        tags.append((text, int(line_id), best[1], size))

    if lines:
        for line_id in np.unique(line):
            x, y, w, h = boxes[int(np.flatnonzero(line == line_id)[0])]
            text = f"L{int(line_id)}"
            tw, th = label_size(text, **_tag_style(LINE_TAG * height))
            left = x - 3 * gap - tw
            place(text, line_id, LINE_TAG * height,
                  [(left, y + (h - th) // 2), (left, y - th), (left, y + h)])
    if order:
        for i, (x, y, w, h) in enumerate(boxes):
            tw, th = label_size(str(i), **_tag_style(ORDER_TAG * height))
            place(str(i), line[i], ORDER_TAG * height,
                  [(x, y - th), (x + w - tw, y - th), (x, y + h), (x + w - tw, y + h),
                   (x, y - 2 * th - gap), (x, y + h + th + gap)])
    return tags


def draw_tags(canvas, tags, colours):
    """Draw the tags of :func:`tag_layout` on ``canvas`` in place: white on their line's colour.

    Parameters
    ----------
    canvas : (M, N, 3) uint8 ndarray
        Drawn on in place.
    tags : list of (text, line, (x0, y0, x1, y1), size)
        From :func:`tag_layout`.
    colours : sequence of (int, int, int)
        Colours of successive lines, cycled.
    """
    for text, line_id, rect, size in tags:
        draw_label(canvas, text, rect[:2], colour=WHITE, background=colours[line_id % len(colours)],
                   **_tag_style(size))
