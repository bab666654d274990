"""Read and write image files: PNG, JPEG, TIFF, BMP and WebP.

:func:`read_image` turns a file into the one kind of array the rest of ocrkit
expects: ``uint8``, ``(H, W)`` grey or ``(H, W, 3)`` RGB, upright, on white
paper.  It works in four steps, each able to refuse the file with an
:class:`~ocrkit.errors.ImageReadError` that names the file and the problem:

1. Recognise the format from the first bytes and read the header with
   Pillow, which parses it without decoding the pixels.  The header gives
   the size, checked against ``max_pixels`` before the rest of the file is
   read or any pixel memory allocated, and the EXIF orientation.
2. Read the whole file with :func:`open`, so that names with accents or CJK
   characters work on every operating system (``cv2.imread`` cannot open
   them on Windows), and check that it is complete: a JPEG must reach its
   end-of-image marker, a PNG its ``IEND`` chunk, a WebP the length its
   header declares.
3. Decode the pixels from memory with ``cv2.imdecode(..., IMREAD_UNCHANGED)``,
   which keeps the file's bit depth, alpha and grey-or-colour layout.
4. Normalise: blend transparency onto white, scale 16-bit samples to 8 bits,
   swap OpenCV's BGR to RGB and turn the pixels upright.

:func:`image_size` stops after step 1; :func:`write_image` writes PNG or JPEG.
"""

import contextlib
import numbers
import os
import threading
import warnings
from collections import namedtuple
from pathlib import Path

import cv2
import numpy as np
from PIL import (
    BmpImagePlugin,
    ExifTags,
    Image,
    JpegImagePlugin,
    PngImagePlugin,
    TiffImagePlugin,
)

from .errors import ImageReadError, ImageTooLargeError, ImageWriteError, OptionError

__all__ = ["MAX_PIXELS", "read_image", "image_size", "write_image"]

#: Default of ``max_pixels``: a page scanned at 600 dpi (about 35 million
#: pixels) passes, a decompression bomb does not.
MAX_PIXELS = 80_000_000

_FORMATS = "PNG, JPEG, TIFF, BMP or WebP"

# How each supported format starts.  WebP ("RIFF", 4-byte length, "WEBP") is
# recognised separately because its signature has a gap.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"II+\x00", "TIFF"),  # BigTIFF
    (b"MM\x00+", "TIFF"),
    (b"BM", "BMP"),
)

# Files that people mistake for images, recognised by how they start.
_NOT_IMAGES = (
    (b"version https://git-lfs", "is a Git LFS pointer, not the image; run `git lfs pull`"),
    (b"%PDF", "is a PDF document, not an image; export the page as PNG"),
    (b"GIF8", "is a GIF image, which ocrkit does not read; convert it to PNG"),
    (b"<!doctype html", "is a web page, not an image; download the image itself"),
    (b"<html", "is a web page, not an image; download the image itself"),
)
_HEIF_BRANDS = {b"heic", b"heix", b"mif1", b"msf1", b"avif"}

# Pillow's parser for each format, used for the header only.  Calling the
# plugin class directly (rather than Image.open) skips Pillow's own
# decompression-bomb check, which would warn or raise its own error type
# before we could apply max_pixels and say the size.
_PILLOW_PARSERS = {
    "PNG": PngImagePlugin.PngImageFile,
    "JPEG": JpegImagePlugin.JpegImageFile,
    "TIFF": TiffImagePlugin.TiffImageFile,
    "BMP": BmpImagePlugin.BmpImageFile,
}

# EXIF orientation -> (transpose, flip rows, flip columns) that makes the
# pixels upright; the same transforms as PIL.ImageOps.exif_transpose.
_ORIENTATIONS = {
    1: (False, False, False),
    2: (False, False, True),
    3: (False, True, True),
    4: (False, True, False),
    5: (True, False, False),
    6: (True, False, True),  # rotate 90 degrees clockwise
    7: (True, True, True),
    8: (True, True, False),  # rotate 90 degrees counter-clockwise
}

