"""Chapter 01's explorer: drag w1, w2 and b and watch which gate a perceptron computes."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np

from nnlib._checks import number_in
from nnlib.chapters.ch01_perceptron_to_network.perceptron import INPUTS, gate_name, truth_table
from nnlib.chapters.ch01_perceptron_to_network.plots import draw_gate, update_gate
from nnlib.engines.explorer import BlitFigureImage, Explorer
from nnlib.engines.formatting import fixed
from nnlib.i18n import _

__all__ = ["PerceptronExplorer", "perceptron_explorer"]

#: 4.6 x 4.0 in at 100 dpi: a 460 x 400 px picture, shown at that size (sharp, and with
#: the sliders and readout well within 700 px of height).
FIGSIZE, DPI = (4.6, 4.0), 100
#: The gates the chapter names; any other truth table is reported as "none of these".
NAMED_GATES = ("AND", "NAND", "OR", "NOR")


def _gate_label(gate: str) -> str:
    """``gate`` (a name from gate_name) for display: its words in the current language."""
    words = {"always 0": _("always 0"), "always 1": _("always 1"),
             "x1 (copies x1)": _("x1 (copies x1)"), "x2 (copies x2)": _("x2 (copies x2)")}
    return words.get(gate, gate)


def _slider(name: str, value: float) -> widgets.FloatSlider:
    # min, step and value are multiples of 0.25, exact in binary: no bounce-back on render.
    return widgets.FloatSlider(
        value=value, min=-2.0, max=2.0, step=0.25, description=name, continuous_update=True,
        readout_format=".2f",
    )


class PerceptronExplorer(Explorer):
    """Sliders w1, w2, b; the plot shows the line w1*x1 + w2*x2 + b = 0 and the 1-side.

    ``state`` holds the weights, ``outputs`` on (0,0), (1,0), (0,1), (1,1), the weighted
    sums ``a``, the ``gate`` name and which points lie exactly on the line.
    """

    def __init__(self, w1: float = 0.5, w2: float = 0.5, b: float = -0.75) -> None:
        controls = {"w1": _slider("w1", w1), "w2": _slider("w2", w2), "b": _slider("b", b)}
        canvas = BlitFigureImage(figsize=FIGSIZE, dpi=DPI)
        ax = canvas.figure.add_subplot()
        self._gate = draw_gate(ax, w1, w2, b)
        self._sums = [
            ax.text(x1 + 0.08, x2 + 0.1, "", fontsize=9, color="0.3") for x1, x2 in INPUTS
        ]
        self._title = ax.set_title("")
        # The axes never change, so only the moving parts are redrawn (blitting).
        gate = self._gate
        canvas.animate(gate.region, gate.line, gate.points, self._title, *self._sums)
        super().__init__(controls, canvas, title=_("Perceptron: y = step(w1·x1 + w2·x2 + b)"))

    def __repr__(self) -> str:
        v = self.values
        return f"PerceptronExplorer(w1={v['w1']:g}, w2={v['w2']:g}, b={v['b']:g})"

    def compute(self, values: dict[str, Any]) -> dict[str, Any]:
        w1, w2, b = (float(values[k]) for k in ("w1", "w2", "b"))
        sums = INPUTS @ np.array([w1, w2]) + b
        outputs = truth_table(w1, w2, b)
        on_line = [(int(x1), int(x2)) for (x1, x2), a in zip(INPUTS, sums, strict=True) if a == 0]
        return {
            "w1": w1, "w2": w2, "b": b,
            "a": sums,
            "outputs": outputs,
            "gate": gate_name(outputs),
            "on_line": on_line,
        }

    def draw(self, state: dict[str, Any]) -> None:
        update_gate(self._gate, state["w1"], state["w2"], state["b"])
        for text, a in zip(self._sums, state["a"], strict=True):
            text.set_text(f"a={fixed(a, 2, sign=True)}")
        self._title.set_text(_("computes {gate}").format(gate=_gate_label(state["gate"])))

    def describe(self, state: dict[str, Any]) -> str:
        rows = zip(INPUTS.astype(int), state["outputs"], strict=True)
        pairs = ", ".join(f"({x1},{x2})→{y}" for (x1, x2), y in rows)
        gate = _gate_label(state["gate"])
        if gate in NAMED_GATES:
            verdict = _("this perceptron is the <b>{gate}</b> gate").format(gate=gate)
        else:
            verdict = _("this perceptron computes <b>{gate}</b>, none of {named}").format(
                gate=gate, named="/".join(NAMED_GATES))
        text = _("outputs {pairs}: {verdict}.").format(pairs=pairs, verdict=verdict)
        if state["w1"] == 0 and state["w2"] == 0:
            text += _(" With w1 = w2 = 0 there is no line: every input gets step(b).")
        elif state["on_line"]:
            points = ", ".join(f"({x1},{x2})" for x1, x2 in state["on_line"])
            text += _(" On the line exactly: {points}; a = 0 there and step(0) = 0.").format(
                points=points)
        return text


def perceptron_explorer(w1: float = 0.5, w2: float = 0.5, b: float = -0.75) -> PerceptronExplorer:
    """Build the perceptron explorer (starts at AND; values snap to multiples of 0.25)."""
    w1, w2, b = (number_in(v, name, -2.0, 2.0) for v, name in ((w1, "w1"), (w2, "w2"), (b, "b")))
    return PerceptronExplorer(w1, w2, b)
