"""Optimizers: how parameters move, given their gradients (book §6.1).

Every optimizer has one method, ``update(params, grads)``, that changes the values in
``params`` (arrays in place, as the book's ``params[key] -= ...`` does). The trainer and
gradient descent call nothing else, so a new optimizer is one class in this file. The
classes are the book's ``common/optimizer.py``: the same names, defaults, update rules and
numbers, each state (``v``, ``h``, ``m``) a dict created on the first update and keyed by
the params' keys. What nnlib adds is one ``with`` line per update, :func:`_checked_update`,
which refuses what the book's code would misread (a list for a gradient, mismatched keys
or shapes, an integer array that cannot move in place) and names a parameter that
overflowed to inf or NaN instead of letting it pass silently.

Like the book's, ``params`` may also hold plain numbers (the book's §6.1.7 comparison moves
``params['x']`` and ``params['y']``): a number is replaced in the dict, an array is changed
in place.
"""

from __future__ import annotations

import contextlib
import numbers
import warnings
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from nnlib._checks import check_positive_finite, finite_scalar

__all__ = ["Optimizer", "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam",
           "OPTIMIZERS", "optimizer_by_name", "UpdateOverflowWarning"]


class Optimizer(Protocol):
    """What the trainer and gradient descent need of an optimizer."""

    def update(self, params: MutableMapping[str, NDArray], grads: Mapping[str, NDArray]) -> None:
        ...


class UpdateOverflowWarning(RuntimeWarning):
    """An update made a parameter inf or NaN (the book's code gives the same values)."""


class SGD:
    """確率的勾配降下法 stochastic gradient descent: W <- W - lr * dL/dW for every parameter."""

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = _learning_rate(lr)

    def update(self, params: MutableMapping[str, NDArray], grads: Mapping[str, NDArray]) -> None:
        """Update ``params`` *in place* (the layers holding them see the new values)."""
        with _checked_update(self, params, grads):
            for key in params.keys():
                params[key] -= self.lr * grads[key]

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr:g})"


class Momentum:
    """Momentum: a velocity that keeps part of the last step, v <- momentum * v - lr * g;
    W <- W + v."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr = _learning_rate(lr)
        self.momentum = _decay(momentum, "momentum")
        self.v: dict[str, Any] | None = None

    def update(self, params: MutableMapping[str, NDArray], grads: Mapping[str, NDArray]) -> None:
        with _checked_update(self, params, grads, self.v):
            if self.v is None:
                self.v = {}
                for key, val in params.items():
                    self.v[key] = np.zeros_like(val)
            for key in params.keys():
                self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
                params[key] += self.v[key]

    def __repr__(self) -> str:
        return f"Momentum(lr={self.lr:g}, momentum={self.momentum:g})"


class Nesterov:
    """Nesterov's accelerated gradient, in the book's form (a Momentum step that looks ahead)."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr = _learning_rate(lr)
        self.momentum = _decay(momentum, "momentum")
        self.v: dict[str, Any] | None = None

    def update(self, params: MutableMapping[str, NDArray], grads: Mapping[str, NDArray]) -> None:
        with _checked_update(self, params, grads, self.v):
            if self.v is None:
                self.v = {}
                for key, val in params.items():
                    self.v[key] = np.zeros_like(val)
            for key in params.keys():
                params[key] += self.momentum * self.momentum * self.v[key]
                params[key] -= (1 + self.momentum) * self.lr * grads[key]
                self.v[key] *= self.momentum
                self.v[key] -= self.lr * grads[key]

    def __repr__(self) -> str:
        return f"Nesterov(lr={self.lr:g}, momentum={self.momentum:g})"


