"""Tests of ocrkit.imageio on small images whose pixels are known by construction."""

import re
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

from ocrkit.errors import (
    ImageReadError,
    ImageTooLargeError,
    ImageWriteError,
    OcrkitError,
    OptionError,
)
from ocrkit.imageio import image_size, read_image, write_image

# Any warning (Pillow's decompression-bomb warning, corrupt EXIF, ...) fails the test.
pytestmark = pytest.mark.filterwarnings("error")

LOSSLESS = {"png": {}, "tiff": {}, "bmp": {}, "webp": {"lossless": True}}


def _rgb(height=12, width=16):
    """An RGB pattern; at the default size no two pixels and no two channels are equal."""
    rows, cols = np.mgrid[0:height, 0:width]
    return (np.dstack([rows * 20, cols * 15, rows * 7 + cols * 11]) % 256).astype(np.uint8)


def _grey(height=12, width=16):
    """A grey ramp, 0, 1, 2, ... row by row."""
    return (np.arange(height * width) % 256).astype(np.uint8).reshape(height, width)


def _save(path, array, **options):
    """Write `array` with Pillow, independently of the code under test."""
    Image.fromarray(array).save(path, **options)
    return path


def _png_chunk(kind, payload):
    crc = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _png_claiming(width, height):
    """A grey PNG whose header claims width x height but holds almost no data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + _png_chunk(b"IEND", b"")
    )


def _claiming(path, width, height):
    """A small image file, saved by Pillow, whose header is edited to claim width x height."""
    ext = path.suffix[1:]
    data = bytearray(_save(path, _grey(8, 8), **LOSSLESS.get(ext, {})).read_bytes())
    if ext == "png":
        data[16:24] = struct.pack(">II", width, height)  # IHDR
        data[29:33] = struct.pack(">I", zlib.crc32(data[12:29]))
    elif ext == "jpg":
        sof = data.index(b"\xff\xc0")  # baseline frame header: height, then width
        data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    elif ext == "bmp":
        data[18:26] = struct.pack("<ii", width, height)
    elif ext == "webp":  # lossless bitstream: 14-bit width and height, each minus one
        bits = int.from_bytes(data[21:25], "little") & ~((1 << 28) - 1)
        data[21:25] = (bits | (width - 1) | (height - 1) << 14).to_bytes(4, "little")
    elif ext == "tiff":  # little-endian IFD entries: tag, type, count, value
        ifd = struct.unpack_from("<I", data, 4)[0]
        for entry in range(ifd + 2, ifd + 2 + 12 * struct.unpack_from("<H", data, ifd)[0], 12):
            tag, kind = struct.unpack_from("<HH", data, entry)
            if tag in (256, 257):
                struct.pack_into(
                    "<H" if kind == 3 else "<I", data, entry + 8, width if tag == 256 else height
                )
    path.write_bytes(bytes(data))
    return path


def _match(path, problem):
    """A pytest.raises pattern: the file name, then the problem, on one line."""
    return rf"^[^\n]*{re.escape(str(path))}: [^\n]*{problem}[^\n]*$"


# Round trips


@pytest.mark.parametrize("ext", sorted(LOSSLESS))
def test_lossless_formats_round_trip_rgb_exactly(tmp_path, ext):
    rgb = _rgb()
    path = _save(tmp_path / f"page.{ext}", rgb, **LOSSLESS[ext])
    out = read_image(path)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, rgb)


@pytest.mark.parametrize("ext", ["png", "tiff", "bmp"])
def test_grey_files_read_as_two_dimensional(tmp_path, ext):
    grey = _grey()
    out = read_image(_save(tmp_path / f"page.{ext}", grey))
    np.testing.assert_array_equal(out, grey)


def test_jpeg_round_trips_approximately(tmp_path):
    rgb = np.repeat(np.repeat(_rgb(6, 8), 4, axis=0), 4, axis=1)  # smooth enough for JPEG
    out = read_image(_save(tmp_path / "page.jpg", rgb, quality=95))
    assert out.shape == rgb.shape
    assert np.abs(out.astype(int) - rgb).mean() < 4


def test_grey_jpeg_reads_as_two_dimensional(tmp_path):
    grey = np.kron(_grey(6, 8), np.ones((4, 4), np.uint8))
    out = read_image(_save(tmp_path / "page.jpg", grey, quality=95))
    assert out.shape == grey.shape
    assert np.abs(out.astype(int) - grey).mean() < 4


def test_colour_file_with_equal_channels_stays_colour(tmp_path):
    grey = _grey()
    out = read_image(_save(tmp_path / "page.png", np.dstack([grey, grey, grey])))
    assert out.shape == (*grey.shape, 3)


def test_channels_come_in_rgb_order(tmp_path):
    red = np.zeros((2, 3, 3), np.uint8)
    red[..., 0] = 255
    np.testing.assert_array_equal(read_image(_save(tmp_path / "red.png", red)), red)


def test_one_pixel_image_is_readable(tmp_path):
    out = read_image(_save(tmp_path / "dot.png", np.array([[7]], np.uint8)))
    np.testing.assert_array_equal(out, [[7]])


def test_path_may_be_str(tmp_path):
    path = _save(tmp_path / "page.png", _grey())
    np.testing.assert_array_equal(read_image(str(path)), _grey())


# Bit depth, transparency, palettes

SIXTEEN = np.array([[0, 255, 256, 257 * 100], [32767, 32768, 65280, 65535]], np.uint16)
SIXTEEN_AS_8 = np.array([[0, 0, 1, 100], [127, 128, 255, 255]], np.uint8)


@pytest.mark.parametrize("ext", ["png", "tiff"])
def test_sixteen_bit_grey_keeps_the_high_byte(tmp_path, ext):
    path = _save(tmp_path / f"deep.{ext}", SIXTEEN)  # Pillow stores uint16 as I;16
    out = read_image(path)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, SIXTEEN_AS_8)


@pytest.mark.parametrize("ext", ["png", "tiff"])
def test_sixteen_bit_rgb_keeps_the_high_byte(tmp_path, ext):
    rgb = np.dstack([SIXTEEN, SIXTEEN[::-1], SIXTEEN[:, ::-1]])
    path = tmp_path / f"deep.{ext}"
    ok, encoded = cv2.imencode(f".{ext}", rgb[..., ::-1])  # OpenCV writes BGR
    assert ok
    path.write_bytes(encoded.tobytes())
    want = np.dstack([SIXTEEN_AS_8, SIXTEEN_AS_8[::-1], SIXTEEN_AS_8[:, ::-1]])
    np.testing.assert_array_equal(read_image(path), want)


def _on_white(rgba):
    """Straight-alpha compositing onto white, rounded: the answer by definition."""
    colour, alpha = rgba[..., :3].astype(float), rgba[..., 3:].astype(float) / 255
    return np.round(colour * alpha + 255 * (1 - alpha)).astype(np.uint8)


def _rgba():
    rgba = np.zeros((4, 6, 4), np.uint8)
    rgba[..., :3] = _rgb(4, 6)
    rgba[..., 3] = [[0, 255, 128, 64, 200, 1]] * 4  # transparent, opaque, in between
    return rgba


@pytest.mark.parametrize("ext", ["png", "webp"])
def test_transparency_is_blended_onto_white(tmp_path, ext):
    rgba = _rgba()
    # exact=True: WebP would otherwise discard the colour under transparent pixels.
    options = {"lossless": True, "exact": True} if ext == "webp" else {}
    path = _save(tmp_path / f"ink.{ext}", rgba, **options)
    out = read_image(path)
    np.testing.assert_array_equal(out, _on_white(rgba))
    assert (out[:, 0] == 255).all()  # fully transparent is blank paper


def test_transparent_tiff_is_blended_onto_white(tmp_path):
    # OpenCV hands back 8-bit TIFF colour already multiplied by alpha; the
    # blend differs from the exact one by rounding only.
    rgba = _rgba()
    out = read_image(_save(tmp_path / "ink.tiff", rgba))
    assert np.abs(out.astype(int) - _on_white(rgba)).max() <= 1


def test_sixteen_bit_transparency_is_blended_before_scaling(tmp_path):
    bgra = np.zeros((1, 3, 4), np.uint16)  # black ink
    bgra[0, :, 3] = [0, 65535, 32768]
    ok, encoded = cv2.imencode(".png", bgra)
    assert ok
    path = tmp_path / "deep_alpha.png"
    path.write_bytes(encoded.tobytes())
    np.testing.assert_array_equal(read_image(path)[0, :, 0], [255, 0, 127])


def test_grey_with_alpha_stays_grey(tmp_path):
    grey_alpha = np.dstack([np.full((3, 4), 40, np.uint8), np.array([[0, 255, 128, 255]] * 3)])
    out = read_image(_save(tmp_path / "ink.png", grey_alpha.astype(np.uint8)))  # mode LA
    assert out.shape == (3, 4)
    np.testing.assert_array_equal(out[0], [255, 40, 147, 40])


def test_palette_png_reads_as_rgb(tmp_path):
    palette = [255, 255, 255, 200, 0, 0, 0, 0, 90]  # white, red, dark blue
    indices = np.array([[0, 1, 2], [2, 1, 0]], np.uint8)
    image = Image.fromarray(indices, "P")
    image.putpalette(palette)
    image.save(tmp_path / "palette.png")
    colours = np.array(palette, np.uint8).reshape(3, 3)
    np.testing.assert_array_equal(read_image(tmp_path / "palette.png"), colours[indices])


# EXIF orientation


def _oriented(path, array, orientation, **options):
    """Save `array` tagged with an EXIF orientation; return what a viewer shows."""
    image = Image.fromarray(array)
    exif = Image.Exif()
    exif[0x0112] = orientation
    if path.suffix == ".tiff":
        image.save(path, tiffinfo={0x0112: orientation}, **options)
    else:
        image.save(path, exif=exif, **options)
    image.getexif()[0x0112] = orientation
    return np.asarray(ImageOps.exif_transpose(image))


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("ext", ["png", "tiff", "webp"])
def test_exif_orientation_matches_pillow(tmp_path, ext, orientation):
    path = tmp_path / f"photo.{ext}"
    upright = _oriented(path, _rgb(4, 6), orientation, **LOSSLESS[ext])
    np.testing.assert_array_equal(read_image(path), upright)
    assert image_size(path) == (upright.shape[1], upright.shape[0])


@pytest.mark.parametrize(
    ("orientation", "corner"),
    [
        (6, (slice(0, 16), slice(-16, None))),
        (3, (slice(-16, None), slice(-16, None))),
        (8, (slice(-16, None), slice(0, 16))),
    ],
)
def test_jpeg_exif_orientation_turns_the_photo_upright(tmp_path, orientation, corner):
    # Stored: 32 rows x 48 columns, white block in the top-left corner.
    stored = np.zeros((32, 48), np.uint8)
    stored[:16, :16] = 255
    path = tmp_path / "photo.jpg"
    _oriented(path, stored, orientation, quality=95)
    out = read_image(path)
    assert out.shape == ((48, 32) if orientation in (6, 8) else (32, 48))
    white = np.zeros(out.shape, bool)
    white[corner] = True
    assert out[white].mean() > 240
    assert out[~white].mean() < 15


# Non-ASCII paths


def test_non_ascii_path_is_read(tmp_path):
    path = _save(tmp_path / "página_数字.png", _rgb())
    np.testing.assert_array_equal(read_image(path), _rgb())
    assert image_size(path) == (16, 12)


def test_non_ascii_path_is_written(tmp_path):
    folder = tmp_path / "fólder_数字"
    folder.mkdir()
    path = folder / "página_数字.png"
    write_image(path, _rgb())
    with Image.open(path) as written:
        np.testing.assert_array_equal(np.asarray(written), _rgb())


# Bad input


def test_text_file_named_png_is_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("seven, three, nine\n")
    with pytest.raises(ImageReadError, match=_match(path, "not an image: cannot decode")):
        read_image(path)


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    with pytest.raises(ImageReadError, match=_match(path, "empty")):
        read_image(path)


@pytest.mark.parametrize("keep", [0.1, 0.67, 0.99])  # in the header, the scan, near the end
def test_truncated_jpeg_is_refused(tmp_path, keep):
    data = _save(tmp_path / "whole.jpg", _rgb(64, 64)).read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ImageReadError, match=_match(path, "truncated JPEG")):
        read_image(path)


def test_jpeg_without_its_end_marker_is_truncated(tmp_path):
    data = _save(tmp_path / "whole.jpg", _rgb(64, 64)).read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[:-2])
    with pytest.raises(ImageReadError, match=_match(path, "truncated JPEG")):
        read_image(path)


def test_jpeg_with_bytes_after_its_end_is_read(tmp_path):
    path = _save(tmp_path / "extra.jpg", _rgb(64, 64))
    path.write_bytes(path.read_bytes() + b"camera maker trailer")
    assert read_image(path).shape == (64, 64, 3)


def test_truncated_png_is_refused(tmp_path):
    data = _save(tmp_path / "whole.png", _rgb(64, 64)).read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(data[:-20])
    with pytest.raises(ImageReadError, match=_match(path, "truncated PNG")):
        read_image(path)


def test_truncated_webp_is_refused(tmp_path):
    data = _save(tmp_path / "whole.webp", _rgb(64, 64), lossless=True).read_bytes()
    path = tmp_path / "cut.webp"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageReadError, match=_match(path, "truncated WebP")):
        read_image(path)


@pytest.mark.parametrize("ext", ["tiff", "bmp"])
def test_truncated_tiff_or_bmp_is_refused(tmp_path, ext):
    data = _save(tmp_path / f"whole.{ext}", _rgb(64, 64)).read_bytes()
    path = tmp_path / f"cut.{ext}"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageReadError, match=_match(path, "damaged or truncated")):
        read_image(path)


def test_directory_is_refused(tmp_path):
    folder = tmp_path / "scans.png"
    folder.mkdir()
    with pytest.raises(ImageReadError, match=_match(folder, "is a directory, not an image file")):
        read_image(folder)
    with pytest.raises(ImageReadError, match=_match(folder, "is a directory")):
        image_size(folder)


def test_missing_file_is_refused(tmp_path):
    path = tmp_path / "nowhere.png"
    with pytest.raises(ImageReadError, match=_match(path, "no such file")):
        read_image(path)
    with pytest.raises(ImageReadError, match=_match(path, "no such file")):
        image_size(path)


def _refuse_to_decode(*args):
    raise AssertionError("decoded an image whose header is too large")


def test_huge_png_header_is_refused_before_decoding(tmp_path, monkeypatch):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_claiming(20_000, 20_000))
    monkeypatch.setattr(cv2, "imdecode", _refuse_to_decode)
    with pytest.raises(ImageTooLargeError, match=_match(path, "20000 x 20000 = 400,000,000")):
        read_image(path)


@pytest.mark.parametrize("ext", ["png", "jpg", "tiff", "bmp", "webp"])
def test_every_format_is_size_checked_from_its_header(tmp_path, monkeypatch, ext):
    # 16,000 x 16,000 is above max_pixels and above Pillow's own
    # decompression-bomb limits; Pillow's warning would fail the test.
    path = _claiming(tmp_path / f"bomb.{ext}", 16_000, 16_000)
    assert image_size(path) == (16_000, 16_000)
    monkeypatch.setattr(cv2, "imdecode", _refuse_to_decode)
    with pytest.raises(ImageTooLargeError, match=_match(path, "16000 x 16000")):
        read_image(path)


def test_size_between_pillow_warning_and_max_pixels_is_refused_quietly(tmp_path):
    # Pillow warns above 89,478,485 pixels; ocrkit must raise its own error only.
    path = tmp_path / "big.png"
    path.write_bytes(_png_claiming(10_000, 9_000))
    with pytest.raises(ImageTooLargeError, match=_match(path, "90,000,000 pixels")):
        read_image(path)


def test_max_pixels_is_inclusive(tmp_path):
    path = _save(tmp_path / "page.png", _grey(10, 10))
    assert read_image(path, max_pixels=100).shape == (10, 10)
    with pytest.raises(ImageTooLargeError, match=_match(path, "max_pixels=99")):
        read_image(path, max_pixels=99)


@pytest.mark.parametrize("max_pixels", [0, -5, 1e8, True, None])
def test_max_pixels_must_be_a_positive_integer(tmp_path, max_pixels):
    with pytest.raises(OptionError, match="^max_pixels must be"):
        read_image(tmp_path / "page.png", max_pixels=max_pixels)


def test_png_claiming_zero_pixels_is_refused(tmp_path):
    path = tmp_path / "zero.png"
    path.write_bytes(_png_claiming(0, 5))
    with pytest.raises(ImageReadError, match=_match(path, "damaged or truncated PNG")):
        read_image(path)


def test_webp_claiming_zero_pixels_is_refused(tmp_path):
    # A lossy VP8 frame header: frame tag, start code, 14-bit width and height.
    frame = b"\x00\x00\x00\x9d\x01\x2a" + struct.pack("<HH", 0, 5)
    chunk = b"VP8 " + struct.pack("<I", len(frame)) + frame
    path = tmp_path / "zero.webp"
    path.write_bytes(b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk)
    with pytest.raises(ImageReadError, match=_match(path, r"has no pixels .*0 x 5")):
        read_image(path)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"version https://git-lfs.github.com/spec/v1\noid sha256:00\n", "git lfs pull"),
        (b"%PDF-1.7\n", "PDF document"),
        (b"GIF89a\x01\x00\x01\x00", "GIF image"),
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "web page"),
    ],
)
def test_common_non_images_are_named(tmp_path, content, problem):
    path = tmp_path / "scan.png"
    path.write_bytes(content)
    with pytest.raises(ImageReadError, match=_match(path, problem)):
        read_image(path)


def test_path_must_be_str_or_path():
    with pytest.raises(TypeError, match="path must be"):
        read_image(np.zeros((2, 2), np.uint8))


def test_message_uses_the_path_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ImageReadError, match=r"^scans/missing\.png: no such file"):
        read_image("scans/missing.png")


# image_size


@pytest.mark.parametrize("ext", ["png", "tiff", "bmp", "webp", "jpg"])
def test_image_size_is_width_then_height(tmp_path, ext):
    path = _save(tmp_path / f"wide.{ext}", _rgb(12, 16), **LOSSLESS.get(ext, {}))
    assert image_size(path) == (16, 12)


def test_image_size_reads_only_the_header(tmp_path, monkeypatch):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_claiming(20_000, 20_000))
    monkeypatch.setattr(cv2, "imdecode", None)
    assert image_size(path) == (20_000, 20_000)


def test_image_size_refuses_non_images(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("not a photo")
    with pytest.raises(ImageReadError, match=_match(path, "not an image")):
        image_size(path)


# write_image


@pytest.mark.parametrize("image", [_rgb(), _grey()], ids=["rgb", "grey"])
def test_write_png_round_trips_exactly(tmp_path, image):
    path = tmp_path / "out.png"
    write_image(path, image)
    np.testing.assert_array_equal(read_image(path), image)
    with Image.open(path) as written:  # RGB order on disk too
        np.testing.assert_array_equal(np.asarray(written), image)


@pytest.mark.parametrize("name", ["out.jpg", "OUT.JPEG"])
def test_write_jpeg_round_trips_approximately(tmp_path, name):
    image = np.kron(_rgb(6, 8), np.ones((4, 4, 1), np.uint8))
    path = tmp_path / name
    write_image(path, image)
    with Image.open(path) as written:
        assert written.format == "JPEG"
    assert np.abs(read_image(path).astype(int) - image).mean() < 4


def test_write_replaces_an_existing_file(tmp_path):
    path = tmp_path / "out.png"
    write_image(path, _grey())
    write_image(path, np.zeros((2, 2), np.uint8))
    assert read_image(path).shape == (2, 2)


def test_write_creates_no_folders(tmp_path):
    path = tmp_path / "missing" / "out.png"
    with pytest.raises(ImageWriteError, match=_match(path, "does not exist; create it first")):
        write_image(path, _grey())
    assert not path.parent.exists()


def test_write_refuses_unknown_extensions(tmp_path):
    path = tmp_path / "out.gif"
    with pytest.raises(ImageWriteError, match=_match(path, r"\.png or \.jpg")):
        write_image(path, _grey())
    assert not path.exists()


def test_write_refuses_a_directory(tmp_path):
    path = tmp_path / "out.png"
    path.mkdir()
    with pytest.raises(ImageWriteError, match=_match(path, "is a directory")):
        write_image(path, _grey())


def test_write_errors_are_ocrkit_errors(tmp_path):
    with pytest.raises(OcrkitError):
        write_image(tmp_path / "out.bmp", _grey())


@pytest.mark.parametrize(
    ("image", "problem"),
    [
        (np.zeros((4, 4), float), "dtype float64"),
        (np.zeros((4, 4, 4), np.uint8), r"shape \(4, 4, 4\)"),
        (np.zeros((0, 4), np.uint8), "no pixels"),
    ],
)
def test_write_refuses_arrays_it_cannot_store(tmp_path, image, problem):
    path = tmp_path / "out.png"
    with pytest.raises(OptionError, match=problem):
        write_image(path, image)
    assert not path.exists()
