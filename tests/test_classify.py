"""Tests of ocrkit.classify on MNIST subsets small enough to train in seconds."""

import copy
import re

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC

import ocrkit.classify as classify_module
from ocrkit.classifiers import CLASSIFIERS, Classifier, KNearest, Logistic, RbfSvm
from ocrkit.classify import CLASSIFIER_KINDS, UNKNOWN, DigitClassifier, nearest_neighbours
from ocrkit.cli import main
from ocrkit.errors import NotTrainedError, OptionError
from ocrkit.features import FeatureSettings, extract_features
from ocrkit.normalize import normalize_digits

# Measured with n_train=2000, n_test=300, seed=0 and the kit's HOG: svm 0.983,
# knn 0.977, linear 0.963 (with 4x4-pixel cells: 0.987, 0.950, 0.980); with
# pixels: svm 0.960, knn 0.967.  The floors are a few points lower.
FLOORS = {"svm": 0.95, "knn": 0.92, "linear": 0.93}


@pytest.fixture(scope="module")
def mnist(mnist_subset):
    return mnist_subset(2000, 300, seed=0)


@pytest.fixture(scope="module")
def trained(trained_classifier):
    return {kind: trained_classifier(kind, n_train=2000, seed=0) for kind in FLOORS}


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_each_classifier_beats_its_floor_on_mnist(trained, mnist, kind):
    accuracy = (trained[kind].predict(mnist.x_test) == mnist.y_test).mean()
    assert accuracy > FLOORS[kind]


@pytest.mark.parametrize("kind", ["svm", "knn"])
def test_pixel_features_work_too(mnist, kind):
    # The SVM's default gamma must suit 784 pixels as well as HOG vectors.
    model = DigitClassifier(kind, features=FeatureSettings(kind="pixels"))
    model.fit(mnist.x_train, mnist.y_train)
    assert (model.predict(mnist.x_test) == mnist.y_test).mean() > 0.93


def test_svm_predicts_exactly_as_scikit_learn(mnist):
    digits, labels = mnist.x_train[::4], mnist.y_train[::4]
    model = DigitClassifier("svm", C=5.0, gamma=0.05, components=None).fit(digits, labels)
    train = extract_features(digits)
    test = extract_features(np.concatenate([mnist.x_test, digits[:100]]))
    reference = SVC(C=5.0, gamma=0.05, kernel="rbf", decision_function_shape="ovo")
    reference.fit(train, labels)
    predicted, confidence, nearest = model.scores(test)
    np.testing.assert_array_equal(predicted, reference.predict(test))
    assert np.isnan(nearest).all()
    # The confidence is the winner's weakest one-vs-one margin, squashed.
    decision = reference.decision_function(test)  # one column per pair (i, j), i < j
    pairs = [(i, j) for i in range(10) for j in range(i + 1, 10)]
    margins = np.full((len(test), 10), np.inf)
    for column, (i, j) in enumerate(pairs):
        margins[:, i] = np.minimum(margins[:, i], decision[:, column])
        margins[:, j] = np.minimum(margins[:, j], -decision[:, column])
    winner_margin = margins[np.arange(len(test)), predicted]
    np.testing.assert_allclose(confidence, 1 / (1 + np.exp(-2 * winner_margin)), atol=1e-4)


def test_gamma_scale_follows_the_features(mnist):
    model = DigitClassifier("svm", components=None).fit(mnist.x_train[:300], mnist.y_train[:300])
    vectors = extract_features(mnist.x_train[:300])
    expected = 1.0 / (vectors.shape[1] * vectors.var())
    assert float(model.arrays["gamma"]) == pytest.approx(expected, rel=1e-5)
    halved = DigitClassifier("svm", gamma_factor=0.5, components=None).fit(
        mnist.x_train[:300], mnist.y_train[:300])
    assert float(halved.arrays["gamma"]) == pytest.approx(expected / 2, rel=1e-5)


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_confidences_are_probabilities_and_lower_when_wrong(trained, mnist, kind):
    labels, confidence = trained[kind].predict_confidence(mnist.x_test)
    assert confidence.shape == labels.shape == mnist.y_test.shape
    assert confidence.min() >= 0 and confidence.max() <= 1
    best = trained[kind].predict(mnist.x_test)
    right = best == mnist.y_test
    assert 0 < (~right).sum()
    assert confidence[~right].mean() < confidence[right].mean() - 0.1


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_reject_below_makes_unsure_digits_unknown(trained, mnist, kind):
    model = trained[kind]
    best = model.predict(mnist.x_test)
    _, confidence = model.predict_confidence(mnist.x_test)
    threshold = float(np.percentile(confidence, 20))
    strict = copy.copy(model)
    strict.reject_below = threshold
    labels, same_confidence = strict.predict_confidence(mnist.x_test)
    np.testing.assert_array_equal(same_confidence, confidence)
    unsure = confidence < threshold
    assert unsure.any() and not unsure.all()
    np.testing.assert_array_equal(labels[unsure], UNKNOWN)
    np.testing.assert_array_equal(labels[~unsure], best[~unsure])
    # Rejecting the unsure ones leaves the sure ones more often right.
    kept = labels != UNKNOWN
    assert (labels[kept] == mnist.y_test[kept]).mean() >= (best == mnist.y_test).mean()


