"""Chapter 03 exercises: a softmax that never overflows (本書 §3.5.2), and the book's §3.6
handwritten-digit inference: ``predict(network, x)`` and its accuracy over batches of 100."""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from nnlib.engines.exercise import Session, Wrong, exercise, fmt
from nnlib.engines.references import identity_function, relu, sigmoid, softmax
from nnlib.i18n import _
from nnlib.train import limit_blas_threads

from .digits import accuracy, predict

__all__ = ["check_softmax", "check_predict", "check_batch_accuracy"]


def _subtract_max() -> str:
    return _("did you subtract the max before exp?")


def _keepdims() -> str:
    return _("sum over axis=-1 with keepdims=True")


def _cases() -> list[np.ndarray]:
    rng = np.random.default_rng(3)
    return [
        np.array([0.3, 2.9, 4.0]),  # the book's example
        np.array([1010, 1000, 990]),  # the book's overflow example (integers, as in the book)
        np.array([-1000.0, -1010.0, -1020.0]),  # exp underflows to 0 for all three: 0 / 0
        np.array([[0.3, 2.9, 4.0], [1.0, 2.0, 3.0]]),  # a batch of 2 rows
        np.array([[1010.0, 1000.0, 990.0], [0.3, 2.9, 4.0]]),  # rows of very different size
        rng.normal(scale=3.0, size=(4, 5)).round(3),
    ]


def _diagnose(a: np.ndarray, r: np.ndarray, e: np.ndarray) -> str | None:
    seen = _("for a = {a} you returned {r}, expected {e}").format(a=fmt(a), r=fmt(r), e=fmt(e))
    rows = _("batch of {a} rows {a2}").format(a=len(a), a2=fmt(a)) if a.ndim == 2 else ""
    if r.shape != a.shape:
        if a.ndim == 2 and r.ndim == 1 and r.size == a.size:
            return _("{rows}: the result was flattened to {shape}; keep the shape {shape2}").format(
                     rows=rows, shape=r.shape, shape2=a.shape)
        return None
    if np.isnan(r).any():
        if a.ndim == 2:
            bad = int(np.flatnonzero(np.isnan(r).any(axis=1))[0])
            return (_("NaN in row {bad} of the {rows}, though each row alone works: subtract "
                      "each row's own max, np.max(a, axis=-1, keepdims=True)").format(
                      bad=bad, rows=rows))
        return _("NaN for {a}: {SUBTRACT_MAX}").format(a=fmt(a), SUBTRACT_MAX=_subtract_max())
    if np.allclose(r, np.floor(e)):
        return _("{seen}: // is floor division, which rounds "
                 "probabilities down to 0; use /").format(
                 seen=seen)
    if a.ndim == 2:
        sums = r.sum(axis=-1)
        if np.allclose(r.sum(axis=0), 1) and not np.allclose(sums, 1):
            return (_("{rows}: each column sums to 1 instead of each row; sum over axis=-1 "
                      "(the classes), not axis=0").format(rows=rows))
        if not np.allclose(sums, 1):
            if np.allclose(r, softmax(a.ravel()).reshape(a.shape)):
                return (_("{rows}: your rows sum to {sums}, not 1 each. That is what the "
                          "book's §3.5.2 softmax does (np.max(a) and np.sum(exp_a) over the "
                          "whole array), and it is right for the one vector the book gives it; "
                          "this exercise asks for a batch of rows too, because a network's "
                          "output layer gets one row per input (as the book's "
                          "common/functions.py softmax does later): take the max and the sum "
                          "over axis=-1 with keepdims=True").format(
                          rows=rows, sums=fmt(sums)))
            return _("{rows}: each row must sum to 1, yours sum to {sums}; {KEEPDIMS}").format(
                     rows=rows, sums=fmt(sums), KEEPDIMS=_keepdims())
        return None
    total = float(r.sum())
    if not np.isclose(total, 1):
        return _("{seen}: the probabilities sum to {total}, not 1; "
                 "divide by the sum of exp").format(
                 seen=seen, total=fmt(total))
    return _("{seen}: softmax is exp(a - max(a)) / sum(exp(a - max(a)))").format(seen=seen)


def _on_error(a: np.ndarray) -> Callable[[BaseException], str | None]:
    def hint(error: BaseException) -> str | None:
        text = str(error)
        if a.ndim == 2 and "broadcast" in text:
            return _("batch of {a} rows: {KEEPDIMS}, so the sums stay a column").format(
                     a=len(a), KEEPDIMS=_keepdims())
        if "out of bounds" in text or "AxisError" in type(error).__name__:
            return _("use axis=-1 (the last axis): it is the classes for a vector and for a "
                     "batch")
        return None

    return hint


