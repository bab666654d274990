"""Render a layout as a page image, with the truth a perfect reader would give."""

import os
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from ..errors import ImageWriteError, OptionError
from ..truth import PageTruth
from . import conditions
from .layouts import Layout, lines_layout, random_lines
from .writers import as_writer, rasterize, trace_glyph

__all__ = ["TRUTH_LEVEL", "render_page", "save_page"]

#: Ink coverage from which a pixel counts for a truth box; fainter antialiased
#: fringes would make every box a pixel too large.
TRUTH_LEVEL = 0.25
_MM_PER_INCH = 25.4


@dataclass
class _Glyph:
    """A digit placed on the page: its coverage and top-left pixel."""

    label: int
    line: int
    number: int
    coverage: np.ndarray
    x: int
    y: int


def _ink_box(coverage, level=TRUTH_LEVEL):
    """Inclusive (x0, y0, x1, y1) of the pixels at or above ``level``, or None."""
    rows, cols = np.any(coverage >= level, axis=1), np.any(coverage >= level, axis=0)
    if not rows.any():
        return None
    y0, y1 = np.flatnonzero(rows)[[0, -1]]
    x0, x1 = np.flatnonzero(cols)[[0, -1]]
    return int(x0), int(y0), int(x1), int(y1)


def _row_extents(mask):
    """Per row, the first and last ink column (first > last where a row is blank)."""
    has = mask.any(axis=1)
    first = np.where(has, np.argmax(mask, axis=1), mask.shape[1])
    last = np.where(has, mask.shape[1] - 1 - np.argmax(mask[:, ::-1], axis=1), -1)
    return first, last


def _touch_x(left, right_cov, right_y, overlap):
    """x offset that makes a glyph's ink overlap its left neighbour's by ``overlap`` px.

    ``left`` is (coverage, x, y) of the neighbour; ``right_y`` the row offset
    already chosen for the new glyph.  The two inks are compared row by row,
    so the strokes really meet instead of only their boxes.
    """
    lcov, lx, ly = left
    _, l_last = _row_extents(lcov >= 0.5)
    r_first, _ = _row_extents(right_cov >= 0.5)
    top, bottom = max(ly, right_y), min(ly + len(lcov), right_y + len(right_cov))
    rows = np.arange(top, bottom)
    shared = (l_last[rows - ly] >= 0) & (r_first[rows - right_y] < right_cov.shape[1])
    if not shared.any():
        raise OptionError("touching digits share no rows; lower the writer's wobble")
    reach = lx + l_last[rows - ly] - r_first[rows - right_y]
    return int(reach[shared].max()) - overlap


def _number_glyphs(number, writer, h_px, tan, rng):
    """Glyphs of one number at integer offsets from its baseline start.

    Returns a list of (label, coverage, x, y) and the ink's (left, right).
    """
    placed, prev = [], None
    for label, broken, touch in zip(number.digits, number.broken, (False, *number.touch)):
        paths, radii = trace_glyph(label, writer, h_px, rng, broken=broken)
        coverage, origin = rasterize(paths, radii)
        x0, _, x1, _ = _ink_box(coverage)
        if prev is None:
            x = -x0
        else:
            gap = max(writer.spacing * h_px * (1 + 0.25 * rng.standard_normal()), 2.0)
            x = prev[1] + _ink_box(prev[0])[2] + gap - x0
        dy = writer.wobble * h_px * rng.standard_normal()
        y = int(round((x + origin[0]) * tan + dy - origin[1]))
        if touch:
            pen = writer.pen_width * h_px
            overlap = max(int(round(rng.uniform(0.15, 0.7) * pen)), 1)
            x = _touch_x(prev, coverage, y, overlap)
        x = int(round(x))
        placed.append((label, coverage, x, y))
        prev = (coverage, x, y)
    left = min(x + _ink_box(c)[0] for _, c, x, _ in placed)
    right = max(x + _ink_box(c)[2] for _, c, x, _ in placed)
    return placed, left, right