_WRITE_EXTENSIONS = {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg"}
_JPEG_QUALITY = 95

_Header = namedtuple(
    "_Header", ["format", "width", "height", "orientation", "grey", "associated_alpha"]
)


def read_image(path, *, max_pixels=MAX_PIXELS):
    """Read an image file into a uint8 array: (H, W) grey or (H, W, 3) RGB.

    Reads PNG, JPEG, TIFF, BMP and WebP, whatever the characters in the
    file name.  The array is normalised for digit reading:

    * 16-bit samples keep their high byte (``v >> 8``), so 65535 becomes 255
      and a 16-bit copy of an 8-bit image (``v * 257``) reads back exactly.
    * Transparency is blended onto white: a transparent background in a
      scan is blank paper.
    * Palette images come back as RGB; grey files stay (H, W) and colour
      files stay (H, W, 3) even when every pixel is grey.
    * Channels are in RGB order (OpenCV's own functions use BGR).
    * Phone photos are turned upright by their EXIF orientation (1-8).

    Parameters
    ----------
    path : str or pathlib.Path
        The image file.
    max_pixels : int, optional
        Refuse images whose header declares more pixels than this, before
        decoding them.  The default admits a page scanned at 600 dpi.

    Returns
    -------
    image : (H, W) or (H, W, 3) ndarray of uint8
        The pixels, upright, in RGB order.

    Raises
    ------
    ImageTooLargeError
        If the header declares more than `max_pixels` pixels.
    ImageReadError
        If the file is missing, a directory, empty, not an image in a
        supported format, truncated, damaged, has no pixels or has samples
        other than 8- or 16-bit integers.  The message is one line that
        starts with `path` as given.
    TypeError
        If `path` is not a str or path object.
    OptionError
        If `max_pixels` is not a positive integer.

    Examples
    --------
    >>> import tempfile
    >>> page = np.full((40, 30), 255, np.uint8)
    >>> path = Path(tempfile.mkdtemp()) / "page.png"
    >>> write_image(path, page)
    >>> read_image(path).shape
    (40, 30)
    """
    _check_path_type(path)
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, numbers.Integral):
        raise OptionError(
            f"max_pixels must be a whole number, got {max_pixels!r} (write 100_000_000, not 1e8)"
        )
    if max_pixels < 1:
        raise OptionError(f"max_pixels must be at least 1, got {max_pixels}")

    _check_not_directory(path)
    try:
        with open(path, "rb") as fh:
            header = _read_header(path, fh)
            if header.width * header.height > max_pixels:
                raise ImageTooLargeError(
                    f"{path}: image is {header.width} x {header.height} = "
                    f"{header.width * header.height:,} pixels, more than "
                    f"max_pixels={max_pixels:,}; scan at a lower resolution "
                    "(300 dpi is plenty) or pass a larger max_pixels"
                )
            fh.seek(0)
            data = fh.read()
    except OSError as exc:
        raise _file_error(path, exc) from None
    _check_complete(path, data, header.format)
    decoded = _decode(path, data, header.format)
    image = _to_rgb8(path, decoded, header)
    # OpenCV's TIFF decoder applies the TIFF orientation tag itself,
    # whatever the flags; the other decoders leave it to us.
    if header.format != "TIFF":
        image = _apply_orientation(image, header.orientation)
    return np.ascontiguousarray(image)


