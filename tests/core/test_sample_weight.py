"""nnlib.sample_weight: the shipped weights, the book's pickle read safely, bad files named."""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

from nnlib.sample_weight import SAMPLE_WEIGHT_SHA256, SHAPES, load_sample_weight

ROOT = Path(__file__).resolve().parents[2]
#: The book's file, if a maintainer fetched it (never part of this repository): its
#: ch03/sample_weight.pkl of github.com/oreilly-japan/deep-learning-from-scratch, at
#: $NNLIB_BOOK_SAMPLE_WEIGHT or in build/book/ (git ignores build/).
BOOK_PKL = Path(os.environ.get("NNLIB_BOOK_SAMPLE_WEIGHT",
                               ROOT / "build" / "book" / "sample_weight.pkl"))


def _book_predict_accuracy(network, x, t):
    """The book's §3.6.3 batch loop, written out with plain numpy (batches of 100)."""
    def sigmoid(a):
        return 1 / (1 + np.exp(-a))

    def softmax(a):
        e = np.exp(a - a.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    hits = 0
    for i in range(0, len(x), 100):
        z1 = sigmoid(np.dot(x[i:i + 100], network["W1"]) + network["b1"])
        z2 = sigmoid(np.dot(z1, network["W2"]) + network["b2"])
        y = softmax(np.dot(z2, network["W3"]) + network["b3"])
        hits += np.sum(np.argmax(y, axis=1) == t[i:i + 100])
    return hits / len(x)


@pytest.fixture(scope="module")
def mnist_test():
    from nnlib.datasets import load_mnist

    _, (x, t) = load_mnist(normalize=True, flatten=True)
    return x, t


def _pickle(tmp_path, obj, name="weights.pkl", protocol=3):
    path = tmp_path / name
    path.write_bytes(pickle.dumps(obj, protocol=protocol))
    return path


def _six(dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    return {k: rng.normal(size=s).astype(dtype) for k, s in SHAPES.items()}


# --- nnlib's own weights -------------------------------------------------------------------

def test_shipped_weights_have_the_books_shapes_in_float32():
    network = load_sample_weight()
    assert list(network) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    for key, shape in SHAPES.items():
        assert network[key].shape == shape and network[key].dtype == np.float32


def test_shipped_digest_is_recomputed_independently():
    network = load_sample_weight()
    digest = hashlib.sha256()
    for key in ("W1", "b1", "W2", "b2", "W3", "b3"):
        array = network[key]
        digest.update(f"{key}:<f4:{array.shape};".encode())
        digest.update(array.astype("<f4").tobytes())
    assert digest.hexdigest() == SAMPLE_WEIGHT_SHA256


def test_shipped_weights_recognise_most_test_digits(mnist_test):
    accuracy = _book_predict_accuracy(load_sample_weight(), *mnist_test)
    assert accuracy > 0.95  # the book's own weights reach 0.9352


def test_the_training_script_reproduces_the_shipped_weights():
    """The script retrains from its seed in about 5-10 s and compares with the shipped file."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import train_sample_weight
    finally:
        sys.path.remove(str(ROOT / "tools"))
    assert train_sample_weight.main(["--check"]) == 0


def test_the_loader_refuses_a_changed_packaged_file(monkeypatch, tmp_path):
    import nnlib.sample_weight as module

    network = load_sample_weight()
    network["b3"] = network["b3"] + np.float32(0.5)
    np.savez(tmp_path / "changed.npz", **network)
    monkeypatch.setattr(module, "_packaged", lambda: tmp_path / "changed.npz")
    with pytest.raises(ValueError, match="sample_weight.npz has sha256 .*reinstall nnlib"):
        load_sample_weight()


# --- the book's pickle, read safely --------------------------------------------------------

@pytest.mark.skipif(not BOOK_PKL.is_file(), reason=f"the book's sample_weight.pkl is not at "
                    f"{BOOK_PKL} (fetch ch03/sample_weight.pkl from the book's repository, "
                    "or set NNLIB_BOOK_SAMPLE_WEIGHT)")
def test_the_books_file_gives_the_books_accuracy(mnist_test):
    network = load_sample_weight(BOOK_PKL)
    assert {k: v.shape for k, v in network.items()} == SHAPES
    assert _book_predict_accuracy(network, *mnist_test) == pytest.approx(0.9352, abs=1e-12)


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_a_pickle_of_six_arrays_is_read_in_every_protocol(tmp_path, protocol):
    six = _six(np.float64)
    network = load_sample_weight(_pickle(tmp_path, six, protocol=protocol))
    for key in SHAPES:
        np.testing.assert_array_equal(network[key], six[key])


class _Trap:
    """A pickle that runs a shell command when it is loaded, if the loader lets it."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch '{self.marker}'",))


