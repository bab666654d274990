"""What a sheet of paper lies on in a photo: wood, leather, fabric or a dark mat.

Each surface is made from random noise with NumPy and OpenCV, nothing is
downloaded: wood is bands bent by a slow random field, with fine streaks
along the grain and seams between planks; leather is pebbled cells (a
Voronoi pattern from :func:`cv2.distanceTransformWithLabels`) lit from one
side, with creases and a sheen; fabric is a plain weave of threads of
slightly different shades, with folds; a dark mat is nearly black, with a
fine grain, a sheen and, on a cutting mat, a faint printed grid.

A surface is drawn as reflectance, the share of light it sends back
(white paper is 1), in its own flat coordinates; sizes are in millimetres, so
the same desk looks coarser in a close-up.  :func:`ocrkit.synth.render_photo`
warps it through the camera's geometry together with the sheet.
"""

import cv2
import numpy as np

from ..errors import OptionError
from .conditions import field

__all__ = ["SURROUNDINGS", "surface_texture"]

#: What the sheet can lie on; ``'none'`` means the paper fills the picture.
SURROUNDINGS = ("none", "wood", "leather", "fabric", "dark mat")

# Reflectance of each surface's colours, RGB: a photo of paper on a desk.
_WOODS = ((0.62, 0.45, 0.28), (0.40, 0.26, 0.16), (0.70, 0.54, 0.36))  # oak, walnut, pine
_LEATHERS = ((0.13, 0.12, 0.115), (0.11, 0.105, 0.10), (0.22, 0.13, 0.08))  # black, charcoal, brown
_FABRICS = ((0.22, 0.28, 0.42), (0.36, 0.36, 0.38), (0.18, 0.33, 0.22), (0.40, 0.15, 0.17))
_MATS = ((0.075, 0.10, 0.085), (0.085, 0.085, 0.095), (0.06, 0.07, 0.11))


def _pick(colours, rng):
    return np.float32(colours[int(rng.integers(len(colours)))])


def _stretched(shape, along, across, rng):
    """Noise of unit spread, ``along`` px long in x and ``across`` px wide in y."""
    h, w = shape
    coarse = rng.standard_normal((int(h / across) + 3, int(w / along) + 3)).astype(np.float32)
    out = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
    return (out - out.mean()) / (out.std() + 1e-6)


def _wood(shape, mm, rng):
    h, w = shape
    yy = np.arange(h, dtype=np.float32)[:, None]
    # Growth rings: lines along the grain (x), bent gently by slow fields that
    # change far more along the grain than across it.
    bend = 4 * mm * _stretched(shape, 150 * mm, 40 * mm, rng)
    bend += 0.8 * mm * _stretched(shape, 40 * mm, 10 * mm, rng)
    period = rng.uniform(2.5, 5.0) * mm
    phase = (yy + bend) / period + 0.6 * _stretched(shape, 120 * mm, 25 * mm, rng)
    rings = (0.5 + 0.5 * np.sin(2 * np.pi * phase)) ** 4
    streaks = _stretched(shape, 25 * mm, max(0.25 * mm, 1.0), rng)
    tone = 1 - 0.22 * rings - 0.06 * streaks + 0.05 * _stretched(shape, 200 * mm, 30 * mm, rng)
    # Seams between planks: a dark groove every 9-16 cm.
    pitch, offset = rng.uniform(90, 160) * mm, rng.uniform(0, 1)
    seam = np.abs(((yy / pitch + offset) % 1) - 0.5) * pitch  # px from the plank's middle
    tone = tone * (1 - 0.5 * np.exp(-((seam - 0.5 * pitch) ** 2) / (2 * (0.4 * mm) ** 2)))
    colour = _pick(_WOODS, rng)
    rgb = colour * tone[..., None]
    rgb[..., 2] *= 1 - 0.15 * rings  # late wood is redder
    return rgb


def _leather(shape, mm, rng):
    h, w = shape
    cell = max(rng.uniform(0.7, 1.2) * mm, 2.5)
    n = max(int(h * w / cell**2), 4)
    seeds = np.full(shape, 255, np.uint8)
    seeds[rng.integers(0, h, n), rng.integers(0, w, n)] = 0
    dist, labels = cv2.distanceTransformWithLabels(
        seeds, cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL
    )
    # Pebbles: a dome on each cell, lit from the top left.
    height = cv2.GaussianBlur(np.clip(1 - dist / cell, 0, 1), (0, 0), 0.25 * cell)
    shade = cv2.Sobel(height, cv2.CV_32F, 1, 0) + cv2.Sobel(height, cv2.CV_32F, 0, 1)
    shade /= np.abs(shade).max() + 1e-6
    edges = np.zeros(shape, np.float32)
    edges[:, 1:] += labels[:, 1:] != labels[:, :-1]
    edges[1:] += labels[1:] != labels[:-1]
    creases = cv2.GaussianBlur(np.minimum(edges, 1), (0, 0), 0.15 * cell)
    sheen = np.clip(field(shape, 120 * mm, rng), 0, None)
    tone = 1 - 0.5 * shade - 0.3 * creases + 0.04 * field(shape, 20 * mm, rng) + 0.2 * sheen
    return _pick(_LEATHERS, rng) * np.clip(tone, 0.2, None)[..., None]


