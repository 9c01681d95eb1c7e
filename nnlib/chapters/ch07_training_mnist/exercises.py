"""Chapter 07 exercise: one mini-batch SGD update of a network's parameters, in place."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from nnlib.engines.exercise import Session, Wrong, exercise, fmt, scale_between
from nnlib.engines.references import TwoLayerNet

__all__ = ["check_sgd_update"]


@exercise("SGD update")
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
        shows = f"for a TwoLayerNet's params and a mini-batch's grads with lr = {lr}"
        session.call(attempt, net.params, grads, lr, shows=shows,
                     names=("params", "grads", "lr"), keep=("grads",), share=("params",),
                     on_change="compute lr * grads[key] without changing grads")
        for key in before:
            value, expected = net.params.get(key), before[key] - lr * grads[key]
            if value is not arrays[key]:
                raise Wrong(f"params[{key!r}] is a new array {shows}: the network's layers still "
                            "hold the old one. Update in place: params[key] -= lr * grads[key]")
            if np.array_equal(value, before[key]):
                raise Wrong(f"params[{key!r}] did not change {shows}: loop over every key, "
                            "for key in grads: params[key] -= lr * grads[key]")
            step = scale_between(before[key] - value, grads[key], rtol=1e-6)
            if step is not None and math.isclose(step, -lr):
                raise Wrong(f"params[{key!r}] moved along the gradient {shows}: subtract, "
                            "params[key] -= lr * grads[key]")
            if step is not None and not math.isclose(step, lr):
                raise Wrong(f"params[{key!r}] moved {fmt(step)} times its gradient {shows}, "
                            f"expected lr = {lr} times: use the lr passed in")
            session.expect_array(value, expected, f"{shows} (params[{key!r}])",
                                 what=f"params[{key!r}]")
