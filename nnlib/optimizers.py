"""Optimizers: how parameters move, given their gradients (book §6.1 adds Momentum, AdaGrad, Adam).

Every optimizer has one method, ``update(params, grads)``, that changes the arrays in
``params`` in place; :class:`~nnlib.train.Trainer` and
:func:`~nnlib.gradient.gradient_descent` call nothing else, so a new optimizer is one
class in this file.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._checks import as_array, check_positive_finite

__all__ = ["Optimizer", "SGD"]


class Optimizer(Protocol):
    """What the trainer and gradient descent need of an optimizer."""

    def update(self, params: MutableMapping[str, NDArray], grads: Mapping[str, NDArray]) -> None:
        ...


class SGD:
    """確率的勾配降下法 stochastic gradient descent: W <- W - lr * dL/dW for every parameter."""

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = check_positive_finite(lr, "lr (learning rate)")

    def update(self, params: MutableMapping[str, NDArray], grads: Mapping[str, NDArray]) -> None:
        """Update ``params`` *in place* (the layers holding them see the new values)."""
        if type(params) is not dict or type(grads) is not dict:
            _check_dicts(params, grads)
        for name, grad in grads.items():
            param = params.get(name)
            if (type(param) is not np.ndarray or type(grad) is not np.ndarray
                    or param.dtype.kind != "f" or grad.dtype.kind not in "fiub"):
                param, grad = _check_pair(params, name, grad)
            if param.shape != grad.shape:
                raise ValueError(f"grads[{name!r}] has shape {grad.shape}, params {param.shape}")
            param -= self.lr * grad

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr:g})"


def _check_dicts(params: object, grads: object) -> None:
    for which, value in (("params", params), ("grads", grads)):
        if not isinstance(value, Mapping):
            raise TypeError(f"{which} must be a dict of arrays by name (like net.params), "
                            f"got {type(value).__name__}")


def _check_pair(params: Mapping[str, NDArray], name: str,
                grad: ArrayLike) -> tuple[NDArray, NDArray]:
    """The slow path of :meth:`SGD.update`: one parameter and its gradient, explained."""
    if name not in params:
        raise ValueError(f"grads has {name!r} but params does not: the two dicts must name the "
                         f"same parameters (params has {list(params)})")
    param = params[name]
    if not isinstance(param, np.ndarray) or param.dtype.kind != "f":
        raise TypeError(f"params[{name!r}] must be a float numpy array (updated in place), "
                        f"got {type(param).__name__}")
    grad = as_array(grad, f"grads[{name!r}]")
    if grad.dtype.kind not in "biuf":
        raise TypeError(f"grads[{name!r}] must be real numbers, got dtype {grad.dtype}")
    return param, grad
