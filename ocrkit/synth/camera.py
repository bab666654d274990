"""The light on a photographed page and what a phone camera does to it.

In the order light takes: the light falling on the scene (an uneven lamp,
a soft shadow, vignetting of the lens), the lens's blur, the sensor's noise,
the phone's sharpening, and the JPEG file.  Every function works on a float32
(H, W, 3) RGB image in grey levels (paper about 100-250) and draws its
randomness from the generator it is given, the same number of draws whatever
the strength, so that turning one effect up changes nothing else.

References
----------
.. [1] S. W. Hasinoff, "Photon, Poisson noise", in *Computer Vision: A
   Reference Guide*, Springer, 2014. https://doi.org/10.1007/978-0-387-31439-6_482
"""

import cv2
import numpy as np

from .conditions import _jpeg, field

__all__ = ["blur", "encode", "light_field", "luma", "sensor_noise", "sharpen", "shadow_field"]

#: RGB weights of luminance (ITU-R BT.601, as :func:`cv2.cvtColor` uses).
LUMA = np.float32([0.299, 0.587, 0.114])
#: Radius of the phone's unsharp mask, pixels.
SHARPEN_RADIUS = 1.5


def _coords(size):
    """Pixel centres relative to the image centre, in units of the half-diagonal."""
    w, h = size
    half = np.hypot(w, h) / 2
    xx = ((np.arange(w, dtype=np.float32) + 0.5 - w / 2) / half)[None, :]
    yy = ((np.arange(h, dtype=np.float32) + 0.5 - h / 2) / half)[:, None]
    return xx, yy


def shadow_field(size, strength, rng):
    """Light left by a soft shadow: 1 in the light, ``1 - strength`` in the full shadow.

    The shadow is a band across the picture (an arm, a phone) or a corner cut
    off by a slightly curved edge; its penumbra is 5-10% of the diagonal wide.

    Parameters
    ----------
    size : (int, int)
        (width, height).
    strength : float
        Share of the light the shadow takes away, 0-1.
    rng : numpy.random.Generator

    Returns
    -------
    (height, width) float32 ndarray
    """
    xx, yy = _coords(size)
    band = rng.random() < 0.5
    angle = rng.uniform(0, 2 * np.pi)
    penumbra = rng.uniform(0.05, 0.1) * 2  # in half-diagonals
    wobble = 0.04 * field((size[1], size[0]), max(size) / 2, rng)
    across = np.cos(angle) * xx + np.sin(angle) * yy + wobble
    if band:
        # A band 0.3-0.5 of the diagonal wide, crossing the middle third.
        centre, half_width = rng.uniform(-0.35, 0.35), rng.uniform(0.3, 0.5)
        depth = half_width - np.abs(across - centre)
    else:
        # A corner: the edge runs 0.3-0.6 half-diagonals in from the far end.
        reach = float(across.max())
        depth = across - (reach - rng.uniform(0.3, 0.6))
    shade = np.clip(depth / penumbra + 0.5, 0, 1)
    shade = shade * shade * (3 - 2 * shade)  # smoothstep: a soft edge
    return (1 - strength * shade).astype(np.float32)


def light_field(size, *, vignetting, uneven, shadow, rng):
    """How much light reaches each pixel, relative to the centre of the picture.

    Parameters
    ----------
    size : (int, int)
        (width, height).
    vignetting : float
        Light lost in the corners of the frame: the gain falls as the square
        of the distance from the centre, to ``1 - vignetting`` in the corners.
    uneven : float
        A lamp to one side: the gain changes linearly across the picture by
        this much from one edge to the other, plus a fifth of that in slow
        blotches.
    shadow : float
        Strength of a soft shadow (see :func:`shadow_field`).
    rng : numpy.random.Generator

    Returns
    -------
    (height, width) float32 ndarray
    """
    xx, yy = _coords(size)
    angle = rng.uniform(0, 2 * np.pi)
    slope = np.cos(angle) * xx + np.sin(angle) * yy  # about -1..1
    blotches = field((size[1], size[0]), max(size) / 3, rng)
    corner = float(np.hypot(xx[0, -1], yy[-1, 0]))  # 1 by construction, up to rounding
    gain = 1 - vignetting * (xx**2 + yy**2) / corner**2
    gain = gain * (1 + uneven * (0.5 * slope + 0.1 * blotches))
    return (gain * shadow_field(size, shadow, rng)).astype(np.float32)


