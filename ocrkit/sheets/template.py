"""A printable handwriting sheet: a grid of boxes, row digits and corner markers.

The page is A4 portrait.  Each row of boxes is labelled at its left with the
digit to write in it, twice: printed large for the learner, and as a small
ArUco marker whose id is that digit, for the loader.  Four ArUco markers in
the corners let :func:`ocrkit.sheets.load_sheet` undo the perspective of a
phone photo, and their ids also encode how many rows and boxes the grid has,
so a sheet always describes itself.

Marker ids (OpenCV's ``DICT_4X4_1000``)::

    corner marker  4 * ((rows - 1) * MAX_REPEATS + (repeats - 1)) + corner
                   corner: 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left
    row marker     ROW_TAG_BASE + digit

Every length is in millimetres on paper and converted at the chosen dpi, so a
template can be drawn at any resolution.
"""

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..errors import OptionError
from ..render import draw_box, put_text, text_size

__all__ = [
    "CORNER_NAMES",
    "MAX_REPEATS",
    "MAX_ROWS",
    "ROW_TAG_BASE",
    "TemplateLayout",
    "decode_marker_id",
    "make_template",
    "marker_dictionary",
    "save_template",
    "template_layout",
]

PAGE_MM = (210.0, 297.0)  # A4 portrait
MARGIN_MM = 10.0  # most printers cannot print closer to the edge
MARKER_MM = 16.0
LINE_MM = 0.3  # box outlines: thin and grey, so they are not mistaken for ink
LINE_GREY = 150
BOX_FILL = 0.86  # share of a cell's pitch the box takes; the rest is the gap
# The grid: right of the row labels, between the title and the bottom markers.
GRID_MM = (36.0, 32.0, 200.0, 267.0)  # x0, y0, x1, y1
LABEL_X_MM = (11.0, 21.0)  # printed row digit
TAG_X_MM = (24.0, 32.0)  # row marker
TITLE_MM = (30.0, 10.0, 180.0, 29.0)  # between the top markers

#: Largest grid the corner markers can describe.
MAX_ROWS = 20
MAX_REPEATS = 12
#: Id of the row marker of digit 0; digit d has ``ROW_TAG_BASE + d``.
ROW_TAG_BASE = 960
#: Names of the corners, in the order of the corner markers' ids.
CORNER_NAMES = ("top-left", "top-right", "bottom-right", "bottom-left")
_DICT = cv2.aruco.DICT_4X4_1000


def marker_dictionary():
    """The ArUco dictionary of the template's markers (4x4 bits, 1000 ids)."""
    return cv2.aruco.getPredefinedDictionary(_DICT)


def _corner_ids(rows, repeats):
    code = (rows - 1) * MAX_REPEATS + (repeats - 1)
    return tuple(4 * code + corner for corner in range(4))


def decode_marker_id(marker_id):
    """What a marker id means on a template.

    Parameters
    ----------
    marker_id : int

    Returns
    -------
    tuple
        ``('corner', rows, repeats, corner)`` for a corner marker,
        ``('row', digit)`` for a row marker, or ``None`` for an id no template
        uses.
    """
    marker_id = int(marker_id)
    if ROW_TAG_BASE <= marker_id < ROW_TAG_BASE + 10:
        return ("row", marker_id - ROW_TAG_BASE)
    code, corner = divmod(marker_id, 4)
    rows, repeats = divmod(code, MAX_REPEATS)
    if 0 <= marker_id < ROW_TAG_BASE and rows < MAX_ROWS:
        return ("corner", rows + 1, repeats + 1, corner)
    return None


@dataclass(frozen=True, eq=False)
class TemplateLayout:
    """Where everything is on a template page, in page pixels at ``dpi``.

    Attributes
    ----------
    digits : str
        The digit of each row, top to bottom.
    repeats : int
        Boxes per row.
    dpi : float
    size : (int, int)
        Page ``(width, height)`` in pixels.
    cells : (rows, repeats, 4) int ndarray
        ``x, y, w, h`` of each box, the box's outline included.
    markers : (4, 4, 2) float ndarray
        Corners of the four corner markers, in the order of ``CORNER_NAMES``;
        each marker's corners run clockwise from its top-left, as OpenCV's
        ArUco detector reports them.
    marker_ids : (4,) tuple of int
    row_tags : (rows, 4) int ndarray
        ``x, y, w, h`` of each row's marker.
    row_labels : (rows, 4) int ndarray
        ``x, y, w, h`` of each row's printed digit.
    line_width : int
        Width of the box outlines, px.
    """

    digits: str
    repeats: int
    dpi: float
    size: tuple
    cells: np.ndarray
    markers: np.ndarray
    marker_ids: tuple
    row_tags: np.ndarray
    row_labels: np.ndarray
    line_width: int

    @property
    def rows(self):
        """Number of rows."""
        return len(self.digits)

    @property
    def grid_box(self):
        """``x, y, w, h`` of the box around all cells."""
        cells = self.cells.reshape(-1, 4)
        x0, y0 = cells[:, :2].min(axis=0)
        x1, y1 = (cells[:, :2] + cells[:, 2:]).max(axis=0)
        return np.array([x0, y0, x1 - x0, y1 - y0])

    def cell_boxes(self):
        """``(rows * repeats, 4)`` boxes, row by row, and their (row, column) indices."""
        rows, cols = np.divmod(np.arange(self.rows * self.repeats), self.repeats)
        return self.cells.reshape(-1, 4), rows, cols

    def __repr__(self):
        return (f"TemplateLayout(digits={self.digits!r}, repeats={self.repeats}, "
                f"dpi={self.dpi:g}, size={self.size})")


