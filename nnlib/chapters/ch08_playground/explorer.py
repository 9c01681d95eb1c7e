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
"""

from __future__ import annotations

import html
import io
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.collections import LineCollection

from nnlib._checks import check_instance
from nnlib.chapters.ch08_playground.data import DATA_SETS, FEATURES, feature_matrix
from nnlib.chapters.ch08_playground.plots import (
    CLASS_COLOURS,
    CMAP,
    draw_boundary,
    draw_points,
    plane_grid,
)
from nnlib.chapters.ch08_playground.training import (
    REGULARIZATIONS,
    Training,
    explain_step,
    hidden_outputs,
    make_training,
)
from nnlib.engines.explorer import BlitFigureImage, Explorer

__all__ = ["Playground", "playground"]

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
NOISES = tuple(round(0.05 * i, 2) for i in range(11))  # 0 to 50 %
MAX_LAYERS, MAX_NEURONS = 6, 8
GRID, NODE_GRID = 100, 25  # the boundary's resolution, and each neuron picture's
POINTS = 500
DEFAULTS: dict[str, Any] = dict(
    data="circle", noise=0.0, train_percent=50, seed=0, features=["x1", "x2"], hidden=[4, 4],
    activation="tanh", lr=0.03, batch_size=10, regularization="none", rate=0.0,
    show_test=False, epochs=0,
)
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
_NET_W, _NET_H, _NODE = 464, 416, NODE_GRID  # the network drawing, in pixels; a node's side
_SMALL = {"description_width": "60px"}
_WIDE = {"description_width": "76px"}


def _slider(kind: type, description: str, width: str = "225px", **kwargs: Any) -> widgets.Widget:
    return kind(description=description, style=_SMALL, layout=widgets.Layout(width=width),
                continuous_update=True, **kwargs)


class _Pixels(Artist):
    """Pastes ready-made RGBA pixels straight into the canvas (no resampling): the heat maps
    are sized in whole pixels, so matplotlib's image pipeline would only cost time."""

    def __init__(self) -> None:
        super().__init__()
        self.patches: list[tuple[int, int, np.ndarray]] = []  # (top row, left column, pixels)

    def draw(self, renderer: Any) -> None:
        if not self.get_visible():
            return
        buffer = np.asarray(renderer.buffer_rgba())
        for top, left, pixels in self.patches:
            buffer[top : top + pixels.shape[0], left : left + pixels.shape[1]] = pixels


class _LiveCanvas(BlitFigureImage):
    """Live frames go out as JPEG (quality 90): about 3 ms to encode here instead of the
    15 ms of a PNG with these smooth heat maps, and smaller. The saved first state (the
    picture without a kernel) stays the engine's PNG."""

    def __init__(self, figsize: tuple[float, float], dpi: int) -> None:
        super().__init__(figsize=figsize, dpi=dpi)
        self.image.format = "jpeg"

    def send(self) -> None:
        pixels = np.asarray(self.figure.canvas.buffer_rgba())
        buffer = io.BytesIO()
        PIL.Image.fromarray(pixels[..., :3]).save(buffer, format="jpeg", quality=90)
        self.image.value = buffer.getvalue()


