"""Speed against the floor: a page read against decoding the page, and HOG against scikit-image.

Decoding the image file is the least any reader of it must do, so the time
of a page read is reported against the time to decode the same page,
measured in the same run, on the same machine, in turn with the reads (so
that a machine busy for a moment slows both alike).  The decode floor is
``cv2.imdecode`` of the file itself for a JPEG, and of the same pixels
encoded as a JPEG for any other format (a BMP decodes as a plain copy, a
PNG slower than the JPEG a camera would have written).

A page read meets its budget when it takes at most
``k x decode + 0.15 ms`` per digit found: ``k`` is 2 on an A4 page scanned
at 300 dpi and 3 on any other page (:func:`speed_budget`).

The process is measured as a user runs it: no allocator or environment
tuning.

Where a page's time goes is measured on separate reads, with a clock on
each stage (:func:`stage_times`), so that the reads checked against the
budget carry no clocks.

What a budget leaves for the kit's own choices is measured too: the least
any reader does before it segments (:func:`bare_minimum`: grey, the
paper's light divided out, Otsu's split, the components labelled, at the
resolution the kit reads the page at) is timed in turn with the decodes;
with the page's reading (normalising and classifying the digits found) it
is what every read pays, and the rest of the budget is what looking for a
sheet and segmentation may take.
"""

import importlib
import time
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import cv2
import numpy as np
from bench_common import median_time, timed
from bench_pages import page_peak_memory
from tqdm.auto import tqdm

from ocrkit.features import FeatureSettings
from ocrkit.hog import hog

#: A4 at 300 dpi, in pixels (width, height), portrait.
A4_300DPI = (2480, 3508)
#: A page read's budget (:func:`speed_budget`) is k decodes of the page, k = DECODES, or
#: A4_DECODES on an A4 page at 300 dpi, plus MS_PER_DIGIT milliseconds a digit found.
DECODES, A4_DECODES = 3, 2
MS_PER_DIGIT = 0.15
#: Quality of the JPEG a page in another format is encoded as, for its decode floor.
FLOOR_JPEG_QUALITY = 95
#: The stages a page read's time is split into (:func:`stage_times`): (stage,
#: module, function), each function timed under the name its caller looks up
#: (``read_page`` calls ``page_ink`` and ``segment_digits``, ``page_ink``
#: calls ``find_sheet``).
STAGES = (("sheet", "ocrkit.ink", "find_sheet"),
          ("preprocessing", "ocrkit.pipeline", "page_ink"),
          ("segmentation", "ocrkit.pipeline", "segment_digits"))
#: :func:`bare_minimum` takes the paper's light from a copy this many pixels on
#: its shorter side, with a closing this share of that side wide (wider than a
#: stroke, so that it takes the ink off).
BARE_SIDE, BARE_WINDOW = 256, 1 / 12


def is_a4_300dpi(size, tolerance=0.03):
    """True if ``(width, height)`` is an A4 page at 300 dpi, either way up."""
    width, height = sorted(size)
    return (abs(width / A4_300DPI[0] - 1) <= tolerance
            and abs(height / A4_300DPI[1] - 1) <= tolerance)


def speed_budget(decode_s, digits, size):
    """Seconds a page read may take: ``k x decode + 0.15 ms`` per digit found.

    Parameters
    ----------
    decode_s : float
        The page's decode floor, in seconds.
    digits : int
        Digits the read found.
    size : (int, int)
        The page's width and height in pixels: ``k`` is 2 for an A4 page at
        300 dpi (:func:`is_a4_300dpi`), 3 for any other.

    Returns
    -------
    float

    Examples
    --------
    >>> round(1000 * speed_budget(0.010, 100, (1748, 2480)), 3)
    45.0
    >>> round(1000 * speed_budget(0.010, 100, (2480, 3508)), 3)
    35.0
    """
    k = A4_DECODES if is_a4_300dpi(size) else DECODES
    return k * decode_s + MS_PER_DIGIT / 1000 * digits


