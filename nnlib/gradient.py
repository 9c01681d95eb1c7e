"""Numerical differentiation and gradient descent (book chapter 4).

Central differences, (f(x + h) - f(x - h)) / 2h, for a scalar or any array shape, and
plain gradient descent that records its whole path, takes every step the book takes,
and reports a run that blows up (when, and why it ends where it ends).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._checks import (
    as_float_array,
    check_callable,
    check_count,
    check_positive_finite,
    finite_scalar,
    scalar_result,
)
from nnlib.i18n import _
from nnlib.optimizers import SGD, Optimizer

__all__ = [
    "numerical_diff",
    "numerical_gradient",
    "gradient_descent",
    "DescentResult",
    "DivergenceWarning",
    "PrecisionWarning",
]


class DivergenceWarning(UserWarning):
    """Gradient descent stopped because its point became non-finite or exploded."""


class PrecisionWarning(UserWarning):
    """A finite difference whose step h is lost: x + h (or x - h) rounds back to x."""


_scalar = scalar_result


def numerical_diff(f: Callable[[float], float], x: float, h: float = 1e-4) -> float:
    """数値微分 numerical derivative by the central difference (f(x+h) - f(x-h)) / 2h.

    Its error shrinks like h^2, against h for the forward difference (f(x+h) - f(x)) / h.
    """
    check_callable(f, "f")
    h = check_positive_finite(h, "h")
    x = finite_scalar(x, "x")
    if not np.isfinite(x + h) or not np.isfinite(x - h) or not np.isfinite(2 * h):
        raise ValueError(_("h = {h:g} is too large: x + h, x - h or 2h overflows float64").format(
            h=h))
    if x + h == x or x - h == x:
        warnings.warn(
            _("numerical_diff: h = {h:g} is lost next to x = {x:g} (x + h rounds back to x "
              "in float64), so the difference measures rounding, not the slope; "
              "use h = 1e-4").format(h=h, x=x),
            PrecisionWarning, stacklevel=2,
        )
    f_plus, f_minus = _scalar(f(x + h), f"at x+h={x + h}"), _scalar(f(x - h), f"at x-h={x - h}")
    with np.errstate(over="ignore", invalid="ignore"):
        slope = (np.float64(f_plus) - f_minus) / (2 * h)
    if not np.isfinite(slope):
        raise ValueError(
            _("f(x + h) = {f_plus:g} and f(x - h) = {f_minus:g} at x = {x:g}: their difference "
              "over 2h is not a finite number (f overflows or returns NaN/inf there)").format(
                  f_plus=f_plus, f_minus=f_minus, x=x)
        )
    return float(slope)


def numerical_gradient(f: Callable[[NDArray], float], x: NDArray, h: float = 1e-4) -> NDArray:
    """勾配 gradient of the scalar function ``f`` at ``x`` by central differences.

    Each element of ``x`` is moved by +h and -h in turn, *in place*, so that ``f`` may
    read ``x`` through a closure (the book's ``lambda W: net.loss(x, t)`` does), and is
    restored to its exact old value afterwards, even when ``f`` raises. Costs 2 calls of
    ``f`` per element. ``x`` must be a float array: on an integer array ``x + h``
    would be truncated back to ``x`` and the gradient would come out silently wrong.
    """
    check_callable(f, "f")
    h = check_positive_finite(h, "h")
    if not isinstance(x, np.ndarray):
        raise TypeError(f"x must be a numpy float array that f can see, got {type(x).__name__}")
    if x.dtype.kind != "f":
        raise TypeError(
            _("x has dtype {dtype}; numerical_gradient needs floats, because x + h on an "
              "integer array is truncated and gives a wrong gradient. Use x.astype(float).")
            .format(dtype=x.dtype)
        )
    if x.dtype.itemsize < 4:
        raise TypeError(
            _("x has dtype {dtype}, which keeps about 3 significant digits: x + h rounds "
              "back to x for |x| >= 0.25 with h = 1e-4, and the gradient comes out 0. "
              "Use x.astype(np.float64).").format(dtype=x.dtype)
        )
    if x.size == 0:
        raise ValueError(_("x is empty; there is nothing to differentiate"))
    if not x.flags.writeable:
        raise ValueError(
            _("x is read-only, but numerical_gradient nudges it in place (so that f can read it "
              "through a closure): pass x.copy(), or a writeable array f reads")
        )
    if not np.all(np.isfinite(x)):
        raise ValueError(_("x contains NaN or inf; every value must be finite"))
    with np.errstate(over="ignore"):
        lost = (x + x.dtype.type(h) == x) | (x - x.dtype.type(h) == x)
    if lost.any():
        idx = tuple(int(i) for i in np.argwhere(lost)[0])
        warnings.warn(
            _("numerical_gradient: at x[{idx}] = {value:g} the step h = {h:g} is lost in "
              "{dtype} (x + h rounds back to x), so the gradient there is 0 or rounding "
              "noise ({lost} of {size} elements); ").format(
                  idx=idx, value=x[idx], h=h, dtype=x.dtype, lost=int(lost.sum()), size=x.size)
            + (_("use float64, or a larger h") if x.dtype != np.float64 else _("use a larger h")),
            PrecisionWarning, stacklevel=2,
        )
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

    ``path`` holds every point visited, ``init_x`` first, shape ``(steps + 1, *x.shape)``:
    all ``step_num`` steps, unless the point became non-finite (then up to the last finite
    point). ``diverged_at`` is the first step whose point left ``|x| <= max_abs`` (or was
    not finite), else ``None``; ``stuck_from`` is, for a diverged run, the first step of
    the final stretch in which the point no longer moved, else ``None``. ``message`` says
    what happened, and why, in one sentence.
    """

    x: NDArray
    path: NDArray
    diverged_at: int | None
    stuck_from: int | None
    message: str

    def __new__(cls, x: NDArray, path: NDArray, diverged_at: int | None, message: str,
                stuck_from: int | None = None):
        result = super().__new__(cls, (x, path))
        result.x, result.path, result.diverged_at, result.message = x, path, diverged_at, message
        result.stuck_from = stuck_from
        return result

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def steps(self) -> int:
        """How many steps were taken (``step_num``, unless the point became non-finite)."""
        return len(self.path) - 1

    def __repr__(self) -> str:
        return f"DescentResult(x={self.x!r}, steps={self.steps}, {self.message!r})"


def gradient_descent(
    f: Callable[[NDArray], float],
    init_x: ArrayLike,
    lr: float = 0.01,
    step_num: int = 100,
    *,
    optimizer: Optimizer | None = None,
    max_abs: float = 1e10,
    warn: bool = True,
) -> DescentResult:
    """勾配降下法 gradient descent: repeat x <- x - lr * grad f(x), ``step_num`` times.

    Gives the book's numbers: every one of the ``step_num`` steps is taken, even after the
    point has run away (the book's lr = 10 on x0^2 + x1^2 ends at about
    (-2.59e13, -1.30e12)). Only a point that became inf or NaN stops the run, since no
    later step could bring it back. ``init_x`` is left unchanged (the book's version moves
    it). Returns a :class:`DescentResult` that unpacks as ``x, path``.

    ``optimizer`` is anything with ``update(params, grads)`` (see :mod:`nnlib.optimizers`;
    default ``SGD(lr)``), called with ``{"x": x}`` and ``{"x": grad}``; give either
    ``lr`` or ``optimizer``. A run whose point leaves ``|x| <= max_abs`` has *diverged*:
    ``result.message`` says when and why, and so does a :class:`DivergenceWarning`
    (unless ``warn=False``). Overflow inside ``f`` raises no numpy warnings.
    """
    check_callable(f, "f")
    lr = check_positive_finite(lr, "lr (learning rate)")
    step_num = check_count(step_num, "step_num", maximum=10**6)
    max_abs = check_positive_finite(max_abs, "max_abs")
    if optimizer is None:
        optimizer = SGD(lr)
    elif lr != 0.01:
        raise ValueError(f"give lr or an optimizer, not both (lr={lr:g}, optimizer={optimizer!r})")
    if isinstance(optimizer, dict) or not callable(getattr(optimizer, "update", None)):
        raise TypeError(f"optimizer must have an update(params, grads) method, got {optimizer!r}")
    x = as_float_array(init_x, "init_x").astype(np.float64)  # always a private copy
    path = [x.copy()]
    diverged_at = last_move = None
    non_finite = False
    for step in range(1, step_num + 1):
        # f may overflow far from its minimum; that shows up below as a non-finite point.
        with np.errstate(over="ignore", invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", PrecisionWarning)  # a far-off point: reported below
            params = {"x": x.copy()}
            optimizer.update(params, {"x": numerical_gradient(f, x)})
        new = params["x"]
        non_finite = not np.all(np.isfinite(new))
        if diverged_at is None and (non_finite or np.max(np.abs(new)) > max_abs):
            diverged_at = step
        if non_finite:
            break
        if not np.array_equal(new, x):
            last_move = step
        x = new
        path.append(x.copy())
    stuck_from = None
    if diverged_at is not None and not non_finite and (last_move or 0) < step_num:
        stuck_from = (last_move or 0) + 1
    message = _descent_message(optimizer, step_num, len(path) - 1, x, max_abs, diverged_at,
                               stuck_from, non_finite)
    if diverged_at is not None and warn:
        warnings.warn(message, DivergenceWarning, stacklevel=2)
    return DescentResult(path[-1].copy(), np.array(path), diverged_at, message, stuck_from)


def _descent_message(optimizer: Optimizer, step_num: int, steps: int, x: NDArray,
                     max_abs: float, diverged_at: int | None, stuck_from: int | None,
                     non_finite: bool) -> str:
    """One sentence: what the run did, when it diverged and why it ends where it ends."""
    if diverged_at is None:
        return _("finished {step_num} steps with {optimizer!r}").format(
            step_num=step_num, optimizer=optimizer)
    text = _("diverged with {optimizer!r}: at step {diverged_at} of {step_num} the point left "
             "|x| <= {max_abs:g}: the steps grew longer instead of shorter, so the learning rate "
             "is too large for how steep f is there").format(
                 optimizer=optimizer, diverged_at=diverged_at, step_num=step_num, max_abs=max_abs)
    if non_finite:
        return text + _("; at step {step} it became inf or NaN (f overflowed), and no "
                        "later step could bring it back, so the run stopped after {steps} "
                        "step(s)").format(step=steps + 1, steps=steps)
    text += _("; all {step_num} steps taken, ending at |x| = {size:.3g}").format(
        step_num=step_num, size=np.max(np.abs(x)))
    if stuck_from is not None:
        text += _("; from step {step} on the point did not move").format(step=stuck_from)
        if np.all(x + 1e-4 == x):
            text += _(", because at that size x + h rounds back to x (h = 1e-4), so the central "
                      "difference is 0: not flat ground, lost precision")
    return text
