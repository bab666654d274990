"""What every kind of classifier provides, and the distances two kinds share."""

import numpy as np

from ..errors import OptionError

__all__ = ["Classifier", "squared_distances"]


class Classifier:
    """One kind of classifier: how it trains, what it keeps, how it scores.

    A kind holds only its parameters.  What training learns is a dict of
    plain numeric arrays: :meth:`fit` returns it, :meth:`scores` reads it, and
    a model file stores exactly those arrays (:mod:`ocrkit.models`).  Names
    starting with ``_`` are copies that :meth:`prepare` derives for speed;
    they are never stored.

    To add a kind, subclass this, set the attributes below, write the four
    methods, and add the class to :data:`ocrkit.classifiers.CLASSIFIERS`.
    The subclasses' methods keep the documentation written here.

    Parameters
    ----------
    **params
        Any of :attr:`defaults`; the others keep their default value.

    Attributes
    ----------
    name : str
        What ``DigitClassifier(kind)``, ``ocrkit train --classifier`` and the
        model files call it.
    defaults : dict
        Every parameter and its default value.
    reject_below : float
        Default confidence under which a digit is reported as unknown.
    required : frozenset of str
        Arrays a model file of this kind must hold.
    before_option : dict
        Parameters added after model files of this kind were first written,
        with the value that reproduces what an older file was trained with.

    Raises
    ------
    OptionError
        If a parameter is not one of :attr:`defaults`.
    """

    name = ""
    defaults = {}
    reject_below = 0.5
    required = frozenset()
    before_option = {}

    def __init__(self, **params):
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise OptionError(f"{', '.join(sorted(unknown))}: not a parameter of {self.name!r}, "
                              f"which takes {', '.join(sorted(self.defaults))}")
        self.params = {**self.defaults, **params}

    def fit(self, vectors, labels, *, sample_weight=None):
        """Learn from feature vectors.

        Parameters
        ----------
        vectors : (N, D) float64 ndarray
        labels : (N,) int64 ndarray
            At least two different labels.
        sample_weight : (N,) float ndarray, optional
            How much each training vector counts.

        Returns
        -------
        arrays : dict of str to ndarray
            Everything prediction needs, as plain numeric arrays.
        """
        raise NotImplementedError

    def prepare(self, arrays):
        """Add to ``arrays`` the derived copies prediction reuses (``_`` names).

        Nothing by default.

        Parameters
        ----------
        arrays : dict of str to ndarray
            From :meth:`fit` or a model file; changed in place.

        Returns
        -------
        arrays : dict of str to ndarray
            The same dict.
        """
        return arrays

    def check(self, arrays, n_features):
        """Check that ``arrays`` can score vectors of ``n_features`` numbers.

        Shapes only: what the arrays hold is tested by scoring a blank digit
        (:func:`ocrkit.models.load_model` does both, and reports a
        :class:`~ocrkit.errors.ModelFileError`).

        Parameters
        ----------
        arrays : dict of str to ndarray
            From a model file; holds at least :attr:`required`.
        n_features : int
            The length of the feature vectors.

        Raises
        ------
        ValueError
            Saying which array does not fit.
        """
        raise NotImplementedError

    def scores(self, arrays, vectors):
        """Best label, confidence and nearest distance of each vector.

        Parameters
        ----------
        arrays : dict
            From :meth:`fit` (or a model file), after :meth:`prepare`.
        vectors : (N, D) float64 ndarray

        Returns
        -------
        labels : (N,) int ndarray
            The best class, never rejected.
        confidence : (N,) float ndarray
            In [0, 1].
        nearest : (N,) float ndarray
            Distance to the nearest training vector, or NaN if the kind
            keeps no training vectors.
        """
        raise NotImplementedError

    def __repr__(self):
        params = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({params})"


def squared_distances(a, b, *, b_norms=None):
    """(len(a), len(b)) squared Euclidean distances, via one matrix product.

    In float64: the matrix product goes through BLAS kernels chosen per CPU,
    and float32 sums differ between them by about 1e-7, enough to move a
    printed confidence; in float64 they differ by about 1e-16.

    Parameters
    ----------
    a : (N, D) ndarray
    b : (M, D) ndarray
    b_norms : (M,) float64 ndarray, optional
        The squared lengths of ``b``'s rows, if already known.

    Returns
    -------
    distances : (N, M) float64 ndarray

    Examples
    --------
    >>> squared_distances(np.array([[0.0, 0.0]]), np.array([[3.0, 4.0], [1.0, 0.0]]))
    array([[25.,  1.]])
    """
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    a_norms = np.einsum("ij,ij->i", a, a)[:, None]
    if b_norms is None:
        b_norms = np.einsum("ij,ij->i", b, b)
    # |a|^2 - 2 a.b + |b|^2, worked out in the product's own memory: the
    # same numbers to the bit as the plain expression, without its four
    # temporary (N, M) arrays.
    distances = a @ b.T
    distances *= -2.0
    distances += a_norms
    distances += b_norms[None, :]
    return np.maximum(distances, 0.0, out=distances)
