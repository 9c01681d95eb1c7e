"""Draw a computational graph 計算グラフ with matplotlib alone (no graphviz).

Operations are circles holding their symbol, inputs and the output are rounded boxes,
edges are arrows. The value flowing forward along an edge is written above it (black),
the derivative flowing back below it (red), as in the book's figures.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Patch

from nnlib._checks import check_bool, check_instance, check_str
from nnlib.chapters.ch06_backprop.graphs import ComputationalGraph, EdgeValue, shown
from nnlib.i18n import _

__all__ = ["plot_computational_graph", "layout_graph"]

FORWARD_COLOR = "black"
BACKWARD_COLOR = "#c0392b"
_COLUMN_WIDTH = 2.6  # data units between columns
_ROW_HEIGHT = 1.5  # data units between leaf rows
_RADIUS = 0.32  # operation circles
_BOX_HEIGHT = 0.42  # input and output boxes


def layout_graph(graph: ComputationalGraph) -> dict[str, tuple[float, float]]:
    """(x, y) for every node: left to right in the order values flow, as a tidy tree.

    Columns: an operation sits one column right of its furthest input; an input sits
    just left of the node that uses it. Rows: walking back from the output, inputs get
    one row each in the order the edges list them, and every other node is centred on
    its inputs. Each node is placed at its first visit, so shared nodes are drawn once.
    """
    names = [node.name for node in graph.nodes]
    preds = {name: [edge.source for edge in graph.inputs_of(name)] for name in names}
    succs = {name: [edge.target for edge in graph.outputs_of(name)] for name in names}

    column: dict[str, int] = {}

    def depth(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name in seen:
            raise ValueError(_("the graph has a cycle through {name!r}").format(name=name))
        if name not in column:
            column[name] = 1 + max((depth(p, seen | {name}) for p in preds[name]), default=-1)
        return column[name]

    for name in names:
        depth(name)
    for name in names:  # pull each source right, next to its first consumer
        if not preds[name] and succs[name]:
            column[name] = min(column[s] for s in succs[name]) - 1

    row: dict[str, float] = {}
    next_leaf = [0.0]

    def place(name: str) -> float:
        if name not in row:
            placed = [place(p) for p in preds[name]]
            if placed:
                row[name] = float(np.mean(placed))
            else:
                row[name] = next_leaf[0]
                next_leaf[0] += 1
        return row[name]

    for name in names:
        if not succs[name]:
            place(name)
    for name in names:  # nodes that lead nowhere are still drawn
        place(name)
    return {name: (column[name] * _COLUMN_WIDTH, -row[name] * _ROW_HEIGHT) for name in names}


def _format(value: EdgeValue) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    # 6 significant digits: 1.1 * 100 is 110.00000000000001 in floating point; show 110.
    return f"{float(value):.6g}"


def _box_width(label: str) -> float:
    wide = sum(ord(c) >= 0x2E80 for c in label)  # a CJK character takes two columns
    return max(0.75, 0.12 * (len(label) + wide) + 0.3)


def _reach(kind: str, label: str, direction: np.ndarray) -> float:
    """Distance from a node's centre to its outline along the unit vector ``direction``."""
    if kind == "op":
        return _RADIUS
    half_w, half_h = _box_width(label) / 2, _BOX_HEIGHT / 2
    dx, dy = abs(direction[0]), abs(direction[1])
    return min(half_w / dx if dx else np.inf, half_h / dy if dy else np.inf)


