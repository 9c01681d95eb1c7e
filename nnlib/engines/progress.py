"""The training progress bar: the ``update(n)``/``close()`` of a tqdm bar, on ipywidgets.

One adapter for both uses: ``Trainer(..., progress=ProgressBar)`` shows a bar of its own in
the cell's output, and ``partial(ProgressBar, widget=bar)`` drives a bar that an explorer
already shows (chapter 07). It starts no thread, so it also works in the browser edition
(Pyodide, where tqdm warns "can't start new thread").
"""

from __future__ import annotations

import time
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from nnlib._checks import check_count, check_instance
from nnlib.i18n import _

__all__ = ["ProgressBar"]

BAR_WIDTH = 10


class ProgressBar:
    """``ProgressBar(total=..., desc=...)`` with the ``update(n)``/``close()`` of a tqdm bar.

    Without ``widget``, the bar displays itself; when training ends, the cell's output is
    replaced (through its display id) by the finished bar, so a saved notebook shows
    ``training: 100%|##########| 12000/12000 [done in 9.1 s]`` on GitHub and nbviewer
    instead of the 0 % it had when the cell started. With ``widget`` (an ``IntProgress``
    shown elsewhere), the bar only moves that widget.
    """

    def __init__(self, total: int, desc: str = "", *,
                 widget: widgets.IntProgress | None = None) -> None:
        self.total = check_count(total, "total", minimum=1)
        self.desc = str(desc)
        self.n = 0
        self.elapsed: float | None = None
        self._start = time.perf_counter()
        self._shown_percent = 0
        if widget is not None:
            check_instance(widget, "widget", widgets.IntProgress, "an ipywidgets IntProgress")
        self.bar = widget if widget is not None else widgets.IntProgress()
        self.bar.min, self.bar.max, self.bar.value = 0, self.total, 0
        self.bar.description = self.desc
        self.label = widgets.Label(self._count())
        self.box = widgets.HBox([self.bar, self.label])
        self._handle = display(self, display_id=True) if widget is None else None

    def _count(self) -> str:
        return f"{self.n}/{self.total}"

    def update(self, n: int = 1) -> None:
        """Advance by ``n``; the widget is sent only when the whole percent changes."""
        self.n = min(self.n + check_count(n, "n"), self.total)
        percent = 100 * self.n // self.total
        if percent != self._shown_percent:
            self._shown_percent = percent
            self.bar.value, self.label.value = self.n, self._count()

    def close(self) -> None:
        """Show the final count and time, and make that the cell's saved output."""
        self.elapsed = time.perf_counter() - self._start
        self.bar.value = self.n
        self.label.value = _("{count} in {seconds:.1f} s").format(count=self._count(),
                                                                  seconds=self.elapsed)
        if self._handle is not None:
            self._handle.update(self)

    def __repr__(self) -> str:
        filled = BAR_WIDTH * self.n // self.total
        bar = "#" * filled + " " * (BAR_WIDTH - filled)
        state = (_("running") if self.elapsed is None
                 else _("done in {seconds:.1f} s").format(seconds=self.elapsed))
        return f"{self.desc}: {100 * self.n // self.total:3d}%|{bar}| {self._count()} [{state}]"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        bundle = self.box._repr_mimebundle_(**kwargs)
        if bundle:
            bundle["text/plain"] = repr(self)
        return bundle
