"""Tests of ocrkit.hog: agreement with scikit-image, and answers known by construction."""

import numpy as np
import pytest
from skimage.feature import hog as skimage_hog

from ocrkit import hog as hog_module
from ocrkit.errors import OptionError
from ocrkit.hog import BLOCK_NORMS, hog, hog_cells, hog_feature_length

# Unit steps in (row, column) and the angle of the gradient they make, measured
# from the column axis towards the row axis (down), in degrees.
DIRECTIONS = {
    (0, 1): 0, (1, 1): 45, (1, 0): 90, (1, -1): 135,
    (0, -1): 180, (-1, -1): 225, (-1, 0): 270, (-1, 1): 315,
}


@pytest.fixture(scope="module")
def digits(mnist_subset):
    data = mnist_subset(200, 10)
    return np.concatenate([data.x_train, data.x_test])


@pytest.fixture(scope="module")
def odd_shaped():
    """Non-square images whose sides are not multiples of the cell sizes."""
    rng = np.random.default_rng(1)
    return {
        "uint8": rng.integers(0, 256, size=(3, 30, 45), dtype=np.uint8),
        "float32": rng.random((3, 30, 45), dtype=np.float32),
        "float64": rng.random((3, 30, 45)),
    }


def skimage_stack(images, **options):
    return np.stack([skimage_hog(image, feature_vector=True, **options) for image in images])


def step_edge(direction, size=32):
    """A 0/255 half-plane through the centre, brighter along ``direction`` (row, col)."""
    rows, cols = np.mgrid[:size, :size] - (size - 1) / 2
    return np.where(direction[0] * rows + direction[1] * cols > 0, 255, 0).astype(np.uint8)


def interior_bins(image, **options):
    """Cell histograms summed over the cells that do not touch the image border.

    Border pixels have one gradient component forced to zero, so the edge
    votes in other bins there.
    """
    return hog_cells(image, pixels_per_cell=(4, 4), **options)[1:-1, 1:-1].sum(axis=(0, 1))


@pytest.mark.parametrize("transform_sqrt", [False, True])
@pytest.mark.parametrize("block_norm", BLOCK_NORMS)
@pytest.mark.parametrize("cells_per_block", [(1, 1), (2, 2), (3, 3)])
@pytest.mark.parametrize("pixels_per_cell", [(4, 4), (5, 5), (7, 7)])
@pytest.mark.parametrize("orientations", [8, 9, 12])
def test_matches_skimage(digits, odd_shaped, orientations, pixels_per_cell, cells_per_block,
                         block_norm, transform_sqrt):
    options = dict(orientations=orientations, pixels_per_cell=pixels_per_cell,
                   cells_per_block=cells_per_block, block_norm=block_norm,
                   transform_sqrt=transform_sqrt)
    # Every 10th digit keeps the 216 cases fast; the default options see all of them below.
    for images in (digits[::10], *odd_shaped.values()):
        np.testing.assert_allclose(hog(images, **options), skimage_stack(images, **options),
                                   rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("pixels_per_cell", [(4, 4), (7, 7)])
def test_matches_skimage_in_float64_on_all_digits(digits, pixels_per_cell):
    options = dict(orientations=9, pixels_per_cell=pixels_per_cell, cells_per_block=(2, 2))
    np.testing.assert_allclose(hog(digits, dtype=np.float64, **options),
                               skimage_stack(digits, **options), rtol=2e-6, atol=1e-9)


def test_single_image_equals_stack_row(digits):
    stack = hog(digits[:5])
    for image, row in zip(digits[:5], stack):
        np.testing.assert_array_equal(hog(image), row)
    assert hog(digits[0]).shape == (hog_feature_length(digits.shape),)


@pytest.mark.parametrize("interpolate", [False, True])
def test_chunks_do_not_change_the_result(digits, monkeypatch, interpolate):
    whole = hog(digits[:20], signed=True, interpolate=interpolate)
    monkeypatch.setattr(hog_module, "_CHUNK", 7)
    np.testing.assert_array_equal(hog(digits[:20], signed=True, interpolate=interpolate), whole)


@pytest.mark.parametrize("plane_bytes", [1, 3 * 28 * 28 * 12 * 8])
def test_vote_planes_built_in_parts_give_the_same_features(digits, monkeypatch, plane_bytes):
    # One image at a time, and three at a time with a shorter last part.
    options = dict(orientations=12, pixels_per_cell=(5, 5), signed=True, interpolate=True)
    whole = hog(digits[:20], **options)
    monkeypatch.setattr(hog_module, "_PLANE_BYTES", plane_bytes)
    np.testing.assert_array_equal(hog(digits[:20], **options), whole)
    np.testing.assert_array_equal(hog_cells(digits[:20], **options),
                                  np.stack([hog_cells(digit, **options) for digit in digits[:20]]))


@pytest.mark.parametrize("signed", [False, True])
def test_vote_table_holds_the_computed_votes(signed):
    bins, votes = hog_module._vote_table(12, signed)
    rng = np.random.default_rng(3)
    g_row, g_col = rng.integers(-255, 256, size=(2, 5000))
    code = (g_row + 255) * 511 + g_col + 255
    magnitude = np.hypot(g_col, g_row)
    angle = np.rad2deg(np.arctan2(g_row, g_col)) % (360.0 if signed else 180.0)
    position = (angle * (12 / (360.0 if signed else 180.0)) - 0.5) % 12
    lower = np.floor(position).astype(int) % 12
    share = position - np.floor(position)
    np.testing.assert_array_equal(bins[code], np.stack([lower, (lower + 1) % 12], axis=1))
    expected_votes = np.stack([magnitude * (1 - share), magnitude * share], axis=1)
    np.testing.assert_array_equal(votes[code], expected_votes.astype(np.float32))


def test_empty_stack_gives_no_rows():
    assert hog(np.zeros((0, 28, 28), np.uint8)).shape == (0, 1296)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int16, np.int64])
