"""Reading a printed template: markers, perspective, row digits, the ink of each box.

The four corner markers give the perspective (:func:`cv2.findHomography` from
their 16 corners) and, by their ids, the size of the grid; the page is warped
flat at a resolution near the photo's own; each row's marker says its digit.
Each box's ink is taken with its printed outline masked out and labelled by
the box it is in, so a box left empty or a stray mark can never shift a label.
A stroke that runs over its box's outline stays with its digit; ink outside
every box is reported as stray.
"""

from dataclasses import replace

import cv2
import numpy as np

from ..errors import SheetError
from ..ink import page_ink
from ..normalize import normalize_digits
from ..preprocess import estimate_stroke_width, remove_specks
from .sheet import MIN_MARK, Sheet, _prefix
from .template import CORNER_NAMES, MARKER_MM, decode_marker_id, marker_dictionary
from .template import template_layout as _template_layout

__all__ = ["find_markers", "corner_markers", "read_template"]

# Box outline tolerance, as a share of the box's shorter side: the outline is
# masked this much wider on each side, for a photo's blur and registration.
OUTLINE_TOLERANCE = 0.035
# Longest side of the copy the markers are searched on, px.
MARKER_SEARCH_PX = 2000
# A corner marker's side is at least this share of the image's shorter side
# (16 mm of a 210 mm page photographed with wide borders).
MIN_MARKER_SHARE = 0.02


def find_markers(grey):
    """ArUco markers of the template dictionary in an image.

    Parameters
    ----------
    grey : (M, N) uint8 ndarray
        Dark print on light paper.

    Returns
    -------
    dict of int to (4, 2) float ndarray
        Corners of each marker found, by id.
    """
    grey = np.ascontiguousarray(grey)
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    detector = cv2.aruco.ArucoDetector(marker_dictionary(), params)
    # Markers are large: find them on a copy of at most ~2000 px (several
    # times faster on a phone photo), then refine the corners at full size.
    scale = min(1.0, MARKER_SEARCH_PX / max(grey.shape))
    small = grey if scale == 1.0 else cv2.resize(grey, None, fx=scale, fy=scale,
                                                 interpolation=cv2.INTER_AREA)
    corners, ids, _ = detector.detectMarkers(small)
    if ids is None:
        return {}
    found = {}
    for marker_id, c in zip(ids.ravel(), corners):
        c = (c.reshape(4, 2) + 0.5) / scale - 0.5
        if scale < 1.0:
            window = max(2, int(round(1.5 / scale)))
            criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.05)
            c = cv2.cornerSubPix(grey, c.astype(np.float32).reshape(-1, 1, 2),
                                 (window, window), (-1, -1), criteria).reshape(4, 2)
        found[int(marker_id)] = c.astype(np.float64)
    return found


def corner_markers(markers, layout, shape):
    """The corner markers of one template: {corner: corners}, (rows, repeats)."""
    groups = {}
    for marker_id, corners in markers.items():
        side = np.linalg.norm(np.diff(corners, axis=0, append=corners[:1]), axis=1).mean()
        if side < MIN_MARKER_SHARE * min(shape[:2]):
            continue  # far too small for a corner square: a chance pattern in the writing
        meaning = decode_marker_id(marker_id)
        if meaning and meaning[0] == "corner":
            _, rows, repeats, corner = meaning
            groups.setdefault((rows, repeats), {})[corner] = corners
    if layout is not None:
        key = (layout.rows, layout.repeats)
        return groups.get(key, {}), key
    if not groups:
        return {}, None
    key = max(groups, key=lambda k: len(groups[k]))
    return groups[key], key


def _missing_markers(found, name):
    seen = ", ".join(CORNER_NAMES[c] for c in sorted(found)) or "none"
    missing = ", ".join(CORNER_NAMES[c] for c in range(4) if c not in found)
    return SheetError(
        f"{_prefix(name)}found the template's corner squares {seen}, but not {missing}: "
        "photograph or scan the whole page, flat and in focus, with all four corner squares "
        "visible and uncovered"
    )


def _row_digits(page_grey, layout):
    """Digit of each row read from its row marker, or None where unreadable."""
    x, y, w, h = layout.grid_box
    strip = page_grey[:, : max(1, x)]
    found = find_markers(strip)
    centres = layout.row_tags[:, 1] + layout.row_tags[:, 3] / 2
    pitch = np.diff(centres).min() if layout.rows > 1 else float(layout.row_tags[0, 3])
    digits = [None] * layout.rows
    for marker_id, corners in found.items():
        meaning = decode_marker_id(marker_id)
        if not meaning or meaning[0] != "row":
            continue
        row = int(np.argmin(np.abs(centres - corners[:, 1].mean())))
        if abs(centres[row] - corners[:, 1].mean()) < pitch / 2:
            digits[row] = str(meaning[1])
    return digits


