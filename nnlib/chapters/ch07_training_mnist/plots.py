"""Figures for chapter 07: training curves and the first layer's weights as images.

The ``draw_*`` helpers draw onto a given Axes and return the artists, so that the
training explorer can keep them and update them in place; the ``plot_*`` functions
wrap them in a pyplot figure for a notebook cell.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from numpy.typing import NDArray

from nnlib._checks import as_float_array, check_bool, check_count, check_instance
from nnlib.i18n import _
from nnlib.train import History

__all__ = [
    "plot_loss_curve",
    "plot_accuracy_curves",
    "plot_first_layer_weights",
    "weight_montage",
    "draw_loss",
    "draw_accuracy",
    "draw_weights",
]

#: Hidden units shown as 28x28 tiles, and tiles per row.
TILES, COLUMNS = 16, 8


def weight_montage(W1: NDArray, count: int = TILES, columns: int = COLUMNS) -> NDArray:
    """The first ``count`` columns of ``W1`` (784 x hidden) as 28x28 tiles in one image.

    Each tile is divided by its own largest |weight|, so every unit's pattern shows in
    [-1, 1] whatever the weight scale. Gaps between tiles and tiles for missing units
    (hidden size below ``count``) are NaN, drawn blank. Non-finite weights count as 0.
    """
    W1 = np.asarray(W1, dtype=np.float64)
    if W1.ndim != 2 or W1.shape[0] != 784:
        raise ValueError(_("W1 must have shape (784, hidden) for 28x28 images, got {shape}")
                         .format(shape=W1.shape))
    rows = -(-count // columns)
    image = np.full((rows * 29 + 1, columns * 29 + 1), np.nan)
    shown = W1[:, :count]
    shown = np.where(np.isfinite(shown), shown, 0.0)
    scale = np.max(np.abs(shown), axis=0)
    shown = shown / np.where(scale > 0, scale, 1.0)
    for unit in range(shown.shape[1]):
        r, c = divmod(unit, columns)
        image[1 + 29 * r : 29 * (r + 1), 1 + 29 * c : 29 * (c + 1)] = shown[:, unit].reshape(28, 28)
    return image


def draw_loss(ax: Axes, history: History | None = None) -> Line2D:
    """The mini-batch loss per iteration, with ln 10 (a guess among 10 digits) marked."""
    ax.axhline(np.log(10), color="0.6", lw=0.8, ls="--")
    ax.text(0.99, np.log(10), _("ln 10: guessing"), transform=ax.get_yaxis_transform(),
            ha="right", va="bottom", fontsize=7, color="0.4")
    (line,) = ax.plot([], [], lw=0.8, color="tab:blue")
    if history is not None:
        line.set_data(np.arange(len(history.loss)), history.loss)
        ax.set_xlim(0, max(len(history.loss) - 1, 1))
    ax.set_xlabel(_("iteration"))
    ax.set_ylabel(_("loss (mini-batch)"))
    ax.set_title(_("loss"), fontsize=10)
    return line


def draw_accuracy(ax: Axes, history: History | None = None) -> tuple[Line2D, Line2D]:
    """Train and test accuracy after each epoch (epoch 0: the untrained network)."""
    (train,) = ax.plot([], [], "o-", ms=3, label=_("train"))
    (test,) = ax.plot([], [], "s--", ms=3, label=_("test"))
    if history is not None:
        train.set_data(np.arange(len(history.train_acc)), history.train_acc)
        test.set_data(np.arange(len(history.test_acc)), history.test_acc)
        ax.set_xlim(0, max(history.epochs_done, 1))
    ax.set_ylim(0, 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(_("epoch"))
    ax.set_ylabel(_("accuracy"))
    ax.set_title(_("accuracy"), fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    return train, test


def draw_weights(ax: Axes, W1: NDArray, title: str = "") -> AxesImage:
    """:func:`weight_montage` of ``W1``: red positive, blue negative, white 0."""
    image = ax.imshow(weight_montage(W1), cmap="RdBu_r", vmin=-1, vmax=1,
                      interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(title, fontsize=9)
    return image


def plot_loss_curve(history: History, window: int = 100) -> Figure:
    """The loss of every mini-batch during a run, and its mean over ``window`` iterations."""
    check_instance(history, "history", History, "a History (what Trainer.train returns)")
    window = check_count(window, "window", minimum=1)
    fig, ax = plt.subplots(figsize=(6.0, 3.0), layout="constrained")
    line = draw_loss(ax, history)
    line.set_alpha(0.35)
    line.set_label(_("each mini-batch"))
    losses = np.asarray(history.loss, dtype=np.float64)
    if len(losses) >= window:
        mean = np.convolve(losses, np.ones(window) / window, mode="valid")
        centre = np.arange(len(mean)) + (window - 1) / 2  # each mean drawn mid-window
        ax.plot(centre, mean, color="navy", lw=1.5,
                label=_("mean of {window}").format(window=window))
        ax.legend(loc="center right", fontsize=8)
    finite = losses[np.isfinite(losses)]
    ax.set_ylim(0, max(3.0, min(float(finite.max(initial=0.0)), 20.0)))
    return fig


def plot_accuracy_curves(history: History, zoom: bool = True) -> Figure:
    """Train and test accuracy per epoch: close together means no overfitting.

    With ``zoom``, the y axis starts just below the accuracy after the first epoch, so
    that the small gap between the curves shows; the untrained epoch 0 is then written
    in the corner instead.
    """
    check_instance(history, "history", History, "a History (what Trainer.train returns)")
    zoom = check_bool(zoom, "zoom")
    fig, ax = plt.subplots(figsize=(6.0, 3.0), layout="constrained")
    draw_accuracy(ax, history)
    later = history.train_acc[1:] + history.test_acc[1:]
    if zoom and later:
        low = np.floor(min(later) * 20) / 20 - 0.05  # a multiple of 5 points below the curves
        ax.set_ylim(low, 1.0)
        note = _("epoch 0 (untrained): train {acc:.1%}").format(acc=history.train_acc[0])
        if history.test_acc:
            note += _(", test {acc:.1%}").format(acc=history.test_acc[0])
        note += _(", below the axis")
        ax.text(0.01, 0.03, note, transform=ax.transAxes, fontsize=8, color="0.4")
    return fig


def plot_first_layer_weights(*weights: tuple[str, NDArray]) -> Figure:
    """One montage per ``(title, W1)`` pair: the first 16 hidden units as 28x28 images."""
    if not weights:
        raise ValueError(_("weights: pass at least one (title, W1) pair"))
    for pair in weights:
        if not isinstance(pair, tuple) or len(pair) != 2 or not isinstance(pair[0], str):
            raise TypeError(_("weights must be (title, W1) pairs, got {kind}").format(
                kind=type(pair).__name__))
        if as_float_array(pair[1], "W1").ndim != 2 or len(pair[1]) != 784:
            raise ValueError(_("W1 of {title!r} must have 784 rows, got shape {shape}").format(
                title=pair[0], shape=np.shape(pair[1])))
    fig, axes = plt.subplots(len(weights), 1, figsize=(7.0, 2.1 * len(weights)),
                             layout="constrained", squeeze=False)
    for ax, (title, W1) in zip(axes[:, 0], weights, strict=True):
        draw_weights(ax, W1, title)
    return fig
