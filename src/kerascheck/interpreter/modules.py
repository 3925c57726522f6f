"""Cross-module analysis: the other modules of the analysed file's project.

When the analysed file imports a module of its own project — a sibling
(``import blocks``), a relative import (``from . import blocks``), a module of
its package or of its project's root (``from models.blocks import conv``; the
root is the nearest folder above it with ``pyproject.toml``, ``setup.py``,
``setup.cfg`` or ``.git``, and ``src/`` under it too) — that module's body is interpreted once per analysis, and what the
file then uses from it runs like the file's own code.  Its parse tree is
shared by the analyses of a run (``ParseCache``): a module that many files
import is parsed once.

The libraries the interpreter models (``library.Library``: Keras, TensorFlow)
stay modelled: a module of their packages is followed only by a file in the
same folder (``keras/src/applications/resnet_v2.py`` follows ``resnet.py``),
and the modules whose helpers a library models itself are never read.  A file
of an installed package (under ``site-packages``) follows only the modules of
its own folder.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import libcst as cst
from libcst import CSTNode

from kerascheck.interpreter.library import Libraries, Source, installed_package
from kerascheck.interpreter.limits import AnalysisLimit
from kerascheck.interpreter import parse_limits
from kerascheck.interpreter.imports import absolute_name, imported_modules, package_of, path_kind, project_root
from kerascheck.interpreter.values import MISSING, Scope
from kerascheck.sources import NotRead, decode, read_path

MAX_MODULES = 128  # modules followed per analysis
MAX_FOLLOWED_TOKENS = 150_000  # of the modules followed per analysis (their trees: about 300 MB)
MAX_BYTES = 1_000_000
# source kept parsed per run, in tokens (a tree takes about 2 KB a token)
MAX_CACHED_TOKENS = 150_000  # of imported modules
MAX_RECENT_TOKENS = 7_500  # of the latest analysed files, until one is imported
INSTALLED = ("site-packages", "dist-packages")


@dataclass(eq=False)
class ModuleState:
    """A module being interpreted: the analysed file (``__main__``) or one it imports."""

    name: str  # its dotted name
    package: str  # where its relative imports start
    tree: cst.Module | None  # None for a namespace package (a folder)
    path: Path | None = None
    tokens: int = 0  # of its source
    star_imports: list[Any] = field(default_factory=list)  # Refs of ``from LIBRARY import *``

    def __post_init__(self) -> None:
        self.globals = Scope(module=self)
        self.globals.vars["__name__"] = self.name
        if self.path is not None and self.tree is not None:
            self.globals.vars["__file__"] = str(self.path)


class Reads:
    """What the analysis of one file found on disk, for a result cache to tell
    when its result is stale: each path it looked at (``"file"``, ``"dir"`` or
    ``""`` for neither) and the digest of each file it read.

    ``overlay``: the content of files by path (resolved), read instead of the
    disk's (an editor's unsaved buffers)."""

    def __init__(self, overlay: Mapping[str, bytes] | None = None) -> None:
        self.kinds: dict[str, str] = {}  # by path (plain strings: cheap to send to another process)
        self.files: dict[str, str] = {}
        self.overlay = overlay or {}

    def kind(self, path: Path | str) -> str:
        key = str(path)
        if key not in self.kinds:
            self.kinds[key] = "file" if key in self.overlay else path_kind(key)
        return self.kinds[key]

    def is_file(self, path: Path | str) -> bool:
        return self.kind(path) == "file"

    def is_dir(self, path: Path | str) -> bool:
        return self.kind(path) == "dir"

    def read(self, path: Path, limit: int) -> bytes | NotRead:
        """The file's content (never a special file's, never past ``limit``), noted."""
        key = str(path)
        data = self.overlay[key] if key in self.overlay else read_path(path, limit)
        self.files[key] = digest(data) if isinstance(data, bytes) else ""
        return data

    def peek(self, path: Path, limit: int) -> str | None:
        """The start of the file's text (``limit`` bytes), not noted; None when unreadable."""
        data = self.overlay.get(str(path))
        if data is None:
            try:
                with path.open("rb") as opened:
                    data = opened.read(limit)
            except OSError:
                return None
        return data[:limit].decode("utf-8", "replace")


