"""Chapter 06 exercises: the backward pass of each layer, with its forward already written,
and the book's whole TwoLayerNet (§4.5.1 or §5.7.2).

Each check takes the reader's *class* (``check_relu_layer(MyRelu)``), builds a fresh
layer per case, runs ``forward`` and then ``backward``, and compares the gradients with
:mod:`nnlib.layers`. ``backward`` must not change the ``dout`` it is given.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from nnlib.engines.exercise import Session, Wrong, exercise, fmt, scale_between
from nnlib.engines.references import AddLayer, Affine, MulLayer, Relu, Sigmoid, SoftmaxWithLoss
from nnlib.i18n import _

__all__ = [
    "check_mul_layer",
    "check_add_layer",
    "check_relu_layer",
    "check_sigmoid_layer",
    "check_affine_layer",
    "check_softmax_with_loss",
    "check_two_layer_net",
]

def _keep_dout() -> str:
    return _("backward must not edit dout (the caller may still need it); compute a new array")


def _layer_class(attempt: Any) -> Callable:
    """The reader's class (an instance is accepted too: its class is used)."""
    return attempt if isinstance(attempt, type) else type(attempt)


def _build(session: Session, attempt: Any, *args: Any, shows: str) -> Any:
    return session.call(_layer_class(attempt), *args,
                        shows=_("when building the layer {shows}").format(shows=shows))


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-9)


def _two_gradients(session: Session, result: Any, shows: str) -> tuple[Any, Any]:
    if not isinstance(result, tuple | list) or len(result) != 2:
        got = "None" if result is None else type(result).__name__
        raise Wrong(_("backward {shows} returned {got}: it must return two gradients, one per "
                      "input: return dx, dy").format(shows=shows, got=got))
    return result[0], result[1]


def _two_input_cases() -> list[tuple]:
    return [
        (100.0, 2.0, 1.1, _("for the book's apples: forward(100, 2), backward(1.1)")),
        (200.0, 1.1, 1.0, _("for the book's tax: forward(200, 1.1), backward(1)")),
        (np.array([1.0, 2.0, 3.0]), np.array([4.0, -5.0, 6.0]), np.array([1.0, 0.5, -2.0]),
         _("for forward([1, 2, 3], [4, -5, 6]), backward([1, 0.5, -2])")),
    ]


def _check_two_input(session: Session, attempt: Any, reference: type,
                     diagnose: Callable[[Any, Any, Any, np.ndarray, np.ndarray], str | None]
                     ) -> None:
    for x, y, dout, shows in _two_input_cases():
        layer = _build(session, attempt, shows=shows)
        session.call(layer.forward, x, y, shows=shows)
        result = session.call(layer.backward, dout, shows=shows, names=("dout",),
                              on_change=_keep_dout())
        dx, dy = _two_gradients(session, result, shows)
        ref = reference()
        ref.forward(x, y)
        ex, ey = (np.asarray(g) for g in ref.backward(dout))
        got = [np.asarray(g, dtype=float) if _numeric(g) else None for g in (dx, dy)]
        hint = None
        got_x, got_y = got
        if got_x is not None and got_y is not None:
            hint = diagnose(np.asarray(x), np.asarray(y), np.asarray(dout), got_x, got_y)
        said = _("{shows} you returned dx = {dx}, dy = {dy}; expected {ex}, {ey}").format(
                 shows=shows, dx=fmt(dx), dy=fmt(dy), ex=fmt(ex), ey=fmt(ey))

        def with_said(_v: np.ndarray, h: str | None = hint, s: str = said) -> str | None:
            return h and _("{s}: {h}").format(s=s, h=h)

        for name, g, e in (("dx", dx, ex), ("dy", dy, ey)):
            session.expect_array(g, e, shows, what=name, diagnose=with_said)


def _numeric(value: Any) -> bool:
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except Exception:
        return False


