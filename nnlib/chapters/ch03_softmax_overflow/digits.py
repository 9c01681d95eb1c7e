"""Handwritten-digit inference with learned weights (本書 §3.6 手書き数字認識).

``predict`` is the book's §3.6.2 ``predict(network, x)``: two sigmoid layers, then softmax,
for one image (784 values) or a batch of rows. ``accuracy`` is the book's §3.6.3 loop over
batches of ``batch_size`` images. ``time_inference`` measures one image at a time against
batches, for the notebook's バッチ処理 batch-processing comparison.
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._checks import as_array, check_count
from nnlib.functions import sigmoid, softmax
from nnlib.i18n import _
from nnlib.sample_weight import SHAPES
from nnlib.train import limit_blas_threads

__all__ = ["predict", "accuracy", "time_inference"]


def _network(network: object) -> dict[str, NDArray]:
    if not isinstance(network, dict) or any(k not in network for k in SHAPES):
        raise TypeError(_("network must be the book's dict of W1, b1, W2, b2, W3, b3 "
                          "(load_sample_weight() gives one)"))
    return network


def _images(x: ArrayLike, network: dict[str, NDArray]) -> NDArray:
    try:
        x = np.asarray(x)
    except ValueError:
        raise ValueError(_("x must be one image of 784 numbers or a batch of rows of equal "
                           "length, got a ragged sequence")) from None
    if x.dtype.kind not in "biuf" or x.ndim not in (1, 2):
        raise ValueError(_("x must be one image of 784 numbers or a batch of rows, got "
                           "shape {shape} of {dtype}").format(shape=x.shape, dtype=x.dtype))
    if x.shape[-1] != network["W1"].shape[0]:
        raise ValueError(_("x has {n} values per image, W1 expects {rows} (flatten=True gives "
                           "784)").format(n=x.shape[-1], rows=network["W1"].shape[0]))
    if x.dtype.kind == "f" and not np.isfinite(x).all():
        raise ValueError(_("x holds NaN or inf; pixels are numbers from 0 to 1 (normalize=True)"))
    return x


def predict(network: dict[str, NDArray], x: ArrayLike) -> NDArray[np.floating]:
    """The book's §3.6.2 predict: softmax(sigmoid(sigmoid(x W1 + b1) W2 + b2) W3 + b3)."""
    network = _network(network)
    x = _images(x, network)
    z1 = sigmoid(np.dot(x, network["W1"]) + network["b1"])
    z2 = sigmoid(np.dot(z1, network["W2"]) + network["b2"])
    return softmax(np.dot(z2, network["W3"]) + network["b3"])


def accuracy(network: dict[str, NDArray], x: ArrayLike, t: ArrayLike,
             batch_size: int = 100) -> float:
    """認識精度 accuracy: the fraction of images whose most probable digit is the label.

    As the book's §3.6.3: ``predict`` on ``x[i:i + batch_size]``, ``np.argmax(..., axis=1)``,
    count the hits; the last batch may be shorter. ``batch_size=1`` is the §3.6.2 loop.
    """
    network = _network(network)
    x = _images(x, network)
    t = as_array(t, "t")
    if t.dtype.kind not in "iu":
        raise ValueError(_("t must hold integer labels, one per image (load_mnist with "
                           "one_hot_label=False), got {dtype}").format(dtype=t.dtype))
    if x.ndim != 2 or t.shape != (len(x),):
        raise ValueError(_("x must be a batch of rows and t one label per row, got shapes "
                           "{x} and {t}").format(x=x.shape, t=t.shape))
    batch_size = check_count(batch_size, "batch_size", minimum=1)
    hits = 0
    for i in range(0, len(x), batch_size):
        y = predict(network, x[i:i + batch_size])
        hits += int(np.sum(np.argmax(y, axis=1) == t[i:i + batch_size]))
    return hits / len(x)


def time_inference(network: dict[str, NDArray], x: ArrayLike, batch_size: int = 100,
                   repeats: int = 3) -> dict[str, float]:
    """Seconds to predict every image of ``x``: one image at a time, and by batches.

    The best of ``repeats`` runs of each, with numpy's BLAS on one thread: these matrices
    are too small to gain from more, and on a busy machine BLAS threads that wait on each
    other would make the batches look slow (nnlib's training loop does the same).
    Returns ``{"one_at_a_time": s, "batched": s, "ratio": one_at_a_time / batched}``.
    """
    network = _network(network)
    x = _images(x, network)
    batch_size = check_count(batch_size, "batch_size", minimum=1)
    repeats = check_count(repeats, "repeats", minimum=1, maximum=100)

    def best(step: int) -> float:
        times = []
        for _repeat in range(repeats):
            start = time.perf_counter()
            for i in range(0, len(x), step):
                predict(network, x[i] if step == 1 else x[i:i + step])
            times.append(time.perf_counter() - start)
        return min(times)

    with limit_blas_threads(1):
        one, batched = best(1), best(batch_size)
    return {"one_at_a_time": one, "batched": batched, "ratio": one / batched}
