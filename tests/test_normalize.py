"""Tests of ocrkit.normalize: MNIST's own preparation is the reference."""

import cv2
import numpy as np
import pytest

from ocrkit.normalize import (
    FIT,
    SIZE,
    crop_to_ink,
    deskew,
    normalize_digit,
    normalize_digits,
    stretch_digit,
    turn_upright,
)


@pytest.fixture(scope="module")
def mnist_digits(mnist_subset):
    return mnist_subset(10, 500, seed=4).x_test


def centre_of_mass(image):
    """(x, y) of the intensity-weighted centre, in pixel indices."""
    image = np.asarray(image, np.float64)
    total = image.sum()
    return (image.sum(axis=0) @ np.arange(image.shape[1]) / total,
            image.sum(axis=1) @ np.arange(image.shape[0]) / total)


def central_moments(image):
    moments = cv2.moments(np.asarray(image, np.float32))
    return moments["mu11"], moments["mu02"]


def upright_bar(size=28, half_length=9, half_width=2):
    bar = np.zeros((size, size), np.uint8)
    middle = size // 2
    bar[middle - half_length:middle + half_length, middle - half_width:middle + half_width] = 255
    return bar


def shear(image, amount):
    """Lean ``image`` by ``amount`` columns per row about its centre (bilinear)."""
    rows, cols = image.shape
    matrix = np.float32([[1, amount, -amount * (rows - 1) / 2], [0, 1, 0]])
    return cv2.warpAffine(image, matrix, (cols, rows), flags=cv2.INTER_LINEAR)


def test_mnist_puts_the_centre_of_mass_at_pixel_14_14(mnist_digits):
    # The convention normalize_digit follows, checked on MNIST itself.
    for digit in mnist_digits[:200]:
        x, y = centre_of_mass(digit)
        assert abs(x - 14) <= 0.5 and abs(y - 14) <= 0.5


@pytest.mark.parametrize("kind", ["bool", "uint8", "float"])
def test_thin_tall_bar_keeps_its_aspect_and_is_centred(kind):
    bar = np.zeros((100, 30), bool)
    bar[10:90, 12:18] = True  # 80 x 6: longer side becomes 20, shorter 1.5
    ink = {"bool": bar, "uint8": bar.astype(np.uint8) * 255, "float": bar.astype(np.float64)}[kind]
    digit = normalize_digit(ink)
    assert digit.dtype == np.uint8 and digit.shape == (SIZE, SIZE)
    assert digit.max() == 255
    # 80 x 6 becomes 20 x round(1.5): 20 px of ink in each of 2 columns,
    # where a stretched crop would fill the square.
    assert digit.sum() / 255 == pytest.approx(FIT * 2, abs=0.5)
    rows, cols = np.flatnonzero(digit.any(axis=1)), np.flatnonzero(digit.any(axis=0))
    assert FIT <= rows.size <= FIT + 1 and cols.size <= 3
    x, y = centre_of_mass(digit)
    assert abs(x - SIZE / 2) < 0.1 and abs(y - SIZE / 2) < 0.1


@pytest.mark.parametrize("width", [1, 2, 3])
def test_a_one_a_few_pixels_wide_survives(width):
    # A crop that shrinks to 1, 2 or 3 columns must not vanish.
    one = np.ones((20 * 10, width * 10), bool)
    digit = normalize_digit(one)
    assert digit.sum() / 255 == pytest.approx(20 * width, rel=0.05)


@pytest.mark.parametrize(("shape", "fitted"), [((40, 100), "wide"), ((100, 40), "tall")])
def test_longer_side_is_fitted_into_20_pixels(shape, fitted):
    digit = normalize_digit(np.ones(shape, bool)).astype(float) / 255
    # 20 x 8 px of ink, possibly spread over one more row and column by the
    # sub-pixel shift that centres it.
    assert digit.sum() == pytest.approx(FIT * 8, abs=0.5)
    profile = digit.sum(axis=0) if fitted == "wide" else digit.sum(axis=1)
    assert profile.max() == pytest.approx(8, abs=0.05)
    assert FIT <= np.count_nonzero(profile) <= FIT + 1


