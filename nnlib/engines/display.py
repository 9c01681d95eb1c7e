"""How a check's one line reaches the reader: printed, or in a kernel as HTML that wraps."""

from __future__ import annotations

import sys
from html import escape
from typing import Any

__all__ = ["show"]


def show(result: Any) -> None:
    """Print the result's one line; in a Jupyter kernel, as HTML that wraps at spaces.

    JupyterLab shows printed text with ``word-break: break-all``, which cuts words and
    numbers at the edge of the cell; the HTML keeps the printed look (monospace,
    one paragraph) but breaks lines only between words. ``text/plain`` is the same line,
    for a terminal, nbval and GitHub.
    """
    text = str(result)
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        print(text)
        return
    from IPython.display import display

    html = (
        '<pre class="nnlib-verdict" style="white-space: pre-wrap; word-break: normal; '
        f'overflow-wrap: break-word">{escape(text)}</pre>'
    )
    display({"text/plain": text, "text/html": html}, raw=True)
