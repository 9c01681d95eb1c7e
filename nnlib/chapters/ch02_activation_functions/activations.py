"""Derivatives of the activation functions, where they go flat, and why they must bend.

The functions themselves live in :mod:`nnlib.functions`; this module adds what chapter
02 needs around them:

* the derivative of each activation (``step_grad``, ``sigmoid_grad``, ``relu_grad``,
  ``tanh_grad``) and a registry, :data:`ACTIVATIONS`, that pairs them;
* :func:`flat_regions`: where a neuron h(w*x + b) is zero or saturated, in closed form;
* :func:`one_minus_exp`: the aside 1 - exp(-x), a 0-to-1 curve only for x >= 0;
* :func:`collapse_linear` and :func:`forward_stack`: stacked linear layers are one layer;
* :func:`fit_hidden_layer`: one hidden layer fitted to a curve, linear versus ReLU.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._checks import (
    as_float_array,
    check_callable,
    check_count,
    check_instance,
    check_seed,
    check_str,
)
from nnlib.engines.formatting import fixed
from nnlib.functions import identity_function, relu, sigmoid, step_function, tanh
from nnlib.i18n import _

__all__ = [
    "step_grad",
    "sigmoid_grad",
    "relu_grad",
    "tanh_grad",
    "one_minus_exp",
    "Activation",
    "ACTIVATIONS",
    "FlatRegion",
    "flat_regions",
    "describe_flat_regions",
    "collapse_linear",
    "forward_stack",
    "CurveFit",
    "fit_hidden_layer",
    "fit_line",
]

FloatArray = NDArray[np.floating]


def step_grad(x: ArrayLike) -> FloatArray:
    """Derivative of the step function: 0 for every x != 0.

    At x = 0 the step jumps and has no derivative; 0 is returned there too, which is
    exactly why a network of step functions cannot learn by gradient descent.
    """
    return np.zeros_like(as_float_array(x, "x"))


def sigmoid_grad(x: ArrayLike) -> FloatArray:
    """Derivative of the sigmoid, h'(x) = h(x) (1 - h(x)): at most 1/4, at x = 0."""
    s = sigmoid(x)
    return s * (1 - s)


def relu_grad(x: ArrayLike) -> FloatArray:
    """Derivative of ReLU: 1 for x > 0, 0 for x < 0 (and 0 at the kink x = 0, by convention)."""
    x = as_float_array(x, "x")
    return (x > 0).astype(x.dtype)


def tanh_grad(x: ArrayLike) -> FloatArray:
    """Derivative of tanh, 1 - tanh(x)^2: 1 at x = 0, falling to 0 on both sides."""
    t = tanh(x)
    return 1 - t * t


def one_minus_exp(x: ArrayLike) -> FloatArray:
    """The aside f(x) = 1 - exp(-x), computed as -expm1(-x) for accuracy near 0.

    For x >= 0 it rises from 0 towards 1 like a sigmoid, but for x < 0 it falls without
    bound: f(-5) is about -147 and f(-710) is already beyond float64, where this returns
    -inf (silently: that is the true value rounded, not an error).
    """
    x = as_float_array(x, "x")
    with np.errstate(over="ignore"):
        return -np.expm1(-x)


@dataclass(frozen=True)
class Activation:
    """An activation h with its derivative, its limits and where it counts as flat.

    ``flat_below(tol)`` gives the input a at or below which h(a) is within ``tol`` of
    ``lower``; ``flat_above(tol)`` the a at or above which it is within ``tol`` of
    ``upper`` (None when h has no upper limit). ``exact`` means "equal", not "within tol".
    """

    name: str
    function: Callable[[ArrayLike], np.ndarray]  # the step function returns integers
    derivative: Callable[[ArrayLike], FloatArray]
    lower: float
    upper: float
    flat_below: Callable[[float], float]
    flat_above: Callable[[float], float | None]
    exact: bool


