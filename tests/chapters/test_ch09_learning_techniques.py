"""Chapter 09: the optimizer paths against the book's loop written here independently, the
initial-weights experiment against closed forms and the book's observations, the plots, and
both explorers driven headless by setting ``.value``."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import picture_problems

from nnlib.chapters.ch09_learning_techniques.explorer import (
    NODES,
    RACE_LRS,
    initial_weights_explorer,
    optimizer_race_explorer,
)
from nnlib.chapters.ch09_learning_techniques.init_weights import (
    he_scale,
    judge,
    layer_activations,
    layer_stats,
    resolve_scale,
    sigmoid,
    xavier_scale,
)
from nnlib.chapters.ch09_learning_techniques.paths import (
    BOOK_LRS,
    ESCAPE,
    SURFACES,
    get_surface,
    optimizer_path,
    race,
)
from nnlib.chapters.ch09_learning_techniques.plots import (
    histogram_shares,
    plot_activation_histograms,
    plot_optimizer_paths,
)

EPS = 1e-7


# --- §6.1: the paths -----------------------------------------------------------------------------

def book_loop(name, lr, df, start=(-7.0, 2.0), steps=30):
    """The book's §6.1.7 comparison with each rule written out on the pair (x, y)."""
    w = np.array(start, dtype=float)
    a, b = np.zeros(2), np.zeros(2)
    points = [w.copy()]
    for t in range(1, steps + 1):
        g = np.array(df(*w))
        if name == "SGD":
            w = w - lr * g
        elif name == "Momentum":
            a = 0.9 * a - lr * g
            w = w + a
        elif name == "AdaGrad":
            a = a + g * g
            w = w - lr * g / (np.sqrt(a) + EPS)
        elif name == "Adam":
            a = 0.9 * a + 0.1 * g
            b = 0.999 * b + 0.001 * g * g
            w = w - lr * math.sqrt(1 - 0.999**t) / (1 - 0.9**t) * a / (np.sqrt(b) + EPS)
        points.append(w.copy())
    return np.array(points)


@pytest.mark.parametrize("surface", sorted(SURFACES))
@pytest.mark.parametrize("name", sorted(BOOK_LRS))
def test_paths_follow_the_books_loop(surface, name):
    result = optimizer_path(name, BOOK_LRS[name], surface)
    expected = book_loop(name, BOOK_LRS[name], SURFACES[surface].df)
    np.testing.assert_allclose(result.path, expected, rtol=1e-9, atol=1e-12)
    assert result.path.shape == (31, 2) and result.escaped_at is None
    f = SURFACES[surface].f
    np.testing.assert_allclose(result.losses, [f(x, y) for x, y in expected], rtol=1e-9,
                               atol=1e-15)


def test_the_books_race_ends_where_the_books_code_ends():
    # end points after 30 updates, from the book's own common/optimizer.py run outside the
    # repository (see tests/core/test_optimizers.py)
    ends = {name: result.end for name, result in race().items()}
    assert ends["SGD"] == pytest.approx((-0.3503929957523197, 0.0847823165504322), rel=1e-12)
    assert ends["AdaGrad"] == pytest.approx((-0.12016232231416045, 2.486389893984459e-17),
                                            rel=1e-9)
    # the book's point: AdaGrad gets closest on its surface, SGD zigzags across y
    losses = {name: result.losses[-1] for name, result in race().items()}
    assert min(losses, key=losses.get) == "AdaGrad"
    y = race()["SGD"].path[:, 1]
    assert np.all(np.sign(y[1:11]) != np.sign(y[:10]))


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_the_gradients_are_the_surfaces_own(surface):
    s = SURFACES[surface]
    rng = np.random.default_rng(3)
    h = 1e-5
    for x, y in rng.uniform(-5, 5, size=(5, 2)):
        numeric = ((s.f(x + h, y) - s.f(x - h, y)) / (2 * h),
                   (s.f(x, y + h) - s.f(x, y - h)) / (2 * h))
        np.testing.assert_allclose(s.df(x, y), numeric, rtol=1e-6, atol=1e-8)
        assert s.f(*s.minimum) <= s.f(x, y)


def test_the_tilted_valley_is_the_books_turned():
    book, tilted = SURFACES["book"], SURFACES["tilted"]
    c = math.sqrt(0.5)
    for x, y in [(1.0, 2.0), (-3.0, 0.5), (4.0, -4.0)]:
        assert tilted.f(x, y) == pytest.approx(book.f(c * (x + y), c * (y - x)))


