"""Figures for chapter 09: the optimizers' paths (book Figure 6-8) and the activation
histograms of §6.2 (Figures 6-10 to 6-14)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from numpy.typing import NDArray

from nnlib.chapters.ch09_learning_techniques.init_weights import OUTPUT_RANGE
from nnlib.chapters.ch09_learning_techniques.paths import PathResult, RaceSurface

__all__ = ["plot_optimizer_paths", "plot_activation_histograms", "draw_surface",
           "histogram_shares", "COLOURS", "BANDS", "drawable"]

#: One colour per optimizer, kept across every figure of the chapter.
COLOURS = {"SGD": "crimson", "Momentum": "darkorange", "Nesterov": "saddlebrown",
           "AdaGrad": "forestgreen", "RMSprop": "teal", "Adam": "purple"}
#: The lighter part of "Blues", so paths stay visible on the bands.
BANDS = ListedColormap(colormaps["Blues"](np.linspace(0.0, 0.7, 256)), name="bands")
#: Histogram bins, as the book's plt.hist(a.flatten(), 30, range=...).
BINS = 30


def drawable(path: NDArray, limit: float = 1e3) -> NDArray:
    """``path`` up to its first point beyond ``limit`` (Agg draws far-off segments badly)."""
    beyond = np.flatnonzero(np.max(np.abs(path), axis=1) > limit)
    return path if beyond.size == 0 else path[: beyond[0] + 1]


def draw_surface(ax: Axes, surface: RaceSurface, points: int = 121):
    """Filled contours of ``surface`` (light = low, quadratically spaced levels) and its minimum."""
    x, y, z = surface.mesh(points)
    levels = z.min() + (z.max() - z.min()) * np.linspace(0.0, 1.0, 16) ** 2
    contours = ax.contourf(x, y, z, levels=levels, cmap=BANDS, zorder=0)
    ax.plot(*surface.minimum, "+", color="k", ms=10, mew=1.5, zorder=2)
    ax.set_xlim(surface.extent[:2])
    ax.set_ylim(surface.extent[2:])
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return contours


def plot_optimizer_paths(results: Mapping[str, PathResult], surface: RaceSurface) -> Figure:
    """One panel per optimizer, as the book's Figure 6-8 (2 x 2 for its four)."""
    if not results:
        raise ValueError("results is empty; pass race(...)'s {name: PathResult}")
    n = len(results)
    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.3 * cols, 2.6 * rows), layout="constrained",
                             squeeze=False)
    for ax, (name, result) in zip(axes.ravel(), results.items(), strict=False):
        draw_surface(ax, surface)
        shown = drawable(result.path)
        ax.plot(shown[:, 0], shown[:, 1], "o-", ms=2.5, lw=1.2, color=COLOURS.get(name, "k"))
        ax.plot(result.path[:1, 0], result.path[:1, 1], "o", ms=9, mfc="none", mec="k")
        note = " (escaped)" if result.escaped_at else ""
        ax.set_title(f"{name}, lr = {result.lr:g}{note}", fontsize=10)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig


def histogram_shares(outputs: NDArray, activation: str) -> tuple[NDArray, NDArray]:
    """(bin edges, % of all outputs in each bin) over the activation's range; values outside
    the range are not in any bin (the book's ``range=`` does the same)."""
    low, high = OUTPUT_RANGE[activation]
    counts, edges = np.histogram(outputs, bins=BINS, range=(low, high))  # numpy's fast even bins
    return edges, 100.0 * counts / outputs.size


def plot_activation_histograms(rows: Mapping[str, Sequence[NDArray]], activation: str) -> Figure:
    """One row of per-layer histograms for each ``{label: layer_activations(...)}``."""
    if not rows:
        raise ValueError("rows is empty; pass {label: layer_activations(...)}")
    if activation not in OUTPUT_RANGE:
        raise ValueError(f"activation must be one of {', '.join(OUTPUT_RANGE)}, got {activation!r}")
    layers = max(len(r) for r in rows.values())
    fig, axes = plt.subplots(len(rows), layers, figsize=(1.75 * layers, 1.7 * len(rows) + 0.3),
                             layout="constrained", squeeze=False, sharex=True)
    for row, (label, outputs) in zip(axes, rows.items(), strict=True):
        for i, (ax, z) in enumerate(zip(row, outputs, strict=False)):
            edges, shares = histogram_shares(z, activation)
            ax.stairs(shares, edges, fill=True, color="steelblue")
            ax.set_title(f"{i + 1}-layer", fontsize=8)
            ax.tick_params(labelsize=7)
            if i == 0:
                ax.set_ylabel(f"{label}\n% of outputs", fontsize=8)
    return fig
