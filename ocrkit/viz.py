"""Figures for the notebooks: small, consistent and deterministic.

Everything a notebook draws more than once lives here, so that notebooks stay
short and every figure looks alike (grey colormaps for images, titled axes,
no ticks on pictures).

Images drawn with OpenCV (boxes, labels, contours) are made by
:mod:`ocrkit.render` and :mod:`ocrkit.render_steps`; the four the notebooks
show most (:func:`~ocrkit.render_steps.montage`,
:func:`~ocrkit.render_steps.draw_removed`,
:func:`~ocrkit.render_steps.draw_contours` and
:func:`~ocrkit.render_steps.draw_segmentation`) can be imported from here
too, so that a notebook takes its pictures and its figures from one module.
"""

import cv2
import matplotlib.pyplot as plt
import numpy as np

from .errors import OptionError
from .render_steps import draw_contours, draw_removed, draw_segmentation, montage

__all__ = ["use_style", "show_images", "montage", "draw_removed"]


def use_style():
    """Fixed figure settings, so that figures look alike and render identically."""
    plt.rcParams.update({
        "figure.dpi": 80,
        "savefig.dpi": 80,
        "figure.figsize": (9, 4),
        "image.cmap": "gray",
        "image.interpolation": "nearest",
        "axes.titlesize": 11,
        "font.size": 10,
        "svg.hashsalt": "ocrkit",
    })


def _shrink(image, max_side):
    """``image`` at most ``max_side`` pixels on its longer side, area-averaged (display only).

    A 300-dpi page shown small by matplotlib's nearest-pixel resampling loses
    the thin box outlines and strokes; area averaging keeps them as colour.
    A bool mask becomes ink coverage, 0 to 1, so that a thin stroke stays a
    grey line.
    """
    image = np.asarray(image)
    if image.dtype == bool:
        image = image.astype(np.float32)
    scale = max_side / max(image.shape[:2])
    if scale >= 1:
        return image
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def show_images(images, titles=None, *, cols=None, size=3.0, cmap="gray", vmin=None,
                vmax=None, suptitle=None, max_side=None):
    """Show images side by side on one figure.

    Parameters
    ----------
    images : sequence of (M, N) or (M, N, 3) ndarray
    titles : sequence of str, optional
    cols : int, optional
        Images per row; all in one row by default (at most 4 per row).
    size : float
        Height of each panel in inches.
    max_side : int, optional
        Shrink larger images to this many pixels on their longer side by area
        averaging, for display only, so that thin strokes of an ink mask stay
        visible as grey instead of dropping out.

    Returns
    -------
    fig : matplotlib Figure
    """
    images = list(images)
    cols = cols or min(len(images), 4)
    rows = int(np.ceil(len(images) / cols))
    aspect = np.mean([im.shape[1] / im.shape[0] for im in images])
    fig, axes = plt.subplots(rows, cols, figsize=(cols * size * aspect, rows * size),
                             squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for i, image in enumerate(images):
        ax = axes.ravel()[i]
        image = np.asarray(image)
        if image.dtype == bool and max_side is not None:
            ax.imshow(_shrink(image, max_side), cmap="gray_r", vmin=0, vmax=1,
                      interpolation="antialiased")
        elif image.dtype == bool:
            image = image.astype(np.uint8)
            ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
        else:
            if max_side is not None:
                image = _shrink(image, max_side)
            ax.imshow(image, cmap=cmap if image.ndim == 2 else None, vmin=vmin, vmax=vmax)
        if titles is not None:
            ax.set_title(titles[i])
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


# Thresholding and segmentation figures (notebooks 01 and 02).

__all__ += ["show_histogram", "show_threshold_view", "draw_contours", "draw_segmentation"]

#: Longest side, px, of the ink shown by :func:`show_threshold_view`.
_INK_SIDE = 900

def show_histogram(grey, *, thresholds=None, ax=None, title="Grey levels"):
    """Histogram of a grey image's levels on a log scale, with threshold lines.

    Paper is most of a page, so a linear scale would show the paper peak
    alone; on a log scale the small ink peak is visible too.

    Parameters
    ----------
    grey : (M, N) uint8 ndarray
    thresholds : dict of str to int, optional
        Vertical lines to draw, e.g. ``{"fixed": 127, "Otsu": 142}``.
    ax : matplotlib Axes, optional
        Draw there; a new figure by default.
    title : str

    Returns
    -------
    fig : matplotlib Figure
    """
    grey = np.asarray(grey)
    if grey.dtype != np.uint8:
        raise OptionError(f"grey must be uint8, got {grey.dtype}; call to_grey first")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3))
    counts = np.bincount(grey.ravel(), minlength=256)
    ax.bar(np.arange(256), np.maximum(counts, 0.8), width=1.0, color="0.35")
    ax.set_yscale("log")
    ax.set_ylim(0.8, counts.max() * 2)
    ax.set_xlim(0, 255)
    ax.set_xlabel("grey level (0 = black ink, 255 = white paper)")
    ax.set_ylabel("pixels")
    ax.set_title(title)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (name, level) in enumerate((thresholds or {}).items()):
        ax.axvline(level, color=colours[(i + 1) % len(colours)], linewidth=1.5,
                   label=f"{name}: {int(level)}")
    if thresholds:
        # A framed legend: a threshold line may run behind it.
        ax.legend(loc="upper left", frameon=True, framealpha=0.9, edgecolor="none")
    ax.figure.tight_layout()
    return ax.figure


