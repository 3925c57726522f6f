"""Which files to analyse: PATH arguments expanded into files.

A folder is walked recursively for the files its settings ``include``
(``*.py``), pruning what they ``exclude`` (hidden folders, ``build/``,
``dist/``, ``venv/``… by default), virtual environments, and what
``.gitignore`` files ignore: those inside the folder, and those above it up to
the root of the git repository it is in (none above it when it is in none).
A pattern decides only for what it names below the folder walked (see
``patterns``): a folder named on the command line is walked even when a
pattern names it or a folder above it.  Symbolic links to folders are not
followed.  A file named is always analysed (``--force-exclude`` is the
caller's).  A folder that cannot be listed is yielded as ``Unlisted``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from kerascheck import patterns
from kerascheck.config import Settings, settings_for
from kerascheck.real_paths import real_path

#: the settings that apply to a path (``config.settings_for`` and the command line's)
SettingsOf = Callable[[Path], Settings]


@dataclass(frozen=True)
class Unlisted:
    """A folder of the walk that cannot be listed, and why."""

    path: Path
    reason: str


def _is_virtualenv(path: Path) -> bool:
    return (path / "pyvenv.cfg").exists() or (path / "conda-meta").is_dir()


def _gitignore(directory: Path) -> patterns.Spec | None:
    file = directory / ".gitignore"
    try:
        if not file.is_file():
            return None
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return patterns.gitignore_spec(lines)


def _ignored(path: Path, is_dir: bool, specs: list[tuple[Path, patterns.Spec]]) -> bool:
    return any(patterns.names_itself(spec, path.relative_to(base).as_posix(), is_dir) for base, spec in specs)


def outer_gitignores(folder: Path) -> list[tuple[Path, patterns.Spec]]:
    """The ``.gitignore`` files above ``folder`` (absolute) in its git repository,
    outermost first; none when it is in no repository."""
    found: list[tuple[Path, patterns.Spec]] = []
    for ancestor in folder.parents:
        spec = _gitignore(ancestor)
        if spec is not None:
            found.insert(0, (ancestor, spec))
        if (ancestor / ".git").exists():
            return found
    return []


def walk(root: Path, settings_of: SettingsOf = settings_for) -> Iterator[Path | Unlisted]:
    """The files to analyse under the folder ``root``, in a stable order."""
    top = Path(os.path.abspath(root))
    respect = settings_of(top).respect_gitignore
    yield from _walk(top, root, outer_gitignores(top) if respect else [], settings_of, respect)


def _walk(
    directory: Path, shown: Path, specs: list[tuple[Path, patterns.Spec]], settings_of: SettingsOf, respect: bool
) -> Iterator[Path | Unlisted]:
    try:
        with os.scandir(directory) as found:
            entries = sorted(found, key=lambda e: e.name)
    except OSError as exc:
        yield Unlisted(shown, f"folder cannot be listed ({exc.strerror or exc}): its files are not analysed")
        return
    local = _gitignore(directory) if respect else None
    if local is not None:
        specs = [*specs, (directory, local)]
    for entry in entries:
        path = Path(entry.path)
        settings = settings_of(path)
        if _is_dir(entry):
            if not (_is_virtualenv(path) or _ignored(path, True, specs) or settings.excludes(path, True)):
                yield from _walk(path, shown / entry.name, specs, settings_of, respect)
        elif settings.includes(path) and not (_ignored(path, False, specs) or settings.excludes(path, False)):
            yield shown / entry.name  # whatever it is (a link loop, a FIFO): reading it says


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """A folder itself (a symbolic link to one is not followed)."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def expand(
    paths: list[str], settings_of: SettingsOf = settings_for, seen: set[str] | None = None
) -> Iterator[Path | Unlisted]:
    """The files named or found under the folders named, each once (``seen``: the
    real paths already yielded, shared by several calls)."""
    seen = set() if seen is None else seen
    for raw in paths:
        path = Path(raw)
        found = walk(path, settings_of) if path.is_dir() else iter([path])
        for file in found:
            key = real_path(file.path if isinstance(file, Unlisted) else file)
            if key not in seen:
                seen.add(key)
                yield file
