"""Input checks shared by nnlib: each raises a ValueError or TypeError that names the problem.

Every public function of nnlib (core and chapters) coerces its arguments through these,
so that one argument gets one kind of message wherever it is passed.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import operator
import warnings
from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

#: The most values an array built from a user's count may hold (a float64 array of this
#: size is 2 GiB): beyond it nnlib says so rather than ask numpy for terabytes.
MAX_ELEMENTS = 2**28


def as_array(x: ArrayLike, name: str) -> np.ndarray:
    """``np.asarray(x)``, with a message naming ``x`` for a ragged list or an odd object."""
    if isinstance(x, np.ndarray):
        return x
    try:
        return np.asarray(x)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"{name} is not a rectangular array of numbers (a ragged list, or rows of "
            f"different lengths?): {error}"
        ) from None


def as_float_array(x: ArrayLike, name: str, *, allow_empty: bool = False) -> NDArray[np.floating]:
    """Return ``x`` as a finite floating array (float32 kept, anything else float64).

    Integers and booleans are converted, never mutated. Strings, objects and complex
    numbers are rejected with a ``TypeError``; NaN, inf and empty arrays with a ``ValueError``.
    """
    arr = as_array(x, name)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if arr.dtype.kind != "f" or arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty; it needs at least one value")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf; every value must be finite")
    return arr


def float_input(x: ArrayLike, name: str) -> NDArray[np.floating]:
    """``x`` as a float array without a copy when it already is one (float32 kept).

    The layers' fast path: no scan of the values (a training step stays fast).
    """
    if type(x) is np.ndarray and x.dtype.kind == "f" and x.dtype.itemsize >= 4:
        return x
    arr = as_array(x, name)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if arr.dtype.kind != "f" or arr.dtype.itemsize < 4:
        arr = arr.astype(np.float64)
    return arr


#: What MulLayer and AddLayer compute with: a Python number kept as it is, or a real array.
NumberOrArray = int | float | NDArray[Any]


def numeric(x: ArrayLike, name: str) -> NumberOrArray:
    """A Python number as it is (the book's shopping example stays exact), else a real array."""
    if isinstance(x, int | float) and not isinstance(x, bool):
        if isinstance(x, float) and not np.isfinite(x):
            raise ValueError(f"{name} must be finite, got {x}")
        return x
    arr = as_array(x, name)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real number or array, got dtype {arr.dtype}")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf; every value must be finite")
    return arr


# A float array comes back as a float array (the layers' case); a number may stay a number.
@overload
def check_dout(dout: NDArray[np.floating], kept: Any, layer: object) -> NDArray[np.floating]: ...


@overload
def check_dout(dout: ArrayLike, kept: Any, layer: object) -> NumberOrArray: ...


def check_dout(dout: ArrayLike, kept: Any, layer: object) -> NumberOrArray:
    """The upstream gradient of ``layer.backward``: real numbers in the shape of its output.

    ``kept`` is what forward kept that has the output's shape (an array, or the shape
    itself); None means forward has not run yet, which is said as such. A Python number
    for a number-valued output (the book's shopping example) stays a number.
    """
    if kept is None:
        raise RuntimeError(
            f"{type(layer).__name__}.backward was called before forward: run "
            "forward(...) first, it keeps the values backward needs"
        )
    shape = kept if isinstance(kept, tuple) else np.shape(kept)
    if shape == () and isinstance(dout, int | float) and not isinstance(dout, bool):
        return finite_scalar(dout, "dout") if isinstance(dout, float) else dout
    if type(dout) is not np.ndarray or dout.dtype.kind != "f":
        dout = as_array(dout, "dout")
        if dout.dtype.kind not in "biuf":
            raise TypeError(f"dout must be a real numeric array, got dtype {dout.dtype}")
    if dout.shape != shape:
        raise ValueError(f"dout has shape {dout.shape}, but this layer's output had shape {shape}")
    return dout


def scalar_result(value: object, where: str) -> float:
    """What ``f`` returned, as one float: f must return a single real number."""
    try:
        result = np.asarray(value)
    except (ValueError, TypeError):
        result = np.asarray(None)
    if result.size != 1 or result.dtype.kind not in "biuf":
        raise TypeError(
            f"f must return a single real number, got {result.shape} {result.dtype} {where}"
        )
    return float(result.reshape(()))


