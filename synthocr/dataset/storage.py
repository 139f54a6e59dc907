"""File operations on local paths and, through TensorFlow's file API, remote ones (gs://, s3://...).

Generation imports TensorFlow only when a path has a scheme, so local runs stay light.
"""

from __future__ import annotations

import os
import shutil
import uuid
from typing import IO, Any

_SCHEME = "://"


def is_remote(path: str) -> bool:
    """
    >>> is_remote("gs://bucket/data"), is_remote("/tmp/data")
    (True, False)
    """
    return _SCHEME in str(path)


def _gfile() -> Any:
    import tensorflow as tf

    return tf.io.gfile


def join(base: str, *names: str) -> str:
    base = str(base)
    if is_remote(base):
        return "/".join([base.rstrip("/"), *names])
    return os.path.join(base, *names)


def exists(path: str) -> bool:
    return _gfile().exists(path) if is_remote(path) else os.path.exists(path)


def isdir(path: str) -> bool:
    return _gfile().isdir(path) if is_remote(path) else os.path.isdir(path)


def listdir(path: str) -> list[str]:
    if is_remote(path):
        return sorted(name.rstrip("/") for name in _gfile().listdir(path))
    return sorted(os.listdir(path))


def makedirs(path: str) -> None:
    if is_remote(path):
        _gfile().makedirs(path)
    else:
        os.makedirs(path, exist_ok=True)


def remove(path: str) -> None:
    if is_remote(path):
        if _gfile().exists(path):
            _gfile().remove(path)
    elif os.path.exists(path):
        os.remove(path)


def rmtree(path: str) -> None:
    if is_remote(path):
        if _gfile().exists(path):
            _gfile().rmtree(path)
    else:
        shutil.rmtree(path, ignore_errors=True)


def rename(source: str, target: str) -> None:
    """Moves a file into place, replacing the target (atomic on a local file system)."""
    if is_remote(source):
        _gfile().rename(source, target, overwrite=True)
    else:
        os.replace(source, target)


def open_file(path: str, mode: str) -> IO[Any]:
    return _gfile().GFile(path, mode) if is_remote(path) else open(path, mode)


def sync(stream: IO[Any]) -> None:
    """Flushes a local file to disk before it is renamed into place (remote writes commit on close)."""
    stream.flush()
    if hasattr(stream, "fileno"):
        try:
            os.fsync(stream.fileno())
        except (OSError, ValueError):  # not a real file
            pass


def read_text(path: str) -> str:
    with open_file(path, "rb") as stream:
        return stream.read().decode("utf-8")


def write_atomic(path: str, data: bytes) -> None:
    """Writes a whole file under a temporary name unique to this call, then renames it into place."""
    temporary = f"{path}.{uuid.uuid4().hex[:12]}.tmp"
    with open_file(temporary, "wb") as stream:
        stream.write(data)
        sync(stream)
    rename(temporary, path)
