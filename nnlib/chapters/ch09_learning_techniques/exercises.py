"""Chapter 09 exercises: the Momentum update, the AdaGrad update, the Xavier/He scale and
the book's Dropout layer.

An optimizer's check builds the reader's class, runs three updates on a small network's
parameters and compares every step with the book's rule computed here independently. A
wrong answer is compared with the trajectories of the usual mistakes (a velocity that
starts from zero at every call, a missing lr, AdaGrad without its 1e-7...), so the
message names the mistake rather than only the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from nnlib.engines.exercise import Session, Wrong, exercise, fmt
from nnlib.i18n import _

__all__ = ["check_momentum_update", "check_adagrad_update", "check_init_scale",
           "check_dropout_layer"]

EPS = 1e-7  # the book's


def _start() -> tuple[dict[str, np.ndarray], list[dict[str, np.ndarray]]]:
    """A small network's params and three mini-batches' grads; grads['b'][0] is 0 at first
    (a unit that got no gradient yet), which AdaGrad without its 1e-7 turns into NaN."""
    rng = np.random.default_rng(6)
    params = {"W": np.round(rng.normal(size=(2, 3)), 2), "b": np.array([0.5, -0.25, 1.0])}
    grads = [{"W": np.round(rng.normal(size=(2, 3)), 2),
              "b": np.round(rng.normal(size=3), 2)} for _batch in range(3)]
    grads[0]["b"][0] = 0.0
    grads[1]["b"][0] = 0.0
    return params, grads


def _trajectory(rule: Callable, params: dict, grads: list[dict], **settings: float) -> list[dict]:
    """params after each update of ``rule(w, g, state, **settings) -> (w, state)``, per key."""
    states: dict[str, Any] = {key: None for key in params}
    current = {key: value.copy() for key, value in params.items()}
    out = []
    with np.errstate(all="ignore"):
        for g in grads:
            for key in current:
                current[key], states[key] = rule(current[key], g[key], states[key], **settings)
            out.append({key: value.copy() for key, value in current.items()})
    return out


def _class(attempt: Any) -> Callable:
    return attempt if isinstance(attempt, type) else type(attempt)


def _run(session: Session, attempt: Any, lr: float, extra: tuple, built: str,
         params: dict, grads: list[dict]) -> list[dict]:
    """Build the reader's optimizer and record params after each of its updates."""
    optimizer = session.call(_class(attempt), lr, *extra,
                             shows=_("when building {built}").format(built=built))
    if not callable(getattr(optimizer, "update", None)):
        raise Wrong(_("{built} has no update(params, grads) method").format(built=built))
    arrays = dict(params)
    out = []
    for step, g in enumerate(grads, start=1):
        shows = _("at update {step} of {built}").format(step=step, built=built)
        session.call(optimizer.update, params, g, shows=shows, names=("params", "grads"),
                     keep=("grads",), share=("params",),
                     on_change=_("the update reads grads, it never changes them"))
        for key, array in arrays.items():
            if params.get(key) is not array:
                raise Wrong(_("params[{key!r}] is a new array {shows}: the network's layers "
                              "still hold the old one. Change it in place: params[key] += ... or "
                              "-= ...").format(key=key, shows=shows))
        out.append({key: np.array(value, dtype=float) for key, value in params.items()})
    return out


def _close(a: list[dict], b: list[dict]) -> bool:
    return all(x[k].shape == y[k].shape and np.allclose(x[k], y[k], rtol=1e-6, atol=1e-9,
                                                        equal_nan=True)
               for x, y in zip(a, b, strict=True) for k in y)


def _first_difference(got: list[dict], expected: list[dict]) -> tuple[int, str]:
    for step, (x, y) in enumerate(zip(got, expected, strict=True), start=1):
        for key in y:
            if not (x[key].shape == y[key].shape
                    and np.allclose(x[key], y[key], rtol=1e-6, atol=1e-9)):
                return step, key
    return len(expected), next(iter(expected[0]))


def _judge_trajectory(session: Session, got: list[dict], expected: list[dict], built: str,
                      mistakes: list[tuple[list[dict], str]]) -> None:
    for step, (x, y) in enumerate(zip(got, expected, strict=True), start=1):
        for key in y:
            if x[key].shape != y[key].shape:
                raise Wrong(_("params[{key!r}] has shape {shape} after update {step} of "
                              "{built}, expected {expected}").format(
                                  key=key, shape=x[key].shape, step=step, built=built,
                                  expected=y[key].shape))
    if _close(got, expected):
        for x, y in zip(got, expected, strict=True):
            for key in y:
                session.expect_array(x[key], y[key], _("for params[{key!r}]").format(key=key))
        return
    step, key = _first_difference(got, expected)
    said = _("after update {step} of {built}, params[{key!r}] is {got}, expected "
             "{expected}").format(step=step, built=built, key=key, got=fmt(got[step - 1][key]),
                                  expected=fmt(expected[step - 1][key]))
    for trajectory, hint in mistakes:
        if _close(got, trajectory):
            raise Wrong(_("{said}: {hint}").format(said=said, hint=hint))
    raise Wrong(said)


