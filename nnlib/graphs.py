"""Computational graphs 計算グラフ as data, and the numbers of backpropagation (book chapter 5).

- :class:`ComputationalGraph` is a small description of a graph: nodes (inputs,
  operations, the output) and edges, each edge carrying the value that flows forward
  along it and the derivative that flows back. :mod:`nnlib.plots.graph` draws it.
- :func:`shopping_apple` and :func:`shopping_apple_orange` build the book's shopping
  examples by running :class:`~nnlib.layers.MulLayer` and :class:`~nnlib.layers.AddLayer`
  forward and then backward, so every number on the picture comes from the layers.
- :func:`chain_rule_example` is the graph of z = (x + y)^2, for the chain rule 連鎖律.
- :func:`gradient_errors` compares a numerical gradient with a backprop gradient, one
  row per parameter; :func:`time_gradients` times the two on the same net and batch.

Only numpy and nnlib's own layers are used here; nothing imports matplotlib.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._checks import as_float_array, check_count
from nnlib.layers import AddLayer, MulLayer
from nnlib.train import limit_blas_threads

__all__ = [
    "GraphNode",
    "GraphEdge",
    "ComputationalGraph",
    "shopping_apple",
    "shopping_apple_orange",
    "chain_rule_example",
    "GradientError",
    "gradient_errors",
    "format_gradient_table",
    "parameter_count",
    "time_call",
    "time_calls",
    "GradientTiming",
    "time_gradients",
]

NodeKind = Literal["input", "op", "output"]
EdgeValue = float | str | None


@dataclass(frozen=True)
class GraphNode:
    """One node: an ``input`` (a named value), an ``op`` (drawn as a circle holding its
    operation, e.g. ``"×"``) or the ``output``."""

    name: str
    label: str
    kind: NodeKind = "op"


@dataclass(frozen=True)
class GraphEdge:
    """An arrow ``source -> target``. ``forward`` is the value passed along it; ``backward``
    is the derivative of the graph's output with respect to that value, passed the other
    way (``None`` when the backward pass is not shown). Numbers or short strings."""

    source: str
    target: str
    forward: EdgeValue
    backward: EdgeValue = None


@dataclass(frozen=True)
class ComputationalGraph:
    """Nodes and edges of a computational graph, in the order they should be laid out.

    Edges into a node are listed in the order of that node's inputs (first input drawn on
    top). :meth:`value` and :meth:`grad` read a node's forward value and its derivative
    off the edge that leaves it.
    """

    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    title: str = ""

    def __post_init__(self) -> None:
        names = [node.name for node in self.nodes]
        if len(set(names)) != len(names):
            raise ValueError(f"node names must be unique, got {names}")
        for edge in self.edges:
            for end in (edge.source, edge.target):
                if end not in names:
                    raise ValueError(
                        f"edge {edge.source} -> {edge.target} names unknown node {end!r}"
                    )
        for node in self.nodes:
            if node.kind not in ("input", "op", "output"):
                raise ValueError(
                    f"node {node.name!r} has kind {node.kind!r}; use input, op or output"
                )

    def node(self, name: str) -> GraphNode:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(f"no node named {name!r}; nodes are {[n.name for n in self.nodes]}")

    def inputs_of(self, name: str) -> list[GraphEdge]:
        return [edge for edge in self.edges if edge.target == name]

    def outputs_of(self, name: str) -> list[GraphEdge]:
        return [edge for edge in self.edges if edge.source == name]

    def _out_edge(self, name: str) -> GraphEdge:
        self.node(name)
        edges = self.outputs_of(name)
        if len(edges) != 1:
            raise ValueError(f"node {name!r} has {len(edges)} outgoing edges, not exactly one")
        return edges[0]

    def value(self, name: str) -> EdgeValue:
        """The forward value leaving node ``name``."""
        return self._out_edge(name).forward

    def grad(self, name: str) -> EdgeValue:
        """The derivative of the output with respect to node ``name``'s value."""
        return self._out_edge(name).backward


