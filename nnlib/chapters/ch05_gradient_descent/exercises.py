"""Chapter 05 exercises: numerical_diff, numerical_gradient and one step of gradient descent.

Answers are compared with the exact derivatives (written out by hand below), so that a
forward difference, whose error is about h, is told apart from the central difference.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from nnlib.engines.exercise import Session, exercise, fmt, scale_between
from nnlib.i18n import _

__all__ = ["check_numerical_diff", "check_numerical_gradient", "check_gradient_descent_step"]

H = 1e-4
def _off_by_h() -> str:
    return _("your gradient is off by about h: use the central difference (f(x+h) - f(x-h)) / "
           "2h")


def _scale_hint(ratio: float | None) -> str | None:
    if ratio is None:
        return None
    if math.isclose(ratio, 2, rel_tol=1e-4):
        return _("twice the slope: the central difference spans 2h, so divide by (2 * h)")
    if math.isclose(ratio, -1, rel_tol=1e-4):
        return _("the sign is flipped: f(x + h) comes first, (f(x + h) - f(x - h)) / (2 * h)")
    if 0 < ratio < 1e-6:
        return _("`/ 2*h` divides by 2 and then multiplies by h; write / (2 * h)")
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
        (lambda x: 0.01 * x**2 + 0.1 * x, 5.0, 0.2, _("0.01x^2 + 0.1x at x = 5 (the book's)")),
        (lambda x: 0.01 * x**2 + 0.1 * x, 10.0, 0.3, _("0.01x^2 + 0.1x at x = 10 (the book's)")),
        (lambda x: x**3, 2.0, 12.0, _("x^3 at x = 2")),
        (math.exp, 0.0, 1.0, _("exp(x) at x = 0")),
    ]
    for f, x, exact, text in cases:
        shows = _("for f(x) = {text}").format(text=text)
        value = session.call(attempt, f, x, shows=shows)

        def diagnose(v: float, f: Callable = f, x: float = x, exact: float = exact,
                     shows: str = shows) -> str | None:
            if np.ndim(v) != 0:
                return None
            said = _("{shows} you returned {v}, expected {exact}").format(
                     shows=shows, v=fmt(v, 8), exact=fmt(exact, 8))
            if v == 0:
                return (_("{said}: h is so small that x + h == x in floating point (1e-50 is "
                          "lost next to 5); use h = 1e-4").format(
                          said=said))
            if _looks_one_sided(np.array(v), lambda a: f(float(a)), np.array(float(x))):
                return _("{said}: {OFF_BY_H}").format(said=said, OFF_BY_H=_off_by_h())
            hint = _scale_hint(v / exact)
            return _("{said}: {hint}").format(said=said, hint=hint) if hint else None

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
        (square, np.array([3.0, 4.0]), lambda: np.array([6.0, 8.0]), _("sum(x**2) at x = [3, 4]")),
        (square, np.array([0.0, 2.0]), lambda: np.array([0.0, 4.0]), _("sum(x**2) at x = [0, 2]")),
        (cubic, c, lambda: 3 * c**2 + np.array([c[1], c[0], 0.0]),
         _("sum(x**3) + x[0]*x[1] at x = {c}").format(c=fmt(c))),
        (weighted, weights, lambda: 2 * coef * weights,
         _("sum(c * W**2) at a W of shape {shape}").format(shape=weights.shape)),
        (closure_loss, closure_w, closure_grad,
         _("a loss that reads W through a closure (like lambda W: net.loss(x, t))")),
    ]


@exercise("numerical_gradient")
def check_numerical_gradient(session: Session, attempt: Callable) -> None:
    """Check ``attempt(f, x)``: the gradient of ``f`` at the array ``x``, central differences."""
    for f, x, exact_of, text in _gradient_cases():
        shows = _("for f = {text}").format(text=text)
        exact = exact_of()
        is_2d, is_closure = x.ndim == 2, text == _(
            "a loss that reads W through a closure (like lambda W: net.loss(x, t))")

        def on_error(error: BaseException, x: np.ndarray = x, is_2d: bool = is_2d) -> str | None:
            return _ndindex_hint(x) if is_2d else None

        value = session.call(
            attempt, f, x, shows=shows, names=("f", "x"), on_error=on_error, share=("x",),
            on_change=_("restore x[idx] after each evaluation"),
        )

        def diagnose(v: np.ndarray, f: Callable = f, x: np.ndarray = x, exact: np.ndarray = exact,
                     shows: str = shows, is_2d: bool = is_2d, closure: bool = is_closure
                     ) -> str | None:
            said = _("{shows} you returned {v}, expected {exact}").format(
                     shows=shows, v=fmt(v, 8), exact=fmt(exact, 8))
            if v.shape != x.shape:
                if v.size == x.size:
                    return _("{said}: keep x's shape, grad = np.zeros_like(x)").format(said=said)
                return _ndindex_hint(x) if is_2d else None
            if closure and not v.any():
                return (_("{said}: f ignores its argument and reads W itself, so nudge x in "
                          "place (x[idx] = tmp + h, evaluate f(x), then x[idx] = tmp), not a "
                          "copy of x").format(said=said))
            if np.all(np.isfinite(v)) and _looks_one_sided(v, f, x):
                return _("{said}: {OFF_BY_H}").format(said=said, OFF_BY_H=_off_by_h())
            if np.allclose(v, np.trunc(_central(f, x)), atol=1e-9):
                return (_("{said}: the gradient was cut to integers; make grad a float array, "
                          "np.zeros_like(x, dtype=float)").format(
                          said=said))
            hint = _scale_hint(scale_between(v, exact, rtol=1e-4))
            if hint:
                return _("{said}: {hint}").format(said=said, hint=hint)
            rows = _row_by_row(f, x) if is_2d else None
            if rows is not None and np.allclose(v, rows, rtol=1e-6, atol=1e-7):
                return _("{said}: {ROWS_AS_POINTS}").format(
                         said=said, ROWS_AS_POINTS=_rows_as_points())
            if is_2d:
                return _("{said}: {x}").format(said=said, x=_ndindex_hint(x))
            return None

        session.expect_array(value, exact, shows, rtol=1e-6, atol=1e-7, diagnose=diagnose)


def _ndindex_hint(x: np.ndarray) -> str:
    return (_("works for a vector but not for x of shape {shape}. Looping over range(x.size) "
              "is what the book's numerical_gradient in §4.4 does, and it is right for the 1-D "
              "x of that section; this exercise asks for any shape because a network's weights "
              "are matrices (the book's common/gradient.py switches to np.nditer for them): "
              "loop over every index with np.ndindex(x.shape) (or np.nditer)").format(
              shape=x.shape))


def _row_by_row(f: Callable, x: np.ndarray) -> np.ndarray | None:
    """The gradient of f at each row of x taken as its own point, f(x[i]), or None if f
    cannot take a row."""
    try:
        return np.stack([_central(f, row.copy()) for row in x])
    except Exception:
        return None


def _rows_as_points() -> str:
    return _("this treats each row of x as its own point and differentiates f(x[i]), as the "
           "book's ch04/gradient_2d.py numerical_gradient does: it is right there, where "
           "the rows are the points of a picture of arrows. This exercise's f is a function "
           "of the whole array (a weight matrix W, as in §4.4.2), so nudge each element "
           "x[idx] in place and evaluate f(x) on all of x, with np.ndindex(x.shape)")


def _in_place_step() -> str:
    return _("x -= lr * grad edits the caller's x. The book's gradient_descent does the same "
           "(its x = init_x is the caller's array, so after the run init_x holds the end "
           "point); this exercise asks for a new array, return x - lr * grad, so that the "
           "start survives and one start can be tried with several learning rates, as this "
           "chapter does")


@exercise(lambda: _("gradient descent step"))
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
        (lambda w: float(np.sum(w**2)), lambda w: 2 * w, w, 0.25, _("f = sum(W**2), W 2x2")),
    ]
    for f, grad_of, x, lr, text in cases:
        shows = _("for {text} at x = {x} with lr = {lr}").format(text=text, x=fmt(x), lr=lr)
        new = session.call(
            attempt, f, x, lr, shows=shows, names=("f", "x", "lr"),
            on_change=_in_place_step(),
        )
        grad = grad_of(x)
        expected = x - lr * grad

        def diagnose(v: np.ndarray, f: Callable = f, x: np.ndarray = x, lr: float = lr,
                     grad: np.ndarray = grad, shows: str = shows) -> str | None:
            if v.shape != x.shape:
                return None
            said = _("{shows} you returned {v}, expected {fmt}").format(
                     shows=shows, v=fmt(v), fmt=fmt(x - lr * grad))
            if np.allclose(v, -lr * grad) or np.allclose(v, lr * grad):
                return _("{said}: that is the step itself; return the "
                         "new point x - lr * grad").format(
                         said=said)
            step = scale_between(x - v, grad, rtol=1e-4)
            if step is None:
                return None
            if math.isclose(step, -lr, rel_tol=1e-4):
                return (_("{said}: you moved uphill (f went from {fmt} to {fmt2}); step "
                          "against the gradient, x - lr * grad").format(
                          said=said, fmt=fmt(f(x)), fmt2=fmt(f(v))))
            if math.isclose(step, 1, rel_tol=1e-4):
                return _("{said}: a whole gradient step; multiply the gradient by lr").format(
                         said=said)
            return (_("{said}: you stepped {step} times the gradient; use the lr passed in "
                      "({lr}), not a fixed number").format(
                      said=said, step=fmt(step), lr=lr))

        session.expect_array(new, expected, shows, rtol=1e-6, atol=1e-8, diagnose=diagnose)
