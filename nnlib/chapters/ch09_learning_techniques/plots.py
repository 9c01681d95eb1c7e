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

from nnlib._checks import check_count, check_instance, check_str
from nnlib.chapters.ch09_learning_techniques.experiments import Run, Trial
from nnlib.chapters.ch09_learning_techniques.init_weights import OUTPUT_RANGE
from nnlib.chapters.ch09_learning_techniques.paths import PathResult, RaceSurface
from nnlib.i18n import _

__all__ = ["plot_optimizer_paths", "plot_activation_histograms", "draw_surface",
           "histogram_shares", "COLOURS", "BANDS", "drawable", "smooth", "plot_loss_curves",
           "plot_accuracy_curves", "plot_batchnorm_runs", "plot_search"]

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
    _each(results, "results", Mapping, PathResult, "race(...)'s {name: PathResult}")
    check_instance(surface, "surface", RaceSurface, "a surface from get_surface(name)")
    if not results:
        raise ValueError(_("results is empty; pass race(...)'s {name: PathResult}"))
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
        title = (_("{name}, lr = {lr:g} (escaped)") if result.escaped_at
                 else _("{name}, lr = {lr:g}"))
        ax.set_title(title.format(name=name, lr=result.lr), fontsize=10)
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
    check_instance(rows, "rows", Mapping, "{label: layer_activations(...)}")
    check_str(activation, "activation")
    if not rows:
        raise ValueError(_("rows is empty; pass {label: layer_activations(...)}"))
    if activation not in OUTPUT_RANGE:
        raise ValueError(_("activation must be one of {choices}, got {name!r}").format(
            choices=", ".join(OUTPUT_RANGE), name=activation))
    layers = max(len(r) for r in rows.values())
    fig, axes = plt.subplots(len(rows), layers, figsize=(1.75 * layers, 1.7 * len(rows) + 0.3),
                             layout="constrained", squeeze=False, sharex=True)
    for row, (label, outputs) in zip(axes, rows.items(), strict=True):
        for i, (ax, z) in enumerate(zip(row, outputs, strict=False)):
            edges, shares = histogram_shares(z, activation)
            ax.stairs(shares, edges, fill=True, color="steelblue")
            ax.set_title(_("{n}-layer").format(n=i + 1), fontsize=8)
            ax.tick_params(labelsize=7)
            if i == 0:
                ax.set_ylabel(_("{label}\n% of outputs").format(label=label), fontsize=8)
    return fig


def smooth(values: Sequence[float] | NDArray, window: int = 10) -> NDArray:
    """A moving average over ``window`` iterations (shorter at the start), so mini-batch noise
    does not hide the trend (the book smooths its loss curves too)."""
    window = check_count(window, "window", minimum=1)
    values = np.asarray(values, dtype=float)
    sums = np.cumsum(np.insert(values, 0, 0.0))
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    return (sums[1:] - sums[np.arange(1, len(values) + 1) - counts]) / counts


def plot_loss_curves(runs: Mapping[str, Run], title: str = "", window: int = 10) -> Figure:
    """Each run's mini-batch loss against iterations, smoothed over ``window`` iterations
    (the book's Figures 6-9 and 6-15)."""
    _each(runs, "runs", Mapping, Run, "{label: Run}")
    window = check_count(window, "window", minimum=1)
    fig, ax = plt.subplots(figsize=(6.4, 3.4), layout="constrained")
    for name, run in runs.items():
        ax.plot(smooth(run.loss, window), label=name, color=COLOURS.get(name))
    ax.set_xlabel(_("iterations"))
    ax.set_ylabel(_("loss (mean of {window})").format(window=window))
    ax.set_ylim(0, 2.5)
    ax.set_title(title, fontsize=10)
    ax.legend()
    return fig


