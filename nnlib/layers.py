"""Layers: the nodes of a computational graph 計算グラフ (book chapter 5).

Each layer has a ``forward`` that computes its output and keeps what it needs, and a
``backward`` right beside it that takes the upstream gradient ``dout`` (dL/d output)
and returns the gradient for each input by the chain rule 連鎖律. Backward must be
called after forward; it uses the values forward cached.

Inputs a user could get wrong (shapes, dtypes, labels) raise a ``ValueError`` or
``TypeError`` naming the problem. The checks are cheap ones (dtype, shape), so that a
training step stays fast; values are not scanned for NaN here (the trainer watches the loss).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib.functions import (
    _cross_entropy_of_indices,
    _softmax_of_finite,
    labels_to_indices,
    sigmoid,
)

__all__ = ["MulLayer", "AddLayer", "Relu", "Sigmoid", "Affine", "SoftmaxWithLoss", "Tanh"]

FloatArray = NDArray[np.floating]


def _float_input(x: ArrayLike, name: str) -> FloatArray:
    """``x`` as a float array without a copy when it already is one (float32 kept)."""
    if type(x) is np.ndarray and x.dtype.kind == "f":  # the fast path of every training step
        return x
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    return arr


def _numeric(x: ArrayLike, name: str) -> ArrayLike:
    """A Python number as it is (the book's shopping example stays exact), else a real array."""
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return x
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real number or array, got dtype {arr.dtype}")
    return arr


def _check_dout(dout: ArrayLike, shape: tuple[int, ...]) -> FloatArray:
    dout = np.asarray(dout)
    if dout.shape != shape:
        raise ValueError(f"dout has shape {dout.shape}, but this layer's output had shape {shape}")
    return dout


def _sum_to_shape(grad: ArrayLike, shape: tuple[int, ...]) -> ArrayLike:
    """Undo broadcasting: sum ``grad`` over the axes along which an input of ``shape`` was
    repeated, because a value used many times collects the gradient of every use."""
    grad = np.asarray(grad)
    if grad.shape == shape:
        return grad.item() if shape == () else grad  # a number in, a number out
    grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))
    repeated = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    grad = grad.sum(axis=repeated, keepdims=True) if repeated else grad
    return grad.item() if shape == () else grad


class MulLayer:
    """乗算レイヤ multiplication node, out = x * y.

    Backward swaps the inputs: dL/dx = dout * y, dL/dy = dout * x.
    """

    def forward(self, x: ArrayLike, y: ArrayLike) -> ArrayLike:
        self.x, self.y = _numeric(x, "x"), _numeric(y, "y")
        return self.x * self.y

    def backward(self, dout: ArrayLike) -> tuple[ArrayLike, ArrayLike]:
        return (
            _sum_to_shape(dout * self.y, np.shape(self.x)),
            _sum_to_shape(dout * self.x, np.shape(self.y)),
        )


class AddLayer:
    """加算レイヤ addition node, out = x + y.

    Backward passes the gradient through unchanged: dL/dx = dL/dy = dout.
    """

    def forward(self, x: ArrayLike, y: ArrayLike) -> ArrayLike:
        x, y = _numeric(x, "x"), _numeric(y, "y")
        self.x_shape, self.y_shape = np.shape(x), np.shape(y)
        return x + y

    def backward(self, dout: ArrayLike) -> tuple[ArrayLike, ArrayLike]:
        return _sum_to_shape(dout * 1, self.x_shape), _sum_to_shape(dout * 1, self.y_shape)


class Relu:
    """ReLU layer, y = max(0, x).

    Backward lets the gradient through where the input was positive and blocks it
    elsewhere: dL/dx = dout where x > 0, else 0.
    """

    def forward(self, x: ArrayLike) -> FloatArray:
        x = _float_input(x, "x")
        self.mask = x > 0
        return np.maximum(x, 0)  # not x * mask, which turns negative inputs into -0.0

    def backward(self, dout: FloatArray) -> FloatArray:
        return _check_dout(dout, self.mask.shape) * self.mask


class Sigmoid:
    """Sigmoid layer, y = 1 / (1 + exp(-x)) (computed without overflow).

    Backward uses only the output: dL/dx = dout * y * (1 - y).
    """

    def forward(self, x: ArrayLike) -> FloatArray:
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout: FloatArray) -> FloatArray:
        return _check_dout(dout, self.out.shape) * (1.0 - self.out) * self.out


