"""Figures in a translated edition show their text, never boxes for missing glyphs (tofu).

matplotlib warns "Glyph ... missing from font(s) ..." when it draws a character its font lacks.
``tofu(...)`` collects those warnings while drawing; ``execute_without_tofu(path)`` runs a
notebook in a kernel and fails on any such warning. Every translated notebook's saved outputs
are scanned too: nbval re-runs those notebooks and compares with them, so a figure that falls
back to boxes either shows up in the saved outputs or makes nbval fail.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest

from nnlib.i18n import set_language

ROOT = Path(__file__).resolve().parent.parent
LOCALES = sorted(p.name for p in (ROOT / "locale").iterdir() if p.is_dir())
EDITIONS = sorted(p for lang in LOCALES for p in (ROOT / "chapters" / lang).rglob("*.ipynb"))
TOFU = re.compile(r"missing from font|Glyph \d+ .*missing")
TEXT = "活性化関数 2乗和誤差 交差エントロピー誤差 ミニバッチ 学習率 −1.0"


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")


def tofu(draw) -> list[str]:
    """The missing-glyph warnings raised while ``draw()`` makes and renders a figure."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = draw()
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
    return [str(w.message) for w in caught if TOFU.search(str(w.message))]


def japanese_figure():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [1, 0], label="損失関数の値")
    ax.set_title(TEXT)
    ax.set_xlabel("重み")
    ax.set_ylabel("認識精度")
    ax.legend()
    return fig


def test_japanese_figure_text_draws_without_tofu():
    set_language("ja")
    assert tofu(japanese_figure) == []


def test_without_the_japanese_font_the_same_figure_is_tofu():
    """The check can fail: in English mode matplotlib's default font has no kana or kanji."""
    set_language("en")
    assert tofu(japanese_figure)


def execute_without_tofu(path: Path, timeout: int = 120) -> nbformat.NotebookNode:
    """Run the notebook at ``path`` in a fresh kernel; fail naming any cell that drew tofu."""
    from nbconvert.preprocessors import ExecutePreprocessor

    notebook = nbformat.read(path, as_version=4)
    ExecutePreprocessor(timeout=timeout, kernel_name="python3").preprocess(
        notebook, {"metadata": {"path": str(path.parent)}})
    bad = [f"{path.name} cell {i}: {line}" for i, cell in enumerate(notebook.cells)
           if cell.cell_type == "code" for line in _stderr(cell) if TOFU.search(line)]
    assert not bad, "\n".join(bad)
    return notebook


def _stderr(cell: nbformat.NotebookNode) -> list[str]:
    return [line for out in cell.get("outputs", []) if out.get("name") == "stderr"
            for line in out.get("text", "").splitlines()]


def test_the_notebook_helper_catches_tofu(tmp_path: Path):
    source = ('import matplotlib.pyplot as plt\nimport nnlib\nnnlib.set_language("{lang}")\n'
              'fig, ax = plt.subplots()\nax.set_title("活性化関数")\nfig.savefig("x.png")')
    for lang in ("ja", "en"):
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
            source.format(lang=lang))])
        nbformat.write(notebook, tmp_path / f"{lang}.ipynb")
    execute_without_tofu(tmp_path / "ja.ipynb")
    with pytest.raises(AssertionError, match="cell 0"):
        execute_without_tofu(tmp_path / "en.ipynb")


@pytest.mark.parametrize("path", EDITIONS, ids=[str(p.relative_to(ROOT)) for p in EDITIONS])
def test_saved_outputs_of_the_editions_have_no_tofu(path: Path):
    notebook = nbformat.read(path, as_version=4)
    bad = [(i, line) for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"
           for line in _stderr(cell) if TOFU.search(line)]
    assert not bad
