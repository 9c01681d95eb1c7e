"""Helpers the tests share: find every chapter's modules of one kind, without a registry."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from types import ModuleType, SimpleNamespace

import nnlib.chapters


def chapter_packages() -> list[str]:
    """Names of the chapter packages, in reading order (``nnlib.chapters.ch00_start_here``, ...)."""
    return sorted(
        info.name for info in pkgutil.iter_modules(nnlib.chapters.__path__, "nnlib.chapters.")
        if info.ispkg
    )


def chapter_modules(kind: str) -> list[ModuleType]:
    """Every chapter's module named ``kind`` (``"explorer"``, ``"exercises"``...), if any."""
    found = []
    for package in chapter_packages():
        if importlib.util.find_spec(f"{package}.{kind}") is not None:
            found.append(importlib.import_module(f"{package}.{kind}"))
    return found


def exercise_checks() -> SimpleNamespace:
    """Every chapter's ``check_*`` functions as attributes, with ``names`` in reading order."""
    checks = {
        name: getattr(module, name)
        for module in chapter_modules("exercises")
        for name in module.__all__
        if name.startswith("check_")
    }
    return SimpleNamespace(names=list(checks), **checks)


#: The widest picture that fits JupyterLab's notebook column at a 1280 px window, and the
#: tallest that leaves room for an explorer's controls and readout within about 700 px.
COLUMN_PX, PICTURE_HEIGHT_PX = 800, 420


def picture_problems(explorer) -> list[str]:
    """Ways an explorer's picture would look wrong in a browser (empty when all is well).

    The PNG must be shown one pixel to one CSS pixel (its layout width is its own width,
    shrinking only to fit a narrow window), and be no wider than the notebook column nor
    so tall that the controls, picture and readout need more than about 700 px.
    """
    import io

    import PIL.Image

    width, height = PIL.Image.open(io.BytesIO(explorer.canvas.image.value)).size
    layout = explorer.canvas.image.layout
    problems = []
    if layout.width != f"{width}px" or layout.max_width != "100%":
        problems.append(f"a {width} px picture shown at width {layout.width!r}")
    if width > COLUMN_PX or height > PICTURE_HEIGHT_PX:
        problems.append(f"{width} x {height} px is more than {COLUMN_PX} x {PICTURE_HEIGHT_PX}")
    return problems
