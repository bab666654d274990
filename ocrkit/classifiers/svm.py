"""``'svm'``: an RBF-kernel support vector machine, one-vs-one.

scikit-learn's ``SVC`` (libsvm) trains it; prediction runs here on the
stored support vectors, dual coefficients and intercepts, in float64.  The
confidence comes from the winning class's weakest one-vs-one margin.  The
features are first projected on their principal axes (scikit-learn's
``PCA``), stored as plain arrays too.
"""

from functools import lru_cache

import numpy as np

from .base import Classifier, squared_distances

__all__ = ["RbfSvm", "principal_axes"]


class RbfSvm(Classifier):
    """RBF-kernel SVM on features projected on their principal axes.

    Parameters
    ----------
    C : float
        What a training vector on the wrong side of the margin costs.
    gamma : float or 'scale'
        The kernel's ``exp(-gamma * |x - y|^2)``; ``'scale'`` measures
        ``gamma_factor / (D * features.var())`` when fitting.
    gamma_factor : float
        Multiplies the measured ``'scale'``.
    components : int or None
        How many principal axes the features are projected on first; None
        (or at least D) to use the features as they are.
    """

    name = "svm"
    defaults = {
        "C": 10.0,
        # 'scale' makes the kernel's width follow the features' spread, so
        # that one default suits HOG of any cell size and pixels alike; a
        # fixed gamma suits one feature length only (on pixels nearly every
        # kernel value would be ~0).  A factor above 1 reads hardly more
        # digits right for many more support vectors, and each of them
        # costs time on every page.
        "gamma": "scale",
        "gamma_factor": 1.0,
        # 192 of the kit's 768 HOG numbers keep nearly all their variance:
        # the accuracy hardly moves, and every kernel value costs a quarter,
        # so pages read faster and training is quicker.
        # benchmarks/RESULTS.md has the default model's measurements.
        "components": 192,
    }
    # The confidence is above 0.5 when the winner wins every duel; 0.6 sets
    # aside the digits whose closest duel was nearly a draw, which hold a
    # large share of the errors.
    reject_below = 0.6
    required = frozenset({"classes", "support_vectors", "dual_coef", "intercept",
                          "n_support", "gamma"})
    # Files written before the projection existed have none.
    before_option = {"components": None}

    def fit(self, vectors, labels, *, sample_weight=None):
        from sklearn.svm import SVC

        projection = principal_axes(vectors, self.params["components"])
        if projection:
            # Project with the stored (float32) axes, as prediction will.
            vectors = _project(vectors, self.prepare(dict(projection)))
        gamma = self.params["gamma"]
        if gamma == "scale":
            gamma = self.params["gamma_factor"] / (vectors.shape[1] * float(vectors.var()))
        svc = SVC(C=self.params["C"], gamma=float(gamma), kernel="rbf", cache_size=1000)
        svc.fit(vectors, labels, sample_weight=sample_weight)
        return {
            "classes": svc.classes_.astype(np.int64),
            "support_vectors": svc.support_vectors_.astype(np.float32),
            # As scikit-learn shows them: with two classes, both have the
            # opposite sign of libsvm's (see _pairwise).
            "dual_coef": svc.dual_coef_.astype(np.float32),
            "intercept": svc.intercept_.astype(np.float64),
            "n_support": svc.n_support_.astype(np.int64),
            "gamma": np.float64(gamma),
            **projection,
        }

    def prepare(self, arrays):
        # float64 copies of the float32 arrays, and the support vectors'
        # norms.  The arrays are stored in float32 (half the file); prediction
        # computes in float64, where the sums of the matrix products agree
        # across CPUs (see squared_distances).
        for name in ("support_vectors", "dual_coef", "projection"):
            if name in arrays:
                arrays[f"_{name}64"] = np.ascontiguousarray(arrays[name], dtype=np.float64)
        if "projection_mean" in arrays:
            arrays["_projection_mean64"] = arrays["projection_mean"].astype(np.float64)
        if "_support_vectors64" in arrays:
            support = arrays["_support_vectors64"]
            arrays["_norms"] = np.einsum("ij,ij->i", support, support)
        if "n_support" in arrays:
            # Where each class's support vectors start and end.
            arrays["_starts"] = np.concatenate([[0], np.cumsum(arrays["n_support"])])
        return arrays

    def check(self, arrays, n_features):
        support, n_support = arrays["support_vectors"], arrays["n_support"]
        width = support.shape[1]
        if ("projection" in arrays) != ("projection_mean" in arrays):
            raise ValueError("the projection needs both its axes and its mean")
        if "projection" in arrays:
            if arrays["projection"].shape != (width, n_features):
                raise ValueError(f"projection {arrays['projection'].shape} does not take "
                                 f"{n_features} features to {width}")
            if arrays["projection_mean"].shape != (n_features,):
                raise ValueError(f"projection mean {arrays['projection_mean'].shape} is not "
                                 f"({n_features},)")
        elif width != n_features:
            raise ValueError(f"support vectors of {width} numbers, features of {n_features}")
        if arrays["dual_coef"].shape != (len(n_support) - 1, len(support)):
            raise ValueError(f"dual coefficients {arrays['dual_coef'].shape} do not fit "
                             f"{len(support)} support vectors of {len(n_support)} classes")
        if int(n_support.sum()) != len(support):
            raise ValueError(f"n_support adds up to {int(n_support.sum())}, not {len(support)}")

    def scores(self, arrays, vectors):
        votes, margins = _pairwise(arrays, vectors)
        best = np.argmax(votes, axis=1)
        # The winner's weakest pairwise margin, squashed to (0, 1).
        margin = margins[np.arange(len(vectors)), best]
        confidence = 1.0 / (1.0 + np.exp(-2.0 * margin))
        return arrays["classes"][best], confidence, np.full(len(vectors), np.nan)


