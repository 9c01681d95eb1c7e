"""A check's one line: printed in a terminal, HTML that wraps between words in a kernel."""

from __future__ import annotations

import numpy as np
from support import exercise_checks

from nnlib.engines.checks import CheckResult
from nnlib.engines.display import show

ex = exercise_checks()


def test_outside_a_kernel_the_line_is_printed(capsys):
    show(CheckResult("relu", "passed", "passed, all 3 cases"))
    assert capsys.readouterr().out == "✓ relu: passed, all 3 cases\n"


def test_in_a_kernel_the_verdict_is_html_that_wraps_between_words(monkeypatch):
    import IPython

    shown = []

    class Shell:
        kernel = object()

    monkeypatch.setattr(IPython, "get_ipython", lambda: Shell())
    monkeypatch.setattr("IPython.display.display", lambda data, raw: shown.append(data))
    ex.check_softmax(lambda a: np.exp(a) / np.sum(np.exp(a)))
    (data,) = shown
    assert data["text/plain"].startswith("✗ softmax:") and "\n" not in data["text/plain"]
    assert "word-break: normal" in data["text/html"]
    assert "[1010, 1000, 990]" in data["text/html"]
