"""Chapter 4's explorer: the probability of the right class against two loss functions."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np

from nnlib._checks import check_choice, number_in
from nnlib.chapters.ch04_loss_functions.losses import (
    REST_MODES,
    loss_slopes,
    loss_values,
    spread_probabilities,
)
from nnlib.engines.explorer import BlitFigureImage, Explorer
from nnlib.engines.formatting import fixed
from nnlib.functions import CROSS_ENTROPY_DELTA, cross_entropy_error, sum_squared_error
from nnlib.i18n import _

__all__ = ["LossExplorer", "loss_explorer"]

#: 8 x 3.4 in at 100 dpi: an 800 x 340 px picture, the width of JupyterLab's notebook column.
FIGSIZE, DPI = (8.0, 3.4), 100
SSE_COLOUR, CE_COLOUR = "tab:blue", "tab:red"
LOSS_TOP = 5.0  # the loss axis stops here; cross-entropy goes on up to -log(delta) = 16.1
TANGENT_LENGTH = 0.16  # in axes fractions
REST_LABELS = {"even": "spread evenly", "one": "all on one wrong class"}


def _rest_labels() -> dict[str, str]:
    """REST_LABELS in the current language."""
    return {"even": _("spread evenly"), "one": _("all on one wrong class")}


def _tidy(value: float, decimals: int) -> str:
    """Fixed decimals, never "-0.000"; values of 10,000 and more in 3 significant digits."""
    return fixed(value, decimals, big=1e4)


class LossExplorer(Explorer):
    """Sum of squared errors and cross-entropy as the correct class's probability p moves.

    State: ``p``, ``rest``, ``y`` (the probability vector), ``sse`` and ``ce`` (from
    nnlib.functions) and their slopes ``sse_slope`` and ``ce_slope`` (dE/dp).
    """

    def __init__(
        self,
        p: widgets.FloatSlider,
        rest: widgets.ToggleButtons,
        correct: int = 2,
        num_classes: int = 10,
    ) -> None:
        spread_probabilities(0.5, correct, num_classes)  # checks correct and num_classes
        self.correct, self.num_classes = correct, num_classes
        self.grid = np.linspace(0.0, 1.0, 201)
        self.curves = {
            mode: loss_values(self.grid, correct, num_classes, mode) for mode in REST_MODES
        }
        canvas = BlitFigureImage(figsize=FIGSIZE, dpi=DPI)
        self._build(canvas)
        super().__init__({"p": p, "rest": rest}, canvas,
                         title=_("Two loss functions, one slider"))

    def _build(self, canvas: BlitFigureImage) -> None:
        left, right = canvas.figure.subplots(1, 2, width_ratios=[1.0, 1.3])
        classes = np.arange(self.num_classes)
        colours = [CE_COLOUR if k == self.correct else "silver" for k in classes]
        self.bars = left.bar(classes, np.zeros(self.num_classes), color=colours)
        left.set(
            ylim=(0, 1.05),
            xticks=classes,
            xlabel=_("class (the right answer is {correct})").format(correct=self.correct),
            ylabel=_("probability y"),
            title=_("the output y of the network"),
        )
        sse, ce = self.curves["even"]
        (self.sse_curve,) = right.plot(self.grid, sse, color=SSE_COLOUR, label=_("sum of squares"))
        right.plot(self.grid, ce, color=CE_COLOUR, label=_("cross-entropy"))
        self.markers = {}
        self.tangents = {}
        for name, colour in (("sse", SSE_COLOUR), ("ce", CE_COLOUR)):
            (self.markers[name],) = right.plot(
                [], [], "o", color=colour, markersize=7, clip_on=False
            )
            (self.tangents[name],) = right.plot([], [], color="black", linewidth=1.5)
        right.set(
            xlim=(-0.02, 1.02),
            ylim=(0, LOSS_TOP),
            xlabel=_("p, the probability of the right class"),
            ylabel=_("loss E"),
            title=_("losses and their slopes (black tangents)"),
        )
        right.legend(loc="upper right", fontsize=8)
        right.grid(alpha=0.3)
        self.right = right
        canvas.animate(*self.bars, self.sse_curve, *self.markers.values(), *self.tangents.values())

    def compute(self, values: dict[str, Any]) -> dict[str, Any]:
        p, rest = float(values["p"]), values["rest"]
        y = spread_probabilities(p, self.correct, self.num_classes, rest)
        sse_slope, ce_slope = loss_slopes(p, self.num_classes, rest)
        return {
            "p": p,
            "rest": rest,
            "y": y,
            "sse": sum_squared_error(y, self.correct),
            "ce": cross_entropy_error(y, self.correct),
            "sse_slope": sse_slope,
            "ce_slope": ce_slope,
        }

    def _tangent(self, p: float, level: float, slope: float) -> tuple[list[float], list[float]]:
        # A segment of fixed on-screen length, however steep: scale dx by the axes' aspect.
        aspect = LOSS_TOP / 1.0
        half_dx = 0.5 * TANGENT_LENGTH / np.hypot(1.0, slope / aspect)
        return [p - half_dx, p + half_dx], [level - slope * half_dx, level + slope * half_dx]

    def draw(self, state: dict[str, Any]) -> None:
        for bar, height in zip(self.bars, state["y"], strict=True):
            bar.set_height(height)
        self.sse_curve.set_ydata(self.curves[state["rest"]][0])
        for name in ("sse", "ce"):
            level, slope = state[name], state[f"{name}_slope"]
            off_chart = level > LOSS_TOP
            self.markers[name].set_data([state["p"]], [min(level, LOSS_TOP * 0.98)])
            self.markers[name].set_marker("^" if off_chart else "o")
            self.tangents[name].set_data(
                *(([], []) if off_chart else self._tangent(state["p"], level, slope))
            )

    def describe(self, state: dict[str, Any]) -> str:
        p = state["p"]
        head = _(
            "<b>p = {p:.2f}</b> on class {correct}, the rest {rest}: "
            "sum of squares E = {sse} (slope {sse_slope}), "
            "cross-entropy E = {ce} (slope {ce_slope})"
        ).format(p=p, correct=self.correct, rest=_rest_labels()[state["rest"]],
                 sse=_tidy(state["sse"], 4), sse_slope=_tidy(state["sse_slope"], 3),
                 ce=_tidy(state["ce"], 4), ce_slope=_tidy(state["ce_slope"], 3))
        if p == 0.0:
            note = _(
                "p = 0 would make -log p infinite; the tiny delta = {delta:g} "
                "caps it at {ce:.2f} (off the chart, marked by the triangle)."
            ).format(delta=CROSS_ENTROPY_DELTA, ce=state["ce"])
        elif p < 0.2:
            ceiling = self.curves[state["rest"]][0][0]
            steepest = abs(loss_slopes(0.0, self.num_classes, state["rest"])[0])
            cap = self.curves[state["rest"]][1][0]
            note = _(
                "A confident mistake. Sum of squares can never exceed {ceiling:.2f}, and its "
                "slope is never steeper than -{steepest:.2f}; cross-entropy is "
                "{larger:.1f} times larger and {steeper:.0f} times steeper, and it keeps growing "
                "as p falls to 0 (up to {cap:.1f}, the cap set by delta)."
            ).format(ceiling=ceiling, steepest=steepest, larger=state["ce"] / state["sse"],
                     steeper=state["ce_slope"] / state["sse_slope"], cap=cap)
        elif p > 0.9:
            note = _(
                "Nearly right: both losses head to 0. The slope of sum of squares vanishes; "
                "cross-entropy's tends to -1."
            )
        else:
            note = _(
                "Cross-entropy is {steeper:.1f} times steeper "
                "here. Slide p towards 0 to see a confident mistake."
            ).format(steeper=state["ce_slope"] / state["sse_slope"])
        return f"{head}<br>{note}"

    def __repr__(self) -> str:
        return f"LossExplorer(p={self.values['p']:.2f}, rest={self.values['rest']!r})"


def loss_explorer(p: float = 0.6, rest: str = "even") -> LossExplorer:
    """Slide the probability p of the right class (class 2 of 10, as in the book's example).

    ``rest`` says where the other 1 - p goes: ``"even"`` over the nine wrong classes, or
    ``"one"`` all on a single wrong class.
    """
    p = number_in(p, "p", 0.0, 1.0)
    check_choice(rest, "rest", REST_LABELS)
    slider = widgets.FloatSlider(
        value=p, min=0.0, max=1.0, step=0.01, description="p", readout_format=".2f"
    )
    toggle = widgets.ToggleButtons(
        options=[(label, mode) for mode, label in _rest_labels().items()],
        value=rest,
        description=_("the rest"),
        # Each button as wide as its label: the default fixed width cut "all on one wrong class".
        style={"button_width": "auto"},
    )
    return LossExplorer(slider, toggle)
