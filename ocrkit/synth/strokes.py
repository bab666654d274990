"""Pen strokes of the digits 0-9 and how a pen traces them.

Each digit is a list of strokes, one per pen-down.  A stroke is written as the
points the pen passes through, in percent of the digit box: x to the right,
y downwards, ``0,0`` the top-left corner and ``y = 100`` the baseline.  A ``^``
after a point marks a corner where the pen turns sharply; between corners the
pen follows a cardinal spline through the points, so a writer's roundness is
the spline's tension.
"""

import numpy as np

from ..errors import OptionError

__all__ = ["BROKEN_DIGITS", "digit_strokes", "trace_stroke"]

# Shapes common to every writer.  Closed shapes (0, 6, 8, 9) run a little past
# their start so the pen closes the loop the way people do.
_SHAPES = {
    "0": ["52,0 22,10 5,46 16,88 46,100 80,90 96,52 86,12 58,0 42,6"],
    "1": ["52,0 48,100"],
    "1-flag": ["18,26 52,0^ 48,100"],
    "1-foot": ["18,26 52,0^ 48,100", "20,100 48,100 80,100"],
    "1-long": ["0,28^ 62,0^ 58,100", "34,100 58,100 82,100"],
    "2": ["8,26 26,5 58,0 86,12 88,36 66,60 30,84 4,100^ 50,97 98,99"],
    "2-loop": [
        "8,26 26,5 58,0 86,12 88,36 66,60 40,78 22,92 8,94 6,82 18,76 30,86 34,99^ 66,97 98,99"
    ],
    "3": ["10,14 40,0 74,4 84,24 62,42 38,48^ 66,50 88,66 88,88 60,100 28,100 6,88"],
    "4": ["70,0^ 4,68^ 98,68", "70,0 70,100"],
    "4-open": ["20,0^ 8,62^ 98,62", "74,14 72,100"],
    "5": ["24,2^ 18,44^ 48,36 80,44 94,66 84,90 54,100 24,98 6,88", "24,2 92,0"],
    "6": ["78,2 44,18 16,50 10,78 28,98 58,100 84,86 86,64 64,50 36,52 14,70"],
    "7": ["6,6 94,2^ 40,100"],
    "7-bar": ["6,6 94,2^ 40,100", "30,54 100,50"],
    "8": ["84,14 52,0 20,8 18,30 48,48 82,66 86,88 56,100 20,94 14,72 46,50 78,32 80,12 62,2"],
    "9": ["88,14 62,0 22,6 10,28 26,48 58,50 86,30 88,12^ 84,56 80,100"],
    "9-curved": ["88,14 62,0 22,6 10,28 26,48 58,50 86,30 88,12^ 86,56 74,88 48,100 20,94"],
    "9-open": ["40,4 16,14 8,32 24,48 56,50 84,38^ 88,0^ 86,100"],
}

# Digits drawn with a gap in a stroke, so that their ink falls in two pieces:
# a 5 whose top bar floats clear of the stem, a 4 whose stem skips below the
# bar, a 7 whose pen lifted at the corner.
_BROKEN = {
    "4": ["70,0^ 4,56^ 98,56", "70,0 71,54", "70,80 69,102"],
    "4-open": ["20,0^ 8,52^ 98,52", "74,14 73,50", "72,78 71,102"],
    "5": ["24,2^ 18,44^ 48,36 80,44 94,66 84,90 54,100 24,98 6,88", "34,-20 100,-22"],
    "7": ["6,6 76,2", "98,24 40,100"],
    "7-bar": ["6,6 76,2", "98,24 40,100", "30,54 100,50"],
}

#: Digits that have a broken form (``broken=True``).
BROKEN_DIGITS = frozenset(int(key[0]) for key in _BROKEN)


def _parse(stroke):
    """``"10,20 30,40^"`` -> (n, 2) float points in box units and (n,) corner flags."""
    points, corners = [], []
    for token in stroke.split():
        corners.append(token.endswith("^"))
        x, y = token.rstrip("^").split(",")
        points.append((float(x) / 100.0, float(y) / 100.0))
    return np.array(points), np.array(corners)


# Parse once at import; digit_strokes hands out copies.
_PARSED = {key: [_parse(s) for s in strokes] for key, strokes in _SHAPES.items()}
_PARSED_BROKEN = {key: [_parse(s) for s in strokes] for key, strokes in _BROKEN.items()}


