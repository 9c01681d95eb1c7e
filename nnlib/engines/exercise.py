"""The engine every exercise check shares: run the reader's code safely, give one verdict.

A check is a *diagnosis*: a function ``diagnosis(session, attempt)`` that runs the
reader's function on a battery of cases through :meth:`Session.call` and compares each
answer with nnlib's own through :meth:`Session.expect_array` or
:meth:`Session.expect_number`. At the first problem it raises :class:`Wrong` with a
message that names the input, what was expected, and a hint aimed at the likely mistake.
The :func:`exercise` decorator turns a diagnosis into ``check_*(attempt)``, which prints
one line and never raises: the reader's exceptions, prints and warnings are caught and
reported, and a ``NotImplementedError`` from the first call means "not attempted yet".

Nothing an attempt does outlives its check:

- every call gets its own copies of the case data (arrays, dicts, lists), so an attempt
  that edits its input in place cannot corrupt a later case or a later check;
- numpy's error state (``np.seterr``), its print options, its legacy random state
  (``np.random.seed``), the recursion limit, and the attributes of numpy's and nnlib's
  modules (a monkeypatched ``np.allclose``) are put back after every call, and the
  engine compares with references to numpy's functions captured when it was imported;
- each check has a time budget, :data:`TIME_LIMIT` seconds of the reader's code in all.
  Where the interpreter allows it (the main thread of a kernel with ``signal.setitimer``)
  an endless loop is interrupted; elsewhere (Pyodide, a worker thread) the check says so
  after the call returns;
- every exception is caught, ``BaseException`` included (``SystemExit``,
  ``GeneratorExit``, one whose ``__str__`` raises), except ``KeyboardInterrupt``: the
  reader pressed stop, and stop it is.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import math
import re
import signal
import sys
import threading
import time
import types
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np

__all__ = ["Verdict", "Wrong", "Session", "exercise", "fmt", "scale_between", "TIME_LIMIT"]

#: Seconds of the reader's code one check may take, all its calls together.
TIME_LIMIT = 5.0

# numpy as it was when the engine was imported: an attempt that patches np.allclose (or
# np.asarray...) changes neither the engine's comparisons nor its formatting.
_asarray, _allclose, _isclose = np.asarray, np.allclose, np.isclose
_array_equal, _isfinite, _median = np.array_equal, np.isfinite, np.median
_abs, _max, _array2string = np.abs, np.max, np.array2string
_geterr, _seterr, _geterrcall, _seterrcall = np.geterr, np.seterr, np.geterrcall, np.seterrcall
_get_printoptions, _set_printoptions = np.get_printoptions, np.set_printoptions
_legacy_random = np.random.mtrand._rand  # the RandomState behind np.random.seed and friends
_get_state, _set_state = _legacy_random.get_state, _legacy_random.set_state
_WATCHED_MODULES = ("numpy", "numpy.random", "numpy.linalg", "math")

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


class _TimeUp(BaseException):
    """Raised by the alarm inside the reader's code (a BaseException, so that the reader's
    own ``except Exception`` does not swallow it)."""


def _text(error: BaseException) -> str:
    """``str(error)``, or a stand-in when the exception's own ``__str__`` raises."""
    try:
        return str(error)
    except KeyboardInterrupt:
        raise
    except BaseException:
        return "(its message could not be shown: its __str__ raised)"


def _first_sentence(text: str) -> str:
    """Up to the first full stop that ends a sentence (not "728.00 MiB" or "e.g. this")."""
    return re.split(r"(?<![\d.])\.\s+(?=[A-Z])", text, maxsplit=1)[0]


class _GlobalState:
    """What an attempt could change for everyone after it: saved, then put back."""

    def __init__(self) -> None:
        self.err, self.errcall = _geterr(), _geterrcall()
        self.printoptions = _get_printoptions()
        self.random = _get_state()
        self.recursion = sys.getrecursionlimit()
        names = [n for n in list(sys.modules) if n in _WATCHED_MODULES or n == "nnlib"
                 or n.startswith("nnlib.")]
        self.modules = [(m, dict(vars(m))) for m in (sys.modules.get(n) for n in names)
                        if m is not None]

    def restore(self) -> None:
        _seterr(**self.err)
        _seterrcall(self.errcall)
        _set_printoptions(**self.printoptions)
        _set_state(self.random)
        sys.setrecursionlimit(self.recursion)
        for module, saved in self.modules:
            current = vars(module)
            for name, value in saved.items():  # by identity: module values may be arrays
                if current.get(name, _MISSING) is not value:
                    setattr(module, name, value)


_MISSING = object()


