"""Chapter 04: the book's loss numbers, slopes vs numerical_diff, the weight sweep, the explorer."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import picture_problems

from nnlib.chapters.ch04_loss_functions.explorer import loss_explorer
from nnlib.chapters.ch04_loss_functions.losses import (
    BOOK_Y,
    accuracy,
    loss_slopes,
    loss_values,
    one_weight_functions,
    spread_probabilities,
    tiny_dataset,
    weight_sweep,
)
from nnlib.functions import cross_entropy_error, softmax, sum_squared_error, to_one_hot
from nnlib.gradient import numerical_diff

W0 = np.array([[0.0, 1.0], [1.0, -1.0]])
B0 = np.zeros(2)


# --- the book's example ------------------------------------------------------------------


@pytest.mark.parametrize(("label", "sse", "cee"), [(2, 0.0975, 0.5108), (7, 0.5975, 2.3026)])
def test_book_numbers_by_hand_and_by_nnlib(label, sse, cee):
    by_hand_sse = 0.5 * sum((yk - (k == label)) ** 2 for k, yk in enumerate(BOOK_Y.tolist()))
    by_hand_cee = -math.log(BOOK_Y[label])
    assert by_hand_sse == pytest.approx(sse, abs=5e-5)
    assert by_hand_cee == pytest.approx(cee, abs=5e-5)
    for t in (label, to_one_hot(label)):
        assert sum_squared_error(BOOK_Y, t) == pytest.approx(by_hand_sse, abs=1e-12)
        assert cross_entropy_error(BOOK_Y, t) == pytest.approx(by_hand_cee, abs=1e-6)


# --- probability vectors and their losses ------------------------------------------------


@given(st.floats(0.0, 1.0), st.sampled_from(["even", "one"]), st.integers(0, 9))
def test_spread_probabilities_is_a_distribution_with_p_on_the_right_class(p, rest, correct):
    y = spread_probabilities(p, correct, 10, rest)
    assert y.sum() == pytest.approx(1.0)
    assert y[correct] == p
    assert np.all(y >= 0)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_spread_probabilities_rejects_a_p_outside_0_1(p):
    with pytest.raises(ValueError, match="probability"):
        spread_probabilities(p)


def test_spread_probabilities_rejects_bad_rest_and_bad_class():
    with pytest.raises(ValueError, match="rest"):
        spread_probabilities(0.5, rest="uniform")
    with pytest.raises(ValueError, match="correct"):
        spread_probabilities(0.5, correct=10, num_classes=10)


def test_loss_values_match_the_closed_forms():
    ps = np.linspace(0.0, 1.0, 11)
    sse_even, cee = loss_values(ps, rest="even")
    np.testing.assert_allclose(sse_even, 0.5 * (1 - ps) ** 2 * 10 / 9, atol=1e-12)
    np.testing.assert_allclose(cee, -np.log(ps + 1e-7), atol=1e-6)
    sse_one, cee_one = loss_values(ps, rest="one")
    np.testing.assert_allclose(sse_one, (1 - ps) ** 2, atol=1e-12)
    np.testing.assert_array_equal(cee_one, cee)  # cross-entropy reads the right class only


@given(st.floats(0.01, 0.99), st.sampled_from(["even", "one"]))
def test_loss_slopes_agree_with_numerical_diff(p, rest):
    sse_slope, ce_slope = loss_slopes(p, rest=rest)
    assert numerical_diff(lambda q: loss_values(q, rest=rest)[0][0], p, h=1e-5) == pytest.approx(
        sse_slope, rel=1e-5, abs=1e-8
    )
    assert numerical_diff(lambda q: loss_values(q, rest=rest)[1][0], p, h=1e-5) == pytest.approx(
        ce_slope, rel=1e-4
    )


def test_slopes_at_the_ends():
    assert loss_slopes(0.0) == pytest.approx((-10 / 9, -1e7))
    assert loss_slopes(1.0, rest="one") == pytest.approx((0.0, -1.0), abs=1e-6)


# --- accuracy and the weight sweep -------------------------------------------------------


def test_tiny_dataset_is_seeded_and_balanced():
    x, t = tiny_dataset(n=20, seed=0)
    x_again, t_again = tiny_dataset(n=20, seed=0)
    np.testing.assert_array_equal(x, x_again)
    np.testing.assert_array_equal(t, t_again)
    assert x.shape == (20, 2) and np.bincount(t).tolist() == [10, 10]
    assert not np.array_equal(x, tiny_dataset(n=20, seed=1)[0])


def test_accuracy_counts_argmax_hits_with_either_label_form():
    scores = np.array([[2.0, 1.0], [0.0, 3.0], [5.0, 4.0], [1.0, 2.0]])
    labels = np.array([0, 1, 1, 0])
    assert accuracy(scores, labels) == 0.5
    assert accuracy(scores, to_one_hot(labels, num_classes=2)) == 0.5
    with pytest.raises(ValueError, match="labels"):
        accuracy(scores, np.array([0, 1, 2, 0]))


def test_cross_entropy_slope_matches_the_softmax_gradient():
    # d/dW of mean cross-entropy of softmax(xW + b) is x^T (softmax - one_hot) / n. The
    # loss's delta inside the log shifts the slope by about delta / y (1e-5 for y ~ 0.01).
    x, t = tiny_dataset()
    _, loss_of = one_weight_functions(x, t, W0, B0)
    for w in (-2.0, 0.5, 2.5):
        W = W0.copy()
        W[0, 0] = w
        analytic = (x.T @ (softmax(x @ W + B0) - to_one_hot(t, 2)) / len(t))[0, 0]
        assert numerical_diff(loss_of, w) == pytest.approx(analytic, rel=1e-4, abs=1e-8)


def test_accuracy_is_a_staircase_with_zero_slope_almost_everywhere():
    x, t = tiny_dataset()
    weights = np.linspace(-3.0, 4.0, 701)
    accuracies, losses = weight_sweep(x, t, W0, B0, weights)
    steps = accuracies * len(t)
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-9)  # multiples of 1/n
    accuracy_of, loss_of = one_weight_functions(x, t, W0, B0)
    flat = [numerical_diff(accuracy_of, w) == 0.0 for w in weights]
    assert np.mean(flat) > 0.95
    assert all(numerical_diff(loss_of, w) != 0.0 for w in weights[::50])
    assert np.all(np.isfinite(losses))


def test_one_weight_functions_never_change_the_callers_weights():
    x, t = tiny_dataset()
    W = W0.copy()
    accuracy_of, loss_of = one_weight_functions(x, t, W, B0)
    accuracy_of(3.0)
    loss_of(-3.0)
    np.testing.assert_array_equal(W, W0)


def test_one_weight_functions_reject_bad_shapes_and_indices():
    x, t = tiny_dataset()
    with pytest.raises(ValueError, match="shapes"):
        one_weight_functions(x, t, np.zeros((3, 2)), B0)
    with pytest.raises(ValueError, match="index"):
        one_weight_functions(x, t, W0, B0, index=(5, 0))


# --- the explorer, headless --------------------------------------------------------------


def test_explorer_defaults_to_the_books_probability():
    explorer = loss_explorer()
    state = explorer.state
    assert state["p"] == pytest.approx(0.6)
    assert state["ce"] == pytest.approx(-math.log(0.6), abs=1e-6)
    assert state["sse"] == pytest.approx(0.5 * 0.4**2 * 10 / 9)
    assert "cross-entropy E = 0.5108" in explorer.readout.value
    assert state["warnings"] == []


def test_explorer_slider_and_toggle_update_state_readout_and_image():
    explorer = loss_explorer()
    before_text, before_image = explorer.readout.value, explorer.canvas.image.value
    explorer.controls["p"].value = 0.05
    assert explorer.state["ce"] == pytest.approx(-math.log(0.05), abs=1e-5)
    assert "confident mistake" in explorer.readout.value
    assert explorer.readout.value != before_text
    assert explorer.canvas.image.value != before_image
    ce_before = explorer.state["ce"]
    explorer.controls["rest"].value = "one"
    assert explorer.state["sse"] == pytest.approx(0.95**2)
    assert explorer.state["ce"] == ce_before
    assert "all on one wrong class" in explorer.readout.value


@pytest.mark.parametrize("p", [0.0, 1.0])
@pytest.mark.parametrize("rest", ["even", "one"])
def test_explorer_extremes_show_no_nan_and_raise_no_warnings(p, rest):
    explorer = loss_explorer()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer.controls["rest"].value = rest
        explorer.controls["p"].value = p
    readout = explorer.readout.value
    assert "nan" not in readout.lower() and "-0.000" not in readout
    assert explorer.state["warnings"] == []
    if p == 0.0:
        assert "16.12" in readout
        assert explorer.markers["ce"].get_marker() == "^"  # off the chart


def test_explorer_repr_is_short_and_stable():
    assert repr(loss_explorer()) == "LossExplorer(p=0.60, rest='even')"


def test_explorer_picture_is_sharp_and_fits_a_laptop_screen():
    assert picture_problems(loss_explorer()) == []
