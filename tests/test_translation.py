"""The translated editions are what tools/translate.py writes from English notebooks and catalogs.

The English notebook is the one source of code and structure; a sentence changed in English
without its translation, a sentence never translated, or an edition edited by hand makes
``check`` fail, naming the notebook and the cell.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("translate_tool", ROOT / "tools" / "translate.py")
tool = importlib.util.module_from_spec(SPEC)
sys.modules[SPEC.name] = tool  # dataclasses look their module up while the class is made
SPEC.loader.exec_module(tool)
PILOT = "00_start_here.ipynb"
ENGLISH = sorted(tool.Edition("ja").english())


def test_check_mode_passes_on_the_repository():
    """Every English notebook has its translation, up to date (--complete)."""
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "translate.py"), "check",
                             "--complete"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_editions_are_not_taken_for_english_notebooks():
    names = [tool.Edition("ja").name(p) for p in ENGLISH]
    assert "00_start_here.ipynb" in names and not any(n.startswith("ja/") for n in names)
    assert any(n.startswith("solutions/") for n in names)


@pytest.mark.parametrize("notebook", ENGLISH, ids=[p.name for p in ENGLISH])
def test_markdown_pieces_put_back_together_are_the_cell(notebook: Path):
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown":
            assert "".join(text for text, _ in tool.markdown_pieces(cell.source)) == cell.source


NOTEBOOK = [  # a small English notebook, so these tests do not depend on the chapters' prose
    ("markdown", "# 00 · Start here\n\nThis companion is read in order.\n\n- how to run it;\n"
                 "- what `nnlib` is."),
    ("markdown", "## How to use it\n\nRun every cell."),
    ("markdown", "## Is nnlib here?\n\nA plain import works."),
    ("code", "import numpy as np\n\nprint(np.arange(3))"),
    ("markdown", "The last line prints three numbers. Chapter 03 explains it.\n\n"
                 "With `normalize=True` each pixel is a float."),
    ("code", "x = 1  # the first value\nprint(x)"),
    ("markdown", "Most digits are easy.\n\nHow many of each digit are there? About a tenth."),
    ("code", "print(x + 1)"),
    ("markdown", "next: [01 · Next](01_next.ipynb) →"),
]
OWN_LINK = "（英語版は [00 · Start here](../00_start_here.ipynb) です。）"


def _notebook(cells) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    for i, (kind, source) in enumerate(cells):
        cell = (nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell)(
            source)
        cell.id = f"cell{i}"
        notebook.cells.append(cell)
    return notebook


@pytest.fixture
def edition(tmp_path: Path):
    """An English notebook, its ja catalog translated (訳: + the English) and its ja build."""
    (tmp_path / "chapters").mkdir()
    (tmp_path / "locale" / "ja").mkdir(parents=True)
    nbformat.write(_notebook(NOTEBOOK), tmp_path / "chapters" / PILOT)
    nbformat.write(_notebook([("markdown", "# 01 · Next")]),
                   tmp_path / "chapters" / "01_next.ipynb")
    result = tool.Edition("ja", tmp_path)
    result.update([PILOT])
    catalog = result.catalog(tmp_path / "chapters" / PILOT)
    for entry in catalog:
        entry.msgstr = f"訳：{entry.msgid}"
        if entry.msgid == "This companion is read in order.":
            entry.msgstr += OWN_LINK  # a link the translator adds, relative to chapters/ja/
    catalog.save()
    result.build()
    assert result.problems() == []
    return result


def _edit(path: Path, change) -> None:
    notebook = nbformat.read(path, as_version=4)
    change(notebook)
    nbformat.write(notebook, path)


def _markdown_cell(notebook: nbformat.NotebookNode, text: str) -> nbformat.NotebookNode:
    return next(c for c in notebook.cells if c.cell_type == "markdown" and text in c.source)


SENTENCE = "Chapter 03 explains it."


def test_an_english_sentence_changed_without_its_translation_is_named(edition):
    english = edition.chapters / PILOT
    _edit(english, lambda nb: setattr(_markdown_cell(nb, SENTENCE), "source",
                                      _markdown_cell(nb, SENTENCE).source.replace(
                                          SENTENCE, "Chapter 03 explains why.")))
    index = next(i for i, c in enumerate(nbformat.read(english, 4).cells) if "why." in c.source)
    problems = edition.problems()
    assert any(f"chapters/{PILOT}: cell {index} " in p and "stale" in p for p in problems), problems

    # update: the old translation comes back fuzzy, with the English it was made for beside it
    edition.update()
    entry = next(e for e in edition.catalog(english) if "explains why." in e.msgid)
    assert "fuzzy" in entry.flags and SENTENCE in entry.previous_msgid and entry.msgstr
    problems = edition.problems()
    assert any(f"cell {index} " in p and "fuzzy" in p for p in problems), problems

    # the translator revises it: check passes once the edition is rebuilt
    catalog = edition.catalog(english)
    entry = next(e for e in catalog if "explains why." in e.msgid)
    entry.msgstr = "改訳：" + entry.msgid
    entry.flags.remove("fuzzy")
    entry.previous_msgid = None
    catalog.save()
    assert any("differs from what the catalogs produce" in p for p in edition.problems())
    edition.build()
    assert edition.problems() == []
    built = nbformat.read(edition.target(english), as_version=4)
    assert "改訳：The last line" in built.cells[index].source


def test_a_sentence_without_translation_is_named(edition):
    english = edition.chapters / PILOT
    _edit(english, lambda nb: nb.cells[2].__setitem__("source", nb.cells[2].source
                                                        + "\n\nA new paragraph."))
    problems = edition.problems()
    assert any(f"chapters/{PILOT}: cell 2 " in p and "no translation" in p
               and "A new paragraph." in p for p in problems), problems
    edition.update()  # still untranslated after update: an empty msgstr
    assert edition.catalog(english).find("A new paragraph.", msgctxt=nbformat.read(
        english, 4).cells[2].id).msgstr == ""
    assert any("cell 2 " in p and "no translation" in p for p in edition.problems())


def test_an_edition_edited_by_hand_or_missing_is_named(edition):
    target = edition.target(edition.chapters / PILOT)
    _edit(target, lambda nb: nb.cells[6].__setitem__("source", nb.cells[6].source + " 追記"))
    problems = edition.problems()
    assert any(f"chapters/ja/{PILOT}: cell 6 " in p and "differs" in p for p in problems)
    target.unlink()
    assert any(f"chapters/ja/{PILOT}: missing" in p for p in edition.problems())
    edition.build()
    assert edition.problems() == []


def test_a_translation_that_drops_a_link_or_code_is_named(edition):
    english = edition.chapters / PILOT
    catalog = edition.catalog(english)
    nxt = next(e for e in catalog if e.msgid.startswith("next:"))
    nxt.msgstr = "次へ：01 · Next →"
    code = next(e for e in catalog if "`normalize=True`" in e.msgid)
    code.msgstr = code.msgstr.replace("`normalize=True`", "normalize=True")
    catalog.save()
    problems = edition.problems()
    assert any("drops the link(s) ['01_next.ipynb']" in p for p in problems)
    assert any("drops or changes the code ['`normalize=True`']" in p for p in problems)


def test_a_renamed_english_notebook_leaves_its_catalog_and_edition_named(edition):
    (edition.chapters / PILOT).rename(edition.chapters / "00_start.ipynb")
    problems = edition.problems()
    assert any(p.startswith("locale/ja/chapters/00_start_here.po: no English notebook")
               for p in problems), problems
    assert any(p.startswith(f"chapters/ja/{PILOT}: no English notebook") for p in problems)


def test_build_keeps_saved_outputs_of_unchanged_code_cells(edition):
    english_path = edition.chapters / PILOT
    target = edition.target(english_path)
    codes = [i for i, (kind, _) in enumerate(NOTEBOOK) if kind == "code"]

    def executed(notebook):  # as if the edition had been executed and saved
        for i in codes:
            notebook.cells[i].outputs = [nbformat.v4.new_output("stream", text=f"cell {i}\n")]
            notebook.cells[i].execution_count = i

    _edit(target, executed)
    _edit(english_path, lambda nb: nb.cells[codes[2]].__setitem__(
        "source", nb.cells[codes[2]].source + "\nfig"))
    edition.build()
    built = nbformat.read(target, as_version=4)
    for i in codes[:2]:  # unchanged code: outputs kept
        assert built.cells[i].outputs[0].text == f"cell {i}\n"
        assert built.cells[i].execution_count == i
    assert built.cells[codes[2]].outputs == []  # changed code: to be re-executed
    assert built.cells[codes[2]].source.endswith("\nfig")


def test_update_makes_a_removed_paragraph_obsolete_and_keeps_its_translation(edition):
    english = edition.chapters / PILOT
    paragraph = "How many of each digit are there?"
    _edit(english, lambda nb: setattr(_markdown_cell(nb, paragraph), "source",
                                      _markdown_cell(nb, paragraph).source.split("\n\n")[0]))
    edition.update()
    catalog = edition.catalog(english)
    gone = [e for e in catalog if e.obsolete and paragraph in e.msgid]
    assert gone and gone[0].msgstr
    assert "#~ msgid" in Path(catalog.fpath).read_text(encoding="utf-8")
    edition.build()
    assert edition.problems() == []


def test_links_point_to_the_edition_when_it_has_the_notebook(edition):
    english = edition.chapters / PILOT
    built = nbformat.read(edition.target(english), as_version=4)
    assert "](../01_next.ipynb)" in built.cells[8].source  # not translated yet: English
    assert OWN_LINK in built.cells[0].source  # the translator's own link, kept as written
    edition.update(["01_next.ipynb"])
    edition.build()
    built = nbformat.read(edition.target(english), as_version=4)
    assert "](01_next.ipynb)" in built.cells[8].source


def test_code_comments_are_units_and_tool_markers_are_not():
    source = ("# NBVAL_IGNORE_OUTPUT\nx = 1  # the first value\ns = '# not a comment'\n"
              "    ### BEGIN SOLUTION\n# 12345\n")
    found = [(row, text) for row, _, _, text in tool.comment_tokens(source)]
    assert found == [(2, "the first value")]
    assert tool.comment_tokens("%timeit f(\n") == []  # IPython syntax: nothing, no crash


def test_comments_are_translated_and_the_code_is_not(tmp_path: Path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "locale" / "xx").mkdir(parents=True)
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\n\nSome prose."),
        nbformat.v4.new_code_cell("x = 1  # the first value\n# NBVAL_IGNORE_OUTPUT\nprint(x)"),
    ])
    nbformat.write(notebook, tmp_path / "chapters" / "01_x.ipynb")
    edition = tool.Edition("xx", tmp_path)
    edition.update(["all"])
    catalog = edition.catalog(tmp_path / "chapters" / "01_x.ipynb")
    assert sorted(e.msgid for e in catalog) == ["# Title", "Some prose.", "the first value"]
    for entry in catalog:
        entry.msgstr = entry.msgid.upper()
    catalog.save()
    edition.build()
    built = nbformat.read(edition.target(tmp_path / "chapters" / "01_x.ipynb"), as_version=4)
    assert built.cells[0].source == "# TITLE\n\nSOME PROSE."
    assert built.cells[1].source == ('import nnlib; nnlib.set_language("xx")\n'
                                     "x = 1  # THE FIRST VALUE\n# NBVAL_IGNORE_OUTPUT\nprint(x)")
    assert edition.problems() == []


def test_the_language_line_goes_after_a_cell_magic(tmp_path: Path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "locale" / "xx").mkdir(parents=True)
    nbformat.write(_notebook([("code", "%%time\nx = 1")]), tmp_path / "chapters" / "01_x.ipynb")
    edition = tool.Edition("xx", tmp_path)
    edition.update(["all"])
    edition.build()
    built = nbformat.read(edition.target(tmp_path / "chapters" / "01_x.ipynb"), as_version=4)
    assert built.cells[0].source == '%%time\nimport nnlib; nnlib.set_language("xx")\nx = 1'


def test_a_third_language_costs_only_catalogs(tmp_path: Path):
    """A pseudo-language: every English notebook, catalogs generated and filled, nothing else."""
    for notebook in ENGLISH:
        name = tool.Edition("ja").name(notebook)
        (tmp_path / "chapters" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(notebook, tmp_path / "chapters" / name)
    (tmp_path / "locale" / "xx").mkdir(parents=True)
    edition = tool.Edition("xx", tmp_path)
    assert any("no catalog" in p for p in edition.problems(complete=True))
    edition.update(["all"])
    for notebook in edition.english():
        catalog = edition.catalog(notebook)
        for entry in catalog:
            entry.msgstr = f"⟦{entry.msgid}⟧"
        catalog.save()
    edition.build()
    assert edition.problems(complete=True) == []
    for notebook in edition.english():
        english = nbformat.read(notebook, as_version=4)
        built = nbformat.read(edition.target(notebook), as_version=4)
        assert [c.cell_type for c in built.cells] == [c.cell_type for c in english.cells]
        codes = [(e, b) for e, b in zip(english.cells, built.cells, strict=True)
                 if e.cell_type == "code"]
        (first_english, first_built), rest = codes[0], codes[1:]
        added, first_code = first_built.source.split("\n", 1)
        assert added == tool.language_line("xx")
        pairs = [(first_english.source, first_code)] + [(e.source, b.source) for e, b in rest]
        for english_code, built_code in pairs:  # the English code; only comments may differ
            assert [line.split("#")[0] for line in built_code.splitlines()] == \
                   [line.split("#")[0] for line in english_code.splitlines()]
        for e, b in zip(english.cells, built.cells, strict=True):
            if e.cell_type == "markdown":
                units = [t for t, ok in tool.markdown_pieces(e.source) if ok]
                assert all(f"⟦{t}" in b.source or "](" in t for t in units)


def test_catalogs_are_valid_po_files():
    for path in sorted((ROOT / "locale").rglob("*.po")):
        catalog = polib.pofile(str(path))
        assert catalog.metadata["Language"] == path.relative_to(ROOT / "locale").parts[0]


def test_readme_ja_is_linked_and_its_links_use_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](README.ja.md)" in readme.split("\n## ", 1)[0]  # at the top of README.md
    text = (ROOT / "README.ja.md").read_text(encoding="utf-8")
    owner, name = (ROOT / "REPOSITORY").read_text(encoding="utf-8").strip().split("/")
    assert set(re.findall(r"mybinder\.org/v2/gh/([^/]+)/([^/]+)/", text)) == {(owner, name)}
    assert "urlpath=lab/tree/chapters/ja" in text
    assert set(re.findall(r"https://([^./]+)\.github\.io/([^/]+)/", text)) == {
        (owner.lower(), name)}
    for target in re.findall(r"\]\(((?!https?:)[^)#]+)\)", text):
        assert (ROOT / target).exists(), target
