"""Chapter 07 in the browser edition: a long training run is cut to fit.

In Pyodide numpy has no fast BLAS and a training step takes about 20 times as long as
natively, so a run of more than ``BROWSER_MAX_ITERATIONS`` iterations keeps its epochs but
trains on the first training images only, and tests on the first ``BROWSER_MAX_TEST``
test images. Natively :func:`fit_to_browser` changes nothing. The core's ``Trainer`` knows
nothing of this: the chapter decides what its runs may cost.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from nnlib._checks import as_float_array, check_bool, check_count, int_array
from nnlib._platform import IN_BROWSER
from nnlib.i18n import _

__all__ = ["BROWSER_MAX_ITERATIONS", "BROWSER_MAX_TEST", "fit_to_browser"]

#: The most iterations one training run takes in the browser edition (about 10 s there),
#: and the most test images it evaluates after each epoch.
BROWSER_MAX_ITERATIONS = 1_000
BROWSER_MAX_TEST = 2_000


def _pair(x: NDArray, t: NDArray, which: str) -> tuple[NDArray, NDArray]:
    """Images and their labels, checked (finite numbers, integer labels, one per image) and
    returned as they came (as arrays, their dtypes kept)."""
    shape = as_float_array(x, f"x_{which}").shape
    if len(shape) < 2:
        raise ValueError(f"x_{which} must be a batch of images (one row each), got shape {shape}")
    labels = int_array(t, f"t_{which}").shape
    if labels[:1] != shape[:1]:
        raise ValueError(f"t_{which} must hold one label per image of x_{which} ({shape[0]}), "
                         f"got shape {labels}")
    return np.asarray(x), np.asarray(t)


def fit_to_browser(x_train: NDArray, t_train: NDArray, x_test: NDArray, t_test: NDArray, *,
                   epochs: int, batch_size: int, in_browser: bool = IN_BROWSER,
                   ) -> tuple[tuple[NDArray, NDArray, NDArray, NDArray], str]:
    """The data a run of ``epochs`` epochs in mini-batches of ``batch_size`` trains and tests
    on, and a sentence saying what was cut ("" when nothing was: always natively)."""
    epochs = check_count(epochs, "epochs", minimum=1)
    batch_size = check_count(batch_size, "batch_size", minimum=1)
    in_browser = check_bool(in_browser, "in_browser")
    data = (*_pair(x_train, t_train, "train"), *_pair(x_test, t_test, "test"))
    x_train, t_train, x_test, t_test = data
    full = epochs * max(len(x_train) // batch_size, 1)
    if not in_browser or full <= BROWSER_MAX_ITERATIONS:
        return data, ""
    keep = max(BROWSER_MAX_ITERATIONS // epochs, 1) * batch_size
    note = _("In the browser numpy has no fast matrix library, so this run trains on the "
             "first {keep:,} of the {total:,} training images").format(keep=keep,
                                                                       total=len(x_train))
    x_train, t_train = x_train[:keep], t_train[:keep]
    if len(x_test) > BROWSER_MAX_TEST:
        note += _(" and tests on the first {keep:,} of the {total:,} test images").format(
            keep=BROWSER_MAX_TEST, total=len(x_test))
        x_test, t_test = x_test[:BROWSER_MAX_TEST], t_test[:BROWSER_MAX_TEST]
    kept = epochs * max(len(x_train) // batch_size, 1)
    return (x_train, t_train, x_test, t_test), note + _(
        " ({kept:,} iterations instead of {full:,}); run the notebook natively for "
        "the full run.").format(kept=kept, full=full)
