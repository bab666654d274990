"""Paper: find the sheet in a photo, and straighten it when its outline is clear.

A phone photo of a note often shows the desk around it: leather, wood grain,
fabric. Their texture binarises into thousands of specks, and the digits on
a rotated or tilted sheet lean with it. :func:`find_sheet` looks for the sheet
on a small copy of the photo:

1. the ink is filtered away (a median over a window much wider than a pen
   stroke), with the grain of the desk, so that only paper and
   surroundings are left, and light that changes slowly (a shadow over
   sheet and desk) is divided out;
   (A page that is paper out to its edge, a scan or a close crop, is let
   go first: a sheet lying on something darker shows it along the edge.)
2. the closed image is split in two brightness classes by Otsu's rule; if the
   darker class is not much darker than the brighter one, there is no edge to
   find (a scan, or a close crop that is all paper);
3. the sheet is the largest bright region, with its holes filled (the
   ink, a shadow inside the sheet); it must be mostly bright in the photo
   itself and fill most of its convex hull (a sheet is solid and convex).
   A sheet covering less than 8 % of the photo (down to 2 %: a note
   photographed from afar, or in a wide frame) must also be ringed by dark
   surroundings a little way out, which the paper enclosed by a large
   digit's strokes is not;
4. if its outline is close to a quadrilateral, its four corners are returned,
   and :func:`rectify` maps the sheet onto an upright rectangle; otherwise
   the region itself is the mask of what may be read;
5. a shadow across the sheet splits its light: brightness then gives no
   clear quadrilateral, or only the lit part of the sheet. So the sheet's
   outline is also looked for as the largest convex quadrilateral of sharp
   edges, lighter inside than outside, among the edges' outlines and the
   areas they enclose (joined with their neighbours, since the shadow's edge
   crosses the sheet); it is taken when brightness found no quadrilateral,
   or one that this outline holds with clearly more.

Every size is a fraction of the image; no number of pixels is fixed.
"""

from dataclasses import dataclass, field
from functools import cached_property

import cv2
import numpy as np

from ._small import grey_median, grey_percentile, small_copy, upper_percentile
from .errors import OptionError

__all__ = ["Sheet", "find_sheet", "rectify", "boxes_to_image"]

# The small copy the sheet is looked for in: its shorter side, in pixels.
_SMALL_SIDE = 256
# The surroundings must be at most this bright relative to the paper.
_SURROUND_RATIO = 0.72
# A sheet on something darker shows it along the image's edge: at least this
# share of a thin band along the edge is as dark as surroundings must be.
_EDGE_SHARE = 0.03
# A sheet must cover this share of the image; one covering nearly all of it
# leaves nothing worth masking.
_MIN_SHARE, _MAX_SHARE = 0.08, 0.97
# A smaller sheet (a note photographed from afar, a wide photo), down to this
# share, must lie on something darker all round (:func:`_on_darker_ground`).
_SMALL_SHARE = 0.02
# A quadrilateral fits when it and the region differ by less than this share.
_QUAD_FIT = 0.06
# A sheet's edge rises by at least this share of the paper's contrast with
# its surroundings per pixel of the small copy (a step over at most about
# ten pixels, 4 % of the image's shorter side).
_MIN_SHARPNESS = 0.1


