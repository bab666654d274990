"""The benchmark's quick mode runs end to end and writes sane, complete results.

One run of ``benchmarks/run.py --quick`` (under a minute) is shared by the
tests; they check the files' structure and that every number is in its range,
never how fast anything was (nor whether a page met its time budget).
"""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from ocrkit.preprocess import BINARIZE_METHODS

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("## Machine", "## MNIST", "## The original approach", "## Pages", "## Sheets",
            "## Writer A: training data", "## Real photos", "## Robustness map",
            "## Speed against the floor", "## How it was measured")
FEATURES = {"raw pixels", "original HOG", "kit HOG"}
CLASSIFIERS = {"knn", "svm", "linear"}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("bench")


@pytest.fixture(scope="module")
def run(out):
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--no-progress",
         "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    markdown = (out / "RESULTS.md").read_text(encoding="utf-8")
    return results, markdown, done.stdout


def share(value):
    """A share in [0, 1], or None where nothing could be counted."""
    return value is None or 0.0 <= value <= 1.0


def test_markdown_has_every_section_in_order(run):
    _, markdown, stdout = run
    positions = [markdown.find(heading) for heading in SECTIONS]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert markdown in stdout  # the table is printed too
    assert "| features | deskew |" in markdown


def test_machine_and_versions_are_stated(run):
    results, _, _ = run
    machine = results["machine"]
    assert machine["cores"] >= 1 and machine["cpu"] and machine["python"].startswith("3.")
    assert set(machine["versions"]) >= {"numpy", "opencv", "scikit-image", "scikit-learn"}
    assert results["mode"] == "quick" and results["memory_method"]


def test_mnist_grid_covers_every_cell_with_sane_values(run):
    mnist = run[0]["mnist"]
    grid = mnist["grid"]
    cells = {(r["features"], r["deskew"], r["classifier"]) for r in grid}
    assert cells == {(f, d, c) for f in FEATURES for d in (False, True) for c in CLASSIFIERS}
    for row in grid:
        assert 0.0 <= row["accuracy"] <= 1.0
        assert 0 < row["n_train"] <= mnist["n_train"] and row["n_test"] == mnist["n_test"]
        assert min(row["feature_s"], row["train_s"], row["predict_s"], row["peak_mb"]) >= 0
        assert row["feature_digits"] == mnist["n_train"] + mnist["n_test"]
    # Even on a few thousand digits, HOG + SVM reads MNIST far better than chance.
    best = max(r["accuracy"] for r in grid if r["features"] == "kit HOG")
    assert best > 0.8
    assert len(mnist["features"]) == 6
    assert 0.8 < mnist["page_model"]["accuracy"] <= 1.0


def test_original_and_pages_are_scored(run):
    results = run[0]
    assert 0.0 <= results["original"]["mnist"]["accuracy"] <= 1.0
    rows = results["pages"]["rows"]
    stems = sorted(p.stem for p in (ROOT / "data" / "handwriting").glob("*.json"))
    sheets = [stem for stem in stems if "_sheet_" in stem or "_template_" in stem]
    assert sheets, "the bundled training sheets are missing"
    assert sorted({r["page"] for r in rows}) == [s for s in stems if s not in sheets]
    for row in rows:
        assert row["approach"] in {"kit", "original"}
        for key in ("recall", "precision", "digit_accuracy", "line_accuracy",
                    "line_accuracy_digits"):
            assert share(row[key]), (row["page"], key, row[key])
        assert row["matched"] <= min(row["truth_digits"], row["found"])
        assert row["seconds"] > 0


def test_every_bundled_sheet_is_read_completely(run):
    rows = run[0]["sheets"]
    assert {r["sheet"] for r in rows} == {"writer_a_sheet_scan", "writer_a_template_photo",
                                          "writer_e_sheet_scan"}
    for row in rows:
        assert row["found"] == row["truth_digits"] == row["right"] == 100, row


def test_writer_a_section_has_rows(run):
    rows = run[0]["writer_a"]
    assert rows
    for row in rows:
        assert row["training"]
        if not row.get("notice"):
            assert share(row["digit_accuracy"]) and share(row["recall"])


