"""Scoring readings of the real photos (ocrkit.evaluate.score_real_page) and their truth file.

The readings here are made from the truth itself, then spoilt in one known way
each (two digits merged, one missed, a speck added...), so every count is known
by construction.  No image is read: test_real_photos.py reads them.
"""

import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from ocrkit._paths import DATA_DIR
from ocrkit.errors import DataFileError
from ocrkit.evaluate import score_real_page
from ocrkit.truth import RealPage, load_real_truth

REAL = DATA_DIR / "real"
ENTRIES = json.loads((REAL / "truth.json").read_text(encoding="utf-8"))["images"]
#: The scorer the real photos' truth was published with, where this machine has it.
PUBLISHED_SCORER = Path("/work/shared/realpages/score.py")
SOURCE = dict.fromkeys(("repo", "commit", "path", "licence", "copyright", "url"), "x")


def perfect_reading(entry):
    """The reading a flawless reader would give: one detection per true box, right label."""
    digits, number = [], 0
    for line, (text, boxes) in enumerate(zip(entry["lines"], entry["digit_boxes"])):
        boxes = iter(boxes)
        for part in text.split(" "):
            for digit in part:
                digits.append({"box": list(next(boxes)), "label": int(digit), "confidence": 1.0,
                               "line": line, "number": number})
            number += 1
    return {"image": entry["file"], "size": entry.get("size_px"), "digits": digits,
            "lines": list(entry["lines"])}


def _start(entry, line):
    """Index of the first digit of `line` on the page."""
    return sum(len(text.replace(" ", "")) for text in entry["lines"][:line])


def union(a, b):
    x, y = min(a[0], b[0]), min(a[1], b[1])
    return [x, y, max(a[0] + a[2], b[0] + b[2]) - x, max(a[1] + a[3], b[1] + b[3]) - y]


def far_box(entry):
    """A small box right of and below every true and printed box: a speck."""
    boxes = [b for row in entry["digit_boxes"] for b in row] + entry.get("printed_digit_boxes",
                                                                         [])
    return [max(b[0] + b[2] for b in boxes) + 5, max(b[1] + b[3] for b in boxes) + 5, 6, 6]


