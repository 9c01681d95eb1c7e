"""The exercise cells of every chapter are what tools/exercises.py writes from the solutions.

The solutions notebook is the one source: a stub edited by hand in a chapter, or an
answer changed in the solutions without regenerating, makes these tests fail.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from support import exercise_checks

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("exercises_tool", ROOT / "tools" / "exercises.py")
tool = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(tool)
PAIRS = tool.pairs()


def test_check_mode_passes_on_the_repository():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "exercises.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("chapter", "solutions"), PAIRS, ids=[p[0].stem for p in PAIRS])
def test_chapter_exercises_match_solutions(chapter: Path, solutions: Path):
    assert not tool.differences(chapter, solutions)


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    chapter, solutions = PAIRS[0]
    (tmp_path / "solutions").mkdir()
    return (Path(shutil.copy(chapter, tmp_path / chapter.name)),
            Path(shutil.copy(solutions, tmp_path / "solutions" / solutions.name)))


def test_a_stub_edited_by_hand_is_caught(tmp_path: Path):
    chapter, solutions = _copy(tmp_path)
    notebook = nbformat.read(chapter, as_version=4)
    stub = next(c for c in notebook.cells if tool.tagged(c) and tool.STUB in c.source)
    stub.source = stub.source.replace(tool.STUB, "return x  # edited by hand")
    nbformat.write(notebook, chapter)
    assert tool.differences(chapter, solutions)


def test_an_answer_changed_in_the_solutions_is_caught(tmp_path: Path):
    chapter, solutions = _copy(tmp_path)
    notebook = nbformat.read(solutions, as_version=4)
    cell = next(c for c in notebook.cells if tool.tagged(c) and c.cell_type == "code"
                and "BEGIN SOLUTION" in c.source)
    cell.source = "# a new first line\n" + cell.source
    nbformat.write(notebook, solutions)
    assert tool.differences(chapter, solutions)


def test_writing_then_checking_agrees(tmp_path: Path):
    chapter, solutions = _copy(tmp_path)
    notebook = nbformat.read(chapter, as_version=4)
    start, end = tool._region(notebook, chapter)
    del notebook.cells[start:end]  # the chapter lost its exercises
    nbformat.write(notebook, chapter)
    assert tool.differences(chapter, solutions)
    regenerated = tool.generated(nbformat.read(chapter, as_version=4),
                                 nbformat.read(solutions, as_version=4), chapter)
    nbformat.write(regenerated, chapter)
    assert not tool.differences(chapter, solutions)


def test_stub_replaces_each_marked_answer_at_its_indentation():
    source = (
        "class A:\n    def f(self, x):\n        ### BEGIN SOLUTION\n        y = x\n"
        "        return y\n        ### END SOLUTION\n\n    def g(self):\n"
        "        ### BEGIN SOLUTION\n        return 1\n        ### END SOLUTION\n\n\ncheck(A)"
    )
    assert tool.stub(source) == (
        "class A:\n    def f(self, x):\n        " + tool.STUB + "\n\n    def g(self):\n"
        "        " + tool.STUB + "\n\n\ncheck(A)"
    )
    assert "SOLUTION" not in tool.unmarked(source) and "return y" in tool.unmarked(source)


ATTEMPTS = {name: attempt for _, path in PAIRS
            for name, attempt in tool.solution_attempts(path).items()}
CHECKS = exercise_checks()


def test_every_check_has_a_worked_solution():
    assert sorted(ATTEMPTS) == sorted(CHECKS.names)


@pytest.mark.parametrize("name", sorted(ATTEMPTS))
def test_worked_solution_passes_its_check(name: str):
    verdict = getattr(CHECKS, name).verdict(ATTEMPTS[name])
    assert verdict.passed, verdict
