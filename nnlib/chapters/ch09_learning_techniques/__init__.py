"""Chapter 09: the book's learning techniques 学習に関するテクニック (book chapter 6).

A notebook imports each name from the module that defines it, e.g.
``from nnlib.chapters.ch09_learning_techniques.paths import race``.
"""
