"""Pre-processing: from a page image to a clean binary ink mask.

The stage runs in three steps, each a public function the notebooks show on
its own:

1. :func:`to_grey` makes one channel with dark ink on light paper (a page of
   white digits on black is inverted).
2. :func:`flatten_illumination` estimates the paper's brightness everywhere
   (shadows, vignetting, a grey sheet) and divides it out, so that paper is
   ~255 and only ink is dark.
3. :func:`binarize` turns grey into ink (True) and paper (False) by one of
   several named methods; :func:`remove_specks` then drops dots too small to
   be part of a stroke.

No size in here is an absolute number of pixels: window sizes follow the image
size, and speck sizes follow the measured stroke width.
"""

import cv2
import numpy as np

from ._small import grey_histogram, grey_median, percentile_of_counts, small_copy
from .errors import OptionError
from .paper import find_sheet

__all__ = [
    "BINARIZE_METHODS",
    "to_grey",
    "flatten_illumination",
    "find_paper",
    "binarize",
    "estimate_stroke_width",
    "remove_specks",
]

BINARIZE_METHODS = ("contrast", "fixed", "otsu", "adaptive_mean", "adaptive_gaussian", "sauvola")


def _check_image(image, name="image"):
    image = np.asarray(image)
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3, 4)):
        raise OptionError(
            f"{name} must be (M, N) grey or (M, N, 3) RGB, got shape {image.shape}"
        )
    if image.size == 0:
        raise OptionError(f"{name} is empty (shape {image.shape})")
    return image


