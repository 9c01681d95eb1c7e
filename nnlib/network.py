"""Networks built from :mod:`nnlib.layers` (book chapters 4 to 6).

:class:`TwoLayerNet` (Affine -> ReLU -> Affine -> SoftmaxWithLoss) and :class:`MultiLayerNet`
(any number of hidden layers) keep their parameters in the book's plain dict ``params``
(``W1``, ``b1``, ...). The Affine layers hold those very arrays, so an update of ``params``
in place is what the layers compute with next.

Both are a :class:`LayerNet`: an ordered dict of ``layers`` and a ``last_layer``, with one
``predict``/``loss``/``accuracy``/``gradient`` for every network, and one input check at
their entry (:func:`~nnlib._checks.data_array`): NaN or inf data raise a ValueError there
instead of coming out as NaN scores.
"""

from __future__ import annotations

import functools
import inspect
import math
import warnings
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from nnlib._checks import (
    OverflowWarning,
    as_array,
    check_count,
    check_dtype,
    check_finite_result,
    check_flag,
    check_instance,
    check_non_negative,
    check_positive_finite,
    check_seed,
    check_size,
    class_indices,
    data_array,
)
from nnlib.gradient import numerical_gradient
from nnlib.layers import Affine, BatchNormalization, Dropout, Relu, Sigmoid, SoftmaxWithLoss, Tanh

#: LayerNet and LayerRecord are public too, but kept out of ``__all__``: the shared base and
#: a record, not something a reader builds (the bad-input fuzz walks ``__all__``).
__all__ = ["TwoLayerNet", "PARAM_NAMES", "MultiLayerNet", "MultiLayerNetExtend"]

#: TwoLayerNet's parameter names, in the order of the layers.
PARAM_NAMES = ("W1", "b1", "W2", "b2")

FloatArray = NDArray[np.floating]


@dataclass
class LayerRecord:
    """What one layer got and gave in one :meth:`LayerNet.gradient` call (asked for with
    ``record=[]``): ``input`` and ``output`` of its forward, ``grad_output`` (dL/d output,
    the ``dout`` its backward got) and ``grad_input`` (dL/d input, what backward returned;
    None for the first layer, whose input is the data)."""

    name: str
    layer: Any
    input: FloatArray
    output: FloatArray
    grad_output: FloatArray | None = None
    grad_input: FloatArray | None = None


