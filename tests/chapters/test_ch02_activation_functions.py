"""Activation derivatives, flat regions, linear collapse, curve fits, plots and the explorer."""

from __future__ import annotations

import math
import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import picture_problems

from nnlib.chapters.ch02_activation_functions.activations import (
    ACTIVATIONS,
    collapse_linear,
    describe_flat_regions,
    fit_hidden_layer,
    fit_line,
    flat_regions,
    forward_stack,
    one_minus_exp,
    relu_grad,
    sigmoid_grad,
    step_grad,
    tanh_grad,
)
from nnlib.chapters.ch02_activation_functions.explorer import activation_explorer
from nnlib.chapters.ch02_activation_functions.plots import (
    plot_activations,
    plot_curve_fits,
    plot_one_minus_exp,
)
from nnlib.functions import relu
from nnlib.gradient import numerical_diff

finite = st.floats(-30, 30, allow_nan=False)
slider = st.integers(-32, 32).map(lambda k: k / 4)  # the explorer's grid: -8..8 step 0.25


def no_nan(text: str) -> bool:
    return not re.search(r"\bnan\b", text, re.IGNORECASE)


# --- derivatives ---------------------------------------------------------------------


@settings(deadline=None)
@given(finite)
def test_sigmoid_and_tanh_derivatives_match_numerical_ones(x):
    for name in ("sigmoid", "tanh"):
        h, grad = ACTIVATIONS[name].function, ACTIVATIONS[name].derivative
        numeric = numerical_diff(lambda v, h=h: float(h(v)), x)
        assert float(grad(x)) == pytest.approx(numeric, abs=1e-7)


@settings(deadline=None)
@given(finite.filter(lambda v: abs(v) > 1e-3))
def test_relu_and_step_derivatives_match_numerical_ones_away_from_the_kink(x):
    assert float(relu_grad(x)) == pytest.approx(numerical_diff(lambda v: float(relu(v)), x))
    assert float(step_grad(x)) == 0.0


def test_derivatives_at_known_points():
    assert float(sigmoid_grad(0.0)) == 0.25
    assert float(tanh_grad(0.0)) == 1.0
    assert relu_grad([-1.0, 0.0, 2.0]).tolist() == [0.0, 0.0, 1.0]


def test_derivatives_are_warning_free_at_extremes():
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for act in ACTIVATIONS.values():
            assert np.all(np.isfinite(act.derivative(x)))


def test_float32_stays_float32():
    x = np.array([-1.0, 2.0], dtype=np.float32)
    for grad in (sigmoid_grad, relu_grad, tanh_grad, step_grad):
        assert grad(x).dtype == np.float32


# --- 1 - exp(-x) ---------------------------------------------------------------------


@settings(deadline=None)
@given(st.floats(-700, 700, allow_nan=False))
def test_one_minus_exp_matches_math(x):
    assert float(one_minus_exp(x)) == pytest.approx(1 - math.exp(-x), rel=1e-12, abs=1e-15)


def test_one_minus_exp_is_unbounded_below_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = one_minus_exp([-1000.0, -20.0, 0.0, 1000.0])
    assert values[0] == -math.inf and values[1] < -4e8
    assert values[2] == 0.0 and values[3] == 1.0


# --- flat regions --------------------------------------------------------------------


@settings(deadline=None)
@given(st.sampled_from(sorted(ACTIVATIONS)), slider, slider)
def test_flat_regions_agree_with_evaluating_the_neuron(name, w, b):
    """Inside each region the output is (within tol of) its value; outside, it is not."""
    tol = 0.01
    act = ACTIVATIONS[name]
    regions = flat_regions(name, w, b, tol)
    x = np.linspace(-60, 60, 4801)
    y = act.function(w * x + b).astype(float)
    inside = np.zeros_like(x, dtype=bool)
    for region in regions:
        mask = (x > region.lo) & (x < region.hi)
        inside |= mask
        assert np.all(np.abs(y[mask] - region.value) <= tol + 1e-12)
    near_edge = np.zeros_like(x, dtype=bool)
    for region in regions:
        for edge in (region.lo, region.hi):
            if math.isfinite(edge):
                near_edge |= np.abs(x - edge) < 0.02
    outside = ~inside & ~near_edge
    limits = [v for v in (act.lower, act.upper) if math.isfinite(v)]
    for limit in limits:  # exact regions (step, ReLU) claim "equal", the others "within tol"
        assert np.all(np.abs(y[outside] - limit) > (0 if act.exact else tol))


