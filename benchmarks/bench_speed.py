"""Speed against the floor: a page read against decoding the page, and HOG against scikit-image.

Decoding the image file is the least any reader of it must do, so the time
of a page read is reported as a multiple of the time to decode the same file,
measured in the same run, on the same machine.
"""

import platform
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


def is_a4_300dpi(size, tolerance=0.03):
    """True if ``(width, height)`` is an A4 page at 300 dpi, either way up."""
    width, height = sorted(size)
    return (abs(width / A4_300DPI[0] - 1) <= tolerance
            and abs(height / A4_300DPI[1] - 1) <= tolerance)


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
    image_path, _ = save_page(path, image, truth)
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


def steady_allocator():
    """Let glibc's malloc reuse freed memory for large arrays; say what was done.

    By default glibc hands arrays over 32 MB, and sometimes smaller ones,
    back to the system when they are freed, so that the next one of the same
    size pays a page fault for every 4 KB: for a decoded A4 page that is
    about 17 ms of a 40 ms decode on our machines, and whether it happens
    depends on what the process did before. A long-running reader reuses
    its memory; raising the thresholds measures every step that way.
    Returns a description for the results, or None where this is not glibc.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name or platform.libc_ver()[0] != "glibc":
        return None
    libc = ctypes.CDLL(name)
    m_trim_threshold, m_mmap_threshold = -1, -3
    ok = libc.mallopt(m_mmap_threshold, 512 << 20) and libc.mallopt(m_trim_threshold, 1 << 30)
    return ("glibc malloc keeps freed memory (mallopt: mmap threshold 512 MB, trim "
            "threshold 1 GB), so repeated calls do not pay page faults") if ok else None


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
    allocator = steady_allocator()
    result, image = decode_times(path, decode_repeats)
    result.update(page=Path(path).name, decode_runs=decode_repeats, read_runs=read_repeats,
                  reads={}, allocator=allocator)
    for approach, reader in readers.items():
        read_s, _, reading = median_time(partial(reader, image, name), read_repeats)
        result["reads"][approach] = {
            "digits_found": int(len(reading.boxes)), "read_s": read_s,
            "over_imdecode": read_s / result["imdecode_s"],
            "over_read_image": (read_s / result["read_image_s"]
                                if result.get("read_image_s") else None),
        }
    first = next(iter(readers.values()))
    result["read_peak_mb"] = page_peak_memory(first, image, name)
    return result


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
