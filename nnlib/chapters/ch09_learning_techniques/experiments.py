"""Chapter 09's MNIST experiments, the book's ch06 scripts at a size the notebook can run.

Each function is one of the book's experiments (named in its docstring) with its sizes as
arguments: the defaults are the chapter's scaled versions, and the book's full sizes are
given in each docstring. Every run draws its weights, mini-batches and dropout masks from
seeds, so a rerun gives the same numbers. Training goes through the core (the network
family of :mod:`nnlib.network`, the optimizers of :mod:`nnlib.optimizers`, the one loop
:func:`nnlib.train.train_epoch`), with numpy's BLAS on one thread (the matrices are small).
"""

from __future__ import annotations

import contextlib
import functools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from nnlib._checks import OverflowWarning, check_count, check_non_negative, check_seed
from nnlib.datasets import load_mnist
from nnlib.network import MultiLayerNetExtend
from nnlib.optimizers import SGD, Optimizer, optimizer_by_name
from nnlib.train import limit_blas_threads, train_epoch

__all__ = ["mnist_arrays", "compare_optimizers", "compare_init_scales", "batchnorm_runs",
           "overfit_run", "random_search", "regularization_grid", "Run", "Trial",
           "BOOK_OPTIMIZER_LRS", "BN_SCALES"]

#: The book's optimizer_compare_mnist.py: each optimizer with its default learning rate.
BOOK_OPTIMIZER_LRS = {"SGD": 0.01, "Momentum": 0.01, "AdaGrad": 0.01, "Adam": 0.001}
#: The book's batch_norm_test.py: 16 weight scales from 1 down to 1e-4, evenly on a log scale.
BN_SCALES = tuple(float(s) for s in np.logspace(0, -4, num=16))


@contextlib.contextmanager
def _quiet():
    """One BLAS thread, and no overflow warnings: a run that diverges shows it in its loss."""
    with limit_blas_threads(1), np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", OverflowWarning)
        yield


@functools.lru_cache(maxsize=1)
def _mnist() -> tuple[NDArray, NDArray, NDArray, NDArray]:
    (x, t), (x_test, t_test) = load_mnist(normalize=True)
    return x.astype(np.float64), t, x_test.astype(np.float64), t_test


def mnist_arrays(train_size: int, test_size: int = 1000
                 ) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """The first ``train_size`` training and ``test_size`` test digits of MNIST, normalized,
    as float64 rows (the book's ``load_mnist(normalize=True)``, cut as its scripts cut it)."""
    train_size = check_count(train_size, "train_size", minimum=1, maximum=60000)
    test_size = check_count(test_size, "test_size", minimum=1, maximum=10000)
    x, t, x_test, t_test = _mnist()
    return x[:train_size], t[:train_size], x_test[:test_size], t_test[:test_size]


@dataclass
class Run:
    """One training run: its mini-batch ``loss`` at every iteration and, at the ``epochs``
    listed (0 is before training), ``train_acc`` and ``test_acc``."""

    loss: list[float] = field(default_factory=list)
    epochs: list[int] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)


def compare_optimizers(iterations: int = 200, train_size: int = 60000, batch_size: int = 128,
                       lrs: dict[str, float] | None = None, seed: int = 0) -> dict[str, Run]:
    """The book's ``optimizer_compare_mnist.py``: a 5-layer, 100-unit ReLU network (He's
    initial weights) per optimizer, each fed the same mini-batches of ``batch_size``, its
    loss recorded at every iteration. The book runs 2,000 iterations on all 60,000 images."""
    iterations = check_count(iterations, "iterations", minimum=1)
    x, t, _, _ = mnist_arrays(train_size, 1)
    lrs = dict(BOOK_OPTIMIZER_LRS if lrs is None else lrs)
    nets = {name: MultiLayerNetExtend(784, [100] * 4, 10, seed=check_seed(seed)) for name in lrs}
    optimizers = {name: optimizer_by_name(name, lr=lr) for name, lr in lrs.items()}
    runs = {name: Run() for name in lrs}
    with _quiet():  # the same seed: every network sees the same mini-batches, in order
        for name in lrs:
            train_epoch(nets[name], optimizers[name], x, t, batch_size=batch_size,
                        iterations=iterations, rng=np.random.default_rng(seed),
                        losses=runs[name].loss)
    return runs


