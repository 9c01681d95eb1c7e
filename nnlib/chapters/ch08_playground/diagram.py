"""The playground's picture, and every pixel size in it.

Left, the network drawing: each neuron's output over the plane as a small square (inputs
on the left, the output on the right) and the weights as lines between them (blue
positive, orange negative, thicker is larger). Right, the decision boundary with the
points, and under it the train and test loss curves. :class:`NetworkDiagram` builds these
artists once and updates them from a state dict (see :meth:`NetworkDiagram.draw`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.collections import LineCollection

from nnlib.chapters.ch08_playground.data import FEATURES
from nnlib.chapters.ch08_playground.plots import (
    CLASS_COLOURS,
    CMAP,
    draw_boundary,
    draw_points,
)
from nnlib.engines.figure import BlitFigureImage
from nnlib.i18n import _

__all__ = ["GRID", "NODE_GRID", "LiveCanvas", "NetworkDiagram"]

DPI = 80
#: The network drawing, in pixels (its axes cover the figure's left NET_FRACTION); a node's side.
NET_W, NET_H, NET_FRACTION = 464, 416, 0.58
GRID, NODE_GRID = 100, 25  # the boundary's resolution, and each neuron picture's
NODE = NODE_GRID  # one pixel per grid cell of a neuron's picture
FIGSIZE = (NET_W / DPI / NET_FRACTION, NET_H / DPI)  # 800 x 416 px
FIG_W = 800
#: The boundary: 300 x 300 pixels, each of the 100 x 100 grid cells 3 x 3 pixels.
BOUNDARY_LEFT, BOUNDARY_BOTTOM, BOUNDARY_SIZE = 484, 112, 300
LOSS_BOTTOM, LOSS_HEIGHT = 25, 56
#: The network drawing's columns: first and last x, the top row, and the gap between nodes.
FIRST_X, RIGHT_MARGIN, TOP_MARGIN, BOTTOM_Y, NODE_GAP = 70, 24, 40, 10, 44


class LiveCanvas(BlitFigureImage):
    """Live frames go out as JPEG (quality 90): about 3 ms to encode here instead of the
    15 ms of a PNG with these smooth heat maps, and smaller. The saved first state (the
    picture without a kernel) stays the engine's PNG."""

    def __init__(self) -> None:
        super().__init__(figsize=FIGSIZE, dpi=DPI)
        self.image.format = "jpeg"
        self.figure.set_layout_engine("none")

    def send(self) -> None:
        pixels = np.asarray(self.agg.buffer_rgba())
        buffer = io.BytesIO()
        PIL.Image.fromarray(pixels[..., :3]).save(buffer, format="jpeg", quality=90)
        self.image.value = buffer.getvalue()


class _Pixels(Artist):
    """Pastes ready-made RGBA pixels straight into the canvas (no resampling): the heat maps
    are sized in whole pixels, so matplotlib's image pipeline would only cost time."""

    def __init__(self) -> None:
        super().__init__()
        self.patches: list[tuple[int, int, np.ndarray]] = []  # (top row, left column, pixels)

    def draw(self, renderer: Any) -> None:
        if not self.get_visible():
            return
        buffer = np.asarray(renderer.buffer_rgba())
        for top, left, pixels in self.patches:
            buffer[top : top + pixels.shape[0], left : left + pixels.shape[1]] = pixels


def node_positions(sizes: Sequence[int]) -> list[list[tuple[float, float]]]:
    """Each column's node centres (pixels from the bottom left), for columns of ``sizes``."""
    xs = np.linspace(FIRST_X, NET_W - RIGHT_MARGIN, len(sizes)).round()
    top, bottom = NET_H - TOP_MARGIN, BOTTOM_Y
    middle = (top + bottom) // 2
    return [[(float(x), middle + ((k - 1) / 2 - i) * NODE_GAP) for i in range(k)]
            for x, k in zip(xs, sizes, strict=True)]


