"""nnlib._checks: each helper accepts what it should, unchanged, and refuses the rest with the
argument's name in the message."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nnlib import _checks


def test_as_float_array_keeps_float32_converts_the_rest_and_never_mutates():
    x32 = np.array([1.0, 2.0], np.float32)
    assert _checks.as_float_array(x32, "x") is x32
    ints = np.array([1, 2])
    out = _checks.as_float_array(ints, "x")
    assert out.dtype == np.float64 and ints.dtype.kind == "i"
    for bad, error in ((["a"], TypeError), ([np.nan], ValueError), ([], ValueError),
                       ([[1, 2], [3]], ValueError)):
        with pytest.raises(error, match="x"):
            _checks.as_float_array(bad, "x")


def test_check_dout_says_forward_first_and_checks_the_shape():
    class Layer:
        pass

    with pytest.raises(RuntimeError, match="Layer.backward was called before forward"):
        _checks.check_dout(np.ones(2), None, Layer())
    kept = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        _checks.check_dout(np.ones(3), kept, Layer())
    assert _checks.check_dout(2, (), Layer()) == 2  # a number stays a number
    with pytest.raises(ValueError, match="dout"):
        _checks.check_dout(float("inf"), (), Layer())


def test_affine_params_refuse_nan_integers_and_bad_shapes():
    W, b = np.ones((3, 2)), np.zeros(2)
    W2, b2 = _checks.affine_params(W, b)
    assert W2 is W and b2 is b  # by reference: the network's params are the layer's
    for bad_W, bad_b, error, word in [
        (np.array([[np.nan, 1.0]]), np.zeros(2), ValueError, "W contains NaN"),
        (W, np.array([0.0, np.inf]), ValueError, "b contains NaN"),
        (np.ones((3, 2), int), b, TypeError, "float"),
        (np.ones(3), np.zeros(3), ValueError, "2-D"),
        (W, np.zeros(3), ValueError, "b must have shape"),
    ]:
        with pytest.raises(error, match=word):
            _checks.affine_params(bad_W, bad_b)


def test_affine_rows_flattens_each_sample():
    W = np.ones((6, 2))
    x = np.arange(12.0).reshape(2, 2, 3)
    np.testing.assert_array_equal(_checks.affine_rows(x, W), x.reshape(2, 6))
    assert _checks.affine_rows(np.ones(6), W).shape == (1, 6)
    with pytest.raises(ValueError, match="expects 6"):
        _checks.affine_rows(np.ones((2, 5)), W)


@pytest.mark.parametrize(("t", "expected"), [
    (np.array([2, 0]), [2, 0]),
    (np.array([[0, 0, 1], [1, 0, 0]]), [2, 0]),
])
def test_class_indices_of_labels_and_one_hot_rows(t, expected):
    np.testing.assert_array_equal(_checks.class_indices(t, (2, 3)), expected)


def test_data_array_refuses_nan_inf_and_values_too_large_for_the_dtype():
    f32 = np.dtype(np.float32)
    x = np.ones((2, 3), np.float32)
    assert _checks.data_array(x, f32) is x
    for bad in (np.nan, np.inf, -np.inf):
        y = x.copy()
        y[1, 1] = bad
        with pytest.raises(ValueError, match="x contains NaN or inf"):
            _checks.data_array(y, f32)
        assert _checks.data_array(y, f32, scan=False) is y  # the caller checks instead
    with pytest.raises(ValueError, match="too large for float32"):
        _checks.data_array(np.full((1, 2), 1e308), f32, "x_train")
    with pytest.raises(TypeError, match="x"):
        _checks.data_array(np.array([["a"]]), f32)


def test_two_operands_copy_arrays_keep_numbers_and_say_what_does_not_broadcast():
    x = np.ones(3)
    x2, y2, shape = _checks.two_operands(x, 2)
    assert x2 is not x and y2 == 2 and shape == (3,)
    with pytest.raises(ValueError, match="broadcast"):
        _checks.two_operands(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="y must be finite"):
        _checks.two_operands(1.0, float("nan"))


def test_warns_on_overflow_keeps_the_number_and_names_the_warning():
    class Node:
        @_checks.warns_on_overflow("x * y")
        def forward(self, x, y):
            return np.multiply(x, y)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = Node().forward(np.array(1e308), np.array(10.0))
    assert np.isinf(out)
    assert [w.category for w in caught] == [_checks.OverflowWarning]
    assert "Node.forward: x * y overflowed" in str(caught[0].message)
    assert issubclass(_checks.OverflowWarning, UserWarning)


def test_counts_seeds_dtypes_and_non_negative_numbers():
    assert _checks.check_count(3, "n", minimum=1) == 3
    with pytest.raises(TypeError, match="n"):
        _checks.check_count(2.5, "n")
    assert _checks.check_seed(None) is None
    with pytest.raises(ValueError, match="seed"):
        _checks.check_seed(-1)
    assert _checks.check_dtype(np.float32) == np.float32
    with pytest.raises(TypeError, match="dtype"):
        _checks.check_dtype(np.int32)
    assert _checks.check_non_negative(0, "lam") == 0.0
    with pytest.raises(ValueError, match="lam"):
        _checks.check_non_negative(float("inf"), "lam")
