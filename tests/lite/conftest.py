"""The browser edition, served on loopback, and one headless Chromium to read it with.

The site is ``_site/`` as ``make site`` builds it: reused when ``build/site-sources.sha256``
says it was built from the sources in the tree now, built otherwise (about a minute the
first time, which downloads the build inputs into ``build/site-cache/``). A
``ThreadingHTTPServer`` thread serves it on 127.0.0.1 with GitHub Pages' caching header
(``max-age=600``), counting the bytes it sends.
Chromium runs with the flags of ``tests/browser`` and a host-resolver rule that resolves
no name but the loopback address, so nothing can leave the machine; every request the pages
and their workers make is recorded, and the test fails on any that is not for loopback.

- ``NNLIB_CHROMIUM=/path/to/chromium`` uses another Chromium binary (as in tests/browser).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browser_support import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, WAIT_MS  # noqa: E402

LOOPBACK = "127.0.0.1"
# Resolve nothing but loopback: a request for any other host fails at once.
ISOLATED = [f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOOPBACK}"]
#: A bound for a hang, not a speed check: each test's own waits fail first. Per test in
#: tests/lite, wide enough for a chapter on two cores shared with other work (chapter 07,
#: with its training, took 3 minutes under a load of 9).
WATCHDOG_PER_TEST_S = 300


def _build_site_module():
    spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class SiteReport:
    """What the run measured, printed at the end of the pytest output."""

    rows: list[str] = field(default_factory=list)
    explorers: list[tuple[str, str]] = field(default_factory=list)  # as tests/browser fills it
    screenshot_dir: Path | None = None


@dataclass
class Served:
    url: str
    root: Path
    bytes_sent: list[int] = field(default_factory=lambda: [0])

    @property
    def megabytes(self) -> float:
        return self.bytes_sent[0] / 1e6


@pytest.fixture(scope="session")
def site() -> Path:
    build_site = _build_site_module()
    built_from = build_site.BUILT_FROM
    fresh = built_from.is_file() and built_from.read_text() == build_site.sources_digest()
    if not fresh or not (build_site.OUTPUT / "index.html").is_file():
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "tools" / "build_site.py"), "--check"],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        print(f"\nbuilt _site/ in {time.perf_counter() - started:.0f} s")
    return build_site.OUTPUT


@contextlib.contextmanager
def serving(directory: Path):
    """Serve ``directory`` on loopback as GitHub Pages would (``max-age=600``); a Served."""
    sent = [0]

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self) -> None:
            self.send_header("Cache-Control", "max-age=600")  # as GitHub Pages sends it
            super().end_headers()

        def copyfile(self, source, outputfile) -> None:
            super().copyfile(source, outputfile)
            sent[0] += source.tell()

        def log_message(self, *args) -> None:  # quiet
            pass

    server = http.server.ThreadingHTTPServer(
        (LOOPBACK, 0), functools.partial(Handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://{LOOPBACK}:{server.server_port}", directory, sent)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def served(site: Path):
    with serving(site) as server:
        yield server


@pytest.fixture(scope="session")
def serve_directory():
    """``serving``, for a test that serves a site of its own (a test-only rebuild)."""
    return serving


@pytest.fixture(scope="session")
def build_site():
    """tools/build_site.py as a module (its publishing functions, for a test-only rebuild)."""
    return _build_site_module()


def _kill(pids: set[int], seconds: int) -> None:
    print(f"\nthe browser edition's check still runs after {seconds} s: "
          "stopping the Playwright driver", flush=True)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="session")
def requests_seen() -> list[str]:
    return []


@pytest.fixture(scope="session")
def lite_context(requests_seen: list[str], tmp_path_factory: pytest.TempPathFactory,
                 playwright_driver, request: pytest.FixtureRequest):
    """A browser profile of its own, with a disk cache as a reader's browser has (the
    in-memory cache of a throwaway context keeps no file of 10 MB, Pyodide's wasm)."""
    playwright, driver_pids = playwright_driver  # one per run, shared with tests/browser
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS + ISOLATED, viewport=VIEWPORT)
    # Past the deadline, kill the driver: every pending call then fails instead of hanging.
    here = Path(__file__).parent
    tests = sum(here in Path(item.path).parents for item in request.session.items)
    seconds = WATCHDOG_PER_TEST_S * max(tests, 1)
    watchdog = threading.Timer(seconds, _kill, [driver_pids, seconds])
    watchdog.daemon = True
    watchdog.start()
    try:
        context.set_default_timeout(WAIT_MS)
        # Pages, their workers and the service worker: Chromium reports all of them here.
        context.on("request", lambda sent: requests_seen.append(sent.url))
        yield context
    finally:
        watchdog.cancel()
        try:
            context.close()
        except Exception as error:  # the watchdog killed the driver
            print(f"while closing the browser: {error}")


@pytest.fixture(scope="session")
def site_report(tmp_path_factory: pytest.TempPathFactory) -> SiteReport:
    report = SiteReport(screenshot_dir=tmp_path_factory.mktemp("lite-screenshots"))
    _REPORTS.append(report)
    return report


_REPORTS: list[SiteReport] = []


def pytest_terminal_summary(terminalreporter) -> None:
    for report in _REPORTS:
        if report.rows:
            terminalreporter.section("browser edition (JupyterLite + Pyodide)")
            for row in report.rows:
                terminalreporter.write_line(row)
            terminalreporter.write_line(f"screenshots: {report.screenshot_dir}")
