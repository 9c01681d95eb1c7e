"""The check engine: calm verdicts whatever the reader's code does, and nothing leaks out."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from support import exercise_checks

from nnlib.engines.exercise import fmt

ex = exercise_checks()


def stub(*args):
    raise NotImplementedError("your code here")


class StubClass:
    """A class exercise as the generated cell hands it out: every method raises."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("your code here")

    def forward(self, *args):
        raise NotImplementedError("your code here")

    def backward(self, dout):
        raise NotImplementedError("your code here")


CHECKS = [getattr(ex, name) for name in ex.names]
CLASS_CHECKS = ("layer", "with_loss", "two_layer_net", "momentum", "adagrad", "dropout")


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_a_stub_is_not_attempted_yet(check, capsys):
    is_class = any(word in check.__name__ for word in CLASS_CHECKS)
    for attempt in ((StubClass,) if is_class else (stub,)):
        check(attempt)
        out = capsys.readouterr().out
        assert "not attempted yet" in out and out.count("\n") == 1, (attempt.__name__, out)


def raises_key_error(x):
    return {}["missing"]


def prints_and_returns_none(x):
    print("hello from the reader")


def prints_but_right(x):
    print("debugging", x)
    return (x > 0).astype(int)


def returns_list(x):
    return [0, 1, 1]


def returns_wrong_shape(x):
    return np.zeros((2, 2))


def returns_string(x):
    return "0 1 1"


def calls_exit(x):
    raise SystemExit(1)


def warns_and_wrong(x):
    warnings.warn("reader's own warning", UserWarning, stacklevel=1)
    return x


@pytest.mark.parametrize(("attempt", "words"), [
    (raises_key_error, "raised KeyError"),
    (prints_and_returns_none, "is None (it printed 'hello from the reader' instead): did you "
     "forget `return`?"),
    (returns_list, "is a Python list, expected a numpy array"),
    (returns_wrong_shape, "has shape (2, 2)"),
    (returns_string, "expected numbers"),
    (calls_exit, "raised SystemExit"),
    (warns_and_wrong, "expected [0, 1, 1]"),
    (42, "pass your function (or class) itself"),
    (None, "pass your function (or class) itself"),
])
def test_misbehaving_code_gets_a_calm_verdict(attempt, words, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning escaping the check would fail here
        ex.check_step_function(attempt)
    out, err = capsys.readouterr()
    assert err == "" and out.count("\n") == 1 and out.startswith("✗ step function: ")
    assert words in out
    assert "hello from the reader" not in out.replace("'hello from the reader'", "")


def test_a_print_in_a_right_answer_is_a_note(capsys):
    verdict = ex.check_step_function.verdict(prints_but_right)
    assert verdict.passed and "note: it printed 'debugging" in verdict.message
    assert capsys.readouterr().out == ""


def test_warnings_fail_unless_the_check_only_notes_them():
    def warns_but_right(a):
        np.exp(np.array([1000.0]))  # an overflow warning, then the right answer
        e = np.exp(a - a.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    verdict = ex.check_softmax.verdict(warns_but_right)
    assert not verdict.passed and "numpy warned" in verdict.message
    assert "subtract the max" in verdict.message
    book_sigmoid = ex.check_sigmoid.verdict(lambda x: 1 / (1 + np.exp(-x)))
    assert book_sigmoid.passed and "note: numpy warned" in book_sigmoid.message


def test_an_instance_is_accepted_for_a_class():
    from nnlib.layers import Relu

    assert ex.check_relu_layer.verdict(Relu()).passed


def test_fmt_is_short_and_one_line():
    assert fmt(np.array([1010, 1000, 990])) == "[1010, 1000, 990]"
    assert fmt(np.array([[0.3, 2.9], [1.0, 2.0]])) == "[[0.3, 2.9], [1, 2]]"
    assert fmt(np.arange(100.0)) == "[0, 1, ..., 98, 99]"
    assert fmt(0.123456789) == "0.1235"