def image_size(path):
    """Width and height of an image file, read from its header only.

    Parameters
    ----------
    path : str or pathlib.Path
        A PNG, JPEG, TIFF, BMP or WebP file.

    Returns
    -------
    width, height : int
        The size of the array :func:`read_image` returns, that is after the
        EXIF orientation: a portrait phone photo stored sideways gives
        ``width < height``.

    Raises
    ------
    ImageReadError
        If the file is missing, a directory, empty, not an image in a
        supported format, or its header is damaged or declares no pixels.
        The pixel data is not checked, so a truncated file still has a size.
    TypeError
        If `path` is not a str or path object.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "wide.png"
    >>> write_image(path, np.zeros((20, 50), np.uint8))
    >>> image_size(path)
    (50, 20)
    """
    _check_path_type(path)
    _check_not_directory(path)
    try:
        with open(path, "rb") as fh:
            header = _read_header(path, fh)
    except OSError as exc:
        raise _file_error(path, exc) from None
    if header.orientation >= 5:  # orientations 5-8 swap rows and columns
        return header.height, header.width
    return header.width, header.height


def write_image(path, image):
    """Write a uint8 grey or RGB image to a PNG or JPEG file.

    The format follows the extension (``.png``, ``.jpg`` or ``.jpeg``, in any
    case); JPEG is written at quality 95.  The file name may contain any
    characters.  The folder must exist already: ``write_image`` creates no
    folders, so a typo in the folder name is reported rather than silently
    creating a new tree.

    Parameters
    ----------
    path : str or pathlib.Path
        The file to write; an existing file is replaced.
    image : (H, W) or (H, W, 3) ndarray of uint8
        Grey or RGB pixels, as :func:`read_image` returns them.

    Raises
    ------
    ImageWriteError
        If the extension is not PNG or JPEG, the folder does not exist,
        `path` is a directory, or the file cannot be written.
    TypeError
        If `path` is not a str or path object, or `image` not an ndarray.
    OptionError
        If `image` is not uint8, or not (H, W) or (H, W, 3), or empty.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "dot.png"
    >>> write_image(path, np.zeros((1, 1, 3), np.uint8))
    >>> read_image(path).tolist()
    [[[0, 0, 0]]]
    """
    _check_path_type(path)
    extension = _WRITE_EXTENSIONS.get(os.path.splitext(os.fspath(path))[1].lower())
    if extension is None:
        raise ImageWriteError(f"{path}: cannot choose a format; end the name with .png or .jpg")
    if not isinstance(image, np.ndarray):
        raise TypeError(f"image must be a numpy array, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise OptionError(
            f"image has dtype {image.dtype}, but write_image takes uint8; "
            "convert it with skimage.util.img_as_ubyte(image)"
        )
    if not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3)):
        raise OptionError(
            f"image has shape {image.shape}, but write_image takes (H, W) grey "
            "or (H, W, 3) RGB; drop an alpha channel with image[..., :3]"
        )
    if image.size == 0:
        raise OptionError(f"image has shape {image.shape}, which has no pixels")
    folder = Path(os.path.abspath(path)).parent
    if not folder.is_dir():
        raise ImageWriteError(f"{path}: folder {folder} does not exist; create it first")
    if os.path.isdir(path):
        raise ImageWriteError(f"{path}: is a directory; give a file name ending in .png or .jpg")

    pixels = image if image.ndim == 2 else image[..., ::-1]  # OpenCV encodes BGR
    params = [cv2.IMWRITE_JPEG_QUALITY, _JPEG_QUALITY] if extension == ".jpg" else []
    # Encode in memory, then write the bytes ourselves: cv2.imwrite cannot
    # open non-ASCII paths on Windows, and a failed encoding leaves no file.
    try:
        ok, encoded = cv2.imencode(extension, np.ascontiguousarray(pixels), params)
    except cv2.error:
        ok = False
    if not ok:
        raise ImageWriteError(f"{path}: OpenCV could not encode the image as {extension}")
    try:
        with open(path, "wb") as fh:
            fh.write(encoded.tobytes())
    except PermissionError:
        raise ImageWriteError(
            f"{path}: permission denied; choose a folder you can write to"
        ) from None
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.remove(path)  # do not leave half a file behind
        raise ImageWriteError(f"{path}: cannot write the file ({exc.strerror or exc})") from None