def test_flat_regions_closed_forms():
    (low, high) = flat_regions("sigmoid", 1.0, 0.0)
    assert low.hi == pytest.approx(-math.log(99)) and high.lo == pytest.approx(math.log(99))
    (zero,) = flat_regions("relu", -2.0, 1.0)
    assert (zero.lo, zero.hi, zero.value, zero.exact) == (0.5, math.inf, 0.0, True)
    assert flat_regions("tanh", 0.0, 0.0) == []
    (everywhere,) = flat_regions("sigmoid", 0.0, -8.0)
    assert (everywhere.lo, everywhere.hi, everywhere.value) == (-math.inf, math.inf, 0.0)


def test_tiny_weight_gives_no_empty_regions_and_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        regions = flat_regions("sigmoid", 1e-310, 0.0)
        text = describe_flat_regions("sigmoid", 1e-310, 0.0)
    assert regions == [] and "nowhere flat" in text


def test_describe_names_the_boundaries():
    text = describe_flat_regions("sigmoid", 2.0, 1.0)
    assert "within 0.01 of 0 for x <= -2.80" in text and "of 1 for x >= 1.80" in text
    assert "exactly 1 for x > -0.50" in describe_flat_regions("step", 2.0, 1.0)
    assert "grows without bound" in describe_flat_regions("relu", 1.0, 0.0)
    assert "for every x" in describe_flat_regions("tanh", 0.0, 3.0)


@pytest.mark.parametrize(
    ("call", "error", "word"),
    [
        (lambda: flat_regions("softplus", 1.0, 0.0), ValueError, "unknown"),
        (lambda: flat_regions("sigmoid", float("nan"), 0.0), ValueError, "NaN"),
        (lambda: flat_regions("sigmoid", 1.0, 0.0, tol=0.7), ValueError, "tol"),
    ],
)
def test_flat_regions_bad_input(call, error, word):
    with pytest.raises(error, match=word):
        call()


# --- linear collapse and curve fits --------------------------------------------------


@settings(deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 4))
def test_stacked_linear_layers_equal_one_layer(seed, depth):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 5, size=depth + 1)
    Ws = [rng.normal(size=(sizes[k], sizes[k + 1])) for k in range(depth)]
    bs = [rng.normal(size=sizes[k + 1]) for k in range(depth)]
    x = rng.normal(size=(3, sizes[0]))
    W, b = collapse_linear(Ws, bs)
    np.testing.assert_allclose(W, np.linalg.multi_dot(Ws) if depth > 1 else Ws[0])
    np.testing.assert_allclose(forward_stack(x, Ws, bs), x @ W + b, atol=1e-10)


def test_relu_stack_does_not_collapse():
    rng = np.random.default_rng(0)
    Ws = [rng.normal(size=(2, 4)), rng.normal(size=(4, 3))]
    x = rng.normal(size=(20, 2))
    W, _ = collapse_linear(Ws)
    assert not np.allclose(forward_stack(x, Ws, activation=relu), relu(x @ W))


def test_collapse_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="columns"):
        collapse_linear([np.ones((2, 3)), np.ones((4, 2))])
    with pytest.raises(ValueError, match="biases"):
        collapse_linear([np.ones((2, 3))], [np.ones(3), np.ones(3)])
    with pytest.raises(ValueError, match="empty"):
        collapse_linear([])


def test_fit_line_is_the_least_squares_line():
    x = np.linspace(-3, 3, 61)
    y = np.sin(2 * x)
    slope, intercept = np.polyfit(x, y, 1)
    np.testing.assert_allclose(fit_line(x, y).prediction, slope * x + intercept, atol=1e-12)


def test_relu_hidden_layer_fits_a_curve_a_linear_one_cannot():
    x = np.linspace(-3, 3, 61)
    y = np.sin(2 * x)
    line = fit_line(x, y)
    identity = fit_hidden_layer(x, y, activation="identity", seed=0)
    relu_fit = fit_hidden_layer(x, y, activation="relu", seed=0)
    assert identity.mse == pytest.approx(line.mse, rel=1e-9)
    assert relu_fit.mse < line.mse / 50
    assert fit_hidden_layer(x, y, activation="relu", seed=0).mse == relu_fit.mse  # seeded


