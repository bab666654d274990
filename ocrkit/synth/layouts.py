"""What is written where on a page: lines of numbers, scattered digits, sheets.

A :class:`Layout` is a page size and a tuple of :class:`Line` objects, each a
baseline (start point, slope, digit height) and the numbers written on it.
Positions are in millimetres from the page's top-left corner, so one layout
can be rendered at any dpi and by any writer: the writer decides how wide the
digits are and how far apart they fall, as a person would.

Text is written as in ``"3141 5926 53"``: spaces separate numbers.  Inside a
number, ``+`` between two digits makes their strokes touch (``"3+8"``, and
``"1+2+3"`` for a triple), and ``!`` after a 4, 5 or 7 draws that digit with a
gap in one stroke (``"45!7"``).
"""

from dataclasses import dataclass

import numpy as np

from ..errors import OptionError
from .strokes import BROKEN_DIGITS

__all__ = [
    "PAGE_SIZES_MM",
    "Layout",
    "Line",
    "Number",
    "lines_layout",
    "merge_layouts",
    "parse_number",
    "random_lines",
    "scattered_layout",
    "sheet_layout",
]

#: Named page formats, (width, height) in millimetres, portrait.
PAGE_SIZES_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "A6": (105.0, 148.0)}

# Room a digit and a space take on a line, in digit heights, for the bundled
# writers on average: a quick check that a line fits before anything is drawn.
# render_page checks every glyph against the page edge exactly.
_DIGIT_ADVANCE = 0.9
_SPACE_ADVANCE = 0.9
# Width of a sheet's cell per digit height: room for the widest glyph.
_SHEET_CELL = 1.1


@dataclass(frozen=True)
class Number:
    """A group of digits written without a space.

    Parameters
    ----------
    digits : tuple of int
        The digits, left to right.
    touch : tuple of bool
        One per gap between neighbours: True where their strokes touch.
    broken : tuple of bool
        One per digit: True to leave a gap in one of its strokes.
    x_mm : float, optional
        Centre of a hand-placed number; ``None`` to follow the previous number
        on the line at the writer's word spacing.
    dy_mm : float
        Vertical offset of a hand-placed number from the line's baseline.
    """

    digits: tuple
    touch: tuple
    broken: tuple
    x_mm: float | None = None
    dy_mm: float = 0.0

    def __post_init__(self):
        if not self.digits or any(not 0 <= d <= 9 for d in self.digits):
            raise OptionError(f"a number needs one or more digits 0-9, got {self.digits!r}")
        if len(self.touch) != len(self.digits) - 1 or len(self.broken) != len(self.digits):
            raise OptionError("touch needs one flag per gap and broken one flag per digit")
        for digit, broken in zip(self.digits, self.broken):
            if broken and digit not in BROKEN_DIGITS:
                raise OptionError(
                    f"digit {digit} has no broken form; only {sorted(BROKEN_DIGITS)} do"
                )

    @property
    def text(self):
        """The digits as a string, e.g. ``"314"``."""
        return "".join(map(str, self.digits))


@dataclass(frozen=True)
class Line:
    """Numbers written along one baseline.

    Parameters
    ----------
    x_mm, y_mm : float
        Start of the baseline.
    slope_deg : float
        Slope of the baseline; positive runs downhill to the right.
    height_mm : float
        Digit height, before the writer's size and jitter.
    numbers : tuple of Number
        Left to right.
    """

    x_mm: float
    y_mm: float
    slope_deg: float
    height_mm: float
    numbers: tuple

    def __post_init__(self):
        if not self.numbers:
            raise OptionError("a line needs at least one number")
        if not 0.5 <= self.height_mm <= 100:
            raise OptionError(f"digit height {self.height_mm} mm is outside 0.5-100 mm")


@dataclass(frozen=True)
class Layout:
    """A page: its size and the lines written on it.

    Parameters
    ----------
    size_mm : tuple of float
        (width, height) of the page.
    lines : tuple of Line
    """

    size_mm: tuple
    lines: tuple


