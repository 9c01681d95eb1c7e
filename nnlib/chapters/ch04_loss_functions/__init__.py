"""Chapter 04: loss functions 損失関数, 2乗和誤差 and cross-entropy (book §4.1-4.2).

A notebook imports each name from the module that defines it, e.g.
``from nnlib.chapters.ch04_loss_functions.exercises import ...``.
"""
