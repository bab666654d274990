"""Tests of ocrkit.features: the settings and the vectors they give."""

import numpy as np
import pytest

from ocrkit.errors import OptionError
from ocrkit.features import ORIGINAL_HOG, FeatureSettings, extract_features
from ocrkit.hog import hog
from ocrkit.normalize import deskew


@pytest.fixture(scope="module")
def digits(mnist_subset):
    return mnist_subset(100, 10).x_train


def test_default_vectors_are_the_square_root_of_interpolated_hog_at_unit_length(digits):
    settings = FeatureSettings()
    vectors = extract_features(digits, settings=settings)
    plain = hog(deskew(digits), orientations=settings.orientations,
                pixels_per_cell=settings.pixels_per_cell,
                cells_per_block=settings.cells_per_block, signed=True, interpolate=True)
    expected = np.sqrt(plain) / np.linalg.norm(np.sqrt(plain), axis=1, keepdims=True)
    np.testing.assert_allclose(vectors, expected, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)


def test_power_one_leaves_hog_as_it_is(digits):
    settings = FeatureSettings(power=1.0, deskew=False)
    plain = hog(digits, orientations=settings.orientations,
                pixels_per_cell=settings.pixels_per_cell, signed=True, interpolate=True,
                dtype=np.float64)
    np.testing.assert_array_equal(extract_features(digits, settings=settings), plain)


@pytest.mark.parametrize("power", [0, -0.5, 2])
def test_power_outside_zero_to_one_is_refused(power):
    with pytest.raises(OptionError, match="power must be in"):
        FeatureSettings(power=power)


@pytest.mark.parametrize(("options", "match"), [
    ({"kind": "edges"}, "^kind: unknown feature kind 'edges'; choose 'hog' or 'pixels'$"),
    ({"block_norm": "L3"}, "^block_norm must be one of 'L1', 'L1-sqrt', 'L2', 'L2-Hys'; got 'L3'$"),
])
def test_unknown_choices_are_refused_before_any_work(options, match):
    with pytest.raises(OptionError, match=match):
        FeatureSettings(**options)


def test_settings_given_by_position_still_work_with_a_warning(digits):
    settings = FeatureSettings(kind="pixels")
    with pytest.warns(DeprecationWarning, match=r"extract_features\(digits, settings=\.\.\.\)"):
        old = extract_features(digits, settings)
    np.testing.assert_array_equal(old, extract_features(digits, settings=settings))


def test_digits_of_the_wrong_shape_are_refused():
    with pytest.raises(OptionError, match=r"^digits must be an \(N, 28, 28\) stack"):
        extract_features(np.zeros((2, 1, 28, 28), np.uint8))


def test_settings_round_trip_through_a_dict():
    settings = FeatureSettings(orientations=9, pixels_per_cell=(4, 4), power=0.7)
    assert FeatureSettings.from_dict(settings.to_dict()) == settings


def test_settings_written_before_interpolation_existed_read_as_they_were_trained():
    # A file written before the `interpolate` and `power` options had plain votes.
    old = FeatureSettings().to_dict()
    del old["interpolate"], old["power"]
    settings = FeatureSettings.from_dict(old)
    assert settings.interpolate is False and settings.power == 1.0


def test_the_original_programs_features_are_plain_hog(digits):
    vectors = extract_features(digits, settings=ORIGINAL_HOG)
    expected = hog(digits, orientations=10, pixels_per_cell=(5, 5), cells_per_block=(1, 1),
                   dtype=np.float64)
    np.testing.assert_array_equal(vectors, expected)
