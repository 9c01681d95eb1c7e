"""The check API: a :class:`Session` runs the reader's code case by case; one :class:`CheckResult`.

A check is a *diagnosis*: a function ``diagnosis(session, attempt)`` that runs the
reader's function on a battery of cases through :meth:`Session.call` and compares each
answer with nnlib's own through :meth:`Session.expect_array` or
:meth:`Session.expect_number`. At the first problem it raises :class:`Wrong` with a
message that names the input, what was expected, and a hint aimed at the likely mistake.
The :func:`~nnlib.engines.exercise.exercise` decorator turns a diagnosis into
``check_*(attempt)``, which prints one line and never raises: the reader's exceptions,
prints and warnings are caught and reported (:mod:`nnlib.engines.sandbox` says what else
is defended), and a ``NotImplementedError`` from the first call means "not attempted yet".
"""

from __future__ import annotations

import math
import types
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnlib.engines import sandbox
from nnlib.engines.formatting import fmt, fmt_apart, safe_repr, safe_text, shorten
from nnlib.engines.hints import raised
from nnlib.i18n import _

__all__ = ["CheckResult", "Wrong", "Session"]

# numpy as it was when the engine was imported: an attempt that patches np.allclose (or
# np.asarray...) changes neither the engine's comparisons nor its formatting.
_asarray, _allclose, _isclose, _max, _abs = np.asarray, np.allclose, np.isclose, np.max, np.abs

PASSED, NOT_ATTEMPTED, FAILED = "passed", "not attempted yet", "failed"
_MARKS = {PASSED: "✓", NOT_ATTEMPTED: "·", FAILED: "✗"}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: ``status`` is "passed", "not attempted yet" or "failed"."""

    title: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def __str__(self) -> str:
        return f"{_MARKS[self.status]} {self.title}: {self.message}"


class Wrong(Exception):
    """Raised inside a diagnosis at the first problem; its text is the result's message."""


class _NotAttempted(Exception):
    pass