# --- Momentum -----------------------------------------------------------------------------------

def _momentum(w, g, v, lr, momentum, reset=False, no_lr=False, subtract=False):
    v = np.zeros_like(w) if v is None or reset else v
    v = momentum * v - (1.0 if no_lr else lr) * g
    return (w - v if subtract else w + v), v


@exercise(lambda: _("Momentum"))
def check_momentum_update(session: Session, attempt: Any) -> None:
    """Check a class ``Momentum(lr, momentum)`` whose ``update(params, grads)`` does
    v = momentum * v - lr * grads[key]; params[key] += v, keeping v between calls."""
    for lr, momentum in ((0.1, 0.9), (0.05, 0.5)):
        params, grads = _start()
        built = f"Momentum(lr={lr}, momentum={momentum})"
        got = _run(session, attempt, lr, (momentum,), built, params, grads)
        start = _start()[0]
        settings = {"lr": lr, "momentum": momentum}
        expected = _trajectory(_momentum, start, grads, **settings)
        other = 0.9 if momentum != 0.9 else 0.5
        _judge_trajectory(session, got, expected, built, [
            (_trajectory(_momentum, start, grads, reset=True, **settings),
             _("that is plain SGD's step: v starts from zero at every call. Create self.v "
               "once (if self.v is None: ...) in update, keep it in self, and reuse it next "
               "time")),
            (_trajectory(_momentum, start, grads, subtract=True, **settings),
             _("params moved uphill: v already points downhill (v = momentum * v - lr * g), "
               "so add it: params[key] += self.v[key]")),
            (_trajectory(_momentum, start, grads, no_lr=True, **settings),
             _("the gradient is missing its learning rate: v = momentum * v - lr * "
               "grads[key]")),
            (_trajectory(_momentum, start, grads, lr=lr, momentum=other),
             _("that is momentum {other}, not the {momentum} passed in: use "
               "self.momentum").format(other=other, momentum=momentum)),
        ])


# --- AdaGrad ------------------------------------------------------------------------------------

def _adagrad(w, g, h, lr, eps=EPS, reset=False, no_sqrt=False, no_square=False):
    h = np.zeros_like(w) if h is None or reset else h
    h = h + (g if no_square else g * g)  # without the square, h < 0 and sqrt(h) is NaN
    scale = h if no_sqrt else np.sqrt(h)
    return w - lr * g / (scale + eps), h


@exercise(lambda: _("AdaGrad"))
def check_adagrad_update(session: Session, attempt: Any) -> None:
    """Check a class ``AdaGrad(lr)`` whose ``update(params, grads)`` does
    h += grads[key] ** 2; params[key] -= lr * grads[key] / (np.sqrt(h) + 1e-7)."""
    for lr in (0.1, 1.5):
        params, grads = _start()
        built = f"AdaGrad(lr={lr})"
        got = _run(session, attempt, lr, (), built, params, grads)
        start = _start()[0]
        expected = _trajectory(_adagrad, start, grads, lr=lr)
        _judge_trajectory(session, got, expected, built, [
            (_trajectory(_adagrad, start, grads, lr=lr, reset=True),
             _("every step is about lr long: h starts from zero at every call. Create "
               "self.h once (if self.h is None: ...) and let it grow across updates")),
            (_trajectory(_adagrad, start, grads, lr=lr, no_sqrt=True),
             _("divide by the square root of h: lr * g / (np.sqrt(h) + 1e-7)")),
            (_trajectory(_adagrad, start, grads, lr=lr, no_square=True),
             _("h adds up the squares of the gradients: h += grads[key] * grads[key]")),
            (_trajectory(_adagrad, start, grads, lr=1.0),
             _("the step is missing its learning rate: lr * g / (np.sqrt(h) + 1e-7)")),
            (_trajectory(_adagrad, start, grads, lr=lr, eps=0.0),
             _("params became NaN where grads['b'][0] is 0: h is 0 there, and 0 / np.sqrt(0) "
               "is 0 / 0 = NaN. The book adds 1e-7 to the denominator for this: "
               "lr * g / (np.sqrt(h) + 1e-7)")),
        ])


# --- the Xavier / He scale ----------------------------------------------------------------------

_SCALE_CASES = [("sigmoid", 784, 100), ("xavier", 100, 50), ("relu", 784, 100), ("he", 50, 10),
                ("ReLU", 100, 100)]


