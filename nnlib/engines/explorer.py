"""The explorer engine every chapter's explorer is built on: controls -> compute -> draw -> readout.

An explorer is a ``VBox``: controls on top, a live figure (:mod:`nnlib.engines.figure`), a
one-line readout. A chapter subclasses :class:`Explorer` and fills in its public seams:

- :meth:`Explorer.compute` ``(values) -> state``: the numbers, from the controls' values
  (no drawing, no widgets);
- :meth:`Explorer.draw` ``(state)``: update the figure's artists in place, from ``state`` only;
- :meth:`Explorer.describe` ``(state) -> str``: the readout's text (HTML), nothing else;
- :meth:`Explorer.layout` ``() -> widgets``: how the explorer's widgets are arranged
  (default: title, controls, extras, picture, readout);
- :meth:`Explorer.on_control` ``(name, change)``: what a control's change (or a button's
  press) does (default: :meth:`Explorer.refresh`).

The engine draws the first state once, after the subclass's constructor has returned
(so the saved picture exists the moment the explorer is displayed, and a subclass never
refreshes twice). Tests and benchmarks drive an explorer headless by setting
``controls[name].value`` (or calling ``controls[name].click()``) and reading
:attr:`Explorer.state` and :attr:`Explorer.readout`.
"""

from __future__ import annotations

import base64
import re
import time
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from nnlib.engines.figure import BlitFigureImage, FigureImage, pixel_size
from nnlib.engines.progress import ProgressBar
from nnlib.i18n import _

__all__ = ["BlitFigureImage", "Explorer", "FigureImage", "ProgressBar", "pixel_size"]


class _DrawnOnceBuilt(type(widgets.VBox)):  # type: ignore[misc]  # a base found at run time
    """Calls :meth:`Explorer._start` when the outermost ``__init__`` has returned."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        explorer = super().__call__(*args, **kwargs)
        explorer._start()
        return explorer


class Explorer(widgets.VBox, metaclass=_DrawnOnceBuilt):
    """An interactive explorer: controls on top, a live figure, a one-line readout.

    Subclasses build their controls and artists in ``__init__`` and call
    ``super().__init__(controls, canvas, title=..., extras=...)`` (anywhere in it: nothing
    is computed or drawn there). ``extras`` are widgets shown between the controls and the
    picture (a progress bar). See the module docstring for the seams.
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
        self.title = widgets.HTML(f"<b>{title}</b>") if title else None
        self.extras = tuple(extras)
        self.readout = widgets.HTML()
        self.state: dict[str, Any] = {}
        self.last_update_seconds = 0.0
        super().__init__()
        # Stable CSS hooks for the real-browser check (tests/browser).
        self.add_class("nnlib-explorer")
        canvas.image.add_class("nnlib-explorer-image")
        self.readout.add_class("nnlib-explorer-readout")
        for name, control in self.controls.items():
            control.add_class("nnlib-control-" + re.sub(r"\W+", "-", name))  # any language
            if isinstance(control, widgets.Button):
                control.on_click(lambda _button, name=name: self.on_control(name, None))
            elif hasattr(control, "value"):
                control.observe(lambda change, name=name: self.on_control(name, change),
                                names="value")

    def _start(self) -> None:
        """Arrange the widgets and draw the first state (once, when the explorer is built)."""
        self.children = tuple(self.layout())
        self.refresh()

    # -- the seams a chapter fills in -----------------------------------------------------
    def layout(self) -> Sequence[widgets.Widget]:
        """The widgets shown, top to bottom. Override to arrange controls in rows."""
        head = [self.title] if self.title is not None else []
        return [*head, *self.controls.values(), *self.extras, self.canvas.image, self.readout]

    def on_control(self, name: str, change: Mapping[str, Any] | None) -> None:
        """A control changed (``change`` is traitlets' dict) or a button was pressed
        (``change`` is None). The default recomputes and redraws."""
        self.refresh()

    def compute(self, values: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def draw(self, state: dict[str, Any]) -> None:
        raise NotImplementedError

    def describe(self, state: dict[str, Any]) -> str:
        raise NotImplementedError

    # -- what the engine does -----------------------------------------------------------------
    @property
    def values(self) -> dict[str, Any]:
        return {name: c.value for name, c in self.controls.items()
                if hasattr(c, "value") and not isinstance(c, widgets.Button)}

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
        bundle["text/plain"] = _(
            "{explorer}: an interactive explorer, shown as a picture of its first state; "
            "run the notebook to move its controls.").format(explorer=repr(self))
        return bundle
