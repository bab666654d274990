"""Sheets of the learner's own handwriting: print, fill in, photograph, load.

A classifier trained on MNIST reads other people's digits; a few dozen of the
learner's own teach it their hand.  This package turns a page of them into
labelled, MNIST-like digits that cannot be silently mislabelled.

1. **Print** a template (:func:`make_template`, ``ocrkit template --out
   sheet.pdf``): an A4 grid of boxes, each row labelled with the digit to
   write, four ArUco markers in the corners.
2. **Load** a scan or phone photo of it (:func:`load_sheet`): the markers undo
   the perspective, each box's ink is labelled by the box it is in, and boxes
   left empty or stray ink are reported, never guessed around.
3. A **free-form** page, rows written without a template, is loaded too: the
   rows are found even when they slope (:func:`group_rows`), and a row with a
   digit too many or too few stops the load with a
   :class:`~ocrkit.errors.SheetError` naming the row, instead of shifting every
   later label as sorting and counting would.
4. :mod:`ocrkit.training` trains a classifier on the sheets' digits.

A filled-in, photographed template with known answers, for tests and the
bundled example, is made by :func:`ocrkit.synth.template_photo`.

Examples
--------
>>> page, layout = make_template(digits="0123456789", repeats=8, dpi=150)
>>> page.shape, layout.cells.shape
((1754, 1240), (10, 8, 4))
"""

from .loader import DEFAULT_ORDER, DEFAULT_REPEATS, load_sheet
from .overlay import draw_sheet_overlay
from .read_template import find_markers
from .rows import estimate_slope, group_rows
from .sheet import Sheet
from .template import TemplateLayout, make_template, save_template, template_layout

__all__ = [
    "DEFAULT_ORDER",
    "DEFAULT_REPEATS",
    "Sheet",
    "TemplateLayout",
    "draw_sheet_overlay",
    "estimate_slope",
    "find_markers",
    "group_rows",
    "load_sheet",
    "make_template",
    "save_template",
    "template_layout",
]

#: Names that moved to :mod:`ocrkit.synth`: synthetic sheets are test data,
#: not part of loading one.
_MOVED = {"fill_template": "ocrkit.synth", "template_photo": "ocrkit.synth"}


def __getattr__(name):
    """``ocrkit.sheets.template_photo`` still works, with a warning naming its home."""
    if name in _MOVED:
        import importlib
        import warnings

        home = _MOVED[name]
        warnings.warn(f"ocrkit.sheets.{name} moved to {home}.{name}; import it from there",
                      DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(home), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
