"""Chapter 06: computational graphs (``graphs``), their drawing (``plots``) and timing.

The shopping numbers are checked against the book's worked values and against the
closed-form partial derivatives; the gradient-check helper against errors computed
by hand, element by element.
"""

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.chapters.ch06_backprop.graphs import (
    ComputationalGraph,
    GraphEdge,
    GraphNode,
    chain_rule_example,
    shopping_apple,
    shopping_apple_orange,
    sigmoid_graph,
)
from nnlib.chapters.ch06_backprop.plots import (
    BACKWARD_COLOR,
    layout_graph,
    plot_computational_graph,
)
from nnlib.chapters.ch06_backprop.timing import parameter_count, time_gradients
from nnlib.gradient import numerical_diff, numerical_gradient
from nnlib.gradient_check import format_gradient_table, gradient_errors


def book(value: float) -> float:
    """The book prints 1.1 * 100 = 110.00000000000001 as 110: compare to 9 decimals."""
    return round(float(value), 9)


# ---- the shopping examples: the book's numbers, exactly --------------------------------


def test_apples_forward_and_backward_match_the_book():
    g = shopping_apple()
    assert book(g.value("mul_tax")) == 220
    assert book(g.value("mul_apple")) == 200
    assert book(g.grad("apple")) == 2.2
    assert book(g.grad("apple_num")) == 110
    assert book(g.grad("tax")) == 200
    assert g.grad("mul_tax") == 1.0


def test_apples_and_oranges_forward_and_backward_match_the_book():
    g = shopping_apple_orange()
    assert book(g.value("mul_apple")) == 200
    assert book(g.value("mul_orange")) == 450
    assert book(g.value("add_fruit")) == 650
    assert book(g.value("mul_tax")) == 715
    assert book(g.grad("apple")) == 2.2
    assert book(g.grad("apple_num")) == 110
    assert book(g.grad("orange")) == 3.3
    assert book(g.grad("orange_num")) == 165
    assert book(g.grad("tax")) == 650
    # an addition node passes the same gradient to both inputs
    assert book(g.grad("mul_apple")) == book(g.grad("mul_orange")) == 1.1