def test_dtype_of_input_does_not_matter(digits, dtype):
    # Grey levels 0..255 are exact in all of these dtypes, float16 included.
    expected = hog(digits[:10], signed=True)
    np.testing.assert_allclose(hog(digits[:10].astype(dtype), signed=True), expected,
                               rtol=1e-6, atol=1e-7)


def test_small_integer_dtypes_match_float(digits):
    # bool, uint8 and int8 take the lookup-table path; floats compute directly.
    for images in (digits[:10] > 127, (digits[:10].astype(np.int16) - 128).astype(np.int8)):
        np.testing.assert_allclose(hog(images, signed=True),
                                   hog(images.astype(np.float64), signed=True),
                                   rtol=1e-6, atol=1e-7)


def test_output_dtype_is_honoured(digits):
    assert hog(digits[:2]).dtype == np.float32
    assert hog(digits[:2], dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize("direction", list(DIRECTIONS))
def test_step_edge_lights_one_unsigned_bin(direction):
    # 9 bins of 20 degrees: 0, 45, 90 and 135 degrees fall inside bins 0, 2, 4 and 6.
    votes = interior_bins(step_edge(direction), orientations=9)
    expected = np.zeros(9, bool)
    expected[DIRECTIONS[direction] % 180 // 20] = True
    np.testing.assert_array_equal(votes > 0, expected)


@pytest.mark.parametrize("direction", list(DIRECTIONS))
def test_step_edge_lights_one_signed_bin(direction):
    # 9 bins of 40 degrees: the eight directions fall inside bins 0..7.
    votes = interior_bins(step_edge(direction), orientations=9, signed=True)
    expected = np.zeros(9, bool)
    expected[DIRECTIONS[direction] // 40] = True
    np.testing.assert_array_equal(votes > 0, expected)


def test_opposite_edges_differ_only_when_signed():
    edge = step_edge((1, 1))
    opposite = 255 - edge
    np.testing.assert_array_equal(hog(edge), hog(opposite))
    signed, signed_opposite = hog(edge, signed=True), hog(opposite, signed=True)
    assert not np.allclose(signed, signed_opposite)
    # With 8 bins of 45 degrees, turning every gradient round shifts the bins by 4.
    cells = hog_cells(edge, orientations=8, signed=True)
    np.testing.assert_array_equal(np.roll(cells, 4, axis=-1),
                                  hog_cells(opposite, orientations=8, signed=True))


def test_cell_votes_are_magnitudes_averaged_over_the_cell():
    image = np.zeros((8, 8), np.uint8)
    image[:, 4:] = 10  # columns 3 and 4 have a gradient of 10 at 0 degrees
    cells = hog_cells(image, orientations=4, pixels_per_cell=(4, 4))
    expected = np.zeros((2, 2, 4))
    expected[:, :, 0] = 4 * 10 / 16  # one column of 4 pixels in each cell
    np.testing.assert_array_equal(cells, expected)


@pytest.mark.parametrize("transform_sqrt", [False, True])
@pytest.mark.parametrize("signed", [False, True])
@pytest.mark.parametrize("dtype", [np.uint8, np.float64])
def test_constant_image_gives_zero_features(dtype, signed, transform_sqrt):
    image = np.full((28, 28), 77, dtype)
    for block_norm in BLOCK_NORMS:
        features = hog(image, block_norm=block_norm, signed=signed, transform_sqrt=transform_sqrt)
        np.testing.assert_array_equal(features, 0)


@pytest.mark.parametrize(
    ("shape", "options"),
    [
        ((28, 28), {}),
        ((5, 28, 28), dict(orientations=12, pixels_per_cell=(7, 7), cells_per_block=(3, 3))),
        ((30, 45), dict(orientations=8, pixels_per_cell=(5, 4), cells_per_block=(1, 2))),
        ((8, 8), dict(pixels_per_cell=(4, 4), cells_per_block=(2, 2))),
    ],
)
def test_feature_length_matches_output(shape, options):
    image = np.random.default_rng(0).integers(0, 256, size=shape, dtype=np.uint8)
    assert hog(image, **options).shape[-1] == hog_feature_length(shape, **options)


def test_cells_have_documented_shape():
    assert hog_cells(np.zeros((30, 45)), pixels_per_cell=(7, 4)).shape == (4, 11, 9)
    assert hog_cells(np.zeros((2, 30, 45)), orientations=6).shape == (2, 7, 11, 6)


@pytest.mark.parametrize(
    ("images", "options", "message"),
    [
        (np.zeros((2, 28, 28, 3)), {}, r"\(M, N\) or a stack.*Convert colour images to grey"),
        (np.zeros(28), {}, r"\(K, M, N\)"),
        (np.zeros((28, 28), complex), {}, "real pixel values"),
        (np.full((28, 28), np.nan), {}, "NaN or infinite"),
        (np.zeros((7, 28)), {}, "at least 8 rows and 8 columns"),
        (np.zeros((28, 13)), dict(pixels_per_cell=(7, 7)), "at least 14 rows and 14 columns"),
        (np.zeros((28, 28)), dict(block_norm="l2"), "'L1', 'L1-sqrt', 'L2', 'L2-Hys'"),
        (np.zeros((28, 28)), dict(orientations=0), "orientations must be a positive integer"),
        (np.zeros((28, 28)), dict(orientations=4.5), "orientations must be a positive integer"),
        (np.zeros((28, 28)), dict(pixels_per_cell=(4, 0)), "pixels_per_cell must be two positive"),
        (np.zeros((28, 28)), dict(pixels_per_cell=4), "pixels_per_cell must be two positive"),
        (np.zeros((28, 28)), dict(cells_per_block=(-1, 2)), "cells_per_block must be two positive"),
        (np.full((28, 28), -1.0), dict(transform_sqrt=True), "non-negative.*Rescale"),
        (np.zeros((28, 28)), dict(dtype=np.int32), "floating dtype"),
    ],
)
def test_invalid_input_raises_with_advice(images, options, message):
    with pytest.raises(OptionError, match=message):
        hog(images, **options)


def test_cells_and_length_validate_too():
    with pytest.raises(OptionError, match="at least 4 rows and 4 columns"):
        hog_cells(np.zeros((3, 10)))
    with pytest.raises(OptionError, match="Convert colour images to grey"):
        hog_cells(np.zeros((1, 28, 28, 3)))
    with pytest.raises(OptionError, match="at least 21 rows and 21 columns"):
        hog_feature_length((20, 28), pixels_per_cell=(7, 7), cells_per_block=(3, 3))
    with pytest.raises(OptionError, match="image_shape must be"):
        hog_feature_length((28,))


# --------------------------------------------------------------------------
# Interpolated votes
# --------------------------------------------------------------------------


def vertical_step(size=30, column=12):
    """0 left of ``column``, 255 from it on: gradients at 0 degrees in columns column-1, column."""
    image = np.zeros((size, size), np.uint8)
    image[:, column:] = 255
    return image


def test_interpolated_edge_splits_between_the_two_nearest_cells():
    # 30 px in cells of 5: centres at columns 2, 7, 12, 17, 22, 27. Column 12
    # is a centre (all to cell 2); column 11 is 1 px from 12 and 4 px from 7
    # (0.8 to cell 2, 0.2 to cell 1).
    cells = hog_cells(vertical_step(), orientations=4, pixels_per_cell=(5, 5), interpolate=True)
    per_column = cells.sum(axis=(0, 2))
    np.testing.assert_allclose(per_column[1] / per_column[2], 0.2 / 1.8, rtol=1e-6)
    np.testing.assert_array_equal(per_column[[0, 3, 4, 5]], 0)


def test_interpolated_edge_splits_between_the_two_nearest_bins():
    # 4 unsigned bins centred on 22.5, 67.5, 112.5 and 157.5 degrees: a
    # gradient at 0 degrees lies halfway between bins 3 and 0.
    cells = hog_cells(vertical_step(), orientations=4, pixels_per_cell=(5, 5), interpolate=True)
    per_bin = cells.sum(axis=(0, 1))
    np.testing.assert_allclose(per_bin[0], per_bin[3], rtol=1e-6)
    np.testing.assert_array_equal(per_bin[1:3], 0)


@pytest.mark.parametrize("direction", list(DIRECTIONS))
def test_edge_on_a_bin_centre_votes_in_that_bin_alone(direction):
    # 4 signed bins centred on 45, 135, 225 and 315 degrees: a diagonal edge
    # votes in one bin, a horizontal or vertical one half in each neighbour.
    cells = hog_cells(step_edge(direction), orientations=4, pixels_per_cell=(4, 4), signed=True,
                      interpolate=True)
    votes = cells[2:-2, 2:-2].sum(axis=(0, 1))
    angle = DIRECTIONS[direction]
    if angle % 90:
        expected = np.zeros(4, bool)
        expected[angle // 90] = True
        np.testing.assert_array_equal(votes > 0, expected)
    else:
        lit = np.flatnonzero(votes)
        np.testing.assert_array_equal(lit, sorted([(angle // 90 - 1) % 4, angle // 90 % 4]))
        np.testing.assert_allclose(*votes[lit], rtol=1e-6)


def test_interpolated_votes_add_up_to_the_gradient_magnitudes():
    # Between the first and the last cell centre every pixel's weights sum
    # to one, so nothing is lost or counted twice.
    image = np.zeros((28, 28), np.uint8)
    image[8:20, 10:17] = 90
    image[12:15, 5:22] = 200
    cells = hog_cells(image, orientations=9, pixels_per_cell=(4, 4), interpolate=True)
    as_float = image.astype(float)
    g_row = as_float[2:, 1:-1] - as_float[:-2, 1:-1]
    g_col = as_float[1:-1, 2:] - as_float[1:-1, :-2]
    np.testing.assert_allclose(cells.sum() * 16, np.hypot(g_row, g_col).sum(), rtol=1e-5)


def test_interpolated_features_change_less_when_a_digit_moves(digits):
    moved = np.zeros_like(digits)
    moved[:, 1:, 1:] = digits[:, :-1, :-1]

    def change(**options):
        before, after = hog(digits, **options), hog(moved, **options)
        return np.linalg.norm(after - before, axis=1).mean()

    options = dict(orientations=12, pixels_per_cell=(5, 5), signed=True)
    assert change(interpolate=True, **options) < 0.7 * change(interpolate=False, **options)


@pytest.mark.parametrize("signed", [False, True])
def test_interpolated_uint8_and_float_agree(digits, signed):
    options = dict(orientations=12, pixels_per_cell=(5, 5), signed=signed, interpolate=True)
    np.testing.assert_allclose(hog(digits, **options), hog(digits.astype(np.float64), **options),
                               atol=1e-6)


def test_interpolated_features_have_the_same_length():
    options = dict(orientations=7, pixels_per_cell=(6, 4), cells_per_block=(2, 3))
    image = np.zeros((30, 45), np.uint8)
    assert hog(image, interpolate=True, **options).shape == (hog_feature_length(image.shape,
                                                                                 **options),)
