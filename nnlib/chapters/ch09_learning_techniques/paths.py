"""The optimizers' paths over a surface of two parameters (book §6.1, its Figure 6-8).

The book's experiment (``ch06/optimizer_compare_naive.py``): f(x, y) = x^2/20 + y^2 from
(-7, 2), 30 updates, learning rates SGD 0.95, Momentum 0.1, AdaGrad 1.5, Adam 0.3. The
loop here is the book's: ``params = {'x': x, 'y': y}`` as plain numbers, the exact
gradient of the surface, then ``optimizer.update(params, grads)`` of :mod:`nnlib.optimizers`,
so the points are the book's to the last bit. A path holds the start and every point
after an update (``steps + 1`` points; the book plots the first 30 of its 31).

The surfaces are written out with their exact gradients, each a teaching case:

- ``book``: x^2/20 + y^2, the book's; 20 times steeper across (y) than along (x).
- ``tilted``: the same valley turned by 45 degrees. Its axes are no longer x and y, so a
  step size per coordinate (AdaGrad, Adam) helps less than on the book's.
- ``bowl``: x^2 + y^2, equally steep everywhere (the book's ``function_2``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnlib._checks import check_count, check_positive_finite, finite_scalar
from nnlib.i18n import _
from nnlib.optimizers import OPTIMIZERS

__all__ = ["RaceSurface", "SURFACES", "get_surface", "optimizer_path", "race", "PathResult",
           "BOOK_START", "BOOK_STEPS", "BOOK_LRS", "ESCAPE"]

#: The book's start, number of updates and learning rates for Figure 6-8.
BOOK_START = (-7.0, 2.0)
BOOK_STEPS = 30
BOOK_LRS = {"SGD": 0.95, "Momentum": 0.1, "AdaGrad": 1.5, "Adam": 0.3}
#: A point beyond this size has left any picture for good: the path stops there.
ESCAPE = 1e6

_ROOT_HALF = math.sqrt(0.5)


@dataclass(frozen=True)
class RaceSurface:
    """f(x, y) with its exact gradient df(x, y) (both work on numbers and on arrays)."""

    name: str
    label: str
    f: Callable[[Any, Any], Any]  # numbers in, a number out; arrays in, an array out
    df: Callable[[Any, Any], tuple[Any, Any]]
    extent: tuple[float, float, float, float] = (-10.0, 10.0, -5.0, 5.0)
    minimum: tuple[float, float] = (0.0, 0.0)

    def mesh(self, points: int = 121) -> tuple[NDArray, NDArray, NDArray]:
        """A grid over :attr:`extent` and f on it, for contours."""
        x0, x1, y0, y1 = self.extent
        x, y = np.meshgrid(np.linspace(x0, x1, points), np.linspace(y0, y1, points))
        return x, y, self.f(x, y)


def _tilted(x, y):
    return (x + y) * _ROOT_HALF, (y - x) * _ROOT_HALF


def _tilted_f(x, y):
    u, v = _tilted(x, y)
    return u**2 / 20.0 + v**2


def _tilted_df(x, y):
    u, v = _tilted(x, y)
    du, dv = u / 10.0, 2.0 * v  # the chain rule back through the rotation
    return (du - dv) * _ROOT_HALF, (du + dv) * _ROOT_HALF


SURFACES: dict[str, RaceSurface] = {
    "book": RaceSurface("book", "f = x²/20 + y² (the book's)",
                        lambda x, y: x**2 / 20.0 + y**2, lambda x, y: (x / 10.0, 2.0 * y)),
    "tilted": RaceSurface("tilted", "the book's valley turned 45°", _tilted_f, _tilted_df,
                          extent=(-10.0, 10.0, -7.5, 7.5)),
    "bowl": RaceSurface("bowl", "f = x² + y² (a round bowl)",
                        lambda x, y: x**2 + y**2, lambda x, y: (2.0 * x, 2.0 * y)),
}


def shown(text: str) -> str:
    """A surface's label as the reader sees it, in the current language."""
    return {
        "f = x²/20 + y² (the book's)": _("f = x²/20 + y² (the book's)"),
        "the book's valley turned 45°": _("the book's valley turned 45°"),
        "f = x² + y² (a round bowl)": _("f = x² + y² (a round bowl)"),
    }.get(text, text)