class LayerNet:
    """What every network of nnlib shares: ``layers`` run in order, then ``last_layer``.

    A subclass builds ``params``, ``layers``, ``last_layer``, ``dtype`` and
    ``param_layers`` (each parameterized layer's name -> {parameter name: the attribute
    where its backward leaves that parameter's gradient}, e.g. ``{"W1": "dW", "b1": "db"}``).
    ``weight_decay_lambda`` (L2, the book's) and ``l1_lambda`` add their penalties to the
    loss and gradient of every weight matrix ("W..." parameters).

    A layer whose ``forward`` takes a ``train_flg`` argument (Dropout, Batch Normalization)
    gets the one ``predict``/``loss`` were given: False by default, True in ``gradient``.
    """

    params: dict[str, FloatArray]
    layers: dict[str, Any]
    last_layer: Any
    dtype: np.dtype
    param_layers: dict[str, dict[str, str]]
    weight_decay_lambda: float = 0.0
    l1_lambda: float = 0.0
    last_loss: float = float("nan")

    def predict(self, x: ArrayLike, train_flg: bool = False, *,
                record: list[LayerRecord] | None = None) -> FloatArray:
        """The scores (logits) before softmax, one row per sample of ``x``. Pass a list as
        ``record`` to have one :class:`LayerRecord` per layer appended to it."""
        x, _ = self._data(x), _record_list(record)
        train_flg = check_flag(train_flg, "train_flg")
        with np.errstate(over="ignore", invalid="ignore"):
            return _scores_checked(self._forward(x, train_flg, record))

    def loss(self, x: ArrayLike, t: ArrayLike, train_flg: bool = False) -> float:
        """Mean cross-entropy of softmax(predict(x)) against ``t`` (integer or one-hot labels),
        plus :meth:`weight_decay`. A single sample ``x`` (1-D) takes a single label (or one
        one-hot row), as ``predict`` takes it as a batch of one."""
        x, train_flg = self._data(x), check_flag(train_flg, "train_flg")
        with np.errstate(over="ignore", invalid="ignore"):
            return _loss_checked(self._loss(x, t, train_flg))

    def weight_decay(self) -> float:
        """The penalty the loss adds: 0.5 λ sum(W²) (L2, the book's weight decay) plus
        λ1 sum(|W|) (L1), over every weight matrix; 0 when both rates are 0."""
        penalty = 0.0
        if not (self.weight_decay_lambda or self.l1_lambda):
            return penalty
        for name in self._weights():
            if self.weight_decay_lambda:
                penalty += 0.5 * self.weight_decay_lambda * float(np.sum(self.params[name] ** 2))
            if self.l1_lambda:
                penalty += self.l1_lambda * float(np.sum(np.abs(self.params[name])))
        return penalty

    def accuracy(self, x: ArrayLike, t: ArrayLike, batch_size: int = 10_000) -> float:
        """The fraction of samples whose highest score is the right class (in chunks of
        ``batch_size`` rows, so that a large test set needs little memory)."""
        batch_size = check_count(batch_size, "batch_size", minimum=1)
        x = self._data(x)
        if x.ndim < 2 or len(x) == 0:
            raise ValueError(f"x must be a non-empty batch of samples, got shape {x.shape}")
        correct, labels = 0, None
        for start in range(0, len(x), batch_size):
            with np.errstate(over="ignore", invalid="ignore"):  # a diverged net's NaN: wrong
                scores = self._forward(x[start : start + batch_size], False)
            if labels is None:  # checked once, against the number of classes the net scores
                labels = class_indices(t, (len(x), scores.shape[1]))
            correct += int(np.sum(scores.argmax(axis=1) == labels[start : start + batch_size]))
        return correct / len(x)

    def numerical_gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, FloatArray]:
        """Each parameter's gradient of :meth:`loss` by central differences: 2 loss
        evaluations per number. Slow (about 80,000 forward passes for the 784-50-10 net)
        but independent of backprop, so it is the check for :meth:`gradient`. Keep the
        default float64: in float32 the steps of h = 1e-4 are too coarse for a tight
        comparison (errors of about 1e-4 instead of 1e-10).

        The loss is taken with ``train_flg=True``, as :meth:`gradient` takes it (and as the
        book's ``MultiLayerNetExtend`` does): Batch Normalization then uses the batch's own
        statistics. Dropout draws a new mask at every evaluation, so compare with
        Dropout only when its masks repeat (e.g. a layer's ``rng`` reset before each)."""
        x = self._data(x)
        with np.errstate(over="ignore", invalid="ignore"):
            return {name: numerical_gradient(lambda _: self._loss(x, t, True), self.params[name])
                    for name in self.params}

    def gradient(self, x: ArrayLike, t: ArrayLike,
                 record: list[LayerRecord] | None = None) -> dict[str, FloatArray]:
        """Each parameter's gradient by backpropagation 誤差逆伝播法: one forward (the loss,
        with ``train_flg=True``), then every layer's ``backward(dout)`` in reverse order, as
        in the book, so layers written by a reader can stand in for nnlib's.

        The mini-batch loss of that forward pass is kept in :attr:`last_loss`, so a
        training loop can record it without another forward pass. Pass a list as
        ``record`` to have one :class:`LayerRecord` per layer appended to it.
        """
        x, first = self._data(x), len(_record_list(record) or ())
        with np.errstate(over="ignore", invalid="ignore"):  # a non-finite loss says it all
            self.last_loss = _loss_checked(self._loss(x, t, True, record))
            dout = self.last_layer.backward(1.0)
            layers = list(self.layers.values())
            for i in range(len(layers) - 1, 0, -1):
                if record is not None:
                    record[first + i].grad_output = dout
                dout = layers[i].backward(dout)
                if record is not None:
                    record[first + i].grad_input = dout
            if record is not None:
                record[first].grad_output = dout
            _backward_data_layer(layers[0], dout)
            return self._grads()

    # --- the steps above, for input checked once ------------------------------------------

    def _data(self, x: ArrayLike) -> FloatArray:
        """The one input check: ``x`` in this net's dtype, finite (see ``_forward``)."""
        first = next(iter(self.layers.values()))
        return data_array(x, self.dtype, scan=type(first) is not Affine)

    def _forward(self, x: FloatArray, train_flg: bool,
                 record: list[LayerRecord] | None = None) -> FloatArray:
        for i, (name, layer) in enumerate(self.layers.items()):
            forward, takes_train_flg = _forward_of(layer)
            out = forward(layer, x, train_flg) if takes_train_flg else forward(layer, x)
            if i == 0 and type(layer) is Affine and not np.isfinite(out).all():
                # A NaN or inf anywhere in a row of x makes the whole output row of nnlib's
                # Affine NaN or inf, so _data leaves the scan of x (16 times larger for MNIST)
                # to this check of the first layer's output; only when it fails is x scanned.
                data_array(x, self.dtype)
            if record is not None:
                record.append(LayerRecord(name, layer, x, out))
            x = out
        return x

    def _loss(self, x: FloatArray, t: ArrayLike, train_flg: bool,
              record: list[LayerRecord] | None = None) -> float:
        scores = self._forward(x, train_flg, record)
        if x.ndim == 1:  # one sample: one label (or one one-hot row), as a batch of one
            t = as_array(t, "t")
            t = t.reshape(1, *t.shape) if t.ndim < 2 else t
        forward, _ = _forward_of(self.last_layer)  # NaN scores give a NaN loss, said once
        return forward(self.last_layer, scores, t) + self.weight_decay()

    def _weights(self) -> list[str]:
        return [name for name in self.params if name.startswith("W")]

    def _grads(self) -> dict[str, FloatArray]:
        grads = {}
        for layer_name, gradient_of in self.param_layers.items():
            layer = self.layers[layer_name]
            for name, attribute in gradient_of.items():
                grads[name] = getattr(layer, attribute)
        for name in self._weights() if self.weight_decay_lambda or self.l1_lambda else ():
            if self.weight_decay_lambda:  # the slope of 0.5 λ sum(W²)
                grads[name] = grads[name] + self.weight_decay_lambda * self.params[name]
            if self.l1_lambda:  # the slope of λ1 sum(|W|)
                grads[name] = grads[name] + self.l1_lambda * np.sign(self.params[name])
        return grads

    def _draw_weights(self, sizes: list[int], names: list[str], scales: list[float],
                      described: str, rng: np.random.Generator) -> None:
        """``params`` W1, b1, ...: each W a scale times standard normal samples, each b 0;
        ``names`` are the arguments that gave ``sizes``, for an error about a size."""
        for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:], strict=False), start=1):
            check_size((n_in, n_out), f"{names[i - 1]} = {n_in} and {names[i]} = {n_out}")
            with np.errstate(over="ignore"):
                W = (scales[i - 1] * rng.standard_normal((n_in, n_out))).astype(self.dtype)
            self.params[f"W{i}"] = check_finite_result(W, described, f"the weights in {self.dtype}")
            self.params[f"b{i}"] = np.zeros(n_out, dtype=self.dtype)

    def _affine(self, i: int) -> Affine:
        """Affine layer i on ``params['Wi']`` and ``params['bi']``, its gradients noted."""
        self.param_layers[f"Affine{i}"] = {f"W{i}": "dW", f"b{i}": "db"}
        return Affine(self.params[f"W{i}"], self.params[f"b{i}"])


