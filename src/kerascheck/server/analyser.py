"""Analysing one editor buffer, as ``kerascheck check`` analyses a file.

The buffer's text (not the file on disk) goes through ``analyze_bytes`` with
the options ``check`` would use for that path: the ``[tool.kerascheck]`` of
the nearest ``pyproject.toml`` (read again when it changes), its per-file
ignores, and the ``noqa`` comments of the text.  Nothing here raises: a
failure becomes a KC000 diagnostic, and its traceback a message to log.
"""

from __future__ import annotations

import dataclasses
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from lsprotocol import types

from kerascheck import __version__, config
from kerascheck.analysis import analyze_bytes, options_for, to_diagnostic
from kerascheck.deep_stack import with_deep_stack
from kerascheck.diagnostics import Span
from kerascheck.findings import Finding
from kerascheck.interpreter.limits import Limits
from kerascheck.interpreter.modules import ParseCache
from kerascheck.report import FileReport
from kerascheck.server.protocol import Lines, diagnostics

#: the rules' documentation in a clone of the repository (an editable install)
REPOSITORY_DOCS = Path(__file__).resolve().parents[3] / "docs" / "rules.md"


@dataclass(frozen=True)
class Snapshot:
    """A buffer's text at one moment: ``generation`` counts its changes."""

    uri: str
    path: Path | None  # None: a buffer that is not a file (untitled)
    text: str
    generation: int
    version: int | None = None  # the client's version of the document


@dataclass
class Result:
    """What the analysis of a snapshot gives the editor."""

    snapshot: Snapshot
    report: FileReport
    lines: Lines
    diagnostics: list[types.Diagnostic]
    #: internal errors and configuration problems, to log (and show once)
    problems: list[str] = field(default_factory=list)


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
            report = with_deep_stack(analyze_bytes, snapshot.text.encode("utf-8"), name, options, self.cache)
            problems += [d.message for d in report.diagnostics if d.code == "KC000"]
            return Result(snapshot, report, lines, diagnostics(report, lines, self.docs), problems)
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
