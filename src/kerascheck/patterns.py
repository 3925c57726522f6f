"""Gitignore-style patterns (``exclude``, ``include``, ``.gitignore``) as a folder walk applies them.

A walk prunes each folder a pattern ignores as it reaches it, so what decides
for a file or folder is the patterns that name *it*: a pattern that matches a
path only because it names a folder above it (``build/`` and
``build/lib/x.py``) has no say there, while ``*.pyc`` or ``.*/`` still name
what they match at any depth.  This is what lets a folder named on the
command line be walked although a pattern names it or a folder above it.
"""

from __future__ import annotations

from typing import Iterable

import pathspec

Spec = pathspec.GitIgnoreSpec


def spec(lines: Iterable[str]) -> Spec:
    return pathspec.GitIgnoreSpec.from_lines(lines)


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
