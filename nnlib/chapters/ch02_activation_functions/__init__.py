"""Chapter 02: activation functions 活性化関数 and why a network needs a non-linear one (book §3.2).

A notebook imports each name from the module that defines it, e.g.
``from nnlib.chapters.ch02_activation_functions.activations import ...``.
"""