def make_page(path, *, page="A4", dpi=300, n_lines=12, digits=(8, 9), seed=7):
    """Write a synthetic scanned page of about ``n_lines * mean(digits)`` digits.

    Returns
    -------
    (Path, dict)
        The JPEG file and its truth.
    """
    from ocrkit.synth import lines_layout, random_lines, render_page, save_page

    text = random_lines(n_lines, digits=digits, seed=seed)
    layout = lines_layout(text, digit_height_mm=6.0, page=page, seed=seed)
    image, truth = render_page(layout, writer="a", condition="scan", seed=seed, dpi=dpi,
                               name=Path(path).name)
    image_path, _ = save_page(image, truth, path)
    return image_path, truth


def decode_times(path, repeats):
    """Median seconds to decode the file: cv2.imdecode of its bytes, and read_image.

    The two are warmed up once, then timed in alternation, so that a
    machine busy for a moment slows both alike.
    """
    from ocrkit.imageio import read_image

    data = np.frombuffer(Path(path).read_bytes(), np.uint8)
    decoders = {"imdecode_s": lambda: cv2.imdecode(data, cv2.IMREAD_UNCHANGED),
                "read_image_s": lambda: read_image(path)}
    outputs = {key: decode() for key, decode in decoders.items()}
    times = {key: [] for key in decoders}
    for _ in range(max(1, int(repeats))):
        for key, decode in decoders.items():
            times[key].append(timed(decode)[0])
    decoded = outputs["imdecode_s"]
    result = {key: float(np.median(values)) for key, values in times.items()}
    result.update(file_bytes=int(data.size), size=[int(decoded.shape[1]), int(decoded.shape[0])])
    return result, outputs["read_image_s"]


def bench_page_floor(path, name, readers, *, decode_repeats, read_repeats):
    """Page read times as multiples of the decode time, and the first reader's peak memory.

    Parameters
    ----------
    path : Path
        The page's image file.
    name : str
        Name passed to the readers.
    readers : dict
        Approach -> ``reader(image, name) -> PageReading``; the first is the kit's.
    """
    result, image = decode_times(path, decode_repeats)
    result.update(page=Path(path).name, decode_runs=decode_repeats, read_runs=read_repeats,
                  reads={})
    for approach, reader in readers.items():
        read_s, _, reading = median_time(partial(reader, image, name), read_repeats)
        found = int(len(reading.boxes))
        budget_s = speed_budget(result["imdecode_s"], found, result["size"])
        result["reads"][approach] = {
            "digits_found": found, "read_s": read_s,
            "over_imdecode": read_s / result["imdecode_s"],
            "over_read_image": (read_s / result["read_image_s"]
                                if result.get("read_image_s") else None),
            "budget_s": budget_s, "within": read_s <= budget_s,
        }
    first = next(iter(readers.values()))
    result["read_peak_mb"] = page_peak_memory(first, image, name)
    return result


def decode_floor(path, pixels):
    """The bytes whose decoding is a page's floor, and what they are.

    Parameters
    ----------
    path : Path
        The page's image file.
    pixels : (H, W[, 3]) uint8 ndarray
        The page as :func:`ocrkit.imageio.read_image` gives it.

    Returns
    -------
    data : (B,) uint8 ndarray
        For a JPEG the file itself; for any other format, `pixels` encoded
        as a JPEG of quality :data:`FLOOR_JPEG_QUALITY`.
    floor : str
        ``'JPEG file'`` or, say, ``'PNG as JPEG'``.
    """
    raw = Path(path).read_bytes()
    if raw[:3] == b"\xff\xd8\xff":
        return np.frombuffer(raw, np.uint8), "JPEG file"
    if pixels.ndim == 3:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR)
    ok, encoded = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, FLOOR_JPEG_QUALITY])
    if not ok:
        raise ValueError(f"{path}: its pixels could not be encoded as a JPEG")
    kind = Path(path).suffix.lstrip(".").upper() or "image"
    return encoded.ravel(), f"{kind} as JPEG"