def test_default_rejection_thresholds_are_per_kind():
    assert {k: DigitClassifier(k).reject_below for k in FLOORS} == {
        "svm": 0.6, "knn": 0.5, "linear": 0.4}


def test_knn_reports_the_nearest_distance(trained, mnist):
    vectors = extract_features(mnist.x_train[:5])
    _, _, nearest = trained["knn"].scores(vectors)
    np.testing.assert_allclose(nearest, 0, atol=1e-3)  # they are training vectors


def test_sample_weight_counts_as_repeated_votes(mnist):
    digits, labels = mnist.x_train[:400], mnist.y_train[:400]
    query = mnist.x_test[:50]
    weights = np.where(labels == 3, 5.0, 1.0)
    plain = DigitClassifier("knn").fit(digits, labels)
    weighted = DigitClassifier("knn").fit(digits, labels, sample_weight=weights)
    assert (weighted.predict(query) == 3).sum() > (plain.predict(query) == 3).sum()


def test_predicting_nothing_gives_empty_arrays(trained):
    labels, confidence = trained["svm"].predict_confidence(np.zeros((0, 28, 28), np.uint8))
    assert labels.shape == confidence.shape == (0,)


def test_repr_says_what_the_model_is(trained):
    assert repr(trained["knn"]) == "DigitClassifier('knn', k=5, features=hog, trained)"
    assert "untrained" in repr(DigitClassifier("svm"))


# ---------------------------------------------------------------- registry
def test_every_kind_is_registered_under_its_own_name():
    assert CLASSIFIERS == {"svm": RbfSvm, "knn": KNearest, "linear": Logistic}
    assert CLASSIFIER_KINDS == tuple(CLASSIFIERS) == tuple(FLOORS)
    for name, kind in CLASSIFIERS.items():
        assert issubclass(kind, Classifier) and kind.name == name
        assert "classes" in kind.required and 0 < kind.reject_below < 1
        assert set(kind.before_option) <= set(kind.defaults)


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_the_classifier_delegates_to_its_kind(kind):
    model = DigitClassifier(kind)
    assert type(model.classifier) is CLASSIFIERS[kind]
    assert model.params is model.classifier.params == CLASSIFIERS[kind].defaults
    assert model.reject_below == CLASSIFIERS[kind].reject_below


