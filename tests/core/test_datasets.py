"""nnlib.datasets: the verified offline MNIST, and the IDX reader for readers' own files."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from nnlib.datasets import MNIST_PACKAGE, MNIST_SHA256, load_mnist, read_idx

# Published facts about the official MNIST, independent of how we load it.
TRAIN_LABEL_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_LABEL_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(scope="module")
def raw():
    return load_mnist(normalize=False, flatten=False)


def test_default_load_has_the_books_shapes_and_types():
    (x_train, t_train), (x_test, t_test) = load_mnist()
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert x_train.dtype == np.float32 and 0.0 <= x_train.min() and x_train.max() == 1.0
    assert t_train.shape == (60000,) and t_train.dtype == np.intp
    assert t_train[:5].tolist() == [5, 0, 4, 1, 9] and t_test[:3].tolist() == [7, 2, 1]
    assert np.bincount(t_train).tolist() == TRAIN_LABEL_COUNTS
    assert np.bincount(t_test).tolist() == TEST_LABEL_COUNTS


def test_raw_and_one_hot_forms(raw):
    (x_train, _), _ = raw
    assert x_train.shape == (60000, 1, 28, 28) and x_train.dtype == np.uint8
    (_, t_hot), _ = load_mnist(one_hot_label=True)
    assert t_hot.shape == (60000, 10) and t_hot.sum(axis=1).tolist() == [1.0] * 60000
    assert t_hot[0].argmax() == 5


def test_each_load_returns_fresh_arrays():
    (x_train, _), _ = load_mnist(normalize=False, flatten=False)
    x_train[0] = 0
    (again, _), _ = load_mnist(normalize=False, flatten=False)
    assert again[0].any()


def write_idx(path, array, compress):
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    with gzip.open(path, "wb", compresslevel=1) if compress else open(path, "wb") as stream:
        stream.write(header + array.astype(np.uint8).tobytes())


def make_idx_folder(folder, raw, compress):
    (x_train, t_train), (x_test, t_test) = raw
    for stem, array in [
        ("train-images-idx3-ubyte", x_train.reshape(-1, 28, 28)),
        ("train-labels-idx1-ubyte", t_train),
        ("t10k-images-idx3-ubyte", x_test.reshape(-1, 28, 28)),
        ("t10k-labels-idx1-ubyte", t_test),
    ]:
        write_idx(folder / (stem + (".gz" if compress else "")), array, compress)


@pytest.mark.parametrize("compress", [True, False])
def test_local_idx_files_load_the_same_arrays(tmp_path, raw, compress):
    make_idx_folder(tmp_path, raw, compress)
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=False, path=tmp_path)
    (ref_x, ref_t), (ref_xt, ref_tt) = raw
    np.testing.assert_array_equal(x_train, ref_x.reshape(-1, 784))
    np.testing.assert_array_equal(t_test, ref_tt)


def test_tampered_files_are_refused_with_the_expected_hash(tmp_path, raw):
    (x_train, t_train), test = raw
    x_bad = x_train.copy()
    x_bad[0, 0, 0, 0] ^= 1
    make_idx_folder(tmp_path, ((x_bad, t_train), test), compress=False)
    with pytest.raises(ValueError, match=MNIST_SHA256["train_images"]) as info:
        load_mnist(path=tmp_path)
    assert MNIST_PACKAGE in str(info.value)


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        load_mnist(path=tmp_path)
    bad = tmp_path / "bad"
    bad.write_bytes(b"\x00\x00\x0d\x01\x00\x00\x00\x01\x00")
    with pytest.raises(ValueError, match="magic"):
        read_idx(bad)
    short = tmp_path / "short"
    short.write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x05\x01")
    with pytest.raises(ValueError, match="header says 5"):
        read_idx(short)


def _header(shape):
    return struct.pack(">BBBB", 0, 0, 0x08, len(shape)) + struct.pack(f">{len(shape)}I", *shape)


MNIST_SHAPES = {
    "train-images-idx3-ubyte": (60000, 28, 28), "train-labels-idx1-ubyte": (60000,),
    "t10k-images-idx3-ubyte": (10000, 28, 28), "t10k-labels-idx1-ubyte": (10000,),
}


def header_only_folder(folder, **wrong):
    """The four files with MNIST's headers (or ``wrong`` ones) and no data: the headers are
    checked before any data is read, so a wrong header is the first thing refused."""
    for stem, shape in MNIST_SHAPES.items():
        (folder / stem).write_bytes(_header(wrong.get(stem.split("-")[1] + stem[:2], shape)))
    return folder


@pytest.mark.parametrize(("wrong", "found"), [
    ({"labelstr": (30000, 2)}, r"\(30000, 2\)"),
    ({"labelstr": (60000, 1)}, r"\(60000, 1\)"),
    ({"imagestr": (60000, 784)}, r"\(60000, 784\)"),
    ({"labelst1": (9999,)}, "10000 images but .* 9999 labels"),
    ({"imagestr": (59999, 28, 28), "labelstr": (59999,)}, "59999 digits.* 60000"),
])
def test_headers_that_are_not_mnist_are_refused_naming_the_file(tmp_path, wrong, found):
    header_only_folder(tmp_path, **wrong)
    with pytest.raises(ValueError, match=found) as info:
        load_mnist(path=tmp_path)
    assert "-idx" in str(info.value)  # the file's name


def test_a_header_that_lies_about_the_data_size_is_refused(tmp_path):
    # (30000, 2) over the right number of bytes for 60000 labels: the shape is what is wrong
    labels = tmp_path / "labels"
    labels.write_bytes(_header((30000, 2)) + bytes(60000))
    with pytest.raises(ValueError, match=r"labels: its header says shape \(30000, 2\)"):
        read_idx(labels, shape=(60000,))


def test_a_gzip_bomb_is_refused_after_reading_little_past_its_header(tmp_path):
    import tracemalloc

    bomb = tmp_path / "train-labels-idx1-ubyte.gz"
    chunk = bytes(2**20)
    with gzip.open(bomb, "wb", compresslevel=9) as stream:
        stream.write(_header((60000,)))
        for _ in range(200):  # 200 MiB of zeros, about 200 KB compressed
            stream.write(chunk)
    assert bomb.stat().st_size < 2**20
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="more than the 60000 bytes") as info:
            read_idx(bomb, shape=(60000,))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(bomb) in str(info.value)
    assert peak < 2**20, f"read {peak} bytes of a 200 MiB expansion"


def test_truncated_and_corrupt_gzip_and_short_headers_name_the_file(tmp_path):
    good = tmp_path / "good.gz"
    with gzip.open(good, "wb") as stream:
        stream.write(_header((1024,)) + bytes(range(256)) * 4)
    whole = good.read_bytes()
    truncated = tmp_path / "truncated.gz"
    truncated.write_bytes(whole[: len(whole) // 2])
    corrupt = tmp_path / "corrupt.gz"
    corrupt.write_bytes(whole[:12] + bytes(len(whole) - 12))
    not_gzip = tmp_path / "not-gzip.gz"
    not_gzip.write_bytes(b"this is text")
    short_header = tmp_path / "short-header"
    short_header.write_bytes(b"\x00\x00\x08\x03\x00\x00\x00\x05")
    short_gz = tmp_path / "short-data.gz"
    with gzip.open(short_gz, "wb") as stream:
        stream.write(_header((1000,)) + bytes(10))
    for file, message in [(truncated, "truncated|ends after"), (corrupt, "corrupt"),
                          (not_gzip, "gzip"), (short_header, "ends after 4 bytes of its header"),
                          (short_gz, "ends after 10 bytes of its data")]:
        with pytest.raises(ValueError, match=message) as info:
            read_idx(file)
        assert file.name in str(info.value)
    assert read_idx(good).tolist() == list(range(256)) * 4


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"path": 5}, "path"), ({"path": ["a"]}, "path"), ({"normalize": "yes"}, "normalize"),
    ({"flatten": None}, "flatten"), ({"one_hot_label": 1}, "one_hot_label"),
])
def test_wrong_types_name_the_argument(kwargs, name):
    with pytest.raises(TypeError, match=name):
        load_mnist(**kwargs)


def test_read_idx_refuses_a_header_announcing_terabytes(tmp_path):
    huge = tmp_path / "huge.gz"
    with gzip.open(huge, "wb") as stream:
        stream.write(_header((2**31, 2**31)))
    with pytest.raises(ValueError, match="huge.gz's header"):
        read_idx(huge)
    with pytest.raises(TypeError, match="file"):
        read_idx(3.5)
