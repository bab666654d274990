"""Driving a notebook in JupyterLab from the browser tests.

:func:`notebook_run` opens a notebook of the test server in a fresh browser
context, clears its saved outputs, runs every cell and hands the page over;
the other helpers find an explorer's controls and wait for the kernel's
answer to a change.  Every wait is on a condition in the page, with a limit
that only ends a stall: a limit reached raises an ``AssertionError`` that says
what was being waited for and, for a run, which cell was still running.
"""

import contextlib
import json
import time
import urllib.request
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "out"

# Limits, not expectations: a notebook runs in 5-20 s and a redraw takes
# under a second here; a cold start (fonts, first imports) on a busy 2-core
# machine takes longer.
KERNEL_TIMEOUT_MS = 90_000
RUN_ALL_TIMEOUT_MS = 180_000
REDRAW_TIMEOUT_MS = 60_000

WIDGET_ERROR = "Error displaying widget"


def explorer(label):
    """Playwright selector of the ``interact`` box that has a control labelled ``label``."""
    return f".widget-interact:has(.widget-label:text-is('{label}'))"


def control(box, label):
    """The control labelled ``label`` inside the locator ``box`` (slider, dropdown, ...)."""
    return box.locator(f".widget-inline-hbox:has(> .widget-label:text-is('{label}'))")


def checkbox(box, label):
    """The ``<input>`` of the checkbox whose description is ``label``."""
    return box.locator(f".widget-checkbox:has(.widget-label-basic span:text-is('{label}')) input")


def _wait_for(page, expression, arg, timeout_ms, what):
    """``page.wait_for_function`` whose timeout says what was awaited; returns the value."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        return page.wait_for_function(expression, arg=arg, timeout=timeout_ms,
                                      polling=100).json_value()
    except PlaywrightTimeout:
        raise AssertionError(f"waited {timeout_ms / 1000:.0f} s for {what}") from None


def wait_for_kernel(page):
    """Wait until the notebook's kernel is idle, accepting a kernel dialog if one asks."""
    dialog = page.locator(".jp-Dialog:has-text('Select Kernel') .jp-mod-accept")
    idle = page.locator(".jp-StatusBar-Widget:has-text('| Idle')")
    deadline = time.monotonic() + KERNEL_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        dialog.or_(idle).first.wait_for(timeout=KERNEL_TIMEOUT_MS)
        if dialog.count():
            dialog.first.click()
        elif idle.count():
            return
    raise AssertionError(f"the kernel was not idle within {KERNEL_TIMEOUT_MS / 1000:.0f} s")


def _menu(page, menu, item):
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


# Run state of the notebook's code cells from their prompts: "[ ]:" not run,
# "[*]:" queued or running, "[12]:" done.  A traceback, or the server's
# notice that it dropped output over its IOPub rate limit, ends the wait early.
_RUN_STATE = """() => {
    const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell')];
    const prompts = cells.map(c => c.querySelector('.jp-InputArea-prompt').textContent.trim());
    for (const out of document.querySelectorAll(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')) {
        const text = out.textContent;
        if (/Traceback|rate exceeded/.test(text)) return {failed: text.slice(0, 3000)};
    }
    if (cells.length && prompts.every(p => /^\\[\\d+\\]:$/.test(p))) return {done: cells.length};
    return null;
}"""

_RUNNING_CELLS = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell')]
    .map((c, i) => ({i, prompt: c.querySelector('.jp-InputArea-prompt').textContent.trim(),
                     code: [...c.querySelectorAll('.cm-line')].slice(0, 4)
                           .map(line => line.textContent).join('\\n')}))
    .filter(c => !/^\\[\\d+\\]:$/.test(c.prompt))"""


def run_all(page):
    """Clear the saved outputs, run every cell, and wait until the last one is done.

    Clearing first makes "done" unambiguous (every code cell has a fresh
    execution count) and leaves no saved picture that a test could mistake
    for a live one.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    _menu(page, "Edit", "Clear Outputs of All Cells")
    _wait_for(page, "() => !document.querySelector('.jp-NotebookPanel .jp-CodeCell "
                    ".jp-OutputArea-output')", None, 30_000, "the saved outputs to clear")
    _menu(page, "Run", "Run All Cells")
    try:
        state = page.wait_for_function(_RUN_STATE, timeout=RUN_ALL_TIMEOUT_MS,
                                       polling=250).json_value()
    except PlaywrightTimeout:
        pending = page.evaluate(_RUNNING_CELLS)
        raise AssertionError(
            f"the notebook did not finish within {RUN_ALL_TIMEOUT_MS / 1000:.0f} s; code cells "
            f"not done (index among code cells, prompt, first lines), the first [*] running:\n"
            + json.dumps(pending, indent=1, ensure_ascii=False)) from None
    assert "failed" not in state, f"a cell failed:\n{state.get('failed')}"
    wait_for_kernel(page)


