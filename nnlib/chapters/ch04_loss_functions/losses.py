"""The numbers behind chapter 4's loss functions: the book's example, slopes, a weight sweep.

Losses come from :mod:`nnlib.functions` (``sum_squared_error``, ``cross_entropy_error``);
this module only builds the inputs they are shown on and measures their slopes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._checks import (
    as_array,
    as_float_array,
    check_count,
    check_finite_result,
    check_seed,
    float_vector,
)
from nnlib.functions import (
    CROSS_ENTROPY_DELTA,
    cross_entropy_error,
    labels_to_indices,
    softmax,
    sum_squared_error,
)
from nnlib.i18n import _

__all__ = [
    "BOOK_Y",
    "REST_MODES",
    "spread_probabilities",
    "loss_values",
    "loss_slopes",
    "tiny_dataset",
    "accuracy",
    "one_weight_functions",
    "weight_sweep",
]

#: The book's softmax output for one image of a digit: 0.6 on class 2.
BOOK_Y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])

#: How :func:`spread_probabilities` shares 1 - p among the wrong classes.
REST_MODES = ("even", "one")


def _check_probability(p: float) -> float:
    p = float(as_float_array(p, "p").reshape(()))
    if not 0.0 <= p <= 1.0:
        raise ValueError(_("p must be a probability in [0, 1], got {p}").format(p=p))
    return p


def _check_rest(rest: str) -> str:
    if rest not in REST_MODES:
        raise ValueError(_("rest must be one of {modes}, got {rest!r}").format(
            modes=REST_MODES, rest=rest))
    return rest


def spread_probabilities(
    p: float, correct: int = 2, num_classes: int = 10, rest: str = "even"
) -> NDArray[np.float64]:
    """A probability vector with ``p`` on class ``correct`` and 1 - p on the others.

    ``rest="even"`` shares 1 - p equally among the other classes; ``rest="one"`` puts it
    all on a single wrong class (the next one), the most confident kind of mistake.
    """
    p = _check_probability(p)
    num_classes = check_count(num_classes, "num_classes", minimum=2)
    correct = check_count(correct, "correct")
    if correct >= num_classes:
        raise ValueError(_("correct must lie in 0..{last}, got {correct}").format(
            last=num_classes - 1, correct=correct))
    y = np.zeros(num_classes)
    if _check_rest(rest) == "even":
        y[:] = (1.0 - p) / (num_classes - 1)
    else:
        y[(correct + 1) % num_classes] = 1.0 - p
    y[correct] = p
    return y


def loss_values(
    ps: ArrayLike, correct: int = 2, num_classes: int = 10, rest: str = "even"
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Sum of squared errors and cross-entropy (nnlib.functions) at each probability in ``ps``."""
    ps = np.atleast_1d(as_float_array(ps, "ps"))
    sse = np.empty(ps.shape)
    cee = np.empty(ps.shape)
    for i, p in enumerate(ps):
        y = spread_probabilities(p, correct, num_classes, rest)
        sse[i] = sum_squared_error(y, correct)
        cee[i] = cross_entropy_error(y, correct)
    return sse, cee


def loss_slopes(p: float, num_classes: int = 10, rest: str = "even") -> tuple[float, float]:
    """dE/dp of both losses when ``p`` moves and the rest follows :func:`spread_probabilities`.

    Sum of squares, E = 1/2 [(1 - p)^2 + sum of the wrong classes' squares]:
      rest even: E = 1/2 (1 - p)^2 (1 + 1/(K - 1)),  dE/dp = -(1 - p) K / (K - 1);
      rest one:  E = (1 - p)^2,                      dE/dp = -2 (1 - p).
    Cross-entropy, E = -log(p + delta), looks at the correct class only: dE/dp = -1 / (p + delta).
    The first stays between -2 and 0; the second falls towards -1e7 as p goes to 0.
    """
    p = _check_probability(p)
    k = check_count(num_classes, "num_classes", minimum=2)
    factor = k / (k - 1) if _check_rest(rest) == "even" else 2.0
    return -(1.0 - p) * factor, -1.0 / (p + CROSS_ENTROPY_DELTA)


