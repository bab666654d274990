"""Synthetic phone photos: each condition measured on the picture it makes."""

import json

import cv2
import numpy as np
import pytest

from ocrkit.errors import OptionError
from ocrkit.synth import (
    HARD_CASES,
    SURROUNDINGS,
    TRUTH_LEVEL,
    PhotoConditions,
    hard_cases,
    lines_layout,
    render_page,
    render_photo,
    surface_texture,
)

SMALL = (400, 300)  # a small picture keeps every render a few tens of milliseconds
LINE = "3141 5926"


def plain(**changes):
    return PhotoConditions.plain(**{"size": SMALL, "close_crop": 0.15, **changes})


def grey(image):
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(float)


def centres(truth):
    return np.array([(x + w / 2, y + h / 2) for x, y, w, h in (d["box"] for d in truth["digits"])])


def line_angle(points):
    """Angle of the points' principal axis, degrees, counter-clockwise in the picture."""
    centred = points - points.mean(axis=0)
    dx, dy = np.linalg.svd(centred, full_matrices=False)[2][0]
    if dx < 0:
        dx, dy = -dx, -dy
    return np.degrees(np.arctan2(-dy, dx))


def away_from_ink(scene, grow=6):
    """Paper pixels at least ``grow`` px from any ink."""
    ink = (scene["ink"] > 0.01).astype(np.uint8)
    near = cv2.dilate(ink, np.ones((2 * grow + 1, 2 * grow + 1), np.uint8)) > 0
    return ~near & (scene["sheet_mask"] == 1)


# --- picture, truth, seeds ------------------------------------------------------------


@pytest.mark.parametrize("size", [(640, 480), (768, 560), (333, 201)])
def test_picture_has_exactly_the_size_asked_for(size):
    conditions = PhotoConditions(size=size, close_crop=0.12)
    image, truth = render_photo(LINE, conditions=conditions, seed=1)
    assert image.shape == (size[1], size[0], 3) and image.dtype == np.uint8
    assert truth["size"] == list(size)


def test_same_seed_same_bytes_different_seed_differs():
    conditions = PhotoConditions(size=SMALL, rotation=8, perspective=12, shadow=0.4)
    first, truth = render_photo(LINE, conditions=conditions, seed=3)
    again, truth_again = render_photo(LINE, conditions=conditions, seed=3)
    other, truth_other = render_photo(LINE, conditions=conditions, seed=4)
    assert first.tobytes() == again.tobytes() and truth == truth_again
    assert first.tobytes() != other.tobytes() and truth != truth_other


def test_truth_schema_and_labels():
    _, truth = render_photo(["12 345", "6789 0"], conditions=PhotoConditions(size=SMALL),
                            name="p.jpg")
    _, page_truth = render_page(
        lines_layout(["1"], digit_height_mm=5, page=(40, 30), margin_mm=5), dpi=100
    )
    assert list(truth) == list(page_truth) and truth["image"] == "p.jpg"
    assert truth["lines"] == ["12 345", "6789 0"]
    assert [d["label"] for d in truth["digits"]] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]
    assert [d["line"] for d in truth["digits"]] == [0] * 5 + [1] * 5
    assert [d["number"] for d in truth["digits"]] == [0, 0, 1, 1, 1, 2, 2, 2, 2, 3]
    for digit in truth["digits"]:
        assert list(digit) == list(page_truth["digits"][0])
        assert all(type(v) is int for v in digit["box"])
    json.dumps(truth)


@pytest.mark.parametrize("rotation", [0, 20])
def test_boxes_are_the_tight_boxes_of_the_ink(rotation):
    _, truth, scene = render_photo(LINE, conditions=plain(rotation=rotation), seed=2,
                                   return_scene=True)
    ink = scene["ink"] >= TRUTH_LEVEL
    covered = np.zeros(ink.shape, bool)
    for digit in truth["digits"]:
        x, y, w, h = digit["box"]
        covered[y : y + h, x : x + w] = True
        window = ink[y : y + h, x : x + w]
        # Every edge of the box touches ink.
        assert window[0].any() and window[-1].any() and window[:, 0].any() and window[:, -1].any()
    assert not (ink & ~covered).any()


