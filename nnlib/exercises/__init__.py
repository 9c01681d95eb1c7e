"""Exercises the reader writes, checked on the spot.

Each chapter ends with a few stubs to fill in (``def my_softmax(a): ...``) and a call such
as ``check_softmax(my_softmax)``. The check runs your function on the book's numbers, on
edge cases and on seeded random cases, compares it with nnlib's own implementation, and
prints one line: passed, not attempted yet, or the first thing that is wrong, with the
input that shows it and a hint aimed at the likely mistake. ``check_x.verdict(f)``
returns that :class:`Verdict` instead of printing it.
"""

from nnlib.exercises._engine import Verdict

# One import line per chapter's checks (kept in reading order).
from nnlib.exercises.activations import check_relu, check_sigmoid, check_step_function
from nnlib.exercises.softmax import check_softmax
from nnlib.exercises.losses import check_cross_entropy_error, check_sum_squared_error
from nnlib.exercises.gradients import (
    check_gradient_descent_step, check_numerical_diff, check_numerical_gradient,
)
from nnlib.exercises.layers import (
    check_add_layer, check_affine_layer, check_mul_layer, check_relu_layer,
    check_sigmoid_layer, check_softmax_with_loss,
)
from nnlib.exercises.training import check_sgd_update

__all__ = [
    "Verdict",
    "check_step_function",
    "check_sigmoid",
    "check_relu",
    "check_softmax",
    "check_sum_squared_error",
    "check_cross_entropy_error",
    "check_numerical_diff",
    "check_numerical_gradient",
    "check_gradient_descent_step",
    "check_mul_layer",
    "check_add_layer",
    "check_relu_layer",
    "check_sigmoid_layer",
    "check_affine_layer",
    "check_softmax_with_loss",
    "check_sgd_update",
]
