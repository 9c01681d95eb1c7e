"""Chapter 05 exercises: numerical_diff, numerical_gradient and one step of gradient descent.

Answers are compared with the exact derivatives (written out by hand below), so that a
forward difference, whose error is about h, is told apart from the central difference.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from nnlib.engines.exercise import Session, exercise, fmt, scale_between

__all__ = ["check_numerical_diff", "check_numerical_gradient", "check_gradient_descent_step"]

H = 1e-4
_OFF_BY_H = "your gradient is off by about h: use the central difference (f(x+h) - f(x-h)) / 2h"


def _scale_hint(ratio: float | None) -> str | None:
    if ratio is None:
        return None
    if math.isclose(ratio, 2, rel_tol=1e-4):
        return "twice the slope: the central difference spans 2h, so divide by (2 * h)"
    if math.isclose(ratio, -1, rel_tol=1e-4):
        return "the sign is flipped: f(x + h) comes first, (f(x + h) - f(x - h)) / (2 * h)"
    if 0 < ratio < 1e-6:
        return "`/ 2*h` divides by 2 and then multiplies by h; write / (2 * h)"
    return None


def _forward(f: Callable, x: np.ndarray) -> np.ndarray:
    """The forward-difference gradient with h = 1e-4 (x nudged in place and restored)."""
    grad = np.zeros(x.shape)
    base = f(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        try:
            x[idx] = old + H
            grad[idx] = (f(x) - base) / H
        finally:
            x[idx] = old
    return grad


def _looks_one_sided(value: np.ndarray, f: Callable, x: np.ndarray) -> bool:
    forward = _forward(f, x)
    return any(np.allclose(value, candidate, rtol=1e-6, atol=1e-9)
               for candidate in (forward, 2 * _central(f, x) - forward))  # forward or backward


def _central(f: Callable, x: np.ndarray) -> np.ndarray:
    from nnlib.engines.references import numerical_gradient

    return numerical_gradient(f, x)


@exercise("numerical_diff")
def check_numerical_diff(session: Session, attempt: Callable) -> None:
    """Check ``attempt(f, x)``: the derivative of ``f`` at the number ``x`` (finite differences)."""
    cases = [
        (lambda x: 0.01 * x**2 + 0.1 * x, 5.0, 0.2, "0.01x^2 + 0.1x at x = 5 (the book's)"),
        (lambda x: 0.01 * x**2 + 0.1 * x, 10.0, 0.3, "0.01x^2 + 0.1x at x = 10 (the book's)"),
        (lambda x: x**3, 2.0, 12.0, "x^3 at x = 2"),
        (math.exp, 0.0, 1.0, "exp(x) at x = 0"),
    ]
    for f, x, exact, text in cases:
        shows = f"for f(x) = {text}"
        value = session.call(attempt, f, x, shows=shows)

        def diagnose(v: float, f: Callable = f, x: float = x, exact: float = exact,
                     shows: str = shows) -> str | None:
            if np.ndim(v) != 0:
                return None
            said = f"{shows} you returned {fmt(v, 8)}, expected {fmt(exact, 8)}"
            if v == 0:
                return (f"{said}: h is so small that x + h == x in floating point "
                        "(1e-50 is lost next to 5); use h = 1e-4")
            if _looks_one_sided(np.array(v), lambda a: f(float(a)), np.array(float(x))):
                return f"{said}: {_OFF_BY_H}"
            hint = _scale_hint(v / exact)
            return f"{said}: {hint}" if hint else None

        session.expect_number(value, exact, shows, rtol=1e-6, atol=1e-7, diagnose=diagnose)


def _gradient_cases() -> list[tuple[Callable, np.ndarray, Callable[[], np.ndarray], str]]:
    """(f, x, exact gradient, description); the last reads x through a closure, as the book's
    ``lambda W: net.loss(x, t)`` does, so only in-place nudges of x change its value."""
    weights = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    closure_w = weights.copy()
    coef = np.arange(1.0, 7.0).reshape(2, 3)

    def closure_loss(_: np.ndarray) -> float:
        return float(np.sum(np.sin(closure_w)) + closure_w[0, 0] * closure_w[1, 2])

    def closure_grad() -> np.ndarray:
        grad = np.cos(closure_w)
        grad[0, 0] += closure_w[1, 2]
        grad[1, 2] += closure_w[0, 0]
        return grad

    def square(x: np.ndarray) -> float:
        return float(np.sum(x**2))

    def cubic(x: np.ndarray) -> float:
        return float(np.sum(x**3) + x[0] * x[1])

    def weighted(w: np.ndarray) -> float:
        return float(np.sum(coef * w**2))

    c = np.array([1.0, -2.0, 0.5])
    return [
        (square, np.array([3.0, 4.0]), lambda: np.array([6.0, 8.0]), "sum(x**2) at x = [3, 4]"),
        (square, np.array([0.0, 2.0]), lambda: np.array([0.0, 4.0]), "sum(x**2) at x = [0, 2]"),
        (cubic, c, lambda: 3 * c**2 + np.array([c[1], c[0], 0.0]),
         f"sum(x**3) + x[0]*x[1] at x = {fmt(c)}"),
        (weighted, weights, lambda: 2 * coef * weights,
         f"sum(c * W**2) at a W of shape {weights.shape}"),
        (closure_loss, closure_w, closure_grad,
         "a loss that reads W through a closure (like lambda W: net.loss(x, t))"),
    ]


@exercise("numerical_gradient")
def check_numerical_gradient(session: Session, attempt: Callable) -> None:
    """Check ``attempt(f, x)``: the gradient of ``f`` at the array ``x``, central differences."""
    for f, x, exact_of, text in _gradient_cases():
        shows = f"for f = {text}"
        exact = exact_of()
        is_2d, is_closure = x.ndim == 2, text.startswith("a loss")

        def on_error(error: BaseException, x: np.ndarray = x, is_2d: bool = is_2d) -> str | None:
            return _ndindex_hint(x) if is_2d else None

        value = session.call(
            attempt, f, x, shows=shows, names=("f", "x"), on_error=on_error, share=("x",),
            on_change="restore x[idx] after each evaluation",
        )

        def diagnose(v: np.ndarray, f: Callable = f, x: np.ndarray = x, exact: np.ndarray = exact,
                     shows: str = shows, is_2d: bool = is_2d, closure: bool = is_closure) -> str:
            said = f"{shows} you returned {fmt(v, 8)}, expected {fmt(exact, 8)}"
            if v.shape != x.shape:
                if v.size == x.size:
                    return f"{said}: keep x's shape, grad = np.zeros_like(x)"
                return _ndindex_hint(x) if is_2d else None
            if closure and not v.any():
                return (f"{said}: f ignores its argument and reads W itself, so nudge x in place "
                        "(x[idx] = tmp + h, evaluate f(x), then x[idx] = tmp), not a copy of x")
            if np.all(np.isfinite(v)) and _looks_one_sided(v, f, x):
                return f"{said}: {_OFF_BY_H}"
            if np.allclose(v, np.trunc(_central(f, x)), atol=1e-9):
                return (f"{said}: the gradient was cut to integers; make grad a float array, "
                        "np.zeros_like(x, dtype=float)")
            hint = _scale_hint(scale_between(v, exact, rtol=1e-4))
            if hint:
                return f"{said}: {hint}"
            rows = _row_by_row(f, x) if is_2d else None
            if rows is not None and np.allclose(v, rows, rtol=1e-6, atol=1e-7):
                return f"{said}: {_ROWS_AS_POINTS}"
            if is_2d:
                return f"{said}: {_ndindex_hint(x)}"
            return None

        session.expect_array(value, exact, shows, rtol=1e-6, atol=1e-7, diagnose=diagnose)


def _ndindex_hint(x: np.ndarray) -> str:
    return (f"works for a vector but not for x of shape {x.shape}. Looping over range(x.size) "
            "is what the book's numerical_gradient in §4.4 does, and it is right for the 1-D x "
            "of that section; this exercise asks for any shape because a network's weights are "
            "matrices (the book's common/gradient.py switches to np.nditer for them): loop over "
            "every index with np.ndindex(x.shape) (or np.nditer)")


def _row_by_row(f: Callable, x: np.ndarray) -> np.ndarray | None:
    """The gradient of f at each row of x taken as its own point, f(x[i]), or None if f
    cannot take a row."""
    try:
        return np.stack([_central(f, row.copy()) for row in x])
    except Exception:
        return None


_ROWS_AS_POINTS = (
    "this treats each row of x as its own point and differentiates f(x[i]), as the book's "
    "ch04/gradient_2d.py numerical_gradient does: it is right there, where the rows are the "
    "points of a picture of arrows. This exercise's f is a function of the whole array (a "
    "weight matrix W, as in §4.4.2), so nudge each element x[idx] in place and evaluate f(x) "
    "on all of x, with np.ndindex(x.shape)")


_IN_PLACE_STEP = (
    "x -= lr * grad edits the caller's x. The book's gradient_descent does the same (its "
    "x = init_x is the caller's array, so after the run init_x holds the end point); this "
    "exercise asks for a new array, return x - lr * grad, so that the start survives and "
    "one start can be tried with several learning rates, as this chapter does")


@exercise("gradient descent step")
def check_gradient_descent_step(session: Session, attempt: Callable) -> None:
    """Check ``attempt(f, x, lr)``: the new point x - lr * grad f(x); ``x`` left unchanged."""

    def bowl(x: np.ndarray) -> float:
        return float(x[0] ** 2 + 3 * x[1] ** 2 + x[0])

    def bowl_grad(x: np.ndarray) -> np.ndarray:
        return np.array([2 * x[0] + 1, 6 * x[1]])

    w = np.array([[1.0, -2.0], [0.5, 3.0]])
    cases = [
        (bowl, bowl_grad, np.array([-3.0, 4.0]), 0.1, "f = x0**2 + 3*x1**2 + x0"),
        (bowl, bowl_grad, np.array([-3.0, 4.0]), 0.01, "f = x0**2 + 3*x1**2 + x0"),
        (lambda w: float(np.sum(w**2)), lambda w: 2 * w, w, 0.25, "f = sum(W**2), W 2x2"),
    ]
    for f, grad_of, x, lr, text in cases:
        shows = f"for {text} at x = {fmt(x)} with lr = {lr}"
        new = session.call(
            attempt, f, x, lr, shows=shows, names=("f", "x", "lr"),
            on_change=_IN_PLACE_STEP,
        )
        grad = grad_of(x)
        expected = x - lr * grad

        def diagnose(v: np.ndarray, f: Callable = f, x: np.ndarray = x, lr: float = lr,
                     grad: np.ndarray = grad, shows: str = shows) -> str | None:
            if v.shape != x.shape:
                return None
            said = f"{shows} you returned {fmt(v)}, expected {fmt(x - lr * grad)}"
            if np.allclose(v, -lr * grad) or np.allclose(v, lr * grad):
                return f"{said}: that is the step itself; return the new point x - lr * grad"
            step = scale_between(x - v, grad, rtol=1e-4)
            if step is None:
                return None
            if math.isclose(step, -lr, rel_tol=1e-4):
                return (f"{said}: you moved uphill (f went from {fmt(f(x))} to {fmt(f(v))}); "
                        "step against the gradient, x - lr * grad")
            if math.isclose(step, 1, rel_tol=1e-4):
                return f"{said}: a whole gradient step; multiply the gradient by lr"
            return (f"{said}: you stepped {fmt(step)} times the gradient; use the lr passed in "
                    f"({lr}), not a fixed number")

        session.expect_array(new, expected, shows, rtol=1e-6, atol=1e-8, diagnose=diagnose)
