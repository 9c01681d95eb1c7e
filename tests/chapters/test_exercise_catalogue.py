"""The catalogue of typical wrong implementations: each must get its own hint.

For every hint a check can give, at least one wrong function below must produce exactly
that hint (a distinctive part of its text), and nnlib's reference must pass. These are
the mistakes learners really make: a flipped sign, a missing 1/2 or 1/N, integer (floor)
division, forgetting the batch dimension, summing over the wrong axis, editing the
input in place, log of 0, a forward difference where the central one was asked for.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from support import exercise_checks

from nnlib.gradient import numerical_gradient

ex = exercise_checks()

CATALOGUE: list[tuple[str, object, str]] = []  # (check name, attempt, distinctive hint text)


def wrong(check: str, hint: str):
    """Register the decorated function as a wrong attempt that must get ``hint``."""

    def register(attempt):
        CATALOGUE.append((check, attempt, hint))
        return attempt

    return register


# --- chapter 02: step function, sigmoid, ReLU ---------------------------------------------

@wrong("check_step_function", "the step is 1 only where x > 0 strictly")
def step_ge(x):
    return (x >= 0).astype(int)


@wrong("check_step_function", "np.sign gives -1 for negatives")
def step_sign(x):
    return np.sign(x)


@wrong("check_step_function", "x.astype(int) truncates x")
def step_truncate(x):
    return x.astype(int)


@wrong("check_step_function", "compare the whole array at once: (x > 0).astype(int)")
def step_if(x):
    if x > 0:
        return 1
    return 0


@wrong("check_step_function", "for x = [-1, 1, 2] you returned booleans [False, True, True]: "
       "the step function outputs the numbers 0 and 1")
def step_booleans(x):
    return x > 0


@wrong("check_step_function", "the step is upside down")
def step_inverted(x):
    return (x <= 0).astype(int)


@wrong("check_step_function", "is a Python list, expected a numpy array")
def step_list(x):
    return [1 if v > 0 else 0 for v in x]


@wrong("check_step_function", "not a loop over x")
def step_loop_1d(x):
    return np.array([int(v > 0) for v in x.flat])


@wrong("check_step_function", "build a new array, e.g. (x > 0).astype(int), instead of editing x")
def step_in_place(x):
    x[x <= 0] = 0
    x[x > 0] = 1
    return x


@wrong("check_sigmoid", "the sign inside exp is minus")
def sigmoid_sign(x):
    return 1 / (1 + np.exp(x))


@wrong("check_sigmoid", "missing parentheses? 1 / (1 + np.exp(-x))")
def sigmoid_precedence(x):
    return 1 / 1 + np.exp(-x)


@wrong("check_sigmoid", "// is floor division")
def sigmoid_floor(x):
    return 1 // (1 + np.exp(-x))


@wrong("check_sigmoid", "use np.exp, which works element-wise")
def sigmoid_math(x):
    return 1 / (1 + math.exp(-x))


@wrong("check_sigmoid", "sigmoid is 1 / (1 + np.exp(-x))")
def sigmoid_tanh(x):
    return np.tanh(x)


@wrong("check_sigmoid", "return a new array, 1 / (1 + np.exp(-x)), instead of editing x")
def sigmoid_in_place(x):
    x = np.asarray(x, dtype=float)  # a float input is the caller's own array
    np.negative(x, out=x)
    np.exp(x, out=x)
    return 1 / (1 + x)


@wrong("check_relu", "np.max(x, 0) is the largest element")
def relu_max_axis(x):
    return np.max(x, 0)


@wrong("check_relu", "Python's max() cannot compare an array with 0; use np.maximum(0, x)")
def relu_builtin_max(x):
    return max(0, x)


@wrong("check_relu", "that is the step function; ReLU passes x itself")
def relu_mask(x):
    return x > 0


@wrong("check_relu", "negative inputs must give 0, not |x|")
def relu_abs(x):
    return np.abs(x)


@wrong("check_relu", "that is min(0, x)")
def relu_min(x):
    return np.minimum(0, x)


@wrong("check_relu", "x[x < 0] = 0 edits the caller's x")
def relu_in_place(x):
    x[x < 0] = 0
    return x


@wrong("check_relu", "ReLU is x where x > 0, else 0: np.maximum(0, x)")
def relu_leaky(x):
    return np.maximum(0.01 * x, x)


# --- chapter 03: softmax -----------------------------------------------------------------

@wrong("check_softmax", "NaN for [1010, 1000, 990]: did you subtract the max before exp?")
def softmax_naive(a):
    exp_a = np.exp(a)
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)


@wrong("check_softmax", "batch of 2 rows [[0.3, 2.9, 4], [1, 2, 3]]: your rows sum to "
       "[0.7106, 0.2894], not 1 each. That is what the book's §3.5.2 softmax does")
def softmax_book_1d(a):
    """The book's §3.5.2 softmax: the max and the sum are over the whole array."""
    c = np.max(a)
    exp_a = np.exp(a - c)
    sum_exp_a = np.sum(exp_a)
    return exp_a / sum_exp_a


@wrong("check_softmax", "each row must sum to 1, yours sum to")
def softmax_sum_over_all(a):
    exp_a = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return exp_a / np.sum(exp_a)


@wrong("check_softmax", "subtract each row's own max, np.max(a, axis=-1, keepdims=True)")
def softmax_global_max(a):
    exp_a = np.exp(a - np.max(a))
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)


@wrong("check_softmax", "sum over axis=-1 with keepdims=True, so the sums stay a column")
def softmax_no_keepdims(a):
    exp_a = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return exp_a / np.sum(exp_a, axis=-1)


@wrong("check_softmax", "each column sums to 1 instead of each row")
def softmax_axis0(a):
    exp_a = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return exp_a / np.sum(exp_a, axis=0)


@wrong("check_softmax", "use axis=-1 (the last axis)")
def softmax_axis1(a):
    exp_a = np.exp(a - np.max(a, axis=1, keepdims=True))
    return exp_a / np.sum(exp_a, axis=1, keepdims=True)


@wrong("check_softmax", "a -= c edits the caller's array")
def softmax_in_place(a):
    a -= np.max(a, axis=-1, keepdims=True)
    exp_a = np.exp(a)
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)


@wrong("check_softmax", "// is floor division, which rounds probabilities down to 0")
def softmax_floor(a):
    exp_a = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return exp_a // np.sum(exp_a, axis=-1, keepdims=True)


@wrong("check_softmax", "the probabilities sum to 1.358, not 1; divide by the sum of exp")
def softmax_no_division(a):
    return np.exp(a - np.max(a, axis=-1, keepdims=True))


@wrong("check_softmax", "the result was flattened")
def softmax_flat(a):
    exp_a = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return (exp_a / np.sum(exp_a, axis=-1, keepdims=True)).ravel()


@wrong("check_softmax", "softmax is exp(a - max(a)) / sum(exp(a - max(a)))")
def softmax_squares(a):
    return a**2 / np.sum(a**2, axis=-1, keepdims=True)


# --- chapter 04: losses ------------------------------------------------------------------

def _rows(y, t):
    if y.ndim == 1:
        return y.reshape(1, -1), t.reshape(1, -1)
    return y, t


def book_sum_squared_error(y, t):
    """The book's §4.2.1 2乗和誤差 (the printed book's mean_squared_error): 1/2 sum (y - t)^2."""
    return 0.5 * np.sum((y - t) ** 2)


@wrong("check_sum_squared_error", "that is the average over the 3 rows; the book's 2乗和誤差 "
       "adds up every row")
def sse_batch_mean(y, t):
    y, t = _rows(y, t)
    return 0.5 * np.sum((y - t) ** 2) / y.shape[0]


@wrong("check_sum_squared_error", "the formula has a factor 1/2 in front")
def sse_no_half(y, t):
    return np.sum((y - t) ** 2)


@wrong("check_sum_squared_error", "did you forget to square?")
def sse_no_square(y, t):
    return 0.5 * np.sum(y - t)


@wrong("check_sum_squared_error", "1/10 of the answer: np.mean, or dividing by y.shape[0]")
def sse_shape0(y, t):
    return 0.5 * np.sum((y - t) ** 2) / y.shape[0]


@wrong("check_sum_squared_error", "1/10 of the answer: np.mean")
def sse_mean(y, t):
    return 0.5 * np.mean((y - t) ** 2)


@wrong("check_sum_squared_error", "one loss per row, [0.0975]: add them up, as the book's "
       "np.sum does")
