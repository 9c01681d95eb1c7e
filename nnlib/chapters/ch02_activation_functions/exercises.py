"""Chapter 02 exercises: write the step function, sigmoid and ReLU yourself.

Each check runs the reader's ``f(x)`` on the book's ``[-1, 1, 2]``, on 0, on fractions,
on an integer array, on a 2-D batch and on seeded random numbers, and compares with
:mod:`nnlib.functions`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnlib.engines.exercise import Session, Wrong, exercise, fmt
from nnlib.engines.references import relu, sigmoid, step_function
from nnlib.i18n import _

__all__ = ["check_step_function", "check_sigmoid", "check_relu"]

Diagnose = Callable[[np.ndarray, np.ndarray, np.ndarray], str | None]


def _cases(*extra: np.ndarray) -> list[np.ndarray]:
    rng = np.random.default_rng(2)
    return [
        np.array([-1.0, 1.0, 2.0]),  # the book's example
        np.array([0.0]),
        np.array([-0.5, 0.5, 1.5]),
        np.array([-3, 0, 3]),  # integers
        *extra,
        np.array([[-2.0, 0.0, 0.5], [1.0, -0.25, 3.0]]),  # a 2-D batch
        rng.normal(scale=3.0, size=8).round(3),
    ]


def _same(result: np.ndarray, candidate: np.ndarray) -> bool:
    return result.shape == candidate.shape and np.allclose(result, candidate, atol=1e-9)


def _shape_hint(x: np.ndarray, result: np.ndarray) -> str | None:
    if result.shape == x.shape:
        return None
    if x.ndim == 2:
        return (_("for a 2-D x of shape {shape} the result has shape {shape2}: work element by "
                  "element with numpy operations on the whole array, not a loop over x").format(
                  shape=x.shape, shape2=result.shape))
    return (_("for x = {x} the result has shape {shape}, expected {shape2}: an activation acts "
              "on each element and keeps the shape").format(
              x=fmt(x), shape=result.shape, shape2=x.shape))


def _run(session: Session, attempt: Callable, reference: Callable, cases: list[np.ndarray],
         diagnose: Diagnose, *, truth_hint: str, on_change: str,
         booleans: str | None = None) -> None:
    """Compare on every case; ``booleans`` (if given) is the hint for a True/False result."""
    def on_error(error: BaseException) -> str | None:
        return truth_hint if "truth value of an array" in str(error) else None

    for x in cases:
        shows = _("for x = {x}").format(x=fmt(x))
        result = session.call(attempt, x, shows=shows, names=("x",), on_change=on_change,
                              on_error=on_error)
        expected = reference(x)
        if booleans and isinstance(result, np.ndarray) and result.dtype == bool:
            raise Wrong(_("{shows} you returned booleans {result}: {booleans}").format(
                          shows=shows, result=fmt(result), booleans=booleans))

        def hint(r: np.ndarray, x: np.ndarray = x, e: np.ndarray = expected) -> str | None:
            return diagnose(x, r, e) or _shape_hint(x, r)

        session.expect_array(result, expected, shows, diagnose=hint)


@exercise(lambda: _("step function"))
def check_step_function(session: Session, attempt: Callable) -> None:
    """Check a step function ``attempt(x)``: 1 where x > 0, else 0, element-wise."""

    def diagnose(x: np.ndarray, r: np.ndarray, e: np.ndarray) -> str | None:
        seen = _("for x = {x} you returned {r}, expected {e}").format(x=fmt(x), r=fmt(r), e=fmt(e))
        if _same(r, (x >= 0).astype(int)):
            return _("step(0) gave 1 ({seen}): the step is 1 only where x > 0 strictly; use x "
                     "> 0").format(seen=seen)
        if _same(r, np.sign(x)):
            return _("{seen}: np.sign gives -1 for negatives, the step gives 0; use x > 0").format(
                     seen=seen)
        if _same(r, x.astype(int)):
            return _("{seen}: x.astype(int) truncates x; convert the comparison: (x > "
                     "0).astype(int)").format(seen=seen)
        if _same(r, (x <= 0).astype(int)):
            return _("{seen}: the step is upside down; it is 1 where x > 0").format(seen=seen)
        return None

    _run(session, attempt, step_function, _cases(), diagnose,
         truth_hint=_("compare the whole array at once: (x > 0).astype(int)"),
         on_change=_("build a new array, e.g. (x > 0).astype(int), instead of editing x"),
         booleans=_("the step function outputs the numbers 0 and 1, so turn the comparison "
                    "into integers, (x > 0).astype(int), as the book's step_function does"))


@exercise(
    lambda: _("sigmoid"),
    warnings_fail=False,  # the book's formula overflows harmlessly for x = -1000
    warning_hint=lambda: _("np.exp(1000) overflowed to inf, and 1 / inf gave the right 0; "
                   "nnlib's sigmoid avoids even that by using exp(-|x|)"),
)
def check_sigmoid(session: Session, attempt: Callable) -> None:
    """Check a sigmoid ``attempt(x)`` = 1 / (1 + exp(-x)), element-wise."""
    def diagnose(x: np.ndarray, r: np.ndarray, e: np.ndarray) -> str | None:
        seen = _("for x = {x} you returned {r}, expected {e}").format(x=fmt(x), r=fmt(r), e=fmt(e))
        if _same(r, sigmoid(-x)):
            return _("{seen}: the sign inside exp is minus: 1 / (1 + np.exp(-x))").format(seen=seen)
        with np.errstate(all="ignore"):
            if _same(r, 1 + np.exp(-x)):
                return _("{seen}: missing parentheses? 1 / (1 + np.exp(-x)), not 1 / 1 + "
                         "np.exp(-x)").format(seen=seen)
        if _same(r, np.floor(e)):
            return _("{seen}: // is floor division, which rounds down to 0; use /").format(
                     seen=seen)
        return _("{seen}: sigmoid is 1 / (1 + np.exp(-x))").format(seen=seen)

    cases = _cases(np.array([-1000.0, 1000.0]))  # exp(1000) overflows in the book's formula
    _run(session, attempt, sigmoid, cases, diagnose,
         truth_hint=_("use np.exp, which works on the whole array at once"),
         on_change=_("return a new array, 1 / (1 + np.exp(-x)), instead of editing x"))


@exercise("ReLU")
def check_relu(session: Session, attempt: Callable) -> None:
    """Check a ReLU ``attempt(x)`` = max(0, x), element-wise."""
    def diagnose(x: np.ndarray, r: np.ndarray, e: np.ndarray) -> str | None:
        seen = _("for x = {x} you returned {r}, expected {e}").format(x=fmt(x), r=fmt(r), e=fmt(e))
        if r.ndim == 0 and x.ndim == 1 and np.isclose(r, np.max(x)):
            return (_("for x = {x} you returned one number, {r}: np.max(x, 0) is the largest "
                      "element (along axis 0); np.maximum(0, x) compares element-wise").format(
                      x=fmt(x), r=fmt(r)))
        if _same(r, x > 0):
            return _("{seen}: that is the step function; ReLU passes x itself where x > 0").format(
                     seen=seen)
        if _same(r, np.abs(x)):
            return _("{seen}: negative inputs must give 0, not |x|: np.maximum(0, x)").format(
                     seen=seen)
        if _same(r, np.minimum(0, x)):
            return _("{seen}: that is min(0, x); ReLU is np.maximum(0, x)").format(seen=seen)
        return _("{seen}: ReLU is x where x > 0, else 0: np.maximum(0, x)").format(seen=seen)

    _run(session, attempt, relu, _cases(), diagnose,
         truth_hint=_("Python's max() cannot compare an array with 0; use np.maximum(0, x)"),
         on_change=_("np.maximum(0, x) makes a new array; x[x < 0] = 0 edits the caller's x"))
