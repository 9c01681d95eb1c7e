"""The bad-input matrix: what a reader can call, each argument in turn replaced by each bad
value, and the outcome sorted into kinds.

What is fuzzed is found, not listed: every name in the ``__all__`` of nnlib's core modules
and every name a notebook imports (the ``from nnlib... import ...`` lines of every code cell
under ``chapters/``), so a new chapter or a new core function is covered as soon as it exists.
Classes are fuzzed through their constructor and their public methods. Each target is keyed
by its full module path (``nnlib.chapters.ch05_gradient_descent.plots.plot_descent_paths``).

Valid arguments come from the signature's defaults and from the book's names (``x``, ``t``,
``f``, ...); :data:`VALID` holds only the arguments that cannot be inferred, each with the
reason, and :data:`SKIP` what is not fuzzed here, each with the reason.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib
import inspect
import json
import pkgutil
import re
import signal
import tempfile
import traceback
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import matplotlib.pyplot as plt
import numpy as np

import nnlib
from nnlib._checks import OverflowWarning
from nnlib.gradient import DivergenceWarning, PrecisionWarning

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "chapters"
NNLIB_DIR = Path(nnlib.__file__).resolve().parent

CLEAR = "clear error naming the argument"
OBSCURE = "error not naming the argument, or raised outside nnlib"
CRASH = "crash (an exception other than ValueError/TypeError)"
SILENT = "silent wrong (NaN or inf) result"
WARNED = "a warning leaked to the reader"
MUTATED = "an input changed in place"
HANG = "ran on (a count taken at face value)"
NAMED = "the book's number (inf) with nnlib's named warning"
ANSWER = "an answer (finite)"
KINDS = (CLEAR, OBSCURE, CRASH, SILENT, WARNED, MUTATED, HANG, NAMED, ANSWER)
#: Outcomes that are never acceptable.
WRONG = (SILENT, WARNED, MUTATED, HANG)
#: Outcomes that are refusals a reader cannot read.
UNCLEAR = (OBSCURE, CRASH)
HANG_SECONDS = 2.0

#: nnlib's own warnings: loud on purpose, not a leak.
OWN_WARNINGS = (DivergenceWarning, PrecisionWarning, OverflowWarning)


class _Hang(BaseException):
    pass


# ---------------------------------------------------------------------------------------
# What is fuzzed: found by walking the core and the notebooks' imports.

def core_modules() -> list[str]:
    """nnlib's core modules: the public top-level modules (not the chapters or engines)."""
    return sorted(f"nnlib.{info.name}" for info in pkgutil.iter_modules(nnlib.__path__)
                  if not info.ispkg and not info.name.startswith("_"))


def _cell_sources(notebook: Path) -> Iterator[str]:
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            # IPython magics and shell lines are not Python
            yield "\n".join(line for line in source.splitlines()
                            if not line.lstrip().startswith(("%", "!")))


