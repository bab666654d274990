"""Truth: what is really on a page, loaded, validated and saved.

A page's truth is every digit on it: its box, its label, its line and the
number it belongs to.  The kit scores its readings against it
(:mod:`ocrkit.evaluate`); the learner corrects a reading into one
(:mod:`ocrkit.correct`).

:class:`PageTruth`
    the right answer for a page, in the JSON schema of ``ocrkit read --json``:
    the bundled pages' ``data/handwriting/*.json``, or a learner's reading
    corrected by hand.  :meth:`PageTruth.load` reads and checks one,
    :meth:`PageTruth.save` writes one.
:class:`RealPage` and :func:`load_real_truth`
    the real photos in ``data/real/`` and their truth
    (``data/real/truth.json``): approximate boxes drawn around the ink, the
    readings accepted for a digit that cannot be read with certainty, the
    printed digits beside the handwriting, and where each photo comes from.

Every file is checked as it is loaded: a problem raises
:class:`~ocrkit.errors.DataFileError` on one line naming the file, the digit
or photo, and what is wrong.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .classify import UNKNOWN
from .errors import DataFileError, OptionError

__all__ = ["PageTruth", "RealPage", "load_real_truth"]


# ------------------------------------------------------------- page truth

def _is_int(value):
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _check_box(box, where, *, least=0):
    """``box`` as a list of four ints ``[x, y, w, h]`` with ``w, h >= least``, or OptionError."""
    if (not isinstance(box, list | tuple | np.ndarray) or len(box) != 4
            or not all(_is_int(v) for v in box) or min(box[2], box[3]) < least):
        raise OptionError(f"{where}: a box must be 4 integers [x, y, w, h] with w and h at "
                         f"least {least}; got {box!r}")
    return [int(v) for v in box]


def _int_column(values, count, name):
    """``values`` as a (count,) int64 array, or OptionError naming the column ``name``."""
    values = np.asarray(values, dtype=np.int64).ravel() if len(values) else np.zeros(0, np.int64)
    if len(values) != count:
        raise OptionError(f"{count} boxes but {len(values)} values of {name}")
    return values


def _read_json(path, *, what, fix):
    """The JSON in ``path``; DataFileError naming the file and the problem otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(f"{path}: no {what} there. {fix}") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise DataFileError(f"{path}: cannot read the {what} ({reason}). {fix}") from None
    if text.startswith("version https://git-lfs"):
        raise DataFileError(f"{path}: is a Git LFS pointer, not the {what}. {fix}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, "
                            f"column {exc.colno}). {fix}") from None


def _json_rows(items):
    """A JSON list with one item per line, indented under a top-level key."""
    if not items:
        return "[]"
    return "[\n    " + ",\n    ".join(json.dumps(item) for item in items) + "\n  ]"