def _record_list(record: Any) -> list[LayerRecord] | None:
    """``record``: None, or the list the layers' :class:`LayerRecord` are appended to."""
    if record is not None:
        check_instance(record, "record", list, "a list (one LayerRecord per layer is appended "
                                               "to it) or None")
    return record


def _forward_of(layer: Any) -> tuple[Any, bool]:
    """The forward a network calls for a layer, and whether it takes ``train_flg`` (as
    Dropout's does). For nnlib's layers that is forward without its per-call overflow
    check (:func:`~nnlib._checks.warns_on_overflow`): the network checks once per pass, on
    its scores and loss, which costs less than a check in every layer of every step."""
    forward = type(layer).forward
    forward = getattr(forward, "without_overflow_check", forward)
    return forward, _takes_train_flg(forward)


@functools.lru_cache(maxsize=256)
def _takes_train_flg(forward: Any) -> bool:
    try:
        return "train_flg" in inspect.signature(forward).parameters
    except (TypeError, ValueError):
        return False


def _loss_checked(loss: float) -> float:
    """A loss from finite data: a NaN or inf one is said by name (a trainer stops on it)."""
    if not math.isfinite(loss):
        warnings.warn(f"the loss is {loss}: the network's numbers overflowed the float range "
                      "(its weights have grown too large: a learning rate too large?)",
                      OverflowWarning, stacklevel=3)
    return loss


def _scores_checked(scores: FloatArray) -> FloatArray:
    """The scores of a pass run under ``np.errstate(over="ignore")``: overflow said by name."""
    if not np.isfinite(scores).all():
        warnings.warn("the network's scores overflowed the float range (inf or NaN): its "
                      "weights have grown too large (a learning rate too large?)",
                      OverflowWarning, stacklevel=3)
    return scores


