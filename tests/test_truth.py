"""Tests of ocrkit.truth: page truths loaded, checked and saved, on files known by construction.

The real photos' truth (:func:`ocrkit.truth.load_real_truth`) is tested with
their scoring, in test_real_scoring.py.
"""

import json

import numpy as np
import pytest

from ocrkit._paths import DATA_DIR
from ocrkit.errors import DataFileError, OptionError
from ocrkit.truth import PageTruth

BUNDLED_TRUTHS = sorted((DATA_DIR / "handwriting").glob("*.json"))


@pytest.mark.parametrize("path", BUNDLED_TRUTHS, ids=lambda p: p.stem)
def test_bundled_truth_files_load_and_save_byte_for_byte(path, tmp_path):
    truth = PageTruth.load(path)
    assert truth.boxes.shape == (len(truth), 4) and truth.boxes.dtype == np.int64
    assert (truth.labels >= 0).all() and (truth.line >= 0).all()
    assert truth.image == path.with_suffix(".jpg").name
    assert truth.save(tmp_path / path.name).read_bytes() == path.read_bytes()
    # The image next to the truth finds it too.
    assert PageTruth.load(path.with_suffix(".jpg")).to_json() == truth.to_json()


def test_page_truth_round_trips_unknown_labels_and_lines(tmp_path):
    truth = PageTruth.from_json({"digits": [{"box": [1, 2, 3, 4], "label": None}]})
    assert truth.labels.tolist() == [-1] and truth.line.tolist() == [-1]
    assert truth.size is None and truth.lines == ()
    again = PageTruth.load(truth.save(tmp_path / "t.json"))
    assert again.to_json() == truth.to_json()
    assert again.to_json()["digits"][0]["label"] is None


def test_page_truth_arrays_are_read_only():
    truth = PageTruth("page.png", (200, 100), [[0, 0, 10, 20], [30, 0, 10, 20]], [1, 2],
                      [0, 0], [0, 0], ["12"])
    with pytest.raises(ValueError, match="read-only"):
        truth.labels[0] = 7


@pytest.mark.parametrize("data, match", [
    ([], "not a page's truth"),
    ({"lines": []}, "not a page's truth"),
    ({"digits": [{"box": [0, 0, 5, 5]}]}, r"digit 0: expected \{'box'"),
    ({"digits": [{"box": [0, 0, 5], "label": 1}]}, "digit 0: a box must be 4 integers"),
    ({"digits": [{"box": [0, 0, 5, -1], "label": 1}]}, "digit 0: a box must be"),
    ({"digits": [{"box": [0, 0, 5.5, 5], "label": 1}]}, "digit 0: a box must be"),
    ({"digits": [{"box": [0, 0, 5, 5], "label": 10}]}, "'label' must be a digit 0-9 or null"),
    ({"digits": [{"box": [0, 0, 5, 5], "label": "3"}]}, "'label' must be a digit"),
    ({"digits": [{"box": [0, 0, 5, 5], "label": 3, "line": "0"}]}, "'line' must be an integer"),
    ({"digits": [], "lines": "12"}, "'lines' must be a list of strings"),
    ({"digits": [], "size": [10]}, r"'size' must be \[width, height\]"),
    ({"digits": [], "image": 3}, "'image' must be"),
])
def test_page_truth_says_what_is_wrong(data, match):
    with pytest.raises(OptionError, match=f"^t.json: .*{match}"):
        PageTruth.from_json(data, where="t.json")


def test_a_truth_is_saved_as_json_only(tmp_path):
    truth = PageTruth.from_json({"digits": [{"box": [1, 2, 3, 4], "label": 5}]})
    with pytest.raises(OptionError, match=r"t\.txt: a page's truth is saved as a \.json file"):
        truth.save(tmp_path / "t.txt")


def test_loading_a_bad_truth_file_names_the_file(tmp_path):
    with pytest.raises(DataFileError, match="none.json: no ground-truth file"):
        PageTruth.load(tmp_path / "none.json")
    path = tmp_path / "cut.json"
    path.write_text('{"digits": [')
    with pytest.raises(DataFileError, match="cut.json: not valid JSON"):
        PageTruth.load(path)
    path.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:0\n")
    with pytest.raises(DataFileError, match="cut.json: is a Git LFS pointer"):
        PageTruth.load(path)
    path.write_text(json.dumps({"digits": [{"box": [0, 0, 5, 5], "label": 12}]}))
    with pytest.raises(DataFileError, match="cut.json: digit 0: 'label'") as error:
        PageTruth.load(path)
    assert "\n" not in str(error.value)
