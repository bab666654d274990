"""The kinds of classifier, one module each, and the registry that names them.

``'svm'`` (:class:`RbfSvm`)
    an RBF-kernel support vector machine, one-vs-one; confidence from the
    winning class's weakest pairwise margin.
``'knn'`` (:class:`KNearest`)
    k nearest neighbours (Euclidean); confidence is the share of the k votes
    the winner got, and the distance to the nearest neighbour is kept too.
``'linear'`` (:class:`Logistic`)
    multinomial logistic regression; confidence is its probability.

Each is a small :class:`~ocrkit.classifiers.base.Classifier`: its
parameters and their defaults, its rejection threshold, ``fit`` (vectors in,
plain arrays out), ``scores`` (arrays and vectors in, labels, confidences and
nearest distances out), the arrays a model file must hold, and a check of
those arrays against a feature length.  :class:`ocrkit.classify.DigitClassifier`,
the model files (:mod:`ocrkit.models`) and ``ocrkit train --classifier`` all
read :data:`CLASSIFIERS`, so a new kind is one module and one line here.
"""

from .base import Classifier, squared_distances
from .knn import KNearest, nearest_neighbours
from .linear import Logistic
from .svm import RbfSvm

__all__ = ["CLASSIFIERS", "Classifier", "KNearest", "Logistic", "RbfSvm", "nearest_neighbours",
           "squared_distances"]

#: Every kind of classifier, by the name ``DigitClassifier(kind)`` takes.
CLASSIFIERS = {cls.name: cls for cls in (RbfSvm, KNearest, Logistic)}
