"""Real-browser check: every chapter runs in JupyterLab, and its explorers respond.

nbval proves the kernel side. This proves what a reader sees: in headless Chromium, each
chapter is opened with a fresh layout and Run All; no cell may show an error, every saved
widget view must render as a live widget, and every explorer's main slider, moved by
keyboard and by a mouse drag, must redraw the plot and change the readout.

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
    JS_PROBE,
    JS_RUN_ALL_OVER,
    JS_WATCH_RUN,
    SLIDER_HANDLE,
    WAIT_MS,
    kernel_name,
    notebook_path,
    notebooks,
    run_problems,
    saved_widget_counts,
    skip_reason,
)

if (_reason := skip_reason()) is not None:
    pytest.skip(_reason, allow_module_level=True)

from playground_check import EPOCH, exercise_playground  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

NOTEBOOKS = notebooks()
PRESSES = 6  # timed key presses per explorer; the median is reported
RUN_ALL_MS = 120_000  # a chapter must run in well under 30 s; this only bounds a hang
REDRAW_MS = 10_000  # one slider step to a new plot or readout
LATE_IMAGE_MS = 500  # the image may land just after the readout: wait this long for it


@pytest.mark.parametrize("notebook", NOTEBOOKS,
                         ids=[notebook_path(path).removesuffix(".ipynb") for path in NOTEBOOKS])
def test_notebook_in_browser(browser_report, lab, browser_context, notebook: Path) -> None:
    started = time.perf_counter()
    phases: dict[str, float] = {}

    def phase(name: str) -> None:
        phases[name] = time.perf_counter() - started - sum(phases.values())

    expected_views, expected_explorers = saved_widget_counts(notebook)
    name = notebook_path(notebook)  # ja/05_x.ipynb for the Japanese edition
    stem = name.removesuffix(".ipynb")
    page = browser_context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    screenshot = browser_report.screenshot_dir / f"{stem.replace('/', '_')}.png"
    try:
        open_with_fresh_layout(page, lab, name, kernel_name(notebook))
        phase("open")
        problems = run_problems(run_all(page, lab, name))
        phase("run all")
        problems += rendered_output_problems(page, expected_views, expected_explorers)
        phase("render")
        explorers = page.locator(f".jp-Notebook {EXPLORER}")
        for index in range(explorers.count()):
            label = f"{stem}[{index}]"
            problems += exercise_explorer(page, explorers.nth(index), label, browser_report)
            if explorers.nth(index).locator(EPOCH).count():  # chapter 08's playground
                problems += exercise_playground(page, explorers.nth(index), label)
        phase("explorers")
        if explorers.count():
            explorers.first.scroll_into_view_if_needed()
        assert not problems, "\n".join(problems + [f"page error: {e}" for e in page_errors])
    finally:
        try:
            page.screenshot(path=str(screenshot))
            print(f"screenshot: {screenshot}")
        except PlaywrightError as error:
            print(f"no screenshot: {error}")
        try:
            page.close()
        except PlaywrightError as error:
            print(f"could not close the page: {error}")
        try:
            lab.shut_down_sessions()  # free the two cores for the next notebook
        except OSError as error:
            print(f"could not stop the kernel: {error}")
        total = time.perf_counter() - started
        browser_report.notebooks[stem] = total
        browser_report.finished = time.perf_counter()
        print(f"{name}: {total:.1f} s ("
              + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items()) + ")")


def wait_until(condition, timeout_s: float, what: str, settle: int = 2) -> None:
    """Poll until `condition()` holds `settle` times in a row, or fail naming `what`."""
    deadline, streak = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline:
        streak = streak + 1 if condition() else 0
        if streak >= settle:
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def kernel_idle(page, lab, name: str) -> bool:
    """Idle on both sides: the server's kernel state and the notebook's own indicator."""
    return lab.kernel_state(name) == "idle" and page.locator(EXECUTION_IDLE).count() == 1


def open_with_fresh_layout(page, lab, name: str, kernel_name: str) -> None:
    lab.start_kernel(name, kernel_name)
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
        page.wait_for_function(JS_RUN_ALL_OVER, timeout=RUN_ALL_MS, polling=100)
    except PlaywrightTimeout:
        message = f"{name}: Run All did not finish in {RUN_ALL_MS / 1000:.0f} s"
        raise AssertionError(message) from None
    wait_until(lambda: kernel_idle(page, lab, name), WAIT_MS / 1000, f"{name}'s kernel to go idle")
    # Save (into the temporary copy) to read what the cells show, errors included: in the
    # page a traceback looks like any other stderr text.
    path = lab.root / name
    saved_before = path.stat().st_mtime_ns
    page.click(".jp-NotebookPanel-toolbar [data-command='docmanager:save']")
    wait_until(lambda: path.stat().st_mtime_ns != saved_before and _reads_as_json(path),
               WAIT_MS / 1000, f"{name} to be saved", settle=1)
    return json.loads(path.read_text(encoding="utf-8"))


def _reads_as_json(path: Path) -> bool:
    try:
        json.loads(path.read_text(encoding="utf-8"))
        return True
    except ValueError:
        return False


def rendered_output_problems(page, expected_views: int, expected_explorers: int | None) -> list:
    """Widgets that did not render, and widgets missing from the page."""
    try:
        page.wait_for_function(
            f"() => ({JS_OUTPUT_SUMMARY})().loading === 0", timeout=WAIT_MS, polling=100
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


def wait_for_view(explorer, changed, timeout_s: float = REDRAW_MS / 1000) -> bool:
    """Poll the explorer's view until `changed(view)` holds; False after the timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if changed(view_of(explorer)):
            return True
        time.sleep(0.05)
    return False


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


