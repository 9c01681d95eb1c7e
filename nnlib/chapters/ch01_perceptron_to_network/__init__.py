"""Chapter 01: from the perceptron パーセプトロン to a three-layer network (book §2, §3.1-§3.4).

A notebook imports each name from the module that defines it, e.g.
``from nnlib.chapters.ch01_perceptron_to_network.explorer import ...``.
"""