def _resolve_order(tags, order, name):
    """The rows' digits: the sheet's own markers, checked against ``order``."""
    if order is not None:
        wrong = [f"row {r + 1} is for {t}, not {o}"
                 for r, (t, o) in enumerate(zip(tags, order)) if t is not None and t != o]
        if wrong:
            printed = "".join(t or "?" for t in tags)
            raise SheetError(
                f"{_prefix(name)}the sheet's rows are printed for {printed} but order is "
                f"{order} ({'; '.join(wrong[:3])}); give the order printed on the sheet, "
                "or leave order out"
            )
        return order
    missing = [str(r + 1) for r, t in enumerate(tags) if t is None]
    if missing:
        raise SheetError(
            f"{_prefix(name)}cannot read the row markers of row(s) {', '.join(missing)}; "
            "give order= (--order) with the digits printed at the row starts, top to bottom"
        )
    return "".join(tags)


def _stray_zone(shape, layout, half_gap):
    """Where ink may be a digit or stray: around the grid, clear of print and page edges.

    Returns the zone's bounding rectangle (x0, y0, x1, y1) and its mask inside it.
    """
    gx, gy, gw, gh = layout.grid_box
    px = layout.dpi / 25.4
    reach = int(0.5 * layout.cells[0, 0, 3])
    edge = int(5 * px)
    x0, y0 = max(0, gx - half_gap), max(0, gy - half_gap)
    x1, y1 = min(gx + gw + reach, shape[1] - edge), min(gy + gh + reach, shape[0] - edge)
    zone = np.ones((y1 - y0, x1 - x0), bool)
    for corners in layout.markers:
        (mx0, my0), (mx1, my1) = corners.min(axis=0) - px, corners.max(axis=0) + px
        zone[max(0, int(my0) - y0):max(0, int(my1) + 1 - y0),
             max(0, int(mx0) - x0):max(0, int(mx1) + 1 - x0)] = False
    return (x0, y0, x1, y1), zone


def _outline_masks(shape, cells, line_width, tol):
    """The box outlines widened by ``tol`` each side, and by ``3 * tol``."""
    band = np.zeros(shape, np.uint8)
    wide = np.zeros(shape, np.uint8)
    half = line_width // 2
    # Boxes may start left of or above the zone (negative coordinates): OpenCV clips.
    for x, y, w, h in cells:
        corners = ((int(x + half), int(y + half)), (int(x + w - 1 - half), int(y + h - 1 - half)))
        cv2.rectangle(band, *corners, 1, line_width + 2 * tol)
        cv2.rectangle(wide, *corners, 1, line_width + 6 * tol)
    return band.astype(bool), wide.astype(bool)


def _across_outline(labels, stats, comp, owner, band, reach):
    """Cell whose ink lies across a box outline from component ``comp``, or -1.

    A digit that runs over its box's outline is cut in two by the masked
    outline; the piece outside faces the digit's ink across the outline.
    """
    x, y, w, h = stats[comp, :4]
    y0, x0 = max(0, y - reach), max(0, x - reach)
    window = labels[y0:y + h + reach, x0:x + w + reach]
    mine = (window == comp).astype(np.uint8)
    touch = cv2.dilate(mine, np.ones((5, 5), np.uint8)).astype(bool)
    if not (touch & band[y0:y + h + reach, x0:x + w + reach]).any():
        return -1  # clear of every outline: not part of a digit
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1,) * 2)
    near = cv2.dilate(mine, kernel).astype(bool)
    cells = owner[window[near]]
    cells = cells[cells >= 0]
    return int(np.bincount(cells).argmax()) if cells.size else -1


