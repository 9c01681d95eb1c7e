"""Figures for chapter 08: the data sets, decision boundaries and loss curves.

The ``draw_*`` helpers draw onto a given Axes and return the artists, so that the
playground explorer keeps them and updates them in place; the ``plot_*`` functions wrap
them in a pyplot figure for a notebook cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from numpy.typing import NDArray

from nnlib._checks import check_bool, check_count, check_instance
from nnlib.chapters.ch08_playground.data import DATA_SETS, LIMIT, feature_matrix, make_data
from nnlib.chapters.ch08_playground.training import Training, hidden_outputs
from nnlib.i18n import _

__all__ = [
    "CLASS_COLOURS",
    "CMAP",
    "draw_boundary",
    "draw_points",
    "plane_grid",
    "plot_boundaries",
    "plot_data_sets",
    "plot_losses",
    "point_legend",
]

#: Class 0 orange, class 1 blue; the colour map runs between them through white.
CLASS_COLOURS = ("#e8871e", "#1f78b4")
CMAP = LinearSegmentedColormap.from_list("playground", [CLASS_COLOURS[0], "#ffffff",
                                                        CLASS_COLOURS[1]])


def plane_grid(resolution: int = 100) -> NDArray[np.float64]:
    """The centres of a ``resolution`` x ``resolution`` grid over the plane, row by row
    from the bottom (so ``values.reshape(resolution, resolution)`` is an image, origin lower)."""
    edges = np.linspace(-LIMIT, LIMIT, resolution + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    x1, x2 = np.meshgrid(centres, centres)
    return np.column_stack([x1.ravel(), x2.ravel()])


def draw_boundary(ax: Axes, probability: NDArray | None = None,
                  resolution: int = 100) -> AxesImage:
    """P(class 1) over the plane as a heat map: the 決定境界 decision boundary is where it
    is 0.5 (white), orange where the network says class 0, blue where it says class 1."""
    values = np.full((resolution, resolution), 0.5) if probability is None else \
        np.asarray(probability).reshape(resolution, resolution)
    image = ax.imshow(values, origin="lower", extent=(-LIMIT, LIMIT, -LIMIT, LIMIT), cmap=CMAP,
                      vmin=0, vmax=1, interpolation="nearest", aspect="auto")
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(-LIMIT, LIMIT)
    ax.set_xticks([-6, -3, 0, 3, 6])
    ax.set_yticks([-6, -3, 0, 3, 6])
    ax.tick_params(labelsize=7, length=2, pad=1)
    return image


def draw_points(ax: Axes, points: NDArray, labels: NDArray, *, test: bool = False,
                size: float = 9) -> PathCollection:
    """The points in their class colours: white-edged for training, black-edged for test."""
    colours = np.array(CLASS_COLOURS)[np.asarray(labels)]
    return ax.scatter(points[:, 0], points[:, 1], s=size, c=colours,
                      edgecolors="black" if test else "white", linewidths=0.5, zorder=3)


def point_legend(fig: Figure, *, test: bool = True, ncol: int = 4) -> None:
    """A legend below the panels: the class colours, and (with ``test``) which edge marks a
    training point and which a test point."""
    from matplotlib.lines import Line2D

    def marker(face: str, edge: str, label: str) -> Line2D:
        return Line2D([], [], ls="", marker="o", markersize=5, markerfacecolor=face,
                      markeredgecolor=edge, markeredgewidth=0.8, label=label)

    handles = [marker(CLASS_COLOURS[0], CLASS_COLOURS[0], _("class 0")),
               marker(CLASS_COLOURS[1], CLASS_COLOURS[1], _("class 1"))]
    if test:
        handles += [marker("0.6", "white", _("training point (white edge)")),
                    marker("0.6", "black", _("test point (black edge)"))]
    fig.legend(handles=handles, loc="outside lower center", ncol=ncol, fontsize=7,
               frameon=False, handletextpad=0.2, columnspacing=1.0)


def plot_data_sets(n: int = 500, noise: float = 0.0, seed: int = 0) -> Figure:
    """The four data sets side by side, ``n`` points each."""
    check_count(n, "n", minimum=2, maximum=100_000)
    fig, axes = plt.subplots(1, len(DATA_SETS), figsize=(10, 2.7), layout="constrained")
    for ax, name in zip(axes, DATA_SETS, strict=True):
        points, labels = make_data(name, n, noise, seed)
        draw_points(ax, points, labels)
        ax.set_xlim(-LIMIT, LIMIT)
        ax.set_ylim(-LIMIT, LIMIT)
        ax.set_aspect("equal")
        ax.set_title(_("{name!r}, noise {noise:.0%}").format(name=name, noise=noise), fontsize=9)
        ax.tick_params(labelsize=7)
    point_legend(fig, test=False)
    return fig


def _check_panels(panels: Any, size: int) -> None:
    """``panels``: a non-empty list of ``(title, training, ...)`` tuples of ``size`` items."""
    check_instance(panels, "panels", list | tuple, "a list of (title, training, ...) tuples")
    if not panels:
        raise ValueError(_("panels is empty; pass at least one (title, training, ...) tuple"))
    for panel in panels:
        if (not isinstance(panel, tuple) or len(panel) != size or not isinstance(panel[0], str)
                or not isinstance(panel[1], Training)):
            expected = (_("a title, a Training (from make_training), features") if size == 3
                        else _("a title, a Training (from make_training)"))
            raise TypeError(_("each of panels must be a tuple of {size}: {expected}; "
                              "got {panel!r:.80}").format(size=size, expected=expected,
                                                          panel=panel))


def plot_boundaries(panels: Sequence[tuple[str, Training, Sequence[str]]],
                    *, show_test: bool = True, resolution: int = 100) -> Figure:
    """One panel per ``(title, training, features)``: the trained network's decision
    boundary with its training points (and test points, black-edged)."""
    _check_panels(panels, 3)
    show_test = check_bool(show_test, "show_test")
    resolution = check_count(resolution, "resolution", minimum=2, maximum=1000)
    grid = plane_grid(resolution)
    fig, axes = plt.subplots(1, len(panels), figsize=(3.0 * len(panels), 3.1),
                             layout="constrained", squeeze=False)
    for ax, (title, training, features) in zip(axes[0], panels, strict=True):
        _, probability = hidden_outputs(training.net, feature_matrix(grid, features))
        draw_boundary(ax, probability, resolution)
        draw_points(ax, training.points_train, training.t_train)
        if show_test:
            draw_points(ax, training.points_test, training.t_test, test=True)
        ax.set_aspect("equal")
        ax.set_title(title, fontsize=9)
    point_legend(fig, test=show_test, ncol=4 if len(panels) > 1 else 2)
    return fig


def plot_losses(panels: Sequence[tuple[str, Training]]) -> Figure:
    """Train (solid) and test (dashed) loss per epoch, one panel per ``(title, training)``."""
    _check_panels(panels, 2)
    fig, axes = plt.subplots(1, len(panels), figsize=(3.0 * len(panels), 2.4),
                             layout="constrained", squeeze=False, sharey=True)
    for ax, (title, training) in zip(axes[0], panels, strict=True):
        ax.plot(training.train_loss, color="0.15", lw=1.2, label=_("train"))
        ax.plot(training.test_loss, color="0.15", lw=1.2, ls="--", label=_("test"))
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(_("epoch"), fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0][0].set_ylabel(_("loss (cross-entropy)"), fontsize=8)
    axes[0][0].legend(fontsize=7, frameon=False)
    return fig
