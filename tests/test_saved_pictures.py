"""Readers without a kernel (GitHub, nbviewer, an unrun notebook) see every explorer as a picture.

GitHub's renderer draws no widgets. It is simulated here by converting each saved chapter
to HTML with the widget view left out of nbconvert's display priorities, so every output
falls back to its next-best representation, as on GitHub.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter
from traitlets.config import Config

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def widget_outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [
        output["data"]
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if WIDGET_VIEW in output.get("data", {})
    ]


def html_without_widgets(notebook: nbformat.NotebookNode) -> str:
    priority = HTMLExporter().default_config["NbConvertBase"]["display_data_priority"]
    config = Config({"NbConvertBase": {"display_data_priority": [
        mimetype for mimetype in priority if mimetype != WIDGET_VIEW
    ]}})
    body, _ = HTMLExporter(config=config).from_notebook_node(notebook)
    return body


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_explorer_has_a_picture_without_widgets(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    html = html_without_widgets(notebook)
    for data in widget_outputs(notebook):
        text = "".join(data.get("text/plain", ""))
        if "%|" in text:  # a progress bar: its saved text is the finished state
            assert "100%|" in text, f"{path.name}: the saved progress bar is not finished: {text}"
            continue
        assert "image/png" in data, f"{path.name}: explorer output without a picture: {text}"
        assert f'src="data:image/png;base64,{data["image/png"]}' in html, (
            f"{path.name}: the picture of {text[:60]!r} is not in the widget-less HTML"
        )
        assert "interactive explorer" in text and "run the notebook" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_widget_metadata_keeps_state(path: Path) -> None:
    """GitHub refuses to render a notebook whose ``metadata.widgets`` has no ``state``."""
    metadata = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    for mimetype, saved in metadata.get("widgets", {}).items():
        assert "state" in saved, f"{path.name}: metadata.widgets[{mimetype!r}] has no 'state'"
