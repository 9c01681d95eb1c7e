"""nnlib.functions against the book's worked numbers, closed forms and properties."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib.functions import (
    cross_entropy_error,
    identity_function,
    mean_squared_error,
    relu,
    sigmoid,
    softmax,
    softmax_naive,
    step_function,
    sum_squared_error,
    tanh,
    to_one_hot,
)

BOOK_Y = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]
finite = st.floats(min_value=-1e308, max_value=1e308, allow_nan=False, allow_infinity=False)
moderate = st.floats(min_value=-50, max_value=50, allow_nan=False)


def test_softmax_matches_book_example():
    np.testing.assert_allclose(
        softmax([0.3, 2.9, 4.0]), [0.01821127, 0.24519181, 0.73659691], atol=1e-8
    )


@given(arrays(np.float64, st.integers(1, 6), elements=moderate))
def test_softmax_matches_closed_form_with_math_exp(a):
    exps = [math.exp(v) for v in a]
    np.testing.assert_allclose(softmax(a), [e / math.fsum(exps) for e in exps], rtol=1e-12)


def test_softmax_survives_the_books_overflow_example():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = softmax([1010, 1000, 990])
        extreme = softmax([1e308, -1e308])
    np.testing.assert_allclose(y, [9.99954600e-01, 4.53978686e-05, 2.06106005e-09], rtol=1e-6)
    np.testing.assert_array_equal(extreme, [1.0, 0.0])


def test_naive_softmax_really_overflows():
    with pytest.warns(RuntimeWarning, match="overflow"), np.errstate(invalid="ignore"):
        y = softmax_naive([1010, 1000, 990])
    assert np.all(np.isnan(y))


def test_softmax_batch_all_equal_rows_and_dtype():
    batch = np.array([[5.0, 5.0, 5.0, 5.0], [1.0, 2.0, 3.0, 4.0]], dtype=np.float32)
    y = softmax(batch)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y[0], 0.25)
    np.testing.assert_allclose(y[1], softmax(batch[1]))
    assert softmax([1, 2, 3]).dtype == np.float64  # integers become float64


@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 8)), elements=finite))
def test_softmax_rows_sum_to_one_and_stay_finite(a):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = softmax(a)
    assert np.all(np.isfinite(y)) and np.all(y >= 0)
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=1e-12)


@given(arrays(np.float64, st.integers(1, 8), elements=moderate), st.floats(-1e3, 1e3))
def test_softmax_is_invariant_to_a_shift(a, c):
    np.testing.assert_allclose(softmax(a + c), softmax(a), atol=1e-12)


def test_softmax_does_not_touch_its_input():
    a = np.array([1010.0, 1000.0, 990.0])
    softmax(a)
    np.testing.assert_array_equal(a, [1010.0, 1000.0, 990.0])


@pytest.mark.parametrize("x", [-1000.0, -30.0, -1.5, 0.0, 2.0, 30.0, 1000.0])
def test_sigmoid_closed_form_without_warnings(x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = float(sigmoid(x))
    if abs(x) < 700:
        assert y == pytest.approx(1 / (1 + math.exp(-x)), rel=1e-12, abs=1e-300)
    else:
        assert y == (1.0 if x > 0 else 0.0)


def test_sigmoid_keeps_float32():
    assert sigmoid(np.array([-1000, 0, 1000], dtype=np.float32)).dtype == np.float32


def test_step_relu_tanh_identity_closed_forms():
    x = np.array([-2.0, -0.0, 0.0, 0.5, 3.0])
    assert step_function(x).tolist() == [0, 0, 0, 1, 1]
    assert relu(x).tolist() == [max(0.0, v) for v in x]
    np.testing.assert_allclose(tanh(x), [math.tanh(v) for v in x])
    y = identity_function(x)
    y[0] = 99
    assert x[0] == -2.0  # a copy, not a view


def test_sum_squared_error_book_numbers():
    assert sum_squared_error(BOOK_Y, 2) == pytest.approx(0.0975)
    assert sum_squared_error(BOOK_Y, to_one_hot(7)) == pytest.approx(0.5975)


def test_mean_squared_error_is_the_printed_books_name_for_the_same_function():
    # §4.2.1 of the printed book calls 2乗和誤差 mean_squared_error; its numbers are the same.
    assert mean_squared_error is sum_squared_error
    assert mean_squared_error(np.array(BOOK_Y), to_one_hot(2)) == pytest.approx(0.0975)
    assert mean_squared_error(np.array(BOOK_Y), to_one_hot(7)) == pytest.approx(0.5975)


def _book_sse(y, t):
    """The book's 0.5 * np.sum((y - t)**2), written out as plain Python over every entry."""
    pairs = (pair for rows in zip(y, t, strict=True) for pair in zip(*rows, strict=True))
    return 0.5 * sum((a - b) ** 2 for a, b in pairs)


