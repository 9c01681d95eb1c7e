"""Shared pytest setup for the unit and property tests."""

import os

import matplotlib
import pytest
from hypothesis import settings

# Figures draw off-screen in the test process (the notebook kernels nbval starts keep
# their inline backend: an MPLBACKEND variable would leak into them).
matplotlib.use("Agg")

# No per-example deadline: a busy 2-core machine must not turn a slow example into a failure
# (tests never assert wall-clock time). In CI the examples are derived from each test's name
# (derandomize), so a run is reproducible; locally they are random, to keep finding new cases.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True)
settings.register_profile("thorough", deadline=None, max_examples=1000)
default_profile = "ci" if os.environ.get("CI") else "default"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", default_profile))


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver for the whole run, shared by tests/browser and tests/lite (the
    sync API allows one per thread): ``(playwright, pids of the driver's processes)``."""
    import psutil  # ipykernel's own dependency, so always in the venv
    from playwright.sync_api import sync_playwright

    def children() -> set[int]:
        return {child.pid for child in psutil.Process().children()}

    before = children()
    playwright = sync_playwright().start()
    try:
        yield playwright, children() - before
    finally:
        try:
            playwright.stop()
        except Exception as error:  # already gone (a watchdog killed the driver)
            print(f"while stopping Playwright: {error}")