def _check_path_type(path):
    """Refuse anything but a str or path object, before touching the disk."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}")


def _check_not_directory(path):
    # Checked before open() because Windows reports a directory as
    # "permission denied", which would send the user looking in the wrong place.
    if os.path.isdir(path):
        raise ImageReadError(f"{path}: is a directory, not an image file")


def _file_error(path, exc):
    """The ImageReadError for an OSError raised while opening or reading `path`."""
    if isinstance(exc, FileNotFoundError):
        where = "" if os.path.isabs(path) else f" (relative paths start at {Path.cwd()})"
        return ImageReadError(f"{path}: no such file; check the name and folder{where}")
    if isinstance(exc, PermissionError):
        return ImageReadError(f"{path}: permission denied; check the file's permissions")
    return ImageReadError(f"{path}: cannot read the file ({exc.strerror or exc})")


def _identify(path, head):
    """The format of a file from its first bytes: 'PNG', 'JPEG', 'TIFF', 'BMP' or 'WebP'."""
    if not head:
        raise ImageReadError(f"{path}: the file is empty (0 bytes); copy or download it again")
    for signature, fmt in _SIGNATURES:
        if head.startswith(signature):
            return fmt
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    start = head[:32].lstrip().lower()
    for signature, problem in _NOT_IMAGES:
        if start.startswith(signature.lower()):
            raise ImageReadError(f"{path}: {problem}")
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        raise ImageReadError(
            f"{path}: is a HEIC/AVIF photo, which ocrkit does not read; export it as JPEG"
        )
    raise ImageReadError(f"{path}: not an image: cannot decode it as {_FORMATS}")


def _read_header(path, fh):
    """Size, orientation and layout of the image file open as `fh`, without decoding pixels."""
    fmt = _identify(path, fh.read(64))
    fh.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns about oddities such as corrupt EXIF; the header
            # is either usable or refused below, so the warnings add nothing.
            warnings.simplefilter("ignore")
            header = _webp_header(fh) if fmt == "WebP" else _pillow_header(fh, fmt)
    # Pillow reports a bad header with many exception types (SyntaxError,
    # OSError, struct.error, ValueError, ...); all mean the same here.
    except Exception:
        raise ImageReadError(
            f"{path}: damaged or truncated {fmt} file: cannot read its header; get the file again"
        ) from None
    if header.width < 1 or header.height < 1:
        raise ImageReadError(
            f"{path}: has no pixels (its header says {header.width} x {header.height})"
        )
    return header


def _pillow_header(fh, fmt):
    """Read a PNG, JPEG, TIFF or BMP header with Pillow's parser for that format."""
    image = _PILLOW_PARSERS[fmt](fh)
    width, height = image.size
    associated_alpha = False
    if fmt == "TIFF":
        # Pillow reports a TIFF's size already turned by its orientation tag;
        # keep the stored size, as for every other format.
        width = image.tag_v2[TiffImagePlugin.IMAGEWIDTH]
        height = image.tag_v2[TiffImagePlugin.IMAGELENGTH]
        extra_samples = image.tag_v2.get(TiffImagePlugin.EXTRASAMPLES, ())
        # ExtraSamples 1 means the colour is already multiplied by alpha.
        associated_alpha = extra_samples == 1 or (
            isinstance(extra_samples, tuple) and 1 in extra_samples
        )
    return _Header(
        format=fmt,
        width=width,
        height=height,
        orientation=_pillow_orientation(image, fmt),
        grey=Image.getmodebase(image.mode) == "L",
        associated_alpha=associated_alpha,
    )


def _pillow_orientation(image, fmt):
    # Pillow looks for a PNG eXIf chunk after the pixels by decoding them
    # all; an eXIf chunk before the pixels (where writers put it) is enough.
    if fmt == "PNG" and "exif" not in image.info:
        return 1
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # a damaged EXIF block should not cost the pixels
        return 1
    return value if value in _ORIENTATIONS else 1


