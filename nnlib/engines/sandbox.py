"""The sandbox every exercise check runs a reader's code in: what it defends, and how.

A check calls the reader's function many times, and a notebook runs many checks; whatever
one attempt does must neither fool its own check nor break a later one. The sandbox
defends against what a learner's code can do by mistake (and a little mischief):

- **in-place edits of its inputs**: every call gets its own copies of the case data
  (arrays, dicts, lists), and the arguments the check watches are compared with a
  snapshot afterwards (:func:`fresh`, :func:`snapshot`, :func:`same`);
- **global numpy state**: ``np.seterr``/``np.seterrcall``, print options, the legacy
  random state (``np.random.seed``), the recursion limit, ``sys.stdout``/``sys.stderr``,
  and the attributes of ``numpy``, ``numpy.random``, ``numpy.linalg`` and ``math`` (a
  patched ``np.allclose``, a deleted ``np.exp``) are put back after every call; the
  engine's own comparisons use numpy functions captured when it was imported;
- **a replaced nnlib function**: the core modules' attributes (``nnlib.functions.softmax
  = mine``), their functions' code and defaults (``softmax.__code__ = ...``) and their
  classes' methods (``Affine.backward = mine``), and the attributes of every module that
  defines checks, are put back after every call; a check's reference answers come from
  :mod:`nnlib.engines.references`, which holds nnlib's own callables even if a reader
  replaced one before the checks were imported;
- **endless loops**: each check has a budget of :data:`TIME_LIMIT` seconds of *CPU time*
  of the reader's code (so a loaded machine does not make a right answer "too slow"), and
  a wall-clock budget :data:`WALL_FACTOR` times larger for code that waits (a sleep). Where
  the interpreter allows it (the main thread with ``signal.setitimer``) an endless loop
  is interrupted; elsewhere (Pyodide, a worker thread) the check says so after the call;
- **any exception**, ``BaseException`` included (``SystemExit``, ``GeneratorExit``, one
  whose ``__str__`` raises), except ``KeyboardInterrupt``: the reader pressed stop.

It leaves to the reader what no check can undo: files written, other modules of their
own changed, a process killed, memory exhausted, and anything done on purpose to the
interpreter (``ctypes``, ``gc``, replacing the engine itself).
"""

from __future__ import annotations

import contextlib
import copy
import io
import signal
import sys
import threading
import time
import types
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnlib.engines.references import CORE_MODULES, check_modules

__all__ = ["TIME_LIMIT", "WALL_FACTOR", "Budget", "GlobalState", "TimeUp", "run_guarded",
           "fresh", "snapshot", "same"]

#: Seconds of CPU time the reader's code may use in one check, all its calls together.
TIME_LIMIT = 5.0
#: Code that waits (time.sleep, input()) uses no CPU: it may wait this many times longer.
WALL_FACTOR = 6.0

# numpy as it was when the engine was imported.
_array_equal = np.array_equal
_geterr, _seterr, _geterrcall, _seterrcall = np.geterr, np.seterr, np.geterrcall, np.seterrcall
_get_printoptions, _set_printoptions = np.get_printoptions, np.set_printoptions
_legacy_random = np.random.mtrand._rand  # the RandomState behind np.random.seed and friends
_get_state, _set_state = _legacy_random.get_state, _legacy_random.set_state
_WATCHED_MODULES = ("numpy", "numpy.random", "numpy.linalg", "math")
_MISSING = object()


def _cpu_clock() -> Callable[[], float]:
    """This thread's CPU time where the platform has it, else the process's, else wall time
    (a WebAssembly build may lack a CPU clock: the budget is then wall time, as before)."""
    for name in ("thread_time", "process_time", "perf_counter"):
        clock = getattr(time, name, None)
        try:
            if clock is not None and clock() >= 0:
                return clock
        except OSError:
            continue
    return time.perf_counter


_cpu_time = _cpu_clock()


class TimeUp(BaseException):
    """Raised by the alarm inside the reader's code (a BaseException, so that the reader's
    own ``except Exception`` does not swallow it)."""


def _module_state(module: types.ModuleType) -> tuple:
    """A module's attributes, its functions' code and defaults, its classes' attributes."""
    names = dict(vars(module))
    own = [v for v in names.values() if getattr(v, "__module__", None) == module.__name__]
    functions = [(f, f.__code__, f.__defaults__, f.__kwdefaults__)
                 for f in own if isinstance(f, types.FunctionType)]
    classes = [(c, dict(vars(c))) for c in own if isinstance(c, type)]
    return module, names, functions, classes


def _restore_module(module: types.ModuleType, names: dict, functions: list,
                    classes: list) -> None:
    _put_back(module, vars(module), names)
    for f, code, defaults, kwdefaults in functions:
        if f.__code__ is not code:
            f.__code__ = code
        f.__defaults__, f.__kwdefaults__ = defaults, kwdefaults
    for cls, saved in classes:
        _put_back(cls, vars(cls), saved, skip=("__dict__", "__weakref__", "__doc__"),
                  delete_new=True)


def _put_back(owner: Any, current: Mapping[str, Any], saved: dict, skip: tuple = (),
              *, delete_new: bool = False) -> None:
    """Set back changed or deleted attributes (compared by identity: module values may be
    arrays). New attributes are deleted only with ``delete_new`` (classes: an added method
    overrides an inherited one); a module's new attributes stay, because numpy adds its
    lazily imported submodules as attributes, and removing them confuses its ``__getattr__``."""
    for name, value in saved.items():
        if name not in skip and current.get(name, _MISSING) is not value:
            with contextlib.suppress(AttributeError, TypeError):
                setattr(owner, name, value)
    for name in [n for n in current if n not in saved and n not in skip] if delete_new else []:
        with contextlib.suppress(AttributeError, TypeError):
            delattr(owner, name)


