"""Hostile attempts: what a reader's code can do to an exercise check, as a fixture list.

Each entry is a behaviour ``behave(right, *args)``: ``right`` is a correct solution (a
function, or a layer's bound ``backward``) and ``args`` what the check passed in. A
function check gets ``lambda *args: behave(right, *args)``; a layer check gets a subclass
of a correct layer whose ``backward`` behaves. ``expect`` says what the verdict must be:
``"calm"`` (any verdict, but one), ``"fail"`` (the answer is wrong: it must not pass), or
a phrase the failed verdict must contain.
"""

from __future__ import annotations

import copy
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Hostile:
    name: str
    behave: Callable[..., Any]
    expect: str = "calm"


def _arrays(args: tuple) -> list[np.ndarray]:
    found = []
    for a in args:
        if isinstance(a, np.ndarray):
            found.append(a)
        elif isinstance(a, dict):
            found.extend(v for v in a.values() if isinstance(v, np.ndarray))
    return found


def _on_copies(right, *args):
    """The right answer computed on copies: an in-place update (SGD) does not happen."""
    return right(*copy.deepcopy(args))


def _zeros_like_answer(right, *args):
    answer = _on_copies(right, *args)
    if isinstance(answer, tuple):
        return tuple(np.zeros_like(np.asarray(a, dtype=float)) for a in answer)
    if answer is None:  # an in-place update (SGD): do nothing instead
        return None
    return np.zeros_like(np.asarray(answer, dtype=float))


def edits_input_after(right, *args):
    answer = right(*args)
    for a in _arrays(args):
        if a.dtype.kind == "f" and a.flags.writeable:
            a *= 0.5  # dx = dout; dx *= self.y, or y += 1e-7
    return answer


def log_in_place(right, *args):
    for a in _arrays(args):
        if a.dtype.kind == "f" and a.flags.writeable:
            np.log(a + 1e-7, out=a)  # np.log(y + 1e-7, out=y)
            break
    return right(*args)


def seterr_raise(right, *args):
    np.seterr(all="raise")
    return right(*args)


def seeds_legacy(right, *args):
    np.random.seed(1234)  # noqa: NPY002 - what a reader may do
    np.random.rand(3)  # noqa: NPY002
    return right(*args)


