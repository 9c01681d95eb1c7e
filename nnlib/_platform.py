"""What differs when nnlib runs in the browser edition (Pyodide, CPython in WebAssembly).

Natively nothing here changes anything. In Pyodide (``sys.platform == "emscripten"``):

- WebAssembly has no floating-point exception flags, so numpy never sees an overflow and
  never warns. :func:`warn_as_numpy_would` raises, from the values, the ``RuntimeWarning``
  numpy raises natively for one ufunc call, so a chapter that shows those warnings shows
  the same text in both places.
- numpy has no fast BLAS (a 784-50-10 training step takes about 20 times as long): a
  chapter that trains long runs cuts them there itself (chapter 07's ``browser.py``).
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Mapping

import numpy as np

__all__ = ["IN_BROWSER", "NUMPY_SEES_FP_ERRORS", "warn_as_numpy_would"]

#: True in the browser edition (Pyodide).
IN_BROWSER = sys.platform == "emscripten"


def _numpy_sees_fp_errors() -> bool:
    with np.errstate(over="raise"):
        try:
            np.exp(np.float64(1000.0))
        except FloatingPointError:
            return True
    return False


#: False where numpy cannot detect floating-point errors (Pyodide); measured, not assumed.
NUMPY_SEES_FP_ERRORS = _numpy_sees_fp_errors()


def warn_as_numpy_would(ufunc: np.ufunc, inputs: tuple, result: object) -> None:
    """Where numpy cannot see floating-point errors, warn as it does for ``ufunc(*inputs)``.

    Natively numpy itself warns, and this does nothing. Otherwise, under the same
    ``np.errstate`` rules: an infinite result from finite inputs is "divide by zero" when
    the ufunc divided by zero and "overflow" otherwise, and a NaN result from inputs with
    no NaN is "invalid value", each as one ``RuntimeWarning`` named after the ufunc, in
    numpy's order.
    """
    if NUMPY_SEES_FP_ERRORS:
        return
    values = [np.asarray(x) for x in inputs]
    out = np.asarray(result)
    if not all(v.dtype.kind in "biuf" for v in values) or out.dtype.kind != "f":
        return
    finite, no_nan = np.ones(out.shape, bool), np.ones(out.shape, bool)
    with np.errstate(all="ignore"):
        for value in values:
            finite &= np.broadcast_to(np.isfinite(value), out.shape)
            no_nan &= np.broadcast_to(~np.isnan(value), out.shape)
        new_inf = finite & np.isinf(out)
        by_zero = np.zeros(out.shape, bool)
        if ufunc in (np.divide, np.floor_divide, np.remainder) and len(values) == 2:
            by_zero = new_inf & np.broadcast_to(values[1] == 0, out.shape)
        elif ufunc in (np.log, np.log2, np.log10, np.reciprocal):
            by_zero = new_inf & np.broadcast_to(values[0] == 0, out.shape)
        found = {"divide": bool(by_zero.any()), "over": bool((new_inf & ~by_zero).any()),
                 "invalid": bool((no_nan & np.isnan(out)).any())}
    settings: Mapping[str, object] = np.geterr()
    for kind, text in [("divide", "divide by zero"), ("over", "overflow"),
                       ("invalid", "invalid value")]:
        if not found[kind] or settings[kind] == "ignore":
            continue
        message = f"{text} encountered in {ufunc.__name__}"
        if settings[kind] == "raise":
            raise FloatingPointError(message)
        warnings.warn(message, RuntimeWarning, stacklevel=3)