def test_curve_fit_bad_input():
    with pytest.raises(ValueError, match="same length"):
        fit_line([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="unknown"):
        fit_hidden_layer([0.0, 1.0], [0.0, 1.0], activation="swish")
    with pytest.raises(ValueError, match="hidden_size"):
        fit_hidden_layer([0.0, 1.0], [0.0, 1.0], hidden_size=0)


# --- plots ---------------------------------------------------------------------------


def test_plots_build():
    x = np.linspace(-1, 1, 11)
    for fig, axes in [(plot_activations(), 4), (plot_one_minus_exp(), 2),
                      (plot_curve_fits([fit_line(x, x**2)]), 1)]:
        assert len(fig.axes) == axes
        plt.close(fig)
    with pytest.raises(ValueError, match="unknown"):
        plot_activations(["softplus"])
    with pytest.raises(ValueError, match="empty"):
        plot_curve_fits([])


def test_one_minus_exp_title_names_the_x_of_its_value():
    # The curve's lowest point on the plot is at x = -4, where 1 - exp(-x) = 1 - e^4.
    fig = plot_one_minus_exp()
    title = fig.axes[1].get_title()
    plt.close(fig)
    assert f"at x = -4, 1 - exp(4) is about {1 - math.exp(4):.1f}" in title
    assert "1 - exp(-4)" not in title


# --- explorer ------------------------------------------------------------------------


def test_explorer_follows_its_controls():
    explorer = activation_explorer()
    assert explorer.state["activation"] == "sigmoid"
    assert "x <= -4.60" in explorer.readout.value
    explorer.controls["w"].value = 2.0
    explorer.controls["b"].value = 1.0
    assert "x <= -2.80" in explorer.readout.value and "x >= 1.80" in explorer.readout.value
    np.testing.assert_allclose(explorer.state["y"], 1 / (1 + np.exp(-(2 * explorer.x + 1))))
    explorer.controls["activation"].value = "relu"
    assert explorer.state["activation"] == "relu"
    assert "relu(w·x+b) is exactly 0 for x <= -0.50" in explorer.readout.value
    np.testing.assert_allclose(explorer.state["slope"], np.where(2 * explorer.x + 1 > 0, 2.0, 0.0))
    assert repr(explorer) == "ActivationExplorer(activation='relu', w=2, b=1)"


def test_explorer_shades_the_flat_bands():
    explorer = activation_explorer("tanh", 1.0, 0.0)
    edge = math.atanh(0.99)
    left, right = explorer._bands[:2]
    assert left.get_x() == -6.0 and left.get_width() == pytest.approx(6.0 - edge)
    assert right.get_x() == pytest.approx(edge)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("w, b", [(0.0, 0.0), (-8.0, 8.0), (8.0, -8.0), (0.25, -8.0), (8.0, 8.0)])
def test_explorer_extremes_stay_clean(name, w, b):
    explorer = activation_explorer()
    explorer.controls["activation"].value = name
    explorer.controls["w"].value = w
    explorer.controls["b"].value = b
    assert explorer.state["warnings"] == []
    assert no_nan(explorer.readout.value)
    assert np.all(np.isfinite(explorer.state["y"])) and np.all(np.isfinite(explorer.state["slope"]))
    if w == 0:
        assert "w = 0" in explorer.readout.value


def test_explorer_rejects_unknown_activation():
    with pytest.raises(ValueError, match="unknown"):
        activation_explorer("softplus")


@pytest.fixture(scope="module")
def tanh_explorer():
    return activation_explorer("tanh")


@settings(deadline=None, max_examples=40)
@given(w=slider, b=slider)
def test_explorer_readout_never_shows_nan(tanh_explorer, w, b):
    tanh_explorer.controls["w"].value = w
    tanh_explorer.controls["b"].value = b
    assert no_nan(tanh_explorer.readout.value) and tanh_explorer.state["warnings"] == []


def test_explorer_picture_is_sharp_and_fits_a_laptop_screen():
    assert picture_problems(activation_explorer()) == []
