"""Numbers and values as short, deterministic text: one formatter for every chapter and check.

Python prints a negative number that rounds to zero as ``-0.00`` (and ``-0`` in ``%g``),
which a reader takes for a sign that means something. Every readout, label and verdict
that shows a number goes through :func:`fixed` or :func:`significant`, which never do.
:func:`fmt` is the check engine's one-line text for a number or an array.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from nnlib.i18n import _

__all__ = ["fixed", "significant", "fmt", "fmt_apart", "shorten", "safe_repr", "safe_text"]

# numpy as it was when the engine was imported: an attempt that patches np.asarray or
# np.array2string changes neither a verdict's numbers nor their text.
_asarray, _array2string = np.asarray, np.array2string


def _no_negative_zero(text: str) -> str:
    """``-0.00`` -> ``0.00``, ``-0`` -> ``0``, ``-0e+00`` kept apart from ``-0.001``."""
    zero = set(text.split("e")[0][1:]) <= set("0.")
    return text[1:] if text.startswith("-") and zero else text


def fixed(value: float | np.floating, decimals: int, *, sign: bool = False,
          big: float | None = None) -> str:
    """``value`` with ``decimals`` decimals, never ``-0.00``.

    ``sign=True`` puts a ``+`` before positive values (zero has no sign); with ``big``,
    values at least that large in size are shown with 3 significant digits instead.
    """
    value = float(value)
    if big is not None and abs(value) >= big:
        return significant(value, 3)
    text = _no_negative_zero(f"{value:.{decimals}f}")
    if sign and not text.startswith("-") and any(c in "123456789" for c in text):
        text = "+" + text
    return text


def significant(value: float | np.floating, digits: int = 4) -> str:
    """``value`` with ``digits`` significant digits (``%g``), never ``-0``."""
    return _no_negative_zero(f"{float(value):.{digits}g}")


def fmt(value: Any, digits: int = 4) -> str:
    """A short, deterministic, one-line text for a number or an array (``digits`` significant)."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return significant(value, digits)
    try:
        arr = _asarray(value)
    except Exception:  # a ragged list or an odd object: its repr will do
        return shorten(safe_repr(value))
    if arr.dtype.kind not in "biuf":
        return shorten(safe_repr(value))
    if arr.ndim == 0:
        return fmt(arr.item(), digits)
    text = _array2string(
        arr, separator=", ", threshold=12, edgeitems=2, max_line_width=10_000,
        formatter={"float_kind": lambda v: significant(v, digits)},
    )
    text = " ".join(text.split())
    return re.sub(r"\[ ", "[", re.sub(r" ([,\]])", r"\1", text))


def fmt_apart(value: Any, expected: Any) -> tuple[str, str]:
    """``fmt`` of both, with as many digits as it takes for them to read differently."""
    for digits in (4, 6, 8, 12, 17):
        shown = fmt(value, digits), fmt(expected, digits)
        if shown[0] != shown[1]:
            return shown
    return shown


def shorten(text: str, limit: int = 100) -> str:
    """One line of at most ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def safe_repr(value: Any) -> str:
    """``repr(value)``, or a stand-in when the object's own ``__repr__`` raises."""
    try:
        return repr(value)
    except KeyboardInterrupt:
        raise
    except BaseException:
        return _("a {name} (its repr raised)").format(name=type(value).__name__)


def safe_text(error: BaseException) -> str:
    """``str(error)``, or a stand-in when the exception's own ``__str__`` raises."""
    try:
        return str(error)
    except KeyboardInterrupt:
        raise
    except BaseException:
        return _("(its message could not be shown: its __str__ raised)")
