"""Whatever a reader's attempt does, its check prints one calm, true line, and afterwards
numpy, nnlib and every check work as before (only KeyboardInterrupt gets through)."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_matrix import CALM, CHECKS, REFERENCES, attempt_for, run, time_limit
from hostile import HOSTILE, Hostile

import nnlib.engines.sandbox as engine

PAIRS = [(check, hostile) for check in CHECKS.names for hostile in HOSTILE]


@pytest.mark.parametrize(("check", "hostile"), PAIRS,
                         ids=[f"{c}-{h.name}" for c, h in PAIRS])
def test_a_hostile_attempt_gets_a_calm_true_verdict(check, hostile):
    with time_limit(0.1):
        kind, detail = run(check, hostile)
    assert kind == CALM, detail


@pytest.mark.parametrize("check", CHECKS.names)
def test_keyboard_interrupt_gets_through(check):
    def stop(right, *args):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        getattr(CHECKS, check).verdict(attempt_for(check, Hostile("stop", stop)))
    assert getattr(CHECKS, check).verdict(REFERENCES[check]).passed


class ExitsOnAnyAttribute:
    def __call__(self, *args):
        return np.zeros(3)

    def __getattr__(self, name):
        raise SystemExit(f"no {name}")


@pytest.mark.parametrize("check", CHECKS.names)
def test_an_attempt_whose_getattr_exits_is_calm(check):
    verdict = getattr(CHECKS, check).verdict(ExitsOnAnyAttribute())
    assert verdict.status == "failed"


def test_the_time_limit_says_what_it_was():
    def endless(x):
        while True:
            pass

    with time_limit(0.2):
        verdict = CHECKS.check_relu.verdict(endless)
    assert "your function took longer than 0.2 s for x = [-1, 1, 2]: an endless loop?" in (
        verdict.message)


def test_without_an_alarm_the_time_is_measured_after(monkeypatch):
    import time

    monkeypatch.delattr(engine.signal, "setitimer")  # as in Pyodide

    def slow(x):
        start = time.thread_time()
        while time.thread_time() - start < 0.3:  # computing, not waiting
            pass
        return np.maximum(x, 0)

    with time_limit(0.2):
        verdict = CHECKS.check_relu.verdict(slow)
    assert "took longer than 0.2 s" in verdict.message and "endless loop" in verdict.message


def test_the_budget_is_cpu_time_and_waiting_has_a_wider_one():
    import time

    def waits(x):
        time.sleep(0.05)  # over all cases more than 0.1 s, but waiting, not computing
        return np.maximum(x, 0)

    with time_limit(0.1):
        assert CHECKS.check_relu.verdict(waits).passed

    def sleeps(x):
        time.sleep(0.7)
        return np.maximum(x, 0)

    with time_limit(0.1):
        verdict = CHECKS.check_relu.verdict(sleeps)
    assert "took longer than 0.6 s" in verdict.message and "waiting" in verdict.message


def test_float16_says_so():
    verdict = CHECKS.check_sigmoid.verdict(lambda x: (1 / (1 + np.exp(-x))).astype(np.float16))
    assert verdict.status == "failed" and "float16" in verdict.message, verdict


def test_a_memory_error_keeps_its_size():
    def big(x):
        raise MemoryError("Unable to allocate 728. MiB for an array with shape (10000, 9540)")

    verdict = CHECKS.check_relu.verdict(big)
    assert "Unable to allocate 728. MiB for an array" in verdict.message


def test_the_engine_compares_with_numpy_as_imported():
    real, real_isclose = np.allclose, np.isclose
    try:
        np.allclose = lambda *a, **k: True  # patched in an earlier cell, not in the attempt
        np.isclose = lambda *a, **k: np.True_
        assert not CHECKS.check_relu.verdict(lambda x: np.zeros_like(x, dtype=float)).passed
    finally:
        np.allclose = real
        np.isclose = real_isclose