def tiny_dataset(n: int = 20, seed: int = 0) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """``n`` 2-D points in two overlapping classes (labels 0 and 1), from a seeded generator."""
    n = check_count(n, "n", minimum=2, maximum=1_000_000)
    rng = np.random.default_rng(check_seed(seed))
    t = np.arange(n) % 2
    centres = np.array([[-1.0, 0.5], [1.0, -0.5]])
    x = centres[t] + rng.normal(scale=1.3, size=(n, 2))
    return x, t.astype(np.intp)


def accuracy(scores: ArrayLike, t: ArrayLike) -> float:
    """認識精度 accuracy: the fraction of rows whose largest score is the right class.

    ``t`` is one-hot or integer labels. Softmax is not needed: it keeps the argmax.
    """
    scores2, indices = labels_to_indices(scores, t)
    return float(np.mean(np.argmax(scores2, axis=1) == indices))


def one_weight_functions(
    x: ArrayLike, t: ArrayLike, W: ArrayLike, b: ArrayLike, index: tuple[int, int] = (0, 0)
) -> tuple[Callable[[float], float], Callable[[float], float]]:
    """Accuracy and cross-entropy of the classifier softmax(x W + b) as functions of W[index].

    Everything except that one weight stays fixed, so each function takes a single float
    (ready for ``numerical_diff``). ``W`` and ``b`` are copied, never changed.
    """
    x = as_float_array(x, "x")
    W = as_float_array(W, "W").astype(np.float64)  # a private copy
    b = as_float_array(b, "b")
    if x.ndim != 2 or W.ndim != 2 or x.shape[1] != W.shape[0] or b.shape != (W.shape[1],):
        raise ValueError(
            _("shapes do not fit x @ W + b: x {x}, W {w}, b {b} "
              "(need x (n, d), W (d, k), b (k,))").format(x=x.shape, w=W.shape, b=b.shape)
        )
    labels = as_array(t, "t")
    if labels.ndim == 0 or len(labels) != len(x):
        raise ValueError(_("x has {n} rows but t has shape {shape}: one label per row").format(
            n=len(x), shape=labels.shape))
    with np.errstate(over="ignore", invalid="ignore"):
        check_finite_result(x @ W + b, "x or W", "x @ W + b")
    try:
        if not isinstance(index, tuple):
            raise TypeError(_("index must be a tuple (row, column), got {type}").format(
                type=type(index).__name__))
        W[index]
    except (IndexError, TypeError) as error:
        raise ValueError(_("index {index!r} is not a position in W of shape {shape}").format(
            index=index, shape=W.shape)) from error
    labels_to_indices(x @ W + b, t)  # check the labels once, with a clear message

    def scores(weight: float) -> NDArray[np.float64]:
        W[index] = weight
        return x @ W + b

    def accuracy_of(weight: float) -> float:
        return accuracy(scores(weight), t)

    def loss_of(weight: float) -> float:
        return cross_entropy_error(softmax(scores(weight)), t)

    return accuracy_of, loss_of


def weight_sweep(
    x: ArrayLike,
    t: ArrayLike,
    W: ArrayLike,
    b: ArrayLike,
    weights: ArrayLike,
    index: tuple[int, int] = (0, 0),
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Accuracy and cross-entropy at each value in ``weights`` of W[index], the rest fixed."""
    accuracy_of, loss_of = one_weight_functions(x, t, W, b, index)
    weights = float_vector(weights, "weights", minimum=-1e6, maximum=1e6, scalar_ok=True)
    return (
        np.array([accuracy_of(w) for w in weights]),
        np.array([loss_of(w) for w in weights]),
    )
