"""Every chapter's check speaks the language set_language chose: verdict, hint and title.

One wrong attempt per chapter (01-08), each aimed at a hint of its own: under "ja" the whole
line is Japanese (Japanese characters, no sentence of the English hint left in it), and
set_language("en") afterwards gives back the English, word for word as before.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from nnlib.chapters.ch01_perceptron_to_network.exercises import check_and_gate
from nnlib.chapters.ch02_activation_functions.exercises import check_relu
from nnlib.chapters.ch03_softmax_overflow.exercises import check_softmax
from nnlib.chapters.ch04_loss_functions.exercises import check_sum_squared_error
from nnlib.chapters.ch05_gradient_descent.exercises import check_numerical_diff
from nnlib.chapters.ch06_backprop.exercises import check_mul_layer
from nnlib.chapters.ch07_training_mnist.exercises import check_sgd_update
from nnlib.chapters.ch08_playground.exercises import check_tanh_layer
from nnlib.i18n import set_language

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){3,}\b")  # four English words


class UnswappedMul:
    """The multiply node with the inputs not swapped in backward."""

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.x, dout * self.y


class SigmoidAsTanh:
    """A tanh layer that computes the sigmoid."""

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out**2)


def sgd_uphill(params, grads, lr):
    for key in grads:
        params[key] += lr * grads[key]


# (check, wrong attempt, words of the English hint it must give, words of the Japanese one,
#  the Japanese title; None where the title is a name in code, MulLayer, that stays)
CASES = [
    (check_and_gate, lambda x1, x2: 0, "your AND gives [0, 0, 0, 0]", "AND は [0, 0, 0, 0] を返し",
     "AND ゲート"),
    (check_relu, lambda x: np.abs(x), "negative inputs must give 0, not |x|", "負の入力", None),
    (check_softmax, lambda a: a, "the probabilities sum to 7.2, not 1", "確率の和が1ではなく 7.2",
     "ソフトマックス関数"),
    (check_sum_squared_error, lambda y, t: np.sum((y - t) ** 2),
     "twice the answer: the formula has a factor 1/2 in front", "答えの2倍", "2乗和誤差"),
    (check_numerical_diff, lambda f, x: (f(x + 1e-4) - f(x - 1e-4)) / 1e-4,
     "twice the slope", "傾きの2倍", None),
    (check_mul_layer, UnswappedMul, "not swapped: the multiply node swaps its inputs",
     "入れ替えていません", None),
    (check_sgd_update, sgd_uphill, "moved along the gradient", "勾配の向きに動いています",
     "SGDによる更新"),
    (check_tanh_layer, SigmoidAsTanh, "that is the sigmoid", "それはシグモイド関数です",
     "Tanh レイヤ"),
]


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")


@pytest.mark.parametrize(("check", "attempt", "english", "japanese", "title"), CASES,
                         ids=[case[0].__name__ for case in CASES])
def test_a_wrong_attempt_is_told_in_japanese_then_english_again(check, attempt, english,
                                                                japanese, title):
    before = check.result(attempt)
    assert before.status == "failed" and english in before.message

    set_language("ja")
    result = check.result(attempt)
    line = str(result)
    assert result.status == "failed" and result.passed is False
    assert japanese in result.message
    assert result.title == (title if title else before.title)
    assert english not in line and before.message not in line
    assert ENGLISH_RUN.search(line) is None, line  # code such as np.maximum(0, x) may stay
    assert not re.search(r"\b(always|the|is|not|for|you|use)\b", line), line

    set_language("en")
    again = check.result(attempt)
    assert (again.status, again.title, again.message) == (before.status, before.title,
                                                          before.message)
    assert JAPANESE.search(str(again)) is None


def test_not_attempted_and_passed_lines_follow_the_language():
    def stub(x):
        raise NotImplementedError

    english = str(check_relu.result(stub))
    assert "not attempted yet" in english
    set_language("ja")
    assert "まだ取り組んでいません" in str(check_relu.result(stub))
    passed = check_relu.result(lambda x: np.maximum(0, x))
    assert passed.passed and "合格です" in passed.message and "passed" not in passed.message
    set_language("en")
    assert str(check_relu.result(stub)) == english
    assert check_relu.result(lambda x: np.maximum(0, x)).message.startswith("passed, all ")


def test_a_hint_chosen_by_the_case_is_chosen_in_japanese_too():
    """check_numerical_gradient picks its closure hint by the case's description, which is
    translated: the same hint comes in both languages."""
    from nnlib.chapters.ch05_gradient_descent.exercises import check_numerical_gradient

    def on_a_copy(f, x):
        grad, h = np.zeros_like(x, dtype=float), 1e-4
        for idx in np.ndindex(x.shape):
            y = x.copy()
            y[idx] += h
            up = f(y)
            y[idx] -= 2 * h
            grad[idx] = (up - f(y)) / (2 * h)
        return grad

    assert "f ignores its argument and reads W itself" in check_numerical_gradient.result(
        on_a_copy).message
    set_language("ja")
    message = check_numerical_gradient.result(on_a_copy).message
    assert "f は引数を使わずに W を直接読む" in message and "ignores" not in message
