"""nnlib: the small numpy library behind the chapters of this companion to
*ゼロから作るDeep Learning* (Deep Learning from Scratch).

The maths modules (functions, gradient, layers, network, train, datasets) import only
numpy; ``nnlib.plots`` and ``nnlib.widgets`` bring in matplotlib and ipywidgets.
"""

from nnlib.functions import (
    cross_entropy_error,
    identity_function,
    relu,
    sigmoid,
    softmax,
    step_function,
    sum_squared_error,
    tanh,
)
from nnlib.gradient import gradient_descent, numerical_diff, numerical_gradient

__version__ = "0.1.0"

__all__ = [
    "cross_entropy_error",
    "gradient_descent",
    "identity_function",
    "numerical_diff",
    "numerical_gradient",
    "relu",
    "sigmoid",
    "softmax",
    "step_function",
    "sum_squared_error",
    "tanh",
]
