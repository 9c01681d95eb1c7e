"""Chapter 05: the verdict rules, finite-difference errors, evaluation counts and timing
(``descent``), the explorer driven headless, and the surfaces: every gradient against its
closed form, grids against point values, the stored minima, and the book's simpleNet numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.chapters.ch05_gradient_descent.descent import (
    BOOK_NET_PARAMS,
    CONVERGED_GRADIENT_NORM,
    DIVERGED_LOSS_RISE,
    OSCILLATION_WINDOW,
    classify_run,
    converged_rule,
    count_loss_evaluations,
    difference_errors,
    diverged_rule,
    extrapolate_linear,
    forward_diff,
    oscillating_rule,
    time_numerical_gradient,
)
from nnlib.chapters.ch05_gradient_descent.explorer import LR_CHOICES, descent_explorer, plotted_gap
from nnlib.chapters.ch05_gradient_descent.plots import DRAW_LIMIT, drawable_path
from nnlib.chapters.ch05_gradient_descent.surfaces import (
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
from nnlib.functions import CROSS_ENTROPY_DELTA, sigmoid
from nnlib.gradient import DescentResult, gradient_descent, numerical_gradient

BOOK_START = [-3.0, 4.0]


def run(lr, step_num=100, surface=bowl, start=BOOK_START):
    return gradient_descent(surface.f, start, lr=lr, step_num=step_num, warn=False)


# -- the rules, one at a time ---------------------------------------------------------------
def test_diverged_rule_fires_on_blow_up():
    result = run(10.0)
    assert result.diverged
    assert "blew up at step" in diverged_rule(result, [bowl.f(p) for p in result.path])


def test_diverged_rule_fires_on_loss_rise_without_blow_up():
    """lr = 1.1 on the bowl multiplies x by -1.2 per step: it grows, but stays below 1e10."""
    result = run(1.1)
    assert not result.diverged
    reason = diverged_rule(result, [bowl.f(p) for p in result.path])
    assert reason is not None and "rose" in reason


def test_diverged_rule_threshold():
    """A rise just above DIVERGED_LOSS_RISE * max(|L0|, 1) fires, one just below does not."""
    result = run(0.1, step_num=1)
    assert diverged_rule(result, [25.0, 25.0 * (1 + 2 * DIVERGED_LOSS_RISE)]) is not None
    assert diverged_rule(result, [25.0, 25.0 * (1 + 0.5 * DIVERGED_LOSS_RISE)]) is None
    assert diverged_rule(result, [0.0, 2 * DIVERGED_LOSS_RISE]) is not None  # scale 1 near 0
    assert diverged_rule(result, [-3.0, -4.0]) is None  # going down is never divergence


def test_diverged_rule_ignores_bouncing_in_place():
    """lr = 1 on the bowl jumps between (-3, 4) and (3, -4): loss stays 25, up to rounding."""
    result = run(1.0)
    np.testing.assert_allclose(result.path[-1], [-3, 4] if len(result.path) % 2 else [3, -4])
    assert diverged_rule(result, [bowl.f(p) for p in result.path]) is None


def test_converged_rule_threshold():
    assert converged_rule(0.0)
    assert converged_rule(CONVERGED_GRADIENT_NORM)
    assert not converged_rule(CONVERGED_GRADIENT_NORM * 1.01)
    assert not converged_rule(10.0)


# -- the book's three cases from (-3, 4) ---------------------------------------------------
@pytest.mark.parametrize(
    ("lr", "verdict", "rule"),
    [(0.1, "converged", "converged_rule"), (10.0, "diverged", "diverged_rule"),
     (1e-10, "stalled", "no rule: still sloped")],
)
def test_book_cases(lr, verdict, rule):
    result = run(lr)
    v = classify_run(bowl.f, result)
    assert (v.name, v.rule) == (verdict, rule)
    assert np.isfinite(v.final_loss) and np.isfinite(v.gradient_norm)


def test_book_case_values():
    converged = classify_run(bowl.f, run(0.1))
    assert converged.final_loss < 1e-16  # 25 * 0.64**100
    assert converged.final_loss == pytest.approx(25 * 0.8 ** (2 * 100), rel=1e-6)
    stalled = classify_run(bowl.f, run(1e-10))
    assert stalled.final_loss == pytest.approx(25.0, rel=1e-6)  # it stays put
    assert stalled.gradient_norm == pytest.approx(10.0, rel=1e-6)  # |2 * (-3, 4)|


def test_classify_uses_given_losses_and_checks_them():
    result = run(0.1, step_num=5)
    losses = [bowl.f(p) for p in result.path]
    assert classify_run(bowl.f, result, losses) == classify_run(bowl.f, result)
    with pytest.raises(ValueError, match="one value per point"):
        classify_run(bowl.f, result, losses[:-1])
    with pytest.raises(TypeError, match="gradient_descent"):
        classify_run(bowl.f, (result.x, result.path))


def test_classify_does_not_change_the_result():
    result = run(0.1, step_num=3)
    before = result.x.copy()
    classify_run(bowl.f, result)
    np.testing.assert_array_equal(result.x, before)


# -- finite differences -------------------------------------------------------------------
def test_forward_diff_truncation_error_is_half_h_f2():
    """exp at 1: forward error ~ h/2 * e, central error ~ h^2/6 * e."""
    h = 1e-3
    assert forward_diff(math.exp, 1.0, h) - math.e == pytest.approx(h / 2 * math.e, rel=1e-2)
    forward, central = difference_errors(math.exp, math.e, 1.0, [h])
    assert central[0] == pytest.approx(h**2 / 6 * math.e, rel=1e-2)
    assert central[0] < forward[0] / 100


def test_difference_errors_show_both_regimes():
    hs = np.logspace(-16, 0, 33)
    forward, central = difference_errors(math.exp, math.e, 1.0, hs)
    assert forward.shape == central.shape == hs.shape
    # both U-shaped: at tiny h rounding wins (1 + 1e-16 == 1, estimate 0), at h = 1 truncation
    assert forward[0] == pytest.approx(math.e) and central[0] == pytest.approx(math.e)
    assert forward[-1] > 0.1 and central[-1] > 0.1
    best_forward, best_central = hs[np.argmin(forward)], hs[np.argmin(central)]
    assert 1e-10 < best_forward < 1e-6  # near sqrt(eps) ~ 1e-8
    assert 1e-7 < best_central < 1e-3  # near eps^(1/3) ~ 6e-6
    at_book_h = np.argmin(np.abs(hs - 1e-4))
    assert central[at_book_h] < 1e-7 < forward[at_book_h]


def test_forward_diff_bad_h():
    with pytest.raises(ValueError, match="h"):
        forward_diff(math.exp, 1.0, 0.0)
    with pytest.raises(ValueError, match="h"):
        forward_diff(math.exp, 1.0, float("nan"))


# -- evaluation counts and timing -------------------------------------------------------------
@settings(max_examples=20, deadline=None)
@given(st.integers(1, 300))
def test_two_loss_evaluations_per_parameter(n):
    assert count_loss_evaluations(n) == 2 * n


def test_book_net_parameter_count():
    assert BOOK_NET_PARAMS == 39_760


def test_time_numerical_gradient_shape_and_checks():
    seconds = time_numerical_gradient([10, 20], repeats=1)
    assert seconds.shape == (2,) and np.all(seconds > 0)
    with pytest.raises(ValueError, match="multiples of 10"):
        time_numerical_gradient([15])
    with pytest.raises(ValueError, match="repeats"):
        time_numerical_gradient([10], repeats=0)


def test_extrapolate_linear_on_an_exact_line():
    counts = np.array([100, 200, 400])
    predicted = extrapolate_linear(counts, 3e-5 * counts + 0.001, [BOOK_NET_PARAMS, 1_000_000])
    np.testing.assert_allclose(predicted, [3e-5 * 39_760 + 0.001, 30.001])
    with pytest.raises(ValueError, match="equal length"):
        extrapolate_linear([1, 2], [1.0], [3])


# -- the explorer, headless -----------------------------------------------------------------
def drawn_path(explorer):
    x, y = explorer.path_line.get_data()
    return np.column_stack([x, y])


def set_controls(explorer, **values):
    for name, value in values.items():
        explorer.controls[name].value = value


@pytest.mark.parametrize(
    ("settings_", "verdict"),
    [({"lr": 0.1}, "converged"), ({"lr": 10.0}, "diverged"), ({"lr": 1e-4}, "stalled"),
     ({"surface": "elongated", "lr": 0.01}, "stalled"),
     ({"surface": "neuron", "lr": 3.0}, "converged"),
     ({"surface": "elongated", "lr": 1.2}, "diverged")],
)
def test_explorer_verdict_and_drawn_path(settings_, verdict):
    explorer = descent_explorer()
    set_controls(explorer, **settings_)
    values = explorer.values
    surface = get_surface(values["surface"])
    expected = gradient_descent(surface.f, [values["x0"], values["x1"]], lr=values["lr"],
                                step_num=values["steps"], warn=False)
    assert explorer.state["verdict"].name == verdict
    np.testing.assert_array_equal(explorer.state["path"], expected.path)
    drawn = drawn_path(explorer)
    np.testing.assert_array_equal(drawn, expected.path[: len(drawn)])
    if len(drawn) < len(expected.path):  # cut only after the path is far out of view
        assert verdict == "diverged" and np.max(np.abs(drawn[-1])) > DRAW_LIMIT
    loss_x, loss_y = explorer.loss_line.get_data()
    np.testing.assert_array_equal(loss_x, np.arange(len(expected.path)))
    assert len(loss_y) == len(expected.path)
    readout = explorer.readout.value
    assert verdict in readout and "Final loss" in readout and "nan" not in readout.lower()
    assert explorer.state["warnings"] == []


def test_explorer_readout_changes_with_lr():
    explorer = descent_explorer()
    assert "converged" in explorer.readout.value
    explorer.controls["lr"].value = 10.0
    assert "diverged" in explorer.readout.value and "blew up" in explorer.readout.value
    explorer.controls["lr"].value = 1e-4
    assert "stalled" in explorer.readout.value


def test_explorer_many_valleys_two_starts_two_minima():
    explorer = descent_explorer(surface="valleys", lr=0.5, step_num=200)
    ends = []
    for x0, x1 in [(-3.0, 4.0), (3.0, -3.0)]:
        set_controls(explorer, x0=x0, x1=x1)
        assert explorer.state["verdict"].name == "converged"
        end = drawn_path(explorer)[-1]
        ends.append(int(np.argmin([np.linalg.norm(end - m) for m in many_valleys.minima])))
    assert ends == [1, 0]


def test_explorer_neuron_shows_its_fitted_sigmoid():
    explorer = descent_explorer(surface="neuron", lr=3.0)
    assert explorer.fitted_curve.get_visible() and not explorer.x0_line.get_visible()
    w, b = explorer.state["path"][-1]
    xs, ys = explorer.fitted_curve.get_data()
    np.testing.assert_allclose(ys, sigmoid(w * xs + b))
    w0, b0 = explorer.state["path"][0]
    assert (w0, b0) == (-3.0, 4.0)  # the start IS the neuron's initial weight and bias
    explorer.controls["surface"].value = "bowl"
    assert not explorer.fitted_curve.get_visible() and explorer.x0_line.get_visible()


@pytest.mark.parametrize("surface", ["bowl", "elongated", "valleys"])
def test_explorer_third_panel_shows_the_coordinates_per_step(surface):
    explorer = descent_explorer(surface=surface, lr=1.0)
    path = explorer.state["path"]
    for line, column in ((explorer.x0_line, 0), (explorer.x1_line, 1)):
        assert line.get_visible()
        steps, values = line.get_data()
        np.testing.assert_array_equal(steps, np.arange(len(path)))
        np.testing.assert_array_equal(values, path[:, column])
    assert not explorer.fitted_curve.get_visible()
    assert "x0 and x1 per step" in explorer.ax_fit.get_title()


def test_explorer_says_oscillating_when_the_point_bounces():
    """lr = 1 on the bowl: x -> x - 2x = -x, between (-3, 4) and (3, -4) for ever."""
    explorer = descent_explorer(lr=1.0)
    path = explorer.state["path"]
    np.testing.assert_allclose(path[1::2], [[3.0, -4.0]] * 50, rtol=1e-6)
    np.testing.assert_allclose(path[::2], [[-3.0, 4.0]] * 51, rtol=1e-6)
    assert explorer.state["verdict"].name == "oscillating"
    assert "oscillating" in explorer.readout.value and "stalled" not in explorer.readout.value
    # a zigzag that dies out is converging, not oscillating
    explorer.controls["lr"].value = 0.9
    assert explorer.state["verdict"].name == "converged"


def test_oscillating_rule_on_hand_made_paths():
    bounce = np.array([[1.0, 0.0], [-1.0, 0.0]] * 8)
    assert oscillating_rule(bounce) is not None
    damped = np.array([[(-0.5) ** k, 0.0] for k in range(16)])  # halves every step
    assert oscillating_rule(damped) is None
    straight = np.array([[k, 0.0] for k in range(16)], dtype=float)
    assert oscillating_rule(straight) is None
    assert oscillating_rule(bounce[: OSCILLATION_WINDOW + 1]) is None  # too short to tell


@pytest.mark.parametrize("lr", [0.1, 1.0, 10.0, 1e-4])
def test_readout_names_no_internal_rule(lr):
    explorer = descent_explorer(lr=lr)
    readout = explorer.readout.value
    assert "rule" not in readout and "neither" not in readout
    assert explorer.state["verdict"].name in readout


def test_lr_slider_offers_every_rate_the_chapter_names_in_keyboard_steps():
    slider = descent_explorer().controls["lr"]
    values = [value for _, value in slider.options]
    for named in (1e-10, 1e-4, 0.01, 0.1, 0.3, 0.5, 0.9, 1.0, 1.1, 1.2, 3.0, 10.0):
        assert named in values
    assert values == sorted(values) and len(values) <= 40  # one arrow press per value
    assert values[0] == LR_CHOICES[0] == 1e-10  # the book's smallest rate
    explorer = descent_explorer(lr=1e-10)
    assert explorer.state["verdict"].name == "stalled"
    with pytest.raises(ValueError, match="one of the slider's values"):
        descent_explorer(lr=0.123)


def test_loss_panel_has_no_false_plateau():
    """lr = 0.1 on the bowl: the gap 25 * 0.64^k passes 1e-12 at step 69 and keeps falling.
    The drawn curve must leave through the panel's floor, not lie along it."""
    explorer = descent_explorer()
    floor = explorer.ax_loss.get_ylim()[0]
    _, drawn = explorer.loss_line.get_data()
    exact = 25 * 0.64 ** np.arange(101)
    below = exact < floor
    np.testing.assert_allclose(drawn[~below], exact[~below], rtol=1e-6)
    assert np.all(drawn[below] < floor)  # off the axis, so the clipped line ends at the floor
    assert not np.any(drawn == floor)
    np.testing.assert_array_equal(plotted_gap(np.array([1.0, 0.0, -1e-9]), 0.0)[1:],
                                  [floor / 10, floor / 10])


