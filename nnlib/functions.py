"""Activation, output and loss functions of a neural network (book chapters 3 and 4).

Each one is a pure function of arrays: it never changes its input, keeps float32 as
float32 (anything else becomes float64), and stays finite and warning-free for every
finite input. Bad input raises a ``ValueError`` or ``TypeError`` that names the problem.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._checks import (
    as_array,
    as_float_array,
    check_count,
    check_finite_result,
    check_size,
    class_indices,
)
from nnlib._platform import warn_as_numpy_would

__all__ = [
    "identity_function",
    "step_function",
    "sigmoid",
    "relu",
    "tanh",
    "softmax",
    "softmax_naive",
    "sum_squared_error",
    "mean_squared_error",
    "cross_entropy_error",
    "to_one_hot",
    "labels_to_indices",
    "CROSS_ENTROPY_DELTA",
]

#: Added inside the log of cross-entropy, as in the book, so that log(0) never happens.
CROSS_ENTROPY_DELTA = 1e-7

FloatArray = NDArray[np.floating]


def identity_function(x: ArrayLike) -> FloatArray:
    """恒等関数 identity function, h(x) = x: the output layer of a regression network.

    Returns a new array, so that changing the result never changes ``x``.
    """
    return as_float_array(x, "x").copy()


def step_function(x: ArrayLike) -> NDArray[np.int64]:
    """ステップ関数 step function: 1 where x > 0, else 0 (the perceptron's activation)."""
    return (as_float_array(x, "x") > 0).astype(np.int64)


def sigmoid(x: ArrayLike) -> FloatArray:
    """シグモイド関数 sigmoid, h(x) = 1 / (1 + exp(-x)).

    Computed as ``exp(-|x|)`` on both sides of 0, so that exp never overflows:
    ``sigmoid(-1000)`` is 0 and ``sigmoid(1000)`` is 1, with no warning.
    """
    x = as_float_array(x, "x")
    z = np.exp(-np.abs(x))  # in (0, 1], never overflows
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z)).astype(x.dtype, copy=False)


def relu(x: ArrayLike) -> FloatArray:
    """ReLU (Rectified Linear Unit): h(x) = max(0, x)."""
    x = as_float_array(x, "x")
    return np.maximum(x, 0).astype(x.dtype, copy=False)


def tanh(x: ArrayLike) -> FloatArray:
    """Hyperbolic tangent, h(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x)), in (-1, 1)."""
    return np.tanh(as_float_array(x, "x"))


def softmax(a: ArrayLike) -> FloatArray:
    """ソフトマックス関数 softmax over the last axis, y_k = exp(a_k) / sum_i exp(a_i).

    Works on a vector or a batch of rows. The row maximum is subtracted before exp
    (softmax is unchanged by a constant shift), so exp never overflows and every finite
    input gives finite probabilities that sum to 1: ``[1010, 1000, 990]`` included.
    """
    return softmax_of_rows(as_float_array(a, "a"))


def softmax_of_rows(a: FloatArray) -> FloatArray:
    """The formula of :func:`softmax` without its checks, for a float array a caller has
    checked already (``SoftmaxWithLoss`` does; not in ``__all__``: not for readers). Quiet
    on non-finite input: a row with NaN or +inf gives NaN probabilities, so that a diverged
    network's loss is NaN."""
    # a - max can overflow to -inf only where exp would give 0 anyway (e.g. [1e308, -1e308]).
    with np.errstate(over="ignore", invalid="ignore"):
        shifted = a - np.max(a, axis=-1, keepdims=True)
        exp_a = np.exp(shifted)
        return exp_a / np.sum(exp_a, axis=-1, keepdims=True)


def softmax_naive(a: ArrayLike) -> FloatArray:
    """The textbook formula exp(a) / sum(exp(a)) with no shift: overflows for large ``a``.

    Kept only to show the overflow (chapter 3). It returns NaN for ``[1010, 1000, 990]``
    and lets numpy's overflow ``RuntimeWarning`` through. Use :func:`softmax` instead.
    """
    a = as_float_array(a, "a")
    exp_a = np.exp(a)
    warn_as_numpy_would(np.exp, (a,), exp_a)  # in Pyodide numpy cannot see the overflow
    total = np.sum(exp_a, axis=-1, keepdims=True)
    y = exp_a / total
    warn_as_numpy_would(np.divide, (exp_a, total), y)
    return y


