"""Chapter 09's explorers: the optimizer race (§6.1), the initial weights (§6.2) and
regularization (§6.4).

All three are built on the engine's seams: controls, then ``compute(values)`` (numbers,
no drawing), ``draw(state)`` (artists changed in place), ``describe(state)`` (the readout
text) and, for the buttons, ``on_control(name, change)``; the engine draws the first
state once the explorer is built. A test sets ``controls[name].value`` and reads
:attr:`state`.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import numpy as np

from nnlib.chapters.ch09_learning_techniques.experiments import Run, regularization_grid
from nnlib.chapters.ch09_learning_techniques.init_weights import (
    ACTIVATIONS,
    OUTPUT_RANGE,
    he_scale,
    judge,
    layer_activations,
    layer_stats,
    xavier_scale,
)
from nnlib.chapters.ch09_learning_techniques.paths import (
    BOOK_LRS,
    BOOK_START,
    BOOK_STEPS,
    SURFACES,
    get_surface,
    race,
)
from nnlib.chapters.ch09_learning_techniques.paths import shown as surface_label
from nnlib.chapters.ch09_learning_techniques.plots import (
    COLOURS,
    draw_surface,
    drawable,
    histogram_shares,
)
from nnlib.engines.explorer import BlitFigureImage, Explorer
from nnlib.i18n import _

__all__ = ["OptimizerRaceExplorer", "optimizer_race_explorer", "InitialWeightsExplorer",
           "initial_weights_explorer", "RegularizationExplorer", "regularization_explorer",
           "RACE_LRS", "NODES"]

#: The learning rates a race slider offers (one arrow-key press each); the book's four
#: (0.95, 0.1, 1.5, 0.3) and each optimizer's default are among them.
RACE_LRS = (0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.95, 1.0, 1.05, 1.1,
            1.5, 2.0, 3.0, 5.0)
#: The loss panel's fixed range (fixed, so only the curves are redrawn).
LOSS_LIMITS = (1e-10, 1e3)
MAX_STEPS = 100
#: Units per layer in the initial-weights experiment (the book's 100): Xavier's and He's
#: scales are computed for this fan-in.
NODES = 100


class OptimizerRaceExplorer(Explorer):
    """SGD, Momentum, AdaGrad and Adam from one start on one surface, each with its own lr.

    The contours are drawn once per surface; a slider move recomputes the four runs (the
    book's loop, exact gradients) and blits the paths and loss curves onto the background.
    """

    canvas: BlitFigureImage  # the engine's canvas: this explorer blits

    def __init__(self, surface: str = "book", lrs: dict[str, float] | None = None,
                 start: tuple[float, float] = BOOK_START, steps: int = BOOK_STEPS) -> None:
        get_surface(surface)
        if lrs is not None and not isinstance(lrs, dict):
            raise TypeError(_("lrs must be a dict {{optimizer name: learning rate}}, "
                              "got {kind}").format(kind=type(lrs).__name__))
        lrs = {**BOOK_LRS, **(lrs or {})}
        unknown = set(lrs) - set(BOOK_LRS)
        if unknown:
            raise ValueError(_("lrs may set {names}; got {unknown}").format(
                names=", ".join(BOOK_LRS), unknown=sorted(unknown)))
        controls: dict[str, widgets.Widget] = {
            "surface": widgets.Dropdown(options=[(surface_label(s.label), s.name)
                                                 for s in SURFACES.values()],
                                        value=surface, description=_("surface")),
        }
        for name, lr in lrs.items():
            controls[f"lr {name}"] = widgets.SelectionSlider(
                options=[(f"{v:g}", v) for v in RACE_LRS], value=_lr_choice(lr),
                description=_("lr {name}").format(name=name))
        controls["steps"] = widgets.IntSlider(value=steps, min=1, max=MAX_STEPS,
                                              description=_("steps"))
        # step 0.25 is exact in binary: the browser sends back the value it was given
        controls["x"] = widgets.FloatSlider(value=start[0], min=-9.5, max=9.5, step=0.25,
                                            description=_("start x"))
        controls["y"] = widgets.FloatSlider(value=start[1], min=-4.5, max=4.5, step=0.25,
                                            description=_("start y"))
        self._names = list(lrs)
        self._drawn_surface: str | None = None
        self._contours = None
        canvas = BlitFigureImage(figsize=(9.0, 4.6), dpi=80)
        self._build(canvas)
        super().__init__(controls, canvas, title=_("optimizer race 最適化手法の比較"))

    def _build(self, canvas: BlitFigureImage) -> None:
        fig = canvas.figure
        self.ax_path, self.ax_loss = fig.subplots(1, 2, width_ratios=[1.5, 1.0])
        self.paths, self.losses = {}, {}
        for name in self._names:
            colour = COLOURS[name]
            self.paths[name], = self.ax_path.plot([], [], "o-", ms=2.2, lw=1.2, color=colour,
                                                  label=name, zorder=3)
            self.losses[name], = self.ax_loss.plot([], [], "-", lw=1.4, color=colour, label=name)
        self.start_marker, = self.ax_path.plot([], [], "o", ms=9, mfc="none", mec="k", zorder=4)
        self.ax_path.legend(loc="upper right", fontsize=7)
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_ylim(*LOSS_LIMITS)
        self.ax_loss.set_xlim(0, MAX_STEPS)
        self.ax_loss.set_xlabel(_("update"))
        self.ax_loss.set_ylabel(_("f at the point"))
        self.ax_loss.set_title(_("loss per update (log scale)"), fontsize=10)
        canvas.animate(*self.paths.values(), *self.losses.values(), self.start_marker)

    def __repr__(self) -> str:
        v = self.values
        lrs = ", ".join(f"{n}={v[f'lr {n}']:g}" for n in self._names)
        return (f"OptimizerRaceExplorer(surface={v['surface']!r}, {lrs}, start=({v['x']:g}, "
                f"{v['y']:g}), steps={v['steps']})")

    def compute(self, values: dict[str, Any]) -> dict[str, Any]:
        lrs = {name: values[f"lr {name}"] for name in self._names}
        results = race(lrs, values["surface"], (values["x"], values["y"]), values["steps"])
        return {"surface": get_surface(values["surface"]), "results": results,
                "steps": values["steps"]}

    def draw(self, state: dict[str, Any]) -> None:
        surface = state["surface"]
        if surface.name != self._drawn_surface:
            if self._contours is not None:
                self._contours.remove()
            self._contours = draw_surface(self.ax_path, surface)
            self.ax_path.set_title(surface_label(surface.label), fontsize=10)
            self._drawn_surface = surface.name
            self.canvas.invalidate()
        for name, result in state["results"].items():
            shown = drawable(result.path)
            self.paths[name].set_data(shown[:, 0], shown[:, 1])
            floor = LOSS_LIMITS[0] / 10  # 0 (or below the panel) leaves through the floor
            self.losses[name].set_data(np.arange(len(result.losses)),
                                       np.clip(result.losses, floor, 10 * LOSS_LIMITS[1]))
        first = next(iter(state["results"].values())).path
        self.start_marker.set_data(first[:1, 0], first[:1, 1])

    def describe(self, state: dict[str, Any]) -> str:
        parts, finishers = [], {}
        for name, result in state["results"].items():
            colour = COLOURS[name]
            if result.escaped_at is not None:
                parts.append(_("<b style='color:{colour}'>{name}</b> escaped after update "
                               "{update} (lr {lr:g} too large)").format(
                                   colour=colour, name=name, update=result.escaped_at,
                                   lr=result.lr))
            else:
                loss = float(result.losses[-1])
                finishers[name] = loss
                parts.append(f"<b style='color:{colour}'>{name}</b> f = {loss:.3g}")
        text = "; ".join(parts)
        if finishers:
            best = min(finishers, key=finishers.__getitem__)
            text += _(". Closest to the minimum after {steps} updates: <b>{best}</b>.").format(
                steps=state["steps"], best=best)
        return text


def _lr_choice(lr: float) -> float:
    for choice in RACE_LRS:
        if math.isclose(lr, choice, rel_tol=1e-9):
            return choice
    raise ValueError(_("lr must be one of the sliders' values {choices}; got {lr}").format(
        choices=", ".join(map(str, RACE_LRS)), lr=lr))


def optimizer_race_explorer(surface: str = "book", lrs: dict[str, float] | None = None,
                            start: tuple[float, float] = BOOK_START,
                            steps: int = BOOK_STEPS) -> OptimizerRaceExplorer:
    """The race of the book's Figure 6-8, live: its surface, start (-7, 2), 30 updates and
    learning rates (SGD 0.95, Momentum 0.1, AdaGrad 1.5, Adam 0.3) by default; ``lrs``
    overrides some of them (each one of :data:`RACE_LRS`)."""
    return OptimizerRaceExplorer(surface=surface, lrs=lrs, start=start, steps=steps)


class InitialWeightsExplorer(Explorer):
    """Activation function x initial scale -> the five layers' histograms, and a verdict.

    The scale slider is logarithmic; the Xavier and He buttons set it to sqrt(1/100) and
    sqrt(2/100). Each update reruns the book's experiment (1,000 x 100 inputs, 5 layers of
    100 units, the same seeded draws) and decides the verdict from the measured statistics.
    """

    canvas: BlitFigureImage  # the engine's canvas: this explorer blits

    def __init__(self, activation: str = "sigmoid", scale: float = 1.0, seed: int = 0) -> None:
        if not isinstance(activation, str) or activation not in ACTIVATIONS:
            raise ValueError(_("activation must be one of {choices}, got {name!r}").format(
                choices=", ".join(ACTIVATIONS), name=activation))
        controls = {
            "activation": widgets.ToggleButtons(options=list(ACTIVATIONS), value=activation,
                                                description=_("activation")),
            "scale": widgets.FloatLogSlider(value=scale, base=10, min=-3, max=1, step=0.01,
                                            description=_("weight std"), readout_format=".3g"),
            "xavier": widgets.Button(description=_("Xavier √(1/n)")),
            "he": widgets.Button(description=_("He √(2/n)")),
        }
        self.seed = seed
        self._drawn_activation: str | None = None
        canvas = BlitFigureImage(figsize=(9.0, 2.7), dpi=80)
        self.axes = list(canvas.figure.subplots(1, 5, sharey=True))
        self.bars = []
        for i, ax in enumerate(self.axes):
            self.bars.append(ax.stairs(np.zeros(1), [0.0, 1.0], fill=True, color="steelblue"))
            ax.set_title(_("{n}-layer").format(n=i + 1), fontsize=9)
            ax.set_yticks([])
            ax.set_ylim(0, 1.1)
        self.axes[0].set_ylabel(_("tallest bar = top"), fontsize=8)
        canvas.animate(*self.bars)
        super().__init__(controls, canvas, title=_("initial weights 重みの初期値"))

    def on_control(self, name: str, change: Any) -> None:
        """The Xavier and He buttons move the scale slider (whose change redraws); any other
        control redraws at once."""
        if name == "xavier":
            self.set_scale(xavier_scale(NODES))
        elif name == "he":
            self.set_scale(he_scale(NODES))
        else:
            self.refresh()

    def set_scale(self, value: float) -> None:
        """Move the scale slider (what the Xavier and He buttons do)."""
        self.controls["scale"].value = value

    def __repr__(self) -> str:
        v = self.values
        return f"InitialWeightsExplorer(activation={v['activation']!r}, scale={v['scale']:.4g})"

    def compute(self, values: dict[str, Any]) -> dict[str, Any]:
        activation, scale = values["activation"], values["scale"]
        outputs = layer_activations(activation, scale, nodes=NODES, seed=self.seed)
        stats = [layer_stats(z, activation) for z in outputs]
        hists = [histogram_shares(z, activation) for z in outputs]
        return {"activation": activation, "scale": scale, "stats": stats, "histograms": hists,
                "verdict": judge(stats, activation), "name": _scale_name(scale)}

    def draw(self, state: dict[str, Any]) -> None:
        """Each panel scaled to its tallest bar (ReLU's: the tallest above 0, its 0 bar
        leaving through the top), so a spread, a spike and two ends all read at a glance;
        the readout gives the numbers (text in the figure would cost most of an update)."""
        activation = state["activation"]
        if activation != self._drawn_activation:
            for ax in self.axes:
                ax.set_xlim(*OUTPUT_RANGE[activation])
            self._drawn_activation = activation
            self.canvas.invalidate()
        for bar, (edges, shares), tallest in zip(self.bars, state["histograms"],
                                                 _tallest(state), strict=True):
            bar.set_data(np.minimum(shares / (tallest or 1.0), 1.09), edges)

    def describe(self, state: dict[str, Any]) -> str:
        colour = "#1a7f37" if state["verdict"].name == "healthy" else "#cf222e"
        stds = " ".join(f"{s.std:.2g}" for s in state["stats"])
        tallest = " ".join(f"{t:.2g}%" for t in _tallest(state))
        zeros = (_(" Exactly 0: {shares}.").format(
                     shares=" ".join(f"{s.zero:.0%}" for s in state["stats"]))
                 if state["activation"] == "relu" else "")
        return _("{activation} with weight std {scale:.3g}{name}: <b style='color:{colour}'>"
                 "{verdict}</b>.<br>Layers 1-5: std {stds}; tallest bar {tallest} of the "
                 "outputs.{zeros}").format(
                     activation=state["activation"], scale=state["scale"], name=state["name"],
                     colour=colour, verdict=state["verdict"].text, stds=stds, tallest=tallest,
                     zeros=zeros)


def _tallest(state: dict[str, Any]) -> list[float]:
    """Each layer's tallest bar in %, leaving out ReLU's bar at 0."""
    start = 1 if state["activation"] == "relu" else 0
    return [float(shares[start:].max()) for _edges, shares in state["histograms"]]


def _scale_name(scale: float) -> str:
    for name, value in (("Xavier", xavier_scale(NODES)), ("He", he_scale(NODES))):
        if math.isclose(scale, value, rel_tol=2e-3):
            return f" ({name}, √({1 if name == 'Xavier' else 2}/{NODES}))"
    return ""


def initial_weights_explorer(activation: str = "sigmoid", scale: float = 1.0,
                             seed: int = 0) -> InitialWeightsExplorer:
    """The histograms of the book's Figures 6-10 to 6-14, live: activation x weight std."""
    return InitialWeightsExplorer(activation=activation, scale=scale, seed=seed)


