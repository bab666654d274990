"""Model files: save and load classifiers as plain arrays, and the default model.

A model file is an ``.npz`` archive of numeric arrays plus one JSON text with
what the model is (classifier kind and parameters, feature settings, the
ocrkit version that wrote it, what it was trained on).  Loading uses
``numpy.load(..., allow_pickle=False)``, so opening a model file can never run
code, unlike a pickled scikit-learn object.  The same model always gives the
same bytes: the archive holds no dates, so a rebuilt file can be compared
with the one it replaces.

:func:`default_model` is what ``ocrkit read`` uses without ``--model``: HOG +
RBF SVM trained on all 60,000 MNIST training digits.  It ships in the
repository (``data/models/default-svm.npz``, checked by SHA-256 like
``mnist.npz``), so that every machine reads with the very same model and
nothing is trained at set-up.  ``python -m ocrkit.models --rebuild`` (``make
model``) trains it again and says whether its accuracy and its bytes changed.
"""

import argparse
import hashlib
import json
import os
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np

from . import __version__
from ._paths import DATA_DIR, verify_bundled
from .classify import CLASSIFIERS, DigitClassifier
from .errors import ModelFileError, NotTrainedError
from .features import FeatureSettings, extract_features

__all__ = ["MODEL_FORMAT", "DEFAULT_MODEL_SHA256", "save_model", "load_model", "default_model",
           "default_model_path", "default_settings", "rebuild_default_model", "train_mnist_model"]

#: Version of the file layout; bump when it changes incompatibly.
MODEL_FORMAT = 1


def _minor(version):
    return ".".join(str(version).split(".")[:2])


def save_model(model, path):
    """Write a trained classifier to a model file.

    The file is written next to its destination and renamed into place, so a
    reader never sees half a file.  The archive's entries carry a fixed date,
    so the same model gives the same bytes.

    Parameters
    ----------
    model : DigitClassifier
        A trained classifier.
    path : str or Path
        The file to write (``.npz``); its folder must exist.

    Returns
    -------
    path : Path
        The file written.

    Raises
    ------
    NotTrainedError
        If `model` is not trained.
    ModelFileError
        If the folder does not exist, `path` is a folder, or the file
        cannot be written.
    """
    if not model.is_fitted:
        raise NotTrainedError("cannot save an untrained classifier; call fit() first")
    path = Path(path)
    if path.is_dir():
        raise ModelFileError(f"{path}: is a directory; give a file name ending in .npz")
    if not path.parent.is_dir():
        raise ModelFileError(f"{path}: folder {path.parent} does not exist; create it first")
    meta = {
        "format": MODEL_FORMAT,
        "ocrkit_version": __version__,
        "kind": model.kind,
        "params": model.params,
        "reject_below": model.reject_below,
        "features": model.features.to_dict(),
        "trained_on": model.trained_on,
    }
    arrays = {"meta": np.array(json.dumps(meta, sort_keys=True))}
    arrays.update((f"a_{k}", v) for k, v in sorted(model.arrays.items()) if not k.startswith("_"))
    partial = path.with_name(path.name + f".{os.getpid()}.partial.npz")
    try:
        _write_npz(partial, arrays)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ModelFileError(f"{path}: cannot write the model file "
                             f"({exc.strerror or exc})") from None
    return path


def _write_npz(path, arrays):
    """``numpy.savez_compressed`` without its one varying part, the entries' dates."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            with archive.open(entry, "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.asanyarray(array), allow_pickle=False)


def load_model(path):
    """Read a model file written by :func:`save_model`.

    Parameters
    ----------
    path : str or Path
        The ``.npz`` model file.

    Returns
    -------
    model : DigitClassifier
        Trained, ready to predict exactly as the saved one did.

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
    kind = CLASSIFIERS.get(meta["kind"]) if isinstance(meta.get("kind"), str) else None
    arrays = {k[2:]: v for k, v in contents.items() if k.startswith("a_")}
    if kind is None or not kind.required <= set(arrays):
        raise ModelFileError(f"{path}: damaged model file (classifier arrays missing)")
    if any(array.dtype.kind not in "biuf" for array in arrays.values()):
        raise ModelFileError(f"{path}: damaged model file (arrays that are not numbers)")
    try:
        features = FeatureSettings.from_dict(meta["features"])
        # Parameters added since the file was written take the values it was trained with.
        model = DigitClassifier(kind.name, features=features, reject_below=meta["reject_below"],
                                **{**kind.before_option, **meta["params"]})
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{path}: damaged model settings ({exc})") from None
    model.arrays = arrays
    model.trained_on = meta.get("trained_on", {})
    _check_consistent(model, path)
    return model.prepare()


def _check_consistent(model, path):
    """The stored arrays must fit the stored settings and each other, and predict."""
    blank = np.zeros((1, 28, 28), np.uint8)
    try:
        n_features = extract_features(blank, settings=model.features).shape[1]
        model.classifier.check(model.arrays, n_features)
        # One blank digit through the whole prediction finds what shapes
        # alone do not: text arrays, unusable parameters.
        model.prepare().predict_confidence(blank)
    except (IndexError, ValueError, TypeError, KeyError):
        raise ModelFileError(
            f"{path}: damaged model file (its arrays do not fit its settings or each other)"
        ) from None


