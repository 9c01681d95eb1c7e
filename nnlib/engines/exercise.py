"""The engine every exercise check shares: run the reader's code safely, give one result.

The public API chapters use, gathered from the engine's parts:

- this module: :func:`exercise`, the decorator that turns a diagnosis into a check;
- :mod:`nnlib.engines.checks`: :class:`Session` (``call``, ``expect_array``,
  ``expect_number``, ``finish``), :class:`Wrong`, :class:`CheckResult`;
- :mod:`nnlib.engines.sandbox`: what an attempt cannot change or escape, and the time
  budget (:data:`nnlib.engines.sandbox.TIME_LIMIT`);
- :mod:`nnlib.engines.formatting`: :func:`fmt`, a number or an array as one short line;
- :mod:`nnlib.engines.hints`: :func:`scale_between`, the factor a wrong answer is off by;
- :mod:`nnlib.engines.references`: nnlib's own callables, for the checks' right answers;
- :mod:`nnlib.engines.display`: :func:`show`, the one line in a notebook.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol, cast

from nnlib.engines.checks import (
    FAILED,
    NOT_ATTEMPTED,
    PASSED,
    CheckResult,
    Session,
    Wrong,
    _NotAttempted,
)
from nnlib.engines.display import show
from nnlib.engines.formatting import fmt, safe_text, shorten
from nnlib.engines.hints import scale_between
from nnlib.engines.references import register_checks
from nnlib.i18n import _

__all__ = ["CheckResult", "Wrong", "Session", "exercise", "fmt", "scale_between", "show"]


class Check(Protocol):
    """What :func:`exercise` returns: ``check(attempt)`` prints one line, ``.result`` (or
    ``.verdict``) returns the :class:`CheckResult`."""

    result: Callable[[Any], CheckResult]
    verdict: Callable[[Any], CheckResult]

    def __call__(self, attempt: Any) -> None: ...


def exercise(title: str | Callable[[], str], *,
             warning_hint: str | Callable[[], str] = "", warnings_fail: bool = True):
    """Turn ``diagnosis(session, attempt)`` into a check that prints one line.

    ``title`` and ``warning_hint`` may be functions that return the text, e.g.
    ``lambda: _("softmax")``: they are called each time the check runs, so the text is
    in the language :func:`nnlib.set_language` chose last, not the one at import.

    The check also gets a ``.result(attempt)`` attribute (also called ``.verdict``) that
    returns the :class:`CheckResult` instead of printing it (tests and solutions use it).
    """

    def wrap(diagnosis: Callable[[Session, Any], None]) -> Check:
        register_checks(diagnosis.__module__)

        @functools.wraps(diagnosis)
        def result(attempt: Any) -> CheckResult:
            session = Session(_now(title), warning_hint=_now(warning_hint),
                              warnings_fail=warnings_fail)
            try:
                return _judge(session, diagnosis, attempt)
            finally:
                session.state.restore()

        def check(attempt: Any) -> None:
            show(result(attempt))

        check.__name__ = check.__qualname__ = diagnosis.__name__
        check.__doc__ = diagnosis.__doc__
        checker = cast(Check, check)  # the same function, given its two attributes here
        checker.result = checker.verdict = result
        return checker

    return wrap


def _now(text: str | Callable[[], str]) -> str:
    """A text given as itself or as a function that builds it (in the current language)."""
    return text() if callable(text) else text


def _judge(session: Session, diagnosis: Callable[[Session, Any], None],
           attempt: Any) -> CheckResult:
    title = session.title
    try:
        if attempt is None or not (callable(attempt) or hasattr(attempt, "backward")):
            return CheckResult(title, FAILED, _("pass your function (or class) itself, e.g. "
                                                "check_x(my_x), without calling it: no () "
                                                "after its name"))
        diagnosis(session, attempt)
        note = session.finish()
    except KeyboardInterrupt:
        raise
    except _NotAttempted:
        return CheckResult(title, NOT_ATTEMPTED, _("not attempted yet: replace the `raise "
                                                   "NotImplementedError` line with your code, "
                                                   "then run the cell again"))
    except Wrong as wrong:
        return CheckResult(title, FAILED, safe_text(wrong))
    except BaseException as error:  # reader code outside a call (an attribute, a property)
        stopped = shorten(f"{type(error).__name__}: {safe_text(error)}")
        return CheckResult(title, FAILED, _("the check stopped at {error}").format(error=stopped))
    return CheckResult(title, PASSED, _("passed, all {cases} cases{note}").format(
                                        cases=session.cases, note=note))
