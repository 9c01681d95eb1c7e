"""nnlib: the small numpy library behind the chapters of this companion to
*ゼロから作るDeep Learning* (Deep Learning from Scratch).

The core, the counterpart of the book's ``common/`` (functions, gradient,
gradient_check, layers, network, optimizers, train, datasets), imports only numpy.
``nnlib.chapters`` holds one package per chapter notebook (its helpers, plots,
explorer and exercise checks) and ``nnlib.engines`` the explorer and exercise engines;
only those bring in matplotlib and ipywidgets.
"""

from nnlib._checks import OverflowWarning
from nnlib.functions import (
    cross_entropy_error,
    identity_function,
    mean_squared_error,
    relu,
    sigmoid,
    softmax,
    step_function,
    sum_squared_error,
    tanh,
)
from nnlib.gradient import gradient_descent, numerical_diff, numerical_gradient
from nnlib.i18n import get_language, set_language

__version__ = "0.1.0"

__all__ = [
    "OverflowWarning",
    "cross_entropy_error",
    "get_language",
    "gradient_descent",
    "identity_function",
    "mean_squared_error",
    "numerical_diff",
    "numerical_gradient",
    "relu",
    "set_language",
    "sigmoid",
    "softmax",
    "step_function",
    "sum_squared_error",
    "tanh",
]
