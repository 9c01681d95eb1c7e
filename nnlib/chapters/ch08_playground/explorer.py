"""The playground of chapter 08: the reader's network learns to separate points in the plane.

Pick a data set, the features fed in and the hidden layers, then press play: an
``ipywidgets.Play`` ticks from the browser, and each tick the kernel trains one epoch and
redraws the decision boundary, every neuron's output over the plane (the small squares of
the network drawing, whose lines are the weights: blue positive, orange negative, thicker
is larger) and the train and test loss curves.

The whole configuration prints as one call (``repr(explorer)``), which rebuilds the same
state: ``playground(data="spiral", hidden=[8, 8], activation="tanh", lr=0.03, seed=3)``.
``playground(layers={"Affine": MyAffine, "Relu": MyRelu})`` trains with layer classes
the reader wrote (see :func:`~nnlib.chapters.ch08_playground.training.build_network`).

This module is the glue: the controls live in :mod:`.controls`, the picture in
:mod:`.diagram`, the training in :mod:`.training`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np

from nnlib._checks import check_instance
from nnlib.chapters.ch08_playground.controls import (
    DEFAULTS,
    MAX_LAYERS,
    MAX_NEURONS,
    NEW_DATA,
    TRAINING,
    arrange,
    build_controls,
    checked_config,
    features_of,
    refill_menus,
)
from nnlib.chapters.ch08_playground.data import feature_matrix
from nnlib.chapters.ch08_playground.diagram import GRID, NODE_GRID, LiveCanvas, NetworkDiagram
from nnlib.chapters.ch08_playground.plots import plane_grid
from nnlib.chapters.ch08_playground.training import (
    Training,
    explain_step,
    hidden_outputs,
    make_training,
)
from nnlib.engines.explorer import Explorer
from nnlib.i18n import _

__all__ = ["DEFAULTS", "Playground", "playground"]

POINTS = 500


def _changed(**settings: Any) -> dict[str, Any]:
    """The settings that differ from their defaults (the book's §6 additions, shown in the
    call only when used, so the call of a plain SGD playground stays as it was)."""
    return {name: value for name, value in settings.items() if value != DEFAULTS[name]}


class Playground(Explorer):
    """A TensorFlow-Playground-like explorer on nnlib: see the module docstring."""

    def __init__(self, *, layers: Mapping[str, type] | None = None, **config: Any) -> None:
        c = checked_config(config)
        self.layers_given = dict(layers) if layers else None
        self.hidden = list(c["hidden"])
        self.grid = plane_grid(GRID)
        self._exact = True  # False once a training setting changed after epoch 0
        self._quiet = False  # True while the layer menus are refilled
        controls = build_controls(c)
        refill_menus(controls, self.hidden, keep=1)
        self.epoch_label = widgets.HTML(layout=widgets.Layout(width="95px"))
        self.epoch_label.add_class("nnlib-playground-epoch")
        self.call_line = widgets.HTML()
        self.inside = widgets.HTML(layout=widgets.Layout(display="none"))
        canvas = LiveCanvas()
        self.diagram = NetworkDiagram(canvas)
        super().__init__(controls, canvas, title=_("Playground: a network from nnlib's layers "
                                 "learns to separate two classes in the plane"))
        self.training = self._new_training()
        if c["epochs"]:
            self.training.train_epochs(c["epochs"])

    # -- the engine's seams ---------------------------------------------------------------
    def layout(self) -> Sequence[widgets.Widget]:
        return (self.title, *arrange(self.controls, self.epoch_label), self.canvas.image,
                self.readout, self.call_line, self.inside)

    def on_control(self, name: str, change: Mapping[str, Any] | None) -> None:
        if self._quiet:
            return
        if name == "play":
            if change is None or change["new"] <= change["old"]:
                return  # the stop button rewinds the counter: nothing to train
            self.training.train_epochs(1, trace=self.controls["look_inside"].value)
        elif name in TRAINING:
            t, v = self.training, self.values
            t.lr, t.batch_size = v["lr"], v["batch_size"]
            t.regularization, t.rate = v["regularization"], v["rate"]
            t.optimizer = v["optimizer"]
            self._exact = self._exact and t.epoch == 0
        elif name in NEW_DATA:
            return self.reset()
        elif name in self._BUTTONS:
            return self._BUTTONS[name](self)
        self.refresh()

    def compute(self, values: dict[str, Any]) -> dict[str, Any]:
        t = self.training
        features = features_of(values)
        grid_features = feature_matrix(self.grid, features or ["x1"])
        hidden, probability = hidden_outputs(t.net, grid_features)
        small = slice(None, None, GRID // NODE_GRID)

        def picture(column: np.ndarray) -> np.ndarray:
            return column.reshape(GRID, GRID)[small, small]

        columns = [[picture(grid_features[:, i]) for i in range(grid_features.shape[1])]]
        columns += [[picture(h[:, j]) for j in range(h.shape[1])] for h in hidden]
        columns.append([picture(probability * 2 - 1)])
        train_loss, test_loss = t.losses()
        return {"columns": columns, "probability": probability, "features": features,
                "hidden": list(self.hidden), "activation": values["activation"],
                "weights": [t.net.params[f"W{i}"] for i in range(1, len(columns))],
                "points": (t.points_train, t.t_train, t.points_test, t.t_test),
                "show_test": values["show_test"], "train_losses": list(t.train_loss),
                "test_losses": list(t.test_loss), "epoch": t.epoch, "train_loss": train_loss,
                "test_loss": test_loss, "test_error": t.test_error(),
                "inside": self._inside(values) if values["look_inside"] else None}

    def draw(self, state: dict[str, Any]) -> None:
        self.diagram.draw(state)

    def describe(self, state: dict[str, Any]) -> str:
        hidden = ", ".join(map(str, state["hidden"])) or _("none")
        return _("epoch {epoch} · train loss {train:.3f} · test loss {test:.3f} · "
                 "test error {error:.1%} · hidden layers [{hidden}], {activation}").format(
                     epoch=state["epoch"], train=state["train_loss"], test=state["test_loss"],
                     error=state["test_error"], hidden=hidden, activation=state["activation"])

    def refresh(self) -> None:
        """The engine's refresh, then the epoch, the one call and the look inside."""
        super().refresh()
        self.epoch_label.value = _("<b>epoch {epoch:,}</b>").format(epoch=self.state["epoch"])
        self.call_line.value = f"<code style='font-size:11px'>{html.escape(repr(self))}</code>"
        inside = self.state["inside"]
        self.inside.layout.display = "none" if inside is None else ""
        if inside is not None:
            self.inside.value = inside

    def _inside(self, values: dict[str, Any]) -> str:
        trace = self.training.last_trace
        if trace is None or len(trace.pre) != len(self.hidden) + 1:
            return _("<i>press <b>step</b> (or play): the last mini-batch of the epoch is shown "
                     "here, number by number</i>")
        layer, neuron = values["neuron"]
        text = explain_step(trace, layer, neuron)
        return (f"<pre style='font-size:11px;line-height:1.25;margin:0'>"
                f"{html.escape(text)}</pre>")

    # -- the buttons --------------------------------------------------------------------------
    def step(self, _button: widgets.Button | None = None) -> None:
        """Train one epoch (and trace its last mini-batch), then redraw."""
        self.training.train_epochs(1, trace=True)
        self.refresh()

    def reset(self, _button: widgets.Button | None = None) -> None:
        """A fresh network and data for the current settings, at epoch 0."""
        self.training = self._new_training()
        self._exact = True
        self.refresh()

    def _new_training(self) -> Training:
        v = self.values
        return make_training(v["data"], noise=v["noise"], train_percent=v["train_percent"],
                             seed=v["seed"], features=features_of(v) or ["x1"],
                             hidden=self.hidden, activation=v["activation"], lr=v["lr"],
                             batch_size=v["batch_size"], regularization=v["regularization"],
                             rate=v["rate"], points=POINTS, layers=self.layers_given,
                             optimizer=v["optimizer"], dropout=v["dropout"])

    def _regenerate(self) -> None:
        seed = self.controls["seed"]
        seed.value = (seed.value + 1) % (seed.max + 1)  # its change resets

    def _reshape(self, hidden: list[int], keep: int) -> None:
        self.hidden = hidden
        self._quiet = True
        try:
            refill_menus(self.controls, self.hidden, keep)
        finally:
            self._quiet = False
        self.reset()

    def _add_layer(self) -> None:
        if len(self.hidden) < MAX_LAYERS:
            self._reshape([*self.hidden, self.hidden[-1] if self.hidden else 4],
                          len(self.hidden) + 1)

    def _remove_layer(self) -> None:
        if self.hidden:
            self._reshape(self.hidden[:-1], len(self.hidden) - 1)

    def _change_neurons(self, delta: int) -> None:
        layer = self.controls["layer"].value
        if layer and 1 <= self.hidden[layer - 1] + delta <= MAX_NEURONS:
            hidden = list(self.hidden)
            hidden[layer - 1] += delta
            self._reshape(hidden, layer)

    _BUTTONS = {
        "regenerate": _regenerate, "add_layer": _add_layer, "remove_layer": _remove_layer,
        "add_neuron": lambda self: self._change_neurons(+1),
        "remove_neuron": lambda self: self._change_neurons(-1),
        "step": step, "reset": reset,
    }

    # -- the one call -----------------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        """The whole configuration: ``playground(**explorer.config())`` rebuilds this state."""
        v = self.values
        return dict(data=v["data"], noise=v["noise"], train_percent=v["train_percent"],
                    seed=v["seed"], features=features_of(v) or ["x1"], hidden=list(self.hidden),
                    activation=v["activation"], lr=v["lr"], batch_size=v["batch_size"],
                    regularization=v["regularization"], rate=v["rate"],
                    show_test=v["show_test"], epochs=self.training.epoch,
                    **_changed(optimizer=v["optimizer"], dropout=v["dropout"]))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        if self.layers_given:
            mine = ", ".join(f"{k!r}: {cls.__name__}" for k, cls in self.layers_given.items())
            args += f", layers={{{mine}}}"
        note = "" if self._exact else _("  # training settings changed while training")
        return f"playground({args}){note}"


def playground(*, layers: Mapping[str, type] | None = None, **config: Any) -> Playground:
    """The playground explorer, starting from ``config`` (any of :data:`DEFAULTS`):
    ``data`` (circle, xor, gaussians, spiral), ``noise`` (0 to 0.5), ``train_percent``
    (10-90), ``seed``, ``features`` (from x1, x2, x1^2, x2^2, x1*x2, sin x1, sin x2),
    ``hidden`` (up to 6 layers of 1-8 neurons), ``activation`` (relu, tanh, sigmoid,
    linear), ``lr``, ``batch_size``, ``regularization`` (none, L1, L2) with its ``rate``,
    ``show_test`` and ``epochs`` (trained before it is shown). ``repr`` of the result is
    this call with its current settings.

    ``layers`` maps layer kinds to your own classes, e.g. ``{"Affine": MyAffine,
    "Relu": MyRelu}``: the network is then built from them and trained by their backward.
    """
    if layers is not None:
        check_instance(layers, "layers", Mapping, 'a mapping such as {"Affine": MyAffine}')
    return Playground(layers=layers, **config)
