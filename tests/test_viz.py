"""Tests of the figures in ocrkit.viz that notebooks 01 and 02 draw."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ocrkit.explore import threshold_view  # noqa: E402
from ocrkit.viz import show_histogram, show_images, show_threshold_view  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_histogram_draws_every_level_and_the_thresholds():
    grey = np.repeat(np.arange(256, dtype=np.uint8), 3).reshape(24, 32)
    fig = show_histogram(grey, thresholds={"fixed": 127, "Otsu": 140})
    ax = fig.axes[0]
    assert len(ax.patches) == 256
    assert [line.get_xdata()[0] for line in ax.lines] == [127, 140]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["fixed: 127", "Otsu: 140"]
    assert ax.get_yscale() == "log"


def test_histogram_refuses_float_images():
    with pytest.raises(ValueError, match="call to_grey first"):
        show_histogram(np.zeros((4, 4)))


def test_threshold_view_figure_shows_the_summary_and_the_level():
    grey = np.full((300, 200), 220, np.uint8)
    grey[100:200, 50:60] = 30
    view = threshold_view(grey, method="fixed", threshold=127)
    fig = show_threshold_view(view)
    histogram, ink = fig.axes
    assert ink.get_title().replace("\n", ": ") == view.summary()
    assert [line.get_xdata()[0] for line in histogram.lines] == [127]
    shown = ink.get_images()[0].get_array()
    assert shown.shape == (300, 200)
    assert float(shown.sum()) == 1000.0  # the 100 x 10 bar, at full size


def test_threshold_view_figure_shrinks_big_pages_for_display_only():
    grey = np.full((2400, 1800), 220, np.uint8)
    grey[1000:1400, 800:840] = 30
    view = threshold_view(grey, method="sauvola")
    fig = show_threshold_view(view)
    histogram, ink = fig.axes
    assert not histogram.lines  # a local method has no single threshold
    shown = np.asarray(ink.get_images()[0].get_array())
    assert max(shown.shape) <= 900
    # Area averaging keeps the amount of ink, in proportion to the area.
    assert shown.sum() / shown.size == pytest.approx(view.ink.mean(), rel=0.02)
    assert view.ink.shape == (2400, 1800)


def test_threshold_view_figure_says_which_settings_have_no_effect():
    grey = np.full((300, 200), 220, np.uint8)
    grey[100:200, 50:60] = 30
    for method, unused in [("fixed", "block_size has no effect"),
                           ("sauvola", "threshold has no effect"),
                           ("contrast", "threshold and block_size have no effect")]:
        fig = show_threshold_view(threshold_view(grey, method=method))
        assert fig.get_suptitle().startswith(method)
        assert fig.get_suptitle().endswith(unused)
    assert show_threshold_view(threshold_view(grey), note=False).get_suptitle() == ""


def test_threshold_view_figure_counts_the_digits_in_its_title():
    grey = np.full((300, 200), 220, np.uint8)
    grey[100:200, 50:60] = 30
    view = threshold_view(grey, method="fixed", threshold=127, boxes=[(50, 100, 10, 100)])
    _, ink = show_threshold_view(view).axes
    assert ink.get_title().split("\n") == ["fixed t=127", "1.67% ink, 1 components",
                                            "1 of 1 digits visible"]


def test_images_shrunk_for_display_keep_thin_strokes():
    mask = np.zeros((2000, 1000), bool)
    mask[:, 500] = True  # a stroke one pixel wide
    page = np.full((2000, 1000), 255, np.uint8)
    fig = show_images([mask, page], max_side=400)
    shown_mask, shown_page = (np.asarray(ax.get_images()[0].get_array()) for ax in fig.axes[:2])
    assert shown_mask.shape == shown_page.shape == (400, 200)
    # Area averaging keeps the stroke as a faint grey line in every row.
    assert (shown_mask.max(axis=1) > 0).all()
    assert shown_mask.sum() == pytest.approx(mask.sum() / 25, rel=0.01)
    # Without max_side, the images are shown as they are.
    plt.close("all")
    fig = show_images([mask])
    assert fig.axes[0].get_images()[0].get_array().shape == (2000, 1000)
