"""Datasets bundled with the kit: MNIST, offline and checksummed.

``data/mnist.npz`` holds all 70,000 MNIST digits in their original order as
uint8 images, white digits on black (see ``data/README.md`` for provenance,
licence and checksums).
"""

import zipfile
from collections import namedtuple
from pathlib import Path

import numpy as np

from ._paths import DATA_DIR, verify_bundled
from .errors import DataFileError, OptionError

__all__ = ["MNIST", "MNIST_SHA256", "N_TEST", "N_TRAIN", "load_mnist", "mnist_path"]

#: SHA-256 of ``data/mnist.npz`` as built by ``data/scripts/build_mnist.py``.
MNIST_SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"

MNIST = namedtuple("MNIST", ["x_train", "y_train", "x_test", "y_test"])
MNIST.__doc__ = """MNIST split into training and test arrays.

x_train : (n_train, 28, 28) uint8 ndarray
y_train : (n_train,) uint8 ndarray
x_test : (n_test, 28, 28) uint8 ndarray
y_test : (n_test,) uint8 ndarray
"""

#: How many training and test digits MNIST holds.
N_TRAIN, N_TEST = 60_000, 10_000

_FIX = "Restore it with `git checkout -- data/mnist.npz` (`git lfs pull` if cloned with LFS)."


def mnist_path():
    """Where the bundled MNIST file is.

    Returns
    -------
    path : Path
        ``data/mnist.npz``, or ``$OCRKIT_DATA/mnist.npz`` if that variable is set.
    """
    return Path(DATA_DIR) / "mnist.npz"


def _check_count(name, n, most):
    """OptionError unless ``n`` is None or a whole number from 0 to ``most``."""
    if n is not None and (isinstance(n, bool) or not isinstance(n, int | np.integer)
                          or not 0 <= n <= most):
        raise OptionError(f"{name} must be a number of digits from 0 to {most:,}, or None for "
                          f"all of MNIST's; got {n!r}")


def _verify(path):
    verify_bundled(path, MNIST_SHA256, what="MNIST data file", fix=_FIX)


def _balanced_indices(labels, n, rng):
    """Indices of ``n`` samples, as equal a share per class as the classes allow.

    A class with fewer samples than its share gives all it has, and the rest
    is shared among the others (so ``n = len(labels)`` returns everything).
    """
    classes, sizes = np.unique(labels, return_counts=True)
    take = np.zeros(len(classes), int)
    left = n
    open_classes = list(range(len(classes)))
    while left > 0 and open_classes:
        share, extra = divmod(left, len(open_classes))
        for rank, c in enumerate(list(open_classes)):
            want = share + (rank < extra)
            got = min(want, sizes[c] - take[c])
            take[c] += got
            left -= got
            if take[c] == sizes[c]:
                open_classes.remove(c)
    chosen = [
        rng.choice(np.flatnonzero(labels == c), size=k, replace=False)
        for c, k in zip(classes, take)
    ]
    # Keep the original order so that a subset reads like the full set.
    return np.sort(np.concatenate(chosen))


def load_mnist(*, n_train=None, n_test=None, seed=0, path=None):
    """Load MNIST from the bundled, checksummed file.

    Parameters
    ----------
    n_train, n_test : int, optional
        Return a class-balanced random subset of this many digits instead of
        the full 60,000 training / 10,000 test digits.
    seed : int
        Seed of the subset choice; the same seed gives the same subset.
    path : str or Path, optional
        Another copy of ``mnist.npz``; its SHA-256 must match.

    Returns
    -------
    MNIST
        ``(x_train, y_train, x_test, y_test)``; images are (n, 28, 28) uint8,
        white on black, labels are uint8 in 0..9.

    Raises
    ------
    DataFileError
        If the file is missing, truncated, modified, or a Git LFS pointer.
    OptionError
        If `n_train` or `n_test` is negative or more than MNIST holds.

    Examples
    --------
    >>> data = load_mnist(n_train=1000, n_test=100)
    >>> data.x_train.shape, int(data.y_train[:100].max())
    ((1000, 28, 28), 9)
    """
    _check_count("n_train", n_train, N_TRAIN)
    _check_count("n_test", n_test, N_TEST)
    path = Path(path) if path is not None else mnist_path()
    _verify(path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = [npz[k] for k in MNIST._fields]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DataFileError(f"{path}: cannot read MNIST arrays ({exc}). {_FIX}") from None
    data = MNIST(*arrays)
    rng = np.random.default_rng(seed)
    if n_train is not None:
        keep = _balanced_indices(data.y_train, int(n_train), rng)
        data = data._replace(x_train=data.x_train[keep], y_train=data.y_train[keep])
    if n_test is not None:
        keep = _balanced_indices(data.y_test, int(n_test), rng)
        data = data._replace(x_test=data.x_test[keep], y_test=data.y_test[keep])
    return data


def __getattr__(name):
    """``ocrkit.datasets.load_sheet`` still works, with a warning naming its home.

    It is imported only when asked for, so that loading MNIST does not import
    the sheet readers.
    """
    if name == "load_sheet":
        import warnings

        from .sheets import load_sheet

        warnings.warn("ocrkit.datasets.load_sheet moved to ocrkit.sheets.load_sheet; "
                      "import it from there", DeprecationWarning, stacklevel=2)
        return load_sheet
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
