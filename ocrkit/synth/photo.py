"""Phone photos of handwriting, under conditions you set one by one.

:func:`render_page` makes whole pages that a reader gets right.  Real photos
fail for reasons that can be named: faint ink, grey paper, camera noise, a
soft focus, a shadow, a desk around the sheet, a tilted camera, digits too
small or too large for the picture.  :class:`PhotoConditions` holds each of
them as a number, and :func:`render_photo` takes the picture:

1. **Writing.**  The layout is written in the writer's hand by the same code
   as :func:`render_page` (and the same seed writes the same glyphs), at the
   resolution the picture will have.
2. **Camera.**  The sheet is turned by ``rotation``, seen by a camera tilted
   by ``perspective`` degrees, and framed: the whole sheet (``sheet_fill``)
   or a close-up of the writing (``close_crop``) (:mod:`ocrkit.synth.framing`).
3. **Scene.**  Paper of a tone and colour, ink of a contrast, the surface
   the sheet lies on (with the sheet's own thin shadow), the light: uneven,
   a soft shadow, vignetting.
4. **Camera again.**  Blur, noise, sharpening and JPEG
   (:mod:`ocrkit.synth.camera`).

The truth is measured on each digit's ink after the camera's geometry, in
the picture's pixels, in the schema of ``ocrkit read --json``.
"""

from dataclasses import dataclass, fields, replace

import cv2
import numpy as np

from .._compat import keyword_after_first
from ..errors import OptionError
from . import camera, framing, page
from .conditions import _grain, field
from .layouts import Layout, Line, parse_number
from .surfaces import SURROUNDINGS, surface_texture
from .writers import as_writer

__all__ = ["PhotoConditions", "render_photo"]

#: Digits written from text are this tall, in millimetres, on a small sheet.
TEXT_DIGIT_MM = 6.0
# Largest surface texture drawn, in units of the picture's area.
_MAX_TEXTURE_AREA = 3.0
# Stream names: each part of the picture draws from its own random stream.
_STREAMS = ("frame", "paper", "surface", "light", "ink", "noise")


