"""Chapter 04 exercises: the sum of squared errors and cross-entropy, for one sample or a batch.

Each check calls the reader's ``f(y, t)`` on the book's example output (0.6 on class 2),
on a sample whose right class has probability 0, and on batches, and compares with
:func:`nnlib.functions.sum_squared_error` (the book's sum over everything, rows included)
and :func:`nnlib.functions.cross_entropy_error` (the book's average over the rows).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from nnlib.engines.exercise import Session, exercise, fmt
from nnlib.engines.references import cross_entropy_error, softmax, sum_squared_error, to_one_hot
from nnlib.i18n import _

__all__ = ["check_sum_squared_error", "check_cross_entropy_error"]

_BOOK_Y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
def _label_hint() -> str:
    return _("t holds class indices, not one-hot rows: take each row's probability of its "
           "label, y[np.arange(batch_size), t]")


class Case(NamedTuple):
    y: np.ndarray
    t: np.ndarray
    shows: str

    @property
    def batch(self) -> int:
        return len(self.y) if self.y.ndim == 2 else 1

    @property
    def labels(self) -> bool:
        return self.t.shape != self.y.shape


def _cases(*, labels: bool) -> list[Case]:
    rng = np.random.default_rng(4)
    batch_y = softmax(rng.normal(scale=2.0, size=(3, 10))).round(4)
    batch_t = np.array([2, 7, 0])
    cases = [
        Case(_BOOK_Y, to_one_hot(2).astype(float),
             _("for the book's y (0.6 on class 2), one-hot t for 2")),
        Case(_BOOK_Y, to_one_hot(7).astype(float),
             _("for the book's y (0.1 on class 7), one-hot t for 7")),
        Case(np.array([0.0, 0.9, 0.1]), np.array([1.0, 0.0, 0.0]),
             _("for y = [0, 0.9, 0.1], t one-hot 0 (the right class has probability 0)")),
        Case(_BOOK_Y[None, :], to_one_hot([2]).astype(float), _("for a batch of 1 row (y 2-D)")),
        Case(batch_y, to_one_hot(batch_t).astype(float),
             _("for a batch of 3 rows with one-hot t (labels {batch_t})").format(
               batch_t=fmt(batch_t))),
    ]
    if labels:
        cases.append(Case(batch_y, batch_t, _("for a batch of 3 rows with t = {batch_t}").format(
                                              batch_t=fmt(batch_t))))
    return cases


def _not_finite_hint(case: Case, value: float) -> str:
    """Why a cross-entropy came out inf or NaN for this case: which log(0) did it."""
    rows = case.y.reshape(-1, case.y.shape[-1])
    target = (to_one_hot(case.t, rows.shape[-1]) if case.labels else case.t).reshape(rows.shape)
    right = rows[target == 1]
    zero_in_wrong = bool(np.any((rows == 0) & (target == 0)))
    fix = _("add a tiny delta inside log, np.log(y + 1e-7), as the book does")
    if math.isnan(value) and zero_in_wrong:
        said = (_("the right class has probability {fmt}").format(
                  fmt=fmt(right[0])) if right.size == 1
                else _("the right classes have probabilities {right}").format(right=fmt(right)))
        return (_("y is 0 in some wrong classes, where np.log(0) is -inf and t * log(y) is 0 * "
                  "-inf = NaN, not 0 ({said}, so that is not the cause); {fix}").format(
                  said=said, fix=fix))
    if np.any(right == 0):
        return _("the right class has probability 0 here, and -log(0) is inf; {fix}").format(
                 fix=fix)
    return _("some log(0) got into the sum; {fix}").format(fix=fix)


def _scale_hint(case: Case, ratio: float, *, num_classes: int,
                batch_ratio: Callable[[], float | None]) -> str | None:
    """Hints for an answer that is the right one times a constant.

    ``batch_ratio()`` runs the reader's function on a batch, to tell np.mean (1/classes on
    a batch too) from a single sample divided by y.shape[0] (right on a batch).
    """
    if case.batch > 1 and math.isclose(ratio, case.batch):
        return (_("{batch} times too large: that is the total over the batch; divide by the "
                  "batch size, y.shape[0]").format(batch=case.batch))
    if math.isclose(ratio, 1 / num_classes):
        on_batch = batch_ratio() if case.y.ndim == 1 else ratio
        if on_batch is None or not math.isclose(on_batch, ratio):
            return (_("1/{num_classes} of the answer: for a single 1-D sample y.shape[0] is "
                      "the number of classes ({num_classes}), not the batch size; reshape y "
                      "and t to one row first, y.reshape(1, -1)").format(
                      num_classes=num_classes))
        return (_("1/{num_classes} of the answer: np.mean also averages over the {num_classes} "
                  "classes; sum over the classes, then divide by the batch size").format(
                  num_classes=num_classes))
    return None


def _run(session: Session, attempt: Callable, reference: Callable, cases: list[Case],
         diagnose: Callable[[Case, float, float], str | None], *, averaged: bool) -> None:
    """Compare on every case; ``averaged`` says whether a batch's loss is a mean or a sum."""
    combine = _("average them") if averaged else _("add them up, as the book's np.sum does,")
    for case in cases:
        def on_error(error: BaseException, case: Case = case) -> str | None:
            return _label_hint() if case.labels else None

        result = session.call(attempt, case.y, case.t, shows=case.shows, names=("y", "t"),
                              on_error=on_error,
                              on_change=_("compute with new arrays (y + delta), never y += ..."))
        expected = reference(case.y, case.t)

        def batch_ratio() -> float | None:
            batch = next(c for c in cases if c.batch > 1 and not c.labels)
            try:
                value = session.call(attempt, batch.y, batch.t, shows=batch.shows)
                return float(value) / reference(batch.y, batch.t)
            except Exception:
                return None

        def hint(value: float | np.ndarray, case: Case = case, expected: float = expected
                 ) -> str | None:
            prefix = _("{shows} you returned").format(shows=case.shows)
            if np.ndim(value) == 1 and np.size(value) == case.batch:
                return _("{prefix} one loss per row, {value}: {combine} into one number").format(
                         prefix=prefix, value=fmt(value), combine=combine)
            if np.ndim(value) != 0:
                return None
            value = float(value)
            said = _("{prefix} {value}, expected {expected}").format(
                     prefix=prefix, value=fmt(value), expected=fmt(expected))
            specific = diagnose(case, value, expected)
            if specific is None and case.labels:
                specific = _label_hint()
            if specific is None and averaged and expected != 0 and np.isfinite(value):
                specific = _scale_hint(case, value / expected, num_classes=case.y.shape[-1],
                                       batch_ratio=batch_ratio)
            return _("{said}: {specific}").format(
                     said=said, specific=specific) if specific else None

        session.expect_number(result, expected, case.shows, rtol=1e-5, atol=1e-6,
                              diagnose=hint)