class RegularizationExplorer(Explorer):
    """Dropout ratio x weight decay λ -> train and test accuracy on the overfitting setup.

    Training a run takes seconds, too slow for a slider, so the runs are computed once
    (:func:`~nnlib.chapters.ch09_learning_techniques.experiments.regularization_grid`, a
    small grid at a small size) and the sliders look them up.
    """

    def __init__(self, grid: dict[tuple[float, float], Run] | None = None,
                 dropout_ratio: float | None = None, weight_decay: float | None = None) -> None:
        self.grid = regularization_grid() if grid is None else dict(grid)
        if not self.grid:
            raise ValueError(_("grid is empty; pass regularization_grid(...)"))
        ratios = sorted({r for r, _lam in self.grid})
        lambdas = sorted({lam for _r, lam in self.grid})
        for name, value, options in (("dropout_ratio", dropout_ratio, ratios),
                                     ("weight_decay", weight_decay, lambdas)):
            if value is not None and value not in options:
                raise ValueError(_("{name} must be one of the grid's values {options}, got "
                                   "{value}").format(name=name, options=options, value=value))
        controls = {
            "dropout": widgets.SelectionSlider(
                options=[(f"{r:g}", r) for r in ratios], description=_("dropout ratio"),
                value=ratios[0] if dropout_ratio is None else dropout_ratio),
            "lambda": widgets.SelectionSlider(
                options=[(f"{lam:g}", lam) for lam in lambdas], description=_("λ (decay)"),
                value=lambdas[0] if weight_decay is None else weight_decay),
        }
        canvas = BlitFigureImage(figsize=(6.4, 3.0), dpi=80)
        self.ax = canvas.figure.subplots()
        last = max(max(run.epochs) for run in self.grid.values())
        self.ax.set_xlim(0, last)
        self.ax.set_ylim(0, 1.0)
        self.ax.set_xlabel(_("epochs"))
        self.ax.set_ylabel(_("accuracy"))
        self.train_line, = self.ax.plot([], [], color="tab:blue", label=_("train"))
        self.test_line, = self.ax.plot([], [], "--", color="tab:orange", label=_("test"))
        self.ax.legend(loc="lower right")
        canvas.animate(self.train_line, self.test_line)
        super().__init__(controls, canvas, title=_("regularization 正則化: Dropout × Weight decay"))

    def __repr__(self) -> str:
        v = self.values
        return (f"RegularizationExplorer(dropout_ratio={v['dropout']:g}, "
                f"weight_decay={v['lambda']:g})")

    def compute(self, values: dict[str, Any]) -> dict[str, Any]:
        run = self.grid[(values["dropout"], values["lambda"])]
        return {"dropout": values["dropout"], "lambda": values["lambda"], "run": run,
                "train": run.train_acc[-1], "test": run.test_acc[-1],
                "gap": run.train_acc[-1] - run.test_acc[-1]}

    def draw(self, state: dict[str, Any]) -> None:
        run = state["run"]
        self.train_line.set_data(run.epochs, run.train_acc)
        self.test_line.set_data(run.epochs, run.test_acc)

    def describe(self, state: dict[str, Any]) -> str:
        gaps = {key: run.train_acc[-1] - run.test_acc[-1] for key, run in self.grid.items()}
        largest = state["gap"] >= max(gaps.values())
        verdict = (_("the largest gap of the grid: overfitting") if largest
                   else _("the smallest gap of the grid") if state["gap"] <= min(gaps.values())
                   else _("a gap between the grid's extremes"))
        return _("dropout {dropout:g}, λ {decay:g}: after {epochs} epochs train {train:.1%}, "
                 "test {test:.1%}; gap {gap:.1%}, <b>{verdict}</b>.").format(
                     dropout=state["dropout"], decay=state["lambda"],
                     epochs=state["run"].epochs[-1], train=state["train"], test=state["test"],
                     gap=state["gap"], verdict=verdict)


def regularization_explorer(grid: dict[tuple[float, float], Run] | None = None,
                            dropout_ratio: float | None = None,
                            weight_decay: float | None = None) -> RegularizationExplorer:
    """The overfitting runs of §6.4 (Figures 6-21 and 6-23) as two sliders over a grid of
    runs computed once (pass ``regularization_grid(...)``, or None to compute the default)."""
    return RegularizationExplorer(grid, dropout_ratio, weight_decay)