def _page_size(page):
    if isinstance(page, str):
        if page not in PAGE_SIZES_MM:
            raise OptionError(f"unknown page {page!r}; use {sorted(PAGE_SIZES_MM)} or (w, h) mm")
        return PAGE_SIZES_MM[page]
    width, height = (float(v) for v in page)
    if not (20 <= width <= 1000 and 20 <= height <= 1000):
        raise OptionError(f"page size {page} mm is outside 20-1000 mm per side")
    return width, height


def _height_range(height_mm):
    lo, hi = (height_mm, height_mm) if np.isscalar(height_mm) else height_mm
    if not 0.5 <= lo <= hi <= 100:
        raise OptionError(f"digit_height_mm must be in 0.5-100 mm (lo <= hi), got {height_mm}")
    return float(lo), float(hi)


def parse_number(token):
    """Parse one number of layout text, e.g. ``"3+85!"``, into a :class:`Number`.

    Parameters
    ----------
    token : str
        Digits; ``+`` between two digits makes them touch, ``!`` after a 4,
        5 or 7 breaks one of its strokes.

    Returns
    -------
    Number

    Raises
    ------
    OptionError
        For characters other than digits, ``+`` and ``!``, a ``+`` that does not
        join two digits, or a ``!`` after a digit without a broken form.
    """
    digits, touch, broken = [], [], []
    pending_touch = False
    for char in token:
        if char.isdigit():
            if digits:
                touch.append(pending_touch)
            digits.append(int(char))
            broken.append(False)
            pending_touch = False
        elif char == "+" and digits and not pending_touch:
            pending_touch = True
        elif char == "!" and digits and not broken[-1]:
            broken[-1] = True
        else:
            raise OptionError(
                f"cannot read {token!r}: write digits, '+' between two digits to make them "
                "touch, '!' after a 4, 5 or 7 to break it"
            )
    if pending_touch or not digits:
        raise OptionError(f"cannot read {token!r}: '+' must join two digits")
    return Number(tuple(digits), tuple(touch), tuple(broken))


def random_lines(n_lines, *, digits=(6, 12), max_number=6, touching=0.0, seed=0):
    """Random lines of numbers, as layout text.

    Parameters
    ----------
    n_lines : int
        How many lines.
    digits : tuple of int
        Least and most digits on a line.
    max_number : int
        Longest number, in digits.
    touching : float
        Chance that two neighbouring digits of a number touch (``+``).
    seed : int
        The same seed gives the same lines.

    Returns
    -------
    list of str
        E.g. ``["3141 59 26535", ...]``.

    Raises
    ------
    OptionError
        If `digits` is not (lo, hi) with 1 <= lo <= hi, or `max_number` < 1.
    """
    lo, hi = digits
    if not 1 <= lo <= hi or max_number < 1:
        raise OptionError("digits must be (lo, hi) with 1 <= lo <= hi, and max_number >= 1")
    rng = np.random.default_rng(seed)
    lines = []
    for _ in range(n_lines):
        left = int(rng.integers(lo, hi + 1))
        numbers = []
        while left:
            n = int(rng.integers(1, min(max_number, left) + 1))
            text = ""
            for k in range(n):
                joiner = "+" if k and rng.random() < touching else ""
                text += joiner + str(int(rng.integers(10)))
            numbers.append(text)
            left -= n
        lines.append(" ".join(numbers))
    return lines