def test_an_escaping_run_stops_and_says_when():
    result = optimizer_path("sgd", 3.0, "bowl", start=(1.0, 1.0), steps=100)
    # on x^2 + y^2, lr 3 multiplies the point by 1 - 2 * 3 = -5 each update
    first_out = math.ceil(math.log(ESCAPE) / math.log(5))
    assert result.escaped_at == first_out and len(result.path) == first_out + 1
    np.testing.assert_allclose(result.path[:4, 0], [1, -5, 25, -125])


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"name": "adamw"}, ValueError, "name"),
    ({"lr": 0.0}, ValueError, "lr"),
    ({"surface": "saddle"}, ValueError, "surface"),
    ({"start": (1.0,)}, ValueError, "start"),
    ({"start": (float("nan"), 1.0)}, ValueError, "start"),
    ({"steps": -1}, ValueError, "steps"),
])
def test_optimizer_path_refuses_bad_input(kwargs, error, match):
    args = {"name": "sgd", "lr": 0.1, **kwargs}
    with pytest.raises(error, match=match):
        optimizer_path(**args)
    with pytest.raises(TypeError, match="surface"):
        get_surface(3)


# --- §6.2: the initial weights -------------------------------------------------------------------

def test_scales_are_the_books():
    assert xavier_scale(100) == pytest.approx(1 / 10)
    assert he_scale(50) == pytest.approx(1 / 5)
    assert resolve_scale("Xavier", 400) == pytest.approx(1 / 20)
    assert resolve_scale("he", 2) == pytest.approx(1.0)
    assert resolve_scale(0.01, 100) == 0.01
    for bad in ("glorot", 0.0, -1.0, float("inf")):
        with pytest.raises(ValueError, match="scale"):
            resolve_scale(bad, 100)
    with pytest.raises(ValueError, match="fan_in"):
        xavier_scale(0)


@settings(max_examples=50, deadline=None)
@given(st.floats(-700, 700))
def test_the_quiet_sigmoid_is_the_books(x):
    expected = 1 / (1 + math.exp(-x)) if x > -700 else 0.0
    assert sigmoid(np.array(x)) == pytest.approx(expected, rel=1e-15, abs=1e-300)
    assert sigmoid(np.array(-1000.0)) == 0.0


def test_layer_activations_is_the_books_loop():
    rng = np.random.default_rng(5)
    x0 = rng.standard_normal((1000, 100))
    weights = [rng.standard_normal((100, 100)) for _ in range(5)]
    outputs = layer_activations("tanh", 0.3, seed=5)
    x = x0
    for w, z in zip(weights, outputs, strict=True):
        x = np.tanh(x @ (w * 0.3))
        np.testing.assert_allclose(z, x, rtol=1e-12, atol=1e-12)
    assert len(outputs) == 5 and outputs[0].shape == (1000, 100)
    # the same seed gives the same draws, and a caller cannot spoil the cached ones
    np.testing.assert_array_equal(layer_activations("tanh", 0.3, seed=5)[-1], outputs[-1])
    a, b = layer_activations("relu", 1.0, seed=None), layer_activations("relu", 1.0, seed=None)
    assert not np.array_equal(a[0], b[0])


def test_first_layer_spread_matches_the_closed_form():
    # layer 1's pre-activations x @ w have std scale * sqrt(n) for standard-normal x and w
    # (n = 100 terms); ReLU keeps the positive half: std of max(0, N(0, s^2)) is
    # s * sqrt(1/2 - 1/(2 pi))
    s = he_scale(100) * 10
    z = layer_activations("relu", "he", seed=1)[0]
    assert z.std() == pytest.approx(s * math.sqrt(0.5 - 1 / (2 * math.pi)), rel=0.03)
    assert np.mean(z == 0) == pytest.approx(0.5, abs=0.01)


@pytest.mark.parametrize(("activation", "scale", "verdict"), [
    ("sigmoid", 1.0, "saturated"),   # the book's Figure 6-10: at 0 and 1
    ("sigmoid", 0.01, "collapsed"),  # Figure 6-11: all near 0.5
    ("sigmoid", "xavier", "healthy"),  # Figure 6-13
    ("tanh", 1.0, "saturated"),
    ("tanh", "xavier", "healthy"),
    ("tanh", 0.01, "collapsed"),
    ("relu", "he", "healthy"),  # Figure 6-14: He keeps the spread
    ("relu", "xavier", "shrinking"),  # ... Xavier lets it shrink
    ("relu", 0.01, "vanishing"),
    ("relu", 1.0, "exploding"),
])
def test_the_verdict_names_what_the_book_shows(activation, scale, verdict):
    outputs = layer_activations(activation, scale)
    stats = [layer_stats(z, activation) for z in outputs]
    assert judge(stats, activation).name == verdict