class AdaGrad:
    """AdaGrad: h <- h + g * g; W <- W - lr * g / (sqrt(h) + 1e-7), a step that only shrinks."""

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = _learning_rate(lr)
        self.h: dict[str, Any] | None = None

    def update(self, params: MutableMapping[str, NDArray], grads: Mapping[str, NDArray]) -> None:
        with _checked_update(self, params, grads, self.h):
            if self.h is None:
                self.h = {}
                for key, val in params.items():
                    self.h[key] = np.zeros_like(val)
            for key in params.keys():
                self.h[key] += grads[key] * grads[key]
                params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)

    def __repr__(self) -> str:
        return f"AdaGrad(lr={self.lr:g})"


class RMSprop:
    """RMSprop: AdaGrad with a fading memory, h <- decay_rate * h + (1 - decay_rate) * g * g."""

    def __init__(self, lr: float = 0.01, decay_rate: float = 0.99) -> None:
        self.lr = _learning_rate(lr)
        self.decay_rate = _decay(decay_rate, "decay_rate")
        self.h: dict[str, Any] | None = None

    def update(self, params: MutableMapping[str, NDArray], grads: Mapping[str, NDArray]) -> None:
        with _checked_update(self, params, grads, self.h):
            if self.h is None:
                self.h = {}
                for key, val in params.items():
                    self.h[key] = np.zeros_like(val)
            for key in params.keys():
                self.h[key] *= self.decay_rate
                self.h[key] += (1 - self.decay_rate) * grads[key] * grads[key]
                params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)

    def __repr__(self) -> str:
        return f"RMSprop(lr={self.lr:g}, decay_rate={self.decay_rate:g})"


class Adam:
    """Adam: Momentum's m and RMSprop's v together, with the bias-corrected rate
    lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t) of the book's code."""

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999) -> None:
        self.lr = _learning_rate(lr)
        self.beta1 = _decay(beta1, "beta1")
        self.beta2 = _decay(beta2, "beta2")
        self.iter = 0
        self.m: dict[str, Any] | None = None
        self.v: dict[str, Any] | None = None

    def update(self, params: MutableMapping[str, NDArray], grads: Mapping[str, NDArray]) -> None:
        with _checked_update(self, params, grads, self.m):
            if self.m is None:
                self.m, self.v = {}, {}
                for key, val in params.items():
                    self.m[key] = np.zeros_like(val)
                    self.v[key] = np.zeros_like(val)
            self.iter += 1
            lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)
            for key in params.keys():
                self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
                self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
                params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr:g}, beta1={self.beta1:g}, beta2={self.beta2:g})"


#: The book's Trainer looks optimizers up by lower-cased name; so does :func:`optimizer_by_name`.
OPTIMIZERS: dict[str, type] = {"sgd": SGD, "momentum": Momentum, "nesterov": Nesterov,
                               "adagrad": AdaGrad, "rmsprop": RMSprop, "adam": Adam}


def optimizer_by_name(name: str, **optimizer_param: float) -> Optimizer:
    """A new optimizer from its name, any case (``"Adam"``, ``"adagrad"``), as the book's
    ``Trainer(optimizer='SGD', optimizer_param={'lr': 0.01})`` builds one."""
    if not isinstance(name, str):
        raise TypeError(f"name must be an optimizer's name (one of {', '.join(OPTIMIZERS)}), "
                        f"got {type(name).__name__}")
    cls = OPTIMIZERS.get(name.lower())
    if cls is None:
        raise ValueError(f"name must be one of {', '.join(OPTIMIZERS)} (any case), got {name!r}")
    return cls(**optimizer_param)


# --- the checks: one `with` line in each update ----------------------------------------------

def _learning_rate(lr: float) -> float:
    return check_positive_finite(lr, "lr (learning rate)")