def _write(layout, writer, dpi, rng):
    """Place every digit of ``layout``: the glyphs in reading order and the lines."""
    px = dpi / _MM_PER_INCH
    width, height = (int(round(v * px)) for v in layout.size_mm)
    order = sorted(
        range(len(layout.lines)), key=lambda i: (layout.lines[i].y_mm, layout.lines[i].x_mm)
    )
    glyphs, texts, n_number = [], [], 0
    for line_no, index in enumerate(order):
        line = layout.lines[index]
        h_px = line.height_mm * px * writer.size
        if not 8 <= h_px <= 1000:
            raise OptionError(
                f"digits of {line.height_mm:.1f} mm are {h_px:.0f} px at {dpi} dpi; "
                "keep them within 8-1000 px by changing dpi or digit_height_mm"
            )
        tan = np.tan(np.radians(line.slope_deg))
        x_start, y_start = line.x_mm * px, line.y_mm * px
        # The baseline wanders slowly as the hand moves along the line.
        amp = 1.5 * writer.wobble * h_px
        wave, phase = rng.uniform(8, 14) * h_px, rng.uniform(0, 2 * np.pi)
        cursor = None
        for number in line.numbers:
            placed, left, right = _number_glyphs(number, writer, h_px, tan, rng)
            if number.x_mm is not None:
                sx = number.x_mm * px - (left + right) / 2
            elif cursor is None:
                sx = x_start - left
            else:
                gap = writer.word_spacing * h_px * (1 + 0.2 * rng.standard_normal())
                sx = cursor + max(gap, 0.5 * h_px) - left
            run = sx - x_start
            by = (
                y_start
                + run * tan
                + number.dy_mm * px
                + amp * np.sin(2 * np.pi * run / wave + phase)
            )
            sx, by = int(round(sx)), int(round(by))
            for label, coverage, x, y in placed:
                gx, gy = sx + x, by + y
                gh, gw = coverage.shape
                if gx < 0 or gy < 0 or gx + gw > width or gy + gh > height:
                    raise OptionError(
                        f"line {line_no} ({' '.join(n.text for n in line.numbers)!r}) runs off "
                        f"the page in writer {writer.name!r}'s hand; shorten it, lower "
                        "digit_height_mm or widen the page"
                    )
                glyphs.append(_Glyph(label, line_no, n_number, coverage, gx, gy))
            cursor = sx + right
            n_number += 1
        texts.append(" ".join(n.text for n in line.numbers))
    return glyphs, texts, (width, height)


def _compose(glyphs, size):
    """Ink coverage of the whole page: where strokes cross, the darker wins."""
    ink = np.zeros((size[1], size[0]), np.float32)
    for g in glyphs:
        h, w = g.coverage.shape
        view = ink[g.y : g.y + h, g.x : g.x + w]
        np.maximum(view, g.coverage, out=view)
    return ink


def _warp(image, matrix, size):
    if matrix is None:
        return image
    return cv2.warpPerspective(
        image, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0
    )


def _warp_glyph(glyph, matrix):
    """One glyph's coverage warped alone through ``matrix`` (page to image pixels).

    Returns the warped coverage and the image position (x, y) of its top-left
    pixel; the window is just large enough, so that neither the glyph's box
    nor its ink is disturbed by its neighbours.
    """
    h, w = glyph.coverage.shape
    corners = np.float64([[0, 0], [w, 0], [0, h], [w, h]]) + (glyph.x, glyph.y)
    mapped = cv2.perspectiveTransform(corners[None], matrix)[0]
    ox, oy = (int(v) - 2 for v in np.floor(mapped.min(axis=0)))
    ex, ey = (int(v) + 2 for v in np.ceil(mapped.max(axis=0)))
    local = np.array([[1, 0, -ox], [0, 1, -oy], [0, 0, 1]]) @ matrix
    local = local @ np.array([[1, 0, glyph.x], [0, 1, glyph.y], [0, 0, 1]])
    coverage = cv2.warpPerspective(
        glyph.coverage, local, (ex - ox, ey - oy), flags=cv2.INTER_LINEAR
    )
    return coverage, ox, oy


def _box(glyph, matrix, size):
    """Truth box [x, y, w, h] of one glyph's ink after the page geometry."""
    if matrix is None:
        coverage, ox, oy = glyph.coverage, glyph.x, glyph.y
    else:
        coverage, ox, oy = _warp_glyph(glyph, matrix)
    x0, y0, x1, y1 = _ink_box(coverage)
    x0, y0 = max(x0 + ox, 0), max(y0 + oy, 0)
    x1, y1 = min(x1 + ox, size[0] - 1), min(y1 + oy, size[1] - 1)
    if x1 < x0 or y1 < y0:
        raise OptionError("a digit left the image after the page geometry; use wider margins")
    return [x0, y0, x1 - x0 + 1, y1 - y0 + 1]