def principal_axes(vectors, components):
    """``{'projection_mean', 'projection'}`` onto the first principal axes, or {}.

    scikit-learn's ``PCA`` from the eigenvectors of the features' covariance
    (``svd_solver='covariance_eigh'``: a D x D problem, exact, with no
    random start), kept as plain float32 arrays.

    Parameters
    ----------
    vectors : (N, D) float64 ndarray
    components : int or None
        How many axes; None, 0, at least D, or at least N (fewer training
        vectors than axes: nothing to reduce) give {} (no projection).

    Returns
    -------
    projection : dict
        ``projection_mean`` (D,) float32 and ``projection`` (components, D)
        float32, one unit axis per row in order of the variance it carries,
        each with its largest-magnitude number positive.
    """
    if not components or components >= min(vectors.shape):
        return {}
    from sklearn.decomposition import PCA

    pca = PCA(n_components=int(components), svd_solver="covariance_eigh").fit(vectors)
    axes = pca.components_
    # An axis's sign is arbitrary (the SVD's, then scikit-learn's own
    # convention); fix it so that the stored file does not depend on either.
    largest = axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)]
    axes = axes * np.where(largest < 0, -1.0, 1.0)[:, None]
    return {"projection_mean": pca.mean_.astype(np.float32),
            "projection": np.ascontiguousarray(axes, dtype=np.float32)}


def _project(vectors, arrays):
    return (vectors - arrays["_projection_mean64"]) @ arrays["_projection64"].T


@lru_cache(maxsize=8)
def _pair_layout(n_class):
    """Where each class stands in the one-vs-one pairs, in libsvm's order.

    Returns ``first, second`` (the pairs (i, j), i < j, in the order of the
    intercepts), the (pairs, classes) matrices that turn pair winners into
    votes, and for each class the (n_class - 1) pairs it is in, with the
    sign that turns a pair's decision to that class's side.
    """
    first, second = np.triu_indices(n_class, k=1)
    pair_of = np.zeros((n_class, n_class - 1), np.intp)
    sign_of = np.zeros((n_class, n_class - 1))
    for c in range(n_class):
        mine = np.concatenate([np.flatnonzero(first == c), np.flatnonzero(second == c)])
        pair_of[c] = mine
        sign_of[c] = np.where(first[mine] == c, 1.0, -1.0)
    layout = (first, second, np.eye(n_class)[first], np.eye(n_class)[second], pair_of, sign_of)
    for array in layout:
        array.setflags(write=False)
    return layout


def _pairwise(arrays, x):
    """One-vs-one votes and each class's weakest margin (libsvm's layout)."""
    a = arrays
    if "projection" in a:
        x = _project(x, a)
    sv, coef, n_support = a["_support_vectors64"], a["_dual_coef64"], a["n_support"]
    kernel = squared_distances(x, sv, b_norms=a["_norms"])
    kernel *= -float(a["gamma"])
    np.exp(kernel, out=kernel)
    # Python ints: slicing with them is quicker, on calls of a few digits.
    starts = a["_starts"].tolist()
    n_class = len(n_support)
    # Each class's support vectors against every other class's coefficients,
    # one matrix product a class: partial[c][:, k] is class c's share of the
    # decisions that use coefficient row k.
    partial = np.stack([kernel[:, starts[c]:starts[c + 1]] @ coef[:, starts[c]:starts[c + 1]].T
                        for c in range(n_class)])
    first, second, to_first, to_second, pair_of, sign_of = _pair_layout(n_class)
    decision = (partial[first, :, second - 1] + partial[second, :, first]).T + a["intercept"]
    if n_class == 2:
        # scikit-learn turns a two-class SVM's coefficients and intercept
        # around, so that its decision is positive for the second class;
        # libsvm's is positive for the first.
        decision = -decision
    wins = decision > 0
    votes = wins @ to_first + ~wins @ to_second
    # Each class's weakest margin: the least of its decisions, turned to its side.
    margins = (decision[:, pair_of] * sign_of).min(axis=2)
    return votes, margins
