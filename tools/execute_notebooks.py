"""Re-execute notebooks in place with the pinned versions, and keep git diffs small.

    python tools/execute_notebooks.py notebooks            # every notebook
    python tools/execute_notebooks.py notebooks/01_thresholding.ipynb

Each notebook runs top to bottom in its own folder with the current
interpreter's kernel; outputs and execution counts are kept (nbval compares
them), per-cell timing metadata is not recorded, and consecutive pieces of
one output stream are joined (the kernel splits printed text wherever a flush
happened to fall; nbval joins them too before comparing).

The widget state is kept too (notebook metadata ``widgets``): with it,
JupyterLab draws the explorers and the finished progress bars of a notebook
that has not been run yet, instead of their text fallback
(``interactive(children=(Dropdown(...``, ``0%|  | 0/6``).  The state as
nbclient records it would change on every run, so before saving:

* every widget model id, a random uuid4 made by the kernel, is replaced by a
  stable one derived from the notebook's file name and the order in which
  the id first appears (outputs first, cell by cell, then references inside
  the state).  The ids occur as keys of the state, as ``model_id`` of the
  outputs' ``application/vnd.jupyter.widget-view+json`` (also inside Output
  widgets) and as ``"IPY_MODEL_<id>"`` references between models; all are
  rewritten alike, so the notebook stays consistent;
* tqdm's timings (``[00:03<00:00,  1.73it/s]``) are dropped from the
  progress bars' text in the state; a postfix, if any, is kept.  nbval never
  compares widget state, only the outputs' ``text/plain`` fallback, which is
  left as the kernel printed it.

Two executions of an unchanged notebook therefore write identical files.
"""

import re
import sys
import time
import uuid
from pathlib import Path

import nbformat
from nbclient import NotebookClient

STATE_KEY = "application/vnd.jupyter.widget-state+json"
VIEW_KEY = "application/vnd.jupyter.widget-view+json"
REFERENCE = "IPY_MODEL_"
# The namespace of the ids made here; any fixed value would do.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "ocrkit:widget-model-ids")
# tqdm's "[elapsed<remaining, rate{postfix}]", "<" escaped or not, e.g.
# "[00:03&lt;00:00,  1.73it/s]", "[1:02:03<?, ?fit/s, acc=0.9]".
TQDM_TIMING = re.compile(r"\s*\[(?:\d+:)?\d\d:\d\d(?:<|&lt;)[^,\]]*,[^,\]]*(?P<postfix>,[^\]]*)?\]")


def execute(path):
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ocrkit)",
                                       "language": "python"}
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            record_timing=False, store_widget_state=True)
    client.execute()
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = _joined_streams(cell.outputs)
    stabilise_widgets(notebook, path.name)
    nbformat.write(notebook, path)


def _joined_streams(outputs):
    """Join back-to-back pieces of one stream, which the kernel splits where a flush fell."""
    joined = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (output["output_type"] == "stream" and previous is not None
                and previous["output_type"] == "stream" and previous["name"] == output["name"]):
            previous["text"] += output["text"]
        else:
            joined.append(output)
    return joined


def stabilise_widgets(notebook, name):
    """Give the widget models stable ids and drop run-dependent text from their state."""
    widgets = notebook.metadata.get("widgets", {}).get(STATE_KEY)
    state = widgets["state"] if widgets else {}
    for model in state.values():
        model_state = model.get("state", {})
        if isinstance(model_state.get("outputs"), list):  # an Output widget's captured outputs
            model_state["outputs"] = _joined_streams(model_state["outputs"])
        if model.get("model_name") == "HTMLModel":  # tqdm's text left and right of the bar
            _drop_tqdm_timings(model_state)
    order = _ids_in_order(notebook, state)
    new_ids = {old: uuid.uuid5(NAMESPACE, f"{name}/{number}").hex
               for number, old in enumerate(order)}
    if state:
        widgets["state"] = {new_ids[old]: _renamed(state[old], new_ids)
                            for old in order if old in state}
    else:
        notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = _renamed(cell.outputs, new_ids)


def _ids_in_order(notebook, state):
    """The widget model ids, in a deterministic order of first appearance.

    First the ids the outputs display, cell by cell, each followed by the
    models it refers to, depth first; then any model no output reaches, in
    the order the kernel opened them.  Dictionary keys are visited sorted: the
    state's own keys are random ids, and nbformat writes every object with
    sorted keys.  An id an output displays counts even when the state lacks
    it (a widget closed before the end), so that it, too, is renamed.
    """
    order = {}

    def add(model_id):
        if model_id not in order:
            order[model_id] = None
            if model_id in state:
                visit(state[model_id])

    def visit(value):
        if isinstance(value, dict):
            view = value.get(VIEW_KEY)
            if isinstance(view, dict) and isinstance(view.get("model_id"), str):
                add(view["model_id"])
            for key in sorted(value):
                visit(value[key])
        elif isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, str) and value.removeprefix(REFERENCE) in state:
            add(value.removeprefix(REFERENCE))

    for cell in notebook.cells:
        if cell.cell_type == "code":
            visit(cell.outputs)
    for model_id in state:
        add(model_id)
    return list(order)


def _renamed(value, new_ids):
    """A copy of ``value`` with every model id, bare or as a reference, replaced."""
    if isinstance(value, dict):
        return type(value)((key, _renamed(item, new_ids)) for key, item in value.items())
    if isinstance(value, list):
        return [_renamed(item, new_ids) for item in value]
    if isinstance(value, str):
        if value in new_ids:
            return new_ids[value]
        if value.startswith(REFERENCE) and value.removeprefix(REFERENCE) in new_ids:
            return REFERENCE + new_ids[value.removeprefix(REFERENCE)]
    return value


def _drop_tqdm_timings(model_state):
    """Remove tqdm's elapsed time and rate from an HTML widget's value, keep a postfix."""
    value = model_state.get("value")
    if isinstance(value, str):
        model_state["value"] = TQDM_TIMING.sub(
            lambda match: f" [{match['postfix'][1:].strip()}]" if match["postfix"] else "",
            value)


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