def plot_accuracy_curves(runs: Mapping[str, Run]) -> Figure:
    """Train (solid) and test (dashed) accuracy against epochs, one panel per run (the
    book's Figures 6-20 to 6-23)."""
    _each(runs, "runs", Mapping, Run, "{label: Run}")
    fig, axes = plt.subplots(1, len(runs), figsize=(3.3 * len(runs), 3.0), layout="constrained",
                             sharey=True, squeeze=False)
    for ax, (name, run) in zip(axes[0], runs.items(), strict=True):
        ax.plot(run.epochs, run.train_acc, label=_("train"), color="tab:blue")
        ax.plot(run.epochs, run.test_acc, "--", label=_("test"), color="tab:orange")
        ax.set_title(name, fontsize=9)
        ax.set_xlabel(_("epochs"))
        ax.set_ylim(0, 1.0)
    axes[0][0].set_ylabel(_("accuracy"))
    axes[0][0].legend(loc="lower right")
    return fig


def plot_batchnorm_runs(pairs: Sequence[tuple[float, Run, Run]]) -> Figure:
    """The book's Figure 6-19: for each weight scale, the training accuracy per epoch with
    Batch Normalization (solid) and without (dashed)."""
    check_instance(pairs, "pairs", list | tuple, "batchnorm_runs(...)'s (scale, with, without)")
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 3
                and isinstance(pair[1], Run) and isinstance(pair[2], Run)):
            raise TypeError(_("each of pairs must be (scale, Run, Run), got {pair}").format(
                pair=f"{pair!r:.60}"))
    cols = 4
    rows = -(-len(pairs) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.2 * cols, 1.7 * rows + 0.3),
                             layout="constrained", sharex=True, sharey=True, squeeze=False)
    for ax, (scale, with_bn, without) in zip(axes.flat, pairs, strict=False):
        ax.plot(with_bn.epochs, with_bn.train_acc, color="tab:blue", label=_("Batch Norm"))
        ax.plot(without.epochs, without.train_acc, "--", color="tab:gray", label=_("without"))
        ax.set_title(f"W: {scale:.2g}", fontsize=8)
        ax.set_ylim(0, 1.0)
        ax.tick_params(labelsize=7)
    for ax in axes.flat[len(pairs):]:
        ax.set_visible(False)
    axes[0][0].legend(fontsize=7, loc="lower right")
    fig.supxlabel(_("epochs"), fontsize=8)
    fig.supylabel(_("training accuracy"), fontsize=8)
    return fig


def plot_search(trials: Sequence[Trial], top: int = 6) -> Figure:
    """The book's Figure 6-24: validation (solid) and training (dashed) accuracy of the
    ``top`` best trials, best first, each titled with its lr and λ."""
    _each(trials, "trials", list | tuple, Trial, "random_search(...)'s trials")
    top = check_count(top, "top", minimum=1)
    shown = list(trials)[:top]
    cols = min(len(shown), 3)
    rows = -(-len(shown) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols, 1.9 * rows + 0.2),
                             layout="constrained", sharex=True, sharey=True, squeeze=False)
    for i, (ax, trial) in enumerate(zip(axes.flat, shown, strict=False)):
        ax.plot(trial.val_acc, color="tab:blue")
        ax.plot(trial.train_acc, "--", color="tab:gray")
        ax.set_title(_("Best-{rank}: lr {lr:.2g}, λ {decay:.2g}").format(
            rank=i + 1, lr=trial.lr, decay=trial.weight_decay), fontsize=8)
        ax.set_ylim(0, 1.0)
        ax.tick_params(labelsize=7)
    for ax in axes.flat[len(shown):]:
        ax.set_visible(False)
    fig.supxlabel(_("epochs"), fontsize=8)
    fig.supylabel(_("accuracy (validation solid)"), fontsize=8)
    return fig


def _each(values: object, name: str, kind: object, item: type, what: str) -> None:
    """``values`` is a ``kind`` (a mapping or a list) of ``item`` objects, else a TypeError
    naming ``name`` and what it should be."""
    check_instance(values, name, kind, what)
    for value in (values.values() if isinstance(values, Mapping) else values):  # type: ignore[attr-defined]
        check_instance(value, f"each of {name}", item, what)
