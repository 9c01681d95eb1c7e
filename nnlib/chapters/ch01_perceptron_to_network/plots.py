"""Figures for chapter 01: neuron diagrams, and gates as lines over the four input points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon

from nnlib._checks import check_count, check_instance
from nnlib.chapters.ch01_perceptron_to_network.perceptron import (
    GATE_WEIGHTS,
    INPUTS,
    XOR,
    clip_polygon,
    half_plane_polygon,
    truth_table,
)
from nnlib.i18n import _

__all__ = [
    "plot_network_diagram",
    "plot_perceptron",
    "plot_xor_network",
    "plot_book_network",
    "plot_gates",
    "plot_dot_shapes",
    "GateArtists",
    "draw_gate",
    "update_gate",
]

#: The part of the plane shown around the four points (0,0), (1,0), (0,1), (1,1).
GATE_BOX = (-0.5, 1.5, -0.5, 1.5)
ONE_COLOR, ZERO_COLOR, BIAS_COLOR = "tab:orange", "white", "0.85"

# An edge label key: (layer it enters, index of the source node or "bias", target index).
EdgeKey = tuple[int, int | str, int]


def plot_network_diagram(
    layers: Sequence[Sequence[str]],
    *,
    edge_labels: Mapping[EdgeKey, str] | None = None,
    bias: bool = True,
    title: str = "",
    ax: Axes | None = None,
    figsize: tuple[float, float] = (5.0, 3.0),
) -> Figure | SubFigure:
    """Draw neurons as circles in columns (one per layer) joined by arrows.

    With ``bias=True`` every layer but the last gets an extra grey neuron "1" at the
    bottom: a neuron that always outputs 1, so its weight into the next layer *is* the
    bias b. ``edge_labels[(k, i, j)]`` labels the arrow from node i of layer k-1 to node
    j of layer k (``i = "bias"`` for the "1" neuron).
    """
    if len(layers) < 2 or any(len(layer) == 0 for layer in layers):
        raise ValueError(_("layers needs at least two non-empty layers of node labels"))
    if ax is None:
        ax = plt.subplots(figsize=figsize)[1]
    edge_labels = dict(edge_labels or {})
    radius, gap = 0.25, 1.8  # node radius, distance between layers (nodes are 1 apart)
    columns = []  # per layer: (y, label, is_bias) of each node, top to bottom
    for k, names in enumerate(layers):
        nodes = [(name, False) for name in names]
        if bias and k < len(layers) - 1:
            nodes.append(("1", True))
        top = (len(nodes) - 1) / 2
        columns.append([(top - i, name, is_bias) for i, (name, is_bias) in enumerate(nodes)])
    for k in range(1, len(columns)):
        for i, (y0, _name0, from_bias) in enumerate(columns[k - 1]):
            for j, (y1, _name1, to_bias) in enumerate(columns[k]):
                if not to_bias:
                    label = edge_labels.get((k, "bias" if from_bias else i, j), "")
                    _arrow(ax, ((k - 1) * gap, y0), (k * gap, y1), radius, label, dashed=from_bias)
    for k, column in enumerate(columns):
        for y, name, is_bias in column:
            face, edge = (BIAS_COLOR, "0.5") if is_bias else ("white", "black")
            ax.add_patch(plt.Circle((k * gap, y), radius, fc=face, ec=edge, zorder=3))
            ax.text(k * gap, y, name, ha="center", va="center", fontsize=10, zorder=4)
    tallest = max(len(nodes) for nodes in columns)
    ax.set_xlim(-0.5, (len(layers) - 1) * gap + 0.5)
    ax.set_ylim(-tallest / 2, tallest / 2)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax.figure


def _arrow(ax: Axes, source: tuple[float, float], target: tuple[float, float], radius: float,
           label: str, dashed: bool) -> None:
    """An arrow between two circles, labelled near its source (where arrows still fan out)."""
    (x0, y0), (x1, y1) = source, target
    d = np.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / d, (y1 - y0) / d
    start, end = (x0 + radius * ux, y0 + radius * uy), (x1 - radius * ux, y1 - radius * uy)
    style = {"arrowstyle": "->", "lw": 1, "color": "0.5" if dashed else "0.2",
             "linestyle": "--" if dashed else "-"}
    ax.annotate("", xy=end, xytext=start, arrowprops=style)
    if label:
        at = (start[0] + 0.3 * (end[0] - start[0]), start[1] + 0.3 * (end[1] - start[1]))
        ax.text(*at, label, ha="center", va="center", fontsize=10,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})


def plot_perceptron() -> Figure | SubFigure:
    """The perceptron y = h(b + w1 x1 + w2 x2), its bias drawn as a neuron that outputs 1."""
    return plot_network_diagram(
        [["$x_1$", "$x_2$"], ["$y$"]],
        edge_labels={(1, 0, 0): "$w_1$", (1, 1, 0): "$w_2$", (1, "bias", 0): "$b$"},
        title=r"$y = h(b + w_1 x_1 + w_2 x_2)$",
        figsize=(4.0, 3.2),
    )


def plot_xor_network() -> Figure | SubFigure:
    """XOR as two layers of perceptrons: s1 = NAND, s2 = OR, then y = AND(s1, s2)."""
    return plot_network_diagram(
        [["$x_1$", "$x_2$"], ["$s_1$", "$s_2$"], ["$y$"]],
        bias=False,
        title=_("XOR: layer 1 computes NAND ($s_1$) and OR ($s_2$), layer 2 ANDs them"),
        figsize=(6.0, 3.0),
    )


def plot_book_network() -> Figure | SubFigure:
    """The book's 3-layer network: 2 inputs, hidden layers of 3 and 2, 2 outputs."""
    return plot_network_diagram(
        [["$x_1$", "$x_2$"], ["$z^{(1)}_1$", "$z^{(1)}_2$", "$z^{(1)}_3$"],
         ["$z^{(2)}_1$", "$z^{(2)}_2$"], ["$y_1$", "$y_2$"]],
        title=_("input layer, hidden layers 1 and 2, output layer"),
        figsize=(6.5, 4.0),
    )


