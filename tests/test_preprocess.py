"""Tests of ocrkit.preprocess on drawn pages whose ink is known by construction."""

import cv2
import numpy as np
import pytest

from ocrkit.preprocess import (
    BINARIZE_METHODS,
    binarize,
    estimate_stroke_width,
    flatten_illumination,
    remove_specks,
    to_grey,
)

PAPER, INK = 230, 40


def stroke_mask(rows=400, cols=600):
    """Slanted bars, rings and flat dashes, 4-5 px wide, all over the page."""
    mask = np.zeros((rows, cols), np.uint8)
    for i in range(8):
        x = 40 + i * 65
        cv2.line(mask, (x, 60), (x + 30, 160), 1, 5)
        cv2.circle(mask, (x + 15, 260), 25, 1, 5)
        cv2.line(mask, (x, 330), (x + 40, 340), 1, 4)
    return mask.astype(bool)


def lighting(rows, cols):
    """A linear shadow darkening the page to 30 % on the right, times vignetting."""
    yy, xx = np.mgrid[:rows, :cols]
    shadow = 1.0 - 0.7 * xx / cols
    vignette = 1.0 - 0.8 * (((yy - rows / 2) / rows) ** 2 + ((xx - cols / 2) / cols) ** 2)
    return shadow * vignette


def drawn_page(*, shaded=False, noise=2.0, seed=0):
    """A grey page of dark strokes on light paper, and the true stroke mask."""
    truth = stroke_mask()
    light = lighting(*truth.shape) if shaded else 1.0
    page = np.where(truth, INK, PAPER) * light
    page = page + np.random.default_rng(seed).normal(0, noise, truth.shape)
    return np.clip(page + 0.5, 0, 255).astype(np.uint8), truth


def iou(found, truth):
    return (found & truth).sum() / (found | truth).sum()


# ------------------------------------------------------------------ to_grey
def test_to_grey_keeps_dark_ink_on_light_grey_page():
    page, _ = drawn_page()
    grey = to_grey(page)
    assert grey.dtype == np.uint8 and grey.shape == page.shape
    np.testing.assert_array_equal(grey, page)


def test_to_grey_converts_rgb_with_luma_weights():
    rgb = np.zeros((10, 12, 3), np.uint8)
    rgb[..., 0], rgb[..., 1], rgb[..., 2] = 200, 220, 240
    rgb[4:6, 4:8] = (20, 30, 40)
    grey = to_grey(rgb)
    assert grey.shape == (10, 12) and grey.dtype == np.uint8
    # ITU-R 601 luma: 0.299 R + 0.587 G + 0.114 B.
    assert abs(int(grey[0, 0]) - round(0.299 * 200 + 0.587 * 220 + 0.114 * 240)) <= 1
    assert abs(int(grey[5, 5]) - round(0.299 * 20 + 0.587 * 30 + 0.114 * 40)) <= 1


def test_to_grey_drops_alpha_and_single_channel_axis():
    page, _ = drawn_page()
    rgba = np.dstack([page, page, page, np.full_like(page, 255)])
    np.testing.assert_array_equal(to_grey(rgba), page)
    np.testing.assert_array_equal(to_grey(page[..., None]), page)


def test_to_grey_scales_uint16_to_uint8():
    page, _ = drawn_page()
    grey = to_grey(page.astype(np.uint16) * 257)
    assert grey.dtype == np.uint8
    np.testing.assert_array_equal(grey, page)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_to_grey_reads_floats_as_zero_to_one(dtype):
    page, _ = drawn_page()
    grey = to_grey((page / 255.0).astype(dtype))
    assert grey.dtype == np.uint8
    assert np.abs(grey.astype(int) - page).max() <= 1


def test_to_grey_inverts_white_ink_on_black():
    page, truth = drawn_page()
    grey = to_grey(255 - page)
    np.testing.assert_array_equal(grey, page)
    assert grey[truth].mean() < 100 < grey[~truth].mean()


def test_to_grey_inversion_can_be_forced_or_refused():
    page, _ = drawn_page()
    np.testing.assert_array_equal(to_grey(page, invert=True), 255 - page)
    np.testing.assert_array_equal(to_grey(255 - page, invert=False), 255 - page)


