"""Model files: save and load classifiers as plain arrays, and the default model.

A model file is an ``.npz`` archive of numeric arrays plus one JSON text with
what the model is (classifier kind and parameters, feature settings, the
ocrkit version that wrote it, what it was trained on).  Loading uses
``numpy.load(..., allow_pickle=False)``, so opening a model file can never run
code, unlike a pickled scikit-learn object.

:func:`default_model` is what ``ocrkit read`` uses without ``--model``: HOG +
RBF SVM trained on all 60,000 MNIST training digits.  It is trained on first
use (under a minute on two cores, with a progress bar) and cached in the
user's cache folder (``OCRKIT_CACHE`` overrides it).
"""

import hashlib
import json
import os
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np

from . import __version__
from ._paths import cache_dir
from .classify import CLASSIFIER_KINDS, DigitClassifier
from .errors import ModelFileError
from .features import FeatureSettings, extract_features

__all__ = ["MODEL_FORMAT", "save_model", "load_model", "default_model", "train_mnist_model"]

#: Version of the file layout; bump when it changes incompatibly.
MODEL_FORMAT = 1

_REQUIRED = {
    "svm": {"classes", "support_vectors", "dual_coef", "intercept", "n_support", "gamma"},
    "knn": {"classes", "vectors", "labels", "weights"},
    "linear": {"classes", "coef", "intercept", "mean", "scale"},
}


def _minor(version):
    return ".".join(str(version).split(".")[:2])


def save_model(model, path):
    """Write a trained :class:`~ocrkit.classify.DigitClassifier` to ``path`` (.npz).

    The file is written next to its destination and renamed into place, so a
    reader never sees half a file.
    """
    if not model.is_fitted:
        raise ValueError("cannot save an untrained classifier; call fit() first")
    path = Path(path)
    meta = {
        "format": MODEL_FORMAT,
        "ocrkit_version": __version__,
        "kind": model.kind,
        "params": model.params,
        "reject_below": model.reject_below,
        "features": model.features.to_dict(),
        "trained_on": model.trained_on,
        "saved": time.strftime("%Y-%m-%d"),
    }
    arrays = {f"a_{k}": v for k, v in model.arrays.items() if not k.startswith("_")}
    partial = path.with_name(path.name + f".{os.getpid()}.partial.npz")
    np.savez_compressed(partial, meta=np.array(json.dumps(meta)), **arrays)
    os.replace(partial, path)
    return path


