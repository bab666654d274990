"""Tests of ocrkit.models: model files round-trip exactly and bad files say what is wrong."""

import hashlib
import json
import pickle
import re
import zipfile

import numpy as np
import pytest

import ocrkit.models as models_module
from ocrkit import __version__
from ocrkit._paths import DATA_DIR
from ocrkit.classifiers import CLASSIFIERS, Classifier
from ocrkit.classify import CLASSIFIER_KINDS, DigitClassifier
from ocrkit.errors import DataFileError, ModelFileError, NotTrainedError, OcrkitError, OptionError
from ocrkit.features import FeatureSettings
from ocrkit.models import (
    DEFAULT_MODEL_SHA256,
    MODEL_FORMAT,
    default_model,
    default_model_path,
    default_settings,
    load_model,
    save_model,
    train_mnist_model,
)


@pytest.fixture(scope="module")
def mnist(mnist_subset):
    return mnist_subset(600, 200, seed=1)


@pytest.fixture(scope="module")
def models(mnist, trained_classifier):
    return {kind: trained_classifier(kind, n_train=600, seed=1, trained_on={"mnist_train": 600})
            for kind in CLASSIFIER_KINDS}


@pytest.fixture(scope="module")
def knn_file(models, tmp_path_factory):
    return save_model(models["knn"], tmp_path_factory.mktemp("model") / "knn.npz")


def rewrite(source, target, *, meta=None, drop=(), **arrays):
    """Copy a model file, changing its metadata or arrays, as another program might."""
    with np.load(source, allow_pickle=False) as npz:
        contents = {k: npz[k] for k in npz.files if k not in drop}
    if meta is not None:
        contents["meta"] = np.array(json.dumps(meta))
    contents.update(arrays)
    np.savez(target, **contents)
    return target


def read_meta(path):
    with np.load(path, allow_pickle=False) as npz:
        return json.loads(str(npz["meta"]))


def raises_naming(path, match):
    """pytest.raises for a ModelFileError whose one-line message names ``path``."""
    return pytest.raises(ModelFileError, match=rf"^{re.escape(str(path))}: .*{match}")


# ------------------------------------------------------------- round trip
@pytest.mark.parametrize("kind", CLASSIFIER_KINDS)
def test_saved_model_predicts_exactly_the_same(models, mnist, kind, tmp_path):
    path = save_model(models[kind], tmp_path / f"{kind}.npz")
    loaded = load_model(path)
    assert (loaded.kind, loaded.params, loaded.features, loaded.reject_below) == (
        models[kind].kind, models[kind].params, models[kind].features, models[kind].reject_below)
    assert loaded.trained_on == {"mnist_train": 600}
    before = models[kind].predict_confidence(mnist.x_test)
    after = loaded.predict_confidence(mnist.x_test)
    np.testing.assert_array_equal(after[0], before[0])
    np.testing.assert_array_equal(after[1], before[1])


def test_round_trip_keeps_custom_features_and_threshold(mnist, tmp_path):
    features = FeatureSettings(kind="pixels", deskew=False, binary_pixels=True)
    model = DigitClassifier("knn", features=features, reject_below=0.9, k=3)
    model.fit(mnist.x_train[:200], mnist.y_train[:200])
    loaded = load_model(save_model(model, tmp_path / "pixels.npz"))
    assert loaded.features == features and loaded.reject_below == 0.9 and loaded.params == {"k": 3}
    np.testing.assert_array_equal(loaded.predict(mnist.x_test), model.predict(mnist.x_test))


def test_model_file_is_plain_arrays_and_json(knn_file):
    with np.load(knn_file, allow_pickle=False) as npz:
        assert all(npz[k].dtype != object for k in npz.files)
    meta = read_meta(knn_file)
    assert meta["format"] == MODEL_FORMAT and meta["ocrkit_version"] == __version__
    assert meta["kind"] == "knn" and meta["params"] == {"k": 5}


def test_save_leaves_no_partial_file(models, tmp_path):
    save_model(models["linear"], tmp_path / "linear.npz")
    save_model(models["linear"], tmp_path / "linear.npz")  # over an existing file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linear.npz"]


