"""Chapter 08: the 2-D data sets, the playground's training loop and its explorer, headless."""

from __future__ import annotations

import base64
import io

import numpy as np
import PIL.Image
import pytest

from nnlib.chapters.ch08_playground.data import (
    DATA_SETS,
    LIMIT,
    feature_matrix,
    make_data,
    train_test_split,
)
from nnlib.chapters.ch08_playground.explorer import playground
from nnlib.chapters.ch08_playground.training import (
    build_network,
    explain_step,
    hidden_outputs,
    make_training,
)
from nnlib.gradient import numerical_gradient

# --- data --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(DATA_SETS))
def test_data_sets_are_balanced_seeded_and_inside_the_plane(name):
    points, labels = make_data(name, 301, noise=0.5, seed=4)
    assert points.shape == (301, 2) and labels.shape == (301,)
    assert np.bincount(labels).tolist() == [151, 150]
    assert np.all(np.abs(points) <= LIMIT)
    again, _ = make_data(name, 301, noise=0.5, seed=4)
    np.testing.assert_array_equal(points, again)
    other, _ = make_data(name, 301, noise=0.5, seed=5)
    assert not np.array_equal(points, other)


def test_noise_free_data_sets_have_their_shapes():
    p, t = make_data("circle", 400, seed=1)
    r = np.hypot(p[:, 0], p[:, 1])
    assert r[t == 1].max() <= 2.5 and r[t == 0].min() >= 3.5
    p, t = make_data("xor", 400, seed=1)
    np.testing.assert_array_equal(t, (np.sign(p[:, 0]) == np.sign(p[:, 1])).astype(int))
    assert np.abs(p).min() >= 0.3
    p, t = make_data("gaussians", 4000, seed=1)
    np.testing.assert_allclose(p[t == 1].mean(axis=0), [2, 2], atol=0.1)
    np.testing.assert_allclose(p[t == 0].std(axis=0), [1, 1], atol=0.1)
    p, t = make_data("spiral", 400, seed=1)
    r = np.hypot(p[:, 0], p[:, 1])
    s = (r - 0.5) / 4.5  # each point's place along its arm; angle 3 pi s (+ pi for class 1)
    angle = 3 * np.pi * s + np.pi * t
    np.testing.assert_allclose(p, np.column_stack([r * np.cos(angle), r * np.sin(angle)]),
                               atol=1e-9)


def test_noise_moves_points_by_its_standard_deviation():
    clean, t = make_data("gaussians", 20000, noise=0.0, seed=2)
    noisy, _ = make_data("gaussians", 20000, noise=0.25, seed=2)
    # each cloud: std 1, plus noise of std 2 * 0.25, so variance 1 + 0.25
    np.testing.assert_allclose(noisy[t == 1].std(axis=0), np.sqrt(1.25), atol=0.03)
    np.testing.assert_allclose(clean[t == 1].std(axis=0), 1.0, atol=0.03)
    np.testing.assert_allclose((noisy - clean).std(axis=0), 0.5, atol=0.01)


