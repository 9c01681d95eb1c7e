"""The playground's controls: the settings a reader can choose, their widgets and rows
(the optimizer and the dropout ratio are the book's §6.1 and §6.4.3, through the core).

:data:`DEFAULTS` and the choices below are the one list of what ``playground(...)``
accepts (:func:`checked_config`); :func:`build_controls` makes a widget for each,
:func:`arrange` lays them out in five compact rows, and :func:`refill_menus` keeps the
layer and neuron menus in step with the network's shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from nnlib.chapters.ch08_playground.data import DATA_SETS, FEATURES
from nnlib.chapters.ch08_playground.training import REGULARIZATIONS
from nnlib.i18n import _

__all__ = ["ACTIVATIONS", "DEFAULTS", "DROPOUTS", "LEARNING_RATES", "MAX_LAYERS", "MAX_NEURONS",
           "NOISES", "OPTIMIZERS", "RATES", "arrange", "build_controls", "checked_config",
           "features_of", "refill_menus"]

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
NOISES = tuple(round(0.05 * i, 2) for i in range(11))  # 0 to 50 %
MAX_LAYERS, MAX_NEURONS = 6, 8
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
#: The book's §6.1 optimizers (nnlib.optimizers, by name) and §6.4.3 dropout ratios.
OPTIMIZERS = ("SGD", "Momentum", "AdaGrad", "Adam")
DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.5)
DEFAULTS: dict[str, Any] = dict(
    data="circle", noise=0.0, train_percent=50, seed=0, features=["x1", "x2"], hidden=[4, 4],
    activation="tanh", lr=0.03, batch_size=10, regularization="none", rate=0.0,
    show_test=False, epochs=0, optimizer="SGD", dropout=0.0,
)
#: Controls whose change means new data (so a fresh network), and those the training reads.
NEW_DATA = frozenset({"data", "noise", "train_percent", "seed", "activation", "dropout",
                      *(f"feature {name}" for name in FEATURES)})
TRAINING = frozenset({"lr", "batch_size", "regularization", "rate", "optimizer"})
_SMALL = {"description_width": "60px"}
_WIDE = {"description_width": "76px"}


def _px(width: str, **kwargs: Any) -> widgets.Layout:
    return widgets.Layout(width=width, **kwargs)


def _slider(kind: type, description: str, width: str = "225px", **kwargs: Any) -> widgets.Widget:
    return kind(description=description, style=_SMALL, layout=_px(width),
                continuous_update=True, **kwargs)


def _button(description: str, width: str, icon: str = "") -> widgets.Button:
    return widgets.Button(description=description, icon=icon, layout=_px(width))


def build_controls(c: Mapping[str, Any]) -> dict[str, widgets.Widget]:
    """One widget per setting of the checked config ``c``, plus the buttons, keyed by name."""
    controls: dict[str, widgets.Widget] = {
        "data": widgets.Dropdown(options=list(DATA_SETS), value=c["data"], description=_("data"),
                                 style=_SMALL, layout=_px("170px")),
        "noise": _slider(widgets.SelectionSlider, _("noise"),
                         options=[(f"{v:.0%}", v) for v in NOISES], value=c["noise"]),
        "train_percent": _slider(widgets.IntSlider, _("train %"), min=10, max=90, step=10,
                                 value=c["train_percent"]),
        "seed": _slider(widgets.IntSlider, _("seed"), min=0, max=99, value=c["seed"]),
        "regenerate": _button(_("regenerate"), "130px", "refresh"),
    }
    for name in FEATURES:
        controls[f"feature {name}"] = widgets.ToggleButton(
            value=name in c["features"], description=name, layout=_px("62px"))
    return controls | {
        "activation": widgets.Dropdown(options=ACTIVATIONS, value=c["activation"],
                                       description=_("activation"), style=_WIDE,
                                       layout=_px("180px")),
        "remove_layer": _button(_("− layer"), "72px"),
        "add_layer": _button(_("+ layer"), "72px"),
        "layer": widgets.Dropdown(description=_("layer"), style={"description_width": "36px"},
                                  layout=_px("100px")),
        "remove_neuron": _button(_("− neuron"), "100px"),
        "add_neuron": _button(_("+ neuron"), "100px"),
        "lr": _slider(widgets.SelectionSlider, "学習率 lr",
                      options=[(f"{v:g}", v) for v in LEARNING_RATES], value=c["lr"]),
        "batch_size": _slider(widgets.IntSlider, _("batch"), min=1, max=30, value=c["batch_size"]),
        "optimizer": widgets.Dropdown(options=OPTIMIZERS, value=c["optimizer"],
                                      description=_("optimizer"), style=_WIDE,
                                      layout=_px("180px")),
        "dropout": _slider(widgets.SelectionSlider, _("dropout"), width="190px",
                           options=[(f"{v:g}", v) for v in DROPOUTS], value=c["dropout"]),
        "regularization": widgets.Dropdown(options=REGULARIZATIONS, value=c["regularization"],
                                           description=_("regularize"), style=_WIDE,
                                           layout=_px("170px")),
        "rate": _slider(widgets.SelectionSlider, _("rate"),
                        options=[(f"{v:g}", v) for v in RATES], value=c["rate"]),
        "play": widgets.Play(value=0, min=0, max=10**9, interval=60, show_repeat=False,
                             description=_("play"), layout=_px("110px", height="32px")),
        "step": _button(_("step"), "80px", "step-forward"),
        "reset": _button(_("reset"), "80px", "undo"),
        "show_test": widgets.Checkbox(value=c["show_test"], description=_("test points"),
                                      indent=False, layout=_px("110px")),
        "look_inside": widgets.ToggleButton(value=False, description=_("look inside one step"),
                                            layout=_px("170px")),
        "neuron": widgets.Dropdown(layout=_px("190px")),
    }


def arrange(k: Mapping[str, widgets.Widget], epoch_label: widgets.Widget) -> list[widgets.HBox]:
    """The controls in five compact rows (data, features, network, training, play)."""
    row = widgets.HBox
    return [
        row([k["data"], k["noise"], k["train_percent"], k["seed"], k["regenerate"]]),
        row([widgets.Label(_("features"), layout=_px("66px")),
             *(k[f"feature {name}"] for name in FEATURES)]),
        row([k["activation"], k["remove_layer"], k["add_layer"], k["layer"],
             k["remove_neuron"], k["add_neuron"], k["dropout"]]),
        row([k["lr"], k["batch_size"], k["optimizer"], k["regularization"], k["rate"]]),
        row([k["play"], k["step"], k["reset"], epoch_label, k["show_test"],
             k["look_inside"], k["neuron"]]),
    ]


def features_of(values: Mapping[str, Any]) -> list[str]:
    """The features switched on, in the order of FEATURES."""
    return [name for name in FEATURES if values[f"feature {name}"]]


def refill_menus(controls: Mapping[str, widgets.Widget], hidden: Sequence[int], keep: int) -> None:
    """Refill the layer and neuron menus for a network with ``hidden`` layer sizes; the
    layer menu keeps layer ``keep`` (or the nearest), the neuron menu its neuron if it exists."""
    layer = controls["layer"]
    layer.options = [(str(i), i) for i in range(1, len(hidden) + 1)] or [("-", 0)]
    layer.value = min(max(keep, 1), len(hidden)) if hidden else 0
    neuron = controls["neuron"]
    old = neuron.value
    options = [(_("layer {i}, neuron {j}").format(i=i, j=j), (i, j))
               for i, size in enumerate(hidden, start=1) for j in range(1, size + 1)]
    options += [(_("output, class {k}").format(k=j - 1), (len(hidden) + 1, j)) for j in (1, 2)]
    neuron.options = options
    neuron.value = old if old in [o[1] for o in options] else options[0][1]


def checked_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """DEFAULTS updated by ``config``, each setting checked (a clear error naming it)."""
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        raise TypeError(_("playground() got unknown setting(s) {unknown}; the settings are "
                          "{settings} and layers").format(unknown=unknown,
                                                          settings=", ".join(DEFAULTS)))
    c = DEFAULTS | dict(config)
    choices = {"data": tuple(DATA_SETS), "activation": ACTIVATIONS, "noise": NOISES,
               "lr": LEARNING_RATES, "rate": RATES, "regularization": REGULARIZATIONS,
               "train_percent": tuple(range(10, 100, 10)), "batch_size": tuple(range(1, 31)),
               "seed": tuple(range(100)), "optimizer": OPTIMIZERS, "dropout": DROPOUTS}
    for name, allowed in choices.items():
        if c[name] not in allowed:
            raise ValueError(_("{name} must be one of {allowed}, got {value!r}").format(
                name=name, allowed=", ".join(map(repr, allowed)), value=c[name]))
    features = list(c["features"])
    if not features or any(f not in FEATURES for f in features):
        raise ValueError(_("features must be a non-empty list from {choices}, got {value!r}")
                         .format(choices=list(FEATURES), value=c["features"]))
    hidden = list(c["hidden"])
    if len(hidden) > MAX_LAYERS or any(
            isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_NEURONS
            for n in hidden):
        raise ValueError(_("hidden must list up to {layers} layer sizes of 1 to "
                           "{neurons} neurons, got {value!r}").format(
                               layers=MAX_LAYERS, neurons=MAX_NEURONS, value=c["hidden"]))
    if isinstance(c["epochs"], bool) or not isinstance(c["epochs"], int) or c["epochs"] < 0:
        raise ValueError(_("epochs must be an integer >= 0, got {value!r}").format(
            value=c["epochs"]))
    return c | {"features": features, "hidden": hidden}
