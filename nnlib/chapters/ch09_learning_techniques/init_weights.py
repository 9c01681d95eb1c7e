"""Initial weights and the activations they give (book §6.2, its Figures 6-10 to 6-14).

The book's experiment (``ch06/weight_init_activation_histogram.py``): 1,000 inputs of 100
standard-normal numbers pass through 5 layers of 100 units, each layer's weights drawn as
``np.random.randn(100, 100) * scale`` (no bias), and each layer's outputs are histogrammed.
Scale 1 pushes a sigmoid to 0 and 1 (its gradient vanishes there), 0.01 squeezes every
output to 0.5 (all units alike), and Xavier's sqrt(1/n) keeps a spread; for ReLU, He's
sqrt(2/n) does. Here the draws come from a seeded ``np.random.default_rng``, so a
picture is the same on every run, and the verdict is decided from measured statistics.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nnlib._checks import (
    as_float_array,
    check_count,
    check_finite_result,
    check_positive_finite,
    check_seed,
)
from nnlib.functions import relu
from nnlib.i18n import _
from nnlib.train import limit_blas_threads

__all__ = ["ACTIVATIONS", "xavier_scale", "he_scale", "resolve_scale", "layer_activations",
           "LayerStats", "layer_stats", "Verdict", "judge", "OUTPUT_RANGE"]



def sigmoid(x: NDArray) -> NDArray:
    """The book's 1 / (1 + exp(-x)), quiet where exp(-x) overflows to inf (the result is
    then 0, its limit); without nnlib.functions.sigmoid's input checks, which cost a live
    explorer redrawing 500,000 outputs a third of its time."""
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


#: The activation functions of the experiment, by the names the book's comments use.
ACTIVATIONS = {"sigmoid": sigmoid, "tanh": np.tanh, "relu": relu}
#: Where each activation's outputs live, for the histograms' x axes (ReLU: the book's 0 to 1).
OUTPUT_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, 1.0)}
#: How close to an end of the output range counts as saturated, and to the middle as collapsed.
SATURATION_MARGIN = 0.02


def xavier_scale(fan_in: int) -> float:
    """Xavier Glorot's initial scale, sqrt(1 / n) for n inputs per unit (the book's form)."""
    return math.sqrt(1.0 / check_count(fan_in, "fan_in", minimum=1))


def he_scale(fan_in: int) -> float:
    """Kaiming He's initial scale for ReLU, sqrt(2 / n) for n inputs per unit."""
    return math.sqrt(2.0 / check_count(fan_in, "fan_in", minimum=1))


def resolve_scale(scale: float | str, fan_in: int) -> float:
    """``scale`` as a number: a positive number as it is, ``"xavier"`` or ``"he"`` computed."""
    if isinstance(scale, str):
        rules = {"xavier": xavier_scale, "he": he_scale}
        if scale.lower() not in rules:
            raise ValueError(_("scale must be a positive number, 'xavier' or 'he'; got "
                               "{scale!r}").format(scale=scale))
        return rules[scale.lower()](fan_in)
    return check_positive_finite(scale, "scale")


def layer_activations(activation: str = "sigmoid", scale: float | str = 1.0, *,
                      layers: int = 5, nodes: int = 100, samples: int = 1000,
                      seed: int | None = 0) -> list[NDArray]:
    """The outputs of each layer, the book's loop: x = act(x @ (randn(n, n) * scale))."""
    act = _activation(activation)
    layers = check_count(layers, "layers", minimum=1, maximum=50)
    nodes = check_count(nodes, "nodes", minimum=1, maximum=2000)
    samples = check_count(samples, "samples", minimum=1, maximum=100_000)
    std = resolve_scale(scale, nodes)
    seed = check_seed(seed)
    draws = _fresh_draws if seed is None else _seeded_draws
    x, unit_weights = draws(seed, samples, nodes, layers)
    outputs = []
    # one BLAS thread: these 1000 x 100 products gain nothing from a second, and on a busy
    # machine two threads waiting on each other made each 40 times slower (measured)
    with limit_blas_threads(1), np.errstate(all="ignore"):  # overflow: refused below
        for unit in unit_weights:
            w = unit * std  # the book's np.random.randn(node_num, node_num) * scale
            x = act(x @ w)
            outputs.append(x)
    check_finite_result(outputs[-1], "scale", "the layers' outputs")
    return outputs