@dataclass(frozen=True, kw_only=True)
class PhotoConditions:
    """How a photo of handwriting is taken: each condition one number.

    The defaults are a fair phone photo: the whole sheet on a wooden desk,
    light grey paper, mild noise, a little blur and JPEG.  Use
    :meth:`plain` for a picture with none of the effects, then turn on the
    ones you study.

    Parameters
    ----------
    size : (int, int)
        (width, height) of the picture in pixels; a webcam gives (640, 480).
    close_crop : float or None
        Frame the writing so that the digits' boxes are this share of the
        picture's height (their median), 0.02-0.9; ``None`` frames the whole
        sheet (see ``sheet_fill``).
    sheet_fill : float
        With ``close_crop=None``: the sheet spans this share of the picture's
        width or height, whichever is tighter; above 1 its edges are cut off.
    rotation : float
        Degrees the sheet is turned, counter-clockwise in the picture: the
        lines of writing rise to the right by this angle.
    perspective : float
        Degrees the camera is tilted away from looking straight down, 0-35;
        the direction of the tilt is drawn from the seed.
    contrast : float
        How much darker full ink is than the paper under it, 0.05-1: ink
        reaches ``(1 - contrast)`` times the paper's grey level (a pencil's
        grainy graphite about 0.8 of that darkening on average).
    paper_tone : float
        Grey level of the paper in the light at the picture's centre, 20-255.
    paper_colour : (float, float, float)
        RGB tint of the paper, scaled to a mean of 1: ``(1, 1, 1)`` is neutral,
        ``(1.06, 1.0, 0.9)`` yellowish.
    pen_width : float or None
        Stroke width in digit heights (e.g. 0.03 a fine pen, 0.13 a marker);
        ``None`` keeps the writer's.
    blur : float
        Standard deviation of the lens's Gaussian blur, in digit heights
        (0.02 of a 65 px digit is 1.3 px).
    noise : float
        Standard deviation of the camera's noise on the paper's grey level,
        relative to that level, before sharpening and JPEG; darker pixels
        get less (photon noise).
    sharpen : float
        Strength of the phone's unsharp mask (radius 1.5 px): light halos
        along the strokes; 0 for none, 1-2 for a phone's.
    jpeg_quality : int or None
        JPEG quality the picture is saved with, 1-100; ``None`` for none.
    vignetting : float
        Light lost in the picture's corners, 0-0.9.
    uneven_light : float
        Change of light from one side of the picture to the other, 0-0.9.
    shadow : float
        Strength of a soft shadow across a band or a corner, 0-0.9.
    surroundings : {'none', 'wood', 'leather', 'fabric', 'dark mat'}
        What the sheet lies on; ``'none'``: the paper fills the picture.
    ruled : float or None
        Lined paper: pale blue lines printed across the sheet this many
        digit heights apart, one along the first line of writing's baseline,
        so that the digits stand on them (1.1-1.5 is a school exercise
        book); ``None`` for plain paper.
    squared : bool
        With ``ruled``: the lines are printed down the sheet too, as far
        apart, one through the first line's left end: squared paper (a
        mathematics exercise book's 5 mm squares are about 1 digit height).
    margin : bool
        With ``ruled``: a pale red margin line printed down the sheet, a
        digit height left of where the writing starts, across every ruled
        line (an exercise book's or a notebook's).

    Raises
    ------
    OptionError
        For a value outside its range, naming the field.
    """

    size: tuple = (1024, 768)
    close_crop: float | None = None
    sheet_fill: float = 0.8
    rotation: float = 0.0
    perspective: float = 0.0
    contrast: float = 0.6
    paper_tone: float = 200.0
    paper_colour: tuple = (1.02, 1.0, 0.96)
    pen_width: float | None = None
    blur: float = 0.012
    noise: float = 0.02
    sharpen: float = 0.6
    jpeg_quality: int | None = 88
    vignetting: float = 0.2
    uneven_light: float = 0.15
    shadow: float = 0.0
    surroundings: str = "wood"
    ruled: float | None = None
    squared: bool = False
    margin: bool = False

    def __post_init__(self):
        if len(self.size) != 2 or not all(
            isinstance(v, int | np.integer) and 64 <= v <= 4096 for v in self.size
        ):
            raise OptionError(f"size must be (width, height), integers 64-4096, got {self.size}")
        ranges = {
            "sheet_fill": (0.2, 1.5),
            "rotation": (-180, 180),
            "perspective": (0, 35),
            "contrast": (0.05, 1.0),
            "paper_tone": (20, 255),
            "blur": (0, 0.2),
            "noise": (0, 0.5),
            "sharpen": (0, 5),
            "vignetting": (0, 0.9),
            "uneven_light": (0, 0.9),
            "shadow": (0, 0.9),
        }
        for name, (lo, hi) in ranges.items():
            if not lo <= getattr(self, name) <= hi:
                raise OptionError(f"{name} must be {lo}-{hi}, got {getattr(self, name)}")
        optional = {"close_crop": (0.02, 0.9), "pen_width": (0.01, 0.3), "ruled": (0.5, 10)}
        for name, (lo, hi) in optional.items():
            value = getattr(self, name)
            if value is not None and not lo <= value <= hi:
                raise OptionError(f"{name} must be None or {lo}-{hi}, got {value}")
        if self.squared and self.ruled is None:
            raise OptionError("squared needs ruled (the squares' side, in digit heights)")
        if self.margin and self.ruled is None:
            raise OptionError("margin needs ruled (the lines' spacing, in digit heights)")
        if self.jpeg_quality is not None and not 1 <= self.jpeg_quality <= 100:
            raise OptionError(f"jpeg_quality must be None or 1-100, got {self.jpeg_quality}")
        if len(self.paper_colour) != 3 or min(self.paper_colour) <= 0:
            raise OptionError(f"paper_colour must be 3 positive numbers, got {self.paper_colour}")
        if self.surroundings not in SURROUNDINGS:
            raise OptionError(
                f"surroundings must be one of {SURROUNDINGS}, got {self.surroundings!r}"
            )

    @classmethod
    def plain(cls, **changes):
        """Conditions with every effect off, then ``changes``.

        White-grey neutral paper (tone 220) filling the picture, black ink of
        contrast 0.8, no geometry, flat light, no blur, noise, sharpening or
        JPEG.

        Parameters
        ----------
        **changes
            Fields to set, e.g. ``noise=0.05``.

        Returns
        -------
        PhotoConditions

        Examples
        --------
        >>> PhotoConditions.plain(noise=0.05).noise, PhotoConditions.plain().jpeg_quality
        (0.05, None)
        """
        base = {
            "paper_tone": 220.0,
            "paper_colour": (1.0, 1.0, 1.0),
            "contrast": 0.8,
            "blur": 0.0,
            "noise": 0.0,
            "sharpen": 0.0,
            "jpeg_quality": None,
            "vignetting": 0.0,
            "uneven_light": 0.0,
            "shadow": 0.0,
            "surroundings": "none",
        }
        return cls(**{**base, **changes})

    def replace(self, **changes):
        """A copy with some fields changed.

        Parameters
        ----------
        **changes
            Fields to set, e.g. ``conditions.replace(noise=0.1)``.

        Returns
        -------
        PhotoConditions
        """
        return replace(self, **changes)

    def as_dict(self):
        """The conditions as a plain dict, for JSON.

        Returns
        -------
        conditions : dict
            One entry per field.
        """
        return {f.name: getattr(self, f.name) for f in fields(self)}


