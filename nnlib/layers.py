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

from nnlib._checks import check_dout, check_size, finite_scalar, float_input, numeric
from nnlib.functions import (
    _cross_entropy_of_indices,
    _softmax_of_finite,
    labels_to_indices,
    sigmoid,
)

__all__ = ["MulLayer", "AddLayer", "Relu", "Sigmoid", "Affine", "SoftmaxWithLoss", "Tanh"]

FloatArray = NDArray[np.floating]


def _forward_first(layer: object, cached: str) -> None:
    """Backward needs what forward kept: say so when forward has not run yet."""
    if getattr(layer, cached, None) is None:
        raise RuntimeError(
            f"{type(layer).__name__}.backward was called before forward: run "
            "forward(...) first, it keeps the values backward needs"
        )


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


def _broadcast_shape(x: ArrayLike, y: ArrayLike) -> tuple[int, ...]:
    try:
        shape = np.broadcast_shapes(np.shape(x), np.shape(y))
    except ValueError:
        raise ValueError(
            f"x of shape {np.shape(x)} and y of shape {np.shape(y)} cannot be combined "
            "element by element (their shapes do not broadcast)"
        ) from None
    return check_size(shape, "x and y together")


def _two_input_dout(dout: ArrayLike, shape: tuple[int, ...]) -> ArrayLike:
    """dout of a MulLayer or AddLayer: a real number or array of the output's shape."""
    if shape == () and isinstance(dout, int | float) and not isinstance(dout, bool):
        return finite_scalar(dout, "dout") if isinstance(dout, float) else dout
    return check_dout(dout, shape)


class MulLayer:
    """乗算レイヤ multiplication node, out = x * y.

    Backward swaps the inputs: dL/dx = dout * y, dL/dy = dout * x.
    """

    out_shape: tuple[int, ...] | None = None

    def forward(self, x: ArrayLike, y: ArrayLike) -> ArrayLike:
        x, y = numeric(x, "x"), numeric(y, "y")
        self.out_shape = _broadcast_shape(x, y)
        # copies (numbers stay numbers): changing x or y later must not change backward
        self.x, self.y = (v.copy() if isinstance(v, np.ndarray) else v for v in (x, y))
        return self.x * self.y

    def backward(self, dout: ArrayLike) -> tuple[ArrayLike, ArrayLike]:
        _forward_first(self, "out_shape")
        dout = _two_input_dout(dout, self.out_shape)
        return (
            _sum_to_shape(dout * self.y, np.shape(self.x)),
            _sum_to_shape(dout * self.x, np.shape(self.y)),
        )


class AddLayer:
    """加算レイヤ addition node, out = x + y.

    Backward passes the gradient through unchanged: dL/dx = dL/dy = dout.
    """

    out_shape: tuple[int, ...] | None = None

    def forward(self, x: ArrayLike, y: ArrayLike) -> ArrayLike:
        x, y = numeric(x, "x"), numeric(y, "y")
        self.out_shape = _broadcast_shape(x, y)
        self.x_shape, self.y_shape = np.shape(x), np.shape(y)
        return x + y

    def backward(self, dout: ArrayLike) -> tuple[ArrayLike, ArrayLike]:
        _forward_first(self, "out_shape")
        dout = _two_input_dout(dout, self.out_shape)
        return _sum_to_shape(dout * 1, self.x_shape), _sum_to_shape(dout * 1, self.y_shape)


class Relu:
    """ReLU layer, y = max(0, x).

    Backward lets the gradient through where the input was positive and blocks it
    elsewhere: dL/dx = dout where x > 0, else 0.
    """

    mask: NDArray[np.bool_] | None = None

    def forward(self, x: ArrayLike) -> FloatArray:
        x = float_input(x, "x")
        self.mask = x > 0
        return np.maximum(x, 0)  # not x * mask, which turns negative inputs into -0.0

    def backward(self, dout: FloatArray) -> FloatArray:
        _forward_first(self, "mask")
        return check_dout(dout, self.mask.shape) * self.mask


class Sigmoid:
    """Sigmoid layer, y = 1 / (1 + exp(-x)) (computed without overflow).

    Backward uses only the output: dL/dx = dout * y * (1 - y).
    """

    out: FloatArray | None = None

    def forward(self, x: ArrayLike) -> FloatArray:
        self.out = sigmoid(x)
        return self.out.copy()  # the caller's y *= 0 must not reach backward

    def backward(self, dout: FloatArray) -> FloatArray:
        _forward_first(self, "out")
        return check_dout(dout, self.out.shape) * (1.0 - self.out) * self.out


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

    Forward keeps a private copy of ``x`` for backward (``copy_input = True``), so that
    ``x *= 100`` between forward and backward cannot scale ``dW``. A network that runs
    forward and backward within one call, as ``TwoLayerNet.gradient`` does, sets
    ``copy_input = False`` on its layers: nobody can change ``x`` in between, and the
    copy of a 100 x 784 batch would cost about 3 % of a training step.
    """

    copy_input: bool = True

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
        given = x
        x = float_input(x, "x")
        if x.ndim == 0 or x.size == 0:
            raise ValueError(f"x must hold at least one sample of {self.W.shape[0]} values, "
                             f"got shape {x.shape}")
        self.x_shape = x.shape
        rows = x.reshape(1 if x.ndim == 1 else len(x), -1) if x.ndim != 2 else x
        if rows.shape[1] != self.W.shape[0]:
            raise ValueError(
                f"x has {rows.shape[1]} values per sample (shape {x.shape}) but W expects "
                f"{self.W.shape[0]} (W has shape {self.W.shape})"
            )
        # backward reads x: keep a private copy unless float_input already made one
        self.x = rows.copy() if x is given and self.copy_input else rows
        out = np.dot(rows, self.W)
        out += self.b
        return out

    def backward(self, dout: FloatArray, *, input_grad: bool = True) -> FloatArray | None:
        _forward_first(self, "x")
        dout = check_dout(dout, (len(self.x), self.W.shape[1]))
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

    y: FloatArray | None = None

    def forward(self, x: ArrayLike, t: ArrayLike) -> float:
        x = float_input(x, "x")
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
        _forward_first(self, "y")
        if np.ndim(dout) != 0:
            raise ValueError(f"dout must be a scalar (the loss is one number): {np.shape(dout)}")
        dout = finite_scalar(dout, "dout")
        batch_size = len(self.t)
        dx = self.y.copy()
        dx[np.arange(batch_size), self.t] -= 1
        dx *= dout / batch_size
        return dx.reshape(self.x_shape)


class Tanh:
    """tanh layer, y = tanh(x), beside :class:`Relu` and :class:`Sigmoid`.

    Like sigmoid, backward needs only the output: dL/dx = dout * (1 - y^2).
    """

    out: FloatArray | None = None

    def forward(self, x: ArrayLike) -> FloatArray:
        self.out = np.tanh(float_input(x, "x"))
        return self.out.copy()  # the caller's y *= 0 must not reach backward

    def backward(self, dout: FloatArray) -> FloatArray:
        _forward_first(self, "out")
        return check_dout(dout, self.out.shape) * (1.0 - self.out**2)
