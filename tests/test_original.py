"""Tests of ocrkit.original: the baseline finds what its fixed constants allow, and no more.

Pages are made of real MNIST digits pasted on paper, so every digit's box is
known by construction: the box of the pixels darker than the original's
threshold.
"""

import cv2
import numpy as np
import pytest

from ocrkit.original import (
    MAX_HEIGHT,
    MAX_WIDTH,
    MIN_HEIGHT,
    THRESHOLD,
    original_classifier,
    read_page_original,
)
from ocrkit.pipeline import PageReading
from ocrkit.preprocess import binarize, flatten_illumination, remove_specks, to_grey
from ocrkit.segment import segment_digits


@pytest.fixture(scope="module")
def model(trained_classifier):
    return trained_classifier("original", n_train=1000)


@pytest.fixture(scope="module")
def test_digits(mnist_subset):
    """MNIST test digits, 300 of them for each seed."""
    return lambda seed: mnist_subset(10, 300, seed=seed)


def one_piece_digits(test_digits, scale, count, seed=0):
    """MNIST test digits enlarged ``scale`` times whose dark ink is one 8-connected piece.

    Returns
    -------
    list of (label, (h, w) uint8 ink, (x, y, w, h) box of the pixels that will be darker
    than the threshold)
    """
    data = test_digits(seed)
    chosen = []
    for digit, label in zip(data.x_test, data.y_test):
        big = cv2.resize(digit, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
        # Paper 255 minus ink is darker than the threshold where the ink exceeds it.
        dark = (big > 255 - THRESHOLD).astype(np.uint8)
        if cv2.connectedComponents(dark, connectivity=8)[0] == 2:
            chosen.append((int(label), big, cv2.boundingRect(dark)))
        if len(chosen) == count:
            return chosen
    raise AssertionError("not enough one-piece digits")


def paste(digits, *, rows, pitch, margin, paper=255.0):
    """White paper (a scalar or an array of the page's shape) with the digits in rows.

    Returns the page and the true boxes, row by row.
    """
    per_row = -(-len(digits) // rows)
    side = digits[0][1].shape[0]
    shape = (2 * margin + rows * side + (rows - 1) * side, 2 * margin + per_row * pitch)
    paper = np.broadcast_to(np.asarray(paper, np.float32), shape)
    ink = np.zeros(shape, np.float32)
    boxes = []
    for i, (_, big, (bx, by, bw, bh)) in enumerate(digits):
        row, col = divmod(i, per_row)
        # Small vertical offsets, as handwriting has; less than a digit height.
        x, y = margin + col * pitch, margin + row * 2 * side + (7 * i) % 11
        ink[y:y + big.shape[0], x:x + big.shape[1]] = big / 255.0
        boxes.append((x + bx, y + by, bw, bh))
    page = np.clip(paper * (1.0 - ink) + 0.5, 0, 255).astype(np.uint8)
    return page, boxes


def kit_boxes(page):
    """Boxes the kit's own segmentation finds, for comparison."""
    ink = remove_specks(binarize(flatten_illumination(to_grey(page)), method="otsu"))
    return [tuple(int(v) for v in box) for box in segment_digits(ink).boxes]


def overlaps(box, boxes):
    x, y, w, h = box
    for bx, by, bw, bh in boxes:
        iw = min(x + w, bx + bw) - max(x, bx)
        ih = min(y + h, by + bh) - max(y, by)
        if iw > 0 and ih > 0 and iw * ih >= 0.5 * max(w * h, bw * bh):
            return True
    return False


def test_finds_every_digit_of_the_size_it_expects(model, test_digits):
    digits = one_piece_digits(test_digits, scale=2, count=8)
    page, truth = paste(digits, rows=2, pitch=80, margin=30)
    assert all(MIN_HEIGHT <= h <= MAX_HEIGHT and w <= MAX_WIDTH for _, _, w, h in truth)
    reading = read_page_original(page, model=model)
    assert isinstance(reading, PageReading)
    assert sorted(map(tuple, reading.boxes.tolist())) == sorted(truth)
    # Two rows of four digits become two lines, the first row first.
    assert reading.line.tolist() == [0] * 4 + [1] * 4
    assert sorted(map(tuple, reading.boxes[:4].tolist())) == sorted(truth[:4])
    assert reading.digits.shape == (8, 28, 28)
    assert set(reading.to_json()) == {"image", "size", "digits", "lines"}
    assert [len(text) for text in reading.lines] == [4, 4]


def test_digits_twice_its_size_limit_are_not_found(model, test_digits):
    # Ink about 2 x MAX_HEIGHT tall.
    digits = one_piece_digits(test_digits, scale=2 * MAX_HEIGHT / 19, count=3)
    # A page several digits tall, as a real page is.
    page, truth = paste(digits, rows=1, pitch=digits[0][1].shape[1] + 40, margin=400)
    assert all(h > MAX_HEIGHT for _, _, _, h in truth)
    reading = read_page_original(page, model=model)
    assert len(reading.boxes) == 0
    assert "no digits found" in reading.notice
    # The kit measures sizes on the page, so the same digits are found.
    found = kit_boxes(page)
    assert all(overlaps(box, found) for box in truth)


def test_fixed_threshold_loses_digits_in_shade(model, test_digits):
    digits = one_piece_digits(test_digits, scale=2, count=8, seed=1)
    width = 2 * 30 + 8 * 90
    # Paper from 250 at the left to 70 at the right: below the threshold of
    # 127 over the right third of the page.
    shade = np.linspace(250, 70, width, dtype=np.float32)[None, :]
    page, truth = paste(digits, rows=1, pitch=90, margin=30, paper=shade)
    reading = read_page_original(page, model=model)
    found = [tuple(b) for b in reading.boxes.tolist()]
    light = [box for box in truth if shade[0, box[0] + box[2]] > 150]
    dark = [box for box in truth if shade[0, box[0]] < 120]
    assert len(light) >= 3 and len(dark) >= 2
    assert all(overlaps(box, found) for box in light)
    assert not any(overlaps(box, found) for box in dark)
    # Flattening the illumination first keeps every digit.
    kit = kit_boxes(page)
    assert all(overlaps(box, kit) for box in truth)


def test_blank_page_reads_as_nothing(model):
    reading = read_page_original(np.full((200, 300), 255, np.uint8), model=model)
    assert len(reading.boxes) == 0 and reading.lines == []
    assert reading.notice


def test_original_classifier_is_untrained_knn_on_original_hog():
    from ocrkit.features import ORIGINAL_HOG

    model = original_classifier()
    assert model.kind == "knn" and model.params["k"] == 3
    assert model.features == ORIGINAL_HOG and not model.is_fitted
