"""nnlib.gradient against analytic gradients and the book's gradient-descent cases."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib.gradient import DivergenceWarning, gradient_descent, numerical_diff, numerical_gradient


def function_2(x):
    return x[0] ** 2 + x[1] ** 2


def test_numerical_diff_of_the_books_function():
    def f(x):
        return 0.01 * x**2 + 0.1 * x

    assert numerical_diff(f, 5.0) == pytest.approx(0.2, abs=1e-9)  # 0.02 * 5 + 0.1
    assert numerical_diff(f, 10.0) == pytest.approx(0.3, abs=1e-9)


def test_central_difference_beats_forward_difference_on_exp():
    h = 1e-4
    forward = (math.exp(1 + h) - math.exp(1)) / h
    assert abs(numerical_diff(math.exp, 1.0, h) - math.e) < abs(forward - math.e) / 100


@pytest.mark.parametrize(
    ("point", "expected"), [((3, 4), (6, 8)), ((0, 2), (0, 4)), ((3, 0), (6, 0))]
)
def test_gradient_of_the_books_function(point, expected):
    np.testing.assert_allclose(
        numerical_gradient(function_2, np.array(point, float)), expected, atol=1e-6
    )


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.data())
def test_numerical_gradient_of_random_quadratics(n, data):
    elems = st.floats(-3, 3, allow_nan=False)
    a = data.draw(arrays(np.float64, (n, n), elements=elems))
    b = data.draw(arrays(np.float64, n, elements=elems))
    x = data.draw(arrays(np.float64, n, elements=elems))

    def quadratic(v):
        return 0.5 * v @ a @ v + b @ v

    analytic = 0.5 * (a + a.T) @ x + b
    np.testing.assert_allclose(numerical_gradient(quadratic, x), analytic, atol=1e-6)


def test_numerical_gradient_handles_any_shape_and_closures():
    w = np.arange(6, dtype=float).reshape(2, 3)
    grad = numerical_gradient(lambda _: float(np.sum(w**3)), w)  # f reads w, not its argument
    np.testing.assert_allclose(grad, 3 * np.arange(6).reshape(2, 3) ** 2, rtol=1e-6, atol=1e-6)


def test_numerical_gradient_restores_x_exactly_even_when_f_raises():
    x = np.array([0.1, 0.2, 0.3])
    before = x.copy()
    numerical_gradient(function_2, x[:2].copy())
    calls = []

    def explodes_on_third_call(v):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("boom")
        return float(v.sum())

    with pytest.raises(RuntimeError):
        numerical_gradient(explodes_on_third_call, x)
    assert x.tobytes() == before.tobytes()


def test_numerical_gradient_rejects_integer_arrays():
    with pytest.raises(TypeError, match="truncated"):
        numerical_gradient(function_2, np.array([3, 4]))


def test_numerical_gradient_needs_a_scalar_f():
    with pytest.raises(TypeError, match="single real number"):
        numerical_gradient(lambda v: v * 2, np.array([1.0, 2.0]))


def test_gradient_descent_book_cases():
    start = np.array([-3.0, 4.0])
    x, path = gradient_descent(function_2, start, lr=0.1)
    assert np.all(np.abs(x) < 1e-8)
    assert path.shape == (101, 2) and path[0].tolist() == [-3.0, 4.0]
    np.testing.assert_allclose(path[1], start * (1 - 2 * 0.1), rtol=1e-6)  # x - lr * 2x
    assert start.tolist() == [-3.0, 4.0]

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning may escape
        with pytest.warns(DivergenceWarning, match="diverged at step"):
            result = gradient_descent(function_2, start, lr=10)
    assert result.diverged and result.diverged_at == len(result.path)
    assert "diverged at step" in result.message

    x_small, _ = gradient_descent(function_2, start, lr=1e-10)
    np.testing.assert_allclose(x_small, start, atol=1e-6)


def test_gradient_descent_reports_non_finite_values_quietly():
    result = gradient_descent(lambda v: float(np.exp(v[0] ** 3)), [3.0], lr=1.0, warn=False)
    assert result.diverged_at == 1 and len(result.path) == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "word"),
    [
        ({"lr": 0}, ValueError, "lr"),
        ({"lr": -0.1}, ValueError, "lr"),
        ({"lr": float("nan")}, ValueError, "lr"),
        ({"lr": float("inf")}, ValueError, "lr"),
        ({"lr": "0.1"}, TypeError, "lr"),
        ({"step_num": -1}, ValueError, "step_num"),
        ({"step_num": 2.5}, TypeError, "step_num"),
        ({"init_x": [np.nan, 1.0]}, ValueError, "NaN"),
        ({"init_x": []}, ValueError, "empty"),
    ],
)
def test_gradient_descent_bad_input(kwargs, error, word):
    args = {"init_x": [1.0, 2.0], **kwargs}
    with pytest.raises(error, match=word):
        gradient_descent(function_2, **args)


def test_numerical_diff_bad_h():
    with pytest.raises(ValueError, match="h must be"):
        numerical_diff(math.sin, 1.0, h=0)