def notebook_imports() -> set[tuple[str, str]]:
    """(module, name) for every ``from nnlib... import name`` in a notebook's code cell."""
    found = set()
    for notebook in sorted(NOTEBOOKS.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in notebook.parts:
            continue
        for source in _cell_sources(notebook):
            for node in ast.walk(ast.parse(source)):
                if (isinstance(node, ast.ImportFrom) and node.module
                        and node.module.split(".")[0] == "nnlib"):
                    found.update((node.module, alias.name) for alias in node.names)
    return found


class Target(NamedTuple):
    """One thing a reader calls: a function, a class's constructor or a public method."""

    key: str
    func: Callable
    cls: type | None = None  # for a method: the class whose valid instance it is called on

    def parameters(self) -> list[inspect.Parameter]:
        params = list(inspect.signature(self.func).parameters.values())
        if self.cls is not None:
            params = params[1:]  # self
        return [p for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]

    def owner(self) -> str:
        return self.key.rsplit(".", 1)[0]


def _is_record(obj: type) -> bool:
    return dataclasses.is_dataclass(obj) or (issubclass(obj, tuple) and hasattr(obj, "_fields"))


def skipped_by_rule(module: str, obj: Any) -> str | None:
    """Why a found name is not fuzzed here by its kind, or None."""
    if not callable(obj):
        return "a constant"
    if module.endswith(".exercises"):
        return "an exercise check: fuzzed by the hostile-attempt suite"
    if inspect.isclass(obj):
        if issubclass(obj, BaseException):
            return "an exception or warning class"
        if getattr(obj, "_is_protocol", False):
            return "a Protocol (a type, never called)"
        if _is_record(obj):
            return "a result record nnlib builds"
    return None


def found_names() -> dict[str, tuple[str, Any]]:
    """Full dotted name -> (module, object) of every core export and notebook import."""
    pairs = {(module, name) for module in core_modules()
             for name in getattr(importlib.import_module(module), "__all__", [])}
    pairs |= notebook_imports()
    found = {}
    for module, name in sorted(pairs):
        obj = getattr(importlib.import_module(module), name)
        home = getattr(obj, "__module__", module) if inspect.isclass(obj) or inspect.isfunction(
            obj) else module
        found[f"{home}.{name}" if home.startswith("nnlib") else f"{module}.{name}"] = (module, obj)
    return found


@functools.cache
def targets() -> dict[str, Target]:
    """Every fuzz target, by full key; a class gives its constructor and public methods."""
    found = {}
    for key, (module, obj) in found_names().items():
        if skipped_by_rule(module, obj) or key in SKIP:
            continue
        found[key] = Target(key, obj)
        if inspect.isclass(obj):
            for attr, member in public_methods(obj).items():
                method_key = f"{key}.{attr}"
                if attr not in SKIP_METHODS and method_key not in SKIP:
                    found[method_key] = Target(method_key, member, obj)
    return found


def public_methods(cls: type) -> dict[str, Callable]:
    """The public methods a reader calls on ``cls``, its own and those it inherits from
    nnlib's base classes (``TwoLayerNet.predict`` is ``LayerNet.predict``): keyed by the class
    they are reached through, since that is the class whose valid instance they run on."""
    methods: dict[str, Callable] = {}
    for klass in reversed(cls.__mro__):  # a subclass's own method wins
        if klass.__module__.startswith("nnlib"):
            methods.update({attr: member for attr, member in vars(klass).items()
                            if not attr.startswith("_") and inspect.isfunction(member)})
    return methods


# ---------------------------------------------------------------------------------------
# Valid arguments: defaults, the book's names, and a table for the rest.

def _f_smooth(x):
    """A smooth f that never overflows, so that a warning is nnlib's, not the test's f."""
    return float(np.sum(np.sin(np.asarray(x)) + np.asarray(x) * 1e-3))


def _net():
    from nnlib.network import TwoLayerNet

    return TwoLayerNet(4, 3, 3, seed=0, dtype=np.float64)


def _history():
    from nnlib.train import History

    return History(loss=[2.3, 1.0, 0.5], train_acc=[0.1, 0.5], test_acc=[0.1, 0.4],
                   iterations_per_epoch=3, status="finished")


def _surface():
    from nnlib.chapters.ch05_gradient_descent.surfaces import get_surface

    return get_surface("bowl")


def _ch09_stats():
    from nnlib.chapters.ch09_learning_techniques.init_weights import layer_stats

    return layer_stats(np.array([[0.1, 0.9]]), "sigmoid")


def _ch09_race():
    from nnlib.chapters.ch09_learning_techniques.paths import get_surface, race

    return {"results": race({"SGD": 0.1}, steps=3), "surface": get_surface("book")}


def _ch09_run():
    from nnlib.chapters.ch09_learning_techniques.experiments import Run

    return Run(loss=[2.0, 1.0], epochs=[0, 1], train_acc=[0.1, 0.5], test_acc=[0.1, 0.4])


def _ch09_trial():
    from nnlib.chapters.ch09_learning_techniques.experiments import Trial

    return Trial(0.01, 1e-6, [0.1, 0.3], [0.1, 0.4])


def _init_network():
    from nnlib.chapters.ch01_perceptron_to_network.perceptron import init_network

    return init_network()


def _idx_file() -> str:
    path = Path(tempfile.gettempdir()) / "nnlib-fuzz-labels-idx1-ubyte"
    path.write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x03\x01\x02\x03")
    return str(path)


P = np.array([[0.1, 0.7, 0.2], [0.6, 0.3, 0.1]])
X2 = np.array([[0.5, -1.0], [2.0, 0.25], [-0.5, 1.5]])
X4 = np.array([[0.5, -1.0, 0.1, 0.2], [2.0, 0.25, -0.3, 0.0]])

#: The book's names, which mean the same thing wherever they appear.
BY_NAME: dict[str, Callable[[], Any]] = {
    "x": lambda: np.array([1.0, -2.0, 0.5]),
    "a": lambda: np.array([0.3, 2.9, 4.0]),
    "y": lambda: P.copy(),
    "t": lambda: np.array([1, 0]),
    "f": lambda: _f_smooth,
    "labels": lambda: np.array([1, 0, 2]),
    "net": _net,
    "history": _history,
    "surface": _surface,
    "network": _init_network,
    "params": lambda: {"W": np.ones(2)},  # an optimizer's update(params, grads)
    "grads": lambda: {"W": np.full(2, 0.5)},
    "gamma": lambda: np.ones(3),  # Batch Normalization's scale and shift
    "beta": lambda: np.zeros(3),
}


class Valid(NamedTuple):
    why: str
    build: Callable[[], dict[str, Any]]


#: Valid arguments that neither a default nor a book name gives, each with the reason.
VALID: dict[str, Valid] = {
    "nnlib.optimizers.optimizer_by_name": Valid("the name of one of the book's optimizers",
                                                lambda: {"name": "adam"}),
    "nnlib.datasets.read_idx": Valid("a file that exists", lambda: {"file": _idx_file()}),
    "nnlib.datasets.idx_shape": Valid("a file that exists", lambda: {"file": _idx_file()}),
    "nnlib.gradient.numerical_diff": Valid("x is one number", lambda: {"x": 2.0}),
    "nnlib.gradient.gradient_descent": Valid(
        "a starting point (5 steps keep it quick)",
        lambda: {"init_x": np.array([3.0, 4.0]), "step_num": 5}),
    "nnlib.gradient_check.gradient_errors": Valid(
        "two gradients of the same parameters",
        lambda: {"numerical": {"W": np.ones(2)}, "backprop": {"W": np.ones(2) * 1.01}}),
    "nnlib.gradient_check.format_gradient_table": Valid("rows from gradient_errors",
                                                        lambda: {"rows": []}),
    "nnlib.layers.Affine": Valid("a weight matrix and its bias",
                                 lambda: {"W": np.ones((2, 3)), "b": np.zeros(3)}),
    "nnlib.layers.Affine.forward": Valid("x has W's number of rows as columns",
                                         lambda: {"x": X2.copy()}),
    "nnlib.layers.AddLayer.forward": Valid("two numbers", lambda: {"x": 2.0, "y": 3.0}),
    "nnlib.layers.MulLayer.forward": Valid("two numbers", lambda: {"x": 2.0, "y": 3.0}),
    "nnlib.layers.SoftmaxWithLoss.forward": Valid("scores and labels of one batch",
                                                  lambda: {"x": P.copy(), "t": np.array([1, 0])}),
    "nnlib.network.TwoLayerNet": Valid("the three layer sizes", lambda: {
        "input_size": 4, "hidden_size": 3, "output_size": 3, "seed": 0}),
    "nnlib.network.MultiLayerNet": Valid("the layer sizes", lambda: {
        "input_size": 4, "hidden_size_list": [3, 2], "output_size": 3, "seed": 0}),
    **{f"nnlib.network.{net}.{method}": Valid(
        "a batch of 4 features for the valid net (4 inputs, 3 classes)",
        lambda: {"x": X4.copy(), "t": np.array([2, 0])})
       for net in ("TwoLayerNet", "MultiLayerNet", "MultiLayerNetExtend")
       for method in ("loss", "accuracy", "gradient", "numerical_gradient")},
    **{f"nnlib.network.{net}.predict": Valid("a batch of 4 features", lambda: {"x": X4.copy()})
       for net in ("TwoLayerNet", "MultiLayerNet", "MultiLayerNetExtend")},
    "nnlib.network.MultiLayerNetExtend": Valid(
        "the layer sizes, with Batch Normalization, Dropout and weight decay", lambda: {
            "input_size": 4, "hidden_size_list": [3, 2], "output_size": 3, "seed": 0,
            "use_batchnorm": True, "use_dropout": True, "weight_decay_lambda": 0.1}),
    "nnlib.layers.BatchNormalization": Valid("gamma and beta of 2 features", lambda: {
        "gamma": np.ones(2), "beta": np.zeros(2)}),
    "nnlib.layers.BatchNormalization.forward": Valid("a batch of rows of 2 features",
                                                     lambda: {"x": X2.copy()}),
    "nnlib.layers.Dropout.forward": Valid("a batch of rows", lambda: {"x": X2.copy()}),
    "nnlib.chapters.ch09_learning_techniques.paths.get_surface": Valid(
        "a surface's name", lambda: {"name": "book"}),
    "nnlib.chapters.ch09_learning_techniques.init_weights.layer_stats": Valid(
        "one layer's sigmoid outputs", lambda: {"outputs": np.array([[0.1, 0.9]]),
                                                "activation": "sigmoid"}),
    "nnlib.chapters.ch09_learning_techniques.init_weights.judge": Valid(
        "the stats of one layer", lambda: {"stats": [_ch09_stats()], "activation": "sigmoid"}),
    "nnlib.chapters.ch09_learning_techniques.plots.plot_optimizer_paths": Valid(
        "a race and its surface", lambda: _ch09_race()),
    "nnlib.chapters.ch09_learning_techniques.plots.plot_activation_histograms": Valid(
        "one row of layer outputs", lambda: {"rows": {"std 1": [np.array([[0.1, 0.9]])]},
                                             "activation": "sigmoid"}),
    "nnlib.chapters.ch09_learning_techniques.plots.plot_loss_curves": Valid(
        "runs by name", lambda: {"runs": {"SGD": _ch09_run()}}),
    "nnlib.chapters.ch09_learning_techniques.plots.plot_accuracy_curves": Valid(
        "runs by name", lambda: {"runs": {"SGD": _ch09_run()}}),
    "nnlib.chapters.ch09_learning_techniques.plots.plot_batchnorm_runs": Valid(
        "(scale, run, run) triples", lambda: {"pairs": [(0.1, _ch09_run(), _ch09_run())]}),
    "nnlib.chapters.ch09_learning_techniques.plots.plot_search": Valid(
        "trials of a search", lambda: {"trials": [_ch09_trial()]}),
    "nnlib.engines.progress.ProgressBar": Valid("a number of steps", lambda: {"total": 5}),
    "nnlib.chapters.ch00_start_here.plots.plot_digits": Valid(
        "images and their labels", lambda: {"images": np.zeros((2, 784)),
                                            "labels": np.array([3, 5])}),
    **{f"nnlib.chapters.ch01_perceptron_to_network.perceptron.{gate}": Valid(
        "two inputs of 0 and 1", lambda: {"x1": np.array([0, 1]), "x2": np.array([1, 1])})
       for gate in ("AND", "NAND", "OR", "XOR")},
    "nnlib.chapters.ch01_perceptron_to_network.perceptron.forward": Valid(
        "the book's network takes two inputs", lambda: {"x": np.array([1.0, 0.5])}),
    "nnlib.chapters.ch01_perceptron_to_network.perceptron.forward_steps": Valid(
        "the book's network takes two inputs", lambda: {"x": np.array([1.0, 0.5])}),
    **{f"nnlib.chapters.ch01_perceptron_to_network.perceptron.{name}": Valid(
        "a perceptron's weights", lambda: {"w1": 0.5, "w2": 0.5, "b": -0.7})
       for name in ("truth_table", "identify_gate")},
    "nnlib.chapters.ch02_activation_functions.activations.collapse_linear": Valid(
        "weight matrices that chain", lambda: {"weights": [np.ones((2, 3)), np.ones((3, 1))]}),
    "nnlib.chapters.ch02_activation_functions.activations.describe_flat_regions": Valid(
        "an activation's name and a weight", lambda: {"activation": "sigmoid", "w": 1.0,
                                                      "b": 0.0}),
    "nnlib.chapters.ch02_activation_functions.activations.fit_hidden_layer": Valid(
        "a curve to fit", lambda: {"x": np.linspace(-1, 1, 9),
                                   "target": np.linspace(-1, 1, 9) ** 2, "hidden_size": 5}),
    "nnlib.chapters.ch02_activation_functions.activations.fit_line": Valid(
        "a curve to fit", lambda: {"x": np.linspace(-1, 1, 9), "target": np.linspace(0, 1, 9)}),
    "nnlib.chapters.ch02_activation_functions.activations.forward_stack": Valid(
        "x with weights that chain",
        lambda: {"x": X2.copy(), "weights": [np.ones((2, 3)), np.ones((3, 1))]}),
    "nnlib.chapters.ch02_activation_functions.plots.plot_curve_fits": Valid(
        "fits from fit_line and fit_hidden_layer", lambda: {"fits": _curve_fits()}),
    "nnlib.chapters.ch03_softmax_overflow.overflow.naive_break_scale": Valid(
        "logits", lambda: {"logits": np.array([1.0, 2.0])}),
    "nnlib.chapters.ch03_softmax_overflow.plots.plot_softmax_by_scale": Valid(
        "logits and scales", lambda: {"logits": np.array([1.0, 2.0]),
                                      "scales": np.array([1.0, 10.0])}),
    "nnlib.chapters.ch04_loss_functions.losses.one_weight_functions": Valid(
        "a tiny data set and its weights", lambda: {"x": X2.copy(), "t": np.array([0, 1, 0]),
                                                    "W": np.ones((2, 2)), "b": np.zeros(2)}),
    "nnlib.chapters.ch04_loss_functions.losses.weight_sweep": Valid(
        "a tiny data set, its weights and the values to sweep",
        lambda: {"x": X2.copy(), "t": np.array([0, 1, 0]), "W": np.ones((2, 2)),
                 "b": np.zeros(2), "weights": np.array([-1.0, 0.0, 1.0])}),
    "nnlib.chapters.ch04_loss_functions.plots.plot_accuracy_vs_loss": Valid(
        "a sweep's three curves, of one length", lambda: {
            "weights": np.array([-1.0, 0.0, 1.0]), "accuracies": np.array([0.2, 0.5, 0.6]),
            "losses": np.array([1.2, 0.8, 0.7])}),
    "nnlib.chapters.ch05_gradient_descent.descent.count_loss_evaluations": Valid(
        "a parameter count", lambda: {"num_params": 5}),
    "nnlib.chapters.ch05_gradient_descent.descent.extrapolate_linear": Valid(
        "counts and times of one length", lambda: {
            "counts": np.array([10.0, 20.0, 40.0]), "seconds": np.array([0.1, 0.2, 0.4]),
            "targets": np.array([100.0])}),
    "nnlib.chapters.ch05_gradient_descent.descent.forward_diff": Valid(
        "x is one number", lambda: {"x": 2.0}),
    "nnlib.chapters.ch05_gradient_descent.descent.classify_run": Valid(
        "a run of gradient_descent on f", lambda: {"result": _descent_result()}),
    "nnlib.chapters.ch05_gradient_descent.descent.difference_errors": Valid(
        "f, its derivative at x, x and step sizes", lambda: {
            "dfdx": np.cos(1.0), "f": np.sin, "x": 1.0, "hs": np.array([1e-2, 1e-4])}),
    "nnlib.chapters.ch05_gradient_descent.plots.plot_descent_paths": Valid(
        "paths on the surface", lambda: {"paths": {"lr 0.1": _descent_result().path}}),
    "nnlib.chapters.ch05_gradient_descent.plots.plot_difference_errors": Valid(
        "errors per step size", lambda: {"hs": np.array([1e-2, 1e-4]),
                                         "forward": np.array([1e-3, 1e-5]),
                                         "central": np.array([1e-5, 1e-9])}),
    "nnlib.chapters.ch05_gradient_descent.plots.plot_gradient_timing": Valid(
        "counts and times of one length", lambda: {"counts": np.array([10.0, 20.0]),
                                                   "seconds": np.array([0.1, 0.2])}),
    "nnlib.chapters.ch05_gradient_descent.plots.plot_tangent_lines": Valid(
        "points on f", lambda: {"f": np.sin, "points": np.array([0.0, 1.0])}),
    "nnlib.chapters.ch06_backprop.plots.plot_computational_graph": Valid(
        "a graph from the graphs module", lambda: {"graph": _graph()}),
    "nnlib.chapters.ch08_playground.data.make_data": Valid(
        "a data set's name", lambda: {"name": "spiral", "n": 20}),
    "nnlib.chapters.ch08_playground.plots.plot_boundaries": Valid(
        "trained playgrounds", lambda: {"panels": [("a", _training(1), ["x1", "x2"])]}),
    "nnlib.chapters.ch08_playground.plots.plot_losses": Valid(
        "trained playgrounds", lambda: {"panels": [("a", _training(2))]}),
    "nnlib.chapters.ch07_training_mnist.plots.plot_first_layer_weights": Valid(
        "(title, W1) pairs, as positional arguments",
        lambda: {"*": [("W1", np.linspace(-1, 1, 784 * 16).reshape(784, 16))]}),
    "nnlib.chapters.ch03_softmax_overflow.digits.predict": Valid(
        "the book's 784-50-100-10 weights and three images",
        lambda: {"network": _sample_weight(), "x": _images(3)}),
    "nnlib.chapters.ch03_softmax_overflow.digits.accuracy": Valid(
        "the book's 784-50-100-10 weights and three images, a label each",
        lambda: {"network": _sample_weight(), "x": _images(3), "t": np.array([7, 2, 1])}),
    "nnlib.chapters.ch03_softmax_overflow.digits.time_inference": Valid(
        "the book's weights and three images, timed once",
        lambda: {"network": _sample_weight(), "x": _images(3), "repeats": 1}),
    "nnlib.chapters.ch03_softmax_overflow.plots.plot_digit_predictions": Valid(
        "two images, their labels and their 10 probabilities each",
        lambda: {"images": _images(2), "labels": np.array([7, 2]),
                 "probabilities": np.full((2, 10), 0.1)}),
    "nnlib.chapters.ch07_training_mnist.browser.fit_to_browser": Valid(
        "a tiny training and test set, and a run over it",
        lambda: {"x_train": _images(4), "t_train": np.array([0, 1, 2, 3]),
                 "x_test": _images(2), "t_test": np.array([4, 5]), "epochs": 1,
                 "batch_size": 2}),
    "nnlib.i18n._": Valid("a message to translate", lambda: {"message": "accuracy"}),
    "nnlib.i18n.set_language": Valid("the default language (the fuzz leaves it set)",
                                     lambda: {"lang": "en"}),
    "nnlib.chapters.ch08_playground.training.explain_step": Valid(
        "a traced step of a built training", lambda: {"trace": _trace(), "layer": 1,
                                                      "neuron": 1}),
}


def _curve_fits():
    from nnlib.chapters.ch02_activation_functions.activations import fit_hidden_layer, fit_line

    x = np.linspace(-1, 1, 9)
    return [fit_line(x, x**2), fit_hidden_layer(x, x**2, hidden_size=3, seed=0)]


@functools.cache
def _sample_weight_once():
    from nnlib.sample_weight import load_sample_weight

    return load_sample_weight()


def _sample_weight():
    return {key: value.copy() for key, value in _sample_weight_once().items()}


def _images(n: int):
    return np.linspace(0.0, 1.0, n * 784).reshape(n, 784)


def _descent_result():
    from nnlib.gradient import gradient_descent

    return gradient_descent(_f_smooth, np.array([1.0, -1.0]), lr=0.1, step_num=5)


def _graph():
    from nnlib.chapters.ch06_backprop.graphs import shopping_apple

    return shopping_apple()


def _training(epochs: int = 0):
    from nnlib.chapters.ch08_playground.training import make_training

    training = make_training(seed=0, points=40)
    training.train_epochs(epochs)
    return training


def _trace():
    training = _training()  # as the chapter does
    return training.traced_step(training.x_train[:4], training.t_train[:4])


#: Found names that are not fuzzed here, each with the reason.
SKIP: dict[str, str] = {
    "nnlib.functions.softmax_naive": "shows overflow on purpose (its NaN and warning are the "
                                     "lesson)",
    "nnlib.chapters.ch02_activation_functions.activations.one_minus_exp":
        "returns -inf below -709 on purpose (the lesson of its plot)",
    "nnlib.chapters.ch03_softmax_overflow.overflow.call_capturing_warnings":
        "calls any function given and captures its warnings: that is its job",
    "nnlib.datasets.load_mnist": "reads 55 MB per call: its checks are in tests/core/test_datasets",
    "nnlib.train.Trainer": "trains for seconds per call: its checks are in tests/core/test_train",
    "nnlib.train.limit_blas_threads": "a context manager of threadpoolctl",
    "nnlib.chapters.ch05_gradient_descent.descent.time_numerical_gradient":
        "times seconds per call: covered in the chapter tests",
    "nnlib.chapters.ch06_backprop.timing.time_gradients":
        "times seconds per call: covered in the chapter tests",
    "nnlib.chapters.ch08_playground.training.make_training":
        "trains: its arguments are checked in the chapter tests",
    "nnlib.chapters.ch07_training_mnist.explorer.training_explorer":
        "loads MNIST and trains: its arguments are checked in the chapter tests",
    "nnlib.gradient.DescentResult": "a result record gradient_descent builds",
    "nnlib.chapters.ch05_gradient_descent.surfaces.SimpleNet":
        "the book's simpleNet, kept without checks as the book wrote it",
}
SKIP["nnlib.engines.progress.ProgressBar.close"] = "no arguments"
SKIP.update({f"nnlib.chapters.ch09_learning_techniques.experiments.{name}":
             "trains networks on MNIST for seconds per call: covered at small sizes in "
             "tests/chapters/test_ch09_learning_techniques"
             for name in ("compare_optimizers", "compare_init_scales", "batchnorm_runs",
                          "overfit_run", "random_search", "regularization_grid")})
SKIP["nnlib.chapters.ch09_learning_techniques.explorer.regularization_explorer"] = (
    "trains its grid when given none (seconds): built from a small grid in the chapter tests")

#: Methods not fuzzed on any class, by name, and why.
SKIP_METHODS = {
    "backward": "a layer's backward needs its forward first: the dout checks are in "
                "tests/core/test_layers",
}


def valid_kwargs(target: Target) -> dict[str, Any]:
    """Fresh valid keyword arguments for ``target``: the table's, else a book name's."""
    kwargs = VALID[target.key].build() if target.key in VALID else {}
    for param in target.parameters():
        if param.name not in kwargs and param.default is param.empty and param.name in BY_NAME:
            kwargs[param.name] = BY_NAME[param.name]()
    return kwargs


def caller(target: Target) -> Callable[..., Any]:
    """The callable to fuzz: a function, a class, or a method of a fresh valid instance."""
    if target.cls is None:
        return target.func
    owner = targets()[target.owner()]
    instance = owner.func(**valid_kwargs(owner))
    return getattr(instance, target.func.__name__)


# ---------------------------------------------------------------------------------------
# Bad values, and how an outcome is sorted.

def bad_values() -> dict[str, Any]:
    """Bad values by name: NaN, inf, out of range, wrong type and wrong shape."""
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


def derived_bad_values(valid: Any) -> dict[str, Any]:
    """Bad values in the shape of a valid array argument, so that a NaN or an overflow is
    not caught by a shape check first: NaN or inf in one place, every value huge, and the
    valid values with one axis too many."""
    if not isinstance(valid, np.ndarray) or valid.dtype.kind not in "iuf" or valid.size == 0:
        return {}
    floats = valid.astype(np.float64)
    with_nan, with_inf = floats.copy(), floats.copy()
    with_nan.flat[0], with_inf.flat[-1] = np.nan, np.inf
    return {
        "valid shape, one NaN": with_nan,
        "valid shape, one inf": with_inf,
        "valid shape, every value 1e300": np.full_like(floats, 1e300),
        "valid values, one axis more": floats[np.newaxis],
    }


#: Arguments that name a file to read, which also get :func:`bad_files`.
FILE_ARGUMENTS = ("path", "file")


def bad_files() -> dict[str, Path]:
    """Files that are not what they claim, written once to a scratch
    folder: an error that names the file (its path) is as clear as one naming the argument."""
    import gzip
    import io
    import pickle

    folder = Path(tempfile.gettempdir()) / "nnlib-fuzz-files"
    folder.mkdir(exist_ok=True)
    npz = io.BytesIO()
    np.savez(npz, W1=np.ones((784, 50)))
    contents = {
        "empty file": b"",
        "garbage bytes": b"\x00\x01not a data file\xff" * 8,
        "truncated .npz": npz.getvalue()[: len(npz.getvalue()) // 2],
        "pickle asking for a function": pickle.dumps({"W1": str}),
        "truncated IDX header": b"\x00\x00\x08",
        "IDX header saying 10**9 items": b"\x00\x00\x08\x01\x3b\x9a\xca\x00\x01\x02",
        "corrupt .gz": gzip.compress(b"\x00" * 64)[:20],
    }
    files = {}
    for name, data in contents.items():
        files[name] = folder / name.replace(" ", "_")
        files[name].write_bytes(data)
    files["a folder"] = folder
    files["missing file"] = folder / "no such file"
    return files


#: Arguments changed in place on purpose (the book's interface), by method and argument name.
IN_PLACE: dict[tuple[str, str], str] = {
    ("update", "params"): "the book's optimizers update params in place",
    ("predict", "record"): "record=[] asks for one LayerRecord per layer, appended to it",
    ("gradient", "record"): "record=[] asks for one LayerRecord per layer, appended to it",
}

#: Targets whose NaN or inf output is their lesson (documented), not a silent failure.
NAN_ON_PURPOSE = {"nnlib.chapters.ch03_softmax_overflow.overflow.compare_softmax"}


def _finite(value: Any) -> bool:
    if isinstance(value, float | int | np.number):
        return bool(np.isfinite(value))
    if isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        return bool(np.all(np.isfinite(value)))
    if isinstance(value, tuple | list):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return True


def _snapshot(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list | tuple):
        return [_snapshot(v) for v in value]
    if isinstance(value, dict):
        return {k: _snapshot(v) for k, v in value.items()}
    return value


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, np.ndarray):
        return (isinstance(after, np.ndarray) and before.shape == after.shape
                and before.dtype == after.dtype
                and (before.dtype.kind not in "biufc"
                     or np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")))
    if isinstance(before, list | tuple):
        return (isinstance(after, list | tuple) and len(before) == len(after)
                and all(_same(b, a) for b, a in zip(before, after, strict=True)))
    if isinstance(before, dict):
        return (isinstance(after, dict) and before.keys() == after.keys()
                and all(_same(before[k], after[k]) for k in before))
    return True


def names_argument(text: str, argument: str) -> bool:
    """Whether an error message names ``argument`` as a word (``x`` in "x must ...", not in
    "index")."""
    return re.search(rf"(?<![\w.]){re.escape(argument)}(?!\w)", text) is not None


def raised_in_nnlib(error: BaseException) -> bool:
    """Whether the innermost frame of ``error``'s traceback is nnlib's own code."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and Path(frames[-1].filename).resolve().is_relative_to(NNLIB_DIR)


def outcome(func: Callable, kwargs: dict[str, Any], argument: str, nan_allowed: bool = False,
            in_place: frozenset[str] = frozenset()) -> tuple[str, str]:
    """(kind, detail) of ``func(*kwargs["*"], **kwargs)`` where ``argument`` holds the bad
    value; ``in_place`` names the arguments the function may change. A bad file (a Path) is
    named clearly by its argument's name or by its own path."""
    bad = kwargs.get(argument)
    names = (argument, str(bad)) if isinstance(bad, Path) else (argument,)
    def ring(signum, frame):
        raise _Hang

    before = {name: _snapshot(value) for name, value in kwargs.items()}
    # CPU time of this process, not wall time: the budget does not shrink on a busy machine
    previous = signal.signal(signal.SIGPROF, ring)
    signal.setitimer(signal.ITIMER_PROF, HANG_SECONDS)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("error")
            for own in OWN_WARNINGS:
                warnings.simplefilter("always", own)  # recorded: loud on purpose
            result = func(*kwargs.get("*", ()), **{k: v for k, v in kwargs.items() if k != "*"})
    except Warning as warning:
        return WARNED, f"{type(warning).__name__}: {warning}"
    except (ValueError, TypeError, FileNotFoundError) as error:  # a missing file is clear
        text = f"{type(error).__name__}: {error}"
        if any(names_argument(str(error), name) for name in names) and raised_in_nnlib(error):
            return CLEAR, text
        where = traceback.extract_tb(error.__traceback__)[-1]
        return OBSCURE, f"{text} (raised at {Path(where.filename).name}:{where.lineno})"
    except _Hang:
        return HANG, f"still running after {HANG_SECONDS} s of CPU time"
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as error:  # noqa: BLE001 - what the matrix is looking for
        where = traceback.extract_tb(error.__traceback__)[-1]
        return CRASH, (f"{type(error).__name__}: {error} "
                       f"(raised at {Path(where.filename).name}:{where.lineno})")
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        plt.close("all")
    changed = [name for name, value in before.items()
               if name not in in_place and not _same(value, kwargs[name])]
    if changed:
        return MUTATED, f"changed {changed}"
    if not nan_allowed and not _finite(result):
        named = [w for w in caught if issubclass(w.category, OWN_WARNINGS)]
        if named:  # a named warning where the book's code gives the same number
            return NAMED, f"{named[0].category.__name__}: {named[0].message}"[:200]
        return SILENT, f"returned {result!r}"[:200]
    return ANSWER, ""


#: Code being written in a branch that has not landed, whose findings are its authors' to fix
#: (expected failures here, by key prefix). Empty: everything that landed answers every row.
ELSEWHERE: dict[str, str] = {}


def elsewhere(key: str) -> str | None:
    """Who fixes what the matrix finds in ``key``, if another engineer owns its file."""
    return next((who for prefix, who in ELSEWHERE.items() if key.startswith(prefix)), None)


class Row(NamedTuple):
    key: str
    argument: str
    bad: str
    kind: str
    detail: str


def in_place(target: Target) -> frozenset[str]:
    return frozenset(arg for method, arg in IN_PLACE if method == target.func.__name__)


def fuzz(target: Target) -> list[Row]:
    """Every argument of ``target`` replaced in turn by every bad value."""
    rows = []
    nan_allowed = target.key in NAN_ON_PURPOSE
    for param in target.parameters():
        valid = valid_kwargs(target).get(param.name, param.default)
        files = bad_files() if param.name in FILE_ARGUMENTS else {}
        for bad_name, bad in (bad_values() | derived_bad_values(valid) | files).items():
            kwargs = valid_kwargs(target)
            kwargs[param.name] = bad
            kind, detail = outcome(caller(target), kwargs, param.name, nan_allowed,
                                   in_place(target))
            rows.append(Row(target.key, param.name, bad_name, kind, detail))
    return rows


def matrix(keys: list[str] | None = None) -> Iterator[Row]:
    """The whole matrix, target by target."""
    for key in keys or sorted(targets()):
        yield from fuzz(targets()[key])

