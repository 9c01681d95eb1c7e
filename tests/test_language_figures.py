"""Chapters 00-04 in Japanese: explorers' readouts and figures' words follow ``set_language``.

Also: a bold Japanese title draws quietly. IPAex Gothic has one face (400); matplotlib would log
"findfont: Failed to find font weight bold for IPAexGothic, now using 400." into a notebook's
output at each bold title unless ``set_language`` registers that face for the other weights.
"""

from __future__ import annotations

import io
import logging
import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib import font_manager

from nnlib.i18n import set_language

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana or kanji


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")
    plt.close("all")


def draw(fig) -> None:
    fig.savefig(io.BytesIO(), format="png")


@pytest.mark.parametrize("weight", ["bold", 700])
def test_bold_japanese_title_draws_without_a_font_log_line(caplog, weight):
    set_language("ja")
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_title("活性化関数", fontweight=weight)
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.DEBUG - 1):
        warnings.simplefilter("always")
        draw(fig)
    logged = [r.getMessage() for r in caplog.records
              if r.name.startswith("matplotlib") and r.levelno >= logging.INFO]
    assert logged == []
    assert [str(w.message) for w in caught] == []
    # the face drawn is IPAex Gothic's (its only file), not a fallback without kana
    found = font_manager.findfont(font_manager.FontProperties(family="IPAexGothic", weight=weight))
    assert found.endswith("ipaexg.ttf")


def test_selecting_japanese_twice_registers_the_extra_weights_once():
    set_language("ja")
    count = sum(f.name == "IPAexGothic" for f in font_manager.fontManager.ttflist)
    set_language("en")
    set_language("ja")
    assert sum(f.name == "IPAexGothic" for f in font_manager.fontManager.ttflist) == count == 9


# --- chapters 00-04: the explorers' readouts and the figures' words in Japanese -------------

from matplotlib.text import Text  # noqa: E402

from nnlib.chapters.ch00_start_here import plots as ch00  # noqa: E402
from nnlib.chapters.ch01_perceptron_to_network import plots as ch01  # noqa: E402
from nnlib.chapters.ch01_perceptron_to_network.explorer import perceptron_explorer  # noqa: E402
from nnlib.chapters.ch02_activation_functions import activations as act02  # noqa: E402
from nnlib.chapters.ch02_activation_functions import plots as ch02  # noqa: E402
from nnlib.chapters.ch02_activation_functions.explorer import activation_explorer  # noqa: E402
from nnlib.chapters.ch03_softmax_overflow import plots as ch03  # noqa: E402
from nnlib.chapters.ch03_softmax_overflow.explorer import softmax_overflow_explorer  # noqa: E402
from nnlib.chapters.ch04_loss_functions import losses as loss04  # noqa: E402
from nnlib.chapters.ch04_loss_functions import plots as ch04  # noqa: E402
from nnlib.chapters.ch04_loss_functions.explorer import loss_explorer  # noqa: E402

#: Names that stay as they are in every language: functions, dtypes, gates, code.
NAMES = {"relu", "sigmoid", "step", "tanh", "exp", "log", "softmax", "float32", "float64",
         "NaN", "AND", "NAND", "OR", "XOR", "np", "dot", "delta", "scale", "logits", "dtype",
         "MSE", "inf"}
MATH = re.compile(r"\$[^$]*\$")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]+")


def english_words(text: str) -> list[str]:
    """The English words of a figure text or readout, leaving out math and NAMES."""
    text = re.sub(r"<[^>]+>", " ", MATH.sub(" ", text))
    return [w for w in WORD.findall(text) if w not in NAMES]


def _x() -> np.ndarray:
    return np.linspace(-2, 2, 30)


def _digits():
    rng = np.random.default_rng(0)
    images = rng.random((4, 784))
    probabilities = rng.dirichlet(np.ones(10), size=4)
    labels = (probabilities.argmax(axis=1) + np.array([0, 1, 0, 1])) % 10  # two wrong
    return images, labels, probabilities