def _fabric(shape, mm, rng):
    h, w = shape
    pitch = rng.uniform(0.5, 0.9) * mm
    yy = np.arange(h, dtype=np.float32)[:, None]
    xx = np.arange(w, dtype=np.float32)[None, :]
    # Plain weave: over, under, over; each crossing shows one thread on top.
    on_top = np.sign(np.sin(np.pi * xx / pitch) * np.sin(np.pi * yy / pitch))
    weave = on_top * (np.cos(2 * np.pi * xx / pitch) - np.cos(2 * np.pi * yy / pitch)) / 4
    weave *= np.clip((pitch - 1.5) / 2, 0, 1)  # too fine to resolve: an even grey
    threads = 0.5 * (
        rng.standard_normal((1, int(w / pitch) + 2))[:, (xx[0] / pitch).astype(int)]
        + rng.standard_normal((int(h / pitch) + 2, 1))[(yy[:, 0] / pitch).astype(int)]
    )
    fuzz = cv2.GaussianBlur(rng.standard_normal(shape).astype(np.float32), (0, 0), 0.7)
    folds = field(shape, 60 * mm, rng)
    tone = 1 + 0.35 * weave + 0.06 * threads + 0.1 * fuzz + 0.05 * folds
    return _pick(_FABRICS, rng) * tone[..., None]


def _dark_mat(shape, mm, rng):
    h, w = shape
    grain = cv2.GaussianBlur(rng.standard_normal(shape).astype(np.float32), (0, 0), 0.8)
    sheen = np.clip(field(shape, 120 * mm, rng), 0, None)
    tone = 1 + 0.15 * grain + 0.1 * field(shape, 40 * mm, rng) + 0.3 * sheen
    grid = rng.random() < 0.5  # a cutting mat: faint lines every centimetre
    offset = rng.uniform(0, 10, 2)
    if grid:
        yy = np.arange(h, dtype=np.float32)[:, None] / mm + offset[0]
        xx = np.arange(w, dtype=np.float32)[None, :] / mm + offset[1]
        near = np.minimum(np.abs((yy + 5) % 10 - 5), np.abs((xx + 5) % 10 - 5))  # mm
        tone = tone + 1.2 * np.exp(-((near / 0.2) ** 2))
    return _pick(_MATS, rng) * tone[..., None]


_MAKERS = {"wood": _wood, "leather": _leather, "fabric": _fabric, "dark mat": _dark_mat}


def surface_texture(kind, shape, *, px_per_mm, seed=0):
    """A surface for a sheet to lie on, as reflectance.

    Parameters
    ----------
    kind : {'wood', 'leather', 'fabric', 'dark mat'}
    shape : (int, int)
        (rows, columns) of the texture.
    px_per_mm : float
        Scale of the texture: wood bands are 2.5-5 mm apart, leather pebbles
        about 1 mm wide, threads 0.5-0.9 mm.
    seed : int or numpy.random.Generator
        Seed of the texture, or a Generator to draw it from (as
        :func:`numpy.random.default_rng` takes them).

    Returns
    -------
    (rows, columns, 3) float32 ndarray
        Reflectance, RGB, white paper being 1: wood about 0.3-0.7, fabric
        0.15-0.4, leather and a dark mat 0.05-0.3.

    Raises
    ------
    OptionError
        For an unknown kind or a scale outside 0.2-200 px per mm.

    Examples
    --------
    >>> desk = surface_texture("wood", (60, 80), px_per_mm=3, seed=0)
    >>> desk.shape, bool(0.1 < desk.mean() < 0.8)
    ((60, 80, 3), True)
    """
    if kind not in _MAKERS:
        raise OptionError(f"unknown surface {kind!r}; use one of {sorted(_MAKERS)}")
    if not 0.2 <= px_per_mm <= 200:
        raise OptionError(f"px_per_mm must be 0.2-200, got {px_per_mm}")
    rgb = _MAKERS[kind]((int(shape[0]), int(shape[1])), float(px_per_mm),
                        np.random.default_rng(seed))
    return np.clip(rgb, 0.01, 1.2).astype(np.float32)
