"""Exceptions raised by ocrkit.

Every problem a user can cause (a bad image, a damaged model file, missing
data, an option ocrkit cannot use) raises a subclass of :class:`OcrkitError`
whose message, one line, names the file or the option and says what to do.
The command line prints that message and exits with status 2.

The subclasses also derive from the built-in exception a Python programmer
would expect (``ValueError``, ``OSError``), so ``except ValueError`` still
catches a bad option.
"""

__all__ = [
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
    """A model file is damaged, from another ocrkit version, not a model, or cannot be written."""


class SheetError(OcrkitError, ValueError):
    """A handwriting sheet could not be read into labelled digits."""


class OptionError(OcrkitError, ValueError):
    """An argument ocrkit cannot use: an unknown choice, a value out of range, a wrong shape.

    The message names the argument, what it takes and what it got.
    """


class NotTrainedError(OcrkitError, ValueError):
    """A classifier was asked to predict or be saved before it was trained."""
