"""nnlib._platform: the RuntimeWarnings worked out from values read as numpy's own.

Natively numpy sees floating-point errors itself, so the emulation used in Pyodide is
checked here against numpy: with numpy's own warnings silenced and the emulation switched
on, every case must produce exactly the warnings numpy produces for it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nnlib import _platform
from nnlib.functions import softmax_naive

CASES = [
    (np.exp, (np.array([1.0, 1000.0]),)),
    (np.exp, (np.array([88.73, 1.0], dtype=np.float32),)),
    (np.exp, (np.array([-1000.0, 0.0]),)),
    (np.divide, (np.array([1.0, 0.0, np.inf]), np.array([0.0, 0.0, np.inf]))),
    (np.divide, (np.array([np.inf, 1.0]), np.array([np.inf, 2.0]))),
    (np.log, (np.array([0.0, -1.0, 2.0]),)),
    (np.multiply, (np.array([1e300]), np.array([1e300]))),
    (np.subtract, (np.array([np.inf]), np.array([np.inf]))),
    (np.add, (np.array([1.0]), np.array([2.0]))),
]


def caught(call) -> list[str]:
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        call()
    return [f"{r.category.__name__}: {r.message}" for r in records]


@pytest.mark.parametrize(("ufunc", "inputs"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_emulated_warnings_read_as_numpys(monkeypatch, ufunc, inputs):
    assert _platform.NUMPY_SEES_FP_ERRORS  # natively numpy sees them: the reference
    expected = caught(lambda: ufunc(*inputs))
    with np.errstate(all="ignore"):
        result = ufunc(*inputs)
    monkeypatch.setattr(_platform, "NUMPY_SEES_FP_ERRORS", False)
    assert caught(lambda: _platform.warn_as_numpy_would(ufunc, inputs, result)) == expected


def test_emulation_follows_errstate(monkeypatch):
    monkeypatch.setattr(_platform, "NUMPY_SEES_FP_ERRORS", False)
    inputs = (np.array([1000.0]),)
    with np.errstate(all="ignore"):
        result = np.exp(*inputs)
        assert caught(lambda: _platform.warn_as_numpy_would(np.exp, inputs, result)) == []
    with np.errstate(over="raise"), pytest.raises(FloatingPointError, match="overflow"):
        _platform.warn_as_numpy_would(np.exp, inputs, result)


def test_naive_softmax_warns_the_same_without_fp_flags(monkeypatch):
    a = np.array([1010.0, 1000.0, 990.0])
    native = caught(lambda: softmax_naive(a))
    assert native == ["RuntimeWarning: overflow encountered in exp",
                      "RuntimeWarning: invalid value encountered in divide"]

    def quiet_numpy_then_emulate():
        with np.errstate(all="ignore"):
            exp_a = np.exp(a)
            total = np.sum(exp_a)
            y = exp_a / total
        _platform.warn_as_numpy_would(np.exp, (a,), exp_a)
        _platform.warn_as_numpy_would(np.divide, (exp_a, total), y)

    monkeypatch.setattr(_platform, "NUMPY_SEES_FP_ERRORS", False)
    assert caught(quiet_numpy_then_emulate) == native