def test_sum_squared_error_on_a_batch_is_the_books_total_not_an_average():
    rng = np.random.default_rng(12)
    y = softmax(rng.normal(size=(4, 10)))
    t = to_one_hot(np.array([2, 7, 0, 9]))
    expected = _book_sse(y.tolist(), t.tolist())
    assert sum_squared_error(y, t) == pytest.approx(expected, rel=1e-12)
    assert sum_squared_error(y, [2, 7, 0, 9]) == pytest.approx(expected, rel=1e-12)
    # the total is the sum of the rows' losses (an average would be a quarter of it)
    assert expected == pytest.approx(sum(sum_squared_error(y[i], t[i]) for i in range(4)))


@given(
    arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 5)), elements=moderate),
    arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 5)), elements=moderate),
)
def test_sum_squared_error_takes_any_real_target_of_ys_shape_like_the_book(y, t):
    # The book's code accepts any t of y's shape (regression targets, not only one-hot).
    if t.shape != y.shape:
        t = np.resize(t, y.shape)
    assert sum_squared_error(y, t) == pytest.approx(_book_sse(y.tolist(), t.tolist()),
                                                    rel=1e-9, abs=1e-12)


def test_cross_entropy_book_numbers_and_label_forms():
    assert cross_entropy_error(BOOK_Y, 2) == pytest.approx(-math.log(0.6 + 1e-7))
    assert cross_entropy_error(BOOK_Y, 2) == pytest.approx(0.5108, abs=1e-4)
    assert cross_entropy_error(BOOK_Y, to_one_hot(7)) == pytest.approx(2.3026, abs=1e-4)


def test_cross_entropy_averages_over_the_batch():
    y = np.array([BOOK_Y, BOOK_Y[::-1]])
    t = np.array([2, 7])
    expected_ce = (-math.log(0.6 + 1e-7) - math.log(BOOK_Y[2] + 1e-7)) / 2
    assert cross_entropy_error(y, t) == pytest.approx(expected_ce)
    assert cross_entropy_error(y, to_one_hot(t)) == pytest.approx(expected_ce)


def test_cross_entropy_is_finite_when_correct_class_has_probability_zero():
    assert cross_entropy_error([1.0, 0.0], 1) == pytest.approx(-math.log(1e-7))


@given(
    arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(2, 6)), elements=moderate),
    st.data(),
)
def test_cross_entropy_is_non_negative(logits, data):
    labels = data.draw(
        arrays(np.int64, logits.shape[0], elements=st.integers(0, logits.shape[1] - 1))
    )
    assert cross_entropy_error(softmax(logits), labels) >= 0


@pytest.mark.parametrize(
    ("call", "error", "word"),
    [
        (lambda: cross_entropy_error(BOOK_Y, [0, 1]), ValueError, "shapes"),
        (lambda: cross_entropy_error(np.ones((2, 3)) / 3, np.ones((3, 3))), ValueError, "shapes"),
        (lambda: cross_entropy_error(BOOK_Y, 10), ValueError, "0..9"),
        (lambda: cross_entropy_error(BOOK_Y, -1), ValueError, "0..9"),
        (lambda: cross_entropy_error(BOOK_Y, 2.0), TypeError, "integer"),
        (lambda: cross_entropy_error(BOOK_Y, np.full(10, 0.1)), ValueError, "one-hot"),
        (lambda: cross_entropy_error([-1.0, 2.0], 1), ValueError, "probabilities"),
        (lambda: sum_squared_error(BOOK_Y, 12), ValueError, "0..9"),
        (lambda: sum_squared_error(BOOK_Y, [0.0] * 9 + [np.nan]), ValueError, "t contains NaN"),
        (lambda: sum_squared_error(BOOK_Y, [1.0, 0.0]), ValueError, "shapes"),
        (lambda: softmax([1.0, np.nan]), ValueError, "NaN"),
        (lambda: sigmoid([np.inf]), ValueError, "NaN or inf"),
        (lambda: softmax([]), ValueError, "empty"),
        (lambda: relu(np.array(["a"])), TypeError, "dtype"),
        (lambda: to_one_hot([1.5]), TypeError, "integers"),
        (lambda: to_one_hot([10]), ValueError, "0..9"),
    ],
)
def test_bad_input_is_named(call, error, word):
    with pytest.raises(error, match=word):
        call()