@dataclass(frozen=True)
class Sheet:
    """The sheet of paper found in a photo.

    Attributes
    ----------
    mask : (M, N) bool ndarray
        The sheet's pixels (slightly inside its edge), in the image's pixels.
        Made from the small copy it was found in when first asked for: a
        sheet with clear corners is straightened instead, and never needs it.
    corners : (4, 2) float ndarray or None
        Top-left, top-right, bottom-right and bottom-left corners ``(x, y)``
        in the image's pixels when the outline is a clear quadrilateral;
        None otherwise. "Top" is the side nearest to the image's top after
        the smallest rotation that makes the sheet upright.
    region : (m, n) bool ndarray
        The sheet's pixels in the small copy it was found in.
    shape : (M, N) tuple
        The image's size, that of `mask`.
    """

    region: np.ndarray = field(repr=False)
    shape: tuple = field(repr=False)
    corners: np.ndarray | None = None

    @cached_property
    def mask(self):
        return cv2.resize(self.region.view(np.uint8), self.shape[::-1],
                          interpolation=cv2.INTER_NEAREST).view(bool)

    @property
    def outline(self):
        """(K, 2) int ndarray: the sheet's outline, for drawing."""
        if self.corners is not None:
            return np.round(self.corners).astype(np.int32)
        contours, _ = cv2.findContours(self.mask.astype(np.uint8), cv2.RETR_EXTERNAL,
                                       cv2.CHAIN_APPROX_SIMPLE)
        return max(contours, key=cv2.contourArea).reshape(-1, 2) if contours else np.zeros(
            (0, 2), np.int32)


def _fill_holes(region):
    """A bool region with every hole filled (what the outer contour encloses)."""
    contours, _ = cv2.findContours(region.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros(region.shape, np.uint8)
    cv2.drawContours(filled, contours, -1, 1, thickness=cv2.FILLED)
    return filled.astype(bool)


def _edge_sharpness(smooth, region, contrast):
    """Median steepness of the region's outline, as a share of the contrast per pixel.

    A sheet's edge is a step, over a pixel or two; the edge of a pool of
    light on paper (vignetting, a lamp) is a slope over a tenth of the image.
    Outline points on the image border are no edge and are left out.
    """
    outline = max(cv2.findContours(region.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_NONE)[0], key=len).reshape(-1, 2)
    rows, cols = region.shape
    inside = ((outline[:, 0] > 0) & (outline[:, 0] < cols - 1)
              & (outline[:, 1] > 0) & (outline[:, 1] < rows - 1))
    if not inside.any() or contrast <= 0:
        return 0.0
    # Sobel's 3x3 kernels weigh the differences by 8 in all.
    slope = _slope(smooth.astype(np.float32))
    # The steepest point next to each outline point: the outline runs on
    # the region's last pixels, the step may be one pixel further out.
    slope = cv2.dilate(slope / 8.0, np.ones((3, 3), np.uint8))
    points = outline[inside]
    return float(np.median(slope[points[:, 1], points[:, 0]]) / contrast)


def _slope(image):
    """The length of Sobel's gradient of a uint8 or whole-valued float32 image, float32.

    ``np.hypot`` to the bit: Sobel's derivatives of grey levels are whole
    numbers whose squares add up exactly in float32, and a square root is
    correctly rounded; only faster.
    """
    along, across = cv2.Sobel(image, cv2.CV_32F, 1, 0), cv2.Sobel(image, cv2.CV_32F, 0, 1)
    return np.sqrt(along * along + across * across)


def _fit_sides(outline, quad):
    """Corners where straight lines fitted to the four sides of an outline meet.

    The corners of the outline itself are often rounded or eaten (a dark
    marker in a corner, the median filter): each side is fitted by least
    squares to the outline points along its middle 60 %, and neighbouring
    sides are intersected.
    """
    nearest = [int(np.argmin(np.hypot(*(outline - corner).T))) for corner in quad]
    order = np.argsort(nearest, kind="stable")
    nearest, quad = [nearest[i] for i in order], quad[order]
    lines = []
    for k in range(4):
        start, stop = nearest[k], nearest[(k + 1) % 4]
        side = (outline[start:stop] if stop > start
                else np.concatenate([outline[start:], outline[:stop]]))
        trim = len(side) // 5
        side = side[trim:len(side) - trim]
        if len(side) < 2:
            return quad.astype(np.float64)
        vx, vy, x0, y0 = cv2.fitLine(side.astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0], np.float64), np.array([vx, vy], np.float64)))
    corners = []
    for k in range(4):
        (p, u), (q, v) = lines[k - 1], lines[k]
        matrix = np.array([u, -v]).T
        if abs(np.linalg.det(matrix)) < 1e-6:
            return quad.astype(np.float64)
        t = np.linalg.solve(matrix, q - p)[0]
        corners.append(p + t * u)
    return np.array(corners)