def get_surface(name: str) -> RaceSurface:
    """The surface called ``name`` (one of :data:`SURFACES`)."""
    if not isinstance(name, str):
        raise TypeError(_("surface must be a name, one of {choices}; got {kind}").format(
            choices=", ".join(SURFACES), kind=type(name).__name__))
    if name not in SURFACES:
        raise ValueError(_("the surface name must be one of {choices}, got {name!r}").format(
            choices=", ".join(SURFACES), name=name))
    return SURFACES[name]


@dataclass(frozen=True)
class PathResult:
    """One optimizer's run: ``path`` (points, start first), the loss at each point, and
    ``escaped_at``, the update after which the point left ``|x|, |y| <= ESCAPE`` (or None)."""

    name: str
    lr: float
    path: NDArray
    losses: NDArray
    escaped_at: int | None

    @property
    def end(self) -> tuple[float, float]:
        return float(self.path[-1, 0]), float(self.path[-1, 1])


def optimizer_path(name: str, lr: float, surface: str = "book",
                   start: tuple[float, float] = BOOK_START, steps: int = BOOK_STEPS,
                   **optimizer_param: float) -> PathResult:
    """Run the book's loop: ``steps`` updates of optimizer ``name`` (any case) from ``start``.

    A run that escapes (the learning rate too large) stops at its first point beyond
    :data:`ESCAPE`; ``escaped_at`` says after which update.
    """
    surf = get_surface(surface)
    lr = check_positive_finite(lr, "lr (learning rate)")
    steps = check_count(steps, "steps", maximum=100_000)
    x, y = _start(start)
    optimizer = OPTIMIZERS.get(name.lower()) if isinstance(name, str) else None
    if optimizer is None:
        raise ValueError(_("name must be one of {choices} (any case), got {name!r}").format(
            choices=", ".join(OPTIMIZERS), name=name))
    optimizer = optimizer(lr=lr, **optimizer_param)
    params = {"x": x, "y": y}
    points = [(x, y)]
    escaped_at = None
    with np.errstate(over="ignore", invalid="ignore"):  # an escape is reported, not warned
        for step in range(1, steps + 1):
            gx, gy = surf.df(params["x"], params["y"])
            optimizer.update(params, {"x": gx, "y": gy})
            point = (float(params["x"]), float(params["y"]))
            points.append(point)
            if not (abs(point[0]) <= ESCAPE and abs(point[1]) <= ESCAPE):  # NaN included
                escaped_at = step
                break
    path = np.array(points)
    with np.errstate(over="ignore", invalid="ignore"):
        losses = surf.f(path[:, 0], path[:, 1])
    return PathResult(OPTIMIZERS[name.lower()].__name__, lr, path, losses, escaped_at)


def race(lrs: Mapping[str, float] | None = None, surface: str = "book",
         start: tuple[float, float] = BOOK_START, steps: int = BOOK_STEPS
         ) -> dict[str, PathResult]:
    """Every optimizer of ``lrs`` ({name: learning rate}, the book's by default) from one start."""
    if lrs is not None and not isinstance(lrs, Mapping):
        raise TypeError(_("lrs must be a dict {{optimizer name: learning rate}}, "
                          "got {kind}").format(kind=type(lrs).__name__))
    lrs = dict(BOOK_LRS if lrs is None else lrs)
    if not lrs:
        raise ValueError(_("lrs is empty; give at least one {optimizer name: learning rate}"))
    return {name: optimizer_path(name, lr, surface, start, steps) for name, lr in lrs.items()}


def _start(start: object) -> tuple[float, float]:
    values: NDArray | list[Any] = (np.asarray(start, dtype=object).ravel()
                                   if not isinstance(start, str) else [])
    if len(values) != 2:
        raise ValueError(_("start must be two numbers (x, y), got {start!r}").format(start=start))
    return (finite_scalar(values[0], "start[0]"), finite_scalar(values[1], "start[1]"))
