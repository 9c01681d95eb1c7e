"""Where floating point runs out, and what that does to softmax (book chapter 3).

The numbers here are measured from ``np.finfo`` and from running the formulas, never
typed in: the largest x whose exp is still finite, the scale of the logits at which the
textbook softmax breaks, and the warnings numpy raised along the way.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from nnlib._checks import as_float_array, check_dtype, check_positive_finite
from nnlib._platform import warn_as_numpy_would
from nnlib.functions import softmax, softmax_naive
from nnlib.i18n import _

__all__ = [
    "SUPPORTED_DTYPES",
    "CapturedCall",
    "call_capturing_warnings",
    "exp_overflow_threshold",
    "naive_softmax_breaks",
    "naive_tolerance",
    "naive_break_scale",
    "compare_softmax",
]

#: The float types nnlib.functions computes in (float32 stays float32, the rest becomes float64).
SUPPORTED_DTYPES = (np.float32, np.float64)


def _check_dtype(dtype: DTypeLike) -> np.dtype:
    return check_dtype(dtype, SUPPORTED_DTYPES)


class CapturedCall(NamedTuple):
    """What :func:`call_capturing_warnings` returns: the result and each warning as text."""

    result: Any
    warnings: list[str]

    def report(self) -> str:
        """One line per warning, ``Category: message``, or a line saying there were none."""
        return "\n".join(self.warnings) if self.warnings else _("(no warnings)")


def call_capturing_warnings(func: Callable[..., Any], *args: Any, **kwargs: Any) -> CapturedCall:
    """Call ``func(*args, **kwargs)`` and record every warning it raises instead of showing it.

    Each warning becomes ``"RuntimeWarning: overflow encountered in exp"``-style text, in
    the order raised, so a notebook can print them into its own output (deterministic)
    rather than letting them spill to stderr. Where numpy cannot see floating-point errors
    (the browser edition), a numpy ufunc's warnings are worked out from its values, so
    they read the same.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(*args, **kwargs)
        if isinstance(func, np.ufunc) and not kwargs:
            warn_as_numpy_would(func, args, result)
    return CapturedCall(result, [f"{w.category.__name__}: {w.message}" for w in caught])


def exp_overflow_threshold(dtype: DTypeLike = np.float64) -> float:
    """The largest x for which exp(x) is finite in ``dtype``: x_max = log(finfo(dtype).max).

    About 709.78 for float64 and 88.72 for float32. Any exp(x) with x above it is inf.
    """
    dt = _check_dtype(dtype)
    return float(np.log(np.float64(np.finfo(dt).max)))


def _scaled(logits: NDArray, scale: float, dt: np.dtype) -> NDArray:
    return (logits.astype(np.float64) * scale).astype(dt)


def naive_tolerance(dtype: DTypeLike = np.float64) -> float:
    """How far (relative) the naive softmax may stray from the stable one and still agree.

    1000 machine epsilons: about 1.2e-4 in float32 and 2.2e-13 in float64, far above the
    rounding of a few exps and one division, far below what a reader sees in 3 digits.
    """
    return float(1000 * np.finfo(_check_dtype(dtype)).eps)


def _naive_and_stable(a: NDArray, dt: np.dtype) -> tuple[NDArray, NDArray]:
    with np.errstate(all="ignore"):
        return softmax_naive(a), softmax(a)


def _agrees(naive: NDArray, stable: NDArray, dt: np.dtype) -> bool:
    """Naive equals stable up to :func:`naive_tolerance` (entries below the smallest
    normal number, which neither formula can hold to full precision, count as 0)."""
    return bool(np.all(np.isfinite(naive)) and np.allclose(
        naive, stable, rtol=naive_tolerance(dt), atol=float(np.finfo(dt).tiny)))


def naive_softmax_breaks(a: ArrayLike, dtype: DTypeLike = np.float64) -> bool:
    """True if the textbook softmax of ``a`` in ``dtype`` differs from the stable softmax.

    Differs means a non-finite entry (exp overflowed to inf, and inf / inf is NaN; or every
    exp underflowed to 0, and 0 / 0 is NaN), or entries further from the stable ones than
    :func:`naive_tolerance` allows: the sum overflowed while each term did not (every
    output 0), or the exps fell among the subnormal numbers, below ``finfo(dtype).tiny``,
    which carry fewer significant digits. The expected overflow warnings are silenced.
    """
    dt = _check_dtype(dtype)
    a = as_float_array(a, "a").astype(dt)
    return not _agrees(*_naive_and_stable(a, dt), dt)


