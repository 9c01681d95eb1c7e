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
from nnlib.optimizers import SGD


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
    """The book's three runs from (-3, 4) on x0^2 + x1^2. On this quadratic the central
    difference is exact up to rounding, so each step multiplies x by (1 - 2 lr): the
    closed form x_k = (1 - 2 lr)^k x_0 is an independent answer for lr 0.1 and 1e-10."""
    start = np.array([-3.0, 4.0])
    x, path = gradient_descent(function_2, start, lr=0.1)
    assert path.shape == (101, 2) and path[0].tolist() == [-3.0, 4.0]
    steps = np.arange(101)[:, None]
    np.testing.assert_allclose(path, start * 0.8**steps, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(x, [-6.11110793e-10, 8.14814391e-10], rtol=1e-6)  # the book's
    assert start.tolist() == [-3.0, 4.0]  # the book's version moves init_x; nnlib does not

    x_small, path_small = gradient_descent(function_2, start, lr=1e-10)
    np.testing.assert_allclose(path_small, start * (1 - 2e-10) ** steps, rtol=1e-12)
    np.testing.assert_allclose(x_small, [-2.99999994, 3.99999992], rtol=1e-8)  # the book's


def test_gradient_descent_lr_10_ends_at_the_books_number_and_says_why():
    start = np.array([-3.0, 4.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning may escape
        with pytest.warns(DivergenceWarning, match="diverged"):
            result = gradient_descent(function_2, start, lr=10.0, step_num=100)
    x, path = result
    np.testing.assert_allclose(x, [-2.58983747e13, -1.29524862e12], rtol=1e-8)  # the book's
    assert path.shape == (101, 2) and result.steps == 100
    # x_k = (-19)^k x_0, up to a rounding error that grows with |x| (1.3e-4 relative by
    # step 7, where h = 1e-4 is a tiny part of x); |x| first passes 1e10 at step 8
    np.testing.assert_allclose(path[:9], start * (-19.0) ** np.arange(9)[:, None], rtol=1e-3)
    assert np.max(np.abs(path[7])) < 1e10 < np.max(np.abs(path[8]))
    assert result.diverged and result.diverged_at == 8
    # from step 11 on x + h == x in floating point, so the central difference is 0
    assert result.stuck_from == 11
    assert np.all(path[11:] == path[10]) and not np.all(path[10] == path[9])
    assert np.all(path[10] + 1e-4 == path[10])
    for words in ("step 8 of 100", "all 100 steps", "from step 11", "rounds back to x"):
        assert words in result.message


def test_gradient_descent_stops_only_at_a_non_finite_point_and_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = gradient_descent(lambda v: float(np.exp(v[0] ** 2)), [3.0], lr=1.0, warn=False)
    # step 1 jumps to 3 - 6 e^9 (finite, below max_abs); step 2 overflows exp: x is not finite
    np.testing.assert_allclose(result.path[1], 3 - 6 * math.exp(9), rtol=1e-6)
    assert result.diverged_at == 2 and result.steps == 1 and result.stuck_from is None
    assert np.all(np.isfinite(result.path)) and "inf or NaN" in result.message


def test_gradient_descent_takes_an_optimizer():
    class HalfStep:  # the update(params, grads) protocol of nnlib.optimizers
        def update(self, params, grads):
            for name in params:
                params[name] -= 0.5 * grads[name]

    start = np.array([-3.0, 4.0])
    x, path = gradient_descent(function_2, start, optimizer=HalfStep(), step_num=3)
    np.testing.assert_allclose(path[1], [0.0, 0.0], atol=1e-9)  # x - 0.5 * 2x = 0
    x_sgd, _ = gradient_descent(function_2, start, optimizer=SGD(0.1), step_num=5)
    np.testing.assert_allclose(x_sgd, start * 0.8**5, rtol=1e-9)
    with pytest.raises(ValueError, match="lr or an optimizer"):
        gradient_descent(function_2, start, lr=0.5, optimizer=SGD(0.1))
    with pytest.raises(TypeError, match="update"):
        gradient_descent(function_2, start, optimizer=object())


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