def _check(digits, repeats, dpi):
    if not isinstance(digits, str) or not digits.isdigit() or not digits.isascii():
        raise OptionError(f"digits must be a string of the digits 0-9, one per row, got {digits!r}")
    if not 1 <= len(digits) <= MAX_ROWS:
        raise OptionError(f"a template holds 1 to {MAX_ROWS} rows; got {len(digits)} digits")
    if isinstance(repeats, bool) or not isinstance(repeats, (int, np.integer)) or not (
            1 <= repeats <= MAX_REPEATS):
        raise OptionError(f"repeats must be an int from 1 to {MAX_REPEATS}, got {repeats!r}")
    if not 100 <= dpi <= 600:
        raise OptionError(f"dpi must be 100-600 (markers need about 100), got {dpi}")


def template_layout(*, digits="1234567890", repeats=10, dpi=300):
    """Layout of a template, without drawing it.

    Parameters
    ----------
    digits : str
        The digit of each row, top to bottom (1 to ``MAX_ROWS`` of them; a
        digit may appear in several rows).
    repeats : int
        Boxes per row, 1 to ``MAX_REPEATS``.
    dpi : float
        Resolution, 100-600.

    Returns
    -------
    TemplateLayout
    """
    _check(digits, repeats, dpi)
    px = dpi / 25.4
    size = (int(round(PAGE_MM[0] * px)), int(round(PAGE_MM[1] * px)))
    rows = len(digits)
    x0, y0, x1, y1 = GRID_MM
    pitch_x, pitch_y = (x1 - x0) / repeats, (y1 - y0) / rows
    box_h = min(BOX_FILL * pitch_y, 1.6 * BOX_FILL * pitch_x)
    box_w = min(BOX_FILL * pitch_x, box_h)
    # With few rows or boxes, keep boxes of handwriting size, packed from the top-left.
    pitch_x, pitch_y = min(pitch_x, box_w / BOX_FILL), min(pitch_y, box_h / BOX_FILL)
    cells = np.zeros((rows, repeats, 4), int)
    for r in range(rows):
        for c in range(repeats):
            x = x0 + c * pitch_x + (pitch_x - box_w) / 2
            y = y0 + r * pitch_y + (pitch_y - box_h) / 2
            cells[r, c] = np.round(np.array([x, y, box_w, box_h]) * px)
    centres = y0 + (np.arange(rows) + 0.5) * pitch_y
    label_h = min(0.6 * box_h, 9.0)
    row_labels = np.round(np.stack([
        np.full(rows, LABEL_X_MM[0]), centres - label_h / 2,
        np.full(rows, LABEL_X_MM[1] - LABEL_X_MM[0]), np.full(rows, label_h)], 1) * px).astype(int)
    tag = min(TAG_X_MM[1] - TAG_X_MM[0], 0.5 * box_h)
    tag_px = int(round(tag * px))
    row_tags = np.stack([
        np.full(rows, int(round(TAG_X_MM[0] * px))),
        np.round((centres - tag / 2) * px).astype(int),
        np.full(rows, tag_px), np.full(rows, tag_px)], 1)
    side = int(round(MARKER_MM * px))
    m = int(round(MARGIN_MM * px))
    origins = [(m, m), (size[0] - m - side, m), (size[0] - m - side, size[1] - m - side),
               (m, size[1] - m - side)]
    # The detector reports the centres of the marker's outermost pixels.
    square = np.float64([[0, 0], [side - 1, 0], [side - 1, side - 1], [0, side - 1]])
    markers = np.stack([square + origin for origin in origins])
    return TemplateLayout(digits, int(repeats), float(dpi), size, cells, markers,
                          _corner_ids(rows, repeats), row_tags, row_labels,
                          max(1, int(round(LINE_MM * px))))