@dataclass
class GateArtists:
    """The artists of one gate panel, kept so that an explorer can move them in place."""

    ax: Axes
    region: Polygon
    line: Line2D
    points: PathCollection


def _line_points(w1: float, w2: float, b: float) -> tuple[list[float], list[float]]:
    """Two points of w1*x1 + w2*x2 + b = 0 that span GATE_BOX (none when w1 = w2 = 0)."""
    lo, hi = GATE_BOX[0] - 1, GATE_BOX[1] + 1
    if w1 == 0 and w2 == 0:
        return [], []
    if abs(w2) >= abs(w1):
        return [lo, hi], [-(w1 * lo + b) / w2, -(w1 * hi + b) / w2]
    return [-(w2 * lo + b) / w1, -(w2 * hi + b) / w1], [lo, hi]


def draw_gate(ax: Axes, w1: float, w2: float, b: float, *, title: str | None = None) -> GateArtists:
    """Draw the four inputs (filled: output 1, hollow: output 0), the line and the 1-side.

    The shaded area is where w1*x1 + w2*x2 + b > 0, so where the perceptron outputs 1.
    """
    region = Polygon(np.zeros((0, 2)), closed=True, fc=ONE_COLOR, alpha=0.2, ec="none")
    ax.add_patch(region)
    (line,) = ax.plot([], [], color="tab:blue", lw=2)
    points = ax.scatter(INPUTS[:, 0], INPUTS[:, 1], s=110, ec="black", zorder=3)
    ax.set_xlim(GATE_BOX[:2])
    ax.set_ylim(GATE_BOX[2:])
    ax.set_aspect("equal")
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    artists = GateArtists(ax, region, line, points)
    update_gate(artists, w1, w2, b)
    if title is not None:
        ax.set_title(title)
    return artists


def update_gate(artists: GateArtists, w1: float, w2: float, b: float) -> None:
    """Move the line, the shaded side and the point colours to new weights, in place."""
    polygon = half_plane_polygon(w1, w2, b, GATE_BOX)
    artists.region.set_xy(polygon if len(polygon) else np.zeros((1, 2)))
    artists.line.set_data(*_line_points(w1, w2, b))
    outputs = truth_table(w1, w2, b)
    artists.points.set_facecolor([ONE_COLOR if y else ZERO_COLOR for y in outputs])