positive = st.floats(min_value=0.01, max_value=1000, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(positive, positive, positive, positive, positive)
def test_shopping_gradients_are_the_closed_form_partial_derivatives(a, an, o, on, tax):
    g = shopping_apple_orange(a, an, o, on, tax)
    assert g.value("mul_tax") == pytest.approx((a * an + o * on) * tax, rel=1e-12)
    expected = {"apple": an * tax, "apple_num": a * tax, "orange": on * tax,
                "orange_num": o * tax, "tax": a * an + o * on}
    for name, derivative in expected.items():
        assert g.grad(name) == pytest.approx(derivative, rel=1e-12)


def test_apple_gradients_agree_with_numerical_differentiation():
    base = {"apple": 100.0, "apple_num": 2.0, "tax": 1.1}
    g = shopping_apple(**base)
    for name in base:
        def price(v, name=name):
            return shopping_apple(**(base | {name: v})).value("mul_tax")

        assert g.grad(name) == pytest.approx(numerical_diff(price, base[name]), rel=1e-6)


def test_chain_rule_example_is_two_t_times_one():
    g = chain_rule_example(2.0, 1.5)
    assert g.value("square") == 12.25
    assert g.grad("x") == g.grad("y") == 7.0

    def z(x):
        return chain_rule_example(x, 1.5).value("square")

    assert g.grad("x") == pytest.approx(numerical_diff(z, 2.0), rel=1e-8)


@pytest.mark.parametrize("bad", [[1.0, 2.0], "a", float("nan")])
def test_shopping_rejects_non_numbers(bad):
    with pytest.raises((TypeError, ValueError), match="apple"):
        shopping_apple(apple=bad)


# ---- the graph description -------------------------------------------------------------


def test_graph_rejects_unknown_nodes_duplicates_and_bad_kinds():
    a, b = GraphNode("a", "a", "input"), GraphNode("b", "+")
    with pytest.raises(ValueError, match="unknown"):
        ComputationalGraph((a, b), (GraphEdge("a", "c", 1.0),))
    with pytest.raises(ValueError, match="unique"):
        ComputationalGraph((a, a), ())
    with pytest.raises(ValueError, match="kind"):
        ComputationalGraph((GraphNode("a", "a", "box"),), ())  # type: ignore[arg-type]
    g = ComputationalGraph((a, b), (GraphEdge("a", "b", 1.0),))
    with pytest.raises(KeyError, match="no node"):
        g.value("zzz")
    with pytest.raises(ValueError, match="outgoing"):
        g.value("b")


def test_layout_puts_values_left_to_right_and_centres_ops_on_inputs():
    g = shopping_apple_orange()
    pos = layout_graph(g)
    for edge in g.edges:
        assert pos[edge.source][0] < pos[edge.target][0]
    assert pos["apple"][0] == pos["orange"][0]  # inputs of the first column line up
    # each multiplication sits halfway between its two inputs
    assert pos["mul_apple"][1] == pytest.approx((pos["apple"][1] + pos["apple_num"][1]) / 2)
    assert pos["price"][0] == max(x for x, _ in pos.values())
    assert len(set(pos.values())) == len(pos)  # no two nodes on one spot


def test_layout_rejects_a_cycle():
    nodes = (GraphNode("a", "+"), GraphNode("b", "+"), GraphNode("out", "out", "output"))
    edges = (GraphEdge("a", "b", 1.0), GraphEdge("b", "a", 1.0), GraphEdge("b", "out", 1.0))
    with pytest.raises(ValueError, match="cycle"):
        layout_graph(ComputationalGraph(nodes, edges))


# ---- the plot --------------------------------------------------------------------------


def _texts(fig):
    return [(t.get_text(), mcolors.to_hex(t.get_color())) for t in fig.axes[0].texts]


@pytest.mark.parametrize("build", [shopping_apple, shopping_apple_orange, chain_rule_example])
def test_plot_renders_forward_above_and_backward_below(build):
    g = build()
    fig = plot_computational_graph(g)
    fig.canvas.draw()  # the whole render, text layout included
    texts = _texts(fig)
    red = [s for s, c in texts if c == mcolors.to_hex(BACKWARD_COLOR)]
    assert len(red) == len(g.edges)
    labels = {s for s, _ in texts}
    assert {n.label for n in g.nodes} <= labels
    ax = fig.axes[0]
    pos = layout_graph(g)
    for edge in g.edges:
        if pos[edge.source][1] == pos[edge.target][1]:  # a horizontal edge
            above = [t for t in ax.texts if t.get_text() == f"{edge.forward:.6g}"]
            below = [t for t in ax.texts if t.get_color() == BACKWARD_COLOR
                     and t.get_text() == f"{edge.backward:.6g}"]
            y_edge = pos[edge.source][1]
            assert any(t.get_position()[1] > y_edge for t in above)
            assert any(t.get_position()[1] < y_edge for t in below)
    plt.close(fig)


def test_plot_shows_the_book_numbers_rounded():
    fig = plot_computational_graph(shopping_apple())
    labels = {s for s, _ in _texts(fig)}
    assert {"100", "2", "1.1", "200", "220", "2.2", "110", "1"} <= labels
    assert not any("0000" in s for s in labels)  # no 110.00000000000001
    plt.close(fig)


def test_plot_forward_only_has_no_backward_values():
    fig = plot_computational_graph(shopping_apple(), show_backward=False, title="forward")
    assert not [s for s, c in _texts(fig) if c == mcolors.to_hex(BACKWARD_COLOR)]
    assert "forward" in fig.axes[0].get_title()
    plt.close(fig)


def test_plot_draws_into_a_given_axes_and_rejects_non_graphs():
    fig, ax = plt.subplots()
    assert plot_computational_graph(chain_rule_example(), ax=ax) is fig
    plt.close(fig)
    with pytest.raises(TypeError, match="ComputationalGraph"):
        plot_computational_graph({"nodes": []})


# ---- gradient check and timing ---------------------------------------------------------


def test_gradient_errors_match_a_hand_computation():
    rng = np.random.default_rng(0)
    numerical = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=4)}
    noise = rng.normal(scale=1e-3, size=(3, 4))
    backprop = {"W": numerical["W"] + noise, "b": numerical["b"].copy()}
    rows = gradient_errors(numerical, backprop)
    assert [r.name for r in rows] == ["W", "b"]
    n, b = numerical["W"].ravel().tolist(), backprop["W"].ravel().tolist()
    max_abs = max(abs(p - q) for p, q in zip(n, b, strict=True))
    scale = max(max(abs(p) for p in n), max(abs(q) for q in b))
    assert rows[0].max_abs == pytest.approx(max_abs, rel=1e-12)
    assert rows[0].max_rel == pytest.approx(max_abs / scale, rel=1e-12)
    assert rows[0].shape == (3, 4)
    assert rows[1].max_abs == rows[1].max_rel == 0.0


