"""Reading a free-form sheet: rows written freely, one digit per row.

The digits are segmented (:func:`ocrkit.segment.segment_digits`, without
splitting: digits on a sheet stand apart) and grouped into rows that may slope
(:func:`ocrkit.sheets.rows.group_rows`).  Pieces of one digit that the
segmentation left apart are joined: in a row, digits stand side by side.
Every row must then hold exactly ``repeats`` digits and there must be one row
per digit of ``order``; otherwise :class:`~ocrkit.errors.SheetError` names the
rows that are off and carries a picture of what was found.
"""

import cv2
import numpy as np

from ..errors import SheetError
from ..ink import page_ink
from ..normalize import normalize_digits
from ..preprocess import remove_specks
from ..segment import segment_digits
from .overlay import draw_sheet_overlay
from .rows import group_rows
from .sheet import MIN_MARK, Sheet, _prefix

__all__ = ["read_free_form"]

# A "digit" with less ink than this share of the median digit's is dust.
SPECK_SHARE = 0.12
# Ink this close to the image's edge (a share of its shorter side) is not a digit.
EDGE_SHARE = 0.01


def _count_problems(rows, n_rows, repeats, order):
    counts = np.bincount(rows, minlength=n_rows)
    if n_rows != len(order):
        listed = ", ".join(str(int(c)) for c in counts)
        return (f"found {n_rows} rows of digits, expected {len(order)} (one per digit of "
                f"order {order}); the rows hold {listed} digits"), counts
    wrong = [f"row {r + 1} has {int(c)} digit{'s' if c != 1 else ''}, expected {repeats}"
             for r, c in enumerate(counts) if c != repeats]
    return "; ".join(wrong), counts


def _row_groups(boxes, members, digit_height):
    """Split one row's boxes (left to right) into groups, each one digit."""
    groups = [[members[0]]]
    for i in members[1:]:
        union = _union(boxes[groups[-1]])
        overlap = min(union[0] + union[2], boxes[i, 0] + boxes[i, 2]) - max(union[0], boxes[i, 0])
        if overlap >= 0.3 * min(union[2], boxes[i, 2]):
            groups[-1].append(i)
        else:
            groups.append([i])
    if len(groups) < 3:
        return groups
    # Digits on a sheet are spaced evenly; two boxes much closer than the
    # row's spacing, and together no wider than a digit, are one digit.
    centres = np.array([_union(boxes[g])[0] + _union(boxes[g])[2] / 2 for g in groups])
    pitch = float(np.median(np.diff(centres)))
    merged = [groups[0]]
    for group in groups[1:]:
        union = _union(boxes[merged[-1] + group])
        last = _union(boxes[merged[-1]])
        this = _union(boxes[group])
        distance = (this[0] + this[2] / 2) - (last[0] + last[2] / 2)
        if distance < 0.4 * pitch and union[2] <= digit_height:
            merged[-1] = merged[-1] + group
        else:
            merged.append(group)
    return merged


def _merge_row_pieces(boxes, masks, rows, cols, digit_height):
    """Join boxes of one row that are pieces of one digit.

    On a sheet, the digits of a row stand side by side at an even spacing, so
    two boxes of a row that share much of their width, or that stand much
    closer than the spacing, are parts of one digit (a pencil stroke that
    broke up) which the page segmentation left apart.
    """
    keep_boxes, keep_masks, keep_rows = [], [], []
    for row in np.unique(rows):
        members = np.flatnonzero(rows == row)
        members = members[np.argsort(cols[members])]
        for group in _row_groups(boxes, members, digit_height):
            box = _union(boxes[group])
            mask = np.zeros((box[3], box[2]), bool)
            for j in group:
                x, y, w, h = boxes[j] - (box[0], box[1], 0, 0)
                mask[y:y + h, x:x + w] |= masks[j]
            keep_boxes.append(box)
            keep_masks.append(mask)
            keep_rows.append(row)
    return np.array(keep_boxes, int).reshape(-1, 4), keep_masks, np.array(keep_rows, int)


