"""Rebuild the synthetic handwriting pages in ``data/handwriting/``.

Every page is written by :mod:`ocrkit.synth` from a fixed seed, saved as a
JPEG next to a ``.json`` file holding its truth in the schema of
``ocrkit read``.  Running the script again with the same versions of NumPy and
OpenCV rewrites the same bytes; it ends by printing a Markdown table of file,
size and SHA-256 for ``data/README.md``::

    python data/scripts/build_handwriting.py              # into data/handwriting/
    python data/scripts/build_handwriting.py /tmp/pages   # anywhere else
    python data/scripts/build_handwriting.py /tmp/pages writer_e_test_scan   # one page
"""

import hashlib
import sys
from pathlib import Path

from ocrkit.synth import (
    lines_layout,
    merge_layouts,
    random_lines,
    render_page,
    save_page,
    scattered_layout,
    sheet_layout,
)

OUT_DIR = Path(__file__).resolve().parent.parent / "handwriting"
MAX_BYTES = 2 * 1024 * 1024  # every bundled file stays under 2 MB
JPEG_QUALITY = 90
DPI = 300


def writer_a_sheet():
    """Writer A's training sheet: rows of ten 1s, ten 2s, ... ten 0s."""
    return sheet_layout(
        order="1234567890", repeats=10, digit_height_mm=8.0, page="A5", slope_deg=4.0, seed=13
    )


def writer_a_test():
    """Writer A's test page: nine lines of numbers, then ten digits scattered below."""
    text = random_lines(9, digits=(8, 13), max_number=6, seed=12)
    lines = lines_layout(text, digit_height_mm=6.0, page="A5", seed=12)
    spots = scattered_layout(
        [3, 8, 1, 6, 0, 4, 9, 2, 7, 5],
        digit_height_mm=(5.0, 8.0),
        page="A5",
        region_mm=(15, 140, 118, 55),
        seed=12,
    )
    return merge_layouts(lines, spots)


def writer_b_page():
    """Writer B, medium digits (about 45-65 px) whose size changes from line to line."""
    text = random_lines(8, digits=(9, 14), max_number=5, seed=13)
    return lines_layout(text, digit_height_mm=(4.0, 5.5), page="A5", line_pitch=3.2, seed=13)


def writer_c_page():
    """Writer C photographed: large digits, about 120-150 px."""
    text = random_lines(7, digits=(6, 7), max_number=4, seed=14)
    return lines_layout(
        text,
        digit_height_mm=(9.5, 11.0),
        page="A5",
        line_pitch=1.9,
        margin_mm=12.0,
        indent_mm=4.0,
        seed=14,
    )


def writer_d_page():
    """Writer D in pencil on an A6 page: small digits, about 20-25 px."""
    text = random_lines(10, digits=(8, 11), max_number=6, seed=25)
    return lines_layout(
        text, digit_height_mm=(1.9, 2.2), page="A6", margin_mm=12.0, line_pitch=5.0, seed=15
    )


def writer_e_sheet():
    """Writer E's training sheet, laid out as writer A's."""
    return sheet_layout(
        order="1234567890", repeats=10, digit_height_mm=8.0, page="A5", slope_deg=4.0, seed=17
    )


def writer_e_test():
    """Writer E's test page: nine lines of numbers, then ten digits scattered below."""
    text = random_lines(9, digits=(8, 13), max_number=6, seed=19)
    lines = lines_layout(text, digit_height_mm=6.0, page="A5", seed=19)
    spots = scattered_layout(
        [7, 1, 9, 4, 0, 2, 8, 5, 3, 6],
        digit_height_mm=(5.0, 8.0),
        page="A5",
        region_mm=(15, 140, 118, 55),
        seed=19,
    )
    return merge_layouts(lines, spots)


def touching_broken():
    """Touching pairs and triples (``+``) and digits with a broken stroke (``!``)."""
    text = [
        "3+8 47 1+2+3 60",
        "5!2 9+0 7!16 4+4",
        "25+6 4!7 8+8+1 39",
        "2+7 5!5! 06 1+9+8",
        "4!1 3+3 70+2 7!",
        "6+5+4 18 5!0 4!",
        "9+9 27!3 0+1 58",
    ]
    return lines_layout(text, digit_height_mm=7.0, page="A5", line_pitch=2.4, seed=16)


#: name -> (layout builder, writer, condition, seed)
PAGES = {
    "writer_a_sheet_scan": (writer_a_sheet, "a", "scan", 121),
    "writer_a_test_scan": (writer_a_test, "a", "scan", 102),
    "writer_b_page_scan": (writer_b_page, "b", "scan", 103),
    "writer_c_page_photo": (writer_c_page, "c", "photo", 104),
    "writer_d_page_scan": (writer_d_page, "d", "scan", 105),
    "touching_broken_scan": (touching_broken, "a", "scan", 106),
    "writer_e_sheet_scan": (writer_e_sheet, "e", "scan", 108),
    "writer_e_test_scan": (writer_e_test, "e", "scan", 109),
}


def check(name, truth, paths):
    """Refuse pages that a reader could not be fairly scored on."""
    width, height = truth["size"]
    for digit in truth["digits"]:
        x, y, w, h = digit["box"]
        if x <= 0 or y <= 0 or x + w >= width or y + h >= height:
            raise SystemExit(f"{name}: a box touches the image border: {digit}")
    for path in paths:
        if path.stat().st_size > MAX_BYTES:
            raise SystemExit(f"{path}: {path.stat().st_size} bytes is over the 2 MB limit")


def main(out_dir=OUT_DIR, names=None):
    """Write the pages called ``names`` (all of :data:`PAGES` by default) into ``out_dir``."""
    unknown = sorted(set(names or ()) - set(PAGES))
    if unknown:
        raise SystemExit(f"unknown page {unknown[0]!r}; the pages are: {', '.join(PAGES)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, (build, writer, condition, seed) in PAGES.items():
        if names and name not in names:
            continue
        image, truth = render_page(build(), writer=writer, condition=condition, seed=seed, dpi=DPI)
        paths = save_page(image, truth, out_dir / f"{name}.jpg", quality=JPEG_QUALITY)
        check(name, truth, paths)
        heights = sorted(d["box"][3] for d in truth["digits"])
        print(
            f"{name}: {image.shape[1]}x{image.shape[0]}, {len(heights)} digits, "
            f"box heights {heights[0]}-{heights[-1]} px",
            file=sys.stderr,
        )
        rows += [
            (p.name, p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest()) for p in paths
        ]
    print("| file | bytes | SHA-256 |")
    print("|---|---:|---|")
    for file, size, digest in rows:
        print(f"| `{file}` | {size:,} | `{digest}` |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else OUT_DIR, sys.argv[2:])
