"""Tests of the pictures drawn on arrays (ocrkit.render, render_steps, render_tags).

On blank pages and synthetic ink, where every drawn pixel is known to be the
drawing's.
"""

import cv2
import numpy as np
import pytest

from ocrkit.render import (
    REASON_COLOURS,
    SURE_COLOUR,
    UNSURE_COLOUR,
    draw_annotations,
    draw_box,
    draw_digits,
    draw_explanation,
    draw_label,
    label_size,
    put_text,
    text_size,
)
from ocrkit.render_steps import (
    DROPPED_COLOUR,
    HOLE_COLOUR,
    LINE_COLOURS,
    OUTER_COLOUR,
    draw_contours,
    draw_removed,
    draw_segmentation,
    montage,
)
from ocrkit.render_tags import tag_layout
from ocrkit.segment import Segmentation, segment_digits

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


def has_colour(canvas, colour):
    return bool((canvas == np.array(colour, np.uint8)).all(axis=-1).any())


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


def test_a_label_at_the_right_edge_is_moved_onto_the_page():
    annotated = draw_annotations(blank(), [(COLS - 12, 100, 12, 50)], [7], [0.1],
                                 reject_below=0.5)
    # The "7?" label is wider than its box: it ends at the page's last column.
    panel = (annotated[:100] == UNSURE_COLOUR).all(axis=2)
    cols = np.flatnonzero(panel.any(axis=0))
    assert cols[-1] == COLS - 1 and cols[0] < COLS - 12


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


# ---------------------------------------------------------- text and labels

@pytest.mark.parametrize("height", [8, 20, 27, 45])
def test_text_is_as_tall_as_asked_above_its_baseline(height):
    (width, tall), _ = text_size("8", height=height)
    assert tall == height
    canvas = np.zeros((100, 100), np.uint8)
    put_text(canvas, "8", (10, 70), height=height, colour=255)
    rows = np.flatnonzero(canvas.any(axis=1))
    cols = np.flatnonzero(canvas.any(axis=0))
    # The digit stands on the baseline at row 70, from column 10 on, its ink
    # a little shorter than the text's measured height.
    assert abs(rows[-1] - 70) <= 1 and 0.75 * height <= rows[-1] - rows[0] + 1 <= height
    assert abs(cols[0] - 10) <= 2 and cols[-1] <= 10 + width


@pytest.mark.parametrize("fit", ["font", "ink"])
@pytest.mark.parametrize("text", ["7", "L12", "stray ink", "row 3: 9 of 10"])
def test_a_label_holds_its_text_on_its_panel(fit, text):
    canvas = blank(3, value=0)
    x0, y0, x1, y1 = draw_label(canvas, text, (50, 60), height=18, background=SURE_COLOUR,
                                fit=fit)
    assert (x0, y0) == (50, 60)
    assert (x1 - x0, y1 - y0) == label_size(text, height=18, fit=fit)
    drawn = (canvas != 0).any(axis=2)
    # Nothing outside the label; the panel fills it, the white text lies on it.
    assert not drawn[:y0].any() and not drawn[y1:].any()
    assert not drawn[:, :x0].any() and not drawn[:, x1:].any()
    panel = canvas[y0:y1, x0:x1]
    assert drawn[y0:y1, x0:x1].all()
    assert (panel == SURE_COLOUR).all(axis=2).mean() > 0.5
    white = (panel == 255).all(axis=2)
    assert white.any()
    # The text keeps the padding (a stroke and a pixel) clear of the edges.
    pad = max(1, round(18 / 8)) + 1
    assert not white[:pad].any() and not white[-pad:].any()
    assert not white[:, :pad].any() and not white[:, -pad:].any()


def test_an_ink_fitted_label_is_snug_around_its_text():
    canvas = blank(value=0)
    x0, y0, x1, y1 = draw_label(canvas, "42", (30, 40), height=24, colour=255, pad=3,
                                fit="ink")
    rows = np.flatnonzero(canvas.any(axis=1))
    cols = np.flatnonzero(canvas.any(axis=0))
    # The ink is the label less its padding, on every side, and about 24 px tall.
    assert (cols[0], rows[0], cols[-1] + 1, rows[-1] + 1) == (x0 + 3, y0 + 3, x1 - 3, y1 - 3)
    assert abs((y1 - y0 - 6) - 24) <= 1


