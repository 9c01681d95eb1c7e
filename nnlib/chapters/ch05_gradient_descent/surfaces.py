"""Loss surfaces of two parameters for gradient descent to walk on (book chapter 4).

Each :class:`Surface` has a value function of one point ``x`` of shape ``(2,)``, which is
what :func:`nnlib.gradient.numerical_gradient` and ``gradient_descent`` need, and a
vectorized ``grid(x0, x1)`` that evaluates the same formula on whole arrays at once for
contour plots. Also here: the book's ``simpleNet``, a 2x3 weight matrix whose loss is a
function of all six weights.

- ``bowl``: f = x0^2 + x1^2, the book's ``function_2``; one minimum at (0, 0).
- ``elongated``: f = x0^2 / 20 + x1^2, a bowl 20 times steeper across than along.
- ``valleys``: a gentle bowl with three Gaussian wells of different depths carved in;
  three minima, and the gradient leads to whichever is nearest, not to the deepest.
- ``neuron``: the cross-entropy loss of one sigmoid neuron y = sigmoid(w x + b) on a
  small seeded 1-D dataset, as a function of its weight w = x0 and bias b = x1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._checks import as_float_array
from nnlib.functions import CROSS_ENTROPY_DELTA, cross_entropy_error, sigmoid, softmax
from nnlib.i18n import _

__all__ = [
    "Surface",
    "SURFACES",
    "get_surface",
    "bowl",
    "elongated_bowl",
    "many_valleys",
    "neuron_loss",
    "neuron_data",
    "SimpleNet",
    "shown",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Surface:
    """A function of two parameters with what is needed to draw it and descend on it.

    ``f(x)`` takes one point (shape ``(2,)``) and returns a float; ``grid(x0, x1)`` takes
    two arrays of one shape and returns the values there. ``minima`` lists every local
    minimum (deepest first, located numerically to about 1e-5 where there is no closed
    form) and ``lowest`` is the value at the deepest one.
    """

    name: str
    label: str
    f: Callable[[NDArray], float]
    grid: Callable[[NDArray, NDArray], NDArray]
    extent: tuple[float, float, float, float]
    minima: tuple[tuple[float, float], ...]
    axis_labels: tuple[str, str] = ("x0", "x1")
    data: tuple[FloatArray, NDArray[np.int64]] | None = None  # a model's dataset (x, t)

    @property
    def lowest(self) -> float:
        """The value at the deepest minimum: the best any descent can reach."""
        return float(self.f(np.array(self.minima[0])))

    def mesh(self, points: int = 81) -> tuple[FloatArray, FloatArray, FloatArray]:
        """A ``points`` x ``points`` grid over :attr:`extent` and the values on it."""
        x0min, x0max, x1min, x1max = self.extent
        x0, x1 = np.meshgrid(np.linspace(x0min, x0max, points), np.linspace(x1min, x1max, points))
        return x0, x1, self.grid(x0, x1)


def _point_function(grid: Callable[[NDArray, NDArray], NDArray]) -> Callable[[NDArray], float]:
    """Turn a vectorized ``grid(x0, x1)`` into ``f(x)`` of one point of shape (2,)."""

    def f(x: NDArray) -> float:
        x = np.asarray(x)
        if x.shape != (2,):
            raise ValueError(_("x must have shape (2,), one point (x0, x1); got {shape}").format(
                shape=x.shape))
        return float(grid(x[0], x[1]))

    return f


def _bowl_grid(x0: ArrayLike, x1: ArrayLike) -> FloatArray:
    return np.square(x0) + np.square(x1)


def _elongated_grid(x0: ArrayLike, x1: ArrayLike) -> FloatArray:
    return np.square(x0) / 20.0 + np.square(x1)


#: The wells of the many-valley surface: centre (c0, c1), depth, width.
VALLEY_WELLS = ((2.0, -1.5, 3.0, 1.0), (-2.0, 2.0, 2.0, 1.0), (-1.5, -2.5, 1.2, 0.7))
#: Curvature of the gentle bowl the wells are carved into.
VALLEY_BOWL = 0.05


def _valleys_grid(x0: ArrayLike, x1: ArrayLike) -> FloatArray:
    """f = 0.05 (x0^2 + x1^2) - sum_i d_i exp(-|x - c_i|^2 / (2 s_i^2))."""
    x0, x1 = np.asarray(x0, dtype=float), np.asarray(x1, dtype=float)
    value = VALLEY_BOWL * (x0**2 + x1**2)
    for c0, c1, depth, width in VALLEY_WELLS:
        # far from every well the exponent is hugely negative: exp underflows to 0 (wanted)
        value = value - depth * np.exp(-((x0 - c0) ** 2 + (x1 - c1) ** 2) / (2 * width**2))
    return value


def neuron_data(seed: int = 0, per_class: int = 12) -> tuple[FloatArray, NDArray[np.int64]]:
    """A small seeded 1-D dataset: inputs x and labels t (0 or 1), ``per_class`` of each.

    Class 0 is drawn around x = -0.5 and class 1 around x = 1.5, both with spread 1, so the
    classes overlap: no (w, b) fits every point and the loss has a finite minimum.
    """
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.normal(-0.5, 1.0, per_class), rng.normal(1.5, 1.0, per_class)])
    t = np.repeat(np.array([0, 1]), per_class)
    return x, t


def neuron_loss(params: NDArray, x: ArrayLike, t: ArrayLike) -> float:
    """Cross-entropy loss of one sigmoid neuron, params = (w, b), on inputs x, labels t.

    y = sigmoid(w x + b) is the probability of class 1; the two-class output
    [1 - y, y] goes through :func:`nnlib.functions.cross_entropy_error` (mean over samples).
    """
    w, b = np.asarray(params, dtype=float)
    y = sigmoid(w * np.asarray(x) + b)
    return cross_entropy_error(np.stack([1.0 - y, y], axis=-1), t)


def _neuron_surface(seed: int = 0) -> Surface:
    x, t = neuron_data(seed)

    def grid(w: ArrayLike, b: ArrayLike) -> FloatArray:
        # neuron_loss for many (w, b) at once: the mean over samples of -log(probability of
        # the correct class + delta), cross_entropy_error's formula broadcast over a grid.
        # Tested equal to neuron_loss; also used for single points, where it is about
        # twice as fast, which keeps the explorer's 200-step runs within budget.
        w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
        y = sigmoid(w[..., None] * x + b[..., None])
        correct = np.where(t == 1, y, 1.0 - y)
        return -np.mean(np.log(correct + CROSS_ENTROPY_DELTA), axis=-1)

    return Surface(
        name="neuron",
        label="single sigmoid neuron loss",
        f=_point_function(grid),
        grid=grid,
        extent=(-4.5, 4.5, -4.5, 4.5),
        minima=((2.30580, -0.79507),),
        axis_labels=("weight w", "bias b"),
        data=(x, t),
    )


_EXTENT = (-4.5, 4.5, -4.5, 4.5)

bowl = Surface(
    "bowl", "bowl  x0² + x1²", _point_function(_bowl_grid), _bowl_grid, _EXTENT, ((0.0, 0.0),)
)
elongated_bowl = Surface(
    "elongated",
    "elongated bowl  x0²/20 + x1²",
    _point_function(_elongated_grid),
    _elongated_grid,
    _EXTENT,
    ((0.0, 0.0),),
)
many_valleys = Surface(
    "valleys",
    "many valleys",
    _point_function(_valleys_grid),
    _valleys_grid,
    _EXTENT,
    ((1.935271, -1.451458), (-1.903913, 1.903914), (-1.432751, -2.398316)),
)
neuron = _neuron_surface()

#: Every surface by name, in the order the explorer offers them.
SURFACES: dict[str, Surface] = {s.name: s for s in (bowl, elongated_bowl, many_valleys, neuron)}


def shown(text: str) -> str:
    """A surface's label or axis label as the reader sees it, in the current language."""
    return {
        "bowl  x0² + x1²": _("bowl  x0² + x1²"),
        "elongated bowl  x0²/20 + x1²": _("elongated bowl  x0²/20 + x1²"),
        "many valleys": _("many valleys"),
        "single sigmoid neuron loss": _("single sigmoid neuron loss"),
        "weight w": _("weight w"),
        "bias b": _("bias b"),
    }.get(text, text)


