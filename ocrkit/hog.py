"""Histogram of Oriented Gradients (HOG) for stacks of small images.

HOG describes an image by the directions of its edges [1]_. It takes the
gradient at every pixel, splits the image into small *cells* and builds, for
each cell, a histogram of gradient orientation in which every pixel votes with
its gradient magnitude. Neighbouring cells are grouped into overlapping
*blocks* whose histograms are contrast-normalised together, so the features
forgive changes of brightness, stroke thickness and small shifts. The
normalised blocks, concatenated, are the feature vector.

The steps, as :func:`hog` runs them on a whole stack at once:

1. optional square-root (power-law) compression of the grey levels;
2. central-difference gradients, zero on the image border;
3. per-cell orientation histograms, averaged over the cell
   (:func:`hog_cells`); partial cells at the bottom and right are dropped,
   unless ``interpolate=True`` shares every pixel's vote between the two
   nearest bins and the four nearest cells (Dalal and Triggs' trilinear
   interpolation, the kit's default features);
4. normalisation of every block of cells ('L1', 'L1-sqrt', 'L2' or 'L2-Hys');
5. concatenation in scikit-image's order.

With ``signed=False`` the vectors equal those of
:func:`skimage.feature.hog`, in the same order, so either can be used to train
and the other to predict; :func:`hog` is simply much faster on many images.
``signed=True``, which scikit-image lacks, spreads the bins over the full
circle so that a dark-to-light edge and a light-to-dark one differ.
It also replaces ``cv2.HOGDescriptor``, which OpenCV 5 moved to
opencv-contrib.

References
----------
.. [1] Dalal, N. and Triggs, B., "Histograms of Oriented Gradients for Human
       Detection", IEEE CVPR 2005, :DOI:`10.1109/CVPR.2005.177`
"""

import operator
from functools import lru_cache

import numpy as np

from .errors import OptionError

__all__ = ["BLOCK_NORMS", "hog", "hog_cells", "hog_feature_length"]

#: The block normalisations :func:`hog` accepts.
BLOCK_NORMS = ("L1", "L1-sqrt", "L2", "L2-Hys")

# The same guard against division by zero as scikit-image, so that the
# vectors agree even for nearly blank blocks.
_EPS = 1e-5
# L2-Hys clips each normalised value at 0.2 before normalising again.
_HYS_CLIP = 0.2
# Images per chunk: a few thousand keeps the temporaries (~100 bytes a
# pixel) in the tens of megabytes whatever the stack size.
_CHUNK = 2048
# Bytes of interpolated vote planes built at once: small enough to stay in
# a core's cache (filling fresh memory costs more than the votes).
_PLANE_BYTES = 2 << 20
# Integer images whose values span at most 256 levels (uint8, int8, bool)
# have gradients in [-255, 255]: few enough pairs to tabulate.
_LEVELS = 255
_TABLE_SIDE = 2 * _LEVELS + 1


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


def _positive_int(name, value, example):
    try:
        number = operator.index(value)
    except TypeError:
        number = 0
    if number <= 0:
        raise OptionError(f"{name} must be a positive integer, e.g. {example}; got {value!r}.")
    return number


def _positive_pair(name, value, example):
    try:
        pair = tuple(operator.index(v) for v in value)
    except TypeError:
        pair = ()
    if len(pair) != 2 or min(pair) <= 0:
        raise OptionError(
            f"{name} must be two positive integers (rows, columns), e.g. {example}; "
            f"got {value!r}."
        )
    return pair


def _as_stack(images):
    """Return ``images`` as a (K, M, N) real array and whether it was one image."""
    images = np.asarray(images)
    if images.ndim not in (2, 3):
        raise OptionError(
            f"expected a grey image (M, N) or a stack of them (K, M, N); got shape "
            f"{images.shape}. Convert colour images to grey first, e.g. with "
            "cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)."
        )
    if images.dtype.kind not in "biuf":
        raise OptionError(
            f"expected real pixel values; got dtype {images.dtype}. "
            "Convert to uint8 or float first."
        )
    if images.dtype.kind == "f" and not np.isfinite(images).all():
        raise OptionError(
            "the image contains NaN or infinite values; replace them first, "
            "e.g. with np.nan_to_num(image)."
        )
    single = images.ndim == 2
    return (images[np.newaxis] if single else images), single