@dataclass(frozen=True, eq=False)
class PageTruth:
    """The right answer for one page: every digit's box, label, line and number.

    Its file is the JSON that ``ocrkit read --json`` prints for the page, with
    every label right: the bundled pages' ``data/handwriting/*.json``, or a
    learner's reading corrected by hand.  :meth:`load` reads and checks one,
    :meth:`save` writes one (one digit per line, so that diffs stay short).

    Attributes
    ----------
    image : str
        File name of the page image; ``''`` when the truth does not say.
    size : (int, int) or None
        Width and height of the page image in pixels, if known.
    boxes : (K, 4) int64 ndarray
        ``x, y, w, h`` of each true digit, in pixels of the page image.
    labels : (K,) int64 ndarray
        The digit 0-9 each box holds; -1 for a digit whose label is not given
        (it is never counted as read right).
    line, number : (K,) int64 ndarray
        Text line of each digit and the number it belongs to, counted from 0
        as in a reading (a number may be counted over the page or within its
        line: digits are grouped by ``(line, number)``); -1 where not given.
    lines : tuple of str
        Text of each line, numbers separated by one space.

    Examples
    --------
    >>> truth = PageTruth.from_json({"digits": [
    ...     {"box": [10, 5, 20, 40], "label": 4, "line": 0, "number": 0},
    ...     {"box": [35, 5, 20, 40], "label": 2, "line": 0, "number": 0}], "lines": ["42"]})
    >>> len(truth), truth.boxes.shape, truth.labels.tolist(), truth.lines
    (2, (2, 4), [4, 2], ('42',))
    """

    image: str
    size: tuple | None
    boxes: np.ndarray
    labels: np.ndarray
    line: np.ndarray
    number: np.ndarray
    lines: tuple = ()

    def __post_init__(self):
        boxes = np.asarray(self.boxes)
        if boxes.size == 0:
            boxes = np.zeros((0, 4), np.int64)
        if boxes.ndim != 2 or boxes.shape[1] != 4:
            raise OptionError(f"boxes must be (K, 4) rows of x, y, w, h; got shape {boxes.shape}")
        columns = {"boxes": boxes.astype(np.int64)}
        for name in ("labels", "line", "number"):
            columns[name] = _int_column(getattr(self, name), len(boxes), name)
        for name, array in columns.items():
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        if self.size is not None:
            object.__setattr__(self, "size", tuple(int(v) for v in self.size))
        object.__setattr__(self, "image", str(self.image))
        object.__setattr__(self, "lines", tuple(str(text) for text in self.lines))

    def __len__(self):
        return len(self.boxes)

    @classmethod
    def from_json(cls, data, *, where="truth"):
        """A page's truth from its JSON dict, checked.

        Parameters
        ----------
        data : dict
            ``{"image": str, "size": [width, height], "digits": [{"box": [x,
            y, w, h], "label": 0-9 or null, "line": int, "number": int}, ...],
            "lines": [str, ...]}``: the schema of ``ocrkit read --json``
            (a digit's ``confidence`` is ignored).  Only ``digits``, each with
            ``box`` and ``label``, is required.
        where : str
            Names the truth in error messages (a file name, say).

        Returns
        -------
        PageTruth

        Raises
        ------
        OptionError
            Naming `where`, the digit and the problem, if `data` is not a
            page's truth.
        """
        if not isinstance(data, dict) or not isinstance(data.get("digits"), list):
            raise OptionError(f"{where}: not a page's truth (expected a JSON object with a "
                             "'digits' list of {'box': [x, y, w, h], 'label': 0-9 or null, "
                             "'line': int, 'number': int})")
        boxes, labels, line, number = [], [], [], []
        for i, digit in enumerate(data["digits"]):
            at = f"{where}: digit {i}"
            if not isinstance(digit, dict) or "box" not in digit or "label" not in digit:
                raise OptionError(f"{at}: expected {{'box': [x, y, w, h], 'label': 0-9 or null, "
                                 f"...}}; got {digit!r}")
            boxes.append(_check_box(digit["box"], at))
            label = digit["label"]
            if label is not None and not (_is_int(label) and 0 <= label <= 9):
                raise OptionError(f"{at}: 'label' must be a digit 0-9 or null; got {label!r}")
            labels.append(UNKNOWN if label is None else int(label))
            for key, column in (("line", line), ("number", number)):
                value = digit.get(key, -1)
                if not _is_int(value) or value < -1:
                    raise OptionError(f"{at}: '{key}' must be an integer, 0 or more; "
                                     f"got {value!r}")
                column.append(int(value))
        lines = data.get("lines", [])
        if not isinstance(lines, list) or not all(isinstance(text, str) for text in lines):
            raise OptionError(f"{where}: 'lines' must be a list of strings; got {lines!r}")
        image = data.get("image", "")
        if not isinstance(image, str):
            raise OptionError(f"{where}: 'image' must be the image's file name; got {image!r}")
        size = data.get("size")
        if size is not None and (not isinstance(size, list | tuple) or len(size) != 2
                                 or not all(_is_int(v) and v > 0 for v in size)):
            raise OptionError(f"{where}: 'size' must be [width, height] in pixels; got {size!r}")
        return cls(image, size, np.array(boxes, np.int64).reshape(-1, 4), labels, line, number,
                   tuple(lines))

    @classmethod
    def load(cls, path):
        """Read and check a page's truth file.

        Parameters
        ----------
        path : str or Path
            The truth's ``.json`` file, or the page image next to it (the
            same name with ``.json``).

        Returns
        -------
        PageTruth

        Raises
        ------
        DataFileError
            On one line naming the file and the problem: missing, not JSON,
            or not a page's truth (which digit, and what is wrong with it).
        """
        path = Path(path)
        if path.suffix.lower() != ".json":
            path = path.with_suffix(".json")
        data = _read_json(path, what="ground-truth file",
                          fix="A page's truth is the JSON that `ocrkit read --json` writes, "
                              "with the labels corrected.")
        try:
            return cls.from_json(data, where=str(path))
        except ValueError as exc:
            raise DataFileError(str(exc)) from None

    def to_json(self):
        """The truth as a JSON-able dict, in the schema of ``ocrkit read --json``.

        Returns
        -------
        dict
            ``image``, ``size`` (``None`` if unknown), ``digits`` (``box``,
            ``label`` (``None`` where not given), ``confidence`` (always 1.0),
            ``line``, ``number``) and ``lines``; every number a Python int.
        """
        return {
            "image": self.image,
            "size": None if self.size is None else list(self.size),
            "digits": [
                {"box": box, "label": None if label == UNKNOWN else label, "confidence": 1.0,
                 "line": line, "number": number}
                for box, label, line, number in zip(self.boxes.tolist(), self.labels.tolist(),
                                                    self.line.tolist(), self.number.tolist())
            ],
            "lines": list(self.lines),
        }

    def save(self, path):
        """Write the truth as JSON text, one digit per line.

        Parameters
        ----------
        path : str or Path
            A ``.json`` file; the bundled pages' truth files are written this
            way, byte for byte.

        Returns
        -------
        Path
            The file written.

        Raises
        ------
        OptionError
            If `path` does not end in ``.json``.
        """
        path = Path(path)
        if path.suffix.lower() != ".json":
            raise OptionError(f"{path}: a page's truth is saved as a .json file; end the name "
                              "with .json")
        data = self.to_json()
        path.write_text(
            "{\n"
            f'  "image": {json.dumps(data["image"])},\n'
            f'  "size": {json.dumps(data["size"])},\n'
            f'  "digits": {_json_rows(data["digits"])},\n'
            f'  "lines": {_json_rows(data["lines"])}\n'
            "}\n", encoding="utf-8")
        return path


