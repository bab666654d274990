"""Hard photos made to fail the way real ones did, each with its truth.

Every case copies a photo that a reader of the kit got wrong: thin ink on
grey paper under camera noise, a close crop, a rotated sheet in a shadow on a
desk, evenly spaced digits, a sheet on a leather desk, a slanted line from a
webcam.  They are synthetic, so their truth is exact, and they are made
afresh from a seed, so nothing is stored.  Use them to test and to measure a
reader::

    for case in hard_cases():
        reading = read_page(case.image)
        ...  # compare with case.truth
"""

from dataclasses import dataclass

import numpy as np

from ..errors import OptionError
from .layouts import Layout, Line, Number
from .photo import PhotoConditions, render_photo

__all__ = ["HARD_CASES", "HardCase", "hard_cases"]


@dataclass(frozen=True)
class HardCase:
    """One hard photo and its truth.

    Attributes
    ----------
    name : str
        Short name, e.g. ``'thin_pen_grey_paper'``.
    what : str
        The real photo it copies.
    image : (H, W, 3) uint8 ndarray
        RGB.
    truth : dict
        In the schema of ``ocrkit read --json`` (see :func:`render_photo`).
    conditions : PhotoConditions
        How it was taken.
    writer : str
        Whose hand.
    """

    name: str
    what: str
    image: np.ndarray
    truth: dict
    conditions: PhotoConditions
    writer: str


def _evenly_spaced(labels, *, digit_mm=6.0):
    """One number of evenly spaced digits, centred on a small sheet.

    Written as one number (no space anywhere), so its gaps are all alike:
    the reader must keep it one number rather than cut it at the widest of
    several equal gaps.
    """
    width, height = 105.0, 74.0
    number = Number(tuple(int(d) for d in labels), (False,) * (len(labels) - 1),
                    (False,) * len(labels), x_mm=width / 2)
    line = Line(width / 4, height / 2 + digit_mm / 2, 0.0, digit_mm, (number,))
    return Layout((width, height), (line,))


_PHONE = {"noise": 0.03, "sharpen": 1.0, "jpeg_quality": 85, "blur": 0.01}
_WEBCAM = {"size": (640, 480), "noise": 0.05, "blur": 0.02, "sharpen": 0.5, "jpeg_quality": 70}

#: name -> (what it copies, text or layout, writer, conditions)
_SPECS = {
    "thin_pen_grey_paper": (
        "a line of 8 digits about 65 px tall, thin pen on grey paper, camera noise, 768x560",
        "31415926",
        "a",
        PhotoConditions(
            size=(768, 560),
            close_crop=65 / 560,
            pen_width=0.03,
            contrast=0.35,
            paper_tone=150,
            paper_colour=(1.0, 1.0, 0.97),
            noise=0.07,
            blur=0.012,
            sharpen=0.8,
            jpeg_quality=85,
            vignetting=0.25,
            uneven_light=0.2,
            surroundings="none",
        ),
    ),
    "close_crop": (
        "a close crop where the digits fill about 60% of the picture's height",
        "471",
        "a",
        PhotoConditions(
            size=(720, 400),
            close_crop=0.6,
            paper_tone=185,
            vignetting=0.15,
            uneven_light=0.2,
            surroundings="none",
            **_PHONE,
        ),
    ),
    "rotated_shadow_wood": (
        "a rotated sheet with a shadow across it, on a wooden desk",
        ["52 907", "3318 46"],
        "b",
        PhotoConditions(
            size=(800, 600),
            rotation=14,
            perspective=10,
            shadow=0.55,
            sheet_fill=0.75,
            surroundings="wood",
            **_PHONE,
        ),
    ),
    "rotated_shadow_leather": (
        "a rotated sheet with a shadow over a corner, on a leather desk",
        ["604 18", "2759 3"],
        "a",
        PhotoConditions(
            size=(800, 600),
            rotation=-21,
            perspective=8,
            shadow=0.5,
            sheet_fill=0.7,
            surroundings="leather",
            **_PHONE,
        ),
    ),
    "five_spaced": (
        "five digits evenly spaced in a row",
        _evenly_spaced([8, 8, 8, 8, 8]),
        "c",
        PhotoConditions(
            close_crop=0.15,
            paper_tone=180,
            paper_colour=(0.97, 1.02, 1.0),
            vignetting=0.3,
            uneven_light=0.3,
            surroundings="none",
            **_WEBCAM,
        ),
    ),
    "paper_on_leather": (
        "a small sheet with two lines of digits on a dark leather desk, seen at a slant",
        ["1247673", "8952481"],
        "a",
        PhotoConditions(
            size=(922, 692),
            sheet_fill=0.55,
            rotation=-5,
            perspective=14,
            surroundings="leather",
            paper_tone=215,
            **_PHONE,
        ),
    ),
    "paper_on_fabric": (
        "a sheet on a cloth, turned and tilted, in uneven light",
        ["90 5521", "46 38"],
        "d",
        PhotoConditions(
            size=(800, 600),
            sheet_fill=0.7,
            rotation=9,
            perspective=18,
            uneven_light=0.35,
            surroundings="fabric",
            **_PHONE,
        ),
    ),
    "paper_on_dark_mat": (
        "a sheet on a dark desk mat: the camera exposes for the dark and the paper glares",
        ["7305 62", "184 99"],
        "b",
        PhotoConditions(
            size=(800, 600),
            sheet_fill=0.6,
            rotation=-3,
            perspective=12,
            paper_tone=240,
            contrast=0.5,
            surroundings="dark mat",
            **_PHONE,
        ),
    ),
    "webcam_slanted": (
        "a webcam picture (640x480) of a line slanted by 35 degrees",
        "237845",
        "c",
        PhotoConditions(
            close_crop=0.14,
            rotation=-35,
            paper_tone=175,
            paper_colour=(0.96, 1.04, 0.98),
            vignetting=0.35,
            uneven_light=0.3,
            surroundings="none",
            **_WEBCAM,
        ),
    ),
}

#: Names of the hard cases, in the order :func:`hard_cases` returns them.
HARD_CASES = tuple(_SPECS)


def hard_cases(*, names=None, seed=0):
    """Render the hard photos.

    Parameters
    ----------
    names : sequence of str, optional
        Which cases (see :data:`HARD_CASES`); all by default.
    seed : int
        Each case uses ``seed`` plus its place in :data:`HARD_CASES`; the same
        seed gives the same bytes.

    Returns
    -------
    list of HardCase

    Raises
    ------
    OptionError
        For an unknown name.

    Examples
    --------
    >>> (case,) = hard_cases(names=["webcam_slanted"])
    >>> case.image.shape, case.truth["lines"]
    ((480, 640, 3), ['237845'])
    """
    names = HARD_CASES if names is None else tuple(names)
    unknown = sorted(set(names) - set(HARD_CASES))
    if unknown:
        raise OptionError(f"unknown hard cases {unknown}; choose from {HARD_CASES}")
    cases = []
    for name in names:
        what, text, writer, conditions = _SPECS[name]
        image, truth = render_photo(text, conditions=conditions, writer=writer,
                                    seed=seed + HARD_CASES.index(name), name=f"{name}.jpg")
        cases.append(HardCase(name, what, image, truth, conditions, writer))
    return cases
