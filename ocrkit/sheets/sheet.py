"""The result of loading a sheet: labelled digits and where they were found."""

from dataclasses import dataclass, field

import cv2
import numpy as np

from .overlay import draw_sheet_overlay
from .template import TemplateLayout

__all__ = ["MIN_MARK", "Sheet"]

#: Ink whose box is smaller than this share of a digit's (or a template box's)
#: height is neither a digit nor stray ink: a dot, dust.
MIN_MARK = 0.15


@dataclass
class Sheet:
    """Labelled digits read from a sheet.

    Attributes
    ----------
    digits : (N, 28, 28) uint8 ndarray
        Normalised like MNIST (:func:`ocrkit.normalize.normalize_digit`).
    labels : (N,) int ndarray
    boxes : (N, 4) int ndarray
        ``x, y, w, h`` of each digit's ink on ``page``.
    rows, cols : (N,) int ndarray
        Row (0 at the top) and position in the row (0 at the left).
    order : str
        Digit of each row, top to bottom.
    repeats : int
        Digits expected per row.
    kind : {'template', 'free-form'}
    page : (M, N, 3) uint8 ndarray
        The page the boxes refer to: a template warped flat, or the image.
    empty_cells : list of (int, int)
        (row, column) of template boxes left empty.
    stray_ink : (S, 4) int ndarray
        Boxes of ink outside every template box (or, free-form, ink that was
        not taken for a digit).
    homography : (3, 3) ndarray or None
        Maps ``page`` pixels to the input image's (templates only).
    slope : float
        Slope of the rows, degrees (free-form).
    name : str
    layout : TemplateLayout or None
        The template, at the resolution of ``page`` (templates only).
    """

    digits: np.ndarray
    labels: np.ndarray
    boxes: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    order: str
    repeats: int
    kind: str
    page: np.ndarray
    empty_cells: list = field(default_factory=list)
    stray_ink: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), int))
    homography: np.ndarray | None = None
    slope: float = 0.0
    name: str = "<array>"
    layout: TemplateLayout | None = None

    def __len__(self):
        return len(self.labels)

    def overlay(self):
        """The page with each digit's box coloured by row and labelled: (M, N, 3) uint8.

        Empty template boxes are crossed in orange, stray ink boxed in red.
        """
        empty = [self.layout.cells[r, c] for r, c in self.empty_cells] if self.layout else []
        return draw_sheet_overlay(self.page, self.boxes, self.labels, self.rows,
                                  empty=empty, stray=self.stray_ink)

    def to_image(self, boxes):
        """Boxes on ``page`` mapped to the input image: (K, 4) int ndarray.

        For a template, each box becomes the upright box around its corners
        as seen in the photo; a free-form page is the image itself.
        """
        boxes = np.asarray(boxes, int).reshape(-1, 4)
        if self.homography is None:
            return boxes.copy()
        return _map_boxes(boxes, self.homography)

    def image_boxes(self):
        """``boxes`` in the input image's pixels: (N, 4) int ndarray."""
        return self.to_image(self.boxes)

    def summary(self):
        """One line: how many digits, and any empty boxes or stray ink."""
        text = (f"{self.name}: {self.kind} sheet, {len(self)} digits in {len(self.order)} rows "
                f"({self.order})")
        if self.empty_cells:
            cells = ", ".join(f"row {r + 1} box {c + 1}" for r, c in self.empty_cells[:6])
            more = f" and {len(self.empty_cells) - 6} more" if len(self.empty_cells) > 6 else ""
            text += f"; empty: {cells}{more}"
        if len(self.stray_ink):
            text += f"; {len(self.stray_ink)} stray mark(s) ignored"
        return text

    def __repr__(self):
        return (f"Sheet({self.name!r}, {self.kind}, {len(self)} digits, order={self.order!r}, "
                f"empty={len(self.empty_cells)}, stray={len(self.stray_ink)})")


def _map_boxes(boxes, matrix):
    """Axis-aligned boxes around ``boxes`` mapped through a homography."""
    boxes = np.asarray(boxes, float).reshape(-1, 4)
    if len(boxes) == 0:
        return np.zeros((0, 4), int)
    x, y, w, h = boxes.T
    corners = np.stack([np.stack([x, y], 1), np.stack([x + w, y], 1),
                        np.stack([x, y + h], 1), np.stack([x + w, y + h], 1)], 1)
    mapped = cv2.perspectiveTransform(corners.reshape(1, -1, 2), matrix).reshape(-1, 4, 2)
    lo, hi = np.floor(mapped.min(axis=1)), np.ceil(mapped.max(axis=1))
    return np.concatenate([lo, hi - lo], axis=1).astype(int)


def _prefix(name):
    return f"{name}: " if name else ""
