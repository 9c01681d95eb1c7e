"""The explorer engine every chapter's explorer is built on: controls -> compute -> draw -> readout.

A figure is a plain ``matplotlib.figure.Figure`` on the Agg canvas (no pyplot, so
nothing is displayed twice inline), shown through a ``widgets.Image``: its PNG is set
as the image's value after each update. Strict nbval never compares widget views, so a
cell that shows an explorer passes without markers, and the PNG is the same in a
browser, on Binder and headless in a test.
"""

from __future__ import annotations

import base64
import io
import time
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
import PIL.Image
from IPython.display import display
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from nnlib._checks import check_count

__all__ = ["BlitFigureImage", "Explorer", "FigureImage", "ProgressBar"]


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
        FigureCanvasAgg(self.figure)
        width = round(figsize[0] * dpi)
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
        if not self._laid_out:
            self.figure.set_layout_engine("none")
            self._laid_out = True
        self.send()

    def send(self) -> None:
        """Encode the canvas as it stands (already drawn) to PNG and show it."""
        pixels = np.asarray(self.figure.canvas.buffer_rgba())
        buffer = io.BytesIO()
        PIL.Image.fromarray(pixels[..., :3]).save(buffer, format="png", compress_level=1)
        self.image.value = buffer.getvalue()

    def png(self) -> bytes:
        """The canvas as it was last drawn, as a well-compressed PNG (for saved outputs)."""
        pixels = np.asarray(self.figure.canvas.buffer_rgba())
        buffer = io.BytesIO()
        PIL.Image.fromarray(pixels[..., :3]).save(buffer, format="png", optimize=True)
        return buffer.getvalue()


class Explorer(widgets.VBox):
    """An interactive explorer: controls on top, a live figure, a one-line readout.

    Subclasses build their controls and artists in ``__init__`` and then call
    ``super().__init__``, because it draws the first state at once (so the saved
    picture exists the moment the explorer is displayed). ``extras`` are widgets shown
    between the controls and the picture (a progress bar). Subclasses implement
    :meth:`compute` (the numbers, no drawing),
    :meth:`draw` (update artists in place) and :meth:`describe` (the readout text).
    Tests and benchmarks drive an explorer headless by setting ``controls[name].value``
    and reading :attr:`state` and :attr:`readout`.
    """

    def __init__(
        self,
        controls: Mapping[str, widgets.Widget],
        canvas: FigureImage,
        *,
        title: str = "",
        extras: Sequence[widgets.Widget] = (),
    ) -> None:
        self.controls: dict[str, widgets.Widget] = dict(controls)
        self.canvas = canvas
        self.readout = widgets.HTML()
        self.state: dict[str, Any] = {}
        self.last_update_seconds = 0.0
        children = [widgets.HTML(f"<b>{title}</b>")] if title else []
        children += [*self.controls.values(), *extras, canvas.image, self.readout]
        super().__init__(children=children)
        # Stable CSS hooks for the real-browser check (tests/browser).
        self.add_class("nnlib-explorer")
        canvas.image.add_class("nnlib-explorer-image")
        self.readout.add_class("nnlib-explorer-readout")
        for control in self.controls.values():
            if hasattr(control, "value") and not isinstance(control, widgets.Button):
                control.observe(self._on_change, names="value")
        self.refresh()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        """The live widget, plus a picture of this state for readers without a kernel.

        JupyterLab draws the widget view; GitHub, nbviewer and ``nbconvert --to html``
        cannot, and fall back to the ``image/png`` (the explorer as it was displayed)
        and to a ``text/plain`` that says what the picture is.
        """
        bundle = super()._repr_mimebundle_(**kwargs)
        if not bundle:
            return bundle
        bundle["image/png"] = base64.b64encode(self.canvas.png()).decode("ascii")
        bundle["text/plain"] = (
            f"{self!r}: an interactive explorer, shown as a picture of its first state; "
            "run the notebook to move its controls."
        )
        return bundle

    @property
    def values(self) -> dict[str, Any]:
        return {name: c.value for name, c in self.controls.items() if hasattr(c, "value")}

    def _on_change(self, _change: Mapping[str, Any]) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute, redraw and describe. Numerical warnings become a readout line, not spill."""
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.state = self.compute(self.values)
            self.draw(self.state)
            self.canvas.redraw()
            text = self.describe(self.state)
        self.state["warnings"] = [str(w.message) for w in caught]
        self.readout.value = text
        self.last_update_seconds = time.perf_counter() - start

    def compute(self, values: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def draw(self, state: dict[str, Any]) -> None:
        raise NotImplementedError

    def describe(self, state: dict[str, Any]) -> str:
        raise NotImplementedError

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
        canvas = self.figure.canvas
        if self._background is None:
            canvas.draw()  # the first draw lays out (constrained); later draws keep that layout
            if not self._laid_out:
                self.figure.set_layout_engine("none")
                self._laid_out = True
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self._moving:
            self.figure.draw_artist(artist)
        self.send()

BAR_WIDTH = 10


class ProgressBar:
    """``ProgressBar(total=..., desc=...)`` with the ``update(n)``/``close()`` of a tqdm bar.

    ``Trainer(..., progress=ProgressBar)`` shows a live bar in Jupyter. When training ends,
    the cell's output is replaced (through its display id) by the finished bar, so a saved
    notebook shows ``training: 100%|##########| 12000/12000 [done in 9.1 s]`` on GitHub
    and nbviewer instead of the 0 % it had when the cell started. It starts no thread, so
    it also works in the browser edition (Pyodide).
    """

    def __init__(self, total: int, desc: str = "") -> None:
        self.total = check_count(total, "total", minimum=1)
        self.desc = str(desc)
        self.n = 0
        self.elapsed: float | None = None
        self._start = time.perf_counter()
        self._shown_percent = 0
        self.bar = widgets.IntProgress(value=0, min=0, max=self.total, description=self.desc)
        self.label = widgets.Label(self._count())
        self.box = widgets.HBox([self.bar, self.label])
        self._handle = display(self, display_id=True)

    def _count(self) -> str:
        return f"{self.n}/{self.total}"

    def update(self, n: int = 1) -> None:
        """Advance by ``n``; the widget is sent only when the whole percent changes."""
        self.n = min(self.n + int(n), self.total)
        percent = 100 * self.n // self.total
        if percent != self._shown_percent:
            self._shown_percent = percent
            self.bar.value, self.label.value = self.n, self._count()

    def close(self) -> None:
        """Show the final count and time, and make that the cell's saved output."""
        self.elapsed = time.perf_counter() - self._start
        self.bar.value = self.n
        self.label.value = f"{self._count()} in {self.elapsed:.1f} s"
        if self._handle is not None:
            self._handle.update(self)

    def __repr__(self) -> str:
        filled = BAR_WIDTH * self.n // self.total
        bar = "#" * filled + " " * (BAR_WIDTH - filled)
        state = "running" if self.elapsed is None else f"done in {self.elapsed:.1f} s"
        return f"{self.desc}: {100 * self.n // self.total:3d}%|{bar}| {self._count()} [{state}]"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        bundle = self.box._repr_mimebundle_(**kwargs)
        if bundle:
            bundle["text/plain"] = repr(self)
        return bundle