@contextlib.contextmanager
def _alarm(seconds: float):
    """Raise :class:`_TimeUp` in this thread after ``seconds``, where signals allow it.

    Only the main thread may handle signals, and Pyodide and Windows have no
    ``setitimer``: there the context does nothing and the caller measures the time after.
    """
    armed = False
    if (seconds > 0 and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()):
        def ring(signum: int, frame: Any) -> None:
            raise _TimeUp

        try:
            previous = signal.signal(signal.SIGALRM, ring)
            signal.setitimer(signal.ITIMER_REAL, seconds)
            armed = True
        except (ValueError, OSError, AttributeError):  # no alarm here: measure afterwards
            pass
    try:
        yield
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def fmt(value: Any, digits: int = 4) -> str:
    """A short, deterministic, one-line text for a number or an array (``digits`` significant)."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return f"{float(value):.{digits}g}"
    try:
        arr = _asarray(value)
    except Exception:  # a ragged list or an odd object: its repr will do
        return _shorten(_repr(value))
    if arr.dtype.kind not in "biuf":
        return _shorten(_repr(value))
    if arr.ndim == 0:
        return fmt(arr.item(), digits)
    text = _array2string(
        arr, separator=", ", threshold=12, edgeitems=2, max_line_width=10_000,
        formatter={"float_kind": lambda v: f"{v:.{digits}g}"},
    )
    text = " ".join(text.split())
    return re.sub(r"\[ ", "[", re.sub(r" ([,\]])", r"\1", text))


def _repr(value: Any) -> str:
    try:
        return repr(value)
    except KeyboardInterrupt:
        raise
    except BaseException:
        return f"a {type(value).__name__} (its repr raised)"


def _fmt_apart(value: Any, expected: Any) -> tuple[str, str]:
    """``fmt`` of both, with as many digits as it takes for them to read differently."""
    for digits in (4, 6, 8, 12, 17):
        shown = fmt(value, digits), fmt(expected, digits)
        if shown[0] != shown[1]:
            return shown
    return shown


def _shorten(text: str, limit: int = 100) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def scale_between(result: np.ndarray, expected: np.ndarray, rtol: float = 1e-6) -> float | None:
    """The factor c with result == c * expected everywhere, if there is one (else None).

    Many mistakes scale the right answer: a missing 1/2 or 1/N, a sign, log10 for log.
    """
    result, expected = _asarray(result, dtype=float), _asarray(expected, dtype=float)
    if result.shape != expected.shape or not _isfinite(result).all():
        return None
    nonzero = _abs(expected) > 1e-12
    if not nonzero.any() or (_abs(result[~nonzero]) > 1e-9).any():
        return None
    ratios = result[nonzero] / expected[nonzero]
    c = float(_median(ratios))
    return c if _allclose(ratios, c, rtol=rtol, atol=1e-12) else None


def _error_hint(error: BaseException) -> str:
    """A hint for the exceptions beginners meet most; "" when there is nothing to add."""
    text = _text(error)
    if isinstance(error, MemoryError):
        return "an array far too large was asked for: check the shapes you pass to np.zeros"
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

    def __init__(self, title: str, *, warning_hint: str = "", warnings_fail: bool = True,
                 time_limit: float | None = None) -> None:
        self.title = title
        self.cases = 0
        self.returned: set[int] = set()  # ids of the reader's functions that returned once
        self.warning_hint = warning_hint
        self.warnings_fail = warnings_fail
        self.time_limit = TIME_LIMIT if time_limit is None else time_limit
        self.time_used = 0.0
        self.printed: tuple[str, str] | None = None  # (input, text) of the first print
        self.warned: tuple[str, str, bool] | None = None  # (input, warning, from numpy?)
        self.state = _GlobalState()

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
        """``func(*args)`` with its output and warnings captured.

        ``shows`` describes the input for messages ("for a = [1, 2]"). Each argument is
        passed as a fresh copy (arrays, dicts, lists), except those named in ``share``,
        which are passed as they are (a case whose ``f`` reads ``x`` through a closure).
        The arguments named in ``keep`` (default: all, named by ``names``) must come back
        unchanged; if one was edited in place, the verdict says so, with ``on_change`` as
        the hint. Afterwards numpy's and nnlib's global state is as it was before.
        """
        names = names or tuple(f"argument {i + 1}" for i in range(len(args)))
        keep = names if keep is None else keep
        named = dict(zip(names, args, strict=False))
        before = {n: _snapshot(a) for n, a in named.items() if n in keep}
        passed = tuple(a if n in share else _fresh(a)
                       for n, a in zip((*names, *[""] * len(args)), args, strict=False))
        out, err = io.StringIO(), io.StringIO()
        budget = self.time_limit - self.time_used
        start = time.perf_counter()
        try:
            with (
                contextlib.redirect_stdout(out),
                contextlib.redirect_stderr(err),
                warnings.catch_warnings(record=True) as caught,
            ):
                warnings.simplefilter("always")
                try:
                    with _alarm(max(budget, 1e-3)):
                        result = func(*passed)
                except KeyboardInterrupt:
                    raise
                except _TimeUp:
                    raise Wrong(self._too_slow(shows)) from None
                except NotImplementedError as error:
                    if _identity(func) not in self.returned:  # the stub as handed out
                        raise _NotAttempted from None
                    raise Wrong(self._raised(error, shows, on_error)) from None
                except BaseException as error:  # the reader's bug, reported calmly
                    raise Wrong(self._raised(error, shows, on_error)) from None
        finally:
            self.time_used += time.perf_counter() - start
            self.state.restore()
        if self.time_used > self.time_limit:  # no alarm here (Pyodide, a thread): say so after
            raise Wrong(self._too_slow(shows))
        self.returned.add(_identity(func))
        printed = (out.getvalue() + err.getvalue()).strip()
        if printed and self.printed is None:
            self.printed = (shows, _shorten(printed, 60))
        if caught and self.warned is None:
            first = caught[0]
            self.warned = (shows, _shorten(f"{first.category.__name__}: {_text(first.message)}",
                                           80), issubclass(first.category, RuntimeWarning))
        for name, old in before.items():
            new = passed[names.index(name)]
            if not _same(old, new):
                raise Wrong(f"{name} was left changed {shows} ({_change(old, new)})"
                            + (f": {on_change}" if on_change else ""))
        return result

    def _too_slow(self, shows: str) -> str:
        return (f"your function took longer than {self.time_limit:g} s {shows}: an endless "
                "loop? (or a loop over far more values than needed)")

    @staticmethod
    def _raised(error: BaseException, shows: str,
                on_error: Callable[[BaseException], str | None] | None) -> str:
        message = _shorten(f"{type(error).__name__}: {_first_sentence(_text(error))}")
        try:
            hint = (on_error(error) if on_error else None) or _error_hint(error)
        except KeyboardInterrupt:
            raise
        except BaseException:  # a hint that trips over the reader's odd exception: no hint
            hint = ""
        return f"raised {message} {shows}" + (f"; {hint}" if hint else "")

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
        expected = _asarray(expected)
        if arr.shape == expected.shape and _allclose(arr, expected, rtol=rtol, atol=atol):
            self.cases += 1
            return arr
        self._low_precision(arr, expected, shows, what)
        hint = diagnose(arr) if diagnose else None
        if hint:
            raise Wrong(hint)
        if arr.shape != expected.shape:
            raise Wrong(f"{what} has shape {arr.shape} {shows}, expected {expected.shape}")
        got, wanted = _fmt_apart(arr, expected)
        raise Wrong(f"{what} {shows} is {got}, expected {wanted}")

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
        if _isclose(value, expected, rtol=rtol, atol=atol):
            self.cases += 1
            return value
        self._low_precision(arr, _asarray(expected), shows, what)
        hint = diagnose(value) if diagnose else None
        if hint:
            raise Wrong(hint)
        got, wanted = _fmt_apart(value, expected)
        raise Wrong(f"{what} {shows} is {got}, expected {wanted}")

    @staticmethod
    def _low_precision(arr: np.ndarray, expected: np.ndarray, shows: str, what: str) -> None:
        """A right answer computed in float16 (or float32) reads as wrong: say why."""
        if arr.dtype.kind != "f" or arr.dtype.itemsize >= 8:
            return
        eps = float(np.finfo(arr.dtype).eps)
        if arr.shape == expected.shape and _allclose(arr, expected, rtol=8 * eps, atol=8 * eps):
            digits = int(-math.log10(eps))
            raise Wrong(f"{what} {shows} is right to the {digits} digits {arr.dtype} keeps, but "
                        f"not to the 6 the check asks for: compute in float64 (np.float64, "
                        "numpy's default), not {arr.dtype}")

    def _as_numbers(self, result: Any, shows: str, what: str, *, array: bool) -> np.ndarray:
        if result is None:
            said = f" (it printed {self.printed[1]!r} instead)" if self.printed else ""
            raise Wrong(f"{what} {shows} is None{said}: did you forget `return`?")
        if isinstance(result, list | tuple) and array:
            raise Wrong(f"{what} {shows} is a Python {type(result).__name__}, expected a numpy "
                        "array: use numpy operations on the whole array, or wrap it in np.array()")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                arr = _asarray(result)
        except KeyboardInterrupt:
            raise
        except BaseException:  # an object whose __array__ raises, even SystemExit
            arr = _asarray(None)
        if arr.dtype.kind not in "biuf":
            raise Wrong(f"{what} {shows} is {type(result).__name__} "
                        f"{_shorten(_repr(result), 40)}, expected numbers")
        return arr

    def finish(self) -> str:
        """After every case passed: fail on warnings (if so configured), else return a note."""
        if self.warned:
            shows, warning, from_numpy = self.warned
            who = "numpy warned" if from_numpy else "your code warned"
            hint = f": {self.warning_hint}" if self.warning_hint and from_numpy else ""
            if self.warnings_fail:
                raise Wrong(f"every value is right, but {who} {shows} ({warning}){hint}")
            return f"; note: {who} {shows} ({warning}){hint}"
        if self.printed:
            shows, text = self.printed
            return (f"; note: it printed {text!r} {shows}: remove the print once you are done "
                    "(a function should return its answer)")
        return ""


def _identity(func: Any) -> int:
    """The same number for ``layer.backward`` of every instance of one class."""
    return id(func.__func__ if isinstance(func, types.MethodType) else func)


def _fresh(value: Any) -> Any:
    """A private copy of case data, so that what the reader's code does to it stays there."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict | list):
        return copy.deepcopy(value)
    return value


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
                and _array_equal(old, new, equal_nan=True))
    return (isinstance(new, Mapping) and old.keys() == new.keys()
            and all(_same(v, new[k]) for k, v in old.items()))


