"""What the browser check needs to know about Chromium, the chapters and the JupyterLab DOM.

Selectors were measured against JupyterLab 4.6 with jupyterlab_widgets 3 (see
``design.md``, "Real browser"). Explorers carry stable CSS classes set in
``nnlib.engines.explorer.Explorer``: ``nnlib-explorer`` on the box, ``nnlib-explorer-image``
on the ``<img>`` the figure is drawn into, ``nnlib-explorer-readout`` on the readout.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("NNLIB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
WAIT_MS = 20_000  # default for every Playwright wait
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

EXPLORER = ".nnlib-explorer"
EXPLORER_IMAGE = ".nnlib-explorer-image"
EXPLORER_READOUT = ".nnlib-explorer-readout"
SLIDER_HANDLE = ".widget-slider .noUi-handle"
SLIDER_TRACK = ".widget-slider .noUi-base"
EXECUTION_IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"


def chapters_dir() -> Path:
    return Path(os.environ.get("NNLIB_BROWSER_CHAPTERS", REPO / "chapters"))


#: ``NNLIB_BROWSER_ALL=1`` (the Pages workflow): every notebook of every edition. Otherwise
#: (``make test``, every commit) every English chapter and a representative part of the
#: Japanese edition, which carries the same code: its first chapter and the chapter with the
#: most explorers (see ``representative``). Both browser checks run one notebook at a time;
#: the kernel is CPU-bound, so on two cores parallel pages would not be faster.
ALL_ENV = "NNLIB_BROWSER_ALL"
#: The Japanese edition's folder inside chapters/ (same file names as the English chapters).
EDITIONS = ["ja"]


def every_notebook() -> bool:
    return os.environ.get(ALL_ENV) == "1"


def representative(paths: list[Path]) -> list[Path]:
    """The first notebook (what every reader opens first, and where the edition's fonts and
    words first show) and the one with the most explorers (the most translated labels and
    figures); one notebook if they are the same."""
    if not paths:
        return []
    paths = sorted(paths)
    most = max(reversed(paths), key=lambda path: saved_widget_counts(path)[1] or 0)
    return sorted({paths[0], most})


def chapters_under_test(root: Path) -> list[Path]:
    """The chapter notebooks (no solutions) the browser checks open, under the policy above."""
    chosen = sorted(root.glob("*.ipynb"))
    for edition in EDITIONS:
        found = sorted((root / edition).glob("*.ipynb"))
        chosen += found if every_notebook() else representative(found)
    return chosen


def notebooks() -> list[Path]:
    """The chapter notebooks of chapters_dir() to check (solutions/ subfolders excluded)."""
    return chapters_under_test(chapters_dir())


def notebook_path(path: Path) -> str:
    """The notebook's path relative to chapters_dir(): ``05_x.ipynb``, ``ja/05_x.ipynb``."""
    return path.relative_to(chapters_dir()).as_posix()


def skip_reason() -> str | None:
    """Why this machine cannot run the browser check, in one line; None if it can.

    With NNLIB_BROWSER_ALL=1 (the gate before publishing) it raises instead: a check that
    cannot run there must fail, not skip."""
    reason = None
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as error:
            reason = f"the playwright package does not import: {error}"
    if reason and every_notebook():
        raise RuntimeError(f"{ALL_ENV}=1 but the browser check cannot run: {reason}")
    return reason


def kernel_name(path: Path) -> str:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return notebook.get("metadata", {}).get("kernelspec", {}).get("name", "python3")


def saved_widget_counts(path: Path) -> tuple[int, int | None]:
    """(widget views, explorers) in the notebook's saved outputs.

    Explorers are counted from the saved widget state (their ``_dom_classes``); None if the
    notebook was saved without widget state, so the explorer count cannot be known.
    """
    notebook = json.loads(path.read_text(encoding="utf-8"))
    model_ids = [
        output["data"][WIDGET_VIEW]["model_id"]
        for cell in notebook["cells"] if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
        if WIDGET_VIEW in output.get("data", {})
    ]
    state = notebook.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state")
    if state is None:
        return len(model_ids), None
    explorers = sum(
        "nnlib-explorer" in state.get(model_id, {}).get("state", {}).get("_dom_classes", [])
        for model_id in model_ids
    )
    return len(model_ids), explorers


# --- JavaScript run in the page -------------------------------------------------------

