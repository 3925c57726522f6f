"""``--output-format sarif``: SARIF 2.1.0, as GitHub code scanning reads it.

Every rule is listed (not only those that fired), so a rule's index and help are
the same in every run.  A file's URI is relative to its repository root (the
nearest ancestor holding ``.git``, else the current folder) under ``%SRCROOT%``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kerascheck import __version__
from kerascheck.diagnostics import Location
from kerascheck.report import FileReport
from kerascheck.reporters.text import source_lines
from kerascheck.rules import all_rules
from kerascheck.rules.docs import options_text

if TYPE_CHECKING:  # the rule modules (and libcst) load when the rules are listed
    from kerascheck.rules.base import Rule

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "kerascheck/v1"  # partialFingerprints key: code + stripped line + occurrence


def repository_root(path: Path) -> Path:
    """The nearest ancestor of ``path`` (absolute) holding ``.git``, else the current folder."""
    return next((folder for folder in path.parents if (folder / ".git").exists()), Path.cwd())


def _artifact(path: str) -> tuple[dict[str, Any], Path | None]:
    """The file's ``artifactLocation``, and the root it is relative to (None: an absolute URI)."""
    absolute = Path(os.path.abspath(path))
    root = repository_root(absolute)
    if not absolute.is_relative_to(root):
        return {"uri": absolute.as_uri()}, None
    return {"uri": quote(absolute.relative_to(root).as_posix(), safe="/"), "uriBaseId": "%SRCROOT%"}, root


def _what_it_does(rule: Rule) -> str:
    """The docs' "What it does" section, its wrapped lines joined (paragraphs and list items kept)."""
    found = re.search(r"## What it does\n(.*?)(?=\n## |\Z)", rule.docs, re.S)
    return re.sub(r"(?<!\n)\n(?!\n|- )\s*", " ", found.group(1).strip()) if found else rule.summary


def _help(rule: Rule) -> str:
    text = rule.docs.rstrip()
    return f"{text}\n\n## Options\n{options_text(rule)}" if rule.options else text


def rule_json(rule: Rule) -> dict[str, Any]:
    from kerascheck.rules.base import AnalysisRule  # loaded with the rules themselves

    help_text = _help(rule)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _what_it_does(rule)},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["keras", "analysis"] if isinstance(rule, AnalysisRule) else ["keras"]},
    }


def _results(report: FileReport, rule_index: dict[str, int]) -> tuple[list[dict[str, Any]], set[Path]]:
    """The file's results, and the roots their locations are relative to."""
    artifact, root = _artifact(report.path)
    roots = {root} if root is not None else set()
    lines = source_lines(report.source)
    seen: Counter[tuple[str, str]] = Counter()
    results = []
    for d in report.diagnostics:
        s = d.span
        text = lines[s.line - 1].strip() if 1 <= s.line <= len(lines) else ""
        seen[d.code, text] += 1
        digest = hashlib.sha256(f"{d.code}\0{text}".encode()).hexdigest()[:16]
        region = {"startLine": s.line, "startColumn": s.column, "endLine": s.end_line, "endColumn": s.end_column}
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": LEVELS[d.severity],
            "message": {"text": f"{d.message}\nFix: {d.fix}" if d.fix else d.message},
            "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": region}}],
            "partialFingerprints": {FINGERPRINT: f"{digest}:{seen[d.code, text]}"},
        }
        if d.code in rule_index:
            result["ruleIndex"] = rule_index[d.code]
        if d.related:
            result["relatedLocations"] = [_related(i, location, report.path) for i, location in enumerate(d.related)]
            roots.update(r for r in (_artifact(location.path or report.path)[1] for location in d.related) if r is not None)
        results.append(result)
    return results, roots


def _related(index: int, location: Location, path: str) -> dict[str, Any]:
    """A call on the way from the file that found the result to its place (in ``path`` when it names none)."""
    artifact, _ = _artifact(location.path or path)
    s = location.span
    region = {"startLine": s.line, "startColumn": s.column, "endLine": s.end_line, "endColumn": s.end_column}
    return {
        "id": index,
        "physicalLocation": {"artifactLocation": artifact, "region": region},
        "message": {"text": location.message},
    }


def render(reports: list[FileReport], color: bool = False) -> str:
    rules = all_rules()
    rule_index = {code: i for i, code in enumerate(rules)}
    results, roots = [], set()
    for report in (r for r in reports if r.diagnostics):
        found, their_roots = _results(report, rule_index)
        results += found
        roots |= their_roots
    run = {
        "tool": {"driver": {
            "name": "kerascheck",
            "version": __version__,
            "informationUri": "https://pypi.org/project/kerascheck/",
            "rules": [rule_json(r) for r in rules.values()],
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if len(roots) == 1:  # %SRCROOT% names one folder only when every file shares it
        uri = roots.pop().as_uri()
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": uri if uri.endswith("/") else uri + "/"}}
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)