def test_split_and_features():
    points, labels = make_data("xor", 100, seed=0)
    x_tr, t_tr, x_te, t_te = train_test_split(points, labels, 0.3, seed=0)
    assert len(x_tr) == 30 and len(x_te) == 70
    together = np.concatenate([x_tr, x_te])
    assert sorted(map(tuple, together)) == sorted(map(tuple, points))
    assert len(train_test_split(points[:2], labels[:2], 0.1)[0]) == 1  # each part keeps one
    p = np.array([[1.0, 2.0], [-0.5, 3.0]])
    f = feature_matrix(p, ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2"])
    np.testing.assert_allclose(f[1], [-0.5, 3, 0.25, 9, -1.5, np.sin(-0.5), np.sin(3)])


@pytest.mark.parametrize(("call", "error", "word"), [
    (lambda: make_data("moons"), ValueError, "name"),
    (lambda: make_data("xor", noise=2), ValueError, "noise"),
    (lambda: make_data("xor", n=1), ValueError, "n"),
    (lambda: train_test_split(np.ones((4, 2)), np.ones(4), 1.0), ValueError, "train_fraction"),
    (lambda: train_test_split(np.ones((4, 2)), np.ones(3), 0.5), ValueError, "labels"),
    (lambda: feature_matrix(np.ones((4, 2)), ["x3"]), ValueError, "features"),
    (lambda: feature_matrix(np.ones((4, 3)), ["x1"]), ValueError, "shape"),
])
def test_data_bad_inputs(call, error, word):
    with pytest.raises(error, match=word):
        call()


# --- training ----------------------------------------------------------------------------


def _penalised_loss(training, x, t):
    """Cross-entropy of softmax(scores) plus the chosen penalty, written out here."""
    net = training.net
    weights = [net.params[n] for n in net.param_names if n.startswith("W")]
    penalty = {"none": 0.0,
               "L1": training.rate * sum(np.abs(W).sum() for W in weights),
               "L2": 0.5 * training.rate * sum((W**2).sum() for W in weights)}
    scores = net.predict(x)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    y = e / e.sum(axis=1, keepdims=True)
    return -np.mean(np.log(y[np.arange(len(t)), t] + 1e-7)) + penalty[training.regularization]


@pytest.mark.parametrize(("regularization", "activation"),
                         [("none", "relu"), ("L1", "tanh"), ("L2", "sigmoid")])
def test_traced_step_is_an_sgd_step_on_the_regularised_loss(regularization, activation):
    training = make_training("circle", hidden=[3, 2], activation=activation, lr=0.1,
                             regularization=regularization, rate=0.03, seed=1)
    net = training.net
    x, t = training.x_train[:6], training.t_train[:6]
    for name in ("b1", "b2", "b3"):  # off ReLU's kink at 0, where central differences straddle it
        net.params[name] += 0.05
    training.apply_settings()
    before = {n: p.copy() for n, p in net.params.items()}
    expected = {n: numerical_gradient(lambda _: _penalised_loss(training, x, t), net.params[n])
                for n in net.param_names}
    trace = training.traced_step(x, t)
    for name in net.param_names:
        np.testing.assert_allclose(trace.grads[name], expected[name], rtol=1e-4, atol=1e-7)
        np.testing.assert_allclose(net.params[name], before[name] - 0.1 * trace.grads[name])
    # what the trace kept is what the layers computed, checked against the formulas
    h1 = x @ before["W1"] + before["b1"]
    np.testing.assert_allclose(trace.pre[0], h1)
    np.testing.assert_array_equal(trace.inputs[0], x)
    assert len(trace.pre) == 3 and trace.post[2] is trace.pre[2]


def test_explain_step_shows_the_numbers_of_one_neuron():
    training = make_training("xor", hidden=[2], activation="tanh", seed=0)
    x, t = training.x_train[:4], training.t_train[:4]
    W, b = training.net.params["W1"][:, 1].copy(), float(training.net.params["b1"][1])
    trace = training.traced_step(x, t)
    text = explain_step(trace, layer=1, neuron=2, samples=2)
    a = x[0] @ W + b
    assert f"= {a:.3f}\n" in text and f"h = tanh(a) = {np.tanh(a):.3f}" in text
    dW = trace.grads["W1"][:, 1]
    assert f"[{dW[0]:.3f}, {dW[1]:.3f}]" in text.replace("-0.000", "0.000")
    assert "mini-batch of 4" in text and "update with lr = 0.03" in text
    assert "output neuron 1" in explain_step(trace, layer=2, neuron=1)
    with pytest.raises(ValueError, match="neuron"):
        explain_step(trace, layer=1, neuron=3)


class BookAffine:
    """An Affine layer written here from the book's formulas, as a reader would."""

    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW, self.db = self.x.T @ dout, dout.sum(axis=0)
        return dout @ self.W.T


class BookTanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out**2)


class CopyingAffine(BookAffine):
    def __init__(self, W, b):
        super().__init__(W.copy(), b.copy())


def test_the_readers_layers_train_the_same_network():
    mine = make_training("spiral", hidden=[4, 4], layers={"Affine": BookAffine, "Tanh": BookTanh})
    ours = make_training("spiral", hidden=[4, 4])
    assert type(mine.net.layers["Affine2"]) is BookAffine
    mine.train_epochs(3)
    ours.train_epochs(3)
    np.testing.assert_allclose(mine.train_loss, ours.train_loss, rtol=1e-10)
    with pytest.raises(ValueError, match="self.W = W"):
        build_network(2, [3], "relu", 0, {"Affine": CopyingAffine})
    with pytest.raises(ValueError, match="unknown"):
        build_network(2, [3], "relu", 0, {"Dense": BookAffine})


