#!/usr/bin/env python3
"""Write the translated editions (chapters/ja/, ...) from English notebooks and gettext catalogs.

The English notebooks in ``chapters/`` are the one source of code and structure. The prose of
an edition lives in one gettext catalog per notebook, ``locale/<lang>/chapters/<name>.po``
(``solutions/`` too), keyed by the English text: every paragraph, list, table or heading of a
markdown cell is one unit (``msgid``), and so is every ``# comment`` in a code cell. The
``msgctxt`` of a unit is the id of its cell, so a message names the cell it came from. Any tool
that reads ``.po`` files (Poedit, Weblate, Crowdin, a text editor) can translate them.

    python tools/translate.py update              # English -> catalogs (msgmerge-style merge)
    python tools/translate.py update --start 01_perceptron_to_network.ipynb
                                                  # ... and start a catalog for a new notebook
    python tools/translate.py build               # catalogs -> chapters/<lang>/
    python tools/translate.py check               # exit 1 naming each stale or missing cell
    python tools/translate.py messages            # nnlib's _() messages -> nnlib/locale/ (+ .mo)
    python tools/translate.py stats               # words and units translated, per notebook
    ... --lang ja                   # any command; default: every language in locale/

``update`` merges as ``msgmerge`` does: a unit whose English is unchanged keeps its
translation; a changed unit gets the old translation marked ``fuzzy``, with the English it was
made for kept as ``#| msgid`` so the translator sees the difference; a unit that is gone
becomes obsolete (``#~``). ``build`` writes the edition: code cells are the English code cells
(the first one gets ``import nnlib; nnlib.set_language("<lang>")`` as its first line), markdown
is translated unit by unit, and links the English text makes are rewritten to point from the
edition's folder (to the translated notebook if it exists, else to the English one). Saved
outputs of a code cell whose source is unchanged are kept, so building again never wipes the
outputs the edition was executed with. A fuzzy or missing translation falls back to the
English text, as gettext does; ``check`` fails on it.

A notebook belongs to an edition once its catalog exists; ``check --complete`` also fails
for every English notebook that has none.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import difflib
import io
import posixpath
import re
import string
import sys
import tokenize
from pathlib import Path

import nbformat
import polib

ROOT = Path(__file__).resolve().parent.parent
NNLIB = ROOT / "nnlib"
DOMAIN = "nnlib"
FUZZY = "fuzzy"
WRAP = 79
# Comments that are instructions to a tool, not prose for a reader: never translated.
MARKER = re.compile(r"(NBVAL_|BEGIN SOLUTION|END SOLUTION|noqa|type:|pragma|fmt:|!)")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
ITEM = re.compile(r"^([-*+]|\d{1,3}[.)])[ \t]+")
LINK = re.compile(r"(\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")
CODE = re.compile(r"`[^`\n]+`")  # inline code: a translation keeps it as it is
EXTERNAL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|#|/)")


def language_line(lang: str) -> str:
    return f'import nnlib; nnlib.set_language("{lang}")'


# --------------------------------------------------------------------------- units


@dataclasses.dataclass(frozen=True)
class Unit:
    """One translatable piece of a notebook: a markdown block or a code comment."""

    msgctxt: str  # the cell id
    msgid: str
    cell: int  # the cell's index in the English notebook
    where: str  # "markdown cell 4, block 2" / "code cell 3, line 2"


def markdown_pieces(source: str) -> list[tuple[str, bool]]:
    """``source`` cut into (text, translatable) pieces whose concatenation is ``source``.

    A block is a run of non-blank lines (a paragraph, a list, a table, a heading); fenced
    code blocks are kept whole and never translated, nor is a block without a letter.
    """
    pieces: list[tuple[str, bool]] = []
    block: list[str] = []
    fence: str | None = None

    def add(text: str, translatable: bool) -> None:
        core = text.rstrip("\n")
        pieces.append((core, translatable and bool(re.search(r"[^\W\d_]", core))))
        if len(text) > len(core):
            pieces.append((text[len(core):], False))

    def flush(translatable: bool = True) -> None:
        if block and translatable and ITEM.match(block[0]):  # a list: one unit per item
            starts = [i for i, line in enumerate(block) if ITEM.match(line)] + [len(block)]
            for start, end in zip(starts, starts[1:], strict=False):
                marker = ITEM.match(block[start]).group(0)
                pieces.append((marker, False))
                add("".join(block[start:end])[len(marker):], True)
        elif block:
            add("".join(block), translatable)
        block.clear()

    for line in source.splitlines(keepends=True):
        if fence is not None:
            block.append(line)
            if line.strip().startswith(fence):
                fence = None
                flush(translatable=False)
        elif (opened := FENCE.match(line)) is not None:
            flush()
            fence = opened.group(1)
            block.append(line)
        elif not line.strip():
            flush()
            pieces.append((line, False))
        else:
            block.append(line)
    flush(translatable=fence is None)
    return pieces


def comment_tokens(source: str) -> list[tuple[int, int, str, str]]:
    """(row, col, prefix, text) of each prose comment in a code cell (row counted from 1)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return []  # IPython syntax (magics, ?) that tokenize cannot read: nothing to translate
    found = []
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        text = token.string.lstrip("#")
        prefix = token.string[: len(token.string) - len(text)]
        spaces = len(text) - len(text.lstrip())
        prefix, text = prefix + text[:spaces], text[spaces:].rstrip()
        if text and not MARKER.match(text) and re.search(r"[^\W\d_]", text):
            found.append((token.start[0], token.start[1], prefix, text))
    return found