def bare_minimum(image, *, shape=None):
    """The least a reader does before it segments: a floor, not a reader.

    One grey channel, resized to ``shape`` (the size the kit reads the page
    at); the paper's light, from a closing (which takes the ink off) of a
    copy :data:`BARE_SIDE` pixels on its shorter side, blurred as wide and
    scaled back up; the page divided by it; Otsu's split into ink and
    paper; the ink's 8-connected components labelled, with their boxes.
    Nothing more: no sheet search, no noise model, no lined paper, no
    classifier. ``make bench`` times it to show what a page's budget leaves
    once the work every read must do is paid.

    Parameters
    ----------
    image : (M, N, 3) RGB or (M, N) grey uint8 ndarray
        Dark ink on light paper.
    shape : (int, int), optional
        Rows and columns to work at; the image's own by default.

    Returns
    -------
    count, labels, stats, centroids
        As ``cv2.connectedComponentsWithStats`` gives them: label 0 is the
        paper.

    Examples
    --------
    >>> page = np.full((300, 400), 200, np.uint8)
    >>> page[:, 200:] = 120                        # a shadow over half the page
    >>> page[100:160, 50:60] = page[100:160, 300:310] = 40   # a stroke in each half
    >>> bare_minimum(page)[0] - 1                  # both strokes, and no shadow
    2
    """
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    if shape is not None and tuple(shape) != grey.shape:
        grey = cv2.resize(grey, tuple(shape)[::-1], interpolation=cv2.INTER_AREA)
    rows, cols = grey.shape
    scale = min(1.0, BARE_SIDE / min(rows, cols))
    small = cv2.resize(grey, (max(1, round(cols * scale)), max(1, round(rows * scale))),
                       interpolation=cv2.INTER_AREA)
    side = max(3, round(BARE_WINDOW * min(small.shape))) | 1
    light = cv2.blur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((side, side), np.uint8)),
                     (side, side))
    flat = cv2.divide(grey, cv2.resize(light, (cols, rows), interpolation=cv2.INTER_LINEAR),
                      scale=255)
    _, ink = cv2.threshold(flat, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return cv2.connectedComponentsWithStats(ink, connectivity=8)


def bench_page_speed(pages, reader, *, decode_repeats, read_repeats, progress=True):
    """Every page's read against its decode floor, and whether it meets :func:`speed_budget`.

    For each page, one untimed read (which tells the size the kit reads the
    page at), decode and :func:`bare_minimum` at that size, then the timed
    ones in turn (decode, bare minimum, read, decode...), so that a machine
    busy for a moment slows them alike.

    Parameters
    ----------
    pages : list of (str, Path)
        A name for each page, and its image file.
    reader : callable
        ``reader(image, name) -> PageReading``, the model already loaded; a
        read starts from the decoded pixels.
    decode_repeats, read_repeats : int
        Timed decodes and reads per page; the medians are reported.
    progress : bool
        Show a progress bar.

    Returns
    -------
    rows : list of dict
        One per page: ``page``, ``size`` (width, height), ``floor`` (what
        is decoded, see :func:`decode_floor`), ``floor_bytes``,
        ``digits_found``, ``decode_s``, ``bare_minimum_s`` (as many runs
        as the decodes) and ``read_s`` (medians), ``decode_runs``,
        ``read_runs``, ``k`` (decodes in the budget), ``budget_s``,
        ``within`` (``read_s <= budget_s``), ``stages`` (:func:`stage_times`
        over as many more reads).
    problems : list of str
        Pages that could not be read, and why.
    """
    from ocrkit.errors import OcrkitError
    from ocrkit.imageio import read_image

    decode_repeats, read_repeats = max(1, int(decode_repeats)), max(1, int(read_repeats))
    rows, problems = [], []
    for name, path in tqdm(pages, desc="page speed", disable=not progress):
        try:
            image = read_image(path)
        except OcrkitError as exc:
            problems.append(str(exc))
            continue
        data, floor = decode_floor(path, image)
        decode = partial(cv2.imdecode, data, cv2.IMREAD_UNCHANGED)
        read = partial(reader, image, name)
        least = partial(bare_minimum, image, shape=read().ink.shape)
        decode()
        least()
        decodes, leasts, reads = [], [], []
        for i in range(max(decode_repeats, read_repeats)):
            if i < decode_repeats:
                decodes.append(timed(decode)[0])
                leasts.append(timed(least)[0])
            if i < read_repeats:
                seconds, reading = timed(read)
                reads.append(seconds)
        found = int(len(reading.boxes))
        size = [int(image.shape[1]), int(image.shape[0])]
        decode_s, read_s = float(np.median(decodes)), float(np.median(reads))
        budget_s = speed_budget(decode_s, found, size)
        rows.append({"page": name, "size": size, "floor": floor, "floor_bytes": int(data.size),
                     "digits_found": found, "decode_s": decode_s,
                     "bare_minimum_s": float(np.median(leasts)), "read_s": read_s,
                     "decode_runs": len(decodes), "read_runs": len(reads),
                     "k": A4_DECODES if is_a4_300dpi(size) else DECODES,
                     "budget_s": budget_s, "within": read_s <= budget_s,
                     "stages": stage_times(read, read_repeats)})
    return rows, problems


@contextmanager
def _stages_timed(spent):
    """While inside, every call of a :data:`STAGES` function adds its seconds to ``spent``."""
    replaced = []
    for stage, module_name, attribute in STAGES:
        module = importlib.import_module(module_name)
        original = getattr(module, attribute)

        def timed_stage(*args, _original=original, _stage=stage, **kwargs):
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_stage] += time.perf_counter() - start

        replaced.append((module, attribute, original))
        setattr(module, attribute, timed_stage)
    try:
        yield spent
    finally:
        for module, attribute, original in replaced:
            setattr(module, attribute, original)


