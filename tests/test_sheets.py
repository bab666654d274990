"""Handwriting sheets: the printable template, loading templates and free-form pages."""

import json

import cv2
import numpy as np
import pytest

from ocrkit import datasets
from ocrkit._paths import DATA_DIR
from ocrkit.cli import main
from ocrkit.errors import ImageReadError, SheetError
from ocrkit.imageio import read_image
from ocrkit.sheets import (
    estimate_slope,
    find_markers,
    group_rows,
    load_sheet,
    make_template,
    save_template,
    template_layout,
)
from ocrkit.sheets.template import LINE_GREY, ROW_TAG_BASE, decode_marker_id
from ocrkit.synth import render_page, sheet_layout, template_photo

HANDWRITING = DATA_DIR / "handwriting"
TEMPLATE_PHOTO = HANDWRITING / "writer_a_template_photo.jpg"
FREE_FORM_SCAN = HANDWRITING / "writer_a_sheet_scan.jpg"


def truth_of(image_path):
    return json.loads(image_path.with_suffix(".json").read_text(encoding="utf-8"))


def iou(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    return ix * iy / (aw * ah + bw * bh - ix * iy)


def correct_digits(sheet, truth_digits):
    """How many true digits have a found box (IoU > 0.5) carrying the true label."""
    boxes = sheet.image_boxes()
    correct = 0
    for digit in truth_digits:
        overlaps = [iou(box, digit["box"]) for box in boxes]
        best = int(np.argmax(overlaps))
        correct += overlaps[best] > 0.5 and sheet.labels[best] == digit["label"]
    return correct


@pytest.fixture(scope="module")
def template_300():
    return make_template()


@pytest.fixture(scope="module")
def free_form_scan():
    return read_image(FREE_FORM_SCAN), truth_of(FREE_FORM_SCAN)


# ------------------------------------------------------------------ template


def test_template_is_a4_with_its_markers_found(template_300):
    page, layout = template_300
    assert page.shape == (3508, 2480) and page.dtype == np.uint8
    assert layout.size == (2480, 3508)
    markers = find_markers(page)
    for marker_id, corners in zip(layout.marker_ids, layout.markers):
        assert marker_id in markers
        assert np.abs(markers[marker_id] - corners).max() < 1.5
    # Every row's marker carries its digit.
    assert {ROW_TAG_BASE + int(d) for d in layout.digits} <= set(markers)


def test_template_layout_boxes(template_300):
    page, layout = template_300
    cells = layout.cells
    assert cells.shape == (10, 10, 4)
    # Rows go down, boxes go right, nothing overlaps, all inside the page.
    assert (np.diff(cells[:, 0, 1]) > cells[0, 0, 3]).all()
    assert (np.diff(cells[0, :, 0]) > cells[0, 0, 2]).all()
    x, y, w, h = layout.grid_box
    assert x > layout.row_tags[:, 0].max() and x + w < page.shape[1]
    assert y > layout.markers[0, :, 1].max() and y + h < layout.markers[2, :, 1].min()
    # The outline is grey, printed at the box's edge; the inside is blank.
    for bx, by, bw, bh in cells.reshape(-1, 4)[::7]:
        assert page[by, bx + bw // 2] == LINE_GREY
        assert page[by + bh // 2, bx + bw - 1] == LINE_GREY
        assert (page[by + 10:by + bh - 10, bx + 10:bx + bw - 10] == 255).all()


@pytest.mark.parametrize("digits, repeats", [("0123", 5), ("1234567890" * 2, 12), ("7", 1)])
def test_template_sizes_and_marker_ids(digits, repeats):
    page, layout = make_template(digits=digits, repeats=repeats, dpi=150)
    assert layout.cells.shape == (len(digits), repeats, 4)
    assert [decode_marker_id(i) for i in layout.marker_ids] == [
        ("corner", len(digits), repeats, corner) for corner in range(4)]
    assert set(layout.marker_ids) <= set(find_markers(page))
    # Boxes keep a handwriting size however few there are.
    assert layout.cells[0, 0, 3] <= 1.6 * layout.cells[0, 0, 2]


@pytest.mark.parametrize("options, message", [
    ({"digits": "12a"}, "string of the digits"),
    ({"digits": "1" * 21}, "1 to 20 rows"),
    ({"repeats": 0}, "repeats must be"),
    ({"repeats": 13}, "repeats must be"),
    ({"dpi": 50}, "dpi must be"),
])
def test_template_refuses_bad_options(options, message):
    with pytest.raises(ValueError, match=message):
        template_layout(**options)


@pytest.mark.parametrize("dpi", [100, 300])
def test_save_template_pdf_is_one_a4_page_of_the_template(tmp_path, dpi):
    import io

    from PIL import Image, PdfParser

    page, layout = make_template(dpi=dpi)
    path = save_template(page, tmp_path / "sheet.pdf", dpi=dpi)
    pdf = PdfParser.PdfParser(str(path))
    try:
        assert len(pdf.pages) == 1
        sheet = pdf.read_indirect(pdf.pages[0])
        # The page is the image's size at its dpi, in points: A4 to the pixel's rounding.
        width, height = layout.size
        box = [float(v) for v in sheet[b"MediaBox"]]
        assert box == pytest.approx([0, 0, width * 72 / dpi, height * 72 / dpi], abs=0.01)
        assert box[2:] == pytest.approx([595.3, 841.9], abs=0.5)
        # Its one picture is the template, every pixel within a grey level.
        (picture,) = sheet[b"Resources"][b"XObject"].values()
        embedded = np.asarray(Image.open(io.BytesIO(pdf.read_indirect(picture).buf)))
    finally:
        pdf.close()
    assert embedded.shape == page.shape
    assert np.abs(embedded.astype(int) - page).max() <= 1


def test_save_template_png_round_trips_and_other_formats_are_refused(tmp_path):
    page, _ = make_template(dpi=100)
    png = save_template(page, tmp_path / "sheet.png")
    assert np.array_equal(read_image(png), page)
    with pytest.raises(ValueError, match=".pdf or .png"):
        save_template(page, tmp_path / "sheet.jpg")


# -------------------------------------------------------- template sheets


def test_bundled_template_photo_reads_100_of_100():
    sheet = load_sheet(TEMPLATE_PHOTO)
    truth = truth_of(TEMPLATE_PHOTO)
    assert sheet.kind == "template" and sheet.order == "1234567890"
    assert len(sheet) == len(truth["digits"]) == 100
    assert correct_digits(sheet, truth["digits"]) == 100
    assert sheet.empty_cells == [] and len(sheet.stray_ink) == 0
    assert sheet.digits.shape == (100, 28, 28) and sheet.digits.dtype == np.uint8
    # Normalised like MNIST: ink fitted in 20 px, centre of mass in the middle.
    mass = sheet.digits.astype(float)
    rows = (mass.sum(axis=2) * np.arange(28)).sum(axis=1) / mass.sum(axis=(1, 2))
    assert np.abs(rows - 13.5).max() < 1.0


def test_upside_down_photo_reads_the_same():
    image = read_image(TEMPLATE_PHOTO)
    sheet = load_sheet(image[::-1, ::-1].copy())
    assert len(sheet) == 100
    assert (sheet.labels == np.repeat([1, 2, 3, 4, 5, 6, 7, 8, 9, 0], 10)).all()


def test_empty_boxes_and_stray_ink_are_reported():
    blank = [(0, 9), (3, 0), (7, 4)]
    image, truth = template_photo(writer="b", seed=3, dpi=150, blank=blank, stray=2)
    sheet = load_sheet(image)
    assert sorted(sheet.empty_cells) == blank
    assert len(sheet) == 97
    assert correct_digits(sheet, truth["digits"]) == 97
    # Every found label is the digit of its row: no stray mark shifted anything.
    assert (sheet.labels == np.array([int(sheet.order[r]) for r in sheet.rows])).all()
    stray = sheet.to_image(sheet.stray_ink)
    assert len(stray) == 2
    for expected in truth["stray"]:
        assert max(iou(box, expected) for box in stray) > 0.5
    assert "empty: row 1 box 10" in sheet.summary()


def test_row_digits_come_from_the_sheet_itself():
    order = "9081726354"
    image, truth = template_photo(digits=order, repeats=4, writer="c", seed=4, dpi=150)
    sheet = load_sheet(image)
    assert sheet.order == order
    assert correct_digits(sheet, truth["digits"]) == 40
    with pytest.raises(SheetError, match="printed for 9081726354 but order is 1234567890"):
        load_sheet(image, order="1234567890")
    with pytest.raises(SheetError, match="4 boxes per row, not repeats=10"):
        load_sheet(image, repeats=10)
    with pytest.raises(SheetError, match="10 rows but order '123'"):
        load_sheet(image, order="123")


def test_hidden_corner_markers_are_named(template_300):
    page, layout = template_300
    covered = page.copy()
    for corner in (1, 2):  # top-right and bottom-right under a thumb
        (x0, y0), (x1, y1) = layout.markers[corner].min(0), layout.markers[corner].max(0)
        covered[int(y0) - 5:int(y1) + 5, int(x0) - 5:int(x1) + 5] = 255
    with pytest.raises(SheetError, match="not top-right, bottom-right: photograph"):
        load_sheet(covered)
    blank = np.full_like(page, 255)
    with pytest.raises(SheetError, match="found the template's corner squares none"):
        load_sheet(blank, template=layout)


# ------------------------------------------------------ free-form sheets


def test_bundled_free_form_scan_reads_100_of_100(free_form_scan):
    image, truth = free_form_scan
    sheet = load_sheet(image, order="1234567890", repeats=10)
    assert sheet.kind == "free-form"
    assert correct_digits(sheet, truth["digits"]) == 100
    # Each row's digits left to right, rows top to bottom.
    assert (sheet.rows == np.repeat(np.arange(10), 10)).all()
    assert (sheet.cols == np.tile(np.arange(10), 10)).all()


@pytest.mark.parametrize("angle", [3.0, -3.0])
def test_free_form_sheet_turned_3_degrees(angle):
    layout = sheet_layout(order="1234567890", repeats=10, slope_deg=0.0, seed=8)
    page, truth = render_page(layout, writer="a", condition="clean", seed=8, dpi=150)
    rows, cols = page.shape[:2]
    matrix = cv2.getRotationMatrix2D((cols / 2, rows / 2), angle, 1.0)
    turned = cv2.warpAffine(page, matrix, (cols, rows), flags=cv2.INTER_LINEAR,
                            borderValue=(255, 255, 255))
    sheet = load_sheet(turned)
    # OpenCV turns counter-clockwise for a positive angle: rows rise to the right.
    assert sheet.slope == pytest.approx(-angle, abs=0.8)
    centres = sheet.boxes[:, :2] + sheet.boxes[:, 2:] / 2
    for digit in truth["digits"]:
        x, y, w, h = digit["box"]
        expected = matrix @ np.array([x + w / 2, y + h / 2, 1.0])
        nearest = int(np.argmin(np.hypot(*(centres - expected).T)))
        assert np.hypot(*(centres[nearest] - expected)) < 0.3 * h
        assert sheet.labels[nearest] == digit["label"]


def test_sloping_rows_are_grouped_where_sorting_by_y_fails():
    rng = np.random.default_rng(0)
    height, boxes, true_rows = 40.0, [], []
    for row in range(4):
        slope = np.radians(8 + rng.normal(0, 1))  # rows rise by more than their spacing
        for col in range(10):
            x = 100 + col * 60 + rng.normal(0, 3)
            y = 100 + row * 60 + (x - 100) * np.tan(slope) + rng.normal(0, 2)
            boxes.append([x, y, 25, height])
            true_rows.append(row)
    boxes, true_rows = np.array(boxes), np.array(true_rows)
    order = rng.permutation(len(boxes))
    rows, cols, slope = group_rows(boxes[order])
    assert (rows == true_rows[order]).all()
    assert slope == pytest.approx(8, abs=1.0)
    assert sorted(cols[rows == 0]) == list(range(10))
    # Sorting by y then counting ten per row gets rows wrong here.
    by_y = np.argsort(boxes[:, 1], kind="stable")
    assert (np.arange(40)[np.argsort(by_y)] // 10 != true_rows).sum() > 5


@pytest.mark.parametrize("angle", [-6.0, -2.5, 0.0, 4.0])
def test_estimate_slope(angle):
    x = np.tile(np.arange(10) * 50.0, 3)
    y = np.repeat([100.0, 200.0, 300.0], 10) + x * np.tan(np.radians(angle))
    boxes = np.stack([x, y, np.full(30, 20.0), np.full(30, 40.0)], 1)
    assert estimate_slope(boxes) == pytest.approx(angle, abs=0.05)


def _erase(image, box, margin=6):
    x, y, w, h = box
    out = image.copy()
    paper = np.median(image[y - 30:y - 10, x:x + w].reshape(-1, image.shape[2]), axis=0)
    out[y - margin:y + h + margin, x - margin:x + w + margin] = paper.astype(np.uint8)
    return out


def test_a_missing_digit_is_refused_with_the_row_named(free_form_scan):
    image, truth = free_form_scan
    row_3 = [d for d in truth["digits"] if d["line"] == 2]
    damaged = _erase(image, row_3[4]["box"])
    with pytest.raises(SheetError, match=r"^row 3 has 9 digits, expected 10;") as info:
        load_sheet(damaged, template=None)
    assert "\n" not in str(info.value)
    overlay = info.value.overlay
    assert overlay.shape == image.shape and overlay.dtype == np.uint8
    assert not np.array_equal(overlay, image)


def test_a_wrong_order_is_refused(free_form_scan):
    image, _ = free_form_scan
    with pytest.raises(SheetError, match="found 10 rows of digits, expected 9"):
        load_sheet(image, order="123456789")
    with pytest.raises(SheetError, match="row 1 has 10 digits, expected 8; row 2 has 10"):
        load_sheet(image, repeats=8)


def test_overlay_colours_each_row(free_form_scan):
    image, _ = free_form_scan
    sheet = load_sheet(image)
    overlay = sheet.overlay()
    assert overlay.shape == image.shape
    from ocrkit.sheets.overlay import ROW_COLOURS

    for row in (0, 5):
        x, y, w, h = sheet.boxes[sheet.rows == row][3]
        assert tuple(overlay[y + h // 2, x]) == ROW_COLOURS[row]


def test_overlay_notes_end_left_of_their_row():
    from ocrkit.sheets.overlay import PROBLEM, ROW_COLOURS, draw_sheet_overlay

    page = np.full((200, 400), 255, np.uint8)
    boxes = [(200, 30, 30, 40), (240, 30, 30, 40), (200, 120, 30, 40)]
    overlay = draw_sheet_overlay(page, boxes, [-1, -1, -1], [0, 0, 1],
                                 row_notes={0: "row 1: 2", 1: "row 2: 1"}, bad_rows={1})
    for (x, y, _, h), colour in [(boxes[0], ROW_COLOURS[0]), (boxes[2], PROBLEM)]:
        band = (overlay[y - 10:y + h + 10] == colour).all(axis=-1)
        note = band[:, :x - 1]
        assert note.any()
        # The note's band, a large red one for a bad row, stops two strokes
        # (here two pixels) short of the row's first box, whose left edge
        # is the box's own outline.
        assert np.flatnonzero(note.any(axis=0))[-1] == x - 3
        assert tuple(overlay[y + h // 2, x + 1]) == (255, 255, 255)


def test_bad_arguments(tmp_path, template_300):
    page, _ = template_300
    with pytest.raises(ValueError, match="order must be a string of digits"):
        load_sheet(page, order="12a")
    with pytest.raises(ValueError, match="template must be"):
        load_sheet(page, template="yes")
    not_an_image = tmp_path / "sheet.png"
    not_an_image.write_text("hello")
    with pytest.raises(ImageReadError, match="sheet.png"):
        load_sheet(not_an_image)


def test_names_that_moved_still_import_with_a_warning():
    import ocrkit.sheets

    with pytest.warns(DeprecationWarning, match="moved to ocrkit.synth.template_photo"):
        assert ocrkit.sheets.template_photo is template_photo
    with pytest.warns(DeprecationWarning, match="moved to ocrkit.sheets.load_sheet"):
        assert datasets.load_sheet is load_sheet
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        ocrkit.sheets.nothing  # noqa: B018


# ------------------------------------------------------------------- CLI


def test_cli_template(tmp_path, capsys):
    assert main(["template", "--out", str(tmp_path / "sheet.pdf")]) == 0
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF")
    assert "10 rows (1234567890) of 10 boxes" in capsys.readouterr().out
    png = tmp_path / "sheet.png"
    assert main(["template", "--out", str(png), "--digits", "0123", "--repeats", "6",
                 "--dpi", "150"]) == 0
    image = read_image(png)
    assert image.shape == (1754, 1240)
    assert load_sheet(image).empty_cells == [(r, c) for r in range(4) for c in range(6)]
    assert main(["template", "--out", str(tmp_path / "x.pdf"), "--digits", "12x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ocrkit: error: digits must be") and err.count("\n") == 1

