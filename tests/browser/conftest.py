"""Fixtures for the browser tests: a private JupyterLab server and headless Chromium.

The server runs on a free loopback port with a random token, in a temporary
copy of ``notebooks/`` and ``data/``, so that running cells and saving never
touch the repository's files.  It is always stopped, kernels included, even
when a test fails.

Without Playwright or Chromium the tests are skipped with the reason, except
under CI (``CI=true``), where a missing browser is a failure: CI must prove
that the widgets render.

They take about two minutes and a browser, so they run only when asked for
by path (``make browser-test`` runs ``pytest tests/browser``), not in
``make test``.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Nothing may be fetched at test time: no updates, sync, or first-run pages.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT = 90  # seconds; a cold JupyterLab start on a busy 2-core machine


def pytest_collection_modifyitems(config, items):
    asked = any(Path(arg.split("::")[0]).resolve().is_relative_to(Path(__file__).parent)
                for arg in config.args)
    if asked:
        return
    skip = pytest.mark.skip(reason="browser tests run with `make browser-test` "
                                   "(pytest tests/browser)")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


def _missing(reason):
    """Skip locally, fail under CI."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser test must run, not skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    """Keyword arguments for ``playwright.chromium.launch``: the system's Chromium."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("playwright is not installed; run `make browser-test`, which installs it")
    if not CHROMIUM.is_file():
        _missing(f"{CHROMIUM} not found; install Debian's chromium (apt-get install chromium)")
    return {"executable_path": str(CHROMIUM), "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="module")
def browser(chromium):
    """One headless Chromium for a module's tests; each test opens its own context."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium)
        try:
            yield browser
        finally:
            browser.close()


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(process, url, log_path):
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with status {process.returncode}:\n"
                               + log_path.read_text(errors="replace")[-3000:])
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n"
                       + log_path.read_text(errors="replace")[-3000:])


def _stop(process, base, token):
    """Ask the server to shut down (it stops its kernels), then make sure it is gone."""
    if process.poll() is None:
        request = urllib.request.Request(f"{base}/api/shutdown", method="POST",
                                         headers={"Authorization": f"token {token}"})
        try:
            urllib.request.urlopen(request, timeout=5).close()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    # The server runs in its own process group with its kernels: end that group only.
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=10)
            break
        except subprocess.TimeoutExpired:
            continue


# JupyterLab settings for a test browser: start the notebook's own kernel
# without asking, and no news or update checks (they would go to the network).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True},
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True},
}


def _write_lab_settings(folder):
    for plugin, values in LAB_SETTINGS.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@pytest.fixture(scope="module")
def jupyter_home(tmp_path_factory):
    """The private Jupyter folders of one module's server; ``data/`` holds its trust database."""
    return tmp_path_factory.mktemp("jupyter-home")


@pytest.fixture(scope="module")
def lab(tmp_path_factory, jupyter_home):
    """A running JupyterLab on a copy of the course; yields ``(base_url, token, root)``."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "docs", root / "docs")  # figures the notebooks show
    home = jupyter_home
    token = secrets.token_hex(16)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    # Keep the user's own Jupyter settings, workspaces, runtime files and trusted
    # notebooks out.
    env.update({
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
    })
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={root}",
        # CI containers run as root; the server is private to this test anyway.
        "--ServerApp.allow_root=True",
        # Nothing fetched from the network: no update check, news or PyPI listing.
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=",
        "--LabApp.extension_manager=readonly",
    ]
    _write_lab_settings(home / "settings")
    # Matplotlib builds its font list on its first import in an environment:
    # once, here, rather than inside the first notebook's run.
    subprocess.run([sys.executable, "-c", "import matplotlib.pyplot"], env=env,
                   capture_output=True, check=True)
    log_path = home / "server.log"
    # The free port is found before the server takes it: should another program
    # take it in between, the server exits at once and is started on another.
    for attempt in range(3):
        with open(log_path, "wb") as log:
            process = subprocess.Popen(command, cwd=root, env=env, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_until_up(process, f"{base}/api/status?token={token}", log_path)
            break
        except BaseException as error:
            _stop(process, base, token)
            taken = (isinstance(error, RuntimeError)
                     and "already in use" in log_path.read_text(errors="replace"))
            if attempt == 2 or not taken:
                raise
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        command = [f"--ServerApp.port={port}" if arg.startswith("--ServerApp.port=") else arg
                   for arg in command]
    try:
        yield base, token, root
    finally:
        _stop(process, base, token)