@exercise("MulLayer")
def check_mul_layer(session: Session, attempt: Any) -> None:
    """Check a multiplication layer's ``backward(dout)``: dx = dout * y, dy = dout * x."""

    def diagnose(x, y, dout, dx, dy) -> str | None:
        if _close(dx, dout * x) and _close(dy, dout * y):
            return _("not swapped: the multiply node swaps its inputs, dx = dout * y, dy = "
                     "dout * x")
        if _close(dx, y + 0 * dout) and _close(dy, x + 0 * dout):
            return _("backward ignores dout: multiply by the upstream gradient, dx = dout * y")
        if _close(dx, dout + 0 * x) and _close(dy, dout + 0 * y):
            return _("that is the add rule; the multiply node swaps its inputs: dx = dout * y")
        return _("dx = dout * y, dy = dout * x")

    _check_two_input(session, attempt, MulLayer, diagnose)


@exercise("AddLayer")
def check_add_layer(session: Session, attempt: Any) -> None:
    """Check an addition layer's ``backward(dout)``: dx = dy = dout."""

    def diagnose(x, y, dout, dx, dy) -> str | None:
        dout_like = dout + 0 * x
        if _close(dx, dout * y) and _close(dy, dout * x):
            return _("that is the multiply rule; addition passes dout through: dx = dy = dout")
        if _close(dx, dout_like / 2) and _close(dy, dout_like / 2):
            return _("each input gets all of dout, not half of it: dx = dy = dout")
        if _close(dx, np.ones_like(dout_like)) and _close(dy, np.ones_like(dout_like)):
            return _("backward ignores dout: the local gradient 1 times dout, dx = dy = dout")
        if not dy.any() or not dx.any():
            return _("one gradient is 0: addition passes dout unchanged to both inputs")
        return _("addition passes dout unchanged to both inputs: dx = dy = dout")

    _check_two_input(session, attempt, AddLayer, diagnose)


def _one_input_cases() -> list[tuple[np.ndarray, np.ndarray, str]]:
    rng = np.random.default_rng(6)
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    batch = rng.normal(size=(3, 4)).round(2)
    return [
        (x, np.array([10.0, 20.0, 30.0, 40.0, 50.0]), _("for x = {x}, dout = [10, ..., 50]").format(
                                                        x=fmt(x))),
        (batch, rng.normal(size=(3, 4)).round(2), _("for a seeded batch x of shape (3, 4)")),
    ]


def _check_one_input(session: Session, attempt: Any, reference: type,
                     diagnose: Callable[[np.ndarray, np.ndarray, np.ndarray], str | None],
                     dout_hint: str) -> None:
    for x, dout, shows in _one_input_cases():
        layer = _build(session, attempt, shows=shows)
        session.call(layer.forward, x.copy(), shows=shows)
        dx = session.call(layer.backward, dout, shows=shows, names=("dout",), on_change=dout_hint)
        ref = reference()
        ref.forward(x)
        expected = ref.backward(dout)

        def hint(v: np.ndarray, x: np.ndarray = x, dout: np.ndarray = dout,
                 shows: str = shows, expected: np.ndarray = expected) -> str | None:
            found = diagnose(x, dout, v) if v.shape == x.shape else None
            said = _("{shows} backward returned {v}, expected {expected}").format(
                     shows=shows, v=fmt(v), expected=fmt(expected))
            return found and _("{said}: {found}").format(said=said, found=found)

        session.expect_array(dx, expected, shows, what="dx", diagnose=hint)


@exercise(lambda: _("Relu layer"))
def check_relu_layer(session: Session, attempt: Any) -> None:
    """Check a ReLU layer's ``backward(dout)``: dout where the input was > 0, else 0."""

    def diagnose(x, dout, dx) -> str | None:
        if _close(dx, dout):
            return _("ReLU backward let gradient through where x <= 0")
        if _close(dx, dout * (x <= 0)):
            return _("the mask is inverted: pass dout where x > 0, block it where x <= 0")
        if _close(dx, (x > 0).astype(float)):
            return _("backward ignores dout: dx = dout where x > 0, else 0")
        return _("dx = dout where x > 0, else 0 (use the mask from forward)")

    _check_one_input(session, attempt, Relu, diagnose, dout_hint=(
        _("backward changed dout in place (dout[self.mask] = 0, as the book does); the caller "
          "may still need it: start from dx = dout.copy(), or return dout * ~self.mask")))


