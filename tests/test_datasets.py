"""load_mnist: the bundled MNIST file, its subsets and its refusals."""

import shutil
import subprocess
import sys

import numpy as np
import pytest

from ocrkit.datasets import MNIST_SHA256, load_mnist, mnist_path
from ocrkit.errors import DataFileError, OcrkitError, OptionError

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(scope="module")
def full():
    return load_mnist()


def test_full_set_has_the_known_shapes_dtypes_and_class_counts(full):
    assert full.x_train.shape == (60000, 28, 28) and full.x_test.shape == (10000, 28, 28)
    assert full.x_train.dtype == full.x_test.dtype == np.uint8
    assert np.bincount(full.y_train).tolist() == TRAIN_COUNTS
    assert np.bincount(full.y_test).tolist() == TEST_COUNTS


def test_digits_are_white_on_black_in_the_original_order(full):
    # MNIST's first training digit is a 5 and its first test digit a 7; the
    # top row of the digits is almost all background (black).
    assert int(full.y_train[0]) == 5 and int(full.y_test[0]) == 7
    assert full.x_train[:, 0, :].mean() < 1.0 and full.x_train.max() == 255


def test_subset_is_class_balanced_seeded_and_in_order(full):
    first = load_mnist(n_train=1000, n_test=95, seed=3)
    again = load_mnist(n_train=1000, n_test=95, seed=3)
    other = load_mnist(n_train=1000, n_test=95, seed=4)
    assert np.bincount(first.y_train).tolist() == [100] * 10
    assert sorted(np.bincount(first.y_test).tolist()) == [9] * 5 + [10] * 5
    assert np.array_equal(first.x_train, again.x_train)
    assert not np.array_equal(first.x_train, other.x_train)
    # Every subset digit is a digit of the full set, in the full set's order.
    index = {full.x_train[i].tobytes(): i for i in range(len(full.x_train))}
    positions = [index[d.tobytes()] for d in first.x_train]
    assert positions == sorted(positions)


def test_a_subset_as_large_as_an_unbalanced_set_returns_all_of_it(full):
    data = load_mnist(n_train=10, n_test=10000)
    assert np.bincount(data.y_test).tolist() == TEST_COUNTS


@pytest.mark.parametrize(("sizes", "match"), [
    ({"n_test": 10001}, "^n_test must be a number of digits from 0 to 10,000, .*got 10001$"),
    ({"n_train": -1}, "^n_train must be a number of digits from 0 to 60,000"),
    ({"n_train": 2.5}, "^n_train must be a number of digits"),
])
def test_asking_for_more_than_there_is_says_so(sizes, match):
    with pytest.raises(OptionError, match=match):
        load_mnist(**sizes)


def test_missing_file_says_how_to_restore_it(tmp_path):
    with pytest.raises(DataFileError, match="not found.*git checkout"):
        load_mnist(path=tmp_path / "mnist.npz")


def test_truncated_file_is_refused_by_its_checksum(tmp_path):
    broken = tmp_path / "mnist.npz"
    broken.write_bytes(mnist_path().read_bytes()[:100_000])
    with pytest.raises(DataFileError, match=r"mnist\.npz: checksum mismatch"):
        load_mnist(path=broken)


def test_git_lfs_pointer_is_recognised(tmp_path):
    pointer = tmp_path / "mnist.npz"
    pointer.write_text("version https://git-lfs.github.com/spec/v1\n"
                       f"oid sha256:{MNIST_SHA256}\nsize 11490519\n")
    with pytest.raises(DataFileError, match="Git LFS pointer.*git lfs pull"):
        load_mnist(path=pointer)


def test_errors_are_ocrkit_errors(tmp_path):
    copy = tmp_path / "mnist.npz"
    shutil.copyfile(mnist_path(), copy)
    assert load_mnist(path=copy, n_train=10, n_test=10).x_train.shape == (10, 28, 28)
    copy.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(OcrkitError):
        load_mnist(path=copy)


def test_loading_mnist_imports_neither_the_sheet_readers_nor_the_synthetic_pages():
    code = ("import sys, ocrkit.datasets; "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('ocrkit'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    loaded = done.stdout.split()
    assert "ocrkit.datasets" in loaded
    assert not [m for m in loaded if m.startswith(("ocrkit.sheets", "ocrkit.synth"))]
