"""The benchmark runs end to end and writes sane, complete results.

One run of ``benchmarks/run.py --smoke`` (every step of ``make bench QUICK=1``,
on the least data that runs it) is shared by the tests; they check the files'
structure and that every number is in its range, never how fast anything
was (nor whether a page met its time budget).  The run is made in this
process, with the linear algebra on one thread: on a busy machine more
threads only wait for a core, and no number checked here depends on how
many there are.  Each script is also started as ``make bench`` starts one.
"""

import contextlib
import importlib.util
import io
import json
import math
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from ocrkit.preprocess import BINARIZE_METHODS

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
SECTIONS = ("## Machine", "## MNIST", "## The original approach", "## Pages", "## Sheets",
            "## Writer A: training data", "## Real photos", "## Robustness map",
            "## Speed against the floor", "## How it was measured")
FEATURES = {"raw pixels", "original HOG", "kit HOG"}
CLASSIFIERS = {"knn", "svm", "linear"}
PNG = b"\x89PNG\r\n\x1a\n"


def bench_module(name):
    """``benchmarks/<name>.py`` as a module, importing its neighbours as the scripts do."""
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCHMARKS))
        patch.setitem(sys.modules, spec.name, module)
        spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    # Not made yet: the run makes it.
    return tmp_path_factory.mktemp("bench") / "results"


@contextlib.contextmanager
def one_thread():
    """The linear algebra libraries on one thread each, for the block's duration."""
    import sklearn.svm  # noqa: F401  (loads the libraries, so that the limit reaches them)

    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def run(out):
    bench = bench_module("run")
    printed = io.StringIO()
    with one_thread(), warnings.catch_warnings(record=True) as caught, \
            contextlib.redirect_stdout(printed):
        warnings.simplefilter("always")
        assert bench.main(["--smoke", "--no-progress", "--out", str(out)]) == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    markdown = (out / "RESULTS.md").read_text(encoding="utf-8")
    return results, markdown, printed.getvalue(), caught


def share(value):
    """A share in [0, 1], or None where nothing could be counted."""
    return value is None or 0.0 <= value <= 1.0


@pytest.mark.parametrize("script", ["run.py", "augment_mnist.py", "bench_real.py",
                                    "bench_robustness.py"])
def test_each_script_starts_as_make_bench_starts_it(script):
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), "--help"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith(f"usage: benchmarks/{script}")


def test_each_mode_has_its_sizes_and_figure_path(tmp_path):
    bench = bench_module("run")
    modes = {flags: bench.mode_of(bench.parse_args(list(flags)))
             for flags in ((), ("--quick",), ("--smoke",))}
    assert modes == {(): "full", ("--quick",): "quick", ("--smoke",): "smoke"}
    with pytest.raises(SystemExit):
        bench.parse_args(["--quick", "--smoke"])
    full, quick, smoke = (bench.MODES[mode] for mode in ("full", "quick", "smoke"))
    assert full.n_train is None and 0 < smoke.n_train < quick.n_train
    assert smoke.budget_s < quick.budget_s < full.budget_s
    assert [len(sizes.robustness["contrasts"]) for sizes in (smoke, quick, full)] == [1, 2, 5]
    # A quick or smoke run draws the figure next to RESULTS.md, never into docs/.
    assert bench.figure_path("full", tmp_path) == ROOT / "docs" / "robustness_map.png"
    for mode in ("quick", "smoke"):
        assert bench.figure_path(mode, tmp_path) == tmp_path / "robustness_map.png"


def test_the_benchmark_uses_no_deprecated_call_of_the_kit(run):
    ours = (BENCHMARKS, ROOT / "ocrkit")
    deprecated = [f"{w.filename}:{w.lineno}: {w.message}" for w in run[3]
                  if issubclass(w.category, DeprecationWarning | FutureWarning)
                  and any(Path(w.filename).is_relative_to(folder) for folder in ours)]
    assert not deprecated, "\n".join(deprecated)


def test_markdown_has_every_section_in_order(run):
    _, markdown, printed, _ = run
    positions = [markdown.find(heading) for heading in SECTIONS]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert "Written by `benchmarks/run.py --smoke`." in markdown
    assert markdown in printed  # the tables are printed too
    assert "| features | deskew |" in markdown


def test_machine_versions_and_sizes_are_stated(run):
    results = run[0]
    machine = results["machine"]
    assert machine["cores"] >= 1 and machine["cpu"] and machine["python"].startswith("3.")
    assert machine["date"].endswith(" UTC")
    assert set(machine["versions"]) >= {"numpy", "opencv", "scikit-image", "scikit-learn"}
    assert results["mode"] == "smoke" and results["memory_method"]
    sizes = results["sizes"]
    assert (sizes["n_train"], sizes["n_test"]) == (results["mnist"]["n_train"],
                                                   results["mnist"]["n_test"])
    assert results["robustness"]["axes"] == {
        axis: sizes["robustness"][key] for axis, key in
        (("contrast", "contrasts"), ("noise", "noises"), ("blur", "blurs"), ("size", "sizes"))}
    assert results["elapsed_s"] > 0 and set(results["sections_s"]) >= {
        "MNIST grid", "pages", "real photos", "robustness map", "HOG against scikit-image"}


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
        # A cell trained on fewer digits than it was given says why.
        assert bool(row["note"]) == (row["n_train"] < mnist["n_train"])
        assert row["n_train"] in mnist["plan"]["sizes"]
    # Even on a few hundred digits, HOG + SVM reads MNIST far better than chance.
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
    assert results["pages"]["problems"] == []
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


