"""Chapter 00, start here: how the companion works, and a first look at MNIST.

A notebook imports each name from the module that defines it, e.g.
``from nnlib.chapters.ch00_start_here.plots import ...``.
"""