def _price(value: float, name: str) -> float:
    arr = as_float_array(value, name)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a single number, got shape {arr.shape}")
    return float(arr)


def shopping_apple(
    apple: float = 100, apple_num: float = 2, tax: float = 1.1
) -> ComputationalGraph:
    """The book's first shopping example: price = apple * apple_num * tax.

    With 2 apples at 100 yen and a tax factor of 1.1 the price is 220; backward from
    d(price)/d(price) = 1 gives d/d(apple) = 2.2, d/d(apple_num) = 110, d/d(tax) = 200.
    """
    apple, apple_num = _price(apple, "apple"), _price(apple_num, "apple_num")
    tax = _price(tax, "tax")
    mul_apple, mul_tax = MulLayer(), MulLayer()
    apple_price = mul_apple.forward(apple, apple_num)
    price = mul_tax.forward(apple_price, tax)

    dprice = 1.0
    dapple_price, dtax = (float(d) for d in mul_tax.backward(dprice))
    dapple, dapple_num = (float(d) for d in mul_apple.backward(dapple_price))

    nodes = (
        GraphNode("apple", "apple", "input"),
        GraphNode("apple_num", "apple count", "input"),
        GraphNode("mul_apple", "×"),
        GraphNode("tax", "tax", "input"),
        GraphNode("mul_tax", "×"),
        GraphNode("price", "price", "output"),
    )
    edges = (
        GraphEdge("apple", "mul_apple", apple, dapple),
        GraphEdge("apple_num", "mul_apple", apple_num, dapple_num),
        GraphEdge("mul_apple", "mul_tax", apple_price, dapple_price),
        GraphEdge("tax", "mul_tax", tax, dtax),
        GraphEdge("mul_tax", "price", price, dprice),
    )
    return ComputationalGraph(nodes, edges, "Buying apples")


def shopping_apple_orange(
    apple: float = 100,
    apple_num: float = 2,
    orange: float = 150,
    orange_num: float = 3,
    tax: float = 1.1,
) -> ComputationalGraph:
    """The book's second example: price = (apple * apple_num + orange * orange_num) * tax.

    With 2 apples at 100, 3 oranges at 150 and tax 1.1 the price is 715; backward gives
    d/d(apple) = 2.2, d/d(apple_num) = 110, d/d(orange) = 3.3, d/d(orange_num) = 165 and
    d/d(tax) = 650.
    """
    values = {"apple": apple, "apple_num": apple_num, "orange": orange, "orange_num": orange_num}
    v = {name: _price(value, name) for name, value in (values | {"tax": tax}).items()}
    mul_apple, mul_orange, add_fruit, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    apple_price = mul_apple.forward(v["apple"], v["apple_num"])
    orange_price = mul_orange.forward(v["orange"], v["orange_num"])
    fruit_price = add_fruit.forward(apple_price, orange_price)
    price = mul_tax.forward(fruit_price, v["tax"])

    dprice = 1.0
    # float(): plain numbers for the plot labels, whatever the layers were given.
    dfruit_price, dtax = (float(d) for d in mul_tax.backward(dprice))
    dapple_price, dorange_price = (float(d) for d in add_fruit.backward(dfruit_price))
    dorange, dorange_num = (float(d) for d in mul_orange.backward(dorange_price))
    dapple, dapple_num = (float(d) for d in mul_apple.backward(dapple_price))

    nodes = (
        GraphNode("apple", "apple", "input"),
        GraphNode("apple_num", "apple count", "input"),
        GraphNode("mul_apple", "×"),
        GraphNode("orange", "orange", "input"),
        GraphNode("orange_num", "orange count", "input"),
        GraphNode("mul_orange", "×"),
        GraphNode("add_fruit", "+"),
        GraphNode("tax", "tax", "input"),
        GraphNode("mul_tax", "×"),
        GraphNode("price", "price", "output"),
    )
    edges = (
        GraphEdge("apple", "mul_apple", v["apple"], dapple),
        GraphEdge("apple_num", "mul_apple", v["apple_num"], dapple_num),
        GraphEdge("orange", "mul_orange", v["orange"], dorange),
        GraphEdge("orange_num", "mul_orange", v["orange_num"], dorange_num),
        GraphEdge("mul_apple", "add_fruit", apple_price, dapple_price),
        GraphEdge("mul_orange", "add_fruit", orange_price, dorange_price),
        GraphEdge("add_fruit", "mul_tax", fruit_price, dfruit_price),
        GraphEdge("tax", "mul_tax", v["tax"], dtax),
        GraphEdge("mul_tax", "price", price, dprice),
    )
    return ComputationalGraph(nodes, edges, "Buying apples and oranges")