def _cell_ink(ink, layout):
    """Split a flat template's ink into the boxes' digits, empty boxes and stray ink.

    Returns (mask by cell, box by cell, both None where empty; stray boxes).
    """
    cells, _, _ = layout.cell_boxes()
    short = float(min(cells[0, 2], cells[0, 3]))
    tol = max(1, int(round(OUTLINE_TOLERANCE * short)))
    lw = layout.line_width
    gaps = [short * 0.15]
    if layout.repeats > 1:
        gaps.append(layout.cells[0, 1, 0] - layout.cells[0, 0, 0] - layout.cells[0, 0, 2])
    if layout.rows > 1:
        gaps.append(layout.cells[1, 0, 1] - layout.cells[0, 0, 1] - layout.cells[0, 0, 3])
    half_gap = max(1, int(min(gaps) // 2))
    # Work inside the zone around the grid only; boxes are shifted back at the end.
    (x0, y0, x1, y1), zone = _stray_zone(ink.shape, layout, half_gap)
    offset = np.array([x0, y0, 0, 0])
    cells = cells - offset
    band, wide = _outline_masks(zone.shape, cells, lw, tol)
    clean = ink[y0:y1, x0:x1] & zone & ~band
    clean = remove_specks(clean, stroke_width=estimate_stroke_width(clean))
    n_labels, labels, stats, _ = cv2.connectedComponentsWithStats(clean.view(np.uint8),
                                                                  connectivity=8)
    inset = lw + tol
    # Pixels of each component inside each box (its outline and tolerance left out).
    in_cell = np.stack([np.bincount(labels[y + inset:y + h - inset, x + inset:x + w - inset]
                                    .ravel(), minlength=n_labels) for x, y, w, h in cells], 1)
    on_outline = np.bincount(labels[wide], minlength=n_labels)
    area = stats[:, cv2.CC_STAT_AREA].astype(float)
    extent = stats[:, [cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT]]
    owner = np.full(n_labels, -1)
    leftovers = []
    for comp in range(1, n_labels):
        best = int(np.argmax(in_cell[comp]))
        if in_cell[comp, best] >= 0.5 * area[comp]:
            owner[comp] = best
        elif not (on_outline[comp] >= 0.9 * area[comp]
                  and extent[comp].max() >= 4 * max(extent[comp].min(), 1)):
            leftovers.append(comp)  # else: remains of an outline the mask missed
    stray = []
    for comp in leftovers:
        cell = _across_outline(labels, stats, comp, owner, band, 2 * (lw + 2 * tol))
        if cell >= 0:
            owner[comp] = cell
        elif extent[comp].max() >= MIN_MARK * cells[0, 3]:
            stray.append(stats[comp, :4] + offset)
    masks, boxes = [], []
    for k in range(len(cells)):
        members = np.flatnonzero(owner == k)
        if members.size:
            bx0, by0 = stats[members, :2].min(axis=0)
            bx1, by1 = (stats[members, :2] + stats[members, 2:4]).max(axis=0)
        if members.size == 0 or max(bx1 - bx0, by1 - by0) < MIN_MARK * cells[k, 3]:
            masks.append(None)  # nothing, or only a dot: the box counts as empty
            boxes.append(None)
            continue
        masks.append(np.isin(labels[by0:by1, bx0:bx1], members))
        boxes.append(np.array([bx0, by0, bx1 - bx0, by1 - by0]) + offset)
    return masks, boxes, np.array(stray, int).reshape(-1, 4)


def _working_dpi(found):
    """A resolution near the photo's own for the flat page, 150-300 dpi."""
    sides = [np.linalg.norm(np.diff(c, axis=0, append=c[:1]), axis=1).mean()
             for c in found.values()]
    dpi = float(np.mean(sides)) / MARKER_MM * 25.4
    return float(np.clip(round(dpi / 25) * 25, 150, 300))


def read_template(image, markers, layout, order, repeats, method, name):
    """Load a template sheet (see :func:`ocrkit.sheets.load_sheet`).

    ``markers`` are those :func:`find_markers` found in ``image``; ``layout``
    is the expected template, or None to take it from the corner markers.
    """
    found, key = corner_markers(markers, layout, image.shape)
    if len(found) < 3:
        raise _missing_markers(found, name)
    rows, boxes_per_row = key
    if repeats is not None and repeats != boxes_per_row:
        raise SheetError(
            f"{_prefix(name)}this template has {boxes_per_row} boxes per row, not "
            f"repeats={repeats}; give --repeats {boxes_per_row} or leave it out"
        )
    if order is not None and len(order) != rows:
        raise SheetError(
            f"{_prefix(name)}this template has {rows} rows but order {order!r} has "
            f"{len(order)} digits; give the {rows} digits printed at the row starts"
        )
    if layout is not None and order is None:
        order = layout.digits  # the template given says what its rows are for
    if layout is None:
        layout = _template_layout(digits="0" * rows, repeats=boxes_per_row,
                                  dpi=_working_dpi(found))
    src = np.concatenate([found[c] for c in sorted(found)])
    dst = np.concatenate([layout.markers[c] for c in sorted(found)])
    matrix, _ = cv2.findHomography(src, dst, 0)
    if matrix is None:
        raise _missing_markers({}, name)
    # The 12 or 16 corners must agree on one flat page.
    error = np.abs(cv2.perspectiveTransform(src[None], matrix)[0] - dst).max()
    if error > 0.25 * MARKER_MM * layout.dpi / 25.4:
        raise SheetError(
            f"{_prefix(name)}the corner squares do not lie on one flat page (off by "
            f"{error / layout.dpi * 25.4:.0f} mm): lay the sheet flat and photograph it again"
        )
    rgb = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    page = cv2.warpPerspective(np.ascontiguousarray(rgb[..., :3]), matrix, layout.size,
                               flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                               borderValue=(255, 255, 255))
    # The page mapped onto its layout is all paper, read at full size.
    prepared = page_ink(page, method=method, scale=1, look_for_sheet=False)
    order = _resolve_order(_row_digits(prepared.grey, layout), order, name)
    layout = replace(layout, digits=order)
    ink = prepared.ink
    masks, boxes, stray = _cell_ink(ink, layout)
    _, cell_rows, cell_cols = layout.cell_boxes()
    keep = [k for k, box in enumerate(boxes) if box is not None]
    digits = normalize_digits([masks[k] for k in keep])
    labels = np.array([int(order[cell_rows[k]]) for k in keep], int)
    empty = [(int(cell_rows[k]), int(cell_cols[k])) for k, box in enumerate(boxes) if box is None]
    return Sheet(digits, labels, np.array([boxes[k] for k in keep], int).reshape(-1, 4),
                 cell_rows[keep], cell_cols[keep], order, layout.repeats, "template", page,
                 empty_cells=empty, stray_ink=stray, homography=np.linalg.inv(matrix),
                 name=name or "<array>", layout=layout)