def show_threshold_view(view, *, title=None, size=5.0, note=True):
    """The thresholding explorer's figure: histogram with the threshold, and the ink.

    Parameters
    ----------
    view : ThresholdView
        From :func:`ocrkit.explore.threshold_view`.
    title : str, optional
        Title of the ink panel; the view's summary (:attr:`ThresholdView.title`,
        on two or three lines) by default.
    size : float
        Height of the figure in inches.
    note : bool
        Say above both panels which of the explorer's settings the method
        reads and which have no effect (:meth:`ThresholdView.note`).

    Returns
    -------
    fig : matplotlib Figure
    """
    rows, cols = view.ink.shape
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(size * (1.1 + cols / rows), size),
        gridspec_kw={"width_ratios": [1.1, cols / rows]})
    thresholds = None if view.threshold is None else {view.method: view.threshold}
    show_histogram(view.grey, thresholds=thresholds, ax=left)
    right.imshow(_shrink(view.ink, _INK_SIDE), cmap="gray_r", vmin=0, vmax=1,
                 interpolation="antialiased")
    right.set_title(title or view.title)
    # Ticks off but a light frame kept: white paper would otherwise merge
    # with the figure.
    right.set_xticks([])
    right.set_yticks([])
    for spine in right.spines.values():
        spine.set_color("0.7")
    if note:
        fig.suptitle(view.note())
    fig.tight_layout()
    return fig


# Gradient, HOG and evaluation figures (notebooks 03 to 05).

__all__ += ["show_gradients", "draw_gradients", "draw_hog_cells", "plot_orientation_histogram",
            "show_confusion"]


