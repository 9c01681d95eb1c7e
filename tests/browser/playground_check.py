"""The chapter 08 playground in a real browser: play, pause, step, add a layer, switch data.

Called by the browser check for every explorer that shows a playground epoch counter
(``.nnlib-playground-epoch``). Every action goes through the page, as a reader's clicks.
"""

from __future__ import annotations

import re
import time

from browser_support import JS_EXPLORER_VIEW

EPOCH = ".nnlib-playground-epoch"
TIMEOUT_S = 20


def _epoch(explorer) -> int:
    text = explorer.locator(EPOCH).inner_text()
    return int(re.sub(r"\D", "", text) or -1)


def _until(condition, what: str, label: str, problems: list[str]) -> bool:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    problems.append(f"{label}: {what} (waited {TIMEOUT_S} s)")
    return False


def _button(explorer, name: str):
    """The control the explorer keys ``name`` (its label is in the reader's language)."""
    return explorer.locator(f"button.nnlib-control-{name}")


def exercise_playground(page, explorer, label: str) -> list[str]:
    """Play until the epoch counter and the picture have moved on, stop, step once, add a
    layer, switch to another data set; return what did not happen."""
    problems: list[str] = []
    explorer.scroll_into_view_if_needed()
    start, src = _epoch(explorer), explorer.evaluate(JS_EXPLORER_VIEW)["src"]
    play_buttons = explorer.locator(".widget-play button:visible")  # play, (pause,) stop
    play_buttons.first.click()
    played = _until(lambda: _epoch(explorer) >= start + 3
                    and explorer.evaluate(JS_EXPLORER_VIEW)["src"] != src,
                    "playing did not advance the epoch counter and the picture", label, problems)
    if played:  # frames per second while playing, as the reader sees them
        first, began = _epoch(explorer), time.monotonic()
        page.wait_for_timeout(2000)
        frames = _epoch(explorer) - first
        print(f"{label}: playing, {frames / (time.monotonic() - began):.1f} epochs (frames) "
              "per second in the browser")
    play_buttons.last.click()  # stop
    page.wait_for_timeout(500)
    stopped = _epoch(explorer)
    page.wait_for_timeout(500)
    if _epoch(explorer) != stopped:
        problems.append(f"{label}: the epoch counter kept moving after stop")
    _button(explorer, "step").click()
    _until(lambda: _epoch(explorer) == stopped + 1, "step did not train one epoch", label,
           problems)
    _button(explorer, "add_layer").click()
    _until(lambda: "hidden layers [4, 4, 4]" in explorer.inner_text(),
           "+ layer did not add a third hidden layer", label, problems)
    explorer.locator("select").first.select_option("xor")
    _until(lambda: "data='xor'" in explorer.inner_text() and _epoch(explorer) == 0,
           "switching the data set to xor did not start again on it", label, problems)
    return problems
