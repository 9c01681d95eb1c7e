"""nnlib.train: SGD in place, the trainer on a real MNIST subset, divergence, diagnosis."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from nnlib.datasets import load_mnist
from nnlib.network import TwoLayerNet
from nnlib.optimizers import SGD
from nnlib.train import (
    History,
    StepRecord,
    Trainer,
    diagnose,
    how_run_ended,
    limit_blas_threads,
    train_epoch,
    train_step,
)


@pytest.fixture(scope="module")
def mnist_subset():
    (x, t), (x_test, t_test) = load_mnist()
    return x[:3000], t[:3000], x_test[:1000], t_test[:1000]


def run(data, *, lr=0.1, weight_init_std=0.01, hidden=50, epochs=2, dtype=np.float64, **kwargs):
    net = TwoLayerNet(784, hidden, 10, weight_init_std=weight_init_std, seed=0, dtype=dtype)
    trainer = Trainer(net, *data, optimizer=SGD(lr), epochs=epochs, progress=False, **kwargs)
    return trainer.train()


def test_sgd_updates_in_place_by_the_formula():
    W = np.array([[1.0, 2.0], [3.0, 4.0]])
    params, grads = {"W": W}, {"W": np.array([[10.0, 0.0], [-10.0, 5.0]])}
    SGD(lr=0.1).update(params, grads)
    assert params["W"] is W
    np.testing.assert_allclose(W, [[0.0, 2.0], [4.0, 3.5]])
    np.testing.assert_array_equal(grads["W"], [[10.0, 0.0], [-10.0, 5.0]])  # untouched


@pytest.mark.parametrize(("lr", "error"), [(0.0, ValueError), (-1, ValueError),
                                            (float("nan"), ValueError), ("0.1", TypeError)])
def test_sgd_rejects_bad_learning_rates(lr, error):
    with pytest.raises(error, match="lr"):
        SGD(lr)


def test_sgd_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="shape"):
        SGD(0.1).update({"W": np.zeros((2, 2))}, {"W": np.zeros(2)})


def test_training_on_mnist_lowers_the_loss_and_raises_accuracy(mnist_subset):
    history = run(mnist_subset, epochs=3)
    per_epoch = 3000 // 100
    assert history.status == "finished" and history.iterations_per_epoch == per_epoch
    assert len(history.loss) == 3 * per_epoch and len(history.test_acc) == 4
    first, last = np.mean(history.loss[:10]), np.mean(history.loss[-10:])
    assert first == pytest.approx(math.log(10), abs=0.01)  # untrained: uniform over 10 digits
    assert last < first - 0.7
    assert history.test_acc[-1] > history.test_acc[0] + 0.4
    assert history.train_acc[-1] > 0.6
    assert diagnose(history) == "learned"


def test_runs_are_reproducible_and_seed_matters(mnist_subset):
    a, b = run(mnist_subset, epochs=1, seed=5), run(mnist_subset, epochs=1, seed=5)
    assert a.loss == b.loss
    assert run(mnist_subset, epochs=1, seed=6).loss != a.loss


def test_non_finite_loss_stops_with_a_message(mnist_subset):
    # A learning rate of 1e38 pushes float32 weights past the largest float32 in one step.
    history = run(mnist_subset, lr=1e38, epochs=2, dtype=np.float32)
    assert history.status == "diverged" and history.diverged
    assert not math.isfinite(history.loss[-1])
    assert len(history.loss) < 2 * 30
    assert "diverged" in history.message and "smaller learning rate" in history.message
    assert diagnose(history) == "diverged"


def test_diagnose_overshoot_and_stall(mnist_subset):
    assert diagnose(run(mnist_subset, lr=10.0, epochs=1)) == "diverged"
    assert diagnose(run(mnist_subset, weight_init_std=1e-4, epochs=1)) == "did not move"
    assert diagnose(run(mnist_subset, lr=1e-4, epochs=1)) == "did not move"


def test_diagnose_rules_on_hand_made_histories():
    assert diagnose(History(loss=[2.3, 1.0], train_acc=[0.1, 0.5])) == "learned"
    assert diagnose(History(loss=[2.3, 2.3], train_acc=[0.1, 0.11])) == "did not move"
    assert diagnose(History(loss=[2.3, 5.0, 2.2], train_acc=[0.1, 0.3])) == "diverged"
    assert diagnose(History(loss=[14.0, 20.0, 4.0], train_acc=[0.1, 0.3])) == "learned"
    assert diagnose(History(loss=[2.3, math.nan], status="diverged")) == "diverged"


def test_callback_sees_each_epoch(mnist_subset):
    seen = []
    run(mnist_subset, epochs=2, callback=lambda h: seen.append((len(h.train_acc), len(h.loss))))
    assert seen == [(1, 0), (2, 30), (3, 60)]


def test_progress_bar_can_be_turned_off(mnist_subset, capsys):
    run(mnist_subset, epochs=1)
    assert capsys.readouterr().err == ""
    net = TwoLayerNet(784, 5, 10, seed=0)
    Trainer(net, *mnist_subset, epochs=1, progress=True).train()
    assert "30/30" in capsys.readouterr().err


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_trainer_without_test_set_casts_data_to_the_nets_dtype(mnist_subset, dtype):
    x, t = mnist_subset[:2]  # load_mnist's images are float32
    net = TwoLayerNet(784, 10, 10, seed=0, dtype=dtype)
    trainer = Trainer(net, x[:500], t[:500], epochs=1, batch_size=50, progress=False)
    assert trainer.x_train.dtype == dtype and x.dtype == np.float32
    history = trainer.train()
    assert history.test_acc == [] and len(history.train_acc) == 2 and len(history.loss) == 10
    assert all(p.dtype == dtype for p in net.params.values())


def test_trainer_rejects_bad_data():
    net = TwoLayerNet(4, 3, 2, seed=0)
    x, t = np.ones((5, 4)), np.zeros(5, dtype=int)
    with pytest.raises(ValueError, match="5 samples but t_train has 4"):
        Trainer(net, x, t[:4])
    with pytest.raises(TypeError, match="t_train"):
        Trainer(net, x, np.array(["a"] * 5))
    with pytest.raises(ValueError, match="both"):
        Trainer(net, x, t, x_test=x)
    with pytest.raises(ValueError, match="epochs"):
        Trainer(net, x, t, epochs=0)
    with pytest.raises(ValueError, match="0..1"):
        Trainer(net, x, np.full(5, 7), progress=False).train()


def test_limit_blas_threads_caps_and_restores():
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads():
        info = threadpoolctl.threadpool_info()
        return [pool["num_threads"] for pool in info if pool["user_api"] == "blas"]

    before = blas_threads()
    with limit_blas_threads(1):
        assert all(n == 1 for n in blas_threads())
    assert blas_threads() == before
    with limit_blas_threads(None):
        assert blas_threads() == before


# --- the one loop, the one classifier, the data check ------------------------------------------


def test_train_epoch_draws_with_replacement_and_steps_by_sgd():
    """The loop against the four steps written out: sample, gradient, update, repeat."""
    rng_data = np.random.default_rng(0)
    x, t = rng_data.standard_normal((50, 4)), rng_data.integers(0, 3, 50)
    net, copy = TwoLayerNet(4, 5, 3, seed=1), TwoLayerNet(4, 5, 3, seed=1)
    losses = []
    assert train_epoch(net, SGD(0.5), x, t, batch_size=8, iterations=6,
                       rng=np.random.default_rng(3), losses=losses)
    rng, expected = np.random.default_rng(3), []
    for _ in range(6):
        index = rng.integers(0, 50, 8)
        grads = copy.gradient(x[index], t[index])
        expected.append(copy.last_loss)
        for name in grads:
            copy.params[name] -= 0.5 * grads[name]
    assert losses == expected
    for name in net.params:
        np.testing.assert_array_equal(net.params[name], copy.params[name])


def test_train_step_records_the_step_and_skips_a_non_finite_update():
    net = TwoLayerNet(2, 3, 2, seed=0)
    x, t = np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([0, 1])
    record = StepRecord()
    before = {k: v.copy() for k, v in net.params.items()}
    loss = train_step(net, SGD(0.1), x, t, record)
    assert loss == record.loss and [r.name for r in record.layers] == list(net.layers)
    for name in net.params:
        np.testing.assert_array_equal(record.params_before[name], before[name])
        np.testing.assert_allclose(net.params[name], before[name] - 0.1 * record.grads[name])
    net.params["W1"][:], net.params["W2"][:] = 1e3, 1e308  # scores overflow: a NaN loss
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert not math.isfinite(train_step(net, SGD(0.1), x, t))
    assert np.all(net.params["W2"] == 1e308)
    assert caught and all("overflowed" in str(w.message) for w in caught)


def test_how_run_ended_rules():
    assert how_run_ended([2.0, math.inf]).reason == "the loss became inf at iteration 2"
    assert how_run_ended([1.0, 1.0 + 1e-9], exact=True).name == "did not move"  # rounding
    assert how_run_ended([1.0, 1.1], exact=True).name == "diverged"
    assert how_run_ended([1.0, 0.5], exact=True).name == "learned"
    assert how_run_ended([2.3, 5.0, 2.2]).name == "diverged"  # overshot, ends near the start
    assert how_run_ended([2.3, 1.0], [0.1, 0.11]).name == "did not move"
    assert how_run_ended([]).name == "did not move"


def test_trainer_says_the_data_overflow_float32_instead_of_diverged():
    net = TwoLayerNet(3, 4, 2, seed=0, dtype=np.float32)
    with pytest.raises(ValueError, match="x_train is finite, but some values are too large "
                                         "for float32"):
        Trainer(net, np.full((10, 3), 1e308), np.zeros(10, int), progress=False)


def test_a_diverging_run_warns_nothing_and_says_it_in_the_history(mnist_subset):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = run(mnist_subset, lr=1e38, epochs=1, dtype=np.float32)
    assert history.diverged and "the loss became" in history.message


# --- the book's Trainer call (common/trainer.py, §6.4) -------------------------------------------

def test_the_books_trainer_call_works_as_printed(mnist_subset, capsys):
    from nnlib.network import MultiLayerNetExtend
    from nnlib.optimizers import Adam

    x_train, t_train, x_test, t_test = (a[:300] for a in mnist_subset)
    network = MultiLayerNetExtend(784, [20, 20], 10, weight_decay_lambda=0.1, seed=0)
    trainer = Trainer(network, x_train, t_train, x_test, t_test, epochs=3, mini_batch_size=100,
                      optimizer='Adam', optimizer_param={'lr': 0.001},
                      evaluate_sample_num_per_epoch=50, verbose=True)
    trainer.train()
    assert isinstance(trainer.optimizer, Adam) and trainer.optimizer.lr == 0.001
    assert trainer.batch_size == 100 and len(trainer.train_loss_list) == 9  # 3 epochs of 300/100
    assert len(trainer.train_acc_list) == len(trainer.test_acc_list) == 4
    # accuracies on the first 50 samples: multiples of 1/50
    accuracies = trainer.train_acc_list + trainer.test_acc_list
    assert all(round(a * 50, 9).is_integer() for a in accuracies)
    assert trainer.test_acc_list[-1] == network.accuracy(x_test[:50], t_test[:50])
    printed = capsys.readouterr().out
    assert printed.count("=== epoch:") == 4 and "Final Test Accuracy" in printed
    # the book's defaults: SGD with lr 0.01, 20 epochs, batches of 100, any case of the name
    default = Trainer(network, x_train, t_train, x_test, t_test)
    assert repr(default.optimizer) == "SGD(lr=0.01)"
    assert (default.epochs, default.batch_size) == (20, 100)
    assert repr(Trainer(network, x_train, t_train, optimizer="sgd").optimizer) == "SGD(lr=0.01)"


def test_the_books_trainer_arguments_are_checked(mnist_subset):
    net = TwoLayerNet(784, 5, 10, seed=0)
    x, t = mnist_subset[0][:10], mnist_subset[1][:10]
    with pytest.raises(ValueError, match="must be one of"):
        Trainer(net, x, t, optimizer="adamw")
    with pytest.raises(TypeError, match="optimizer_param"):
        Trainer(net, x, t, optimizer="sgd", optimizer_param=[0.1])
    with pytest.raises(ValueError, match="optimizer_param goes with"):
        Trainer(net, x, t, optimizer=SGD(0.1), optimizer_param={"lr": 0.1})
    with pytest.raises(TypeError, match="update"):
        Trainer(net, x, t, optimizer=42)
    with pytest.raises(ValueError, match="evaluate_sample_num_per_epoch"):
        Trainer(net, x, t, evaluate_sample_num_per_epoch=0)
