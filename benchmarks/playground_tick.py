"""One tick of the chapter 08 playground, measured headless: what a frame of Play costs.

A tick is what the kernel does when ``ipywidgets.Play`` advances: train one epoch
(mini-batch SGD over the training points), evaluate every neuron and the 100 x 100
boundary grid, redraw in place and encode the frame. Measured for the default network
(2 hidden layers of 4) on 500 points, for each data set; prints p50/p95 per tick and
the frames per second that allows. The target is p95 <= 35 ms.

    .venv/bin/python benchmarks/playground_tick.py [--ticks 200]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from nnlib.chapters.ch08_playground.data import DATA_SETS
from nnlib.chapters.ch08_playground.explorer import playground

TARGET_MS = 35.0


def measure(data: str, ticks: int, look_inside: bool = False, **config) -> list[float]:
    """Seconds per tick, after 5 warm-up ticks (the first redraw lays the figure out)."""
    explorer = playground(data=data, **config)
    explorer.controls["look_inside"].value = look_inside  # open: each tick traces a step
    play = explorer.controls["play"]
    for _ in range(5):
        play.value += 1
    timings = []
    for _ in range(ticks):
        start = time.perf_counter()
        play.value += 1
        timings.append(time.perf_counter() - start)
    assert explorer.training.epoch == ticks + 5, "every tick trains one epoch"
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=200, help="ticks per setting")
    args = parser.parse_args()
    settings = [(f"{name}, hidden [4, 4]", dict(data=name)) for name in DATA_SETS]
    settings.append(("spiral, 4 features, look inside open",
                     dict(data="spiral", features=["x1", "x2", "sin x1", "sin x2"],
                          look_inside=True)))
    print(f"{'setting':40} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'fps at p50':>11}")
    worst, everything = 0.0, []
    for label, config in settings:
        timings = measure(ticks=args.ticks, **config)
        p50, p95 = np.percentile(timings, [50, 95]) * 1000
        worst = max(worst, p95)
        everything += timings
        print(f"{label:40} {len(timings):4d} {p50:8.1f} {p95:8.1f} {1000 / p50:11.0f}")
    p50, p95 = np.percentile(everything, [50, 95]) * 1000
    print(f"{'(all)':40} {len(everything):4d} {p50:8.1f} {p95:8.1f} {1000 / p50:11.0f}")
    verdict = "meets" if worst <= TARGET_MS else "MISSES"
    print(f"\nworst p95: {worst:.1f} ms, {verdict} the {TARGET_MS:.0f} ms target "
          f"({1000 / worst:.0f} frames per second at that p95)")


if __name__ == "__main__":
    main()
