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
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnlib._checks import (
    OverflowWarning,
    as_array,
    check_count,
    check_instance,
    check_seed,
    data_array,
    number_in,
)
from nnlib._platform import IN_BROWSER
from nnlib.i18n import _
from nnlib.optimizers import Optimizer, optimizer_by_name

#: train_step, train_epoch (the loop for chapters that drive training themselves),
#: how_run_ended, StepRecord and RunEnding are public too, but kept out of ``__all__``: their
#: input is checked by their callers (the bad-input fuzz walks ``__all__``).
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
class StepRecord:
    """One training step seen from inside (:func:`train_step` fills it when given one): the
    mini-batch, each layer's :class:`~nnlib.network.LayerRecord` (what it got and gave,
    forward and backward), the parameters before the update, the gradients the update used
    and the mini-batch loss."""

    x: NDArray | None = None
    t: NDArray | None = None
    layers: list[Any] = field(default_factory=list)
    params_before: dict[str, NDArray] = field(default_factory=dict)
    grads: dict[str, NDArray] = field(default_factory=dict)
    loss: float = math.nan


def train_step(network: Network, optimizer: Optimizer, x: NDArray, t: NDArray,
               record: StepRecord | None = None) -> float:
    """Steps 2 and 3 of the loop on one mini-batch: the gradient by backprop, then the
    optimizer's update of ``network.params`` in place. Returns the mini-batch loss (from the
    forward pass, before the update); a NaN or inf loss skips the update.

    Give a :class:`StepRecord` to keep every number of the step (the network must take
    ``gradient(x, t, record=...)``, as :class:`~nnlib.network.LayerNet` does).
    """
    if record is None:
        grads = network.gradient(x, t)
    else:
        record.x, record.t = x, t
        record.params_before = {name: p.copy() for name, p in network.params.items()}
        # Network names gradient(x, t) only; a network that records also takes record=
        grads = network.gradient(x, t, record=record.layers)  # type: ignore[call-arg]
        record.grads, record.loss = grads, network.last_loss
    loss = network.last_loss
    if math.isfinite(loss):
        optimizer.update(network.params, grads)
    return loss


def train_epoch(network: Network, optimizer: Optimizer, x: NDArray, t: NDArray, *,
                batch_size: int, iterations: int, rng: np.random.Generator,
                losses: list[float], after_step: Callable[[int], Any] | None = None,
                record: StepRecord | None = None) -> bool:
    """``iterations`` rounds of the four-step loop (book §4.5): each draws ``batch_size``
    rows of ``x`` at random (with replacement, as the book does) from ``rng`` and runs
    :func:`train_step`; each mini-batch loss is appended to ``losses``, ``after_step(i)``
    is called after step i, and ``record`` keeps the last step. Returns False, at once,
    when a loss is NaN or inf (the run diverged), else True.

    ``x`` and ``t`` must already be checked (:class:`Trainer` checks them once). Overflow
    inside the steps is not warned about: the loss shows it.
    """
    n = len(x)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", OverflowWarning)
        for i in range(iterations):
            index = rng.integers(0, n, batch_size)
            loss = train_step(network, optimizer, x[index], t[index],
                              record if i == iterations - 1 else None)
            losses.append(loss)
            if not math.isfinite(loss):
                return False
            if after_step is not None:
                after_step(i)
    return True


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


@dataclass(frozen=True)
class RunEnding:
    """How a run ended (:func:`how_run_ended`): ``name`` and, in words, ``reason``."""

    name: str
    reason: str


def ending_word(name: str) -> str:
    """A :class:`RunEnding` name ("diverged", "did not move", "learned") as the reader sees
    it, in the current language (see :func:`nnlib.set_language`)."""
    return {"diverged": _("diverged"), "did not move": _("did not move"),
            "learned": _("learned")}.get(name, name)


#: An exact run (gradient descent on a function) has diverged when its last loss is above
#: its first by more than this fraction of max(|first loss|, 1); the margin ignores
#: rounding noise, so a run that bounces in place does not count.
EXACT_LOSS_RISE = 1e-6