# Letter forms of the 1 and the 9, and the suffix of their strokes' names.
_ONES = {"plain": "", "flag": "-flag", "foot": "-foot", "long": "-long"}
_NINES = {"straight": "", "curved": "-curved", "open": "-open"}


def digit_strokes(
    label, *, one="flag", four="closed", seven="plain", nine="straight", two="plain", broken=False
):
    """Strokes of one digit in the chosen letter forms.

    Parameters
    ----------
    label : int
        The digit, 0-9.
    one : {'plain', 'flag', 'foot', 'long'}
        A bare stem, a stem with an up-stroke flag, flag and foot, or the
        continental 1: a long flag reaching out from the far left, and a
        foot.
    four : {'closed', 'open'}
        Whether the diagonal meets the stem at the top.
    seven : {'plain', 'bar'}
        Whether the 7 is crossed.
    nine : {'straight', 'curved', 'open'}
        Shape of the 9: a straight or a curved tail, or a straight tail under
        a loop left open at the top, as a quick hand writes it.
    two : {'plain', 'loop'}
        Whether the 2 has a loop where the diagonal meets the base.
    broken : bool
        Draw the digit with a gap in one stroke; only for ``BROKEN_DIGITS``.

    Returns
    -------
    list of ((n, 2) ndarray, (n,) bool ndarray)
        Per stroke, points in box units (x right, y down, baseline at 1) and
        corner flags.

    Raises
    ------
    OptionError
        For a label outside 0-9, an unknown letter form, or a broken form
        the digit does not have.
    """
    label = int(label)
    if not 0 <= label <= 9:
        raise OptionError(f"label must be a digit 0-9, got {label}")
    for name, value, choices in (("one", one, _ONES), ("four", four, ("closed", "open")),
                                 ("seven", seven, ("plain", "bar")), ("nine", nine, _NINES),
                                 ("two", two, ("plain", "loop"))):
        if value not in choices:
            raise OptionError(f"{name}={value!r}; choose one of {', '.join(map(repr, choices))}")
    if broken and label not in BROKEN_DIGITS:
        raise OptionError(
            f"digit {label} has no broken form; broken digits are {sorted(BROKEN_DIGITS)}"
        )
    variant = {
        1: _ONES[one],
        2: "-loop" if two == "loop" else "",
        4: "-open" if four == "open" else "",
        7: "-bar" if seven == "bar" else "",
        9: _NINES[nine],
    }.get(label, "")
    key = f"{label}{variant}"
    table = _PARSED_BROKEN if broken else _PARSED
    return [(points.copy(), corners.copy()) for points, corners in table[key]]


def _cardinal(points, tension, per_segment=24):
    """Dense polyline of a cardinal spline through ``points`` (n >= 2)."""
    if len(points) == 2:
        t = np.linspace(0.0, 1.0, per_segment)[:, None]
        return points[0] + t * (points[1] - points[0])
    # Interior tangents follow the neighbours; end tangents point at the next
    # point, so a stroke leaves its start and reaches its end without a hook.
    tangents = np.empty_like(points)
    tangents[1:-1] = (points[2:] - points[:-2]) / 2.0
    tangents[0] = points[1] - points[0]
    tangents[-1] = points[-1] - points[-2]
    tangents *= tension
    t = np.linspace(0.0, 1.0, per_segment, endpoint=False)[:, None]
    h00, h10 = 2 * t**3 - 3 * t**2 + 1, t**3 - 2 * t**2 + t
    h01, h11 = -2 * t**3 + 3 * t**2, t**3 - t**2
    segments = [
        h00 * points[i] + h10 * tangents[i] + h01 * points[i + 1] + h11 * tangents[i + 1]
        for i in range(len(points) - 1)
    ]
    return np.concatenate([*segments, points[-1:]])


def trace_stroke(points, corners, *, tension=1.0):
    """Dense path of one stroke: spline pieces joined at the corners.

    Parameters
    ----------
    points : (n, 2) ndarray
        Points the pen passes through.
    corners : (n,) bool ndarray
        Where the path may turn sharply.
    tension : float
        Spline tension: below 1 the curves hug the straight lines between the
        points (an angular hand), above 1 they bulge (a round hand).

    Returns
    -------
    (m, 2) ndarray
        Points along the path, a few per percent of the box.
    """
    cuts = [0, *np.flatnonzero(corners[1:-1]) + 1, len(points) - 1]
    pieces = [_cardinal(points[a : b + 1], tension) for a, b in zip(cuts[:-1], cuts[1:])]
    return np.concatenate(pieces)
