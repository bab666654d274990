"""Tests of ocrkit.segment on ink masks built from MNIST digits and cv2 drawings.

Every page is assembled here, so the true box of each digit is known: it is
the bounding box of the ink pasted for it.
"""

import cv2
import numpy as np
import pytest

from ocrkit.errors import OptionError
from ocrkit.segment import connected_components, reading_order, segment_digits


@pytest.fixture(scope="module")
def mnist(mnist_subset):
    data = mnist_subset(10, 600, seed=0)
    return data.x_test, data.y_test


def digit_mask(image, height):
    """An MNIST digit cropped to its ink, scaled to ``height`` rows, as a bool mask."""
    rows = np.flatnonzero(image.any(axis=1))
    cols = np.flatnonzero(image.any(axis=0))
    crop = image[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    width = max(1, round(crop.shape[1] * height / crop.shape[0]))
    return cv2.resize(crop, (width, height), interpolation=cv2.INTER_LINEAR) >= 128


def ordinary_digits(mnist, height, count):
    """``count`` digit masks in one piece and of ordinary width (within 20 % of the median).

    Cutting touching digits apart is judged by width, so digits of unusual
    width (a "1", a wide "0") are left for other tests.
    """
    images, labels = mnist
    masks = [digit_mask(image, height) for image in images]
    widths = np.array([m.shape[1] for m in masks])
    median = np.median(widths[labels != 1])
    chosen = [m for m, w, label in zip(masks, widths, labels)
              if label != 1 and abs(w - median) <= 0.2 * median
              and cv2.connectedComponents(m.astype(np.uint8))[0] == 2]
    assert len(chosen) >= count
    return chosen[:count]


def paste(page, mask, x, y):
    """OR ``mask`` into ``page`` at (x, y); return the true ``x, y, w, h`` of its ink."""
    page[y:y + mask.shape[0], x:x + mask.shape[1]] |= mask
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return (x + cols[0], y + rows[0], cols[-1] - cols[0] + 1, rows[-1] - rows[0] + 1)


def compose(lines, height, *, gaps=0.6, line_gap=1.0, margin=1.0, shape=None):
    """Lines of digit masks on a blank page; the page and the true boxes in reading order.

    ``gaps`` is the space after each digit in digit heights: one number, or
    one list per line.
    """
    rows = int((len(lines) * (1 + line_gap) - line_gap + 2 * margin) * height)
    widest = max(sum(m.shape[1] for m in masks) for masks in lines)
    per_line = gaps if isinstance(gaps, list) else [gaps] * len(lines)
    per_gap = [np.broadcast_to(g, len(masks)) for g, masks in zip(per_line, lines)]
    cols = int(widest + max(g.sum() for g in per_gap) * height + 2 * margin * height)
    page = np.zeros(shape or (rows, cols), bool)
    truth = []
    for k, (masks, line_gaps) in enumerate(zip(lines, per_gap)):
        x, y = int(margin * height), int((margin + k * (1 + line_gap)) * height)
        for mask, gap in zip(masks, line_gaps):
            truth.append(paste(page, mask, x, y))
            x += mask.shape[1] + int(gap * height)
    return page, np.array(truth)


def centres(boxes):
    boxes = np.asarray(boxes, float)
    return boxes[:, :2] + boxes[:, 2:] / 2


# ------------------------------------------------------- boxes and order
@pytest.mark.parametrize("height", [20, 60, 150])
def test_finds_exactly_the_pasted_digits_in_reading_order(mnist, height):
    images = mnist[0]
    lines = [[digit_mask(images[i], height) for i in range(6)],
             [digit_mask(images[i], height) for i in range(6, 11)]]
    page, truth = compose(lines, height)
    found = segment_digits(page)
    np.testing.assert_array_equal(found.boxes, truth)
    np.testing.assert_array_equal(found.line, [0] * 6 + [1] * 5)
    assert len(found) == len(found.masks) == 11
    for box, mask in zip(found.boxes, found.masks):
        assert mask.shape == (box[3], box[2]) and mask.dtype == bool
        assert mask[0].any() and mask[-1].any() and mask[:, 0].any() and mask[:, -1].any()
    assert 0.8 * height <= found.digit_height <= 1.05 * height


# ------------------------------------------------------------ broken digits
def broken_five(height, pen):
    """A 5 whose top bar does not touch its body: (mask, number of pieces)."""
    r = pen // 2 + 1
    width = int(0.6 * height)
    mask = np.zeros((height, width), np.uint8)
    cv2.line(mask, (r + 2, r), (width - r, r), 1, pen)  # the bar
    gap = 2 * pen
    cv2.line(mask, (r + 1, r + gap + pen), (r, int(0.45 * height)), 1, pen)
    cv2.ellipse(mask, (width // 2, int(0.7 * height) - r // 2),
                (width // 2 - r, int(0.3 * height) - r), 0, -160, 150, 1, pen)
    return mask.astype(bool)


def broken_seven(height, pen):
    """A 7 whose stem is broken halfway down."""
    r = pen // 2 + 1
    width = int(0.6 * height)
    mask = np.zeros((height, width), np.uint8)
    middle = (int(0.55 * width), height // 2)
    cv2.line(mask, (r, r), (width - r, r), 1, pen)
    cv2.line(mask, (width - r, r), middle, 1, pen)
    gap = 2 * pen
    cv2.line(mask, (middle[0] - gap // 3, middle[1] + gap), (int(0.2 * width), height - r), 1, pen)
    return mask.astype(bool)


def pieces(mask):
    return cv2.connectedComponents(mask.astype(np.uint8))[0] - 1


@pytest.mark.parametrize("height", [40, 90])
def test_parts_of_a_broken_digit_are_merged_into_one_box(mnist, height):
    pen = max(2, height // 10)
    five, seven = broken_five(height, pen), broken_seven(height, pen)
    assert pieces(five) == 2 and pieces(seven) == 2
    whole = ordinary_digits(mnist, height, 5)
    page, truth = compose([whole[:2] + [five] + whole[2:4] + [seven] + whole[4:]], height)
    found = segment_digits(page)
    np.testing.assert_array_equal(found.boxes, truth)
    # Without merging, neither broken digit is found whole: the merge did it.
    unmerged = {tuple(box) for box in segment_digits(page, merge=False).boxes.tolist()}
    assert tuple(truth[2]) not in unmerged and tuple(truth[5]) not in unmerged


def open_four(height, pen):
    """A 4 in two strokes that do not touch: an L, and a stem down past the end of its bar."""
    r = pen // 2 + 1
    width = int(0.6 * height)
    mask = np.zeros((height, width), np.uint8)
    bar = int(0.6 * height)
    cv2.line(mask, (int(0.4 * width), r), (r, bar), 1, pen)
    cv2.line(mask, (r, bar), (int(0.55 * width), bar), 1, pen)
    cv2.line(mask, (width - 2 * r, int(0.1 * height)), (width - 2 * r, height - r), 1, pen)
    return mask.astype(bool)


def bar(height, pen):
    """A plain 1: one upright stroke, full height."""
    mask = np.zeros((height, pen + 2), bool)
    mask[:, 1:1 + pen] = True
    return mask


@pytest.mark.parametrize("height", [40, 90])
def test_a_digit_in_two_strokes_side_by_side_is_joined_when_it_reads_better(mnist, height):
    pen = max(2, height // 12)
    four = open_four(height, pen)
    assert pieces(four) == 2
    whole = ordinary_digits(mnist, height, 4)
    page, truth = compose([whole[:2] + [four] + whole[2:]], height)
    union_width = truth[2][2]

    # A classifier sure of the two strokes together, and unsure of each.
    def sure_of_the_four(masks):
        return [0.95 if abs(m.shape[1] - union_width) <= 1 else 0.5 for m in masks]

    found = segment_digits(page, scorer=sure_of_the_four)
    np.testing.assert_array_equal(found.boxes, truth)
    # One sure of each stroke alone (a pair of 1s) keeps them apart, and so
    # does reading without a classifier.
    def sure_of_the_strokes(masks):
        return [0.3 if abs(m.shape[1] - union_width) <= 1 else 0.99 for m in masks]

    assert len(segment_digits(page, scorer=sure_of_the_strokes)) == len(truth) + 1
    assert len(segment_digits(page)) == len(truth) + 1

    # Strokes that make no sure digit together stay apart, however unsure
    # each is alone.
    def unsure_of_both(masks):
        return [0.7 if abs(m.shape[1] - union_width) <= 1 else 0.2 for m in masks]

    assert len(segment_digits(page, scorer=unsure_of_both)) == len(truth) + 1


def test_two_1s_written_close_are_never_joined(mnist):
    height = 60
    pen = height // 12
    one = bar(height, pen)
    whole = ordinary_digits(mnist, height, 4)
    page, truth = compose([whole[:2] + [one, one] + whole[2:]], height,
                          gaps=[[0.6, 0.6, 0.05, 0.6, 0.6, 0.6]])
    found = segment_digits(page, scorer=lambda masks: [0.99] * len(masks))
    np.testing.assert_array_equal(found.boxes, truth)


@pytest.mark.parametrize("seed", [7, 51, 72])
def test_a_4_in_two_strokes_on_grainy_paper_is_read(seed):
    # Photos of a sheet on fabric whose "46" came out as "116": the grain
    # had parted the 4's two strokes.
    from ocrkit.pipeline import read_page
    from ocrkit.synth import hard_cases

    (case,) = hard_cases(seed=seed, names=["paper_on_fabric"])
    assert read_page(case.image).lines == case.truth["lines"]


def test_merge_does_not_join_digits_of_the_line_below(mnist):
    height = 60
    digits = ordinary_digits(mnist, height, 8)
    page, truth = compose([digits[:4], digits[4:]], height, line_gap=0.2)
    found = segment_digits(page)
    np.testing.assert_array_equal(found.boxes, truth)
    np.testing.assert_array_equal(found.line, [0] * 4 + [1] * 4)


# --------------------------------------------------------- touching digits
def touching(masks, *, max_overlap=5):
    """The digits side by side, each pasted 1 to ``max_overlap`` px into the last, touching.

    Returns the blob's mask and the true centres of its digits, or None if
    they do not touch within ``max_overlap``.
    """
    height = max(m.shape[0] for m in masks)
    for overlap in range(1, max_overlap + 1):
        blob = np.zeros((height, sum(m.shape[1] for m in masks)), bool)
        x, boxes = 0, []
        for mask in masks:
            boxes.append(paste(blob, mask, x, 0))
            x += mask.shape[1] - overlap
        if pieces(blob) == 1:
            return blob[:, :x + overlap], centres(boxes)
    return None


def touching_page(mnist, count, case, height=60):
    """Five separate digits, then the ``case``-th group of ``count`` digits that touch."""
    pool = ordinary_digits(mnist, height, 120)
    start = 0
    while True:
        group = touching(pool[start:start + count])
        if group is not None:
            if case == 0:
                break
            case -= 1
        start += count
    blob, true_centres = group
    page, truth = compose([pool[start + count:start + count + 5] + [blob]], height)
    return page, truth[:-1], true_centres + truth[-1][:2]


@pytest.mark.parametrize("count", [2, 3])
@pytest.mark.parametrize("case", range(3))
def test_touching_digits_are_cut_apart_near_their_centres(mnist, count, case):
    height = 60
    page, alone, true_centres = touching_page(mnist, count, case, height)
    found = segment_digits(page)
    assert len(found) == len(alone) + count
    np.testing.assert_array_equal(found.boxes[:len(alone)], alone)
    cut = found.boxes[len(alone):]
    # A straight cut cannot follow a stroke that leans over the neighbour, so
    # a piece may lose some rows of its digit; it keeps its place in the line.
    assert np.abs(centres(cut)[:, 0] - true_centres[:, 0]).max() < 0.25 * height
    assert np.all(cut[:, 3] >= 0.35 * height)
    assert len(segment_digits(page, split=False)) == len(alone) + 1


def test_a_scorer_decides_whether_a_blob_is_cut(mnist):
    page, alone, true_centres = touching_page(mnist, 2, 1)
    blob_width = segment_digits(page, split=False).boxes[-1][2]

    def sure_of_the_whole(masks):
        return [1.0 if m.shape[1] >= 0.9 * blob_width else 0.3 for m in masks]

    def sure_of_the_pieces(masks):
        return [0.1 if m.shape[1] >= 0.9 * blob_width else 0.95 for m in masks]

    assert len(segment_digits(page, scorer=sure_of_the_whole)) == len(alone) + 1
    cut = segment_digits(page, scorer=sure_of_the_pieces).boxes[len(alone):]
    assert len(cut) == 2
    assert np.abs(centres(cut)[:, 0] - true_centres[:, 0]).max() < 0.25 * 60


# ------------------------------------------------------- lines and numbers
def test_a_line_rotated_by_3_degrees_stays_one_line(mnist):
    height = 40
    digits = ordinary_digits(mnist, height, 16)
    page, truth = compose([digits], height, margin=3.0)
    rows, cols = page.shape
    # 3 degrees over this page is a rise of ~1.7 digit heights from end to end.
    assert cols * np.tan(np.radians(3)) > 1.5 * height
    turn = cv2.getRotationMatrix2D((cols / 2, rows / 2), 3, 1.0)
    rotated = cv2.warpAffine(page.astype(np.float32), turn, (cols, rows)) >= 0.5
    true_centres = centres(truth) @ turn[:, :2].T + turn[:, 2]
    found = segment_digits(rotated)
    assert len(found) == len(digits)
    np.testing.assert_array_equal(found.line, 0)
    assert np.all(np.diff(found.boxes[:, 0]) > 0)
    assert np.abs(centres(found.boxes) - true_centres).max() < 0.15 * height


def test_lines_are_read_top_to_bottom(mnist):
    height = 50
    digits = ordinary_digits(mnist, height, 12)
    page, truth = compose([digits[:5], digits[5:9], digits[9:]], height, line_gap=0.6)
    found = segment_digits(page)
    np.testing.assert_array_equal(found.boxes, truth)
    np.testing.assert_array_equal(found.line, [0] * 5 + [1] * 4 + [2] * 3)


def test_digits_are_grouped_into_numbers_by_the_gaps(mnist):
    height = 50
    digits = ordinary_digits(mnist, height, 9)
    near, far = 0.15, 1.2
    # "123 45 6" and "789": gaps after each digit, in digit heights.
    gaps = [[near, near, far, near, far, far], [near, near, far]]
    page, truth = compose([digits[:6], digits[6:]], height, gaps=gaps)
    found = segment_digits(page)
    np.testing.assert_array_equal(found.boxes, truth)
    np.testing.assert_array_equal(found.number, [0, 0, 0, 1, 1, 2, 3, 3, 3])
    np.testing.assert_array_equal(found.line, [0] * 6 + [1] * 3)


# -------------------------------------------------- what is not a digit
def test_page_frame_and_ruled_lines_are_dropped_with_their_reason(mnist):
    height = 50
    digits = ordinary_digits(mnist, height, 12)
    page, truth = compose([digits[:8], digits[8:]], height, margin=1.5, line_gap=1.2)
    rows, cols = page.shape
    canvas = page.astype(np.uint8)
    frame = np.zeros_like(canvas)
    cv2.rectangle(frame, (4, 4), (cols - 5, rows - 5), 1, 3)
    canvas |= frame
    # Under the first four digits an underline; under the second line, a rule
    # across the page.
    below = [int(truth[k:k + 8, 1].max() + truth[k:k + 8, 3].max() + 0.2 * height) for k in (0, 8)]
    cv2.line(canvas, (int(truth[0, 0]), below[0]), (int(truth[3, 0] + truth[3, 2]), below[0]), 1, 2)
    cv2.line(canvas, (int(0.5 * height), below[1]), (cols - int(0.5 * height), below[1]), 1, 2)
    found = segment_digits(canvas.astype(bool))
    np.testing.assert_array_equal(found.boxes, truth)
    assert len(found.dropped) == 3
    reasons = {tuple(int(v) for v in box): reason for box, reason in found.dropped}
    assert reasons[paste(np.zeros_like(page), frame.astype(bool), 0, 0)] == "table or frame lines"
    short = next(box for box in reasons if box[3] < 0.2 * height and box[1] < below[1] - height)
    assert reasons[short] == "ruled line"


def test_specks_are_dropped(mnist):
    height = 60
    digits = ordinary_digits(mnist, height, 6)
    page, truth = compose([digits], height)
    canvas = page.astype(np.uint8)
    rng = np.random.default_rng(2)
    near_ink = cv2.dilate(canvas, np.ones((15, 15), np.uint8)).astype(bool)
    dots = 0
    for x, y in zip(rng.integers(3, page.shape[1] - 3, 60), rng.integers(3, page.shape[0] - 3, 60)):
        if not near_ink[y, x]:
            cv2.circle(canvas, (int(x), int(y)), 1, 1, -1)
            near_ink[y - 7:y + 8, x - 7:x + 8] = True
            dots += 1
    assert dots >= 30
    found = segment_digits(canvas.astype(bool))
    np.testing.assert_array_equal(found.boxes, truth)
    assert len(found.dropped) == dots
    assert all(box[2] <= 3 and box[3] <= 3 for box, _ in found.dropped)


def test_a_large_blot_is_too_large_for_a_digit(mnist):
    height = 40
    digits = ordinary_digits(mnist, height, 6)
    page, truth = compose([digits], height, margin=4.0)
    assert page.shape[0] >= int(8.5 * height) and truth[:, 1].max() + height < 5.2 * height
    canvas = page.astype(np.uint8)
    # A round blot 3.2 digit heights across, in the empty space under the line.
    cv2.circle(canvas, (page.shape[1] // 2, int(6.8 * height)), int(1.6 * height), 1, -1)
    found = segment_digits(canvas.astype(bool))
    np.testing.assert_array_equal(found.boxes, truth)
    assert [reason for _, reason in found.dropped] == ["too large for a digit"]


def test_a_tall_line_beside_a_number_does_not_make_it_a_word(mnist):
    # A piece of a margin line, four digit heights tall, close to a number's
    # first digit: taken for a word's tall letter, it made the digits its
    # short ones, and the number was dropped as a word.
    height = 40
    page, truth = compose([ordinary_digits(mnist, height, 4)], height, gaps=0.15, margin=4.0)
    x = truth[0, 0] - int(0.4 * height)
    page[int(2.5 * height):int(6.5 * height), x - 3:x] = True
    found = segment_digits(page)
    np.testing.assert_array_equal(found.boxes, truth)
    assert [reason for _, reason in found.dropped] == ["too large for a digit"]


def test_the_dashes_of_a_faint_ruled_line_do_not_make_a_number_a_word(mnist):
    # A faint line the digits stand on, broken into dashes in the gaps
    # between them: flat pieces, no short letters.
    height = 40
    page, truth = compose([ordinary_digits(mnist, height, 4)], height, gaps=0.6, margin=2.0)
    bottom = truth[:, 1] + truth[:, 3]
    for (x, _, w, _), (next_x, *_), low in zip(truth[:-1], truth[1:], bottom):
        page[low - 4:low - 2, x + w + 5:next_x - 5] = True
    found = segment_digits(page)
    np.testing.assert_array_equal(found.boxes, truth)
    assert [reason for _, reason in found.dropped] == ["too small for a digit"] * 3


def test_ink_cut_by_the_image_edge_is_dropped_but_a_whole_digit_at_the_edge_is_kept(mnist):
    height = 60
    digits = ordinary_digits(mnist, height, 7)
    page, truth = compose([digits[:5]], height)
    # The bottom half of a digit at the top left corner, and the top half of
    # one at the bottom edge: parts the image cuts off.
    page[:height // 2, :digits[5].shape[1]] |= digits[5][height // 2:]
    middle = page.shape[1] // 2
    page[-(height // 2):, middle:middle + digits[6].shape[1]] |= digits[6][:height // 2]
    found = segment_digits(page)
    np.testing.assert_array_equal(found.boxes, truth)
    assert [reason for _, reason in found.dropped] == ["cut by the image's edge"] * 2
    # A whole digit touching the edge is still a digit.
    cropped = page[:, truth[0, 0]:]
    assert len(segment_digits(cropped).boxes) == 5


@pytest.mark.parametrize("corner", ["top left", "bottom right"])
def test_a_strip_of_desk_along_the_sheets_edge_is_no_digit(mnist, corner):
    # A straightened sheet whose outline was found a little inside the
    # desk's edge keeps a speckled wedge of the desk along its edge: as tall
    # as a digit, four times as wide.
    height = 60
    digits = ordinary_digits(mnist, height, 5)
    page, truth = compose([digits], height, margin=2.0)
    rng = np.random.default_rng(0)
    rows, cols = np.mgrid[0:int(0.9 * height), 0:4 * height]
    wedge = (rows < 0.9 * height * (1 - cols / (4 * height))) & (rng.random(rows.shape) < 0.7)
    if corner == "top left":
        page[:wedge.shape[0], :wedge.shape[1]] |= wedge
    else:
        page[-wedge.shape[0]:, -wedge.shape[1]:] |= wedge[::-1, ::-1]
    found = segment_digits(page)
    np.testing.assert_array_equal(found.boxes, truth)
    assert "page border or shadow" in [reason for _, reason in found.dropped]


@pytest.mark.parametrize("side", ["left", "right"])
def test_one_stroke_along_a_straightened_sheets_side_is_its_rim(mnist, side):
    # A straightened sheet whose corner was found a pixel or two out keeps
    # a sliver of its dark rim along that side: one stroke, slanting a
    # little, as tall as a digit. Digits away from the edge are all kept.
    # In any other image the same stroke may be a 1 in a tight crop.
    height = 60
    digits = ordinary_digits(mnist, height, 5)
    page, truth = compose([digits], height, margin=2.0)
    top = page.shape[0] // 2 - height // 2
    for row in range(top, top + height):
        # Two pixels wide, leaving the edge by 4 pixels over its height:
        # too little of its box is ink for a solid border.
        inward = 4 * (row - top) // height
        columns = np.arange(inward, inward + 2)
        page[row, columns if side == "left" else page.shape[1] - 1 - columns] = True
    found = segment_digits(page, sheet_edges=True)
    np.testing.assert_array_equal(found.boxes, truth)
    assert "page border or shadow" in [reason for _, reason in found.dropped]
    assert len(segment_digits(page).boxes) == len(truth) + 1


@pytest.mark.parametrize("ink", [np.ones((200, 300), bool), np.zeros((200, 300), bool),
                                 np.zeros((0, 0), bool), np.zeros((0, 40), bool)],
                         ids=["all-ink", "no-ink", "0x0", "0x40"])
def test_pages_without_digits_give_an_empty_segmentation(ink):
    found = segment_digits(ink)
    assert len(found) == 0
    assert found.boxes.shape == (0, 4) and found.masks == []
    assert found.line.shape == found.number.shape == (0,)


def test_segment_digits_rejects_a_non_2d_mask():
    with pytest.raises(ValueError, match=r"2-D \(M, N\) mask"):
        segment_digits(np.zeros((10, 10, 3), bool))


def test_segment_digits_rejects_grey_levels_of_another_shape():
    with pytest.raises(OptionError, match="grey must have the ink's shape"):
        segment_digits(np.zeros((20, 30), bool), grey=np.zeros((30, 20), np.uint8))


# ------------------------------------------------------------ reading_order
@pytest.mark.parametrize("number_gap", [None, 0.45])
def test_reading_order_of_hand_made_boxes(number_gap):
    # Two lines given out of order; the second slopes down to the right.
    boxes = np.array([
        [215, 12, 30, 50],   # line 0, third digit of the second number
        [10, 10, 30, 50],    # line 0, first digit
        [45, 8, 30, 50],     # line 0, 5 px on: same number
        [150, 15, 30, 50],   # line 0, 75 px (1.5 heights) on: a new number
        [12, 110, 30, 50],   # line 1
        [50, 125, 30, 50],   # line 1, lower than its neighbour but overlapping it
        [88, 140, 30, 50],
        [183, 14, 30, 50],   # line 0
    ])
    order, line, number = reading_order(boxes, number_gap=number_gap)
    np.testing.assert_array_equal(order, [1, 2, 3, 7, 0, 4, 5, 6])
    np.testing.assert_array_equal(line, [0, 0, 0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(number, [0, 0, 1, 1, 1, 2, 2, 2])


def test_reading_order_chains_a_slanted_line_through_neighbours():
    # Each digit 20 px lower than the one before: the last is 1.6 heights
    # below the first, yet each overlaps its left neighbour.
    boxes = np.array([[10 + 40 * i, 10 + 20 * i, 30, 50] for i in range(5)])[::-1]
    order, line, _ = reading_order(boxes)
    np.testing.assert_array_equal(order, [4, 3, 2, 1, 0])
    np.testing.assert_array_equal(line, 0)


def test_numbers_far_apart_on_one_row_are_read_left_to_right():
    # The right-hand number sits 3 px higher than the left-hand one.
    boxes = np.array([[230, 97, 30, 50], [265, 97, 30, 50], [10, 100, 30, 50],
                      [45, 100, 30, 50], [10, 200, 30, 50], [45, 200, 30, 50]])
    order, line, number = reading_order(boxes)
    np.testing.assert_array_equal(order, [2, 3, 0, 1, 4, 5])
    assert np.all(np.diff(line) >= 0) and np.all(np.diff(number) >= 0)
    np.testing.assert_array_equal(number, [0, 0, 1, 1, 2, 2])


def test_reading_order_of_nothing():
    order, line, number = reading_order(np.zeros((0, 4)))
    assert order.shape == line.shape == number.shape == (0,)


@pytest.mark.parametrize("density", [0.0, 0.02, 0.3, 0.7, 1.0])
def test_connected_components_equal_opencvs_with_stats(density):
    ink = np.random.default_rng(3).random((61, 89)) < density
    labels, stats = connected_components(ink)
    count, cv_labels, cv_stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8),
                                                                     connectivity=8)
    np.testing.assert_array_equal(labels, cv_labels)
    np.testing.assert_array_equal(stats, cv_stats[1:])
    assert len(stats) == count - 1


def test_connected_components_measure_drawn_shapes():
    ink = np.zeros((40, 60), bool)
    ink[5:15, 10:13] = True  # a bar: x 10, y 5, 3 wide, 10 tall
    ink[20, 30:50] = True  # a line one pixel high
    ink[21, 50] = True  # touching it diagonally: the same 8-connected component
    labels, stats = connected_components(ink)
    np.testing.assert_array_equal(stats, [[10, 5, 3, 10, 30], [30, 20, 21, 2, 21]])
    assert labels[21, 50] == labels[20, 30] == 2


def _cut_scoring_everything(mask, typical_width, scorer):
    """The cut chosen when every candidate's every piece is scored: the reference."""
    from ocrkit.segment import _best_cut, _little_wider, _split_candidates

    candidates = _split_candidates(mask, typical_width, scored=True)
    if not candidates:
        return None
    whole = float(scorer([mask])[0])
    if _little_wider(mask.shape[1], typical_width) and whole >= 0.8:
        return None
    scores = np.concatenate([scorer([mask[:, a:b] for a, b in bounds]) for bounds in candidates])
    return _best_cut(mask.shape[1], candidates, whole, scores, typical_width)


@pytest.mark.parametrize("seed", range(4))
def test_cuts_scored_in_rounds_are_those_of_scoring_every_piece(seed):
    """Dropping candidates early must never change the cut: random blobs, a random scorer."""
    from ocrkit.segment import _split_blobs

    rng = np.random.default_rng(seed)
    masks = []
    for _ in range(40):
        rows, cols = int(rng.integers(20, 40)), int(rng.integers(20, 90))
        masks.append(rng.random((rows, cols)) < rng.uniform(0.2, 0.6))
    # Confidences that depend only on the piece (its size and ink), some of
    # them exactly 1 and many tied, as a sigmoid's saturate.
    levels = np.array([0.3, 0.55, 0.8, 0.9, 0.97, 1.0])

    def scorer(pieces):
        return np.array([levels[(int(p.sum()) * 7 + p.shape[1] * 3 + seed) % len(levels)]
                         for p in pieces])

    typical_width = float(rng.uniform(18, 30))
    ours = _split_blobs(masks, typical_width, scorer)
    reference = [_cut_scoring_everything(mask, typical_width, scorer) for mask in masks]
    assert ours == reference
    assert any(cut is not None for cut in ours)  # some blobs are cut, so the test bites
