"""The playground's 2-D data sets, the train/test split and the input features.

Every point lies in the square [-6, 6]², every label is 0 or 1 (two classes), and every
function takes a ``seed``, so the same call gives the same points. ``noise`` (0 to 0.5,
"0-50 %") moves each point by a normal sample of standard deviation ``NOISE_SCALE * noise``
in each direction, so that at 50 % the two classes overlap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from nnlib._checks import as_float_array, check_count, check_seed
from nnlib.i18n import _

__all__ = [
    "DATA_SETS",
    "FEATURES",
    "LIMIT",
    "NOISE_SCALE",
    "feature_matrix",
    "make_data",
    "train_test_split",
]

#: Half the side of the plane every data set lies in, and the explorer draws.
LIMIT = 6.0
#: Standard deviation of the position noise at noise = 1 (the explorer goes up to 0.5).
NOISE_SCALE = 2.0


def _circle(n: int, rng: np.random.Generator) -> tuple[NDArray, NDArray]:
    """Class 1 inside radius 2.5, class 0 on a ring from 3.5 to 5 around it."""
    labels = np.arange(n) % 2
    radius = np.where(labels == 1, rng.uniform(0, 2.5, n), rng.uniform(3.5, 5.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), labels


def _xor(n: int, rng: np.random.Generator) -> tuple[NDArray, NDArray]:
    """Class 1 in the quadrants where x1 and x2 share a sign, class 0 in the other two; each
    coordinate 0.3 to 5.3 away from its axis (uniform)."""
    labels = np.arange(n) % 2
    first = rng.choice([-1.0, 1.0], n)
    signs = np.column_stack([first, np.where(labels == 1, first, -first)])
    return signs * rng.uniform(0.3, 5.3, (n, 2)), labels


def _gaussians(n: int, rng: np.random.Generator) -> tuple[NDArray, NDArray]:
    """Two round clouds of standard deviation 1, class 1 around (2, 2), class 0 around (-2, -2)."""
    labels = np.arange(n) % 2
    centres = np.where(labels[:, None] == 1, 2.0, -2.0)
    return centres + rng.standard_normal((n, 2)), labels


def _spiral(n: int, rng: np.random.Generator) -> tuple[NDArray, NDArray]:
    """Two arms winding 1.5 turns out from the centre, the second turned by half a circle."""
    labels = np.arange(n) % 2
    s = rng.uniform(0, 1, n)
    radius, angle = 0.5 + 4.5 * s, 3 * np.pi * s + np.pi * labels
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), labels


#: The data sets by name.
DATA_SETS: dict[str, Callable[[int, np.random.Generator], tuple[NDArray, NDArray]]] = {
    "circle": _circle,
    "xor": _xor,
    "gaussians": _gaussians,
    "spiral": _spiral,
}

#: The features the network can be fed, each a function of the points (one row each).
FEATURES: dict[str, Callable[[NDArray], NDArray]] = {
    "x1": lambda p: p[:, 0],
    "x2": lambda p: p[:, 1],
    "x1^2": lambda p: p[:, 0] ** 2,
    "x2^2": lambda p: p[:, 1] ** 2,
    "x1*x2": lambda p: p[:, 0] * p[:, 1],
    "sin x1": lambda p: np.sin(p[:, 0]),
    "sin x2": lambda p: np.sin(p[:, 1]),
}


def make_data(name: str, n: int = 500, noise: float = 0.0,
              seed: int | None = 0) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """``n`` points of the data set ``name`` (one of :data:`DATA_SETS`) and their labels.

    Returns ``(points, labels)``: points of shape (n, 2), labels 0 or 1 of shape (n,),
    both classes equally often (one more of class 0 when ``n`` is odd).
    """
    if not isinstance(name, str) or name not in DATA_SETS:
        raise ValueError(_("{name} must be one of {allowed}, got {value!r}").format(
            name="name", allowed=", ".join(map(repr, DATA_SETS)), value=name))
    n = check_count(n, "n", minimum=2, maximum=100_000)
    seed = check_seed(seed)
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0 <= noise <= 1:
        raise ValueError(_("noise must be a number from 0 to 1 (0.5 is 50 %), got {value!r}")
                         .format(value=noise))
    rng = np.random.default_rng(seed)
    points, labels = DATA_SETS[name](n, rng)
    points = points + NOISE_SCALE * noise * rng.standard_normal(points.shape)
    # intp: np.bincount needs the platform index type (32-bit in the browser edition)
    return np.clip(points, -LIMIT, LIMIT), labels.astype(np.intp)


def train_test_split(points: NDArray, labels: NDArray, train_fraction: float = 0.5,
                     seed: int | None = 0) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """Shuffle and cut into ``(x_train, t_train, x_test, t_test)``; each part keeps >= 1 point."""
    points = as_float_array(points, "points")
    labels = np.asarray(labels)
    if points.ndim != 2 or len(labels) != len(points):
        raise ValueError(_("points {points} and labels {labels} must be (n, d) and (n,)").format(
            points=points.shape, labels=labels.shape))
    if isinstance(train_fraction, bool) or not 0 < train_fraction < 1:
        raise ValueError(_("train_fraction must be between 0 and 1, got {value!r}").format(
            value=train_fraction))
    n = len(points)
    if n < 2:
        raise ValueError(_("need at least 2 points to split, got {n}").format(n=n))
    order = np.random.default_rng(seed).permutation(n)
    cut = min(max(int(round(train_fraction * n)), 1), n - 1)
    train, test = order[:cut], order[cut:]
    return points[train], labels[train], points[test], labels[test]


def feature_matrix(points: NDArray, names: Sequence[str]) -> NDArray[np.float64]:
    """The chosen features of each point, one column per name, in the order given."""
    points = as_float_array(points, "points")
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(_("points must have shape (n, 2), got {shape}").format(
            shape=points.shape))
    unknown = [name for name in names if name not in FEATURES]
    if unknown or not names:
        raise ValueError(_("features must be a non-empty list from {choices}; got {value!r}")
                         .format(choices=", ".join(FEATURES), value=list(names)))
    return np.column_stack([FEATURES[name](points) for name in names])