def _order_corners(quad):
    """Corners as top-left, top-right, bottom-right, bottom-left of the upright sheet."""
    quad = np.asarray(quad, np.float64).reshape(4, 2)
    centre = quad.mean(axis=0)
    # Go round the centre, then start at the corner that makes the first
    # side (the top) the one turned least from horizontal, on top.
    angles = np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0])
    quad = quad[np.argsort(angles, kind="stable")]  # clockwise on screen
    best, best_tilt = 0, np.inf
    for start in range(4):
        a, b = quad[start], quad[(start + 1) % 4]
        tilt = abs(np.degrees(np.arctan2(b[1] - a[1], b[0] - a[0])))
        if tilt < best_tilt:
            best, best_tilt = start, tilt
    return np.roll(quad, -best, axis=0)


def find_sheet(grey):
    """Find the sheet of paper in a photo that also shows what it lies on.

    Parameters
    ----------
    grey : (M, N) uint8 ndarray
        Dark ink on light paper (:func:`ocrkit.preprocess.to_grey`).

    Returns
    -------
    sheet : Sheet or None
        None when no sheet edge is seen: the whole image is paper (a scan, a
        close crop), or nothing around the paper is clearly darker than it.

    Examples
    --------
    >>> photo = np.full((300, 400), 60, np.uint8)   # a dark desk
    >>> photo[50:250, 80:330] = 230                  # a sheet on it
    >>> sheet = find_sheet(photo)
    >>> corners = [[80, 50], [329, 50], [329, 249], [80, 249]]
    >>> bool(np.abs(sheet.corners - corners).max() < 3)  # within a pixel or two
    True
    >>> find_sheet(np.full((300, 400), 230, np.uint8)) is None
    True
    """
    grey = np.asarray(grey)
    if grey.ndim != 2 or grey.dtype != np.uint8:
        raise OptionError(f"grey must be (M, N) uint8, got {grey.shape} {grey.dtype}")
    small, factor = small_copy(grey, _SMALL_SIDE)
    if min(small.shape) < 16:
        return None  # too small to show a sheet and what it lies on
    if not _darker_along_edge(small):
        return None  # paper out to the edge: a scan, or a close crop
    # A median over a window of 1/20 of the image removes the ink (strokes
    # cover less than half of any window that wide) and the grain and
    # highlights of a textured desk, and keeps the sheet's edge in place.
    size = max(3, round(min(small.shape) / 20)) | 1
    smooth = cv2.medianBlur(small, size)
    # Divide out light that changes over a sixth of the image (a shadow
    # across sheet and desk alike): the sheet's edge is a step, and stays.
    # (Blurred on an eighth-size copy: a Gaussian that wide is slow at full size.)
    tiny = cv2.resize(smooth, None, fx=1 / 8, fy=1 / 8, interpolation=cv2.INTER_AREA)
    light = cv2.resize(cv2.GaussianBlur(tiny.astype(np.float32), (0, 0), min(small.shape) / 48),
                       smooth.shape[::-1], interpolation=cv2.INTER_LINEAR)
    gain = float(light.mean()) / np.maximum(light, 1.0)
    small = np.clip(small * gain, 0, 255).astype(np.uint8)
    smooth = np.clip(smooth * gain, 0, 255).astype(np.uint8)
    region, quad = _sheet_by_brightness(small, smooth, size)
    # A shadow across the sheet splits its brightness: the bright region is
    # then no quadrilateral, or only the lit part of the sheet. Its outline,
    # a closed quadrilateral of sharp edges, is still there.
    found = _sheet_by_edges(smooth)
    if found is not None:
        outlined = _quad_mask(smooth.shape, found)
        if quad is None or _holds_more(outlined, region):
            quad, region = found, outlined.view(np.uint8)
    if region is None:
        return None
    corners = None
    if quad is not None:
        # Corners in the image's pixels (the small copy's pixel centres map
        # back through the scale factor), drawn 1.5 % towards the middle so
        # that the sheet's edge and its shadow stay outside.
        quad = quad + 0.015 * (quad.mean(axis=0) - quad)
        corners = _order_corners((quad + 0.5) / factor - 0.5)
    # Keep clear of the sheet's edge and the shadow along it.
    margin = max(1, round(min(small.shape) / 100))
    region = cv2.erode(region.astype(np.uint8), np.ones((2 * margin + 1,) * 2, np.uint8))
    return Sheet(region.view(bool), grey.shape[:2], corners)