# Watch for Run All to start: JupyterLab marks every queued cell's prompt "[*]:".
JS_WATCH_RUN = """() => {
  const notebook = document.querySelector('.jp-Notebook');
  const queued = () => [...notebook.querySelectorAll('.jp-InputArea-prompt')]
    .some(prompt => prompt.textContent.trim() === '[*]:');
  const observer = new MutationObserver(() => {
    if (queued()) { notebook.__nnlibRunStarted = true; observer.disconnect(); }
  });
  notebook.__nnlibRunStarted = false;
  observer.observe(notebook, {childList: true, subtree: true, characterData: true});
}"""

# Run All is over once it started and no cell is queued any more (all ran, or one failed
# and JupyterLab dropped the rest).
JS_RUN_ALL_OVER = """() => {
  const notebook = document.querySelector('.jp-Notebook');
  return notebook.__nnlibRunStarted && ![...notebook.querySelectorAll('.jp-InputArea-prompt')]
    .some(prompt => prompt.textContent.trim() === '[*]:');
}"""

# What the outputs show after Run All (errors are read from the saved file instead:
# in the page a traceback looks like any other stderr text).
JS_OUTPUT_SUMMARY = """() => {
  const outputs = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')];
  const text = el => (el.textContent || '').trim();
  return {
    loading: outputs.filter(o => text(o).startsWith('Loading widget')).length,
    broken: outputs.filter(o => text(o).startsWith('Error displaying widget')).map(text),
    widgetViews: document.querySelectorAll(
      '.jp-Notebook .jp-OutputArea-output > .jupyter-widgets,' +
      '.jp-Notebook .jp-OutputArea-output.jupyter-widgets').length,
    explorers: document.querySelectorAll('.jp-Notebook .nnlib-explorer').length,
  };
}"""

# Arm a probe on one explorer's slider number `index`: note when its handle sees a keydown,
# when the image shows a new PNG and when the readout text changes. ipywidgets gives every
# new PNG a new blob URL, and the kernel only sends the image when its bytes changed, so a
# new `src` means a redrawn plot.
JS_ARM_PROBE = """(explorer, index) => {
  const img = explorer.querySelector('.nnlib-explorer-image');
  const readout = explorer.querySelector('.nnlib-explorer-readout');
  const handle = explorer.querySelectorAll('.widget-slider .noUi-handle')[index];
  const probe = {keydown: null, redrawn: null, described: null, src: img.src,
                 text: readout.textContent};
  handle.addEventListener('keydown', () => { probe.keydown ??= performance.now(); },
                          {once: true, capture: true});
  const watch = (node, options, changed, key) => {
    const observer = new MutationObserver(() => {
      if (changed()) { probe[key] = performance.now(); observer.disconnect(); }
    });
    observer.observe(node, options);
  };
  watch(img, {attributes: true, attributeFilter: ['src']}, () => img.src !== probe.src, 'redrawn');
  watch(readout, {childList: true, subtree: true, characterData: true},
        () => readout.textContent !== probe.text, 'described');
  explorer.__nnlibProbe = probe;
}"""

JS_PROBE = "explorer => explorer.__nnlibProbe"

# What a reader sees of one explorer: image URL, readout text, and its sliders (label,
# position, range).
JS_EXPLORER_VIEW = """explorer => ({
  src: explorer.querySelector('.nnlib-explorer-image')?.src ?? null,
  readout: (explorer.querySelector('.nnlib-explorer-readout')?.textContent ?? '').trim(),
  sliders: [...explorer.querySelectorAll('.widget-slider')].map(slider => {
    const handle = slider.querySelector('.noUi-handle');
    const value = name => Number(handle?.getAttribute(name));
    return {label: slider.querySelector('.widget-label')?.textContent.trim() ?? '',
            now: value('aria-valuenow'), min: value('aria-valuemin'),
            max: value('aria-valuemax')};
  }),
})"""


def run_problems(notebook: dict) -> list[str]:
    """Errors and cells left unrun, read from a notebook as the browser saved it."""
    problems = []
    for number, cell in enumerate(notebook["cells"], start=1):
        if cell["cell_type"] != "code" or not "".join(cell["source"]).strip():
            continue
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                problems.append(f"cell {number} shows an error: "
                                f"{output['ename']}: {output['evalue']}"[:400])
        if cell.get("execution_count") is None:
            problems.append(f"cell {number} did not run")
    return problems