def lines_layout(
    text_lines,
    *,
    digit_height_mm=6.0,
    page="A5",
    margin_mm=15.0,
    top_mm=None,
    line_pitch=2.2,
    slope_deg=1.0,
    indent_mm=8.0,
    seed=0,
):
    """Lines of numbers written left to right, top to bottom.

    Parameters
    ----------
    text_lines : sequence of str
        One string per line, e.g. ``"3141 5926 53"`` (see the module notes for
        ``+`` and ``!``).
    digit_height_mm : float or (float, float)
        Digit height, or a range to draw each line's height from.
    page : {'A4', 'A5', 'A6'} or (float, float)
        Page format, or (width, height) in mm.
    margin_mm : float
        Blank border on every side.
    top_mm : float, optional
        Where the first line's band starts; ``margin_mm`` by default.
    line_pitch : float
        Distance between baselines, in digit heights.
    slope_deg : float
        Each line's baseline slopes by up to this much, either way.
    indent_mm : float
        Each line starts up to this much right of the margin.
    seed : int
        Seed of the slopes, indents and heights.

    Returns
    -------
    Layout

    Raises
    ------
    OptionError
        If the text cannot be read, or the lines would not fit on the page.
    """
    if isinstance(text_lines, str):
        raise OptionError(f"text_lines must be a list of lines, e.g. [{text_lines!r}]")
    width, height = _page_size(page)
    lo, hi = _height_range(digit_height_mm)
    parsed = [[parse_number(token) for token in text.split()] for text in text_lines]
    if not parsed or any(not numbers for numbers in parsed):
        raise OptionError("give at least one line, and no empty lines")
    rng = np.random.default_rng(seed)
    y = margin_mm if top_mm is None else float(top_mm)
    lines = []
    for i, numbers in enumerate(parsed):
        h = rng.uniform(lo, hi)
        x = margin_mm + rng.uniform(0, indent_mm)
        n_digits = sum(len(n.digits) for n in numbers)
        need = h * (_DIGIT_ADVANCE * n_digits + _SPACE_ADVANCE * (len(numbers) - 1))
        if x + need > width - margin_mm:
            raise OptionError(
                f"line {i} ({text_lines[i]!r}) needs about {need:.0f} mm but the page leaves "
                f"{width - margin_mm - x:.0f} mm; shorten it or lower digit_height_mm"
            )
        # The first baseline sits one digit (plus slant room) below the top.
        y += 1.3 * h if i == 0 else line_pitch * h
        lines.append(Line(x, y, rng.uniform(-slope_deg, slope_deg), h, tuple(numbers)))
    if y + 0.5 * hi > height - margin_mm:
        raise OptionError(
            f"{len(parsed)} lines need {y + 0.5 * hi:.0f} mm of a {height:.0f} mm page; "
            "use fewer lines, a smaller line_pitch or digit_height_mm"
        )
    return Layout((width, height), tuple(lines))


def scattered_layout(
    labels, *, digit_height_mm=6.0, page="A5", region_mm=None, margin_mm=15.0, seed=0
):
    """Single digits at random, non-overlapping spots.

    Each digit is a line of its own, so a reader should list them top to
    bottom (by baseline), then left to right.

    Parameters
    ----------
    labels : sequence of int
        Digits 0-9.
    digit_height_mm : float or (float, float)
        Digit height, or a range to draw each digit's height from.
    page : {'A4', 'A5', 'A6'} or (float, float)
    region_mm : (float, float, float, float), optional
        (x, y, width, height) to scatter in; the page inside the margins by
        default.
    margin_mm : float
    seed : int

    Returns
    -------
    Layout

    Raises
    ------
    OptionError
        If the digits cannot all be placed apart inside the region.
    """
    labels = [int(label) for label in labels]
    if any(not 0 <= label <= 9 for label in labels):
        raise OptionError(f"labels must be digits 0-9, got {labels}")
    width, height = _page_size(page)
    lo, hi = _height_range(digit_height_mm)
    if region_mm is None:
        region_mm = (margin_mm, margin_mm, width - 2 * margin_mm, height - 2 * margin_mm)
    rx, ry, rw, rh = (float(v) for v in region_mm)
    if rx < 0 or ry < 0 or rx + rw > width or ry + rh > height or rw <= 0 or rh <= 0:
        raise OptionError(f"region_mm {region_mm} does not lie on the {width}x{height} mm page")
    rng = np.random.default_rng(seed)
    taken, lines = [], []
    for label in labels:
        h = rng.uniform(lo, hi)
        # A box with room for slant and jitter and some clear paper around.
        bw, bh = 1.6 * h, 1.8 * h
        if bw > rw or bh > rh:
            raise OptionError(f"a {h:.1f} mm digit does not fit the {rw:.0f}x{rh:.0f} mm region")
        for _ in range(2000):
            cx = rng.uniform(rx + bw / 2, rx + rw - bw / 2)
            cy = rng.uniform(ry + bh / 2, ry + rh - bh / 2)
            if all(
                abs(cx - x) > (bw + w) / 2 or abs(cy - y) > (bh + hh) / 2 for x, y, w, hh in taken
            ):
                break
        else:
            raise OptionError(
                f"could not place {len(labels)} digits apart in a {rw:.0f}x{rh:.0f} mm region; "
                "use fewer digits, smaller ones or a larger region"
            )
        taken.append((cx, cy, bw, bh))
        number = Number((label,), (), (False,), x_mm=cx)
        lines.append(Line(cx - h / 2, cy + h / 2, 0.0, h, (number,)))
    lines.sort(key=lambda line: (line.y_mm, line.x_mm))
    return Layout((width, height), tuple(lines))


