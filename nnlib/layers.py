"""Layers: the nodes of a computational graph 計算グラフ (book chapter 5).

Each layer has a ``forward`` that computes its output and keeps what it needs, and a
``backward`` right beside it that takes the upstream gradient ``dout`` (dL/d output)
and returns the gradient for each input by the chain rule 連鎖律. Backward must be
called after forward; it uses the values forward cached.

Each method is the book's formula plus one line of checks (the helpers in
:mod:`nnlib._checks`): inputs a user could get wrong (shapes, dtypes, labels) raise a
``ValueError`` or ``TypeError`` naming the problem. The checks are cheap ones, so that a
training step stays fast: the inputs are not scanned for NaN on the way in; a forward whose
result is not finite looks back (:func:`~nnlib._checks.warns_on_overflow`): a NaN or inf
input is named in a ValueError, and where finite input overflows, the layer keeps the
book's number (inf) and says so with an :class:`~nnlib._checks.OverflowWarning`. The
networks call forward without that look (they check their input and their loss once).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._checks import (
    NumberOrArray,
    OverflowWarning,
    affine_params,
    affine_rows,
    batchnorm_input,
    batchnorm_params,
    check_dout,
    check_dropout_ratio,
    check_flag,
    float_input,
    loss_dout,
    random_source,
    scores_and_labels,
    two_operands,
    warns_on_overflow,
)
from nnlib.functions import cross_entropy_of_indices, sigmoid, softmax_of_rows

__all__ = ["MulLayer", "AddLayer", "Relu", "Sigmoid", "Affine", "SoftmaxWithLoss", "Tanh",
           "BatchNormalization", "Dropout", "OverflowWarning"]

FloatArray = NDArray[np.floating]


class MulLayer:
    """乗算レイヤ multiplication node, out = x * y.

    Backward swaps the inputs: dL/dx = dout * y, dL/dy = dout * x.
    """

    out_shape: tuple[int, ...] | None = None

    @warns_on_overflow("x * y")
    def forward(self, x: ArrayLike, y: ArrayLike) -> NumberOrArray:
        self.x, self.y, self.out_shape = two_operands(x, y)  # numbers, or arrays (copied)
        return self.x * self.y

    def backward(self, dout: ArrayLike) -> tuple[NumberOrArray, NumberOrArray]:
        dout = check_dout(dout, self.out_shape, self)
        dx = _sum_to_shape(dout * self.y, np.shape(self.x))
        dy = _sum_to_shape(dout * self.x, np.shape(self.y))
        return dx, dy


class AddLayer:
    """加算レイヤ addition node, out = x + y.

    Backward passes the gradient through unchanged: dL/dx = dL/dy = dout.
    """

    out_shape: tuple[int, ...] | None = None

    @warns_on_overflow("x + y")
    def forward(self, x: ArrayLike, y: ArrayLike) -> NumberOrArray:
        x, y, self.out_shape = two_operands(x, y)
        self.x_shape, self.y_shape = np.shape(x), np.shape(y)
        return x + y

    def backward(self, dout: ArrayLike) -> tuple[NumberOrArray, NumberOrArray]:
        dout = check_dout(dout, self.out_shape, self)
        dx = _sum_to_shape(dout * 1, self.x_shape)
        dy = _sum_to_shape(dout * 1, self.y_shape)
        return dx, dy


class Relu:
    """ReLU layer, y = max(0, x).

    Backward lets the gradient through where the input was positive and blocks it
    elsewhere: dL/dx = dout where x > 0, else 0. Unlike the book's, it leaves ``dout``
    unchanged (no ``dout[mask] = 0`` in place) and never gives -0.0.
    """

    mask: NDArray[np.bool_] | None = None

    @warns_on_overflow("max(0, x)")
    def forward(self, x: ArrayLike) -> FloatArray:
        x = float_input(x, "x")
        self.mask = x > 0
        return np.maximum(x, 0)  # not x * mask, which turns negative inputs into -0.0

    def backward(self, dout: FloatArray) -> FloatArray:
        dout = check_dout(dout, self.mask, self)
        return dout * self.mask


class Sigmoid:
    """Sigmoid layer, y = 1 / (1 + exp(-x)) (computed without overflow).

    Backward uses only the output: dL/dx = dout * y * (1 - y).
    """

    out: FloatArray | None = None

    def forward(self, x: ArrayLike) -> FloatArray:
        self.out = sigmoid(x)
        return self.out.copy()  # the caller's y *= 0 must not reach backward

    def backward(self, dout: FloatArray) -> FloatArray:
        dout = check_dout(dout, self.out, self)
        return dout * (1.0 - self.out) * self.out


class Tanh:
    """tanh layer, y = tanh(x), beside :class:`Relu` and :class:`Sigmoid`.

    Like sigmoid, backward needs only the output: dL/dx = dout * (1 - y^2).
    """

    out: FloatArray | None = None

    @warns_on_overflow("tanh(x)")
    def forward(self, x: ArrayLike) -> FloatArray:
        self.out = np.tanh(float_input(x, "x"))
        return self.out.copy()  # the caller's y *= 0 must not reach backward

    def backward(self, dout: FloatArray) -> FloatArray:
        dout = check_dout(dout, self.out, self)
        return dout * (1.0 - self.out**2)


class Affine:
    """Affine layer 全結合 for a batch of rows, Y = X W + b.

    ``W`` has shape (inputs, outputs), ``b`` shape (outputs,). The layer holds them *by
    reference*, so a network's ``params`` dict and the layer share the same arrays, and
    an in-place update of one is seen by the other. Each input sample may have any shape
    (an image (1, 28, 28) too): it is flattened to one row of ``W.shape[0]`` values. A
    1-D ``x`` is one sample. As in the book, forward keeps ``x`` itself for backward:
    change ``x`` in place only after backward.

    Backward, with dY = dout of shape (batch, outputs):
    dL/dX = dY W^T (returned, in the shape ``x`` had), dL/dW = X^T dY (``.dW``),
    dL/db = the sum of dY over the batch (``.db``).
    """

    x: FloatArray | None = None
    out_shape: tuple[int, ...] | None = None

    def __init__(self, W: NDArray[np.floating], b: NDArray[np.floating]) -> None:
        self.W, self.b = affine_params(W, b)  # finite floats, kept by reference
        self.dW: FloatArray | None = None
        self.db: FloatArray | None = None

    @warns_on_overflow("x W + b")
    def forward(self, x: ArrayLike) -> FloatArray:
        self.x, self.x_shape = affine_rows(x, self.W), np.shape(x)  # rows of W.shape[0] values
        out = np.dot(self.x, self.W) + self.b
        self.out_shape = out.shape
        return out

    def backward(self, dout: FloatArray) -> FloatArray:
        dout = check_dout(dout, self.out_shape, self)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return np.dot(dout, self.W.T).reshape(self.x_shape)


class SoftmaxWithLoss:
    """Softmax followed by cross-entropy error, L = -(1/N) sum_n log(softmax(x_n)[t_n] + 1e-7).

    ``t`` holds integer labels (one per row of ``x``) or one-hot rows. Softmax subtracts
    each row's maximum first, so any finite logits give a finite loss; logits that are
    NaN or inf raise a ValueError naming ``x`` (inside a network, whose scores are NaN
    once it diverged, the loss is NaN with an ``OverflowWarning``, so that a trainer stops
    on it instead of an exception in the middle of a step). The two together
    have the simplest backward of all: dL/dx = (y - t_onehot) * dout / N, with y the
    softmax output and N the batch size.
    """

    y: FloatArray | None = None

    @warns_on_overflow("the loss")
    def forward(self, x: ArrayLike, t: ArrayLike) -> float:
        x, self.t, self.x_shape = scores_and_labels(x, t)  # rows of scores, a class index each
        self.y = softmax_of_rows(x)
        self.loss = cross_entropy_of_indices(self.y, self.t)
        return self.loss

    def backward(self, dout: float = 1.0) -> FloatArray:
        dout = loss_dout(dout, self.y, self)
        batch_size = len(self.t)
        dx = self.y.copy()
        dx[np.arange(batch_size), self.t] -= 1
        dx *= dout / batch_size
        return dx.reshape(self.x_shape)


class BatchNormalization:
    """Batch Normalization (book §6.3): each feature normalized over the mini-batch, then
    scaled and shifted, out = gamma * (x - mu) / sqrt(var + eps) + beta.

    As in the book's ``common/layers.py``: eps is ``10e-7`` (that is 1e-6, as the book writes
    it); training (``train_flg=True``) uses the batch's mean and variance and updates
    ``running_mean = momentum * running_mean + (1 - momentum) * mu`` (and ``running_var``
    likewise, both created as zeros on the first forward); inference uses the running ones.
    A 4-D input (N, C, H, W) is flattened per sample. ``gamma`` and ``beta`` are held by
    reference, like Affine's W and b; backward leaves their gradients in ``dgamma``, ``dbeta``.

    Backward follows the forward's graph node by node (the steps of the book's Figure 6-17):
    dbeta = sum(dout), dgamma = sum(xn * dout), then through xn = xc / std, std = sqrt(var +
    eps), var = mean(xc²), xc = x - mu, mu = mean(x).
    """

    xn: FloatArray | None = None
    xc: FloatArray | None  # xc and std: None in __init__, kept by forward for backward
    std: FloatArray | None

    def __init__(self, gamma: FloatArray, beta: FloatArray, momentum: float = 0.9,
                 running_mean: FloatArray | None = None,
                 running_var: FloatArray | None = None) -> None:
        self.gamma, self.beta, self.momentum = batchnorm_params(gamma, beta, momentum)
        self.input_shape: tuple[int, ...] | None = None  # 4-D for images, 2-D for rows
        self.running_mean = running_mean  # used at inference
        self.running_var = running_var
        self.batch_size, self.xc, self.std = None, None, None  # kept for backward
        self.dgamma: FloatArray | None = None
        self.dbeta: FloatArray | None = None

    @warns_on_overflow("gamma * (x - mean) / std + beta")
    def forward(self, x: ArrayLike, train_flg: bool = True) -> FloatArray:
        x, self.input_shape, train_flg = batchnorm_input(x, self.gamma, train_flg)  # rows
        if self.running_mean is None:
            N, D = x.shape
            self.running_mean = np.zeros(D, dtype=x.dtype)
            self.running_var = np.zeros(D, dtype=x.dtype)
        if train_flg:
            mu = x.mean(axis=0)
            xc = x - mu
            var = np.mean(xc**2, axis=0)
            std = np.sqrt(var + 10e-7)
            xn = xc / std
            self.batch_size, self.xc, self.xn, self.std = x.shape[0], xc, xn, std
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
        else:
            xc = x - self.running_mean
            xn = xc / np.sqrt(self.running_var + 10e-7)
        out = self.gamma * xn + self.beta
        return out.reshape(*self.input_shape)

    def backward(self, dout: FloatArray) -> FloatArray:
        dout = check_dout(dout, self.input_shape if self.xn is not None else None, self)
        dout = dout.reshape(len(dout), -1)
        dbeta = dout.sum(axis=0)
        dgamma = np.sum(self.xn * dout, axis=0)
        dxn = self.gamma * dout
        dxc = dxn / self.std
        dstd = -np.sum((dxn * self.xc) / (self.std * self.std), axis=0)
        dvar = 0.5 * dstd / self.std
        dxc += (2.0 / self.batch_size) * self.xc * dvar
        dmu = np.sum(dxc, axis=0)
        dx = dxc - dmu / self.batch_size
        self.dgamma, self.dbeta = dgamma, dbeta
        return dx.reshape(*self.input_shape)


class Dropout:
    """Dropout (book §6.4.3): in training, each neuron is dropped (set to 0) with probability
    ``dropout_ratio``, a new draw at every forward; at inference every output is multiplied
    by ``1 - dropout_ratio``, the share that was kept on average.

    This is the book's form, not the "inverted" dropout of most frameworks (which divides by
    ``1 - dropout_ratio`` in training and leaves inference alone): the expected output is
    the same, but the numbers differ. Backward passes the gradient where the neuron was kept.

    The mask is ``rand(shape) > dropout_ratio``. With ``rng=None`` (the default) it comes from
    ``np.random.rand``, as in the book (``np.random.seed`` makes it repeat); pass a seed or a
    ``np.random.Generator`` as ``rng`` for a run that repeats on its own.
    """

    mask: NDArray[np.bool_] | None = None

    def __init__(self, dropout_ratio: float = 0.5, *,
                 rng: np.random.Generator | int | None = None) -> None:
        self.dropout_ratio = check_dropout_ratio(dropout_ratio)
        self.rng = random_source(rng)

    @warns_on_overflow("x * mask")
    def forward(self, x: ArrayLike, train_flg: bool = True) -> FloatArray:
        x, train_flg = float_input(x, "x"), check_flag(train_flg, "train_flg")
        if train_flg:
            self.mask = self._rand(x.shape) > self.dropout_ratio
            return x * self.mask
        else:
            return x * (1.0 - self.dropout_ratio)

    def backward(self, dout: FloatArray) -> FloatArray:
        dout = check_dout(dout, self.mask, self)
        return dout * self.mask

    def _rand(self, shape: tuple[int, ...]) -> FloatArray:
        if self.rng is None:
            return np.random.rand(*shape)  # noqa: NPY002 - the book's global random state
        return self.rng.random(shape)



def _sum_to_shape(grad: NumberOrArray, shape: tuple[int, ...]) -> NumberOrArray:
    """Undo broadcasting: sum ``grad`` over the axes along which an input of ``shape`` was
    repeated, because a value used many times collects the gradient of every use."""
    summed: NDArray[Any] = np.asarray(grad)
    if summed.shape == shape:
        return summed.item() if shape == () else summed  # a number in, a number out
    summed = summed.sum(axis=tuple(range(summed.ndim - len(shape))))
    repeated = tuple(i for i, n in enumerate(shape) if n == 1 and summed.shape[i] != 1)
    summed = summed.sum(axis=repeated, keepdims=True) if repeated else summed
    return summed.item() if shape == () else summed
