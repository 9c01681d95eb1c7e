"""The gradient-descent explorer of chapter 05: learning rate, start, steps and surface.

Left: the path over the surface's contours. Top right: the loss per step (log scale, as
the gap above the surface's lowest value). Bottom right: each coordinate per step (a
zigzag, a bounce or an escape shows at a glance); on the single-neuron surface, the data
and the sigmoid the neuron has learned instead. The readout gives the verdict of
:func:`nnlib.chapters.ch05_gradient_descent.descent.classify_run` and the final loss.

The figure is 720 x 440 px: readable where it is shown at its own size (a notebook column
in a 900 px window), and with the controls within about 700 px of height.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.contour import QuadContourSet

from nnlib._checks import check_count, check_str, finite_scalar, number_in
from nnlib.chapters.ch05_gradient_descent.descent import classify_run
from nnlib.chapters.ch05_gradient_descent.plots import (
    BANDS,
    band_norm,
    contour_levels,
    drawable_path,
)
from nnlib.chapters.ch05_gradient_descent.surfaces import SURFACES, Surface, get_surface, shown
from nnlib.engines.explorer import BlitFigureImage, Explorer
from nnlib.functions import sigmoid
from nnlib.gradient import gradient_descent
from nnlib.i18n import _

__all__ = ["DescentExplorer", "descent_explorer", "plotted_gap", "LR_CHOICES", "LOSS_LIMITS"]

#: Fixed y range of the loss panel (fixed so that the axes never need redrawing). A gap
#: below the bottom (or 0, or below a numerically located minimum) is drawn below the
#: axis, so the curve leaves the panel through its floor instead of lying on it.
LOSS_LIMITS = (1e-12, 1e8)
#: The learning rates the slider offers: one arrow-key press each, about 3 per decade at
#: the small end, finer near 1 where the bowl turns from converging to diverging, and the
#: book's 1e-10. Every rate the chapter names is among them.
LR_CHOICES = (1e-10, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6,
              0.7, 0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0)
#: Figure size (inches) and resolution: 9 x 5.5 in at 80 dpi is 720 x 440 px.
FIGSIZE, DPI = (9.0, 5.5), 80
#: Verdict colours, each also marked with a symbol for readers who cannot tell the colours apart.
_VERDICT_STYLE = {"converged": ("#1a7f37", "✓"), "oscillating": ("#8250df", "↔"),
                  "stalled": ("#9a6700", "…"), "diverged": ("#cf222e", "✗")}


class DescentExplorer(Explorer):
    """Gradient descent on a chosen surface, redrawn in place as the sliders move.

    Contour grids are computed once per surface (and cached), and the contour lines are
    redrawn only when the surface changes; a slider move only calls ``set_data`` on the
    path, the loss curve and the fitted sigmoid, and blits them onto the saved background.
    """

    canvas: BlitFigureImage  # the engine's canvas: this explorer blits

    def __init__(self, surface: str = "bowl", lr: float = 0.1, x0: float = -3.0,
                 x1: float = 4.0, step_num: int = 100, max_steps: int = 200) -> None:
        get_surface(surface)  # a clear error for an unknown name
        controls = {
            "surface": widgets.Dropdown(
                options=[(shown(s.label), s.name) for s in SURFACES.values()],
                value=surface,
                description=_("surface"),
            ),
            "lr": widgets.SelectionSlider(
                options=[(f"{v:g}", v) for v in LR_CHOICES], value=_lr_choice(lr),
                description="学習率 lr",
            ),
            # the start: step 0.25 is exact in binary, so the browser sends back no rounded value
            "x0": widgets.FloatSlider(value=x0, min=-4.0, max=4.0, step=0.25, description="x0"),
            "x1": widgets.FloatSlider(value=x1, min=-4.0, max=4.0, step=0.25, description="x1"),
            "steps": widgets.IntSlider(value=step_num, min=1, max=max_steps,
                                       description=_("steps")),
        }
        self._meshes: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._contours: QuadContourSet | None = None
        self._drawn_surface: str | None = None
        canvas = BlitFigureImage(figsize=FIGSIZE, dpi=DPI)
        self._build_artists(canvas, max_steps)
        super().__init__(controls, canvas, title=_("勾配降下法 gradient descent explorer"))

    def _build_artists(self, canvas: BlitFigureImage, max_steps: int) -> None:
        fig = canvas.figure
        axes = fig.subplot_mosaic([["path", "loss"], ["path", "side"]], width_ratios=[1.15, 1.0])
        self.ax_path, self.ax_loss, self.ax_fit = axes["path"], axes["loss"], axes["side"]
        self.minima_marker, = self.ax_path.plot([], [], "*", color="goldenrod", ms=11, mec="k",
                                                mew=0.5, zorder=3)
        self.path_line, = self.ax_path.plot([], [], "o-", color="crimson", ms=2.5, lw=1.2, zorder=4)
        self.start_marker, = self.ax_path.plot([], [], "o", ms=9, mfc="none", mec="k", zorder=5)
        self.ax_path.set_aspect("equal")
        self.loss_line, = self.ax_loss.plot([], [], "-", color="crimson", lw=1.5)
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_ylim(*LOSS_LIMITS)
        self.ax_loss.set_xlim(0, max_steps)
        self.ax_loss.set_xlabel(_("step"), labelpad=1)
        self.ax_loss.set_ylabel(_("loss - lowest loss"))
        self.ax_loss.set_title(_("loss per step (log scale)"), fontsize=10)
        side = self.ax_fit
        # the single neuron: its data and sigmoid before and after descent
        self.data_points, = side.plot([], [], "o", ms=4, color="0.3", alpha=0.7, label=_("data"))
        self.initial_curve, = side.plot([], [], "--", color="0.5", lw=1.2, label=_("at start"))
        self.fitted_curve, = side.plot([], [], "-", color="crimson", lw=2, label=_("after descent"))
        # every other surface: the two coordinates per step
        self.x0_line, = side.plot([], [], "-", color="crimson", lw=1.2, label="x0")
        self.x1_line, = side.plot([], [], "--", color="navy", lw=1.2, label="x1")
        self._max_steps = max_steps
        self._minimum_lines: list = []
        canvas.animate(self.path_line, self.start_marker, self.loss_line, self.initial_curve,
                       self.fitted_curve, self.x0_line, self.x1_line)

    def __repr__(self) -> str:
        v = self.values
        return (f"DescentExplorer(surface={v['surface']!r}, lr={v['lr']:.3g}, "
                f"x0={v['x0']:g}, x1={v['x1']:g}, steps={v['steps']})")

    # -- the engine's three steps ---------------------------------------------------------
    def compute(self, values: dict[str, Any]) -> dict[str, Any]:
        surface = get_surface(values["surface"])
        result = gradient_descent(surface.f, [values["x0"], values["x1"]], lr=values["lr"],
                                  step_num=values["steps"], warn=False)
        losses = surface.grid(result.path[:, 0], result.path[:, 1])
        verdict = classify_run(surface.f, result, losses)
        return {"surface": surface, "result": result, "path": result.path, "losses": losses,
                "verdict": verdict, "lr": values["lr"], "step_num": values["steps"]}

    def draw(self, state: dict[str, Any]) -> None:
        surface: Surface = state["surface"]
        if surface.name != self._drawn_surface:
            self._draw_surface(surface)
        path = state["path"]
        drawn = drawable_path(path)  # a diverging path, only up to where it leaves the view
        self.path_line.set_data(drawn[:, 0], drawn[:, 1])
        self.start_marker.set_data(path[:1, 0], path[:1, 1])
        self.loss_line.set_data(np.arange(len(path)), plotted_gap(state["losses"], surface.lowest))
        if surface.data is not None:
            xs = np.linspace(*self.ax_fit.get_xlim(), 100)
            (w0, b0), (w, b) = path[0], path[-1]
            self.initial_curve.set_data(xs, sigmoid(w0 * xs + b0))
            self.fitted_curve.set_data(xs, sigmoid(w * xs + b))
        else:
            steps = np.arange(len(path))
            limit = 10 * max(abs(v) for v in surface.extent)  # far outside the panel
            self.x0_line.set_data(steps, np.clip(path[:, 0], -limit, limit))
            self.x1_line.set_data(steps, np.clip(path[:, 1], -limit, limit))

    def _draw_surface(self, surface: Surface) -> None:
        """Swap the contour lines for ``surface`` (grid computed once, then cached)."""
        if surface.name not in self._meshes:
            self._meshes[surface.name] = surface.mesh(61)
        if self._contours is not None:
            self._contours.remove()
        x0, x1, z = self._meshes[surface.name]
        levels = contour_levels(z, surface.lowest)
        self._contours = self.ax_path.contourf(x0, x1, z, levels=levels, cmap=BANDS, zorder=1,
                                               norm=band_norm(levels))
        minima = np.array(surface.minima)
        self.minima_marker.set_data(minima[:, 0], minima[:, 1])
        self.ax_path.set_xlim(surface.extent[:2])
        self.ax_path.set_ylim(surface.extent[2:])
        self.ax_path.set_xlabel(shown(surface.axis_labels[0]))
        self.ax_path.set_ylabel(shown(surface.axis_labels[1]))
        self.ax_path.set_title(shown(surface.label), fontsize=10)
        has_data = surface.data is not None
        for artist in (self.data_points, self.initial_curve, self.fitted_curve):
            artist.set_visible(has_data)
        for artist in (self.x0_line, self.x1_line):
            artist.set_visible(not has_data)
        side = self.ax_fit
        for line in self._minimum_lines:  # the minimum's coordinates of the last surface
            line.remove()
        self._minimum_lines = []
        if surface.data is not None:
            x, t = surface.data
            jitter = np.where(t == 1, -0.03, 0.03)  # lift the dots off the curve's asymptotes
            self.data_points.set_data(x, t + jitter)
            margin = 0.5
            side.set_xlim(x.min() - margin, x.max() + margin)
            side.set_ylim(-0.08, 1.08)
            side.set_xlabel(_("input x"), labelpad=1)
            side.set_ylabel(_("P(class 1)"))
            side.set_title(_("the neuron's sigmoid(w x + b)"), fontsize=10)
            side.legend(handles=[self.data_points, self.initial_curve, self.fitted_curve],
                        fontsize=7, loc="center right")
        else:
            side.set_xlim(0, self._max_steps)
            side.set_ylim(surface.extent[2], surface.extent[3])
            self._minimum_lines = [side.axhline(value, color=colour, lw=0.6, ls=":")
                                   for value, colour in zip(surface.minima[0], ("crimson", "navy"),
                                                            strict=True)]
            side.set_xlabel(_("step"), labelpad=1)
            side.set_ylabel(_("coordinate"))
            side.set_title(_("x0 and x1 per step (dotted: the deepest minimum)"), fontsize=10)
            side.legend(handles=[self.x0_line, self.x1_line], fontsize=7, loc="upper right")
        self._drawn_surface = surface.name
        self.canvas.invalidate()

    def describe(self, state: dict[str, Any]) -> str:
        verdict = state["verdict"]
        colour, mark = _VERDICT_STYLE[verdict.name]
        where = ", ".join(f"{v:.3g}" for v in state["path"][-1])
        return (
            f"<b style='color:{colour}'>{mark} {verdict_word(verdict.name)}</b>: "
            + _("{reason}. Final loss {loss:.4g} at ({where}) after {steps} steps "
                "with lr = {lr:.3g}; lowest possible {lowest:.4g}.").format(
                    reason=verdict.reason, loss=verdict.final_loss, where=where,
                    steps=verdict.steps, lr=state["lr"], lowest=state["surface"].lowest)
        )


def verdict_word(name: str) -> str:
    """A verdict's name (``"converged"``, ...) as the reader sees it, in the current language."""
    return {"converged": _("converged"), "oscillating": _("oscillating"),
            "stalled": _("stalled"), "diverged": _("diverged")}.get(name, name)