ACTIVATIONS: dict[str, Activation] = {
    "step": Activation(
        "step", step_function, step_grad, 0.0, 1.0, lambda tol: 0.0, lambda tol: 0.0, True
    ),
    "sigmoid": Activation(
        "sigmoid", sigmoid, sigmoid_grad, 0.0, 1.0,
        lambda tol: math.log(tol / (1 - tol)), lambda tol: math.log((1 - tol) / tol), False,
    ),
    "relu": Activation(
        "relu", relu, relu_grad, 0.0, math.inf, lambda tol: 0.0, lambda tol: None, True
    ),
    "tanh": Activation(
        "tanh", tanh, tanh_grad, -1.0, 1.0,
        lambda tol: -math.atanh(1 - tol), lambda tol: math.atanh(1 - tol), False,
    ),
}


def _activation(name: str) -> Activation:
    check_str(name, "activation")
    if name not in ACTIVATIONS:
        raise ValueError(_("unknown activation {name!r}; choose one of {choices}").format(
            name=name, choices=sorted(ACTIVATIONS)))
    return ACTIVATIONS[name]


@dataclass(frozen=True)
class FlatRegion:
    """An interval lo <= x <= hi of inputs where the neuron's output is (near) ``value``."""

    value: float
    lo: float
    hi: float
    exact: bool


def _finite_scalar(value: float, name: str) -> float:
    arr = as_float_array(value, name)
    if arr.size != 1:
        raise ValueError(_("{name} must be a single number, got shape {shape}").format(
            name=name, shape=arr.shape))
    return float(arr.reshape(()))


def flat_regions(activation: str, w: float, b: float, tol: float = 0.01) -> list[FlatRegion]:
    """Where the neuron y = h(w*x + b) is flat: zero, or within ``tol`` of a limit.

    With a = w*x + b, the condition a <= a_low becomes x <= (a_low - b) / w for w > 0
    and x >= (a_low - b) / w for w < 0. For w = 0 the output is the constant h(b): one
    region covering every x if that constant is flat, else none. Ordered by x.
    """
    act = _activation(activation)
    w, b, tol = _finite_scalar(w, "w"), _finite_scalar(b, "b"), _finite_scalar(tol, "tol")
    if not 0 < tol < 0.5:
        raise ValueError(_("tol must lie between 0 and 0.5, got {tol}").format(tol=tol))
    a_low, a_high = act.flat_below(tol), act.flat_above(tol)
    if w == 0:
        if b <= a_low:
            return [FlatRegion(act.lower, -math.inf, math.inf, act.exact)]
        if a_high is not None and b >= a_high:
            return [FlatRegion(act.upper, -math.inf, math.inf, act.exact)]
        return []
    with np.errstate(over="ignore"):  # a tiny w sends the edge off to +-inf, as it should
        x_low = float(np.float64(a_low - b) / w)
        x_high = None if a_high is None else float(np.float64(a_high - b) / w)
    low_side, high_side = (-math.inf, x_low), None if x_high is None else (x_high, math.inf)
    if w < 0:
        low_side = (x_low, math.inf)
        high_side = None if x_high is None else (-math.inf, x_high)
    regions = [FlatRegion(act.lower, *low_side, act.exact)]
    if high_side is not None:
        regions.append(FlatRegion(act.upper, *high_side, act.exact))
    # A w so tiny that an edge lands at +-inf leaves that region empty.
    return sorted((r for r in regions if r.lo < r.hi), key=lambda r: r.lo)


def _fmt(value: float) -> str:
    return fixed(value, 2)