def test_train_mnist_model_takes_n_mnist_as_the_sheet_trainers_do():
    model = train_mnist_model("knn", n_mnist=50, progress=False)
    assert model.trained_on == {"mnist_train": 50} and len(model.arrays["labels"]) == 50
    with pytest.warns(DeprecationWarning, match=r"n_train=\.\.\.\) is now n_mnist"):
        old = train_mnist_model("knn", n_train=50, progress=False)
    assert np.array_equal(old.arrays["vectors"], model.arrays["vectors"])
    with pytest.raises(OptionError, match="^n_mnist must be a number of digits from 0 to 60,000"):
        train_mnist_model("knn", n_mnist=60001, progress=False)
    with pytest.raises(OptionError, match="^kind: unknown classifier 'tree'"):
        train_mnist_model("tree", n_mnist=50, progress=False)


def test_a_model_file_that_cannot_be_written_says_where(models, tmp_path):
    with pytest.raises(ModelFileError, match=r"nowhere.*folder .*nowhere does not exist; create"):
        save_model(models["linear"], tmp_path / "nowhere" / "m.npz")
    with pytest.raises(ModelFileError, match="is a directory; give a file name ending in .npz"):
        save_model(models["linear"], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_untrained_model_cannot_be_saved(tmp_path):
    with pytest.raises(NotTrainedError, match=r"untrained classifier; call fit\(\) first"):
        save_model(DigitClassifier("svm"), tmp_path / "empty.npz")
    assert not (tmp_path / "empty.npz").exists()


# ------------------------------------------------------------- bad files
def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.npz"
    with raises_naming(path, "no such model file"):
        load_model(path)


def test_a_directory(tmp_path):
    with raises_naming(tmp_path, "is a directory"):
        load_model(tmp_path)


def test_a_text_file(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("not a model\n")
    with raises_naming(path, "damaged or not a model file"):
        load_model(path)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_file(knn_file, tmp_path, keep):
    data = knn_file.read_bytes()
    path = tmp_path / "cut.npz"
    path.write_bytes(data[:int(len(data) * keep)])
    with raises_naming(path, "damaged or not a model file"):
        load_model(path)


def test_a_file_damaged_inside_its_compressed_data(knn_file, tmp_path):
    # Bytes overwritten inside a deflate stream: the archive's directory is
    # intact, the decompression is not.
    data = bytearray(knn_file.read_bytes())
    with zipfile.ZipFile(knn_file) as archive:
        info = archive.getinfo("a_vectors.npy")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 100
    for seed in range(3):
        damaged = bytearray(data)
        damaged[start:start + 40] = np.random.default_rng(seed).bytes(40)
        path = tmp_path / f"damaged{seed}.npz"
        path.write_bytes(bytes(damaged))
        with raises_naming(path, "damaged or not a model file"):
            load_model(path)


class _Trap:
    """Unpickling this creates a file: the proof that a pickle was loaded."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_file_holding_pickled_objects_is_refused_unopened(knn_file, tmp_path):
    trap = tmp_path / "was-unpickled"
    path = tmp_path / "pickled.npz"
    rewrite(knn_file, path, a_vectors=np.array([_Trap(str(trap))], dtype=object))
    with np.load(path, allow_pickle=False) as npz:  # the file really holds a pickle
        with pytest.raises(ValueError, match="allow_pickle"):
            npz["a_vectors"]
    with raises_naming(path, "holds pickled objects, which ocrkit refuses to load"):
        load_model(path)
    assert not trap.exists()


def test_a_pickle_file_is_refused_unopened(tmp_path):
    trap = tmp_path / "was-unpickled"
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"model": _Trap(str(trap))}))
    with raises_naming(path, "damaged or not a model file"):
        load_model(path)
    assert not trap.exists()
    pickle.loads(path.read_bytes())  # the file is a working trap
    assert trap.exists()


def test_a_file_from_another_ocrkit_version(knn_file, tmp_path):
    meta = read_meta(knn_file)
    path = rewrite(knn_file, tmp_path / "future.npz", meta={**meta, "ocrkit_version": "9.9.0"})
    with raises_naming(path, rf"written by ocrkit 9\.9\.0, this is {re.escape(__version__)}"):
        load_model(path)


def test_a_file_of_another_format(knn_file, tmp_path):
    meta = read_meta(knn_file)
    path = rewrite(knn_file, tmp_path / "format99.npz", meta={**meta, "format": 99})
    with raises_naming(path, f"model file format 99 is not {MODEL_FORMAT}; retrain"):
        load_model(path)


def test_an_npz_that_is_not_a_model(tmp_path):
    path = tmp_path / "data.npz"
    np.savez(path, x=np.arange(3))
    with raises_naming(path, "not an ocrkit model file"):
        load_model(path)


def test_arrays_that_do_not_match_the_feature_settings(knn_file, tmp_path):
    meta = read_meta(knn_file)
    # HOG vectors under settings that make 784 pixels.
    path = rewrite(knn_file, tmp_path / "pixels.npz",
                   meta={**meta, "features": FeatureSettings(kind="pixels").to_dict()})
    with raises_naming(path, "damaged model file"):
        load_model(path)


@pytest.mark.parametrize("change", ["fewer labels", "text vectors", "missing array",
                                    "bad parameter", "bad feature setting"])
def test_arrays_or_settings_that_cannot_work(knn_file, tmp_path, change):
    meta = read_meta(knn_file)
    with np.load(knn_file) as npz:
        vectors, labels = npz["a_vectors"], npz["a_labels"]
    edits = {
        "fewer labels": {"a_labels": labels[:10]},
        "text vectors": {"a_vectors": vectors.astype(str)},
        "missing array": {"drop": ("a_weights",)},
        "bad parameter": {"meta": {**meta, "params": {"k": "five"}}},
        "bad feature setting": {"meta": {**meta, "features": {**meta["features"],
                                                             "orientations": "x"}}},
    }[change]
    path = rewrite(knn_file, tmp_path / "bad.npz", **edits)
    with raises_naming(path, "damaged model"):
        load_model(path)


@pytest.fixture(scope="module")
def svm_file(models, tmp_path_factory):
    return save_model(models["svm"], tmp_path_factory.mktemp("model") / "svm.npz")


@pytest.mark.parametrize("change", ["projection too short", "projection mean missing",
                                    "support vectors of another width"])
def test_svm_projection_that_does_not_fit(svm_file, tmp_path, change):
    with np.load(svm_file) as npz:
        projection, support = npz["a_projection"], npz["a_support_vectors"]
    edits = {
        "projection too short": {"a_projection": projection[:, :-1]},
        "projection mean missing": {"drop": ("a_projection_mean",)},
        "support vectors of another width": {"a_support_vectors": support[:, :-1]},
    }[change]
    path = rewrite(svm_file, tmp_path / "bad.npz", **edits)
    with raises_naming(path, "damaged model"):
        load_model(path)


def test_an_svm_file_written_before_the_projection_loads_without_one(mnist, tmp_path):
    plain = DigitClassifier("svm", components=None).fit(mnist.x_train, mnist.y_train)
    path = save_model(plain, tmp_path / "plain.npz")
    meta = read_meta(path)
    del meta["params"]["components"]
    old = rewrite(path, tmp_path / "old.npz", meta=meta)
    loaded = load_model(old)
    assert loaded.params["components"] is None and "projection" not in loaded.arrays
    np.testing.assert_array_equal(loaded.predict(mnist.x_test), plain.predict(mnist.x_test))


# ------------------------------------------------ arrays from the registry
@pytest.mark.parametrize("kind", CLASSIFIER_KINDS)
def test_a_model_file_must_hold_the_arrays_its_kind_requires(models, kind, tmp_path):
    path = save_model(models[kind], tmp_path / f"{kind}.npz")
    with np.load(path) as npz:
        assert {f"a_{name}" for name in CLASSIFIERS[kind].required} <= set(npz.files)
    for name in sorted(CLASSIFIERS[kind].required):
        cut = rewrite(path, tmp_path / f"without_{name}.npz", drop=(f"a_{name}",))
        with raises_naming(cut, "classifier arrays missing"):
            load_model(cut)


class NearestMean(Classifier):
    """A kind made up for the test: the label of the nearest class mean."""

    name = "mean"
    defaults = {"shrink": 0.0}
    required = frozenset({"classes", "means"})

    def fit(self, vectors, labels, *, sample_weight=None):
        classes = np.unique(labels)
        means = np.stack([vectors[labels == c].mean(axis=0) for c in classes])
        return {"classes": classes, "means": means * (1 - self.params["shrink"])}

    def check(self, arrays, n_features):
        if arrays["means"].shape != (len(arrays["classes"]), n_features):
            raise ValueError("means of another length")

    def scores(self, arrays, vectors):
        distance = ((vectors[:, None, :] - arrays["means"][None]) ** 2).sum(axis=2)
        best = distance.argmin(axis=1)
        return arrays["classes"][best], np.ones(len(vectors)), np.full(len(vectors), np.nan)


def test_a_new_kind_needs_only_its_class_in_the_registry(mnist, tmp_path, monkeypatch):
    monkeypatch.setitem(CLASSIFIERS, "mean", NearestMean)
    model = DigitClassifier("mean", shrink=0.1).fit(mnist.x_train, mnist.y_train)
    loaded = load_model(save_model(model, tmp_path / "mean.npz"))
    assert isinstance(loaded.classifier, NearestMean) and loaded.params == {"shrink": 0.1}
    np.testing.assert_array_equal(loaded.predict(mnist.x_test), model.predict(mnist.x_test))
    assert (loaded.predict(mnist.x_test) == mnist.y_test).mean() > 0.7
    bad = rewrite(tmp_path / "mean.npz", tmp_path / "bad.npz",
                  a_means=np.zeros((10, 5)))
    with raises_naming(bad, "damaged model file"):
        load_model(bad)


def test_model_file_errors_are_ocrkit_errors(tmp_path):
    with pytest.raises(OcrkitError):
        load_model(tmp_path / "nowhere.npz")


# ---------------------------------------------------- the shipped default
def test_the_shipped_default_model_has_the_current_default_settings():
    # A change to the default features or SVM parameters must come with a
    # rebuilt file (`make model`); a stale model would otherwise go on
    # reading pages with the old features' meaning.
    meta = read_meta(default_model_path())
    assert meta["format"] == MODEL_FORMAT
    shipped = {key: meta[key] for key in ("kind", "params", "reject_below", "features")}
    assert shipped == json.loads(json.dumps(default_settings()))
    assert meta["trained_on"] == {"mnist_train": 60000}


def test_the_shipped_default_model_checksum_is_the_one_documented():
    with open(default_model_path(), "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    assert digest == DEFAULT_MODEL_SHA256
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert f"| default-svm.npz | {default_model_path().stat().st_size} | {digest} |" in readme


def test_the_default_model_reads_mnist_as_benchmarked(mnist_subset):
    data = mnist_subset(1, 2000, seed=0)
    assert (default_model().predict(data.x_test) == data.y_test).mean() >= 0.99


def test_a_modified_default_model_file_is_refused(tmp_path, monkeypatch):
    copy = tmp_path / "models" / "default-svm.npz"
    copy.parent.mkdir()
    copy.write_bytes(default_model_path().read_bytes()[:-10])
    monkeypatch.setattr(models_module, "_default", None)
    monkeypatch.setattr(models_module, "default_model_path", lambda: copy)
    message = rf"^{re.escape(str(copy))}: checksum mismatch.*make model"
    with pytest.raises(DataFileError, match=message):
        models_module.default_model()


def test_saving_the_same_model_twice_gives_the_same_bytes(models, tmp_path):
    # No dates in the archive: a rebuilt model can be compared byte for byte.
    first = save_model(models["svm"], tmp_path / "a.npz").read_bytes()
    second = save_model(models["svm"], tmp_path / "b.npz").read_bytes()
    assert first == second