def _union(boxes):
    boxes = np.asarray(boxes).reshape(-1, 4)
    x0, y0 = boxes[:, :2].min(axis=0)
    x1, y1 = (boxes[:, :2] + boxes[:, 2:]).max(axis=0)
    return np.array([x0, y0, x1 - x0, y1 - y0])


def read_free_form(image, order, repeats, method, name):
    """Load a free-form sheet (see :func:`ocrkit.sheets.load_sheet`).

    Raises :class:`SheetError` with an ``overlay`` unless the digits come out
    as ``len(order)`` rows of ``repeats``.
    """
    # The sheet is the whole image, read at full size: its boxes are the image's.
    ink = remove_specks(page_ink(image, method=method, scale=1, look_for_sheet=False).ink)
    # Digits on a sheet stand apart: no splitting, which could cut a wide 0 in two.
    found = segment_digits(ink, merge=True, split=False)
    page = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    page = np.ascontiguousarray(page[..., :3])
    if len(found) == 0:
        raise SheetError(f"{_prefix(name)}no digits found on the sheet (is it blank, or "
                         "very faint?)")
    # Dust that survived as a "digit" has a small share of a digit's ink: the
    # thinnest digit, a 1, has about a third of the median digit's.
    ink_area = np.array([m.sum() for m in found.masks], float)
    small = ink_area < SPECK_SHARE * np.median(ink_area)
    # Ink at the image's edge is the desk, the paper's edge or a digit cut off.
    x, y, w, h = found.boxes.T
    rows_px, cols_px = image.shape[:2]
    edge = EDGE_SHARE * min(rows_px, cols_px)
    at_edge = (x < edge) | (y < edge) | (x + w > cols_px - edge) | (y + h > rows_px - edge)
    dropped = [(tuple(b), "too little ink for a digit") for b in found.boxes[small]]
    dropped += [(tuple(b), "at the image edge") for b in found.boxes[at_edge & ~small]]
    keep = ~(small | at_edge)
    if not keep.any():
        raise SheetError(f"{_prefix(name)}no digits found on the sheet (is it blank, or "
                         "very faint?)")
    found_boxes = found.boxes[keep]
    found_masks = [m for m, k in zip(found.masks, keep) if k]
    rows, cols, slope = group_rows(found_boxes, digit_height=found.digit_height)
    boxes, masks, rows = _merge_row_pieces(found_boxes, found_masks, rows, cols,
                                           found.digit_height)
    rows, cols, slope = group_rows(boxes, digit_height=found.digit_height, slope=slope)
    n_rows = int(rows.max()) + 1
    problem, counts = _count_problems(rows, n_rows, repeats, order)
    if problem:
        bad = {r for r in range(n_rows) if counts[r] != repeats or n_rows != len(order)}
        notes = {r: f"row {r + 1}: {int(counts[r])}" for r in range(n_rows)}
        overlay = draw_sheet_overlay(page, boxes, np.full(len(rows), -1), rows,
                                     row_notes=notes, bad_rows=bad)
        error = SheetError(
            f"{_prefix(name)}{problem}; nothing was labelled (the overlay shows the rows found: "
            "rewrite or erase the digits of those rows, or give order/repeats as written)"
        )
        error.overlay = overlay
        raise error
    sort = np.lexsort((cols, rows))
    labels = np.array([int(order[r]) for r in rows[sort]], int)
    digits = normalize_digits([masks[i] for i in sort])
    stray = np.array([box for box, reason in found.dropped + dropped
                      if reason != "page border or shadow"
                      and max(box[2], box[3]) >= MIN_MARK * found.digit_height],
                     int).reshape(-1, 4)
    return Sheet(digits, labels, boxes[sort], rows[sort], cols[sort], order, repeats,
                 "free-form", page, stray_ink=stray, slope=slope, name=name or "<array>")
