"""nnlib.network.TwoLayerNet: backprop against numerical gradients, shared params, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnlib.datasets import load_mnist
from nnlib.functions import relu, softmax
from nnlib.gradient import numerical_gradient
from nnlib.layers import Affine, OverflowWarning
from nnlib.network import PARAM_NAMES, MultiLayerNet, TwoLayerNet


@settings(max_examples=15, deadline=None)
@given(
    sizes=st.tuples(st.integers(1, 6), st.integers(1, 5), st.integers(2, 4)),
    batch=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
    one_hot=st.booleans(),
)
def test_backprop_matches_numerical_gradient_for_every_parameter(sizes, batch, seed, one_hot):
    rng = np.random.default_rng(seed)
    # Small weights keep softmax near uniform: backprop's y - t is the exact gradient of
    # -log y, and the book's log(y + 1e-7) differs from it by about 1e-7 / y, which stays tiny.
    net = TwoLayerNet(*sizes, weight_init_std=0.3, seed=seed, dtype=np.float64)
    for name in ("b1", "b2"):  # non-zero biases, so that their gradients are tested too
        net.params[name][:] = 0.3 * rng.standard_normal(net.params[name].shape)
    x = rng.standard_normal((batch, sizes[0]))
    labels = rng.integers(0, sizes[2], batch)
    t = np.eye(sizes[2])[labels] if one_hot else labels
    # Keep hidden pre-activations away from ReLU's kink, where central differences straddle it.
    pre = x @ net.params["W1"] + net.params["b1"]
    net.params["b1"][:] += np.where(np.abs(pre) < 1e-2, 0.05, 0.0).max(axis=0)
    pre = x @ net.params["W1"] + net.params["b1"]
    assume(not np.any(np.abs(pre) < 1e-3))  # rare: no shift clears every row (a kink)
    backprop = net.gradient(x, t)
    numerical = net.numerical_gradient(x, t)
    for name in PARAM_NAMES:
        np.testing.assert_allclose(backprop[name], numerical[name], rtol=1e-5, atol=1e-6)


def test_gradient_on_mnist_sized_net_float64():
    rng = np.random.default_rng(0)
    net = TwoLayerNet(784, 10, 10, seed=1, dtype=np.float64)
    x, t = rng.random((3, 784)), np.array([1, 5, 9])
    backprop = net.gradient(x, t)
    numerical = net.numerical_gradient(x, t)
    for name in PARAM_NAMES:
        np.testing.assert_allclose(backprop[name], numerical[name], rtol=1e-5, atol=1e-7)


def test_predict_and_loss_match_the_formulas():
    rng = np.random.default_rng(3)
    net = TwoLayerNet(5, 4, 3, weight_init_std=0.5, seed=3, dtype=np.float64)
    p = net.params
    x, t = rng.standard_normal((7, 5)), rng.integers(0, 3, 7)
    scores = relu(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    np.testing.assert_allclose(net.predict(x), scores)
    expected = -np.mean(np.log(softmax(scores)[np.arange(7), t] + 1e-7))
    assert net.loss(x, t) == pytest.approx(expected)
    assert net.accuracy(x, t, batch_size=3) == np.mean(scores.argmax(axis=1) == t)
    assert net.accuracy(x, np.eye(3)[t]) == net.accuracy(x, t)


def test_init_seed_std_dtype_and_shared_params():
    net = TwoLayerNet(784, 50, 10, weight_init_std=0.01, seed=0)  # the book's defaults
    shapes = {name: net.params[name].shape for name in PARAM_NAMES}
    assert shapes == {"W1": (784, 50), "b1": (50,), "W2": (50, 10), "b2": (10,)}
    assert all(p.dtype == np.float64 for p in net.params.values())  # the book's dtype
    assert np.std(net.params["W1"]) == pytest.approx(0.01, rel=0.05)
    assert not np.any(net.params["b1"])
    np.testing.assert_array_equal(net.params["W1"], TwoLayerNet(784, 50, 10, seed=0).params["W1"])
    # The layers hold the very arrays of params: an in-place update changes the prediction.
    assert net.layers["Affine1"].W is net.params["W1"]
    x = np.ones((1, 784), np.float32)
    before = net.predict(x).copy()
    net.params["b2"] += 1
    np.testing.assert_allclose(net.predict(x), before + 1, rtol=1e-12)


def test_float32_by_name_draws_the_same_weights_rounded():
    net32 = TwoLayerNet(784, 50, 10, seed=0, dtype=np.float32)
    net64 = TwoLayerNet(784, 50, 10, seed=0)
    assert all(p.dtype == np.float32 for p in net32.params.values())
    np.testing.assert_array_equal(net32.params["W1"], net64.params["W1"].astype(np.float32))


@pytest.mark.parametrize(("net_dtype", "x_dtype"), [(np.float64, np.float32),
                                                    (np.float32, np.float64)])
def test_input_is_converted_to_the_nets_dtype_without_mutation(net_dtype, x_dtype):
    net = TwoLayerNet(4, 3, 2, seed=0, dtype=net_dtype)
    x = np.ones((2, 4), dtype=x_dtype)  # load_mnist gives float32 images
    out = net.predict(x)
    assert out.dtype == net_dtype and x.dtype == x_dtype


def test_books_gradient_check_on_mnist_agrees_in_the_default_float64():
    """The book's ch05/gradient_check.py: mean |backprop - numerical| per parameter on the
    first 3 MNIST digits. In float64 (the default) W1 agrees to about 1e-10 and every
    parameter far below 1e-6 (b2's ~1e-7 is the cross-entropy's delta = 1e-7 inside the
    log, which backprop's y - t leaves out); in float32 the same check gives ~1e-4."""
    (x_train, t_train), _ = load_mnist(normalize=True, one_hot_label=True)
    x, t = x_train[:3], t_train[:3]
    mean_error = {}
    for dtype in (np.float64, np.float32):
        net = TwoLayerNet(784, 10, 10, seed=0, dtype=dtype)
        numerical, backprop = net.numerical_gradient(x, t), net.gradient(x, t)
        mean_error[dtype] = {k: np.mean(np.abs(backprop[k] - numerical[k])) for k in PARAM_NAMES}
    assert mean_error[np.float64]["W1"] < 1e-8
    assert max(mean_error[np.float64].values()) < 1e-6
    assert min(mean_error[np.float32].values()) > 1e-5


@pytest.mark.parametrize(
    ("kwargs", "error", "word"),
    [
        (dict(hidden_size=0), ValueError, "hidden_size"),
        (dict(hidden_size=2.5), TypeError, "hidden_size"),
        (dict(output_size=1), ValueError, "output_size"),
        (dict(weight_init_std=0.0), ValueError, "weight_init_std"),
        (dict(weight_init_std=float("nan")), ValueError, "weight_init_std"),
        (dict(dtype=np.int32), TypeError, "dtype"),
    ],
)
def test_bad_construction(kwargs, error, word):
    args = dict(input_size=4, hidden_size=3, output_size=2) | kwargs
    with pytest.raises(error, match=word):
        TwoLayerNet(**args)


def test_bad_inputs_and_labels():
    net = TwoLayerNet(4, 3, 2, seed=0)
    with pytest.raises(ValueError, match="expects 4"):
        net.predict(np.ones((2, 5)))
    with pytest.raises(TypeError, match="dtype"):
        net.predict(np.array([["a"] * 4]))
    with pytest.raises(ValueError, match="0..1"):
        net.loss(np.ones((2, 4)), np.array([0, 2]))
    with pytest.raises(ValueError, match="shapes"):
        net.gradient(np.ones((2, 4)), np.array([0, 1, 1]))
    with pytest.raises(TypeError, match="integer"):
        net.accuracy(np.ones((2, 4)), np.array([0.0, 1.0]))


# --- MultiLayerNet ------------------------------------------------------------------------------

_ACTIVATIONS = {  # f and f' written out from their formulas, not from nnlib
    "relu": (lambda a: np.where(a > 0, a, 0.0), lambda a: (a > 0).astype(float)),
    "sigmoid": (lambda a: 1 / (1 + np.exp(-a)), lambda a: np.exp(-a) / (1 + np.exp(-a)) ** 2),
    "tanh": (np.tanh, lambda a: 1 / np.cosh(a) ** 2),
    "identity": (lambda a: a, np.ones_like),
}


def reference_loss_and_gradient(params, n_layers, activation, lam, x, labels):
    """The book's MultiLayerNet loss and gradients, by hand: forward layer by layer, then the
    chain rule from the softmax-cross-entropy delta (y - t) / N down to the first layer."""
    f, df = _ACTIVATIONS[activation]
    inputs, pre = [x], []
    for i in range(1, n_layers + 1):
        a = inputs[-1] @ params[f"W{i}"] + params[f"b{i}"]
        pre.append(a)
        inputs.append(f(a) if i < n_layers else a)
    scores = inputs[-1]
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    y = e / e.sum(axis=1, keepdims=True)
    n = len(x)
    onehot = np.eye(scores.shape[1])[labels]
    loss = -np.sum(np.log(y[np.arange(n), labels] + 1e-7)) / n
    loss += sum(0.5 * lam * np.sum(params[f"W{i}"] ** 2) for i in range(1, n_layers + 1))
    grads, delta = {}, (y - onehot) / n
    for i in range(n_layers, 0, -1):
        grads[f"W{i}"] = inputs[i - 1].T @ delta + lam * params[f"W{i}"]
        grads[f"b{i}"] = delta.sum(axis=0)
        if i > 1:
            delta = (delta @ params[f"W{i}"].T) * df(pre[i - 2])
    return loss, grads


@settings(max_examples=25, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 5), min_size=0, max_size=3),
    activation=st.sampled_from(sorted(_ACTIVATIONS)),
    lam=st.sampled_from([0.0, 0.1, 1.0]),
    batch=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_multi_layer_net_matches_the_formulas(hidden, activation, lam, batch, seed):
    rng = np.random.default_rng(seed)
    net = MultiLayerNet(3, hidden, 3, activation=activation, weight_init_std=0.5,
                        weight_decay_lambda=lam, seed=seed)
    for name in net.param_names:
        if name.startswith("b"):
            net.params[name][:] = 0.3 * rng.standard_normal(net.params[name].shape)
    x, labels = rng.standard_normal((batch, 3)), rng.integers(0, 3, batch)
    params = {name: value.copy() for name, value in net.params.items()}
    expected_loss, expected = reference_loss_and_gradient(params, len(hidden) + 1, activation,
                                                          lam, x, labels)
    np.testing.assert_allclose(net.loss(x, labels), expected_loss, rtol=1e-12)
    grads = net.gradient(x, labels)
    assert set(grads) == set(net.param_names)
    for name in net.param_names:
        np.testing.assert_allclose(grads[name], expected[name], rtol=1e-9, atol=1e-12)
    for name, value in params.items():  # the gradient left every parameter as it was
        np.testing.assert_array_equal(net.params[name], value)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "linear"])
