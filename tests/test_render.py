"""Tests of ocrkit.render on blank pages, where every drawn pixel is known to be the drawing's."""

import numpy as np
import pytest

from ocrkit.render import (
    REASON_COLOURS,
    SURE_COLOUR,
    UNSURE_COLOUR,
    draw_annotations,
    draw_digits,
    draw_explanation,
)

WHITE = (255, 255, 255)
ROWS, COLS = 240, 360
# Three digits of one size on a line, far below the top of the page so that
# their labels fit above them: a sure 3, an unsure 7 and an unknown digit.
BOXES = [(40, 120, 30, 50), (140, 120, 30, 50), (240, 120, 30, 50)]
LABELS = [3, 7, -1]
CONFIDENCE = [0.9, 0.2, 0.0]
THICKNESS = 2  # of a box's outline: 50 px digits / 25


def blank(channels=None, value=255):
    shape = (ROWS, COLS) if channels is None else (ROWS, COLS, channels)
    return np.full(shape, value, np.uint8)


def edges(canvas, box):
    """Colours of a box's outline at the middle of its left, right and bottom edges."""
    x, y, w, h = box
    return [tuple(canvas[y + h // 2, x]), tuple(canvas[y + h // 2, x + w - 1]),
            tuple(canvas[y + h - 1, x + w // 2])]


def inside(canvas, box, margin=THICKNESS + 1):
    """The box's pixels clear of its outline."""
    x, y, w, h = box
    return canvas[y + margin:y + h - margin, x + margin:x + w - margin]


def label_panel(canvas, box):
    """The filled panel above a box, in its outline's colour, that holds its label."""
    x, y, _, h = box
    colour = canvas[y + h // 2, x]
    top = np.flatnonzero((canvas[:y, x] == colour).all(axis=1))[0]
    # The panel's top row is padding: the box's colour as far as the panel goes.
    right = x + np.flatnonzero(~(canvas[top, x:] == colour).all(axis=1))[0]
    return canvas[top:y, x:right]


# ------------------------------------------------------------- annotations

@pytest.mark.parametrize("channels", [None, 3, 4])
def test_annotations_draw_each_box_in_the_colour_of_its_certainty(channels):
    page = blank(channels)
    annotated = draw_annotations(page, BOXES, LABELS, CONFIDENCE, reject_below=0.5)
    assert annotated.shape == (ROWS, COLS, 3) and annotated.dtype == np.uint8
    assert (page == 255).all()  # drawn on a copy
    colours = [SURE_COLOUR, UNSURE_COLOUR, UNSURE_COLOUR]
    for box, colour in zip(BOXES, colours):
        assert edges(annotated, box) == [colour] * 3
        assert (inside(annotated, box) == 255).all()  # the digit itself is not covered


def test_annotations_draw_nothing_below_or_beside_the_boxes_and_their_labels():
    annotated = draw_annotations(blank(), BOXES, LABELS, CONFIDENCE, reject_below=0.5)
    changed = (annotated != 255).any(axis=2)
    bottom = max(y + h for _, y, _, h in BOXES)
    assert not changed[bottom + THICKNESS:].any()
    top = min(y for _, y, _, _ in BOXES)
    assert not changed[:top - 40].any()  # a label is 40 % of a digit's height, plus its padding
    left = min(x for x, _, _, _ in BOXES)
    assert not changed[:, :left - THICKNESS].any()


def test_annotations_write_the_label_above_each_box():
    # Two sure 3s and a sure 8 of the same size: the 3s' labels are the same
    # picture, the 8's another; each is white text on a panel of the box's colour.
    boxes = [(40, 120, 30, 50), (140, 120, 30, 50), (240, 120, 30, 50)]
    annotated = draw_annotations(blank(), boxes, [3, 3, 8], [0.9, 0.9, 0.9])
    panels = [label_panel(annotated, box) for box in boxes]
    for panel in panels:
        assert 0 < len(panel) <= 0.4 * 50 + 3 * THICKNESS + 8
        assert (panel == SURE_COLOUR).all(axis=2).mean() > 0.5
        assert (panel >= 200).all(axis=2).any()  # the white text
    assert np.array_equal(panels[0], panels[1])
    assert panels[0].shape != panels[2].shape or not np.array_equal(panels[0], panels[2])


def test_an_unsure_label_carries_a_question_mark():
    # The same digit, sure and unsure: the unsure one's panel holds "7?",
    # wider than the sure "7"; an unknown digit's holds "?" alone.
    boxes = [(40, 120, 30, 50), (140, 120, 30, 50), (240, 120, 30, 50)]
    annotated = draw_annotations(blank(), boxes, [7, 7, -1], [0.9, 0.2, 0.9], reject_below=0.5)
    sure, unsure, unknown = (label_panel(annotated, box) for box in boxes)
    assert (unsure == UNSURE_COLOUR).all(axis=2).mean() > 0.5
    assert (unknown == UNSURE_COLOUR).all(axis=2).mean() > 0.5
    assert unsure.shape[1] > sure.shape[1] and unsure.shape[1] > unknown.shape[1]


def test_a_label_near_the_top_stays_on_the_page():
    annotated = draw_annotations(blank(), [(40, 5, 30, 50)], [4], [1.0])
    assert tuple(annotated[0, 41]) == SURE_COLOUR  # its panel starts at the top row
    assert edges(annotated, (40, 5, 30, 50)) == [SURE_COLOUR] * 3


def test_annotations_of_no_digits_are_the_page_in_rgb():
    page = blank()
    page[50:60, 70:90] = 30
    annotated = draw_annotations(page, np.zeros((0, 4)), [], [])
    assert annotated.shape == (ROWS, COLS, 3)
    assert (annotated == page[..., None]).all()


# ------------------------------------------------------------------ digits

@pytest.mark.parametrize("shape", [(ROWS, COLS), (ROWS, COLS, 3)])
def test_recognised_digits_are_drawn_in_their_boxes_only(shape):
    page = draw_digits(shape, BOXES, LABELS)
    assert page.shape == (ROWS, COLS, 3) and page.dtype == np.uint8
    ink = (page != 255).any(axis=2)
    for (x, y, w, h), label in zip(BOXES, LABELS):
        inside_box = ink[y:y + h, x:x + w]
        if label >= 0:
            # Sized to the box: most of its height, across its middle.
            rows = np.flatnonzero(inside_box.any(axis=1))
            cols = np.flatnonzero(inside_box.any(axis=0))
            assert rows[-1] - rows[0] + 1 >= 0.6 * h
            assert cols[0] < w / 2 < cols[-1]
        else:
            assert not inside_box.any()
        ink[y:y + h, x:x + w] = False
    assert not ink.any()  # nothing outside the boxes


def test_digits_are_drawn_as_their_labels_in_the_ink_asked_for():
    boxes = [(20, 20, 40, 60), (120, 20, 40, 60), (220, 20, 40, 60)]
    page = draw_digits((100, 300), boxes, [1, 1, 8], ink=(200, 0, 0))
    crops = [page[y:y + h, x:x + w] for x, y, w, h in boxes]
    assert np.array_equal(crops[0], crops[1]) and not np.array_equal(crops[0], crops[2])
    darkest = crops[2].reshape(-1, 3)[np.argmin(crops[2].sum(axis=2))]
    assert tuple(darkest) == (200, 0, 0)
    assert (crops[2] != 255).any(axis=2).sum() > (crops[0] != 255).any(axis=2).sum()  # 8 > 1


def test_no_digits_give_a_white_page():
    assert (draw_digits((30, 40), [], []) == 255).all()
    assert (draw_digits((30, 40), [(5, 5, 10, 20)], [-1]) == 255).all()


# ------------------------------------------------------------- explanation

def test_explanation_shows_the_legend_the_digits_and_each_dropped_piece():
    grey = 100  # faded to 0.35 * 100 + 0.65 * 255 = 200
    ink = np.zeros((ROWS, COLS), bool)
    ink[130:160, 50:55] = True  # a stroke inside the digit's box
    dropped = [((200, 100, 4, 3), "speck"), ((250, 110, 60, 60), "too large for a digit"),
               ((120, 200, 40, 12), "ruled line")]
    digit = (40, 120, 30, 50)
    explained = draw_explanation(blank(value=grey), ink=ink, to_work=np.eye(3),
                                 boxes=[digit], dropped=dropped)
    assert explained.shape == (ROWS, COLS, 3) and explained.dtype == np.uint8
    # The legend: a white panel in the top-left corner, with a swatch of
    # each colour drawn, on the faded page.
    width = np.flatnonzero((explained[0] != 255).any(axis=1))[0]
    height = np.flatnonzero((explained[:, 0] != 255).any(axis=1))[0]
    assert 20 < width < COLS / 2 and 20 < height < digit[1]
    assert (explained[height + 1:, width + 1:][:20, :20] == 200).all()
    legend = {tuple(c) for c in explained[:height, :width].reshape(-1, 3)}
    assert SURE_COLOUR in legend
    assert {REASON_COLOURS[reason] for _, reason in dropped} <= legend
    # The digit's box in green, each dropped piece in its reason's colour.
    assert edges(explained, digit) == [SURE_COLOUR] * 3
    for box, reason in dropped:
        x, y, w, h = box
        assert tuple(explained[y + h // 2, x]) == REASON_COLOURS[reason]
        assert tuple(explained[y + h - 1, x + w // 2]) == REASON_COLOURS[reason]
    # The ink in dark blue, where the mask is.
    r, g, b = (int(v) for v in explained[145, 52])
    assert b > r and b > g and b < 200


def test_explanation_maps_the_ink_back_to_the_page():
    # The ink mask is at half the page's size: it is drawn at twice its scale.
    ink = np.zeros((ROWS // 2, COLS // 2), bool)
    ink[70:80, 100:110] = True
    to_work = np.diag([0.5, 0.5, 1.0])
    explained = draw_explanation(blank(), ink=ink, to_work=to_work, boxes=[], dropped=[])
    blue = (explained[..., 2] > explained[..., 0]) & (explained[..., 2] > 100) & (
        explained[..., 0] < 100)
    rows, cols = np.flatnonzero(blue.any(axis=1)), np.flatnonzero(blue.any(axis=0))
    # 20 x 20 page pixels where the mask's 10 x 10 are, to a pixel's rounding.
    assert len(rows) == len(cols) == 20
    assert abs(rows[0] - 140) <= 1 and abs(cols[0] - 200) <= 1
    assert blue.sum() == 400
