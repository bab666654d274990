"""Reading order: lines along the writing, numbers from the spacing, built by hand."""

import numpy as np
import pytest

from ocrkit.reading import (
    _best_split,
    number_threshold,
    ordered_with_direction,
    reading_order,
    writing_direction,
)


def line_of(n, *, x=0.0, y=100.0, angle=0.0, pitch=14.0, width=10.0, height=20.0, gaps=()):
    """``n`` boxes along a direction; ``gaps`` adds extra space after given indices."""
    extra = dict(gaps)
    boxes, along = [], 0.0
    for k in range(n):
        cx = x + along * np.cos(np.radians(angle))
        cy = y + along * np.sin(np.radians(angle))
        boxes.append((cx - width / 2, cy - height / 2, width, height))
        along += pitch + extra.get(k, 0.0)
    return boxes


@pytest.mark.parametrize("angle", [-40, -20, 0, 20, 35])
def test_a_slanted_line_is_one_line_and_its_direction_is_found(angle):
    boxes = line_of(6, angle=angle, pitch=16)
    centres = np.array([(x + w / 2, y + h / 2) for x, y, w, h in boxes])
    assert np.degrees(writing_direction(centres, [20] * 6)) == pytest.approx(angle, abs=1)
    order, line, _ = reading_order(boxes)
    assert order.tolist() == list(range(6)) and line.tolist() == [0] * 6


def test_a_wide_gap_between_two_numbers_keeps_one_line():
    boxes = line_of(10, gaps={4: 70})  # "12345      67891"
    _, line, number = reading_order(boxes)
    assert line.tolist() == [0] * 10
    assert number.tolist() == [0] * 5 + [1] * 5


def test_evenly_spaced_digits_are_one_number():
    _, _, number = reading_order(line_of(5, pitch=16))
    assert number.tolist() == [0] * 5


def test_a_narrow_one_does_not_split_its_number():
    boxes = line_of(5, pitch=13)
    x, y, w, h = boxes[1]
    boxes[1] = (x + 4, y, 2, h)  # a "1": same slot, a thin stroke
    _, _, number = reading_order(boxes + line_of(4, y=160, gaps={1: 30}))
    assert number[:5].tolist() == [0] * 5


def test_two_rows_of_numbers_at_slightly_different_heights():
    first = line_of(3) + line_of(3, x=80, y=104)
    second = line_of(3, y=150) + line_of(3, x=80, y=147)
    order, line, number = reading_order(second + first)
    assert line.tolist() == [0] * 6 + [1] * 6
    assert number.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert order.tolist() == [6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5]


def test_number_threshold_needs_two_clear_groups():
    assert number_threshold([0.1, 0.12, 0.08, 1.2, 1.0]) is not None
    assert number_threshold([0.5, 0.6, 0.55, 0.7]) is None
    assert number_threshold([0.3]) is None


@pytest.mark.parametrize("unit", [7, 9, 11, 13, 17, 19])
def test_a_tie_between_two_splits_goes_to_the_lower_one(unit):
    # Gaps of 3, 4 and 5 pixels: splitting after the 3 or after the 4 scores
    # exactly the same; which one wins must not hang on rounding.
    gaps = np.array([5, 3, 4]) / unit
    threshold, difference, _ = _best_split(gaps)
    assert threshold == pytest.approx(3.5 / unit)
    assert difference == pytest.approx(1.5 / unit)


def test_the_split_is_otsus_best():
    rng = np.random.default_rng(0)
    for _ in range(50):
        gaps = np.sort(rng.random(int(rng.integers(2, 40))))
        scores = [i * (len(gaps) - i) * (gaps[i:].mean() - gaps[:i].mean()) ** 2
                  for i in range(1, len(gaps))]
        best = 1 + int(np.argmax(scores))
        assert _best_split(gaps)[0] == pytest.approx((gaps[best - 1] + gaps[best]) / 2)


def test_reading_order_follows_the_direction_it_reports():
    boxes = line_of(6, angle=30, pitch=16)
    order, line, number, angle = ordered_with_direction(boxes)
    assert np.degrees(angle) == pytest.approx(30, abs=0.5)
    assert [a.tolist() for a in reading_order(boxes)] == [order.tolist(), line.tolist(),
                                                         number.tolist()]