def sse_per_row(y, t):
    return 0.5 * np.sum((y - t) ** 2, axis=-1)


@wrong("check_sum_squared_error", "that is a square root")
def sse_root(y, t):
    return np.sqrt(np.sum((y - t) ** 2))


def _labels(y, t):
    y, t = _rows(y, t) if t.shape == y.shape else (y, t)
    return y, (t.argmax(axis=1) if t.shape == y.shape else t)


def ce_reference(y, t):
    y, t = _labels(y, t)
    return -np.sum(np.log(y[np.arange(len(y)), t] + 1e-7)) / len(y)


@wrong("check_cross_entropy_error",
       "the right class has probability 0 here, and -log(0) is inf; add a tiny delta inside log")
def ce_no_delta(y, t):
    y, t = _labels(y, t)
    return -np.sum(np.log(y[np.arange(len(y)), t])) / len(y)


@wrong("check_cross_entropy_error",
       "for the book's y (0.6 on class 2), one-hot t for 2 you returned nan, expected 0.5108: y "
       "is 0 in some wrong classes, where np.log(0) is -inf and t * log(y) is 0 * -inf = NaN, "
       "not 0 (the right class has probability 0.6, so that is not the cause)")
def ce_formula_without_delta(y, t):
    return -np.sum(t * np.log(y))


@wrong("check_cross_entropy_error", "add a tiny delta inside log")
def ce_delta_outside(y, t):
    y, t = _labels(y, t)
    return -np.sum(np.log(y[np.arange(len(y)), t]) + 1e-7) / len(y)


@wrong("check_cross_entropy_error", "t holds class indices, not one-hot rows")
def ce_one_hot_only(y, t):
    y, t = _rows(y, t)
    return -np.sum(t * np.log(y + 1e-7)) / y.shape[0]


@wrong("check_cross_entropy_error", "the sign is flipped")
def ce_no_minus(y, t):
    return -ce_reference(y, t)


@wrong("check_cross_entropy_error", "np.log10 is the base-10 log")
def ce_log10(y, t):
    return ce_reference(y, t) / np.log(10)


@wrong("check_cross_entropy_error", "3 times too large: that is the total over the batch")
def ce_total(y, t):
    return ce_reference(y, t) * (len(y) if y.ndim == 2 else 1)


@wrong("check_cross_entropy_error", "reshape y and t to one row first")
def ce_shape0(y, t):
    return -np.sum(t * np.log(y + 1e-7)) / y.shape[0]


@wrong("check_cross_entropy_error", "compute with new arrays (y + delta), never y += ...")
def ce_in_place(y, t):
    y += 1e-7
    return ce_reference(y, t)


# --- chapter 05: numerical_diff, numerical_gradient, one descent step ---------------------

@wrong("check_numerical_diff", "your gradient is off by about h: use the central difference")
def diff_forward(f, x, h=1e-4):
    return (f(x + h) - f(x)) / h


@wrong("check_numerical_diff", "your gradient is off by about h")
def diff_backward(f, x, h=1e-4):
    return (f(x) - f(x - h)) / h


@wrong("check_numerical_diff", "(1e-50 is lost next to 5); use h = 1e-4")
def diff_tiny_h(f, x, h=1e-50):
    return (f(x + h) - f(x - h)) / (2 * h)