@pytest.mark.parametrize("corner", [(-30, -30), (COLS - 5, 10), (10, ROWS - 2),
                                    (COLS + 50, ROWS + 50)])
def test_a_label_at_the_edge_is_moved_inside_the_image_whole(corner):
    middle = blank(3)
    x0, y0, x1, y1 = draw_label(middle, "row 2: 10", (100, 100), height=16,
                                background=UNSURE_COLOUR)
    whole = middle[y0:y1, x0:x1]
    edge = blank(3)
    x0, y0, x1, y1 = draw_label(edge, "row 2: 10", corner, height=16, background=UNSURE_COLOUR)
    assert 0 <= x0 and x1 <= COLS and 0 <= y0 and y1 <= ROWS
    # At the edge it touches, and it is the same picture as in the middle.
    assert x0 == 0 or x1 == COLS or y0 == 0 or y1 == ROWS
    assert np.array_equal(edge[y0:y1, x0:x1], whole)
    changed = (edge != 255).any(axis=2)
    changed[y0:y1, x0:x1] = False
    assert not changed.any()


def test_a_label_has_no_font_but_font_and_ink():
    with pytest.raises(ValueError, match="fit must be 'font' or 'ink'"):
        label_size("1", height=10, fit="serif")


def test_a_box_outline_is_drawn_on_the_box_edge():
    canvas = blank(3, value=0)
    draw_box(canvas, (10, 20, 30, 15), (255, 0, 0))
    outline = np.zeros((ROWS, COLS), bool)
    outline[20:35, 10:40] = True
    outline[21:34, 11:39] = False
    assert np.array_equal((canvas != 0).any(axis=2), outline)


@pytest.mark.parametrize("thickness", [1, 2, 3, 4, 5])
def test_a_box_outline_drawn_inside_has_the_box_as_outer_edge(thickness):
    canvas = blank(value=0)
    draw_box(canvas, (10, 20, 30, 15), 255, thickness, inside=True)
    rows = np.flatnonzero(canvas.any(axis=1))
    cols = np.flatnonzero(canvas.any(axis=0))
    assert (cols[0], rows[0], cols[-1] + 1, rows[-1] + 1) == (10, 20, 40, 35)
    # A line at least as thick as asked, and a hole left in the middle.
    assert (canvas[27, 10:10 + thickness] == 255).all()
    assert canvas[27, 25] == 0


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


# ------------------------------------------- steps: ink, contours, segmentation