def finite_scalar(value: float, name: str) -> float:
    """One finite real number (a Python number, a numpy scalar or a 0-d array)."""
    if type(value) is float or type(value) is int:  # the fast path (dout = 1.0 every step)
        if value != value or value in (math.inf, -math.inf):
            raise ValueError(f"{name} must be a finite number, got {value}")
        return float(value)
    if isinstance(value, str | bytes) or value is None:
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    arr = as_float_array(value, name)
    if arr.size != 1:
        raise ValueError(f"{name} must be a single number, got shape {arr.shape}")
    return float(arr.reshape(()))


def check_positive_finite(value: float, name: str) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number greater than 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be finite and greater than 0, got {value}")
    return value


def check_non_negative(value: float, name: str) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value}")
    return float(value)


def data_array(x: ArrayLike, dtype: np.dtype, name: str = "x", *,
               scan: bool = True) -> NDArray[np.floating]:
    """A network's data ``x`` in the network's ``dtype`` (no copy when it already is), every
    value finite: NaN or inf raise a ValueError naming ``x``, and so does a finite value too
    large for ``dtype`` (1e308 in a float32 network), which would otherwise look like a
    diverged network later. The scan of the values costs a few percent of a training step:
    ``scan=False`` skips it for an array already of ``dtype``, for a caller that checks a
    result instead (see ``LayerNet._forward``); a converted array is always scanned."""
    given = x
    if type(x) is not np.ndarray or x.dtype != dtype:
        given = as_array(x, name)
        if given.dtype.kind not in "biuf":
            raise TypeError(f"{name} must be a real numeric array, got dtype {given.dtype}")
        with np.errstate(over="ignore", invalid="ignore"):
            x = given.astype(dtype)
    elif not scan:
        return x
    if not np.isfinite(x).all():
        if x is not given and np.asarray(given).dtype.kind == "f" and np.isfinite(given).all():
            raise ValueError(f"{name} is finite, but some values are too large for {dtype}: they "
                             f"overflow to inf in {dtype} (about 3.4e38 at most in float32); "
                             f"scale {name} down or use a float64 network")
        raise ValueError(f"{name} contains NaN or inf; every value of the data must be finite")
    return x


def check_count(value: int, name: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """Return ``value`` as an int, or raise if it is not an integer in [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return int(value)


def check_size(shape: tuple[int, ...], what: str) -> tuple[int, ...]:
    """Refuse an array shape too large to allocate, naming what asked for it."""
    total = 1
    for n in shape:
        total *= int(n)
    if total > MAX_ELEMENTS:
        raise ValueError(
            f"{what} would need an array of shape {tuple(shape)} ({total:,} values, more than "
            f"{MAX_ELEMENTS:,}); choose a smaller size"
        )
    return shape


def check_seed(seed: Any, name: str = "seed") -> int | None:
    """A seed for ``np.random.default_rng``: None or a non-negative integer."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer or None, got "
                        f"{type(seed).__name__} {seed!r}")
    return check_count(operator.index(seed), name)


def check_dtype(dtype: DTypeLike, allowed: tuple = (np.float32, np.float64),
                name: str = "dtype") -> np.dtype:
    """``dtype`` as a numpy dtype, one of ``allowed`` (float32 or float64 by default)."""
    names = " or ".join(np.dtype(d).name for d in allowed)
    try:
        dt = np.dtype(dtype)
    except TypeError as error:
        raise TypeError(f"{name} must be {names}, got {dtype!r}") from error
    if dt not in [np.dtype(d) for d in allowed]:
        raise TypeError(f"{name} must be {names}, got {dt}")
    return dt


def check_finite_result(value: Any, blame: str, what: str) -> Any:
    """``value`` if it is finite; else a ValueError saying that finite input overflowed.

    ``blame`` names the argument that is too large, ``what`` the quantity that overflowed.
    Call it on the result of a computation done under ``np.errstate(over="ignore")``.
    """
    if not np.all(np.isfinite(value)):
        raise ValueError(
            f"{blame} is finite, but too large: {what} overflows the float range "
            f"(about 1.8e308 in float64, 3.4e38 in float32); scale it down"
        )
    return value