def get_surface(name: str) -> Surface:
    """The surface called ``name`` (one of ``SURFACES``)."""
    if name not in SURFACES:
        raise ValueError(_("unknown surface {name!r}; choose one of {choices}").format(
            name=name, choices=", ".join(SURFACES)))
    return SURFACES[name]


class SimpleNet:
    """The book's ``simpleNet``: one 2x3 weight matrix W, softmax output, cross-entropy loss.

    predict(x) = x W, loss(x, t) = cross_entropy_error(softmax(x W), t). ``W`` is drawn
    from a standard normal with the given generator (seed it for repeatable numbers), or
    given: ``SimpleNet(W=the_books_W)`` reproduces the book's printed numbers. Given, it is
    copied as float64, so the caller's array is never nudged. ``input_size`` and
    ``output_size`` (the book's 2 and 3) set the shape of a drawn W.
    """

    def __init__(
        self,
        rng: np.random.Generator | None = None,
        input_size: int = 2,
        output_size: int = 3,
        *,
        W: ArrayLike | None = None,
    ) -> None:
        if W is not None:
            if rng is not None:
                raise ValueError(_("give W or rng, not both: W is used as it is, "
                                   "nothing is drawn"))
            W = as_float_array(W, "W").astype(np.float64)  # a private copy
            if W.ndim != 2 or W.shape[1] < 2:
                raise ValueError(_("W must be a matrix (inputs x classes, >= 2 classes), "
                                   "got shape {shape}").format(shape=W.shape))
            self.W: FloatArray = W
            return
        rng = np.random.default_rng(0) if rng is None else rng
        self.W = rng.standard_normal((input_size, output_size))

    def predict(self, x: ArrayLike) -> FloatArray:
        x = as_float_array(x, "x")
        if x.shape[-1] != self.W.shape[0]:
            raise ValueError(_("x has {got} features but W expects {expected}").format(
                got=x.shape[-1], expected=self.W.shape[0]))
        return x @ self.W

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        return cross_entropy_error(softmax(self.predict(x)), t)

    def loss_function(self, x: ArrayLike, t: ArrayLike) -> Callable[[NDArray], float]:
        """The loss as a function of W for ``numerical_gradient(f, net.W)``.

        Like the book's ``lambda W: net.loss(x, t)``, it ignores its argument and reads
        ``self.W``, which ``numerical_gradient`` nudges in place.
        """
        return lambda _W: self.loss(x, t)
