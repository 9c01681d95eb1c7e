"""The progress bar adapter: tqdm's update/close, on a bar of its own or on a shown widget."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from nnlib.engines.progress import ProgressBar


def test_a_bar_of_its_own_ends_with_its_count_and_time():
    bar = ProgressBar(total=200, desc="training")
    for _ in range(199):
        bar.update()
    assert bar.bar.value == 198  # sent only when the whole percent changes
    bar.update(5)  # never past the total
    bar.close()
    assert bar.n == bar.bar.value == 200
    assert repr(bar).startswith("training: 100%|##########| 200/200 [done in ")
    assert bar.label.value.startswith("200/200 in ")


def test_a_given_widget_is_driven_to_the_total():
    shown = widgets.IntProgress(value=7, min=0, max=3)
    bar = ProgressBar(40, "training", widget=shown)
    assert (shown.value, shown.max, shown.description) == (0, 40, "training")
    for _ in range(40):
        bar.update()
    bar.close()
    assert shown.value == shown.max == 40


@pytest.mark.parametrize("total", [0, -1, 2.5, "10"])
def test_a_bad_total_is_refused(total):
    with pytest.raises((ValueError, TypeError), match="total"):
        ProgressBar(total)