def _feature_axes(ax, figsize=(3, 3)):
    """``ax`` or a new single axes; returns (fig, ax)."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def _feature_picture(ax, image, title, *, vmax=None):
    """Draw a grey picture without ticks."""
    ax.imshow(image, cmap="gray", vmin=0, vmax=vmax)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)


def draw_gradients(image, g_row, g_col, *, ax=None, title=None, min_fraction=0.1):
    """Show an image with an arrow for each pixel's gradient.

    Arrows point the way the image gets brighter; their length is the
    gradient's magnitude (the longest is about a pixel and a half).

    Parameters
    ----------
    image : (M, N) ndarray
        Grey image, shown in grey.
    g_row, g_col : (M, N) ndarray
        Gradient along the rows (down) and the columns (right).
    ax : matplotlib Axes, optional
        Where to draw; a new figure if not given.
    title : str, optional
    min_fraction : float
        Leave out arrows shorter than this fraction of the longest, which
        would only clutter the picture.

    Returns
    -------
    fig : matplotlib Figure
    """
    image = np.asarray(image)
    g_row = np.asarray(g_row, dtype=float)
    g_col = np.asarray(g_col, dtype=float)
    if not image.shape == g_row.shape == g_col.shape or image.ndim != 2:
        raise OptionError(
            f"image, g_row and g_col must be 2-D arrays of one shape; got {image.shape}, "
            f"{g_row.shape} and {g_col.shape}"
        )
    fig, ax = _feature_axes(ax, (5.5, 5.5))
    _feature_picture(ax, image, title, vmax=float(image.max()) * 2.5 or None)
    magnitude = np.hypot(g_row, g_col)
    top = float(magnitude.max())
    if top > 0:
        rows, cols = np.nonzero(magnitude >= min_fraction * top)
        # In data coordinates with the row axis pointing down, a positive
        # g_row draws an arrow pointing down the picture.
        ax.quiver(cols, rows, g_col[rows, cols], g_row[rows, cols], color="white",
                  angles="xy", scale_units="xy", scale=top / 1.5, width=0.004,
                  headwidth=4, headlength=4, headaxislength=3.5)
    return fig


def show_gradients(g_row, g_col, *, signed=False, size=2.6):
    """Show a gradient as four pictures: along columns, along rows, magnitude, angle.

    Parameters
    ----------
    g_row, g_col : (M, N) ndarray
        Gradient along the rows (down) and the columns (right), e.g. central
        differences of a digit.
    signed : bool
        Angles over 0-360 degrees (else 0-180, where a gradient and its
        opposite are one orientation).
    size : float
        Height of each panel in inches.

    Returns
    -------
    fig : matplotlib Figure

    Notes
    -----
    The two gradients are grey with zero as mid-grey; the magnitude is grey.
    The angle is the one picture in colour: on a cyclic map, so that angles
    just above 0 and just below 180 (or 360) degrees, which are nearly the
    same direction, look alike; pixels without gradient are black.
    """
    g_row = np.asarray(g_row, dtype=float)
    g_col = np.asarray(g_col, dtype=float)
    if g_row.ndim != 2 or g_row.shape != g_col.shape:
        raise OptionError(
            f"g_row and g_col must be 2-D arrays of one shape; got {g_row.shape} and {g_col.shape}"
        )
    span = 360.0 if signed else 180.0
    magnitude = np.hypot(g_row, g_col)
    angle = np.rad2deg(np.arctan2(g_row, g_col)) % span
    limit = float(max(np.abs(g_row).max(), np.abs(g_col).max())) or 1.0
    fig, axes = plt.subplots(1, 4, figsize=(4 * size * 1.15, size))
    panels = [
        (g_col, "gray", -limit, limit, "g_col (brighter to the right)"),
        (g_row, "gray", -limit, limit, "g_row (brighter downwards)"),
        (magnitude, "gray", 0, None, "magnitude"),
        (np.ma.masked_where(magnitude == 0, angle), "twilight", 0, span,
         f"angle (0-{span:.0f} degrees)"),
    ]
    for ax, (picture, cmap, vmin, vmax, title) in zip(axes, panels):
        ax.set_facecolor("black")
        shown = ax.imshow(picture, cmap=cmap, vmin=vmin, vmax=vmax)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title)
    fig.colorbar(shown, ax=axes[3], fraction=0.046, pad=0.04,
                 ticks=np.arange(0, span + 1, 90 if signed else 45))
    fig.tight_layout()
    return fig


def _bin_angles(orientations, signed):
    """Centres of the orientation bins, radians from the column axis towards the rows."""
    span = 2 * np.pi if signed else np.pi
    return (np.arange(orientations) + 0.5) * span / orientations


def draw_hog_cells(image, cells, *, pixels_per_cell, signed=False, ax=None, title=None,
                   color="orange", mark=None):
    """Draw each cell's orientation histogram over the image, as a star of lines.

    Unsigned bins are drawn as lines through the cell's centre along the
    edge (perpendicular to the gradient, as scikit-image draws them), so the
    picture looks like the strokes.  Signed bins are drawn as rays from the
    centre pointing the way the gradient points (towards brighter).  Lengths
    are proportional to the bin values, the largest filling half a cell.

    Parameters
    ----------
    image : (M, N) ndarray
        The image the histograms were computed from, shown dimmed.
    cells : (n_cells_row, n_cells_col, orientations) ndarray
        As returned by :func:`ocrkit.hog.hog_cells` for one image.
    pixels_per_cell : 2-tuple of int
        The cell size the histograms were computed with.
    signed : bool
        Whether the histograms cover 0-360 degrees.
    ax : matplotlib Axes, optional
    title : str, optional
    color : matplotlib colour
        Colour of the lines.
    mark : (int, int), optional
        ``(row, column)`` of one cell to outline in red, such as the cell a
        text discusses.

    Returns
    -------
    fig : matplotlib Figure
    """
    from matplotlib.collections import LineCollection

    image = np.asarray(image)
    cells = np.asarray(cells, dtype=float)
    if image.ndim != 2 or cells.ndim != 3:
        raise OptionError(
            f"need one (M, N) image and its (rows, cols, orientations) cells; got shapes "
            f"{image.shape} and {cells.shape}. Draw the images of a stack one at a time."
        )
    c_row, c_col = (int(v) for v in pixels_per_cell)
    n_rows, n_cols, orientations = cells.shape
    if n_rows * c_row > image.shape[0] or n_cols * c_col > image.shape[1]:
        raise OptionError(
            f"{n_rows}x{n_cols} cells of {c_row}x{c_col} pixels do not fit an image of "
            f"{image.shape[0]}x{image.shape[1]}; pass the pixels_per_cell used for the cells"
        )
    if mark is not None and not (0 <= mark[0] < n_rows and 0 <= mark[1] < n_cols):
        raise OptionError(f"mark={tuple(mark)} is not a cell of the {n_rows}x{n_cols} grid; "
                         f"give (row, column) counted from 0")
    fig, ax = _feature_axes(ax, (4.5, 4.5))
    _feature_picture(ax, image, title, vmax=float(image.max()) * 3 or None)
    # Cell borders, faint, so the grid is visible without clutter.
    for r in range(n_rows + 1):
        ax.plot([-0.5, n_cols * c_col - 0.5], [r * c_row - 0.5] * 2, color="0.35", lw=0.5)
    for c in range(n_cols + 1):
        ax.plot([c * c_col - 0.5] * 2, [-0.5, n_rows * c_row - 0.5], color="0.35", lw=0.5)
    angles = _bin_angles(orientations, signed)
    top = float(cells.max())
    segments = []
    if top > 0:
        reach = 0.5 * min(c_row, c_col) * cells / top
        centre_row = (np.arange(n_rows) + 0.5) * c_row - 0.5
        centre_col = (np.arange(n_cols) + 0.5) * c_col - 0.5
        for r in range(n_rows):
            for c in range(n_cols):
                for b in np.flatnonzero(reach[r, c] > 0.02):
                    length = reach[r, c, b]
                    if signed:
                        # (row, col) direction of the gradient itself.
                        d_row, d_col = np.sin(angles[b]), np.cos(angles[b])
                        start = (centre_col[c], centre_row[r])
                    else:
                        # Perpendicular to the gradient: along the edge.
                        d_row, d_col = np.cos(angles[b]), -np.sin(angles[b])
                        start = (centre_col[c] - length * d_col, centre_row[r] - length * d_row)
                    end = (centre_col[c] + length * d_col, centre_row[r] + length * d_row)
                    segments.append([start, end])
    ax.add_collection(LineCollection(segments, colors=color, linewidths=1.5,
                                     capstyle="round"))
    if mark is not None:
        r, c = (int(v) for v in mark)
        ax.add_patch(plt.Rectangle((c * c_col - 0.5, r * c_row - 0.5), c_col, c_row,
                                   fill=False, edgecolor="red", linewidth=2))
    ax.set_xlim(-0.5, image.shape[1] - 0.5)
    ax.set_ylim(image.shape[0] - 0.5, -0.5)
    return fig


def plot_orientation_histogram(histogram, *, signed=False, ax=None, title=None):
    """Bar chart of one cell's orientation histogram.

    Parameters
    ----------
    histogram : (orientations,) ndarray
        One cell of :func:`ocrkit.hog.hog_cells`.
    signed : bool
        Whether the bins cover 0-360 degrees (else 0-180).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    fig : matplotlib Figure
    """
    histogram = np.asarray(histogram, dtype=float)
    if histogram.ndim != 1:
        raise OptionError(f"histogram must be 1-D (orientations,); got shape {histogram.shape}")
    fig, ax = _feature_axes(ax, (4, 3))
    span = 360 if signed else 180
    width = span / len(histogram)
    centres = (np.arange(len(histogram)) + 0.5) * width
    ax.bar(centres, histogram, width=width * 0.9, color="0.45", edgecolor="0.1")
    ax.set_xlim(0, span)
    ax.set_xticks(np.arange(0, span + 1, 45 if signed else 30))
    ax.set_xlabel("gradient orientation (degrees)")
    ax.set_ylabel("magnitude per pixel")
    if title:
        ax.set_title(title)
    return fig


def show_confusion(matrix, *, ax=None, title="Confusion matrix"):
    """Show a confusion matrix in grey, with the counts written in.

    Parameters
    ----------
    matrix : (C, C) int ndarray
        ``matrix[t, p]``: digits of true label ``t`` predicted as ``p``, as
        from :func:`ocrkit.evaluate.confusion_matrix`.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    fig : matplotlib Figure

    Notes
    -----
    The shading is the logarithm of the count, so that the few errors show
    beside the many right answers on the diagonal.
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise OptionError(f"a confusion matrix must be square (C, C); got shape {matrix.shape}")
    fig, ax = _feature_axes(ax, (5, 5))
    shade = np.log1p(matrix.astype(float))
    ax.imshow(shade, cmap="gray_r", vmin=0, vmax=max(float(shade.max()), 1e-9))
    n = len(matrix)
    for t in range(n):
        for p in range(n):
            if matrix[t, p]:
                dark = shade[t, p] > 0.6 * shade.max()
                ax.text(p, t, str(int(matrix[t, p])), ha="center", va="center", fontsize=8,
                        color="white" if dark else "black")
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    if title:
        ax.set_title(title)
    return fig


