"""ocrkit: read handwritten digits with classical computer vision.

The pipeline, one module a stage, data flowing one way::

    imageio.read_image -> preprocess (grey, flatten, binarize) -> segment
    -> normalize -> features (pixels or HOG) -> classify -> render

:func:`read_page` composes them; ``ocrkit read page.jpg`` wraps it.
"""

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    DataFileError,
    ImageReadError,
    ImageTooLargeError,
    ImageWriteError,
    ModelFileError,
    OcrkitError,
    SheetError,
)

__all__ = [
    "__version__",
    "OcrkitError",
    "ImageReadError",
    "ImageTooLargeError",
    "ImageWriteError",
    "DataFileError",
    "ModelFileError",
    "SheetError",
]
