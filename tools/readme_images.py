"""Rebuild the two pictures in the README from writer A's bundled test page.

    python tools/readme_images.py        # writes docs/writer_a_annotated.png and _digits.png

They are crops of what ``ocrkit read`` writes, at half size, so that the
README shows the real output of the current pipeline and default model.
"""

from pathlib import Path

import cv2

from ocrkit.imageio import write_image
from ocrkit.pipeline import read_page

ROOT = Path(__file__).resolve().parent.parent


def main():
    result = read_page(ROOT / "data" / "handwriting" / "writer_a_test_scan.jpg")
    for name, image in (("annotated", result.annotated()), ("digits", result.digits_image())):
        crop = image[140:1000, 150:1500]
        half = cv2.resize(crop, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        write_image(ROOT / "docs" / f"writer_a_{name}.png", half)
    print(f"{len(result.boxes)} digits; lines: {result.lines[:3]} ...")


if __name__ == "__main__":
    main()