# --- the writing and the light --------------------------------------------------------


@pytest.mark.parametrize("contrast", [0.15, 0.4, 0.8])
def test_contrast_sets_ink_darkness_relative_to_paper(contrast):
    conditions = plain(contrast=contrast, pen_width=0.14)
    image, _, scene = render_photo(LINE, conditions=conditions, writer="c", seed=1,
                                   return_scene=True)
    g = grey(image)
    paper = np.median(g[away_from_ink(scene)])
    ink = np.percentile(g[scene["ink"] > 0.99], 5)
    assert abs(paper - 220) < 5
    assert ink / paper == pytest.approx(1 - contrast, abs=0.03)


@pytest.mark.parametrize("noise", [0.02, 0.08])
def test_noise_has_the_asked_spread_on_paper(noise):
    quiet, _, scene = render_photo(LINE, conditions=plain(), seed=5, return_scene=True)
    noisy, _ = render_photo(LINE, conditions=plain(noise=noise), seed=5)
    diff = grey(noisy) - grey(quiet)
    paper = away_from_ink(scene)
    assert diff[paper].std() / 220 == pytest.approx(noise, rel=0.1)
    # Darker pixels get less noise (photon noise).
    assert diff[scene["ink"] > 0.99].std() < 0.8 * diff[paper].std()


def test_paper_tone_and_colour():
    tint = (1.1, 1.0, 0.8)
    image, _, scene = render_photo(
        LINE, conditions=plain(paper_tone=150, paper_colour=tint), seed=1, return_scene=True
    )
    paper = np.median(image[away_from_ink(scene)], axis=0)
    expected = 150 * np.array(tint) / np.mean(tint)
    assert paper == pytest.approx(expected, rel=0.03)


def test_pen_width_sets_stroke_width():
    thin = render_photo(LINE, conditions=plain(pen_width=0.03), seed=1,
                        return_scene=True)[2]["ink"]
    thick = render_photo(LINE, conditions=plain(pen_width=0.12), seed=1,
                         return_scene=True)[2]["ink"]
    assert 2.5 < thick.sum() / thin.sum() < 5


def test_blur_sigma_is_relative_to_the_digit_height():
    # The sheet's bottom edge against a dark mat is a step: its 10-90% rise
    # is 2.56 sigma.  Large digits on a small sheet keep the ink away from it.
    layout = lines_layout(["38"], digit_height_mm=8, page=(30, 22), margin_mm=3)
    base = PhotoConditions.plain(size=SMALL, surroundings="dark mat", sheet_fill=0.5)
    for blur in (0.05, 0.1):
        image, _, scene = render_photo(layout, conditions=base.replace(blur=blur), seed=1,
                                       return_scene=True)
        (x3, y3), (x2, _) = scene["sheet"][3], scene["sheet"][2]
        edge = int(round(y3))
        profile = grey(image)[edge + 35 : edge - 35 : -1, int(x3) + 20 : int(x2) - 20].mean(axis=1)
        lo, hi = profile[:8].mean(), profile[-8:].mean()
        level, steps = (profile - lo) / (hi - lo), np.arange(70.0)
        rise = np.interp(0.9, level, steps) - np.interp(0.1, level, steps)
        assert rise / 2.563 == pytest.approx(blur * scene["digit_height"], rel=0.15)


def test_sharpening_draws_light_halos_along_strokes():
    image, _, scene = render_photo(LINE, conditions=plain(sharpen=2.0), seed=1, return_scene=True)
    flat, _ = render_photo(LINE, conditions=plain(), seed=1)
    ink = (scene["ink"] > 0.02).astype(np.uint8)
    ring = (cv2.dilate(ink, np.ones((5, 5), np.uint8)) > 0) & (ink == 0)
    brighter = grey(image) - grey(flat)
    assert np.percentile(brighter[ring], 75) > 10
    assert abs(brighter[away_from_ink(scene)].mean()) < 1


