"""Tests of ocrkit.correct on readings whose answers are known by construction."""

import numpy as np
import pytest

from ocrkit.correct import (
    Corrections,
    changed_digits,
    collect_corrections,
    corrections_from_choices,
    corrections_from_truth,
    retrain,
    review_order,
    true_labels,
)
from ocrkit.errors import OptionError
from ocrkit.evaluate import match_boxes
from ocrkit.pipeline import PageReading, read_page
from ocrkit.truth import PageTruth


def make_reading(boxes, labels, confidence=None, digits=None, *, line=None, number=None):
    """A PageReading with the given boxes and labels on a blank page."""
    boxes = np.asarray(boxes, int).reshape(-1, 4)
    k = len(boxes)
    labels = np.asarray(labels, int)
    confidence = np.ones(k) if confidence is None else np.asarray(confidence, float)
    digits = np.zeros((k, 28, 28), np.uint8) if digits is None else digits
    line = np.zeros(k, int) if line is None else np.asarray(line)
    number = np.arange(k) if number is None else np.asarray(number)
    return PageReading(np.full((200, 400), 255, np.uint8), "page.png", boxes, labels, confidence,
                       line, number, digits, np.zeros((200, 400), bool))


def truth_of(boxes, labels, lines=()):
    """A page's truth in the schema PageTruth writes: every digit on line 0, one number."""
    return {"image": "page.png", "size": [400, 200],
            "digits": [{"box": list(b), "label": label, "confidence": 1.0, "line": 0, "number": 0}
                       for b, label in zip(boxes, labels)],
            "lines": list(lines)}


# ---------------------------------------------------------------- matching

def test_boxes_are_matched_one_to_one_by_largest_overlap():
    truth = [[0, 0, 10, 10], [12, 0, 10, 10]]
    # Found box 0 overlaps truth 0 by IoU 0.82 and truth 1 by nothing; found 1
    # overlaps truth 0 a little less than found 0 does.
    found = [[1, 0, 10, 10], [0, 0, 9, 10], [12, 0, 10, 10]]
    assert match_boxes(truth, found) == [(0, 1), (1, 2)]


def test_a_box_overlapping_less_than_half_is_no_match():
    # Two 10x10 boxes shifted by 5: IoU = 50 / 150 = 1/3.
    assert match_boxes([[0, 0, 10, 10]], [[5, 0, 10, 10]]) == []
    assert match_boxes([[0, 0, 10, 10]], [[5, 0, 10, 10]], threshold=0.3) == [(0, 0)]


def test_matching_nothing_gives_nothing():
    assert match_boxes([], [[0, 0, 5, 5]]) == []
    assert match_boxes([[0, 0, 5, 5]], np.zeros((0, 4))) == []


def test_bad_boxes_are_refused():
    with pytest.raises(ValueError, match=r"\(K, 4\)"):
        match_boxes([[0, 0, 5]], [[0, 0, 5, 5]])


def test_true_labels_follow_the_found_boxes():
    truth = truth_of([[0, 0, 10, 10], [20, 0, 10, 10], [40, 0, 10, 10]], [4, 5, None])
    reading = make_reading([[40, 0, 10, 10], [21, 0, 10, 10], [100, 100, 9, 9]], [1, 5, 2])
    labels = true_labels(truth, reading)
    # The unlabelled true digit and the box of no true digit both get -1.
    assert labels.tolist() == [-1, 5, -1]
    assert true_labels(PageTruth.from_json(truth), reading).tolist() == [-1, 5, -1]


def test_a_reading_given_before_its_truth_still_works_with_a_warning():
    truth = truth_of([[0, 0, 10, 10], [20, 0, 10, 10]], [4, 5])
    reading = make_reading([[0, 0, 10, 10], [20, 0, 10, 10]], [4, 7])
    with pytest.warns(DeprecationWarning, match=r"true_labels\(truth, reading"):
        assert true_labels(reading, truth).tolist() == [4, 5]
    with pytest.warns(DeprecationWarning, match=r"corrections_from_truth\(truth, reading"):
        assert corrections_from_truth(reading, truth) == {1: 5}


def test_a_truth_that_is_no_truth_is_refused():
    reading = make_reading([[0, 0, 10, 10]], [4])
    with pytest.raises(OptionError, match="^truth: not a page's truth"):
        true_labels({"boxes": []}, reading)


# --------------------------------------------------------------- reviewing

def test_review_order_puts_rejected_then_least_confident_first():
    reading = make_reading(np.zeros((5, 4)), [3, -1, 7, 1, -1],
                           confidence=[0.9, 0.3, 0.5, 0.5, 0.1])
    assert review_order(reading) == [4, 1, 2, 3, 0]
    assert review_order(reading, limit=2) == [4, 1]
    assert review_order(reading, limit=0) == []


def test_review_order_of_an_empty_reading_is_empty():
    assert review_order(make_reading(np.zeros((0, 4)), [])) == []