def test_multi_layer_net_backprop_matches_numerical_gradient(activation):
    rng = np.random.default_rng(4)
    # weight_init_std 0.5 keeps softmax away from 0, where the book's log(y + 1e-7) and the
    # exact -log y that backprop differentiates part ways.
    net = MultiLayerNet(2, [4, 3], 2, activation=activation, weight_init_std=0.5,
                        weight_decay_lambda=0.3, seed=4)
    x, t = rng.standard_normal((5, 2)), rng.integers(0, 2, 5)
    if activation == "relu":  # keep hidden pre-activations off ReLU's kink
        assert np.abs(x @ net.params["W1"]).min() > 1e-3
    backprop, numerical = net.gradient(x, t), net.numerical_gradient(x, t)
    for name in net.param_names:
        np.testing.assert_allclose(backprop[name], numerical[name], rtol=1e-5, atol=1e-7)


def test_multi_layer_net_structure_and_book_initial_scales():
    net = MultiLayerNet(784, [100, 50], 10, seed=0)  # the book's defaults: relu, "relu" (He)
    assert list(net.layers) == ["Affine1", "Activation_function1", "Affine2",
                                "Activation_function2", "Affine3"]
    assert net.param_names == ("W1", "b1", "W2", "b2", "W3", "b3")
    assert net.params["W1"].dtype == np.float64
    assert net.layers["Affine2"].W is net.params["W2"]  # shared, so updates in place reach it
    for name, n_in in (("W1", 784), ("W2", 100), ("W3", 50)):
        assert abs(net.params[name].std() - np.sqrt(2 / n_in)) < 0.1 * np.sqrt(2 / n_in)
    xavier = MultiLayerNet(400, [300], 2, activation="sigmoid", weight_init_std="Xavier", seed=1)
    assert abs(xavier.params["W1"].std() - np.sqrt(1 / 400)) < 0.005
    fixed = MultiLayerNet(5, [3], 2, weight_init_std=0.01, seed=2, dtype=np.float32)
    assert fixed.params["W2"].dtype == np.float32
    rng = np.random.default_rng(2)
    np.testing.assert_allclose(fixed.params["W1"], 0.01 * rng.standard_normal((5, 3)), rtol=1e-6)
    assert not any(fixed.params[b].any() for b in ("b1", "b2"))
    linear = MultiLayerNet(2, [3, 3], 2, activation="identity")
    assert list(linear.layers) == ["Affine1", "Affine2", "Affine3"]
    alone = MultiLayerNet(2, [], 2)
    assert list(alone.layers) == ["Affine1"] and alone.params["W1"].shape == (2, 2)


