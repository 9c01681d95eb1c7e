"""Chapter 06: computational graphs 計算グラフ and backpropagation 誤差逆伝播法 (book §5).

A notebook imports each name from the module that defines it, e.g.
``from nnlib.chapters.ch06_backprop.exercises import ...``.
"""