def test_hidden_outputs_are_each_layers_activations():
    net = build_network(2, [3, 2], "relu", 0)
    x = np.array([[1.0, -2.0], [0.5, 0.5]])
    (h1, h2), p = hidden_outputs(net, x)
    P = net.params
    np.testing.assert_allclose(h1, np.maximum(x @ P["W1"] + P["b1"], 0))
    np.testing.assert_allclose(h2, np.maximum(h1 @ P["W2"] + P["b2"], 0))
    s = h2 @ P["W3"] + P["b3"]
    np.testing.assert_allclose(p, 1 / (1 + np.exp(s[:, 0] - s[:, 1])))
    linear = build_network(2, [3], "linear", 0)
    (h,), _ = hidden_outputs(linear, x)
    np.testing.assert_allclose(h, x @ linear.params["W1"] + linear.params["b1"])


def test_spiral_learns_with_the_default_net_and_sin_features():
    training = make_training("spiral", features=["x1", "x2", "sin x1", "sin x2"])
    training.train_epochs(200)
    assert training.test_error() < 0.05


# --- the explorer ------------------------------------------------------------------------


def test_playing_trains_one_epoch_per_tick_and_redraws():
    explorer = playground(data="spiral", hidden=[8, 8], activation="tanh", lr=0.03, seed=3)
    assert repr(explorer).startswith("playground(data='spiral', noise=0.0, train_percent=50, "
                                     "seed=3, features=['x1', 'x2'], hidden=[8, 8], ")
    picture, loss = explorer.canvas.image.value, explorer.training.train_loss[-1]
    for _ in range(3):
        explorer.controls["play"].value += 1
    assert explorer.training.epoch == 3 and "epoch 3" in explorer.readout.value
    assert "epoch 3" in explorer.epoch_label.value
    assert explorer.canvas.image.value != picture
    assert explorer.training.train_loss[-1] < loss
    assert "epochs=3" in repr(explorer) and explorer.state["warnings"] == []


def test_the_printed_call_rebuilds_the_same_state():
    explorer = playground(data="xor", noise=0.1, features=["x1", "x2", "x1*x2"], hidden=[3],
                          activation="relu", regularization="L2", rate=0.01)
    explorer.step()
    explorer.step()
    again = eval(repr(explorer), {"playground": playground})
    assert again.training.epoch == 2
    np.testing.assert_array_equal(again.training.train_loss, explorer.training.train_loss)
    explorer.controls["lr"].value = 0.1  # changed while training: the call says so
    assert repr(explorer).endswith("# training settings changed while training")


def test_buttons_change_the_network_and_the_data():
    explorer = playground()
    explorer.controls["add_layer"].click()
    assert explorer.hidden == [4, 4, 4] and explorer.training.net.hidden_size_list == [4, 4, 4]
    explorer.controls["layer"].value = 1
    explorer.controls["add_neuron"].click()
    assert explorer.hidden == [5, 4, 4]
    explorer.controls["remove_layer"].click()
    assert explorer.hidden == [5, 4]
    options = [label for label, _ in explorer.controls["neuron"].options]
    assert options[0] == "layer 1, neuron 1" and "layer 3, neuron 1" not in options
    explorer.controls["feature sin x1"].value = True
    assert explorer.training.net.input_size == 3
    explorer.step()
    explorer.controls["data"].value = "gaussians"
    assert explorer.training.epoch == 0 and "data='gaussians'" in repr(explorer)
    explorer.controls["regenerate"].click()
    assert explorer.values["seed"] == 1
    for _ in range(6):
        explorer.controls["remove_layer"].click()
    assert explorer.hidden == [] and explorer.training.net.param_names == ("W1", "b1")
    explorer.step()  # one Affine layer straight to softmax still trains and draws
    assert "hidden layers [none]" in explorer.readout.value


