"""ocrkit: read handwritten digits with classical computer vision.

The pipeline, one module a stage, data flowing one way::

    imageio.read_image -> paper (find the sheet) -> preprocess (grey, flatten,
    binarize) -> segment (words, reading) -> normalize -> features (pixels or
    HOG) -> classify -> render

:func:`read_page` composes them (``from ocrkit import read_page``);
``ocrkit read page.jpg`` wraps it.
"""

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    DataFileError,
    ImageReadError,
    ImageTooLargeError,
    ImageWriteError,
    ModelFileError,
    NotTrainedError,
    OcrkitError,
    OptionError,
    SheetError,
)

__all__ = [
    "__version__",
    "read_page",
    "OcrkitError",
    "ImageReadError",
    "ImageTooLargeError",
    "ImageWriteError",
    "DataFileError",
    "ModelFileError",
    "SheetError",
    "OptionError",
    "NotTrainedError",
]


def __getattr__(name):
    # The pipeline pulls in OpenCV and the classifier: loaded on first use, so
    # that `import ocrkit` (for its errors or version) stays quick.
    if name == "read_page":
        from .pipeline import read_page

        return read_page
    raise AttributeError(f"module 'ocrkit' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"read_page"})
