"""The layers of nnlib point one way: core <- engines <- chapters, and no chapter uses another.

Read from the source with ``ast`` (every import, also those inside functions), so the
rule holds for code paths a test run might not reach.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

NNLIB = Path(__file__).resolve().parent.parent / "nnlib"
DRAWING = ("matplotlib", "ipywidgets", "IPython", "PIL")


def imports(path: Path, root: Path = NNLIB) -> list[str]:
    """Every module ``path`` imports, absolute names (relative imports resolved)."""
    package = ".".join(path.relative_to(root.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                found.append(f"{base}.{node.module}" if node.module else base)
            else:
                found.append(node.module or "")
    return found


def part(module: str) -> str:
    """'core', 'engines', 'chapter:<name>' or 'outside' for a module name."""
    names = module.split(".")
    if names[0] != "nnlib":
        return "outside"
    if len(names) > 1 and names[1] == "engines":
        return "engines"
    if len(names) > 2 and names[1] == "chapters":
        return f"chapter:{names[2]}"
    if len(names) > 1 and names[1] == "chapters":
        return "chapters"
    return "core"


def violations(path: Path, root: Path = NNLIB) -> list[str]:
    """What ``path`` (a file under ``root``, the nnlib folder) imports against the layering."""
    here = part(".".join(path.relative_to(root.parent).with_suffix("").parts))
    allowed = {
        "core": ("core", "outside"),
        "engines": ("core", "engines", "outside"),
    }.get(here, ("core", "engines", "outside", here))
    found = []
    for module in imports(path, root):
        where = f"{path.relative_to(root.parent)} imports {module}"
        if part(module) not in allowed:
            found.append(f"{here} must not import {part(module)}: {where}")
        if here == "core" and module.startswith(DRAWING):
            found.append(f"the core imports no drawing library: {where}")
    return found


SOURCES = sorted(NNLIB.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(NNLIB)) for p in SOURCES])
def test_imports_point_down(path: Path) -> None:
    assert violations(path) == []


def test_the_rule_catches_what_it_forbids(tmp_path: Path) -> None:
    root = tmp_path / "nnlib"
    chapter = root / "chapters" / "ch08_new"
    chapter.mkdir(parents=True)
    (chapter / "explorer.py").write_text(
        "from nnlib.chapters.ch05_gradient_descent.plots import band_norm\n"
        "from .helpers import x\nfrom nnlib.engines.explorer import Explorer\n"
    )
    (root / "functions.py").write_text("import matplotlib.pyplot\nfrom nnlib.engines import x\n")
    assert len(violations(chapter / "explorer.py", root)) == 1
    assert len(violations(root / "functions.py", root)) == 2
