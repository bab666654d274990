"""How a written page reaches the computer: clean, scanned, or photographed.

Each condition has a geometry (a 3x3 homography from the page to the image:
none, a small rotation, or a perspective view) and a look: paper, ink, light,
dust, blur, sensor noise and JPEG compression.  Lengths are given at 300 dpi
and scaled to the page's resolution.
"""

import cv2
import numpy as np

__all__ = ["CONDITIONS", "clean_look", "geometry", "photo_look", "scan_look"]

#: The conditions :func:`~ocrkit.synth.render_page` knows.
CONDITIONS = ("clean", "scan", "photo")


def geometry(condition, size, rng):
    """Homography from page pixels to image pixels, or ``None`` for the identity.

    Parameters
    ----------
    condition : {'clean', 'scan', 'photo'}
    size : (int, int)
        (width, height) of page and image, pixels.
    rng : numpy.random.Generator

    Returns
    -------
    (3, 3) float64 ndarray or None
    """
    w, h = size
    if condition == "clean":
        return None
    if condition == "scan":
        # A page laid on the glass a little askew: within 3 degrees.
        matrix = np.eye(3)
        matrix[:2] = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-3, 3), 1.0)
        matrix[:2, 2] += rng.uniform(-0.004, 0.004, 2) * (w, h)
        return matrix
    # A phone held over the page: each corner lands up to 5% inside the frame
    # (the desk shows) or 1% outside it (the page edge is cut off).
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    inward = rng.uniform(-0.01, 0.05, (4, 2)) * (w, h)
    dst = src + inward * np.float32([[1, 1], [-1, 1], [-1, -1], [1, -1]])
    return cv2.getPerspectiveTransform(src, dst.astype(np.float32))


def field(shape, scale, rng):
    """A smooth random field of zero mean and unit spread, blobs ``scale`` pixels wide.

    Parameters
    ----------
    shape : (int, int)
        (rows, columns).
    scale : float
        Width of the blobs, pixels.
    rng : numpy.random.Generator

    Returns
    -------
    (rows, columns) float32 ndarray
    """
    h, w = shape
    coarse = rng.standard_normal((int(h / scale) + 3, int(w / scale) + 3)).astype(np.float32)
    out = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
    return (out - out.mean()) / (out.std() + 1e-6)


def _grain(shape, sigma, rng):
    """Fine, pixel-scale noise of unit spread (paper fibre, graphite)."""
    noise = cv2.GaussianBlur(rng.standard_normal(shape).astype(np.float32), (0, 0), sigma)
    return noise / (noise.std() + 1e-6)


def _pen_alpha(ink, pen, rng, scale):
    """Opacity of the ink: graphite is grainy and grey, a ballpoint a little uneven."""
    if pen == "pencil":
        return ink * np.clip(0.62 + 0.22 * _grain(ink.shape, 0.7 * scale, rng), 0.15, 1.0)
    if pen == "ballpoint":
        return ink * np.clip(0.9 + 0.05 * field(ink.shape, 40 * scale, rng), 0.7, 1.0)
    return ink * 0.97


def _over(base, alpha, colour):
    """Lay ``colour`` over planar ``base`` (3, H, W) with opacity ``alpha`` (H, W), in place."""
    base *= 1 - alpha
    base += np.float32(colour)[:, None, None] * alpha
    return base


def _jpeg(rgb, quality):
    """Round-trip through JPEG, as scanners and phones store their images."""
    ok, buf = cv2.imencode(".jpg", rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1].copy()


def _finish(out, rng, *, blur, noise, quality):
    """Blur, sensor noise and JPEG on a planar (3, H, W) image; returns (H, W, 3) uint8."""
    grain = noise * rng.standard_normal(out.shape[1:]).astype(np.float32)
    planes = [cv2.GaussianBlur(plane, (0, 0), blur) + grain for plane in out]
    rgb = cv2.merge([np.clip(np.rint(p), 0, 255).astype(np.uint8) for p in planes])
    return _jpeg(rgb, quality)


def clean_look(ink):
    """Black ink on white paper, nothing else: paper is exactly 255.

    Parameters
    ----------
    ink : (H, W) float32 ndarray
        Ink coverage in [0, 1].

    Returns
    -------
    (H, W, 3) uint8 ndarray
    """
    grey = np.rint(255 * (1 - ink)).astype(np.uint8)
    return np.repeat(grey[..., None], 3, axis=2)


