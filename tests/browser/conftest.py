"""One JupyterLab server and one headless Chromium, shared by every notebook in the run.

The server is started the way ``make lab`` starts it (same interpreter, ``jupyter lab
--ip=127.0.0.1 --no-browser``), but on a free loopback port with a random token, from a
temporary copy of ``chapters/``, with fresh Jupyter config/data/runtime/settings
directories: nothing in the repo is modified and no user settings leak in, while the lab
extensions installed in the venv (jupyterlab_widgets) still load.

Environment knobs:

- ``NNLIB_BROWSER_DISABLE_WIDGETS=1`` disables ``@jupyter-widgets/jupyterlab-manager`` in
  the isolated config, to show that the check fails when widgets cannot render.
- ``NNLIB_BROWSER_CHAPTERS=/some/dir`` tests the notebooks of another folder.
- ``NNLIB_CHROMIUM=/path/to/chromium`` uses another Chromium binary.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, WAIT_MS, chapters_dir

WIDGETS_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
SERVER_START_TIMEOUT_S = 60
# Hard stop for one test: if it still runs after this, the server and the browser driver are
# killed, so every pending call fails instead of hanging. Per test, not per session: the
# session's fixtures live until pytest ends, and tests/lite (which shares the driver) runs
# long after this folder's tests.
TEST_WATCHDOG_S = 300


@dataclass
class Lab:
    """A running JupyterLab server that only this test session knows the token of."""

    base_url: str
    token: str
    root: Path
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def url(self, path: str, **query: str) -> str:
        query_string = "&".join([*(f"{k}={v}" if v else k for k, v in query.items()),
                                 f"token={self.token}"])
        return f"{self.base_url}/{path}?{query_string}"

    def api(self, path: str, method: str = "GET", body: dict | None = None) -> object:
        request = urllib.request.Request(
            f"{self.base_url}/api/{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def start_kernel(self, notebook_path: str, kernel_name: str) -> None:
        """Start the notebook's kernel while the page loads; JupyterLab then connects to it,
        as it does when a reader reopens a notebook whose kernel runs."""
        self.api("sessions", method="POST", body={
            "path": notebook_path, "name": notebook_path, "type": "notebook",
            "kernel": {"name": kernel_name},
        })

    def kernel_state(self, notebook_path: str) -> str | None:
        """Execution state of the kernel behind the notebook's session, or None."""
        for session in self.api("sessions"):
            if session.get("path") == notebook_path and session.get("kernel"):
                return session["kernel"].get("execution_state")
        return None

    def shut_down_sessions(self) -> None:
        """Stop every kernel, so the next notebook does not share the two cores with it."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class BrowserReport:
    """What the run measured, printed at the end of the pytest output."""

    screenshot_dir: Path
    notebooks: dict[str, float] = field(default_factory=dict)
    explorers: list[tuple[str, str]] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    finished: float = 0.0


def _watchdog(stop, target, what: str) -> threading.Timer:
    def fire() -> None:
        print(f"\nbrowser check still running after {TEST_WATCHDOG_S} s: stopping {what}",
              file=sys.stderr)
        stop(target)

    timer = threading.Timer(TEST_WATCHDOG_S, fire)
    timer.daemon = True
    timer.start()
    return timer


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _isolated_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "IPYTHON")) and k != "PYTHONSTARTUP"}
    for name, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                      ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                      ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("IPYTHONDIR", "ipython")]:
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(home / sub)
    # A fresh user who already answered "no" to the news pop-up, which would cover sliders.
    notification = home / "settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text(json.dumps({"fetchNews": "false"}))
    return env


def _disable_widgets(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "jupyter", "labextension", "disable", "--level=user",
         WIDGETS_EXTENSION],
        env=env, check=True, capture_output=True, timeout=60,
    )


def _wait_until_serving(lab: Lab) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if lab.process.poll() is not None:
            code = lab.process.returncode
            raise RuntimeError(f"JupyterLab exited with {code}:\n{lab.log_tail()}")
        try:
            lab.api("status")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    waited = SERVER_START_TIMEOUT_S
    raise TimeoutError(f"JupyterLab gave no answer in {waited} s:\n{lab.log_tail()}")


def _stop_server(lab: Lab) -> None:
    """Stop the kernels, then the server. Kernels also exit by themselves if the server dies
    (ipykernel watches its parent), and the server shares pytest's process group, so a
    Ctrl-C or `timeout` reaches it too."""
    try:
        lab.shut_down_sessions()
    except (OSError, ValueError):
        pass
    if lab.process.poll() is None:
        lab.process.terminate()
        try:
            lab.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            lab.process.kill()
            lab.process.wait(timeout=5)


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("jupyterlab")
    root = workdir / "chapters"
    shutil.copytree(chapters_dir(), root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    env = _isolated_env(workdir / "home")
    if os.environ.get("NNLIB_BROWSER_DISABLE_WIDGETS") == "1":
        _disable_widgets(env)
    port, token = _free_port(), secrets.token_hex(24)
    command = [
        sys.executable, "-m", "jupyter", "lab", "--ip=127.0.0.1", "--no-browser",
        f"--port={port}", "--port-retries=0", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:  # CI containers run as root; JupyterLab refuses that by default
        command.append("--allow-root")
    log_path = workdir / "jupyterlab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    server = Lab(f"http://127.0.0.1:{port}", token, root, log_path, process)
    try:
        _wait_until_serving(server)
        yield server
    finally:
        _stop_server(server)


def _quietly(close) -> None:
    """Close something that may already be gone (after the watchdog fired, say)."""
    from playwright.sync_api import Error

    try:
        close()
    except Error as error:
        print(f"while closing the browser: {error}")


def _kill(pids: set[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="session")
def browser(playwright_driver):
    playwright, _ = playwright_driver  # shared with tests/lite (tests/conftest.py)
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=60_000
    )
    try:
        yield chromium
    finally:
        _quietly(chromium.close)


@pytest.fixture(autouse=True)
def _hang_guard(request: pytest.FixtureRequest):
    """Each test of this folder runs under the watchdog: past TEST_WATCHDOG_S the server and
    the driver (ours; killing it makes a hung call raise) are stopped."""
    timers = []
    if "lab" in request.fixturenames:
        timers.append(_watchdog(_stop_server, request.getfixturevalue("lab"),
                                "the JupyterLab server"))
    if "browser_context" in request.fixturenames:
        _, driver_pids = request.getfixturevalue("playwright_driver")
        timers.append(_watchdog(_kill, driver_pids, "the Playwright driver"))
    yield
    for timer in timers:
        timer.cancel()


@pytest.fixture(scope="session")
def browser_context(browser):
    """One browser profile for every notebook, so JupyterLab's files are cached after the first."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(WAIT_MS)
    try:
        yield context
    finally:
        _quietly(context.close)


_REPORTS: list[BrowserReport] = []


@pytest.fixture(scope="session")
def browser_report(tmp_path_factory: pytest.TempPathFactory) -> BrowserReport:
    report = BrowserReport(tmp_path_factory.mktemp("browser-screenshots"))
    _REPORTS.append(report)
    return report


def pytest_terminal_summary(terminalreporter) -> None:
    for report in _REPORTS:
        terminalreporter.section("browser check (tests/browser)")
        write = terminalreporter.write_line
        write(f"screenshots: {report.screenshot_dir}")
        for label, summary in report.explorers:
            write(f"  press-to-plot median  {label:<32} {summary}")
        for name, seconds in report.notebooks.items():
            write(f"  notebook {name:<40} {seconds:5.1f} s")
        total = report.finished - report.started
        write(f"  total (server, browser, all notebooks) {total:.1f} s")
