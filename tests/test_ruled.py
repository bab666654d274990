"""Ruled lines found in the ink they touch, and digits read off lined paper."""

import warnings

import cv2
import numpy as np
import pytest

from ocrkit.pipeline import read_page
from ocrkit.ruled import grid_line_pixels, margin_line_pixels, ruled_line_pixels, ruled_slant
from ocrkit.synth import PhotoConditions, hard_cases, render_photo


def _line_with_strokes(angle, cols=400):
    """A 2 px line at `angle` degrees across the mask, with three upright
    strokes standing on it; returns the mask, the line and the strokes."""
    slope = np.tan(np.radians(angle))
    rows = int(abs(slope) * cols) + 120
    first = 60 if slope >= 0 else rows - 60
    size = (rows, cols)
    line = np.zeros(size, np.uint8)
    cv2.line(line, (0, first), (cols - 1, round(first + slope * (cols - 1))), 1, 2)
    strokes = np.zeros(size, np.uint8)
    for x in (100, 200, 300):
        foot = round(first + slope * x)
        cv2.line(strokes, (x, foot - 1), (x, foot - 30), 1, 3)  # a "1" on the line
    return (line | strokes).astype(bool), line.astype(bool), strokes.astype(bool)


@pytest.mark.parametrize("angle", [0, 6, -20, 35])
def test_a_ruled_line_is_found_and_the_strokes_on_it_are_left(angle):
    mask, line, strokes = _line_with_strokes(angle)
    found = ruled_line_pixels(mask, min_length=60, stroke_width=3)
    # Nearly all of the line, and nothing of the strokes more than a few
    # pixels above it.
    assert (found & line).sum() >= 0.9 * line.sum() - 3 * 6
    above = strokes & ~cv2.dilate(line.view(np.uint8), np.ones((9, 9), np.uint8)).view(bool)
    assert not (found & above).any()


def test_touching_digits_without_a_line_keep_every_pixel():
    # Five tall strokes joined at their feet by short bars: each bar is
    # shorter than min_length, so there is no line to take off.
    mask = np.zeros((60, 200), bool)
    for x in range(10, 190, 40):
        mask[5:55, x:x + 4] = True
        mask[50:54, x:x + 30] = True
    assert not ruled_line_pixels(mask, min_length=80, stroke_width=4).any()


def test_a_foot_lying_along_a_crisp_line_stays_with_its_digit():
    # A 2's foot drawn along the line, a pixel lower: the ink is thicker
    # there than the line alone, and stays.
    mask = np.zeros((40, 300), bool)
    mask[30:32, :] = True          # the line, 2 px
    mask[31:34, 120:150] = True    # the foot along it
    mask[10:31, 147:150] = True    # and the 2's diagonal meeting it
    found = ruled_line_pixels(mask, min_length=60, stroke_width=3)
    assert found[30, :100].all() and found[30, 170:].all()
    assert not found[:, 121:149].any()


def _foot_on_the_line(pen, line_level=150):
    """A 2's foot drawn along a pale 2 px line, exactly over it, and the 2's
    diagonal meeting it: the mask and its grey levels (paper 200, noise-free)."""
    mask = np.zeros((40, 300), bool)
    grey = np.full(mask.shape, 200, np.uint8)
    mask[30:32, :] = True
    grey[30:32, :] = line_level
    mask[30:32, 120:150] = True    # the foot, no thicker than the line
    mask[10:31, 147:150] = True    # the diagonal
    grey[30:32, 120:150] = pen
    grey[10:31, 147:150] = pen
    return mask, grey


def test_a_foot_darker_than_a_pale_line_stays_with_its_digit():
    mask, grey = _foot_on_the_line(pen=60)
    found = ruled_line_pixels(mask, min_length=60, stroke_width=3, grey=grey)
    assert found[30, :100].all() and found[30, 170:].all()
    assert not found[:, 121:149].any()
    # By its thickness alone, the foot cannot be told from the line.
    assert ruled_line_pixels(mask, min_length=60, stroke_width=3)[30:32, 121:146].all()


def test_a_foot_moderately_darker_than_a_noisy_pale_line_stays_with_its_digit():
    # A photo's pale line varies from column to column (a spread of about 10
    # grey levels); a pen 2.7 spreads darker is still clearly the pen's.
    mask, grey = _foot_on_the_line(pen=120)
    levels = np.round(150 + np.random.default_rng(0).normal(0, 8, 300)).astype(np.uint8)
    line_only = np.ones(300, bool)
    line_only[120:150] = False
    grey[30:32, line_only] = levels[line_only]
    found = ruled_line_pixels(mask, min_length=60, stroke_width=3, grey=grey)
    assert found[30:32, :100].all() and found[30:32, 170:].all()
    assert not found[:, 121:146].any()


