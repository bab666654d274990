"""``'linear'``: multinomial logistic regression.

scikit-learn's ``LogisticRegression`` trains it on standardised features;
prediction is one matrix product and a softmax, and the confidence is the
winner's probability.
"""

import numpy as np

from .base import Classifier

__all__ = ["Logistic"]


class Logistic(Classifier):
    """Logistic regression on features scaled to zero mean and unit spread.

    Parameters
    ----------
    C : float
        Inverse strength of the L2 penalty on the weights.
    """

    name = "linear"
    defaults = {"C": 1.0}
    reject_below = 0.4
    required = frozenset({"classes", "coef", "intercept", "mean", "scale"})

    def fit(self, vectors, labels, *, sample_weight=None):
        from sklearn.linear_model import LogisticRegression

        mean, scale = vectors.mean(axis=0), vectors.std(axis=0) + 1e-6
        model = LogisticRegression(C=self.params["C"], max_iter=300)
        model.fit((vectors - mean) / scale, labels, sample_weight=sample_weight)
        return {
            "classes": model.classes_.astype(np.int64),
            # One row per class; with two classes, one row for the second.
            "coef": model.coef_.astype(np.float32),
            "intercept": model.intercept_.astype(np.float32),
            "mean": mean.astype(np.float32),
            "scale": scale.astype(np.float32),
        }

    def check(self, arrays, n_features):
        coef, classes = arrays["coef"], arrays["classes"]
        rows = 1 if len(classes) == 2 else len(classes)
        if coef.shape != (rows, n_features):
            raise ValueError(f"coefficients {coef.shape} for {len(classes)} classes and "
                             f"{n_features} features")
        for name in ("mean", "scale"):
            if arrays[name].shape != (n_features,):
                raise ValueError(f"{name} {arrays[name].shape}, features of {n_features}")

    def scores(self, arrays, vectors):
        a, x = arrays, vectors
        logits = ((x - a["mean"]) / a["scale"]) @ a["coef"].astype(np.float64).T + a["intercept"]
        if logits.shape[1] == 1:
            # Two classes: scikit-learn keeps the second's logit against a
            # first fixed at 0.
            logits = np.concatenate([np.zeros_like(logits), logits], axis=1)
        logits -= logits.max(axis=1, keepdims=True)
        prob = np.exp(logits)
        prob /= prob.sum(axis=1, keepdims=True)
        best = np.argmax(prob, axis=1)
        return a["classes"][best], prob[np.arange(len(x)), best], np.full(len(x), np.nan)
