"""The course's explorers work in a real browser, not only in nbval.

nbval sees a widget's text fallback only; whether the controls render and the
output follows them takes JupyterLab, the widget front end and a browser.
Each test opens a notebook with widgets (01, 02, 04, 07) in headless
Chromium, runs every cell, moves every kind of control the notebook offers
(slider by mouse and by keyboard, dropdown, checkbox, button) and checks that
the kernel's answer arrives: a new picture, new printed text, the retrained
model's report.  No test may leave "Error displaying widget" on the page.
Screenshots are left in ``out/`` to look at, also on failure.
"""

import re

import pytest

from .jupyterlab import (
    assert_no_widget_errors,
    checkbox,
    control,
    drag,
    explorer,
    image_src,
    is_disabled,
    notebook_run,
    press,
    wait_for_redraw,
)

pytestmark = pytest.mark.browser


def test_01_threshold_explorer_follows_every_control(lab, browser):
    box_css = explorer("threshold")
    with notebook_run(browser, lab, "notebooks/01_thresholding.ipynb",
                      "browser_01_thresholding.png", focus=box_css) as page:
        box = page.locator(box_css)
        method = control(box, "method").locator("select")
        threshold = control(box, "threshold")
        block = control(box, "block_size")
        flatten = checkbox(box, "flatten")
        assert method.input_value() == "fixed"
        assert threshold.locator(".widget-readout").inner_text() == "127"
        assert not is_disabled(threshold) and is_disabled(block), \
            "'fixed' reads the threshold, not the block size"
        start = image_src(box)

        # A slider dragged with the mouse: one change when it is let go.
        drag(threshold.locator(".noUi-handle"), 40)
        dragged = wait_for_redraw(box, start, what="the picture to follow the threshold")
        assert int(threshold.locator(".widget-readout").inner_text()) > 127

        # A dropdown: a local method reads the block size, not the threshold.
        method.select_option("sauvola")
        local = wait_for_redraw(box, dragged, what="the picture to follow the method")
        assert is_disabled(threshold) and not is_disabled(block), \
            "'sauvola' reads the block size, not the threshold"

        # A slider moved with the keyboard.
        press(block.locator(".noUi-handle"), "End")
        widest = wait_for_redraw(box, local, what="the picture to follow the block size")
        assert block.locator(".widget-readout").inner_text() == "601"

        # A checkbox, on and off again: back to the very same picture.
        flatten.click()
        flattened = wait_for_redraw(box, widest, what="the picture to follow 'flatten'")
        flatten.click()
        assert wait_for_redraw(box, flattened, what="the picture to follow 'flatten' off") \
            == widest, "with 'flatten' off again the explorer must draw the same picture"
        assert not flatten.is_checked()
        assert_no_widget_errors(page)


def test_02_segmentation_explorer_follows_every_control(lab, browser):
    box_css = explorer("min_height")
    with notebook_run(browser, lab, "notebooks/02_contour_segmentation.ipynb",
                      "browser_02_contour_segmentation.png", focus=box_css) as page:
        box = page.locator(box_css)
        min_height = control(box, "min_height")
        merge, split = checkbox(box, "merge"), checkbox(box, "split")
        assert min_height.locator(".widget-readout").inner_text() == "0.40"
        assert merge.is_checked() and split.is_checked(), "merging and splitting start on"
        start = image_src(box)

        press(min_height.locator(".noUi-handle"), "End")
        tallest = wait_for_redraw(box, start, what="the picture to follow min_height")
        assert min_height.locator(".widget-readout").inner_text() == "1.00"

        merge.click()
        unmerged = wait_for_redraw(box, tallest, what="the picture to follow 'merge'")
        split.click()
        unsplit = wait_for_redraw(box, unmerged, what="the picture to follow 'split'")
        split.click()
        assert wait_for_redraw(box, unsplit, what="the picture to follow 'split' on") \
            == unmerged, "with 'split' on again the explorer must draw the same picture"
        assert not merge.is_checked() and split.is_checked()
        assert_no_widget_errors(page)


