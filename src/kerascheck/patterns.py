"""Gitignore-style patterns (``exclude``, ``include``, ``.gitignore``) as a folder walk applies them.

A walk prunes each folder a pattern ignores as it reaches it, so what decides
for a file or folder is the patterns that name *it*: a pattern that matches a
path only because it names a folder above it (``build/`` and
``build/lib/x.py``) has no say there, while ``*.pyc`` or ``.*/`` still name
what they match at any depth.  This is what lets a folder named on the
command line be walked although a pattern names it or a folder above it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    import pathspec


class Spec:
    """Gitignore-style patterns, compiled by ``pathspec`` when first matched (a run
    that matches none, one file named on the command line, does not import it)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = tuple(lines)
        self._compiled: pathspec.GitIgnoreSpec | None = None

    @property
    def compiled(self) -> pathspec.GitIgnoreSpec:
        if self._compiled is None:
            import pathspec

            self._compiled = pathspec.GitIgnoreSpec.from_lines(self.lines)
        return self._compiled

    @property
    def patterns(self) -> Any:
        return self.compiled.patterns

    def match_file(self, path: str) -> bool:
        return self.compiled.match_file(path)


def spec(lines: Iterable[str]) -> Spec:
    """Patterns compiled when first matched (kerascheck's defaults: known to be valid)."""
    return Spec(lines)


def checked_spec(lines: Iterable[str]) -> Spec:
    """Patterns of the configuration: ``ValueError`` naming the first that is not
    a gitignore pattern (``!`` alone)."""
    lines = tuple(lines)
    for line in lines:
        if not _is_pattern(line):
            raise ValueError(f"{line!r} is not a gitignore pattern")
    return Spec(lines)


def gitignore_spec(lines: Iterable[str]) -> Spec:
    """The patterns of a ``.gitignore`` file; as git does, a line that is no
    pattern is left out."""
    return Spec(line for line in lines if _is_pattern(line))


def _is_pattern(line: str) -> bool:
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines([line])
    except ValueError:
        return False
    return True


def names_itself(patterns: Spec, relative: str, is_dir: bool) -> bool:
    """Whether ``relative`` (a ``/``-separated path below the patterns' folder) is
    ignored by the last of ``patterns`` that names it, not only a folder above it
    (its expression matches the whole path, not a prefix ending at a folder)."""
    path = relative + "/" if is_dir else relative
    verdict = False
    for pattern in patterns.patterns:
        if pattern.regex is not None and pattern.include is not None and pattern.regex.fullmatch(path):
            verdict = pattern.include
    return verdict
