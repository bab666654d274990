"""Filled-in templates with known answers: a synthetic writer fills the boxes.

:func:`template_photo` prints a template (:func:`ocrkit.sheets.make_template`),
lets a writer of :mod:`ocrkit.synth` fill its boxes, and photographs the page
with :func:`ocrkit.synth.conditions.photo_look`: perspective, grey paper on a
desk, uneven light, soft focus, noise and JPEG.  It returns the photo and the
truth, in the JSON schema of ``ocrkit read``, so that the sheet loader
(:func:`ocrkit.sheets.load_sheet`) can be tested, and a sheet bundled, without
anybody's handwriting.
"""

from dataclasses import replace

import cv2
import numpy as np

from ..sheets.template import make_template
from .conditions import geometry, photo_look
from .page import TRUTH_LEVEL, _truth_dict
from .writers import as_writer, draw_digit

__all__ = ["fill_template", "template_photo"]

#: Colour of the printer's toner, RGB.
TONER = (20, 20, 22)


def _place(coverage, box, margin, rng):
    """Top-left of a glyph inside ``box``, jittered but clear of the outline."""
    x, y, w, h = box
    gh, gw = coverage.shape
    room_x, room_y = w - 2 * margin - gw, h - 2 * margin - gh
    jx = rng.uniform(-0.3, 0.3) * max(room_x, 0) / 2
    jy = rng.uniform(-0.3, 0.3) * max(room_y, 0) / 2
    return int(round(x + margin + room_x / 2 + jx)), int(round(y + margin + room_y / 2 + jy))


