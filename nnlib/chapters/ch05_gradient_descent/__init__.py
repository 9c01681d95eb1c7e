"""Chapter 05: the numerical gradient and gradient descent 勾配降下法 (book §4.3-4.4).

A notebook imports each name from the module that defines it, e.g.
``from nnlib.chapters.ch05_gradient_descent.descent import ...``.
"""
