"""Chapter 03: exp overflow thresholds, naive softmax breaking, warning capture, the explorer."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import picture_problems

from nnlib.chapters.ch03_softmax_overflow.explorer import softmax_overflow_explorer
from nnlib.chapters.ch03_softmax_overflow.overflow import (
    call_capturing_warnings,
    compare_softmax,
    exp_overflow_threshold,
    naive_break_scale,
    naive_softmax_breaks,
    naive_tolerance,
)
from nnlib.functions import softmax, softmax_naive

BOOK_LOGITS = [1010.0, 1000.0, 990.0]


# --- exp overflow thresholds -------------------------------------------------------------


def test_float64_threshold_agrees_with_python_math():
    edge = exp_overflow_threshold(np.float64)
    assert edge == pytest.approx(709.78, abs=0.005)
    assert math.isfinite(math.exp(edge - 1e-9))
    with pytest.raises(OverflowError):
        math.exp(edge + 1e-9)


@pytest.mark.parametrize(("dtype", "expected"), [(np.float32, 88.72), (np.float64, 709.78)])
def test_exp_is_finite_just_below_the_threshold_and_inf_just_above(dtype, expected):
    edge = exp_overflow_threshold(dtype)
    assert edge == pytest.approx(expected, abs=0.005)
    with np.errstate(over="ignore"):
        below, above = np.exp(np.array([edge - 0.01, edge + 0.01], dtype=dtype))
    assert np.isfinite(below)
    assert np.isinf(above)


@pytest.mark.parametrize("dtype", [np.float16, np.int64, "complex128"])
def test_threshold_rejects_unsupported_dtypes(dtype):
    with pytest.raises(TypeError, match="float32 or float64"):
        exp_overflow_threshold(dtype)


# --- warning capture ---------------------------------------------------------------------


def test_naive_softmax_on_the_book_logits_is_nan_with_two_warnings_captured():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may escape the capture
        captured = call_capturing_warnings(softmax_naive, np.array(BOOK_LOGITS))
    assert np.all(np.isnan(captured.result))
    assert captured.warnings == [
        "RuntimeWarning: overflow encountered in exp",
        "RuntimeWarning: invalid value encountered in divide",
    ]
    assert "overflow encountered in exp" in captured.report()


def test_capture_with_no_warnings_reports_none_and_passes_arguments():
    captured = call_capturing_warnings(np.round, 2.567, decimals=1)
    assert captured.result == pytest.approx(2.6)
    assert captured.warnings == []
    assert captured.report() == "(no warnings)"


def test_stable_softmax_gives_the_book_numbers_without_warnings():
    captured = call_capturing_warnings(softmax, BOOK_LOGITS)
    np.testing.assert_allclose(
        captured.result, [9.99954600e-01, 4.53978686e-05, 2.06106005e-09], rtol=1e-7
    )
    assert captured.warnings == []


@given(st.lists(st.integers(-1000, 1000), min_size=2, max_size=12))
def test_softmax_keeps_the_argmax(values):
    # Distinct integers differ by at least 1, so the largest probability stays strictly largest.
    a = np.array(values, dtype=float)
    assert np.argmax(softmax(a)) == np.argmax(a)


# --- where naive softmax breaks ----------------------------------------------------------


def _logsumexp_root(logits, threshold):
    """The scale s where log(sum(exp(s * logits))) reaches ``threshold``, by plain bisection."""
    low, high = 0.0, 10.0
    for _ in range(200):
        middle = (low + high) / 2
        if np.logaddexp.reduce(middle * np.asarray(logits)) >= threshold:
            high = middle
        else:
            low = middle
    return high


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_break_scale_is_where_the_sum_of_exps_overflows(dtype):
    measured = naive_break_scale(BOOK_LOGITS, dtype)
    expected = _logsumexp_root(BOOK_LOGITS, math.log(np.finfo(dtype).max))
    assert measured == pytest.approx(expected, rel=1e-4)
    assert measured < exp_overflow_threshold(dtype) / max(BOOK_LOGITS)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_naive_works_just_below_the_break_scale_and_fails_just_above(dtype):
    edge = naive_break_scale(BOOK_LOGITS, dtype)
    logits = np.array(BOOK_LOGITS)
    assert not naive_softmax_breaks(logits * edge * 0.999, dtype)
    assert naive_softmax_breaks(logits * edge * 1.001, dtype)


def test_all_negative_logits_break_once_exp_sinks_among_the_subnormals():
    # exp(-2s) is subnormal (below finfo.tiny) from s = -log(tiny) / 2, and a subnormal is
    # rounded to a multiple of 2**-1074, so its relative error stays below the tolerance
    # until exp(-2s) < 2**-1075 / tolerance; by exp(-2s) = 0 (s = 372.6) it is wrong for sure.
    tolerance = naive_tolerance(np.float64)
    assert tolerance == pytest.approx(1000 * 2.0**-52)
    earliest = (1075 * math.log(2) + math.log(tolerance)) / 2
    latest = (1075 * math.log(2)) / 2
    edge = naive_break_scale([-1.0, -2.0], np.float64)
    assert earliest <= edge <= latest
    assert 0 < math.exp(-2 * edge) < np.finfo(np.float64).tiny  # a subnormal number


def test_the_chapters_negative_logits_in_float32_go_wrong_by_subnormals_at_scale_0_1():
    # The chapter suggests [-1000, -1010, -1020] at scale 0.1 in float32: the sum of the
    # naive outputs is still about 1, but exp(-100), exp(-101), exp(-102) are subnormal
    # float32 numbers (below 1.18e-38), so the ratios are off; float64 holds them exactly.
    logits = [-1000.0, -1010.0, -1020.0]
    run = compare_softmax(logits, 0.1, np.float32)
    exact = [math.exp(-k) / sum(math.exp(-j) for j in range(3)) for k in range(3)]
    np.testing.assert_allclose(run["stable"], exact, rtol=1e-6)
    assert abs(run["naive"].sum() - 1) < 1e-3  # what the old check looked at
    assert run["broken"] and run["subnormal"] and not run["overflowed"]
    assert run["error"] == pytest.approx(max(abs(n - e) / e for n, e in
                                             zip(run["naive"], exact, strict=True)), rel=1e-4)
    assert run["error"] > 0.05
    fine = compare_softmax(logits, 0.1, np.float64)
    assert not fine["broken"] and not fine["subnormal"]
    # the reported break scale lies below 0.1: exp(-1020 s) is subnormal there
    edge = naive_break_scale(logits, np.float32)
    assert math.exp(-1020 * edge) < np.finfo(np.float32).tiny
    assert edge < 0.1


def test_explorer_on_the_chapters_suggestion_names_subnormal_underflow():
    explorer = softmax_overflow_explorer(logits=[-1000.0, -1010.0, -1020.0], scale=0.1)
    lines = explorer.readout.value.split("<br>")
    float32 = next(line for line in lines if line.startswith("float32"))
    assert "= stable" not in float32
    assert "goes wrong" in float32 and "subnormal" in float32
    # e^-102 = 5.03e-45; the nearest float32 is a subnormal, 4 * 2^-149 = 5.61e-45
    assert f"exp(-102) = {4 * 2.0**-149:.3g}" in float32
    assert "off by up to 8.4 %" in float32
    float64 = next(line for line in lines if line.startswith("float64"))
    assert "✓ naive = stable" in float64
    edge = naive_break_scale([-1000.0, -1010.0, -1020.0], np.float32)
    assert f"{edge:.4g} in float32" in lines[-1]
    assert explorer.banners["float32"].get_text().startswith("✗")
    assert explorer.banners["float64"].get_text().startswith("✓")


def test_logits_whose_largest_is_zero_never_break():
    assert naive_break_scale([0.0, -3.0, -7.0]) == float("inf")
    assert naive_break_scale([0.0, 0.0]) == float("inf")


def test_break_scale_rejects_a_batch():
    with pytest.raises(ValueError, match="1-D"):
        naive_break_scale([[1.0, 2.0], [3.0, 4.0]])


def test_compare_softmax_reports_overflow_and_keeps_stable_finite():
    run = compare_softmax(BOOK_LOGITS, 0.1, np.float32)
    assert run["broken"] and run["overflowed"]
    assert np.all(np.isfinite(run["stable"]))
    np.testing.assert_allclose(run["scaled"], [101.0, 100.0, 99.0])
    fine = compare_softmax(BOOK_LOGITS, 0.1, np.float64)
    assert not fine["broken"]
    np.testing.assert_allclose(fine["naive"], fine["stable"], rtol=1e-12)


@pytest.mark.parametrize("scale", [0.0, -1.0, float("nan")])
def test_compare_softmax_rejects_bad_scales(scale):
    with pytest.raises(ValueError, match="scale"):
        compare_softmax(BOOK_LOGITS, scale, np.float64)


def test_compare_softmax_does_not_change_the_logits():
    logits = np.array(BOOK_LOGITS)
    compare_softmax(logits, 3.0, np.float32)
    assert logits.tolist() == BOOK_LOGITS


# --- the explorer, headless --------------------------------------------------------------


def test_explorer_defaults_break_float32_only_and_name_both_break_scales():
    explorer = softmax_overflow_explorer()
    state = explorer.state
    assert state["scale"] == pytest.approx(0.1)
    assert state["float32"]["broken"] and not state["float64"]["broken"]
    readout = explorer.readout.value
    assert f"{naive_break_scale(BOOK_LOGITS, np.float32):.4g}" in readout
    assert f"{naive_break_scale(BOOK_LOGITS, np.float64):.4g}" in readout
    assert "float32: ✗ naive <b>goes wrong</b>" in readout
    assert state["warnings"] == []


def test_explorer_slider_updates_state_readout_and_image():
    explorer = softmax_overflow_explorer()
    before_text, before_image = explorer.readout.value, explorer.canvas.image.value
    explorer.controls["scale"].value = 0.05
    assert not explorer.state["float32"]["broken"]
    assert "goes wrong</b>" not in explorer.readout.value
    assert explorer.readout.value != before_text
    assert explorer.canvas.image.value != before_image
    explorer.controls["scale"].value = 1.0
    assert explorer.state["float32"]["broken"] and explorer.state["float64"]["broken"]
    assert "exp(1010) overflows" in explorer.readout.value


@pytest.mark.parametrize("scale", [0.01, 10.0])
def test_explorer_extreme_scales_show_no_nan_and_raise_no_warnings(scale):
    explorer = softmax_overflow_explorer()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer.controls["scale"].value = scale
    assert "nan" not in explorer.readout.value.lower()
    assert explorer.state["warnings"] == []
    assert np.all(np.isfinite(explorer.state["float64"]["stable"]))


def test_explorer_explains_underflow_for_very_negative_logits():
    explorer = softmax_overflow_explorer(logits=[-1000.0, -1010.0, -1020.0], scale=10.0)
    assert "underflows to 0" in explorer.readout.value
    assert "nan" not in explorer.readout.value.lower()
    assert explorer.state["warnings"] == []


def test_explorer_says_when_the_naive_formula_never_breaks():
    explorer = softmax_overflow_explorer(logits=[0.0, 0.0, 0.0])
    assert "never goes wrong" in explorer.readout.value


def test_explorer_repr_is_short_and_stable():
    explorer = softmax_overflow_explorer()
    assert repr(explorer) == "SoftmaxOverflowExplorer(logits=[1010, 1000, 990], scale=0.1)"


@pytest.mark.parametrize("logits", [[[1.0, 2.0]], [3.0]])
def test_explorer_rejects_logits_that_are_not_a_vector(logits):
    with pytest.raises(ValueError, match="vector"):
        softmax_overflow_explorer(logits=logits)


def test_explorer_picture_is_sharp_and_fits_a_laptop_screen():
    assert picture_problems(softmax_overflow_explorer()) == []


# --- §3.6: the plot of the naive curves, and handwritten digits -----------------------------

def test_naive_float32_curve_is_not_hidden_under_the_float64_curve():
    import matplotlib.pyplot as plt

    from nnlib.chapters.ch03_softmax_overflow.plots import plot_softmax_by_scale

    fig = plot_softmax_by_scale(np.array([1010, 1000, 990]), np.geomspace(0.01, 10, 50))
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    f32, f64 = lines["naive, float32"], lines["naive, float64"]
    # the two coincide where both work: the lower one (float32, drawn first) must be wider,
    # and the upper one dashed, so that both show
    assert f32.get_zorder() <= f64.get_zorder()
    assert f32.get_linewidth() >= 2 * f64.get_linewidth()
    assert f64.get_linestyle() != "-"
    plt.close(fig)


def _independent_forward(network, x):
    """The book's §3.6.2 network in float64, from the formulas (softmax per row)."""
    h = np.asarray(x, dtype=np.float64)
    for i in (1, 2):
        h = 1 / (1 + np.exp(-(h @ network[f"W{i}"].astype(np.float64) + network[f"b{i}"])))
    a = h @ network["W3"].astype(np.float64) + network["b3"]
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.fixture(scope="module")
def digits():
    from nnlib.datasets import load_mnist
    from nnlib.sample_weight import load_sample_weight

    _, (x, t) = load_mnist(normalize=True, flatten=True)
    return load_sample_weight(), x[:500], t[:500]


