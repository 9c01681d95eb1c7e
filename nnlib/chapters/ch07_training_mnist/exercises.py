"""Chapter 07 exercises: one mini-batch SGD update of a network's parameters, in place, and
the book's whole training loop (§4.5.2)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from nnlib.engines.exercise import Session, Wrong, exercise, fmt, scale_between
from nnlib.engines.references import TwoLayerNet
from nnlib.i18n import _

__all__ = ["check_sgd_update", "check_training_loop"]


@exercise(lambda: _("SGD update"))
def check_sgd_update(session: Session, attempt: Callable) -> None:
    """Check ``attempt(params, grads, lr)``: params[key] -= lr * grads[key] for every key.

    The update must happen in place: the network's layers hold the very arrays in
    ``params``, so a new array bound to ``params[key]`` would never reach them.
    """
    rng = np.random.default_rng(9)
    x, t = rng.normal(size=(5, 4)), np.array([0, 2, 1, 2, 0])
    for lr in (0.1, 0.5):
        net = TwoLayerNet(4, 3, 3, weight_init_std=0.5, seed=1, dtype=np.float64)
        grads = {k: v.copy() for k, v in net.gradient(x, t).items()}
        before = {k: v.copy() for k, v in net.params.items()}
        arrays = dict(net.params)  # the objects the layers hold
        shows = _("for a TwoLayerNet's params and a mini-batch's grads with lr = {lr}").format(
                  lr=lr)
        session.call(attempt, net.params, grads, lr, shows=shows,
                     names=("params", "grads", "lr"), keep=("grads",), share=("params",),
                     on_change=_("compute lr * grads[key] without changing grads"))
        for key in before:
            value, expected = net.params.get(key), before[key] - lr * grads[key]
            if value is not arrays[key]:
                raise Wrong(_("params[{key!r}] is a new array {shows}: the network's layers "
                              "still hold the old one. Update in place: params[key] -= lr * "
                              "grads[key]").format(
                              key=key, shows=shows))
            if np.array_equal(value, before[key]):
                raise Wrong(_("params[{key!r}] did not change {shows}: loop over every key, "
                              "for key in grads: params[key] -= lr * grads[key]").format(
                              key=key, shows=shows))
            step = scale_between(before[key] - value, grads[key], rtol=1e-6)
            if step is not None and math.isclose(step, -lr):
                raise Wrong(_("params[{key!r}] moved along the gradient {shows}: subtract, "
                              "params[key] -= lr * grads[key]").format(
                              key=key, shows=shows))
            if step is not None and not math.isclose(step, lr):
                raise Wrong(_("params[{key!r}] moved {step} times its gradient {shows}, "
                              "expected lr = {lr} times: use the lr passed in").format(
                              key=key, step=fmt(step), shows=shows, lr=lr))
            session.expect_array(value, expected, _("{shows} (params[{key!r}])").format(
                                                    shows=shows, key=key),
                                 what=f"params[{key!r}]")


# --- the book's training loop, §4.5.2 ---------------------------------------------------------

_KEYS = ("W1", "b1", "W2", "b2")
#: (training rows, test rows, iters_num, batch_size, learning_rate, seed) of each run
_RUNS = ((200, 60, 50, 20, 0.5, 12), (150, 40, 30, 25, 0.2, 13))


def _loop_data(train_size: int, test_size: int,
               seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A small seeded data set in the book's form: float rows, one-hot labels."""
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(4, 3))
    x = rng.normal(size=(train_size + test_size, 4))
    t = np.eye(3)[np.argmax(x @ mixing + rng.normal(scale=0.5, size=(len(x), 3)), axis=1)]
    return x[:train_size], t[:train_size], x[train_size:], t[train_size:]


def _fresh_net() -> TwoLayerNet:
    return TwoLayerNet(4, 5, 3, weight_init_std=0.5, seed=3, dtype=np.float64)


class _RecordingNet(TwoLayerNet):
    """nnlib's TwoLayerNet that writes down what the reader's loop asks of it: which rows
    each gradient was taken on, and each accuracy it measured (on which data, when)."""

    def __init__(self, x_train: np.ndarray, x_test: np.ndarray) -> None:
        super().__init__(4, 5, 3, weight_init_std=0.5, seed=3, dtype=np.float64)
        self._rows = {row.tobytes(): i for i, row in enumerate(x_train)}
        self._x_train, self._x_test = x_train, x_test
        self.batches: list[tuple[list[int | None], np.ndarray]] = []
        self.accuracies: list[tuple[str, int, float]] = []  # (data, gradients so far, value)

    def _record(self, x: Any, t: Any) -> None:
        rows = np.asarray(x, dtype=float)
        self.batches.append(([self._rows.get(r.tobytes()) for r in rows.reshape(len(rows), -1)],
                             np.array(t, dtype=float, copy=True)))

    def gradient(self, x: Any, t: Any) -> dict[str, np.ndarray]:
        self._record(x, t)
        return super().gradient(x, t)

    def numerical_gradient(self, x: Any, t: Any) -> dict[str, np.ndarray]:
        self._record(x, t)
        return super().numerical_gradient(x, t)

    def accuracy(self, x: Any, t: Any, batch_size: int = 10_000) -> float:
        value = super().accuracy(x, t, batch_size)
        arr = np.asarray(x)
        data = ("train" if arr.shape == self._x_train.shape and np.array_equal(arr, self._x_train)
                else "test" if arr.shape == self._x_test.shape
                and np.array_equal(arr, self._x_test) else _("{arr} rows").format(arr=len(arr)))
        self.accuracies.append((data, len(self.batches), value))
        return value


