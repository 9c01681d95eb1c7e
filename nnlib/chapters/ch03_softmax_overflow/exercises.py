"""Chapter 03 exercise: a softmax that never overflows, for one sample or a batch of rows."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnlib.engines.exercise import Session, exercise, fmt
from nnlib.engines.references import softmax

__all__ = ["check_softmax"]

_SUBTRACT_MAX = "did you subtract the max before exp?"
_KEEPDIMS = "sum over axis=-1 with keepdims=True"


def _cases() -> list[np.ndarray]:
    rng = np.random.default_rng(3)
    return [
        np.array([0.3, 2.9, 4.0]),  # the book's example
        np.array([1010, 1000, 990]),  # the book's overflow example (integers, as in the book)
        np.array([-1000.0, -1010.0, -1020.0]),  # exp underflows to 0 for all three: 0 / 0
        np.array([[0.3, 2.9, 4.0], [1.0, 2.0, 3.0]]),  # a batch of 2 rows
        np.array([[1010.0, 1000.0, 990.0], [0.3, 2.9, 4.0]]),  # rows of very different size
        rng.normal(scale=3.0, size=(4, 5)).round(3),
    ]


def _diagnose(a: np.ndarray, r: np.ndarray, e: np.ndarray) -> str | None:
    seen = f"for a = {fmt(a)} you returned {fmt(r)}, expected {fmt(e)}"
    rows = f"batch of {len(a)} rows {fmt(a)}" if a.ndim == 2 else ""
    if r.shape != a.shape:
        if a.ndim == 2 and r.ndim == 1 and r.size == a.size:
            return f"{rows}: the result was flattened to {r.shape}; keep the shape {a.shape}"
        return None
    if np.isnan(r).any():
        if a.ndim == 2:
            bad = int(np.flatnonzero(np.isnan(r).any(axis=1))[0])
            return (f"NaN in row {bad} of the {rows}, though each row alone works: "
                    "subtract each row's own max, np.max(a, axis=-1, keepdims=True)")
        return f"NaN for {fmt(a)}: {_SUBTRACT_MAX}"
    if np.allclose(r, np.floor(e)):
        return f"{seen}: // is floor division, which rounds probabilities down to 0; use /"
    if a.ndim == 2:
        sums = r.sum(axis=-1)
        if np.allclose(r.sum(axis=0), 1) and not np.allclose(sums, 1):
            return (f"{rows}: each column sums to 1 instead of each row; sum over axis=-1 "
                    "(the classes), not axis=0")
        if not np.allclose(sums, 1):
            if np.allclose(r, softmax(a.ravel()).reshape(a.shape)):
                return (f"{rows}: your rows sum to {fmt(sums)}, not 1 each. That is what the "
                        "book's §3.5.2 softmax does (np.max(a) and np.sum(exp_a) over the whole "
                        "array), and it is right for the one vector the book gives it; this "
                        "exercise asks for a batch of rows too, because a network's output "
                        "layer gets one row per input (as the book's common/functions.py "
                        f"softmax does later): take the max and the sum over axis=-1 with "
                        "keepdims=True")
            return f"{rows}: each row must sum to 1, yours sum to {fmt(sums)}; {_KEEPDIMS}"
        return None
    total = float(r.sum())
    if not np.isclose(total, 1):
        return f"{seen}: the probabilities sum to {fmt(total)}, not 1; divide by the sum of exp"
    return f"{seen}: softmax is exp(a - max(a)) / sum(exp(a - max(a)))"


def _on_error(a: np.ndarray) -> Callable[[BaseException], str | None]:
    def hint(error: BaseException) -> str | None:
        text = str(error)
        if a.ndim == 2 and "broadcast" in text:
            return f"batch of {len(a)} rows: {_KEEPDIMS}, so the sums stay a column"
        if "out of bounds" in text or "AxisError" in type(error).__name__:
            return "use axis=-1 (the last axis): it is the classes for a vector and for a batch"
        return None

    return hint


@exercise("softmax", warning_hint=f"exp overflowed on the way; {_SUBTRACT_MAX}")
def check_softmax(session: Session, attempt: Callable) -> None:
    """Check a softmax ``attempt(a)`` over the last axis, for a vector and a batch of rows."""
    for a in _cases():
        shows = f"for a = {fmt(a)}"
        result = session.call(
            attempt, a, shows=shows, names=("a",), on_error=_on_error(a),
            on_change="a -= c edits the caller's array; write np.exp(a - c) instead",
        )
        expected = softmax(a)
        session.expect_array(result, expected, shows,
                             diagnose=lambda r, a=a, e=expected: _diagnose(a, r, e))