class Session:
    """One run of a check: calls the reader's code and remembers what it printed or warned."""

    def __init__(self, title: str, *, warning_hint: str = "", warnings_fail: bool = True,
                 time_limit: float | None = None) -> None:
        self.title = title
        self.cases = 0
        self.returned: set[int] = set()  # ids of the reader's functions that returned once
        self.warning_hint = warning_hint
        self.warnings_fail = warnings_fail
        self.budget = sandbox.Budget(sandbox.TIME_LIMIT if time_limit is None else time_limit)
        self.printed: tuple[str, str] | None = None  # (input, text) of the first print
        self.warned: tuple[str, str, bool] | None = None  # (input, warning, from numpy?)
        self.state = sandbox.GlobalState()

    @property
    def time_limit(self) -> float:
        return self.budget.cpu_limit

    def call(
        self,
        func: Callable[..., Any],
        *args: Any,
        shows: str,
        names: tuple[str, ...] = (),
        keep: tuple[str, ...] | None = None,
        share: tuple[str, ...] = (),
        on_change: str = "",
        on_error: Callable[[BaseException], str | None] | None = None,
    ) -> Any:
        """``func(*args)`` in the sandbox, its output and warnings remembered.

        ``shows`` describes the input for messages ("for a = [1, 2]"). Each argument is
        passed as a fresh copy (arrays, dicts, lists), except those named in ``share``,
        which are passed as they are (a case whose ``f`` reads ``x`` through a closure).
        The arguments named in ``keep`` (default: all, named by ``names``) must come back
        unchanged; if one was edited in place, the result says so, with ``on_change`` as
        the hint.
        """
        names = names or tuple(_("argument {i}").format(i=i + 1) for i in range(len(args)))
        before = {n: sandbox.snapshot(a) for n, a in zip(names, args, strict=False)
                  if n in (names if keep is None else keep)}
        passed = tuple(a if n in share else sandbox.fresh(a)
                       for n, a in zip((*names, *[""] * len(args)), args, strict=False))
        result, printed, caught = self._run(func, passed, shows, on_error)
        self._remember(shows, printed.strip(), caught)
        for name, old in before.items():
            new = passed[names.index(name)]
            if not sandbox.same(old, new):
                raise Wrong(_("{name} was left changed {shows} ({old})").format(
                              name=name, shows=shows, old=_change(old, new))
                            + (_(": {on_change}").format(on_change=on_change) if on_change else ""))
        return result

    def _run(self, func: Callable[..., Any], args: tuple, shows: str,
             on_error: Callable[[BaseException], str | None] | None) -> tuple:
        """Run the reader's call; every way it can go wrong becomes :class:`Wrong`."""
        try:
            outcome = sandbox.run_guarded(func, args, self.budget, self.state)
        except KeyboardInterrupt:
            raise
        except sandbox.TimeUp:
            raise Wrong(self._too_slow(shows)) from None
        except NotImplementedError as error:
            if _identity(func) not in self.returned:  # the stub as handed out
                raise _NotAttempted from None
            raise Wrong(raised(error, shows, on_error)) from None
        except BaseException as error:  # the reader's bug, reported calmly
            raise Wrong(raised(error, shows, on_error)) from None
        self.returned.add(_identity(func))
        return outcome

    def _remember(self, shows: str, printed: str, caught: list) -> None:
        if printed and self.printed is None:
            self.printed = (shows, shorten(printed, 60))
        if caught and self.warned is None:
            first = caught[0]
            self.warned = (shows, shorten(f"{first.category.__name__}: "
                                          f"{safe_text(first.message)}", 80),
                           issubclass(first.category, RuntimeWarning))

    def _too_slow(self, shows: str) -> str:
        if self.budget.waited:
            return (_("your function took longer than {wall_limit:g} s {shows}, most of it "
                      "waiting: a time.sleep or an input() left in?").format(
                      wall_limit=self.budget.wall_limit, shows=shows))
        return (_("your function took longer than {time_limit:g} s {shows}: an endless loop? "
                  "(or a loop over far more values than needed)").format(
                  time_limit=self.time_limit, shows=shows))

    def expect_array(
        self,
        result: Any,
        expected: np.ndarray,
        shows: str,
        *,
        what: str | None = None,
        rtol: float = 1e-6,
        atol: float = 1e-9,
        diagnose: Callable[[np.ndarray], str | None] | None = None,
    ) -> np.ndarray:
        """``result`` must be a numeric numpy array of ``expected``'s shape, close to it.

        ``diagnose(result)`` may name the mistake (its text becomes the message);
        it is asked about wrong shapes and wrong values alike.
        """
        what = _("result") if what is None else what  # None: "result", in the reader's language
        arr = self._as_numbers(result, shows, what, array=True)
        expected = _asarray(expected)
        if arr.shape == expected.shape and _allclose(arr, expected, rtol=rtol, atol=atol):
            self.cases += 1
            return arr
        self._low_precision(arr, expected, shows, what)
        hint = diagnose(arr) if diagnose else None
        if hint:
            raise Wrong(hint)
        if arr.shape != expected.shape:
            raise Wrong(_("{what} has shape {shape} {shows}, expected {shape2}").format(
                          what=what, shape=arr.shape, shows=shows, shape2=expected.shape))
        got, wanted = fmt_apart(arr, expected)
        raise Wrong(_("{what} {shows} is {got}, expected {wanted}").format(
                      what=what, shows=shows, got=got, wanted=wanted))

    def expect_number(
        self,
        result: Any,
        expected: float,
        shows: str,
        *,
        what: str | None = None,
        rtol: float = 1e-6,
        atol: float = 1e-9,
        diagnose: Callable[[Any], str | None] | None = None,
    ) -> float:
        """``result`` must be one real number close to ``expected``."""
        what = _("result") if what is None else what
        arr = self._as_numbers(result, shows, what, array=False)
        if arr.ndim != 0:
            hint = diagnose(arr) if diagnose else None  # e.g. one loss per row
            raise Wrong(hint or _("{what} {shows} is an array of shape {shape}, expected one "
                                  "number ({expected})").format(
                                  what=what, shows=shows, shape=arr.shape, expected=fmt(expected)))
        value = float(arr)
        if _isclose(value, expected, rtol=rtol, atol=atol):
            self.cases += 1
            return value
        self._low_precision(arr, _asarray(expected), shows, what)
        hint = diagnose(value) if diagnose else None
        if hint:
            raise Wrong(hint)
        got, wanted = fmt_apart(value, expected)
        raise Wrong(_("{what} {shows} is {got}, expected {wanted}").format(
                      what=what, shows=shows, got=got, wanted=wanted))

    @staticmethod
    def _low_precision(arr: np.ndarray, expected: np.ndarray, shows: str, what: str) -> None:
        """A right answer computed in float16 (or float32) reads as wrong: say why."""
        if arr.dtype.kind != "f" or arr.dtype.itemsize >= 8:
            return
        eps = float(np.finfo(arr.dtype).eps)
        if arr.shape == expected.shape and _allclose(arr, expected, rtol=8 * eps, atol=8 * eps):
            digits = int(-math.log10(eps))
            raise Wrong(_("{what} {shows} is right to the {digits} digits {dtype} keeps, but "
                          "not to the 6 the check asks for: compute in float64 (np.float64, "
                          "numpy's default), not {dtype}").format(
                          what=what, shows=shows, digits=digits, dtype=arr.dtype))

    def _as_numbers(self, result: Any, shows: str, what: str, *, array: bool) -> np.ndarray:
        if result is None:
            said = _(" (it printed {text!r} instead)").format(
                     text=self.printed[1]) if self.printed else ""
            raise Wrong(_("{what} {shows} is None{said}: did you forget `return`?").format(
                          what=what, shows=shows, said=said))
        if isinstance(result, list | tuple) and array:
            raise Wrong(_("{what} {shows} is a Python {name}, expected a numpy array: use "
                          "numpy operations on the whole array, or wrap it in np.array()").format(
                          what=what, shows=shows, name=type(result).__name__))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                arr = _asarray(result)
        except KeyboardInterrupt:
            raise
        except BaseException:  # an object whose __array__ raises, even SystemExit
            arr = _asarray(None)
        if arr.dtype.kind not in "biuf":
            raise Wrong(_("{what} {shows} is {name} {value}, expected numbers").format(
                          what=what, shows=shows, name=type(result).__name__,
                          value=shorten(safe_repr(result), 40)))
        return arr

    def finish(self) -> str:
        """After every case passed: fail on warnings (if so configured), else return a note."""
        if self.warned:
            shows, warning, from_numpy = self.warned
            who = _("numpy warned") if from_numpy else _("your code warned")
            hint = _(": {warning_hint}").format(
                     warning_hint=self.warning_hint) if self.warning_hint and from_numpy else ""
            if self.warnings_fail:
                raise Wrong(_("every value is right, but {who} {shows} ({warning}){hint}").format(
                              who=who, shows=shows, warning=warning, hint=hint))
            return _("; note: {who} {shows} ({warning}){hint}").format(
                     who=who, shows=shows, warning=warning, hint=hint)
        if self.printed:
            shows, text = self.printed
            return (_("; note: it printed {text!r} {shows}: remove the print once you are done "
                      "(a function should return its answer)").format(
                      text=text, shows=shows))
        return ""


def _identity(func: Any) -> int:
    """The same number for ``layer.backward`` of every instance of one class."""
    return id(func.__func__ if isinstance(func, types.MethodType) else func)


def _change(old: Any, new: Any) -> str:
    """What changed, in a few words: the values, or the size of a tiny change."""
    if isinstance(old, dict):
        keys = [k for k, v in old.items() if not sandbox.same(v, new.get(k))]
        return _("changed: {keys}").format(
                 keys=', '.join(map(str, keys))) if keys else _("its keys changed")
    if isinstance(new, np.ndarray) and new.shape == old.shape and fmt(old) == fmt(new):
        return _("some values moved by up to {size}").format(
                 size=fmt(float(_max(_abs(new - old))), 2))
    return _("it was {old}, now {new}").format(old=fmt(old), new=fmt(new))