def ring(size=80):
    mask = np.zeros((size, size), np.uint8)
    cv2.circle(mask, (size // 2, size // 2), 30, 1, -1)
    cv2.circle(mask, (size // 2, size // 2), 15, 0, -1)
    return mask.astype(bool)


def test_contours_of_a_ring_outline_blue_hole_magenta():
    mask = ring()
    contours, hierarchy = cv2.findContours(mask.astype(np.uint8), cv2.RETR_TREE,
                                           cv2.CHAIN_APPROX_NONE)
    canvas = draw_contours(mask, contours, hierarchy)
    assert canvas.shape == (80, 80, 3) and canvas.dtype == np.uint8
    # The hole's outline lies within the hole's radius, the outer one outside it.
    yy, xx = np.mgrid[:80, :80]
    radius = np.hypot(yy - 40, xx - 40)
    hole = (canvas == HOLE_COLOUR).all(axis=-1)
    outer = (canvas == OUTER_COLOUR).all(axis=-1)
    assert hole.any() and outer.any()
    assert radius[hole].max() < 20
    assert radius[outer].min() > 25
    assert tuple(canvas[0, 0]) == (255, 255, 255)


def test_contours_without_hierarchy_are_all_outlines():
    mask = ring()
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    canvas = draw_contours(mask, contours)
    assert has_colour(canvas, OUTER_COLOUR)
    assert not has_colour(canvas, HOLE_COLOUR)


def two_lines_page():
    """Seven bars as digits on two lines, and one speck; the page and its ink."""
    ink = np.zeros((240, 420), bool)
    for x in (20, 60, 100, 220, 260):
        ink[30:90, x:x + 25] = True
    for x in (20, 60):
        ink[140:200, x + 40:x + 65] = True
    ink[120, 330] = True
    return np.where(ink, 30, 220).astype(np.uint8), ink


def test_segmentation_drawing_colours_boxes_by_line_and_marks_drops():
    page, ink = two_lines_page()
    found = segment_digits(ink, merge=False, split=False)
    assert len(found) == 7 and len(found.dropped) == 1
    before = page.copy()
    canvas = draw_segmentation(page, found)
    np.testing.assert_array_equal(page, before)  # the page itself is not drawn on
    assert canvas.shape == page.shape + (3,)
    assert has_colour(canvas, LINE_COLOURS[0])
    assert has_colour(canvas, LINE_COLOURS[1])
    assert has_colour(canvas, DROPPED_COLOUR)
    # Each box's right edge is drawn in its line's colour.
    for (x, y, w, h), line in zip(found.boxes, found.line):
        column = canvas[y + h // 2, x + w - 1]
        assert tuple(column) == LINE_COLOURS[line]


def test_segmentation_drawing_can_leave_out_tags_and_drops():
    page, ink = two_lines_page()
    found = segment_digits(ink, merge=False, split=False)
    plain = draw_segmentation(ink, found, order=False, lines=False, dropped=False)
    assert not has_colour(plain, DROPPED_COLOUR)
    # Without tags, only box outlines (3 px wide for 60 px digits, centred
    # on the box edge) differ from the black-on-white ink.
    coloured = ~(plain == plain[..., :1]).all(axis=-1)
    outlines = np.zeros(ink.shape, bool)
    for x, y, w, h in found.boxes:
        outlines[y - 2:y + h + 2, x - 2:x + w + 2] = True
        outlines[y + 3:y + h - 3, x + 3:x + w - 3] = False
    assert not (coloured & ~outlines).any()
    tagged = draw_segmentation(ink, found)
    assert (~(tagged == tagged[..., :1]).all(axis=-1) & ~outlines).any()


def test_segmentation_drawing_on_ink_turns_dropped_ink_red():
    page, ink = two_lines_page()
    ink[:, 400:] = True  # a shadow down the right edge: a page border
    found = segment_digits(ink, merge=False, split=False)
    reasons = sorted(reason for _, reason in found.dropped)
    assert len(found) == 7 and "page border or shadow" in reasons
    canvas = draw_segmentation(ink, found, order=False, lines=False)
    red = (canvas == DROPPED_COLOUR).all(axis=-1)
    assert red[:, 400:].all()  # the border's ink itself, not a box around it
    # Left of the border only the speck at (120, 330) is red: the border gets
    # no box, which would cross the page.
    rows, cols = np.nonzero(red[:, :400])
    assert rows.size > 0
    assert np.abs(rows - 120).max() <= 2 and np.abs(cols - 330).max() <= 2


def test_segmentation_drawing_refuses_a_stack():
    page, ink = two_lines_page()
    found = segment_digits(ink)
    with pytest.raises(ValueError, match=r"\(M, N\) or \(M, N, 3\)"):
        draw_segmentation(np.zeros((2, 3, 4, 5), np.uint8), found)


def crowded_page():
    """Twelve narrow digits close together from the left edge, and one more line."""
    boxes = [(30 * k, 40, 20, 60) for k in range(12)] + [(0, 180, 20, 60)]
    line = np.array([0] * 12 + [1])
    found = Segmentation(np.array(boxes), [np.ones((60, 20), bool)] * 13, line, line.copy(),
                         digit_height=60.0, stroke_width=6.0)
    return np.full((280, 420), 255, np.uint8), found


def test_segmentation_tags_neither_overlap_nor_cover_digits():
    page, found = crowded_page()
    tags = tag_layout(found.boxes, found.line, found.digit_height, page.shape)
    assert [text for text, *_ in tags] == ["L0", "L1"] + [str(i) for i in range(13)]
    rects = np.array([rect for _, _, rect, _ in tags])
    assert (rects[:, :2] >= 0).all() and (rects[:, 2] <= 420).all() and (rects[:, 3] <= 280).all()
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)
        for x, y, w, h in found.boxes:
            assert a[2] <= x or x + w <= a[0] or a[3] <= y or y + h <= a[1], (a, (x, y, w, h))
    # Readable: every tag at least a quarter of a digit tall.
    assert (rects[:, 3] - rects[:, 1] >= 0.25 * found.digit_height).all()


def test_segmentation_tags_leave_dropped_pieces_visible():
    # A 7 whose top bar came off: the bar, dropped, lies where its tag would go.
    line = np.zeros(1, int)
    found = Segmentation(np.array([(40, 60, 30, 60)]), [np.ones((60, 30), bool)], line,
                         line.copy(), digit_height=60.0, stroke_width=6.0,
                         dropped=[((40, 48, 30, 6), "too small for a digit")])
    page = np.full((200, 200), 255, np.uint8)
    canvas = draw_segmentation(page, found, lines=False)
    bar = canvas[48:54, 40:70]
    assert not (bar == LINE_COLOURS[0]).all(axis=-1).any()
    assert has_colour(canvas, LINE_COLOURS[0])  # the tag went elsewhere


def test_segmentation_tags_stay_inside_the_image():
    page, found = crowded_page()
    canvas = draw_segmentation(page, found)
    # The second line starts at the left edge: its id is drawn whole from
    # column 0 on, in the line's colour, with white text on it.
    tag = (canvas[:, :40] == LINE_COLOURS[1]).all(axis=-1)
    rows, cols = np.nonzero(tag)
    assert rows.size > 0 and cols.min() == 0
    inside = canvas[rows.min():rows.max() + 1, :cols.max() + 1]
    assert (inside == 255).all(axis=-1).any()



def test_removed_specks_are_red_and_ringed_kept_ink_black():
    ink = np.zeros((200, 200), bool)
    ink[50:150, 90:100] = True  # a stroke, kept
    ink[20, 20] = True  # a speck, removed
    kept = ink.copy()
    kept[20, 20] = False
    canvas = draw_removed(ink, kept)
    assert tuple(canvas[100, 95]) == (0, 0, 0)
    assert tuple(canvas[20, 20]) == DROPPED_COLOUR
    red = (canvas == DROPPED_COLOUR).all(axis=-1)
    # A ring round the one-pixel speck (at least 3 px away) makes it visible.
    rows, cols = np.nonzero(red)
    distance = np.hypot(rows - 20, cols - 20)
    assert red.sum() > 10
    assert distance.max() >= 3 and distance.max() < 10
    assert tuple(canvas[199, 199]) == (255, 255, 255)


def test_removed_refuses_masks_of_two_shapes():
    with pytest.raises(ValueError, match="one shape"):
        draw_removed(np.zeros((5, 5), bool), np.zeros((5, 6), bool))


def test_montage_tiles_digits_row_by_row_with_padding():
    digits = np.stack([np.full((4, 3), k + 1, np.uint8) for k in range(5)])
    tiled = montage(digits, cols=2, pad=1, value=9)
    # Three rows of two tiles: 3 * (4 + 1) + 1 by 2 * (3 + 1) + 1.
    assert tiled.shape == (16, 9) and tiled.dtype == np.uint8
    assert (tiled[1:5, 1:4] == 1).all() and (tiled[1:5, 5:8] == 2).all()
    assert (tiled[11:15, 1:4] == 5).all()
    assert (tiled[11:15, 5:8] == 9).all()  # no sixth digit: padding
    assert (tiled[0] == 9).all() and (tiled[:, 4] == 9).all()


def test_montage_refuses_a_single_image():
    with pytest.raises(ValueError, match=r"\(K, M, N\) stack"):
        montage(np.zeros((28, 28)))