def test_04_hog_explorer_follows_both_sliders(lab, browser):
    from ocrkit.hog import hog_feature_length

    def printed(cells, orientations):
        length = hog_feature_length((28, 28), orientations=orientations,
                                    pixels_per_cell=(cells, cells))
        side = 28 // cells
        return f"{side}x{side} cells, feature vector of {length} numbers"

    box_css = explorer("cell size")
    with notebook_run(browser, lab, "notebooks/04_hog_features.ipynb",
                      "browser_04_hog_features.png", focus=box_css) as page:
        box = page.locator(box_css)
        cell_size, orientations = control(box, "cell size"), control(box, "orientations")
        assert box.locator(".widget-output pre").inner_text().strip() == printed(4, 9)
        start = image_src(box)

        press(cell_size.locator(".noUi-handle"), "End")
        large = wait_for_redraw(box, start, text=printed(14, 9),
                                what="the picture to follow the cell size")
        assert cell_size.locator(".widget-readout").inner_text() == "14"

        press(orientations.locator(".noUi-handle"), "Home")
        wait_for_redraw(box, large, text=printed(14, 2),
                        what="the picture to follow the orientations")
        assert orientations.locator(".widget-readout").inner_text() == "2"
        assert_no_widget_errors(page)


# The correction panel of notebook 07: a column per digit (title, picture,
# menu), the retrain button beside a status label, and an output under them.
PANEL = ".widget-vbox:has(> .widget-hbox > button.widget-button:has-text('retrain'))"
TITLES = ":scope > .widget-hbox > .widget-vbox > .widget-label"  # "#1: read 7"

# For each of the panel's menus: the width its <select> leaves for the value
# (inside the padding, which on the right holds the arrow), and the rendered
# width of the value shown and of the widest value it can show, measured in a
# span with the select's own font.  Also whether the menu stays inside its
# column and clear of the next menu.
_MENU_WIDTHS = """panel => [...panel.querySelectorAll('.widget-dropdown select')]
  .map((select, i, all) => {
    const style = getComputedStyle(select);
    const span = document.createElement('span');
    for (const key of ['font', 'letterSpacing', 'textTransform', 'wordSpacing'])
        span.style[key] = style[key];
    span.style.position = 'absolute';
    span.style.whiteSpace = 'pre';
    document.body.appendChild(span);
    const width = text => { span.textContent = text; return span.getBoundingClientRect().width; };
    const shown = select.options[select.selectedIndex].text;
    const texts = [...select.options].map(o => o.text);
    const widest = Math.max(...texts.map(width));
    const shownWidth = width(shown);
    span.remove();
    const rect = select.getBoundingClientRect();
    const column = select.closest('.widget-vbox').getBoundingClientRect();
    const next = all[i + 1] ? all[i + 1].getBoundingClientRect() : null;
    return {
        shown, shownWidth, widest,
        room: select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
        width: rect.width, height: rect.height, fontSize: parseFloat(style.fontSize),
        inColumn: rect.left >= column.left - 0.5 && rect.right <= column.right + 0.5,
        clearOfNext: !next || next.top >= rect.bottom || next.left >= rect.right,
    };
})"""


def assert_menus_readable(panel, count=4):
    menus = panel.evaluate(_MENU_WIDTHS)
    assert len(menus) == count, f"the panel has {len(menus)} menus, not {count}"
    for n, menu in enumerate(menus, 1):
        where = f"menu #{n} ({menu})"
        assert menu["height"] >= menu["fontSize"], f"{where} is too low to show its text"
        assert menu["shownWidth"] > 0, f"{where} shows no value"
        assert menu["room"] >= menu["shownWidth"], f"{where} is too narrow for {menu['shown']!r}"
        assert menu["room"] >= menu["widest"], f"{where} is too narrow for its widest value"
        assert menu["inColumn"] and menu["clearOfNext"], f"{where} overlaps its neighbours"
    return menus