def spoil(entry, how):
    """The perfect reading of `entry`, spoilt in one way."""
    reading = perfect_reading(entry)
    digits = reading["digits"]
    if how == "merged pair":  # the first two digits of the page in one box, read as one digit
        digits[:2] = [dict(digits[0], box=union(digits[0]["box"], digits[1]["box"]))]
    elif how == "missed digit":
        del digits[len(digits) // 2]
    elif how == "extra box":
        digits.append({"box": far_box(entry), "label": 1, "confidence": 0.5,
                       "line": digits[-1]["line"] + 1, "number": digits[-1]["number"] + 1})
    elif how == "split line":  # the last true line cut in two after its first digit
        last = max(d["line"] for d in digits)
        mine = [d for d in digits if d["line"] == last]
        for d in mine[1:]:
            d["line"], d["number"] = last + 1, d["number"] + 1000
    elif how == "lines mixed":  # every digit read as one line
        for d in digits:
            d["line"] = 0
    elif how == "number merged":  # every number of the first line run together
        for d in digits:
            if d["line"] == 0:
                d["number"] = 0
    elif how == "wrong and unsure":
        digits[0]["label"] = (digits[0]["label"] + 1) % 10
        digits[-1]["label"] = None
    elif how == "fragmented":  # the last digit found as three thin slices
        x, y, w, h = digits[-1]["box"]
        third = max(1, w // 3)
        digits[-1:] = [dict(digits[-1], box=[x + i * third, y, third, h]) for i in range(3)]
    elif how == "on printed digits":
        for box in entry.get("printed_digit_boxes", []):
            digits.append({"box": list(box), "label": 1, "confidence": 1.0, "line": 99,
                           "number": 999})
    elif how == "accepted alternative":
        for item in entry.get("uncertain", []):
            index = _start(entry, item["line"]) + item["digit_index_in_line"]
            digits[index]["label"] = int(item["also_accept"][0])
    return reading


SPOILS = ["perfect", "merged pair", "missed digit", "extra box", "split line", "lines mixed",
          "number merged", "wrong and unsure", "fragmented", "on printed digits",
          "accepted alternative"]
#: The published scorer's keys and PageScore's attributes.
SAME_COUNTS = {"expected": "truth_digits", "detections": "detections", "right": "right",
               "wrong": "wrong", "unsure": "unsure", "merged": "merged",
               "fragmented": "fragmented", "missed": "missed", "extra": "extra",
               "on_printed_digits": "on_printed", "truth_lines_split": "lines_split",
               "kit_lines_mixing_truth_lines": "lines_mixed", "numbers_split": "numbers_split",
               "numbers_merged": "numbers_merged", "grouping_scored": "numbers_scored"}


@pytest.mark.parametrize("how", SPOILS)
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"].rsplit(".", 1)[0])
def test_counts_equal_the_published_scorers(entry, how):
    if not PUBLISHED_SCORER.is_file():
        pytest.skip("the published score.py is not on this machine")
    spec = importlib.util.spec_from_file_location("published_score", PUBLISHED_SCORER)
    published = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(published)
    reading = spoil(entry, how)
    expected = published.score_image(entry, reading)
    score = score_real_page(entry, reading)
    assert {key: getattr(score, name) for key, name in SAME_COUNTS.items()} \
        == {key: expected[key] for key in SAME_COUNTS}
    assert list(score.confusions) == expected["confusions"]


# ------------------------------------------- counts known by construction

def page(lines, boxes, **extra):
    return {"file": "page.png", "lines": lines, "digit_boxes": boxes, "grouping_scored": True,
            "sha256": 64 * "0", "bytes": 1, "source": SOURCE, **extra}


#: '12 3' on one line: 20x40 digits 30 px apart, the 3 a number of its own.
LINE = page(["12 3"], [[[0, 0, 20, 40], [30, 0, 20, 40], [90, 0, 20, 40]]])


def test_a_perfect_reading_is_right_everywhere():
    score = score_real_page(LINE, perfect_reading(LINE))
    assert (score.right, score.found, score.extra, score.accuracy) == (3, 3, 0, 1.0)
    assert score.line_errors == score.number_errors == 0 and score.lines_right == 1


def test_every_true_digit_has_exactly_one_status():
    for entry in ENTRIES:
        for how in SPOILS:
            score = score_real_page(entry, spoil(entry, how))
            statuses = (score.right + score.wrong + score.unsure + score.merged
                        + score.fragmented + score.missed)
            assert statuses == score.truth_digits == entry["n_digits"], (entry["file"], how)


def test_a_box_around_two_digits_merges_both():
    reading = spoil(LINE, "merged pair")
    score = score_real_page(LINE, reading)
    assert (score.merged, score.right, score.found, score.extra) == (2, 1, 3, 0)
    assert score.accuracy == 1 / 3


def test_forty_percent_of_a_box_finds_its_digit():
    reading = perfect_reading(LINE)
    reading["digits"][0]["box"] = [0, 0, 8, 40]  # 8 of 20 columns: 40 %
    reading["digits"][1]["box"] = [30, 0, 7, 40]  # 35 %, inside the box: a piece
    score = score_real_page(LINE, reading)
    assert (score.right, score.fragmented, score.extra) == (2, 1, 0)


def test_specks_are_extra_but_printed_digits_are_not():
    entry = dict(LINE, printed_digit_boxes=[[0, 100, 20, 40]])
    reading = perfect_reading(entry)
    reading["digits"] += [{"box": [2, 105, 15, 30], "label": 1, "line": 1, "number": 2},
                          {"box": [300, 300, 5, 5], "label": 1, "line": 2, "number": 3}]
    score = score_real_page(entry, reading)
    assert (score.on_printed, score.extra, score.right, score.precision) == (1, 1, 3, 4 / 5)


def test_an_uncertain_digit_is_right_read_either_way():
    entry = dict(LINE, uncertain=[{"line": 0, "digit_index_in_line": 2, "truth": "3",
                                   "also_accept": ["5"]}])
    for label, right in ((3, 3), (5, 3), (8, 2)):
        reading = perfect_reading(entry)
        reading["digits"][2]["label"] = label
        assert score_real_page(entry, reading).right == right


def test_numbers_are_scored_only_where_the_truth_says_so():
    reading = spoil(LINE, "number merged")
    assert score_real_page(LINE, reading).numbers_merged == 1
    loose = dict(LINE, grouping_scored=False)
    score = score_real_page(loose, reading)
    assert score.number_errors == 0 and not score.numbers_scored


def test_a_reading_and_its_json_score_alike():
    from ocrkit.pipeline import PageReading

    data = spoil(LINE, "wrong and unsure")
    digits = data["digits"]
    reading = PageReading(
        np.full((50, 120), 255, np.uint8), "page.png", np.array([d["box"] for d in digits]),
        np.array([-1 if d["label"] is None else d["label"] for d in digits]), np.ones(3),
        np.array([d["line"] for d in digits]), np.array([d["number"] for d in digits]),
        np.zeros((3, 28, 28), np.uint8), np.zeros((50, 120), bool))
    assert score_real_page(LINE, reading) == score_real_page(LINE, reading.to_json())
    assert score_real_page(LINE, reading).confusions == ("1->2", "3->?")


# ------------------------------------------------------------- the loader

def test_the_bundled_truth_loads():
    pages = load_real_truth()
    assert [p.file for p in pages] == [e["file"] for e in ENTRIES]
    assert sum(len(p.truth) for p in pages) == 192
    for p, entry in zip(pages, ENTRIES):
        assert isinstance(p, RealPage) and p.path == REAL / entry["file"]
        assert p.truth.lines == tuple(entry["lines"]) and p.sha256 == entry["sha256"]
        assert p.source["licence"] in {"MIT", "BSD-3-Clause", "Apache-2.0"}
    packt = pages[0]
    # The flat-topped 3 of '23' also counts when read as 5.
    assert [sorted(a) for a in packt.accept if len(a) > 1] == [[3, 5]]


def write_truth(folder, images):
    path = folder / "truth.json"
    path.write_text(json.dumps({"images": images}), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, match", [
    ({"lines": ["12 3", "4"]}, "'digit_boxes' must hold one list of boxes per line"),
    ({"digit_boxes": [[[0, 0, 20, 40], [30, 0, 20, 40]]]}, "line 0 .* 3 digits but 2 boxes"),
    ({"digit_boxes": [[[0, 0, 20, 40], [30, 0, 20, 40], [90, 0, 0, 40]]]},
     "w and h at least 1"),
    ({"lines": ["12  3"]}, "numbers separated by one space"),
    ({"lines": ["12 a"]}, "numbers separated by one space"),
    ({"uncertain": [{"line": 0, "digit_index_in_line": 2, "truth": "7", "also_accept": ["5"]}]},
     "an 'uncertain' item must name a digit"),
    ({"uncertain": [{"line": 3, "digit_index_in_line": 0, "truth": "1", "also_accept": []}]},
     "an 'uncertain' item"),
    ({"sha256": "abc"}, "'sha256' must be 64"),
    ({"source": {"repo": "x"}}, "'source' must give repo, commit"),
    ({"n_digits": 4}, "'n_digits' says 4"),
    ({"file": "../page.png"}, "'file' must be a file name"),
    ({"grouping_scored": "yes"}, "'grouping_scored' must be true or false"),
    ({"printed_digit_boxes": [[1, 2, 3]]}, "printed digits: a box must be"),
])
def test_a_bad_entry_is_named_with_its_problem(tmp_path, change, match):
    path = write_truth(tmp_path, [LINE, {**LINE, "file": "other.png", **change}])
    with pytest.raises(DataFileError, match=r"truth.json: images\[1\] .*" + match) as error:
        load_real_truth(path)
    assert "\n" not in str(error.value)


def test_a_missing_or_broken_truth_file_is_named(tmp_path):
    with pytest.raises(DataFileError, match="truth.json: no truth of the real photos"):
        load_real_truth(tmp_path)
    (tmp_path / "truth.json").write_text('{"images": [')
    with pytest.raises(DataFileError, match="not valid JSON"):
        load_real_truth(tmp_path)
    write_truth(tmp_path, [])
    with pytest.raises(DataFileError, match="non-empty 'images' list"):
        load_real_truth(tmp_path)
    write_truth(tmp_path, [LINE, LINE])
    with pytest.raises(DataFileError, match="page.png is listed twice"):
        load_real_truth(tmp_path)
    missing = {k: v for k, v in LINE.items() if k not in ("sha256", "source")}
    write_truth(tmp_path, [missing])
    with pytest.raises(DataFileError, match=r"images\[0\] \(page.png\): missing 'sha256', "
                                            "'source'"):
        load_real_truth(tmp_path)


def test_a_copy_of_the_folder_loads_from_its_new_place(tmp_path):
    shutil.copy(REAL / "truth.json", tmp_path / "truth.json")
    pages = load_real_truth(tmp_path / "truth.json")
    assert all(p.path.parent == tmp_path for p in pages)