# --- the layers' checks (nnlib.layers): one line in each forward or backward ------------------


class OverflowWarning(UserWarning):
    """Finite input gave an infinite (or NaN) result: the numbers outgrew the float range.

    nnlib keeps the number the book's code gives (inf) and says so by this name, instead of
    numpy's anonymous ``RuntimeWarning``; ``warnings.simplefilter("error", OverflowWarning)``
    turns it into an error.
    """


F = TypeVar("F", bound=Callable[..., Any])


def warns_on_overflow(what: str) -> Callable[[F], F]:
    """Decorate a layer's ``forward``: numpy's overflow warnings are kept quiet while it runs,
    and a result that is not finite is explained once it is there (no scan of the inputs
    on the way: a finite result needs none). If an input already held NaN or inf, a
    ValueError names that input; if every input was finite, the numbers overflowed, and an
    :class:`OverflowWarning` names ``what`` overflowed, the result unchanged (the book's inf).

    The networks call the undecorated forward (``without_overflow_check``) and check once
    per pass instead."""

    def decorate(forward: F) -> F:
        names = list(inspect.signature(forward).parameters)[1:]  # after self

        @functools.wraps(forward)
        def run(layer: object, *args: Any, **kwargs: Any) -> Any:
            with np.errstate(over="ignore", invalid="ignore"):
                out = forward(layer, *args, **kwargs)
            if not np.all(np.isfinite(out)):
                _refuse_non_finite_inputs(layer, {**dict(zip(names, args, strict=False)),
                                                  **kwargs})
                warnings.warn(
                    f"{type(layer).__name__}.forward: {what} overflowed the float range "
                    f"(about 1.8e308 in float64, 3.4e38 in float32) and gives "
                    f"{'inf' if np.all(~np.isnan(out)) else 'inf or NaN'}; scale the inputs down",
                    OverflowWarning, stacklevel=2)
            return out

        run.without_overflow_check = forward  # type: ignore[attr-defined]  # for the networks
        return cast(F, run)  # run takes and returns what forward does

    return decorate


def _refuse_non_finite_inputs(layer: object, inputs: dict[str, Any]) -> None:
    """A ValueError naming the first of a forward's ``inputs`` that holds NaN or inf."""
    for name, value in inputs.items():
        arr = np.asarray(value)
        if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
            raise ValueError(f"{type(layer).__name__}.forward: {name} contains NaN or inf; "
                             f"every value of {name} must be finite")


def two_operands(x: ArrayLike, y: ArrayLike
                 ) -> tuple[NumberOrArray, NumberOrArray, tuple[int, ...]]:
    """MulLayer's and AddLayer's inputs: real numbers (kept as numbers) or arrays whose
    shapes broadcast, and the output's shape. Arrays are copied, so that changing x or y
    after forward cannot change what backward computes."""
    x, y = numeric(x, "x"), numeric(y, "y")
    try:
        shape = np.broadcast_shapes(np.shape(x), np.shape(y))
    except ValueError:
        raise ValueError(
            f"x of shape {np.shape(x)} and y of shape {np.shape(y)} cannot be combined "
            "element by element (their shapes do not broadcast)"
        ) from None
    check_size(shape, "x and y together")
    x, y = (v.copy() if isinstance(v, np.ndarray) else v for v in (x, y))
    return x, y, shape


def affine_params(W: ArrayLike, b: ArrayLike) -> tuple[NDArray[np.floating], NDArray[np.floating]]:
    """Affine's ``W`` (inputs, outputs) and ``b`` (outputs,): finite floats, kept by reference."""
    W, b = as_array(W, "W"), as_array(b, "b")
    for name, value in (("W", W), ("b", b)):
        if value.dtype.kind != "f":
            raise TypeError(
                f"{name} has dtype {value.dtype}; Affine needs float weights, because an "
                f"in-place update of an integer array is truncated. Use {name}.astype(float)."
            )
        if not np.isfinite(value).all():
            raise ValueError(f"{name} contains NaN or inf; every weight must be finite")
    if W.ndim != 2:
        raise ValueError(f"W must be 2-D (inputs, outputs), got shape {W.shape}")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b must have shape ({W.shape[1]},) to match W {W.shape}, got {b.shape}")
    return W, b


