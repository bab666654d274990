"""Tests of ocrkit.evaluate on labels and pages whose answers are known by construction."""

from dataclasses import replace

import numpy as np
import pytest

from ocrkit._paths import DATA_DIR
from ocrkit.errors import OptionError
from ocrkit.evaluate import (
    accuracy,
    confusion_matrix,
    error_indices,
    format_table,
    most_confused,
    per_class_accuracy,
    score_page,
)
from ocrkit.pipeline import PageReading
from ocrkit.truth import PageTruth

BUNDLED_TRUTHS = sorted((DATA_DIR / "handwriting").glob("*.json"))


def test_accuracy_counts_right_answers_and_rejections_as_wrong():
    assert accuracy([1, 2, 3, 4], [1, 2, 3, 4]) == 1.0
    assert accuracy([1, 2, 3, 4], [1, 2, -1, 0]) == 0.5
    assert type(accuracy(np.array([1, 2]), np.array([1, 2]))) is float


def test_accuracy_of_nothing_is_nan():
    assert np.isnan(accuracy([], []))


@pytest.mark.parametrize("true, predicted, match", [
    ([1, 2, 3], [1, 2], "3 true labels but 2"),
    (np.zeros((2, 2), int), np.zeros((2, 2), int), "1-D"),
    ([1.0, 2.0], [1, 2], "integers"),
])
def test_bad_labels_are_refused_with_a_reason(true, predicted, match):
    with pytest.raises(OptionError, match=match):
        accuracy(true, predicted)


def test_confusion_matrix_counts_each_pair():
    true = [0, 0, 1, 1, 1, 2, 2, 2, 2]
    predicted = [0, 1, 1, 1, 2, 2, 2, 0, 2]
    matrix = confusion_matrix(true, predicted, n_classes=3)
    assert matrix.tolist() == [[1, 1, 0], [0, 2, 1], [1, 0, 3]]
    assert matrix.dtype == np.int64
    # Rows add up to the number of digits of each label.
    assert matrix.sum(axis=1).tolist() == [2, 3, 4]


def test_confusion_matrix_leaves_out_rejected_digits():
    matrix = confusion_matrix([3, 3, 5], [3, -1, 5])
    assert matrix.shape == (10, 10)
    assert int(matrix.sum()) == 2
    assert int(matrix[3, 3]) == 1 and int(matrix[5, 5]) == 1


def test_confusion_matrix_refuses_true_labels_out_of_range():
    with pytest.raises(ValueError, match="0..2"):
        confusion_matrix([0, 3], [0, 1], n_classes=3)


def test_per_class_accuracy_and_missing_classes():
    result = per_class_accuracy([0, 0, 1, 1], [0, 1, 1, 1], n_classes=3)
    assert result[:2] == [0.5, 1.0]
    assert np.isnan(result[2])
    assert all(type(v) is float for v in result)


def test_most_confused_orders_by_count_then_labels():
    matrix = np.zeros((10, 10), int)
    matrix[4, 9] = 5
    matrix[7, 1] = 3
    matrix[1, 7] = 3
    matrix[2, 2] = 50  # the diagonal is never a confusion
    assert most_confused(matrix, top=3) == [(4, 9, 5), (1, 7, 3), (7, 1, 3)]
    assert most_confused(matrix, top=1) == [(4, 9, 5)]
    assert all(type(v) is int for v in most_confused(matrix)[0])


def test_most_confused_of_a_perfect_reader_is_empty():
    assert most_confused(np.eye(10, dtype=int) * 7) == []


def test_error_indices_orders_by_label_then_position():
    true = [5, 1, 5, 1, 0, 1]
    predicted = [6, 7, 5, 2, 8, 1]
    assert error_indices(true, predicted) == [4, 1, 3, 0]


def test_error_indices_limit_takes_every_label_before_repeating_one():
    true = np.repeat(np.arange(3), 4)  # 0 0 0 0 1 1 1 1 2 2 2 2
    predicted = np.full(12, 9)  # every digit wrong
    assert error_indices(true, predicted, limit=3) == [0, 4, 8]
    assert error_indices(true, predicted, limit=5) == [0, 1, 4, 5, 8]
    assert error_indices(true, predicted, limit=100) == list(range(12))


def test_error_indices_on_real_predictions_point_at_errors(mnist_subset, trained_classifier):
    data = mnist_subset(500, 200, seed=3)
    model = trained_classifier("knn", n_train=500, seed=3, k=1)
    predicted = model.predict(data.x_test)
    wrong = error_indices(data.y_test, predicted)
    assert len(wrong) == int((predicted != data.y_test).sum()) > 0
    assert all(predicted[i] != data.y_test[i] for i in wrong)
    assert accuracy(data.y_test, predicted) == pytest.approx(1 - len(wrong) / 200)
    matrix = confusion_matrix(data.y_test, predicted)
    assert int(np.trace(matrix)) == 200 - len(wrong)


def test_format_table_aligns_columns_and_fills_gaps():
    table = format_table(
        {"a": {"knn": 0.91234, "svm": 0.8}, "bb": {"svm": 1.0, "n": 300}},
        index="writer", digits=2,
    )
    assert table.splitlines() == [
        "writer   knn   svm    n",
        "a       0.91  0.80    -",
        "bb         -  1.00  300",
    ]


def test_format_table_shows_nan_strings_and_bools():
    table = format_table({"x": {"v": float("nan"), "s": "hog", "ok": True}})
    assert table.splitlines()[1].split() == ["x", "nan", "hog", "True"]


def test_format_table_refuses_a_list():
    with pytest.raises(OptionError, match="dict of row name"):
        format_table([{"a": 1}])


