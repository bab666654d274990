"""Where the camera stands: the homography from a sheet to the picture.

The sheet is turned in the picture by the conditions' ``rotation``, seen by
a camera tilted by ``perspective`` degrees about an axis through the middle
of the picture (a true 3-D rotation of the plane, so a tilt makes the far
side of the sheet smaller), and framed: the whole sheet at ``sheet_fill``, or
the writing zoomed until its digits are ``close_crop`` of the picture's
height.  Everything is in pixels: the sheet's (the layout rendered at the
dpi of :func:`px_per_mm_guess`) and the picture's.
"""

import cv2
import numpy as np

from ..errors import OptionError
from . import page

__all__ = [
    "FOCAL_LENGTH",
    "camera_matrix",
    "check_frame",
    "ink_boxes",
    "local_scale",
    "plane_points",
    "px_per_mm_guess",
    "sheet_mask",
    "tilt",
    "translate",
]

#: The phone camera's focal length in units of the picture's longer side
#: (about a 65-degree field of view), which sets how strongly a tilt shows.
FOCAL_LENGTH = 0.8


def px_per_mm_guess(layout, writer, conditions):
    """First guess of the picture's pixels per millimetre of the sheet.

    Parameters
    ----------
    layout : Layout
    writer : Writer
        Its ``size`` scales the digits.
    conditions : PhotoConditions
        ``size``, ``close_crop``, ``rotation`` and ``sheet_fill`` are used.

    Returns
    -------
    float
    """
    width, height = conditions.size
    digit_mm = float(np.median([line.height_mm for line in layout.lines])) * writer.size
    if conditions.close_crop is not None:
        return conditions.close_crop * height / (1.05 * digit_mm)
    w_mm, h_mm = layout.size_mm
    c, s = (
        abs(np.cos(np.radians(conditions.rotation))),
        abs(np.sin(np.radians(conditions.rotation))),
    )
    fit = min(width / (w_mm * c + h_mm * s), height / (w_mm * s + h_mm * c))
    return conditions.sheet_fill * fit


def translate(x, y):
    """Homography that shifts by (x, y).

    Parameters
    ----------
    x, y : float
        Pixels.

    Returns
    -------
    (3, 3) float64 ndarray
    """
    return np.array([[1.0, 0, x], [0, 1, y], [0, 0, 1]])


def tilt(degrees, direction, focal):
    """Homography of a plane seen by a camera tilted by ``degrees``, about the centre.

    Parameters
    ----------
    degrees : float
        The tilt.
    direction : float
        Direction of the tilt's axis in the plane, radians.
    focal : float
        Focal length, pixels.

    Returns
    -------
    (3, 3) float64 ndarray
    """
    axis = np.array([np.cos(direction), np.sin(direction), 0.0])
    r, _ = cv2.Rodrigues(axis * np.radians(degrees))
    return np.array(
        [[r[0, 0], r[0, 1], 0], [r[1, 0], r[1, 1], 0], [r[2, 0] / focal, r[2, 1] / focal, 1]]
    )


def local_scale(matrix, point):
    """Picture pixels per sheet pixel around a point of the sheet.

    Parameters
    ----------
    matrix : (3, 3) ndarray
        Homography from the sheet to the picture.
    point : (float, float)
        (x, y), sheet pixels.

    Returns
    -------
    float
        The square root of the local area scale.
    """
    x, y = point
    pts = np.float64([[[x, y], [x + 1, y], [x, y + 1]]])
    a, b, c = cv2.perspectiveTransform(pts, matrix)[0]
    (ux, uy), (vx, vy) = b - a, c - a
    return float(np.sqrt(abs(ux * vy - uy * vx)))


def ink_boxes(glyphs, matrix):
    """Where each glyph's ink lands in the picture.

    Parameters
    ----------
    glyphs : list of page._Glyph
        The written digits, in sheet pixels.
    matrix : (3, 3) ndarray
        Homography from the sheet to the picture.

    Returns
    -------
    boxes : (K, 4) float ndarray
        Unclipped (x0, y0, x1, y1) of each glyph's ink, picture pixels.
    warped : list of (coverage, x, y)
        Each glyph's warped coverage and its top-left corner.
    """
    warped = [page._warp_glyph(g, matrix) for g in glyphs]
    boxes = []
    for coverage, ox, oy in warped:
        x0, y0, x1, y1 = page._ink_box(coverage)
        boxes.append((x0 + ox, y0 + oy, x1 + ox, y1 + oy))
    return np.array(boxes, float), warped


