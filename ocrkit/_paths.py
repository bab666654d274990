"""Where ocrkit finds its bundled data, and how a bundled file is checked."""

import hashlib
import os
from pathlib import Path

from .errors import DataFileError

#: The repository's ``data/`` folder (the package is installed editable from it).
DATA_DIR = Path(os.environ.get("OCRKIT_DATA", Path(__file__).resolve().parent.parent / "data"))

_verified = set()


def verify_bundled(path, sha256, *, what, fix):
    """Check a bundled file once per process: present, not an LFS pointer, right SHA-256.

    Parameters
    ----------
    path : pathlib.Path
    sha256 : str
        The expected hex digest.
    what : str
        What the file is, for messages ("MNIST data file").
    fix : str
        The sentence that tells the user how to restore it.

    Raises
    ------
    DataFileError
        Naming the file, the problem and `fix`.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{path}: {what} not found. {fix}")
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size, sha256)
    if key in _verified:
        return
    with open(path, "rb") as fh:
        if fh.read(64).startswith(b"version https://git-lfs"):
            raise DataFileError(f"{path}: is a Git LFS pointer, not the data. {fix}")
        fh.seek(0)
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    if digest != sha256:
        raise DataFileError(
            f"{path}: checksum mismatch (truncated or modified; {stat.st_size} bytes). {fix}")
    _verified.add(key)
