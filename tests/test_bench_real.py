"""benchmarks/bench_real.py on one small real photo: rows, totals, table, and a damaged copy."""

import importlib
import json
import shutil
from pathlib import Path

import pytest

from ocrkit._paths import DATA_DIR
from ocrkit.original import read_page_original
from ocrkit.pipeline import read_page

ROOT = Path(__file__).resolve().parent.parent
PHOTO = "guerranti_webcam_1717.png"


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    return importlib.import_module("bench_real")


@pytest.fixture
def one_photo(tmp_path):
    """A copy of data/real holding one photo and its truth."""
    entries = json.loads((DATA_DIR / "real" / "truth.json").read_text(encoding="utf-8"))
    entry = next(e for e in entries["images"] if e["file"] == PHOTO)
    (tmp_path / "truth.json").write_text(json.dumps({"images": [entry]}), encoding="utf-8")
    shutil.copy(DATA_DIR / "real" / PHOTO, tmp_path / PHOTO)
    return tmp_path


@pytest.fixture
def approaches(trained_classifier):
    original = trained_classifier("original", n_train=500)
    return {"kit": lambda image, name: read_page(image, name=name),
            "original": lambda image, name: read_page_original(image, model=original, name=name)}


def test_bench_real_scores_each_approach_on_each_photo(bench, one_photo, approaches):
    results = bench.bench_real(one_photo, approaches, progress=False)
    assert results["problems"] == []
    rows = results["rows"]
    assert [(r["file"], r["approach"]) for r in rows] == [(PHOTO, "kit"), (PHOTO, "original")]
    for row in rows:
        assert row["truth_digits"] == 4 and row["runs"] == 1 and row["seconds"] > 0
        assert row["right"] <= row["found"] <= row["truth_digits"]
        assert row["found"] + row["fragmented"] + row["missed"] == 4
        assert row["accuracy"] == row["right"] / 4
        assert results["totals"][row["approach"]]["right"] == row["right"]
    json.dumps(results)  # every value is JSON-able
    table = bench.real_table(results).splitlines()
    assert table[2].startswith("| photo | digits | approach | right | found | extra |")
    assert sum(line.startswith(f"| `{PHOTO}` | 4 |") for line in table) == 2
    assert sum("**all 1 photos**" in line for line in table) == 2


def test_a_damaged_photo_is_reported_not_scored(bench, one_photo, approaches):
    path = one_photo / PHOTO
    path.write_bytes(path.read_bytes()[:-10])
    results = bench.bench_real(one_photo, approaches, progress=False)
    assert results["rows"] == [] and results["totals"] == {}
    assert len(results["problems"]) == 1 and "not the published file" in results["problems"][0]
    assert "No photo could be scored." in bench.real_table(results)


def test_a_missing_truth_file_is_a_problem(bench, tmp_path):
    results = bench.bench_real(tmp_path, {}, progress=False)
    assert results["rows"] == [] and "no truth of the real photos" in results["problems"][0]