def _check_size(shape, pixels_per_cell, cells_per_block=None):
    """Check that an image holds one cell, or one block if `cells_per_block` is given."""
    rows, cols = shape[-2:]
    min_rows, min_cols = pixels_per_cell
    if cells_per_block is not None:
        min_rows, min_cols = min_rows * cells_per_block[0], min_cols * cells_per_block[1]
    if rows < min_rows or cols < min_cols:
        # The message is only worded on failure: formatting it costs more
        # than the check, and hog runs on calls of a few digits.
        needs = (f"one cell of {pixels_per_cell} pixels" if cells_per_block is None else
                 f"one block of {cells_per_block} cells of {pixels_per_cell} pixels")
        raise OptionError(
            f"an image of {rows}x{cols} pixels is too small for {needs}: it needs at "
            f"least {min_rows} rows and {min_cols} columns. Pad or resize the image, "
            "or choose smaller pixels_per_cell or cells_per_block."
        )


def _check_options(shape, orientations, pixels_per_cell, cells_per_block):
    """Validate the options shared by all three functions; return them normalised."""
    orientations = _positive_int("orientations", orientations, 9)
    pixels_per_cell = _positive_pair("pixels_per_cell", pixels_per_cell, (4, 4))
    if cells_per_block is not None:
        cells_per_block = _positive_pair("cells_per_block", cells_per_block, (2, 2))
    _check_size(shape, pixels_per_cell, cells_per_block)
    return orientations, pixels_per_cell, cells_per_block


def _check_sqrt(stack, transform_sqrt):
    if transform_sqrt and stack.size and stack.min() < 0:
        raise OptionError(
            f"transform_sqrt=True needs non-negative pixel values; the minimum is "
            f"{stack.min()}. Rescale the images to [0, 1] first or set transform_sqrt=False."
        )


# --------------------------------------------------------------------------
# Cell histograms
# --------------------------------------------------------------------------


def _bin_edges(orientations, signed):
    # Built exactly as scikit-image builds them, so that gradients lying on a
    # bin boundary (45 and 90 degrees are common in digits) land in the same bin.
    span = 360.0 if signed else 180.0
    return (span / orientations) * np.arange(orientations + 1)


def _polar_bins(g_row, g_col, orientations, signed):
    """Magnitude and orientation bin of float64 gradients, as scikit-image computes them.

    Unsigned, bin ``orientations`` holds the rare angles that round up to
    180 degrees; scikit-image drops those votes, so the callers drop that bin too.
    """
    magnitude = np.hypot(g_col, g_row)
    angle = np.rad2deg(np.arctan2(g_row, g_col)) % (360.0 if signed else 180.0)
    bins = np.searchsorted(_bin_edges(orientations, signed), angle, side="right") - 1
    if signed:
        # A full turn is the same direction as zero.
        bins[bins == orientations] = 0
    return magnitude, bins


@lru_cache(maxsize=16)
def _polar_table(orientations, signed):
    """Magnitude and bin of every integer gradient pair in [-255, 255]^2.

    Looking the pair up is several times faster than computing hypot and
    arctan2 for each pixel, and gives bit-identical results.
    """
    steps = np.arange(-_LEVELS, _LEVELS + 1, dtype=np.float64)
    g_row, g_col = np.meshgrid(steps, steps, indexing="ij")
    magnitude, bins = _polar_bins(g_row.ravel(), g_col.ravel(), orientations, signed)
    # Small bins make the per-pixel lookup move a byte instead of eight.
    bins = bins.astype(np.uint8 if orientations < 255 else np.intp)
    magnitude.setflags(write=False)
    bins.setflags(write=False)
    return magnitude, bins


def _gradients(images, dtype):
    """Central differences along rows and columns, zero on the border rows/columns."""
    g_row = np.zeros(images.shape, dtype)
    g_col = np.zeros(images.shape, dtype)
    np.subtract(images[:, 2:, :], images[:, :-2, :], out=g_row[:, 1:-1, :], dtype=dtype)
    np.subtract(images[:, :, 2:], images[:, :, :-2], out=g_col[:, :, 1:-1], dtype=dtype)
    return g_row, g_col


