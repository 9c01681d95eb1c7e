"""The engine every exercise check shares: run the reader's code safely, give one result.

The public API chapters use, gathered from the engine's parts:

- :mod:`nnlib.engines.checks`: :func:`exercise` (the decorator), :class:`Session`
  (``call``, ``expect_array``, ``expect_number``, ``finish``), :class:`Wrong`,
  :class:`CheckResult`;
- :mod:`nnlib.engines.sandbox`: what an attempt cannot change or escape, and the time
  budget (:data:`nnlib.engines.sandbox.TIME_LIMIT`);
- :mod:`nnlib.engines.formatting`: :func:`fmt`, a number or an array as one short line;
- :mod:`nnlib.engines.hints`: :func:`scale_between`, the factor a wrong answer is off by;
- :mod:`nnlib.engines.references`: nnlib's own callables, for the checks' right answers;
- :mod:`nnlib.engines.display`: :func:`show`, the one line in a notebook.
"""

from __future__ import annotations

from nnlib.engines.checks import CheckResult, Session, Wrong, exercise
from nnlib.engines.display import show
from nnlib.engines.formatting import fmt
from nnlib.engines.hints import scale_between

__all__ = ["CheckResult", "Wrong", "Session", "exercise", "fmt", "scale_between", "show"]