def affine_rows(x: ArrayLike, W: NDArray) -> NDArray[np.floating]:
    """Affine's input as float rows of ``W.shape[0]`` values, one per sample: each sample may
    have any shape (an image (1, 28, 28) too) and is flattened; a 1-D ``x`` is one sample.
    A float array of rows comes back as it is (no copy, no scan: the fast path)."""
    x = float_input(x, "x")
    if x.ndim == 2 and x.shape[1] == W.shape[0]:
        return x
    if x.ndim == 0 or x.size == 0:
        raise ValueError(f"x must hold at least one sample of {W.shape[0]} values, "
                         f"got shape {x.shape}")
    rows = x.reshape(1 if x.ndim == 1 else len(x), -1)
    if rows.shape[1] != W.shape[0]:
        raise ValueError(f"x has {rows.shape[1]} values per sample (shape {x.shape}) but W expects "
                         f"{W.shape[0]} (W has shape {W.shape})")
    return rows


def class_indices(t: ArrayLike, y_shape: tuple[int, ...]) -> NDArray[np.intp]:
    """Labels ``t`` for scores or probabilities of shape ``y_shape`` (one sample or rows), as
    one class index per row: ``t`` is one-hot (``y``'s shape) or integer labels."""
    t = as_array(t, "t")
    if len(y_shape) not in (1, 2):
        raise ValueError(f"y must be 1-D (one sample) or 2-D (a batch), got shape {y_shape}")
    if t.dtype.kind not in "biuf":
        raise TypeError(f"t must be integer labels or a one-hot array, got dtype {t.dtype}")
    num_classes = y_shape[-1]
    if t.shape == y_shape:
        rows = t.reshape(-1, num_classes)
        if not np.all((rows == 0) | (rows == 1)) or not np.all(rows.sum(axis=1) == 1):
            raise ValueError("t has the shape of y but is not one-hot: each row needs one 1")
        return rows.argmax(axis=1).astype(np.intp)
    if t.shape != y_shape[:-1]:
        raise ValueError(
            f"shapes of y {y_shape} and t {t.shape} do not match: t must be one-hot "
            f"with shape {y_shape} or integer labels with shape {y_shape[:-1]}"
        )
    if t.dtype.kind not in "iu":
        raise TypeError(f"t must hold integer labels (or be one-hot, shaped like y), got "
                        f"dtype {t.dtype}")
    indices = t.reshape(-1)
    if indices.min() < 0 or indices.max() >= num_classes:
        raise ValueError(
            f"labels must lie in 0..{num_classes - 1} (y has {num_classes} classes), "
            f"got {indices.min()}..{indices.max()}"
        )
    return indices.astype(np.intp, copy=False)


def scores_and_labels(x: ArrayLike, t: ArrayLike
                      ) -> tuple[NDArray[np.floating], NDArray[np.intp], tuple[int, ...]]:
    """SoftmaxWithLoss's input: scores as float rows (a 1-D ``x`` is one sample), one class
    index per row, and the shape ``x`` came in. Values are not scanned here (see
    :func:`warns_on_overflow`)."""
    x = float_input(x, "x")
    if x.ndim not in (1, 2) or x.size == 0:
        raise ValueError(f"x must be 1-D (one sample) or 2-D (a batch of rows) and not empty, "
                         f"got shape {x.shape}")
    return x.reshape(-1, x.shape[-1]), class_indices(t, x.shape), x.shape


def loss_dout(dout: float, kept: Any, layer: object) -> float:
    """The upstream gradient of a loss layer's backward: one finite number (the loss is one
    number); ``kept`` is what forward kept (None: forward has not run, said as such)."""
    if kept is None:
        check_dout(dout, None, layer)
    if np.ndim(dout) != 0:
        raise ValueError(f"dout must be a scalar (the loss is one number): {np.shape(dout)}")
    return finite_scalar(dout, "dout")