def units(notebook: nbformat.NotebookNode) -> list[Unit]:
    """Every translatable unit of ``notebook``, in reading order."""
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            blocks = [text for text, translatable in markdown_pieces(cell.source) if translatable]
            found += [Unit(cell.id, text, index, f"markdown cell {index}, block {n}")
                      for n, text in enumerate(blocks, 1)]
        elif cell.cell_type == "code":
            found += [Unit(cell.id, text, index, f"code cell {index}, comment on line {row}")
                      for row, _, _, text in comment_tokens(cell.source)]
    return found


def links(text: str) -> list[str]:
    return [m.group(2) for m in LINK.finditer(text)]


# --------------------------------------------------------------------------- catalogs


def new_catalog(lang: str, project: str) -> polib.POFile:
    catalog = polib.POFile(wrapwidth=WRAP)
    catalog.metadata = {
        "Project-Id-Version": project,
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    return catalog


def translations(catalog: polib.POFile | None) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) -> msgstr for the entries gettext would use (translated, not fuzzy)."""
    if catalog is None:
        return {}
    return {(e.msgctxt, e.msgid): e.msgstr for e in catalog
            if not e.obsolete and e.msgstr and FUZZY not in e.flags}


def _similar(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() if matcher.quick_ratio() > 0.5 else 0.0


def merge(old: polib.POFile | None, fresh: polib.POFile) -> polib.POFile:
    """``fresh`` (the English, no translations) merged with ``old``, as msgmerge does it.

    Exact (msgctxt, msgid) matches keep their translation and flags; the same English in
    another cell reuses its translation; otherwise the most similar old entry of the same cell
    (or, if very similar, of any cell) lends its translation, marked fuzzy, with the English it
    was made for as the previous msgid. Old entries nobody took become obsolete.
    """
    old_entries = list(old) if old is not None else []
    by_key = {(e.msgctxt, e.msgid): e for e in old_entries}
    by_msgid = {e.msgid: e for e in old_entries
                if not e.obsolete and e.msgstr and FUZZY not in e.flags}
    used: set[tuple[str | None, str]] = set()
    result = new_catalog(fresh.metadata["Language"], fresh.metadata["Project-Id-Version"])
    pending = []
    for entry in fresh:
        match = by_key.get((entry.msgctxt, entry.msgid))
        if match is not None:
            used.add((match.msgctxt, match.msgid))
            entry.msgstr, entry.tcomment = match.msgstr, match.tcomment
            entry.flags = [f for f in match.flags if f == FUZZY]
            entry.previous_msgid = match.previous_msgid if FUZZY in match.flags else None
            entry.previous_msgctxt = match.previous_msgctxt if FUZZY in match.flags else None
        elif entry.msgid in by_msgid:
            entry.msgstr = by_msgid[entry.msgid].msgstr
        else:
            pending.append(entry)
        result.append(entry)
    for entry in pending:  # fuzzy matching only among what no exact match took
        candidates = [e for e in old_entries if e.msgstr and (e.msgctxt, e.msgid) not in used]
        scored = [(_similar(entry.msgid, e.previous_msgid or e.msgid)
                   - (0.0 if e.msgctxt == entry.msgctxt else 0.3), e) for e in candidates]
        scored = [(score, e) for score, e in scored if score >= 0.5]
        if scored:
            _, best = max(scored, key=lambda pair: pair[0])
            used.add((best.msgctxt, best.msgid))
            entry.msgstr, entry.tcomment = best.msgstr, best.tcomment
            entry.flags = [FUZZY]
            entry.previous_msgid = (best.previous_msgid if FUZZY in best.flags
                                    and best.previous_msgid else best.msgid)
            if best.msgctxt != entry.msgctxt:
                entry.previous_msgctxt = best.msgctxt
    for e in old_entries:
        if (e.msgctxt, e.msgid) not in used and e.msgstr and (
                (e.msgctxt, e.msgid) not in {(n.msgctxt, n.msgid) for n in result}):
            result.append(polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, msgstr=e.msgstr,
                                        tcomment=e.tcomment, obsolete=True))
    return result


def write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


# --------------------------------------------------------------------------- editions


@dataclasses.dataclass(frozen=True)
class Edition:
    """One language's edition of the notebooks under ``root`` (the repository or a test copy)."""

    lang: str
    root: Path = ROOT

    @property
    def chapters(self) -> Path:
        return self.root / "chapters"

    @property
    def locale(self) -> Path:
        return self.root / "locale"

    @property
    def folder(self) -> Path:
        return self.chapters / self.lang

    def english(self) -> list[Path]:
        """Every English notebook: chapters/ walked, the editions' folders left out."""
        editions = {p.name for p in self.locale.iterdir()} if self.locale.is_dir() else set()
        editions.add(self.lang)
        return sorted(p for p in self.chapters.rglob("*.ipynb")
                      if p.relative_to(self.chapters).parts[0] not in editions
                      and ".ipynb_checkpoints" not in p.parts)

    def name(self, notebook: Path) -> str:
        return notebook.relative_to(self.chapters).as_posix()

    def catalog_path(self, notebook: Path) -> Path:
        return (self.locale / self.lang / "chapters" / self.name(notebook)).with_suffix(".po")

    def target(self, notebook: Path) -> Path:
        return self.folder / self.name(notebook)

    def translated(self) -> list[Path]:
        """The English notebooks this edition translates: those with a catalog."""
        return [p for p in self.english() if self.catalog_path(p).exists()]

    def catalog(self, notebook: Path) -> polib.POFile | None:
        path = self.catalog_path(notebook)
        return polib.pofile(str(path), wrapwidth=WRAP) if path.exists() else None

    # ----------------------------------------------------------------- update

    def extracted(self, notebook: Path) -> polib.POFile:
        catalog = new_catalog(self.lang, f"chapters/{self.name(notebook)}")
        seen: dict[tuple[str, str], polib.POEntry] = {}
        source = nbformat.read(notebook, as_version=4)
        for unit in units(source):
            occurrence = (f"chapters/{self.name(notebook)}", str(unit.cell))
            if (unit.msgctxt, unit.msgid) in seen:
                seen[(unit.msgctxt, unit.msgid)].occurrences.append(occurrence)
                continue
            entry = polib.POEntry(msgctxt=unit.msgctxt, msgid=unit.msgid, msgstr="",
                                  occurrences=[occurrence], comment=unit.where)
            seen[(unit.msgctxt, unit.msgid)] = entry
            catalog.append(entry)
        return catalog

    def update(self, start: list[str] = ()) -> list[str]:
        """Merge the English into every catalog (and start those named); return what changed."""
        changed = []
        for notebook in self.english():
            path = self.catalog_path(notebook)
            if not path.exists() and self.name(notebook) not in start and "all" not in start:
                continue
            merged = merge(self.catalog(notebook), self.extracted(notebook))
            if write_if_changed(path, str(merged)):
                changed.append(str(path.relative_to(self.root)))
        return changed

    # ----------------------------------------------------------------- build

    def relink(self, text: str, english_text: str, notebook: Path, built: set[str]) -> str:
        """Point the links ``english_text`` makes from the edition's copy of ``notebook``.

        ``built`` names the notebooks the edition has (a link to one of them stays in the
        edition); a link the translator added is left as written.
        """
        ours = set(links(english_text))
        here = posixpath.dirname(self.name(notebook))

        def move(match: re.Match[str]) -> str:
            target = match.group(2)
            if target not in ours or EXTERNAL.match(target):
                return match.group(0)  # added by the translator: relative to the edition
            path, hashmark, fragment = target.partition("#")
            if not path:
                return match.group(0)
            resolved = posixpath.normpath(posixpath.join("chapters", here, path))
            inside = posixpath.relpath(resolved, "chapters")
            if inside in built:
                resolved = posixpath.join("chapters", self.lang, inside)
            moved = posixpath.relpath(resolved, posixpath.join("chapters", self.lang, here))
            return f"{match.group(1)}{moved}{hashmark}{fragment}{match.group(3)}"

        return LINK.sub(move, text)

    def built(self, notebook: Path) -> nbformat.NotebookNode:
        """The edition's copy of ``notebook``, with the saved outputs of unchanged code cells."""
        english = nbformat.read(notebook, as_version=4)
        table = translations(self.catalog(notebook))
        target = self.target(notebook)
        previous = nbformat.read(target, as_version=4) if target.exists() else None
        saved = {c.id: c for c in previous.cells} if previous is not None else {}
        result = nbformat.from_dict(english)
        edition = {self.name(p) for p in self.translated()}
        if previous is not None:
            result.metadata = previous.metadata
        first_code = True
        for cell in result.cells:
            if cell.cell_type == "markdown":
                out = []
                for text, translatable in markdown_pieces(cell.source):
                    if translatable and (cell.id, text) in table:
                        out.append(self.relink(table[(cell.id, text)], text, notebook, edition))
                    else:
                        out.append(text)
                cell.source = "".join(out)
            elif cell.cell_type == "code":
                lines = cell.source.split("\n")
                for row, col, prefix, text in reversed(comment_tokens(cell.source)):
                    if (cell.id, text) in table:
                        line = lines[row - 1]
                        end = col + len(prefix) + len(text)
                        lines[row - 1] = line[:col] + prefix + table[(cell.id, text)] + line[end:]
                if first_code:  # after a cell magic (%%time), which must stay the first line
                    lines.insert(1 if lines[0].startswith("%%") else 0, language_line(self.lang))
                    first_code = False
                cell.source = "\n".join(lines)
                old = saved.get(cell.id)
                if old is not None and old.cell_type == "code" and old.source == cell.source:
                    cell.outputs, cell.execution_count = old.outputs, old.execution_count
                    if "execution" in old.metadata:
                        cell.metadata["execution"] = old.metadata["execution"]
                else:
                    cell.outputs, cell.execution_count = [], None
                    cell.metadata.pop("execution", None)
        return result

    def build(self) -> list[str]:
        written = []
        for notebook in self.translated():
            text = nbformat.writes(self.built(notebook))
            if write_if_changed(self.target(notebook), text + "\n"):
                written.append(str(self.target(notebook).relative_to(self.root)))
        return written

    def stats(self) -> str:
        """Per notebook: English words, units translated, and the translation's length."""
        rows, totals = [], [0, 0, 0, 0]
        for notebook in self.english():
            found = units(nbformat.read(notebook, as_version=4))
            table = translations(self.catalog(notebook))
            done = [table[(u.msgctxt, u.msgid)] for u in found if (u.msgctxt, u.msgid) in table]
            counts = [sum(len(u.msgid.split()) for u in found), len(done), len(found),
                      sum(len("".join(t.split())) for t in done)]
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            rows.append(f"{self.name(notebook):45} {counts[0]:6} {counts[1]:4}/{counts[2]:<4} "
                        f"{counts[3]:8}")
        head = f"{'notebook':45} {'words':>6} {'translated':>9} {self.lang + ' chars':>8}"
        tail = f"{'total':45} {totals[0]:6} {totals[1]:4}/{totals[2]:<4} {totals[3]:8}"
        return "\n".join([head, *rows, tail])

    # ----------------------------------------------------------------- check

    def problems(self, complete: bool = False) -> list[str]:
        """Everything ``check`` reports, one line each, naming the notebook and the cell."""
        found = []
        translated = self.translated()
        for notebook in self.english():
            if notebook not in translated:
                if complete:
                    found.append(f"{self.name(notebook)}: no catalog "
                                 f"{self.catalog_path(notebook).relative_to(self.root)}; run "
                                 f"`tools/translate.py update --lang {self.lang} "
                                 f"--start {self.name(notebook)}`")
                continue
            found += self.catalog_problems(notebook)
            found += self.build_problems(notebook)
        names = {self.name(p) for p in translated}
        catalogs = self.locale / self.lang / "chapters"
        for catalog in sorted(catalogs.rglob("*.po")) if catalogs.is_dir() else []:
            name = catalog.relative_to(catalogs).with_suffix(".ipynb").as_posix()
            if name not in {self.name(p) for p in self.english()}:
                found.append(f"{catalog.relative_to(self.root)}: no English notebook "
                             f"chapters/{name}; git mv it with its notebook, or delete it")
        if self.folder.is_dir():
            for extra in sorted(self.folder.rglob("*.ipynb")):
                name = extra.relative_to(self.folder).as_posix()
                if name not in names and ".ipynb_checkpoints" not in extra.parts:
                    found.append(f"{extra.relative_to(self.root)}: no English notebook "
                                 f"chapters/{name} with a catalog; delete it or add the catalog")
        return found

    def catalog_problems(self, notebook: Path) -> list[str]:
        catalog = self.catalog(notebook)
        english = nbformat.read(notebook, as_version=4)
        current = units(english)
        keys = {(u.msgctxt, u.msgid) for u in current}
        orphans: dict[str, list[polib.POEntry]] = {}
        for entry in catalog:
            if not entry.obsolete and entry.msgstr and (entry.msgctxt, entry.msgid) not in keys:
                orphans.setdefault(entry.msgctxt, []).append(entry)
        found = []
        for unit in current:
            where = (f"chapters/{self.name(notebook)}: cell {unit.cell} (id {unit.msgctxt}, "
                     f"{unit.where.split(',', 1)[1].strip()})")
            entry = catalog.find(unit.msgid, msgctxt=unit.msgctxt)
            short = _short(unit.msgid)
            if entry is None and unit.msgctxt in orphans:
                was = max(orphans[unit.msgctxt], key=lambda e: _similar(e.msgid, unit.msgid))
                found.append(f"{where}: stale, the English changed "
                             f"{_change(was.msgid, unit.msgid)} since it was translated; run "
                             f"`tools/translate.py update`, then revise the fuzzy entry")
            elif entry is None:
                found.append(f"{where}: no translation of {short}; run "
                             f"`tools/translate.py update`, then translate it")
            elif FUZZY in entry.flags:
                found.append(f"{where}: stale (fuzzy), the English changed "
                             f"{_change(entry.previous_msgid or '', unit.msgid)}; revise the "
                             f"translation and remove the fuzzy flag")
            elif not entry.msgstr:
                found.append(f"{where}: no translation of {short}")
            elif missing := [t for t in links(unit.msgid) if t not in links(entry.msgstr)
                             and not self.other_edition(t)]:
                found.append(f"{where}: the translation drops the link(s) {missing}")
            elif missing := [c for c in CODE.findall(unit.msgid) if c not in entry.msgstr]:
                found.append(f"{where}: the translation drops or changes the code {missing}")
        return found

    def other_edition(self, target: str) -> bool:
        """A link from the English into this edition (``ja/00_start_here.ipynb``): the edition's
        own text links back to the English there instead, so it need not keep it."""
        return target.startswith(f"{self.lang}/")

    def build_problems(self, notebook: Path) -> list[str]:
        target = self.target(notebook)
        name = target.relative_to(self.root)
        if not target.exists():
            return [f"{name}: missing; run `tools/translate.py build`"]
        expected = _comparable(self.built(notebook))
        actual = _comparable(nbformat.read(target, as_version=4))
        if len(expected) != len(actual):
            return [f"{name}: {len(actual)} cells, the catalogs give {len(expected)}; "
                    f"run `tools/translate.py build`"]
        return [f"{name}: cell {i} (id {want[1]}) differs from what the catalogs produce; "
                f"run `tools/translate.py build`"
                for i, (want, have) in enumerate(zip(expected, actual, strict=True))
                if want != have]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _change(old: str, new: str) -> str:
    """The first words that differ between two versions of a text, with a little context."""
    a, b = old.split(), new.split()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            before = " ".join(a[max(0, i1 - 3):i1])
            return (f"from {_short(' '.join([before, *a[i1:i2]]).strip())} "
                    f"to {_short(' '.join([before, *b[j1:j2]]).strip())}")
    return "only in its spacing"


