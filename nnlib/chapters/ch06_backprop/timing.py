"""How long a numerical gradient and a backprop gradient take on the same net (book §5.7.3).

Only numpy here; the chapter's plots draw the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from nnlib.engines.timing import time_call, time_calls
from nnlib.train import limit_blas_threads

__all__ = ["GradientTiming", "parameter_count", "time_gradients"]


class _HasParams(Protocol):
    params: Mapping[str, NDArray]


def parameter_count(net: _HasParams) -> int:
    """The number of numbers a net learns: the total size of ``net.params``."""
    return int(sum(np.size(p) for p in net.params.values()))


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

    Each time is the fastest of its repeats (see :func:`nnlib.engines.timing.time_calls`):
    ``repeat_numerical`` for the numerical gradient, ``repeat`` for backprop and the loss,
    which take turns.
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