def test_writer_a_is_read_with_every_kind_of_training(run):
    results = run[0]
    rows = results["writer_a"]
    # The page model, MNIST alone, the sheet alone, both: the kit has what each needs.
    assert len(rows) == 4 and not any(row["notice"] for row in rows), rows
    assert [row["sheet_digits"] > 0 for row in rows] == [False, False, True, True]
    assert rows[1]["mnist_digits"] == rows[3]["mnist_digits"] == results["sizes"]["writer_a_mnist"]
    assert rows[2]["mnist_digits"] == 0
    assert rows[2]["sheet_copies"] == rows[3]["sheet_copies"] == results["sizes"]["sheet_copies"]
    for row in rows:
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
    results, markdown = run[:2]
    robustness = results["robustness"]
    names = list(robustness["readers"])
    assert len(names) == len(BINARIZE_METHODS) + 1 and names[-1] == "original"
    assert [name.split()[1] for name in names[:-1]] == list(BINARIZE_METHODS)
    assert sum("(default)" in name for name in names) == 1
    for reader in robustness["readers"].values():
        shares = [v for row in reader["grid"]["right"] for v in row]
        assert shares and all(0.0 <= v <= 1.0 for v in shares)
    # The figure is drawn next to RESULTS.md (in a folder the run had to make), never
    # into docs/; a figure with every reader's map and both curves is no empty canvas.
    assert robustness["figure"] == "robustness_map.png"
    figure = (out / "robustness_map.png").read_bytes()
    assert figure[:8] == PNG and len(figure) > 20_000
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
        assert row["bare_minimum_s"] > 0
        # Every read looks for a sheet and segments; a page with digits reads them.
        stages = row["stages"]
        assert set(stages) == {"sheet_s", "preprocessing_s", "segmentation_s", "reading_s"}
        assert stages["sheet_s"] > 0 and stages["segmentation_s"] > 0
        assert stages["preprocessing_s"] > 0 and stages["reading_s"] > 0
    assert "Where the time goes" in run[1]
    assert "| budget ms | bare minimum | left |" in run[1]
    assert f"of {len(pages['rows'])} pages leave nothing" in run[1]


def test_the_bare_minimum_finds_the_strokes_of_a_shaded_page():
    # Four strokes, two of them in a shadow that halves the paper's light:
    # divided by the paper's light, each is one component and the shadow none.
    speed = bench_module("bench_speed")
    page = np.full((400, 600, 3), 210, np.uint8)
    page[:, 300:] = 105
    for left in (60, 180, 360, 480):
        page[120:220, left:left + 12] //= 4
    count, _, stats, _ = speed.bare_minimum(page)
    assert count - 1 == 4
    assert sorted(stats[1:, 0].tolist()) == [60, 180, 360, 480]
    assert (stats[1:, 2:4] == [12, 100]).all()
    # At half the size (as the kit reads a large scan), the same strokes, halved.
    count, _, stats, _ = speed.bare_minimum(page, shape=(200, 300))
    assert count - 1 == 4
    assert sorted(stats[1:, 0].tolist()) == [30, 90, 180, 240]


def test_timing_the_stages_leaves_the_reader_as_it_was():
    import ocrkit.ink
    import ocrkit.pipeline

    speed = bench_module("bench_speed")
    originals = (ocrkit.ink.find_sheet, ocrkit.pipeline.page_ink, ocrkit.pipeline.segment_digits)
    calls = []

    def read():
        calls.append(ocrkit.pipeline.page_ink is not originals[1])
        return ocrkit.pipeline.read_page(ROOT / "data" / "real" / "guerranti_webcam_1717.png")

    stages = speed.stage_times(read, 2)
    assert calls == [True, True]  # timed while reading
    assert (ocrkit.ink.find_sheet, ocrkit.pipeline.page_ink,
            ocrkit.pipeline.segment_digits) == originals
    assert all(seconds > 0 for seconds in stages.values())


def test_speed_against_the_floor(run):
    speed = run[0]["speed"]
    page = speed["page"]
    assert page["imdecode_s"] > 0 and page["file_bytes"] > 0
    assert page["source"].startswith("synthetic, A6 at 150 dpi")
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


def test_augmentation_experiment_trains_on_the_copies_too(capsys):
    augment = bench_module("augment_mnist")
    with one_thread():
        augment.main(["--copies", "2", "--mnist", "100", "50"])
    printed = capsys.readouterr()
    assert json.loads(printed.err)["cores"] >= 1  # the machine, for the record
    plain, augmented = (json.loads(line) for line in printed.out.splitlines())
    assert (plain["copies"], plain["train_digits"]) == (0, 100)
    assert (augmented["copies"], augmented["train_digits"]) == (2, 300)
    for result in (plain, augmented):
        assert 0.5 <= result["accuracy"] <= 1.0
        assert 0 < result["support_vectors"] <= result["train_digits"]
