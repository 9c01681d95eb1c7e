"""Figures for chapter 4: the -log y curve, and accuracy against cross-entropy in a weight sweep."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from nnlib._checks import check_str, float_vector, same_length
from nnlib.functions import CROSS_ENTROPY_DELTA, cross_entropy_error
from nnlib.i18n import _

__all__ = ["plot_neg_log", "plot_accuracy_vs_loss"]


def plot_neg_log(marked: ArrayLike = (0.6, 0.1)) -> Figure:
    """E = -log y for the probability y of the correct class, with a few values marked."""
    marked = float_vector(marked, "marked", minimum=0, maximum=1, allow_empty=True,
                          scalar_ok=True)
    ys = np.linspace(0.005, 1.0, 400)
    fig, ax = plt.subplots(figsize=(6.0, 3.4), layout="constrained")
    ax.plot(ys, -np.log(ys), color="tab:red", label=r"$-\log y$")
    for y in np.atleast_1d(np.asarray(marked, dtype=float)):
        loss = cross_entropy_error([y, 1.0 - y], 0)
        ax.plot([y], [loss], "o", color="black")
        ax.annotate(_("y={y:g}: E={loss:.2f}").format(y=y, loss=loss), (y, loss), xytext=(8, 6),
                    textcoords="offset points")
    ax.set(
        xlabel=_("y, the probability given to the correct class"),
        ylabel=_("cross-entropy E"),
        xlim=(0, 1.02),
        ylim=(0, 5.5),
        title=_("-log y: 0 when sure and right, unbounded as y -> 0 "
                "(capped at {cap:.1f} by delta)").format(cap=-np.log(CROSS_ENTROPY_DELTA)),
    )
    ax.title.set_fontsize(9)
    ax.grid(alpha=0.3)
    return fig


def plot_accuracy_vs_loss(
    weights: ArrayLike,
    accuracies: ArrayLike,
    losses: ArrayLike,
    slope_points: ArrayLike = (),
    loss_slopes: ArrayLike = (),
    xlabel: str | None = None,
) -> Figure:
    """Accuracy (top) and cross-entropy (bottom) over the same sweep of one weight.

    Optional ``slope_points`` with their ``loss_slopes`` draw short tangents on the loss
    curve; the accuracy panel gets flat tangents there, its slope at almost every weight.
    ``xlabel`` defaults to "the one weight being swept" (in the current language).
    """
    weights = float_vector(weights, "weights")
    accuracies = float_vector(accuracies, "accuracies", minimum=0, maximum=1)
    losses = float_vector(losses, "losses", minimum=0)
    same_length("accuracies", accuracies, "weights", weights)
    same_length("losses", losses, "weights", weights)
    slope_points = float_vector(slope_points, "slope_points", allow_empty=True, scalar_ok=True)
    loss_slopes = float_vector(loss_slopes, "loss_slopes", allow_empty=True, scalar_ok=True)
    same_length("loss_slopes", loss_slopes, "slope_points", slope_points)
    xlabel = _("the one weight being swept") if xlabel is None else check_str(xlabel, "xlabel")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.0, 5.0), sharex=True, layout="constrained")
    top.step(weights, accuracies, where="mid", color="tab:blue")
    top.set(
        ylabel=_("accuracy"), ylim=(-0.02, 1.02),
        title=_("accuracy: flat steps, slope 0 between them"),
    )
    bottom.plot(weights, losses, color="tab:red")
    bottom.set(
        xlabel=xlabel,
        ylabel=_("cross-entropy"),
        title=_("cross-entropy: smooth, its slope says which way to move"),
    )
    half = 0.04 * (weights[-1] - weights[0])
    for w, slope in zip(np.atleast_1d(slope_points), np.atleast_1d(loss_slopes), strict=True):
        level = np.interp(w, weights, losses)
        bottom.plot(
            [w - half, w + half], [level - slope * half, level + slope * half], color="black"
        )
        bottom.plot([w], [level], "o", color="black", markersize=4)
        acc = accuracies[np.argmin(np.abs(weights - w))]
        top.plot([w - half, w + half], [acc, acc], color="black")
        top.plot([w], [acc], "o", color="black", markersize=4)
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
        ax.title.set_fontsize(10)
    return fig