def compare_init_scales(iterations: int = 200, train_size: int = 60000, batch_size: int = 128,
                        seed: int = 0) -> dict[str, Run]:
    """The book's ``weight_init_compare.py``: the same 5-layer, 100-unit ReLU network with
    weights of std 0.01, Xavier's and He's, trained by SGD (lr 0.01) on the same
    mini-batches. The book runs 2,000 iterations on all 60,000 images."""
    iterations = check_count(iterations, "iterations", minimum=1)
    x, t, _, _ = mnist_arrays(train_size, 1)
    scales: dict[str, float | str] = {"std=0.01": 0.01, "Xavier": "sigmoid", "He": "relu"}
    nets = {name: MultiLayerNetExtend(784, [100] * 4, 10, weight_init_std=scale, seed=seed)
            for name, scale in scales.items()}
    optimizers = {name: SGD(lr=0.01) for name in scales}
    runs = {name: Run() for name in scales}
    with _quiet():  # the same seed: every network sees the same mini-batches, in order
        for name in scales:
            train_epoch(nets[name], optimizers[name], x, t, batch_size=batch_size,
                        iterations=iterations, rng=np.random.default_rng(seed),
                        losses=runs[name].loss)
    return runs


def _train(net: MultiLayerNetExtend, optimizer: Optimizer, data: tuple[NDArray, ...], epochs: int,
           batch_size: int, seed: int, every: int = 1) -> Run:
    """Mini-batch training through the core's epoch loop for ``epochs`` epochs of
    ``len(x) // batch_size`` iterations (at least 1), the accuracies measured before training
    and after every ``every`` epochs."""
    x, t, x_test, t_test = data
    run, rng = Run(), np.random.default_rng(seed)
    per_epoch = max(len(x) // batch_size, 1)

    def evaluate(epoch: int) -> None:
        run.epochs.append(epoch)
        run.train_acc.append(net.accuracy(x, t))
        run.test_acc.append(net.accuracy(x_test, t_test))

    with _quiet():
        evaluate(0)
        for epoch in range(1, epochs + 1):
            if not train_epoch(net, optimizer, x, t, batch_size=batch_size,
                               iterations=per_epoch, rng=rng, losses=run.loss):
                break  # diverged: the loss list shows where
            if epoch % every == 0 or epoch == epochs:
                evaluate(epoch)
    return run


def batchnorm_runs(scales: Sequence[float] = BN_SCALES, epochs: int = 6, train_size: int = 500,
                   lr: float = 0.01, seed: int = 0) -> list[tuple[float, Run, Run]]:
    """The book's ``batch_norm_test.py``: for each weight scale, a 5-layer, 100-unit ReLU
    network trained by SGD (lr 0.01, batches of 100) on ``train_size`` images with and
    without Batch Normalization, the same weights and mini-batches for both; each pair is
    (scale, with, without), the test accuracy measured on the training images as the book
    does. The book trains 20 epochs on 1,000 images for its 16 scales."""
    epochs = check_count(epochs, "epochs", minimum=1)
    x, t, _, _ = mnist_arrays(train_size, 1)
    pairs = []
    for scale in scales:
        scale = check_non_negative(scale, "scale")
        with_bn, without = (MultiLayerNetExtend(784, [100] * 5, 10, weight_init_std=scale,
                                                use_batchnorm=bn, seed=seed)
                            for bn in (True, False))
        pairs.append((scale,
                      _train(with_bn, SGD(lr), (x, t, x, t), epochs, 100, seed),
                      _train(without, SGD(lr), (x, t, x, t), epochs, 100, seed)))
    return pairs


def overfit_run(weight_decay_lambda: float = 0.0, dropout_ratio: float = 0.0, epochs: int = 60,
                train_size: int = 300, test_size: int = 500, lr: float = 0.1, seed: int = 0,
                every: int = 2) -> Run:
    """The book's ``overfit_weight_decay.py`` and ``overfit_dropout.py``: a 6-layer, 100-unit
    ReLU network (He's weights) trained by SGD on 300 images, with weight decay λ and/or
    Dropout (ratio > 0), train and test accuracy every ``every`` epochs. The book runs 201
    epochs with λ = 0.1 and 301 epochs with dropout 0.2, lr 0.01, tested on all 10,000
    test images; the default lr 0.1 lets a run of 60 epochs get far enough to overfit."""
    epochs = check_count(epochs, "epochs", minimum=1)
    weight_decay_lambda = check_non_negative(weight_decay_lambda, "weight_decay_lambda")
    net = MultiLayerNetExtend(784, [100] * 6, 10, weight_decay_lambda=weight_decay_lambda,
                              use_dropout=dropout_ratio > 0, dropout_ration=dropout_ratio,
                              seed=seed)
    return _train(net, SGD(lr), mnist_arrays(train_size, test_size), epochs, 100, seed, every)


def regularization_grid(ratios: Sequence[float] = (0.0, 0.15, 0.3),
                        lambdas: Sequence[float] = (0.0, 0.03, 0.1), epochs: int = 40,
                        train_size: int = 300, test_size: int = 500, seed: int = 0,
                        every: int = 5) -> dict[tuple[float, float], Run]:
    """:func:`overfit_run` for every dropout ratio x weight decay λ pair: computed once, so
    that the regularization explorer only looks the runs up."""
    return {(float(r), float(lam)): overfit_run(lam, r, epochs, train_size, test_size,
                                                seed=seed, every=every)
            for r in ratios for lam in lambdas}


@dataclass
class Trial:
    """One trial of the random search: its learning rate, λ, and validation accuracies."""

    lr: float
    weight_decay: float
    val_acc: list[float]
    train_acc: list[float]

    @property
    def best(self) -> float:
        return self.val_acc[-1]


def random_search(trials: int = 8, epochs: int = 30, train_size: int = 500,
                  validation_rate: float = 0.2, seed: int = 0) -> list[Trial]:
    """The book's ``hyperparameter_optimization.py``: 検証データ validation data, the last
    ``validation_rate`` of ``train_size`` shuffled training images, then ``trials`` draws of
    lr = 10^U(-6, -2) and λ = 10^U(-8, -4), each training a 6-layer, 100-unit ReLU network by
    SGD (batches of 100) for ``epochs`` epochs and scored on the validation data (never on
    the test data). Sorted best first by the final validation accuracy. The book runs 100
    trials of 50 epochs."""
    trials = check_count(trials, "trials", minimum=1)
    x, t, _, _ = mnist_arrays(train_size, 1)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    x, t = x[order], t[order]
    n_val = int(len(x) * validation_rate)
    if not 0 < n_val < len(x):
        raise ValueError(f"validation_rate must leave both sets non-empty, got {validation_rate}")
    x_val, t_val, x_train, t_train = x[:n_val], t[:n_val], x[n_val:], t[n_val:]
    found = []
    for i in range(trials):
        weight_decay = 10 ** rng.uniform(-8, -4)
        lr = 10 ** rng.uniform(-6, -2)
        net = MultiLayerNetExtend(784, [100] * 6, 10, weight_decay_lambda=weight_decay,
                                  seed=seed + i)
        run = _train(net, SGD(lr), (x_train, t_train, x_val, t_val), epochs, 100, seed + i)
        found.append(Trial(float(lr), float(weight_decay), run.test_acc, run.train_acc))
    return sorted(found, key=lambda trial: -trial.best)
