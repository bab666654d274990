"""Tests of ocrkit.explore: what the notebooks' explorers compute, on drawn pages."""

import cv2
import numpy as np
import pytest

from ocrkit.explore import (
    ThresholdView,
    cast_shadow,
    compare_features,
    contour_counts,
    digits_visible,
    ink_components,
    number_lengths,
    segmentation_summary,
    settings_used,
    threshold_view,
)
from ocrkit.preprocess import BINARIZE_METHODS
from ocrkit.segment import Segmentation, segment_digits

PAPER, INK = 210, 40


def bars_page(rows=200, cols=300, *, ink=INK, count=5):
    """Paper with ``count`` separate upright bars of ink; the mask is the truth."""
    truth = np.zeros((rows, cols), bool)
    for i in range(count):
        x = 30 + i * 50
        truth[50:150, x:x + 8] = True
    grey = np.where(truth, ink, PAPER).astype(np.uint8)
    return grey, truth


def shaded_page(rows=300, cols=600, seed=0):
    """Bars under a shadow that darkens the paper to 30 % on the right.

    The ink edges are soft and the paper noisy, as on a real page, so that
    the histogram has levels between ink and paper.
    """
    grey, truth = bars_page(rows, cols, count=10)
    shade = np.linspace(1.0, 0.3, cols)[None, :]
    soft = cv2.GaussianBlur(grey.astype(np.float64), (5, 5), 1.0) * shade
    noise = np.random.default_rng(seed).normal(0, 2, grey.shape)
    return np.clip(soft + noise, 0, 255).round().astype(np.uint8), truth


def near(mask, pixels=2):
    """``mask`` grown by ``pixels`` in every direction."""
    size = 2 * pixels + 1
    return cv2.dilate(mask.astype(np.uint8), np.ones((size, size), np.uint8)).astype(bool)


def core(mask, pixels=2):
    """``mask`` shrunk by ``pixels``: the inside of the strokes, away from soft edges."""
    size = 2 * pixels + 1
    return cv2.erode(mask.astype(np.uint8), np.ones((size, size), np.uint8)).astype(bool)


def test_fixed_threshold_finds_exactly_the_ink():
    grey, truth = bars_page()
    view = threshold_view(grey, method="fixed", threshold=127)
    assert isinstance(view, ThresholdView)
    np.testing.assert_array_equal(view.ink, truth)
    assert view.threshold == 127
    assert view.block_size is None
    assert view.components == 5
    assert view.ink_fraction == truth.mean()


def test_fixed_threshold_below_the_ink_finds_nothing():
    grey, _ = bars_page()
    view = threshold_view(grey, method="fixed", threshold=INK)  # strictly darker only
    assert not view.ink.any()
    assert view.components == 0
    assert view.summary() == "fixed t=40: 0.00% ink, 0 components"


def test_otsu_reports_the_level_it_cut_at():
    grey, truth = shaded_page()
    grey = grey[:, :200]  # the unshaded part
    truth = truth[:, :200]
    view = threshold_view(grey, method="otsu")
    assert INK < view.threshold < PAPER
    assert view.ink[core(truth)].all()
    assert not (view.ink & ~near(truth)).any()
    # A global method is "grey < threshold", so the reported level reproduces the ink.
    np.testing.assert_array_equal(grey < view.threshold, view.ink)


@pytest.mark.parametrize("method", ["adaptive_mean", "adaptive_gaussian", "sauvola"])
def test_local_methods_have_no_single_threshold(method):
    grey, truth = bars_page()
    view = threshold_view(grey, method=method, block_size=61)
    assert view.threshold is None
    assert view.block_size == 61
    assert view.summary().startswith(f"{method} block=61: ")
    # Every bar is found and nothing far from the bars is taken for ink.
    assert view.components == 5
    assert not (view.ink & ~near(truth)).any()


def test_local_method_default_block_is_reported_as_auto():
    grey, _ = bars_page()
    assert "block=auto" in threshold_view(grey, method="sauvola").summary()


