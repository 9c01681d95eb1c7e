"""Chapter 02's explorer: pick an activation, then reshape one neuron h(w*x + b) live."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import FormatStrFormatter, MaxNLocator

from nnlib._checks import check_choice, number_in
from nnlib.chapters.ch02_activation_functions.activations import (
    ACTIVATIONS,
    describe_flat_regions,
    flat_regions,
)
from nnlib.engines.explorer import BlitFigureImage, Explorer
from nnlib.i18n import _

__all__ = ["ActivationExplorer", "activation_explorer"]

#: 8 x 3 in at 100 dpi: an 800 x 300 px picture, the width of JupyterLab's notebook column.
FIGSIZE, DPI = (8.0, 3.0), 100
X_LIMIT = 6.0  # the plot shows -6 <= x <= 6
#: Fixed axes per activation (output range; largest slope |w|*max h' for |w| <= 8), so
#: the cached background is redrawn only when the activation changes, never on a drag.
#: A steep ReLU leaves the top of its panel: it grows without bound, as the readout says.
Y_LIMITS = {"step": (-0.1, 1.1), "sigmoid": (-0.1, 1.1), "relu": (-0.5, 8.5), "tanh": (-1.15, 1.15)}
SLOPE_LIMITS = {"step": 2.2, "sigmoid": 2.2, "relu": 8.8, "tanh": 8.8}


def _slider(name: str, value: float) -> widgets.FloatSlider:
    # min, step and value are multiples of 0.25, exact in binary: no bounce-back on render.
    return widgets.FloatSlider(
        value=value, min=-8.0, max=8.0, step=0.25, description=name, readout_format=".2f"
    )


class ActivationExplorer(Explorer):
    """One neuron y = h(w*x + b): its curve (left) and its slope dy/dx = w h'(w*x + b) (right).

    Shaded bands mark where the output is flat (exactly 0 for step and ReLU, within
    ``tol`` of a limit for sigmoid and tanh); there the slope, and with it learning,
    is (almost) zero. ``state`` holds ``x``, ``y``, ``slope`` and ``regions``.
    """

    canvas: BlitFigureImage  # the engine's canvas: this explorer blits

    def __init__(
        self, activation: str = "sigmoid", w: float = 1.0, b: float = 0.0, tol: float = 0.01
    ) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(_("unknown activation {name!r}; choose from {choices}").format(
                name=activation, choices=list(ACTIVATIONS)))
        self.tol = tol
        self.x = np.linspace(-X_LIMIT, X_LIMIT, 601)
        controls = {
            "activation": widgets.ToggleButtons(options=list(ACTIVATIONS), value=activation),
            "w": _slider("w", w),
            "b": _slider("b", b),
        }
        canvas = BlitFigureImage(figsize=FIGSIZE, dpi=DPI)
        self._ax_y, self._ax_slope = canvas.figure.subplots(1, 2)
        (self._reference,) = self._ax_y.plot([], [], color="0.7", lw=1, label="h(x)")
        (self._curve,) = self._ax_y.plot([], [], lw=2, label="h(w·x+b)")
        (self._slope,) = self._ax_slope.plot([], [], lw=2, color="tab:red")
        # Two bands per panel at most (flat on the left, flat on the right), moved in place:
        # full-height rectangles in data x, what axvspan draws (matplotlib 3.8's axvspan
        # returns a Polygon, which cannot be moved by set_x).
        self._bands = [
            ax.add_patch(Rectangle((0, 0), 0, 1, transform=ax.get_xaxis_transform(),
                                   color="0.6", alpha=0.25, lw=0))
            for ax in (self._ax_y, self._ax_slope)
            for _side in range(2)
        ]
        for ax in (self._ax_y, self._ax_slope):
            ax.axhline(0, color="0.85", lw=0.8)
            ax.set_xlim(-X_LIMIT, X_LIMIT)
            ax.set_xlabel("x")
            # Few ticks: tick labels are most of the cost of a redraw.
            ax.xaxis.set_major_locator(MaxNLocator(5))
            ax.yaxis.set_major_locator(MaxNLocator(5))
            # One label format for every activation: the layout, fixed at the first draw,
            # then fits the labels of all of them.
            ax.yaxis.set_major_formatter(FormatStrFormatter("%.1f"))
        self._ax_slope.set_title(_("slope d/dx h(w·x+b) = w·h'(w·x+b)"), fontsize=10)
        self._title = self._ax_y.set_title("", fontsize=10)
        self._limits: str | None = None  # the activation the axes are scaled for
        canvas.animate(self._reference, self._curve, self._slope, self._title, *self._bands)
        super().__init__(controls, canvas, title=_("One neuron: y = h(w·x + b)"))

    def __repr__(self) -> str:
        v = self.values
        return f"ActivationExplorer(activation={v['activation']!r}, w={v['w']:g}, b={v['b']:g})"

    def compute(self, values: dict[str, Any]) -> dict[str, Any]:
        name, w, b = values["activation"], float(values["w"]), float(values["b"])
        act = ACTIVATIONS[name]
        a = w * self.x + b
        return {
            "activation": name, "w": w, "b": b, "x": self.x,
            "reference": act.function(self.x).astype(float),
            "y": act.function(a).astype(float),
            "slope": w * act.derivative(a),
            "regions": flat_regions(name, w, b, self.tol),
        }

    def draw(self, state: dict[str, Any]) -> None:
        x = state["x"]
        self._reference.set_data(x, state["reference"])
        self._curve.set_data(x, state["y"])
        self._slope.set_data(x, state["slope"])
        name = state["activation"]
        if name != self._limits:  # new axes: redraw the background once
            self._limits = name
            self._ax_y.set_ylim(*Y_LIMITS[name])
            self._ax_slope.set_ylim(-SLOPE_LIMITS[name], SLOPE_LIMITS[name])
            self.canvas.invalidate()
        w, b = state["w"], state["b"]
        self._title.set_text(_("{name}(w·x+b) for w={w:g}, b={b:g}; grey: {name}(x)").format(
            name=name, w=w, b=b))
        spans = [(max(r.lo, -X_LIMIT), min(r.hi, X_LIMIT)) for r in state["regions"]]
        spans = (spans + [(0.0, 0.0)] * 2)[:2]
        for i, band in enumerate(self._bands):
            lo, hi = spans[i % 2]
            band.set_x(lo)
            band.set_width(max(hi - lo, 0.0))

    def describe(self, state: dict[str, Any]) -> str:
        text = describe_flat_regions(state["activation"], state["w"], state["b"], self.tol)
        visible = [r for r in state["regions"] if max(r.lo, -X_LIMIT) < min(r.hi, X_LIMIT)]
        if state["regions"] and not visible:
            text += _(" (beyond the plotted -6..6)")
        if state["activation"] == "step":
            text += _(". Its slope is 0 wherever it exists: gradient descent gets no signal")
        elif state["w"] == 0:
            text += _(". Its slope is 0 everywhere")
        elif state["regions"]:
            steepest = float(np.abs(state["slope"]).max())
            text += _(". In the shaded parts the slope is (nearly) 0, so there is little to learn"
                      " from; the steepest slope shown is {steepest:.3g}").format(steepest=steepest)
        return text + _(".")


def activation_explorer(
    activation: str = "sigmoid", w: float = 1.0, b: float = 0.0
) -> ActivationExplorer:
    """Build the activation explorer: activation buttons, w and b sliders (-8..8, step 0.25)."""
    check_choice(activation, "activation", ACTIVATIONS)
    w, b = number_in(w, "w", -8.0, 8.0), number_in(b, "b", -8.0, 8.0)
    return ActivationExplorer(activation, w, b)