def test_real_photos_are_scored_for_both_approaches(run):
    real = run[0]["real"]
    listed = json.loads((ROOT / "data" / "real" / "truth.json").read_text(encoding="utf-8"))
    files = [entry["file"] for entry in listed["images"]]
    assert real["problems"] == []
    assert [(r["file"], r["approach"]) for r in real["rows"]] \
        == [(f, a) for f in files for a in ("kit", "original")]
    for row in real["rows"]:
        assert row["found"] <= row["truth_digits"] and row["right"] <= row["found"]
        assert share(row["accuracy"]) and row["seconds"] > 0
    assert set(real["totals"]) == {"kit", "original"}
    assert real["totals"]["kit"]["truth_digits"] == sum(
        len(text.replace(" ", "")) for entry in listed["images"] for text in entry["lines"])


def test_robustness_map_covers_every_binarisation_and_the_original(run, out):
    results, markdown, _ = run
    robustness = results["robustness"]
    names = list(robustness["readers"])
    assert len(names) == len(BINARIZE_METHODS) + 1 and names[-1] == "original"
    assert [name.split()[1] for name in names[:-1]] == list(BINARIZE_METHODS)
    assert sum("(default)" in name for name in names) == 1
    for reader in robustness["readers"].values():
        shares = [v for row in reader["grid"]["right"] for v in row]
        assert shares and all(0.0 <= v <= 1.0 for v in shares)
    # A quick run draws the figure next to RESULTS.md, never into docs/.
    assert robustness["figure"] == "robustness_map.png"
    assert (out / "robustness_map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](robustness_map.png)" in markdown


def test_every_page_is_timed_against_its_decode_floor(run):
    pages = run[0]["speed"]["pages"]
    bundled = sorted(p.stem for p in (ROOT / "data" / "handwriting").glob("*.json"))
    listed = json.loads((ROOT / "data" / "real" / "truth.json").read_text(encoding="utf-8"))
    names = [row["page"] for row in pages["rows"]]
    assert [Path(name).stem for name in names[:len(bundled)]] == bundled
    assert sorted(names[len(bundled):]) == sorted(f"real/{e['file']}" for e in listed["images"])
    assert pages["problems"] == []
    for row in pages["rows"]:
        assert row["decode_s"] > 0 and row["read_s"] > 0 and row["digits_found"] >= 0
        jpeg = Path(row["page"]).suffix.lower() in (".jpg", ".jpeg")
        assert row["floor"] == ("JPEG file" if jpeg else
                                f"{Path(row['page']).suffix[1:].upper()} as JPEG")
        assert row["k"] in (2, 3) and math.isclose(
            row["budget_s"], row["k"] * row["decode_s"] + 0.15e-3 * row["digits_found"])
        assert row["within"] == (row["read_s"] <= row["budget_s"])


def test_speed_against_the_floor(run):
    speed = run[0]["speed"]
    page = speed["page"]
    assert page["imdecode_s"] > 0 and page["file_bytes"] > 0
    assert set(page["reads"]) == {"kit", "original"}
    assert "allocator" not in page  # measured as a user runs it: no allocator tuning
    for read in page["reads"].values():
        assert read["read_s"] > 0 and math.isclose(
            read["over_imdecode"], read["read_s"] / page["imdecode_s"], rel_tol=1e-6)
        assert read["within"] == (read["read_s"] <= read["budget_s"])
    hog = speed["hog"]
    assert hog["digits"] > 0 and hog["kit_s"] > 0 and hog["skimage_s"] > 0
    assert hog["kit_default_s"] > 0
    # The two HOGs compute the same numbers.
    assert hog["max_abs_difference"] < 1e-4


def test_augmentation_experiment_trains_on_the_copies_too():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "augment_mnist.py"), "--copies", "2",
         "--mnist", "300", "100"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    plain, augmented = (json.loads(line) for line in done.stdout.splitlines())
    assert (plain["copies"], plain["train_digits"]) == (0, 300)
    assert (augmented["copies"], augmented["train_digits"]) == (2, 900)
    for result in (plain, augmented):
        assert 0.5 <= result["accuracy"] <= 1.0
        assert 0 < result["support_vectors"] <= result["train_digits"]