def test_explorer_figure_fits_a_narrow_window():
    explorer = descent_explorer()
    width, height = explorer.canvas.figure.canvas.get_width_height()
    assert width <= 720 and height <= 450  # with five sliders, within about 700 px


def test_simple_net_takes_the_books_W_and_gives_the_books_dW():
    W = np.array([[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]])
    net = SimpleNet(W=W)
    x, t = np.array([0.6, 0.9]), np.array([0, 0, 1])
    np.testing.assert_allclose(net.predict(x), [1.05414809, 0.63071653, 1.1328074], rtol=1e-7)
    dW = numerical_gradient(net.loss_function(x, t), net.W)
    np.testing.assert_allclose(dW, [[0.219, 0.144, -0.363], [0.329, 0.215, -0.544]], atol=5e-4)
    np.testing.assert_array_equal(W[0], [0.47355232, 0.9977393, 0.84668094])  # a copy was nudged
    with pytest.raises(ValueError, match="W or rng"):
        SimpleNet(np.random.default_rng(0), W=W)
    with pytest.raises(ValueError, match="matrix"):
        SimpleNet(W=[1.0, 2.0])


def test_explorer_redraws_contours_only_when_the_surface_changes():
    explorer = descent_explorer()
    contours = explorer._contours
    set_controls(explorer, lr=0.5, x0=1.0, x1=-2.0, steps=50)
    assert explorer._contours is contours
    explorer.controls["surface"].value = "valleys"
    assert explorer._contours is not contours
    explorer.controls["surface"].value = "bowl"
    assert set(explorer._meshes) == {"bowl", "valleys"}  # each grid computed once, cached


