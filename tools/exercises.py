"""Write each chapter's exercise cells from its solutions notebook, the one source.

``chapters/solutions/NN_x_solutions.ipynb`` holds the exercises with their answers. Every cell of
an exercise carries the tag ``exercise``; inside a code cell, each answer sits between
nbgrader-style markers::

    def my_relu(x):
        ### BEGIN SOLUTION
        return np.maximum(0, x)
        ### END SOLUTION

The chapter ``chapters/NN_x.ipynb`` gets the same cells, in the same order, with every
marked answer replaced by ``raise NotImplementedError("your code here")`` at the
answer's indentation. They go right after the chapter's ``## Exercises`` heading,
replacing the ``exercise``-tagged cells already there; cells after them (a link to
the next chapter, say) are kept. Saved outputs of a cell are kept while its source is
unchanged, so re-running this is cheap for nbval; a changed cell loses its outputs
and the notebook must be re-executed.

    python tools/exercises.py            # rewrite every chapter's exercise cells
    python tools/exercises.py --check    # exit 1 and name each chapter that differs
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
SOLUTIONS = CHAPTERS / "solutions"
#: A solutions notebook is named after its chapter plus this ending, so that JupyterLab's
#: tabs tell the two apart.
SUFFIX = "_solutions.ipynb"
TAG = "exercise"
HEADING = "## Exercises"
STUB = 'raise NotImplementedError("your code here")'
MARKED = re.compile(
    r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[ \t]*\n.*?^[ \t]*### END SOLUTION[ \t]*(\n|$)",
    re.M | re.S,
)


def stub(source: str) -> str:
    """``source`` with every marked answer replaced by the stub line."""
    return MARKED.sub(lambda m: f"{m['indent']}{STUB}\n", source).rstrip("\n")


def unmarked(source: str) -> str:
    """``source`` with the marker lines dropped: the answer as it runs."""
    return re.sub(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", "", source, flags=re.M)


def tagged(cell: nbformat.NotebookNode) -> bool:
    return TAG in cell.get("metadata", {}).get("tags", [])


def exercise_cells(solutions: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The chapter's exercise cells, as the solutions notebook says they should be."""
    cells = []
    for cell in solutions.cells:
        if not tagged(cell):
            continue
        source = stub(cell.source) if cell.cell_type == "code" else cell.source
        if cell.cell_type == "code":
            new = nbformat.v4.new_code_cell(source)
        else:
            new = nbformat.v4.new_markdown_cell(source)
        new.metadata["tags"] = [TAG]
        cells.append(new)
    return cells


def _region(chapter: nbformat.NotebookNode, path: Path) -> tuple[int, int]:
    """Where the generated cells go: [start, end) right after the ``## Exercises`` heading."""
    headings = [
        i for i, cell in enumerate(chapter.cells)
        if cell.cell_type == "markdown" and cell.source.startswith(HEADING)
    ]
    if len(headings) != 1:
        raise SystemExit(f"{path}: needs exactly one cell starting with {HEADING!r}")
    start = end = headings[0] + 1
    while end < len(chapter.cells) and tagged(chapter.cells[end]):
        end += 1
    return start, end


def generated(chapter: nbformat.NotebookNode, solutions: nbformat.NotebookNode,
              path: Path) -> nbformat.NotebookNode:
    """A copy of ``chapter`` with its exercise cells written from ``solutions``."""
    result = nbformat.from_dict(chapter)
    start, end = _region(result, path)
    old = result.cells[start:end]
    new = exercise_cells(solutions)
    for i, cell in enumerate(new):
        if i < len(old):  # keep ids (smaller diffs) and, for an unchanged cell, its outputs
            cell.id = old[i].get("id", cell.id)
            if cell.cell_type == "code" and old[i].cell_type == "code" \
                    and old[i].source == cell.source:
                cell.outputs = old[i].outputs
                cell.execution_count = old[i].execution_count
    result.cells[start:end] = new
    return result


def _comparable(notebook: nbformat.NotebookNode, path: Path) -> list[tuple[str, str, list]]:
    start, end = _region(notebook, path)
    return [(c.cell_type, c.source, c.metadata.get("tags", []))
            for c in notebook.cells[start:end]]


def pairs() -> list[tuple[Path, Path]]:
    """(chapter, solutions) for every chapter that has a solutions notebook."""
    return [(CHAPTERS / path.name.replace(SUFFIX, ".ipynb"), path)
            for path in sorted(SOLUTIONS.glob(f"*{SUFFIX}"))]


def differences(chapter_path: Path, solutions_path: Path) -> bool:
    chapter = nbformat.read(chapter_path, as_version=4)
    solutions = nbformat.read(solutions_path, as_version=4)
    expected = generated(chapter, solutions, chapter_path)
    return _comparable(expected, chapter_path) != _comparable(chapter, chapter_path)


def solution_attempts(solutions_path: Path) -> dict[str, Any]:
    """Run a solutions notebook's exercise cells and return ``{check name: attempt}``.

    Each ``check_x(attempt)`` call is recorded instead of run, so a test can hand the
    worked solutions to the checks itself (they are the checks' reference answers).
    """
    solutions = nbformat.read(solutions_path, as_version=4)
    namespace: dict[str, Any] = {}
    recorded: dict[str, Any] = {}

    def recorder(name: str) -> Callable[[Any], None]:
        return lambda attempt: recorded.__setitem__(name, attempt)

    for cell in solutions.cells:
        if cell.cell_type != "code" or not tagged(cell):
            continue
        exec(compile(unmarked(cell.source), str(solutions_path), "exec"), namespace)
        for name in [n for n in namespace if n.startswith("check_")]:
            namespace[name] = recorder(name)
    return recorded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a chapter's exercise cells differ")
    args = parser.parse_args(argv)
    stale = []
    for chapter_path, solutions_path in pairs():
        if not differences(chapter_path, solutions_path):
            continue
        stale.append(chapter_path)
        if not args.check:
            chapter = nbformat.read(chapter_path, as_version=4)
            solutions = nbformat.read(solutions_path, as_version=4)
            nbformat.write(generated(chapter, solutions, chapter_path), chapter_path)
    for path in stale:
        verb = "differ from" if args.check else "rewritten from"
        print(f"{path.relative_to(ROOT)}: exercise cells {verb} "
              f"{(SOLUTIONS / path.name).relative_to(ROOT)}")
    if args.check and stale:
        print("run `python tools/exercises.py` and re-execute the notebooks named above")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
