"""Translations speak the book's words: ``locale/<lang>/glossary.tsv`` says which.

For every translated unit (a notebook's or nnlib's) whose English holds a glossary term, the
translation holds one of the book's spellings of it, and no translation holds a spelling the
glossary says to avoid (d2l-ja's 非表示レイヤー for "hidden layer", 二乗和誤差 for 2乗和誤差).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
GLOSSARIES = sorted((ROOT / "locale").glob("*/glossary.tsv"))


def glossary(path: Path) -> list[tuple[str, list[str], list[str]]]:
    """(English term, the book's spellings, spellings to avoid), longest term first."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    terms = [(r["english"].strip(), [s for s in r["book"].split("|") if s],
              [s for s in (r["avoid"] or "").split("|") if s]) for r in rows]
    return sorted(terms, key=lambda term: -len(term[0]))


def catalogs(lang: str) -> list[Path]:
    return sorted((ROOT / "locale" / lang).rglob("*.po")) + sorted(
        (ROOT / "nnlib" / "locale" / lang).rglob("*.po"))


def prose(msgid: str) -> str:
    """The English a reader reads: code spans, link targets and {format} fields left out."""
    return re.sub(r"\]\([^)]*\)|\{[^{}]*\}", "]", re.sub(r"`[^`]*`", " ", msgid))


def problems(entries, terms) -> list[str]:
    found = []
    for entry in entries:
        if entry.obsolete or not entry.msgstr or "fuzzy" in entry.flags:
            continue
        english = prose(entry.msgid)
        for term, book, _ in terms:
            pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(?:e?s)?(?![\w-])", re.I)
            if pattern.search(english):
                english = pattern.sub(" ", english)  # a longer term took these words
                if not any(spelling in entry.msgstr for spelling in book):
                    found.append(f"{entry.msgctxt or ''} {entry.msgid[:50]!r}: "
                                 f"{term!r} should read {' or '.join(book)}")
        found += [f"{entry.msgctxt or ''} {entry.msgid[:50]!r}: {bad!r} is not the book's word"
                  for _, _, avoid in terms for bad in avoid if bad in entry.msgstr]
    return found


def test_there_is_a_japanese_glossary_with_the_issues_terms():
    terms = {term: book for term, book, _ in glossary(ROOT / "locale" / "ja" / "glossary.tsv")}
    assert terms["sum of squared errors"] == ["2乗和誤差"]
    assert terms["hidden layer"] == ["隠れ層", "中間層"]
    assert terms["weight decay"] == ["Weight decay", "荷重減衰"]


@pytest.mark.parametrize("path", GLOSSARIES, ids=[p.parent.name for p in GLOSSARIES])
def test_translations_use_the_books_words(path: Path):
    terms = glossary(path)
    found = []
    for catalog in catalogs(path.parent.name):
        found += [f"{catalog.relative_to(ROOT)}: {p}" for p in problems(polib.pofile(str(catalog)),
                                                                         terms)]
    assert not found, "\n".join(found)


def test_the_check_catches_a_word_that_is_not_the_books():
    terms = glossary(ROOT / "locale" / "ja" / "glossary.tsv")

    def entry(msgid: str, msgstr: str) -> polib.POEntry:
        return polib.POEntry(msgid=msgid, msgstr=msgstr)

    assert problems([entry("Each hidden layer bends the boundary.",
                           "各非表示レイヤーが境界を曲げます。")], terms)
    assert problems([entry("The sum of squared errors is 0.0975.",
                           "二乗和誤差は0.0975です。")], terms)
    assert problems([entry("Lower the learning rate.", "学習レートを下げます。")], terms)
    assert not problems([entry("Each hidden layer bends the boundary.",
                               "それぞれの中間層が境界を曲げます。")], terms)
    # "weight decay" is one term: 荷重減衰 is enough, no 重み needed for "weight"
    assert not problems([entry("Weight decay keeps weights small.",
                               "荷重減衰は重みを小さく保ちます。")], terms)
    # code is not prose: `softmax_loss` or a link target does not ask for a term
    assert not problems([entry("Call `gradient(f)` and see [it](gradient.ipynb).",
                               "`gradient(f)` を呼んで[確かめましょう](gradient.ipynb)。")], terms)
