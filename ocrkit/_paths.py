"""Where ocrkit finds its bundled data and keeps its cache."""

import os
import sys
from pathlib import Path

#: The repository's ``data/`` folder (the package is installed editable from it).
DATA_DIR = Path(os.environ.get("OCRKIT_DATA", Path(__file__).resolve().parent.parent / "data"))


def cache_dir():
    """Return the per-user cache folder, creating it if needed.

    ``OCRKIT_CACHE`` overrides the platform default (``~/.cache/ocrkit`` on
    Linux, ``~/Library/Caches/ocrkit`` on macOS, ``%LOCALAPPDATA%\\ocrkit`` on
    Windows).
    """
    override = os.environ.get("OCRKIT_CACHE")
    if override:
        path = Path(override)
    elif sys.platform == "win32":
        path = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "ocrkit"
    elif sys.platform == "darwin":
        path = Path.home() / "Library" / "Caches" / "ocrkit"
    else:
        path = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ocrkit"
    path.mkdir(parents=True, exist_ok=True)
    return path
