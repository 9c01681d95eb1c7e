"""Chapter 09 speaks Japanese under ``set_language("ja")``, English again after.

As in test_translation_chapters_05_08.py: each explorer, figure and exercise verdict is built
in English, in Japanese and in English again; the Japanese build leaves no English word a
reader would read as English (the optimizers' and layers' names stay as the book writes
them: SGD, Momentum, AdaGrad, Adam, Dropout, Batch Normalization, Xavier, He, Weight decay),
and the second English build is identical to the first.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from test_translation_chapters_05_08 import (
    JAPANESE,
    KEPT,
    english_words,
    figure_texts,
    in_three_languages,
    widget_texts,
)

from nnlib.i18n import set_language

#: Names the book's chapter 6 writes in Latin letters in Japanese too.
KEPT_09 = {"momentum", "adagrad", "adam", "rmsprop", "nesterov", "dropout", "batch", "norm",
           "normalization", "xavier", "glorot", "weight", "decay", "std", "params", "grads",
           "dout", "mask", "self", "dropout_ratio", "train_flg", "forward", "backward",
           "update", "n_in", "n_out", "sqrt", "rand", "shape", "key", "none", "init",
           "inverted"}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")
    plt.close("all")


def leftovers(text: str) -> list[str]:
    return [w for w in english_words(text) if w.lower() not in KEPT | KEPT_09]


def assert_japanese(english: list[str], japanese: list[str], again: list[str]) -> None:
    assert again == english, "set_language('en') must give back the same English"
    assert any(JAPANESE.search(t) for t in japanese)
    left = {t: leftovers(t) for t in japanese if leftovers(t)}
    assert left == {}, f"English left in the Japanese texts: {left}"
    assert any(english_words(t) for t in english), "the English build must read English"


def explorer_texts(explorer) -> list[str]:
    texts = widget_texts(explorer) + figure_texts(explorer.canvas.figure)
    plt.close(explorer.canvas.figure)
    return texts


@pytest.mark.parametrize("settings", [
    dict(), dict(lrs={"SGD": 1.05}), dict(surface="tilted"), dict(surface="bowl", steps=100),
])
def test_the_optimizer_race_reads_japanese(settings):
    from nnlib.chapters.ch09_learning_techniques.explorer import optimizer_race_explorer

    assert_japanese(*in_three_languages(
        lambda: explorer_texts(optimizer_race_explorer(**settings))))


@pytest.mark.parametrize("activation, scale", [
    ("sigmoid", 1.0), ("sigmoid", 0.01), ("sigmoid", 0.1), ("tanh", 1.0), ("relu", 0.01),
    ("relu", 0.1), ("relu", np.sqrt(2 / 100)), ("relu", 3.0),
])
def test_the_initial_weights_verdicts_read_japanese(activation, scale):
    from nnlib.chapters.ch09_learning_techniques.explorer import initial_weights_explorer

    assert_japanese(*in_three_languages(
        lambda: explorer_texts(initial_weights_explorer(activation, scale))))


def test_the_regularization_explorer_reads_japanese():
    from nnlib.chapters.ch09_learning_techniques.experiments import regularization_grid
    from nnlib.chapters.ch09_learning_techniques.explorer import regularization_explorer

    grid = regularization_grid((0.0, 0.3), (0.0, 0.1), epochs=2, train_size=100,
                               test_size=100, every=1)

    def texts():
        out = []
        for ratio, lam in grid:
            out += explorer_texts(regularization_explorer(grid, ratio, lam))
        return out

    assert_japanese(*in_three_languages(texts))


def test_the_figures_and_the_browser_note_read_japanese():
    from nnlib.chapters.ch09_learning_techniques import plots
    from nnlib.chapters.ch09_learning_techniques.browser import chapter_sizes
    from nnlib.chapters.ch09_learning_techniques.experiments import Run, Trial
    from nnlib.chapters.ch09_learning_techniques.init_weights import layer_activations
    from nnlib.chapters.ch09_learning_techniques.paths import get_surface, race

    run = Run(loss=[2.3, 2.0, 1.5], epochs=[0, 1], train_acc=[0.1, 0.5], test_acc=[0.1, 0.4])
    trial = Trial(0.01, 1e-6, [0.1, 0.3], [0.1, 0.35])

    def texts():
        figures = [
            plots.plot_optimizer_paths(race({"SGD": 1.05, "Adam": 0.3}), get_surface("book")),
            plots.plot_activation_histograms({"1": layer_activations("relu", "he")}, "relu"),
            plots.plot_loss_curves({"SGD": run}),
            plots.plot_accuracy_curves({"1": run}),
            plots.plot_batchnorm_runs([(0.1, run, run)]),
            plots.plot_search([trial]),
        ]
        return [t for fig in figures for t in figure_texts(fig)] + [chapter_sizes(True)[1]]

    assert_japanese(*in_three_languages(texts))


class _MomentumWithoutMemory:
    """A realistic mistake: v starts from zero at every call (plain SGD)."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum

    def update(self, params, grads):
        for key in params:
            v = self.momentum * np.zeros_like(params[key]) - self.lr * grads[key]
            params[key] += v


class _InvertedDropout:
    """A realistic mistake: most frameworks' inverted dropout."""

    def __init__(self, dropout_ratio=0.5):
        self.dropout_ratio, self.mask = dropout_ratio, None

    def forward(self, x, train_flg=True):
        if train_flg:
            self.mask = np.random.rand(*x.shape) > self.dropout_ratio  # noqa: NPY002
            return x * self.mask / (1 - self.dropout_ratio)
        return x

    def backward(self, dout):
        return dout * self.mask


def _fan_out(activation, n_in, n_out):
    return np.sqrt(1.0 / n_out)


@pytest.mark.parametrize("check, attempt", [
    ("check_momentum_update", _MomentumWithoutMemory),
    ("check_dropout_layer", _InvertedDropout),
    ("check_init_scale", _fan_out),
])
def test_a_wrong_exercise_attempt_gets_its_verdict_and_hint_in_japanese(check, attempt):
    from nnlib.chapters.ch09_learning_techniques import exercises

    def verdict():
        result = getattr(exercises, check).result(attempt)
        assert not result.passed
        return [str(result)]

    english, japanese, again = in_three_languages(verdict)
    assert again == english
    assert JAPANESE.search(japanese[0]) and not JAPANESE.search(english[0])
    assert leftovers(japanese[0]) == [], japanese[0]