def plot_gates(names: Sequence[str] = ("AND", "NAND", "OR")) -> Figure:
    """One panel per gate, drawn with the book's weights, plus XOR's four points.

    The XOR panel shows the NAND and OR lines together: XOR is 1 exactly in the strip
    between them, a region no single straight line can cut out.
    """
    check_instance(names, "names", list | tuple, "a list of gate names")
    unknown = [n for n in names if not isinstance(n, str) or n not in GATE_WEIGHTS]
    if unknown:
        raise ValueError(_("no weights for {unknown} in names; choose from {choices}").format(
            unknown=unknown, choices=sorted(GATE_WEIGHTS)))
    fig, axes = plt.subplots(
        1, len(names) + 1, figsize=(2.8 * (len(names) + 1), 3.2), layout="constrained"
    )
    for ax, name in zip(axes, names, strict=False):
        w1, w2, b = GATE_WEIGHTS[name]
        draw_gate(ax, w1, w2, b, title=f"{name}\n$w$ = ({w1:g}, {w2:g}), $b$ = {b:g}")
    ax = axes[-1]
    nand, or_ = draw_gate(ax, *GATE_WEIGHTS["NAND"]), draw_gate(ax, *GATE_WEIGHTS["OR"])
    # XOR is 1 where both NAND and OR are: the OR side, clipped by the NAND line.
    or_.region.set_xy(clip_polygon(half_plane_polygon(*GATE_WEIGHTS["OR"], GATE_BOX),
                                   *GATE_WEIGHTS["NAND"]))
    nand.region.set_visible(False)
    nand.points.set_visible(False)
    nand.line.set_linestyle("--")
    nand.line.set_color("tab:green")
    outputs = XOR(INPUTS[:, 0], INPUTS[:, 1])
    or_.points.set_facecolor([ONE_COLOR if y else ZERO_COLOR for y in outputs])
    ax.set_title(_("XOR = AND(NAND, OR)\nNAND line dashed, OR solid"))
    return fig


def _matrix_box(ax: Axes, x: float, rows: int, cols: int, label: str, *,
                highlight: str = "") -> None:
    """A grid of rows x cols cells with its shape underneath; one side may be highlighted."""
    from matplotlib.patches import Rectangle

    cell = 0.32
    top = rows * cell / 2
    for i in range(rows):
        for j in range(cols):
            ax.add_patch(Rectangle((x + j * cell, top - (i + 1) * cell), cell, cell,
                                   facecolor="#f2f2f2", edgecolor="#777777", linewidth=0.8))
    width, height = cols * cell, rows * cell
    if highlight == "cols":  # the columns that must match the next matrix's rows
        ax.annotate("", xy=(x, top + 0.12), xytext=(x + width, top + 0.12),
                    arrowprops={"arrowstyle": "<->", "color": "tab:orange", "lw": 2})
        ax.text(x + width / 2, top + 0.22, _("{cols} columns").format(cols=cols),
                color="tab:orange",
                ha="center", va="bottom", fontsize=10)
    if highlight == "rows":
        ax.annotate("", xy=(x - 0.12, top), xytext=(x - 0.12, top - height),
                    arrowprops={"arrowstyle": "<->", "color": "tab:orange", "lw": 2})
        ax.text(x - 0.2, 0, _("{rows}\nrows").format(rows=rows), color="tab:orange", ha="right",
                va="center", fontsize=10)
    ax.text(x + width / 2, -0.75, label, ha="center", va="top", fontsize=10)


def _matrix_shape(value: Any, name: str) -> tuple[int, int]:
    """A matrix shape to draw: (rows, columns), each a count from 1 to 12."""
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise TypeError(f"{name} must be a shape (rows, columns), got {value!r:.60}")
    rows, cols = (check_count(n, f"{name}[{i}]", minimum=1, maximum=12)
                  for i, n in enumerate(value))
    return rows, cols


def plot_dot_shapes(left: tuple[int, int] = (2, 3), right: tuple[int, int] = (3, 2)) -> Figure:
    """np.dot(A, B) as boxes: A's columns must equal B's rows; the result is rows(A) x cols(B)."""
    left, right = _matrix_shape(left, "left"), _matrix_shape(right, "right")
    if left[1] != right[0]:
        raise ValueError(_("left's columns must equal right's rows, got {left} and {right}").format(
            left=left, right=right))
    fig, ax = plt.subplots(figsize=(7.5, 2.6))
    x = 0.6
    _matrix_box(ax, x, *left, f"A {left}", highlight="cols")
    x += left[1] * 0.32 + 0.9
    ax.text(x - 0.45, 0, "·", ha="center", va="center", fontsize=22)
    _matrix_box(ax, x, *right, f"B {right}", highlight="rows")
    x += right[1] * 0.32 + 0.9
    ax.text(x - 0.45, 0, "=", ha="center", va="center", fontsize=18)
    _matrix_box(ax, x, left[0], right[1], f"np.dot(A, B) {(left[0], right[1])}")
    ax.set_xlim(0, x + right[1] * 0.32 + 0.6)
    ax.set_ylim(-1.1, 1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(_("the shape rule: (m, n) · (n, k) = (m, k)"), fontsize=11)
    fig.tight_layout()
    return fig
