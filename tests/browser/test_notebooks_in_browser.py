"""Real-browser check: every chapter runs in JupyterLab, and its explorers respond.

nbval proves the kernel side. This proves what a reader sees: in headless Chromium, each
chapter is opened with a fresh layout and Run All; no cell may show an error, every saved
widget view must render as a live widget, and every explorer's main slider, moved once
by keyboard and once by a mouse drag, must redraw the plot and change the readout.

Run only this check with ``.venv/bin/python -m pytest tests/browser -s``.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import pytest
from browser_support import (
    EXECUTION_IDLE,
    EXPLORER,
    JS_ARM_PROBE,
    JS_EXPLORER_VIEW,
    JS_OUTPUT_SUMMARY,
    JS_PROBE_DONE,
    JS_PROBE_MS,
    JS_RUN_ALL_OVER,
    JS_WATCH_RUN,
    SLIDER_HANDLE,
    SLIDER_TRACK,
    notebooks,
    run_problems,
    saved_widget_counts,
    skip_reason,
)

if (_reason := skip_reason()) is not None:
    pytest.skip(_reason, allow_module_level=True)

from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

NOTEBOOKS = notebooks()
PRESSES = 6
VIEWPORT = {"width": 1280, "height": 900}
WAIT_MS = 20_000  # default for every Playwright wait
RUN_ALL_MS = 120_000  # a chapter must run in well under 30 s; this only bounds a hang
REDRAW_MS = 10_000  # one slider step to a new plot


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_in_browser(browser_report, lab, browser, notebook: Path) -> None:
    started = time.perf_counter()
    expected_views, expected_explorers = saved_widget_counts(notebook)
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(WAIT_MS)
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    screenshot = browser_report.screenshot_dir / f"{notebook.stem}.png"
    try:
        open_with_fresh_layout(page, lab, notebook.name)
        problems = run_problems(run_all(page, lab, notebook.name))
        problems += rendered_output_problems(page, expected_views, expected_explorers)
        explorers = page.locator(f".jp-Notebook {EXPLORER}")
        for index in range(explorers.count()):
            label = f"{notebook.stem}[{index}]"
            problems += exercise_explorer(page, explorers.nth(index), label, browser_report)
        if explorers.count():
            explorers.first.scroll_into_view_if_needed()
        assert not problems, "\n".join(problems + [f"page error: {e}" for e in page_errors])
    finally:
        try:
            page.screenshot(path=str(screenshot))
            print(f"screenshot: {screenshot}")
        except PlaywrightError as error:
            print(f"no screenshot: {error}")
        page.close()
        try:
            lab.shut_down_sessions()  # free the two cores for the next notebook
        except OSError as error:
            print(f"could not stop the kernel: {error}")
        browser_report.notebooks[notebook.stem] = time.perf_counter() - started
        print(f"{notebook.name}: {time.perf_counter() - started:.1f} s")


def wait_until(condition, timeout_s: float, what: str, settle: int = 2) -> None:
    """Poll until `condition()` holds `settle` times in a row, or fail naming `what`."""
    deadline, streak = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline:
        streak = streak + 1 if condition() else 0
        if streak >= settle:
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def kernel_idle(page, lab, name: str) -> bool:
    """Idle on both sides: the server's kernel state and the notebook's own indicator."""
    return lab.kernel_state(name) == "idle" and page.locator(EXECUTION_IDLE).count() == 1


def open_with_fresh_layout(page, lab, name: str) -> None:
    page.goto(lab.url(f"lab/tree/{name}", reset=""))
    page.wait_for_selector(EXECUTION_IDLE)
    # The indicator reads "idle" before the kernel even exists; wait for the real thing.
    wait_until(lambda: kernel_idle(page, lab, name), WAIT_MS / 1000, f"{name}'s kernel to start")


def run_all(page, lab, name: str) -> dict:
    """Run > Run All Cells from the menu, as a reader would; wait; return the saved notebook."""
    page.evaluate(JS_WATCH_RUN)
    page.click('.lm-MenuBar-itemLabel:text-is("Run")')
    page.click('.lm-Menu-itemLabel:text-is("Run All Cells")')
    try:
        page.wait_for_function(JS_RUN_ALL_OVER, timeout=RUN_ALL_MS, polling=200)
    except PlaywrightTimeout:
        message = f"{name}: Run All did not finish in {RUN_ALL_MS / 1000:.0f} s"
        raise AssertionError(message) from None
    wait_until(lambda: kernel_idle(page, lab, name), WAIT_MS / 1000, f"{name}'s kernel to go idle")
    # Save (into the temporary copy) to read what the cells show, errors included.
    path = lab.root / name
    saved_before = path.stat().st_mtime_ns
    page.click(".jp-NotebookPanel-toolbar [data-command='docmanager:save']")
    wait_until(lambda: path.stat().st_mtime_ns != saved_before, WAIT_MS / 1000,
               f"{name} to be saved", settle=1)
    wait_until(lambda: _reads_as_json(path), WAIT_MS / 1000, f"{name} to be written", settle=1)
    return json.loads(path.read_text(encoding="utf-8"))


def _reads_as_json(path: Path) -> bool:
    try:
        json.loads(path.read_text(encoding="utf-8"))
        return True
    except ValueError:
        return False


def rendered_output_problems(page, expected_views: int, expected_explorers: int | None) -> list:
    """Errors in cells, widgets that did not render, and widgets missing from the page."""
    try:
        page.wait_for_function(
            f"() => ({JS_OUTPUT_SUMMARY})().loading === 0", timeout=WAIT_MS, polling=200
        )
    except PlaywrightTimeout:
        pass  # reported below
    seen = page.evaluate(JS_OUTPUT_SUMMARY)
    problems = []
    if seen["loading"]:
        problems.append(f"{seen['loading']} widget(s) still 'Loading widget...'")
    problems += [f"widget failed: {text}" for text in seen["broken"]]
    if seen["widgetViews"] != expected_views:
        problems.append(
            f"{seen['widgetViews']} widget views rendered, the saved notebook has {expected_views}"
        )
    if expected_explorers is not None and seen["explorers"] != expected_explorers:
        problems.append(
            f"{seen['explorers']} explorers rendered, the saved notebook has {expected_explorers}"
        )
    return problems


def view_of(explorer) -> dict:
    return explorer.evaluate(JS_EXPLORER_VIEW)


def wait_for_quiet(page, explorer, quiet_ms: int = 300) -> None:
    """Let late updates land (a slider's first render may echo its value to the kernel)."""
    deadline = time.monotonic() + 5
    last = view_of(explorer)["src"]
    while time.monotonic() < deadline:
        page.wait_for_timeout(quiet_ms)
        now = view_of(explorer)["src"]
        if now == last:
            return
        last = now


def wait_for_change(page, explorer, before: dict, key: str) -> bool:
    script = f"([el, old]) => ({JS_EXPLORER_VIEW})(el).{key} !== old"
    try:
        page.wait_for_function(script, arg=[explorer.element_handle(), before[key]],
                               timeout=REDRAW_MS, polling=50)
        return True
    except PlaywrightTimeout:
        return False


def exercise_explorer(page, explorer, label: str, report) -> list[str]:
    """Keyboard presses (timed) then a mouse drag on the explorer's first slider."""
    explorer.scroll_into_view_if_needed()
    if not view_of(explorer)["hasSlider"]:
        return [f"{label}: explorer shows no slider"]
    handle = explorer.locator(SLIDER_HANDLE).first
    wait_for_quiet(page, explorer)
    problems, latencies = [], []
    start = view_of(explorer)
    direction = "ArrowLeft" if start["now"] >= start["max"] else "ArrowRight"
    for press in range(1, PRESSES + 1):
        view = view_of(explorer)
        if view["now"] >= view["max"]:
            direction = "ArrowLeft"
        elif view["now"] <= view["min"]:
            direction = "ArrowRight"
        explorer.evaluate(JS_ARM_PROBE)
        handle.press(direction)
        try:
            page.wait_for_function(JS_PROBE_DONE, arg=explorer.element_handle(),
                                   timeout=REDRAW_MS, polling="raf")
        except PlaywrightTimeout:
            problems.append(f"{label}: key press {press} ({direction}) did not redraw the plot")
            break
        latencies.append(explorer.evaluate(JS_PROBE_MS))
    if not wait_for_change(page, explorer, start, "readout"):
        problems.append(f"{label}: key presses left the readout at {start['readout']!r}")
    if latencies:
        median = statistics.median(latencies)
        summary = (f"{median:4.0f} ms  (n={len(latencies)}, "
                   f"range {min(latencies):.0f}-{max(latencies):.0f} ms)")
        report.explorers.append((label, summary))
        print(f"{label}: key press to new plot, median {summary}")

    wait_for_quiet(page, explorer)
    before = view_of(explorer)
    box = handle.bounding_box()
    track = explorer.locator(SLIDER_TRACK).first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    fraction = 0.15 if x > track["x"] + track["width"] / 2 else 0.85
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(track["x"] + fraction * track["width"], y, steps=8)
    page.mouse.up()
    for key, what in [("now", "slider"), ("src", "plot"), ("readout", "readout")]:
        if not wait_for_change(page, explorer, before, key):
            problems.append(f"{label}: a mouse drag did not change the {what}")
    return problems