# ------------------------------------------------------------- corrections

def test_choices_equal_to_the_reading_or_unsure_are_no_corrections():
    reading = make_reading(np.zeros((4, 4)), [7, -1, 3, 9])
    choices = {3: 4, 0: 1, 1: -1, 2: 3}
    assert corrections_from_choices(reading, choices) == {0: 1, 3: 4}
    assert corrections_from_choices(reading, {1: None}) == {}
    # A rejected digit given a label is a correction.
    assert corrections_from_choices(reading, {1: 0}) == {1: 0}


@pytest.mark.parametrize("choices, match", [
    ({4: 1}, "not one of the page's 4 digits"),
    ({-1: 1}, "not one of the page's 4 digits"),
    ({0: 10}, "a digit 0-9"),
    ({0: "1"}, "a digit 0-9"),
])
def test_bad_choices_are_refused(choices, match):
    reading = make_reading(np.zeros((4, 4)), [7, -1, 3, 9])
    with pytest.raises(ValueError, match=match):
        corrections_from_choices(reading, choices)


def test_corrections_from_truth_are_the_wrong_and_rejected_true_digits():
    boxes = [[0, 0, 10, 10], [20, 0, 10, 10], [40, 0, 10, 10], [60, 0, 10, 10]]
    truth = truth_of(boxes[:3], [1, 2, 3])
    # Digit 3 is no true digit: nothing to correct there.
    reading = make_reading(boxes, [7, 2, -1, 5])
    assert corrections_from_truth(truth, reading) == {0: 1, 2: 3}
    assert corrections_from_truth(truth, reading, among=[1, 2, 3]) == {2: 3}


def test_collected_corrections_hold_the_digits_and_their_right_labels():
    digits = np.arange(3 * 28 * 28).reshape(3, 28, 28).astype(np.uint8)
    reading = make_reading(np.zeros((3, 4)), [7, -1, 3], digits=digits)
    fixes = collect_corrections(reading, {2: 8, 0: 1})
    assert isinstance(fixes, Corrections) and len(fixes) == 2
    assert fixes.indices.tolist() == [0, 2]
    assert fixes.labels.tolist() == [1, 8]
    assert fixes.was.tolist() == [7, 3]
    np.testing.assert_array_equal(fixes.digits, digits[[0, 2]])
    assert fixes.name == "corrections of page.png"
    assert fixes.summary() == "corrections of page.png: 2 digit(s) corrected (7->1, 3->8)"


def test_no_corrections_collect_to_an_empty_set():
    reading = make_reading(np.zeros((2, 4)), [7, 1])
    fixes = collect_corrections(reading, {})
    assert len(fixes) == 0 and fixes.digits.shape == (0, 28, 28)
    assert fixes.summary().endswith("no corrections")


# -------------------------------------------------------------- retraining

@pytest.fixture(scope="module")
def mnist(mnist_subset):
    return mnist_subset(300, 40, seed=1)


def test_retraining_learns_the_corrected_labels(mnist):
    # A reading of 40 MNIST digits that got all of them wrong; corrected from
    # the truth, a 1-nearest-neighbour classifier trained on the corrections
    # alone must read each corrected digit as its correction.
    digits, right = mnist.x_test, mnist.y_test.astype(int)
    boxes = np.array([[30 * i, 0, 20, 20] for i in range(len(right))])
    truth = truth_of(boxes.tolist(), right.tolist())
    reading = make_reading(boxes, (right + 1) % 10, digits=digits)
    corrections = corrections_from_truth(truth, reading)
    assert len(corrections) == len(right)
    model = retrain(collect_corrections(reading, corrections), mnist=False, kind="knn",
                    augment=0, k=1)
    assert model.predict(digits).tolist() == right.tolist()
    assert model.trained_on["sheets"] == ["corrections of page.png"]


def test_retraining_with_mnist_and_a_sheet(mnist):
    from types import SimpleNamespace

    sheet = SimpleNamespace(digits=mnist.x_train[:20], labels=mnist.y_train[:20].astype(int),
                            name="sheet")
    reading = make_reading(np.zeros((3, 4)), [7, 7, 7], digits=mnist.x_test[:3])
    fixes = collect_corrections(reading, {0: 1, 2: 4})
    empty = collect_corrections(reading, {})
    model = retrain([fixes, empty], sheets=sheet, n_mnist=200, augment=1, progress=False)
    assert model.trained_on["sheets"] == ["sheet", "corrections of page.png"]
    assert model.trained_on["sheet_digits"] == 22
    assert model.trained_on["mnist_train"] == 200


def test_retraining_with_nothing_to_learn_says_so():
    reading = make_reading(np.zeros((1, 4)), [7])
    with pytest.raises(OptionError, match="correct at least one digit"):
        retrain(collect_corrections(reading, {}))


