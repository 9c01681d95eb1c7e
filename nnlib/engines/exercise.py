"""The engine every exercise check shares: run the reader's code safely, give one verdict.

A check is a *diagnosis*: a function ``diagnosis(session, attempt)`` that runs the
reader's function on a battery of cases through :meth:`Session.call` and compares each
answer with nnlib's own through :meth:`Session.expect_array` or
:meth:`Session.expect_number`. At the first problem it raises :class:`Wrong` with a
message that names the input, what was expected, and a hint aimed at the likely mistake.
The :func:`exercise` decorator turns a diagnosis into ``check_*(attempt)``, which prints
one line and never raises: the reader's exceptions, prints and warnings are caught and
reported, and a ``NotImplementedError`` means "not attempted yet".
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Verdict", "Wrong", "Session", "exercise", "fmt", "scale_between"]

PASSED, NOT_ATTEMPTED, FAILED = "passed", "not attempted yet", "failed"
_MARKS = {PASSED: "✓", NOT_ATTEMPTED: "·", FAILED: "✗"}


@dataclass(frozen=True)
class Verdict:
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
    """Raised inside a diagnosis at the first problem; its text is the verdict's message."""


class _NotAttempted(Exception):
    pass


def fmt(value: Any, digits: int = 4) -> str:
    """A short, deterministic, one-line text for a number or an array (``digits`` significant)."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return f"{float(value):.{digits}g}"
    try:
        arr = np.asarray(value)
    except Exception:  # a ragged list or an odd object: its repr will do
        return _shorten(repr(value))
    if arr.dtype.kind not in "biuf":
        return _shorten(repr(value))
    if arr.ndim == 0:
        return fmt(arr.item(), digits)
    text = np.array2string(
        arr, separator=", ", threshold=12, edgeitems=2, max_line_width=10_000,
        formatter={"float_kind": lambda v: f"{v:.{digits}g}"},
    )
    text = " ".join(text.split())
    return re.sub(r"\[ ", "[", re.sub(r" ([,\]])", r"\1", text))


def _shorten(text: str, limit: int = 100) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def scale_between(result: np.ndarray, expected: np.ndarray, rtol: float = 1e-6) -> float | None:
    """The factor c with result == c * expected everywhere, if there is one (else None).

    Many mistakes scale the right answer: a missing 1/2 or 1/N, a sign, log10 for log.
    """
    result, expected = np.asarray(result, dtype=float), np.asarray(expected, dtype=float)
    if result.shape != expected.shape or not np.all(np.isfinite(result)):
        return None
    nonzero = np.abs(expected) > 1e-12
    if not nonzero.any() or np.any(np.abs(result[~nonzero]) > 1e-9):
        return None
    ratios = result[nonzero] / expected[nonzero]
    c = float(np.median(ratios))
    return c if np.allclose(ratios, c, rtol=rtol, atol=1e-12) else None


def _error_hint(error: BaseException) -> str:
    """A hint for the exceptions beginners meet most; "" when there is nothing to add."""
    text = str(error)
    if "Python scalar" in text or "only length-1 arrays" in text or "only 0-dimensional" in text:
        return "math.exp and friends take one number only; use np.exp, which works element-wise"
    if "truth value of an array" in text:
        return ("`if`, `and`, `or`, max() and min() need one True/False, not an array; "
                "use element-wise numpy: x > 0, np.maximum, np.where")
    if "could not be broadcast" in text:
        return "the shapes do not line up: check the axis you reduce over and keepdims=True"
    if "matmul" in text or "not aligned" in text:
        return "the matrix shapes do not line up: check which operand needs a .T"
    if isinstance(error, NameError):
        return "a name is not defined: run the cell with the imports first"
    if isinstance(error, RecursionError):
        return "the function keeps calling itself"
    return ""


class Session:
    """One run of a check: calls the reader's code and remembers what it printed or warned."""

    def __init__(self, title: str, *, warning_hint: str = "", warnings_fail: bool = True) -> None:
        self.title = title
        self.cases = 0
        self.warning_hint = warning_hint
        self.warnings_fail = warnings_fail
        self.printed: tuple[str, str] | None = None  # (input, text) of the first print
        self.warned: tuple[str, str] | None = None  # (input, warning) of the first warning

    def call(
        self,
        func: Callable[..., Any],
        *args: Any,
        shows: str,
        names: tuple[str, ...] = (),
        keep: tuple[str, ...] | None = None,
        on_change: str = "",
        on_error: Callable[[BaseException], str | None] | None = None,
    ) -> Any:
        """``func(*args)`` with its output and warnings captured.

        ``shows`` describes the input for messages ("for a = [1, 2]"). The arguments named
        in ``keep`` (default: all, named by ``names``) must come back unchanged; if one was
        edited in place, the verdict says so, with ``on_change`` as the hint.
        """
        names = names or tuple(f"argument {i + 1}" for i in range(len(args)))
        keep = names if keep is None else keep
        before = {n: _snapshot(a) for n, a in zip(names, args, strict=False) if n in keep}
        out, err = io.StringIO(), io.StringIO()
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            warnings.catch_warnings(record=True) as caught,
        ):
            warnings.simplefilter("always")
            try:
                result = func(*args)
            except NotImplementedError:
                raise _NotAttempted from None
            except (Exception, SystemExit) as error:  # the reader's bug, reported calmly
                first_sentence = str(error).split(". ")[0]
                message = _shorten(f"{type(error).__name__}: {first_sentence}")
                hint = (on_error(error) if on_error else None) or _error_hint(error)
                raise Wrong(f"raised {message} {shows}" + (f"; {hint}" if hint else "")) from None
        printed = (out.getvalue() + err.getvalue()).strip()
        if printed and self.printed is None:
            self.printed = (shows, _shorten(printed, 60))
        if caught and self.warned is None:
            first = caught[0]
            self.warned = (shows, _shorten(f"{first.category.__name__}: {first.message}", 80))
        for name, old in before.items():
            new = args[names.index(name)]
            if not _same(old, new):
                raise Wrong(f"{name} was left changed {shows} ({_change(old, new)})"
                            + (f": {on_change}" if on_change else ""))
        return result

    def expect_array(
        self,
        result: Any,
        expected: np.ndarray,
        shows: str,
        *,
        what: str = "result",
        rtol: float = 1e-6,
        atol: float = 1e-9,
        diagnose: Callable[[np.ndarray], str | None] | None = None,
    ) -> np.ndarray:
        """``result`` must be a numeric numpy array of ``expected``'s shape, close to it.

        ``diagnose(result)`` may name the mistake (its text becomes the verdict);
        it is asked about wrong shapes and wrong values alike.
        """
        arr = self._as_numbers(result, shows, what, array=True)
        expected = np.asarray(expected)
        if arr.shape == expected.shape and np.allclose(arr, expected, rtol=rtol, atol=atol):
            self.cases += 1
            return arr
        hint = diagnose(arr) if diagnose else None
        if hint:
            raise Wrong(hint)
        if arr.shape != expected.shape:
            raise Wrong(f"{what} has shape {arr.shape} {shows}, expected {expected.shape}")
        raise Wrong(f"{what} {shows} is {fmt(arr)}, expected {fmt(expected)}")

    def expect_number(
        self,
        result: Any,
        expected: float,
        shows: str,
        *,
        what: str = "result",
        rtol: float = 1e-6,
        atol: float = 1e-9,
        diagnose: Callable[[float], str | None] | None = None,
    ) -> float:
        """``result`` must be one real number close to ``expected``."""
        arr = self._as_numbers(result, shows, what, array=False)
        if arr.ndim != 0:
            hint = diagnose(arr) if diagnose else None  # e.g. one loss per row
            raise Wrong(hint or f"{what} {shows} is an array of shape {arr.shape}, "
                        f"expected one number ({fmt(expected)})")
        value = float(arr)
        if np.isclose(value, expected, rtol=rtol, atol=atol):
            self.cases += 1
            return value
        hint = diagnose(value) if diagnose else None
        raise Wrong(hint or f"{what} {shows} is {fmt(value)}, expected {fmt(expected)}")

    def _as_numbers(self, result: Any, shows: str, what: str, *, array: bool) -> np.ndarray:
        if result is None:
            said = f" (it printed {self.printed[1]!r} instead)" if self.printed else ""
            raise Wrong(f"{what} {shows} is None{said}: did you forget `return`?")
        if isinstance(result, list | tuple) and array:
            raise Wrong(f"{what} {shows} is a Python {type(result).__name__}, expected a numpy "
                        "array: use numpy operations on the whole array, or wrap it in np.array()")
        try:
            arr = np.asarray(result)
        except Exception:
            arr = np.asarray(None)
        if arr.dtype.kind not in "biuf":
            raise Wrong(f"{what} {shows} is {type(result).__name__} {_shorten(repr(result), 40)}, "
                        "expected numbers")
        return arr

    def finish(self) -> str:
        """After every case passed: fail on warnings (if so configured), else return a note."""
        if self.warned:
            shows, warning = self.warned
            hint = f": {self.warning_hint}" if self.warning_hint else ""
            if self.warnings_fail:
                raise Wrong(f"every value is right, but numpy warned {shows} ({warning}){hint}")
            return f"; note: numpy warned {shows} ({warning}){hint}"
        if self.printed:
            shows, text = self.printed
            return (f"; note: it printed {text!r} {shows}: remove the print once you are done "
                    "(a function should return its answer)")
        return ""