def _breaks_at(logits: NDArray, scale: float, dt: np.dtype) -> bool:
    with np.errstate(over="ignore"):
        scaled = _scaled(logits, scale, dt)
    return not np.all(np.isfinite(scaled)) or naive_softmax_breaks(scaled, dt)


def naive_break_scale(logits: ArrayLike, dtype: DTypeLike = np.float64) -> float:
    """The scale s > 0 from which ``softmax_naive(s * logits)`` in ``dtype`` goes wrong.

    Found by bisection on the real computation (see :func:`naive_softmax_breaks`: wrong
    means different from the stable softmax beyond rounding), so it is measured rather than
    derived. For logits whose largest entry m is positive it lands where the sum of the
    exps reaches exp(exp_overflow_threshold(dtype)), a little below threshold / m; for
    negative logits, where exps sink so far among the subnormal numbers that digits are
    lost. Returns ``inf`` if no scale breaks it (the largest logit is 0, so exp of it is
    always 1).
    """
    dt = _check_dtype(dtype)
    logits = as_float_array(logits, "logits").astype(np.float64)
    if logits.ndim != 1:
        raise ValueError(_("logits must be one vector (1-D), got shape {shape}").format(
            shape=logits.shape))
    top = float(np.max(logits))
    if top == 0.0:
        return float("inf")
    # Everything hinges on exp of the largest logit: it is inf above ~710 and 0 below
    # ~-746 in float64 (fewer in float32), so by |scale * top| = 2000 the formula has broken.
    high = 2000.0 / abs(top)
    if not _breaks_at(logits, high, dt):
        return float("inf")
    low = 0.0  # scale 0 gives the uniform distribution, always fine
    for _step in range(200):
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        if _breaks_at(logits, middle, dt):
            high = middle
        else:
            low = middle
    return high


def compare_softmax(logits: ArrayLike, scale: float, dtype: DTypeLike) -> dict[str, Any]:
    """Naive and stable softmax of ``scale * logits`` in ``dtype``, with no warnings shown.

    Returns a dict: ``scaled`` (the logits actually fed in), ``naive`` and ``stable`` (as
    float64 for display; ``naive`` may hold NaN), ``broken`` (True if naive differs from
    stable beyond :func:`naive_tolerance`), ``overflowed`` (True if some exp(scaled) was
    inf, i.e. a scaled logit beyond the overflow threshold), ``subnormal`` (True if some
    exp(scaled) fell below the smallest normal number ``finfo(dtype).tiny``, where digits
    are lost, or to 0 while its stable probability did not) and ``error`` (the largest
    relative difference of a finite naive from stable, over entries of at least ``tiny``).
    """
    dt = _check_dtype(dtype)
    scale = check_positive_finite(scale, "scale")
    logits = as_float_array(logits, "logits")
    with np.errstate(over="ignore"):  # said just below, in words
        scaled = _scaled(logits, scale, dt)
    if not np.all(np.isfinite(scaled)):
        raise ValueError(_("scale {scale:g} times the logits does not fit in {dtype}").format(
            scale=scale, dtype=dt))
    naive, stable = _naive_and_stable(scaled, dt)
    tiny = np.finfo(dt).tiny
    with np.errstate(all="ignore"):
        exps = np.exp(scaled)
    counted = stable >= tiny
    error = float("nan")
    if np.all(np.isfinite(naive)):
        error = float(np.max(np.abs(naive[counted] - stable[counted]) / stable[counted]))
    return {
        "scaled": scaled.astype(np.float64),
        "naive": naive.astype(np.float64),
        "stable": stable.astype(np.float64),
        "broken": not _agrees(naive, stable, dt),
        "overflowed": bool(np.max(scaled) > exp_overflow_threshold(dt)),
        "subnormal": bool(np.any((exps < tiny) & counted)),
        "error": error,
    }
