"""Chapter 03: the output layer, softmax and its overflow (book §3.5), and handwritten-digit
inference with learned weights (book §3.6: digits.py).

A notebook imports each name from the module that defines it, e.g.
``from nnlib.chapters.ch03_softmax_overflow.exercises import ...``.
"""