@exercise(lambda: _("Sigmoid layer"))
def check_sigmoid_layer(session: Session, attempt: Any) -> None:
    """Check a sigmoid layer's ``backward(dout)``: dout * y * (1 - y), with y its output."""

    def diagnose(x, dout, dx) -> str | None:
        y = 1 / (1 + np.exp(-x))
        if _close(dx, dout * x * (1 - x)):
            return _("sigmoid backward: use the forward output, dout * y * (1 - y)")
        if _close(dx, dout * y) or _close(dx, dout * (1 - y)):
            return _("a factor is missing: dout * y * (1 - y)")
        if _close(dx, y * (1 - y)):
            return _("backward ignores dout: multiply the local gradient by dout")
        return _("dx = dout * y * (1 - y), with y the output forward kept")

    _check_one_input(session, attempt, Sigmoid, diagnose, dout_hint=_keep_dout())


@exercise(lambda: _("Affine layer"))
def check_affine_layer(session: Session, attempt: Any) -> None:
    """Check an Affine layer's ``backward(dout)``: returns dx, sets ``self.dW`` and ``self.db``."""
    rng = np.random.default_rng(7)
    for n in (4, 1):
        x, W = rng.normal(size=(n, 3)).round(2), rng.normal(size=(3, 2)).round(2)
        b, dout = rng.normal(size=2).round(2), rng.normal(size=(n, 2)).round(2)
        shows = _("for x of shape {shape}, W {shape2}, dout {shape3}").format(
                  shape=x.shape, shape2=W.shape, shape3=dout.shape)
        layer = _build(session, attempt, W.copy(), b.copy(), shows=shows)
        session.call(layer.forward, x.copy(), shows=shows)

        def on_error(error: BaseException) -> str:
            return _("dx = dout @ W.T has the shape of x, dW = x.T @ dout the shape of W")

        dx = session.call(layer.backward, dout, shows=shows, names=("dout",),
                          on_change=_keep_dout(), on_error=on_error)
        ref = Affine(W.copy(), b.copy())
        ref.forward(x)
        expected_dx = ref.backward(dout)
        for name, formula in (("dW", "x.T @ dout"), ("db", "np.sum(dout, axis=0)")):
            value = getattr(layer, name, None)
            if value is None:
                raise Wrong(_("self.{name} was not set {shows}: backward must store "
                              "self.{name} = {formula} on the layer").format(
                              name=name, shows=shows, formula=formula))
            expected = getattr(ref, name)
            session.expect_array(value, expected, shows, what=name, diagnose=functools.partial(
                                 _affine_hint, name, expected=expected, n=n, shows=shows))

        def dx_hint(v: np.ndarray, shows: str = shows, e: np.ndarray = expected_dx) -> str:
            return _("dx {shows} is {v}, "
                     "expected {e}: dx = dout @ W.T").format(shows=shows, v=fmt(v), e=fmt(e))

        session.expect_array(dx, expected_dx, shows, what="dx", diagnose=dx_hint)


def _affine_hint(name: str, value: np.ndarray, expected: np.ndarray, n: int, shows: str) -> str:
    if name == "dW" and value.shape == expected.T.shape != expected.shape:
        return _("dW has shape {shape}, expected {shape2}: dW = x.T @ dout").format(
                 shape=value.shape, shape2=expected.shape)
    if name == "db" and value.shape != expected.shape:
        if value.ndim == 2:
            return (_("db has shape {shape}, expected {shape2}: sum dout over the batch, db = "
                      "np.sum(dout, axis=0)").format(
                      shape=value.shape, shape2=expected.shape))
        if value.ndim == 0:
            return _("db is one number, expected shape {shape}: sum over axis=0 only").format(
                     shape=expected.shape)
        return (_("db has shape {shape}, expected {shape2}: sum over axis=0 (the batch), not "
                  "axis=1").format(shape=value.shape, shape2=expected.shape))
    if n > 1 and (ratio := scale_between(value, expected)) and math.isclose(ratio, 1 / n):
        return (_("{name} {shows} is the mean over the batch, 1/{n} of the sum: do not divide "
                  "by the batch size here; the 1/N is already in dout, from the loss").format(
                  name=name, shows=shows, n=n))
    formula = "x.T @ dout" if name == "dW" else "np.sum(dout, axis=0)"
    return _("{name} {shows} is {value}, expected {expected}: {name} = {formula}").format(
             name=name, shows=shows, value=fmt(value), expected=fmt(expected), formula=formula)