def describe_flat_regions(activation: str, w: float, b: float, tol: float = 0.01) -> str:
    """One sentence naming where h(w*x + b) is zero or saturated, e.g. for the explorer.

    ``sigmoid(w·x+b) is within 0.01 of 0 for x <= -2.30 and within 0.01 of 1 for x >= 2.30``.
    """
    act = _activation(activation)
    regions = flat_regions(activation, w, b, tol)
    head = f"{act.name}(w·x+b)"
    if w == 0:
        const = float(act.function(np.float64(b)))
        text = _("{head} = {name}({b}) = {const:.4g} for every x (w = 0: a flat line)").format(
            head=head, name=act.name, b=_fmt(b), const=const)
        if regions:
            if act.exact:
                text += _(", exactly {value:g}").format(value=regions[0].value)
            else:
                text += _(", within {tol:g} of {value:g}").format(tol=tol, value=regions[0].value)
        return text
    parts = []
    for region in regions:
        if math.isinf(region.lo) and math.isinf(region.hi):
            where = _("every x")
        elif math.isinf(region.lo):
            where = f"x <= {_fmt(region.hi)}" if math.isfinite(region.hi) else _("every x")
        else:
            where = f"x >= {_fmt(region.lo)}" if math.isfinite(region.lo) else _("no x")
        if act.name == "step" and region.value == 1:  # the step is 0 at the edge itself
            where = where.replace("<=", "<").replace(">=", ">")
        if region.exact:
            part = _("exactly {value:g} for {where}").format(value=region.value, where=where)
        else:
            part = _("within {tol:g} of {value:g} for {where}").format(
                tol=tol, value=region.value, where=where)
        parts.append(part)
    if not parts:
        return _("{head} is nowhere flat in floating-point range (w = {w:g} is too small)").format(
            head=head, w=w)
    text = _("{head} is {parts}").format(head=head, parts=_(" and ").join(parts))
    if act.upper == math.inf:
        text += _("; on the other side it grows without bound")
    return text


def _matrices(weights: Sequence[ArrayLike], biases: Sequence[ArrayLike] | None):
    check_instance(weights, "weights", list | tuple, "a list of weight matrices")
    if len(weights) == 0:
        raise ValueError(_("weights is empty; give at least one weight matrix"))
    if biases is not None:
        check_instance(biases, "biases", list | tuple, "a list of bias vectors")
    Ws = [as_float_array(W, f"W{i + 1} (weights[{i}])") for i, W in enumerate(weights)]
    bs: list[FloatArray]
    if biases is None:
        bs = [np.zeros(W.shape[-1]) for W in Ws]
    else:
        if len(biases) != len(Ws):
            raise ValueError(_("got {n_w} weight matrices but {n_b} biases").format(
                n_w=len(Ws), n_b=len(biases)))
        bs = [as_float_array(b, f"b{i + 1} (biases[{i}])") for i, b in enumerate(biases)]
    for i, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        if W.ndim != 2 or b.shape != (W.shape[1],):
            raise ValueError(
                _("W{k} (weights[{i}]) must be 2-D with one bias b{k} (biases[{i}]) per column, "
                  "got shapes {w} and {b}").format(k=i + 1, i=i, w=W.shape, b=b.shape))
        if i and Ws[i - 1].shape[1] != W.shape[0]:
            raise ValueError(
                _("W{i} has {cols} columns but W{k} has {rows} rows").format(
                    i=i, cols=Ws[i - 1].shape[1], k=i + 1, rows=W.shape[0])
            )
    return Ws, bs


def collapse_linear(
    weights: Sequence[ArrayLike], biases: Sequence[ArrayLike] | None = None
) -> tuple[FloatArray, FloatArray]:
    """Fold linear layers x -> x @ W_k + b_k into the one layer x -> x @ W + b they equal.

    W = W1 @ W2 @ ... @ Wn and b = (...((b1 @ W2 + b2) @ W3 + b3) ...), because
    (x @ W1 + b1) @ W2 + b2 = x @ (W1 @ W2) + (b1 @ W2 + b2). Biases default to 0.
    """
    Ws, bs = _matrices(weights, biases)
    W, b = Ws[0], bs[0]
    for W_next, b_next in zip(Ws[1:], bs[1:], strict=True):
        W, b = W @ W_next, b @ W_next + b_next
    return W, b