def assert_no_widget_errors(page):
    assert page.get_by_text(WIDGET_ERROR).count() == 0, f"the page shows '{WIDGET_ERROR}'"


def shutdown_kernels(lab):
    """End the test server's kernels (each holds a few hundred MB)."""
    base, token, _ = lab
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{base}/api/sessions",
                                                       headers=headers), timeout=10) as r:
        sessions = json.load(r)
    for session in sessions:
        request = urllib.request.Request(f"{base}/api/sessions/{session['id']}",
                                         method="DELETE", headers=headers)
        urllib.request.urlopen(request, timeout=30).close()


@contextlib.contextmanager
def notebook_run(browser, lab, notebook, screenshot, *, focus=None):
    """Open ``notebook`` in a fresh context, run all its cells; yield the page.

    On the way out (also after a failure) the element ``focus`` is scrolled
    into view and the page is saved to ``out/<screenshot>``; then the page
    must show no widget error and have raised no JavaScript error, and the
    notebook's kernel is shut down.
    """
    base, token, _ = lab
    OUT.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    failed = True
    try:
        # ?reset: a fresh workspace, so that no notebook of an earlier test reopens.
        page.goto(f"{base}/lab/tree/{notebook}?reset&token={token}")
        page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=60_000)
        wait_for_kernel(page)
        run_all(page)
        assert_no_widget_errors(page)
        yield page
        failed = False
    finally:
        try:
            if focus is not None:
                with contextlib.suppress(Exception):
                    page.locator(focus).first.scroll_into_view_if_needed(timeout=5_000)
            page.screenshot(path=str(OUT / screenshot))
            if not failed:
                assert_no_widget_errors(page)
                assert not errors, f"JavaScript errors in the page: {errors}"
        finally:
            context.close()
            with contextlib.suppress(OSError):
                shutdown_kernels(lab)


def image_src(box):
    """The ``src`` of the one picture in the explorer ``box`` (a locator)."""
    images = box.locator(".widget-output img")
    assert images.count() == 1, f"the explorer shows {images.count()} pictures, not one"
    src = images.first.get_attribute("src")
    assert src.startswith("data:image/png;base64,"), f"not a PNG: {src[:40]}"
    return src


# The explorer's output once the kernel has answered: one picture, other than
# `before`, and, when `text` is given, that printed text; or the traceback
# the explorer's function raised.
_REDRAWN = """([box, before, text]) => {
    const output = box.querySelector('.widget-output');
    const error = output.querySelector('[data-mime-type="application/vnd.jupyter.stderr"]');
    if (error && /Traceback|rate exceeded/.test(error.textContent))
        return {failed: error.textContent};
    const images = output.querySelectorAll('img');
    if (images.length !== 1 || images[0].src === before) return null;
    if (!images[0].src.startsWith('data:image/png;base64,')) return null;
    const printed = [...output.querySelectorAll('pre')].map(p => p.textContent).join('').trim();
    if (text !== null && printed !== text) return null;
    return {src: images[0].src, text: printed};
}"""


def wait_for_redraw(box, before, *, text=None, what="the explorer to redraw"):
    """Wait until the explorer ``box`` shows a picture other than ``before``; return its src.

    With ``text``, also wait until the explorer printed exactly that.  Each
    control change makes one call of the explorer's function, so the first
    new picture is the answer to the last change.
    """
    handle = box.element_handle()
    result = _wait_for(box.page, _REDRAWN, [handle, before, text], REDRAW_TIMEOUT_MS,
                       what if text is None else f"{what} and print {text!r}")
    assert "failed" not in result, f"the explorer raised:\n{result.get('failed')}"
    return result["src"]


def press(handle, key):
    """Focus a slider's handle and press ``key`` once: one change, one redraw."""
    handle.scroll_into_view_if_needed()
    handle.focus()
    handle.page.keyboard.press(key)


def drag(handle, dx):
    """Drag a slider's handle ``dx`` pixels with the mouse and let go."""
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    mouse = handle.page.mouse
    mouse.move(x, y)
    mouse.down()
    mouse.move(x + dx, y, steps=8)
    mouse.up()


def is_disabled(slider):
    """Whether the slider (the ``.widget-hslider`` locator) is greyed out."""
    return slider.locator(".slider").first.get_attribute("disabled") is not None