@exercise("SoftmaxWithLoss")
def check_softmax_with_loss(session: Session, attempt: Any) -> None:
    """Check ``backward(dout=1)`` of softmax with cross-entropy: (y - t) / batch_size."""
    rng = np.random.default_rng(8)
    labels = np.array([0, 2, 1, 2])
    cases = [
        (np.array([[0.3, 2.9, 4.0]]), np.array([[0.0, 0.0, 1.0]]),
         _("for the scores [[0.3, 2.9, 4]] with one-hot t [[0, 0, 1]]")),
        (rng.normal(size=(4, 3)).round(2), np.eye(3)[labels],
         _("for a batch of 4 rows of 3 scores, one-hot labels {labels}").format(
           labels=fmt(labels))),
    ]
    for x, t, shows in cases:
        layer = _build(session, attempt, shows=shows)
        session.call(layer.forward, x.copy(), t.copy(), shows=shows)
        dx = session.call(layer.backward, 1, shows=shows)
        ref = SoftmaxWithLoss()
        ref.forward(x, t)
        expected = ref.backward(1.0)
        y, n = ref.y, len(x)

        def diagnose(v: np.ndarray, y=y, t=t, n=n, shows=shows, e=expected) -> str | None:
            said = _("{shows} backward returned {v}, expected {e}").format(
                     shows=shows, v=fmt(v), e=fmt(e))
            if _close(v, y) or _close(v, y / n):
                return _("{said}: subtract t: dx = (y - t) / batch_size").format(said=said)
            ratio = scale_between(v, e, rtol=1e-5)
            if ratio is None:
                return None
            if math.isclose(ratio, -1):
                return _("{said}: the sign is flipped: dx = (y - t) / batch_size").format(said=said)
            if n > 1 and math.isclose(ratio, n):
                return (_("{said}: {n} times too large; divide by the batch size, (y - t) / "
                          "batch_size").format(said=said, n=n))
            if t.size != n and math.isclose(ratio, n / t.size):
                return (_("{said}: divided by t.size ({size}) instead of the batch size ({n}); "
                          "use batch_size = t.shape[0]").format(
                          said=said, size=t.size, n=n))
            return None

        session.expect_array(dx, expected, shows, what="dx", diagnose=diagnose)


# --- the book's TwoLayerNet (§4.5.1 with the numerical gradient, §5.7.2 with layers) ----------

_NET_KEYS = ("W1", "b1", "W2", "b2")
_NET_SIZES = (4, 3, 3)  # small, so that a numerical gradient takes a moment only


def _net_cases() -> tuple[dict[str, np.ndarray], list[tuple[np.ndarray, np.ndarray]]]:
    """Weights and two batches (x, one-hot t), seeded so that no hidden input is near 0 (a
    numerical gradient of ReLU is clean) and the accuracy is neither 0 nor 1."""
    rng = np.random.default_rng(34)
    params = {"W1": rng.normal(size=(4, 3)).round(2), "b1": rng.normal(scale=0.5, size=3).round(2),
              "W2": rng.normal(size=(3, 3)).round(2), "b2": rng.normal(scale=0.5, size=3).round(2)}
    batches = []
    for n in (5, 3):
        x = rng.normal(size=(n, 4)).round(2)
        batches.append((x, np.eye(3)[rng.integers(0, 3, n)]))
    return params, batches


def _hidden(params: dict[str, np.ndarray], x: np.ndarray, activation: str) -> np.ndarray:
    a1 = x @ params["W1"] + params["b1"]
    return 1 / (1 + np.exp(-a1)) if activation == "sigmoid" else np.maximum(0, a1)


