"""Input checks shared by nnlib: each raises a ValueError or TypeError that names the problem."""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike, NDArray


def as_float_array(x: ArrayLike, name: str, *, allow_empty: bool = False) -> NDArray[np.floating]:
    """Return ``x`` as a finite floating array (float32 kept, anything else float64).

    Integers and booleans are converted, never mutated. Strings, objects and complex
    numbers are rejected with a ``TypeError``; NaN, inf and empty arrays with a ``ValueError``.
    """
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if arr.dtype.kind != "f" or arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty; it needs at least one value")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf; every value must be finite")
    return arr


def check_positive_finite(value: float, name: str) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number greater than 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be finite and greater than 0, got {value}")
    return value


def check_count(value: int, name: str, *, minimum: int = 0) -> int:
    """Return ``value`` as an int, or raise if it is not an integer of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)