# ------------------------------------------------------------- page scores

def a_truth():
    """Two lines: '12 3' and '45'; digits 30 px apart, 10x20 boxes."""
    boxes = [[0, 0, 10, 20], [30, 0, 10, 20], [90, 0, 10, 20], [0, 50, 10, 20], [30, 50, 10, 20]]
    return PageTruth("page.png", (200, 100), boxes, [1, 2, 3, 4, 5], [0, 0, 0, 1, 1],
                     [0, 0, 1, 2, 2], ["12 3", "45"])


def reading_of(truth, *, labels=None, line=None, number=None, boxes=None):
    """A PageReading with the truth's boxes and grouping unless given."""
    boxes = np.asarray(truth.boxes if boxes is None else boxes).reshape(-1, 4)
    k = len(boxes)
    labels = np.asarray(truth.labels if labels is None else labels)
    line = np.asarray(truth.line if line is None else line)
    number = np.asarray(truth.number if number is None else number)
    return PageReading(np.full((100, 200), 255, np.uint8), "page.png", boxes, labels,
                       np.ones(k), line, number, np.zeros((k, 28, 28), np.uint8),
                       np.zeros((100, 200), bool))


def test_a_perfect_reading_scores_every_digit_right():
    truth = a_truth()
    score = score_page(truth, reading_of(truth))
    assert (score.right, score.found, score.missed, score.extra) == (5, 5, 0, 0)
    assert score.accuracy == score.recall == score.precision == 1.0
    assert (score.lines_right, score.truth_lines, score.line_errors, score.number_errors) \
        == (2, 2, 0, 0)
    assert score.confusions == ()


def test_score_page_counts_each_true_digit_once_and_divides_by_the_true_digits():
    truth = a_truth()
    boxes = truth.boxes.tolist()
    # Digit 0 read wrong, digit 1 rejected, digit 2 missed (its box moved far
    # off), digit 3 right, digit 4 found by a box shifted by 1 px; one speck.
    found = [boxes[0], boxes[1], [150, 80, 10, 10], boxes[3], [31, 50, 10, 20], [180, 0, 4, 4]]
    reading = reading_of(truth, boxes=found, labels=[7, -1, 3, 4, 5, 1],
                         line=[0, 0, 0, 1, 1, 2], number=[0, 0, 1, 2, 2, 3])
    score = score_page(truth, reading)
    assert (score.right, score.wrong, score.unsure, score.missed) == (2, 1, 1, 1)
    assert score.right + score.wrong + score.unsure + score.missed == score.truth_digits == 5
    assert (score.detections, score.found, score.extra) == (6, 4, 2)
    assert score.accuracy == 2 / 5
    assert score.recall == 4 / 5 and score.precision == 4 / 6
    assert score.confusions == ("1->7", "2->?")
    assert all(type(v) in (int, float, bool, str, list) for v in score.as_dict().values())


def test_score_page_takes_a_reading_or_its_json_alike():
    truth = a_truth()
    reading = reading_of(truth, labels=[1, 2, 8, -1, 5])
    assert score_page(truth, reading) == score_page(truth.to_json(), reading.to_json())


def test_lines_and_numbers_split_and_run_together_are_counted():
    truth = a_truth()
    # '12 3' read as two lines '12' and '3', and '45' read as '4 5'.
    split = reading_of(truth, line=[0, 0, 1, 2, 2], number=[0, 0, 1, 2, 3])
    score = score_page(truth, split)
    assert (score.lines_split, score.lines_mixed) == (1, 0)
    assert (score.numbers_split, score.numbers_merged) == (1, 0)
    # Both true lines read as one line, and '12 3' as one number.
    mixed = reading_of(truth, line=[0, 0, 0, 0, 0], number=[0, 0, 0, 2, 2])
    score = score_page(truth, mixed)
    assert (score.lines_split, score.lines_mixed) == (0, 1)
    assert (score.numbers_split, score.numbers_merged) == (0, 1)
    assert score.line_errors == 1 and score.number_errors == 1


def test_score_page_takes_a_truth_dict_with_only_boxes_and_labels():
    # As notebook 06 builds one for a rescaled page: no lines, no line numbers.
    truth = {"digits": [{"box": [0, 0, 10, 20], "label": 1}, {"box": [30, 0, 10, 20], "label": 2}]}
    reading = reading_of(PageTruth.from_json(truth), labels=[1, 5])
    score = score_page(truth, reading)
    assert (score.found, score.right, score.truth_lines) == (2, 1, 0)


def test_a_reading_that_is_no_reading_is_refused():
    with pytest.raises(OptionError, match="^a reading must be a PageReading or its to_json"):
        score_page(a_truth(), {"boxes": []})


def test_nothing_found_has_no_precision():
    truth = a_truth()
    score = score_page(truth, reading_of(truth, boxes=np.zeros((0, 4)), labels=[], line=[],
                                         number=[]))
    assert score.missed == 5 and score.accuracy == 0.0 and np.isnan(score.precision)
    assert np.isnan(score_page(replace(truth, boxes=np.zeros((0, 4)), labels=[], line=[],
                                       number=[]), reading_of(truth)).accuracy)


@pytest.mark.parametrize("path", BUNDLED_TRUTHS, ids=lambda p: p.stem)
def test_every_bundled_truth_read_back_scores_perfectly(path):
    truth = PageTruth.load(path)
    score = score_page(truth, reading_of(truth))
    assert score.right == score.truth_digits == len(truth) and score.extra == 0
    assert score.line_errors == score.number_errors == 0