@exercise(lambda: _("softmax"), warning_hint=lambda: _("exp "
                    "overflowed on the way; {SUBTRACT_MAX}").format(
                                    SUBTRACT_MAX=_subtract_max()))
def check_softmax(session: Session, attempt: Callable) -> None:
    """Check a softmax ``attempt(a)`` over the last axis, for a vector and a batch of rows."""
    for a in _cases():
        shows = _("for a = {a}").format(a=fmt(a))
        result = session.call(
            attempt, a, shows=shows, names=("a",), on_error=_on_error(a),
            on_change=_("a -= c edits the caller's array; write np.exp(a - c) instead"),
        )
        expected = softmax(a)
        session.expect_array(result, expected, shows,
                             diagnose=functools.partial(_diagnose, a, e=expected))


# --- §3.6: inference with learned weights -------------------------------------------------

@functools.lru_cache(maxsize=4)
def _digits(count: int, dtype: type = np.float64) -> tuple[dict, np.ndarray, np.ndarray]:
    """nnlib's learned weights and the first ``count`` test images, in ``dtype`` (cached: the
    session hands the reader copies)."""
    from nnlib.datasets import load_mnist
    from nnlib.sample_weight import load_sample_weight

    network: dict[str, np.ndarray] = {k: v.astype(dtype) for k, v in load_sample_weight().items()}
    _train, (x, t) = load_mnist(normalize=True, flatten=True)
    return network, x[:count].astype(dtype), t[:count]


def _small_network() -> tuple[dict, np.ndarray]:
    """A 6-4-3-5 network and 7 inputs: nothing may assume 784 pixels or 10 digits."""
    rng = np.random.default_rng(6)
    sizes = [6, 4, 3, 5]
    network = {}
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:], strict=False), start=1):
        network[f"W{i}"] = rng.normal(size=(n_in, n_out)).round(2)
        network[f"b{i}"] = rng.normal(size=n_out).round(2)
    return network, rng.normal(size=(7, 6)).round(2)


def _predict_slips(network: dict, x: np.ndarray) -> list[tuple[np.ndarray, str]]:
    def run(hidden=sigmoid, output=softmax, second=True):
        z1 = hidden(np.dot(x, network["W1"]) + network["b1"])
        a2 = np.dot(z1, network["W2"]) + network["b2"]
        return output(np.dot(hidden(a2) if second else a2, network["W3"]) + network["b3"])

    def book_softmax(a):  # the book's §3.5.2 softmax: one max and one sum for the whole array
        e = np.exp(a - np.max(a))
        return e / np.sum(e)

    with np.errstate(all="ignore"):
        return [
            (run(output=identity_function), _("the scores are right but softmax is missing: "
                                              "the book's §3.6 predict ends with y = "
                                              "softmax(a3), so that each row holds "
                                              "probabilities (the argmax, and so the accuracy, "
                                              "would be the same)")),
            (run(output=book_softmax), _("each row must sum to 1. That is the book's §3.5.2 "
                                         "softmax (one np.max and one np.sum over the whole "
                                         "array), right for one image; on a batch the book's "
                                         "§3.6 code uses common/functions.py's softmax, which "
                                         "works row by row: use nnlib's softmax, or take the "
                                         "max and sum over axis=-1 with keepdims=True")),
            (run(output=sigmoid), _("the output layer applies sigmoid; the book's §3.6 predict "
                                    "uses softmax there")),
            (run(second=False), _("layer 2 skips its activation: z2 = sigmoid(a2)")),
            (run(hidden=relu), _("the hidden layers use ReLU; the book's §3.6 network was "
                                 "trained with sigmoid, and its weights only work with sigmoid")),
        ]


@exercise("predict")
def check_predict(session: Session, attempt: Callable) -> None:
    """Check ``predict(network, x)``: the book's §3.6.2 network, one image or a batch."""
    with limit_blas_threads(1):  # small products; a busy machine's threads only wait
        _check_predict(session, attempt)


def _check_predict(session: Session, attempt: Callable) -> None:
    network, x, _labels = _digits(100)
    small, xs = _small_network()
    cases = [
        (network, x[0], _("nnlib's weights and test image 0 (784 pixels)")),
        (network, x, _("nnlib's weights and a batch of 100 test images")),
        (small, xs, _("a 6-4-3-5 network and a batch of 7 rows")),
    ]
    for net, inputs, what in cases:
        shows = _("for {what}").format(what=what)
        result = session.call(attempt, net, inputs, shows=shows, names=("network", "x"),
                              on_change=_("compute new arrays; leave network and x as they are"))
        expected = predict(net, inputs)

        def diagnose(r: np.ndarray, net=net, inputs=inputs, shows=shows) -> str | None:
            for wrong, hint in _predict_slips(net, inputs):
                if r.shape == wrong.shape and np.allclose(r, wrong, rtol=1e-6, atol=1e-9):
                    return _("{shows}: {hint}").format(shows=shows, hint=hint)
            return None

        session.expect_array(result, expected, shows, diagnose=diagnose)


