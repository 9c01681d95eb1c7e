"""nnlib.surfaces: every gradient against its closed form, grids against point values,
the stored minima, and the book's simpleNet numbers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.functions import CROSS_ENTROPY_DELTA
from nnlib.gradient import gradient_descent, numerical_gradient
from nnlib.surfaces import (
    SURFACES,
    VALLEY_BOWL,
    VALLEY_WELLS,
    SimpleNet,
    bowl,
    elongated_bowl,
    get_surface,
    many_valleys,
    neuron,
    neuron_data,
    neuron_loss,
)

coordinate = st.floats(-4.0, 4.0, allow_nan=False)


def valleys_gradient(x0: float, x1: float) -> np.ndarray:
    """d/dx of 0.05|x|^2 - sum d exp(-|x-c|^2 / 2s^2), by hand."""
    grad = 2 * VALLEY_BOWL * np.array([x0, x1])
    for c0, c1, depth, width in VALLEY_WELLS:
        bump = depth * np.exp(-((x0 - c0) ** 2 + (x1 - c1) ** 2) / (2 * width**2))
        grad += bump * np.array([x0 - c0, x1 - c1]) / width**2
    return grad


def neuron_gradient(w: float, b: float) -> np.ndarray:
    """d/d(w, b) of -mean(log(q + delta)), q the probability of the correct class.

    With s = sigmoid(z), z = w x + b: dq/dz = s(1 - s) for t = 1 and -s(1 - s) for t = 0.
    (Without delta this is logistic regression's mean((s - t) * [x, 1]).)
    """
    x, t = neuron_data()
    s = 1 / (1 + np.exp(-(w * x + b)))
    q = np.where(t == 1, s, 1 - s)
    dq_dz = np.where(t == 1, 1, -1) * s * (1 - s)
    dloss_dz = -dq_dz / (q + CROSS_ENTROPY_DELTA) / len(x)
    return np.array([np.sum(dloss_dz * x), np.sum(dloss_dz)])


CLOSED_FORMS = {
    "bowl": lambda x0, x1: np.array([2 * x0, 2 * x1]),
    "elongated": lambda x0, x1: np.array([x0 / 10, 2 * x1]),
    "valleys": valleys_gradient,
    "neuron": neuron_gradient,
}


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(SURFACES)), x0=coordinate, x1=coordinate)
def test_numerical_gradient_matches_closed_form(name, x0, x1):
    surface = get_surface(name)
    numeric = numerical_gradient(surface.f, np.array([x0, x1]))
    np.testing.assert_allclose(numeric, CLOSED_FORMS[name](x0, x1), atol=1e-7, rtol=1e-6)


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(sorted(SURFACES)), x0=coordinate, x1=coordinate)
def test_grid_agrees_with_point_function(name, x0, x1):
    """For the neuron this compares the broadcast formula with cross_entropy_error itself."""
    surface = get_surface(name)
    grid = surface.grid(np.array([[x0, 0.5]]), np.array([[x1, -0.5]]))
    assert grid.shape == (1, 2)
    assert grid[0, 0] == pytest.approx(surface.f(np.array([x0, x1])), rel=1e-12, abs=1e-12)
    if name == "neuron":
        x, t = neuron_data()
        assert grid[0, 0] == pytest.approx(neuron_loss([x0, x1], x, t), rel=1e-12, abs=1e-12)
    assert grid[0, 1] == pytest.approx(surface.f(np.array([0.5, -0.5])), rel=1e-12, abs=1e-12)


def test_closed_form_values():
    assert bowl.f(np.array([-3.0, 4.0])) == 25.0  # the book's start
    assert elongated_bowl.f(np.array([-10.0, 1.0])) == pytest.approx(6.0)
    x, t = neuron_data()
    p = 1 / (1 + np.exp(-(0.5 * x - 1.0)))
    by_hand = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    assert neuron.f(np.array([0.5, -1.0])) == pytest.approx(by_hand, rel=1e-6)
    reference = neuron_loss([0.5, -1.0], x, t)  # through cross_entropy_error
    assert neuron.f(np.array([0.5, -1.0])) == pytest.approx(reference, rel=1e-12)


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_stored_minima_are_flat_and_deepest_first(name):
    surface = get_surface(name)
    for point in surface.minima:
        assert np.linalg.norm(numerical_gradient(surface.f, np.array(point))) < 1e-5
    values = [surface.f(np.array(p)) for p in surface.minima]
    assert values == sorted(values)
    assert surface.lowest == values[0]
    assert surface.lowest <= surface.mesh(121)[2].min() + 1e-12


def test_many_valleys_has_three_minima_of_different_depths():
    depths = [many_valleys.f(np.array(p)) for p in many_valleys.minima]
    assert len(depths) == 3
    assert min(np.diff(depths)) > 0.5  # clearly different, not a tie


def test_many_valleys_two_starts_reach_two_different_minima():
    """The gradient leads to the nearest valley: from the book's start (-3, 4) to the
    middle one, from (3, -3) to the deepest."""
    ends = []
    for start in ([-3.0, 4.0], [3.0, -3.0]):
        x, _ = gradient_descent(many_valleys.f, start, lr=0.1, step_num=500)
        distances = [np.linalg.norm(x - np.array(m)) for m in many_valleys.minima]
        assert min(distances) < 1e-3
        ends.append(int(np.argmin(distances)))
    assert ends == [1, 0]
    assert many_valleys.f(np.array(many_valleys.minima[1])) > many_valleys.lowest + 1


def test_neuron_gradient_without_delta_is_logistic_regression():
    x, t = neuron_data()
    w, b = 1.0, -0.5
    error = 1 / (1 + np.exp(-(w * x + b))) - t
    logistic = np.array([np.mean(error * x), np.mean(error)])
    np.testing.assert_allclose(numerical_gradient(neuron.f, np.array([w, b])), logistic, atol=1e-5)


def test_neuron_data_is_seeded_and_overlapping():
    x1, t1 = neuron_data()
    x2, t2 = neuron_data()
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(t1, t2)
    assert x1.shape == t1.shape == (24,)
    assert x1[t1 == 0].max() > x1[t1 == 1].min()  # not separable: the minimum is finite


def test_surfaces_never_warn_far_away():
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        for surface in SURFACES.values():
            value = surface.f(np.array([1e9, -1e9]))
            assert np.isfinite(value)


def test_bad_inputs():
    with pytest.raises(ValueError, match="unknown surface"):
        get_surface("saddle")
    with pytest.raises(ValueError, match="shape"):
        bowl.f(np.zeros(3))
    with pytest.raises(ValueError, match="shape"):
        neuron.f(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="features"):
        SimpleNet().predict(np.zeros(3))


# The book's simpleNet (section 4.4.2): its printed W, x, t and results.
BOOK_W = np.array([[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]])
BOOK_X = np.array([0.6, 0.9])
BOOK_T = np.array([0, 0, 1])


def test_simplenet_reproduces_the_book():
    net = SimpleNet()
    net.W = BOOK_W.copy()
    np.testing.assert_allclose(net.predict(BOOK_X), [1.05414809, 0.63071653, 1.1328074], rtol=1e-7)
    assert net.loss(BOOK_X, BOOK_T) == pytest.approx(0.92806853663411326, rel=1e-6)
    dW = numerical_gradient(net.loss_function(BOOK_X, BOOK_T), net.W)
    book_dW = [[0.21924763, 0.14356247, -0.36281009], [0.32887144, 0.2153437, -0.54421514]]
    np.testing.assert_allclose(dW, book_dW, atol=1e-6)
    np.testing.assert_array_equal(net.W, BOOK_W)  # restored exactly


def test_simplenet_gradient_is_outer_product():
    """dL/dW = x (softmax(xW) - t)^T for softmax with cross-entropy."""
    net = SimpleNet(np.random.default_rng(3))
    y = np.exp(BOOK_X @ net.W) / np.exp(BOOK_X @ net.W).sum()
    dW = numerical_gradient(net.loss_function(BOOK_X, BOOK_T), net.W)
    np.testing.assert_allclose(dW, np.outer(BOOK_X, y - BOOK_T), atol=1e-6)


def test_simplenet_is_seeded():
    a = SimpleNet(np.random.default_rng(0)).W
    b = SimpleNet(np.random.default_rng(0)).W
    np.testing.assert_array_equal(a, b)
    assert a.shape == (2, 3)
    assert SimpleNet(input_size=5, output_size=10).W.shape == (5, 10)