# Parameter sweeps (notebook 05).

__all__ += ["plot_sweep"]


def plot_sweep(values, curves, *, xlabel, ylabel="validation accuracy", logx=False, ax=None,
               title=None):
    """Line plot of scores against one setting, one line per curve.

    Parameters
    ----------
    values : sequence of float
        The setting tried (``k`` of a KNN, ``gamma`` of an SVM...).
    curves : dict of str to sequence of float
        Name of each line to its score at every value; a single curve is
        drawn without a legend.
    xlabel, ylabel : str
        Axis titles.
    logx : bool
        Logarithmic setting axis (for values spread over decades).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    fig : matplotlib Figure
    """
    values = list(values)
    for name, scores in curves.items():
        if len(scores) != len(values):
            raise OptionError(
                f"curve {name!r} has {len(scores)} scores for {len(values)} values; give one "
                "score per value"
            )
    fig, ax = _feature_axes(ax, (4.5, 3.2))
    # Greys and markers tell the lines apart without colour.
    styles = [("0.1", "o", "-"), ("0.45", "s", "--"), ("0.65", "^", ":"), ("0.3", "D", "-.")]
    for i, (name, scores) in enumerate(curves.items()):
        grey, marker, line = styles[i % len(styles)]
        ax.plot(values, scores, color=grey, marker=marker, linestyle=line, label=name)
    if logx:
        ax.set_xscale("log")
    ax.set_xticks(values)
    ax.set_xticklabels([f"{v:g}" for v in values])
    ax.minorticks_off()
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, color="0.9")
    if len(curves) > 1:
        ax.legend(frameon=False)
    if title:
        ax.set_title(title)
    return fig