def recursion_limit(right, *args):
    sys.setrecursionlimit(max(sys.getrecursionlimit() // 4, 200))
    return right(*args)


def patches_numpy_then_zeros(right, *args):
    np.allclose = lambda *a, **k: True
    np.isclose = lambda *a, **k: np.True_
    np.array_equal = lambda *a, **k: True
    return _zeros_like_answer(right, *args)


def patches_nnlib_then_zeros(right, *args):
    import nnlib.functions
    import nnlib.layers

    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "") or ""
        if name.startswith("nnlib.chapters") and name.endswith("exercises"):
            for attr in ("sigmoid", "relu", "step_function", "softmax", "sum_squared_error",
                         "cross_entropy_error"):
                if hasattr(module, attr):
                    setattr(module, attr, lambda *a, **k: 0.0)
    nnlib.functions.softmax = lambda a: np.zeros_like(a)
    nnlib.functions.sigmoid = lambda x: np.zeros_like(x)
    return _zeros_like_answer(right, *args)


_CORE_FUNCTIONS = ("sigmoid", "relu", "step_function", "softmax", "sum_squared_error",
                   "cross_entropy_error")


def _zeros(*args, **kwargs):
    return np.zeros_like(np.asarray(args[-1], dtype=float))


def rewrites_nnlib_code_then_zeros(right, *args):
    """Changes nnlib's functions and layer methods themselves (not the names that point at
    them), so every reference to them computes zeros; then answers zeros."""
    import nnlib.functions
    import nnlib.layers

    for name in _CORE_FUNCTIONS:
        function = getattr(nnlib.functions, name)
        function.__code__ = _zeros.__code__
        function.__defaults__ = None
    for cls in vars(nnlib.layers).values():
        if isinstance(cls, type) and hasattr(cls, "backward"):
            cls.backward = lambda self, dout=1, *a, **k: _zeros(dout)
            cls.forward = lambda self, *a, **k: _zeros(*a)
    return _zeros_like_answer(right, *args)


def deletes_numpy_names(right, *args):
    answer = right(*args)
    del np.exp
    np.pi = 3.0
    return answer


def printoptions(right, *args):
    np.set_printoptions(precision=1, threshold=2, edgeitems=1)
    return _zeros_like_answer(right, *args)


def endless_loop(right, *args):
    while True:
        pass


def sleeps(right, *args):
    time.sleep(0.7)  # longer than the wall budget of a 0.1 s check (6 x 0.1 s)
    return right(*args)


def swallows_the_alarm(right, *args):
    try:
        time.sleep(2.0)
    except BaseException:  # noqa: BLE001 - a reader's bare except
        pass
    return right(*args)


def raises(error: BaseException) -> Callable[..., Any]:
    def behave(right, *args):
        raise error

    behave.__name__ = f"raises_{type(error).__name__}"
    return behave


class BadStr(Exception):
    def __str__(self) -> str:
        raise SystemExit("from __str__")


class OddBase(BaseException):
    pass


class ExitsOnArray:
    def __array__(self, *args, **kwargs):
        raise SystemExit("from __array__")

    def __float__(self):
        raise SystemExit("from __float__")


def returns_exiting_object(right, *args):
    _on_copies(right, *args)
    return ExitsOnArray()


def returns_tuple_of_exiting(right, *args):
    _on_copies(right, *args)
    return (ExitsOnArray(), ExitsOnArray())


def second_call_not_implemented(right, *args, _calls=[0]):  # noqa: B006 - a call counter
    _calls[0] += 1
    if _calls[0] % 2 == 0:
        raise NotImplementedError("only the first case")
    return right(*args)


def own_user_warning(right, *args):
    warnings.warn("my own reminder", UserWarning, stacklevel=1)
    return right(*args)


def float16_answer(right, *args):
    answer = right(*args)
    if answer is None:
        return None
    if isinstance(answer, tuple):
        return tuple(np.asarray(a).astype(np.float16) for a in answer)
    return np.asarray(answer).astype(np.float16)


def prints_a_lot(right, *args):
    print("x" * 100_000)
    return right(*args)


def hijacks_stdout(right, *args):
    sys.stdout = None
    return right(*args)


def recurses(right, *args):
    return recurses(right, *args)


def warnings_as_errors(right, *args):
    warnings.simplefilter("error")
    return right(*args)


HOSTILE = [
    Hostile("edits its input after answering", edits_input_after, "calm"),
    Hostile("np.log(y + 1e-7, out=y)", log_in_place, "calm"),
    Hostile("np.seterr(all='raise')", seterr_raise),
    Hostile("np.random.seed", seeds_legacy),
    Hostile("sys.setrecursionlimit", recursion_limit),
    Hostile("patches np.allclose, answers zeros", patches_numpy_then_zeros, "fail"),
    Hostile("patches nnlib, answers zeros", patches_nnlib_then_zeros, "fail"),
    Hostile("rewrites nnlib's code, answers zeros", rewrites_nnlib_code_then_zeros, "fail"),
    Hostile("deletes np.exp", deletes_numpy_names),
    Hostile("np.set_printoptions, answers zeros", printoptions, "fail"),
    Hostile("an endless loop", endless_loop, "longer than"),
    Hostile("sleeps on every call", sleeps, "longer than"),
    Hostile("swallows the alarm", swallows_the_alarm, "longer than"),
    Hostile("GeneratorExit", raises(GeneratorExit()), "raised GeneratorExit"),
    Hostile("SystemExit", raises(SystemExit(3)), "raised SystemExit"),
    Hostile("a BaseException subclass", raises(OddBase("odd")), "raised OddBase"),
    Hostile("an exception whose __str__ raises", raises(BadStr()), "raised BadStr"),
    Hostile("MemoryError", raises(MemoryError(
        "Unable to allocate 728. MiB for an array with shape (10000, 9540) and data type "
        "float64")), "Unable to allocate 728. MiB"),
    Hostile("returns an object whose __array__ exits", returns_exiting_object, "fail"),
    Hostile("returns objects whose __array__ exits", returns_tuple_of_exiting, "fail"),
    Hostile("NotImplementedError on a later call", second_call_not_implemented,
            "raised NotImplementedError"),
    Hostile("its own UserWarning", own_user_warning, "calm"),
    Hostile("answers in float16", float16_answer, "calm"),
    Hostile("prints 100,000 characters", prints_a_lot),
    Hostile("sys.stdout = None", hijacks_stdout),
    Hostile("endless recursion", recurses, "calm"),  # RecursionError, or the time limit first
    Hostile("warnings.simplefilter('error')", warnings_as_errors),
]