def blockiness(image):
    """Mean step across the 8x8 JPEG block edges over the mean step elsewhere."""
    step = np.abs(np.diff(grey(image), axis=1)).mean(axis=0)
    at_edges = (np.arange(step.size) % 8) == 7
    return step[at_edges].mean() / step[~at_edges].mean()


def test_strong_jpeg_leaves_blocks():
    raw, _ = render_photo(LINE, conditions=plain(noise=0.03), seed=1)
    strong, _ = render_photo(LINE, conditions=plain(noise=0.03, jpeg_quality=10), seed=1)
    assert blockiness(raw) == pytest.approx(1, abs=0.1)
    assert blockiness(strong) > 1.4
    assert np.abs(grey(strong) - grey(raw)).mean() > 2


def test_vignetting_darkens_the_corners():
    image, _ = render_photo(LINE, conditions=plain(vignetting=0.4), seed=1)
    g, (h, w) = grey(image), SMALL[::-1]
    centre = np.median(g[h // 2 - 60 : h // 2 - 30, w // 2 - 20 : w // 2 + 20])
    corner = np.median(g[:6, :6])
    # At the corner patch's centre, 0.99 of the way to the corner: gain 1 - 0.4 * 0.98.
    assert corner / centre == pytest.approx(1 - 0.4 * 0.98, abs=0.03)


def smooth_paper(image, scene):
    """The paper's brightness, smoothed, where it lies far from any ink."""
    smooth = cv2.GaussianBlur(grey(image), (0, 0), 4)
    return smooth[away_from_ink(scene, grow=15)]


def test_uneven_light():
    def spread(conditions):
        paper = smooth_paper(*render_photo(LINE, conditions=conditions, seed=1,
                                           return_scene=True)[::2])
        return np.percentile(paper, 99) / np.percentile(paper, 1)

    assert spread(plain(uneven_light=0.5)) > 1.3
    assert spread(plain()) < 1.08


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shadow_is_soft_and_of_the_asked_strength(seed):
    image, _, scene = render_photo(LINE, conditions=plain(shadow=0.5), seed=seed,
                                   return_scene=True)
    paper = smooth_paper(image, scene)
    lit, dark = np.percentile(paper, 99.5), np.percentile(paper, 0.5)
    assert dark / lit == pytest.approx(0.5, abs=0.05)
    # A penumbra, not a step: many pixels half-way between light and shadow.
    between = (paper > dark + 0.2 * (lit - dark)) & (paper < lit - 0.2 * (lit - dark))
    assert between.mean() > 0.04


# --- the desk -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [s for s in SURROUNDINGS if s != "none"])
def test_surroundings_lie_outside_the_sheet_darker_and_textured(kind):
    conditions = plain(surroundings=kind, close_crop=None, sheet_fill=0.6, rotation=12)
    image, _, scene = render_photo(LINE, conditions=conditions, seed=1, return_scene=True)
    polygon = np.zeros(SMALL[::-1], np.uint8)
    cv2.fillConvexPoly(polygon, np.round(scene["sheet"]).astype(np.int32), 1)
    inner = cv2.erode(polygon, np.ones((5, 5), np.uint8)) > 0
    outer = cv2.dilate(polygon, np.ones((5, 5), np.uint8)) == 0
    assert (scene["sheet_mask"][outer] == 0).all() and (scene["sheet_mask"][inner] == 1).all()
    # Texture: detail finer than 3 px, relative to the local level, 12 px or
    # more from the sheet's edge.
    g = grey(image)
    detail = np.abs(g / cv2.GaussianBlur(g, (0, 0), 3) - 1)
    far = np.ones((25, 25), np.uint8)
    paper = (cv2.erode(polygon, far) > 0) & away_from_ink(scene)
    desk = cv2.dilate(polygon, far) == 0
    assert np.median(g[desk]) < 0.75 * np.median(g[paper])
    assert detail[desk].mean() > 2 * detail[paper].mean()


@pytest.mark.parametrize("spacing", [1.2, 2.0])
def test_ruled_paper_has_pale_blue_lines_the_digits_stand_on(spacing):
    conditions = plain(close_crop=None, sheet_fill=0.9, ruled=spacing)
    image, truth, scene = render_photo(LINE, conditions=conditions, seed=2, return_scene=True)
    plain_image = render_photo(LINE, conditions=plain(close_crop=None, sheet_fill=0.9), seed=2)[0]
    paper = away_from_ink(scene)
    darker = (grey(plain_image) - grey(image)) * paper
    rows = darker.sum(axis=1) / np.maximum(paper.sum(axis=1), 1)
    printed = np.flatnonzero(rows > 0.5 * rows.max())
    # Lines one spacing of digit heights apart, one at the digits' feet.
    feet = np.median([y + h for _, y, _, h in (d["box"] for d in truth["digits"])])
    assert np.abs(printed - feet).min() <= 2
    starts = printed[np.flatnonzero(np.diff(np.concatenate([[-9], printed])) > 2)]
    # (The digits as written vary about the height they are meant to have.)
    np.testing.assert_allclose(np.diff(starts), spacing * scene["digit_height"], rtol=0.15)
    # Pale blue: the red channel darkens most, the blue least.
    where = np.zeros(image.shape[:2], bool)
    where[printed] = True
    where &= paper
    drop = plain_image[where].astype(float).mean(axis=0) - image[where].astype(float).mean(axis=0)
    assert drop[0] > drop[1] > drop[2] >= 0
    with pytest.raises(OptionError, match="ruled"):
        PhotoConditions(ruled=0.1)


def _upright_print(spacing, **extra):
    """A lined photo with ``extra`` conditions, against the same without: the
    lined photo, the photo, its truth and scene, the paper away from the ink,
    how much darker each pixel of it is, and the columns clearly darker."""
    lined = plain(close_crop=None, sheet_fill=0.9, ruled=spacing)
    lined_image = render_photo(LINE, conditions=lined, seed=2)[0]
    conditions = plain(close_crop=None, sheet_fill=0.9, ruled=spacing, **extra)
    image, truth, scene = render_photo(LINE, conditions=conditions, seed=2, return_scene=True)
    paper = away_from_ink(scene)
    darker = (grey(lined_image) - grey(image)) * paper
    columns = darker.sum(axis=0) / np.maximum(paper.sum(axis=0), 1)
    printed = np.flatnonzero(columns > 0.5 * columns.max())
    return lined_image, image, truth, scene, paper, darker, printed


def test_squared_paper_has_pale_lines_down_the_sheet_too():
    spacing = 1.5
    _, _, _, scene, _, _, printed = _upright_print(spacing, squared=True)
    starts = printed[np.flatnonzero(np.diff(np.concatenate([[-9], printed])) > 2)]
    # Upright lines as far apart as the level ones: squares.
    assert len(starts) >= 4
    np.testing.assert_allclose(np.diff(starts), spacing * scene["digit_height"], rtol=0.15)
    with pytest.raises(OptionError, match="squared needs ruled"):
        PhotoConditions(squared=True)


def test_a_margin_is_one_pale_red_line_down_the_sheet_left_of_the_writing():
    lined_image, image, truth, scene, paper, darker, printed = _upright_print(1.3, margin=True)
    # One line, about a digit height left of the first digit.
    assert np.ptp(printed) <= 3
    first = min(x for x, _, _, _ in (d["box"] for d in truth["digits"]))
    assert 0.5 < (first - printed.mean()) / scene["digit_height"] < 1.6
    # Down the whole sheet (which fills the picture's width, and most of its
    # height), in one run.
    rows = np.flatnonzero(darker[:, printed].max(axis=1) > 0.5 * darker[:, printed].max())
    assert np.ptp(rows) > 0.8 * image.shape[0]
    assert np.isin(np.arange(rows[0], rows[-1]), rows)[
        paper[rows[0]:rows[-1], printed].all(axis=1)].all()
    # Pale red: the green and blue channels darken, the red hardly.
    where = np.zeros(image.shape[:2], bool)
    where[:, printed] = True
    where &= paper
    drop = lined_image[where].astype(float).mean(axis=0) - image[where].astype(float).mean(axis=0)
    assert drop[1] > 3 * drop[0] and drop[2] > 3 * drop[0]
    with pytest.raises(OptionError, match="margin needs ruled"):
        PhotoConditions(margin=True)


def test_no_surroundings_means_paper_everywhere():
    conditions = plain(close_crop=None, sheet_fill=0.5)
    _, _, scene = render_photo(LINE, conditions=conditions, seed=1, return_scene=True)
    assert (scene["sheet_mask"] == 1).all()


@pytest.mark.parametrize("kind", [s for s in SURROUNDINGS if s != "none"])
def test_surface_textures_are_seeded(kind):
    first = surface_texture(kind, (40, 50), px_per_mm=4, seed=1)
    again = surface_texture(kind, (40, 50), px_per_mm=4, seed=np.random.default_rng(1))
    assert first.shape == (40, 50, 3) and np.array_equal(first, again)


# --- geometry -------------------------------------------------------------------------


@pytest.mark.parametrize("rotation", [-35, -10, 0, 12, 35])
def test_rotation_turns_the_line_of_digits(rotation):
    conditions = PhotoConditions(size=(640, 480), close_crop=0.1, rotation=rotation)
    _, truth = render_photo("31415926", conditions=conditions, seed=4)
    assert line_angle(centres(truth)) == pytest.approx(rotation, abs=1.0)


def test_perspective_makes_the_sheet_a_trapezoid():
    def sides(perspective):
        conditions = plain(close_crop=None, sheet_fill=0.6, perspective=perspective)
        corners = render_photo(LINE, conditions=conditions, seed=2, return_scene=True)[2]["sheet"]
        return np.linalg.norm(corners - np.roll(corners, -1, axis=0), axis=1)

    flat, tilted = sides(0), sides(25)
    assert abs(flat[0] - flat[2]) < 1 and abs(flat[1] - flat[3]) < 1
    ratios = [tilted[0] / tilted[2], tilted[1] / tilted[3]]
    assert max(abs(np.log(r)) for r in ratios) > np.log(1.15)


@pytest.mark.parametrize(("share", "text"), [(0.05, LINE), (0.15, LINE), (0.6, "47")])
def test_close_crop_sets_the_digit_height_share(share, text):
    conditions = PhotoConditions(size=(640, 480), close_crop=share)
    _, truth = render_photo(text, conditions=conditions, seed=1)
    heights = [d["box"][3] for d in truth["digits"]]
    assert np.median(heights) / 480 == pytest.approx(share, abs=max(0.02 * share, 1 / 480))


def test_sheet_fill_frames_the_whole_sheet():
    _, _, scene = render_photo(
        LINE, conditions=plain(close_crop=None, sheet_fill=0.7), seed=1, return_scene=True
    )
    span = scene["sheet"].max(axis=0) - scene["sheet"].min(axis=0)
    assert max(span[0] / SMALL[0], span[1] / SMALL[1]) == pytest.approx(0.7, abs=0.005)


# --- errors ---------------------------------------------------------------------------


def test_conditions_given_by_position_still_work_with_a_warning():
    conditions = PhotoConditions.plain(size=SMALL)
    with pytest.warns(DeprecationWarning, match=r"render_photo\(text, conditions=\.\.\.\)"):
        old, _ = render_photo(LINE, conditions, seed=1)
    assert np.array_equal(old, render_photo(LINE, conditions=conditions, seed=1)[0])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: PhotoConditions(contrast=2), "contrast"),
        (lambda: PhotoConditions(size=(640,)), "size"),
        (lambda: PhotoConditions(surroundings="marble"), "surroundings"),
        (lambda: PhotoConditions(close_crop=0.95), "close_crop"),
        (lambda: PhotoConditions(jpeg_quality=0), "jpeg_quality"),
        (lambda: render_photo("31415926", conditions=PhotoConditions(close_crop=0.6)),
         "does not fit"),
        (lambda: render_photo("12a"), "cannot read"),
        (lambda: render_photo([]), "Layout"),
        (lambda: render_photo(LINE, conditions={"noise": 0.1}), "PhotoConditions"),
        (lambda: surface_texture("marble", (9, 9), px_per_mm=1), "unknown surface"),
    ],
)
def test_errors_say_what_to_change(call, match):
    with pytest.raises(OptionError, match=match):
        call()


