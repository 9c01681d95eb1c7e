"""nnlib speaks the reader's language: each marked message is translated, looked up at call time."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import polib
import pytest

import nnlib
from nnlib.chapters.ch00_start_here.plots import plot_digits
from nnlib.chapters.ch02_activation_functions.plots import plot_activations
from nnlib.i18n import _, available_languages, get_language, set_language

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("translate_tool", ROOT / "tools" / "translate.py")
tool = importlib.util.module_from_spec(SPEC)
sys.modules[SPEC.name] = tool
SPEC.loader.exec_module(tool)
LANGUAGES = tool.message_languages()


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")


def test_japanese_is_shipped():
    assert "ja" in LANGUAGES and available_languages() == sorted({"en", *LANGUAGES})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_marked_message_has_a_translation(lang: str):
    assert tool.marked_messages(), "no message is marked with _() in nnlib"
    assert tool.message_problems(lang) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalog_gives_every_translation(lang: str):
    """What gettext reads at run time (the .mo) is what translators wrote (the .po)."""
    catalog = polib.pofile(str(tool.message_catalog_path(lang)))
    set_language(lang)
    for message in tool.marked_messages():
        assert _(message) == catalog.find(message).msgstr != message


def test_a_message_marked_but_not_translated_is_named(tmp_path: Path):
    package = tmp_path / "nnlib"
    (package / "locale" / "ja" / "LC_MESSAGES").mkdir(parents=True)
    (package / "plots.py").write_text('from nnlib.i18n import _\nTITLE = _("loss")\n')
    tool.update_messages("ja", package)
    problems = tool.message_problems("ja", package)
    assert problems and "nnlib/plots.py:2" in problems[0] and "'loss'" in problems[0]
    catalog = polib.pofile(str(tool.message_catalog_path("ja", package)))
    catalog.find("loss").msgstr = "損失 {n}"  # a field the English does not fill
    catalog.save()
    tool.update_messages("ja", package)
    assert "fields" in tool.message_problems("ja", package)[0]


def test_an_f_string_cannot_be_marked(tmp_path: Path):
    package = tmp_path / "nnlib"
    package.mkdir()
    (package / "plots.py").write_text('from nnlib.i18n import _\nn = 3\nT = _(f"{n} steps")\n')
    with pytest.raises(SystemExit, match=r"format after translating"):
        tool.marked_messages(package)


def test_messages_follow_the_language_at_call_time():
    def error() -> str:
        with pytest.raises(ValueError) as caught:
            plot_digits(np.zeros((1, 784)), [1, 2])
        return str(caught.value)

    assert get_language() == "en" and error() == "got 1 images but 2 labels"
    nnlib.set_language("ja")
    assert get_language() == "ja" and error() == "画像は1枚ですが、ラベルは2個です"
    nnlib.set_language("en")
    assert error() == "got 1 images but 2 labels"


def test_figure_text_is_in_the_language():
    set_language("ja")
    fig = plot_activations(("sigmoid",))
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["sigmoid(x)", "導関数"]
    set_language("en")
    fig = plot_activations(("sigmoid",))
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()][1] == "derivative"


def test_japanese_puts_its_font_first_and_english_puts_the_old_fonts_back():
    before = list(matplotlib.rcParams["font.family"])
    set_language("ja")
    assert matplotlib.rcParams["font.family"][0] == "IPAexGothic"
    set_language("ja")  # twice: still one IPAexGothic, the old fonts behind it
    assert matplotlib.rcParams["font.family"] == ["IPAexGothic", *before]
    set_language("en")
    assert list(matplotlib.rcParams["font.family"]) == before


@pytest.mark.parametrize(("lang", "error"), [(5, TypeError), ("xx", ValueError),
                                             ("JA", ValueError), (None, TypeError)])
def test_a_wrong_language_is_refused_by_name(lang, error):
    with pytest.raises(error, match="lang"):
        set_language(lang)
    assert get_language() == "en"


def test_a_third_language_for_nnlib_costs_only_a_catalog(tmp_path: Path):
    """A copy of nnlib gets a pseudo-language catalog, generated and compiled; nothing else."""
    package = tmp_path / "nnlib"
    shutil.copytree(ROOT / "nnlib", package, ignore=shutil.ignore_patterns("__pycache__"))
    tool.update_messages("xx", package)
    path = tool.message_catalog_path("xx", package)
    catalog = polib.pofile(str(path))
    for entry in catalog:
        entry.msgstr = f"⟦{entry.msgid}⟧"
    catalog.metadata["X-Matplotlib-Font-Module"] = "no_such_font_package"  # a font not installed
    catalog.metadata["X-Matplotlib-Font-Family"] = "No Such Font"
    catalog.save()
    tool.update_messages("xx", package)  # compiles the .mo
    assert tool.message_problems("xx", package) == []
    script = "\n".join([
        "import matplotlib; matplotlib.use('agg'); import nnlib",
        "from nnlib.chapters.ch02_activation_functions.plots import plot_activations",
        f"assert nnlib.__file__.startswith({str(tmp_path)!r}), nnlib.__file__",
        "import warnings",
        "with warnings.catch_warnings(record=True) as caught:",
        "    warnings.simplefilter('always')",
        "    nnlib.set_language('xx')",
        "print([str(w.message) for w in caught])",
        "fig = plot_activations(('relu',))",
        "print([t.get_text() for t in fig.axes[0].get_legend().get_texts()])",
    ])
    env = {"PYTHONPATH": str(tmp_path), "MPLBACKEND": "agg", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    warned, legend = result.stdout.strip().splitlines()
    assert "pip install no-such-font-package" in warned  # text still translated, font named
    assert legend == "['relu(x)', '⟦derivative⟧']"
