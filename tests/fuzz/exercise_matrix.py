"""Run one hostile attempt against one exercise check and sort the outcome into the issue's
five kinds: calm and right, misleading, wrong answer passed, checker or nnlib broken
afterwards, traceback escaped."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
from hostile import Hostile
from support import exercise_checks

import nnlib.engines.sandbox as engine
import nnlib.functions

CALM, MISLEADING, CHEAT, BROKEN, ESCAPED = (
    "calm and right", "misleading", "wrong answer passed", "checker or nnlib broken afterwards",
    "traceback escaped",
)
KINDS = (CALM, MISLEADING, CHEAT, BROKEN, ESCAPED)

CHECKS = exercise_checks()


def _references() -> dict[str, Any]:
    path = Path(__file__).parents[1] / "chapters" / "test_exercise_catalogue.py"
    spec = importlib.util.spec_from_file_location("_exercise_catalogue", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.REFERENCES


REFERENCES = _references()


def is_layer_check(name: str) -> bool:
    return isinstance(REFERENCES[name], type)


def attempt_for(check: str, hostile: Hostile) -> Any:
    right = REFERENCES[check]
    behave = hostile.behave
    if is_layer_check(check) and hasattr(right, "update"):  # an optimizer: update(params, grads)
        class HostileOptimizer(right):
            def update(self, params, grads):
                return behave(lambda *a: right.update(self, *a), params, grads)

        return HostileOptimizer
    if is_layer_check(check):
        # a layer misbehaves in backward; a whole network (no backward) in predict
        method = "backward" if hasattr(right, "backward") else "predict"

        def misbehaving(self, *args, **kwargs):
            return behave(lambda *a: getattr(right, method)(self, *a, **kwargs), *args)

        return type("HostileLayer", (right,), {method: misbehaving})

    def attempt(*args):
        return behave(right, *args)

    return attempt


def _watched_modules() -> list[tuple[Any, dict]]:
    names = [n for n in list(sys.modules) if n in ("numpy", "numpy.random", "numpy.linalg")
             or n == "nnlib" or n.startswith("nnlib.")]
    return [(sys.modules[n], dict(vars(sys.modules[n]))) for n in names if sys.modules.get(n)]


def global_state() -> dict[str, Any]:
    state = np.random.get_state()  # noqa: NPY002 - the legacy state a reader can change
    return {
        "seterr": np.geterr(),
        "printoptions": np.get_printoptions(),
        "random": (state[0], state[1].tobytes(), *state[2:]),
        "recursion": sys.getrecursionlimit(),
        "stdout": sys.stdout,
    }


def _modules_changed(before: list[tuple[Any, dict]]) -> list[str]:
    changed = []
    for module, saved in before:
        now = vars(module)
        changed += [f"{module.__name__}.{k}" for k, v in saved.items() if now.get(k) is not v]
    return changed


_SAME_TWICE = re.compile(r" is (\S+), expected (\S+?)[:;]?(?: |$)")


def misleading(message: str, hostile: Hostile) -> str | None:
    """Why a verdict's text would mislead the reader, or None."""
    for got, wanted in _SAME_TWICE.findall(message):
        if got.rstrip(",") == wanted.rstrip(","):
            return f"says {got}, expected {wanted}"
    if "not attempted" in message:
        return "calls an attempt 'not attempted yet'"
    if "numpy warned" in message and "UserWarning" in message:
        return "calls the reader's own UserWarning a numpy warning"
    if hostile.expect not in ("calm", "fail") and hostile.expect not in message:
        return f"does not say {hostile.expect!r}"
    return None


def run(check: str, hostile: Hostile) -> tuple[str, str]:
    """(kind, detail) for one hostile attempt against one check."""
    verdict_of = getattr(CHECKS, check).verdict
    modules, state = _watched_modules(), global_state()
    try:
        verdict = verdict_of(attempt_for(check, hostile))
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # noqa: BLE001 - exactly what must not happen
        for module, saved in modules:  # put things back so the next run starts clean
            vars(module).update(saved)
        return ESCAPED, f"{type(error).__name__}: {error!r}"
    changed, after = _modules_changed(modules), global_state()
    if changed or after != state:
        for module, saved in modules:
            vars(module).update(saved)
        diff = [k for k in state if state[k] != after[k]]
        return BROKEN, f"changed {changed + diff}"
    try:
        if float(nnlib.functions.sigmoid(-1000.0)) != 0.0:
            return BROKEN, "nnlib.sigmoid(-1000) is no longer 0"
    except Exception as error:  # noqa: BLE001
        return BROKEN, f"nnlib.sigmoid(-1000) raises {error!r}"
    if not verdict_of(REFERENCES[check]).passed:
        return BROKEN, f"the right answer fails afterwards: {verdict_of(REFERENCES[check])}"
    if verdict.passed and hostile.expect != "calm" and hostile.expect != "fail":
        return CHEAT if hostile.expect == "fail" else MISLEADING, str(verdict)
    if verdict.passed and hostile.expect == "fail":
        return CHEAT, str(verdict)
    why = misleading(verdict.message, hostile)
    if why and not (verdict.passed and hostile.expect == "calm"):
        return MISLEADING, f"{why}: {verdict}"
    if "\n" in str(verdict):
        return MISLEADING, f"more than one line: {verdict!r}"
    return CALM, str(verdict)


def time_limit(seconds: float):
    """Context: every check's budget for the reader's code, made small for the tests."""
    import contextlib

    @contextlib.contextmanager
    def limit():
        old, engine.TIME_LIMIT = engine.TIME_LIMIT, seconds
        try:
            yield
        finally:
            engine.TIME_LIMIT = old

    return limit()
