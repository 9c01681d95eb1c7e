"""Figures of MNIST digits."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from nnlib._checks import as_float_array, check_count, int_array
from nnlib.i18n import _

__all__ = ["plot_digits"]


def plot_digits(images: ArrayLike, labels: ArrayLike, columns: int = 8) -> Figure:
    """A grid of 28×28 digits, each titled with its label.

    ``images`` holds rows of 784 pixels or (1, 28, 28) / (28, 28) images; ``labels``
    holds one integer (or one-hot row) per image.
    """
    images = as_float_array(images, "images")
    labels = as_float_array(labels, "labels")
    if images.ndim == 0 or labels.ndim not in (1, 2):
        raise ValueError(_("images must be a batch of digits and labels one label (or one-hot "
                           "row) per image, got shapes {images} and {labels}").format(
                             images=images.shape, labels=labels.shape))
    labels = labels.argmax(axis=1) if labels.ndim == 2 else int_array(labels, "labels", maximum=9)
    columns = check_count(columns, "columns", minimum=1, maximum=50)
    if len(images) != len(labels):
        raise ValueError(_("got {images} images but {labels} labels").format(
            images=len(images), labels=len(labels)))
    if len(images) == 0 or images[0].size != 784:
        raise ValueError(_("images must be a non-empty batch of 784-pixel (28×28) digits"))
    rows = -(-len(images) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.1 * columns, 1.25 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, image, label in zip(axes.flat, images, labels, strict=False):
        ax.imshow(image.reshape(28, 28), cmap="gray_r")
        ax.set_title(str(int(label)), fontsize=10)
    return fig
