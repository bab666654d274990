"""Tests of ocrkit.boxes on boxes whose overlaps are known by construction."""

import numpy as np
import pytest

from ocrkit.boxes import as_boxes, box_coverage, box_iou


def test_box_coverage_is_the_share_of_the_first_box_covered():
    small, large = [10, 10, 10, 10], [0, 0, 40, 40]
    assert box_coverage([small], [large]).tolist() == [[1.0]]
    assert box_coverage([large], [small]).tolist() == [[100 / 1600]]
    # The intersection over union of the same pair is the smaller share.
    assert box_iou([small], [large]).tolist() == [[100 / 1600]]
    assert box_coverage(np.zeros((0, 4)), [small]).shape == (0, 1)


def test_box_iou_is_symmetric_one_for_the_same_box_and_zero_apart():
    boxes = [[0, 0, 10, 10], [5, 0, 10, 10], [100, 100, 3, 3]]
    iou = box_iou(boxes, boxes)
    assert np.allclose(iou, iou.T) and np.diag(iou).tolist() == [1.0, 1.0, 1.0]
    assert iou[0, 1] == pytest.approx(50 / 150) and iou[0, 2] == 0.0
    # Boxes without area overlap nothing, even themselves.
    assert box_iou([[4, 4, 0, 0]], [[4, 4, 0, 0]]).tolist() == [[0.0]]


def test_a_box_without_area_has_a_coverage_not_nan():
    assert box_coverage([[4, 4, 0, 0]], [[0, 0, 10, 10]]).tolist() == [[0.0]]


@pytest.mark.parametrize("boxes", [[[1, 2, 3]], [1, 2, 3, 4], np.zeros((2, 4, 1))])
def test_boxes_of_the_wrong_shape_are_refused(boxes):
    with pytest.raises(ValueError, match=r"\(K, 4\) rows of x, y, w, h"):
        as_boxes(boxes)


def test_int_boxes_are_whole_pixels_and_checked_alike():
    boxes = as_boxes([(10.9, 20.2, 30.5, 40.0), (0, 0, 1, 1)], dtype=int)
    assert boxes.dtype.kind == "i" and boxes.tolist() == [[10, 20, 30, 40], [0, 0, 1, 1]]
    # Ready to slice with: the first box's pixels are 30 by 40.
    assert np.zeros((100, 100))[boxes[0, 1]:boxes[0, 1] + boxes[0, 3],
                                boxes[0, 0]:boxes[0, 0] + boxes[0, 2]].shape == (40, 30)
    assert as_boxes((), dtype=int).shape == (0, 4) and as_boxes((), dtype=int).dtype.kind == "i"
    with pytest.raises(ValueError, match=r"\(K, 4\) rows of x, y, w, h"):
        as_boxes([1, 2, 3, 4], dtype=int)