def _node_patch(ax: Axes, kind: str, label: str, xy: tuple[float, float]) -> Patch:
    x, y = xy
    if kind == "op":
        patch: Patch = Circle(xy, _RADIUS, facecolor="white", edgecolor="black", linewidth=1.5,
                              zorder=3)
        ax.add_patch(patch)
        size = 15 if len(label) == 1 else 11  # a symbol, or a short name such as **2
        ax.text(x, y, label, ha="center", va="center", fontsize=size, zorder=4)
        return patch
    width = _box_width(label)
    color = "#eaf2fb" if kind == "input" else "#fdf2e0"
    patch = FancyBboxPatch(
        (x - width / 2, y - _BOX_HEIGHT / 2), width, _BOX_HEIGHT,
        boxstyle="round,pad=0.02,rounding_size=0.1",
        facecolor=color, edgecolor="#555555", linewidth=1.0, zorder=3,
    )
    ax.add_patch(patch)
    ax.text(x, y, label, ha="center", va="center", fontsize=10.5, zorder=4)
    return patch


def plot_computational_graph(
    graph: ComputationalGraph,
    *,
    show_backward: bool = True,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure | SubFigure:
    """Draw ``graph``: forward values above each edge, backward values below in red.

    ``show_backward=False`` draws the forward pass alone. ``title`` defaults to the
    graph's own. Returns the Figure (pass ``ax`` to draw into an existing one).
    """
    if not isinstance(graph, ComputationalGraph):
        raise TypeError(_("graph must be a ComputationalGraph, got {kind}").format(
            kind=type(graph).__name__))
    show_backward = check_bool(show_backward, "show_backward")
    if title is not None:
        check_str(title, "title")
    if ax is not None:
        check_instance(ax, "ax", Axes, "a matplotlib Axes")
    pos = layout_graph(graph)
    xs = np.array([p[0] for p in pos.values()])
    ys = np.array([p[1] for p in pos.values()])
    fig: Figure | SubFigure  # the ax's own figure may be a subfigure
    if ax is None:
        width = 2.0 + 0.95 * (xs.max() - xs.min())
        height = 1.3 + 0.95 * (ys.max() - ys.min())
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    else:
        fig = ax.figure

    nodes = {node.name: node for node in graph.nodes}
    labels = {name: shown(n.label) for name, n in nodes.items()}
    patches = {name: _node_patch(ax, n.kind, labels[name], pos[name]) for name, n in nodes.items()}
    for edge in graph.edges:
        start, end = np.array(pos[edge.source]), np.array(pos[edge.target])
        ax.add_patch(
            FancyArrowPatch(
                pos[edge.source], pos[edge.target],
                patchA=patches[edge.source], patchB=patches[edge.target],
                arrowstyle="-|>", mutation_scale=14, linewidth=1.3, color="#333333", zorder=2,
            )
        )
        direction = (end - start) / np.linalg.norm(end - start)
        normal = np.array([-direction[1], direction[0]])
        if normal[1] < 0 or (normal[1] == 0 and normal[0] < 0):
            normal = -normal  # "above" means towards the top of the page
        # Labels sit at the middle of the visible arrow, a little towards its tail, where
        # arrows that meet at one node are still far enough apart to keep labels apart.
        source, target = nodes[edge.source], nodes[edge.target]
        tail = start + _reach(source.kind, labels[edge.source], direction) * direction
        head = end - _reach(target.kind, labels[edge.target], -direction) * direction
        middle = tail + 0.45 * (head - tail)
        above, below = middle + 0.2 * normal, middle - 0.22 * normal
        ax.text(above[0], above[1], _format(edge.forward), ha="center", va="center",
                fontsize=11, color=FORWARD_COLOR, zorder=5)
        if show_backward:
            ax.text(below[0], below[1], _format(edge.backward), ha="center", va="center",
                    fontsize=11, color=BACKWARD_COLOR, fontweight="bold", zorder=5)

    ax.set_xlim(xs.min() - 0.9, xs.max() + 0.9)
    ax.set_ylim(ys.min() - 0.6, ys.max() + 0.55)
    ax.set_aspect("equal")
    ax.axis("off")
    caption = _("forward values above each arrow")
    if show_backward:
        caption += _(", backward (red) below")
    ax.set_title(f"{shown(graph.title) if title is None else title}\n{caption}", fontsize=11)
    return fig