def _scale(name: str, n_in: int) -> float:
    return math.sqrt((2.0 if name.lower() in ("relu", "he") else 1.0) / n_in)


@exercise(lambda: _("Xavier and He scale"))
def check_init_scale(session: Session, attempt: Callable) -> None:
    """Check ``attempt(activation, n_in, n_out)``: the std of the initial weights of a layer
    W of shape (n_in, n_out), the book's sqrt(1 / n_in) for "sigmoid"/"xavier" and
    sqrt(2 / n_in) for "relu"/"he" (any case)."""
    for name, n_in, n_out in _SCALE_CASES:
        shows = _("for ({name!r}, n_in={n_in}, n_out={n_out})").format(name=name, n_in=n_in,
                                                                        n_out=n_out)
        value = session.call(attempt, name, n_in, n_out, shows=shows,
                             names=("activation", "n_in", "n_out"))
        expected = _scale(name, n_in)
        he = name.lower() in ("relu", "he")

        def diagnose(v: float, name: str = name, n_in: int = n_in, n_out: int = n_out,
                     he: bool = he, shows: str = shows) -> str | None:
            said = _("{shows} you returned {got}, expected {expected}").format(
                shows=shows, got=fmt(v), expected=fmt(_scale(name, n_in)))
            factor = 2.0 if he else 1.0
            candidates = [
                (math.sqrt(factor / n_out), _("that uses n_out: the scale depends on how many "
                 "inputs each unit adds up, n_in (the previous layer's size), W.shape[0]")),
                (math.sqrt(2.0 / (n_in + n_out)), _("that is Glorot's sqrt(2 / (n_in + "
                 "n_out)); the book uses the simpler sqrt(1 / n_in) for sigmoid and "
                 "sqrt(2 / n_in) for ReLU")),
                (math.sqrt((1.0 if he else 2.0) / n_in), _("Xavier and He are swapped: He's "
                 "sqrt(2 / n_in) is for ReLU, Xavier's sqrt(1 / n_in) for sigmoid and tanh")),
                (factor / n_in, _("missing the square root: sqrt(1 / n_in), not 1 / n_in")),
                (math.sqrt(n_in / factor), _("upside down: the scale shrinks as n_in grows, "
                 "np.sqrt(1.0 / n_in)")),
            ]
            if name != name.lower() and math.isclose(v, math.sqrt(1.0 / n_in), rel_tol=1e-6):
                return _("{said}: compare the name in lower case, activation.lower()").format(
                    said=said)
            for candidate, hint in candidates:
                if math.isclose(v, candidate, rel_tol=1e-6):
                    return _("{said}: {hint}").format(said=said, hint=hint)
            return None

        session.expect_number(value, expected, shows, rtol=1e-9, diagnose=diagnose)


# --- Dropout (book §6.4.3) -----------------------------------------------------------------------

_DROPOUT_SHAPE = (200, 50)  # 10,000 neurons: the dropped share is within 0.03 of the ratio


def _dropout_x() -> np.ndarray:
    """Inputs with no zeros, so a 0 in the output can only be a dropped neuron."""
    rng = np.random.default_rng(9)
    return np.round(rng.uniform(0.5, 2.0, _DROPOUT_SHAPE) * rng.choice([-1, 1], _DROPOUT_SHAPE), 3)


@exercise(lambda: _("Dropout"))
def check_dropout_layer(session: Session, attempt: Any) -> None:
    """Check the book's ``Dropout(dropout_ratio)``: ``forward(x, train_flg=True)`` keeps each
    value or sets it to 0 (a new random mask ``rand > dropout_ratio`` at every call, any
    random source), ``forward(x, train_flg=False)`` returns ``x * (1 - dropout_ratio)``, and
    ``backward(dout)`` lets ``dout`` through where the last training forward kept the value."""
    state = np.random.get_state()  # noqa: NPY002 - the book's layer draws from it
    try:
        _check_dropout(session, attempt)
    finally:
        np.random.set_state(state)  # noqa: NPY002