def _softmax(s: np.ndarray) -> np.ndarray:
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _net_loss(scores: np.ndarray, t: np.ndarray) -> float:
    y = _softmax(scores)
    return float(-np.sum(t * np.log(y + 1e-7)) / len(t))


def _net_gradient(params: dict[str, np.ndarray], x: np.ndarray, t: np.ndarray,
                  activation: str) -> dict[str, np.ndarray]:
    """Backprop written out by hand (the book's §4.5 ``gradient``, or §5.7's layers)."""
    z1 = _hidden(params, x, activation)
    dy = (_softmax(z1 @ params["W2"] + params["b2"]) - t) / len(x)
    dz1 = dy @ params["W2"].T
    da1 = dz1 * (z1 * (1 - z1) if activation == "sigmoid" else (z1 > 0))
    return {"W1": x.T @ da1, "b1": da1.sum(axis=0), "W2": z1.T @ dy, "b2": dy.sum(axis=0)}


def _net_params(session: Session, net: Any, shows: str) -> dict[str, np.ndarray]:
    params = getattr(net, "params", None)
    if not isinstance(params, dict) or any(k not in params for k in _NET_KEYS):
        keys = sorted(params) if isinstance(params, dict) else None
        raise Wrong(_("self.params {shows} is {value}: __init__ must put the four arrays in a "
                      "dict, self.params = {{}} and then self.params['W1'], ['b1'], ['W2'], "
                      "['b2'], as the book does").format(
                      shows=shows, value=keys if keys is not None else _("missing")))
    sizes = {"W1": (4, 3), "b1": (3,), "W2": (3, 3), "b2": (3,)}
    for key, shape in sizes.items():
        value = np.asarray(params[key])
        if value.shape != shape:
            hint = (_("W1 is (input_size, hidden_size), W2 is (hidden_size, output_size)")
                    if key[0] == "W" else _("a bias has one number per unit of its layer"))
            raise Wrong(_("params[{key!r}] has shape {shape} {shows}, "
                          "expected {shape2}: {hint}").format(
                          key=key, shape=value.shape, shows=shows, shape2=shape, hint=hint))
        if value.dtype.kind != "f":
            raise Wrong(_("params[{key!r}] has dtype {dtype} {shows}: weights must be floats "
                          "(np.zeros gives floats; np.zeros(n, dtype=int) does not)").format(
                          key=key, dtype=value.dtype, shows=shows))
    for key in ("b1", "b2"):
        if np.any(params[key] != 0):
            raise Wrong(_("params[{key!r}] {shows} is {fmt}: the book's biases start at 0, "
                          "np.zeros(...)").format(
                          key=key, shows=shows, fmt=fmt(params[key])))
    for key in ("W1", "W2"):
        if not np.any(params[key]):
            raise Wrong(_("params[{key!r}] {shows} is all zeros: start the weights at small "
                          "random values, weight_init_std * np.random.randn(...), or every "
                          "hidden unit computes and learns the same thing").format(
                          key=key, shows=shows))
    return params


def _predict_hint(params: dict[str, np.ndarray], x: np.ndarray, value: np.ndarray) -> str | None:
    """Name the mistake in a predict that matches no version of the book's."""
    no_bias = {k: (v * 0 if k[0] == "b" else v) for k, v in params.items()}
    for activation in ("sigmoid", "relu"):
        for p, hint in ((no_bias, _("add the biases: a1 = x @ W1 + b1, a2 = z1 @ W2 + b2")),):
            s = _hidden(p, x, activation) @ p["W2"] + p["b2"]
            if _close(value, s) or _close(value, _softmax(s)):
                return hint
    a1 = x @ params["W1"] + params["b1"]
    s = a1 @ params["W2"] + params["b2"]
    if _close(value, s) or _close(value, _softmax(s)):
        return (_("the hidden layer has no activation: z1 = sigmoid(a1) (the book's §4.5) or "
                  "ReLU (§5.7), then a2 = z1 @ W2 + b2"))
    return None


