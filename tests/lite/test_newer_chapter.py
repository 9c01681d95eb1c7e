"""The browser edition never hides a newer chapter behind a reader's saved copy.

JupyterLite keeps what a reader saves in the browser's IndexedDB and shows that copy
instead of the published file from then on. On a copy of the built site, served on its own
port (so its browser storage starts empty), as a reader would:

1. open a chapter, add a cell, save;
2. the site is republished with that chapter changed (through the build's own
   ``publish_notebook`` and ``write_manifest``, as ``make site`` writes them);
3. reload: the reader's copy is what JupyterLite shows (the behaviour itself), and a
   notice says a newer version is published; "Keep working on mine" keeps it, and the
   notice stays away until the chapter changes again;
4. the chapter changes again; reload; "Open the new version": the published chapter is
   shown, and the reader's copy is kept as "<name> (my copy <date>).ipynb";
5. File > Start This Chapter Over, after another saved change: the published chapter
   again, the change kept under the other name.

Storage is read with IndexedDB directly (not with the script under test).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from browser_support import EDITIONS, REPO, every_notebook, skip_reason

if (_reason := skip_reason()) is not None:
    pytest.skip(_reason, allow_module_level=True)
if shutil.which("node") is None or shutil.which("npm") is None:
    pytest.skip("make site needs Node.js and npm (apt-get install nodejs npm)",
                allow_module_level=True)

from test_site_in_browser import off_loopback  # noqa: E402

NOTICE = "#nnlib-newer-chapter"
SHOWN = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"

# Every notebook JupyterLite keeps in this origin's storage: path -> (version, cell sources).
JS_STORED = """() => new Promise((resolve, reject) => {
  const request = indexedDB.open("JupyterLite Storage");
  request.onerror = () => reject(String(request.error));
  request.onsuccess = () => {
    const db = request.result, out = {};
    if (!db.objectStoreNames.contains("files")) { db.close(); resolve(out); return; }
    const cursor = db.transaction("files", "readonly").objectStore("files").openCursor();
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (!at) { db.close(); resolve(out); return; }
      const content = at.value.content || {};
      out[at.key] = {
        version: content.metadata?.nnlib_site?.published ?? null,
        text: JSON.stringify((content.cells || []).map(cell => cell.source)),
      };
      at.continue();
    };
  };
})"""


#: What the notice says, by edition (the Japanese edition's chapters are under ja/).
WORDS = {
    "en": {"newer": "newer version", "keep": "Keep working on mine",
           "open": "Open the new version", "kept": "Your copy is kept as"},
    "ja": {"newer": "新しい版が公開されています", "keep": "自分のコピーで続ける",
           "open": "新しい版を開く", "kept": "あなたのコピーは"},
}


def smallest_chapter(folder: Path) -> Path:
    """The quickest chapter to open (any chapter would do)."""
    return min(sorted(folder.glob("*.ipynb")), key=lambda p: p.stat().st_size)


#: The English edition always; the Japanese one too with NNLIB_BROWSER_ALL=1 (the notice
#: is the same script, only its words differ).
EDITIONS_UNDER_TEST = ["en"] + [
    edition for edition in EDITIONS
    if every_notebook() and list((REPO / "chapters" / edition).glob("*.ipynb"))]


def changed(source: Path, folder: Path, text: str) -> Path:
    """The chapter as an author might change it: a new first cell saying ``text``."""
    notebook = json.loads(source.read_text(encoding="utf-8"))
    notebook["cells"].insert(0, {"cell_type": "markdown", "id": f"rev-{len(text)}",
                                 "metadata": {}, "source": f"**{text}**"})
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), encoding="utf-8")
    return target


@pytest.mark.parametrize("edition", EDITIONS_UNDER_TEST)
def test_a_newer_chapter_is_announced_and_the_readers_copy_kept(
        site, build_site, serve_directory, lite_context, requests_seen, site_report,
        tmp_path, edition: str) -> None:
    folder = REPO / "chapters" / ("" if edition == "en" else edition)
    chapter = smallest_chapter(folder)
    name = chapter.relative_to(REPO / "chapters").as_posix()
    stem = name.removesuffix(".ipynb")
    say = WORDS[edition]
    copy_name = re.compile(
        rf"^{re.escape(stem)} \(my copy \d{{4}}-\d{{2}}-\d{{2}}( \d+)?\)\.ipynb$")
    site_copy = tmp_path / "site"
    shutil.copytree(site, site_copy)
    first_request = len(requests_seen)

    def republish(text: str) -> str:
        version = build_site.publish_notebook(changed(chapter, tmp_path / text, text),
                                              site_copy / "files" / name)
        assert build_site.write_manifest(site_copy)[name] == version
        return version

    with serve_directory(site_copy) as server:
        url = f"{server.url}/lab/index.html?reset&path={name}"
        page = lite_context.new_page()

        def open_chapter() -> None:
            page.goto(url)
            page.wait_for_selector(f"{SHOWN} .jp-MarkdownCell")
            page.wait_for_function(
                "name => document.documentElement.dataset.newerChapterChecked === name",
                arg=name)

        def notebook_text() -> str:
            return page.locator(SHOWN).inner_text()

        def add_cell_and_save(text: str) -> None:
            page.locator(f"{SHOWN} .jp-Cell").first.click()
            page.keyboard.press("Escape")
            page.keyboard.press("b")  # a new cell below, as a reader adds one
            page.keyboard.press("Enter")
            page.keyboard.type(f"# {text}")
            page.keyboard.press("Escape")
            page.keyboard.press("Control+s")
            page.wait_for_function(
                f"async ([name, text]) => (await ({JS_STORED})())[name]?.text.includes(text)",
                arg=[name, text])

        def stored() -> dict:
            return page.evaluate(JS_STORED)

        try:
            # 1. A reader's change, saved in the browser.
            open_chapter()
            assert page.locator(NOTICE).count() == 0, "a notice on a chapter never saved"
            add_cell_and_save("my own note")

            # 2-3. The site is updated; the reader's copy hides the new chapter, the notice says so.
            republish("Revised once")
            open_chapter()
            assert "my own note" in notebook_text() and "Revised once" not in notebook_text(), \
                "JupyterLite no longer shows the reader's copy over a newer chapter"
            notice = page.locator(NOTICE)
            notice.wait_for()
            assert say["newer"] in notice.inner_text()
            page.screenshot(path=str(site_report.screenshot_dir / f"notice_{edition}.png"))
            notice.get_by_role("button", name=say["keep"]).click()
            assert notice.count() == 0
            open_chapter()
            assert page.locator(NOTICE).count() == 0, "asked again after 'Keep working on mine'"

            # 4. Changed again: take the new version, the reader's copy kept under another name.
            version = republish("Revised twice")
            open_chapter()
            page.locator(NOTICE).get_by_role("button", name=say["open"]).click()
            page.wait_for_function(
                "kept => document.querySelector('#nnlib-newer-chapter')?.textContent"
                ".includes(kept)", arg=say["kept"])
            page.wait_for_selector(f"{SHOWN} .jp-RenderedMarkdown :text('Revised twice')")
            assert "my own note" not in notebook_text()
            kept = {path: entry for path, entry in stored().items() if copy_name.match(path)}
            assert len(kept) == 1 and "my own note" in next(iter(kept.values()))["text"], stored()
            assert stored().get(name) is None or stored()[name]["version"] == version
            page.locator(NOTICE).get_by_role("button", name="OK").click()

            # 5. Start this chapter over, from the File menu.
            add_cell_and_save("second try")
            open_chapter()
            assert page.locator(NOTICE).count() == 0, "a notice on a copy of the current version"
            assert "second try" in notebook_text()
            page.click('.lm-MenuBar-itemLabel:text-is("File")')
            page.click('.lm-Menu-itemLabel:text-is("Start This Chapter Over")')
            page.wait_for_function(
                "kept => document.querySelector('#nnlib-newer-chapter')?.textContent"
                ".includes(kept)", arg=say["kept"])
            page.wait_for_selector(f"{SHOWN} .jp-RenderedMarkdown :text('Revised twice')")
            assert "second try" not in notebook_text()
            kept = {path: entry for path, entry in stored().items() if copy_name.match(path)}
            assert len(kept) == 2, kept.keys()
            assert any("second try" in entry["text"] for entry in kept.values())
            assert name not in stored(), "the chapter shown is not the published one"
        finally:
            page.close()
    assert not off_loopback(requests_seen[first_request:])
