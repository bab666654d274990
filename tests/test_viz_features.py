"""Tests of the gradient, HOG and evaluation figures in ocrkit.viz.

The figures are checked through what they draw (segments, arrows, texts,
images), on pictures whose gradients are known by construction.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.quiver import Quiver  # noqa: E402

from ocrkit.evaluate import confusion_matrix  # noqa: E402
from ocrkit.hog import hog_cells  # noqa: E402
from ocrkit.viz import (  # noqa: E402
    draw_gradients,
    draw_hog_cells,
    plot_orientation_histogram,
    plot_sweep,
    show_confusion,
    show_gradients,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def right_edge(size=16):
    """Dark left half, bright right half: every gradient points right (0 degrees)."""
    image = np.zeros((size, size), np.uint8)
    image[:, size // 2:] = 255
    return image


def central_differences(image):
    image = image.astype(np.int32)
    g_row = np.zeros_like(image)
    g_col = np.zeros_like(image)
    g_row[1:-1] = image[2:] - image[:-2]
    g_col[:, 1:-1] = image[:, 2:] - image[:, :-2]
    return g_row, g_col


def segments_of(ax):
    (collection,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    return [np.asarray(s) for s in collection.get_segments()]


def test_unsigned_hog_cells_are_drawn_along_the_edge():
    image = right_edge()
    cells = hog_cells(image, orientations=4, pixels_per_cell=(4, 4))
    fig = draw_hog_cells(image, cells, pixels_per_cell=(4, 4))
    segments = segments_of(fig.axes[0])
    # Pixels 7 and 8 straddle the edge: two columns of 4 cells, all in bin 0.
    assert len(segments) == 8
    for (x0, y0), (x1, y1) in segments:
        # Bin 0 of 4 is centred on 22.5 degrees; its edge is 22.5 degrees off vertical.
        assert abs(y1 - y0) > abs(x1 - x0) > 0
        # Centred on the cell's centre, the longest half a cell long each way.
        assert (x0 + x1) / 2 == pytest.approx(5.5) or (x0 + x1) / 2 == pytest.approx(9.5)
        assert np.hypot(x1 - x0, y1 - y0) == pytest.approx(4.0)


def test_signed_hog_cells_are_rays_towards_brighter():
    image = right_edge()
    cells = hog_cells(image, orientations=8, pixels_per_cell=(4, 4), signed=True)
    fig = draw_hog_cells(image, cells, pixels_per_cell=(4, 4), signed=True)
    segments = segments_of(fig.axes[0])
    assert len(segments) == 8
    for start, end in segments:
        # Start at a cell centre, end to its right: the image gets brighter rightwards.
        assert end[0] - start[0] > abs(end[1] - start[1]) > 0


def test_the_darker_side_of_an_edge_gives_opposite_signed_rays():
    image = 255 - right_edge()
    cells = hog_cells(image, orientations=8, pixels_per_cell=(4, 4), signed=True)
    fig = draw_hog_cells(image, cells, pixels_per_cell=(4, 4), signed=True)
    for start, end in segments_of(fig.axes[0]):
        assert end[0] < start[0]


def test_blank_image_draws_no_lines():
    image = np.zeros((12, 12), np.uint8)
    cells = hog_cells(image, orientations=9, pixels_per_cell=(4, 4))
    fig = draw_hog_cells(image, cells, pixels_per_cell=(4, 4))
    assert segments_of(fig.axes[0]) == []


def test_hog_cells_must_fit_the_image():
    image = right_edge()
    cells = hog_cells(image, orientations=9, pixels_per_cell=(4, 4))
    with pytest.raises(ValueError, match="pixels_per_cell"):
        draw_hog_cells(image, cells, pixels_per_cell=(8, 8))
    with pytest.raises(ValueError, match="one at a time"):
        draw_hog_cells(image, cells[None], pixels_per_cell=(4, 4))


def test_mark_outlines_one_cell():
    image = right_edge()
    cells = hog_cells(image, orientations=9, pixels_per_cell=(4, 4))
    fig = draw_hog_cells(image, cells, pixels_per_cell=(4, 4), mark=(1, 2))
    (outline,) = fig.axes[0].patches
    # Row 1, column 2 of 4-pixel cells: pixels 4-7 down and 8-11 across.
    assert outline.get_xy() == (7.5, 3.5)
    assert (outline.get_width(), outline.get_height()) == (4, 4) and not outline.get_fill()
    assert len(draw_hog_cells(image, cells, pixels_per_cell=(4, 4)).axes[0].patches) == 0
    with pytest.raises(ValueError, match=r"mark=\(4, 0\) is not a cell of the 4x4 grid"):
        draw_hog_cells(image, cells, pixels_per_cell=(4, 4), mark=(4, 0))


def test_draw_gradients_puts_one_arrow_per_strong_pixel_pointing_right():
    image = right_edge()
    g_row, g_col = central_differences(image)
    fig = draw_gradients(image, g_row, g_col, ax=plt.subplots()[1])
    (quiver,) = [c for c in fig.axes[0].collections if isinstance(c, Quiver)]
    # Two columns of 16 pixels straddle the edge.
    assert quiver.N == 32
    assert np.all(np.asarray(quiver.U) > 0)
    assert np.all(np.asarray(quiver.V) == 0)


def test_draw_gradients_checks_shapes():
    image = right_edge()
    with pytest.raises(ValueError, match="one shape"):
        draw_gradients(image, np.zeros((4, 4)), np.zeros((4, 4)))


def test_show_gradients_masks_the_angle_where_there_is_no_gradient():
    g_row, g_col = central_differences(right_edge())
    fig = show_gradients(g_row, g_col)
    pictures = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    assert len(pictures) == 4
    angle = pictures[3]
    assert int(np.ma.count(angle)) == 32  # only the edge pixels are shown
    assert float(angle.max()) == 0.0  # pointing right is 0 degrees
    np.testing.assert_array_equal(pictures[0], g_col)


def test_orientation_histogram_bars_cover_the_half_or_full_turn():
    fig = plot_orientation_histogram(np.arange(6.0))
    bars = fig.axes[0].patches
    assert len(bars) == 6
    assert [round(b.get_height()) for b in bars] == [0, 1, 2, 3, 4, 5]
    assert fig.axes[0].get_xlim() == (0, 180)
    fig = plot_orientation_histogram(np.ones(12), signed=True)
    assert fig.axes[0].get_xlim() == (0, 360)


def test_show_confusion_writes_every_nonzero_count():
    matrix = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], n_classes=3)
    fig = show_confusion(matrix)
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["1", "1", "1", "1", "2"]
    with pytest.raises(ValueError, match="square"):
        show_confusion(np.zeros((2, 3)))


def test_plot_sweep_draws_one_line_per_curve_at_the_values():
    fig = plot_sweep([0.01, 0.1, 1.0], {"C = 1": [0.9, 0.95, 0.5], "C = 10": [0.92, 0.97, 0.6]},
                     xlabel="gamma", logx=True)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["C = 1", "C = 10"]
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [0.92, 0.97, 0.6])
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.01", "0.1", "1"]
    assert ax.get_legend() is not None
    single = plot_sweep([1, 3], {"KNN": [0.9, 0.91]}, xlabel="k").axes[0]
    assert single.get_legend() is None


def test_plot_sweep_needs_a_score_per_value():
    with pytest.raises(ValueError, match="one score per value"):
        plot_sweep([1, 3, 5], {"KNN": [0.9, 0.91]}, xlabel="k")