def train_mnist_model(kind="svm", *, features=None, n_mnist=None, seed=0, progress=True,
                      **params):
    """Train a classifier on MNIST's training digits.

    Parameters
    ----------
    kind : {'svm', 'knn', 'linear'}
        The kind of classifier (:class:`~ocrkit.classify.DigitClassifier`).
    features : FeatureSettings, optional
        The kit's HOG by default.
    n_mnist : int, optional
        How many of MNIST's training digits: a class-balanced subset instead
        of all 60,000 (as :func:`ocrkit.training.train_with_sheets` takes it).
    seed : int
        Seed of the subset.
    progress : bool
        Show progress bars (tqdm) while computing features and training.
    **params
        Classifier parameters (see :class:`~ocrkit.classify.DigitClassifier`).

    Returns
    -------
    DigitClassifier

    Raises
    ------
    OptionError
        If `kind` or a parameter is not one the kit knows, or `n_mnist` is
        more than MNIST holds.
    """
    from tqdm.auto import tqdm

    from .datasets import N_TRAIN, _check_count, load_mnist

    if "n_train" in params:
        # The name ocrkit 0.1 used; n_mnist is what the sheet trainers call it too.
        warnings.warn("train_mnist_model(n_train=...) is now n_mnist=...", DeprecationWarning,
                      stacklevel=2)
        n_mnist = params.pop("n_train")
    model = DigitClassifier(kind, features=features, **params)
    _check_count("n_mnist", n_mnist, N_TRAIN)
    data = load_mnist(n_train=n_mnist, n_test=1, seed=seed)
    steps = tqdm(total=2, desc=f"training {kind} on MNIST", disable=not progress, unit="step")
    steps.set_postfix_str(f"features of {len(data.y_train)} digits")
    vectors = extract_features(data.x_train, settings=model.features)
    steps.update()
    steps.set_postfix_str(f"fitting {kind}")
    model.fit_features(vectors, data.y_train)
    steps.update()
    steps.close()
    model.trained_on = {"mnist_train": int(len(data.y_train))}
    return model


#: SHA-256 of ``data/models/default-svm.npz``; ``--rebuild`` says when it changes.
DEFAULT_MODEL_SHA256 = "37bbb0dc5bc540374054659caafac805168530cf03826994d344e0ebb8ab6eb1"

_REBUILD = "Restore it with `git checkout -- data/models/`, or rebuild it with `make model`."


def default_model_path():
    """Where the shipped default model is.

    Returns
    -------
    path : Path
        ``data/models/default-svm.npz``, or ``$OCRKIT_DATA/models/default-svm.npz``
        if that variable is set.
    """
    return Path(DATA_DIR) / "models" / "default-svm.npz"


def default_settings():
    """What the default model is: classifier kind, parameters, features, rejection.

    Returns
    -------
    settings : dict
        JSON-able, in the layout of a model file's metadata; the test suite
        checks that the shipped model was trained with exactly these.
    """
    return _settings_of(DigitClassifier("svm"))


_default = None


def default_model(*, progress=False):
    """The default classifier: HOG + RBF SVM trained on all 60,000 MNIST digits.

    Loaded once per process from the file that ships with the kit.

    Parameters
    ----------
    progress : bool
        Accepted for compatibility; loading takes well under a second.

    Returns
    -------
    DigitClassifier

    Raises
    ------
    DataFileError
        If the shipped file is missing, a Git LFS pointer or modified.
    """
    global _default
    if _default is None:
        path = default_model_path()
        verify_bundled(path, DEFAULT_MODEL_SHA256, what="default model file", fix=_REBUILD)
        _default = load_model(path)
    return _default


def rebuild_default_model(path=None, *, progress=True):
    """Train the default model again, write it, and report what changed.

    Parameters
    ----------
    path : path-like, optional
        Where to write; the shipped file by default.
    progress : bool
        Show progress bars while training.

    Returns
    -------
    report : dict
        ``accuracy`` (new model on MNIST's 10,000 test digits),
        ``old_accuracy`` (the replaced file's, or None if it could not be
        loaded or was trained with other settings), ``sha256`` and
        ``old_sha256`` (None if there was no file).
    """
    from .datasets import load_mnist

    path = Path(path) if path is not None else default_model_path()
    test = load_mnist(n_train=1)
    old_sha = old_accuracy = None
    if path.is_file():
        old_sha = _sha256(path)
        try:
            old = load_model(path)
            if _settings_of(old) == default_settings():
                old_accuracy = float((old.predict(test.x_test) == test.y_test).mean())
        except ModelFileError:
            pass
    model = train_mnist_model("svm", progress=progress)
    accuracy = float((model.predict(test.x_test) == test.y_test).mean())
    path.parent.mkdir(parents=True, exist_ok=True)
    save_model(model, path)
    return {"accuracy": accuracy, "old_accuracy": old_accuracy,
            "sha256": _sha256(path), "old_sha256": old_sha}


def _sha256(path):
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _settings_of(model):
    return {"kind": model.kind, "params": model.params, "reject_below": model.reject_below,
            "features": model.features.to_dict()}


def main(argv=None):
    """``python -m ocrkit.models [--rebuild]``: check or rebuild the default model.

    Parameters
    ----------
    argv : list of str, optional
        The arguments; ``sys.argv[1:]`` by default.

    Returns
    -------
    status : int
        0.
    """
    parser = argparse.ArgumentParser(prog="python -m ocrkit.models",
                                     description=main.__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true",
                        help="train the default model again and write data/models/default-svm.npz")
    args = parser.parse_args(argv)
    if not args.rebuild:
        print(f"default model: {default_model()}")
        return 0
    report = rebuild_default_model()
    old = report["old_accuracy"]
    print(f"MNIST test accuracy: {report['accuracy']:.2%}"
          + (f" (was {old:.2%})" if old is not None else " (no comparable model before)"))
    if report["sha256"] == report["old_sha256"]:
        print(f"bytes unchanged: sha256 {report['sha256']}")
    else:
        print(f"bytes changed: sha256 {report['old_sha256']} -> {report['sha256']}\n"
              "Put the new SHA-256 into DEFAULT_MODEL_SHA256 (ocrkit/models.py) and "
              "data/README.md.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
