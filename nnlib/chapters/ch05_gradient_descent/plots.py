"""Figures for chapter 05: finite differences, gradients, descent paths, and their cost."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from nnlib._checks import (
    as_float_array,
    check_callable,
    check_count,
    check_instance,
    check_interval,
    check_labelled,
    finite_scalar,
    float_vector,
    number_in,
    same_length,
)
from nnlib.chapters.ch05_gradient_descent.descent import extrapolate_linear
from nnlib.chapters.ch05_gradient_descent.surfaces import Surface
from nnlib.chapters.ch05_gradient_descent.surfaces import shown as shown_text
from nnlib.gradient import numerical_diff, numerical_gradient
from nnlib.i18n import _

__all__ = [
    "plot_difference_errors",
    "plot_tangent_lines",
    "plot_gradient_field",
    "plot_descent_paths",
    "plot_gradient_timing",
    "draw_contours",
    "contour_levels",
    "band_norm",
    "BANDS",
    "drawable_path",
]

#: Path colours that stand out on the blue contour bands.
PATH_COLOURS = ("crimson", "darkorange", "black", "magenta")
#: Paths are drawn up to their first point beyond this size; see :func:`drawable_path`.
DRAW_LIMIT = 1e3


def drawable_path(path: NDArray, limit: float = DRAW_LIMIT) -> NDArray:
    """``path`` up to and including its first point with a coordinate beyond ``limit``.

    A diverging run reaches 1e9 and more. Agg draws segments between such far-away points
    visibly off their true line, so the drawn path stops at the first point that is
    already far outside any view; its last segment still leaves the picture.
    """
    beyond = np.flatnonzero(np.max(np.abs(path), axis=1) > limit)
    return path if beyond.size == 0 else path[: beyond[0] + 1]


def plot_difference_errors(
    hs: ArrayLike, forward: ArrayLike, central: ArrayLike, marked_h: float = 1e-4
) -> Figure:
    """Error of forward and central differences against h, both axes logarithmic."""
    hs = float_vector(hs, "hs", positive=True)
    forward = float_vector(forward, "forward", minimum=0, maximum=1e100)
    central = float_vector(central, "central", minimum=0, maximum=1e100)
    same_length("forward", forward, "hs", hs)
    same_length("central", central, "hs", hs)
    marked_h = number_in(marked_h, "marked_h", 1e-300, 1e300)
    fig, ax = plt.subplots(figsize=(7.0, 3.6), layout="constrained")
    floor = 1e-17  # an error of exactly 0 cannot sit on a log axis
    ax.loglog(hs, np.maximum(forward, floor), "o-", ms=3, label=_("forward  (f(x+h) - f(x)) / h"))
    ax.loglog(hs, np.maximum(central, floor), "s-", ms=3,
              label=_("central  (f(x+h) - f(x-h)) / 2h"))
    ax.axvline(marked_h, color="0.5", ls=":", lw=1.2)
    ax.annotate(f"h = {marked_h:g}", (marked_h, 1.0), xytext=(4, 0), textcoords="offset points")
    ax.text(0.03, 0.06, _("rounding error\ngrows as h shrinks"), transform=ax.transAxes, fontsize=8)
    ax.text(0.97, 0.06, _("truncation error\ngrows with h"), transform=ax.transAxes, fontsize=8,
            ha="right")
    ax.set_xlabel(_("step h"))
    ax.set_ylabel(_("|estimate - true derivative|"))
    ax.legend(loc="upper center", fontsize=8)
    return fig


def plot_tangent_lines(
    f: Callable[[float], float], points: Sequence[float], x_range: tuple[float, float] = (0, 20)
) -> Figure:
    """f(x) with its tangent line at each point, slopes by :func:`numerical_diff`."""
    check_callable(f, "f")
    at = float_vector(points, "points", scalar_ok=True)
    x_range = check_interval(x_range, "x_range")
    x = np.linspace(*x_range, 200)
    fig, ax = plt.subplots(figsize=(6.0, 3.6), layout="constrained")
    ax.plot(x, [f(v) for v in x], lw=2, color="k", label="f(x)")
    for a in at:
        slope = numerical_diff(f, a)
        ax.plot(x, f(a) + slope * (x - a), "--",
                label=_("tangent at x = {a:g} (slope {slope:.4f})").format(a=a, slope=slope))
        ax.plot([a], [f(a)], "o", color="0.3")
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.legend(fontsize=8)
    return fig


#: The lighter three quarters of "Blues", so that dark arrows and paths stay visible.
BANDS = ListedColormap(colormaps["Blues"](np.linspace(0.0, 0.75, 256)), name="bands")


def contour_levels(z: NDArray, lowest: float, count: int = 15) -> NDArray:
    """``count`` levels spaced quadratically above ``lowest``: finer near the minimum,
    where descent ends up, than on the high slopes (on a bowl, evenly spaced rings)."""
    z = as_float_array(z, "z")
    lowest = finite_scalar(lowest, "lowest")
    count = check_count(count, "count", minimum=2, maximum=1000)
    span = float(np.max(z)) - lowest
    levels = lowest + span * np.linspace(0.0, 1.0, count) ** 2
    levels[0] = min(float(np.min(z)), lowest)  # every grid value inside a band
    return levels


def band_norm(levels: NDArray) -> BoundaryNorm:
    """One colour step per band, however unevenly the levels are spaced."""
    return BoundaryNorm(levels, BANDS.N)


def draw_contours(ax: Axes, surface: Surface, count: int = 15, points: int = 81):
    """Filled contours of ``surface`` on ``ax`` (light = low), minima as gold stars.

    Filled bands rather than coloured lines: as readable, and a tenth of the PNG size.
    Returns the contour set.
    """
    x0, x1, z = surface.mesh(points)
    levels = contour_levels(z, surface.lowest, count)
    contours = ax.contourf(x0, x1, z, levels=levels, cmap=BANDS, norm=band_norm(levels))
    minima = np.array(surface.minima)
    ax.plot(minima[:, 0], minima[:, 1], "*", color="goldenrod", ms=10, mec="k", mew=0.5)
    ax.set_xlim(surface.extent[:2])
    ax.set_ylim(surface.extent[2:])
    ax.set_xlabel(shown_text(surface.axis_labels[0]))
    ax.set_ylabel(shown_text(surface.axis_labels[1]))
    ax.set_aspect("equal")
    return contours


def plot_gradient_field(
    surface: Surface, paths: Mapping[str, NDArray] | None = None, arrows: int = 15
) -> Figure:
    """Arrows of the negative gradient -grad f (by ``numerical_gradient``) over the contours,
    with optional descent paths drawn on top."""
    check_instance(surface, "surface", Surface, "a Surface (from get_surface)")
    paths = {} if paths is None else check_labelled(paths, "paths")
    check_count(arrows, "arrows", minimum=2, maximum=60)
    fig, ax = plt.subplots(figsize=(5.2, 4.6), layout="constrained")
    draw_contours(ax, surface)
    x0min, x0max, x1min, x1max = surface.extent
    g0, g1 = np.meshgrid(np.linspace(x0min, x0max, arrows), np.linspace(x1min, x1max, arrows))
    points = np.stack([g0.ravel(), g1.ravel()], axis=1)
    downhill = -np.array([numerical_gradient(surface.f, p.copy()) for p in points])
    ax.quiver(points[:, 0], points[:, 1], downhill[:, 0], downhill[:, 1], color="0.15",
              angles="xy", width=0.004)
    for (label, path), colour in zip((paths or {}).items(), PATH_COLOURS, strict=False):
        shown = drawable_path(path)
        ax.plot(shown[:, 0], shown[:, 1], "o-", ms=2.5, lw=1.5, color=colour, label=label)
    if paths:
        ax.legend(fontsize=8, loc="upper right")
    ax.set_title(_("-gradient of {surface}").format(surface=shown_text(surface.label)), fontsize=10)
    return fig


def plot_descent_paths(surface: Surface, paths: Mapping[str, NDArray]) -> Figure:
    """One panel per gradient-descent path over the contours of ``surface``, start circled,
    each titled with its label. A path that leaves the panel is clipped at its edge."""
    check_instance(surface, "surface", Surface, "a Surface (from get_surface)")
    paths = check_labelled(paths, "paths")
    fig, axes = plt.subplots(1, len(paths), figsize=(3.3 * len(paths), 3.5), layout="constrained")
    for ax, (label, path), colour in zip(np.atleast_1d(axes), paths.items(), PATH_COLOURS,
                                         strict=False):
        draw_contours(ax, surface)
        shown = drawable_path(path)
        ax.plot(shown[:, 0], shown[:, 1], "o-", ms=3, lw=1.2, color=colour)
        ax.plot(path[:1, 0], path[:1, 1], "o", ms=12, mfc="none", mec="k")
        ax.set_title(label, fontsize=10)
    return fig


def plot_gradient_timing(counts: ArrayLike, seconds: ArrayLike) -> Figure:
    """Measured time of one numerical gradient against parameter count, with a fitted line."""
    counts = float_vector(counts, "counts", positive=True, maximum=1e12)
    seconds = float_vector(seconds, "seconds", positive=True, maximum=1e6)
    same_length("seconds", seconds, "counts", counts)
    fig, ax = plt.subplots(figsize=(6.0, 3.4), layout="constrained")
    ax.plot(counts, seconds * 1000, "o", label=_("measured (best of several runs)"))
    line = np.linspace(0, counts.max(), 50)
    ax.plot(line, extrapolate_linear(counts, seconds, line) * 1000, "--",
            label=_("straight-line fit"))
    ax.set_xlabel(_("number of parameters"))
    ax.set_ylabel(_("ms per numerical gradient"))
    ax.set_xlim(0, None)
    ax.set_ylim(0, None)
    ax.legend(fontsize=8)
    return fig
