"""Tests of ocrkit.pipeline.read_page on pages assembled from MNIST test digits.

The page is light grey paper under a shadow, with MNIST digits written in
dark ink at known places, in known lines and numbers; each digit is one that
the test's small SVM recognises when it is shown alone.  So the boxes and the
text the page must give are known by construction.
"""

import copy
import json

import cv2
import numpy as np
import pytest

from ocrkit.ink import working_scale
from ocrkit.pipeline import read_page

HEIGHT = 56  # digit height on the page, px
TEXT = ["31 4", "159 26", "5870"]


@pytest.fixture(scope="module")
def mnist(mnist_subset):
    return mnist_subset(3000, 400, seed=5)


@pytest.fixture(scope="module")
def model(mnist, trained_classifier):
    # Trained on a few thousand digits (mnist.x_train), it is less sure than
    # the default model; these tests check reading, not rejection (tested on
    # its own).
    return trained_classifier("svm", n_train=3000, seed=5, reject_below=0.5)


def scaled(image, height):
    """An MNIST digit cropped to its ink and scaled to ``height`` rows, in [0, 1]."""
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    crop = image[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    width = max(1, round(crop.shape[1] * height / crop.shape[0]))
    return cv2.resize(crop, (width, height), interpolation=cv2.INTER_LINEAR) / 255.0


@pytest.fixture(scope="module")
def page(mnist, model):
    """The page (uint8 grey), the true boxes in reading order, and the lines' text."""
    labels, _ = model.predict_confidence(mnist.x_test)
    # Digits recognised alone, in one piece (broken digits are segment's business).
    usable = [i for i in range(len(labels)) if labels[i] == mnist.y_test[i]
              and cv2.connectedComponents((mnist.x_test[i] >= 128).astype(np.uint8))[0] == 2]
    rows, cols = 400, 640
    darkness = np.zeros((rows, cols))
    truth, y = [], 50
    for line in TEXT:
        x = 50
        for char in line:
            if char == " ":
                x += int(0.9 * HEIGHT)
                continue
            index = next(i for i in usable if mnist.y_test[i] == int(char))
            usable.remove(index)
            digit = scaled(mnist.x_test[index], HEIGHT)
            darkness[y:y + HEIGHT, x:x + digit.shape[1]] = digit
            ink = digit >= 0.5
            top, left = np.flatnonzero(ink.any(axis=1))[0], np.flatnonzero(ink.any(axis=0))[0]
            truth.append((x + left, y + top, np.flatnonzero(ink.any(axis=0))[-1] - left + 1,
                          np.flatnonzero(ink.any(axis=1))[-1] - top + 1))
            x += digit.shape[1] + int(0.15 * HEIGHT)
        y += int(1.9 * HEIGHT)
    yy, xx = np.mgrid[:rows, :cols]
    shadow = 1.0 - 0.3 * xx / cols - 0.15 * yy / rows
    grey = 215.0 * shadow * (1.0 - 0.8 * darkness)
    grey += np.random.default_rng(0).normal(0, 3, grey.shape)
    return np.clip(grey + 0.5, 0, 255).astype(np.uint8), np.array(truth), TEXT


def iou(a, b):
    (ax, ay, aw, ah), (bx, by, bw, bh) = a, b
    across = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    down = max(0, min(ay + ah, by + bh) - max(ay, by))
    return across * down / (aw * ah + bw * bh - across * down)


def assert_reads_the_page(reading, truth, text):
    assert len(reading.boxes) == len(truth)
    for found, true in zip(reading.boxes, truth):
        assert iou(found, true) > 0.7, (found, true)
    assert reading.lines == text


# ---------------------------------------------------------------- reading
def test_reads_the_digits_lines_and_numbers(page, model):
    grey, truth, text = page
    assert grey[:, -50:].mean() < 0.8 * grey[:, :50].mean()  # the shadow is there
    reading = read_page(grey, model=model)
    assert_reads_the_page(reading, truth, text)
    np.testing.assert_array_equal(reading.line, [0] * 3 + [1] * 5 + [2] * 4)
    np.testing.assert_array_equal(reading.number, [0, 0, 1, 2, 2, 2, 3, 3, 4, 4, 4, 4])
    assert reading.notice is None
    assert reading.digits.shape == (len(truth), 28, 28) and reading.digits.dtype == np.uint8
    assert reading.ink.shape == grey.shape and reading.ink.dtype == bool
    assert np.all((reading.confidence >= 0) & (reading.confidence <= 1))


def test_a_large_page_is_read_at_a_smaller_scale_with_boxes_in_its_own_pixels(page, model):
    grey, truth, text = page
    # Four times larger: 1600 x 2560 px with digits 224 px tall.
    large = cv2.resize(grey, None, fx=4, fy=4, interpolation=cv2.INTER_LINEAR)
    assert working_scale(grey) == 1.0  # too small to be worth resampling
    assert working_scale(large) == 0.5  # the digits would allow less; never below half
    reading = read_page(large, model=model)
    assert reading.scale == 0.5 and reading.ink.shape == (800, 1280)
    assert_reads_the_page(reading, truth * 4, text)
    full = read_page(large, model=model, scale=1.0)
    assert full.scale == 1.0 and full.ink.shape == large.shape
    assert_reads_the_page(full, truth * 4, text)


@pytest.mark.parametrize("scale", [0, 1.5, "half", None])
def test_a_scale_out_of_range_is_refused(page, model, scale):
    with pytest.raises(ValueError, match="scale must be"):
        read_page(page[0], model=model, scale=scale)


def test_json_follows_the_schema(page, model):
    grey, truth, text = page
    result = read_page(grey, model=model, name="page.png").to_json()
    assert json.loads(json.dumps(result)) == result
    assert set(result) == {"image", "size", "digits", "lines"}
    assert result["image"] == "page.png"
    assert result["size"] == [grey.shape[1], grey.shape[0]]
    assert result["lines"] == text
    assert len(result["digits"]) == len(truth)
    for digit in result["digits"]:
        assert set(digit) == {"box", "label", "confidence", "line", "number"}
        assert len(digit["box"]) == 4 and all(type(v) is int for v in digit["box"])
        assert type(digit["label"]) is int and 0 <= digit["label"] <= 9
        assert type(digit["confidence"]) is float and 0 <= digit["confidence"] <= 1
        assert type(digit["line"]) is int and type(digit["number"]) is int
    labels = "".join(str(d["label"]) for d in result["digits"])
    assert labels == "".join(text).replace(" ", "")


def test_unknown_digits_have_label_none_and_a_question_mark(page, model):
    grey, truth, text = page
    doubtful = copy.copy(model)
    doubtful.reject_below = 1.01  # no confidence is that high
    reading = read_page(grey, model=doubtful)
    result = reading.to_json()
    assert len(result["digits"]) == len(truth)
    assert all(digit["label"] is None for digit in result["digits"])
    assert result["lines"] == ["".join("?" if c != " " else " " for c in line) for line in text]


def test_array_name_defaults_to_array(page, model):
    assert read_page(page[0], model=model).to_json()["image"] == "<array>"


def test_reads_a_page_from_a_file(page, model, tmp_path):
    grey, truth, text = page
    path = tmp_path / "scan.png"
    assert cv2.imwrite(str(path), grey)
    reading = read_page(path, model=model)
    assert reading.to_json()["image"] == "scan.png"
    assert_reads_the_page(reading, truth, text)


# ----------------------------------------------------------------- inputs
def test_rgba_float_input_reads_the_same(page, model):
    grey, truth, text = page
    rgba = np.dstack([grey, grey, grey, np.full_like(grey, 255)]).astype(np.float64) / 255.0
    reading = read_page(rgba, model=model)
    assert_reads_the_page(reading, truth, text)


def test_white_on_black_page_is_read_too(page, model):
    grey, truth, text = page
    reading = read_page(255 - grey, model=model)
    assert_reads_the_page(reading, truth, text)


@pytest.mark.parametrize("method", ["otsu", "sauvola", "adaptive_gaussian"])
def test_binarisation_methods_all_read_the_page(page, model, method):
    grey, truth, text = page
    assert_reads_the_page(read_page(grey, model=model, method=method), truth, text)


def test_blank_page_gives_no_digits_and_says_why(model):
    blank = np.clip(np.random.default_rng(1).normal(215, 4, (300, 400)), 0, 255).astype(np.uint8)
    reading = read_page(blank, model=model)
    assert len(reading.boxes) == 0 and reading.lines == []
    assert reading.notice is not None and "no digits found" in reading.notice
    assert reading.to_json()["digits"] == []
    assert reading.annotated().shape == (300, 400, 3)


def test_all_black_page_gives_no_digits_and_says_why(model):
    reading = read_page(np.zeros((300, 400), np.uint8), model=model)
    assert len(reading.boxes) == 0 and reading.lines == []
    assert reading.notice is not None and "no digits found" in reading.notice


def test_a_page_whose_ink_is_all_left_out_says_what_was_left_out_and_where_to_look(model):
    # Two long strokes and no digit: the notice counts what was left out and
    # points to the picture that shows each piece with its reason.
    page = np.full((300, 400), 230, np.uint8)
    page[100:102, 10:390] = page[200:202, 10:390] = 40
    reading = read_page(page, model=model)
    assert reading.lines == [] and len(reading.dropped) == 2
    assert "(2 too large for a digit)" in reading.notice
    assert "--explain" in reading.notice


# ---------------------------------------------------------------- pictures
def test_annotated_page_marks_every_digit(page, model):
    grey, _, _ = page
    reading = read_page(grey, model=model)
    annotated = reading.annotated()
    assert annotated.shape == (*grey.shape, 3) and annotated.dtype == np.uint8
    original = np.dstack([grey] * 3)
    changed = (annotated != original).any(axis=2)
    for x, y, w, h in reading.boxes:
        # The box outline is drawn on each digit's border...
        assert changed[y, x:x + w].mean() > 0.9 and changed[y:y + h, x].mean() > 0.9
    # ...and the page far from the digits is left as it was.
    assert not changed[-20:].any() and not changed[:, -20:].any()


def test_digits_image_draws_the_labels_where_the_digits_were(page, model):
    grey, _, _ = page
    reading = read_page(grey, model=model)
    drawn = reading.digits_image()
    assert drawn.shape == (*grey.shape, 3) and drawn.dtype == np.uint8
    inked = (drawn < 128).all(axis=2)
    inside = np.zeros(grey.shape, bool)
    for x, y, w, h in reading.boxes:
        assert inked[y:y + h, x:x + w].any()
        inside[y:y + h, x:x + w] = True
    dilated = cv2.dilate(inside.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    assert not inked[~dilated].any()
    assert (drawn[~dilated] == 255).all()


def test_read_page_is_importable_from_the_package():
    import ocrkit
    from ocrkit.pipeline import read_page

    assert ocrkit.read_page is read_page
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        ocrkit.nothing  # noqa: B018


def test_the_saturation_of_the_ink_alone_is_that_of_the_whole_image():
    from ocrkit.pipeline import _saturation

    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (60, 80, 3)).astype(np.uint8)
    where = rng.random((60, 80)) < 0.1
    whole = _saturation(image)
    picked = _saturation(image, where=where)
    assert np.array_equal(picked[where], whole[where])
    assert not picked[~where].any()
    assert _saturation(image[..., 0], where=where) is None