def chain_rule_example(x: float = 2.0, y: float = 1.5) -> ComputationalGraph:
    """z = t^2 with t = x + y, the chain rule's example: dz/dx = dz/dt * dt/dx = 2t * 1.

    The addition runs through :class:`~nnlib.layers.AddLayer`; the square node's rule,
    d(t^2)/dt = 2t, is written out here because no layer squares.
    """
    x, y = _price(x, "x"), _price(y, "y")
    add = AddLayer()
    t = add.forward(x, y)
    z = t**2
    dz = 1.0
    dt = dz * 2 * t
    dx, dy = (float(d) for d in add.backward(dt))
    nodes = (
        GraphNode("x", "x", "input"),
        GraphNode("y", "y", "input"),
        GraphNode("add", "+"),
        GraphNode("square", "**2"),
        GraphNode("z", "z", "output"),
    )
    edges = (
        GraphEdge("x", "add", x, dx),
        GraphEdge("y", "add", y, dy),
        GraphEdge("add", "square", t, dt),
        GraphEdge("square", "z", z, dz),
    )
    return ComputationalGraph(nodes, edges, "z = (x + y)²")


@dataclass(frozen=True)
class GradientError:
    """How far a backprop gradient is from the numerical one, for one parameter.

    ``max_abs`` = max |numerical - backprop|; ``max_rel`` = ``max_abs`` divided by the
    largest |entry| of either gradient (0 when both gradients are exactly 0).
    """

    name: str
    shape: tuple[int, ...]
    max_abs: float
    max_rel: float


def gradient_errors(
    numerical: Mapping[str, ArrayLike], backprop: Mapping[str, ArrayLike]
) -> list[GradientError]:
    """勾配確認 gradient check: one :class:`GradientError` per parameter, in ``numerical``'s order.

    For each parameter p:  max_abs = max_i |n_i - b_i|,
    max_rel = max_abs / max(max_i |n_i|, max_i |b_i|). Scaling by the largest entry
    (not entry by entry) keeps tiny entries, where both methods are mostly rounding
    noise, from dominating the comparison.
    """
    if set(numerical) != set(backprop):
        raise ValueError(
            "the two gradients name different parameters: "
            f"{sorted(numerical)} vs {sorted(backprop)}"
        )
    rows = []
    for name in numerical:
        n = as_float_array(numerical[name], f"numerical[{name!r}]").astype(np.float64)
        b = as_float_array(backprop[name], f"backprop[{name!r}]").astype(np.float64)
        if n.shape != b.shape:
            raise ValueError(
                f"gradient {name!r} has shape {n.shape} numerically but {b.shape} by backprop"
            )
        max_abs = float(np.max(np.abs(n - b)))
        scale = max(float(np.max(np.abs(n))), float(np.max(np.abs(b))))
        max_rel = max_abs / scale if scale > 0 else 0.0
        rows.append(GradientError(name, n.shape, max_abs, max_rel))
    return rows


