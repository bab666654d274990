"""The robustness map on its quick grid: scores and table.

One real reader (the kit with its default settings) keeps the test cheap;
stand-in readers with known answers check the scoring: one that returns the
truth scores 100% everywhere, one that finds nothing 0%, one that raises 0%
with the error kept.  The pictures are rendered once, for the stand-ins'
truth and the map alike.  The map's figure is drawn, and checked, by the
benchmark's run in tests/test_bench_quick.py.
"""

import hashlib
import importlib.util
import json
from pathlib import Path

import pytest

from ocrkit import preprocess
from ocrkit.pipeline import read_page

ROOT = Path(__file__).resolve().parent.parent


def load_bench():
    spec = importlib.util.spec_from_file_location(
        "bench_robustness", ROOT / "benchmarks" / "bench_robustness.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def digest(image):
    return hashlib.sha256(image.tobytes()).hexdigest()


def fail(image):
    raise RuntimeError("cannot read this")


@pytest.fixture(scope="module")
def results():
    rendered = dict(**bench.QUICK, base=bench.BASE, seed=0, digits=bench.DIGITS)
    pictures = list(bench.cases(**rendered))
    truths = {digest(image): truth for *_, image, truth in pictures}
    cases = bench.cases

    def rendered_once(**options):
        # The same pictures again if the map asks for these; rendered anew for any other.
        return iter(pictures) if options == rendered else cases(**options)

    readers = {
        "kit": read_page,
        "oracle": lambda image: truths[digest(image)],
        "blind": lambda image: {"digits": []},
        "broken": fail,
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bench, "cases", rendered_once)
        return bench.robustness_map(read_functions=readers, **bench.QUICK, progress=False)


def test_quick_map_has_every_cell_for_every_reader(results):
    axes = results["axes"]
    assert list(results["readers"]) == ["kit", "oracle", "blind", "broken"]
    assert [len(axes[k]) for k in ("contrast", "noise", "blur", "size")] == [2, 2, 2, 2]
    for reader in results["readers"].values():
        grid = reader["grid"]
        assert len(grid["right"]) == 2 and all(len(row) == 2 for row in grid["right"])
        shares = [v for row in grid["right"] + grid["found"] for v in row]
        shares += reader["blur"]["right"] + reader["size"]["right"]
        assert all(0.0 <= v <= 1.0 for v in shares)
    assert results["size_digits"][0] == bench.DIGITS and 1 <= results["size_digits"][1] <= 8
    assert results["size_px"][0] < results["size_px"][1]
    json.dumps(results)  # goes into results.json


def test_scores_of_readers_with_known_answers(results):
    readers = results["readers"]
    for axis in ("blur", "size"):
        assert readers["oracle"][axis]["right"] == [1.0, 1.0]
        assert readers["blind"][axis]["right"] == [0.0, 0.0]
        assert readers["broken"][axis]["found"] == [0.0, 0.0]
    assert readers["oracle"]["grid"]["right"] == [[1.0, 1.0], [1.0, 1.0]]
    assert readers["blind"]["grid"]["found"] == [[0.0, 0.0], [0.0, 0.0]]
    assert (
        len(readers["broken"]["errors"]) == 8
        and "cannot read this" in readers["broken"]["errors"][0]
    )
    assert readers["oracle"]["errors"] == []


def test_table(results):
    table = bench.robustness_table(results)
    assert "**kit**" in table and "| noise \\ contrast | 0.25 | 0.7 |" in table
    assert "| oracle | 100 | 100 |" in table and "| blind | 0 | 0 |" in table


def test_kit_readers_take_the_methods_at_call_time(monkeypatch):
    monkeypatch.setattr(preprocess, "BINARIZE_METHODS", ("otsu", "brand_new"))
    names = list(bench.kit_readers(model=object()))
    assert names[1] == "kit brand_new" and names[0].startswith("kit otsu")
    assert sum("(default)" in name for name in names) <= 1


def test_map_needs_readers_and_axes():
    with pytest.raises(ValueError, match="at least one reader"):
        bench.robustness_map(read_functions={}, **bench.QUICK)
    with pytest.raises(ValueError, match="noise axis is empty"):
        bench.robustness_map(read_functions={"x": fail}, **{**bench.QUICK, "noises": ()})
