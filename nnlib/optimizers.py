"""Optimizers: how parameters move, given their gradients (book §6.1 adds Momentum, AdaGrad, Adam).

Every optimizer has one method, ``update(params, grads)``, that changes the arrays in
``params`` in place; :class:`~nnlib.train.Trainer` and
:func:`~nnlib.gradient.gradient_descent` call nothing else, so a new optimizer is one
class in this file.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Protocol

from numpy.typing import NDArray

from nnlib._checks import check_positive_finite

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
        for name, grad in grads.items():
            param = params[name]
            if param.shape != grad.shape:
                raise ValueError(f"grads[{name!r}] has shape {grad.shape}, params {param.shape}")
            param -= self.lr * grad

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr:g})"
