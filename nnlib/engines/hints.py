"""What a check's message says about a mistake: the reader's exception in a few words, a
hint for the errors beginners meet most, and the scale factor many wrong answers share."""

from __future__ import annotations

import re

import numpy as np

from nnlib.engines.formatting import safe_text, shorten
from nnlib.i18n import _

__all__ = ["error_hint", "raised", "scale_between"]

# numpy as it was when the engine was imported (a reader may patch np.allclose).
_asarray, _allclose, _isfinite, _median, _abs = (np.asarray, np.allclose, np.isfinite,
                                                 np.median, np.abs)


def first_sentence(text: str) -> str:
    """Up to the first full stop that ends a sentence (not "728.00 MiB" or "e.g. this")."""
    return re.split(r"(?<![\d.])\.\s+(?=[A-Z])", text, maxsplit=1)[0]


def error_hint(error: BaseException) -> str:
    """A hint for the exceptions beginners meet most; "" when there is nothing to add."""
    text = safe_text(error)
    if isinstance(error, MemoryError):
        return _("an array far too large was asked for: check the shapes you pass to np.zeros")
    if "Python scalar" in text or "only length-1 arrays" in text or "only 0-dimensional" in text:
        return _("math.exp and friends take one number only; use np.exp, which works "
                 "element-wise")
    if "truth value of an array" in text:
        return (_("`if`, `and`, `or`, max() and min() need one True/False, not an array; use "
                  "element-wise numpy: x > 0, np.maximum, np.where"))
    if "could not be broadcast" in text:
        return _("the shapes do not line up: check the axis you reduce over and keepdims=True")
    if "matmul" in text or "not aligned" in text:
        return _("the matrix shapes do not line up: check which operand needs a .T")
    if isinstance(error, NameError):
        return _("a name is not defined: run the cell with the imports first")
    if isinstance(error, RecursionError):
        return _("the function keeps calling itself")
    return ""


def raised(error: BaseException, shows: str, on_error=None) -> str:
    """"raised KeyError: 'x' for a = [1, 2]; <hint>": the check's own hint first."""
    message = shorten(f"{type(error).__name__}: {first_sentence(safe_text(error))}")
    try:
        hint = (on_error(error) if on_error else None) or error_hint(error)
    except KeyboardInterrupt:
        raise
    except BaseException:  # a hint that trips over the reader's odd exception: no hint
        hint = ""
    return _("raised {message} {shows}").format(
             message=message, shows=shows) + (_("; {hint}").format(hint=hint) if hint else "")


def scale_between(result: np.ndarray, expected: np.ndarray, rtol: float = 1e-6) -> float | None:
    """The factor c with result == c * expected everywhere, if there is one (else None).

    Many mistakes scale the right answer: a missing 1/2 or 1/N, a sign, log10 for log.
    """
    result, expected = _asarray(result, dtype=float), _asarray(expected, dtype=float)
    if result.shape != expected.shape or not _isfinite(result).all():
        return None
    nonzero = _abs(expected) > 1e-12
    if not nonzero.any() or (_abs(result[~nonzero]) > 1e-9).any():
        return None
    ratios = result[nonzero] / expected[nonzero]
    c = float(_median(ratios))
    return c if _allclose(ratios, c, rtol=rtol, atol=1e-12) else None