def stage_times(read, repeats):
    """Where a page read's time goes: the median seconds of each stage over ``repeats`` reads.

    These reads are made apart from the ones timed against the budget, so
    that the few microseconds the stage clocks add are not charged to it.

    Parameters
    ----------
    read : callable
        ``read() -> PageReading``: :func:`ocrkit.pipeline.read_page` of one page.
    repeats : int

    Returns
    -------
    dict
        ``sheet_s`` (looking for the sheet, :func:`ocrkit.paper.find_sheet`),
        ``preprocessing_s`` (the rest of :func:`ocrkit.ink.page_ink`: grey,
        resolution, flattening, binarisation, turning lined paper level),
        ``segmentation_s`` (:func:`ocrkit.segment.segment_digits`, with the
        classifier's scoring of the pieces it may join or cut) and
        ``reading_s`` (what is left: normalising and classifying the digits
        found, mapping their boxes back onto the image).
    """
    per_read = []
    for _ in range(max(1, int(repeats))):
        spent = dict.fromkeys((stage for stage, _, _ in STAGES), 0.0)
        with _stages_timed(spent):
            total, _ = timed(read)
        per_read.append({"sheet_s": spent["sheet"],
                         "preprocessing_s": spent["preprocessing"] - spent["sheet"],
                         "segmentation_s": spent["segmentation"],
                         "reading_s": total - spent["preprocessing"] - spent["segmentation"]})
    return {key: float(np.median([row[key] for row in per_read])) for key in per_read[0]}


def bench_hog(digits, *, repeats=3, progress=True):
    """ocrkit.hog.hog on a stack against skimage.feature.hog in a loop, same options.

    The options are the kit's cells and blocks with unsigned gradients, which
    scikit-image computes too (it has no signed gradients).
    """
    from skimage.feature import hog as skimage_hog

    kit = FeatureSettings()
    options = {"orientations": kit.orientations, "pixels_per_cell": kit.pixels_per_cell,
               "cells_per_block": kit.cells_per_block, "block_norm": kit.block_norm}
    kit_s, _, ours = median_time(lambda: hog(digits, signed=False, **options), repeats)

    def loop():
        return np.stack([skimage_hog(d, feature_vector=True, **options)
                         for d in tqdm(digits, desc="skimage HOG loop", disable=not progress,
                                       mininterval=1.0)])

    skimage_s, theirs = timed(loop)
    # The features the default model uses: signed and interpolated, which
    # scikit-image cannot compute, timed on their own.
    default_s, _, _ = median_time(
        lambda: hog(digits, signed=kit.signed, interpolate=kit.interpolate, **options), repeats)
    return {
        "digits": int(len(digits)), "options": {k: list(v) if isinstance(v, tuple) else v
                                                 for k, v in options.items()},
        "kit_s": kit_s, "kit_runs": repeats, "skimage_s": skimage_s, "skimage_runs": 1,
        "kit_default_s": default_s,
        "speedup": skimage_s / kit_s,
        "max_abs_difference": float(np.abs(ours - theirs).max()) if len(digits) else 0.0,
    }
