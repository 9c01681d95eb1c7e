"""One function per figure the chapters draw. Each returns its matplotlib Figure.

These use pyplot, so in a notebook the figure shows inline at the end of the cell
(end the call with ``;``). Explorers draw through :mod:`nnlib.widgets` instead.
"""

# One import line per chapter's plots (kept in reading order).
from nnlib.plots.mnist import plot_digits
from nnlib.plots.perceptron import plot_book_network, plot_gates, plot_perceptron, plot_xor_network
from nnlib.plots.activations import plot_activations, plot_curve_fits, plot_one_minus_exp
from nnlib.plots.graph import plot_computational_graph
from nnlib.plots.softmax import plot_output_functions, plot_softmax_by_scale
from nnlib.plots.losses import plot_accuracy_vs_loss, plot_neg_log
from nnlib.plots.descent import (
    plot_descent_paths,
    plot_difference_errors,
    plot_gradient_field,
    plot_gradient_timing,
    plot_tangent_lines,
)
from nnlib.plots.training import plot_accuracy_curves, plot_first_layer_weights, plot_loss_curve
