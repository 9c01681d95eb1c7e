"""Train nnlib's weights for the book's §3.6 network and write nnlib/data/sample_weight.npz.

The book's §3.6 network: 784 pixels -> 50 -> 100 -> 10, sigmoid hidden layers, softmax
output. The book ships trained weights as a pickle (``ch03/sample_weight.pkl``); nnlib ships
its own, trained here from a fixed seed and stored as float32 (as the book's are) in an
``.npz`` that is read with ``allow_pickle=False``.

Recipe: ``MultiLayerNet(784, [50, 100], 10, activation="sigmoid",
weight_init_std="sigmoid", seed=SEED)`` in float64, 確率的勾配降下法 SGD with ``LR`` on
mini-batches of ``BATCH`` drawn by ``np.random.default_rng(SEED)``, ``EPOCHS`` passes over the
60,000 training images, BLAS limited to one thread so that every run adds in the same order.

    python tools/train_sample_weight.py            # train, write the file, print its digest
    python tools/train_sample_weight.py --check    # train again, compare with the shipped file

``--check`` exits 1 when the retrained arrays differ from the shipped ones by more than
float32 rounding. Write mode also updates ``SAMPLE_WEIGHT_SHA256`` in nnlib/sample_weight.py.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

from nnlib.datasets import load_mnist
from nnlib.network import MultiLayerNet
from nnlib.optimizers import SGD
from nnlib.sample_weight import SHAPES, load_sample_weight, weights_digest

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "nnlib" / "data" / "sample_weight.npz"
MODULE = ROOT / "nnlib" / "sample_weight.py"
SEED, LR, BATCH, EPOCHS = 0, 0.5, 100, 5


def train() -> dict[str, np.ndarray]:
    """The six float32 arrays, from the fixed recipe above."""
    from threadpoolctl import threadpool_limits

    (x_train, t_train), _ = load_mnist(normalize=True, flatten=True)
    x_train = x_train.astype(np.float64)
    net = MultiLayerNet(784, [50, 100], 10, activation="sigmoid", weight_init_std="sigmoid",
                        seed=SEED)
    optimizer = SGD(lr=LR)
    rng = np.random.default_rng(SEED)
    steps = EPOCHS * len(x_train) // BATCH
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(steps):
            batch = rng.choice(len(x_train), BATCH)
            optimizer.update(net.params, net.gradient(x_train[batch], t_train[batch]))
    return {key: net.params[key].astype(np.float32) for key in SHAPES}


def accuracy(network: dict[str, np.ndarray]) -> float:
    """The book's §3.6.3 batch loop over the 10,000 test images, in float32 like the book."""
    _, (x_test, t_test) = load_mnist(normalize=True, flatten=True)

    def sigmoid(a):
        return 1 / (1 + np.exp(-a))

    hits = 0
    for i in range(0, len(x_test), 100):
        z1 = sigmoid(x_test[i:i + 100] @ network["W1"] + network["b1"])
        z2 = sigmoid(z1 @ network["W2"] + network["b2"])
        scores = z2 @ network["W3"] + network["b3"]  # softmax keeps the argmax
        hits += int(np.sum(scores.argmax(axis=1) == t_test[i:i + 100]))
    return hits / len(x_test)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="retrain and compare with the shipped file instead of writing it")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    network = train()
    seconds = time.perf_counter() - start
    digest = weights_digest(network)
    print(f"trained in {seconds:.1f} s; test accuracy {accuracy(network):.4f}; sha256 {digest}")
    if args.check:
        shipped = load_sample_weight()
        worst = max(float(np.max(np.abs(network[k] - shipped[k]))) for k in SHAPES)
        if digest == weights_digest(shipped):
            print("the shipped weights are exactly what this script trains")
            return 0
        if worst <= 1e-5:
            print(f"the shipped weights agree to {worst:.1e} (BLAS rounding differs here)")
            return 0
        print(f"the shipped weights differ by up to {worst:.3g}: retrain and commit them",
              file=sys.stderr)
        return 1
    TARGET.parent.mkdir(exist_ok=True)
    np.savez_compressed(TARGET, **network)
    source = MODULE.read_text()
    MODULE.write_text(re.sub(r'SAMPLE_WEIGHT_SHA256 = "[^"]*"',
                             f'SAMPLE_WEIGHT_SHA256 = "{digest}"', source))
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size} bytes) and its digest")
    return 0


if __name__ == "__main__":
    sys.exit(main())
