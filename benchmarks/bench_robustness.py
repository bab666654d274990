"""Robustness map: digits read right as a phone photo gets worse.

A line of 8 handwritten digits (:func:`ocrkit.synth.render_photo`, writer A,
about 65 px tall in a 768x560 picture, as in a real photo the kit failed on)
is photographed again and again, one condition changed at a time:

* ink contrast x camera noise, a grid (the map);
* blur, in digit heights;
* digit size, as a share of the picture's height (a close crop at the end).

Each picture is read by every reader given, and each true digit counts as
right when a found box overlaps it (intersection over union >= 0.5, paired
one to one by :func:`ocrkit.evaluate.match_boxes`) with the same label.  The
handwriting is the same in every cell (one seed), so a cell differs from its
neighbours only by the condition.

:func:`robustness_map` measures, :func:`draw_robustness_map` draws one heat
map per reader and two curves, :func:`robustness_table` writes Markdown.
Alone (the kit's readers, and the original approach trained on MNIST)::

    python benchmarks/bench_robustness.py [--quick] [--out docs/robustness_map.png]
"""

import argparse
import inspect
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ocrkit.evaluate import match_boxes
from ocrkit.synth import PhotoConditions, render_photo

#: The photo every cell starts from: a fair phone photo of one line, close up.
BASE = PhotoConditions(
    size=(768, 560),
    close_crop=65 / 560,
    contrast=0.6,
    noise=0.02,
    blur=0.01,
    paper_tone=190.0,
    sharpen=0.6,
    jpeg_quality=88,
    vignetting=0.2,
    uneven_light=0.15,
    surroundings="none",
)
#: The full map: 5 x 5 contrast x noise, 5 blurs, 6 digit sizes.
FULL = {
    "contrasts": (0.15, 0.25, 0.4, 0.6, 0.85),
    "noises": (0.0, 0.03, 0.06, 0.09, 0.12),
    "blurs": (0.0, 0.02, 0.04, 0.06, 0.08),
    "sizes": (0.04, 0.07, 0.12, 0.2, 0.35, 0.6),
}
#: The quick map: 2 x 2, two blurs, two sizes.
QUICK = {
    "contrasts": (0.25, 0.7),
    "noises": (0.0, 0.09),
    "blurs": (0.0, 0.05),
    "sizes": (0.07, 0.3),
}
#: The smallest map, one picture per axis: enough to see that every step runs.
SMOKE = {
    "contrasts": (0.7,),
    "noises": (0.09,),
    "blurs": (0.05,),
    "sizes": (0.3,),
}
DIGITS = 8
_MARKERS = "osD^vPX*"
_LINES = ("-", "--", "-.", ":")
# Room a digit takes along the line, in digit heights (writer A, with its gap).
_ADVANCE = 0.95


def kit_readers(*, model=None, original=None):
    """Readers for :func:`robustness_map`: the kit with every binarisation, and the original.

    The method names are read from :data:`ocrkit.preprocess.BINARIZE_METHODS`
    when this is called; the one :func:`~ocrkit.pipeline.read_page` uses by
    default is marked ``(default)``.

    Parameters
    ----------
    model : DigitClassifier, optional
        The kit's model; the default model if None.
    original : DigitClassifier, optional
        The original classifier, trained (see :func:`ocrkit.original.original_classifier`);
        no original reader if None.

    Returns
    -------
    dict
        ``name -> callable(image) -> PageReading``.
    """
    from ocrkit import preprocess
    from ocrkit.pipeline import read_page

    if model is None:
        from ocrkit.models import default_model

        model = default_model()
    default = inspect.signature(read_page).parameters["method"].default
    readers = {}
    for method in preprocess.BINARIZE_METHODS:
        name = f"kit {method}" + (" (default)" if method == default else "")
        readers[name] = partial(read_page, model=model, method=method)
    if original is not None:
        from ocrkit.original import read_page_original

        readers["original"] = partial(read_page_original, model=original)
    return readers


def _found(reading):
    """(boxes, labels) of a reading: a PageReading-like object or a JSON dict."""
    if isinstance(reading, dict):
        digits = reading.get("digits", [])
        boxes = [d["box"] for d in digits]
        labels = [-1 if d.get("label") is None else int(d["label"]) for d in digits]
        return boxes, labels
    return np.asarray(reading.boxes).reshape(-1, 4), [int(v) for v in reading.labels]


