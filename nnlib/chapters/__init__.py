"""One package per chapter notebook, named after it: ``ch05_gradient_descent`` for
``chapters/05_gradient_descent.ipynb``.

Each holds what only its chapter needs (maths helpers, plots, an explorer, exercise
checks) and imports the core (``nnlib.functions``, ``nnlib.layers``, ...) and the two
engines (:mod:`nnlib.engines.explorer`, :mod:`nnlib.engines.exercise`), never another
chapter. ``tests/test_layout.py`` holds that rule.
"""