# ----------------------------------------------------- flatten_illumination
def test_flatten_illumination_makes_paper_white_and_keeps_strokes_dark():
    page, truth = drawn_page(shaded=True)
    assert page[:, -50:][~truth[:, -50:]].mean() < 90  # the shadowed side really is dark
    flat = flatten_illumination(page)
    assert flat.shape == page.shape and flat.dtype == np.uint8
    # Judge every 100 x 100 tile of the page on its own: the shadow must be
    # gone everywhere, not on average.
    for top in range(0, page.shape[0], 100):
        for left in range(0, page.shape[1], 100):
            tile = np.s_[top:top + 100, left:left + 100]
            assert np.median(flat[tile][~truth[tile]]) >= 235, (top, left)
            if truth[tile].any():
                assert np.median(flat[tile][truth[tile]]) <= 80, (top, left)
    assert np.percentile(flat[~truth], 1) > np.percentile(flat[truth], 99) + 100


def test_flatten_illumination_of_even_page_changes_little():
    page, truth = drawn_page(noise=0)
    flat = flatten_illumination(page)
    assert np.median(flat[~truth]) >= 250
    assert abs(np.median(flat[truth]) - INK * 255 / PAPER) < 5


def test_otsu_needs_flattening_on_a_shaded_page():
    page, truth = drawn_page(shaded=True)
    light, dark = np.s_[:, :200], np.s_[:, -150:]
    raw = binarize(page, method="otsu")
    # Without flattening, one threshold fits the bright side only: in the
    # shadow the paper is as dark as the ink there and the strokes drown.
    assert iou(raw[light], truth[light]) > 0.9
    assert iou(raw[dark], truth[dark]) < 0.3
    flat = binarize(flatten_illumination(page), method="otsu")
    assert iou(flat[light], truth[light]) > 0.95
    assert iou(flat[dark], truth[dark]) > 0.95


# ----------------------------------------------------------------- binarize
@pytest.mark.parametrize("method", BINARIZE_METHODS)
def test_binarize_finds_the_drawn_strokes(method):
    page, truth = drawn_page(noise=4)
    ink = binarize(page, method=method)
    assert ink.dtype == bool and ink.shape == truth.shape
    assert iou(ink, truth) > 0.97


@pytest.mark.parametrize("method", BINARIZE_METHODS)
def test_binarize_after_flattening_a_shaded_page(method):
    page, truth = drawn_page(shaded=True)
    ink = binarize(flatten_illumination(page), method=method)
    # Flattening amplifies the paper's noise in the shadow, where the local
    # methods see a few specks; they are what remove_specks is for.
    assert iou(ink, truth) > 0.9
    assert iou(remove_specks(ink), truth) > 0.97


@pytest.mark.parametrize("method", ["adaptive_mean", "adaptive_gaussian", "sauvola"])
def test_adaptive_methods_cope_with_shadow_unflattened(method):
    page, truth = drawn_page(shaded=True)
    assert iou(binarize(page, method=method), truth) > 0.9


def test_sauvola_gives_scikit_images_threshold():
    # Oracle: Sauvola's rule as scikit-image computes it, with the same
    # window, k and dynamic range, away from the border (where the two pad
    # the window differently), and with binarize's guard that ink is
    # clearly darker than the paper. Half the page is a mottled grey well
    # below the paper, where the local threshold alone decides.
    from skimage.filters import threshold_sauvola

    from ocrkit.preprocess import _paper_noise

    rng = np.random.default_rng(4)
    page = rng.normal(PAPER, 2.0, (300, 400))
    mottle = cv2.GaussianBlur(rng.normal(0, 1, (300, 200)), (0, 0), 3)
    page[:, 200:] = 165 + 30 * mottle / mottle.std()
    page = np.clip(page + 0.5, 0, 255).astype(np.uint8)
    block = 31
    paper, noise = _paper_noise(page)
    theirs = (page < threshold_sauvola(page, window_size=block, k=0.2, r=128)) & (
        page < paper - 3.0 * noise)
    inner = (slice(block, -block), slice(block, -block))
    assert 0.05 < theirs[inner].mean() < 0.45  # the threshold matters here
    ours = binarize(page, method="sauvola", block_size=block, k=0.2)
    # Only pixels within a rounding of the threshold may differ (float32 sums).
    assert (ours[inner] != theirs[inner]).mean() < 1e-3


