"""Chapter 09 in the browser edition: the MNIST experiments run smaller there.

In Pyodide numpy has no fast BLAS: the chapter's experiments, about 20 s natively, would
take more than three minutes. :func:`chapter_sizes` gives the sizes the notebook runs
them at, the chapter's own (:data:`NATIVE`) natively and :data:`BROWSER` in the browser
edition, with one sentence saying what was cut (nothing natively). The experiments and the
core know nothing of this: the chapter decides what its runs may cost.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from nnlib._checks import check_bool
from nnlib._platform import IN_BROWSER
from nnlib.chapters.ch09_learning_techniques.experiments import BN_SCALES
from nnlib.i18n import _

__all__ = ["Sizes", "NATIVE", "BROWSER", "chapter_sizes"]


@dataclass(frozen=True)
class Sizes:
    """The sizes of the chapter's MNIST experiments (the defaults are the chapter's)."""

    #: iterations of :func:`compare_optimizers` and :func:`compare_init_scales`
    iterations: int = 200
    #: :func:`batchnorm_runs`: the weight scales, epochs and training images
    bn_scales: tuple[float, ...] = BN_SCALES
    bn_epochs: int = 6
    bn_train_size: int = 500
    #: epochs of each :func:`overfit_run` (no regularization, weight decay, Dropout)
    overfit_epochs: int = 60
    #: the regularization explorer's grid: dropout ratios x λ values, and epochs per run
    grid_ratios: tuple[float, ...] = (0.0, 0.15, 0.3)
    grid_lambdas: tuple[float, ...] = (0.0, 0.03, 0.1)
    grid_epochs: int = 40
    #: :func:`random_search`: trials, and epochs per trial
    trials: int = 8
    trial_epochs: int = 30


#: The chapter's sizes (about 20 s natively).
NATIVE = Sizes()
#: The sizes in the browser edition, where a training step takes about 6 times as long as
#: natively (a 5-layer, 100-unit network, one BLAS thread natively): about 45 s there,
#: measured in Pyodide. Every other Batch Normalization scale; the grid keeps its three
#: dropout ratios (the browser check's key presses need three values) and λ 0 and 0.1.
BROWSER = Sizes(iterations=50, bn_scales=BN_SCALES[::2], bn_epochs=3, bn_train_size=300,
                overfit_epochs=20, grid_ratios=(0.0, 0.15, 0.3), grid_lambdas=(0.0, 0.1),
                grid_epochs=15, trials=5, trial_epochs=8)


def _cuts(small: Sizes, full: Sizes) -> list[str]:
    """What ``small`` cuts from ``full``, one phrase per experiment."""
    changed = {f.name for f in fields(Sizes) if getattr(small, f.name) != getattr(full, f.name)}
    phrases = []
    if "iterations" in changed:
        phrases.append(_("{small} iterations instead of {full} for the optimizers and the "
                         "initial weights").format(small=small.iterations, full=full.iterations))
    if changed & {"bn_scales", "bn_epochs", "bn_train_size"}:
        phrases.append(_("Batch Normalization at {scales} scales for {epochs} epochs on {images} "
                         "images ({full_scales}, {full_epochs} and {full_images})").format(
            scales=len(small.bn_scales), epochs=small.bn_epochs, images=small.bn_train_size,
            full_scales=len(full.bn_scales), full_epochs=full.bn_epochs,
            full_images=full.bn_train_size))
    if "overfit_epochs" in changed:
        phrases.append(_("{small} epochs instead of {full} for overfitting").format(
            small=small.overfit_epochs, full=full.overfit_epochs))
    if changed & {"grid_ratios", "grid_lambdas", "grid_epochs"}:
        phrases.append(_("an explorer grid of {rows} × {cols} runs of {epochs} epochs ({full_rows} "
                         "× {full_cols} of {full_epochs})").format(
            rows=len(small.grid_ratios), cols=len(small.grid_lambdas), epochs=small.grid_epochs,
            full_rows=len(full.grid_ratios), full_cols=len(full.grid_lambdas),
            full_epochs=full.grid_epochs))
    if changed & {"trials", "trial_epochs"}:
        phrases.append(_("{trials} search trials of {epochs} epochs ({full_trials} of "
                         "{full_epochs})").format(trials=small.trials, epochs=small.trial_epochs,
                                                  full_trials=full.trials,
                                                  full_epochs=full.trial_epochs))
    return phrases


def chapter_sizes(in_browser: bool = IN_BROWSER) -> tuple[Sizes, str]:
    """The sizes the chapter's MNIST experiments run at, and a sentence saying what the
    browser edition cuts ("" natively, where the sizes are :data:`NATIVE`)."""
    if not check_bool(in_browser, "in_browser"):
        return NATIVE, ""
    return BROWSER, _("In the browser numpy has no fast matrix library, so the MNIST "
                      "experiments below run smaller: {cuts}; run the notebook natively for "
                      "the chapter's sizes.").format(cuts="; ".join(_cuts(BROWSER, NATIVE)))