# --- layout and geometry -------------------------------------------------------------


def _text_layout(lines):
    """Lines of text on a small sheet, level and centred."""
    h = TEXT_DIGIT_MM
    parsed = [tuple(parse_number(token) for token in text.split()) for text in lines]
    # Room a line takes, in mm, for a writer of average width.
    need = [
        h * (0.9 * sum(len(n.digits) for n in numbers) + 0.9 * (len(numbers) - 1))
        for numbers in parsed
    ]
    width = max(105.0, max(need) + 40)
    height = max(74.0, 2.2 * h * len(lines) + 40)
    top = (height - 2.2 * h * (len(lines) - 1)) / 2 + 0.5 * h  # first baseline
    rows = (
        Line((width - n) / 2, top + 2.2 * h * i, 0.0, h, numbers)
        for i, (n, numbers) in enumerate(zip(need, parsed))
    )
    return Layout((width, height), tuple(rows))


def _as_layout(text_or_layout):
    if isinstance(text_or_layout, Layout):
        return text_or_layout
    if isinstance(text_or_layout, str):
        text_or_layout = [text_or_layout]
    lines = list(text_or_layout)
    if not lines or not all(isinstance(t, str) and t.strip() for t in lines):
        raise OptionError("give a Layout, a line of text such as '3141 5926', or a list of lines")
    return _text_layout(lines)


# --- the scene --------------------------------------------------------------------------


def _surface(matrix, size, px_per_mm, conditions, rng):
    """The surroundings' reflectance in the picture, warped like the sheet."""
    width, height = size
    angle = rng.uniform(-20, 20)  # the desk is not square to the sheet
    spin = np.eye(3)
    spin[:2] = cv2.getRotationMatrix2D((0.0, 0.0), angle, 1.0)
    to_image = matrix @ spin
    frame = np.float64([[0, 0], [width, 0], [width, height], [0, height]])
    corners = cv2.perspectiveTransform(frame[None], np.linalg.inv(to_image))[0]
    lo, hi = np.floor(corners.min(axis=0)) - 2, np.ceil(corners.max(axis=0)) + 2
    area = float(np.prod(hi - lo))
    step = min(1.0, np.sqrt(_MAX_TEXTURE_AREA * width * height / area))  # texture px per sheet px
    shape = (int((hi - lo)[1] * step) + 1, int((hi - lo)[0] * step) + 1)
    texture = surface_texture(
        conditions.surroundings, shape, px_per_mm=max(px_per_mm * step, 0.2), seed=rng
    )
    place = to_image @ framing.translate(*lo) @ np.diag([1 / step, 1 / step, 1.0])
    return cv2.warpPerspective(
        texture, place, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
    )