def _table_codes(images):
    """Each pixel's row in the gradient tables: (g_row + 255) * 511 + g_col + 255."""
    # In np.intp, the type np.take indexes with: int32 would be converted
    # at every lookup.
    code, g_col = _gradients(images, np.intp)
    code *= _TABLE_SIDE
    code += g_col
    code += _LEVELS * _TABLE_SIDE + _LEVELS
    return code


def _float_gradients(images, transform_sqrt):
    """Gradients in scikit-image's precision: float32 stays float32, the rest float64."""
    work = np.float32 if images.dtype in (np.float16, np.float32) else np.float64
    images = images.astype(work, copy=False)
    if transform_sqrt:
        images = np.sqrt(images)
    return _gradients(images, work)


def _uses_table(dtype, transform_sqrt):
    if transform_sqrt:
        return False
    # One-byte integers (and bools) span at most 256 levels; np.iinfo would
    # say so too, but takes longer than the rest of a one-digit call's checks.
    return dtype.kind == "b" or (dtype.kind in "iu" and dtype.itemsize == 1)


def _vote_index(shape, pixels_per_cell, orientations):
    """Bincount slot of bin 0 for each pixel of a chunk, cropped to whole cells.

    ``shape`` is the stack's (K, M, N); the result is (min(K, chunk), rows,
    cols). Each cell owns ``orientations + 1`` consecutive slots, the last
    of which collects the votes that are dropped.
    """
    n_images = min(shape[0], _CHUNK)
    c_row, c_col = pixels_per_cell
    n_cells_row, n_cells_col = shape[1] // c_row, shape[2] // c_col
    rows = np.arange(n_cells_row * c_row) // c_row
    cols = np.arange(n_cells_col * c_col) // c_col
    cell = rows[:, np.newaxis] * n_cells_col + cols
    first_cell = np.arange(n_images)[:, np.newaxis, np.newaxis] * (n_cells_row * n_cells_col)
    return (first_cell + cell) * (orientations + 1)


def _cell_histograms(images, orientations, pixels_per_cell, signed, transform_sqrt, slots):
    """Un-normalised float64 cell histograms (K, n_cells_row, n_cells_col, o) of a chunk.

    ``slots`` is :func:`_vote_index` of the stack the chunk comes from.
    """
    n_images = len(images)
    c_row, c_col = pixels_per_cell
    n_cells_row, n_cells_col = images.shape[1] // c_row, images.shape[2] // c_col
    crop = np.s_[:, : n_cells_row * c_row, : n_cells_col * c_col]

    if _uses_table(images.dtype, transform_sqrt):
        code = _table_codes(images)
        magnitude_table, bin_table = _polar_table(orientations, signed)
        magnitude = np.take(magnitude_table, code[crop])
        bins = np.take(bin_table, code[crop])
    else:
        g_row, g_col = _float_gradients(images, transform_sqrt)
        magnitude, bins = _polar_bins(
            g_row[crop].astype(np.float64, copy=False), g_col[crop].astype(np.float64, copy=False),
            orientations, signed,
        )
    votes = np.bincount(
        np.add(slots[:n_images], bins).ravel(), weights=magnitude.ravel(),
        minlength=n_images * n_cells_row * n_cells_col * (orientations + 1),
    )
    votes /= c_row * c_col
    # A view: the discard slot stays behind in memory but out of sight.
    return votes.reshape(n_images, n_cells_row, n_cells_col, orientations + 1)[..., :orientations]


# --------------------------------------------------------------------------
# Interpolated (trilinear) voting
# --------------------------------------------------------------------------


def _bin_positions(g_row, g_col, orientations, signed):
    """Magnitude, lower bin and the share of the next bin, for interpolated votes.

    Bin ``b`` is centred on ``(b + 0.5) * span / orientations`` degrees, as in
    the hard binning; an angle between two centres splits its vote between
    them in proportion to how near it lies to each.
    """
    magnitude = np.hypot(g_col, g_row)
    span = 360.0 if signed else 180.0
    angle = np.rad2deg(np.arctan2(g_row, g_col)) % span
    position = (angle * (orientations / span) - 0.5) % orientations
    lower = np.floor(position)
    # Rounding can land a hair below `orientations`; that is bin 0's side.
    lower[lower >= orientations] = 0
    return magnitude, lower.astype(np.intp), position - np.floor(position)


