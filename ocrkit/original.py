"""The original program, rebuilt as a baseline to compare the kit against.

The kit grew out of a short script that read handwritten digits like this::

    grey  -> cv2.threshold(grey, 127, 255, THRESH_BINARY_INV)
          -> cv2.findContours(RETR_TREE), top-level contours only
          -> bounding boxes 5-200 px wide and 20-200 px tall
          -> boxes sorted by (y, x)
          -> each crop stretched to 28x28 (aspect ratio lost)
          -> HOG: 10 orientations, 5x5-pixel cells, 1x1-cell blocks
          -> k nearest neighbours, k = 3, trained on MNIST as it is

It is rebuilt here from that description, unchanged in spirit, so that the
benchmarks (``make bench``) and the notebooks can put numbers on what each of
the kit's changes buys.  Do not use it to read pages: use
:func:`ocrkit.pipeline.read_page`.

This is the one module with absolute pixel constants, on purpose, because
they are what fails:

* The threshold 127 assumes paper brighter and ink darker than mid-grey
  everywhere.  In a shadow or on grey paper the background falls below 127 and
  becomes one big "ink" region that swallows the digits; faint pencil above
  127 disappears.
* The size limits in pixels hold for one camera distance and one resolution.
  The same page scanned at twice the dpi, or written larger, has digits taller
  than :data:`MAX_HEIGHT` and nothing is found; a low-resolution photo has
  digits shorter than :data:`MIN_HEIGHT`.
* Sorting by (y, x) reads a row in the order of its digits' top edges, so
  a row whose digits do not start at exactly the same height comes out
  scrambled, and it cannot tell numbers apart.
* Stretching every crop to a square makes a "1" a filled block, unlike
  MNIST's digits, which keep their aspect ratio inside a 20x20 box.
* Each connected piece of ink is a digit of its own: a 5 whose top bar does
  not touch becomes two pieces, and two touching digits one wide piece.
  Only top-level contours count, so on a page whose background turned to
  "ink" in a shadow, the digits inside it are holes and are lost.

The kit replaces each of these with a measurement made on the page (see
:mod:`ocrkit.preprocess`, :mod:`ocrkit.segment`, :mod:`ocrkit.normalize`).
"""

from pathlib import Path

import cv2
import numpy as np

from .classify import DigitClassifier
from .errors import OptionError
from .features import ORIGINAL_HOG
from .normalize import stretch_digit
from .pipeline import PageReading

__all__ = [
    "THRESHOLD",
    "MIN_WIDTH",
    "MAX_WIDTH",
    "MIN_HEIGHT",
    "MAX_HEIGHT",
    "original_classifier",
    "read_page_original",
]

#: The original's fixed grey level: darker pixels are ink.
THRESHOLD = 127
#: The original's fixed bounding-box limits, in pixels.
MIN_WIDTH, MAX_WIDTH = 5, 200
MIN_HEIGHT, MAX_HEIGHT = 20, 200


def original_classifier():
    """The original classifier, untrained: 3 nearest neighbours on the original HOG.

    The original trained it on MNIST's 28x28 digits as they are, and printed
    every answer, so nothing is rejected (``reject_below=0``).

    Returns
    -------
    DigitClassifier

    Examples
    --------
    >>> from ocrkit.datasets import load_mnist
    >>> data = load_mnist(n_train=2000, n_test=200)
    >>> model = original_classifier().fit(data.x_train, data.y_train)
    >>> float((model.predict(data.x_test) == data.y_test).mean()) > 0.85
    True
    """
    return DigitClassifier("knn", features=ORIGINAL_HOG, k=3, reject_below=0.0)


def _grey(image):
    """One channel as the original made it: no inversion, no flattening."""
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    if image.ndim == 3 and image.shape[2] in (3, 4):
        image = cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2GRAY)
    if image.ndim != 2 or image.size == 0:
        raise OptionError(f"image must be (M, N) grey or (M, N, 3) RGB, got shape {image.shape}")
    if image.dtype != np.uint8:
        image = np.clip(np.asarray(image, dtype=np.float64) * 255.0 + 0.5, 0, 255)
        image = image.astype(np.uint8)
    return image


def _original_lines(boxes):
    """Lines as the original's (y, x) sort gives them.

    A new line starts where a box's top is more than the previous box's
    height below the previous top.  Each line is one number: the original
    printed a row's digits without spaces.
    """
    line = np.zeros(len(boxes), int)
    for i in range(1, len(boxes)):
        jump = boxes[i, 1] - boxes[i - 1, 1]
        line[i] = line[i - 1] + (jump > boxes[i - 1, 3])
    return line, line.copy()


def read_page_original(image, *, model, name=None):
    """Read a page the way the original program did (a baseline, see the module notes).

    Parameters
    ----------
    image : str, Path or (M, N[, 3]) ndarray
        A file (read with :func:`ocrkit.imageio.read_image`) or an image
        array, dark ink on light paper.
    model : DigitClassifier
        Usually :func:`original_classifier` trained on MNIST.
    name : str, optional
        Name used in the JSON; the file name by default.

    Returns
    -------
    PageReading
        In the same form as :func:`ocrkit.pipeline.read_page`'s, so the two
        can be scored and saved alike.  ``digits`` holds the stretched crops.

    Raises
    ------
    ImageReadError
        If `image` is a file that cannot be read.
    OptionError
        If `image` is an array that is not a grey or RGB image.
    """
    if isinstance(image, str | Path):
        from .imageio import read_image

        name = name or Path(image).name
        image = read_image(image)
    image = np.asarray(image)
    grey = _grey(image)
    _, ink = cv2.threshold(grey, THRESHOLD, 255, cv2.THRESH_BINARY_INV)
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    boxes = []
    for i, contour in enumerate(contours):
        if hierarchy[0][i][3] != -1:  # a hole inside a digit, not a digit
            continue
        x, y, w, h = cv2.boundingRect(contour)
        if MIN_WIDTH <= w <= MAX_WIDTH and MIN_HEIGHT <= h <= MAX_HEIGHT:
            boxes.append((x, y, w, h))
    boxes = np.array(sorted(boxes, key=lambda b: (b[1], b[0])), int).reshape(-1, 4)
    digits = np.stack([stretch_digit(ink[y:y + h, x:x + w]) for x, y, w, h in boxes]) \
        if len(boxes) else np.zeros((0, 28, 28), np.uint8)
    if len(boxes):
        labels, confidence = model.predict_confidence(digits)
        notice = None
    else:
        labels, confidence = np.zeros(0, int), np.zeros(0)
        notice = (f"no digits found: no dark region {MIN_WIDTH}-{MAX_WIDTH} px wide and "
                  f"{MIN_HEIGHT}-{MAX_HEIGHT} px tall")
    line, number = _original_lines(boxes)
    return PageReading(image, name or "<array>", boxes, labels, confidence, line, number,
                       digits, ink > 0, model.reject_below, notice)
