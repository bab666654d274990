"""A notebook saved by tools/execute_notebooks.py shows its widgets before it is run.

The learner who only reads a notebook should see the explorer's controls, not
their text fallback ``interactive(children=(Dropdown(...``, and saving and
reopening the notebook must keep them ("Error displaying widget: model not
found" otherwise).  The test executes a copy of notebook 01 with the tool,
trusts it as ``make lab`` does (JupyterLab draws widgets only in trusted
notebooks), opens it without running a cell, saves, reloads the page and
looks again.  Screenshots are left in ``out/``.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .jupyterlab import wait_for_kernel

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "out"
NOTEBOOK = "notebooks/01_saved_widgets.ipynb"
EXPLORER = ".widget-interact:has(.widget-label:text-is('threshold'))"
RAW = "interactive(children="


def _execute_with_the_tool(path):
    spec = importlib.util.spec_from_file_location("execute_notebooks",
                                                  ROOT / "tools" / "execute_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.execute(path)


def _saved(path, before, timeout_s=30):
    """The notebook as saved after ``before`` (an mtime), once it is whole JSON again."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.stat().st_mtime_ns != before:
            try:
                return json.loads(path.read_text())
            except ValueError:  # caught in the middle of the write
                pass
        time.sleep(0.2)
    raise AssertionError(f"Ctrl+S did not save the notebook within {timeout_s} s")


def _check_saved_explorer(page, screenshot):
    """The explorer is drawn from the saved state: controls at their start values, a picture."""
    from playwright.sync_api import expect

    cell = page.locator(".jp-Cell").filter(has_text="@interact(")
    explorer = cell.locator(EXPLORER)
    try:
        # JupyterLab draws only the cells near the view: bring the explorer's cell there.
        for _ in range(2):
            cell.first.scroll_into_view_if_needed()
            time.sleep(0.5)
        expect(cell.first.locator(".jp-OutputArea-output").first).not_to_contain_text(
            RAW, timeout=30_000)
        explorer.first.wait_for(timeout=60_000)
        readout = explorer.first.locator(
            ".widget-hslider:has(.widget-label:text-is('threshold')) .widget-readout")
        expect(readout).to_have_text("127")
        image = explorer.first.locator("img").first
        assert image.get_attribute("src").startswith("data:image/png")
        assert page.get_by_text("Error displaying widget").count() == 0
    finally:
        page.screenshot(path=str(screenshot))


@pytest.mark.browser
def test_saved_explorer_shows_without_a_run_and_survives_save(lab, chromium, jupyter_home):
    from playwright.sync_api import sync_playwright

    base, token, root = lab
    path = root / NOTEBOOK
    shutil.copy(root / "notebooks" / "01_thresholding.ipynb", path)
    _execute_with_the_tool(path)
    # The server's trust database is in its private data folder (see conftest).
    subprocess.run([sys.executable, "-m", "jupyter", "trust", str(path)], check=True,
                   env={**os.environ, "JUPYTER_DATA_DIR": str(jupyter_home / "data")},
                   capture_output=True)
    executed = json.loads(path.read_text())

    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?reset&token={token}")
            page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=60_000)
            wait_for_kernel(page)
            _check_saved_explorer(page, OUT / "browser_saved_widgets_opened.png")

            before = path.stat().st_mtime_ns
            page.locator(".jp-NotebookPanel .jp-Notebook").first.click(position={"x": 5, "y": 5})
            page.keyboard.press("Escape")
            page.keyboard.press("Control+s")
            saved = _saved(path, before)
            # Saving keeps the shipped state as it is.  (With the widget manager's
            # saveState setting on, it would write only widgets a kernel holds:
            # none before a run, and the reopened page would say "model not found".)
            assert saved["metadata"].get("widgets") == executed["metadata"]["widgets"]
            assert saved["cells"] == executed["cells"]

            page.reload()
            page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=60_000)
            wait_for_kernel(page)
            _check_saved_explorer(page, OUT / "browser_saved_widgets_reopened.png")
            assert not errors, f"JavaScript errors in the page: {errors}"
        finally:
            browser.close()
