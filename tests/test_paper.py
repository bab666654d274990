"""Finding the sheet in a photo: synthetic desks with the sheet's corners known."""

import cv2
import numpy as np
import pytest

from ocrkit.paper import boxes_to_image, find_sheet, rectify
from ocrkit.pipeline import read_page
from ocrkit.preprocess import to_grey
from ocrkit.synth import PhotoConditions, hard_cases, render_photo


def desk_photo(corners, *, size=(480, 640), desk=50, paper=225, grain=12, seed=0):
    """A textured dark desk with a light sheet whose corners are given (x, y)."""
    rng = np.random.default_rng(seed)
    rows, cols = size
    photo = np.clip(desk + grain * rng.standard_normal(size), 0, 255).astype(np.uint8)
    cv2.fillPoly(photo, [np.round(corners).astype(np.int32).reshape(-1, 1, 2)], paper)
    return photo


@pytest.mark.parametrize("angle", [0, 12, -25])
def test_a_rotated_sheet_is_found_with_its_corners(angle):
    centre, half = np.array([320.0, 240.0]), np.array([180.0, 120.0])
    turn = np.radians(angle)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    corners = centre + (np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * half) @ rotation.T
    sheet = find_sheet(desk_photo(corners))
    assert sheet is not None and sheet.corners is not None
    # Found a little inside the edge (1.5 % towards the middle), within pixels.
    inside = corners + 0.015 * (centre - corners)
    assert np.abs(sheet.corners - inside).max() < 6
    assert sheet.mask[240, 320] and not sheet.mask[5, 5]


def test_a_scan_or_a_close_crop_has_no_sheet():
    rng = np.random.default_rng(1)
    paper = np.clip(230 + 3 * rng.standard_normal((400, 600)), 0, 255).astype(np.uint8)
    paper[150:250, 100:110] = 20  # a stroke
    assert find_sheet(paper) is None


@pytest.mark.parametrize("desk", [40, 100])
def test_a_sheet_leaving_only_a_corner_of_the_desk_in_view_is_found(desk):
    # The sheet runs off three edges; a triangle of desk, 5 % of the photo,
    # shows at the bottom right. (The quick edge test must let it through.)
    corners = [[-40, -40], [680, -40], [680, 330], [330, 520], [-40, 520]]
    photo = desk_photo(corners, desk=desk)
    sheet = find_sheet(photo)
    assert sheet is not None
    assert sheet.mask[100, 100] and not sheet.mask[470, 630]


def test_a_pool_of_light_on_paper_is_no_sheet():
    # Vignetting: dark corners fading smoothly into the lit middle.
    rows, cols = np.mgrid[0:480, 0:640]
    distance = np.hypot((rows - 240) / 240, (cols - 320) / 320)
    photo = np.clip(230 - 140 * distance**2, 0, 255).astype(np.uint8)
    assert find_sheet(photo) is None


@pytest.mark.parametrize("fold", [0.06, 0.12])
def test_a_sheet_with_a_folded_corner_is_still_straightened(fold):
    # The top-right corner folded over: a triangle with sides `fold` of the
    # sheet's cut off it adds a fifth, short side to the outline.
    rng = np.random.default_rng(1)
    photo = np.clip(80 + 12 * rng.standard_normal((600, 800)), 0, 255).astype(np.uint8)
    corners = np.array([[150, 100], [650, 130], [630, 500], [170, 480]], np.float64)
    top_right = corners[1]
    outline = np.array([corners[0], top_right + fold * (corners[0] - top_right),
                        top_right + fold * (corners[2] - top_right), corners[2], corners[3]])
    cv2.fillPoly(photo, [outline.astype(np.int32).reshape(-1, 1, 2)], 225)
    sheet = find_sheet(photo)
    assert sheet is not None and sheet.corners is not None
    # The corners are the unfolded sheet's, drawn 1.5 % inwards (about 6 px here).
    assert np.abs(sheet.corners - corners).max() < 10


def test_rectify_maps_the_corners_to_an_upright_rectangle():
    corners = np.array([[100.0, 80.0], [500.0, 120.0], [480.0, 400.0], [90.0, 380.0]])
    photo = desk_photo(corners)
    upright, to_upright = rectify(photo, corners)
    rows, cols = upright.shape
    mapped = cv2.perspectiveTransform(corners.reshape(-1, 1, 2), to_upright).reshape(-1, 2)
    np.testing.assert_allclose(mapped, [[0, 0], [cols - 1, 0], [cols - 1, rows - 1],
                                        [0, rows - 1]], atol=1e-6)
    # All sheet: the desk is outside the rectangle.
    assert upright[5:-5, 5:-5].min() > 150


