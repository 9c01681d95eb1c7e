"""Time one SGD step of the book's network, 784-50-10 with ReLU and softmax-CE, batch 100.

Side by side in one run, taking turns so that a busy machine slows them alike:
- nnlib: sample a mini-batch, ``TwoLayerNet.gradient`` (backprop), ``SGD.update``, in
  float32 (asked for by name, as PyTorch computes) and in float64 (nnlib's and the book's
  default);
- PyTorch on the CPU with the same number of threads, if it is installed (it is a
  benchmark-only, optional dependency: the script says so and skips it when absent);
- backprop against the numerical gradient for one batch. Central differences over all
  39,760 parameters take 79,520 loss evaluations (tens of seconds), so they are timed on
  a slice of the parameters (b1, W2, b2: 560 numbers) and scaled up by parameter count.

Both libraries use the same number of threads: ``--threads N`` (default 1, as
:class:`nnlib.train.Trainer` uses for BLAS) caps numpy's BLAS through threadpoolctl and
sets ``torch.set_num_threads(N)``.

Prints medians and ratios. Run: ``.venv/bin/python benchmarks/train_step.py [--threads 2]``.

``--compare DIR`` times this checkout's nnlib against another copy of it side by side
(``DIR`` holds that copy's ``nnlib/`` folder, e.g. an older commit from
``git archive <commit> nnlib | tar -x -C DIR``): the other copy is loaded into this process
under the name ``nnlib_before``, the two take turns round by round, in float32 and float64
(each with the same SGD), and the script prints both medians and their ratio.
The arithmetic of one step is about 24 MFLOP if the first layer's input gradient is
computed (the book's Affine does), 16 MFLOP without it (nnlib and PyTorch skip it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from nnlib.gradient import numerical_gradient
from nnlib.network import TwoLayerNet
from nnlib.optimizers import SGD
from nnlib.train import limit_blas_threads

BATCH, SIZES, LR = 100, (784, 50, 10), 0.1
ROUNDS, STEPS_PER_ROUND = 15, 200


def mnist_or_random() -> tuple[np.ndarray, np.ndarray, str]:
    try:
        from nnlib.datasets import load_mnist

        (x, t), _ = load_mnist()
        return x, t, "MNIST training set"
    except (ImportError, FileNotFoundError):
        rng = np.random.default_rng(0)
        x = rng.random((60_000, 784), dtype=np.float32)
        return x, rng.integers(0, 10, 60_000), "random MNIST-shaped data (MNIST not installed)"


def nnlib_step(x: np.ndarray, t: np.ndarray, dtype: type = np.float32,
               network: type = TwoLayerNet) -> Callable[[], None]:
    net, sgd = network(*SIZES, seed=0, dtype=dtype), SGD(LR)
    x = x.astype(dtype)  # once, as the trainer does, not in every step
    rng = np.random.default_rng(0)

    def step() -> None:
        index = rng.integers(0, len(x), BATCH)
        sgd.update(net.params, net.gradient(x[index], t[index]))

    return step


def torch_step(x: np.ndarray, t: np.ndarray, threads: int) -> Callable[[], None] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(SIZES[0], SIZES[1]), torch.nn.ReLU(), torch.nn.Linear(SIZES[1], SIZES[2])
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    x_all, t_all = torch.from_numpy(x), torch.from_numpy(t.astype(np.int64))
    generator = torch.Generator().manual_seed(0)

    def step() -> None:
        index = torch.randint(0, len(x_all), (BATCH,), generator=generator)
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(x_all[index]), t_all[index]).backward()
        optimizer.step()

    return step


def per_call(fn: Callable[[], object], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="BLAS / torch threads")
    parser.add_argument("--compare", metavar="DIR", help="time the nnlib in DIR side by side")
    args = parser.parse_args()
    if args.compare:
        compare(args.compare, args.threads)
    else:
        with limit_blas_threads(args.threads):
            run(args.threads)


def run(threads: int) -> None:
    x, t, source = mnist_or_random()
    print(f"data: {source}; batch {BATCH}; net {'-'.join(map(str, SIZES))}; "
          f"{threads} thread(s) for both libraries, on {os.cpu_count()} cores")
    steps = {"nnlib": nnlib_step(x, t), "nnlib-64": nnlib_step(x, t, np.float64)}
    torch = torch_step(x, t, threads)
    if torch is None:
        print("PyTorch is not installed: skipping it (optional, benchmark only: pip install torch)")
    else:
        steps["pytorch"] = torch
    for step in steps.values():  # warm up: caches, thread pools, first allocations
        per_call(step, 300)
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(ROUNDS):
        for name, step in steps.items():
            times[name].append(per_call(step, STEPS_PER_ROUND))
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    print("\none SGD step (sample + forward + backward + update), median of "
          f"{ROUNDS} rounds of {STEPS_PER_ROUND}:")
    for name, seconds in medians.items():
        print(f"  {name:8s} {seconds * 1e3:7.3f} ms   ({16e6 / seconds / 1e9:5.1f} GFLOP/s "
              "on the 16 MFLOP needed)")
    print(f"  float64 / float32 in nnlib = {medians['nnlib-64'] / medians['nnlib']:.2f}")
    if "pytorch" in medians:
        print(f"  nnlib / pytorch = {medians['nnlib'] / medians['pytorch']:.2f} (both float32)")
    compare_gradients(x[:BATCH], t[:BATCH])


def renamed_copy(other: str) -> str:
    """Copy ``other``/nnlib into a temporary folder as the package ``nnlib_before`` (its
    imports rewritten), so that both copies load into this one process."""
    import re
    import shutil
    import tempfile

    root = tempfile.mkdtemp(prefix="nnlib_before_")
    target = os.path.join(root, "nnlib_before")
    shutil.copytree(os.path.join(other, "nnlib"), target)
    for folder, _, files in os.walk(target):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                text = re.sub(r"\bnnlib(?=[. ]|$)", "nnlib_before", text, flags=re.M)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    return root


def compare(other: str, threads: int) -> None:
    """This checkout's nnlib against the one in ``other``, in this one process, taking turns
    round by round (so that a busy machine slows both alike), in float32 and float64."""
    import importlib

    sys.path.insert(0, renamed_copy(other))
    before = importlib.import_module("nnlib_before.network")
    x, t, source = mnist_or_random()
    print(f"data: {source}; before = {os.path.abspath(other)}, this = this checkout")
    with limit_blas_threads(threads):
        for dtype in (np.float32, np.float64):
            steps = {"before": nnlib_step(x, t, dtype, before.TwoLayerNet),
                     "this": nnlib_step(x, t, dtype)}
            for step in steps.values():
                per_call(step, 300)
            times: dict[str, list[float]] = {name: [] for name in steps}
            for turn in range(2 * ROUNDS):
                order = list(steps.items())
                for name, step in order if turn % 2 else order[::-1]:
                    times[name].append(per_call(step, STEPS_PER_ROUND // 2))
            medians = {name: statistics.median(ts) for name, ts in times.items()}
            print(f"{np.dtype(dtype).name}: before {medians['before'] * 1e3:.3f} ms, this "
                  f"checkout {medians['this'] * 1e3:.3f} ms per step; this / before = "
                  f"{medians['this'] / medians['before']:.3f} (median of {2 * ROUNDS} "
                  f"alternating rounds of {STEPS_PER_ROUND // 2})")


def compare_gradients(x: np.ndarray, t: np.ndarray) -> None:
    net = TwoLayerNet(*SIZES, seed=0)
    n_params = sum(p.size for p in net.params.values())
    backprop = statistics.median(per_call(lambda: net.gradient(x, t), 50) for _ in range(9))
    sliced = ("b1", "W2", "b2")
    n_sliced = sum(net.params[name].size for name in sliced)
    start = time.perf_counter()
    for name in sliced:
        numerical_gradient(lambda _: net.loss(x, t), net.params[name])
    per_param = (time.perf_counter() - start) / n_sliced
    numerical = per_param * n_params
    print(f"\ngradient of one batch ({n_params} parameters):")
    print(f"  backprop   {backprop * 1e3:9.3f} ms")
    print(f"  numerical  {numerical:9.1f} s   (measured on {n_sliced} parameters, "
          f"{per_param * 1e6:.0f} us each, scaled by {n_params}/{n_sliced})")
    print(f"  numerical / backprop = {numerical / backprop:,.0f}  "
          f"(about 10^{np.log10(numerical / backprop):.0f})")


if __name__ == "__main__":
    main()