def test_a_booby_trapped_pickle_raises_and_runs_nothing(tmp_path):
    network = _six()
    network["W1"] = _Trap(tmp_path / "ran with pickle.load")
    pickle.loads(pickle.dumps(network, protocol=3))  # the trap is real: plain pickle runs it
    assert (tmp_path / "ran with pickle.load").exists()
    marker = tmp_path / "ran"
    network["W1"] = _Trap(marker)
    path = _pickle(tmp_path, network)
    with pytest.raises(ValueError, match=r"posix\.system|os\.system|nt\.system") as error:
        load_sample_weight(path)
    assert str(path) in str(error.value) and "nothing in the file was run" in str(error.value)
    assert not marker.exists()


def test_a_pickle_calling_eval_is_refused(tmp_path):
    class Evil:
        def __reduce__(self):
            return (eval, ("1 + 1",))

    with pytest.raises(ValueError, match="builtins.eval"):
        load_sample_weight(_pickle(tmp_path, {"W1": Evil()}))


# --- files that are not what they claim ---------------------------------------------------

def test_path_of_the_wrong_type_is_a_type_error_naming_path():
    with pytest.raises(TypeError, match="path"):
        load_sample_weight(5)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.pkl"):
        load_sample_weight(tmp_path / "nope.pkl")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_a_truncated_pickle_names_the_file(tmp_path, keep):
    data = pickle.dumps(_six(), protocol=3)
    path = tmp_path / "cut.pkl"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ValueError, match="cut.pkl"):
        load_sample_weight(path)


def test_a_truncated_npz_names_the_file(tmp_path):
    np.savez(tmp_path / "whole.npz", **_six())
    data = (tmp_path / "whole.npz").read_bytes()
    path = tmp_path / "cut.npz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="cut.npz"):
        load_sample_weight(path)


def test_garbage_names_the_file(tmp_path):
    path = tmp_path / "noise.pkl"
    path.write_bytes(np.random.default_rng(0).bytes(1000))
    with pytest.raises(ValueError, match="noise.pkl"):
        load_sample_weight(path)


def test_an_npz_holding_an_object_array_is_refused_without_unpickling(tmp_path):
    network = dict(_six())
    network["b1"] = np.array([_Trap(tmp_path / "ran")], dtype=object)
    np.savez(tmp_path / "objects.npz", **network)
    with pytest.raises(ValueError, match="objects.npz"):
        load_sample_weight(tmp_path / "objects.npz")
    assert not (tmp_path / "ran").exists()


def test_an_npz_is_read(tmp_path):
    six = _six()
    np.savez(tmp_path / "mine.npz", **six)
    network = load_sample_weight(tmp_path / "mine.npz")
    np.testing.assert_array_equal(network["W3"], six["W3"])


def test_wrong_keys_are_named(tmp_path):
    network = _six()
    network["W4"] = network.pop("W3")
    with pytest.raises(ValueError, match=r"missing: W3; unexpected: W4"):
        load_sample_weight(_pickle(tmp_path, network))


def test_a_wrong_shape_is_named(tmp_path):
    network = _six()
    network["W2"] = network["W2"].T
    with pytest.raises(ValueError, match=r"W2 has shape \(100, 50\), expected \(50, 100\)"):
        load_sample_weight(_pickle(tmp_path, network))


def test_not_a_dict_is_named(tmp_path):
    with pytest.raises(ValueError, match="holds a list"):
        load_sample_weight(_pickle(tmp_path, list(_six().values())))


def test_nan_and_integer_arrays_are_refused(tmp_path):
    network = _six()
    network["b2"] = network["b2"].copy()
    network["b2"][3] = np.nan
    with pytest.raises(ValueError, match="b2 holds NaN"):
        load_sample_weight(_pickle(tmp_path, network))
    network = _six()
    network["b3"] = np.arange(10)
    with pytest.raises(ValueError, match="b3 is int64, expected a float array"):
        load_sample_weight(_pickle(tmp_path, network))


def test_an_oversized_file_is_refused_unread(tmp_path):
    path = tmp_path / "big.pkl"
    with open(path, "wb") as f:
        f.truncate(17 * 2**20)
    with pytest.raises(ValueError, match="big.pkl is .* bytes"):
        load_sample_weight(path)


def test_a_zip_bomb_npz_is_refused_before_it_is_expanded(tmp_path):
    path = tmp_path / "bomb.npz"
    np.savez_compressed(path, W1=np.zeros((3000, 1000)))  # 24 MB of zeros, a few kB packed
    assert path.stat().st_size < 100_000
    with pytest.raises(ValueError, match="bomb.npz.*more than six arrays"):
        load_sample_weight(path)


def test_a_malformed_pickle_stream_names_the_file(tmp_path):
    path = tmp_path / "marks.pkl"
    path.write_bytes(b"\x80\x03" + b"(" * 200_000 + b".")  # 200,000 MARKs, then STOP
    with pytest.raises(ValueError, match="marks.pkl"):
        load_sample_weight(path)
