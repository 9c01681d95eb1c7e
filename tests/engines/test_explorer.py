"""The explorer engine's seams: one first draw after the subclass is built, controls that
reach ``on_control`` by name, a layout a subclass may rearrange, a readout of text."""

from __future__ import annotations

import importlib
import pkgutil
import typing

import ipywidgets as widgets
import pytest

import nnlib.chapters
from nnlib.engines.explorer import BlitFigureImage, Explorer


class Line(Explorer):
    """y = a * x on a few points; a button doubles a."""

    def __init__(self, a: float = 1.0) -> None:
        controls = {"a": widgets.FloatSlider(value=a, min=-4, max=4, step=0.5),
                    "double": widgets.Button(description="double")}
        canvas = BlitFigureImage(figsize=(2.0, 1.0), dpi=50)
        ax = canvas.figure.add_subplot()
        ax.set_ylim(-10, 10)
        (self.line,) = ax.plot([], [])
        canvas.animate(self.line)
        self.computed: list[float] = []
        self.pressed: list[str] = []
        super().__init__(controls, canvas, title="a line")
        self.built = True  # set after the engine's __init__: the first draw must come later

    def on_control(self, name, change):
        if name == "double":
            self.pressed.append(name)
            self.controls["a"].value *= 2  # its own change refreshes
        else:
            super().on_control(name, change)

    def compute(self, values):
        assert self.built, "computed before the subclass was built"
        self.computed.append(values["a"])
        return {"a": values["a"], "y": [values["a"] * x for x in (0, 1, 2)]}

    def draw(self, state):
        self.line.set_data([0, 1, 2], state["y"])

    def describe(self, state):
        return f"slope {state['a']:g}"


def test_the_first_draw_comes_once_after_the_subclass_is_built():
    line = Line(1.5)
    assert line.computed == [1.5]
    assert line.readout.value == "slope 1.5"
    assert bytes(line.canvas.image.value).startswith(b"\x89PNG")
    assert line.state["warnings"] == []


def test_controls_reach_on_control_by_name():
    line = Line(1.0)
    line.controls["a"].value = 2.0
    line.controls["double"].click()
    assert line.pressed == ["double"] and line.computed == [1.0, 2.0, 4.0]
    assert line.readout.value == "slope 4" and line.values == {"a": 4.0}


def test_the_default_layout_is_title_controls_extras_picture_readout():
    line = Line()
    kinds = [type(child).__name__ for child in line.children]
    assert kinds == ["HTML", "FloatSlider", "Button", "Image", "HTML"]
    assert line.children[-1] is line.readout and line.children[-2] is line.canvas.image


def test_a_subclass_may_arrange_its_widgets():
    class Row(Line):
        def layout(self):
            return [widgets.HBox(list(self.controls.values())), self.canvas.image, self.readout]

    row = Row()
    assert isinstance(row.children[0], widgets.HBox) and len(row.children) == 3
    assert row.computed == [1.0]


def _factories() -> list:
    """Every chapter's public explorer factory: a function whose return type is an Explorer."""
    found = []
    for info in pkgutil.iter_modules(nnlib.chapters.__path__, "nnlib.chapters."):
        try:
            module = importlib.import_module(f"{info.name}.explorer")
        except ModuleNotFoundError:
            continue
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj) and not isinstance(obj, type):
                returns = typing.get_type_hints(obj).get("return")
                if isinstance(returns, type) and issubclass(returns, Explorer):
                    found.append(obj)
    return found


@pytest.mark.parametrize("factory", _factories(), ids=lambda f: f.__name__)
def test_every_chapter_explorer_refreshes_once_when_built(factory, monkeypatch):
    refreshes = []
    real = Explorer.refresh

    def counted(self):
        refreshes.append(type(self).__name__)
        real(self)

    monkeypatch.setattr(Explorer, "refresh", counted)
    explorer = factory()
    assert len(refreshes) == 1, refreshes
    assert explorer.readout.value and isinstance(explorer.readout.value, str)


def test_every_chapter_has_its_explorer_found():
    names = {f.__name__ for f in _factories()}
    assert {"perceptron_explorer", "activation_explorer", "softmax_overflow_explorer",
            "loss_explorer", "descent_explorer", "training_explorer", "playground"} <= names


def test_the_bundle_carries_the_widget_and_a_picture_of_this_state():
    import base64
    import io

    import PIL.Image

    line = Line(2.0)
    bundle = line._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    picture = PIL.Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    assert picture.size == (100, 50)  # figsize (2, 1) at 50 dpi
    assert "an interactive explorer" in bundle["text/plain"]