def _snapshot(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, Mapping):
        return {k: _snapshot(v) for k, v in value.items()}
    return _Opaque


class _Opaque:  # a value the checker does not watch (a function, a number)
    pass


def _same(old: Any, new: Any) -> bool:
    if old is _Opaque:
        return True
    if isinstance(old, np.ndarray):
        return (isinstance(new, np.ndarray) and old.shape == new.shape
                and np.array_equal(old, new, equal_nan=True))
    return (isinstance(new, Mapping) and old.keys() == new.keys()
            and all(_same(v, new[k]) for k, v in old.items()))


def _change(old: Any, new: Any) -> str:
    """What changed, in a few words: the values, or the size of a tiny change."""
    if isinstance(old, Mapping):
        keys = [k for k, v in old.items() if not _same(v, new.get(k))]
        return f"changed: {', '.join(map(str, keys))}" if keys else "its keys changed"
    if isinstance(new, np.ndarray) and new.shape == old.shape and fmt(old) == fmt(new):
        return f"some values moved by up to {fmt(float(np.max(np.abs(new - old))), 2)}"
    return f"it was {fmt(old)}, now {fmt(new)}"


def exercise(title: str, *, warning_hint: str = "", warnings_fail: bool = True):
    """Turn ``diagnosis(session, attempt)`` into a check that prints one verdict.

    The check also gets a ``.verdict(attempt)`` attribute that returns the
    :class:`Verdict` instead of printing it (tests and solutions use it).
    """

    def wrap(diagnosis: Callable[[Session, Any], None]) -> Callable[[Any], None]:
        @functools.wraps(diagnosis)
        def verdict(attempt: Any) -> Verdict:
            session = Session(title, warning_hint=warning_hint, warnings_fail=warnings_fail)
            if attempt is None or not (callable(attempt) or hasattr(attempt, "backward")):
                return Verdict(title, FAILED, "pass your function (or class) itself, e.g. "
                               "check_x(my_x), without calling it: no () after its name")
            try:
                diagnosis(session, attempt)
                note = session.finish()
            except _NotAttempted:
                return Verdict(title, NOT_ATTEMPTED, "not attempted yet: replace the `raise "
                               "NotImplementedError` line with your code, then run the cell again")
            except Wrong as wrong:
                return Verdict(title, FAILED, str(wrong))
            except Exception as error:  # reader code outside a call (an attribute, a property)
                return Verdict(title, FAILED, "the check stopped at "
                               f"{_shorten(f'{type(error).__name__}: {error}')}")
            return Verdict(title, PASSED, f"passed, all {session.cases} cases{note}")

        def check(attempt: Any) -> None:
            print(verdict(attempt))

        check.__name__ = check.__qualname__ = diagnosis.__name__
        check.__doc__ = diagnosis.__doc__
        check.verdict = verdict
        return check

    return wrap