def test_corrections_fix_a_real_page_digit(trained_classifier):
    # End to end on a bundled page: the default reading, a correction of one
    # digit, and the corrected digit read back with its new label.
    from ocrkit._paths import DATA_DIR

    page = DATA_DIR / "handwriting" / "writer_c_page_photo.jpg"
    model = trained_classifier("knn", n_train=300, k=1)
    reading = read_page(page, model=model)
    first = int(reading.labels[0])
    wrong = (first + 1) % 10
    fixes = collect_corrections(reading, {0: wrong})
    new = retrain(fixes, n_mnist=300, kind="knn", k=1, augment=2, progress=False)
    assert new.predict(reading.digits[:1]).tolist() == [wrong]


# ------------------------------------------------------- comparing readings

def test_changed_digits_pairs_boxes_and_reports_the_new_labels():
    boxes = [[0, 0, 10, 10], [20, 0, 10, 10], [40, 0, 10, 10], [60, 0, 10, 10]]
    before = make_reading(boxes, [7, 1, 4, -1])
    # The second reading found the first box a pixel off, lost the third, and
    # read the fourth; it lists its boxes in another order.
    after = make_reading([[60, 0, 10, 10], [1, 0, 10, 10], [20, 0, 10, 10]], [9, 1, 1])
    assert changed_digits(before, after) == {0: 1, 2: -1, 3: 9}
    assert changed_digits(before, before) == {}


# ----------------------------------------------------------------- figures

@pytest.fixture
def agg():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def page_with_digits():
    """A page with three dark squares as digits, and its reading."""
    image = np.full((120, 300, 3), 250, np.uint8)
    boxes = np.array([[20, 30, 20, 40], [120, 30, 25, 40], [220, 30, 20, 40]])
    for x, y, w, h in boxes:
        image[y:y + h, x:x + w] = 30
    return make_reading(boxes, [1, -1, 7], digits=np.zeros((3, 28, 28), np.uint8)), image


def test_show_page_digits_titles_each_tile_with_what_was_read(agg):
    from ocrkit.viz import show_page_digits

    reading, image = page_with_digits()
    reading.image = image
    fig = show_page_digits(reading, [2, 1], cols=4)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["#1: 7", "#2: ?"]
    tile = fig.axes[0].get_images()[0].get_array()
    # The tile is the digit (dark) in the middle of paper (light).
    assert tile.shape == (64, 64) and tile[32, 32] < 60 and tile[0, 0] > 200
    fig = show_page_digits(reading, [0, 2], labels={0: 4, 2: 1}, numbered=False)
    assert [ax.get_title() for ax in fig.axes[:2]] == ["1 \u2192 4", "7 \u2192 1"]
    fig = show_page_digits(reading, [1], labels=np.array([1, 3, 7]))
    assert fig.axes[0].get_title() == "#1: ? \u2192 3"


def test_show_page_digits_refuses_digits_the_page_does_not_have(agg):
    from ocrkit.viz import show_page_digits

    reading, image = page_with_digits()
    with pytest.raises(ValueError, match=r"\[5\] are not among the page's 3 digits"):
        show_page_digits(reading, [0, 5])
    with pytest.raises(ValueError, match="no label for digits"):
        show_page_digits(reading, [0, 1], labels={0: 3})


def test_a_digit_tile_pads_with_paper_and_fades_its_neighbours(agg):
    from ocrkit.viz import _digit_tile

    grey = np.zeros((50, 50), np.uint8)  # all ink
    tile = _digit_tile(grey, (0, 0, 10, 10), 0.5, 20)
    # The crop spans page pixels -5..14: paper beyond the page's top left
    # corner, the box's ink as it is, and the ink around the box faded.
    assert tile[0, 0] == 255
    assert tile[10, 10] == 0
    assert tile[-1, -1] == 191  # 255 - 0.25 * 255


def test_show_reading_and_show_page_shrink_big_pages(agg):
    from ocrkit.viz import show_page, show_reading

    reading, image = page_with_digits()
    reading.image = np.repeat(np.repeat(image, 10, axis=0), 10, axis=1)
    reading.boxes = reading.boxes * 10
    fig = show_reading(reading, max_side=600)
    shapes = [ax.get_images()[0].get_array().shape for ax in fig.axes]
    assert shapes == [(240, 600, 3), (240, 600, 3)]
    assert fig.axes[0].get_title() == "page.png: 3 digits found"
    fig = show_reading(reading, region=(0, 600, 0, 900), titles=("a", "b"))
    assert fig.axes[0].get_images()[0].get_array().shape == (600, 900, 3)
    with pytest.raises(ValueError, match="region"):
        show_reading(reading, region=(600, 0, 0, 10))
    fig = show_page(reading.image[..., 0], title="page", max_side=300)
    assert fig.axes[0].get_images()[0].get_array().shape == (120, 300)
    assert fig.axes[0].get_title() == "page"