def format_gradient_table(rows: list[GradientError], digits: int | None = None) -> str:
    """A plain-text table of :func:`gradient_errors`.

    With ``digits=None`` each error is shown as its nearest power of ten,
    10^round(log10(error)), e.g. ``1e-06``: the part of a gradient-check result that
    does not change between machines. Otherwise with ``digits`` significant digits.
    """
    if digits is not None:
        check_count(digits, "digits", minimum=1)

    def show(error: float) -> str:
        if digits is not None:
            return f"{error:.{digits - 1}e}"
        return "0" if error == 0 else f"{10.0 ** round(math.log10(error)):.0e}"

    lines = [f"{'param':<6} {'shape':<12} {'max abs error':>14} {'max rel error':>14}"]
    for row in rows:
        shape = str(row.shape)
        lines.append(f"{row.name:<6} {shape:<12} {show(row.max_abs):>14} {show(row.max_rel):>14}")
    return "\n".join(lines)


class _HasParams(Protocol):
    params: Mapping[str, NDArray]


def parameter_count(net: _HasParams) -> int:
    """The number of numbers a net learns: the total size of ``net.params``."""
    return int(sum(np.size(p) for p in net.params.values()))


def time_calls(*fns: Callable[[], object], repeat: int = 5) -> list[float]:
    """Seconds one call of each ``fn()`` takes: the fastest of ``repeat`` runs of each.

    The minimum, not the mean, because on a shared machine other work only ever adds
    time. The functions take turns (f, g, f, g, ...), so that a busy spell of the machine
    slows them alike and their ratio stays fair.
    """
    repeat = check_count(repeat, "repeat", minimum=1)
    best = [math.inf] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def time_call(fn: Callable[[], object], *, repeat: int = 5) -> float:
    """Seconds one call of ``fn()`` takes: the fastest of ``repeat`` runs."""
    return time_calls(fn, repeat=repeat)[0]


@dataclass(frozen=True)
class GradientTiming:
    """Seconds for one numerical gradient, one backprop gradient and one loss evaluation
    of the same net on the same batch, and the parameter count.

    ``numerical_measured`` is False when the numerical gradient was not run but
    estimated as 2 loss evaluations per parameter (a slight underestimate: the loop
    over parameters adds its own time).
    """

    numerical: float
    backprop: float
    loss: float
    parameters: int
    numerical_measured: bool = True

    @property
    def speedup(self) -> float:
        """How many times faster backprop is than the numerical gradient."""
        return self.numerical / self.backprop

    @property
    def loss_evaluations(self) -> int:
        """Loss evaluations in one numerical gradient: 2 per parameter (x + h and x - h)."""
        return 2 * self.parameters


class _Net(_HasParams, Protocol):
    def loss(self, x: NDArray, t: NDArray) -> float: ...
    def gradient(self, x: NDArray, t: NDArray) -> Mapping[str, NDArray]: ...
    def numerical_gradient(self, x: NDArray, t: NDArray) -> Mapping[str, NDArray]: ...


def time_gradients(
    net: _Net,
    x: NDArray,
    t: NDArray,
    *,
    measure_numerical: bool = True,
    repeat_numerical: int = 1,
    repeat: int = 20,
    blas_threads: int | None = 1,
) -> GradientTiming:
    """Time ``net.numerical_gradient(x, t)`` against ``net.gradient(x, t)`` (and ``net.loss``).

    Each time is the fastest of its repeats (see :func:`time_calls`): ``repeat_numerical``
    for the numerical gradient, ``repeat`` for backprop and the loss, which take turns.
    The numerical gradient costs 2 loss evaluations per parameter, so for a big net, where
    running it would take minutes, ``measure_numerical=False`` estimates it as
    2 * parameters * (seconds per loss): chapter 05's straight line in the parameter count.

    BLAS runs with ``blas_threads`` threads (1, as the trainer does; None leaves it alone):
    on a busy machine two BLAS threads wait on each other and make short timings erratic.
    """
    parameters = parameter_count(net)
    with limit_blas_threads(blas_threads):
        backprop, loss = time_calls(
            lambda: net.gradient(x, t), lambda: net.loss(x, t), repeat=repeat
        )
        if measure_numerical:
            numerical = time_call(lambda: net.numerical_gradient(x, t), repeat=repeat_numerical)
        else:
            numerical = 2 * parameters * loss
    return GradientTiming(numerical, backprop, loss, parameters, measure_numerical)
