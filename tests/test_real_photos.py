"""The kit on real photos of handwritten digits (data/real): the level it has reached.

Each photo is read once with ``read_page`` (the default model and settings) and
scored with :func:`ocrkit.evaluate.score_real_page` against ``data/real/truth.json``.
A change that reads any photo worse than :data:`FLOORS` fails here.
"""

import hashlib

import pytest

from ocrkit._paths import DATA_DIR
from ocrkit.evaluate import score_real_page
from ocrkit.pipeline import read_page
from ocrkit.truth import load_real_truth

# THE LEVEL REACHED ON EACH PHOTO: RAISE, NEVER LOWER.  When the kit reads a
# photo better, move its numbers here to the new level.
#   right          digits read right, at least
#   extra          detections that are no digit, at most
#   line_errors    true lines split plus lines mixing true lines, at most
#   number_errors  true numbers split plus numbers run together, at most
FLOORS = {
    "packt_iphone_marker_0_to_59.jpg":          # 110 digits
        {"right": 108, "extra": 0, "line_errors": 0, "number_errors": 1},
    "sparshasaha_photo_bluepen_two_lines.jpg":  # 20 digits
        {"right": 20, "extra": 0, "line_errors": 0, "number_errors": 0},
    "hypjudy_photo_note_on_desk_two_lines.bmp":  # 14 digits
        {"right": 14, "extra": 0, "line_errors": 0, "number_errors": 0},
    "hypjudy_a4crop_blackpen_four_lines.bmp":   # 25 digits
        {"right": 25, "extra": 0, "line_errors": 0, "number_errors": 0},
    "guerranti_webcam_19624.png":               # 5 digits
        {"right": 5, "extra": 0, "line_errors": 0, "number_errors": 0},
    "guerranti_webcam_1717.png":                # 4 digits
        {"right": 4, "extra": 0, "line_errors": 0, "number_errors": 0},
    "guerranti_webcam_diagonal_237845.png":     # 6 digits
        {"right": 6, "extra": 0, "line_errors": 0, "number_errors": 0},
    "offgridexcel_marks_table_form.jpeg":       # 8 digits
        {"right": 8, "extra": 0, "line_errors": 0, "number_errors": 0},
}

PAGES = {page.file: page for page in load_real_truth(DATA_DIR / "real")}


@pytest.fixture(scope="module")
def scores():
    """Every photo read once and scored: file name -> PageScore."""
    return {name: score_real_page(page, read_page(page.path)) for name, page in PAGES.items()}


def test_every_photo_has_a_floor():
    assert sorted(FLOORS) == sorted(PAGES)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_each_photo_reads_at_least_as_well_as_before(scores, name):
    score, floor = scores[name], FLOORS[name]
    reached = {"right": score.right, "extra": score.extra, "line_errors": score.line_errors,
               "number_errors": score.number_errors}
    worse = {key: (reached[key], floor[key]) for key in floor
             if (reached[key] < floor[key] if key == "right" else reached[key] > floor[key])}
    assert not worse, f"{name}: (now, floor) {worse}; confusions {score.confusions}"


def test_the_photos_are_the_published_files():
    images = {p.name for p in (DATA_DIR / "real").iterdir() if p.suffix != ".json"
              and p.is_file() and p.name != "README.md"}
    assert images == set(PAGES)
    for name, page in PAGES.items():
        data = page.path.read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (page.bytes, page.sha256), name


def test_each_photo_travels_with_its_licence():
    for name, page in PAGES.items():
        licence = DATA_DIR / "real" / "LICENSES" / (page.source["repo"].replace("/", "__")
                                                    + ".LICENSE")
        assert licence.is_file(), f"{name}: {licence.name} is missing"
