"""Chapter 07: training a two-layer network on MNIST (book §4.5, §5.7).

A notebook imports each name from the module that defines it, e.g.
``from nnlib.chapters.ch07_training_mnist.exercises import ...``.
"""
