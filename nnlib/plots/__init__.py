"""One function per figure the chapters draw. Each returns its matplotlib Figure.

These use pyplot, so in a notebook the figure shows inline at the end of the cell
(end the call with ``;``). Explorers draw through :mod:`nnlib.widgets` instead.
"""

# One import line per chapter's plots (kept in reading order).
