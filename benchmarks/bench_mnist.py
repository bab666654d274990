"""MNIST: features x deskew x classifiers, on one time budget.

Every feature setting is computed once for all training and test digits and
timed once; the classifiers then train on those vectors.  Training sizes are
decided at run time: each cell first trains on a small pilot subset, its cost
at each of a few nested training sizes is extrapolated (an RBF SVM's training
grows about as the square of the number of digits, a linear model's about
linearly, a KNN's prediction linearly), and while the predicted total exceeds
the budget, the cell predicted to cost most steps down one size
(:func:`allocate`).  The size each cell used is reported next to its accuracy.
"""

from dataclasses import replace

import numpy as np
from bench_common import PeakMemory, timed
from tqdm.auto import tqdm

from ocrkit.classify import DigitClassifier
from ocrkit.features import ORIGINAL_HOG, FeatureSettings, extract_features

#: The three feature families compared, before the deskew switch.
FEATURES = {
    "raw pixels": FeatureSettings(kind="pixels", deskew=False),
    "original HOG": ORIGINAL_HOG,
    "kit HOG": FeatureSettings(),
}
CLASSIFIERS = ("knn", "svm", "linear")
#: KNN uses the original's k = 3, so that (original HOG, no deskew, KNN) is
#: exactly the original approach; SVM and linear use the kit's defaults.
PARAMS = {"knn": {"k": 3}, "linear": {}, "svm": {}}
#: Exponents of the cost growth with the number of training digits:
#: (training, prediction of the fixed test set).
SCALING = {"svm": (2.0, 1.0), "linear": (1.1, 0.0), "knn": (0.0, 1.0)}
#: Nested training sizes tried, as fractions of the full training set.
FRACTIONS = (1, 1 / 2, 1 / 3, 1 / 6, 1 / 12)


def settings_grid():
    """(name, deskew, FeatureSettings) for every feature setting measured."""
    return [(name, deskew, replace(settings, deskew=deskew))
            for name, settings in FEATURES.items() for deskew in (False, True)]


def nested_order(labels, seed=0):
    """Order of training digits whose every prefix is as class-balanced as possible.

    Digits of each class are shuffled, then taken round-robin over the
    classes, so the first ``n`` of the order are a balanced random subset and
    smaller subsets are inside larger ones.
    """
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels)
    rank = np.empty(len(labels), np.int64)
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        rank[rng.permutation(members)] = np.arange(len(members))
    return np.lexsort((labels, rank))


def candidate_sizes(n_full):
    """Training sizes tried, largest first: the full set and nested fractions of it."""
    sizes = []
    for fraction in FRACTIONS:
        n = int(round(n_full * fraction / 10.0)) * 10 if fraction < 1 else n_full
        if n >= 10 and n not in sizes:
            sizes.append(n)
    return sizes


def compute_features(data, *, progress=True):
    """Feature vectors of every setting, each timed once for train + test digits.

    Returns
    -------
    features : dict
        ``(name, deskew) -> (x_train, x_test)``.
    rows : list of dict
        One per setting: dimensions, seconds, digits, peak memory.
    """
    everything = np.concatenate([data.x_train, data.x_test])
    n_train = len(data.x_train)
    features, rows = {}, []
    for name, deskew, settings in tqdm(settings_grid(), desc="MNIST features",
                                       disable=not progress):
        with PeakMemory() as memory:
            seconds, vectors = timed(extract_features, everything, settings=settings)
        features[name, deskew] = (vectors[:n_train], vectors[n_train:])
        rows.append({"features": name, "deskew": deskew, "dims": int(vectors.shape[1]),
                     "digits": int(len(everything)), "seconds": seconds,
                     "peak_mb": memory.peak_mb})
    return features, rows


def _pilot(kind, settings, x_train, y_train, x_test, n_pilot, n_probe):
    """Seconds to train on ``n_pilot`` digits and to predict the whole test set."""
    model = DigitClassifier(kind, features=settings, **PARAMS[kind])
    fit_s, _ = timed(model.fit_features, x_train[:n_pilot], y_train[:n_pilot])
    probe = x_test[:n_probe]
    predict_s, _ = timed(model.scores, probe)
    return fit_s, predict_s * len(x_test) / max(1, len(probe))


def _predicted_costs(kind, pilot, n_pilot, sizes):
    """Predicted seconds (training + prediction) at each size, from the pilot's."""
    fit_s, predict_s = pilot
    grow_fit, grow_predict = SCALING[kind]
    return {n: fit_s * (n / n_pilot) ** grow_fit + predict_s * (n / n_pilot) ** grow_predict
            for n in sizes}