# Reading a page, and correcting it (notebooks 06 and 07).

__all__ += ["show_page", "show_reading", "show_page_digits"]


def show_page(image, *, title=None, size=6.0, max_side=1000):
    """Show one page-sized image, shrunk by area averaging so thin lines stay visible.

    Parameters
    ----------
    image : (M, N) or (M, N, 3) uint8 ndarray
        A page, a template, a sheet's overlay.
    title : str, optional
    size : float
        Height in inches.
    max_side : int
        Longest side, in pixels, the image is shrunk to for display.

    Returns
    -------
    fig : matplotlib Figure
    """
    image = np.asarray(image)
    if image.ndim not in (2, 3) or image.size == 0:
        raise OptionError(f"image must be (M, N) or (M, N, 3), got shape {image.shape}")
    if image.dtype == bool:
        image = np.where(image, 0, 255).astype(np.uint8)
    return show_images([_shrink(image, max_side)], None if title is None else [title], size=size,
                       vmin=0 if image.ndim == 2 else None, vmax=255 if image.ndim == 2 else None)


def show_reading(reading, *, region=None, titles=None, size=6.0, max_side=1000, cols=2):
    """A page read: the annotated page and the recognised digits alone, side by side.

    Parameters
    ----------
    reading : PageReading
        From :func:`ocrkit.pipeline.read_page`.
    region : (top, bottom, left, right) ints, optional
        Show only this part of the page (page pixels), to zoom in.
    titles : (str, str), optional
        Titles of the two panels.
    size : float
        Height of each panel in inches.
    max_side : int
        Longest side, in pixels, each panel is shrunk to for display.
    cols : {2, 1}
        2 puts the panels side by side, 1 one above the other (for a wide
        region, such as a line or two of writing).

    Returns
    -------
    fig : matplotlib Figure
    """
    if cols not in (1, 2):
        raise OptionError(f"cols must be 1 or 2, got {cols!r}")
    panels = [reading.annotated(), reading.digits_image()]
    if region is not None:
        top, bottom, left, right = (int(v) for v in region)
        if not (0 <= top < bottom and 0 <= left < right):
            raise OptionError(f"region must be (top, bottom, left, right) with top < bottom and "
                             f"left < right, got {region}")
        panels = [panel[top:bottom, left:right] for panel in panels]
    if titles is None:
        titles = (f"{reading.name}: {len(reading.boxes)} digits found",
                  "the recognised digits alone")
    return show_images([_shrink(panel, max_side) for panel in panels], list(titles), size=size,
                       cols=cols)