def _accuracy_slips(network: dict, x: np.ndarray, t: np.ndarray,
                    batch_size: int) -> list[tuple[float, str]]:
    hits = flat = one_label = 0
    batches = range(0, len(x), batch_size)
    for i in batches:
        y = predict(network, x[i:i + batch_size])
        hits += int(np.sum(np.argmax(y, axis=1) == t[i:i + batch_size]))
        flat += int(np.sum(np.argmax(y) == t[i:i + batch_size]))
        one_label += int(np.sum(np.argmax(y, axis=1) == t[i]))
    full = len(x) // batch_size * batch_size
    kept = accuracy(network, x[:full], t[:full], batch_size) * full / len(x) if full else 0.0
    return [
        (float(hits), _("that is the number of right answers ({hits}); accuracy is that count "
                        "divided by the number of images, len(x)").format(
                        hits=hits)),
        (hits / len(batches), _("the count was divided by the number of batches; divide by the "
                                "number of images, len(x)")),
        (hits / batch_size, _("the count was divided by batch_size; divide by the number of "
                              "images, len(x)")),
        (flat / len(x), _("np.argmax(y_batch) without axis=1 gives one index for the whole "
                          "batch; np.argmax(y_batch, axis=1) gives one digit per row")),
        (one_label / len(x), _("each batch was compared with one label t[i]; compare with the "
                               "batch's labels, t[i:i + batch_size]")),
        (kept, _("the last, shorter batch was left out: range(0, len(x), batch_size) visits "
                 "it, and x[i:i + batch_size] simply stops at the end ({x} images here)").format(
                 x=len(x))),
    ]


@exercise(lambda: _("accuracy by batches"))
def check_batch_accuracy(session: Session, attempt: Callable) -> None:
    """Check ``accuracy(network, x, t, batch_size=100)``: the book's §3.6.3 loop."""
    with limit_blas_threads(1):
        _check_batch_accuracy(session, attempt)


def _check_batch_accuracy(session: Session, attempt: Callable) -> None:
    network, x, t = _digits(200, np.float32)
    cases = [
        (x, t, None, _("the first 200 test images, default batch_size")),
        (x[:150], t[:150], 100, _("150 test images and batch_size=100 (the last batch has 50)")),
        (x[:30], t[:30], 1, _("30 test images and batch_size=1 (one image at a time)")),
        (x[:70], t[:70], 100, _("70 test images and batch_size=100 (one short batch)")),
    ]
    for inputs, labels, batch_size, what in cases:
        shows = _("for {what}").format(what=what)
        args = (network, inputs, labels) if batch_size is None else (
            network, inputs, labels, batch_size)
        if batch_size is None:
            batch_size = 100
        result = session.call(attempt, *args, shows=shows,
                              names=("network", "x", "t", "batch_size")[:len(args)],
                              on_change=_("compute new arrays; leave network, x and t unchanged"))
        expected = accuracy(network, inputs, labels, batch_size)

        def diagnose(value: float, inputs=inputs, labels=labels, size=batch_size,
                     shows=shows, expected=expected) -> str | None:
            if np.ndim(value) != 0:
                return None
            slips = _accuracy_slips(network, inputs, labels, size)
            seen = _("{shows} you returned {fmt}, expected {expected}").format(
                     shows=shows, fmt=fmt(float(value)), expected=fmt(expected))
            if float(value) == 0 and slips[-1][0] != 0:
                floor = _("// is floor division, which rounds the fraction down to 0; use /")
                if slips[3][0] == 0:  # np.argmax without axis=1 also gives 0 here
                    return _("{seen}: {floor}. Or, if you divided with /: {value}").format(
                             seen=seen, floor=floor, value=slips[3][1])
                return _("{seen}: {floor}").format(seen=seen, floor=floor)
            for wrong, hint in slips:
                if np.isclose(float(value), wrong, rtol=1e-9, atol=1e-12):
                    return _("{seen}: {hint}").format(seen=seen, hint=hint)
            return None

        value = session.expect_number(result, expected, shows, diagnose=diagnose, rtol=1e-9)
        if not 0 <= value <= 1:
            raise Wrong(_("{shows} accuracy is {value}, outside [0, 1]").format(
                          shows=shows, value=fmt(value)))
