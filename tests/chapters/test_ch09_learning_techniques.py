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


# --- the MNIST experiments (scaled) and the regularization explorer ----------------------------

from nnlib.chapters.ch09_learning_techniques import experiments  # noqa: E402
from nnlib.chapters.ch09_learning_techniques.explorer import regularization_explorer  # noqa: E402
from nnlib.chapters.ch09_learning_techniques.plots import (  # noqa: E402
    plot_accuracy_curves,
    plot_batchnorm_runs,
    plot_loss_curves,
    plot_search,
    smooth,
)
from nnlib.network import MultiLayerNetExtend  # noqa: E402
from nnlib.optimizers import optimizer_by_name  # noqa: E402
from nnlib.train import train_step  # noqa: E402


def test_compare_optimizers_is_each_optimizer_on_the_same_batches():
    runs = experiments.compare_optimizers(iterations=3, train_size=500, batch_size=16, seed=2)
    assert list(runs) == ["SGD", "Momentum", "AdaGrad", "Adam"]
    # replay Adam by hand: the same net, the same draws of the batch indices
    x, t, _, _ = experiments.mnist_arrays(500, 1)
    net = MultiLayerNetExtend(784, [100] * 4, 10, seed=2)
    adam, rng = optimizer_by_name("adam", lr=0.001), np.random.default_rng(2)
    losses = []
    for _ in range(3):
        index = rng.integers(0, 500, 16)
        losses.append(train_step(net, adam, x[index], t[index]))
    np.testing.assert_allclose(runs["Adam"].loss, losses, rtol=1e-12)
    first = {name: run.loss[0] for name, run in runs.items()}  # same weights, same first batch
    assert max(first.values()) - min(first.values()) < 1e-12


def test_init_scales_and_batchnorm_runs_have_the_books_shapes():
    runs = experiments.compare_init_scales(iterations=2, train_size=200, batch_size=8)
    assert list(runs) == ["std=0.01", "Xavier", "He"]
    assert all(len(r.loss) == 2 for r in runs.values())
    pairs = experiments.batchnorm_runs([0.1, 0.01], epochs=2, train_size=200)
    assert [p[0] for p in pairs] == [0.1, 0.01]
    for _, with_bn, without in pairs:
        assert with_bn.epochs == without.epochs == [0, 1, 2]
        assert len(with_bn.loss) == len(without.loss) == 4  # 2 epochs of 200 // 100
    assert len(experiments.BN_SCALES) == 16 and experiments.BN_SCALES[0] == 1.0
    assert math.isclose(experiments.BN_SCALES[-1], 1e-4)


def test_overfit_run_and_grid_record_every_other_epoch():
    run = experiments.overfit_run(0.1, 0.2, epochs=5, train_size=200, test_size=100, every=2)
    assert run.epochs == [0, 2, 4, 5] and len(run.loss) == 10
    assert all(0 <= a <= 1 for a in run.train_acc + run.test_acc)
    grid = experiments.regularization_grid((0.0, 0.2), (0.0, 0.1), epochs=2, train_size=100,
                                           test_size=50, every=1)
    assert sorted(grid) == [(0.0, 0.0), (0.0, 0.1), (0.2, 0.0), (0.2, 0.1)]


def test_random_search_draws_on_the_books_log_ranges_and_sorts_by_validation():
    trials = experiments.random_search(trials=4, epochs=1, train_size=150, seed=3)
    assert all(1e-6 <= t.lr <= 1e-2 and 1e-8 <= t.weight_decay <= 1e-4 for t in trials)
    assert [t.best for t in trials] == sorted((t.best for t in trials), reverse=True)
    # 30 validation images (20 % of 150): accuracies are multiples of 1/30
    assert all(round(a * 30, 9).is_integer() for t in trials for a in t.val_acc)
    with pytest.raises(ValueError, match="validation_rate"):
        experiments.random_search(trials=1, epochs=1, train_size=3, validation_rate=0.2)


def test_smooth_is_a_moving_mean():
    np.testing.assert_allclose(smooth([1, 2, 3, 4, 5], window=2), [1, 1.5, 2.5, 3.5, 4.5])
    np.testing.assert_allclose(smooth([4.0] * 7, window=3), [4.0] * 7)


def test_regularization_explorer_looks_the_runs_up():
    grid = experiments.regularization_grid((0.0, 0.3), (0.0, 0.1), epochs=2, train_size=100,
                                           test_size=50, every=1)
    explorer = regularization_explorer(grid)
    assert picture_problems(explorer) == []
    assert explorer.state["run"] is grid[(0.0, 0.0)]
    explorer.controls["dropout"].value = 0.3
    explorer.controls["lambda"].value = 0.1
    run = grid[(0.3, 0.1)]
    assert explorer.state["run"] is run
    np.testing.assert_array_equal(explorer.train_line.get_ydata(), run.train_acc)
    np.testing.assert_array_equal(explorer.test_line.get_ydata(), run.test_acc)
    assert f"train {run.train_acc[-1]:.1%}" in explorer.readout.value
    gaps = [r.train_acc[-1] - r.test_acc[-1] for r in grid.values()]
    gap = run.train_acc[-1] - run.test_acc[-1]
    if gap >= max(gaps):
        assert "largest gap" in explorer.readout.value
    with pytest.raises(ValueError, match="dropout_ratio must be one of"):
        regularization_explorer(grid, dropout_ratio=0.5)
    with pytest.raises(ValueError, match="grid is empty"):
        regularization_explorer({})


