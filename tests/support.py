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
