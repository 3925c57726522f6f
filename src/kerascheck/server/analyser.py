"""Analysing one editor buffer, as ``kerascheck check`` analyses a file.

The buffer's text (not the file on disk) goes through ``analyze_bytes`` with
the options ``check`` would use for that path: the ``[tool.kerascheck]`` of
the nearest ``pyproject.toml`` (read again when it changes), its per-file
ignores, and the ``noqa`` comments of the text.  Nothing here raises: a
failure becomes a KC000 diagnostic, and its traceback a message to log.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Mapping

from lsprotocol import types

from kerascheck import __version__, config
from kerascheck.analysis import analyze_bytes, options_for, to_diagnostic
from kerascheck.deep_stack import with_deep_stack
from kerascheck.diagnostics import Span
from kerascheck.findings import Finding
from kerascheck.interpreter.limits import Limits
from kerascheck.interpreter.modules import ParseCache, Reads
from kerascheck.report import FileReport
from kerascheck.server.protocol import Lines, diagnostics

#: the rules' documentation in a clone of the repository (an editable install)
REPOSITORY_DOCS = Path(__file__).resolve().parents[3] / "docs" / "rules.md"
#: Python's third garbage-collection threshold during an analysis: no full
#: collection then (each traverses every object the analysis made so far: a
#: fifth of the time of a large file's); ``collect_if_due`` does it after
GC_DEFERRED = 1_000_000


@dataclass(frozen=True)
class Snapshot:
    """A buffer's text at one moment: ``generation`` counts its changes."""

    uri: str
    path: Path | None  # None: a buffer that is not a file (untitled)
    text: str
    generation: int
    version: int | None = None  # the client's version of the document
    #: the other open buffers' texts by resolved path: the modules it imports are read from them
    overlay: Mapping[str, bytes] = field(default_factory=dict)


@dataclass
class Result:
    """What the analysis of a snapshot gives the editor."""

    snapshot: Snapshot
    report: FileReport
    lines: Lines
    diagnostics: list[types.Diagnostic]
    #: internal errors and configuration problems, to log (and show once)
    problems: list[str] = field(default_factory=list)
    #: the modules of its project the analysis read (resolved paths): a change of one changes it
    imported: frozenset[str] = frozenset()


class Analyser:
    """Analyses buffers one at a time (it is not thread-safe), sharing the parse
    trees of the modules they import between edits."""

    def __init__(self, root: Path, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.root = root
        self.encoding = encoding
        self.cache = ParseCache()
        self.docs = rules_docs()
        self._read: dict[Path, float] = {}  # each configuration file read: its modification time
        self._stale = False  # set by another thread: read every configuration file again

    def run(self, snapshot: Snapshot, stop: Callable[[], bool] | None = None) -> Result:
        """Analyse ``snapshot``; ``stop`` ends the analysis early when it answers True."""
        lines = Lines(snapshot.text, self.encoding)
        problems: list[str] = []
        try:
            path = snapshot.path or self.root / "-"
            settings = self.settings(path, problems)
            options = dataclasses.replace(options_for(settings, path, "check"), limits=Limits(stop=stop))
            name = path.as_posix() if snapshot.path else "-"
            data = snapshot.text.encode("utf-8")
            own = {str(path.resolve()): data} if snapshot.path else {}  # a new file, not saved yet, is in its project
            reads = Reads({**snapshot.overlay, **own})
            with _full_collections_deferred():
                report = with_deep_stack(analyze_bytes, data, name, options, self.cache, reads)
            problems += [d.message for d in report.diagnostics if d.code == "KC000"]
            imported = frozenset(reads.files)
            return Result(snapshot, report, lines, diagnostics(report, lines, self.docs), problems, imported)
        except Exception as exc:  # noqa: BLE001 - the server must outlive any failure
            message = f"internal error in the language server: {type(exc).__name__}: {exc}"
            report = FileReport(str(snapshot.path or "-"), source=snapshot.text)
            report.diagnostics.append(to_diagnostic(Finding("KC000", None, message), Span(1, 1, 1, 1)))
            problems.append(f"{message}\n{traceback.format_exc()}")
            return Result(snapshot, report, lines, diagnostics(report, lines, self.docs), problems)

    def settings(self, path: Path, problems: list[str]) -> config.Settings:
        """The settings for ``path``; the defaults (and a problem) when the
        configuration is invalid."""
        if self._stale or any(_modified(file) != seen for file, seen in self._read.items()):
            self._stale = False
            config.forget()
            self._read.clear()
        try:
            settings = config.settings_for(path)
        except config.ConfigError as exc:
            problems.append(f"configuration ignored: {exc}")
            return config.Settings(root=self.root)
        if settings.source is not None:
            self._read.setdefault(settings.source, _modified(settings.source))
        return settings

    def forget_configuration(self) -> None:
        """Read every configuration file again from the next analysis on (one was
        created, changed or removed); safe while an analysis runs."""
        self._stale = True


@contextlib.contextmanager
def _full_collections_deferred() -> Iterator[None]:
    """No full garbage collection in the block (younger generations are collected
    as usual); ``gc.collect()`` after it frees what the block left."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], GC_DEFERRED)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def collect_if_due() -> None:
    """The full garbage collection an analysis deferred, if Python would have made one."""
    if gc.get_count()[2] >= gc.get_threshold()[2]:
        gc.collect()


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


def rules_docs() -> Path | None:
    """``docs/rules.md``, the target of each diagnostic's link: the repository's,
    or else the same page generated once per version in the user's cache."""
    if REPOSITORY_DOCS.is_file():
        return REPOSITORY_DOCS
    from kerascheck.rules import all_rules
    from kerascheck.rules.docs import rules_markdown

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kerascheck"
    page = cache / f"rules-{__version__}.md"
    try:
        if not page.is_file():
            cache.mkdir(parents=True, exist_ok=True)
            page.write_text(rules_markdown(all_rules().values()), encoding="utf-8")
    except OSError:
        return None
    return page