def how_run_ended(losses: Sequence[float] | NDArray, accuracy: Sequence[float] = (), *,
                  exact: bool = False, min_accuracy_gain: float = 0.02) -> RunEnding:
    """The one place that says how a run ended: "diverged", "did not move" or "learned".

    - "diverged": a loss is NaN or inf (a trainer stops there); or, for a run with noisy
      mini-batch losses, it overshot: some loss rose above twice the first, and the run
      ends (median of the last tenth of the losses) less than 10 % below where it started
      (cross-entropy with the book's delta is capped at about 16.1, so an SGD run with a
      learning rate far too large usually bounces around rather than reach NaN); or, for
      an ``exact`` run (gradient descent on a function), the last loss is above the first
      by more than ``EXACT_LOSS_RISE`` of max(|first|, 1).
    - "did not move": ``accuracy`` (one value per epoch, the first before training) rose
      by less than ``min_accuracy_gain``; without accuracies, the last loss is not below
      the first.
    - "learned": otherwise.
    """
    min_accuracy_gain = number_in(min_accuracy_gain, "min_accuracy_gain", -1.0, 1.0)
    losses = [float(v) for v in losses]
    if not losses:
        return RunEnding("did not move", _("no iteration ran"))
    first, last = losses[0], losses[-1]
    bad = next((i for i, v in enumerate(losses) if not math.isfinite(v)), None)
    if bad is not None:
        return RunEnding("diverged", _("the loss became {loss} at iteration {iteration}").format(
            loss=losses[bad], iteration=bad + 1))
    if exact:
        if last - first > EXACT_LOSS_RISE * max(abs(first), 1.0):
            return RunEnding("diverged", _("the loss rose from {first:.4g} to {last:.4g}: "
                                           "each step overshoots").format(first=first, last=last))
    else:
        end = float(np.median(losses[-max(len(losses) // 10, 1) :]))
        if max(losses) > 2 * first and end > 0.9 * first:
            return RunEnding("diverged", _("the loss shot up to {peak:.4g} and ends at "
                                           "about {end:.4g}, from {first:.4g}").format(
                                               peak=max(losses), end=end, first=first))
    if len(accuracy) >= 2:
        gain = accuracy[-1] - accuracy[0]
        if gain < min_accuracy_gain:
            return RunEnding("did not move", _("accuracy rose by only {gain:.1%}").format(
                gain=gain))
        return RunEnding("learned", _("accuracy rose by {gain:.1%}").format(gain=gain))
    if accuracy or last >= first:
        return RunEnding("did not move", _("the loss went from {first:.4g} to {last:.4g}").format(
            first=first, last=last))
    return RunEnding("learned", _("the loss fell from {first:.4g} to {last:.4g}").format(
        first=first, last=last))


def diagnose(history: History, *, min_accuracy_gain: float = 0.02) -> str:
    """Sum a training run up in one word, "diverged", "did not move" or "learned", by
    :func:`how_run_ended` on its losses and training accuracies. The word is in the current
    language (:func:`nnlib.set_language`); ``how_run_ended(...).name`` is always English."""
    check_instance(history, "history", History, "the History a Trainer's fit returns")
    return ending_word(how_run_ended(history.loss, history.train_acc,
                                     min_accuracy_gain=min_accuracy_gain).name)


class Trainer:
    """Train ``network`` by mini-batch gradient descent for ``epochs`` passes' worth of iterations.

    An epoch is ``max(len(x_train) // batch_size, 1)`` iterations; each iteration draws
    ``batch_size`` training samples at random (with replacement, as the book does) from
    ``np.random.default_rng(seed)``, so a run is reproducible. ``progress=True`` shows a
    ``tqdm.auto`` bar (a widget in Jupyter, text in a terminal), ``False`` none; or pass
    a factory called like ``tqdm(total=..., desc=...)`` that returns an object with
    ``update(n)`` and ``close()`` (an explorer uses this for its own bar).
    ``callback(history)``, if given, is called after the untrained evaluation and after
    every epoch, e.g. to redraw the curves while training goes on. ``blas_threads``
    caps numpy's BLAS threads while training (see :func:`limit_blas_threads`).
    Every epoch is :func:`train_epoch`, the one training loop of nnlib.

    The book's call (``common/trainer.py``, §6.4) works as printed:
    ``Trainer(network, x_train, t_train, x_test, t_test, epochs=20, mini_batch_size=100,
    optimizer='SGD', optimizer_param={'lr': 0.01}, evaluate_sample_num_per_epoch=None,
    verbose=True)`` then ``trainer.train()``, and ``trainer.train_loss_list``,
    ``train_acc_list`` and ``test_acc_list`` hold the history. The optimizer is looked up
    by name in any case (:func:`~nnlib.optimizers.optimizer_by_name`; with no
    ``optimizer_param``, the book's ``{'lr': 0.01}``, so the default is the book's SGD with
    lr 0.01); an optimizer object works too. ``evaluate_sample_num_per_epoch`` measures the
    accuracies on that many first samples only. ``verbose=True`` prints one line per epoch
    with the accuracies and the final test accuracy, as the book does (not its line per
    iteration); nnlib's default is quiet (``progress`` shows a bar instead), unlike the
    book's ``verbose=True``. Two differences from the book's numbers, both by design: the
    mini-batches come from ``seed`` (not ``np.random.choice``), and each recorded loss is
    the one of the step's own forward pass, before its update (the book's trainer runs
    one more forward after the update); the accuracy lists start with the untrained
    network and end with the trained one (``epochs + 1`` values).
    """

    def __init__(
        self,
        network: Network,
        x_train: ArrayLike,
        t_train: ArrayLike,
        x_test: ArrayLike | None = None,
        t_test: ArrayLike | None = None,
        epochs: int = 20,
        mini_batch_size: int = 100,
        optimizer: Optimizer | str = "SGD",
        optimizer_param: dict[str, float] | None = None,
        evaluate_sample_num_per_epoch: int | None = None,
        verbose: bool = False,
        *,
        batch_size: int | None = None,
        seed: int | None = 0,
        progress: bool | Callable[..., Any] = True,
        callback: Callable[[History], Any] | None = None,
        blas_threads: int | None = 1,
    ) -> None:
        self.network = network
        self.optimizer = _optimizer(optimizer, optimizer_param)
        self.epochs = check_count(epochs, "epochs", minimum=1)
        self.batch_size = check_count(mini_batch_size if batch_size is None else batch_size,
                                      "batch_size", minimum=1)
        self.evaluate_sample_num_per_epoch = (
            None if evaluate_sample_num_per_epoch is None
            else check_count(evaluate_sample_num_per_epoch, "evaluate_sample_num_per_epoch",
                             minimum=1))
        self.verbose = bool(verbose)
        dtype = next(iter(network.params.values())).dtype
        self.x_train, self.t_train = _dataset(x_train, t_train, dtype, "train")
        if (x_test is None) != (t_test is None):
            raise ValueError("give both x_test and t_test, or neither")
        self.x_test: NDArray | None
        self.t_test: NDArray | None
        self.x_test, self.t_test = (
            (None, None) if x_test is None or t_test is None
            else _dataset(x_test, t_test, dtype, "test")
        )
        self.seed = check_seed(seed)
        self.progress = progress
        self.callback = callback
        self.blas_threads = blas_threads
        self.history = History()

    @property
    def train_loss_list(self) -> list[float]:
        """The book's name for ``history.loss``: the mini-batch loss of every iteration."""
        return self.history.loss

    @property
    def train_acc_list(self) -> list[float]:
        """The book's name for ``history.train_acc``: the training accuracy of every epoch."""
        return self.history.train_acc

    @property
    def test_acc_list(self) -> list[float]:
        """The book's name for ``history.test_acc``: the test accuracy of every epoch."""
        return self.history.test_acc

    @property
    def iterations_per_epoch(self) -> int:
        return max(len(self.x_train) // self.batch_size, 1)

    def _evaluate(self) -> None:
        history, network, n = self.history, self.network, self.evaluate_sample_num_per_epoch
        with np.errstate(all="ignore"):  # a diverged net's NaN scores simply count as wrong
            history.train_acc.append(network.accuracy(self.x_train[:n], self.t_train[:n]))
            if self.x_test is not None and self.t_test is not None:
                history.test_acc.append(network.accuracy(self.x_test[:n], self.t_test[:n]))
        if self.verbose:
            test = (_(", test acc:{acc:.4g}").format(acc=history.test_acc[-1])
                    if history.test_acc else "")
            print(_("=== epoch:{epoch}, train acc:{acc:.4g}{test} ===").format(
                epoch=len(history.train_acc) - 1, acc=history.train_acc[-1], test=test))
        if self.callback is not None:
            self.callback(history)

    def _progress_bar(self, total: int) -> Any:
        if callable(self.progress):
            return self.progress(total=total, desc=_("training"))
        from tqdm.auto import tqdm  # imported here: only a visible bar needs it

        if IN_BROWSER:  # Pyodide has no threads: tqdm's monitor thread would fail to start
            tqdm.monitor_interval = 0
        return tqdm(total=total, desc=_("training"), disable=not self.progress)

    def train(self) -> History:
        """Run the loop and return the :class:`History` (also kept as ``self.history``)."""
        per_epoch = self.iterations_per_epoch
        self.history = history = History(iterations_per_epoch=per_epoch)
        start = time.perf_counter()
        with limit_blas_threads(self.blas_threads):
            self._loop(history, per_epoch)
        history.seconds = time.perf_counter() - start
        if self.verbose and self.x_test is not None and history.test_acc:
            print(_("=============== Final Test Accuracy ==============="))
            print(_("test acc:{acc:.4g}").format(acc=history.test_acc[-1]))
        if history.status == "running":
            history.status = "finished"
            history.message = _(
                "finished {epochs} epochs ({iterations} iterations) with {optimizer!r}"
            ).format(epochs=self.epochs, iterations=len(history.loss), optimizer=self.optimizer)
        return history

    def _loop(self, history: History, per_epoch: int) -> None:
        rng = np.random.default_rng(self.seed)
        self._evaluate()
        bar = self._progress_bar(total=self.epochs * per_epoch)
        chunk = max(per_epoch // 20, 1)  # the bar moves in about 20 steps per epoch

        def after_step(i: int) -> None:
            if (i + 1) % chunk == 0 or i + 1 == per_epoch:
                bar.update((i + 1) % chunk or chunk)

        try:
            for epoch in range(1, self.epochs + 1):
                if not train_epoch(self.network, self.optimizer, self.x_train, self.t_train,
                                   batch_size=self.batch_size, iterations=per_epoch, rng=rng,
                                   losses=history.loss, after_step=after_step):
                    ending = how_run_ended(history.loss)
                    history.status = ending.name
                    history.message = _(
                        "{ending}: {reason} (epoch {epoch}) with {optimizer!r}; stopped there. "
                        "Try a smaller learning rate or a smaller weight_init_std."
                    ).format(ending=ending_word(ending.name), reason=ending.reason, epoch=epoch,
                             optimizer=self.optimizer)
                    break
                self._evaluate()
        finally:
            bar.close()


def _optimizer(optimizer: Optimizer | str,
               optimizer_param: dict[str, float] | None) -> Optimizer:
    """The trainer's optimizer: an object as it is, or a name (any case) built with
    ``optimizer_param`` (the book's ``{'lr': 0.01}`` when None)."""
    if isinstance(optimizer, str):
        if optimizer_param is not None and not isinstance(optimizer_param, dict):
            raise TypeError(_("optimizer_param must be a dict of the optimizer's arguments, "
                              "e.g. {{'lr': 0.01}}, got {kind}").format(
                                  kind=type(optimizer_param).__name__))
        return optimizer_by_name(optimizer, **(optimizer_param if optimizer_param is not None
                                               else {"lr": 0.01}))
    if optimizer_param is not None:
        raise ValueError(_("optimizer_param goes with an optimizer given by name "
                           "(optimizer='SGD'); an optimizer object already has its own"))
    if not callable(getattr(optimizer, "update", None)):
        raise TypeError(_("optimizer must be an optimizer's name (e.g. 'SGD') or an object "
                          "with update(params, grads), got {kind}").format(
                              kind=type(optimizer).__name__))
    return optimizer


def _dataset(x: ArrayLike, t: ArrayLike, dtype: np.dtype, name: str) -> tuple[NDArray, NDArray]:
    """Check a data set once, before the loop, and convert x to the network's dtype: NaN,
    inf or values too large for that dtype are said here, not called divergence later."""
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
    return np.ascontiguousarray(data_array(x, dtype, f"x_{name}")), t
