"""nnlib.layers: every backward against central differences (float64), the book's
shopping numbers, closed forms for softmax-with-loss, and clear errors on bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnlib.gradient import numerical_gradient
from nnlib.layers import (
    AddLayer,
    Affine,
    MulLayer,
    OverflowWarning,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    Tanh,
)

small_dims = st.integers(min_value=1, max_value=5)
seeds = st.integers(min_value=0, max_value=2**32 - 1)
TOL = dict(rtol=1e-6, atol=1e-7)


def check_input_gradient(forward, backward, x, rng):
    """Compare backward(G) with the numerical gradient of sum(forward(x) * G) at x."""
    out = forward(x)
    upstream = rng.standard_normal(np.shape(out))
    analytic = backward(upstream)
    numeric = numerical_gradient(lambda _: float(np.sum(forward(x) * upstream)), x)
    np.testing.assert_allclose(analytic, numeric, **TOL)


# --- the book's shopping examples (exact up to float rounding of 1.1) ---------------------------


def test_apple_example_forward_and_backward():
    apple, _count, tax = MulLayer(), MulLayer(), MulLayer()
    price = tax.forward(apple.forward(100, 2), 1.1)
    d_apple_price, d_tax = tax.backward(1)
    d_apple, d_count = apple.backward(d_apple_price)
    assert price == pytest.approx(220, abs=1e-12)
    assert (d_apple, d_count, d_tax) == (pytest.approx(2.2), pytest.approx(110), 200)


def test_apple_and_orange_example():
    apple, orange, add, tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    total = add.forward(apple.forward(100, 2), orange.forward(150, 3))
    price = tax.forward(total, 1.1)
    d_total, d_tax = tax.backward(1)
    d_apples, d_oranges = add.backward(d_total)
    d_apple, d_apple_count = apple.backward(d_apples)
    d_orange, d_orange_count = orange.backward(d_oranges)
    assert price == pytest.approx(715, abs=1e-12)
    assert d_tax == 650
    assert (d_apple, d_apple_count) == (pytest.approx(2.2), pytest.approx(110))
    assert (d_orange, d_orange_count) == (pytest.approx(3.3), pytest.approx(165))


# --- gradients against numerical_gradient on random shapes --------------------------------------


@settings(max_examples=25, deadline=None)
@given(rows=small_dims, cols=small_dims, seed=seeds, broadcast=st.booleans())
def test_mul_and_add_gradients(rows, cols, seed, broadcast):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, cols))
    y = rng.standard_normal((1, cols) if broadcast else (rows, cols))  # y reused down the rows
    for layer in (MulLayer(), AddLayer()):
        upstream = rng.standard_normal((rows, cols))
        layer.forward(x, y)
        dx, dy = layer.backward(upstream)
        assert dy.shape == y.shape
        fx = lambda _, layer=layer, g=upstream: float(np.sum(layer.forward(x, y) * g))  # noqa: E731
        np.testing.assert_allclose(dx, numerical_gradient(fx, x), **TOL)
        np.testing.assert_allclose(dy, numerical_gradient(fx, y), **TOL)


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(small_dims, min_size=1, max_size=3), seed=seeds)
def test_relu_gradient(shape, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    x += np.where(x >= 0, 0.01, -0.01)  # keep away from the kink at 0, where h would straddle it
    layer = Relu()
    check_input_gradient(layer.forward, layer.backward, x, rng)


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(small_dims, min_size=1, max_size=3), seed=seeds)
def test_sigmoid_gradient(shape, seed):
    rng = np.random.default_rng(seed)
    layer = Sigmoid()
    check_input_gradient(layer.forward, layer.backward, 3 * rng.standard_normal(shape), rng)


@settings(max_examples=25, deadline=None)
@given(
    batch=small_dims, sample=st.lists(small_dims, min_size=1, max_size=3), out=small_dims,
    seed=seeds,
)
def test_affine_gradients(batch, sample, out, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, *sample))  # extra sample dims are flattened
    W = rng.standard_normal((int(np.prod(sample)), out))
    b = rng.standard_normal(out)
    layer = Affine(W, b)
    upstream = rng.standard_normal((batch, out))
    layer.forward(x)
    dx = layer.backward(upstream)
    assert dx.shape == x.shape
    # The layer holds W and b by reference, so perturbing them in place changes its output.
    f = lambda _: float(np.sum(layer.forward(x) * upstream))  # noqa: E731
    np.testing.assert_allclose(dx, numerical_gradient(f, x), **TOL)
    np.testing.assert_allclose(layer.dW, numerical_gradient(f, W), **TOL)
    np.testing.assert_allclose(layer.db, numerical_gradient(f, b), **TOL)


def test_affine_matches_matrix_formula_and_one_sample():
    rng = np.random.default_rng(0)
    W, b = rng.standard_normal((4, 3)), rng.standard_normal(3)
    x = rng.standard_normal(4)
    layer = Affine(W, b)
    by_hand = [sum(x[i] * W[i, j] for i in range(4)) + b[j] for j in range(3)]
    np.testing.assert_allclose(layer.forward(x), [by_hand])
    assert layer.backward(np.ones((1, 3))).shape == (4,)


@settings(max_examples=25, deadline=None)
@given(
    batch=small_dims, classes=st.integers(2, 6), seed=seeds, one_hot=st.booleans(),
    dout=st.floats(0.1, 3),
)
def test_softmax_with_loss_gradient(batch, classes, seed, one_hot, dout):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, batch)
    x = rng.standard_normal((batch, classes))
    # y - t is the exact gradient of -log y_t; the book's delta inside the log, log(y_t + 1e-7),
    # changes it by about 1e-7 / y_t, so keep y_t well above 0 for a tight comparison.
    x[np.arange(batch), labels] += 2.0
    t = np.eye(classes)[labels] if one_hot else labels
    layer = SoftmaxWithLoss()
    layer.forward(x, t)
    analytic = layer.backward(dout)
    numeric = numerical_gradient(lambda _: dout * layer.forward(x, t), x)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def test_softmax_with_loss_matches_log_sum_exp():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 4))
    t = np.array([0, 1, 2, 3, 0, 1])
    # -log softmax(x)[t] = logsumexp(x) - x[t], computed directly (no softmax, no delta).
    expected = np.mean(np.log(np.exp(x).sum(axis=1)) - x[np.arange(6), t])
    assert SoftmaxWithLoss().forward(x, t) == pytest.approx(expected, rel=1e-6)
    layer = SoftmaxWithLoss()
    layer.forward(x, t)
    probabilities = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(layer.backward(), (probabilities - np.eye(4)[t]) / 6)


@pytest.mark.parametrize("scale", [1e3, 1e30, 1e300])
def test_softmax_with_loss_is_stable_for_huge_logits(scale):
    x = np.array([[scale, 0.0, -scale], [-scale, scale, 0.0]])
    layer = SoftmaxWithLoss()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = layer.forward(x, np.array([0, 0]))
        dx = layer.backward()
    # Row 1 is right with certainty (cost 0); row 2 is wrong with certainty (cost -log 1e-7).
    assert loss == pytest.approx(-np.log(1e-7) / 2, rel=1e-6)
    assert np.all(np.isfinite(dx))


@pytest.mark.parametrize(("layer", "bad"), [  # tanh(inf) = 1 is right: no error
    (Relu(), np.inf), (Relu(), np.nan), (Tanh(), np.nan), (SoftmaxWithLoss(), np.inf),
    (SoftmaxWithLoss(), np.nan)])
def test_a_layer_called_directly_names_a_non_finite_input(layer, bad):
    args = (np.array([[bad, 0.0]]),) + ((np.array([1]),) if isinstance(layer, SoftmaxWithLoss)
                                        else ())
    with pytest.raises(ValueError, match=r"x contains NaN or inf"):
        layer.forward(*args)



def test_float32_stays_float32():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 4)).astype(np.float32)
    W, b = np.ones((4, 2), np.float32), np.zeros(2, np.float32)
    affine, relu = Affine(W, b), Relu()
    out = relu.forward(affine.forward(x))
    assert out.dtype == np.float32
    dx = affine.backward(relu.backward(np.ones_like(out)))
    assert (dx.dtype, affine.dW.dtype, affine.db.dtype) == (np.float32,) * 3


def test_layers_do_not_mutate_inputs():
    x = np.array([[-1.0, 2.0]])
    before = x.copy()
    Relu().forward(x)
    Sigmoid().forward(x)
    Affine(np.ones((2, 2)), np.zeros(2)).forward(x)
    layer = SoftmaxWithLoss()
    layer.forward(x, np.array([1]))
    layer.backward()
    np.testing.assert_array_equal(x, before)


# --- clear errors -------------------------------------------------------------------------------


def test_affine_rejects_integer_weights_and_bad_shapes():
    with pytest.raises(TypeError, match="float"):
        Affine(np.ones((2, 3), dtype=int), np.zeros(3))
    with pytest.raises(ValueError, match="b must have shape"):
        Affine(np.ones((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="2-D"):
        Affine(np.ones(3), np.zeros(3))
    layer = Affine(np.ones((4, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="expects 4"):
        layer.forward(np.ones((2, 5)))
    with pytest.raises(TypeError, match="dtype"):
        layer.forward(np.array([["a", "b", "c", "d"]]))
    layer.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match="dout"):
        layer.backward(np.ones((2, 4)))


def test_activation_layers_check_dout_shape():
    for layer in (Relu(), Sigmoid()):
        layer.forward(np.ones((2, 3)))
        with pytest.raises(ValueError, match="dout"):
            layer.backward(np.ones(3))


@pytest.mark.parametrize(
    ("labels", "error", "word"),
    [
        (np.array([0, 3]), ValueError, "0..2"),
        (np.array([0, -1]), ValueError, "0..2"),
        (np.array([0.0, 1.0]), TypeError, "integer"),
        (np.array([0, 1, 2]), ValueError, "shapes"),
        (np.array([[1, 1, 0], [0, 0, 1]]), ValueError, "one-hot"),
        (np.array(["a", "b"]), TypeError, "dtype"),
    ],
)
def test_softmax_with_loss_rejects_bad_labels(labels, error, word):
    with pytest.raises(error, match=word):
        SoftmaxWithLoss().forward(np.zeros((2, 3)), labels)


def test_softmax_with_loss_rejects_bad_logits_and_dout():
    layer = SoftmaxWithLoss()
    with pytest.raises(ValueError, match="1-D"):
        layer.forward(np.zeros((2, 3, 4)), np.zeros((2, 3), dtype=int))
    layer.forward(np.zeros((2, 3)), np.array([0, 1]))
    with pytest.raises(ValueError, match="scalar"):
        layer.backward(np.ones(2))


def test_mul_layer_rejects_strings():
    with pytest.raises(TypeError, match="real number"):
        MulLayer().forward("apple", 2)


@settings(max_examples=20, deadline=None)
@given(shape=st.sampled_from([(5,), (3, 4), (2, 3, 2)]), seed=st.integers(0, 2**32 - 1))
def test_tanh_gradient(shape, seed):
    rng = np.random.default_rng(seed)
    layer = Tanh()
    x = 2 * rng.standard_normal(shape)
    np.testing.assert_allclose(layer.forward(x), np.tanh(x))
    check_input_gradient(layer.forward, layer.backward, x, rng)


def test_tanh_closed_form_and_checks():
    layer = Tanh()
    y = layer.forward(np.array([0.0, np.log(2.0)]))  # tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 0.6
    np.testing.assert_allclose(y, [0.0, 0.6])
    np.testing.assert_allclose(layer.backward(np.array([1.0, 2.0])), [1.0, 2 * (1 - 0.36)])
    with pytest.raises(ValueError, match="dout has shape"):
        layer.backward(np.ones(3))
    with pytest.raises(TypeError, match="dtype"):
        layer.forward(np.array(["a"]))
    assert layer.forward(np.ones(2, dtype=np.float32)).dtype == np.float32


# --- overflow: the book's number, said by name ---------------------------------------------------


@pytest.mark.parametrize("layer_and_args", [
    lambda: (AddLayer(), (1e308, 1e308)),
    lambda: (MulLayer(), (1e308, 1e308)),
    lambda: (MulLayer(), (np.array([1e308, 1.0]), np.array([10.0, 2.0]))),
    lambda: (Affine(np.ones((2, 1)), np.zeros(1)), (np.array([[1e308, 1e308]]),)),
])
def test_overflow_keeps_inf_and_says_so_by_name(layer_and_args):
    layer, args = layer_and_args()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = layer.forward(*args)
    assert np.isinf(out).any()  # the number the book's code gives
    assert [w.category for w in caught] == [OverflowWarning]  # no numpy RuntimeWarning
    assert type(layer).__name__ in str(caught[0].message)


def test_affine_refuses_nan_weights():
    with pytest.raises(ValueError, match="W contains NaN"):
        Affine(np.array([[1.0, np.nan]]), np.zeros(2))
    with pytest.raises(ValueError, match="b contains NaN"):
        Affine(np.ones((1, 2)), np.array([0.0, np.inf]))


def test_backward_before_forward_says_so():
    for layer in (Relu(), Sigmoid(), Tanh(), Affine(np.ones((2, 2)), np.zeros(2)), MulLayer(),
                  AddLayer(), SoftmaxWithLoss()):
        with pytest.raises(RuntimeError, match="before forward"):
            layer.backward(np.ones((1, 2)) if not isinstance(layer, SoftmaxWithLoss) else 1.0)


def test_relu_leaves_dout_alone_and_gives_no_negative_zero():
    layer = Relu()
    out = layer.forward(np.array([-2.0, 0.0, 3.0]))
    assert not np.signbit(out).any()
    dout = np.array([5.0, 6.0, 7.0])
    np.testing.assert_array_equal(layer.backward(dout), [0.0, 0.0, 7.0])
    np.testing.assert_array_equal(dout, [5.0, 6.0, 7.0])


# --- Batch Normalization and Dropout (book §6.3, §6.4) -----------------------------------------

from nnlib.layers import BatchNormalization, Dropout  # noqa: E402


def _bn(features, rng, **kwargs):
    gamma = 0.5 + rng.random(features)
    beta = rng.standard_normal(features)
    return BatchNormalization(gamma, beta, **kwargs), gamma, beta


@settings(max_examples=25, deadline=None)
@given(batch=st.integers(2, 6), shape=st.sampled_from([(3,), (2, 2, 2)]), seed=seeds)
def test_batchnorm_backward_matches_numerical_gradients(batch, shape, seed):
    rng = np.random.default_rng(seed)
    bn, gamma, beta = _bn(int(np.prod(shape)), rng)
    x = rng.standard_normal((batch, *shape))
    # a feature whose batch values nearly agree has a steep slope (1 / std): central
    # differences with h = 1e-4 cannot follow it, so such batches are left out
    assume(x.reshape(batch, -1).var(axis=0).min() > 0.01)
    upstream = rng.standard_normal(x.shape)
    bn.forward(x, train_flg=True)
    dx = bn.backward(upstream)

    def objective(_):  # sum(out * G): its gradient is what backward(G) returns
        return float(np.sum(bn.forward(x, train_flg=True) * upstream))

    np.testing.assert_allclose(dx, numerical_gradient(objective, x), rtol=1e-5, atol=1e-6)
    dgamma, dbeta = bn.dgamma.copy(), bn.dbeta.copy()
    np.testing.assert_allclose(dgamma, numerical_gradient(objective, gamma), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dbeta, numerical_gradient(objective, beta), rtol=1e-5, atol=1e-6)


def test_batchnorm_one_training_step_in_closed_form():
    # one feature, the batch [1, 2, 3, 6]: mean 3, variance (4 + 1 + 0 + 9) / 4 = 3.5
    x = np.array([[1.0], [2.0], [3.0], [6.0]])
    bn = BatchNormalization(np.array([2.0]), np.array([0.5]), momentum=0.9)
    out = bn.forward(x, train_flg=True)
    std = np.sqrt(3.5 + 1e-6)  # the book's eps, 10e-7
    np.testing.assert_allclose(out[:, 0], 2.0 * (np.array([1, 2, 3, 6]) - 3) / std + 0.5,
                               rtol=1e-14)
    # running statistics: 0.9 * 0 + 0.1 * batch statistic, from zeros on the first forward
    np.testing.assert_allclose(bn.running_mean, [0.3])
    np.testing.assert_allclose(bn.running_var, [0.35])
    # inference uses them: (x - 0.3) / sqrt(0.35 + 1e-6) * 2 + 0.5
    np.testing.assert_allclose(bn.forward(np.array([[1.3]]), train_flg=False),
                               [[2.0 / np.sqrt(0.35 + 1e-6) + 0.5]], rtol=1e-14)
    # backward of dout = 1 everywhere: dbeta = N, dgamma = sum(xn) = 0, dx = 0 (a shift of all
    # outputs cannot be reached by moving x: normalization removes it)
    bn.forward(x, train_flg=True)
    dx = bn.backward(np.ones_like(x))
    np.testing.assert_allclose(bn.dbeta, [4.0])
    np.testing.assert_allclose(bn.dgamma, [0.0], atol=1e-14)
    np.testing.assert_allclose(dx, 0.0, atol=1e-14)


@settings(max_examples=25, deadline=None)
@given(batch=st.integers(2, 8), features=st.integers(1, 4), seed=seeds,
       shift=st.floats(-100, 100), scale=st.floats(0.1, 10))
def test_batchnorm_training_output_has_mean_beta_and_ignores_shift_and_scale(
        batch, features, seed, shift, scale):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, features))
    assume(x.var(axis=0).min() > 0.01)  # eps = 1e-6 matters only against a tiny variance
    bn, gamma, beta = _bn(features, rng)
    out = bn.forward(x, train_flg=True)
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-9)
    # an affine change of every feature changes nothing, up to the eps in sqrt(var + eps)
    moved = BatchNormalization(gamma.copy(), beta.copy()).forward(shift + scale * x, True)
    np.testing.assert_allclose(moved, out, atol=1e-3 * (1 + 1 / scale**2))


def test_batchnorm_flattens_images_and_keeps_input_and_params():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 2, 3, 2))
    before = x.copy()
    bn, gamma, _ = _bn(12, rng)
    rows = BatchNormalization(gamma.copy(), bn.beta.copy()).forward(x.reshape(5, 12))
    out = bn.forward(x)
    assert out.shape == x.shape and np.array_equal(x, before)
    np.testing.assert_array_equal(out.reshape(5, 12), rows)
    assert bn.backward(np.ones_like(x)).shape == x.shape
    assert bn.gamma is gamma  # by reference, as a network's params need


def test_batchnorm_rejects_bad_input():
    with pytest.raises(TypeError, match="gamma"):
        BatchNormalization(np.ones(3, dtype=int), np.zeros(3))
    with pytest.raises(ValueError, match="beta has shape"):
        BatchNormalization(np.ones(3), np.zeros(2))
    with pytest.raises(ValueError, match="momentum"):
        BatchNormalization(np.ones(3), np.zeros(3), momentum=1.5)
    bn = BatchNormalization(np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match="4 features per sample"):
        bn.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match="batch of samples"):
        bn.forward(np.ones(3))
    with pytest.raises(RuntimeError, match="before forward"):
        bn.backward(np.ones((2, 3)))
    bn.forward(np.arange(6.0).reshape(2, 3))
    with pytest.raises(ValueError, match="dout has shape"):
        bn.backward(np.ones((3, 3)))


def test_dropout_book_numbers_in_training_and_inference():
    x = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])
    np.random.seed(0)  # noqa: NPY002 - the book's global random state
    mask = np.random.rand(2, 3) > 0.5  # noqa: NPY002 - what the book's forward draws
    np.random.seed(0)  # noqa: NPY002
    layer = Dropout(0.5)
    out = layer.forward(x, train_flg=True)
    np.testing.assert_array_equal(out, x * mask)  # kept as they are, not divided by 0.5
    np.testing.assert_array_equal(layer.backward(np.full((2, 3), 7.0)), 7.0 * mask)
    # inference: every output times 1 - ratio (the book's, not inverted dropout's x)
    np.testing.assert_array_equal(Dropout(0.2).forward(x, train_flg=False), x * 0.8)


@settings(max_examples=25, deadline=None)
@given(ratio=st.floats(0, 1), seed=seeds)
def test_dropout_keeps_x_or_zero_and_repeats_with_a_seed(ratio, seed):
    x = np.random.default_rng(seed).standard_normal((20, 10)) + 10  # no zeros in x
    a, b = Dropout(ratio, rng=seed), Dropout(ratio, rng=seed)
    out = a.forward(x)
    np.testing.assert_array_equal(out, b.forward(x))
    kept = out != 0
    np.testing.assert_array_equal(out[kept], x[kept])
    np.testing.assert_array_equal(a.backward(np.ones_like(x)), kept.astype(float))
    np.testing.assert_array_equal(a.mask, np.random.default_rng(seed).random(x.shape) > ratio)


def test_dropout_rejects_bad_ratio_and_rng():
    with pytest.raises(ValueError, match="dropout_ratio"):
        Dropout(1.5)
    with pytest.raises(TypeError, match="dropout_ratio"):
        Dropout("0.5")
    with pytest.raises(TypeError, match="rng"):
        Dropout(0.5, rng=0.5)
    with pytest.raises(RuntimeError, match="before forward"):
        Dropout().backward(np.ones(3))
