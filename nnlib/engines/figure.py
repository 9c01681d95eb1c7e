"""A matplotlib figure shown as an ``ipywidgets.Image``: the picture every explorer updates.

A figure is a plain ``matplotlib.figure.Figure`` on the Agg canvas (no pyplot, so
nothing is displayed twice inline), shown through a ``widgets.Image``: its PNG is set
as the image's value after each update. Strict nbval never compares widget views, so a
cell that shows an explorer passes without markers, and the PNG is the same in a
browser, on Binder and headless in a test.

The picture's size in pixels is decided here, in one place: ``figsize`` times ``dpi``,
shown one PNG pixel to one CSS pixel (:func:`pixel_size`).
"""

from __future__ import annotations

import io

import ipywidgets as widgets
import numpy as np
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["BlitFigureImage", "FigureImage", "pixel_size"]


def pixel_size(figsize: tuple[float, float], dpi: float) -> tuple[int, int]:
    """The picture's (width, height) in pixels, as Agg renders it and the page shows it."""
    return round(figsize[0] * dpi), round(figsize[1] * dpi)


class FigureImage:
    """A matplotlib figure rendered into an ``ipywidgets.Image``.

    Draw once, keep the artists, change them in place (``set_data``, ``set_ydata``),
    then call :meth:`redraw` to send the new PNG.

    The image is shown at its own pixel size (``figsize`` times ``dpi``), one PNG pixel to
    one CSS pixel, so it stays sharp; a narrower window shrinks it (``max-width: 100%``)
    but nothing ever stretches it. Choose ``figsize`` and ``dpi`` for the width the
    reader should see (about 800 px fits JupyterLab's notebook column).
    """

    def __init__(self, figsize: tuple[float, float] = (8.0, 3.2), dpi: int = 80) -> None:
        self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self.agg = FigureCanvasAgg(self.figure)  # also figure.canvas, typed as the Agg canvas
        width, _ = pixel_size(figsize, dpi)
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%", height="auto")
        )
        self._laid_out = False

    def redraw(self) -> None:
        """Render the figure to PNG and show it.

        The first call lays the figure out (constrained layout); later calls keep that
        layout, because re-solving it (and savefig's extra draw) would cost most of each
        update. Encoding at low zlib effort keeps the PNG step short.
        """
        self.figure.canvas.draw()
        self._freeze_layout()
        self.send()

    def fix_layout(self) -> None:
        """Draw once now and keep that layout from then on (no PNG is sent).

        An explorer whose axes change later (new limits, longer tick labels) calls this
        with its widest labels in place, then sets its real limits: the layout then fits
        every state, and the first picture is drawn once, after the explorer is built.
        """
        self.figure.canvas.draw()
        self._freeze_layout()

    def _freeze_layout(self) -> None:
        if not self._laid_out:
            self.figure.set_layout_engine("none")
            self._laid_out = True

    def send(self) -> None:
        """Encode the canvas as it stands (already drawn) to PNG and show it."""
        pixels = np.asarray(self.agg.buffer_rgba())
        buffer = io.BytesIO()
        PIL.Image.fromarray(pixels[..., :3]).save(buffer, format="png", compress_level=1)
        self.image.value = buffer.getvalue()

    def png(self) -> bytes:
        """The canvas as it was last drawn, as a well-compressed PNG (for saved outputs)."""
        pixels = np.asarray(self.agg.buffer_rgba())
        buffer = io.BytesIO()
        PIL.Image.fromarray(pixels[..., :3]).save(buffer, format="png", optimize=True)
        return buffer.getvalue()


class BlitFigureImage(FigureImage):
    """Like :class:`FigureImage`, but only the artists passed to :meth:`animate` are redrawn.

    Axes, ticks, titles and legends cost far more to draw than the few artists a slider
    moves (``benchmarks/widget_latency.py`` measures whole updates). So the static figure
    is drawn once, kept as a pixel background, and each update pastes that background and
    draws the moving artists on top, before the PNG goes to the image widget as usual.

    An animated artist must stay inside the area its axes had when the background was
    drawn (the axes limits are fixed), because everything else is reused pixel for pixel.
    Call :meth:`invalidate` after changing anything static (limits, ticks, contours).
    """

    def __init__(self, figsize: tuple[float, float] = (8.0, 3.2), dpi: int = 80) -> None:
        super().__init__(figsize=figsize, dpi=dpi)
        self._moving: list[Artist] = []
        self._background = None

    def animate(self, *artists: Artist) -> None:
        """Mark artists as moving: left out of the background, drawn on every redraw."""
        for artist in artists:
            artist.set_animated(True)
            self._moving.append(artist)
        self._background = None

    def invalidate(self) -> None:
        """Forget the saved background, so the next redraw draws the static parts again."""
        self._background = None

    def redraw(self) -> None:
        canvas = self.agg
        if self._background is None:
            canvas.draw()  # the first draw lays out (constrained); later draws keep that layout
            self._freeze_layout()
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self._moving:
            self.figure.draw_artist(artist)
        self.send()