def _back_of_page(size_mm, writer, dpi, rng, size):
    """Ink of random lines on the sheet's back, mirrored as seen from the front."""
    # Drawn at half resolution, which is plenty for a blurred ghost; digits
    # need 12 pixels there to be drawn at all.
    h = max(min(size_mm) / 25, 12 * _MM_PER_INCH / (dpi / 2))
    margin = 0.1 * size_mm[0]
    n_lines = int((size_mm[1] - 2 * margin) / (2.2 * h)) - 1
    most = int((size_mm[0] - 2 * margin) / (1.8 * h))
    if n_lines < 1 or most < 2:  # a page too small to have writing on its back
        return np.zeros((size[1], size[0]), np.float32)
    text = random_lines(n_lines, digits=(most // 2, most), seed=int(rng.integers(2**31)))
    layout = lines_layout(
        text, digit_height_mm=h, page=size_mm, margin_mm=margin, seed=int(rng.integers(2**31))
    )
    glyphs, _, small = _write(layout, writer, dpi / 2, rng)
    ink = cv2.resize(_compose(glyphs, small), size, interpolation=cv2.INTER_LINEAR)
    return ink[:, ::-1].copy()


def render_page(layout, *, writer="a", condition="scan", seed=0, dpi=300, name="page.jpg"):
    """Write a layout in a writer's hand and scan or photograph the page.

    Parameters
    ----------
    layout : Layout
        What is written where (:func:`lines_layout`, :func:`scattered_layout`,
        :func:`sheet_layout`, :func:`merge_layouts`).
    writer : str or Writer
        A name in :data:`WRITERS` or a custom :class:`Writer`.
    condition : {'clean', 'scan', 'photo'}
        ``'clean'``: black ink on white paper, no noise, no geometry.
        ``'scan'``: toned, textured paper, the writer's ink, dust specks, a
        shadow down the page and along one edge, faint mirrored writing from
        the back, a rotation within 3 degrees, slight blur, JPEG.
        ``'photo'``: grey paper on a desk seen in perspective, uneven light,
        vignetting, soft focus, sensor noise, JPEG.
    seed : int
        The same seed gives the same bytes.  The handwriting depends on the
        seed only, so one seed in two conditions shows the same glyphs.
    dpi : float
        Resolution; an A5 page at 300 dpi is 1748 x 2480 pixels.
    name : str
        File name recorded in the truth's ``"image"`` field.

    Returns
    -------
    image : (H, W, 3) uint8 ndarray
        RGB.
    truth : dict
        In the JSON schema of ``ocrkit read``: ``{"image", "size": [w, h],
        "digits": [{"box": [x, y, w, h], "label", "confidence": 1.0, "line",
        "number"}], "lines": [str]}``.  A box is the tight box of the digit's
        ink (coverage >= ``TRUTH_LEVEL``) in image pixels; digits come in
        reading order; ``line`` counts lines top to bottom; ``number`` counts
        numbers over the whole page; each ``lines`` entry holds a line's
        numbers separated by one space.

    Raises
    ------
    OptionError
        For an unknown condition or writer, a dpi outside 50-1200, or a
        layout that does not fit the page at this size and in this hand.

    Examples
    --------
    >>> layout = lines_layout(["12 345"], digit_height_mm=5, page=(60, 30), margin_mm=5)
    >>> image, truth = render_page(layout, condition="clean", dpi=150)
    >>> image.shape, truth["lines"], [d["label"] for d in truth["digits"]]
    ((177, 354, 3), ['12 345'], [1, 2, 3, 4, 5])
    """
    if not isinstance(layout, Layout):
        raise OptionError(f"layout must be a Layout (see lines_layout), got "
                          f"{type(layout).__name__}")
    if condition not in conditions.CONDITIONS:
        raise OptionError(f"unknown condition {condition!r}; use one of {conditions.CONDITIONS}")
    if not 50 <= dpi <= 1200:
        raise OptionError(f"dpi must be 50-1200, got {dpi}")
    writer = as_writer(writer)
    # Separate streams: the handwriting must not change with the condition.
    hand_seq, look_seq = np.random.SeedSequence(seed).spawn(2)
    hand, look = np.random.default_rng(hand_seq), np.random.default_rng(look_seq)
    glyphs, texts, size = _write(layout, writer, dpi, hand)
    ink = _compose(glyphs, size)
    matrix = conditions.geometry(condition, size, look)
    if condition == "clean":
        image = conditions.clean_look(ink)
    elif condition == "scan":
        back = _back_of_page(layout.size_mm, writer, dpi, look, size)
        image = conditions.scan_look(
            _warp(ink, matrix, size),
            _warp(back, matrix, size),
            writer.pen,
            writer.ink,
            look,
            dpi=dpi,
        )
    else:
        sheet = _warp(np.ones(ink.shape, np.float32), matrix, size)
        image = conditions.photo_look(
            _warp(ink, matrix, size), sheet, writer.pen, writer.ink, look, dpi=dpi
        )
    digits = [(_box(g, matrix, size), g.label, g.line, g.number) for g in glyphs]
    return image, _truth_dict(name, size, digits, texts)


def _truth_dict(name, size, digits, lines):
    """A page's truth as :class:`~ocrkit.truth.PageTruth` writes it: a JSON-able dict.

    Parameters
    ----------
    name : str
        File name of the page image.
    size : (int, int)
        Width and height of the image, pixels.
    digits : list of (box, label, line, number)
        Per digit in reading order: its ``[x, y, w, h]`` box in image pixels,
        its label 0-9, its line and its number.
    lines : list of str
        Text of each line.

    Returns
    -------
    dict
        In the JSON schema of ``ocrkit read``, each digit's confidence 1.0.
    """
    boxes, labels, line, number = zip(*digits) if digits else ((), (), (), ())
    truth = PageTruth(str(name), size, np.array(boxes, np.int64).reshape(-1, 4), labels, line,
                      number, tuple(lines))
    return truth.to_json()


def save_page(image, truth, path, *, quality=92):
    """Save a page image and its truth as ``path`` and ``path`` with ``.json``.

    Parameters
    ----------
    image : (H, W, 3) uint8 ndarray
        RGB.
    truth : dict or PageTruth
        As returned by :func:`render_page`; its ``"image"`` field is set to
        the file's name.  It is written by :meth:`ocrkit.truth.PageTruth.save`
        (keys other than the truth's, such as ``"stray"``, are left out).
    path : str or Path
        Image file; ``.jpg``/``.jpeg`` is saved as JPEG, ``.png`` as PNG.
    quality : int
        JPEG quality, 1-100.

    Returns
    -------
    (Path, Path)
        The image and JSON files written.

    Raises
    ------
    ImageWriteError
        For another file type, or an image OpenCV cannot encode.
    OptionError
        For an image that is not RGB uint8, a quality outside 1-100, or a
        truth that is not a page's truth.
    """
    if isinstance(image, str | os.PathLike) and not isinstance(path, str | os.PathLike):
        # ocrkit 0.1 took the path first, as write_image still does.
        warnings.warn("save_page() takes the path last, like save_model: "
                      "save_page(image, truth, path)", DeprecationWarning, stacklevel=2)
        image, truth, path = truth, path, image
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".jpg", ".jpeg", ".png"}:
        raise ImageWriteError(f"{path}: cannot choose a format; end the name with .jpg, .jpeg "
                              "or .png")
    if not isinstance(truth, PageTruth):
        truth = PageTruth.from_json(truth, where=f"{path.name}'s truth")
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise OptionError(f"image must be (H, W, 3) uint8 RGB, got {image.shape} {image.dtype}")
    if not 1 <= quality <= 100:
        raise OptionError(f"quality must be 1-100, got {quality}")
    params = [cv2.IMWRITE_JPEG_QUALITY, int(quality)] if suffix != ".png" else []
    ok, buf = cv2.imencode(suffix, image[..., ::-1], params)
    if not ok:
        raise ImageWriteError(f"{path}: OpenCV could not encode the image")
    path.write_bytes(buf.tobytes())
    json_path = replace(truth, image=path.name).save(path.with_suffix(".json"))
    return path, json_path
