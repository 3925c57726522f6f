"""``os.path.realpath`` for the many files of a few folders: each folder is
resolved once (``os.path.realpath`` asks the system about every folder above a
file, for each file: half of the time a walk of keras/src takes)."""

from __future__ import annotations

import os
from functools import lru_cache


def real_path(path: str | os.PathLike[str]) -> str:
    """``os.path.realpath(path)``: the real path of the file's folder and the file's
    name, when the file is no symbolic link and the path climbs no ``..``."""
    text = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(text))
    if not name or ".." in text.replace("\\", "/").split("/") or os.path.islink(text):
        return os.path.realpath(text)
    return os.path.join(_real_folder(folder), name)


@lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def forget() -> None:
    """Resolve the folders again from now on (a long-running process: its folders'
    links may change)."""
    _real_folder.cache_clear()
