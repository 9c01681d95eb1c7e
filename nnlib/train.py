"""Mini-batch training (book §4.5): the four-step loop behind a small trainer.

1. sample a random mini-batch ミニバッチ of the training data;
2. compute the gradient of the loss on it (backprop);
3. update every parameter a small step against its gradient (SGD);
4. repeat.

:class:`Trainer` runs that loop with a progress bar, records the loss of every
iteration and the train/test accuracy of every epoch in a :class:`History`, and stops
with a message (``history.status == "diverged"``) when the loss becomes NaN or inf.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._checks import as_array, check_count, check_seed
from nnlib._platform import BROWSER_MAX_ITERATIONS, BROWSER_MAX_TEST, IN_BROWSER
from nnlib.optimizers import SGD, Optimizer

__all__ = ["Trainer", "History", "Network", "diagnose", "limit_blas_threads"]


def limit_blas_threads(limit: int | None) -> contextlib.AbstractContextManager:
    """A context in which numpy's BLAS uses at most ``limit`` threads (None: no change).

    The matrices of the book's network (100 x 784 times 784 x 50) are too small to gain
    much from a second thread, and on a busy machine two BLAS threads wait on each other,
    so one thread is both faster and steadier (``benchmarks/train_step.py`` measures a
    step side by side). Uses ``threadpoolctl`` when it is installed (it is in
    requirements.txt); without it, nothing changes.
    """
    if limit is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=limit, user_api="blas")


class Network(Protocol):
    """What the trainer needs of a network (``TwoLayerNet`` has it all)."""

    params: dict[str, NDArray]
    last_loss: float

    def gradient(self, x: NDArray, t: NDArray) -> dict[str, NDArray]: ...

    def accuracy(self, x: NDArray, t: NDArray) -> float: ...


@dataclass
class History:
    """What one training run recorded.

    ``loss[i]`` is the mini-batch loss of iteration i (from its forward pass, before its
    update). ``train_acc[e]`` and ``test_acc[e]`` are the accuracies after e epochs,
    e = 0 being the untrained network. ``status`` is "running", "finished" or "diverged".
    """

    loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)
    iterations_per_epoch: int = 1
    status: str = "running"
    message: str = ""
    seconds: float = 0.0

    @property
    def epochs_done(self) -> int:
        return max(len(self.train_acc) - 1, 0)

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"


def diagnose(history: History, *, min_accuracy_gain: float = 0.02) -> str:
    """Sum a run up in one word: "diverged", "did not move" or "learned".

    - "diverged": the loss became NaN or inf; or it overshot: at some iteration it rose
      above twice the untrained network's first loss, and it ends (median of the last
      tenth of the iterations) less than 10 % below where it started. Cross-entropy with
      the book's delta is capped at -log(1e-7), about 16.1, so an SGD run with a learning
      rate far too large usually bounces around (or kills its ReLUs) rather than reach NaN.
    - "did not move": training accuracy rose by less than ``min_accuracy_gain`` (2
      percentage points) from the untrained network: a learning rate or an initial
      weight scale far too small.
    - "learned": otherwise.
    """
    if history.diverged:
        return "diverged"
    losses, accuracy = history.loss, history.train_acc
    if losses:
        first, end = losses[0], float(np.median(losses[-max(len(losses) // 10, 1) :]))
        if max(losses) > 2 * first and end > 0.9 * first:
            return "diverged"
    if len(accuracy) < 2 or accuracy[-1] - accuracy[0] < min_accuracy_gain:
        return "did not move"
    return "learned"


class Trainer:
    """Train ``network`` by mini-batch SGD for ``epochs`` passes' worth of iterations.

    An epoch is ``max(len(x_train) // batch_size, 1)`` iterations; each iteration draws
    ``batch_size`` training samples at random (with replacement, as the book does) from
    ``np.random.default_rng(seed)``, so a run is reproducible. ``progress=True`` shows a
    ``tqdm.auto`` bar (a widget in Jupyter, text in a terminal), ``False`` none; or pass
    a factory called like ``tqdm(total=..., desc=...)`` that returns an object with
    ``update(n)`` and ``close()`` (an explorer uses this for its own bar).
    ``callback(history)``, if given, is called after the untrained evaluation and after
    every epoch, e.g. to redraw the curves while training goes on. ``blas_threads``
    caps numpy's BLAS threads while training (see :func:`limit_blas_threads`).

    In the browser edition (Pyodide), where numpy has no fast BLAS and a step takes about
    20 times as long, a run of more than ``BROWSER_MAX_ITERATIONS`` iterations keeps its
    epochs but trains on the first training images only, so that it stays under that
    many iterations; ``train()`` says so in one printed sentence. Natively nothing changes.
    """

    def __init__(
        self,
        network: Network,
        x_train: ArrayLike,
        t_train: ArrayLike,
        x_test: ArrayLike | None = None,
        t_test: ArrayLike | None = None,
        *,
        optimizer: Optimizer | None = None,
        epochs: int = 1,
        batch_size: int = 100,
        seed: int | None = 0,
        progress: bool | Callable[..., Any] = True,
        callback: Callable[[History], Any] | None = None,
        blas_threads: int | None = 1,
    ) -> None:
        self.network = network
        self.optimizer = optimizer if optimizer is not None else SGD(0.1)
        self.epochs = check_count(epochs, "epochs", minimum=1)
        self.batch_size = check_count(batch_size, "batch_size", minimum=1)
        dtype = next(iter(network.params.values())).dtype
        self.x_train, self.t_train = _dataset(x_train, t_train, dtype, "train")
        if (x_test is None) != (t_test is None):
            raise ValueError("give both x_test and t_test, or neither")
        self.x_test, self.t_test = (
            (None, None) if x_test is None else _dataset(x_test, t_test, dtype, "test")
        )
        self.browser_note = self._browser_trim()
        self.seed = check_seed(seed)
        self.progress = progress
        self.callback = callback
        self.blas_threads = blas_threads
        self.history = History()

    def _browser_trim(self) -> str:
        """In the browser edition, shorten a long run (see the class docstring); the note."""
        full = self.epochs * self.iterations_per_epoch
        if not IN_BROWSER or full <= BROWSER_MAX_ITERATIONS:
            return ""
        keep = max(BROWSER_MAX_ITERATIONS // self.epochs, 1) * self.batch_size
        note = (f"In the browser numpy has no fast matrix library, so this run trains on the "
                f"first {keep:,} of the {len(self.x_train):,} training images")
        self.x_train, self.t_train = self.x_train[:keep], self.t_train[:keep]
        if self.x_test is not None and len(self.x_test) > BROWSER_MAX_TEST:
            note += (f" and tests on the first {BROWSER_MAX_TEST:,} of the "
                     f"{len(self.x_test):,} test images")
            self.x_test = self.x_test[:BROWSER_MAX_TEST]
            self.t_test = self.t_test[:BROWSER_MAX_TEST]
        return (f"{note} ({self.epochs * self.iterations_per_epoch:,} iterations instead of "
                f"{full:,}); run the notebook natively for the full run.")

    @property
    def iterations_per_epoch(self) -> int:
        return max(len(self.x_train) // self.batch_size, 1)

    def _evaluate(self) -> None:
        history, network = self.history, self.network
        with np.errstate(all="ignore"):  # a diverged net's NaN scores simply count as wrong
            history.train_acc.append(network.accuracy(self.x_train, self.t_train))
            if self.x_test is not None:
                history.test_acc.append(network.accuracy(self.x_test, self.t_test))
        if self.callback is not None:
            self.callback(history)

    def _progress_bar(self, total: int) -> Any:
        if callable(self.progress):
            return self.progress(total=total, desc="training")
        from tqdm.auto import tqdm  # imported here: only a visible bar needs it

        if IN_BROWSER:  # Pyodide has no threads: tqdm's monitor thread would fail to start
            tqdm.monitor_interval = 0
        return tqdm(total=total, desc="training", disable=not self.progress)

    def train(self) -> History:
        """Run the loop and return the :class:`History` (also kept as ``self.history``)."""
        if self.browser_note:
            print(self.browser_note)
        per_epoch = self.iterations_per_epoch
        self.history = history = History(iterations_per_epoch=per_epoch)
        start = time.perf_counter()
        with limit_blas_threads(self.blas_threads):
            self._loop(history, per_epoch)
        history.seconds = time.perf_counter() - start
        if history.status == "running":
            history.status = "finished"
            history.message = (
                f"finished {self.epochs} epochs ({len(history.loss)} iterations) "
                f"with {self.optimizer!r}"
            )
        return history

    def _loop(self, history: History, per_epoch: int) -> None:
        rng = np.random.default_rng(self.seed)
        network, update, losses = self.network, self.optimizer.update, history.loss
        x, t, n, batch = self.x_train, self.t_train, len(self.x_train), self.batch_size
        self._evaluate()
        bar = self._progress_bar(total=self.epochs * per_epoch)
        chunk = max(per_epoch // 20, 1)  # the bar moves in about 20 steps per epoch
        loss = 0.0
        try:
            for epoch in range(1, self.epochs + 1):
                with np.errstate(all="ignore"):  # overflow shows up below as a non-finite loss
                    for i in range(per_epoch):
                        index = rng.integers(0, n, batch)
                        grads = network.gradient(x[index], t[index])
                        loss = network.last_loss
                        losses.append(loss)
                        if not math.isfinite(loss):
                            break
                        update(network.params, grads)
                        if (i + 1) % chunk == 0 or i + 1 == per_epoch:
                            bar.update((i + 1) % chunk or chunk)
                if not math.isfinite(loss):
                    history.status = "diverged"
                    history.message = (
                        f"diverged: the loss became {loss} at iteration {len(losses)} "
                        f"(epoch {epoch}) with {self.optimizer!r}; stopped there. "
                        "Try a smaller learning rate or a smaller weight_init_std."
                    )
                    break
                self._evaluate()
        finally:
            bar.close()


def _dataset(x: ArrayLike, t: ArrayLike, dtype: np.dtype, name: str) -> tuple[NDArray, NDArray]:
    """Check a data set once, before the loop, and convert x to the network's dtype."""
    x, t = as_array(x, f"x_{name}"), as_array(t, f"t_{name}")
    if x.dtype.kind not in "biuf":
        raise TypeError(f"x_{name} must be a real numeric array, got dtype {x.dtype}")
    if t.dtype.kind not in "biuf":
        raise TypeError(f"t_{name} must hold integer labels or one-hot rows, got dtype {t.dtype}")
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"x_{name} must be a non-empty batch of samples, got shape {x.shape}")
    if t.ndim == 0 or len(t) != len(x):
        labels = "no labels (a single number)" if t.ndim == 0 else f"{len(t)} labels"
        raise ValueError(f"x_{name} has {len(x)} samples but t_{name} has {labels}")
    with np.errstate(over="ignore", invalid="ignore"):
        x = np.ascontiguousarray(x, dtype=dtype)
    if not np.isfinite(x).all():  # checked once here, so that NaN data is not called divergence
        raise ValueError(f"x_{name} contains NaN or inf (or values too large for {dtype}); "
                         "every value of the data must be finite")
    return x, t