def check_callable(value: Any, name: str) -> Any:
    """A function (or anything callable), else a TypeError naming ``name``."""
    if not callable(value):
        raise TypeError(f"{name} must be a function, got {type(value).__name__} {value!r:.60}")
    return value


def check_bool(value: Any, name: str) -> bool:
    """True or False (a numpy bool too), else a TypeError naming ``name``."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r:.60}")
    return bool(value)


def check_choice(value: Any, name: str, choices: Any) -> Any:
    """One of ``choices`` (compared with ==), else a ValueError/TypeError listing them."""
    if not isinstance(value, str | int | float | type(None)) or isinstance(value, bool):
        raise TypeError(f"{name} must be one of {list(choices)}, got {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}: {name} must be one of {list(choices)}")
    return value


def check_str(value: Any, name: str) -> str:
    """A string (a title, a label), else a TypeError naming ``name``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__} {value!r:.60}")
    return value


def float_vector(x: ArrayLike, name: str, *, ndim: int = 1, size: int | None = None,
                 minimum: float | None = None, maximum: float | None = None,
                 positive: bool = False, allow_empty: bool = False,
                 scalar_ok: bool = False) -> NDArray[np.floating]:
    """``x`` as a finite float array of ``ndim`` dimensions (of ``size`` values if given),
    every value in [minimum, maximum] (or > 0 if ``positive``); one number counts as a
    vector of one if ``scalar_ok``."""
    arr = as_float_array(x, name, allow_empty=allow_empty)
    if scalar_ok and arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.size == 0 and allow_empty:
        return arr.reshape((0,) * ndim)
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    if size is not None and arr.size != size:
        raise ValueError(f"{name} must hold {size} values, got {arr.size}")
    if positive and np.any(arr <= 0):
        raise ValueError(f"{name} must be greater than 0, got min {arr.min():g}")
    if minimum is not None and np.any(arr < minimum):
        raise ValueError(f"{name} must be >= {minimum:g}, got min {arr.min():g}")
    if maximum is not None and np.any(arr > maximum):
        raise ValueError(f"{name} must be <= {maximum:g}, got max {arr.max():g}")
    return arr


