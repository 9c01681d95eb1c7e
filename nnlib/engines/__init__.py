"""The two engines the chapters build on, and the small pieces they share.

- Explorers: :mod:`nnlib.engines.explorer` (controls -> compute -> draw -> readout, with
  public seams), :mod:`nnlib.engines.figure` (the live picture), :mod:`nnlib.engines.progress`
  (the training progress bar).
- Exercise checks: :mod:`nnlib.engines.exercise` (the public names), built from
  :mod:`nnlib.engines.checks` (Session, the ``exercise`` decorator, CheckResult),
  :mod:`nnlib.engines.sandbox` (what an attempt cannot change or escape),
  :mod:`nnlib.engines.references` (nnlib's own callables for the right answers),
  :mod:`nnlib.engines.hints` and :mod:`nnlib.engines.display`.
- Shared: :mod:`nnlib.engines.formatting` (numbers as text, never "-0.00") and
  :mod:`nnlib.engines.timing` (one timing loop, with the browser-timer fix).

They import the core at most, never a chapter.
"""
