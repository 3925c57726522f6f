"""What a module's text imports, and where its project's folders are: read
without parsing (nor importing libcst), for the analysis and ``prefilter`` alike."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Callable

#: an import statement: ``from (dots)(module) import (names)``, or ``import (modules)``
IMPORTS = re.compile(
    r"^[ \t]*(?:from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n;#]*)|import[ \t]+([^\n;#]+))", re.MULTILINE
)
ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")  # what marks a project's root folder


def path_kind(path: Path | str) -> str:
    """``"file"``, ``"dir"`` or ``""`` (neither, or unreadable), following links."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return ""
    return "file" if stat.S_ISREG(mode) else "dir" if stat.S_ISDIR(mode) else ""


def project_root(folder: Path, kind: Callable[[Path], str] = path_kind) -> Path | None:
    """The nearest folder at or above ``folder`` with one of ``ROOT_MARKERS``
    (where ``python -m`` or pytest would put the project on ``sys.path``)."""
    return next((p for p in (folder, *folder.parents) if any(kind(p / m) for m in ROOT_MARKERS)), None)


def package_of(folder: Path, kind: Callable[[Path], str] = path_kind) -> tuple[str, Path]:
    """The dotted package of a module in ``folder``, and the folder its top package is
    in (``folder`` itself outside a package): where ``import top`` is found."""
    top = folder
    while kind(top / "__init__.py") == "file":
        top = top.parent
    return ".".join(folder.relative_to(top).parts), top


def absolute_name(package: str, level: int, name: str) -> str | None:
    """The absolute name of ``from .name import`` (``level`` dots) in a module of ``package``."""
    if not level:
        return name
    parts = package.split(".") if package else []
    if level - 1 > len(parts) or (level - 1 == len(parts) and not name):
        return None
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, name] if name else base) or None


def imported_modules(source: str, package: str) -> list[str]:
    """The absolute names of the modules the import statements of ``source`` (a
    module of ``package``) may load: each module named, the packages above it,
    and each name ``from`` imports (it may be a submodule)."""
    found: list[str] = []
    for match in IMPORTS.finditer(source):
        dots, module, names, modules = match.groups()
        if modules is not None:
            dotted = [_first_word(part) for part in modules.split(",")]
        else:
            base = absolute_name(package, len(dots), module)
            if base is None:
                continue
            dotted = [base, *(f"{base}.{_first_word(part)}" for part in names.strip("()").split(","))]
        for name in dotted:
            parts = name.split(".")
            found.extend(".".join(parts[: i + 1]) for i in range(len(parts)) if all(p.isidentifier() for p in parts[: i + 1]))
    return list(dict.fromkeys(found))


def _first_word(text: str) -> str:
    """``a.b`` of ``a.b as c``."""
    words = text.split()
    return words[0] if words else ""