def test_multi_layer_net_weight_decay_and_accuracy():
    net = MultiLayerNet(2, [2], 2, weight_decay_lambda=0.5, seed=0)
    squares = np.sum(net.params["W1"] ** 2) + np.sum(net.params["W2"] ** 2)
    assert net.weight_decay() == pytest.approx(0.25 * squares)
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    scores = net.predict(x)
    for t in (scores.argmax(axis=1), np.eye(2)[scores.argmax(axis=1)]):
        assert net.accuracy(x, t) == 1.0
    assert net.accuracy(x, 1 - scores.argmax(axis=1)) == 0.0


@pytest.mark.parametrize(
    ("kwargs", "error", "word"),
    [
        (dict(hidden_size_list=[3, 0]), ValueError, r"hidden_size_list\[1\]"),
        (dict(hidden_size_list=4), TypeError, "hidden_size_list"),
        (dict(hidden_size_list="44"), TypeError, "hidden_size_list"),
        (dict(output_size=1), ValueError, "output_size"),
        (dict(activation="softplus"), ValueError, "activation"),
        (dict(weight_init_std="gauss"), ValueError, "weight_init_std"),
        (dict(weight_init_std=-1.0), ValueError, "weight_init_std"),
        (dict(weight_decay_lambda=float("nan")), ValueError, "weight_decay_lambda"),
        (dict(weight_decay_lambda="0.1"), TypeError, "weight_decay_lambda"),
        (dict(dtype=np.int64), TypeError, "dtype"),
    ],
)
def test_multi_layer_net_bad_construction(kwargs, error, word):
    args = dict(input_size=2, hidden_size_list=[3], output_size=2) | kwargs
    with pytest.raises(error, match=word):
        MultiLayerNet(**args)


