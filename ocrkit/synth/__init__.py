"""Synthetic handwriting: digits drawn as pen strokes, pages with known answers.

A reader of handwritten digits needs pages whose every digit is known.  This
package writes them:

1. **Strokes.**  Each digit 0-9 is one or more pen strokes through a few
   points in a unit box, joined by splines (:mod:`ocrkit.synth.strokes`).
2. **Writers.**  A :class:`Writer` is a hand: slant, roundness, width, size,
   pen width and pressure, and letter forms (a 1 with flag and foot, an open
   4, a crossed 7, a curved 9, a looped 2).  Every glyph it draws is jittered,
   so no two are alike.  :data:`WRITERS` holds five hands, ``"a"`` to ``"e"``.
   :func:`draw_digit` renders one glyph as antialiased ink coverage.
3. **Layouts.**  What is written where, in millimetres: lines of numbers
   (:func:`lines_layout`), single digits scattered about
   (:func:`scattered_layout`), a training sheet of ten rows of ten
   (:func:`sheet_layout`).  ``"3+8"`` makes two digits touch and ``"5!"``
   breaks a stroke of a 5.
4. **Pages.**  :func:`render_page` writes a layout in a writer's hand and
   passes the page through a condition: ``"clean"``, ``"scan"`` or
   ``"photo"``.  It returns the RGB image and the truth, in the JSON schema
   of ``ocrkit read``, with each digit's box measured on its own ink after the
   page's rotation or perspective.
5. **Photos.**  :func:`render_photo` takes a phone photo of the writing under
   :class:`PhotoConditions` set one by one: ink contrast, paper tone and
   colour, pen width, blur, camera noise, sharpening, JPEG, vignetting,
   uneven light, a shadow, the desk around the sheet (:data:`SURROUNDINGS`),
   lined paper, rotation, perspective, a close crop and the picture's size.
   :func:`hard_cases` makes photos that fail the way real ones did, each with
   its truth.
6. **Sheets.**  :func:`template_photo` fills in the kit's handwriting
   template (:func:`ocrkit.sheets.make_template`) in a writer's hand and
   photographs it, with its truth, so that the sheet loader can be tested
   without anybody's handwriting; :func:`fill_template` writes the ink alone.

Everything is drawn from ``numpy.random.default_rng(seed)``: the same seed
gives the same bytes.  Nothing is downloaded and no fonts are used.

Examples
--------
>>> from ocrkit.synth import lines_layout, render_page
>>> layout = lines_layout(["3141 5926", "53 58979"], digit_height_mm=6)
>>> image, truth = render_page(layout, writer="b", condition="scan", seed=1)
>>> image.shape, truth["lines"]
((2480, 1748, 3), ['3141 5926', '53 58979'])
>>> from ocrkit.synth import PhotoConditions, render_photo
>>> webcam = PhotoConditions(size=(640, 480), close_crop=0.12, contrast=0.3, noise=0.08)
>>> image, truth = render_photo("31415926", conditions=webcam, seed=2)
>>> image.shape, len(truth["digits"])
((480, 640, 3), 8)
"""

from .cases import HARD_CASES, HardCase, hard_cases
from .conditions import CONDITIONS
from .layouts import (
    PAGE_SIZES_MM,
    Layout,
    Line,
    Number,
    lines_layout,
    merge_layouts,
    parse_number,
    random_lines,
    scattered_layout,
    sheet_layout,
)
from .page import TRUTH_LEVEL, render_page, save_page
from .photo import PhotoConditions, render_photo
from .sheets import fill_template, template_photo
from .strokes import BROKEN_DIGITS, digit_strokes
from .surfaces import SURROUNDINGS, surface_texture
from .writers import WRITERS, Writer, draw_digit, render_glyphs

__all__ = [
    "BROKEN_DIGITS",
    "CONDITIONS",
    "HARD_CASES",
    "PAGE_SIZES_MM",
    "SURROUNDINGS",
    "TRUTH_LEVEL",
    "WRITERS",
    "HardCase",
    "Layout",
    "Line",
    "Number",
    "PhotoConditions",
    "Writer",
    "digit_strokes",
    "draw_digit",
    "fill_template",
    "hard_cases",
    "lines_layout",
    "merge_layouts",
    "parse_number",
    "random_lines",
    "render_glyphs",
    "render_page",
    "render_photo",
    "save_page",
    "scattered_layout",
    "sheet_layout",
    "surface_texture",
    "template_photo",
]
