"""Figures for chapter 02: activation functions with their slopes, and what non-linearity buys."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from nnlib._checks import check_instance, number_in
from nnlib.chapters.ch02_activation_functions.activations import (
    ACTIVATIONS,
    CurveFit,
    one_minus_exp,
)
from nnlib.functions import sigmoid
from nnlib.i18n import _

__all__ = ["plot_activations", "plot_one_minus_exp", "plot_curve_fits"]


def plot_activations(
    names: Sequence[str] = ("step", "sigmoid", "relu", "tanh"), x_range: float = 5.0
) -> Figure:
    """One panel per activation h: h(x) solid, its derivative h'(x) dashed.

    The step's jump is drawn as a vertical edge; its derivative is 0 everywhere else
    (and does not exist at 0), which is why gradient descent cannot use it.
    """
    check_instance(names, "names", list | tuple, "a list of activation names")
    unknown = [n for n in names if not isinstance(n, str) or n not in ACTIVATIONS]
    if unknown:
        raise ValueError(_("unknown activations {unknown} in names; choose from {choices}").format(
            unknown=unknown, choices=sorted(ACTIVATIONS)))
    if not names:
        raise ValueError(_("names is empty; choose at least one activation"))
    x_range = number_in(x_range, "x_range", 1e-3, 1e6)
    x = np.linspace(-x_range, x_range, 1001)  # odd count: x = 0 is a sample point
    fig, axes = plt.subplots(
        1, len(names), figsize=(3.0 * len(names), 3.0), sharey=True, layout="constrained"
    )
    for ax, name in zip(np.atleast_1d(axes), names, strict=True):
        act = ACTIVATIONS[name]
        ax.axhline(0, color="0.8", lw=0.8)
        ax.axvline(0, color="0.8", lw=0.8)
        ax.plot(x, act.function(x), lw=2, label=f"{name}(x)")
        ax.plot(x, act.derivative(x), "--", lw=1.5, label=_("derivative"))
        ax.set_title(name)
        ax.set_xlabel("x")
        ax.set_ylim(-1.2, 1.6)
        ax.legend(loc="upper left", fontsize=8)
    return fig


def plot_one_minus_exp() -> Figure:
    """1 - exp(-x) next to sigmoid: alike for x >= 0, but 1 - exp(-x) dives for x < 0."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 3.2), layout="constrained")
    x_pos = np.linspace(0, 6, 200)
    left.plot(x_pos, one_minus_exp(x_pos), lw=2, label="1 - exp(-x)")
    left.plot(x_pos, sigmoid(x_pos), "--", lw=1.5, label="sigmoid(x)")
    left.set_title(_("x >= 0: both rise towards 1"))
    x_all = np.linspace(-4, 6, 400)
    right.plot(x_all, one_minus_exp(x_all), lw=2, label="1 - exp(-x)")
    right.plot(x_all, sigmoid(x_all), "--", lw=1.5, label="sigmoid(x)")
    right.axhline(0, color="0.8", lw=0.8)
    low = float(one_minus_exp(x_all[0]))
    right.set_title(_("all x: at x = {x:g}, 1 - exp({minus_x:g}) is about {low:.1f}").format(
        x=x_all[0], minus_x=-x_all[0], low=low))
    for ax in (left, right):
        ax.set_xlabel("x")
        ax.legend(loc="lower right", fontsize=8)
    return fig


def plot_curve_fits(fits: Sequence[CurveFit]) -> Figure:
    """The target curve as dots and each fit's prediction as a line, its error in the legend."""
    check_instance(fits, "fits", list | tuple, "a list of CurveFit (from fit_line ...)")
    if not fits:
        raise ValueError(_("fits is empty; pass at least one CurveFit"))
    for fit in fits:
        check_instance(fit, "each of fits", CurveFit, "a CurveFit (from fit_line ...)")
    fig, ax = plt.subplots(figsize=(8.0, 3.2), layout="constrained")
    ax.plot(fits[0].x, fits[0].target, "o", ms=3, color="0.4", label=_("target"))
    for i, fit in enumerate(fits):  # alternate solid and dashed, so equal fits both show
        ax.plot(fit.x, fit.prediction, "-" if i % 2 == 0 else "--", lw=3 - i % 2,
                label=_("{label} (MSE {mse:.4f})").format(label=fit.label, mse=fit.mse))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig
