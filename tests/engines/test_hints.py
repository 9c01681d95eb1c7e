"""What a message says about a mistake: the scale factor, the exception, the hint."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib.engines.hints import error_hint, raised, scale_between


@pytest.mark.parametrize(("factor", "expected"), [
    (0.5, [2.0, -4.0, 0.0]), (-1.0, [1.0, 2.0, 3.0]), (1 / np.log(10), [1.0, 5.0, 9.0]),
])
def test_a_scaled_answer_gives_its_factor(factor, expected):
    expected = np.array(expected)
    assert scale_between(factor * expected, expected) == pytest.approx(factor)


@pytest.mark.parametrize(("result", "expected"), [
    ([1.0, 2.0], [1.0, 3.0]),  # not one factor
    ([1.0, 1.0], [0.0, 1.0]),  # nonzero where the answer is 0
    ([1.0, np.nan], [1.0, 2.0]),
    ([1.0], [1.0, 2.0]),  # another shape
])
def test_no_factor_when_there_is_none(result, expected):
    assert scale_between(np.array(result), np.array(expected)) is None


def test_hints_for_the_usual_errors():
    try:
        np.ones(3) @ np.ones(4)
    except ValueError as error:
        assert ".T" in error_hint(error)
    assert "imports" in error_hint(NameError("name 'np' is not defined"))
    assert error_hint(KeyError("x")) == ""


def test_raised_keeps_the_first_sentence_and_prefers_the_checks_hint():
    error = ValueError("Unable to allocate 728. MiB for an array. Try less.")
    assert raised(error, "for x = 1") == (
        "raised ValueError: Unable to allocate 728. MiB for an array for x = 1")
    assert raised(KeyError("k"), "for x = 1", lambda e: "use .get") == (
        "raised KeyError: 'k' for x = 1; use .get")

    def broken_hint(error):
        raise SystemExit

    assert raised(KeyError("k"), "here", broken_hint) == "raised KeyError: 'k' here"
