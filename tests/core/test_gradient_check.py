"""nnlib.gradient_check: the errors against a hand computation, and the table's powers of ten."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib.gradient_check import GradientError, format_gradient_table, gradient_errors


def test_errors_are_the_largest_absolute_and_relative_difference():
    numerical = {"W": np.array([[1.0, -2.0], [0.5, 4.0]]), "b": np.zeros(2)}
    backprop = {"W": np.array([[1.0, -2.001], [0.5, 4.0]]), "b": np.zeros(2)}
    w, b = gradient_errors(numerical, backprop)
    assert w == GradientError("W", (2, 2), pytest.approx(0.001), pytest.approx(0.001 / 4.0))
    assert (b.max_abs, b.max_rel) == (0.0, 0.0)  # both exactly zero: no division by zero


def test_table_shows_powers_of_ten_or_digits():
    rows = [GradientError("W1", (3, 2), 2.7e-7, 8e-11), GradientError("b1", (2,), 0.0, 0.0)]
    lines = format_gradient_table(rows).splitlines()
    assert lines[1].split() == ["W1", "(3,", "2)", "1e-07", "1e-10"]
    assert lines[2].split()[-2:] == ["0", "0"]
    assert "2.70e-07" in format_gradient_table(rows, digits=3)


def test_mismatched_gradients_are_refused():
    with pytest.raises(ValueError, match="different parameters"):
        gradient_errors({"W": np.ones(2)}, {"b": np.ones(2)})
    with pytest.raises(ValueError, match="shape"):
        gradient_errors({"W": np.ones(2)}, {"W": np.ones(3)})
    with pytest.raises(ValueError, match="NaN"):
        gradient_errors({"W": np.array([np.nan])}, {"W": np.ones(1)})