def test_fixed_threshold_is_the_given_grey_level():
    grey = np.arange(256, dtype=np.uint8).reshape(16, 16)
    np.testing.assert_array_equal(binarize(grey, method="fixed", threshold=100), grey < 100)


@pytest.mark.parametrize("flatten", [False, True])
def test_otsu_leaves_a_noisy_blank_page_blank(flatten):
    rng = np.random.default_rng(3)
    blank = np.clip(rng.normal(PAPER, 6, (480, 640)) + 0.5, 0, 255).astype(np.uint8)
    grey = flatten_illumination(blank) if flatten else blank
    assert binarize(grey, method="otsu").mean() < 1e-4


def test_otsu_on_a_page_with_ink_is_not_held_back_by_the_blank_guard():
    page, truth = drawn_page(noise=6)
    assert iou(binarize(page, method="otsu"), truth) > 0.95


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"method": "magic"}, "unknown method 'magic'"),
        ({"method": "adaptive_mean", "block_size": 10}, "block_size must be odd"),
        ({"method": "sauvola", "block_size": 1}, "block_size must be odd"),
    ],
)
def test_binarize_rejects_bad_options(options, match):
    page, _ = drawn_page()
    with pytest.raises(ValueError, match=match):
        binarize(page, **options)


def test_binarize_rejects_colour_and_non_uint8_input():
    page, _ = drawn_page()
    with pytest.raises(ValueError, match="call to_grey first"):
        binarize(np.dstack([page] * 3))
    with pytest.raises(ValueError, match="call to_grey first"):
        binarize(page / 255.0)


@pytest.mark.parametrize("bad", [np.zeros((4, 4, 4, 4), np.uint8), np.zeros((4, 4, 2), np.uint8),
                                 np.zeros((0, 5), np.uint8)])
def test_stages_reject_unusable_shapes(bad):
    with pytest.raises(ValueError, match="shape"):
        to_grey(bad)
    with pytest.raises(ValueError, match="shape"):
        binarize(bad)


def test_flatten_illumination_asks_for_grey():
    page, _ = drawn_page()
    with pytest.raises(ValueError, match="call to_grey first"):
        flatten_illumination(np.dstack([page] * 3))


# ------------------------------------------------- stroke width and specks
@pytest.mark.parametrize("thickness", [3, 7, 15])
def test_estimate_stroke_width_of_drawn_lines(thickness):
    ink = np.zeros((300, 400), np.uint8)
    cv2.line(ink, (30, 150), (370, 150), 1, thickness)
    # cv2.line draws ``thickness + 2`` pixels across (3 -> 5): the truth is
    # what is on the image, counted across the horizontal line.
    width = int(ink[:, 100].sum())
    assert thickness < width <= thickness + 2
    cv2.line(ink, (200, 30), (200, 270), 1, thickness)
    cv2.line(ink, (40, 40), (160, 260), 1, thickness)
    assert abs(estimate_stroke_width(ink.astype(bool)) - width) <= 1.0


@pytest.mark.parametrize("width", [2, 5, 12])
def test_estimate_stroke_width_of_bars_of_exact_width(width):
    ink = np.zeros((200, 200), bool)
    ink[20:180, 50:50 + width] = True
    ink[100:100 + width, 60:190] = True
    assert abs(estimate_stroke_width(ink) - width) <= 1.0


def test_estimate_stroke_width_without_ink_is_zero():
    assert estimate_stroke_width(np.zeros((20, 20), bool)) == 0.0
    with pytest.raises(ValueError, match=r"\(M, N\)"):
        estimate_stroke_width(np.zeros((2, 20, 20), bool))