class Playground(Explorer):
    """A TensorFlow-Playground-like explorer on nnlib: see the module docstring."""

    def __init__(self, *, layers: Mapping[str, type] | None = None, **config: Any) -> None:
        config = _checked(config)
        self.layers_given = dict(layers) if layers else None
        self.hidden = list(config["hidden"])
        self.grid = plane_grid(GRID)
        self._exact = True  # False once a training setting changed after epoch 0
        self._quiet = False
        c = config
        controls: dict[str, widgets.Widget] = {
            "data": widgets.Dropdown(options=list(DATA_SETS), value=c["data"], description="data",
                                     style=_SMALL, layout=widgets.Layout(width="170px")),
            "noise": _slider(widgets.SelectionSlider, "noise",
                             options=[(f"{v:.0%}", v) for v in NOISES], value=c["noise"]),
            "train_percent": _slider(widgets.IntSlider, "train %", min=10, max=90, step=10,
                                     value=c["train_percent"]),
            "seed": _slider(widgets.IntSlider, "seed", min=0, max=99, value=c["seed"]),
            "regenerate": widgets.Button(description="regenerate", icon="refresh",
                                         layout=widgets.Layout(width="130px")),
        }
        for name in FEATURES:
            controls[f"feature {name}"] = widgets.ToggleButton(
                value=name in c["features"], description=name,
                layout=widgets.Layout(width="62px"))
        controls |= {
            "activation": widgets.Dropdown(options=ACTIVATIONS, value=c["activation"],
                                           description="activation", style=_WIDE,
                                           layout=widgets.Layout(width="180px")),
            "remove_layer": widgets.Button(description="− layer",
                                           layout=widgets.Layout(width="72px")),
            "add_layer": widgets.Button(description="+ layer",
                                        layout=widgets.Layout(width="72px")),
            "layer": widgets.Dropdown(description="layer", style={"description_width": "36px"},
                                      layout=widgets.Layout(width="100px")),
            "remove_neuron": widgets.Button(description="− neuron",
                                            layout=widgets.Layout(width="100px")),
            "add_neuron": widgets.Button(description="+ neuron",
                                         layout=widgets.Layout(width="100px")),
            "lr": _slider(widgets.SelectionSlider, "学習率 lr",
                          options=[(f"{v:g}", v) for v in LEARNING_RATES], value=c["lr"]),
            "batch_size": _slider(widgets.IntSlider, "batch", min=1, max=30,
                                  value=c["batch_size"]),
            "regularization": widgets.Dropdown(options=REGULARIZATIONS, value=c["regularization"],
                                               description="regularize", style=_WIDE,
                                               layout=widgets.Layout(width="170px")),
            "rate": _slider(widgets.SelectionSlider, "rate",
                            options=[(f"{v:g}", v) for v in RATES], value=c["rate"]),
            "play": widgets.Play(value=0, min=0, max=10**9, interval=60, show_repeat=False,
                                 description="play",
                                 layout=widgets.Layout(width="110px", height="32px")),
            "step": widgets.Button(description="step", icon="step-forward",
                                   layout=widgets.Layout(width="80px")),
            "reset": widgets.Button(description="reset", icon="undo",
                                    layout=widgets.Layout(width="80px")),
            "show_test": widgets.Checkbox(value=c["show_test"], description="test points",
                                          indent=False, layout=widgets.Layout(width="110px")),
            "look_inside": widgets.ToggleButton(value=False, description="look inside one step",
                                                layout=widgets.Layout(width="170px")),
            "neuron": widgets.Dropdown(layout=widgets.Layout(width="190px")),
        }
        self.epoch_label = widgets.HTML(layout=widgets.Layout(width="95px"))
        self.epoch_label.add_class("nnlib-playground-epoch")
        self.call_line = widgets.HTML()
        self.inside = widgets.HTML(layout=widgets.Layout(display="none"))
        self._layer_options(controls, keep=1)
        self.training = self._new_training(controls, c)
        canvas = _LiveCanvas(figsize=(_NET_W / 80 / 0.58, _NET_H / 80), dpi=80)
        canvas.figure.set_layout_engine("none")
        self._build_artists(canvas)
        super().__init__(controls, canvas, title="Playground: a network from nnlib's layers "
                         "learns to separate two classes in the plane")
        self._arrange()
        for name, handler in (("regenerate", self._regenerate), ("add_layer", self._add_layer),
                              ("remove_layer", self._remove_layer),
                              ("add_neuron", self._add_neuron),
                              ("remove_neuron", self._remove_neuron),
                              ("step", self.step), ("reset", self.reset)):
            controls[name].on_click(handler)
        if c["epochs"]:
            self.training.train_epochs(c["epochs"])
            self.refresh()

    # -- building ---------------------------------------------------------------------------
    def _arrange(self) -> None:
        """Controls in five compact rows, then the picture, the readout and the call."""
        k = self.controls
        row = widgets.HBox
        rows = [
            row([k["data"], k["noise"], k["train_percent"], k["seed"], k["regenerate"]]),
            row([widgets.Label("features", layout=widgets.Layout(width="66px")),
                 *(k[f"feature {name}"] for name in FEATURES)]),
            row([k["activation"], k["remove_layer"], k["add_layer"], k["layer"],
                 k["remove_neuron"], k["add_neuron"]]),
            row([k["lr"], k["batch_size"], k["regularization"], k["rate"]]),
            row([k["play"], k["step"], k["reset"], self.epoch_label, k["show_test"],
                 k["look_inside"], k["neuron"]]),
        ]
        self.children = (self.children[0], *rows, self.canvas.image, self.readout,
                         self.call_line, self.inside)

    def _features(self, controls: Mapping[str, widgets.Widget] | None = None) -> list[str]:
        controls = controls or self.controls
        return [name for name in FEATURES if controls[f"feature {name}"].value]

    def _new_training(self, controls: Mapping[str, widgets.Widget],
                      config: Mapping[str, Any] | None = None) -> Training:
        v = {name: control.value for name, control in controls.items()
             if hasattr(control, "value")}
        features = self._features(controls) or ["x1"]
        return make_training(v["data"], noise=v["noise"], train_percent=v["train_percent"],
                             seed=v["seed"], features=features, hidden=self.hidden,
                             activation=v["activation"], lr=v["lr"], batch_size=v["batch_size"],
                             regularization=v["regularization"], rate=v["rate"], points=POINTS,
                             layers=self.layers_given)

    def _layer_options(self, controls: Mapping[str, widgets.Widget], keep: int) -> None:
        """Refill the layer and neuron menus after the network's shape changed."""
        self._quiet = True
        try:
            layer = controls["layer"]
            layer.options = [(str(i), i) for i in range(1, len(self.hidden) + 1)] or [("-", 0)]
            layer.value = min(max(keep, 1), len(self.hidden)) if self.hidden else 0
            neuron = controls["neuron"]
            old = neuron.value
            options = [(f"layer {i}, neuron {j}", (i, j))
                       for i, size in enumerate(self.hidden, start=1)
                       for j in range(1, size + 1)]
            options += [(f"output, class {j - 1}", (len(self.hidden) + 1, j)) for j in (1, 2)]
            neuron.options = options
            neuron.value = old if old in [o[1] for o in options] else options[0][1]
        finally:
            self._quiet = False

    def _build_artists(self, canvas: BlitFigureImage) -> None:
        fig = canvas.figure
        self.ax_net = fig.add_axes((0, 0, 0.58, 1))
        self.ax_net.set_xlim(0, _NET_W)
        self.ax_net.set_ylim(0, _NET_H)
        self.ax_net.set_autoscale_on(False)
        self.ax_net.axis("off")
        self.edges = LineCollection([], zorder=1)
        self.ax_net.add_collection(self.edges)
        self.pixels = _Pixels()  # every neuron's picture and the boundary, pixel for pixel
        self.labels = [self.ax_net.text(0, 0, "", fontsize=7, ha="center", va="bottom",
                                        visible=False) for _ in range(len(FEATURES) + 8)]
        self._layout: tuple | None = None
        self._points_of: Training | None = None
        # 300 x 300 pixels: each of the 100 x 100 grid cells is 3 x 3 pixels.
        self.ax_boundary = fig.add_axes((484 / 800, 112 / _NET_H, 300 / 800, 300 / _NET_H))
        draw_boundary(self.ax_boundary, None, GRID).set_visible(False)
        for spine in self.ax_boundary.spines.values():
            spine.set_visible(False)
        self.train_points = draw_points(self.ax_boundary, np.zeros((1, 2)), np.zeros(1, int))
        self.test_points = draw_points(self.ax_boundary, np.zeros((1, 2)), np.zeros(1, int),
                                       test=True)
        self.ax_loss = fig.add_axes((484 / 800, 25 / _NET_H, 300 / 800, 56 / _NET_H))
        self.ax_loss.set_xlim(0, 1)
        self.ax_loss.set_xticks([])
        self.ax_loss.set_ylim(0, 1)
        self.ax_loss.set_yticks([0, 0.5, 1])
        self.ax_loss.tick_params(labelsize=7, length=2, pad=1)
        self.ax_loss.set_xlabel("epochs →", fontsize=7, labelpad=1)
        self.ax_loss.set_title("loss: train — test - -", fontsize=7, pad=2)
        (self.train_line,) = self.ax_loss.plot([], [], color="0.1", lw=1.2)
        (self.test_line,) = self.ax_loss.plot([], [], color="0.1", lw=1.0, ls="--")
        canvas.animate(self.pixels, self.edges, self.train_points,
                       self.test_points, self.train_line, self.test_line)

    # -- the controls -----------------------------------------------------------------------
    _NEW_DATA = {"data", "noise", "train_percent", "seed"}
    _TRAINING = {"lr", "batch_size", "regularization", "rate"}

    def _on_change(self, change: Mapping[str, Any]) -> None:
        if self._quiet:
            return
        name = next((n for n, c in self.controls.items() if c is change["owner"]), "")
        if name == "play":
            if change["new"] <= change["old"]:
                return  # the stop button rewinds the counter: nothing to train
            self.training.train_epochs(1, trace=self.controls["look_inside"].value)
        elif name in self._TRAINING:
            t, v = self.training, self.values
            t.lr, t.batch_size = v["lr"], v["batch_size"]
            t.regularization, t.rate = v["regularization"], v["rate"]
            self._exact = self._exact and t.epoch == 0
        elif name in self._NEW_DATA or name.startswith("feature") or name == "activation":
            self.reset()
            return
        self.refresh()

    def step(self, _button: widgets.Button | None = None) -> None:
        """Train one epoch (and trace its last mini-batch), then redraw."""
        self.training.train_epochs(1, trace=True)
        self.refresh()

    def reset(self, _button: widgets.Button | None = None) -> None:
        """A fresh network and data for the current settings, at epoch 0."""
        self.training = self._new_training(self.controls)
        self._exact = True
        self.refresh()

    def _regenerate(self, _button: widgets.Button) -> None:
        seed = self.controls["seed"]
        seed.value = (seed.value + 1) % (seed.max + 1)  # its observer resets

    def _reshape(self, hidden: list[int], keep: int) -> None:
        self.hidden = hidden
        self._layer_options(self.controls, keep)
        self.reset()

    def _add_layer(self, _button: widgets.Button) -> None:
        if len(self.hidden) < MAX_LAYERS:
            self._reshape([*self.hidden, self.hidden[-1] if self.hidden else 4],
                          len(self.hidden) + 1)

    def _remove_layer(self, _button: widgets.Button) -> None:
        if self.hidden:
            self._reshape(self.hidden[:-1], len(self.hidden) - 1)

    def _change_neurons(self, delta: int) -> None:
        layer = self.controls["layer"].value
        if layer and 1 <= self.hidden[layer - 1] + delta <= MAX_NEURONS:
            hidden = list(self.hidden)
            hidden[layer - 1] += delta
            self._reshape(hidden, layer)

    def _add_neuron(self, _button: widgets.Button) -> None:
        self._change_neurons(+1)

    def _remove_neuron(self, _button: widgets.Button) -> None:
        self._change_neurons(-1)

    # -- the engine's three steps -----------------------------------------------------------
    def compute(self, values: dict[str, Any]) -> dict[str, Any]:
        t = self.training
        features = self._features()
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
                "epoch": t.epoch, "train_loss": train_loss, "test_loss": test_loss,
                "test_error": t.test_error(), "trace": t.last_trace}

    def _node_positions(self, sizes: Sequence[int]) -> list[list[tuple[float, float]]]:
        xs = np.linspace(70, _NET_W - 24, len(sizes)).round()
        top, bottom, gap = _NET_H - 40, 10, 44
        middle = (top + bottom) // 2
        return [[(float(x), middle + ((k - 1) / 2 - i) * gap) for i in range(k)]
                for x, k in zip(xs, sizes, strict=True)]

    def draw(self, state: dict[str, Any]) -> None:
        columns = state["columns"]
        positions = self._node_positions([len(c) for c in columns])
        patches = []
        for column, places in zip(columns, positions, strict=True):
            for values, (x, y) in zip(column, places, strict=True):
                scale = float(np.max(np.abs(values))) or 1.0
                rgba = CMAP(0.5 + 0.5 * values[::-1] / scale, bytes=True)  # rows from the top
                patches.append((_NET_H - int(y) - _NODE // 2, int(x) - _NODE // 2, rgba))
        cell = 300 // GRID
        boundary = CMAP(state["probability"].reshape(GRID, GRID)[::-1], bytes=True)
        patches.append((_NET_H - 412, 484, boundary.repeat(cell, axis=0).repeat(cell, axis=1)))
        self.pixels.patches = patches
        self._draw_edges(positions)
        layout = (tuple(state["features"]), tuple(self.hidden))
        if layout != self._layout:  # the labels are static: drawn again only when they change
            self._layout = layout
            self._draw_labels(state, positions)
            self.canvas.invalidate()
        t = self.training
        if self._points_of is not t:  # new data: move the points (not on every tick)
            self._points_of = t
            for artist, points, labels in ((self.train_points, t.points_train, t.t_train),
                                           (self.test_points, t.points_test, t.t_test)):
                artist.set_offsets(points)
                artist.set_facecolors(np.array(CLASS_COLOURS)[labels])
        self.test_points.set_visible(self.controls["show_test"].value)
        x = np.linspace(0, 1, len(t.train_loss)) if len(t.train_loss) > 1 else [0.0]
        self.train_line.set_data(x, t.train_loss)
        self.test_line.set_data(x, t.test_loss)
        top = max(1.0, float(np.ceil(max(max(t.train_loss), max(t.test_loss)) * 2) / 2))
        if np.isfinite(top) and top != self.ax_loss.get_ylim()[1]:
            self.ax_loss.set_ylim(0, top)
            self.ax_loss.set_yticks([0, top / 2, top])
            self.canvas.invalidate()
        self._show_inside(state)

    def _draw_edges(self, positions: list[list[tuple[float, float]]]) -> None:
        half = _NODE / 2
        segments, widths, colours = [], [], []
        for layer, (left, right) in enumerate(zip(positions, positions[1:], strict=False), start=1):
            W = self.training.net.params[f"W{layer}"]
            for i, (x0, y0) in enumerate(left):
                for j, (x1, y1) in enumerate(right):
                    segments.append(((x0 + half, y0), (x1 - half, y1)))
                    widths.append(min(0.3 + 1.2 * abs(float(W[i, j])), 4.0))
                    colours.append(CLASS_COLOURS[1] if W[i, j] > 0 else CLASS_COLOURS[0])
        self.edges.set_segments(segments)
        self.edges.set_linewidths(widths)
        self.edges.set_colors(colours)

    def _draw_labels(self, state: dict[str, Any], positions: list) -> None:
        texts = [(x, y, name, "right") for name, (x, y) in zip(state["features"] or ["x1"],
                                                              positions[0], strict=True)]
        texts += [(places[0][0], positions[-1][0][1] if not places else _NET_H - 34,
                   f"{len(places)} neuron{'s' * (len(places) > 1)}", "center")
                  for places in positions[1:-1]]
        texts.append((positions[-1][0][0], positions[-1][0][1] + _NODE / 2 + 2, "output",
                      "center"))
        for label, (x, y, text, align) in zip(self.labels, texts, strict=False):
            shift = -_NODE / 2 - 4 if align == "right" else 0
            label.set_position((x + shift, y if align != "right" else y - 4))
            label.set_text(text)
            label.set_ha(align)
            label.set_visible(True)
        for label in self.labels[len(texts):]:
            label.set_visible(False)

    def _show_inside(self, state: dict[str, Any]) -> None:
        on = self.controls["look_inside"].value
        self.inside.layout.display = "" if on else "none"
        if not on:
            return
        trace = state["trace"]
        if trace is None or len(trace.pre) != len(self.hidden) + 1:
            self.inside.value = "<i>press <b>step</b> (or play): the last mini-batch of the " \
                                "epoch is shown here, number by number</i>"
            return
        layer, neuron = self.controls["neuron"].value
        text = explain_step(trace, layer, neuron)
        self.inside.value = (f"<pre style='font-size:11px;line-height:1.25;margin:0'>"
                             f"{html.escape(text)}</pre>")

    def describe(self, state: dict[str, Any]) -> str:
        epoch = state["epoch"]
        self.epoch_label.value = f"<b>epoch {epoch:,}</b>"
        self.call_line.value = f"<code style='font-size:11px'>{html.escape(repr(self))}</code>"
        hidden = ", ".join(map(str, self.hidden)) or "none"
        return (f"epoch {epoch} · train loss {state['train_loss']:.3f} · test loss "
                f"{state['test_loss']:.3f} · test error {state['test_error']:.1%} · "
                f"hidden layers [{hidden}], {self.values['activation']}")

    # -- the one call -----------------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        """The whole configuration: ``playground(**explorer.config())`` rebuilds this state."""
        v = self.values
        return dict(data=v["data"], noise=v["noise"], train_percent=v["train_percent"],
                    seed=v["seed"], features=self._features() or ["x1"], hidden=list(self.hidden),
                    activation=v["activation"], lr=v["lr"], batch_size=v["batch_size"],
                    regularization=v["regularization"], rate=v["rate"],
                    show_test=v["show_test"], epochs=self.training.epoch)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        if self.layers_given:
            mine = ", ".join(f"{k!r}: {cls.__name__}" for k, cls in self.layers_given.items())
            args += f", layers={{{mine}}}"
        note = "" if self._exact else "  # training settings changed while training"
        return f"playground({args}){note}"


def _checked(config: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        raise TypeError(f"playground() got unknown setting(s) {unknown}; the settings are "
                        f"{', '.join(DEFAULTS)} and layers")
    c = DEFAULTS | dict(config)
    choices = {"data": tuple(DATA_SETS), "activation": ACTIVATIONS, "noise": NOISES,
               "lr": LEARNING_RATES, "rate": RATES, "regularization": REGULARIZATIONS,
               "train_percent": tuple(range(10, 100, 10)), "batch_size": tuple(range(1, 31)),
               "seed": tuple(range(100))}
    for name, allowed in choices.items():
        if c[name] not in allowed:
            raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}, "
                             f"got {c[name]!r}")
    features = list(c["features"])
    if not features or any(f not in FEATURES for f in features):
        raise ValueError(f"features must be a non-empty list from {list(FEATURES)}, "
                         f"got {c['features']!r}")
    hidden = list(c["hidden"])
    if len(hidden) > MAX_LAYERS or any(
            isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_NEURONS
            for n in hidden):
        raise ValueError(f"hidden must list up to {MAX_LAYERS} layer sizes of 1 to "
                         f"{MAX_NEURONS} neurons, got {c['hidden']!r}")
    if isinstance(c["epochs"], bool) or not isinstance(c["epochs"], int) or c["epochs"] < 0:
        raise ValueError(f"epochs must be an integer >= 0, got {c['epochs']!r}")
    return c | {"features": features, "hidden": hidden}


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
