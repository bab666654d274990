"""Shared pieces of the benchmarks: the machine, timing, peak memory."""

import os
import platform
import sys
import threading
import time
import tracemalloc
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

#: How peak memory is measured, as written into the results.
MEMORY_METHOD = (
    "peak resident set size (RSS) above the RSS when the step started, sampled every "
    "5 ms from /proc/self/statm by a background thread; it counts memory allocated "
    "inside C libraries (libsvm, OpenCV) too"
)
MEMORY_METHOD_FALLBACK = (
    "tracemalloc peak of Python and NumPy allocations during the step "
    "(memory allocated inside C libraries such as libsvm is not counted)"
)
_STATM = Path("/proc/self/statm")


def cpu_model():
    """The CPU's model name, from /proc/cpuinfo on Linux, else the platform module."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _version(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_info():
    """What the numbers were measured on: cores, CPU, OS, Python, library versions, date."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    try:
        load = [round(v, 2) for v in os.getloadavg()]
    except OSError:
        load = None
    import cv2

    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": cores,
        "cpu": cpu_model(),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "load_average_at_start": load,
        "versions": {
            "ocrkit": _version("ocrkit"),
            "numpy": _version("numpy"),
            "opencv": cv2.__version__,
            "scikit-image": _version("scikit-image"),
            "scikit-learn": _version("scikit-learn"),
        },
    }


def timed(fn, *args, **kwargs):
    """Run ``fn`` once: (seconds, result)."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def median_time(fn, repeats):
    """Median wall time of ``repeats`` calls of ``fn()``: (median s, all times, last result)."""
    times, result = [], None
    for _ in range(max(1, int(repeats))):
        seconds, result = timed(fn)
        times.append(seconds)
    times.sort()
    middle = len(times) // 2
    median = times[middle] if len(times) % 2 else 0.5 * (times[middle - 1] + times[middle])
    return median, times, result


def _rss_bytes():
    pages = int(_STATM.read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


class PeakMemory:
    """Context manager measuring a step's peak memory in MB (see :data:`MEMORY_METHOD`).

    Examples
    --------
    >>> with PeakMemory() as memory:
    ...     block = bytearray(50_000_000)
    >>> memory.peak_mb >= 0
    True
    """

    uses_rss = _STATM.exists()

    def __init__(self, interval=0.005):
        self.interval = interval
        self.peak_mb = 0.0

    def __enter__(self):
        if self.uses_rss:
            self._start = self._peak = _rss_bytes()
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        else:
            self._was_tracing = tracemalloc.is_tracing()
            if not self._was_tracing:
                tracemalloc.start()
            tracemalloc.reset_peak()
            self._start = tracemalloc.get_traced_memory()[0]
        return self

    def _sample(self):
        while not self._stop.wait(self.interval):
            self._peak = max(self._peak, _rss_bytes())

    def __exit__(self, *exc):
        if self.uses_rss:
            self._stop.set()
            self._thread.join()
            peak = max(self._peak, _rss_bytes())
        else:
            peak = tracemalloc.get_traced_memory()[1]
            if not self._was_tracing:
                tracemalloc.stop()
        self.peak_mb = max(0.0, (peak - self._start) / 2**20)
        return False


def memory_method():
    """The sentence saying how :class:`PeakMemory` measures on this machine."""
    return MEMORY_METHOD if PeakMemory.uses_rss else MEMORY_METHOD_FALLBACK
