"""Latency of every explorer's slider update, measured headless in one run.

Builds each chapter's ``*_explorer`` (``nnlib.chapters.*.explorer``) with its defaults,
then, for every option of its choices (surface, activation, ...), moves each of its
sliders through evenly spaced positions across its range (as a drag would), timing the
full update the kernel does per step: compute, redraw in place, PNG, readout.
Prints p50 and p95 per explorer and per slider. The target is p95 < 100 ms.

    .venv/bin/python benchmarks/widget_latency.py [--steps 25]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import pkgutil
import time
import typing

import ipywidgets as widgets
import numpy as np

import nnlib.chapters
from nnlib.engines.explorer import Explorer

SLIDERS = (widgets.FloatSlider, widgets.FloatLogSlider, widgets.IntSlider)
CHOICES = (widgets.Dropdown, widgets.ToggleButtons, widgets.RadioButtons)


def slider_positions(slider: widgets.Widget, steps: int) -> list:
    if isinstance(slider, widgets.FloatLogSlider):
        exps = np.linspace(slider.min, slider.max, steps)
        return [float(slider.base**e) for e in exps]
    values = np.linspace(slider.min, slider.max, steps)
    if isinstance(slider, widgets.IntSlider):
        return sorted({int(round(v)) for v in values})
    return [float(v) for v in values]


def sweep_sliders(explorer, steps: int, label: str, timings: dict[str, list[float]]) -> None:
    for name, control in explorer.controls.items():
        if not isinstance(control, SLIDERS):
            continue
        original = control.value
        for value in slider_positions(control, steps):
            start = time.perf_counter()
            control.value = value
            timings.setdefault(f"{label}{name}", []).append(time.perf_counter() - start)
        control.value = original


def measure(factory, steps: int) -> dict[str, list[float]]:
    """Sweep every slider, once for each option of every choice (surface, activation...)."""
    explorer = factory()
    timings: dict[str, list[float]] = {}
    choices = [c for c in explorer.controls.values() if isinstance(c, CHOICES)]
    if not choices:
        sweep_sliders(explorer, steps, "", timings)
    for control in choices:
        original = control.value
        for option in control.options:
            value = option[1] if isinstance(option, tuple) else option
            control.value = value
            sweep_sliders(explorer, steps, f"{value}: ", timings)
        control.value = original
    return timings


def explorer_modules() -> list:
    """Every chapter's ``explorer`` module, in reading order."""
    packages = sorted(
        info.name for info in pkgutil.iter_modules(nnlib.chapters.__path__, "nnlib.chapters.")
    )
    return [
        importlib.import_module(f"{package}.explorer")
        for package in packages
        if importlib.util.find_spec(f"{package}.explorer") is not None
    ]


def builds_an_explorer(obj: object) -> bool:
    """A chapter's public factory: a function whose return annotation is an Explorer."""
    if isinstance(obj, type) or not callable(obj):
        return False
    returns = typing.get_type_hints(obj).get("return")
    return isinstance(returns, type) and issubclass(returns, Explorer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=25, help="positions per slider")
    args = parser.parse_args()
    factories = [
        (name, getattr(module, name))
        for module in explorer_modules()
        for name in module.__all__
        if builds_an_explorer(getattr(module, name))
    ]
    print(f"{'explorer':28} {'slider':28} {'n':>4} {'p50 ms':>8} {'p95 ms':>8}")
    worst = 0.0
    for name, factory in factories:
        per_slider = measure(factory, args.steps)
        everything = [t for ts in per_slider.values() for t in ts]
        for slider, ts in per_slider.items():
            p50, p95 = np.percentile(ts, [50, 95]) * 1000
            print(f"{name:28} {slider:28} {len(ts):4d} {p50:8.1f} {p95:8.1f}")
        if everything:
            p50, p95 = np.percentile(everything, [50, 95]) * 1000
            worst = max(worst, p95)
            print(f"{name:28} {'(all sliders)':28} {len(everything):4d} {p50:8.1f} {p95:8.1f}")
    verdict = "meets" if worst < 100 else "MISSES"
    print(f"\nworst p95: {worst:.1f} ms, {verdict} the 100 ms target")


if __name__ == "__main__":
    main()