@lru_cache(maxsize=16)
def _vote_table(orientations, signed):
    """Interpolated votes of every integer gradient pair in [-255, 255]^2.

    Returns two (pairs, 2) tables: the lower and upper bin (uint8), and the
    magnitude's share each of them gets (float32); looking them up is much
    cheaper than computing them for each pixel, and a pair of columns in one
    table costs one lookup instead of two.
    """
    steps = np.arange(-_LEVELS, _LEVELS + 1, dtype=np.float64)
    g_row, g_col = np.meshgrid(steps, steps, indexing="ij")
    magnitude, lower, share = _bin_positions(g_row.ravel(), g_col.ravel(), orientations, signed)
    lower, upper, lower_vote, upper_vote = _votes(magnitude, lower, share, orientations)
    index = np.uint8 if orientations < 255 else np.intp
    tables = (np.stack([lower, upper], axis=1).astype(index),
              np.stack([lower_vote, upper_vote], axis=1).astype(np.float32))
    for table in tables:
        table.setflags(write=False)
    return tables


def _votes(magnitude, lower, share, orientations):
    """Lower bin, upper bin, and the vote each of them gets."""
    upper = lower + 1
    upper[upper == orientations] = 0
    return lower, upper, magnitude * (1.0 - share), magnitude * share


@lru_cache(maxsize=16)
def _tent_weights(size, cell):
    """(n_cells, size) weights of each pixel row (or column) in each cell.

    The ``size // cell`` cells are centred on the image; a pixel's weight in
    a cell falls linearly from 1 at the cell's centre to 0 one cell away, so
    every pixel splits its vote between the two nearest cells and the
    weights of a pixel between two centres add up to 1.
    """
    n_cells = size // cell
    offset = (size - n_cells * cell) / 2.0
    centres = offset + cell * (np.arange(n_cells) + 0.5) - 0.5
    distance = np.abs(np.arange(size)[np.newaxis, :] - centres[:, np.newaxis])
    weights = np.clip(1.0 - distance / cell, 0.0, None)
    weights.setflags(write=False)
    return weights