def _backward_data_layer(layer: Any, dout: FloatArray) -> None:
    """Backward through the first layer, whose input is the data, which needs no gradient.

    For nnlib's Affine the network asks only for dW and db (the formulas of
    ``Affine.backward``): dL/dx would be a third of a training step's arithmetic. Any other
    layer (a reader's own) runs its own backward.
    """
    if type(layer) is Affine:
        layer.dW = np.dot(cast(FloatArray, layer.x).T, dout)  # forward kept x
        layer.db = np.sum(dout, axis=0)
    else:
        layer.backward(dout)


class TwoLayerNet(LayerNet):
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
        self.dtype = check_dtype(dtype)
        self.params, self.param_layers = {}, {}
        self._draw_weights(sizes, ["input_size", "hidden_size", "output_size"],
                           [weight_init_std] * 2, f"weight_init_std = {weight_init_std:g}",
                           np.random.default_rng(check_seed(seed)))
        self.layers = {"Affine1": self._affine(1), "Relu1": Relu(), "Affine2": self._affine(2)}
        self.last_layer = SoftmaxWithLoss()


#: The activation layers MultiLayerNet can put after each hidden Affine layer; "identity"
#: (also "linear") puts none, so the network is linear up to softmax.
ACTIVATION_LAYERS = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh, "identity": None,
                     "linear": None}
#: weight_init_std names and the scale each gives a layer with n inputs (book §6.2).
_INIT_SCALES = {"relu": 2.0, "he": 2.0, "sigmoid": 1.0, "xavier": 1.0}