def _digit_tile(grey, box, margin, side, fade=0.25):
    """A square crop of ``grey`` around ``box``, ``side`` pixels wide.

    ``margin`` of the box's longer side is shown around it, so that the digit
    is seen in its place; ink outside the box is faded to ``fade`` of its
    darkness, so that it is clear which of two neighbours is meant.
    """
    x, y, w, h = (int(v) for v in box)
    half = max(w, h) * (0.5 + margin)
    cx, cy = x + w / 2, y + h / 2
    top, left = int(round(cy - half)), int(round(cx - half))
    span = max(1, int(round(2 * half)))
    tile = np.full((span, span), 255, np.uint8)
    rows, cols = grey.shape
    t0, l0 = max(top, 0), max(left, 0)
    t1, l1 = min(top + span, rows), min(left + span, cols)
    if t1 > t0 and l1 > l0:
        tile[t0 - top:t1 - top, l0 - left:l1 - left] = grey[t0:t1, l0:l1]
    outside = np.ones(tile.shape, bool)
    outside[max(y - top, 0):max(y + h - top, 0), max(x - left, 0):max(x + w - left, 0)] = False
    tile[outside] = (255 - fade * (255 - tile[outside].astype(float))).astype(np.uint8)
    interpolation = cv2.INTER_AREA if span > side else cv2.INTER_LINEAR
    return cv2.resize(tile, (side, side), interpolation=interpolation)