def _fresh_draws(seed: int | None, samples: int, nodes: int, layers: int
                 ) -> tuple[NDArray, tuple[NDArray, ...]]:
    """The inputs and the standard-normal weights of every layer, read-only."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((samples, nodes))
    weights = tuple(rng.standard_normal((nodes, nodes)) for _layer in range(layers))
    for array in (x, *weights):
        array.flags.writeable = False
    return x, weights


#: A seed's draws are made once: an explorer redraws the same draws at many scales.
_seeded_draws = functools.lru_cache(maxsize=4)(_fresh_draws)


@dataclass(frozen=True)
class LayerStats:
    """What one layer's outputs look like: spread, and the shares at the ends and middle."""

    mean: float
    std: float
    saturated: float  # share within SATURATION_MARGIN of an end of the output range
    zero: float  # share exactly 0 (ReLU's switched-off units)
    largest: float


def layer_stats(outputs: NDArray, activation: str) -> LayerStats:
    """The statistics :func:`judge` decides from, for one layer's ``outputs``."""
    _activation(activation)
    z = as_float_array(outputs, "outputs")
    low, high = OUTPUT_RANGE[activation]
    if activation == "relu":
        saturated = 0.0  # ReLU has no upper end to stick to
    else:
        saturated = float(np.mean((z <= low + SATURATION_MARGIN * (high - low))
                                  | (z >= high - SATURATION_MARGIN * (high - low))))
    with np.errstate(over="ignore"):
        spread = check_finite_result(float(z.std()), "outputs", "their standard deviation")
    return LayerStats(float(z.mean()), spread, saturated, float(np.mean(z == 0)),
                      float(np.abs(z).max()))


@dataclass(frozen=True)
class Verdict:
    """``name`` is one of "saturated", "collapsed", "vanishing", "exploding", "healthy"."""

    name: str
    text: str


#: A sigmoid's last layer with a smaller std has collapsed to 0.5 (units all alike); tanh's
#: limit is twice that, its outputs spanning twice the range.
COLLAPSED_STD = {"sigmoid": 0.05, "tanh": 0.1}
#: Above this share of saturated outputs (in any layer) most gradients vanish.
SATURATED_SHARE = 0.5


def judge(stats: list[LayerStats], activation: str) -> Verdict:
    """Name what the histograms show, from the measured statistics of every layer.

    "saturated" (most outputs at the ends), "collapsed" (sigmoid at 0.5, tanh at 0),
    "shrinking" or "vanishing" (the spread falls layer by layer, to under a half or a tenth),
    "exploding" (it grows over 3 times), else "healthy".
    """
    _activation(activation)
    if not isinstance(stats, list | tuple) or not stats or not all(
            isinstance(s, LayerStats) for s in stats):
        raise TypeError(_("stats must be a non-empty list of LayerStats, one per layer "
                          "(layer_stats(...) of each layer's outputs)"))
    first, last = stats[0], stats[-1]
    ratio = last.std / first.std if first.std > 0 else 0.0
    spread = _("std {first:.2g} in layer 1, {last:.2g} in layer {n}").format(
        first=first.std, last=last.std, n=len(stats))
    if activation != "relu":
        worst = max(s.saturated for s in stats)
        ends = _("0 and 1") if activation == "sigmoid" else _("-1 and 1")
        middle = "0.5" if activation == "sigmoid" else "0"
        if worst > SATURATED_SHARE:
            return Verdict("saturated", _("saturated at {ends}: up to {worst:.0%} of the "
                                          "outputs sit at the ends, where the gradient is "
                                          "almost 0 (勾配消失)").format(ends=ends, worst=worst))
        if last.std < COLLAPSED_STD[activation] or ratio < 0.1:
            return Verdict("collapsed", _("collapsed to {middle} ({spread}): every unit says "
                                          "almost the same thing, so many units are no better "
                                          "than one (表現力の制限)").format(middle=middle,
                                                                           spread=spread))
        return Verdict("healthy", _("a healthy spread ({spread}), {worst:.0%} at the ends at "
                                    "most").format(spread=spread, worst=worst))
    zeros = _("{zero:.0%} of the last layer's outputs are 0, as ReLU's are").format(
        zero=last.zero)
    if ratio < 0.1:
        return Verdict("vanishing", _("collapsed to 0 ({spread}): the spread shrinks layer by "
                                      "layer, and the gradients with it").format(spread=spread))
    if ratio < 0.5:
        return Verdict("shrinking", _("shrinking towards 0 layer by layer ({spread}); ReLU "
                                      "needs the larger He scale").format(spread=spread))
    if ratio > 3:
        return Verdict("exploding", _("growing layer by layer ({spread})").format(spread=spread))
    return Verdict("healthy", _("a healthy spread ({spread}); {zeros}").format(spread=spread,
                                                                               zeros=zeros))


def _activation(name: str):
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(_("activation must be one of {choices}, got {name!r}").format(
            choices=", ".join(ACTIVATIONS), name=name))
    return ACTIVATIONS[name]
