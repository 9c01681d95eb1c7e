"""One number formatter: fixed decimals or significant digits, never a negative zero."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlib.engines.formatting import fixed, fmt, significant


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (-0.0001, 2, "0.00"), (-0.0, 3, "0.000"), (-0.005, 2, "-0.01"), (1.5, 1, "1.5"),
    (-1e-9, 0, "0"), (float("-inf"), 2, "-inf"), (float("nan"), 2, "nan"),
])
def test_fixed_never_shows_minus_zero(value, decimals, text):
    assert fixed(value, decimals) == text


def test_fixed_sign_and_big_values():
    assert fixed(0.5, 2, sign=True) == "+0.50"
    assert fixed(-0.001, 2, sign=True) == "0.00" and fixed(0.0, 2, sign=True) == "0.00"
    assert fixed(-0.5, 2, sign=True) == "-0.50"
    assert fixed(123456.0, 2, big=1e4) == "1.23e+05" and fixed(12.0, 2, big=1e4) == "12.00"


@given(st.floats(allow_nan=False, allow_infinity=False, width=64), st.integers(0, 6))
def test_fixed_reads_back_as_the_rounded_value(value, decimals):
    text = fixed(value, decimals)
    assert not text.lstrip("-").strip("0.") == "" or not text.startswith("-")
    assert math.isclose(float(text), value, abs_tol=10.0 ** -decimals, rel_tol=1e-12)


def test_significant_and_fmt():
    assert significant(-1e-20, 3) == "-1e-20" and significant(-0.0) == "0"
    assert fmt(np.array([-0.0, 1.0])) == "[0, 1]"
    assert fmt(np.array([1010, 1000, 990])) == "[1010, 1000, 990]"