class Affine:
    """Affine layer 全結合 for a batch of rows, Y = X W + b.

    ``W`` has shape (inputs, outputs), ``b`` shape (outputs,). The layer holds them *by
    reference*, so a network's ``params`` dict and the layer share the same arrays, and
    an in-place update of one is seen by the other. Each input sample may have any shape
    (an image (1, 28, 28) too): it is flattened to one row of ``W.shape[0]`` values. A
    1-D ``x`` is one sample.

    Backward, with dY = dout of shape (batch, outputs):
    dL/dX = dY W^T (returned, in the shape ``x`` had), dL/dW = X^T dY (``.dW``),
    dL/db = the sum of dY over the batch (``.db``). ``backward(dout, input_grad=False)``
    skips dL/dX and returns None: a network's first layer needs no gradient for its data.
    """

    def __init__(self, W: NDArray[np.floating], b: NDArray[np.floating]) -> None:
        W, b = np.asarray(W), np.asarray(b)
        for name, value in (("W", W), ("b", b)):
            if value.dtype.kind != "f":
                raise TypeError(
                    f"{name} has dtype {value.dtype}; Affine needs float weights, because an "
                    f"in-place update of an integer array is truncated. Use {name}.astype(float)."
                )
        if W.ndim != 2:
            raise ValueError(f"W must be 2-D (inputs, outputs), got shape {W.shape}")
        if b.shape != (W.shape[1],):
            raise ValueError(
                f"b must have shape ({W.shape[1]},) to match W {W.shape}, got {b.shape}"
            )
        self.W, self.b = W, b
        self.x: FloatArray | None = None
        self.dW: FloatArray | None = None
        self.db: FloatArray | None = None

    def forward(self, x: ArrayLike) -> FloatArray:
        x = _float_input(x, "x")
        self.x_shape = x.shape
        rows = x.reshape(1 if x.ndim == 1 else len(x), -1) if x.ndim != 2 else x
        if rows.shape[1] != self.W.shape[0]:
            raise ValueError(
                f"x has {rows.shape[1]} values per sample (shape {x.shape}) but W expects "
                f"{self.W.shape[0]} (W has shape {self.W.shape})"
            )
        self.x = rows
        out = np.dot(rows, self.W)
        out += self.b
        return out

    def backward(self, dout: FloatArray, *, input_grad: bool = True) -> FloatArray | None:
        dout = _check_dout(dout, (len(self.x), self.W.shape[1]))
        self.dW = np.dot(self.x.T, dout)
        self.db = dout.sum(axis=0)
        if not input_grad:  # the first layer's input is data: dL/dX is a third of the work
            return None
        return np.dot(dout, self.W.T).reshape(self.x_shape)


class SoftmaxWithLoss:
    """Softmax followed by cross-entropy error, L = -(1/N) sum_n log(softmax(x_n)[t_n] + 1e-7).

    ``t`` holds integer labels (one per row of ``x``) or one-hot rows. Softmax subtracts
    each row's maximum first, so any finite logits give a finite loss; logits that are
    already NaN or inf (a diverged network) give a NaN loss, so that a trainer can stop
    on it, instead of an exception in the middle of a step. The two together
    have the simplest backward of all: dL/dx = (y - t_onehot) * dout / N, with y the
    softmax output and N the batch size.
    """

    def forward(self, x: ArrayLike, t: ArrayLike) -> float:
        x = _float_input(x, "x")
        if x.ndim not in (1, 2):
            raise ValueError(f"x must be 1-D (one sample) or 2-D (a batch of rows), got {x.shape}")
        self.x_shape = x.shape
        if np.isfinite(x).all():
            # y as rows, t as class indices; checked once here, so the private helpers follow
            self.y, self.t = labels_to_indices(_softmax_of_finite(x), t)
            self.loss = _cross_entropy_of_indices(self.y, self.t)
        else:
            self.y, self.t = labels_to_indices(np.zeros_like(x), t)
            self.y[:] = np.nan
            self.loss = float("nan")
        return self.loss

    def backward(self, dout: float = 1.0) -> FloatArray:
        if np.ndim(dout) != 0:
            raise ValueError(f"dout must be a scalar (the loss is one number): {np.shape(dout)}")
        batch_size = len(self.t)
        dx = self.y.copy()
        dx[np.arange(batch_size), self.t] -= 1
        dx *= dout / batch_size
        return dx.reshape(self.x_shape)


class Tanh:
    """tanh layer, y = tanh(x), beside :class:`Relu` and :class:`Sigmoid`.

    Like sigmoid, backward needs only the output: dL/dx = dout * (1 - y^2).
    """

    def forward(self, x: ArrayLike) -> FloatArray:
        self.out = np.tanh(_float_input(x, "x"))
        return self.out

    def backward(self, dout: FloatArray) -> FloatArray:
        return _check_dout(dout, self.out.shape) * (1.0 - self.out**2)