def _put_marker(page, marker_id, x, y, side):
    page[y:y + side, x:x + side] = cv2.aruco.generateImageMarker(
        marker_dictionary(), int(marker_id), int(side))


def _text_lines(text, height, max_width, thickness):
    """``text`` wrapped to lines at most ``max_width`` px wide, written ``height`` px tall."""
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and text_size(trial, height=height, thickness=thickness)[0][0] > max_width:
            lines.append(current)
            current = word
        else:
            current = trial
    return [*lines, current]


def _draw_title(page, layout):
    px = layout.dpi / 25.4
    x0, y0, x1, _ = (v * px for v in TITLE_MM)
    digits, repeats = layout.digits, layout.repeats
    blocks = [
        ("ocrkit handwriting sheet", 4.2, 2),
        ("In every box of a row, write the digit printed at the left of that row: one digit "
         "per box, inside its lines, in dark pen. Leave a box empty rather than cross out.",
         2.2, 1),
        ("Scan the page, or photograph it flat from above with all four corner squares in view. "
         f"Rows {digits}, {repeats} boxes each: ocrkit train --sheet PHOTO --order {digits} "
         f"--repeats {repeats} --out MODEL", 2.2, 1),
    ]
    y = y0
    for text, height_mm, weight in blocks:
        thickness = max(1, int(round(weight * 0.12 * height_mm * px / 3)))
        for line in _text_lines(text, height_mm * px, x1 - x0, thickness):
            y += height_mm * px
            put_text(page, line, (x0, y), height=height_mm * px, colour=0, thickness=thickness)
            y += 0.6 * height_mm * px


def make_template(*, digits="1234567890", repeats=10, dpi=300):
    """Draw a printable handwriting sheet.

    Parameters
    ----------
    digits : str
        The digit of each row, top to bottom.
    repeats : int
        Boxes per row.
    dpi : float
        Resolution; A4 at 300 dpi is 2480 x 3508 pixels.

    Returns
    -------
    image : (H, W) uint8 ndarray
        White page, black print, grey box outlines.
    layout : TemplateLayout
        Where the boxes and markers are, for :func:`ocrkit.sheets.load_sheet`.

    Examples
    --------
    >>> image, layout = make_template(digits="0123", repeats=5, dpi=100)
    >>> image.shape, layout.cells.shape
    ((1169, 827), (4, 5, 4))
    """
    layout = template_layout(digits=digits, repeats=repeats, dpi=dpi)
    width, height = layout.size
    page = np.full((height, width), 255, np.uint8)
    for marker_id, corners in zip(layout.marker_ids, layout.markers):
        x, y = corners[0].astype(int)
        _put_marker(page, marker_id, x, y, int(corners[1, 0] - corners[0, 0]) + 1)
    for cell in layout.cells.reshape(-1, 4):
        # Inside the box, so that (x, y, w, h) is the outline's outer edge.
        draw_box(page, cell, LINE_GREY, layout.line_width, inside=True)
    for digit, (x, y, w, h), (tx, ty, side, _) in zip(layout.digits, layout.row_labels,
                                                      layout.row_tags):
        thickness = max(1, int(round(h / 9)))
        (tw, _), _ = text_size(digit, height=h, thickness=thickness)
        put_text(page, digit, (x + (w - tw) / 2, y + h), height=h, colour=0, thickness=thickness)
        _put_marker(page, ROW_TAG_BASE + int(digit), tx, ty, side)
    _draw_title(page, layout)
    return page, layout


def save_template(image, path, *, dpi=300):
    """Write a template as PDF (one page, the image filling it) or PNG.

    Parameters
    ----------
    image : (H, W) uint8 ndarray
        From :func:`make_template`.
    path : str or Path
        ``.pdf`` or ``.png``.
    dpi : float
        The dpi the image was drawn at; sets the PDF page size, so that the
        page of :func:`make_template` prints as A4 (``W / dpi`` by ``H / dpi``
        inches).

    Returns
    -------
    Path
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".png"):
        raise OptionError(f"{path}: save a template as .pdf or .png")
    image = np.asarray(image)
    if image.ndim != 2 or image.dtype != np.uint8:
        raise OptionError(f"image must be (H, W) uint8 from make_template, got {image.shape}")
    if suffix == ".png":
        from ..imageio import write_image

        write_image(path, image)
        return path
    from PIL import Image

    # Pillow stores a grey page as JPEG; at quality 100 every pixel stays
    # within one grey level of the template, so the printed lines and markers
    # are as drawn.
    Image.fromarray(image).save(path, "PDF", resolution=float(dpi), quality=100)
    return path