FIGURES = {
    "ch00 plot_digits": lambda: ch00.plot_digits(_digits()[0], _digits()[1]),
    "ch01 plot_perceptron": ch01.plot_perceptron,
    "ch01 plot_xor_network": ch01.plot_xor_network,
    "ch01 plot_book_network": ch01.plot_book_network,
    "ch01 plot_gates": ch01.plot_gates,
    "ch01 plot_dot_shapes": ch01.plot_dot_shapes,
    "ch02 plot_activations": ch02.plot_activations,
    "ch02 plot_one_minus_exp": ch02.plot_one_minus_exp,
    "ch02 plot_curve_fits": lambda: ch02.plot_curve_fits(
        [act02.fit_line(_x(), _x() ** 2), act02.fit_hidden_layer(_x(), _x() ** 2)]),
    "ch03 plot_output_functions": lambda: ch03.plot_output_functions([0.3, 2.9, 4.0]),
    "ch03 plot_softmax_by_scale": lambda: ch03.plot_softmax_by_scale(
        [1010.0, 1000.0, 990.0], np.logspace(-2, 1, 12)),
    "ch03 plot_digit_predictions": lambda: ch03.plot_digit_predictions(*_digits()),
    "ch04 plot_neg_log": ch04.plot_neg_log,
    "ch04 plot_accuracy_vs_loss": lambda: ch04.plot_accuracy_vs_loss(
        [0.0, 1.0, 2.0], [0.1, 0.5, 0.5], [2.0, 1.0, 0.5], [1.0], [-1.0]),
}
#: Figures of numbers and formulas only: the same in every language.
WORDLESS = {"ch00 plot_digits", "ch01 plot_perceptron"}
EXPLORERS = {
    "ch01": perceptron_explorer,
    "ch01 always 0": lambda: perceptron_explorer(0.0, 0.0, -1.0),
    "ch01 copies x1 on the line": lambda: perceptron_explorer(1.0, 0.0, -1.0),
    "ch02": activation_explorer,
    "ch02 relu w=0": lambda: activation_explorer("relu", w=0.0, b=-1.0),
    "ch02 step": lambda: activation_explorer("step", w=2.0, b=1.0),
    "ch03": softmax_overflow_explorer,
    "ch03 scale 0.01": lambda: softmax_overflow_explorer(scale=0.01),
    "ch03 scale 2": lambda: softmax_overflow_explorer(scale=2.0),
    "ch04": loss_explorer,
    "ch04 p=0": lambda: loss_explorer(p=0.0, rest="one"),
    "ch04 p=0.1": lambda: loss_explorer(p=0.1),
    "ch04 p=0.95": lambda: loss_explorer(p=0.95),
}


def figure_texts(fig) -> list[str]:
    """Every visible non-empty text drawn in ``fig``: titles, labels, legends, annotations."""
    fig.canvas.draw()
    return sorted({t.get_text() for t in fig.findobj(Text)
                   if t.get_visible() and t.get_text().strip()})


def check_japanese(texts: list[str]) -> None:
    """Some text is Japanese, and no text with English words (beyond NAMES) is left as it was."""
    assert any(JAPANESE.search(t) for t in texts)
    untranslated = [t for t in texts if english_words(t) and not JAPANESE.search(t)]
    assert untranslated == []


@pytest.mark.parametrize("name", FIGURES)
def test_figure_words_follow_the_language(name):
    english = figure_texts(FIGURES[name]())
    assert not any(JAPANESE.search(t) for t in english)
    set_language("ja")
    japanese = figure_texts(FIGURES[name]())
    if name in WORDLESS:
        assert [english_words(t) for t in english if english_words(t)] == []
        assert japanese == english
    else:
        check_japanese(japanese)
        assert len(japanese) == len(english)
    set_language("en")
    assert figure_texts(FIGURES[name]()) == english


@pytest.mark.parametrize("name", EXPLORERS)
def test_explorer_readout_title_and_figure_follow_the_language(name):
    def build():
        explorer = EXPLORERS[name]()
        return explorer.title.value, explorer.readout.value, figure_texts(explorer.canvas.figure)

    title, readout, texts = build()
    assert not JAPANESE.search(title + readout + "".join(texts))
    set_language("ja")
    title_ja, readout_ja, texts_ja = build()
    check_japanese([title_ja, readout_ja, *texts_ja])
    # every sentence of the readout is Japanese: no run of English words left over
    assert not re.search(r"[A-Za-z]{2,} [a-z]{2,} [a-z]{2,}", MATH.sub("", readout_ja))
    set_language("en")
    assert build() == (title, readout, texts)


ERRORS = {
    "ch00 labels": lambda: ch00.plot_digits(np.zeros((2, 784)), [1]),
    "ch01 gates": lambda: ch01.plot_gates(["XOR"]),
    "ch01 dot shapes": lambda: ch01.plot_dot_shapes((2, 3), (2, 2)),
    "ch02 tol": lambda: act02.flat_regions("sigmoid", 1.0, 0.0, tol=0.7),
    "ch02 activations": lambda: ch02.plot_activations(["swish"]),
    "ch03 digits": lambda: ch03.plot_digit_predictions(
        np.zeros((2, 10)), [1, 2], np.zeros((2, 10))),
    "ch04 p": lambda: loss04.spread_probabilities(1.5),
    "ch04 index": lambda: loss04.spread_probabilities(0.5, correct=12),
}


@pytest.mark.parametrize("name", ERRORS)
def test_a_readers_mistake_is_explained_in_the_language(name):
    with pytest.raises((ValueError, TypeError)) as english:
        ERRORS[name]()
    assert not JAPANESE.search(str(english.value))
    set_language("ja")
    with pytest.raises(type(english.value)) as japanese:
        ERRORS[name]()
    assert JAPANESE.search(str(japanese.value))


def test_chapter_03_explorer_bold_banners_draw_quietly_in_japanese(caplog):
    set_language("ja")
    with caplog.at_level(logging.INFO, logger="matplotlib"):
        explorer = softmax_overflow_explorer(scale=2.0)
        draw(explorer.canvas.figure)
    banners = [t for t in explorer.canvas.figure.findobj(Text) if t.get_fontweight() == "bold"]
    assert banners and all(JAPANESE.search(t.get_text()) for t in banners if t.get_text())
    assert [r.getMessage() for r in caplog.records if "findfont" in r.getMessage()] == []