def camera_matrix(glyphs, page_px, conditions, rng):
    """Homography from the sheet's pixels to the picture's.

    Parameters
    ----------
    glyphs : list of page._Glyph
        The written digits, in sheet pixels.
    page_px : (int, int)
        (width, height) of the sheet in pixels.
    conditions : PhotoConditions
        ``size``, ``rotation``, ``perspective``, ``close_crop`` and
        ``sheet_fill`` are used.
    rng : numpy.random.Generator
        Draws the direction of the tilt (always, even without one).

    Returns
    -------
    (3, 3) float64 ndarray
        With ``close_crop``, the writing's box is centred and the digits'
        median ink height is ``close_crop`` of the picture's height (to a
        pixel); otherwise the sheet's bounding box is centred and spans
        ``sheet_fill`` of the picture's width or height, the tighter.
    """
    width, height = conditions.size
    direction = rng.uniform(0, 2 * np.pi)
    if conditions.close_crop is not None:
        boxes = np.array([page._ink_box(g.coverage) for g in glyphs], float)
        offsets = np.array([[g.x, g.y, g.x, g.y] for g in glyphs], float)
        boxes += offsets
        anchor = (boxes[:, :2].min(axis=0) + boxes[:, 2:].max(axis=0)) / 2
    else:
        anchor = np.array(page_px, float) / 2
    turn = np.eye(3)
    turn[:2] = cv2.getRotationMatrix2D((0.0, 0.0), conditions.rotation, 1.0)
    focal = FOCAL_LENGTH * max(width, height)
    view = tilt(conditions.perspective, direction, focal) @ turn @ translate(*-anchor)
    middle = translate(width / 2, height / 2)
    if conditions.close_crop is None:
        w, h = page_px
        corners = np.float64([[0, 0], [w, 0], [w, h], [0, h]])
        mapped = cv2.perspectiveTransform(corners[None], view)[0]
        lo, hi = mapped.min(axis=0), mapped.max(axis=0)
        scale = conditions.sheet_fill / max((hi - lo)[0] / width, (hi - lo)[1] / height)
        return middle @ np.diag([scale, scale, 1.0]) @ translate(*-(lo + hi) / 2) @ view
    # Zoom until the digits' median height is the share asked for: twice,
    # since boxes grow by whole pixels.
    matrix = middle @ view
    for _ in range(2):
        boxes, _ = ink_boxes(glyphs, matrix)
        scale = conditions.close_crop * height / float(np.median(boxes[:, 3] - boxes[:, 1] + 1))
        centre = (boxes[:, :2].min(axis=0) + boxes[:, 2:].max(axis=0) + 1) / 2
        matrix = middle @ np.diag([scale, scale, 1.0]) @ translate(*-centre) @ matrix
    return matrix


def check_frame(boxes, size, conditions):
    """Check that the writing fits the picture.

    Parameters
    ----------
    boxes : (K, 4) float ndarray
        (x0, y0, x1, y1) of each glyph, picture pixels.
    size : (int, int)
        (width, height) of the picture.
    conditions : PhotoConditions
        Named in the message.

    Raises
    ------
    OptionError
        Unless every box lies a pixel inside the picture, saying which
        conditions to change.
    """
    width, height = size
    inside = (boxes[:, 0] >= 1) & (boxes[:, 1] >= 1)
    inside &= (boxes[:, 2] <= width - 2) & (boxes[:, 3] <= height - 2)
    if not inside.all():
        span = boxes[:, 2].max() - boxes[:, 0].min() + 1
        raise OptionError(
            f"the writing ({span:.0f} px wide) does not fit the {width}x{height} picture under "
            f"these conditions (close_crop={conditions.close_crop}, rotation="
            f"{conditions.rotation}, perspective={conditions.perspective}); write fewer "
            "digits, lower close_crop or sheet_fill, or widen size"
        )


def plane_points(matrix, size):
    """Sheet coordinates of every pixel centre of the picture.

    Parameters
    ----------
    matrix : (3, 3) ndarray
        Homography from the sheet to the picture.
    size : (int, int)
        (width, height) of the picture.

    Returns
    -------
    u, v : (height, width) float32 ndarray
        Sheet pixels.

    Raises
    ------
    OptionError
        If part of the picture sees past the sheet's horizon.
    """
    width, height = size
    inverse = np.linalg.inv(matrix).astype(np.float32)
    xx = np.arange(width, dtype=np.float32)[None, :] + 0.5
    yy = np.arange(height, dtype=np.float32)[:, None] + 0.5
    w = inverse[2, 0] * xx + inverse[2, 1] * yy + inverse[2, 2]
    if (w <= 0).any():
        raise OptionError("the camera sees past the horizon; lower perspective")
    u = (inverse[0, 0] * xx + inverse[0, 1] * yy + inverse[0, 2]) / w
    v = (inverse[1, 0] * xx + inverse[1, 1] * yy + inverse[1, 2]) / w
    return u, v


def sheet_mask(matrix, page_px, size, conditions):
    """Where the sheet is in the picture.

    Parameters
    ----------
    matrix : (3, 3) ndarray
        Homography from the sheet to the picture.
    page_px : (int, int)
        (width, height) of the sheet, pixels.
    size : (int, int)
        (width, height) of the picture.
    conditions : PhotoConditions
        With no ``surroundings``, the sheet fills the picture.

    Returns
    -------
    (height, width) float32 ndarray
        1 on paper, 0 on the surroundings, antialiased at the edge.
    """
    if conditions.surroundings == "none":
        return np.ones((size[1], size[0]), np.float32)
    u, v = plane_points(matrix, size)
    inside = np.minimum(np.minimum(u, page_px[0] - u), np.minimum(v, page_px[1] - v))
    pixel = local_scale(matrix, (page_px[0] / 2, page_px[1] / 2))  # picture px per sheet px
    return np.clip(inside * pixel + 0.5, 0, 1).astype(np.float32)
