"""Synthetic writers: a hand's style, and digits drawn in it as pen strokes."""

from dataclasses import dataclass

import cv2
import numpy as np

from ..errors import OptionError
from .strokes import digit_strokes, trace_stroke

__all__ = ["WRITERS", "Writer", "as_writer", "draw_digit", "render_glyphs"]

#: Pen traces are rasterised this many times finer, then area-averaged, so the
#: edges are antialiased and the ink is a coverage fraction.
SUPERSAMPLE = 4
#: Thinnest pen in output pixels; below about one pixel a stroke has no pixel
#: more than a quarter covered and would vanish from every ink mask.
MIN_PEN_PX = 1.4
_SHIFT = 4  # fixed-point bits for cv2.circle, for sub-pixel pen positions

_FORMS = {
    "one": {"plain", "flag", "foot", "long"},
    "four": {"closed", "open"},
    "seven": {"plain", "bar"},
    "nine": {"straight", "curved", "open"},
    "two": {"plain", "loop"},
}
_PENS = {"ballpoint", "marker", "pencil"}


@dataclass(frozen=True)
class Writer:
    """The style of one hand.

    Lengths are fractions of the digit height, angles in degrees.  Every glyph
    a writer draws varies around this style by its own random jitter.

    Parameters
    ----------
    name : str
        Short name used in messages.
    slant : float
        Lean of the upright strokes; positive leans right.
    roundness : float
        Spline tension of the curves: 0.7 is angular, 1.3 round and full.
    aspect : float
        Width of the digit box over its height.
    size : float
        How large this writer writes relative to a layout's digit height.
    pen_width : float
        Stroke width.
    pressure : float
        Relative variation of the stroke width along a stroke.
    jitter : float
        Standard deviation of the random shift of each stroke point.
    slant_jitter, size_jitter : float
        Per-glyph standard deviation of slant (degrees) and relative size.
    spacing, word_spacing : float
        Gap between digits of a number, and between numbers.
    wobble : float
        Standard deviation of each glyph's offset from the line's baseline.
    one : {'plain', 'flag', 'foot', 'long'}
    four : {'closed', 'open'}
    seven : {'plain', 'bar'}
    nine : {'straight', 'curved', 'open'}
    two : {'plain', 'loop'}
        Letter forms; see :func:`ocrkit.synth.strokes.digit_strokes`.
    pen : {'ballpoint', 'marker', 'pencil'}
        How the ink lies on paper in the ``scan`` and ``photo`` conditions.
    ink : tuple of 3 int
        Ink colour, RGB.
    """

    name: str
    slant: float = 0.0
    roundness: float = 1.0
    aspect: float = 0.6
    size: float = 1.0
    pen_width: float = 0.08
    pressure: float = 0.15
    jitter: float = 0.02
    slant_jitter: float = 2.0
    size_jitter: float = 0.04
    spacing: float = 0.25
    word_spacing: float = 0.9
    wobble: float = 0.03
    one: str = "flag"
    four: str = "closed"
    seven: str = "plain"
    nine: str = "straight"
    two: str = "plain"
    pen: str = "ballpoint"
    ink: tuple = (30, 40, 120)

    def __post_init__(self):
        for field, choices in _FORMS.items():
            value = getattr(self, field)
            if value not in choices:
                raise OptionError(f"{field}={value!r}; choose one of {sorted(choices)}")
        if self.pen not in _PENS:
            raise OptionError(f"pen={self.pen!r}; choose one of {sorted(_PENS)}")
        if not (-45 < self.slant < 45 and 0.3 <= self.roundness <= 2.0):
            raise OptionError("slant must lie in (-45, 45) degrees and roundness in [0.3, 2]")
        if not (0.2 <= self.aspect <= 1.5 and 0.2 <= self.size <= 3 and 0 < self.pen_width < 0.4):
            raise OptionError(
                "aspect must lie in [0.2, 1.5], size in [0.2, 3] and pen_width in (0, 0.4)"
            )
        if len(self.ink) != 3:
            raise OptionError(f"ink must be an RGB triple, got {self.ink!r}")

    @property
    def forms(self):
        """Letter-form keywords for :func:`~ocrkit.synth.strokes.digit_strokes`."""
        return {field: getattr(self, field) for field in _FORMS}


