"""Judging gradient descent, and the cost of numerical derivatives (book chapter 4).

- The verdict rules: a run of :func:`nnlib.gradient.gradient_descent` has *diverged*
  (:func:`diverged_rule`), *converged* (:func:`converged_rule`), is *oscillating*
  (:func:`oscillating_rule`: bouncing across the minimum without getting lower) or has
  otherwise *stalled*; :func:`classify_run` applies them in that order.
- The error of forward and central differences against the step h (:func:`difference_errors`).
- Why numerical gradients do not scale: 2 loss evaluations per parameter
  (:func:`count_loss_evaluations`), timed (:func:`time_numerical_gradient`) and
  extrapolated along a straight line (:func:`extrapolate_linear`).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._checks import (
    as_float_array,
    check_callable,
    check_count,
    check_positive_finite,
    finite_scalar,
    float_vector,
    same_length,
)
from nnlib.chapters.ch05_gradient_descent.surfaces import SimpleNet
from nnlib.engines.timing import time_call
from nnlib.gradient import DescentResult, PrecisionWarning, numerical_diff, numerical_gradient
from nnlib.i18n import _
from nnlib.train import EXACT_LOSS_RISE, how_run_ended

__all__ = [
    "CONVERGED_GRADIENT_NORM",
    "DIVERGED_LOSS_RISE",
    "BOOK_NET_PARAMS",
    "Verdict",
    "diverged_rule",
    "converged_rule",
    "oscillating_rule",
    "OSCILLATION_WINDOW",
    "OSCILLATION_KEEP",
    "classify_run",
    "forward_diff",
    "difference_errors",
    "count_loss_evaluations",
    "time_numerical_gradient",
    "extrapolate_linear",
]

#: A run has converged when the gradient at its last point is at most this long: the
#: ground is flat there, so further steps would barely move. 1e-3 is far above the
#: ~1e-8 error of a central difference with h = 1e-4, so rounding cannot fake it.
CONVERGED_GRADIENT_NORM = 1e-3

#: A run has diverged when its final loss is higher than its first loss by more than this
#: fraction of max(|first loss|, 1): the steps overshoot and make things worse. The
#: margin ignores rounding noise, so a run that bounces in place (lr = 1 on the bowl)
#: counts as stalled, not diverged. The core's rule (:func:`nnlib.train.how_run_ended`).
DIVERGED_LOSS_RISE = EXACT_LOSS_RISE

#: The oscillating rule looks at this many last steps: each must reverse the one before,
#: and the last must still be at least ``OSCILLATION_KEEP`` times as long as the first.
OSCILLATION_WINDOW = 10
OSCILLATION_KEEP = 0.5

#: Weights and biases of the book's 784-50-10 two-layer net: 784*50 + 50 + 50*10 + 10.
BOOK_NET_PARAMS = 784 * 50 + 50 + 50 * 10 + 10


@dataclass(frozen=True)
class Verdict:
    """What :func:`classify_run` decided: ``name`` is converged, oscillating, stalled or
    diverged; ``rule`` names the function that decided (for tests and readers of the
    code, not for a readout); ``reason`` says why in words."""

    name: str
    rule: str
    reason: str
    final_loss: float
    gradient_norm: float
    steps: int


def diverged_rule(result: DescentResult, losses: ArrayLike) -> str | None:
    """Diverged if the run blew up (``result.diverged``: the point left ``|x| <= max_abs``)
    or its final loss rose above the first by more than ``DIVERGED_LOSS_RISE`` of
    max(|first loss|, 1). Returns the reason, or ``None`` when the rule does not fire."""
    if result.diverged:
        reason = _("blew up at step {step}: the point ran off towards infinity").format(
            step=result.diverged_at)
        if result.stuck_from is not None:
            reason += _("; from step {step} it stood still, because that far out "
                        "x + h rounds back to x and the numerical gradient is 0").format(
                            step=result.stuck_from)
        return reason
    ending = how_run_ended(np.asarray(losses, dtype=float), exact=True)
    return ending.reason if ending.name == "diverged" else None


def converged_rule(gradient_norm: float) -> bool:
    """Converged if the gradient at the last point has length <= ``CONVERGED_GRADIENT_NORM``."""
    return bool(gradient_norm <= CONVERGED_GRADIENT_NORM)


def oscillating_rule(path: ArrayLike) -> str | None:
    """Oscillating if each of the last ``OSCILLATION_WINDOW`` steps points back against the
    one before (their dot product is negative: the point jumps across the valley) and the
    steps do not die out: the last is at least ``OSCILLATION_KEEP`` times as long as the
    first of them. lr = 1 on the bowl is the pure case: x -> -x, between (-3, 4) and
    (3, -4) for ever. Returns the reason, or ``None``."""
    path = as_float_array(path, "path")
    if len(path) < OSCILLATION_WINDOW + 2:
        return None
    steps = np.diff(path[-(OSCILLATION_WINDOW + 2) :], axis=0).reshape(OSCILLATION_WINDOW + 1, -1)
    turns = np.sum(steps[1:] * steps[:-1], axis=1)
    first, last = np.linalg.norm(steps[1]), np.linalg.norm(steps[-1])
    if np.all(turns < 0) and last >= OSCILLATION_KEEP * first:
        return _("bouncing across the valley: each of the last {window} steps "
                 "jumps back against the one before, and they do not die out (the last is "
                 "{last:.3g} long)").format(window=OSCILLATION_WINDOW, last=last)
    return None


def classify_run(
    f: Callable[[NDArray], float], result: DescentResult, losses: ArrayLike | None = None
) -> Verdict:
    """Classify a gradient-descent run of ``f`` as diverged, converged, oscillating or stalled.

    The rules are tried in that order: :func:`diverged_rule`, :func:`converged_rule` on
    |grad f| at the last point, :func:`oscillating_rule`; a run that none of them
    describes has stalled (too small a learning rate or too few steps).
    ``losses`` (f along ``result.path``) is computed when not given.
    """
    check_callable(f, "f")
    if not isinstance(result, DescentResult):
        kind = type(result).__name__
        raise TypeError(_("result must be what gradient_descent returns, got {kind}").format(
            kind=kind))
    if losses is None:
        losses = [f(point) for point in result.path]
    losses = as_float_array(losses, "losses")
    if losses.shape != (len(result.path),):
        raise ValueError(_("losses must hold one value per point of the path, got {shape}")
                         .format(shape=losses.shape))
    final_loss = float(losses[-1])
    with warnings.catch_warnings():
        # Far out, x + h == x and the gradient reads 0: diverged_rule judges that run first.
        warnings.simplefilter("ignore", PrecisionWarning)
        gradient_norm = float(np.linalg.norm(numerical_gradient(f, result.x.copy())))
    steps = len(result.path) - 1
    common: dict[str, Any] = {"final_loss": final_loss, "gradient_norm": gradient_norm,
                              "steps": steps}
    reason = diverged_rule(result, losses)
    if reason is not None:
        return Verdict("diverged", "diverged_rule", reason, **common)
    if converged_rule(gradient_norm):
        reason = _("flat ground: |gradient| = {norm:.1e} <= {limit:g}").format(
            norm=gradient_norm, limit=CONVERGED_GRADIENT_NORM)
        return Verdict("converged", "converged_rule", reason, **common)
    reason = oscillating_rule(result.path)
    if reason is not None:
        return Verdict("oscillating", "oscillating_rule", reason, **common)
    reason = _("still sloped after {steps} steps: |gradient| = {norm:.2g}").format(
        steps=steps, norm=gradient_norm)
    return Verdict("stalled", "no rule: still sloped", reason, **common)


def forward_diff(f: Callable[[float], float], x: float, h: float = 1e-4) -> float:
    """前方差分 forward difference (f(x + h) - f(x)) / h: error shrinks only like h."""
    check_callable(f, "f")
    h = check_positive_finite(h, "h")
    x = finite_scalar(x, "x")
    return (float(f(x + h)) - float(f(x))) / h


def difference_errors(
    f: Callable[[float], float], dfdx: float, x: float, hs: ArrayLike
) -> tuple[NDArray, NDArray]:
    """|forward difference - true derivative| and |central difference - true| for each h.

    Large h: truncation error (about h |f''| / 2 forward, h^2 |f'''| / 6 central).
    Tiny h: rounding error, about eps |f(x)| / h, because f(x + h) - f(x) cancels.
    """
    check_callable(f, "f")
    dfdx, x = finite_scalar(dfdx, "dfdx"), finite_scalar(x, "x")
    hs = float_vector(hs, "hs", positive=True, maximum=1e6, scalar_ok=True)
    with warnings.catch_warnings():  # a lost h is the point of the tiny end of the plot
        warnings.simplefilter("ignore", PrecisionWarning)
        forward = np.array([abs(forward_diff(f, x, h) - dfdx) for h in hs.ravel().tolist()])
        central = np.array([abs(numerical_diff(f, x, h) - dfdx) for h in hs.ravel().tolist()])
    return forward.reshape(hs.shape), central.reshape(hs.shape)


def count_loss_evaluations(num_params: int) -> int:
    """How many times ``numerical_gradient`` calls the loss for ``num_params`` parameters."""
    num_params = check_count(num_params, "num_params", minimum=1, maximum=10**6)
    calls = 0

    def loss(w: NDArray) -> float:
        nonlocal calls
        calls += 1
        return float(np.sum(w**2))

    numerical_gradient(loss, np.zeros(num_params))
    return calls


def time_numerical_gradient(
    param_counts: Sequence[int], repeats: int = 3, seed: int = 0
) -> NDArray[np.float64]:
    """Seconds for one ``numerical_gradient`` of a softmax layer with each parameter count.

    The net is :class:`.surfaces.SimpleNet` with 10 outputs and count/10 inputs, on
    one seeded sample; each count must be a multiple of 10. The best of ``repeats`` runs
    is kept (the least disturbed by other work on the machine).
    """
    repeats = check_count(repeats, "repeats", minimum=1)
    rng = np.random.default_rng(seed)
    seconds = []
    for count in param_counts:
        count = check_count(count, "parameter count", minimum=10)
        if count % 10:
            raise ValueError(_("parameter counts must be multiples of 10 (10 outputs), "
                               "got {count}").format(count=count))
        net = SimpleNet(rng, input_size=count // 10, output_size=10)
        loss = net.loss_function(rng.standard_normal(count // 10), np.int64(0))
        seconds.append(time_call(functools.partial(numerical_gradient, loss, net.W),
                                 repeat=repeats))
    return np.array(seconds)


def extrapolate_linear(counts: ArrayLike, seconds: ArrayLike, targets: ArrayLike) -> NDArray:
    """Fit seconds = a * count + c by least squares and predict it at ``targets``."""
    counts, seconds = float_vector(counts, "counts"), float_vector(seconds, "seconds")
    same_length("seconds", seconds, "counts", counts)
    if len(counts) < 2 or np.ptp(counts) == 0:
        raise ValueError(_("counts must hold at least two different values, got {counts}")
                         .format(counts=counts))
    slope, intercept = np.polyfit(counts, seconds, 1)
    return slope * as_float_array(targets, "targets") + intercept