def _replay(batches: list[np.ndarray], x: np.ndarray, t: np.ndarray,
            lr: float) -> tuple[dict[str, np.ndarray], list[float], list[float]]:
    """SGD on the given mini-batches: final params, each batch's loss before and after."""
    net = _fresh_net()
    before, after = [], []
    for index in batches:
        before.append(net.loss(x[index], t[index]))
        grads = net.gradient(x[index], t[index])
        for key in _KEYS:
            net.params[key] -= lr * grads[key]
        after.append(net.loss(x[index], t[index]))
    return net.params, before, after


def _check_batches(net: _RecordingNet, t_train: np.ndarray, iters: int, batch: int,
                   shows: str) -> list[np.ndarray]:
    if len(net.batches) != iters:
        raise Wrong(_("your loop computed {batches} gradients {shows}: one per iteration, for "
                      "i in range(iters_num)").format(
                      batches=len(net.batches), shows=shows))
    indices = []
    for rows, t in net.batches:
        if len(rows) != batch:
            raise Wrong(_("a mini-batch had {rows} rows {shows}, expected batch_size = "
                          "{batch}: batch_mask = np.random.choice(train_size, batch_size)").format(
                          rows=len(rows), shows=shows, batch=batch))
        if any(r is None for r in rows):
            raise Wrong(_("a mini-batch held rows that are not rows of x_train {shows}: take "
                          "it from the training data, x_batch = x_train[batch_mask]").format(
                          shows=shows))
        index = np.array(rows)
        if t.shape != t_train[index].shape or not np.array_equal(t, t_train[index]):
            raise Wrong(_("the labels of a mini-batch do not belong to its rows {shows}: use "
                          "one batch_mask for both, "
                          "x_train[batch_mask] and t_train[batch_mask]").format(
                          shows=shows))
        indices.append(index)
    if all(np.array_equal(index, indices[0]) for index in indices):
        raise Wrong(_("every iteration used the same mini-batch {shows}: draw a new random "
                      "batch_mask = np.random.choice(train_size, "
                      "batch_size) in every iteration").format(
                      shows=shows))
    if max(int(index.max()) for index in indices) < batch:
        raise Wrong(_("every mini-batch came from the first {batch} rows {shows}: choose among "
                      "all train_size rows, np.random.choice(train_size, batch_size)").format(
                      batch=batch, shows=shows))
    size = len(t_train)
    in_order = [np.arange(k * batch, (k + 1) * batch) % size for k in range(iters)]
    if all(np.array_equal(a, b) for a, b in zip(indices, in_order, strict=True)):
        raise Wrong(_("the mini-batches were taken in order {shows}: pick them at random, "
                      "batch_mask = np.random.choice(train_size, batch_size), so that each "
                      "batch is a fair sample of the training data").format(
                      shows=shows))
    return indices


def _check_params(net: _RecordingNet, indices: list[np.ndarray], x: np.ndarray, t: np.ndarray,
                  rate: float, shows: str) -> tuple[list[float], list[float]]:
    start = _fresh_net().params
    params, before, after = _replay(indices, x, t, rate)
    for key in _KEYS:
        value = net.params[key]
        if np.allclose(value, params[key], rtol=1e-9, atol=1e-12):
            continue
        if np.array_equal(value, start[key]):
            raise Wrong(_("params[{key!r}] never changed {shows}: update every parameter, for "
                          "key in ('W1', 'b1', 'W2', 'b2'): network.params[key] -= "
                          "learning_rate * grad[key]").format(
                          key=key, shows=shows))
        for lr, hint in ((-rate, _("the parameters moved uphill: subtract, network.params[key] "
                                   "-= learning_rate * grad[key]")),
                         (0.1, _("the steps were 0.1 times the gradient, expected "
                                 "learning_rate = {rate}: use the learning_rate passed in").format(
                                 rate=rate)),
                         (1.0, _("the steps were whole gradients: multiply by learning_rate"))):
            if np.allclose(value, _replay(indices, x, t, lr)[0][key], rtol=1e-9, atol=1e-12):
                raise Wrong(_("{hint} ({shows})").format(hint=hint, shows=shows))
        raise Wrong(_("after training, params[{key!r}] {shows} differs from SGD on the same "
                      "mini-batches: network.params[key] -= learning_rate * grad[key] for each "
                      "key, once per iteration").format(key=key, shows=shows))
    return before, after