#: Five hands that differ from one another and from the average MNIST digit.
WRITERS = {
    # Upright, neat, blue ballpoint; a 1 with a small flag.
    "a": Writer(
        "a",
        slant=3.0,
        roundness=1.0,
        aspect=0.62,
        pen_width=0.075,
        jitter=0.015,
        slant_jitter=1.5,
        size_jitter=0.03,
        wobble=0.02,
        ink=(28, 45, 125),
    ),
    # Strongly slanted, narrow, European: crossed 7, 1 with flag and foot, looped 2.
    "b": Writer(
        "b",
        slant=20.0,
        roundness=0.85,
        aspect=0.46,
        pen_width=0.065,
        jitter=0.02,
        spacing=0.22,
        word_spacing=0.8,
        one="foot",
        seven="bar",
        two="loop",
        nine="curved",
        ink=(22, 22, 28),
    ),
    # Round, wide, backhand, in a thick black marker.
    "c": Writer(
        "c",
        slant=-5.0,
        roundness=1.25,
        aspect=0.82,
        pen_width=0.13,
        pressure=0.05,
        jitter=0.025,
        spacing=0.2,
        word_spacing=0.8,
        one="plain",
        nine="curved",
        pen="marker",
        ink=(15, 15, 18),
    ),
    # Small, thin and a little hurried, in pencil: open 4, straight 9.
    "d": Writer(
        "d",
        slant=9.0,
        roundness=0.75,
        aspect=0.55,
        size=0.9,
        pen_width=0.06,
        pressure=0.25,
        jitter=0.03,
        slant_jitter=3.0,
        size_jitter=0.07,
        wobble=0.05,
        four="open",
        pen="pencil",
        ink=(70, 70, 78),
    ),
    # Continental: a 1 with a long flag and a foot, a crossed 7, an open 4, a
    # 9 whose loop stays open at the top.  MNIST's writers rarely write so: a
    # model trained on MNIST alone reads this 1 as a 7 and this 9 as a 4.
    "e": Writer(
        "e",
        slant=8.0,
        roundness=0.9,
        aspect=0.58,
        pen_width=0.07,
        jitter=0.02,
        one="long",
        four="open",
        seven="bar",
        nine="open",
        ink=(20, 30, 95),
    ),
}


def as_writer(writer):
    """A :class:`Writer` from itself or from a name in :data:`WRITERS`.

    Parameters
    ----------
    writer : str or Writer
        A name in :data:`WRITERS`, or a Writer.

    Returns
    -------
    Writer

    Raises
    ------
    OptionError
        If `writer` is neither.
    """
    if isinstance(writer, Writer):
        return writer
    if writer not in WRITERS:
        raise OptionError(f"unknown writer {writer!r}; use one of {sorted(WRITERS)} or a Writer")
    return WRITERS[writer]


def _smooth_noise(s, rng, scales=(0.9, 0.35)):
    """A smooth random wave in [-1, 1] along arc length ``s`` (digit heights)."""
    wave = np.zeros_like(s)
    for weight, scale in zip((0.6, 0.4), scales):
        wave += weight * np.sin(2 * np.pi * s / scale + rng.uniform(0, 2 * np.pi))
    return wave


def trace_glyph(label, writer, height, rng, *, broken=False):
    """Pen paths of one jittered glyph, in pixels.

    Parameters
    ----------
    label : int
    writer : Writer
    height : float
        Nominal digit height in pixels, before the per-glyph size jitter.
    rng : numpy.random.Generator
    broken : bool

    Returns
    -------
    paths : list of (m, 2) ndarray
        Pen centre along each stroke, (x, y) pixels; the digit box's
        baseline-left corner is at the origin, y grows downwards.
    radii : list of (m,) ndarray
        Pen radius at each point, pixels.
    """
    h = height * (1 + writer.size_jitter * rng.standard_normal())
    aspect = writer.aspect * (1 + 0.05 * rng.standard_normal())
    slant = np.radians(writer.slant + writer.slant_jitter * rng.standard_normal())
    tilt = np.radians(1.2 * rng.standard_normal())
    tension = writer.roundness * (1 + 0.05 * rng.standard_normal())
    pen = max(writer.pen_width * height * (1 + 0.08 * rng.standard_normal()), MIN_PEN_PX)
    # A step of a fifth of the radius keeps the scallops of the stamped
    # circles far below a pixel.
    step = 0.2 * pen / 2
    strokes = digit_strokes(label, broken=broken, **writer.forms)
    # One random shift per distinct point: where two strokes start from the
    # same point (the 5's bar and stem) they stay joined.
    joints = np.unique(np.concatenate([points for points, _ in strokes]), axis=0)
    shifts = writer.jitter * rng.standard_normal(joints.shape)
    paths, radii = [], []
    for points, corners in strokes:
        index = [np.flatnonzero((joints == p).all(axis=1))[0] for p in points]
        points = points * (aspect, 1.0) + shifts[index]
        unit = trace_stroke(points, corners, tension=tension)
        x, y = unit[:, 0] * h, (unit[:, 1] - 1.0) * h  # baseline at y = 0
        x = x - y * np.tan(slant)  # shear about the baseline: upright strokes lean
        c, s = np.cos(tilt), np.sin(tilt)
        xy = np.stack([c * x - s * y, s * x + c * y], axis=1)
        seg = np.hypot(*np.diff(xy, axis=0).T)
        arc = np.concatenate([[0.0], np.cumsum(seg)])
        n = max(int(arc[-1] / step), 1) + 1
        s_new = np.linspace(0.0, arc[-1], n)
        path = np.stack([np.interp(s_new, arc, xy[:, 0]), np.interp(s_new, arc, xy[:, 1])], 1)
        # Pressure: a slow swell of the width, thinner where the pen lands and
        # thinner still where it lifts.
        rel = s_new / h
        width = 1 + writer.pressure * _smooth_noise(rel, rng)
        width *= np.minimum(0.75 + rel / 0.08 * 0.25, 1.0)
        width *= np.minimum(0.6 + (rel[-1] - rel) / 0.12 * 0.4, 1.0)
        paths.append(path)
        radii.append(np.maximum(pen * width, MIN_PEN_PX) / 2)
    return paths, radii