def test_the_data_layers_gradients_are_those_of_affine_backward():
    """The network skips dL/dx for its first layer; dW and db stay Affine.backward's."""
    rng = np.random.default_rng(4)
    net = TwoLayerNet(3, 4, 2, weight_init_std=0.5, seed=1)
    x, t = rng.standard_normal((5, 3)), rng.integers(0, 2, 5)
    grads = net.gradient(x, t)
    record = []
    net.gradient(x, t, record=record)
    full = Affine(net.params["W1"], net.params["b1"])
    full.forward(x)
    full.backward(record[0].grad_output)
    np.testing.assert_array_equal(grads["W1"], full.dW)
    np.testing.assert_array_equal(grads["b1"], full.db)


# --- one input check, the train_flg seam, the record seam -----------------------------------


NETS = {
    "two-layer": lambda: TwoLayerNet(3, 4, 2, seed=0),
    "two-layer float32": lambda: TwoLayerNet(3, 4, 2, seed=0, dtype=np.float32),
    "sigmoid, one hidden unit": lambda: MultiLayerNet(3, [1], 2, activation="sigmoid", seed=0),
    "no hidden layer": lambda: MultiLayerNet(3, [], 2, seed=0),
}


@pytest.mark.parametrize("make", NETS.values(), ids=NETS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("call", ["predict", "loss", "gradient", "numerical_gradient",
                                  "accuracy"])
def test_nan_or_inf_data_is_refused_naming_x(make, bad, call):
    net = make()
    x = np.ones((2, 3))
    x[1, 2] = bad
    args = (x,) if call == "predict" else (x, np.array([0, 1]))
    with pytest.raises(ValueError, match="x contains NaN or inf"):
        getattr(net, call)(*args)


def test_values_too_large_for_a_float32_net_are_said_so():
    net = TwoLayerNet(3, 4, 2, seed=0, dtype=np.float32)
    with pytest.raises(ValueError, match="too large for float32"):
        net.predict(np.full((1, 3), 1e308))


class Halving:
    """A layer with the book's train_flg (as Dropout has): halves its input when training."""

    def forward(self, x, train_flg=False):
        self.scale = 0.5 if train_flg else 1.0
        return x * self.scale

    def backward(self, dout):
        return dout * self.scale


def test_layers_that_take_train_flg_get_it():
    net = MultiLayerNet(3, [4], 2, seed=0)
    plain = MultiLayerNet(3, [4], 2, seed=0)
    net.layers = {"Affine1": net.layers["Affine1"], "Halving": Halving(),
                  **{k: v for k, v in net.layers.items() if k != "Affine1"}}
    x, t = np.random.default_rng(0).standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])
    np.testing.assert_allclose(net.predict(x), plain.predict(x))  # train_flg=False: 1.0
    h = x @ plain.params["W1"] + plain.params["b1"]
    halved = np.maximum(0.5 * h, 0) @ plain.params["W2"] + plain.params["b2"]
    np.testing.assert_allclose(net.predict(x, train_flg=True), halved)
    e = np.exp(halved - halved.max(axis=1, keepdims=True))
    y = e / e.sum(axis=1, keepdims=True)
    expected = -np.mean(np.log(y[np.arange(5), t] + 1e-7))
    assert net.loss(x, t, train_flg=True) == pytest.approx(expected)
    net.gradient(x, t)
    assert net.last_loss == pytest.approx(expected)  # gradient trains: train_flg=True


