"""The one engine every explorer shares: controls -> compute -> draw in place -> readout.

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
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["Explorer", "FigureImage"]


class FigureImage:
    """A matplotlib figure rendered into an ``ipywidgets.Image``.

    Draw once, keep the artists, change them in place (``set_data``, ``set_ydata``),
    then call :meth:`redraw` to send the new PNG.
    """

    def __init__(self, figsize: tuple[float, float] = (8.0, 3.2), dpi: int = 80) -> None:
        self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="auto"))
        self._laid_out = False

    def redraw(self) -> None:
        """Render the figure to PNG and show it.

        The first call lays the figure out (constrained layout); later calls keep that
        layout, because re-solving it (and savefig's extra draw) costs about 50 ms of a
        75 ms update here. Encoding at low zlib effort keeps the PNG step to a few ms.
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

    Subclasses build their controls and artists in ``__init__`` (then call
    ``super().__init__``) and implement :meth:`compute` (the numbers, no drawing),
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
    ) -> None:
        self.controls: dict[str, widgets.Widget] = dict(controls)
        self.canvas = canvas
        self.readout = widgets.HTML()
        self.state: dict[str, Any] = {}
        self.last_update_seconds = 0.0
        children = [widgets.HTML(f"<b>{title}</b>")] if title else []
        children += [*self.controls.values(), canvas.image, self.readout]
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
