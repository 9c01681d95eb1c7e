"""Learned weights for the book's §3.6 network (784-50-100-10, sigmoid), read safely.

The book's §3.6 (手書き数字認識) runs a trained network on MNIST with the weights in
``sample_weight.pkl``, a pickle: reading a pickle can run any code its author put in it.
nnlib ships its own weights for the same network instead, as an ``.npz`` file read with
``allow_pickle=False`` (plain arrays, nothing runs). They were trained by the seeded script
``tools/train_sample_weight.py``, which records their digest here.

``load_sample_weight()`` returns those weights; ``load_sample_weight("sample_weight.pkl")``
reads the book's file through a restricted unpickler that builds numpy arrays and a dict and
refuses everything else, so a booby-trapped pickle raises before it runs anything.
Either way the result is the book's ``network`` dict: ``W1`` (784, 50), ``b1`` (50,),
``W2`` (50, 100), ``b2`` (100,), ``W3`` (100, 10), ``b3`` (10,).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.resources.abc
import io
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["load_sample_weight", "SHAPES", "SAMPLE_WEIGHT_SHA256", "weights_digest"]

#: The book's network: 784 pixels -> 50 -> 100 -> 10 digits.
SHAPES: dict[str, tuple[int, ...]] = {
    "W1": (784, 50), "b1": (50,),
    "W2": (50, 100), "b2": (100,),
    "W3": (100, 10), "b3": (10,),
}
#: nnlib's weights, inside the package.
_PACKAGED = ("nnlib", "data/sample_weight.npz")
#: sha256 of nnlib's six arrays (see :func:`weights_digest`), written by
#: ``tools/train_sample_weight.py``; the packaged file is checked against it.
SAMPLE_WEIGHT_SHA256 = "fe436b4d690213cd1d0276afdc2374745e98ce99b089fed57d66c5d0fd570b3a"
#: Far more than the six arrays need in float64 (0.4 MB): a larger file is refused unread.
_MAX_BYTES = 16 * 2**20


def _packaged() -> importlib.resources.abc.Traversable:
    package, member = _PACKAGED
    return importlib.resources.files(package) / member


def weights_digest(network: dict[str, NDArray]) -> str:
    """sha256 over the six arrays' dtypes and bytes, in the order of :data:`SHAPES`."""
    if not isinstance(network, dict) or any(key not in network for key in SHAPES):
        raise TypeError("network must be the book's dict of arrays W1, b1, W2, b2, W3, b3, "
                        f"got {type(network).__name__} {network!r:.60}")
    digest = hashlib.sha256()
    for key in SHAPES:
        array = np.ascontiguousarray(network[key])
        digest.update(f"{key}:{array.dtype.str}:{array.shape};".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _latin1(text: str, encoding: str = "latin1") -> bytes:
    """``_codecs.encode`` as protocol-2 pickles use it for bytes, and nothing more."""
    if not isinstance(text, str) or encoding != "latin1":
        raise pickle.UnpicklingError("_codecs.encode is admitted only for latin1 text")
    return text.encode("latin1")


def _array_pickle_globals() -> dict[tuple[str, str], object]:
    """The few callables a pickle of numpy arrays names, under old and new module names.

    They are taken from numpy's own ``__reduce__`` output, so the list fits whichever numpy
    is installed: the array reconstructor (``numpy.core.multiarray._reconstruct`` in the
    book's file, ``numpy._core...`` since numpy 2), ``numpy.ndarray``, ``numpy.dtype``, the
    scalar reconstructor, ``_frombuffer`` (protocol 5) and latin1 ``_codecs.encode``
    (protocol 2).
    """
    reconstruct = np.ndarray.__reduce__(np.zeros(1))[0]
    scalar = np.float32(0).__reduce__()[0]
    frombuffer = np.zeros(1).__reduce_ex__(5)[0]
    allowed: dict[tuple[str, str], object] = {
        ("numpy", "ndarray"): np.ndarray, ("numpy", "dtype"): np.dtype,
        ("_codecs", "encode"): _latin1,  # protocol 2 writes bytes as text + encoding
    }
    for func, name in ((reconstruct, "_reconstruct"), (scalar, "scalar"),
                       (frombuffer, "_frombuffer")):
        home = "numeric" if name == "_frombuffer" else "multiarray"
        for package in ("numpy.core", "numpy._core"):
            allowed[(f"{package}.{home}", name)] = func
    return allowed


class _ArrayUnpickler(pickle.Unpickler):
    """Builds numpy arrays, dicts, strings and numbers; any other class or function is refused."""

    allowed = _array_pickle_globals()

    def find_class(self, module: str, name: str) -> object:
        try:
            return self.allowed[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"it asks for {module}.{name}, which is not part of a numpy array; "
                "only numpy arrays in a dict are read (nothing in the file was run)") from None


def _read_pickle(data: bytes, where: str) -> object:
    try:
        return _ArrayUnpickler(io.BytesIO(data)).load()
    except Exception as error:  # noqa: BLE001 - untrusted bytes: any failure names the file
        raise ValueError(f"{where} could not be read as the book's sample_weight.pkl "
                         f"(a pickle of six numpy arrays): {error}") from None


def _read_npz(data: bytes, where: str) -> dict[str, NDArray]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            total = sum(member.file_size for member in members)
            if total > _MAX_BYTES:
                raise ValueError(f"its arrays would take {total} bytes, more than six arrays "
                                 f"of the book's network ({_MAX_BYTES} at most)")
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, KeyError) as error:
        raise ValueError(f"{where} could not be read as an .npz file of arrays: {error}") from None


