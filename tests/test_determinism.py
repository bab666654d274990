"""The same inputs give the same numbers whatever SIMD code numpy picks.

numpy dispatches sorting, partitioning and some arithmetic to code written
for the CPU it runs on (AVX-512, AVX2, or plain). ``NPY_DISABLE_CPU_FEATURES``
makes one machine take the paths of a machine without AVX-512 or AVX2; the
probe (``tests/probes/determinism.py``) then runs in a fresh interpreter
under each setting, and its labels and confidences must agree.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

PROBE = Path(__file__).parent / "probes" / "determinism.py"
# numpy 2.4's names; older names are silently ignored, so the probe reports
# which features were really in effect.
WITHOUT = {
    "no AVX-512": ("X86_V4 AVX512_ICL AVX512_SPR", "X86_V4"),
    "no AVX-512, no AVX2": ("X86_V3 X86_V4 AVX512_ICL AVX512_SPR", "X86_V3"),
}


def _probe(disable=None):
    env = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
    if disable:
        env["NPY_DISABLE_CPU_FEATURES"] = disable
    done = subprocess.run([sys.executable, str(PROBE)], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def as_is():
    return _probe()


def test_the_probe_meets_ties(as_is):
    # Binary pixels give whole-number distances: without ties at the 3rd
    # neighbour the KNN half of the probe would prove nothing.
    assert as_is["knn_ties"] >= 10
    assert len(as_is["page_labels"]) >= 90


@pytest.mark.parametrize("setting", sorted(WITHOUT))
def test_same_answers_without_simd_features(as_is, setting):
    disable, feature = WITHOUT[setting]
    if not as_is["cpu"][feature]:
        pytest.skip(f"this CPU has no {feature}: it cannot take another path that way")
    other = _probe(disable)
    assert not other["cpu"][feature], f"NPY_DISABLE_CPU_FEATURES={disable!r} did not take effect"
    for key in ("knn_labels", "mnist_labels", "page_labels", "page_lines"):
        assert other[key] == as_is[key], key
    for key in ("knn_confidence", "mnist_confidence", "page_confidence"):
        np.testing.assert_allclose(other[key], as_is[key], rtol=0, atol=1e-9, err_msg=key)