def allocate(costs, sizes, available):
    """Training size of every cell so that the predicted total fits ``available`` seconds.

    Every cell starts at the largest size; while the total is over, the cell
    whose next smaller size saves the most steps down.  A step that would
    save almost nothing (under 1 % of ``available`` or half a second) is not
    taken: a KNN costs little at any size, and making it smaller only costs
    accuracy.

    Parameters
    ----------
    costs : dict
        Cell -> {size: predicted seconds}.
    sizes : list of int
        Sizes, largest first.
    available : float

    Returns
    -------
    dict
        Cell -> size.

    Examples
    --------
    >>> allocate({"a": {10: 8.0, 5: 2.0}, "b": {10: 3.0, 5: 1.0}}, [10, 5], 6.0)
    {'a': 5, 'b': 10}
    """
    step = dict.fromkeys(costs, 0)

    def saving(cell):
        if step[cell] == len(sizes) - 1:
            return 0.0
        return costs[cell][sizes[step[cell]]] - costs[cell][sizes[step[cell] + 1]]

    while sum(costs[c][sizes[step[c]]] for c in costs) > available:
        best = max(costs, key=saving)
        if saving(best) <= max(0.01 * available, 0.5):
            break
        step[best] += 1
    return {c: sizes[step[c]] for c in costs}


def _resolved_params(model):
    params = dict(model.params)
    if model.kind == "svm":
        params["gamma"] = float(model.arrays["gamma"])
    return params


def run_grid(data, features, feature_rows, *, budget, n_pilot, progress=True):
    """Train and test every (features, deskew, classifier) cell within ``budget`` seconds.

    Pilots first: each cell trains on ``n_pilot`` digits and predicts a tenth
    of the test set; their time counts against the budget.  Then
    :func:`allocate` picks the sizes and every cell is trained and tested.

    Returns
    -------
    list of dict
        One row per cell, in the order features, deskew, classifier.
    """
    # Import the training code now, so that no cell's time includes it.
    import sklearn.linear_model  # noqa: F401
    import sklearn.svm  # noqa: F401

    order = nested_order(data.y_train)
    n_full = len(data.y_train)
    sizes = candidate_sizes(n_full)
    n_pilot = min(n_pilot, sizes[-1])
    feature_time = {(r["features"], r["deskew"]): r for r in feature_rows}
    cells = [(name, deskew, kind, settings) for name, deskew, settings in settings_grid()
             for kind in CLASSIFIERS]
    pilot_order = np.sort(order[:n_pilot])
    n_probe = max(200, len(data.y_test) // 10)
    costs, pilot_s = {}, 0.0
    for name, deskew, kind, settings in tqdm(cells, desc="MNIST pilots", disable=not progress):
        x_train, x_test = features[name, deskew]
        seconds, pilot = timed(_pilot, kind, settings, x_train[pilot_order],
                               data.y_train[pilot_order], x_test, n_pilot, n_probe)
        pilot_s += seconds
        costs[name, deskew, kind] = _predicted_costs(kind, pilot, n_pilot, sizes)
    available = max(0.0, budget - pilot_s)
    chosen = allocate(costs, sizes, available)
    rows = []
    bar = tqdm(cells, desc="MNIST classifiers", disable=not progress)
    for name, deskew, kind, settings in bar:
        bar.set_postfix_str(f"{kind} on {name}{' deskewed' if deskew else ''}")
        x_train, x_test = features[name, deskew]
        n_train = chosen[name, deskew, kind]
        keep = np.sort(order[:n_train])
        model = DigitClassifier(kind, features=settings, **PARAMS[kind])
        with PeakMemory() as fit_memory:
            train_s, _ = timed(model.fit_features, x_train[keep], data.y_train[keep])
        with PeakMemory() as predict_memory:
            predict_s, scored = timed(model.scores, x_test)
        feature_row = feature_time[name, deskew]
        predicted = costs[name, deskew, kind]
        note = ""
        if n_train < n_full:
            note = (f"{n_train:,} of {n_full:,}: the pilot on {n_pilot:,} predicted "
                    f"{predicted[n_full]:.0f} s for {n_full:,}, {predicted[n_train]:.0f} s "
                    f"for {n_train:,}")
        rows.append({
            "features": name, "deskew": deskew, "classifier": kind,
            "params": _resolved_params(model), "dims": feature_row["dims"],
            "n_train": int(n_train), "n_test": int(len(x_test)),
            "accuracy": float(np.mean(scored[0] == data.y_test)),
            "feature_s": feature_row["seconds"], "feature_digits": feature_row["digits"],
            "train_s": train_s, "predict_s": predict_s,
            "predicted_s": predicted[n_train],
            "peak_mb": max(fit_memory.peak_mb, predict_memory.peak_mb),
            "train_peak_mb": fit_memory.peak_mb, "predict_peak_mb": predict_memory.peak_mb,
            "note": note,
        })
    return rows, {"budget_s": budget, "pilot_digits": n_pilot, "pilot_s": pilot_s,
                  "available_s": available, "sizes": sizes,
                  "predicted_total_s": sum(costs[c][chosen[c]] for c in costs)}


def evaluate_model(model, data, *, label):
    """Accuracy and timings of an already trained model on the MNIST test digits."""
    feature_s, vectors = timed(extract_features, data.x_test, settings=model.features)
    with PeakMemory() as memory:
        predict_s, scored = timed(model.scores, vectors)
    return {
        "model": label, "classifier": model.kind, "features": model.features.kind,
        "deskew": model.features.deskew, "trained_on": model.trained_on,
        "n_test": int(len(data.y_test)), "accuracy": float(np.mean(scored[0] == data.y_test)),
        "feature_s": feature_s, "predict_s": predict_s, "peak_mb": memory.peak_mb,
    }
