"""Tests of the figures in ocrkit.viz that notebooks 01 and 02 draw."""

import cv2
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ocrkit.explore import threshold_view  # noqa: E402
from ocrkit.segment import segment_digits  # noqa: E402
from ocrkit.viz import (  # noqa: E402
    DROPPED_COLOUR,
    HOLE_COLOUR,
    LINE_COLOURS,
    OUTER_COLOUR,
    draw_contours,
    draw_removed,
    draw_segmentation,
    show_histogram,
    show_images,
    show_threshold_view,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def has_colour(canvas, colour):
    return bool((canvas == np.array(colour, np.uint8)).all(axis=-1).any())


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
    from ocrkit.segment import Segmentation

    boxes = [(30 * k, 40, 20, 60) for k in range(12)] + [(0, 180, 20, 60)]
    line = np.array([0] * 12 + [1])
    found = Segmentation(np.array(boxes), [np.ones((60, 20), bool)] * 13, line, line.copy(),
                         digit_height=60.0, stroke_width=6.0)
    return np.full((280, 420), 255, np.uint8), found


def test_segmentation_tags_neither_overlap_nor_cover_digits():
    from ocrkit.viz import _tag_layout

    page, found = crowded_page()
    tags = _tag_layout(found.boxes, found.line, found.digit_height, page.shape)
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
    from ocrkit.segment import Segmentation

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


def test_histogram_draws_every_level_and_the_thresholds():
    grey = np.repeat(np.arange(256, dtype=np.uint8), 3).reshape(24, 32)
    fig = show_histogram(grey, thresholds={"fixed": 127, "Otsu": 140})
    ax = fig.axes[0]
    assert len(ax.patches) == 256
    assert [line.get_xdata()[0] for line in ax.lines] == [127, 140]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["fixed: 127", "Otsu: 140"]
    assert ax.get_yscale() == "log"


def test_histogram_refuses_float_images():
    with pytest.raises(ValueError, match="call to_grey first"):
        show_histogram(np.zeros((4, 4)))


def test_threshold_view_figure_shows_the_summary_and_the_level():
    grey = np.full((300, 200), 220, np.uint8)
    grey[100:200, 50:60] = 30
    view = threshold_view(grey, method="fixed", threshold=127)
    fig = show_threshold_view(view)
    histogram, ink = fig.axes
    assert ink.get_title().replace("\n", ": ") == view.summary()
    assert [line.get_xdata()[0] for line in histogram.lines] == [127]
    shown = ink.get_images()[0].get_array()
    assert shown.shape == (300, 200)
    assert float(shown.sum()) == 1000.0  # the 100 x 10 bar, at full size


def test_threshold_view_figure_shrinks_big_pages_for_display_only():
    grey = np.full((2400, 1800), 220, np.uint8)
    grey[1000:1400, 800:840] = 30
    view = threshold_view(grey, method="sauvola")
    fig = show_threshold_view(view)
    histogram, ink = fig.axes
    assert not histogram.lines  # a local method has no single threshold
    shown = np.asarray(ink.get_images()[0].get_array())
    assert max(shown.shape) <= 900
    # Area averaging keeps the amount of ink, in proportion to the area.
    assert shown.sum() / shown.size == pytest.approx(view.ink.mean(), rel=0.02)
    assert view.ink.shape == (2400, 1800)


def test_threshold_view_figure_says_which_settings_have_no_effect():
    grey = np.full((300, 200), 220, np.uint8)
    grey[100:200, 50:60] = 30
    for method, unused in [("fixed", "block_size has no effect"),
                           ("sauvola", "threshold has no effect"),
                           ("contrast", "threshold and block_size have no effect")]:
        fig = show_threshold_view(threshold_view(grey, method=method))
        assert fig.get_suptitle().startswith(method)
        assert fig.get_suptitle().endswith(unused)
    assert show_threshold_view(threshold_view(grey), note=False).get_suptitle() == ""


def test_threshold_view_figure_counts_the_digits_in_its_title():
    grey = np.full((300, 200), 220, np.uint8)
    grey[100:200, 50:60] = 30
    view = threshold_view(grey, method="fixed", threshold=127, boxes=[(50, 100, 10, 100)])
    _, ink = show_threshold_view(view).axes
    assert ink.get_title().split("\n") == ["fixed t=127", "1.67% ink, 1 components",
                                            "1 of 1 digits visible"]


def test_images_shrunk_for_display_keep_thin_strokes():
    mask = np.zeros((2000, 1000), bool)
    mask[:, 500] = True  # a stroke one pixel wide
    page = np.full((2000, 1000), 255, np.uint8)
    fig = show_images([mask, page], max_side=400)
    shown_mask, shown_page = (np.asarray(ax.get_images()[0].get_array()) for ax in fig.axes[:2])
    assert shown_mask.shape == shown_page.shape == (400, 200)
    # Area averaging keeps the stroke as a faint grey line in every row.
    assert (shown_mask.max(axis=1) > 0).all()
    assert shown_mask.sum() == pytest.approx(mask.sum() / 25, rel=0.01)
    # Without max_side, the images are shown as they are.
    plt.close("all")
    fig = show_images([mask])
    assert fig.axes[0].get_images()[0].get_array().shape == (2000, 1000)


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
