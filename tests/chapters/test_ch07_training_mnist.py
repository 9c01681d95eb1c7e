"""The training explorer, driven headless: sliders, the Train button, and its readout."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnlib.chapters.ch07_training_mnist.explorer import (
    STILL_RISING,
    TrainingExplorer,
    training_explorer,
    verdict,
)
from nnlib.chapters.ch07_training_mnist.plots import plot_accuracy_curves, weight_montage
from nnlib.datasets import load_mnist
from nnlib.functions import CROSS_ENTROPY_DELTA
from nnlib.train import History


@pytest.fixture(scope="module")
def data():
    (x, t), (x_test, t_test) = load_mnist()
    return x[:2000], t[:2000], x_test[:500], t_test[:500]


@pytest.fixture
def explorer(data):
    return TrainingExplorer(data)


def press(explorer, **settings):
    for name, value in settings.items():
        explorer.controls[name].value = value
    explorer.controls["train"].click()
    return explorer


def assert_clean(explorer):
    assert "nan" not in explorer.readout.value.lower()
    assert explorer.state["warnings"] == []


def test_factory_builds_with_no_arguments():
    explorer = training_explorer()
    assert repr(explorer) == (
        "TrainingExplorer(lr=0.1, weight_init_std=1e-02, seed=0, hidden_size=50, epochs=10)"
    )
    assert "Press <b>Train</b>" in explorer.readout.value
    assert "10000 digits" in explorer.readout.value
    assert explorer.state["history"] is None


def test_train_button_learns_and_draws_after_weights(explorer):
    before = explorer.state["W1_before"].copy()
    press(explorer, epochs=2)
    history = explorer.state["history"]
    assert history.epochs_done == 2 and len(history.loss) == 2 * 20
    assert history.test_acc[-1] > history.test_acc[0] + 0.2
    # 40 iterations: the last epoch still added more than 2 points, so not "learned" yet
    assert history.test_acc[-1] - history.test_acc[-2] >= STILL_RISING
    assert explorer.state["verdict"] == "still learning"
    assert "more epochs would help" in explorer.readout.value
    assert "2 epoch(s)" in explorer.readout.value
    assert explorer.progress.value == explorer.progress.max == 40
    np.testing.assert_array_equal(explorer.state["W1_before"], before)
    assert not np.array_equal(explorer.state["W1_after"], before)
    assert len(explorer.loss_line.get_xdata()) == 40
    assert len(explorer.train_line.get_ydata()) == 3
    assert explorer.controls["train"].disabled is False
    assert_clean(explorer)


def test_curves_redraw_after_every_epoch(explorer):
    explorer.controls["epochs"].value = 3
    seen = []
    original = explorer.canvas.redraw
    explorer.canvas.redraw = lambda: (seen.append(len(explorer.train_line.get_xdata())),
                                      original())[1]
    press(explorer)
    assert seen == [1, 2, 3, 4, 4]  # untrained, after each of 3 epochs, then the final refresh


def test_slider_move_clears_the_run_and_redraws_before_weights(explorer):
    press(explorer)
    assert explorer.state["history"] is not None
    old_before = explorer.state["W1_before"]
    explorer.controls["seed"].value = 3
    assert explorer.state["history"] is None and explorer.state["W1_after"] is None
    assert "Press <b>Train</b>" in explorer.readout.value
    assert not np.array_equal(explorer.state["W1_before"], old_before)
    explorer.controls["seed"].value = 0  # back to the trained settings: the run shows again
    assert explorer.state["history"] is not None


def test_weight_init_std_scales_the_before_weights(explorer):
    explorer.controls["weight_init_std"].value = 1.0
    assert np.std(explorer.state["W1_before"]) == pytest.approx(1.0, rel=0.05)
    explorer.controls["hidden_size"].value = 5
    assert explorer.state["W1_before"].shape == (784, 5)


@pytest.mark.parametrize("seed", [0, 1])
def test_diverging_setting_says_diverged(explorer, seed):
    press(explorer, lr=10.0, seed=seed)
    assert explorer.state["verdict"] == "diverged"
    assert "diverged" in explorer.readout.value and "too large" in explorer.readout.value
    assert_clean(explorer)


def test_enough_epochs_learned_and_the_bar_starts_over_after_a_slider_move(explorer):
    press(explorer, epochs=10)
    history = explorer.state["history"]
    assert history.test_acc[-1] - history.test_acc[-2] < STILL_RISING
    assert history.test_acc[-1] > 0.75
    assert explorer.state["verdict"] == "learned" and "learned" in explorer.readout.value
    assert explorer.progress.value == explorer.progress.max == 10 * len(explorer.data[0]) // 100
    explorer.controls["lr"].value = 1.0  # the curves clear, and so must the bar
    assert explorer.state["history"] is None and explorer.progress.value == 0


def test_verdict_rules_on_hand_made_histories():
    learned = History(loss=[2.3] + [0.5] * 9, train_acc=[0.1, 0.8, 0.81],
                      test_acc=[0.1, 0.8, 0.81])
    assert verdict(learned) == "learned"
    rising = History(loss=[2.3] + [0.9] * 9, train_acc=[0.1, 0.5, 0.6], test_acc=[0.1, 0.5, 0.6])
    assert verdict(rising) == "still learning"
    creeping = History(loss=[2.30] * 10, train_acc=[0.13, 0.16, 0.19], test_acc=[0.13, 0.16, 0.19])
    assert verdict(creeping) == "did not move"  # accuracy +6 points, loss flat
    assert verdict(History(loss=[2.3, math.nan], status="diverged")) == "diverged"


def test_batch_size_and_loss_cap_come_from_their_sources(explorer):
    from nnlib.chapters.ch07_training_mnist import explorer as module

    assert module.LOSS_CAP == pytest.approx(-math.log(CROSS_ENTROPY_DELTA))
    press(explorer, epochs=1)
    assert len(explorer.state["history"].loss) == len(explorer.data[0]) // module.BATCH_SIZE
    assert explorer.ax_loss.get_xlim()[1] == len(explorer.data[0]) // module.BATCH_SIZE - 1


def test_sliders_line_up(explorer):
    widths = {name: control.style.description_width for name, control in explorer.controls.items()
              if name != "train"}
    assert len(set(widths.values())) == 1, widths


def test_accuracy_plot_note_gives_both_untrained_accuracies():
    history = History(loss=[2.3, 1.0], train_acc=[0.1355, 0.9], test_acc=[0.1352, 0.91])
    fig = plot_accuracy_curves(history)
    notes = [text.get_text() for text in fig.axes[0].texts]
    assert any("train 13.6%" in n and "test 13.5%" in n for n in notes), notes


@pytest.mark.parametrize(
    ("settings", "why"),
    [(dict(weight_init_std=1e-4, epochs=1), "initial weights are so small"),
     (dict(lr=1e-4), "tiny")],
)
def test_not_moving_setting_says_so(explorer, settings, why):
    press(explorer, **settings)
    assert explorer.state["verdict"] == "did not move"
    assert "did not move" in explorer.readout.value and why in explorer.readout.value
    assert_clean(explorer)


def test_huge_initial_weights_are_explained(explorer):
    press(explorer, weight_init_std=10.0)
    assert "far above ln 10" in explorer.readout.value
    assert_clean(explorer)


def test_extremes_of_every_slider(explorer):
    for name in ("lr", "weight_init_std", "seed", "hidden_size", "epochs"):
        control = explorer.controls[name]
        for value in (control.min, control.max):
            control.value = 10.0**value if name in ("lr", "weight_init_std") else value
            assert_clean(explorer)
    press(explorer, lr=10.0, weight_init_std=10.0, hidden_size=5, epochs=1)
    assert_clean(explorer)
    assert "ReLU off" in explorer.readout.value


def test_weight_montage_layout_and_scaling():
    W1 = np.zeros((784, 3))
    W1[0, 0], W1[783, 1], W1[5, 2] = 4.0, -0.5, np.nan
    image = weight_montage(W1, count=4, columns=2)
    assert image.shape == (2 * 29 + 1, 2 * 29 + 1)
    assert image[1, 1] == 1.0 and image[28, 57] == -1.0  # each tile scaled to its own max
    assert np.all(image[1:29, 59 - 29 : 58][np.isfinite(image[1:29, 30:58])] <= 1)
    assert np.isnan(image[30:, 30:]).all()  # a missing fourth unit stays blank
    with pytest.raises(ValueError, match="784"):
        weight_montage(np.zeros((10, 3)))


def test_initial_networks_cache_stays_small(explorer):
    for seed in range(10):
        explorer.controls["seed"].value = seed
    assert len(explorer._initial) <= 8


def test_a_long_run_in_the_browser_trains_on_fewer_images_and_says_so():
    from nnlib.chapters.ch07_training_mnist.browser import (
        BROWSER_MAX_ITERATIONS,
        BROWSER_MAX_TEST,
        fit_to_browser,
    )

    rng = np.random.default_rng(0)
    data = (rng.standard_normal((5_000, 4)), rng.integers(0, 2, 5_000),
            rng.standard_normal((3_000, 4)), rng.integers(0, 2, 3_000))
    same, note = fit_to_browser(*data, epochs=50, batch_size=100, in_browser=False)
    assert note == "" and all(a is b for a, b in zip(same, data, strict=True))
    same, note = fit_to_browser(*data, epochs=20, batch_size=100, in_browser=True)
    assert note == "" and len(same[0]) == 5_000  # 1,000 iterations: within the budget
    (x, t, x_test, t_test), note = fit_to_browser(*data, epochs=50, batch_size=100,
                                                  in_browser=True)
    assert len(x) == len(t) == 2_000  # 20 iterations per epoch, 1,000 in all
    assert 50 * (len(x) // 100) == BROWSER_MAX_ITERATIONS
    assert len(x_test) == len(t_test) == BROWSER_MAX_TEST == 2_000
    assert note == (
        "In the browser numpy has no fast matrix library, so this run trains on the first "
        "2,000 of the 5,000 training images and tests on the first 2,000 of the 3,000 test "
        "images (1,000 iterations instead of 2,500); run the notebook natively for the full "
        "run.")