def test_boxes_come_back_to_the_image_covering_the_same_place():
    to_work = np.diag([0.5, 0.25, 1.0])
    boxes = boxes_to_image([[10, 20, 5, 4]], to_work, (400, 400))
    np.testing.assert_array_equal(boxes, [[20, 80, 10, 16]])


@pytest.mark.parametrize("shade", ["lower", "band"])
def test_a_sheet_split_by_a_shadow_is_found_whole(shade):
    # A shadow falls on sheet and desk alike and halves their light; its
    # edges run on over the desk. The lit part alone is a bright
    # quadrilateral too, but the sheet is the whole outline.
    corners = np.array([[150, 110], [640, 60], [670, 420], [180, 470]], np.float64)
    photo = desk_photo(corners, size=(560, 800), desk=70, paper=225).astype(np.float64)
    rows, cols = np.mgrid[0:560, 0:800]
    if shade == "lower":
        shaded = rows > 200 + 0.12 * cols          # everything below a slanted line
    else:
        shaded = (cols > 280 + 0.3 * rows) & (cols < 440 + 0.3 * rows)  # a band
    photo[shaded] *= 0.5
    sheet = find_sheet(photo.astype(np.uint8))
    assert sheet is not None and sheet.corners is not None
    centre = corners.mean(axis=0)
    assert np.abs(sheet.corners - (corners + 0.015 * (centre - corners))).max() < 8


@pytest.mark.parametrize("seed", [65, 68, 73, 85, 88])
def test_a_rotated_sheet_under_shadows_on_wood_is_found_and_read(seed):
    # Shadows fall across sheet and desk: their edges run on from the
    # sheet's outline over the wood, along some sides the paper just inside
    # is in shade where the wood just outside is lit, and where a shadow
    # darkens both alike the outline has a gap. Without the sheet, the
    # wood's grain is read as dozens of digits.
    (case,) = hard_cases(seed=seed, names=["rotated_shadow_wood"])
    reading = read_page(case.image)
    assert reading.sheet is not None and reading.sheet.corners is not None
    assert reading.lines == case.truth["lines"]


def test_a_sheet_whose_outline_a_shadow_edge_leaks_through_is_found_whole():
    # A shadow's edge crosses this sheet near two of its corners, and
    # where it meets the sheet's edge the two lines touch at a corner pixel
    # only: the shaded middle of the sheet runs out to the wood between
    # them. The lit corner alone is a quadrilateral outlined by sharp
    # edges, lighter inside, and was taken for the sheet: all ten digits
    # lay outside it.
    (case,) = hard_cases(seed=56, names=["rotated_shadow_wood"])
    sheet = find_sheet(to_grey(case.image))
    assert sheet is not None and sheet.corners is not None
    assert sheet.region.mean() > 0.25  # the lit corner alone: 0.03
    assert read_page(case.image).lines == case.truth["lines"]


@pytest.mark.parametrize("size", [(1600, 480), (640, 1200)])
@pytest.mark.parametrize("surroundings", ["dark mat", "fabric", "wood", "leather"])
def test_a_small_sheet_in_a_wide_photo_is_found_and_read(surroundings, size):
    # A note photographed from afar, or in a wide frame: the sheet covers
    # about 5 % of the photo. Left unfound, the desk's texture was read as
    # dozens of digits, or the sheet itself as one large "0".
    conditions = PhotoConditions(size=size, sheet_fill=0.5, rotation=-20, perspective=0.05,
                                 surroundings=surroundings, shadow=0.15, noise=0.03, contrast=0.6)
    photo, truth = render_photo(["3141 5926", "2718 28"], conditions=conditions, seed=2)
    reading = read_page(photo)
    assert reading.sheet is not None and reading.sheet.corners is not None
    assert reading.sheet.region.mean() < 0.08
    assert reading.lines == truth["lines"]


def test_the_paper_inside_a_large_digit_is_no_sheet():
    # A close crop whose 4 is most of the photo's height: the paper its
    # strokes enclose is lighter than its outline, and about 2 % of the
    # photo, but paper lies beyond the strokes, not a desk.
    (case,) = hard_cases(seed=33, names=["close_crop"])
    grey = cv2.cvtColor(case.image, cv2.COLOR_RGB2GRAY)
    assert find_sheet(grey) is None
    assert read_page(case.image).lines == case.truth["lines"]