def _as_list(value: Any, what: str, shows: str) -> list[float]:
    try:
        values = [float(v) for v in value]
    except Exception:
        raise Wrong(_("{what} {shows} is {name}, expected a list of numbers").format(
                      what=what, shows=shows, name=type(value).__name__)) from None
    return values


@exercise(lambda: _("training loop"))
def check_training_loop(session: Session, attempt: Callable) -> None:
    """Check ``attempt(network, x_train, t_train, x_test, t_test, iters_num, batch_size,
    learning_rate)``: the book's §4.5.2 loop, returning ``(train_loss_list, train_acc_list,
    test_acc_list)``.

    The network records what the loop asks of it, and the check replays SGD on the very
    mini-batches the loop drew: any random draw passes (np.random.choice as in the book, a
    Generator, a permutation), as long as every iteration draws a new random batch.
    """
    for run in _RUNS:
        _check_run(session, attempt, *run)


def _check_run(session: Session, attempt: Callable, train_size: int, test_size: int,
               iters: int, batch: int, rate: float, seed: int) -> None:
    x_train, t_train, x_test, t_test = _loop_data(train_size, test_size, seed)
    net = _RecordingNet(x_train, x_test)
    shows = (_("for {train_size} training rows, iters_num = {iters}, batch_size = {batch}, "
               "learning_rate = {rate}").format(
               train_size=train_size, iters=iters, batch=batch, rate=rate))
    result = session.call(
        attempt, net, x_train, t_train, x_test, t_test, iters, batch, rate, shows=shows,
        names=("network", "x_train", "t_train", "x_test", "t_test", "iters_num", "batch_size",
               "learning_rate"), share=("network",),
        on_change=_("take mini-batches with x_train[batch_mask] (a copy), never edit the data"))
    if not isinstance(result, tuple | list) or len(result) != 3:
        got = "None" if result is None else type(result).__name__
        raise Wrong(_("your loop returned {got} {shows}: return the three lists, "
                      "train_loss_list, train_acc_list, test_acc_list").format(
                      got=got, shows=shows))
    indices = _check_batches(net, t_train, iters, batch, shows)
    before, after = _check_params(net, indices, x_train, t_train, rate, shows)
    session.cases += 1
    losses = _as_list(result[0], "train_loss_list", shows)
    if len(losses) != iters:
        raise Wrong(_("train_loss_list has {losses} values {shows}, expected {iters}: append "
                      "the mini-batch's loss once per iteration").format(
                      losses=len(losses), shows=shows, iters=iters))
    if not (np.allclose(losses, after, rtol=1e-9) or np.allclose(losses, before, rtol=1e-9)):
        raise Wrong(_("train_loss_list {shows} starts {fmt}, expected {fmt2}: append "
                      "network.loss(x_batch, t_batch), the loss of "
                      "each iteration's mini-batch").format(
                      shows=shows, fmt=fmt(np.array(losses[:3])), fmt2=fmt(np.array(after[:3]))))
    session.cases += 1
    per_epoch = max(train_size / batch, 1)
    expected = math.ceil(iters / per_epoch)
    for data, position in (("train", 1), ("test", 2)):
        values = _as_list(result[position], f"{data}_acc_list", shows)
        calls = [(when, value) for kind, when, value in net.accuracies if kind == data]
        others = [kind for kind, *_rest in net.accuracies if kind not in ("train", "test")]
        if others:
            raise Wrong(_("an accuracy was measured on {others} {shows}: measure it on the "
                          "whole data, network.accuracy(x_{data}, t_{data})").format(
                          others=others[0], shows=shows, data=data))
        if len(values) != len(calls) or not np.allclose(values, [v for _name, v in calls]):
            raise Wrong(_("{data}_acc_list {shows} holds {values} values, but the network "
                          "measured {calls} accuracies on the {data} data: append "
                          "network.accuracy(x_{data}, t_{data}) to {data}_acc_list").format(
                          data=data, shows=shows, values=len(values), calls=len(calls)))
        if not expected - 1 <= len(calls) <= expected + 1:
            raise Wrong(_("{data}_acc_list has {calls} values {shows}, expected one per epoch "
                          "({expected}): measure when i % iter_per_epoch == 0, with "
                          "iter_per_epoch = max(train_size / batch_size, 1)").format(
                          data=data, calls=len(calls), shows=shows, expected=expected))
        gaps = np.diff([when for when, _ in calls])
        if len(gaps) and not np.all(gaps == per_epoch):
            raise Wrong(_("the {data} accuracies were not measured once every epoch {shows}: "
                          "measure when i % iter_per_epoch == 0 "
                          "({per_epoch} iterations apart)").format(
                          data=data, shows=shows, per_epoch=fmt(per_epoch)))
        session.cases += 1
