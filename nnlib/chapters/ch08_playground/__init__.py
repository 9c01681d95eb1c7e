"""Chapter 08: a playground in which a network built from nnlib's layers learns to separate
two classes of points in the plane (decision boundaries, hidden layers, features, 過学習
overfitting and 荷重減衰 weight decay)."""