class MultiLayerNet(LayerNet):
    """全結合による多層ニューラルネットワーク: (Affine -> activation) per hidden layer, then
    Affine -> softmax, with the signature of the book's ``common/multi_layer_net.py`` (§6).

    ``hidden_size_list`` gives the neurons of each 隠れ層 hidden layer (an empty list is
    one Affine layer, straight to softmax). ``activation`` is "relu" or "sigmoid" as in
    the book, or "tanh", or "identity"/"linear" (no activation layer). ``weight_init_std``
    is a number (each weight is that times a standard normal sample) or "relu"/"he"
    (sqrt(2 / n), n the layer's inputs) or "sigmoid"/"xavier" (sqrt(1 / n)). Biases start
    at 0. ``weight_decay_lambda`` is the 荷重減衰 weight decay (L2) rate λ: the loss adds
    0.5 λ sum(W²) over every weight matrix, and each gradient dL/dW adds λ W (biases are
    not decayed), as in the book. ``l1_lambda`` (nnlib's addition) does the same for L1:
    the loss adds λ1 sum(|W|), each dL/dW adds λ1 sign(W).

    ``use_batchnorm`` puts a :class:`~nnlib.layers.BatchNormalization` layer after each
    hidden Affine layer (``BatchNorm1``, ...; its ``gamma1``, ``beta1``, ... in ``params``);
    ``use_dropout`` a :class:`~nnlib.layers.Dropout` layer of ratio ``dropout_ration`` (the
    book's spelling) after each activation; both as the book's ``MultiLayerNetExtend``
    (:class:`MultiLayerNetExtend` takes them in the book's order). Dropout's masks come
    from the same ``np.random.default_rng(seed)`` as the weights when a ``seed`` is given,
    else from ``np.random.rand`` as in the book.

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
        l1_lambda: float = 0,
        *,
        use_dropout: bool = False,
        dropout_ration: float = 0.5,
        use_batchnorm: bool = False,
    ) -> None:
        self.input_size = check_count(input_size, "input_size", minimum=1)
        self.output_size = check_count(output_size, "output_size", minimum=2)
        if (isinstance(hidden_size_list, (str, bytes)) or not hasattr(hidden_size_list, "__iter__")
                or (isinstance(hidden_size_list, np.ndarray) and hidden_size_list.ndim == 0)):
            raise TypeError("hidden_size_list must be a list of layer sizes, e.g. [100, 100], "
                            f"got {type(hidden_size_list).__name__}")
        self.hidden_size_list = [check_count(n, f"hidden_size_list[{i}]", minimum=1)
                                 for i, n in enumerate(hidden_size_list)]
        self.hidden_layer_num = len(self.hidden_size_list)
        if not isinstance(activation, str) or activation.lower() not in ACTIVATION_LAYERS:
            kinds = ", ".join(map(repr, ACTIVATION_LAYERS))
            raise ValueError(f"activation must be one of {kinds}, got {activation!r}")
        self.activation = activation.lower()
        self.weight_decay_lambda = check_non_negative(weight_decay_lambda, "weight_decay_lambda")
        self.l1_lambda = check_non_negative(l1_lambda, "l1_lambda")
        self.dtype = check_dtype(dtype)
        sizes = [self.input_size, *self.hidden_size_list, self.output_size]
        self.use_dropout = check_flag(use_dropout, "use_dropout")
        self.use_batchnorm = check_flag(use_batchnorm, "use_batchnorm")
        self.params, self.param_layers = {}, {}
        rng = np.random.default_rng(check_seed(seed))
        names = ["input_size", *(f"hidden_size_list[{i}]" for i in range(self.hidden_layer_num)),
                 "output_size"]
        self._draw_weights(sizes, names, _init_scales(weight_init_std, sizes),
                           f"weight_init_std = {weight_init_std}", rng)
        activation_layer = ACTIVATION_LAYERS[self.activation]
        dropout_rng = rng if seed is not None else None  # None: np.random.rand, the book's
        self.layers = {}
        for idx in range(1, self.hidden_layer_num + 2):
            self.layers[f"Affine{idx}"] = self._affine(idx)
            if idx > self.hidden_layer_num:
                break
            if self.use_batchnorm:
                self.layers[f"BatchNorm{idx}"] = self._batchnorm(idx)
            if activation_layer is not None:
                self.layers[f"Activation_function{idx}"] = activation_layer()
            if self.use_dropout:
                self.layers[f"Dropout{idx}"] = Dropout(dropout_ration, rng=dropout_rng)
        self.last_layer = SoftmaxWithLoss()

    def _batchnorm(self, idx: int) -> BatchNormalization:
        """Batch Normalization after hidden layer idx, on ``params['gammaidx']`` (ones) and
        ``params['betaidx']`` (zeros), its gradients noted."""
        n = self.hidden_size_list[idx - 1]
        self.params[f"gamma{idx}"] = np.ones(n, dtype=self.dtype)
        self.params[f"beta{idx}"] = np.zeros(n, dtype=self.dtype)
        self.param_layers[f"BatchNorm{idx}"] = {f"gamma{idx}": "dgamma", f"beta{idx}": "dbeta"}
        return BatchNormalization(self.params[f"gamma{idx}"], self.params[f"beta{idx}"])

    @property
    def param_names(self) -> tuple[str, ...]:
        """``('W1', 'b1', 'W2', 'b2', ...)``, in the order of the layers."""
        return tuple(self.params)


class MultiLayerNetExtend(MultiLayerNet):
    """拡張版の多層ニューラルネットワーク, the book's ``common/multi_layer_net_extend.py``
    (§6.3, §6.4): :class:`MultiLayerNet` with the book's arguments in the book's order,
    weight decay, Dropout (``use_dropout``, ``dropout_ration``) and Batch Normalization
    (``use_batchnorm``). ``seed``, ``dtype`` and ``l1_lambda`` are nnlib's, by name only."""

    def __init__(
        self,
        input_size: int,
        hidden_size_list: list[int] | tuple[int, ...],
        output_size: int,
        activation: str = "relu",
        weight_init_std: float | str = "relu",
        weight_decay_lambda: float = 0,
        use_dropout: bool = False,
        dropout_ration: float = 0.5,
        use_batchnorm: bool = False,
        *,
        seed: int | None = None,
        dtype: DTypeLike = np.float64,
        l1_lambda: float = 0,
    ) -> None:
        super().__init__(input_size, hidden_size_list, output_size, activation, weight_init_std,
                         weight_decay_lambda, seed, dtype, l1_lambda, use_dropout=use_dropout,
                         dropout_ration=dropout_ration, use_batchnorm=use_batchnorm)


def _init_scales(weight_init_std: float | str, sizes: list[int]) -> list[float]:
    """Each layer's weight scale: a number for all, or by name from its number of inputs."""
    if isinstance(weight_init_std, str):
        if weight_init_std.lower() not in _INIT_SCALES:
            raise ValueError("weight_init_std must be a number or one of 'relu', 'he', "
                             f"'sigmoid', 'xavier', got {weight_init_std!r}")
        return [float(np.sqrt(_INIT_SCALES[weight_init_std.lower()] / n)) for n in sizes[:-1]]
    return [check_non_negative(weight_init_std, "weight_init_std")] * (len(sizes) - 1)