def _page_truth(truth):
    """A :class:`PageTruth`, or a truth's JSON dict as one (checked)."""
    return truth if isinstance(truth, PageTruth) else PageTruth.from_json(truth)


# ------------------------------------------------------------- real photos

_HEX = frozenset("0123456789abcdef")
_SOURCE_KEYS = ("repo", "commit", "path", "licence", "copyright", "url")


@dataclass(frozen=True, eq=False, kw_only=True)
class RealPage:
    """A real photo of handwritten digits and its truth, as ``data/real/truth.json`` lists it.

    Attributes
    ----------
    file : str
        The image's file name.
    path : Path or None
        The image, in the folder of the truth file it was loaded from.
    truth : PageTruth
        ``boxes`` (K, 4), approximate (made from the ink's connected
        components, checked by eye), in reading order line by line;
        ``labels`` (K,); ``line`` (K,); ``number`` (K,) counted within each
        line; ``lines``; ``size``.
    accept : tuple of frozenset of int
        One per true digit: the labels read right for it (its label, and for
        a digit that cannot be read with certainty, the other readings
        accepted).
    printed_boxes : (P, 4) int64 ndarray
        Printed digits on the page, which must not be read, but are not
        counted as extra when they are.
    grouping_scored : bool
        Whether the truth's numbers are certain enough to score the grouping
        of digits into numbers (not for evenly spaced digits).
    sha256 : str
        The image file's SHA-256, hex.
    bytes : int
        The image file's size.
    source : dict
        Where the image comes from: ``repo``, ``commit``, ``path``,
        ``licence``, ``copyright``, ``url`` and more.
    notes : str
        What the photo shows and what makes it hard.
    """

    file: str
    path: Path | None = None
    truth: PageTruth
    accept: tuple
    printed_boxes: np.ndarray
    grouping_scored: bool
    sha256: str
    bytes: int
    source: dict
    notes: str = ""

    @classmethod
    def from_entry(cls, entry, *, folder=None, where="real page"):
        """One image's entry of ``data/real/truth.json``, checked.

        Parameters
        ----------
        entry : dict
            ``file``, ``lines`` (digits, numbers separated by one space),
            ``digit_boxes`` (per line, one ``[x, y, w, h]`` per digit),
            ``grouping_scored``, ``sha256``, ``bytes``, ``source``; optional
            ``uncertain`` (``line``, ``digit_index_in_line``, ``truth``,
            ``also_accept``), ``printed_digit_boxes``, ``size_px``,
            ``n_digits``, ``notes``.
        folder : str or Path, optional
            Where the image is.
        where : str
            Names the entry in error messages.

        Returns
        -------
        RealPage

        Raises
        ------
        OptionError
            Naming `where` and the problem.
        """
        if not isinstance(entry, dict):
            raise OptionError(f"{where}: expected a JSON object; got {type(entry).__name__}")
        missing = [key for key in ("file", "lines", "digit_boxes", "grouping_scored", "sha256",
                                   "bytes", "source") if key not in entry]
        if missing:
            raise OptionError(f"{where}: missing {', '.join(repr(k) for k in missing)}")
        name = entry["file"]
        if not isinstance(name, str) or not name or Path(name).name != name:
            raise OptionError(f"{where}: 'file' must be a file name without folders; got {name!r}")
        lines, line_boxes = entry["lines"], entry["digit_boxes"]
        if (not isinstance(lines, list) or not lines or not all(
                isinstance(text, str) and text and all(part.isdigit() and part.isascii()
                                                        for part in text.split(" "))
                for text in lines)):
            raise OptionError(f"{where}: 'lines' must be a non-empty list of lines of digits, "
                             f"numbers separated by one space; got {lines!r}")
        if not isinstance(line_boxes, list) or len(line_boxes) != len(lines):
            raise OptionError(f"{where}: 'digit_boxes' must hold one list of boxes per line "
                             f"({len(lines)} lines)")
        boxes, labels, line, number = [], [], [], []
        for i, (text, row) in enumerate(zip(lines, line_boxes)):
            digits = text.replace(" ", "")
            if not isinstance(row, list) or len(row) != len(digits):
                count = len(row) if isinstance(row, list) else "no list of"
                raise OptionError(f"{where}: line {i} ({text!r}) has {len(digits)} digits but "
                                 f"{count} boxes")
            boxes += [_check_box(box, f"{where}: line {i}", least=1) for box in row]
            labels += [int(d) for d in digits]
            line += [i] * len(digits)
            for n, part in enumerate(text.split(" ")):
                number += [n] * len(part)
        accept = [{label} for label in labels]
        starts = np.cumsum([0] + [len(text.replace(" ", "")) for text in lines]).tolist()
        uncertain = entry.get("uncertain", [])
        if not isinstance(uncertain, list):
            raise OptionError(f"{where}: 'uncertain' must be a list")
        for item in uncertain:
            try:
                i, j = item["line"], item["digit_index_in_line"]
                index = starts[i] + j
                ok = (_is_int(i) and _is_int(j) and 0 <= i < len(lines)
                      and 0 <= j < starts[i + 1] - starts[i]
                      and item["truth"] == str(labels[index])
                      and isinstance(item["also_accept"], list)
                      and all(isinstance(a, str) and len(a) == 1 and a.isdigit()
                              for a in item["also_accept"]))
            except (KeyError, TypeError, IndexError):
                ok = False
            if not ok:
                raise OptionError(f"{where}: an 'uncertain' item must name a digit of the lines "
                                 "({'line': i, 'digit_index_in_line': j, 'truth': that digit, "
                                 f"'also_accept': ['5', ...]}}); got {item!r}")
            accept[index] |= {int(a) for a in item["also_accept"]}
        printed = entry.get("printed_digit_boxes", [])
        if not isinstance(printed, list):
            raise OptionError(f"{where}: 'printed_digit_boxes' must be a list of boxes")
        printed = [_check_box(box, f"{where}: printed digits", least=1) for box in printed]
        if "n_digits" in entry and entry["n_digits"] != len(labels):
            raise OptionError(f"{where}: 'n_digits' says {entry['n_digits']!r} but the lines "
                             f"hold {len(labels)} digits")
        size = entry.get("size_px")
        if size is not None and (not isinstance(size, list) or len(size) != 2
                                 or not all(_is_int(v) and v > 0 for v in size)):
            raise OptionError(f"{where}: 'size_px' must be [width, height]; got {size!r}")
        if not isinstance(entry["grouping_scored"], bool):
            raise OptionError(f"{where}: 'grouping_scored' must be true or false")
        sha256 = entry["sha256"]
        if not isinstance(sha256, str) or len(sha256) != 64 or not set(sha256) <= _HEX:
            raise OptionError(f"{where}: 'sha256' must be 64 lower-case hex digits; got {sha256!r}")
        if not _is_int(entry["bytes"]) or entry["bytes"] <= 0:
            raise OptionError(f"{where}: 'bytes' must be the file's size; got {entry['bytes']!r}")
        source = entry["source"]
        if not isinstance(source, dict) or not all(
                isinstance(source.get(key), str) and source[key] for key in _SOURCE_KEYS):
            raise OptionError(f"{where}: 'source' must give {', '.join(_SOURCE_KEYS)} as text")
        notes = entry.get("notes", "")
        truth = PageTruth(name, size, np.array(boxes, np.int64).reshape(-1, 4), labels, line,
                          number, tuple(lines))
        return cls(file=name, path=None if folder is None else Path(folder) / name, truth=truth,
                   accept=tuple(frozenset(a) for a in accept),
                   printed_boxes=np.array(printed, np.int64).reshape(-1, 4),
                   grouping_scored=entry["grouping_scored"], sha256=sha256,
                   bytes=int(entry["bytes"]), source=dict(source), notes=str(notes))