def test_a_pen_as_dark_as_the_lines_tells_nothing_by_its_darkness():
    mask, grey = _foot_on_the_line(pen=150)
    found = ruled_line_pixels(mask, min_length=60, stroke_width=3, grey=grey)
    np.testing.assert_array_equal(found, ruled_line_pixels(mask, min_length=60, stroke_width=3))


@pytest.mark.parametrize("spacing", [1.1, 1.5])
def test_a_2_whose_foot_lies_along_a_pale_line_is_read(spacing):
    # Lined paper photographed at 30 degrees: the foot of 5926's 2 lies on
    # a line, as thick as it, and went with it (read as 5976).
    conditions = PhotoConditions(rotation=30, ruled=spacing)
    image, truth = render_photo(["3141 5926", "2718 2818"], conditions=conditions, seed=1)
    assert read_page(image).lines == truth["lines"]


@pytest.mark.parametrize(("rotation", "seed"), [(0, 0), (0, 1), (-20, 2), (8, 0)])
def test_digits_on_lined_paper_are_read(rotation, seed):
    # A photo of lined paper: pale blue lines across the sheet, 1.5 digit
    # heights apart, the digits standing on them. Lines and digits were one
    # blob running out to the sheet's edge, and nothing was read.
    conditions = PhotoConditions(rotation=rotation, ruled=1.5)
    image, truth = render_photo(["3141 5926", "2718 2818"], conditions=conditions, seed=seed)
    reading = read_page(image)
    assert reading.lines == truth["lines"]
    assert any(reason == "ruled line" for _, reason in reading.dropped)


def test_a_sheets_edge_taken_off_as_a_line_leaves_the_digits_their_height():
    # A sheet on a dark mat, straightened: its slanted bottom edge is a thin
    # line across the image, found as a ruled line, among many solid pieces
    # of the border. The digits' height measured on those pieces was too
    # small, and every digit was dropped as too large; it is now a floor.
    (case,) = hard_cases(seed=49, names=["paper_on_dark_mat"])
    reading = read_page(case.image)
    assert reading.lines == case.truth["lines"]


def _lined_sheet_with_a_rim():
    """A straightened lined sheet whose rim runs along its right and bottom
    edges, joining the lines; strokes ("1"s) stand on two of the lines."""
    mask = np.zeros((400, 600), bool)
    for top in range(40, 380, 60):
        mask[top:top + 2, 20:] = True       # lines, from the margin to the right edge
    mask[:, -3:] = True                      # the rim along the right edge
    mask[-3:, :] = True                      # and along the bottom
    ones = [(x, top) for top in (160, 220) for x in range(100, 400, 60)]
    for x, top in ones:
        mask[top - 40:top, x:x + 4] = True   # a "1" standing on the line
    return mask, ones


def test_a_straightened_sheets_rim_no_longer_joins_its_lines_and_digits():
    # The rim made lines and digits one piece spanning the sheet, dropped
    # as its border: nothing was read. On a straightened sheet the rim is
    # taken off that piece, and the lines off the digits.
    from ocrkit.segment import segment_digits

    mask, ones = _lined_sheet_with_a_rim()
    found = segment_digits(mask, sheet_edges=True)
    # Each 1 found where it stands (its foot may keep the line under it).
    feet = sorted((int(x), int(y + h)) for x, y, w, h in found.boxes)
    assert [x for x, _ in feet] == [x for x, _ in sorted(ones)]
    assert all(top <= foot <= top + 2 for (_, foot), (_, top) in zip(feet, sorted(ones)))
    assert "ruled line" in [reason for _, reason in found.dropped]
    # Not knowing the edges are a sheet's, the piece is the page's border.
    assert len(segment_digits(mask).boxes) == 0


def test_lined_paper_turned_30_degrees_is_read():
    # At 30 degrees the straightened sheet keeps its rim, which joined the
    # lines; nothing was read. (A 2 whose foot lies along a faint line can
    # still lose it and read as a 7.)
    conditions = PhotoConditions(rotation=30, ruled=1.5)
    image, truth = render_photo(["3141 5926", "2718 2818"], conditions=conditions, seed=1)
    reading = read_page(image)
    assert len(reading.lines) == 2
    found, expected = "".join(reading.lines), "".join(truth["lines"])
    assert len(found) == len(expected)
    assert sum(a == b for a, b in zip(found, expected)) >= len(expected) - 1


