"""The bad-input matrix: every public callable of nnlib, each argument in turn replaced
by each bad value, and the outcome sorted into the issue's kinds.

Public callables are found by walking the ``__all__`` of nnlib's core modules and of
every chapter module (exercise checks have their own hostile suite), so a new function is
fuzzed as soon as it is exported; it needs a line in :data:`VALID` (valid arguments to
start from) or in :data:`NOT_FUZZED` (with the reason).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import signal
import warnings
from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import nnlib.chapters
from nnlib.gradient import DivergenceWarning, PrecisionWarning

CORE = ["nnlib.functions", "nnlib.gradient", "nnlib.gradient_check", "nnlib.layers",
        "nnlib.network", "nnlib.optimizers", "nnlib.train", "nnlib.datasets",
        "nnlib.sample_weight"]

CLEAR, OBSCURE, SILENT, WARNED, ANSWER = (
    "clear error naming the problem", "obscure error from deep inside",
    "silent wrong, NaN or inf result", "a numpy warning leaked to the reader",
    "an answer (finite)",
)
HANG = "ran on (a count taken at face value)"
KINDS = (CLEAR, OBSCURE, SILENT, WARNED, HANG, ANSWER)
HANG_SECONDS = 2.0


class _Hang(BaseException):
    pass

#: nnlib's own warnings: loud on purpose, not a leak.
OWN_WARNINGS = (DivergenceWarning, PrecisionWarning)


def public_callables() -> dict[str, Callable]:
    modules = list(CORE)
    for info in pkgutil.walk_packages(nnlib.chapters.__path__, "nnlib.chapters."):
        if not info.ispkg and not info.name.endswith(".exercises"):
            modules.append(info.name)
    found = {}
    for name in modules:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr)
            if inspect.isfunction(obj) or (inspect.isclass(obj) and obj.__module__ == name
                                           and not issubclass(obj, BaseException)):
                found[f"{name.split('.')[-1]}.{attr}"] = obj
    return found


def _f_square(x):
    """A smooth f that never overflows, so that a warning is nnlib's, not the test's f."""
    return float(np.sum(np.sin(np.asarray(x)) + np.asarray(x) * 1e-3))


def _net():
    from nnlib.network import TwoLayerNet

    return TwoLayerNet(4, 3, 3, seed=0, dtype=np.float64)


def _surface():
    from nnlib.chapters.ch05_gradient_descent.surfaces import get_surface

    return get_surface("bowl")


def _descent_result():
    from nnlib.gradient import gradient_descent

    return gradient_descent(_f_square, np.array([1.0, -1.0]), lr=0.1, step_num=5)


def _history():
    from nnlib.train import History

    return History(loss=[2.3, 1.0, 0.5], train_acc=[0.1, 0.5], test_acc=[0.1, 0.4],
                   iterations_per_epoch=3, status="finished")


P = np.array([[0.1, 0.7, 0.2], [0.6, 0.3, 0.1]])
X2 = np.array([[0.5, -1.0], [2.0, 0.25], [-0.5, 1.5]])

#: Valid keyword arguments for each fuzzed callable (built fresh per call).
VALID: dict[str, Callable[[], dict[str, Any]]] = {
    "functions.identity_function": lambda: {"x": np.array([1.0, -2.0])},
    "functions.step_function": lambda: {"x": np.array([1.0, -2.0])},
    "functions.sigmoid": lambda: {"x": np.array([1.0, -2.0])},
    "functions.relu": lambda: {"x": np.array([1.0, -2.0])},
    "functions.tanh": lambda: {"x": np.array([1.0, -2.0])},
    "functions.softmax": lambda: {"a": np.array([0.3, 2.9, 4.0])},
    "functions.sum_squared_error": lambda: {"y": P.copy(), "t": np.array([1, 0])},
    "functions.mean_squared_error": lambda: {"y": P.copy(), "t": np.array([1, 0])},
    "overflow.naive_tolerance": lambda: {"dtype": np.float32},
    "functions.cross_entropy_error": lambda: {"y": P.copy(), "t": np.array([1, 0])},
    "functions.to_one_hot": lambda: {"labels": np.array([1, 0, 2]), "num_classes": 3},
    "functions.labels_to_indices": lambda: {"y": P.copy(), "t": np.array([1, 0])},
    "gradient.numerical_diff": lambda: {"f": _f_square, "x": 2.0, "h": 1e-4},
    "gradient.numerical_gradient": lambda: {"f": _f_square, "x": np.array([3.0, 4.0]),
                                            "h": 1e-4},
    "gradient.gradient_descent": lambda: {"f": _f_square, "init_x": np.array([3.0, 4.0]),
                                          "lr": 0.1, "step_num": 5},
    "gradient_check.gradient_errors": lambda: {"numerical": {"W": np.ones(2)},
                                               "backprop": {"W": np.ones(2) * 1.01}},
    "gradient_check.format_gradient_table": lambda: {"rows": [], "digits": 3},
    "layers.Affine": lambda: {"W": np.ones((2, 3)), "b": np.zeros(3)},
    "network.TwoLayerNet": lambda: {"input_size": 4, "hidden_size": 3, "output_size": 3,
                                    "weight_init_std": 0.01, "seed": 0},
    "optimizers.SGD": lambda: {"lr": 0.1},
    "train.diagnose": lambda: {"history": _history(), "min_accuracy_gain": 0.02},
    "datasets.read_idx": lambda: {"file": "/nonexistent/train-labels-idx1-ubyte"},
    "perceptron.perceptron": lambda: {"x": np.array([1.0, 0.0]), "w": np.array([0.5, 0.5]),
                                      "b": -0.7},
    "perceptron.truth_table": lambda: {"w1": 0.5, "w2": 0.5, "b": -0.7},
    "perceptron.identify_gate": lambda: {"w1": 0.5, "w2": 0.5, "b": -0.7},
    "perceptron.gate_name": lambda: {"outputs": np.array([0, 0, 0, 1])},
    "perceptron.AND": lambda: {"x1": np.array([0, 1]), "x2": np.array([1, 1])},
    "perceptron.NAND": lambda: {"x1": np.array([0, 1]), "x2": np.array([1, 1])},
    "perceptron.OR": lambda: {"x1": np.array([0, 1]), "x2": np.array([1, 1])},
    "perceptron.XOR": lambda: {"x1": np.array([0, 1]), "x2": np.array([1, 1])},
    "perceptron.clip_polygon": lambda: {"corners": np.array([[0, 0], [1, 0], [1, 1], [0, 1]]),
                                        "w1": 0.5, "w2": 0.5, "b": -0.7},
    "perceptron.half_plane_polygon": lambda: {"w1": 0.5, "w2": 0.5, "b": -0.7},
    "digits.predict": lambda: {"network": _digits_network(), "x": np.array([[0.5, 1.0]])},
    "digits.accuracy": lambda: {"network": _digits_network(), "x": np.array([[0.5, 1.0],
                                [1.0, 0.0]]), "t": np.array([0, 1]), "batch_size": 1},
    "sample_weight.load_sample_weight": lambda: {"path": None},
    "perceptron.forward": lambda: {"network": _init_network(), "x": np.array([1.0, 0.5])},
    "perceptron.forward_steps": lambda: {"network": _init_network(), "x": np.array([1.0, 0.5])},
    "perceptron.three_layer_example": lambda: {"x": np.array([1.0, 0.5])},
    "activations.step_grad": lambda: {"x": np.array([1.0, -2.0])},
    "activations.sigmoid_grad": lambda: {"x": np.array([1.0, -2.0])},
    "activations.relu_grad": lambda: {"x": np.array([1.0, -2.0])},
    "activations.tanh_grad": lambda: {"x": np.array([1.0, -2.0])},
    "activations.flat_regions": lambda: {"activation": "sigmoid", "w": 1.0, "b": 0.0,
                                         "tol": 0.01},
    "activations.describe_flat_regions": lambda: {"activation": "sigmoid", "w": 1.0,
                                                  "b": 0.0, "tol": 0.01},
    "activations.collapse_linear": lambda: {"weights": [np.ones((2, 3)), np.ones((3, 1))]},
    "activations.forward_stack": lambda: {"x": X2.copy(),
                                          "weights": [np.ones((2, 3)), np.ones((3, 1))]},
    "activations.fit_line": lambda: {"x": np.linspace(-1, 1, 9), "target": np.linspace(0, 1, 9)},
    "activations.fit_hidden_layer": lambda: {"x": np.linspace(-1, 1, 9),
                                             "target": np.linspace(-1, 1, 9) ** 2,
                                             "hidden_size": 5, "seed": 0},
    "overflow.exp_overflow_threshold": lambda: {"dtype": np.float64},
    "overflow.naive_softmax_breaks": lambda: {"a": np.array([1.0, 2.0]), "dtype": np.float64},
    "overflow.naive_break_scale": lambda: {"logits": np.array([1.0, 2.0]), "dtype": np.float64},
    "overflow.compare_softmax": lambda: {"logits": np.array([1.0, 2.0]), "scale": 10.0,
                                         "dtype": np.float32},
    "losses.spread_probabilities": lambda: {"p": 0.6, "correct": 2, "num_classes": 10},
    "losses.loss_values": lambda: {"ps": np.array([0.1, 0.6])},
    "losses.loss_slopes": lambda: {"p": 0.6, "num_classes": 10},
    "losses.tiny_dataset": lambda: {"n": 10, "seed": 0},
    "losses.accuracy": lambda: {"scores": P.copy(), "t": np.array([1, 0])},
    "losses.one_weight_functions": lambda: {"x": X2.copy(), "t": np.array([0, 1, 0]),
                                            "W": np.ones((2, 2)), "b": np.zeros(2)},
    "losses.weight_sweep": lambda: {"x": X2.copy(), "t": np.array([0, 1, 0]),
                                    "W": np.ones((2, 2)), "b": np.zeros(2),
                                    "weights": np.array([-1.0, 0.0, 1.0])},
    "descent.forward_diff": lambda: {"f": _f_square, "x": 2.0, "h": 1e-4},
    "descent.count_loss_evaluations": lambda: {"num_params": 5},
    "descent.extrapolate_linear": lambda: {"counts": np.array([10.0, 20.0, 40.0]),
                                           "seconds": np.array([0.1, 0.2, 0.4]),
                                           "targets": np.array([100.0])},
    "descent.diverged_rule": lambda: {"result": _descent_result(),
                                      "losses": np.array([25.0, 16.0, 9.0, 4.0, 2.0, 1.0])},
    "descent.converged_rule": lambda: {"gradient_norm": 1e-3},
    "plots.drawable_path": lambda: {"path": np.array([[0.0, 1.0], [2.0, 3.0]])},
    "plots.contour_levels": lambda: {"z": np.linspace(0, 10, 25).reshape(5, 5), "lowest": 0.0},
    "surfaces.get_surface": lambda: {"name": "bowl"},
    "surfaces.neuron_loss": lambda: {"params": np.array([0.5, -0.5, 0.1]),
                                     "x": X2.copy(), "t": np.array([0, 1, 0])},
    "surfaces.neuron_data": lambda: {"seed": 0, "per_class": 4},
    "graphs.shopping_apple": lambda: {"apple": 100, "apple_num": 2, "tax": 1.1},
    "graphs.shopping_apple_orange": lambda: {"apple": 100, "apple_num": 2, "orange": 150,
                                             "orange_num": 3, "tax": 1.1},
    "graphs.chain_rule_example": lambda: {"x": 2.0, "y": 1.5},
    "graphs.sigmoid_graph": lambda: {"x": 1.0},
    "timing.parameter_count": lambda: {"net": _net()},
    "network.MultiLayerNet": lambda: {"input_size": 4, "hidden_size_list": [3, 2],
                                      "output_size": 3},
    "descent.oscillating_rule": lambda: {"path": np.array([[3.0, 4.0], [-3.0, -4.0],
                                                           [3.0, 4.0], [-3.0, -4.0]])},
    "data.make_data": lambda: {"name": "spiral", "n": 20, "noise": 0.1},
    "data.train_test_split": lambda: {"points": np.arange(20.0).reshape(10, 2),
                                      "labels": np.arange(10) % 2, "train_fraction": 0.5},
    "data.feature_matrix": lambda: {"points": np.arange(6.0).reshape(3, 2),
                                    "names": ["x1", "x2", "sin x1"]},
}


def _init_network():
    from nnlib.chapters.ch01_perceptron_to_network.perceptron import init_network

    return init_network()


def _digits_network():
    rng = np.random.default_rng(0)
    shapes = [(2, 3), (3, 2), (2, 2)]
    return {key: rng.normal(size=shape) for i, (n, m) in enumerate(shapes, 1)
            for key, shape in ((f"W{i}", (n, m)), (f"b{i}", (m,)))}


#: Exported callables the matrix leaves out, and why.
NOT_FUZZED = {
    "functions.softmax_naive": "shows overflow on purpose (its NaN and warning are the lesson)",
    "activations.one_minus_exp": "returns -inf below -709 on purpose (documented)",
    "gradient.DescentResult": "a result record, built by gradient_descent",
    "gradient_check.GradientError": "a result record",
    "layers.MulLayer": "no constructor arguments; its methods are in test_layers",
    "layers.AddLayer": "no constructor arguments; its methods are in test_layers",
    "layers.Relu": "no constructor arguments",
    "layers.Sigmoid": "no constructor arguments",
    "layers.SoftmaxWithLoss": "no constructor arguments",
    "layers.Tanh": "no constructor arguments",
    "training.StepTrace": "a record", "training.Training": "built by make_training",
    "training.build_network": "builds a MultiLayerNet (fuzzed above) or the reader's layers",
    "training.make_training": "trains: covered in the chapter tests",
    "training.hidden_outputs": "needs a built network: covered in the chapter tests",
    "training.explain_step": "needs a traced step: covered in the chapter tests",
    "optimizers.Optimizer": "a Protocol",
    "train.Network": "a Protocol",
    "train.History": "a record",
    "train.Trainer": "trains for seconds per call: its checks are in test_train",
    "train.limit_blas_threads": "a context manager of threadpoolctl",
    "datasets.load_mnist": "reads 55 MB per call: its checks are in test_datasets",
    "perceptron.init_network": "no arguments",
    "digits.time_inference": "timing: seconds per call",
    "sample_weight.weights_digest": "a digest for the training script (tests/core)",
    "activations.Activation": "a record",
    "activations.FlatRegion": "a record",
    "activations.CurveFit": "a record",
    "overflow.CapturedCall": "a record",
    "overflow.call_capturing_warnings": "calls any function given: it captures on purpose",
    "descent.Verdict": "a record",
    "descent.classify_run": "needs a run and its function: covered in the chapter tests",
    "descent.difference_errors": "plots rounding error on purpose (tiny h)",
    "descent.time_numerical_gradient": "timing: seconds per call",
    "timing.time_call": "timing", "timing.time_calls": "timing",
    "timing.time_gradients": "timing", "timing.GradientTiming": "a record",
    "surfaces.Surface": "a record", "surfaces.SimpleNet": "the book's simpleNet, no checks",
    "graphs.GraphNode": "a record", "graphs.GraphEdge": "a record",
    "graphs.ComputationalGraph": "a record",
}


def is_plot_or_explorer(name: str, func: Callable) -> bool:
    module = getattr(func, "__module__", "")
    return module.endswith((".plots", ".explorer", ".controls", ".diagram"))  # explorer parts


#: Bad values, by name. Each replaces one argument at a time.
def bad_values() -> dict[str, Any]:
    return {
        "NaN array": np.array([np.nan, 1.0]),
        "inf": np.inf,
        "NaN": float("nan"),
        "empty array": np.array([]),
        "ragged list": [[1.0, 2.0], [3.0]],
        "string": "abc",
        "None": None,
        "complex": np.array([1 + 2j, 3.0]),
        "object array": np.array([object(), 1], dtype=object),
        "0-d array": np.array(2.0),
        "1e308": 1e308,
        "array of 1e200": np.array([[1e200, -1e200], [3e200, 1.0]]),
        "-1": -1,
        "0": 0,
        "2.5": 2.5,
        "10**12": 10**12,
        "float16 array": np.array([0.5, 1.5], dtype=np.float16),
        "True": True,
        "3-D array": np.ones((2, 2, 2)),
        "dict": {"a": 1},
    }


#: Callables whose NaN or inf output is their lesson (documented), not a silent failure.
NAN_ON_PURPOSE = {"overflow.compare_softmax"}


def _finite(value: Any) -> bool:
    if isinstance(value, (float, int, np.number)):
        return bool(np.isfinite(value))
    if isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        return bool(np.all(np.isfinite(value)))
    if isinstance(value, (tuple, list)):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return True


def outcome(func: Callable, kwargs: dict[str, Any], argument: str,
            nan_allowed: bool = False) -> tuple[str, str]:
    """(kind, detail) of ``func(**kwargs)`` where ``argument`` holds the bad value."""
    def ring(signum, frame):
        raise _Hang

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for own in OWN_WARNINGS:
                warnings.simplefilter("ignore", own)
            result = func(**kwargs)
    except (ValueError, TypeError) as error:
        text = str(error)
        named = argument in text or argument.replace("_", " ") in text
        if isinstance(error, Warning):
            return WARNED, f"{type(error).__name__}: {text}"
        return (CLEAR if named else OBSCURE), f"{type(error).__name__}: {text}"
    except Warning as warning:
        return WARNED, f"{type(warning).__name__}: {warning}"
    except _Hang:
        return HANG, f"still running after {HANG_SECONDS} s"
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as error:  # noqa: BLE001 - what the matrix is looking for
        return OBSCURE, f"{type(error).__name__}: {error}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        plt.close("all")
    if not nan_allowed and not _finite(result):
        return SILENT, f"returned {result!r}"[:200]
    return ANSWER, ""


def matrix(names: list[str] | None = None):
    """Yield (callable name, argument, bad value name, kind, detail) for the whole matrix."""
    callables = public_callables()
    for name in names or sorted(VALID):
        func = callables[name]
        params = [p for p in inspect.signature(func).parameters.values()
                  if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        for param in params:
            for bad_name, bad in bad_values().items():
                kwargs = VALID[name]()
                kwargs[param.name] = bad
                kind, detail = outcome(func, kwargs, param.name, name in NAN_ON_PURPOSE)
                yield name, param.name, bad_name, kind, detail