def _decay(value: float, name: str) -> float:
    """A decay rate (momentum, decay_rate, beta1, beta2): a number in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number in [0, 1), got {type(value).__name__}")
    value = finite_scalar(value, name)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1) (the share of the past that is kept), "
                         f"got {value:g}")
    return value


@contextlib.contextmanager
def _checked_update(optimizer: object, params: MutableMapping[str, Any],
                    grads: Mapping[str, Any], state: Mapping[str, Any] | None = None
                    ) -> Iterator[None]:
    """Check ``params``, ``grads`` (and the optimizer's ``state``) before the update, run it
    without numpy's anonymous warnings, then name any parameter it made inf or NaN.

    What counts as silent follows numpy's own error state: under
    ``np.errstate(over="ignore")`` (the trainer and gradient descent, which report a
    diverged run themselves) nothing is said; under "raise" a ``FloatingPointError`` names
    the parameter; otherwise an :class:`UpdateOverflowWarning` does.
    """
    _check_pairs(params, grads)
    if state is not None:
        _check_state(optimizer, state, params)
    policy = np.geterr()["over"]
    with np.errstate(all="ignore"):
        yield
    if policy != "ignore":
        _name_non_finite(optimizer, params, policy)


def _check_pairs(params: Any, grads: Any) -> None:
    for which, value in (("params", params), ("grads", grads)):
        if not isinstance(value, Mapping):
            raise TypeError(f"{which} must be a dict of arrays by name (like net.params), "
                            f"got {type(value).__name__}")
    if params.keys() != grads.keys():
        raise ValueError(f"params and grads must name the same parameters: params has "
                         f"{list(params)}, grads has {list(grads)}")
    for name, grad in grads.items():
        param = params[name]
        if type(param) is np.ndarray and type(grad) is np.ndarray:  # the fast path
            if param.dtype.kind == "f" and grad.dtype.kind in "fiub" and param.shape == grad.shape:
                continue
        _check_pair(name, param, grad)


def _check_pair(name: str, param: Any, grad: Any) -> None:
    """The slow path of :func:`_check_pairs`: one parameter and its gradient, explained."""
    if isinstance(param, np.ndarray):
        if param.dtype.kind != "f":
            raise TypeError(f"params[{name!r}] must be a float array (it is changed in place), "
                            f"got dtype {param.dtype}")
    elif isinstance(param, bool) or not isinstance(param, float | np.floating):
        raise TypeError(f"params[{name!r}] must be a float numpy array (or a float, as in the "
                        f"book's §6.1.7), got {type(param).__name__}")
    if isinstance(grad, np.ndarray):
        if grad.dtype.kind not in "biuf":
            raise TypeError(f"grads[{name!r}] must be real numbers, got dtype {grad.dtype}")
    elif isinstance(grad, bool) or not isinstance(grad, numbers.Real):
        raise TypeError(f"grads[{name!r}] must be a numpy array (or a number), got "
                        f"{type(grad).__name__}; a list would be read as a sequence, not as "
                        "numbers: use np.array(...)")
    if np.shape(grad) != np.shape(param):
        raise ValueError(f"grads[{name!r}] has shape {np.shape(grad)}, params {np.shape(param)}")


def _check_state(optimizer: object, state: Mapping[str, Any], params: Mapping[str, Any]) -> None:
    """The state from earlier updates must fit these params (the same network)."""
    if state.keys() != params.keys() or any(
            np.shape(state[k]) != np.shape(params[k]) for k in params):
        raise ValueError(
            f"this {type(optimizer).__name__} keeps state from earlier updates for the "
            f"parameters {list(state)} with their shapes, and params does not match them "
            f"(params has {list(params)}); use a new optimizer for another network")


def _name_non_finite(optimizer: object, params: Mapping[str, Any], policy: str) -> None:
    bad = [name for name, value in params.items() if not np.all(np.isfinite(value))]
    if not bad:
        return
    names = ", ".join(f"params[{name!r}]" for name in bad)
    message = (f"{optimizer!r}.update left {names} inf or NaN: the step overflowed the float "
               "range (lr too large for these gradients), or params or grads already held inf "
               "or NaN. The book's code gives the same values; choose a smaller lr")
    if policy == "raise":
        raise FloatingPointError(message)
    warnings.warn(message, UpdateOverflowWarning, stacklevel=4)