def _squared_paper(angle=0.0, side=24, size=(300, 400)):
    """Squared paper's 2 px lines ``side`` px apart, turned by ``angle`` degrees,
    with four 4 px strokes written across them; returns the mask, the lines
    and the strokes."""
    rows, cols = size
    big = 2 * max(size)
    grid = np.zeros((big, big), np.uint8)
    grid[::side, :] = grid[1::side, :] = 1
    grid[:, ::side] = grid[:, 1::side] = 1
    turn = cv2.getRotationMatrix2D((big / 2, big / 2), angle, 1.0)
    turn[:, 2] -= (big - cols) / 2, (big - rows) / 2
    lines = cv2.warpAffine(grid, turn, (cols, rows), flags=cv2.INTER_NEAREST).astype(bool)
    strokes = np.zeros(size, np.uint8)
    for x in (100, 170, 240, 310):
        cv2.line(strokes, (x, 110), (x + 12, 110 + 2 * side), 1, 4)   # a "1" over a line
    return lines | strokes.astype(bool), lines, strokes.astype(bool)


@pytest.mark.parametrize("angle", [0, 4, -7])
def test_squared_papers_lines_are_taken_and_the_strokes_across_them_left(angle):
    mask, lines, strokes = _squared_paper(angle)
    found, pitch = grid_line_pixels(mask, stroke_width=3)
    assert pitch == pytest.approx(24, abs=1)
    assert (found & lines & ~strokes).sum() >= 0.9 * (lines & ~strokes).sum()
    # The strokes keep their pixels where they cross the lines too.
    assert (found & strokes).sum() <= 0.05 * strokes.sum()


def test_a_tables_lines_are_no_squares():
    # Rows 24 px apart, columns 120: a table's cells, not squared paper.
    mask = np.zeros((300, 400), bool)
    mask[::24, :] = mask[:, ::120] = True
    found, pitch = grid_line_pixels(mask, stroke_width=2)
    assert pitch == 0 and not found.any()


@pytest.mark.parametrize(("conditions", "seed"), [
    (dict(sheet_fill=0.8, rotation=10, ruled=1.5), 0),                     # a sheet on a desk
    (dict(surroundings="none", sheet_fill=1.2, rotation=-3, ruled=1.2), 1),  # filling the photo
    (dict(surroundings="none", sheet_fill=1.2, rotation=5, ruled=1.2), 2),   # at a slant
])
def test_digits_on_squared_paper_are_read(conditions, seed):
    # Squared paper's lines, and every digit written across them, were one
    # piece spanning the page, dropped whole as its border: nothing was read.
    photo, truth = render_photo(["3141 5926", "2718 28"], seed=seed,
                                conditions=PhotoConditions(size=(1024, 768), squared=True,
                                                           **conditions))
    reading = read_page(photo)
    assert reading.lines == truth["lines"]
    assert any(reason == "ruled line" for _, reason in reading.dropped)


def _lines_page(slope, offsets, *, shape=(600, 800), length=500):
    """Lines a pixel thin, ``slope`` degrees, crossing the page's middle column at ``offsets``."""
    page = np.zeros(shape, np.uint8)
    direction = np.array([np.cos(np.radians(slope)), np.sin(np.radians(slope))])
    for offset in offsets:
        centre = np.array([shape[1] / 2, offset])
        a, b = centre - direction * length / 2, centre + direction * length / 2
        cv2.line(page, np.round(a).astype(int).tolist(), np.round(b).astype(int).tolist(), 1, 1)
    return page.view(bool)


@pytest.mark.parametrize("slope", [-30, -12, -7, 6, 18, 40])
def test_the_slope_of_evenly_spaced_slanted_lines_is_measured(slope):
    offsets = [150 + 40 * k for k in range(6) if k != 3]  # one line lost
    assert ruled_slant(_lines_page(slope, offsets)) == pytest.approx(slope, abs=1.0)


def test_lines_closing_up_across_the_picture_as_in_perspective_are_measured():
    # A camera tilted across the lines: their spacing shrinks steadily from
    # 55 to 35 px across the picture (a line with digits on it is missing).
    offsets = [151, 206, 257, 305, 469, 503, 538]
    assert ruled_slant(_lines_page(-25, offsets, shape=(700, 800))) == pytest.approx(-25, abs=1)


