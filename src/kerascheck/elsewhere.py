"""Findings at the code that has them: a layer made in another module of the project.

When the analysed file calls a builder of a module it imports, what the
builder makes is shown in the file's summary at that call, but a finding
about it is the builder's code's: it is placed at its own line in its own
module (``Placer``, in the analysis of the file: the module's ``# noqa``
comments apply there), with the calls that reached it from the file as
related locations.  The run then moves it to that module's report
(``relocate``): once, whichever files reached it, and after the module's own
diagnostics when the module is checked too.

Only a module of the project is such a place (not an installed package, nor a
library's source): a finding in one is placed at the deepest call of the
project that reached it.  Diagnostics about the analysis itself (``KC0``: a
limit, the time guard) stay with the analysed file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

import libcst as cst

from kerascheck import suppression
from kerascheck.diagnostics import Diagnostic, Location, Span
from kerascheck.interpreter.modules import INSTALLED
from kerascheck.interpreter.statements import source_text
from kerascheck.positions import Positions
from kerascheck.real_paths import real_path
from kerascheck.report import FileReport
from kerascheck.sources import decode, read_path

if TYPE_CHECKING:
    from kerascheck.interpreter.modules import ModuleState
    from kerascheck.interpreter.origins import Origins

#: the codes of diagnostics about the analysis, which stay with the analysed file
ANALYSIS = "KC0"


class Placer:
    """Places the diagnostics of one analysis whose node stands for a node of another module."""

    def __init__(self, origins: Origins, positions: Positions) -> None:
        self.origins = origins
        self.positions = positions  # the analysed file's
        self._modules: dict[int, tuple[Positions, suppression.Suppressions]] = {}

    def place(self, diagnostic: Diagnostic, node: cst.CSTNode | None) -> Diagnostic | None:
        """``diagnostic`` (at the analysed file's ``span`` of ``node``) at the deepest
        place of the project that ``node`` stands for; None when a comment there
        suppresses it."""
        origin = self.origins.of(node)
        if origin is None or diagnostic.code.startswith(ANALYSIS):
            return diagnostic
        found = []
        for step, module in (*origin.calls, (origin.node, origin.module)):
            where = self._find(step, module)
            if where is None:
                break  # past the project's modules
            found.append((step, where))
        if not found:
            return diagnostic
        *through, (_, (path, span, suppressions)) = found
        related = [Location(None, diagnostic.span, _what(origin.anchor))]
        related += [Location(where[0], where[1], _what(step)) for step, where in through]
        diagnostic.path, diagnostic.span, diagnostic.related = path, span, tuple(related)
        diagnostic.edits = ()  # placed in the analysed file's text, not the module's
        return diagnostic if suppression.apply([diagnostic], suppressions) else None

    def _find(self, node: cst.CSTNode, module: ModuleState) -> tuple[str, Span, suppression.Suppressions] | None:
        """Where ``node`` is in ``module`` (and that module's suppressions), when it is a module of the project."""
        if module.tree is None or module.path is None or any(part in INSTALLED for part in module.path.parts):
            return None
        if id(module) not in self._modules:
            self._modules[id(module)] = (Positions(module.tree), suppression.parse(module.tree.code))
        positions, suppressions = self._modules[id(module)]
        span = positions.find(node)
        return (str(module.path), span, suppressions) if span is not None else None


def _what(node: cst.CSTNode) -> str:
    """What a step of the way does: the call it makes, the module it imports."""
    if isinstance(node, cst.Call):
        return f"calls {_short(source_text(node.func))}()"
    if isinstance(node, (cst.Import, cst.ImportFrom, cst.SimpleStatementLine)):
        return "imports the module"
    return "reaches it"


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def relocate(reports: list[FileReport], reported: Callable[[str, str], bool]) -> list[FileReport]:
    """The reports with each diagnostic placed in another file moved to that file's
    report (made, after the others, for a file not checked), the file reaching it
    named in its related locations; dropped where that file's report has one of
    its code at its place already, or ``reported(path, code)`` is False for it."""
    by_file = {_key(r.path): r for r in reports if r.path != "-"}
    moved: dict[str, list[Diagnostic]] = {}
    for report in reports:
        own = []
        for diagnostic in report.diagnostics:
            if diagnostic.path is None:
                own.append(diagnostic)
                continue
            key = _key(diagnostic.path)
            diagnostic.related = tuple(
                Location(report.path, l.span, l.message) if l.path is None else Location(_shown(l.path, by_file), l.span, l.message)
                for l in diagnostic.related
            )
            diagnostic.path = None
            moved.setdefault(key, []).append(diagnostic)
        report.diagnostics = own
    made = []
    for key, diagnostics in moved.items():
        target = by_file.get(key)
        if target is None:
            target = by_file[key] = FileReport(_display(key), source=_text(key), analysed=False)
            made.append(target)
        seen = {(d.code, d.span) for d in target.diagnostics}
        for diagnostic in diagnostics:
            if (diagnostic.code, diagnostic.span) not in seen and reported(target.path, diagnostic.code):
                seen.add((diagnostic.code, diagnostic.span))
                target.diagnostics.append(diagnostic)
    return reports + [r for r in made if r.diagnostics]


def _key(path: str) -> str:
    return real_path(path)


def _shown(path: str, by_file: dict[str, FileReport]) -> str:
    """How the run names the file ``path``: as its report does, else as ``_display``."""
    report = by_file.get(_key(path))
    return report.path if report is not None else _display(path)


def _display(path: str) -> str:
    """``path`` relative to the current folder when it is inside it, else absolute (as ruff shows paths)."""
    here = Path.cwd()
    absolute = Path(path)
    return absolute.relative_to(here).as_posix() if absolute.is_relative_to(here) else absolute.as_posix()


def _text(path: str) -> str:
    """The text of a file not checked itself (for the reporters that show source lines)."""
    data = read_path(Path(path))
    text = decode(data) if isinstance(data, bytes) else data
    return text if isinstance(text, str) else ""