class NetworkDiagram:
    """The playground's artists on a :class:`LiveCanvas`, updated in place from a state.

    The state holds ``columns`` (per layer, each neuron's NODE_GRID x NODE_GRID picture),
    ``probability`` (the output over the GRID x GRID plane), ``weights`` (W1, W2, ...),
    ``features``, ``hidden``, ``points`` (train points, labels, test points, labels),
    ``show_test``, ``train_losses`` and ``test_losses`` (one value per epoch so far).
    """

    def __init__(self, canvas: LiveCanvas) -> None:
        self.canvas = canvas
        fig = canvas.figure
        self.ax_net = fig.add_axes((0, 0, NET_FRACTION, 1))
        self.ax_net.set_xlim(0, NET_W)
        self.ax_net.set_ylim(0, NET_H)
        self.ax_net.set_autoscale_on(False)
        self.ax_net.axis("off")
        self.edges = LineCollection([], zorder=1)
        self.ax_net.add_collection(self.edges)
        self.pixels = _Pixels()  # every neuron's picture and the boundary, pixel for pixel
        self.labels = [self.ax_net.text(0, 0, "", fontsize=7, ha="center", va="bottom",
                                        visible=False) for _label in range(len(FEATURES) + 8)]
        self._layout: tuple | None = None
        self._points: np.ndarray | None = None
        self.ax_boundary = fig.add_axes((BOUNDARY_LEFT / FIG_W, BOUNDARY_BOTTOM / NET_H,
                                         BOUNDARY_SIZE / FIG_W, BOUNDARY_SIZE / NET_H))
        draw_boundary(self.ax_boundary, None, GRID).set_visible(False)
        for spine in self.ax_boundary.spines.values():
            spine.set_visible(False)
        self.train_points = draw_points(self.ax_boundary, np.zeros((1, 2)), np.zeros(1, int))
        self.test_points = draw_points(self.ax_boundary, np.zeros((1, 2)), np.zeros(1, int),
                                       test=True)
        self.ax_loss = fig.add_axes((BOUNDARY_LEFT / FIG_W, LOSS_BOTTOM / NET_H,
                                     BOUNDARY_SIZE / FIG_W, LOSS_HEIGHT / NET_H))
        self.ax_loss.set_xlim(0, 1)
        self.ax_loss.set_xticks([])
        self.ax_loss.set_ylim(0, 1)
        self.ax_loss.set_yticks([0, 0.5, 1])
        self.ax_loss.tick_params(labelsize=7, length=2, pad=1)
        self.ax_loss.set_xlabel(_("epochs →"), fontsize=7, labelpad=1)
        self.ax_loss.set_title(_("loss: train — test - -"), fontsize=7, pad=2)
        (self.train_line,) = self.ax_loss.plot([], [], color="0.1", lw=1.2)
        (self.test_line,) = self.ax_loss.plot([], [], color="0.1", lw=1.0, ls="--")
        canvas.animate(self.pixels, self.edges, self.train_points,
                       self.test_points, self.train_line, self.test_line)

    def draw(self, state: dict[str, Any]) -> None:
        columns = state["columns"]
        positions = node_positions([len(c) for c in columns])
        patches = []
        for column, places in zip(columns, positions, strict=True):
            for values, (x, y) in zip(column, places, strict=True):
                scale = float(np.max(np.abs(values))) or 1.0
                rgba = CMAP(0.5 + 0.5 * values[::-1] / scale, bytes=True)  # rows from the top
                patches.append((NET_H - int(y) - NODE // 2, int(x) - NODE // 2, rgba))
        cell = BOUNDARY_SIZE // GRID
        boundary = CMAP(state["probability"].reshape(GRID, GRID)[::-1], bytes=True)
        patches.append((NET_H - BOUNDARY_BOTTOM - BOUNDARY_SIZE, BOUNDARY_LEFT,
                        boundary.repeat(cell, axis=0).repeat(cell, axis=1)))
        self.pixels.patches = patches
        self._draw_edges(positions, state["weights"])
        layout = (tuple(state["features"]), tuple(state["hidden"]))
        if layout != self._layout:  # the labels are static: drawn again only when they change
            self._layout = layout
            self._draw_labels(state["features"], positions)
            self.canvas.invalidate()
        train, t_train, test, t_test = state["points"]
        if self._points is not train:  # new data: move the points (not on every tick)
            self._points = train
            for artist, points, labels in ((self.train_points, train, t_train),
                                           (self.test_points, test, t_test)):
                artist.set_offsets(points)
                artist.set_facecolor(np.array(CLASS_COLOURS)[labels])
        self.test_points.set_visible(state["show_test"])
        self._draw_losses(state["train_losses"], state["test_losses"])

    def _draw_losses(self, train_loss: Sequence[float], test_loss: Sequence[float]) -> None:
        x = np.linspace(0, 1, len(train_loss)) if len(train_loss) > 1 else [0.0]
        self.train_line.set_data(x, train_loss)
        self.test_line.set_data(x, test_loss)
        top = max(1.0, float(np.ceil(max(max(train_loss), max(test_loss)) * 2) / 2))
        if np.isfinite(top) and top != self.ax_loss.get_ylim()[1]:
            self.ax_loss.set_ylim(0, top)
            self.ax_loss.set_yticks([0, top / 2, top])
            self.canvas.invalidate()

    def _draw_edges(self, positions: list[list[tuple[float, float]]],
                    weights: Sequence[np.ndarray]) -> None:
        half = NODE / 2
        segments, widths, colours = [], [], []
        for W, left, right in zip(weights, positions, positions[1:], strict=False):
            for i, (x0, y0) in enumerate(left):
                for j, (x1, y1) in enumerate(right):
                    segments.append(((x0 + half, y0), (x1 - half, y1)))
                    widths.append(min(0.3 + 1.2 * abs(float(W[i, j])), 4.0))
                    colours.append(CLASS_COLOURS[1] if W[i, j] > 0 else CLASS_COLOURS[0])
        self.edges.set_segments(segments)
        self.edges.set_linewidth(widths)
        self.edges.set_colors(colours)

    def _draw_labels(self, features: Sequence[str], positions: list) -> None:
        texts: list[tuple[float, float, str, Literal["left", "center", "right"]]]
        texts = [(x, y, name, "right") for name, (x, y) in zip(features or ["x1"],
                                                              positions[0], strict=True)]
        texts += [(places[0][0], positions[-1][0][1] if not places else NET_H - 34,
                   (_("{n} neurons") if len(places) > 1 else _("{n} neuron")).format(
                       n=len(places)), "center")
                  for places in positions[1:-1]]
        texts.append((positions[-1][0][0], positions[-1][0][1] + NODE / 2 + 2, _("output"),
                      "center"))
        for label, (x, y, text, align) in zip(self.labels, texts, strict=False):
            shift = -NODE / 2 - 4 if align == "right" else 0
            label.set_position((x + shift, y if align != "right" else y - 4))
            label.set_text(text)
            label.set_horizontalalignment(align)
            label.set_visible(True)
        for label in self.labels[len(texts):]:
            label.set_visible(False)
