"""The exact statistics of ocrkit._small against numpy's own."""

import numpy as np
import pytest

from ocrkit._small import grey_median, grey_percentile, upper_percentile


def _grey_cases(seed, n=300):
    rng = np.random.default_rng(seed)
    for k in range(n):
        grey = rng.integers(0, 256, (int(rng.integers(1, 40)), int(rng.integers(1, 40))))
        if k % 2:  # few levels: ties, and even counts landing between two levels
            grey = grey // 51 * 51
        where = rng.random(grey.shape) < rng.uniform(0.05, 1.0)
        yield grey.astype(np.uint8), where


@pytest.mark.parametrize("seed", range(3))
def test_grey_median_is_numpys_median(seed):
    for grey, where in _grey_cases(seed):
        assert grey_median(grey) == np.median(grey)
        if where.any():
            assert grey_median(grey, where) == np.median(grey[where])


def test_grey_median_of_nothing_is_nan():
    assert np.isnan(grey_median(np.zeros((3, 3), np.uint8), np.zeros((3, 3), bool)))


@pytest.mark.parametrize("q", [0, 10, 33.3, 50, 97, 100])
def test_grey_percentile_is_numpys_percentile(q):
    for grey, where in _grey_cases(int(q * 10)):
        if where.any():
            assert grey_percentile(grey, q, where) == np.percentile(grey[where], q)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("q", [90, 97, 99.5, 100])
def test_upper_percentile_is_numpys_percentile_to_the_bit(dtype, q):
    rng = np.random.default_rng(int(q))
    for k in range(300):
        values = rng.random(int(rng.integers(1, 4000))) * 1000
        if k % 2:  # whole numbers, as Sobel gradients of grey levels: many ties
            values = np.sqrt(np.round(values))
        values = values.astype(dtype)
        ours, numpys = upper_percentile(values, q), np.percentile(values, q)
        assert ours == numpys and ours.dtype == numpys.dtype
