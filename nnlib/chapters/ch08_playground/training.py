"""How the playground trains: a MultiLayerNet (or one built from the reader's own layer
classes), trained epoch by epoch by the core's loop (:func:`nnlib.train.train_epoch`, the
one the ``Trainer`` runs) with the core's SGD, with no, L1 or L2 regularization (the
network's own penalty), and a trace of one mini-batch for the "look inside one step" view,
taken from what the network records of each layer (``gradient(..., record=...)``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnlib._checks import OverflowWarning, check_count, check_instance
from nnlib.chapters.ch08_playground.data import feature_matrix, make_data, train_test_split
from nnlib.engines.formatting import fixed
from nnlib.functions import softmax_of_rows
from nnlib.i18n import _
from nnlib.layers import Affine, Relu, Sigmoid, SoftmaxWithLoss, Tanh
from nnlib.network import LayerRecord, MultiLayerNet
from nnlib.optimizers import Optimizer, optimizer_by_name
from nnlib.train import StepRecord, train_epoch, train_step

__all__ = [
    "LAYER_KINDS",
    "REGULARIZATIONS",
    "StepTrace",
    "Training",
    "build_network",
    "explain_step",
    "hidden_outputs",
    "make_training",
]

#: The layer classes ``playground(layers=...)`` may replace, by the names nnlib gives them.
LAYER_KINDS = {"Affine": Affine, "Relu": Relu, "Sigmoid": Sigmoid, "Tanh": Tanh,
               "SoftmaxWithLoss": SoftmaxWithLoss}
REGULARIZATIONS = ("none", "L1", "L2")


def build_network(n_inputs: int, hidden: Sequence[int], activation: str, seed: int,
                  layers: Mapping[str, type] | None = None,
                  dropout: float = 0.0) -> MultiLayerNet:
    """``MultiLayerNet(n_inputs, hidden, 2)`` with Xavier-scaled weights from ``seed`` (and,
    for ``dropout`` > 0, the book's Dropout after each hidden layer, its masks from the same
    seeded generator); each
    layer whose kind is a key of ``layers`` ("Affine", "Relu", "Sigmoid", "Tanh",
    "SoftmaxWithLoss") is an instance of the class given there instead of nnlib's.

    A replacement needs the book's interface: ``Affine(W, b)`` keeping ``self.W = W`` and
    ``self.b = b`` (the very arrays: SGD updates them in place), ``forward(x)``, and a
    ``backward(dout)`` that returns dL/dx and, for Affine, sets ``self.dW`` and ``self.db``;
    ``SoftmaxWithLoss`` has ``forward(x, t)`` (``t`` integer labels) and ``backward(dout=1)``.
    """
    net = MultiLayerNet(n_inputs, list(hidden), 2, activation=activation,
                        weight_init_std="xavier", seed=seed, use_dropout=dropout > 0,
                        dropout_ration=dropout)
    if not layers:
        return net
    if not isinstance(layers, Mapping):
        raise TypeError(_("layers must be a dict from a layer kind to your class, e.g. "
                          "{{'Affine': MyAffine, 'Relu': MyRelu}}").format())
    unknown = [kind for kind in layers if kind not in LAYER_KINDS]
    if unknown:
        raise ValueError(_("layers has unknown kind(s) {unknown}; the kinds are {kinds}").format(
            unknown=unknown, kinds=", ".join(LAYER_KINDS)))
    for name, layer in list(net.layers.items()):
        kind = next((k for k, cls in LAYER_KINDS.items() if type(layer) is cls), None)
        if kind is None or kind not in layers:
            continue
        if kind == "Affine":
            W, b = layer.W, layer.b
            mine = layers[kind](W, b)
            if getattr(mine, "W", None) is not W or getattr(mine, "b", None) is not b:
                raise ValueError(_("{cls}(W, b) must keep the arrays it is "
                                   "given (self.W = W, self.b = b), not copies: SGD updates "
                                   "the network's params in place").format(
                                       cls=layers[kind].__name__))
            net.layers[name] = mine
        else:
            net.layers[name] = layers[kind]()
    if "SoftmaxWithLoss" in layers:
        net.last_layer = layers["SoftmaxWithLoss"]()
    return net


def hidden_outputs(net: MultiLayerNet, x: NDArray) -> tuple[list[NDArray], NDArray]:
    """Each hidden layer's output for the rows of ``x`` (after its activation: what the next
    parameter layer gets), and the probability of class 1 (softmax of the scores): what the
    neuron pictures show."""
    record: list[LayerRecord] = []
    with warnings.catch_warnings():  # a diverged net draws as NaN; the loss curve says it
        warnings.simplefilter("ignore", OverflowWarning)
        scores = net.predict(x, record=record)
    inputs = [r.input for r in record if r.name in net.param_layers]
    return inputs[1:], softmax_of_rows(scores)[:, 1]


@dataclass
class StepTrace:
    """One mini-batch of one SGD step: what each layer got and gave, forward and backward.

    ``inputs[l]`` and ``pre[l]`` are Affine layer l+1's input and output a, ``post[l]``
    the activation's output h (``pre[l]`` again for a linear net or the output layer),
    ``grad_post[l]`` dL/dh and ``grad_pre[l]`` dL/da as backward passed them down, and
    ``grads`` the gradients the step used (regularization included).
    """

    labels: NDArray
    inputs: list[NDArray] = field(default_factory=list)
    pre: list[NDArray] = field(default_factory=list)
    post: list[NDArray] = field(default_factory=list)
    grad_post: list[NDArray] = field(default_factory=list)
    grad_pre: list[NDArray] = field(default_factory=list)
    weights: list[tuple[NDArray, NDArray]] = field(default_factory=list)
    grads: dict[str, NDArray] = field(default_factory=dict)
    loss: float = 0.0
    activation: str = "relu"
    lr: float = 0.0
    regularization: str = "none"
    rate: float = 0.0
    optimizer: str = "SGD"


class Training:
    """A network, its data, and the core's training loop, which the explorer runs one epoch
    per tick.

    ``x_train``/``x_test`` are feature matrices. An epoch is ``len(x_train) // batch_size``
    iterations (at least 1) of :func:`nnlib.train.train_epoch`: mini-batches drawn at random
    (from ``seed``) as the ``Trainer`` draws them, the ``optimizer`` (by name: SGD, Momentum,
    AdaGrad or Adam of :mod:`nnlib.optimizers`) with ``lr``, and the network's own L1 or L2
    penalty at ``rate``. The loss curves record the cross-entropy alone (no penalty), so
    train and test compare. ``lr``, ``batch_size``, ``optimizer``, ``regularization`` and
    ``rate`` may change between epochs; the optimizer keeps its state (Momentum's velocity,
    AdaGrad's sums) until its name or ``lr`` changes.
    """

    points_train: NDArray  # the points themselves, for pictures (make_training sets them)
    points_test: NDArray

    def __init__(self, net: MultiLayerNet, x_train: NDArray, t_train: NDArray,
                 x_test: NDArray, t_test: NDArray, *, lr: float = 0.03, batch_size: int = 10,
                 regularization: str = "none", rate: float = 0.0, seed: int = 0,
                 optimizer: str = "SGD") -> None:
        self.net = net
        self.optimizer = optimizer
        self._optimizer: tuple[tuple[str, float], Optimizer] | None = None
        self.x_train, self.t_train, self.x_test, self.t_test = x_train, t_train, x_test, t_test
        self.lr, self.batch_size = lr, batch_size
        self.regularization, self.rate = regularization, rate
        self.rng = np.random.default_rng(seed)
        self.epoch = 0
        self.step_losses: list[float] = []
        self.train_loss: list[float] = []
        self.test_loss: list[float] = []
        self.last_trace: StepTrace | None = None
        self._record()

    def losses(self) -> tuple[float, float]:
        return self.train_loss[-1], self.test_loss[-1]

    def _data_loss(self, x: NDArray, t: NDArray) -> float:
        """Cross-entropy alone, by nnlib's own SoftmaxWithLoss (never a reader's)."""
        with warnings.catch_warnings():  # a diverged net's loss is NaN: the curve shows it
            warnings.simplefilter("ignore", OverflowWarning)
            scores = self.net.predict(x)
        if not np.isfinite(scores).all():  # SoftmaxWithLoss refuses non-finite scores
            return float("nan")
        return SoftmaxWithLoss().forward(scores, t)

    def test_error(self) -> float:
        return 1.0 - self.net.accuracy(self.x_test, self.t_test)

    def _record(self) -> None:
        self.train_loss.append(self._data_loss(self.x_train, self.t_train))
        self.test_loss.append(self._data_loss(self.x_test, self.t_test))

    def apply_settings(self) -> Optimizer:
        """Give the network this training's penalty (L1 or L2 at ``rate``, or none), and
        return the optimizer for ``optimizer`` and ``lr`` (the same one, with its state, while
        they stay): called before every epoch, as the settings may change."""
        self.net.weight_decay_lambda = self.rate if self.regularization == "L2" else 0.0
        self.net.l1_lambda = self.rate if self.regularization == "L1" else 0.0
        settings = (self.optimizer, self.lr)
        if self._optimizer is None or self._optimizer[0] != settings:
            self._optimizer = (settings, optimizer_by_name(self.optimizer, lr=self.lr))
        return self._optimizer[1]

    def train_epochs(self, epochs: int = 1, *, trace: bool = False) -> None:
        """Run ``epochs`` epochs; with ``trace``, keep the last mini-batch in :attr:`last_trace`."""
        for _epoch in range(epochs):
            record = StepRecord() if trace else None
            train_epoch(self.net, self.apply_settings(), self.x_train, self.t_train,
                        batch_size=self.batch_size,
                        iterations=max(len(self.x_train) // self.batch_size, 1),
                        rng=self.rng, losses=self.step_losses, record=record)
            if record is not None and record.layers:
                self.last_trace = self._trace(record)
            self.epoch += 1
            self._record()

    def traced_step(self, x: NDArray, t: NDArray) -> StepTrace:
        """One SGD step on the batch ``(x, t)`` (the core's :func:`~nnlib.train.train_step`),
        keeping every number."""
        record = StepRecord()
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", OverflowWarning)
            train_step(self.net, self.apply_settings(), x, t, record)
        return self._trace(record)

    def _trace(self, record: StepRecord) -> StepTrace:
        """The step as the explanation reads it: per parameter layer (Affine), its input,
        output a, the activation output h (the next parameter layer's input), and dL/dh,
        dL/da as backward passed them down."""
        net, layers = self.net, record.layers
        assert record.t is not None  # train_step filled the record
        trace = StepTrace(labels=record.t, activation=net.activation, lr=self.lr,
                          regularization=self.regularization, rate=self.rate,
                          loss=record.loss, grads=record.grads, optimizer=self.optimizer)
        where = [i for i, r in enumerate(layers) if r.name in net.param_layers]
        for k, i in enumerate(where):
            layer, after = layers[i], layers[where[k + 1]] if k + 1 < len(where) else None
            trace.inputs.append(layer.input)
            trace.pre.append(layer.output)
            trace.post.append(after.input if after is not None else layer.output)
            trace.grad_pre.append(layer.grad_output)
            trace.grad_post.append(after.grad_input if after is not None else layer.grad_output)
            W, b = (record.params_before[name] for name in net.param_layers[layer.name])
            trace.weights.append((W, b))
        return trace


def make_training(data: str = "circle", *, noise: float = 0.0, train_percent: int = 50,
                  seed: int = 0, features: Sequence[str] = ("x1", "x2"),
                  hidden: Sequence[int] = (4, 4), activation: str = "tanh", lr: float = 0.03,
                  batch_size: int = 10, regularization: str = "none", rate: float = 0.0,
                  points: int = 500, layers: Mapping[str, type] | None = None,
                  optimizer: str = "SGD", dropout: float = 0.0) -> Training:
    """The playground's whole pipeline in one call, untrained: ``points`` points of the data
    set (``noise`` 0-0.5, from ``seed``), split ``train_percent`` % for training, the
    chosen ``features`` of each, and a network with ``hidden`` neurons per hidden layer.

    The returned :class:`Training` also keeps the points themselves (``points_train``,
    ``points_test``) for pictures. Call ``train_epochs(n)`` on it to train.
    """
    if regularization not in REGULARIZATIONS:
        raise ValueError(_("regularization must be one of {allowed}, got {value!r}").format(
            allowed=REGULARIZATIONS, value=regularization))
    all_points, labels = make_data(data, points, noise, seed)
    p_train, t_train, p_test, t_test = train_test_split(all_points, labels, train_percent / 100,
                                                        seed)
    optimizer_by_name(optimizer, lr=lr)  # checks the name (any case) and lr
    net = build_network(len(features), hidden, activation, seed, layers, dropout)
    training = Training(net, feature_matrix(p_train, features), t_train,
                        feature_matrix(p_test, features), t_test, lr=lr, batch_size=batch_size,
                        regularization=regularization, rate=rate, seed=seed,
                        optimizer=optimizer)
    training.points_train, training.points_test = p_train, p_test
    return training


_DERIVATIVE = {"relu": "(a > 0 ? 1 : 0)", "sigmoid": "h (1 - h)", "tanh": "(1 - h^2)",
               "identity": "1", "linear": "1"}


def explain_step(trace: StepTrace, layer: int, neuron: int, samples: int = 3) -> str:
    """The numbers of neuron ``neuron`` of Affine layer ``layer`` (both from 1) in a traced
    step, as text: forward for the first ``samples`` rows of the mini-batch, the gradient
    coming back, and the update of its weights."""
    check_instance(trace, "trace", StepTrace, "a StepTrace (from Training.traced_step)")
    layer, neuron = check_count(layer, "layer", minimum=1), check_count(neuron, "neuron", minimum=1)
    samples = check_count(samples, "samples", minimum=1)
    count = len(trace.pre)
    if not 1 <= layer <= count:
        raise ValueError(_("layer must be 1..{count}, got {layer}").format(count=count,
                                                                            layer=layer))
    width = trace.pre[layer - 1].shape[1]
    if not 1 <= neuron <= width:
        raise ValueError(_("neuron must be 1..{width} in layer {layer}, got {neuron}").format(
            width=width, layer=layer, neuron=neuron))
    li, j = layer - 1, neuron - 1
    x, W, b = trace.inputs[li], trace.weights[li][0][:, j], trace.weights[li][1][j]
    a, h = trace.pre[li][:, j], trace.post[li][:, j]
    dh, da = trace.grad_post[li][:, j], trace.grad_pre[li][:, j]
    dW, db = trace.grads[f"W{layer}"][:, j], trace.grads[f"b{layer}"][j]
    output = layer == count
    where = (_("output neuron {neuron} (score of class {k})").format(neuron=neuron, k=j)
             if output else
             _("hidden layer {layer}, neuron {neuron}").format(layer=layer, neuron=neuron))
    shown = min(samples, len(x))
    first = (_("one SGD step on a mini-batch of {size}: {where}").format(size=len(x), where=where)
             if trace.optimizer == "SGD" else
             _("one {optimizer} step on a mini-batch of {size}: {where}").format(
                 optimizer=trace.optimizer, size=len(x), where=where))
    lines = [first,
             _("weights w = {w}, bias b = {b}").format(w=_vector(W), b=_num(b)), "",
             _("forward (first {shown} of the batch):").format(shown=shown)]
    for n in range(shown):
        terms = " + ".join(f"{_num(w, True)}*{_num(v, True)}" for w, v in zip(W, x[n], strict=True))
        lines.append(f"  a = {terms} + {_num(b, True)} = {_num(a[n])}")
        if not output and trace.activation not in ("identity", "linear"):
            lines.append(f"  h = {trace.activation}(a) = {_num(h[n])}")
    lines += ["", _("backward (dL/d... for the same rows; loss of the batch {loss:.4f}):").format(
        loss=trace.loss)]
    for n in range(shown):
        if output:
            lines.append(f"  dL/da = (softmax - t) / {len(x)} = {_num(da[n], digits=4)}")
        else:
            rule = _DERIVATIVE[trace.activation]
            lines.append(_("  dL/dh = {dh} (from the layer above), dL/da = dL/dh * {rule} = {da}")
                         .format(dh=_num(dh[n], digits=4), rule=rule, da=_num(da[n], digits=4)))
    lines.append(_("  dL/dw = sum over the batch of x * dL/da = {dw}").format(dw=_vector(dW))
                 + (_(" (with {regularization} rate {rate:g})").format(
                     regularization=trace.regularization, rate=trace.rate)
                    if trace.regularization != "none" and trace.rate else ""))
    lines.append(_("  dL/db = sum over the batch of dL/da = {db}").format(db=_num(db, digits=4)))
    if trace.optimizer != "SGD":  # its step depends on its state: book §6.1
        lines += ["", _("update: {optimizer} (lr = {lr:g}) moves w by its own rule (book "
                        "§6.1), from these gradients and what it kept of earlier "
                        "steps").format(optimizer=trace.optimizer, lr=trace.lr)]
        return "\n".join(lines)
    lines += ["", _("update with lr = {lr:g}:").format(lr=trace.lr),
              f"  w <- w - lr * dL/dw = {_vector(W - trace.lr * dW)}",
              f"  b <- b - lr * dL/db = {_num(b - trace.lr * db)}"]
    return "\n".join(lines)


def _num(value: float, brackets: bool = False, digits: int = 3) -> str:
    """``value`` rounded by the shared formatter (never -0.000); in brackets when negative
    and ``brackets``."""
    text = fixed(value, digits)
    return f"({text})" if brackets and text.startswith("-") else text


def _vector(values: Any) -> str:
    return "[" + ", ".join(_num(v) for v in np.asarray(values)) + "]"