def _specks(shape, rng, scale):
    """Dust and toner specks: dark dots, a few larger smudges."""
    h, w = shape
    layer = np.zeros(shape, np.float32)
    n = int(rng.uniform(1.5, 3.0) * h * w / (300 * 300 * scale * scale))
    for _ in range(n):
        centre = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
        big = rng.random() < 0.08
        axes = rng.uniform(1.0, 4.5 if big else 1.8, 2) * scale
        axes = (max(int(axes[0]), 1), max(int(axes[1]), 1))
        cv2.ellipse(
            layer,
            centre,
            axes,
            rng.uniform(0, 180),
            0,
            360,
            float(rng.uniform(0.25, 0.5 if big else 0.9)),
            -1,
            cv2.LINE_AA,
        )
    return cv2.GaussianBlur(layer, (0, 0), 0.6 * scale)


def scan_look(ink, bleed, pen, colour, rng, *, dpi):
    """A flatbed scan: toned, textured paper, dust, a shadow, show-through, JPEG.

    Parameters
    ----------
    ink : (H, W) float32 ndarray
        Ink coverage of the front, already in image coordinates.
    bleed : (H, W) float32 ndarray
        Ink coverage of the back, mirrored, in image coordinates.
    pen : {'ballpoint', 'marker', 'pencil'}
    colour : tuple of 3 int
        Ink RGB.
    rng : numpy.random.Generator
    dpi : float

    Returns
    -------
    (H, W, 3) uint8 ndarray
    """
    shape, s = ink.shape, dpi / 300
    tone = np.float32([247, 244, 236]) + rng.uniform(-5, 3, 3).astype(np.float32)
    texture = (
        2.0 * field(shape, 80 * s, rng)
        + 1.2 * field(shape, 6 * s, rng)
        + 1.0 * _grain(shape, 0.6 * s, rng)
    )
    out = tone[:, None, None] + texture
    # Writing on the back shows through the sheet: blurred, faint, greyish.
    show = cv2.GaussianBlur(bleed, (0, 0), 3.0 * s) * rng.uniform(0.03, 0.06)
    out *= 1 - 0.6 * show
    out = _over(out, _pen_alpha(ink, pen, rng, s), colour)
    out *= 1 - 0.8 * _specks(shape, rng, s)
    # The lid does not press the sheet flat: light falls off down the page and
    # along the edge near the hinge.
    h, w = shape
    down = 1 - rng.uniform(0.05, 0.12) * np.linspace(0, 1, h, dtype=np.float32) ** 1.5
    dist = np.linspace(0, 1, w, dtype=np.float32)
    if rng.random() < 0.5:
        dist = dist[::-1]
    side = 1 - rng.uniform(0.15, 0.3) * np.exp(-dist / 0.03)
    out *= down[:, None] * side[None, :]
    return _finish(out, rng, blur=0.6 * s, noise=1.2, quality=rng.integers(85, 93))


def photo_look(ink, page, pen, colour, rng, *, dpi):
    """A phone photo: grey paper on a desk, uneven light, vignetting, soft focus.

    Parameters
    ----------
    ink : (H, W) float32 ndarray
        Ink coverage in image coordinates.
    page : (H, W) float32 ndarray
        Where the sheet of paper is (1) and where the desk shows (0).
    pen, colour, rng, dpi
        As for :func:`scan_look`.

    Returns
    -------
    (H, W, 3) uint8 ndarray
    """
    shape, s = ink.shape, dpi / 300
    h, w = shape
    paper = np.float32([200, 197, 188]) + rng.uniform(-10, 6, 3).astype(np.float32)
    paper = paper[:, None, None] + 1.5 * field(shape, 40 * s, rng)
    desk = np.float32([92, 76, 62]) + rng.uniform(-15, 15, 3).astype(np.float32)
    # Wood: streaks along the grain and a slow change of tone.
    grain = cv2.resize(rng.standard_normal((max(h // 60, 2), w)).astype(np.float32), (w, h))
    desk = desk[:, None, None] + 6 * grain + 8 * field(shape, 150 * s, rng)
    out = desk * (1 - page) + paper * page
    # The camera sees ink lighter and less saturated than a scanner does.
    ink_colour = 0.7 * np.float32(colour) + 30
    out = _over(out, _pen_alpha(ink, pen, rng, s), ink_colour)
    xx = (np.arange(w, dtype=np.float32) / w - 0.5)[None, :]
    yy = (np.arange(h, dtype=np.float32) / h - 0.5)[:, None]
    gx, gy = rng.uniform(-0.3, 0.3, 2)
    light = 1 + 0.06 * field(shape, w, rng) + gx * xx + gy * yy
    cx, cy = rng.uniform(-0.15, 0.15, 2)
    vignette = 1 - rng.uniform(0.25, 0.4) * ((xx - cx) ** 2 + (yy - cy) ** 2) / 0.5
    out *= light * vignette
    return _finish(
        out, rng, blur=rng.uniform(1.0, 1.5) * s, noise=2.5, quality=rng.integers(84, 91)
    )
