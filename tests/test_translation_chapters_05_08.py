"""Chapters 05-08 and the core speak Japanese under ``set_language("ja")``, English again after.

Each case builds an explorer or a figure three times: in English, in Japanese, in English
again. The Japanese build must leave no English word in what a reader sees (readouts,
verdicts, control labels, titles, axis labels, legends, annotations), apart from names
that stay as they are in the book's Japanese too (function names, sigmoid, MNIST, ...);
the second English build must be identical to the first.
"""

from __future__ import annotations

import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from nnlib.i18n import set_language

#: Words that stay in Latin letters in the Japanese edition too: names of functions,
#: settings and data sets, units, code.
KEPT = {
    "sigmoid", "tanh", "relu", "softmax", "sgd", "mnist", "weight_init_std", "lr", "exp",
    "log", "float64", "nan", "inf", "circle", "xor", "gaussians", "spiral", "none",
    "linear", "x0", "x1", "x2", "w1", "sin", "numpy", "nnlib",
    # the book's chapter 6 writes the optimizers and Dropout in Latin letters too
    "momentum", "adagrad", "adam", "dropout",
}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")
    plt.close("all")


def english_words(text: str) -> list[str]:
    """The English words of ``text`` a reader would read as English (not code, not names)."""
    text = re.sub(r"<[^>]+>", " ", text)            # HTML tags of readouts
    text = re.sub(r"'[^']*'|\w+\([^()]*\)", " ", text)  # quoted names, calls such as SGD(lr=0.1)
    words = re.findall(r"[A-Za-z_][A-Za-z_0-9]{2,}", text)
    return [w for w in words if w.lower() not in KEPT]


def figure_texts(fig: Figure) -> list[str]:
    """Every text drawn in ``fig`` but tick labels: titles, axis labels, legends, notes."""
    texts = [t.get_text() for t in fig.texts]
    for legend in fig.legends:
        texts += [t.get_text() for t in legend.get_texts()]
    for ax in fig.get_axes():
        texts += [ax.get_title(loc) for loc in ("left", "center", "right")]
        texts += [ax.get_xlabel(), ax.get_ylabel()]
        texts += [t.get_text() for t in ax.texts if t.get_visible()]
        legend = ax.get_legend()
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()]
    return [t for t in texts if t.strip()]


def widget_texts(explorer) -> list[str]:
    """What an explorer's reader reads besides its figure: title, labels, options, readout."""
    texts = [explorer.title.value if explorer.title is not None else "", explorer.readout.value]
    for control in explorer.controls.values():
        texts.append(getattr(control, "description", "") or "")
        texts += list(getattr(control, "_options_labels", ()))
    return [t for t in texts if t.strip()]


def in_three_languages(build):
    """``build()`` (a list of texts) in English, in Japanese and in English again."""
    set_language("en")
    english = build()
    set_language("ja")
    japanese = build()
    set_language("en")
    return english, japanese, build()


def assert_japanese(english: list[str], japanese: list[str], again: list[str]) -> None:
    assert again == english, "set_language('en') must give back the same English"
    assert any(JAPANESE.search(t) for t in japanese)
    leftovers = {t: english_words(t) for t in japanese if english_words(t)}
    assert leftovers == {}, f"English left in the Japanese texts: {leftovers}"
    assert any(english_words(t) for t in english), "the English build must read English"


# -- chapter 05 -------------------------------------------------------------------------------

def descent_texts(**settings) -> list[str]:
    from nnlib.chapters.ch05_gradient_descent.explorer import descent_explorer

    explorer = descent_explorer(**settings)
    texts = widget_texts(explorer) + figure_texts(explorer.canvas.figure)
    plt.close(explorer.canvas.figure)
    return texts


@pytest.mark.parametrize("settings", [
    dict(), dict(lr=1.05), dict(lr=1.0), dict(lr=1e-4), dict(surface="neuron", lr=3.0),
])
def test_ch05_explorer_readout_verdict_and_figure(settings):
    english, japanese, again = in_three_languages(lambda: descent_texts(**settings))
    assert_japanese(english, japanese, again)


def test_ch05_verdict_words():
    set_language("ja")
    readouts = " ".join(descent_texts(lr=lr)[1] for lr in (0.1, 1.05, 1.0, 1e-4))
    for word in ("収束", "発散", "振動", "停滞"):
        assert word in readouts


