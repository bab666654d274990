"""Exceptions raised by ocrkit.

Every problem a user can cause (a bad image, a damaged model file, missing
data) raises a subclass of :class:`OcrkitError` whose message names the file
and says what to do.  The command line prints that message on one line and
exits with status 2.
"""

__all__ = [
    "OcrkitError",
    "ImageReadError",
    "ImageTooLargeError",
    "ImageWriteError",
    "DataFileError",
    "ModelFileError",
    "SheetError",
]


class OcrkitError(Exception):
    """Base class of every error ocrkit raises for bad input."""


class ImageReadError(OcrkitError, ValueError):
    """An image file is missing, unreadable, truncated or of an unusable shape."""


class ImageTooLargeError(ImageReadError):
    """An image header declares more pixels than ocrkit agrees to decode."""


class ImageWriteError(OcrkitError, OSError):
    """An image file could not be written: unknown extension, missing folder, no permission."""


class DataFileError(OcrkitError, OSError):
    """A bundled data file is missing, truncated, or a Git LFS pointer."""


class ModelFileError(OcrkitError, ValueError):
    """A model file is damaged, from another ocrkit version, or not a model at all."""


class SheetError(OcrkitError, ValueError):
    """A handwriting sheet could not be read into labelled digits."""