def test_mnist_digits_renormalised_stay_themselves(mnist_digits):
    digits = normalize_digits(list(mnist_digits))
    assert digits.shape == mnist_digits.shape and digits.dtype == np.uint8
    corr = np.array([np.corrcoef(a.ravel(), b.ravel())[0, 1]
                     for a, b in zip(digits.astype(float), mnist_digits.astype(float))])
    assert np.median(corr) > 0.95
    assert np.percentile(corr, 5) > 0.88


def test_a_digit_anywhere_in_a_large_crop_comes_out_the_same(mnist_digits):
    digit = mnist_digits[0]
    big = cv2.resize(digit, (112, 112), interpolation=cv2.INTER_LINEAR)
    page = np.zeros((300, 400), np.uint8)
    page[150:262, 37:149] = big
    corr = np.corrcoef(normalize_digit(page).ravel().astype(float), digit.ravel().astype(float))
    assert corr[0, 1] > 0.9


def test_stroke_width_option_makes_strokes_the_same_whatever_the_pen():
    masses = {}
    for pen in (3, 9, 25):
        ring = np.zeros((300, 200), np.uint8)
        cv2.circle(ring, (100, 150), 90, 255, pen)
        masses[pen] = (normalize_digit(ring).sum(), normalize_digit(ring, stroke_width=3).sum())
    plain = [m[0] for m in masses.values()]
    matched = [m[1] for m in masses.values()]
    assert max(plain) > 3 * min(plain)
    assert max(matched) < 1.1 * min(matched)


# ------------------------------------------------------------------ deskew
@pytest.mark.parametrize("amount", [-0.4, -0.2, 0.25, 0.5])
def test_deskew_straightens_a_sheared_bar(amount):
    upright = upright_bar()
    leaning = shear(upright, amount)
    mu11, mu02 = central_moments(leaning)
    assert abs(mu11 / mu02 - amount) < 0.02
    straight = deskew(leaning)
    assert straight.dtype == leaning.dtype and straight.shape == leaning.shape
    mu11, mu02 = central_moments(straight)
    assert abs(mu11) < 0.01 * mu02
    # The shear undone gives back the upright bar, up to the blur of two
    # interpolations.
    assert np.abs(straight.astype(int) - upright).mean() < 6


def test_deskew_leaves_an_upright_bar_alone():
    bar = upright_bar()
    np.testing.assert_array_equal(deskew(bar), bar)


def test_deskew_on_a_stack_equals_one_by_one(mnist_digits):
    stack = mnist_digits[:50]
    together = deskew(stack)
    assert together.shape == stack.shape and together.dtype == stack.dtype
    for digit, straight in zip(stack, together):
        np.testing.assert_array_equal(straight, deskew(digit))


def test_deskew_of_uint8_equals_the_float32_moments_shear(mnist_digits):
    # The reference: OpenCV's digits.py sample, moments taken in float32.
    def reference(digit):
        moments = cv2.moments(digit.astype(np.float32))
        if abs(moments["mu02"]) < 1e-2:
            return digit.copy()
        skew = moments["mu11"] / moments["mu02"]
        matrix = np.float32([[1, skew, -0.5 * 28 * skew], [0, 1, 0]])
        return cv2.warpAffine(digit, matrix, (28, 28),
                              flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR)

    line = np.zeros((28, 28), np.uint8)
    line[14, 5:20] = 200  # no spread along the rows: mu02 is 0, left as it is
    stack = np.concatenate([mnist_digits[:200], [np.zeros((28, 28), np.uint8), line]])
    np.testing.assert_array_equal(deskew(stack), np.stack([reference(d) for d in stack]))


def test_deskew_of_an_empty_digit_is_empty():
    blank = np.zeros((28, 28), np.uint8)
    np.testing.assert_array_equal(deskew(blank), blank)


def test_deskew_option_of_normalize_digit():
    leaning = shear(upright_bar(size=80, half_length=30, half_width=4), 0.4)
    assert abs(np.divide(*central_moments(normalize_digit(leaning)))) > 0.3
    digit = normalize_digit(leaning, deskew_digit=True)
    mu11, mu02 = central_moments(digit)
    assert abs(mu11 / mu02) < 0.05


