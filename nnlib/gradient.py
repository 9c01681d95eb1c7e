"""Numerical differentiation and gradient descent (book chapter 4).

Central differences, (f(x + h) - f(x - h)) / 2h, for a scalar or any array shape, and
plain gradient descent that records its whole path and reports a run that blows up.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._checks import as_float_array, check_count, check_positive_finite

__all__ = [
    "numerical_diff",
    "numerical_gradient",
    "gradient_descent",
    "DescentResult",
    "DivergenceWarning",
]


class DivergenceWarning(UserWarning):
    """Gradient descent stopped because its point became non-finite or exploded."""


def _scalar(value: object, where: str) -> float:
    result = np.asarray(value)
    if result.size != 1 or result.dtype.kind not in "biuf":
        raise TypeError(
            f"f must return a single real number, got {result.shape} {result.dtype} {where}"
        )
    return float(result.reshape(()))


def numerical_diff(f: Callable[[float], float], x: float, h: float = 1e-4) -> float:
    """数値微分 numerical derivative by the central difference (f(x+h) - f(x-h)) / 2h.

    Its error shrinks like h^2, against h for the forward difference (f(x+h) - f(x)) / h.
    """
    h = check_positive_finite(h, "h")
    x = float(as_float_array(x, "x").reshape(()))
    return (_scalar(f(x + h), f"at x+h={x + h}") - _scalar(f(x - h), f"at x-h={x - h}")) / (2 * h)


def numerical_gradient(f: Callable[[NDArray], float], x: NDArray, h: float = 1e-4) -> NDArray:
    """勾配 gradient of the scalar function ``f`` at ``x`` by central differences.

    Each element of ``x`` is moved by +h and -h in turn, *in place*, so that ``f`` may
    read ``x`` through a closure (the book's ``lambda W: net.loss(x, t)`` does), and is
    restored to its exact old value afterwards, even when ``f`` raises. Costs 2 calls of
    ``f`` per element. ``x`` must be a float array: on an integer array ``x + h``
    would be truncated back to ``x`` and the gradient would come out silently wrong.
    """
    h = check_positive_finite(h, "h")
    if not isinstance(x, np.ndarray):
        raise TypeError(f"x must be a numpy float array that f can see, got {type(x).__name__}")
    if x.dtype.kind != "f":
        raise TypeError(
            f"x has dtype {x.dtype}; numerical_gradient needs floats, because x + h on an "
            "integer array is truncated and gives a wrong gradient. Use x.astype(float)."
        )
    if x.size == 0:
        raise ValueError("x is empty; there is nothing to differentiate")
    if not np.all(np.isfinite(x)):
        raise ValueError("x contains NaN or inf; every value must be finite")
    grad = np.zeros_like(x, dtype=np.result_type(x.dtype, np.float64))
    for idx in np.ndindex(x.shape):
        original = x[idx]
        try:
            x[idx] = original + h
            f_plus = _scalar(f(x), f"at index {idx}")
            x[idx] = original - h
            f_minus = _scalar(f(x), f"at index {idx}")
        finally:
            x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad.astype(x.dtype, copy=False)


class DescentResult(tuple):
    """What :func:`gradient_descent` returns: unpacks as ``x, path``.

    ``path`` holds every point visited, ``init_x`` first, shape ``(steps + 1, *x.shape)``.
    ``diverged_at`` is the step at which the run blew up, or ``None``.
    """

    x: NDArray
    path: NDArray
    diverged_at: int | None
    message: str

    def __new__(cls, x: NDArray, path: NDArray, diverged_at: int | None, message: str):
        result = super().__new__(cls, (x, path))
        result.x, result.path, result.diverged_at, result.message = x, path, diverged_at, message
        return result

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    def __repr__(self) -> str:
        return f"DescentResult(x={self.x!r}, steps={len(self.path) - 1}, {self.message!r})"


def gradient_descent(
    f: Callable[[NDArray], float],
    init_x: ArrayLike,
    lr: float = 0.01,
    step_num: int = 100,
    *,
    max_abs: float = 1e10,
    warn: bool = True,
) -> DescentResult:
    """勾配降下法 gradient descent: repeat x <- x - lr * grad f(x), ``step_num`` times.

    ``init_x`` is left unchanged. Returns a :class:`DescentResult` that unpacks as
    ``x, path``. A run whose point becomes non-finite or larger than ``max_abs`` in
    magnitude has diverged: it stops at that step, says so in ``result.message`` and
    (unless ``warn=False``) in a :class:`DivergenceWarning`, with no overflow warnings.
    """
    lr = check_positive_finite(lr, "lr (learning rate)")
    step_num = check_count(step_num, "step_num")
    max_abs = check_positive_finite(max_abs, "max_abs")
    x = as_float_array(init_x, "init_x").astype(np.float64)  # always a private copy
    path = [x.copy()]
    diverged_at = None
    for step in range(1, step_num + 1):
        # f may overflow far from its minimum; that is caught just below as divergence.
        with np.errstate(over="ignore", invalid="ignore"):
            x = x - lr * numerical_gradient(f, x)
        if not np.all(np.isfinite(x)) or np.max(np.abs(x)) > max_abs:
            diverged_at = step
            break
        path.append(x.copy())
    if diverged_at is None:
        message = f"finished {step_num} steps at lr={lr:g}"
    else:
        message = (
            f"diverged at step {diverged_at} of {step_num} (lr={lr:g}): the point left "
            f"|x| <= {max_abs:g}; stopped there, path kept up to step {diverged_at - 1}"
        )
        if warn:
            warnings.warn(message, DivergenceWarning, stacklevel=2)
    return DescentResult(path[-1].copy(), np.array(path), diverged_at, message)