@exercise(lambda: _("sum of squared errors"))
def check_sum_squared_error(session: Session, attempt: Callable) -> None:
    """Check ``attempt(y, t)`` = 1/2 sum (y - t)^2 for one-hot ``t``, summed over a batch too.

    That is the book's 2乗和誤差, ``0.5 * np.sum((y - t)**2)``, and it passes as it stands.
    """

    def diagnose(case: Case, value: float, expected: float) -> str | None:
        if math.isclose(value, 2 * expected, rel_tol=1e-5):
            return _("twice the answer: the formula has a factor 1/2 in front")
        if abs(value) < 1e-6 or math.isclose(value, float(np.sum(case.y - case.t))):
            return _("did you forget to square? 0.5 * np.sum((y - t) ** 2)")
        if math.isclose(value, math.sqrt(2 * expected), rel_tol=1e-5):
            return _("that is a square root: the sum of squares needs no np.sqrt")
        ratio = value / expected if expected else math.nan
        if case.batch > 1 and math.isclose(ratio, 1 / case.batch, rel_tol=1e-5):
            return (_("that is the average over the {batch} rows; the book's 2乗和誤差 adds up "
                      "every row, 0.5 * np.sum((y - t) ** 2), with no division (cross-entropy "
                      "is the one the book averages over the batch)").format(
                      batch=case.batch))
        for size in {case.y.shape[-1], case.y.size}:
            if size > 1 and math.isclose(ratio, 1 / size, rel_tol=1e-5):
                return (_("1/{size} of the answer: np.mean, or dividing by y.shape[0] or "
                          "y.size, divides by the entries; the sum of squares is a plain sum, "
                          "0.5 * np.sum((y - t) ** 2)").format(size=size))
        return None

    _run(session, attempt, sum_squared_error, _cases(labels=False), diagnose, averaged=False)


@exercise(lambda: _("cross-entropy error"),
          warning_hint=lambda: _("log(0) warned; add a tiny delta inside log"))
def check_cross_entropy_error(session: Session, attempt: Callable) -> None:
    """Check ``attempt(y, t)`` = -sum t log(y + 1e-7), one-hot or integer ``t``, batch mean."""

    def diagnose(case: Case, value: float, expected: float) -> str | None:
        if math.isinf(value) or math.isnan(value):
            return _not_finite_hint(case, value)
        if math.isclose(value, -expected, rel_tol=1e-5):
            return _("the sign is flipped: E = -sum(t * log(y)), with a minus in front")
        if math.isclose(value, expected / math.log(10), rel_tol=1e-4):
            return _("np.log10 is the base-10 log; cross-entropy uses the natural log, np.log")
        return None

    _run(session, attempt, cross_entropy_error, _cases(labels=True), diagnose, averaged=True)