def test_gradient_records_what_each_layer_got_and_gave():
    net = MultiLayerNet(2, [3], 2, activation="tanh", weight_init_std=0.5, seed=1)
    x, t = np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([1, 0])
    record = []
    grads = net.gradient(x, t, record=record)
    assert [r.name for r in record] == ["Affine1", "Activation_function1", "Affine2"]
    P = net.params
    a = x @ P["W1"] + P["b1"]
    np.testing.assert_allclose(record[0].output, a)
    np.testing.assert_allclose(record[1].output, np.tanh(a))
    np.testing.assert_array_equal(record[2].input, record[1].output)
    # dL/dh arrives at the tanh layer; dL/da = dL/dh (1 - tanh²) leaves it
    np.testing.assert_allclose(record[1].grad_input,
                               record[1].grad_output * (1 - np.tanh(a) ** 2))
    np.testing.assert_allclose(grads["W1"], x.T @ record[0].grad_output)
    assert record[0].grad_input is None  # the data need no gradient


def test_l1_penalty_and_its_slope():
    net = MultiLayerNet(3, [2], 2, weight_init_std=0.7, l1_lambda=0.3, seed=2)
    assert net.weight_decay() == pytest.approx(
        0.3 * (np.abs(net.params["W1"]).sum() + np.abs(net.params["W2"]).sum()))
    x, t = np.random.default_rng(2).standard_normal((4, 3)), np.array([0, 1, 1, 0])
    net.params["b1"] += 0.2  # off ReLU's kink
    backprop, numerical = net.gradient(x, t), net.numerical_gradient(x, t)
    for name in net.param_names:
        np.testing.assert_allclose(backprop[name], numerical[name], rtol=1e-5, atol=1e-7)


def test_a_network_with_non_finite_scores_gives_a_nan_loss_by_name():
    """Inside a network (a diverged one) the loss is NaN and an OverflowWarning says so, so
    that a trainer stops on it instead of an exception in the middle of a step."""
    net = TwoLayerNet(2, 3, 2, seed=0)
    net.params["W2"][:] = np.inf
    with pytest.warns(OverflowWarning, match="loss"):
        assert np.isnan(net.loss(np.array([[1.0, 2.0]]), np.array([1])))


# --- MultiLayerNetExtend: Batch Normalization, Dropout, weight decay (book §6.3, §6.4) ----------

from nnlib.layers import BatchNormalization, Dropout  # noqa: E402
from nnlib.network import MultiLayerNetExtend  # noqa: E402


