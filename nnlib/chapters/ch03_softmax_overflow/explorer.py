"""Chapter 3's explorer: scale the logits and watch the textbook softmax overflow."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike

from nnlib._checks import as_float_array, number_in
from nnlib.chapters.ch03_softmax_overflow.overflow import (
    SUPPORTED_DTYPES,
    compare_softmax,
    exp_overflow_threshold,
    naive_break_scale,
    naive_tolerance,
)
from nnlib.engines.explorer import BlitFigureImage, Explorer
from nnlib.engines.formatting import significant
from nnlib.i18n import _

__all__ = ["SoftmaxOverflowExplorer", "softmax_overflow_explorer"]

#: 8 x 3.8 in at 100 dpi: an 800 x 380 px picture, the width of JupyterLab's notebook column.
FIGSIZE, DPI = (8.0, 3.8), 100
NAIVE_COLOUR, STABLE_COLOUR = "tab:red", "tab:blue"
WORKS_COLOUR = "tab:green"
BAR_WIDTH = 0.38
#: Colour is never the only cue: the strip's broken part is also hatched and labelled, and
#: each banner starts with a symbol.
WORKS_MARK, BREAKS_MARK = "✓", "✗"
BREAKS_HATCH = "////"


def _vector(values: np.ndarray, digits: int = 3) -> str:
    return "[" + ", ".join(significant(v, digits) for v in values) + "]"


def _all_zero(values: np.ndarray) -> bool:
    return bool(np.all(values == 0))


class SoftmaxOverflowExplorer(Explorer):
    """Naive and stable softmax of ``scale * logits``, side by side in float32 and float64.

    State: ``scale``, and per dtype name (``"float32"``, ``"float64"``) the dict from
    :func:`.overflow.compare_softmax`; ``break_scales`` maps dtype name to the
    measured scale from which the naive formula breaks.
    """

    def __init__(self, logits: ArrayLike, scale: widgets.FloatLogSlider) -> None:
        self.logits = as_float_array(logits, "logits").astype(np.float64)
        if self.logits.ndim != 1 or self.logits.size < 2:
            raise ValueError(
                _("logits must be a vector of at least 2 values, got shape {shape}").format(
                    shape=self.logits.shape)
            )
        self.names = [np.dtype(d).name for d in SUPPORTED_DTYPES]
        self.break_scales = {
            np.dtype(d).name: naive_break_scale(self.logits, d) for d in SUPPORTED_DTYPES
        }
        self.thresholds = {np.dtype(d).name: exp_overflow_threshold(d) for d in SUPPORTED_DTYPES}
        canvas = BlitFigureImage(figsize=FIGSIZE, dpi=DPI)
        self._build(canvas, scale)
        super().__init__({"scale": scale}, canvas, title=_("Softmax overflow: naive vs stable"))

    def _build(self, canvas: BlitFigureImage, scale: widgets.FloatLogSlider) -> None:
        fig = canvas.figure
        grid = fig.add_gridspec(2, 2, height_ratios=[3.0, 1.0])
        classes = np.arange(self.logits.size)
        self.bars: dict[str, tuple[Any, Any]] = {}
        self.labels: dict[str, list[Any]] = {}
        self.banners: dict[str, Any] = {}
        for column, name in enumerate(self.names):
            ax = fig.add_subplot(grid[0, column])
            naive = ax.bar(
                classes - BAR_WIDTH / 2,
                np.zeros(classes.size),
                BAR_WIDTH,
                color=NAIVE_COLOUR,
                hatch="//",
                edgecolor="white",
                label=_("naive"),
            )
            stable = ax.bar(
                classes + BAR_WIDTH / 2,
                np.zeros(classes.size),
                BAR_WIDTH,
                color=STABLE_COLOUR,
                label=_("stable"),
            )
            self.bars[name] = (naive, stable)
            self.labels[name] = [
                ax.text(
                    k - BAR_WIDTH / 2,
                    0.0,
                    "",
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    color=NAIVE_COLOUR,
                )
                for k in classes
            ]
            self.banners[name] = ax.text(
                0.5,
                0.84,
                "",
                transform=ax.transAxes,
                ha="center",
                va="top",
                fontsize=9,
                fontweight="bold",
            )
            ax.set(
                title=name,
                ylim=(0, 1.4),
                yticks=np.linspace(0, 1, 6),
                xticks=classes,
                xlabel=_("class k"),
            )
            if column == 0:
                ax.set_ylabel(_("probability"))
                ax.legend(loc="upper left", fontsize=8, ncols=2)
        strip = fig.add_subplot(grid[1, :])
        low, high = scale.base**scale.min, scale.base**scale.max
        for row, name in enumerate(self.names):
            edge = min(max(self.break_scales[name], low), high)
            strip.broken_barh([(low, edge - low)], (row - 0.3, 0.6), facecolors=WORKS_COLOUR)
            strip.broken_barh([(edge, high - edge)], (row - 0.3, 0.6), facecolors="white",
                              edgecolors=NAIVE_COLOUR, hatch=BREAKS_HATCH, linewidth=1.2)
            for lo, hi, mark in ((low, edge, _("{mark} works").format(mark=WORKS_MARK)),
                                 (edge, high, _("{mark} goes wrong").format(mark=BREAKS_MARK))):
                if hi / lo > 3:  # room for a label (the axis is logarithmic)
                    strip.text((lo * hi) ** 0.5, row, mark, ha="center", va="center",
                               fontsize=8, bbox={"fc": "white", "ec": "none", "pad": 0.5})
        self.cursor = strip.axvline(scale.value, color="black")
        strip.set(
            xscale="log",
            xlim=(low, high),
            ylim=(-0.6, len(self.names) - 0.4),
            yticks=range(len(self.names)),
            yticklabels=[_("naive {dtype}").format(dtype=n) for n in self.names],
            xlabel=_("scale (green, ✓: the naive formula agrees with the stable one; "
                     "red hatched, ✗: it goes wrong)"),
        )
        for name in self.names:
            canvas.animate(
                *self.bars[name][0], *self.bars[name][1], *self.labels[name], self.banners[name]
            )
        canvas.animate(self.cursor)

    def compute(self, values: dict[str, Any]) -> dict[str, Any]:
        scale = float(values["scale"])
        state: dict[str, Any] = {"scale": scale, "break_scales": dict(self.break_scales)}
        for dtype in SUPPORTED_DTYPES:
            state[np.dtype(dtype).name] = compare_softmax(self.logits, scale, dtype)
        return state

    def draw(self, state: dict[str, Any]) -> None:
        for name in self.names:
            run = state[name]
            naive_bars, stable_bars = self.bars[name]
            for bar, label, value in zip(naive_bars, self.labels[name], run["naive"], strict=True):
                finite = bool(np.isfinite(value))
                bar.set_height(value if finite else 0.0)
                label.set_position((label.get_position()[0], value if finite else 0.0))
                # Mark only what went wrong: NaN, or a finite value of a broken result (e.g. 0).
                label.set_text("NaN" if not finite else (f"{value:.2g}" if run["broken"] else ""))
            for bar, value in zip(stable_bars, run["stable"], strict=True):
                bar.set_height(value)
            banner = self.banners[name]
            if run["broken"]:
                off = np.all(np.isfinite(run["naive"])) and not _all_zero(run["naive"])
                banner.set_text((_("{mark} naive formula off") if off
                                 else _("{mark} naive formula broken")).format(mark=BREAKS_MARK))
            else:
                banner.set_text(_("{mark} naive = stable").format(mark=WORKS_MARK))
            banner.set_color(NAIVE_COLOUR if run["broken"] else WORKS_COLOUR)
        self.cursor.set_xdata([state["scale"], state["scale"]])

    def _why(self, name: str, run: dict[str, Any]) -> str:
        largest = float(np.max(run["scaled"]))
        if run["overflowed"]:
            return _("exp({largest:.4g}) overflows to inf (above {threshold:.2f}), "
                     "and inf / inf is not a number").format(
                largest=largest, threshold=self.thresholds[name])
        if largest > 0:
            return _("each exp fits, but their sum overflows to inf, so every output becomes 0")
        if not np.all(np.isfinite(run["naive"])):
            return _("every exp underflows to 0, and 0 / 0 is not a number")
        smallest = float(np.min(run["scaled"]))
        tiny = np.finfo(name).tiny
        with np.errstate(under="ignore"):
            value = float(np.exp(np.array(smallest, dtype=name)))
        return _("exp({smallest:.4g}) = {value:.3g} underflows below {tiny:.3g}, the smallest "
                 "normal {dtype}, into the subnormal numbers, which hold fewer digits: naive "
                 "is off by up to {percent:.2g} %").format(
            smallest=smallest, value=value, tiny=tiny, dtype=name, percent=100 * run["error"])

    def describe(self, state: dict[str, Any]) -> str:
        first = state[self.names[0]]
        lines = [
            _("<b>scale {scale:.4g}</b>: logits fed in {logits}; exp overflows above "
              "{limits}").format(
                scale=state["scale"], logits=_vector(first["scaled"], 5),
                limits=" / ".join(_("{value:.2f} in {dtype}").format(
                    value=self.thresholds[n], dtype=n) for n in self.names))
        ]
        for name in self.names:
            run = state[name]
            stable = _vector(run["stable"])
            if not run["broken"]:
                verdict = _("{mark} naive = stable {stable} (they agree within "
                            "{tolerance:.2g}, relative)").format(
                    mark=WORKS_MARK, stable=stable, tolerance=naive_tolerance(name))
            elif np.all(np.isfinite(run["naive"])) and not _all_zero(run["naive"]):
                verdict = _("{mark} naive {naive} <b>goes wrong</b>: {why}; stable {stable}"
                            ).format(mark=BREAKS_MARK, naive=_vector(run["naive"]),
                                     why=self._why(name, run), stable=stable)
            else:
                verdict = _("{mark} naive <b>goes wrong</b>: {why}; stable {stable}").format(
                    mark=BREAKS_MARK, why=self._why(name, run), stable=stable)
            lines.append(f"{name}: {verdict}")
        edges = _(" and ").join(
            _("{value:.4g} in {dtype}").format(value=self.break_scales[n], dtype=n)
            for n in self.names
            if np.isfinite(self.break_scales[n])
        )
        lines.append(
            _("The naive formula goes wrong for scales above {edges}.").format(edges=edges)
            if edges
            else _("The naive formula never goes wrong for these logits.")
        )
        return "<br>".join(lines)

    def __repr__(self) -> str:
        scale = self.values["scale"]
        return f"SoftmaxOverflowExplorer(logits={_vector(self.logits, 6)}, scale={scale:.4g})"


def softmax_overflow_explorer(
    logits: ArrayLike = (1010.0, 1000.0, 990.0), scale: float = 0.1
) -> SoftmaxOverflowExplorer:
    """A log slider scales ``logits`` from 0.01 to 10 times; naive and stable softmax compared.

    The default logits are the book's [1010, 1000, 990]: at scale 0.1 the naive formula
    already breaks in float32 but still works in float64; at scale 1 it breaks in both.
    """
    scale = number_in(scale, "scale", 0.01, 10.0)
    slider = widgets.FloatLogSlider(
        value=scale,
        base=10,
        min=-2,
        max=1,
        step=0.01,
        description="scale",
        readout_format=".3g",
        continuous_update=True,
    )
    return SoftmaxOverflowExplorer(logits, slider)