def _gradient_hint(key: str, value: np.ndarray, *, expected: np.ndarray, n: int,
                   said: str) -> str | None:
    hint = _gradient_mistake(key, value, expected, n)
    return hint and _("{said}: {hint}").format(said=said, hint=hint)


def _gradient_mistake(key: str, value: np.ndarray, expected: np.ndarray, n: int) -> str | None:
    if value.shape != expected.shape:
        return None
    if not value.any() and expected.any():
        return (_("grads[{key!r}] is all zeros: the loss did not change when this parameter "
                  "was nudged. numerical_gradient must nudge self.params[key] itself (not a "
                  "copy), and loss must read self.params").format(key=key))
    ratio = scale_between(value, expected, rtol=1e-3)
    if ratio is not None and n > 1 and math.isclose(ratio, n, rel_tol=1e-3):
        return (_("grads[{key!r}] is {n} times too large for a batch of {n}: the loss is the "
                  "mean over the batch, so its gradient divides by the batch size, dy = (y - "
                  "t) / batch_size (SoftmaxWithLoss.backward in §5.6.3)").format(
                  key=key, n=n))
    if ratio is not None and math.isclose(ratio, -1, rel_tol=1e-3):
        return _("grads[{key!r}] has the wrong sign: dy = (y - t) / batch_size, not t - y").format(
                 key=key)
    return None


def _which_predict(session: Session, weights: dict[str, np.ndarray], x: np.ndarray, y: Any,
                   shows: str) -> str:
    """The activation of the book's version that ``y`` = predict(x) matches: "sigmoid"
    (§4.5: softmax of the scores; the scores alone pass too) or "relu" (§5.7: the scores)."""
    for activation in ("sigmoid", "relu"):
        scores = _hidden(weights, x, activation) @ weights["W2"] + weights["b2"]
        if _numeric(y) and any(_close(np.asarray(y, dtype=float), v)
                               for v in (scores, _softmax(scores))):
            return activation
    value = np.asarray(y, dtype=float) if _numeric(y) else None
    hint = _predict_hint(weights, x, value) if value is not None else None
    relu_scores = _hidden(weights, x, "relu") @ weights["W2"] + weights["b2"]

    def diagnose(v: np.ndarray) -> str:
        return _("predict(x) {shows} is {v}: ").format(shows=shows, v=fmt(v)) + (hint or (
            _("expected softmax(sigmoid(x @ W1 + b1) @ W2 + b2) (the book's §4.5) or the "
              "scores relu(x @ W1 + b1) @ W2 + b2 (§5.7)")))

    session.expect_array(y, relu_scores, shows, what="predict(x)", diagnose=diagnose)
    raise Wrong(diagnose(np.asarray(y)))  # not reached: expect_array has raised