def load_real_truth(path=None):
    """The real photos and their truth, from ``data/real/truth.json``, checked.

    Parameters
    ----------
    path : str or Path, optional
        The truth file, or the folder holding it; the bundled
        ``data/real/truth.json`` by default.

    Returns
    -------
    pages : list of RealPage
        In the file's order; each page's ``path`` is its image, next to the
        truth file.

    Raises
    ------
    DataFileError
        On one line naming the file and the problem: missing, not JSON, or an
        entry that is not a real page's truth (which image, and what).

    Examples
    --------
    >>> pages = load_real_truth()
    >>> len(pages), sum(len(page.truth) for page in pages)
    (8, 192)
    """
    if path is None:
        from ._paths import DATA_DIR

        path = DATA_DIR / "real"
    path = Path(path)
    if path.is_dir():
        path = path / "truth.json"
    data = _read_json(path, what="truth of the real photos",
                      fix="Restore data/real/truth.json from the repository.")
    if not isinstance(data, dict) or not isinstance(data.get("images"), list) \
            or not data["images"]:
        raise DataFileError(f"{path}: expected a JSON object with a non-empty 'images' list")
    pages, seen = [], set()
    for i, entry in enumerate(data["images"]):
        name = entry.get("file") if isinstance(entry, dict) else None
        where = f"images[{i}]" + (f" ({name})" if isinstance(name, str) else "")
        try:
            page = RealPage.from_entry(entry, folder=path.parent, where=where)
        except ValueError as exc:
            raise DataFileError(f"{path}: {exc}") from None
        if page.file in seen:
            raise DataFileError(f"{path}: {where}: {page.file} is listed twice")
        seen.add(page.file)
        pages.append(page)
    return pages
