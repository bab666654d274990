"""The `ocrkit` command: reading pages, its outputs, and one-line refusals."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ocrkit import __version__
from ocrkit.cli import main
from ocrkit.imageio import read_image
from ocrkit.models import save_model

PAGE = Path(__file__).resolve().parents[1] / "data" / "handwriting" / "writer_c_page_photo.jpg"


@pytest.fixture(scope="module")
def model_file(tmp_path_factory, trained_classifier):
    model = trained_classifier("svm", n_train=3000)
    return str(save_model(model, tmp_path_factory.mktemp("model") / "small.npz"))


def test_read_writes_both_images_and_the_json(tmp_path, model_file, capsys):
    assert main(["read", str(PAGE), "--model", model_file, "--out", str(tmp_path)]) == 0
    annotated = read_image(tmp_path / "writer_c_page_photo_annotated.png")
    digits = read_image(tmp_path / "writer_c_page_photo_digits.png")
    page = read_image(PAGE)
    assert annotated.shape == digits.shape == page.shape
    data = json.loads((tmp_path / "writer_c_page_photo.json").read_text())
    assert set(data) == {"image", "size", "digits", "lines"}
    assert data["image"] == PAGE.name and data["size"] == [page.shape[1], page.shape[0]]
    truth = json.loads(PAGE.with_suffix(".json").read_text())
    assert len(data["digits"]) == len(truth["digits"])
    for digit in data["digits"]:
        assert set(digit) == {"box", "label", "confidence", "line", "number"}
        assert digit["label"] is None or 0 <= digit["label"] <= 9
    # Digits appear on the clean page only where the page has them.
    assert (digits < 128).any() and digits.min() < annotated.min() + 255
    out = capsys.readouterr().out
    assert f"{len(data['digits'])} digits" in out and data["lines"][0] in out


def test_json_flag_prints_one_json_line_per_image(tmp_path, model_file, capsys):
    assert main(["read", str(PAGE), str(PAGE), "--model", model_file, "--out", str(tmp_path),
                 "--json", "--jobs", "1"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0]) == json.loads((tmp_path / "writer_c_page_photo.json").read_text())


@pytest.mark.parametrize("make, problem", [
    (lambda d: d / "missing.png", "no such file"),
    (lambda d: d, "is a directory"),
    (lambda d: (d / "notes.png").write_text("hello") and d / "notes.png", "not an image"),
    (lambda d: (d / "empty.jpg").write_bytes(b"") or d / "empty.jpg", "empty"),
])
def test_bad_images_get_one_line_and_status_2(tmp_path, model_file, capsys, make, problem):
    path = make(tmp_path)
    status = main(["read", str(path), "--model", model_file, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1 and str(path) in err[0] and problem in err[0], err


def test_a_bad_page_does_not_stop_the_good_ones(tmp_path, model_file, capsys):
    bad = tmp_path / "bad.png"
    bad.write_text("not a png")
    status = main(["read", str(bad), str(PAGE), "--model", model_file, "--out", str(tmp_path),
                   "--jobs", "2"])
    assert status == 2
    assert (tmp_path / "writer_c_page_photo.json").is_file()
    assert "bad.png" in capsys.readouterr().err


def test_a_damaged_model_file_is_refused_before_reading(tmp_path, capsys):
    model = tmp_path / "model.npz"
    model.write_bytes(b"\x00" * 100)
    assert main(["read", str(PAGE), "--model", str(model), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "model.npz" in err[0]
    assert not (tmp_path / "writer_c_page_photo.json").exists()


def test_a_blank_page_reads_as_no_digits_with_a_notice(tmp_path, model_file, capsys):
    from ocrkit.imageio import write_image

    blank = tmp_path / "blank.png"
    write_image(blank, np.full((300, 400), 240, np.uint8))
    tiny = tmp_path / "tiny.png"
    write_image(tiny, np.zeros((1, 1), np.uint8))
    assert main(["read", str(blank), str(tiny), "--model", model_file, "--out", str(tmp_path),
                 "--jobs", "1"]) == 0
    assert json.loads((tmp_path / "blank.json").read_text())["digits"] == []
    assert json.loads((tmp_path / "tiny.json").read_text())["size"] == [1, 1]
    err = capsys.readouterr().err
    assert "blank.png: no digits found" in err and "tiny.png: no digits found" in err


def test_usage_errors_and_version_from_the_installed_command():
    run = [sys.executable, "-m", "ocrkit"]
    version = subprocess.run([*run, "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.strip() == f"ocrkit {__version__}"
    wrong = subprocess.run([*run, "read"], capture_output=True, text=True)
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) <= 2
    bad = subprocess.run([*run, "read", "nowhere.png"], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_output_read_by_a_reader_that_stops_early_ends_quietly(tmp_path, model_file):
    # `ocrkit read page.jpg --json | head -c 10`: head goes away before
    # the JSON is written. (The pipe is closed before the command starts
    # writing: loading it takes far longer.)
    command = [sys.executable, "-m", "ocrkit", "read", str(PAGE), "--json",
               "--model", model_file, "--out", str(tmp_path)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait() == 141
    assert "Traceback" not in error and "Exception ignored" not in error


def test_explain_writes_why_each_piece_was_left_out(tmp_path, model_file):
    assert main(["read", str(PAGE), "--model", model_file, "--out", str(tmp_path),
                 "--explain"]) == 0
    explained = read_image(tmp_path / "writer_c_page_photo_explain.png")
    page = read_image(PAGE)
    assert explained.shape == page.shape
    # The sheet's outline (light blue) and the digits' boxes (green) are drawn.
    sheet = (explained == (0, 120, 230)).all(axis=2)
    digits = (explained == (0, 160, 60)).all(axis=2)
    assert sheet.sum() > 1000 and digits.sum() > 1000


def test_without_explain_no_explanation_is_written(tmp_path, model_file):
    assert main(["read", str(PAGE), "--model", model_file, "--out", str(tmp_path)]) == 0
    assert not (tmp_path / "writer_c_page_photo_explain.png").exists()


def test_train_refuses_an_option_out_of_range_in_one_line(tmp_path, capsys):
    out = tmp_path / "model.npz"
    assert main(["train", "--classifier", "knn", "--n-mnist", "70000", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["ocrkit: error: n_mnist must be a number of digits from 0 to 60,000, or None "
                   "for all of MNIST's; got 70000"]
    assert not out.exists()


def test_train_takes_the_older_n_train_spelling(tmp_path, capsys):
    out = tmp_path / "model.npz"
    assert main(["train", "--classifier", "knn", "--n-train", "50", "--out", str(out)]) == 0
    assert "saved DigitClassifier('knn'" in capsys.readouterr().out