@exercise("TwoLayerNet")
def check_two_layer_net(session: Session, attempt: Any) -> None:
    """Check the book's two-layer net: ``params``, ``predict``, ``loss``, ``accuracy`` and the
    gradient, from ``gradient(x, t)`` (backprop) or, without it, ``numerical_gradient(x, t)``.

    Both of the book's versions pass: §4.5.1 (sigmoid, ``predict`` returns softmax) and
    §5.7.2 (layers with ReLU, ``predict`` returns the scores). ``t`` holds one-hot rows,
    as in the book's training code.
    """
    cls = _layer_class(attempt)
    weights, batches = _net_cases()
    shows = _("for TwoLayerNet(4, 3, 3)")
    net = session.call(cls, *_NET_SIZES, shows=_("when building the net {shows}").format(
                                                 shows=shows))
    # __init__ ran: a NotImplementedError from a method now means "not finished", not the
    # untouched stub (whose __init__ raises first)
    session.returned.update(id(getattr(type(net), name)) for name in (
        "predict", "loss", "accuracy", "gradient", "numerical_gradient")
        if hasattr(type(net), name))
    params = _net_params(session, net, shows)
    for key in _NET_KEYS:  # in place: the book's layers hold these very arrays
        params[key][...] = weights[key]
    gradient_names = [name for name in ("gradient", "numerical_gradient")
                      if callable(getattr(net, name, None))]
    if not gradient_names:
        raise Wrong(_("the class has no gradient(x, t) method (the book's §5.7.2, by backprop) "
                      "nor numerical_gradient(x, t) (§4.5.1): write one of them"))
    activation = None
    for x, t in batches:
        n = len(x)
        shows = _("for a batch x of shape {shape} (one-hot t)").format(shape=x.shape)
        y = session.call(net.predict, x, shows=shows, names=("x",))
        version = _which_predict(session, weights, x, y, shows)
        if activation is None:
            activation = version
        elif activation != version:
            raise Wrong(_("predict {shows} used {version}, but {activation} before").format(
                          shows=shows, version=version, activation=activation))
        session.cases += 1
        scores = _hidden(weights, x, activation) @ weights["W2"] + weights["b2"]
        expected_loss = _net_loss(scores, t)
        loss = session.call(net.loss, x, t, shows=shows, names=("x", "t"))

        def loss_hint(v: Any, scores: np.ndarray = scores, t: np.ndarray = t, n: int = n,
                      shows: str = shows, expected: float = expected_loss) -> str | None:
            said = _("loss(x, t) {shows} is {v}, expected {expected}").format(
                     shows=shows, v=fmt(v), expected=fmt(expected))
            if np.ndim(v) == 1 and len(v) == n:
                return _("{said}: one loss per row; return their mean, one number").format(
                         said=said)
            if np.ndim(v) != 0:
                return None
            if math.isclose(float(v), expected * n, rel_tol=1e-5):
                return _("{said}: divide by the batch size, the loss "
                         "is the mean over the rows").format(
                         said=said)
            return (_("{said}: the loss is cross_entropy_error(softmax(scores), t); apply "
                      "softmax to the scores first (in §5.7 SoftmaxWithLoss does both)").format(
                      said=said))

        session.expect_number(loss, expected_loss, shows, what="loss(x, t)", rtol=1e-5,
                              diagnose=loss_hint)
        right = int(np.sum(scores.argmax(axis=1) == t.argmax(axis=1)))
        accuracy = session.call(net.accuracy, x, t, shows=shows, names=("x", "t"))

        def accuracy_hint(v: Any, right: int = right, n: int = n,
                          shows: str = shows) -> str | None:
            said = _("accuracy(x, t) {shows} is {v}, expected {fmt}").format(
                     shows=shows, v=fmt(v), fmt=fmt(right / n))
            if np.ndim(v) == 0 and float(v) == right:
                return _("{said}: that is the count of right answers; divide by x.shape[0]").format(
                         said=said)
            return (_("{said}: compare np.argmax(y, axis=1) with np.argmax(t, axis=1) (t holds "
                      "one-hot rows), then np.sum(...) / float(x.shape[0])").format(
                      said=said))

        session.expect_number(accuracy, right / n, shows, what="accuracy(x, t)",
                              diagnose=accuracy_hint)
        expected_grads = _net_gradient(weights, x, t, activation)
        for name in gradient_names:
            grads = session.call(getattr(net, name), x, t, shows=shows, names=("x", "t"))
            if not isinstance(grads, dict) or any(k not in grads for k in _NET_KEYS):
                got = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
                raise Wrong(_("{name}(x, t) {shows} returned {got}: return a dict with the "
                              "keys 'W1', 'b1', 'W2', 'b2', one gradient per parameter").format(
                              name=name, shows=shows, got=got))
            for key in _NET_KEYS:
                if not np.array_equal(np.asarray(params[key]), weights[key]):
                    raise Wrong(_("{name}(x, t) {shows} left params[{key!r}] changed: a "
                                  "gradient only measures; put every nudged value back").format(
                                  name=name, shows=shows, key=key))
                said = f"{name}(x, t) {shows}"
                session.expect_array(
                    grads[key], expected_grads[key], shows, what=_("{name}: grads[{key!r}]").format(
                                                                   name=name, key=key),
                    rtol=1e-4, atol=1e-7, diagnose=functools.partial(
                        _gradient_hint, key, expected=expected_grads[key], n=n, said=said))
