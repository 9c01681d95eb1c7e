"""The README's "What is where" names what is in the tree, and the tree has what it names."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = README.split("## What is where", 1)[1].split("```", 2)[1]
NAMED = [line.split()[0] for line in BLOCK.splitlines() if line and not line[0].isspace()]


def tracked_top_level() -> set[str]:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    return {f.split("/")[0] + "/" for f in files if "/" in f and not f.startswith(".")}


def test_every_named_path_exists():
    assert NAMED, "no 'What is where' block found"
    for name in NAMED:
        assert (ROOT / name).exists(), f"README names {name}, which is not in the tree"


def test_every_top_level_folder_is_named():
    named_roots = {name.split("/")[0] + "/" for name in NAMED}
    assert tracked_top_level() <= named_roots, tracked_top_level() - named_roots


def test_every_core_module_is_named():
    for module in sorted((ROOT / "nnlib").glob("*.py")):
        if module.stem != "__init__":
            assert re.search(rf"\b{module.stem}\b", BLOCK), f"README misses nnlib/{module.name}"