def _exif_orientation(blob):
    """The orientation tag of a raw EXIF block, 1 if absent or unreadable."""
    exif = Image.Exif()
    try:
        exif.load(blob)
        value = exif.get(ExifTags.Base.Orientation, 1)
    except Exception:  # a damaged EXIF block should not cost the pixels
        return 1
    return value if value in _ORIENTATIONS else 1


def _webp_header(fh):
    """Read a WebP header from its RIFF chunks.

    Pillow's WebP parser allocates the whole canvas while reading the header,
    which would defeat the max_pixels check, so the few fields needed are
    read here (layout from the WebP container specification).
    """
    riff = fh.read(12)
    if len(riff) < 12:
        raise ValueError("RIFF header cut short")
    size = None
    orientation = 1
    while True:
        chunk = fh.read(8)
        if len(chunk) < 8:
            break
        fourcc, length = chunk[:4], int.from_bytes(chunk[4:], "little")
        start = fh.tell()
        if size is None and fourcc == b"VP8X":  # extended: 24-bit canvas size minus one
            data = fh.read(10)
            if len(data) < 10:
                raise ValueError("VP8X chunk cut short")
            size = (
                int.from_bytes(data[4:7], "little") + 1,
                int.from_bytes(data[7:10], "little") + 1,
            )
        elif size is None and fourcc == b"VP8L":  # lossless: 14-bit sizes minus one
            data = fh.read(5)
            if len(data) < 5 or data[0] != 0x2F:
                raise ValueError("bad VP8L signature")
            bits = int.from_bytes(data[1:5], "little")
            size = ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        elif size is None and fourcc == b"VP8 ":  # lossy: 14-bit sizes after a start code
            data = fh.read(10)
            if len(data) < 10 or data[3:6] != b"\x9d\x01\x2a":
                raise ValueError("bad VP8 start code")
            size = (
                int.from_bytes(data[6:8], "little") & 0x3FFF,
                int.from_bytes(data[8:10], "little") & 0x3FFF,
            )
        elif fourcc == b"EXIF":
            orientation = _exif_orientation(fh.read(length))
        fh.seek(start + length + (length & 1))  # chunks are padded to even length
    if size is None:
        raise ValueError("no image chunk")
    return _Header("WebP", size[0], size[1], orientation, grey=False, associated_alpha=False)


def _check_complete(path, data, fmt):
    """Refuse files that stop early.

    Decoders differ on truncated files: some OpenCV versions return a JPEG
    with its missing part grey, and Pillow accepts a PNG cut after its
    pixels.  Checking the file's own structure gives one answer everywhere.
    """
    again = "the copy or download was cut short, so get the file again"
    if fmt == "JPEG":
        scan = _jpeg_first_scan(data)
        # Inside compressed data every 0xFF byte is followed by 0x00 or a
        # restart marker, so the first FF D9 after the scan starts is the
        # end-of-image marker; bytes after it (phone makers' extras) are fine.
        if scan < 0 or data.find(b"\xff\xd9", scan) < 0:
            raise ImageReadError(
                f"{path}: truncated JPEG: the data stops before the end-of-image marker; {again}"
            )
    elif fmt == "PNG":
        if not _png_has_end(data):
            raise ImageReadError(
                f"{path}: truncated PNG: the data stops before the IEND chunk; {again}"
            )
    elif fmt == "WebP":
        declared = int.from_bytes(data[4:8], "little") + 8
        if declared > len(data):
            raise ImageReadError(
                f"{path}: truncated WebP: the header declares {declared:,} bytes "
                f"but the file has {len(data):,}; {again}"
            )


def _jpeg_first_scan(data):
    """Offset of the first start-of-scan marker, or -1 if the data ends first."""
    pos = 2  # after the start-of-image marker
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return -1
        marker = data[pos + 1]
        if marker == 0xDA:
            return pos
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
        elif marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            pos += 2
        else:  # the segment length counts its own two bytes
            pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return -1


