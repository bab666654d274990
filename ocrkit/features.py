"""Features: what a classifier sees of a normalised 28x28 digit.

Two kinds, chosen by :class:`FeatureSettings`:

``'pixels'``
    the 784 grey levels scaled to [0, 1] (optionally binarised): the baseline.
``'hog'``
    histograms of oriented gradients (:func:`ocrkit.hog.hog`), which describe
    the directions of the strokes and forgive small shifts and thickness.
    The kit's default interpolates the votes between bins and cells and
    takes the square root of the features (a power normalisation): with
    both, an RBF SVM trained on all of MNIST makes clearly fewer errors than
    with plain votes; notebook 04 measures each step.

Deskewing (:func:`ocrkit.normalize.deskew`) belongs here rather than in
normalisation so that MNIST's digits and a page's digits are treated the same.
"""

from dataclasses import asdict, dataclass

import numpy as np

from ._compat import keyword_after_first
from .errors import OptionError
from .hog import BLOCK_NORMS, hog
from .normalize import deskew

__all__ = ["FeatureSettings", "ORIGINAL_HOG", "extract_features"]

FEATURE_KINDS = ("hog", "pixels")


@dataclass(frozen=True)
class FeatureSettings:
    """How digits become feature vectors.

    Parameters
    ----------
    kind : {'hog', 'pixels'}
    deskew : bool
        Straighten each digit first.
    orientations, pixels_per_cell, cells_per_block, block_norm, signed, interpolate
        HOG options (see :func:`ocrkit.hog.hog`); ignored for pixels.
    power : float
        For ``'hog'``: the power normalisation used for Fisher vectors [1]_:
        raise every feature to this power, then scale each vector back to
        unit length.  0.5, the square root, lifts the many small gradient
        votes against the few large ones, so that thin details such as the
        tail of a 9 count; 1 leaves the features as they are.  (It is not
        Hellinger's kernel, which takes the square root of histograms that
        sum to 1: HOG's blocks are scaled to unit Euclidean length.)
    binary_pixels : bool
        For ``'pixels'``: threshold at half intensity, as the original program
        did with its binary crops.

    Raises
    ------
    OptionError
        If `kind`, `block_norm` or `power` is not one the kit knows.

    References
    ----------
    .. [1] J. Sánchez, F. Perronnin, T. Mensink and J. Verbeek, "Image
       Classification with the Fisher Vector: Theory and Practice",
       International Journal of Computer Vision 105(3), 222-245, 2013.
       https://doi.org/10.1007/s11263-013-0636-x
    """

    kind: str = "hog"
    deskew: bool = True
    orientations: int = 12
    pixels_per_cell: tuple = (5, 5)
    cells_per_block: tuple = (2, 2)
    block_norm: str = "L2-Hys"
    signed: bool = True
    interpolate: bool = True
    power: float = 0.5
    binary_pixels: bool = False

    def __post_init__(self):
        if self.kind not in FEATURE_KINDS:
            raise OptionError(f"kind: unknown feature kind {self.kind!r}; choose 'hog' or "
                              "'pixels'")
        if self.block_norm not in BLOCK_NORMS:
            choices = ", ".join(repr(name) for name in BLOCK_NORMS)
            raise OptionError(f"block_norm must be one of {choices}; got {self.block_norm!r}")
        if not 0 < self.power <= 1:
            raise OptionError(f"power must be in (0, 1], e.g. 0.5; got {self.power!r}")
        object.__setattr__(self, "pixels_per_cell", tuple(int(v) for v in self.pixels_per_cell))
        object.__setattr__(self, "cells_per_block", tuple(int(v) for v in self.cells_per_block))

    def to_dict(self):
        """The settings as a JSON-able dict.

        Returns
        -------
        settings : dict
            One entry per field; tuples become lists.
        """
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, values):
        """Settings from :meth:`to_dict`, as a model file stores them.

        Parameters
        ----------
        values : dict
            From :meth:`to_dict`.  Fields added since a file was written take
            the values that reproduce what it was trained with.

        Returns
        -------
        FeatureSettings
        """
        return cls(**{**_BEFORE_OPTION, **values})


# Settings that files written before an option existed were computed with.
_BEFORE_OPTION = {"interpolate": False, "power": 1.0}


#: The original program's features: skimage HOG with 10 orientations, 5x5
#: cells, 1x1 blocks, unsigned gradients, on stretched crops without deskew.
ORIGINAL_HOG = FeatureSettings(kind="hog", deskew=False, orientations=10,
                               pixels_per_cell=(5, 5), cells_per_block=(1, 1),
                               block_norm="L2-Hys", signed=False, interpolate=False, power=1.0)


@keyword_after_first("settings", "extract_features(digits, settings=...)")
def extract_features(digits, *, settings=None):
    """Feature vectors of a stack of normalised digits.

    Parameters
    ----------
    digits : (N, 28, 28) uint8 ndarray
        White on black, as from :func:`ocrkit.normalize.normalize_digits` or MNIST.
    settings : FeatureSettings, optional
        The default is the kit's HOG.

    Returns
    -------
    features : (N, D) float64 ndarray
        In float64 so that the matrix products that follow (HOG's pooling,
        the SVM's projection and kernel, KNN's distances) give the same
        printed numbers on every CPU; see :mod:`ocrkit.classify`.

    Raises
    ------
    OptionError
        If `digits` is not one (28, 28) digit or an (N, 28, 28) stack.

    Examples
    --------
    >>> extract_features(np.zeros((3, 28, 28), np.uint8)).shape
    (3, 768)
    """
    settings = settings or FeatureSettings()
    digits = np.asarray(digits)
    if digits.ndim == 2:
        digits = digits[None]
    if digits.ndim != 3:
        raise OptionError(f"digits must be an (N, 28, 28) stack, got shape {digits.shape}")
    if settings.deskew:
        digits = deskew(digits)
    if settings.kind == "pixels":
        flat = digits.reshape(len(digits), -1) / 255.0
        return (flat >= 0.5).astype(np.float64) if settings.binary_pixels else flat
    features = hog(digits, orientations=settings.orientations,
                   pixels_per_cell=settings.pixels_per_cell,
                   cells_per_block=settings.cells_per_block,
                   block_norm=settings.block_norm, signed=settings.signed,
                   interpolate=settings.interpolate, dtype=np.float64)
    if settings.power != 1:
        np.power(features, settings.power, out=features)
        # np.linalg.norm(features, axis=1) to the bit (it sums the squares
        # with the same reduction), without its checks, which cost more
        # than the sum on a few digits.
        lengths = np.sqrt(np.add.reduce(features * features, axis=1, keepdims=True))
        features /= lengths + 1e-12
    return features
