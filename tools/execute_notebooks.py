"""Re-execute notebooks in place with the pinned versions, and keep git diffs small.

    python tools/execute_notebooks.py notebooks            # every notebook
    python tools/execute_notebooks.py notebooks/01_thresholding.ipynb

Each notebook runs top to bottom in its own folder with the current
interpreter's kernel; outputs and execution counts are kept (nbval compares
them), per-cell timing metadata is not recorded, and widget state, which gets
new random ids on every run, is removed from the notebook metadata.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path):
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ocrkit)",
                                       "language": "python"}
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            record_timing=False)
    client.execute()
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)


def main(targets):
    paths = []
    for target in map(Path, targets or ["notebooks"]):
        paths += sorted(target.glob("[0-9]*.ipynb")) if target.is_dir() else [target]
    for path in paths:
        start = time.perf_counter()
        execute(path)
        print(f"{path}: executed in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