def _png_has_end(data):
    """Whether the PNG chunks (length, type, data, CRC) run whole up to IEND."""
    pos = 8  # after the signature
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        if data[pos + 4 : pos + 8] == b"IEND":
            return True
        pos += 12 + length
    return False


class _QuietOpenCV:
    """Silence OpenCV's log while decoding; its failures become one-line errors.

    The log level is process-wide, so nested and concurrent decodes share one
    silence and the level is restored when the last of them ends.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._depth = 0
        self._saved = None

    def __enter__(self):
        with self._lock:
            if self._depth == 0:
                self._saved = cv2.utils.logging.getLogLevel()
                cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
            self._depth += 1

    def __exit__(self, *exc_info):
        with self._lock:
            self._depth -= 1
            if self._depth == 0:
                cv2.utils.logging.setLogLevel(self._saved)


_quiet_opencv = _QuietOpenCV()


def _decode(path, data, fmt):
    """Decode with OpenCV, keeping depth, alpha and channel count as stored."""
    with _quiet_opencv:
        try:
            decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        except cv2.error:
            decoded = None
    if decoded is None or decoded.size == 0:
        raise ImageReadError(
            f"{path}: damaged or truncated {fmt} file: cannot decode its pixels; "
            "get the file again, or open and re-save it in an image editor"
        )
    return decoded


def _to_rgb8(path, decoded, header):
    """OpenCV's decoded array as uint8 grey or RGB, transparency on white."""
    if decoded.dtype not in (np.uint8, np.uint16):
        raise ImageReadError(
            f"{path}: has {decoded.dtype} samples, but ocrkit reads 8- and 16-bit "
            "images; save it as an 8-bit image"
        )
    image = decoded if decoded.ndim == 3 else decoded[..., np.newaxis]
    if image.shape[2] not in (1, 2, 3, 4):
        raise ImageReadError(
            f"{path}: has {image.shape[2]} channels, but ocrkit reads grey, RGB "
            "and RGBA images; save it as RGB"
        )
    if image.shape[2] in (2, 4):
        # OpenCV reads 8-bit TIFF through libtiff's RGBA interface, which
        # multiplies colour by alpha; 16-bit TIFF samples come as stored.
        premultiplied = header.format == "TIFF" and (
            image.dtype == np.uint8 or header.associated_alpha
        )
        image = _composite_on_white(image, premultiplied=premultiplied)
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    if image.shape[2] == 1:
        return image[..., 0]
    # cvtColor, not image[..., ::-1]: copying a reversed view of a 300-dpi
    # page costs more than decoding it.
    image = np.ascontiguousarray(image)
    if header.grey:  # grey with alpha, which OpenCV expands to BGRA
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _composite_on_white(image, *, premultiplied):
    """Blend the colour channels onto white by the last channel, alpha.

    Integer arithmetic in twice the sample width is exact and cannot
    overflow: colour * alpha + top * (top - alpha) is at most top**2.
    """
    top = np.iinfo(image.dtype).max
    wide = np.uint16 if image.dtype == np.uint8 else np.uint32
    colour = image[..., :-1].astype(wide)
    alpha = image[..., -1:].astype(wide)
    if premultiplied:
        blended = np.minimum(colour + (top - alpha), top)
    else:
        blended = (colour * alpha + top * (top - alpha) + top // 2) // top
    return blended.astype(image.dtype)


def _apply_orientation(image, orientation):
    """Turn the pixels upright according to an EXIF orientation (1-8)."""
    transpose, flip_rows, flip_columns = _ORIENTATIONS[orientation]
    if transpose:
        image = image.swapaxes(0, 1)
    if flip_rows:
        image = image[::-1]
    if flip_columns:
        image = image[:, ::-1]
    return image