def _sample(image, side=256):
    """A strided view of about ``side`` x ``side`` pixels, for cheap statistics."""
    return image[:: max(1, image.shape[0] // side), :: max(1, image.shape[1] // side)]


def _shrink(grey, side=256):
    """A copy about ``side`` pixels on its shorter side (see :func:`ocrkit._small.small_copy`)."""
    return small_copy(grey, side)[0]


def _odd(n, minimum=3):
    n = max(int(round(n)), minimum)
    return n if n % 2 else n + 1


def to_grey(image, *, invert="auto"):
    """Return one uint8 channel with dark ink on light paper.

    Parameters
    ----------
    image : (M, N) or (M, N, 3) ndarray
        Grey or RGB image; floats are taken to be in [0, 1], uint16 is scaled.
    invert : {'auto', True, False}
        ``'auto'`` inverts pages whose writing is lighter than what it is
        written on (white ink on a dark background, as in MNIST), so that
        later stages always see dark ink. It compares thin dark structures
        with thin light ones (:func:`_writing_is_light`), not the overall
        brightness: a white sheet on a dark desk is mostly dark, yet its
        writing is dark on light.

    Returns
    -------
    grey : (M, N) uint8 ndarray
    """
    image = _check_image(image)
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype != np.uint8:
        image = np.clip(np.asarray(image, dtype=np.float64) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    if image.ndim == 3:
        if image.shape[2] == 1:
            image = image[..., 0]
        else:
            image = cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2GRAY)
    if invert == "auto":
        invert = find_sheet(image) is None and _writing_is_light(image)
    return 255 - image if invert else np.ascontiguousarray(image)


def _writing_is_light(grey):
    """Whether the writing is lighter than what it is written on.

    On a small copy, each pixel is compared with the median of a window
    much wider than a stroke: the median is the local background (paper,
    desk, a shadow), and writing is what stands out from it. When the strong
    differences go clearly (three times as much, squared) the light way,
    the page is written light on dark; otherwise dark on light, by far the
    more common, and the answer for faint writing under noise. A sheet's
    edge on a dark desk stands out both ways at once, and the paper inside
    a digit's loops is background like the rest, so neither decides it.
    Callers first look for a light sheet on a darker surface
    (:func:`ocrkit.paper.find_sheet`), which is written dark on light: a
    desk's grain and highlights would outweigh a few thin digits.

    Examples
    --------
    >>> page = np.full((200, 200), 220, np.uint8)
    >>> page[50:150, 98:102] = 30                # a dark "1" on light paper
    >>> _writing_is_light(page), _writing_is_light(255 - page)
    (False, True)

    """
    # A 128-pixel copy is plenty to see which way strokes go, and a median
    # that wide is four times cheaper there than at 256.
    small = _shrink(grey, 128)
    background = cv2.medianBlur(small, _odd(min(small.shape) / 8))
    difference = small.astype(np.int64) - background
    # Squares, so that strong strokes outweigh the faint grain of the paper,
    # which has as many light specks as dark ones.
    light = np.square(np.maximum(difference, 0)).sum()
    dark = np.square(np.minimum(difference, 0)).sum()
    # Clearly, not barely: faint writing under camera noise leaves both about
    # equal, and paper is far more often written dark on light.
    return bool(light > 3 * dark)


def flatten_illumination(grey, *, scale=1 / 12):
    """Divide out the paper's brightness so that paper becomes ~255 everywhere.

    The background is estimated on a small copy of the page: a grey-level
    closing (maximum filter, then minimum filter) wider than any pen stroke
    removes the ink, and a blur smooths what remains.  The minimum filter
    undoes the shift a maximum filter alone makes on a shadow's slope (it
    would take the paper half a window further into the light).  Working
    small keeps this cheap on a 300-dpi page and makes the filter size a
    fraction of the page, not a pixel count.

    Parameters
    ----------
    grey : (M, N) uint8 ndarray
        Dark ink on light paper (see :func:`to_grey`).
    scale : float
        Width of the maximum filter as a fraction of the shorter image side.
        It must exceed the widest stroke; 1/12 of the page does for digits up
        to about a third of the page height.

    Returns
    -------
    flat : (M, N) uint8 ndarray
        ``grey / background``, scaled so that paper is 255.
    """
    grey = _check_image(grey, "grey")
    if grey.ndim != 2:
        raise OptionError(f"grey must be (M, N), got {grey.shape}; call to_grey first")
    rows, cols = grey.shape
    # A small copy of about 256 px on its shorter side; the ink's darkness is
    # averaged in, but the maximum filter picks paper around it.
    small = _shrink(grey)
    size = _odd(min(small.shape) * scale)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel, borderType=cv2.BORDER_REPLICATE)
    background = cv2.blur(background, (size, size))
    background = cv2.resize(background, (cols, rows), interpolation=cv2.INTER_LINEAR)
    cv2.max(background, 1, dst=background)  # (numpy's maximum is ten times slower on uint8)
    flat = cv2.divide(grey, background, scale=255)
    return flat


def find_paper(grey, *, darker=0.55, margin=0.01):
    """Mask of the sheet of paper in a photo that also shows the table around it.

    On a small copy of the page, the ink is closed away (as in
    :func:`flatten_illumination`); regions connected to the image border
    that are much darker than the paper (below ``darker`` times the paper's
    median brightness) are taken for what lies around the sheet.  A shadow or
    vignetting on the sheet itself stays far above that.

    Parameters
    ----------
    grey : (M, N) uint8 ndarray
    darker : float
        How dark, relative to the paper, the surroundings must be.
    margin : float
        The surroundings are grown by this fraction of the shorter side, to
        cover the sheet's edge and its shadow.

    Returns
    -------
    paper : (M, N) bool ndarray or None
        None when the whole image is paper (a scan), so callers can skip it.
    """
    grey = _check_image(grey, "grey")
    rows, cols = grey.shape
    small = _shrink(grey)
    size = _odd(min(small.shape) / 24)
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    dark = (closed < darker * np.median(closed)).astype(np.uint8)
    count, labels = cv2.connectedComponents(dark, connectivity=4)
    edge_labels = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    outside = np.isin(labels, edge_labels[edge_labels > 0])
    if not outside.any():
        return None
    grow = _odd(min(small.shape) * margin * 2, minimum=3)
    outside = cv2.dilate(outside.astype(np.uint8), np.ones((grow, grow), np.uint8))
    return cv2.resize(outside, (cols, rows), interpolation=cv2.INTER_NEAREST) == 0


def _paper_noise(grey, where=None):
    """Robust paper level and noise of a page that is mostly paper.

    The noise is measured around a local median (a window 1/16 of the page
    wide), so that a shadow or vignetting across an unflattened page is not
    taken for noise; the median also ignores the ink in the window. With
    ``where`` (a bool mask), only the pixels inside it count.
    """
    # Single pixels, 1 in every (side/128)^2: the noise is a pixel-level
    # statistic, and 17,000 samples measure it as well as 70,000.
    sample = np.ascontiguousarray(_sample(grey, 128))
    local = cv2.medianBlur(sample, _odd(min(sample.shape) / 16))
    deviation = cv2.absdiff(sample, local)
    inside = None
    if where is not None:
        inside = np.ascontiguousarray(_sample(where, 128))
        if not inside.any():
            inside = None
    level = grey_median(sample, inside)
    mad = grey_median(deviation, inside)
    return level, max(1.4826 * mad, 1.0)


# The ink's contrast must be this many noise deviations for pixels to be
# decided one by one; below it the page is smoothed first.
_CLEAR_CONTRAST = 10.0
# Ink less clear of the paper's noise than this many deviations lies on
# grainy paper (a phone's photo); a scan's stands 50 to 250 deviations clear.
_GRAINY = 25.0
# Share of a piece of possible ink that must be sure ink for the piece to count.
_SURE_SHARE = 0.25


def _ink_contrast(grey, paper, noise, where=None):
    """How much darker than the paper the cores of the strokes are (0: no ink).

    From what is clearly darker than the paper (six noise deviations): its
    darkest tenth, the cores of the strokes, since the rest holds their soft
    edges and any show-through from the back of the sheet.
    """
    counts = grey_histogram(_sample(grey, 512), None if where is None else _sample(where, 512))
    # The grey levels below paper - 6 noise: up to ceil(that) - 1.
    darker = max(0, min(256, int(np.ceil(paper - 6.0 * noise))))
    counts[darker:] = 0
    return paper - percentile_of_counts(counts, 10) if counts.any() else 0.0


def _darker_than(grey, level):
    """``grey < level`` for a uint8 image and any level, as a bool array.

    OpenCV's threshold gives the same pixels as numpy's comparison about
    ten times faster: for whole grey levels, ``grey < level`` is
    ``grey <= ceil(level) - 1``, which its inverted binary threshold keeps.

    Examples
    --------
    >>> grey = np.array([[10, 11, 12]], np.uint8)
    >>> _darker_than(grey, 11).tolist(), _darker_than(grey, 11.5).tolist()
    ([[True, False, False]], [[True, True, False]])
    """
    below = int(np.ceil(level)) - 1
    if below < 0:
        return np.zeros(grey.shape, bool)
    if below >= 255:
        return np.ones(grey.shape, bool)
    return cv2.threshold(grey, below, 1, cv2.THRESH_BINARY_INV)[1].view(bool)


def _contrast_ink(grey, paper, noise, where=None):
    """Ink by contrast with the paper: hysteresis between two relative thresholds.

    A pixel is surely ink half-way from the paper to the ink's level
    (:func:`_ink_contrast`), and possibly ink a third of the way; possible
    ink counts only where it touches sure ink. Neither threshold comes
    closer to the paper than its noise allows (6 and 4 deviations), so noise
    alone makes no strokes, while a faint thin pen keeps its fainter edges.

    When the ink stands less than :data:`_CLEAR_CONTRAST` noise deviations
    from the paper (a phone's noise on grey paper, a thin pen), single
    pixels cannot be trusted: the page is smoothed with a Gaussian one, two,
    then three pixels wide, as far as the image's size allows, until the
    ink stands clear of the noise that remains. Smoothing averages the
    noise away faster than it fades a stroke a few pixels wide. The smoothed
    page is flattened again (:func:`flatten_illumination`): estimated on the
    noisy page, the paper's light comes out a little too dark wherever it is
    dim (the maximum filter reaches a few noise deviations above the paper,
    the same amount in the light and in the shade), and once the noise is
    smoothed away that difference would stand out as ink.
    """
    contrast = _ink_contrast(grey, paper, noise, where)
    # Never smooth over more than 1/150 of the image: digits must keep their shape.
    widest = min(grey.shape) / 150
    sigma = 1.0
    while contrast < _CLEAR_CONTRAST * noise and sigma <= min(3.0, widest):
        smooth = flatten_illumination(cv2.GaussianBlur(grey, (0, 0), sigma))
        smooth_paper, smooth_noise = _paper_noise(smooth, where)
        smooth_contrast = _ink_contrast(smooth, smooth_paper, smooth_noise, where)
        if smooth_contrast / smooth_noise <= contrast / noise:
            break
        grey, paper, noise, contrast = smooth, smooth_paper, smooth_noise, smooth_contrast
        sigma += 1.0
    if contrast == 0:
        return np.zeros(grey.shape, bool)
    sure = _darker_than(grey, paper - max(6.0 * noise, 0.5 * contrast))
    if not sure.any():
        return sure
    # On grainy paper (ink less than _GRAINY noise deviations clear), a thin
    # pen's stroke fades where it narrows (the top of a 0, a 2's diagonal),
    # and the grain scatters those faint pixels by its own depth: possible
    # ink reaches one deviation further, or the stroke breaks into pieces
    # that look like a word's letters. A smoothed page has little grain
    # left; on a clean page, what lies in that last deviation is the
    # blurred rim of the strokes, which would only fatten them.
    reach = noise if sigma == 1.0 and contrast < _GRAINY * noise else 0.0
    maybe = _darker_than(grey, paper - max(4.0 * noise, contrast / 3.0 - reach))
    count, labels = cv2.connectedComponents(maybe.view(np.uint8), connectivity=8)
    # A stroke is sure ink along its core, or at least clearly darker than
    # the paper all along (a pen lighter than the print on the same page); a
    # blob of noise that a few sure pixels happen to reach is neither.
    # Counted over the possible ink only: a few percent of the page.
    # (Sure ink is possible ink too.)
    where_maybe = np.flatnonzero(maybe)
    ids = labels.ravel()[where_maybe]
    size = np.bincount(ids, minlength=count)
    sure_size = np.bincount(ids[sure.ravel()[where_maybe]], minlength=count)
    keep = (sure_size > 0) & (sure_size >= _SURE_SHARE * size)
    # The depth is needed only where the sure share did not decide.
    undecided = (sure_size > 0) & ~keep
    if undecided.any():
        pick = undecided[ids]
        darkness = paper - grey.ravel()[where_maybe[pick]].astype(np.float64)
        depth = np.bincount(ids[pick], weights=darkness, minlength=count) / np.maximum(size, 1)
        keep |= undecided & (depth >= 6.0 * noise)
    # Written back at the possible ink's pixels only, not looked up page-wide.
    ink = np.zeros(grey.shape, bool)
    ink.ravel()[where_maybe] = keep[ids]
    return ink


def binarize(grey, *, method="contrast", threshold=127, block_size=None, k=0.2, offset=None,
             paper=None, measure_on=None):
    """Return the ink mask of a grey page.

    Parameters
    ----------
    grey : (M, N) uint8 ndarray
        Dark ink on light paper, ideally flattened
        (:func:`flatten_illumination`).
    method : {'contrast', 'otsu', 'fixed', 'adaptive_mean', 'adaptive_gaussian', 'sauvola'}
        ``'contrast'`` (the default) decides ink by its contrast with the
        paper: relative to the paper's own level and noise and to how dark
        the ink is, with hysteresis (sure ink, and fainter ink where it
        touches sure ink), so a thin grey pen on noisy grey paper and a
        clean black-ink scan are read with the same setting;
        ``'fixed'`` uses ``threshold`` as it is (the original program's 127);
        ``'otsu'`` picks the threshold that best separates the histogram's two
        classes, but never one inside the paper's own noise, so that a blank
        page stays blank; the adaptive methods compare each pixel with its
        neighbourhood (mean, Gaussian-weighted mean, or Sauvola's
        mean-and-deviation rule).
    threshold : int
        Grey level for ``'fixed'``; pixels darker than it are ink.
    block_size : int, optional
        Neighbourhood width of the adaptive methods, odd.  By default 1/8 of
        the shorter image side: wider than a digit, so a digit's inside is
        compared with paper rather than with its own ink.
    k : float
        Sauvola's sensitivity to the local deviation.
    offset : float, optional
        How much darker than the local mean a pixel must be to count as ink
        (adaptive mean/Gaussian).  By default four times the paper noise.
    paper : (M, N) bool ndarray, optional
        Where the sheet is (:func:`ocrkit.paper.find_sheet`): the paper's
        level and noise are measured there only, and no ink is found
        outside it.
    measure_on : (M, N) bool ndarray, optional
        Where the paper's level and noise and the ink's contrast are
        measured, if not where ``paper`` says; ink is still found
        everywhere (within ``paper``). A straightened sheet leaves its rim
        out this way: a sliver of the desk there would pass for the darkest
        ink, while segmentation still needs the rim's ink to tell it from
        the digits.

    Returns
    -------
    ink : (M, N) bool ndarray

    References
    ----------
    N. Otsu, "A threshold selection method from gray-level histograms", IEEE
    Trans. SMC 9(1), 1979, doi:10.1109/TSMC.1979.4310076.
    J. Sauvola and M. Pietikäinen, "Adaptive document image binarization",
    Pattern Recognition 33(2), 2000, doi:10.1016/S0031-3203(99)00055-2.
    """
    grey = _check_image(grey, "grey")
    if grey.ndim != 2 or grey.dtype != np.uint8:
        raise OptionError(
            f"grey must be (M, N) uint8, got {grey.shape} {grey.dtype}; call to_grey first"
        )
    if method not in BINARIZE_METHODS:
        raise OptionError(f"unknown method {method!r}; choose one of {', '.join(BINARIZE_METHODS)}")
    if block_size is None:
        block_size = _odd(min(grey.shape) / 8)
    elif block_size < 3 or block_size % 2 == 0:
        raise OptionError(f"block_size must be odd and at least 3, got {block_size}")
    paper, measure_on = (None if mask is None else _check_mask(name, mask, grey.shape)
                         for name, mask in (("paper", paper), ("measure_on", measure_on)))
    where = paper if measure_on is None else measure_on
    ink = _binarize(grey, method, threshold, block_size, k, offset, where)
    return ink if paper is None else ink & paper


def _check_mask(name, mask, shape):
    mask = np.asarray(mask, bool)
    if mask.shape != shape:
        raise OptionError(f"{name} mask {mask.shape} does not match grey {shape}")
    return mask


def _binarize(grey, method, threshold, block_size, k, offset, where):
    if method == "fixed":
        return grey < threshold
    paper, noise = _paper_noise(grey, where)
    if method == "contrast":
        return _contrast_ink(grey, paper, noise, where)
    if method == "otsu":
        otsu, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        # Otsu always splits the histogram in two, even a blank page's paper
        # noise; keep the threshold clearly below the paper.
        limit = paper - 5.0 * noise
        return grey < min(otsu, limit)
    if offset is None:
        offset = 4.0 * noise
    if method in ("adaptive_mean", "adaptive_gaussian"):
        local = (cv2.blur(grey, (block_size, block_size)) if method == "adaptive_mean"
                 else cv2.GaussianBlur(grey, (block_size, block_size), 0))
        return grey.astype(np.int16) < local.astype(np.int16) - offset
    # Sauvola: T = m * (1 + k * (s / R - 1)), with R the dynamic range of s.
    as_float = grey.astype(np.float32)
    mean = cv2.blur(as_float, (block_size, block_size))
    sq_mean = cv2.blur(as_float * as_float, (block_size, block_size))
    std = np.sqrt(np.maximum(sq_mean - mean * mean, 0))
    local = mean * (1 + k * (std / 128.0 - 1))
    return (as_float < local) & (as_float < paper - 3.0 * noise)


def _ridge_distances(ink):
    """Distance-to-paper values on the centre lines of the strokes of ``ink``."""
    mask = np.ascontiguousarray(ink, dtype=np.uint8)
    dist = cv2.distanceTransform(mask, cv2.DIST_L2, cv2.DIST_MASK_5)
    ridge = (dist > 0) & (dist >= cv2.dilate(dist, np.ones((3, 3), np.uint8)))
    return dist[ridge]


def _side_by_side(ink, boxes):
    """The boxes' crops of ``ink`` laid out in rows, each with a pixel of paper all round.

    The distance to the paper inside each crop is what it would be in the
    crop alone (its own border of paper is always nearer than another's),
    and OpenCV is called once a row instead of once a crop. Crops of
    similar height share a row, so that the rows are not mostly paper.

    Returns
    -------
    rows : list of bool ndarrays
    """
    order = np.argsort(-boxes[:, 3], kind="stable")
    groups, tallest = [], None
    for i in order:
        if tallest is None or boxes[i, 3] < 0.5 * tallest:
            groups.append([])
            tallest = boxes[i, 3]
        groups[-1].append(i)
    rows = []
    for group in groups:
        x, y, w, h = boxes[group].T
        starts = np.concatenate([[0], np.cumsum(w + 2)])
        row = np.zeros((int(h.max()) + 2, int(starts[-1])), bool)
        for (left, top, width, height), start in zip(boxes[group], starts):
            row[1:height + 1, start + 1:start + width + 1] = ink[top:top + height,
                                                                 left:left + width]
        rows.append(row)
    return rows


def estimate_stroke_width(ink, *, boxes=None):
    """Typical pen stroke width of an ink mask, in pixels.

    From the median distance-to-paper ``d`` on the strokes' centre lines
    (local maxima of the distance transform): a stroke ``w`` pixels wide has
    ``d = (w + 1) / 2`` at its centre pixel, so ``w = 2 d - 1``.

    Parameters
    ----------
    ink : (M, N) bool ndarray
    boxes : (K, 4) int array_like, optional
        Measure only inside these ``x, y, w, h`` boxes (the larger
        components of a page), which is much cheaper than the whole page.

    Returns
    -------
    width : float
        0.0 when there is no ink.
    """
    ink = np.asarray(ink)
    if ink.ndim != 2:
        raise OptionError(f"ink must be (M, N), got {ink.shape}")
    if not ink.any():
        # Also spares OpenCV an empty array, for which it returns None.
        return 0.0
    if boxes is None:
        ridges = _ridge_distances(ink)
    else:
        rows = _side_by_side(ink, np.asarray(boxes, int).reshape(-1, 4))
        ridges = np.concatenate([_ridge_distances(row) for row in rows]) if rows else np.zeros(0)
    return float(max(2.0 * np.median(ridges) - 1.0, 1.0)) if ridges.size else 0.0


def remove_specks(ink, *, stroke_width=None, min_area_strokes=1.5):
    """Drop ink components too small to be part of a written stroke.

    Parameters
    ----------
    ink : (M, N) bool ndarray
    stroke_width : float, optional
        Measured by :func:`estimate_stroke_width` if not given.
    min_area_strokes : float
        A component smaller than ``min_area_strokes * stroke_width**2`` is a
        speck (a round dot as wide as the pen has area ~0.8 w²).

    Returns
    -------
    cleaned : (M, N) bool ndarray
    """
    ink = np.asarray(ink, dtype=bool)
    if stroke_width is None:
        stroke_width = estimate_stroke_width(ink)
    if stroke_width <= 0:
        return ink.copy()
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= min_area_strokes * stroke_width**2
    keep[0] = False
    return keep[labels]