@pytest.mark.parametrize("slopes", [[5, 7, 9, 11, 13], [7, 9.5, 12, 14.5, 17]])
def test_lines_fanning_out_as_in_perspective_are_measured_by_their_median_slope(slopes):
    # A camera tilted along the lines: they fan out towards a vanishing
    # point, their slope changing steadily down the page (by 8 degrees, and
    # by 10 over a third of the page, as a camera tilted 25 degrees over a
    # close-up turns them).
    page = np.zeros((700, 900), bool)
    for k, slope in enumerate(slopes):
        page |= _lines_page(slope, [100 + 120 * k], shape=(700, 900))
    assert ruled_slant(page) == pytest.approx(np.median(slopes), abs=1)


@pytest.mark.parametrize(("slope", "offsets"), [
    (3, [150, 190, 230, 270]),        # nearly level: read as it is
    (20, [150, 190]),                  # two lines say too little
    (20, [150, 171, 230, 243, 330]),  # unevenly spaced, as a desk's grain
])
def test_no_slope_is_given_for_level_few_or_uneven_lines(slope, offsets):
    assert ruled_slant(_lines_page(slope, offsets)) == 0.0


def test_lines_of_which_none_agree_give_none_quietly():
    # Four slopes 10 degrees apart: no two agree, and no fan holds them.
    page = np.zeros((600, 800), bool)
    for k, slope in enumerate([10, 20, 30, 40]):
        page |= _lines_page(slope, [150 + 60 * k])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no median of nothing on the way
        assert ruled_slant(page) == 0.0


def test_lines_that_do_not_agree_on_their_slope_give_none():
    # A desk's grain: long, thin, evenly enough spaced, but each at its own
    # slope, neither parallel nor fanning out steadily as in perspective.
    page = np.zeros((600, 800), bool)
    for k, slope in enumerate([12, 17, 14.5, 19.5]):
        page |= _lines_page(slope, [150 + 60 * k])
    assert ruled_slant(page) == 0.0


@pytest.mark.parametrize(("rotation", "text", "seed"), [(28, ["39 4", "5726 810"], 9022),
                                                        (20, "6080 2417", 3),
                                                        (9, ["39 4", "5726 810"], 1),
                                                        (-7, ["39 4", "5726 810"], 3)])
def test_lined_paper_at_a_tilt_with_no_sheet_edge_is_turned_level_and_read(rotation, text, seed):
    # A close-up of lined paper photographed at a tilt: no sheet edge to
    # straighten it by, so its lines cross the picture at 7-28 degrees.
    # Their boxes were as tall as a third of the picture and set the
    # digits' height: the lines were read as dozens of 1s, or not at all.
    conditions = PhotoConditions(size=(1024, 768), sheet_fill=0.7, rotation=rotation,
                                 perspective=0.1, contrast=0.5, paper_tone=180, pen_width=0.05,
                                 noise=0.02, surroundings="none", ruled=1.27)
    photo, truth = render_photo(text, conditions=conditions, seed=seed)
    reading = read_page(photo)
    assert reading.lines == truth["lines"]
    # The boxes come back to the photo's own pixels, around the digits.
    for box, digit in zip(reading.boxes, truth["digits"]):
        x, y, w, h = box
        tx, ty, tw, th = digit["box"]
        assert abs((x + w / 2) - (tx + tw / 2)) < tw and abs((y + h / 2) - (ty + th / 2)) < th


def test_squares_crossed_by_rows_of_large_digits_are_still_squares():
    # Three rows of digits across squared paper, each between two lines,
    # hold as much ink per row as a line: taken for lines, they split
    # their squares into half gaps, and the median gap was half a square
    # one way and a square the other: no squared paper.
    paper = np.zeros((400, 400), bool)
    paper[::40, :] = paper[:, ::40] = True
    for top in (85, 165, 245):
        for x in range(22, 378, 6):
            paper[top:top + 30, x:x + 3] = True
    lines, pitch = grid_line_pixels(paper, stroke_width=2)
    assert pitch == pytest.approx(40, abs=1)
    assert lines[::40, :].mean() > 0.9 and not lines[100, 23:25].any()