def number_in(value: Any, name: str, low: float, high: float) -> float:
    """One finite real number in [low, high], else an error naming ``name`` and the range."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, got bool")
    value = finite_scalar(value, name)
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low:g}, {high:g}], got {value:g}")
    return value


def same_length(name: str, arr: NDArray, other_name: str, other: NDArray) -> None:
    """Two arrays that pair up value by value, else a ValueError naming both."""
    if len(arr) != len(other):
        raise ValueError(f"{name} has {len(arr)} values but {other_name} has {len(other)}; "
                         f"they pair up one to one, so they must be of equal length")


def check_instance(value: Any, name: str, cls: Any, what: str) -> Any:
    """An instance of ``cls``, else a TypeError saying what ``name`` must be."""
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__} {value!r:.60}")
    return value


def check_interval(value: Any, name: str, limit: float = 1e6) -> tuple[float, float]:
    """An interval ``(low, high)``: two finite numbers, low < high, within +-``limit``."""
    pair = float_vector(value, name, size=2, minimum=-limit, maximum=limit)
    if not pair[0] < pair[1]:
        raise ValueError(f"{name} must be (low, high) with low < high, got {tuple(pair)}")
    return float(pair[0]), float(pair[1])


def check_labelled(value: Any, name: str, ndim: int = 2) -> dict[str, NDArray]:
    """A non-empty mapping of label -> finite array of ``ndim`` dimensions (e.g. named paths)."""
    if not hasattr(value, "items"):
        raise TypeError(f"{name} must be a mapping of label -> array, got {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} is empty; pass at least one {{label: array}}")
    return {check_str(label, f"a label of {name}"): float_vector(item, f"{name}[{label!r}]",
                                                                 ndim=ndim)
            for label, item in value.items()}


def int_array(x: ArrayLike, name: str, *, minimum: int | None = 0,
              maximum: int | None = None) -> NDArray[np.intp]:
    """``x`` as a non-empty integer array (labels, counts), every value in [minimum, maximum].
    Whole floats (3.0) are accepted as the integers they are."""
    arr = as_array(x, name)
    if (arr.dtype.kind == "f" and np.all(np.isfinite(arr))
            and np.all(np.abs(arr.astype(np.float64)) < 2**53) and np.all(arr == np.round(arr))):
        arr = arr.astype(np.intp)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty; it needs at least one value")
    if minimum is not None and arr.min() < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {arr.min()}")
    if maximum is not None and arr.max() > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {arr.max()}")
    return arr


# --- Batch Normalization's and Dropout's checks (book §6.3, §6.4) ---------------------------


def batchnorm_params(gamma: ArrayLike, beta: ArrayLike,
                     momentum: float) -> tuple[NDArray[np.floating], NDArray[np.floating], float]:
    """BatchNormalization's ``gamma`` and ``beta``: 1-D float arrays of one size, finite, kept
    by reference (a network's ``params`` holds the same arrays); ``momentum`` in [0, 1]."""
    gamma, beta = as_array(gamma, "gamma"), as_array(beta, "beta")
    for name, value in (("gamma", gamma), ("beta", beta)):
        if value.dtype.kind != "f":
            raise TypeError(f"{name} has dtype {value.dtype}; BatchNormalization needs float "
                            f"parameters (an in-place update of integers is truncated)")
        if value.ndim != 1 or value.size == 0:
            raise ValueError(f"{name} must be 1-D, one value per feature, got shape {value.shape}")
        if not np.isfinite(value).all():
            raise ValueError(f"{name} contains NaN or inf; every parameter must be finite")
    if beta.shape != gamma.shape:
        raise ValueError(f"beta has shape {beta.shape} but gamma has shape {gamma.shape}")
    if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real):
        raise TypeError(f"momentum must be a real number in [0, 1], got {type(momentum).__name__}")
    if not 0.0 <= float(momentum) <= 1.0:
        raise ValueError(f"momentum must be in [0, 1] (the share of the running statistics "
                         f"kept at each step), got {momentum}")
    return gamma, beta, float(momentum)


def check_flag(value: Any, name: str) -> bool:
    """A switch such as ``train_flg`` or ``use_dropout``: True or False (a numpy bool, 0 or 1
    as well, which the book's ``if`` accepts too), else a TypeError naming ``name``."""
    if isinstance(value, bool | np.bool_) or (
            isinstance(value, int | np.integer) and value in (0, 1)):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r:.60}")


def batchnorm_input(x: ArrayLike, gamma: NDArray, train_flg: Any
                    ) -> tuple[NDArray[np.floating], tuple[int, ...], bool]:
    """BatchNormalization's forward arguments: ``x`` as rows of features, its shape, and
    ``train_flg`` checked."""
    x = float_input(x, "x")
    return batchnorm_rows(x, gamma), x.shape, check_flag(train_flg, "train_flg")


def batchnorm_rows(x: ArrayLike, gamma: NDArray) -> NDArray[np.floating]:
    """BatchNormalization's input as float rows of ``gamma.size`` features, one per sample
    (a 4-D batch of images is flattened per sample, as the book's layer does)."""
    x = float_input(x, "x")
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"x must be a non-empty batch of samples (N, features) or (N, C, H, W), "
                         f"got shape {x.shape}")
    rows = x if x.ndim == 2 else x.reshape(len(x), -1)
    if rows.shape[1] != gamma.size:
        raise ValueError(f"x has {rows.shape[1]} features per sample (shape {x.shape}) but gamma "
                         f"has {gamma.size}")
    return rows


def check_dropout_ratio(value: float) -> float:
    """Dropout's ``dropout_ratio``: the share of neurons dropped, a number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError("dropout_ratio must be a real number in [0, 1], got "
                        f"{type(value).__name__}")
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"dropout_ratio must be in [0, 1] (the share of neurons dropped), "
                         f"got {value}")
    return float(value)


def random_source(rng: Any) -> np.random.Generator | None:
    """A layer's random source: None (numpy's global ``np.random``, the book's), a seed, or a
    ``np.random.Generator``."""
    if rng is None or isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(check_seed(rng, "rng"))
