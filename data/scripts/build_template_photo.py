"""Rebuild ``data/handwriting/writer_a_template_photo.jpg`` and its truth ``.json``.

Writer A fills in every box of the kit's handwriting template (rows
1234567890, ten boxes each), and the page is photographed with a phone:
perspective, grey paper on a desk, uneven light, soft focus, JPEG
(:func:`ocrkit.synth.template_photo`).  The truth is in the schema of
``ocrkit read``: ``line`` is the row, ``number`` the box (row * 10 + column).
The same versions of NumPy and OpenCV rewrite the same bytes::

    python data/scripts/build_template_photo.py              # into data/handwriting/
    python data/scripts/build_template_photo.py /tmp/pages   # anywhere else
"""

import hashlib
import sys
from pathlib import Path

from ocrkit.synth import save_page, template_photo

OUT_DIR = Path(__file__).resolve().parent.parent / "handwriting"
NAME = "writer_a_template_photo.jpg"
MAX_BYTES = 2 * 1024 * 1024  # every bundled file stays under 2 MB
JPEG_QUALITY = 90
DPI = 200  # a 1654 x 2339 photo: the size of a phone picture, scaled down
SEED = 107


def main(out_dir=OUT_DIR):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    image, truth = template_photo(writer="a", seed=SEED, dpi=DPI, name=NAME)
    paths = save_page(image, truth, out_dir / NAME, quality=JPEG_QUALITY)
    for path in paths:
        if path.stat().st_size > MAX_BYTES:
            raise SystemExit(f"{path}: {path.stat().st_size} bytes is over the 2 MB limit")
    print(f"{NAME}: {image.shape[1]}x{image.shape[0]}, {len(truth['digits'])} digits",
          file=sys.stderr)
    print("| file | bytes | SHA-256 |")
    print("|---|---:|---|")
    for path in paths:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        print(f"| `{path.name}` | {path.stat().st_size:,} | `{digest}` |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else OUT_DIR)