def _comparable(notebook: nbformat.NotebookNode) -> list[tuple]:
    """What check compares: each cell's type, id, source and metadata, never its outputs."""
    return [(c.cell_type, c.get("id"), c.source,
             {k: v for k, v in c.metadata.items() if k != "execution"})
            for c in notebook.cells]


# --------------------------------------------------------------------------- nnlib's messages


def marked_messages(package: Path = NNLIB) -> dict[str, list[tuple[str, int]]]:
    """Every ``_("literal")`` in the package's sources: message -> [(file, line), ...]."""
    found: dict[str, list[tuple[str, int]]] = {}
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "_"):
                if (len(node.args) != 1 or node.keywords
                        or not isinstance(node.args[0], ast.Constant)
                        or not isinstance(node.args[0].value, str)):
                    raise SystemExit(f"{path}:{node.lineno}: _() takes one string literal; "
                                     f"format after translating: _(\"{{n}} steps\").format(n=n)")
                where = (path.relative_to(package.parent).as_posix(), node.lineno)
                found.setdefault(node.args[0].value, []).append(where)
    return dict(sorted(found.items(), key=lambda item: sorted(item[1])[0]))


def message_catalog_path(lang: str, package: Path = NNLIB) -> Path:
    return package / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def message_languages(package: Path = NNLIB) -> list[str]:
    folder = package / "locale"
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def update_messages(lang: str, package: Path = NNLIB) -> list[str]:
    """Merge the marked messages into ``lang``'s catalog of nnlib and compile its ``.mo``."""
    fresh = new_catalog(lang, DOMAIN)
    for message, places in marked_messages(package).items():
        fresh.append(polib.POEntry(msgid=message, msgstr="",
                                   occurrences=[(f, str(n)) for f, n in places]))
    path = message_catalog_path(lang, package)
    old = polib.pofile(str(path), wrapwidth=WRAP) if path.exists() else None
    merged = merge(old, fresh)
    if old is not None:  # headers the translator set (the figure font) survive the merge
        merged.metadata = {**merged.metadata, **old.metadata}
    changed = []
    if write_if_changed(path, str(merged)):
        changed.append(path.relative_to(package.parent).as_posix())
    mo = path.with_suffix(".mo")
    before = mo.read_bytes() if mo.exists() else None
    merged.save_as_mofile(str(mo))
    if mo.read_bytes() != before:
        changed.append(mo.relative_to(package.parent).as_posix())
    return changed