def test_predict_matches_the_formulas_for_one_image_and_a_batch(digits):
    from nnlib.chapters.ch03_softmax_overflow.digits import predict

    network, x, _ = digits
    np.testing.assert_allclose(predict(network, x[0]), _independent_forward(network, x[0]),
                               rtol=1e-5, atol=1e-7)
    batch = predict(network, x[:100])
    assert batch.shape == (100, 10)
    np.testing.assert_allclose(batch.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_allclose(batch, _independent_forward(network, x[:100]), rtol=1e-4,
                               atol=1e-6)


@pytest.mark.parametrize("batch_size", [1, 7, 100, 499, 500, 1000])
def test_accuracy_is_the_same_for_every_batch_size(digits, batch_size):
    from nnlib.chapters.ch03_softmax_overflow.digits import accuracy

    network, x, t = digits
    expected = np.mean(_independent_forward(network, x).argmax(axis=1) == t)
    assert accuracy(network, x, t, batch_size=batch_size) == pytest.approx(expected, abs=1e-12)


def test_time_inference_reports_both_timings_and_their_ratio(digits):
    from nnlib.chapters.ch03_softmax_overflow.digits import time_inference

    network, x, _ = digits
    timing = time_inference(network, x[:200], batch_size=100, repeats=1)
    assert set(timing) == {"one_at_a_time", "batched", "ratio"}
    assert timing["one_at_a_time"] > 0 and timing["batched"] > 0
    assert timing["ratio"] == pytest.approx(timing["one_at_a_time"] / timing["batched"])


def test_digit_functions_name_what_is_wrong(digits):
    from nnlib.chapters.ch03_softmax_overflow.digits import accuracy, predict

    network, x, t = digits
    with pytest.raises(TypeError, match="network"):
        predict([1, 2], x[0])
    with pytest.raises(ValueError, match="784"):
        predict(network, x[0, :100])
    with pytest.raises(ValueError, match="one label per row"):
        accuracy(network, x[:10], t[:9])
    with pytest.raises(ValueError, match="batch_size"):
        accuracy(network, x[:10], t[:10], batch_size=0)


def test_digit_predictions_plot_marks_mistakes_in_red(digits):
    import matplotlib.pyplot as plt

    from nnlib.chapters.ch03_softmax_overflow.digits import predict
    from nnlib.chapters.ch03_softmax_overflow.plots import plot_digit_predictions

    network, x, t = digits
    y = predict(network, x[:16])
    fig = plot_digit_predictions(x[:16], t[:16], y)
    titles = [ax.title for ax in fig.axes if ax.get_title()]
    assert len(titles) == 16
    wrong = int(np.sum(y.argmax(axis=1) != t[:16]))
    assert sum(title.get_color() == "tab:red" for title in titles) == wrong
    plt.close(fig)
    with pytest.raises(ValueError, match="784"):
        plot_digit_predictions(x[:2, :10], t[:2], y[:2])
