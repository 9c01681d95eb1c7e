"""The reference registry hands out nnlib's own callables, even after a reader replaced them."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import nnlib.functions
import nnlib.layers
from nnlib.engines import references


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(references, "_found", {})


def test_the_names_are_nnlibs_own():
    from nnlib.engines.references import Affine, softmax

    assert softmax is nnlib.functions.softmax and Affine is nnlib.layers.Affine


def test_a_function_replaced_before_the_lookup_is_not_taken(empty_registry, monkeypatch):
    monkeypatch.setattr(nnlib.functions, "softmax", lambda a: np.zeros_like(a))
    softmax = references.genuine("softmax")
    np.testing.assert_allclose(softmax(np.array([0.0, 0.0])), [0.5, 0.5])


def test_a_class_whose_method_was_replaced_is_not_taken(empty_registry, monkeypatch):
    monkeypatch.setattr(nnlib.layers.Relu, "backward", lambda self, dout: dout)
    Relu = references.genuine("Relu")
    layer = Relu()
    layer.forward(np.array([-1.0, 2.0]))
    np.testing.assert_array_equal(layer.backward(np.array([3.0, 3.0])), [0.0, 3.0])


def test_a_check_imported_after_the_replacement_still_compares_with_nnlib(empty_registry,
                                                                           monkeypatch):
    wrong = lambda a: np.exp(a) / np.exp(a).sum()  # noqa: E731 - the book's overflowing softmax
    monkeypatch.setattr(nnlib.functions, "softmax", lambda a: np.full_like(a, 1 / a.shape[-1]))
    spec = importlib.util.find_spec("nnlib.chapters.ch03_softmax_overflow.exercises")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # a fresh import, after the reader's cell
    assert not module.check_softmax.result(wrong).passed
    assert not module.check_softmax.result(nnlib.functions.softmax).passed
    assert module.check_softmax.result(references.genuine("softmax")).passed


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no 'soft_max'"):
        references.genuine("soft_max")