def _lr_choice(lr: float) -> float:
    """``lr`` as one of the slider's ``LR_CHOICES`` (a clear error for any other value)."""
    for choice in LR_CHOICES:
        if np.isclose(lr, choice, rtol=1e-9, atol=0):
            return choice
    raise ValueError(_("lr must be one of the slider's values {choices}; got {lr}").format(
        choices=", ".join(map(str, LR_CHOICES)), lr=lr))


def plotted_gap(losses: np.ndarray, lowest: float) -> np.ndarray:
    """loss - lowest for the log-scale panel; gaps below its floor (also 0 or negative, as
    rounding gives near a numerically located minimum) are put a decade below the floor,
    so the curve leaves through the bottom edge rather than drawing a false plateau."""
    gap = np.asarray(losses, dtype=float) - lowest
    floor = LOSS_LIMITS[0]
    return np.where(gap > floor, np.minimum(gap, 10 * LOSS_LIMITS[1]), floor / 10)


def descent_explorer(surface: str = "bowl", lr: float = 0.1, x0: float = -3.0, x1: float = 4.0,
                     step_num: int = 100) -> DescentExplorer:
    """Build the gradient-descent explorer; defaults are the book's start (-3, 4), lr 0.1,
    100 steps, on the bowl x0^2 + x1^2. ``lr`` must be one of ``LR_CHOICES``."""
    get_surface(check_str(surface, "surface"))
    lr = finite_scalar(lr, "lr")
    x0, x1 = number_in(x0, "x0", -4.0, 4.0), number_in(x1, "x1", -4.0, 4.0)
    check_count(step_num, "step_num", minimum=1, maximum=200)
    return DescentExplorer(surface=surface, lr=lr, x0=x0, x1=x1, step_num=step_num)