def _paste_ink(warped, size):
    """Ink coverage of the picture: the warped glyphs, the darker winning."""
    width, height = size
    ink = np.zeros((height, width), np.float32)
    for coverage, ox, oy in warped:
        h, w = coverage.shape
        x0, y0 = max(ox, 0), max(oy, 0)
        x1, y1 = min(ox + w, width), min(oy + h, height)
        if x1 > x0 and y1 > y0:
            view = ink[y0:y1, x0:x1]
            np.maximum(view, coverage[y0 - oy : y1 - oy, x0 - ox : x1 - ox], out=view)
    return ink


def _ink_absorption(colour, pen, ink, digit_px, rng):
    """Per channel, how much of the light full ink takes, with a luminance of 1.

    The camera sees ink less saturated than it is: half way to grey.
    """
    absorb = 1 - (np.float32(colour) + 20) / 275
    absorb = absorb / float(absorb @ camera.LUMA)
    absorb = 1 + 0.5 * (absorb - 1)
    # How evenly the pen lays its ink: graphite is grainy, a ballpoint a bit uneven.
    if pen == "pencil":
        evenness = np.clip(0.8 + 0.3 * _grain(ink.shape, 0.6, rng), 0.3, 1.0)
    else:
        evenness = np.clip(0.96 + 0.04 * field(ink.shape, 2 * digit_px, rng), 0.88, 1.0)
    return absorb.astype(np.float32), ink * evenness


def _ruling(layout, matrix, page_px, digit_px, spacing, size, *, squared=False, margin=False):
    """Coverage of a lined sheet's printed lines in the picture: (H, W) float32 in [0, 1].

    Level lines ``spacing`` digit heights (``digit_px``, in sheet pixels)
    apart, one along the first line of writing's baseline, 0.3 mm wide,
    antialiased as the sheet's edge is; with ``squared``, upright lines as
    far apart too, one through the first line's left end. With ``margin``,
    also the coverage of a margin line down the sheet, a digit height left
    of the writing's leftmost start (None without): ``(lines, margin)``.
    """
    px_per_mm = page_px[0] / layout.size_mm[0]
    u, v = framing.plane_points(matrix, size)
    step = spacing * digit_px
    half = 0.15 * px_per_mm
    pixel = framing.local_scale(matrix, (page_px[0] / 2, page_px[1] / 2))

    def lines(along, first):
        distance = np.abs((along - first + step / 2) % step - step / 2)
        return np.clip((half - distance) * pixel + 0.5, 0, 1)

    coverage = lines(v, layout.lines[0].y_mm * px_per_mm)
    if squared:
        coverage = np.maximum(coverage, lines(u, layout.lines[0].x_mm * px_per_mm))
    on_sheet = (u >= 0) & (u <= page_px[0]) & (v >= 0) & (v <= page_px[1])
    margin_line = None
    if margin:
        x = max(min(line.x_mm for line in layout.lines) * px_per_mm - digit_px, 2 * px_per_mm)
        margin_line = (np.clip((half - np.abs(u - x)) * pixel + 0.5, 0, 1)
                       * on_sheet).astype(np.float32)
    return (coverage * on_sheet).astype(np.float32), margin_line


# How much of the light a ruled line takes, per channel: a pale blue print;
# and a margin line: a pale red one.
_RULING_ABSORB = np.float32([0.42, 0.28, 0.08])
_MARGIN_ABSORB = np.float32([0.06, 0.45, 0.4])