def fill_template(layout, *, writer="a", seed=0, blank=(), size=0.55, stray=0):
    """Handwriting for a template's boxes: each box's row digit, in one hand.

    Parameters
    ----------
    layout : TemplateLayout
        From :func:`ocrkit.sheets.make_template`.
    writer : str or Writer
        A writer of :mod:`ocrkit.synth`.
    seed : int
        Seed of the glyphs and their positions.
    blank : collection of (int, int)
        (row, column) of boxes to leave empty.
    size : float
        Digit height as a share of the box height.
    stray : int
        Stray marks to add outside the boxes: small digits right of the grid
        and below it, where a learner might jot a note.

    Returns
    -------
    ink : (H, W) float32 ndarray
        Ink coverage of the page in [0, 1].
    glyphs : list of dict
        Per digit written: ``label``, ``row``, ``col``, and ``box`` (x, y, w,
        h of its ink at coverage >= ``TRUTH_LEVEL``, page pixels).
    strays : list of (int, int, int, int)
        Boxes of the stray marks, page pixels.
    """
    writer = as_writer(writer)
    rng = np.random.default_rng(seed)
    width, height = layout.size
    ink = np.zeros((height, width), np.float32)
    cells, rows, cols = layout.cell_boxes()
    blank = {tuple(map(int, b)) for b in blank}
    margin = 2 * layout.line_width + 0.06 * min(cells[0, 2:])
    glyphs = []

    def write(label, box, digit_height, hand=writer):
        for _ in range(5):
            coverage = draw_digit(label, writer=hand, height=digit_height, seed=rng)
            # A wide hand shrinks its digit until it fits the box.
            if (coverage.shape[1] <= box[2] - 2 * margin
                    and coverage.shape[0] <= box[3] - 2 * margin):
                break
            digit_height *= 0.9
        gx, gy = _place(coverage, box, margin, rng)
        gh, gw = coverage.shape
        view = ink[gy:gy + gh, gx:gx + gw]
        np.maximum(view, coverage, out=view)
        ys, xs = np.nonzero(coverage >= TRUTH_LEVEL)
        return xs + gx, ys + gy

    for box, row, col in zip(cells, rows, cols):
        if (int(row), int(col)) in blank:
            continue
        label = int(layout.digits[row])
        xs, ys = write(label, box, size * box[3])
        glyphs.append({"label": label, "row": int(row), "col": int(col),
                       "box": [int(xs.min()), int(ys.min()), int(np.ptp(xs)) + 1,
                               int(np.ptp(ys)) + 1]})
    strays = []
    gx, gy, gw, gh = layout.grid_box
    h = layout.cells[0, 0, 3]
    for k in range(stray):
        if k % 2 == 0:  # right of the grid, beside a row
            row = int(rng.integers(layout.rows))
            spot = (gx + gw + int(0.08 * h), layout.cells[row, 0, 1], int(0.3 * h), h // 2)
        else:  # below the grid, clear of the bottom corner markers
            free = np.flatnonzero(layout.cells[0, :, 0] + layout.cells[0, :, 2]
                                  < layout.markers[2, 0, 0] - 0.3 * h)
            col = int(rng.choice(free))
            spot = (layout.cells[0, col, 0], gy + gh + int(0.08 * h), int(0.3 * h), int(0.4 * h))
        # A small note in the same pen: the pen's width is a share of the height.
        note = replace(writer, pen_width=min(writer.pen_width * size / 0.3, 0.35))
        xs, ys = write(int(rng.integers(10)), spot, 0.3 * h, note)
        strays.append((int(xs.min()), int(ys.min()), int(np.ptp(xs)) + 1, int(np.ptp(ys)) + 1))
    return ink, glyphs, strays


def _map_points(xs, ys, matrix):
    pts = np.stack([xs, ys], 1).astype(np.float64)[None]
    return cv2.perspectiveTransform(pts, matrix)[0]


def template_photo(*, digits="1234567890", repeats=10, writer="a", seed=0, dpi=200, blank=(),
                   stray=0, name="template_photo.jpg"):
    """A filled-in template, photographed with a phone: image and truth.

    Parameters
    ----------
    digits, repeats : str, int
        The template (:func:`ocrkit.sheets.make_template`).
    writer : str or Writer
    seed : int
        The same seed gives the same bytes.
    dpi : float
        Resolution of the page before the photo; the photo has the same size.
    blank : collection of (int, int)
        Boxes left empty.
    stray : int
        Stray marks outside the boxes (see :func:`fill_template`).
    name : str
        File name recorded in the truth.

    Returns
    -------
    image : (H, W, 3) uint8 ndarray
        RGB photo.
    truth : dict
        ``{"image", "size", "digits": [{"box", "label", "confidence", "line",
        "number"}], "lines", "stray"}``: boxes in photo pixels, ``line`` the
        row, ``number`` the box (row * repeats + column), ``stray`` the boxes
        of the stray marks.
    """
    writer = as_writer(writer)
    hand_seq, look_seq = np.random.SeedSequence(seed).spawn(2)
    printed, layout = make_template(digits=digits, repeats=repeats, dpi=dpi)
    hand_seed = int(hand_seq.generate_state(1)[0])
    ink, glyphs, strays = fill_template(layout, writer=writer, seed=hand_seed, blank=blank,
                                        stray=stray)
    size = layout.size
    look = np.random.default_rng(look_seq)
    matrix = geometry("photo", size, look)
    look_state = look.bit_generator.state

    def warp(plane):
        return cv2.warpPerspective(plane, matrix, size, flags=cv2.INTER_LINEAR)

    sheet = warp(np.ones(ink.shape, np.float32))
    toner = warp((255 - printed).astype(np.float32) / 255)
    # photo_look lays one ink on the paper.  The print and the handwriting are
    # photographed under the same light (the same random state) and the darker
    # of the two kept at each pixel.
    photos = []
    for coverage, colour in ((toner, TONER), (warp(ink), writer.ink)):
        look.bit_generator.state = look_state
        photos.append(photo_look(coverage, sheet, writer.pen, colour, look, dpi=dpi))
    image = np.minimum(*photos)

    def photo_box(x, y, w, h):
        ys, xs = np.nonzero(ink[y:y + h, x:x + w] >= TRUTH_LEVEL)
        mapped = _map_points(xs + x, ys + y, matrix)
        lo, hi = np.floor(mapped.min(axis=0)), np.ceil(mapped.max(axis=0))
        return [int(lo[0]), int(lo[1]), int(hi[0] - lo[0]) + 1, int(hi[1] - lo[1]) + 1]

    digits_truth = [(photo_box(*g["box"]), g["label"], g["row"],
                     g["row"] * layout.repeats + g["col"]) for g in glyphs]
    lines = [" ".join(str(g["label"]) for g in glyphs if g["row"] == row)
             for row in range(layout.rows)]
    truth = _truth_dict(name, size, digits_truth, lines)
    # The stray marks are not the sheet's digits, so a page's truth has no
    # place for them: they are kept beside it (save_page leaves them out).
    truth["stray"] = [photo_box(*box) for box in strays]
    return image, truth