def _same_masks(net, seed):
    """Give every Dropout layer a generator from ``seed``, so the next pass draws the same masks."""
    for layer in net.layers.values():
        if isinstance(layer, Dropout):
            layer.rng = np.random.default_rng(seed)


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_extended_net_backprop_matches_numerical_gradient(activation):
    rng = np.random.default_rng(3)
    net = MultiLayerNetExtend(4, [5, 3], 3, activation=activation, weight_init_std=0.5,
                              weight_decay_lambda=0.1, use_dropout=True, dropout_ration=0.3,
                              use_batchnorm=True, seed=1)
    for name in net.params:  # gamma and beta away from 1 and 0, so they are tested too
        if name[0] in "gb":
            net.params[name][:] += 0.3 * rng.standard_normal(net.params[name].shape)
    x, t = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    _same_masks(net, 7)
    backprop = net.gradient(x, t)
    assert any(not layer.mask.all() for layer in net.layers.values() if isinstance(layer, Dropout))

    def loss(_):  # the same masks at every evaluation: a fixed function of the parameters
        _same_masks(net, 7)
        return net.loss(x, t, train_flg=True)

    for name, param in net.params.items():
        numeric = numerical_gradient(loss, param)
        np.testing.assert_allclose(backprop[name], numeric, rtol=1e-5, atol=1e-7, err_msg=name)


def test_extended_net_has_the_books_layers_and_params():
    net = MultiLayerNetExtend(784, [100, 100], 10, use_dropout=True, use_batchnorm=True, seed=0)
    assert list(net.params) == ["W1", "b1", "W2", "b2", "W3", "b3",
                                "gamma1", "beta1", "gamma2", "beta2"]
    assert list(net.layers) == ["Affine1", "BatchNorm1", "Activation_function1", "Dropout1",
                                "Affine2", "BatchNorm2", "Activation_function2", "Dropout2",
                                "Affine3"]
    assert net.layers["BatchNorm1"].gamma is net.params["gamma1"]
    np.testing.assert_array_equal(net.params["gamma2"], np.ones(100))
    np.testing.assert_array_equal(net.params["beta2"], np.zeros(100))
    assert net.layers["Dropout2"].dropout_ratio == 0.5
    plain = MultiLayerNet(784, [100, 100], 10, seed=0)  # the same weights: one family
    np.testing.assert_array_equal(net.params["W2"], plain.params["W2"])
    # the book's positional order: weight decay, use_dropout, dropout_ration, use_batchnorm
    book = MultiLayerNetExtend(3, [2], 2, "sigmoid", 0.1, 0.5, True, 0.25, False)
    assert book.weight_decay_lambda == 0.5 and book.layers["Dropout1"].dropout_ratio == 0.25
    assert "BatchNorm1" not in book.layers and book.activation == "sigmoid"


def test_extended_net_inference_scales_by_the_kept_share_and_uses_running_statistics():
    rng = np.random.default_rng(0)
    net = MultiLayerNetExtend(3, [4], 2, use_dropout=True, dropout_ration=0.25,
                              use_batchnorm=True, seed=0)
    x = rng.standard_normal((8, 3))
    net.gradient(x, np.zeros(8, int))  # one training pass: running mean = 0.1 * batch mean
    bn = net.layers["BatchNorm1"]
    h = x @ net.params["W1"] + net.params["b1"]
    np.testing.assert_allclose(bn.running_mean, 0.1 * h.mean(axis=0))
    np.testing.assert_allclose(bn.running_var, 0.1 * h.var(axis=0))
    normalized = (h - bn.running_mean) / np.sqrt(bn.running_var + 10e-7)
    hidden = np.maximum(normalized, 0) * 0.75  # inference: ReLU, then times 1 - 0.25
    np.testing.assert_allclose(net.predict(x), hidden @ net.params["W2"] + net.params["b2"])


def test_extended_net_is_reproducible_with_a_seed_and_the_book_s_without():
    x, t = np.random.default_rng(1).standard_normal((5, 3)), np.array([0, 1, 0, 1, 1])
    a, b = (MultiLayerNetExtend(3, [6], 2, use_dropout=True, seed=4) for _ in range(2))
    for _ in range(2):  # two steps: new masks each time, the same in both nets
        ga, gb = a.gradient(x, t), b.gradient(x, t)
        for key in ga:
            np.testing.assert_array_equal(ga[key], gb[key])
    c = MultiLayerNetExtend(3, [6], 2, use_dropout=True)
    assert c.layers["Dropout1"].rng is None  # np.random.rand, the book's global state
    with pytest.raises(ValueError, match="dropout_ratio"):
        MultiLayerNetExtend(3, [6], 2, use_dropout=True, dropout_ration=2)
    assert isinstance(a, MultiLayerNet) and isinstance(
        MultiLayerNet(3, [6], 2, use_batchnorm=True).layers["BatchNorm1"], BatchNormalization)