def _train_help(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    return re.search(r"--classifier \{([^}]*)\}", capsys.readouterr().out).group(1).split(",")


def test_the_command_line_offers_the_registered_kinds(capsys, monkeypatch):
    assert _train_help(capsys) == list(CLASSIFIERS)
    monkeypatch.setitem(CLASSIFIERS, "centroid", KNearest)
    assert _train_help(capsys)[-1] == "centroid"


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_each_kind_checks_its_arrays_against_the_feature_length(trained, kind):
    model = trained[kind]
    length = extract_features(np.zeros((1, 28, 28), np.uint8)).shape[1]
    model.classifier.check(model.arrays, length)
    with pytest.raises(ValueError, match=str(length + 1)):
        model.classifier.check(model.arrays, length + 1)


# ------------------------------------------------- read and scorer
@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_read_gives_guesses_labels_and_confidence(trained, mnist, kind):
    model = trained[kind]
    guesses, labels, confidence = model.read(mnist.x_test)
    np.testing.assert_array_equal(guesses, model.predict(mnist.x_test))
    np.testing.assert_array_equal(labels, model.predict_confidence(mnist.x_test)[0])
    np.testing.assert_array_equal(confidence, model.predict_confidence(mnist.x_test)[1])
    unsure = confidence < model.reject_below
    np.testing.assert_array_equal(labels, np.where(unsure, UNKNOWN, guesses))


def test_read_computes_the_features_once(trained, mnist, monkeypatch):
    calls = []

    def counted(digits, settings=None):
        calls.append(len(digits))
        return extract_features(digits, settings=settings)

    monkeypatch.setattr(classify_module, "extract_features", counted)
    trained["svm"].read(mnist.x_test[:30])
    assert calls == [30]


def test_read_of_no_digits_is_empty(trained):
    guesses, labels, confidence = trained["knn"].read(np.zeros((0, 28, 28), np.uint8))
    assert guesses.shape == labels.shape == confidence.shape == (0,)


def _masks(digits):
    """Bool ink masks of different sizes, as segmentation cuts them out of a page."""
    return [np.pad(digit > 127, ((i % 3, 2), (1, i % 5))) for i, digit in enumerate(digits)]


@pytest.mark.parametrize("stroke_width", [None, 2.5])
def test_scorer_gives_the_confidence_of_normalised_masks(trained, mnist, stroke_width):
    model = trained["svm"]
    masks = _masks(mnist.x_test[:40])
    scores = model.scorer(stroke_width=stroke_width)(masks)
    digits = normalize_digits(masks, stroke_width=stroke_width)
    np.testing.assert_array_equal(scores, model.predict_confidence(digits)[1])
    assert scores.shape == (40,)


def test_scorer_of_an_untrained_classifier_is_refused():
    with pytest.raises(NotTrainedError, match=r"not trained yet; call fit\(\)"):
        DigitClassifier("svm").scorer()


# ------------------------------------------------------- two classes
def test_a_two_class_svm_predicts_as_scikit_learn(mnist):
    keep = np.isin(mnist.y_train, [3, 8])
    model = DigitClassifier("svm", components=None).fit(mnist.x_train[keep], mnist.y_train[keep])
    reference = SVC(C=10.0, gamma=float(model.arrays["gamma"]), kernel="rbf")
    reference.fit(extract_features(mnist.x_train[keep]), mnist.y_train[keep])
    test = extract_features(mnist.x_test)
    labels, confidence, _ = model.scores(test)
    np.testing.assert_array_equal(labels, reference.predict(test))
    # One duel: the margin is the decision, positive for the second class.
    margin = reference.decision_function(test) * np.where(labels == 8, 1, -1)
    np.testing.assert_allclose(confidence, 1 / (1 + np.exp(-2 * margin)), atol=1e-4)


def test_a_two_class_linear_model_gives_scikit_learns_probabilities(mnist):
    keep = np.isin(mnist.y_train, [3, 8])
    model = DigitClassifier("linear").fit(mnist.x_train[keep], mnist.y_train[keep])
    mean, scale = model.arrays["mean"], model.arrays["scale"]
    vectors = extract_features(mnist.x_train[keep])
    reference = LogisticRegression(C=1.0, max_iter=300)
    reference.fit((vectors - vectors.mean(axis=0)) / (vectors.std(axis=0) + 1e-6),
                  mnist.y_train[keep])
    test = extract_features(mnist.x_test)
    labels, confidence, _ = model.scores(test)
    probabilities = reference.predict_proba((test - mean) / scale)
    np.testing.assert_array_equal(labels, reference.classes_[probabilities.argmax(axis=1)])
    np.testing.assert_allclose(confidence, probabilities.max(axis=1), atol=1e-4)


# -------------------------------------------------------------- validation
def test_unknown_kind_and_parameters_are_refused():
    with pytest.raises(OptionError, match="^kind: unknown classifier 'forest'; choose one of "
                                          "'svm', 'knn'"):
        DigitClassifier("forest")
    with pytest.raises(OptionError, match="^C: not a parameter of 'knn', which takes k$"):
        DigitClassifier("knn", C=1.0)


def test_fit_refuses_mismatched_or_single_class_labels(mnist):
    model = DigitClassifier("knn")
    with pytest.raises(OptionError, match="10 digits but 9 labels"):
        model.fit(mnist.x_train[:10], mnist.y_train[:9])
    with pytest.raises(OptionError, match="at least two different labels"):
        model.fit(mnist.x_train[:10], np.full(10, 7))
    with pytest.raises(OptionError, match=r"\(N, 28, 28\) stack"):
        model.fit(mnist.x_train[:10].reshape(10, 1, 28, 28), mnist.y_train[:10])
    assert not model.is_fitted


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_an_untrained_classifier_says_so(kind, mnist):
    with pytest.raises(NotTrainedError, match=r"not trained yet; call fit\(\)"):
        DigitClassifier(kind).predict(mnist.x_test[:2])


def test_scores_want_a_matrix_of_vectors(trained):
    with pytest.raises(OptionError, match=r"^vectors: feature vectors must be \(N, D\)"):
        trained["knn"].scores(np.zeros(100, np.float32))


def test_svm_projects_features_on_their_principal_axes(mnist):
    digits, labels = mnist.x_train[:1000], mnist.y_train[:1000]
    model = DigitClassifier("svm", components=40).fit(digits, labels)
    vectors = extract_features(digits)
    projection = model.arrays["projection"]
    assert projection.shape == (40, vectors.shape[1])
    assert model.arrays["support_vectors"].shape[1] == 40
    # Orthonormal axes, in order of the variance they carry.
    np.testing.assert_allclose(projection @ projection.T, np.eye(40), atol=1e-4)
    spread = ((vectors - vectors.mean(axis=0)) @ projection.T).var(axis=0)
    assert np.all(np.diff(spread) <= 1e-6)
    np.testing.assert_allclose(model.arrays["projection_mean"], vectors.mean(axis=0), atol=1e-6)


def test_projection_equals_scikit_learns_pca_up_to_sign(mnist):
    # The oracle: the principal axes of PCA's exact SVD, each turned so that
    # its largest-magnitude number is positive, kept in float32.
    digits, labels = mnist.x_train[:1500], mnist.y_train[:1500]
    model = DigitClassifier("svm", components=60).fit(digits, labels)
    vectors = extract_features(digits)
    reference = PCA(n_components=60, svd_solver="full").fit(vectors)
    projection = model.arrays["projection"].astype(np.float64)
    largest = projection[np.arange(60), np.abs(projection).argmax(axis=1)]
    assert (largest > 0).all()
    signs = np.sign(np.sum(projection * reference.components_, axis=1))
    np.testing.assert_allclose(projection, signs[:, None] * reference.components_, atol=1e-6)
    np.testing.assert_allclose(model.arrays["projection_mean"], reference.mean_, atol=1e-6)
    projected = (vectors - model.arrays["projection_mean"]) @ projection.T
    np.testing.assert_allclose(projected, reference.transform(vectors) * signs, atol=1e-5)


def test_projection_reads_about_as_well_as_the_full_features(mnist):
    digits, labels = mnist.x_train[:2000], mnist.y_train[:2000]
    full = DigitClassifier("svm", components=None).fit(digits, labels)
    projected = DigitClassifier("svm", components=64).fit(digits, labels)
    assert "projection" not in full.arrays
    right = [np.mean(m.predict(mnist.x_test) == mnist.y_test) for m in (full, projected)]
    assert right[1] >= right[0] - 0.01, right


def test_projected_svm_predicts_as_scikit_learn_on_the_projected_vectors(mnist):
    digits, labels = mnist.x_train[::4], mnist.y_train[::4]
    model = DigitClassifier("svm", C=5.0, gamma=0.5, components=48).fit(digits, labels)
    mean, axes = model.arrays["projection_mean"], model.arrays["projection"]
    train = (extract_features(digits) - mean) @ axes.T
    test_vectors = extract_features(mnist.x_test)
    reference = SVC(C=5.0, gamma=0.5, kernel="rbf").fit(train, labels)
    np.testing.assert_array_equal(model.scores(test_vectors)[0],
                                  reference.predict((test_vectors - mean) @ axes.T))


# ------------------------------------------------------- ties in KNN
def test_nearest_neighbours_breaks_ties_by_training_index():
    # Query 0: four training vectors tie at distance 1 for the 2nd and 3rd place.
    # Query 1: all equal: the first k indices.
    distances = np.array([[4.0, 1.0, 1.0, 0.0, 1.0, 1.0, 9.0],
                          [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]])
    np.testing.assert_array_equal(nearest_neighbours(distances, 3), [[3, 1, 2], [0, 1, 2]])
    np.testing.assert_array_equal(nearest_neighbours(distances, 1), [[3], [0]])
    np.testing.assert_array_equal(nearest_neighbours(distances, 7)[0], [3, 1, 2, 4, 5, 0, 6])


def test_nearest_neighbours_equals_a_stable_sort_on_many_ties():
    rng = np.random.default_rng(5)
    distances = rng.integers(0, 4, size=(200, 300)).astype(float)  # ties everywhere
    for k in (1, 3, 5, 17):
        expected = np.argsort(distances, axis=1, kind="stable")[:, :k]
        np.testing.assert_array_equal(nearest_neighbours(distances, k), expected)


def test_nearest_neighbours_refuses_impossible_k():
    with pytest.raises(OptionError, match="k must be between 1 and 3"):
        nearest_neighbours(np.zeros((2, 3)), 4)


def test_knn_vote_does_not_depend_on_the_order_of_tied_neighbours():
    # Training digits 0..3 are all at the same distance from the query; with
    # k=3 the three of lowest index vote: labels 7, 7, 2 -> 7, whatever the
    # order in which a sort meets them.
    vectors = np.array([[1.0, 0], [0, 1.0], [-1.0, 0], [0, -1.0]])
    model = DigitClassifier("knn", features=FeatureSettings(kind="pixels"), k=3)
    model.fit_features(vectors, np.array([7, 7, 2, 2]))
    labels, confidence, _ = model.scores(np.zeros((1, 2)))
    assert labels.tolist() == [7]
    assert confidence[0] == pytest.approx(2 / 3, abs=1e-5)