@wrong("check_numerical_diff", "twice the slope: the central difference spans 2h")
def diff_over_h(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / h


@wrong("check_numerical_diff", "`/ 2*h` divides by 2 and then multiplies by h")
def diff_precedence(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / 2 * h


@wrong("check_numerical_diff", "the sign is flipped: f(x + h) comes first")
def diff_sign(f, x, h=1e-4):
    return (f(x - h) - f(x + h)) / (2 * h)


def _gradient(f, x, h=1e-4, *, indices=np.ndindex, restore=True, one_sided=False, dtype=None):
    grad = np.zeros(x.shape, dtype=dtype or x.dtype)
    for idx in indices(x.shape) if indices is np.ndindex else indices(x):
        tmp = x[idx]
        x[idx] = tmp + h
        f_plus = f(x)
        x[idx] = tmp if one_sided else tmp - h
        f_minus = f(x)
        if restore:
            x[idx] = tmp
        grad[idx] = (f_plus - f_minus) / (h if one_sided else 2 * h)
    return grad


@wrong("check_numerical_gradient", "x was left changed for f = sum(x**2) at x = [3, 4] (some "
       "values moved by up to 0.0001): restore x[idx] after each evaluation")
def gradient_no_restore(f, x):
    return _gradient(f, x, restore=False)


@wrong("check_numerical_gradient", "works for a vector but not for x of shape (2, 3)")
def gradient_range_size(f, x):
    return _gradient(f, x, indices=lambda x: range(x.size))


@wrong("check_numerical_gradient", "your gradient is off by about h")
def gradient_forward(f, x):
    return _gradient(f, x, one_sided=True)


@wrong("check_numerical_gradient", "nudge x in place (x[idx] = tmp + h")
def gradient_on_copies(f, x, h=1e-4):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (f(plus) - f(minus)) / (2 * h)
    return grad


@wrong("check_numerical_gradient", "the gradient was cut to integers")
def gradient_int(f, x):
    return _gradient(f, x, dtype=int)


@wrong("check_numerical_gradient", "twice the slope")
def gradient_over_h(f, x):
    return 2 * _gradient(f, x)


@wrong("check_numerical_gradient", "keep x's shape, grad = np.zeros_like(x)")
def gradient_flat(f, x):
    return _gradient(f, x).ravel()


# The book's own versions, correct for what the book does with them; each check asks for
# more and its message must say so (and name the book's version).
def book_gradient_1d(f, x):
    """The book's §4.4 numerical_gradient: one index per element of a 1-D x."""
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in range(x.size):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad


def book_gradient_2d(f, X):
    """The book's ch04/gradient_2d.py numerical_gradient: a 2-D X is a stack of points."""
    if X.ndim == 1:
        return book_gradient_1d(f, X)
    grad = np.zeros_like(X)
    for idx, x in enumerate(X):
        grad[idx] = book_gradient_1d(f, x)
    return grad


def book_gradient_descent(f, init_x, lr=0.01, step_num=100):
    """The book's gradient_descent (ch04/gradient_method.py): x is init_x itself."""
    x = init_x
    for _ in range(step_num):
        grad = book_gradient_2d(f, x)
        x -= lr * grad
    return x


wrong("check_numerical_gradient", "what the book's numerical_gradient in §4.4 does, and it is "
      "right for the 1-D x of that section; this exercise asks for any shape")(book_gradient_1d)
wrong("check_numerical_gradient", "as the book's ch04/gradient_2d.py numerical_gradient does: "
      "it is right there")(book_gradient_2d)


@wrong("check_gradient_descent_step", "The book's gradient_descent does the same (its x = init_x "
       "is the caller's array")
def descent_books_one_step(f, x, lr=0.1):
    return book_gradient_descent(f, x, lr=lr, step_num=1)


def _grad(f, x):
    return numerical_gradient(f, x)


@wrong("check_gradient_descent_step", "you moved uphill")
def descent_uphill(f, x, lr=0.1):
    return x + lr * _grad(f, x)


@wrong("check_gradient_descent_step", "a whole gradient step; multiply the gradient by lr")
def descent_no_lr(f, x, lr=0.1):
    return x - _grad(f, x)


@wrong("check_gradient_descent_step", "you stepped 0.01 times the gradient; use the lr passed in")
def descent_fixed_lr(f, x, lr=0.1):
    return x - 0.01 * _grad(f, x)


@wrong("check_gradient_descent_step", "x -= lr * grad edits the caller's x")
def descent_in_place(f, x, lr=0.1):
    x -= lr * _grad(f, x)
    return x


@wrong("check_gradient_descent_step", "that is the step itself; return the new point")
def descent_step_only(f, x, lr=0.1):
    return lr * _grad(f, x)


# --- chapter 06: the backward pass of each layer -------------------------------------------
# Each wrong class is written the way a reader would: the forward as the stub gives it,
# a backward with one mistake.

class _Mul:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y


@wrong("check_mul_layer", "not swapped: the multiply node swaps its inputs")
class MulNotSwapped(_Mul):
    def backward(self, dout):
        return dout * self.x, dout * self.y


@wrong("check_mul_layer", "backward ignores dout")
class MulNoDout(_Mul):
    def backward(self, dout):
        return self.y, self.x


@wrong("check_mul_layer", "that is the add rule")
class MulAsAdd(_Mul):
    def backward(self, dout):
        return dout, dout


@wrong("check_mul_layer", "it must return two gradients, one per input: return dx, dy")
class MulOneGradient(_Mul):
    def backward(self, dout):
        return dout * self.y


@wrong("check_mul_layer", "dx = dout * y, dy = dout * x")
class MulProduct(_Mul):
    def backward(self, dout):
        return dout * self.x * self.y, dout * self.x * self.y


class _Add:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x + y


@wrong("check_add_layer", "that is the multiply rule")
class AddAsMul(_Add):
    def backward(self, dout):
        return dout * self.y, dout * self.x


@wrong("check_add_layer", "each input gets all of dout, not half of it")
class AddHalves(_Add):
    def backward(self, dout):
        return dout / 2, dout / 2


@wrong("check_add_layer", "backward ignores dout")
class AddOnes(_Add):
    def backward(self, dout):
        return 1, 1


@wrong("check_add_layer", "one gradient is 0")
class AddOneSided(_Add):
    def backward(self, dout):
        return dout, 0 * dout


@wrong("check_add_layer", "it must return two gradients")
class AddOneGradient(_Add):
    def backward(self, dout):
        return dout


@wrong("check_add_layer", "addition passes dout unchanged to both inputs: dx = dy = dout")
class AddSigned(_Add):
    def backward(self, dout):
        return dout, -dout


class _Relu:
    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out


@wrong("check_relu_layer", "ReLU backward let gradient through where x <= 0")
class ReluPassAll(_Relu):
    def backward(self, dout):
        return dout


@wrong("check_relu_layer", "the mask is inverted")
class ReluInverted(_Relu):
    def backward(self, dout):
        return dout * self.mask


@wrong("check_relu_layer", "backward ignores dout")
class ReluNoDout(_Relu):
    def backward(self, dout):
        return (~self.mask).astype(float)


@wrong("check_relu_layer", "backward changed dout in place (dout[self.mask] = 0, as the book")
class ReluBook(_Relu):
    def backward(self, dout):
        dout[self.mask] = 0
        return dout


@wrong("check_relu_layer", "use the mask from forward")
class ReluHalf(_Relu):
    def backward(self, dout):
        return dout * (~self.mask) / 2


class _Sigmoid:
    def forward(self, x):
        self.x = x
        self.out = 1 / (1 + np.exp(-x))
        return self.out


@wrong("check_sigmoid_layer", "sigmoid backward: use the forward output, dout * y * (1 - y)")
class SigmoidOfInput(_Sigmoid):
    def backward(self, dout):
        return dout * self.x * (1 - self.x)


@wrong("check_sigmoid_layer", "a factor is missing")
class SigmoidMissingFactor(_Sigmoid):
    def backward(self, dout):
        return dout * (1 - self.out)


@wrong("check_sigmoid_layer", "backward ignores dout")
class SigmoidNoDout(_Sigmoid):
    def backward(self, dout):
        return self.out * (1 - self.out)


@wrong("check_sigmoid_layer", "backward must not edit dout")
class SigmoidInPlace(_Sigmoid):
    def backward(self, dout):
        dout *= self.out * (1 - self.out)
        return dout


@wrong("check_sigmoid_layer", "dx = dout * y * (1 - y), with y the output forward kept")
class SigmoidPlus(_Sigmoid):
    def backward(self, dout):
        return dout * self.out * (1 + self.out)


class _Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.dW = self.db = None

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b


@wrong("check_affine_layer", "dW has shape (2, 3), expected (3, 2): dW = x.T @ dout")
class AffineTransposedDW(_Affine):
    def backward(self, dout):
        self.dW, self.db = dout.T @ self.x, dout.sum(axis=0)
        return dout @ self.W.T


@wrong("check_affine_layer", "dx = dout @ W.T has the shape of x")
class AffineNoTranspose(_Affine):
    def backward(self, dout):
        self.dW, self.db = self.x.T @ dout, dout.sum(axis=0)
        return dout @ self.W


@wrong("check_affine_layer", "db has shape (4, 2), expected (2,): sum dout over the batch")
class AffineDbNotSummed(_Affine):
    def backward(self, dout):
        self.dW, self.db = self.x.T @ dout, dout
        return dout @ self.W.T


@wrong("check_affine_layer", "sum over axis=0 (the batch), not axis=1")
class AffineDbAxis1(_Affine):
    def backward(self, dout):
        self.dW, self.db = self.x.T @ dout, dout.sum(axis=1)
        return dout @ self.W.T


@wrong("check_affine_layer", "db is one number")
class AffineDbScalar(_Affine):
    def backward(self, dout):
        self.dW, self.db = self.x.T @ dout, np.sum(dout)
        return dout @ self.W.T


@wrong("check_affine_layer", "is the mean over the batch, 1/4 of the sum")
class AffineDbMean(_Affine):
    def backward(self, dout):
        self.dW, self.db = self.x.T @ dout, dout.mean(axis=0)
        return dout @ self.W.T


@wrong("check_affine_layer", "self.dW was not set")
class AffineForgetsDW(_Affine):
    def backward(self, dout):
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


@wrong("check_affine_layer", "dW = x.T @ dout")
class AffineDWWrongValues(_Affine):
    def backward(self, dout):
        self.dW, self.db = self.x.T @ np.abs(dout), dout.sum(axis=0)
        return dout @ self.W.T


@wrong("check_affine_layer", "dx = dout @ W.T")
class AffineDxWrongValues(_Affine):
    def backward(self, dout):
        self.dW, self.db = self.x.T @ dout, dout.sum(axis=0)
        return -dout @ self.W.T


class _SoftmaxWithLoss:
    def forward(self, x, t):
        from nnlib.functions import cross_entropy_error, softmax

        self.t, self.y = t, softmax(x)
        return cross_entropy_error(self.y, self.t)


@wrong("check_softmax_with_loss", "4 times too large; divide by the batch size")
class SoftmaxLossNoBatch(_SoftmaxWithLoss):
    def backward(self, dout=1):
        return self.y - self.t


@wrong("check_softmax_with_loss", "the sign is flipped: dx = (y - t) / batch_size")
class SoftmaxLossSign(_SoftmaxWithLoss):
    def backward(self, dout=1):
        return (self.t - self.y) / self.t.shape[0]


@wrong("check_softmax_with_loss", "subtract t: dx = (y - t) / batch_size")
class SoftmaxLossNoT(_SoftmaxWithLoss):
    def backward(self, dout=1):
        return self.y / self.t.shape[0]


@wrong("check_softmax_with_loss",
       "divided by t.size (3) instead of the batch size (1); use batch_size = t.shape[0]")
class SoftmaxLossSize(_SoftmaxWithLoss):
    def backward(self, dout=1):
        return (self.y - self.t) / self.t.size


# --- chapter 07: one mini-batch SGD update ---------------------------------------------------

@wrong("check_sgd_update", "is a new array for a TwoLayerNet's params")
def sgd_rebinds(params, grads, lr=0.1):
    for key in grads:
        params[key] = params[key] - lr * grads[key]


@wrong("check_sgd_update", "moved along the gradient")
def sgd_plus(params, grads, lr=0.1):
    for key in grads:
        params[key] += lr * grads[key]


@wrong("check_sgd_update", "moved 1 times its gradient")
def sgd_no_lr(params, grads, lr=0.1):
    for key in grads:
        params[key] -= grads[key]


@wrong("check_sgd_update", "params['b1'] did not change")
def sgd_weights_only(params, grads, lr=0.1):
    for key in ("W1", "W2"):
        params[key] -= lr * grads[key]


@wrong("check_sgd_update", "moved 0.1 times its gradient for a TwoLayerNet's params and a "
       "mini-batch's grads with lr = 0.5, expected lr = 0.5 times: use the lr passed in")
def sgd_fixed_lr(params, grads, lr=0.1):
    for key in grads:
        params[key] -= 0.1 * grads[key]


@wrong("check_sgd_update", "compute lr * grads[key] without changing grads")
def sgd_scales_grads(params, grads, lr=0.1):
    for key in grads:
        grads[key] *= lr
        params[key] -= grads[key]


@wrong("check_sgd_update", "params['W1'] did not change")
def sgd_returns_new(params, grads, lr=0.1):
    return {key: params[key] - lr * grads[key] for key in grads}


# --- chapter 09: the Momentum and AdaGrad updates, the Xavier/He scale -----------------------
# Each wrong class is the book's §6.1 class as a reader might type it, with one mistake.

class Ch09Momentum:
    """A book-style Momentum, written independently: the reference the check must pass."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]


@wrong("check_momentum_update", "v starts from zero at every call")
class MomentumForgetsV(Ch09Momentum):
    def update(self, params, grads):
        self.v = None  # a fresh velocity each call: plain SGD in disguise
        super().update(params, grads)


@wrong("check_momentum_update", "params moved uphill")
class MomentumSubtractsV(Ch09Momentum):
    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] -= self.v[key]


@wrong("check_momentum_update", "missing its learning rate")
class MomentumNoLr(Ch09Momentum):
    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            self.v[key] = self.momentum * self.v[key] - grads[key]
            params[key] += self.v[key]


@wrong("check_momentum_update", "not the 0.5 passed in: use self.momentum")
class MomentumFixed(Ch09Momentum):
    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            self.v[key] = 0.9 * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]


@wrong("check_momentum_update", "is a new array")
class MomentumRebinds(Ch09Momentum):
    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] = params[key] + self.v[key]


class Ch09AdaGrad:
    """A book-style AdaGrad, written independently: the reference the check must pass."""

    def __init__(self, lr=0.01):
        self.lr, self.h = lr, None

    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            self.h[key] += grads[key] ** 2
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


@wrong("check_adagrad_update", "0 / np.sqrt(0) is 0 / 0 = NaN")
class AdaGradNoEps(Ch09AdaGrad):
    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            self.h[key] += grads[key] ** 2
            params[key] -= self.lr * grads[key] / np.sqrt(self.h[key])


@wrong("check_adagrad_update", "h starts from zero at every call")
class AdaGradForgetsH(Ch09AdaGrad):
    def update(self, params, grads):
        self.h = None
        super().update(params, grads)


@wrong("check_adagrad_update", "divide by the square root of h")
class AdaGradNoSqrt(Ch09AdaGrad):
    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            self.h[key] += grads[key] ** 2
            params[key] -= self.lr * grads[key] / (self.h[key] + 1e-7)


@wrong("check_adagrad_update", "h adds up the squares of the gradients")
class AdaGradNoSquare(Ch09AdaGrad):
    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            self.h[key] += grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


@wrong("check_adagrad_update", "the step is missing its learning rate")
class AdaGradNoLr(Ch09AdaGrad):
    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            self.h[key] += grads[key] ** 2
            params[key] -= grads[key] / (np.sqrt(self.h[key]) + 1e-7)


def ch09_init_scale(activation, n_in, n_out):
    """The book's rule (its MultiLayerNet's weight_init_std names), written independently."""
    if activation.lower() in ("relu", "he"):
        return np.sqrt(2.0 / n_in)
    return np.sqrt(1.0 / n_in)


@wrong("check_init_scale", "that uses n_out")
def scale_fan_out(activation, n_in, n_out):
    return ch09_init_scale(activation, n_out, n_in)


@wrong("check_init_scale", "that is Glorot's sqrt(2 / (n_in + n_out))")
def scale_glorot(activation, n_in, n_out):
    return np.sqrt(2.0 / (n_in + n_out))


@wrong("check_init_scale", "Xavier and He are swapped")
def scale_swapped(activation, n_in, n_out):
    return np.sqrt((1.0 if activation.lower() in ("relu", "he") else 2.0) / n_in)


@wrong("check_init_scale", "missing the square root")
def scale_no_sqrt(activation, n_in, n_out):
    return (2.0 if activation.lower() in ("relu", "he") else 1.0) / n_in


@wrong("check_init_scale", "upside down")
def scale_inverted(activation, n_in, n_out):
    return np.sqrt(n_in / (2.0 if activation.lower() in ("relu", "he") else 1.0))


@wrong("check_init_scale", "compare the name in lower case")
def scale_case_sensitive(activation, n_in, n_out):
    return np.sqrt((2.0 if activation in ("relu", "he") else 1.0) / n_in)


class Ch09Dropout:
    """The book's §6.4.3 Dropout, typed from the book: the reference the check must pass."""

    def __init__(self, dropout_ratio=0.5):
        self.dropout_ratio = dropout_ratio
        self.mask = None

    def forward(self, x, train_flg=True):
        if train_flg:
            self.mask = np.random.rand(*x.shape) > self.dropout_ratio  # noqa: NPY002 - the book's
            return x * self.mask
        else:
            return x * (1.0 - self.dropout_ratio)

    def backward(self, dout):
        return dout * self.mask


@wrong("check_dropout_layer", "that is the 'inverted' dropout")
class DropoutInverted(Ch09Dropout):
    def forward(self, x, train_flg=True):
        if train_flg:
            self.mask = np.random.rand(*x.shape) > self.dropout_ratio  # noqa: NPY002
            return x * self.mask / (1.0 - self.dropout_ratio)
        return x


@wrong("check_dropout_layer", "x came back unchanged: at inference the book multiplies")
class DropoutInferenceIdentity(Ch09Dropout):
    def forward(self, x, train_flg=True):
        return super().forward(x, True) if train_flg else x


@wrong("check_dropout_layer", "the mask is the share kept, rand > dropout_ratio")
class DropoutMaskReversed(Ch09Dropout):
    def forward(self, x, train_flg=True):
        if train_flg:
            self.mask = np.random.rand(*x.shape) < self.dropout_ratio  # noqa: NPY002
            return x * self.mask
        return x * (1.0 - self.dropout_ratio)


@wrong("check_dropout_layer", "dout came back unchanged")
class DropoutBackwardNoMask(Ch09Dropout):
    def backward(self, dout):
        return dout


@wrong("check_dropout_layer", "a new mask was drawn")
class DropoutBackwardNewMask(Ch09Dropout):
    def backward(self, dout):
        return dout * (np.random.rand(*dout.shape) > self.dropout_ratio)  # noqa: NPY002


@wrong("check_dropout_layer", "not once in __init__")
class DropoutMaskOnce(Ch09Dropout):
    def forward(self, x, train_flg=True):
        if train_flg:
            if self.mask is None:
                self.mask = np.random.rand(*x.shape) > self.dropout_ratio  # noqa: NPY002
            return x * self.mask
        return x * (1.0 - self.dropout_ratio)


@wrong("check_dropout_layer", "multiplied by dropout_ratio")
class DropoutTimesRatio(Ch09Dropout):
    def forward(self, x, train_flg=True):
        return super().forward(x, True) if train_flg else x * self.dropout_ratio


@wrong("check_dropout_layer", "train_flg's default is True")
class DropoutDefaultInference(Ch09Dropout):
    def forward(self, x, train_flg=False):
        return super().forward(x, train_flg)


class Ch09DropoutSeeded(Ch09Dropout):
    """Its own generator instead of numpy's global one: any random source passes."""

    def __init__(self, dropout_ratio=0.5):
        super().__init__(dropout_ratio)
        self.rng = np.random.default_rng(0)

    def forward(self, x, train_flg=True):
        if train_flg:
            self.mask = self.rng.random(x.shape) > self.dropout_ratio
            return x * self.mask
        return x * (1.0 - self.dropout_ratio)


CH09_REFERENCES = {
    "check_momentum_update": Ch09Momentum,
    "check_adagrad_update": Ch09AdaGrad,
    "check_init_scale": ch09_init_scale,
    "check_dropout_layer": Ch09Dropout,
}


def test_ch09_dropout_passes_with_any_random_source_and_nnlibs_layer():
    from nnlib.layers import Dropout

    for attempt in (Ch09DropoutSeeded, Dropout):
        verdict = ex.check_dropout_layer.verdict(attempt)
        assert verdict.passed, verdict


def test_ch09_references_keep_their_state_between_calls():
    # the references themselves, against numbers worked by hand: two Momentum steps and
    # two AdaGrad steps on one weight
    params = {"w": np.array([1.0])}
    m = Ch09Momentum(lr=0.1, momentum=0.9)
    m.update(params, {"w": np.array([2.0])})  # v = -0.2, w = 0.8
    m.update(params, {"w": np.array([2.0])})  # v = -0.18 - 0.2 = -0.38, w = 0.42
    np.testing.assert_allclose(params["w"], [0.42])
    params = {"w": np.array([1.0])}
    a = Ch09AdaGrad(lr=0.5)
    a.update(params, {"w": np.array([3.0])})  # h = 9, w = 1 - 0.5 * 3 / 3 = 0.5
    a.update(params, {"w": np.array([4.0])})  # h = 25, w = 0.5 - 0.5 * 4 / 5 = 0.1
    np.testing.assert_allclose(params["w"], [0.1], rtol=1e-6)


# --- chapter 01: the book's gates (§2.3, §2.5) and forward pass (§3.4.3) -------------------

def _perceptron(x1, x2, w1, w2, b):
    """The book's §2.3.3 gate body: np.sum(w * x) + b, then 0 or 1."""
    tmp = np.sum(np.array([w1, w2]) * np.array([x1, x2])) + b
    return 0 if tmp <= 0 else 1


@wrong("check_and_gate", "that is OR, not AND; move the bias")
def and_with_or_bias(x1, x2):
    return _perceptron(x1, x2, 0.5, 0.5, -0.2)


@wrong("check_and_gate", "every output is flipped (NAND)")
def and_flipped(x1, x2):
    return _perceptron(x1, x2, -0.5, -0.5, 0.7)


@wrong("check_and_gate", "that looks like the weighted sum itself")
def and_returns_sum(x1, x2):
    return np.sum(np.array([0.5, 0.5]) * np.array([x1, x2])) - 0.7


@wrong("check_and_gate", "expected one number, 0 or 1: sum the weighted inputs")
def and_without_sum(x1, x2):
    return np.array([0.5, 0.5]) * np.array([x1, x2]) - 0.7 > 0


@wrong("check_and_gate", "that is always 1, not AND")
def and_bias_sign(x1, x2):
    return _perceptron(x1, x2, 0.5, 0.5, 0.7)


@wrong("check_and_gate", "did you forget `return`?")
def and_prints(x1, x2):
    print(_perceptron(x1, x2, 0.5, 0.5, -0.7))


@wrong("check_nand_gate", "every output is flipped (AND)")
def nand_with_and_weights(x1, x2):
    return _perceptron(x1, x2, 0.5, 0.5, -0.7)


@wrong("check_nand_gate", "that is NOR, not NAND")
def nand_small_bias(x1, x2):
    return _perceptron(x1, x2, -0.5, -0.5, 0.2)


@wrong("check_nand_gate", "that looks like the weighted sum itself")
def nand_returns_sum(x1, x2):
    return np.sum(np.array([-0.5, -0.5]) * np.array([x1, x2])) + 0.7


@wrong("check_nand_gate", "that is always 1, not NAND")
def nand_greater_equal(x1, x2):
    tmp = np.sum(np.array([-0.5, -0.5]) * np.array([x1, x2])) + 1.0
    return 1 if tmp >= 0 else 0


@wrong("check_or_gate", "that is AND, not OR")
def or_with_and_bias(x1, x2):
    return _perceptron(x1, x2, 0.5, 0.5, -0.7)


@wrong("check_or_gate", "every output is flipped (NOR)")
def or_flipped(x1, x2):
    return _perceptron(x1, x2, -0.5, -0.5, 0.2)


@wrong("check_or_gate", "that looks like the weighted sum itself")
def or_returns_sum(x1, x2):
    return 0.5 * x1 + 0.5 * x2 - 0.2


@wrong("check_or_gate", "that is x1 (copies x1), not OR")
def or_one_weight(x1, x2):
    return _perceptron(x1, x2, 0.5, 0.0, -0.2)


@wrong("check_xor_gate", "that is always 1. XOR is 1 for exactly one input")
def xor_or_outside(x1, x2):
    return or_reference(nand_reference(x1, x2), or_reference(x1, x2))


@wrong("check_xor_gate", "that is XNOR. XOR is 1 for exactly one input")
def xor_nand_outside(x1, x2):
    return nand_reference(nand_reference(x1, x2), or_reference(x1, x2))


@wrong("check_xor_gate", "that is OR. XOR is 1 for exactly one input")
def xor_one_perceptron(x1, x2):
    return _perceptron(x1, x2, 1.0, 1.0, -0.5)


@wrong("check_xor_gate", "that is AND. XOR is 1 for exactly one input")
def xor_and_of_and(x1, x2):
    return and_reference(and_reference(x1, x2), or_reference(x1, x2))


@wrong("check_xor_gate", "that looks like the weighted sum itself")
def xor_adds(x1, x2):
    return x1 + x2


def and_reference(x1, x2):
    return int(x1 == 1 and x2 == 1)


def nand_reference(x1, x2):
    return 1 - and_reference(x1, x2)


def or_reference(x1, x2):
    return int(x1 == 1 or x2 == 1)


def _forward_slip(network, x, *, hidden=None, output=None, second=True, bias2=True,
                  transpose3=False):
    def sig(a):
        return 1 / (1 + np.exp(-a))

    hidden = hidden or sig
    z1 = hidden(np.dot(x, network["W1"]) + network["b1"])
    a2 = np.dot(z1, network["W2"]) + (network["b2"] if bias2 else 0)
    z2 = hidden(a2) if second else a2
    a3 = np.dot(z2, network["W3"].T if transpose3 else network["W3"]) + network["b3"]
    return output(a3) if output else a3


@wrong("check_forward", "the output layer applies sigmoid")
def forward_sigmoid_output(network, x):
    return _forward_slip(network, x, output=lambda a: 1 / (1 + np.exp(-a)))


@wrong("check_forward", "the output layer applies softmax")
def forward_softmax_output(network, x):
    def softmax(a):
        e = np.exp(a - a.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    return _forward_slip(network, x, output=softmax)


@wrong("check_forward", "layer 2 skips its activation")
def forward_no_z2(network, x):
    return _forward_slip(network, x, second=False)


@wrong("check_forward", "the hidden layers use ReLU")
def forward_relu(network, x):
    return _forward_slip(network, x, hidden=lambda a: np.maximum(0, a))


@wrong("check_forward", "b2 was not added")
def forward_no_b2(network, x):
    return _forward_slip(network, x, bias2=False)


@wrong("check_forward", "W3 was transposed")
def forward_w3_transposed(network, x):
    return _forward_slip(network, x, transpose3=True)


@wrong("check_forward", "the shapes do not chain: write np.dot(x, W1) (x first)")
def forward_w_first(network, x):
    a1 = np.dot(network["W1"], x) + network["b1"]
    return a1


# --- chapter 03: the book's §3.6 predict and its accuracy by batches ----------------------

def _predict_slip(network, x, *, hidden=None, output="softmax", second=True):
    def sig(a):
        return 1 / (1 + np.exp(-a))

    def softmax_rows(a):
        e = np.exp(a - a.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def softmax_book_352(a):  # §3.5.2, as printed: one max and one sum for the whole array
        c = np.max(a)
        exp_a = np.exp(a - c)
        return exp_a / np.sum(exp_a)

    hidden = hidden or sig
    z1 = hidden(np.dot(x, network["W1"]) + network["b1"])
    a2 = np.dot(z1, network["W2"]) + network["b2"]
    z2 = hidden(a2) if second else a2
    a3 = np.dot(z2, network["W3"]) + network["b3"]
    return {"softmax": softmax_rows, "book": softmax_book_352, "none": lambda a: a,
            "sigmoid": sig}[output](a3)


def predict_reference(network, x):
    return _predict_slip(network, x)


@wrong("check_predict", "softmax is missing")
def predict_no_softmax(network, x):
    return _predict_slip(network, x, output="none")


@wrong("check_predict", "That is the book's §3.5.2 softmax")
def predict_book_352_softmax(network, x):
    return _predict_slip(network, x, output="book")


@wrong("check_predict", "the output layer applies sigmoid")
def predict_sigmoid_output(network, x):
    return _predict_slip(network, x, output="sigmoid")


@wrong("check_predict", "the hidden layers use ReLU")
def predict_relu(network, x):
    return _predict_slip(network, x, hidden=lambda a: np.maximum(0, a))


@wrong("check_predict", "layer 2 skips its activation")
def predict_no_z2(network, x):
    return _predict_slip(network, x, second=False)


def accuracy_reference(network, x, t, batch_size=100):
    """Independent of the batches: predict all rows at once, count, divide."""
    return float(np.mean(np.argmax(predict_reference(network, x), axis=1) == t))


def _batch_hits(network, x, t, batch_size, compare):
    hits = 0
    for i in range(0, len(x), batch_size):
        hits += int(np.sum(compare(predict_reference(network, x[i:i + batch_size]), t, i)))
    return hits


@wrong("check_batch_accuracy", "that is the number of right answers")
def accuracy_count(network, x, t, batch_size=100):
    return _batch_hits(network, x, t, batch_size,
                       lambda y, t, i: np.argmax(y, axis=1) == t[i:i + batch_size])


@wrong("check_batch_accuracy", "divided by the number of batches")
def accuracy_per_batch(network, x, t, batch_size=100):
    hits = accuracy_count(network, x, t, batch_size)
    return hits / len(range(0, len(x), batch_size))


@wrong("check_batch_accuracy", "np.argmax(y_batch) without axis=1")
def accuracy_flat_argmax(network, x, t, batch_size=100):
    hits = _batch_hits(network, x, t, batch_size,
                       lambda y, t, i: np.argmax(y) == t[i:i + batch_size])
    return hits / len(x)


@wrong("check_batch_accuracy", "compared with one label t[i]")
def accuracy_one_label(network, x, t, batch_size=100):
    hits = _batch_hits(network, x, t, batch_size,
                       lambda y, t, i: np.argmax(y, axis=1) == t[i])
    return hits / len(x)


@wrong("check_batch_accuracy", "the last, shorter batch was left out")
def accuracy_drops_last_batch(network, x, t, batch_size=100):
    hits = 0
    for k in range(len(x) // batch_size):
        y = predict_reference(network, x[k * batch_size:(k + 1) * batch_size])
        hits += np.sum(np.argmax(y, axis=1) == t[k * batch_size:(k + 1) * batch_size])
    return hits / len(x)


@wrong("check_batch_accuracy", "// is floor division")
def accuracy_floor(network, x, t, batch_size=100):
    return accuracy_count(network, x, t, batch_size) // len(x)


def book_and(x1, x2):
    """The book's §2.3.3 AND, typed as printed."""
    x = np.array([x1, x2])
    w = np.array([0.5, 0.5])
    b = -0.7
    tmp = np.sum(w * x) + b
    if tmp <= 0:
        return 0
    else:
        return 1


def book_nand(x1, x2):
    """The book's §2.3.3 NAND."""
    x = np.array([x1, x2])
    w = np.array([-0.5, -0.5])
    b = 0.7
    tmp = np.sum(w * x) + b
    if tmp <= 0:
        return 0
    else:
        return 1


def book_or(x1, x2):
    """The book's §2.3.3 OR."""
    x = np.array([x1, x2])
    w = np.array([0.5, 0.5])
    b = -0.2
    tmp = np.sum(w * x) + b
    if tmp <= 0:
        return 0
    else:
        return 1


def book_xor(x1, x2):
    """The book's §2.5.2 XOR."""
    s1 = book_nand(x1, x2)
    s2 = book_or(x1, x2)
    y = book_and(s1, s2)
    return y


def _book_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def book_forward(network, x):
    """The book's §3.4.3 forward, with identity_function written out."""
    W1, W2, W3 = network['W1'], network['W2'], network['W3']
    b1, b2, b3 = network['b1'], network['b2'], network['b3']
    a1 = np.dot(x, W1) + b1
    z1 = _book_sigmoid(a1)
    a2 = np.dot(z1, W2) + b2
    z2 = _book_sigmoid(a2)
    a3 = np.dot(z2, W3) + b3
    y = a3
    return y


def _book_common_softmax(x):
    """The book's common/functions.py softmax (the one §3.6's code imports)."""
    if x.ndim == 2:
        x = x.T
        x = x - np.max(x, axis=0)
        y = np.exp(x) / np.sum(np.exp(x), axis=0)
        return y.T
    x = x - np.max(x)
    return np.exp(x) / np.sum(np.exp(x))


def book_predict(network, x):
    """The book's §3.6.2 predict."""
    W1, W2, W3 = network['W1'], network['W2'], network['W3']
    b1, b2, b3 = network['b1'], network['b2'], network['b3']
    a1 = np.dot(x, W1) + b1
    z1 = _book_sigmoid(a1)
    a2 = np.dot(z1, W2) + b2
    z2 = _book_sigmoid(a2)
    a3 = np.dot(z2, W3) + b3
    y = _book_common_softmax(a3)
    return y


def book_batch_accuracy(network, x, t, batch_size=100):
    """The book's §3.6.3 loop, as a function (the book runs it as a script)."""
    accuracy_cnt = 0
    for i in range(0, len(x), batch_size):
        x_batch = x[i:i + batch_size]
        y_batch = book_predict(network, x_batch)
        p = np.argmax(y_batch, axis=1)
        accuracy_cnt += np.sum(p == t[i:i + batch_size])
    return float(accuracy_cnt) / len(x)


BOOK_VERSIONS_CH01_CH03 = {
    "check_and_gate": book_and,
    "check_nand_gate": book_nand,
    "check_or_gate": book_or,
    "check_xor_gate": book_xor,
    "check_forward": book_forward,
    "check_predict": book_predict,
    "check_batch_accuracy": book_batch_accuracy,
}

REFERENCES_CH01_CH03 = {
    "check_and_gate": and_reference,
    "check_nand_gate": nand_reference,
    "check_or_gate": or_reference,
    "check_xor_gate": lambda x1, x2: int(x1 != x2),
    "check_forward": lambda network, x: _forward_slip(network, x),
    "check_predict": predict_reference,
    "check_batch_accuracy": accuracy_reference,
}


@pytest.mark.parametrize("check", sorted(BOOK_VERSIONS_CH01_CH03))
def test_the_books_gates_forward_and_predict_pass_as_printed(check):
    verdict = getattr(ex, check).verdict(BOOK_VERSIONS_CH01_CH03[check])
    assert verdict.passed, verdict


# --- the book's own code, typed from the book: it passes where the exercise asks what the book
# does (the failing book versions are wrong attempts above, with a message naming the book) ---

def book_step_function(x):
    """The book's §3.2.3 step function for arrays (np.int in the book, gone from numpy 2)."""
    y = x > 0
    return y.astype(int)


def book_sigmoid(x):
    """The book's §3.2.4 sigmoid."""
    return 1 / (1 + np.exp(-x))


def book_relu(x):
    """The book's §3.2.7 ReLU."""
    return np.maximum(0, x)


BOOK_VERSIONS = {
    "check_step_function": book_step_function,
    "check_sigmoid": book_sigmoid,
    "check_relu": book_relu,
    "check_sum_squared_error": book_sum_squared_error,
}


@pytest.mark.parametrize("check", sorted(BOOK_VERSIONS))
def test_the_books_own_code_passes(check):
    verdict = getattr(ex, check).verdict(BOOK_VERSIONS[check])
    assert verdict.passed, verdict


def test_the_books_sum_squared_error_passes_with_the_books_total_on_a_batch():
    y = np.array([[0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]] * 2)
    t = np.zeros_like(y)
    t[0, 2] = t[1, 7] = 1
    # the book's number, by hand: 0.0975 for label 2 plus 0.5975 for label 7
    assert book_sum_squared_error(y, t) == pytest.approx(0.0975 + 0.5975)
    verdict = ex.check_sum_squared_error.verdict(book_sum_squared_error)
    assert verdict.message == "passed, all 5 cases"


def test_the_books_softmax_fails_only_on_a_batch_and_the_message_says_why():
    verdict = ex.check_softmax.verdict(softmax_book_1d)
    assert not verdict.passed
    assert "the book's §3.5.2 softmax" in verdict.message
    assert "right for the one vector the book gives it" in verdict.message
    assert "a network's output layer gets one row per input" in verdict.message


# --- the tests -----------------------------------------------------------------------------

# --- independent references: each written here from the book's formulas, not nnlib's classes --


class MulReference:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.y, dout * self.x


class AddReference:
    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout * 1, dout * 1


class ReluReference:
    def forward(self, x):
        self.mask = x <= 0
        return np.where(self.mask, 0.0, x)

    def backward(self, dout):
        return np.where(self.mask, 0.0, dout)  # a new array: dout left as it was


class SigmoidReference:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class AffineReference:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW, self.db = self.x.T @ dout, dout.sum(axis=0)
        return dout @ self.W.T


class SoftmaxWithLossReference:
    def forward(self, x, t):
        x = np.atleast_2d(x)
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        self.t = np.asarray(t).reshape(len(x), -1)
        if self.t.shape[1] == 1:  # labels: one-hot rows
            self.t = np.eye(x.shape[1])[self.t[:, 0]]
        return -np.sum(self.t * np.log(self.y + 1e-7)) / len(x)

    def backward(self, dout=1):
        return (self.y - self.t) * dout / len(self.y)


def sgd_reference(params, grads, lr=0.1):
    for key in grads:
        params[key] -= lr * grads[key]


REFERENCES = {
    "check_step_function": lambda x: (x > 0).astype(int),
    "check_sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "check_relu": lambda x: np.maximum(0, x),
    "check_softmax": lambda a: (lambda e: e / e.sum(axis=-1, keepdims=True))(
        np.exp(a - a.max(axis=-1, keepdims=True))),
    "check_sum_squared_error": lambda y, t: 0.5 * sum(
        (a - b) ** 2 for a, b in zip(np.ravel(y).tolist(), np.ravel(t).tolist(), strict=True)),
    "check_cross_entropy_error": ce_reference,
    "check_numerical_diff": lambda f, x, h=1e-4: (f(x + h) - f(x - h)) / (2 * h),
    "check_numerical_gradient": lambda f, x: _gradient(f, x),
    "check_gradient_descent_step": lambda f, x, lr=0.1: x - lr * _grad(f, x),
    "check_mul_layer": MulReference,
    "check_add_layer": AddReference,
    "check_relu_layer": ReluReference,
    "check_sigmoid_layer": SigmoidReference,
    "check_affine_layer": AffineReference,
    "check_softmax_with_loss": SoftmaxWithLossReference,
    "check_sgd_update": sgd_reference,
}

REFERENCES.update(CH09_REFERENCES)


REFERENCES.update(REFERENCES_CH01_CH03)


def _id(entry) -> str:
    return f"{entry[0]}-{getattr(entry[1], '__name__', 'class')}"


@pytest.mark.parametrize(("check", "attempt", "hint"), CATALOGUE, ids=map(_id, CATALOGUE))
def test_wrong_attempt_gets_its_hint(check, attempt, hint, capsys):
    verdict = getattr(ex, check).verdict(attempt)
    assert verdict.status == "failed", verdict
    assert hint in verdict.message, verdict
    assert capsys.readouterr().out == ""  # nothing the attempt printed leaks out


@pytest.mark.parametrize("check", sorted(REFERENCES))
def test_reference_passes(check):
    verdict = getattr(ex, check).verdict(REFERENCES[check])
    assert verdict.passed, verdict


def test_every_check_has_at_least_four_wrong_attempts():
    counts = {name: 0 for name in ex.names}
    for check, _, _ in CATALOGUE:
        counts[check] += 1
    assert min(counts.values()) >= 4, counts


def test_every_check_has_a_reference():
    assert sorted(REFERENCES) == sorted(ex.names)


def test_verdicts_are_deterministic():
    for name, attempt, _ in CATALOGUE[:40]:
        check = getattr(ex, name)
        assert check.verdict(attempt) == check.verdict(attempt)


# --- The book's TwoLayerNet (§4.5.1 / §5.7.2), its training loop (§4.5.2), and the
# playground's tanh layer and weight decay (notebook 08). References are typed from the book. ---

from collections import OrderedDict  # noqa: E402


def _book_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _book_softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)


def _book_cross_entropy_error(y, t):
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


class BookTwoLayerNet45:
    """The book's §4.5.1 TwoLayerNet (sigmoid, softmax in predict, numerical_gradient only)."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params['W1'] = weight_init_std * np.random.randn(input_size, hidden_size)  # noqa: NPY002 - the book's API
        self.params['b1'] = np.zeros(hidden_size)
        self.params['W2'] = weight_init_std * np.random.randn(hidden_size, output_size)  # noqa: NPY002 - the book's API
        self.params['b2'] = np.zeros(output_size)

    def predict(self, x):
        W1, W2 = self.params['W1'], self.params['W2']
        b1, b2 = self.params['b1'], self.params['b2']
        a1 = np.dot(x, W1) + b1
        z1 = _book_sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        return _book_softmax(a2)

    def loss(self, x, t):
        y = self.predict(x)
        return _book_cross_entropy_error(y, t)

    def accuracy(self, x, t):
        y = self.predict(x)
        y = np.argmax(y, axis=1)
        t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        def loss_W(W):
            return self.loss(x, t)

        return {key: numerical_gradient(loss_W, self.params[key])
                for key in ('W1', 'b1', 'W2', 'b2')}


class BookTwoLayerNet45Fast(BookTwoLayerNet45):
    """The book repository's ch04/two_layer_net.py adds a backprop gradient (sigmoid_grad)."""

    def gradient(self, x, t):
        W1, W2 = self.params['W1'], self.params['W2']
        b1, b2 = self.params['b1'], self.params['b2']
        grads = {}
        batch_num = x.shape[0]
        a1 = np.dot(x, W1) + b1
        z1 = _book_sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        y = _book_softmax(a2)
        dy = (y - t) / batch_num
        grads['W2'] = np.dot(z1.T, dy)
        grads['b2'] = np.sum(dy, axis=0)
        dz1 = np.dot(dy, W2.T)
        da1 = (1.0 - _book_sigmoid(a1)) * _book_sigmoid(a1) * dz1
        grads['W1'] = np.dot(x.T, da1)
        grads['b1'] = np.sum(da1, axis=0)
        return grads


class BookTwoLayerNet57:
    """The book's §5.7.2 TwoLayerNet: layers in an OrderedDict, ReLU, backprop gradient."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params['W1'] = weight_init_std * np.random.randn(input_size, hidden_size)  # noqa: NPY002 - the book's API
        self.params['b1'] = np.zeros(hidden_size)
        self.params['W2'] = weight_init_std * np.random.randn(hidden_size, output_size)  # noqa: NPY002 - the book's API
        self.params['b2'] = np.zeros(output_size)
        self.layers = OrderedDict()
        self.layers['Affine1'] = AffineReference(self.params['W1'], self.params['b1'])
        self.layers['Relu1'] = ReluReference()
        self.layers['Affine2'] = AffineReference(self.params['W2'], self.params['b2'])
        self.lastLayer = SoftmaxWithLossReference()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        y = self.predict(x)
        return self.lastLayer.forward(y, t)

    def accuracy(self, x, t):
        y = self.predict(x)
        y = np.argmax(y, axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        def loss_W(W):
            return self.loss(x, t)

        return {key: numerical_gradient(loss_W, self.params[key])
                for key in ('W1', 'b1', 'W2', 'b2')}

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        return {'W1': self.layers['Affine1'].dW, 'b1': self.layers['Affine1'].db,
                'W2': self.layers['Affine2'].dW, 'b2': self.layers['Affine2'].db}


class _LastLayerNoBatch:
    """Softmax with loss whose backward forgets the 1/N."""

    def forward(self, x, t):
        self.t, self.y = t, _book_softmax(x)
        return _book_cross_entropy_error(self.y, t)

    def backward(self, dout=1):
        return self.y - self.t


@wrong("check_two_layer_net", "is 5 times too large for a batch of 5")
class NetNoBatchDivide(BookTwoLayerNet57):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lastLayer = _LastLayerNoBatch()


@wrong("check_two_layer_net", "add the biases: a1 = x @ W1 + b1")
class NetNoBias(BookTwoLayerNet45):
    def predict(self, x):
        z1 = _book_sigmoid(x @ self.params['W1'])
        return _book_softmax(z1 @ self.params['W2'])


@wrong("check_two_layer_net", "that is the count of right answers")
class NetAccuracyCount(BookTwoLayerNet45):
    def accuracy(self, x, t):
        return np.sum(np.argmax(self.predict(x), axis=1) == np.argmax(t, axis=1))


@wrong("check_two_layer_net", "apply softmax to the scores first")
class NetLossOfScores(BookTwoLayerNet45):
    def predict(self, x):
        z1 = _book_sigmoid(x @ self.params['W1'] + self.params['b1'])
        return z1 @ self.params['W2'] + self.params['b2']


@wrong("check_two_layer_net", "is all zeros: the loss did not change")
class NetNudgesCopies(BookTwoLayerNet45):
    def numerical_gradient(self, x, t):
        return {key: numerical_gradient(lambda W: self.loss(x, t), self.params[key].copy())
                for key in ('W1', 'b1', 'W2', 'b2')}


@wrong("check_two_layer_net", "is all zeros: start the weights at small random values")
class NetZeroWeights(BookTwoLayerNet45):
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        super().__init__(input_size, hidden_size, output_size, weight_init_std)
        self.params['W1'] = np.zeros((input_size, hidden_size))
        self.params['W2'] = np.zeros((hidden_size, output_size))


@wrong("check_two_layer_net", "W1 is (input_size, hidden_size)")
class NetTransposed(BookTwoLayerNet45):
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        super().__init__(input_size, hidden_size, output_size, weight_init_std)
        self.params['W1'] = weight_init_std * np.random.randn(hidden_size, input_size)  # noqa: NPY002 - the book's API


@wrong("check_two_layer_net", "the hidden layer has no activation")
class NetNoActivation(BookTwoLayerNet45):
    def predict(self, x):
        a1 = x @ self.params['W1'] + self.params['b1']
        return _book_softmax(a1 @ self.params['W2'] + self.params['b2'])


@wrong("check_two_layer_net", "divide by the batch size, the loss is the mean")
class NetLossSum(BookTwoLayerNet45):
    def loss(self, x, t):
        return _book_cross_entropy_error(self.predict(x), t) * len(x)


@wrong("check_two_layer_net", "the class has no gradient(x, t) method")
class NetNoGradient:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = BookTwoLayerNet45(input_size, hidden_size, output_size).params


def book_train(network, x_train, t_train, x_test, t_test, iters_num, batch_size, learning_rate):
    """The book's §4.5.2 train_neuralnet.py loop, as a function."""
    train_loss_list, train_acc_list, test_acc_list = [], [], []
    train_size = x_train.shape[0]
    iter_per_epoch = max(train_size / batch_size, 1)
    for i in range(iters_num):
        batch_mask = np.random.choice(train_size, batch_size)  # noqa: NPY002 - the book's API
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]
        grad = network.gradient(x_batch, t_batch)
        for key in ('W1', 'b1', 'W2', 'b2'):
            network.params[key] -= learning_rate * grad[key]
        loss = network.loss(x_batch, t_batch)
        train_loss_list.append(loss)
        if i % iter_per_epoch == 0:
            train_acc_list.append(network.accuracy(x_train, t_train))
            test_acc_list.append(network.accuracy(x_test, t_test))
    return train_loss_list, train_acc_list, test_acc_list


def _loop(batch_of, update=lambda p, g, lr: p.__isub__(lr * g), every=None, on_batch=False,
          labels_of=None):
    """A training loop with one mistake swapped in (each argument is one kind of mistake)."""

    def train(network, x_train, t_train, x_test, t_test, iters_num, batch_size, learning_rate):
        losses, train_acc, test_acc = [], [], []
        train_size = x_train.shape[0]
        per_epoch = every or max(train_size / batch_size, 1)
        for i in range(iters_num):
            mask = batch_of(i, train_size, batch_size)
            x_batch = x_train[mask]
            t_batch = t_train[labels_of(i, train_size, batch_size) if labels_of else mask]
            grad = network.gradient(x_batch, t_batch)
            for key in ('W1', 'b1', 'W2', 'b2'):
                update(network.params[key], grad[key], learning_rate)
            losses.append(network.loss(x_batch, t_batch))
            if i % per_epoch == 0:
                if on_batch:
                    train_acc.append(network.accuracy(x_batch, t_batch))
                else:
                    train_acc.append(network.accuracy(x_train, t_train))
                test_acc.append(network.accuracy(x_test, t_test))
        return losses, train_acc, test_acc

    return train


def _random_batch(i, train_size, batch_size):
    return np.random.choice(train_size, batch_size)  # noqa: NPY002 - the book's API


CATALOGUE += [
    ("check_training_loop", _loop(lambda i, n, b: np.arange(b)),
     "every iteration used the same mini-batch"),
    ("check_training_loop", _loop(_random_batch, update=lambda p, g, lr: None),
     "never changed"),
    ("check_training_loop", _loop(_random_batch, update=lambda p, g, lr: p.__iadd__(lr * g)),
     "the parameters moved uphill"),
    ("check_training_loop", _loop(_random_batch, update=lambda p, g, lr: p.__isub__(0.1 * g)),
     "the steps were 0.1 times the gradient"),
    ("check_training_loop", _loop(_random_batch, every=1),
     "expected one per epoch (5): measure when i % iter_per_epoch == 0"),
    ("check_training_loop", _loop(_random_batch, on_batch=True),
     "an accuracy was measured on 20 rows"),
    ("check_training_loop", _loop(lambda i, n, b: np.random.choice(b, b)),  # noqa: NPY002 - the book's API
     "every mini-batch came from the first 20 rows"),
    ("check_training_loop", _loop(_random_batch, labels_of=_random_batch),
     "the labels of a mini-batch do not belong to its rows"),
    ("check_training_loop", _loop(lambda i, n, b: np.arange(i * b, (i + 1) * b) % n),
     "the mini-batches were taken in order"),
    ("check_training_loop", lambda *args: None, "return the three lists"),
]


class _BookTanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out ** 2)


@wrong("check_tanh_layer", "use np.tanh(x), which never overflows")
class TanhByFormula(_BookTanh):
    def forward(self, x):
        self.out = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
        return self.out


@wrong("check_tanh_layer", "that is the sigmoid; the tanh layer computes np.tanh(x)")
class TanhSigmoid(_BookTanh):
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out


@wrong("check_tanh_layer", "use the forward output y, not the input x")
class TanhOfInput(_BookTanh):
    def forward(self, x):
        self.x = x
        return super().forward(x)

    def backward(self, dout):
        return dout * (1 - self.x ** 2)


@wrong("check_tanh_layer", "that is the sigmoid's derivative")
class TanhSigmoidDerivative(_BookTanh):
    def backward(self, dout):
        return dout * self.out * (1 - self.out)


@wrong("check_tanh_layer", "backward ignores dout")
class TanhNoDout(_BookTanh):
    def backward(self, dout):
        return 1 - self.out ** 2


@wrong("check_tanh_layer", "(1 - y)**2 is not 1 - y**2")
class TanhSquareFirst(_BookTanh):
    def backward(self, dout):
        return dout * (1 - self.out) ** 2


@wrong("check_tanh_layer", "backward must not edit dout")
class TanhInPlace(_BookTanh):
    def backward(self, dout):
        dout *= 1 - self.out ** 2
        return dout


def book_weight_decay(params, weight_decay_lambda):
    """The book's §6.4.2 term (MultiLayerNet.loss), over the W keys of params."""
    weight_decay = 0
    for idx in range(1, len(params) // 2 + 1):
        W = params['W' + str(idx)]
        weight_decay += 0.5 * weight_decay_lambda * np.sum(W ** 2)
    return weight_decay


@wrong("check_weight_decay", "the biases were decayed too")
def decay_with_biases(params, weight_decay_lambda):
    return 0.5 * weight_decay_lambda * sum(np.sum(v ** 2) for v in params.values())


@wrong("check_weight_decay", "that is L1")
def decay_l1(params, weight_decay_lambda):
    return weight_decay_lambda * sum(np.sum(np.abs(v)) for k, v in params.items() if k[0] == "W")


@wrong("check_weight_decay", "twice too large: the book's term has a 0.5")
def decay_no_half(params, weight_decay_lambda):
    return weight_decay_lambda * sum(np.sum(v ** 2) for k, v in params.items() if k[0] == "W")


@wrong("check_weight_decay", "only W1 was counted")
def decay_first_only(params, weight_decay_lambda):
    return 0.5 * weight_decay_lambda * np.sum(params['W1'] ** 2)


@wrong("check_weight_decay", "np.mean averages the squares")
def decay_mean(params, weight_decay_lambda):
    return 0.5 * weight_decay_lambda * sum(np.mean(v ** 2) for k, v in params.items()
                                           if k[0] == "W")


@wrong("check_weight_decay", "add everything up to one number")
def decay_per_matrix(params, weight_decay_lambda):
    return np.array([0.5 * weight_decay_lambda * np.sum(v ** 2)
                     for k, v in params.items() if k[0] == "W"])


REFERENCES.update({
    "check_two_layer_net": BookTwoLayerNet45,
    "check_training_loop": book_train,
    "check_tanh_layer": _BookTanh,
    "check_weight_decay": book_weight_decay,
})


@pytest.mark.parametrize("net", [BookTwoLayerNet45, BookTwoLayerNet45Fast, BookTwoLayerNet57])
def test_both_of_the_books_two_layer_nets_pass(net):
    verdict = ex.check_two_layer_net.verdict(net)
    assert verdict.passed, verdict


def test_the_books_training_loop_and_weight_decay_pass():
    for check, attempt in (("check_training_loop", book_train),
                           ("check_weight_decay", book_weight_decay)):
        verdict = getattr(ex, check).verdict(attempt)
        assert verdict.passed, verdict