def show_page_digits(reading, indices, *, labels=None, numbered=True, cols=8, size=1.2,
                     margin=0.2, title=None):
    """Digits of a page as they were written, each titled with what was read.

    Parameters
    ----------
    reading : PageReading
    indices : sequence of int
        The digits to show, in this order.
    labels : (K,) int array_like or dict of int to int, optional
        Other labels for the page's digits (the truth, or a retrained
        model's, as from :func:`ocrkit.correct.changed_digits`): a tile is
        then titled ``read -> other``.
    numbered : bool
        Start each title with the tile's number, ``#1`` for the first (the
        names of a correction widget's choices).
    cols : int
        Tiles per row.
    size : float
        Size of each tile in inches.
    margin : float
        Page shown around each digit, as a share of its box's longer side;
        what lies outside the digit's box is shown faded.
    title : str, optional
        Title of the whole figure.

    Returns
    -------
    fig : matplotlib Figure
    """
    indices = [int(i) for i in indices]
    count = len(reading.boxes)
    bad = [i for i in indices if not 0 <= i < count]
    if bad:
        raise OptionError(f"digit indices {bad} are not among the page's {count} digits")
    if isinstance(labels, dict):
        missing = [i for i in indices if i not in labels]
        if missing:
            raise OptionError(f"labels has no label for digits {missing}")
    elif labels is not None and len(labels) != count:
        raise OptionError(f"labels must give one label per digit of the page ({count}), "
                         f"got {len(labels)}")
    image = np.asarray(reading.image)
    grey = cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    cols = max(1, min(cols, len(indices) or 1))
    rows = max(1, int(np.ceil(len(indices) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * size, rows * (size + 0.3)),
                             squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")

    def name(label):
        return "?" if label < 0 else str(int(label))

    for n, (ax, i) in enumerate(zip(axes.ravel(), indices)):
        ax.imshow(_digit_tile(grey, reading.boxes[i], margin, 64), cmap="gray", vmin=0, vmax=255)
        text = name(reading.labels[i])
        if labels is not None:
            text += f" \u2192 {name(labels[i])}"
        ax.set_title(f"#{n + 1}: {text}" if numbered else text, fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


# Correcting a page in a widget (notebook 07).

__all__ += ["correction_panel"]

#: Width in CSS pixels of each digit's column in :func:`correction_panel`: its
#: menu is as wide, so that the value it shows ("?", "7") can be read.
PANEL_COLUMN = 84


def _tile_png(grey, box, side):
    """A digit's tile (as :func:`show_page_digits` draws it) as PNG bytes."""
    ok, png = cv2.imencode(".png", _digit_tile(grey, box, 0.2, side))
    if not ok:
        raise OptionError("could not encode a digit's tile as PNG")
    return png.tobytes()


def correction_panel(reading, indices, *, on_retrain, side=64):
    """The digits to check, each with a menu of labels under it, and a button to retrain.

    Each digit is shown as it was written (the tiles of
    :func:`show_page_digits`), titled ``#1: read 7`` (``?`` when it was
    rejected), above a menu set to what was read.  The learner sets a menu
    to the right digit where the reading is wrong and presses **retrain**;
    while ``on_retrain`` runs, the button is disabled and says ``training…``.

    Parameters
    ----------
    reading : PageReading
        From :func:`ocrkit.pipeline.read_page`.
    indices : sequence of int
        The digits to show, in this order
        (:func:`ocrkit.correct.review_order`).
    on_retrain : callable
        ``on_retrain(corrections)``, with the corrections the menus make
        (:func:`ocrkit.correct.corrections_from_choices`: digit index to its
        right label, only where a menu differs from the reading); not called
        when there is none.  What it prints, and what it returns (a figure or
        text; None shows nothing), appear under the button.
    side : int
        Width and height of each digit's picture, in pixels.

    Returns
    -------
    panel : ipywidgets.VBox
        Its children: a row of one VBox per digit (a Label, an Image, a
        Dropdown), the button beside a status Label, and an Output.
    """
    import ipywidgets as widgets
    from IPython.display import display

    from .correct import corrections_from_choices

    indices = [int(i) for i in indices]
    count = len(reading.boxes)
    bad = [i for i in indices if not 0 <= i < count]
    if bad:
        raise OptionError(f"digit indices {bad} are not among the page's {count} digits")
    image = np.asarray(reading.image)
    grey = cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    options = [("?", -1)] + [(str(d), d) for d in range(10)]
    width = f"{max(PANEL_COLUMN, side)}px"
    menus, columns = [], []
    for n, i in enumerate(indices):
        label = int(reading.labels[i])
        menu = widgets.Dropdown(options=options, value=max(label, -1),
                                layout=widgets.Layout(width=width))
        picture = widgets.Image(value=_tile_png(grey, reading.boxes[i], side), format="png",
                                layout=widgets.Layout(width=f"{side}px", height=f"{side}px"))
        title = widgets.Label(f"#{n + 1}: read {'?' if label < 0 else label}")
        columns.append(widgets.VBox([title, picture, menu],
                                    layout=widgets.Layout(width=width, align_items="center")))
        menus.append(menu)
    button = widgets.Button(description="retrain", icon="refresh",
                            tooltip="train again with your corrections and read the page again")
    status = widgets.Label("")
    output = widgets.Output()

    def retrain(_):
        corrections = corrections_from_choices(
            reading, {i: menu.value for i, menu in zip(indices, menus)})
        output.clear_output()
        if not corrections:
            with output:
                print("nothing to learn yet: set a menu to the right digit first")
            return
        button.disabled, button.description, button.icon = True, "training\u2026", "hourglass"
        status.value = f"training with {len(corrections)} correction(s)\u2026"
        try:
            with output:
                shown = on_retrain(corrections)
                if shown is not None:
                    display(shown)
                if isinstance(shown, plt.Figure):
                    plt.close(shown)
        finally:
            button.disabled, button.description, button.icon = False, "retrain", "refresh"
            status.value = ""

    button.on_click(retrain)
    row = widgets.HBox(columns, layout=widgets.Layout(flex_flow="row wrap"))
    return widgets.VBox([row, widgets.HBox([button, status]), output])
