"""Figures for chapter 3: identity against softmax at the output, and where naive softmax breaks."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from nnlib._checks import as_float_array, check_count, float_vector, int_array
from nnlib.chapters.ch03_softmax_overflow.overflow import (
    SUPPORTED_DTYPES,
    compare_softmax,
    naive_break_scale,
)
from nnlib.functions import identity_function, softmax
from nnlib.i18n import _

__all__ = ["plot_output_functions", "plot_softmax_by_scale", "plot_digit_predictions"]

DTYPE_COLOURS = {"float32": "tab:orange", "float64": "tab:green"}


def plot_output_functions(a: ArrayLike) -> Figure:
    """The same output-layer signals through the identity function and through softmax.

    The largest signal is drawn darker in both panels: softmax keeps it the largest.
    """
    a = float_vector(a, "a")
    outputs = {
        _("identity function: y = a"): identity_function(a),
        _("softmax: y = exp(a) / sum"): softmax(a),
    }
    fig, axes = plt.subplots(1, 2, figsize=(8.0, 3.0), layout="constrained")
    classes = np.arange(a.size)
    winner = int(np.argmax(a))
    for ax, (title, y) in zip(axes, outputs.items(), strict=True):
        colours = ["tab:blue" if k == winner else "lightsteelblue" for k in classes]
        ax.bar(classes, y, color=colours)
        for k, value in zip(classes, y, strict=True):
            ax.annotate(
                f"{value:.3g}", (k, value), xytext=(0, 2), textcoords="offset points", ha="center"
            )
        ax.set(title=title, xlabel=_("output neuron k"), xticks=classes)
        ax.margins(y=0.15)
    axes[0].set_ylabel(_("output"))
    return fig


def plot_softmax_by_scale(logits: ArrayLike, scales: ArrayLike) -> Figure:
    """The largest probability of softmax(scale * logits) as the scale grows, naive and stable.

    A naive curve stops where its result stops being a probability vector; the dashed
    lines mark the measured break scale for each dtype.
    """
    logits = float_vector(logits, "logits")
    scales = float_vector(scales, "scales", positive=True, maximum=1e6)
    fig, ax = plt.subplots(figsize=(7.0, 3.4), layout="constrained")
    stable = [compare_softmax(logits, s, np.float64)["stable"].max() for s in scales]
    ax.plot(scales, stable, color="black", linewidth=4, alpha=0.25, label=_("stable (both dtypes)"))
    for dtype in SUPPORTED_DTYPES:
        name = np.dtype(dtype).name
        runs = [compare_softmax(logits, s, dtype) for s in scales]
        naive = [np.nan if run["broken"] else run["naive"].max() for run in runs]
        # where both dtypes work their curves coincide: float32 wide and pale underneath,
        # float64 thin and dashed on top, so that neither hides the other
        wide = dtype == np.float32
        ax.plot(scales, naive, color=DTYPE_COLOURS[name],
                label=_("naive, {dtype}").format(dtype=name),
                linewidth=6 if wide else 1.8, alpha=0.55 if wide else 1.0,
                linestyle="-" if wide else (0, (5, 2)))
        edge = naive_break_scale(logits, dtype)
        ax.axvline(edge, color=DTYPE_COLOURS[name], linestyle=":")
        ax.annotate(
            _("{dtype} breaks\nat scale {edge:.4g}").format(dtype=name, edge=edge),
            (edge, 0.5),
            xytext=(4, 0),
            textcoords="offset points",
            color=DTYPE_COLOURS[name],
        )
    ax.set(
        xscale="log",
        xlabel=_("scale s (the logits fed in are s * logits)"),
        ylabel=_("largest probability"),
        ylim=(0, 1.05),
        title=f"softmax(s * [{', '.join(f'{v:g}' for v in logits)}])",
    )
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    return fig


def plot_digit_predictions(images: ArrayLike, labels: ArrayLike, probabilities: ArrayLike,
                           columns: int = 8) -> Figure:
    """MNIST images (rows of 784) with the predicted digit and its probability; wrong in red."""
    images = as_float_array(images, "images")
    if images.ndim != 2 or images.shape[1] != 784:
        raise ValueError(_("images must be rows of 784 pixels, got shape {shape}").format(
            shape=images.shape))
    labels = int_array(labels, "labels", minimum=0, maximum=9)
    if labels.shape != (len(images),):
        raise ValueError(_("labels must hold one digit per image ({n}), got shape {shape}").format(
            n=len(images), shape=labels.shape))
    probabilities = float_vector(probabilities, "probabilities", ndim=2, minimum=0, maximum=1)
    if probabilities.shape != (len(images), 10):
        raise ValueError(_("probabilities must be one row of 10 per image, shape ({n}, 10), "
                           "got {shape}").format(n=len(images), shape=probabilities.shape))
    columns = check_count(columns, "columns", minimum=1, maximum=20)
    count = len(images)
    rows = max(1, -(-count // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(1.1 * columns, 1.45 * rows),
                             squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k >= count:
            continue
        guess = int(probabilities[k].argmax())
        ax.imshow(images[k].reshape(28, 28), cmap="gray_r")
        wrong = guess != int(labels[k])
        label = _("\nlabel {label}").format(label=labels[k]) if wrong else ""
        ax.set_title(f"{guess} ({probabilities[k, guess]:.0%})" + label, fontsize=9,
                     color="tab:red" if wrong else "black")
    fig.tight_layout()
    return fig
