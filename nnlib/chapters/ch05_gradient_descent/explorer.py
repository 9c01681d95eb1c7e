"""The gradient-descent explorer of chapter 05: learning rate, start, steps and surface.

Left: the path over the surface's contours. Middle: the loss per step (log scale, as the
gap above the surface's lowest value). Right, for the single-neuron surface: the data and
the sigmoid the neuron has learned. The readout gives the verdict of
:func:`nnlib.chapters.ch05_gradient_descent.descent.classify_run` and the final loss.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np

from nnlib.chapters.ch05_gradient_descent.descent import classify_run
from nnlib.chapters.ch05_gradient_descent.plots import (
    BANDS,
    band_norm,
    contour_levels,
    drawable_path,
)
from nnlib.chapters.ch05_gradient_descent.surfaces import SURFACES, Surface, get_surface
from nnlib.engines.explorer import BlitFigureImage, Explorer
from nnlib.functions import sigmoid
from nnlib.gradient import gradient_descent

__all__ = ["DescentExplorer", "descent_explorer"]

#: The log-scale plot of the loss gap cannot show 0; gaps below this sit on the floor.
GAP_FLOOR = 1e-16
#: Fixed y range of the loss panel, wide enough for a converged run (floor) and for the
#: first steps of a diverging one; fixed so that the axes never need redrawing.
LOSS_LIMITS = (1e-17, 1e7)
_VERDICT_COLOURS = {"converged": "#1a7f37", "stalled": "#9a6700", "diverged": "#cf222e"}


class DescentExplorer(Explorer):
    """Gradient descent on a chosen surface, redrawn in place as the sliders move.

    Contour grids are computed once per surface (and cached), and the contour lines are
    redrawn only when the surface changes; a slider move only calls ``set_data`` on the
    path, the loss curve and the fitted sigmoid, and blits them onto the saved background.
    """

    def __init__(self, surface: str = "bowl", lr: float = 0.1, x0: float = -3.0,
                 x1: float = 4.0, step_num: int = 100, max_steps: int = 200) -> None:  # fmt: skip
        get_surface(surface)  # a clear error for an unknown name
        controls = {
            "surface": widgets.Dropdown(
                options=[(s.label, s.name) for s in SURFACES.values()],
                value=surface,
                description="surface",
            ),
            "lr": widgets.FloatLogSlider(
                value=lr, base=10, min=-4, max=1, step=0.1, description="学習率 lr",
                readout_format=".1e",
            ),
            # the start: step 0.25 is exact in binary, so the browser sends back no rounded value
            "x0": widgets.FloatSlider(value=x0, min=-4.0, max=4.0, step=0.25, description="x0"),
            "x1": widgets.FloatSlider(value=x1, min=-4.0, max=4.0, step=0.25, description="x1"),
            "steps": widgets.IntSlider(value=step_num, min=1, max=max_steps, description="steps"),
        }
        self._meshes: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._contours = None
        self._drawn_surface: str | None = None
        canvas = BlitFigureImage(figsize=(11.0, 3.5))
        self._build_artists(canvas, max_steps)
        super().__init__(controls, canvas, title="勾配降下法 gradient descent explorer")

    def _build_artists(self, canvas: BlitFigureImage, max_steps: int) -> None:
        fig = canvas.figure
        self.ax_path, self.ax_loss, self.ax_fit = fig.subplots(1, 3, width_ratios=[1.0, 1.2, 1.1])
        self.minima_marker, = self.ax_path.plot([], [], "*", color="goldenrod", ms=11, mec="k",
                                                mew=0.5, zorder=3)  # fmt: skip
        self.path_line, = self.ax_path.plot([], [], "o-", color="crimson", ms=2.5, lw=1.2, zorder=4)
        self.start_marker, = self.ax_path.plot([], [], "o", ms=9, mfc="none", mec="k", zorder=5)
        self.ax_path.set_aspect("equal")
        self.loss_line, = self.ax_loss.plot([], [], "-", color="crimson", lw=1.5)
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_ylim(*LOSS_LIMITS)
        self.ax_loss.set_xlim(0, max_steps)
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("loss - lowest loss")
        self.ax_loss.set_title("loss per step", fontsize=10)
        fit = self.ax_fit
        self.data_points, = fit.plot([], [], "o", ms=4, color="0.3", alpha=0.7, label="data")
        self.initial_curve, = fit.plot([], [], "--", color="0.5", lw=1.2, label="at start")
        self.fitted_curve, = fit.plot([], [], "-", color="crimson", lw=2, label="after descent")
        self.ax_fit.set_xlabel("input x")
        self.ax_fit.set_ylabel("P(class 1) = sigmoid(w x + b)")
        self.ax_fit.set_ylim(-0.08, 1.08)
        self.ax_fit.legend(fontsize=7, loc="center right")
        self.fit_note = fit.text(0.5, 0.5, "choose the single sigmoid neuron\nto see its fit",
                                 ha="center", va="center", transform=fit.transAxes, fontsize=9,
                                 color="0.4")  # fmt: skip
        canvas.animate(self.path_line, self.start_marker, self.loss_line, self.initial_curve,
                       self.fitted_curve)  # fmt: skip

    def __repr__(self) -> str:
        v = self.values
        return (f"DescentExplorer(surface={v['surface']!r}, lr={v['lr']:.3g}, "
                f"x0={v['x0']:g}, x1={v['x1']:g}, steps={v['steps']})")  # fmt: skip

    # -- the engine's three steps ---------------------------------------------------------
    def compute(self, values: dict[str, Any]) -> dict[str, Any]:
        surface = get_surface(values["surface"])
        result = gradient_descent(surface.f, [values["x0"], values["x1"]], lr=values["lr"],
                                  step_num=values["steps"], warn=False)  # fmt: skip
        losses = surface.grid(result.path[:, 0], result.path[:, 1])
        verdict = classify_run(surface.f, result, losses)
        return {"surface": surface, "result": result, "path": result.path, "losses": losses,
                "verdict": verdict, "lr": values["lr"], "step_num": values["steps"]}  # fmt: skip

    def draw(self, state: dict[str, Any]) -> None:
        surface: Surface = state["surface"]
        if surface.name != self._drawn_surface:
            self._draw_surface(surface)
        path = state["path"]
        shown = drawable_path(path)  # a diverging path, only up to where it leaves the view
        self.path_line.set_data(shown[:, 0], shown[:, 1])
        self.start_marker.set_data(path[:1, 0], path[:1, 1])
        gap = np.maximum(state["losses"] - surface.lowest, GAP_FLOOR)
        self.loss_line.set_data(np.arange(len(gap)), gap)
        if surface.data is not None:
            xs = np.linspace(*self.ax_fit.get_xlim(), 100)
            (w0, b0), (w, b) = path[0], path[-1]
            self.initial_curve.set_data(xs, sigmoid(w0 * xs + b0))
            self.fitted_curve.set_data(xs, sigmoid(w * xs + b))

    def _draw_surface(self, surface: Surface) -> None:
        """Swap the contour lines for ``surface`` (grid computed once, then cached)."""
        if surface.name not in self._meshes:
            self._meshes[surface.name] = surface.mesh(61)
        if self._contours is not None:
            self._contours.remove()
        x0, x1, z = self._meshes[surface.name]
        levels = contour_levels(z, surface.lowest)
        self._contours = self.ax_path.contourf(x0, x1, z, levels=levels, cmap=BANDS, zorder=1,
                                               norm=band_norm(levels))  # fmt: skip
        minima = np.array(surface.minima)
        self.minima_marker.set_data(minima[:, 0], minima[:, 1])
        self.ax_path.set_xlim(surface.extent[:2])
        self.ax_path.set_ylim(surface.extent[2:])
        self.ax_path.set_xlabel(surface.axis_labels[0])
        self.ax_path.set_ylabel(surface.axis_labels[1])
        self.ax_path.set_title(surface.label, fontsize=10)
        has_data = surface.data is not None
        for artist in (self.data_points, self.initial_curve, self.fitted_curve):
            artist.set_visible(has_data)
        self.ax_fit.get_legend().set_visible(has_data)
        self.ax_fit.axis("on" if has_data else "off")
        self.fit_note.set_visible(not has_data)
        if has_data:
            x, t = surface.data
            jitter = np.where(t == 1, -0.03, 0.03)  # lift the dots off the curve's asymptotes
            self.data_points.set_data(x, t + jitter)
            margin = 0.5
            self.ax_fit.set_xlim(x.min() - margin, x.max() + margin)
        self._drawn_surface = surface.name
        self.canvas.invalidate()

    def describe(self, state: dict[str, Any]) -> str:
        verdict = state["verdict"]
        colour = _VERDICT_COLOURS[verdict.name]
        where = ", ".join(f"{v:.3g}" for v in state["path"][-1])
        return (
            f"<b style='color:{colour}'>{verdict.name}</b> ({verdict.rule}): {verdict.reason}. "
            f"Final loss {verdict.final_loss:.4g} at ({where}) after {verdict.steps} steps "
            f"with lr = {state['lr']:.3g}; lowest possible {state['surface'].lowest:.4g}."
        )


def descent_explorer(surface: str = "bowl", lr: float = 0.1, x0: float = -3.0, x1: float = 4.0,
                     step_num: int = 100) -> DescentExplorer:  # fmt: skip
    """Build the gradient-descent explorer; defaults are the book's start (-3, 4), lr 0.1,
    100 steps, on the bowl x0^2 + x1^2."""
    return DescentExplorer(surface=surface, lr=lr, x0=x0, x1=x1, step_num=step_num)