@pytest.fixture(scope="module")
def notebook_07(lab, browser):
    """Notebook 07 run once in the browser, for its two tests; yields the page."""
    with notebook_run(browser, lab, "notebooks/07_your_own_handwriting.ipynb",
                      "browser_07_your_own_handwriting.png", focus=PANEL) as page:
        yield page


def test_07_correction_menus_are_wide_enough_to_read(notebook_07):
    panel = notebook_07.locator(PANEL)
    panel.scroll_into_view_if_needed()
    menus = assert_menus_readable(panel)
    titles = panel.locator(TITLES).all_inner_texts()
    assert [m["shown"] for m in menus] == [t.rsplit(" ", 1)[-1] for t in titles], \
        "each menu must start at what was read (its column's title)"

    for select in panel.locator(".widget-dropdown select").all():
        select.select_option("8")  # among the widest digits in most fonts
    assert [m["shown"] for m in assert_menus_readable(panel)] == ["8"] * 4


# Records every state the retrain button and the status label beside it go
# through, so that a busy state is seen however short it is.
_WATCH_BUTTON = """panel => {
    const button = panel.querySelector('button.widget-button');
    const status = button.parentElement.querySelector('.widget-label');
    const states = window.retrainStates = [];
    const record = () => states.push({text: button.textContent.trim(), disabled: button.disabled,
                                      status: status.textContent.trim()});
    new MutationObserver(record).observe(button.parentElement,
        {attributes: true, childList: true, subtree: true, characterData: true});
}"""


def test_07_retrain_shows_it_is_busy_and_reports_the_corrections(notebook_07):
    from playwright.sync_api import expect

    page = notebook_07
    panel = page.locator(PANEL)
    panel.scroll_into_view_if_needed()
    button = panel.locator("button.widget-button")
    status = panel.locator(":scope > .widget-hbox > .widget-label")
    output = panel.locator(":scope > .widget-output")
    menus = panel.locator(".widget-dropdown select").all()
    titles = panel.locator(TITLES).all_inner_texts()
    read = [t.rsplit(" ", 1)[-1] for t in titles]
    for menu, label in zip(menus, read, strict=True):
        menu.select_option(label)  # as read: nothing to correct

    button.click()
    expect(output).to_contain_text("nothing to learn yet", timeout=30_000)

    # Correct the first two digits: a label other than the one read.
    chosen = ["1" if label != "1" else "7" for label in read[:2]]
    for menu, label in zip(menus[:2], chosen, strict=True):
        menu.select_option(label)
    assert_menus_readable(panel)
    panel.evaluate(_WATCH_BUTTON)
    button.click()
    expect(output).to_contain_text("digits now read differently", timeout=180_000)
    expect(button).to_have_text("retrain")
    expect(button).to_be_enabled()
    expect(status).to_have_text("")

    report = output.inner_text()
    corrected = re.search(r"(\d+) digit\(s\) corrected \(([^)]*)\)", report)
    assert corrected, f"no corrections reported: {report!r}"
    assert corrected.group(1) == "2"
    assert sorted(corrected.group(2).split(", ")) == sorted(
        f"{r}->{c}" for r, c in zip(read, chosen))
    changed = int(re.search(r"(\d+) digits now read differently", report).group(1))
    if changed:
        pictures = output.locator("img")
        expect(pictures).to_have_count(1)
        assert pictures.first.get_attribute("src").startswith("data:image/png;base64,")

    states = page.evaluate("window.retrainStates")
    # Each of the button's settings arrives on its own, so some states are mixed.
    assert any(s["disabled"] and s["text"] == "training\u2026"
               and s["status"] == "training with 2 correction(s)\u2026" for s in states), \
        f"no busy cue while training: {states}"
    assert states[-1] == {"text": "retrain", "disabled": False, "status": ""}, states
    assert_no_widget_errors(page)