def score(truth, reading):
    """Digits found and digits right of one reading: ``(found, right)`` counts."""
    boxes, labels = _found(reading)
    truth_digits = truth["digits"]
    pairs = match_boxes([d["box"] for d in truth_digits], boxes) if len(boxes) else []
    right = sum(labels[f] == truth_digits[t]["label"] for t, f in pairs)
    return len(pairs), right


def _text(n, seed):
    """``n`` different digits (a random order from ``seed``), in groups of four."""
    digits = "".join(map(str, np.random.default_rng(seed).permutation(10)[:n]))
    return " ".join(digits[i : i + 4] for i in range(0, n, 4))


def _photo(conditions, seed, digits):
    """A line of up to ``digits`` digits that fits the picture: (image, truth, n)."""
    width, height = conditions.size
    share = conditions.close_crop
    n = max(1, min(digits, int(0.85 * width / (_ADVANCE * share * height))))
    while True:
        try:
            image, truth = render_photo(_text(n, seed), conditions=conditions, seed=seed)
            return image, truth, n
        except ValueError:
            if n == 1:
                raise
            n -= 1


def cases(*, contrasts, noises, blurs, sizes, base=BASE, seed=0, digits=DIGITS):
    """Every picture of the map, in order: ``(axis, index, conditions, image, truth)``.

    ``axis`` is ``'grid'`` (``index`` is (noise, contrast)), ``'blur'`` or
    ``'size'`` (``index`` is the position on that axis).
    """
    for i, noise in enumerate(noises):
        for j, contrast in enumerate(contrasts):
            conditions = base.replace(contrast=contrast, noise=noise)
            yield ("grid", (i, j), conditions, *_photo(conditions, seed, digits)[:2])
    for i, blur in enumerate(blurs):
        conditions = base.replace(blur=blur)
        yield ("blur", i, conditions, *_photo(conditions, seed, digits)[:2])
    for i, size in enumerate(sizes):
        conditions = base.replace(close_crop=size)
        yield ("size", i, conditions, *_photo(conditions, seed, digits)[:2])


def _empty(contrasts, noises, blurs, sizes):
    grid = np.zeros((len(noises), len(contrasts))).tolist()
    return {
        "grid": {"right": grid, "found": [row[:] for row in grid]},
        "blur": {"right": [0.0] * len(blurs), "found": [0.0] * len(blurs)},
        "size": {"right": [0.0] * len(sizes), "found": [0.0] * len(sizes)},
        "errors": [],
        "seconds": 0.0,
    }