def _scene(ink, mask, surface, writer, digit_px, conditions, streams, ruling=None):
    """The light leaving the scene, RGB grey levels, before the camera's effects."""
    width, height = conditions.size
    shape = (height, width)
    tint = np.float32(conditions.paper_colour) / np.mean(conditions.paper_colour)
    paper_rng = streams["paper"]
    fibre = (
        1 + 0.01 * _grain(shape, 0.7, paper_rng) + 0.015 * field(shape, max(shape) / 4, paper_rng)
    )
    reflect = tint * fibre[..., None]
    if ruling is not None:
        lines, margin = ruling
        reflect = reflect * (1 - lines[..., None] * _RULING_ABSORB)
        if margin is not None:
            reflect = reflect * (1 - margin[..., None] * _MARGIN_ABSORB)
    if surface is not None:
        # The sheet's edge casts a thin shadow on the desk, away from the light.
        dx, dy = paper_rng.uniform(-1, 1, 2) * 0.004 * np.hypot(width, height)
        shifted = cv2.warpAffine(mask, np.float32([[1, 0, dx], [0, 1, dy]]), (width, height))
        cast = cv2.GaussianBlur(shifted, (0, 0), 0.003 * np.hypot(width, height) + 0.5)
        desk = surface * (1 - 0.5 * cast * (1 - mask))[..., None]
        reflect = desk * (1 - mask[..., None]) + reflect * mask[..., None]
    absorb, alpha = _ink_absorption(writer.ink, writer.pen, ink, digit_px, streams["ink"])
    reflect = reflect * np.clip(1 - conditions.contrast * alpha[..., None] * absorb, 0.01, None)
    light = camera.light_field(
        conditions.size,
        vignetting=conditions.vignetting,
        uneven=conditions.uneven_light,
        shadow=conditions.shadow,
        rng=streams["light"],
    )
    return conditions.paper_tone * reflect * light[..., None]


# --- the picture --------------------------------------------------------------------------