def _interpolated_histograms(images, orientations, pixels_per_cell, signed, transform_sqrt):
    """Cell histograms (K, n_cells_row, n_cells_col, o) with trilinear votes, float64.

    Every pixel's magnitude is split between the two nearest orientation
    bins and, with bilinear weights, the four nearest cells. The pooling is
    two matrix products, in float64: BLAS picks its kernel per CPU, and in
    float32 their sums differ by about 1e-7, enough to move a classifier's
    printed confidence from one machine to another.
    """
    n_images, rows, cols = images.shape
    weight_rows = _tent_weights(rows, pixels_per_cell[0])
    weight_cols = _tent_weights(cols, pixels_per_cell[1])
    cells = np.empty((n_images, len(weight_rows), len(weight_cols), orientations))
    # The planes of votes take ~100 bytes a pixel: a few images at a time
    # stay in the CPU's cache, where a whole chunk's would not.  The matrix
    # products run image by image either way, so the sums are the same.
    step = max(1, _PLANE_BYTES // (rows * cols * orientations * 8))
    for start in range(0, n_images, step):
        part = slice(start, start + step)
        cells[part] = _pooled_votes(images[part], orientations, signed, transform_sqrt,
                                    weight_rows, weight_cols)
    cells /= pixels_per_cell[0] * pixels_per_cell[1]
    return cells


def _pooled_votes(images, orientations, signed, transform_sqrt, weight_rows, weight_cols):
    """The interpolated votes of ``images`` pooled into cells, before dividing by their area."""
    n_images, rows, cols = images.shape
    if _uses_table(images.dtype, transform_sqrt):
        code = _table_codes(images)
        bin_table, vote_table = _vote_table(orientations, signed)
        bins = np.take(bin_table, code, axis=0)
        votes = np.take(vote_table, code, axis=0)
        lower, upper, lower_vote, upper_vote = (bins[..., 0], bins[..., 1],
                                                votes[..., 0], votes[..., 1])
    else:
        g_row, g_col = _float_gradients(images, transform_sqrt)
        lower, upper, lower_vote, upper_vote = _votes(
            *_bin_positions(g_row.astype(np.float64), g_col.astype(np.float64), orientations,
                            signed),
            orientations)
    # One plane of votes per bin. A pixel's lower and upper bins are never
    # the same slot, so plain assignment places both votes.
    planes = np.zeros((n_images, rows, cols, orientations), np.float64)
    flat = planes.reshape(-1)
    first = _first_slots(rows * cols * n_images, orientations).reshape(lower.shape)
    flat[np.add(first, lower)] = lower_vote
    flat[np.add(first, upper)] = upper_vote
    # Pool the rows, then the columns: two matrix products instead of a
    # vote per pixel and cell.
    pooled = np.matmul(weight_rows, planes.reshape(n_images, rows, cols * orientations))
    pooled = pooled.reshape(n_images, len(weight_rows), cols, orientations).transpose(0, 1, 3, 2)
    return np.matmul(pooled, weight_cols.T).transpose(0, 1, 3, 2)


@lru_cache(maxsize=4)
def _first_slots(n_pixels, orientations):
    """Index of bin 0 of each pixel in a flat (pixels, orientations) array."""
    first = np.arange(0, n_pixels * orientations, orientations, dtype=np.intp)
    first.setflags(write=False)
    return first


def _chunks(n):
    return [slice(start, min(start + _CHUNK, n)) for start in range(0, n, _CHUNK)]


def hog_cells(images, *, orientations=9, pixels_per_cell=(4, 4), signed=False,
              transform_sqrt=False, interpolate=False):
    """Orientation histogram of every cell, before block normalisation.

    This is step 3 of :func:`hog`, exposed to show what the features are
    made of: ``hog_cells(image)[i, j, b]`` is the summed magnitude of the
    gradients in cell ``(i, j)`` whose orientation falls in bin ``b``, divided
    by the number of pixels in a cell.

    Parameters
    ----------
    images : (M, N) or (K, M, N) ndarray
        Grey image or stack of grey images, any real dtype.
    orientations : int, optional
        Number of orientation bins, each ``180 / orientations`` degrees wide
        (``360 / orientations`` if `signed`).
    pixels_per_cell : 2-tuple of int, optional
        Cell size (rows, columns). Rows and columns left over at the bottom
        and right are ignored (with `interpolate`, the cells are centred
        instead and every pixel votes).
    signed : bool, optional
        If False, a gradient and its opposite vote in the same bin (a dark
        stroke on light paper looks like a light stroke on dark paper).
        If True, orientations cover the full turn.
    transform_sqrt : bool, optional
        Take the square root of the grey levels first, as in :func:`hog`.
    interpolate : bool, optional
        Share each vote between neighbouring bins and cells, as in :func:`hog`.

    Returns
    -------
    cells : ([K,] n_cells_row, n_cells_col, orientations) float64 ndarray
        One histogram per cell, with ``n_cells_row = M // pixels_per_cell[0]``
        and ``n_cells_col = N // pixels_per_cell[1]``; the leading axis only
        if `images` was a stack.

    Raises
    ------
    OptionError
        If `images` is not 2-D or 3-D, not real or not finite, is smaller
        than one cell, has negative values with `transform_sqrt`, or an option
        is not positive.

    Notes
    -----
    Angles are measured from the column axis (pointing right) towards the row
    axis (pointing down), as in scikit-image: a gradient at 90 degrees means
    the image gets brighter downwards. Bin ``b`` holds the angles in
    ``[b, b + 1) * 180 / orientations`` degrees (``360`` if `signed`).

    Examples
    --------
    >>> image = np.zeros((8, 8), np.uint8)
    >>> image[:, 4:] = 255  # brighter to the right: gradients at 0 degrees
    >>> cells = hog_cells(image, orientations=4, pixels_per_cell=(4, 4))
    >>> cells.shape, cells[..., 1:].max()
    ((2, 2, 4), np.float64(0.0))
    """
    stack, single = _as_stack(images)
    orientations, pixels_per_cell, _ = _check_options(
        stack.shape, orientations, pixels_per_cell, None
    )
    _check_sqrt(stack, transform_sqrt)
    c_row, c_col = pixels_per_cell
    cells = np.empty((len(stack), stack.shape[1] // c_row, stack.shape[2] // c_col,
                      orientations))
    histograms = _histogram_function(stack.shape, orientations, pixels_per_cell, signed,
                                     transform_sqrt, interpolate)
    for part in _chunks(len(stack)):
        cells[part] = histograms(stack[part])
    return cells[0] if single else cells


def _histogram_function(shape, orientations, pixels_per_cell, signed, transform_sqrt,
                        interpolate):
    """``chunk -> cell histograms`` for a stack of the given shape."""
    if interpolate:
        return lambda chunk: _interpolated_histograms(chunk, orientations, pixels_per_cell,
                                                      signed, transform_sqrt)
    slots = _vote_index(shape, pixels_per_cell, orientations)
    return lambda chunk: _cell_histograms(chunk, orientations, pixels_per_cell, signed,
                                          transform_sqrt, slots)


# --------------------------------------------------------------------------
# Block normalisation and the feature vector
# --------------------------------------------------------------------------


def _normalize_blocks(cells, cells_per_block, block_norm, out):
    """Write the normalised blocks of ``cells`` (K, rows, cols, o) into ``out`` (K, D)."""
    n_images, n_cells_row, n_cells_col, orientations = cells.shape
    b_row, b_col = cells_per_block
    n_blocks_row, n_blocks_col = n_cells_row - b_row + 1, n_cells_col - b_col + 1
    # scikit-image's order: block row, block column, cell row, cell column, bin.
    # One copy per cell of a block: cheaper on a few digits than
    # sliding_window_view, whose set-up costs more than the copying.
    layout = out.reshape(n_images, n_blocks_row, n_blocks_col, b_row, b_col, orientations)
    for i in range(b_row):
        for j in range(b_col):
            layout[:, :, :, i, j] = cells[:, i:i + n_blocks_row, j:j + n_blocks_col]
    blocks = out.reshape(n_images, n_blocks_row * n_blocks_col, -1)
    if block_norm in ("L1", "L1-sqrt"):
        # Histograms are non-negative, so the L1 norm is the plain sum.
        blocks /= blocks.sum(axis=-1, keepdims=True) + _EPS
        if block_norm == "L1-sqrt":
            np.sqrt(blocks, out=blocks)
        return
    _l2_normalize(blocks)
    if block_norm == "L2-Hys":
        np.minimum(blocks, _HYS_CLIP, out=blocks)
        _l2_normalize(blocks)


def _l2_normalize(blocks):
    squares = np.einsum("kbi,kbi->kb", blocks, blocks)
    blocks /= np.sqrt(squares + _EPS**2)[..., np.newaxis]


def hog_feature_length(image_shape, *, orientations=9, pixels_per_cell=(4, 4),
                       cells_per_block=(2, 2)):
    """Length of the HOG feature vector of an image of the given shape.

    Parameters
    ----------
    image_shape : tuple of int
        ``(M, N)`` or ``(K, M, N)``; only the last two are used.
    orientations, pixels_per_cell, cells_per_block
        As for :func:`hog`.

    Returns
    -------
    length : int
        ``n_blocks_row * n_blocks_col * cells_per_block[0] * cells_per_block[1]
        * orientations``, where ``n_blocks = n_cells - cells_per_block + 1``.

    Raises
    ------
    OptionError
        If the image is smaller than one block or an option is not positive.

    Examples
    --------
    >>> hog_feature_length((28, 28))  # 6 x 6 blocks of 2 x 2 cells of 9 bins
    1296
    """
    shape = tuple(image_shape)
    if len(shape) not in (2, 3):
        raise OptionError(f"image_shape must be (M, N) or (K, M, N); got {image_shape!r}.")
    return _feature_length(
        shape, *_check_options(shape, orientations, pixels_per_cell, cells_per_block)
    )


def _feature_length(shape, orientations, pixels_per_cell, cells_per_block):
    length = orientations
    for size, cell, block in zip(shape[-2:], pixels_per_cell, cells_per_block):
        length *= (size // cell - block + 1) * block
    return length


def hog(images, *, orientations=9, pixels_per_cell=(4, 4), cells_per_block=(2, 2),
        block_norm="L2-Hys", signed=False, transform_sqrt=False, interpolate=False,
        dtype=np.float32):
    """Histogram of Oriented Gradients of an image or a stack of images.

    Parameters
    ----------
    images : (M, N) or (K, M, N) ndarray
        Grey image or stack of grey images, any real dtype (uint8 is typical
        and fastest).
    orientations : int, optional
        Number of orientation bins.
    pixels_per_cell : 2-tuple of int, optional
        Cell size (rows, columns). Rows and columns left over at the bottom
        and right are ignored (with `interpolate`, the cells are centred
        instead and every pixel votes).
    cells_per_block : 2-tuple of int, optional
        Block size in cells (rows, columns); blocks overlap with a stride of
        one cell.
    block_norm : {'L1', 'L1-sqrt', 'L2', 'L2-Hys'}, optional
        How each block is normalised: by its L1 norm; by its L1 norm then
        square-rooted; by its L2 norm; or by its L2 norm, clipped at 0.2 and
        normalised again (Lowe's "hysteresis", as in Dalal and Triggs).
    signed : bool, optional
        If False (as scikit-image), a gradient and its opposite vote in the
        same bin over 0-180 degrees; if True, bins cover 0-360 degrees, so a
        dark-to-light edge differs from a light-to-dark one.
    transform_sqrt : bool, optional
        Take the square root of the grey levels first (power-law compression),
        which reduces the effect of lighting. Needs non-negative values.
    interpolate : bool, optional
        If False (as scikit-image), each pixel votes in one bin of one cell,
        and rows and columns left over at the bottom and right are ignored.
        If True, each pixel's vote is shared between the two nearest bins
        and, bilinearly, the four nearest cell centres (Dalal and Triggs'
        trilinear interpolation); the cells are centred on the image and no
        pixel is ignored. The features then change smoothly when a stroke
        moves or turns a little, instead of jumping when it crosses a cell
        or bin boundary; on MNIST this removes about a third of an SVM's
        errors.
    dtype : floating dtype, optional
        Dtype of the result; computation is in float64 up to the histograms.

    Returns
    -------
    features : (D,) or (K, D) ndarray of `dtype`
        One feature vector per image, ``D = hog_feature_length(images.shape,
        ...)``, in scikit-image's order (block row, block column, cell row,
        cell column, bin).

    Raises
    ------
    OptionError
        If `images` is not 2-D or 3-D, not real or not finite, is smaller than
        one block, has negative values with `transform_sqrt`, or an option is
        invalid; the message says how to fix it.

    See Also
    --------
    hog_cells : the cell histograms before block normalisation.
    skimage.feature.hog : the one-image reference implementation.

    Notes
    -----
    With ``signed=False`` the result equals ``skimage.feature.hog(image,
    orientations=..., pixels_per_cell=..., cells_per_block=...,
    block_norm=..., transform_sqrt=...)`` for each image, to float rounding.
    Note that scikit-image's default cell and block sizes ((8, 8) and (3, 3))
    do not fit a 28x28 digit; the defaults here do.

    Examples
    --------
    >>> digits = np.zeros((5, 28, 28), np.uint8)
    >>> digits[:, 8:20, 12:16] = 255  # a vertical bar, a crude "1"
    >>> features = hog(digits)
    >>> features.shape, features.dtype
    ((5, 1296), dtype('float32'))
    """
    stack, single = _as_stack(images)
    orientations, pixels_per_cell, cells_per_block = _check_options(
        stack.shape, orientations, pixels_per_cell, cells_per_block
    )
    if block_norm not in BLOCK_NORMS:
        choices = ", ".join(repr(name) for name in BLOCK_NORMS)
        raise OptionError(f"block_norm must be one of {choices}; got {block_norm!r}.")
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise OptionError(f"dtype must be a floating dtype such as np.float32; got {dtype}.")
    _check_sqrt(stack, transform_sqrt)

    length = _feature_length(stack.shape, orientations, pixels_per_cell, cells_per_block)
    features = np.empty((len(stack), length), dtype)
    histograms = _histogram_function(stack.shape, orientations, pixels_per_cell, signed,
                                     transform_sqrt, interpolate)
    for part in _chunks(len(stack)):
        _normalize_blocks(histograms(stack[part]), cells_per_block, block_norm, features[part])
    return features[0] if single else features