def test_conditions_are_keyword_only():
    with pytest.raises(TypeError):
        PhotoConditions((640, 480))


# --- the hard cases -------------------------------------------------------------------


@pytest.fixture(scope="module")
def cases():
    return {case.name: case for case in hard_cases()}


def test_hard_cases_are_all_there_with_their_truth(cases):
    assert tuple(cases) == HARD_CASES
    for case in cases.values():
        width, height = case.conditions.size
        assert case.image.shape == (height, width, 3) and case.image.dtype == np.uint8
        assert case.truth["size"] == [width, height]
        text = "".join(case.truth["lines"]).replace(" ", "")
        assert [d["label"] for d in case.truth["digits"]] == [int(c) for c in text]
        g = grey(case.image)
        for digit in case.truth["digits"]:
            x, y, w, h = digit["box"]
            assert 0 < x and 0 < y and x + w < width and y + h < height
            # Some ink in the box is darker than the paper around it.
            around = g[max(y - h // 2, 0) : y + h + h // 2, max(x - w, 0) : x + 2 * w]
            assert np.percentile(g[y : y + h, x : x + w], 3) < np.median(around) - 10


def test_hard_cases_match_the_real_failures(cases):
    thin = cases["thin_pen_grey_paper"]
    assert thin.image.shape[:2] == (560, 768) and len(thin.truth["digits"]) == 8
    assert np.median([d["box"][3] for d in thin.truth["digits"]]) == pytest.approx(65, abs=2)
    close = cases["close_crop"]
    heights = [d["box"][3] for d in close.truth["digits"]]
    assert np.median(heights) / close.image.shape[0] == pytest.approx(0.6, abs=0.01)
    webcam = cases["webcam_slanted"]
    assert webcam.image.shape[:2] == (480, 640)
    assert line_angle(centres(webcam.truth)) == pytest.approx(-35, abs=1.0)
    spaced = cases["five_spaced"].truth
    gaps = np.diff(centres(spaced)[:, 0])
    assert len(gaps) == 4 and gaps.std() / gaps.mean() < 0.15
    assert spaced["lines"] == ["88888"]
    for name in ("rotated_shadow_wood", "rotated_shadow_leather"):
        case = cases[name]
        first_line = centres(case.truth)[[d["line"] == 0 for d in case.truth["digits"]]]
        assert line_angle(first_line) == pytest.approx(case.conditions.rotation, abs=4)
        assert case.conditions.shadow > 0.3
    for case in cases.values():
        if case.conditions.surroundings != "none":
            g = grey(case.image)
            border = np.concatenate([g[:10].ravel(), g[-10:].ravel()])
            assert np.median(border) < 0.6 * np.median(g[g.shape[0] // 2])


def test_hard_cases_repeat_from_their_seed(cases):
    (again,) = hard_cases(names=["webcam_slanted"])
    assert again.image.tobytes() == cases["webcam_slanted"].image.tobytes()
    with pytest.raises(OptionError, match="unknown hard cases"):
        hard_cases(names=["sunset"])
