"""Computational graphs 計算グラフ as data, and the numbers of backpropagation (book §5.1-5.4).

- :class:`ComputationalGraph` is a small description of a graph: nodes (inputs,
  operations, the output) and edges, each edge carrying the value that flows forward
  along it and the derivative that flows back. :mod:`.plots` draws it.
- :func:`shopping_apple` and :func:`shopping_apple_orange` build the book's shopping
  examples by running :class:`~nnlib.layers.MulLayer` and :class:`~nnlib.layers.AddLayer`
  forward and then backward, so every number on the picture comes from the layers.
- :func:`chain_rule_example` is the graph of z = (x + y)^2, for the chain rule 連鎖律.
- :func:`sigmoid_graph` is the book's §5.5.2 graph of the sigmoid, its backward node by node.

Only numpy and nnlib's own layers are used here; nothing imports matplotlib.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from nnlib._checks import as_float_array
from nnlib.i18n import _
from nnlib.layers import AddLayer, MulLayer

__all__ = [
    "GraphNode",
    "GraphEdge",
    "ComputationalGraph",
    "shopping_apple",
    "shopping_apple_orange",
    "chain_rule_example",
    "sigmoid_graph",
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
            raise ValueError(_("node names must be unique, got {names}").format(names=names))
        for edge in self.edges:
            for end in (edge.source, edge.target):
                if end not in names:
                    raise ValueError(
                        _("edge {source} -> {target} names unknown node {end!r}").format(
                            source=edge.source, target=edge.target, end=end)
                    )
        for node in self.nodes:
            if node.kind not in ("input", "op", "output"):
                raise ValueError(
                    _("node {name!r} has kind {kind!r}; use input, op or output").format(
                        name=node.name, kind=node.kind)
                )

    def node(self, name: str) -> GraphNode:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(_("no node named {name!r}; nodes are {nodes}").format(
            name=name, nodes=[n.name for n in self.nodes]))

    def inputs_of(self, name: str) -> list[GraphEdge]:
        return [edge for edge in self.edges if edge.target == name]

    def outputs_of(self, name: str) -> list[GraphEdge]:
        return [edge for edge in self.edges if edge.source == name]

    def _out_edge(self, name: str) -> GraphEdge:
        self.node(name)
        edges = self.outputs_of(name)
        if len(edges) != 1:
            raise ValueError(_("node {name!r} has {count} outgoing edges, not exactly one")
                             .format(name=name, count=len(edges)))
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
        raise ValueError(_("{name} must be a single number, got shape {shape}").format(
            name=name, shape=arr.shape))
    if abs(arr) > 1e100:  # the products and squares of the examples stay in float range
        raise ValueError(_("{name} must be at most 1e100 in size, got {value:g}").format(
            name=name, value=float(arr)))
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
    # float(): the layers keep Python numbers as they are; this says so to the type checker.
    apple_price = float(mul_apple.forward(apple, apple_num))
    price = float(mul_tax.forward(apple_price, tax))

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


def shown(text: str) -> str:
    """A node label or graph title of the book's examples as the reader sees it, in the
    current language (other text unchanged)."""
    return {
        "apple": _("apple"),
        "apple count": _("apple count"),
        "orange": _("orange"),
        "orange count": _("orange count"),
        "tax": _("tax"),
        "price": _("price"),
        "Buying apples": _("Buying apples"),
        "Buying apples and oranges": _("Buying apples and oranges"),
    }.get(text, text)


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
    apple_price = float(mul_apple.forward(v["apple"], v["apple_num"]))
    orange_price = float(mul_orange.forward(v["orange"], v["orange_num"]))
    fruit_price = float(add_fruit.forward(apple_price, orange_price))
    price = float(mul_tax.forward(fruit_price, v["tax"]))

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
    t = float(add.forward(x, y))
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


def sigmoid_graph(x: float = 1.0) -> ComputationalGraph:
    """The book's §5.5.2 graph of the sigmoid, y = 1 / (1 + exp(-x)), forward and backward.

    Four nodes: ``× -1``, ``exp``, ``+ 1`` and ``/`` (y = 1/u). Backward from dL/dy = 1, each
    node multiplies by its local derivative: ``/`` by -y², ``+`` by 1, ``exp`` by exp(-x),
    ``×`` by -1. What reaches x is y² exp(-x), which equals y (1 - y). The constants -1 and 1
    carry no derivative on the picture.
    """
    x = _price(x, "x")
    s = -x
    e = math.exp(s)
    u = e + 1.0
    y = 1.0 / u
    dy = 1.0
    du = dy * (-1.0 / u**2)  # d(1/u)/du = -1/u² = -y²
    de = du * 1.0
    ds = de * e  # d exp(s)/ds = exp(s)
    dx = ds * -1.0
    nodes = (
        GraphNode("x", "x", "input"),
        GraphNode("minus_one", "-1", "input"),
        GraphNode("mul", "×"),
        GraphNode("exp", "exp"),
        GraphNode("one", "1", "input"),
        GraphNode("add", "+"),
        GraphNode("div", "/"),
        GraphNode("y", "y", "output"),
    )
    edges = (
        GraphEdge("x", "mul", x, dx),
        GraphEdge("minus_one", "mul", -1.0, None),
        GraphEdge("mul", "exp", s, ds),
        GraphEdge("exp", "add", e, de),
        GraphEdge("one", "add", 1.0, None),
        GraphEdge("add", "div", u, du),
        GraphEdge("div", "y", y, dy),
    )
    return ComputationalGraph(nodes, edges, "y = 1 / (1 + exp(-x))")
