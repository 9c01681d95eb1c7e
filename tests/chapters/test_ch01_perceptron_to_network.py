"""Perceptron gates, the book's 3-layer network, their plots and the gate explorer."""

from __future__ import annotations

import math
import re
from itertools import product

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import picture_problems

from nnlib.chapters.ch01_perceptron_to_network.explorer import perceptron_explorer
from nnlib.chapters.ch01_perceptron_to_network.perceptron import (
    AND,
    GATE_WEIGHTS,
    INPUTS,
    NAND,
    OR,
    XOR,
    clip_polygon,
    forward,
    forward_steps,
    gate_name,
    half_plane_polygon,
    identify_gate,
    init_network,
    perceptron,
    three_layer_example,
    truth_table,
)
from nnlib.chapters.ch01_perceptron_to_network.plots import (
    draw_gate,
    plot_book_network,
    plot_gates,
    plot_network_diagram,
    plot_perceptron,
    plot_xor_network,
    update_gate,
)

PAIRS = [(0, 0), (1, 0), (0, 1), (1, 1)]
weights = st.floats(-3, 3, allow_nan=False).map(lambda v: round(v, 3))


def by_hand(w1: float, w2: float, b: float) -> list[int]:
    """The perceptron rule evaluated one input at a time in plain Python."""
    return [1 if w1 * x1 + w2 * x2 + b > 0 else 0 for x1, x2 in PAIRS]


# --- gates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gate", "rule"),
    [
        (AND, lambda a, b: a and b),
        (NAND, lambda a, b: not (a and b)),
        (OR, lambda a, b: a or b),
        (XOR, lambda a, b: a != b),
    ],
)
def test_gates_match_python_boolean_logic(gate, rule):
    for x1, x2 in PAIRS:
        assert int(gate(x1, x2)) == int(bool(rule(x1, x2)))


def test_gates_work_on_arrays_and_xor_is_and_of_nand_and_or():
    x1, x2 = INPUTS[:, 0], INPUTS[:, 1]
    assert XOR(x1, x2).tolist() == [0, 1, 1, 0]
    assert AND(NAND(x1, x2), OR(x1, x2)).tolist() == [0, 1, 1, 0]


def test_book_weights_give_their_gates():
    for name, (w1, w2, b) in GATE_WEIGHTS.items():
        assert identify_gate(w1, w2, b) == name


@settings(deadline=None)
@given(weights, weights, weights)
def test_truth_table_matches_the_rule_by_hand(w1, w2, b):
    assert truth_table(w1, w2, b).tolist() == by_hand(w1, w2, b)


@settings(deadline=None)
@given(weights, weights, weights)
def test_a_single_perceptron_never_computes_xor_or_xnor(w1, w2, b):
    assert identify_gate(w1, w2, b) not in ("XOR", "XNOR")


def test_all_sixteen_gates_have_distinct_names_and_nor_is_reachable():
    names = {gate_name(bits) for bits in product([0, 1], repeat=4)}
    assert len(names) == 16
    assert identify_gate(-0.5, -0.5, 0.25) == "NOR"
    assert identify_gate(0.0, 0.0, -1.0) == "always 0"
    assert identify_gate(0.0, 0.0, 1.0) == "always 1"


def test_point_exactly_on_the_line_outputs_zero():
    # 0.5 * 1 + 0.5 * 0 - 0.5 == 0 exactly: step(0) = 0
    assert truth_table(0.5, 0.5, -0.5).tolist() == [0, 0, 0, 1]


def test_perceptron_does_not_change_its_input():
    x = np.array([[1.0, 0.0]])
    perceptron(x, [0.5, 0.5], -0.7)
    assert x.tolist() == [[1.0, 0.0]]


@pytest.mark.parametrize(
    ("call", "error", "word"),
    [
        (lambda: perceptron([1.0, 0.0], [0.5, 0.5, 0.5], 0.1), ValueError, "inputs"),
        (lambda: truth_table(float("nan"), 0.5, 0.1), ValueError, "NaN"),
        (lambda: truth_table("a", 0.5, 0.1), TypeError, "numeric"),
        (lambda: gate_name([0, 1, 2, 0]), ValueError, "0/1"),
        (lambda: gate_name([0, 1]), ValueError, "four"),
    ],
)
def test_bad_input_is_named(call, error, word):
    with pytest.raises(error, match=word):
        call()


# --- half-planes ---------------------------------------------------------------------