def _checked(network: object, where: str) -> dict[str, NDArray]:
    """The six arrays, as the book's network needs them, or an error naming what is wrong."""
    if not isinstance(network, dict):
        raise ValueError(f"{where} holds a {type(network).__name__}, expected a dict of the "
                         "six arrays W1, b1, W2, b2, W3, b3")
    keys = set(map(str, network))
    if keys != set(SHAPES):
        missing = ", ".join(k for k in SHAPES if k not in keys) or "none"
        extra = ", ".join(sorted(keys - set(SHAPES))) or "none"
        raise ValueError(f"{where} has the wrong keys (missing: {missing}; unexpected: {extra}); "
                         "expected W1, b1, W2, b2, W3, b3")
    result = {}
    for key, shape in SHAPES.items():
        array = network[key]
        if not isinstance(array, np.ndarray) or array.dtype.kind != "f":
            kind = array.dtype if isinstance(array, np.ndarray) else type(array).__name__
            raise ValueError(f"{where}: {key} is {kind}, expected a float array")
        if array.shape != shape:
            raise ValueError(f"{where}: {key} has shape {array.shape}, expected {shape} "
                             "(the book's 784-50-100-10 network)")
        if not np.isfinite(array).all():
            raise ValueError(f"{where}: {key} holds NaN or inf")
        result[key] = array
    return result


def load_sample_weight(path: str | os.PathLike | None = None) -> dict[str, NDArray]:
    """The weights of the book's §3.6 network, as the book's ``network`` dict.

    With no ``path``: nnlib's own weights (float32, trained by
    ``tools/train_sample_weight.py``). With a path: that file, either an ``.npz`` of the six
    arrays (read with ``allow_pickle=False``) or the book's ``sample_weight.pkl``, read by an
    unpickler that admits only numpy arrays in a dict: a pickle that asks for anything else
    (``os.system``, say) raises ``ValueError`` and nothing in it runs.
    """
    if path is None:
        where = f"nnlib's packaged {_PACKAGED[1]}"
        try:
            data = _packaged().read_bytes()
        except FileNotFoundError:
            raise FileNotFoundError(f"{where} is missing; reinstall nnlib") from None
        network = _checked(_read_npz(data, where), where)
        digest = weights_digest(network)
        if digest != SAMPLE_WEIGHT_SHA256:
            raise ValueError(f"{where} has sha256 {digest}, expected {SAMPLE_WEIGHT_SHA256}; "
                             "reinstall nnlib")
        return network
    if isinstance(path, bool) or not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a file name (str or Path) or None, "
                        f"got {type(path).__name__}")
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"path: {file} is not a file")
    size = file.stat().st_size
    if size > _MAX_BYTES:
        raise ValueError(f"{file} is {size} bytes, far more than the six arrays of the book's "
                         "network; refused unread")
    data = file.read_bytes()
    where = str(file)
    if data.startswith(b"PK"):  # a zip archive: an .npz
        return _checked(_read_npz(data, where), where)
    return _checked(_read_pickle(data, where), where)