def press(page, explorer, index: int, key: str) -> dict:
    """Press `key` on slider `index`; return the probe once the plot or the readout changed."""
    explorer.evaluate(JS_ARM_PROBE, index)
    explorer.locator(SLIDER_HANDLE).nth(index).press(key)
    element = explorer.element_handle()
    done = "el => el.__nnlibProbe.redrawn !== null || el.__nnlibProbe.described !== null"
    for condition, timeout in [(done, REDRAW_MS), ("el => el.__nnlibProbe.redrawn !== null",
                                                   LATE_IMAGE_MS)]:
        try:
            page.wait_for_function(condition, arg=element, timeout=timeout, polling="raf")
        except PlaywrightTimeout:
            pass
    return explorer.evaluate(JS_PROBE)


def direction(slider: dict, key: str) -> str:
    """Keep going the same way until the slider hits an end, then turn round."""
    if slider["now"] >= slider["max"]:
        return "ArrowLeft"
    if slider["now"] <= slider["min"]:
        return "ArrowRight"
    return key


def exercise_explorer(page, explorer, label: str, report) -> list[str]:
    """Key presses (timed) and then a mouse drag on the explorer's main slider.

    The main slider is the first one whose moves redraw the plot, two presses in a row: a
    training explorer's learning rate, say, redraws once (its trained curves go, as they
    belong to another rate) and then only changes the readout until Train is pressed.
    """
    explorer.scroll_into_view_if_needed()
    wait_for_quiet(page, explorer)
    start = view_of(explorer)
    if not start["sliders"]:
        return [f"{label}: the explorer shows no slider"]
    main, key, latencies, tried = None, "ArrowRight", [], []
    for index, slider in enumerate(start["sliders"]):
        latencies, key = [], "ArrowRight"
        for _ in range(2):
            key = direction(view_of(explorer)["sliders"][index], key)
            probe = press(page, explorer, index, key)
            if probe["redrawn"] is None:
                break
            latencies.append(probe["redrawn"] - probe["keydown"])
        if len(latencies) == 2:
            main = index
            break
        tried.append(slider["label"] or f"slider {index + 1}")
    if main is None:
        return [f"{label}: no slider redrew the plot on two key presses in a row "
                f"(tried {', '.join(tried)})"]
    name = start["sliders"][main]["label"] or f"slider {main + 1}"
    problems = []
    while len(latencies) < PRESSES:
        key = direction(view_of(explorer)["sliders"][main], key)
        probe = press(page, explorer, main, key)
        if probe["redrawn"] is None:
            problems.append(f"{label}: {key} on {name!r} did not redraw the plot")
            break
        latencies.append(probe["redrawn"] - probe["keydown"])
    if not wait_for_view(explorer, lambda view: view["readout"] != start["readout"]):
        problems.append(f"{label}: key presses left the readout at {start['readout']!r}")
    median = statistics.median(latencies)
    summary = (f"{median:4.0f} ms  (n={len(latencies)}, {min(latencies):.0f}-"
               f"{max(latencies):.0f} ms, slider {name!r})")
    report.explorers.append((label, summary))
    print(f"{label}: key press to new plot, median {summary}")
    return problems + drag(page, explorer, main, label, name)


def drag(page, explorer, index: int, label: str, name: str) -> list[str]:
    """Drag the handle of slider `index` a good way along its track with the mouse."""
    wait_for_quiet(page, explorer)
    before = view_of(explorer)
    slider = explorer.locator(".widget-slider").nth(index)
    box = slider.locator(".noUi-handle").bounding_box()
    track = slider.locator(".noUi-base").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    fraction = 0.15 if x > track["x"] + track["width"] / 2 else 0.85
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(track["x"] + fraction * track["width"], y, steps=8)
    page.mouse.up()
    checks = [
        ("slider", lambda view: view["sliders"][index]["now"] != before["sliders"][index]["now"]),
        ("plot", lambda view: view["src"] != before["src"]),
        ("readout", lambda view: view["readout"] != before["readout"]),
    ]
    return [f"{label}: dragging {name!r} did not change the {what}"
            for what, changed in checks if not wait_for_view(explorer, changed)]
