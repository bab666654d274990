"""Fixtures shared by the test modules: MNIST subsets and classifiers trained on them.

Each is made once per test session for each size (and seed and settings) asked
for, so that the modules that use the same data share it, and the others still
get theirs.  Everything is seeded: a subset is :func:`ocrkit.datasets.load_mnist`'s
for its seed, a classifier the one that subset trains.  They are shared, so a
test must not change them: the arrays are read-only, and a test that changes a
classifier changes a copy (``copy.copy(model)``).
"""

import pytest

from ocrkit.classify import DigitClassifier
from ocrkit.datasets import load_mnist
from ocrkit.original import original_classifier


class _Subsets:
    """MNIST subsets by ``(n_train, n_test, seed)``, each loaded once."""

    def __init__(self):
        self._loaded = {}

    def __call__(self, n_train, n_test, seed=0):
        key = (n_train, n_test, seed)
        if key not in self._loaded:
            data = load_mnist(n_train=n_train, n_test=n_test, seed=seed)
            for array in data:
                array.setflags(write=False)
            self._loaded[key] = data
        return self._loaded[key]

    def training(self, n_train, seed=0):
        """A subset with these training digits: one loaded already if there is one.

        ``load_mnist`` draws the training digits first, so they depend on
        ``n_train`` and ``seed`` only, whatever ``n_test``.
        """
        for (n, _, s), data in self._loaded.items():
            if (n, s) == (n_train, seed):
                return data
        return self(n_train, 1, seed)


@pytest.fixture(scope="session")
def mnist_subset():
    """``mnist_subset(n_train, n_test, seed=0)``: ``load_mnist``'s subset, loaded once.

    ``n_train`` or ``n_test`` may be ``None`` for all of that split.
    """
    return _Subsets()


@pytest.fixture(scope="session")
def trained_classifier(mnist_subset):
    """``trained_classifier(kind, n_train=..., seed=0, **options)``: a classifier, trained once.

    ``kind`` is a kind of :class:`~ocrkit.classify.DigitClassifier`, made with
    ``options``, or ``"original"`` for :func:`ocrkit.original.original_classifier`;
    it is trained on the training digits of ``mnist_subset(n_train, ..., seed)``.
    ``trained_on`` is passed to ``fit``.
    """
    models = {}

    def trained(kind, *, n_train, seed=0, trained_on=None, **options):
        key = (kind, n_train, seed, repr(trained_on), repr(sorted(options.items())))
        if key not in models:
            if kind == "original":
                if options:
                    raise TypeError("the original classifier takes no options")
                model = original_classifier()
            else:
                model = DigitClassifier(kind, **options)
            data = mnist_subset.training(n_train, seed)
            models[key] = model.fit(data.x_train, data.y_train, trained_on=trained_on)
        return models[key]

    return trained
