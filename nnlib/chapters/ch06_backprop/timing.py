"""How long a numerical gradient and a backprop gradient take on the same net (book §5.7.3).

Only numpy here; the chapter's plots draw the numbers.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from nnlib._checks import check_count
from nnlib._platform import IN_BROWSER
from nnlib.train import limit_blas_threads

__all__ = ["GradientTiming", "parameter_count", "time_call", "time_calls", "time_gradients"]


class _HasParams(Protocol):
    params: Mapping[str, NDArray]


def parameter_count(net: _HasParams) -> int:
    """The number of numbers a net learns: the total size of ``net.params``."""
    return int(sum(np.size(p) for p in net.params.values()))


#: The shortest span timed at once. Browsers round ``perf_counter`` to 0.1 ms, so in the
#: browser edition a call shorter than this is timed in a batch of calls; natively 0: each
#: call is timed on its own.
MIN_SPAN_S = 0.005 if IN_BROWSER else 0.0


def _batch_size(fn: Callable[[], object]) -> int:
    """Calls of ``fn`` that take at least MIN_SPAN_S together (1 natively, without a call)."""
    number = 1
    while MIN_SPAN_S:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        if time.perf_counter() - start >= MIN_SPAN_S:
            break
        number *= 2
    return number


def time_calls(*fns: Callable[[], object], repeat: int = 5) -> list[float]:
    """Seconds one call of each ``fn()`` takes: the fastest of ``repeat`` runs of each.

    The minimum, not the mean, because on a shared machine other work only ever adds
    time. The functions take turns (f, g, f, g, ...), so that a busy spell of the machine
    slows them alike and their ratio stays fair. In the browser edition a run is a batch
    of calls lasting at least :data:`MIN_SPAN_S`, divided by its size.
    """
    repeat = check_count(repeat, "repeat", minimum=1)
    numbers = [_batch_size(fn) for fn in fns]
    best = [math.inf] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            for _ in range(numbers[i]):
                fn()
            best[i] = min(best[i], (time.perf_counter() - start) / numbers[i])
    return best


def time_call(fn: Callable[[], object], *, repeat: int = 5) -> float:
    """Seconds one call of ``fn()`` takes: the fastest of ``repeat`` runs."""
    return time_calls(fn, repeat=repeat)[0]


@dataclass(frozen=True)
class GradientTiming:
    """Seconds for one numerical gradient, one backprop gradient and one loss evaluation
    of the same net on the same batch, and the parameter count.

    ``numerical_measured`` is False when the numerical gradient was not run but
    estimated as 2 loss evaluations per parameter (a slight underestimate: the loop
    over parameters adds its own time).
    """

    numerical: float
    backprop: float
    loss: float
    parameters: int
    numerical_measured: bool = True

    @property
    def speedup(self) -> float:
        """How many times faster backprop is than the numerical gradient."""
        return self.numerical / self.backprop

    @property
    def loss_evaluations(self) -> int:
        """Loss evaluations in one numerical gradient: 2 per parameter (x + h and x - h)."""
        return 2 * self.parameters


class _Net(_HasParams, Protocol):
    def loss(self, x: NDArray, t: NDArray) -> float: ...
    def gradient(self, x: NDArray, t: NDArray) -> Mapping[str, NDArray]: ...
    def numerical_gradient(self, x: NDArray, t: NDArray) -> Mapping[str, NDArray]: ...


def time_gradients(
    net: _Net,
    x: NDArray,
    t: NDArray,
    *,
    measure_numerical: bool = True,
    repeat_numerical: int = 1,
    repeat: int = 20,
    blas_threads: int | None = 1,
) -> GradientTiming:
    """Time ``net.numerical_gradient(x, t)`` against ``net.gradient(x, t)`` (and ``net.loss``).

    Each time is the fastest of its repeats (see :func:`time_calls`): ``repeat_numerical``
    for the numerical gradient, ``repeat`` for backprop and the loss, which take turns.
    The numerical gradient costs 2 loss evaluations per parameter, so for a big net, where
    running it would take minutes, ``measure_numerical=False`` estimates it as
    2 * parameters * (seconds per loss): chapter 05's straight line in the parameter count.

    BLAS runs with ``blas_threads`` threads (1, as the trainer does; None leaves it alone):
    on a busy machine two BLAS threads wait on each other and make short timings erratic.
    """
    parameters = parameter_count(net)
    with limit_blas_threads(blas_threads):
        backprop, loss = time_calls(
            lambda: net.gradient(x, t), lambda: net.loss(x, t), repeat=repeat
        )
        if measure_numerical:
            numerical = time_call(lambda: net.numerical_gradient(x, t), repeat=repeat_numerical)
        else:
            numerical = 2 * parameters * loss
    return GradientTiming(numerical, backprop, loss, parameters, measure_numerical)
