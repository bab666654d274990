"""Tests of what notebooks 06 and 07 show of a page read: the two-panel figure
stacked, the correction panel, and the readings with one change undone."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ocrkit.explore import UNDONE, stretched_digits, undo_each_change  # noqa: E402
from ocrkit.pipeline import PageReading  # noqa: E402
from ocrkit.viz import PANEL_COLUMN, correction_panel, show_reading  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def squares_reading(labels=(1, -1, 7)):
    """A page with three dark squares as digits, and a reading of them."""
    image = np.full((120, 300, 3), 250, np.uint8)
    boxes = np.array([[20, 30, 20, 40], [120, 30, 25, 40], [220, 30, 20, 40]])
    for x, y, w, h in boxes:
        image[y:y + h, x:x + w] = 30
    k = len(boxes)
    return PageReading(image, "page.png", boxes, np.array(labels), np.ones(k), np.zeros(k, int),
                       np.arange(k), np.zeros((k, 28, 28), np.uint8), np.zeros((120, 300), bool))


# ------------------------------------------------------------ show_reading

def test_show_reading_stacks_the_panels_with_one_column():
    reading = squares_reading()
    side_by_side = show_reading(reading, size=2)
    stacked = show_reading(reading, size=2, cols=1)
    (left, right), (top, bottom) = side_by_side.axes, stacked.axes
    assert left.get_position().y0 == pytest.approx(right.get_position().y0)
    assert top.get_position().x0 == pytest.approx(bottom.get_position().x0)
    assert top.get_position().y0 > bottom.get_position().y0
    assert stacked.get_figwidth() < side_by_side.get_figwidth()
    with pytest.raises(ValueError, match="cols must be 1 or 2"):
        show_reading(reading, cols=3)


# -------------------------------------------------------- correction panel

def panel_parts(panel):
    row, controls, output = panel.children
    columns = row.children
    titles = [column.children[0].value for column in columns]
    menus = [column.children[2] for column in columns]
    button, status = controls.children
    return columns, titles, menus, button, status, output


def test_correction_panel_shows_each_digit_above_a_menu_set_to_what_was_read():
    import cv2

    panel = correction_panel(squares_reading(), [1, 2], on_retrain=print)
    columns, titles, menus, button, status, _ = panel_parts(panel)
    assert titles == ["#1: read ?", "#2: read 7"]
    assert [menu.value for menu in menus] == [-1, 7]
    # The menus have no description beside them: all their width shows the value.
    assert [menu.description for menu in menus] == ["", ""]
    assert all(menu.layout.width == f"{PANEL_COLUMN}px" for menu in menus)
    assert [label for label, _ in menus[0].options] == ["?"] + [str(d) for d in range(10)]
    picture = columns[0].children[1]
    tile = cv2.imdecode(np.frombuffer(picture.value, np.uint8), cv2.IMREAD_GRAYSCALE)
    # The digit (dark) in the middle of paper (light), 64 pixels square.
    assert tile.shape == (64, 64) and tile[32, 32] < 60 and tile[0, 0] > 200
    assert button.description == "retrain" and not button.disabled and status.value == ""


def test_correction_panel_retrains_with_the_menus_that_differ_and_shows_it_is_busy():
    seen = []
    panel = None

    def on_retrain(corrections):
        _, _, _, button, status, _ = panel_parts(panel)
        seen.append((corrections, button.disabled, button.description, status.value))

    panel = correction_panel(squares_reading(), [0, 1, 2], on_retrain=on_retrain)
    _, _, menus, button, status, _ = panel_parts(panel)
    menus[1].value = 4  # the rejected digit is a 4
    menus[2].value = 1  # the 7 is a 1
    button.click()
    assert seen == [({1: 4, 2: 1}, True, "training\u2026", "training with 2 correction(s)\u2026")]
    assert not button.disabled and button.description == "retrain" and status.value == ""


def test_correction_panel_without_corrections_says_so_and_does_not_retrain(capsys):
    calls = []
    panel = correction_panel(squares_reading(), [0, 2], on_retrain=calls.append)
    _, _, menus, button, _, _ = panel_parts(panel)
    menus[0].value = -1  # "?" is no correction
    button.click()
    assert calls == []
    assert "nothing to learn yet" in capsys.readouterr().out


def test_correction_panel_recovers_when_retraining_fails():
    def fail(corrections):
        raise RuntimeError("out of memory")

    panel = correction_panel(squares_reading(), [0], on_retrain=fail)
    _, _, menus, button, status, _ = panel_parts(panel)
    menus[0].value = 3
    button.click()  # ipywidgets logs the error
    assert not button.disabled and button.description == "retrain" and status.value == ""


def test_correction_panel_refuses_digits_the_page_does_not_have():
    with pytest.raises(ValueError, match=r"\[3\] are not among the page's 3 digits"):
        correction_panel(squares_reading(), [0, 3], on_retrain=print)


# ------------------------------------------------------ one change undone

def test_stretched_digits_fill_the_square():
    digits = np.zeros((2, 28, 28), np.uint8)
    digits[0, 4:24, 12:16] = 255  # a "1": tall and narrow
    digits[1, 10:18, 6:22] = 255  # a bar: wide and low
    stretched = stretched_digits(digits)
    assert stretched.shape == (2, 28, 28) and stretched.dtype == np.uint8
    assert (stretched == 255).all()  # each ink box becomes the whole square
    assert stretched_digits(np.zeros((0, 28, 28), np.uint8)).shape == (0, 28, 28)
    with pytest.raises(ValueError, match="stack"):
        stretched_digits(np.zeros((28, 28), np.uint8))


def test_undo_each_change_reads_a_page_six_ways(trained_classifier, mnist_subset):
    data = mnist_subset(2000, 200)
    model = trained_classifier("svm", n_train=2000)
    original_model = trained_classifier("original", n_train=2000)
    # Five MNIST test digits, three times their size, dark on white paper.
    page = np.full((160, 640), 255, np.uint8)
    for n, digit in enumerate(data.x_test[:5]):
        big = np.kron(digit, np.ones((3, 3), np.uint8))
        page[40:124, 40 + n * 110:124 + n * 110] = 255 - big
    readings = undo_each_change(page, model=model, original_model=original_model)
    assert list(readings) == list(UNDONE)
    kit = readings["kit"]
    assert len(kit.boxes) == 5
    assert readings["stretched crops"].boxes is kit.boxes
    assert readings["stretched crops"].labels.tolist() == model.read(
        stretched_digits(kit.digits))[1].tolist()
    assert len(readings["no merge/split"].boxes) == 5
    assert len(readings["original"].boxes) == 5
    assert readings["HOG+KNN"].labels.tolist() == original_model.predict(kit.digits).tolist()


# ------------------------------------------------- retrain and read again

def test_retrain_and_reread_learns_a_correction_and_reads_the_page_again(trained_classifier):
    from ocrkit._paths import DATA_DIR
    from ocrkit.correct import retrain_and_reread
    from ocrkit.pipeline import read_page

    model = trained_classifier("knn", n_train=300, k=1)
    reading = read_page(DATA_DIR / "handwriting" / "writer_c_page_photo.jpg", model=model)
    wrong = (int(reading.labels[0]) + 1) % 10
    fixes, again, changed = retrain_and_reread(reading, {0: wrong}, n_mnist=300,
                                               kind="knn", k=1, augment=2,
                                               progress=False)
    assert fixes.indices.tolist() == [0] and fixes.labels.tolist() == [wrong]
    assert again.name == reading.name and again.image is reading.image
    # k=1 reads a digit it was trained on as its label: the corrected one.
    assert changed[0] == wrong
    with pytest.raises(ValueError, match="nothing to learn"):
        retrain_and_reread(reading, {}, n_mnist=300, progress=False)