class GlobalState:
    """What an attempt could change for everyone after it: saved, then put back."""

    def __init__(self) -> None:
        self.err, self.errcall = _geterr(), _geterrcall()
        self.printoptions = _get_printoptions()
        self.random = _get_state()
        self.recursion = sys.getrecursionlimit()
        self.streams = sys.stdout, sys.stderr
        watched = [sys.modules.get(n) for n in (*_WATCHED_MODULES, *CORE_MODULES)]
        self.plain = [(m, dict(vars(m))) for m in watched[:len(_WATCHED_MODULES)] if m]
        self.modules = [_module_state(m) for m in (*watched[len(_WATCHED_MODULES):],
                                                   *check_modules()) if m is not None]

    def restore(self) -> None:
        _seterr(**self.err)
        _seterrcall(self.errcall)
        _set_printoptions(**self.printoptions)
        _set_state(self.random)
        sys.setrecursionlimit(self.recursion)
        sys.stdout, sys.stderr = self.streams
        for module, saved in self.plain:
            _put_back(module, vars(module), saved)
        for state in self.modules:
            _restore_module(*state)


@dataclass
class Budget:
    """The time one check's reader code may use: CPU seconds, and wall seconds for waiting."""

    cpu_limit: float
    cpu_used: float = 0.0
    wall_used: float = 0.0
    wall_limit: float = field(init=False)

    def __post_init__(self) -> None:
        self.wall_limit = WALL_FACTOR * self.cpu_limit

    @property
    def exceeded(self) -> bool:
        return self.cpu_used > self.cpu_limit or self.wall_used > self.wall_limit

    @property
    def waited(self) -> bool:
        """True if the wall budget ran out while the CPU budget did not (the code waited)."""
        return self.wall_used > self.wall_limit and self.cpu_used <= self.cpu_limit


@contextlib.contextmanager
def _alarm(cpu_seconds: float, wall_seconds: float) -> Iterator[None]:
    """Raise :class:`TimeUp` in this thread after ``cpu_seconds`` of the process's CPU time
    or ``wall_seconds`` of waiting, where signals allow it.

    Only the main thread may handle signals, and Pyodide and Windows have no
    ``setitimer``: there the context does nothing and the caller measures the time after.
    """
    armed: list[tuple[int, signal.Signals, Any]] = []
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        def ring(signum: int, frame: Any) -> None:
            raise TimeUp

        for timer, signum, seconds in ((signal.ITIMER_VIRTUAL, signal.SIGVTALRM, cpu_seconds),
                                       (signal.ITIMER_REAL, signal.SIGALRM, wall_seconds)):
            try:
                previous = signal.signal(signum, ring)
                signal.setitimer(timer, max(seconds, 1e-3))
                armed.append((timer, signum, previous))
            except (ValueError, OSError, AttributeError):  # no alarm here: measure afterwards
                pass
    try:
        yield
    finally:
        for timer, signum, previous in armed:
            signal.setitimer(timer, 0)
            signal.signal(signum, previous)


def run_guarded(func: Callable[..., Any], args: tuple, budget: Budget, state: GlobalState
                ) -> tuple[Any, str, list[warnings.WarningMessage]]:
    """``func(*args)`` with its prints and warnings caught and its time counted in
    ``budget``; afterwards every global is as ``state`` saw it (at the check's start).

    Returns ``(result, printed text, warnings)``. The reader's exception propagates
    as it is; :class:`TimeUp` when the budget ran out during the call.
    """
    out = io.StringIO()
    cpu, wall = _cpu_time(), time.perf_counter()
    try:
        with (contextlib.redirect_stdout(out), contextlib.redirect_stderr(out),
              warnings.catch_warnings(record=True) as caught):
            warnings.simplefilter("always")
            with _alarm(budget.cpu_limit - budget.cpu_used, budget.wall_limit - budget.wall_used):
                result = func(*args)
    finally:
        budget.cpu_used += _cpu_time() - cpu
        budget.wall_used += time.perf_counter() - wall
        state.restore()
    if budget.exceeded:  # no alarm here (Pyodide, a thread), or it was swallowed
        raise TimeUp
    return result, out.getvalue(), list(caught)


# -- copy and compare -----------------------------------------------------------------------
def fresh(value: Any) -> Any:
    """A private copy of case data, so that what the reader's code does to it stays there."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict | list):
        return copy.deepcopy(value)
    return value


class _Opaque:  # a value the checker does not watch (a function, a number)
    pass


def snapshot(value: Any) -> Any:
    """What :func:`same` compares with later: arrays (also inside a dict) are copied."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, Mapping):
        return {k: snapshot(v) for k, v in value.items()}
    return _Opaque


def same(old: Any, new: Any) -> bool:
    """True if ``new`` still equals the :func:`snapshot` ``old`` (NaN equal to NaN)."""
    if old is _Opaque:
        return True
    if isinstance(old, np.ndarray):
        return (isinstance(new, np.ndarray) and old.shape == new.shape
                and _array_equal(old, new, equal_nan=True))
    return (isinstance(new, Mapping) and old.keys() == new.keys()
            and all(same(v, new[k]) for k, v in old.items()))