def robustness_map(
    *,
    read_functions,
    contrasts=FULL["contrasts"],
    noises=FULL["noises"],
    blurs=FULL["blurs"],
    sizes=FULL["sizes"],
    base=BASE,
    seed=0,
    digits=DIGITS,
    progress=True,
):
    """Share of digits each reader gets right, over contrast x noise, blur and size.

    Parameters
    ----------
    read_functions : dict
        ``name -> callable(image)``; ``image`` is (H, W, 3) uint8 RGB and the
        callable returns an object with ``boxes`` (K, 4) and ``labels`` (K,)
        (-1 for unsure) such as a :class:`~ocrkit.pipeline.PageReading`, or
        a dict in the JSON schema of ``ocrkit read --json``.  See
        :func:`kit_readers`.
    contrasts, noises : sequence of float
        The map's axes (:class:`~ocrkit.synth.PhotoConditions` ``contrast``
        and ``noise``); the other conditions are ``base``'s.
    blurs : sequence of float
        ``blur`` values, each with ``base``'s contrast and noise.
    sizes : sequence of float
        ``close_crop`` values (digit height over picture height); a line
        holds as many of the 8 digits as fit.
    base : PhotoConditions
        Everything not varied.
    seed : int
        The handwriting and the picture's randomness; the same in every cell.
    digits : int
        Digits on a line.
    progress : bool
        Show a progress bar.

    Returns
    -------
    dict
        JSON-able: ``"axes"`` (the four sequences), ``"base"`` (the base
        conditions), ``"seed"``, ``"digits"``, ``"size_digits"`` and
        ``"size_px"`` (digits on a line and their median height per size),
        ``"readers"``: ``name -> {"grid": {"right", "found"}`` (lists
        [noise][contrast] of shares of the true digits), ``"blur"`` and
        ``"size"`` (``{"right", "found"}`` lists), ``"errors"`` (messages of
        readers that raised; such a reading counts as nothing found),
        ``"seconds"`` (reading time)}, and ``"seconds"`` in all.

    Raises
    ------
    ValueError
        For no readers or an empty axis.
    """
    if not read_functions:
        raise ValueError("give at least one reader in read_functions")
    axes = {"contrast": contrasts, "noise": noises, "blur": blurs, "size": sizes}
    for name, values in axes.items():
        if len(values) == 0:
            raise ValueError(f"the {name} axis is empty; give at least one value")
    started = time.perf_counter()
    readers = {name: _empty(contrasts, noises, blurs, sizes) for name in read_functions}
    size_digits, size_px = [0] * len(sizes), [0.0] * len(sizes)
    total = len(contrasts) * len(noises) + len(blurs) + len(sizes)
    bar = tqdm(total=total, desc="robustness map", disable=not progress, leave=False)
    for axis, index, _, image, truth in cases(
        contrasts=contrasts,
        noises=noises,
        blurs=blurs,
        sizes=sizes,
        base=base,
        seed=seed,
        digits=digits,
    ):
        n = len(truth["digits"])
        if axis == "size":
            size_digits[index] = n
            size_px[index] = float(np.median([d["box"][3] for d in truth["digits"]]))
        for name, read in read_functions.items():
            t0 = time.perf_counter()
            try:
                found, right = score(truth, read(image))
            except Exception as exc:  # a reader that fails on a picture read nothing
                found, right = 0, 0
                readers[name]["errors"].append(f"{axis} {index}: {type(exc).__name__}: {exc}")
            readers[name]["seconds"] += time.perf_counter() - t0
            cell = readers[name][axis]
            if axis == "grid":
                i, j = index
                cell["right"][i][j], cell["found"][i][j] = right / n, found / n
            else:
                cell["right"][index], cell["found"][index] = right / n, found / n
        bar.update()
    bar.close()
    return {
        "axes": {name: [float(v) for v in values] for name, values in axes.items()},
        "base": base.as_dict(),
        "seed": int(seed),
        "digits": int(digits),
        "size_digits": size_digits,
        "size_px": size_px,
        "readers": readers,
        "seconds": time.perf_counter() - started,
    }


def _percent(share):
    return f"{100 * share:.0f}"


def robustness_table(results):
    """The map as Markdown: one contrast x noise table per reader, then blur and size."""
    axes = results["axes"]
    out = [
        "Share of the digits read right (%), on a line of "
        f"{results['digits']} handwritten digits photographed "
        f"{results['base']['size'][0]}x{results['base']['size'][1]}.",
        "",
    ]
    for name, reader in results["readers"].items():
        out += [
            f"**{name}**: ink contrast (columns) x camera noise (rows)",
            "",
            "| noise \\ contrast | " + " | ".join(f"{c:g}" for c in axes["contrast"]) + " |",
            "|---:|" + "---:|" * len(axes["contrast"]),
        ]
        for noise, row in zip(axes["noise"], reader["grid"]["right"]):
            out.append(f"| {noise:g} | " + " | ".join(_percent(v) for v in row) + " |")
        out.append("")
    out += [
        "**Blur** (standard deviation in digit heights)",
        "",
        "| reader | " + " | ".join(f"{b:g}" for b in axes["blur"]) + " |",
        "|---|" + "---:|" * len(axes["blur"]),
    ]
    for name, reader in results["readers"].items():
        out.append(f"| {name} | " + " | ".join(_percent(v) for v in reader["blur"]["right"]) + " |")
    heads = [
        f"{s:g} ({px:.0f} px, {n} digits)"
        for s, px, n in zip(axes["size"], results["size_px"], results["size_digits"])
    ]
    out += [
        "",
        "**Digit size** (share of the picture's height)",
        "",
        "| reader | " + " | ".join(heads) + " |",
        "|---|" + "---:|" * len(heads),
    ]
    for name, reader in results["readers"].items():
        out.append(f"| {name} | " + " | ".join(_percent(v) for v in reader["size"]["right"]) + " |")
    return "\n".join(out) + "\n"