def rasterize(paths, radii, *, margin=2):
    """Antialiased ink coverage of pen paths.

    Parameters
    ----------
    paths, radii : list of ndarray
        As returned by :func:`trace_glyph`.
    margin : int
        Blank pixels around the ink.

    Returns
    -------
    coverage : (h, w) float32 ndarray
        Ink coverage in [0, 1].
    origin : (2,) ndarray
        Where the paths' origin (x, y) falls in ``coverage``, in pixels.
    """
    allpts = np.concatenate(paths)
    rmax = max(r.max() for r in radii)
    # Half a pixel more: stamped circles may round out by a fine pixel.
    lo = np.floor(allpts.min(axis=0) - rmax - 0.5) - margin
    hi = np.ceil(allpts.max(axis=0) + rmax + 0.5) + margin
    w, h = (hi - lo).astype(int)
    k = SUPERSAMPLE
    canvas = np.zeros((h * k, w * k), np.uint8)
    fixed = 1 << _SHIFT
    for path, radius in zip(paths, radii):
        centres = np.round((path - lo) * k * fixed).astype(np.int32)
        rads = np.round(radius * k * fixed).astype(np.int32)
        for (cx, cy), r in zip(centres.tolist(), rads.tolist()):
            cv2.circle(canvas, (cx, cy), r, 255, -1, cv2.LINE_8, _SHIFT)
    coverage = cv2.resize(canvas.astype(np.float32) / 255, (w, h), interpolation=cv2.INTER_AREA)
    # Area averaging of values in [0, 1] stays in [0, 1] up to rounding.
    return np.minimum(np.maximum(coverage, 0.0), 1.0), -lo


def _check_label(label):
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or not 0 <= label <= 9:
        raise OptionError(f"label must be an int 0-9, got {label!r}")
    return int(label)


def _check_height(height):
    if not 8 <= height <= 1000:
        raise OptionError(f"height must be 8-1000 pixels, got {height}")


def draw_digit(label, *, writer="a", height=64, seed=0, broken=False):
    """Draw one handwritten digit as antialiased pen strokes.

    Parameters
    ----------
    label : int
        The digit, 0-9.
    writer : str or Writer
        A name in :data:`WRITERS` or a custom :class:`Writer`.
    height : float
        Digit height in pixels (cap to baseline, before jitter and pen width).
        ``writer.size`` does not apply here; it scales digits on pages.
    seed : int or numpy.random.Generator
        Seed of the glyph's jitter, so the same call draws the same glyph; or
        a Generator (as :func:`numpy.random.default_rng` takes them) shared by
        several calls to draw varied glyphs.
    broken : bool
        Leave a gap in one stroke (digits 4, 5 and 7 only).

    Returns
    -------
    (h, w) float32 ndarray
        Ink coverage in [0, 1] (0 is paper), with a 2-pixel blank margin.

    Raises
    ------
    OptionError
        For a label outside 0-9, an unknown writer, or a height outside 8-1000.

    Examples
    --------
    >>> glyph = draw_digit(7, writer="b", height=40)
    >>> glyph.dtype, 40 <= glyph.shape[0] <= 56, float(glyph.max()) == 1.0
    (dtype('float32'), True, True)
    """
    label = _check_label(label)
    _check_height(height)
    writer = as_writer(writer)
    paths, radii = trace_glyph(label, writer, height, np.random.default_rng(seed), broken=broken)
    return rasterize(paths, radii)[0]


def render_glyphs(labels, *, writer="a", height=28, seed=0):
    """Draw a sequence of digits, each with its own jitter.

    Parameters
    ----------
    labels : sequence of int
        Digits 0-9.
    writer : str or Writer
    height : float
        Digit height in pixels.
    seed : int
        Seed of the jitter; the same seed gives the same glyphs.

    Returns
    -------
    list of (h_i, w_i) float32 ndarray
        Ink coverage per digit; sizes differ from glyph to glyph.
    """
    labels = [_check_label(label) for label in labels]
    _check_height(height)
    writer = as_writer(writer)
    rng = np.random.default_rng(seed)
    return [rasterize(*trace_glyph(label, writer, height, rng))[0] for label in labels]
