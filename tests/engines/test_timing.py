"""The one timing loop: the fastest of a few runs, functions taking turns, browser batches."""

from __future__ import annotations

import pytest

from nnlib.engines.timing import time_call, time_calls


def test_time_calls_take_turns_and_reject_zero_repeats():
    order = []
    seconds = time_calls(lambda: order.append("f"), lambda: order.append("g"), repeat=3)
    assert order == ["f", "g"] * 3  # natively one call per run: no batch
    assert len(seconds) == 2 and all(s >= 0 for s in seconds)
    assert time_call(lambda: None, repeat=1) >= 0
    with pytest.raises(ValueError, match="repeat"):
        time_call(lambda: None, repeat=0)


def test_short_calls_are_timed_in_batches_as_in_the_browser():
    calls = []
    seconds = time_call(lambda: calls.append(1), repeat=2, min_span=0.002)
    # sizing tries 1, 2, 4, ..., N calls (2N - 1 in all), then 2 runs of N: 4N - 1 calls
    batch, rest = divmod(len(calls) + 1, 4)
    assert rest == 0 and batch >= 2 and batch & (batch - 1) == 0
    assert 0 <= seconds < 0.002