@keyword_after_first("conditions", "render_photo(text, conditions=...)")
def render_photo(text_or_layout, *, conditions=None, writer="a", seed=0, name="photo.jpg",
                 return_scene=False):
    """Write digits by hand and take a phone photo of them under given conditions.

    Parameters
    ----------
    text_or_layout : str, list of str or Layout
        A line such as ``"3141 5926"`` or a list of lines (written 6 mm high,
        level, centred on a small sheet), or any :class:`Layout`.
    conditions : PhotoConditions, optional
        The default is ``PhotoConditions()``, a fair phone photo.
    writer : str or Writer
        A name in :data:`WRITERS` or a custom :class:`Writer`; its pen and ink
        colour are kept, its pen width unless ``conditions.pen_width`` is set.
    seed : int
        The same seed gives the same bytes.  Each part of the picture (hand,
        camera, paper, surroundings, light, ink, noise) draws from its own
        stream, so changing one condition leaves the others' randomness
        alone.  The glyphs are those :func:`render_page` writes for this
        seed, at the picture's scale.
    name : str
        File name recorded in the truth's ``"image"`` field.
    return_scene : bool
        Also return what the camera saw (see Returns).

    Returns
    -------
    image : (H, W, 3) uint8 ndarray
        RGB, ``(H, W) = conditions.size[::-1]``.
    truth : dict
        As :func:`render_page`'s, in the schema of ``ocrkit read --json``: each
        box is the tight box of the digit's ink (coverage >= ``TRUTH_LEVEL``)
        after rotation, perspective and framing, before blur.
    scene : dict
        Only with ``return_scene=True``: ``"homography"`` (3, 3) from the
        sheet's pixels to the picture's; ``"sheet"`` (4, 2), the sheet's
        corners in the picture, clockwise from the sheet's top-left (far
        outside it in a close-up; NaN for a corner behind the camera);
        ``"sheet_mask"`` (H, W) float32, 1 where the picture shows paper;
        ``"ink"`` (H, W) float32, the ink's coverage; ``"digit_height"``,
        the digits' median box height in pixels; ``"px_per_mm"`` of the sheet
        at its centre.

    Raises
    ------
    OptionError
        For bad text or conditions, or writing that does not fit the picture
        under them (the message says what to change).

    Examples
    --------
    >>> bad = PhotoConditions(size=(640, 480), close_crop=0.15, contrast=0.3, noise=0.06)
    >>> image, truth = render_photo("3141 5926", conditions=bad, seed=1)
    >>> image.shape, truth["lines"], len(truth["digits"])
    ((480, 640, 3), ['3141 5926'], 8)
    """
    conditions = PhotoConditions() if conditions is None else conditions
    if not isinstance(conditions, PhotoConditions):
        raise OptionError(f"conditions must be PhotoConditions, got {type(conditions).__name__}")
    writer = as_writer(writer)
    if conditions.pen_width is not None:
        writer = replace(writer, pen_width=conditions.pen_width)
    layout = _as_layout(text_or_layout)
    size = tuple(int(v) for v in conditions.size)
    hand_seq, look_seq = np.random.SeedSequence(seed).spawn(2)
    streams = dict(zip(_STREAMS, (np.random.default_rng(s) for s in look_seq.spawn(6))))

    px_per_mm = framing.px_per_mm_guess(layout, writer, conditions)
    heights = [line.height_mm * writer.size * px_per_mm for line in layout.lines]
    if min(heights) < 8 or max(heights) > 1000:
        raise OptionError(
            f"digits would be {min(heights):.0f}-{max(heights):.0f} px tall in a "
            f"{size[0]}x{size[1]} picture; keep them within 8-1000 px with a larger or "
            "smaller size, a close_crop, or another sheet size"
        )
    glyphs, texts, page_px = page._write(
        layout, writer, 25.4 * px_per_mm, np.random.default_rng(hand_seq)
    )
    matrix = framing.camera_matrix(glyphs, page_px, conditions, streams["frame"])
    boxes, warped = framing.ink_boxes(glyphs, matrix)
    framing.check_frame(boxes, size, conditions)
    digit_px = float(np.median(boxes[:, 3] - boxes[:, 1] + 1))

    ink = _paste_ink(warped, size)
    mask = framing.sheet_mask(matrix, page_px, size, conditions)
    surface = None
    if conditions.surroundings != "none":
        surface = _surface(matrix, size, px_per_mm, conditions, streams["surface"])
    ruling = None
    if conditions.ruled is not None:
        sheet_digit_px = heights[0]
        ruling = _ruling(layout, matrix, page_px, sheet_digit_px, conditions.ruled, size,
                         squared=conditions.squared, margin=conditions.margin)
    light = _scene(ink, mask, surface, writer, digit_px, conditions, streams, ruling)
    light = camera.blur(light, conditions.blur * digit_px)
    light = camera.sensor_noise(
        light,
        sigma=conditions.noise * conditions.paper_tone,
        level=conditions.paper_tone,
        rng=streams["noise"],
    )
    image = camera.encode(camera.sharpen(light, conditions.sharpen), conditions.jpeg_quality)

    digits = [
        ([x0, y0, x1 - x0 + 1, y1 - y0 + 1], g.label, g.line, g.number)
        for g, (x0, y0, x1, y1) in zip(glyphs, boxes)
    ]
    truth = page._truth_dict(name, size, digits, texts)
    if not return_scene:
        return image, truth
    w, h = page_px
    corners = np.float64([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]]) @ matrix.T
    ahead = corners[:, 2:] > 0  # a corner behind the camera has no place in the picture
    scene = {
        "homography": matrix,
        "sheet": np.where(ahead, corners[:, :2] / np.where(ahead, corners[:, 2:], 1), np.nan),
        "sheet_mask": mask,
        "ink": ink,
        "digit_height": digit_px,
        "px_per_mm": px_per_mm * framing.local_scale(matrix, (w / 2, h / 2)),
    }
    return image, truth, scene
