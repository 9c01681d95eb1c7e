"""A two-layer network built from :mod:`nnlib.layers` (book chapters 4 and 5).

Affine -> ReLU -> Affine -> SoftmaxWithLoss, with its parameters in the book's plain
dict ``params`` (``W1``, ``b1``, ``W2``, ``b2``). The Affine layers hold those very
arrays, so an update of ``params`` in place is what the layers compute with next.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from nnlib._checks import (
    as_array,
    check_count,
    check_dtype,
    check_finite_result,
    check_positive_finite,
    check_seed,
    check_size,
)
from nnlib.functions import labels_to_indices
from nnlib.gradient import numerical_gradient
from nnlib.layers import Affine, Relu, SoftmaxWithLoss

__all__ = ["TwoLayerNet", "PARAM_NAMES"]

#: The parameter names, in the order of the layers.
PARAM_NAMES = ("W1", "b1", "W2", "b2")


class TwoLayerNet:
    """二層ニューラルネットワーク: input -> Affine -> ReLU -> Affine -> softmax.

    Weights start as ``weight_init_std`` times standard normal samples (from
    ``np.random.default_rng(seed)``), biases at 0, all of ``dtype`` (float32 is fast;
    use float64 for accurate numerical gradient checks).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int,
        weight_init_std: float = 0.01,
        seed: int | None = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        sizes = [check_count(n, name, minimum=1) for n, name in (
            (input_size, "input_size"), (hidden_size, "hidden_size"), (output_size, "output_size"))]
        if output_size < 2:
            raise ValueError(f"output_size must be >= 2 (classes), got {output_size}")
        weight_init_std = check_positive_finite(weight_init_std, "weight_init_std")
        self.dtype = check_dtype(dtype)
        for n_in, n_out in zip(sizes, sizes[1:], strict=False):
            check_size((n_in, n_out), "input_size, hidden_size and output_size")
        rng = np.random.default_rng(check_seed(seed))
        self.params: dict[str, NDArray[np.floating]] = {}
        for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:], strict=False), start=1):
            with np.errstate(over="ignore"):
                W = (weight_init_std * rng.standard_normal((n_in, n_out))).astype(self.dtype)
            self.params[f"W{i}"] = check_finite_result(
                W, f"weight_init_std = {weight_init_std:g}", f"the weights in {self.dtype}")
            self.params[f"b{i}"] = np.zeros(n_out, dtype=self.dtype)
        self.layers = {
            "Affine1": Affine(self.params["W1"], self.params["b1"]),
            "Relu1": Relu(),
            "Affine2": Affine(self.params["W2"], self.params["b2"]),
        }
        self.last_layer = SoftmaxWithLoss()
        for layer in (self.layers["Affine1"], self.layers["Affine2"]):
            layer.copy_input = False  # gradient() runs forward and backward in one call

    def _input(self, x: ArrayLike) -> NDArray[np.floating]:
        """``x`` as this net's dtype (no copy when it already is), one row per sample."""
        if type(x) is np.ndarray and x.dtype == self.dtype:
            return x
        x = as_array(x, "x")
        if x.dtype.kind not in "biuf":
            raise TypeError(f"x must be a real numeric array, got dtype {x.dtype}")
        with np.errstate(over="ignore"):
            converted = x.astype(self.dtype)
        return check_finite_result(converted, "x", f"x in {self.dtype}") if (
            x.dtype.kind == "f" and x.dtype.itemsize > self.dtype.itemsize) else converted

    def predict(self, x: ArrayLike) -> NDArray[np.floating]:
        """The scores (logits) before softmax, one row per sample of ``x``."""
        x = self._input(x)
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Mean cross-entropy of softmax(predict(x)) against ``t`` (integer or one-hot labels).

        A single sample ``x`` (1-D) takes a single label (or one one-hot row), as ``predict``
        takes it as a batch of one.
        """
        scores = self.predict(x)
        if np.ndim(x) == 1:
            t = as_array(t, "t")
            if t.ndim < 2:
                t = t.reshape(1, *t.shape)
        return self.last_layer.forward(scores, t)

    def accuracy(self, x: ArrayLike, t: ArrayLike, batch_size: int = 10_000) -> float:
        """The fraction of samples whose highest score is the right class (in chunks of rows).

        ``x`` is checked once here: NaN or inf data raise a ValueError rather than count as
        wrong answers.
        """
        batch_size = check_count(batch_size, "batch_size", minimum=1)
        x = self._input(x)
        if x.ndim < 2 or len(x) == 0:
            raise ValueError(f"x must be a non-empty batch of samples, got shape {x.shape}")
        if not np.isfinite(x).all():
            raise ValueError("x contains NaN or inf; every value of the data must be finite")
        _, labels = labels_to_indices(np.zeros((len(x), self.params["b2"].size)), t)
        correct = 0
        for start in range(0, len(x), batch_size):
            scores = self.predict(x[start : start + batch_size])
            correct += int(np.sum(scores.argmax(axis=1) == labels[start : start + batch_size]))
        return correct / len(x)

    def numerical_gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, NDArray[np.floating]]:
        """Each parameter's gradient by central differences: 2 loss evaluations per number.

        Slow (about 80,000 forward passes for the 784-50-10 net) but independent of
        backprop, so it is the check for :meth:`gradient`. Use ``dtype=np.float64``:
        in float32 the steps of h = 1e-4 are too coarse for a tight comparison.
        """
        x = self._input(x)
        return {
            name: numerical_gradient(lambda _: self.loss(x, t), self.params[name])
            for name in PARAM_NAMES
        }

    def gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, NDArray[np.floating]]:
        """Each parameter's gradient by backpropagation 誤差逆伝播法: one forward, one backward.

        The mini-batch loss of that forward pass is kept in :attr:`last_loss`, so a
        training loop can record it without another forward pass.
        """
        self.last_loss = self.loss(x, t)
        first, relu, second = self.layers.values()
        dout = relu.backward(second.backward(self.last_layer.backward(1.0)))
        first.backward(dout, input_grad=False)  # x is data: no need for dL/dx
        return {"W1": first.dW, "b1": first.db, "W2": second.dW, "b2": second.db}