def _change(old: Any, new: Any) -> str:
    """What changed, in a few words: the values, or the size of a tiny change."""
    if isinstance(old, Mapping):
        keys = [k for k, v in old.items() if not _same(v, new.get(k))]
        return f"changed: {', '.join(map(str, keys))}" if keys else "its keys changed"
    if isinstance(new, np.ndarray) and new.shape == old.shape and fmt(old) == fmt(new):
        return f"some values moved by up to {fmt(float(_max(_abs(new - old))), 2)}"
    return f"it was {fmt(old)}, now {fmt(new)}"


def show(verdict: Verdict) -> None:
    """Print the verdict's one line; in a Jupyter kernel, as HTML that wraps at spaces.

    JupyterLab shows printed text with ``word-break: break-all``, which cuts words and
    numbers at the edge of the cell; the HTML keeps the printed look (monospace,
    one paragraph) but breaks lines only between words. ``text/plain`` is the same line,
    for a terminal, nbval and GitHub.
    """
    text = str(verdict)
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        print(text)
        return
    from IPython.display import display

    html = (
        '<pre class="nnlib-verdict" style="white-space: pre-wrap; word-break: normal; '
        f'overflow-wrap: break-word">{escape(text)}</pre>'
    )
    display({"text/plain": text, "text/html": html}, raw=True)