def test_experiment_plots_draw_what_they_are_given():
    run = experiments.Run(loss=[2.0, 1.0, 0.5], epochs=[0, 1], train_acc=[0.1, 0.5],
                          test_acc=[0.1, 0.4])
    fig = plot_loss_curves({"SGD": run}, window=1)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), run.loss)
    fig = plot_accuracy_curves({"a": run, "b": run})
    assert len(fig.axes) == 2 and list(fig.axes[0].lines[1].get_ydata()) == run.test_acc
    fig = plot_batchnorm_runs([(1.0, run, run), (0.1, run, run)])
    assert sum(ax.get_visible() for ax in fig.axes) == 2
    trial = experiments.Trial(0.01, 1e-6, [0.1, 0.3], [0.1, 0.4])
    fig = plot_search([trial], top=3)
    assert "lr 0.01" in fig.axes[0].get_title()
    plt.close("all")


def _training_steps(sizes) -> int:
    """Mini-batch updates the notebook's MNIST experiments take at ``sizes``, counted from
    the experiments' definitions (batches of 100 for the epoch-based runs)."""
    per_epoch = {"bn": sizes.bn_train_size // 100, "overfit": 3, "search": 4}
    return (4 * sizes.iterations + 3 * sizes.iterations
            + 2 * len(sizes.bn_scales) * sizes.bn_epochs * per_epoch["bn"]
            + 3 * sizes.overfit_epochs * per_epoch["overfit"]
            + len(sizes.grid_ratios) * len(sizes.grid_lambdas) * sizes.grid_epochs * 3
            + sizes.trials * sizes.trial_epochs * per_epoch["search"])


def test_the_browser_edition_runs_the_experiments_smaller_and_says_what_it_cut():
    from nnlib.chapters.ch09_learning_techniques.browser import BROWSER, NATIVE, chapter_sizes
    from nnlib.chapters.ch09_learning_techniques.experiments import BN_SCALES

    sizes, note = chapter_sizes(in_browser=False)
    assert sizes is NATIVE and note == ""
    # the sizes the notebook's prose states
    assert (NATIVE.iterations, NATIVE.bn_epochs, NATIVE.bn_train_size, NATIVE.overfit_epochs,
            NATIVE.grid_epochs, NATIVE.trials, NATIVE.trial_epochs) == (200, 6, 500, 60, 40, 8, 30)
    assert NATIVE.bn_scales == BN_SCALES and len(BN_SCALES) == 16
    assert NATIVE.grid_ratios == (0.0, 0.15, 0.3) and NATIVE.grid_lambdas == (0.0, 0.03, 0.1)

    sizes, note = chapter_sizes(in_browser=True)
    assert sizes is BROWSER
    # a training step costs about 6 times as much in the browser: at least 3 times fewer
    assert 3 * _training_steps(BROWSER) <= _training_steps(NATIVE)
    # smaller, drawn from the chapter's own values, and still something to compare
    assert set(BROWSER.bn_scales) <= set(BN_SCALES) and len(BROWSER.bn_scales) >= 4
    assert set(BROWSER.grid_ratios) <= set(NATIVE.grid_ratios)
    assert set(BROWSER.grid_lambdas) <= set(NATIVE.grid_lambdas)
    # the browser check presses a slider's arrow keys six times: it needs three values
    assert len(BROWSER.grid_ratios) >= 3 and len(BROWSER.grid_lambdas) >= 2
    assert BROWSER.trials >= 2 and BROWSER.iterations >= 20
    assert note.count(".") == 1 and note.endswith("run the notebook natively for the chapter's "
                                                  "sizes.")
    for phrase in ("50 iterations instead of 200", "8 scales for 3 epochs on 300 images "
                   "(16, 6 and 500)", "20 epochs instead of 60", "3 × 2 runs of 15 epochs "
                   "(3 × 3 of 40)", "5 search trials of 8 epochs (8 of 30)"):
        assert phrase in note
    with pytest.raises(TypeError, match="in_browser"):
        chapter_sizes(in_browser="yes")


def test_the_regularization_explorer_works_on_the_browser_grid():
    from nnlib.chapters.ch09_learning_techniques.browser import BROWSER
    from nnlib.chapters.ch09_learning_techniques.experiments import regularization_grid
    from nnlib.chapters.ch09_learning_techniques.explorer import regularization_explorer

    grid = regularization_grid(BROWSER.grid_ratios, BROWSER.grid_lambdas, epochs=2, every=1)
    explorer = regularization_explorer(grid)
    for ratio in BROWSER.grid_ratios:
        for lam in BROWSER.grid_lambdas:
            explorer.controls["dropout"].value = ratio
            explorer.controls["lambda"].value = lam
            run = grid[(ratio, lam)]
            assert explorer.state["test"] == run.test_acc[-1]
            assert f"dropout {ratio:g}, λ {lam:g}" in explorer.readout.value
    plt.close("all")
