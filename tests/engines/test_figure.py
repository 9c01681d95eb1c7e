"""The explorer engine's picture: sized in pixels by figsize and dpi, shown at that size."""

from __future__ import annotations

import io

import PIL.Image

from nnlib.engines.explorer import FigureImage


def test_a_figure_image_is_shown_at_its_own_pixel_width():
    canvas = FigureImage(figsize=(4.6, 4.0), dpi=100)
    canvas.figure.add_subplot().plot([0, 1], [1, 0])
    canvas.redraw()
    size = PIL.Image.open(io.BytesIO(canvas.image.value)).size
    assert size == (460, 400)
    # one PNG pixel per CSS pixel: never stretched to the column, shrunk only to fit it
    assert canvas.image.layout.width == "460px"
    assert canvas.image.layout.max_width == "100%"
    assert canvas.image.layout.height == "auto"


def test_the_default_size_is_figsize_times_dpi():
    canvas = FigureImage()
    canvas.redraw()
    assert PIL.Image.open(io.BytesIO(canvas.image.value)).size == (640, 256)
    assert canvas.image.layout.width == "640px"
