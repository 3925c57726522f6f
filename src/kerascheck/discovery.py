"""Which files to analyse: PATH arguments expanded into Python files.

Folders are walked recursively for ``*.py``, skipping hidden folders,
virtual environments and what the ``.gitignore`` files on the way ignore.
A caller may exclude more (the configured ``exclude``) with a predicate.
Files named explicitly are always analysed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator

import pathspec

SKIPPED_DIRS = frozenset(
    {"venv", "env", "virtualenv", "site-packages", "node_modules", "__pycache__", "build", "dist"}
)


def _is_virtualenv(path: Path) -> bool:
    return (path / "pyvenv.cfg").exists() or (path / "conda-meta").is_dir()


def _gitignore(directory: Path) -> pathspec.GitIgnoreSpec | None:
    file = directory / ".gitignore"
    if not file.is_file():
        return None
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _ignored(path: Path, is_dir: bool, specs: list[tuple[Path, pathspec.GitIgnoreSpec]]) -> bool:
    for base, spec in specs:
        relative = path.relative_to(base).as_posix() + ("/" if is_dir else "")
        if spec.match_file(relative):
            return True
    return False


#: ``excluded(path, is_dir)``: whether the caller excludes a file or folder found
Excluded = Callable[[Path, bool], bool]


def _never(path: Path, is_dir: bool) -> bool:
    return False


def walk(root: Path, excluded: Excluded = _never) -> Iterator[Path]:
    """Python files under ``root``, in a stable order."""
    specs: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
    parent = root.resolve()
    for ancestor in [*reversed(parent.parents), parent]:  # .gitignore files above root apply too
        if (ancestor / ".git").exists():
            specs = []  # .gitignore files above a repository's root do not apply in it
        spec = _gitignore(ancestor)
        if spec is not None:
            specs.append((ancestor, spec))
    yield from _walk(parent, root, specs, excluded)


def _walk(
    directory: Path, shown: Path, specs: list[tuple[Path, pathspec.GitIgnoreSpec]], excluded: Excluded
) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return
    local = _gitignore(directory)
    if local is not None and (directory, local) not in specs:
        specs = [*specs, (directory, local)]
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            if entry.name.startswith(".") or entry.name in SKIPPED_DIRS or _is_virtualenv(path):
                continue
            if _ignored(path, True, specs) or excluded(path, True):
                continue
            yield from _walk(path, shown / entry.name, specs, excluded)
        elif entry.name.endswith(".py") and entry.is_file() and not _ignored(path, False, specs):
            if not excluded(path, False):
                yield shown / entry.name


def expand(paths: list[str], excluded: Excluded = _never) -> Iterator[Path]:
    """The files named or found under the folders named, each once."""
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        found = walk(path, excluded) if path.is_dir() else iter([path])
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                yield file
