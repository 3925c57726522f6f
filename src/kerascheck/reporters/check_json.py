"""``check --output-format json``: the summary JSON's schema, diagnostics only."""

from __future__ import annotations

import json

from kerascheck.report import FileReport
from kerascheck.reporters.json_report import diagnostic_json


def render(reports: list[FileReport], color: bool = False) -> str:
    files = [{"path": r.path, "diagnostics": [diagnostic_json(d) for d in r.diagnostics]} for r in reports]
    return json.dumps({"version": 1, "files": files}, indent=2)
