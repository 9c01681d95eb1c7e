"""One timing loop for every chapter that measures how long a call takes.

The fastest of a few runs, the functions taking turns; in the browser edition, where
``perf_counter`` is rounded to 0.1 ms, a short call is timed in a batch of calls.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from nnlib._checks import check_count
from nnlib._platform import IN_BROWSER

__all__ = ["MIN_SPAN_S", "time_call", "time_calls"]

#: The shortest span timed at once. Browsers round ``perf_counter`` to 0.1 ms, so in the
#: browser edition a call shorter than this is timed in a batch of calls; natively 0: each
#: call is timed on its own.
MIN_SPAN_S = 0.005 if IN_BROWSER else 0.0


def _batch_size(fn: Callable[[], object], min_span: float) -> int:
    """Calls of ``fn`` that take at least ``min_span`` together (1, without a call, for 0)."""
    number = 1
    while min_span:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        if time.perf_counter() - start >= min_span:
            break
        number *= 2
    return number


def time_calls(*fns: Callable[[], object], repeat: int = 5,
               min_span: float | None = None) -> list[float]:
    """Seconds one call of each ``fn()`` takes: the fastest of ``repeat`` runs of each.

    The minimum, not the mean, because on a shared machine other work only ever adds
    time. The functions take turns (f, g, f, g, ...), so that a busy spell of the machine
    slows them alike and their ratio stays fair. A run is a batch of calls lasting at least
    ``min_span`` seconds (default :data:`MIN_SPAN_S`), divided by its size.
    """
    repeat = check_count(repeat, "repeat", minimum=1)
    span = MIN_SPAN_S if min_span is None else float(min_span)
    numbers = [_batch_size(fn, span) for fn in fns]
    best = [math.inf] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            for _ in range(numbers[i]):
                fn()
            best[i] = min(best[i], (time.perf_counter() - start) / numbers[i])
    return best


def time_call(fn: Callable[[], object], *, repeat: int = 5, min_span: float | None = None
              ) -> float:
    """Seconds one call of ``fn()`` takes: the fastest of ``repeat`` runs."""
    return time_calls(fn, repeat=repeat, min_span=min_span)[0]
