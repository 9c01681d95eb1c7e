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