def test_gradient_check_of_a_known_gradient_and_of_a_wrong_one():
    rng = np.random.default_rng(1)
    W = rng.normal(size=(5, 3))
    numerical = {"W": numerical_gradient(lambda w: 0.5 * np.sum(w**2), W.copy())}
    right = gradient_errors(numerical, {"W": W})  # d/dW (|W|^2 / 2) = W
    assert right[0].max_rel < 1e-8
    wrong = gradient_errors(numerical, {"W": 1.01 * W})
    assert wrong[0].max_rel == pytest.approx(0.01 / 1.01, rel=1e-5)


def test_zero_gradients_give_zero_relative_error():
    rows = gradient_errors({"b": np.zeros(3)}, {"b": np.zeros(3)})
    assert rows[0].max_rel == 0.0


def test_gradient_errors_reject_mismatches():
    with pytest.raises(ValueError, match="different"):
        gradient_errors({"W": np.ones(2)}, {"V": np.ones(2)})
    with pytest.raises(ValueError, match="shape"):
        gradient_errors({"W": np.ones(2)}, {"W": np.ones(3)})
    with pytest.raises(TypeError, match="dtype"):
        gradient_errors({"W": np.array(["a"])}, {"W": np.ones(1)})
    with pytest.raises(ValueError, match="NaN"):
        gradient_errors({"W": np.array([np.nan])}, {"W": np.ones(1)})


def test_format_gradient_table_has_one_row_per_parameter():
    rows = gradient_errors({"W1": np.ones((2, 2)), "b1": np.ones(2)},
                           {"W1": np.ones((2, 2)) + 1e-9, "b1": np.ones(2)})
    table = format_gradient_table(rows, digits=2).splitlines()
    assert len(table) == 3
    assert table[1].split()[0] == "W1" and "1.0e-09" in table[1]
    assert table[2].split()[-2:] == ["0.0e+00", "0.0e+00"]


def test_format_gradient_table_rounds_to_the_nearest_power_of_ten():
    rows = gradient_errors({"W": np.array([4.0])}, {"W": np.array([4.0 + 3e-7])})
    # abs error 3e-7 is nearer 1e-7 than 1e-6 on a log scale; relative 7.5e-8 nearer 1e-7
    assert format_gradient_table(rows).splitlines()[1].split()[-2:] == ["1e-07", "1e-07"]
    rows = gradient_errors({"W": np.array([1.0])}, {"W": np.array([1.0 + 4e-7])})
    assert format_gradient_table(rows).splitlines()[1].split()[-2:] == ["1e-06", "1e-06"]
    zeros = gradient_errors({"b": np.zeros(2)}, {"b": np.zeros(2)})
    assert format_gradient_table(zeros).splitlines()[1].split()[-2:] == ["0", "0"]
    with pytest.raises(ValueError, match="digits"):
        format_gradient_table(rows, digits=0)