def fields(message: str) -> list[str]:
    """The ``{name}`` fields a message is formatted with (a translation must keep them all)."""
    return sorted(name for _, name, _, _ in string.Formatter().parse(message) if name is not None)


def message_problems(lang: str, package: Path = NNLIB) -> list[str]:
    path = message_catalog_path(lang, package)
    if not path.exists():
        return [f"{path}: missing; run `tools/translate.py messages --lang {lang}`"]
    catalog = polib.pofile(str(path))
    found = []
    for message, places in marked_messages(package).items():
        entry = catalog.find(message)
        where = f"{places[0][0]}:{places[0][1]}"
        if entry is None or not entry.msgstr:
            found.append(f"{where}: no {lang} translation of {_short(message)} in {path.name}; "
                         f"run `tools/translate.py messages`, then translate it")
        elif FUZZY in entry.flags:
            found.append(f"{where}: the {lang} translation of {_short(message)} is fuzzy")
        elif fields(entry.msgstr) != fields(message):
            found.append(f"{where}: the {lang} translation of {_short(message)} has the fields "
                         f"{fields(entry.msgstr)}, the English {fields(message)}")
    mo = path.with_suffix(".mo")
    compiled = polib.mofile(str(mo)) if mo.exists() else None
    if compiled is None or translations(compiled) != translations(catalog):
        found.append(f"{mo}: not compiled from {path.name}; run `tools/translate.py messages`")
    return found


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["update", "build", "check", "messages", "stats"])
    parser.add_argument("--lang", action="append",
                        help="a language code (default: every language under locale/)")
    parser.add_argument("--start", action="append", default=[], metavar="NOTEBOOK",
                        help="update: start a catalog for this notebook (a name under "
                             "chapters/, e.g. solutions/02_x.ipynb, or 'all')")
    parser.add_argument("--complete", action="store_true",
                        help="check: also fail for every English notebook without a catalog")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.command == "messages":
        langs = args.lang or message_languages()
        for lang in langs:
            for path in update_messages(lang):
                print(f"wrote {path}")
        return 0
    langs = args.lang or sorted(p.name for p in (args.root / "locale").iterdir() if p.is_dir())
    failures = []
    for lang in langs:
        edition = Edition(lang, args.root)
        if args.command == "update":
            for path in edition.update(args.start):
                print(f"wrote {path}")
        elif args.command == "build":
            for path in edition.build():
                print(f"wrote {path}")
        elif args.command == "stats":
            print(edition.stats())
        else:
            failures += edition.problems(complete=args.complete)
    if args.command == "check" and args.root == ROOT:
        for lang in message_languages():
            failures += message_problems(lang)
    for line in failures:
        print(line)
    if failures:
        print(f"{len(failures)} problem(s); a translator's round: `tools/translate.py update`, "
              f"edit the .po files, `tools/translate.py build`, re-execute the built notebooks")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