def ch05_figures() -> list[str]:
    from nnlib.chapters.ch05_gradient_descent import plots
    from nnlib.chapters.ch05_gradient_descent.descent import difference_errors
    from nnlib.chapters.ch05_gradient_descent.surfaces import bowl, neuron
    from nnlib.gradient import gradient_descent

    hs = np.logspace(-12, -1, 12)
    errors = difference_errors(np.sin, np.cos(1.0), 1.0, hs)
    path = gradient_descent(bowl.f, [-3.0, 4.0], lr=0.1, step_num=20).path
    figures = [
        plots.plot_difference_errors(hs, *errors),
        plots.plot_tangent_lines(lambda x: 0.01 * x**2 + 0.1 * x, [5, 10]),
        plots.plot_gradient_field(bowl, {"lr 0.1": path}),
        plots.plot_gradient_field(neuron),
        plots.plot_gradient_timing([10, 20, 40], [1e-3, 2e-3, 4e-3]),
    ]
    return [t for fig in figures for t in figure_texts(fig)]


def test_ch05_figures():
    assert_japanese(*in_three_languages(ch05_figures))


# -- chapter 06 -------------------------------------------------------------------------------

def ch06_figures() -> list[str]:
    from nnlib.chapters.ch06_backprop.graphs import shopping_apple, shopping_apple_orange
    from nnlib.chapters.ch06_backprop.plots import plot_computational_graph

    figures = [plot_computational_graph(shopping_apple()),
               plot_computational_graph(shopping_apple_orange(), show_backward=False)]
    return [t for fig in figures for t in figure_texts(fig)]


def test_ch06_graph_labels_and_captions():
    english, japanese, again = in_three_languages(ch06_figures)
    assert_japanese(english, japanese, again)
    assert "りんごの個数" in japanese and any("りんごの買い物" in t for t in japanese)


def test_ch06_gradient_table_header_lines_up_in_japanese():
    from nnlib.gradient_check import format_gradient_table, gradient_errors

    grads = {"W1": np.ones((2, 3)), "b1": np.zeros(3)}
    rows = gradient_errors(grads, {k: v + 1e-9 for k, v in grads.items()})
    english, japanese, again = in_three_languages(lambda: [format_gradient_table(rows)])
    assert again == english and english[0].startswith("param  shape")
    header, first = japanese[0].splitlines()[:2]
    assert header.split() == ["パラメータ", "形状", "最大絶対誤差", "最大相対誤差"]
    # a wide character takes two columns: each header ends where its column does
    columns = [sum(2 if JAPANESE.match(c) else 1 for c in header[: header.index(word) + len(word)])
               for word in ("最大絶対誤差", "最大相対誤差")]
    assert columns[-1] == len(first)
    assert first[: columns[0]].endswith("1e-09") and first[: columns[0] + 1][-1] == " "


# -- chapter 07 -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mnist_small():
    from nnlib.datasets import load_mnist

    (x, t), (x_test, t_test) = load_mnist()
    return x[:500], t[:500], x_test[:200], t_test[:200]


@pytest.mark.parametrize("settings", [None, dict(lr=10.0), dict(lr=1e-4)])
def test_ch07_explorer_readout_verdict_and_figure(mnist_small, settings):
    from nnlib.chapters.ch07_training_mnist.explorer import TrainingExplorer

    def build() -> list[str]:
        explorer = TrainingExplorer(mnist_small, epochs=1)
        if settings is not None:
            for name, value in settings.items():
                explorer.controls[name].value = value
            explorer.controls["train"].click()
        texts = widget_texts(explorer) + figure_texts(explorer.canvas.figure)
        plt.close(explorer.canvas.figure)
        return texts

    english, japanese, again = in_three_languages(build)
    assert_japanese(english, japanese, again)
    if settings == dict(lr=10.0):
        assert "発散" in japanese[1] and "diverged" in english[1]


def test_ch07_figures_and_browser_note(mnist_small):
    from nnlib.chapters.ch07_training_mnist.browser import fit_to_browser
    from nnlib.chapters.ch07_training_mnist.plots import (
        plot_accuracy_curves,
        plot_first_layer_weights,
        plot_loss_curve,
    )
    from nnlib.network import TwoLayerNet
    from nnlib.train import Trainer

    net = TwoLayerNet(784, 10, 10, seed=0)
    history = Trainer(net, *mnist_small, epochs=2, batch_size=100, progress=False).train()

    def build() -> list[str]:
        figures = [plot_loss_curve(history, window=2), plot_accuracy_curves(history),
                   plot_first_layer_weights(("W1", net.params["W1"]))]
        note = fit_to_browser(*(np.zeros((60_000, 1)),) * 2, *(np.zeros((10_000, 1)),) * 2,
                              epochs=20, batch_size=100, in_browser=True)[1]
        return [t for fig in figures for t in figure_texts(fig)] + [note, history.message]

    english, japanese, again = in_three_languages(build)
    assert again[:-1] == english[:-1]
    assert_japanese(english[:-1], japanese[:-1], again[:-1])
    assert JAPANESE.search(japanese[-2])