def test_flattening_recovers_ink_lost_in_a_shadow():
    grey, truth = shaded_page()
    # Under the shadow the paper is darker than 127: a fixed cut takes it all for ink.
    plain = threshold_view(grey, method="otsu")
    flat = threshold_view(grey, method="otsu", flatten=True)
    assert plain.ink_fraction > 0.2
    assert flat.components == 10
    assert flat.ink[core(truth)].all()
    assert not (flat.ink & ~near(truth)).any()


@pytest.mark.parametrize("method", BINARIZE_METHODS)
def test_view_summary_is_plain_text(method):
    grey, _ = bars_page()
    view = threshold_view(grey, method=method)
    assert type(view.ink_fraction) is float
    assert type(view.components) is int
    assert view.threshold is None or type(view.threshold) is int
    assert "np." not in view.summary()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"method": "median"}, "unknown method 'median'"),
        ({"threshold": 300}, "threshold must be a grey level 0-255"),
        ({"method": "sauvola", "block_size": 40}, "block_size must be odd"),
    ],
)
def test_bad_settings_say_what_to_do(options, message):
    grey, _ = bars_page()
    with pytest.raises(ValueError, match=message):
        threshold_view(grey, **options)


def test_colour_page_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="call to_grey first"):
        threshold_view(np.zeros((10, 10, 3), np.uint8))


@pytest.mark.parametrize(
    ("method", "used"),
    [("fixed", ("threshold",)), ("otsu", ()), ("contrast", ()), ("adaptive_mean", ("block_size",)),
     ("adaptive_gaussian", ("block_size",)), ("sauvola", ("block_size",))],
)
def test_settings_used_are_the_ones_that_change_the_ink(method, used):
    assert settings_used(method) == used
    grey, _ = shaded_page()
    base = threshold_view(grey, method=method, threshold=127, block_size=61)
    other_threshold = threshold_view(grey, method=method, threshold=60, block_size=61)
    other_block = threshold_view(grey, method=method, threshold=127, block_size=201)
    assert (not np.array_equal(base.ink, other_threshold.ink)) == ("threshold" in used)
    assert (not np.array_equal(base.ink, other_block.ink)) == ("block_size" in used)


def test_settings_used_of_every_method_and_no_other():
    for method in BINARIZE_METHODS:
        assert set(settings_used(method)) <= {"threshold", "block_size"}
    with pytest.raises(ValueError, match="unknown method 'median'"):
        settings_used("median")


@pytest.mark.parametrize(
    ("method", "note"),
    [("fixed", "fixed cuts at the threshold; block_size has no effect"),
     ("otsu", "otsu picks its own level from the histogram; threshold and block_size have no "
              "effect"),
     ("sauvola", "sauvola compares each pixel with its block; threshold has no effect"),
     ("contrast", "contrast measures the paper and the ink; threshold and block_size have no "
                  "effect")],
)
def test_note_names_the_settings_without_effect(method, note):
    grey, _ = bars_page()
    assert threshold_view(grey, method=method).note() == note


def test_only_local_methods_report_a_block_size():
    grey, _ = bars_page()
    for method in BINARIZE_METHODS:
        view = threshold_view(grey, method=method, block_size=61)
        local = method in ("adaptive_mean", "adaptive_gaussian", "sauvola")
        assert (view.block_size == 61) == local


def test_contrast_summary_names_no_setting():
    grey, _ = bars_page()
    view = threshold_view(grey, method="contrast")
    assert view.threshold is None
    assert view.summary().startswith("contrast: ")