@pytest.mark.parametrize("surface", ["bowl", "elongated", "valleys", "neuron"])
def test_explorer_extremes(surface):
    explorer = descent_explorer(surface=surface)
    for values in ({"lr": 10.0, "x0": 4.0, "x1": -4.0, "steps": 200},
                   {"lr": 1e-4, "x0": -4.0, "x1": 4.0, "steps": 1},
                   {"lr": 10.0, "x0": 0.0, "x1": 0.0, "steps": 200}):
        set_controls(explorer, **values)
        assert "nan" not in explorer.readout.value.lower()
        assert explorer.state["warnings"] == []
        assert np.all(np.isfinite(explorer.state["losses"]))


def test_explorer_repr_is_stable():
    expected = "DescentExplorer(surface='bowl', lr=0.1, x0=-3, x1=4, steps=100)"
    assert repr(descent_explorer()) == expected


def test_explorer_bad_surface():
    with pytest.raises(ValueError, match="unknown surface"):
        descent_explorer(surface="saddle")


def test_drawable_path_stops_after_leaving():
    path = run(10.0).path
    shown = drawable_path(path)
    np.testing.assert_array_equal(shown, path[:3])  # (-3, 4), (57, -76), (-1083, 1444)
    calm = run(0.1).path
    assert drawable_path(calm) is calm


def test_explorer_draws_every_point_of_a_calm_path():
    explorer = descent_explorer(lr=0.3)
    np.testing.assert_array_equal(drawn_path(explorer), explorer.state["path"])
    assert len(drawn_path(explorer)) == 101


def test_result_type_is_the_one_gradient_descent_returns():
    assert isinstance(run(0.1, step_num=1), DescentResult)


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