def load_model(path):
    """Read a model file written by :func:`save_model`.

    Raises
    ------
    ModelFileError
        If the file is missing, not a model file, damaged, written by an
        incompatible ocrkit version, or inconsistent with its own settings.
    """
    path = Path(path)
    if path.is_dir():
        raise ModelFileError(f"{path}: is a directory, not a model file")
    if not path.is_file():
        raise ModelFileError(f"{path}: no such model file (train one with `ocrkit train`)")
    try:
        with np.load(path, allow_pickle=False) as npz:
            contents = {k: npz[k] for k in npz.files}
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, KeyError) as exc:
        reason = "damaged or not a model file"
        # numpy reads any file that is not an archive as a pickle ("Cannot
        # load file containing pickled data"): a text file is no pickle, so
        # only object arrays inside an archive are called pickled objects.
        if "Object arrays" in str(exc):
            reason = "holds pickled objects, which ocrkit refuses to load"
        raise ModelFileError(f"{path}: {reason}") from None
    try:
        meta = json.loads(str(contents.pop("meta")))
    except (KeyError, ValueError):
        raise ModelFileError(f"{path}: not an ocrkit model file (no metadata)") from None
    if not isinstance(meta, dict) or meta.get("format") != MODEL_FORMAT:
        raise ModelFileError(
            f"{path}: model file format {meta.get('format') if isinstance(meta, dict) else '?'} "
            f"is not {MODEL_FORMAT}; retrain it with this ocrkit (`ocrkit train`)"
        )
    written_by = meta.get("ocrkit_version", "?")
    if _minor(written_by) != _minor(__version__):
        raise ModelFileError(
            f"{path}: written by ocrkit {written_by}, this is {__version__}; "
            "retrain it with `ocrkit train`"
        )
    kind = meta.get("kind")
    arrays = {k[2:]: v for k, v in contents.items() if k.startswith("a_")}
    if kind not in CLASSIFIER_KINDS or not _REQUIRED[kind] <= set(arrays):
        raise ModelFileError(f"{path}: damaged model file (classifier arrays missing)")
    try:
        features = FeatureSettings.from_dict(meta["features"])
        model = DigitClassifier(kind, features=features, reject_below=meta["reject_below"],
                                **meta["params"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{path}: damaged model settings ({exc})") from None
    model.arrays = arrays
    if kind == "svm" and "projection" not in arrays:
        model.params["components"] = None  # written before the projection existed
    model.trained_on = meta.get("trained_on", {})
    _check_consistent(model, path)
    return model.prepare()


def _check_consistent(model, path):
    """The stored arrays must fit the stored settings and each other, and predict."""
    a = model.arrays
    width = {"svm": lambda: a["support_vectors"].shape[1], "knn": lambda: a["vectors"].shape[1],
             "linear": lambda: a["coef"].shape[1]}[model.kind]
    blank = np.zeros((1, 28, 28), np.uint8)
    try:
        features = extract_features(blank, model.features).shape[1]
        if model.kind == "svm" and "projection" in a:
            ok = (a["projection"].shape == (width(), features)
                  and a["projection_mean"].shape == (features,))
        else:
            ok = width() == features
        if model.kind == "svm":
            ok = ok and a["dual_coef"].shape == (len(a["n_support"]) - 1, len(a["support_vectors"]))
            ok = ok and int(a["n_support"].sum()) == len(a["support_vectors"])
        if model.kind == "knn":
            ok = ok and len(a["labels"]) == len(a["weights"]) == len(a["vectors"])
        if ok:
            # One blank digit through the whole prediction finds what shapes
            # alone do not: text arrays, unusable parameters.
            model.prepare().predict_confidence(blank)
    except (IndexError, ValueError, TypeError, KeyError):
        ok = False
    if not ok:
        raise ModelFileError(
            f"{path}: damaged model file (its arrays do not fit its settings or each other)")


def train_mnist_model(kind="svm", *, features=None, n_train=None, progress=True, **params):
    """Train a classifier on MNIST's training digits.

    Parameters
    ----------
    kind : {'svm', 'knn', 'linear'}
    features : FeatureSettings, optional
    n_train : int, optional
        A class-balanced subset instead of all 60,000 digits.
    progress : bool
        Show progress bars (tqdm) while computing features and training.
    **params
        Classifier parameters (see :class:`~ocrkit.classify.DigitClassifier`).

    Returns
    -------
    DigitClassifier
    """
    from tqdm.auto import tqdm

    from .datasets import load_mnist

    data = load_mnist(n_train=n_train, n_test=1)
    model = DigitClassifier(kind, features=features, **params)
    steps = tqdm(total=2, desc=f"training {kind} on MNIST", disable=not progress, unit="step")
    steps.set_postfix_str(f"features of {len(data.y_train)} digits")
    vectors = extract_features(data.x_train, model.features)
    steps.update()
    steps.set_postfix_str(f"fitting {kind}")
    model.fit_features(vectors, data.y_train)
    steps.update()
    steps.close()
    model.trained_on = {"mnist_train": int(len(data.y_train))}
    return model


def _default_path():
    # The classifier's parameters are in the key too, so that a cache trained
    # with other defaults is not reused.
    settings = json.dumps({"kind": "svm", "features": FeatureSettings().to_dict(),
                           "params": DigitClassifier("svm").params, "version": __version__},
                          sort_keys=True)
    digest = hashlib.sha256(settings.encode()).hexdigest()[:12]
    return cache_dir() / f"default-svm-{__version__}-{digest}.npz"


_default = None


def default_model(*, progress=True):
    """The default classifier (HOG + RBF SVM on all of MNIST), trained once and cached.

    Returns
    -------
    DigitClassifier
    """
    global _default
    if _default is not None:
        return _default
    path = _default_path()
    if path.is_file():
        try:
            _default = load_model(path)
            return _default
        except ModelFileError:
            path.unlink(missing_ok=True)  # a damaged cache is rebuilt, not reported
    if progress:
        shown = str(path).replace(str(Path.home()), "~", 1)  # no user's folders in outputs
        print(f"Training the default model once (cached at {shown}); under a minute.")
    _default = train_mnist_model("svm", progress=progress)
    save_model(_default, path)
    return _default


if __name__ == "__main__":
    # `python -m ocrkit.models` builds the default model's cache ahead of use.
    print(f"default model ready: {default_model()}")
