"""A two-layer network built from :mod:`nnlib.layers` (book chapters 4 and 5).

Affine -> ReLU -> Affine -> SoftmaxWithLoss, with its parameters in the book's plain
dict ``params`` (``W1``, ``b1``, ``W2``, ``b2``). The Affine layers hold those very
arrays, so an update of ``params`` in place is what the layers compute with next.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from nnlib._checks import check_count, check_positive_finite
from nnlib.functions import labels_to_indices
from nnlib.gradient import numerical_gradient
from nnlib.layers import Affine, Relu, Sigmoid, SoftmaxWithLoss, Tanh

__all__ = ["TwoLayerNet", "PARAM_NAMES", "MultiLayerNet"]

#: The parameter names, in the order of the layers.
PARAM_NAMES = ("W1", "b1", "W2", "b2")


class TwoLayerNet:
    """二層ニューラルネットワーク: input -> Affine -> ReLU -> Affine -> softmax.

    Weights start as ``weight_init_std`` times standard normal samples (from
    ``np.random.default_rng(seed)``), biases at 0, all of ``dtype``: float64 by default,
    as the book computes, so that the book's gradient check (backprop against
    :meth:`numerical_gradient`) agrees to about 1e-10. Ask for ``dtype=np.float32`` by
    name where speed matters more than the last digits (about twice as fast per step).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int,
        weight_init_std: float = 0.01,
        seed: int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        sizes = [check_count(n, name, minimum=1) for n, name in (
            (input_size, "input_size"), (hidden_size, "hidden_size"), (output_size, "output_size"))]
        if output_size < 2:
            raise ValueError(f"output_size must be >= 2 (classes), got {output_size}")
        weight_init_std = check_positive_finite(weight_init_std, "weight_init_std")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {self.dtype}")
        rng = np.random.default_rng(seed)
        self.params: dict[str, NDArray[np.floating]] = {}
        for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:], strict=False), start=1):
            W = weight_init_std * rng.standard_normal((n_in, n_out))
            self.params[f"W{i}"] = W.astype(self.dtype)
            self.params[f"b{i}"] = np.zeros(n_out, dtype=self.dtype)
        self.layers = {
            "Affine1": Affine(self.params["W1"], self.params["b1"]),
            "Relu1": Relu(),
            "Affine2": Affine(self.params["W2"], self.params["b2"]),
        }
        self.last_layer = SoftmaxWithLoss()

    def _input(self, x: ArrayLike) -> NDArray[np.floating]:
        """``x`` as this net's dtype (no copy when it already is), one row per sample."""
        if type(x) is np.ndarray and x.dtype == self.dtype:
            return x
        x = np.asarray(x)
        if x.dtype.kind not in "biuf":
            raise TypeError(f"x must be a real numeric array, got dtype {x.dtype}")
        return x.astype(self.dtype)

    def predict(self, x: ArrayLike) -> NDArray[np.floating]:
        """The scores (logits) before softmax, one row per sample of ``x``."""
        x = self._input(x)
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Mean cross-entropy of softmax(predict(x)) against ``t`` (integer or one-hot labels)."""
        return self.last_layer.forward(self.predict(x), t)

    def accuracy(self, x: ArrayLike, t: ArrayLike, batch_size: int = 10_000) -> float:
        """The fraction of samples whose highest score is the right class (in chunks of rows)."""
        x = self._input(x)
        _, labels = labels_to_indices(np.zeros((len(x), self.params["b2"].size)), t)
        correct = 0
        for start in range(0, len(x), batch_size):
            scores = self.predict(x[start : start + batch_size])
            correct += int(np.sum(scores.argmax(axis=1) == labels[start : start + batch_size]))
        return correct / len(x)

    def numerical_gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, NDArray[np.floating]]:
        """Each parameter's gradient by central differences: 2 loss evaluations per number.

        Slow (about 80,000 forward passes for the 784-50-10 net) but independent of
        backprop, so it is the check for :meth:`gradient`. Keep the default float64:
        in float32 the steps of h = 1e-4 are too coarse for a tight comparison (errors
        of about 1e-4 instead of 1e-10).
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


#: The activation layers MultiLayerNet can put after each hidden Affine layer; "identity"
#: (also "linear") puts none, so the network is linear up to softmax.
ACTIVATION_LAYERS = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh, "identity": None,
                     "linear": None}
#: weight_init_std names and the scale each gives a layer with n inputs (book §6.2).
_INIT_SCALES = {"relu": 2.0, "he": 2.0, "sigmoid": 1.0, "xavier": 1.0}