def _check_dropout(session: Session, attempt: Any) -> None:
    x = _dropout_x()
    for ratio in (0.3, 0.5):
        built = f"Dropout({ratio})"
        layer = session.call(_class(attempt), ratio,
                             shows=_("when building {built}").format(built=built))
        for name in ("forward", "backward"):
            if not callable(getattr(layer, name, None)):
                raise Wrong(_("{built} has no {name} method").format(built=built, name=name))
        shows = _("for {built}.forward(x, train_flg=True), x of shape {shape} with no "
                  "zeros").format(built=built, shape=x.shape)
        out = np.asarray(session.call(layer.forward, x, True, shows=shows,
                                      names=("x", "train_flg")), dtype=float)
        if out.shape != x.shape:
            raise Wrong(_("{shows} the output has shape {shape}: keep x's shape, "
                          "x * mask").format(shows=shows, shape=out.shape))
        kept = out != 0
        if np.allclose(out[kept], x[kept] / (1 - ratio)):
            raise Wrong(_("{shows} the kept values are divided by 1 - {ratio}: that is the "
                          "'inverted' dropout of most frameworks. The book keeps them as they "
                          "are in training (x * mask) and scales at inference instead").format(
                              shows=shows, ratio=ratio))
        if not np.allclose(out[kept], x[kept]):
            raise Wrong(_("{shows} some outputs are neither x nor 0: return "
                          "x * self.mask").format(shows=shows))
        dropped = 1 - kept.mean()
        if abs(dropped - (1 - ratio)) < 0.03 and abs(ratio - 0.5) > 0.03:
            raise Wrong(_("{shows} {dropped:.0%} of the neurons were dropped, not about "
                          "{ratio:.0%}: the mask is the share kept, rand > "
                          "dropout_ratio").format(shows=shows, dropped=dropped, ratio=ratio))
        if abs(dropped - ratio) > 0.03:
            raise Wrong(_("{shows} {dropped:.0%} of the neurons were dropped, expected about "
                          "{ratio:.0%}: mask = np.random.rand(*x.shape) > "
                          "self.dropout_ratio").format(shows=shows, dropped=dropped,
                                                       ratio=ratio))
        session.cases += 1
        dout = np.full(x.shape, 3.0)
        shows_b = _("for {built}.backward(dout) after that forward").format(built=built)
        np.random.seed(int(ratio * 10) + 7)  # noqa: NPY002 - a mask drawn again would differ
        dx = session.call(layer.backward, dout, shows=shows_b, names=("dout",))

        def diagnose_backward(v: np.ndarray, shows: str = shows_b, dout: np.ndarray = dout,
                              kept: np.ndarray = kept) -> str | None:
            if v.shape != dout.shape:
                return None
            if np.allclose(v, dout):
                return _("{shows} dout came back unchanged: a dropped neuron passes no "
                         "gradient, return dout * self.mask").format(shows=shows)
            if np.all((v == 0) | np.isclose(v, dout)) and not np.array_equal(v != 0, kept):
                return _("{shows} the zeros are not where forward dropped: a new mask was "
                         "drawn. Keep forward's mask in self.mask and use it in "
                         "backward").format(shows=shows)
            return None

        session.expect_array(dx, dout * kept, shows_b, what="backward(dout)",
                             diagnose=diagnose_backward)
        np.random.seed(int(ratio * 10) + 1)  # noqa: NPY002 - the session restores the state
        again = np.asarray(session.call(layer.forward, x, True, shows=shows,
                                        names=("x", "train_flg")), dtype=float)
        if np.array_equal(again != 0, kept):
            raise Wrong(_("{shows} two training passes dropped the very same neurons: draw "
                          "a new mask at every forward, inside forward, not once in "
                          "__init__").format(shows=shows))
        shows_i = _("for {built}.forward(x, train_flg=False)").format(built=built)
        y = session.call(layer.forward, x, False, shows=shows_i, names=("x", "train_flg"))

        def diagnose_inference(v: np.ndarray, shows: str = shows_i,
                               ratio: float = ratio) -> str | None:
            if v.shape == x.shape and np.allclose(v, x):
                return _("{shows} x came back unchanged: at inference the book multiplies "
                         "by 1 - dropout_ratio, the share that was kept in training "
                         "(x unchanged is inverted dropout's inference)").format(shows=shows)
            if v.shape == x.shape and np.allclose(v, x * ratio):
                return _("{shows} x was multiplied by dropout_ratio: by the share kept, "
                         "1 - dropout_ratio").format(shows=shows)
            if v.shape == x.shape and np.isin(v, [0]).mean() > 0.1:
                return _("{shows} some outputs are 0: at inference no neuron is dropped; "
                         "check train_flg and return x * (1.0 - self.dropout_ratio)").format(
                             shows=shows)
            return None

        session.expect_array(y, x * (1 - ratio), shows_i, what="forward(x, train_flg=False)",
                             diagnose=diagnose_inference)
    default = session.call(_class(attempt),
                           shows=_("when building Dropout() with no argument"))
    out = np.asarray(session.call(default.forward, x, shows=_("for Dropout().forward(x)"),
                                  names=("x",)), dtype=float)
    if np.allclose(out, x * 0.5):
        raise Wrong(_("Dropout().forward(x) scaled x at inference: train_flg's default is "
                      "True, as the book's forward(self, x, train_flg=True)"))
    if abs((out == 0).mean() - 0.5) > 0.03:
        raise Wrong(_("Dropout().forward(x) dropped {share:.0%} of the neurons: the default "
                      "dropout_ratio is 0.5").format(share=(out == 0).mean()))
    session.cases += 1