def _lined_with_margin(n_lines=6, columns=(60,), size=(260, 400)):
    """Ruled lines 40 px apart joined by upright lines at ``columns``, and a
    "1" standing on the third line; returns the mask, the upright lines and the 1."""
    rows, cols = size
    paper = np.zeros(size, bool)
    for k in range(n_lines):
        paper[20 + 40 * k:22 + 40 * k, :] = True
    upright = np.zeros(size, bool)
    for x in columns:
        upright[:, x:x + 2] = True
    one = np.zeros(size, bool)
    one[70:100, 200:203] = True
    return paper | upright | one, upright, one


def test_a_margin_line_joining_ruled_lines_is_found_and_the_lines_and_digits_left():
    mask, margin, one = _lined_with_margin()
    found = margin_line_pixels(mask, stroke_width=2)
    # The margin between the lines goes; the lines stay whole through it
    # (thicker where they cross), and the 1 keeps every pixel.
    assert found[margin].mean() > 0.8
    assert not found[one].any()
    assert not found[:, 70:].any()
    count, _ = cv2.connectedComponents((mask & ~found).view(np.uint8))
    assert count - 1 == 6  # six ruled lines, one with the 1 on it


@pytest.mark.parametrize(("n_lines", "columns"), [
    (3, (60,)),              # three lines: too few to be lined paper
    (6, (60, 170, 280)),     # a table's grid: its other columns still hold it together
])
def test_no_margin_is_taken_from_what_is_no_lined_paper(n_lines, columns):
    mask, _, _ = _lined_with_margin(n_lines, columns)
    assert not margin_line_pixels(mask, stroke_width=2).any()


def test_the_slope_of_lines_joined_by_a_margin_is_measured():
    page = _lines_page(18, [150 + 40 * k for k in range(6)]).copy()
    # A margin across all of them, at right angles (as printed on the sheet).
    centre = np.array([250.0, 250.0])
    down = np.array([-np.sin(np.radians(18)), np.cos(np.radians(18))])
    a, b = centre - down * 200, centre + down * 200
    layer = page.view(np.uint8).copy()
    cv2.line(layer, np.round(a).astype(int).tolist(), np.round(b).astype(int).tolist(), 1, 1)
    assert ruled_slant(layer.view(bool)) == pytest.approx(18, abs=1.0)


@pytest.mark.parametrize(("rotation", "text", "seed"), [(3, ["3141 5926", "2718 2818"], 4),
                                                        (-17, ["52 907", "3318 46"], 8)])
def test_lined_paper_with_a_margin_line_is_read(rotation, text, seed):
    # An exercise book's red margin line crosses every ruled line: lines,
    # margin and the digits on the lines were one piece spanning the page,
    # dropped whole as a table or the page's border, and nothing was read.
    conditions = PhotoConditions(size=(1024, 768), sheet_fill=0.95, rotation=rotation,
                                 contrast=0.6, ruled=1.3, margin=True, surroundings="none")
    photo, truth = render_photo(text, conditions=conditions, seed=seed)
    assert read_page(photo).lines == truth["lines"]


@pytest.mark.parametrize(("rotation", "seed"), [(-26, 3), (22, 4)])
def test_a_tilted_close_up_of_lined_paper_with_its_margin_in_view_is_read(rotation, seed):
    # Turned level, the page sits on a canvas larger than the photo, and the
    # lines joined by the margin span only a third of it each way: no table
    # spanning half the page, so the piece was dropped as too large, with
    # every digit standing on a line (the page read as '83').
    conditions = PhotoConditions(size=(1024, 768), sheet_fill=0.8, rotation=rotation,
                                 perspective=1, contrast=0.5, paper_tone=190, noise=0.02,
                                 surroundings="none", ruled=1.45, margin=True)
    photo, truth = render_photo(["4829 1063", "75 31"], conditions=conditions, seed=seed)
    assert read_page(photo).lines == truth["lines"]


@pytest.mark.parametrize("seed", [2, 4])
def test_lined_paper_in_strong_perspective_is_turned_level_and_read(seed):
    # A camera tilted 24 degrees over a close-up turned 15: the lines fan
    # out by 8 to 12 degrees over about half of the page, faster than lines
    # were taken to, and the page was read as it was ('?8', '7?').
    conditions = PhotoConditions(size=(1024, 768), sheet_fill=0.8, rotation=15, perspective=24,
                                 contrast=0.6, paper_tone=190, noise=0.02, surroundings="none",
                                 ruled=1.3)
    photo, truth = render_photo(["4829 1063", "75 31"], conditions=conditions, seed=seed)
    assert read_page(photo).lines == truth["lines"]
