"""The course's explorers work in a real browser, not only in nbval.

nbval sees a widget's text fallback only; whether the controls render and the
picture follows them takes JupyterLab, the widget front end and a browser.
The test opens notebook 01 in headless Chromium, runs every cell, moves a
control with the keyboard or a click and checks that the explorer's picture
is redrawn.  Screenshots are left in ``out/`` to look at, also on failure.
"""

import contextlib
import time
from pathlib import Path

import pytest

OUT = Path(__file__).resolve().parents[2] / "out"
# Running a notebook, drawing a page-sized figure and sending it back take a
# few seconds each on a busy 2-core machine; these are limits, not expectations.
RUN_ALL_TIMEOUT_MS = 180_000
REDRAW_TIMEOUT_MS = 60_000


def _explorer(label):
    """CSS for the interact box that has a control labelled ``label``."""
    return f".widget-interact:has(.widget-label:text-is('{label}'))"


def _wait_for_kernel(page, timeout_s=90):
    """Wait until the notebook's kernel is idle, accepting a kernel dialog if one asks."""
    dialog = page.locator(".jp-Dialog:has-text('Select Kernel') .jp-mod-accept")
    status = page.locator(".jp-StatusBar-Widget:has-text('| Idle')")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if dialog.count():
            dialog.first.click()
        elif status.count():
            return
        time.sleep(0.5)
    raise AssertionError(f"the kernel was not idle within {timeout_s} s")


@contextlib.contextmanager
def _notebook_run(lab, chromium, notebook, explorer, screenshot):
    """Open ``notebook``, run all cells, wait for ``explorer``'s picture; yield the page.

    On the way out (also after a failure) the explorer is scrolled into view,
    the page is saved to ``screenshot`` and the browser is closed.
    """
    from playwright.sync_api import sync_playwright

    base, token, _ = lab
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            page.goto(f"{base}/lab/tree/{notebook}?token={token}")
            page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=60_000)
            _wait_for_kernel(page)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            # The explorer draws its first picture while the notebook runs.
            page.locator(f"{explorer} img").first.wait_for(state="attached",
                                                            timeout=RUN_ALL_TIMEOUT_MS)
            assert page.get_by_text("Error displaying widget").count() == 0
            yield page
            assert page.get_by_text("Error displaying widget").count() == 0
            assert not errors, f"JavaScript errors in the page: {errors}"
        finally:
            box = page.locator(explorer)
            if box.count():
                box.first.scroll_into_view_if_needed(timeout=5_000)
            page.screenshot(path=str(screenshot))
            browser.close()


def _redrawn(page, explorer, before):
    """Wait until the explorer shows a picture other than ``before``; return it."""
    from playwright.sync_api import expect

    images = page.locator(f"{explorer} img")
    expect(images.last).not_to_have_attribute("src", before, timeout=REDRAW_TIMEOUT_MS)
    _wait_for_kernel(page)  # let the last change draw too
    assert images.count() == 1, "the explorer must replace its picture, not add one"
    after = images.last.get_attribute("src")
    assert after.startswith("data:image/png") and after != before
    return after


@pytest.mark.browser
def test_threshold_slider_redraws_the_binary_image(lab, chromium):
    explorer = _explorer("threshold")
    slider = f"{explorer} .widget-hslider:has(.widget-label:text-is('threshold'))"
    with _notebook_run(lab, chromium, "notebooks/01_thresholding.ipynb", explorer,
                       OUT / "browser_01_thresholding.png") as page:
        handle = page.locator(f"{slider} .noUi-handle")
        readout = page.locator(f"{slider} .widget-readout")
        handle.scroll_into_view_if_needed()
        assert readout.inner_text().strip() == "127", "the slider must start at 127"
        before = page.locator(f"{explorer} img").last.get_attribute("src")
        assert before.startswith("data:image/png")

        handle.focus()
        for _ in range(10):  # 127 -> 137, one grey level a key press
            page.keyboard.press("ArrowRight")
        _redrawn(page, explorer, before)
        assert readout.inner_text().strip() == "137"