def test_layer_stats_against_direct_counts():
    z = np.array([[0.0, 0.01, 0.5], [0.99, 1.0, 0.3]])
    stats = layer_stats(z, "sigmoid")
    assert stats.saturated == pytest.approx(4 / 6)  # 0, 0.01, 0.99, 1 within 0.02 of an end
    assert stats.zero == pytest.approx(1 / 6) and stats.mean == pytest.approx(z.mean())
    assert layer_stats(np.array([0.0, 2.0]), "relu").saturated == 0.0
    with pytest.raises(ValueError, match="activation"):
        layer_stats(z, "softsign")


def test_histogram_shares_are_percent_of_all_outputs():
    z = np.array([0.0, 0.01, 0.5, 0.99, 1.0, 1.5])
    edges, shares = histogram_shares(z, "sigmoid")
    assert len(edges) == 31 and edges[0] == 0 and edges[-1] == 1
    assert shares.sum() == pytest.approx(100 * 5 / 6)  # 1.5 is outside, as with range=
    assert shares[0] == pytest.approx(100 * 2 / 6)


def test_plots_draw_what_they_are_given():
    fig = plot_optimizer_paths(race(), SURFACES["book"])
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == [f"{n}, lr = {lr:g}" for n, lr in BOOK_LRS.items()]
    plt.close(fig)
    rows = {"std 1": layer_activations("sigmoid", 1.0),
            "Xavier": layer_activations("sigmoid", "xavier")}
    fig = plot_activation_histograms(rows, "sigmoid")
    assert len(fig.axes) == 10
    plt.close(fig)
    with pytest.raises(ValueError, match="results"):
        plot_optimizer_paths({}, SURFACES["book"])


# --- the explorers, headless ---------------------------------------------------------------------

def test_race_explorer_starts_as_the_books_figure():
    explorer = optimizer_race_explorer()
    assert picture_problems(explorer) == []
    for name, result in explorer.state["results"].items():
        expected = book_loop(name, BOOK_LRS[name], SURFACES["book"].df)
        np.testing.assert_allclose(result.path, expected, rtol=1e-9, atol=1e-12)
        x, y = explorer.paths[name].get_data()
        np.testing.assert_allclose(np.column_stack([x, y]), expected, rtol=1e-9, atol=1e-12)
    assert "Closest to the minimum after 30 updates: <b>AdaGrad</b>" in explorer.readout.value
    assert explorer.state["warnings"] == []


def test_race_explorer_follows_its_controls():
    explorer = optimizer_race_explorer()
    explorer.controls["surface"].value = "bowl"
    explorer.controls["lr Adam"].value = 0.1
    explorer.controls["steps"].value = 50
    explorer.controls["x"].value = 3.0
    explorer.controls["y"].value = -2.5
    adam = explorer.state["results"]["Adam"]
    np.testing.assert_allclose(adam.path, book_loop("Adam", 0.1, SURFACES["bowl"].df,
                                                    start=(3.0, -2.5), steps=50), rtol=1e-9)
    explorer.controls["lr SGD"].value = 1.05  # on x^2 + y^2 each update multiplies by -1.1
    assert "SGD</b> escaped" not in explorer.readout.value
    np.testing.assert_allclose(explorer.state["results"]["SGD"].path[1], [-3.3, 2.75])
    explorer.controls["lr SGD"].value = 5.0
    assert "escaped after update" in explorer.readout.value
    assert explorer.state["warnings"] == []
    with pytest.raises(ValueError, match="lr"):
        optimizer_race_explorer(lrs={"SGD": 0.123})
    with pytest.raises(ValueError, match="lrs"):
        optimizer_race_explorer(lrs={"Lion": 0.1})
    assert all(lr in RACE_LRS for lr in BOOK_LRS.values())


def test_initial_weights_explorer_verdicts_and_buttons():
    explorer = initial_weights_explorer()
    assert picture_problems(explorer) == []
    assert explorer.state["verdict"].name == "saturated"
    assert "saturated at 0 and 1" in explorer.readout.value
    explorer.controls["scale"].value = 0.01
    assert "collapsed to 0.5" in explorer.readout.value
    explorer.controls["xavier"].click()
    assert explorer.controls["scale"].value == pytest.approx(1 / math.sqrt(NODES))
    assert "(Xavier" in explorer.readout.value and "healthy" in explorer.state["verdict"].name
    explorer.controls["activation"].value = "relu"
    assert explorer.state["verdict"].name == "shrinking"
    explorer.controls["he"].click()
    assert explorer.controls["scale"].value == pytest.approx(math.sqrt(2 / NODES))
    assert explorer.state["verdict"].name == "healthy" and "(He" in explorer.readout.value
    # the bars drawn are the histograms of the state, each panel scaled to its tallest bar
    for bar, (_, shares) in zip(explorer.bars, explorer.state["histograms"], strict=True):
        values = bar.get_data().values
        tallest = shares[1:].max()
        np.testing.assert_allclose(values, np.minimum(shares / tallest, 1.09))
    assert explorer.state["warnings"] == []