def test_look_inside_shows_one_neurons_step():
    explorer = playground(data="circle", hidden=[2])
    explorer.controls["look_inside"].value = True
    assert "press <b>step</b>" in explorer.inside.value
    explorer.controls["neuron"].value = (1, 2)
    explorer.step()
    assert "hidden layer 1, neuron 2" in explorer.inside.value
    assert "dL/dw" in explorer.inside.value and explorer.inside.layout.display == ""
    explorer.controls["look_inside"].value = False
    assert explorer.inside.layout.display == "none"


def test_the_saved_picture_is_a_png_of_the_first_state():
    explorer = playground(epochs=5)
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # the live widget
    picture = PIL.Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    assert picture.format == "PNG" and picture.size == (800, 416)  # beside it, the picture
    assert bundle["text/plain"].startswith("playground(data='circle'")
    assert explorer.canvas.image.format == "jpeg"


@pytest.mark.parametrize(("config", "error", "word"), [
    (dict(data="moons"), ValueError, "data"),
    (dict(hidden=[9]), ValueError, "hidden"),
    (dict(hidden=[4] * 7), ValueError, "hidden"),
    (dict(features=[]), ValueError, "features"),
    (dict(lr=0.05), ValueError, "lr"),
    (dict(epochs=-1), ValueError, "epochs"),
    (dict(colour="red"), TypeError, "colour"),
])
def test_playground_rejects_bad_settings(config, error, word):
    with pytest.raises(error, match=word):
        playground(**config)


def test_boundary_pictures_have_a_legend_for_classes_and_train_test_edges():
    """The class colours and the white (train) / black (test) edges are explained."""
    import matplotlib.colors as mcolors
    import matplotlib.pyplot as plt

    from nnlib.chapters.ch08_playground.plots import CLASS_COLOURS, plot_boundaries

    training = make_training("xor", points=60)
    fig = plot_boundaries([("xor", training, ["x1", "x2"])])
    (legend,) = fig.legends
    labels = [text.get_text() for text in legend.get_texts()]
    assert labels == ["class 0", "class 1", "training point (white edge)",
                      "test point (black edge)"]
    handles = legend.legend_handles
    assert [mcolors.to_hex(h.get_markerfacecolor()) for h in handles[:2]] == list(CLASS_COLOURS)
    assert [mcolors.to_hex(h.get_markeredgecolor()) for h in handles[2:]] == ["#ffffff",
                                                                              "#000000"]
    plt.close(fig)


# --- the book's §6 additions: an optimizer by name and Dropout, through the core -------------

def test_playground_trains_with_the_chosen_optimizer_keeping_its_state():
    from nnlib.chapters.ch08_playground.training import make_training
    from nnlib.optimizers import Momentum

    a = make_training("xor", seed=1, optimizer="Momentum", lr=0.1, hidden=(4,))
    b = make_training("xor", seed=1, optimizer="SGD", lr=0.1, hidden=(4,))
    first = a.apply_settings()
    assert isinstance(first, Momentum) and a.apply_settings() is first  # its v is kept
    a.train_epochs(2)
    b.train_epochs(2)
    assert not np.allclose(a.net.params["W1"], b.net.params["W1"])  # a velocity, not SGD
    a.lr = 0.03
    assert a.apply_settings() is not first and a.apply_settings().lr == 0.03
    with pytest.raises(ValueError, match="must be one of"):
        make_training("xor", optimizer="adamw")


def test_playground_dropout_and_optimizer_show_in_its_call_only_when_used():
    explorer = playground(data="xor", hidden=[4], seed=2)
    assert "optimizer" not in repr(explorer) and "dropout" not in repr(explorer)
    explorer.controls["optimizer"].value = "Adam"
    assert explorer.training.optimizer == "Adam" and "optimizer='Adam'" in repr(explorer)
    explorer.controls["dropout"].value = 0.2
    assert "Dropout1" in explorer.training.net.layers and "dropout=0.2" in repr(explorer)
    assert explorer.training.net.layers["Dropout1"].dropout_ratio == 0.2
    explorer.training.train_epochs(1)
    rebuilt = playground(**explorer.config())
    assert rebuilt.training.optimizer == "Adam" and "Dropout1" in rebuilt.training.net.layers
    trace = explorer.training.traced_step(explorer.training.x_train[:5],
                                          explorer.training.t_train[:5])
    assert trace.optimizer == "Adam"
    assert "Adam (lr = 0.03) moves w by its own rule" in explain_step(trace, 1, 1)
