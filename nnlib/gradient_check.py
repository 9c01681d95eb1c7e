"""勾配確認 gradient check: how far backprop's gradient is from the numerical one (book §5.7.3).

The book's ``ch05/gradient_check.py`` prints the mean absolute difference per
parameter; :func:`gradient_errors` gives the largest absolute and relative difference,
one row per parameter, and :func:`format_gradient_table` prints them.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from nnlib._checks import as_float_array, check_count, check_instance
from nnlib.i18n import _

__all__ = ["GradientError", "format_gradient_table", "gradient_errors"]


@dataclass(frozen=True)
class GradientError:
    """How far a backprop gradient is from the numerical one, for one parameter.

    ``max_abs`` = max |numerical - backprop|; ``max_rel`` = ``max_abs`` divided by the
    largest |entry| of either gradient (0 when both gradients are exactly 0).
    """

    name: str
    shape: tuple[int, ...]
    max_abs: float
    max_rel: float


def gradient_errors(
    numerical: Mapping[str, ArrayLike], backprop: Mapping[str, ArrayLike]
) -> list[GradientError]:
    """勾配確認 gradient check: one :class:`GradientError` per parameter, in ``numerical``'s order.

    For each parameter p:  max_abs = max_i |n_i - b_i|,
    max_rel = max_abs / max(max_i |n_i|, max_i |b_i|). Scaling by the largest entry
    (not entry by entry) keeps tiny entries, where both methods are mostly rounding
    noise, from dominating the comparison.
    """
    check_instance(numerical, "numerical", Mapping, "a dict of parameter name -> gradient")
    check_instance(backprop, "backprop", Mapping, "a dict of parameter name -> gradient")
    if set(numerical) != set(backprop):
        raise ValueError(
            "the two gradients (numerical, backprop) name different parameters: "
            f"{sorted(numerical)} vs {sorted(backprop)}"
        )
    rows = []
    for name in numerical:
        n = as_float_array(numerical[name], f"numerical[{name!r}]").astype(np.float64)
        b = as_float_array(backprop[name], f"backprop[{name!r}]").astype(np.float64)
        if n.shape != b.shape:
            raise ValueError(
                f"gradient {name!r} has shape {n.shape} numerically but {b.shape} by backprop"
            )
        max_abs = float(np.max(np.abs(n - b)))
        scale = max(float(np.max(np.abs(n))), float(np.max(np.abs(b))))
        max_rel = max_abs / scale if scale > 0 else 0.0
        rows.append(GradientError(name, n.shape, max_abs, max_rel))
    return rows


def format_gradient_table(rows: list[GradientError], digits: int | None = None) -> str:
    """A plain-text table of :func:`gradient_errors`.

    With ``digits=None`` each error is shown as its nearest power of ten,
    10^round(log10(error)), e.g. ``1e-06``: the part of a gradient-check result that
    does not change between machines. Otherwise with ``digits`` significant digits.
    """
    check_instance(rows, "rows", list | tuple, "a list of GradientError (from gradient_errors)")
    for row in rows:
        check_instance(row, "each of rows", GradientError, "a GradientError")
    if digits is not None:
        check_count(digits, "digits", minimum=1)

    def show(error: float) -> str:
        if digits is not None:
            return f"{error:.{digits - 1}e}"
        return "0" if error == 0 else f"{10.0 ** round(math.log10(error)):.0e}"

    header = (_("param"), _("shape"), _("max abs error"), _("max rel error"))
    # a column is as wide as its header if that is wider (a translated one may be)
    w = [max(width, _columns(text)) for width, text in zip((6, 12, 14, 14), header, strict=True)]
    lines = [f"{_pad(header[0], w[0])} {_pad(header[1], w[1])} "
             f"{_pad(header[2], w[2], right=True)} {_pad(header[3], w[3], right=True)}"]
    for row in rows:
        shape = str(row.shape)
        lines.append(f"{row.name:<{w[0]}} {shape:<{w[1]}} {show(row.max_abs):>{w[2]}} "
                     f"{show(row.max_rel):>{w[3]}}")
    return "\n".join(lines)


def _pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded to ``width`` columns, a wide (CJK) character counting as two."""
    space = " " * max(width - _columns(text), 0)
    return space + text if right else text + space


def _columns(text: str) -> int:
    """The columns ``text`` takes in a monospaced font: a wide (CJK) character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