def sheet_layout(
    *,
    order="1234567890",
    repeats=10,
    digit_height_mm=8.0,
    page="A5",
    margin_mm=14.0,
    slope_deg=3.0,
    seed=0,
):
    """A free-form training sheet: one row per digit, each written ``repeats`` times.

    The rows are written by hand: each slopes by a few degrees (mostly the
    same way, as a tilted page makes them) and the copies sit loosely, not on
    a grid.  Every copy is a number of its own.

    Parameters
    ----------
    order : str
        The digit of each row, top to bottom.
    repeats : int
        Copies per row.
    digit_height_mm : float
    page : {'A4', 'A5', 'A6'} or (float, float)
    margin_mm : float
    slope_deg : float
        Typical slope of a row.
    seed : int

    Returns
    -------
    Layout

    Raises
    ------
    OptionError
        If ``order`` holds a non-digit, or the rows and copies do not fit.
    """
    width, height = _page_size(page)
    if not order or not order.isdigit():
        raise OptionError(f"order must be a string of digits, got {order!r}")
    if repeats < 1:
        raise OptionError(f"repeats must be at least 1, got {repeats}")
    h = float(digit_height_mm)
    pitch_y = (height - 2 * margin_mm) / len(order)
    pitch_x = (width - 2 * margin_mm) / repeats
    if h > 0.6 * pitch_y or _SHEET_CELL * h > pitch_x:
        raise OptionError(
            f"{len(order)} rows of {repeats} digits {h} mm high do not fit the page; the most "
            f"is {min(0.6 * pitch_y, pitch_x / _SHEET_CELL):.1f} mm"
        )
    rng = np.random.default_rng(seed)
    common = rng.uniform(0.5, 1.0) * slope_deg * rng.choice([-1, 1])
    half_run = (width - 2 * margin_mm) / 2
    lines = []
    for row, char in enumerate(order):
        slope = common + rng.normal(0, 0.25 * slope_deg)
        # Pivot each row on its middle so that it stays in its band.
        y = margin_mm + (row + 0.5) * pitch_y + h / 2 - np.tan(np.radians(slope)) * half_run
        numbers = tuple(
            Number(
                (int(char),),
                (),
                (False,),
                x_mm=float(margin_mm + (col + 0.5 + rng.normal(0, 0.05)) * pitch_x),
                dy_mm=float(rng.normal(0, 0.06 * h)),
            )
            for col in range(repeats)
        )
        lines.append(Line(margin_mm, float(y), float(slope), h, numbers))
    return Layout((width, height), tuple(lines))


def merge_layouts(first, *more):
    """One page holding the lines of several layouts of the same page size.

    Parameters
    ----------
    first, *more : Layout
        Layouts of one page size.

    Returns
    -------
    Layout
        Every line of `first`, then of each of `more`.

    Raises
    ------
    OptionError
        If the page sizes differ.
    """
    for other in more:
        if tuple(other.size_mm) != tuple(first.size_mm):
            raise OptionError(f"page sizes differ: {first.size_mm} and {other.size_mm}")
    return Layout(first.size_mm, tuple(line for lay in (first, *more) for line in lay.lines))
