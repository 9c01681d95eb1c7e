"""Perceptrons as logic gates, and the step up to a small neural network (book chapters 2-3).

A perceptron with two inputs outputs y = 1 if w1*x1 + w2*x2 + b > 0, else y = 0. Which
logic gate it computes depends only on the weights (w1, w2) and the bias b. The line
w1*x1 + w2*x2 + b = 0 splits the plane in two; no single line separates the XOR points,
so XOR takes two layers: XOR(x1, x2) = AND(NAND(x1, x2), OR(x1, x2)).

The second half is the book's 3-layer network (``init_network`` / ``forward``): the
same weighted sums written as matrix products, with sigmoid in the hidden layers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._checks import as_array, as_float_array, check_instance
from nnlib.functions import identity_function, sigmoid, step_function
from nnlib.i18n import _

__all__ = [
    "INPUTS",
    "GATE_WEIGHTS",
    "perceptron",
    "truth_table",
    "identify_gate",
    "gate_name",
    "AND",
    "NAND",
    "OR",
    "XOR",
    "clip_polygon",
    "half_plane_polygon",
    "init_network",
    "forward",
    "forward_steps",
    "three_layer_example",
]

#: The four inputs (x1, x2) of a two-input gate, one per row, in truth-table order.
INPUTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=np.float64)

#: Weights (w1, w2, b) that make a perceptron compute each gate (the book's choices).
GATE_WEIGHTS: dict[str, tuple[float, float, float]] = {
    "AND": (0.5, 0.5, -0.7),
    "NAND": (-0.5, -0.5, 0.7),
    "OR": (0.5, 0.5, -0.2),
}

# Every boolean function of two inputs, keyed by its outputs on INPUTS.
_GATE_NAMES: dict[tuple[int, ...], str] = {
    (0, 0, 0, 0): "always 0",
    (0, 0, 0, 1): "AND",
    (0, 1, 0, 0): "x1 AND NOT x2",
    (0, 1, 0, 1): "x1 (copies x1)",
    (0, 0, 1, 0): "NOT x1 AND x2",
    (0, 0, 1, 1): "x2 (copies x2)",
    (0, 1, 1, 0): "XOR",
    (0, 1, 1, 1): "OR",
    (1, 0, 0, 0): "NOR",
    (1, 0, 0, 1): "XNOR",
    (1, 1, 0, 0): "NOT x2",
    (1, 1, 0, 1): "x1 OR NOT x2",
    (1, 0, 1, 0): "NOT x1",
    (1, 0, 1, 1): "NOT x1 OR x2",
    (1, 1, 1, 0): "NAND",
    (1, 1, 1, 1): "always 1",
}


def _weights(w1: float, w2: float, b: float) -> NDArray[np.float64]:
    params = as_float_array([w1, w2, b], "(w1, w2, b)")
    if params.shape != (3,):
        raise ValueError(_("w1, w2 and b must each be a single number, got shape {shape}").format(
            shape=params.shape))
    return params.astype(np.float64)


def perceptron(x: ArrayLike, w: ArrayLike, b: float) -> NDArray[np.int64]:
    """パーセプトロン perceptron: y = 1 if sum_i w_i x_i + b > 0, else 0.

    ``x`` is one input vector or a batch of rows; ``w`` has one weight per input.
    """
    x = as_float_array(x, "x")
    w = as_float_array(w, "w")
    if w.ndim != 1 or x.shape[-1] != w.shape[0]:
        raise ValueError(_("x has {n} inputs per row but w has shape {shape}").format(
            n=x.shape[-1], shape=w.shape))
    b = float(as_float_array(b, "b").reshape(()))
    return step_function(x @ w + b)


def truth_table(w1: float, w2: float, b: float) -> NDArray[np.int64]:
    """The perceptron's outputs on the four inputs (0,0), (1,0), (0,1), (1,1)."""
    params = _weights(w1, w2, b)
    return perceptron(INPUTS, params[:2], params[2])


def gate_name(outputs: ArrayLike) -> str:
    """Name of the two-input gate with these four outputs (in the order of :data:`INPUTS`)."""
    outputs = as_array(outputs, "outputs")
    if outputs.dtype.kind not in "biuf":
        raise TypeError(_("outputs must be four 0/1 values, got dtype {dtype}").format(
            dtype=outputs.dtype))
    key = tuple(int(v) for v in outputs.reshape(-1))
    if key not in _GATE_NAMES:
        raise ValueError(_("outputs must be four 0/1 values, got {key}").format(key=key))
    return _GATE_NAMES[key]


def identify_gate(w1: float, w2: float, b: float) -> str:
    """Which gate the perceptron with weights (w1, w2) and bias b computes, by name.

    All 16 boolean functions of two inputs have a name here; a single perceptron can
    reach 14 of them, never XOR or XNOR.
    """
    return gate_name(truth_table(w1, w2, b))


def _gate(name: str, x1: ArrayLike, x2: ArrayLike) -> NDArray[np.int64]:
    x1, x2 = np.broadcast_arrays(as_float_array(x1, "x1"), as_float_array(x2, "x2"))
    w1, w2, b = GATE_WEIGHTS[name]
    return perceptron(np.stack([x1, x2], axis=-1), [w1, w2], b)


# Upper-case names, as in the book, so a reader finds AND, NAND, OR and XOR where they expect.
def AND(x1: ArrayLike, x2: ArrayLike) -> NDArray[np.int64]:
    """AND gate as a perceptron: w = (0.5, 0.5), b = -0.7."""
    return _gate("AND", x1, x2)