def exercise(title: str, *, warning_hint: str = "", warnings_fail: bool = True):
    """Turn ``diagnosis(session, attempt)`` into a check that prints one verdict.

    The check also gets a ``.verdict(attempt)`` attribute that returns the
    :class:`Verdict` instead of printing it (tests and solutions use it).
    """

    def wrap(diagnosis: Callable[[Session, Any], None]) -> Callable[[Any], None]:
        @functools.wraps(diagnosis)
        def verdict(attempt: Any) -> Verdict:
            session = Session(title, warning_hint=warning_hint, warnings_fail=warnings_fail)
            try:
                return _judge(session, diagnosis, attempt)
            finally:
                session.state.restore()

        def check(attempt: Any) -> None:
            show(verdict(attempt))

        check.__name__ = check.__qualname__ = diagnosis.__name__
        check.__doc__ = diagnosis.__doc__
        check.verdict = verdict
        return check

    return wrap


def _judge(session: Session, diagnosis: Callable[[Session, Any], None], attempt: Any) -> Verdict:
    title = session.title
    try:
        if attempt is None or not (callable(attempt) or hasattr(attempt, "backward")):
            return Verdict(title, FAILED, "pass your function (or class) itself, e.g. "
                           "check_x(my_x), without calling it: no () after its name")
        diagnosis(session, attempt)
        note = session.finish()
    except KeyboardInterrupt:
        raise
    except _NotAttempted:
        return Verdict(title, NOT_ATTEMPTED, "not attempted yet: replace the `raise "
                       "NotImplementedError` line with your code, then run the cell again")
    except Wrong as wrong:
        return Verdict(title, FAILED, _text(wrong))
    except BaseException as error:  # reader code outside a call (an attribute, a property)
        return Verdict(title, FAILED, "the check stopped at "
                       f"{_shorten(f'{type(error).__name__}: {_text(error)}')}")
    return Verdict(title, PASSED, f"passed, all {session.cases} cases{note}")
