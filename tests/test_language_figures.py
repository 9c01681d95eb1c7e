"""Chapters 00-04 in Japanese: explorers' readouts and figures' words follow ``set_language``.

Also: a bold Japanese title draws quietly. IPAex Gothic has one face (400); matplotlib would log
"findfont: Failed to find font weight bold for IPAexGothic, now using 400." into a notebook's
output at each bold title unless ``set_language`` registers that face for the other weights.
"""

from __future__ import annotations

import io
import logging
import re
import warnings

import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager

from nnlib.i18n import set_language

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana or kanji


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")
    plt.close("all")


def draw(fig) -> None:
    fig.savefig(io.BytesIO(), format="png")


@pytest.mark.parametrize("weight", ["bold", 700])
def test_bold_japanese_title_draws_without_a_font_log_line(caplog, weight):
    set_language("ja")
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_title("活性化関数", fontweight=weight)
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.DEBUG - 1):
        warnings.simplefilter("always")
        draw(fig)
    logged = [r.getMessage() for r in caplog.records
              if r.name.startswith("matplotlib") and r.levelno >= logging.INFO]
    assert logged == []
    assert [str(w.message) for w in caught] == []
    # the face drawn is IPAex Gothic's (its only file), not a fallback without kana
    found = font_manager.findfont(font_manager.FontProperties(family="IPAexGothic", weight=weight))
    assert found.endswith("ipaexg.ttf")


def test_selecting_japanese_twice_registers_the_extra_weights_once():
    set_language("ja")
    count = sum(f.name == "IPAexGothic" for f in font_manager.fontManager.ttflist)
    set_language("en")
    set_language("ja")
    assert sum(f.name == "IPAexGothic" for f in font_manager.fontManager.ttflist) == count == 9