def draw_robustness_map(results, path, *, dpi=110):
    """Save the map as a PNG: a heat map per reader, then % right against blur and size.

    Parameters
    ----------
    results : dict
        From :func:`robustness_map`.
    path : str or Path
        The PNG file to write; its folder is created.
    dpi : int

    Returns
    -------
    Path
    """
    from matplotlib.figure import Figure
    from matplotlib.gridspec import GridSpec

    axes, readers = results["axes"], results["readers"]
    names = list(readers)
    cols = min(len(names), 4)
    rows = -(-len(names) // cols)
    fig = Figure(figsize=(3.9 * max(cols, 2) + 1.2, 3.5 * rows + 4.0), layout="constrained")
    grid = GridSpec(rows + 1, max(cols, 2), figure=fig, height_ratios=[1] * rows + [1.05])
    image = None
    for k, name in enumerate(names):
        ax = fig.add_subplot(grid[k // cols, k % cols])
        right = 100 * np.asarray(readers[name]["grid"]["right"])
        image = ax.imshow(right, cmap="RdYlGn", vmin=0, vmax=100, aspect="auto")
        for (i, j), value in np.ndenumerate(right):
            colour = "white" if value < 25 or value > 85 else "black"
            ax.text(j, i, f"{value:.0f}", ha="center", va="center", fontsize=11, color=colour)
        ax.set_xticks(range(len(axes["contrast"])), [f"{c:g}" for c in axes["contrast"]])
        ax.set_yticks(range(len(axes["noise"])), [f"{n:g}" for n in axes["noise"]])
        ax.set_title(name, fontsize=12)
        ax.set_xlabel("ink contrast", fontsize=11)
        if k % cols == 0:
            ax.set_ylabel("camera noise (σ / paper)", fontsize=11)
        ax.tick_params(labelsize=10)
    fig.colorbar(image, ax=fig.axes, shrink=0.8, label="% of digits right")
    half = max(cols, 2) // 2
    for axis, where, label in (
        ("blur", grid[rows, :half], "blur (σ in digit heights)"),
        ("size", grid[rows, half:], "digit height / picture height"),
    ):
        ax = fig.add_subplot(where)
        # Curves often lie on top of one another (at 100%): thinner and
        # smaller marks for later readers keep the earlier ones visible.
        for k, name in enumerate(names):
            ax.plot(
                axes[axis],
                100 * np.asarray(readers[name][axis]["right"]),
                marker=_MARKERS[k % len(_MARKERS)],
                linestyle=_LINES[k % len(_LINES)],
                linewidth=max(3.0 - 0.3 * k, 1.0),
                markersize=max(9 - 0.8 * k, 4),
                label=name,
            )
        ax.set_xlabel(label, fontsize=11)
        ax.set_ylabel("% of digits right", fontsize=11)
        ax.set_ylim(-3, 103)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=10)
        if axis == "size":
            ax.set_xscale("log")
            ax.set_xticks(
                axes["size"],
                [f"{s:g}\n{px:.0f} px" for s, px in zip(axes["size"], results["size_px"])],
            )
            ax.minorticks_off()
    handles, labels = fig.axes[-1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(names), 4), fontsize=10)
    base = results["base"]
    fig.suptitle(
        "Digits read right on synthetic phone photos\n"
        f"a line of {results['digits']} digits, {base['size'][0]}x{base['size'][1]}, "
        "one condition changed at a time",
        fontsize=13,
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="benchmarks/bench_robustness.py",
        description="Draw the robustness map of the kit's readers.",
    )
    parser.add_argument("--quick", action="store_true", help="a 2x2 map, in seconds")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("robustness_map.png"),
        help="PNG to write (default: %(default)s)",
    )
    parser.add_argument(
        "--no-original",
        action="store_true",
        help="leave out the original approach (saves training it on MNIST)",
    )
    args = parser.parse_args(argv)
    original = None
    if not args.no_original:
        from ocrkit.datasets import load_mnist
        from ocrkit.original import original_classifier

        data = load_mnist()
        original = original_classifier().fit(data.x_train, data.y_train)
    results = robustness_map(
        read_functions=kit_readers(original=original), **(QUICK if args.quick else FULL)
    )
    print(robustness_table(results))
    print(f"wrote {draw_robustness_map(results, args.out)} in {results['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
