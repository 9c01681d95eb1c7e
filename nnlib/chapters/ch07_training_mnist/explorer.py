"""The training explorer of chapter 07: learning rate, initial weights, and a Train button.

Moving a slider does not train (that takes seconds); it shows the initial first-layer
weights for the new settings and clears the last run's curves. Pressing Train runs
:class:`nnlib.train.Trainer` on a subset of MNIST with a progress bar, redraws the loss
and accuracy curves after every epoch, shows the weights after training, and sums the
run up: :func:`nnlib.train.diagnose` says learned, diverged or did not move, and a run
that learned but whose test accuracy still rose by ``STILL_RISING`` or more in its last
epoch is called *still learning* (more epochs would help). The nets are float32, asked
for by name: here speed matters more than the last digits (chapter 07 measures both).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

import ipywidgets as widgets
import numpy as np
from numpy.typing import NDArray

from nnlib.chapters.ch07_training_mnist.browser import fit_to_browser
from nnlib.chapters.ch07_training_mnist.plots import (
    draw_accuracy,
    draw_loss,
    draw_weights,
    weight_montage,
)
from nnlib.datasets import load_mnist
from nnlib.engines.explorer import BlitFigureImage, Explorer, ProgressBar
from nnlib.functions import CROSS_ENTROPY_DELTA
from nnlib.i18n import _
from nnlib.network import TwoLayerNet
from nnlib.optimizers import SGD
from nnlib.train import History, Trainer, how_run_ended

__all__ = ["TrainingExplorer", "training_explorer", "verdict", "BATCH_SIZE", "STILL_RISING"]

SETTINGS = ("lr", "weight_init_std", "seed", "hidden_size", "epochs")
#: Verdict colours, each with a symbol as a second cue for readers who cannot tell them apart.
_VERDICT_STYLE = {"learned": ("#1a7f37", "✓"), "still learning": ("#0969da", "↗"),
                  "did not move": ("#9a6700", "…"), "diverged": ("#cf222e", "✗")}
#: Mini-batch size of every run (the book's 100); an epoch is len(x_train) // BATCH_SIZE.
BATCH_SIZE = 100
#: A run that learned is still learning if its last epoch raised test accuracy by this much.
STILL_RISING = 0.02
#: A run whose loss fell by less than this fraction of its first value did not move.
MIN_LOSS_DROP = 0.1
MIN_ACCURACY_GAIN = 0.1
#: The nets' dtype: float32 trains about 1.6 times as fast as float64 here, with the same
#: accuracies to 0.1 % on these runs.
DTYPE = np.float32
#: Every slider's label gets this width, so that the sliders line up.
LABEL_STYLE = {"description_width": "110px"}
#: Initial networks kept for quick slider moves back and forth (each W1 is up to 627 KB).
CACHED_INITS = 8
#: The highest possible mini-batch loss: -log(delta), the book's delta inside the log.
LOSS_CAP = -np.log(CROSS_ENTROPY_DELTA)


@dataclass
class _Run:
    settings: tuple
    history: History
    W1_after: NDArray


class TrainingExplorer(Explorer):
    """Train TwoLayerNet(784, hidden, 10) on an MNIST subset at the press of a button."""

    canvas: BlitFigureImage  # the engine's canvas: this explorer blits

    def __init__(
        self,
        data: tuple[NDArray, NDArray, NDArray, NDArray],
        *,
        lr: float = 0.1,
        weight_init_std: float = 0.01,
        seed: int = 0,
        hidden_size: int = 50,
        epochs: int = 10,
        max_epochs: int = 20,
    ) -> None:
        self.data = data
        controls = {
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=-4, max=1, step=0.25,
                                         description="学習率 lr", readout_format=".2g",
                                         style=LABEL_STYLE),
            "weight_init_std": widgets.FloatLogSlider(
                value=weight_init_std, base=10, min=-4, max=1, step=0.5,
                description="weight_init_std", readout_format=".0e", style=LABEL_STYLE),
            "seed": widgets.IntSlider(value=seed, min=0, max=9, description=_("seed"),
                                      style=LABEL_STYLE),
            "hidden_size": widgets.IntSlider(value=hidden_size, min=5, max=200, step=5,
                                             description=_("hidden"), style=LABEL_STYLE),
            "epochs": widgets.IntSlider(value=epochs, min=1, max=max_epochs,
                                        description=_("epochs"), style=LABEL_STYLE),
            "train": widgets.Button(description=_("Train"), button_style="primary", icon="play"),
        }
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="")
        self._run: _Run | None = None
        self._initial: dict[tuple, tuple[NDArray, float]] = {}
        canvas = BlitFigureImage(figsize=(9.0, 4.3))
        self._build_artists(canvas, epochs)
        # The layout is fixed with the loss axis at its widest (0 to the loss cap), so
        # that its longest tick labels fit; then the real limits. The engine draws after.
        canvas.fix_layout()
        self._set_limits(epochs, [])
        super().__init__(controls, canvas, title=_("学習 training explorer: MNIST, 784-hidden-10"),
                         extras=(self.progress,))

    def on_control(self, name: str, change: Any) -> None:
        """The Train button trains; every other control shows the new settings' weights."""
        if name == "train":
            self.train()
        else:
            self.refresh()

    def _build_artists(self, canvas: BlitFigureImage, epochs: int) -> None:
        """Axes, ticks and titles are drawn once (a slider move only blits the images and
        curves); their limits change only when a training run starts or its loss outgrows them."""
        top, bottom = cast(NDArray, canvas.figure.subfigures(2, 1, height_ratios=[2.5, 1.3]))
        self.ax_loss, self.ax_acc = top.subplots(1, 2)
        self.ax_before, self.ax_after = bottom.subplots(1, 2)
        self.loss_line = draw_loss(self.ax_loss)
        self.train_line, self.test_line = draw_accuracy(self.ax_acc)
        blank = np.zeros((784, 1))
        self.before_image = draw_weights(self.ax_before, blank, _("W1 before training"))
        self.after_image = draw_weights(self.ax_after, blank, _("W1 after training"))
        self._blank = np.full(np.asarray(self.after_image.get_array()).shape, np.nan)
        self.after_note = self.ax_after.text(
            0.5, 0.5, _("press Train"), ha="center", va="center",
            transform=self.ax_after.transAxes, color="0.4",
        )
        self._set_limits(epochs, [LOSS_CAP])  # widest labels for the one-time layout
        canvas.animate(self.before_image, self.after_image, self.after_note, self.loss_line,
                       self.train_line, self.test_line)

    def _set_limits(self, epochs: int, losses: list[float]) -> bool:
        """Fit the curve axes to a run of ``epochs``; return True if a limit changed."""
        finite = [v for v in losses if np.isfinite(v)]
        top = min(float(np.ceil(max([2.4, *finite]) * 1.05)), np.ceil(LOSS_CAP))
        limits = ((0, max(epochs * self._iterations_per_epoch() - 1, 1)), (0, top), (0, epochs))
        old = (self.ax_loss.get_xlim(), self.ax_loss.get_ylim(), self.ax_acc.get_xlim())
        if limits == old:
            return False
        self.ax_loss.set_xlim(*limits[0])
        self.ax_loss.set_ylim(*limits[1])
        self.ax_acc.set_xlim(*limits[2])
        return True

    def __repr__(self) -> str:
        v = self.values
        return (
            f"TrainingExplorer(lr={v['lr']:.3g}, weight_init_std={v['weight_init_std']:.0e}, "
            f"seed={v['seed']}, hidden_size={v['hidden_size']}, epochs={v['epochs']})"
        )

    def _settings(self, values: dict[str, Any]) -> tuple:
        return tuple(values[name] for name in SETTINGS)

    def _network(self, values: dict[str, Any]) -> TwoLayerNet:
        return TwoLayerNet(784, values["hidden_size"], 10, values["weight_init_std"],
                           seed=values["seed"], dtype=DTYPE)

    # -- the engine's three steps ---------------------------------------------------------
    def compute(self, values: dict[str, Any]) -> dict[str, Any]:
        init = (values["hidden_size"], values["weight_init_std"], values["seed"])
        if init not in self._initial:  # cheap: one random draw and one test-set forward pass
            net = self._network(values)
            self._remember(init, net.params["W1"], net.accuracy(*self.data[2:]))
        W1_before, untrained_accuracy = self._initial[init]
        run = self._run if self._run and self._run.settings == self._settings(values) else None
        return {
            "values": dict(values),
            "W1_before": W1_before,
            "untrained_accuracy": untrained_accuracy,
            "history": run.history if run else None,
            "W1_after": run.W1_after if run else None,
            "verdict": verdict(run.history) if run else None,
        }

    def draw(self, state: dict[str, Any]) -> None:
        history, after = state["history"], state["W1_after"]
        if history is None:
            self.progress.value = 0  # no run for these settings: the bar starts over
        self.before_image.set_data(weight_montage(state["W1_before"]))
        self.after_image.set_data(self._blank if after is None else weight_montage(after))
        self.after_note.set_visible(after is None)
        loss = history.loss if history else []
        self.loss_line.set_data(np.arange(len(loss)), loss)
        for line, acc in ((self.train_line, history.train_acc if history else []),
                          (self.test_line, history.test_acc if history else [])):
            line.set_data(np.arange(len(acc)), acc)

    def _remember(self, init: tuple, W1: NDArray, untrained_accuracy: float) -> None:
        self._initial.pop(init, None)
        self._initial[init] = (W1, untrained_accuracy)  # newest last; drop the oldest
        while len(self._initial) > CACHED_INITS:
            del self._initial[next(iter(self._initial))]

    def _iterations_per_epoch(self) -> int:
        return max(len(self.data[0]) // BATCH_SIZE, 1)

    def describe(self, state: dict[str, Any]) -> str:
        values, history = state["values"], state["history"]
        setting = _("784-{hidden}-10, lr = {lr:.3g}, weight_init_std = {std:.0e}, "
                    "seed {seed}").format(
            hidden=values["hidden_size"], lr=values["lr"], std=values["weight_init_std"],
            seed=values["seed"])
        if history is None:
            return _("Press <b>Train</b> to train {setting} for {epochs} epoch(s) on "
                     "{digits} digits. Untrained test accuracy: {accuracy:.1%}.").format(
                         setting=setting, epochs=values["epochs"], digits=len(self.data[0]),
                         accuracy=state["untrained_accuracy"])
        verdict = state["verdict"]
        colour, mark = _VERDICT_STYLE[verdict]
        return (f"<b style='color:{colour}'>{mark} {verdict_word(verdict)}</b>: "
                + _explain(verdict, history, values))

    # -- the button -------------------------------------------------------------------------
    def train(self, _button: widgets.Button | None = None) -> History:
        """Train with the current settings, redrawing after each epoch; return the history."""
        values = self.values
        net = self._network(values)
        W1_before, untrained_accuracy = net.params["W1"].copy(), net.accuracy(*self.data[2:])
        epochs = values["epochs"]

        def show_epoch(history: History) -> None:
            state = {"values": values, "W1_before": W1_before, "history": history,
                     "W1_after": net.params["W1"] if history.epochs_done else None}
            if self._set_limits(epochs, history.loss):
                self.canvas.invalidate()  # redraw the axes behind the moving artists
            self.draw(state)
            self.canvas.redraw()
            self.readout.value = _("training… epoch {done} of {epochs}").format(
                done=history.epochs_done, epochs=epochs)

        button = self.controls["train"]
        button.disabled = True
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                data, note = fit_to_browser(*self.data, epochs=epochs, batch_size=BATCH_SIZE)
                if note:
                    print(note)
                trainer = Trainer(net, *data, optimizer=SGD(values["lr"]), epochs=epochs,
                                  batch_size=BATCH_SIZE, seed=values["seed"],
                                  progress=partial(ProgressBar, widget=self.progress),
                                  callback=show_epoch)
                history = trainer.train()
        finally:
            button.disabled = False
        init = (values["hidden_size"], values["weight_init_std"], values["seed"])
        self._remember(init, W1_before, untrained_accuracy)
        self._run = _Run(self._settings(values), history, net.params["W1"].copy())
        self.refresh()
        self.state["warnings"] += [str(w.message) for w in caught]
        return history


def verdict(history: History) -> str:
    """:func:`nnlib.train.diagnose`, made stricter about "learned": a run whose loss ends
    (median of its last tenth) less than ``MIN_LOSS_DROP`` below its first loss "did not
    move" if its accuracy also rose by less than ``MIN_ACCURACY_GAIN`` (lr 1e-4 creeps
    from 2.30 to 2.30 while accuracy gains a few points), and one
    whose test (else train) accuracy still rose by ``STILL_RISING`` or more in its last
    epoch is "still learning"."""
    diagnosis = how_run_ended(history.loss, history.train_acc).name  # diagnose's, in English
    if diagnosis != "learned":
        return diagnosis
    losses, accuracy = history.loss, history.test_acc or history.train_acc
    end = np.median(losses[-max(len(losses) // 10, 1) :])
    if end > (1 - MIN_LOSS_DROP) * losses[0] and accuracy[-1] - accuracy[0] < MIN_ACCURACY_GAIN:
        return "did not move"
    if accuracy[-1] - accuracy[-2] >= STILL_RISING:
        return "still learning"
    return "learned"


def verdict_word(verdict: str) -> str:
    """A verdict of :func:`verdict` as the reader sees it, in the current language."""
    return {"learned": _("learned"), "still learning": _("still learning"),
            "did not move": _("did not move"), "diverged": _("diverged")}.get(verdict, verdict)


def _explain(verdict: str, history: History, values: dict[str, Any]) -> str:
    """The readout sentence for a finished (or stopped) run; never prints NaN."""
    first = history.loss[0]
    tail = history.loss[-max(len(history.loss) // 10, 1) :]
    accuracy = _("test accuracy {first:.1%} → {last:.1%} after {epochs} epoch(s), "
                 "{iterations} iterations").format(
                     first=history.test_acc[0], last=history.test_acc[-1],
                     epochs=history.epochs_done, iterations=len(history.loss))
    lr = values["lr"]
    if verdict == "diverged":
        if history.diverged:
            return _("the loss became non-finite at iteration {iteration}, so training "
                     "stopped. lr = {lr:.3g} is far too large: try 0.1.").format(
                         iteration=len(history.loss), lr=lr)
        return _("the loss shot up to {peak:.1f} and ends at about "
                 "{end:.2f}, no better than the {first:.2f} it started from; "
                 "{accuracy}. Each step overshoots: lr = {lr:.3g} is too large, "
                 "try 0.1.").format(peak=max(history.loss), end=np.median(tail), first=first,
                                    accuracy=accuracy, lr=lr)
    note = _("loss {first:.2f} → about {end:.2f}; {accuracy}.").format(
        first=first, end=np.median(tail), accuracy=accuracy)
    if verdict == "still learning":
        gain = history.test_acc[-1] - history.test_acc[-2] if history.test_acc else 0.0
        return _("{note} The last epoch alone added {gain:.1%}: it is still learning, so "
                 "more epochs would help.").format(note=note, gain=gain)
    if verdict == "did not move":
        if values["weight_init_std"] <= 1e-3:
            why = _("the initial weights are so small that the signal, and with it every "
                    "gradient, nearly vanishes: try weight_init_std 0.01.")
        elif lr <= 1e-3:
            why = _("lr = {lr:.3g} makes each step tiny: try 0.1.").format(lr=lr)
        elif lr >= 1:
            why = _("lr = {lr:.3g} is so large that the first steps can switch every "
                    "ReLU off for good (their inputs all negative): try 0.1.").format(lr=lr)
        else:
            why = _("try more epochs, a larger lr or another weight_init_std.")
        return _("{note} Training barely changed the network: {why}").format(note=note, why=why)
    if first > 2 * np.log(10):
        note += _(" The first loss, {first:.1f}, is far above ln 10 = 2.30: weights this "
                  "large make softmax overconfident from the start.").format(first=first)
    return note


def training_explorer(
    train_size: int = 10_000, test_size: int = 2_000, **settings: Any
) -> TrainingExplorer:
    """The training explorer on the first ``train_size`` MNIST training digits (and the
    first ``test_size`` test digits), so that a press of Train takes a few seconds.

    ``settings`` are the starting values: ``lr``, ``weight_init_std``, ``seed``,
    ``hidden_size``, ``epochs`` (and ``max_epochs`` for the slider's range).
    """
    (x, t), (x_test, t_test) = load_mnist()
    data = (x[:train_size], t[:train_size], x_test[:test_size], t_test[:test_size])
    return TrainingExplorer(data, **settings)
