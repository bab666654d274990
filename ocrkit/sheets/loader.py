"""Load a sheet of handwriting into labelled digits, or refuse with a reason.

:func:`load_sheet` looks for the template's corner markers and hands the page
to one of two readers:

:mod:`~ocrkit.sheets.read_template`
    a printed template (:func:`~ocrkit.sheets.make_template`): perspective
    undone, each box's ink labelled by the box it is in; empty boxes and
    stray ink reported.
:mod:`~ocrkit.sheets.read_free`
    rows written freely, one digit per row: rows found even when they slope,
    then counted; a row with a digit too many or too few stops the load with
    a :class:`~ocrkit.errors.SheetError` naming it, with a picture attached.
"""

from pathlib import Path

import numpy as np

from ..errors import OptionError
from ..preprocess import to_grey
from .read_free import read_free_form
from .read_template import corner_markers, find_markers, read_template
from .sheet import Sheet
from .template import TemplateLayout

__all__ = ["DEFAULT_ORDER", "DEFAULT_REPEATS", "Sheet", "load_sheet"]

DEFAULT_ORDER = "1234567890"
DEFAULT_REPEATS = 10


def _check_order(order, repeats):
    if order is not None and (not isinstance(order, str) or not order.isascii()
                              or not order.isdigit()):
        raise OptionError(f"order must be a string of digits, one per row, got {order!r}")
    if repeats is not None and (isinstance(repeats, bool) or not isinstance(
            repeats, (int, np.integer)) or repeats < 1):
        raise OptionError(f"repeats must be a positive int, got {repeats!r}")


def load_sheet(image, *, order=None, repeats=None, template="auto", method="otsu", name=None):
    """Read a sheet of handwritten digits into labelled, normalised digits.

    Parameters
    ----------
    image : str, Path or (M, N[, 3]) uint8 ndarray
        A scan or photo; a file is read with :func:`ocrkit.imageio.read_image`.
    order : str, optional
        Digit of each row, top to bottom.  A template's own row markers give
        it (and ``order`` must agree with them); free-form sheets default to
        ``'1234567890'``.
    repeats : int, optional
        Digits per row: a template's own by default (``repeats`` must agree
        with it); free-form sheets default to 10.
    template : {'auto', None} or TemplateLayout
        ``'auto'``: a page showing two or more of the template's corner
        markers is read as a template (three must be found), any other page
        as free-form.  ``None``: free-form, without looking for markers.  A
        :class:`TemplateLayout`: that template, whose markers must be found
        and whose ``digits`` are the default ``order``.
    method : {'otsu', 'sauvola', 'adaptive_mean', 'adaptive_gaussian', 'fixed'}
        Binarisation (:func:`ocrkit.preprocess.binarize`).
    name : str, optional
        Name used in messages; the file name by default.

    Returns
    -------
    Sheet
        Digits in row order, each row left to right.  Empty template boxes
        are left out and listed in ``empty_cells``.

    Raises
    ------
    SheetError
        A template whose corner markers are not all visible, or whose rows or
        boxes disagree with ``order``/``repeats``; a free-form sheet whose
        rows do not come out as ``len(order)`` rows of ``repeats`` digits
        (the error's ``overlay`` attribute is an RGB picture of the rows found).
    ImageReadError
        If the file cannot be read.

    Examples
    --------
    >>> from ocrkit.sheets import make_template
    >>> page, layout = make_template(digits="12", repeats=3, dpi=100)
    >>> sheet = load_sheet(page)            # an empty template: nothing to learn from
    >>> len(sheet), len(sheet.empty_cells)
    (0, 6)
    """
    _check_order(order, repeats)
    if isinstance(image, str | Path):
        from ..imageio import read_image

        name = name or str(image)
        image = read_image(image)
    image = np.asarray(image)
    if image.ndim not in (2, 3) or image.dtype != np.uint8:
        raise OptionError(f"image must be (M, N) or (M, N, 3) uint8, got {image.shape} "
                         f"{image.dtype}; read files with ocrkit.imageio.read_image")
    if not (template is None or template == "auto" or isinstance(template, TemplateLayout)):
        raise OptionError(f"template must be 'auto', None or a TemplateLayout, got {template!r}")
    if template is not None:
        markers = find_markers(to_grey(image, invert=False))
        layout = template if isinstance(template, TemplateLayout) else None
        found, _ = corner_markers(markers, layout, image.shape)
        # One marker alone may be a chance pattern in free handwriting; two
        # that agree on the grid are a template.
        if len(found) >= 2 or layout is not None:
            return read_template(image, markers, layout, order, repeats, method, name)
    order = DEFAULT_ORDER if order is None else order
    repeats = DEFAULT_REPEATS if repeats is None else int(repeats)
    return read_free_form(image, order, repeats, method, name)
