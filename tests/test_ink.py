"""Tests of ocrkit.ink.page_ink: a page image to the ink every reader segments."""

import cv2
import numpy as np
import pytest

from ocrkit.ink import page_ink, working_scale
from ocrkit.pipeline import read_page
from ocrkit.preprocess import to_grey
from ocrkit.segment import typical_digit_height
from ocrkit.synth import PhotoConditions, render_photo


def _bars_page(shape=(600, 800), paper=225, ink=40):
    """Light paper with five dark bars 60 px tall and 8 px wide at known places."""
    page = np.full(shape, paper, np.uint8)
    for x in range(200, 600, 80):
        page[270:330, x:x + 8] = ink
    return page


def test_a_scan_is_all_paper_read_where_it_is():
    page = _bars_page()
    found = page_ink(page)
    assert found.sheet is None and found.scale == 1.0
    np.testing.assert_array_equal(found.to_work, np.eye(3))
    assert found.ink.shape == page.shape
    # Every bar is ink, the paper around it is not.
    assert found.ink[275:325, 202:206].all()
    assert not found.ink[:250].any() and not found.ink[350:].any()


def test_a_sheet_on_a_dark_textured_desk_is_straightened_and_the_desk_gives_no_ink():
    rng = np.random.default_rng(3)
    desk = np.clip(70 + 25 * rng.standard_normal((700, 900)), 0, 255).astype(np.uint8)
    sheet = _bars_page((500, 640))
    # The sheet lies turned by 8 degrees in the middle of the desk.
    turn = cv2.getRotationMatrix2D((320, 250), 8, 1.0)
    turn[:, 2] += (130, 100)
    on_sheet = cv2.warpAffine(np.ones_like(sheet), turn, desk.shape[::-1]) > 0
    photo = np.where(on_sheet, cv2.warpAffine(sheet, turn, desk.shape[::-1]), desk)
    found = page_ink(photo)
    assert found.sheet is not None and found.sheet.corners is not None
    # The working image is the sheet alone, about its own size, upright.
    rows, cols = found.ink.shape
    assert abs(cols / 640 - 1) < 0.06 and abs(rows / 500 - 1) < 0.06
    columns = found.ink.any(axis=0)
    starts = np.flatnonzero(columns[1:] & ~columns[:-1])
    assert len(starts) == 5  # the five bars, nothing from the desk
    assert found.ink.sum() < 1.3 * 5 * 60 * 8


def test_look_for_sheet_false_and_scale_1_keep_the_image_as_it_is():
    photo = np.dstack([_bars_page()] * 3)
    found = page_ink(photo, scale=1, look_for_sheet=False)
    np.testing.assert_array_equal(found.grey, to_grey(photo))
    assert found.ink.shape == photo.shape[:2] and found.sheet is None


def test_a_large_page_is_read_where_its_digits_are_about_40_px_tall():
    large = cv2.resize(_bars_page(), None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
    assert working_scale(large) == 0.5  # digits 240 px tall: never below half size
    found = page_ink(large)
    assert found.scale == 0.5 and found.ink.shape == (1200, 1600)
    np.testing.assert_allclose(np.diag(found.to_work), [0.5, 0.5, 1.0])


@pytest.mark.parametrize("scale", [0, 1.5, "half"])
def test_a_scale_outside_0_1_is_refused(scale):
    with pytest.raises(ValueError, match="scale must be"):
        page_ink(_bars_page(), scale=scale)


def test_the_digit_height_ignores_specks_and_long_lines():
    heights = [2, 2, 3, 50, 52, 48, 51, 400]
    assert typical_digit_height(heights, stroke_width=3.0) == 50.5
    assert typical_digit_height([]) == 0.0


def test_the_digit_height_is_that_of_the_digits_among_more_fragments_than_digits():
    # A thin pen on grainy paper: 13 specks and broken strokes, 1 to 10 px
    # tall (all more than a dot at a stroke width of 1 px), and 10 digits.
    fragments = [3, 3, 4, 4, 4, 4, 4, 5, 5, 6, 8, 10, 4]
    digits = [20, 21, 22, 24, 25, 26, 28, 29, 29, 30]
    assert typical_digit_height(fragments + digits, stroke_width=1.0) == 25.5
    # Nor does one tall frame round a line of eight digits take their place.
    assert typical_digit_height([13, 13, 14, 12, 13, 14, 13, 12, 150], stroke_width=1.0) == 13.0


def test_a_faint_pen_on_a_straightened_sheet_is_measured_without_the_desk_along_its_rim():
    # A small sheet on leather, grainy, with a faint pen. Its corners are
    # found a pixel or two outside the paper, so the straightened image has
    # a rim of dark leather along three sides. Measured with the paper, the
    # leather passed for the darkest ink, the pen fell short of the ink's
    # threshold everywhere, and not one digit was found.
    conditions = PhotoConditions(size=(1600, 480), sheet_fill=0.63, rotation=11.5,
                                 perspective=0.167, surroundings="leather", shadow=0.2,
                                 noise=0.054, contrast=0.4)
    photo, truth = render_photo(["3141 5926", "2718 28"], conditions=conditions, seed=1055)
    found = page_ink(photo)
    assert found.sheet is not None and found.sheet.corners is not None
    rim = np.ones(found.ink.shape, bool)
    rim[3:-3, 3:-3] = False
    assert (found.grey[rim] < 60).mean() > 0.2  # the leather is there
    reading = read_page(photo)
    assert "".join(reading.lines).replace(" ", "") == "".join(truth["lines"]).replace(" ", "")