def shoelace_area(polygon: np.ndarray) -> float:
    if len(polygon) < 3:
        return 0.0
    x, y = polygon[:, 0], polygon[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


@settings(deadline=None)
@given(weights, weights, weights)
def test_half_plane_area_matches_counting_grid_points(w1, w2, b):
    box = (-0.5, 1.5, -0.5, 1.5)
    centres = (np.arange(200) + 0.5) / 200 * 2 - 0.5  # 200 x 200 cell centres in the box
    g1, g2 = np.meshgrid(centres, centres)
    counted = np.mean(w1 * g1 + w2 * g2 + b > 0) * 4.0
    area = shoelace_area(half_plane_polygon(w1, w2, b, box))
    assert area == pytest.approx(counted, abs=0.05)


def test_clipping_the_or_side_by_the_nand_line_leaves_the_xor_strip():
    strip = clip_polygon(half_plane_polygon(*GATE_WEIGHTS["OR"]), *GATE_WEIGHTS["NAND"])
    # The strip 0.4 < x1 + x2 < 1.4 inside the box [-0.5, 1.5]^2; compute its area by hand:
    # area where x1 + x2 > 0.4 minus area where x1 + x2 > 1.4, each a box minus a triangle.
    above = lambda c: 4.0 - 0.5 * (c + 1.0) ** 2 if c <= 1 else 0.5 * (3.0 - c) ** 2  # noqa: E731
    assert shoelace_area(strip) == pytest.approx(above(0.4) - above(1.4))


# --- the 3-layer network -------------------------------------------------------------


def test_three_layer_example_gives_the_books_numbers():
    _, y = three_layer_example()
    np.testing.assert_allclose(y, [0.31682708, 0.69627909], atol=5e-9)


def test_forward_matches_a_loop_over_neurons():
    network = init_network()
    signal = [1.0, 0.5]
    for layer in (1, 2, 3):
        W, b = network[f"W{layer}"], network[f"b{layer}"]
        sums = [b[j] + sum(signal[i] * W[i][j] for i in range(len(signal))) for j in range(len(b))]
        signal = sums if layer == 3 else [1 / (1 + math.exp(-a)) for a in sums]
    np.testing.assert_allclose(forward(network, [1.0, 0.5]), signal, rtol=1e-12)


def test_forward_on_a_batch_equals_row_by_row():
    network = init_network()
    batch = np.array([[1.0, 0.5], [0.0, 0.0], [-1.0, 2.0]])
    rows = np.array([forward(network, row) for row in batch])
    np.testing.assert_allclose(forward(network, batch), rows)
    assert set(forward_steps(network, batch[0])) == {"a1", "z1", "a2", "z2", "a3", "y"}


def test_forward_rejects_broken_networks():
    network = init_network()
    del network["b2"]
    with pytest.raises(ValueError, match="missing"):
        forward(network, [1.0, 0.5])
    with pytest.raises(ValueError, match="fit together"):
        forward(init_network(), [1.0, 0.5, 0.2])


# --- plots ---------------------------------------------------------------------------


def test_plots_build_and_update_in_place():
    for make, axes in [(plot_perceptron, 1), (plot_xor_network, 1), (plot_book_network, 1),
                       (plot_gates, 4)]:
        fig = make()
        assert len(fig.axes) == axes
        plt.close(fig)
    fig, ax = plt.subplots()
    artists = draw_gate(ax, *GATE_WEIGHTS["AND"])
    update_gate(artists, *GATE_WEIGHTS["OR"])
    filled = [tuple(c) != (1.0, 1.0, 1.0, 1.0) for c in artists.points.get_facecolors()]
    assert filled == [False, True, True, True]
    update_gate(artists, 0.0, 0.0, -1.0)  # no line, nothing shaded: must not fail
    assert len(artists.line.get_xdata()) == 0
    plt.close(fig)


def test_plot_bad_input_is_named():
    with pytest.raises(ValueError, match="XOR"):
        plot_gates(["XOR"])
    with pytest.raises(ValueError, match="two"):
        plot_network_diagram([["x"]])


# --- explorer ------------------------------------------------------------------------


def test_explorer_names_the_gate_as_sliders_move():
    explorer = perceptron_explorer()
    assert explorer.state["gate"] == "AND"
    assert "<b>AND</b>" in explorer.readout.value
    explorer.controls["b"].value = -0.25
    assert explorer.state["outputs"].tolist() == [0, 1, 1, 1]
    assert "<b>OR</b>" in explorer.readout.value
    explorer.controls["w1"].value = -0.5
    explorer.controls["w2"].value = -0.5
    explorer.controls["b"].value = 0.25
    assert explorer.state["gate"] == "NOR"
    explorer.controls["b"].value = 0.75
    assert explorer.state["gate"] == "NAND"
    explorer.controls["w2"].value = 0.5
    assert "none of AND/NAND/OR/NOR" in explorer.readout.value
    assert repr(explorer) == "PerceptronExplorer(w1=-0.5, w2=0.5, b=0.75)"


def test_explorer_reports_points_on_the_line():
    explorer = perceptron_explorer(0.5, 0.5, -0.5)
    assert explorer.state["on_line"] == [(1, 0), (0, 1)]
    assert "On the line exactly: (1,0), (0,1)" in explorer.readout.value


@pytest.mark.parametrize("values", [(0.0, 0.0, 0.0), (-2.0, 2.0, -2.0), (2.0, 2.0, 2.0),
                                    (0.0, 0.0, -2.0)])
def test_explorer_extremes_stay_clean(values):
    explorer = perceptron_explorer()
    for name, value in zip(("w1", "w2", "b"), values, strict=True):
        explorer.controls[name].value = value
    assert explorer.state["warnings"] == []
    assert not re.search(r"\bnan\b", explorer.readout.value, re.IGNORECASE)  # "NAND" is fine
    assert explorer.state["outputs"].tolist() == by_hand(*values)
    if values[:2] == (0.0, 0.0):
        assert "no line" in explorer.readout.value


def test_explorer_picture_is_sharp_and_fits_a_laptop_screen():
    assert picture_problems(perceptron_explorer()) == []


def test_dot_shapes_picture_labels_the_shapes_and_refuses_a_mismatch():
    import matplotlib.pyplot as plt

    from nnlib.chapters.ch01_perceptron_to_network.plots import plot_dot_shapes

    fig = plot_dot_shapes((2, 3), (3, 4))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "A (2, 3)" in texts and "B (3, 4)" in texts and "np.dot(A, B) (2, 4)" in texts
    assert "3 columns" in texts
    plt.close(fig)
    with pytest.raises(ValueError, match="columns must equal"):
        plot_dot_shapes((2, 3), (2, 2))
