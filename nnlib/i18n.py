"""The language nnlib speaks: English (the default) or any language with a catalog in nnlib/locale/.

    import nnlib
    nnlib.set_language("ja")   # readouts, verdicts, hints, figure text and errors in Japanese
    nnlib.set_language("en")   # back to English

A message is marked in the source as ``_("...")`` and looked up when it is *built*, so a
message made after ``set_language`` is in that language. A message with values is formatted
after the lookup: ``_("{n} steps").format(n=n)``, never ``_(f"{n} steps")``.

Catalogs are gettext files, ``nnlib/locale/<lang>/LC_MESSAGES/nnlib.po`` (what translators edit)
and the ``nnlib.mo`` compiled from it by ``tools/translate.py messages`` (what this module
reads, with the standard library's ``gettext``, which Pyodide has too). A message without a
translation falls back to English.

Figures: a catalog's header may name the font its language needs (``X-Matplotlib-Font-Module``,
a package that registers the font when imported, and ``X-Matplotlib-Font-Family``; for ``ja``,
``matplotlib_fontja`` and IPAexGothic). ``set_language`` imports that package and puts the family
first in matplotlib's ``font.family`` (the previous families stay behind it as a fallback);
a language without a font, such as ``"en"``, puts the previous families back. A font with one
face only (IPAex Gothic has no bold) is registered for the weights it lacks too, so a bold title
draws in the regular face without matplotlib's "findfont: Failed to find font weight bold" log
line in a notebook's output. This module
imports no drawing library itself: matplotlib and the font come in only when a language that
needs them is selected.
"""

from __future__ import annotations

import copy
import dataclasses
import gettext
import importlib
import warnings
from pathlib import Path
from typing import Any

__all__ = ["available_languages", "get_language", "set_language", "_"]

LOCALEDIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "nnlib"
DEFAULT = "en"



class _State:
    lang: str = DEFAULT
    translation: gettext.NullTranslations = gettext.NullTranslations()
    fonts_before: list[str] | None = None  # font.family before a language's font went first


_current = _State()


def available_languages() -> list[str]:
    """``"en"`` and every language whose compiled catalog ships with nnlib."""
    shipped = {p.parent.parent.name for p in LOCALEDIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}
    return sorted(shipped | {DEFAULT})


def get_language() -> str:
    """The language nnlib's messages are in now (``"en"`` unless ``set_language`` changed it)."""
    return _current.lang


def set_language(lang: str) -> None:
    """Make nnlib's messages and figure text ``lang``: ``"en"`` (the default), ``"ja"``, ...

    Affects every message built from now on (readouts, verdicts, hints, printed sentences,
    plot titles, labels and legends, the errors nnlib raises); docstrings stay English.
    """
    if not isinstance(lang, str):
        raise TypeError(f"lang must be a language code such as 'ja', got {type(lang).__name__}")
    choices = available_languages()
    if lang not in choices:
        raise ValueError(f"lang={lang!r} has no catalog in nnlib; choose from {choices}")
    if lang == DEFAULT:
        translation: gettext.NullTranslations = gettext.NullTranslations()
    else:
        translation = gettext.translation(DOMAIN, str(LOCALEDIR), languages=[lang])
    _current.lang, _current.translation = lang, translation
    _use_font(lang, translation.info())


def _(message: str) -> str:
    """``message`` in the current language (English if the catalog has no translation)."""
    if not isinstance(message, str):
        raise TypeError(f"message must be a string to translate, got {type(message).__name__}")
    return _current.translation.gettext(message)


def _use_font(lang: str, info: dict[str, str]) -> None:
    module, family = info.get("x-matplotlib-font-module"), info.get("x-matplotlib-font-family")
    if not (module and family):
        if _current.fonts_before is not None:
            importlib.import_module("matplotlib").rcParams["font.family"] = _current.fonts_before
            _current.fonts_before = None
        return
    matplotlib = importlib.import_module("matplotlib")
    if _current.fonts_before is None:
        _current.fonts_before = list(matplotlib.rcParams["font.family"])
    try:
        importlib.import_module(module)  # registers the font with matplotlib's font manager
    except ImportError:
        warnings.warn(f"figures cannot show {lang!r} text: the font package {module!r} is not "
                      f"installed (pip install {module.replace('_', '-')})", stacklevel=3)
        return
    _cover_weights(family)
    fallback = [f for f in _current.fonts_before if f != family]
    matplotlib.rcParams["font.family"] = [family, *fallback]


def _cover_weights(family: str) -> None:
    """Register ``family``'s faces again under every weight it lacks (100 ... 900).

    matplotlib picks the nearest weight anyway, but logs "findfont: Failed to find font weight
    bold for IPAexGothic, now using 400." at every bold title; with an entry for each weight the
    lookup is exact and quiet, and the face drawn is the same (the regular one).
    """
    font_manager = importlib.import_module("matplotlib.font_manager")
    manager = font_manager.fontManager

    def weight(face: Any) -> int:  # a font manager entry
        w = face.weight
        return w if isinstance(w, int) else font_manager.weight_dict[w]

    faces = [f for f in manager.ttflist if f.name == family]
    shapes = {(f.style, f.variant, f.stretch) for f in faces}
    for shape in shapes:
        same = [f for f in faces if (f.style, f.variant, f.stretch) == shape]
        have = {weight(f) for f in same}
        regular = min(same, key=lambda f: abs(weight(f) - 400))
        for missing in sorted(set(range(100, 1000, 100)) - have):
            manager.ttflist.append(_reweighted(regular, missing))


def _reweighted(face: Any, weight: int) -> Any:
    """A copy of a font manager entry with another weight (a frozen dataclass in new matplotlib)."""
    if dataclasses.is_dataclass(face):
        # is_dataclass narrows to an instance or a class; face is an instance
        return dataclasses.replace(face, weight=weight)  # type: ignore[type-var]
    copied = copy.copy(face)
    copied.weight = weight
    return copied
