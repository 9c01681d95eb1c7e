"""The reference registry: nnlib's own callables, as the checks compare with them.

A check computes the right answer with nnlib's core (``softmax``, ``Affine``,
``TwoLayerNet``...). A reader may have replaced one of those before the checks were
imported (``nnlib.functions.softmax = my_softmax`` in an earlier cell, or its
``__code__``, or ``Affine.backward``): a check that took it from the module would then
compare the reader's answer with the reader's own function. So checks import their
references from here::

    from nnlib.engines.references import Affine, softmax

Each name is looked up in the core modules (:data:`CORE_MODULES`) and kept if it is nnlib's
own (defined in nnlib's files, methods included); otherwise a private copy of its module is
loaded from nnlib's source and the name taken from there. The registry also lists the
modules that define checks (:func:`register_checks`), so that the sandbox can put their
attributes back after every attempt.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path
from typing import Any

__all__ = ["CORE_MODULES", "check_modules", "genuine", "register_checks"]

#: The core's modules, whose attributes the checks rely on.
CORE_MODULES = ("nnlib.functions", "nnlib.layers", "nnlib.gradient", "nnlib.network",
                "nnlib.optimizers", "nnlib.train", "nnlib._checks")
_PACKAGE = Path(__file__).resolve().parents[1]
_found: dict[str, Any] = {}
_pristine: dict[str, types.ModuleType] = {}
_check_modules: list[str] = []


def _ours(obj: Any) -> bool:
    """True if ``obj`` (a function, or a class and its methods) is defined in nnlib's files."""
    if isinstance(obj, type):
        return obj.__module__.startswith("nnlib.") and all(
            _ours(v) for v in vars(obj).values() if isinstance(v, types.FunctionType))
    if not callable(obj):
        return True  # a constant
    if not str(getattr(obj, "__module__", "")).startswith("nnlib."):
        return False  # a lambda, np.abs, a partial: not nnlib's
    code = getattr(obj, "__code__", None)
    return code is None or Path(code.co_filename).resolve().is_relative_to(_PACKAGE)


def _private_copy(module_name: str) -> types.ModuleType:
    """The module executed afresh from nnlib's source, outside ``sys.modules``."""
    if module_name not in _pristine:
        spec = importlib.util.find_spec(module_name)
        assert spec is not None and spec.loader is not None  # nnlib's own modules, from source
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _pristine[module_name] = module
    return _pristine[module_name]


def genuine(name: str) -> Any:
    """nnlib's own ``name`` from the first core module that defines it (kept once found)."""
    if name not in _found:
        for module_name in CORE_MODULES:
            module = importlib.import_module(module_name)
            if name in vars(module):
                value = vars(module)[name]
                if not _ours(value):
                    value = vars(_private_copy(module_name))[name]
                _found[name] = value
                break
        else:
            raise AttributeError(f"nnlib's core defines no {name!r}")
    return _found[name]


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return genuine(name)


def register_checks(module_name: str) -> None:
    """Note a module that defines checks: the sandbox puts its attributes back."""
    if module_name not in _check_modules:
        _check_modules.append(module_name)


def check_modules() -> list[types.ModuleType]:
    """The modules that define checks, as far as they are imported."""
    return [m for m in (sys.modules.get(n) for n in _check_modules) if m is not None]