class _QuadraticNet:
    """loss = (sum of all entries of x W + b - t) ** 2 / 2, with its gradient by hand."""

    def __init__(self):
        self.params = {"W": np.linspace(-1, 1, 6).reshape(2, 3), "b": np.zeros(3)}
        self.calls = {"loss": 0, "gradient": 0}

    def loss(self, x, t):
        self.calls["loss"] += 1
        return 0.5 * float(np.sum(x @ self.params["W"] + self.params["b"] - t) ** 2)

    def gradient(self, x, t):
        self.calls["gradient"] += 1
        r = np.sum(x @ self.params["W"] + self.params["b"] - t)
        return {"W": r * np.tile(x.sum(axis=0)[:, None], (1, 3)), "b": r * np.ones(3) * len(x)}

    def numerical_gradient(self, x, t):
        return {k: numerical_gradient(lambda _: self.loss(x, t), v) for k, v in self.params.items()}


def test_time_gradients_times_each_method_and_counts_parameters():
    net = _QuadraticNet()
    x, t = np.ones((4, 2)), np.ones((4, 3))
    rows = gradient_errors(net.numerical_gradient(x, t), net.gradient(x, t))
    assert max(r.max_rel for r in rows) < 1e-8  # the hand gradient is right
    net.calls = {"loss": 0, "gradient": 0}
    timing = time_gradients(net, x, t, repeat_numerical=1, repeat=3)
    assert timing.parameters == parameter_count(net) == 9
    assert timing.loss_evaluations == 18
    assert net.calls["loss"] == 3 + 18  # 3 timed losses, then one numerical gradient
    assert net.calls["gradient"] == 3
    assert timing.numerical > 0 and timing.backprop > 0 and timing.speedup > 0
    assert timing.numerical_measured


def test_time_gradients_can_estimate_the_numerical_gradient_without_running_it():
    net = _QuadraticNet()
    x, t = np.ones((4, 2)), np.ones((4, 3))
    timing = time_gradients(net, x, t, measure_numerical=False, repeat=2)
    assert net.calls == {"loss": 2, "gradient": 2}  # no numerical gradient was run
    assert not timing.numerical_measured
    assert timing.numerical == 18 * timing.loss


def test_two_layer_net_passes_the_gradient_check():
    network = pytest.importorskip("nnlib.network")
    rng = np.random.default_rng(0)
    net = network.TwoLayerNet(6, 4, 3, weight_init_std=0.5, seed=0, dtype=np.float64)
    x, t = rng.normal(size=(5, 6)), rng.integers(0, 3, size=5)
    rows = gradient_errors(net.numerical_gradient(x, t), net.gradient(x, t))
    assert [r.name for r in rows] == ["W1", "b1", "W2", "b2"]
    assert max(r.max_rel for r in rows) < 1e-5  # floor ~ delta / p(right class), see chapter 06


@pytest.mark.parametrize("x", [-3.0, -0.5, 0.0, 1.0, 4.0])
def test_sigmoid_graph_backward_is_the_slope_of_the_sigmoid(x):
    """The book's §5.5.2 graph: what reaches x is y (1 - y), checked against a central
    difference of the sigmoid and against the closed form; each node's value is its own."""
    g = sigmoid_graph(x)
    y = 1 / (1 + np.exp(-x))
    assert g.value("div") == pytest.approx(y, rel=1e-12)
    assert g.value("mul") == -x
    assert g.value("exp") == pytest.approx(np.exp(-x), rel=1e-12)
    assert g.grad("x") == pytest.approx(y * (1 - y), rel=1e-12)
    assert g.grad("x") == pytest.approx(numerical_diff(lambda v: 1 / (1 + np.exp(-v)), x),
                                        rel=1e-7)
    assert g.grad("add") == pytest.approx(-y**2, rel=1e-12)  # the / node: -1/u² = -y²


def test_sigmoid_graph_draws_every_derivative_but_the_constants():
    g = sigmoid_graph(1.0)
    fig = plot_computational_graph(g)
    red = [s for s, c in _texts(fig) if c == mcolors.to_hex(BACKWARD_COLOR) and s]
    assert len(red) == sum(edge.backward is not None for edge in g.edges) == 5
    assert f"{g.grad('x'):.6g}" in red
    plt.close(fig)
    with pytest.raises(ValueError, match="x"):
        sigmoid_graph(np.array([1.0, 2.0]))