def _darker_along_edge(small):
    """Whether a band along the image's edge is partly as dark as a sheet's surroundings.

    The surroundings of a sheet (what it lies on) reach the image's edge
    wherever the sheet does not, and a sheet leaves at least a few percent
    of the image to them. The band is compared with the brightest paper
    (the 95th percentile, above any paper's median level), so the test
    lets through every photo the sheet finder could find a sheet in, and
    stops a scan or a close crop, which is paper out to its edge, before
    the costly part.
    """
    band = max(2, min(small.shape) // 50)
    edge = np.concatenate([small[:band].ravel(), small[-band:].ravel(),
                           small[band:-band, :band].ravel(), small[band:-band, -band:].ravel()])
    paper = grey_percentile(small, 95)
    return float((edge < _SURROUND_RATIO * paper).mean()) >= _EDGE_SHARE


def _coarse_median(image, size):
    """A median filter ``size`` wide, computed at half resolution.

    A median window this wide costs the same for every pixel it is centred
    on, so a half-size copy (a quarter of the pixels) is four times cheaper;
    what it yields is a smooth background whose steps (a sheet's edge) are
    kept to within a pixel of the full-size copy.
    """
    rows, cols = image.shape
    half = cv2.resize(image, (max(1, cols // 2), max(1, rows // 2)), interpolation=cv2.INTER_AREA)
    median = cv2.medianBlur(half, max(3, size // 2) | 1)
    return cv2.resize(median, (cols, rows), interpolation=cv2.INTER_LINEAR)


def _sheet_by_brightness(small, smooth, size):
    """The sheet as the largest bright, smooth region: ``(region, quad)``.

    ``region`` is None when there is no such region; ``quad`` (4, 2) float
    when its outline is close to a quadrilateral, else None (the region is
    then its convex hull).
    """
    threshold, bright = cv2.threshold(smooth, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = bright.astype(bool)
    if bright.all() or not bright.any():
        return None, None
    paper_level = grey_median(smooth, bright)
    surround_level = grey_median(smooth, ~bright)
    if surround_level > _SURROUND_RATIO * paper_level:
        return None, None
    # Paper is smooth; a desk lit by a reflection can be as bright, but it
    # keeps its grain. The grain is the median of the fine detail (what a
    # slight blur removes) over the same window, which ignores thin ink.
    detail = cv2.absdiff(small, cv2.GaussianBlur(small, (0, 0), 1.5))
    grain = _coarse_median(detail, size)
    smooth_paper = bright & (grain <= 2 * grey_median(grain, bright) + 2)
    count, labels = cv2.connectedComponents(smooth_paper.view(np.uint8), connectivity=4)
    if count < 2:
        return None, None
    largest = 1 + int(np.argmax(np.bincount(labels.ravel(), minlength=count)[1:]))
    # The grain measure rises near the sheet's edge (the step is detail
    # too): grow the smooth part back to the edge, within the bright pixels.
    region = cv2.dilate((labels == largest).astype(np.uint8), np.ones((size, size), np.uint8))
    region = _fill_holes(region.astype(bool) & bright)
    share = region.mean()
    if not _SMALL_SHARE <= share <= _MAX_SHARE:
        return None, None
    if share < _MIN_SHARE and not _on_darker_ground(smooth, region):
        return None, None
    # The surroundings must really surround: dark pixels along the border.
    border = np.concatenate([region[0], region[-1], region[:, 0], region[:, -1]])
    if border.mean() > 0.9:
        return None, None
    # A sheet is solid paper with thin writing on it, and convex: most of
    # its own pixels are bright, and it fills most of its convex hull.
    # Light strokes on a dark page, closed into blobs, are neither.
    if (small[region] > threshold).mean() < 0.7:
        return None, None
    if _edge_sharpness(smooth, region, paper_level - surround_level) < _MIN_SHARPNESS:
        return None, None
    contour = max(cv2.findContours(region.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)[0], key=cv2.contourArea)
    hull = cv2.convexHull(contour)
    if region.sum() < 0.8 * cv2.contourArea(hull):
        return None, None
    quad = _four_corners(hull)
    region_area = float(region.sum())
    if quad is not None:
        quad = _fit_sides(contour.reshape(-1, 2), quad)
        if abs(cv2.contourArea(quad.astype(np.float32)) - region_area) <= _QUAD_FIT * region_area:
            return region, quad
    # Read inside the convex hull: a sheet's outline is convex, and the
    # hull also takes back the parts of it a dark shadow cut away.
    hull_region = np.zeros(region.shape, np.uint8)
    cv2.drawContours(hull_region, [hull], -1, 1, thickness=cv2.FILLED)
    return hull_region.astype(bool), None


def _sheet_by_edges(smooth):
    """The largest convex quadrilateral outlined by sharp edges, lighter inside.

    Returns (4, 2) float corners in the small copy's pixels, or None.
    """
    slope = _slope(smooth)
    high = float(upper_percentile(slope, 97))
    if high <= 0:
        return None
    edges = cv2.Canny(smooth, 0.4 * high, high, L2gradient=True)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    outlines = list(cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[0])
    # Each side's edge pixels, within a pixel: looked up for every candidate.
    near_edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    quad = _largest_sheet(outlines + _filled_outlines(edges) + _enclosed_unions(edges),
                          near_edges, smooth)
    # Where a shadow's edge meets the sheet's, the outline may have a gap
    # that the other candidates miss; the sealed outline replaces what they
    # found only if it holds all of it and clearly more (its corners are
    # less exact, rounded by a wide opening).
    sealed = _largest_sheet(_sealed_outlines(near_edges), near_edges, smooth)
    if sealed is not None and (quad is None or _holds_more(_quad_mask(smooth.shape, sealed),
                                                           _quad_mask(smooth.shape, quad))):
        return sealed
    return quad


def _largest_sheet(outlines, near_edges, smooth):
    """The largest outline's quadrilateral that passes a sheet's tests, or None.

    ``outlines``: (K, 1, 2) int32 point lists; ``near_edges``: the edge lines
    grown by a pixel. Returns (4, 2) float corners.
    """
    area = smooth.size
    hulls = [cv2.convexHull(outline) for outline in outlines]
    hull_areas = [cv2.contourArea(hull) for hull in hulls]
    # The largest candidate that passes wins: tried largest first (the
    # first of equals as found), the rest need no trying.
    for k in np.argsort(-np.array(hull_areas), kind="stable"):
        hull, hull_area = hulls[k], hull_areas[k]
        if not _SMALL_SHARE * area <= hull_area <= _MAX_SHARE * area:
            continue
        quad = _four_corners(hull)
        if quad is None:
            continue
        # Straight sides fitted to the hull's points (the corners of a
        # median-filtered sheet are rounded).
        quad = _fit_sides(hull.reshape(-1, 2), quad).astype(np.float64)
        if not (_outlined(near_edges, quad) and _lighter_inside(smooth, quad)):
            continue
        small = hull_area < _MIN_SHARE * area
        if small and not _on_darker_ground(smooth, _quad_mask(smooth.shape, quad)):
            continue
        return quad
    return None


def _quad_mask(shape, quad):
    """A bool mask of ``shape`` holding the quadrilateral ``quad`` ((4, 2) float corners)."""
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(quad).astype(np.int32).reshape(-1, 1, 2)], 1)
    return mask.view(bool)


def _on_darker_ground(smooth, inside):
    """Whether a ring around ``inside`` is as dark as a sheet's surroundings.

    A small sheet (a note photographed from afar, or in a wide photo) lies
    on a desk that goes on all round it. The paper enclosed by a large
    digit's strokes (the inside of a 4 or a 0 in a close crop) is lighter
    than its outline too, but just beyond the strokes lies paper again: the
    ring is taken two to four of :func:`_lighter_inside`'s steps out, past
    any stroke, and its median compared with the inside's.
    """
    step = max(2.0, min(smooth.shape) / 40)
    mask = inside.view(np.uint8)
    near, far = (cv2.dilate(mask, cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (2 * round(k * step) + 1,) * 2)).view(bool) for k in (2, 4))
    ring = far & ~near
    return bool(ring.any()) and (grey_median(smooth, ring)
                                 <= _SURROUND_RATIO * grey_median(smooth, inside))


def _filled_outlines(edges):
    """Outlines of what the edges enclose, without the loose lines attached to them.

    The edge of a shadow that crosses the sheet runs on over the desk from
    the sheet's outline, and the convex hull of the outline with those lines
    attached is no quadrilateral. Filled, the outline encloses the whole
    sheet, and an opening takes the loose lines off. Where a shadow darkens
    sheet and desk alike, their contrast drops and the outline has a gap:
    the edges are also filled once their gaps up to the median window's
    width are closed. Returns a list of (K, 1, 2) int32 outer outlines.
    """
    # The median window that smoothed the image: an opening as wide takes
    # off lines and the small loops they close at a corner (a sheet is far
    # wider), and a closing as wide bridges a gap in the outline.
    side = max(3, round(min(edges.shape) / 20)) | 1
    window = np.ones((side, side), np.uint8)
    outlines = []
    for closed in (edges, cv2.morphologyEx(edges, cv2.MORPH_CLOSE, window)):
        outer = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]
        filled = np.zeros(edges.shape, np.uint8)
        cv2.drawContours(filled, outer, -1, 1, thickness=cv2.FILLED)
        opened = cv2.morphologyEx(filled, cv2.MORPH_OPEN, window)
        # Filled, the outline reaches the outer side of the edge line
        # (Canny's line dilated by a pixel); 3 pixels in, it runs where the
        # areas the edges enclose end, as the other outlines do.
        inner = cv2.erode(opened, np.ones((7, 7), np.uint8))
        outlines += cv2.findContours(inner, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]
    return outlines


def _sealed_outlines(near_edges):
    """Outlines of what the edges enclose once a one-pixel leak in them is sealed.

    Where a shadow's edge meets the sheet's edge, the two lines can touch
    at a corner pixel only; the shaded part of the sheet then runs out to
    the desk between them, and neither closing the gaps nor filling the
    outline holds it. Grown by one more pixel (``near_edges``) and closed,
    the outline is whole; filled, it carries the stubs of the shadow's
    edges as wedges as wide as the closing, which an opening three median
    windows wide takes off (a sheet is wider still). Returns a list of
    (K, 1, 2) int32 outer outlines.
    """
    side = max(3, round(min(near_edges.shape) / 20)) | 1
    sealed = cv2.morphologyEx(near_edges, cv2.MORPH_CLOSE, np.ones((side, side), np.uint8))
    outer = cv2.findContours(sealed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]
    filled = np.zeros(sealed.shape, np.uint8)
    cv2.drawContours(filled, outer, -1, 1, thickness=cv2.FILLED)
    opened = cv2.morphologyEx(filled, cv2.MORPH_OPEN, np.ones((3 * side, 3 * side), np.uint8))
    # 4 pixels in: where the areas the (twice grown) edges enclose end.
    inner = cv2.erode(opened, np.ones((9, 9), np.uint8))
    return list(cv2.findContours(inner, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0])


def _enclosed_unions(edges, most=3):
    """Points of the areas the edges enclose, alone and joined with their neighbours.

    The edge of a shadow across the sheet runs on over the desk, and the
    sheet's outline with that edge attached is no quadrilateral; but the
    areas the edges enclose (the lit and the shaded part of the sheet) are
    still there, and together they make the sheet. Each connected set of up
    to ``most`` neighbouring areas, each at least 2 % of the image, is
    returned as the (K, 1, 2) int32 points of its outer outline.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats((edges == 0).view(np.uint8),
                                                               connectivity=4)
    rows, cols = edges.shape
    x, y, w, h, size = stats.T
    inner = (x > 0) & (y > 0) & (x + w < cols) & (y + h < rows) & (size >= 0.02 * edges.size)
    pieces = [labels == i for i in np.flatnonzero(inner)]
    # Neighbours: separated only by edge lines. A soft shadow's edge is a
    # band of several lines, as wide as the median window that smoothed it.
    side = max(3, round(min(rows, cols) / 20)) | 1
    reach = np.ones((side, side), np.uint8)
    near = [cv2.dilate(piece.view(np.uint8), reach).view(bool) for piece in pieces]
    joined = {frozenset([i]) for i in range(len(pieces))}
    frontier = set(joined)
    for _ in range(most - 1):
        frontier = {group | {j} for group in frontier for j in range(len(pieces))
                    if j not in group and any(near[i][pieces[j]].any() for i in group)}
        joined |= frontier
    unions = []
    for group in sorted(joined, key=sorted):
        mask = np.logical_or.reduce([pieces[i] for i in group])
        outlines = cv2.findContours(mask.view(np.uint8), cv2.RETR_EXTERNAL,
                                    cv2.CHAIN_APPROX_SIMPLE)[0]
        unions.append(np.concatenate(outlines))
    return unions


def _holds_more(outlined, region):
    """Whether an outlined quadrilateral holds nearly all of ``region``, and 15 % more."""
    area = np.count_nonzero(region)
    return (np.count_nonzero(outlined & region) >= 0.9 * area
            and np.count_nonzero(outlined) >= 1.15 * area)


def _four_corners(hull):
    """A convex hull simplified to four corners, (4, 2) int, or None.

    Simplified within 2 % of its perimeter, then up to 5 %: a rounded or
    dog-eared corner, or a little of the desk's edge that joins the
    outline, adds a short side that the tighter tolerance keeps.
    """
    perimeter = cv2.arcLength(hull, True)
    for tolerance in (0.02, 0.03, 0.04, 0.05):
        quad = cv2.approxPolyDP(hull, tolerance * perimeter, True)
        if len(quad) < 4:
            return None
        if len(quad) == 4:
            return quad.reshape(4, 2) if cv2.isContourConvex(quad) else None
    return None


def _outlined(near_edges, quad, share=0.7):
    """Whether edge pixels run along most of each side of ``quad`` (within two pixels).

    ``near_edges``: the edge lines (themselves a pixel wide either side)
    grown by one more pixel.
    """
    edges = near_edges
    for k in range(4):
        a, b = quad[k], quad[(k + 1) % 4]
        t = np.linspace(0.1, 0.9, 40)[:, None]
        points = np.round(a + t * (b - a)).astype(int)
        rows, cols = edges.shape
        inside = ((points[:, 0] >= 0) & (points[:, 0] < cols)
                  & (points[:, 1] >= 0) & (points[:, 1] < rows))
        on_edge = edges[points[inside, 1], points[inside, 0]] > 0
        if inside.mean() < 0.5 or on_edge.mean() < share:
            return False
    return True


def _lighter_inside(smooth, quad, ratio=1 / _SURROUND_RATIO):
    """Whether just inside each side is clearly lighter than just outside, point by point."""
    centre = quad.mean(axis=0)
    rows, cols = smooth.shape
    step = max(2.0, min(rows, cols) / 40)
    for k in range(4):
        a, b = quad[k], quad[(k + 1) % 4]
        t = np.linspace(0.15, 0.85, 30)[:, None]
        points = a + t * (b - a)
        normal = np.array([-(b - a)[1], (b - a)[0]], np.float64)
        normal /= np.linalg.norm(normal) + 1e-12
        if np.dot(centre - (a + b) / 2, normal) < 0:
            normal = -normal
        inside, outside = (np.round(points + offset * normal).astype(int)
                           for offset in (step, -step))
        keep = np.logical_and.reduce([(where[:, 0] >= 0) & (where[:, 0] < cols)
                                      & (where[:, 1] >= 0) & (where[:, 1] < rows)
                                      for where in (inside, outside)])
        # A side along the image border has nothing outside: no evidence.
        if not keep.any():
            continue
        inside, outside = inside[keep], outside[keep]
        # Compared point by point: a shadow that crosses the sheet's edge
        # darkens the paper and what it lies on alike, while the sheet and
        # the desk may each lie partly in light and partly in shadow.
        lighter = (smooth[inside[:, 1], inside[:, 0]]
                   / np.maximum(smooth[outside[:, 1], outside[:, 0]], 1.0))
        if np.median(lighter) < ratio:
            return False
    return True


def rectify(grey, corners, *, scale=1.0):
    """Map the quadrilateral sheet onto an upright rectangle.

    Parameters
    ----------
    grey : (M, N) uint8 ndarray
    corners : (4, 2) float array_like
        Top-left, top-right, bottom-right, bottom-left, as :attr:`Sheet.corners`.
    scale : float
        Size of the result relative to the sheet's size in the image.

    Returns
    -------
    upright : (H, W) uint8 ndarray
        The sheet alone; ``W`` and ``H`` are its longer top/bottom and
        left/right sides, times `scale`.
    to_upright : (3, 3) float64 ndarray
        The homography from image pixels to `upright`'s pixels.
    """
    corners = np.asarray(corners, np.float64).reshape(4, 2)
    tl, tr, br, bl = corners
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)) * scale
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)) * scale
    width, height = max(2, round(width)), max(2, round(height))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]],
                      np.float64)
    to_upright = cv2.getPerspectiveTransform(corners.astype(np.float32),
                                             target.astype(np.float32)).astype(np.float64)
    # Paper-white outside the sheet, in case a corner was found a little inside.
    upright = cv2.warpPerspective(grey, to_upright, (width, height), flags=cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_REPLICATE)
    return upright, to_upright


def boxes_to_image(boxes, to_work, image_shape):
    """``x, y, w, h`` boxes of a working image in the original image's pixels.

    Parameters
    ----------
    boxes : (K, 4) array_like
        Boxes in the working image (rectified and/or resampled).
    to_work : (3, 3) float ndarray
        The homography from image pixels to working pixels.
    image_shape : tuple
        ``(rows, cols, ...)`` of the original image.

    Returns
    -------
    boxes : (K, 4) int ndarray
        The smallest boxes that hold each box's four corners mapped back,
        clipped to the image.
    """
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    if len(boxes) == 0:
        return np.zeros((0, 4), int)
    x0, y0 = boxes[:, 0], boxes[:, 1]
    x1, y1 = x0 + boxes[:, 2], y0 + boxes[:, 3]
    corners = np.stack([np.stack([x0, y0], 1), np.stack([x1, y0], 1),
                        np.stack([x1, y1], 1), np.stack([x0, y1], 1)], axis=1)
    back = cv2.perspectiveTransform(corners.reshape(-1, 1, 2),
                                    np.linalg.inv(to_work)).reshape(-1, 4, 2)
    rows, cols = image_shape[:2]
    left = np.clip(np.floor(back[..., 0].min(axis=1) + 1e-6), 0, cols)
    top = np.clip(np.floor(back[..., 1].min(axis=1) + 1e-6), 0, rows)
    right = np.clip(np.ceil(back[..., 0].max(axis=1) - 1e-6), 0, cols)
    bottom = np.clip(np.ceil(back[..., 1].max(axis=1) - 1e-6), 0, rows)
    return np.stack([left, top, right - left, bottom - top], axis=1).astype(int)