def test_remove_specks_drops_dots_and_keeps_strokes():
    strokes = stroke_mask()
    near_strokes = cv2.dilate(strokes.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    rng = np.random.default_rng(5)
    dots = np.zeros(strokes.shape, np.uint8)
    for x, y in zip(rng.integers(5, 595, 80), rng.integers(5, 395, 80)):
        if not near_strokes[y, x]:
            cv2.circle(dots, (int(x), int(y)), 1, 1, -1)  # 3 px across; the pen is 4-5
    assert dots.sum() > 200
    cleaned = remove_specks(strokes | dots.astype(bool))
    np.testing.assert_array_equal(cleaned, strokes)


def test_remove_specks_on_empty_ink_is_a_no_op():
    empty = np.zeros((30, 40), bool)
    cleaned = remove_specks(empty)
    assert not cleaned.any() and cleaned is not empty


# ------------------------------------------------ ink by contrast (the default)
def faint_page(*, contrast, noise, seed=0):
    """Grey paper with thin strokes ``contrast`` levels darker, under camera noise."""
    truth = np.zeros((560, 768), np.uint8)
    for i in range(8):
        x = 60 + i * 85
        cv2.line(truth, (x, 200), (x + 20, 300), 1, 3)
        cv2.circle(truth, (x + 30, 380), 22, 1, 3)
    truth = truth.astype(bool)
    page = np.where(truth, 170 - contrast, 170) + np.random.default_rng(seed).normal(
        0, noise, truth.shape)
    return np.clip(page + 0.5, 0, 255).astype(np.uint8), truth


@pytest.mark.parametrize("flatten", [False, True])
def test_contrast_leaves_a_noisy_blank_page_blank(flatten):
    rng = np.random.default_rng(3)
    blank = np.clip(rng.normal(PAPER, 6, (480, 640)) + 0.5, 0, 255).astype(np.uint8)
    grey = flatten_illumination(blank) if flatten else blank
    assert binarize(grey).mean() < 1e-4


def test_contrast_finds_a_thin_faint_pen_under_heavy_noise():
    # The pen is 40 levels darker than grey paper, the noise 12 levels: no
    # single pixel can be trusted, so the page is smoothed first.
    page, truth = faint_page(contrast=40, noise=12)
    ink = binarize(flatten_illumination(page))
    assert (ink & truth).sum() > 0.8 * truth.sum()       # the strokes are found
    assert (ink & ~cv2.dilate(truth.view(np.uint8), np.ones((7, 7))).astype(bool)).sum() < 50


def test_a_dark_rim_measured_apart_leaves_the_faint_pen_its_threshold():
    # A straightened sheet with a sliver of dark desk along its border: as
    # dark as that, the rim passes for the ink's cores, and the pen, 40
    # levels darker than the paper, falls short of half-way to it.
    page, truth = faint_page(contrast=40, noise=4)
    page[:3], page[-3:], page[:, :3], page[:, -3:] = 10, 10, 10, 10
    inside = np.zeros(page.shape, bool)
    inside[12:-12, 12:-12] = True
    with_rim = binarize(page)
    assert (with_rim & truth).sum() < 0.2 * truth.sum()
    ink = binarize(page, measure_on=inside)
    assert (ink & truth).sum() > 0.8 * truth.sum()
    # The rim's ink is kept, for segmentation to see where the sheet ends.
    assert ink[:3].all() and ink[:, -3:].all()
    with pytest.raises(ValueError, match="measure_on mask"):
        binarize(page, measure_on=inside[1:])


def test_otsu_fails_where_contrast_succeeds():
    # The reason for the default: a histogram split of a mostly-paper page.
    page, truth = faint_page(contrast=40, noise=12)
    flat = flatten_illumination(page)
    otsu, contrast = binarize(flat, method="otsu"), binarize(flat)
    assert iou(contrast, truth) > 0.4 > iou(otsu, truth)


def test_contrast_matches_the_strokes_of_a_clean_page():
    page, truth = drawn_page(noise=2)
    assert iou(binarize(page), truth) > 0.9


def test_show_through_from_the_back_is_paper():
    page, truth = drawn_page(noise=2)
    ghost = np.roll(truth, 40, axis=0) & ~truth
    page[ghost] = PAPER - 25  # faint mirror writing from the other side
    ink = binarize(page)
    assert (ink & ghost).sum() < 0.02 * ghost.sum()


def test_a_white_sheet_on_a_dark_desk_is_not_inverted():
    desk = np.random.default_rng(0).normal(50, 12, (480, 640))
    desk[100:380, 150:500] = 225
    desk[200:260, 300:304] = 30  # a "1" on the sheet
    grey = to_grey(np.clip(desk, 0, 255).astype(np.uint8))
    assert grey[150, 300] > 200 and grey[230, 302] < 60


@pytest.mark.parametrize("seed", [7, 12, 14, 28])
def test_contrast_makes_no_ink_of_the_dim_edges_of_a_noisy_grey_photo(seed):
    # A thin pen on grey paper under strong camera noise and vignetting:
    # the page must be smoothed, and then the paper's light, estimated on
    # the noisy page, must not leave its dim edges darker than the paper.
    from ocrkit.synth import hard_cases

    (case,) = hard_cases(seed=seed, names=["thin_pen_grey_paper"])
    ink = binarize(flatten_illumination(to_grey(case.image)))
    near = np.zeros(ink.shape, bool)  # within a digit's height of a digit
    for digit in case.truth["digits"]:
        x, y, w, h = digit["box"]
        near[max(0, y - h):y + 2 * h, max(0, x - h):x + w + h] = True
    assert ink[~near].mean() < 0.005
    assert ink[near].mean() > 0.08  # the strokes are there


def test_stroke_width_inside_boxes_is_that_of_each_box_alone():
    # Boxes of very different heights, overlapping and touching the edge:
    # laid out together, each crop must still be measured as it is alone.
    from ocrkit.preprocess import _ridge_distances

    rng = np.random.default_rng(0)
    for _ in range(20):
        ink = np.zeros((300, 400), bool)
        for _ in range(12):
            x, y = rng.integers(0, 380), rng.integers(0, 280)
            cv2.line(ink.view(np.uint8), (int(x), int(y)),
                     (int(x + rng.integers(-60, 60)), int(y + rng.integers(5, 120))), 1,
                     int(rng.integers(1, 9)))
        boxes = np.column_stack([rng.integers(0, 350, 10), rng.integers(0, 250, 10),
                                 rng.integers(5, 50, 10), rng.integers(3, 50, 10)])
        boxes[:2, 3] = [200, 4]  # one tall box, one flat one
        boxes[:, 3] = np.minimum(boxes[:, 3], 300 - boxes[:, 1])
        alone = np.concatenate([_ridge_distances(np.pad(ink[y:y + h, x:x + w], 1))
                                for x, y, w, h in boxes])
        expected = max(2.0 * np.median(alone) - 1.0, 1.0) if alone.size else 0.0
        assert estimate_stroke_width(ink, boxes=boxes) == expected


def _thin_ring_on_grainy_paper(seed, faint_depth):
    """A thin pen's 0 on grainy paper: dark at its sides, fading at top and bottom."""
    rng = np.random.default_rng(seed)
    ring = np.zeros((240, 320), np.uint8)
    cv2.ellipse(ring, (160, 120), (22, 34), 0, 0, 360, 255, 2, cv2.LINE_AA)
    rows = np.arange(240)[:, None]
    depth = np.where((rows < 100) | (rows > 140), faint_depth, 166.0) * (ring / 255.0)
    page = 236.0 - depth + 10 * rng.standard_normal(ring.shape)
    return np.clip(page, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("seed", range(5))
def test_a_thin_pens_fading_stroke_on_grainy_paper_stays_whole(seed):
    # Where the stroke narrows it is only 60 grey levels darker than the
    # paper, whose grain runs 10 levels deep. Possible ink a third of the way
    # to the stroke's core (about 55 levels) loses much of it to the grain's
    # dips and the 0 breaks into two arcs; on grainy paper possible ink
    # reaches one grain deviation further.
    ink = binarize(_thin_ring_on_grainy_paper(seed, faint_depth=60))
    count, labels = cv2.connectedComponents(ink.view(np.uint8), connectivity=8)
    pieces = np.bincount(labels.ravel())[1:]
    assert (pieces >= 20).sum() == 1
    assert ink[:, :100].mean() < 0.002  # and the grain itself stays paper


@pytest.mark.parametrize("seed", [66, 69, 70])
def test_a_thin_pen_on_grainy_paper_is_read_whole(seed):
    # Broken by the paper's grain, a number's strokes came out in pieces
    # beside one another, which look like a word's short letters: the whole
    # line was set aside as a word.
    from ocrkit.pipeline import read_page
    from ocrkit.synth import hard_cases

    (case,) = hard_cases(seed=seed, names=["paper_on_fabric"])
    assert read_page(case.image).lines == case.truth["lines"]