def test_view_counts_the_known_digits_that_stand_out():
    grey, truth = bars_page()
    boxes = [(30 + i * 50, 50, 8, 100) for i in range(5)]
    view = threshold_view(grey, method="fixed", threshold=127, boxes=boxes)
    assert (view.visible, view.digits) == (5, 5)
    assert view.summary().endswith("; 5 of 5 digits visible")
    assert view.title == "fixed t=127\n6.67% ink, 5 components\n5 of 5 digits visible"
    flat = threshold_view(grey, method="fixed", threshold=127, flatten=True)
    assert flat.flattened and not view.flattened
    assert flat.title.split("\n")[0] == "fixed t=127, flattened"
    # A threshold below the ink finds nothing: no digit stands out.
    lost = threshold_view(grey, method="fixed", threshold=INK, boxes=boxes)
    assert (lost.visible, lost.digits) == (0, 5)
    # Without a truth, nothing is counted and the summary says nothing of digits.
    plain = threshold_view(grey, method="fixed", threshold=127)
    assert plain.visible is None and plain.digits is None
    assert "visible" not in plain.summary()


def ring(outer=30, inner=15, size=80):
    mask = np.zeros((size, size), np.uint8)
    cv2.circle(mask, (size // 2, size // 2), outer, 1, -1)
    cv2.circle(mask, (size // 2, size // 2), inner, 0, -1)
    return mask.astype(bool)


def test_contours_of_shapes_known_by_construction():
    bar = np.zeros((40, 40), bool)
    bar[5:35, 18:23] = True
    eight = np.zeros((120, 80), np.uint8)
    cv2.circle(eight, (40, 35), 25, 1, 6)
    cv2.circle(eight, (40, 82), 25, 1, 6)
    target = ring()
    target[38:43, 38:43] = True  # a dot inside the hole is ink again
    assert contour_counts(bar) == (1, 0)
    assert contour_counts(ring()) == (1, 1)
    assert contour_counts(eight.astype(bool)) == (1, 2)
    assert contour_counts(target) == (2, 1)
    assert contour_counts(np.zeros((10, 10), bool)) == (0, 0)


def test_ink_components_counts_separate_pieces():
    grey, truth = bars_page(count=4)
    assert ink_components(truth) == 4
    # Diagonal neighbours join under 8-connectivity.
    assert ink_components(np.eye(5, dtype=bool)) == 1
    with pytest.raises(ValueError, match="2-D"):
        ink_components(np.zeros(5, bool))


def test_segmentation_summary_counts_lines_numbers_and_drops():
    ink = np.zeros((200, 400), bool)
    for i, x in enumerate((20, 60, 100, 220, 260)):
        ink[20:80, x:x + 25] = True  # line 0: numbers of 3 and 2 digits
        if i < 2:
            ink[120:180, x:x + 25] = True  # line 1: one number of 2 digits
    ink[100, 300] = True  # a speck
    found = segment_digits(ink, merge=False, split=False)
    text = segmentation_summary(found)
    assert text.startswith("7 digits, 2 lines, 3 numbers; dropped: 1 ")
    assert text.endswith(found.dropped[0][1])


def test_segmentation_summary_of_an_empty_page():
    zeros = np.zeros(0, int)
    empty = Segmentation(np.zeros((0, 4), int), [], zeros, zeros.copy())
    assert segmentation_summary(empty) == "0 digits, 0 lines, 0 numbers; nothing dropped"


def test_shadow_darkens_the_right_part_with_a_soft_edge():
    grey = np.full((4, 100), 200, np.uint8)
    shaded = cast_shadow(grey, darkest=0.3, edge=0.5, softness=0.04)
    assert shaded.dtype == np.uint8 and shaded.shape == grey.shape
    assert shaded[:, :20].min() >= 199  # full light far left of the edge
    assert shaded[:, 80:].max() <= 61  # 30 % far right of it
    # Halfway across the edge the light is halfway: 200 * (1 + 0.3) / 2 = 130.
    assert abs(int(shaded[0, 49]) + int(shaded[0, 50]) - 2 * 130) <= 1
    assert (np.diff(shaded[0].astype(int)) <= 0).all()
    np.testing.assert_array_equal(cast_shadow(grey, darkest=1.0), grey)


@pytest.mark.parametrize("darkest", [0, -0.5, 1.5])
def test_shadow_refuses_brightness_outside_0_1(darkest):
    with pytest.raises(ValueError, match=r"brightness in \(0, 1\]"):
        cast_shadow(np.zeros((3, 3), np.uint8), darkest=darkest)


def test_shadow_refuses_a_sharp_edge_of_zero_width():
    with pytest.raises(ValueError, match="softness must be positive"):
        cast_shadow(np.zeros((3, 3), np.uint8), softness=0)


def test_a_fixed_threshold_loses_the_digits_under_a_shadow_flattening_keeps_them():
    grey, truth = shaded_page()
    boxes = [(30 + i * 50, 50, 8, 100) for i in range(10)]
    boxes = [(x - 4, y, w + 8, h) for x, y, w, h in boxes]  # bars with paper beside them
    fixed = threshold_view(grey, method="fixed", threshold=127)
    flat = threshold_view(grey, method="fixed", threshold=127, flatten=True)
    # Under the shadow the paper (210 * (1 - 0.7 x / 600)) is darker than 127
    # from x = 339 on: the paper round the bars at 380, 430 and 480 is taken
    # for ink and they are swallowed; the bar at 330 still has paper on its left.
    assert digits_visible(fixed.ink, boxes) == 7
    assert digits_visible(flat.ink, boxes) == 10


def test_digits_visible_tells_kept_from_vanished_and_swallowed():
    ink = np.zeros((60, 200), bool)
    ink[15:45, 12:16] = True  # a stroke (a 1, its box all ink) on paper: visible
    ink[:, 140:200] = True  # a shadow taken for ink round the last box: swallowed
    boxes = [(12, 15, 4, 30), (60, 15, 20, 30), (160, 15, 20, 30)]  # the middle one is empty
    assert digits_visible(ink, boxes) == 1
    assert digits_visible(ink, boxes, most_around=1.0) == 2
    assert digits_visible(ink, boxes, lowest=0.0) == 2
    assert digits_visible(ink, []) == 0


def test_number_lengths_follow_line_and_number_ids():
    assert number_lengths([0, 0, 0, 0, 1, 2, 2], [0, 0, 1, 1, 2, 3, 4]) == [[2, 2], [1], [1, 1]]
    assert number_lengths([], []) == []
    with pytest.raises(ValueError, match="one entry per digit"):
        number_lengths([0, 0], [0])


def test_number_lengths_of_a_segmented_page_match_its_text():
    ink = np.zeros((200, 400), bool)
    for x in (20, 60, 100, 220, 260):  # "123 45"
        ink[20:80, x:x + 25] = True
    for x in (60, 100):  # "67", indented
        ink[120:180, x:x + 25] = True
    found = segment_digits(ink, merge=False, split=False)
    assert number_lengths(found.line, found.number) == [[3, 2], [2]]


def test_compare_features_trains_one_classifier_per_setting():
    from ocrkit.classify import DigitClassifier
    from ocrkit.datasets import load_mnist
    from ocrkit.evaluate import accuracy
    from ocrkit.features import FeatureSettings

    data = load_mnist(n_train=300, n_test=60, seed=1)
    small = FeatureSettings(orientations=9, pixels_per_cell=(4, 4), signed=False,
                            interpolate=False, power=1.0)
    variants = {"small cells": small, "default": FeatureSettings()}
    table = compare_features(variants, data.x_train, data.y_train, data.x_test, data.y_test, k=1)
    assert list(table) == ["small cells", "default"]
    # 7x7 cells of 4 pixels, 6x6 blocks of 2x2 cells, 9 bins: 6 * 6 * 36 numbers.
    assert table["small cells"] == {**table["small cells"], "cell": "4x4", "bins": 9,
                                    "signed": False, "shared": False, "features": 1296}
    assert table["default"]["features"] == 768 and table["default"]["shared"]
    alone = DigitClassifier("knn", features=small, k=1).fit(data.x_train, data.y_train)
    assert table["small cells"]["accuracy"] == accuracy(data.y_test, alone.predict(data.x_test))
    with pytest.raises(ValueError, match="at least one feature setting"):
        compare_features({}, data.x_train, data.y_train, data.x_test, data.y_test)
