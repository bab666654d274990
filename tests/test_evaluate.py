"""Tests of ocrkit.evaluate on labels whose answers are known by construction."""

import numpy as np
import pytest

from ocrkit.classify import DigitClassifier
from ocrkit.datasets import load_mnist
from ocrkit.evaluate import (
    accuracy,
    confusion_matrix,
    error_indices,
    format_table,
    most_confused,
    per_class_accuracy,
)


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
    with pytest.raises(ValueError, match=match):
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


def test_error_indices_on_real_predictions_point_at_errors():
    data = load_mnist(n_train=500, n_test=200, seed=3)
    model = DigitClassifier("knn", k=1).fit(data.x_train, data.y_train)
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
    with pytest.raises(ValueError, match="dict of row name"):
        format_table([{"a": 1}])