def to_one_hot(labels: ArrayLike, num_classes: int = 10) -> NDArray[np.float32]:
    """one-hot表現 one-hot encoding: label k becomes a row with 1 at index k, 0 elsewhere."""
    labels = as_array(labels, "labels")
    num_classes = check_count(num_classes, "num_classes", minimum=1)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be integers, got dtype {labels.dtype}")
    check_size((*labels.shape, num_classes), "to_one_hot(labels, num_classes)")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"labels must lie in 0..{num_classes - 1}, got {labels.min()}..{labels.max()}"
        )
    one_hot = np.zeros((*labels.shape, num_classes), dtype=np.float32)
    np.put_along_axis(one_hot, labels[..., None].astype(np.intp), 1.0, axis=-1)
    return one_hot


def labels_to_indices(y: ArrayLike, t: ArrayLike) -> tuple[FloatArray, NDArray[np.intp]]:
    """Return ``y`` as a 2-D batch and ``t`` as one integer class index per row.

    ``t`` may be one-hot (the shape of ``y``) or integer labels (one per row of ``y``).
    A single sample (``y`` 1-D) becomes a batch of one.
    """
    y = as_float_array(y, "y")
    indices = class_indices(t, y.shape)
    return y.reshape(-1, y.shape[-1]), indices


def sum_squared_error(y: ArrayLike, t: ArrayLike) -> float:
    """2乗和誤差 sum of squared errors, E = 1/2 * sum_k (y_k - t_k)^2 (book §4.2.1).

    The book's ``0.5 * np.sum((y - t)**2)``: for a batch the sum runs over every row too,
    so E is the total over the batch, not its average (unlike :func:`cross_entropy_error`).
    ``t`` is a target of ``y``'s shape (one-hot, as in the book, or any real targets), or,
    as nnlib's addition, integer labels (one per row of ``y``) that stand for one-hot rows.
    """
    y = as_float_array(y, "y")
    if as_array(t, "t").shape == y.shape:
        target = as_float_array(t, "t")
    else:
        y, indices = labels_to_indices(y, t)
        target = np.zeros_like(y)
        target[np.arange(len(indices)), indices] = 1
    with np.errstate(over="ignore"):  # squares beyond 1.8e308: said below, not warned
        total = 0.5 * np.sum((y - target) ** 2)
    return float(check_finite_result(total, "y", "the sum of squared errors"))


#: The printed book's name for the same function (§4.2.1 defines ``mean_squared_error``
#: with the body ``0.5 * np.sum((y - t)**2)``); the book's code on GitHub says
#: ``sum_squared_error``. Both names give the book's numbers.
mean_squared_error = sum_squared_error


def cross_entropy_error(y: ArrayLike, t: ArrayLike) -> float:
    """交差エントロピー誤差 cross-entropy error, E = -sum_k t_k log(y_k + delta).

    ``y`` holds probabilities (e.g. softmax output), one sample or a batch of rows;
    ``t`` is one-hot or integer labels. For a batch, E is averaged over the rows. The tiny
    ``delta`` (1e-7) keeps E finite when the correct class has probability 0; E >= 0.
    """
    y2, indices = labels_to_indices(y, t)
    if np.any(y2 < 0):
        raise ValueError("y must hold probabilities (>= 0); did you pass logits before softmax?")
    return cross_entropy_of_indices(y2, indices)


def cross_entropy_of_indices(y2: FloatArray, indices: NDArray[np.intp]) -> float:
    """The formula of :func:`cross_entropy_error` without its checks, for input a caller has
    checked already: a batch of probability rows and one class index per row."""
    correct = y2[np.arange(len(indices)), indices]
    # Capped at 1 so that a certain, correct answer costs exactly 0, never -1e-7.
    total = -np.sum(np.log(np.minimum(correct + CROSS_ENTROPY_DELTA, 1.0)))
    return float(total) / len(indices) + 0.0  # + 0.0 turns a -0.0 (all certain) into 0.0