def NAND(x1: ArrayLike, x2: ArrayLike) -> NDArray[np.int64]:
    """NAND gate as a perceptron: the AND weights and bias with their signs flipped."""
    return _gate("NAND", x1, x2)


def OR(x1: ArrayLike, x2: ArrayLike) -> NDArray[np.int64]:
    """OR gate as a perceptron: w = (0.5, 0.5), b = -0.2."""
    return _gate("OR", x1, x2)


def XOR(x1: ArrayLike, x2: ArrayLike) -> NDArray[np.int64]:
    """XOR as a two-layer perceptron: s1 = NAND(x1, x2), s2 = OR(x1, x2), y = AND(s1, s2)."""
    return AND(NAND(x1, x2), OR(x1, x2))


def clip_polygon(corners: ArrayLike, w1: float, w2: float, b: float) -> NDArray[np.float64]:
    """The part of a convex polygon where w1*x1 + w2*x2 + b > 0 (one Sutherland-Hodgman step).

    ``corners`` is a (k, 2) array in order around the polygon. Returns the clipped
    polygon's corners, an empty (0, 2) array when no part of it lies on the 1-side.
    """
    w1, w2, b = _weights(w1, w2, b)
    corners = as_float_array(corners, "corners", allow_empty=True).reshape(-1, 2)
    side = corners @ np.array([w1, w2]) + b
    clipped = []
    for i in range(len(corners)):
        j = (i + 1) % len(corners)
        if side[i] > 0:
            clipped.append(corners[i])
        if (side[i] > 0) != (side[j] > 0):  # the line crosses this edge
            t = side[i] / (side[i] - side[j])
            clipped.append(corners[i] + t * (corners[j] - corners[i]))
    return np.array(clipped, dtype=np.float64).reshape(-1, 2)


def half_plane_polygon(
    w1: float, w2: float, b: float, box: tuple[float, float, float, float] = (-0.5, 1.5, -0.5, 1.5)
) -> NDArray[np.float64]:
    """Corners of the region of ``box`` where w1*x1 + w2*x2 + b > 0 (where the output is 1).

    ``box`` is (x1_min, x1_max, x2_min, x2_max). Returns a (k, 2) array, k = 0 when the
    whole box outputs 0; with w1 = w2 = 0 (no line at all) it is all or nothing.
    """
    x_lo, x_hi, y_lo, y_hi = (float(v) for v in box)
    corners = np.array([[x_lo, y_lo], [x_hi, y_lo], [x_hi, y_hi], [x_lo, y_hi]])
    return clip_polygon(corners, w1, w2, b)


def init_network() -> dict[str, NDArray[np.float64]]:
    """The book's 3-layer network: 2 inputs -> 3 -> 2 -> 2 outputs, fixed weights.

    ``W1`` is 2x3 (one column per neuron of layer 1), ``b1`` has 3 biases, and so on.
    """
    return {
        "W1": np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]),
        "b1": np.array([0.1, 0.2, 0.3]),
        "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]),
        "b2": np.array([0.1, 0.2]),
        "W3": np.array([[0.1, 0.3], [0.2, 0.4]]),
        "b3": np.array([0.1, 0.2]),
    }


def forward_steps(network: dict[str, Any], x: ArrayLike) -> dict[str, NDArray[np.floating]]:
    """Every intermediate of :func:`forward`: a1, z1, a2, z2, a3 and the output y.

    a1 = x @ W1 + b1, z1 = sigmoid(a1); a2 = z1 @ W2 + b2, z2 = sigmoid(a2);
    a3 = z2 @ W3 + b3, y = identity(a3). ``x`` is one input vector or a batch of rows.
    """
    check_instance(network, "network", dict, "a dict of W1, b1, ... (from init_network())")
    missing = [k for k in ("W1", "b1", "W2", "b2", "W3", "b3") if k not in network]
    if missing:
        raise ValueError(_("network is missing {missing}; build it with init_network()").format(
            missing=missing))
    signal = as_float_array(x, "x")
    if signal.ndim == 0:
        raise ValueError(_("x must be one input vector or a batch of rows, got a single number"))
    steps: dict[str, NDArray[np.floating]] = {}
    for layer in (1, 2, 3):
        W = as_float_array(network[f"W{layer}"], f"W{layer}")
        bias = as_float_array(network[f"b{layer}"], f"b{layer}")
        if W.ndim != 2 or signal.shape[-1] != W.shape[0] or bias.shape != (W.shape[1],):
            raise ValueError(
                _("layer {layer}: input has {n} values per row, W{layer} has shape {w} and "
                  "b{layer} shape {b}; they do not fit together").format(
                    layer=layer, n=signal.shape[-1], w=W.shape, b=bias.shape))
        steps[f"a{layer}"] = signal @ W + bias
        if layer < 3:
            signal = steps[f"z{layer}"] = sigmoid(steps[f"a{layer}"])
    steps["y"] = identity_function(steps["a3"])
    return steps


def forward(network: dict[str, Any], x: ArrayLike) -> NDArray[np.floating]:
    """順方向 forward pass of the 3-layer network: input -> output, matrix products."""
    return forward_steps(network, x)["y"]


def three_layer_example(
    x: ArrayLike = (1.0, 0.5),
) -> tuple[dict[str, NDArray[np.float64]], NDArray[np.floating]]:
    """The book's worked example: ``init_network()`` and its output for x = [1.0, 0.5].

    Returns ``(network, y)``; y is [0.31682708, 0.69627909].
    """
    network = init_network()
    return network, forward(network, x)