class MultiLayerNet:
    """全結合による多層ニューラルネットワーク: (Affine -> activation) per hidden layer, then
    Affine -> softmax, with the signature of the book's ``common/multi_layer_net.py`` (§6).

    ``hidden_size_list`` gives the neurons of each 隠れ層 hidden layer (an empty list is
    one Affine layer, straight to softmax). ``activation`` is "relu" or "sigmoid" as in
    the book, or "tanh", or "identity"/"linear" (no activation layer). ``weight_init_std``
    is a number (each weight is that times a standard normal sample) or "relu"/"he"
    (sqrt(2 / n), n the layer's inputs) or "sigmoid"/"xavier" (sqrt(1 / n)). Biases start
    at 0. ``weight_decay_lambda`` is the 荷重減衰 weight decay (L2) rate λ: the loss adds
    0.5 λ sum(W²) over every weight matrix, and each gradient dL/dW adds λ W (biases are
    not decayed), as in the book.

    Parameters are ``params['W1']``, ``params['b1']``, ... in float64 (``dtype=np.float32``
    when asked), drawn from ``np.random.default_rng(seed)``. The layers are in
    :attr:`layers` under the book's names (``Affine1``, ``Activation_function1``, ...)
    and hold the very arrays of ``params``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size_list: list[int] | tuple[int, ...],
        output_size: int,
        activation: str = "relu",
        weight_init_std: float | str = "relu",
        weight_decay_lambda: float = 0,
        seed: int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        self.input_size = check_count(input_size, "input_size", minimum=1)
        self.output_size = check_count(output_size, "output_size", minimum=2)
        if isinstance(hidden_size_list, (str, bytes)) or not hasattr(hidden_size_list, "__iter__"):
            raise TypeError("hidden_size_list must be a list of layer sizes, e.g. [100, 100], "
                            f"got {type(hidden_size_list).__name__}")
        self.hidden_size_list = [check_count(n, f"hidden_size_list[{i}]", minimum=1)
                                 for i, n in enumerate(hidden_size_list)]
        self.hidden_layer_num = len(self.hidden_size_list)
        if not isinstance(activation, str) or activation.lower() not in ACTIVATION_LAYERS:
            names = ", ".join(map(repr, ACTIVATION_LAYERS))
            raise ValueError(f"activation must be one of {names}, got {activation!r}")
        self.activation = activation.lower()
        self.weight_decay_lambda = _non_negative(weight_decay_lambda, "weight_decay_lambda")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {self.dtype}")
        self.params: dict[str, NDArray[np.floating]] = {}
        self._init_weight(weight_init_std, np.random.default_rng(seed))
        activation_layer = ACTIVATION_LAYERS[self.activation]
        self.layers: dict[str, Any] = {}
        for idx in range(1, self.hidden_layer_num + 2):
            self.layers[f"Affine{idx}"] = Affine(self.params[f"W{idx}"], self.params[f"b{idx}"])
            if idx <= self.hidden_layer_num and activation_layer is not None:
                self.layers[f"Activation_function{idx}"] = activation_layer()
        self.last_layer = SoftmaxWithLoss()

    def _init_weight(self, weight_init_std: float | str, rng: np.random.Generator) -> None:
        sizes = [self.input_size, *self.hidden_size_list, self.output_size]
        if isinstance(weight_init_std, str):
            if weight_init_std.lower() not in _INIT_SCALES:
                raise ValueError("weight_init_std must be a number or one of 'relu', 'he', "
                                 f"'sigmoid', 'xavier', got {weight_init_std!r}")
            factor = _INIT_SCALES[weight_init_std.lower()]
        else:
            std = _non_negative(weight_init_std, "weight_init_std")
        for idx, (n_in, n_out) in enumerate(zip(sizes, sizes[1:], strict=False), start=1):
            scale = np.sqrt(factor / n_in) if isinstance(weight_init_std, str) else std
            W = scale * rng.standard_normal((n_in, n_out))
            self.params[f"W{idx}"] = W.astype(self.dtype)
            self.params[f"b{idx}"] = np.zeros(n_out, dtype=self.dtype)

    @property
    def param_names(self) -> tuple[str, ...]:
        """``('W1', 'b1', 'W2', 'b2', ...)``, in the order of the layers."""
        return tuple(f"{kind}{idx}" for idx in range(1, self.hidden_layer_num + 2)
                     for kind in "Wb")

    def _input(self, x: ArrayLike) -> NDArray[np.floating]:
        """``x`` as this net's dtype (no copy when it already is), one row per sample."""
        if type(x) is np.ndarray and x.dtype == self.dtype:
            return x
        x = np.asarray(x)
        if x.dtype.kind not in "biuf":
            raise TypeError(f"x must be a real numeric array, got dtype {x.dtype}")
        return x.astype(self.dtype)

    def predict(self, x: ArrayLike) -> NDArray[np.floating]:
        """The scores (logits) before softmax, one row per sample of ``x``."""
        x = self._input(x)
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def weight_decay(self) -> float:
        """The L2 penalty the loss adds: 0.5 λ times the sum of every squared weight."""
        if self.weight_decay_lambda == 0:
            return 0.0
        squares = sum(float(np.sum(self.params[f"W{i}"] ** 2))
                      for i in range(1, self.hidden_layer_num + 2))
        return 0.5 * self.weight_decay_lambda * squares

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Cross-entropy of softmax(predict(x)) against ``t``, plus :meth:`weight_decay`."""
        return self.last_layer.forward(self.predict(x), t) + self.weight_decay()

    def accuracy(self, x: ArrayLike, t: ArrayLike) -> float:
        """The fraction of samples whose highest score is the right class."""
        scores = self.predict(x)
        _, labels = labels_to_indices(np.zeros_like(scores), t)
        return float(np.mean(scores.argmax(axis=1) == labels))

    def numerical_gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, NDArray[np.floating]]:
        """Each parameter's gradient of :meth:`loss` by central differences (slow; the check)."""
        x = self._input(x)
        return {name: numerical_gradient(lambda _: self.loss(x, t), self.params[name])
                for name in self.param_names}

    def gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, NDArray[np.floating]]:
        """Each parameter's gradient by backpropagation, weight decay included.

        Every layer's ``backward(dout)`` is called in reverse order, as in the book, so
        layers written by a reader (with the book's forward/backward) can stand in for
        nnlib's. The mini-batch loss is kept in :attr:`last_loss`.
        """
        self.last_loss = self.loss(x, t)
        dout = self.last_layer.backward(1.0)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        grads = {}
        for idx in range(1, self.hidden_layer_num + 2):
            affine = self.layers[f"Affine{idx}"]
            grads[f"W{idx}"] = affine.dW + self.weight_decay_lambda * affine.W
            grads[f"b{idx}"] = affine.db
        return grads


def _non_negative(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value}")
    return float(value)