# -- chapter 08 -------------------------------------------------------------------------------

def playground_texts() -> list[str]:
    from nnlib.chapters.ch08_playground.explorer import playground

    explorer = playground(data="xor", hidden=[3, 2], seed=1, regularization="L2", rate=0.001)
    explorer.controls["look_inside"].value = True
    explorer.controls["step"].click()
    texts = widget_texts(explorer) + figure_texts(explorer.canvas.figure)
    texts += [explorer.epoch_label.value, explorer.inside.value]
    plt.close(explorer.canvas.figure)
    return texts


def test_ch08_playground_controls_readout_and_look_inside():
    english, japanese, again = in_three_languages(playground_texts)
    assert_japanese(english, japanese, again)
    assert any("順伝播" in t and "逆伝播" in t for t in japanese)
    assert any("ニューロン 3 個" in t for t in japanese)


def ch08_figures() -> list[str]:
    from nnlib.chapters.ch08_playground.plots import plot_data_sets, plot_losses
    from nnlib.chapters.ch08_playground.training import make_training

    training = make_training("circle", hidden=[3], seed=0)
    training.train_epochs(2)
    figures = [plot_data_sets(n=50), plot_losses([("circle", training)])]
    return [t for fig in figures for t in figure_texts(fig)]


def test_ch08_figures():
    assert_japanese(*in_three_languages(ch08_figures))


# -- the core ---------------------------------------------------------------------------------

def test_divergence_message_and_warning_in_japanese():
    from nnlib.gradient import DivergenceWarning, gradient_descent

    def run() -> list[str]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = gradient_descent(lambda x: np.sum(x**2), [-3.0, 4.0], lr=1.5,
                                      step_num=50)
        (warning,) = [w for w in caught if issubclass(w.category, DivergenceWarning)]
        return [result.message, str(warning.message)]

    english, japanese, again = in_three_languages(run)
    assert again == english and english[0].startswith("diverged with SGD(lr=1.5)")
    assert japanese[0] == japanese[1] and "発散しました" in japanese[0]
    assert "学習率が大きすぎます" in japanese[0]
    assert english_words(japanese[0]) == []


def test_diagnose_verdict_and_run_message_in_japanese(mnist_small):
    from nnlib.network import TwoLayerNet
    from nnlib.optimizers import SGD
    from nnlib.train import Trainer, diagnose, how_run_ended

    def run() -> list[str]:
        net = TwoLayerNet(784, 10, 10, seed=0)
        history = Trainer(net, *mnist_small, optimizer=SGD(50.0), epochs=1, batch_size=100,
                          progress=False).train()
        ending = how_run_ended(history.loss, history.train_acc)
        return [diagnose(history), ending.name, ending.reason, history.message]

    english, japanese, again = in_three_languages(run)
    assert again == english and english[:2] == ["diverged", "diverged"]
    assert japanese[0] == "発散" and japanese[1] == "diverged"  # the name stays the key
    assert JAPANESE.search(japanese[2]) and english_words(japanese[2]) == []


@pytest.mark.parametrize("call, japanese", [
    ("descent_explorer(lr=0.123)", "スライダーの値"),
    ("get_surface('saddle')", "曲面 'saddle' はありません"),
    ("playground(hidden=[0])", "ニューロン数"),
    ("make_data('moons')", "のどれかにしてください"),
])
def test_a_readers_mistake_is_said_in_japanese(call, japanese):
    from nnlib.chapters.ch05_gradient_descent.explorer import descent_explorer
    from nnlib.chapters.ch05_gradient_descent.surfaces import get_surface
    from nnlib.chapters.ch08_playground.data import make_data
    from nnlib.chapters.ch08_playground.explorer import playground

    names = {"descent_explorer": descent_explorer, "get_surface": get_surface,
             "playground": playground, "make_data": make_data}
    messages = []
    for lang in ("en", "ja", "en"):
        set_language(lang)
        with pytest.raises(ValueError) as caught:
            eval(call, names)
        messages.append(str(caught.value))
    assert messages[0] == messages[2] and not JAPANESE.search(messages[0])
    assert japanese in messages[1]