# ------------------------------------------------------ stretch and others
def test_stretch_digit_fills_the_square_with_a_thin_one():
    one = np.ones((80, 6), bool)
    stretched = stretch_digit(one)
    assert stretched.shape == (SIZE, SIZE) and stretched.dtype == np.uint8
    assert stretched.min() == 255
    assert (normalize_digit(one) > 0).mean() < 0.12


def test_stretch_digit_size_option():
    assert stretch_digit(np.ones((5, 5), bool), size=16).shape == (16, 16)


@pytest.mark.parametrize("ink", [np.zeros((30, 20), bool), np.zeros((30, 20), np.uint8),
                                 np.zeros((0, 0), bool)])
def test_no_ink_gives_zeros(ink):
    for digit in (normalize_digit(ink), stretch_digit(ink)):
        assert digit.shape == (SIZE, SIZE) and digit.dtype == np.uint8 and not digit.any()


def test_normalize_digits_of_nothing_is_an_empty_stack():
    digits = normalize_digits([])
    assert digits.shape == (0, SIZE, SIZE) and digits.dtype == np.uint8


def test_crop_to_ink():
    ink = np.zeros((10, 12), np.uint8)
    ink[2:5, 3:9] = 200
    ink[7, 4] = 1
    np.testing.assert_array_equal(crop_to_ink(ink), ink[2:8, 3:9])
    np.testing.assert_array_equal(crop_to_ink(ink, level=100), ink[2:5, 3:9])
    assert crop_to_ink(np.zeros((4, 4))).shape == (0, 0)


def test_crop_to_ink_of_masks_matches_a_plain_search():
    rng = np.random.default_rng(5)
    for shape in [(1, 1), (1, 9), (9, 1), (2, 7), (7, 2), (30, 20), (120, 80)]:
        for density in (0.0, 0.02, 0.5, 1.0):
            mask = rng.random(shape) < density
            for ink in (mask, np.pad(mask, ((1, 3), (2, 0))), np.asfortranarray(mask),
                        mask[::-1, ::-1]):
                rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
                expected = (ink[:0, :0] if rows.size == 0 else
                            ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1])
                cropped = crop_to_ink(ink)
                assert cropped.shape == expected.shape
                np.testing.assert_array_equal(cropped, expected)


@pytest.mark.parametrize("options", [{}, {"stroke_width": 2.5}, {"deskew_digit": True},
                                     {"size": 32, "fit": 24}])
def test_normalize_digits_equals_one_by_one(options):
    rng = np.random.default_rng(6)
    crops = [rng.random(shape) < 0.4 for shape in [(40, 18), (3, 50), (1, 1), (64, 60)]]
    crops += [np.zeros((5, 5), bool), (rng.random((30, 20)) * 255).astype(np.uint8)]
    together = normalize_digits(crops, **options)
    np.testing.assert_array_equal(together,
                                  np.stack([normalize_digit(crop, **options) for crop in crops]))


def test_normalize_digit_rejects_bad_input():
    with pytest.raises(ValueError, match=r"fit \(30\) must not exceed size \(28\)"):
        normalize_digit(np.ones((5, 5), bool), fit=30)
    with pytest.raises(ValueError, match=r"2-D \(M, N\) array"):
        normalize_digit(np.ones((5, 5, 3), np.uint8))
    with pytest.raises(ValueError, match=r"\(M, N\) or \(K, M, N\)"):
        deskew(np.zeros((2, 2, 28, 28), np.uint8))


def test_a_digit_on_a_slanted_line_is_turned_upright():
    # A "1" written upright, then photographed with the camera turned 35
    # degrees: turning it back by the line's direction makes it upright again.
    upright = np.zeros((60, 60), np.uint8)
    upright[10:50, 28:32] = 1
    turn = cv2.getRotationMatrix2D((30, 30), -35, 1.0)
    slanted = cv2.warpAffine(upright * 255, turn, (60, 60)) >= 128
    back = turn_upright(crop_to_ink(slanted), np.radians(35))
    assert back.shape[0] > 3 * back.shape[1]  # tall and thin again