def digest(data: bytes) -> str:
    """A file's content digest."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def parse(source: str) -> cst.Module:
    """``libcst.parse_module(source)``, once its nesting and size are known to be
    within bounds (``parse_limits.ParseLimit`` when they are not)."""
    return _parse_counted(source)[0]


def _parse_counted(source: str) -> tuple[cst.Module, int]:
    """``parse(source)``, and how many tokens ``source`` has."""
    tokens = parse_limits.check(source)
    return parse_unchecked(source), tokens


def parse_unchecked(source: str) -> cst.Module:
    """``libcst.parse_module(source)`` without the check each node makes of its
    fields as it is made (``CSTNode._validate``: that a name is not empty, that
    whitespace is whitespace...), a tenth of the parse or more.  The check is for nodes
    made by hand: the parser makes only nodes it read from the source, and
    rejects the same sources with or without it (10,103 files of the standard
    library, site-packages and public repositories: the same trees and the same
    23 syntax errors).  Nodes made while the parser runs (another thread) are not
    checked either, which changes nothing but the time the check takes."""
    CSTNode.__post_init__ = _no_check  # type: ignore[method-assign]
    try:
        return cst.parse_module(source)
    finally:
        CSTNode.__post_init__ = _CHECK  # type: ignore[method-assign]


_CHECK = CSTNode.__post_init__


def _no_check(self: CSTNode) -> None:
    pass


class ParseCache:
    """The parse trees of one run's files: a file is parsed again only when its
    text changed or its tree was dropped.

    Only the parse is shared.  A tree is a function of the text alone and libcst
    trees are immutable, so sharing one changes no result.  Each analysis still
    interprets a module it imports into a ``ModuleState`` of its own: the values
    of a module's body can be changed by the file that uses them, and running
    the body takes the file's Keras auto-names and interpretation budget.

    The trees of imported modules are kept up to ``max_tokens`` of source; an
    analysed file's own tree only among the latest ``max_recent_tokens``, unless
    a later analysis imports it (most files are imported by none, and each tree
    kept takes memory and slows Python's garbage collector).
    """

    def __init__(
        self,
        max_tokens: int = MAX_CACHED_TOKENS,
        max_recent_tokens: int = MAX_RECENT_TOKENS,
        parsed: Callable[[], None] | None = None,
    ) -> None:
        #: called once an analysed file's tree is made (``parallel``: it freezes the
        #: tree out of the garbage collector's walks)
        self.parsed = parsed
        self.imported = _Trees(max_tokens)
        self.recent = _Trees(max_recent_tokens)  # analysed files no analysis has imported yet
        #: (pattern, module file, its package) of the modules that import no module
        #: matching the pattern, however indirectly (``Project.reaches``)
        self.unreaching: set[tuple[str, Path, str]] = set()

    def parse(self, path: Path, source: str, imported: bool) -> cst.Module:
        """``parse(source)`` for the file ``path``, read as a module (``imported``)
        or as the analysed file; a syntax error (or ``ParseLimit``) is raised again."""
        return self.parse_counted(path, source, imported)[0]

    def parse_counted(self, path: Path, source: str, imported: bool) -> tuple[cst.Module, int]:
        """``parse(path, source, imported)``, and how many tokens ``source`` has."""
        entry = self.imported.take(path, source)
        if entry is not None:
            imported = True
        else:
            entry = self.recent.take(path, source)
        if entry is None:
            try:
                entry = _parse_counted(source)
            except (cst.ParserSyntaxError, parse_limits.ParseLimit) as exc:
                entry = (exc.with_traceback(None), 0)  # kept without the parser's frames
        (self.imported if imported else self.recent).put(path, source, entry)
        if not imported and self.parsed is not None:
            self.parsed()
        tree, tokens = entry
        if isinstance(tree, Exception):
            raise tree.with_traceback(None)  # the traceback of this use only
        return tree, tokens


class _Trees:
    """Parse trees (or syntax errors) by path, with their sources' token counts;
    the least recently used are dropped past ``max_tokens``."""

    def __init__(self, max_tokens: int) -> None:
        self.max_tokens = max_tokens
        self.tokens = 0
        #: oldest use first (an ``OrderedDict``: a plain dict finds its first entry only
        #: past the places of those removed before it, slowly when many were)
        self.entries: OrderedDict[Path, tuple[str, tuple[cst.Module | Exception, int]]] = OrderedDict()

    def take(self, path: Path, source: str) -> tuple[cst.Module | Exception, int] | None:
        """Remove the entry of ``path``; its tree and tokens if it is of ``source``."""
        entry = self.entries.pop(path, None)
        if entry is None:
            return None
        self.tokens -= entry[1][1]
        return entry[1] if entry[0] == source else None

    def put(self, path: Path, source: str, parsed: tuple[cst.Module | Exception, int]) -> None:
        self.entries[path] = (source, parsed)
        self.tokens += parsed[1]
        while self.tokens > self.max_tokens:
            _, (_, (_, tokens)) = self.entries.popitem(last=False)
            self.tokens -= tokens


class Project:
    """Where the modules a file imports are found, and which ones are followed;
    ``cache`` holds the parse trees shared by the run, ``libraries`` the
    libraries whose modules are modelled rather than read, ``reads`` what was
    found on disk."""

    def __init__(
        self, path: Path, cache: ParseCache | None = None, libraries: Libraries | None = None, reads: Reads | None = None
    ) -> None:
        self.cache = cache if cache is not None else ParseCache()
        self.libraries = libraries if libraries is not None else Libraries()
        self.reads = reads if reads is not None else Reads()
        folder = path.parent
        self.package, top = package_of(folder, self.reads.kind)
        self.file = path
        self.folder = folder
        self.packages: dict[str, Path | None] = {}  # installed third-party packages found
        # searched in this order: the file's folder first, as Python's sys.path[0] for a
        # script; an installed package's module is no script: its ``import numpy`` is
        # numpy, not a sibling numpy.py
        installed = any(part in INSTALLED for part in path.parts)
        roots = [top] if installed else [folder, top]
        self.scopes = [folder]
        if not installed:
            if top != folder:
                self.scopes.append(top / folder.relative_to(top).parts[0])
            root = project_root(folder, self.reads.kind)
            if root is not None:
                roots += [root, root / "src"]
                self.scopes.append(root)
        self.roots = list(dict.fromkeys(roots))
        self.located: dict[str, Path | None] = {}

    @classmethod
    def of(
        cls, path: str, cache: ParseCache | None = None, libraries: Libraries | None = None, reads: Reads | None = None
    ) -> Project | None:
        """The project of an analysed file; None when it is not a file on disk."""
        reads = reads if reads is not None else Reads()
        try:
            file = Path(path).resolve()
            return cls(file, cache, libraries, reads) if reads.is_file(file) else None
        except (OSError, ValueError):
            return None

    def reaches(self, source: str, pattern: re.Pattern[str]) -> bool:
        """Whether ``source`` imports a module of the project whose text matches
        ``pattern``, or one that imports such a module, and so on (the file may
        then build Keras models without naming Keras itself), read without
        parsing: at most ``MAX_MODULES`` modules, each read once."""
        seen: set[Path] = set()
        visited: set[tuple[str, Path, str]] = set()
        pending = [(source, self.package)]
        while pending:
            text, package = pending.pop()
            for name in imported_modules(text, package):
                path = self.locate(name)
                if path is None or path in seen or len(seen) >= MAX_MODULES:
                    continue
                seen.add(path)
                file = path / "__init__.py" if path.is_dir() else path
                inner = name if file.name == "__init__.py" else name.rpartition(".")[0]
                key = (pattern.pattern, path, inner)
                if key in self.cache.unreaching:
                    continue
                visited.add(key)
                found = self.reads.peek(file, MAX_BYTES + 1)
                if found is None:
                    continue
                if pattern.search(found):
                    return True
                pending.append((found, inner))
        if len(seen) < MAX_MODULES:  # each module seen imports only modules seen: none reaches one
            self.cache.unreaching.update(visited)
        return False

    def locate(self, name: str) -> Path | None:
        """The file (or namespace folder) of module ``name``, if it is followed: a
        module of the project, or of an installed third-party package the
        libraries read from source (``Library.source_packages``); looked for once
        while the folders searched stay the same (``search``)."""
        if name not in self.located:
            self.located[name] = self._locate(name)
        return self.located[name]

    def search(self, folder: Path) -> None:
        """Look for the project's modules in ``folder`` too (``sys.path``), last."""
        self.roots.append(folder)
        self.scopes.append(folder)
        self.located.clear()

    def _locate(self, name: str) -> Path | None:
        parts = name.split(".")
        if not all(part.isidentifier() for part in parts):
            return None
        folders = []
        roots = self.roots
        if parts[0] in self.libraries.source_packages:
            package = self.third_party(parts[0])
            roots = [*roots, package.parent] if package is not None else roots
        for root in roots:  # (paths as strings until one is found: ``Path`` is slow to make)
            base = os.path.join(root, *parts)
            for candidate in (base + ".py", os.path.join(base, "__init__.py")):
                if self.reads.is_file(candidate):
                    return Path(candidate) if self.follows(name, Path(candidate)) else None
            if self.reads.is_dir(base):
                folders.append(Path(base))
        return next((f for f in folders if self.follows(name, f)), None)

    def third_party(self, top: str) -> Path | None:
        """The installed folder of the third-party package ``top`` (looked up once)."""
        if top not in self.packages:
            self.packages[top] = installed_package(top)
        return self.packages[top]

    def follows(self, name: str, path: Path) -> bool:
        if self.libraries.canonical(name) in self.libraries.modelled_modules:
            return False
        package = self.packages.get(name.split(".")[0])
        if package is not None and _within(path, package):
            return True
        if name.split(".")[0] in self.libraries.packages:
            return path.parent == self.folder or path == self.folder
        return any(_within(path, scope) for scope in self.scopes)


def _within(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or under it (``folder in path.parents``, without making them)."""
    inner, outer = str(path), str(folder)
    return inner == outer or inner.startswith(outer if outer.endswith(os.sep) else outer + os.sep)


class Importer:
    """Loads the project's modules for one analysis, each run once (``run`` runs a body)."""

    def __init__(
        self,
        project: Project | None,
        main: ModuleState,
        run: Callable[[ModuleState, cst.CSTNode], None],
        libraries: Libraries | None = None,
    ) -> None:
        self.project = project
        self.libraries = libraries if libraries is not None else Libraries()
        self.run = run
        self.cache = project.cache if project is not None else ParseCache()
        self.reads = project.reads if project is not None else Reads()
        self.modules: dict[Path, ModuleState | None] = {}
        #: the folders of libraries' sources that were read (``Library.source``), by package:
        #: their modules follow the modules of the same folder
        self.sources: dict[str, Path] = {}
        self.capped = False  # MAX_MODULES or MAX_FOLLOWED_TOKENS was reached (said once)
        self.tokens = 0  # of the modules followed
        if project is not None:
            self.modules[project.file] = main

    def load(self, name: str, node: cst.CSTNode) -> ModuleState | None:
        """Module ``name`` of the project, interpreted; None if it is not followed."""
        if not name:
            return None
        path = self.project.locate(name) if self.project is not None else None
        if path is None:
            path = self.source_sibling(name)
        if path is None:
            return None
        return self.load_path(name, path, node)

    def search(self, folder: str) -> None:
        """``sys.path.insert(0, folder)`` / ``sys.path.append(folder)``: the project's
        modules are also looked for there (an absolute path only: a relative one
        depends on the folder the script is run from)."""
        if self.project is None or not os.path.isabs(folder):
            return
        path = Path(os.path.normpath(folder))
        if any(part in INSTALLED for part in path.parts) or not self.reads.is_dir(path):
            return
        self.project.search(path)

    def load_source(self, source: Source, node: cst.CSTNode) -> Any:
        """The global ``source.name`` of a library's source module, its module
        interpreted once; MISSING when it cannot be read."""
        package = source.module.rpartition(".")[0]
        self.sources.setdefault(package, source.path.parent)
        module = self.load_path(source.module, source.path, node)
        return MISSING if module is None else module.globals.vars.get(source.name, MISSING)

    def source_sibling(self, name: str) -> Path | None:
        """The file of ``name`` when it is a module beside a library source that was read."""
        package, _, last = name.rpartition(".")
        folder = self.sources.get(package)
        if folder is None or not last.isidentifier() or self.libraries.canonical(name) in self.libraries.modelled_modules:
            return None
        path = folder / f"{last}.py"
        return path if self.reads.is_file(path) else None

    def load_path(self, name: str, path: Path, node: cst.CSTNode) -> ModuleState | None:
        if path in self.modules:
            return self.modules[path]
        if len(self.modules) >= MAX_MODULES:
            self.cap(f"more than {MAX_MODULES} of the project's modules imported: {name} and later ones are not followed", node)
            return None
        state = self.modules[path] = _read(name, path, self.cache, self.reads)
        if state is not None and state.tokens + self.tokens > MAX_FOLLOWED_TOKENS:
            self.modules[path] = None
            self.cap(f"the project's modules imported passed {MAX_FOLLOWED_TOKENS:,} tokens: {name} and later ones are not followed", node)
            return None
        if state is not None and state.tree is not None:
            self.tokens += state.tokens
            self.run(state, node)
        return state

    def cap(self, message: str, node: cst.CSTNode) -> None:
        """A module past a limit on those followed is not followed (said once, where
        the first one is imported; later ones are simply not followed)."""
        if not self.capped:
            self.capped = True
            raise AnalysisLimit(message, node)

    def attribute(self, module: ModuleState, name: str, node: cst.CSTNode) -> Any:
        """``module.name``: a global of the module, a followed submodule, or MISSING."""
        if name in module.globals.vars:
            return module.globals.vars[name]
        submodule = self.load(f"{module.name}.{name}", node)
        return MISSING if submodule is None else submodule

    def absolute(self, module: ModuleState, level: int, name: str) -> str | None:
        """The absolute name of ``from .name import`` (``level`` dots) in ``module``."""
        return absolute_name(module.package, level, name)


def _read(name: str, path: Path, cache: ParseCache, reads: Reads) -> ModuleState | None:
    """Module ``name`` at ``path``, not yet run: its text is read again (the cache's
    key), its tree parsed once per run."""
    if reads.is_dir(path):
        return ModuleState(name, name, None, path)
    data = reads.read(path, MAX_BYTES)
    source = decode(data, MAX_BYTES) if isinstance(data, bytes) else data
    if isinstance(source, NotRead):
        return None
    try:
        tree, tokens = cache.parse_counted(path, source, imported=True)
    except (cst.ParserSyntaxError, parse_limits.ParseLimit, RecursionError):
        return None
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return ModuleState(name, package, tree, path, tokens=tokens)