def blur(rgb, sigma):
    """Gaussian blur of ``sigma`` pixels (a lens out of focus, a shaky hand).

    Parameters
    ----------
    rgb : (H, W, 3) float32 ndarray
    sigma : float
        Standard deviation, pixels; 0 or less leaves the image as it is.

    Returns
    -------
    (H, W, 3) float32 ndarray
    """
    if sigma <= 0:
        return rgb
    return cv2.GaussianBlur(rgb, (0, 0), sigma)


def luma(rgb):
    """Grey level (luminance, :data:`LUMA`) of an RGB image.

    Parameters
    ----------
    rgb : (H, W, 3) float ndarray

    Returns
    -------
    (H, W) float ndarray
    """
    if rgb.dtype == np.float32 and rgb.flags.c_contiguous:
        return cv2.transform(rgb, LUMA[None]).reshape(rgb.shape[:2])
    return rgb @ LUMA


def _unit(noise):
    return noise / (noise.std() + 1e-12)


def sensor_noise(rgb, *, sigma, level, rng):
    """Add a camera's noise: photon noise, brighter pixels noisier, in grain and colour.

    The grey level (luminance) of a pixel as bright as ``level`` gets noise
    of standard deviation ``sigma``; darker pixels get less, as the square
    root of their brightness (photon noise, [1]_).  On top, colour noise of
    half that size that leaves the grey level alone, in blotches about two
    pixels wide, as a phone's demosaicing leaves it.

    Parameters
    ----------
    rgb : (H, W, 3) float32 ndarray
    sigma : float
        Standard deviation of the grey level at ``level``.
    level : float
        The paper's grey level.
    rng : numpy.random.Generator

    Returns
    -------
    (H, W, 3) float32 ndarray
    """
    shape = rgb.shape[:2]
    grain = rng.standard_normal(shape, dtype=np.float32)
    grain = _unit(cv2.GaussianBlur(grain, (0, 0), 0.5))
    colour = cv2.GaussianBlur(rng.standard_normal((*shape, 3), dtype=np.float32), (0, 0), 1.0)
    colour -= luma(colour)[..., None]  # no change of grey level
    colour /= colour.std() + 1e-12
    bright = np.clip(luma(rgb) / max(level, 1.0), 0.02, 4.0)
    amp = (sigma * np.sqrt(bright))[..., None]
    return rgb + amp * (grain[..., None] + 0.5 * colour)


def sharpen(rgb, amount):
    """A phone's unsharp mask: ``amount`` times the detail finer than 1.5 px, added.

    It brightens the paper along each stroke (a light halo) and darkens the
    stroke's edge, and it sharpens the noise as well.

    Parameters
    ----------
    rgb : (H, W, 3) float32 ndarray
    amount : float
        0 or less leaves the image as it is.

    Returns
    -------
    (H, W, 3) float32 ndarray
    """
    if amount <= 0:
        return rgb
    return rgb + amount * (rgb - cv2.GaussianBlur(rgb, (0, 0), SHARPEN_RADIUS))


def encode(rgb, quality):
    """Round to uint8 and, unless ``quality`` is None, through JPEG at that quality.

    Parameters
    ----------
    rgb : (H, W, 3) float ndarray
        Grey levels 0-255.
    quality : int or None
        JPEG quality 1-100, or None for no JPEG.

    Returns
    -------
    (H, W, 3) uint8 ndarray
    """
    out = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
    return out if quality is None else _jpeg(out, quality)
