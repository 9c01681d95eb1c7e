"""The two engines the chapters build on.

- :mod:`nnlib.engines.explorer`: controls -> compute -> draw -> readout, for every
  chapter's interactive explorer (ipywidgets + matplotlib), and the training progress bar.
- :mod:`nnlib.engines.exercise`: runs a reader's attempt safely and prints one verdict
  line, for every chapter's exercise checks.

They import the core at most, never a chapter.
"""