def forward_stack(
    x: ArrayLike,
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike] | None = None,
    activation: Callable[[ArrayLike], FloatArray] = identity_function,
) -> FloatArray:
    """Run x through the layers one at a time: x <- activation(x @ W_k + b_k) for each k."""
    Ws, bs = _matrices(weights, biases)
    check_callable(activation, "activation")
    signal = as_float_array(x, "x")
    if signal.ndim == 0:
        raise ValueError(_("x must be a row (or rows) of values, got a single number"))
    if signal.shape[-1] != Ws[0].shape[0]:
        raise ValueError(
            _("x has {n} values per row but W1 has {rows} rows").format(
                n=signal.shape[-1], rows=Ws[0].shape[0])
        )
    for W, b in zip(Ws, bs, strict=True):
        signal = activation(signal @ W + b)
    return signal


@dataclass(frozen=True)
class CurveFit:
    """A fitted curve: the inputs, the target, the model's prediction and its mean squared error."""

    label: str
    x: FloatArray
    target: FloatArray
    prediction: FloatArray
    mse: float


def _fit_readout(features: FloatArray, target: FloatArray) -> FloatArray:
    """Least-squares output layer on ``features`` plus a bias column: its prediction."""
    design = np.column_stack([features, np.ones(len(features))])
    coef = np.linalg.lstsq(design, target, rcond=None)[0]
    return design @ coef


def _mse(prediction: FloatArray, target: FloatArray) -> float:
    return float(np.mean((prediction - target) ** 2))


def _curve(x: ArrayLike, target: ArrayLike) -> tuple[FloatArray, FloatArray]:
    x = as_float_array(x, "x").astype(np.float64)
    target = as_float_array(target, "target").astype(np.float64)
    if x.ndim != 1 or target.shape != x.shape:
        raise ValueError(
            _("x and target must be 1-D and the same length, got {x} and {target}").format(
                x=x.shape, target=target.shape)
        )
    if x.size < 2:
        raise ValueError(_("a curve fit needs at least 2 points"))
    for name, values in (("x", x), ("target", target)):
        if np.abs(values).max() > 1e100:  # squared errors stay in float range
            raise ValueError(_("{name} must be at most 1e100 in size, got {size:g}").format(
                name=name, size=np.abs(values).max()))
    return x, target


def fit_line(x: ArrayLike, target: ArrayLike) -> CurveFit:
    """The best a single linear layer y = w*x + b can do: the least-squares line."""
    x, target = _curve(x, target)
    prediction = _fit_readout(x[:, None], target)
    return CurveFit(_("one linear layer"), x, target, prediction, _mse(prediction, target))


def fit_hidden_layer(
    x: ArrayLike,
    target: ArrayLike,
    activation: str = "relu",
    hidden_size: int = 20,
    seed: int | None = 0,
) -> CurveFit:
    """Fit 1 -> hidden_size -> 1 with a seeded random hidden layer and a best output layer.

    Hidden neuron j computes h(w_j x + b_j), its weight drawn from a normal and its bias
    set so that its bend falls at a random point inside the range of x. The output
    layer is then the least-squares choice. The hidden layer is the same for every
    activation (same seed), so only h differs: with ``"identity"`` the whole network
    is still a line, with ``"relu"`` it is a broken line that can follow a curve.
    """
    x, target = _curve(x, target)
    hidden_size = check_count(hidden_size, "hidden_size", minimum=1, maximum=10_000)
    seed = check_seed(seed)
    h: Callable[[ArrayLike], np.ndarray]
    if check_str(activation, "activation") == "identity":
        h = identity_function
    else:
        h = _activation(activation).function
    rng = np.random.default_rng(seed)
    w = rng.normal(size=hidden_size)
    bends = rng.uniform(x.min(), x.max(), size=hidden_size)
    features = h(np.outer(x, w) - w * bends)  # neuron j bends where w_j x + b_j = 0
    prediction = _fit_readout(features, target)
    label = _("{n} {activation} neurons").format(n=hidden_size, activation=activation)
    return CurveFit(label, x, target, prediction, _mse(prediction, target))
