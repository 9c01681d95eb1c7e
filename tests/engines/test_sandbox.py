"""The sandbox: what an attempt changes is put back, its time is CPU time, its inputs are copies."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest

import nnlib.functions
import nnlib.layers
from nnlib.engines.sandbox import Budget, GlobalState, TimeUp, fresh, run_guarded, same, snapshot


def _run(func, *args, limit=1.0):
    return run_guarded(func, args, Budget(limit), GlobalState())


def test_numpy_state_and_streams_are_put_back():
    before = np.geterr(), np.get_printoptions()["precision"], np.random.get_state()[1][:3].copy()  # noqa: NPY002

    def careless():
        np.seterr(all="raise")
        np.set_printoptions(precision=1)
        np.random.seed(5)  # noqa: NPY002 - what a reader may do
        sys.stdout = None
        print("lost")
        return 1

    assert _run(careless)[0] == 1
    assert np.geterr() == before[0] and np.get_printoptions()["precision"] == before[1]
    np.testing.assert_array_equal(np.random.get_state()[1][:3], before[2])  # noqa: NPY002
    assert sys.stdout is not None


def test_a_replaced_core_function_its_code_and_a_class_method_are_put_back():
    softmax, code = nnlib.functions.softmax, nnlib.functions.softmax.__code__
    backward = nnlib.layers.Relu.backward

    def mischief():
        nnlib.functions.softmax = lambda a: a
        softmax.__code__ = (lambda a: a).__code__
        nnlib.layers.Relu.backward = lambda self, dout: dout
        nnlib.layers.Relu.extra = 1
        np.allclose = lambda *a, **k: True

    _run(mischief)
    assert nnlib.functions.softmax is softmax and softmax.__code__ is code
    assert nnlib.layers.Relu.backward is backward and not hasattr(nnlib.layers.Relu, "extra")
    assert not np.allclose(1.0, 2.0)
    np.testing.assert_allclose(softmax(np.array([0.0, 0.0])), [0.5, 0.5])


def test_the_budget_counts_cpu_time_not_waiting():
    budget = Budget(0.05)
    run_guarded(lambda: time.sleep(0.1), (), budget, GlobalState())  # waits: no CPU
    assert budget.cpu_used < 0.05 and budget.wall_used >= 0.1 and not budget.exceeded
    assert budget.wall_limit == pytest.approx(0.3)


def test_an_endless_loop_is_stopped():
    def endless():
        while True:
            pass

    start = time.perf_counter()
    with pytest.raises(TimeUp):
        _run(endless, limit=0.1)
    assert time.perf_counter() - start < 5


def test_the_readers_exception_comes_through_as_it_is():
    with pytest.raises(SystemExit):
        _run(sys.exit, 3)


def test_case_data_is_copied_and_compared():
    x = {"W": np.array([1.0, np.nan])}
    copy = fresh(x)
    copy["W"][0] = 5.0
    assert x["W"][0] == 1.0
    old = snapshot(x)
    assert same(old, x)
    x["W"][0] = 2.0
    assert not same(old, x)


def test_in_a_fresh_interpreter_numpys_lazy_attributes_survive_a_check():
    """numpy adds lazily imported submodules as module attributes during the first call that
    needs them; putting numpy back must not remove them (a later np.median recursed)."""
    import subprocess

    code = (
        "from nnlib.chapters.ch07_training_mnist.exercises import check_sgd_update\n"
        "def sgd(params, grads, lr=0.1):\n"
        "    for key in grads:\n"
        "        params[key] -= lr * grads[key]\n"
        "result = check_sgd_update.result(sgd)\n"
        "assert result.passed, result\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
