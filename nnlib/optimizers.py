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
from numpy.typing import NDArray

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
        for which, value in (("params", params), ("grads", grads)):
            if not isinstance(value, Mapping):
                raise TypeError(f"{which} must be a dict of arrays by name (like net.params), "
                                f"got {type(value).__name__}")
        missing = [name for name in grads if name not in params]
        if missing:
            raise ValueError(f"grads has {missing} but params does not: the two dicts must "
                             f"name the same parameters (params has {list(params)})")
        for name, grad in grads.items():
            param = params[name]
            if not isinstance(param, np.ndarray) or param.dtype.kind != "f":
                raise TypeError(f"params[{name!r}] must be a float numpy array (updated in "
                                f"place), got {type(param).__name__}")
            grad = as_array(grad, f"grads[{name!r}]")
            if grad.dtype.kind not in "biuf":
                raise TypeError(f"grads[{name!r}] must be real numbers, got dtype {grad.dtype}")
            if param.shape != grad.shape:
                raise ValueError(f"grads[{name!r}] has shape {grad.shape}, params {param.shape}")
            param -= self.lr * grad

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr:g})"
